import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from cases.choices import Role
from cases.reference import load_document_requirements
from tests.factories import AgencyFactory, UserFactory

PARIS = ZoneInfo("Europe/Paris")


def at(day: str, hour: int = 9) -> dt.datetime:
    """A moment in Paris time, for services that take `now`."""
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), tzinfo=PARIS)


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
