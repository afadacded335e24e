"""The step declaration (cases.workflow.steps) and everything that reads it agree.

The tables here are generated from the declaration: a step added, moved or removed there is
checked at once in the model's transitions, the roles, the forms, the admin, the API, the
deadlines and the reference data. The paths themselves are checked against DOMAIN.md §3,
written out independently, in test_state_machine.py.
"""

import datetime as dt
import json
import re

import pytest
import yaml
from django.contrib.messages import get_messages
from django.core.management import CommandError, call_command
from django.db import models
from django.urls import reverse
from django_fsm import can_proceed
from rest_framework.test import APIClient

from cases.choices import DeadlineKind, Dispositif, DossierEventKind, DossierState, Role
from cases.deadlines import is_met
from cases.models import DocumentRequirement, Dossier
from cases.permissions import may_run_transition
from cases.reference import (
    FIXTURES,
    REQUIREMENTS_FILE,
    ReferenceDataError,
    load_document_requirements,
)
from cases.workflow.forms import STEP_FORMS, TransitionForm
from cases.workflow.steps import (
    STEP_FIELDS,
    STEP_NAMES,
    STEPS,
    Check,
    GuardKind,
    filing_step,
    requirement_error,
    steps_from,
    steps_meeting,
)
from tests.factories import AgencyFactory, DossierFactory, UserFactory

S = DossierState
DISPOSITIFS = list(Dispositif)
TRAITS = {
    Dispositif.CPI: "cpi",
    Dispositif.CAI: "cai",
    Dispositif.CIPI: "cipi",
    Dispositif.CDPI: "cdpi",
    Dispositif.CAR: "car",
    Dispositif.PRO_A_INTERIM: "pro_a_interim",
    Dispositif.PRO_A_PERMANENT: "pro_a_permanent",
}


def declared(dispositif: str, state: str) -> set[str]:
    return {step.name for step in steps_from(dispositif, state)}


# The declaration itself.


@pytest.mark.parametrize("name", STEP_NAMES)
def test_every_step_has_a_french_label_and_a_form(name):
    step = STEPS[name]
    assert step.label[0].isupper() and " " in step.label and step.label != name
    form = STEP_FORMS[name]
    assert issubclass(form, TransitionForm) and form.step is step
    assert {"comment", "expected_state", *step.asked} == set(form.base_fields)
    for field_name in step.asked:
        field = Dossier._meta.get_field(field_name)
        assert field.editable and str(field.verbose_name)
    if step.on:
        assert step.on in step.fields
        assert isinstance(Dossier._meta.get_field(step.on), models.DateField)
    for rule in step.not_before:
        assert rule.field in step.asked and rule.field in STEP_FIELDS
        assert isinstance(Dossier._meta.get_field(rule.earlier), models.DateField)
        assert rule.message[0].isupper()
    for guard in step.guards:
        assert guard.code and guard.source and guard.kind in set(GuardKind)
        assert Check.GUARDS in step.checks
        if guard.kind == GuardKind.REACHED:
            for name in filter(None, (guard.field, guard.fallback)):
                assert isinstance(Dossier._meta.get_field(name), models.DateField)
            assert "{date}" in guard.message
    assert step.target in S.values
    assert set(step.sources) <= set(Dispositif.values) and step.sources
    assert step.all_sources <= set(S.values)
    assert set(step.roles) <= set(Role.values)


@pytest.mark.parametrize("name", STEP_NAMES)
def test_a_step_meets_a_known_deadline_by_the_date_it_records(name):
    step = STEPS[name]
    if step.meets:
        assert step.meets in DeadlineKind.values and step.on


def test_every_deadline_but_the_mission_obligation_is_met_by_a_step():
    for kind in DeadlineKind:
        assert bool(steps_meeting(kind)) == (kind != DeadlineKind.MISSION_OBLIGATION), kind


@pytest.mark.parametrize("dispositif", DISPOSITIFS)
def test_each_dispositif_files_with_akto_by_one_step_of_its_path(dispositif):
    filing = [step for step in STEPS.values() if dispositif in step.files_with_akto]
    assert len(filing) == 1
    assert filing[0] is filing_step(dispositif)
    assert filing[0].dispositifs >= {dispositif}


