"""The legal weekly working time is a rule-set parameter (`weekly_hours`), read where a plan's
contract hours are empty (Code du travail L3121-27; DOMAIN.md §7: contract hours default to the
weekly hours × calendar days of the contract / 7).
"""

import copy
import dataclasses
import importlib
from decimal import Decimal as D

import pytest
from django.apps import apps as django_apps

from accords.models import RuleSet
from accords.param_fields import BY_NAME
from accords.params import ParameterError, WeeklyHours, parse_parameters
from cases.rules.engine import check_plan
from tests.rules.conftest import plan

# 2 Mar 2026 → 1 Mar 2027: 365 days, 52 1/7 weeks.
ONE_YEAR_DAYS = D("365")
add_weekly_hours = importlib.import_module(
    "accords.migrations.0006_rule_sets_weekly_hours_parameter"
).add_weekly_hours


def codes(findings):
    return {f.code: f for f in findings}


@pytest.mark.parametrize("dispositif", ["CPI", "CAI", "CIPI", "PRO_A_INTERIM", "PRO_A_PERMANENT"])
def test_the_reference_rule_sets_hold_it_with_its_source(rules, dispositif):
    """Code du travail L3121-27: the dispositifs whose rules read contract hours hold it."""
    weekly = rules(dispositif).weekly_hours
    assert weekly.hours == D("35")
    assert "L3121-27" in weekly.source


@pytest.mark.parametrize(
    ("weekly", "training", "ok"),
    [
        (D("35"), D("456.25"), True),  # 365 × 35 / 7 = 1 825 h; 25 % = 456.25 h
        (D("35"), D("456.26"), False),
        (D("28"), D("365"), True),  # 365 × 28 / 7 = 1 460 h; 25 % = 365 h
        (D("28"), D("365.01"), False),
    ],
)
def test_the_cpi_ratio_counts_the_rule_sets_weekly_hours(rules, weekly, training, ok):
    """003 — fiche CPI (15 % to 25 % of the contract) with empty contract hours: the contract
    hours are the rule set's weekly hours per calendar week."""
    params = dataclasses.replace(rules("CPI"), weekly_hours=WeeklyHours(weekly, "L3121-27"))
    found = codes(check_plan(plan(training_hours=training), params))
    assert ("training_ratio_out_of_range" not in found) is ok


def test_the_cipi_message_prints_the_rule_sets_weekly_hours(rules):
    """003 — fiche CIPI (contract hours within the rule set's bounds): the message says what
    empty contract hours mean, with the rule set's figure."""
    params = rules("CIPI")
    cipi = plan("CIPI", training_hours=D("150"))
    message = codes(check_plan(cipi, params))["contract_hours_out_of_range"].message
    assert "(vide : 35 h par semaine de contrat)" in message
    changed = dataclasses.replace(params, weekly_hours=WeeklyHours(D("32"), "L3121-27"))
    message = codes(check_plan(cipi, changed))["contract_hours_out_of_range"].message
    assert "(vide : 32 h par semaine de contrat)" in message and "35 h" not in message


def test_without_it_the_plan_is_told_what_is_missing(rules):
    """No figure invented: empty contract hours and no weekly hours in the rule set is a
    blocking finding naming the field to fill; given contract hours, nothing is missing."""
    params = dataclasses.replace(rules("CPI"), weekly_hours=None)
    found = codes(check_plan(plan(), params))
    assert found["contract_hours_unknown"].blocking
    assert "« heures de contrat prévues »" in found["contract_hours_unknown"].message
    assert "training_ratio_out_of_range" not in found
    given = codes(check_plan(plan(contract_hours=D("1820")), params))
    assert "contract_hours_unknown" not in given


def test_a_rule_set_without_a_rule_on_contract_hours_needs_none(rules):
    params = dataclasses.replace(rules("CDPI"), weekly_hours=None)
    assert "contract_hours_unknown" not in codes(check_plan(plan("CDPI"), params))


@pytest.mark.parametrize("hours", [None, "0", "-1", "abc"])
def test_the_parameter_is_checked(hours):
    with pytest.raises(ParameterError, match=r"weekly_hours\.hours"):
        parse_parameters({"weekly_hours": {"hours": hours, "source": "L3121-27"}})


def test_the_editor_declares_it_in_french():
    parameter = BY_NAME["weekly_hours"]
    assert parameter.label == "Durée légale hebdomadaire du travail"
    assert [leaf.unit for leaf in parameter.leaves] == ["h par semaine"]


def test_the_data_migration_adds_it_where_missing_and_keeps_an_administrators(rules):
    """accords 0006: stored rule sets of the dispositifs that read contract hours get the
    parameter; one an administrator set keeps its value; CDPI and CAR are left alone."""
    cpi = RuleSet.objects.get(dispositif="CPI")
    cai = RuleSet.objects.get(dispositif="CAI")
    cdpi = RuleSet.objects.get(dispositif="CDPI")
    for rule_set in (cpi, cdpi):
        data = copy.deepcopy(rule_set.parameters)
        data.pop("weekly_hours", None)
        RuleSet.objects.filter(pk=rule_set.pk).update(parameters=data)
    custom = {**cai.parameters, "weekly_hours": {"hours": "32", "source": "accord d'entreprise"}}
    RuleSet.objects.filter(pk=cai.pk).update(parameters=custom)
    add_weekly_hours(django_apps, None)
    for rule_set in (cpi, cai, cdpi):
        rule_set.refresh_from_db()
    assert cpi.parameters["weekly_hours"]["hours"] == "35"
    assert "L3121-27" in cpi.parameters["weekly_hours"]["source"]
    assert cai.parameters["weekly_hours"] == {"hours": "32", "source": "accord d'entreprise"}
    assert "weekly_hours" not in cdpi.parameters
