"""Rows for one chunk of dossiers: workers, dossiers and everything hanging off them.

Ids are handed out from counters, so children reference parents without reading them back.
"""

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from bench.loadgen import names
from bench.loadgen.codes import D, S
from bench.loadgen.identifiers import nir_for
from bench.loadgen.timeline import (
    PRO_A,
    STATE_PICKERS,
    STATES_OF,
    Timeline,
    TimelineBuilder,
    fast_randint,
    pick_cancelled_from,
    pick_dispositif,
)
from cases.choices import CancellationReason, DossierEventKind, Employment, FitnessStatus
from cases.rules import dates
from cases.rules.deadlines import LABELS, SILENCE_LABELS
from cases.rules.obligations import MET, MissionSpan, obligations_for, progress

CTT, CDII = str(Employment.CTT.value), str(Employment.CDII.value)
UNFIT, RESTRICTED, RISK = (
    str(FitnessStatus.UNFIT_FORMER_JOB.value),
    str(FitnessStatus.FIT_WITH_RESTRICTIONS.value),
    str(FitnessStatus.RISK_OF_UNFITNESS.value),
)
REFUSAL, RUPTURE, ERROR, ABANDONMENT = (
    str(CancellationReason.REFUSAL.value),
    str(CancellationReason.RUPTURE.value),
    str(CancellationReason.ERROR.value),
    str(CancellationReason.ABANDONMENT.value),
)
EMPLOYMENT = {D.PRO_A_INTERIM: CDII, D.PRO_A_PERMANENT: str(Employment.CDI.value)}
# The states whose dossiers recorded the actual training start, and end (its steps).
MANAGER_WAIVER = "Missions proposées refusées pour raison de santé (certificat reçu)."
TRAINING_ENDED = frozenset({"reimbursement_requested", "closed"})
TRAINING_STARTED = TRAINING_ENDED | {"in_training", "mission_follow_up"}
AGE_RANGE = {
    D.CPI: (18, 45),
    D.CAI: (16, 29),
    D.CIPI: (18, 58),
    D.CDPI: (20, 55),
    D.CAR: (25, 60),
    D.PRO_A_INTERIM: (22, 58),
    D.PRO_A_PERMANENT: (22, 60),
}


@cache
def _safe_day(due: int, subdiv: str | None, departement: str) -> int:
    return dates.safe_business_day(dt.date.fromordinal(due), departement).toordinal()


@cache
def _working_days_after(start: int, days: int, subdiv: str | None, departement: str) -> int:
    return dates.add_working_days(dt.date.fromordinal(start), days, departement).toordinal()


def _actual_end(t: Timeline) -> int | None:
    """The actual training end the dossier records (the follow-up step, or the reimbursement
    request for Pro-A): the training ends as planned in generated data."""
    return t.training_end if t.follow_up or t.state in TRAINING_ENDED else None


@cache
def _months_after(day: int, months: int) -> int:
    return dates.add_months(dt.date.fromordinal(day), months).toordinal()


@dataclass(frozen=True)
class RuleSetRef:
    id: int
    dispositif: str
    valid_from: int
    valid_to: int | None
    params: object


@dataclass(frozen=True)
class RateRef:
    dispositif: str
    valid_from: int
    valid_to: int | None
    hourly_rate: float
    source: str


@dataclass
class AgencyRef:
    id: int
    departement: str
    subdivision: str | None
    etti: bool
    case_workers: list[int]
    favourite: int | None  # a case worker who gets a larger share (load.case_worker)
    manager: int | None = None  # the agency manager (waives what closing cannot pass)


