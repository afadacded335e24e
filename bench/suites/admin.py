"""Suite: the case worker's admin — the dossier list (page 1, the three filters, the two
searches, a far page) and a dossier's change page, each beside its SQL floor.

Every page is a whole request through the Django test client, logged in (force_login) as a
staff case worker of the biggest agency: queries, Python and template rendering. Its floor is
the same question asked directly in SQL: for a list page, the rows of the page with their
joins, for that agency, through the same condition; for the change page, the dossier with its
worker, agency and client companies, its deadlines, events and missions.
"""

from __future__ import annotations

import datetime as dt
import warnings

from bench.harness import Bench, Figure, sql_floor, sql_floor_many, timed

SUITE = "admin"
LIST_URL = "/admin/cases/dossier/"
PER_PAGE = 50
FAR_PAGE = 40  # the last page under the paginator's 2 000-row count cap
TARGET_MS = 300
# A staff case worker of the biggest agency: generate_load's account.
USERNAMES = ("load.case_worker",)

warnings.filterwarnings("ignore", message="No directory at")

# The page's rows picked on the narrow (agency, contract_start, id) index, then joined.
PAGE_SQL = """
SELECT d.id, d.dispositif, d.state, d.contract_start, d.akto_reference,
       w.last_name, w.first_name, a.name, u.username
FROM (
    SELECT d.id FROM cases_dossier d
    WHERE d.agency_id IN ({agencies}) {condition}
    ORDER BY d.contract_start DESC, d.id DESC
    LIMIT {limit} OFFSET {offset}
) page
JOIN cases_dossier d ON d.id = page.id
JOIN cases_worker w ON w.id = d.worker_id
JOIN cases_agency a ON a.id = d.agency_id
LEFT JOIN cases_user u ON u.id = d.case_worker_id
ORDER BY d.contract_start DESC, d.id DESC
"""
PENDING = "x.status IN ('open', 'breached')"


def case_worker(bench: Bench):
    from cases.models import User

    for username in USERNAMES:
        try:
            return bench.user(username)
        except User.DoesNotExist:
            continue
    raise LookupError(f"no case worker account: one of {', '.join(USERNAMES)}")


def _sample(user):
    """A dossier of the user's agency that has a worker name and an AKTO reference."""
    from cases.models import Dossier

    dossiers = Dossier.objects.filter(agency__users=user).exclude(akto_reference="")
    return dossiers.select_related("worker").order_by("pk")[dossiers.count() // 2]


def _rows(html: str) -> int:
    """The number of dossier rows in a changelist page (its table's rows but the header)."""
    if 'id="result_list"' not in html:
        return 0
    table = html[html.index('id="result_list"') :]
    return table[: table.index("</table>")].count("<tr") - 1


def _page_floor(bench: Bench, agencies, condition: str = "", params=(), offset: int = 0):
    """The page's rows for the user's agencies (their ids are known once logged in)."""
    sql = PAGE_SQL.format(
        agencies=", ".join(["%s"] * len(agencies)),
        condition=condition,
        limit=PER_PAGE,
        offset=offset,
    )
    return sql_floor(sql, (*agencies, *params), runs=bench.runs)


def _list_figure(bench: Bench, client, name: str, query: str, floor, note: str = "") -> Figure:
    url = f"{LIST_URL}?{query}" if query else LIST_URL

    def get():
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url}: HTTP {response.status_code}")
        return _rows(response.content.decode())

    page = timed(get, runs=bench.runs)
    return Figure(
        SUITE,
        name,
        page.median_ms,
        queries=page.queries,
        floor_ms=floor.median_ms,
        target_ms=TARGET_MS,
        note=f"{page.result} rows" + (f"; {note}" if note else ""),
    )


