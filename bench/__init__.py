"""Benchmarks: each scenario measured as a ratio to floors taken in the same run.

See docs/performance.md.
"""
