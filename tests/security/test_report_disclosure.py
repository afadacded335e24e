"""Issue #16: privacy holds against a determined insider — the reports.

The rule: « Reports are aggregates: no name, NIR or health detail leaves the agency in a
report » (DOMAIN.md §4); AT/MP and fitness are health data (§5; 002 art. 4). As national
statistics offices do it: primary suppression of the cells under 5 people, then secondary
(complementary) suppression so that no hidden cell comes back from the totals, from a row's
sums or from another table of the same report (reports/privacy.py, reports/suppression.py).

The attacker (tests/security/attacker.py) is written apart from the product: it reads the
report's JSON and solves for every hidden cell — one unknown in a relation, interval
propagation (a hidden count is not zero), linear algebra — and each test FAILS if it pins one.
"""

import datetime as dt
import random
from decimal import Decimal

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accords.models import Accord, Certification, CertificationListEntry
from cases.choices import CertificationLevel, Dispositif, FundingLineKind, Role
from cases.models import Deadline, FundingLine
from reports import figures, privacy, scope, services
from reports.mission_jeunes import mission_jeunes_table
from reports.periods import half, quarter, year
from tests.factories import (
    AgencyFactory,
    DossierFactory,
    MissionFactory,
    UserFactory,
    WorkerFactory,
)
from tests.security.attacker import AT_MP, SMALL, cells, label, recover

pytestmark = pytest.mark.django_db
D = dt.date
AS_OF = D(2026, 12, 31)
TRAITS = {
    Dispositif.CPI: "cpi",
    Dispositif.CAI: "cai",
    Dispositif.CIPI: "cipi",
    Dispositif.CDPI: "cdpi",
    Dispositif.CAR: "car",
    Dispositif.PRO_A_INTERIM: "pro_a_interim",
    Dispositif.PRO_A_PERMANENT: "pro_a_permanent",
}
STATES = ["draft", "submitted", "accepted", "in_training", "mission_follow_up", "closed"]
STATES += ["cancelled", "reimbursement_requested"]
NO_CODE = (Dispositif.CIPI, Dispositif.PRO_A_INTERIM, Dispositif.PRO_A_PERMANENT)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def certifications() -> list[str]:
    accord = Accord.objects.create(kind="accord", title="Accord Pro-A test")
    codes = []
    for n, (sector, level) in enumerate(
        [("Logistique", 3), ("Logistique", 4), ("BTP", 3), (None, 5), (None, None)]
    ):
        code = f"RNCP{40000 + n}"
        cert = Certification.objects.create(code=code, title=f"Titre {n}", level=level)
        if sector:
            CertificationListEntry.objects.create(
                accord=accord, certification=cert, sector=sector, order=n
            )
        codes.append(code)
    return codes


def groups(codes) -> dict:
    """Each code's sector and level, as the public referentials give them."""
    sectors, levels = {}, {}
    names = dict(CertificationLevel.choices)
    for code in [*codes, "CLEA", "RNCP34860"]:
        entry = CertificationListEntry.objects.filter(certification__code=code).order_by("order")
        sectors[code] = entry[0].sector if entry else "Hors liste Pro-A"
        cert = Certification.objects.filter(code=code).first()
        level = cert.level if cert else None
        levels[code] = str(names.get(level, "Niveau non renseigné"))
    return {"certifications_secteur": sectors, "certifications_niveau": levels}


def deadline(dossier, kind, due):
    Deadline.objects.create(
        dossier=dossier, kind=kind, label="x", due=due, safe_date=due, source="test"
    )


