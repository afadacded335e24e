"""The API against its own OpenAPI schema (schemathesis), as a case worker with a token.

Every operation is exercised with generated data, valid and invalid, in-process through
Django's WSGI application: any server error, response that breaks the schema or status
code the schema does not document fails the test.
"""

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.specs.openapi.checks import positive_data_acceptance

from cases.choices import DocumentKind, DossierState
from cases.models import Document
from config.api_docs import SchemaView
from tests.factories import DossierFactory, MissionFactory

pytestmark = pytest.mark.schemathesis


@pytest.fixture
def seeded(db, agency_a, agency_b, case_worker):
    """A few records of each kind in the case worker's agency and in another one."""
    for agency in (agency_a, agency_b):
        for trait, state in (("cpi", DossierState.DRAFT), ("car", DossierState.SUBMITTED)):
            dossier = DossierFactory(agency=agency, state=state, **{trait: True})
            MissionFactory(worker=dossier.worker, dossier=dossier)
            Document.objects.create(dossier=dossier, kind=DocumentKind.CERFA)
    return Token.objects.create(user=case_worker).key


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


schema = schemathesis.openapi.from_dict(_served_schema())
schema.app, schema.location = get_wsgi_application(), "/api/schema/"  # as from_wsgi() does


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_honours_its_schema(case, seeded):
    case.call_and_validate(
        headers={"Authorization": f"Token {seeded}"},
        # Valid JSON can still be refused with a documented 400: SIRET and NIR checksums,
        # records that do not exist or lie outside the caller's agencies, dates out of order.
        # JSON Schema cannot express those rules, so a 400 there is not a contract breach.
        excluded_checks=[positive_data_acceptance],
    )
