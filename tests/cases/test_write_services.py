"""The write services check scope and role themselves: a forged id, or a role the table does
not allow, is refused with a French message and nothing is written — whatever the form or
serializer in front of them offered."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases import services
from cases.choices import DocumentStatus, Role
from cases.exceptions import DossierForbidden, DossierNotFound, OutOfScope, RecordInUse
from cases.models import Document, Mission, Worker
from tests.factories import (
    AgencyFactory,
    ClientCompanyFactory,
    DossierFactory,
    MissionFactory,
    TrainingProviderFactory,
    UserFactory,
    WorkerFactory,
)

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%test\n"
NIR = "185057800608491"


@pytest.fixture
def mine():
    return AgencyFactory()


@pytest.fixture
def theirs():
    return AgencyFactory()


@pytest.fixture
def user(mine):
    return UserFactory(role=Role.CASE_WORKER, agencies=[mine])


@pytest.fixture
def training_manager(mine):
    return UserFactory(role=Role.TRAINING_MANAGER, agencies=[mine])


@pytest.fixture
def administrator():
    return UserFactory(role=Role.ADMINISTRATOR)


def mission_data(worker, **overrides):
    return {
        "worker": worker,
        "client_company": ClientCompanyFactory(),
        "start": dt.date(2026, 4, 1),
        "end": dt.date(2026, 4, 30),
        "hours": Decimal("140"),
        **overrides,
    }


# --- Forged ids ---------------------------------------------------------------------------------


def test_a_mission_for_another_agencys_worker_is_refused(user, theirs):
    foreign = WorkerFactory(agency=theirs)
    with pytest.raises(OutOfScope, match="n'appartient pas à vos agences") as error:
        services.mission_create(by=user, data=mission_data(foreign))
    assert error.value.errors["worker"] == [
        f"Le salarié n° {foreign.pk} n'appartient pas à vos agences. Choisissez une valeur "
        "parmi celles que propose le formulaire."
    ]
    assert not Mission.objects.exists()


def test_a_mission_on_another_agencys_dossier_is_refused(user, mine, theirs):
    foreign = DossierFactory(agency=theirs)
    with pytest.raises(OutOfScope, match=r"Le dossier n° .* n'appartient pas à vos agences"):
        services.mission_create(
            by=user, data=mission_data(WorkerFactory(agency=mine), dossier=foreign)
        )
    assert not Mission.objects.exists()


def test_another_agencys_mission_is_not_found(user, theirs):
    mission = MissionFactory(worker=WorkerFactory(agency=theirs))
    with pytest.raises(DossierNotFound):
        services.mission_update(mission_id=mission.pk, by=user, data={"hours": Decimal("1")})
    with pytest.raises(DossierNotFound):
        services.mission_delete(mission_id=mission.pk, by=user)
    mission.refresh_from_db()
    assert mission.hours == Decimal("140")


def test_a_document_cannot_be_planted_in_another_agencys_dossier(user, theirs, settings):
    foreign = DossierFactory(agency=theirs)
    with pytest.raises(DossierNotFound):
        services.document_upload(
            dossier_id=foreign.pk,
            kind="cerfa",
            file=SimpleUploadedFile("cerfa.pdf", PDF),
            status=DocumentStatus.VALIDATED,
            by=user,
        )
    assert not Document.objects.exists()
    assert not settings.MEDIA_ROOT.exists() or not list(settings.MEDIA_ROOT.rglob("*"))


def test_another_agencys_document_is_not_found(user, theirs):
    document = Document.objects.create(dossier=DossierFactory(agency=theirs), kind="cerfa")
    with pytest.raises(DossierNotFound):
        services.document_update(document_id=document.pk, by=user, data={"status": "validated"})
    with pytest.raises(DossierNotFound):
        services.document_delete(document_id=document.pk, by=user)
    document.refresh_from_db()
    assert document.status == DocumentStatus.EXPECTED


def test_a_dossier_names_only_the_users_workers_and_colleagues(user, mine, theirs):
    plan = {
        "dispositif": "CPI",
        "agency": mine,
        "worker": WorkerFactory(agency=theirs),
        "contract_start": dt.date(2026, 3, 2),
        "contract_end": dt.date(2027, 3, 1),
        "planned_training_hours": Decimal("400"),
    }
    with pytest.raises(OutOfScope, match="salarié"):
        services.dossier_create(by=user, data=plan)
    stranger = UserFactory(agencies=[theirs])
    plan["worker"] = WorkerFactory(agency=mine)
    with pytest.raises(OutOfScope, match="utilisateur"):
        services.dossier_create(by=user, data={**plan, "case_worker": stranger})
    dossier = services.dossier_create(by=user, data={**plan, "case_worker": user})
    with pytest.raises(OutOfScope):
        services.dossier_update(dossier_id=dossier.pk, by=user, data={"case_worker": stranger})
    dossier.refresh_from_db()
    assert dossier.case_worker == user


def test_a_worker_is_recorded_only_in_the_users_agencies(user, theirs):
    data = {
        "agency": theirs,
        "last_name": "Dupont",
        "first_name": "Lou",
        "birth_date": dt.date(1990, 1, 1),
        "employment": "CTT",
    }
    with pytest.raises(OutOfScope, match=r"L'agence n° .* n'est pas l'une de vos agences"):
        services.worker_create(by=user, data=data)
    assert not Worker.objects.exists()


# --- Who did it: the server says ---------------------------------------------------------------


def test_the_uploader_is_the_caller(user, mine):
    dossier = DossierFactory(agency=mine)
    document = services.document_upload(
        dossier_id=dossier.pk, kind="cerfa", file=SimpleUploadedFile("cerfa.pdf", PDF), by=user
    )
    assert (document.uploaded_by, document.status) == (user, DocumentStatus.RECEIVED)
    services.document_update(document_id=document.pk, by=user, data={"status": "validated"})
    event = dossier.events.filter(kind="document").first()
    assert event.actor == user and "validée" in event.comment
    assert document.history.latest().history_user == user


# --- What the role table says -------------------------------------------------------------------


def test_a_training_manager_writes_no_temp_worker_mission_or_company(training_manager, mine):
    worker = WorkerFactory(agency=mine, nir=NIR)
    with pytest.raises(DossierForbidden):
        services.worker_update(worker_id=worker.pk, by=training_manager, data={"nir": ""})
    with pytest.raises(DossierForbidden):
        services.worker_create(by=training_manager, data={"agency": mine})
    with pytest.raises(DossierForbidden):
        services.mission_create(by=training_manager, data=mission_data(worker))
    with pytest.raises(DossierForbidden):
        services.client_company_create(by=training_manager, data={"name": "X"})
    company = ClientCompanyFactory()
    with pytest.raises(DossierForbidden):
        services.client_company_update(
            client_company_id=company.pk, by=training_manager, data={"name": "X"}
        )
    # Training providers they do pick (the OF of a Pro-A): cases.permissions, « Decisions ».
    worker.refresh_from_db()
    assert worker.nir == NIR and not Mission.objects.exists()


def test_nobody_overwrites_a_nir_or_health_data_they_may_not_read(user, mine, monkeypatch):
    worker = WorkerFactory(agency=mine, nir=NIR)
    monkeypatch.setattr("cases.services.workers.may_write_nir", lambda by, worker: False)
    monkeypatch.setattr("cases.services.workers.may_see_health_data", lambda by: False)
    # A NIR sent by who may not read it is refused whatever its value, the stored one included:
    # a refusal that depended on the value would confirm the number.
    for value in ("", NIR):
        with pytest.raises(DossierForbidden, match="NIR"):
            services.worker_update(worker_id=worker.pk, by=user, data={"nir": value})
    with pytest.raises(DossierForbidden, match="santé"):
        services.worker_update(worker_id=worker.pk, by=user, data={"at_mp": True})
    # Sending back an unchanged health field is no write of it.
    services.worker_update(worker_id=worker.pk, by=user, data={"at_mp": False, "first_name": "Sam"})
    worker.refresh_from_db()
    assert (worker.nir, worker.at_mp, worker.first_name) == (NIR, False, "Sam")


# --- Shared client companies and training providers ---------------------------------------------


def test_a_shared_record_is_changed_only_while_no_other_agency_uses_it(
    user, mine, theirs, administrator
):
    company = services.client_company_create(
        by=user, data={"name": "Logistique", "siret": ClientCompanyFactory.build().siret}
    )
    services.client_company_update(client_company_id=company.pk, by=user, data={"city": "Lyon"})
    DossierFactory(agency=mine).client_companies.add(company)
    services.client_company_update(client_company_id=company.pk, by=user, data={"city": "Bron"})
    MissionFactory(worker=WorkerFactory(agency=theirs), client_company=company)
    with pytest.raises(DossierForbidden, match="seul un administrateur"):
        services.client_company_update(client_company_id=company.pk, by=user, data={"name": "X"})
    company.refresh_from_db()
    assert (company.name, company.city) == ("Logistique", "Bron")
    services.client_company_update(
        client_company_id=company.pk, by=administrator, data={"name": "Logistique SA"}
    )

    provider = TrainingProviderFactory()
    DossierFactory(agency=theirs, training_provider=provider)
    with pytest.raises(DossierForbidden, match="seul un administrateur"):
        services.training_provider_update(
            training_provider_id=provider.pk, by=user, data={"city": "X"}
        )


def test_nobody_deletes_a_shared_record_in_use(user, mine, administrator):
    company, provider = ClientCompanyFactory(), TrainingProviderFactory()
    dossier = DossierFactory(agency=mine, training_provider=provider)
    dossier.client_companies.add(company)
    with pytest.raises(DossierForbidden):  # the role table: case workers delete neither
        services.client_company_delete(client_company_id=company.pk, by=user)
    with pytest.raises(RecordInUse, match="ne peut pas être supprimée"):
        services.client_company_delete(client_company_id=company.pk, by=administrator)
    with pytest.raises(RecordInUse, match="ne peut pas être supprimé"):
        services.training_provider_delete(training_provider_id=provider.pk, by=administrator)
    assert list(dossier.client_companies.all()) == [company]
    unused = ClientCompanyFactory()
    services.client_company_delete(client_company_id=unused.pk, by=administrator)


def test_an_update_checks_only_the_relations_it_changes(user, mine, theirs):
    """A colleague who moved to another agency stays the case worker of their old dossiers:
    sending the dossier back unchanged is no forged id."""
    colleague = UserFactory(agencies=[theirs])
    dossier = DossierFactory(agency=mine, case_worker=colleague)
    services.dossier_update(
        dossier_id=dossier.pk, by=user, data={"case_worker": colleague, "notes": "Vu."}
    )
    dossier.refresh_from_db()
    assert (dossier.case_worker, dossier.notes) == (colleague, "Vu.")
