"""`manage.py generate_load`: synthetic data that looks like the real thing (issue 9)."""

import datetime as dt
import hashlib
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Min

from bench import ledger_check
from bench.loadgen import generate
from bench.loadgen.timeline import STATES_OF
from cases.choices import Dispositif, DossierState, Role
from cases.deadlines import expected_deadlines, fact_date
from cases.models import (
    Agency,
    ClientCompany,
    Deadline,
    Dossier,
    DossierEvent,
    FundingLine,
    Mission,
    TrainingProvider,
    User,
    Worker,
)
from cases.rules.in_force import rule_set_in_force
from cases.rules.obligations import MET, dossier_obligations
from notifications.models import Notification

S = DossierState
TRAINING_RECORDED = {S.IN_TRAINING, S.MISSION_FOLLOW_UP, S.REIMBURSEMENT_REQUESTED, S.CLOSED}
ENDED_RECORDED = {S.MISSION_FOLLOW_UP, S.REIMBURSEMENT_REQUESTED, S.CLOSED}
TODAY = dt.date(2026, 11, 23)
N = 300
MODELS = [
    Agency,
    ClientCompany,
    TrainingProvider,
    User,
    User.agencies.through,
    Worker,
    Dossier,
    Dossier.client_companies.through,
    Mission,
    DossierEvent,
    Deadline,
    FundingLine,
    Notification,
]
AKTO_FILED = {
    Dispositif.CPI,
    Dispositif.CAI,
    Dispositif.CAR,
    Dispositif.PRO_A_INTERIM,
    Dispositif.PRO_A_PERMANENT,
}
SUBMITTED_OR_LATER = {
    S.SUBMITTED,
    S.ACCEPTED,
    S.REFUSED,
    S.IN_TRAINING,
    S.MISSION_FOLLOW_UP,
    S.REIMBURSEMENT_REQUESTED,
    S.CLOSED,
}


def generate_load(dossiers=N, seed=7, **options):
    out = io.StringIO()
    call_command(
        "generate_load",
        dossiers=dossiers,
        seed=seed,
        today=TODAY,
        no_progress=True,
        stdout=out,
        stderr=io.StringIO(),
        **options,
    )
    return out.getvalue()


def digest() -> str:
    """A hash of every generated row; row ids of unreferenced tables count from their minimum."""
    sha = hashlib.sha256()
    for model in MODELS:
        fields = model._meta.concrete_fields
        base = model.objects.aggregate(low=Min("pk"))["low"] or 0
        for row in model.objects.order_by("pk").values_list(*[f.attname for f in fields]):
            values = [v - base if f.primary_key else v for f, v in zip(fields, row, strict=True)]
            sha.update(repr(values).encode())
    return sha.hexdigest()


@pytest.fixture
def loaded(db):
    return generate_load()


def test_every_dispositif_and_every_state_of_its_path(loaded):
    assert Dossier.objects.count() == N
    found = set(Dossier.objects.values_list("dispositif", "state"))
    expected = {(d, s) for d, states in STATES_OF.items() for s in states}
    assert expected <= found
    assert set(Dossier.objects.values_list("state", flat=True)) == set(DossierState)
    assert set(Dossier.objects.values_list("dispositif", flat=True)) == set(Dispositif)


def test_lifecycle_fields_follow_the_state(loaded):
    for d in Dossier.objects.all():
        if d.dispositif in AKTO_FILED and d.state in SUBMITTED_OR_LATER:
            assert d.deposit_date and d.akto_reference, d.pk
        if d.state in SUBMITTED_OR_LATER - {S.SUBMITTED} and d.dispositif in AKTO_FILED:
            assert d.akto_decision_date and d.akto_decision_date >= d.deposit_date, d.pk
        if d.state in (S.FUNDS_RESERVED,) or (
            d.dispositif in (Dispositif.CIPI, Dispositif.CDPI)
            and d.state in (S.IN_TRAINING, S.MISSION_FOLLOW_UP, S.CLOSED)
        ):
            assert d.funds_reserved_on and d.funds_reference and d.reserved_amount, d.pk
        if d.dispositif == Dispositif.CAR and d.state in SUBMITTED_OR_LATER | {S.OPINION_GIVEN}:
            assert d.opinion_date, d.pk
        if d.state in (S.REIMBURSEMENT_REQUESTED, S.CLOSED):
            assert d.reimbursement_requested_on, d.pk
        assert bool(d.cancellation_reason) == (d.state == S.CANCELLED), d.pk
        if d.state == S.DRAFT:
            assert not (d.deposit_date or d.akto_reference or d.funds_requested_on), d.pk
        assert d.contract_start <= d.training_start <= d.training_end <= d.contract_end
        assert d.worker.agency_id == d.agency_id
        assert d.rule_set == rule_set_in_force(d.dispositif, d.contract_start), d.pk
        # Nothing recorded in the future.
        for day in (
            d.deposit_date,
            d.akto_decision_date,
            d.funds_reserved_on,
            d.opinion_date,
            d.training_started_on,
            d.training_ended_on,
            d.reimbursement_requested_on,
        ):
            assert day is None or day <= TODAY, d.pk
        # The actual training dates: recorded by their steps, in order, before what follows.
        if d.state in TRAINING_RECORDED:
            assert d.training_started_on, d.pk
        if d.state in ENDED_RECORDED:
            assert d.training_ended_on, d.pk
        if d.training_ended_on:
            assert d.training_started_on <= d.training_ended_on, d.pk
            assert d.training_ended_on <= (d.reimbursement_requested_on or TODAY), d.pk
        elif d.state != S.CANCELLED:
            assert d.state not in ENDED_RECORDED, d.pk


