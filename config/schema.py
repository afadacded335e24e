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
