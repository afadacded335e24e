"""Who may see and do what, per role and per agency. The one place that says it.

| role              | sees dossiers of                  | may run                                   |
|-------------------|-----------------------------------|-------------------------------------------|
| case_worker       | their agencies                    | every transition                          |
| agency_manager    | their agencies                    | every transition (and waivers, later)     |
| training_manager  | their agencies                    | transitions of Pro-A permanent-staff only |
| fpett_advisor     | CAR dossiers of every agency      | record the opinion; cancel a CAR awaiting |
|                   |                                   | its opinion (unfavourable opinion)        |
| cpne_reporter     | no dossier (aggregates only)      | nothing                                   |
| administrator     | everything                        | everything                                |

`PERMISSIONS` below is data: for every model the admin registers or the API serves, and for
every role, the actions granted and how far each one reaches (a `Reach`: which rows). It is read
through Django's own permission API, answered by `cases.backends.RolePermissionBackend`
(settings.AUTHENTICATION_BACKENDS):

    user.has_perm("cases.change_worker")          # may the role change some worker?
    user.has_perm("cases.change_worker", worker)  # … this one, as it is (or as it would be saved)?

So the admin's `has_*_permission` are Django's own (cases.admin.base passes the row), the API
has one permission class (cases.api.permissions.RolePermission), querysets are cut by
`scope_queryset` with the reach of `view`, and services ask `may(user, action, row)`. Django
groups and per-user permissions are not read; active superusers keep every permission.

v view, a add, c change, d delete, w waive (a deadline), f fill from the company register (ask
the state's « Recherche d'entreprises » for the SIRET's facts: cases.services.registers), p
record a payment received (a line of the funding ledger, `cases.services.payment_record`);
after the colon, how far it reaches (no reach: every row). The agency manager is a case worker
who also waives deadlines.

| kind of object         | case worker, manager | training manager | FPE.TT advisor | CPNE    | admin   |
|------------------------|----------------------|------------------|----------------|---------|---------|
| dossiers               | vac: agencies        | v: agencies      | v: CAR         |         | vacd    |
|                        |                      | ac: Pro-A staff  |                |         |         |
| missions               | vacd: agencies       | v: agencies      |                |         | vacd    |
|                        |                      | acd: Pro-A staff |                |         |         |
| documents              | vacd: agencies       | v: agencies      | v: CAR         |         | vacd    |
|                        |                      | acd: Pro-A staff | a: the opinion |         |         |
| dossier history        | v: agencies          | v: agencies      | v: CAR         |         | v       |
| workers                | vac: agencies        | v: agencies      |                |         | vacd    |
|                        |                      | ac: CDI staff    |                |         |         |
| agencies               | v: agencies          | v: agencies      |                |         | vacd    |
| client companies       | vacf                 | v                |                |         | vacdf   |
| training providers     | vacf                 | vacf             |                |         | vacdf   |
| document requirements  | v                    | v                | v              |         | vacd    |
| funding ledger         | p: agencies          | p: Pro-A staff   |                |         | vap     |
| mission imports (log)  | va: agencies         |                  |                |         | va      |
| mission import columns | vac: agencies        |                  |                |         | vacd    |
| deadlines              | v: agencies          | v: agencies      | v: CAR         |         | vw      |
|                        | (manager) w: agencies|                  |                |         |         |
| notices                | vc: own              | vc: own          | vc: own        | vc: own | vc: own |
| notice preferences     | vac: own             | vac: own         | vac: own       | vac: own| vc; a: own |
| reminder calendar      |                      |                  |                |         | vacd    |
| reports                | v: page only         | v: page only     |                | v       | v       |
| accords, articles, certifications, list entries, rule sets, rates: v for every role | vacd |
| users                  |                      |                  |                |         | vacd    |
| sensitive-read log     |                      |                  |                |         | v       |
| API tokens; lockouts   |                      |                  |                |         | vd; vd  |
| login logs             |                      |                  |                |         | v       |
| webhook endpoints      |                      |                  |                |         | vacd    |
| webhook delivery log   | (manager) v: agencies|                  |                |         | vc      |
| groups (roles are not groups) |               |                  |                |         |         |

Reaches: « agencies » the row's agency is one of the user's; « CAR » CAR dossiers (and their
rows) of every agency; « Pro-A staff » Pro-A permanent-staff dossiers (and their missions and
documents) of the user's agencies; « CDI staff » workers employed on a CDI (permanent staff) in
the user's agencies; « the opinion » a document of kind `fpett_opinion` on a CAR dossier awaiting
the FPE.TT opinion; « own » the user's own rows; « page only » the reports page, computed within
the user's agencies (reports.scope), and no stored report (those cover every agency). A dossier
is cancelled, never deleted, except by an administrator. `PERMISSIONS` is the authority; the
tests in tests/security/test_permission_table.py hold every admin page and API route to it.

Decisions:
- The training manager is the HR of the agency company for its permanent staff. They run the
  Pro-A permanent-staff dossiers of their agencies: create and edit them, their missions and
  documents. They read every dossier and worker of their agencies, with the NIR masked and no
  health data. They create and edit workers employed on a CDI (the permanent staff they enrol),
  never a temp worker, and never change a NIR they may not read: a write that carries a NIR for a
  worker who already has one is refused whatever its value (`may_write_nir`; a refusal that
  depended on the value would confirm the number). They pick and record training providers (the
  OF of a Pro-A), and read client companies without editing them (those belong to the temp-work
  side of the agency).
- The FPE.TT advisor reads the CAR dossiers of every agency, their documents, history and
  deadlines (health data allowed, no worker record), runs the opinion step (the steps' roles
  live with the steps: `may_run_transition`), and uploads exactly one kind of document: the
  FPE.TT opinion, on a CAR dossier awaiting it. Nothing else.
- The CPNE reporter reads aggregates only: the reports (every agency), the reference data and
  their own notices; the API answers 403 on every individual resource.
- Webhooks (README « Webhooks ») are configured by administrators only: an endpoint's URL and
  secret decide where an agency's dossiers go. An agency manager reads the delivery log of
  their agencies (did our software get the events?), never the configuration nor the secret.

Health data (AT/MP, fitness) is seen by case workers, agency managers, FPE.TT advisors and
administrators of the agency; never by training managers or CPNE reporters.

The NIR (social security number) is seen in full by case workers and agency managers of the
worker's agency (they file it with AKTO) and by administrators. Everyone else, and every list
screen, gets a mask that keeps sex, birth year and month and the key: `1 85 05 ** *** *** 91`.
Searching workers by NIR is open only to the roles that see it (a search would otherwise
confirm a number). Each display of a full NIR or of health data on a worker's own page, API
detail or export is logged in `SensitiveDataAccess` (cases.sensitive), which administrators
read in the admin.

| role              | NIR                   | health data | sensitive-read log |
|-------------------|-----------------------|-------------|--------------------|
| case_worker       | full (own agencies)   | yes         | no                 |
| agency_manager    | full (own agencies)   | yes         | no                 |
| training_manager  | masked                | no          | no                 |
| fpett_advisor     | no worker record      | yes (CAR)   | no                 |
| cpne_reporter     | nothing individual    | no          | no                 |
| administrator     | full                  | yes         | reads it           |

Client companies and training providers belong to no agency: every agency's dossiers and
missions may use the same one. Whoever may add them (table above) creates them; a case worker
or agency manager changes one only while no dossier or mission of an agency outside their own
uses it (a shared record is not rewritten under another agency's feet); administrators change
any. Nobody deletes one that a dossier or a mission uses. The services enforce this
(`may_change_shared_record`, `may_delete_shared_record`), whatever path the write comes from.
Filling one from the company register (f) is open on a shared record too: it writes the
register's facts and fills empty fields only, never what someone typed (the differences are
kept for the user to read).
"""

