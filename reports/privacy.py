"""Reports are aggregates (DOMAIN.md §4, §5): no name, no NIR, AT/MP only as a total, and any
cell counting fewer than 5 people outside the reader's own agency is shown as « < 5 »."""

THRESHOLD = 5
MASK = "< 5"


def mask_count(value, masked: bool):
    """A count of people as the reader may see it."""
    if masked and isinstance(value, int) and 0 < value < THRESHOLD:
        return MASK
    return value


def mask_table(table: dict, masked: bool) -> dict:
    """Mask the people-count columns of a table, and the rates computed over fewer than 5."""
    if not masked:
        return table
    counts = {c["key"] for c in table["columns"] if c["kind"] == "count"}
    rates = {c["key"]: c.get("base") for c in table["columns"] if c["kind"] == "rate"}

    def row_masked(row: dict) -> dict:
        out = dict(row)
        for key in counts:
            out[key] = mask_count(row.get(key), True)
        for key, base in rates.items():
            if base and isinstance(row.get(base), int) and row[base] < THRESHOLD:
                out[key] = MASK
        return out

    table = dict(table)
    table["rows"] = [row_masked(row) for row in table["rows"]]
    if table.get("totals"):
        table["totals"] = row_masked(table["totals"])
    return table
