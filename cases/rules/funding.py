"""The funding estimate: training hours × the hourly forfait in force (DOMAIN.md §6).

An unknown rate yields `rate_unknown` and no amount: the product never guesses money.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from accords.choices import dispositif_short
from cases.rules.findings import Finding

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Rate:
    hourly_rate: Decimal
    source: str
    # The share of the extra cost (training cost above the forfait) the rate also pays
    # (FPE.TT priority publics from 1 July 2024: 30 %); None: the forfait only.
    extra_cost_share: Decimal | None = None


@dataclass(frozen=True)
class FundingEstimate:
    hours: Decimal
    hourly_rate: Decimal | None = None
    amount: Decimal | None = None
    source: str = ""

    @property
    def rate_unknown(self) -> bool:
        return self.hourly_rate is None

    def as_dict(self) -> dict:
        if self.rate_unknown:
            return {"rate_unknown": True}
        return {
            "hourly_rate": str(self.hourly_rate.quantize(CENT)),
            "hours": str(self.hours.quantize(CENT)),
            "amount": str(self.amount),
            "source": self.source,
        }


def estimate(
    hours: Decimal, rate: Rate | None, training_cost: Decimal | None = None
) -> FundingEstimate:
    """Hours × forfait, plus the rate's share of the extra cost (the training cost above the
    forfait) when the rate has one and the cost is known; said in `source` when it is not."""
    if rate is None:
        return FundingEstimate(hours=hours)
    forfait = hours * rate.hourly_rate
    amount, source = forfait, rate.source
    if rate.extra_cost_share is not None:
        share = f"{float(rate.extra_cost_share * 100):g} %".replace(".", ",")
        if training_cost is None:
            source += f" ; part du surcoût ({share}) non comptée : coût pédagogique à renseigner"
        else:
            amount += rate.extra_cost_share * max(training_cost - forfait, Decimal("0"))
            source += f" ; plus {share} du surcoût (coût pédagogique au-delà du forfait)"
    return FundingEstimate(
        hours=hours,
        hourly_rate=rate.hourly_rate,
        amount=amount.quantize(CENT, rounding=ROUND_HALF_UP),
        source=source,
    )


def rate_unknown_finding(dispositif: str) -> Finding:
    return Finding(
        code="rate_unknown",
        severity="warning",
        message="Taux à renseigner : aucun forfait horaire n'est publié pour le "
        f"{dispositif_short(dispositif)} à cette date, aucun montant n'est calculé. Un "
        "administrateur le saisit dans « Taux de financement » dès qu'il est publié.",
        source="Référentiel des taux de financement : aucun taux publié à cette date",
    )
