"""The funding ledger fed by the steps (issue 15, « Money follows the flows »).

Sources: 003 — fiches CIPI, CDPI (funds reserved by AKTO, then reimbursed on request);
DOMAIN.md §6 (hourly forfaits); the product's rules where the texts are silent (a payment
comes after its claim, in one or several parts; a claim above the reservation or a payment
above the claim is recorded, and flagged).
"""

import datetime as dt
import importlib
from decimal import Decimal as D

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from accords.reference_rules import load_rule_sets
from cases.choices import DocumentKind, DocumentStatus, DossierEventKind, Role
from cases.choices import DossierState as S
from cases.exceptions import DossierForbidden, DossierNotFound, PaymentInvalid, TransitionInvalid
from cases.ledger import dossier_ledger, funding_line_add, ledger_findings, ledger_summary
from cases.models import Document, FundingLine
from cases.reference import load_document_requirements
from cases.services import dossier_create, dossier_run_transition, dossier_update, payment_record
from tests.factories import AgencyFactory, DossierFactory, UserFactory

# A contract whose training is over on any day these tests run.
START = dt.date(2025, 1, 6)
CLAIM_DAY = dt.date(2026, 2, 2)


@pytest.fixture
def case_worker(db):
    load_document_requirements()
    return UserFactory(role=Role.CASE_WORKER, agencies=[])


def cdpi(case_worker, state, **kwargs):
    dossier = DossierFactory(cdpi=True, contract_start=START, state=state, provide_documents=True)
    case_worker.agencies.add(dossier.agency)
    return dossier


def follow_up(dossier, case_worker):
    """« Passer au suivi des missions », recording the training's actual end (its planned one)."""
    dossier_run_transition(
        dossier_id=dossier.pk,
        name="start_follow_up",
        by=case_worker,
        data={"training_ended_on": dossier.training_end.isoformat()},
    )


def claimed(case_worker, amount=D("4200.00"), hours=D("300")):
    """A CDPI whose reimbursement was requested through the step."""
    dossier = cdpi(case_worker, S.MISSION_FOLLOW_UP)
    dossier_run_transition(
        dossier_id=dossier.pk,
        name="request_reimbursement",
        by=case_worker,
        data={
            "reimbursement_requested_on": CLAIM_DAY.isoformat(),
            "claimed_hours": str(hours),
            "claimed_amount": str(amount),
        },
    )
    return dossier


def lines(dossier, kind):
    return list(dossier.funding_lines.filter(kind=kind).order_by("pk"))


# --- The steps write their line -------------------------------------------------------------


def test_the_reservation_step_writes_its_line(case_worker):
    """003, fiche CDPI: AKTO reserves the funds; the step records amount, reference and date,
    and the ledger holds them with who recorded them (the issue's 4 200 € reservation)."""
    dossier = cdpi(case_worker, S.FUNDS_REQUESTED)
    dossier_run_transition(
        dossier_id=dossier.pk,
        name="reserve_funds",
        by=case_worker,
        data={
            "reserved_amount": "4200.00",
            "funds_reference": "RES-2024-7",
            "funds_reserved_on": dossier.funds_requested_on.isoformat(),
        },
    )
    [line] = lines(dossier, "reserved")
    assert (line.amount, line.reference, line.on, line.recorded_by) == (
        D("4200.00"),
        "RES-2024-7",
        dossier.funds_requested_on,
        case_worker,
    )
    assert ledger_summary(dossier).reserved == D("4200.00")


