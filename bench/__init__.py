"""Retos benchmarks (``make bench``). Not part of the test suite; see bench/README.md."""
