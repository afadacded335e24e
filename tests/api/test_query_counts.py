"""A list page costs a constant number of queries, whatever the number of rows (STYLE habit 9)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.choices import DocumentKind
from cases.models import Document
from tests.factories import ClientCompanyFactory, DossierFactory, MissionFactory, WorkerFactory

# Token lookup, agency ids, count, page, and one prefetch at most.
BUDGET = 6


def make_rows(agency, n):
    company = ClientCompanyFactory()
    for _ in range(n):
        worker = WorkerFactory(agency=agency)
        dossier = DossierFactory(agency=agency, worker=worker)
        dossier.client_companies.add(company)
        MissionFactory(worker=worker, dossier=dossier, client_company=company)
        Document.objects.create(dossier=dossier, kind=DocumentKind.CERFA)


def count_queries(api, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = api.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("resource", ["dossiers", "workers", "missions", "documents"])
def test_list_of_50_within_budget(api, agency_a, resource, django_assert_max_num_queries):
    make_rows(agency_a, 50)
    with django_assert_max_num_queries(BUDGET):
        response = api.get(f"/api/v1/{resource}/?page_size=50")
    assert len(response.json()["results"]) == 50


@pytest.mark.parametrize("resource", ["dossiers", "workers", "missions", "documents"])
def test_query_count_does_not_grow_with_rows(api, agency_a, resource):
    make_rows(agency_a, 3)
    few = count_queries(api, f"/api/v1/{resource}/?page_size=100")
    make_rows(agency_a, 30)
    many = count_queries(api, f"/api/v1/{resource}/?page_size=100")
    assert few == many