def test_the_reimbursement_request_writes_the_claim_with_its_invoice(case_worker):
    dossier = cdpi(case_worker, S.MISSION_FOLLOW_UP)
    invoice = Document.objects.create(
        dossier=dossier, kind=DocumentKind.INVOICE, status=DocumentStatus.RECEIVED
    )
    dossier_run_transition(
        dossier_id=dossier.pk,
        name="request_reimbursement",
        by=case_worker,
        data={
            "reimbursement_requested_on": CLAIM_DAY.isoformat(),
            "claimed_hours": "287.5",
            "claimed_amount": "4025.00",
        },
    )
    [line] = lines(dossier, "claimed")
    assert (line.hours, line.amount, line.on, line.document, line.recorded_by) == (
        D("287.50"),
        D("4025.00"),
        CLAIM_DAY,
        invoice,
        case_worker,
    )
    dossier.refresh_from_db()
    assert (dossier.claimed_hours, dossier.claimed_amount) == (D("287.50"), D("4025.00"))


@pytest.mark.parametrize("missing", ["claimed_hours", "claimed_amount"])
def test_a_claim_without_its_hours_or_amount_is_refused_and_writes_nothing(case_worker, missing):
    dossier = cdpi(case_worker, S.MISSION_FOLLOW_UP)
    data = {
        "reimbursement_requested_on": CLAIM_DAY.isoformat(),
        "claimed_hours": "300",
        "claimed_amount": "4200.00",
    }
    data.pop(missing)
    with pytest.raises(TransitionInvalid) as refused:
        dossier_run_transition(
            dossier_id=dossier.pk, name="request_reimbursement", by=case_worker, data=data
        )
    assert refused.value.errors[missing] == ["Ce champ est obligatoire."]
    assert not dossier.funding_lines.exists()
    dossier.refresh_from_db()
    assert dossier.state == S.MISSION_FOLLOW_UP


def test_steps_that_move_no_money_write_no_line(case_worker):
    dossier = cdpi(case_worker, S.IN_TRAINING)
    follow_up(dossier, case_worker)
    assert not dossier.funding_lines.exists()


# --- The estimate when the plan is checked, and re-checked -----------------------------------


def test_the_estimate_is_recorded_at_creation_and_again_when_the_plan_changes(case_worker):
    """CPNE decision of 1 June 2021: CDPI 14 €/h. 400 h → 5 600 €; 300 h → 4 200 €."""
    load_rule_sets()
    template = DossierFactory.build(cdpi=True, contract_start=dt.date(2026, 3, 2))
    agency = AgencyFactory()
    case_worker.agencies.add(agency)
    template.worker.agency = agency
    template.worker.save()
    dossier = dossier_create(
        by=case_worker,
        data={
            "dispositif": template.dispositif,
            "agency": agency,
            "worker": template.worker,
            "contract_start": template.contract_start,
            "contract_end": template.contract_end,
            "training_start": template.training_start,
            "training_end": template.training_end,
            "planned_training_hours": D("400"),
            "certification_code": template.certification_code,
            "agency_tutor": "A",
            "eu_tutor": "B",
        },
    )
    assert [
        (line.amount, line.hours, line.hourly_rate) for line in lines(dossier, "estimated")
    ] == [(D("5600.00"), D("400.00"), D("14.00"))]
    dossier_update(dossier_id=dossier.pk, by=case_worker, data={"notes": "Rien sur le plan."})
    assert len(lines(dossier, "estimated")) == 1  # the plan did not change: no new line
    dossier_update(dossier_id=dossier.pk, by=case_worker, data={"planned_training_hours": D("300")})
    assert [line.amount for line in lines(dossier, "estimated")] == [D("5600.00"), D("4200.00")]
    assert ledger_summary(dossier).estimated == D("4200.00")


