"""Reference data of the cases app, loaded from fixtures/ (idempotent)."""

import json
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import capfirst

from cases.models import DocumentRequirement

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
REQUIREMENTS_FILE = "document_requirements.json"


class ReferenceDataError(ValueError):
    """A row of reference data the product refuses; the message says which, in French."""


def _requirement(row: dict, number: int) -> DocumentRequirement:
    """The requirement of `row`, checked against the step declaration and the choices."""
    requirement = DocumentRequirement(
        dispositif=row.get("dispositif", ""),
        transition=row.get("transition", ""),
        kind=row.get("kind", ""),
        only_with_afest=row.get("only_with_afest", False),
        source=row.get("source", ""),
    )
    try:
        requirement.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        details = " ; ".join(
            f"{capfirst(DocumentRequirement._meta.get_field(name).verbose_name)} : "
            + " ".join(messages)
            for name, messages in error.message_dict.items()
        )
        raise ReferenceDataError(
            f"{REQUIREMENTS_FILE}, pièce requise n° {number} ({requirement}) refusée — "
            f"{details} Aucune pièce requise n'a été chargée."
        ) from error
    return requirement


@transaction.atomic
def load_document_requirements() -> str:
    """Make the document requirements exactly those of fixtures/document_requirements.json.

    Every row is checked first (its step is declared and taken by its dispositif, its kind
    known): one bad row refuses the whole file, in French, and changes nothing.
    """
    rows = json.loads((FIXTURES / REQUIREMENTS_FILE).read_text(encoding="utf-8"))
    checked = [_requirement(row, number) for number, row in enumerate(rows, start=1)]
    keep = []
    for row in checked:
        requirement, _ = DocumentRequirement.objects.update_or_create(
            dispositif=row.dispositif,
            transition=row.transition,
            kind=row.kind,
            defaults={"only_with_afest": row.only_with_afest, "source": row.source},
        )
        keep.append(requirement.pk)
    removed, _ = DocumentRequirement.objects.exclude(pk__in=keep).delete()
    return f"pièces requises : {len(keep)} (supprimées : {removed})"
