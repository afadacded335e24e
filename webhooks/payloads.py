"""What an event tells the agency's other software (README « Webhooks », « Données envoyées »).

The endpoint belongs to one agency, and receives only that agency's dossiers. It gets what the
agency's case workers read and its software needs to file the event: the dossier's id, dispositif,
state and AKTO reference, the agency, and the worker's id and name. Never the NIR, the birth
date, the publics criteria (RSA, disability…), health data (AT/MP, fitness), nor free text
(comments, notes, waiver reasons), which may hold any of these.
"""

import datetime as dt
import json

# The dossier's fields an event reads, as lookups from a row that has a `dossier`.
DOSSIER_VALUES = (
    "dossier_id",
    "dossier__dispositif",
    "dossier__state",
    "dossier__akto_reference",
    "dossier__agency_id",
    "dossier__agency__name",
    "dossier__worker_id",
    "dossier__worker__last_name",
    "dossier__worker__first_name",
)


def iso(moment: dt.datetime) -> str:
    """UTC, ISO 8601 with a Z, as the spec's examples."""
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def dossier_part(values: dict) -> dict:
    """The dossier as an event shows it, from the DOSSIER_VALUES of a row."""
    return {
        "id": values["dossier_id"],
        "dispositif": values["dossier__dispositif"],
        "state": values["dossier__state"],
        "akto_reference": values["dossier__akto_reference"] or None,
        "agency": {"id": values["dossier__agency_id"], "name": values["dossier__agency__name"]},
        "worker": {
            "id": values["dossier__worker_id"],
            "last_name": values["dossier__worker__last_name"],
            "first_name": values["dossier__worker__first_name"],
        },
    }


def dossier_values(dossier) -> dict:
    """DOSSIER_VALUES read from a Dossier instance (its agency and worker loaded)."""
    return {
        "dossier_id": dossier.pk,
        "dossier__dispositif": dossier.dispositif,
        "dossier__state": dossier.state,
        "dossier__akto_reference": dossier.akto_reference,
        "dossier__agency_id": dossier.agency_id,
        "dossier__agency__name": dossier.agency.name,
        "dossier__worker_id": dossier.worker_id,
        "dossier__worker__last_name": dossier.worker.last_name,
        "dossier__worker__first_name": dossier.worker.first_name,
    }


def body(*, type: str, occurred_at: dt.datetime, data: dict) -> str:
    """The JSON body (Standard Webhooks payload structure: type, timestamp, data), minified."""
    return json.dumps(
        {"type": type, "timestamp": iso(occurred_at), "data": data},
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )


def without_worker_identity(text: str) -> str:
    """The body of an anonymised dossier's event: the worker's name is gone."""
    payload = json.loads(text)
    dossier = payload.get("data", {}).get("dossier")
    if isinstance(dossier, dict) and isinstance(dossier.get("worker"), dict):
        dossier["worker"] = {"id": None, "last_name": None, "first_name": None}
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
