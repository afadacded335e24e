from django.db import transaction
from django.utils import timezone

from cases.choices import DeadlineStatus, DossierEventKind
from cases.exceptions import DossierError, TransitionForbidden
from cases.models import Deadline, DossierEvent
from cases.permissions import WAIVE, may
from cases.signals import deadlines_changed


class WaiverRefused(DossierError):
    code = "waiver_refused"


@transaction.atomic
def deadline_waive(*, deadline_id: int, by, reason: str) -> Deadline:
    """An agency manager lifts a deadline (e.g. AKTO granted late filing), the mission
    obligation included; the history says so (author, date, reason).

    The only place a deadline becomes « Levée » (`WAIVED`): with its author, never silently.
    A waived mission obligation lets the dossier be closed (`cases.workflow.guards`).
    """
    deadline = Deadline.objects.select_for_update().select_related("dossier").get(pk=deadline_id)
    if not may(by, WAIVE, deadline):
        raise TransitionForbidden(
            "Seul un responsable d'agence peut lever une échéance ou une obligation de "
            "missions : demandez-le à votre responsable d'agence, avec le motif."
        )
    reason = (reason or "").strip()
    if not reason:
        raise WaiverRefused(
            "Le motif est obligatoire pour lever une échéance.",
            errors={"reason": ["Ce champ est obligatoire."]},
        )
    if deadline.status not in (DeadlineStatus.OPEN, DeadlineStatus.BREACHED):
        raise WaiverRefused("Cette échéance n'est plus à faire : elle ne peut pas être levée.")
    deadline.status = DeadlineStatus.WAIVED
    deadline.waived_at, deadline.waived_by, deadline.waiver_reason = timezone.now(), by, reason
    deadline.save()
    DossierEvent.objects.create(
        dossier=deadline.dossier,
        actor=by,
        kind=DossierEventKind.DEADLINE_WAIVED,
        comment=f"Échéance levée : {deadline.label}. Motif : {reason}",
        data={"deadline": deadline.kind, "due": deadline.due.isoformat()},
    )
    deadlines_changed.send(sender=Deadline, deadline_ids=[deadline.pk])
    return deadline