def test_a_rate_dated_by_the_reservation_is_estimated_when_the_reservation_is_recorded(
    case_worker,
):
    """FPE.TT notice, board of 16 May 2024: priority publics without co-funding, 27 €/h plus
    30 % of the extra cost, by reservation date from 1 July 2024. Before the reservation the
    rate's day is unknown and nothing is estimated; « Enregistrer la réservation » checks the
    plan again and records the estimate at that rate."""
    dossier = DossierFactory(
        cdpi=True,
        contract_start=START,
        state=S.FUNDS_REQUESTED,
        provide_documents=True,
        funding_programme="priority_no_cofunding",
        training_cost=None,
    )
    case_worker.agencies.add(dossier.agency)
    assert not lines(dossier, "estimated")
    dossier_run_transition(
        dossier_id=dossier.pk,
        name="reserve_funds",
        by=case_worker,
        data={
            "reserved_amount": "4200.00",
            "funds_reference": "RES-2024-8",
            "funds_reserved_on": dossier.funds_requested_on.isoformat(),
        },
    )
    hours = dossier.planned_training_hours
    [line] = lines(dossier, "estimated")
    assert (line.hourly_rate, line.hours, line.amount) == (D("27.00"), hours, hours * 27)
    assert (line.on, line.recorded_by) == (dossier.funds_requested_on, case_worker)
    assert "16 mai 2024" in line.source
    assert ledger_summary(dossier).estimated == hours * 27


def test_a_reservation_that_changes_no_rate_adds_no_estimate(case_worker):
    """CPNE decision of 1 June 2021: the CDPI standard rate goes by the contract start, so the
    reservation leaves the estimate recorded at creation as it was."""
    dossier = cdpi(case_worker, S.FUNDS_REQUESTED)
    funding_line_add(
        dossier=dossier,
        kind="estimated",
        amount=D("5600.00"),
        on=START,
        hours=D("400"),
        hourly_rate=D("14.00"),
    )
    dossier_run_transition(
        dossier_id=dossier.pk,
        name="reserve_funds",
        by=case_worker,
        data={
            "reserved_amount": "5600.00",
            "funds_reference": "RES-2024-9",
            "funds_reserved_on": dossier.funds_requested_on.isoformat(),
        },
    )
    assert [line.amount for line in lines(dossier, "estimated")] == [D("5600.00")]


# --- Payments received: their own action ----------------------------------------------------


def test_partial_payments_add_up_and_leave_what_is_still_due(case_worker):
    dossier = claimed(case_worker)
    payment_record(
        dossier_id=dossier.pk, amount=D("2000.00"), on=CLAIM_DAY, reference="PAI-1", by=case_worker
    )
    payment_record(
        dossier_id=dossier.pk,
        amount=D("1500.50"),
        on=CLAIM_DAY + dt.timedelta(days=30),
        reference="PAI-2",
        by=case_worker,
    )
    summary = ledger_summary(dossier)
    assert (summary.claimed, summary.paid, summary.claimed_unpaid) == (
        D("4200.00"),
        D("3500.50"),
        D("699.50"),
    )
    events = dossier.events.filter(kind=DossierEventKind.PAYMENT).order_by("pk")
    assert [(e.actor, e.data["reference"]) for e in events] == [
        (case_worker, "PAI-1"),
        (case_worker, "PAI-2"),
    ]
    assert events[0].comment == "Paiement reçu : 2 000,00 € le 02/02/2026 (référence PAI-1)."
    assert [line.recorded_by for line in lines(dossier, "paid")] == [case_worker, case_worker]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"amount": D("0")}, "amount", "Indiquez un montant positif"),
        ({"amount": D("-5")}, "amount", "Indiquez un montant positif"),
        ({"amount": D("10.005")}, "amount", "Indiquez un montant positif"),
        ({"amount": "abc"}, "amount", "Indiquez un montant positif"),
        ({"on": CLAIM_DAY - dt.timedelta(days=1)}, "on", "ne peut pas précéder la demande"),
        ({"on": "tomorrow"}, "on", "Indiquez la date du paiement"),
        ({"reference": "  "}, "reference", "Indiquez la référence du paiement"),
        ({"reference": "R" * 51}, "reference", "ne doit pas dépasser 50 caractères"),
    ],
)
def test_a_wrong_payment_is_refused_in_french_and_changes_nothing(
    case_worker, change, field, message
):
    dossier = claimed(case_worker)
    data = {"amount": D("100.00"), "on": CLAIM_DAY, "reference": "PAI-1"} | change
    with pytest.raises(PaymentInvalid) as refused:
        payment_record(dossier_id=dossier.pk, by=case_worker, **data)
    assert message in refused.value.errors[field][0]
    assert not lines(dossier, "paid")
    assert not dossier.events.filter(kind=DossierEventKind.PAYMENT).exists()


