"""Admin actions on accounts: revoke API tokens, unlock a locked-out login."""

from django.contrib import admin, messages

from cases.security import user_api_tokens_revoke, user_login_unlock


@admin.action(description="Révoquer les jetons d'API des utilisateurs sélectionnés")
def revoke_api_tokens(modeladmin, request, queryset):
    revoked = sum(user_api_tokens_revoke(user=user, by=request.user) for user in queryset)
    modeladmin.message_user(request, f"Jetons d'API révoqués : {revoked}.", level=messages.SUCCESS)


@admin.action(description="Débloquer la connexion des utilisateurs sélectionnés")
def unlock_logins(modeladmin, request, queryset):
    for user in queryset:
        user_login_unlock(user=user, by=request.user)
    modeladmin.message_user(request, "Connexions débloquées.", level=messages.SUCCESS)
