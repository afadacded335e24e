"""Test data builders. `DossierFactory(cpi=True)`, `DossierFactory(car=True, state="submitted")`."""

import datetime as dt
import itertools
from decimal import Decimal

import factory
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


class WorkerFactory(DjangoModelFactory):
    class Meta:
        model = Worker

    agency = factory.SubFactory(AgencyFactory)
    last_name = factory.Sequence(lambda n: f"Durand{n}")
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
            worker__rsa=True,
            planned_training_hours=Decimal("150"),
            planned_contract_hours=Decimal("300"),
            certification_code="",
            certification_title="",
            contract_end=factory.LazyAttribute(lambda d: d.contract_start + dt.timedelta(days=90)),
            training_end=factory.LazyAttribute(lambda d: d.contract_start + dt.timedelta(days=45)),
        )
        cdpi = factory.Trait(dispositif=Dispositif.CDPI, worker__career_change=True)
        car = factory.Trait(
            dispositif=Dispositif.CAR,
            worker__at_mp=True,
            worker__fitness_status="unfit",
            training_end=factory.LazyAttribute(lambda d: d.contract_start + dt.timedelta(days=240)),
        )
        pro_a_interim = factory.Trait(
            dispositif=Dispositif.PRO_A_INTERIM,
            worker__employment=Employment.CDII,
            worker__highest_level=3,
            certification_code="CLEA",
            certification_title="Certificat CléA",
        )
        pro_a_permanent = factory.Trait(
            dispositif=Dispositif.PRO_A_PERMANENT,
            worker__employment=Employment.CDI,
            worker__highest_level=4,
            certification_code="CLEA",
            certification_title="Certificat CléA",
        )

    dispositif = Dispositif.CPI
    agency = factory.SubFactory(AgencyFactory)
    worker = factory.SubFactory(WorkerFactory, agency=factory.SelfAttribute("..agency"))
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
