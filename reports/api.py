"""GET /api/v1/reports/cpne/ and /api/v1/reports/mission-jeunes/: JSON, or a download."""

from django.core.exceptions import PermissionDenied, ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.choices import Dispositif
from reports import downloads, periods, scope, services


class _FileRenderer(BaseRenderer):
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        return JSONRenderer().render(data)  # an error raised before the file is built


class XlsxRenderer(_FileRenderer):
    media_type = downloads.XLSX
    format = "xlsx"


class CsvRenderer(_FileRenderer):
    media_type = "text/csv"
    format = "csv"


class PdfRenderer(_FileRenderer):
    media_type = "application/pdf"
    format = "pdf"


RENDERERS = [JSONRenderer, XlsxRenderer, CsvRenderer, PdfRenderer]

# The years a period may name (reports.periods: FIRST_YEAR to LAST_YEAR, 1900–2100).
YEAR_PATTERN = "(?:19[0-9]{2}|20[0-9]{2}|2100)"
SCOPE_PARAMETERS = [
    OpenApiParameter(
        "scope",
        str,
        enum=list(scope.SCOPES),
        description="Périmètre : all (toutes les agences permises), company, agency ou region. "
        "Un utilisateur d'agence ne voit que ses agences.",
    ),
    OpenApiParameter(
        "agency",
        {"type": "integer", "minimum": 0},
        description="Identifiant de l'agence (scope=agency).",
    ),
    OpenApiParameter("region", str, description="Nom de la région (scope=region)."),
    OpenApiParameter("company", str, description="Nom de l'entreprise (scope=company)."),
    OpenApiParameter(
        "table",
        str,
        description="Téléchargement CSV : clé du tableau (ex. publics, depots_akto) ; "
        "obligatoire avec format=csv.",
    ),
]
FORMAT_DESCRIPTION = (
    "Réponse JSON par défaut ; `?format=xlsx` (classeur, un onglet par tableau et un onglet "
    "« Sources et définitions »), `?format=csv&table=…` (un tableau) ou `?format=pdf` "
    "(rapport avec graphiques)."
)
RESPONSES = {
    200: OpenApiResponse(
        OpenApiTypes.OBJECT,
        description="Le rapport : période, périmètre, règle de confidentialité et tableaux "
        "(titre, source, colonnes, lignes, totaux). Secret statistique : un effectif de 1 à 4 "
        "personnes hors de vos agences, ou une donnée de santé (AT/MP, CAR) de moins de 5 "
        "personnes, vaut « s », comme les cellules qui permettraient de le retrouver par "
        "différence et les chiffres calculés sur une cellule masquée (légende dans "
        "privacy.legend). Une période qui n'est pas faite de mois entiers, ou un périmètre de "
        "moins de 5 personnes, est refusé (400).",
    )
}


def _bad_request(error: ValidationError):
    return exceptions.ValidationError({"non_field_errors": list(error.messages)})


class _ReportView(APIView):
    renderer_classes = RENDERERS
    permission_model = "reports.storedreport"  # the reports, as the admin's « Rapports » page

    def finalize_response(self, request, response, *args, **kwargs):
        """Errors answer in the API's JSON format, whatever file was asked for."""
        if response.status_code >= 400 and hasattr(request, "accepted_renderer"):
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)

    def resolve_scope(self, request):
        params = request.query_params
        if params.get("scope", scope.ALL) not in scope.SCOPES:
            raise exceptions.ValidationError(
                {"scope": [f"Périmètre inconnu : attendu {', '.join(scope.SCOPES)}."]}
            )
        agency = params.get("agency")
        if agency is not None and not (agency.isascii() and agency.isdigit()):
            # As documented (an integer), whatever the scope it would serve.
            raise exceptions.ValidationError(
                {"agency": ["L'identifiant de l'agence est un nombre entier."]}
            )
        try:
            return scope.resolve(
                request.user,
                params.get("scope", scope.ALL),
                agency=params.get("agency"),
                region=params.get("region", ""),
                company=params.get("company", ""),
            )
        except ValidationError as error:
            raise _bad_request(error) from None
        except PermissionDenied as error:
            raise exceptions.PermissionDenied(str(error)) from None

    def respond(self, request, report: dict):
        fmt = request.accepted_renderer.format
        if fmt == "json":
            return Response(report)
        try:
            content, filename = downloads.build(report, fmt, request.query_params.get("table"))
        except ValidationError as error:
            raise _bad_request(error) from None
        response = Response(content, content_type=downloads.CONTENT_TYPES[fmt])
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


