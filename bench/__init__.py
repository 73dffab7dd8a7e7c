"""Benchmarks: `make bench` runs them against a scratch database and prints their figures."""
