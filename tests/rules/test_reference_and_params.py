"""Reference rule sets load idempotently; parameters are validated with French messages."""

import datetime as dt
import re
from decimal import Decimal as D
from io import StringIO

import pytest
from django.core.management import call_command

from accords.models import Accord, FundingRate, RuleSet
from accords.params import ParameterError, parse_parameters
from accords.reference_rules import load_rule_sets
from cases.choices import Dispositif
from cases.ledger import funding_estimate_record, ledger_summary
from cases.rules.plan_checks import dossier_deadlines
from tests.factories import DossierFactory


def test_load_reference_twice_changes_nothing(db):
    out = StringIO()
    call_command("load_reference", stdout=out)
    counts = (RuleSet.objects.count(), FundingRate.objects.count())
    call_command("load_reference", stdout=out)
    assert (RuleSet.objects.count(), FundingRate.objects.count()) == counts
    assert "jeux de règles : 7 (créés : 0)" in out.getvalue()


def test_one_rule_set_per_dispositif_each_cited(rules):
    assert sorted(RuleSet.objects.values_list("dispositif", flat=True)) == sorted(Dispositif.values)
    for rule_set in RuleSet.objects.all():
        assert rule_set.source
        for name, value in rule_set.parameters.items():
            if name != "extra":
                assert value["source"], (rule_set.dispositif, name)


def test_admin_corrections_survive_a_reload(rules):
    rule_set = RuleSet.objects.get(dispositif="CAR")
    rule_set.parameters["training_months"]["max"] = 10
    rule_set.save()
    load_rule_sets()
    assert RuleSet.objects.get(dispositif="CAR").params.training_months.max == 10


def test_pro_a_rule_set_linked_to_its_accord_once_imported(rules):
    """001: the accord of 22 January 2021 carries the temp workers' list."""
    accord = Accord.objects.create(
        kind="accord", title="Pro-A", signature_date=dt.date(2021, 1, 22), fingerprint="f-001"
    )
    load_rule_sets()
    assert RuleSet.objects.get(dispositif="PRO_A_INTERIM").accord == accord


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "Les paramètres doivent être un objet JSON."),
        ({"speed": {}}, "Paramètres inconnus : speed."),
        ({"deposit": {"days": 5, "counting": "lunar", "source": "x"}}, "« deposit.counting »"),
        ({"age": {"min": 16}}, "« age » : la source (document et article) est obligatoire."),
        ({"training_hours": {"min": "abc", "source": "x"}}, "un nombre décimal est attendu"),
        (
            {"contract_months": {"min": 12, "max": 6, "source": "x"}},
            "le minimum dépasse le maximum",
        ),
        ({"publics": {"conditions": [{"any_of": ["MARTIAN"]}], "source": "x"}}, "codes inconnus"),
    ],
)
def test_invalid_parameters(data, message):
    with pytest.raises(ParameterError, match=re.escape(message)):
        parse_parameters(data)


def test_estimate_recorded_in_the_ledger(rules):
    """CPNE decision of 1 June 2021: CDPI at 14 €/h × 400 h = 5 600 €."""
    dossier = DossierFactory(cdpi=True)
    line = funding_estimate_record(dossier=dossier, on=dt.date(2026, 1, 10))
    assert (line.hourly_rate, line.amount) == (D("14.00"), D("5600.00"))
    assert ledger_summary(dossier).estimated == D("5600.00")
    assert (
        funding_estimate_record(dossier=DossierFactory(car=True), on=dt.date(2026, 1, 10)) is None
    )


def test_dossier_deadlines_use_the_agency_departement(rules):
    """003 — fiche CPI; D.6325-1: the agency in Moselle loses Good Friday."""
    dossier = DossierFactory(
        cpi=True, agency__departement="57", contract_start=dt.date(2026, 3, 29)
    )
    found = dossier_deadlines(dossier, RuleSet.objects.get(dispositif="CPI").params)
    assert found[0].kind == "akto_deposit"
    assert (found[0].due, found[0].safe_date) == (dt.date(2026, 4, 3), dt.date(2026, 4, 2))
