import datetime as dt
from decimal import Decimal

import pytest

from accords.reference_rules import load_rule_sets
from cases.rules.in_force import rule_set_in_force
from cases.rules.plan import Plan, WorkerSituation

START = dt.date(2026, 3, 2)


@pytest.fixture
def rules(db):
    """The reference rule sets, loaded by the real loader: `rules("CPI")` → its parameters."""
    load_rule_sets()

    def params_of(dispositif: str, on: dt.date = START):
        return rule_set_in_force(dispositif, on).params

    return params_of


def worker(**changes) -> WorkerSituation:
    """A 22-year-old temp worker on a CTT, no certification, no public code."""
    values = {
        "birth_date": dt.date(2003, 5, 14),
        "employment": "CTT",
        "highest_level": None,
        "publics": frozenset(),
        "branch_hours_12m": Decimal("0"),
    }
    values.update(changes)
    values["publics"] = frozenset(values["publics"])
    return WorkerSituation(**values)


def plan(dispositif: str = "CPI", **changes) -> Plan:
    """A CPI plan that passes every rule: 2 Mar 2026 → 1 Mar 2027, 400 h of training."""
    values = {
        "dispositif": dispositif,
        "worker": worker(),
        "contract_start": START,
        "contract_end": dt.date(2027, 3, 1),
        "training_start": START,
        "training_end": dt.date(2027, 2, 15),
        "training_hours": Decimal("400"),
        "contract_hours": None,
        "mission_hours": None,
        "certification": "RNCP34860",
    }
    values.update(changes)
    return Plan(**values)


def codes(findings) -> set[str]:
    return {finding.code for finding in findings}


def birth_for_age(age: int, on: dt.date = START, day_before_birthday: bool = False) -> dt.date:
    """A birth date giving `age` whole years on `on` (the last day of that age if asked)."""
    birth = dt.date(on.year - age, on.month, on.day)
    if day_before_birthday:
        birth = dt.date(on.year - age - 1, on.month, on.day) + dt.timedelta(days=1)
    return birth
