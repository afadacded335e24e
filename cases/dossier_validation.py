"""Coherence checks on a dossier's own fields (not legal rules: those are the rules engine's)."""

from django.core.exceptions import ValidationError


def validate_dossier_fields(dossier) -> None:
    errors: dict[str, list[str]] = {}
    if (
        dossier.contract_start
        and dossier.contract_end
        and dossier.contract_end < dossier.contract_start
    ):
        errors.setdefault("contract_end", []).append("La fin du contrat précède son début.")
    if (
        dossier.training_start
        and dossier.training_end
        and dossier.training_end < dossier.training_start
    ):
        errors.setdefault("training_end", []).append("La fin de la formation précède son début.")
    if (dossier.training_start is None) != (dossier.training_end is None):
        errors.setdefault("training_end", []).append(
            "Renseignez à la fois le début et la fin de la formation."
        )
    if (
        dossier.training_start
        and dossier.contract_start
        and dossier.contract_end
        and not (dossier.contract_start <= dossier.training_start <= dossier.contract_end)
    ):
        errors.setdefault("training_start", []).append(
            "La formation doit commencer pendant le contrat."
        )
    if (
        dossier.training_end
        and dossier.contract_end
        and dossier.training_end > dossier.contract_end
    ):
        errors.setdefault("training_end", []).append(
            "La formation doit se terminer au plus tard à la fin du contrat."
        )
    if dossier.worker_id and dossier.agency_id and dossier.worker.agency_id != dossier.agency_id:
        errors.setdefault("worker", []).append(
            "Le salarié doit être suivi par l'agence du dossier."
        )
    if errors:
        raise ValidationError(errors)
