"""Money received: each payment from AKTO is its own action on the dossier's funding ledger.

The reservation and the claim are recorded by their steps (`cases.ledger.ledger_record_step`);
a payment may come in several parts, after the claim, before or after the dossier is closed.
"""

import datetime as dt
import logging
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from cases.choices import DossierEventKind, FundingLineKind
from cases.exceptions import DossierNotFound, PaymentInvalid
from cases.ledger import euros, funding_line_add
from cases.models import Dossier, DossierEvent, FundingLine
from cases.permissions import PAY, scope_dossiers
from cases.services.scope import locked_in_scope, require_row

logger = logging.getLogger(__name__)

CENT = Decimal("0.01")


def _amount(value) -> Decimal | None:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(CENT):
        return None
    return amount


@transaction.atomic
def payment_record(
    *, dossier_id: int, amount, on: dt.date, reference: str, by, comment: str = ""
) -> FundingLine:
    """Record a payment received from AKTO on a dossier, or change nothing and raise.

    Refused: a dossier outside the user's reach (scope and the table's `pay` action), no
    reimbursement claimed yet, an amount that is not a positive number of euros and cents, a
    date in the future or before the claim, an empty reference. A payment above the claim is
    recorded (AKTO paid it) and shows as a ledger finding.
    """
    dossier = locked_in_scope(scope_dossiers(Dossier.objects.all(), by), dossier_id)
    if dossier is None:
        raise DossierNotFound("Dossier introuvable.")
    require_row(
        by,
        PAY,
        FundingLine(dossier=dossier, kind=FundingLineKind.PAID),
        "Votre rôle ne permet pas d'enregistrer un paiement sur ce dossier.",
    )
    claim = dossier.funding_lines.filter(kind=FundingLineKind.CLAIMED).order_by("on", "pk").first()
    errors: dict[str, list[str]] = {}
    money = _amount(amount)
    if money is None:
        errors["amount"] = ["Indiquez un montant positif en euros, au centime près (ex. 1250,50)."]
    if not isinstance(on, dt.date):
        errors["on"] = ["Indiquez la date du paiement (JJ/MM/AAAA)."]
    elif on > timezone.localdate():
        errors["on"] = ["La date du paiement ne peut pas être dans le futur."]
    elif claim and on < claim.on:
        errors["on"] = [
            f"Le paiement ne peut pas précéder la demande de remboursement ({claim.on:%d/%m/%Y})."
        ]
    reference = (reference or "").strip()
    if not reference:
        errors["reference"] = ["Indiquez la référence du paiement (avis de paiement de l'AKTO)."]
    elif len(reference) > FundingLine._meta.get_field("reference").max_length:
        errors["reference"] = ["La référence ne doit pas dépasser 50 caractères."]
    if claim is None:
        raise PaymentInvalid(
            "Aucun remboursement n'a été demandé pour ce dossier : enregistrez d'abord l'étape "
            "« Demander le remboursement », puis les paiements reçus.",
            errors=errors,
        )
    if errors:
        raise PaymentInvalid(
            "Les informations du paiement sont incomplètes ou incorrectes.", errors=errors
        )
    line = funding_line_add(
        dossier=dossier,
        kind=FundingLineKind.PAID,
        amount=money,
        on=on,
        reference=reference,
        source="Paiement reçu de l'AKTO",
        by=by,
    )
    DossierEvent.objects.create(
        dossier=dossier,
        actor=by,
        kind=DossierEventKind.PAYMENT,
        comment=comment.strip()
        or f"Paiement reçu : {euros(money)} le {on:%d/%m/%Y} (référence {reference}).",
        data={"amount": str(money), "on": on.isoformat(), "reference": reference},
    )
    logger.info("dossier %s: payment %s recorded by %s", dossier.pk, money, by)
    return line
