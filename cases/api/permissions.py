"""DRF permission classes; each asks `cases.permissions`, the one place that decides."""

from rest_framework import permissions

from cases.permissions import may_edit_records, may_see_individual_data


class IndividualData(permissions.BasePermission):
    """Individual records: closed to CPNE reporters (aggregates only); writes by editors."""

    message = (
        "Votre rôle donne accès aux seules données agrégées : "
        "les données individuelles ne vous sont pas accessibles."
    )

    def has_permission(self, request, view) -> bool:
        if not may_see_individual_data(request.user):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        if not may_edit_records(request.user):
            self.message = "Votre rôle ne permet pas de modifier ces données."
            return False
        return True


class ReadIndividualData(IndividualData):
    """Individual records for any role but CPNE reporters; the service checks the action.

    Used for dossier transitions: an FPE.TT advisor records an opinion without editing
    records, and `dossier_run_transition` decides per transition and role.
    """

    def has_permission(self, request, view) -> bool:
        return may_see_individual_data(request.user)
