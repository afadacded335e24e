"""A double click on « Enregistrer » of the dossier add form, in Chromium: one dossier.

The save is slowed down so that the second click sends a second POST while the first one is
being saved; the browser drops the first answer and shows the second's, which leads where the
first save led."""

import datetime as dt
import time
from unittest import mock

import pytest
from django.db import connection
from django.utils import timezone
from playwright.sync_api import Page, expect

from cases.admin.base import ServiceWritesMixin
from cases.choices import Role
from cases.models import Dossier
from tests.e2e.test_case_worker_day import choose, fr, log_in
from tests.factories import AgencyFactory, UserFactory, WorkerFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="two requests at once: the live server shares one in-memory SQLite connection "
        "between its threads (DATABASE_URL for PostgreSQL)",
    ),
]


@pytest.fixture
def world(reference_data):
    agency = AgencyFactory(name="Agence Lyon Part-Dieu")
    user = UserFactory(username="camille", role=Role.CASE_WORKER, agencies=[agency])
    worker = WorkerFactory(agency=agency, last_name="Moreau", first_name="Léa")
    return {"user": user, "agency": agency, "worker": worker}


def test_a_double_click_on_save_creates_one_dossier(page: Page, live_server, world, shot):
    page.set_default_timeout(15000)
    base = live_server.url
    start = timezone.localdate() - dt.timedelta(days=1)
    log_in(page, base, "camille")
    page.goto(f"{base}/admin/cases/dossier/add/")
    page.select_option("#id_dispositif", "CPI")
    page.select_option("#id_agency", str(world["agency"].pk))
    choose(page, "worker", "Moreau", "MOREAU Léa")
    page.select_option("#id_case_worker", str(world["user"].pk))
    page.fill("#id_contract_start", fr(start))
    page.fill("#id_contract_end", fr(start + dt.timedelta(days=364)))
    page.fill("#id_training_start", fr(start))
    page.fill("#id_training_end", fr(start + dt.timedelta(days=350)))
    page.fill("#id_certification_code", "RNCP34860")
    page.fill("#id_certification_title", "Préparateur de commandes")
    page.fill("#id_agency_tutor", "Claire Tuteur")
    page.fill("#id_eu_tutor", "Marc Tuteur")
    page.fill("#id_planned_training_hours", "400")
    posts: list[str] = []
    page.on(
        "request",
        lambda r: r.method == "POST" and r.url.endswith("/dossier/add/") and posts.append(r.url),
    )
    real_save = ServiceWritesMixin.save_model  # the admin's saves (cases.admin.base)

    def slow_save(self, request, obj, form, change):
        time.sleep(1.5)
        return real_save(self, request, obj, form, change)

    with mock.patch.object(ServiceWritesMixin, "save_model", slow_save):
        # Two clicks of the mouse a moment apart, the second while the first save runs.
        # (Playwright's dblclick fires both clicks in one task: Chromium then sends the form
        # once; its element click waits for the first navigation: no second click at all.)
        save = page.locator("input[name=_save]")
        save.scroll_into_view_if_needed()
        box = save.bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        page.mouse.click(x, y)
        page.wait_for_timeout(300)
        page.mouse.click(x, y)
        expect(page.locator(".messagelist")).to_contain_text(
            "Ce formulaire a déjà été enregistré.", timeout=30000
        )
    shot("double-clic-enregistrer")

    assert len(posts) == 2, posts  # the browser did send the form twice
    assert Dossier.objects.filter(worker=world["worker"]).count() == 1
    dossier = Dossier.objects.get(worker=world["worker"])
    assert dossier.state == "draft"
    assert page.url.endswith("/admin/cases/dossier/")  # where the first save led
