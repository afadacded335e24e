"""Dossiers kept from before steps recorded the actual training dates, and deadlines closing
or cancelling « waived » without an author.

- The actual training start is the date of the « Démarrer la formation » event, the actual end
  the date of the « Passer au suivi des missions » event (in Europe/Paris), each only when the
  dossier passed that step and the date is not before the planned one: a click before the
  planned date proves nothing about the training, so the date stays empty and the dossier
  shows « Date à renseigner » (`cases.workflow.guards.missing_facts`); the next step asks it.
  Pro-A records its end with the reimbursement request: an old one leaves it empty. Nothing
  is invented.
- A deadline « Levée » with no author was dropped by a closing or a cancellation, not waived:
  it becomes « Annulée » (its reason kept). Only an agency manager waives.
"""

import zoneinfo

from django.db import migrations

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def _event_day(event):
    return event.created.astimezone(PARIS).date()


def fill(apps, schema_editor):
    Dossier = apps.get_model("cases", "Dossier")
    DossierEvent = apps.get_model("cases", "DossierEvent")
    Deadline = apps.get_model("cases", "Deadline")
    events = DossierEvent.objects.filter(
        kind="transition", transition__in=("start_training", "start_follow_up")
    ).order_by("dossier_id", "created", "pk")
    last: dict[tuple[int, str], object] = {}
    for event in events.iterator():
        last[(event.dossier_id, event.transition)] = event  # the latest of each
    dossier_ids = {dossier_id for dossier_id, _ in last}
    for dossier in Dossier.objects.filter(pk__in=dossier_ids).iterator():
        changed = []
        started = last.get((dossier.pk, "start_training"))
        planned_start = dossier.training_start or dossier.contract_start
        if dossier.training_started_on is None and started:
            day = _event_day(started)
            if day >= planned_start:
                dossier.training_started_on = day
                changed.append("training_started_on")
        ended = last.get((dossier.pk, "start_follow_up"))
        if dossier.training_ended_on is None and ended and dossier.training_end:
            day = _event_day(ended)
            start = dossier.training_started_on
            if day >= dossier.training_end and (start is None or day >= start):
                dossier.training_ended_on = day
                changed.append("training_ended_on")
        if changed:
            dossier.save(update_fields=changed)
    Deadline.objects.filter(status="waived", waived_by__isnull=True).update(
        status="cancelled", waived_at=None
    )


def unfill(apps, schema_editor):
    Deadline = apps.get_model("cases", "Deadline")
    Deadline.objects.filter(status="cancelled").update(status="waived")


class Migration(migrations.Migration):
    dependencies = [("cases", "0018_dossier_facts")]

    operations = [migrations.RunPython(fill, unfill, elidable=True)]
