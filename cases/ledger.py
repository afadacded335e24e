"""The funding ledger of a dossier: add money lines, sum them, spot the gaps."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from cases.choices import FundingLineKind
from cases.models import Dossier, FundingLine
from cases.rules.findings import Finding
from cases.rules.plan_checks import dossier_funding

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


def euros(amount: Decimal) -> str:
    """French display of an amount: « 1 000,01 € »."""
    return f"{amount:,.2f} €".replace(",", " ").replace(".", ",")


@transaction.atomic
def funding_line_add(
    *,
    dossier: Dossier,
    kind: str,
    amount: Decimal,
    on: dt.date,
    hours: Decimal | None = None,
    hourly_rate: Decimal | None = None,
    reference: str = "",
    source: str = "",
    by=None,
) -> FundingLine:
    """Add one line to the ledger; amounts are Decimal euros, never floats."""
    if not isinstance(amount, Decimal):
        raise TypeError("amount must be a Decimal")
    line = FundingLine(
        dossier=dossier,
        kind=kind,
        amount=amount,
        on=on,
        hours=hours,
        hourly_rate=hourly_rate,
        reference=reference,
        source=source,
        recorded_by=by,
    )
    line.full_clean()
    line.save()
    return line


@dataclass(frozen=True)
class LedgerSummary:
    estimated: Decimal
    reserved: Decimal
    claimed: Decimal
    paid: Decimal

    @property
    def claimed_unpaid(self) -> Decimal:
        return max(self.claimed - self.paid, ZERO)

    @property
    def reserved_unused(self) -> Decimal:
        return max(self.reserved - self.claimed, ZERO)

    @property
    def claimed_over_reservation(self) -> Decimal:
        """How much the claims exceed the reservation (zero when nothing was reserved)."""
        if not self.reserved:
            return ZERO
        return max(self.claimed - self.reserved, ZERO)


def _total(totals: dict, kind: str) -> Decimal:
    """A database sum, back to cents (SQLite sums decimals with float noise)."""
    return Decimal(totals.get(kind) or ZERO).quantize(CENT)


def ledger_summary(dossier: Dossier) -> LedgerSummary:
    """The totals per kind. The estimate is the latest one, not a sum of estimates."""
    totals = dict(
        dossier.funding_lines.exclude(kind=FundingLineKind.ESTIMATED)
        .values_list("kind")
        .annotate(total=Sum("amount"))
    )
    latest = (
        dossier.funding_lines.filter(kind=FundingLineKind.ESTIMATED).order_by("-on", "-pk").first()
    )
    return LedgerSummary(
        estimated=latest.amount if latest else ZERO,
        reserved=_total(totals, FundingLineKind.RESERVED),
        claimed=_total(totals, FundingLineKind.CLAIMED),
        paid=_total(totals, FundingLineKind.PAID),
    )


def ledger_findings(dossier: Dossier) -> list[Finding]:
    over = ledger_summary(dossier).claimed_over_reservation
    if not over:
        return []
    return [
        Finding(
            code="claim_exceeds_reservation",
            severity="warning",
            message=f"Les remboursements demandés dépassent de {euros(over)} le montant réservé.",
            source="003 — fiches CIPI, CDPI (réservation de fonds puis remboursement par AKTO)",
            field="funding_lines",
        )
    ]


def funding_estimate_record(*, dossier: Dossier, on: dt.date, by=None) -> FundingLine | None:
    """Record the rules engine's estimate as a ledger line (None when the rate is unknown)."""
    found = dossier_funding(dossier)
    if found.rate_unknown:
        return None
    return funding_line_add(
        dossier=dossier,
        kind=FundingLineKind.ESTIMATED,
        amount=found.amount,
        on=on,
        hours=found.hours,
        hourly_rate=found.hourly_rate,
        source=found.source,
        by=by,
    )
