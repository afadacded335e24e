"""Retention and the right of access (DOMAIN.md §5).

`worker_anonymise` strips a person whose dossiers are all closed or cancelled, keeping what the
reports count (dispositif, dates, hours, birth year, publics flags); `person_export` gathers
everything held about one person.
"""

import datetime as dt

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import DateTimeField, Max, Q
from django.db.models.functions import Coalesce
from django.forms.models import model_to_dict
from django.utils import timezone

from cases.choices import FINAL_STATES
from cases.models import (
    Deadline,
    Document,
    Dossier,
    DossierEvent,
    Mission,
    SensitiveDataAccess,
    Worker,
)
from cases.signals import dossiers_anonymised, person_export_requested
from cases.uploads import stored_file_delete_on_commit

ANONYMOUS_NAME = "ANONYME"


def workers_to_anonymise(*, older_than_days: int, now: dt.datetime | None = None):
    """Workers not yet anonymised whose dossiers are all closed or cancelled, the last one
    longer than `older_than_days` ago (its closing step, or its last change if it has none)."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=older_than_days)
    open_dossiers = Dossier.objects.exclude(state__in=FINAL_STATES)
    return (
        Worker.objects.filter(anonymised_on__isnull=True, dossiers__isnull=False)
        .exclude(dossiers__in=open_dossiers)
        .annotate(
            last_closed=Coalesce(
                Max(
                    "dossiers__events__created",
                    filter=Q(dossiers__events__to_state__in=FINAL_STATES),
                ),
                Max("dossiers__updated"),
                output_field=DateTimeField(),
            )
        )
        .filter(last_closed__lt=cutoff)
        .order_by("pk")
    )


@transaction.atomic
def worker_anonymise(*, worker_id: int, older_than_days: int) -> bool:
    """Anonymise one person and their dossiers; return False if they no longer qualify.

    Runs in its own transaction and re-checks under the row lock, so a dossier reopened or
    a worker anonymised by a concurrent run is left alone.
    """
    # Lock first, then check: PostgreSQL refuses FOR UPDATE on the aggregating query.
    worker = Worker.objects.select_for_update().filter(pk=worker_id).first()
    eligible = workers_to_anonymise(older_than_days=older_than_days).filter(pk=worker_id)
    if worker is None or not eligible.exists():
        return False
    dossiers = Dossier.objects.filter(worker=worker)
    dossier_ids = list(dossiers.values_list("pk", flat=True))

    Worker.objects.filter(pk=worker.pk).update(
        last_name=ANONYMOUS_NAME,
        first_name=f"n° {worker.pk}",
        birth_date=dt.date(worker.birth_date.year, 1, 1),  # the year keeps the age band
        nir="",
        at_mp_date=None,  # the AT/MP flag stays (a public counted in reports), not its date
        fitness_status="",
        anonymised_on=timezone.localdate(),
    )
    dossiers.update(notes="", agency_tutor="", eu_tutor="")
    DossierEvent.objects.filter(dossier_id__in=dossier_ids).update(comment="")
    Deadline.objects.filter(dossier_id__in=dossier_ids).update(waiver_reason="")
    dossiers_anonymised.send(sender=Dossier, dossier_ids=dossier_ids)
    for document in Document.objects.filter(dossier_id__in=dossier_ids).exclude(file=""):
        stored_file_delete_on_commit(document.file)  # the files go once this commits
    Document.objects.filter(dossier_id__in=dossier_ids).update(file="", note="")

    # The history holds copies of names, tutors, notes and file names: the person's goes.
    Worker.history.filter(id=worker.pk).delete()
    Dossier.history.filter(id__in=dossier_ids).delete()
    Mission.history.filter(worker_id=worker.pk).delete()
    Document.history.filter(dossier_id__in=dossier_ids).delete()
    worker.refresh_from_db()
    worker._change_reason = "Anonymisation (durée de conservation dépassée)"
    worker.save(update_fields=["updated"])
    return True


def _row(obj, exclude: tuple[str, ...] = ()) -> dict:
    data = model_to_dict(obj, exclude=list(exclude))
    data["id"] = obj.pk
    for field in ("created", "updated"):
        if hasattr(obj, field):
            data[field] = getattr(obj, field)
    return data


def person_export(*, worker_id: int) -> dict:
    """Everything held about one person, as JSON-ready data (right of access).

    Raises Worker.DoesNotExist for an unknown id.
    """
    worker = Worker.objects.select_related("agency").get(pk=worker_id)
    dossiers = list(Dossier.objects.filter(worker=worker).order_by("pk"))
    dossier_ids = [d.pk for d in dossiers]
    identity = _row(worker)
    identity["agency"] = str(worker.agency)
    export = {
        "exported_at": timezone.now(),
        "worker": identity,
        "dossiers": [
            {
                **_row(d),
                "state_label": d.get_state_display(),
                "client_companies": [str(c) for c in d.client_companies.all()],
            }
            for d in dossiers
        ],
        "events": [
            {**_row(e), "created": e.created, "actor": str(e.actor) if e.actor else None}
            for e in DossierEvent.objects.filter(dossier_id__in=dossier_ids)
            .select_related("actor")
            .order_by("created", "pk")
        ],
        "missions": [_row(m) for m in Mission.objects.filter(worker=worker).order_by("start")],
        "documents": [
            {**_row(doc, exclude=("file",)), "file_name": doc.file.name.rsplit("/", 1)[-1]}
            for doc in Document.objects.filter(dossier_id__in=dossier_ids).order_by("pk")
        ],
        "deadlines": [
            _row(d) for d in Deadline.objects.filter(dossier_id__in=dossier_ids).order_by("due")
        ],
        "worker_history": [
            {
                "date": h.history_date,
                "type": h.get_history_type_display(),
                "by": str(h.history_user) if h.history_user else None,
                "reason": h.history_change_reason,
            }
            for h in worker.history.select_related("history_user").order_by("history_date")
        ],
        "sensitive_data_access": [
            {
                "at": a.at,
                "by": a.username,
                "nir": a.nir,
                "health": a.health,
                "channel": a.channel,
                "where": a.where,
            }
            for a in SensitiveDataAccess.objects.filter(worker=worker).order_by("at", "pk")
        ],
    }
    # What the layers above keep about the person (the notices about their dossiers).
    for _receiver, sections in person_export_requested.send(
        sender=Worker, dossier_ids=dossier_ids, row=_row
    ):
        export.update(sections)
    return export


class ExportEncoder(DjangoJSONEncoder):
    """Dates, decimals and file fields as text."""

    def default(self, o):
        if hasattr(o, "name") and hasattr(o, "storage"):
            return o.name
        return super().default(o)
