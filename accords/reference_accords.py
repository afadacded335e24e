"""Reference data: the two Pro-A branch accords of temporary work and their list.

Both texts are stored under fixtures/accords/ as published (000: BOCC print, 001: Légifrance
page) and go through the same importer as any other file, so the reference data is exactly
what the texts say. The importer cannot know whom a text covers: the scope is set here.
"""

from pathlib import Path

from django.conf import settings
from django.db import transaction

from accords.models import Accord
from accords.models.registry import AccordScope
from accords.services import accords_import_file

FIXTURES = Path(settings.BASE_DIR) / "fixtures" / "accords"
PERMANENT_STAFF_FILE = "000_1a2ee955864a58dd.txt"
TEMP_WORKERS_FILE = "001_d9f821ba8f16c07f.txt"
# DOMAIN.md §6 (brochure 3212): the temp workers' branch agreements are filed under IDCC 2378;
# the Légifrance page of 001 leaves its IDCC field empty.
TEMP_WORKERS_IDCC = "2378"


@transaction.atomic
def load_pro_a_accords() -> str:
    """Import both Pro-A accords (idempotent) and set whom each covers."""
    permanent = _import_one(PERMANENT_STAFF_FILE)
    temp = _import_one(TEMP_WORKERS_FILE)
    _set_scope(permanent, scope=AccordScope.PERMANENT_STAFF, idcc="1413")
    _set_scope(temp, scope=AccordScope.TEMP_WORKERS, idcc=TEMP_WORKERS_IDCC)
    entries = temp.certification_entries.count()
    excluded = temp.certification_entries.filter(excluded_from_extension=True).count()
    return (
        f"accords Pro-A : 2 (permanents IDCC {permanent.idcc}, intérimaires en CDI), "
        f"liste de certifications : {entries} entrées dont {excluded} exclues de l'extension"
    )


def _import_one(name: str) -> Accord:
    (result,) = accords_import_file(path=FIXTURES / name)
    return result.accord


def _set_scope(accord: Accord, *, scope: str, idcc: str) -> None:
    """Set the scope, and the IDCC when the text left it empty; save only on change."""
    changed = accord.scope != scope or not accord.idcc
    if changed:
        accord.scope = scope
        accord.idcc = accord.idcc or idcc
        accord.save(update_fields=["scope", "idcc", "updated"])
