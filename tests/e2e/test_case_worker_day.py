"""A case worker's day in a real browser: a CPI from the first plan to its closure."""

import datetime as dt
import re
import zipfile

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from cases.choices import DeadlineKind, DossierState, Role
from cases.models import Deadline, Dossier
from tests.factories import (
    AgencyFactory,
    ClientCompanyFactory,
    DossierFactory,
    UserFactory,
    WorkerFactory,
)

pytestmark = pytest.mark.e2e
PASSWORD = "motdepasse-de-test-42"
DOCUMENTS = {
    "programme": "Programme de formation",
    "calendar": "Calendrier de l'alternance",
    "quote": "Devis de l'organisme de formation",
    "cerfa": "CERFA signé",
    "mission_letter": "Lettre de mission / contrat de mission-formation",
}


@pytest.fixture
def world(reference_data):
    mine, other = AgencyFactory(name="Agence Lyon Part-Dieu"), AgencyFactory(name="Agence Nantes")
    user = UserFactory(
        username="camille", role=Role.CASE_WORKER, agencies=[mine], last_name="Bernard"
    )
    worker = WorkerFactory(
        agency=mine, last_name="Moreau", first_name="Léa", birth_date=dt.date(2004, 5, 14)
    )
    company = ClientCompanyFactory(name="Logistique Rhône")
    foreign = DossierFactory(agency=other, worker__last_name="Invisible")
    late = DossierFactory(agency=mine, case_worker=user, worker__last_name="Petit")
    due = timezone.localdate() - dt.timedelta(days=2)
    Deadline.objects.create(
        dossier=late,
        kind=DeadlineKind.AKTO_DEPOSIT,
        label=DeadlineKind.AKTO_DEPOSIT.label,
        due=due,
        safe_date=due,
        source="003 — fiche CPI",
    )
    return {"user": user, "agency": mine, "worker": worker, "company": company, "foreign": foreign}


def fr(day: dt.date) -> str:
    return f"{day:%d/%m/%Y}"


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#dashboard")).to_be_visible()


def run_step(page: Page, name: str, **fields: str) -> None:
    """Click a step button; fill and validate its small form when it has one."""
    page.click(f"button[name=_fsm_transition_to][value={name}]")
    if fields:
        expect(page.locator('form input[type=submit][value="Valider l\'étape"]')).to_be_visible()
        for field, value in fields.items():
            page.fill(f"#id_{field}", value)
        page.click('input[type=submit][value="Valider l\'étape"]')
    expect(page.locator(".messagelist .success")).to_contain_text("effectuée")


def choose(page: Page, field: str, typed: str, choice: str) -> None:
    """Pick `choice` in an autocomplete field (Select2) after typing `typed` in its search."""
    page.click(f"#id_{field} + .select2 .select2-selection")
    page.fill(".select2-container--open .select2-search__field", typed)
    page.click(f".select2-results__option:has-text('{choice}')")
    expect(page.locator(f"#select2-id_{field}-container")).to_contain_text(choice)


def state_of(dossier_id: int) -> str:
    return Dossier.objects.get(pk=dossier_id).state


