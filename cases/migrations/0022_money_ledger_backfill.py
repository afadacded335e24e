"""Reservations recorded before the steps fed the funding ledger: one « réservé » line per
dossier that records a reservation (amount and date; its reference when there is one), dated
on the reservation, by whoever ran the step when the history says so. A dossier whose
reservation lacks its amount or its date gets no line: nothing is invented, and the dossier
page still shows what the dossier records. Claims and payments were never recorded with their
amounts: no line is made for them."""

from django.db import migrations

SOURCE = "Reprise : réservation enregistrée sur le dossier avant le grand livre"


def reservations_to_ledger(apps, schema_editor):
    Dossier = apps.get_model("cases", "Dossier")
    DossierEvent = apps.get_model("cases", "DossierEvent")
    FundingLine = apps.get_model("cases", "FundingLine")
    reserved = (
        Dossier.objects.filter(funds_reserved_on__isnull=False, reserved_amount__isnull=False)
        .exclude(funding_lines__kind="reserved")
        .values_list("pk", "reserved_amount", "funds_reserved_on", "funds_reference")
    )
    lines = []
    for pk, amount, on, reference in reserved.iterator(chunk_size=2000):
        event = (
            DossierEvent.objects.filter(dossier_id=pk, transition="reserve_funds")
            .order_by("-created", "-pk")
            .values_list("actor_id", flat=True)
            .first()
        )
        lines.append(
            FundingLine(
                dossier_id=pk,
                kind="reserved",
                amount=amount,
                on=on,
                reference=reference or "",
                source=SOURCE,
                recorded_by_id=event,
            )
        )
        if len(lines) >= 2000:
            FundingLine.objects.bulk_create(lines)
            lines = []
    FundingLine.objects.bulk_create(lines)


def remove_backfilled(apps, schema_editor):
    FundingLine = apps.get_model("cases", "FundingLine")
    FundingLine.objects.filter(kind="reserved", source=SOURCE).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0021_money_ledger")]

    operations = [migrations.RunPython(reservations_to_ledger, remove_backfilled, elidable=True)]
