"""Property tests of the engine against the reference parameters (read from fixtures/)."""

import datetime as dt
import json
from decimal import Decimal

from django.conf import settings
from hypothesis import given
from hypothesis import strategies as st

from accords.params import parse_parameters
from cases.rules.dates import lasts_at_least_months, lasts_at_most_months
from cases.rules.engine import check_plan
from tests.rules.conftest import codes, plan

REFERENCE = {
    row["dispositif"]: parse_parameters(row["parameters"])
    for row in json.loads(
        (settings.BASE_DIR / "fixtures" / "rule_sets.json").read_text(encoding="utf-8")
    )["rule_sets"]
}
HOURS = st.decimals(min_value=Decimal("1"), max_value=Decimal("3000"), places=2)
STARTS = st.dates(min_value=dt.date(2022, 1, 1), max_value=dt.date(2030, 12, 31))


@given(training=HOURS, contract=HOURS)
def test_cpi_ratio_finding_iff_outside_15_to_25_percent(training, contract):
    """003 — fiche CPI: 15 % ≤ training / contract ≤ 25 %, exact in Decimal."""
    found = codes(
        check_plan(plan(training_hours=training, contract_hours=contract), REFERENCE["CPI"])
    )
    inside = Decimal("0.15") * contract <= training <= Decimal("0.25") * contract
    assert ("training_ratio_out_of_range" in found) is not inside


@given(start=STARTS, days=st.integers(min_value=0, max_value=1200))
def test_cpi_duration_finding_iff_outside_6_to_12_months(start, days):
    """003 — fiche CPI: 6 to 12 months by the rule E + 1 day vs S + N months."""
    end = start + dt.timedelta(days=days)
    p = plan(
        contract_start=start,
        contract_end=end,
        training_start=start,
        training_end=end,
        contract_hours=Decimal("1000"),
        training_hours=Decimal("200"),
    )
    inside = lasts_at_least_months(start, end, 6) and lasts_at_most_months(start, end, 12)
    found = codes(check_plan(p, REFERENCE["CPI"]))
    assert ("contract_duration_out_of_range" in found) is not inside


@given(training=HOURS)
def test_cipi_training_range(training):
    """003 — fiche CIPI: 70 h ≤ training ≤ 245 h."""
    p = plan(
        "CIPI",
        training_hours=training,
        contract_hours=Decimal("300"),
        mission_hours=Decimal("100"),
        contract_end=dt.date(2026, 6, 30),
    )
    found = codes(check_plan(p, REFERENCE["CIPI"]))
    inside = Decimal("70") <= training <= Decimal("245")
    assert ("training_hours_out_of_range" in found) is not inside
