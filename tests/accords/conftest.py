from pathlib import Path

import pytest
from django.conf import settings

# The texts are read from the shared folder beside the checkout when it is there (the authority),
# else from their copies under fixtures/accords/, which hold all five: a fresh clone tests
# every text, and a missing one fails instead of silently skipping its tests.
SHARED_SOURCES = Path(settings.BASE_DIR).parent / "shared" / "sources"
FIXTURE_COPIES = Path(settings.BASE_DIR) / "fixtures" / "accords"

PRO_A_PERMANENT = "000_1a2ee955864a58dd.txt"
PRO_A_TEMP = "001_d9f821ba8f16c07f.txt"
MISSION_JEUNES = "002_bfd74243c8386790.txt"
FPETT_SHEETS = "003_83cb0645ec92976a.txt"
BOCC_BULLETIN = "004_59efe3122c9d1cf0.txt"


def source_path(name: str) -> Path:
    """The source file, from the shared folder or else its fixture copy."""
    for folder in (SHARED_SOURCES, FIXTURE_COPIES):
        if (folder / name).exists():
            return folder / name
    raise FileNotFoundError(f"source {name} absente (ni {SHARED_SOURCES} ni {FIXTURE_COPIES})")


@pytest.fixture
def source():
    return source_path
