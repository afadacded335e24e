"""Every CPNE figure against numbers computed by hand on the data set of conftest.py."""

import datetime as dt

import pytest

from cases.models import Deadline
from reports import figures
from reports.periods import year
from reports.scope import Scope
from tests.factories import UserFactory
from tests.reports.conftest import D, deadline

AS_OF = dt.date(2026, 12, 31)


@pytest.fixture
def qs(data):
    return figures.cohort(year(2026), Scope())


def rows_by(table, key):
    return {row[key]: row for row in table["rows"]}


def test_dossiers_by_dispositif(qs):
    t = figures.dossiers_by_dispositif(qs)
    rows = rows_by(t, "dispositif")
    cpi = rows[figures.dispositif_label("CPI")]
    # d1 (in training) + d2 (closed); d8 starts in 2025: outside.
    assert (cpi["total"], cpi["in_progress"], cpi["closed"], cpi["cancelled"]) == (2, 1, 1, 0)
    car = rows[figures.dispositif_label("CAR")]
    # d5 cancelled, d6 reimbursement requested.
    assert (car["total"], car["in_progress"], car["closed"], car["cancelled"]) == (2, 1, 0, 1)
    # 8 dossiers start in 2026: in progress d1, d3, d6, d7, d9; closed d2, d4; cancelled d5.
    assert t["totals"] == {
        "dispositif": "Total",
        "total": 8,
        "in_progress": 5,
        "closed": 2,
        "cancelled": 1,
    }


def test_dossiers_by_state_and_month(qs):
    states = rows_by(figures.dossiers_by_state(qs), "state")
    assert states["Clôturé"]["CPI"] == 1 and states["Clôturé"]["CDPI"] == 1
    assert states["Clôturé"]["total"] == 2
    months = rows_by(figures.dossiers_by_month(qs), "month")
    # Jan: d2, d4; Feb: d3, d6; Mar: d1; Apr: d5; May: d7; Jul: d9.
    assert {m: r["total"] for m, r in months.items()} == {
        "2026-01": 2,
        "2026-02": 2,
        "2026-03": 1,
        "2026-04": 1,
        "2026-05": 1,
        "2026-07": 1,
    }
    assert months["2026-02"]["CIPI"] == 1 and months["2026-02"]["CAR"] == 1


def test_hours_and_funds(qs):
    t = figures.hours_and_funds(qs)
    rows = rows_by(t, "dispositif")
    cpi = rows[figures.dispositif_label("CPI")]
    assert cpi["planned_hours"] == 600.0  # 400 (d1) + 200 (d2)
    assert cpi["completed_hours"] == 200.0  # d2 closed; d1 still in training
    # The CPI forfait of 17 €/h ends on 2023-12-31 (AKTO 2024–2026 rate not published).
    assert cpi["estimated"] == figures.RATE_UNKNOWN
    assert (cpi["reserved"], cpi["claimed"], cpi["paid"]) == (6800.0, 3400.0, 3000.0)
    assert rows[figures.dispositif_label("CIPI")]["estimated"] == 2100.0  # 150 h × 14 €/h
    assert rows[figures.dispositif_label("CDPI")]["estimated"] == 4200.0  # 300 h × 14 €/h
    assert rows[figures.dispositif_label("CAI")]["estimated"] == figures.RATE_UNKNOWN
    car = rows[figures.dispositif_label("CAR")]
    # d5 is cancelled: only d6 counts (300 h, training over); no CAR rate is known.
    assert (car["dossiers"], car["planned_hours"], car["estimated"]) == (
        1,
        300.0,
        "taux à renseigner",
    )
    pro_a = rows[figures.dispositif_label("PRO_A_INTERIM")]
    assert (pro_a["estimated"], pro_a["claimed"]) == (3400.0, 2400.0)  # 200 h × 17 €/h
    # Planned: 600 + 500 (CAI) + 150 + 300 + 300 + 200 = 2050; completed: 200 + 150 + 300 + 300.
    assert t["totals"]["planned_hours"] == 2050.0
    assert t["totals"]["completed_hours"] == 950.0
    assert t["totals"]["dossiers"] == 7
    assert t["totals"]["estimated"] == figures.RATE_UNKNOWN


def test_deposits_on_time(qs, data):
    """DOMAIN.md §3, §4: on time = deadline met; late = met late or breached (D.6325-1)."""
    deadline(data.d9, "akto_deposit", D(2026, 7, 8), "breached")  # CAI, never deposited
    deadline(data.d3, "akto_deposit", D(2026, 2, 7), "waived")  # lifted: not counted
    t = figures.deposits_on_time(qs)
    rows = rows_by(t, "dispositif")
    # CPI: d1 deposited 03-04 ≤ due 03-07 (on time); d2 deposited 01-20 > due 01-10 (late).
    cpi = rows[figures.dispositif_label("CPI")]
    assert (cpi["assessed"], cpi["on_time"], cpi["late"], cpi["rate"]) == (2, 1, 1, 50.0)
    assert (cpi["deposited_late"], cpi["not_deposited"]) == (1, 0)
    cai = rows[figures.dispositif_label("CAI")]
    assert (cai["assessed"], cai["late"], cai["not_deposited"], cai["rate"]) == (1, 1, 1, 0.0)
    # d6 (CAR) 02-01 ≤ 02-02; d7 (Pro-A) 05-06 ≤ 05-09: 3 on time out of 5 = 60 %.
    assert t["totals"] == {
        "dispositif": "Total",
        "assessed": 5,
        "on_time": 3,
        "late": 2,
        "deposited_late": 1,
        "not_deposited": 1,
        "rate": 60.0,
    }


