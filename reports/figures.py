"""The CPNE follow-up figures (DOMAIN.md §4; 000/001 art. 6, 10–11), computed in the database.

Every table is one or two aggregate queries over the cohort of dossiers whose contract starts
in the period: the number of queries does not grow with the number of dossiers.
"""

import datetime as dt
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)

from accords.models import Certification, CertificationListEntry, FundingRate
from accords.models.rules import FundingProgramme
from cases.choices import (
    CertificationLevel,
    DeadlineKind,
    DeadlineStatus,
    Dispositif,
    DossierState,
    FundingLineKind,
)
from cases.models import Deadline, Dossier
from cases.rules.obligations import rule_texts
from reports.dates import DaysBetween, YearMonth, aged, more_than
from reports.obligations import (
    OBLIGATION_DISPOSITIFS,
    obligation_rows,
    obligation_rule_sets,
)
from reports.periods import Period
from reports.scope import Scope
from reports.tables import HOURS, MONEY, RATE, TEXT, col, ratio, table

S = DossierState
FINAL = [S.CLOSED, S.CANCELLED]
# Training is over once the dossier reaches the follow-up window, the reimbursement or closure.
TRAINING_DONE = [S.MISSION_FOLLOW_UP, S.REIMBURSEMENT_REQUESTED, S.CLOSED]
PRO_A = [Dispositif.PRO_A_INTERIM, Dispositif.PRO_A_PERMANENT]
# CAR dossiers are for workers with an AT/MP: their counts are health data (DOMAIN.md §5).
HEALTH_DISPOSITIFS = [Dispositif.CAR]
DEPOSIT_ASSESSED = [DeadlineStatus.MET, DeadlineStatus.MET_LATE, DeadlineStatus.BREACHED]
RATE_UNKNOWN = "taux à renseigner"
DEC = DecimalField(max_digits=14, decimal_places=2)
CENT = Decimal("0.01")
SRC_CPNE = (
    "Accords Pro-A du 26 mars 2021 (permanents) et du 22 janvier 2021 (intérimaires en CDII), "
    "art. 10–11 (suivi par la CPNE)"
)

DELAY_BUCKETS = [
    ("on_or_before", "Au plus tard le jour du début", None, 0),
    ("d1_5", "1 à 5 jours", 1, 5),
    ("d6_10", "6 à 10 jours", 6, 10),
    ("d11_30", "11 à 30 jours", 11, 30),
    ("over_30", "Plus de 30 jours", 31, None),
]


def _dec(value) -> Decimal:
    """A database sum back to cents (SQLite sums decimals with float noise)."""
    return Decimal(value or 0).quantize(CENT)


def dispositif_label(code: str) -> str:
    return str(Dispositif(code).label) if code in Dispositif.values else code


HEALTH_ROWS = [dispositif_label(d) for d in HEALTH_DISPOSITIFS]


def cohort(period: Period, scope: Scope, dispositif: str | None = None) -> QuerySet:
    """The dossiers whose contract starts in the period, within the scope."""
    qs = Dossier.objects.filter(
        scope.agency_filter(), contract_start__gte=period.start, contract_start__lte=period.end
    )
    if dispositif:
        qs = qs.filter(dispositif=dispositif)
    return qs


def people(period: Period, scope: Scope, dispositif: str | None = None) -> int:
    """Whom the report is about: the distinct workers of the cohort, cancelled dossiers too."""
    qs = cohort(period, scope, dispositif)
    return qs.aggregate(n=Count("worker", distinct=True))["n"]


def _dispositifs(dispositif: str | None) -> list[str]:
    return [dispositif] if dispositif else list(Dispositif.values)


# Dossiers


