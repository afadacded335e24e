"""After an administrator corrects a rule set: re-check the open dossiers it governs."""

import logging

from django.db import transaction

from cases.checks import dossier_findings
from cases.choices import FINAL_STATES
from cases.models import Dossier
from notifications.choices import NotificationLevel
from notifications.services.deadlines import deadlines_sync
from notifications.services.notices import dossier_label, notify, responsible_users

logger = logging.getLogger(__name__)


def error_codes(dossier: Dossier) -> list[str]:
    return sorted({f.code for f in dossier_findings(dossier) if f.blocking})


def dossier_refresh(dossier: Dossier) -> set[str]:
    """Re-sync the deadlines and remember the blocking codes; return the codes it gained."""
    with transaction.atomic():
        deadlines_sync(dossier)
        codes = error_codes(dossier)
        gained = set(codes) - set(dossier.error_codes or [])
        if codes != dossier.error_codes:
            Dossier.objects.filter(pk=dossier.pk).update(error_codes=codes)
            dossier.error_codes = codes
    return gained


def recheck_rule_set(rule_set_id: int) -> dict:
    from accords.models import RuleSet

    rule_set = RuleSet.objects.filter(pk=rule_set_id).first()
    if rule_set is None:
        return {"checked": 0, "notified": 0}
    dossiers = Dossier.objects.filter(
        dispositif=rule_set.dispositif, contract_start__gte=rule_set.valid_from
    ).exclude(state__in=FINAL_STATES)
    if rule_set.valid_to:
        dossiers = dossiers.filter(contract_start__lte=rule_set.valid_to)
    checked = notified = 0
    for dossier in dossiers.select_related("worker", "agency", "case_worker").iterator(500):
        checked += 1
        gained = dossier_refresh(dossier)
        if gained:
            notified += notify(
                responsible_users(dossier),
                dossier=dossier,
                kind=f"recheck-{rule_set.pk}-{rule_set.updated:%Y%m%d%H%M%S}",
                level=NotificationLevel.WARNING,
                message=(
                    f"Les règles « {rule_set} » ont été corrigées : le {dossier_label(dossier)} "
                    f"présente désormais une anomalie bloquante ({', '.join(sorted(gained))})."
                ),
            )
    logger.info("rule set %s re-checked: %s dossiers, %s notified", rule_set_id, checked, notified)
    return {"checked": checked, "notified": notified}
