"""Reads for the rules engine: the rule set and rate in force, the certification listing."""

import datetime as dt
from collections.abc import Iterable, Sequence

from accords.models import (
    CertificationListEntry,
    FundingProgramme,
    FundingRate,
    RateDateBasis,
    RegisterExport,
    RegisterFiche,
    RuleSet,
)
from accords.params import RuleParameters
from cases.rules.engine import Listing, is_eligible
from cases.rules.findings import Finding
from cases.rules.funding import FundingEstimate, Rate
from cases.rules.register import RegisterFacts, RegisterLookup


def rule_set_in_force(dispositif: str, on: dt.date) -> RuleSet | None:
    """The rule set of `dispositif` whose validity covers `on` (the latest start wins)."""
    return (
        RuleSet.objects.in_force_on(on)
        .filter(dispositif=dispositif)
        .order_by("-valid_from")
        .first()
    )


def rule_sets_in_force(keys: Iterable[tuple[str, dt.date]]) -> dict[tuple, RuleSet]:
    """`rule_set_in_force` for many (dispositif, day) pairs, in one query (a page of a list)."""
    keys = set(keys)
    if not keys:
        return {}
    candidates = list(
        RuleSet.objects.filter(dispositif__in={d for d, _ in keys}).order_by("-valid_from")
    )
    found = {}
    for dispositif, day in keys:
        for rule_set in candidates:  # the latest start first, as in rule_set_in_force
            if (
                rule_set.dispositif == dispositif
                and rule_set.valid_from <= day
                and (rule_set.valid_to is None or rule_set.valid_to >= day)
            ):
                found[dispositif, day] = rule_set
                break
    return found


def rate_in_force(
    dispositif: str, on: dt.date, programme: str = FundingProgramme.STANDARD
) -> Rate | None:
    rate = (
        FundingRate.objects.in_force_on(on)
        .filter(dispositif=dispositif, programme=programme)
        .order_by("-valid_from")
        .first()
    )
    return _rate(rate) if rate else None


def _rate(row: FundingRate) -> Rate:
    return Rate(
        hourly_rate=row.hourly_rate, source=row.source, extra_cost_share=row.extra_cost_share
    )


def rate_by_date_basis(
    dispositif: str, programme: str, days: dict[str, dt.date | None]
) -> Rate | None:
    """The rate of `programme` as its records say: each record is in force on the day its
    `date_basis` names (`days`: contract start, fund reservation…); the latest start wins.
    A record whose day is not known yet (no reservation recorded) cannot apply: None, and the
    estimate says « taux à renseigner » rather than guess."""
    rows = FundingRate.objects.filter(dispositif=dispositif, programme=programme).order_by(
        "-valid_from", "-pk"
    )
    for row in rows:
        day = days.get(row.date_basis)
        if day and row.valid_from <= day and (row.valid_to is None or day <= row.valid_to):
            return _rate(row)
    return None


def dossier_rate_days(contract_start: dt.date, funds_reserved_on: dt.date | None) -> dict:
    """The day each date basis names for a dossier (or a plan)."""
    return {
        RateDateBasis.CONTRACT_START: contract_start,
        RateDateBasis.RESERVATION: funds_reserved_on,
    }


def certification_listing(params: RuleParameters, code: str | None) -> Listing | None:
    """Where `code` stands in the list the rule set names (None when no list rule applies)."""
    rule = params.certification
    if rule is None:
        return None
    if code in rule.socle:
        return Listing.SOCLE
    entries = CertificationListEntry.objects.filter(
        accord__signature_date=rule.list_accord_signature_date
    )
    if not entries.exists():
        return Listing.LIST_UNAVAILABLE
    matching = entries.filter(certification__code=code)
    if matching.filter(excluded_from_extension=False).exists():
        return Listing.LISTED
    if matching.exists():
        return Listing.EXCLUDED
    return Listing.NOT_LISTED


def register_lookup(params: RuleParameters, code: str | None) -> RegisterLookup | None:
    """What the loaded RNCP register says of `code` (None: no register rule, no register
    loaded, or not an RNCP code: nothing to check)."""
    if params.register is None or not (code or "").startswith("RNCP"):
        return None
    export_date = (
        RegisterExport.objects.order_by("-export_date")
        .values_list("export_date", flat=True)
        .first()
    )
    if export_date is None:
        return None
    fiche = RegisterFiche.objects.filter(code=code).first()
    facts = (
        RegisterFacts(
            code=fiche.code,
            title=fiche.title,
            active=fiche.active,
            effect_date=fiche.effect_date,
            end_date=fiche.end_date,
            routes=frozenset(fiche.routes),
            successors=tuple(fiche.successors),
        )
        if fiche
        else None
    )
    return RegisterLookup(export_date=export_date, fiche=facts)


def rule_set_summary(rule_set: RuleSet) -> dict:
    return {
        "id": rule_set.pk,
        "dispositif": rule_set.dispositif,
        "valid_from": rule_set.valid_from.isoformat(),
        "valid_to": rule_set.valid_to.isoformat() if rule_set.valid_to else None,
        "source": rule_set.source,
    }


def rules_answer(
    rule_set: RuleSet | None,
    findings: list[Finding],
    funding: FundingEstimate,
    deadlines: Sequence,
) -> dict:
    """The shape the simulator answers with, also used for a dossier's rules report.

    `deadlines` are `cases.rules.deadlines.Deadline` (not imported: that module reads the
    obligations, which read the rule set in force from here).
    """
    return {
        "eligible": is_eligible(findings),
        "rule_set": rule_set_summary(rule_set) if rule_set else None,
        "findings": [
            {"code": f.code, "severity": f.severity, "message": f.message, "source": f.source}
            for f in findings
        ],
        "funding": funding.as_dict(),
        "deadlines": [deadline.as_dict() for deadline in deadlines],
    }
