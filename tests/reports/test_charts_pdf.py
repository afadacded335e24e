"""SVG charts are well-formed XML; the PDF is a PDF; both are downloadable."""

import datetime as dt
import xml.etree.ElementTree as ET

from reports import charts, pdf, scope, services
from reports.periods import year
from tests.reports.test_privacy_and_scope import client

SVG = "{http://www.w3.org/2000/svg}"


def report_for(user):
    return services.cpne_report(year(2026), scope.resolve(user), as_of=dt.date(2026, 12, 31))


def test_svg_charts_are_well_formed(users):
    svgs = charts.report_svgs(report_for(users.case_worker_a))
    assert [title for title, _ in svgs] == [
        "Dossiers par mois de début et par dispositif",
        "Dépôts à l'AKTO dans le délai (%)",
        "Respect des obligations de missions (%)",
    ]
    for _, svg in svgs:
        root = ET.fromstring(svg)
        assert root.tag == f"{SVG}svg"
    # Agency A, 2026: Jan d2, Feb d3, Mar d1, May d7, Jul d9: one bar per month.
    months = charts.monthly_dossiers(report_for(users.case_worker_a))
    assert months.categories == ["2026-01", "2026-02", "2026-03", "2026-05", "2026-07"]
    deposits = charts.deposit_rate(report_for(users.case_worker_a))
    # Agency A: CPI 1 of 2 on time (50 %), Pro-A 1 of 1 (100 %).
    assert deposits.series[0].values == [50.0, 100.0]


def test_hidden_rates_are_not_drawn_and_never_shown_as_zero(users):
    chart = charts.deposit_rate(report_for(users.cpne))
    # CPI 1 of 2, CAR 1 of 1, Pro-A 1 of 1: rates over fewer than 5 deposits are « s ».
    assert chart.series[0].values == [None, None, None] and "secret statistique" in chart.note
    assert chart.labels == ("masqué", "masqué", "masqué")
    assert chart.series[0].masked == (True, True, True)
    svg = charts.rate_bars_svg(chart)
    ET.fromstring(svg)
    # Drawn as hidden: a hatched bar labelled « masqué », never an empty bar read as 0 %.
    assert "0 %" not in svg and ">masqué</text>" in svg
    assert svg.count('fill="url(#masque)"') == 3
    months = charts.stacked_bars_svg(charts.monthly_dossiers(report_for(users.cpne)))
    assert ">0</text>" not in months and ">masqué</text>" in months
    assert 'fill="url(#masque)"' in months and "valeur masquée" in months
    pdf.report_pdf(report_for(users.cpne))  # reportlab leaves the hidden bars out


def test_pdf_starts_with_pdf_marker(users):
    content = pdf.report_pdf(report_for(users.cpne))
    assert content.startswith(b"%PDF")


def test_api_pdf(users, young):
    response = client(users.cpne).get(
        "/api/v1/reports/mission-jeunes/", {"half": "2026-H1", "format": "pdf"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
