"""Each mission obligation's progress where a case worker looks: the dossier page, the API's
dossier detail and the « obligation de mission à risque » list (003 fiches CIPI, CDPI, CAR;
DOMAIN.md §3). Numbers are the rule set's; a mission straddling the window counts pro rata."""

import datetime as dt
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from accords.reference_rules import load_rule_sets
from cases.choices import DeadlineKind, DeadlineStatus, Role
from cases.deadlines import deadlines_sync
from cases.models import Deadline
from cases.services import dossier_run_transition
from cases.waivers import deadline_waive
from tests.factories import AgencyFactory, DossierFactory, MissionFactory, UserFactory

URL = "/admin/cases/dossier/"
TRAINING_END = dt.date(2026, 6, 30)  # CDPI window: 1 Jul → 30 Sep 2026


@pytest.fixture
def agency(db):
    load_rule_sets()
    return AgencyFactory()


@pytest.fixture
def case_worker(agency):
    return UserFactory(role=Role.CASE_WORKER, agencies=[agency])


@pytest.fixture
def cdpi(agency, case_worker):
    """300 h of training ending 30 Jun 2026: 100 h of missions due by 30 Sep 2026."""
    dossier = DossierFactory(
        cdpi=True,
        agency=agency,
        case_worker=case_worker,
        state="mission_follow_up",
        worker__other_agencies_branch_hours=Decimal("200"),
        training_end=TRAINING_END,
        planned_training_hours=Decimal("300"),
    )
    MissionFactory(
        worker=dossier.worker,
        dossier=dossier,
        start=dt.date(2026, 9, 21),
        end=dt.date(2026, 10, 10),
        hours=Decimal("120"),
    )
    return dossier


def test_the_dossier_page_shows_the_obligation_progress(client, case_worker, cdpi):
    """003 fiche CDPI: 60 h of the 120 h mission fall inside the window (10 of its 20 days)."""
    client.force_login(case_worker)
    html = client.get(f"{URL}{cdpi.pk}/change/").content.decode()
    panel = html[html.index('id="obligations"') :]
    panel = panel[: panel.index("</section>")]
    assert "Missions après la formation" in panel
    assert "60 h sur 100 h" in panel
    assert "01/07/2026" in panel and "30/09/2026" in panel
    assert "au prorata" in panel and "deux missions" in panel
    assert "missions d&#x27;au moins 1/3 des heures de formation dans les 3 mois" in panel
    assert "Période comptée depuis la fin réelle de la formation (30/06/2026)." in panel


def test_the_dossier_page_says_a_window_is_provisional(client, case_worker, agency):
    """003 fiche CDPI: « 3 mois suivant la fin de formation »; before the actual end is
    recorded the window counts from the planned end, and the page says it is provisional."""
    dossier = DossierFactory(
        cdpi=True,
        agency=agency,
        case_worker=case_worker,
        state="in_training",
        worker__other_agencies_branch_hours=Decimal("200"),
        training_end=TRAINING_END,
        planned_training_hours=Decimal("300"),
    )
    assert dossier.training_ended_on is None
    client.force_login(case_worker)
    html = client.get(f"{URL}{dossier.pk}/change/").content.decode()
    panel = html[html.index('id="obligations"') :]
    panel = panel[: panel.index("</section>")]
    assert "Période provisoire, comptée depuis la fin prévue de la formation (30/06/2026)" in panel


def test_the_dossier_page_keeps_a_late_deposit_visible(client, case_worker, agency):
    """003 fiche CPI; D.6325-1: deposited on the 9th for the 7th: « Respectée en retard »."""
    dossier = DossierFactory(cpi=True, agency=agency, case_worker=case_worker)
    dossier.deposit_date = dt.date(2026, 3, 9)
    dossier.save()
    deadlines_sync(dossier)
    client.force_login(case_worker)
    html = client.get(f"{URL}{dossier.pk}/change/").content.decode()
    panel = html[html.index('id="deadlines"') :]
    panel = panel[: panel.index("</section>")]
    assert "Dépôt du dossier à l&#x27;AKTO" in panel
    assert '<span class="deadline deadline-met_late">Respectée en retard</span>' in panel


