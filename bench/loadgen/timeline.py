"""The life of one synthetic dossier: its plan, the dates its state implies, its path.

Everything is in date ordinals (ints) so that building a million dossiers stays cheap; the
caller formats them once at the end.
"""

from dataclasses import dataclass, field

from bench.loadgen.codes import D, S

# Share of each dispositif among dossiers (CPI is by far the most common).
DISPOSITIF_WEIGHTS = {
    D.CPI: 38,
    D.CAI: 12,
    D.CIPI: 14,
    D.CDPI: 12,
    D.CAR: 6,
    D.PRO_A_INTERIM: 10,
    D.PRO_A_PERMANENT: 8,
}

# Share of each state over ten years of activity: most dossiers are long closed.
STATE_WEIGHTS = {
    S.CLOSED: 700,
    S.CANCELLED: 90,
    S.REIMBURSEMENT_REQUESTED: 30,
    S.MISSION_FOLLOW_UP: 30,
    S.IN_TRAINING: 80,
    S.ACCEPTED: 10,
    S.REFUSED: 4,
    S.SUBMITTED: 12,
    S.FUNDS_RESERVED: 8,
    S.FUNDS_REQUESTED: 6,
    S.OPINION_GIVEN: 3,
    S.OPINION_REQUESTED: 3,
    S.DRAFT: 20,
}

WITH_AKTO = (D.CPI, D.CAI, D.PRO_A_INTERIM, D.PRO_A_PERMANENT)
RESERVATION_FILES = (D.CIPI, D.CDPI)
PRO_A = (D.PRO_A_INTERIM, D.PRO_A_PERMANENT)
FOLLOW_UP = (D.CPI, D.CAI, D.CIPI, D.CDPI, D.CAR)

_COMMON = {S.DRAFT, S.IN_TRAINING, S.REIMBURSEMENT_REQUESTED, S.CLOSED, S.CANCELLED}
_FILED = {S.FUNDS_REQUESTED, S.FUNDS_RESERVED, S.SUBMITTED, S.ACCEPTED, S.REFUSED}
STATES_OF = {
    D.CPI: _COMMON | _FILED | {S.MISSION_FOLLOW_UP},
    D.CAI: _COMMON | _FILED | {S.MISSION_FOLLOW_UP},
    D.PRO_A_INTERIM: _COMMON | _FILED,
    D.PRO_A_PERMANENT: _COMMON | _FILED,
    D.CIPI: _COMMON | {S.FUNDS_REQUESTED, S.FUNDS_RESERVED, S.MISSION_FOLLOW_UP},
    D.CDPI: _COMMON | {S.FUNDS_REQUESTED, S.FUNDS_RESERVED, S.MISSION_FOLLOW_UP},
    D.CAR: _COMMON
    | {
        S.OPINION_REQUESTED,
        S.OPINION_GIVEN,
        S.SUBMITTED,
        S.ACCEPTED,
        S.REFUSED,
        S.MISSION_FOLLOW_UP,
    },
}
# States a cancelled dossier had reached before it was stopped, and how often.
CANCELLED_FROM = ((S.DRAFT, 35), (S.SUBMITTED, 10), (S.REFUSED, 10), (S.IN_TRAINING, 45))

# Contract length in days (min, max) and training hours per dispositif.
CONTRACT_DAYS = {
    D.CPI: (183, 365),
    D.CAI: (365, 730),
    D.CIPI: (60, 150),
    D.CDPI: (150, 365),
    D.CAR: (200, 365),
    D.PRO_A_INTERIM: (183, 365),
    D.PRO_A_PERMANENT: (183, 365),
}


@dataclass
class Timeline:
    """The plan and lifecycle dates (ordinals) of one dossier, and the path it took."""

    dispositif: str
    state: str
    start: int
    end: int
    training_start: int
    training_end: int
    training_hours: int
    contract_hours: int | None
    created: int
    opinion_requested: int | None = None
    opinion: int | None = None
    funds_requested: int | None = None
    funds_reserved: int | None = None
    deposit: int | None = None
    decision: int | None = None
    follow_up: int | None = None
    reimbursement: int | None = None
    closed: int | None = None
    cancelled: int | None = None
    refused: bool = False
    steps: list[tuple[str, str, str, int]] = field(default_factory=list)


