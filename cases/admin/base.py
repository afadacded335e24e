"""What every admin page of the cases app shares: permissions asked with the row, agency
scope, the choices its forms offer and the services its saves and deletions go through.

Permissions come from Django's own API (`user.has_perm`), answered by the role table of
cases.permissions. Django's ModelAdmin asks without the row; `RoleAccessMixin` is for the
models whose rows a role reaches only in part (agencies, CAR dossiers, own notices…): it asks
with the row, lists only the rows in reach, and refuses a form whose row would leave it.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect

from cases import permissions, selectors
from cases.admin.sensitive import SensitiveLookupsMixin
from cases.exceptions import DossierError
from cases.models import Agency


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


class LabelledInlineMixin:
    """A tabular inline's fields have no <label>: their column header names them on screen.
    Each widget gets its field's name as `aria-label`, for screen readers (RGAA 11.1, axe
    `label` / `select-name`)."""

    def get_formset(self, request, obj=None, **kwargs):
        class LabelledFormSet(super().get_formset(request, obj, **kwargs)):
            def add_fields(self, form, index):
                super().add_fields(form, index)
                for name, field in form.fields.items():
                    label = "Supprimer" if name == "DELETE" else str(field.label).capitalize()
                    field.widget.attrs.setdefault("aria-label", label)

        return LabelledFormSet


class ScopedChoicesMixin:
    """Every relation a form offers (select, autocomplete, inline) lists only the records the
    user may use: `cases.selectors.choices_for`, as the API's serializers. A posted id outside
    them is refused by the form, and again by the service."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs["queryset"] = selectors.choices_for(db_field.related_model, user=request.user)
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and type(field.widget) is forms.Select:  # not an autocomplete
            # Read once per page, not once per inline row: each form of a formset copies the
            # field, and an unevaluated queryset would be asked again for every row (a dossier
            # of ten missions read its client companies twenty-two times). The form still
            # validates a posted id against the queryset.
            field.choices = list(field.choices)
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs["queryset"] = selectors.choices_for(db_field.related_model, user=request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_search_results(self, request, queryset, search_term):
        """Autocomplete answers (another form's relation to this model) hold only choices."""
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        match = getattr(request, "resolver_match", None)
        if match is not None and match.url_name == "autocomplete":
            choices = selectors.choices_for(self.model, user=request.user)
            queryset = queryset.filter(pk__in=choices.values("pk"))
        return queryset, may_have_duplicates


def error_text(error: Exception) -> str:
    """A service's refusal as one French sentence for the admin's message bar."""
    if isinstance(error, DossierError):
        details = [f"{field} : {' '.join(msgs)}" for field, msgs in error.errors.items()]
        return " ".join([error.message, *details])
    return " ".join(error.messages)


class ServiceWritesMixin:
    """The admin is a client of the services: saving calls `create_service(by=, data=)` or
    `update_service(<service_id>=, by=, data=)` with the form's cleaned values (only the
    changed ones on an edit), deleting calls `delete_service(<service_id>=, by=)`, row by
    row for the bulk action. A refusal rolls the whole request back and says why."""

    create_service = None
    update_service = None
    delete_service = None
    service_id = None  # keyword of the record's id in the update and delete services

    def service_data(self, form, change: bool) -> dict:
        names = form.changed_data if change else list(form.fields)
        return {name: form.cleaned_data[name] for name in names if name in form.cleaned_data}

    def save_model(self, request, obj, form, change):
        data = self.service_data(form, change)
        if change and not data:
            return
        if change:
            saved = type(self).update_service(
                **{self.service_id: obj.pk}, by=request.user, data=data
            )
        else:
            saved = type(self).create_service(by=request.user, data=data)
        take_saved(obj, saved)

    def save_related(self, request, form, formsets, change):
        """The service set the form's many-to-many relations; only the inlines are left."""
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def delete_model(self, request, obj):
        type(self).delete_service(**{self.service_id: obj.pk}, by=request.user)

    def delete_queryset(self, request, queryset):
        for pk in queryset.values_list("pk", flat=True):
            type(self).delete_service(**{self.service_id: pk}, by=request.user)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (DossierError, ValidationError) as error:
            self.message_user(request, error_text(error), level=messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except (DossierError, ValidationError) as error:
            self.message_user(request, error_text(error), level=messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            _, name, description = actions["delete_selected"]
            actions["delete_selected"] = (delete_selected_via_services, name, description)
        return actions


def delete_selected_via_services(modeladmin, request, queryset):
    """Django's « delete selected » (confirmation page included), all or nothing."""
    try:
        with transaction.atomic():
            return delete_selected(modeladmin, request, queryset)
    except (DossierError, ValidationError) as error:
        modeladmin.message_user(request, error_text(error), level=messages.ERROR)
        return None


delete_selected_via_services.allowed_permissions = delete_selected.allowed_permissions


def take_saved(obj, saved) -> None:
    """Make the admin's unsaved instance the row the service wrote (its id, its values), so
    that the inlines, the change message and the redirect that follow see it."""
    for field in obj._meta.concrete_fields:
        # Through __dict__: a protected FSM field refuses assignment (django-fsm).
        obj.__dict__[field.attname] = saved.__dict__.get(field.attname)
    obj._state.adding = False
    obj._state.db = saved._state.db


class AgencyScopedAdmin(
    SensitiveLookupsMixin, ServiceWritesMixin, ScopedChoicesMixin, RoleAccessMixin, admin.ModelAdmin
):
    """Rows belong to an agency: each user sees only the rows in reach (cases.permissions)."""


def _agencies_of(user):
    if permissions.is_administrator(user):
        return Agency.objects.all()
    return Agency.objects.filter(users=user)
