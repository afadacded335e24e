"""The case worker's day in the admin: dashboard, list, dossier page, AKTO package, preview."""

import datetime as dt
import io
import zipfile
from html import unescape

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.choices import DeadlineKind, DocumentStatus, DossierState, Role
from cases.models import Deadline, Document, DocumentRequirement
from cases.reference import load_document_requirements
from notifications.models import Notification
from tests.factories import AgencyFactory, DossierFactory, UserFactory, WorkerFactory


@pytest.fixture
def setup(db):
    load_document_requirements()
    mine, other = AgencyFactory(), AgencyFactory()
    user = UserFactory(role=Role.CASE_WORKER, agencies=[mine])
    return user, mine, other


@pytest.fixture
def logged_in(client, setup):
    client.force_login(setup[0])
    return client


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


def test_the_dashboard_groups_my_deadlines_by_urgency(logged_in, setup):
    user, mine, other = setup
    today = timezone.localdate()
    late = DossierFactory(agency=mine, case_worker=user, worker__last_name="Retard")
    soon = DossierFactory(agency=mine, case_worker=user, worker__last_name="Bientot")
    week = DossierFactory(agency=mine, case_worker=user, worker__last_name="Semaine")
    foreign = DossierFactory(agency=other, worker__last_name="Ailleurs")
    add_deadline(late, DeadlineKind.AKTO_DEPOSIT, today - dt.timedelta(days=2))
    add_deadline(soon, DeadlineKind.AKTO_DECISION, today + dt.timedelta(days=2))
    add_deadline(week, DeadlineKind.MISSION_OBLIGATION, today + dt.timedelta(days=6))
    add_deadline(foreign, DeadlineKind.AKTO_DEPOSIT, today)
    Notification.objects.create(recipient=user, kind="d-3", level="warning", message="Relance")
    page = logged_in.get(reverse("admin:index"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Mes dossiers à traiter" in html
    overdue = html.index("En retard")
    soon_at = html.index("Dans les 3 jours")
    week_at = html.index("Cette semaine")
    assert overdue < html.index("RETARD") < soon_at < html.index("BIENTOT") < week_at
    assert html.index("SEMAINE") > week_at
    assert "AILLEURS" not in html
    assert "Préparer et déposer le dossier à l&#x27;AKTO" in html
    assert "Relance" in html and "Dossiers par état" in html
    assert "Charge de l" not in html  # the team panel is for managers


def test_an_agency_manager_sees_the_team_load(client, setup):
    user, mine, _ = setup
    manager = UserFactory(role=Role.AGENCY_MANAGER, agencies=[mine], first_name="Paule")
    dossier = DossierFactory(agency=mine, case_worker=user)
    add_deadline(dossier, DeadlineKind.AKTO_DEPOSIT, timezone.localdate() - dt.timedelta(days=1))
    client.force_login(manager)
    html = client.get(reverse("admin:index")).content.decode()
    assert "Charge de l'équipe" in html
    assert str(user) in html and 'badge-overdue">1<' in html


def test_the_list_shows_badges_filters_and_costs_a_fixed_number_of_queries(logged_in, setup):
    user, mine, _ = setup
    today = timezone.localdate()
    for n in range(3):
        dossier = DossierFactory(agency=mine, case_worker=user)
        add_deadline(dossier, DeadlineKind.AKTO_DEPOSIT, today - dt.timedelta(days=n))
    url = reverse("admin:cases_dossier_changelist")
    logged_in.get(url)
    with CaptureQueriesContext(connection) as few:
        logged_in.get(url)
    for _ in range(5):
        DossierFactory(agency=mine)
    with CaptureQueriesContext(connection) as more:
        page = logged_in.get(url)
    assert len(more) == len(few)
    assert not any("COUNT(*)" in q["sql"] and "LIMIT" not in q["sql"] for q in more)
    html = page.content.decode()
    assert "badge-overdue" in html and "state-draft" in html
    assert "à déposer" in html and "en retard" in html and "obligation de mission à risque" in html
    late = logged_in.get(url, {"en_retard": "1"}).context["cl"].result_list
    assert len(late) == 2
    to_file = logged_in.get(url, {"a_deposer": "1"}).context["cl"].result_list
    assert len(to_file) == 3


def test_the_nir_search_is_exact(logged_in, setup):
    _, mine, _ = setup
    body = "1030575123456"
    worker = WorkerFactory(agency=mine, nir=f"{body}{97 - int(body) % 97:02d}")
    DossierFactory(agency=mine, worker=worker)
    url = reverse("admin:cases_dossier_changelist")
    assert len(logged_in.get(url, {"q": worker.nir}).context["cl"].result_list) == 1
    assert len(logged_in.get(url, {"q": worker.nir[:7]}).context["cl"].result_list) == 0


def test_the_dossier_page_lists_missing_documents_and_the_step_asks_them(logged_in, setup):
    """A missing document no longer greys the step: the step's form asks for the file."""
    _, mine, _ = setup
    dossier = DossierFactory(cpi=True, agency=mine)
    html = logged_in.get(reverse("admin:cases_dossier_change", args=[dossier.pk])).content.decode()
    assert 'id="dossier-header"' in html and "Brouillon" in html
    assert 'id="findings-panel"' in html and "(source :" in html
    assert 'id="document-checklist"' in html and "CERFA signé" in html
    assert 'id="timeline"' in html and "Début du contrat" in html
    submit = html[html.index('value="submit"') - 120 : html.index('value="submit"')]
    assert "disabled" not in submit
    assert "Pièce manquante pour cette étape : CERFA signé." in html
    assert "à joindre dans le formulaire de l'étape" in html
    # The finding says where the file goes and is not called « Bloquant »: the step is open.
    panel = html[html.index('id="findings-panel"') : html.index('id="document-checklist"')]
    row = panel[panel.rindex("<li", 0, panel.index("CERFA signé")) :]
    row = unescape(row[: row.index("</li>")])
    assert "<strong>À joindre</strong>" in row and "Bloquant" not in row
    assert "Joignez-la avec l'étape « Déposer à l'AKTO »" in row


def test_the_dossier_page_greys_a_blocked_step_with_its_reason(logged_in, setup):
    _, mine, _ = setup
    dossier = DossierFactory(cdpi=True, agency=mine, state="reimbursement_requested")
    html = logged_in.get(reverse("admin:cases_dossier_change", args=[dossier.pk])).content.decode()
    close = html[html.index('value="close"') - 120 : html.index('value="close"')]
    assert "disabled" in close
    assert "Le dossier ne peut pas être clôturé" in html
    cancel = html[html.index('value="cancel"') - 120 : html.index('value="cancel"')]
    assert "disabled" not in cancel


def _upload_required(dossier, transition="submit"):
    for req in DocumentRequirement.objects.filter(
        dispositif=dossier.dispositif, transition=transition, only_with_afest=False
    ):
        Document.objects.create(
            dossier=dossier,
            kind=req.kind,
            status=DocumentStatus.RECEIVED,
            file=ContentFile(b"%PDF-1.4 test", name=f"{req.kind}.pdf"),
        )


def test_the_akto_package_refuses_while_a_document_is_missing(logged_in, setup):
    _, mine, _ = setup
    dossier = DossierFactory(cpi=True, agency=mine)
    url = reverse("admin:cases_dossier_akto_package", args=[dossier.pk])
    response = logged_in.get(url, follow=True)
    assert "paquet de dépôt AKTO ne peut pas être préparé" in response.content.decode()
    assert "CERFA signé" in response.content.decode()


def test_the_akto_package_holds_the_summary_and_the_documents(logged_in, setup):
    _, mine, _ = setup
    dossier = DossierFactory(cpi=True, agency=mine)
    _upload_required(dossier)
    response = logged_in.get(reverse("admin:cases_dossier_akto_package", args=[dossier.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = archive.namelist()
    assert "00-synthese.pdf" in names
    assert archive.read("00-synthese.pdf").startswith(b"%PDF")
    expected = DocumentRequirement.objects.filter(
        dispositif=dossier.dispositif, transition="submit", only_with_afest=False
    ).count()
    assert len(names) == expected + 1


def test_another_agencys_package_is_not_found(logged_in, setup):
    _, _, other = setup
    dossier = DossierFactory(agency=other)
    response = logged_in.get(reverse("admin:cases_dossier_akto_package", args=[dossier.pk]))
    assert response.status_code in (302, 404)
    assert response.get("Content-Type") != "application/zip"


def test_the_add_form_previews_the_plan(logged_in, setup):
    _, mine, _ = setup
    worker = WorkerFactory(agency=mine, birth_date=dt.date(2004, 5, 1), employment="CTT")
    url = reverse("admin:cases_dossier_plan_preview")
    page = logged_in.get(reverse("admin:cases_dossier_add")).content.decode()
    assert 'id="plan-preview"' in page
    incomplete = logged_in.post(url, {"dispositif": "CPI"}).content.decode()
    assert "renseignez encore" in incomplete
    plan = {
        "dispositif": "CPI",
        "agency": mine.pk,
        "worker": worker.pk,
        "contract_start": "02/03/2026",
        "contract_end": "01/03/2027",
        "training_start": "02/03/2026",
        "training_end": "15/02/2027",
        "planned_training_hours": "100",
        "agency_tutor": "A",
        "eu_tutor": "B",
    }
    low = logged_in.post(url, plan).content.decode()
    assert "training_hours_below_minimum" in low and "Bloquant" in low
    assert "Échéances que le plan créera" in low and "Dépôt" in low
    plan["planned_training_hours"] = "400"
    ok = logged_in.post(url, plan).content.decode()
    assert "training_hours_below_minimum" not in ok
    assert "Financement estimé" in ok


def test_a_closed_dossier_page_still_renders(logged_in, setup):
    _, mine, _ = setup
    dossier = DossierFactory(cpi=True, agency=mine, state=DossierState.CLOSED)
    response = logged_in.get(reverse("admin:cases_dossier_change", args=[dossier.pk]))
    assert response.status_code == 200


def test_a_big_list_is_counted_up_to_a_cap_and_keeps_its_order(logged_in, setup, monkeypatch):
    from django.contrib import admin

    from cases.admin.changelist import CappedCountPaginator
    from cases.models import Dossier

    _, mine, _ = setup
    monkeypatch.setattr(CappedCountPaginator, "CAP", 3)
    monkeypatch.setattr(admin.site._registry[Dossier], "list_per_page", 2)
    made = [
        DossierFactory(agency=mine, contract_start=dt.date(2026, 1, day)) for day in (5, 9, 7, 1)
    ]
    page = logged_in.get(reverse("admin:cases_dossier_changelist"))
    assert "Plus de 3 dossiers" in page.content.decode()
    shown = [d.pk for d in page.context["cl"].result_list]
    assert shown == [made[1].pk, made[2].pk]
    second = logged_in.get(reverse("admin:cases_dossier_changelist"), {"p": "2"})
    assert [d.pk for d in second.context["cl"].result_list] == [made[0].pk]


def test_the_add_form_is_a_plan_without_step_data(logged_in, setup):
    html = logged_in.get(reverse("admin:cases_dossier_add")).content.decode()
    assert 'name="contract_start"' in html and "AKTO et financement" not in html
    assert "missions-TOTAL_FORMS" not in html