def test_a_sample_of_rows_passes_model_validation(loaded):
    for dossier in Dossier.objects.order_by("pk")[::10]:
        dossier.full_clean(exclude=["state"])  # protected FSM field: checked by the suite above
        dossier.worker.full_clean()
    for model in (Agency, ClientCompany, TrainingProvider):
        for row in model.objects.all()[:20]:
            row.full_clean()
    for mission in Mission.objects.filter(dossier__isnull=False).order_by("pk")[::25]:
        mission.full_clean()


def test_missions_events_and_funding_are_coherent(loaded):
    dossiers = {d.pk: d for d in Dossier.objects.all()}
    for mission in Mission.objects.filter(dossier__isnull=False):
        dossier = dossiers[mission.dossier_id]
        assert mission.worker_id == dossier.worker_id
        assert dossier.contract_start <= mission.start <= mission.end <= dossier.contract_end
        assert mission.start <= TODAY + dt.timedelta(days=14)
    assert 4.5 <= Mission.objects.count() / N <= 5.5
    per_dossier = Dossier.objects.annotate(n=Count("events")).values_list("n", flat=True)
    assert min(per_dossier) >= 1
    # The last transition event lands on the dossier's state.
    for dossier in list(dossiers.values())[:100]:
        last = dossier.events.filter(kind="transition").order_by("created", "pk").last()
        assert (last.to_state if last else S.DRAFT) == dossier.state, dossier.pk
    paid = FundingLine.objects.filter(kind="paid").values_list("dossier__state", flat=True)
    assert set(paid) <= {S.REIMBURSEMENT_REQUESTED, S.CLOSED}
    assert all(line.amount >= 0 for line in FundingLine.objects.all())


def test_ledger_lines_are_those_the_steps_write(loaded):
    """The ledger holds what the steps recorded: the reservation (amount, reference, date) of
    « fonds réservés », the claim (hours, amount, date) of the reimbursement request, payments
    on or after the claim and never above it; a closed dossier is paid in full."""
    lines: dict[int, dict[str, list]] = {}
    for line in FundingLine.objects.order_by("on", "pk"):
        lines.setdefault(line.dossier_id, {}).setdefault(line.kind, []).append(line)
    closed_and_paid = 0
    for dossier in Dossier.objects.all():
        own = lines.get(dossier.pk, {})
        reserved, claimed = own.get("reserved", []), own.get("claimed", [])
        assert [(r.amount, r.reference, r.on) for r in reserved] == (
            [(dossier.reserved_amount, dossier.funds_reference, dossier.funds_reserved_on)]
            if dossier.funds_reserved_on
            else []
        ), dossier.pk
        assert [(c.hours, c.amount, c.on) for c in claimed] == (
            [
                (
                    dossier.claimed_hours,
                    dossier.claimed_amount,
                    dossier.reimbursement_requested_on,
                )
            ]
            if dossier.reimbursement_requested_on
            else []
        ), dossier.pk
        paid = own.get("paid", [])
        assert all(p.on >= dossier.reimbursement_requested_on and p.on <= TODAY for p in paid)
        total = sum((p.amount for p in paid), Decimal("0"))
        assert total <= (dossier.claimed_amount or 0), dossier.pk
        if dossier.state == S.CLOSED and dossier.reimbursement_requested_on:
            assert total == dossier.claimed_amount, dossier.pk
            closed_and_paid += 1
    assert closed_and_paid


def test_deadlines_are_those_the_product_computes(loaded):
    assert not Deadline.objects.exclude(dossier_id__in=Dossier.objects.values("pk")).exists()
    live = Dossier.objects.exclude(state__in=[S.CLOSED, S.CANCELLED]).filter(rule_set__isnull=False)
    assert live.exists()
    for dossier in live:
        expected = {e.kind: e for e in expected_deadlines(dossier)}
        stored = {d.kind: d for d in dossier.deadlines.all()}
        assert set(stored) == set(expected), dossier.pk
        for kind, deadline in stored.items():
            want = expected[kind]
            assert (deadline.due, deadline.safe_date, deadline.label, deadline.source) == (
                want.due,
                want.safe_date,
                want.label,
                want.source,
            ), (dossier.pk, kind)
    assert set(
        Deadline.objects.filter(dossier__state__in=[S.CLOSED, S.CANCELLED]).values_list(
            "status", flat=True
        )
    ) <= {"met", "met_late", "waived", "cancelled"}
    # Nothing is « Levée » without its author (cases.waivers); closing waived nothing.
    assert not Deadline.objects.filter(status="waived", waived_by__isnull=True).exists()
    assert not Deadline.objects.filter(status="waived", dossier__state=S.CANCELLED).exists()
    assert Deadline.objects.filter(status="open").exists()
    notified = Notification.objects.filter(deadline__isnull=False)
    assert notified.exists()
    assert all(n.deadline.status == "open" for n in notified)
    assert notified.filter(read_at__isnull=True).exists()
    assert notified.filter(read_at__isnull=False).exists()


