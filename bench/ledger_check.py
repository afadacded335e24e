"""The CPNE report's funding figures against the ledger's sums, on a generated database.

    DATABASE_URL=sqlite:////path/load.sqlite3 .venv/bin/python manage.py shell \
        -c "from bench.ledger_check import main; main()"

Prints, for reserved, claimed and paid, the report's total over every dossier and the sum of
the ledger lines of the same cohort (issue 15; figures of record in bench/RESULTS.md).
"""

import datetime as dt
from decimal import Decimal

from django.db.models import Sum

from cases.models import Dossier, FundingLine
from reports import figures
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
