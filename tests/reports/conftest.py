"""A small fixed data set for the reports, with every expected figure computed by hand.

Agency A (Île-de-France, company Alpha) and agency B (Bretagne, company Beta). Period: 2026.

| dossier | dispositif    | agency | state                   | start      | hours | worker age |
|---------|---------------|--------|-------------------------|------------|-------|------------|
| d1      | CPI           | A      | in_training             | 2026-03-02 | 400   | 22         |
| d2      | CPI           | A      | closed                  | 2026-01-05 | 200   | 36         |
| d3      | CIPI          | A      | mission_follow_up       | 2026-02-02 | 150   | 45 (RSA)   |
| d4      | CDPI          | B      | closed                  | 2026-01-12 | 300   | 25 (ML)    |
| d5      | CAR           | B      | cancelled               | 2026-04-01 | 400   | 23         |
| d6      | CAR           | B      | reimbursement_requested | 2026-02-02 | 300   | 55 (AT/MP) |
| d7      | PRO_A_INTERIM | A      | accepted                | 2026-05-04 | 200   | 22         |
| d8      | CPI           | A      | closed                  | 2025-12-15 | 400   | (outside)  |
| d9      | CAI           | A      | draft                   | 2026-07-01 | 500   | 23         |
"""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from accords.models import Accord, Certification, CertificationListEntry
from cases.choices import FundingLineKind, Role
from cases.models import Deadline, FundingLine
from tests.factories import (
    AgencyFactory,
    DossierFactory,
    MissionFactory,
    UserFactory,
    WorkerFactory,
)

D = dt.date


def deadline(dossier, kind, due, status="open"):
    return Deadline.objects.create(
        dossier=dossier,
        kind=kind,
        label=kind,
        due=due,
        safe_date=due,
        source="test",
        status=status,
    )


def money(dossier, kind, amount):
    FundingLine.objects.create(dossier=dossier, kind=kind, amount=Decimal(amount), on=D(2026, 6, 1))


