"""The parameters of a rule set, parsed and validated from the RuleSet JSON (DOMAIN.md §2, §6).

Every parameter carries its `source` citation. A parameter left out of a rule set does not
apply to that dispositif (e.g. CAI has no contract-hours range).
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from accords.choices import Employment, PublicCode

PUBLIC_CODES = frozenset(PublicCode.values)
EMPLOYMENTS = frozenset(Employment.values)
DEPOSIT_COUNTING = ("calendar", "working", "on_training_start")
SILENCE_MEANINGS = ("accepted", "refused")
TUTORS = ("agency", "eu")
SOCLE_CODES = ("CLEA", "CLEA_NUMERIQUE")
SEVERITIES = ("error", "warning")
REGISTER_ROUTES = ("professionalisation", "apprenticeship")


class ParameterError(ValueError):
    """A rule set's parameters do not follow the schema; the message is in French."""


@dataclass(frozen=True)
class PublicCondition:
    """A public: the worker holds all of `all_of`, one of `any_of` (if given), and the age."""

    all_of: frozenset[str] = frozenset()
    any_of: frozenset[str] = frozenset()
    age_min: int | None = None
    age_max: int | None = None

    def matches(self, codes: frozenset[str], age: int) -> bool:
        return (
            self.all_of <= codes
            and (not self.any_of or bool(self.any_of & codes))
            and (self.age_min is None or age >= self.age_min)
            and (self.age_max is None or age <= self.age_max)
        )


@dataclass(frozen=True)
class Publics:
    conditions: tuple[PublicCondition, ...]
    source: str

    def match(self, codes: frozenset[str], age: int) -> bool:
        return any(condition.matches(codes, age) for condition in self.conditions)


@dataclass(frozen=True)
class AgeRange:
    min: int | None
    max: int | None
    exemptions: frozenset[str]
    source: str


@dataclass(frozen=True)
class Allowed:
    values: frozenset[str]
    source: str


@dataclass(frozen=True)
class Seniority:
    min_hours: Decimal
    months: int
    exempt: Publics


@dataclass(frozen=True)
class MaxLevel:
    below: int
    source: str


@dataclass(frozen=True)
class CertificationRule:
    socle: frozenset[str]
    list_accord_signature_date: dt.date | None
    source: str


@dataclass(frozen=True)
class RegisterRule:
    """What the RNCP register must say of the target certification, and how much it weighs:
    the access route the contract uses, and each finding's severity (`error` or `warning`)."""

    route: str
    unknown: str
    inactive: str
    route_closed: str
    source: str


@dataclass(frozen=True)
class IntRange:
    min: int | None
    max: int | None
    source: str


@dataclass(frozen=True)
class DecimalRange:
    min: Decimal | None
    max: Decimal | None
    source: str


@dataclass(frozen=True)
class ExtendedMonths:
    max: int
    publics: Publics


@dataclass(frozen=True)
class TrainingRatio:
    min: Decimal | None
    max: Decimal | None
    extended_max: Decimal | None
    extended_certifications: frozenset[str]
    source: str


@dataclass(frozen=True)
class MissionAfterTraining:
    numerator: int
    denominator: int
    window_months: int
    source: str


@dataclass(frozen=True)
class Step:
    required: bool
    source: str


@dataclass(frozen=True)
class Deposit:
    days: int
    counting: str
    source: str


@dataclass(frozen=True)
class Decision:
    days: int
    silence: str
    source: str


@dataclass(frozen=True)
class Reimbursement:
    """Days after the training ends to ask AKTO for reimbursement (003: a parameter)."""

    days_after_training: int
    source: str


@dataclass(frozen=True)
class WeeklyHours:
    """The legal weekly working time: a plan's contract hours when it gives none (per
    calendar week of the contract; Code du travail L3121-27)."""

    hours: Decimal
    source: str


