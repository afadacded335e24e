"""Generate a realistic synthetic load: agencies, people, dossiers, missions, deadlines.

Deterministic: the same number of dossiers, seed and reference day give the same rows.
"""

import datetime as dt
import itertools
import multiprocessing
import random
import time
from dataclasses import dataclass

from django.core.management import call_command
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accords.models import FundingProgramme, FundingRate, RuleSet
from bench.loadgen import names
from bench.loadgen.dossiers import AgencyRef, Chunk, Context, RateRef, RuleSetRef
from bench.loadgen.identifiers import siret_for
from bench.loadgen.progress import Progress
from bench.loadgen.timeline import STATES_OF
from bench.loadgen.writer import Writer, table_of
from cases.choices import AgencyKind, RegisterStatus, Role
from cases.choices import DossierState as S
from cases.models import (
    Agency,
    ClientCompany,
    Deadline,
    Dossier,
    DossierEvent,
    FundingLine,
    Mission,
    TrainingProvider,
    User,
    Worker,
)
from cases.rules import dates
from notifications.models import Notification

CHUNK = 10_000
YEARS = 10
FIXED_USERS = {
    "load.case_worker": Role.CASE_WORKER,
    "load.manager": Role.AGENCY_MANAGER,
    "load.admin": Role.ADMINISTRATOR,
    "load.cpne": Role.CPNE_REPORTER,
    "load.fpett": Role.FPETT_ADVISOR,
}
# First numbers of the SIRETs of each kind of organisation (distinct from the factories').
# What the company register says of a generated company or provider: nothing yet, never
# looked up (cases.models.organisations.RegisterFacts).
REGISTER_NEVER_CHECKED = {
    "address": "",
    "naf_code": "",
    "idcc_list": "[]",
    "establishment_closed": None,
    "closed_on": None,
    "register_status": RegisterStatus.NEVER.value,
    "register_checked_at": None,
    "register_error": "",
    "register_differences": "{}",
    "nda_numbers": "[]",
    "qualiopi": None,
}


def organisation_row(table, **values) -> tuple:
    """A company's or provider's row in `table`'s column order, its register facts unchecked."""
    values = {**REGISTER_NEVER_CHECKED, **values}
    return tuple(values[column] for column in table.columns)


SIRET_BASE = {"agency": 31_000_000, "client_company": 41_000_000, "training_provider": 51_000_000}


class LoadRefused(Exception):
    """The database is not in a state the generator may write to (message in French)."""


@dataclass
class Summary:
    counts: dict[str, int]
    seconds: float


def _ordinal(day: dt.date | None) -> int | None:
    return day.toordinal() if day else None


def _next_ids() -> dict[str, int]:
    models = {
        "agency": Agency,
        "client_company": ClientCompany,
        "training_provider": TrainingProvider,
        "user": User,
        "user_agency": User.agencies.through,
        "worker": Worker,
        "dossier": Dossier,
        "dossier_company": Dossier.client_companies.through,
        "mission": Mission,
        "event": DossierEvent,
        "deadline": Deadline,
        "funding_line": FundingLine,
        "notification": Notification,
    }
    return {
        key: (model.objects.aggregate(top=Max("id"))["top"] or 0) + 1
        for key, model in models.items()
    }


def _check_empty() -> None:
    count = Dossier.objects.count()
    if count:
        raise LoadRefused(
            f"La base contient déjà {count} dossier(s) : generate_load ne s'exécute que sur une "
            "base sans dossier (créez une base neuve, puis migrate et load_reference)."
        )
    taken = sorted(User.objects.filter(username__in=FIXED_USERS).values_list("username", flat=True))
    if taken:
        raise LoadRefused(
            "Les comptes suivants existent déjà : "
            + ", ".join(taken)
            + ". Utilisez une base neuve."
        )


def _reference() -> tuple[dict, dict]:
    if not RuleSet.objects.exists():
        call_command("load_reference", stdout=open("/dev/null", "w"))  # noqa: SIM115
    rule_sets: dict[str, list[RuleSetRef]] = {}
    for rule_set in RuleSet.objects.order_by("dispositif", "-valid_from"):
        rule_sets.setdefault(rule_set.dispositif, []).append(
            RuleSetRef(
                rule_set.pk,
                rule_set.dispositif,
                rule_set.valid_from.toordinal(),
                _ordinal(rule_set.valid_to),
                rule_set.params,
            )
        )
    rates: dict[str, list[RateRef]] = {}
    standard = FundingRate.objects.filter(programme=FundingProgramme.STANDARD)
    for rate in standard.order_by("dispositif", "-valid_from"):
        rates.setdefault(rate.dispositif, []).append(
            RateRef(
                rate.dispositif,
                rate.valid_from.toordinal(),
                _ordinal(rate.valid_to),
                float(rate.hourly_rate),
                rate.source,
            )
        )
    return rule_sets, rates


