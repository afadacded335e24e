from django.apps import AppConfig

from cases import signals as cases_signals


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = "Webhooks (événements envoyés aux logiciels des agences)"

    def ready(self) -> None:
        # The cases layer announces; this app listens (STYLE.md §13). Imported here because
        # the receivers read models, which exist only once the apps are ready.
        from webhooks import receivers

        uid = "webhooks.receivers."
        cases_signals.dossier_stepped.connect(receivers.dossier_stepped, dispatch_uid=uid + "step")
        cases_signals.deadlines_changed.connect(
            receivers.deadlines_changed, dispatch_uid=uid + "deadlines"
        )
        cases_signals.dossiers_anonymised.connect(
            receivers.dossiers_anonymised, dispatch_uid=uid + "anonymised"
        )
        cases_signals.person_export_requested.connect(
            receivers.person_export, dispatch_uid=uid + "export"
        )
