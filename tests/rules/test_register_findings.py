"""The RNCP register in the rules engine (README « Registre RNCP »): unknown, inactive on the
contract start date (dates included), not open to the contract's route; severity per dispositif
from the rule set's `register` parameter and its sources (003 CPI « qualifiante ou certifiante »,
003 CAI « certifiante », 000/001 art. 3.1 « enregistrées au RNCP »)."""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings

from accords.register import register_import
from cases.rules.engine import check_plan
from cases.rules.in_force import certification_listing, register_lookup
from cases.rules.plan_checks import plan_findings
from cases.rules.register import RegisterFacts, RegisterLookup, check_register
from tests.factories import DossierFactory
from tests.rules.conftest import START, plan, worker

SAMPLE_ZIP = Path(settings.BASE_DIR) / "fixtures" / "rncp" / "export-fiches-csv-2026-11-02.zip"
EXPORT = dt.date(2026, 11, 2)
EFFECT, END = dt.date(2024, 1, 10), dt.date(2026, 12, 31)
REGISTER_CODES = {"certification_unknown", "certification_inactive", "certification_route_closed"}
PRO_A = {"employment": "CDII"}


def fiche(**changes) -> RegisterFacts:
    values = {
        "code": "RNCP34860",
        "title": "Préparateur de commandes en entrepôt",
        "active": True,
        "effect_date": EFFECT,
        "end_date": END,
        "routes": frozenset({"professionalisation", "apprenticeship"}),
        "successors": (),
    }
    values.update(changes)
    return RegisterFacts(**values)


def lookup(**changes) -> RegisterLookup:
    return RegisterLookup(export_date=EXPORT, fiche=fiche(**changes))


def register_findings(found):
    return [f for f in found if f.code in REGISTER_CODES]


# (dispositif, finding, severity): decided from the texts, held in fixtures/rule_sets.json.
SEVERITIES = [
    ("CPI", "certification_unknown", "warning"),
    ("CPI", "certification_inactive", "warning"),
    ("CPI", "certification_route_closed", "warning"),
    ("CAI", "certification_unknown", "error"),
    ("CAI", "certification_inactive", "error"),
    ("CAI", "certification_route_closed", "error"),
    ("PRO_A_INTERIM", "certification_unknown", "error"),
    ("PRO_A_INTERIM", "certification_inactive", "error"),
    ("PRO_A_INTERIM", "certification_route_closed", "warning"),
    ("PRO_A_PERMANENT", "certification_unknown", "error"),
    ("PRO_A_PERMANENT", "certification_inactive", "error"),
    ("PRO_A_PERMANENT", "certification_route_closed", "warning"),
]
ROUTE_OF = {
    "CPI": "professionalisation",
    "CAI": "apprenticeship",
    "PRO_A_INTERIM": "professionalisation",
    "PRO_A_PERMANENT": "professionalisation",
}
OTHER_ROUTE = {"professionalisation": "apprenticeship", "apprenticeship": "professionalisation"}


@pytest.mark.parametrize(("dispositif", "code", "severity"), SEVERITIES)
def test_severity_per_dispositif_and_source(rules, dispositif, code, severity):
    params = rules(dispositif)
    cases = {
        "certification_unknown": RegisterLookup(export_date=EXPORT, fiche=None),
        "certification_inactive": lookup(end_date=START - dt.timedelta(days=1)),
        "certification_route_closed": lookup(
            routes=frozenset({OTHER_ROUTE[ROUTE_OF[dispositif]], "experience"})
        ),
    }
    found = check_register(plan(dispositif), params, cases[code])
    assert [(f.code, f.severity) for f in found] == [(code, severity)]
    assert "registre RNCP" in found[0].source and found[0].source.split(" ")[0] in {
        "003",
        "000",
        "001",
    }
    assert found[0].field == "plan.certification"


