"""POST /api/v1/rules/check over HTTP: one answer per dispositif, a 400 per bad input."""

import copy
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from accords.models import FundingRate, RuleSet
from cases.models import Dossier, FundingLine
from tests.factories import UserFactory

URL = "/api/v1/rules/check"

BASE = {
    "dispositif": "CPI",
    "worker": {
        "birth_date": "2001-05-14",
        "employment": "CTT",
        "highest_level": 3,
        "publics": ["RSA", "JOB_SEEKER"],
        "branch_hours_12m": 200,
    },
    "plan": {
        "contract_start": "2026-03-02",
        "contract_end": "2027-03-01",
        "training_start": "2026-03-02",
        "training_end": "2027-02-15",
        "training_hours": 300,
        "contract_hours": None,
        "mission_hours": None,
        "certification": "RNCP34860",
    },
}


def body(dispositif="CPI", worker=None, plan=None, **top):
    data = copy.deepcopy(BASE)
    data["dispositif"] = dispositif
    data["worker"].update(worker or {})
    data["plan"].update(plan or {})
    data.update(top)
    return data


@pytest.fixture
def client(rules):
    api = APIClient()
    api.force_login(UserFactory())
    return api


def post(client, data):
    return client.post(URL, data, format="json")


CASES = {
    "CPI": body(),
    "CAI": body("CAI", plan={"training_hours": 500}),
    "CIPI": body(
        "CIPI",
        plan={
            "contract_end": "2026-06-30",
            "training_end": "2026-05-29",
            "training_hours": 200,
            "contract_hours": 300,
            "certification": None,
        },
    ),
    "CDPI": body(
        "CDPI",
        worker={"publics": []},
        plan={"contract_end": "2026-12-31", "training_end": "2026-09-30", "training_hours": 400},
    ),
    "CAR": body(
        "CAR",
        worker={"publics": ["AT_MP"]},
        plan={"training_end": "2026-12-01", "training_hours": 600},
    ),
    "PRO_A_INTERIM": body(
        "PRO_A_INTERIM", worker={"employment": "CDII"}, plan={"certification": "CLEA"}
    ),
    "PRO_A_PERMANENT": body(
        "PRO_A_PERMANENT", worker={"employment": "CDI"}, plan={"certification": "CLEA_NUMERIQUE"}
    ),
}
FUNDING = {
    "CPI": {"rate_unknown": True},
    "CAI": {"rate_unknown": True},
    "CIPI": {"hourly_rate": "14.00", "hours": "200.00", "amount": "2800.00"},
    "CDPI": {"hourly_rate": "14.00", "hours": "400.00", "amount": "5600.00"},
    "CAR": {"rate_unknown": True},
    "PRO_A_INTERIM": {"hourly_rate": "17.00", "hours": "300.00", "amount": "5100.00"},
    "PRO_A_PERMANENT": {"hourly_rate": "17.00", "hours": "300.00", "amount": "5100.00"},
}
DEADLINES = {
    "CPI": ["akto_deposit", "akto_decision"],
    "CAI": ["akto_deposit", "akto_decision"],
    "CIPI": ["fund_reservation", "mission_obligation"],
    "CDPI": ["fund_reservation", "mission_obligation"],
    "CAR": ["fpett_opinion", "akto_deposit", "mission_obligation"],  # 003 fiche CAR: opinion
    "PRO_A_INTERIM": ["akto_deposit", "akto_decision"],
    "PRO_A_PERMANENT": ["akto_deposit", "akto_decision"],
}


@pytest.mark.parametrize("dispositif", list(CASES))
def test_each_dispositif_answers(client, dispositif):
    """003 — fiches CPI, CAI, CIPI, CDPI, CAR; 000/001 art. 2 à 6 (Pro-A)."""
    answer = post(client, CASES[dispositif])
    assert answer.status_code == 200, answer.json()
    data = answer.json()
    assert data["eligible"] is True, data["findings"]
    assert data["rule_set"]["dispositif"] == dispositif
    funding = {k: v for k, v in data["funding"].items() if k != "source"}
    assert funding == FUNDING[dispositif]
    assert [d["kind"] for d in data["deadlines"]] == DEADLINES[dispositif]
    assert {f["severity"] for f in data["findings"]} <= {"warning"}