from dataclasses import dataclass
from types import SimpleNamespace

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q, QuerySet

from cases.choices import Dispositif, DocumentKind, DossierState, Employment, Role
from cases.workflow.steps import STEPS

VIEW, ADD, CHANGE, DELETE, WAIVE = "view", "add", "change", "delete", "waive"
FILL = "fill"  # fill a client company or training provider from the company register
PAY = "pay"  # record a payment received in a dossier's funding ledger

HEALTH_DATA_ROLES = frozenset(
    {Role.CASE_WORKER, Role.AGENCY_MANAGER, Role.FPETT_ADVISOR, Role.ADMINISTRATOR}
)
NIR_ROLES = frozenset({Role.CASE_WORKER, Role.AGENCY_MANAGER, Role.ADMINISTRATOR})
AGENCY_SCOPED_ROLES = frozenset({Role.CASE_WORKER, Role.AGENCY_MANAGER, Role.TRAINING_MANAGER})


def is_administrator(user) -> bool:
    return bool(user.is_superuser or getattr(user, "role", None) == Role.ADMINISTRATOR)


def may_see_health_data(user) -> bool:
    return user.is_authenticated and (is_administrator(user) or user.role in HEALTH_DATA_ROLES)


def may_see_nir(user) -> bool:
    """Whether `user` sees workers' NIR in full (always within the records they may see)."""
    return (
        user.is_authenticated
        and user.is_active
        and (is_administrator(user) or user.role in NIR_ROLES)
    )


