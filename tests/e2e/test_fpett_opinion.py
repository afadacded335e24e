"""The FPE.TT advisor records the opinion on a CAR from its page, in a real browser.

Advisors only view dossiers: the step button must run the step by its own roles (through the
service), never answer with the change permission's bare « 403 Forbidden ».
"""

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from cases.choices import DossierState, Role
from cases.models import Dossier
from tests.e2e.test_case_worker_day import fr, log_in
from tests.factories import AgencyFactory, DossierFactory, UserFactory

pytestmark = pytest.mark.e2e


@pytest.fixture
def car(reference_data):
    UserFactory(username="sophie", role=Role.FPETT_ADVISOR, last_name="Garnier")
    return DossierFactory(
        car=True,
        agency=AgencyFactory(name="Agence Lille"),
        state=DossierState.OPINION_REQUESTED,
        worker__last_name="Lambert",
    )


def open_dossier(page: Page, base: str, dossier: Dossier) -> None:
    page.goto(f"{base}/admin/cases/dossier/{dossier.pk}/change/")
    expect(page.locator("#dossier-header")).to_contain_text("Avis FPE.TT demandé")


def test_the_advisor_records_the_favourable_opinion_with_the_button(
    page: Page, live_server, car, shot, tmp_path
):
    page.set_default_timeout(15000)
    base = live_server.url
    log_in(page, base, "sophie")
    open_dossier(page, base, car)
    expect(page.locator("#steps button")).to_have_count(3)  # favourable, unfavourable, cancel
    shot("19-avis-fpett-bouton")

    page.click("button[name=_fsm_transition_to][value=give_opinion]")
    expect(page.locator("h1")).to_have_text("Enregistrer l'avis favorable")
    page.fill("#id_opinion_date", fr(timezone.localdate()))
    opinion = tmp_path / "avis.pdf"
    opinion.write_bytes(b"%PDF-1.4 avis favorable")
    page.set_input_files("#id_fpett_opinion", str(opinion))  # the opinion's document
    page.click('input[type=submit][value="Valider l\'étape"]')

    expect(page.locator(".messagelist .success")).to_contain_text(
        "Étape « Enregistrer l'avis favorable » effectuée."
    )
    expect(page.locator("body")).not_to_contain_text("Forbidden")
    expect(page.locator("#dossier-header")).to_contain_text("Avis FPE.TT favorable")
    car.refresh_from_db()
    assert car.state == DossierState.OPINION_GIVEN
    assert car.events.get(transition="give_opinion").actor.username == "sophie"
    shot("20-avis-fpett-enregistre")


def test_a_refused_step_is_a_french_message_on_the_dossier_page(page: Page, live_server, car, shot):
    page.set_default_timeout(15000)
    base = live_server.url
    log_in(page, base, "sophie")
    open_dossier(page, base, car)
    # Meanwhile the opinion is recorded by someone else: the button is now stale.
    Dossier.objects.filter(pk=car.pk).update(
        state=DossierState.OPINION_GIVEN, opinion_date=timezone.localdate()
    )

    page.click("button[name=_fsm_transition_to][value=give_opinion]")

    expect(page).to_have_url(f"{base}/admin/cases/dossier/{car.pk}/change/")
    expect(page.locator(".messagelist .error")).to_contain_text(
        "« Enregistrer l'avis favorable » n'est pas possible pour un dossier CAR à l'état "
        "« Avis FPE.TT favorable »."
    )
    expect(page.locator("body")).not_to_contain_text("Forbidden")
    expect(page.locator("#steps")).to_have_count(0)  # nothing left for the advisor to do
    shot("21-avis-fpett-refus-en-francais")
