"""Keep a dossier's derived facts true after any change: its deadlines, the rule set it is
checked against and its blocking findings."""

from django.db import transaction

from cases.deadlines import deadlines_sync
from cases.models import Dossier
from cases.rules.in_force import rule_set_in_force
from cases.workflow.checks import dossier_findings


def error_codes(dossier: Dossier) -> list[str]:
    return sorted({f.code for f in dossier_findings(dossier) if f.blocking})


def dossier_refresh(dossier: Dossier) -> set[str]:
    """Re-sync the deadlines, note the rule set and blocking codes; return the codes gained."""
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
