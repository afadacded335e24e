"""The agency manager's view of the team, and an administrator correcting a rule set, in a
real browser (screenshots 15 to 18)."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accords.models import RuleSet
from cases.choices import DeadlineKind, DeadlineStatus, Dispositif, Role
from cases.models import Deadline
from tests.e2e.test_case_worker_day import log_in
from tests.factories import AgencyFactory, DossierFactory, UserFactory, WorkerFactory

pytestmark = pytest.mark.e2e
MONTHS = "janvier février mars avril mai juin juillet août septembre octobre novembre décembre"
MONTHS = MONTHS.split()


def add_deadline(dossier, kind, due, status=DeadlineStatus.OPEN):
    Deadline.objects.create(
        dossier=dossier,
        kind=kind,
        label=DeadlineKind(kind).label,
        due=due,
        safe_date=due,
        source="003 — fiche CPI",
        status=status,
    )


@pytest.fixture
def team(reference_data):
    agency = AgencyFactory(name="Agence Lyon Part-Dieu")
    UserFactory(
        username="nadia",
        role=Role.AGENCY_MANAGER,
        agencies=[agency],
        first_name="Nadia",
        last_name="Lefèvre",
    )
    camille = UserFactory(
        username="camille", agencies=[agency], first_name="Camille", last_name="Bernard"
    )
    julien = UserFactory(
        username="julien", agencies=[agency], first_name="Julien", last_name="Roux"
    )
    UserFactory(username="ines", agencies=[agency], first_name="Inès", last_name="Roy")
    today = timezone.localdate()

    def dossier(case_worker, last_name):
        worker = WorkerFactory(agency=agency, last_name=last_name, first_name="Léa")
        return DossierFactory(cpi=True, agency=agency, worker=worker, case_worker=case_worker)

    moreau, petit, garnier = (dossier(camille, name) for name in ("Moreau", "Petit", "Garnier"))
    add_deadline(moreau, DeadlineKind.AKTO_DEPOSIT, today - dt.timedelta(days=2))
    add_deadline(petit, DeadlineKind.AKTO_DEPOSIT, today + dt.timedelta(days=2))
    add_deadline(garnier, DeadlineKind.AKTO_DEPOSIT, today + dt.timedelta(days=20))
    faure, leroy = dossier(julien, "Faure"), dossier(julien, "Leroy")
    add_deadline(faure, DeadlineKind.AKTO_DEPOSIT, today - dt.timedelta(days=5))
    add_deadline(
        leroy, DeadlineKind.FUND_RESERVATION, today - dt.timedelta(days=1), DeadlineStatus.BREACHED
    )
    add_deadline(leroy, DeadlineKind.AKTO_DEPOSIT, today + dt.timedelta(days=1))
    add_deadline(dossier(None, "Blanc"), DeadlineKind.AKTO_DEPOSIT, today - dt.timedelta(days=1))
    return {"julien": julien}


def test_an_agency_manager_sees_the_load_and_the_overdue_items_of_the_team(
    page: Page, live_server, team, shot
):
    page.set_default_timeout(15000)
    log_in(page, live_server.url, "nadia")
    panel = page.locator("#team-load")
    expect(panel).to_contain_text("Charge de l'équipe")
    expect(panel).to_contain_text("Échéances en retard")
    expect(panel).to_contain_text("Échéances dans les 3 jours")
    julien = panel.locator(f"tr[data-case-worker='{team['julien'].pk}']")
    expect(julien.locator("td")).to_have_text(["Julien Roux", "2", "2", "1"])
    expect(panel.locator("tbody tr").first).to_contain_text("Julien Roux")  # most overdue first
    expect(panel).to_contain_text("Camille Bernard")
    expect(panel.locator("tr", has_text="Inès Roy").locator("td")).to_have_text(
        ["Inès Roy", "0", "0", "0"]
    )
    expect(panel.locator("tr", has_text="Non attribué").locator("td")).to_have_text(
        ["Non attribué", "1", "1", "0"]
    )
    overdue = page.locator("#my-actions table.group-overdue")
    expect(overdue).to_contain_text("FAURE")
    expect(overdue).to_contain_text("Julien Roux")  # the manager sees who holds each item
    expect(overdue).to_contain_text("Non attribué")
    shot("15-charge-de-l-equipe")

    julien.locator("a .badge-overdue").click()
    expect(page).to_have_url(re.compile(r"en_retard=1"))
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(2)
    expect(page.locator("#result_list")).to_contain_text("FAURE")
    expect(page.locator("#result_list")).to_contain_text("LEROY")
    expect(page.locator("#result_list")).not_to_contain_text("MOREAU")
    expect(page.locator("#changelist-filter")).to_contain_text("en retard")
    shot("16-dossiers-en-retard-d-un-charge")


def test_an_administrator_corrects_a_rule_set_and_reads_its_history(
    page: Page, live_server, reference_data, shot
):
    page.set_default_timeout(15000)
    UserFactory(
        username="admin-regles",
        role=Role.ADMINISTRATOR,
        first_name="Hélène",
        last_name="Garcia",
    )
    rule_set = RuleSet.objects.filter(dispositif=Dispositif.CPI).order_by("-valid_from").first()
    before = rule_set.parameters["training_hours"]["min"]
    log_in(page, live_server.url, "admin-regles")

    page.goto(f"{live_server.url}/admin/accords/ruleset/")
    page.locator("#result_list tr", has_text=rule_set.name).locator("th a").first.click()
    # One field per parameter, with its French label and its source (no raw JSON).
    expect(page.locator("#id_parameters")).to_have_count(0)
    expect(page.locator("label[for=id_training_hours__min]")).to_contain_text("minimum (h)")
    expect(page.locator("#id_training_hours__source")).not_to_be_empty()
    page.fill("#id_training_hours__min", "175")
    page.fill("#id_notes", "Minimum de formation relevé à 175 h (avenant de test).")
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist .success")).to_contain_text("modifié avec succès")
    expect(page.locator("#id_training_hours__min")).to_have_value("175")
    shot("17-jeu-de-regles-modifie")
    rule_set.refresh_from_db()
    assert rule_set.parameters["training_hours"]["min"] == "175"

    page.locator(".object-tools a.historylink").click()
    expect(page).to_have_url(re.compile(rf"/admin/accords/ruleset/{rule_set.pk}/history/$"))
    history = page.locator("#change-history")
    expect(history.locator("thead")).to_contain_text("Modifications")
    latest = history.locator("tbody tr").first
    expect(latest).to_contain_text("Hélène Garcia")
    expect(latest).to_contain_text("Modifié")
    expect(latest).to_contain_text(f"Paramètres › Heures de formation › minimum : {before}")
    expect(latest).to_contain_text("175")
    expect(latest).to_contain_text("Minimum de formation relevé à 175 h")
    today = timezone.localdate()
    expect(latest).to_contain_text(f"{today.day} {MONTHS[today.month - 1]} {today.year}")
    expect(page.locator("#content")).not_to_contain_text("Changes")
    expect(page.locator("#content")).not_to_contain_text("None")
    shot("18-historique-jeu-de-regles")