def test_deposit_delays(qs):
    t = figures.deposit_delays(qs)
    # Days after start: d1 +2, d2 +15, d6 −1, d7 +2.
    assert [r["dossiers"] for r in t["rows"]] == [1, 2, 0, 1, 0]
    assert t["totals"]["dossiers"] == 4


def test_mission_obligations(qs):
    t = figures.mission_obligations(qs, as_of=AS_OF)
    rows = rows_by(t, "dispositif")
    # CIPI d3: 50 + 30 = 80 h in the contract ≥ 70 h: met.
    assert (
        rows[figures.dispositif_label("CIPI")]["assessed"],
        rows[figures.dispositif_label("CIPI")]["met"],
    ) == (1, 1)
    # CDPI d4: 60 h within the window (the 30 h of 10-15 come after 09-30) < 300 / 3 = 100 h.
    assert rows[figures.dispositif_label("CDPI")]["met"] == 0
    # CAR d6: 100 h ≥ 300 / 3 = 100 h: met; d5 cancelled is not assessed.
    assert (
        rows[figures.dispositif_label("CAR")]["assessed"],
        rows[figures.dispositif_label("CAR")]["met"],
    ) == (1, 1)
    assert t["totals"]["assessed"] == 3 and t["totals"]["met"] == 2
    assert t["totals"]["rate"] == 66.7  # 2 / 3


def test_a_managers_waiver_counts_as_levee_never_a_silent_one(qs, data):
    """cases.waivers: the only « Levée » has its author; one without is not counted."""
    manager = UserFactory(role="agency_manager")
    lifted = Deadline.objects.get(dossier=data.d4, kind="mission_obligation")
    lifted.status = "waived"  # as an old closing wrote it: no author
    lifted.save()
    rows = rows_by(figures.mission_obligations(qs, as_of=AS_OF), "dispositif")
    cdpi = rows[figures.dispositif_label("CDPI")]
    assert (cdpi["met"], cdpi["waived"], cdpi["not_met"]) == (0, 0, 1)
    lifted.waived_by = manager
    lifted.save()
    t = figures.mission_obligations(qs, as_of=AS_OF)
    cdpi = rows_by(t, "dispositif")[figures.dispositif_label("CDPI")]
    assert (cdpi["assessed"], cdpi["met"], cdpi["waived"], cdpi["not_met"]) == (1, 0, 1, 0)
    assert (t["totals"]["met"], t["totals"]["waived"], t["totals"]["not_met"]) == (2, 1, 0)
    assert any(c["label"].startswith("Obligation levée") for c in t["columns"])


def test_mission_obligations_wait_for_the_window(qs):
    # On 2026-06-01 only the CIPI window (05-03) has closed.
    t = figures.mission_obligations(qs, as_of=dt.date(2026, 6, 1))
    assert t["totals"]["assessed"] == 1


def test_publics(qs):
    t = figures.publics(qs)
    people = {r["public"]: r["people"] for r in t["rows"]}
    # Non-cancelled dossiers: d1 22, d2 36, d3 45, d4 25, d6 55, d7 22, d9 23 years old.
    assert people["Âgés de 16 à 25 ans au début du contrat"] == 4  # d1, d4, d7, d9
    assert people["Âgés de 26 à 44 ans"] == 1  # d2 (36 on her birthday, 2026-01-05)
    assert people["Âgés de 45 ans et plus"] == 2  # d3 (45: birthday in June), d6
    assert people["Bénéficiaires du RSA"] == 1  # d3
    assert people["Demandeurs d'emploi de longue durée (> 1 an)"] == 1  # d4 since 2024-06-01
    assert people["Suivis par une mission locale"] == 1  # d4
    assert people["AT/MP survenu en mission (total, donnée de santé)"] == 1  # d6 (d5 cancelled)
    assert t["totals"]["people"] == 7


def test_certifications(qs):
    top = figures.certifications_top(qs)
    # RNCP34860: d1, d2, d4, d5, d9; CLEA: d7; RNCP99999: d6; d3 (CIPI) has none.
    assert [(r["code"], r["dossiers"]) for r in top["rows"]] == [
        ("RNCP34860", 5),
        ("CLEA", 1),
        ("RNCP99999", 1),
    ]
    assert top["rows"][0]["title"] == "Préparateur"
    sectors = {r["sector"]: r["dossiers"] for r in figures.certifications_by_sector(qs)["rows"]}
    assert sectors == {"Logistique": 5, "Hors liste Pro-A": 2}
    levels = {r["level"]: r["dossiers"] for r in figures.certifications_by_level(qs)["rows"]}
    assert levels == {"Niveau 3 (CAP, BEP)": 5, "Niveau non renseigné": 2}


def test_pro_a_forfait(qs):
    t = figures.pro_a_forfait(qs, on=AS_OF)
    interim, permanent = t["rows"]
    # d7: 200 h; 200 × 17 = 3 400 € at the forfait; 2 400 € claimed → 2 400 / 200 = 12 €/h.
    assert interim["dossiers"] == 1 and interim["hours"] == 200.0
    assert (interim["at_forfait"], interim["claimed"]) == (3400.0, 2400.0)
    assert (interim["cost_per_hour"], interim["forfait"]) == (12.0, 17.0)
    assert permanent["dossiers"] == 0 and permanent["cost_per_hour"] is None
