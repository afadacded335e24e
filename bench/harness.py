"""Measuring tools shared by the benchmark suites in bench/suites/.

A suite is a module with ``run(bench: Bench) -> list[Figure]``. It runs inside a Django
process whose DATABASE_URL points at a database that ``manage.py generate_load`` filled
(bench/run.py prepares it); it measures what the product does and, beside it, the *floor*:
the same question asked directly in SQL on the same database. Figures are printed, never
asserted: these are measurements, not tests.
"""

from __future__ import annotations

import datetime as dt
import math
import socket
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Figure:
    """One line of the benchmark table."""

    suite: str
    name: str
    ms: float
    queries: int | None = None
    floor_ms: float | None = None
    # A target is either "within N× the floor" or "under N ms" (or both); None = no target.
    target_ratio: float | None = None
    target_ms: float | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.floor_ms is None or self.floor_ms <= 0 or math.isnan(self.ms):
            return None
        return self.ms / self.floor_ms

    @property
    def ok(self) -> bool | None:
        checks = []
        if self.target_ratio is not None and self.ratio is not None:
            checks.append(self.ratio <= self.target_ratio)
        if self.target_ms is not None and not math.isnan(self.ms):
            checks.append(self.ms <= self.target_ms)
        return all(checks) if checks else None

    @property
    def target(self) -> str:
        parts = []
        if self.target_ratio is not None:
            parts.append(f"≤ {self.target_ratio:g}× floor")
        if self.target_ms is not None:
            parts.append(f"< {self.target_ms:g} ms")
        return ", ".join(parts)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Timing:
    median_ms: float
    p95_ms: float
    runs: int
    queries: int
    result: Any = None
    samples: list[float] = field(default_factory=list)


def percentile(samples: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (pct in 0-100) of a non-empty sequence."""
    ordered = sorted(samples)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def timed(
    func: Callable[[], Any],
    *,
    runs: int = 5,
    warmup: int = 1,
    before_each: Callable[[], Any] | None = None,
) -> Timing:
    """Run ``func`` warmup + runs times; median and p95 of the timed runs, queries of the last.

    ``before_each`` (not timed) resets what ``func`` changes, so every run does the same work.
    """
    from django.db import connection, reset_queries

    for _ in range(warmup):
        if before_each:
            before_each()
        func()
    samples: list[float] = []
    queries = 0
    result = None
    for _ in range(runs):
        if before_each:
            before_each()
        connection.force_debug_cursor = True
        reset_queries()
        started = time.perf_counter()
        try:
            result = func()
        finally:
            elapsed = (time.perf_counter() - started) * 1000
            queries = len(connection.queries)
            connection.force_debug_cursor = False
        samples.append(elapsed)
    return Timing(
        median_ms=statistics.median(samples),
        p95_ms=percentile(samples, 95),
        runs=runs,
        queries=queries,
        result=result,
        samples=samples,
    )


def sql_floor(sql: str, params: Sequence[Any] = (), *, runs: int = 5, warmup: int = 1) -> Timing:
    """Time one hand-written SQL statement (executed and fully fetched) on the same database."""
    from django.db import connection

    def ask():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else cursor.rowcount

    return timed(ask, runs=runs, warmup=warmup)


def sql_floor_many(
    statements: Sequence[tuple[str, Sequence[Any]]], *, runs: int = 5, warmup: int = 1
) -> Timing:
    """Time several hand-written SQL statements run one after the other (one floor)."""
    from django.db import connection

    def ask():
        results = []
        with connection.cursor() as cursor:
            for sql, params in statements:
                cursor.execute(sql, params)
                results.append(cursor.fetchall() if cursor.description else cursor.rowcount)
        return results

    return timed(ask, runs=runs, warmup=warmup)


def free_port() -> int:
    """A free TCP port on loopback, for a server a suite starts."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Bench:
    """What a suite knows about the database it measures."""

    vendor: str  # "sqlite" or "postgresql"
    size: int  # number of dossiers generate_load made
    today: dt.date
    quick: bool = False  # fewer runs (smoke run of the harness itself)

    @property
    def runs(self) -> int:
        return 2 if self.quick else 5

    def user(self, username: str):
        """One of the fixed accounts generate_load creates (see bench/loadgen)."""
        from cases.models import User

        return User.objects.get(username=username)
