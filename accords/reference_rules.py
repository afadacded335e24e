"""Rule sets and funding rates of DOMAIN.md §2 and §6, loaded from fixtures/rule_sets.json.

The fixture seeds the reference; once a row exists the administrator owns it (corrections made
in the admin are kept), so loading again creates only what is missing.
"""

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction

from accords.models import Accord, FundingRate, RuleSet

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "rule_sets.json"


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _accord(signature_date: str | None) -> Accord | None:
    """The imported accord a rule set comes from, when the importer has loaded it."""
    if not signature_date:
        return None
    return Accord.objects.filter(signature_date=_date(signature_date)).order_by("pk").first()


def _load_rule_set(row: dict) -> bool:
    rule_set, created = RuleSet.objects.get_or_create(
        dispositif=row["dispositif"],
        valid_from=_date(row["valid_from"]),
        defaults={
            "name": row["name"],
            "valid_to": _date(row["valid_to"]),
            "source": row["source"],
            "parameters": row["parameters"],
        },
    )
    if rule_set.accord_id is None and (accord := _accord(row.get("accord_signature_date"))):
        rule_set.accord = accord
        rule_set.save(update_fields=["accord", "updated"])
    return created


def _load_rate(row: dict) -> bool:
    _, created = FundingRate.objects.get_or_create(
        dispositif=row["dispositif"],
        programme=row["programme"],
        valid_from=_date(row["valid_from"]),
        defaults={
            "hourly_rate": Decimal(row["hourly_rate"]),
            "extra_cost_share": Decimal(row["extra_cost_share"])
            if row.get("extra_cost_share")
            else None,
            "date_basis": row.get("date_basis", "contract_start"),
            "valid_to": _date(row["valid_to"]),
            "source": row["source"],
        },
    )
    return created


@transaction.atomic
def load_rule_sets() -> str:
    """Create the reference rule sets and funding rates that are missing. Idempotent."""
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    new_sets = sum(_load_rule_set(row) for row in data["rule_sets"])
    new_rates = sum(_load_rate(row) for row in data["funding_rates"])
    return (
        f"jeux de règles : {len(data['rule_sets'])} (créés : {new_sets}) ; "
        f"taux de financement : {len(data['funding_rates'])} (créés : {new_rates})"
    )
