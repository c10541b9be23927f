"""One self-contained HTML report of a batch of scenarios (works offline: plotly.js is embedded once)."""

from __future__ import annotations

import html

from workbench.io.safe_cells import as_text
from workbench.whatif import charts
from workbench.whatif.kpis import KPI_LABELS_DA, ScenarioResult


def _cell(value) -> str:
    """Escaped for HTML and inert when the table is copied into a spreadsheet."""
    return html.escape(str(as_text(value)))


def report_html(results: list[ScenarioResult]) -> str:
    """One self-contained page: the KPI table, the notes and the charts."""
    head = "".join(f"<th>{_cell(r.name)}</th>" for r in results)
    rows = ""
    for key, label in KPI_LABELS_DA.items():
        cells = "".join(f"<td>{_cell(getattr(r.kpis, key))}</td>" for r in results)
        rows += f"<tr><td>{html.escape(label)}</td>{cells}</tr>"
    figures = [charts.comparison_figure(results), charts.caseload_figure(results)]
    figures += [charts.heatmap_figure(r) for r in results]
    parts = [f.update_layout(separators=",.").to_html(full_html=False, include_plotlyjs=(i == 0))  # 0,5 not 0.5
             for i, f in enumerate(figures)]
    notes = "".join(f"<li><b>{_cell(r.name)}</b>: {html.escape(n)}</li>" for r in results for n in r.notes)
    horizon = results[0].horizon if results else ("", "")
    return (
        "<!doctype html><html lang='da'><head><meta charset='utf-8'><title>Hvad hvis? – Tværs</title>"
        "<style>body{font-family:sans-serif;margin:2em} td,th{padding:4px 10px;border-bottom:1px solid #ddd}"
        "td{text-align:right} td:first-child{text-align:left}</style></head><body>"
        f"<h1>Hvad hvis? Scenarier {html.escape(horizon[0])} – {html.escape(horizon[1])}</h1>"
        "<p>Syntetiske data. 'Kunne undgås' tæller ikke familier, der ikke kan nå fristen uanset bemanding.</p>"
        f"<table><tr><th></th>{head}</tr>{rows}</table><ul>{notes}</ul>{''.join(parts)}</body></html>")