@dataclass
class Context:
    """What every chunk needs: reference data, organisations, id counters, formatting."""

    today: int
    first_day: int
    vendor: str
    rule_sets: dict[str, list[RuleSetRef]]
    rates: dict[str, list[RateRef]]
    agencies: list[AgencyRef]
    agency_bounds: list[float]
    client_companies: list[int]
    training_providers: list[int]
    fpett_user: int
    next_ids: dict[str, int]

    def __post_init__(self):
        base = self.first_day - 365 * 70
        self.iso_base = base
        self.iso = [dt.date.fromordinal(o).isoformat() for o in range(base, self.today + 2000)]
        self.ts_suffix = "" if self.vendor == "sqlite" else "+00"
        self.stamps: dict[int, str] = {}

    def day(self, ordinal: int | None) -> str | None:
        return None if ordinal is None else self.iso[ordinal - self.iso_base]

    def ts(self, ordinal: int, hour: int) -> str:
        key = ordinal * 24 + hour
        text = self.stamps.get(key)
        if text is None:
            day = self.iso[ordinal - self.iso_base]
            text = f"{day} {hour:02d}:{(ordinal * 7) % 60:02d}:00{self.ts_suffix}"
            self.stamps[key] = text
        return text

    def take(self, table: str, count: int = 1) -> int:
        first = self.next_ids[table]
        self.next_ids[table] = first + count
        return first

    def rule_set(self, dispositif: str, on: int) -> RuleSetRef | None:
        for ref in self.rule_sets.get(dispositif, ()):
            if ref.valid_from <= on and (ref.valid_to is None or on <= ref.valid_to):
                return ref
        return None

    def rate(self, dispositif: str, on: int) -> RateRef | None:
        for ref in self.rates.get(dispositif, ()):
            if ref.valid_from <= on and (ref.valid_to is None or on <= ref.valid_to):
                return ref
        return None