def test_a_payment_dated_in_the_future_is_refused(case_worker):
    dossier = claimed(case_worker)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(PaymentInvalid) as refused:
        payment_record(
            dossier_id=dossier.pk, amount=D("1"), on=tomorrow, reference="P", by=case_worker
        )
    assert refused.value.errors["on"] == ["La date du paiement ne peut pas être dans le futur."]


def test_a_payment_before_any_claim_is_refused(case_worker):
    dossier = cdpi(case_worker, S.MISSION_FOLLOW_UP)
    with pytest.raises(PaymentInvalid) as refused:
        payment_record(
            dossier_id=dossier.pk, amount=D("1"), on=CLAIM_DAY, reference="P", by=case_worker
        )
    assert "Aucun remboursement n'a été demandé" in refused.value.message
    assert not dossier.funding_lines.exists()


def test_payments_follow_the_permission_table(case_worker):
    """`cases.fundingline` action `pay`: the dossier's staff within their agencies."""
    dossier = claimed(case_worker)
    other_agency = UserFactory(role=Role.CASE_WORKER, agencies=[AgencyFactory()])
    with pytest.raises(DossierNotFound):
        payment_record(
            dossier_id=dossier.pk, amount=D("1"), on=CLAIM_DAY, reference="P", by=other_agency
        )
    training_manager = UserFactory(role=Role.TRAINING_MANAGER, agencies=[dossier.agency])
    with pytest.raises(DossierForbidden):  # not a Pro-A permanent-staff dossier
        payment_record(
            dossier_id=dossier.pk, amount=D("1"), on=CLAIM_DAY, reference="P", by=training_manager
        )
    assert not lines(dossier, "paid")
    manager = UserFactory(role=Role.AGENCY_MANAGER, agencies=[dossier.agency])
    payment_record(dossier_id=dossier.pk, amount=D("1"), on=CLAIM_DAY, reference="P", by=manager)
    assert len(lines(dossier, "paid")) == 1


# --- Findings -------------------------------------------------------------------------------


def test_a_payment_above_the_claim_is_recorded_and_flagged(case_worker):
    dossier = claimed(case_worker, amount=D("1000.00"))
    payment_record(
        dossier_id=dossier.pk, amount=D("1000.01"), on=CLAIM_DAY, reference="P", by=case_worker
    )
    found = [(f.code, f.severity, f.message) for f in ledger_findings(dossier)]
    assert found == [
        (
            "payment_exceeds_claim",
            "warning",
            "Les paiements reçus dépassent de 0,01 € le remboursement demandé.",
        )
    ]
    assert all(f.source.startswith("003") for f in ledger_findings(dossier))


def test_a_payment_equal_to_the_claim_is_no_finding(case_worker):
    dossier = claimed(case_worker, amount=D("1000.00"))
    payment_record(
        dossier_id=dossier.pk, amount=D("1000.00"), on=CLAIM_DAY, reference="P", by=case_worker
    )
    assert ledger_findings(dossier) == []


def test_a_claim_above_the_reservation_is_flagged(case_worker):
    dossier = cdpi(case_worker, S.MISSION_FOLLOW_UP)
    funding_line_add(dossier=dossier, kind="reserved", amount=D("4200.00"), on=START)
    dossier_run_transition(
        dossier_id=dossier.pk,
        name="request_reimbursement",
        by=case_worker,
        data={
            "reimbursement_requested_on": CLAIM_DAY.isoformat(),
            "claimed_hours": "400",
            "claimed_amount": "5600.00",
        },
    )
    assert [f.code for f in ledger_findings(dossier)] == ["claim_exceeds_reservation"]


