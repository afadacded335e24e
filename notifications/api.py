"""/api/v1/notifications/ (one's own) and /api/v1/deadlines/ (scoped to one's agencies)."""

from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from cases.api.filters import ChoiceFilter, DateFilter, IdFilter
from cases.api.serializers import DescribedSerializerMixin
from cases.choices import DeadlineKind, DeadlineStatus
from cases.models import Deadline
from cases.permissions import CHANGE, scope_queryset
from notifications.choices import NotificationLevel
from notifications.models import Notification


class DeadlineSerializer(DescribedSerializerMixin, serializers.ModelSerializer):
    class Meta:
        model = Deadline
        fields = [
            "id",
            "dossier",
            "kind",
            "label",
            "due",
            "safe_date",
            "status",
            "escalation_level",
            "source",
            "silence",
            "met_at",
            "breached_at",
            "waived_at",
            "waiver_reason",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "dossier": {"help_text": "Identifiant du dossier."},
            "kind": {"help_text": "Type d'échéance : " + ", ".join(DeadlineKind.values) + "."},
            "due": {"help_text": "Date limite (AAAA-MM-JJ)."},
            "safe_date": {
                "help_text": "Dernier jour ouvré (lundi–vendredi, hors fériés du département "
                "de l'agence) à la date limite ou avant : le jour où agir au plus tard."
            },
            "status": {
                "help_text": "open (à faire), met (respectée au plus tard à la date limite), "
                "met_late (respectée en retard : le fait qui la respecte est daté après la "
                "date limite), breached (dépassée), waived (levée par un responsable "
                "d'agence, avec son motif), cancelled (annulée : dossier annulé ou échéance "
                "devenue sans objet)."
            },
            "silence": {
                "help_text": "Décision de l'AKTO : accepted ou refused si elle ne répond "
                "pas dans le délai ; vide pour les autres échéances."
            },
        }


class NotificationSerializer(DescribedSerializerMixin, serializers.ModelSerializer):
    read = serializers.SerializerMethodField(help_text="Vrai si la notification a été lue.")

    class Meta:
        model = Notification
        fields = [
            "id",
            "dossier",
            "deadline",
            "kind",
            "level",
            "message",
            "created",
            "read",
            "read_at",
            "emailed_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "dossier": {"help_text": "Identifiant du dossier concerné."},
            "deadline": {"help_text": "Identifiant de l'échéance concernée, le cas échéant."},
            "level": {"help_text": "info, warning (attention) ou urgent."},
        }

    def get_read(self, notification) -> bool:
        return notification.read_at is not None


class DeadlineFilter(filters.FilterSet):
    due_before = DateFilter(
        field_name="due",
        lookup_expr="lte",
        help_text="Échéances dont la date limite est ce jour ou avant.",
    )
    due_after = DateFilter(
        field_name="due",
        lookup_expr="gte",
        help_text="Échéances dont la date limite est ce jour ou après.",
    )
    status = ChoiceFilter(choices=DeadlineStatus.choices, help_text="Statut de l'échéance.")
    kind = ChoiceFilter(choices=DeadlineKind.choices, help_text="Type d'échéance.")
    dossier = IdFilter(field_name="dossier_id", help_text="Identifiant du dossier.")
    agency = IdFilter(field_name="dossier__agency_id", help_text="Identifiant de l'agence.")

    class Meta:
        model = Deadline
        fields = []


class NotificationFilter(filters.FilterSet):
    level = ChoiceFilter(choices=NotificationLevel.choices, help_text="Niveau d'urgence.")
    unread = ChoiceFilter(
        choices=[("true", "true"), ("false", "false")],
        method="filter_unread",
        help_text="true : seulement les notifications non lues ; false : seulement les lues.",
    )

    class Meta:
        model = Notification
        fields = []

    def filter_unread(self, queryset, name, value):
        return queryset.filter(read_at__isnull=value == "true")


@extend_schema_view(
    list=extend_schema(summary="Échéances des dossiers de vos agences", tags=["Échéances"]),
    retrieve=extend_schema(summary="Une échéance", tags=["Échéances"]),
)
class DeadlineViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Deadlines of the dossiers the caller may see; `?due_before=` is one indexed query."""

    serializer_class = DeadlineSerializer
    filterset_class = DeadlineFilter
    ordering_fields = ["due", "safe_date", "id"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return Deadline.objects.none()
        deadlines = scope_queryset(self.request.user, Deadline.objects.all())
        return deadlines.order_by("safe_date", "id")


@extend_schema_view(
    list=extend_schema(summary="Mes notifications", tags=["Notifications"]),
    retrieve=extend_schema(summary="Une de mes notifications", tags=["Notifications"]),
)
class NotificationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The caller's own notices, newest first; someone else's answers 404."""

    serializer_class = NotificationSerializer
    permission_actions = {"read": CHANGE}
    filterset_class = NotificationFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return Notification.objects.none()
        notices = scope_queryset(self.request.user, Notification.objects.all())
        return notices.order_by("-created", "-id")

    @extend_schema(
        summary="Marquer une notification comme lue",
        tags=["Notifications"],
        request=None,
        responses=NotificationSerializer,
    )
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = self.get_object()
        if notification.read_at is None:
            Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
                read_at=timezone.now()
            )
            notification.refresh_from_db()
        return Response(self.get_serializer(notification).data)


router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("deadlines", DeadlineViewSet, basename="deadline")
router.register("notifications", NotificationViewSet, basename="notification")
