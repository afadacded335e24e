"""After an administrator corrects a rule set: re-check the open dossiers it governs."""

import logging

from django.db.models import Q

from accords.models import RuleSet
from cases.choices import FINAL_STATES
from cases.models import Dossier
from cases.refresh import dossier_refresh
from notifications.choices import NotificationLevel
from notifications.services.notices import dossier_label, notify, responsible_users

logger = logging.getLogger(__name__)


def recheck_rule_set(rule_set_id: int) -> dict:
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
