"""What each rule-set parameter means to a person: its French label, unit and allowed values.

`accords.params` reads and validates the parameters; this module describes them, so that the
rule-set editor shows one form field per parameter (with its label and its source) instead of
raw JSON with English keys. Every parameter `accords.params` reads is declared here (a test
compares the two).
"""

from dataclasses import dataclass

from accords.choices import AccessRoute, Employment, PublicCode

INT, DECIMAL, CHOICE, CODES, BOOL, DATE, TEXT_CODES = (
    "int",
    "decimal",
    "choice",
    "codes",
    "bool",
    "date",
    "text_codes",
)

COUNTING_LABELS = {
    "calendar": "jours calendaires après le début du contrat",
    "working": "jours ouvrables après le début du contrat",
    "on_training_start": "au plus tard au début de la formation",
}
SILENCE_LABELS = {"accepted": "vaut acceptation", "refused": "vaut refus"}
REGISTER_ROUTE_LABELS = {
    "professionalisation": "contrat de professionnalisation",
    "apprenticeship": "apprentissage",
}
SEVERITY_LABELS = {"error": "erreur (bloque le dossier)", "warning": "avertissement"}
TUTOR_LABELS = {"agency": "tuteur en agence", "eu": "tuteur en entreprise utilisatrice"}
SEVERITY_LABELS = {"error": "bloquant", "warning": "avertissement"}
ROUTE_LABELS = {code: str(label) for code, label in AccessRoute.choices}
SOCLE_LABELS = {"CLEA": "CléA", "CLEA_NUMERIQUE": "CléA numérique"}
PUBLIC_LABELS = {code: str(label) for code, label in PublicCode.choices}
EMPLOYMENT_LABELS = {code: str(label) for code, label in Employment.choices}


@dataclass(frozen=True)
class Leaf:
    """One value of a parameter: its JSON key, French label, kind, unit and allowed values."""

    key: str
    label: str
    kind: str
    unit: str = ""
    choices: dict[str, str] | None = None


@dataclass(frozen=True)
class Parameter:
    """A parameter of a rule set: its French label, its values and, for publics, the key of
    its list of conditions (each: all of / one of these publics, an age range)."""

    name: str
    label: str
    leaves: tuple[Leaf, ...] = ()
    conditions_key: str = ""
    conditions_label: str = ""


def _range(name: str, label: str, kind: str, unit: str) -> Parameter:
    return Parameter(
        name,
        label,
        (Leaf("min", "minimum", kind, unit), Leaf("max", "maximum", kind, unit)),
    )


