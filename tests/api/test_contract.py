"""The API against its own OpenAPI schema (schemathesis), as a case worker with a token.

Every operation of the served schema — whoever adds it — is exercised in-process through
Django's WSGI application, with every check schemathesis has (`schemathesis.checks`, all
enabled: asserted below), in its explicit-examples, coverage and fuzzing phases, then as a
state machine that follows the links schemathesis infers between operations (an id a POST
returns, used by a GET, PUT or PATCH). Any server error, answer that breaks the schema,
undocumented status, valid request refused or invalid one accepted fails the test.

What an operation (a new endpoint included: nothing is listed here) needs to pass:
- every parameter, header and body field states what the API takes — type, bounds, pattern,
  enum; `format: siret` / `format: nir` for identifiers with a check key; dates of the
  serializers that use `DescribedSerializerMixin` get the 1900–2100 pattern, model decimals
  `StrictDecimalField`, request strings the no-NUL pattern — and the API refuses the rest;
- every status it can answer is documented, with the JSON error body (`config/schema.py`
  adds 400–415, 413 on writes and 409 for the view's `conflict_actions`);
- a reference to another record is named after the model field it sets (`agency`,
  `dossier`…: valid cases get real ids the caller may use);
- a refusal that depends on stored data (a duplicate, a state) is a 409, not a 400; a rule
  between fields that JSON Schema cannot state goes in CROSS_FIELD_RULES, with its reason.
"""

import json
import random
import uuid

import pytest
import schemathesis
from django.apps import apps
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, models
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import run_state_machine_as_test
from rest_framework.authtoken.models import Token
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.core.failures import FailureGroup
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation.modes import GenerationMode
from schemathesis.openapi.checks import RejectedPositiveData
from stdnum import luhn
from stdnum.fr import nir

from cases import selectors
from cases.choices import DocumentKind, DossierState
from cases.models import Document, User
from config.api_docs import SchemaView
from tests.factories import (
    ClientCompanyFactory,
    DossierFactory,
    MissionFactory,
    TrainingProviderFactory,
)

pytestmark = pytest.mark.schemathesis

# The run's budget: CI runs this file twice (SQLite, PostgreSQL) within the suite's time.
MAX_EXAMPLES = 15
STATEFUL_EXAMPLES = 10
STATEFUL_STEPS = 8


@pytest.fixture
def seeded(db, agency_a, agency_b, case_worker):
    """A few records of each kind in the case worker's agency and in another one."""
    for agency in (agency_a, agency_b):
        for trait, state in (("cpi", DossierState.DRAFT), ("car", DossierState.SUBMITTED)):
            dossier = DossierFactory(agency=agency, state=state, **{trait: True})
            MissionFactory(worker=dossier.worker, dossier=dossier)
            Document.objects.create(dossier=dossier, kind=DocumentKind.CERFA)
    ClientCompanyFactory()
    TrainingProviderFactory()
    return Token.objects.create(user=case_worker, key=TOKEN).user


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Call the WSGI app as Django's test client does: without closing the test's connection.

    Each request ends with Django's `close_old_connections`, which closes a connection that is
    inside a transaction — the test's own, on PostgreSQL. Django's test client disconnects it
    for the same reason.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _served_schema() -> dict:
    """The schema /api/schema/ serves, built at collection by the view's own generator.

    Collection has no database, hence no user to fetch the schema with (it is served to
    signed-in users only); the view builds it as for no particular reader anyway, so the
    document is the same (tests/security/test_api_docs.py).
    """
    generator = SchemaView.generator_class(urlconf=SchemaView.urlconf, patterns=SchemaView.patterns)
    served = generator.get_schema(request=None, public=SchemaView.serve_public)
    return json.loads(OpenApiJsonRenderer().render(served))


# The identifiers whose check key the schema names by a format: generated valid, so that a
# valid request is one the API must accept. (Invalid ones come from the negative phases.)
def _siret(digits: str) -> str:
    return digits + luhn.calc_check_digit(digits)


def _nir(digits: str) -> str:
    return digits + nir.calc_check_digits(digits)


schemathesis.openapi.format(
    "siret",
    st.from_regex(r"\A[0-9]{8}\Z")
    .map(_siret)
    .flatmap(lambda siren: st.from_regex(r"\A[0-9]{4}\Z").map(lambda tail: _siret(siren + tail))),
)
schemathesis.openapi.format(
    "nir",
    st.from_regex(r"\A[12][0-9]{4}(?:[0-9]{2}|2A|2B)[0-9]{6}\Z").map(_nir),
)

schema = schemathesis.openapi.from_dict(_served_schema())
schema.app, schema.location = get_wsgi_application(), "/api/schema/"  # as from_wsgi() does

