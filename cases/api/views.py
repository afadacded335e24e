"""Thin ViewSets: scope through `cases.selectors`, parse with serializers, write through
`cases.services`. Errors become the one French error format in `config.api`.
"""

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import filters as drf_filters
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from accords.models import Accord, Certification, RegisterFiche
from cases import selectors, services
from cases.api import serializers as s
from cases.api.filters import (
    CertificationFilter,
    DocumentFilter,
    DossierFilter,
    MissionFilter,
    RegisterFicheFilter,
    WorkerFilter,
)
from cases.api.parsers import SafeJSONParser, SafeMultiPartParser
from cases.api.renderers import BinaryRenderer
from cases.api.schema import FindingSerializer
from cases.api.transitions import describe_transitions
from cases.ledger import dossier_ledger
from cases.models import SensitiveDataAccess
from cases.permissions import FILL, VIEW, may_see_nir
from cases.sensitive import sensitive_read_log
from cases.workflow import checks
from cases.workflow.steps import STEP_NAMES, STEPS

ID_PARAMETER = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Identifiant."
)


def _step_line(step) -> str:
    asked = ", ".join(f"`{name}`" for name in step.fields) or "rien"
    once = ", ".join(f"`{name}`" for name in step.asks_once)
    once = f" ; {once} s'ils ne sont pas encore enregistrés" if once else ""
    comment = " ; `comment` obligatoire" if step.comment_required else ""
    return f"- `{step.name}` — {step.label} : {asked}{once}{comment}."


STEP_DESCRIPTION = (
    "Refusée (409) si l'étape n'est pas possible depuis l'état du dossier, si des constats "
    "bloquants l'empêchent (`findings`) ou si le dossier a changé entre-temps "
    "(`expected_state`). Étape inconnue ou dossier hors de vos agences : 404.\n\n"
    "Chaque étape et les champs qu'elle exige (tous obligatoires pour elle ; `comment` "
    "facultatif sauf mention) :\n\n"
    + "\n".join(_step_line(step) for step in STEPS.values())
    + "\n\nUne étape qui attend des pièces les reçoit dans la même requête, en "
    "`multipart/form-data` : un champ fichier par type de pièce (`cerfa`, `programme`…), "
    "obligatoire tant que le dossier n'a pas reçu cette pièce (GET /transitions/ les liste, "
    "type `file`). Si l'étape est refusée, aucune pièce n'est gardée."
)


class ScopedViewSet(viewsets.GenericViewSet):
    """Rows from a selector (cut by the role table); permissions: the API's default class."""

    filter_backends = [
        *viewsets.GenericViewSet.filter_backends,
        drf_filters.SearchFilter,
        drf_filters.OrderingFilter,
    ]
    selector = None

    def get_queryset(self):
        return type(self).selector(user=self.request.user)


