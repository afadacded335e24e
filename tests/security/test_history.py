"""Promise: every change to a dossier, worker, mission, document, rule set or funding rate is
recorded with who and when (django-simple-history), readable in the admin within the reader's
scope; the worker history keeps no copy of the NIR or of health data."""

import pytest
from django.urls import reverse

from accords.models import FundingRate, RuleSet
from accords.reference_rules import load_rule_sets
from cases.choices import DossierState, Role
from cases.services import dossier_run_transition, dossier_update, worker_update
from tests.factories import AgencyFactory, DossierFactory, UserFactory, WorkerFactory

pytestmark = pytest.mark.django_db
CANCEL = {"cancellation_reason": "error", "comment": "Erreur de saisie."}


def test_a_step_is_in_the_dossier_history_with_who_and_when(agency, case_worker):
    dossier = DossierFactory(cpi=True, agency=agency)
    before = dossier.history.count()
    dossier_run_transition(dossier_id=dossier.pk, name="cancel", by=case_worker, data=CANCEL)
    latest = dossier.history.latest()
    assert dossier.history.count() == before + 1
    assert (latest.state, latest.history_user, latest.history_type) == (
        DossierState.CANCELLED,
        case_worker,
        "~",
    )
    assert latest.history_date
    # The protected FSM field reads back from the history without complaint.
    assert latest.prev_record.instance.state == DossierState.DRAFT


def test_a_plan_edit_is_in_the_dossier_history(agency, case_worker):
    dossier = DossierFactory(cpi=True, agency=agency, eu_tutor="Avant")
    dossier_update(dossier_id=dossier.pk, by=case_worker, data={"eu_tutor": "Après"})
    latest = dossier.history.latest()
    assert latest.history_user == case_worker
    delta = latest.diff_against(latest.prev_record)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [("eu_tutor", "Avant", "Après")]


def test_a_worker_change_is_recorded_without_the_nir_or_health_data(agency, case_worker):
    worker = WorkerFactory(agency=agency, nir="185057800608491", at_mp=True)
    worker_update(worker_id=worker.pk, by=case_worker, data={"last_name": "Nouveau"})
    latest = worker.history.latest()
    assert (latest.last_name, latest.history_user) == ("Nouveau", case_worker)
    fields = {f.name for f in worker.history.model._meta.fields}
    assert not fields & {"nir", "at_mp", "at_mp_date", "fitness_status"}


def test_rule_sets_and_funding_rates_keep_their_history():
    load_rule_sets()  # the reference rows, whatever a transactional test before flushed
    assert RuleSet.history.model and FundingRate.history.model
    rule_set = RuleSet.objects.first()
    rule_set.notes = "Correction"
    rule_set.save()
    assert rule_set.history.latest().notes == "Correction"


def test_the_history_page_is_readable_in_the_admin_within_scope(client, agency, case_worker):
    dossier = DossierFactory(cpi=True, agency=agency)
    dossier_run_transition(dossier_id=dossier.pk, name="cancel", by=case_worker, data=CANCEL)
    client.force_login(case_worker)
    page = client.get(reverse("admin:cases_dossier_history", args=[dossier.pk]))
    assert page.status_code == 200
    assert str(case_worker) in page.content.decode()
    version = dossier.history.latest().history_id
    form = client.get(reverse("admin:cases_dossier_simple_history", args=[dossier.pk, version]))
    assert form.status_code == 200


@pytest.mark.parametrize("model", ["dossier", "worker"])
def test_another_agencys_history_is_404(client, agency, model):
    dossier = DossierFactory(cpi=True, agency=agency)
    obj = dossier if model == "dossier" else dossier.worker
    stranger = UserFactory(role=Role.CASE_WORKER, agencies=[AgencyFactory()])
    client.force_login(stranger)
    assert client.get(reverse(f"admin:cases_{model}_history", args=[obj.pk])).status_code == 404
    version = obj.history.latest().history_id
    url = reverse(f"admin:cases_{model}_simple_history", args=[obj.pk, version])
    assert client.get(url).status_code == 404


def test_an_old_version_cannot_be_restored(client, agency, case_worker):
    dossier = DossierFactory(cpi=True, agency=agency)
    first = dossier.history.earliest().history_id
    dossier_run_transition(dossier_id=dossier.pk, name="cancel", by=case_worker, data=CANCEL)
    client.force_login(case_worker)
    url = reverse("admin:cases_dossier_simple_history", args=[dossier.pk, first])
    assert client.post(url, {"state": "draft"}).status_code == 403
    dossier.refresh_from_db()
    assert dossier.state == DossierState.CANCELLED
