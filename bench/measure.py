"""Run benchmark suites in this process, on the database DATABASE_URL names; write JSON.

    DATABASE_URL=... python -m bench.measure --size 100000 --suites sweep,api --json out.json

bench/run.py calls it once per database and size, after preparing the database.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import traceback
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
warnings.filterwarnings("ignore", message="No directory at")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, required=True)
    parser.add_argument("--suites", required=True)
    parser.add_argument("--json", dest="output", required=True)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from bench.harness import Bench, Figure

    bench = Bench(
        vendor=connection.vendor, size=args.size, today=timezone.localdate(), quick=args.quick
    )
    figures = []
    for name in args.suites.split(","):
        print(f"  · {name}", flush=True)
        try:
            module = importlib.import_module(f"bench.suites.{name}")
            figures.extend(module.run(bench))
        except Exception as error:  # a broken suite is reported, the others still run
            traceback.print_exc()
            figures.append(
                Figure(suite=name, name="(échec)", ms=float("nan"), note=repr(error)[:200])
            )
    Path(args.output).write_text(json.dumps([f.as_dict() for f in figures], default=str))


if __name__ == "__main__":
    main()
