"""Benchmarks: plain Python, figures printed as a table and written as JSON."""