# The case worker's token, the same in every test (so that schemathesis may cache it), given
# through schemathesis' auth: its `ignored_auth` check then knows what to take away.
TOKEN = "c0ffee" * 6 + "c0ff"


@schema.auth()
class TokenAuth:
    def get(self, case, context):
        return TOKEN

    def set(self, case, data, context):
        case.headers = {**(case.headers or {}), "Authorization": f"Token {data}"}


def _references() -> dict[str, type[models.Model]]:
    """Field name → model, for every relation of the project's models named alike everywhere."""
    found: dict[str, set] = {}
    for model in apps.get_models():
        if model._meta.app_label not in {"cases", "accords", "notifications", "reports"}:
            continue
        for field in model._meta.get_fields():
            if field.is_relation and not field.auto_created and field.related_model:
                found.setdefault(field.name, set()).add(field.related_model)
    return {name: next(iter(targets)) for name, targets in found.items() if len(targets) == 1}


REFERENCES = _references()


def _usable_ids(model, user) -> list[int]:
    """Ids of `model` the user may name: what its forms offer, else any it can read."""
    ids = list(selectors.choices_for(model, user=user).values_list("pk", flat=True)[:20])
    return ids or list(model._default_manager.values_list("pk", flat=True)[:20])


def _point_at_real_records(case, user: User) -> None:
    """A valid request names records that exist and that the caller may use.

    JSON Schema can say an id is a positive integer, not that the record exists in the
    caller's agencies; a made-up id is a documented 400 (a forged id is refused), so
    `positive_data_acceptance` would fault the API for the generator's guess. Positive cases
    get real ids instead, drawn from the caller's choices; negative cases keep theirs.
    """
    if case.meta is None or case.meta.generation.mode != GenerationMode.POSITIVE:
        return
    chooser = random.Random(case.id)
    for container in (case.query, case.body):
        if not isinstance(container, dict):
            continue
        for name, value in list(container.items()):
            model = REFERENCES.get(name)
            if model is None:
                continue
            ids = _usable_ids(model, user)
            if not ids:
                continue
            if isinstance(value, list):
                container[name] = sorted({chooser.choice(ids) for _ in value})
            elif isinstance(value, int) and not isinstance(value, bool):
                container[name] = chooser.choice(ids)
            elif isinstance(value, str) and value.isdigit() and container is case.query:
                container[name] = str(chooser.choice(ids))


def _pairs_in_order(data) -> None:
    """Dates that go in pairs (`…start` / `…end`) are given together and in order.

    « Both or neither » and « the end not before the start » link two fields; OpenAPI 3.0's
    JSON Schema cannot say it, and the API refuses the pair with a documented 400.
    """
    if isinstance(data, list):
        for item in data:
            _pairs_in_order(item)
        return
    if not isinstance(data, dict):
        return
    for value in data.values():
        _pairs_in_order(value)
    starts = [name for name in data if name.endswith("start")]
    pairs = [(name, name.removesuffix("start") + "end") for name in starts]
    pairs += [(name.removesuffix("end") + "start", name) for name in data if name.endswith("end")]
    pairs.append(("from", "to"))
    for start, end in set(pairs):
        first, last = data.get(start), data.get(end)
        if (first is None) != (last is None):  # one given without the other
            if start in data and end in data:
                data[start] = data[end] = None
            else:
                data.pop(start, None)
                data.pop(end, None)
        elif isinstance(first, str) and isinstance(last, str) and last < first:
            data[start], data[end] = last, first


def _fresh_idempotency_key(case) -> None:
    """Each generated request is a new request: it carries a key of its own.

    The generator draws keys from a small pool ("0", "00"…); a key reused with another body
    is the documented 422 of a client's mistake, not a valid request refused. The key's
    format is still tested by the negative phases, which keep the generated one.
    """
    if case.meta is None or case.meta.generation.mode != GenerationMode.POSITIVE:
        return
    if case.headers and "Idempotency-Key" in case.headers:
        case.headers["Idempotency-Key"] = str(uuid.uuid4())


def _prepare(case, user: User) -> None:
    _point_at_real_records(case, user)
    if case.meta is not None and case.meta.generation.mode == GenerationMode.POSITIVE:
        _pairs_in_order(case.body)
        _pairs_in_order(case.query)
    _fresh_idempotency_key(case)


