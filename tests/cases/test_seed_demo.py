import json

import pytest
from django.core.management import CommandError, call_command

from cases.choices import Dispositif, DossierState, Role
from cases.models import Agency, Dossier, DossierEvent, User, Worker
from cases.reference import load_document_requirements


@pytest.fixture
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.DEBUG = True
    load_document_requirements()
    return tmp_path


@pytest.mark.django_db
def test_seed_demo_builds_every_dispositif_and_state_and_the_accounts_file(var_dir):
    call_command("seed_demo")
    assert Agency.objects.count() == 3
    assert {a.company_name for a in Agency.objects.all()} == {
        "Groupe Alpha Intérim",
        "Tremplin ETTI",
    }
    assert Agency.objects.filter(kind="ETTI").count() == 1
    assert 35 <= Worker.objects.count() <= 45
    assert 55 <= Dossier.objects.count() <= 65
    assert set(Dossier.objects.values_list("dispositif", flat=True)) == set(Dispositif)
    assert set(Dossier.objects.values_list("state", flat=True)) == set(DossierState)
    accounts = json.loads((var_dir / "demo-users.json").read_text())
    assert {a["role"] for a in accounts} == set(Role)
    for account in accounts:
        assert set(account) == {"username", "password", "role", "agencies"}
        assert User.objects.get(username=account["username"]).check_password(account["password"])
    for agency in Agency.objects.all():
        roles = [a["role"] for a in accounts if agency.siret in a["agencies"]]
        assert "case_worker" in roles and "agency_manager" in roles
    # Every step was taken through the service: each moved dossier has its history.
    moved = Dossier.objects.exclude(state=DossierState.DRAFT)
    assert all(DossierEvent.objects.filter(dossier=d).exists() for d in moved)


@pytest.mark.django_db
def test_seed_demo_twice_changes_nothing(var_dir):
    call_command("seed_demo")
    before = (Dossier.objects.count(), User.objects.count(), DossierEvent.objects.count())
    accounts = (var_dir / "demo-users.json").read_text()
    call_command("seed_demo")
    assert (Dossier.objects.count(), User.objects.count(), DossierEvent.objects.count()) == before
    assert (var_dir / "demo-users.json").read_text() == accounts


@pytest.mark.django_db
def test_seed_demo_refuses_outside_development(settings, var_dir):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="réservées au développement"):
        call_command("seed_demo")
    assert not Dossier.objects.exists()