def api_for(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_the_api_dossier_detail_gives_the_obligations(case_worker, cdpi):
    """003 fiche CDPI; DOMAIN.md §3: progress as decimal strings and ISO dates."""
    api = api_for(case_worker)
    body = api.get(f"/api/v1/dossiers/{cdpi.pk}/").json()
    [found] = body["obligations"]
    today = timezone.localdate()
    assert found == {
        "kind": "mission_after_training",
        "label": "Missions après la formation",
        "rule": "missions d'au moins 1/3 des heures de formation dans les 3 mois suivant la "
        "fin de la formation",
        "source": found["source"],
        "window_start": "2026-07-01",
        "window_end": "2026-09-30",
        "hours_done": "60.00",
        "hours_needed": "100.00",
        "days_left": max((dt.date(2026, 9, 30) - today).days, 0),
        "verdict": "unmet" if today > dt.date(2026, 9, 30) else "open",
        "verdict_label": "Non respectée" if today > dt.date(2026, 9, 30) else "En cours",
        "prorated": True,
        "window_basis": "actual_end",
        "window_basis_label": "Période comptée depuis la fin réelle de la formation (30/06/2026).",
    }
    assert "003" in found["source"]
    listed = api.get("/api/v1/dossiers/").json()["results"]
    assert "obligations" not in listed[0]  # the list stays within its query budget


def test_the_api_dossier_detail_has_no_obligation_for_a_cpi(case_worker, agency):
    """DOMAIN.md §3: no mission obligation outside CIPI, CDPI, CAR."""
    dossier = DossierFactory(cpi=True, agency=agency)
    assert api_for(case_worker).get(f"/api/v1/dossiers/{dossier.pk}/").json()["obligations"] == []


def at_risk(dossier, due):
    return Deadline.objects.create(
        dossier=dossier,
        kind=DeadlineKind.MISSION_OBLIGATION,
        label="Obligation de missions",
        due=due,
        safe_date=due,
        source="test",
        status=DeadlineStatus.OPEN,
    )


def test_the_mission_risk_list_shows_each_obligation_progress(client, case_worker, agency):
    """003 fiche CIPI: hours done, hours needed (the rule set's 70 h), window end, days left;
    the page costs the same number of queries with more rows."""
    today = timezone.localdate()
    client.force_login(case_worker)

    def cipi(hours):
        dossier = DossierFactory(
            cipi=True,
            agency=agency,
            contract_start=today - dt.timedelta(days=60),
            contract_end=today + dt.timedelta(days=10),
            training_end=today - dt.timedelta(days=20),
        )
        MissionFactory(
            worker=dossier.worker,
            dossier=dossier,
            start=today - dt.timedelta(days=10),
            end=today - dt.timedelta(days=10),
            hours=Decimal(hours),
        )
        at_risk(dossier, dossier.contract_end)
        return dossier

    first = cipi("40")

    def page():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL, {"mission_a_risque": "1"})
        return response.content.decode(), len(queries)

    html, few = page()
    end = first.contract_end
    assert f"40 h sur 70 h — fin le {end:%d/%m/%Y} ({(end - today).days} j)" in html
    for hours in ("12.5", "69.99", "7"):
        cipi(hours)
    html, many = page()
    assert "69,99 h sur 70 h" in html
    assert many == few
    assert "column-obligation_progress" not in client.get(URL).content.decode()


def test_the_mission_risk_list_says_a_window_is_provisional(client, case_worker, agency):
    """003 fiche CDPI: before the actual training end is recorded, the list says the window's
    end (counted from the planned end) is provisional."""
    today = timezone.localdate()
    dossier = DossierFactory(
        cdpi=True,
        agency=agency,
        state="in_training",
        worker__other_agencies_branch_hours=Decimal("200"),
        contract_start=today - dt.timedelta(days=200),
        contract_end=today + dt.timedelta(days=160),
        training_end=today + dt.timedelta(days=5),
        planned_training_hours=Decimal("300"),
    )
    window_end = dossier.training_end + relativedelta(months=3)
    at_risk(dossier, today + dt.timedelta(days=10))  # listed among the obligations at risk
    client.force_login(case_worker)
    html = client.get(URL, {"mission_a_risque": "1"}).content.decode()
    assert f"0 h sur 100 h — fin le {window_end:%d/%m/%Y} provisoire (" in html


# --- An obligation settled by its deadline: waived by a manager, or cancelled with the dossier


def _waived(dossier, agency):
    """An agency manager lifts the obligation, with a reason (cases.waivers)."""
    manager = UserFactory(role=Role.AGENCY_MANAGER, agencies=[agency])
    deadlines_sync(dossier)
    deadline = dossier.deadlines.get(kind=DeadlineKind.MISSION_OBLIGATION)
    deadline_waive(deadline_id=deadline.pk, by=manager, reason="Mission annulée par l'EU.")


def _cancelled(dossier, agency):
    """The dossier is cancelled: its pending obligation becomes « Annulée », waived by nobody."""
    deadlines_sync(dossier)
    dossier_run_transition(
        dossier_id=dossier.pk,
        name="cancel",
        by=dossier.case_worker,
        data={"cancellation_reason": "abandonment", "comment": "Le salarié a quitté le parcours."},
    )


SETTLED = [
    pytest.param(_waived, "waived", "Levée par le responsable d'agence", id="waived"),
    pytest.param(_cancelled, "cancelled", "Annulée avec le dossier", id="cancelled"),
]


@pytest.mark.parametrize(("settle", "verdict", "label"), SETTLED)
def test_a_settled_obligation_is_shown_as_settled_not_as_running(
    client, case_worker, agency, cdpi, settle, verdict, label
):
    """« Obligations never vanish » (issue 15), and they do not pretend either: a waived
    obligation reads « Levée », a cancelled dossier's « Annulée », with the hours done kept;
    neither is « En cours » with days left, nor « Non respectée »."""
    settle(cdpi, agency)
    client.force_login(case_worker)
    html = client.get(f"{URL}{cdpi.pk}/change/").content.decode()
    panel = html[html.index('id="obligations"') :]
    panel = panel[: panel.index("</section>")]
    assert f'<span class="badge obligation-{verdict}">{label}</span>'.replace("'", "&#x27;") in (
        panel
    )
    assert "60 h sur 100 h" in panel
    assert "En cours" not in panel and "restant" not in panel and "Non respectée" not in panel
    [found] = api_for(case_worker).get(f"/api/v1/dossiers/{cdpi.pk}/").json()["obligations"]
    assert (found["verdict"], found["verdict_label"], found["hours_done"]) == (
        verdict,
        label,
        "60.00",
    )


def test_a_met_obligation_stays_met_when_the_dossier_is_cancelled(
    client, case_worker, agency, cdpi
):
    """Hours worked inside the window are a fact: cancelling the dossier afterwards does not
    turn a met obligation into « Annulée »."""
    MissionFactory(
        worker=cdpi.worker,
        dossier=cdpi,
        start=dt.date(2026, 7, 1),
        end=dt.date(2026, 7, 31),
        hours=Decimal("40"),
    )
    _cancelled(cdpi, agency)
    [found] = api_for(case_worker).get(f"/api/v1/dossiers/{cdpi.pk}/").json()["obligations"]
    assert (found["verdict"], found["hours_done"]) == ("met", "100.00")
