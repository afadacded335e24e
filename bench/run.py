"""`make bench`: every benchmark suite at several sizes on SQLite and PostgreSQL; one table.

    python -m bench.run [--sizes 10000,100000,1000000] [--databases sqlite,postgresql]
                        [--suites sweep,reports,api,admin] [--seed 1] [--quick]

For each database and size it prepares a database filled by `manage.py generate_load` (kept
between runs: SQLite files var/bench/load-<size>.sqlite3, PostgreSQL databases load_<size>;
one whose dossier count is not the size asked, e.g. an interrupted load, is rebuilt), then
runs the suites in a separate process (bench/measure.py) and prints each figure beside its
floor, the same question asked directly in SQL on the same database, as a ratio. The table
also goes to var/bench/results.md with the machine it came from.

PostgreSQL: BENCH_POSTGRES_URL (a server URL without database name, role allowed to create
databases), or else a server started for the run with its data kept in var/bench/pg.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as dt
import json
import math
import os
import platform
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.harness import Figure  # noqa: E402
from bench.suites import SUITES  # noqa: E402

BENCH_DIR = ROOT / "var" / "bench"
PYTHON = sys.executable


def _db_name(size: int, seed: int) -> str:
    return f"load_{size}" if seed == 1 else f"load_{size}_s{seed}"


def _manage(url: str, *args: str, capture: bool = False) -> str:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings"}
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    )
    return result.stdout if capture else ""


def _count(url: str) -> int:
    out = _manage(
        url,
        "shell",
        "-c",
        "from cases.models import Dossier; print(Dossier.objects.count())",
        capture=True,
    )
    return int(out.strip().splitlines()[-1])


def _pg_admin(server: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def _pg_exists(server: str, name: str) -> bool:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()


def prepare(vendor: str, size: int, seed: int, pg_server: str | None, bench_dir: Path) -> str:
    """The URL of a database holding exactly `size` generated dossiers (built if needed)."""
    name = _db_name(size, seed)
    if vendor == "sqlite":
        path = bench_dir / f"{name.replace('_', '-')}.sqlite3"
        url = f"sqlite:///{path}"

        def drop():
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)

    else:
        url = f"{pg_server}/{name}"
        if not _pg_exists(pg_server, name):
            _pg_admin(pg_server, f'CREATE DATABASE "{name}"')

        def drop():
            _pg_admin(pg_server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            _pg_admin(pg_server, f'CREATE DATABASE "{name}"')

    _manage(url, "migrate", "--noinput", "-v", "0")
    count = _count(url)
    if count not in (0, size):
        print(f"  {name}: {count} dossiers instead of {size} (interrupted load?), rebuilding")
        drop()
        _manage(url, "migrate", "--noinput", "-v", "0")
        count = 0
    if count == 0:
        print(f"  {name}: generating {size} dossiers (seed {seed})", flush=True)
        started = time.monotonic()
        _manage(url, "load_reference", "-v", "0")
        _manage(url, "generate_load", "--dossiers", str(size), "--seed", str(seed))
        print(f"  {name}: generated in {time.monotonic() - started:.0f} s", flush=True)
    return url


def measure(url: str, size: int, suites: list[str], quick: bool, bench_dir: Path) -> list[dict]:
    out = bench_dir / f"figures-{os.getpid()}.json"
    env = {**os.environ, "DATABASE_URL": url}
    args = [PYTHON, "-m", "bench.measure", "--size", str(size), "--suites", ",".join(suites)]
    args += ["--json", str(out)] + (["--quick"] if quick else [])
    subprocess.run(args, cwd=ROOT, env=env, check=True)
    figures = json.loads(out.read_text())
    out.unlink()
    return figures


def _fmt(value, digits=1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value:,.{digits}f}".replace(",", " ")


def table(rows: list[dict]) -> str:
    header = (
        "| database | dossiers | suite | measure | ms | queries | floor ms | ratio | target | ok "
        "| note |\n| --- | ---: | --- | --- | ---: | ---: | ---: | ---: | --- | --- | --- |"
    )
    lines = [header]
    fields = {f.name for f in dataclasses.fields(Figure)}
    for r in rows:
        figure = Figure(**{k: v for k, v in r.items() if k in fields})
        ratio, ok = figure.ratio, figure.ok
        lines.append(
            f"| {r['vendor']} | {_fmt(r['size'], 0)} | {figure.suite} | {figure.name} "
            f"| {_fmt(figure.ms)} | {'' if figure.queries is None else figure.queries} "
            f"| {_fmt(figure.floor_ms, 2)} | {'' if ratio is None else _fmt(ratio, 1) + '×'} "
            f"| {figure.target} | {'' if ok is None else ('yes' if ok else '**no**')} "
            f"| {figure.note} |"
        )
    return "\n".join(lines)


def machine(pg_server: str | None) -> str:
    cpu = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = ""
    with contextlib.suppress(OSError):
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    pg = ""
    if pg_server:
        import psycopg

        with psycopg.connect(f"{pg_server}/postgres") as conn:
            pg = ", PostgreSQL " + conn.execute("SHOW server_version").fetchone()[0]
    return (
        f"{cpu}, {os.cpu_count()} cores{mem}; {platform.platform()}; "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}{pg}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--suites", default=",".join(SUITES))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="fewer runs, shorter loads")
    parser.add_argument("--output", default=str(BENCH_DIR / "results.md"))
    parser.add_argument("--bench-dir", type=Path, default=BENCH_DIR, help="databases, figures")
    args = parser.parse_args()
    bench_dir = args.bench_dir
    sizes = [int(s) for s in args.sizes.split(",")]
    vendors = args.databases.split(",")
    suites = args.suites.split(",")
    bench_dir.mkdir(parents=True, exist_ok=True)

    with contextlib.ExitStack() as stack:
        pg_server = None
        if "postgresql" in vendors:
            pg_server = os.environ.get("BENCH_POSTGRES_URL", "").rstrip("/") or None
            if pg_server is None:
                from bench.pgserver import throwaway_server

                pg_server = stack.enter_context(throwaway_server(bench_dir / "pg"))
        rows: list[dict] = []
        started = dt.datetime.now()
        for vendor in vendors:
            for size in sizes:
                print(f"\n== {vendor}, {size:,} dossiers".replace(",", " "), flush=True)
                url = prepare(vendor, size, args.seed, pg_server, bench_dir)
                figures = measure(url, size, suites, args.quick, bench_dir)
                for figure in figures:
                    figure.update(vendor=vendor, size=size)
                rows.extend(figures)
                print(table([dict(f) for f in figures]), flush=True)
        report = (
            f"# make bench — {started:%Y-%m-%d %H:%M}\n\nMachine: {machine(pg_server)}\n\n"
            f"{table(rows)}\n"
        )
    print("\n" + report)
    Path(args.output).write_text(report)
    (bench_dir / "figures.json").write_text(json.dumps(rows, default=str, indent=1))
    print(f"(written to {args.output})")


if __name__ == "__main__":
    main()
