"""The OpenAPI schema class: drf-spectacular's, with every error response documented."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse

from cases.api.schema import ErrorSerializer

ERROR_DESCRIPTIONS = {
    "400": "Données invalides : `errors` donne les messages par champ.",
    "401": "Authentification absente ou invalide (jeton ou session).",
    "403": "Votre rôle ne permet pas cette opération.",
    "404": "Ressource introuvable, ou hors du périmètre de vos agences.",
    "405": "Méthode non autorisée sur cette ressource.",
    "406": "Format de réponse demandé non disponible.",
    "415": "Type de contenu de la requête non pris en charge.",
}
PAYLOAD_TOO_LARGE_DESCRIPTION = (
    "Requête trop volumineuse : corps ou fichier au-delà de la taille maximale."
)
CONFLICT_DESCRIPTION = (
    "Conflit : étape impossible depuis l'état du dossier, bloquée par des constats "
    "(`findings`), dossier modifié entre-temps ou clôturé."
)


class ApiAutoSchema(AutoSchema):
    """drf-spectacular's schema, with every error response of the API documented."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code, response in responses.items():
            if code.startswith("2") and not response.get("description"):
                response["description"] = "Succès."
        codes = dict(ERROR_DESCRIPTIONS)
        if getattr(self.view, "action", None) in getattr(self.view, "conflict_actions", ()):
            codes["409"] = getattr(self.view, "conflict_description", CONFLICT_DESCRIPTION)
        if self.method in ("POST", "PUT", "PATCH"):
            codes["413"] = PAYLOAD_TOO_LARGE_DESCRIPTION
        for code, description in codes.items():
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(ErrorSerializer, description=description), code
                )
        return responses

    def _get_format_parameters(self):
        parameters = super()._get_format_parameters()
        for parameter in parameters:
            parameter["description"] = "Format de la réponse (à défaut de l'en-tête Accept)."
        return parameters


# A string field of a request body: DRF refuses the NUL character in every one of them
# (ProhibitNullCharactersValidator), so the schema says so.
NO_NUL_PATTERN = r"^[^\x00]*$"


def postprocess_request_strings(result, generator, request, public):
    """drf-spectacular hook (`POSTPROCESSING_HOOKS`): what request strings may not contain."""
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request"):
            _no_nul(component)
    # The query string too: a NUL in a parameter is refused (400).
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                # `ordering`: an unknown field is ignored, whatever it holds (DRF).
                if parameter.get("in") == "query" and parameter.get("name") != "ordering":
                    _no_nul(parameter.get("schema"))
    return result


def _no_nul(schema) -> None:
    if not isinstance(schema, dict):
        return
    if (
        schema.get("type") == "string"
        and not schema.get("readOnly")
        and not {"enum", "format", "pattern"} & set(schema)
        and schema.get("maxLength") != 0
    ):
        schema["pattern"] = NO_NUL_PATTERN
    for key in ("properties", "patternProperties"):
        for child in schema.get(key, {}).values():
            _no_nul(child)
    for key in ("items", "additionalProperties", "not"):
        _no_nul(schema.get(key))
    for key in ("oneOf", "anyOf", "allOf"):
        for child in schema.get(key, []):
            _no_nul(child)
