"""REST API under load: a real server (gunicorn) and a real load tool (wrk) on loopback.

Four operations, each driven by wrk for a few seconds with a handful of connections, as the
case worker `load.case_worker` (token auth):

- the dossier list, page 1;
- a dossier's detail, over 500 dossiers of the case worker's agency;
- a transition (`cancel`, the one step every open dossier allows), each request on another
  open dossier; the dossiers it cancels stay cancelled (the database is a benchmark copy);
- the rules check (`POST /api/v1/rules/check`), which reads only reference data.

wrk prints requests per second and the latency distribution (p50, p95) from its own clock.
Beside each, the floor: the same question asked in SQL on the same database, in-process.
Target (issue #9, at 1 000 000 dossiers on PostgreSQL): list and detail p95 under 100 ms.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.harness import Bench, Figure, free_port, sql_floor, sql_floor_many

ROOT = Path(__file__).resolve().parents[2]
USERNAME = "load.case_worker"
DURATION_S = 10
# The reference machine has 2 cores, shared by the server and the load tool: two gunicorn
# worker processes, and wrk keeps one request in flight per worker (latency at the server's
# capacity; more connections would only measure the queue in front of two cores).
# Sync workers, as README « Production » runs them: a sync worker takes one connection at a
# time and closes it after the response, so the two connections always reach the two workers.
# (With gthread workers, one worker could accept both keep-alive connections and serve them in
# turn while the other idled: in about half the runs, half the throughput and twice the p95.)
WORKERS = 2
CONNECTIONS = WORKERS

# wrk runs one Lua state per thread: `setup` numbers the threads so that each takes its own
# share of the paths (transitions must never hit the same dossier twice), `done` prints one
# JSON line with the figures (latencies in microseconds). With `once`, a thread stops when
# its share is done instead of starting over (ONCE below: a dossier is cancelled only once).
LUA = """
local paths = {%(paths)s}
local method = "%(method)s"
local body = %(body)s
local threads = 0
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
  thread:set("nthreads", %(threads)d)
end
local n = 0
function request()
  local index = (tid + n * nthreads) %% #paths + 1
  n = n + 1
  return wrk.format(method, paths[index], nil, body)
