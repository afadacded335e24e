"""Synthetic data at scale for the benchmarks (issue 9): `manage.py generate_load`."""

from bench.loadgen.generate import LoadRefused, Summary, generate_load

__all__ = ["LoadRefused", "Summary", "generate_load"]
