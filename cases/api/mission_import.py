"""POST /api/v1/mission-imports/: the admin's « Importer des missions » over HTTP (multipart).

The same service (`cases.services.mission_import`): `dry_run` (the default) previews and
writes nothing; otherwise the file is imported whole, or only its valid rows with
`valid_rows_only`. An import that wrote nothing is a 400 whose `errors` name each line.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.api.parsers import SafeMultiPartParser
from cases.api.schema import ErrorSerializer
from cases.api.serializers import DescribedSerializerMixin
from cases.exceptions import DossierError, DossierNotFound
from cases.models import Agency
from cases.services.mission_import import (
    ALL,
    MODES,
    PREVIEW,
    VALID_ROWS,
    ImportReport,
    mission_import,
)


class MissionImportRefused(DossierError):
    """Nothing was written: the file, or some of its rows, are not valid."""

    code = "invalid"


class MissionImportInput(DescribedSerializerMixin, serializers.Serializer):
    agency = serializers.IntegerField(
        min_value=1,
        max_value=2**31 - 1,
        help_text="N° de l'agence dont le fichier donne les missions (l'une des vôtres).",
    )
    file = serializers.FileField(
        help_text="Export du logiciel de l'agence : .csv (séparateur ; ou ,) ou .xlsx, noms "
        "de colonnes sur la première ligne, une mission par ligne, colonnes réglées pour "
        "l'agence (« Importer des missions » dans l'admin)."
    )
    dry_run = serializers.BooleanField(
        default=True,
        help_text="Aperçu seulement (par défaut) : rien n'est écrit, chaque ligne dit ce "
        "qu'elle ferait. false : importer.",
    )
    valid_rows_only = serializers.BooleanField(
        default=False,
        help_text="Avec dry_run=false : importer les lignes valides et laisser les autres ; "
        "sinon rien n'est écrit tant qu'une ligne est en erreur.",
    )


class RowErrorOutput(serializers.Serializer):
    line = serializers.IntegerField(
        allow_null=True,
        help_text="Ligne du fichier (1 : les noms de colonnes) ; null : le fichier.",
    )
    column = serializers.CharField(help_text="Colonne du fichier, s'il y en a une.")
    message = serializers.CharField(help_text="Ce qui ne va pas, en français.")
    fix = serializers.CharField(help_text="Comment corriger.")


class MissionImportOutput(serializers.Serializer):
    mode = serializers.ChoiceField(
        choices=[(m, m) for m in MODES],
        help_text="preview (aperçu), all (tout le fichier) ou valid_rows (lignes valides).",
    )
    written = serializers.BooleanField(help_text="Des missions ont-elles été enregistrées ?")
    rows = serializers.IntegerField(help_text="Lignes de missions lues.")
    created = serializers.IntegerField(help_text="Missions créées (ou à créer).")
    updated = serializers.IntegerField(help_text="Missions mises à jour (ou à mettre à jour).")
    unchanged = serializers.IntegerField(help_text="Missions déjà à jour.")
    invalid = serializers.IntegerField(help_text="Lignes en erreur.")
    errors = RowErrorOutput(many=True, help_text="Erreurs, ligne par ligne.")
    import_id = serializers.IntegerField(
        allow_null=True, help_text="N° de l'import au journal ; null pour un aperçu."
    )


def _output(report: ImportReport) -> dict:
    return {
        "mode": report.mode,
        "written": report.written,
        "rows": report.rows,
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "invalid": report.invalid,
        "errors": [
            {"line": e.line, "column": e.column, "message": e.message, "fix": e.fix}
            for e in report.errors
        ],
        "import_id": report.log.pk if report.log else None,
    }


def _refusal(report: ImportReport) -> MissionImportRefused:
    errors: dict[str, list[str]] = {}
    for error in report.errors:
        key = f"ligne {error.line}" if error.line else "fichier"
        column = f"colonne « {error.column} » : " if error.column else ""
        errors.setdefault(key, []).append(f"{column}{error.message} {error.fix}")
    return MissionImportRefused(
        f"Rien n'a été enregistré : {report.invalid or 'le fichier a'} "
        f"{'ligne(s) en erreur' if report.invalid else 'une erreur'}. Corrigez le fichier, ou "
        "importez seulement les lignes valides (valid_rows_only=true).",
        errors=errors,
    )


class MissionImportView(APIView):
    """Case workers and agency managers import their agencies' missions (role table)."""

    permission_model = "cases.missionimport"
    permission_actions = {"post": "add"}
    parser_classes = [SafeMultiPartParser, FormParser]

    @extend_schema(
        operation_id="missions_import",
        summary="Importer des missions depuis le logiciel de l'agence (CSV ou XLSX)",
        request={"multipart/form-data": MissionImportInput},
        responses={
            200: MissionImportOutput,
            400: OpenApiResponse(
                response=ErrorSerializer,
                description="Saisie incorrecte, ou import refusé : rien n'a été enregistré ; "
                "`errors` donne, par ligne (« ligne 3 ») ou pour le fichier (« fichier »), la "
                "colonne, ce qui ne va pas et comment corriger.",
            ),
        },
        tags=["Missions"],
    )
    def post(self, request):
        given = MissionImportInput(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        agency = Agency.objects.filter(pk=data["agency"]).first()
        if agency is None:  # the same answer as for another agency's number
            raise DossierNotFound("Cette agence n'est pas l'une des vôtres.")
        mode = PREVIEW if data["dry_run"] else VALID_ROWS if data["valid_rows_only"] else ALL
        upload = data["file"]
        report = mission_import(
            by=request.user,
            agency=agency,
            file_name=upload.name,
            content=upload.read(),
            mode=mode,
        )
        if mode != PREVIEW and not report.written:
            raise _refusal(report)
        return Response(_output(report))
