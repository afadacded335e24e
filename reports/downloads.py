"""Turn a report dict into the file a user downloads (XLSX, CSV of one table, PDF)."""

from django.core.exceptions import ValidationError

from reports import exports
from reports.pdf import report_pdf

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = {"xlsx": XLSX, "csv": "text/csv; charset=utf-8", "pdf": "application/pdf"}


def filename(report: dict, ext: str, suffix: str = "") -> str:
    kind = report["kind"].replace("_", "-")
    return f"rapport-{kind}-{report['period']['code']}{suffix}.{ext}"


def build(report: dict, fmt: str, table_key: str | None = None) -> tuple[bytes, str]:
    if fmt == "xlsx":
        return exports.workbook_bytes(report), filename(report, "xlsx")
    if fmt == "csv":
        tbl = exports.table_by_key(report, table_key or "")
        if tbl is None:
            keys = ", ".join(t["key"] for t in report["tables"])
            raise ValidationError(f"Précisez le tableau (paramètre table) parmi : {keys}.")
        return exports.csv_bytes(tbl), filename(report, "csv", f"-{tbl['key']}")
    if fmt == "pdf":
        return report_pdf(report), filename(report, "pdf")
    raise ValidationError("Format inconnu : json, xlsx, csv ou pdf.")
