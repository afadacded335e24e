"""Date arithmetic of DOMAIN.md §7: months, jours ouvrables, safe business days."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cases.rules import dates

DAYS = st.dates(min_value=dt.date(2019, 1, 1), max_value=dt.date(2032, 12, 31))
DEPARTEMENTS = st.sampled_from(["75", "57", "67", "68", "971", "972", "973", "974", "976", "2A"])


@given(due=DAYS, departement=DEPARTEMENTS)
def test_safe_date_is_the_last_business_day_on_or_before_due(due, departement):
    safe = dates.safe_business_day(due, departement)
    assert safe <= due
    assert dates.is_business_day(safe, departement)
    day = safe + dates.ONE_DAY
    while day <= due:
        assert not dates.is_business_day(day, departement)
        day += dates.ONE_DAY


@given(start=DAYS, n=st.integers(min_value=0, max_value=40), departement=DEPARTEMENTS)
def test_working_day_counting_is_monotonic_and_consistent(start, n, departement):
    nth = dates.add_working_days(start, n, departement)
    following = dates.add_working_days(start, n + 1, departement)
    assert nth < following
    assert dates.working_days_between(start, nth, departement) == n
    assert dates.is_working_day(following, departement)


@given(start=DAYS, end=DAYS, months=st.integers(min_value=1, max_value=36))
def test_month_rule_is_consistent(start, end, months):
    at_least = dates.lasts_at_least_months(start, end, months)
    at_most = dates.lasts_at_most_months(start, end, months)
    exact = end + dates.ONE_DAY == dates.add_months(start, months)
    assert (at_least and at_most) == exact
    assert at_least or at_most
    if at_least:
        assert dates.lasts_at_least_months(start, end + dates.ONE_DAY, months)
    if at_most and end > start:
        assert dates.lasts_at_most_months(start, end - dates.ONE_DAY, months)


@given(
    start=DAYS,
    weeks=st.integers(min_value=1, max_value=200),
    weekly=st.sampled_from([Decimal("35"), Decimal("32"), Decimal("37.5")]),
)
def test_default_contract_hours_are_the_weekly_hours_per_week(start, weeks, weekly):
    """DOMAIN.md §7: the rule set's weekly hours (Code du travail L3121-27) × calendar weeks."""
    end = start + dt.timedelta(days=7 * weeks - 1)
    assert dates.default_contract_hours(start, end, weekly) == weekly * weeks


@pytest.mark.parametrize(
    ("start", "end", "months", "at_least"),
    [
        (dt.date(2026, 1, 1), dt.date(2026, 6, 30), 6, True),  # DOMAIN.md §7 example
        (dt.date(2026, 1, 1), dt.date(2026, 6, 29), 6, False),
        (dt.date(2026, 8, 31), dt.date(2027, 2, 27), 6, True),  # 31 Aug + 6 months = 28 Feb
        (dt.date(2026, 8, 31), dt.date(2027, 2, 26), 6, False),
    ],
)
def test_month_rule_examples(start, end, months, at_least):
    assert dates.lasts_at_least_months(start, end, months) is at_least


@pytest.mark.parametrize(
    ("departement", "subdiv"),
    [("57", "57"), ("67", "6AE"), ("68", "6AE"), ("974", "974"), ("75", None), ("2A", None)],
)
def test_subdivision_of_departement(departement, subdiv):
    assert dates.subdivision(departement) == subdiv


@pytest.mark.parametrize(
    ("day", "departement", "holiday"),
    [
        (dt.date(2025, 12, 26), "75", False),
        (dt.date(2025, 12, 26), "67", True),  # Saint-Étienne, Alsace-Moselle
        (dt.date(2026, 4, 3), "75", False),
        (dt.date(2026, 4, 3), "57", True),  # Vendredi saint, Alsace-Moselle
        (dt.date(2026, 5, 27), "971", True),  # Abolition de l'esclavage, Guadeloupe
        (dt.date(2026, 5, 27), "75", False),
        (dt.date(2026, 7, 14), "75", True),
    ],
)
def test_public_holidays_by_departement(day, departement, holiday):
    assert dates.is_public_holiday(day, departement) is holiday


def test_working_days_skip_sundays_and_holidays_and_count_saturdays():
    """Code du travail D.6224-1 (jours ouvrables): Mon–Sat, public holidays excluded."""
    start = dt.date(2026, 12, 22)  # Tuesday; 25 Dec Friday; 26 Dec Saturday
    assert dates.add_working_days(start, 5, "75") == dt.date(2026, 12, 29)
    assert dates.add_working_days(start, 5, "68") == dt.date(2026, 12, 30)
