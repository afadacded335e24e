"""The role table (cases.permissions.PERMISSIONS) against every admin page and every API route.

The cases are generated from the registries — every ModelAdmin of `admin.site` and its inlines
(view, add, change, delete), every DRF view the URL resolver serves (each of its methods) — and
asked for each role through real requests, on rows in and out of each role's reach. A new admin
or endpoint is therefore covered without being listed here, and fails until the table has an
entry for its model.

The expected answers are the table's (`permissions.allows`), except for the cells in
`SENSITIVE`, written here from the domain (DOMAIN.md §1, §5) without reading the table: those
are checked against both the table and the requests, so that a wrong table fails too.
Plain ORM and HTTP only: the same on SQLite and PostgreSQL.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.admin.utils import quote
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token, TokenProxy
from rest_framework.request import Request
from rest_framework.test import APIClient
from rest_framework.views import APIView

from accords.models import (
    Accord,
    Article,
    Certification,
    CertificationListEntry,
    FundingRate,
    RegisterExport,
    RegisterFiche,
    RuleSet,
)
from accords.reference_rules import load_rule_sets
from cases import permissions
from cases.api.permissions import RolePermission, permission_of
from cases.choices import DocumentKind, DossierState, Employment, Role
from cases.ledger import funding_line_add
from cases.models import (
    ClientCompany,
    Deadline,
    Document,
    DocumentRequirement,
    DossierEvent,
    MissionImport,
    MissionImportMapping,
    SensitiveDataAccess,
    Worker,
)
from cases.permissions import ADD, CHANGE, DELETE, VIEW, WAIVE
from cases.reference import load_document_requirements
from notifications.models import Notification, NotificationPreference, ReminderOffset
from notifications.reference import load_reminder_offsets
from reports.models import StoredReport
from tests.factories import (
    AgencyFactory,
    ClientCompanyFactory,
    DossierFactory,
    MissionFactory,
    TrainingProviderFactory,
    UserFactory,
)
from webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent

pytestmark = pytest.mark.django_db

CW, AM, TM = Role.CASE_WORKER, Role.AGENCY_MANAGER, Role.TRAINING_MANAGER
FPETT, CPNE, ADMIN = Role.FPETT_ADVISOR, Role.CPNE_REPORTER, Role.ADMINISTRATOR
ACTIONS = (VIEW, ADD, CHANGE, DELETE)
NIR = "185057800608491"

# DRF views that are not the product's data: the OpenAPI schema (for signed-in users, config.api_docs)
# and its documentation page.
PUBLIC_API_VIEWS = {
    "SpectacularAPIView",
    "SpectacularSwaggerView",
    "SpectacularSwaggerSplitView",
    "SchemaView",
}

INDIVIDUAL = (
    "cases.dossier",
    "cases.worker",
    "cases.mission",
    "cases.document",
    "cases.dossierevent",
    "cases.agency",
    "cases.clientcompany",
    "cases.trainingprovider",
    "cases.deadline",
)

# (role, model, action, sample row or None for "some row") → allowed. From the domain, not
# from the table: training managers run Pro-A permanent staff and their CDI employees, pick
# training providers, never edit client companies nor temp workers; the FPE.TT advisor reads
# CAR dossiers of every agency and uploads only its own opinion, on a CAR awaiting it; the
# CPNE reporter reads aggregates and reference data, no individual row.
SENSITIVE: dict[tuple[str, str, str, str | None], bool] = {
    (TM, "cases.dossier", VIEW, "cpi_mine"): True,
    (TM, "cases.dossier", ADD, None): True,
    (TM, "cases.dossier", CHANGE, "pro_a_mine"): True,
    (TM, "cases.dossier", CHANGE, "cpi_mine"): False,
    (TM, "cases.dossier", CHANGE, "pro_a_other"): False,
    (TM, "cases.worker", VIEW, "ctt_mine"): True,
    (TM, "cases.worker", ADD, None): True,
    (TM, "cases.worker", CHANGE, "cdi_mine"): True,
    (TM, "cases.worker", CHANGE, "ctt_mine"): False,
    (TM, "cases.worker", VIEW, "worker_other"): False,
    (TM, "cases.worker", DELETE, "cdi_mine"): False,
    (TM, "cases.mission", CHANGE, "mission_pro_a_mine"): True,
    (TM, "cases.mission", CHANGE, "mission_cpi_mine"): False,
    (TM, "cases.document", CHANGE, "avenant_pro_a_mine"): True,
    (TM, "cases.document", CHANGE, "cerfa_cpi_mine"): False,
    (TM, "cases.document", VIEW, "cerfa_cpi_mine"): True,
    (TM, "cases.clientcompany", VIEW, None): True,
    (TM, "cases.clientcompany", ADD, None): False,
    (TM, "cases.clientcompany", CHANGE, "client_company"): False,
    (TM, "cases.trainingprovider", ADD, None): True,
    (TM, "cases.trainingprovider", CHANGE, "training_provider"): True,
    (TM, "cases.deadline", WAIVE, "deadline_cpi_mine"): False,
    (FPETT, "cases.dossier", VIEW, "car_other"): True,
    (FPETT, "cases.dossier", VIEW, "cpi_mine"): False,
    (FPETT, "cases.dossier", CHANGE, "car_other"): False,
    (FPETT, "cases.document", VIEW, "cerfa_car_other"): True,
    (FPETT, "cases.document", VIEW, "cerfa_cpi_mine"): False,
    (FPETT, "cases.document", ADD, "opinion_car_other"): True,
    (FPETT, "cases.document", ADD, "cerfa_car_other"): False,
    (FPETT, "cases.document", ADD, "opinion_car_given"): False,
    (FPETT, "cases.document", CHANGE, "opinion_car_other"): False,
    (FPETT, "cases.document", DELETE, "opinion_car_other"): False,
    (FPETT, "cases.worker", VIEW, None): False,
    (FPETT, "cases.mission", ADD, None): False,
    (FPETT, "reports.storedreport", VIEW, None): False,
    **{(CPNE, label, VIEW, None): False for label in INDIVIDUAL},
    **{(CPNE, label, ADD, None): False for label in INDIVIDUAL},
    (CPNE, "reports.storedreport", VIEW, "stored_report"): True,
    (CPNE, "accords.accord", VIEW, None): True,
    (CPNE, "accords.certification", VIEW, None): True,
    (CPNE, "accords.ruleset", VIEW, None): True,
    (CPNE, "accords.ruleset", CHANGE, None): False,
    (CPNE, "cases.sensitivedataaccess", VIEW, None): False,
    (CW, "reports.storedreport", VIEW, "stored_report"): False,
    (CW, "cases.worker", CHANGE, "ctt_mine"): True,
    (CW, "cases.worker", VIEW, "worker_other"): False,
    (CW, "cases.user", VIEW, None): False,
    (CW, "cases.deadline", WAIVE, "deadline_cpi_mine"): False,
    (AM, "cases.deadline", WAIVE, "deadline_cpi_mine"): True,
    (AM, "cases.deadline", WAIVE, "deadline_car_other"): False,
    (ADMIN, "cases.user", CHANGE, None): True,
    (ADMIN, "cases.sensitivedataaccess", VIEW, None): True,
    (ADMIN, "cases.sensitivedataaccess", CHANGE, None): False,
    (ADMIN, "accords.ruleset", CHANGE, None): True,
}


@dataclass
class World:
    users: dict[str, object]
    rows: dict[str, dict[str, object]]  # model label → sample name → row
    own: dict[str, dict[str, object]] = field(default_factory=dict)  # per role: own rows

    def samples(self, label: str, role: str) -> dict[str, object]:
        """The sample rows of `label` for `role` (own notices and preferences differ by role)."""
        if label in ("notifications.notification", "notifications.notificationpreference"):
            someone_else = CW if role != CW else AM
            return {"own": self.own[label][role], "another's": self.own[label][someone_else]}
        if label not in self.rows:
            pytest.fail(f"no sample row for {label}: add one to the `world` fixture")
        return self.rows[label]

    def named(self, name: str):
        return next(rows[name] for rows in self.rows.values() if name in rows)


def _document(dossier, kind, with_file=True):
    document = Document(dossier=dossier, kind=kind, status="received")
    if with_file:
        document.file.save(f"{kind}.pdf", ContentFile(b"%PDF-1.4 test"), save=False)
    document.save()
    return document


def _deadline(dossier):
    return Deadline.objects.create(
        dossier=dossier,
        kind="akto_deposit",
        label="Dépôt AKTO",
        due=dt.date(2026, 3, 7),
        safe_date=dt.date(2026, 3, 6),
        source="test",
    )


def _webhook_rows(mine, other) -> dict:
    """An endpoint, a delivery and an attempt in each agency (webhooks: the delivery log)."""
    rows: dict = {"webhooks.webhookendpoint": {}, "webhooks.webhookdelivery": {}}
    rows["webhooks.webhookattempt"] = {}
    for name, agency in (("mine", mine), ("other", other)):
        endpoint = WebhookEndpoint.objects.create(
            agency=agency, url=f"https://{name}.example/hooks", event_types=["dossier.step"]
        )
        event = WebhookEvent.objects.create(
            id=f"msg_{name}",
            agency=agency,
            type="dossier.step",
            occurred_at=timezone.now(),
            key=f"msg_{name}",
            body="{}",
        )
        delivery = WebhookDelivery.objects.create(event=event, endpoint=endpoint)
        attempt = WebhookAttempt.objects.create(
            delivery=delivery, number=1, at=timezone.now(), status_code=500, duration_ms=3
        )
        rows["webhooks.webhookendpoint"][f"endpoint_{name}"] = endpoint
        rows["webhooks.webhookdelivery"][f"delivery_{name}"] = delivery
        rows["webhooks.webhookattempt"][f"attempt_{name}"] = attempt
    return rows


def register_rows() -> dict:
    export = RegisterExport.objects.create(
        export_date=dt.date(2026, 11, 2), file_name="export.zip", imported_at=timezone.now()
    )
    fiche = RegisterFiche.objects.create(
        code="RNCP99999", title="Fiche test", fingerprint="0" * 40, export=export
    )
    return {
        "accords.registerexport": {"export": export},
        "accords.registerfiche": {"fiche": fiche},
    }


@pytest.fixture
def world(db, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # The reference rows, whatever a transactional test before this one flushed (upserts).
    load_rule_sets()
    load_reminder_offsets()
    load_document_requirements()
    mine, other = AgencyFactory(name="Agence mienne"), AgencyFactory(name="Agence autre")
    # Every role but the administrator belongs to an agency: membership alone must not open
    # what the role does not reach (a CPNE reporter's, an FPE.TT advisor's agency).
    users = {
        role: UserFactory(role=role, agencies=[] if role == ADMIN else [mine]) for role in Role
    }
    cpi_mine = DossierFactory(cpi=True, agency=mine)
    pro_a_mine = DossierFactory(pro_a_permanent=True, agency=mine)
    pro_a_other = DossierFactory(pro_a_permanent=True, agency=other)
    car_other = DossierFactory(car=True, agency=other, state=DossierState.OPINION_REQUESTED)
    car_given = DossierFactory(car=True, agency=other, state=DossierState.OPINION_GIVEN)
    cpi_mine.worker.nir = NIR
    cpi_mine.worker.save()
    accord = Accord.objects.create(
        kind="accord", title="Accord de test", fingerprint="test-permission-table"
    )
    certification = Certification.objects.create(code="RNCP99999", title="Certification test")
    token = Token.objects.create(user=users[CW])
    axes_row = {"user_agent": "test", "ip_address": "127.0.0.1", "username": "x"}
    axes_row |= {"http_accept": "*/*", "path_info": "/admin/login/"}
    rows = {
        "cases.dossier": {
            "cpi_mine": cpi_mine,
            "pro_a_mine": pro_a_mine,
            "pro_a_other": pro_a_other,
            "car_other": car_other,
        },
        "cases.worker": {
            "ctt_mine": cpi_mine.worker,
            "cdi_mine": pro_a_mine.worker,
            "worker_other": pro_a_other.worker,
        },
        "cases.mission": {
            "mission_cpi_mine": MissionFactory(worker=cpi_mine.worker, dossier=cpi_mine),
            "mission_pro_a_mine": MissionFactory(worker=pro_a_mine.worker, dossier=pro_a_mine),
            "mission_car_other": MissionFactory(worker=car_other.worker, dossier=car_other),
        },
        "cases.document": {
            "cerfa_cpi_mine": _document(cpi_mine, DocumentKind.CERFA),
            "avenant_pro_a_mine": _document(pro_a_mine, DocumentKind.AVENANT),
            "cerfa_car_other": _document(car_other, DocumentKind.CERFA),
            "opinion_car_other": _document(car_other, DocumentKind.FPETT_OPINION),
            "opinion_car_given": _document(car_given, DocumentKind.FPETT_OPINION, False),
        },
        "cases.dossierevent": {
            "event_cpi_mine": DossierEvent.objects.create(dossier=cpi_mine, kind="edited"),
            "event_car_other": DossierEvent.objects.create(dossier=car_other, kind="edited"),
        },
        "cases.agency": {"mine": mine, "other": other},
        "cases.clientcompany": {"client_company": ClientCompanyFactory()},
        "cases.trainingprovider": {"training_provider": TrainingProviderFactory()},
        "cases.documentrequirement": {"requirement": DocumentRequirement.objects.first()},
        "cases.fundingline": {
            "line": funding_line_add(
                dossier=cpi_mine, kind="estimated", amount=Decimal("100.00"), on=dt.date(2026, 1, 5)
            )
        },
        "cases.user": {"a_user": users[CW]},
        "cases.sensitivedataaccess": {
            "read": SensitiveDataAccess.objects.create(
                user=users[CW], username="x", worker=cpi_mine.worker, nir=True, channel="api"
            )
        },
        "cases.deadline": {
            "deadline_cpi_mine": _deadline(cpi_mine),
            "deadline_car_other": _deadline(car_other),
        },
        "cases.missionimport": {
            name: MissionImport.objects.create(
                agency=agency, by=users[CW], file_name="m.csv", file_sha256="0" * 64
            )
            for name, agency in (("import_mine", mine), ("import_other", other))
        },
        "cases.missionimportmapping": {
            name: MissionImportMapping.objects.create(agency=agency)
            for name, agency in (("columns_mine", mine), ("columns_other", other))
        },
        "notifications.reminderoffset": {"offset": ReminderOffset.objects.first()},
        "reports.storedreport": {
            "stored_report": StoredReport.objects.create(
                kind="cpne",
                period_code="2025",
                period_start=dt.date(2025, 1, 1),
                period_end=dt.date(2025, 12, 31),
                payload={},
            )
        },
        "accords.accord": {"accord": accord},
        "accords.article": {"article": Article.objects.create(accord=accord, number="1", order=1)},
        "accords.certification": {"certification": certification},
        "accords.certificationlistentry": {
            "entry": CertificationListEntry.objects.create(
                accord=accord, certification=certification, sector="Logistique", order=1
            )
        },
        "accords.ruleset": {"rule_set": RuleSet.objects.first()},
        "accords.fundingrate": {"rate": FundingRate.objects.first()},
        **register_rows(),
        "authtoken.tokenproxy": {"token": TokenProxy.objects.get(pk=token.pk)},
        "axes.accessattempt": {
            "attempt": AccessAttempt.objects.create(
                **axes_row, get_data="", post_data="", failures_since_start=1
            )
        },
        "axes.accesslog": {"log": AccessLog.objects.create(**axes_row)},
        "axes.accessfailurelog": {"failure": AccessFailureLog.objects.create(**axes_row)},
        "auth.group": {"group": Group.objects.create(name="Groupe inutilisé")},
        **_webhook_rows(mine, other),
    }
    own = {
        "notifications.notification": {
            role: Notification.objects.create(
                recipient=user, kind="test", level="info", message="Bonjour."
            )
            for role, user in users.items()
        },
        "notifications.notificationpreference": {
            role: NotificationPreference.objects.create(user=user) for role, user in users.items()
        },
    }
    return World(users=users, rows=rows, own=own)


class Expect:
    """What `role` may do: SENSITIVE when it says, else the table."""

    def __init__(self, world: World, role: str):
        self.world, self.role, self.user = world, role, world.users[role]

    def may(self, action: str, label: str, obj=None, sample: str | None = None) -> bool:
        key = (self.role, label, action, sample)
        if key in SENSITIVE:
            return SENSITIVE[key]
        return permissions.allows(self.user, action, label, obj)

    def sees(self, label: str, obj, sample: str) -> bool:
        return self.may(VIEW, label, obj, sample) or self.may(CHANGE, label, obj, sample)


def _check(wrong: list, what: str, got, expected) -> None:
    if got != expected:
        wrong.append(f"{what}: {got!r}, expected {expected!r}")


# --- The table is complete and says one thing -------------------------------------------------


def test_every_registered_admin_and_inline_has_an_entry():
    missing = {
        permissions.label_of(model)
        for model_admin in admin.site._registry.values()
        for model in [model_admin.model, *(inline.model for inline in model_admin.inlines)]
    } - set(permissions.PERMISSIONS)
    assert not missing, f"models without an entry in cases.permissions.PERMISSIONS: {missing}"


def test_every_api_route_uses_the_table_and_has_an_entry(world):
    routes = api_routes()
    assert routes
    for route in routes:
        if route.cls.__name__ in PUBLIC_API_VIEWS:
            continue
        classes = [type(p) for p in route.cls().get_permissions()]
        assert classes == [RolePermission], f"{route.name}: {classes}"
        for method in route.methods:
            label, action = table_entry(route, method, world.users[CW])
            assert label in permissions.PERMISSIONS, f"{route.name} {method}: {label}"
            assert action, f"{route.name} {method}: no action"


def test_the_table_says_what_the_domain_says(world):
    wrong = []
    for (role, label, action, sample), expected in SENSITIVE.items():
        obj = None if sample is None else world.named(sample)
        got = permissions.allows(world.users[role], action, label, obj)
        _check(wrong, f"{role} {action} {label} {sample or ''}", got, expected)
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("role", list(Role))
def test_a_rows_reach_reads_the_same_in_sql_and_in_python(world, role):
    """`scope_queryset` (SQL) and `allows` with a row (Python) are two readings of one reach."""
    user, wrong = world.users[role], []
    for label in permissions.PERMISSIONS:
        rows = world.samples(label, role)
        for name, obj in rows.items():
            # The primary key's column: TokenProxy's `pk` is its user's id.
            one = type(obj).objects.filter(pk=getattr(obj, obj._meta.pk.attname))
            for action in (*ACTIONS, WAIVE):
                in_sql = permissions.scope_queryset(user, one, action).exists()
                _check(
                    wrong,
                    f"{label} {name} {action}",
                    in_sql,
                    permissions.allows(user, action, label, obj),
                )
    assert not wrong, "\n".join(wrong)


# --- The admin -------------------------------------------------------------------------------


def _admin_url(opts, view: str, *args) -> str:
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def _admin_refusals(label: str, action: str, user) -> bool:
    """Refusals that are not the role's but the data's (one preference per user)."""
    if (label, action) == ("notifications.notificationpreference", ADD):
        return NotificationPreference.objects.filter(user=user).exists()
    return False


@pytest.mark.parametrize("role", list(Role))
def test_every_admin_page_answers_as_the_table(client, world, role):
    expect, wrong = Expect(world, role), []
    client.force_login(expect.user)
    index = client.get(reverse("admin:index")).context["app_list"]
    listed = {permissions.label_of(m["model"]) for app in index for m in app["models"]}
    _check(
        wrong,
        "index",
        listed,
        {
            permissions.label_of(model)
            for model in admin.site._registry
            if any(expect.may(action, permissions.label_of(model)) for action in ACTIONS)
        },
    )
    for model, model_admin in admin.site._registry.items():
        label, opts = permissions.label_of(model), model._meta
        lists = expect.may(VIEW, label) or expect.may(CHANGE, label)
        status = client.get(_admin_url(opts, "changelist")).status_code
        _check(wrong, f"{label} list", status, 200 if lists else 403)
        adds = expect.may(ADD, label) and not _admin_refusals(label, ADD, expect.user)
        _check(
            wrong,
            f"{label} add",
            client.get(_admin_url(opts, "add")).status_code,
            200 if adds else 403,
        )
        for name, obj in world.samples(label, role).items():
            _check_admin_row(client, expect, model_admin, label, name, obj, lists, wrong)
    assert not wrong, "\n".join(wrong)


def _check_admin_row(client, expect, model_admin, label, name, obj, lists, wrong) -> None:
    opts, pk = model_admin.model._meta, quote(obj.pk)
    sees = expect.sees(label, obj, name)
    page = client.get(_admin_url(opts, "change", pk))
    expected = 200 if lists and sees else 302 if lists else 403
    _check(wrong, f"{label} {name} change page", page.status_code, expected)
    if page.status_code == 200 and expected == 200:
        edits = expect.may(CHANGE, label, obj, name)
        _check(wrong, f"{label} {name} editable", page.context["has_change_permission"], edits)
        deletes = expect.may(DELETE, label, obj, name)
        _check(wrong, f"{label} {name} deletable", page.context["has_delete_permission"], deletes)
        _check_inlines(expect, model_admin, label, name, page, edits, wrong)
    deleting = client.get(_admin_url(opts, "delete", pk)).status_code
    if not expect.may(DELETE, label):
        expected = 403
    elif not sees:
        expected = 302
    else:
        expected = 200 if expect.may(DELETE, label, obj, name) else 403
    _check(wrong, f"{label} {name} delete page", deleting, expected)


def _check_inlines(expect, model_admin, label, name, page, edits_parent, wrong) -> None:
    shown = {
        permissions.label_of(formset.opts.model): formset
        for formset in page.context["inline_admin_formsets"]
    }
    for inline in model_admin.inlines:
        child = permissions.label_of(inline.model)
        where = f"{label} {name} inline {child}"
        may = {action: expect.may(action, child) for action in ACTIONS}
        formset = shown.get(child)
        _check(wrong, f"{where} shown", formset is not None, any(may.values()))
        if formset is None:
            continue
        _check(wrong, f"{where} view", formset.has_view_permission, may[VIEW] or may[CHANGE])
        for action, got in (
            (ADD, formset.has_add_permission),
            (CHANGE, formset.has_change_permission),
            (DELETE, formset.has_delete_permission),
        ):
            _check(wrong, f"{where} {action}", got, edits_parent and may[action])


# --- The API ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str  # for reverse(), with its namespace
    cls: type
    initkwargs: dict
    actions: dict  # method → viewset action ({} for a plain APIView)
    url_kwargs: tuple

    @property
    def methods(self) -> list[str]:
        if self.actions:
            return list(self.actions)
        return [m for m in ("get", "post", "put", "patch", "delete") if hasattr(self.cls, m)]


def api_routes() -> list[Route]:
    """Every DRF view the URL resolver serves (format-suffix duplicates left out)."""
    routes: list[Route] = []

    def walk(patterns, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace
                walk(pattern.url_patterns, f"{namespace}{inner}:" if inner else namespace)
                continue
            callback = pattern.callback
            cls = getattr(callback, "cls", None)
            kwargs = tuple(pattern.pattern.regex.groupindex)
            if cls is None or not issubclass(cls, APIView) or "format" in kwargs:
                continue
            assert pattern.name, f"an API route without a name: {pattern.pattern}"
            routes.append(
                Route(
                    name=namespace + pattern.name,
                    cls=cls,
                    initkwargs=getattr(callback, "initkwargs", {}),
                    actions=getattr(callback, "actions", None) or {},
                    url_kwargs=kwargs,
                )
            )

    walk(get_resolver().url_patterns, "")
    return routes


def table_entry(route: Route, method: str, user) -> tuple[str, str]:
    """The (model, action) the API's permission class asks the table for this request."""
    view = route.cls(**route.initkwargs)
    view.action_map = route.actions
    view.action = route.actions.get(method)
    request = Request(RequestFactory().generic(method.upper(), "/"))
    request.user = user
    view.request, view.args, view.kwargs, view.format_kwarg = request, (), {}, None
    return permission_of(request, view)


