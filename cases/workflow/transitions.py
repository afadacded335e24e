"""Read the steps for a dossier and a user: which may run now, with which form, or why not."""

from dataclasses import dataclass

from django_fsm import can_proceed, has_transition_perm

from cases.exceptions import TransitionForbidden, TransitionNotAllowed
from cases.models import Dossier
from cases.workflow.checks import missing_documents
from cases.workflow.forms import STEP_FORMS, TransitionForm
from cases.workflow.steps import STEP_NAMES, STEPS

# Every step name, in alphabetical order (the tests' tables read it).
TRANSITION_NAMES = tuple(sorted(STEP_NAMES))


def form_class(name: str) -> type[TransitionForm]:
    return STEP_FORMS[name]


@dataclass(frozen=True)
class AvailableTransition:
    name: str
    label: str
    needs_form: bool


def needs_form(dossier: Dossier, name: str) -> bool:
    """Whether step `name` asks for something on `dossier`: data, or a document it lacks."""
    return STEPS[name].needs_form or bool(missing_documents(dossier, name))


def available_transitions(dossier: Dossier, user) -> list[AvailableTransition]:
    """The steps `user` may run on `dossier` in its current state, in the order of its life."""
    offered = {t.name for t in dossier.get_available_user_state_transitions(user)}
    return [
        AvailableTransition(name=s.name, label=s.label, needs_form=needs_form(dossier, s.name))
        for s in STEPS.values()
        if s.name in offered
    ]


def check_may_run(dossier: Dossier, name: str, user) -> None:
    """Raise, in French, unless `user` may run the declared step `name` on `dossier` now.

    The path (the step leaves from this state for this dispositif) first, then the roles
    the step declares. Scope, data and findings are the service's to check.
    """
    method, label = getattr(dossier, name), STEPS[name].label
    if not can_proceed(method):
        raise TransitionNotAllowed(
            f"« {label} » n'est pas possible pour un dossier {dossier.dispositif} "
            f"à l'état « {dossier.get_state_display()} »."
        )
    if not has_transition_perm(method, user):
        raise TransitionForbidden(f"Votre rôle ne permet pas l'étape « {label} » sur ce dossier.")
