"""Workload calendars: how a plan fills each person's weeks (plotly heat maps).

Per staff member a calendar of weeks × weekdays with meeting hours per day; days the person cannot meet
(not a workday, holiday, absence) are grey and say why.  For the whole staff a person × week heat map shows
where the load piles up.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

import plotly.graph_objects as go

from workbench.danish import monday_of, week_label
from workbench import catalogue
from workbench.danish import danish_date
from workbench.export.excel import weeks_of
from workbench.model import Meeting, Plan, Register, WEEKDAY_DA
from workbench.workdays import WorkCalendar

HOURS_SCALE = [[0.0, "#ffffff"], [0.25, "#fff3c4"], [0.6, "#ffb74d"], [1.0, "#d84315"]]


def meetings_by_day(plan: Plan, staff_id: str) -> dict[date, list[Meeting]]:
    days: dict[date, list[Meeting]] = defaultdict(list)
    for meeting in plan.meetings:
        if staff_id in meeting.attendees:
            days[meeting.day].append(meeting)
    for meetings in days.values():
        meetings.sort(key=lambda m: m.start_minute)
    return dict(days)


def _mondays(start: date, end: date) -> list[date]:
    monday = monday_of(start)
    out = []
    while monday <= end:
        out.append(monday)
        monday += timedelta(days=7)
    return out


def workload_calendar(plan: Plan, register: Register, staff_id: str) -> go.Figure:
    """One person's plan period as weeks (columns) × weekdays (rows), coloured by meeting hours."""
    person = register.staff_by_id.get(staff_id)
    if person is None:
        raise KeyError(f"Medarbejder {staff_id} findes ikke i data")
    calendar = WorkCalendar(register, plan.start, plan.end)
    by_day = meetings_by_day(plan, staff_id)
    mondays = _mondays(plan.start, plan.end)
    weekdays = list(range(5))
    hours, blocked, hover = [], [], []
    for weekday in weekdays:
        hours_row, blocked_row, hover_row = [], [], []
        for monday in mondays:
            day = monday + timedelta(days=weekday)
            meetings = by_day.get(day, [])
            why = calendar.why_unavailable(staff_id, day) if plan.start <= day <= plan.end else "uden for planen"
            text = danish_date(day).capitalize()
            if meetings:
                text += "<br>" + "<br>".join(f"{m.start}–{m.end} {m.family_id}" for m in meetings)
            elif why:
                text += f"<br>{why}"
            else:
                text += "<br>ingen møder"
            hour_value = sum(m.end_minute - m.start_minute for m in meetings) / 60
            hours_row.append(hour_value if (meetings or not why) else None)
            blocked_row.append(1 if (why and not meetings) else None)
            hover_row.append(text)
        hours.append(hours_row)
        blocked.append(blocked_row)
        hover.append(hover_row)
    labels = [week_label(monday).replace(" (", "<br>(") for monday in mondays]
    rows = [WEEKDAY_DA[d] for d in weekdays]
    figure = go.Figure()
    figure.add_trace(go.Heatmap(z=blocked, x=labels, y=rows, colorscale=[[0, "#cfd8dc"], [1, "#cfd8dc"]],
                                showscale=False, hoverinfo="text", text=hover, xgap=2, ygap=2, name="Kan ikke"))
    top = max([v for row in hours for v in row if v is not None] + [3.0])
    figure.add_trace(go.Heatmap(z=hours, x=labels, y=rows, colorscale=HOURS_SCALE, zmin=0, zmax=top,
                                hoverinfo="text", text=hover, xgap=2, ygap=2, name="Mødetimer",
                                colorbar={"title": {"text": "Timer"}}))
    total = sum(len(v) for v in by_day.values())
    figure.update_layout(
        title={"text": f"Mødekalender for {person.name} ({catalogue.role_label(person.role)}): {total} møder, "
                       f"grå = kan ikke holde møder", "x": 0.01},
        yaxis={"autorange": "reversed"}, xaxis={"tickangle": 0, "tickfont": {"size": 9}},
        height=300, margin={"l": 50, "r": 20, "t": 50, "b": 40}, plot_bgcolor="white",
    )
    return figure


def team_workload_heatmap(plan: Plan, register: Register, staff_ids: list[str] | None = None) -> go.Figure:
    """Meeting hours per person (rows) and ISO week (columns) for everyone with meetings."""
    weeks = weeks_of(plan)
    minutes: dict[tuple[str, str], int] = defaultdict(int)
    for meeting in plan.meetings:
        for staff_id in meeting.attendees:
            minutes[(staff_id, week_label(meeting.day))] += meeting.end_minute - meeting.start_minute
    people = staff_ids or sorted({s for s, _ in minutes})
    names = [f"{register.staff_by_id[s].name} ({s})" if s in register.staff_by_id else s for s in people]
    z = [[minutes.get((s, w), 0) / 60 for w in weeks] for s in people]
    figure = go.Figure(go.Heatmap(z=z, x=weeks, y=names, colorscale=HOURS_SCALE, xgap=1, ygap=1,
                                  hovertemplate="%{y}<br>%{x}: %{z:.1f} timer<extra></extra>",
                                  colorbar={"title": {"text": "Timer"}}))
    figure.update_layout(title={"text": "Mødetimer pr. medarbejder og uge", "x": 0.01},
                         height=max(300, 18 * len(people) + 120), yaxis={"autorange": "reversed"},
                         margin={"l": 220, "r": 20, "t": 50, "b": 40}, plot_bgcolor="white")
    return figure
