"""Every blocking finding says how to fix it (issue #17): it names the field to fill or lists
the allowed values, in French labels, with the figures read from the rule set."""

import datetime as dt
import re
from decimal import Decimal as D

import pytest

from accords.choices import PublicCode
from cases.rules.engine import FIELD, check_plan, public_label, publics_text
from cases.rules.in_force import certification_listing
from tests.rules.conftest import birth_for_age, plan, worker

FIX_VERBS = re.compile(
    r"\b(Corrigez|Vérifiez|Complétez|Renseignez|saisissez|Ajoutez|Choisissez|indiquez)\b",
    re.IGNORECASE,
)

# One failing plan per finding code (reference rule sets, start 2 March 2026).
FAILING = {
    "age_out_of_range": ("CPI", {"worker": worker(birth_date=birth_for_age(15))}),
    "public_not_eligible": ("CPI", {"worker": worker(birth_date=birth_for_age(30))}),
    "employment_not_eligible": ("PRO_A_INTERIM", {"worker": worker(employment="CTT")}),
    "seniority_insufficient": (
        "CDPI",
        {
            "contract_end": dt.date(2026, 12, 31),
            "training_end": dt.date(2026, 9, 30),
        },
    ),
    "contract_duration_out_of_range": ("CPI", {"contract_end": dt.date(2026, 5, 1)}),
    "training_hours_below_minimum": ("CPI", {"training_hours": D("100")}),
    "training_ratio_out_of_range": ("CPI", {"training_hours": D("1200")}),
    "qualification_too_high": (
        "PRO_A_INTERIM",
        {"worker": worker(employment="CDII", highest_level=6)},
    ),
}


def _findings(rules, dispositif, changes):
    params = rules(dispositif)
    p = plan(dispositif, **changes)
    return check_plan(p, params, listing=certification_listing(params, p.certification))


@pytest.mark.parametrize("code", sorted(FAILING))
def test_each_blocking_finding_says_how_to_fix_it(rules, code):
    dispositif, changes = FAILING[code]
    found = [f for f in _findings(rules, dispositif, changes) if f.code == code]
    assert found, f"{code} attendu"
    message = found[0].message
    assert FIX_VERBS.search(message), message
    assert not re.search(r"\b[A-Z]+_[A-Z_]+\b", message), message  # no raw public code
    assert found[0].source


def test_the_publics_finding_lists_the_eligible_publics_in_french(rules):
    params = rules("CPI")
    message = next(
        f.message
        for f in _findings(rules, "CPI", {"worker": worker(birth_date=birth_for_age(30))})
        if f.code == "public_not_eligible"
    )
    assert publics_text(params.publics) in message
    assert "(1) tout salarié, de 16 à 25 ans" in message
    assert public_label(PublicCode.JOB_SEEKER) in message and "RSA" in message
    assert FIELD["publics"] in message


def test_the_seniority_finding_names_the_field_and_reads_its_figures_from_the_rule_set(rules):
    params = rules("CDPI")
    finding = next(
        f
        for f in _findings(
            rules,
            "CDPI",
            {"contract_end": dt.date(2026, 12, 31), "training_end": dt.date(2026, 9, 30)},
        )
        if f.code == "seniority_insufficient"
    )
    assert "« heures déclarées dans la branche (autres agences, période d'ancienneté) »" in (
        finding.message
    )
    minimum = f"{params.seniority.min_hours.normalize():f}".replace(".", ",")
    assert f"au moins {minimum} h" in finding.message
    assert f"{params.seniority.months} derniers mois" in finding.message
    assert "Dispensés d'ancienneté" in finding.message


def test_the_employment_finding_lists_the_allowed_contracts_by_name(rules):
    message = next(
        f.message
        for f in _findings(rules, "PRO_A_INTERIM", {"worker": worker(employment="CTT")})
        if f.code == "employment_not_eligible"
    )
    assert "CDII — CDI intérimaire" in message and "CTT — contrat de mission" in message
    assert FIELD["employment"] in message
