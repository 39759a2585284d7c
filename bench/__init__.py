"""Benchmarks (`make bench`): realistic volumes on PostgreSQL, timed through the Django test
client, with each page's main SQL timed alone. Targets live here, never in unit tests."""
