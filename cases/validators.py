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


def validate_nir(value: str) -> None:
    try:
        nir.validate(value)
    except StdnumError as exc:
        raise ValidationError(
            "Le NIR saisi n'est pas valide (15 caractères, clé de contrôle).",
            code="invalid_nir",
        ) from exc


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
    return nir.compact(value)
