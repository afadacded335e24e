import pytest
from django.urls import reverse

from accords.models import Accord
from accords.reference_accords import load_pro_a_accords
from cases.choices import Role
from cases.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    """Admin pages render without a collectstatic manifest."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def accord():
    load_pro_a_accords()
    return Accord.objects.get(nor="ASET2150379M")


def staff(role: str) -> User:
    return User.objects.create_user(username=role, password="x", is_staff=True, role=role)


def test_an_administrator_may_edit(client, accord):
    client.force_login(staff(Role.ADMINISTRATOR))
    page = client.get(reverse("admin:accords_accord_change", args=[accord.pk]))
    assert page.status_code == 200
    assert b'name="title"' in page.content
    assert client.get(reverse("admin:accords_certification_add")).status_code == 200


def test_other_staff_may_only_view(client, accord):
    client.force_login(staff(Role.CASE_WORKER))
    page = client.get(reverse("admin:accords_accord_change", args=[accord.pk]))
    assert page.status_code == 200
    assert b'name="title"' not in page.content
    assert client.get(reverse("admin:accords_certification_add")).status_code == 403
    assert client.post(reverse("admin:accords_accord_delete", args=[accord.pk])).status_code == 403


@pytest.mark.parametrize(
    "name",
    [
        "admin:accords_accord_changelist",
        "admin:accords_certification_changelist",
        "admin:accords_certificationlistentry_changelist",
    ],
)
def test_list_pages_search_and_filter(client, accord, name):
    client.force_login(staff(Role.ADMINISTRATOR))
    assert client.get(reverse(name), {"q": "RNCP34860"}).status_code == 200
    assert client.get(reverse(name)).status_code == 200
