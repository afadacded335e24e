"""The funding ledger of a dossier: add money lines, sum them, spot the gaps.

The ledger is the one source of a dossier's money figures (the dossier page, the API and the
CPNE report read it). The steps feed it: the plan's estimate when a dossier is created or
edited (`funding_estimate_refresh`), the reservation at « Enregistrer la réservation » (with the
estimate checked again) and the claim at « Demander le remboursement » (`ledger_record_step`,
called by the step service in its transaction); each payment received is its own action
(`cases.services.payment_record`).
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from cases.choices import DocumentKind, FundingLineKind
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
    document=None,
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
        document=document,
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
        """Still due: what was claimed and not paid yet."""
        return max(self.claimed - self.paid, ZERO)

    @property
    def paid_over_claim(self) -> Decimal:
        """How much the payments exceed the claims (zero when nothing was claimed)."""
        if not self.claimed:
            return ZERO
        return max(self.paid - self.claimed, ZERO)

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


LEDGER_SOURCE = "003 — fiches CIPI, CDPI (réservation de fonds puis remboursement par AKTO)"


def ledger_findings(dossier: Dossier) -> list[Finding]:
    """A claim above the reservation, a payment above the claim: warnings with their source."""
    return summary_findings(ledger_summary(dossier))


def summary_findings(summary: LedgerSummary) -> list[Finding]:
    found = []
    if over := summary.claimed_over_reservation:
        found.append(
            Finding(
                code="claim_exceeds_reservation",
                severity="warning",
                message=f"Les remboursements demandés dépassent de {euros(over)} le montant "
                "réservé.",
                source=LEDGER_SOURCE,
                field="funding_lines",
            )
        )
    if over := summary.paid_over_claim:
        found.append(
            Finding(
                code="payment_exceeds_claim",
                severity="warning",
                message=f"Les paiements reçus dépassent de {euros(over)} le remboursement demandé.",
                source=LEDGER_SOURCE,
                field="funding_lines",
            )
        )
    return found


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


def funding_estimate_refresh(*, dossier: Dossier, on: dt.date, by=None) -> FundingLine | None:
    """Record the plan's estimate when it differs from the latest one (the plan was checked
    again after an edit); None when nothing changed or the rate is unknown."""
    found = dossier_funding(dossier)
    if found.rate_unknown:
        return None
    latest = (
        dossier.funding_lines.filter(kind=FundingLineKind.ESTIMATED).order_by("-on", "-pk").first()
    )
    if latest and (latest.amount, latest.hours, latest.hourly_rate) == (
        found.amount,
        found.hours,
        found.hourly_rate,
    ):
        return None
    return funding_estimate_record(dossier=dossier, on=on, by=by)


def _invoice(dossier: Dossier):
    """The dossier's latest invoice document, if one was uploaded."""
    return dossier.documents.filter(kind=DocumentKind.INVOICE).order_by("-pk").first()


def ledger_record_step(dossier: Dossier, step, cleaned_data: dict, by) -> FundingLine | None:
    """The ledger line a step records, from the data its form validated (None: no money).

    Called by `dossier_run_transition` after the save, in the same transaction. The
    reservation also checks the plan's estimate again: a rate dated by the reservation (the
    priority publics' rate from 1 July 2024) is known only from then on.
    """
    if step.name == "reserve_funds":
        reserved = funding_line_add(
            dossier=dossier,
            kind=FundingLineKind.RESERVED,
            amount=cleaned_data["reserved_amount"],
            on=cleaned_data["funds_reserved_on"],
            reference=cleaned_data["funds_reference"],
            source="Réservation de fonds accordée par l'AKTO",
            by=by,
        )
        funding_estimate_refresh(dossier=dossier, on=cleaned_data["funds_reserved_on"], by=by)
        return reserved
    if step.name == "request_reimbursement":
        return funding_line_add(
            dossier=dossier,
            kind=FundingLineKind.CLAIMED,
            amount=cleaned_data["claimed_amount"],
            on=cleaned_data["reimbursement_requested_on"],
            hours=cleaned_data["claimed_hours"],
            source="Demande de remboursement à l'AKTO",
            document=_invoice(dossier),
            by=by,
        )
    return None


@dataclass(frozen=True)
class Ledger:
    """What the dossier page and the API show of a dossier's funding: totals, lines, findings."""

    summary: LedgerSummary
    estimate_recorded: bool
    lines: list[FundingLine]
    findings: list[Finding]

    def as_dict(self) -> dict:
        s = self.summary
        return {
            "estimated": str(s.estimated) if self.estimate_recorded else None,
            "reserved": str(s.reserved),
            "claimed": str(s.claimed),
            "paid": str(s.paid),
            "still_due": str(s.claimed_unpaid),
            "unused": str(s.reserved_unused),
            "lines": [
                {
                    "id": line.pk,
                    "kind": line.kind,
                    "kind_label": line.get_kind_display(),
                    "on": line.on.isoformat(),
                    "amount": str(line.amount),
                    "hours": None if line.hours is None else str(line.hours),
                    "hourly_rate": None if line.hourly_rate is None else str(line.hourly_rate),
                    "reference": line.reference,
                    "source": line.source,
                    "document": line.document_id,
                    "recorded_by": str(line.recorded_by) if line.recorded_by else "",
                }
                for line in self.lines
            ],
            "findings": [
                {"code": f.code, "severity": f.severity, "message": f.message, "source": f.source}
                for f in self.findings
            ],
        }


def summary_of(lines: list[FundingLine]) -> LedgerSummary:
    """`ledger_summary` over lines already read (one query for the page, not three)."""
    totals = {kind: ZERO for kind in FundingLineKind.values}
    latest = None
    for line in lines:
        if line.kind == FundingLineKind.ESTIMATED:
            if latest is None or (line.on, line.pk) > (latest.on, latest.pk):
                latest = line
        else:
            totals[line.kind] += line.amount
    return LedgerSummary(
        estimated=latest.amount if latest else ZERO,
        reserved=totals[FundingLineKind.RESERVED],
        claimed=totals[FundingLineKind.CLAIMED],
        paid=totals[FundingLineKind.PAID],
    )


def dossier_ledger(dossier: Dossier) -> Ledger:
    """The dossier's ledger, its lines oldest first, each with who recorded it."""
    lines = list(dossier.funding_lines.select_related("recorded_by").order_by("on", "pk"))
    summary = summary_of(lines)
    return Ledger(
        summary=summary,
        estimate_recorded=any(line.kind == FundingLineKind.ESTIMATED for line in lines),
        lines=lines,
        findings=summary_findings(summary),
    )
