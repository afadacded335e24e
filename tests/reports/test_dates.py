"""Ages and delays computed by the database: the boundaries, on SQLite and on PostgreSQL."""

import datetime as dt
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Mission
from reports import figures, services
from reports.dates import aged, more_than, reached
from reports.periods import half, year
from reports.scope import Scope
from tests.factories import AgencyFactory, DossierFactory, MissionFactory, WorkerFactory

D = dt.date

# (birth, day, whole years on that day): the birthday rule of Worker.age_on (DOMAIN.md §7).
AGES = [
    (D(2000, 3, 2), D(2026, 3, 2), 26),  # the 26th birthday is the contract start
    (D(2000, 3, 2), D(2026, 3, 1), 25),  # the day before
    (D(2000, 2, 29), D(2026, 2, 28), 26),  # born on 29 February: 28 February of a common year
    (D(2000, 2, 29), D(2026, 2, 27), 25),
    (D(2000, 2, 29), D(2028, 2, 28), 27),  # in a leap year the birthday is 29 February
    (D(2000, 2, 29), D(2028, 2, 29), 28),
    (D(2002, 3, 1), D(2028, 2, 29), 25),  # a start on 29 February, born on 1 March
    (D(2002, 2, 28), D(2028, 2, 29), 26),
    (D(2000, 12, 31), D(2026, 12, 31), 26),
    (D(2001, 1, 1), D(2026, 12, 31), 25),
    (D(1981, 6, 15), D(2026, 6, 15), 45),
    (D(1981, 6, 16), D(2026, 6, 15), 44),
    (D(2010, 3, 2), D(2026, 3, 2), 16),
    (D(2010, 3, 3), D(2026, 3, 2), 15),
]


def _missions(pairs) -> list[Mission]:
    agency = AgencyFactory()
    return [
        MissionFactory(worker=WorkerFactory(agency=agency, birth_date=birth), start=day, end=day)
        for birth, day in pairs
    ]


def _selected(condition) -> set[int]:
    return set(Mission.objects.filter(condition).values_list("pk", flat=True))


def test_whole_years_at_the_boundaries(db):
    missions = _missions((birth, day) for birth, day, _ in AGES)
    assert [m.worker.age_on(m.start) for m in missions] == [age for _, _, age in AGES]
    for years in (16, 25, 26, 27, 28, 44, 45, 46):
        expected = {m.pk for m, (_, _, age) in zip(missions, AGES, strict=True) if age >= years}
        assert _selected(reached("worker__birth_date", "start", years)) == expected, years
    young = {m.pk for m, (_, _, age) in zip(missions, AGES, strict=True) if 16 <= age <= 25}
    assert _selected(aged("worker__birth_date", "start", 16, 25)) == young


def test_whole_years_agree_with_age_on(db):
    """Random dates around birthdays, 29 February and year ends, against Worker.age_on."""
    rng = random.Random(29)
    pairs = []
    for _ in range(120):
        birth = rng.choice([D(2000, 2, 29), D(1996, 2, 29), D(2001, 3, 1), D(1990, 12, 31)])
        birth += dt.timedelta(days=rng.choice([0, 0, 1, -1, rng.randint(-400, 400)]))
        years = rng.choice([16, 25, 26, 45])
        day = D(birth.year + years, 2, 27) + dt.timedelta(days=rng.randint(-3, 5))
        pairs.append((birth, day))
    missions = _missions(pairs)
    for years in (16, 25, 26, 45):
        expected = {m.pk for m in missions if m.worker.age_on(m.start) >= years}
        assert _selected(reached("worker__birth_date", "start", years)) == expected, years


def test_more_than_a_year_excludes_the_anniversary(db):
    agency = AgencyFactory()
    cases = [
        (D(2025, 3, 2), D(2026, 3, 2), False),  # exactly one year: not « more than »
        (D(2025, 3, 1), D(2026, 3, 2), True),
        (D(2024, 2, 29), D(2025, 2, 28), False),  # the anniversary is 28 February
        (D(2024, 2, 29), D(2025, 3, 1), True),
        (None, D(2026, 3, 2), False),  # not a job seeker
    ]
    missions = [
        MissionFactory(
            worker=WorkerFactory(agency=agency, job_seeker_since=since), start=day, end=day
        )
        for since, day, _ in cases
    ]
    expected = {m.pk for m, (_, _, more) in zip(missions, cases, strict=True) if more}
    assert _selected(more_than("worker__job_seeker_since", "start", 1)) == expected


def test_publics_age_bands_at_the_birthday(db):
    agency = AgencyFactory()
    start = D(2026, 3, 2)
    for birth in [D(2000, 3, 2), D(2000, 3, 3), D(1981, 3, 2), D(1981, 3, 3)]:
        DossierFactory(cpi=True, agency=agency, contract_start=start, worker__birth_date=birth)
    rows = {
        r["public"]: r["people"]
        for r in figures.publics(figures.cohort(year(2026), Scope()))["rows"]
    }
    assert rows["Âgés de 16 à 25 ans au début du contrat"] == 1  # born 2000-03-03
    assert rows["Âgés de 26 à 44 ans"] == 2  # 26 that day; 44 the day before the 45th birthday
    assert rows["Âgés de 45 ans et plus"] == 1  # 45 that day


def test_deposit_delay_buckets_at_the_boundaries(db):
    agency = AgencyFactory()
    start = D(2028, 2, 27)  # a leap year: the delay counts 29 February
    for days in [-3, 0, 1, 5, 6, 7, 10, 11, 30, 31]:
        DossierFactory(
            cpi=True,
            agency=agency,
            contract_start=start,
            deposit_date=start + dt.timedelta(days=days),
        )
    table = figures.deposit_delays(figures.cohort(year(2028), Scope()))
    counts = [row["dossiers"] for row in table["rows"]]
    # ≤ 0: −3, 0; 1–5: 1, 5; 6–10: 6, 7 (3 March), 10; 11–30: 11, 30; > 30: 31.
    assert counts == [2, 2, 3, 2, 1]


@pytest.mark.parametrize("build", ["cpne", "mission_jeunes"])
def test_no_python_function_per_row(data, build):
    """SQLite runs Django's Extract/Trunc/date differences as Python callbacks: none is used."""
    with CaptureQueriesContext(connection) as queries:
        if build == "cpne":
            services.cpne_report(year(2026), Scope(), as_of=D(2026, 12, 31))
        else:
            # Three young people: build it anyway (hidden) to see every query.
            services.mission_jeunes_report(half(2026, 1), Scope(), refuse_narrow=False)
    sql = " ".join(q["sql"] for q in queries.captured_queries).lower()
    assert "django_" not in sql
    assert "extract(" not in sql and "date_trunc" not in sql
