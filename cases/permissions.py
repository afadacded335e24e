"""Who may see and do what, per role and per agency. The one place that says it.

| role              | sees dossiers of                  | may run (declared per step, `roles`       |
|                   |                                   | in cases.workflow.steps)                  |
|-------------------|-----------------------------------|-------------------------------------------|
| case_worker       | their agencies                    | every transition                          |
| agency_manager    | their agencies                    | every transition (and waivers, later)     |
| training_manager  | their agencies                    | transitions of Pro-A permanent-staff only |
| fpett_advisor     | CAR dossiers of every agency      | record the opinion; cancel a CAR awaiting |
|                   |                                   | its opinion (unfavourable opinion)        |
| cpne_reporter     | no dossier (aggregates only)      | nothing                                   |
| administrator     | everything                        | everything                                |

Records (workers, dossiers, missions, documents, client companies, training providers) are
edited by case workers, agency managers and administrators; training managers edit the
dossiers of Pro-A permanent staff only; FPE.TT advisors and CPNE reporters edit nothing.
A CPNE reporter reads no individual record at all: the API answers 403 on every individual
resource and leaves only the reference data (accords, certifications) open to them.

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
missions may use the same one. Whoever may add them (table below) creates them; a case worker
or agency manager changes one only while no dossier or mission of an agency outside their own
uses it (a shared record is not rewritten under another agency's feet); administrators change
any. Nobody deletes one that a dossier or a mission uses. The services enforce this
(`may_change_shared_record`, `may_delete_shared_record`), whatever path the write comes from.
"""

from django.db.models import QuerySet

from cases.choices import Dispositif, Role
from cases.workflow.steps import STEPS

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


def may_read_sensitive_access_log(user) -> bool:
    return user.is_authenticated and user.is_active and is_administrator(user)


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
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    if is_administrator(user):
        return queryset
    if user.role in AGENCY_SCOPED_ROLES:
        # The agency ids as values, not a join through the membership table: the planner
        # then walks the (agency, …) indexes — a page of 50 out of a million dossiers reads
        # 50 index entries instead of sorting every dossier of the agency (PostgreSQL).
        return queryset.filter(agency_id__in=sorted(agency_ids(user)))
    if user.role == Role.FPETT_ADVISOR:
        return queryset.filter(dispositif=Dispositif.CAR)
    return queryset.none()


def scope_by_agency(queryset: QuerySet, user, agency_path: str = "agency") -> QuerySet:
    """Restrict any queryset whose rows belong to an agency (workers, missions, documents…)."""
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    if is_administrator(user):
        return queryset
    if user.role in AGENCY_SCOPED_ROLES:
        return queryset.filter(**{f"{agency_path}__in": sorted(agency_ids(user))})
    return queryset.none()


def scope_agencies(queryset: QuerySet, user) -> QuerySet:
    """Restrict an Agency queryset to the user's own agencies (every agency for administrators)."""
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    if is_administrator(user):
        return queryset
    if user.role in AGENCY_SCOPED_ROLES:
        return queryset.filter(users=user)
    return queryset.none()


def may_see_individual_data(user) -> bool:
    """Whether `user` may read individual records at all (a CPNE reporter sees aggregates)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return is_administrator(user) or user.role != Role.CPNE_REPORTER


def may_edit_records(user) -> bool:
    """Whether `user`'s role edits records (workers, dossiers, missions, documents…)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return is_administrator(user) or user.role in AGENCY_SCOPED_ROLES


def may_edit_dossier(user, *, dispositif: str, agency_id: int | None) -> bool:
    """Whether `user` may create or edit a dossier of `dispositif` in agency `agency_id`."""
    if not may_edit_records(user):
        return False
    if is_administrator(user):
        return True
    if user.role == Role.TRAINING_MANAGER and dispositif != Dispositif.PRO_A_PERMANENT:
        return False
    return agency_id in agency_ids(user)


def scope_editable_dossiers(queryset: QuerySet, user) -> QuerySet:
    """Restrict a Dossier queryset to the dossiers `user` may edit: `may_edit_dossier` as a
    filter, for the dossiers offered in forms (a document or a mission to attach)."""
    if not may_edit_records(user):
        return queryset.none()
    if is_administrator(user):
        return queryset
    queryset = queryset.filter(agency_id__in=sorted(agency_ids(user)))
    if user.role == Role.TRAINING_MANAGER:
        queryset = queryset.filter(dispositif=Dispositif.PRO_A_PERMANENT)
    return queryset


def may_change_shared_record(user, model_name: str, *, used_by_agency_ids) -> bool:
    """Whether `user` may change a client company or training provider that the dossiers and
    missions of `used_by_agency_ids` use (see the module docstring)."""
    if not may_access_model(user, model_name, "change"):
        return False
    return is_administrator(user) or set(used_by_agency_ids) <= agency_ids(user)


def may_delete_shared_record(user, model_name: str, *, in_use: bool) -> bool:
    """Whether `user` may delete a client company or training provider; never one in use."""
    return not in_use and may_access_model(user, model_name, "delete")


def may_view_dossier(user, dossier) -> bool:
    return scope_dossiers(type(dossier).objects.filter(pk=dossier.pk), user).exists()


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


# What each role may do with each kind of record, in the admin and the API:
# v = view, a = add, c = change, d = delete. Administrators may do everything.
_EDIT_CASES = {
    "dossier": "vac",  # a dossier is cancelled, never deleted
    "worker": "vac",
    "mission": "vacd",
    "document": "vacd",
    "agency": "v",
    "clientcompany": "vac",
    "trainingprovider": "vac",
    "documentrequirement": "v",
}
MODEL_ACCESS: dict[str, dict[str, str]] = {
    Role.CASE_WORKER: _EDIT_CASES,
    Role.AGENCY_MANAGER: _EDIT_CASES,
    Role.TRAINING_MANAGER: {model: "v" for model in _EDIT_CASES},
    Role.FPETT_ADVISOR: {"dossier": "v", "document": "v", "documentrequirement": "v"},
    Role.CPNE_REPORTER: {},
}
_ACTIONS = {"view": "v", "add": "a", "change": "c", "delete": "d"}


def may_access_model(user, model_name: str, action: str) -> bool:
    """Whether `user`'s role allows `action` (view/add/change/delete) on `model_name` records."""
    if not user.is_authenticated or not user.is_active:
        return False
    if is_administrator(user):
        return True
    return _ACTIONS[action] in MODEL_ACCESS.get(user.role, {}).get(model_name, "")
