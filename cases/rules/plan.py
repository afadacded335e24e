"""A plan: what a dossier intends, as the rules engine reads it (DOMAIN.md §7)."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from accords.params import WeeklyHours
from cases.rules.dates import default_contract_hours


@dataclass(frozen=True)
class WorkerSituation:
    """The worker on the contract start date. `highest_level` None = no certification."""

    birth_date: dt.date
    employment: str
    highest_level: int | None = None
    publics: frozenset[str] = field(default_factory=frozenset)
    branch_hours_12m: Decimal = Decimal("0")

    def age_on(self, day: dt.date) -> int:
        """Whole years on `day`: 25 up to the day before the 26th birthday."""
        return relativedelta(day, self.birth_date).years


@dataclass(frozen=True)
class Plan:
    dispositif: str
    worker: WorkerSituation
    contract_start: dt.date
    contract_end: dt.date
    training_hours: Decimal
    training_start: dt.date | None = None
    training_end: dt.date | None = None
    # The actual training end, once a dossier records it: the windows after the training
    # count from it (cases.rules.obligations, cases.rules.deadlines).
    training_ended_on: dt.date | None = None
    contract_hours: Decimal | None = None
    mission_hours: Decimal | None = None
    certification: str | None = None

    @property
    def age(self) -> int:
        return self.worker.age_on(self.contract_start)

    def effective_contract_hours(self, weekly: WeeklyHours | None) -> Decimal | None:
        """The planned contract hours, or the rule set's legal weekly working time per
        calendar week of the contract; None when neither is known."""
        if self.contract_hours is not None:
            return self.contract_hours
        if weekly is None:
            return None
        return default_contract_hours(self.contract_start, self.contract_end, weekly.hours)

    def effective_mission_hours(self, weekly: WeeklyHours | None) -> Decimal | None:
        """The planned mission hours, or what the contract leaves after the training."""
        if self.mission_hours is not None:
            return self.mission_hours
        contract_hours = self.effective_contract_hours(weekly)
        if contract_hours is None:
            return None
        return max(contract_hours - self.training_hours, Decimal("0"))
