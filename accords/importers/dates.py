"""French dates as printed in agreement texts ("1er janvier 2025", "24 juin 2024")."""

import re
from datetime import date

MONTHS = {
    "janvier": 1,
    "février": 2,
    "fevrier": 2,
    "mars": 3,
    "avril": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "août": 8,
    "aout": 8,
    "septembre": 9,
    "octobre": 10,
    "novembre": 11,
    "décembre": 12,
    "decembre": 12,
}

DATE_PATTERN = r"(\d{1,2})(?:er)?\s+([a-zéûA-ZÉÛ]+)\s+(\d{4})"
_DATE = re.compile(DATE_PATTERN)


def parse_french_date(text: str) -> date | None:
    """Read the first French date in `text`; None when there is none or it is not a real day."""
    match = _DATE.search(text)
    if not match:
        return None
    month = MONTHS.get(match.group(2).lower())
    if month is None:
        return None
    try:
        return date(int(match.group(3)), month, int(match.group(1)))
    except ValueError:
        return None
