"""History pages (django-simple-history) for the agency-scoped admins.

SimpleHistoryAdmin falls back to the latest historical row when the object is not in the
admin's queryset, which would show another agency's history to anyone who guesses an id: here
an object outside the user's scope has no history page (404). Restoring an old version is
refused too: it would write around the services (a dossier's state moves only by its steps).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin

from accords.history import FrenchHistoryMixin


class ScopedHistoryAdmin(FrenchHistoryMixin, SimpleHistoryAdmin):
    def _check_in_scope(self, request, object_id) -> None:
        if self.get_object(request, object_id) is None:
            raise Http404("Objet introuvable.")

    def history_view(self, request, object_id, extra_context=None):
        self._check_in_scope(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._check_in_scope(request, object_id)
        if request.method == "POST":
            raise PermissionDenied("Une version ancienne ne peut pas être restaurée.")
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        return True