def _change_page(bench: Bench, client, dossier) -> Figure:
    url = f"{LIST_URL}{dossier.pk}/change/"

    def get():
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url}: HTTP {response.status_code}")

    page = timed(get, runs=bench.runs)
    pk = (dossier.pk,)
    floor = sql_floor_many(
        [
            (
                "SELECT d.*, w.*, a.*, u.username FROM cases_dossier d "
                "JOIN cases_worker w ON w.id = d.worker_id "
                "JOIN cases_agency a ON a.id = d.agency_id "
                "LEFT JOIN cases_user u ON u.id = d.case_worker_id WHERE d.id = %s",
                pk,
            ),
            (
                "SELECT c.* FROM cases_clientcompany c JOIN cases_dossier_client_companies dc "
                "ON dc.clientcompany_id = c.id WHERE dc.dossier_id = %s",
                pk,
            ),
            ("SELECT * FROM cases_deadline WHERE dossier_id = %s ORDER BY due", pk),
            (
                "SELECT e.*, u.username FROM cases_dossierevent e "
                "LEFT JOIN cases_user u ON u.id = e.actor_id "
                "WHERE e.dossier_id = %s ORDER BY e.created DESC",
                pk,
            ),
            (
                "SELECT m.*, c.name FROM cases_mission m "
                "JOIN cases_clientcompany c ON c.id = m.client_company_id "
                "WHERE m.dossier_id = %s ORDER BY m.start",
                pk,
            ),
        ],
        runs=bench.runs,
    )
    return Figure(
        SUITE,
        "dossier change page",
        page.median_ms,
        queries=page.queries,
        floor_ms=floor.median_ms,
        note=f"dossier {dossier.pk}",
    )


def run(bench: Bench) -> list[Figure]:
    from django.test import Client

    from cases.models import Dossier

    user = case_worker(bench)
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    sample = _sample(user)
    name, reference = sample.worker.last_name, sample.akto_reference
    from cases.admin.changelist import MISSION_RISK_DAYS

    today = bench.today.isoformat()
    risk_day = (bench.today + dt.timedelta(days=MISSION_RISK_DAYS)).isoformat()
    uid = list(user.agencies.values_list("pk", flat=True))
    # The far page, or the last one on a database too small to have it.
    visible = Dossier.objects.filter(agency_id__in=uid).count()
    far_page = max(1, min(FAR_PAGE, -(-visible // PER_PAGE)))
    to_file = (
        "AND EXISTS (SELECT 1 FROM cases_deadline x WHERE x.dossier_id = d.id "
        f"AND {PENDING} AND x.kind IN ('akto_deposit', 'fund_reservation'))"
    )
    overdue = (
        "AND d.id IN (SELECT dossier_id FROM cases_deadline "
        "WHERE status = 'breached' OR (status = 'open' AND due < %s))"
    )
    mission_risk = (
        "AND d.id IN (SELECT x.dossier_id FROM cases_deadline x "
        f"WHERE {PENDING} AND x.kind = 'mission_obligation' AND x.due <= %s)"
    )
    by_name = (
        "AND d.id IN (SELECT m.id FROM cases_dossier m WHERE m.worker_id IN ("
        "SELECT id FROM cases_worker "
        "WHERE UPPER(last_name) LIKE UPPER(%s) OR UPPER(first_name) LIKE UPPER(%s)))"
    )
    by_reference = "AND d.id IN (SELECT m.id FROM cases_dossier m WHERE m.akto_reference = %s)"
    figures = [
        _list_figure(bench, client, "dossier list, page 1", "", _page_floor(bench, uid)),
        _list_figure(
            bench,
            client,
            "filter « à déposer »",
            "a_deposer=1",
            _page_floor(bench, uid, to_file),
        ),
        _list_figure(
            bench,
            client,
            "filter « en retard »",
            "en_retard=1",
            _page_floor(bench, uid, overdue, (today,)),
        ),
        _list_figure(
            bench,
            client,
            "filter « obligation de mission à risque »",
            "mission_a_risque=1",
            _page_floor(bench, uid, mission_risk, (risk_day,)),
        ),
        _list_figure(
            bench,
            client,
            "search by worker name",
            f"q={name}",
            _page_floor(bench, uid, by_name, (f"%{name}%", f"%{name}%")),
            note=f"« {name} »",
        ),
        _list_figure(
            bench,
            client,
            "search by AKTO reference",
            f"q={reference}",
            _page_floor(bench, uid, by_reference, (reference,)),
            note=f"« {reference} »",
        ),
        _list_figure(
            bench,
            client,
            f"page {far_page}",
            f"p={far_page}",
            _page_floor(bench, uid, offset=(far_page - 1) * PER_PAGE),
        ),
        _change_page(bench, client, sample),
    ]
    return figures
