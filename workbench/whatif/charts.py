"""Plotly charts for the what-if analysis, in Danish: comparison, workload heat map, caseloads, staffing."""

from __future__ import annotations

from datetime import date

import plotly.graph_objects as go

from workbench.danish import week_label
from workbench import catalogue
from workbench.hard_rules import HardRule
from workbench.whatif.kpis import KPI_LABELS_DA, ScenarioResult
from workbench.whatif.staffing import StaffingResult

COMPARED = ("avoidable_late", "unassigned_families", "missing_secondary", "vacant_places", "over_cap_staff")
FONT = dict(family="sans-serif", size=13)


def comparison_figure(results: list[ScenarioResult]) -> go.Figure:
    """Grouped bars: what goes wrong in each scenario (zero everywhere = every deadline holds)."""
    figure = go.Figure()
    for result in results:
        figure.add_bar(name=result.name, x=[KPI_LABELS_DA[k] for k in COMPARED],
                       y=[getattr(result.kpis, k) for k in COMPARED],
                       hovertemplate="%{x}: %{y}<extra>" + result.name + "</extra>")
    figure.update_layout(title="Scenarier side om side (0 overalt = alle frister holder)", barmode="group",
                         yaxis_title="Antal", font=FONT, legend_title="Scenarie", height=420)
    figure.update_yaxes(rangemode="nonnegative", tickformat="d", dtick=None if any(  # counts: no −0,5 when all are 0
        getattr(r.kpis, k) for r in results for k in COMPARED) else 1)
    return figure


def heatmap_figure(result: ScenarioResult, people: int = 60) -> go.Figure:
    """Meetings per person and week in percent of what the person could attend (workdays, absences, cap)."""
    roles = {row["staff_id"]: (row["role_label"], row["name"]) for row in result.caseloads}
    weeks = sorted({row["week"] for row in result.weekly})
    busiest: dict[str, float] = {}
    for row in result.weekly:
        busiest[row["staff_id"]] = max(busiest.get(row["staff_id"], 0.0), row["percent"])
    shown = sorted(busiest, key=lambda s: (-busiest[s], s))[:people]
    shown.sort(key=lambda s: (roles.get(s, ("", ""))[0], s))
    cell = {(row["staff_id"], row["week"]): row for row in result.weekly}
    z, text = [], []
    for staff_id in shown:
        z.append([cell[(staff_id, w)]["percent"] if (staff_id, w) in cell else None for w in weeks])
        text.append([f"{cell[(staff_id, w)]['meetings']} af {cell[(staff_id, w)]['capacity']} mulige møder"
                     if (staff_id, w) in cell else "ingen arbejdsdage" for w in weeks])
    labels = [f"{roles.get(s, ('', s))[1]} ({s}, {roles.get(s, ('', ''))[0].lower()})" for s in shown]
    figure = go.Figure(go.Heatmap(
        z=z, x=[week_label(date.fromisoformat(w)) for w in weeks], y=labels,
        text=text, colorscale="YlOrRd", zmin=0, zmax=100, colorbar_title="%",
        hovertemplate="%{y}<br>%{x}: %{z:.0f} %<br>%{text}<extra></extra>"))
    figure.update_layout(title=f"Mødebelastning pr. person og uge – {result.name}", font=FONT,
                         height=max(350, 18 * len(shown) + 150), yaxis_autorange="reversed")
    return figure


def caseload_figure(results: list[ScenarioResult]) -> go.Figure:
    """Coordinators' caseload in percent of their limit, one box per scenario; above 100 % is over the limit."""
    figure = go.Figure()
    for result in results:
        rows = [r for r in result.caseloads if r["coordinates"]]
        figure.add_box(name=result.name, y=[r["percent"] for r in rows], boxpoints="all", jitter=0.4,
                       text=[f"{r['name']} ({r['staff_id']}): {r['points']:g} af {r['limit']:g} point" for r in rows],
                       hovertemplate="%{text}<extra></extra>")
    figure.add_hline(y=100, line_dash="dash", line_color="#c62828", annotation_text=str(HardRule.CASELOAD_CAP))
    figure.update_layout(title="Koordinatorernes sagsbelastning (% af sagsloftet)", yaxis_title="% af loftet",
                         font=FONT, showlegend=False, height=420)
    return figure


def staffing_figure(result: StaffingResult) -> go.Figure:
    """Newcomers needed per role beside the arithmetic lower bound."""
    roles = sorted(set(result.hires) | {r for b in result.bounds for r in b.hire_roles if b.hires > 0})
    figure = go.Figure()
    figure.add_bar(name="Skal ansættes (værktøjets svar)", x=[catalogue.role_label(r) for r in roles],
                   y=[result.hires.get(r, 0) for r in roles], marker_color="#1565c0")
    bound_by_role = {}
    for bound in result.bounds:
        for role in bound.hire_roles:
            bound_by_role[role] = max(0, bound.hires) if len(bound.hire_roles) == 1 else None
    figure.add_bar(name="Nedre grænse (kapacitet mod behov)", x=[catalogue.role_label(r) for r in roles],
                   y=[bound_by_role.get(r) or 0 for r in roles], marker_color="#90a4ae")
    figure.update_layout(title="Minimal bemanding pr. rolle", barmode="group", yaxis_title="Nye medarbejdere",
                         yaxis_dtick=1, font=FONT, height=380)
    return figure
