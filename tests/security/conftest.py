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
def _reference_reloaded(django_db_blocker):
    """After a transactional test's flush, put back the session's reference data.

    The flush empties every table, including the rule sets and reminder offsets that
    `tests/conftest.py::django_db_setup` loads once per session; the tests that run after
    this one need them.
    """
    yield
    from accords.reference_rules import load_rule_sets
    from notifications.reference import load_reminder_offsets

    with django_db_blocker.unblock():
        load_rule_sets()
        load_reminder_offsets()


@pytest.fixture
def committed_db(_reference_reloaded, transactional_db):
    """Real commits (threads see each other's rows), with the reference data restored after.

    Requested after `_reference_reloaded`, so it is torn down (flushed) before the reload.
    """
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
