"""Benchmark: the dossier changelist of the admin over many dossiers. Prints figures only.

    .venv/bin/python bench/admin_list.py --dossiers 100000

Builds (once per size) a separate SQLite database under var/bench/ — or uses DATABASE_URL —
with three agencies, N workers and N dossiers in every dispositif and state, each with a
deadline, by bulk inserts. Then it runs the admin suite (bench/suites/admin.py) on it: the
dossier list, its filters and searches, a far page and a dossier page, logged in as a case
worker of the biggest agency, each with its time, its number of queries and its SQL floor.
"""

import argparse
import datetime as dt
import os
import random
import sys
import warnings
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
warnings.filterwarnings("ignore", message="No directory at")


def setup(size: int) -> None:
    bench_dir = ROOT / "var" / "bench"
    bench_dir.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{bench_dir / f'admin-list-{size}.sqlite3'}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("load_reference", stdout=quiet)


def populate(size: int, today: dt.date):
    from cases.choices import Dispositif, DossierState, Employment, Role
    from cases.models import Agency, ClientCompany, Dossier, User, Worker
    from notifications.choices import DeadlineKind, DeadlineStatus
    from notifications.models import Deadline

    user = User.objects.filter(username="bench-case-worker").first()
    if user is not None and Dossier.objects.count() >= size:
        return user
    rng = random.Random(7)
    agencies = [
        Agency.objects.create(
            name=f"Agence banc {n}",
            siret=f"7328293200{n:04d}",
            kind="ETT",
            company_name="Banc",
            region="Île-de-France",
            departement="75",
        )
        for n in range(3)
    ]
    user = User.objects.create(username="bench-case-worker", role=Role.CASE_WORKER, is_staff=True)
    user.agencies.add(agencies[0])
    companies = ClientCompany.objects.bulk_create(
        ClientCompany(name=f"Entreprise {n}", siret=f"4128293200{n:04d}") for n in range(50)
    )
    dispositifs = list(Dispositif.values)
    states = list(DossierState.values)
    through = Dossier.client_companies.through
    batch = 5000
    for offset in range(0, size, batch):
        n = min(batch, size - offset)
        # Half of the dossiers in the case worker's agency, the rest in the two others.
        owners = [agencies[0] if rng.random() < 0.5 else rng.choice(agencies[1:]) for _ in range(n)]
        workers = Worker.objects.bulk_create(
            Worker(
                agency=agency,
                last_name=f"Nom{offset + i}",
                first_name="Test",
                birth_date=dt.date(2000, 1, 1),
                employment=Employment.CTT,
                nir="",
            )
            for i, agency in enumerate(owners)
        )
        starts = [today + dt.timedelta(days=rng.randint(-700, 60)) for _ in range(n)]
        dossiers = Dossier.objects.bulk_create(
            Dossier(
                dispositif=rng.choice(dispositifs),
                state=rng.choice(states),
                agency=w.agency,
                worker=w,
                case_worker=user if w.agency == agencies[0] else None,
                contract_start=s,
                contract_end=s + dt.timedelta(days=364),
                training_start=s,
                training_end=s + dt.timedelta(days=350),
                planned_training_hours=Decimal("400"),
                akto_reference=f"AKTO-{offset + i}",
            )
            for i, (w, s) in enumerate(zip(workers, starts, strict=True))
        )
        through.objects.bulk_create(
            through(dossier_id=d.pk, clientcompany_id=rng.choice(companies).pk) for d in dossiers
        )
        Deadline.objects.bulk_create(
            Deadline(
                dossier=d,
                kind=DeadlineKind.AKTO_DEPOSIT,
                label="Dépôt du dossier à l'AKTO",
                due=d.contract_start + dt.timedelta(days=5),
                safe_date=d.contract_start + dt.timedelta(days=5),
                source="003 — fiche CPI",
                status=DeadlineStatus.MET
                if d.contract_start + dt.timedelta(days=5) < today and rng.random() > 0.01
                else DeadlineStatus.OPEN,
            )
            for d in dossiers
        )
        print(f"  {offset + n:>9} dossiers", end="\r", flush=True)
    print()
    return user


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=100_000)
    args = parser.parse_args()
    setup(args.dossiers)
    from django.db import connection
    from django.utils import timezone

    from bench.harness import Bench
    from bench.suites import admin
    from cases.models import Dossier

    today = timezone.localdate()
    populate(args.dossiers, today)
    size = Dossier.objects.count()
    print(f"database: {connection.vendor}, dossiers: {size}")
    print(f"{'page':<44} {'time':>9} {'floor':>9} {'queries':>8}  target")
    for figure in admin.run(Bench(vendor=connection.vendor, size=size, today=today)):
        verdict = {True: "ok", False: "MISSED", None: ""}[figure.ok]
        print(
            f"{figure.name:<44} {figure.ms:>6.1f} ms {figure.floor_ms or 0:>6.1f} ms "
            f"{figure.queries:>8}  {figure.target} {verdict}  {figure.note}"
        )


if __name__ == "__main__":
    main()