def dossiers_by_dispositif(qs: QuerySet, dispositif=None) -> dict:
    found = {
        row["dispositif"]: row
        for row in qs.values("dispositif").annotate(
            total=Count("pk"),
            in_progress=Count("pk", filter=~Q(state__in=FINAL)),
            closed=Count("pk", filter=Q(state=S.CLOSED)),
            cancelled=Count("pk", filter=Q(state=S.CANCELLED)),
        )
    }
    keys = ["total", "in_progress", "closed", "cancelled"]
    rows = [
        {"dispositif": dispositif_label(d), **{k: found.get(d, {}).get(k, 0) for k in keys}}
        for d in _dispositifs(dispositif)
    ]
    return table(
        "dossiers_dispositif",
        "Dossiers par dispositif",
        SRC_CPNE,
        [
            col("dispositif", "Dispositif", TEXT),
            col("total", "Contrats débutant dans la période"),
            col("in_progress", "En cours"),
            col("closed", "Clôturés"),
            col("cancelled", "Annulés"),
        ],
        rows,
        {"dispositif": "Total", **{k: sum(r[k] for r in rows) for k in keys}},
        definition="Cohorte : dossiers dont le contrat débute dans la période. « En cours » : "
        "ni clôturé ni annulé.",
        sums={"total": ["in_progress", "closed", "cancelled"]},
        health_rows=HEALTH_ROWS,
    )


def _pivot(qs: QuerySet, field: str, dispositif=None):
    counts: dict = {}
    for row in qs.values(field, "dispositif").annotate(n=Count("pk")):
        counts.setdefault(row[field], {})[row["dispositif"]] = row["n"]
    return counts


def _pivot_columns(first_key: str, first_label: str, dispositif=None) -> list[dict]:
    return [
        col(first_key, first_label, TEXT),
        *[col(d, d.replace("_", " ").replace("PRO A", "Pro-A")) for d in _dispositifs(dispositif)],
        col("total", "Total"),
    ]


def _pivot_row(first_key, first_value, counts: dict, dispositif=None) -> dict:
    row = {first_key: first_value}
    for d in _dispositifs(dispositif):
        row[d] = counts.get(d, 0)
    row["total"] = sum(counts.get(d, 0) for d in _dispositifs(dispositif))
    return row


def _pivot_totals(first_key, rows, dispositif=None) -> dict:
    keys = [*_dispositifs(dispositif), "total"]
    return {first_key: "Total", **{k: sum(r[k] for r in rows) for k in keys}}


def _pivot_disclosure(dispositif=None) -> dict:
    """Each row's total is the sum of its dispositifs; the CAR column is health data."""
    return {
        "sums": {"total": _dispositifs(dispositif)},
        "health_columns": [str(d) for d in HEALTH_DISPOSITIFS],
    }


def dossiers_by_state(qs: QuerySet, dispositif=None) -> dict:
    counts = _pivot(qs, "state", dispositif)
    rows = [
        _pivot_row("state", str(state.label), counts.get(state.value, {}), dispositif)
        for state in DossierState
        if state.value in counts
    ]
    return table(
        "dossiers_etat",
        "Dossiers par état et dispositif",
        SRC_CPNE + " ; fiches FPE.TT « NOM DE CODE » (étapes du dossier)",
        _pivot_columns("state", "État", dispositif),
        rows,
        _pivot_totals("state", rows, dispositif),
        definition="État actuel des dossiers de la cohorte.",
        **_pivot_disclosure(dispositif),
    )


def dossiers_by_month(qs: QuerySet, dispositif=None) -> dict:
    counts = _pivot(qs.annotate(month=YearMonth("contract_start")), "month", dispositif)
    rows = [_pivot_row("month", month, counts[month], dispositif) for month in sorted(counts)]
    return table(
        "dossiers_mois",
        "Dossiers par mois de début du contrat",
        SRC_CPNE,
        _pivot_columns("month", "Mois", dispositif),
        rows,
        _pivot_totals("month", rows, dispositif),
        definition="Mois du début du contrat (AAAA-MM).",
        **_pivot_disclosure(dispositif),
    )


# Hours and funds


