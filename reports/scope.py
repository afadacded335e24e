"""Who a report covers: all agencies, a company, an agency or a region, within the caller's
allowed scope (agency users: their agencies; CPNE reporters and administrators: all)."""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q

from cases.models import Agency
from cases.permissions import AGENCY_SCOPED_ROLES, agency_ids, is_administrator

ALL, COMPANY, AGENCY, REGION = "all", "company", "agency", "region"
SCOPES = {
    ALL: "Toutes les agences",
    COMPANY: "Une entreprise",
    AGENCY: "Une agence",
    REGION: "Une région",
}


@dataclass(frozen=True)
class Scope:
    kind: str = ALL
    value: str = ""
    label: str = "Toutes les agences"
    # None: no restriction by user; otherwise the agencies the caller belongs to.
    allowed_agency_ids: frozenset[int] | None = None
    own_agency_ids: frozenset[int] = field(default_factory=frozenset)

    def agency_filter(self, path: str = "agency") -> Q:
        """A Q over rows whose agency is reached through `path`."""
        q = Q()
        if self.kind == COMPANY:
            q &= Q(**{f"{path}__company_name": self.value})
        elif self.kind == AGENCY:
            q &= Q(**{f"{path}_id" if path == "agency" else f"{path}__pk": int(self.value)})
        elif self.kind == REGION:
            q &= Q(**{f"{path}__region": self.value})
        if self.allowed_agency_ids is not None:
            q &= Q(**{f"{path}__pk__in": sorted(self.allowed_agency_ids)})
        return q

    def within_own_agencies(self) -> bool:
        """Whether every row of the report belongs to one of the caller's own agencies."""
        if self.allowed_agency_ids is not None:
            return True
        if self.kind == AGENCY and self.own_agency_ids:
            return int(self.value) in self.own_agency_ids
        return False

    def as_dict(self) -> dict:
        return {"scope": self.kind, "value": self.value, "label": self.label}


def may_read_reports(user) -> bool:
    return user.has_perm("reports.view_storedreport")


def agency_choices(user):
    """The agencies `user` may report on one by one: their own for agency roles, every
    agency for CPNE reporters and administrators (as `resolve` allows)."""
    agencies = Agency.objects.order_by("name")
    if not is_administrator(user) and user.role in AGENCY_SCOPED_ROLES:
        return agencies.filter(pk__in=agency_ids(user))
    return agencies


def resolve(user, kind: str = ALL, *, agency=None, region="", company="") -> Scope:
    """The scope asked for, restricted to what `user` may read; raise when it is not allowed."""
    if not may_read_reports(user):
        raise PermissionDenied("Votre rôle ne donne pas accès aux rapports.")
    kind = kind or ALL
    if kind not in SCOPES:
        raise ValidationError("Périmètre invalide : all, company, agency ou region.")
    own = agency_ids(user)
    restricted = not is_administrator(user) and user.role in AGENCY_SCOPED_ROLES
    value, label = "", SCOPES[ALL]
    if kind == AGENCY:
        try:
            agency_obj = Agency.objects.get(pk=int(agency))
        except (TypeError, ValueError, Agency.DoesNotExist):
            raise ValidationError("Agence inconnue.") from None
        if restricted and agency_obj.pk not in own:
            raise PermissionDenied("Cette agence n'est pas dans votre périmètre.")
        value, label = str(agency_obj.pk), f"Agence : {agency_obj.name}"
    elif kind == REGION:
        if not region:
            raise ValidationError("Précisez la région (paramètre region).")
        value, label = region, f"Région : {region}"
    elif kind == COMPANY:
        if not company:
            raise ValidationError("Précisez l'entreprise (paramètre company).")
        value, label = company, f"Entreprise : {company}"
    if restricted and kind != AGENCY:
        label += " (vos agences)"
    return Scope(
        kind=kind,
        value=value,
        label=label,
        allowed_agency_ids=own if restricted else None,
        own_agency_ids=own,
    )