# The model's transitions are the declared steps.


def test_the_model_transitions_are_the_declared_steps():
    found: dict[str, list] = {}
    for item in Dossier._meta.get_field("state").get_all_transitions(Dossier):
        found.setdefault(item.name, []).append(item)
    assert set(found) == set(STEPS)
    for name, items in found.items():
        step = STEPS[name]
        assert {t.source for t in items} == step.all_sources, name
        assert {t.target for t in items} == {step.target}, name
        assert {t.custom["label"] for t in items} == {step.label}, name


@pytest.mark.parametrize("dispositif", DISPOSITIFS)
def test_the_model_offers_exactly_the_declared_steps(dispositif):
    for state in S:
        dossier = Dossier(dispositif=dispositif, state=state)
        offered = {t.name for t in dossier.get_available_state_transitions()}
        assert offered == declared(dispositif, state), (dispositif, state)
        for name, step in STEPS.items():
            method = getattr(dossier, name)
            assert can_proceed(method) == step.allows(dispositif, state), (dispositif, state, name)


# Roles: today's behaviour, stated apart (cases/permissions.py, role table).


def expected_may_run(role: str, name: str, dispositif: str, state: str) -> bool:
    if role in (Role.ADMINISTRATOR, Role.CASE_WORKER, Role.AGENCY_MANAGER):
        return True
    if role == Role.TRAINING_MANAGER:
        return dispositif == Dispositif.PRO_A_PERMANENT
    if role == Role.FPETT_ADVISOR:
        return (
            name in ("give_opinion", "refuse_opinion", "cancel")
            and dispositif == Dispositif.CAR
            and state == S.OPINION_REQUESTED
        )
    return False


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
def test_the_roles_of_each_step(role):
    agency = AgencyFactory()
    user = UserFactory(role=role, agencies=[agency])
    stranger = UserFactory(role=role, agencies=[AgencyFactory()])
    for name, step in STEPS.items():
        for dispositif, states in step.sources.items():
            for state in states:
                dossier = Dossier(dispositif=dispositif, state=state, agency=agency)
                expected = expected_may_run(role, name, dispositif, state)
                label = (role, name, dispositif, state)
                assert may_run_transition(user, dossier, name) == expected, label
                # Another agency's dossier: only the roles that act beyond agencies.
                beyond = role in (Role.ADMINISTRATOR, Role.FPETT_ADVISOR)
                assert may_run_transition(stranger, dossier, name) == (expected and beyond), label


def test_an_undeclared_step_is_run_by_nobody(db):
    dossier = Dossier(dispositif=Dispositif.CPI, state=S.DRAFT, agency=AgencyFactory())
    user = UserFactory(role=Role.CASE_WORKER, agencies=[dossier.agency])
    assert not may_run_transition(user, dossier, "teleport")


# The model, the admin and the API agree on every step × dispositif × state.

STEP_BUTTON = re.compile(r'name="_fsm_transition_to" value="([a-z_]+)"')


@pytest.mark.django_db
@pytest.mark.parametrize("dispositif", DISPOSITIFS)
def test_the_admin_and_the_api_offer_the_declared_steps(dispositif, client):
    manager = UserFactory(role=Role.AGENCY_MANAGER)
    client.force_login(manager)
    api = APIClient()
    api.force_authenticate(manager)
    for state in S:
        dossier = DossierFactory(**{TRAITS[dispositif]: True}, state=state)
        manager.agencies.add(dossier.agency)
        expected = declared(dispositif, state)
        label = (dispositif, state)
        model = {t.name for t in dossier.get_available_user_state_transitions(manager)}
        assert model == expected, label
        change = reverse("admin:cases_dossier_change", args=[dossier.pk])
        page = client.get(change)
        assert set(STEP_BUTTON.findall(page.content.decode())) == expected, label
        listed = api.get(f"/api/v1/dossiers/{dossier.pk}/transitions/").json()
        assert {t["name"] for t in listed} == expected, label
        for item in listed:
            step = STEPS[item["name"]]
            assert item["label"] == step.label
            fields = {f["name"]: f["required"] for f in item["fields"]}
            assert {name for name, required in fields.items() if required} == {
                *step.fields,
                *(name for name in step.asks_once if getattr(dossier, name) is None),
                *(["comment"] if step.comment_required else []),
            }
        for name in STEP_NAMES:
            # The admin's step page opens for an offered step; any other says why, in French.
            url = reverse("admin:cases_dossier_transition", args=[dossier.pk, name])
            response = client.get(url)
            if name in expected:
                assert "Valider l'étape" in response.content.decode(), (*label, name)
            else:
                assert response["Location"] == change, (*label, name)
                message = [str(m) for m in get_messages(response.wsgi_request)][-1]
                assert "n'est pas possible pour un dossier" in message, (*label, name)