def _rate_in_force():
    """The standard hourly forfait in force on the contract start (FundingRate, dated).

    A CASE over the few rate rows rather than a subquery per dossier: the latest `valid_from`
    that covers the start wins, as `FundingRate.objects.in_force_on` reads it.
    """
    whens = []
    for rate in FundingRate.objects.filter(programme=FundingProgramme.STANDARD).order_by(
        "-valid_from", "-pk"
    ):
        in_force = Q(dispositif=rate.dispositif, contract_start__gte=rate.valid_from)
        if rate.valid_to:
            in_force &= Q(contract_start__lte=rate.valid_to)
        whens.append(When(in_force, then=Value(rate.hourly_rate)))
    return Case(*whens, default=Value(None), output_field=DEC) if whens else Value(None, DEC)


def _ledger_sums(qs: QuerySet) -> dict:
    """Funds reserved, claimed and paid per dispositif: the cohort joined to its ledger lines."""
    lines = "funding_lines"
    return {
        row["dispositif"]: row
        for row in qs.values("dispositif")
        .annotate(
            reserved=Sum(
                f"{lines}__amount", filter=Q(**{f"{lines}__kind": FundingLineKind.RESERVED})
            ),
            claimed=Sum(
                f"{lines}__amount", filter=Q(**{f"{lines}__kind": FundingLineKind.CLAIMED})
            ),
            paid=Sum(f"{lines}__amount", filter=Q(**{f"{lines}__kind": FundingLineKind.PAID})),
        )
        .order_by()
    }


def hours_and_funds(qs: QuerySet, dispositif=None) -> dict:
    found = _hours_rows(qs, _rate_in_force())
    ledger = _ledger_sums(qs)
    rows = []
    for d in _dispositifs(dispositif):
        row, money = found.get(d, {}), ledger.get(d, {})
        unknown = row.get("unknown_rate", 0)
        rows.append(
            {
                "dispositif": dispositif_label(d),
                "dossiers": row.get("dossiers", 0),
                "planned_hours": _dec(row.get("planned")),
                "completed_hours": _dec(row.get("completed")),
                "estimated": RATE_UNKNOWN if unknown else _dec(row.get("estimated")),
                "reserved": _dec(money.get("reserved")),
                "claimed": _dec(money.get("claimed")),
                "paid": _dec(money.get("paid")),
            }
        )
    keys = ["dossiers", "planned_hours", "completed_hours", "reserved", "claimed", "paid"]
    totals = {"dispositif": "Total", **{k: sum(r[k] for r in rows) for k in keys}}
    known = [r["estimated"] for r in rows if r["estimated"] != RATE_UNKNOWN]
    totals["estimated"] = RATE_UNKNOWN if len(known) < len(rows) else sum(known, Decimal("0"))
    return table(
        "heures_financements",
        "Heures de formation et financements",
        "Forfaits horaires des accords et fiches FPE.TT ; taux : taux de financement en vigueur "
        "au début du "
        "contrat (programme standard) ; montants réservés, demandés et payés : grand livre "
        "des financements",
        [
            col("dispositif", "Dispositif", TEXT),
            col("dossiers", "Dossiers (hors annulés)"),
            col("planned_hours", "Heures de formation prévues", HOURS, base="dossiers"),
            col("completed_hours", "Heures de formation réalisées", HOURS, base="dossiers"),
            # The hours times one forfait: as revealing as the hours.
            col(
                "estimated",
                "Montant estimé aux taux en vigueur (€)",
                MONEY,
                base="dossiers",
                of=("planned_hours",),
            ),
            col("reserved", "Fonds réservés (€)", MONEY, base="dossiers"),
            col("claimed", "Fonds demandés (€)", MONEY, base="dossiers"),
            col("paid", "Fonds payés (€)", MONEY, base="dossiers"),
        ],
        rows,
        totals,
        definition="Heures réalisées : heures prévues des dossiers dont la formation est "
        "terminée (suivi des missions, remboursement demandé, clôturé). Montant estimé : "
        "heures prévues × forfait horaire en vigueur au début du contrat ; « taux à "
        "renseigner » quand un dossier du dispositif n'a pas de taux connu.",
        health_rows=HEALTH_ROWS,
    )