def may_write_nir(user, worker) -> bool:
    """Whether `user` may set the NIR of `worker` (as stored): the roles that read NIRs always;
    the others only while the worker has none, so that nobody overwrites a number they cannot
    read (refusing on the value instead would confirm the number)."""
    return may_see_nir(user) or not worker.nir


def may_read_sensitive_access_log(user) -> bool:
    return user.has_perm("cases.view_sensitivedataaccess")


AGENCY_IDS_CACHE = "_agency_ids"


def agency_ids(user) -> frozenset[int]:
    """The user's agencies, read once per user object (a request's user), as
    Django caches permissions; `forget_agency_ids` clears it when the membership changes."""
    cached = getattr(user, AGENCY_IDS_CACHE, None)
    if cached is None:
        cached = frozenset(user.agencies.values_list("pk", flat=True))
        setattr(user, AGENCY_IDS_CACHE, cached)
    return cached


def forget_agency_ids(sender, instance, **kwargs) -> None:
    """m2m_changed on User.agencies: the changed user object reads its agencies again."""
    instance.__dict__.pop(AGENCY_IDS_CACHE, None)


def belongs_to_agency(user, agency_id: int) -> bool:
    return user.agencies.filter(pk=agency_id).exists()


def scope_dossiers(queryset: QuerySet, user) -> QuerySet:
    """Restrict a Dossier queryset to what `user` may see."""
    return scope_queryset(user, queryset)


def scope_by_agency(queryset: QuerySet, user, agency_path: str = "agency") -> QuerySet:
    """Restrict a queryset of rows that belong to an agency (workers, missions, documents…) to
    what `user` may see. The table knows each model's way to its agency (ROW_PATHS):
    `agency_path` is accepted for the callers written before it and not read."""
    return scope_queryset(user, queryset)


def scope_agencies(queryset: QuerySet, user) -> QuerySet:
    """Restrict an Agency queryset to the user's own agencies (every agency for administrators)."""
    return scope_queryset(user, queryset)


def may_see_individual_data(user) -> bool:
    """Whether `user` may read individual records at all (a CPNE reporter sees aggregates)."""
    return user.has_perm("cases.view_dossier")


def may_access_model(user, model_name: str, action: str) -> bool:
    """Whether `user`'s role allows `action` (view/add/change/delete) on some `model_name` rows
    (« worker » for a model of the cases app, or « app.model »)."""
    label = model_name if "." in model_name else f"cases.{model_name}"
    return user.has_perm(perm(label, action))


def may_edit_records(user) -> bool:
    """Whether `user`'s role edits records (workers, dossiers, missions, documents…)."""
    return user.has_perm("cases.change_dossier")


def may_edit_dossier(user, *, dispositif: str, agency_id: int | None) -> bool:
    """Whether `user` may create or edit a dossier of `dispositif` in agency `agency_id`
    (creating and editing reach the same dossiers for every role)."""
    if not is_active_user(user):
        return False
    if user.is_superuser:
        return True
    # The dossier as planned, not yet a row: the reach is asked on its dispositif and agency
    # (this module sits below the models, which read it for their transitions).
    planned = SimpleNamespace(dispositif=dispositif, agency_id=agency_id, state=None)
    reach = reach_of(user, "cases.dossier", CHANGE)
    return reach is not None and reach.holds(user, planned, ROW_PATHS["cases.dossier"])


def may_view_dossier(user, dossier) -> bool:
    return may(user, VIEW, dossier)