@pytest.mark.django_db
@pytest.mark.django_db
def test_the_api_schema_reads_the_declaration():
    client = APIClient()
    client.force_authenticate(UserFactory(role=Role.CASE_WORKER))
    schema = yaml.safe_load(client.get("/api/schema/").content)
    operation = schema["paths"]["/api/v1/dossiers/{id}/transitions/{name}/"]["post"]
    (name,) = [p for p in operation["parameters"] if p["name"] == "name"]
    assert set(name["schema"]["enum"]) == set(STEPS)
    for step in STEPS.values():
        assert f"`{step.name}` — {step.label}" in operation["description"]
    body = schema["components"]["schemas"]["TransitionInputRequest"]["properties"]
    assert set(body) == {"expected_state", "comment", *STEP_FIELDS}
    assert "submit" in body["deposit_date"]["description"]


# The admin runs a step by the step's own roles, never by the change permission.


@pytest.mark.django_db
def test_the_fpett_advisors_button_opens_the_opinion_form_not_a_403(client):
    advisor = UserFactory(role=Role.FPETT_ADVISOR)
    car = DossierFactory(car=True, state=S.OPINION_REQUESTED)
    client.force_login(advisor)
    change = reverse("admin:cases_dossier_change", args=[car.pk])
    step_url = reverse("admin:cases_dossier_transition", args=[car.pk, "give_opinion"])
    response = client.post(
        change, {"_fsm_transition_to": "give_opinion", "_fsm_expected_state": car.state}
    )
    assert response.status_code == 302 and response["Location"] == step_url
    response = client.post(step_url, {"opinion_date": "01/03/2026", "expected_state": car.state})
    assert response.status_code == 302 and response["Location"] == change
    car.refresh_from_db()
    assert car.state == S.OPINION_GIVEN


@pytest.mark.django_db
def test_a_step_the_role_may_not_run_is_a_french_message_on_the_dossier_page(client):
    advisor = UserFactory(role=Role.FPETT_ADVISOR)
    car = DossierFactory(car=True, state=S.OPINION_GIVEN)
    client.force_login(advisor)
    change = reverse("admin:cases_dossier_change", args=[car.pk])
    response = client.post(
        change,
        {"_fsm_transition_to": "cancel", "_fsm_expected_state": car.state},
        follow=True,
    )
    assert response.redirect_chain == [(change, 302)]
    assert "Votre rôle ne permet pas l&#x27;étape « Annuler le dossier » sur ce dossier." in (
        response.content.decode()
    )
    car.refresh_from_db()
    assert car.state == S.OPINION_GIVEN


@pytest.mark.django_db
def test_a_step_without_a_form_has_a_page_too(client):
    """Typed by hand, a step that asks nothing offers its optional comment (in French)."""
    manager = UserFactory(role=Role.AGENCY_MANAGER)
    dossier = DossierFactory(cpi=True, state=S.REFUSED)
    manager.agencies.add(dossier.agency)
    client.force_login(manager)
    url = reverse("admin:cases_dossier_transition", args=[dossier.pk, "amend"])
    page = client.get(url)
    assert page.status_code == 200 and "Reprendre le dossier" in page.content.decode()
    client.post(url, {"comment": "Pièce remplacée.", "expected_state": S.REFUSED})
    dossier.refresh_from_db()
    assert dossier.state == S.DRAFT
    assert dossier.events.get(transition="amend").comment == "Pièce remplacée."


