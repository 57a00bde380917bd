"""Benchmarks on large synthetic data: ``python -m tests.bench`` (``make bench``).

Not a test suite: pytest does not collect these files (none is named ``test_*``). See
:mod:`tests.bench.harness` for the registry and ``docs/benchmarks.md`` for the figures.
"""
