"""Helpers of benchmarks/load_webhook.py: seeding, the load process, process statistics."""
