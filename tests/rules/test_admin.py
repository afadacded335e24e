"""The administrator sets and dates the rules in the admin; bad parameters are refused in French."""

import datetime as dt

import pytest
from django.urls import reverse

from accords.models import RuleSet
from cases.choices import Role
from tests.factories import DossierFactory, UserFactory


@pytest.fixture
def admin_client(client, rules, settings):
    """An administrator; static files served from the apps (no collectstatic in tests)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    client.force_login(UserFactory(role=Role.ADMINISTRATOR, is_superuser=True))
    return client


@pytest.mark.parametrize("name", ["accords_ruleset", "accords_fundingrate", "cases_fundingline"])
def test_changelists_render(admin_client, name):
    assert admin_client.get(reverse(f"admin:{name}_changelist")).status_code == 200


def test_rule_set_change_page_renders(admin_client):
    rule_set = RuleSet.objects.get(dispositif="CPI")
    url = reverse("admin:accords_ruleset_change", args=[rule_set.pk])
    assert admin_client.get(url).status_code == 200


def test_parameters_without_source_are_refused(admin_client):
    data = {
        "dispositif": "CAR",
        "name": "CAR corrigé",
        "valid_from": "2030-01-01",
        "source": "003 — fiche CAR",
        # The editor's fields (accords.param_fields): the parameter applies, its source is empty.
        "training_months__on": "on",
        "training_months__max": "9",
        "training_months__source": "",
        "notes": "",
    }
    answer = admin_client.post(reverse("admin:accords_ruleset_add"), data)
    assert answer.status_code == 200
    assert "indiquez la source (texte et article)" in answer.content.decode()
    assert not RuleSet.objects.filter(name="CAR corrigé").exists()


def test_overlapping_rule_set_is_refused(admin_client):
    data = {
        "dispositif": "CAR",
        "name": "CAR bis",
        "valid_from": "2025-01-01",
        "source": "003 — fiche CAR",
        "notes": "",
    }
    answer = admin_client.post(reverse("admin:accords_ruleset_add"), data)
    assert "couvre déjà ces dates" in answer.content.decode()


def test_ledger_line_added_in_the_admin_records_who(admin_client):
    dossier = DossierFactory()
    data = {
        "dossier": dossier.pk,
        "kind": "reserved",
        "amount": "1200.00",
        "on": "2026-02-01",
        "reference": "R-9",
        "source": "",
        "hours": "",
        "hourly_rate": "",
    }
    answer = admin_client.post(reverse("admin:cases_fundingline_add"), data)
    assert answer.status_code == 302
    line = dossier.funding_lines.get()
    assert line.recorded_by is not None
    assert line.on == dt.date(2026, 2, 1)
