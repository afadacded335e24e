import datetime as dt
import io

import pytest
from django.core.management import call_command

from accords.models import Accord, CertificationListEntry
from accords.models.registry import AccordScope, AccordStatus
from accords.reference_accords import load_pro_a_accords

pytestmark = pytest.mark.django_db


def test_loads_both_pro_a_accords_with_their_scope_and_dates():
    summary = load_pro_a_accords()
    assert "221 entrées dont 24 exclues" in summary
    permanent = Accord.objects.get(nor="ASET2150379M")
    assert (permanent.scope, permanent.idcc, permanent.status) == (
        AccordScope.PERMANENT_STAFF,
        "1413",
        AccordStatus.SIGNED,  # this copy prints no extension order
    )
    temp = Accord.objects.get(scope=AccordScope.TEMP_WORKERS)
    assert temp.idcc == "2378"
    assert temp.status == AccordStatus.IN_FORCE
    assert temp.extension_order_date == dt.date(2021, 4, 29)
    assert temp.jorf_date == dt.date(2021, 5, 11)
    assert temp.in_force_from == dt.date(2021, 5, 12)


def test_loading_twice_changes_nothing():
    load_pro_a_accords()
    before = (Accord.objects.count(), CertificationListEntry.objects.count())
    updated = dict(Accord.objects.values_list("pk", "updated"))
    load_pro_a_accords()
    assert (Accord.objects.count(), CertificationListEntry.objects.count()) == before == (2, 221)
    assert dict(Accord.objects.values_list("pk", "updated")) == updated


def test_load_reference_runs_the_loader():
    out = io.StringIO()
    call_command("load_reference", stdout=out)
    assert "accords Pro-A : 2" in out.getvalue()
