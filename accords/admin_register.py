"""Admin of the RNCP register: read-only (only `manage.py import_rncp` writes it), and the
branch lists' certifications compared with it."""

from django.contrib import admin
from django.db.models import Exists, F, OuterRef, Q, Subquery

from accords.models import RegisterExport, RegisterFiche


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RegisterFiche)
class RegisterFicheAdmin(ReadOnlyAdmin):
    list_display = ("code", "title", "level", "active", "effect_date", "end_date", "voies")
    list_filter = ("active", "level", "in_latest_export")
    search_fields = ("=code", "title")
    search_help_text = "Numéro de fiche exact (RNCP34860) ou mots de l'intitulé."
    show_full_result_count = False

    @admin.display(description="voies d'accès")
    def voies(self, fiche: RegisterFiche) -> str:
        return ", ".join(fiche.route_labels())


@admin.register(RegisterExport)
class RegisterExportAdmin(ReadOnlyAdmin):
    list_display = (
        "export_date",
        "file_name",
        "fiche_count",
        "created_count",
        "updated_count",
        "unchanged_count",
        "deactivated_count",
        "imported_at",
    )


def with_register_level(queryset):
    """Certifications with the register's level and whether the register holds them."""
    fiches = RegisterFiche.objects.filter(code=OuterRef("code"))
    return queryset.annotate(
        register_level=Subquery(fiches.values("level")[:1]),
        in_register=Exists(fiches),
        register_loaded=Exists(RegisterExport.objects.all()),
    )


class RegisterLevelFilter(admin.SimpleListFilter):
    """The list certifications whose level differs from the RNCP register's, or absent from it
    (the same comparison as `manage.py check_register_levels`)."""

    title = "niveau au registre RNCP"
    parameter_name = "registre"

    def lookups(self, request, model_admin):
        return [
            ("different", "Niveau différent du registre"),
            ("absent", "Absente du registre"),
            ("same", "Conforme au registre"),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        rncp = with_register_level(queryset.filter(code__startswith="RNCP"))
        same_level = Q(level=F("register_level")) | Q(
            level__isnull=True, register_level__isnull=True
        )
        if value == "absent":
            return rncp.filter(in_register=False)
        if value == "different":
            return rncp.filter(in_register=True).exclude(same_level)
        return rncp.filter(in_register=True).filter(same_level)
