"""Statistical disclosure control of the reports.

Reports are aggregates: no name, NIR or health detail leaves the agency (DOMAIN.md §4); health
data (AT/MP, and CAR dossiers, which only workers with an AT/MP have) is the most protected
personal data (§5; 002 art. 4). As national statistics offices do:

- primary suppression: a count of 1 to 4 people is hidden — every count outside the reader's
  own agencies, health counts for every reader; a health count whose complement is that small
  (« all but 2 have an AT/MP ») is hidden too, as are the hours and amounts of a row whose
  people are hidden;
- secondary suppression (reports/suppression.py): more cells, until no hidden cell can be
  worked out from the totals, from a row's own sums or from another table of the report; rates
  and amounts computed over a hidden cell are hidden too;
- a report on fewer than 5 people, or on a period that is not made of whole months, is refused
  (an interactive request) or entirely hidden (a stored report).

Every hidden cell shows the same « s » (secret statistique, as INSEE prints it): a « < 5 » on
the small cells would tell the reader that they are at most 4. The suppression is audited as if
the reader knew it anyway.
"""

import math

from django.core.exceptions import ValidationError

from reports.periods import Period, last_day
from reports.suppression import Problem, Relation, suppress
from reports.tables import COUNT, MAGNITUDES, NUMBER, RATE, TEXT

THRESHOLD = 5
SECRET = "s"
TOTALS = None  # the row label of a table's totals in a cell key (table key, row label, column)
LEGEND = {
    SECRET: f"secret statistique : moins de {THRESHOLD} personnes, ou cellule masquée pour "
    "qu'aucune autre ne se déduise des totaux ou d'un autre tableau, ou chiffre calculé sur "
    "une cellule masquée",
}
RULE = (
    f"Aucun nom ni NIR. Secret statistique (accord-cadre Mission jeunes, art. 4 ; pratique des "
    f"instituts statistiques) : une cellule comptant de 1 à {THRESHOLD - 1} personnes est "
    f"masquée ({{who}}), ainsi que les cellules qui permettraient de la retrouver par "
    f"différence et les taux, heures et montants calculés sur une cellule masquée ; une "
    f"cellule masquée est affichée « {SECRET} ». Un zéro n'est jamais masqué."
)
WHO = {
    True: "toute cellule hors de vos agences ; les données de santé, AT/MP et CAR, partout",
    False: "dans vos agences : les données de santé, AT/MP et CAR",
}


NARROW = (
    f"Ce périmètre compte moins de {THRESHOLD} personnes sur la période : un rapport aussi "
    "étroit permettrait de reconnaître des personnes (secret statistique). "
    "Élargissez la période ou le périmètre."
)
WHOLE_MONTHS = (
    "Un rapport porte sur des mois entiers : la période commence le premier jour d'un mois et "
    "finit le dernier jour d'un mois (secret statistique : des périodes au jour près "
    "permettraient d'isoler des personnes par différence entre deux rapports)."
)
SUPPRESSED_ALL = (
    f"Moins de {THRESHOLD} personnes dans ce périmètre : tous les chiffres sont masqués."
)


def rule(masked: bool) -> str:
    return RULE.format(who=WHO[masked])


def check_period(period: Period) -> None:
    """Refuse a period that is not made of whole calendar months."""
    if period.start.day != 1 or period.end != last_day(period.end.year, period.end.month):
        raise ValidationError(WHOLE_MONTHS)


def is_narrow(people: int) -> bool:
    """Fewer people than the threshold, but some: every figure would point at them."""
    return 0 < people < THRESHOLD


def check_cohort(people: int) -> None:
    if is_narrow(people):
        raise ValidationError(NARROW)


def public(tbl: dict) -> dict:
    """The table as it leaves the reports: without the disclosure metadata."""
    return {k: v for k, v in tbl.items() if k != "disclosure"}


def suppress_all(tables: list[dict]) -> list[dict]:
    """Every figure hidden, and the rows whose labels would tell something (a month, a code)
    dropped: for a cohort too small to publish anything."""
    hidden = []
    for tbl in tables:
        out = public(tbl)
        out["rows"] = []
        if tbl.get("totals"):
            out["totals"] = {
                c["key"]: tbl["totals"].get(c["key"]) if c["kind"] == TEXT else SECRET
                for c in tbl["columns"]
            }
        hidden.append(out)
    return hidden


def protect(
    tables: list[dict], links: list[Relation] = (), *, masked: bool, all_health: bool = False
) -> list[dict]:
    """The tables as this reader may see them.

    `masked`: every small count is sensitive (the report reaches beyond the reader's own
    agencies); otherwise only health counts are. `all_health`: every count is health data
    (a report on CAR dossiers only). `links`: relations across tables (reports/links.py).
    """
    report = _Cells(tables, masked=masked, all_health=all_health)
    small, sensitive = report.primary()
    problem = Problem(
        values=report.values,
        relations=[*report.relations(), *links],
        prior=lambda cell: report.prior(cell, small),
        shown_prior=report.shown_prior,
        integers={c for c, kind in report.kinds.items() if kind in (COUNT, NUMBER)},
        derived=report.derived(),
    )
    hidden = suppress(problem, sensitive)
    return [_shown(tbl, hidden) for tbl in tables]


