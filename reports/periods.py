"""Reporting periods: a year, a half-year (« 2026-H1 »), a quarter (« 2026-Q3 ») or any range."""

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # included
    code: str = ""

    @property
    def label(self) -> str:
        return f"du {self.start:%d/%m/%Y} au {self.end:%d/%m/%Y}"

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "label": self.label,
        }


def last_day(year: int, month: int) -> dt.date:
    if month == 12:
        return dt.date(year, 12, 31)
    return dt.date(year, month + 1, 1) - dt.timedelta(days=1)


def year(y: int) -> Period:
    return Period(dt.date(y, 1, 1), dt.date(y, 12, 31), str(y))


def half(y: int, h: int) -> Period:
    first = 1 if h == 1 else 7
    return Period(dt.date(y, first, 1), last_day(y, first + 5), f"{y}-H{h}")


def quarter(y: int, q: int) -> Period:
    first = 3 * (q - 1) + 1
    return Period(dt.date(y, first, 1), last_day(y, first + 2), f"{y}-Q{q}")


_CODE = re.compile(r"^([0-9]{4})(?:-(H[12]|Q[1-4]))?$")
# The API's range of dates (cases.api.serializers): a year 0 crashed the date arithmetic, a
# year 9999 has nothing to report.
FIRST_YEAR, LAST_YEAR = 1900, 2100
OUT_OF_RANGE = f"Période hors limites : les années vont de {FIRST_YEAR} à {LAST_YEAR}."


def parse_code(code: str) -> Period:
    """Read « 2026 », « 2026-H1 » or « 2026-Q3 »."""
    match = _CODE.match((code or "").strip().upper())
    if not match:
        raise ValidationError(
            "Période invalide : attendu AAAA, AAAA-H1, AAAA-H2 ou AAAA-Q1 … AAAA-Q4."
        )
    y, part = int(match.group(1)), match.group(2)
    if not FIRST_YEAR <= y <= LAST_YEAR:
        raise ValidationError(OUT_OF_RANGE)
    if part is None:
        return year(y)
    if part.startswith("H"):
        return half(y, int(part[1]))
    return quarter(y, int(part[1]))


def parse_half(code: str) -> Period:
    period = parse_code(code)
    if "-H" not in period.code:
        raise ValidationError("Semestre invalide : attendu AAAA-H1 ou AAAA-H2.")
    return period


def _date(value: str, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValidationError(f"Date « {name} » invalide : attendu AAAA-MM-JJ.") from None


def parse_range(start: str, end: str) -> Period:
    first, last = _date(start, "from"), _date(end, "to")
    if not (FIRST_YEAR <= first.year <= LAST_YEAR and FIRST_YEAR <= last.year <= LAST_YEAR):
        raise ValidationError(OUT_OF_RANGE)
    if last < first:
        raise ValidationError("La fin de la période précède son début.")
    return Period(first, last, f"{first.isoformat()}_{last.isoformat()}")


def previous_half(today: dt.date) -> Period:
    """The half-year that ended before `today`."""
    if today.month <= 6:
        return half(today.year - 1, 2)
    return half(today.year, 1)


def previous_year(today: dt.date) -> Period:
    return year(today.year - 1)