def _hours_rows(qs: QuerySet, rate) -> dict:
    annotated = qs.exclude(state=S.CANCELLED).annotate(rate=rate)
    aggregates = {}
    for d in Dispositif.values:
        mine = Q(dispositif=d)
        aggregates.update(
            {
                f"{d}__dossiers": Count("pk", filter=mine),
                f"{d}__planned": Sum("planned_training_hours", filter=mine),
                f"{d}__completed": Sum(
                    "planned_training_hours", filter=mine & Q(state__in=TRAINING_DONE)
                ),
                f"{d}__estimated": Sum(
                    ExpressionWrapper(F("planned_training_hours") * F("rate"), output_field=DEC),
                    filter=mine & Q(rate__isnull=False),
                ),
                f"{d}__unknown_rate": Count("pk", filter=mine & Q(rate__isnull=True)),
            }
        )
    return _split(annotated.aggregate(**aggregates))


def _split(flat: dict) -> dict:
    """{"CPI__planned": 1} → {"CPI": {"planned": 1}}."""
    out: dict = {}
    for key, value in flat.items():
        group, name = key.split("__", 1)
        out.setdefault(group, {})[name] = value
    return out


# AKTO deposits


def deposits_on_time(qs: QuerySet, dispositif=None) -> dict:
    """On time: the deposit deadline is met; late: met late, or breached (not deposited by its
    date). The deadline's status says it (`cases.deadlines`: the deposit date against the due
    date); open deadlines (not yet due) and waived ones are not counted."""
    status = "deposit_deadline__status"
    found = {
        row["dispositif"]: row
        for row in qs.annotate(
            deposit_deadline=FilteredRelation(
                "deadlines", condition=Q(deadlines__kind=DeadlineKind.AKTO_DEPOSIT)
            )
        )
        .filter(**{f"{status}__in": DEPOSIT_ASSESSED})
        .values("dispositif")
        .annotate(
            assessed=Count("pk"),
            on_time=Count("pk", filter=Q(**{status: DeadlineStatus.MET})),
            deposited_late=Count("pk", filter=Q(**{status: DeadlineStatus.MET_LATE})),
            not_deposited=Count("pk", filter=Q(**{status: DeadlineStatus.BREACHED})),
        )
        .order_by()
    }
    keys = ["assessed", "on_time", "late", "deposited_late", "not_deposited"]
    rows = []
    for d in _dispositifs(dispositif):
        row = found.get(d)
        if row is None:
            continue
        late = row["deposited_late"] + row["not_deposited"]
        rows.append(
            {
                "dispositif": dispositif_label(d),
                **{k: row[k] for k in keys if k != "late"},
                "late": late,
                "rate": ratio(row["on_time"], row["assessed"]),
            }
        )
    totals = {k: sum(r[k] for r in rows) for k in keys}
    return table(
        "depots_akto",
        "Dépôts à l'AKTO dans les délais",
        "Fiches FPE.TT « NOM DE CODE » (échéances de dépôt : délai du jeu de règles en "
        "vigueur au début de chaque contrat) ; Code du travail D.6325-1, D.6224-1, D.6332-89",
        [
            col("dispositif", "Dispositif", TEXT),
            col("assessed", "Échéances de dépôt échues"),
            col("on_time", "Déposés dans le délai"),
            col("late", "En retard"),
            col("deposited_late", "dont déposés en retard"),
            col("not_deposited", "dont non déposés à la date limite"),
            col(
                "rate",
                "Taux de dépôt dans le délai (%)",
                RATE,
                base="assessed",
                of=("on_time", "assessed"),
            ),
        ],
        rows,
        {
            "dispositif": "Total",
            **totals,
            "rate": ratio(totals["on_time"], totals["assessed"]),
        },
        definition="Échéances de dépôt à l'AKTO des dossiers de la cohorte, calculées par le "
        "moteur de règles, selon leur statut : dans le délai = respectée (date de dépôt ≤ date "
        "limite) ; en retard = respectée en retard (déposé après la date limite) ou dépassée "
        "(pas de dépôt à la date limite). Les échéances à venir ou levées ne comptent pas.",
        sums={"assessed": ["on_time", "late"], "late": ["deposited_late", "not_deposited"]},
        health_rows=HEALTH_ROWS,
    )


