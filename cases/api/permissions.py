"""The API's one permission class: Django's permission API, answered by the role table of
`cases.permissions` (the default of every view, settings.REST_FRAMEWORK)."""

from django.core.exceptions import ImproperlyConfigured
from rest_framework import permissions

from cases.choices import Role
from cases.permissions import ADD, CHANGE, DELETE, VIEW, perm

METHOD_ACTIONS = {
    "GET": VIEW,
    "HEAD": VIEW,
    "OPTIONS": VIEW,
    "POST": ADD,
    "PUT": CHANGE,
    "PATCH": CHANGE,
    "DELETE": DELETE,
}

NO_ACCESS = {
    Role.CPNE_REPORTER: "Votre rôle donne accès aux seules données agrégées : "
    "les données individuelles ne vous sont pas accessibles.",
}
NO_ACCESS_DEFAULT = "Votre rôle ne donne pas accès à ces données."
NO_WRITE = "Votre rôle ne permet pas de modifier ces données."


def permission_of(request, view) -> tuple[str, str]:
    """The table entry a request asks: (model label, action).

    The model is the view's `permission_model` (« app.model »), or else its queryset's; the
    action is named by the view's `permission_actions` (by viewset action, or by lower-case
    HTTP method), or else follows the method: GET view, POST add, PUT/PATCH change, DELETE
    delete.
    """
    label = getattr(view, "permission_model", None)
    if label is None:
        queryset = view.get_queryset() if hasattr(view, "get_queryset") else None
        if queryset is None:
            raise ImproperlyConfigured(
                f"{type(view).__name__}: no queryset and no permission_model to ask the role "
                "table (cases.permissions.PERMISSIONS) about."
            )
        label = queryset.model._meta.label_lower
    named = getattr(view, "permission_actions", {})
    action = (
        named.get(getattr(view, "action", None))
        or named.get(request.method.lower())
        or METHOD_ACTIONS.get(request.method)
    )
    return label, action


def _handles(view, method: str) -> bool:
    """Whether the view has a handler for `method` (a viewset: mapped for this route)."""
    method = method.lower()
    action_map = getattr(view, "action_map", None)
    if action_map is not None:
        return method in action_map or method == "options"
    return hasattr(view, method)


class RolePermission(permissions.BasePermission):
    """`user.has_perm` for the request's model and action; with the row for writes on a row.

    Rows are read from querysets cut by `cases.permissions.scope_queryset` with the reach of
    `view`, so a row out of that reach is a 404 before this class sees it; only the other
    actions are asked again with the row.
    """

    message = NO_ACCESS_DEFAULT

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if not _handles(view, request.method):
            return True  # the view answers 405: a method it has not is no question of rights
        label, action = permission_of(request, view)
        if action and user.has_perm(perm(label, action)):
            return True
        if user.has_perm(perm(label, VIEW)):
            self.message = NO_WRITE
        else:
            self.message = NO_ACCESS.get(getattr(user, "role", None), NO_ACCESS_DEFAULT)
        return False

    def has_object_permission(self, request, view, obj) -> bool:
        label, action = permission_of(request, view)
        if action == VIEW:
            return True
        if request.user.has_perm(perm(label, action), obj):
            return True
        self.message = NO_WRITE
        return False
