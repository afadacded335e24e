"""Server-side SVG charts of a CPNE report: dossiers per month by dispositif, on-time deposit
rate and mission-obligation compliance. Plain SVG strings, no JavaScript.

Hidden cells (« s »: reports/privacy.py) are not drawn, never drawn as zero: a bar is left
out, its label shows the marker, and the chart says so.
"""

from dataclasses import dataclass
from xml.sax.saxutils import escape

from reports.privacy import SECRET

COLOURS = ["#1f4e79", "#2e86c1", "#48c9b0", "#f4d03f", "#e67e22", "#c0392b", "#8e44ad"]
FONT = 'font-family="DejaVu Sans, Arial, sans-serif"'


NOTE = f"« {SECRET} » : secret statistique — valeur masquée (hachurée), jamais dessinée comme 0."
MASKED = "masqué"
HATCH = "#7f7f7f"
# The hatching of a hidden value (a pattern each SVG defines once).
HATCH_DEFS = (
    '<defs><pattern id="masque" width="6" height="6" patternUnits="userSpaceOnUse" '
    'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/>'
    f'<line x1="0" y1="0" x2="0" y2="6" stroke="{HATCH}" stroke-width="2"/></pattern></defs>'
)


MASKED_BLOCK = 14  # height of a hidden value's hatched block on a stacked bar


def number(value) -> float | None:
    """A value to draw; None for a hidden cell (or no value)."""
    return float(value) if isinstance(value, int | float) else None


def is_masked(value) -> bool:
    return value == SECRET


def shown(value) -> str:
    """A bar's label: the number, or the marker of a hidden cell."""
    return value if is_masked(value) else f"{number(value) or 0:g}"


@dataclass(frozen=True)
class Series:
    label: str
    values: list[float | None]
    # Which values are hidden (secret statistique): drawn hatched and labelled, never as 0.
    masked: tuple[bool, ...] = ()

    def is_masked(self, index: int) -> bool:
        return index < len(self.masked) and self.masked[index]

    @property
    def any_masked(self) -> bool:
        return any(self.masked)


@dataclass(frozen=True)
class ChartData:
    key: str
    title: str
    categories: list[str]
    series: list[Series]
    percent: bool = False
    note: str = ""
    # What to print at the end of each category's bar (a total, a rate, or a marker).
    labels: tuple[str, ...] = ()


def _table(report: dict, key: str) -> dict | None:
    return next((t for t in report["tables"] if t["key"] == key), None)


def monthly_dossiers(report: dict) -> ChartData | None:
    tbl = _table(report, "dossiers_mois")
    if tbl is None:
        return None
    keys = [c for c in tbl["columns"][1:-1]]
    masked = any(is_masked(r.get(c["key"])) for r in tbl["rows"] for c in keys)
    masked = masked or any(is_masked(r.get("total")) for r in tbl["rows"])
    return ChartData(
        "dossiers_mois",
        "Dossiers par mois de début et par dispositif",
        [r["month"] for r in tbl["rows"]],
        [
            Series(
                c["label"],
                [number(r.get(c["key"])) for r in tbl["rows"]],
                tuple(is_masked(r.get(c["key"])) for r in tbl["rows"]),
            )
            for c in keys
        ],
        note=NOTE if masked else "",
        labels=tuple(shown(r.get("total")) for r in tbl["rows"]),
    )


def _rate_chart(report: dict, key: str, title: str) -> ChartData | None:
    tbl = _table(report, key)
    if tbl is None:
        return None
    rows = [r for r in tbl["rows"] if r.get("rate") is not None]
    masked = any(is_masked(r["rate"]) for r in rows)
    return ChartData(
        key,
        title,
        [str(r["dispositif"]).split(" — ")[0] for r in rows],
        [
            Series(
                "Taux (%)",
                [number(r["rate"]) for r in rows],
                tuple(is_masked(r["rate"]) for r in rows),
            )
        ],
        percent=True,
        note=NOTE if masked else "",
        labels=tuple(MASKED if is_masked(r["rate"]) else f"{r['rate']:g} %" for r in rows),
    )


def deposit_rate(report: dict) -> ChartData | None:
    return _rate_chart(report, "depots_akto", "Dépôts à l'AKTO dans le délai (%)")


def obligation_compliance(report: dict) -> ChartData | None:
    return _rate_chart(report, "obligations_missions", "Respect des obligations de missions (%)")


def chart_data(report: dict) -> list[ChartData]:
    found = [monthly_dossiers(report), deposit_rate(report), obligation_compliance(report)]
    return [c for c in found if c is not None]


def _text(x, y, text, size=11, anchor="start", weight="normal") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
        f'font-weight="{weight}" {FONT}>{escape(str(text))}</text>'
    )


