"""The suppression engine (reports/suppression.py) and its use on one table (reports/privacy.py),
without a database. The attack on whole reports: tests/security/test_report_disclosure.py."""

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from reports import privacy
from reports.suppression import Problem, Relation, recoverable, suppress
from reports.tables import col, table
from tests.security.attacker import recover


def counts(values: dict, relations, small=()):
    """A problem over counts; `small` are the cells hidden for being under 5."""
    return Problem(
        values=values,
        relations=relations,
        prior=lambda c: (1, 4) if c in small else (1, math.inf),
        integers=set(values),
    )


def row(*values):
    """A row: its total first, then its cells: t, a, b, …"""
    names = ["t", *[chr(ord("a") + i) for i in range(len(values) - 1)]]
    return dict(zip(names, values, strict=True)), Relation("t", tuple(names[1:]))


def test_a_lone_hidden_cell_gets_the_smallest_non_zero_complement():
    values, relation = row(12, 7, 0, 3, 2)
    problem = counts(values, [relation], small={"d"})
    # 12 − 7 − 0 − 3 = 2: « d » needs company; the 0 protects nothing, 3 is the smallest.
    assert suppress(problem, {"d"}) == {"d", "c"}


def test_the_total_can_be_the_complement():
    values, relation = row(3, 0, 3, 0)
    assert suppress(counts(values, [relation], small={"b"}), {"b"}) == {"b", "t"}


def test_46_minus_38_with_cells_known_to_be_under_5():
    values, relation = row(46, 20, 18, 4, 4)
    small = {"c", "d"}
    problem = counts(values, [relation], small=small)
    assert recoverable(problem, small) == small  # 8 over two cells under 5: 4 and 4
    hidden = suppress(problem, small)
    assert hidden == {"b", "c", "d"} and not recoverable(problem, hidden)


def test_an_odd_cycle_is_solved_by_linear_algebra():
    # x + y = 10, y + z = 12, x + z = 14: no relation has one unknown, yet x = 6.
    values = {"x": 6, "y": 4, "z": 8, "p": 10, "q": 12, "r": 14, "k": 30}
    relations = [
        Relation("p", ("x", "y")),
        Relation("q", ("y", "z")),
        Relation("r", ("x", "z")),
        Relation("k", ("p", "q", "r", "y")),  # ties the totals: not used here
    ]
    problem = counts(values, relations)
    assert recoverable(problem, {"x", "y", "z"}) == {"x", "y", "z"}
    hidden = suppress(problem, {"x", "y", "z"})
    assert not recoverable(problem, hidden)


def test_rates_follow_their_counts():
    values, relation = row(10, 7, 3)
    values["rate"] = 70.0
    problem = Problem(
        values=values,
        relations=[relation],
        prior=lambda c: (0, 100) if c == "rate" else (1, math.inf),
        derived={"rate": ("a", "t")},
    )
    assert "rate" in suppress(problem, {"b"})


def test_what_only_the_zeros_give_away_is_left_alone():
    """A total of 4 under 5 over four non-zero cells: each is 1 to whoever knows the total is
    under 5; nothing but hiding zeros would help, so nothing more is hidden for it — and from
    the markers alone (never zero) nothing is pinned."""
    values = {"t": 4, "a": 1, "b": 1, "c": 1, "d": 1, "e": 0, "u": 9, "v": 5}
    relations = [Relation("t", ("a", "b", "c", "d", "e")), Relation("u", ("t", "v"))]
    small = {"t", "a", "b", "c", "d"}
    problem = Problem(
        values=values,
        relations=relations,
        prior=lambda c: (1, 4) if c in small else (5, math.inf),
        shown_prior=lambda c: (1, math.inf),
        integers=set(values),
    )
    hidden = suppress(problem, small)
    # « u = t + v »: v is a complement, and u too, or 9 − 4 would give v; « e » stays 0.
    assert hidden == small | {"u", "v"}
    assert not recoverable(problem, hidden, problem.shown_prior)


def test_relations_that_do_not_hold_are_dropped():
    problem = counts({"t": 5, "a": 1, "b": 1}, [Relation("t", ("a", "b"))])
    assert problem.relations == []


# A whole table through reports/privacy.py, attacked by tests/security/attacker.py.

CODES = ["CPI", "CAI", "CIPI", "CAR"]


def pivot(grid: list[list[int]]) -> dict:
    """« Dossiers par mois » with these counts: rows are months, columns dispositifs."""
    codes = CODES[: len(grid[0])]
    rows = [
        {"month": f"2026-{m + 1:02d}", **dict(zip(codes, cells, strict=True)), "total": sum(cells)}
        for m, cells in enumerate(grid)
    ]
    totals = {"month": "Total", **{k: sum(r[k] for r in rows) for k in [*codes, "total"]}}
    columns = [col("month", "Mois", "text"), *[col(c, c) for c in codes], col("total", "Total")]
    return table(
        "dossiers_mois",
        "Dossiers par mois",
        "test",
        columns,
        rows,
        totals,
        sums={"total": codes},
        health_columns=["CAR"],
    )


grids = st.integers(2, 4).flatmap(
    lambda width: st.lists(
        st.lists(st.sampled_from([0, 0, 1, 2, 3, 4, 5, 7, 12, 30]), min_size=width, max_size=width),
        min_size=2,
        max_size=6,
    )
)


@settings(max_examples=120, deadline=None)
@given(grid=grids, masked=st.booleans())
def test_no_cell_of_a_protected_table_comes_back(grid, masked):
    tbl = pivot(grid)
    shown = privacy.protect([tbl], masked=masked)
    report = {"privacy": {"masked": masked}, "tables": shown}
    assert not recover(report, [tbl])
    for shown_row, true_row in zip(shown[0]["rows"], tbl["rows"], strict=True):
        for key, value in true_row.items():
            if value == 0:
                assert shown_row[key] == 0  # a zero is never hidden
            elif masked and key != "month" and value < privacy.THRESHOLD:
                assert shown_row[key] == privacy.SECRET
