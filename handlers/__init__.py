"""Conversations, written against the neutral message model only (no platform SDK)."""
