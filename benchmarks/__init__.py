"""Benchmark suite for crucible_ir (run it with ``python -m benchmarks``; see README.md).

Not a test suite: nothing here is collected by pytest, and nothing here is imported by
the library. The data it measures on is generated deterministically into
``benchmarks/data/`` (git-ignored) by :mod:`benchmarks._data`.
"""
