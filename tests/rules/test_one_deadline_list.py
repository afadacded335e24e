"""One list of deadlines: the simulator, the creation preview and the dossier agree.

DOMAIN.md §3 (deadlines table): AKTO deposit and decision (003 fiches CPI, CAI; D.6325-1,
D.6325-2, D.6224-1; 000/001 art. 5), fund reservation (003 fiches CIPI, CDPI), FPE.TT opinion
(003 fiche CAR), mission obligation (003 fiches CIPI, CDPI, CAR) and reimbursement request
(003; its delay is a parameter, set here on every rule set).
"""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from accords.models import RuleSet
from cases.choices import Dispositif
from cases.deadlines import deadlines_sync, expected_deadlines
from cases.models import Deadline, Dossier
from cases.rules.plan_checks import dossier_plan
from cases.rules.plan_preview import plan_preview
from tests.factories import AgencyFactory, DossierFactory, UserFactory

TRAITS = {
    Dispositif.CPI: "cpi",
    Dispositif.CAI: "cai",
    Dispositif.CIPI: "cipi",
    Dispositif.CDPI: "cdpi",
    Dispositif.CAR: "car",
    Dispositif.PRO_A_INTERIM: "pro_a_interim",
    Dispositif.PRO_A_PERMANENT: "pro_a_permanent",
}
EVERY_KIND = {
    Dispositif.CPI: ["akto_deposit", "akto_decision", "reimbursement_request"],
    Dispositif.CAI: ["akto_deposit", "akto_decision", "reimbursement_request"],
    Dispositif.CIPI: ["fund_reservation", "mission_obligation", "reimbursement_request"],
    Dispositif.CDPI: ["fund_reservation", "mission_obligation", "reimbursement_request"],
    Dispositif.CAR: [
        "fpett_opinion",
        "akto_deposit",
        "mission_obligation",
        "reimbursement_request",
    ],
    Dispositif.PRO_A_INTERIM: ["akto_deposit", "akto_decision", "reimbursement_request"],
    Dispositif.PRO_A_PERMANENT: ["akto_deposit", "akto_decision", "reimbursement_request"],
}


@pytest.fixture
def reimbursement_everywhere(rules):
    for rule_set in RuleSet.objects.all():
        rule_set.parameters = {
            **rule_set.parameters,
            "reimbursement": {"days_after_training": 60, "source": "Décision FPE.TT (test)"},
        }
        rule_set.save()


def simulated(dossier: Dossier) -> list[tuple]:
    plan = dossier_plan(dossier)
    api = APIClient()
    api.force_login(UserFactory())
    body = {
        "dispositif": dossier.dispositif,
        "worker": {
            "birth_date": plan.worker.birth_date.isoformat(),
            "employment": plan.worker.employment,
            "highest_level": plan.worker.highest_level,
            "publics": sorted(plan.worker.publics),
            "branch_hours_12m": str(plan.worker.branch_hours_12m),
        },
        "plan": {
            "contract_start": plan.contract_start.isoformat(),
            "contract_end": plan.contract_end.isoformat(),
            "training_start": plan.training_start.isoformat(),
            "training_end": plan.training_end.isoformat(),
            "training_hours": str(plan.training_hours),
            "contract_hours": str(plan.contract_hours) if plan.contract_hours else None,
            "certification": plan.certification,
        },
        "departement": dossier.agency.departement,
    }
    answer = api.post("/api/v1/rules/check", body, format="json")
    assert answer.status_code == 200, answer.json()
    return [
        (d["kind"], dt.date.fromisoformat(d["due"]), dt.date.fromisoformat(d["safe_date"]))
        for d in answer.json()["deadlines"]
    ]


def previewed(dossier: Dossier) -> list[tuple]:
    unsaved = Dossier(
        **{
            f.attname: getattr(dossier, f.attname)
            for f in Dossier._meta.concrete_fields
            if not f.primary_key
        }
    )
    return [(d.kind, d.due, d.safe_date) for d in plan_preview(unsaved).deadlines]


def stored(dossier: Dossier) -> list[tuple]:
    deadlines_sync(dossier)
    rows = {d.kind: d for d in Deadline.objects.filter(dossier=dossier)}
    listed = [(e.kind, e.due, e.safe_date) for e in expected_deadlines(dossier)]
    assert [(k, rows[k].due, rows[k].safe_date) for k, _, _ in listed] == listed
    assert set(rows) == {k for k, _, _ in listed}
    return listed


@pytest.mark.parametrize("dispositif", list(TRAITS))
@pytest.mark.parametrize("departement", ["75", "67"])
def test_simulator_preview_and_dossier_list_the_same_deadlines(
    reimbursement_everywhere, dispositif, departement
):
    """DOMAIN.md §3: every deadline of the plan, the same kinds and dates wherever it is shown.
    Before the deposit a dossier has no AKTO decision yet (its silence means nothing); once
    deposited on the last day, its decision is the simulator's."""
    agency = AgencyFactory(departement=departement)
    dossier = DossierFactory(
        agency=agency, contract_start=dt.date(2026, 12, 21), **{TRAITS[dispositif]: True}
    )
    plan_list = simulated(dossier)
    assert [kind for kind, _, _ in plan_list] == EVERY_KIND[dispositif]
    assert previewed(dossier) == plan_list
    assert stored(dossier) == [row for row in plan_list if row[0] != "akto_decision"]
    deposit = dict((k, due) for k, due, _ in plan_list).get("akto_deposit")
    if deposit:
        dossier.deposit_date = deposit
        dossier.save()
        assert stored(dossier) == plan_list