def _call(api: APIClient, method: str, url: str):
    if method in ("get", "delete"):
        return getattr(api, method)(url)
    return getattr(api, method)(url, {}, format="json")


@pytest.mark.parametrize("role", list(Role))
def test_every_api_route_answers_as_the_table(world, role):
    expect, wrong = Expect(world, role), []
    api = APIClient()
    api.force_authenticate(expect.user)
    for route in api_routes():
        if route.cls.__name__ in PUBLIC_API_VIEWS:
            continue
        for method in route.methods:
            label, action = table_entry(route, method, expect.user)
            allowed = expect.may(action, label)
            if "pk" not in route.url_kwargs:
                url = reverse(route.name, kwargs=_other_kwargs(route))
                status = _call(api, method, url).status_code
                _check_status(wrong, f"{method.upper()} {url}", status, allowed)
                continue
            for name, obj in world.samples(label, role).items():
                url = reverse(route.name, kwargs={"pk": obj.pk, **_other_kwargs(route)})
                status = _call(api, method, url).status_code
                what = f"{method.upper()} {url} ({name})"
                if not allowed:
                    _check(wrong, what, status, 403)
                elif not expect.may(VIEW, label, obj, name):
                    _check(wrong, what, status, 404)
                else:
                    on_row = action == VIEW or expect.may(action, label, obj, name)
                    _check_status(wrong, what, status, on_row)
    assert not wrong, "\n".join(wrong)


