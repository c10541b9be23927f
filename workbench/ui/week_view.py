"""The plan as a team leader reads it: a week calendar of the whole team - who meets which family when - filtered
by person, family and week. ``week_calendar_html`` is the pure presenter; ``WeekView`` wires the filters."""

from __future__ import annotations

import html
from datetime import date, timedelta

import ipywidgets as w

from workbench.catalogue import role_label
from workbench.danish import WEEKDAYS_DA, count, monday_of, week_label
from workbench.model import Meeting, Plan, Register
from workbench.ui.common import STYLE, with_classes

ALL = ""
"""The filter value that means 'everyone' / 'every family'."""
CELL_STYLE = "border:1px solid #cfd8dc;padding:4px 6px;vertical-align:top;font-family:sans-serif;font-size:0.9em"


def weeks_of(plan: Plan) -> list[date]:
    """The Mondays of the weeks that have a meeting, in order."""
    return sorted({monday_of(m.day) for m in plan.meetings})


def _entry(meeting: Meeting, register: Register) -> str:
    person = f" – {register.person_by_id[meeting.person_id].label or meeting.person_id}" \
        if meeting.person_id and meeting.person_id in register.person_by_id else ""
    late = (f' <span style="color:#c62828;font-weight:bold">({count(meeting.days_late, "dag", "dage")} for sent)'
            f'</span>' if meeting.days_late > 0 else "")
    title = f"{register.appointment_title(meeting.rule_id)}{person}; frist {meeting.deadline:%d.%m.%Y}"
    return (f'<div title="{html.escape(title)}">{meeting.start.replace(":", ".")} '
            f'<b>{html.escape(meeting.family_id)}</b>{html.escape(person)}{late}</div>')


def week_calendar_html(plan: Plan, register: Register, monday: date, person: str = ALL, family: str = ALL) -> str:
    """One week, Monday to Friday: a row per staff member with a meeting that week (or only ``person``), each
    day's meetings in time order, late ones in red; only ``family``'s meetings if given."""
    days = [monday + timedelta(days=n) for n in range(5)]
    meetings = [m for m in plan.meetings if monday <= m.day < monday + timedelta(days=7)
                and (family == ALL or m.family_id == family)]
    people = sorted({p for m in meetings for p in m.attendees if person == ALL or p == person},
                    key=lambda p: (register.staff_by_id[p].name if p in register.staff_by_id else p))
    heading = f"<b>{html.escape(week_label(monday).capitalize())}</b>: " + count(len(meetings), "møde", "møder")
    if not people:
        return STYLE + f'<div class="tvaers-msg tvaers-ok">{heading} – ingen med de valgte filtre.</div>'
    head = "".join(f'<th style="{CELL_STYLE};background:#e3f2fd">{WEEKDAYS_DA[d.weekday()].capitalize()} '
                   f'{d.day}.{d.month}.</th>' for d in days)
    rows = []
    for staff_id in people:
        staff = register.staff_by_id.get(staff_id)
        name = html.escape(staff.name if staff else staff_id) + (
            f'<br><small style="font-weight:normal;color:#455a64">{html.escape(role_label(staff.role))}</small>'
            if staff else "")
        cells = []
        for day in days:
            todays = sorted((m for m in meetings if m.day == day and staff_id in m.attendees),
                            key=lambda m: (m.start_minute, m.family_id))
            cells.append(f'<td style="{CELL_STYLE}">{"".join(_entry(m, register) for m in todays)}</td>')
        rows.append(f'<tr><th style="{CELL_STYLE};text-align:left">{name}</th>{"".join(cells)}</tr>')
    return (STYLE + f'<div style="font-family:sans-serif;margin:4px 0">{heading}</div>'
            f'<table class="tvaers-week-table" style="border-collapse:collapse">'
            f'<thead><tr><th style="{CELL_STYLE};background:#e3f2fd">Medarbejder</th>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


class WeekView:
    """Week, person and family filters over a plan's week calendar."""

    def __init__(self) -> None:
        self.plan: Plan | None = None
        self.register: Register | None = None
        self.week = with_classes(w.Dropdown(description="Uge", options=[], layout=w.Layout(width="260px")),
                                 "tvaers-week-pick")
        self.person = with_classes(w.Dropdown(description="Medarbejder", options=[("Alle", ALL)],
                                              style={"description_width": "initial"}, layout=w.Layout(width="320px")),
                                   "tvaers-week-person")
        self.family = with_classes(w.Dropdown(description="Familie", options=[("Alle", ALL)],
                                              layout=w.Layout(width="220px")), "tvaers-week-family")
        self.table = with_classes(w.HTML(), "tvaers-week-calendar")
        for control in (self.week, self.person, self.family):
            control.observe(lambda _: self.render(), names="value")
        self.widget = w.VBox([w.HTML("<h3 style='font-family:sans-serif;margin:12px 0 4px 0'>Ugekalender</h3>"),
                              w.HBox([self.week, self.person, self.family]), self.table])

    def show(self, plan: Plan, register: Register, first: date | None = None) -> None:
        """Show ``plan``; the week of ``first`` (or the plan's first week with meetings)."""
        self.plan, self.register = None, register  # no rendering while the options change
        weeks = weeks_of(plan)
        self.week.options = [(week_label(m).capitalize(), m) for m in weeks]
        people = sorted({p for m in plan.meetings for p in m.attendees},
                        key=lambda p: register.staff_by_id[p].name if p in register.staff_by_id else p)
        self.person.options = [("Alle", ALL)] + [
            (register.staff_by_id[p].name if p in register.staff_by_id else p, p) for p in people]
        self.family.options = [("Alle", ALL)] + [(f, f) for f in sorted({m.family_id for m in plan.meetings})]
        wanted = monday_of(first) if first else None
        self.week.value = wanted if wanted in weeks else (weeks[0] if weeks else None)
        self.plan = plan
        self.render()

    def render(self) -> None:
        if self.plan is None or self.register is None:
            return
        if self.week.value is None:
            self.table.value = STYLE + '<div class="tvaers-msg tvaers-ok">Planen har ingen møder.</div>'
            return
        self.table.value = week_calendar_html(self.plan, self.register, self.week.value, self.person.value,
                                              self.family.value)
