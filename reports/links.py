"""The relations between the tables of the CPNE report that a reader can use to work out a
hidden cell, beyond each table's own totals and row sums (reports/tables.py, « disclosure »).

A relation that does not hold on the figures at hand is dropped by the suppression, so each
one is written as it holds when every row is there (reports/suppression.py, `Problem`).
"""

from cases.choices import DossierState
from reports.figures import AGE_LABELS, dispositif_label
from reports.privacy import TOTALS, rows_of
from reports.suppression import Relation

BY_DISPOSITIF = "dossiers_dispositif"
BY_STATE = "dossiers_etat"
BY_MONTH = "dossiers_mois"
HOURS = "heures_financements"
PUBLICS = "publics"
PRO_A = "pro_a_forfait"
CERT_TOP = "certifications_top"
CERT_GROUPS = ["certifications_secteur", "certifications_niveau"]
CLOSED, CANCELLED = str(DossierState.CLOSED.label), str(DossierState.CANCELLED.label)


def cpne_links(tables: list[dict]) -> list[Relation]:
    by_key = {t["key"]: t for t in tables}
    links = []
    if BY_DISPOSITIF in by_key and BY_STATE in by_key:
        links += _dossier_counts(by_key)
    if PRO_A in by_key and HOURS in by_key:
        links += _pro_a(by_key[PRO_A])
    if PUBLICS in by_key:
        links.append(_ages(by_key[PUBLICS]))
    if PUBLICS in by_key and BY_DISPOSITIF in by_key:
        links.append(_people(by_key))
    if CERT_TOP in by_key:
        for key in CERT_GROUPS:
            if key in by_key:
                links += _groups(by_key[key], by_key[CERT_TOP])
    return links


def _dossier_counts(by_key: dict) -> list[Relation]:
    """Each dispositif (and the grand total) counted four ways: by state, by month, by
    dispositif, and without the cancelled ones in the hours table."""
    states = [label for label, _ in rows_of(by_key[BY_STATE]) if label is not TOTALS]
    ongoing = [s for s in states if s not in (CLOSED, CANCELLED)]
    links = []
    for column in by_key[BY_STATE]["columns"][1:]:
        code = column["key"]
        row = TOTALS if code == "total" else dispositif_label(code)

        def state_cells(labels, code=code):
            return tuple((BY_STATE, s, code) for s in labels if s in states)

        mine = (BY_DISPOSITIF, row, "total")
        links += [
            Relation(mine, ((BY_STATE, TOTALS, code),)),
            Relation(mine, ((BY_MONTH, TOTALS, code),)),
            Relation((BY_DISPOSITIF, row, "cancelled"), state_cells([CANCELLED])),
            Relation((BY_DISPOSITIF, row, "closed"), state_cells([CLOSED])),
            Relation((BY_DISPOSITIF, row, "in_progress"), state_cells(ongoing)),
            Relation(
                (HOURS, row, "dossiers"),
                ((BY_DISPOSITIF, row, "in_progress"), (BY_DISPOSITIF, row, "closed")),
            ),
        ]
    return links


def _pro_a(pro_a: dict) -> list[Relation]:
    """The Pro-A review repeats the hours table's Pro-A dossiers, hours and claims."""
    same = {"dossiers": "dossiers", "hours": "planned_hours", "claimed": "claimed"}
    return [
        Relation((PRO_A, label, mine), ((HOURS, label, theirs),))
        for label, _ in rows_of(pro_a)
        for mine, theirs in same.items()
    ]


def _ages(publics: dict) -> Relation:
    """The three age groups split the people (when no one changes group between dossiers)."""
    return Relation((PUBLICS, TOTALS, "people"), tuple((PUBLICS, a, "people") for a in AGE_LABELS))


def _people(by_key: dict) -> Relation:
    """The same people in two tables: with one dossier each (the usual case), the distinct
    people of the publics table are the dossiers not cancelled of the dispositif table. A
    hidden count of one table must not come back from the other's total."""
    return Relation(
        (PUBLICS, TOTALS, "people"),
        ((BY_DISPOSITIF, TOTALS, "in_progress"), (BY_DISPOSITIF, TOTALS, "closed")),
    )


def _groups(groups: dict, top: dict) -> list[Relation]:
    """A sector's (a level's) dossiers are the sum of its certifications' in the top list, when
    the list shows them all; the codes' sectors and levels are public."""
    shown = {label for label, _ in rows_of(top) if label is not TOTALS}
    key, members = groups["key"], groups["disclosure"]["members"]
    links = [
        Relation((key, label, "dossiers"), tuple((CERT_TOP, c, "dossiers") for c in codes))
        for label, codes in members.items()
        if set(codes) <= shown
    ]
    every = [c for codes in members.values() for c in codes]
    if set(every) <= shown:
        links.append(
            Relation((key, TOTALS, "dossiers"), tuple((CERT_TOP, c, "dossiers") for c in every))
        )
    return links
