"""A CDPI and a CAR from their first step to « Clôturé » in a real browser, as each role that
acts on them, every document attached in the step that needs it (issue #17, « Done when »;
the CPI walk is tests/e2e/test_case_worker_day.py).

The live server runs on the real calendar: the dates are set relative to today so that every
guard passes legitimately — a contract begun in the spring, funds reserved and the FPE.TT
opinion given before it began, a training ended three weeks ago, missions after the training
that meet the obligation (recorded from the agency's back office).
"""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from cases.choices import DossierState, Role
from cases.models import Dossier
from notifications.models import Notification
from notifications.services.opinions import OPINION_REQUESTED
from tests.e2e.test_case_worker_day import fr, log_in
from tests.factories import AgencyFactory, DossierFactory, UserFactory, meet_obligations

pytestmark = pytest.mark.e2e
VALIDATE = 'input[type=submit][value="Valider l\'étape"]'


@pytest.fixture
def people(reference_data):
    agency = AgencyFactory(name="Agence Lyon Part-Dieu")
    return {
        "agency": agency,
        "camille": UserFactory(
            username="camille",
            role=Role.CASE_WORKER,
            agencies=[agency],
            first_name="Camille",
            last_name="Bernard",
        ),
        "sophie": UserFactory(
            username="sophie", role=Role.FPETT_ADVISOR, first_name="Sophie", last_name="Garnier"
        ),
    }


def planned(people, **traits) -> Dossier:
    """A dossier begun in the spring whose training ended three weeks ago, with missions
    after the training that meet its obligation."""
    today = timezone.localdate()
    dossier = DossierFactory(
        agency=people["agency"],
        case_worker=people["camille"],
        contract_start=today - dt.timedelta(days=240),
        training_end=today - dt.timedelta(days=21),
        **traits,
    )
    meet_obligations(dossier)
    return dossier


class Walk:
    """One person at the dossier page, running its steps with their forms and documents."""

    def __init__(self, page: Page, base: str, dossier: Dossier, tmp_path, shot):
        self.page, self.base, self.dossier, self.tmp, self.shot = (
            page,
            base,
            dossier,
            tmp_path,
            shot,
        )

    def as_(self, username: str) -> None:
        self.page.context.clear_cookies()
        log_in(self.page, self.base, username)
        self.page.goto(f"{self.base}/admin/cases/dossier/{self.dossier.pk}/change/")
        expect(self.page.locator("#dossier-header")).to_be_visible()

    def step(self, name: str, *, shot: str = "", documents=(), **fields: str) -> None:
        page = self.page
        button = page.locator(f"button[name=_fsm_transition_to][value={name}]")
        expect(button).to_be_enabled()
        button.click()
        if fields or documents:
            expect(page.locator(VALIDATE)).to_be_visible()
            for field, value in fields.items():
                page.fill(f"#id_{field}", value)
            for kind in documents:
                path = self.tmp / f"{kind}.pdf"
                path.write_bytes(b"%PDF-1.4 piece de test")
                page.set_input_files(f"#id_{kind}", str(path))
            if shot:
                self.shot(shot)
            page.click(VALIDATE)
        expect(page.locator(".messagelist .success")).to_contain_text("effectuée")

    @property
    def state(self) -> str:
        return Dossier.objects.get(pk=self.dossier.pk).state


def test_a_cdpi_from_the_reservation_to_closure(page: Page, live_server, people, shot, tmp_path):
    page.set_default_timeout(15000)
    dossier = planned(people, cdpi=True)
    start, today = dossier.contract_start, timezone.localdate()
    walk = Walk(page, live_server.url, dossier, tmp_path, shot)
    walk.as_("camille")
    expect(page.locator("#document-checklist")).to_contain_text("Demander la réservation")
    shot("30-cdpi-pieces-a-joindre")
    walk.step(
        "request_funds",
        shot="31-cdpi-demande-de-fonds-avec-pieces",
        documents=("programme", "quote", "calendar"),
        funds_requested_on=fr(start - dt.timedelta(days=40)),
    )
    walk.step(
        "reserve_funds",
        reserved_amount="6800",
        funds_reference="RES-2026-042",
        funds_reserved_on=fr(start - dt.timedelta(days=30)),
    )
    walk.step(
        "start_training",
        shot="32-cdpi-demarrage-lettre-de-mission",
        documents=("mission_letter",),
        training_started_on=fr(start),
    )
    walk.step("start_follow_up", training_ended_on=fr(today - dt.timedelta(days=21)))
    walk.step(
        "request_reimbursement",
        reimbursement_requested_on=fr(today),
        claimed_hours="300",
        claimed_amount="4200",
    )
    walk.step("close")
    assert walk.state == DossierState.CLOSED
    expect(page.locator(".dossier-header .state")).to_have_text("Clôturé")
    assert {d.kind for d in Dossier.objects.get(pk=dossier.pk).documents.all()} == {
        "programme",
        "quote",
        "calendar",
        "mission_letter",
    }
    shot("33-cdpi-cloture")


