"""The case worker's admin, one module per kind of page; importing them registers them."""

from cases.admin import deadlines, dossiers, ledger, records, users  # noqa: F401
