"""The mission obligations of a plan or a dossier, and how far along each one is.

The rules (DOMAIN.md §3; the numbers come from the rule set, never from this code):

- CIPI (`mission_in_contract`, 003 fiche CIPI): missions inside the contract — window from the
  contract start to the contract end, both included — totalling at least `min` hours.
- CDPI, CAR (`mission_after_training`, 003 fiches CDPI, CAR): missions in the `window_months`
  months after the training ends — window from the day after the training end to the training
  end + N months, that day included — totalling at least `numerator`/`denominator` of the
  training hours. The training end is the **actual** one (`Dossier.training_ended_on`,
  recorded by « Passer au suivi des missions ») once recorded: the texts count from the end of
  the training that took place. Until then the window counts from the planned end and is
  provisional (`window_basis` = `planned_end`, said in `window_basis_label`). The hours needed are that share rounded up to the cent, so that « done ≥
  needed » is exactly « done × denominator ≥ training hours × numerator ».

Only hours worked inside the window count. A mission that straddles a window boundary counts
the part inside it: **its hours × its calendar days inside the window ÷ its calendar days**
(both ends included), rounded to the cent, half up, mission by mission. This pro-rata is the
product's rule: the texts are silent. A case worker who knows the hours worked on each side of
the boundary records the mission as two missions, split at the boundary (one ending on the
last day of the training or of the window, the other starting the next day): a mission is a
period and its hours, and two periods say it exactly, with no extra field to keep coherent.

Verdict: `met` as soon as the hours done reach the hours needed; otherwise `open` while the
window runs (its last day included), then `unmet` — unless the obligation's deadline says an
agency manager waived it (`waived`) or the dossier was cancelled (`cancelled`), shown with the
hours done (`settled`). The report's SQL mirrors this computation
(`reports.obligations`); a test compares both, dossier by dossier.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, replace
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from django.utils import timezone

from accords.params import RuleParameters
from cases.choices import DeadlineStatus
from cases.models import Dossier, Mission
from cases.rules import dates
from cases.rules.engine import french_number
from cases.rules.in_force import rule_set_in_force, rule_sets_in_force
from cases.rules.plan import Plan

CENT = Decimal("0.01")
IN_CONTRACT = "mission_in_contract"
AFTER_TRAINING = "mission_after_training"
MET, UNMET, OPEN = "met", "unmet", "open"
# What the obligation's deadline settled, when the missions did not: an agency manager's
# waiver, or the dossier's cancellation (`settled`).
WAIVED, CANCELLED = DeadlineStatus.WAIVED.value, DeadlineStatus.CANCELLED.value
VERDICT_LABELS = {
    MET: "Respectée",
    UNMET: "Non respectée",
    OPEN: "En cours",
    WAIVED: "Levée par le responsable d'agence",
    CANCELLED: "Annulée avec le dossier",
}
LABELS = {
    IN_CONTRACT: "Missions pendant le contrat",
    AFTER_TRAINING: "Missions après la formation",
}
# What the window counts from: the contract, the actual training end or the planned one.
CONTRACT, ACTUAL_END, PLANNED_END = "contract", "actual_end", "planned_end"


def window_basis_label(basis: str, day: dt.date) -> str:
    """What the window counts from, in words: a case worker sees when it is provisional."""
    if basis == ACTUAL_END:
        return f"Période comptée depuis la fin réelle de la formation ({day:%d/%m/%Y})."
    if basis == PLANNED_END:
        return (
            f"Période provisoire, comptée depuis la fin prévue de la formation ({day:%d/%m/%Y}) : "
            "elle suivra la fin réelle dès qu'elle sera enregistrée (« Passer au suivi des "
            "missions »)."
        )
    return "Période du contrat."


@dataclass(frozen=True)
class MissionSpan:
    """A mission as the obligation reads it: a period (both days included) and its hours."""

    start: dt.date
    end: dt.date
    hours: Decimal


@dataclass(frozen=True)
class Obligation:
    """What the rule set asks of a plan: hours inside a window."""

    kind: str
    window_start: dt.date
    window_end: dt.date
    hours_needed: Decimal
    rule: str
    source: str
    window_basis: str = CONTRACT
    basis_date: dt.date | None = None

    @property
    def label(self) -> str:
        return LABELS[self.kind]

    @property
    def provisional(self) -> bool:
        return self.window_basis == PLANNED_END

    @property
    def window_basis_label(self) -> str:
        return window_basis_label(self.window_basis, self.basis_date)


@dataclass(frozen=True)
class ObligationProgress:
    """An obligation and what the missions did of it, on `today`."""

    kind: str
    label: str
    rule: str
    source: str
    window_start: dt.date
    window_end: dt.date
    hours_done: Decimal
    hours_needed: Decimal
    days_left: int
    verdict: str
    prorated: bool
    window_basis: str = CONTRACT
    window_basis_label: str = ""

    @property
    def verdict_label(self) -> str:
        return VERDICT_LABELS[self.verdict]

    @property
    def provisional(self) -> bool:
        return self.window_basis == PLANNED_END

    @property
    def hours_missing(self) -> Decimal:
        return max(self.hours_needed - self.hours_done, Decimal("0"))

    def as_dict(self) -> dict:
        data = asdict(self)
        data["window_start"] = self.window_start.isoformat()
        data["window_end"] = self.window_end.isoformat()
        data["hours_done"] = f"{self.hours_done:.2f}"
        data["hours_needed"] = f"{self.hours_needed:.2f}"
        data["verdict_label"] = self.verdict_label
        return data


def _in_contract_text(rule) -> str:
    return f"au moins {french_number(rule.min)} h de missions pendant le contrat"


def _after_training_text(rule) -> str:
    return (
        f"missions d'au moins {rule.numerator}/{rule.denominator} des heures de formation "
        f"dans les {rule.window_months} mois suivant la fin de la formation"
    )


def rule_texts(params: RuleParameters) -> list[str]:
    """The obligations of a rule set in words, with its numbers (a report's « Obligation »)."""
    texts = []
    if params.mission_in_contract and params.mission_in_contract.min is not None:
        texts.append(_in_contract_text(params.mission_in_contract))
    if params.mission_after_training:
        texts.append(_after_training_text(params.mission_after_training))
    return texts


def obligations_for(
    params: RuleParameters,
    *,
    contract_start: dt.date,
    contract_end: dt.date,
    training_end: dt.date | None,
    training_hours: Decimal,
    training_ended_on: dt.date | None = None,
) -> list[Obligation]:
    """The obligations the rule set gives these dates and hours (none without a window).

    `training_end` is the planned end, `training_ended_on` the actual one: the window after
    the training counts from the actual end when known, else (provisionally) the planned one.
    """
    found = []
    rule = params.mission_in_contract
    if rule is not None and rule.min is not None:
        found.append(
            Obligation(
                kind=IN_CONTRACT,
                window_start=contract_start,
                window_end=contract_end,
                hours_needed=rule.min,
                rule=_in_contract_text(rule),
                source=rule.source,
            )
        )
    after = params.mission_after_training
    ended = training_ended_on or training_end
    if after is not None and ended is not None:
        share = Decimal(training_hours) * after.numerator / after.denominator
        found.append(
            Obligation(
                kind=AFTER_TRAINING,
                window_start=ended + dates.ONE_DAY,
                window_end=dates.add_months(ended, after.window_months),
                hours_needed=share.quantize(CENT, rounding=ROUND_CEILING),
                rule=_after_training_text(after),
                source=after.source,
                window_basis=ACTUAL_END if training_ended_on else PLANNED_END,
                basis_date=ended,
            )
        )
    return found


def plan_obligation_rules(plan: Plan, params: RuleParameters) -> list[Obligation]:
    return obligations_for(
        params,
        contract_start=plan.contract_start,
        contract_end=plan.contract_end,
        training_end=plan.training_end,
        training_hours=plan.training_hours,
        training_ended_on=plan.training_ended_on,
    )


def hours_inside(mission: MissionSpan, start: dt.date, end: dt.date) -> Decimal:
    """The mission's hours worked within [start, end], pro rata of calendar days."""
    first, last = max(mission.start, start), min(mission.end, end)
    if last < first:
        return Decimal("0")
    inside = (last - first).days + 1
    days = (mission.end - mission.start).days + 1
    if inside == days:
        return Decimal(mission.hours)
    return (Decimal(mission.hours) * inside / days).quantize(CENT, rounding=ROUND_HALF_UP)


def progress(
    obligation: Obligation, missions: Iterable[MissionSpan], today: dt.date
) -> ObligationProgress:
    done, prorated = Decimal("0"), False
    for mission in missions:
        part = hours_inside(mission, obligation.window_start, obligation.window_end)
        done += part
        prorated |= bool(part) and part != mission.hours
    if done >= obligation.hours_needed:
        verdict = MET
    elif today <= obligation.window_end:
        verdict = OPEN
    else:
        verdict = UNMET
    return ObligationProgress(
        kind=obligation.kind,
        label=obligation.label,
        rule=obligation.rule,
        source=obligation.source,
        window_start=obligation.window_start,
        window_end=obligation.window_end,
        hours_done=done,
        hours_needed=obligation.hours_needed,
        days_left=max((obligation.window_end - today).days, 0),
        verdict=verdict,
        prorated=prorated,
        window_basis=obligation.window_basis,
        window_basis_label=obligation.window_basis_label,
    )


def plan_obligations(
    plan: Plan, params: RuleParameters, missions: Sequence[MissionSpan], *, today: dt.date
) -> list[ObligationProgress]:
    """Each obligation of the plan with the progress the missions give it on `today`."""
    return [progress(o, missions, today) for o in plan_obligation_rules(plan, params)]


def dossier_obligation_rules(dossier: Dossier, params: RuleParameters) -> list[Obligation]:
    return obligations_for(
        params,
        contract_start=dossier.contract_start,
        contract_end=dossier.contract_end,
        training_end=dossier.training_end,
        training_hours=dossier.planned_training_hours,
        training_ended_on=dossier.training_ended_on,
    )


def mission_spans(missions: Iterable[Mission]) -> list[MissionSpan]:
    return [MissionSpan(m.start, m.end, m.hours) for m in missions]


def dossier_obligations(
    dossier: Dossier,
    params: RuleParameters | None = None,
    *,
    today: dt.date | None = None,
    missions: Iterable[Mission] | None = None,
) -> list[ObligationProgress]:
    """Each obligation of the dossier, read from its recorded missions.

    `params` defaults to the rule set in force on the contract start; `missions` to the
    dossier's missions (pass a prefetched list to read many dossiers in a fixed number of
    queries).
    """
    if params is None:
        rule_set = rule_set_in_force(dossier.dispositif, dossier.contract_start)
        if rule_set is None:
            return []
        params = rule_set.params
    rules = dossier_obligation_rules(dossier, params)
    if not rules:
        return []
    if missions is None:
        missions = Mission.objects.filter(dossier_id=dossier.pk).only("start", "end", "hours")
    spans = mission_spans(missions)
    today = today or timezone.localdate()
    return [progress(rule, spans, today) for rule in rules]


def settled(
    found: list[ObligationProgress], deadline_status: str | None
) -> list[ObligationProgress]:
    """The obligations as their deadline settled them: a manager's waiver (« Levée ») or the
    dossier's cancellation (« Annulée ») stands for a verdict the missions did not give; a met
    obligation stays met (its hours are facts), and the hours done are kept either way."""
    if deadline_status not in (WAIVED, CANCELLED):
        return found
    return [o if o.verdict == MET else replace(o, verdict=deadline_status) for o in found]


def obligations_by_dossier(
    dossiers: Sequence[Dossier], *, today: dt.date | None = None
) -> dict[int, list[ObligationProgress]]:
    """`dossier_obligations` for a page of dossiers, in two queries: rule sets and missions."""
    today = today or timezone.localdate()
    rule_sets = rule_sets_in_force({(d.dispositif, d.contract_start) for d in dossiers})
    params = {rule_set.pk: rule_set.params for rule_set in rule_sets.values()}
    rules = {}
    for dossier in dossiers:
        rule_set = rule_sets.get((dossier.dispositif, dossier.contract_start))
        rules[dossier.pk] = (
            dossier_obligation_rules(dossier, params[rule_set.pk]) if rule_set else []
        )
    missions = defaultdict(list)
    with_rules = [pk for pk, found in rules.items() if found]
    if with_rules:
        for mission in Mission.objects.filter(dossier_id__in=with_rules).only(
            "dossier_id", "start", "end", "hours"
        ):
            missions[mission.dossier_id].append(mission)
    return {
        pk: [progress(rule, mission_spans(missions[pk]), today) for rule in found]
        for pk, found in rules.items()
    }
