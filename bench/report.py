"""Benchmark: the CPNE report and the Mission jeunes table over many dossiers. Prints figures.

    .venv/bin/python bench/report.py --dossiers 1000000

Builds (once per size) a separate SQLite database under var/bench/ — or uses DATABASE_URL —
with four agencies in two regions, N workers, N dossiers of every dispositif spread over
2025–2026 (a deposit deadline, a mission window, a funding line and a mission each), then
runs the reports benchmark suite (bench/suites/reports.py) as on 1 January 2027: the CPNE report
of 2026 (JSON, then the XLSX and the PDF) and the Mission jeunes table of 2026-H2, each beside
its SQL floor.
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
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{bench_dir / f'report-{size}.sqlite3'}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("load_reference", stdout=quiet)


def populate(size: int) -> None:
    from cases.choices import Dispositif, DossierState, Employment, FundingLineKind
    from cases.models import Agency, ClientCompany, Dossier, FundingLine, Mission, Worker
    from notifications.choices import DeadlineKind
    from notifications.models import Deadline

    if Dossier.objects.count() >= size:
        return
    rng = random.Random(6)
    agencies = [
        Agency.objects.create(
            name=f"Agence {i}",
            siret=siret,
            kind="ETT",
            company_name="Banc" if i < 2 else "Essai",
            region="Île-de-France" if i % 2 else "Bretagne",
            departement="75",
        )
        for i, siret in enumerate(
            ["73282932000074", "55210055400013", "44306184100047", "54205118000066"]
        )
    ]
    company = ClientCompany.objects.create(name="EU banc", siret="38012986600039")
    dispositifs = list(Dispositif.values)
    states = list(DossierState.values)
    batch = 5000
    for offset in range(0, size, batch):
        n = min(batch, size - offset)
        workers = Worker.objects.bulk_create(
            Worker(
                agency=agencies[i % 4],
                last_name=f"Nom{offset + i}",
                first_name="Test",
                birth_date=dt.date(1960 + rng.randint(0, 48), rng.randint(1, 12), 1),
                employment=Employment.CTT,
                mission_locale=rng.random() < 0.2,
                rsa=rng.random() < 0.1,
            )
            for i in range(n)
        )
        starts = [dt.date(2025, 1, 1) + dt.timedelta(days=rng.randint(0, 729)) for _ in range(n)]
        dossiers = Dossier.objects.bulk_create(
            Dossier(
                dispositif=rng.choice(dispositifs),
                state=rng.choice(states),
                agency=w.agency,
                worker=w,
                contract_start=s,
                contract_end=s + dt.timedelta(days=180),
                training_start=s,
                training_end=s + dt.timedelta(days=120),
                planned_training_hours=Decimal("300"),
                deposit_date=s + dt.timedelta(days=rng.randint(-2, 20)),
                certification_code=rng.choice(["RNCP34860", "CLEA", "RNCP35000", ""]),
            )
            for w, s in zip(workers, starts, strict=True)
        )
        Deadline.objects.bulk_create(
            Deadline(
                dossier=d,
                kind=kind,
                label=kind,
                due=due,
                safe_date=due,
                source="banc d'essai",
            )
            for d in dossiers
            for kind, due in [
                (DeadlineKind.AKTO_DEPOSIT, d.contract_start + dt.timedelta(days=5)),
                (DeadlineKind.MISSION_OBLIGATION, d.training_end + dt.timedelta(days=92)),
            ]
        )
        FundingLine.objects.bulk_create(
            FundingLine(
                dossier=d, kind=FundingLineKind.CLAIMED, amount=Decimal("4200"), on=d.contract_end
            )
            for d in dossiers
        )
        Mission.objects.bulk_create(
            Mission(
                worker_id=d.worker_id,
                dossier=d,
                client_company=company,
                start=d.training_end + dt.timedelta(days=10),
                end=d.training_end + dt.timedelta(days=20),
                hours=Decimal("70"),
            )
            for d in dossiers
        )
        print(f"  {offset + n:>9} dossiers", end="\r", flush=True)
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help="2 runs instead of 5")
    parser.add_argument(
        "--today",
        type=dt.date.fromisoformat,
        default=dt.date(2027, 1, 1),
        help="measure as on this day: the report of the year before, the half-year before",
    )
    args = parser.parse_args()
    setup(args.dossiers)
    from django.db import connection

    from bench.harness import Bench
    from bench.suites import reports
    from cases.models import Dossier

    populate(args.dossiers)
    size = Dossier.objects.count()
    print(f"database: {connection.vendor}, dossiers: {size}")
    # The data covers 2025–2026: by default measured as on 1 January 2027 (2026, 2026-H2).
    bench = Bench(vendor=connection.vendor, size=size, today=args.today, quick=args.quick)
    for figure in reports.run(bench):
        floor = f"{figure.floor_ms:>9.1f} ms" if figure.floor_ms is not None else " " * 12
        ratio = f"{figure.ratio:>5.2f}×" if figure.ratio is not None else " " * 6
        print(
            f"{figure.name:<52} {figure.ms:>9.1f} ms {figure.queries or 0:>4} q  "
            f"floor {floor} {ratio}  {figure.note}"
        )


if __name__ == "__main__":
    main()
