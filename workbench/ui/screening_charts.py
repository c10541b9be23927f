"""The screening charts: a family's need profile and its screenings over time (plotly heatmaps, one colour per
rating level)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go

from workbench.io.instrument import LEVEL_LABELS
from workbench.screening.assessment import Area
from workbench.screening.profile import profile_matrix
from workbench.screening.progress import Snapshot, domain_table

LEVEL_COLOURS = ("#2e7d32", "#f9a825", "#ef6c00", "#c62828")
"""0 green (no need), 1 yellow (watch), 2 orange (act), 3 red (act now)."""


def discrete_scale() -> list:
    scale = []
    for level, colour in enumerate(LEVEL_COLOURS):
        scale += [[level / 4, colour], [(level + 1) / 4, colour]]
    return scale


def profile_figure(areas: list[Area], title: str = "Behovsprofil") -> go.Figure:
    """A heatmap: rows = family members, columns = domains, colour = highest rating (0-3)."""
    people, domains, z = profile_matrix(areas)
    text = [["" if v is None else f"{v} {LEVEL_LABELS[v]}" for v in row] for row in z]
    figure = go.Figure(go.Heatmap(
        z=z, x=domains, y=people, text=text, texttemplate="%{text}", zmin=-0.5, zmax=3.5,
        colorscale=discrete_scale(), xgap=2, ygap=2, hoverongaps=False,
        hovertemplate="%{y}<br>%{x}: %{text}<extra></extra>",
        colorbar=dict(title="Vurdering", tickvals=list(LEVEL_LABELS),
                      ticktext=[f"{k} {v}" for k, v in LEVEL_LABELS.items()]),
    ))
    figure.update_layout(title=dict(text=title, y=0.98, yanchor="top"), height=190 + 45 * max(1, len(people)),
                         margin=dict(l=10, r=10, t=150, b=10),
                         yaxis=dict(autorange="reversed"), xaxis=dict(side="top", tickangle=-30))
    return figure


def progress_figure(snapshots: list[Snapshot]) -> go.Figure:
    """Domains down, screenings across, coloured by the family's highest rating: progress reads left to right."""

    table = domain_table(snapshots)
    days = [date.fromisoformat(c).strftime("%d.%m.%Y") for c in table.columns]
    z = [[None if pd.isna(v) else int(v) for v in row] for row in table.values.tolist()]
    text = [["" if v is None else f"{v} {LEVEL_LABELS[v]}" for v in row] for row in z]
    figure = go.Figure(go.Heatmap(
        z=z, x=days, y=list(table.index), text=text, texttemplate="%{text}", zmin=-0.5, zmax=3.5,
        colorscale=discrete_scale(), xgap=2, ygap=2, hoverongaps=False, showscale=False,
        hovertemplate="%{y}<br>%{x}: %{text}<extra></extra>",
    ))
    title = ("Udvikling pr. område (højeste vurdering i familien; grønnere er bedre)" if len(snapshots) > 1 else
             "Kun én screening indtil videre – udviklingen vises efter næste screening")
    figure.update_layout(title=title, height=120 + 30 * len(table.index), margin=dict(l=10, r=10, t=50, b=30),
                         yaxis=dict(autorange="reversed"), xaxis=dict(type="category", title="Screeningsdato"))
    return figure