def fast_randint(rng):
    """`rng.randint` without its argument checks: a + ⌊u·(b − a + 1)⌋, deterministic per seed."""
    r = rng.random

    def randint(a: int, b: int) -> int:
        return a + int(r() * (b - a + 1))

    return randint


def weighted(pairs):
    """A picker over (value, weight) pairs: call it with a uniform float in [0, 1)."""
    values = [value for value, _ in pairs]
    total = sum(weight for _, weight in pairs)
    bounds, running = [], 0
    for _, weight in pairs:
        running += weight
        bounds.append(running / total)

    def pick(u: float):
        for value, bound in zip(values, bounds, strict=True):
            if u < bound:
                return value
        return values[-1]

    return pick


STATE_PICKERS = {
    dispositif: weighted([(s, w) for s, w in STATE_WEIGHTS.items() if s in states])
    for dispositif, states in STATES_OF.items()
}
pick_dispositif = weighted(list(DISPOSITIF_WEIGHTS.items()))
pick_cancelled_from = weighted(list(CANCELLED_FROM))


class TimelineBuilder:
    """Dates coherent with a state, as seen on `as_of` (today, or the day it was cancelled)."""

    def __init__(self, rng, today: int, first_day: int):
        self.r = rng.random
        self.randint = fast_randint(rng)
        self.today, self.first_day = today, first_day

    def past_start(self, as_of: int, before: int) -> int:
        """A start day at least `before` days before `as_of`; activity grows, so recent is likelier."""
        span = max(as_of - before - self.first_day, 1)
        return as_of - before - int(span * (1 - self.r() ** 0.5))

    def plan(self, dispositif: str, start: int) -> Timeline:
        low, high = CONTRACT_DAYS[dispositif]
        days = self.randint(low, high)
        end = start + days
        training_start = start + (self.randint(0, 7) if self.r() < 0.4 else 0)
        contract_hours = None
        if dispositif == D.CIPI:
            training_end = start + days // 2
            contract_hours = self.randint(180, 315)
            hours = min(245, max(70, int(contract_hours * (0.35 + 0.3 * self.r()))))
        elif dispositif in (D.CDPI, D.CAR):
            training_end = start + int(days * (0.5 + 0.15 * self.r()))
            hours = self.randint(150, 525) if dispositif == D.CDPI else self.randint(300, 800)
        else:
            training_end = end - self.randint(0, 21)
            weeks_hours = days * 5
            ratio = 0.27 + 0.1 * self.r() if dispositif == D.CAI else 0.16 + 0.08 * self.r()
            hours = max(150, int(weeks_hours * ratio))
        return Timeline(
            dispositif=dispositif,
            state=S.DRAFT,
            start=start,
            end=end,
            training_start=training_start,
            training_end=training_end,
            training_hours=hours,
            contract_hours=contract_hours,
            created=start,
        )

    def start_for(self, dispositif: str, state: str, as_of: int) -> int:
        """A contract start for a dossier not started yet (or barely) on `as_of`."""
        randint = self.randint
        if state in (S.ACCEPTED, S.REFUSED):
            return as_of + randint(-5, 60)
        if state == S.SUBMITTED:
            return as_of + randint(-3, 45)
        if state == S.DRAFT and self.r() < 0.08:
            return as_of - randint(0, 25)  # a stale draft, already late
        return as_of + randint(4, 100)

    def build(self, dispositif: str, state: str, as_of: int, recent: bool = False) -> Timeline:
        t = self.plan(dispositif, 0)
        randint = self.randint
        if state == S.IN_TRAINING:
            start = as_of - randint(t.training_start, t.training_end - 1)
        elif state == S.MISSION_FOLLOW_UP:
            start = as_of - randint(t.training_end + 1, t.training_end + 88)
        elif state == S.REIMBURSEMENT_REQUESTED:
            start = as_of - t.end - randint(40, 120)
        elif state == S.CLOSED:
            before = t.end + 135
            start = as_of - before - randint(0, 365) if recent else self.past_start(as_of, before)
        else:
            start = self.start_for(dispositif, state, as_of)
        t.start += start
        t.end += start
        t.training_start += start
        t.training_end += start
        t.state = state
        self._lifecycle(t, as_of)
        return t

    def _lifecycle(self, t: Timeline, as_of: int) -> None:
        """Fill the dates each step on the way to `t.state` recorded, never after `as_of`."""
        randint, state = self.randint, t.state
        order = _RANK[state]
        t.created = min(t.start - randint(20, 75), as_of - randint(0, 3))
        day = t.created
        steps = t.steps

        def step(name: str, source: str, target: str, on: int) -> int:
            on = max(min(on, as_of), day)
            steps.append((name, source, target, on))
            return on

        current = S.DRAFT
        if t.dispositif == D.CAR and order >= _RANK[S.OPINION_REQUESTED]:
            day = t.opinion_requested = step(
                "request_opinion", current, S.OPINION_REQUESTED, t.start - randint(25, 60)
            )
            current = S.OPINION_REQUESTED
            if order >= _RANK[S.OPINION_GIVEN]:
                day = t.opinion = step(
                    "give_opinion", current, S.OPINION_GIVEN, day + randint(5, 20)
                )
                current = S.OPINION_GIVEN
        uses_reservation = t.dispositif in RESERVATION_FILES or (
            t.dispositif in WITH_AKTO
            and (state in (S.FUNDS_REQUESTED, S.FUNDS_RESERVED) or self.r() < 0.12)
            and state != S.REFUSED
        )
        if uses_reservation and order >= _RANK[S.FUNDS_REQUESTED]:
            day = t.funds_requested = step(
                "request_funds", current, S.FUNDS_REQUESTED, t.start - randint(20, 45)
            )
            current = S.FUNDS_REQUESTED
            if order >= _RANK[S.FUNDS_RESERVED]:
                day = t.funds_reserved = step(
                    "reserve_funds", current, S.FUNDS_RESERVED, day + randint(3, 15)
                )
                current = S.FUNDS_RESERVED
        if t.dispositif not in RESERVATION_FILES and order >= _RANK[S.SUBMITTED]:
            if t.dispositif == D.CAR:
                deposit = t.training_start - randint(0, 10)
            else:
                deposit = t.start + (randint(-20, 4) if self.r() < 0.93 else randint(5, 12))
            if state == S.SUBMITTED:
                deposit = min(deposit, as_of - randint(0, 19))
            elif order >= _RANK[S.ACCEPTED]:
                deposit = min(deposit, as_of - randint(21, 30))
            day = t.deposit = step("submit", current, S.SUBMITTED, deposit)
            current = S.SUBMITTED
            if order >= _RANK[S.ACCEPTED]:
                refused = state == S.REFUSED
                t.refused = refused
                decision = day + randint(3, 20)
                target = S.REFUSED if refused else S.ACCEPTED
                day = t.decision = step(
                    "refuse" if refused else "accept", current, target, decision
                )
                current = target
        if order >= _RANK[S.IN_TRAINING] and state != S.REFUSED:
            day = step("start_training", current, S.IN_TRAINING, t.training_start)
            current = S.IN_TRAINING
            if order >= _RANK[S.MISSION_FOLLOW_UP] and t.dispositif in FOLLOW_UP:
                day = t.follow_up = step(
                    "start_follow_up", current, S.MISSION_FOLLOW_UP, t.training_end + 1
                )
                current = S.MISSION_FOLLOW_UP
            if order >= _RANK[S.REIMBURSEMENT_REQUESTED]:
                day = t.reimbursement = step(
                    "request_reimbursement",
                    current,
                    S.REIMBURSEMENT_REQUESTED,
                    max(t.end, day) + randint(0, 40),
                )
                current = S.REIMBURSEMENT_REQUESTED
            if order >= _RANK[S.CLOSED]:
                day = t.closed = step("close", current, S.CLOSED, day + randint(20, 90))


_RANK = {
    S.DRAFT: 0,
    S.OPINION_REQUESTED: 1,
    S.OPINION_GIVEN: 2,
    S.FUNDS_REQUESTED: 3,
    S.FUNDS_RESERVED: 4,
    S.SUBMITTED: 5,
    S.ACCEPTED: 6,
    S.REFUSED: 6,
    S.IN_TRAINING: 7,
    S.MISSION_FOLLOW_UP: 8,
    S.REIMBURSEMENT_REQUESTED: 9,
    S.CLOSED: 10,
}