def test_the_ledger_read_at_once_equals_the_summary(case_worker):
    dossier = claimed(case_worker)
    funding_line_add(dossier=dossier, kind="reserved", amount=D("5000.00"), on=START)
    payment_record(
        dossier_id=dossier.pk, amount=D("200.00"), on=CLAIM_DAY, reference="P", by=case_worker
    )
    ledger = dossier_ledger(dossier)
    assert ledger.summary == ledger_summary(dossier)
    shown = ledger.as_dict()
    assert (shown["reserved"], shown["claimed"], shown["paid"]) == ("5000.00", "4200.00", "200.00")
    assert (shown["still_due"], shown["unused"], shown["estimated"]) == ("4000.00", "800.00", None)


# --- The data migration ---------------------------------------------------------------------


def test_the_migration_copies_recorded_reservations_and_invents_nothing(case_worker):
    backfill = importlib.import_module("cases.migrations.0022_money_ledger_backfill")
    reserved = cdpi(case_worker, S.IN_TRAINING)  # amount, date and reference recorded
    follow_up(reserved, case_worker)
    no_amount = cdpi(case_worker, S.IN_TRAINING)
    type(no_amount).objects.filter(pk=no_amount.pk).update(reserved_amount=None)
    already = cdpi(case_worker, S.FUNDS_RESERVED)
    funding_line_add(dossier=already, kind="reserved", amount=D("5600.00"), on=START)
    never = cdpi(case_worker, S.DRAFT)

    backfill.reservations_to_ledger(apps, None)
    backfill.reservations_to_ledger(apps, None)  # twice: nothing more

    [line] = lines(reserved, "reserved")
    assert (line.amount, line.on, line.reference) == (
        reserved.reserved_amount,
        reserved.funds_reserved_on,
        reserved.funds_reference,
    )
    assert line.recorded_by is None  # the factory recorded no « reserve_funds » event
    assert not no_amount.funding_lines.exists()
    assert len(lines(already, "reserved")) == 1
    assert not never.funding_lines.exists()
    assert not FundingLine.objects.exclude(kind="reserved").exists()


# --- The admin ------------------------------------------------------------------------------


def test_the_dossier_page_shows_the_ledger_and_records_a_payment(client, case_worker):
    dossier = claimed(case_worker)
    client.force_login(case_worker)
    page = client.get(reverse("admin:cases_dossier_change", args=[dossier.pk]))
    html = page.content.decode()
    assert 'id="ledger"' in html
    for label in ("Estimé", "Réservé", "Demandé", "Payé", "Reste dû", "Non utilisé"):
        assert f"<th>{label}</th>" in html
    assert str(case_worker) in html  # who recorded the claim
    assert reverse("admin:cases_dossier_payment", args=[dossier.pk]) in html

    url = reverse("admin:cases_dossier_payment", args=[dossier.pk])
    refused = client.post(url, {"amount": "10", "on": "01/01/2026", "reference": "P"})
    assert "ne peut pas précéder la demande de remboursement" in refused.content.decode()
    assert not lines(dossier, "paid")
    done = client.post(url, {"amount": "1250,50", "on": "03/02/2026", "reference": "PAI-9"})
    assert done.status_code == 302, done.content.decode()[-3000:]
    [line] = lines(dossier, "paid")
    assert (line.amount, line.on, line.reference, line.recorded_by) == (
        D("1250.50"),
        dt.date(2026, 2, 3),
        "PAI-9",
        case_worker,
    )


def test_the_payment_page_is_not_offered_where_nothing_was_claimed(client, case_worker):
    dossier = cdpi(case_worker, S.IN_TRAINING)
    client.force_login(case_worker)
    html = client.get(reverse("admin:cases_dossier_change", args=[dossier.pk])).content.decode()
    assert reverse("admin:cases_dossier_payment", args=[dossier.pk]) not in html
