"""Cross-app tests: browser tests (``tests/e2e``) and benchmarks (``tests/bench``).

Unit and integration tests live next to their app, in ``src/ameliora/<app>/tests/``.
"""