def deposit_delays(qs: QuerySet, dispositif=None) -> dict:
    delay = DaysBetween("contract_start", "deposit_date")
    annotated = qs.filter(deposit_date__isnull=False).annotate(delay=delay)
    aggregates = {}
    for key, _, low, high in DELAY_BUCKETS:
        condition = Q()
        if low is not None:
            condition &= Q(delay__gte=low)
        if high is not None:
            condition &= Q(delay__lte=high)
        aggregates[key] = Count("pk", filter=condition)
    counts = annotated.aggregate(**aggregates)
    rows = [{"delay": label, "dossiers": counts[key]} for key, label, _, _ in DELAY_BUCKETS]
    return table(
        "delais_depot",
        "Délai de dépôt à l'AKTO (jours après le début du contrat)",
        "Fiches FPE.TT « NOM DE CODE » (échéances de dépôt)",
        [col("delay", "Délai", TEXT), col("dossiers", "Dossiers")],
        rows,
        {"delay": "Total", "dossiers": sum(r["dossiers"] for r in rows)},
        definition="Jours calendaires entre le début du contrat et la date de dépôt à l'AKTO.",
    )


# Mission obligations


def _obligation_texts(rule_sets) -> dict[str, str]:
    """Each dispositif's obligation in words, with the numbers of its rule sets."""
    texts: dict[str, list[str]] = {}
    for rule_set, params in reversed(rule_sets):  # the earliest first
        for text in rule_texts(params):
            if text not in texts.setdefault(rule_set.dispositif, []):
                texts[rule_set.dispositif].append(text)
    return {d: " ; puis ".join(found) for d, found in texts.items()}


SHEETS = {
    Dispositif.CIPI: "003 fiche CIPI",
    Dispositif.CDPI: "003 fiche CDPI",
    Dispositif.CAR: "003 fiche CAR",
}


# A mission obligation an agency manager lifted (cases.waivers: the only « Levée », authored).
WAIVED_OBLIGATION = Deadline.objects.filter(
    dossier=OuterRef("pk"),
    kind=DeadlineKind.MISSION_OBLIGATION,
    status=DeadlineStatus.WAIVED,
    waived_by__isnull=False,
)


def mission_obligations(qs: QuerySet, dispositif=None, *, as_of: dt.date) -> dict:
    """Dossiers whose obligation windows have closed, and those that met them: the SQL of
    `reports.obligations`, which mirrors `cases.rules.obligations` (pro rata included)."""
    aggregates = {}
    rule_sets = obligation_rule_sets()
    rows_qs = obligation_rows(
        qs.exclude(state=S.CANCELLED), as_of=as_of, rule_sets=rule_sets
    ).annotate(waived=Exists(WAIVED_OBLIGATION))
    for d in OBLIGATION_DISPOSITIFS:
        mine = Q(dispositif=d, assessed=True)
        aggregates[f"{d}__assessed"] = Count("pk", filter=mine)
        aggregates[f"{d}__met"] = Count("pk", filter=mine & Q(met=True))
        aggregates[f"{d}__waived"] = Count("pk", filter=mine & Q(met=False, waived=True))
    found = _split(rows_qs.aggregate(**aggregates))
    texts = _obligation_texts(rule_sets)
    rows = []
    for d in OBLIGATION_DISPOSITIFS:
        if dispositif and d != dispositif:
            continue
        assessed, met_count, waived = (found[d][k] for k in ("assessed", "met", "waived"))
        rows.append(
            {
                "dispositif": dispositif_label(d),
                "rule": f"{texts[d]} ({SHEETS[d]})" if d in texts else "",
                "assessed": assessed,
                "met": met_count,
                "waived": waived,
                "not_met": assessed - met_count - waived,
                "rate": ratio(met_count, assessed),
            }
        )
    assessed = sum(r["assessed"] for r in rows)
    met_total = sum(r["met"] for r in rows)
    waived_total = sum(r["waived"] for r in rows)
    return table(
        "obligations_missions",
        "Respect des obligations de missions",
        "Fiches FPE.TT « NOM DE CODE » CIPI, CDPI, CAR ; seuils lus dans les jeux de règles",
        [
            col("dispositif", "Dispositif", TEXT),
            col("rule", "Obligation", TEXT),
            col("assessed", "Dossiers évalués"),
            col("met", "Obligation respectée"),
            col("waived", "Obligation levée (responsable d'agence)"),
            col("not_met", "Obligation non respectée"),
            col("rate", "Taux de respect (%)", RATE, base="assessed", of=("met", "assessed")),
        ],
        rows,
        {
            "dispositif": "Total",
            "rule": "",
            "assessed": assessed,
            "met": met_total,
            "waived": waived_total,
            "not_met": assessed - met_total - waived_total,
            "rate": ratio(met_total, assessed),
        },
        definition=f"Dossiers non annulés dont la période d'obligation est close au "
        f"{as_of:%d/%m/%Y}. Seuils du jeu de règles en vigueur au début du contrat. Seules "
        "les heures travaillées dans la période comptent : une mission à cheval sur une limite "
        "compte au prorata de ses jours calendaires dans la période. « Levée » : obligation "
        "non respectée qu'un responsable d'agence a levée, avec son motif.",
        sums={"assessed": ["met", "waived", "not_met"]},
        health_rows=HEALTH_ROWS,
    )


