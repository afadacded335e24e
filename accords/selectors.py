"""Reads of the accords registry shared by commands, admin and reports."""

import re
from collections import Counter
from dataclasses import dataclass

from django.db.models import QuerySet

from accords.models import Accord, CertificationListEntry

NOR_PATTERN = r"^[A-Z]{4}\d{7}[A-Z]$"


@dataclass(frozen=True)
class ListSummary:
    entries: int
    distinct_codes: int
    excluded: int
    per_sector: dict[str, int]


def list_summary(entries) -> ListSummary:
    """Count a certification list; `entries` has sector, excluded flag and an RNCP code.

    Works on parsed entries and on stored rows alike (code via `rncp_code` or certification).
    """
    rows = list(entries)
    codes = {getattr(row, "rncp_code", None) or row.certification.code for row in rows}
    return ListSummary(
        entries=len(rows),
        distinct_codes=len(codes),
        excluded=sum(1 for row in rows if row.excluded_from_extension),
        per_sector=dict(Counter(row.sector for row in rows)),
    )


def accord_by_reference(reference: str) -> Accord | None:
    """The accord a user names by NOR or by id."""
    if re.match(NOR_PATTERN, reference):
        return Accord.objects.filter(nor=reference).first()
    if reference.isdigit():
        return Accord.objects.filter(pk=int(reference)).first()
    return None


def certification_entries(accord: Accord) -> QuerySet[CertificationListEntry]:
    return accord.certification_entries.select_related("certification").order_by("order")
