"""What every write service checks before it writes: the fields it takes, the role, and that
each record named in the data is one the user may use (a forged id from another agency is
refused here, whatever the form or serializer in front offered)."""

from django.db.models import Model

from cases import selectors
from cases.exceptions import DossierForbidden, OutOfScope
from cases.models import (
    Agency,
    ClientCompany,
    Document,
    Dossier,
    Mission,
    TrainingProvider,
    User,
    Worker,
)
from cases.permissions import may, may_access_model

# What a refused relation is called, per model (« Le salarié n° 12 n'appartient pas à vos
# agences. »). Only the number is repeated: nothing about another agency's record is shown.
CHOOSE_FROM_LIST = "Choisissez une valeur parmi celles que propose le formulaire."
OUT_OF_SCOPE = {
    Agency: "L'agence n° {pk} n'est pas l'une de vos agences.",
    Worker: "Le salarié n° {pk} n'appartient pas à vos agences.",
    Dossier: "Le dossier n° {pk} n'appartient pas à vos agences "
    "(ou votre rôle ne permet pas de le modifier).",
    User: "L'utilisateur n° {pk} n'appartient pas à vos agences.",
    Mission: "La mission n° {pk} n'appartient pas à vos agences.",
    Document: "La pièce n° {pk} n'appartient pas à vos agences.",
    ClientCompany: "L'entreprise utilisatrice n° {pk} ne vous est pas accessible.",
    TrainingProvider: "L'organisme de formation n° {pk} ne vous est pas accessible.",
}


def reject_unknown_fields(data: dict, allowed: frozenset[str]) -> None:
    """A caller passing a field the service does not take is a programming error."""
    if unknown := sorted(set(data) - allowed):
        raise ValueError(f"fields not editable here: {', '.join(unknown)}")


def require_role(by, model_name: str, action: str, refusal: str) -> None:
    """Refuse unless the role table lets `by` do `action` on `model_name` records."""
    if not may_access_model(by, model_name, action):
        raise DossierForbidden(refusal)


def require_row(by, action: str, row, refusal: str) -> None:
    """Refuse unless the role table lets `by` do `action` on this row, as it is now or as it
    is about to be saved (a training manager edits permanent staff only, and may not turn one
    into a temp worker; an FPE.TT advisor adds only the opinion to a CAR awaiting it)."""
    if not may(by, action, row):
        raise DossierForbidden(refusal)


def require_choosable(by, data: dict) -> None:
    """Refuse if a record named in `data` (a relation's value) is not one `by` may choose.

    The same selectors build the forms' choices (`cases.selectors.choices_for`), so a value
    refused here was never offered: it was typed or forged.
    """
    for field, value in data.items():
        for record in value if isinstance(value, list | tuple | set) else [value]:
            if isinstance(record, Model) and not _choosable(by, record):
                message = OUT_OF_SCOPE.get(type(record), "L'objet n° {pk} n'est pas accessible.")
                text = f"{message.format(pk=record.pk)} {CHOOSE_FROM_LIST}"
                raise OutOfScope(text, errors={field: [text]})


def changed_values(instance, data: dict) -> dict:
    """The entries of `data` that differ from `instance` (to-many relations: always kept).

    An update checks only the relations it changes: a record already attached stays
    acceptable even if it would not be offered today (a colleague who moved agency).
    """
    return {
        name: value
        for name, value in data.items()
        if isinstance(value, list | tuple | set) or getattr(instance, name) != value
    }


def _choosable(by, record: Model) -> bool:
    return selectors.choices_for(type(record), user=by).filter(pk=record.pk).exists()


def locked_in_scope(queryset, pk: int):
    """The row `pk` of a scoped queryset, locked for the transaction, or None."""
    return queryset.select_for_update(of=("self",)).filter(pk=pk).first()