def generate(seed: int, n: int) -> tuple[list, list[str]]:
    """`n` dossiers of 2026 over three agencies, drawn at random: dispositifs (CPI and CAR
    often, Pro-A permanents rarely), states, start days, certifications, AT/MP, deposits,
    mission windows, missions, ledger lines; and young people's missions."""
    rnd = random.Random(seed)
    agencies = [
        AgencyFactory(region=region, company_name=company)
        for region, company in [
            ("Île-de-France", "Alpha"),
            ("Bretagne", "Beta"),
            ("Bretagne", "Alpha"),
        ]
    ]
    codes = certifications()
    weights = [6, 2, 3, 2, 4, 3, 1]
    for _ in range(n):
        dispositif = rnd.choices(list(TRAITS), weights)[0]
        start = D(2026, rnd.randint(1, 12), rnd.randint(1, 28))
        extra = {} if dispositif in NO_CODE else {"certification_code": rnd.choice(codes)}
        dossier = DossierFactory(
            agency=rnd.choice(agencies),
            state=rnd.choice(STATES),
            contract_start=start,
            planned_training_hours=Decimal(rnd.choice([150, 200, 300, 400])),
            worker__birth_date=D(rnd.randint(1965, 2007), rnd.randint(1, 12), 1),
            worker__mission_locale=rnd.random() < 0.3,
            worker__at_mp=dispositif == Dispositif.CAR or rnd.random() < 0.1,
            **extra,
            **{TRAITS[dispositif]: True},
        )
        if dossier.deposit_date:
            deadline(dossier, "akto_deposit", start + dt.timedelta(days=rnd.choice([0, 5])))
        if dispositif in (Dispositif.CIPI, Dispositif.CDPI, Dispositif.CAR):
            deadline(dossier, "mission_obligation", start + dt.timedelta(rnd.choice([60, 120])))
            day = start + dt.timedelta(days=30)
            hours = Decimal(rnd.choice([20, 80, 140]))
            MissionFactory(worker=dossier.worker, dossier=dossier, start=day, end=day, hours=hours)
        for kind in FundingLineKind.values:
            if rnd.random() < 0.3:
                amount = Decimal(rnd.randint(5, 90) * 100)
                FundingLine.objects.create(dossier=dossier, kind=kind, amount=amount, on=start)
    for _ in range(n // 3):
        worker = WorkerFactory(
            agency=rnd.choice(agencies),
            birth_date=D(rnd.randint(2001, 2009), rnd.randint(1, 12), 1),
            mission_locale=True,
        )
        for _ in range(rnd.randint(1, 3)):
            day = D(2026, rnd.randint(1, 12), rnd.randint(1, 28))
            MissionFactory(worker=worker, start=day, end=day, hours=Decimal(rnd.choice([7, 35])))
    return agencies, codes


def assert_nothing_recovered(report, truth, codes=()):
    found = recover(report, truth, groups(codes))
    assert not found, f"cells recovered by arithmetic: {found}"


def cpne(reader_scope, period=None, dispositif=None):
    """The report and the same tables before suppression; None when it is refused."""
    period = period or year(2026)
    try:
        report = services.cpne_report(period, reader_scope, dispositif, as_of=AS_OF)
    except Exception as error:  # a narrow cohort: refused, nothing to attack
        assert privacy.NARROW in str(error)
        return None, None
    return report, figures.cpne_tables(period, reader_scope, dispositif, as_of=AS_OF)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_no_hidden_cell_comes_back_by_arithmetic(seed):
    agencies, codes = generate(seed, n=45)
    cpne_reporter = UserFactory(role=Role.CPNE_REPORTER, agencies=[])
    case_worker = UserFactory(role=Role.CASE_WORKER, agencies=[agencies[seed % 3]])
    everything, own = scope.resolve(cpne_reporter), scope.resolve(case_worker)
    cases = [
        (everything, None, None),  # national: every small count hidden
        (own, None, None),  # own agency: health counts hidden for its own users too
        (everything, None, Dispositif.CAR),  # every count is health data
        (own, None, Dispositif.CPI),
        (everything, quarter(2026, seed), None),
        (scope.resolve(cpne_reporter, scope.REGION, region="Bretagne"), half(2026, 1), None),
    ]
    attacked = 0
    for reader_scope, period, dispositif in cases:
        report, truth = cpne(reader_scope, period, dispositif)
        if report is not None:
            assert_nothing_recovered(report, truth, codes)
            attacked += 1
    assert attacked >= 4
    for period in (half(2026, 1), half(2026, 2)):
        report = services.mission_jeunes_report(period, everything, refuse_narrow=False)
        if not report["privacy"]["suppressed_all"]:
            assert_nothing_recovered(report, [mission_jeunes_table(period, everything)])


def dossiers(n, dispositif, agency, month=1, **fields):
    for i in range(n):
        DossierFactory(
            agency=agency,
            contract_start=D(2026, month + i % 3, 1 + i % 28),
            **{TRAITS[dispositif]: True},
            **fields,
        )


def hidden_cells(report):
    return [c for c, v in cells(report).items() if v == privacy.SECRET]


def test_46_minus_38():
    """46 dossiers, 20 CPI and 18 CIPI shown, CDPI 4 and CAI 4 « < 5 »: 46 − 38 = 8, and two
    cells under 5 adding up to 8 are both 4. Primary suppression alone gives them away; with
    secondary suppression nothing comes back, even to an attacker who knows which hidden
    cells are the small ones."""
    agency = AgencyFactory()
    for n, dispositif in [(20, Dispositif.CPI), (18, Dispositif.CIPI), (4, Dispositif.CDPI)]:
        dossiers(n, dispositif, agency)
    dossiers(4, Dispositif.CAI, agency)
    everything = scope.Scope()
    truth = figures.cpne_tables(year(2026), everything, as_of=AS_OF)

    primary_only = {"privacy": {"masked": True}, "tables": [_primary_only(t) for t in truth]}
    found = recover(primary_only, truth)
    by_dispositif = ("dossiers_dispositif", label(Dispositif.CDPI), "total")
    assert found[by_dispositif] == 4  # the attacker has teeth
    assert found[("dossiers_dispositif", label(Dispositif.CAI), "total")] == 4

    report, truth = cpne(everything)
    table = report["tables"][0]
    rows = {row["dispositif"]: row for row in table["rows"]}
    assert rows[label(Dispositif.CDPI)]["total"] == privacy.SECRET
    assert rows[label(Dispositif.CAI)]["total"] == privacy.SECRET
    third = [rows[label(Dispositif.CPI)]["total"], rows[label(Dispositif.CIPI)]["total"]]
    assert privacy.SECRET in [*third, table["totals"]["total"]]
    assert_nothing_recovered(report, truth)
    small = {c for c, v in cells({"tables": truth}).items() if isinstance(v, int) and 0 < v < 5}
    found = recover(report, truth, known_small=small & set(hidden_cells(report)))
    assert by_dispositif not in found and not found


def _primary_only(tbl):
    """The old rule: each count of 1 to 4 shown « < 5 », nothing else hidden."""
    counts = [c["key"] for c in tbl["columns"] if c["kind"] == "count"]

    def masked(row):
        return {
            k: SMALL if k in counts and isinstance(v, int) and 0 < v < 5 else v
            for k, v in row.items()
        }

    totals = tbl["totals"] and masked(tbl["totals"])
    return {**privacy.public(tbl), "rows": [masked(r) for r in tbl["rows"]], "totals": totals}


def client(user):
    token, _ = Token.objects.get_or_create(user=user)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return api


def test_a_hidden_count_does_not_come_back_from_another_table():
    """The same people in two tables of one report: six CAR workers, one dossier each. Every
    CAR count is health data, hidden; the publics table's « distinct people » total, shown,
    was the number of CAR dossiers under way — and from it every hidden dossier count of the
    dispositif, state, month and hours tables came back (6)."""
    agency = AgencyFactory()
    dossiers(6, Dispositif.CAR, agency)
    reporter = UserFactory(role=Role.CPNE_REPORTER, agencies=[])
    report, truth = cpne(scope.resolve(reporter), None, Dispositif.CAR)
    assert report is not None
    assert {t["key"] for t in report["tables"]} >= {"publics", "dossiers_dispositif"}
    assert_nothing_recovered(report, truth)


def test_one_start_day_in_one_agency_is_refused():
    """The attack of the issue: the CPNE report narrowed to one start day in one agency named
    three workers with an AT/MP. A period must be whole months, and a cohort of 5 people."""
    agency = AgencyFactory()
    for _ in range(3):
        DossierFactory(car=True, agency=agency, contract_start=D(2026, 3, 2))
    DossierFactory(cpi=True, agency=agency, contract_start=D(2026, 3, 20))
    user = UserFactory(role=Role.AGENCY_MANAGER, agencies=[agency])
    day = {"from": "2026-03-02", "to": "2026-03-02", "scope": "agency", "agency": agency.pk}
    response = client(user).get("/api/v1/reports/cpne/", day)
    assert response.status_code == 400
    assert "mois entiers" in response.json()["errors"]["non_field_errors"][0]
    month = {**day, "from": "2026-03-01", "to": "2026-03-31"}
    response = client(user).get("/api/v1/reports/cpne/", month)
    assert response.status_code == 400  # 4 people
    assert "moins de 5 personnes" in response.json()["errors"]["non_field_errors"][0]


def test_health_counts_are_hidden_for_the_agency_itself():
    """AT/MP and CAR counts under 5 are hidden for every reader, own agency included; the
    other counts of the agency stay visible to its own users."""
    agency = AgencyFactory()
    dossiers(8, Dispositif.CPI, agency)
    dossiers(3, Dispositif.CAR, agency)  # their workers have an AT/MP
    user = UserFactory(role=Role.CASE_WORKER, agencies=[agency])
    report, truth = cpne(scope.resolve(user))
    assert report["privacy"]["masked"] is False
    rows = {row["dispositif"]: row for row in report["tables"][0]["rows"]}
    assert rows[label(Dispositif.CAR)]["total"] == privacy.SECRET
    publics = {row["public"]: row["people"] for row in _table(report, "publics")["rows"]}
    assert publics[AT_MP] == privacy.SECRET
    months = _table(report, "dossiers_mois")
    assert all(row["CAR"] in (0, privacy.SECRET) for row in months["rows"])
    # The CPI total is hidden too, or 11 − 8 would give CAR back; the ages are not health data
    # and stay visible to the agency.
    assert rows[label(Dispositif.CPI)]["total"] == privacy.SECRET
    assert publics["Âgés de 16 à 25 ans au début du contrat"] == 11
    assert_nothing_recovered(report, truth)


def test_an_at_mp_count_close_to_everybody_is_hidden():
    """6 people, all with an AT/MP: « 6 » would tell the agency that every one of them has
    one. A health count whose complement is under 5 is hidden too."""
    agency = AgencyFactory()
    dossiers(6, Dispositif.CAR, agency)
    user = UserFactory(role=Role.CASE_WORKER, agencies=[agency])
    report, truth = cpne(scope.resolve(user))
    publics = {row["public"]: row["people"] for row in _table(report, "publics")["rows"]}
    assert publics[AT_MP] == privacy.SECRET
    assert_nothing_recovered(report, truth)


def _table(report, key):
    return next(t for t in report["tables"] if t["key"] == key)
