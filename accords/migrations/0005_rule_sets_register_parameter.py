"""Give the rule sets already stored the `register` parameter of fixtures/rule_sets.json.

Only the rule sets of the dispositifs it applies to, and only where it is missing: a rule set
an administrator has given a `register` parameter keeps it. The values are the fixture's,
copied here so that a later fixture change does not rewrite history.
"""

from django.db import migrations

REGISTER = {
    "CPI": {
        "route": "professionalisation",
        "unknown": "warning",
        "inactive": "warning",
        "route_closed": "warning",
        "source": "003 — fiche CPI « Formation qualifiante ou certifiante » : le contrat peut "
        "viser une qualification reconnue (classification de branche) qu'aucun registre ne "
        "liste ; registre RNCP de France Compétences (voies d'accès)",
    },
    "CAI": {
        "route": "apprenticeship",
        "unknown": "error",
        "inactive": "error",
        "route_closed": "error",
        "source": "003 — fiche CAI « Formation certifiante », « selon le diplôme visé » ; "
        "registre RNCP de France Compétences (voies d'accès)",
    },
    "PRO_A_INTERIM": {
        "route": "professionalisation",
        "unknown": "error",
        "inactive": "error",
        "route_closed": "warning",
        "source": "001 art. 3.1 « certifications enregistrées au RNCP » ; registre RNCP de "
        "France Compétences (voies d'accès)",
    },
    "PRO_A_PERMANENT": {
        "route": "professionalisation",
        "unknown": "error",
        "inactive": "error",
        "route_closed": "warning",
        "source": "000 art. 3.1 « certifications enregistrées au RNCP » ; registre RNCP de "
        "France Compétences (voies d'accès)",
    },
}


def add_register(apps, schema_editor):
    RuleSet = apps.get_model("accords", "RuleSet")
    for rule_set in RuleSet.objects.filter(dispositif__in=REGISTER):
        parameters = dict(rule_set.parameters or {})
        if "register" in parameters:
            continue
        parameters["register"] = REGISTER[rule_set.dispositif]
        RuleSet.objects.filter(pk=rule_set.pk).update(parameters=parameters)


class Migration(migrations.Migration):
    dependencies = [("accords", "0004_rncp_register")]

    operations = [migrations.RunPython(add_register, migrations.RunPython.noop)]
