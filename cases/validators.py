"""Identifier checks with French messages (python-stdnum does the arithmetic)."""

import re

from django.core.exceptions import ValidationError
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import nir, siret

RNCP_PATTERN = re.compile(r"^RNCP\d{3,6}$")
CLEA_CODES = ("CLEA", "CLEA_NUMERIQUE")


def validate_siret(value: str) -> None:
    try:
        siret.validate(value)
    except StdnumError as exc:
        raise ValidationError(
            "« %(value)s » n'est pas un numéro SIRET valide (14 chiffres, clé de contrôle).",
            code="invalid_siret",
            params={"value": value},
        ) from exc


NIR_INVALID = (
    "Le NIR saisi n'est pas valide : saisissez les 15 caractères de la carte Vitale "
    "(13 chiffres, 2A ou 2B pour la Corse, puis la clé de 2 chiffres) ; espaces et points "
    "sont acceptés. Si le numéro est complet, vérifiez la clé."
)


def validate_nir(value: str) -> None:
    try:
        nir.validate(nir.compact(value))
    except StdnumError as exc:
        raise ValidationError(NIR_INVALID, code="invalid_nir") from exc


def validate_certification_code(value: str) -> None:
    if value in CLEA_CODES or RNCP_PATTERN.match(value):
        return
    raise ValidationError(
        "« %(value)s » n'est pas un code de certification valide : "
        "« RNCP » suivi de chiffres (ex. RNCP34860), CLEA ou CLEA_NUMERIQUE.",
        code="invalid_certification_code",
        params={"value": value},
    )


def compact_siret(value: str) -> str:
    return siret.compact(value)


def compact_nir(value: str) -> str:
    """« 1 85 05.78 006 084 91 » → « 185057800608491 » (spaces and dots dropped)."""
    return nir.compact(value or "")


def mask_nir(value: str) -> str:
    """`185057800608491` → `1 85 05 ** *** *** 91`: sex, birth year and month, key.

    What stays is what a person's age band and the key check need; the birth place and the
    order number, which single a person out, are hidden. Anything that is not a 15-character
    NIR is hidden whole.
    """
    value = (value or "").replace(" ", "")
    if not value:
        return ""
    if len(value) != 15:
        return "*" * len(value)
    return f"{value[0]} {value[1:3]} {value[3:5]} ** *** *** {value[13:]}"


def nir_end(value: str) -> str:
    """The masked NIR's last digits (its key), enough to tell two namesakes apart: « …91 »."""
    masked = mask_nir(value)
    return f"…{masked[-2:]}" if masked and not masked.endswith("*") else ""
