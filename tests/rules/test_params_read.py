"""Every parameter a rule set holds is read, and every legal figure a message shows comes from
the rule set (issue 15: « the CDPI seniority window today prints `months` but always looks
back 12 months »)."""

import ast
import copy
import dataclasses
import datetime as dt
import pathlib
import re
from decimal import Decimal as D

import pytest
from dateutil.relativedelta import relativedelta

from accords import params as declared
from accords.models import RuleSet
from accords.params import parse_parameters
from cases.api.rules_check import DEADLINE_KINDS, FINDING_CODES
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


# --- No legal figure is written in a user-facing string ----------------------------------------

# A figure with the unit of a rule: « 150 h », « 12 mois », « 5 jours », « 25 % », « 17 €/h »,
# « 35 h/semaine », or a range « 140–315 ».
FIGURE = re.compile(
    r"\d[\d  ]*(?:[,.]\d+)?\s*(?:h\b|heures?\b|jours?\b|mois\b|ans?\b|semaines?\b|%|€)"
    r"|\d+\s*–\s*\d+"
)
# Where the strings a person reads are written (cases/workflow/ is another team's for now).
USER_FACING = [
    "cases/rules",
    "cases/api",
    "cases/admin",
    "cases/models",
    "cases/deadlines.py",
    "cases/dossier_validation.py",
    "notifications",
    "reports",
    "accords",
    "webhooks",
]
# Phrases whose figures are not a rule's, each with why (removed before the scan).
NOT_RULE_FIGURES = (
    # Dates a person types must fall in 1900–2100 (a typing guard, no text sets it).
    "1900–2100",
    # The CPNE report's own breakdowns (delay and age brackets of its tables).
    "1 à 5 jours",
    "6 à 10 jours",
    "11 à 30 jours",
    "Plus de 30 jours",
    "Âgés de 16 à 25 ans",
    "Âgés de 26 à 44 ans",
    "Âgés de 45 ans et plus",
    # Mission jeunes: the population the framework agreement names (002 art. 2.1, 3); no rule
    # set holds it (it is not a dispositif's rule).
    "Jeunes 16–25 ans",
    "Jeunes de 16 à 25 ans",
    # The name of a public (accords.choices.PublicCode), not a rule's threshold.
    "(> 1 an)",
    # Citations of texts (article numbers), not figures.
    "art. 10–11",
    "art. 6, 10–11",
    # The dashboard's own horizon (« within 3 days »), a product choice.
    "Dans les 3 jours",
    "dans les 3 jours",
)
TEMPLATES = ["cases/templates", "notifications/templates", "reports/templates"]
TEMPLATE_CODE = re.compile(
    r"\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}|<style.*?</style>|<script.*?</script>", re.S
)


def _docstrings(tree) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def _figures_written() -> list[str]:
    found = []
    for entry in USER_FACING:
        path = ROOT / entry
        files = [path] if path.suffix == ".py" else sorted(path.rglob("*.py"))
        for file in files:
            if "migrations" in file.parts:
                continue
            tree = ast.parse(file.read_text())
            docstrings = _docstrings(tree)
            for node in ast.walk(tree):
                if not isinstance(node, ast.Constant) or not isinstance(node.value, str):
                    continue
                if id(node) in docstrings:
                    continue
                if FIGURE.search(_without_allowed(node.value)):
                    found.append(f"{file.relative_to(ROOT)}:{node.lineno}: {node.value!r}")
    return found


def _without_allowed(text: str) -> str:
    for phrase in NOT_RULE_FIGURES:
        text = text.replace(phrase, "")
    return text


def _figures_in_templates() -> list[str]:
    found = []
    for entry in TEMPLATES:
        for file in sorted((ROOT / entry).rglob("*")):
            if file.suffix not in (".html", ".txt"):
                continue
            text = re.sub(r"<[^>]*>", " ", TEMPLATE_CODE.sub("", file.read_text()))
            for match in FIGURE.finditer(_without_allowed(text)):
                found.append(f"{file.relative_to(ROOT)}: {match.group()!r}")
    return found


def test_no_legal_figure_is_written_in_a_template():
    """The same for the pages and e-mails: their figures come from the context."""
    assert not _figures_in_templates()


def test_no_legal_figure_is_written_in_a_user_facing_string():
    """Issue 15: « every legal figure in a message, a report label or an export is read from
    the rule set, not written in the string ». AST scan of the strings of the modules that
    write what a person reads (messages, labels, help texts, API descriptions); docstrings and
    comments are the code's own notes."""
    assert not _figures_written()


@pytest.mark.parametrize(
    "text",
    [
        "CDPI : moins de 150 h dans la branche sur 12 mois",
        "dépôt à l'AKTO (5 jours)",
        "décision de l'AKTO (20 jours)",
        "forfait de 17 €/h",
        "(35 h/semaine si vide)",
        "part de la formation (15–25 %)",
        "formation de plus de 9 mois",
    ],
)
def test_the_scan_catches_a_written_figure(text):
    assert FIGURE.search(text)


def test_the_simulator_describes_its_codes_without_figures():
    """The schema's descriptions of finding codes and deadlines are static: no figure (the
    messages print the rule set's)."""
    for text in [*FINDING_CODES.values(), *DEADLINE_KINDS.values()]:
        assert not FIGURE.search(text), text
