"""The dossier list's search and filters: what they find, within the user's agencies, at a
fixed number of queries (their SQL is shaped for 100 000 dossiers: see bench/suites/admin.py)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.choices import DeadlineKind, DeadlineStatus, Role
from cases.models import Deadline
from cases.selectors import team_load
from tests.factories import AgencyFactory, DossierFactory, UserFactory, WorkerFactory

URL = "/admin/cases/dossier/"
NIR_BODY = "1030575123456"
NIR = f"{NIR_BODY}{97 - int(NIR_BODY) % 97:02d}"


@pytest.fixture
def agencies(db):
    return AgencyFactory(), AgencyFactory()


@pytest.fixture
def case_worker(agencies):
    return UserFactory(role=Role.CASE_WORKER, agencies=[agencies[0]])


def deadline(dossier, due, status=DeadlineStatus.OPEN, kind=DeadlineKind.AKTO_DEPOSIT):
    return Deadline.objects.create(
        dossier=dossier,
        kind=kind,
        label=DeadlineKind(kind).label,
        due=due,
        safe_date=due,
        source="test",
        status=status,
    )


def found(client, **params) -> set[int]:
    response = client.get(URL, params)
    assert response.status_code == 200
    return {row.pk for row in response.context["cl"].result_list}


@pytest.fixture
def people(agencies):
    mine, other = agencies
    lea = DossierFactory(
        agency=mine,
        worker=WorkerFactory(agency=mine, last_name="Moreau", first_name="Léa", nir=NIR),
        akto_reference="AKTO-2026-000123",
    )
    paul = DossierFactory(
        agency=mine,
        worker=WorkerFactory(agency=mine, last_name="Moreau-Petit", first_name="Paul"),
        akto_reference="AKTO-2026-000124",
    )
    stranger = DossierFactory(
        agency=other,
        worker=WorkerFactory(agency=other, last_name="Moreau", first_name="Léa"),
        akto_reference="AKTO-2026-000125",
    )
    return {"lea": lea.pk, "paul": paul.pk, "stranger": stranger.pk}


def test_a_name_search_finds_part_of_a_last_or_first_name_in_my_agencies_only(
    client, case_worker, people
):
    client.force_login(case_worker)
    assert found(client, q="moreau") == {people["lea"], people["paul"]}
    assert found(client, q="PETIT") == {people["paul"]}
    assert found(client, q="aul") == {people["paul"]}
    assert found(client, q="Léa moreau") == {people["lea"]}  # every word must match
    assert found(client, q='"Moreau-Petit"') == {people["paul"]}
    assert found(client, q="Dupont") == set()


def test_an_akto_reference_is_found_exactly_case_aside(client, case_worker, people):
    client.force_login(case_worker)
    assert found(client, q="AKTO-2026-000124") == {people["paul"]}
    assert found(client, q="akto-2026-000124") == {people["paul"]}
    assert found(client, q="AKTO-2026-00012") == set()  # no partial reference
    assert found(client, q="AKTO-2026-000125") == set()  # another agency's dossier
    assert found(client, q="moreau AKTO-2026-000123") == {people["lea"]}


def test_a_nir_is_found_in_full_only_and_only_by_those_who_may_read_it(
    client, agencies, case_worker, people
):
    client.force_login(case_worker)
    assert found(client, q=NIR) == {people["lea"]}
    assert found(client, q=NIR[:7]) == set()
    # A training manager sees the dossiers, the mask of the NIR, and may not confirm a number.
    client.force_login(UserFactory(role=Role.TRAINING_MANAGER, agencies=[agencies[0]]))
    assert found(client, q="Moreau") == {people["lea"], people["paul"]}
    assert found(client, q=NIR) == set()


def test_the_overdue_filter_keeps_breached_and_open_past_due_deadlines(
    client, agencies, case_worker
):
    mine, other = agencies
    today = timezone.localdate()
    late, breached, met, coming = (DossierFactory(agency=mine) for _ in range(4))
    deadline(late, today - dt.timedelta(days=1))
    deadline(breached, today + dt.timedelta(days=2), status=DeadlineStatus.BREACHED)
    deadline(met, today - dt.timedelta(days=9), status=DeadlineStatus.MET)
    deadline(coming, today)
    deadline(late, today + dt.timedelta(days=5), kind=DeadlineKind.MISSION_OBLIGATION)
    deadline(DossierFactory(agency=other), today - dt.timedelta(days=3))
    client.force_login(case_worker)
    assert found(client, en_retard="1") == {late.pk, breached.pk}
    assert found(client, en_retard="1", q=late.worker.last_name) == {late.pk}


@pytest.mark.parametrize("few_ids", [5000, 1], ids=["ids read first", "ids as a subquery"])
def test_the_overdue_filter_answers_the_same_with_many_overdue_deadlines(
    client, agencies, case_worker, monkeypatch, few_ids
):
    """Past FEW_IDS overdue dossiers the filter keeps its subquery: slower, same answer."""
    monkeypatch.setattr("cases.admin.changelist.FEW_IDS", few_ids)
    mine, other = agencies
    today = timezone.localdate()
    late = [DossierFactory(agency=mine) for _ in range(3)]
    for dossier in late:
        deadline(dossier, today - dt.timedelta(days=2))
    deadline(DossierFactory(agency=other), today - dt.timedelta(days=3))
    DossierFactory(agency=mine)
    client.force_login(case_worker)
    assert found(client, en_retard="1") == {d.pk for d in late}


def test_the_mission_risk_filter_keeps_pending_mission_deadlines_within_30_days(
    client, agencies, case_worker
):
    mine, other = agencies
    today = timezone.localdate()
    soon, late, far, met, deposit = (DossierFactory(agency=mine) for _ in range(5))
    mission = DeadlineKind.MISSION_OBLIGATION
    deadline(soon, today + dt.timedelta(days=30), kind=mission)
    deadline(late, today - dt.timedelta(days=3), status=DeadlineStatus.BREACHED, kind=mission)
    deadline(far, today + dt.timedelta(days=31), kind=mission)
    deadline(met, today + dt.timedelta(days=5), status=DeadlineStatus.MET, kind=mission)
    deadline(deposit, today + dt.timedelta(days=5))
    deadline(DossierFactory(agency=other), today, kind=mission)
    client.force_login(case_worker)
    assert found(client, mission_a_risque="1") == {soon.pk, late.pk}


def test_searches_and_filters_cost_a_fixed_number_of_queries(client, agencies, case_worker):
    mine, _ = agencies
    today = timezone.localdate()
    client.force_login(case_worker)
    # Every page starts with one row (a page with rows prefetches their client companies).
    first = DossierFactory(
        agency=mine, worker=WorkerFactory(agency=mine, last_name="Moreau"), akto_reference="AKTO-1"
    )
    deadline(first, today - dt.timedelta(days=1))

    def queries(**params) -> int:
        with CaptureQueriesContext(connection) as captured:
            client.get(URL, params)
        return len(captured)

    pages = [{"q": "Moreau"}, {"q": "AKTO-1"}, {"en_retard": "1"}, {"a_deposer": "1"}, {}]
    for params in pages:
        queries(**params)
    before = [queries(**params) for params in pages]
    for n in range(6):
        dossier = DossierFactory(
            agency=mine,
            worker=WorkerFactory(agency=mine, last_name="Moreau"),
            akto_reference=f"AKTO-{n}",
        )
        deadline(dossier, today - dt.timedelta(days=n + 1))
    assert [queries(**params) for params in pages] == before


def test_the_list_is_not_sorted_by_next_deadline(client, case_worker):
    """Sorting 100 000 dossiers by a computed next deadline cannot be fast: not offered."""
    client.force_login(case_worker)
    DossierFactory(agency=case_worker.agencies.get())
    html = client.get(URL).content.decode()
    at = html.index("column-next_deadline_badge")
    header = html[html.rindex("<th", 0, at) : html.index("</th>", at)]
    assert "sortable" not in header and "Prochaine échéance" in header


def test_the_team_load_counts_per_case_worker(agencies, case_worker):
    mine, other = agencies
    today = timezone.localdate()
    idle = UserFactory(role=Role.CASE_WORKER, agencies=[mine], first_name="Inès", last_name="Roy")
    manager = UserFactory(role=Role.AGENCY_MANAGER, agencies=[mine])
    busy = [DossierFactory(agency=mine, case_worker=case_worker) for _ in range(3)]
    deadline(busy[0], today - dt.timedelta(days=4))
    deadline(busy[0], today + dt.timedelta(days=2), kind=DeadlineKind.MISSION_OBLIGATION)
    deadline(busy[1], today + dt.timedelta(days=9), status=DeadlineStatus.BREACHED)
    deadline(busy[2], today + dt.timedelta(days=3))
    deadline(busy[2], today - dt.timedelta(days=1), kind=DeadlineKind.AKTO_DECISION, status="met")
    DossierFactory(agency=mine, case_worker=case_worker, state="closed")
    deadline(DossierFactory(agency=mine), today - dt.timedelta(days=1))  # nobody's
    DossierFactory(agency=other, case_worker=UserFactory(agencies=[other]))
    lines = {line.name: line for line in team_load(user=manager, today=today)}
    assert set(lines) == {str(case_worker), "Inès Roy", "Non attribué"}
    mine_line = lines[str(case_worker)]
    assert (mine_line.open_dossiers, mine_line.overdue_deadlines, mine_line.due_soon) == (3, 2, 2)
    assert (lines["Inès Roy"].open_dossiers, lines["Inès Roy"].overdue_deadlines) == (0, 0)
    assert lines["Non attribué"].overdue_deadlines == 1
    assert idle.pk == lines["Inès Roy"].case_worker_id
    with CaptureQueriesContext(connection) as captured:
        team_load(user=manager, today=today)
    assert len(captured) == 2


def test_the_dossier_page_searches_workers_instead_of_listing_them(client, agencies, case_worker):
    """A drop-down of every worker of the agency made the page unusable at 50 000 workers."""
    mine, other = agencies
    dossier = DossierFactory(agency=mine, worker=WorkerFactory(agency=mine, last_name="Moreau"))
    for _ in range(5):
        WorkerFactory(agency=mine, last_name="Autre")
    WorkerFactory(agency=other, last_name="Moreau", first_name="Ailleurs")
    client.force_login(case_worker)
    html = client.get(f"{URL}add/").content.decode()
    select = html[html.index('id="id_worker"') :]
    select = select[: select.index("</select>")]
    assert select.count("<option") <= 1 and "MOREAU" not in select and "AUTRE" not in select
    # Once the dossier exists its worker is fixed: shown, not offered.
    html = client.get(f"{URL}{dossier.pk}/change/").content.decode()
    assert 'id="id_worker"' not in html and "MOREAU" in html
    answer = client.get(
        "/admin/autocomplete/",
        {"app_label": "cases", "model_name": "dossier", "field_name": "worker", "term": "Moreau"},
    ).json()
    assert [row["text"] for row in answer["results"]] == [str(dossier.worker)]


def test_a_word_with_a_digit_is_not_looked_for_among_the_names(client, case_worker, people):
    """A reference or a NIR is found through its own index, without reading every worker's
    name (770 000 workers at 1 000 000 dossiers: bench/suites/admin.py)."""
    client.force_login(case_worker)

    def name_lookups(**params) -> int:
        with CaptureQueriesContext(connection) as queries:
            found(client, **params)
        return sum("LIKE" in q["sql"] and "last_name" in q["sql"] for q in queries)

    assert name_lookups(q="AKTO-2026-000124") == 0
    assert name_lookups(q=NIR) == 0
    assert name_lookups(q="Moreau") > 0  # the page and its count


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes: PostgreSQL")
def test_the_name_search_reads_the_trigram_indexes_on_postgresql(db):
    """Migration 0009: the search's `icontains` on a name is served by a trigram index."""
    from cases.models import Worker

    search = Worker.objects.filter(last_name__icontains="oreau").values("pk")
    sql, params = search.query.sql_with_params()
    with connection.cursor() as cursor:
        # On an empty table any plan will do: leave the planner only the ways an index can
        # answer `LIKE '%…%'` by itself (a B-tree scanned in full would also be an index scan).
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("SET LOCAL enable_indexonlyscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "worker_last_name_trgm" in plan, plan
