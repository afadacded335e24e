"""Every parameter a rule set holds is read, and every legal figure a message shows comes from
the rule set (issue 15: « the CDPI seniority window today prints `months` but always looks
back 12 months »)."""

import ast
import copy
import dataclasses
import datetime as dt
import pathlib
from decimal import Decimal as D

import pytest
from dateutil.relativedelta import relativedelta

from accords import params as declared
from accords.models import RuleSet
from accords.params import parse_parameters
from cases.reference import load_document_requirements
from cases.rules.engine import check_plan
from cases.rules.plan_checks import dossier_plan, plan_findings
from tests.factories import DossierFactory, MissionFactory
from tests.rules.conftest import START, plan, worker

ROOT = pathlib.Path(__file__).resolve().parents[2]
# Where the product reads rule sets (accords/params.py itself: the publics' `matches`).
READERS = ["cases", "reports", "notifications", "accords/params.py"]
# `extra` holds free-form values no rule reads yet (CAI's `eu_commitment_months`, 003 fiche
# CAI): said in the README and the report of issue 15, not silently counted as read.
NOT_YET_READ = {"extra"}


def _attributes_read() -> set[str]:
    read = set()
    for entry in READERS:
        path = ROOT / entry
        files = [path] if path.suffix == ".py" else path.rglob("*.py")
        for file in files:
            if "migrations" in file.parts:
                continue
            for node in ast.walk(ast.parse(file.read_text())):
                if isinstance(node, ast.Attribute):
                    read.add(node.attr)
    return read


def _declared_fields() -> dict[str, str]:
    found = {}
    for name, obj in vars(declared).items():
        if dataclasses.is_dataclass(obj) and obj.__module__ == declared.__name__:
            for field in dataclasses.fields(obj):
                found.setdefault(field.name, name)
    return found


def test_every_declared_parameter_is_read_somewhere():
    """AST scan: each field of each parameter class of accords/params.py is read as an
    attribute by the product's code (not only parsed)."""
    read = _attributes_read()
    unread = {
        f"{owner}.{field}"
        for field, owner in _declared_fields().items()
        if field not in read and field not in NOT_YET_READ
    }
    assert not unread, unread


# --- The seniority window: `seniority.months` is read ----------------------------------------


@pytest.fixture
def cdpi_rules(rules):
    """The reference CDPI rule set, editable: `cdpi_rules(months=6, min_hours="120")`."""
    rule_set = RuleSet.objects.get(dispositif="CDPI")

    def change(**seniority):
        data = copy.deepcopy(rule_set.parameters)
        data["seniority"].update(seniority)
        rule_set.parameters = data
        rule_set.save()
        return rule_set.params

    return change


@pytest.mark.parametrize(("months", "counted"), [(12, D("160")), (6, D("0"))])
def test_the_seniority_window_is_the_rule_sets(db, cdpi_rules, months, counted):
    """003 — fiche CDPI: 150 h in the branch over the rule set's window (12 months in 2026).
    A mission started 8 months before the contract counts in a 12-month window, not in 6."""
    load_document_requirements()
    params = cdpi_rules(months=months)
    dossier = DossierFactory(cdpi=True, worker__career_change=False)
    MissionFactory(
        worker=dossier.worker,
        dossier=None,
        start=dossier.contract_start - relativedelta(months=8),
        end=dossier.contract_start - relativedelta(months=8) + dt.timedelta(days=20),
        hours=D("160"),
    )
    assert dossier_plan(dossier, params).worker.branch_hours_12m == counted


def test_the_window_boundary_is_the_day_months_before_the_start(db, cdpi_rules):
    """The first day of a 6-month window is the start minus 6 months (included)."""
    params = cdpi_rules(months=6)
    dossier = DossierFactory(cdpi=True, worker__career_change=False)
    first_day = dossier.contract_start - relativedelta(months=6)
    for start, hours in [(first_day, D("10")), (first_day - dt.timedelta(days=1), D("100"))]:
        MissionFactory(worker=dossier.worker, dossier=None, start=start, end=start, hours=hours)
    assert dossier_plan(dossier, params).worker.branch_hours_12m == D("10")


# --- Figures in messages come from the rule set ----------------------------------------------


def _messages(dispositif, the_plan, params):
    return " ".join(f.message for f in check_plan(the_plan, params, listing=None))


def test_the_seniority_message_prints_the_rule_sets_figures(rules, cdpi_rules):
    """Change the rule set's figures: the message changes with them."""
    no_seniority = plan("CDPI", worker=worker(branch_hours_12m=D("40")))
    reference = _messages("CDPI", no_seniority, rules("CDPI"))
    assert "sur les 12 derniers mois" in reference and "au moins 150 h" in reference
    changed = _messages("CDPI", no_seniority, cdpi_rules(months=9, min_hours="120"))
    assert "sur les 9 derniers mois" in changed and "au moins 120 h" in changed
    assert "12 derniers mois" not in changed and "150 h" not in changed


def test_the_training_hours_message_prints_the_rule_sets_figures(rules):
    """003 — fiche CDPI: 140 h to 525 h of training; changed to 141–526, the message follows."""
    params = rules("CDPI")
    short = plan("CDPI", training_hours=D("100"))
    assert "entre 140 h et 525 h" in _messages("CDPI", short, params)
    data = copy.deepcopy(RuleSet.objects.get(dispositif="CDPI", valid_from__lte=START).parameters)
    data["training_hours"].update({"min": "141", "max": "526"})
    changed = _messages("CDPI", short, parse_parameters(data))
    assert "entre 141 h et 526 h" in changed and "140" not in changed


def test_plan_findings_read_the_window_of_the_rule_set_in_force(db, cdpi_rules):
    """The dossier's findings use the same window as its plan (one reading)."""
    params = cdpi_rules(months=6)
    dossier = DossierFactory(cdpi=True, worker__career_change=False)
    MissionFactory(
        worker=dossier.worker,
        dossier=None,
        start=dossier.contract_start - relativedelta(months=8),
        end=dossier.contract_start - relativedelta(months=8) + dt.timedelta(days=20),
        hours=D("160"),
    )
    messages = " ".join(f.message for f in plan_findings(dossier, params))
    assert "Ancienneté dans la branche : 0 h sur les 6 derniers mois" in messages
