"""What the law's layer tells the layers above it, without knowing them (STYLE.md §13).

The apps above connect their receivers in their `AppConfig.ready`.
"""

from django.dispatch import Signal

# An administrator corrected a rule set, and the correction is committed: the dossiers it
# governs must be checked again. Sent with `rule_set_id`.
rule_set_corrected = Signal()