class Chunk:
    """Build the rows of `count` dossiers (index `first_index` onwards) with its own RNG."""

    def __init__(self, ctx: Context, rng, first_index: int, count: int, forced: list):
        self.ctx, self.rng = ctx, rng
        self.r = rng.random
        self.randint = fast_randint(rng)
        self.first_index, self.count, self.forced = first_index, count, forced
        self.timelines = TimelineBuilder(rng, ctx.today, ctx.first_day)
        self.workers: list[tuple] = []
        self.dossiers: list[tuple] = []
        self.dossier_companies: list[tuple] = []
        self.missions: list[tuple] = []
        self.events: list[tuple] = []
        self.deadlines: list[tuple] = []
        self.funding_lines: list[tuple] = []
        self.notifications: list[tuple] = []

    def rows(self) -> int:
        return sum(
            len(rows)
            for rows in (
                self.workers,
                self.dossiers,
                self.dossier_companies,
                self.missions,
                self.events,
                self.deadlines,
                self.funding_lines,
                self.notifications,
            )
        )

    # Choosing -------------------------------------------------------------------------------

    def pick(self, seq):
        return seq[int(self.r() * len(seq))]

    def pick_agency(self) -> AgencyRef:
        u, bounds = self.r(), self.ctx.agency_bounds
        low, high = 0, len(bounds) - 1
        while low < high:
            mid = (low + high) // 2
            if u < bounds[mid]:
                high = mid
            else:
                low = mid + 1
        return self.ctx.agencies[low]

    def timeline(self, dispositif: str, state: str | None) -> Timeline:
        """A timeline; Pro-A dossiers start once a Pro-A rule set is in force."""
        ctx = self.ctx
        for attempt in range(8):
            t = self._timeline(dispositif, state, recent=attempt >= 5)
            if dispositif not in PRO_A or ctx.rule_set(dispositif, t.start):
                return t
        return t

    def _timeline(self, dispositif: str, state: str | None, recent: bool) -> Timeline:
        ctx, builder = self.ctx, self.timelines
        state = state or STATE_PICKERS[dispositif](self.r())
        if state != S.CANCELLED:
            return builder.build(dispositif, state, ctx.today, recent=recent)
        reached = pick_cancelled_from(self.r())
        if reached not in STATES_OF[dispositif]:
            reached = S.FUNDS_RESERVED
        cancelled_on = (
            ctx.today - self.randint(0, 300) if recent else builder.past_start(ctx.today, 0)
        )
        t = builder.build(dispositif, reached, cancelled_on, recent=recent)
        last = t.steps[-1][3] if t.steps else t.created
        t.cancelled = max(cancelled_on, last, t.created)
        t.steps.append(("cancel", reached, S.CANCELLED, t.cancelled))
        t.state = S.CANCELLED
        return t

    # Building --------------------------------------------------------------------------------

    def build(self) -> None:
        index, end = self.first_index, self.first_index + self.count
        while index < end:
            forced = self.forced[index] if index < len(self.forced) else None
            if forced:
                dispositif, state, many = forced[0], forced[1], 1
            else:
                dispositif, state = pick_dispositif(self.r()), None
                u = self.r()
                many = 1 if u < 0.75 else 2 if u < 0.95 else 3
            many = min(many, end - index)
            agency = self.pick_agency()
            timelines = [self.timeline(dispositif, state) for _ in range(many)]
            worker = self.worker(agency, dispositif, timelines[0].start)
            for t in timelines:
                self.dossier(agency, worker, t)
            index += many

    def worker(self, agency: AgencyRef, dispositif: str, start: int) -> tuple[int, str]:
        ctx, r, randint = self.ctx, self.r, self.randint
        worker_id = ctx.take("worker")
        low, high = AGE_RANGE[dispositif]
        age = low + int((high - low + 1) * r() ** 1.6)
        birth = start - age * 365 - randint(0, 364)
        last, first = self.pick(names.LAST_NAMES), self.pick(names.FIRST_NAMES)
        created = ctx.ts(min(start - randint(30, 400), ctx.today), 9 + randint(0, 8))
        birth_date = dt.date.fromordinal(birth)
        nir = ""
        if r() < 0.35:
            dep = agency.departement if len(agency.departement) == 2 else "75"
            nir = nir_for(1 + int(r() * 2), birth_date.year, birth_date.month, dep, worker_id)
        young = age < 26
        cipi, car = dispositif == D.CIPI, dispositif == D.CAR
        job_seeker = None
        if r() < (0.7 if cipi else 0.45 if dispositif in (D.CPI, D.CAI) else 0.1):
            job_seeker = start - randint(20, 900)
        rsa = r() < (0.3 if cipi else 0.06)
        flags = (
            rsa,  # rsa
            r() < 0.02,  # ass
            r() < 0.02,  # aah
            r() < 0.06,  # disability
            r() < (0.2 if cipi else 0.04),  # basic_skills_gap
            r() < 0.02,  # refugee
            r() < (0.25 if cipi else 0.08),  # no_experience_low_qualification
            r() < (0.15 if cipi else 0.05),  # no_work_1y
            agency.etti and r() < 0.9,  # etti_followed
            r() < (0.6 if dispositif in (D.CDPI, D.CAR) else 0.05),  # career_change
            r() < 0.01,  # former_cui
            young and r() < 0.3,  # mission_locale
            r() < (0.25 if young else 0.1),  # no_secondary_diploma
            dispositif == D.PRO_A_PERMANENT and r() < 0.05,  # partial_activity
            r() < 0.01,  # business_creation
            r() < 0.003,  # top_athlete
        )
        if cipi and not any(flags[:8]) and job_seeker is None:
            job_seeker = start - randint(400, 900)  # a long-term job seeker: CIPI public
        at_mp = car or r() < 0.01
        fitness = ""
        if car:
            u = r()
            fitness = UNFIT if u < 0.6 else RESTRICTED if u < 0.85 else RISK
        level = self.pick((0, 0, 3, 3, 3, 4, 4, 5) if dispositif in PRO_A else (0, 0, 0, 3, 3, 4))
        other_hours, declared = "0", None
        if r() < 0.15:
            other_hours, declared = f"{randint(35, 900)}.00", ctx.day(start - randint(5, 60))
        self.workers.append(
            (
                worker_id,
                created,
                created,
                agency.id,
                last,
                first,
                ctx.day(birth),
                nir,
                EMPLOYMENT.get(dispositif, CDII if car and r() < 0.3 else CTT),
                level,
                ctx.day(job_seeker),
                *flags,
                at_mp,
                ctx.day(start - randint(60, 700)) if at_mp else None,
                fitness,
                other_hours,
                declared,
                None,
            )
        )
        return worker_id, f"{last.upper()} {first}"

    def dossier(self, agency: AgencyRef, worker: tuple[int, str], t: Timeline) -> None:
        ctx, r, randint = self.ctx, self.r, self.randint
        dossier_id = ctx.take("dossier")
        worker_id, worker_label = worker
        if agency.favourite and r() < 0.35:
            case_worker = agency.favourite
        else:
            case_worker = self.pick(agency.case_workers) if r() < 0.97 else None
        rule_set = ctx.rule_set(t.dispositif, t.start)
        disp = t.dispositif
        if disp == D.CIPI:
            code, title = "", ""
        elif disp in PRO_A and r() < 0.5:
            code, title = self.pick(names.CLEA)
        else:
            code, title = self.pick(names.CERTIFICATIONS)
        year = dt.date.fromordinal(t.start).year
        reserved_amount = reference = ""
        rate = ctx.rate(disp, t.start)
        if t.funds_reserved:
            hourly = rate.hourly_rate if rate else 15.0
            reserved_amount = f"{t.training_hours * hourly:.2f}"
            reference = f"RES-{year}-{dossier_id:07d}"
        # The claim the reimbursement request records (hours done and amount, in cents).
        claim = None
        if t.reimbursement:
            hourly = rate.hourly_rate if rate else 15.0
            claim = (t.training_hours, round(t.training_hours * hourly * (85 + 15 * r())))
        akto_reference = f"AKTO-{year}-{dossier_id:07d}" if t.deposit else ""
        reason = ""
        if t.state == S.CANCELLED:
            reached = t.steps[-1][1]
            reason = (
                REFUSAL
                if reached == S.REFUSED
                else RUPTURE
                if reached == S.IN_TRAINING and r() < 0.6
                else ERROR
                if reached == S.DRAFT and r() < 0.3
                else ABANDONMENT
            )
        last_day = t.steps[-1][3] if t.steps else t.created
        created = ctx.ts(t.created, 8 + randint(0, 9))
        updated = ctx.ts(last_day, 8 + randint(0, 9))
        tutors = r() < 0.97 or t.state != S.DRAFT
        self.dossiers.append(
            (
                dossier_id,
                created,
                updated,
                disp,
                t.state,
                agency.id,
                worker_id,
                case_worker,
                code,
                title,
                self.pick(ctx.training_providers),
                r() < 0.05,
                ctx.day(t.start),
                ctx.day(t.end),
                ctx.day(t.training_start),
                ctx.day(t.training_end),
                f"{t.training_hours}.00",
                f"{t.contract_hours}.00" if t.contract_hours else None,
                "standard",  # funding_programme: the standard forfait (ctx.rate)
                None,  # training_cost
                f"{self.pick(names.FIRST_NAMES)} {self.pick(names.LAST_NAMES)}" if tutors else "",
                f"{self.pick(names.FIRST_NAMES)} {self.pick(names.LAST_NAMES)}" if tutors else "",
                ctx.day(t.opinion),
                ctx.day(t.funds_requested),
                ctx.day(t.funds_reserved),
                reference,
                reserved_amount or None,
                ctx.day(t.deposit),
                akto_reference,
                ctx.day(t.decision),
                ctx.day(t.training_start if t.state in TRAINING_STARTED else None),
                ctx.day(_actual_end(t)),
                ctx.day(t.reimbursement),
                f"{claim[0]}.00" if claim else None,
                _euros(claim[1]) if claim else None,
                "",
                reason,
                "",
                rule_set.id if rule_set else None,
                "[]",
            )
        )
        company = self.pick_company()
        self.dossier_companies.append((dossier_id, company))
        missions = self.add_missions(dossier_id, worker_id, company, t)
        self.add_events(
            dossier_id, case_worker, t, reason, akto_reference, reference, reserved_amount, claim
        )
        if rule_set:
            self.add_deadlines(
                dossier_id, case_worker, agency, t, rule_set, missions, worker_label, created
            )
        self.add_funding(dossier_id, case_worker, t, rate, reserved_amount, reference, claim)

    def pick_company(self) -> int:
        companies = self.ctx.client_companies
        return companies[int(len(companies) * self.r() ** 2)]  # a few large client companies

    # Missions ------------------------------------------------------------------------------

    def add_missions(self, dossier_id, worker_id, company, t: Timeline) -> list[tuple]:
        """Missions before the contract (no dossier) and during it; returns (start, end, hours)
        of the dossier's own, the hours as stored (text, in cents)."""
        ctx, r, randint = self.ctx, self.r, self.randint
        horizon = min(ctx.today + 14, t.cancelled or t.end)
        # Up to three missions in the year before the contract (they count as branch seniority).
        prior = 0 if r() < 0.35 else 1 if r() < 0.6 else 2 if r() < 0.8 else 3
        if prior:
            self.mission_span(
                worker_id, None, company, t.start - 360, t.start - 5, prior, horizon=ctx.today
            )
        own: list[tuple] = []
        if t.start > horizon:
            return own
        disp = t.dispositif
        if disp in (D.CDPI, D.CAR):
            # Alternance during training, then the post-training mission obligation.
            during = randint(2, 3)
            own += self.mission_span(
                worker_id,
                dossier_id,
                company,
                t.training_start,
                t.training_end,
                during,
                horizon=horizon,
            )
            if t.state in (S.CLOSED, S.REIMBURSEMENT_REQUESTED):
                needed = t.training_hours / 3 * (1.1 + 0.4 * r())
            else:
                needed = t.training_hours / 3 * (0.3 + 0.5 * r())
            after_end = min(t.end, _months_after(t.training_end, 3))
            own += self.mission_span(
                worker_id,
                dossier_id,
                company,
                t.training_end + 1,
                after_end,
                randint(2, 3),
                horizon=horizon,
                total=needed,
            )
        elif disp == D.CIPI:
            total = 70 + randint(10, 120) if t.state == S.CLOSED else None
            own += self.mission_span(
                worker_id,
                dossier_id,
                company,
                t.start,
                t.end,
                randint(4, 6),
                horizon=horizon,
                total=total,
            )
        else:
            own += self.mission_span(
                worker_id, dossier_id, company, t.start, t.end, randint(3, 7), horizon=horizon
            )
        return own

    def mission_span(
        self, worker_id, dossier_id, company, first, last, count, *, horizon, total=None
    ) -> list[tuple]:
        """`count` non-overlapping missions inside [first, last], none starting after `horizon`."""
        ctx, r, randint = self.ctx, self.r, self.randint
        iso, base, today, append = ctx.iso, ctx.iso_base, ctx.today, self.missions.append
        span = last - first + 1
        if span < count * 2:
            count = max(span // 2, 1)
        segment = span // count
        made = []
        for i in range(count):
            start = first + i * segment + int(r() * segment * 0.3)
            if start > horizon:
                break
            length = max(1, min(int(segment * 0.7), randint(5, 45)))
            end = min(start + length - 1, last)
            hours = (
                total / count if total else max(7.0, (end - start + 1) * 5.0 * (0.8 + 0.2 * r()))
            )
            stored = f"{min(hours, 2000.0):.2f}"
            at = company if r() < 0.75 else self.pick_company()
            stamp = ctx.ts(start if start < today else today, 10)
            append(
                (
                    stamp,
                    stamp,
                    worker_id,
                    dossier_id,
                    at,
                    iso[start - base],
                    iso[end - base],
                    stored,
                    "",  # contract_number: typed or imported by the agency, none here
                )
            )
            made.append((start, end, stored))
        return made

    # History -------------------------------------------------------------------------------

    def add_events(
        self,
        dossier_id,
        actor,
        t: Timeline,
        reason,
        akto_reference,
        reference,
        reserved_amount,
        claim,
    ) -> None:
        ctx = self.ctx
        events = self.events
        events.append(
            (
                dossier_id,
                actor,
                ctx.ts(t.created, 9),
                DossierEventKind.CREATED.value,
                "",
                "",
                S.DRAFT,
                "Dossier créé.",
                "{}",
            )
        )
        for position, (name, source, target, on) in enumerate(t.steps, start=1):
            comment, data = "", "{}"
            if name == "submit":
                data = (
                    f'{{"deposit_date": "{ctx.day(t.deposit)}", '
                    f'"akto_reference": "{akto_reference}"}}'
                )
            elif name in ("accept", "refuse"):
                data = f'{{"akto_decision_date": "{ctx.day(t.decision)}"}}'
                if name == "refuse":
                    comment = self.pick(names.REFUSAL_COMMENTS)
            elif name == "request_funds":
                data = f'{{"funds_requested_on": "{ctx.day(t.funds_requested)}"}}'
            elif name == "reserve_funds":
                data = json.dumps(
                    {
                        "reserved_amount": reserved_amount,
                        "funds_reference": reference,
                        "funds_reserved_on": ctx.day(t.funds_reserved),
                    }
                )
            elif name == "give_opinion":
                data = f'{{"opinion_date": "{ctx.day(t.opinion)}"}}'
            elif name == "request_reimbursement":
                data = json.dumps(
                    {
                        "reimbursement_requested_on": ctx.day(t.reimbursement),
                        "claimed_hours": f"{claim[0]}.00",
                        "claimed_amount": _euros(claim[1]),
                    }
                )
            elif name == "cancel":
                data = f'{{"cancellation_reason": "{reason}"}}'
                comment = names.CANCEL_COMMENTS[reason]
            who = ctx.fpett_user if name == "give_opinion" else actor
            events.append(
                (
                    dossier_id,
                    who,
                    ctx.ts(on, 9 + position),
                    DossierEventKind.TRANSITION.value,
                    name,
                    source,
                    target,
                    comment,
                    data,
                )
            )

    # Deadlines -----------------------------------------------------------------------------

    def expected_deadlines(self, agency: AgencyRef, t: Timeline, params, obligations):
        """(kind, due, label, source, silence, met_on) as the product's rules compute them
        (`cases.rules.deadlines.plan_deadlines`, in ordinals; the mission window from
        `cases.rules.obligations`)."""
        departement, subdiv = agency.departement, agency.subdivision
        found = []
        deposit_due = None
        if params.deposit:
            rule = params.deposit
            if rule.counting == "on_training_start":
                deposit_due = t.training_start
            elif rule.counting == "working":
                deposit_due = _working_days_after(t.start, rule.days, subdiv, departement)
            else:
                deposit_due = t.start + rule.days
        if params.opinion and params.opinion.required:
            found.append(
                (
                    "fpett_opinion",
                    deposit_due if deposit_due else t.start,
                    LABELS["fpett_opinion"],
                    params.opinion.source,
                    "",
                    t.opinion,
                )
            )
        if params.fund_reservation and params.fund_reservation.required:
            found.append(
                (
                    "fund_reservation",
                    t.start - 1,
                    LABELS["fund_reservation"],
                    params.fund_reservation.source,
                    "",
                    t.funds_reserved,
                )
            )
        if params.deposit:
            found.append(
                (
                    "akto_deposit",
                    deposit_due,
                    LABELS["akto_deposit"],
                    params.deposit.source,
                    "",
                    t.deposit,
                )
            )
            if params.decision and t.deposit:
                silence = params.decision.silence or ""
                label = LABELS["akto_decision"] + (
                    f" ({SILENCE_LABELS[silence]})" if silence else ""
                )
                found.append(
                    (
                        "akto_decision",
                        t.deposit + params.decision.days,
                        label,
                        params.decision.source,
                        silence,
                        t.decision,
                    )
                )
        if obligations:
            last = max(obligations, key=lambda o: o.window_end)
            found.append(
                (
                    "mission_obligation",
                    last.window_end.toordinal(),
                    LABELS["mission_obligation"],
                    last.source,
                    "",
                    None,
                )
            )
        if params.reimbursement:
            found.append(
                (
                    "reimbursement_request",
                    (_actual_end(t) or t.training_end) + params.reimbursement.days_after_training,
                    LABELS["reimbursement_request"],
                    params.reimbursement.source,
                    "",
                    t.reimbursement,
                )
            )
        return found

    def obligations(self, t: Timeline, params) -> list:
        return obligations_for(
            params,
            contract_start=dt.date.fromordinal(t.start),
            contract_end=dt.date.fromordinal(t.end),
            training_end=dt.date.fromordinal(t.training_end),
            training_hours=Decimal(t.training_hours),
            training_ended_on=dt.date.fromordinal(_actual_end(t)) if _actual_end(t) else None,
        )

    def mission_met(self, obligations, missions) -> bool:
        """Every mission obligation met by the missions (`cases.rules.obligations`)."""
        spans = [
            MissionSpan(dt.date.fromordinal(start), dt.date.fromordinal(end), Decimal(hours))
            for start, end, hours in missions
        ]
        today = dt.date.fromordinal(self.ctx.today)
        return all(progress(o, spans, today).verdict == MET for o in obligations)

    def add_deadlines(
        self, dossier_id, case_worker, agency, t, rule_set, missions, worker_label, created
    ) -> None:
        ctx, r, randint = self.ctx, self.r, self.randint
        final_day = t.closed or t.cancelled
        waiver = "Dossier clôturé." if t.closed else "Dossier annulé."
        obligations = self.obligations(t, rule_set.params)
        for kind, due, label, source, silence, met_on in self.expected_deadlines(
            agency, t, rule_set.params, obligations
        ):
            if kind == "mission_obligation":
                met = self.mission_met(obligations, missions)
                met_on = min(due, final_day or ctx.today) if met else None
            safe = _safe_day(due, agency.subdivision, agency.departement)
            met_at = waived_at = waived_by = None
            reason = ""
            if met_on:
                # cases.deadlines.met_status: late when the fact is dated after the due date.
                status = "met_late" if met_on > due else "met"
                met_at = ctx.ts(min(met_on, ctx.today), 18)
            elif t.closed and kind == "mission_obligation":
                # Closing waits until the obligation is met or waived by the agency manager.
                status, waived_by, reason = "waived", agency.manager, MANAGER_WAIVER
                waived_at = ctx.ts(final_day, 17)
            elif final_day:
                status, reason = "cancelled", waiver  # nobody waived it (cases.deadlines)
            else:
                status = "open"
            deadline_id = ctx.take("deadline")
            updated = met_at or waived_at or created
            self.deadlines.append(
                (
                    deadline_id,
                    created,
                    updated,
                    dossier_id,
                    kind,
                    label,
                    ctx.day(due),
                    ctx.day(safe),
                    status,
                    met_at,
                    None,
                    waived_at,
                    waived_by,
                    reason,
                    0,
                    rule_set.id,
                    source,
                    silence,
                )
            )
            if status == "open" and case_worker:
                sent = t.created
                read_at = (
                    ctx.ts(sent + randint(0, 4), 14) if r() < 0.6 and sent < ctx.today else None
                )
                message = (
                    f"Nouvelle échéance : {label} — dossier {t.dispositif} n° {dossier_id} "
                    f"({worker_label}). À faire au plus tard le "
                    f"{dt.date.fromordinal(safe):%d/%m/%Y} (échéance le "
                    f"{dt.date.fromordinal(due):%d/%m/%Y} ; source : {source})."
                )
                self.notifications.append(
                    (
                        case_worker,
                        dossier_id,
                        deadline_id,
                        "created",
                        "info",
                        message,
                        created,
                        read_at,
                        None,  # email_claimed_at
                        None,  # emailed_at
                    )
                )

    # Funding -------------------------------------------------------------------------------

    def add_funding(
        self, dossier_id, case_worker, t: Timeline, rate, reserved_amount, reference, claim
    ) -> None:
        """The ledger lines the steps write: the estimate at creation (when a rate is known),
        the reservation at « fonds réservés », the claim at the reimbursement request, and the
        payments received (in one or two parts, never before the claim nor after today)."""
        ctx, r = self.ctx, self.r
        lines = self.funding_lines

        def line(day, hour, kind, amount, hours, hourly, ref, source, by):
            stamp, on = ctx.ts(day, hour), ctx.day(day)
            document = None  # the invoice: no document is generated
            lines.append(
                (
                    stamp,
                    stamp,
                    dossier_id,
                    kind,
                    amount,
                    hours,
                    hourly,
                    on,
                    ref,
                    source,
                    document,
                    by,
                )
            )

        if rate:
            estimated = t.training_hours * rate.hourly_rate
            line(
                t.created,
                9,
                "estimated",
                f"{estimated:.2f}",
                f"{t.training_hours}.00",
                f"{rate.hourly_rate:.2f}",
                "",
                rate.source,
                None,
            )
        if t.funds_reserved:
            line(
                t.funds_reserved,
                11,
                "reserved",
                reserved_amount,
                None,
                None,
                reference,
                "Réservation de fonds accordée par l'AKTO",
                case_worker,
            )
        if not claim:
            return
        hours, cents = claim
        line(
            t.reimbursement,
            11,
            "claimed",
            _euros(cents),
            f"{hours}.00",
            None,
            "",
            "Demande de remboursement à l'AKTO",
            case_worker,
        )
        payments = []  # (day, cents)
        if t.closed:
            if r() < 0.3 and t.closed > t.reimbursement:
                first = cents * 6 // 10
                payments = [(t.reimbursement + (t.closed - t.reimbursement) // 2, first)]
                payments.append((t.closed, cents - first))
            else:
                payments = [(t.closed, cents)]
        elif r() < 0.3 and min(ctx.today, t.reimbursement + 30) > t.reimbursement:
            payments = [(min(ctx.today, t.reimbursement + 30), cents // 2)]
        for part, (day, paid) in enumerate(payments, start=1):
            ref = f"PAI-{dossier_id:07d}-{part}"
            line(
                day,
                12,
                "paid",
                _euros(paid),
                None,
                None,
                ref,
                "Paiement reçu de l'AKTO",
                case_worker,
            )
            self.events.append(
                (
                    dossier_id,
                    case_worker,
                    ctx.ts(day, 12),
                    DossierEventKind.PAYMENT.value,
                    "",
                    "",
                    "",
                    f"Paiement reçu : {_euros(paid)} € (référence {ref}).",
                    json.dumps({"amount": _euros(paid), "on": ctx.day(day), "reference": ref}),
                )
            )


def _euros(cents: int) -> str:
    """Cents as the decimal text of a money column: 123456 → « 1234.56 »."""
    return f"{cents // 100}.{cents % 100:02d}"
