"""Benchmarks: they measure and report; they never assert timings."""
