"""Benchmarks: scripts that measure throughput (not tests)."""