@pytest.fixture
def data(db):
    a = AgencyFactory(name="Agence A", region="Île-de-France", company_name="Alpha")
    b = AgencyFactory(name="Agence B", region="Bretagne", company_name="Beta")
    accord = Accord.objects.create(kind="accord", title="Accord Pro-A test")
    cert = Certification.objects.create(code="RNCP34860", title="Préparateur", level=3)
    CertificationListEntry.objects.create(
        accord=accord, certification=cert, sector="Logistique", order=1
    )

    d1 = DossierFactory(cpi=True, agency=a, state="in_training", contract_start=D(2026, 3, 2))
    d2 = DossierFactory(
        cpi=True,
        agency=a,
        state="closed",
        contract_start=D(2026, 1, 5),
        planned_training_hours=Decimal("200"),
        deposit_date=D(2026, 1, 20),
        worker__birth_date=D(1990, 1, 5),
    )
    d3 = DossierFactory(
        cipi=True,
        agency=a,
        state="mission_follow_up",
        contract_start=D(2026, 2, 2),
        worker__birth_date=D(1980, 6, 1),
    )
    d4 = DossierFactory(
        cdpi=True,
        agency=b,
        state="closed",
        contract_start=D(2026, 1, 12),
        training_end=D(2026, 6, 30),
        planned_training_hours=Decimal("300"),
        worker__birth_date=D(2000, 12, 31),
        worker__mission_locale=True,
        worker__job_seeker_since=D(2024, 6, 1),
    )
    d5 = DossierFactory(
        car=True,
        agency=b,
        state="cancelled",
        contract_start=D(2026, 4, 1),
        worker__birth_date=D(2002, 8, 1),
    )
    d6 = DossierFactory(
        car=True,
        agency=b,
        state="reimbursement_requested",
        contract_start=D(2026, 2, 2),
        training_end=D(2026, 6, 30),
        planned_training_hours=Decimal("300"),
        certification_code="RNCP99999",
        worker__birth_date=D(1970, 3, 1),
    )
    d7 = DossierFactory(
        pro_a_interim=True,
        agency=a,
        state="accepted",
        contract_start=D(2026, 5, 4),
        planned_training_hours=Decimal("200"),
    )
    d8 = DossierFactory(cpi=True, agency=a, state="closed", contract_start=D(2025, 12, 15))
    d9 = DossierFactory(cai=True, agency=a, contract_start=D(2026, 7, 1))

    # AKTO deposit deadlines (as the rules engine computes them, with the status deadlines_sync
    # gives them from the deposit date) and mission windows.
    deadline(d1, "akto_deposit", D(2026, 3, 7), "met")  # deposited 03-04
    deadline(d2, "akto_deposit", D(2026, 1, 10), "met_late")  # deposited 01-20
    deadline(d6, "akto_deposit", D(2026, 2, 2), "met")  # deposited 02-01
    deadline(d7, "akto_deposit", D(2026, 5, 9), "met")  # deposited 05-06
    deadline(d8, "akto_deposit", D(2025, 12, 20), "met")
    deadline(d3, "mission_obligation", D(2026, 5, 3))
    deadline(d4, "mission_obligation", D(2026, 9, 30))
    deadline(d6, "mission_obligation", D(2026, 9, 30))

    def mission(dossier, start, hours):
        MissionFactory(
            worker=dossier.worker, dossier=dossier, start=start, end=start, hours=Decimal(hours)
        )

    mission(d3, D(2026, 3, 1), "50")
    mission(d3, D(2026, 4, 15), "30")
    mission(d4, D(2026, 7, 10), "60")
    mission(d4, D(2026, 10, 15), "30")  # after the 3-month window
    mission(d6, D(2026, 7, 1), "100")

    money(d1, FundingLineKind.RESERVED, "6800")
    money(d2, FundingLineKind.CLAIMED, "3400")
    money(d2, FundingLineKind.PAID, "3000")
    money(d7, FundingLineKind.CLAIMED, "2400")

    # Mission jeunes, 2026-H1.
    young_a = WorkerFactory(agency=a, birth_date=D(2005, 2, 1), mission_locale=True)
    for start, hours in [(D(2026, 2, 10), "35"), (D(2026, 5, 20), "70"), (D(2026, 7, 2), "7")]:
        MissionFactory(worker=young_a, start=start, end=start, hours=Decimal(hours))
    young_b = WorkerFactory(agency=b, birth_date=D(2000, 3, 1), mission_locale=True)
    for start, hours in [(D(2026, 2, 15), "20"), (D(2026, 3, 10), "40")]:
        MissionFactory(worker=young_b, start=start, end=start, hours=Decimal(hours))
    not_followed = WorkerFactory(agency=a, birth_date=D(2004, 1, 1))
    MissionFactory(worker=not_followed, start=D(2026, 3, 1), end=D(2026, 3, 1))

    return SimpleNamespace(a=a, b=b, d1=d1, d2=d2, d3=d3, d4=d4, d5=d5, d6=d6, d7=d7, d8=d8, d9=d9)


@pytest.fixture
def young(data):
    """Five more young people of agency A followed by a mission locale, one 35 h mission each
    in April 2026: the Mission jeunes half-year 2026-H1 then counts 7 young people (8 people
    with d4's CDPI entry), enough for a report (reports/privacy.py, THRESHOLD)."""
    for day in range(5):
        worker = WorkerFactory(agency=data.a, birth_date=D(2004, 1, 10 + day), mission_locale=True)
        MissionFactory(worker=worker, start=D(2026, 4, 1), end=D(2026, 4, 1), hours=Decimal("35"))


@pytest.fixture
def users(data):
    return SimpleNamespace(
        case_worker_a=UserFactory(role=Role.CASE_WORKER, agencies=[data.a]),
        manager_b=UserFactory(role=Role.AGENCY_MANAGER, agencies=[data.b]),
        cpne=UserFactory(role=Role.CPNE_REPORTER, agencies=[]),
        admin=UserFactory(role=Role.ADMINISTRATOR, agencies=[data.a]),
        fpett=UserFactory(role=Role.FPETT_ADVISOR, agencies=[]),
    )


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
