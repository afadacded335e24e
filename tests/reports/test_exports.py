"""Downloads: the XLSX opens and its totals equal the JSON; CSV columns; the API serves them."""

import csv
import datetime as dt
import io

from openpyxl import load_workbook

from reports import exports, scope, services
from reports.periods import year
from tests.reports.test_privacy_and_scope import client


def report_for(users):
    return services.cpne_report(year(2026), scope.resolve(users.cpne), as_of=dt.date(2026, 12, 31))


def test_xlsx_opens_and_totals_equal_the_json(users):
    report = report_for(users)
    workbook = load_workbook(io.BytesIO(exports.workbook_bytes(report)))
    assert workbook.sheetnames[-1] == "Sources et définitions"
    assert len(workbook.sheetnames) == len(report["tables"]) + 1
    for sheet, tbl in zip(workbook.worksheets, report["tables"], strict=False):
        assert sheet.freeze_panes == "A2"
        assert [c.value for c in sheet[1]] == [c["label"] for c in tbl["columns"]]
        if tbl["totals"]:
            last = 1 + len(tbl["rows"]) + 1
            values = [c.value for c in sheet[last]]
            expected = [tbl["totals"][c["key"]] for c in tbl["columns"]]
            assert values == [None if v == "" else v for v in expected]
    hours = workbook.worksheets[3]  # « Heures de formation et financements »
    numbers = [c for c in hours["C"][1:] if isinstance(c.value, int | float)]
    assert numbers and all(c.number_format == "# ##0.00" for c in numbers)
    # Hidden cells stay the string « s », never 0; each sheet says what it means.
    assert hours["B2"].value == "s" and hours["C2"].value == "s"
    assert any(str(row[0].value).startswith("Signes : « s »") for row in hours.iter_rows())
    sources = [row[0].value for row in workbook["Sources et définitions"].iter_rows()]
    assert "Confidentialité" in sources


def test_csv_columns(users):
    report = report_for(users)
    tbl = exports.table_by_key(report, "depots_akto")
    text = exports.csv_bytes(tbl).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == [
        "Dispositif",
        "Échéances de dépôt échues",
        "Déposés dans le délai",
        "En retard",
        "dont déposés en retard",
        "dont non déposés à la date limite",
        "Taux de dépôt dans le délai (%)",
    ]
    assert rows[-1][0] == "Total" and rows[-1][1] == "s"


def test_api_downloads(users, young):
    api = client(users.cpne)
    xlsx = api.get("/api/v1/reports/cpne/", {"period": "2026", "format": "xlsx"})
    assert xlsx.status_code == 200
    assert xlsx["Content-Disposition"] == 'attachment; filename="rapport-cpne-2026.xlsx"'
    load_workbook(io.BytesIO(xlsx.content))
    csv_response = api.get(
        "/api/v1/reports/mission-jeunes/",
        {"half": "2026-H1", "format": "csv", "table": "mission_jeunes"},
    )
    assert csv_response.status_code == 200
    assert csv_response.content.decode("utf-8-sig").startswith("Région;")
    no_table = api.get("/api/v1/reports/cpne/", {"period": "2026", "format": "csv"})
    assert no_table.status_code == 400
    assert no_table["Content-Type"] == "application/json"
    assert "publics" in no_table.json()["errors"]["non_field_errors"][0]
