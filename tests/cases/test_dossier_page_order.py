"""Issue 17, « Fits the screen »: the dossier page reads top to bottom. The header with the
next deadline, then the step buttons, then the findings and checklist, then the long content
(timeline, the dossier's fields, missions, documents, history)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.choices import DeadlineKind, Role
from cases.models import Deadline
from cases.reference import load_document_requirements
from tests.factories import AgencyFactory, DossierFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_steps_and_the_next_deadline_sit_above_the_long_content(client):
    load_document_requirements()
    agency = AgencyFactory()
    client.force_login(UserFactory(role=Role.CASE_WORKER, agencies=[agency]))
    dossier = DossierFactory(cpi=True, agency=agency)
    due = timezone.localdate() + dt.timedelta(days=5)
    Deadline.objects.create(
        dossier=dossier,
        kind=DeadlineKind.AKTO_DEPOSIT,
        label="Dépôt à l'AKTO",
        due=due,
        safe_date=due,
        source="test",
    )
    html = client.get(reverse("admin:cases_dossier_change", args=[dossier.pk])).content.decode()
    order = [
        'id="dossier-header"',
        "Prochaine échéance",
        'id="steps"',
        'value="cancel"',
        'id="findings-panel"',
        'id="timeline"',
        'name="contract_start"',
    ]
    at = [html.index(marker) for marker in order]
    assert at == sorted(at), dict(zip(order, at, strict=True))
    assert html.count('name="_fsm_expected_state"') == 1
