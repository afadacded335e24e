"""Query budgets (issue 14, « Budgets »; STYLE.md habit 9): a step and the dossier page run a
small fixed number of queries whatever the dossier holds, so that an N+1 fails here.

The budgets are the numbers measured when they were set (README « Query budgets »), on SQLite
and PostgreSQL alike; a change that needs more says so by raising them here.
"""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.choices import DocumentKind, Role
from cases.models import Document
from cases.services import dossier_run_transition
from tests.factories import DossierFactory, MissionFactory, UserFactory

pytestmark = pytest.mark.django_db

# 43, +1: the register flags read the client companies once, +1: the ledger lines once
DOSSIER_PAGE_BUDGET = 45
STEP_BUDGET = 16  # 15, and the webhook endpoints that want the step (webhooks.receivers)


def _dossier_holding(n: int):
    call_command("load_reference", verbosity=0)
    dossier = DossierFactory(cpi=True)
    for _ in range(n):
        MissionFactory(worker=dossier.worker, dossier=dossier)
        Document.objects.create(dossier=dossier, kind=DocumentKind.OTHER)
    user = UserFactory(role=Role.CASE_WORKER, agencies=[dossier.agency])
    return dossier, user


def _page_queries(client, n: int) -> int:
    dossier, user = _dossier_holding(n)
    client.force_login(user)
    url = reverse("admin:cases_dossier_change", args=[dossier.pk])
    client.get(url)  # warm the per-process caches (content types, reference data)
    with CaptureQueriesContext(connection) as page:
        assert client.get(url).status_code == 200
    return len(page)


def _step_queries(n: int) -> int:
    dossier, user = _dossier_holding(n)
    data = {"cancellation_reason": "error", "comment": "Créé par erreur."}
    with CaptureQueriesContext(connection) as step:
        dossier_run_transition(dossier_id=dossier.pk, name="cancel", by=user, data=data)
    return len(step)


def test_the_dossier_page_runs_a_fixed_number_of_queries(client):
    few, many = _page_queries(client, 1), _page_queries(client, 10)
    assert few == many, (few, many)
    assert many <= DOSSIER_PAGE_BUDGET, many


def test_a_step_runs_a_fixed_number_of_queries():
    few, many = _step_queries(1), _step_queries(10)
    assert few == many, (few, many)
    assert many <= STEP_BUDGET, many
