"""Promises on retention and the right of access: `anonymise_closed` (dry run by default,
--wet-run, --limit, one transaction per person, idempotent, aggregates kept) and
`export_person` (everything held about one person, as JSON)."""

import datetime as dt
import json
import os
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.utils import timezone

from cases.choices import DossierState
from cases.models import Document, Dossier, DossierEvent, SensitiveDataAccess, Worker
from cases.services import dossier_run_transition
from notifications.models import Notification
from tests.factories import DossierFactory, MissionFactory, WorkerFactory

pytestmark = pytest.mark.django_db
NIR = "185057800608491"
CANCEL = {"cancellation_reason": "error", "comment": "Erreur de saisie pour Mme Zorglub."}


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def _closed_long_ago(agency, case_worker, days_ago=800, **worker):
    person = WorkerFactory(
        agency=agency,
        last_name="Zorglub",
        first_name="Léa",
        nir=NIR,
        birth_date=dt.date(1985, 5, 14),
        at_mp=True,
        at_mp_date=dt.date(2023, 1, 9),
        fitness_status="unfit",
        rsa=True,
        **worker,
    )
    dossier = DossierFactory(
        cpi=True, agency=agency, worker=person, notes="Appeler Mme Zorglub", eu_tutor="M. Dupont"
    )
    MissionFactory(worker=person, dossier=dossier)
    dossier_run_transition(dossier_id=dossier.pk, name="cancel", by=case_worker, data=CANCEL)
    document = Document(dossier=dossier, kind="cerfa", status="received", note="NIR joint")
    document.file.save("cerfa-zorglub.pdf", ContentFile(b"%PDF-1.4 Zorglub"), save=True)
    Notification.objects.create(
        recipient=case_worker, dossier=dossier, kind="d0", level="urgent", message="Zorglub Léa"
    )
    past = timezone.now() - dt.timedelta(days=days_ago)
    DossierEvent.objects.filter(dossier=dossier).update(created=past)
    Dossier.objects.filter(pk=dossier.pk).update(updated=past)
    return person, dossier, document


def test_the_default_is_a_dry_run_that_changes_nothing(agency, case_worker):
    person, _, _ = _closed_long_ago(agency, case_worker)
    out = run("anonymise_closed", "--older-than", "730")
    assert "Simulation : 1 salarié(s)" in out and str(person.pk) in out
    person.refresh_from_db()
    assert (person.last_name, person.nir, person.anonymised_on) == ("Zorglub", NIR, None)


def test_wet_run_removes_identity_and_keeps_the_aggregates(agency, case_worker):
    person, dossier, document = _closed_long_ago(agency, case_worker)
    out = run("anonymise_closed", "--older-than", "730", "--wet-run")
    assert "Anonymisé(s) : 1" in out
    person.refresh_from_db()
    assert person.last_name == "ANONYME" and "Léa" not in person.first_name
    assert person.nir == ""
    assert person.birth_date == dt.date(1985, 1, 1)  # the year, for the age band
    assert (person.at_mp_date, person.fitness_status) == (None, "")
    assert person.rsa and person.at_mp  # publics criteria that reports count
    assert person.anonymised_on == timezone.localdate()
    dossier.refresh_from_db()
    assert (dossier.dispositif, dossier.state) == ("CPI", DossierState.CANCELLED)
    assert dossier.contract_start and dossier.planned_training_hours
    assert (dossier.notes, dossier.eu_tutor) == ("", "")
    assert not DossierEvent.objects.filter(dossier=dossier).exclude(comment="").exists()
    assert not Notification.objects.filter(message__contains="Zorglub").exists()
    document.refresh_from_db()
    assert (document.file.name, document.note, document.kind) == ("", "", "cerfa")
    # The history keeps no old copy of the name.
    assert not Worker.history.filter(id=person.pk, last_name="Zorglub").exists()
    assert not Dossier.history.filter(id=dossier.pk).exclude(notes="").exists()
    assert "Zorglub" not in run("export_person", str(person.pk))
    assert person.missions.count() == 1  # missions (hours, dates) stay


def test_the_file_is_deleted_once_the_transaction_commits(
    agency, case_worker, django_capture_on_commit_callbacks
):
    _, _, document = _closed_long_ago(agency, case_worker)
    path = document.file.path
    with django_capture_on_commit_callbacks(execute=True):
        run("anonymise_closed", "--older-than", "730", "--wet-run")
    assert not os.path.exists(path)


def test_it_is_idempotent(agency, case_worker):
    _closed_long_ago(agency, case_worker)
    assert "Anonymisé(s) : 1" in run("anonymise_closed", "--older-than", "730", "--wet-run")
    assert "Anonymisé(s) : 0" in run("anonymise_closed", "--older-than", "730", "--wet-run")
    assert "Simulation : 0" in run("anonymise_closed", "--older-than", "730")


def test_recent_or_open_dossiers_are_left_alone(agency, case_worker):
    recent, _, _ = _closed_long_ago(agency, case_worker, days_ago=30)
    still_open, _, _ = _closed_long_ago(agency, case_worker)
    DossierFactory(cpi=True, agency=agency, worker=still_open)  # a new dossier, open
    run("anonymise_closed", "--older-than", "730", "--wet-run")
    assert (
        Worker.objects.filter(pk__in=[recent.pk, still_open.pk], last_name="Zorglub").count() == 2
    )


def test_limit_bounds_the_number_of_people(agency, case_worker):
    for _ in range(3):
        _closed_long_ago(agency, case_worker)
    assert "Anonymisé(s) : 2" in run(
        "anonymise_closed", "--older-than", "730", "--wet-run", "--limit", "2"
    )
    assert Worker.objects.filter(anonymised_on__isnull=False).count() == 2


def test_bad_arguments_are_refused_in_french():
    with pytest.raises(CommandError, match="positif"):
        run("anonymise_closed", "--older-than", "-1")


def test_export_person_gives_everything_held_about_one_person(agency, case_worker):
    person, dossier, _ = _closed_long_ago(agency, case_worker, days_ago=10)
    SensitiveDataAccess.objects.create(
        worker=person, username="cc", nir=True, channel="api", where="GET /api/v1/workers/1/"
    )
    data = json.loads(run("export_person", str(person.pk)))
    assert data["worker"]["nir"] == NIR and data["worker"]["last_name"] == "Zorglub"
    assert data["worker"]["at_mp_date"] == "2023-01-09"
    assert [d["id"] for d in data["dossiers"]] == [dossier.pk]
    assert {e["transition"] for e in data["events"]} >= {"cancel"}
    assert [d["file_name"] for d in data["documents"]] == ["cerfa-zorglub.pdf"]
    assert any(n["message"] == "Zorglub Léa" for n in data["notifications"])
    assert data["sensitive_data_access"][0]["where"] == "GET /api/v1/workers/1/"
    assert data["worker_history"]
    # The export itself is a sensitive read, and is logged.
    assert SensitiveDataAccess.objects.filter(worker=person, channel="export").exists()


def test_export_person_of_an_unknown_id_is_a_french_error(db):
    with pytest.raises(CommandError, match="Aucun salarié"):
        run("export_person", "999999")
