"""Deadlines met before « respectée en retard » existed: mark late those whose recorded fact
is dated after their due date. Where the fact has no date (the mission obligation) the
deadline is left as it is: nothing proves it late. A decision AKTO's silence gave is on time
(the silence decided on the due date), whatever date a later explicit decision bears."""

from django.db import migrations
from django.db.models import F

# The dossier field that dates the fact meeting each kind of deadline.
FACT_FIELDS = {
    "akto_deposit": "deposit_date",
    "akto_decision": "akto_decision_date",
    "fund_reservation": "funds_reserved_on",
    "fpett_opinion": "opinion_date",
    "reimbursement_request": "reimbursement_requested_on",
}


def mark_late(apps, schema_editor):
    Deadline = apps.get_model("cases", "Deadline")
    for kind, field in FACT_FIELDS.items():
        late = Deadline.objects.filter(
            kind=kind, status="met", **{f"dossier__{field}__gt": F("due")}
        )
        if kind == "akto_decision":
            late = late.filter(dossier__deemed_decision="")
        Deadline.objects.filter(pk__in=late.values("pk")).update(status="met_late")


def unmark_late(apps, schema_editor):
    Deadline = apps.get_model("cases", "Deadline")
    Deadline.objects.filter(status="met_late").update(status="met")


class Migration(migrations.Migration):
    dependencies = [("cases", "0014_deadline_met_late")]

    operations = [migrations.RunPython(mark_late, unmark_late, elidable=True)]
