"""Benchmark suites: each module has ``run(bench) -> list[Figure]`` (see bench/harness.py).

SUITES lists them in the order bench/run.py runs them.
"""

SUITES = ["sweep", "reports", "api", "admin"]