def may_run_transition(user, dossier, name: str) -> bool:
    """Whether the role and agency scope let `user` run transition `name` on `dossier`.

    The roles of each step, and the dossiers each role reaches, are the step's declaration
    (cases.workflow.steps); the agency scope is checked here.
    """
    if not user.is_authenticated or not user.is_active:
        return False
    if is_administrator(user):
        return True
    step = STEPS.get(name)
    reach = step.reach(user.role) if step else None
    if reach is None or not reach.covers(dossier.dispositif, dossier.state):
        return False
    if user.role in AGENCY_SCOPED_ROLES:
        return belongs_to_agency(user, dossier.agency_id)
    return True


def transition_permission(name: str):
    """A django-fsm `permission` callable for transition `name`."""

    def permission(dossier, user) -> bool:
        return may_run_transition(user, dossier, name)

    permission.__name__ = f"may_run_{name}"
    return permission


# --- How far a grant reaches -----------------------------------------------------------------


@dataclass(frozen=True)
class RowPaths:
    """Where a model's rows keep the facts a reach tests, as Django lookups ("" is the row)."""

    agency: str | None = None
    dossier: str | None = None
    worker: str | None = None
    owner: str | None = None


def _lookup(path: str, name: str) -> str:
    return f"{path}__{name}" if path else name


def _follow(obj, path: str | None):
    """The object at `path` from `obj` ("" is `obj`); None when a link is missing."""
    if path is None:
        return None
    for name in filter(None, path.split("__")):
        try:
            obj = getattr(obj, name)
        except ObjectDoesNotExist:  # an unsaved row whose link is not set yet
            return None
        if obj is None:
            return None
    return obj


def _follow_id(obj, path: str | None):
    """The primary key of the object at `path`, read from its foreign key when it is one."""
    if path is None:
        return None
    if not path:
        return obj.pk
    *through, last = path.split("__")
    holder = _follow(obj, "__".join(through))
    return None if holder is None else getattr(holder, f"{last}_id", None)


class InOwnAgencies:
    """The row's agency is one of the user's."""

    def q(self, user, paths: RowPaths) -> Q:
        # The ids as values, not a join through the membership table: the planner then walks
        # the (agency, …) indexes — a page of 50 out of a million dossiers reads 50 index
        # entries instead of sorting every dossier of the agency (PostgreSQL).
        return Q(**{_lookup(paths.agency, "pk") + "__in": sorted(agency_ids(user))})

    def holds(self, user, obj, paths: RowPaths) -> bool:
        return _follow_id(obj, paths.agency) in agency_ids(user)


@dataclass(frozen=True)
class DossierIs:
    """The row's dossier (or the dossier itself) is of this dispositif, and in this state."""

    dispositif: str
    state: str | None = None

    def _wanted(self) -> dict[str, str]:
        wanted = {"dispositif": self.dispositif}
        if self.state is not None:
            wanted["state"] = self.state
        return wanted

    def q(self, user, paths: RowPaths) -> Q:
        return Q(**{_lookup(paths.dossier, k): v for k, v in self._wanted().items()})

    def holds(self, user, obj, paths: RowPaths) -> bool:
        dossier = _follow(obj, paths.dossier)
        return dossier is not None and all(
            getattr(dossier, k) == v for k, v in self._wanted().items()
        )


@dataclass(frozen=True)
class WorkerIs:
    """The row's worker (or the worker itself) has this employment."""

    employment: str

    def q(self, user, paths: RowPaths) -> Q:
        return Q(**{_lookup(paths.worker, "employment"): self.employment})

    def holds(self, user, obj, paths: RowPaths) -> bool:
        worker = _follow(obj, paths.worker)
        return worker is not None and worker.employment == self.employment


@dataclass(frozen=True)
class FieldIs:
    """A field of the row itself has this value."""

    field: str
    value: str

    def q(self, user, paths: RowPaths) -> Q:
        return Q(**{self.field: self.value})

    def holds(self, user, obj, paths: RowPaths) -> bool:
        return getattr(obj, self.field) == self.value


class Owned:
    """The row belongs to the user."""

    def q(self, user, paths: RowPaths) -> Q:
        return Q(**{_lookup(paths.owner, "pk"): user.pk})

    def holds(self, user, obj, paths: RowPaths) -> bool:
        return _follow_id(obj, paths.owner) == user.pk


@dataclass(frozen=True)
class Reach:
    """Which rows a grant covers: those meeting every condition. `rows=False`: none at all —
    the role has the page (a model-level permission) but no row of it."""

    name: str
    conditions: tuple = ()
    rows: bool = True

    def q(self, user, paths: RowPaths) -> Q | None:
        if not self.rows:
            return None
        q = Q()
        for condition in self.conditions:
            q &= condition.q(user, paths)
        return q

    def holds(self, user, obj, paths: RowPaths) -> bool:
        return self.rows and all(c.holds(user, obj, paths) for c in self.conditions)