def test_a_car_with_the_fpett_opinion_to_closure(page: Page, live_server, people, shot, tmp_path):
    page.set_default_timeout(15000)
    dossier = planned(people, car=True)
    start, today = dossier.contract_start, timezone.localdate()
    walk = Walk(page, live_server.url, dossier, tmp_path, shot)

    # The case worker asks the opinion, with the programme, the quote and the calendar.
    walk.as_("camille")
    walk.step(
        "request_opinion",
        shot="40-car-demande-avis-avec-pieces",
        documents=("programme", "quote", "calendar"),
    )
    assert walk.state == DossierState.OPINION_REQUESTED
    notice = Notification.objects.get(recipient=people["sophie"], kind=OPINION_REQUESTED)
    assert notice.dossier_id == dossier.pk

    # The FPE.TT advisor gives the favourable opinion with its document.
    walk.as_("sophie")
    expect(page.locator("#steps")).to_contain_text("Enregistrer l'avis défavorable")
    walk.step(
        "give_opinion",
        shot="41-car-avis-favorable-avec-document",
        documents=("fpett_opinion",),
        opinion_date=fr(start - dt.timedelta(days=30)),
        comment="Projet de reconversion cohérent.",
    )
    assert walk.state == DossierState.OPINION_GIVEN
    given = Dossier.objects.get(pk=dossier.pk)
    assert given.events.get(transition="give_opinion").actor == people["sophie"]
    assert given.documents.get(kind="fpett_opinion").uploaded_by == people["sophie"]
    expect(page.locator("#steps")).to_have_count(0)  # nothing left for the advisor

    # The case worker files with AKTO and follows the contract to its end.
    walk.as_("camille")
    walk.step(
        "submit",
        shot="42-car-depot-lettre-de-mission",
        documents=("mission_letter",),
        deposit_date=fr(start - dt.timedelta(days=20)),
        akto_reference="AKTO-2026-CAR-7",
    )
    walk.step("accept", akto_decision_date=fr(start - dt.timedelta(days=10)))
    walk.step("start_training", training_started_on=fr(start))
    walk.step("start_follow_up", training_ended_on=fr(today - dt.timedelta(days=21)))
    walk.step(
        "request_reimbursement",
        reimbursement_requested_on=fr(today),
        claimed_hours="300",
        claimed_amount="4200",
    )
    walk.step("close")
    assert walk.state == DossierState.CLOSED
    expect(page.locator(".dossier-header .state")).to_have_text("Clôturé")
    shot("43-car-cloture")


def test_an_unfavourable_opinion_stops_the_car_with_its_reason(
    page: Page, live_server, people, shot, tmp_path
):
    page.set_default_timeout(15000)
    dossier = DossierFactory(
        car=True,
        agency=people["agency"],
        state=DossierState.OPINION_REQUESTED,
        worker__last_name="Lambert",
    )
    walk = Walk(page, live_server.url, dossier, tmp_path, shot)
    walk.as_("sophie")
    reason = "Le métier visé ne constitue pas une reconversion."
    walk.step(
        "refuse_opinion",
        shot="44-car-avis-defavorable",
        documents=("fpett_opinion",),
        opinion_date=fr(timezone.localdate()),
        comment=reason,
    )
    assert walk.state == DossierState.CANCELLED
    assert (
        Dossier.objects.get(pk=dossier.pk).events.get(transition="refuse_opinion").actor
        == people["sophie"]
    )
    expect(page.locator(".dossier-header .state")).to_have_text("Annulé")
    expect(page.locator("#stop-reason")).to_contain_text(f"Avis FPE.TT défavorable : {reason}")
    expect(page.locator("#timeline")).to_contain_text(reason)
    shot("45-car-arrete-motif")