end
%(response)s
function done(summary, latency, requests)
  io.write(string.format(
    '{"requests": %%d, "duration_us": %%d, "p50_us": %%d, "p95_us": %%d, "p99_us": %%d, ' ..
    '"non_2xx": %%d, "socket_errors": %%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""
ONCE = """
function response(status, headers, body)
  if tid + n * nthreads >= #paths then wrk.thread:stop() end
end
"""

RULES_CHECK_BODY = {
    "dispositif": "CPI",
    "worker": {
        "birth_date": "2001-05-14",
        "employment": "CTT",
        "highest_level": 3,
        "publics": ["RSA"],
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


class Server:
    """gunicorn serving config.wsgi on a free loopback port, on the benchmark's database."""

    def __init__(self, token: str):
        self.port = free_port()
        self.token = token
        self.process: subprocess.Popen | None = None
        self.log = tempfile.NamedTemporaryFile(prefix="bench-gunicorn-", suffix=".log")  # noqa: SIM115 (closed in __exit__)

    def __enter__(self) -> Server:
        env = {
            **os.environ,
            "DEBUG": "false",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "PYTHONUNBUFFERED": "1",
        }
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(WORKERS),
                "--worker-class",
                "sync",
                "--preload",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped: {Path(self.log.name).read_text()}")
            try:
                self.get("/api/v1/agencies/")
                return self
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer within 60 s")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
        self.log.close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def get(self, path: str) -> bytes:
        request = urllib.request.Request(
            self.url + path, headers={"Authorization": f"Token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.read()


def _wrk(
    server: Server,
    paths: list[str],
    *,
    method="GET",
    body=None,
    duration=DURATION_S,
    once=False,
):
    """Run wrk over `paths` (each at most once with `once`); its figures as a dict."""
    lua_body = "nil" if body is None else json.dumps(json.dumps(body))
    script = LUA % {
        "paths": ", ".join(json.dumps(p) for p in paths),
        "method": method,
        "body": lua_body,
        "threads": 2,
        "response": ONCE if once else "",
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    try:
        output = subprocess.run(
            [
                "wrk",
                "--threads",
                "2",
                "--connections",
                str(CONNECTIONS),
                "--duration",
                f"{duration}s",
                "--timeout",
                "30s",
                "--header",
                f"Authorization: Token {server.token}",
                "--header",
                "Content-Type: application/json",
                "--script",
                handle.name,
                server.url,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(handle.name)
    figures = json.loads(output.strip().splitlines()[-1])
    figures["rps"] = figures["requests"] / (figures["duration_us"] / 1e6)
    return figures


def _figure(name, wrk, floor, *, target_ms=None, note="") -> Figure:
    rps = f"{wrk['rps']:.0f} req/s, p50 {wrk['p50_us'] / 1000:.1f} ms"
    errors = wrk["non_2xx"] + wrk["socket_errors"]
    if errors:
        rps += f", {errors} erreurs"
    return Figure(
        suite="api",
        name=f"{name} (p95)",
        ms=wrk["p95_us"] / 1000,
        floor_ms=floor.median_ms,
        target_ms=target_ms,
        note=f"{rps}{'; ' + note if note else ''}",
    )


def run(bench: Bench) -> list[Figure]:
    if shutil.which("wrk") is None:
        return [
            Figure(
                suite="api",
                name="API (wrk absent : apt-get install wrk)",
                ms=float("nan"),
                note="non mesuré",
            )
        ]
    from rest_framework.authtoken.models import Token

    from cases.models import Dossier

    user = bench.user(USERNAME)
    token, _ = Token.objects.get_or_create(user=user)
    agency_ids = list(user.agencies.values_list("pk", flat=True))
    mine = Dossier.objects.filter(agency_id__in=agency_ids)
    sample = list(mine.order_by("-pk").values_list("pk", flat=True)[:500])
    open_ids = list(
        mine.exclude(state__in=["closed", "cancelled"])
        .order_by("pk")
        .values_list("pk", flat=True)[:4000]
    )
    duration = 3 if bench.quick else DURATION_S
    dossier = Dossier._meta.db_table
    worker = Dossier._meta.get_field("worker").related_model._meta.db_table
    agency = Dossier._meta.get_field("agency").related_model._meta.db_table
    placeholders = ", ".join(["%s"] * len(agency_ids))

    figures = []
    with Server(token.key) as server:
        # Warm every worker (connections, caches) before anything is measured.
        _wrk(
            server,
            ["/api/v1/dossiers/"] + [f"/api/v1/dossiers/{pk}/" for pk in sample[:50]],
            duration=2,
        )
        # The list: the API's default order, newest first, 50 rows with worker and agency.
        wrk = _wrk(server, ["/api/v1/dossiers/"], duration=duration)
        floor = sql_floor(
            f"SELECT d.*, w.last_name, w.first_name, a.name FROM {dossier} d "
            f"JOIN {worker} w ON w.id = d.worker_id JOIN {agency} a ON a.id = d.agency_id "
            f"WHERE d.agency_id IN ({placeholders}) ORDER BY d.id DESC LIMIT 50",
            agency_ids,
        )
        figures.append(_figure("liste des dossiers", wrk, floor, target_ms=100))

        wrk = _wrk(server, [f"/api/v1/dossiers/{pk}/" for pk in sample], duration=duration)
        floor = sql_floor(
            f"SELECT d.*, w.*, a.name FROM {dossier} d "
            f"JOIN {worker} w ON w.id = d.worker_id JOIN {agency} a ON a.id = d.agency_id "
            f"WHERE d.id = %s",
            [sample[len(sample) // 2]],
        )
        figures.append(_figure("détail d'un dossier", wrk, floor, target_ms=100))

        if open_ids:
            with PutBack(open_ids):
                wrk = _wrk(
                    server,
                    [f"/api/v1/dossiers/{pk}/transitions/cancel/" for pk in open_ids],
                    method="POST",
                    body={"cancellation_reason": "error", "comment": "Banc d'essai"},
                    duration=min(duration, 5),
                    once=True,
                )
            # wrk does not count the response on which a thread stops: one per thread.
            exhausted = wrk["requests"] >= len(open_ids) - 2
            floor = _transition_floor(dossier, open_ids[-1])
            figures.append(
                _figure(
                    "étape « annuler »",
                    wrk,
                    floor,
                    note=f"{len(open_ids)} dossiers ouverts disponibles"
                    + (" ; tous annulés avant la fin : débit sous-estimé" if exhausted else ""),
                )
            )
        else:
            figures.append(
                Figure(
                    suite="api",
                    name="étape « annuler »",
                    ms=float("nan"),
                    note="aucun dossier ouvert à annuler",
                )
            )
        wrk = _wrk(
            server, ["/api/v1/rules/check"], method="POST", body=RULES_CHECK_BODY, duration=duration
        )
        floor = sql_floor(
            "SELECT * FROM accords_ruleset WHERE dispositif = %s AND valid_from <= %s "
            "ORDER BY valid_from DESC LIMIT 1",
            ["CPI", "2026-03-02"],
        )
        figures.append(_figure("contrôle des règles", wrk, floor))
    return figures


class PutBack:
    """Put the dossiers back as they were before the transitions ran, so that the benchmark
    database stays as `generate_load` made it and every run finds the same open dossiers.

    Before: the dossiers' rows and their deadlines' rows, and the last id of each table a
    transition appends to (events, the dossier's history, deadlines, notices). After, in one
    transaction: the rows appended since for these dossiers are deleted and the saved rows
    written back as they were.
    """

    def __init__(self, dossier_ids: list[int]):
        self.dossier_ids = dossier_ids

    def __enter__(self) -> PutBack:
        from django.db.models import Max

        from cases.models import Deadline, Dossier, DossierEvent
        from notifications.models import Notification

        history = Dossier.history.model
        # (model, its primary key, its dossier column), notices before their deadlines.
        self.appended = [
            (DossierEvent, "pk", "dossier_id"),
            (history, "history_id", "id"),
            (Notification, "pk", "dossier_id"),
            (Deadline, "pk", "dossier_id"),
        ]
        self.last_ids = {
            model: model.objects.aggregate(last=Max(pk_name))["last"] or 0
            for model, pk_name, _ in self.appended
        }
        self.rows = [
            (Dossier, list(Dossier.objects.filter(pk__in=self.dossier_ids))),
            (Deadline, list(Deadline.objects.filter(dossier_id__in=self.dossier_ids))),
        ]
        return self

    def __exit__(self, *exc) -> None:
        from django.db import transaction

        with transaction.atomic():
            for model, pk_name, dossier_field in self.appended:
                model.objects.filter(
                    **{
                        f"{pk_name}__gt": self.last_ids[model],
                        f"{dossier_field}__in": self.dossier_ids,
                    }
                ).delete()
            for model, rows in self.rows:
                fields = [f.name for f in model._meta.concrete_fields if not f.primary_key]
                model.objects.bulk_update(rows, fields, batch_size=500)


def _transition_floor(dossier_table: str, pk: int):
    """Read the row and change its state, in a transaction rolled back afterwards."""
    from django.db import transaction

    with transaction.atomic():
        timing = sql_floor_many(
            [
                (f"SELECT * FROM {dossier_table} WHERE id = %s", [pk]),
                (f"UPDATE {dossier_table} SET state = 'cancelled' WHERE id = %s", [pk]),
            ]
        )
        transaction.set_rollback(True)
    return timing
