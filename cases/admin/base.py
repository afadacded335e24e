"""What the admin pages share: permissions asked with the row, and agency scope.

Permissions come from Django's own API (`user.has_perm`), answered by the role table of
cases.permissions. Django's ModelAdmin asks without the row; `RoleAccessMixin` is for the
models whose rows a role reaches only in part (agencies, CAR dossiers, own notices…): it asks
with the row, lists only the rows in reach, and refuses a form whose row would leave it.
"""

from django.contrib import admin

from cases import permissions
from cases.models import (
    Agency,
    Worker,
)


def _may(request, action: str, opts, obj=None) -> bool:
    return request.user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}", obj)


def row_in_reach_form(form_class, user):
    """`form_class`, refusing to save a row `user` may not create, or change into, as typed
    (e.g. a training manager turning a permanent employee into a temp worker)."""

    class RowInReachForm(form_class):
        def _post_clean(self):
            super()._post_clean()
            if self.errors:  # a missing link would make the answer meaningless
                return
            action = permissions.ADD if self.instance._state.adding else permissions.CHANGE
            if not permissions.may(user, action, self.instance):
                self.add_error(
                    None,
                    f"Votre rôle ne permet pas d'enregistrer cette fiche "
                    f"({self._meta.model._meta.verbose_name}) avec ces valeurs.",
                )

    RowInReachForm.__name__ = form_class.__name__
    return RowInReachForm


class RoleAccessMixin:
    """Django's permission API asked with the row; the list holds the rows in reach of `view`."""

    def get_queryset(self, request):
        return permissions.scope_queryset(request.user, super().get_queryset(request))

    def has_view_permission(self, request, obj=None):
        return _may(request, permissions.VIEW, self.opts, obj) or _may(
            request, permissions.CHANGE, self.opts, obj
        )

    def has_change_permission(self, request, obj=None):
        return _may(request, permissions.CHANGE, self.opts, obj)

    def has_delete_permission(self, request, obj=None):
        return _may(request, permissions.DELETE, self.opts, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return row_in_reach_form(form, request.user)


class AgencyScopedAdmin(RoleAccessMixin, admin.ModelAdmin):
    """Rows belong to an agency: each user sees only their agencies' rows."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "agency":
            kwargs["queryset"] = _agencies_of(request.user)
        elif db_field.name == "worker":
            kwargs["queryset"] = permissions.scope_by_agency(
                Worker.objects.select_related("agency"), request.user
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def _agencies_of(user):
    if permissions.is_administrator(user):
        return Agency.objects.all()
    return Agency.objects.filter(users=user)
