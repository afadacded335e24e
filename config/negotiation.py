"""The API's content negotiation, in a module of its own.

DRF reads `DEFAULT_CONTENT_NEGOTIATION_CLASS` when `rest_framework.views` is first imported
(`APIView`'s class body), so the class must live where importing it does not import
`rest_framework.views` again (config.api does, for its exception handler).
"""

from rest_framework import exceptions
from rest_framework.negotiation import DefaultContentNegotiation


class StrictContentNegotiation(DefaultContentNegotiation):
    """`?format=` given empty is refused (406), as the schema's enum says, rather than read
    as no format at all (DRF's default)."""

    def select_renderer(self, request, renderers, format_suffix=None):
        name = self.settings.URL_FORMAT_OVERRIDE
        if not format_suffix and name and request.query_params.get(name) == "":
            raise exceptions.NotAcceptable(
                "Format de réponse vide : retirez ?format= ou nommez-en un."
            )
        return super().select_renderer(request, renderers, format_suffix)