# Publics

AT_MP_LABEL = "AT/MP survenu en mission (total, donnée de santé)"
AGE_LABELS = [
    "Âgés de 16 à 25 ans au début du contrat",
    "Âgés de 26 à 44 ans",
    "Âgés de 45 ans et plus",
]


def publics(qs: QuerySet, dispositif=None) -> dict:
    active = qs.exclude(state=S.CANCELLED)
    birth, start = "worker__birth_date", "contract_start"
    people = "worker"
    criteria = [
        ("age_16_25", AGE_LABELS[0], aged(birth, start, high=25)),
        ("age_26_44", AGE_LABELS[1], aged(birth, start, 26, 44)),
        ("age_45", AGE_LABELS[2], aged(birth, start, low=45)),
        ("rsa", "Bénéficiaires du RSA", Q(worker__rsa=True)),
        ("ass", "Bénéficiaires de l'ASS", Q(worker__ass=True)),
        ("aah", "Bénéficiaires de l'AAH", Q(worker__aah=True)),
        (
            "disability",
            "Bénéficiaires de l'obligation d'emploi (handicap)",
            Q(worker__disability=True),
        ),
        (
            "long_term",
            "Demandeurs d'emploi de longue durée (> 1 an)",
            more_than("worker__job_seeker_since", start, 1),
        ),
        ("mission_locale", "Suivis par une mission locale", Q(worker__mission_locale=True)),
        ("at_mp", AT_MP_LABEL, Q(worker__at_mp=True)),
    ]
    counts = active.aggregate(
        total=Count(people, distinct=True),
        **{key: Count(people, distinct=True, filter=cond) for key, _, cond in criteria},
    )
    rows = [{"public": label, "people": counts[key]} for key, label, _ in criteria]
    return table(
        "publics",
        "Publics (personnes distinctes)",
        "Publics des accords et fiches FPE.TT ; âge en années révolues au début du contrat ; "
        "accord-cadre Mission jeunes du 4 février 2025, art. 4 (confidentialité)",
        [col("public", "Public", TEXT), col("people", "Personnes")],
        rows,
        {"public": "Personnes distinctes de la cohorte", "people": counts["total"]},
        definition="Personnes distinctes ayant un dossier non annulé dans la cohorte ; une "
        "personne peut relever de plusieurs publics. AT/MP : total seulement.",
        additive=False,  # a person may count in several rows
        health_rows=[AT_MP_LABEL],
    )


# Certifications


def _by_code(qs: QuerySet) -> dict[str, int]:
    """Dossiers per certification code (one GROUP BY; the codes are looked up afterwards, once
    per code rather than once per dossier)."""
    return dict(
        qs.exclude(certification_code="")
        .values("certification_code")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("certification_code", "n")
    )


