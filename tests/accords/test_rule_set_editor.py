"""The rule-set editor (issue #17): one form field per parameter, with its French label, its
unit and its source, validated by type; saving goes through `accords.services.rule_set_save`.
Generated from the declarations: every parameter `accords.params` reads has its fields, and
every reference rule set survives the round trip through the editor unchanged."""

import re

import pytest
from django.urls import reverse

from accords.models import RuleSet
from accords.param_fields import BY_NAME, PARAMETERS
from accords.params import _READERS, parse_parameters
from accords.rule_set_form import parameter_fields, parameters_from
from cases.choices import Role
from cases.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def test_every_parameter_read_is_declared_with_a_french_label():
    assert set(BY_NAME) == set(_READERS)
    for parameter in PARAMETERS:
        assert parameter.label and not re.search(r"[a-z]+_[a-z]+", parameter.label)
        for leaf in parameter.leaves:
            assert leaf.label and "_" not in leaf.label


def _cleaned_from_initial(fields) -> dict:
    return {name: field.initial for name, field in fields.items()}


def test_each_reference_rule_set_survives_the_editor_unchanged():
    rule_sets = list(RuleSet.objects.all())
    assert rule_sets  # loaded for every test database (tests/conftest.py)
    for rule_set in rule_sets:
        fields = parameter_fields(rule_set.parameters)
        rebuilt = parameters_from(_cleaned_from_initial(fields), rule_set.parameters)
        assert parse_parameters(rebuilt) == rule_set.params, str(rule_set)
        assert set(rebuilt) == set(rule_set.parameters), str(rule_set)


def _post_data(form) -> dict:
    """What a browser sends back for the editor as shown."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        if value is True:
            data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        else:
            data[name] = str(value)
    return data


def _admin():
    return User.objects.create_user(
        username="admin-regles", password="x", is_staff=True, role=Role.ADMINISTRATOR
    )


def _rule_set_with(parameter: str) -> RuleSet:
    return next(rs for rs in RuleSet.objects.order_by("pk") if parameter in rs.parameters)


def test_the_editor_shows_french_labels_and_sources_never_raw_json(client):
    client.force_login(_admin())
    rule_set = _rule_set_with("deposit")
    page = client.get(reverse("admin:accords_ruleset_change", args=[rule_set.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Paramètre : Dépôt du dossier à l&#x27;AKTO" in html
    assert "délai (jours)" in html and "jours calendaires après le début du contrat" in html
    assert rule_set.parameters["deposit"]["source"] in html.replace("&#x27;", "'")
    assert '"counting"' not in html and 'name="parameters"' not in html


def test_a_parameter_changed_in_its_field_is_saved_through_the_service(client):
    client.force_login(_admin())
    rule_set = _rule_set_with("deposit")
    url = reverse("admin:accords_ruleset_change", args=[rule_set.pk])
    form = client.get(url).context["adminform"].form
    data = {**_post_data(form), "deposit__days": "7", "deposit__counting": "working"}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    rule_set.refresh_from_db()
    assert rule_set.parameters["deposit"]["days"] == 7
    assert rule_set.parameters["deposit"]["counting"] == "working"
    assert rule_set.history.first().history_user.username == "admin-regles"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"deposit__days": "cinq"}, "Saisissez un nombre entier."),
        ({"deposit__source": ""}, "« Dépôt du dossier à l'AKTO » : indiquez la source"),
        ({"deposit__counting": "lunar"}, "Sélectionnez un choix valide"),
    ],
    ids=["not a number", "no source", "unknown counting"],
)
def test_bad_input_is_refused_in_french_and_changes_nothing(client, changes, message):
    client.force_login(_admin())
    rule_set = _rule_set_with("deposit")
    before = rule_set.parameters
    url = reverse("admin:accords_ruleset_change", args=[rule_set.pk])
    form = client.get(url).context["adminform"].form
    response = client.post(url, {**_post_data(form), **changes})
    assert response.status_code == 200
    errors = str(response.context["adminform"].form.errors)
    assert message in errors.replace("&#x27;", "'")
    rule_set.refresh_from_db()
    assert rule_set.parameters == before


def test_a_public_condition_can_be_added(client):
    client.force_login(_admin())
    rule_set = _rule_set_with("publics")
    count = len(rule_set.parameters["publics"]["conditions"])
    url = reverse("admin:accords_ruleset_change", args=[rule_set.pk])
    form = client.get(url).context["adminform"].form
    data = {
        **_post_data(form),
        f"publics__c{count}__all_of": ["RSA"],
        f"publics__c{count}__age_min": "30",
    }
    assert client.post(url, data).status_code == 302
    rule_set.refresh_from_db()
    assert rule_set.parameters["publics"]["conditions"][-1] == {"all_of": ["RSA"], "age_min": 30}


def test_those_who_only_read_rule_sets_see_each_parameter_in_french(client):
    client.force_login(
        User.objects.create_user(
            username="lecteur", password="x", is_staff=True, role=Role.CASE_WORKER
        )
    )
    rule_set = _rule_set_with("decision")
    page = client.get(reverse("admin:accords_ruleset_change", args=[rule_set.pk]))
    html = page.content.decode().replace("&#x27;", "'")
    assert page.status_code == 200
    assert "Décision de l'AKTO" in html and "silence de l'AKTO : vaut " in html
    assert "None" not in html and '"silence"' not in html
