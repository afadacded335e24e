from django.apps import AppConfig

from accords.signals import rule_set_corrected
from cases import signals as cases_signals
from notifications.signals import notices_created


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Échéances et notifications"

    def ready(self) -> None:
        # The layers below announce; this app listens (STYLE.md §13). Imported here because
        # the receivers read models, which exist only once the apps are ready.
        from notifications import receivers

        uid = "notifications.receivers."
        rule_set_corrected.connect(receivers.rule_set_changed, dispatch_uid=uid + "rule_set")
        cases_signals.deadline_opened.connect(receivers.deadline_opened, dispatch_uid=uid + "open")
        cases_signals.dossier_stepped.connect(
            receivers.dossier_stepped, dispatch_uid=uid + "stepped"
        )
        cases_signals.dossiers_anonymised.connect(
            receivers.dossiers_anonymised, dispatch_uid=uid + "anonymised"
        )
        cases_signals.person_export_requested.connect(
            receivers.person_export, dispatch_uid=uid + "export"
        )
        notices_created.connect(receivers.notices_email_after_commit, dispatch_uid=uid + "email")
