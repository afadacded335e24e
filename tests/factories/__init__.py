"""Test data builders. `DossierFactory(cpi=True)`, `DossierFactory(car=True, state="submitted")`."""

import datetime as dt
import itertools
import string
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory
from stdnum import luhn

from cases.choices import AgencyKind, Dispositif, DocumentStatus, DossierState, Employment, Role
from cases.models import (
    Agency,
    ClientCompany,
    Document,
    DocumentRequirement,
    Dossier,
    Mission,
    TrainingProvider,
    User,
    Worker,
)
from cases.rules.in_force import rule_set_in_force
from cases.rules.obligations import dossier_obligation_rules

_siren_numbers = itertools.count(100_000_00)


def make_siret(n: int | None = None) -> str:
    """A valid SIRET (Luhn over 14 digits), unique per call."""
    base = f"{next(_siren_numbers) if n is None else n:08d}"
    siren_number = base + luhn.calc_check_digit(base)
    return next(
        f"{siren_number}0000{last}" for last in range(10) if _luhn_ok(f"{siren_number}0000{last}")
    )


def _luhn_ok(number: str) -> bool:
    return luhn.is_valid(number)


class AgencyFactory(DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"Agence {n}")
    siret = factory.LazyFunction(make_siret)
    kind = AgencyKind.ETT
    company_name = "Intérim Test"
    region = "Île-de-France"
    departement = "75"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Martin{n}")
    role = Role.CASE_WORKER
    is_staff = True
    password = factory.django.Password("motdepasse-de-test-42")

    @factory.post_generation
    def agencies(self, create, extracted, **kwargs):
        if create and extracted:
            self.agencies.set(extracted)


def _letters(n: int, width: int) -> str:
    """`n` written in base 26 with the letters a-z, on `width` letters."""
    letters = ""
    for _ in range(width):
        n, digit = divmod(n, 26)
        letters = string.ascii_lowercase[digit] + letters
    return letters


class WorkerFactory(DjangoModelFactory):
    class Meta:
        model = Worker

    agency = factory.SubFactory(AgencyFactory)
    # Letters only, as on a civil register (the admin's search never reads names for a word
    # with a digit); four of them, so that no worker's name contains another's.
    last_name = factory.Sequence(lambda n: f"Durand-{_letters(n, 4).capitalize()}")
    first_name = "Alex"
    birth_date = dt.date(2003, 5, 14)
    employment = Employment.CTT


class ClientCompanyFactory(DjangoModelFactory):
    class Meta:
        model = ClientCompany

    name = factory.Sequence(lambda n: f"Entreprise utilisatrice {n}")
    siret = factory.LazyFunction(make_siret)


class TrainingProviderFactory(DjangoModelFactory):
    class Meta:
        model = TrainingProvider

    name = factory.Sequence(lambda n: f"Organisme de formation {n}")
    siret = factory.LazyFunction(make_siret)
    nda_number = "11755555575"


EMPLOYMENT_FOR = {
    Dispositif.PRO_A_INTERIM: Employment.CDII,
    Dispositif.PRO_A_PERMANENT: Employment.CDI,
}

_LATER = {
    DossierState.IN_TRAINING,
    DossierState.MISSION_FOLLOW_UP,
    DossierState.REIMBURSEMENT_REQUESTED,
    DossierState.CLOSED,
}
_DECIDED = {DossierState.ACCEPTED, DossierState.REFUSED} | _LATER


def lifecycle_fields(dispositif: str, state: str, start: dt.date):
    """The dates and references a dossier in `state` has recorded on its way there."""
    reservation_files = dispositif in (Dispositif.CIPI, Dispositif.CDPI)
    if state == DossierState.FUNDS_RESERVED or (reservation_files and state in _LATER):
        yield from [
            ("funds_requested_on", start - dt.timedelta(days=20)),
            ("funds_reserved_on", start - dt.timedelta(days=10)),
            ("reserved_amount", Decimal("5600.00")),
            ("funds_reference", "RES-TEST"),
        ]
    if state == DossierState.FUNDS_REQUESTED:
        yield ("funds_requested_on", start - dt.timedelta(days=20))
    if (
        dispositif == Dispositif.CAR
        and state in {DossierState.OPINION_GIVEN, DossierState.SUBMITTED} | _DECIDED
    ):
        yield ("opinion_date", start - dt.timedelta(days=15))
    if not reservation_files and state in {DossierState.SUBMITTED} | _DECIDED:
        deposit = (
            start - dt.timedelta(days=1)
            if dispositif == Dispositif.CAR
            else start + dt.timedelta(days=2)
        )
        yield ("deposit_date", deposit)
        yield ("akto_reference", "AKTO-TEST")
        if state in _DECIDED:
            yield ("akto_decision_date", deposit + dt.timedelta(days=8))


_ENDED = {
    DossierState.MISSION_FOLLOW_UP,
    DossierState.REIMBURSEMENT_REQUESTED,
    DossierState.CLOSED,
}


def training_facts(state: str, kwargs: dict):
    """The actual training dates a dossier in `state` recorded: the planned ones, or today
    when those are still ahead (a recorded date is never in the future)."""
    today = timezone.localdate()
    start = min(kwargs.get("training_start") or kwargs["contract_start"], today)
    if state in _LATER:
        yield ("training_started_on", start)
    if state in _ENDED:
        end = max(min(kwargs.get("training_end") or today, today), start)
        yield ("training_ended_on", end)
        if state != DossierState.MISSION_FOLLOW_UP:
            yield ("reimbursement_requested_on", end)


