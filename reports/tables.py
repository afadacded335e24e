"""A report table: French title and headings, its source, rows of plain values, totals."""

from decimal import Decimal

COUNT, HOURS, MONEY, RATE, TEXT, NUMBER = "count", "hours", "money", "rate", "text", "number"
MAGNITUDES = (HOURS, MONEY, NUMBER)


def col(
    key: str, label: str, kind: str = COUNT, base: str | None = None, of: tuple[str, ...] = ()
) -> dict:
    """A column; `kind` drives number formats and privacy (reports/privacy.py):

    - COUNT counts people or dossiers: a cell of 1 to 4 is sensitive;
    - a magnitude (hours, amounts, missions) names its `base`, the count of the people it
      adds up in the same row: it is sensitive when that count is;
    - a value computed `of` other columns of the row (a rate, a cost per hour) is hidden when
      one of them is.
    """
    column = {"key": key, "label": label, "kind": kind}
    if base:
        column["base"] = base
    if of:
        column["of"] = list(of)
    return column


def plain(value):
    """JSON-friendly numbers: Decimal → float rounded to cents, None stays None."""
    if isinstance(value, Decimal):
        return float(value.quantize(Decimal("0.01")))
    return value


def table(
    key,
    title,
    source,
    columns,
    rows,
    totals=None,
    definition="",
    *,
    additive: bool = True,
    sums: dict[str, list[str]] | None = None,
    health_rows: list[str] = (),
    health_columns: list[str] = (),
    members: dict[str, list[str]] | None = None,
) -> dict:
    """A table, with what disclosure control must know of it under « disclosure » (removed
    before the report leaves reports/services.py):

    - `additive`: the totals row is the sum of the rows (False when rows overlap);
    - `sums`: in every row, column `whole` is the sum of columns `parts`;
    - `health_rows` (by first-column value) and `health_columns`: health data (DOMAIN.md §5);
    - `members`: a row is the sum of these rows of another table (certification groups).
    """
    return {
        "key": key,
        "title": title,
        "source": source,
        "definition": definition,
        "columns": columns,
        "rows": [{k: plain(v) for k, v in row.items()} for row in rows],
        "totals": {k: plain(v) for k, v in totals.items()} if totals else None,
        "disclosure": {
            "additive": additive,
            "sums": sums or {},
            "health_rows": list(health_rows),
            "health_columns": list(health_columns),
            "members": members or {},
        },
    }


def ratio(part, whole) -> float | None:
    """A percentage with one decimal, None when the base is empty."""
    if not whole:
        return None
    return round(100 * float(part) / float(whole), 1)