EVERY = Reach("every row")
AGENCIES = Reach("rows of the user's agencies", (InOwnAgencies(),))
CAR = Reach("CAR dossiers of every agency, and their rows", (DossierIs(Dispositif.CAR),))
PRO_A_STAFF = Reach(
    "Pro-A permanent-staff dossiers of the user's agencies, and their rows",
    (InOwnAgencies(), DossierIs(Dispositif.PRO_A_PERMANENT)),
)
CDI_STAFF = Reach(
    "permanent employees (CDI) of the user's agencies",
    (InOwnAgencies(), WorkerIs(Employment.CDI)),
)
FPETT_OPINION = Reach(
    "the FPE.TT opinion on a CAR dossier awaiting it",
    (
        DossierIs(Dispositif.CAR, DossierState.OPINION_REQUESTED),
        FieldIs("kind", DocumentKind.FPETT_OPINION),
    ),
)
OWN = Reach("the user's own rows", (Owned(),))
PAGE_ONLY = Reach("the page, computed within the user's agencies; no stored row", rows=False)


# --- The table -------------------------------------------------------------------------------

_LETTERS = {"v": VIEW, "a": ADD, "c": CHANGE, "d": DELETE, "w": WAIVE, "f": FILL, "p": PAY}


def on(reach: Reach, letters: str) -> dict[str, Reach]:
    """The actions named by `letters` (v, a, c, d, w, p), each reaching `reach`."""
    return {_LETTERS[letter]: reach for letter in letters}


CW, AM, TM = Role.CASE_WORKER, Role.AGENCY_MANAGER, Role.TRAINING_MANAGER
FPETT, CPNE, ADMIN = Role.FPETT_ADVISOR, Role.CPNE_REPORTER, Role.ADMINISTRATOR

_REFERENCE = {role: on(EVERY, "v") for role in Role} | {ADMIN: on(EVERY, "vacd")}
# The RNCP register: read by all; written only by its importer (`manage.py import_rncp`).
_REGISTER = {role: on(EVERY, "v") for role in Role}
_ADMINISTRATORS_ONLY = {ADMIN: on(EVERY, "vacd")}
_DOSSIER_ROWS = {  # missions and documents of a dossier
    CW: on(AGENCIES, "vacd"),
    AM: on(AGENCIES, "vacd"),
    TM: on(AGENCIES, "v") | on(PRO_A_STAFF, "acd"),
    ADMIN: on(EVERY, "vacd"),
}
_OWN_NOTICES = {role: on(OWN, "vc") for role in Role}

