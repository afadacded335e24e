"""Every API endpoint, generated from the router's registry: a case worker of agency A never
sees, is never offered, and cannot write agency B's records (create, update, delete). A new
endpoint is covered without being listed here."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from rest_framework import mixins, serializers
from rest_framework.request import Request
from rest_framework.test import APIClient

from cases.api.urls import router
from tests.security.write_paths import PDF, build_world, snapshot

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    pytest.param(prefix, viewset, id=prefix)
    for prefix, viewset, _basename in sorted(router.registry, key=lambda entry: entry[0])
]
WRITES = {"create": "post", "update": "put", "partial_update": "patch", "destroy": "delete"}


@pytest.fixture
def world():
    return build_world()


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def writes_of(viewset) -> list[str]:
    allowed = getattr(viewset, "http_method_names", [])
    return [a for a, method in WRITES.items() if hasattr(viewset, a) and method in allowed]


def serializer_for(viewset, action: str, user, instance=None):
    """The serializer the endpoint's `action` reads its input with, for `user`."""
    request = Request(RequestFactory().post("/"))
    request.user = user
    view = viewset(action=action, request=request, format_kwarg=None, kwargs={})
    return view.get_serializer(instance)


def writable_relations(serializer) -> dict:
    """name → related model, for each relation the input may set."""
    found = {}
    for name, field in serializer.fields.items():
        relation = getattr(field, "child_relation", field)
        if not field.read_only and isinstance(relation, serializers.RelatedField):
            found[name] = relation.queryset.model
    return found


def model_of(viewset):
    return viewset.serializer_class.Meta.model


@pytest.mark.parametrize("prefix, viewset", ENDPOINTS)
def test_lists_hide_the_other_agencys_records(world, prefix, viewset):
    response = api_for(world.user_a).get(f"/api/v1/{prefix}/", {"page_size": 500})
    if response.status_code != 200:
        return
    body = response.json()
    rows = body["results"] if isinstance(body, dict) else body
    assert not {row["id"] for row in rows} & world.b_pks(model_of(viewset))
    for pk in world.b_pks(model_of(viewset)):
        assert api_for(world.user_a).get(f"/api/v1/{prefix}/{pk}/").status_code == 404


@pytest.mark.parametrize("prefix, viewset", ENDPOINTS)
def test_inputs_offer_only_what_the_user_may_use(world, prefix, viewset):
    for action in writes_of(viewset):
        if action == "destroy":
            continue
        serializer = serializer_for(viewset, action, world.user_a)
        for name, related in writable_relations(serializer).items():
            field = serializer.fields[name]
            queryset = getattr(field, "child_relation", field).queryset
            offered = set(queryset.values_list("pk", flat=True))
            assert not offered & world.b_pks(related), (prefix, action, name)


def _body(viewset, action, world) -> dict:
    """Agency A's record as the endpoint's input (a copy of it for a creation)."""
    template = world.a[model_of(viewset)]
    instance = template if action != "create" else None
    fields = serializer_for(viewset, action, world.user_a, instance).fields
    shown = serializer_for(viewset, action, world.user_a, template).to_representation(template)
    body = {}
    for name, field in fields.items():
        if field.read_only:
            continue
        if isinstance(field, serializers.FileField):
            body[name] = SimpleUploadedFile("cerfa.pdf", PDF)
        elif isinstance(field, serializers.BooleanField) and not hasattr(template, name):
            body[name] = True  # a confirmation (confirm_duplicate): the copy is deliberate
        else:
            body[name] = shown[name] if name in shown else getattr(template, name)
    return body


def _post(client, url, method, body):
    has_file = any(isinstance(value, SimpleUploadedFile) for value in body.values())
    send = getattr(client, method)
    if has_file:
        return send(url, {k: v for k, v in body.items() if v is not None}, format="multipart")
    return send(url, body, format="json")


def _forged(body, name, world, related):
    pk = next(iter(world.b_pks(related)))
    return {**body, name: [pk] if isinstance(body.get(name), list) else pk}


@pytest.mark.parametrize("prefix, viewset", ENDPOINTS)
def test_a_forged_id_in_a_creation_writes_nothing(world, prefix, viewset):
    if "create" not in writes_of(viewset) or model_of(viewset) not in world.a:
        return
    client, url = api_for(world.user_a), f"/api/v1/{prefix}/"
    body = _body(viewset, "create", world)
    serializer = serializer_for(viewset, "create", world.user_a)
    for name, related in writable_relations(serializer).items():
        if not world.b_pks(related):
            continue
        before = snapshot()
        response = _post(client, url, "post", _forged(body, name, world, related))
        assert response.status_code in (400, 403, 404), (prefix, name, response.json())
        assert snapshot() == before, (prefix, name)
    # The same input with agency A's own records is accepted: the refusals were the ids.
    response = _post(client, url, "post", _body(viewset, "create", world))
    assert response.status_code == 201, response.json()


@pytest.mark.parametrize("prefix, viewset", ENDPOINTS)
def test_a_forged_id_in_an_update_writes_nothing(world, prefix, viewset):
    if "partial_update" not in writes_of(viewset) or model_of(viewset) not in world.a:
        return
    client = api_for(world.user_a)
    url = f"/api/v1/{prefix}/{world.a[model_of(viewset)].pk}/"
    body = _body(viewset, "partial_update", world)
    serializer = serializer_for(viewset, "partial_update", world.user_a, world.a[model_of(viewset)])
    for name, related in writable_relations(serializer).items():
        if not world.b_pks(related):
            continue
        before = snapshot()
        response = _post(client, url, "patch", _forged(body, name, world, related))
        assert response.status_code in (400, 403, 404), (prefix, name, response.json())
        assert snapshot() == before, (prefix, name)
    assert _post(client, url, "patch", body).status_code == 200


@pytest.mark.parametrize("prefix, viewset", ENDPOINTS)
def test_another_agencys_record_cannot_be_written(world, prefix, viewset):
    """Agency B's record, addressed by its id: not found, whatever the method."""
    model = model_of(viewset)
    if model not in world.b:
        return
    client = api_for(world.user_a)
    url = f"/api/v1/{prefix}/{world.b[model].pk}/"
    before = snapshot()
    for action in writes_of(viewset):
        if action == "create":
            continue
        response = getattr(client, WRITES[action])(url, {}, format="json")
        assert response.status_code in (403, 404), (prefix, action)
    assert snapshot() == before


@pytest.mark.parametrize("prefix, viewset", ENDPOINTS)
def test_every_write_goes_through_a_service(prefix, viewset):
    """An endpoint that writes replaces DRF's model writes (serializer.save) with a service:
    its own create/update method, or perform_create/perform_update calling one."""
    defaults = {
        "create": (mixins.CreateModelMixin.create, mixins.CreateModelMixin.perform_create),
        "update": (mixins.UpdateModelMixin.update, mixins.UpdateModelMixin.perform_update),
        "partial_update": (
            mixins.UpdateModelMixin.partial_update,
            mixins.UpdateModelMixin.perform_update,
        ),
        "destroy": (mixins.DestroyModelMixin.destroy, mixins.DestroyModelMixin.perform_destroy),
    }
    for action in writes_of(viewset):
        method, perform = defaults[action]
        own_method = getattr(viewset, action) is not method
        own_perform = getattr(viewset, perform.__name__, perform) is not perform
        assert own_method or own_perform, (prefix, action)
