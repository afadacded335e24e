"""An insider who recovers hidden report cells by arithmetic (issue #16).

Written apart from reports/privacy.py, reports/links.py and reports/suppression.py on
purpose: it reads only what a reader gets (the report's JSON) and what any reader knows (the
tables' definitions, the public list of dispositifs, certification sectors and levels), and
solves for hidden cells the way a determined reader would:

- each table's totals are the sums of its rows, each pivot row's total the sum of its
  dispositifs, « déposés » = « dans le délai » + « en retard », and so on;
- a figure that two tables share (the CPI dossiers by dispositif, by state, by month; the
  hours table's dossiers = in progress + closed; the Pro-A review's hours and claims);
- a hidden count is never zero (zeros are shown), an amount never negative; a cell shown
  « < 5 » (the old rule), or that the attacker knows to be hidden for being small
  (`known_small`), is 1 to 4;
- then, until nothing moves: a relation with one unknown gives it; interval propagation over
  every relation (a total of 8 over eight hidden counts: each is 1; 46 − 38 = 8 over two
  « < 5 » cells: both are 4); exact linear algebra over the rationals (a cell that a
  combination of relations gives); a rate whose two counts are known.

`recover(report, truth)` returns the cells it pins, with their values. `truth` (the same tables
before suppression, from reports.figures) is only used to keep the relations that hold here —
a reader may assume more, but a relation that does not hold recovers nothing true — and to
check that the bounds assumed above are right.
"""

import math
from fractions import Fraction

from cases.choices import Dispositif, DossierState

SMALL, SECRET = "< 5", "s"
MAGNITUDES = {"count", "hours", "money", "number"}
AT_MP = "AT/MP survenu en mission (total, donnée de santé)"
AGES = ["Âgés de 16 à 25 ans au début du contrat", "Âgés de 26 à 44 ans", "Âgés de 45 ans et plus"]
ROW_SUMS = {
    "dossiers_dispositif": ("total", ["in_progress", "closed", "cancelled"]),
    "depots_akto": ("deposited", ["on_time", "late"]),
    "obligations_missions": ("assessed", ["met", "not_met"]),
}
PIVOTS = {"dossiers_etat", "dossiers_mois"}
NOT_ADDITIVE = {"publics"}  # « une personne peut relever de plusieurs publics »
PRO_A_SAME = [("dossiers", "dossiers"), ("hours", "planned_hours"), ("claimed", "claimed")]


def label(code: str) -> str:
    return str(Dispositif(code).label)


def _rows(tbl):
    first = tbl["columns"][0]["key"]
    for row in tbl["rows"]:
        yield row[first], row
    if tbl.get("totals"):
        yield None, tbl["totals"]


def cells(report: dict) -> dict:
    """(table, row label or None for the totals, column) → shown value, numeric columns only."""
    out = {}
    for tbl in report["tables"]:
        for column in tbl["columns"]:
            if column["kind"] == "text":
                continue
            for row_label, row in _rows(tbl):
                out[(tbl["key"], row_label, column["key"])] = row.get(column["key"])
    return out


