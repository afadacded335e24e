"""Every admin page, generated from the admin's registry: a case worker of agency A never sees,
is never offered, and cannot write agency B's records (add, change, inline, delete). A new
model admin is covered without being listed here."""

import pytest
from django.contrib import admin
from django.contrib.admin import ModelAdmin
from django.test import RequestFactory
from django.urls import reverse

from cases.admin.base import ServiceWritesMixin
from cases.choices import Role
from cases.permissions import may_access_model
from tests.factories import UserFactory
from tests.security.write_paths import build_world, form_data, relation_fields, snapshot

pytestmark = pytest.mark.django_db

REGISTRY = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)
ADMINS = [pytest.param(model, model_admin, id=model._meta.label) for model, model_admin in REGISTRY]


@pytest.fixture
def world():
    return build_world()


def as_request(user, path="/admin/"):
    request = RequestFactory().get(path)
    request.user = user
    return request


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def forms_of(model_admin, request, obj):
    """The page's main form and one form of each inline, as rendered for `obj` (None: add)."""
    found = [model_admin.get_form(request, obj, change=obj is not None)()]
    for formset, _inline in model_admin.get_formsets_with_inlines(request, obj):
        found.append(formset(instance=obj).empty_form)
    return found


@pytest.mark.parametrize("model, model_admin", ADMINS)
def test_lists_hide_the_other_agencys_records(world, model, model_admin):
    request = as_request(world.user_a)
    if not model_admin.has_view_permission(request):
        return
    shown = set(model_admin.get_queryset(request).values_list("pk", flat=True))
    assert not shown & world.b_pks(model)


@pytest.mark.parametrize("model, model_admin", ADMINS)
def test_forms_offer_only_what_the_user_may_use(world, model, model_admin):
    request = as_request(world.user_a)
    pages = []
    if model_admin.has_add_permission(request):
        pages.append(None)
    if model in world.a and model_admin.has_view_permission(request, world.a[model]):
        pages.append(world.a[model])
    for obj in pages:
        for form in forms_of(model_admin, request, obj):
            for name, related in relation_fields(form).items():
                offered = set(form.fields[name].queryset.values_list("pk", flat=True))
                assert not offered & world.b_pks(related), (model, name)


@pytest.mark.parametrize("model, model_admin", ADMINS)
def test_autocomplete_answers_only_what_the_user_may_use(client, world, model, model_admin):
    client.force_login(world.user_a)
    for name in model_admin.get_autocomplete_fields(as_request(world.user_a)):
        response = client.get(
            reverse("admin:autocomplete"),
            {
                "app_label": model._meta.app_label,
                "model_name": model._meta.model_name,
                "field_name": name,
                "term": "",
            },
        )
        if response.status_code == 403:
            continue
        related = model._meta.get_field(name).related_model
        ids = {int(row["id"]) for row in response.json()["results"]}
        if related in world.a:
            assert ids, (model, name)  # agency A's own records are there
        assert not ids & world.b_pks(related), (model, name)


def _change_page_data(client, model, obj) -> dict:
    """The change page of `obj` as the user sees it, ready to be posted back unchanged."""
    page = client.get(admin_url(model, "change", obj.pk))
    assert page.status_code == 200
    data = form_data(page.context["adminform"].form)
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(form_data(formset.management_form))
        for form in formset.forms:
            data.update(form_data(form))
    return data


def _forgeable(form, world) -> dict:
    """The relation fields of `form` for which agency B has a record to forge."""
    return {
        name: related for name, related in relation_fields(form).items() if world.b_pks(related)
    }


@pytest.mark.parametrize("model, model_admin", ADMINS)
def test_a_forged_id_on_a_change_page_writes_nothing(client, world, model, model_admin):
    request = as_request(world.user_a)
    obj = world.a.get(model)
    if obj is None or not model_admin.has_change_permission(request, obj):
        return
    client.force_login(world.user_a)
    data = _change_page_data(client, model, obj)
    url = admin_url(model, "change", obj.pk)
    form = model_admin.get_form(request, obj, change=True)()
    for name, related in _forgeable(form, world).items():
        before = snapshot()
        forged = {**data, name: str(next(iter(world.b_pks(related))))}
        if isinstance(data.get(name), list):
            forged[name] = [forged[name]]
        response = client.post(url, forged)
        assert response.status_code == 200, (model, name)  # the form, with its error
        assert snapshot() == before, (model, name)
    # The page as shown saves: the refusals above are the forged ids, not a broken form.
    assert client.post(url, data).status_code == 302


