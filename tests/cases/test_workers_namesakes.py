"""People are never confused (issue #17): namesakes told apart wherever a worker is chosen or
listed, a probable duplicate refused until confirmed (admin and API), a NIR typed with spaces
or dots accepted, and the worker's page listing the worker's dossiers the reader may see."""

import datetime as dt

import pytest
from django.urls import reverse

from cases import services
from cases.choices import Role
from cases.exceptions import DuplicateWorker
from cases.models import Worker
from tests.factories import AgencyFactory, DossierFactory, UserFactory, WorkerFactory

NIR = "185057800608491"  # valid key (python-stdnum fr.nir)
NIR_TYPED = ("1 85 05 78 006 084 91", "1.85.05.78.006.084.91", " 185057800608491 ")


@pytest.fixture
def agency(db):
    return AgencyFactory(name="Agence Lyon")


@pytest.fixture
def manager(agency):
    return UserFactory(role=Role.AGENCY_MANAGER, agencies=[agency])


def _data(agency, **over):
    return {
        "agency": agency,
        "last_name": "Martin",
        "first_name": "Hugo",
        "birth_date": dt.date(1990, 2, 1),
        "employment": "CTT",
        **over,
    }


def test_namesakes_read_apart_by_birth_date_nir_end_and_agency(agency):
    one = WorkerFactory(agency=agency, last_name="Martin", first_name="Hugo", nir=NIR)
    two = WorkerFactory(
        agency=agency, last_name="Martin", first_name="Hugo", birth_date=dt.date(1992, 7, 3)
    )
    assert str(one) == "MARTIN Hugo (né(e) le 14/05/2003, NIR …91, Agence Lyon)"
    assert str(two) == "MARTIN Hugo (né(e) le 03/07/1992, Agence Lyon)"
    # Without its agency at hand, the label costs no query and still tells them apart.
    fresh = Worker.objects.get(pk=one.pk)
    assert str(fresh) == "MARTIN Hugo (né(e) le 14/05/2003, NIR …91)"


@pytest.mark.parametrize("typed", NIR_TYPED)
def test_a_nir_typed_with_spaces_or_dots_is_stored_compact(manager, agency, typed):
    worker = services.worker_create(by=manager, data=_data(agency, nir=typed))
    assert worker.nir == NIR


@pytest.mark.parametrize(
    "same",
    [
        {"nir": NIR, "last_name": "Autre", "birth_date": dt.date(1970, 1, 1)},
        {"last_name": " martin ", "first_name": "HUGO"},
    ],
    ids=["same NIR", "same name and birth date"],
)
def test_a_probable_duplicate_is_refused_until_confirmed(manager, agency, same):
    services.worker_create(by=manager, data=_data(agency, nir=NIR))
    with pytest.raises(DuplicateWorker, match="semble déjà enregistré : MARTIN Hugo"):
        services.worker_create(by=manager, data=_data(agency, **same))
    assert Worker.objects.count() == 1
    services.worker_create(by=manager, data=_data(agency, **same), confirm_duplicate=True)
    assert Worker.objects.count() == 2


def test_another_agencys_worker_is_not_revealed_as_a_duplicate(manager, agency):
    WorkerFactory(last_name="Martin", first_name="Hugo", birth_date=dt.date(1990, 2, 1))
    services.worker_create(by=manager, data=_data(agency))
    assert Worker.objects.count() == 2


def test_the_api_answers_409_on_a_duplicate_and_creates_on_confirmation(client, manager, agency):
    WorkerFactory(agency=agency, last_name="Martin", first_name="Hugo", nir=NIR)
    client.force_login(manager)
    payload = {
        "agency": agency.pk,
        "last_name": "Martin",
        "first_name": "Hugo",
        "birth_date": "1991-01-01",
        "employment": "CTT",
        "nir": "1 85 05 78 006 084 91",
    }
    refused = client.post("/api/v1/workers/", payload, content_type="application/json")
    assert refused.status_code == 409, refused.json()
    body = refused.json()
    assert body["code"] == "duplicate_worker"
    assert "MARTIN Hugo (né(e) le 14/05/2003, NIR …91" in body["detail"]
    assert "confirmez la création" in body["detail"]
    assert set(body["errors"]) == {"confirm_duplicate"}
    created = client.post(
        "/api/v1/workers/",
        {**payload, "confirm_duplicate": True},
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    assert "confirm_duplicate" not in created.json()
    assert Worker.objects.filter(nir=NIR).count() == 2


def test_the_schema_declares_the_duplicate_conflict(client, manager):
    client.force_login(manager)
    schema = client.get("/api/schema/", {"format": "json"}).json()
    create = schema["paths"]["/api/v1/workers/"]["post"]
    assert "duplicate_worker" in create["responses"]["409"]["description"]
    body = create["requestBody"]["content"]["application/json"]["schema"]["$ref"].split("/")[-1]
    assert "confirm_duplicate" in schema["components"]["schemas"][body]["properties"]


def _admin_post(client, agency, **over):
    data = {
        "agency": agency.pk,
        "last_name": "Martin",
        "first_name": "Hugo",
        "birth_date": "01/02/1990",
        "nir": "",
        "employment": "CTT",
        "highest_level": "0",
        "other_agencies_branch_hours": "0",
        **over,
    }
    return client.post(reverse("admin:cases_worker_add"), data)


def test_the_admin_accepts_a_nir_with_spaces(client, manager, agency):
    client.force_login(manager)
    response = _admin_post(client, agency, nir="1 85 05 78 006 084 91")
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Worker.objects.get().nir == NIR


def test_the_admin_warns_of_a_duplicate_and_creates_once_confirmed(client, manager, agency):
    WorkerFactory(agency=agency, last_name="Martin", first_name="Hugo", nir=NIR)
    client.force_login(manager)
    warned = _admin_post(client, agency, nir="1 85 05 78 006 084 91", birth_date="01/01/1991")
    assert warned.status_code == 200
    errors = warned.context["adminform"].form.errors["confirm_duplicate"]
    assert "MARTIN Hugo (né(e) le 14/05/2003, NIR …91, Agence Lyon)" in errors[0]
    assert Worker.objects.count() == 1
    confirmed = _admin_post(
        client, agency, nir="185057800608491", birth_date="01/01/1991", confirm_duplicate="on"
    )
    assert confirmed.status_code == 302
    assert Worker.objects.count() == 2


def test_the_worker_page_lists_the_dossiers_the_reader_may_see(client, agency):
    worker = WorkerFactory(agency=agency)
    shown = DossierFactory(agency=agency, worker=worker)
    user = UserFactory(role=Role.CASE_WORKER, agencies=[agency])
    client.force_login(user)
    page = client.get(reverse("admin:cases_worker_change", args=[worker.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Dossiers du salarié" in text
    assert reverse("admin:cases_dossier_change", args=[shown.pk]) in text
    assert str(shown) in text


def test_the_autocomplete_tells_namesakes_apart(client, agency, manager):
    WorkerFactory(agency=agency, last_name="Martin", first_name="Hugo")
    WorkerFactory(
        agency=agency, last_name="Martin", first_name="Hugo", birth_date=dt.date(1992, 7, 3)
    )
    client.force_login(manager)
    answer = client.get(
        reverse("admin:autocomplete"),
        {"term": "Martin", "app_label": "cases", "model_name": "dossier", "field_name": "worker"},
    ).json()
    texts = sorted(r["text"] for r in answer["results"])
    assert texts == [
        "MARTIN Hugo (né(e) le 03/07/1992, Agence Lyon)",
        "MARTIN Hugo (né(e) le 14/05/2003, Agence Lyon)",
    ]