# Rules between fields, or against stored data or today's date, that OpenAPI 3.0's JSON Schema
# cannot state: a request the schema allows may be refused with a documented 400 naming one
# of these fields — and only these. Path prefix → the fields such a refusal may name.
CROSS_FIELD_RULES = {
    # The training lies within the contract; the dispositif fits the worker.
    "/api/v1/dossiers/": {"training_start", "training_end", "dispositif", "worker"},
    # A mission attached to a dossier is the dossier's worker's.
    "/api/v1/missions/": {"dossier"},
    # A birth date is not in the future (the schema bounds the year to 1900–2100 only), and
    # comes before the registration as a job seeker.
    "/api/v1/workers/": {"birth_date", "job_seeker_since"},
    # An import reads the file's content: a CSV or XLSX export of the agency's back office,
    # which a schema's `format: binary` cannot describe.
    "/api/v1/mission-imports/": {"fichier"},
    # Reports: `period` or `from`+`to` (whole months), `table` required with `format=csv`,
    # `agency`/`region`/`company` required by their `scope`, and — a privacy rule, not a
    # format — a cohort under 5 people refused.
    "/api/v1/reports/": {"non_field_errors", "agency", "region", "company", "table"},
}


# Identifiers with a check key, named by `format: siret` / `format: nir`: the fuzzing phase
# draws them from the strategies registered above, but the coverage phase builds its strings
# without formats it does not know, so a made-up SIRET or NIR is a documented 400 there.
KEY_CHECKED_FIELDS = {"siret", "nir"}


def _refusable_fields(case) -> set[str]:
    fields = set(KEY_CHECKED_FIELDS)
    for prefix, rule_fields in CROSS_FIELD_RULES.items():
        if case.operation.path.startswith(prefix):
            fields |= rule_fields
    return fields


def _header_lost_in_transit(case, response) -> bool:
    """The generated header did not reach the API as generated (an empty or non-ASCII value
    that the HTTP transport drops or re-encodes): the API cannot refuse what it never got."""
    sent = getattr(getattr(response, "request", None), "headers", None) or {}
    for name, value in (case.headers or {}).items():
        if name.lower() == "authorization":
            continue
        if not isinstance(value, str) or sent.get(name) != value:
            return True
    return False


def _form_body_mutated(case) -> bool:
    """A multipart form whose fields the negative phase mutated.

    Form fields are text on the wire: an integer mutated into a string, a string into a
    number or a boolean, arrives as the same valid text ("1", "true"), so the API cannot
    tell. Headers, query and path of the same operation are still checked, and JSON bodies.
    """
    body = (case.meta.components or {}).get(ParameterLocation.BODY) if case.meta else None
    return (
        body is not None
        and body.mode == GenerationMode.NEGATIVE
        and (case.media_type or "").startswith("multipart/form-data")
    )


def _validate(case, response, **kwargs) -> None:
    """Every check. The one failure let through: `positive_data_acceptance` on a 400 that
    names only fields of the rules above (CROSS_FIELD_RULES, KEY_CHECKED_FIELDS)."""
    excluded = []
    if _header_lost_in_transit(case, response) or _form_body_mutated(case):
        excluded.append(CHECKS.get_one("negative_data_rejection"))
    try:
        case.validate_response(response, excluded_checks=excluded, **kwargs)
    except FailureGroup as group:
        if not all(isinstance(failure, RejectedPositiveData) for failure in group.exceptions):
            raise
        named = set(json.loads(response.content).get("errors", {}))
        if response.status_code != 400 or not named or not named <= _refusable_fields(case):
            raise


def test_every_check_is_enabled():
    """No check is left out: the run uses the whole registry (`--checks all`)."""
    load_all_checks()
    operation = next(result.ok() for result in schema.get_all_operations())
    config = schema.config.checks_config_for(operation=operation, phase=None)
    names = CHECKS.get_all_names()
    assert {"positive_data_acceptance", "use_after_free", "ignored_auth"} <= set(names)
    assert [name for name in names if not config.get_by_name(name=name).enabled] == []


def test_every_phase_is_enabled():
    for phase in ("examples", "coverage", "fuzzing", "stateful"):
        assert schema.config.phases.get_by_name(name=phase).enabled, phase


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_honours_its_schema(case, seeded):
    _prepare(case, seeded)
    _validate(case, case.call())


def test_api_holds_across_linked_calls(seeded):
    """The stateful phase: calls chained through the links, every check after each one."""

    class Scenario(schema.as_state_machine()):
        def before_call(self, case):
            _prepare(case, seeded)

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            _validate(
                case,
                response,
                additional_checks=additional_checks,
                transport_kwargs=kwargs or None,
                recorder=self.recorder,
            )

    run_state_machine_as_test(
        Scenario,
        settings=settings(
            max_examples=STATEFUL_EXAMPLES,
            stateful_step_count=STATEFUL_STEPS,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
        ),
    )