class DossierFactory(DjangoModelFactory):
    """A coherent dossier; traits pick the dispositif, `state=` puts it in any state."""

    class Meta:
        model = Dossier
        skip_postgeneration_save = True

    class Params:
        # Each trait is a plan that the dispositif's rules accept (DOMAIN.md §2, §7).
        cpi = factory.Trait(dispositif=Dispositif.CPI)
        cai = factory.Trait(dispositif=Dispositif.CAI, planned_training_hours=Decimal("500"))
        cipi = factory.Trait(
            dispositif=Dispositif.CIPI,
            planned_training_hours=Decimal("150"),
            planned_contract_hours=Decimal("300"),
            certification_code="",
            certification_title="",
            contract_end=factory.LazyAttribute(lambda d: d.contract_start + dt.timedelta(days=90)),
            training_end=factory.LazyAttribute(lambda d: d.contract_start + dt.timedelta(days=45)),
        )
        cdpi = factory.Trait(dispositif=Dispositif.CDPI)
        car = factory.Trait(
            dispositif=Dispositif.CAR,
            training_end=factory.LazyAttribute(lambda d: d.contract_start + dt.timedelta(days=240)),
        )
        pro_a_interim = factory.Trait(
            dispositif=Dispositif.PRO_A_INTERIM,
            certification_code="CLEA",
            certification_title="Certificat CléA",
        )
        pro_a_permanent = factory.Trait(
            dispositif=Dispositif.PRO_A_PERMANENT,
            certification_code="CLEA",
            certification_title="Certificat CléA",
        )

    dispositif = Dispositif.CPI
    agency = factory.SubFactory(AgencyFactory)
    worker = factory.SubFactory(
        WorkerFactory,
        agency=factory.SelfAttribute("..agency"),
        # A worker whose situation fits the dispositif (DOMAIN.md §2).
        employment=factory.LazyAttribute(
            lambda w: EMPLOYMENT_FOR.get(w.factory_parent.dispositif, Employment.CTT)
        ),
        rsa=factory.LazyAttribute(lambda w: w.factory_parent.dispositif == Dispositif.CIPI),
        career_change=factory.LazyAttribute(
            lambda w: w.factory_parent.dispositif == Dispositif.CDPI
        ),
        at_mp=factory.LazyAttribute(lambda w: w.factory_parent.dispositif == Dispositif.CAR),
        fitness_status=factory.LazyAttribute(
            lambda w: "unfit" if w.factory_parent.dispositif == Dispositif.CAR else ""
        ),
        highest_level=factory.LazyAttribute(
            lambda w: 3 if w.factory_parent.dispositif.startswith("PRO_A") else 0
        ),
    )
    contract_start = dt.date(2026, 3, 2)
    contract_end = factory.LazyAttribute(lambda d: d.contract_start + dt.timedelta(days=364))
    training_start = factory.SelfAttribute("contract_start")
    training_end = factory.LazyAttribute(lambda d: d.contract_end - dt.timedelta(days=14))
    planned_training_hours = Decimal("400")
    agency_tutor = "Claire Tuteur"
    eu_tutor = "Marc Tuteur"
    certification_code = "RNCP34860"
    certification_title = "Préparateur de commandes"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        state = kwargs.pop("state", DossierState.DRAFT)
        for name, value in lifecycle_fields(kwargs["dispositif"], state, kwargs["contract_start"]):
            kwargs.setdefault(name, value)
        for name, value in training_facts(state, kwargs):
            kwargs.setdefault(name, value)
        dossier = super()._create(model_class, *args, **kwargs)
        if state != DossierState.DRAFT:
            # Tests may place a dossier in any state directly; the product never does.
            Dossier.objects.filter(pk=dossier.pk).update(state=state)
            dossier.refresh_from_db()
        return dossier

    @factory.post_generation
    def provide_documents(self, create, extracted, **kwargs):
        """`provide_documents=True`: every required document of the dispositif is received."""
        if create and extracted:
            kinds = set(
                DocumentRequirement.objects.filter(dispositif=self.dispositif).values_list(
                    "kind", flat=True
                )
            )
            for kind in kinds:
                Document.objects.create(dossier=self, kind=kind, status=DocumentStatus.RECEIVED)


class MissionFactory(DjangoModelFactory):
    class Meta:
        model = Mission

    worker = factory.SubFactory(WorkerFactory)
    client_company = factory.SubFactory(ClientCompanyFactory)
    start = dt.date(2026, 4, 1)
    end = dt.date(2026, 4, 30)
    hours = Decimal("140")


def meet_obligations(dossier: Dossier) -> list[Mission]:
    """Missions that meet every mission obligation of the dossier, each inside its window.

    The windows follow the facts recorded so far (the actual training end): read afresh.
    """
    dossier.refresh_from_db()
    rule_set = rule_set_in_force(dossier.dispositif, dossier.contract_start)
    return [
        MissionFactory(
            worker=dossier.worker,
            dossier=dossier,
            start=rule.window_start,
            end=min(rule.window_start + dt.timedelta(days=13), rule.window_end),
            hours=rule.hours_needed,
        )
        for rule in dossier_obligation_rules(dossier, rule_set.params)
    ]