# model label → role → action → reach. A role missing from a model's entry may do nothing
# with it; a model missing from the table is closed to everyone but superusers.
PERMISSIONS: dict[str, dict[str, dict[str, Reach]]] = {
    "cases.dossier": {
        CW: on(AGENCIES, "vac"),
        AM: on(AGENCIES, "vac"),
        TM: on(AGENCIES, "v") | on(PRO_A_STAFF, "ac"),
        FPETT: on(CAR, "v"),
        ADMIN: on(EVERY, "vacd"),
    },
    "cases.mission": _DOSSIER_ROWS,
    "cases.document": _DOSSIER_ROWS | {FPETT: on(CAR, "v") | on(FPETT_OPINION, "a")},
    "cases.dossierevent": {
        CW: on(AGENCIES, "v"),
        AM: on(AGENCIES, "v"),
        TM: on(AGENCIES, "v"),
        FPETT: on(CAR, "v"),
        ADMIN: on(EVERY, "v"),
    },
    "cases.worker": {
        CW: on(AGENCIES, "vac"),
        AM: on(AGENCIES, "vac"),
        TM: on(AGENCIES, "v") | on(CDI_STAFF, "ac"),
        ADMIN: on(EVERY, "vacd"),
    },
    "cases.agency": {
        CW: on(AGENCIES, "v"),
        AM: on(AGENCIES, "v"),
        TM: on(AGENCIES, "v"),
        ADMIN: on(EVERY, "vacd"),
    },
    "cases.clientcompany": {
        CW: on(EVERY, "vacf"),
        AM: on(EVERY, "vacf"),
        TM: on(EVERY, "v"),
        ADMIN: on(EVERY, "vacdf"),
    },
    "cases.trainingprovider": {
        CW: on(EVERY, "vacf"),
        AM: on(EVERY, "vacf"),
        TM: on(EVERY, "vacf"),
        ADMIN: on(EVERY, "vacdf"),
    },
    "cases.documentrequirement": {
        CW: on(EVERY, "v"),
        AM: on(EVERY, "v"),
        TM: on(EVERY, "v"),
        FPETT: on(EVERY, "v"),
        ADMIN: on(EVERY, "vacd"),
    },
    # Lines are added, never edited; the dossier page shows a dossier's ledger to whoever
    # sees the dossier; payments received are recorded by the dossier's staff.
    "cases.fundingline": {
        CW: on(AGENCIES, "p"),
        AM: on(AGENCIES, "p"),
        TM: on(PRO_A_STAFF, "p"),
        ADMIN: on(EVERY, "vap"),
    },
    # Importing missions from the back office: add is the import page; the log is never edited.
    "cases.missionimport": {
        CW: on(AGENCIES, "va"),
        AM: on(AGENCIES, "va"),
        ADMIN: on(EVERY, "va"),
    },
    "cases.missionimportmapping": {
        CW: on(AGENCIES, "vac"),
        AM: on(AGENCIES, "vac"),
        ADMIN: on(EVERY, "vacd"),
    },
    "cases.user": _ADMINISTRATORS_ONLY,
    "cases.sensitivedataaccess": {ADMIN: on(EVERY, "v")},
    "cases.deadline": {
        CW: on(AGENCIES, "v"),
        AM: on(AGENCIES, "vw"),
        TM: on(AGENCIES, "v"),
        FPETT: on(CAR, "v"),
        ADMIN: on(EVERY, "vw"),
    },
    "notifications.notification": _OWN_NOTICES,
    "notifications.notificationpreference": {role: on(OWN, "vac") for role in Role}
    | {ADMIN: on(EVERY, "vc") | on(OWN, "a")},
    "notifications.reminderoffset": _ADMINISTRATORS_ONLY,
    "reports.storedreport": {
        CW: on(PAGE_ONLY, "v"),
        AM: on(PAGE_ONLY, "v"),
        TM: on(PAGE_ONLY, "v"),
        CPNE: on(EVERY, "v"),
        ADMIN: on(EVERY, "v"),
    },
    "accords.accord": _REFERENCE,
    "accords.article": _REFERENCE,
    "accords.certification": _REFERENCE,
    "accords.certificationlistentry": _REFERENCE,
    "accords.ruleset": _REFERENCE,
    "accords.fundingrate": _REFERENCE,
    "accords.registerfiche": _REGISTER,
    "accords.registerexport": _REGISTER,
    "authtoken.tokenproxy": {ADMIN: on(EVERY, "vd")},  # delete: revoke
    "axes.accessattempt": {ADMIN: on(EVERY, "vd")},  # delete: unlock
    "axes.accesslog": {ADMIN: on(EVERY, "v")},
    "axes.accessfailurelog": {ADMIN: on(EVERY, "v")},
    "auth.group": {},  # roles are not groups
    "webhooks.webhookendpoint": _ADMINISTRATORS_ONLY,
    # The log of the agency's deliveries (and their attempts): its managers read it; change is
    # the administrator's « send again now ».
    "webhooks.webhookdelivery": {AM: on(AGENCIES, "v"), ADMIN: on(EVERY, "vc")},
    "webhooks.webhookattempt": {AM: on(AGENCIES, "v"), ADMIN: on(EVERY, "v")},
}

ROW_PATHS: dict[str, RowPaths] = {
    "cases.agency": RowPaths(agency=""),
    "cases.dossier": RowPaths(agency="agency", dossier="", worker="worker"),
    "cases.mission": RowPaths(agency="worker__agency", dossier="dossier", worker="worker"),
    "cases.document": RowPaths(agency="dossier__agency", dossier="dossier"),
    "cases.dossierevent": RowPaths(agency="dossier__agency", dossier="dossier"),
    "cases.worker": RowPaths(agency="agency", worker=""),
    "cases.deadline": RowPaths(agency="dossier__agency", dossier="dossier"),
    "cases.missionimport": RowPaths(agency="agency"),
    "cases.missionimportmapping": RowPaths(agency="agency"),
    "cases.fundingline": RowPaths(agency="dossier__agency", dossier="dossier"),
    "notifications.notification": RowPaths(owner="recipient"),
    "notifications.notificationpreference": RowPaths(owner="user"),
    "webhooks.webhookdelivery": RowPaths(agency="endpoint__agency"),
    "webhooks.webhookattempt": RowPaths(agency="delivery__endpoint__agency"),
}


