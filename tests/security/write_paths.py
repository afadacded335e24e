"""Two agencies with one record of every kind each, what belongs to the second one, and a
snapshot of the database to prove that a refused write wrote nothing.

Used by the tests generated from the admin's registry and the API's router: a case worker of
agency A must never see, be offered, or write agency B's records.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.core.files.base import ContentFile

from cases.choices import DocumentStatus, FundingLineKind, Role
from cases.ledger import funding_line_add
from cases.models import (
    Agency,
    Deadline,
    Document,
    Dossier,
    FundingLine,
    Mission,
    User,
    Worker,
)
from cases.reference import load_document_requirements
from cases.refresh import dossier_refresh
from notifications.models import Notification
from tests.factories import (
    AgencyFactory,
    ClientCompanyFactory,
    DossierFactory,
    MissionFactory,
    TrainingProviderFactory,
    UserFactory,
    WorkerFactory,
)

PDF = b"%PDF-1.4\n%test\n"


@dataclass
class World:
    user_a: User
    user_b: User
    a: dict = field(default_factory=dict)  # model → agency A's record of that kind
    b: dict = field(default_factory=dict)  # model → agency B's record of that kind
    b_extra: dict = field(default_factory=dict)  # model → more pks of agency B

    def b_pks(self, model) -> set:
        """Agency B's records of `model` (nothing for the shared client companies and
        training providers: every agency may use them)."""
        pks = {self.b[model].pk} if model in self.b else set()
        return pks | self.b_extra.get(model, set())


def _agency_records(agency) -> tuple[User, dict]:
    user = UserFactory(role=Role.CASE_WORKER, agencies=[agency])
    worker = WorkerFactory(agency=agency, nir="185057800608491")
    dossier = DossierFactory(
        cpi=True,
        agency=agency,
        worker=worker,
        case_worker=user,
        training_provider=TrainingProviderFactory(),
    )
    company = ClientCompanyFactory()
    dossier.client_companies.set([company])
    mission = MissionFactory(worker=worker, dossier=dossier, client_company=company)
    document = Document(
        dossier=dossier, kind="cerfa", status=DocumentStatus.RECEIVED, uploaded_by=user
    )
    document.file.save("cerfa.pdf", ContentFile(PDF), save=True)
    dossier_refresh(dossier)
    line = funding_line_add(
        dossier=dossier, kind=FundingLineKind.RESERVED, amount=Decimal("100"), on=dt.date.today()
    )
    records = {
        Agency: agency,
        User: user,
        Worker: worker,
        Dossier: dossier,
        Mission: mission,
        Document: document,
        FundingLine: line,
    }
    return user, records


def build_world() -> World:
    load_document_requirements()
    user_a, a = _agency_records(AgencyFactory(name="Agence A"))
    user_b, b = _agency_records(AgencyFactory(name="Agence B"))
    world = World(user_a=user_a, user_b=user_b, a=a, b=b)
    world.b_extra[Deadline] = set(
        Deadline.objects.filter(dossier=b[Dossier]).values_list("pk", flat=True)
    )
    world.b_extra[Notification] = set(
        Notification.objects.filter(recipient=user_b).values_list("pk", flat=True)
    )
    return world


def snapshot() -> dict:
    """Every row of the cases and notifications apps (and the admin's log): equal before
    and after a refused write means nothing was written."""
    models = [*apps.get_app_config("cases").get_models(), Deadline, Notification, LogEntry]
    skip = {"SensitiveDataAccess"}  # reading a worker's page is logged, by design
    state = {}
    for model in models:
        if model.__name__ in skip:
            continue
        state[model._meta.label] = list(model._default_manager.order_by("pk").values())
    state["m2m"] = sorted(
        Dossier.client_companies.through.objects.values_list("pk", "dossier_id", "clientcompany_id")
    )
    return state


def form_data(form) -> dict:
    """What a browser would post back for `form` as shown (no file is re-sent)."""
    data = {}
    for bound in form:
        field = bound.field
        if isinstance(field, forms.FileField):
            continue
        value = bound.value()
        if isinstance(field, forms.BooleanField):
            if value:
                data[bound.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[bound.html_name] = [str(v) for v in value]
        elif value is None:
            data[bound.html_name] = ""
        elif isinstance(value, dt.date):
            data[bound.html_name] = value.strftime("%d/%m/%Y")
        else:
            data[bound.html_name] = str(value)
    return data


def relation_fields(form) -> dict:
    """The form's fields that offer records to choose: name → model. An inline row's hidden
    id is not offered (a formset reads its rows from its own queryset)."""
    return {
        name: field.queryset.model
        for name, field in form.fields.items()
        if isinstance(field, forms.ModelChoiceField)
        and not isinstance(field.widget, forms.HiddenInput)
    }