@pytest.mark.parametrize("model, model_admin", ADMINS)
def test_a_forged_id_on_an_add_page_writes_nothing(client, world, model, model_admin):
    request = as_request(world.user_a)
    template = world.a.get(model)
    if template is None or not model_admin.has_add_permission(request):
        return
    add_form = model_admin.get_form(request, None, change=False)
    data = form_data(add_form(instance=template))  # a copy of agency A's record
    if "confirm_duplicate" in add_form.base_fields:  # the copy is a deliberate duplicate
        data["confirm_duplicate"] = "on"
    client.force_login(world.user_a)
    url = admin_url(model, "add")
    for name, related in _forgeable(add_form(), world).items():
        before = snapshot()
        forged = {**data, name: str(next(iter(world.b_pks(related))))}
        if isinstance(data.get(name), list):
            forged[name] = [forged[name]]
        response = client.post(url, forged)
        assert response.status_code == 200, (model, name)
        assert snapshot() == before, (model, name)
    count = model.objects.count()
    assert client.post(url, data).status_code == 302
    assert model.objects.count() == count + 1


@pytest.mark.parametrize("model, model_admin", ADMINS)
def test_an_inline_row_cannot_be_planted_in_another_agencys_record(
    client, world, model, model_admin
):
    """A new inline row whose parent id is agency B's is refused; nothing is written."""
    request = as_request(world.user_a)
    obj = world.a.get(model)
    if obj is None or not model_admin.has_change_permission(request, obj):
        return
    formsets = list(model_admin.get_formsets_with_inlines(request, obj))
    if not formsets or model not in world.b:
        return
    client.force_login(world.user_a)
    data = _change_page_data(client, model, obj)
    for formset_class, inline in formsets:
        if not inline.has_add_permission(request, obj):
            continue
        formset = formset_class(instance=obj)
        if not formset.forms:
            continue
        prefix = formset.prefix
        total = int(data[f"{prefix}-TOTAL_FORMS"])
        # A copy of the first row, as a new row of agency B's record.
        row = {
            key.replace(f"{prefix}-0-", f"{prefix}-{total}-"): value
            for key, value in form_data(formset.forms[0]).items()
        }
        row[f"{prefix}-{total}-id"] = ""
        row[f"{prefix}-{total}-{formset.fk.name}"] = str(world.b[model].pk)
        before = snapshot()
        response = client.post(
            admin_url(model, "change", obj.pk),
            {**data, **row, f"{prefix}-TOTAL_FORMS": str(total + 1)},
        )
        assert response.status_code == 200, (model, prefix)
        assert snapshot() == before, (model, prefix)


@pytest.mark.parametrize("model, model_admin", ADMINS)
def test_another_agencys_record_cannot_be_deleted(client, world, model, model_admin):
    request = as_request(world.user_a)
    if model not in world.b or not model_admin.has_delete_permission(request):
        return
    client.force_login(world.user_a)
    target = world.b[model]
    before = snapshot()
    client.post(admin_url(model, "delete", target.pk), {"post": "yes"})
    client.post(
        admin_url(model, "changelist"),
        {"action": "delete_selected", "_selected_action": [target.pk], "post": "yes"},
    )
    assert snapshot() == before


# --- Every write of the admin goes through a service ------------------------------------------


def _someone_writes(model, model_admin) -> bool:
    request = as_request(None)
    for role in Role:
        if role == Role.ADMINISTRATOR:
            continue
        request.user = UserFactory(role=role)
        if any(
            (
                model_admin.has_add_permission(request),
                model_admin.has_change_permission(request),
                model_admin.has_delete_permission(request),
            )
        ):
            return True
    return False


@pytest.mark.parametrize("model, model_admin", ADMINS)
def test_every_cases_page_that_writes_goes_through_the_services(model, model_admin):
    """A page of the cases app that a role other than administrator may write on saves and
    deletes through its services (ServiceWritesMixin), not through Django's model writes."""
    if model._meta.app_label != "cases" or not _someone_writes(model, model_admin):
        return
    assert isinstance(model_admin, ServiceWritesMixin), model
    for name in ("create_service", "update_service", "delete_service"):
        action = {"create_service": "add", "update_service": "change"}.get(name, "delete")
        if any(
            may_access_model(UserFactory(role=role), model._meta.model_name, action)
            for role in Role
            if role != Role.ADMINISTRATOR
        ):
            assert getattr(model_admin, name) is not None, (model, name)
    assert type(model_admin).save_model is not ModelAdmin.save_model
