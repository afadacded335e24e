"""The committee report as a PDF: the tables, their sources, and the charts (reportlab)."""

import io
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from reports.charts import COLOURS, HATCH, MASKED, ChartData, chart_data

STYLES = getSampleStyleSheet()


def _fmt(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.2f}".replace(",", " ").replace(".", ",")
    if isinstance(value, int):
        return f"{value:,}".replace(",", " ")
    return str(value)


def _drawing(chart: ChartData) -> Drawing:
    drawing = Drawing(24 * cm, 8 * cm)
    drawing.add(String(0, 8 * cm - 14, chart.title, fontName="Helvetica-Bold", fontSize=11))
    if chart.percent:
        bars = HorizontalBarChart()
        bars.valueAxis.valueMin, bars.valueAxis.valueMax = 0, 100
    else:
        bars = VerticalBarChart()
        bars.categoryAxis.style = "stacked"
        bars.valueAxis.valueMin = 0
    bars.x, bars.y, bars.width, bars.height = 3 * cm, 1.2 * cm, 15 * cm, 5.5 * cm
    bars.data = [s.values or [0] for s in chart.series] or [[0]]
    bars.categoryAxis.categoryNames = chart.categories or [""]
    bars.categoryAxis.labels.fontSize = 7
    for index in range(len(bars.data)):
        bars.bars[index].fillColor = colors.HexColor(COLOURS[index % len(COLOURS)])
    drawing.add(bars)
    _mark_masked(drawing, bars, chart)
    if not chart.percent and chart.series:
        # One column, each swatch followed by its own label: in several columns, reportlab
        # sets a column's labels against the previous column's swatches (read one off).
        legend = Legend()
        legend.x, legend.y = 19 * cm, 6.5 * cm
        legend.fontSize = 7
        legend.alignment = "right"
        legend.columnMaximum = len(chart.series) + 1
        legend.colorNamePairs = [
            (colors.HexColor(COLOURS[i % len(COLOURS)]), s.label)
            for i, s in enumerate(chart.series)
        ]
        if any(s.any_masked for s in chart.series):
            legend.colorNamePairs.append((colors.HexColor(HATCH), f"{MASKED} (secret statistique)"))
        drawing.add(legend)
    if chart.note:
        drawing.add(String(0, 2, chart.note, fontSize=8))
    return drawing


def _mark_masked(drawing: Drawing, bars, chart: ChartData) -> None:
    """A hidden value reads « masqué » where its bar would be, in grey: never an empty bar
    that passes for zero."""
    count = max(len(chart.categories), 1)
    for index in range(len(chart.categories)):
        if not any(series.is_masked(index) for series in chart.series):
            continue
        if chart.percent:
            x = bars.x + 4
            y = bars.y + (index + 0.5) * bars.height / count - 3
        else:
            x = bars.x + (index + 0.5) * bars.width / count
            y = bars.y + 4
        drawing.add(
            String(
                x,
                y,
                MASKED,
                fontSize=7,
                fillColor=colors.HexColor(HATCH),
                textAnchor="start" if chart.percent else "middle",
            )
        )


def _table_flowables(tbl: dict) -> list:
    header = [Paragraph(c["label"], STYLES["BodyText"]) for c in tbl["columns"]]
    rows = [[_fmt(row.get(c["key"])) for c in tbl["columns"]] for row in tbl["rows"]]
    if tbl.get("totals"):
        rows.append([_fmt(tbl["totals"].get(c["key"])) for c in tbl["columns"]])
    grid = Table([header, *rows], repeatRows=1)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDEBF7")),
        ("FONTSIZE", (0, 1), (-1, -1), 8),
        ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
    ]
    if tbl.get("totals"):
        style.append(("FONTNAME", (0, -1), (-1, -1), "Helvetica-Bold"))
    grid.setStyle(TableStyle(style))
    parts = [Paragraph(tbl["title"], STYLES["Heading2"]), grid]
    parts.append(Paragraph(f"<i>Source : {tbl['source']}</i>", STYLES["BodyText"]))
    if tbl.get("definition"):
        parts.append(Paragraph(f"<i>Définition : {tbl['definition']}</i>", STYLES["BodyText"]))
    return [*parts, Spacer(1, 0.4 * cm)]


def report_pdf(report: dict) -> bytes:
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=landscape(A4),
        title=report["title"],
        author="Alternance intérim",
        leftMargin=1.5 * cm,
        rightMargin=1.5 * cm,
    )
    story = [
        Paragraph(report["title"], STYLES["Title"]),
        Paragraph(f"Période : {report['period']['label']}", STYLES["BodyText"]),
        Paragraph(f"Périmètre : {report['scope']['label']}", STYLES["BodyText"]),
        Paragraph(f"Produit le : {report['generated_label']}", STYLES["BodyText"]),
        Paragraph(escape(report["privacy"]["rule"]), STYLES["BodyText"]),
        *[
            Paragraph(escape(f"« {mark} » : {meaning}."), STYLES["BodyText"])
            for mark, meaning in report["privacy"].get("legend", {}).items()
        ],
        *(
            [Paragraph(escape(report["privacy"]["note"]), STYLES["BodyText"])]
            if report["privacy"].get("note")
            else []
        ),
        Spacer(1, 0.5 * cm),
    ]
    for chart in chart_data(report):
        story += [_drawing(chart), Spacer(1, 0.3 * cm)]
    story.append(PageBreak())
    for tbl in report["tables"]:
        story += _table_flowables(tbl)
    doc.build(story)
    return out.getvalue()