def forced_combinations() -> list[tuple[str, str]]:
    """Every (dispositif, state) the state machine allows: the first dossiers cover them all."""
    return [
        (dispositif, state)
        for dispositif, states in STATES_OF.items()
        for state in S
        if state in states
    ]


class Organisations:
    """Agencies, client companies, training providers and users, written in one go."""

    def __init__(self, writer: Writer, rng: random.Random, dossiers: int, today: int):
        self.writer, self.rng, self.today = writer, rng, today
        self.dossiers = dossiers
        self.ids = _next_ids()

    def password(self) -> str:
        """An unusable password (« ! » prefix), deterministic for the digest."""
        return "!" + "".join(
            self.rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(40)
        )

    def build(self) -> tuple[list[AgencyRef], list[float], list[int], list[int], int]:
        rng, w = self.rng, self.writer
        stamp = w.timestamp(dt.date.fromordinal(self.today - 3650).isoformat(), 8, 0)
        count = max(3, self.dossiers // 2000)
        first_agency = self.ids["agency"]
        agencies, rows = [], []
        for i in range(count):
            region, departement, city = (
                names.LOCATIONS[0]
                if i == 0
                else names.LOCATIONS[rng.randrange(len(names.LOCATIONS))]
            )
            if i in (1, 2):  # always some Alsace-Moselle and overseas agencies
                region, departement, city = names.LOCATIONS[12 if i == 1 else -2]
            etti = i > 0 and rng.random() < 0.08
            group = names.ETTI_GROUP if etti else names.AGENCY_GROUPS[i % len(names.AGENCY_GROUPS)]
            agency_id = first_agency + i
            rows.append(
                (
                    agency_id,
                    stamp,
                    stamp,
                    f"{group.split(' (')[0]} {city} {i + 1}",
                    siret_for(SIRET_BASE["agency"] + i),
                    AgencyKind.ETTI if etti else AgencyKind.ETT,
                    group,
                    region,
                    departement,
                )
            )
            agencies.append(
                AgencyRef(agency_id, departement, dates.subdivision(departement), etti, [], None)
            )
        w.write(table_of(Agency), rows)
        # The first agency is the biggest: about 10 % of the dossiers (more when there are few
        # agencies); the others share the rest unevenly.
        first_share = max(0.1, 1.5 / count)
        weights = [0.5 + rng.random() for _ in range(count - 1)]
        total = sum(weights)
        bounds, running = [first_share], first_share
        for weight in weights:
            running += (1 - first_share) * weight / total
            bounds.append(running)
        bounds[-1] = 1.0
        shares = [bounds[0]] + [b - a for a, b in itertools.pairwise(bounds)]

        companies = self._companies(stamp)
        providers = self._providers(stamp)
        fpett = self._users(agencies, shares, stamp)
        return agencies, bounds, companies, providers, fpett

    def _companies(self, stamp) -> list[int]:
        rng, first = self.rng, self.ids["client_company"]
        count = max(20, self.dossiers // 50)
        table = table_of(ClientCompany)
        rows = []
        for i in range(count):
            _, _, city = names.LOCATIONS[rng.randrange(len(names.LOCATIONS))]
            name = (
                f"{rng.choice(names.COMPANY_WORDS)} {rng.choice(names.LAST_NAMES)} "
                f"{rng.choice(names.COMPANY_FORMS)}"
            )
            rows.append(
                organisation_row(
                    table,
                    id=first + i,
                    created=stamp,
                    updated=stamp,
                    name=name,
                    siret=siret_for(SIRET_BASE["client_company"] + i),
                    city=city,
                )
            )
        self.writer.write(table, rows)
        return [row[0] for row in rows]

    def _providers(self, stamp) -> list[int]:
        rng, first = self.rng, self.ids["training_provider"]
        count = max(10, self.dossiers // 500)
        table = table_of(TrainingProvider)
        rows = []
        for i in range(count):
            _, departement, city = names.LOCATIONS[rng.randrange(len(names.LOCATIONS))]
            nda = f"{departement[:2]}{rng.randrange(10**9):09d}"
            rows.append(
                organisation_row(
                    table,
                    id=first + i,
                    created=stamp,
                    updated=stamp,
                    name=f"{rng.choice(names.PROVIDER_WORDS)} {rng.choice(names.COMPANY_WORDS)} "
                    f"{city}",
                    siret=siret_for(SIRET_BASE["training_provider"] + i),
                    nda_number=nda,
                    city=city,
                )
            )
        self.writer.write(table, rows)
        return [row[0] for row in rows]

    def _users(self, agencies: list[AgencyRef], shares: list[float], stamp) -> int:
        rng, first = self.rng, self.ids["user"]
        users, memberships = [], []
        next_user = first

        def add(username, role, *, staff=True, superuser=False, agency=None) -> int:
            nonlocal next_user
            user_id, next_user = next_user, next_user + 1
            first_name, last_name = rng.choice(names.FIRST_NAMES), rng.choice(names.LAST_NAMES)
            users.append(
                (
                    user_id,
                    self.password(),
                    None,
                    superuser,
                    username,
                    first_name,
                    last_name,
                    f"{username}@example.test",
                    staff,
                    True,
                    stamp,
                    role,
                )
            )
            if agency is not None:
                memberships.append((self.ids["user_agency"] + len(memberships), user_id, agency.id))
            return user_id

        main = agencies[0]
        main.favourite = add("load.case_worker", Role.CASE_WORKER, agency=main)
        main.case_workers.append(main.favourite)
        main.manager = add("load.manager", Role.AGENCY_MANAGER, agency=main)
        add("load.admin", Role.ADMINISTRATOR, superuser=True)
        add("load.cpne", Role.CPNE_REPORTER)
        fpett = add("load.fpett", Role.FPETT_ADVISOR)
        serial = 0
        for index, (agency, share) in enumerate(zip(agencies, shares, strict=True)):
            if index:
                agency.manager = add(f"manager.{index + 1}", Role.AGENCY_MANAGER, agency=agency)
            wanted = max(1, round(share * self.dossiers / 500)) - len(agency.case_workers)
            for _ in range(wanted):
                serial += 1
                agency.case_workers.append(
                    add(f"case_worker.{index + 1}.{serial}", Role.CASE_WORKER, agency=agency)
                )
        self.writer.write(table_of(User), users)
        self.writer.write(table_of(User.agencies.through), memberships)
        return fpett


# Rows of each chunk, parents first; the last flag says whether the rows carry their id
# (only where other rows refer to them).
CHUNK_TABLES = (
    ("workers", Worker, True),
    ("dossiers", Dossier, True),
    ("dossier_companies", Dossier.client_companies.through, False),
    ("missions", Mission, False),
    ("events", DossierEvent, False),
    ("deadlines", Deadline, True),
    ("funding_lines", FundingLine, False),
    ("notifications", Notification, False),
)


def _chunks(ctx: Context, seed: int, dossiers: int):
    """The rows of each chunk of dossiers, in order; each chunk has its own seeded RNG."""
    forced = forced_combinations()
    for number, first in enumerate(range(0, dossiers, CHUNK)):
        chunk = Chunk(
            ctx, random.Random(f"{seed}:{number}"), first, min(CHUNK, dossiers - first), forced
        )
        chunk.build()
        yield chunk.count, {attr: getattr(chunk, attr) for attr, _, _ in CHUNK_TABLES}


def _produce(chunks, queue) -> None:
    try:
        for item in chunks:
            queue.put(item)
        queue.put(None)
    except BaseException as exc:
        queue.put(exc)


def in_background(chunks, depth: int = 3):
    """Build the chunks in a forked process while this one writes them (two cores at work).

    The child only computes rows (it never touches the database); the order is kept, so the
    data is the same as when built inline.
    """
    try:
        context = multiprocessing.get_context("fork")
    except ValueError:  # no fork on this platform: build inline
        yield from chunks
        return
    queue = context.Queue(maxsize=depth)
    child = context.Process(target=_produce, args=(chunks, queue), daemon=True)
    child.start()
    try:
        while (item := queue.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        if child.is_alive():
            child.terminate()
        child.join()


def generate_load(
    *, dossiers: int, seed: int, today: dt.date | None = None, progress: bool = True, stream=None
) -> Summary:
    """Fill an empty database with `dossiers` dossiers and everything around them.

    Each chunk of dossiers is one transaction: an interruption leaves whole chunks behind.
    """
    started = time.monotonic()
    _check_empty()
    rule_sets, rates = _reference()
    today_ordinal = (today or timezone.localdate()).toordinal()
    writer = Writer()
    tables = [(attr, table_of(model, with_id=with_id)) for attr, model, with_id in CHUNK_TABLES]
    with writer.load_settings([table for _, table in tables], stream=stream):
        with transaction.atomic():
            orgs = Organisations(
                writer, random.Random(f"{seed}:organisations"), dossiers, today_ordinal
            )
            agencies, bounds, companies, providers, fpett = orgs.build()
        ctx = Context(
            today=today_ordinal,
            first_day=today_ordinal - 365 * YEARS + 120,
            vendor=writer.vendor,
            rule_sets=rule_sets,
            rates=rates,
            agencies=agencies,
            agency_bounds=bounds,
            client_companies=companies,
            training_providers=providers,
            fpett_user=fpett,
            next_ids=orgs.ids,
        )
        bar = Progress(dossiers, enabled=progress, stream=stream)
        chunks = _chunks(ctx, seed, dossiers)
        if dossiers > CHUNK:
            chunks = in_background(chunks)
        for count, rows in chunks:
            with transaction.atomic():
                for attr, table in tables:
                    writer.write(table, rows[attr])
            bar.advance(count, sum(len(r) for r in rows.values()))
        bar.close()
    writer.finish()
    return Summary(counts=dict(writer.counts), seconds=time.monotonic() - started)
