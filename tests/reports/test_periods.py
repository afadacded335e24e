"""Periods: a year, a half-year, a quarter, any range; the period before a beat tick."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from reports import periods

D = dt.date


@pytest.mark.parametrize(
    ("code", "start", "end"),
    [
        ("2026", D(2026, 1, 1), D(2026, 12, 31)),
        ("2026-H1", D(2026, 1, 1), D(2026, 6, 30)),
        ("2026-h2", D(2026, 7, 1), D(2026, 12, 31)),
        ("2026-Q1", D(2026, 1, 1), D(2026, 3, 31)),
        ("2026-Q4", D(2026, 10, 1), D(2026, 12, 31)),
    ],
)
def test_codes(code, start, end):
    period = periods.parse_code(code)
    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize("code", ["", "26", "2026-H3", "2026-Q5", "2026-S1"])
def test_bad_codes(code):
    with pytest.raises(ValidationError):
        periods.parse_code(code)


def test_half_only_and_ranges():
    with pytest.raises(ValidationError):
        periods.parse_half("2026-Q1")
    assert periods.parse_range("2026-02-01", "2026-02-28").end == D(2026, 2, 28)
    with pytest.raises(ValidationError):
        periods.parse_range("2026-03-01", "2026-02-01")


def test_previous_periods():
    assert periods.previous_half(D(2026, 7, 1)).code == "2026-H1"
    assert periods.previous_half(D(2027, 1, 1)).code == "2026-H2"
    assert periods.previous_year(D(2027, 1, 1)).code == "2026"
