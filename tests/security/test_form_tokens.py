"""Promise: an admin form sent twice (double click, a POST sent again after a slow answer) is
saved once; the second submission goes where the first one led, with a French message.
The browser's double click is `tests/e2e/test_double_submit.py`."""

import datetime as dt
import re
import threading
import time
from unittest import mock

import pytest
from django.contrib.admin import ModelAdmin
from django.db import connections
from django.test import Client
from django.utils import timezone

from cases.choices import DossierState, Role
from cases.idempotency import idempotency_records_purge
from cases.models import Dossier, DossierEvent, FormSubmission
from config.form_tokens import ALREADY_SAVED
from tests.factories import AgencyFactory, DossierFactory, UserFactory, WorkerFactory
from tests.security.conftest import postgresql_only

ADD_URL = "/admin/cases/dossier/add/"
TOKEN = re.compile(r'<input type="hidden" name="_form_token" value="([^"]+)">')


def token_of(page) -> str:
    tokens = set(TOKEN.findall(page.content.decode()))
    assert len(tokens) == 1, tokens
    return tokens.pop()


def add_form_data(user, agency) -> dict:
    return {
        "dispositif": "CPI",
        "agency": agency.pk,
        "worker": WorkerFactory(agency=agency).pk,
        "case_worker": user.pk,
        "contract_start": "02/03/2026",
        "contract_end": "01/03/2027",
        "training_start": "02/03/2026",
        "training_end": "15/02/2027",
        "planned_training_hours": "400",
        "funding_programme": "standard",  # the form's default, which a browser sends
        "certification_code": "RNCP34860",
        "certification_title": "Préparateur de commandes",
        "agency_tutor": "Claire Tuteur",
        "eu_tutor": "Marc Tuteur",
        "_save": "Enregistrer",
    }


@pytest.fixture
def browser(client, case_worker):
    client.force_login(case_worker)
    return client


@pytest.fixture
def form(browser, case_worker, agency) -> dict:
    """The add-dossier form as the page sends it, hidden token included."""
    return {**add_form_data(case_worker, agency), "_form_token": token_of(browser.get(ADD_URL))}


def test_the_same_add_form_sent_twice_creates_one_dossier(browser, form):
    first = browser.post(ADD_URL, form)
    second = browser.post(ADD_URL, form)

    assert Dossier.objects.count() == 1
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    page = browser.get(second["Location"])
    assert ALREADY_SAVED in [str(m) for m in page.context["messages"]]
    assert DossierEvent.objects.filter(kind="created").count() == 1


def test_without_the_token_the_same_form_sent_twice_creates_two_dossiers(browser, form):
    """The control: what the token prevents."""
    del form["_form_token"]
    browser.post(ADD_URL, form)
    browser.post(ADD_URL, form)
    assert Dossier.objects.count() == 2


def test_every_admin_form_carries_a_token_new_to_each_page(browser, agency):
    dossier = DossierFactory(agency=agency)
    pages = [
        browser.get(ADD_URL),
        browser.get(ADD_URL),
        browser.get(f"/admin/cases/dossier/{dossier.pk}/change/"),
        browser.get(f"/admin/cases/worker/{dossier.worker.pk}/change/"),
        browser.get(f"/admin/cases/dossier/{dossier.pk}/transition/cancel/"),
    ]
    tokens = [token_of(page) for page in pages]
    assert len(set(tokens)) == len(tokens)


def test_a_form_refused_with_errors_may_be_sent_again_corrected(browser, form):
    refused = browser.post(ADD_URL, {**form, "contract_end": "01/01/2020"})
    assert refused.status_code == 200 and not Dossier.objects.exists()
    assert not FormSubmission.objects.exists()

    saved = browser.post(ADD_URL, form)  # the same page, corrected, same token
    assert saved.status_code == 302
    assert Dossier.objects.count() == 1


def test_a_step_form_sent_twice_runs_the_step_once(browser, agency):
    dossier = DossierFactory(cpi=True, agency=agency)
    url = f"/admin/cases/dossier/{dossier.pk}/transition/cancel/"
    data = {
        "cancellation_reason": "error",
        "comment": "Erreur de saisie.",
        "_form_token": token_of(browser.get(url)),
    }
    first = browser.post(url, data)
    second = browser.post(url, data)

    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    dossier.refresh_from_db()
    assert dossier.state == DossierState.CANCELLED
    assert DossierEvent.objects.filter(dossier=dossier, transition="cancel").count() == 1
    page = browser.get(second["Location"])
    messages = [str(m) for m in page.context["messages"]]
    assert ALREADY_SAVED in messages and not any("modifié entre-temps" in m for m in messages)


def test_another_users_token_is_no_shortcut_to_their_page(browser, form, agency):
    assert browser.post(ADD_URL, form).status_code == 302
    colleague = UserFactory(role=Role.CASE_WORKER, agencies=[agency])
    other = Client()
    other.force_login(colleague)
    answer = other.post(
        ADD_URL, {**add_form_data(colleague, agency), "_form_token": form["_form_token"]}
    )
    assert answer.status_code == 302
    assert Dossier.objects.count() == 2  # processed as a form of its own


def test_form_tokens_expire_then_are_purged(browser, form, settings):
    browser.post(ADD_URL, form)
    later = timezone.now() + dt.timedelta(hours=settings.IDEMPOTENCY_TTL_HOURS, minutes=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert idempotency_records_purge(now=later)["form_submissions"] == 1
    assert not FormSubmission.objects.exists()


@postgresql_only
def test_a_double_click_two_posts_at_once_creates_one_dossier(committed_db):
    """The second POST arrives while the first is saving: it waits, then follows it."""
    agency = AgencyFactory()
    user = UserFactory(role=Role.CASE_WORKER, agencies=[agency])
    clients = [Client(), Client()]
    for client in clients:
        client.force_login(user)
    form = {**add_form_data(user, agency), "_form_token": token_of(clients[0].get(ADD_URL))}
    barrier = threading.Barrier(2)
    answers: list = [None, None]
    real_save = ModelAdmin.save_model

    def slow_save(self, request, obj, form, change):
        time.sleep(1)
        return real_save(self, request, obj, form, change)

    def send(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            time.sleep(0.2 * index)
            answers[index] = clients[index].post(ADD_URL, form)
        finally:
            connections.close_all()

    with mock.patch.object(ModelAdmin, "save_model", slow_save):
        threads = [threading.Thread(target=send, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

    assert Dossier.objects.filter(agency=agency).count() == 1
    assert [a.status_code for a in answers] == [302, 302]
    assert answers[0]["Location"] == answers[1]["Location"]
