"""Which follow-ups no staffing can bring on time, so targets exclude them honestly.

Imagine the family's team replaced by people who are free every open day.  If
even then no chain of follow-ups keeps every interval inside the horizon (the
family was already overdue at the start, or is away or the municipality closed
over a whole window), the lateness is unavoidable whatever the staffing.  Such
families are listed and left out of "every deadline holds"; their meetings
are still planned.

The same holds for a child's or an adult's own clock (clocks.py: a børnefaglig
undersøgelse, supervision visits, jobsamtaler), and for one that nobody on the
family's team has the role to hold: added staff fill places, they do not add a
caseworker to a family's team.  Results are keyed by chain (the family id for the
team's follow-ups, ``person:rule`` for a person's clock).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from workbench.clocks import Clock, on_time_chain_exists, person_clocks, team_anchor, team_clock
from workbench.model import Assignment, Register
from workbench.attendance import appointment_attendees
from workbench.workdays import WorkCalendar


@dataclass(frozen=True)
class Unavoidable:
    family_id: str
    deadline: date
    reason: str
    person_id: str = ""
    """The child or adult whose own clock it is ("" for the team's follow-ups)."""


def family_open_days(register: Register, family_id: str, start: date, end: date,
                     calendar: WorkCalendar | None = None) -> list[int]:
    """Day numbers (from ``start``) on which the municipality is open and the family can meet."""
    calendar = calendar or WorkCalendar(register, start, end)
    return [(d - start).days for d in calendar.open_days if calendar.family_available(family_id, d)]


def unavoidable_lateness(register: Register, start: date, end: date) -> dict[str, Unavoidable]:
    """chain -> why its follow-ups cannot all be on time in ``start..end``, whatever the staffing (the family id
    for the team's follow-ups, ``person:rule`` for a person's clock)."""
    calendar = WorkCalendar(register, start, end)
    n_days = (end - start).days + 1
    out = {}
    for family in register.families:
        days = family_open_days(register, family.family_id, start, end, calendar)
        timed = team_clock(register, family, start, end)
        if timed is not None:
            rule, clock = timed
            since, since_meeting = team_anchor(register, family, rule, start, end)
            why = _why_late(clock, since, since_meeting, days, start, n_days)
            if why:
                due = start + timedelta(days=clock.deadline((since - start).days))
                out[family.family_id] = Unavoidable(family.family_id, due, why)
        assignment = Assignment(family.family_id, family.primary_coordinator, family.secondary_coordinator)
        for made in person_clocks(register, family, start, end):
            prev = (made.since - start).days
            if made.clock.complete(prev, made.since_is_meeting, n_days):
                continue
            deadline = start + timedelta(days=made.clock.deadline(prev))
            opened = (made.opens - start).days if made.opens else -1
            why = _why_late(made.clock, made.since, made.since_is_meeting, [d for d in days if d >= opened], start,
                            n_days)
            if not why:
                _, why = appointment_attendees(register, assignment, family.family_id, made.rule.appointment,
                                               made.rule.case_basis)
            if why:
                out[made.chain_id] = Unavoidable(family.family_id, deadline, why, made.person_id)
    return out


def _why_late(clock: Clock, since: date, since_meeting: bool, days: list[int], start: date, n_days: int) -> str:
    """Why no staffing brings this chain on time ("" if some staffing could)."""
    prev = (since - start).days
    deadline = start + timedelta(days=clock.deadline(prev))
    if deadline < start:
        return f"fristen {deadline:%d.%m.%Y} var overskredet før perioden begyndte"
    if not on_time_chain_exists(days, prev, since_meeting, clock, n_days):
        return "familien er væk eller kommunen lukket i en hel periode, hvor et møde skulle holdes"
    return ""