PARAMETERS: tuple[Parameter, ...] = (
    Parameter(
        "publics",
        "Publics éligibles",
        conditions_key="conditions",
        conditions_label="Public",
    ),
    Parameter(
        "age",
        "Âge au début du contrat",
        (
            Leaf("min", "âge minimum", INT, "ans"),
            Leaf("max", "âge maximum", INT, "ans"),
            Leaf("exemptions", "publics sans âge maximum", CODES, choices=PUBLIC_LABELS),
        ),
    ),
    Parameter(
        "employment",
        "Contrats de travail admis",
        (Leaf("allowed", "contrats admis", CODES, choices=EMPLOYMENT_LABELS),),
    ),
    Parameter(
        "seniority",
        "Ancienneté dans la branche",
        (
            Leaf("min_hours", "heures minimum", DECIMAL, "h"),
            Leaf("months", "sur les derniers", INT, "mois"),
        ),
        conditions_key="exempt",
        conditions_label="Public dispensé d'ancienneté",
    ),
    Parameter(
        "max_level",
        "Niveau de certification déjà détenu",
        (Leaf("below", "réservé aux salariés sous le niveau", INT, "niveau RNCP"),),
    ),
    Parameter(
        "certification",
        "Certification visée",
        (
            Leaf("socle", "certifications du socle admises", CODES, choices=SOCLE_LABELS),
            Leaf("list_accord_signature_date", "liste de branche : accord signé le", DATE),
        ),
    ),
    Parameter(
        "register",
        "Registre RNCP (certification visée)",
        (
            Leaf("route", "voie d'accès exigée", CHOICE, choices=REGISTER_ROUTE_LABELS),
            Leaf("unknown", "code absent du registre", CHOICE, choices=SEVERITY_LABELS),
            Leaf(
                "inactive",
                "fiche non enregistrée au début du contrat",
                CHOICE,
                choices=SEVERITY_LABELS,
            ),
            Leaf("route_closed", "voie d'accès fermée", CHOICE, choices=SEVERITY_LABELS),
        ),
    ),
    _range("contract_months", "Durée du contrat", INT, "mois"),
    Parameter(
        "extended_months",
        "Durée du contrat allongée pour certains publics",
        (Leaf("max", "durée maximum", INT, "mois"),),
        conditions_key="conditions",
        conditions_label="Public concerné",
    ),
    _range("contract_hours", "Heures du contrat", DECIMAL, "h"),
    _range("training_hours", "Heures de formation", DECIMAL, "h"),
    Parameter(
        "training_ratio",
        "Part de la formation dans le contrat",
        (
            Leaf(
                "min", "part minimum", DECIMAL, "fraction du contrat, de 0 à 1 (0,5 pour la moitié)"
            ),
            Leaf(
                "max", "part maximum", DECIMAL, "fraction du contrat, de 0 à 1 (0,5 pour la moitié)"
            ),
            Leaf("extended_max", "part maximum allongée", DECIMAL, "fraction du contrat"),
            Leaf(
                "extended_certifications",
                "certifications ouvrant la part allongée",
                TEXT_CODES,
                "codes séparés par des virgules (ex. RNCP34860)",
            ),
        ),
    ),
    _range("training_months", "Durée de la formation", INT, "mois"),
    _range("mission_in_contract", "Heures de mission dans le contrat", DECIMAL, "h"),
    Parameter(
        "mission_after_training",
        "Missions après la formation",
        (
            Leaf("numerator", "part de la durée de formation : numérateur", INT),
            Leaf("denominator", "part de la durée de formation : dénominateur", INT),
            Leaf("window_months", "dans les", INT, "mois suivant la fin de la formation"),
        ),
    ),
    Parameter(
        "tutors",
        "Tuteurs",
        (Leaf("required", "tuteurs exigés", CODES, choices=TUTOR_LABELS),),
    ),
    Parameter(
        "opinion",
        "Avis du pôle reconversion FPE.TT",
        (Leaf("required", "avis exigé", BOOL),),
    ),
    Parameter(
        "fund_reservation",
        "Réservation de fonds à l'AKTO",
        (Leaf("required", "réservation exigée", BOOL),),
    ),
    Parameter(
        "deposit",
        "Dépôt du dossier à l'AKTO",
        (
            Leaf("days", "délai", INT, "jours"),
            Leaf("counting", "décompte du délai", CHOICE, choices=COUNTING_LABELS),
        ),
    ),
    Parameter(
        "decision",
        "Décision de l'AKTO",
        (
            Leaf("days", "délai de réponse", INT, "jours"),
            Leaf("silence", "silence de l'AKTO", CHOICE, choices=SILENCE_LABELS),
        ),
    ),
    Parameter(
        "register",
        "Registre RNCP (certification visée)",
        (
            Leaf("route", "voie d'accès du contrat", CHOICE, choices=ROUTE_LABELS),
            Leaf("unknown", "code absent du registre", CHOICE, choices=SEVERITY_LABELS),
            Leaf("inactive", "fiche inactive au début du contrat", CHOICE, choices=SEVERITY_LABELS),
            Leaf("route_closed", "voie d'accès fermée", CHOICE, choices=SEVERITY_LABELS),
        ),
    ),
    Parameter(
        "reimbursement",
        "Demande de remboursement",
        (Leaf("days_after_training", "délai après la fin de la formation", INT, "jours"),),
    ),
    Parameter(
        "weekly_hours",
        "Durée légale hebdomadaire du travail",
        (
            Leaf(
                "hours",
                "heures de contrat par semaine calendaire, si le dossier n'en prévoit pas",
                DECIMAL,
                "h par semaine",
            ),
        ),
    ),
)

BY_NAME = {parameter.name: parameter for parameter in PARAMETERS}