def test_cpi_answer_in_full(client):
    """003 — fiche CPI; D.6325-1 and D.6325-2: deposit by Sat 7 Mar (act Fri 6), decision 27 Mar."""
    data = post(client, CASES["CPI"]).json()
    assert data["rule_set"]["source"] == "003 — fiche CPI"
    assert data["rule_set"]["valid_from"] == "2019-11-29"
    assert data["findings"][0]["code"] == "rate_unknown"
    deposit, decision = data["deadlines"]
    assert (deposit["due"], deposit["safe_date"]) == ("2026-03-07", "2026-03-06")
    assert (decision["due"], decision["silence"]) == ("2026-03-27", "accepted")


def test_ineligible_plan(client):
    """003 — fiche CPI: 149.99 h < 150 h, and 26 without a public code."""
    data = post(
        client,
        body(
            worker={"birth_date": "2000-03-02", "publics": []},
            plan={"training_hours": "149.99", "contract_hours": 800, "contract_end": "2026-09-01"},
        ),
    ).json()
    assert data["eligible"] is False
    found = {f["code"]: f for f in data["findings"]}
    assert {"training_hours_below_minimum", "public_not_eligible"} <= set(found)
    assert found["training_hours_below_minimum"]["source"].startswith("003 — fiche CPI")
    assert "150 h" in found["training_hours_below_minimum"]["message"]


def test_alsace_moselle_safe_date(client):
    """003 — fiche CPI: due Good Friday 3 Apr 2026, a holiday in Moselle: act on Thursday."""
    data = post(
        client,
        body(
            plan={
                "contract_start": "2026-03-29",
                "contract_end": "2027-03-28",
                "training_start": "2026-03-29",
            },
            departement="57",
        ),
    ).json()
    assert data["deadlines"][0]["safe_date"] == "2026-04-02"


def test_nothing_is_written(client):
    counts = [m.objects.count() for m in (RuleSet, FundingRate, Dossier, FundingLine)]
    post(client, CASES["CDPI"])
    assert [m.objects.count() for m in (RuleSet, FundingRate, Dossier, FundingLine)] == counts


def test_anonymous_refused(rules):
    assert APIClient().post(URL, CASES["CPI"], format="json").status_code in (401, 403)


def test_no_rule_set_in_force(client):
    """001 art. 8: Pro-A temp workers from 12 May 2021 only."""
    data = post(
        client,
        body(
            "PRO_A_INTERIM",
            worker={"employment": "CDII"},
            plan={
                "contract_start": "2021-01-04",
                "contract_end": "2021-12-31",
                "training_start": None,
                "training_end": None,
                "certification": "CLEA",
            },
        ),
    ).json()
    assert data["eligible"] is False
    assert data["rule_set"] is None
    assert [f["code"] for f in data["findings"]] == ["rule_set_missing"]


def _error_at(data, path):
    """The message at `path` in the API's one error format (nested fields are dotted)."""
    *field, index = path
    return data["errors"][".".join(field)][index]


