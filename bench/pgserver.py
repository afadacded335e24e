"""A PostgreSQL server for the benchmarks when BENCH_POSTGRES_URL names none.

Its settings are those the README recommends for production (random_page_cost, jit off);
its data lives in var/bench/pg and is kept between runs (the million-dossier databases take
minutes to build); the server is started on a free loopback port for the run and stopped at
the end. Durability settings are off: this is throw-away benchmark data. As root, initdb and
the server run as the `postgres` system user, as in .ci/run.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

from bench.harness import free_port

ROLE = "bench"
SETTINGS = (
    "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
    "-c shared_buffers=2GB -c work_mem=64MB -c maintenance_work_mem=1GB "
    "-c effective_cache_size=12GB -c random_page_cost=1.1 -c jit=off -c max_connections=100"
)


def _bin() -> Path:
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not candidates:
        raise SystemExit("PostgreSQL absent : apt-get install postgresql (ou BENCH_POSTGRES_URL)")
    return candidates[-1].parent


def _as_pg(args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


@contextlib.contextmanager
def throwaway_server(data_dir: Path) -> Iterator[str]:
    """Start (initialising once) the server; yield its URL without a database name."""
    pg_bin = _bin()
    if not (data_dir / "PG_VERSION").exists():
        shutil.rmtree(data_dir, ignore_errors=True)
        data_dir.mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(data_dir, "postgres", "postgres")
        subprocess.run(
            _as_pg(
                [
                    str(pg_bin / "initdb"),
                    "-D",
                    str(data_dir),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "--encoding=UTF8",
                    "--locale=C.UTF-8",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
    port = free_port()
    options = f"-p {port} -k {data_dir} -c listen_addresses=127.0.0.1 {SETTINGS}"
    subprocess.run(
        _as_pg(
            [
                str(pg_bin / "pg_ctl"),
                "-D",
                str(data_dir),
                "-l",
                str(data_dir / "server.log"),
                "-w",
                "-t",
                "120",
                "start",
                "-o",
                options,
            ]
        ),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    try:
        subprocess.run(
            _as_pg(
                [
                    str(pg_bin / "psql"),
                    "-q",
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(port),
                    "-U",
                    "postgres",
                    "-d",
                    "postgres",
                    "-c",
                    f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{ROLE}') "
                    f"THEN CREATE ROLE {ROLE} LOGIN SUPERUSER; END IF; END $$;",
                ]
            ),
            check=True,
        )
        yield f"postgres://{ROLE}@127.0.0.1:{port}"
    finally:
        subprocess.run(
            _as_pg([str(pg_bin / "pg_ctl"), "-D", str(data_dir), "-m", "fast", "-w", "stop"]),
            stdout=subprocess.DEVNULL,
            check=False,
        )