def _certifications_of(qs: QuerySet) -> QuerySet:
    return Certification.objects.filter(code__in=qs.values("certification_code"))


# The socle certifications are not in the RNCP register: their names, as France compétences
# publishes them.
SOCLE_TITLES = {
    "CLEA": "Certificat CléA (socle de connaissances et de compétences professionnelles)",
    "CLEA_NUMERIQUE": "Certificat CléA numérique",
}
NO_TITLE = "Intitulé non renseigné"


def certification_titles(qs: QuerySet, codes: list[str]) -> dict[str, str]:
    """Each code's title: the certification register's, else the one typed on the cohort's
    dossiers, else the socle certificate's name; « Intitulé non renseigné » only when none."""
    register = dict(
        Certification.objects.filter(code__in=codes, title__gt="")
        .order_by("code", "pk")
        .values_list("code", "title")
    )
    typed = dict(
        qs.filter(certification_code__in=codes, certification_title__gt="")
        .order_by("certification_code", "-pk")
        .values_list("certification_code", "certification_title")
    )
    return {
        code: register.get(code) or typed.get(code) or SOCLE_TITLES.get(code) or NO_TITLE
        for code in codes
    }


def certifications_top(qs: QuerySet, dispositif=None, limit: int = 10, *, counts=None) -> dict:
    counts = _by_code(qs) if counts is None else counts
    top = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]
    titles = certification_titles(qs, [code for code, _ in top])
    rows = [{"code": code, "title": titles[code], "dossiers": n} for code, n in top]
    return table(
        "certifications_top",
        "Certifications les plus visées",
        "Répertoire national des certifications professionnelles (RNCP) ; référentiel des "
        "certifications",
        [
            col("code", "Code", TEXT),
            col("title", "Intitulé", TEXT),
            col("dossiers", "Dossiers"),
        ],
        rows,
        definition=f"Les {limit} codes les plus fréquents dans la cohorte.",
    )


def certifications_by_sector(qs: QuerySet, dispositif=None, *, counts=None) -> dict:
    sectors: dict[str, str] = {}
    for code, sector in (
        CertificationListEntry.objects.filter(certification__in=_certifications_of(qs))
        .order_by("-order", "-pk")
        .values_list("certification__code", "sector")
    ):
        sectors[code] = sector  # the lowest `order` comes last and wins
    totals: dict[str, int] = {}
    members: dict[str, list[str]] = {}
    for code, n in (_by_code(qs) if counts is None else counts).items():
        sector = sectors.get(code, "Hors liste Pro-A")
        totals[sector] = totals.get(sector, 0) + n
        members.setdefault(sector, []).append(code)
    rows = [{"sector": sector, "dossiers": totals[sector]} for sector in sorted(totals)]
    return table(
        "certifications_secteur",
        "Certifications par secteur de la liste Pro-A",
        "001 annexe (liste des certifications Pro-A), 000 art. 3.1",
        [col("sector", "Secteur", TEXT), col("dossiers", "Dossiers")],
        rows,
        {"sector": "Total", "dossiers": sum(r["dossiers"] for r in rows)},
        definition="Secteur de la certification visée dans la liste Pro-A ; « Hors liste "
        "Pro-A » sinon.",
        members=members,
    )


def certifications_by_level(qs: QuerySet, dispositif=None, *, counts=None) -> dict:
    levels = dict(_certifications_of(qs).values_list("code", "level"))
    totals: dict[int | None, int] = {}
    codes: dict[int | None, list[str]] = {}
    for code, n in (_by_code(qs) if counts is None else counts).items():
        level = levels.get(code)
        totals[level] = totals.get(level, 0) + n
        codes.setdefault(level, []).append(code)
    labels = dict(CertificationLevel.choices)

    def label(level) -> str:
        if level is None:
            return "Niveau non renseigné"
        return str(labels.get(level, "Niveau non renseigné"))

    ordered = sorted(totals, key=lambda level: (level is None, level or 0))
    rows = [{"level": label(level), "dossiers": totals[level]} for level in ordered]
    members: dict[str, list[str]] = {}
    for level in ordered:
        members.setdefault(label(level), []).extend(codes[level])
    return table(
        "certifications_niveau",
        "Certifications par niveau",
        "Niveaux du RNCP ; référentiel des certifications",
        [col("level", "Niveau", TEXT), col("dossiers", "Dossiers")],
        rows,
        {"level": "Total", "dossiers": sum(r["dossiers"] for r in rows)},
        members=members,
    )