@dataclass(frozen=True)
class RuleParameters:
    publics: Publics | None = None
    age: AgeRange | None = None
    employment: Allowed | None = None
    seniority: Seniority | None = None
    max_level: MaxLevel | None = None
    certification: CertificationRule | None = None
    register: RegisterRule | None = None
    contract_months: IntRange | None = None
    extended_months: ExtendedMonths | None = None
    contract_hours: DecimalRange | None = None
    training_hours: DecimalRange | None = None
    training_ratio: TrainingRatio | None = None
    training_months: IntRange | None = None
    mission_in_contract: DecimalRange | None = None
    mission_after_training: MissionAfterTraining | None = None
    tutors: Allowed | None = None
    opinion: Step | None = None
    fund_reservation: Step | None = None
    deposit: Deposit | None = None
    decision: Decision | None = None
    reimbursement: Reimbursement | None = None
    weekly_hours: WeeklyHours | None = None
    extra: dict = field(default_factory=dict)


# Parsing: small readers that raise ParameterError with the parameter's name.


def _source(data: dict, name: str) -> str:
    source = data.get("source")
    if not isinstance(source, str) or not source.strip():
        raise ParameterError(f"« {name} » : la source (document et article) est obligatoire.")
    return source


def _int(value: Any, name: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ParameterError(f"« {name} » : un nombre entier positif est attendu.")
    return value


def _decimal(value: Any, name: str) -> Decimal | None:
    if value is None:
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation as exc:
        raise ParameterError(f"« {name} » : un nombre décimal est attendu.") from exc
    if not number.is_finite() or number < 0:
        raise ParameterError(f"« {name} » : un nombre positif est attendu.")
    return number


def _codes(values: Any, allowed: frozenset[str], name: str) -> frozenset[str]:
    if not isinstance(values, list) or any(v not in allowed for v in values):
        raise ParameterError(f"« {name} » : liste de codes inconnus ou mal formée.")
    return frozenset(values)


def _ordered(low, high, name: str) -> None:
    if low is not None and high is not None and low > high:
        raise ParameterError(f"« {name} » : le minimum dépasse le maximum.")


def _publics(data: dict, name: str) -> Publics:
    conditions = data.get("conditions")
    if not isinstance(conditions, list):
        raise ParameterError(f"« {name} » : une liste « conditions » est attendue.")
    parsed = tuple(
        PublicCondition(
            all_of=_codes(c.get("all_of", []), PUBLIC_CODES, f"{name}.all_of"),
            any_of=_codes(c.get("any_of", []), PUBLIC_CODES, f"{name}.any_of"),
            age_min=_int(c.get("age_min"), f"{name}.age_min"),
            age_max=_int(c.get("age_max"), f"{name}.age_max"),
        )
        for c in conditions
    )
    return Publics(conditions=parsed, source=_source(data, name))


def _int_range(data: dict, name: str) -> IntRange:
    low, high = _int(data.get("min"), f"{name}.min"), _int(data.get("max"), f"{name}.max")
    _ordered(low, high, name)
    return IntRange(min=low, max=high, source=_source(data, name))


def _decimal_range(data: dict, name: str) -> DecimalRange:
    low = _decimal(data.get("min"), f"{name}.min")
    high = _decimal(data.get("max"), f"{name}.max")
    _ordered(low, high, name)
    return DecimalRange(min=low, max=high, source=_source(data, name))


def _date(value: Any, name: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"« {name} » : une date AAAA-MM-JJ est attendue.") from exc


_READERS = {
    "publics": _publics,
    "age": lambda d, n: AgeRange(
        min=_int(d.get("min"), f"{n}.min"),
        max=_int(d.get("max"), f"{n}.max"),
        exemptions=_codes(d.get("exemptions", []), PUBLIC_CODES, f"{n}.exemptions"),
        source=_source(d, n),
    ),
    "employment": lambda d, n: Allowed(
        values=_codes(d.get("allowed"), EMPLOYMENTS, f"{n}.allowed"), source=_source(d, n)
    ),
    "seniority": lambda d, n: Seniority(
        min_hours=_decimal(d.get("min_hours"), f"{n}.min_hours") or Decimal("0"),
        months=_int(d.get("months"), f"{n}.months") or 12,
        exempt=_publics({"conditions": d.get("exempt", []), "source": _source(d, n)}, n),
    ),
    "max_level": lambda d, n: MaxLevel(
        below=_int(d.get("below"), f"{n}.below") or 0, source=_source(d, n)
    ),
    "certification": lambda d, n: CertificationRule(
        socle=_codes(d.get("socle", []), frozenset(SOCLE_CODES), f"{n}.socle"),
        list_accord_signature_date=_date(d.get("list_accord_signature_date"), n),
        source=_source(d, n),
    ),
    "register": lambda d, n: RegisterRule(
        route=_choice(d.get("route"), REGISTER_ROUTES, f"{n}.route"),
        unknown=_choice(d.get("unknown"), SEVERITIES, f"{n}.unknown"),
        inactive=_choice(d.get("inactive"), SEVERITIES, f"{n}.inactive"),
        route_closed=_choice(d.get("route_closed"), SEVERITIES, f"{n}.route_closed"),
        source=_source(d, n),
    ),
    "contract_months": _int_range,
    "extended_months": lambda d, n: ExtendedMonths(
        max=_int(d.get("max"), f"{n}.max") or 0,
        publics=_publics({"conditions": d.get("conditions"), "source": _source(d, n)}, n),
    ),
    "contract_hours": _decimal_range,
    "training_hours": _decimal_range,
    "training_ratio": lambda d, n: TrainingRatio(
        min=_decimal(d.get("min"), f"{n}.min"),
        max=_decimal(d.get("max"), f"{n}.max"),
        extended_max=_decimal(d.get("extended_max"), f"{n}.extended_max"),
        extended_certifications=frozenset(d.get("extended_certifications", [])),
        source=_source(d, n),
    ),
    "training_months": _int_range,
    "mission_in_contract": _decimal_range,
    "mission_after_training": lambda d, n: MissionAfterTraining(
        numerator=_int(d.get("numerator"), f"{n}.numerator") or 1,
        denominator=_int(d.get("denominator"), f"{n}.denominator") or 1,
        window_months=_int(d.get("window_months"), f"{n}.window_months") or 0,
        source=_source(d, n),
    ),
    "tutors": lambda d, n: Allowed(
        values=_codes(d.get("required"), frozenset(TUTORS), f"{n}.required"),
        source=_source(d, n),
    ),
    "opinion": lambda d, n: Step(required=bool(d.get("required")), source=_source(d, n)),
    "fund_reservation": lambda d, n: Step(required=bool(d.get("required")), source=_source(d, n)),
    "deposit": lambda d, n: Deposit(
        days=_int(d.get("days"), f"{n}.days") or 0,
        counting=_choice(d.get("counting"), DEPOSIT_COUNTING, f"{n}.counting"),
        source=_source(d, n),
    ),
    "decision": lambda d, n: Decision(
        days=_int(d.get("days"), f"{n}.days") or 0,
        silence=_choice(d.get("silence"), SILENCE_MEANINGS, f"{n}.silence"),
        source=_source(d, n),
    ),
    "reimbursement": lambda d, n: Reimbursement(
        days_after_training=_int(d.get("days_after_training"), f"{n}.days_after_training") or 0,
        source=_source(d, n),
    ),
    "weekly_hours": lambda d, n: WeeklyHours(
        hours=_positive(d.get("hours"), f"{n}.hours"), source=_source(d, n)
    ),
}


def _positive(value: Any, name: str) -> Decimal:
    number = _decimal(value, name)
    if not number:
        raise ParameterError(f"« {name} » : un nombre d'heures supérieur à zéro est attendu.")
    return number


def _choice(value: Any, choices: tuple[str, ...], name: str) -> str:
    if value not in choices:
        raise ParameterError(f"« {name} » : valeur attendue parmi {', '.join(choices)}.")
    return value


def parse_parameters(data: Any) -> RuleParameters:
    """Read a rule set's JSON parameters, or raise ParameterError naming the faulty one."""
    if not isinstance(data, dict):
        raise ParameterError("Les paramètres doivent être un objet JSON.")
    unknown = set(data) - set(_READERS) - {"extra"}
    if unknown:
        raise ParameterError("Paramètres inconnus : " + ", ".join(sorted(unknown)) + ".")
    parsed = {}
    for name, value in data.items():
        if name == "extra":
            continue
        if not isinstance(value, dict):
            raise ParameterError(f"« {name} » : un objet JSON est attendu.")
        parsed[name] = _READERS[name](value, name)
    return RuleParameters(**parsed, extra=data.get("extra") or {})
