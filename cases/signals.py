"""What the cases layer tells the layers above it, without knowing them (STYLE.md §13).

`notifications` and `webhooks` connect their receivers in their `AppConfig.ready`. Receivers
run in the sender's transaction, as the code they replace did.
"""

from django.dispatch import Signal

# A dossier got a new open deadline (sent with `deadline` and `dossier`).
deadline_opened = Signal()

# A person's dossiers were anonymised (sent with `dossier_ids`): whatever a layer above keeps
# about them (notices) must lose its personal content in the same transaction.
dossiers_anonymised = Signal()

# The right of access gathers what is held about a person (sent with `dossier_ids`): each
# receiver answers a dict of sections to add to the export.
person_export_requested = Signal()

# A dossier took a step (sent with `dossier`, `transition`, `from_state`), inside the step's
# transaction, by the one service that moves a dossier: a receiver records what it must in
# that transaction and queues its side effects after the commit (a refused step sends nothing).
dossier_stepped = Signal()

# The status of these deadlines may have changed — met, met late, waived or breached (sent with
# `deadline_ids`), inside the transaction that changed them: by `deadlines_sync`, the waiver
# and the deadline sweep.
deadlines_changed = Signal()
