"""Benchmark: the deadline sweep over many dossiers. Prints figures; asserts nothing.

    .venv/bin/python bench/sweep.py --dossiers 100000

Builds (once per size) a separate SQLite database under var/bench/ — or uses DATABASE_URL —
with one agency, N workers and N dossiers, each with its deadline spread over two years, a
few hundred of them due now. Then it times the sweep and counts its queries, next to the
floor: the same selection asked directly in SQL.
"""

import argparse
import datetime as dt
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup(size: int) -> None:
    bench_dir = ROOT / "var" / "bench"
    bench_dir.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{bench_dir / f'sweep-{size}.sqlite3'}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("load_reference", stdout=quiet)


def populate(size: int, today: dt.date) -> None:
    from cases.choices import Dispositif, Employment, Role
    from cases.models import Agency, Dossier, User, Worker
    from notifications.choices import DeadlineKind, DeadlineStatus
    from notifications.models import Deadline

    if Dossier.objects.count() >= size:
        return
    rng = random.Random(9)
    agency = Agency.objects.create(
        name="Agence banc d'essai",
        siret="73282932000074",
        kind="ETT",
        company_name="Banc",
        region="Île-de-France",
        departement="75",
    )
    user = User.objects.create(username="bench", role=Role.CASE_WORKER, email="b@x.invalid")
    user.agencies.add(agency)
    batch = 5000
    for offset in range(0, size, batch):
        n = min(batch, size - offset)
        workers = Worker.objects.bulk_create(
            Worker(
                agency=agency,
                last_name=f"Nom{offset + i}",
                first_name="Test",
                birth_date=dt.date(2000, 1, 1),
                employment=Employment.CTT,
            )
            for i in range(n)
        )
        starts = [today + dt.timedelta(days=rng.randint(-700, 60)) for _ in range(n)]
        dossiers = Dossier.objects.bulk_create(
            Dossier(
                dispositif=Dispositif.CPI,
                agency=agency,
                worker=w,
                case_worker=user,
                contract_start=s,
                contract_end=s + dt.timedelta(days=364),
                training_start=s,
                training_end=s + dt.timedelta(days=350),
                planned_training_hours=Decimal("400"),
            )
            for w, s in zip(workers, starts, strict=True)
        )
        Deadline.objects.bulk_create(
            Deadline(
                dossier=d,
                kind=DeadlineKind.AKTO_DEPOSIT,
                label="Dépôt du dossier à l'AKTO",
                due=d.contract_start + dt.timedelta(days=5),
                safe_date=d.contract_start + dt.timedelta(days=5),
                source="003 — fiche CPI",
                # Most past deadlines were met; a few were missed and are still open.
                status=DeadlineStatus.MET
                if d.contract_start + dt.timedelta(days=5) < today and rng.random() > 0.002
                else DeadlineStatus.OPEN,
            )
            for d in dossiers
        )
        print(f"  {offset + n:>9} dossiers", end="\r", flush=True)
    print()


def measure(label: str, func):
    from django.db import connection, reset_queries

    connection.force_debug_cursor = True
    reset_queries()
    started = time.perf_counter()
    result = func()
    elapsed = time.perf_counter() - started
    queries = len(connection.queries)
    connection.force_debug_cursor = False
    print(f"{label:<34} {elapsed * 1000:>10.1f} ms {queries:>8} queries   {result}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=100_000)
    args = parser.parse_args()
    setup(args.dossiers)
    from django.db import connection
    from django.utils import timezone

    from notifications.models import Deadline, Notification
    from notifications.services.sweep import sweep

    today = timezone.localdate()
    populate(args.dossiers, today)
    Notification.objects.all().delete()
    Deadline.objects.filter(status="breached").update(status="open", breached_at=None)
    print(
        f"database: {connection.vendor}, dossiers: {args.dossiers}, "
        f"deadlines: {Deadline.objects.count()}"
    )

    def floor():
        with connection.cursor() as cursor:
            horizon = today + dt.timedelta(days=3)
            cursor.execute(
                "SELECT count(*) FROM notifications_deadline WHERE status = 'open' "
                "AND (safe_date <= %s OR due < %s)",
                [horizon, today],
            )
            return cursor.fetchone()[0]

    floor_time = measure("floor: due or overdue (SQL count)", floor)
    first = measure("sweep (first run)", lambda: sweep().as_dict())
    second = measure("sweep (again: nothing new)", lambda: sweep().as_dict())
    print(
        f"ratio first sweep / floor: {first / floor_time:.0f}×; "
        f"second sweep / floor: {second / floor_time:.0f}×"
    )


if __name__ == "__main__":
    main()
