"""The notice that an FPE.TT opinion is asked, and the advisors' list of opinions to give.

When a case worker asks the FPE.TT opinion on a CAR (the step « Demander l'avis FPE.TT »),
every active FPE.TT advisor gets a notice (they act on the CAR dossiers of every agency,
cases.permissions). Asked again (a CAR reworked after a refusal), the notice is renewed:
unread, dated now.
"""

from django.db import transaction
from django.utils import timezone

from cases.choices import DossierState, Role
from cases.models import Dossier, User
from cases.workflow.steps import STEPS
from notifications.choices import NotificationLevel
from notifications.models import Notification
from notifications.services.notices import dossier_label

# The kind of notice sent to the FPE.TT advisors when a CAR awaits their opinion.
OPINION_REQUESTED = "opinion_requested"
OPINION_STEP = "request_opinion"


def fpett_advisors():
    return User.objects.filter(role=Role.FPETT_ADVISOR, is_active=True).order_by("pk")


def opinion_message(dossier: Dossier) -> str:
    return (
        f"Avis demandé : {dossier_label(dossier)}, agence {dossier.agency}. Enregistrez "
        f"l'avis favorable (« {STEPS['give_opinion'].label} ») ou défavorable "
        f"(« {STEPS['refuse_opinion'].label} », motif obligatoire), avec le document de l'avis."
    )


@transaction.atomic
def opinion_requested_notify(dossier: Dossier) -> list[Notification]:
    """Give each FPE.TT advisor the notice that `dossier` awaits its opinion; return the
    notices created or renewed."""
    message = opinion_message(dossier)
    notices = []
    for advisor in fpett_advisors():
        notice, created = Notification.objects.get_or_create(
            recipient=advisor,
            dossier=dossier,
            deadline=None,
            kind=OPINION_REQUESTED,
            defaults={"level": NotificationLevel.INFO, "message": message},
        )
        if not created:
            Notification.objects.filter(pk=notice.pk).update(
                read_at=None,
                created=timezone.now(),
                message=message,
                emailed_at=None,
                email_claimed_at=None,
            )
            notice.refresh_from_db()
        notices.append(notice)
    return notices


def opinion_requests(user):
    """The opinions `user` is asked for and has not given yet: the notices of the CAR
    dossiers still awaiting the FPE.TT opinion, oldest first (the FPE.TT advisor's desk)."""
    return (
        Notification.objects.filter(
            recipient=user,
            kind=OPINION_REQUESTED,
            dossier__state=DossierState.OPINION_REQUESTED,
        )
        .select_related("dossier__worker", "dossier__agency")
        .order_by("created", "pk")
    )