def test_a_cpi_from_plan_to_closure(page: Page, live_server, world, shot, tmp_path):
    page.set_default_timeout(15000)
    base = live_server.url
    today = timezone.localdate()
    start = today - dt.timedelta(days=1)

    log_in(page, base, "camille")
    expect(page.locator("#my-actions table.group-overdue")).to_contain_text("PETIT")
    shot("01-tableau-de-bord")

    # A guided plan: the rules answer as it is typed; 100 h of training is below the minimum.
    page.goto(f"{base}/admin/cases/dossier/add/")
    page.select_option("#id_dispositif", "CPI")
    page.select_option("#id_agency", str(world["agency"].pk))
    choose(page, "worker", "Moreau", "MOREAU Léa")
    page.select_option("#id_case_worker", str(world["user"].pk))
    page.fill("#id_contract_start", fr(start))
    page.fill("#id_contract_end", fr(start + dt.timedelta(days=364)))
    page.fill("#id_training_start", fr(start))
    page.fill("#id_training_end", fr(start + dt.timedelta(days=350)))
    page.fill("#id_certification_code", "RNCP34860")
    page.fill("#id_certification_title", "Préparateur de commandes")
    page.fill("#id_agency_tutor", "Claire Tuteur")
    page.fill("#id_eu_tutor", "Marc Tuteur")
    page.fill("#id_planned_training_hours", "100")
    preview = page.locator("#plan-preview-body")
    expect(preview.locator("[data-code=training_hours_below_minimum]")).to_be_visible()
    expect(preview).to_contain_text("Échéances que le plan créera")
    expect(preview).to_contain_text("Dépôt")
    shot("02-creation-plan-point-bloquant")
    page.click("input[name=_continue]")
    dossier_id = Dossier.objects.get(worker=world["worker"]).pk

    # On the dossier page the filing steps are greyed, with the reason.
    blocked = page.locator("button[value=request_funds]")
    expect(blocked).to_be_disabled()
    expect(page.locator("#steps")).to_contain_text("150")
    expect(page.locator("#findings-panel")).to_contain_text("Bloquant")
    shot("03-dossier-etape-grisee")

    # Fix the plan: 400 h.
    page.fill("#id_planned_training_hours", "400")
    page.click("input[name=_continue]")
    expect(page.locator("button[value=request_funds]")).to_be_enabled()
    shot("04-plan-corrige")

    run_step(page, "request_funds", funds_requested_on=fr(today))
    run_step(
        page,
        "reserve_funds",
        reserved_amount="5600",
        funds_reference="RES-2026-001",
        funds_reserved_on=fr(today),
    )
    assert state_of(dossier_id) == DossierState.FUNDS_RESERVED
    shot("05-fonds-reserves")

    # The deposit asks for its documents in its own form; the AKTO package refuses without them.
    expect(page.locator("button[value=submit]")).to_be_enabled()
    expect(page.locator("#document-checklist")).to_contain_text("à joindre dans le formulaire")
    page.click("a.akto-package")
    expect(page.locator(".messagelist .error")).to_contain_text("pièce(s) manquante(s)")
    shot("06-paquet-akto-refuse")

    # A step form refuses bad input in French and changes nothing.
    page.click("button[name=_fsm_transition_to][value=submit]")
    page.fill("#id_deposit_date", "32/13/2026")
    page.fill("#id_akto_reference", "")
    page.click('input[type=submit][value="Valider l\'étape"]')
    expect(page.locator(".errorlist").first).to_be_visible()
    expect(page.locator("body")).to_contain_text("Saisissez une date valide.")
    expect(page.locator("body")).to_contain_text("Ce champ est obligatoire.")
    expect(page.locator("body")).to_contain_text("Pièce manquante pour cette étape : CERFA signé.")
    shot("08-formulaire-refuse")
    assert state_of(dossier_id) == DossierState.FUNDS_RESERVED
    page.fill("#id_deposit_date", fr(today))
    page.fill("#id_akto_reference", "AKTO-2026-000123")
    for kind in DOCUMENTS:
        document = tmp_path / f"{kind}.pdf"
        document.write_bytes(b"%PDF-1.4 piece de test")
        page.set_input_files(f"#id_{kind}", str(document))
    shot("07-depot-avec-pieces")
    page.click('input[type=submit][value="Valider l\'étape"]')
    expect(page.locator(".messagelist .success")).to_contain_text("effectuée")
    assert state_of(dossier_id) == DossierState.SUBMITTED
    with page.expect_download() as download_info:
        page.click("a.akto-package")
    package = tmp_path / "depot.zip"
    download_info.value.save_as(package)
    assert "00-synthese.pdf" in zipfile.ZipFile(package).namelist()
    shot("09-depose-akto")

    run_step(page, "accept", akto_decision_date=fr(today))
    run_step(page, "start_training", training_started_on=fr(start))
    assert state_of(dossier_id) == DossierState.IN_TRAINING

    # Missions alternate with the training.
    page.click("#missions-group .add-row a")
    page.select_option("#id_missions-0-client_company", str(world["company"].pk))
    page.fill("#id_missions-0-start", fr(start))
    page.fill("#id_missions-0-end", fr(start + dt.timedelta(days=20)))
    page.fill("#id_missions-0-hours", "105")
    page.click("input[name=_continue]")
    expect(page.locator("#timeline")).to_contain_text("Mission : Logistique Rhône")
    shot("10-missions")

    # The training ended early: its actual end is today (never a date in the future).
    run_step(page, "start_follow_up", training_ended_on=fr(today))
    run_step(
        page,
        "request_reimbursement",
        reimbursement_requested_on=fr(today),
        claimed_hours="400",
        claimed_amount="6800",
    )
    run_step(page, "close")
    assert state_of(dossier_id) == DossierState.CLOSED
    expect(page.locator(".dossier-header .state")).to_have_text("Clôturé")
    shot("11-cloture")

    page.goto(f"{base}/admin/")
    shot("12-tableau-de-bord-fin")


def test_another_agencys_dossier_is_invisible(page: Page, live_server, world, shot):
    page.set_default_timeout(15000)
    base = live_server.url
    log_in(page, base, "camille")
    mine = DossierFactory(agency=world["agency"], worker=world["worker"])
    page.goto(f"{base}/admin/cases/dossier/")
    expect(page.locator("#result_list")).to_contain_text("MOREAU")
    expect(page.locator("#result_list")).not_to_contain_text("INVISIBLE")
    shot("13-liste-des-dossiers")
    page.goto(f"{base}/admin/cases/dossier/{world['foreign'].pk}/change/")
    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.locator(".messagelist")).to_contain_text("existe pas")
    shot("14-dossier-autre-agence-invisible")
    page.goto(f"{base}/admin/cases/dossier/{mine.pk}/change/")
    expect(page.locator("#dossier-header")).to_contain_text("Brouillon")
