"""After an administrator corrects a rule set: re-check the open dossiers it governs."""

import logging

from django.db import transaction
from django.db.models import Q

from cases.choices import FINAL_STATES
from cases.models import Dossier
from cases.workflow.checks import dossier_findings
from notifications.choices import NotificationLevel
from notifications.services.deadlines import deadlines_sync
from notifications.services.notices import dossier_label, notify, responsible_users

logger = logging.getLogger(__name__)


def error_codes(dossier: Dossier) -> list[str]:
    return sorted({f.code for f in dossier_findings(dossier) if f.blocking})


def dossier_refresh(dossier: Dossier) -> set[str]:
    """Re-sync the deadlines, note the rule set and blocking codes; return the codes gained."""
    from accords.rule_selectors import rule_set_in_force

    with transaction.atomic():
        deadlines_sync(dossier)
        codes = error_codes(dossier)
        gained = set(codes) - set(dossier.error_codes or [])
        rule_set = rule_set_in_force(dossier.dispositif, dossier.contract_start)
        rule_set_id = rule_set.pk if rule_set else None
        if codes != dossier.error_codes or rule_set_id != dossier.rule_set_id:
            Dossier.objects.filter(pk=dossier.pk).update(error_codes=codes, rule_set_id=rule_set_id)
            dossier.error_codes, dossier.rule_set_id = codes, rule_set_id
    return gained


def rule_set_changed(*, rule_set_id: int) -> None:
    """Have a worker re-check the rule set's dossiers; if the broker is down, do it here."""
    from notifications.tasks import recheck_rule_set as recheck_task

    try:
        recheck_task.delay(rule_set_id)
    except Exception:  # broker unreachable: the correction must still reach the dossiers
        logger.warning("broker unreachable: re-checking rule set %s inline", rule_set_id)
        recheck_rule_set(rule_set_id)


def recheck_rule_set(rule_set_id: int) -> dict:
    from accords.models import RuleSet

    rule_set = RuleSet.objects.filter(pk=rule_set_id).first()
    if rule_set is None:
        return {"checked": 0, "notified": 0}
    in_period = Q(dispositif=rule_set.dispositif, contract_start__gte=rule_set.valid_from)
    if rule_set.valid_to:
        in_period &= Q(contract_start__lte=rule_set.valid_to)
    # The dossiers checked against it, and those its (possibly corrected) dates now cover.
    dossiers = Dossier.objects.filter(in_period | Q(rule_set=rule_set)).exclude(
        state__in=FINAL_STATES
    )
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
