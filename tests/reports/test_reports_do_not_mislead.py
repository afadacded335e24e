"""Reports that do not mislead (issue #17): hidden values drawn as hidden in the PDF, legend
swatches beside their own series, XLSX sheet names whole (Excel: 31 characters) and unique,
certification titles filled, a default period, the agency chosen by name, sources and dates a
person reads (no internal document names, no ISO timestamps)."""

import datetime as dt
import io
import re

from openpyxl import load_workbook
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Rect, String

from reports import charts, exports, pdf, scope, services
from reports.forms import ReportForm, default_period_code
from reports.periods import year
from tests.reports.test_charts_pdf import report_for

URL = "/admin/reports/storedreport/"


def _walk(node, found):
    if isinstance(node, Rect | String):
        found.append(node)
    for child in getattr(node, "contents", None) or []:
        _walk(child, found)
    return found


def _legend_rows(legend: Legend) -> list[tuple[str, str]]:
    """(swatch colour, label) read as a person does: the label to the right of each swatch,
    on its line."""
    shapes = _walk(legend.draw(), [])
    swatches = [s for s in shapes if isinstance(s, Rect)]
    labels = [s for s in shapes if isinstance(s, String)]
    rows = []
    for swatch in swatches:
        line = [s for s in labels if abs(s.y - swatch.y) < swatch.height and s.x >= swatch.x]
        nearest = min(line, key=lambda s: s.x - swatch.x)
        rows.append((swatch.fillColor.hexval(), nearest.text))
    return rows


def test_the_pdf_legend_puts_each_label_beside_its_own_colour():
    chart = charts.ChartData(
        "k",
        "Titre",
        ["2026-01"],
        [charts.Series(f"Série {i}", [float(i + 1)]) for i in range(7)],
    )
    drawing = pdf._drawing(chart)
    legend = next(item for item in drawing.contents if isinstance(item, Legend))
    bars = next(item for item in drawing.contents if hasattr(item, "bars"))
    for index, (colour, label) in enumerate(_legend_rows(legend)):
        assert label == f"Série {index}"
        assert colour == bars.bars[index].fillColor.hexval()


def test_hidden_values_read_masque_in_the_pdf_never_zero(users):
    chart = charts.deposit_rate(report_for(users.cpne))
    drawing = pdf._drawing(chart)
    texts = [s.text for s in _walk(drawing, []) if isinstance(s, String)]
    assert texts.count(charts.MASKED) == len(chart.categories)
    monthly = pdf._drawing(charts.monthly_dossiers(report_for(users.cpne)))
    legend = next(item for item in monthly.contents if isinstance(item, Legend))
    assert any("masqué" in label for _, label in legend.colorNamePairs)


def test_xlsx_sheet_names_are_whole_unique_and_fit_excel(users):
    report = report_for(users.admin)
    book = load_workbook(io.BytesIO(exports.workbook_bytes(report)))
    names = book.sheetnames
    assert len(names) == len(set(names))
    for tbl in report["tables"]:
        assert exports.SHEET_NAMES[tbl["key"]] in names
    for name in exports.SHEET_NAMES.values():
        assert len(name) <= exports.SHEET_LIMIT


def test_certification_titles_are_filled(users, data):
    report = report_for(users.admin)
    top = next(t for t in report["tables"] if t["key"] == "certifications_top")
    assert top["rows"] and all(row["title"] for row in top["rows"])
    # RNCP99999 is in no register: its title is the one typed on the dossier, if any.
    for row in top["rows"]:
        assert row["title"] != ""


def test_sources_and_dates_read_as_a_person_reads_them(users):
    report = report_for(users.admin)
    texts = [report["privacy"]["rule"], report["generated_label"]]
    texts += [f"{t['source']} {t.get('definition') or ''}" for t in report["tables"]]
    texts += [text for _, text in exports.DEFINITIONS]
    for text in texts:
        assert "DOMAIN.md" not in text and "FundingRate" not in text, text
    assert re.fullmatch(r"\d{2}/\d{2}/\d{4} à \d{2}:\d{2}", report["generated_label"])
    book = load_workbook(io.BytesIO(exports.workbook_bytes(report)))
    produced = [row for row in book["Sources et définitions"].values if row[0] == "Produit le"]
    assert produced[0][1] == report["generated_label"]


def test_the_period_defaults_to_the_last_whole_half_year():
    assert default_period_code(dt.date(2026, 11, 24)) == "2026-H1"
    assert default_period_code(dt.date(2026, 3, 1)) == "2025-H2"
    assert ReportForm().fields["period"].initial == default_period_code()


def test_the_agency_is_chosen_by_name_among_the_readers_agencies(client, users, data):
    client.force_login(users.case_worker_a)
    form = ReportForm(user=users.case_worker_a)
    assert list(form.fields["agency"].queryset) == [data.a]
    page = client.get(URL).content.decode()
    assert f'<option value="{data.a.pk}">{data.a}</option>' in page
    assert "identifiant" not in page
    report = client.get(
        URL, {"kind": "cpne", "period": "2026", "scope": "agency", "agency": data.a.pk}
    )
    assert report.context["report"]["scope"]["scope"] == scope.AGENCY


def test_the_cpne_reporter_chooses_among_every_agency(users, data):
    form = ReportForm(user=users.cpne)
    assert {data.a, data.b} <= set(form.fields["agency"].queryset)


def test_a_stored_yearly_report_still_builds(users):
    assert services.cpne_report(year(2026), scope.resolve(users.cpne))["tables"]
