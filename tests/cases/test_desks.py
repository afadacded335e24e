"""Issue 17, « A desk per role »: the admin home page of each role shows its work, read from
the scoped selectors (cases.permissions), within a fixed number of queries.

The panels each role gets are data (cases.admin.dashboard.DESKS); the tests below are
generated over the roles of the permission table (cases.choices.Role).
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.admin.dashboard import (
    ADMINISTRATION,
    DESKS,
    OPINIONS,
    PRO_A,
    REPORTS,
    STATES,
    TEAM,
    TODAY,
    WAITING,
    WAIVERS,
    dashboard_for,
)
from cases.choices import DeadlineKind, DeadlineStatus, DossierState, Role
from cases.models import Deadline, DossierEvent
from notifications.models import Notification
from reports.models import StoredReport
from tests.factories import AgencyFactory, DossierFactory, UserFactory

pytestmark = pytest.mark.django_db

# The element id of each panel on the home page (cases/templates/admin/index.html).
PANEL_IDS = {
    TODAY: "my-actions",
    WAITING: "waiting",
    STATES: "state-counts",
    TEAM: "team-load",
    WAIVERS: "waivers",
    OPINIONS: "opinions",
    PRO_A: "pro-a",
    REPORTS: "reports-desk",
    ADMINISTRATION: "administration",
}
# The roles whose permission-table row grants adding a dossier (cases.permissions).
ADDS_DOSSIERS = {Role.CASE_WORKER, Role.AGENCY_MANAGER, Role.TRAINING_MANAGER, Role.ADMINISTRATOR}


def add_deadline(dossier, kind, due, **extra):
    return Deadline.objects.create(
        dossier=dossier,
        kind=kind,
        label=DeadlineKind(kind).label,
        due=due,
        safe_date=due,
        source="test",
        **extra,
    )


def home(client, user) -> str:
    client.force_login(user)
    page = client.get(reverse("admin:index"))
    assert page.status_code == 200
    return page.content.decode()


def test_every_role_has_a_desk():
    assert set(DESKS) == set(Role)
    for panels in DESKS.values():
        assert panels and set(panels) <= set(PANEL_IDS)


@pytest.mark.parametrize("role", list(Role))
def test_each_role_sees_its_panels_and_only_those(client, role):
    agency = AgencyFactory()
    html = home(client, UserFactory(role=role, agencies=[agency]))
    for panel, element in PANEL_IDS.items():
        assert (f'id="{element}"' in html) == (panel in DESKS[role]), (role, panel)


@pytest.mark.parametrize("role", list(Role))
def test_the_new_dossier_button_follows_the_permission_table(client, role):
    user = UserFactory(role=role, agencies=[AgencyFactory()])
    html = home(client, user)
    assert user.has_perm("cases.add_dossier") == (role in ADDS_DOSSIERS)
    assert ("Nouveau dossier" in html) == (role in ADDS_DOSSIERS)
    if role in ADDS_DOSSIERS:
        assert reverse("admin:cases_dossier_add") in html


def test_the_case_worker_sees_the_dossiers_waiting_the_oldest_first():
    agency = AgencyFactory()
    user = UserFactory(role=Role.CASE_WORKER, agencies=[agency])
    recent = DossierFactory(agency=agency, case_worker=user)
    old = DossierFactory(agency=agency, case_worker=user)
    DossierFactory(agency=agency, case_worker=user, state=DossierState.CLOSED)
    DossierFactory(agency=agency)  # a colleague's
    DossierFactory(agency=AgencyFactory(), case_worker=user)  # outside the user's agencies
    type(old).objects.filter(pk=old.pk).update(updated=timezone.now() - dt.timedelta(days=20))
    assert dashboard_for(user).waiting == [old, recent]


def test_the_manager_decides_the_waivers_of_their_agencies_only(client):
    today = timezone.localdate()
    mine, other = AgencyFactory(), AgencyFactory()
    manager = UserFactory(role=Role.AGENCY_MANAGER, agencies=[mine])
    dossier = DossierFactory(agency=mine, worker__last_name="Depasse")
    breached = add_deadline(
        dossier, DeadlineKind.AKTO_DEPOSIT, today - dt.timedelta(days=3), status="breached"
    )
    at_risk = add_deadline(dossier, DeadlineKind.AKTO_DECISION, today + dt.timedelta(days=2))
    add_deadline(dossier, DeadlineKind.FUND_RESERVATION, today + dt.timedelta(days=30))  # later
    add_deadline(
        dossier, DeadlineKind.MISSION_OBLIGATION, today, status=DeadlineStatus.WAIVED
    )  # already lifted
    add_deadline(DossierFactory(agency=other), DeadlineKind.AKTO_DEPOSIT, today)
    assert dashboard_for(manager, today=today).waivers == [breached, at_risk]
    html = home(client, manager)
    assert reverse("admin:cases_deadline_waive", args=[breached.pk]) in html
    assert "Lever l'échéance" in html


def test_a_case_worker_has_no_waiver_to_decide():
    agency = AgencyFactory()
    user = UserFactory(role=Role.CASE_WORKER, agencies=[agency])
    add_deadline(
        DossierFactory(agency=agency, case_worker=user),
        DeadlineKind.AKTO_DEPOSIT,
        timezone.localdate(),
        status="breached",
    )
    assert dashboard_for(user).waivers == []  # the panel is not theirs, nor the right


def _opinion_asked(dossier, by, days_ago: int, comment=""):
    event = DossierEvent.objects.create(
        dossier=dossier,
        actor=by,
        transition="request_opinion",
        from_state=DossierState.DRAFT,
        to_state=DossierState.OPINION_REQUESTED,
        comment=comment,
    )
    asked = timezone.now() - dt.timedelta(days=days_ago)
    DossierEvent.objects.filter(pk=event.pk).update(created=asked)
    return asked


def test_the_fpett_advisor_sees_the_opinions_asked_oldest_first_with_the_notice(client):
    advisor = UserFactory(role=Role.FPETT_ADVISOR)
    asker = UserFactory(role=Role.CASE_WORKER, first_name="Nina")
    recent = DossierFactory(car=True, state=DossierState.OPINION_REQUESTED)
    old = DossierFactory(car=True, state=DossierState.OPINION_REQUESTED)
    DossierFactory(car=True, state=DossierState.OPINION_GIVEN)  # answered
    DossierFactory(cpi=True)  # not a CAR
    _opinion_asked(recent, asker, 2)
    _opinion_asked(old, asker, 9, comment="Merci de regarder vite.")
    notice = Notification.objects.create(
        recipient=advisor, dossier=old, kind="avis", level="info", message="Avis demandé"
    )
    asked = dashboard_for(advisor).opinions
    assert [row.dossier for row in asked] == [old, recent]
    assert asked[0].asked_by == str(asker) and asked[0].comment == "Merci de regarder vite."
    html = home(client, advisor)
    assert reverse("admin:notifications_notification_change", args=[notice.pk]) in html
    assert html.index(f"n° {old.pk}") < html.index(f"n° {recent.pk}")


def test_the_training_manager_sees_their_pro_a_dossiers():
    agency = AgencyFactory()
    user = UserFactory(role=Role.TRAINING_MANAGER, agencies=[agency])
    interim = DossierFactory(agency=agency, pro_a_interim=True)
    permanent = DossierFactory(agency=agency, pro_a_permanent=True)
    DossierFactory(agency=agency, cpi=True)
    DossierFactory(agency=AgencyFactory(), pro_a_permanent=True)
    assert set(dashboard_for(user).pro_a) == {interim, permanent}


def test_the_cpne_reporter_lands_on_the_reports(client):
    stored = StoredReport.objects.create(
        kind="cpne",
        period_code="2025",
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 12, 31),
        payload={},
    )
    html = home(client, UserFactory(role=Role.CPNE_REPORTER))
    assert reverse("admin:reports_storedreport_changelist") in html
    assert str(stored) in html
    assert "Mes dossiers à traiter" not in html


def test_the_administrator_lands_on_rule_sets_rates_accords_and_accounts(client):
    html = home(client, UserFactory(role=Role.ADMINISTRATOR))
    for name in (
        "accords_ruleset_changelist",
        "accords_fundingrate_changelist",
        "accords_accord_changelist",
        "cases_user_changelist",
    ):
        assert reverse(f"admin:{name}") in html


# Query budgets (README « Le bureau de chaque rôle »): a desk costs the same whatever it
# lists; the figures measured when they were set (SQLite), login and session included.
DESK_BUDGETS = {
    Role.CASE_WORKER: 10,
    Role.AGENCY_MANAGER: 12,
    Role.TRAINING_MANAGER: 10,
    Role.FPETT_ADVISOR: 9,
    Role.CPNE_REPORTER: 7,
    Role.ADMINISTRATOR: 7,
}


def _fill(role, agency, user, n: int) -> None:
    today = timezone.localdate()
    for _ in range(n):
        if role == Role.FPETT_ADVISOR:
            dossier = DossierFactory(car=True, state=DossierState.OPINION_REQUESTED)
            _opinion_asked(dossier, UserFactory(), 3)
            Notification.objects.create(
                recipient=user, dossier=dossier, kind="avis", level="info", message="Avis"
            )
            continue
        dossier = DossierFactory(
            agency=agency,
            case_worker=user if role == Role.CASE_WORKER else UserFactory(agencies=[agency]),
            pro_a_permanent=role == Role.TRAINING_MANAGER,
        )
        add_deadline(dossier, DeadlineKind.AKTO_DEPOSIT, today - dt.timedelta(days=1))
        add_deadline(dossier, DeadlineKind.AKTO_DECISION, today + dt.timedelta(days=2))
    if role == Role.CPNE_REPORTER:
        for year in range(2000 + 10 * n, 2000 + 11 * n):
            StoredReport.objects.create(
                kind="cpne",
                period_code=str(year),
                period_start=dt.date(year, 1, 1),
                period_end=dt.date(year, 12, 31),
                payload={},
            )


def _desk_queries(client, role, n: int) -> int:
    agency = AgencyFactory()
    user = UserFactory(role=role, agencies=[agency])
    _fill(role, agency, user, n)
    client.force_login(user)
    url = reverse("admin:index")
    client.get(url)  # warm the per-process caches
    with CaptureQueriesContext(connection) as page:
        assert client.get(url).status_code == 200
    return len(page)


@pytest.mark.parametrize("role", list(Role))
def test_each_desk_runs_a_fixed_number_of_queries(client, role):
    few, many = _desk_queries(client, role, 1), _desk_queries(client, role, 6)
    assert few == many, (few, many)
    assert many <= DESK_BUDGETS[role], many
