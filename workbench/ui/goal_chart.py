"""The family's goals over time: one line per goal, the 1-10 rating the family gave with its coordinator at each
follow-up.  Shown beside the screening's progress, which is the professionals' view of the same months."""

from __future__ import annotations

import plotly.graph_objects as go

from workbench.family_plan import SCALE_HIGH, SCALE_LOW, SCALE_TEXT, FamilyPlan


def short(text: str, length: int = 40) -> str:
    return text if len(text) <= length else text[:length - 1].rstrip() + "…"


def attainment_figure(plan: FamilyPlan) -> go.Figure:
    """Review days across, rating up; a goal rated once shows as a dot, so the first review is already visible."""
    figure = go.Figure()
    for goal in plan.goals:
        points = [(day, score) for day, goal_id, score in plan.attainment() if goal_id == goal.goal_id]
        if not points:
            continue
        figure.add_trace(go.Scatter(
            x=[day.strftime("%d.%m.%Y") for day, _ in points], y=[score for _, score in points],
            mode="lines+markers", name=short(goal.text), text=[goal.text] * len(points),
            hovertemplate="%{text}<br>%{x}: %{y} af " + str(SCALE_HIGH) + "<extra></extra>"))
    reviewed = bool(figure.data)
    figure.update_layout(
        title=("Familiens mål over tid (" + SCALE_TEXT + ")" if reviewed else
               "Målene er ikke vurderet endnu – kurven vises efter første opfølgning"),
        height=340, margin=dict(l=10, r=10, t=50, b=30), legend=dict(orientation="h", y=-0.2),
        yaxis=dict(range=[SCALE_LOW - 0.5, SCALE_HIGH + 0.5], dtick=1, title="Vurdering"),
        xaxis=dict(type="category", title="Opfølgning"))
    return figure
