"""The half-yearly Mission jeunes tracking table (002 art. 2.1 and 3, DOMAIN.md §4).

Young people aged 16–25 followed by a mission locale with at least one mission starting in the
half-year, their missions and hours, and their entries into CIPI / CDPI, by region.
"""

from django.db.models import Count, Q, Sum

from cases.choices import Dispositif, DossierState
from cases.models import Dossier, Mission, Worker
from reports.dates import aged
from reports.figures import _dec
from reports.periods import Period
from reports.scope import Scope
from reports.tables import COUNT, HOURS, NUMBER, TEXT, col, table

SOURCE = (
    "Accord-cadre Mission jeunes du 4 février 2025, art. 2.1 (tableau de suivi semestriel des délégations "
    "de missions des jeunes suivis par une mission locale) et art. 3 (entrées en CIPI/CDPI "
    "cofinancées par le FPE.TT)"
)


def _missions(period: Period, scope: Scope):
    """Missions starting in the half-year of young people followed by a mission locale."""
    return Mission.objects.filter(
        scope.agency_filter("worker__agency"),
        worker__mission_locale=True,
        start__gte=period.start,
        start__lte=period.end,
    ).filter(aged("worker__birth_date", "start", 16, 25))


def _entries(period: Period, scope: Scope):
    """Their CIPI / CDPI contracts starting in the half-year."""
    return (
        Dossier.objects.filter(
            scope.agency_filter(),
            worker__mission_locale=True,
            dispositif__in=[Dispositif.CIPI, Dispositif.CDPI],
            contract_start__gte=period.start,
            contract_start__lte=period.end,
        )
        .exclude(state=DossierState.CANCELLED)
        .filter(aged("worker__birth_date", "contract_start", 16, 25))
    )


def mission_jeunes_people(period: Period, scope: Scope) -> int:
    """Whom the table is about: the distinct young people of its missions and entries."""
    return Worker.objects.filter(
        Q(pk__in=_missions(period, scope).values("worker"))
        | Q(pk__in=_entries(period, scope).values("worker"))
    ).count()


def mission_jeunes_table(period: Period, scope: Scope) -> dict:
    missions = (
        _missions(period, scope)
        .values("worker__agency__region")
        .annotate(young=Count("worker", distinct=True), missions=Count("pk"), hours=Sum("hours"))
        .order_by()
    )
    entries = (
        _entries(period, scope)
        .values("agency__region")
        .annotate(
            cipi=Count("worker", distinct=True, filter=Q(dispositif=Dispositif.CIPI)),
            cdpi=Count("worker", distinct=True, filter=Q(dispositif=Dispositif.CDPI)),
        )
        .order_by()
    )
    by_region: dict[str, dict] = {}
    empty = {"young": 0, "missions": 0, "hours": _dec(0), "cipi": 0, "cdpi": 0}
    for row in missions:
        line = by_region.setdefault(row["worker__agency__region"], dict(empty))
        line.update(young=row["young"], missions=row["missions"], hours=_dec(row["hours"]))
    for row in entries:
        line = by_region.setdefault(row["agency__region"], dict(empty))
        line.update(cipi=row["cipi"], cdpi=row["cdpi"])
    rows = [{"region": region, **by_region[region]} for region in sorted(by_region)]
    keys = ["young", "missions", "hours", "cipi", "cdpi"]
    return table(
        "mission_jeunes",
        f"Mission jeunes — tableau de suivi semestriel {period.code}",
        SOURCE,
        [
            col("region", "Région", TEXT),
            col("young", "Jeunes 16–25 ans suivis par une mission locale, avec ≥ 1 mission"),
            col("missions", "Missions", NUMBER, base="young"),
            col("hours", "Heures de mission", HOURS, base="young"),
            col("cipi", "Entrées en CIPI", COUNT),
            col("cdpi", "Entrées en CDPI", COUNT),
        ],
        rows,
        {"region": "Total", **{k: sum((r[k] for r in rows), empty[k]) for k in keys}},
        definition="Âge en années révolues au début de la mission (ou du contrat pour les "
        "entrées) ; missions débutant dans le semestre ; une personne est rattachée à la "
        "région de son agence.",
    )
