"""Read the transitions declared on Dossier: names, labels, forms, availability."""

from dataclasses import dataclass

from django.utils.module_loading import import_string
from django_fsm import Transition

from cases.models import Dossier
from cases.workflow.forms import CommentForm, TransitionForm


def all_transitions() -> dict[str, Transition]:
    """Every transition of the dossier machine, by name (one entry per method)."""
    found: dict[str, Transition] = {}
    for item in Dossier._meta.get_field("state").get_all_transitions(Dossier):
        found.setdefault(item.name, item)
    return found


TRANSITION_NAMES = tuple(sorted(all_transitions()))


def label(name: str) -> str:
    return all_transitions()[name].custom["label"]


def form_class(name: str) -> type[TransitionForm]:
    path = all_transitions()[name].custom.get("form")
    return import_string(path) if path else CommentForm


def needs_form(name: str) -> bool:
    return bool(all_transitions()[name].custom.get("form"))


@dataclass(frozen=True)
class AvailableTransition:
    name: str
    label: str
    needs_form: bool


def available_transitions(dossier: Dossier, user) -> list[AvailableTransition]:
    """The transitions `user` may run on `dossier` in its current state."""
    return [
        AvailableTransition(name=t.name, label=t.custom["label"], needs_form=needs_form(t.name))
        for t in dossier.get_available_user_state_transitions(user)
    ]
