"""Serializers that only describe payloads in the schema (errors, findings)."""

from rest_framework import serializers


class FindingSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Code stable du constat (ex. document_missing).")
    severity = serializers.ChoiceField(
        choices=[("error", "bloquant"), ("warning", "avertissement")],
        help_text="« error » bloque l'étape suivante, « warning » ne la bloque pas.",
    )
    message = serializers.CharField(help_text="Message en français.")
    source = serializers.CharField(help_text="Texte et article qui fondent le constat.")
    field = serializers.CharField(
        allow_null=True, required=False, help_text="Champ du dossier concerné, s'il y en a un."
    )


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="Message d'erreur en français.")
    code = serializers.CharField(
        help_text="Code stable de l'erreur (invalid, not_found, permission_denied, "
        "not_authenticated, transition_blocked, transition_not_allowed, concurrent_change, "
        "duplicate_worker…)."
    )
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages par champ (« non_field_errors » pour l'ensemble).",
    )
    findings = FindingSerializer(
        many=True,
        required=False,
        help_text="Constats bloquants, quand une étape est refusée à cause d'eux.",
    )
