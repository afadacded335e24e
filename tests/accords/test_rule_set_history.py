"""A rule set's history page in the admin reads in French, parameter by parameter."""

import pytest
from django.urls import reverse

from accords.admin_rules import parameter_changes
from accords.models import RuleSet
from cases.choices import Dispositif, Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def test_parameter_changes_are_the_leaves_that_differ():
    old = {"training_hours": {"min": "150", "source": "003"}, "age": {"min": 16}}
    new = {"training_hours": {"min": "175", "source": "003"}, "age": {"min": 16, "max": 30}}
    assert parameter_changes(old, new) == [
        ("age › max", "—", "30"),
        ("training_hours › min", "150", "175"),
    ]
    assert parameter_changes(old, old) == []


def test_the_history_page_lists_the_changed_parameters(client):
    admin = UserFactory(role=Role.ADMINISTRATOR, first_name="Hélène", last_name="Garcia")
    rule_set = RuleSet.objects.filter(dispositif=Dispositif.CPI).first()
    rule_set._history_user = admin
    rule_set.parameters["training_hours"]["min"] = "175"
    rule_set.save()
    client.force_login(admin)
    html = client.get(reverse("admin:accords_ruleset_history", args=[rule_set.pk])).content
    html = html.decode()
    assert "Modifications" in html and "Changes" not in html and "None" not in html
    assert "Paramètres › Heures de formation › minimum :</strong>" in html
    assert "Hélène Garcia" in html
