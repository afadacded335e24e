"""Benchmark: the deadline sweep over many dossiers. Prints figures; asserts nothing.

    .venv/bin/python bench/sweep.py --dossiers 100000

Builds (once per size) a separate SQLite database under var/bench/ — or uses DATABASE_URL —
with one agency, N workers and N dossiers, each with its deadline spread over two years, a
few hundred of them due now. Then it runs the suite bench/suites/sweep.py on it: the sweep
(first and repeated), its query count, and its floor in SQL.
"""

import argparse
import datetime as dt
import os
import random
import sys
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help="2 timed runs instead of 5")
    args = parser.parse_args()
    setup(args.dossiers)
    from django.db import connection
    from django.utils import timezone

    from bench.harness import Bench
    from bench.suites import sweep as suite
    from notifications.models import Deadline, Notification

    today = timezone.localdate()
    populate(args.dossiers, today)
    # This database is the script's own: start from « nothing sent yet » (the suite itself
    # only takes back what it wrote).
    Notification.objects.all().delete()
    Deadline.objects.filter(status="breached").update(
        status="open", breached_at=None, escalation_level=0
    )
    print(
        f"database: {connection.vendor}, dossiers: {args.dossiers}, "
        f"deadlines: {Deadline.objects.count()}"
    )
    bench = Bench(vendor=connection.vendor, size=args.dossiers, today=today, quick=args.quick)
    for f in suite.run(bench):
        ratio = f"{f.ratio:.2f}×" if f.ratio is not None else ""
        floor = f"{f.floor_ms:.1f}" if f.floor_ms is not None else ""
        verdict = {True: "ok", False: "MISSED", None: ""}[f.ok]
        print(
            f"{f.name:<76} {f.ms:>9.1f} ms {f.queries or 0:>5} q  floor {floor:>8} ms "
            f"{ratio:>7} {f.target:<12} {verdict}\n    {f.note}"
        )


if __name__ == "__main__":
    main()