@extend_schema_view(
    list=extend_schema(summary="Agences d'emploi de l'utilisateur", tags=["Agences"]),
    retrieve=extend_schema(summary="Une agence d'emploi", tags=["Agences"]),
)
class AgencyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Agencies are read-only through the API (created by an administrator in the admin)."""

    serializer_class = s.AgencySerializer
    selector = staticmethod(selectors.agency_list)
    search_fields = ["name", "company_name", "siret", "region"]
    ordering_fields = ["name", "company_name", "region", "id"]


class EditableViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    ScopedViewSet,
):
    """List, read, create and edit; no deletion (records are kept for the audit trail).

    Writes go through the entity's services: `create_service(by=, data=)` and
    `update_service(<service_id>=, by=, data=)`, with the serializer's validated data.
    """

    create_service = None
    update_service = None
    service_id = None  # the update service's keyword for the record's id

    def perform_create(self, serializer):
        serializer.instance = type(self).create_service(
            by=self.request.user, data=serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = type(self).update_service(
            **{self.service_id: serializer.instance.pk},
            by=self.request.user,
            data=serializer.validated_data,
        )


@extend_schema_view(
    list=extend_schema(summary="Salariés des agences de l'utilisateur", tags=["Salariés"]),
    retrieve=extend_schema(summary="Un salarié", tags=["Salariés"]),
    create=extend_schema(summary="Créer un salarié", tags=["Salariés"]),
    update=extend_schema(summary="Modifier un salarié", tags=["Salariés"]),
    partial_update=extend_schema(summary="Modifier en partie un salarié", tags=["Salariés"]),
)
class WorkerViewSet(EditableViewSet):
    """Workers. AT/MP and aptitude fields appear only for the roles allowed to see health data."""

    serializer_class = s.WorkerSerializer
    selector = staticmethod(selectors.worker_list)
    create_service = staticmethod(services.worker_create)
    update_service = staticmethod(services.worker_update)
    service_id = "worker_id"
    conflict_actions = ("create",)
    conflict_description = (
        "Doublon probable (`duplicate_worker`) : un salarié de même NIR, ou de mêmes nom, "
        "prénom et date de naissance, est déjà enregistré ; renvoyez avec "
        "`confirm_duplicate: true` s'il s'agit d'une autre personne."
    )
    filterset_class = WorkerFilter
    ordering_fields = ["last_name", "first_name", "birth_date", "created", "id"]

    @property
    def search_fields(self):
        """Searching by NIR would confirm a number: only the roles that see it may."""
        if may_see_nir(self.request.user):
            return ["last_name", "first_name", "nir"]
        return ["last_name", "first_name"]

    def paginate_queryset(self, queryset):
        self.shown = super().paginate_queryset(queryset)
        return self.shown

    def _log_read(self, workers, *, nir: bool) -> None:
        # The path only: a query string may hold a searched NIR.
        sensitive_read_log(
            user=self.request.user,
            workers=workers,
            channel=SensitiveDataAccess.Channel.API,
            where=f"{self.request.method} {self.request.path}",
            nir=nir,
            health=True,
        )

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        self._log_read(self.shown or [], nir=False)  # lists mask the NIR
        return response

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        self._log_read([self.get_object()], nir=True)
        return response

    def update(self, request, *args, **kwargs):
        response = super().update(request, *args, **kwargs)
        self._log_read([self.get_object()], nir=True)
        return response

    def create(self, request, *args, **kwargs):
        """The answer to a creation shows the full NIR and health data: logged as a read."""
        response = super().create(request, *args, **kwargs)
        if (worker := getattr(self, "created", None)) is not None:
            self._log_read([worker], nir=True)
        return response

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        confirmed = data.pop("confirm_duplicate", False)
        serializer.instance = services.worker_create(
            by=self.request.user, data=data, confirm_duplicate=confirmed
        )
        self.created = serializer.instance

    def perform_update(self, serializer):
        serializer.validated_data.pop("confirm_duplicate", None)
        super().perform_update(serializer)


# `POST …/{id}/fill-from-siret/`: queue the lookup in the company register (202). A comment,
# not a docstring: drf-spectacular would take it for every operation's description.
class FillFromSiretMixin:
    register_kind = None  # cases.services.registers.KINDS
    permission_actions = {"fill_from_siret": FILL}

    @action(
        detail=True,
        methods=["post"],
        url_path="fill-from-siret",
        pagination_class=None,
        filter_backends=[],
    )
    def fill_from_siret(self, request, pk=None):
        record = self.get_object()
        record = services.organisation_fill_from_siret(
            kind=self.register_kind, record_id=record.pk, by=request.user
        )
        return Response(s.RegisterLookupSerializer(record).data, status=status.HTTP_202_ACCEPTED)


FILL_DESCRIPTION = (
    "Demande au registre des entreprises (API « Recherche d'entreprises » de l'État) les "
    "informations du SIRET : adresse, code NAF, conventions collectives, établissement ouvert "
    "ou fermé{provider}. La recherche se fait en tâche de fond : la réponse (202) dit qu'elle "
    "est en file d'attente ; le résultat apparaît ensuite sur la fiche (`register_status`, "
    "`register_error`). Les champs saisis ne sont jamais écrasés : vides, ils sont remplis ; "
    "différents, la valeur du registre est donnée dans `register_differences`. Aucun corps "
    "de requête n'est lu."
)


def _fill_schema(tag: str, provider: str = "") -> dict:
    return {
        "fill_from_siret": extend_schema(
            summary="Compléter depuis le SIRET (registre des entreprises)",
            description=FILL_DESCRIPTION.format(provider=provider),
            tags=[tag],
            parameters=[ID_PARAMETER],
            request=None,
            responses={202: s.RegisterLookupSerializer},
        )
    }


@extend_schema_view(
    list=extend_schema(summary="Entreprises utilisatrices", tags=["Entreprises utilisatrices"]),
    retrieve=extend_schema(
        summary="Une entreprise utilisatrice", tags=["Entreprises utilisatrices"]
    ),
    create=extend_schema(
        summary="Créer une entreprise utilisatrice", tags=["Entreprises utilisatrices"]
    ),
    update=extend_schema(
        summary="Modifier une entreprise utilisatrice", tags=["Entreprises utilisatrices"]
    ),
    partial_update=extend_schema(
        summary="Modifier en partie une entreprise utilisatrice",
        tags=["Entreprises utilisatrices"],
    ),
    **_fill_schema("Entreprises utilisatrices"),
)
class ClientCompanyViewSet(FillFromSiretMixin, EditableViewSet):
    register_kind = "client_company"
    serializer_class = s.ClientCompanySerializer
    selector = staticmethod(selectors.client_company_list)
    create_service = staticmethod(services.client_company_create)
    update_service = staticmethod(services.client_company_update)
    service_id = "client_company_id"
    conflict_actions = ("create", "update", "partial_update")
    conflict_description = "Conflit : ce SIRET est déjà enregistré."
    search_fields = ["name", "siret", "city"]
    ordering_fields = ["name", "city", "id"]


@extend_schema_view(
    list=extend_schema(summary="Organismes de formation", tags=["Organismes de formation"]),
    retrieve=extend_schema(summary="Un organisme de formation", tags=["Organismes de formation"]),
    create=extend_schema(
        summary="Créer un organisme de formation", tags=["Organismes de formation"]
    ),
    update=extend_schema(
        summary="Modifier un organisme de formation", tags=["Organismes de formation"]
    ),
    partial_update=extend_schema(
        summary="Modifier en partie un organisme de formation", tags=["Organismes de formation"]
    ),
    **_fill_schema(
        "Organismes de formation", ", numéros de déclaration d'activité et certification Qualiopi"
    ),
)
class TrainingProviderViewSet(FillFromSiretMixin, EditableViewSet):
    register_kind = "training_provider"
    serializer_class = s.TrainingProviderSerializer
    selector = staticmethod(selectors.training_provider_list)
    create_service = staticmethod(services.training_provider_create)
    update_service = staticmethod(services.training_provider_update)
    service_id = "training_provider_id"
    conflict_actions = ("create", "update", "partial_update")
    conflict_description = "Conflit : ce SIRET est déjà enregistré."
    search_fields = ["name", "siret", "nda_number", "city"]
    ordering_fields = ["name", "city", "id"]


@extend_schema_view(
    list=extend_schema(
        summary="Dossiers visibles par l'utilisateur",
        description="Filtres : dispositif, état, agence, salarié, chargé(e) de dossiers, dates "
        "du contrat et de la formation, code de certification ; `?search=` (référence AKTO, "
        "certification, nom du salarié), `?ordering=`, `?page=` et `?page_size=` (500 au plus). "
        "Le filtre « échéance avant » et le champ `next_deadline` arrivent avec le ticket des "
        "échéances : d'ici là, `next_deadline` vaut toujours null.",
        tags=["Dossiers"],
    ),
    retrieve=extend_schema(
        summary="Un dossier",
        description="Le dossier et l'avancement de ses obligations de missions (`obligations`, "
        "absent de la liste).",
        tags=["Dossiers"],
    ),
    create=extend_schema(summary="Créer un dossier (à l'état brouillon)", tags=["Dossiers"]),
    update=extend_schema(
        summary="Modifier un dossier",
        tags=["Dossiers"],
        request=s.DossierUpdateSerializer,
        responses=s.DossierSerializer,
    ),
    partial_update=extend_schema(
        summary="Modifier en partie un dossier",
        tags=["Dossiers"],
        request=s.DossierUpdateSerializer,
        responses=s.DossierSerializer,
    ),
)
class DossierViewSet(EditableViewSet):
    """Dossiers. The state is read-only here: only the transitions move it."""

    serializer_class = s.DossierSerializer
    selector = staticmethod(selectors.dossier_list)
    create_service = staticmethod(services.dossier_create)
    update_service = staticmethod(services.dossier_update)
    service_id = "dossier_id"
    filterset_class = DossierFilter
    search_fields = [
        "akto_reference",
        "certification_code",
        "certification_title",
        "worker__last_name",
        "worker__first_name",
    ]
    ordering_fields = [
        "contract_start",
        "contract_end",
        "training_start",
        "state",
        "dispositif",
        "created",
        "updated",
        "id",
    ]
    conflict_actions = ("update", "partial_update", "run_transition")
    # A step needs the dossier in view; whether the role runs it is the step's own question
    # (`dossier_run_transition`): an FPE.TT advisor records an opinion without editing.
    # A payment needs the dossier in view; whether the role records it is the service's
    # question (the table's `pay` action).
    permission_actions = {"run_transition": VIEW, "ledger": VIEW, "record_payment": VIEW}

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return s.DossierUpdateSerializer
        if self.action == "retrieve":
            return s.DossierDetailSerializer
        return super().get_serializer_class()

    @extend_schema(
        summary="Étapes que l'utilisateur peut lancer maintenant",
        tags=["Dossiers"],
        parameters=[ID_PARAMETER],
        responses=s.AvailableTransitionSerializer(many=True),
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def transitions(self, request, pk=None):
        dossier = self.get_object()
        data = describe_transitions(dossier, request.user)
        return Response(s.AvailableTransitionSerializer(data, many=True).data)

    @extend_schema(
        summary="Lancer une étape (même service que l'administration)",
        description=STEP_DESCRIPTION,
        tags=["Dossiers"],
        parameters=[
            ID_PARAMETER,
            OpenApiParameter(
                "name",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                enum=list(STEP_NAMES),
                description="Nom de l'étape (voir GET /transitions/).",
            ),
        ],
        request={
            "application/json": s.TransitionInputSerializer,
            "multipart/form-data": s.TransitionUploadSerializer,
        },
        responses={200: s.DossierSerializer},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"transitions/(?P<name>[^/.]+)",
        pagination_class=None,
        filter_backends=[],
        parser_classes=[SafeJSONParser, SafeMultiPartParser],
    )
    def run_transition(self, request, pk=None, name=None):
        if name not in STEPS:
            raise NotFound(f"L'étape « {name} » n'existe pas.")
        dossier = self.get_object()
        data = s.TransitionUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        dossier = services.dossier_run_transition(
            dossier_id=dossier.pk,
            name=name,
            by=request.user,
            data=data.form_data(),
            expected_state=data.validated_data.get("expected_state"),
            files=data.files(),
        )
        return Response(s.DossierSerializer(dossier, context={"request": request}).data)

    @extend_schema(
        summary="Grand livre des financements du dossier (estimé, réservé, demandé, payé)",
        tags=["Dossiers"],
        parameters=[ID_PARAMETER],
        responses=s.LedgerSerializer,
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def ledger(self, request, pk=None):
        return Response(s.LedgerSerializer(dossier_ledger(self.get_object()).as_dict()).data)

    @extend_schema(
        summary="Enregistrer un paiement reçu de l'AKTO (paiements partiels possibles)",
        tags=["Dossiers"],
        parameters=[ID_PARAMETER],
        request=s.PaymentInputSerializer,
        responses={201: s.LedgerSerializer},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="payments",
        pagination_class=None,
        filter_backends=[],
    )
    def record_payment(self, request, pk=None):
        dossier = self.get_object()
        data = s.PaymentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.payment_record(dossier_id=dossier.pk, by=request.user, **data.validated_data)
        return Response(
            s.LedgerSerializer(dossier_ledger(dossier).as_dict()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary="Constats sur le dossier (ce qui bloque ou signale ses prochaines étapes)",
        tags=["Dossiers"],
        parameters=[ID_PARAMETER],
        responses=FindingSerializer(many=True),
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def findings(self, request, pk=None):
        dossier = self.get_object()
        return Response(FindingSerializer(checks.dossier_findings(dossier), many=True).data)

    @extend_schema(
        summary="Historique du dossier (du plus récent au plus ancien)",
        tags=["Dossiers"],
        parameters=[ID_PARAMETER],
        responses=s.DossierEventSerializer(many=True),
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def events(self, request, pk=None):
        events = selectors.dossier_events(dossier=self.get_object())
        return Response(s.DossierEventSerializer(events, many=True).data)


@extend_schema_view(
    list=extend_schema(summary="Missions des salariés de l'utilisateur", tags=["Missions"]),
    retrieve=extend_schema(summary="Une mission", tags=["Missions"]),
    create=extend_schema(summary="Enregistrer une mission", tags=["Missions"]),
    update=extend_schema(summary="Modifier une mission", tags=["Missions"]),
    partial_update=extend_schema(summary="Modifier en partie une mission", tags=["Missions"]),
)
class MissionViewSet(EditableViewSet):
    serializer_class = s.MissionSerializer
    selector = staticmethod(selectors.mission_list)
    filterset_class = MissionFilter
    ordering_fields = ["start", "end", "hours", "id"]
    conflict_actions = ("create", "update", "partial_update")  # a contract number taken

    create_service = staticmethod(services.mission_create)
    update_service = staticmethod(services.mission_update)
    service_id = "mission_id"


@extend_schema_view(
    list=extend_schema(summary="Pièces des dossiers visibles", tags=["Pièces"]),
    retrieve=extend_schema(summary="Une pièce", tags=["Pièces"]),
    create=extend_schema(
        summary="Déposer une pièce (multipart)",
        tags=["Pièces"],
        request={"multipart/form-data": s.DocumentUploadSerializer},
        responses={201: s.DocumentSerializer},
    ),
    partial_update=extend_schema(
        summary="Changer le statut d'une pièce (validée, refusée…)",
        tags=["Pièces"],
        request=s.DocumentUpdateSerializer,
        responses=s.DocumentSerializer,
    ),
)
class DocumentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    ScopedViewSet,
):
    """Documents: files stay outside the web root and are served only by `download`."""

    serializer_class = s.DocumentSerializer
    selector = staticmethod(selectors.document_list)
    filterset_class = DocumentFilter
    ordering_fields = ["kind", "status", "received_on", "created", "id"]
    conflict_actions = ("create",)
    http_method_names = ["get", "post", "patch", "head", "options"]

    parser_classes = [SafeMultiPartParser, FormParser, SafeJSONParser]

    def get_serializer_class(self):
        """The input of each write; answers are always a DocumentSerializer."""
        return {
            "create": s.DocumentUploadSerializer,
            "partial_update": s.DocumentUpdateSerializer,
        }.get(self.action, s.DocumentSerializer)

    def create(self, request, *args, **kwargs):
        upload = self.get_serializer(data=request.data)
        upload.is_valid(raise_exception=True)
        data = dict(upload.validated_data)
        document = services.document_upload(
            dossier_id=data.pop("dossier").pk, by=request.user, **data
        )
        body = s.DocumentSerializer(document, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        changes = self.get_serializer(self.get_object(), data=request.data, partial=True)
        changes.is_valid(raise_exception=True)
        document = services.document_update(
            document_id=changes.instance.pk, by=request.user, data=changes.validated_data
        )
        return Response(s.DocumentSerializer(document, context=self.get_serializer_context()).data)

    @extend_schema(
        summary="Télécharger le fichier d'une pièce",
        tags=["Pièces"],
        parameters=[ID_PARAMETER],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    @action(
        detail=True,
        methods=["get"],
        pagination_class=None,
        filter_backends=[],
        renderer_classes=[JSONRenderer, BinaryRenderer],
    )
    def download(self, request, pk=None):
        document = self.get_object()
        if not document.file:
            raise NotFound("Aucun fichier n'a été déposé pour cette pièce.")
        response = FileResponse(
            document.file.open("rb"),
            as_attachment=True,
            filename=document.file.name.rsplit("/", 1)[-1],
            content_type="application/octet-stream",
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


class ReferenceViewSet(viewsets.ReadOnlyModelViewSet):
    """Reference data: readable by every authenticated user, CPNE reporters included."""

    filter_backends = [
        *viewsets.ReadOnlyModelViewSet.filter_backends,
        drf_filters.SearchFilter,
        drf_filters.OrderingFilter,
    ]


@extend_schema_view(
    list=extend_schema(summary="Certifications (RNCP, CléA)", tags=["Référentiel"]),
    retrieve=extend_schema(summary="Une certification", tags=["Référentiel"]),
)
class CertificationViewSet(ReferenceViewSet):
    serializer_class = s.CertificationSerializer
    queryset = Certification.objects.prefetch_related("entries")
    filterset_class = CertificationFilter
    search_fields = ["code", "title"]
    ordering_fields = ["code", "title", "level", "id"]


@extend_schema_view(
    list=extend_schema(
        summary="Registre RNCP : rechercher une certification",
        description="Fiches du registre RNCP chargé (`manage.py import_rncp`), par code ou "
        "intitulé (`?q=`), les fiches actives d'abord. Liste vide tant qu'aucun export n'est "
        "chargé.",
        tags=["Référentiel"],
    ),
)
class RegisterFicheViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The RNCP register, for the case worker who picks a target certification."""

    serializer_class = s.RegisterFicheSerializer
    queryset = RegisterFiche.objects.order_by("-active", "code")
    filterset_class = RegisterFicheFilter


@extend_schema_view(
    list=extend_schema(summary="Accords de branche", tags=["Référentiel"]),
    retrieve=extend_schema(summary="Un accord", tags=["Référentiel"]),
)
class AccordViewSet(ReferenceViewSet):
    serializer_class = s.AccordSerializer
    queryset = Accord.objects.all()
    search_fields = ["title", "idcc", "nor"]
    ordering_fields = ["signature_date", "in_force_from", "title", "id"]
