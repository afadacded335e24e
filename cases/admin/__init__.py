"""The case worker's admin, one module per kind of page; importing them registers them."""

from cases.admin import (  # noqa: F401
    deadlines,
    dossiers,
    ledger,
    mission_import,
    records,
    users,
)
