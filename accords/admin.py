"""Admin of the accords registry: administrators edit, every other staff user reads (Django's
own permission checks, `accords.change_accord`…, answered by the project's role table)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from accords import admin_rules  # noqa: F401  (rule sets and funding rates)
from accords.admin_register import RegisterLevelFilter, with_register_level
from accords.models import Accord, Article, Certification, CertificationListEntry


class ArticleInline(admin.StackedInline):
    model = Article
    extra = 0
    fields = ("order", "number", "title", "text")
    ordering = ("order",)


@admin.register(Accord)
class AccordAdmin(SimpleHistoryAdmin):
    list_display = ("title", "kind", "idcc", "nor", "signature_date", "scope", "status")
    list_filter = ("kind", "scope", "status", "idcc")
    search_fields = ("title", "nor", "idcc", "brochure")
    date_hierarchy = "signature_date"
    readonly_fields = ("fingerprint", "source_file", "created", "updated")
    inlines = [ArticleInline]
    fieldsets = (
        (None, {"fields": ("kind", "title", "idcc", "brochure", "nor", "scope", "status")}),
        (
            "Dates",
            {
                "fields": (
                    "signature_date",
                    "extension_order_date",
                    "jorf_date",
                    "in_force_from",
                    "in_force_until",
                )
            },
        ),
        ("Signataires", {"fields": ("employer_signatories", "union_signatories")}),
        (
            "Source",
            {
                "classes": ("collapse",),
                "fields": ("source_file", "fingerprint", "source_text", "created", "updated"),
            },
        ),
    )


@admin.register(Certification)
class CertificationAdmin(SimpleHistoryAdmin):
    list_display = ("code", "title", "level", "register_level_shown")
    list_filter = ("level", RegisterLevelFilter)
    search_fields = ("code", "title")

    def get_queryset(self, request):
        return with_register_level(super().get_queryset(request))

    @admin.display(description="niveau au registre RNCP")
    def register_level_shown(self, certification) -> str:
        if not certification.code.startswith("RNCP") or not certification.register_loaded:
            return "—"
        if not certification.in_register:
            return "absente du registre"
        level = certification.register_level
        return "sans niveau" if level is None else str(level)


@admin.register(CertificationListEntry)
class CertificationListEntryAdmin(SimpleHistoryAdmin):
    list_display = (
        "certification",
        "title_as_listed",
        "sector",
        "sub_sector",
        "job",
        "excluded_from_extension",
        "accord",
    )
    list_filter = ("excluded_from_extension", "sector", "accord", "certification__level")
    search_fields = ("certification__code", "title_as_listed", "job", "sector", "sub_sector")
    list_select_related = ("certification", "accord")
    autocomplete_fields = ("certification",)
    ordering = ("accord", "order")