def _other_kwargs(route: Route) -> dict:
    # A step that does not exist: the table decides whether one may ask (view), the step's
    # own rules whether one may run it (cases.workflow, another table).
    known = {"name": "etape-inconnue"}
    unknown = set(route.url_kwargs) - {"pk"} - set(known)
    assert not unknown, f"{route.name}: no test value for {unknown}"
    return {k: v for k, v in known.items() if k in route.url_kwargs}


def _check_status(wrong: list, what: str, status: int, allowed: bool) -> None:
    """Allowed: anything but a refusal (the body may be invalid: 400); refused: 403."""
    if allowed and (status in (401, 403) or status >= 500):
        wrong.append(f"{what}: {status}, expected to be let through")
    if not allowed and status != 403:
        wrong.append(f"{what}: {status}, expected 403")


# --- The training manager and the FPE.TT advisor, end to end ---------------------------------
# The bug of issue 14: read-only in the admin, the training manager created and changed
# workers (overwriting a NIR it may not read), missions, client companies and providers
# through the API.


def _api(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def _worker_payload(agency, employment):
    return {
        "agency": agency.pk,
        "last_name": "Permanent",
        "first_name": "Sacha",
        "birth_date": "1990-02-03",
        "employment": employment,
    }


def test_the_training_manager_creates_and_edits_permanent_staff_only(world):
    api, mine = _api(world.users[TM]), world.rows["cases.agency"]["mine"]
    created = api.post("/api/v1/workers/", _worker_payload(mine, Employment.CDI), format="json")
    assert created.status_code == 201, created.json()
    refused = api.post("/api/v1/workers/", _worker_payload(mine, Employment.CTT), format="json")
    assert refused.status_code == 403
    ctt = world.named("ctt_mine")
    assert (
        api.patch(f"/api/v1/workers/{ctt.pk}/", {"first_name": "X"}, format="json").status_code
        == 403
    )
    cdi = world.named("cdi_mine")
    turned = api.patch(f"/api/v1/workers/{cdi.pk}/", {"employment": "CTT"}, format="json")
    assert turned.status_code == 403
    cdi.refresh_from_db()
    assert cdi.employment == Employment.CDI
    assert (
        api.patch(f"/api/v1/workers/{cdi.pk}/", {"first_name": "Lou"}, format="json").status_code
        == 200
    )


def test_the_training_manager_never_writes_over_a_nir(world):
    api, worker = _api(world.users[TM]), world.named("cdi_mine")
    worker.nir = NIR
    worker.save()
    for value in (NIR, "283126912345607", ""):
        response = api.patch(f"/api/v1/workers/{worker.pk}/", {"nir": value}, format="json")
        assert response.status_code == 403, value
    worker.refresh_from_db()
    assert worker.nir == NIR
    # A worker with no NIR yet may be given one: nothing they cannot read is overwritten.
    Worker.objects.filter(pk=worker.pk).update(nir="")
    response = api.patch(f"/api/v1/workers/{worker.pk}/", {"nir": NIR}, format="json")
    assert response.status_code == 200


def test_the_training_manager_picks_providers_not_client_companies(world):
    api = _api(world.users[TM])
    body = {"name": "OF", "siret": "73282932000074", "nda_number": ""}
    assert api.post("/api/v1/training-providers/", body, format="json").status_code == 201
    company = {"name": "EU", "siret": "35600000000048", "city": "Lyon"}
    assert api.post("/api/v1/client-companies/", company, format="json").status_code == 403
    existing = world.named("client_company")
    patched = api.patch(f"/api/v1/client-companies/{existing.pk}/", {"city": "X"}, format="json")
    assert patched.status_code == 403


def test_the_training_manager_records_missions_of_pro_a_staff_only(world):
    api = _api(world.users[TM])
    company = world.named("client_company")
    # Refused: 403 by the table, or 400 when the form does not even offer the dossier
    # (cases.selectors.choices_for); either way nothing is written.
    for sample, expected in (("pro_a_mine", {201}), ("cpi_mine", {400, 403})):
        dossier = world.named(sample)
        body = {
            "worker": dossier.worker_id,
            "dossier": dossier.pk,
            "client_company": company.pk,
            "start": "2026-05-04",
            "end": "2026-05-29",
            "hours": "140",
        }
        answer = api.post("/api/v1/missions/", body, format="json")
        assert answer.status_code in expected, sample


def test_the_training_manager_adds_permanent_staff_in_the_admin_too(client, world):
    client.force_login(world.users[TM])
    mine = world.rows["cases.agency"]["mine"]
    url = reverse("admin:cases_worker_add")
    for employment, saved in ((Employment.CTT, False), (Employment.CDI, True)):
        data = {**_worker_payload(mine, employment), "last_name": f"Admin{employment}"}
        data |= {"highest_level": 0, "other_agencies_branch_hours": "0"}
        client.post(url, data)
        assert Worker.objects.filter(last_name=f"Admin{employment}").exists() is saved
    client.post(reverse("admin:cases_clientcompany_add"), {"name": "EU", "siret": "35600000000048"})
    assert not ClientCompany.objects.filter(name="EU").exists()


def _pdf(name="avis.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 avis", content_type="application/pdf")


def test_the_fpett_advisor_uploads_its_opinion_and_nothing_else(world):
    api = _api(world.users[FPETT])
    awaiting, given = world.named("car_other"), world.named("opinion_car_given").dossier
    cpi = world.named("cpi_mine")

    def upload(dossier, kind):
        body = {"dossier": dossier.pk, "kind": kind, "file": _pdf()}
        return api.post("/api/v1/documents/", body, format="multipart").status_code

    assert upload(awaiting, DocumentKind.FPETT_OPINION) == 201
    assert upload(awaiting, DocumentKind.CERFA) == 403
    # Not offered once the opinion is given (400, the form's choices), or refused (403).
    assert upload(given, DocumentKind.FPETT_OPINION) in (400, 403)
    assert upload(cpi, DocumentKind.FPETT_OPINION) == 400  # not a dossier it sees
    opinion = world.named("opinion_car_other")
    patched = api.patch(f"/api/v1/documents/{opinion.pk}/", {"status": "validated"}, format="json")
    assert patched.status_code == 403