@pytest.mark.parametrize(
    ("start", "in_force"),
    [
        (EFFECT - dt.timedelta(days=1), False),  # the day before the effect date
        (EFFECT, True),  # the effect date
        (END, True),  # the end date
        (END + dt.timedelta(days=1), False),  # the day after the end date
    ],
)
def test_dates_are_inclusive(rules, start, in_force):
    found = check_register(plan("CAI", contract_start=start), rules("CAI"), lookup())
    assert [f.code for f in found] == ([] if in_force else ["certification_inactive"])


def test_inactive_flag_counts_from_the_export_date(rules):
    """INACTIVE is the register's state on the export date; before it, the dates decide."""
    inactive = lookup(active=False)
    before = plan("CAI", contract_start=EXPORT - dt.timedelta(days=1))
    on = plan("CAI", contract_start=EXPORT)
    assert check_register(before, rules("CAI", EXPORT), inactive) == []
    found = check_register(on, rules("CAI", EXPORT), inactive)
    assert [f.code for f in found] == ["certification_inactive"]
    assert "fiche inactive au registre" in found[0].message


def test_an_expired_fiche_names_its_successor(rules):
    expired = lookup(
        code="RNCP1852",
        title="Agent magasinier",
        effect_date=dt.date(2015, 3, 2),
        end_date=dt.date(2020, 8, 31),
        successors=("RNCP34857",),
    )
    found = check_register(plan("CAI", certification="RNCP1852"), rules("CAI"), expired)
    assert found[0].message == (
        "La certification RNCP1852 (Agent magasinier) n'est pas enregistrée au RNCP le "
        "02/03/2026, date de début du contrat (enregistrée à partir du 02/03/2015 jusqu'au "
        "31/08/2020). Fiche qui la remplace : RNCP34857."
    )


def test_no_register_no_finding_and_only_rncp_codes_are_checked(rules):
    params = rules("PRO_A_INTERIM")
    assert check_register(plan("PRO_A_INTERIM", worker=worker(**PRO_A)), params, None) == []
    unknown = RegisterLookup(export_date=EXPORT, fiche=None)
    for code in ("CLEA", "CLEA_NUMERIQUE", None):
        assert check_register(plan("PRO_A_INTERIM", certification=code), params, unknown) == []


def test_dispositifs_without_a_register_rule_are_not_checked(rules):
    unknown = RegisterLookup(export_date=EXPORT, fiche=None)
    for dispositif in ("CIPI", "CDPI", "CAR"):
        assert check_register(plan(dispositif), rules(dispositif), unknown) == []


def test_the_engine_reads_the_loaded_register(rules):
    """From the sample export, through the database lookup, into check_plan."""
    params = rules("CAI")
    assert register_lookup(params, "RNCP1852") is None  # nothing loaded yet
    register_import(path=SAMPLE_ZIP)
    expectations = {
        "RNCP34860": set(),
        "RNCP1852": {"certification_inactive"},
        "RNCP1899": {"certification_route_closed"},
        "RNCP99999": {"certification_unknown"},
        "RNCP40001": {"certification_inactive"},  # effect 01/01/2027, after the start
    }
    for code, expected in expectations.items():
        p = plan("CAI", certification=code)
        found = check_plan(
            p,
            params,
            listing=certification_listing(params, code),
            register=register_lookup(params, code),
        )
        assert {f.code for f in register_findings(found)} == expected, code
    successor = check_plan(
        plan("CAI", certification="RNCP1852"),
        params,
        register=register_lookup(params, "RNCP1852"),
    )
    assert "RNCP34857" in register_findings(successor)[0].message


def test_a_dossier_plan_is_checked_against_the_register(rules):
    """The dossier's own findings (plan_checks) carry the register finding on its field."""
    register_import(path=SAMPLE_ZIP)
    dossier = DossierFactory(cai=True, certification_code="RNCP1899")
    found = plan_findings(dossier, rules("CAI", dossier.contract_start))
    closed = [f for f in found if f.code == "certification_route_closed"]
    assert [(f.severity, f.field) for f in closed] == [("error", "certification_code")]