# Pro-A forfait review


def pro_a_forfait(qs: QuerySet, dispositif=None, *, on: dt.date) -> dict:
    pro_a = qs.filter(dispositif__in=PRO_A).exclude(state=S.CANCELLED)
    counts = {
        row["dispositif"]: row
        for row in pro_a.values("dispositif").annotate(
            n=Count("pk"), hours=Sum("planned_training_hours")
        )
    }
    ledger = _ledger_sums(pro_a)
    forfaits, sources = {}, {}
    for rate in (
        FundingRate.objects.in_force_on(on)
        .filter(dispositif__in=PRO_A, programme=FundingProgramme.STANDARD)
        .order_by("valid_from")
    ):
        forfaits[rate.dispositif] = rate.hourly_rate
        sources[rate.dispositif] = rate.source
    rows = []
    for d in PRO_A:
        if dispositif and d != dispositif:
            continue
        hours = _dec(counts.get(d, {}).get("hours"))
        claimed = _dec(ledger.get(d, {}).get("claimed"))
        forfait = forfaits.get(d)
        cost = (claimed / hours).quantize(CENT) if hours else None
        rows.append(
            {
                "dispositif": dispositif_label(d),
                "dossiers": counts.get(d, {}).get("n", 0),
                "hours": hours,
                "at_forfait": (hours * forfait).quantize(CENT) if forfait else RATE_UNKNOWN,
                "claimed": claimed,
                "cost_per_hour": cost,
                "forfait": forfait if forfait is not None else RATE_UNKNOWN,
            }
        )
    return table(
        "pro_a_forfait",
        "Pro-A : revue du forfait horaire",
        "000/001 art. 6 (forfait horaire, revu par la CPNE) ; forfait lu dans les taux de "
        f"financement en vigueur le {on:%d/%m/%Y}"
        + "".join(f" ; {s}" for s in dict.fromkeys(sources.values())),
        [
            col("dispositif", "Dispositif", TEXT),
            col("dossiers", "Dossiers (hors annulés)"),
            col("hours", "Heures de formation prévues", HOURS, base="dossiers"),
            col("at_forfait", "Montant au forfait (€)", MONEY, of=("hours",)),
            col("claimed", "Montant demandé (€)", MONEY, base="dossiers"),
            col("cost_per_hour", "Coût horaire constaté (€/h)", MONEY, of=("claimed", "hours")),
            col("forfait", "Forfait en vigueur (€/h)", MONEY),  # a published rate
        ],
        rows,
        definition="Coût horaire constaté : montant demandé au remboursement ÷ heures de "
        "formation prévues. Montant au forfait : heures × forfait en vigueur.",
    )


def cpne_tables(period: Period, scope: Scope, dispositif=None, *, as_of: dt.date) -> list[dict]:
    qs = cohort(period, scope, dispositif)
    codes = _by_code(qs)  # shared by the three certification tables
    return [
        dossiers_by_dispositif(qs, dispositif),
        dossiers_by_state(qs, dispositif),
        dossiers_by_month(qs, dispositif),
        hours_and_funds(qs, dispositif),
        deposits_on_time(qs, dispositif),
        deposit_delays(qs, dispositif),
        mission_obligations(qs, dispositif, as_of=as_of),
        publics(qs, dispositif),
        certifications_top(qs, dispositif, counts=codes),
        certifications_by_sector(qs, dispositif, counts=codes),
        certifications_by_level(qs, dispositif, counts=codes),
        pro_a_forfait(qs, dispositif, on=min(period.end, as_of)),
    ]
