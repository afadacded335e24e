"""The CPNE report's figures against their one source, on a generated database.

    DATABASE_URL=sqlite:////path/load.sqlite3 .venv/bin/python manage.py shell \
        -c "from bench.ledger_check import main, obligations; main(); obligations()"

`main` prints, for reserved, claimed and paid, the report's total over every dossier and the
sum of the ledger lines of the same cohort; `obligations` compares the report's mission
obligation SQL with the rules module, dossier by dossier (issue 15; figures of record in
bench/RESULTS.md).
"""

import datetime as dt
from decimal import Decimal

from django.db.models import Sum

from cases.models import Dossier, FundingLine
from cases.rules.obligations import AFTER_TRAINING, IN_CONTRACT, MET, dossier_obligations
from reports import figures
from reports.obligations import obligation_rows
from reports.periods import Period
from reports.scope import Scope

EVERYTHING = Period(dt.date(2000, 1, 1), dt.date(2099, 12, 31), "tout")


def main() -> bool:
    cohort = figures.cohort(EVERYTHING, Scope())
    table = figures.hours_and_funds(cohort)
    print(f"dossiers : {Dossier.objects.count()}, lignes : {FundingLine.objects.count()}")
    equal = True
    for kind in ("reserved", "claimed", "paid"):
        total = FundingLine.objects.filter(kind=kind, dossier__in=cohort).aggregate(
            total=Sum("amount")
        )["total"]
        ledger = float(Decimal(total or 0).quantize(Decimal("0.01")))
        same = abs(table["totals"][kind] - ledger) < 0.005
        equal &= same
        print(f"{kind} : rapport {table['totals'][kind]:.2f}, grand livre {ledger:.2f}", same)
    return equal


def obligations(as_of: dt.date | None = None) -> bool:
    """The report's mission-obligation SQL against the one module's verdicts, dossier by dossier.

    Every CIPI, CDPI and CAR dossier of the database: whether its windows are all closed
    (assessed), met, and the hours done in the contract and after the training, from
    `reports.obligations.obligation_rows` and from `cases.rules.obligations`.
    """
    as_of = as_of or dt.date.today()
    rows = obligation_rows(Dossier.objects.all(), as_of=as_of)
    sql = {
        row.pop("pk"): row
        for row in rows.values("pk", "assessed", "met", "in_done", "after_done").iterator()
    }
    compared = differing = met = assessed = 0
    queryset = Dossier.objects.filter(pk__in=list(sql)).prefetch_related("missions")
    for dossier in queryset.iterator(chunk_size=2000):
        found = dossier_obligations(dossier, today=as_of)
        if not found:
            continue
        done = {o.kind: o.hours_done for o in found}
        python = (
            all(as_of > o.window_end for o in found),
            all(o.verdict == MET for o in found),
            done.get(IN_CONTRACT),
            done.get(AFTER_TRAINING),
        )
        row = sql[dossier.pk]
        compared += 1
        met += python[1]
        assessed += python[0]
        if (row["assessed"], row["met"], row["in_done"], row["after_done"]) != python:
            differing += 1
    print(
        f"obligations au {as_of:%d/%m/%Y} : {compared} dossiers comparés ({assessed} fenêtres "
        f"closes, {met} obligations remplies), {differing} différence(s)"
    )
    return compared > 0 and differing == 0
