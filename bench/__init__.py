"""Benchmarks (`make bench`): each prints its figures; record them in docs/benchmarks.md."""
