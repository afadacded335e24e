"""DOMAIN.md §7: a dossier keeps its rule set and is re-checked, with a notice, when an
administrator corrects that rule set."""

import copy
from decimal import Decimal

import pytest

from accords.models import RuleSet
from cases.refresh import dossier_refresh
from config.celery import app as celery_app
from notifications.models import Notification
from notifications.receivers import rule_set_changed
from notifications.services.recheck import recheck_rule_set
from tests.factories import DossierFactory


@pytest.fixture
def eager():
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


def _raise_minimum(rule_set: RuleSet, hours: str) -> None:
    parameters = copy.deepcopy(rule_set.parameters)
    parameters["training_hours"]["min"] = hours
    rule_set.parameters = parameters
    rule_set.save()


def test_the_dossier_keeps_the_rule_set_it_was_checked_against(agency, case_worker):
    dossier = DossierFactory(cpi=True, agency=agency, case_worker=case_worker)
    dossier_refresh(dossier)
    dossier.refresh_from_db()
    assert dossier.rule_set.dispositif == "CPI"
    assert dossier.rule_set.valid_from <= dossier.contract_start


def test_a_corrected_rule_set_tells_the_case_workers_whose_dossiers_gained_an_error(
    agency, case_worker, eager
):
    dossier = DossierFactory(cpi=True, agency=agency, case_worker=case_worker)
    untouched = DossierFactory(
        cpi=True, agency=agency, case_worker=case_worker, planned_training_hours=Decimal("450")
    )
    for each in (dossier, untouched):
        dossier_refresh(each)
    rule_set = RuleSet.objects.get(pk=dossier.rule_set_id)
    _raise_minimum(rule_set, "420")  # 400 h planned: now below the minimum; 450 h: still fine
    rule_set_changed(rule_set_id=rule_set.pk)
    notices = Notification.objects.filter(recipient=case_worker, kind__startswith="recheck-")
    assert [n.dossier_id for n in notices] == [dossier.pk]
    assert "training_hours_below_minimum" in notices[0].message
    # A second run of the same correction tells nobody again.
    assert recheck_rule_set(rule_set.pk)["notified"] == 0
