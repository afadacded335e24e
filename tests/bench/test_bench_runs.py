"""`make bench` must not rot: its runner builds a small generated database and every suite
returns figures. Nothing here is timed — the figures themselves are not looked at."""

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bench_run_on_a_small_generated_database(tmp_path):
    output = tmp_path / "results.md"
    env_suites = "sweep,reports,admin" + (",api" if shutil.which("wrk") else "")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.run",
            "--sizes",
            "400",
            "--databases",
            "sqlite",
            "--suites",
            env_suites,
            "--quick",
            "--output",
            str(output),
            "--bench-dir",
            str(tmp_path),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    table = output.read_text()
    figures = json.loads((tmp_path / "figures.json").read_text())
    suites = {f["suite"] for f in figures}
    assert suites == set(env_suites.split(","))
    failed = [f for f in figures if f["name"] == "(échec)"]
    assert not failed, failed
    assert "| sqlite | 400 |" in table
    if "api" in suites:
        # The API suite cancels dossiers through the API, then puts them back: the benchmark
        # database stays as generated, and the next run finds the same open dossiers.
        with sqlite3.connect(tmp_path / "load-400.sqlite3") as db:
            left = db.execute(
                "SELECT count(*) FROM cases_dossierevent WHERE comment = 'Banc d''essai'"
            ).fetchone()[0]
        assert left == 0
        transition = next(f for f in figures if f["name"].startswith("étape"))
        assert "erreurs" not in transition["note"], transition
