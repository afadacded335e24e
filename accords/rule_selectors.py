"""Reads for the rules engine: the rule set and rate in force, the certification listing."""

import datetime as dt

from accords.models import CertificationListEntry, FundingProgramme, FundingRate, RuleSet
from cases.rules.deadlines import Deadline
from cases.rules.engine import Listing, is_eligible
from cases.rules.findings import Finding
from cases.rules.funding import FundingEstimate, Rate
from cases.rules.params import RuleParameters


def rule_set_in_force(dispositif: str, on: dt.date) -> RuleSet | None:
    """The rule set of `dispositif` whose validity covers `on` (the latest start wins)."""
    return (
        RuleSet.objects.in_force_on(on)
        .filter(dispositif=dispositif)
        .order_by("-valid_from")
        .first()
    )


def rate_in_force(
    dispositif: str, on: dt.date, programme: str = FundingProgramme.STANDARD
) -> Rate | None:
    rate = (
        FundingRate.objects.in_force_on(on)
        .filter(dispositif=dispositif, programme=programme)
        .order_by("-valid_from")
        .first()
    )
    return Rate(hourly_rate=rate.hourly_rate, source=rate.source) if rate else None


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
    deadlines: list[Deadline],
) -> dict:
    """The shape the simulator answers with, also used for a dossier's rules report."""
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