def rows_of(tbl: dict):
    """(row label, row) of each row, then (TOTALS, totals): a row's label is its first cell."""
    first = tbl["columns"][0]["key"]
    for row in tbl["rows"]:
        yield row.get(first), row
    if tbl.get("totals"):
        yield TOTALS, tbl["totals"]


def _number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


class _Cells:
    """Every numeric cell of a report, keyed (table key, row label, column key)."""

    def __init__(self, tables: list[dict], *, masked: bool, all_health: bool):
        self.tables, self.masked, self.all_health = tables, masked, all_health
        self.values, self.kinds, self.columns = {}, {}, {}
        for tbl in tables:
            for column in tbl["columns"]:
                if column["kind"] == TEXT:
                    continue
                for label, row in rows_of(tbl):
                    cell = (tbl["key"], label, column["key"])
                    self.columns[cell] = column
                    if _number(row.get(column["key"])):
                        self.values[cell] = row[column["key"]]
                        self.kinds[cell] = column["kind"]
        self.by_key = {tbl["key"]: tbl for tbl in tables}

    def health(self, cell) -> bool:
        key, label, column = cell
        spec = self.by_key[key]["disclosure"]
        return (
            self.all_health
            or (label is not TOTALS and label in spec["health_rows"])
            or column in spec["health_columns"]
        )

    def primary(self) -> tuple[set, set]:
        """(the counts of 1 to 4 people to hide, every cell sensitive in itself)."""
        small, people = set(), set()
        for cell, value in self.values.items():
            if self.kinds[cell] != COUNT or value == 0:
                continue
            health = self.health(cell)
            if (self.masked or health) and value < THRESHOLD:
                small.add(cell)
            elif health and self._complement_small(cell, value):
                people.add(cell)
        people |= small
        sensitive = set(people)
        for cell, value in self.values.items():
            base = self.columns[cell].get("base")
            magnitude = self.kinds[cell] in MAGNITUDES and value != 0
            if magnitude and base and (cell[0], cell[1], base) in people:
                sensitive.add(cell)
        return small, sensitive

    def _complement_small(self, cell, value) -> bool:
        """Whether those who are not counted are fewer than the threshold: a health count of
        6 among 7 people points at 6 of them."""
        population = self._population(cell)
        return population is not None and population - value < THRESHOLD

    def _population(self, cell):
        key, label, column = cell
        spec = self.by_key[key]["disclosure"]
        if label is not TOTALS and label in spec["health_rows"]:
            return self.values.get((key, TOTALS, column))
        if column in spec["health_columns"]:
            for whole, parts in spec["sums"].items():
                if column in parts:
                    return self.values.get((key, label, whole))
        return None

    def relations(self):
        for tbl in self.tables:
            key, spec = tbl["key"], tbl["disclosure"]
            labels = [label for label, _ in rows_of(tbl) if label is not TOTALS]
            if tbl.get("totals") and spec["additive"]:
                for column in tbl["columns"]:
                    if column["kind"] in (COUNT, *MAGNITUDES):
                        c = column["key"]
                        yield Relation((key, TOTALS, c), tuple((key, lb, c) for lb in labels))
            for whole, parts in spec["sums"].items():
                for label, _ in rows_of(tbl):
                    yield Relation((key, label, whole), tuple((key, label, p) for p in parts))

    def derived(self) -> dict:
        return {
            cell: tuple((cell[0], cell[1], source) for source in column["of"])
            for cell, column in self.columns.items()
            if column.get("of")
        }

    def shown_prior(self, cell) -> tuple[float, float]:
        """What the « s » tells of a hidden cell: a count is not zero (zeros are shown), an
        amount is not negative, a rate is a percentage."""
        return self.prior(cell, small=(), markers_only=True)

    def prior(self, cell, small, markers_only: bool = False) -> tuple[float, float]:
        """What a reader could know of a hidden cell, at worst: a count is not zero (zeros are
        shown), and is 1 to 4 if it is hidden for being small; where every small count is
        hidden, any other hidden count is at least 5. An amount is not negative."""
        kind = self.kinds.get(cell, self.columns[cell]["kind"])
        if cell in small:
            return 1, THRESHOLD - 1
        if kind == COUNT:
            strict = not markers_only and (self.masked or self.health(cell))
            return (THRESHOLD if strict else 1), math.inf
        if kind == NUMBER:
            return 1, math.inf
        if kind == RATE:
            return 0, 100
        return 0, math.inf


def _shown(tbl: dict, hidden: set) -> dict:
    out = public(tbl)
    key, first = tbl["key"], tbl["columns"][0]["key"]

    def row_shown(label, row):
        shown = dict(row)
        for column in row:
            if (key, label, column) in hidden:
                shown[column] = SECRET
        return shown

    out["rows"] = [row_shown(row.get(first), row) for row in tbl["rows"]]
    if tbl.get("totals"):
        out["totals"] = row_shown(TOTALS, tbl["totals"])
    return out
