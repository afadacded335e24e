"""A dossier's steps: the one service that moves its state (admin, API and tasks call it)."""

import logging

from django.db import transaction
from django_fsm import ConcurrentTransition, can_proceed, has_transition_perm

from cases.exceptions import (
    ConcurrentChange,
    DossierNotFound,
    TransitionBlocked,
    TransitionForbidden,
    TransitionInvalid,
    TransitionNotAllowed,
    TransitionUnknown,
)
from cases.models import Dossier, DossierEvent
from cases.permissions import scope_dossiers
from cases.workflow import checks, transitions
from notifications.services.recheck import dossier_refresh

logger = logging.getLogger(__name__)


@transaction.atomic
def dossier_run_transition(
    *, dossier_id: int, name: str, by, data: dict | None = None, expected_state: str | None = None
) -> Dossier:
    """Run transition `name` on a dossier, or change nothing and raise a DossierError.

    Lock the row, check scope, state, path and role, validate the step's data, refuse while
    a blocking finding stands, then save and record the event in the same transaction.
    `expected_state` is the state the caller saw: if someone moved the dossier since, the
    caller's intent is stale and the change is refused rather than applied to another state.
    """
    if name not in transitions.TRANSITION_NAMES:
        raise TransitionUnknown(f"L'étape « {name} » n'existe pas.")
    dossier = (
        scope_dossiers(Dossier.objects.select_for_update(), by)
        .select_related("worker", "agency")
        .filter(pk=dossier_id)
        .first()
    )
    if dossier is None:
        raise DossierNotFound("Dossier introuvable.")
    label = transitions.label(name)
    expected_state = expected_state or (data or {}).get("expected_state")
    if expected_state and dossier.state != expected_state:
        raise ConcurrentChange(
            "Le dossier a été modifié entre-temps : il est maintenant à l'état "
            f"« {dossier.get_state_display()} ». Rechargez-le avant de recommencer."
        )
    method = getattr(dossier, name)
    if not can_proceed(method):
        raise TransitionNotAllowed(
            f"« {label} » n'est pas possible pour un dossier {dossier.dispositif} "
            f"à l'état « {dossier.get_state_display()} »."
        )
    if not has_transition_perm(method, by):
        raise TransitionForbidden(f"Votre rôle ne permet pas l'étape « {label} » sur ce dossier.")

    from_state = dossier.state
    form = transitions.form_class(name)(data=data or {}, instance=dossier)
    if not form.is_valid():
        raise TransitionInvalid(
            f"Les informations saisies pour « {label} » sont incomplètes ou incorrectes.",
            errors={field: [str(m) for m in messages] for field, messages in form.errors.items()},
        )
    if blocking := checks.blocking_findings(dossier, name):
        raise TransitionBlocked(
            f"« {label} » est bloqué : " + " ".join(f.message for f in blocking),
            findings=blocking,
        )
    method()
    dossier._history_user = by  # who, in the dossier's history, even outside a request
    try:
        dossier.save()
    except ConcurrentTransition as exc:
        raise ConcurrentChange(
            "Le dossier a été modifié par quelqu'un d'autre pendant l'opération. Rechargez-le."
        ) from exc
    DossierEvent.objects.create(
        dossier=dossier,
        actor=by,
        transition=name,
        from_state=from_state,
        to_state=dossier.state,
        comment=form.cleaned_data.get("comment", ""),
        data=form.event_data(),
    )
    dossier_refresh(dossier)
    logger.info("dossier %s: %s (%s → %s) by %s", dossier.pk, name, from_state, dossier.state, by)
    return dossier
