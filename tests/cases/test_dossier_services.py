"""dossier_create / dossier_update: the writes the API (and later the admin) share."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from cases.choices import Dispositif, DossierState, Role
from cases.exceptions import DossierForbidden, DossierLocked, DossierNotFound
from cases.models import DossierEvent
from cases.services import (
    dossier_create,
    dossier_update,
    mission_create,
    worker_create,
    worker_update,
)
from tests.factories import (
    AgencyFactory,
    ClientCompanyFactory,
    DossierFactory,
    MissionFactory,
    UserFactory,
    WorkerFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def agency():
    return AgencyFactory()


@pytest.fixture
def user(agency):
    return UserFactory(role=Role.CASE_WORKER, agencies=[agency])


def plan(agency, **overrides):
    return {
        "dispositif": Dispositif.CPI,
        "agency": agency,
        "worker": WorkerFactory(agency=agency),
        "contract_start": dt.date(2026, 3, 2),
        "contract_end": dt.date(2027, 3, 1),
        "planned_training_hours": Decimal("400"),
        **overrides,
    }


def test_create_records_the_creation(agency, user):
    dossier = dossier_create(by=user, data=plan(agency))
    assert dossier.state == DossierState.DRAFT
    event = DossierEvent.objects.get(dossier=dossier)
    assert (event.kind, event.actor) == ("created", user)


def test_create_validates_the_whole_dossier(agency, user):
    with pytest.raises(ValidationError) as error:
        dossier_create(by=user, data=plan(agency, contract_end=dt.date(2026, 1, 1)))
    assert "contract_end" in error.value.message_dict


def test_create_refuses_another_agency(agency):
    stranger = UserFactory(role=Role.CASE_WORKER, agencies=[AgencyFactory()])
    with pytest.raises(DossierForbidden):
        dossier_create(by=stranger, data=plan(agency))


def test_create_never_takes_a_state(agency, user):
    with pytest.raises(ValueError):
        dossier_create(by=user, data={**plan(agency), "state": DossierState.CLOSED})


def test_update_records_changed_fields_only(agency, user):
    dossier = DossierFactory(agency=agency)
    dossier_update(
        dossier_id=dossier.pk, by=user, data={"eu_tutor": "Nouveau", "afest": dossier.afest}
    )
    event = DossierEvent.objects.get(dossier=dossier, kind="edited")
    assert event.data == {"fields": ["eu_tutor"]}


def test_update_without_change_records_nothing(agency, user):
    dossier = DossierFactory(agency=agency)
    dossier_update(dossier_id=dossier.pk, by=user, data={"eu_tutor": dossier.eu_tutor})
    assert not DossierEvent.objects.filter(dossier=dossier).exists()


def test_update_of_invisible_dossier_is_not_found(user):
    dossier = DossierFactory()
    with pytest.raises(DossierNotFound):
        dossier_update(dossier_id=dossier.pk, by=user, data={"notes": "x"})


@pytest.mark.parametrize("state", [DossierState.CLOSED, DossierState.CANCELLED])
def test_update_of_final_dossier_is_locked(agency, user, state):
    dossier = DossierFactory(agency=agency, state=state)
    with pytest.raises(DossierLocked):
        dossier_update(dossier_id=dossier.pk, by=user, data={"notes": "x"})


def test_update_cannot_move_the_dossier_elsewhere(agency, user):
    dossier = DossierFactory(agency=agency)
    with pytest.raises(ValueError):
        dossier_update(dossier_id=dossier.pk, by=user, data={"agency": AgencyFactory()})


def test_worker_create_refuses_another_agency(agency):
    stranger = UserFactory(role=Role.CASE_WORKER, agencies=[AgencyFactory()])
    data = {
        "agency": agency,
        "last_name": "Dupont",
        "first_name": "Lou",
        "birth_date": dt.date(1990, 1, 1),
        "employment": "CTT",
    }
    with pytest.raises(DossierForbidden):
        worker_create(by=stranger, data=data)


def test_worker_update_keeps_the_agency(agency, user):
    worker = WorkerFactory(agency=agency)
    worker_update(
        worker_id=worker.pk, by=user, data={"agency": AgencyFactory(), "first_name": "Sam"}
    )
    worker.refresh_from_db()
    assert (worker.agency, worker.first_name) == (agency, "Sam")


def test_mission_create_checks_the_dossier_worker(agency, user):
    dossier = DossierFactory(agency=agency)
    other = WorkerFactory(agency=agency)
    mission = MissionFactory.build(worker=other, dossier=dossier)
    data = {f: getattr(mission, f) for f in ("worker", "dossier", "start", "end", "hours")}
    data["client_company"] = ClientCompanyFactory()
    with pytest.raises(ValidationError) as error:
        mission_create(by=user, data=data)
    assert "dossier" in error.value.message_dict
