"""The Mission jeunes half-yearly table (002 art. 2.1) on the data set of conftest.py."""

from reports.mission_jeunes import mission_jeunes_table
from reports.periods import half
from reports.scope import Scope


def test_half_year_table(data):
    t = mission_jeunes_table(half(2026, 1), Scope())
    rows = {r["region"]: r for r in t["rows"]}
    # Agency A: born 2005-02-01, followed: missions 02-10 (35 h) and 05-20 (70 h); 07-02 is in H2.
    # The worker born 2004 is not followed by a mission locale: left out.
    assert rows["Île-de-France"] == {
        "region": "Île-de-France",
        "young": 1,
        "missions": 2,
        "hours": 105.0,
        "cipi": 0,
        "cdpi": 0,
    }
    # Agency B: born 2000-03-01: 25 on 02-15 (20 h), 26 on 03-10 (left out).
    # d4 (CDPI, 2026-01-12, 25 years old, followed by a mission locale): one CDPI entry.
    assert rows["Bretagne"] == {
        "region": "Bretagne",
        "young": 1,
        "missions": 1,
        "hours": 20.0,
        "cipi": 0,
        "cdpi": 1,
    }
    assert t["totals"] == {
        "region": "Total",
        "young": 2,
        "missions": 3,
        "hours": 125.0,
        "cipi": 0,
        "cdpi": 1,
    }


def test_second_half(data):
    t = mission_jeunes_table(half(2026, 2), Scope())
    # Agency A's young worker: 07-02 (7 h). d4's worker (25, followed): 07-10 (60 h) and
    # 10-15 (30 h), missions of a dossier count too: 2 young people, 3 missions, 97 h.
    assert (t["totals"]["young"], t["totals"]["missions"], t["totals"]["hours"]) == (2, 3, 97.0)