def test_deadline_statuses_follow_the_facts(loaded):
    """A met deadline is « respectée en retard » when its fact is dated after the due date
    (cases.deadlines.met_status); the mission obligation is met as cases.rules.obligations
    reads the generated missions."""
    met = Deadline.objects.filter(status__in=["met", "met_late"]).select_related("dossier")
    kinds = set()
    for deadline in met:
        kinds.add((deadline.kind, deadline.status))
        if deadline.kind == "mission_obligation":
            assert deadline.status == "met", deadline.pk
            verdicts = {o.verdict for o in dossier_obligations(deadline.dossier, today=TODAY)}
            assert verdicts == {MET}, deadline.dossier_id
            continue
        fact = fact_date(deadline.dossier, deadline.kind)
        assert fact is not None, deadline.pk
        assert deadline.status == ("met_late" if fact > deadline.due else "met"), deadline.pk
    assert {("akto_deposit", "met"), ("akto_deposit", "met_late")} <= kinds
    assert ("mission_obligation", "met") in kinds
    for deadline in Deadline.objects.filter(kind="mission_obligation", status="open"):
        verdicts = {o.verdict for o in dossier_obligations(deadline.dossier, today=TODAY)}
        assert MET not in verdicts or len(verdicts) > 1, deadline.dossier_id


def test_fixed_accounts_with_their_roles(loaded):
    roles = {
        "load.case_worker": Role.CASE_WORKER,
        "load.manager": Role.AGENCY_MANAGER,
        "load.admin": Role.ADMINISTRATOR,
        "load.cpne": Role.CPNE_REPORTER,
        "load.fpett": Role.FPETT_ADVISOR,
    }
    first = Agency.objects.order_by("pk").first()
    for username, role in roles.items():
        user = User.objects.get(username=username)
        assert user.role == role and user.is_staff and user.is_active
        assert not user.has_usable_password()
    assert User.objects.get(username="load.admin").is_superuser
    worker = User.objects.get(username="load.case_worker")
    assert list(worker.agencies.all()) == [first]
    assert list(User.objects.get(username="load.manager").agencies.all()) == [first]
    biggest = Dossier.objects.values("agency").annotate(n=Count("pk")).order_by("-n").first()
    assert biggest["agency"] == first.pk
    # Three agencies here: the first holds about half (10 % once there are hundreds).
    assert 0.35 * N <= biggest["n"] <= 0.65 * N
    assert Dossier.objects.filter(agency=first, case_worker=worker).count() >= 0.2 * biggest["n"]
    assert Agency.objects.filter(departement__in=["57", "67", "68"]).exists()
    assert Agency.objects.filter(departement__startswith="97").exists()


def test_summary_is_printed(loaded):
    assert "cases_dossier " in loaded and "cases_mission" in loaded and "Terminé en" in loaded


def test_same_seed_gives_the_same_data(db):
    generate_load(dossiers=120, seed=3)
    first = digest()
    for model in reversed(MODELS):
        model.objects.all().delete()
    generate_load(dossiers=120, seed=3)
    assert digest() == first


def test_chunks_built_in_the_background_are_the_same(db, monkeypatch):
    monkeypatch.setattr(generate, "CHUNK", 50)
    monkeypatch.setattr(generate, "in_background", lambda chunks: chunks)
    generate_load(dossiers=120, seed=5)
    inline = digest()
    for model in reversed(MODELS):
        model.objects.all().delete()
    monkeypatch.undo()
    monkeypatch.setattr(generate, "CHUNK", 50)
    generate_load(dossiers=120, seed=5)
    assert digest() == inline


def test_refuses_a_database_that_has_dossiers(loaded):
    before = {model: model.objects.count() for model in MODELS}
    with pytest.raises(CommandError, match="La base contient déjà 300 dossier"):
        generate_load(dossiers=10)
    assert {model: model.objects.count() for model in MODELS} == before


def test_needs_at_least_one_dossier(db):
    with pytest.raises(CommandError, match="au moins 1"):
        generate_load(dossiers=0)


def test_amounts_are_decimal(loaded):
    line = FundingLine.objects.filter(kind="estimated").first()
    assert isinstance(line.amount, Decimal)
    assert line.amount == (line.hours * line.hourly_rate).quantize(Decimal("0.01"))


def test_the_report_figures_check_holds_on_generated_data(loaded, capsys):
    """`bench.ledger_check` (run at 100 000 dossiers for issue 15): the report's funding totals
    equal the ledger's sums, and its mission-obligation SQL the rules module's verdicts."""
    assert ledger_check.main()
    assert ledger_check.obligations(as_of=TODAY)
    assert "0 différence(s)" in capsys.readouterr().out
