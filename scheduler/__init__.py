"""Reminders and digests: APScheduler triggers sweeps; the outbox table decides what is sent."""