def relations(report: dict, groups: dict[str, dict[str, str]]) -> list[tuple]:
    """(whole, parts) pairs a reader can write down. `groups`: for the certification sector and
    level tables, each code's group (public referentials)."""
    tables = {t["key"]: t for t in report["tables"]}
    out = []
    for key, tbl in tables.items():
        labels = [lb for lb, _ in _rows(tbl) if lb is not None]
        if tbl.get("totals") and key not in NOT_ADDITIVE:
            for column in tbl["columns"]:
                if column["kind"] in MAGNITUDES:
                    c = column["key"]
                    out.append(((key, None, c), [(key, lb, c) for lb in labels]))
        row_sum = ROW_SUMS.get(key)
        if key in PIVOTS:
            codes = [c["key"] for c in tbl["columns"][1:] if c["key"] != "total"]
            row_sum = ("total", codes)
        if row_sum:
            whole, parts = row_sum
            for lb, _ in _rows(tbl):
                out.append(((key, lb, whole), [(key, lb, p) for p in parts]))
    if {"dossiers_dispositif", "dossiers_etat", "dossiers_mois"} <= set(tables):
        out += _dossiers(tables)
    if "pro_a_forfait" in tables:
        for lb, _ in _rows(tables["pro_a_forfait"]):
            for mine, theirs in PRO_A_SAME:
                out.append((("pro_a_forfait", lb, mine), [("heures_financements", lb, theirs)]))
    if "publics" in tables:
        out.append((("publics", None, "people"), [("publics", a, "people") for a in AGES]))
    if {"publics", "dossiers_dispositif"} <= set(tables):
        # The same people in two tables: with one dossier each (the usual case), the distinct
        # people of the publics table are the dossiers not cancelled of the dispositif table,
        # in total and for a report on one dispositif.
        dd = "dossiers_dispositif"
        out.append((("publics", None, "people"), [(dd, None, "in_progress"), (dd, None, "closed")]))
    if "certifications_top" in tables:
        codes = [lb for lb, _ in _rows(tables["certifications_top"]) if lb is not None]
        for key, group_of in groups.items():
            if key not in tables:
                continue
            for lb, _ in _rows(tables[key]):
                members = [c for c in codes if lb is None or group_of.get(c) == lb]
                parts = [("certifications_top", c, "dossiers") for c in members]
                out.append(((key, lb, "dossiers"), parts))
    return out


def _dossiers(tables) -> list[tuple]:
    states = [lb for lb, _ in _rows(tables["dossiers_etat"]) if lb is not None]
    closed, cancelled = str(DossierState.CLOSED.label), str(DossierState.CANCELLED.label)
    out = []
    for column in tables["dossiers_etat"]["columns"][1:]:
        code = column["key"]
        row = None if code == "total" else label(code)
        dd, by_state = "dossiers_dispositif", "dossiers_etat"
        out += [
            ((dd, row, "total"), [(by_state, None, code)]),
            ((dd, row, "total"), [("dossiers_mois", None, code)]),
            ((dd, row, "cancelled"), [(by_state, s, code) for s in states if s == cancelled]),
            ((dd, row, "closed"), [(by_state, s, code) for s in states if s == closed]),
            (
                (dd, row, "in_progress"),
                [(by_state, s, code) for s in states if s not in (closed, cancelled)],
            ),
            (
                ("heures_financements", row, "dossiers"),
                [(dd, row, "in_progress"), (dd, row, "closed")],
            ),
        ]
    return out


def _number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def prior(kinds: dict, cell, shown, known_small=()) -> tuple[float, float]:
    if shown == SMALL or cell in known_small:
        return 1, 4
    if kinds[cell] in ("count", "number"):
        return 1, math.inf
    if kinds[cell] == "rate":
        return 0, 100
    return 0, math.inf


def recover(report: dict, truth: list[dict], groups: dict | None = None, known_small=()) -> dict:
    """The hidden cells of `report` pinned to one value, with that value."""
    shown = cells(report)
    true = cells({"tables": truth})
    kinds = {
        (t["key"], lb, c["key"]): c["kind"]
        for t in report["tables"]
        for c in t["columns"]
        for lb, _ in _rows(t)
    }
    derived = {
        (t["key"], lb, c["key"]): [(t["key"], lb, i) for i in c.get("of", [])]
        for t in report["tables"]
        for c in t["columns"]
        if c.get("of")
        for lb, _ in _rows(t)
    }
    hidden = {c for c, v in shown.items() if v in (SMALL, SECRET)}
    known = {c: Fraction(str(v)) for c, v in shown.items() if _number(v)}
    holding = []
    for whole, parts in relations(report, groups or {}):
        members = [whole, *parts]
        if all(_number(true.get(m)) for m in members):
            total = sum(Fraction(str(true[p])) for p in parts)
            if abs(Fraction(str(true[whole])) - total) < Fraction(1, 200):
                holding.append([(whole, 1), *((p, -1) for p in parts)])
    low, high = {}, {}
    for cell in hidden:
        low[cell], high[cell] = prior(kinds, cell, shown[cell], known_small)
        value = true[cell]
        assert not _number(value) or low[cell] <= value <= high[cell], (cell, value)
    recovered = {}
    while True:
        found = _by_intervals(holding, known, hidden, low, high, kinds) or _by_algebra(
            holding, known, hidden
        )
        if not found:
            break
        for cell, value in found.items():
            known[cell] = recovered[cell] = value
            hidden.discard(cell)
    for cell, inputs in derived.items():
        if shown.get(cell) in (SMALL, SECRET) and all(i in known for i in inputs):
            recovered[cell] = "computed from its inputs"
    return recovered


