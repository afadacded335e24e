"""Reference data of the cases app, loaded from fixtures/ (idempotent)."""

import json
from pathlib import Path

from django.conf import settings
from django.db import transaction

from cases.models import DocumentRequirement

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


@transaction.atomic
def load_document_requirements() -> str:
    """Make the document requirements exactly those of fixtures/document_requirements.json."""
    rows = json.loads((FIXTURES / "document_requirements.json").read_text(encoding="utf-8"))
    keep = []
    for row in rows:
        requirement, _ = DocumentRequirement.objects.update_or_create(
            dispositif=row["dispositif"],
            transition=row["transition"],
            kind=row["kind"],
            defaults={"only_with_afest": row["only_with_afest"], "source": row["source"]},
        )
        keep.append(requirement.pk)
    removed, _ = DocumentRequirement.objects.exclude(pk__in=keep).delete()
    return f"pièces requises : {len(keep)} (supprimées : {removed})"