def stacked_bars_svg(chart: ChartData, width: int = 720, height: int = 320) -> str:
    left, top, bottom, legend_w = 40, 36, 50, 150
    plot_w, plot_h = width - left - legend_w - 10, height - top - bottom
    totals = [sum(s.values[i] or 0 for s in chart.series) for i in range(len(chart.categories))]
    peak = max(totals, default=0) or 1
    parts = [_text(left, 20, chart.title, 14, weight="bold")]
    parts.append(
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" '
        'stroke="#555"/>'
    )
    step = plot_w / max(len(chart.categories), 1)
    bar_w = step * 0.7
    for i, category in enumerate(chart.categories):
        x = left + i * step + (step - bar_w) / 2
        y = top + plot_h
        for s_index, series in enumerate(chart.series):
            h = plot_h * (series.values[i] or 0) / peak
            if h > 0:
                y -= h
                colour = COLOURS[s_index % len(COLOURS)]
                parts.append(
                    f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                    f'fill="{colour}"><title>{escape(series.label)} {escape(category)} : '
                    f"{series.values[i]:g}</title></rect>"
                )
        hidden = [series.label for series in chart.series if series.is_masked(i)]
        if hidden:
            y -= MASKED_BLOCK
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{MASKED_BLOCK}" '
                f'fill="url(#masque)" stroke="{HATCH}"><title>{escape(category)} : '
                f"{escape(', '.join(hidden))} — {MASKED}</title></rect>"
            )
        label = chart.labels[i] if chart.labels else f"{totals[i]:g}"
        if is_masked(label):
            label = MASKED
        parts.append(_text(x + bar_w / 2, y - 4, label, 10, "middle"))
        parts.append(_text(x + bar_w / 2, top + plot_h + 16, category, 10, "middle"))
    for s_index, series in enumerate(chart.series):
        ly = top + s_index * 18
        lx = width - legend_w
        colour = COLOURS[s_index % len(COLOURS)]
        parts.append(f'<rect x="{lx}" y="{ly}" width="12" height="12" fill="{colour}"/>')
        parts.append(_text(lx + 18, ly + 10, series.label, 10))
    if any(series.any_masked for series in chart.series):
        ly = top + len(chart.series) * 18
        parts.append(
            f'<rect x="{width - legend_w}" y="{ly}" width="12" height="12" '
            f'fill="url(#masque)" stroke="{HATCH}"/>'
        )
        parts.append(_text(width - legend_w + 18, ly + 10, "valeur masquée", 10))
    if chart.note:
        parts.append(_text(left, height - 8, chart.note, 10))
    return _svg(width, height, chart.title, parts)


def rate_bars_svg(chart: ChartData, width: int = 720, height: int | None = None) -> str:
    rows = chart.categories
    height = height or 70 + 28 * max(len(rows), 1)
    left, top, plot_w = 140, 36, width - 140 - 60
    parts = [_text(10, 20, chart.title, 14, weight="bold")]
    values = chart.series[0].values if chart.series else []
    for i, (label, value) in enumerate(zip(rows, values, strict=False)):
        y = top + i * 28
        parts.append(_text(left - 8, y + 14, label, 11, "end"))
        parts.append(f'<rect x="{left}" y="{y}" width="{plot_w}" height="18" fill="#eee"/>')
        text = chart.labels[i] if chart.labels else f"{value or 0:g} %"
        if chart.series[0].is_masked(i):
            text = MASKED
            parts.append(
                f'<rect x="{left}" y="{y}" width="{plot_w}" height="18" fill="url(#masque)" '
                f'stroke="{HATCH}"><title>{escape(label)} : {MASKED} (secret statistique)'
                "</title></rect>"
            )
        elif value is not None:
            w = plot_w * min(value, 100) / 100
            parts.append(
                f'<rect x="{left}" y="{y}" width="{w:.1f}" height="18" fill="{COLOURS[1]}">'
                f"<title>{escape(label)} : {escape(text)}</title></rect>"
            )
        parts.append(_text(left + plot_w + 6, y + 14, text, 11))
    if not rows:
        parts.append(_text(left, top + 14, "Aucun dossier évalué sur la période.", 11))
    if chart.note:
        parts.append(_text(10, height - 8, chart.note, 10))
    return _svg(width, height, chart.title, parts)


def _svg(width: int, height: int, title: str, parts: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>{HATCH_DEFS}" + "".join(parts) + "</svg>"
    )


def report_svgs(report: dict) -> list[tuple[str, str]]:
    """(title, svg) of each chart of the report."""
    return [
        (c.title, rate_bars_svg(c) if c.percent else stacked_bars_svg(c))
        for c in chart_data(report)
    ]
