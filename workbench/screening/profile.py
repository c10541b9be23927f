"""The need profile: every family member's domains on one chart, coloured by what the rating asks for."""

from __future__ import annotations

import plotly.graph_objects as go

from workbench.screening.assessment import Area
from workbench.screening.instrument import LEVEL_LABELS, domain_labels

LEVEL_COLOURS = ("#2e7d32", "#f9a825", "#ef6c00", "#c62828")
"""0 green (no need), 1 yellow (watch), 2 orange (act), 3 red (act now)."""


def discrete_scale() -> list:
    scale = []
    for level, colour in enumerate(LEVEL_COLOURS):
        scale += [[level / 4, colour], [(level + 1) / 4, colour]]
    return scale


def profile_matrix(areas: list[Area]) -> tuple[list[str], list[str], list[list[int | None]]]:
    """(people, domain labels, scores[person][domain]); None where the instrument asks nothing."""
    labels = domain_labels()
    domains = [d for d in labels if any(a.domain == d for a in areas)]
    people = list(dict.fromkeys(a.who for a in areas))
    score = {(a.who, a.domain): a.score for a in areas}
    return people, [labels[d] for d in domains], [[score.get((p, d)) for d in domains] for p in people]


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
