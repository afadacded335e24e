import pytest
from django.db import connection

from cases.choices import Role
from cases.reference import load_document_requirements
from tests.factories import AgencyFactory, UserFactory

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks across threads need PostgreSQL (DATABASE_URL)",
)


@pytest.fixture
def committed_db(transactional_db):
    """Real commits (threads see each other's rows); `tests/conftest.py` restores the
    reference data after the flush."""
    load_document_requirements()


@pytest.fixture
def agency(db):
    load_document_requirements()
    return AgencyFactory(departement="75")


@pytest.fixture
def case_worker(agency):
    return UserFactory(role=Role.CASE_WORKER, agencies=[agency], email="cc@demo.invalid")


@pytest.fixture
def manager(agency):
    return UserFactory(role=Role.AGENCY_MANAGER, agencies=[agency], email="am@demo.invalid")