class CpneReportView(_ReportView):
    @extend_schema(
        operation_id="reports_cpne",
        summary="Rapport de suivi CPNE",
        description="Chiffres de suivi des dispositifs pour la CPNE (accords 000/001 art. 6, "
        "10–11) sur une période : dossiers par dispositif, état et mois, "
        "heures et financements, dépôts AKTO dans les délais, obligations de missions, "
        "publics, certifications, revue du forfait Pro-A. " + FORMAT_DESCRIPTION,
        parameters=[
            OpenApiParameter(
                "from",
                OpenApiTypes.DATE,
                pattern=rf"^{YEAR_PATTERN}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])$",
                description="Début de la période (AAAA-MM-JJ), avec to.",
            ),
            OpenApiParameter(
                "to",
                OpenApiTypes.DATE,
                pattern=rf"^{YEAR_PATTERN}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])$",
                description="Fin de la période, incluse (AAAA-MM-JJ), avec from.",
            ),
            OpenApiParameter(
                "period",
                str,
                pattern=rf"^{YEAR_PATTERN}(?:-(?:H[12]|Q[1-4]))?$",
                description="À la place de from/to : AAAA, AAAA-H1, AAAA-H2 ou AAAA-Q1 … Q4.",
            ),
            OpenApiParameter(
                "dispositif", str, enum=Dispositif.values, description="Un seul dispositif."
            ),
            *SCOPE_PARAMETERS,
        ],
        responses=RESPONSES,
        tags=["rapports"],
    )
    def get(self, request):
        params = request.query_params
        report_scope = self.resolve_scope(request)
        dispositif = params.get("dispositif") or None
        try:
            if dispositif and dispositif not in Dispositif.values:
                raise ValidationError("Dispositif inconnu.")
            if params.get("period"):
                period = periods.parse_code(params["period"])
            elif params.get("from") or params.get("to"):
                period = periods.parse_range(params.get("from"), params.get("to"))
            else:
                raise ValidationError("Précisez la période : from et to, ou period.")
            report = services.cpne_report(period, report_scope, dispositif)
        except ValidationError as error:
            raise _bad_request(error) from None
        return self.respond(request, report)


class MissionJeunesReportView(_ReportView):
    @extend_schema(
        operation_id="reports_mission_jeunes",
        summary="Tableau de suivi Mission jeunes (semestriel)",
        description="Jeunes de 16 à 25 ans suivis par une mission locale ayant eu au moins une "
        "mission dans le semestre, nombre de missions, heures, entrées en CIPI/CDPI, par "
        "région (accord-cadre 002 art. 2.1 et 3). " + FORMAT_DESCRIPTION,
        parameters=[
            OpenApiParameter(
                "half",
                str,
                required=True,
                pattern=rf"^{YEAR_PATTERN}-H[12]$",
                description="Le semestre : AAAA-H1 ou AAAA-H2.",
            ),
            *SCOPE_PARAMETERS,
        ],
        responses=RESPONSES,
        tags=["rapports"],
    )
    def get(self, request):
        report_scope = self.resolve_scope(request)
        try:
            period = periods.parse_half(request.query_params.get("half", ""))
            report = services.mission_jeunes_report(period, report_scope)
        except ValidationError as error:
            raise _bad_request(error) from None
        return self.respond(request, report)
