"""Give the rule sets already stored the `weekly_hours` parameter of fixtures/rule_sets.json.

The legal weekly working time (Code du travail L3121-27), which a plan's contract hours default
to when it gives none — until now a constant of the code (`cases.rules.dates.HOURS_PER_WEEK`).
Only the rule sets of the dispositifs whose rules read contract hours (training ratio, contract
hours, missions in the contract), and only where it is missing: a rule set an administrator has
given a `weekly_hours` parameter keeps it. The values are the fixture's, copied here so that a
later fixture change does not rewrite history; the figure is the one the code applied.
"""

from django.db import migrations

WEEKLY_HOURS = {
    "hours": "35",
    "source": "Code du travail, art. L3121-27 (durée légale du travail effectif d'un salarié à "
    "temps complet, par semaine civile)",
}
DISPOSITIFS = ("CPI", "CAI", "CIPI", "PRO_A_INTERIM", "PRO_A_PERMANENT")


def add_weekly_hours(apps, schema_editor):
    RuleSet = apps.get_model("accords", "RuleSet")
    for rule_set in RuleSet.objects.filter(dispositif__in=DISPOSITIFS):
        parameters = dict(rule_set.parameters or {})
        if "weekly_hours" in parameters:
            continue
        parameters["weekly_hours"] = dict(WEEKLY_HOURS)
        RuleSet.objects.filter(pk=rule_set.pk).update(parameters=parameters)


class Migration(migrations.Migration):
    dependencies = [("accords", "0005_rule_sets_register_parameter")]

    operations = [migrations.RunPython(add_weekly_hours, migrations.RunPython.noop)]