@pytest.mark.parametrize(
    ("data", "path", "message"),
    [
        (body("XYZ"), ["dispositif", 0], "« XYZ » : dispositif inconnu."),
        (
            body(worker={"publics": ["RSA", "MARTIAN"]}),
            ["worker", "publics", "1", 0],
            "« MARTIAN » : code de public inconnu.",
        ),
        (
            body(worker={"employment": "CDD"}),
            ["worker", "employment", 0],
            "« CDD » : contrat inconnu (CTT, CDII, CDI).",
        ),
        (
            body(plan={"contract_end": "2026-03-01"}),
            ["plan", "contract_end", 0],
            "La fin du contrat précède son début.",
        ),
        (
            body(plan={"training_end": "2026-03-01"}),
            ["plan", "training_end", 0],
            "La fin de la formation précède son début.",
        ),
        (
            body(plan={"training_hours": -1}),
            ["plan", "training_hours", 0],
            "Les heures ne peuvent pas être négatives.",
        ),
        (
            body(plan={"mission_hours": "-0.5"}),
            ["plan", "mission_hours", 0],
            "Les heures ne peuvent pas être négatives.",
        ),
        (
            body(worker={"branch_hours_12m": -3}),
            ["worker", "branch_hours_12m", 0],
            "Les heures ne peuvent pas être négatives.",
        ),
        (
            body(plan={"certification": "RNCP-12"}),
            ["plan", "certification", 0],
            "« RNCP-12 » n'est pas un code de certification valide : « RNCP » suivi de chiffres (ex. RNCP34860), CLEA ou CLEA_NUMERIQUE.",
        ),
        (
            body(worker={"highest_level": 9}),
            ["worker", "highest_level", 0],
            "« 9 » : niveau attendu de 3 à 8, ou null.",
        ),
    ],
)
def test_bad_input_gets_a_french_message_per_field(client, data, path, message):
    answer = post(client, data)
    assert answer.status_code == 400
    assert _error_at(answer.json(), path) == message


@pytest.mark.parametrize(
    ("remove", "path"),
    [
        (["dispositif"], ["dispositif", 0]),
        (["worker"], ["worker", 0]),
        (["plan", "training_hours"], ["plan", "training_hours", 0]),
        (["plan", "contract_start"], ["plan", "contract_start", 0]),
        (["worker", "birth_date"], ["worker", "birth_date", 0]),
    ],
)
def test_missing_required_field(client, remove, path):
    data = body()
    target = data
    for key in remove[:-1]:
        target = target[key]
    del target[remove[-1]]
    answer = post(client, data)
    assert answer.status_code == 400
    assert _error_at(answer.json(), path) == "Ce champ est obligatoire."


def test_decimal_strings_are_exact(client):
    """001 art. 6: 17 €/h × 150.5 h = 2 558,50 €, computed in Decimal."""
    data = post(
        client,
        body(
            "PRO_A_INTERIM",
            worker={"employment": "CDII"},
            plan={"certification": "CLEA", "training_hours": "150.5", "contract_hours": 700},
        ),
    ).json()
    assert Decimal(data["funding"]["amount"]) == Decimal("2558.50")


def test_query_budget(client, django_assert_max_num_queries):
    """The simulator reads the rule set, the rate and the list: a handful of queries."""
    with django_assert_max_num_queries(8):
        assert post(client, CASES["PRO_A_INTERIM"]).status_code == 200


def test_openapi_documents_codes_and_shapes(rules):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"]["/api/v1/rules/check"]["post"]
    assert "training_ratio_out_of_range" in operation["description"]
    assert "JOB_SEEKER_LONG_TERM" in operation["description"]
    responses = operation["responses"]
    assert responses["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/RulesCheckAnswer"
    }
    # Every error, 400 included, in the API's one format.
    errors = {code for code in responses if not code.startswith("2")}
    assert "400" in errors
    for code in errors:
        assert responses[code]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Error"
        }, code
    # Only statuses this endpoint can answer. It writes nothing; 409 and 422 are those of an
    # Idempotency-Key reused (config.idempotency), which every POST under /api/v1/ honours.
    assert set(responses) <= {
        *("200", "400", "401", "403", "404", "405", "406", "409", "413", "415", "422"),
    }
    answer = schema["components"]["schemas"]["RulesCheckAnswer"]["properties"]
    assert {"eligible", "rule_set", "findings", "funding", "deadlines"} <= set(answer)