# Deadlines are met by the date the step that meets them records.


@pytest.mark.parametrize("name", [n for n in STEP_NAMES if STEPS[n].meets])
def test_a_deadline_is_met_once_its_step_recorded_its_date(name):
    step = STEPS[name]
    dossier = Dossier(dispositif=Dispositif.CPI)
    assert not is_met(dossier, step.meets)
    setattr(dossier, step.on, dt.date(2026, 3, 4))
    assert is_met(dossier, step.meets)


# Document requirements name declared steps; the loader refuses any other, in French.


def test_every_document_requirement_names_a_step_its_dispositif_takes():
    rows = json.loads((FIXTURES / REQUIREMENTS_FILE).read_text(encoding="utf-8"))
    for row in rows:
        assert requirement_error(row["dispositif"], row["transition"]) is None, row


def test_the_requirement_field_offers_the_declared_steps():
    field = DocumentRequirement._meta.get_field("transition")
    assert [value for value, _ in field.choices] == list(STEP_NAMES)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("dispositif", "transition", "message"),
    [
        ("CPI", "teleport", "n’est pas un choix valide."),
        ("CPI", "request_opinion", "Un dossier CPI ne passe jamais par l'étape « Demander"),
        ("CAR", "cancel", "L'étape « Annuler le dossier » ne dépend d'aucune pièce."),
    ],
)
def test_load_reference_refuses_a_requirement_on_an_undeclared_step(
    dispositif, transition, message, tmp_path, monkeypatch
):
    rows = json.loads((FIXTURES / REQUIREMENTS_FILE).read_text(encoding="utf-8"))
    rows.append(
        {
            "dispositif": dispositif,
            "transition": transition,
            "kind": "cerfa",
            "only_with_afest": False,
            "source": "essai",
        }
    )
    (tmp_path / REQUIREMENTS_FILE).write_text(json.dumps(rows), encoding="utf-8")
    monkeypatch.setattr("cases.reference.FIXTURES", tmp_path)
    with pytest.raises(ReferenceDataError) as refused:
        load_document_requirements()
    assert message in str(refused.value)
    assert f"pièce requise n° {len(rows)}" in str(refused.value)
    assert not DocumentRequirement.objects.exists()


@pytest.mark.django_db
def test_the_command_says_why_it_refuses(tmp_path, monkeypatch):
    rows = [
        {
            "dispositif": "CPI",
            "transition": "teleport",
            "kind": "cerfa",
            "only_with_afest": False,
            "source": "essai",
        }
    ]
    (tmp_path / REQUIREMENTS_FILE).write_text(json.dumps(rows), encoding="utf-8")
    monkeypatch.setattr("cases.reference.FIXTURES", tmp_path)
    with pytest.raises(CommandError, match=r"pièce requise n° 1 .* refusée — Étape : "):
        call_command("load_reference")


# Event kinds: each in French, in the history and the API.


def test_every_event_kind_has_a_french_label():
    labels = dict(DossierEventKind.choices)
    assert labels["created"] == "Création" and labels["transition"] == "Étape"
    assert all(label and label[0].isupper() for label in labels.values())


@pytest.mark.django_db
def test_the_history_names_each_event_in_french(client):
    from cases.services import dossier_record_change

    manager = UserFactory(role=Role.AGENCY_MANAGER)
    dossier = DossierFactory(cpi=True)
    manager.agencies.add(dossier.agency)
    dossier_record_change(dossier=dossier, by=manager, created=True, changed=["notes"])
    client.force_login(manager)
    page = client.get(reverse("admin:cases_dossier_change", args=[dossier.pk])).content.decode()
    assert "Création" in page
    api = APIClient()
    api.force_authenticate(manager)
    (event,) = api.get(f"/api/v1/dossiers/{dossier.pk}/events/").json()
    assert (event["kind"], event["kind_label"]) == ("created", "Création")