# --- Reading the table -----------------------------------------------------------------------


def is_active_user(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def label_of(model_or_obj) -> str:
    return model_or_obj._meta.label_lower


def perm(label: str, action: str) -> str:
    """Django's name for `action` on the model `label`: (« cases.worker », « change ») is
    « cases.change_worker »."""
    app_label, _, model_name = label.partition(".")
    return f"{app_label}.{action}_{model_name}"


def parse_perm(name: str) -> tuple[str, str]:
    """(model label, action) of a Django permission name: the inverse of `perm`."""
    app_label, _, codename = name.partition(".")
    action, _, model_name = codename.partition("_")
    return f"{app_label}.{model_name}", action


def permission_name(model_or_obj, action: str) -> str:
    """Django's name for `action` on a model or row: « cases.change_worker »."""
    return perm(label_of(model_or_obj), action)


def reach_of(user, label: str, action: str) -> Reach | None:
    """How far `action` on `label` reaches for `user`'s role (None: not granted)."""
    return PERMISSIONS.get(label, {}).get(getattr(user, "role", None), {}).get(action)


def allows(user, action: str, label: str, obj=None) -> bool:
    """The table's answer: may `user` do `action` on some `label` row, or on `obj`?"""
    if not is_active_user(user):
        return False
    if user.is_superuser:
        return True
    reach = reach_of(user, label, action)
    if reach is None:
        return False
    if obj is None:
        return True
    if label_of(obj) != label:
        return False
    return reach.holds(user, obj, ROW_PATHS.get(label, RowPaths()))


def scope_queryset(user, queryset: QuerySet, action: str = VIEW) -> QuerySet:
    """The rows of `queryset` that `user` may `action` (view, by default)."""
    if not is_active_user(user):
        return queryset.none()
    if user.is_superuser:
        return queryset
    label = label_of(queryset.model)
    reach = reach_of(user, label, action)
    q = None if reach is None else reach.q(user, ROW_PATHS.get(label, RowPaths()))
    return queryset.none() if q is None else queryset.filter(q)


def scope_dossiers_to_attach(user, queryset: QuerySet, label: str) -> QuerySet:
    """The dossiers of `queryset` to which `user` may add some row of `label` (a document, a
    mission): the reach of that grant read on the dossier itself. Conditions on the row's own
    fields (the kind of a document) are left to the check on the row, `may(user, ADD, row)`."""
    if not is_active_user(user):
        return queryset.none()
    if user.is_superuser:
        return queryset
    reach = reach_of(user, label, ADD)
    if reach is None or not reach.rows:
        return queryset.none()
    on_dossier = RowPaths(agency="agency", dossier="", worker="worker")
    q = Q()
    for condition in reach.conditions:
        if not isinstance(condition, FieldIs):
            q &= condition.q(user, on_dossier)
    return queryset.filter(q)


def may(user, action: str, obj) -> bool:
    """Whether `user` may `action` (view, add, change, delete…) `obj`, as it is now — or, for
    a row being created or changed, as it would be saved. Asked through Django's API."""
    return user.has_perm(permission_name(obj, action), obj)


def scope_editable_dossiers(queryset: QuerySet, user) -> QuerySet:
    """Restrict a Dossier queryset to the dossiers `user` may edit: the reach of `change` on
    dossiers, for the dossiers offered in forms (a document or a mission to attach)."""
    return scope_queryset(user, queryset, CHANGE)


def may_change_shared_record(user, model_name: str, *, used_by_agency_ids) -> bool:
    """Whether `user` may change a client company or training provider that the dossiers and
    missions of `used_by_agency_ids` use (see the module docstring)."""
    if not may_access_model(user, model_name, CHANGE):
        return False
    return is_administrator(user) or set(used_by_agency_ids) <= agency_ids(user)


def may_delete_shared_record(user, model_name: str, *, in_use: bool) -> bool:
    """Whether `user` may delete a client company or training provider; never one in use."""
    return not in_use and may_access_model(user, model_name, DELETE)
