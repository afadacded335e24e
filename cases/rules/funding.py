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


def estimate(hours: Decimal, rate: Rate | None) -> FundingEstimate:
    if rate is None:
        return FundingEstimate(hours=hours)
    amount = (hours * rate.hourly_rate).quantize(CENT, rounding=ROUND_HALF_UP)
    return FundingEstimate(
        hours=hours, hourly_rate=rate.hourly_rate, amount=amount, source=rate.source
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
