"""The OpenAPI schema and its Swagger UI page, for signed-in users only.

The schema names every resource, field and filter of the API: it is no reading for anonymous
visitors. Who may read it is drf-spectacular's SERVE_PERMISSIONS (config/settings.py).
"""

from django.contrib.auth.decorators import login_required
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.renderers import JSONRenderer


class ContractGenerator(SchemaGenerator):
    """Build the schema as for no particular reader: one contract, whoever asks.

    Serializers shape their fields to the request's user (the health fields go for the roles
    that may not see them); the published contract lists every field, and its description
    says which roles receive which.
    """

    def get_schema(self, request=None, public=False):
        return super().get_schema(request=None, public=public)


class SchemaView(SpectacularAPIView):
    """The schema (YAML by default, JSON on request); its refusals in JSON as the API's."""

    generator_class = ContractGenerator

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        # The negotiated renderer is the schema's YAML; an error reads as every other one.
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return response


# A browser page: an anonymous visitor is sent to the login page, then back. The split view
# serves its start-up script from a URL of its own, not inline, as the CSP requires.
docs_view = login_required(SpectacularSwaggerSplitView.as_view(url_name="schema"))
