"""A report table: French title and headings, its source, rows of plain values, totals."""

from decimal import Decimal

COUNT, HOURS, MONEY, RATE, TEXT, NUMBER = "count", "hours", "money", "rate", "text", "number"


def col(key: str, label: str, kind: str = COUNT, base: str | None = None) -> dict:
    """A column; `kind` drives number formats and privacy (counts of people are masked)."""
    column = {"key": key, "label": label, "kind": kind}
    if base:
        column["base"] = base
    return column


def plain(value):
    """JSON-friendly numbers: Decimal → float rounded to cents, None stays None."""
    if isinstance(value, Decimal):
        return float(value.quantize(Decimal("0.01")))
    return value


def table(key, title, source, columns, rows, totals=None, definition="") -> dict:
    return {
        "key": key,
        "title": title,
        "source": source,
        "definition": definition,
        "columns": columns,
        "rows": [{k: plain(v) for k, v in row.items()} for row in rows],
        "totals": {k: plain(v) for k, v in totals.items()} if totals else None,
    }


def ratio(part, whole) -> float | None:
    """A percentage with one decimal, None when the base is empty."""
    if not whole:
        return None
    return round(100 * float(part) / float(whole), 1)