def _by_intervals(holding, known, hidden, low, high, kinds) -> dict:
    for _ in range(300):
        moved = False
        for terms in holding:
            unknown = [(c, k) for c, k in terms if c in hidden]
            for cell, k in unknown:
                rest_low = rest_high = Fraction(0)
                infinite_low = infinite_high = False
                for other, j in terms:
                    if other == cell:
                        continue
                    if other in known:
                        rest_low += j * known[other]
                        rest_high += j * known[other]
                        continue
                    lo, hi = (low[other], high[other]) if j > 0 else (-high[other], -low[other])
                    if math.isinf(lo):
                        infinite_low = True
                    else:
                        rest_low += Fraction(lo)
                    if math.isinf(hi):
                        infinite_high = True
                    else:
                        rest_high += Fraction(hi)
                # k × cell = −rest
                if k > 0:
                    new_low = -math.inf if infinite_high else -rest_high
                    new_high = math.inf if infinite_low else -rest_low
                else:
                    new_low = -math.inf if infinite_low else rest_low
                    new_high = math.inf if infinite_high else rest_high
                if kinds[cell] in ("count", "number"):
                    new_low = math.ceil(new_low) if not math.isinf(new_low) else new_low
                    new_high = math.floor(new_high) if not math.isinf(new_high) else new_high
                if new_low > low[cell]:
                    low[cell], moved = new_low, True
                if new_high < high[cell]:
                    high[cell], moved = new_high, True
        if not moved:
            break
    return {
        c: Fraction(low[c])
        for c in hidden
        if not math.isinf(high[c]) and high[c] - low[c] < Fraction(1, 200)
    }


def _by_algebra(holding, known, hidden) -> dict:
    """Gauss–Jordan over the rationals on the unknowns (sparse rows); a reduced row with one
    unknown left gives it."""
    rows = []
    for terms in holding:
        row, constant = {}, Fraction(0)
        for cell, k in terms:
            if cell in hidden:
                row[cell] = row.get(cell, 0) + k
            else:
                constant -= k * known[cell]
        row = {c: Fraction(v) for c, v in row.items() if v}
        if row:
            rows.append((row, constant))
    reduced = []  # (pivot, row, constant), each row free of the other pivots
    for row, constant in rows:
        for pivot, prow, pconstant in reduced:
            if pivot in row:
                factor = row[pivot]
                for c, v in prow.items():
                    row[c] = row.get(c, 0) - factor * v
                    if not row[c]:
                        del row[c]
                constant -= factor * pconstant
        if not row:
            continue
        pivot = min(row, key=repr)
        scale = row[pivot]
        row = {c: v / scale for c, v in row.items()}
        constant /= scale
        for i, (other, orow, oconstant) in enumerate(reduced):
            if pivot in orow:
                factor = orow[pivot]
                for c, v in row.items():
                    orow[c] = orow.get(c, 0) - factor * v
                    if not orow[c]:
                        del orow[c]
                reduced[i] = (other, orow, oconstant - factor * constant)
        reduced.append((pivot, row, constant))
    return {pivot: constant for pivot, row, constant in reduced if len(row) == 1}
