"""Which follow-ups no staffing can bring on time, so targets exclude them honestly.

Imagine the family's team replaced by people who are free every open day.  If
even then no chain of follow-ups keeps every interval inside the horizon (the
family was already overdue at the start, or is away or the municipality closed
over a whole window), the lateness is unavoidable whatever the staffing.  Such
families are listed and left out of "every legal interval holds"; their meetings
are still planned.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from workbench.clocks import Clock, on_time_chain_exists, team_anchor, team_rule
from workbench.model import DEADLINE, Register
from workbench.workdays import WorkCalendar


@dataclass(frozen=True)
class Unavoidable:
    family_id: str
    deadline: date
    reason: str


def family_open_days(register: Register, family_id: str, start: date, end: date,
                     calendar: WorkCalendar | None = None) -> list[int]:
    """Day numbers (from ``start``) on which the municipality is open and the family can meet."""
    calendar = calendar or WorkCalendar(register, start, end)
    return [(d - start).days for d in calendar.open_days if calendar.family_available(family_id, d)]


def unavoidable_lateness(register: Register, start: date, end: date) -> dict[str, Unavoidable]:
    """family_id -> why its follow-ups cannot all be on time in ``start..end``, whatever the staffing."""
    calendar = WorkCalendar(register, start, end)
    n_days = (end - start).days + 1
    out = {}
    for family in register.families:
        rule = team_rule(register, family, start, end)
        if rule is None:
            continue
        since, since_meeting = team_anchor(register, family, rule, start, end)
        prev = (since - start).days
        deadline = since + timedelta(days=rule.max_interval_days)
        if deadline < start:
            out[family.family_id] = Unavoidable(family.family_id, deadline,
                                                f"fristen {deadline:%d.%m.%Y} var overskredet før perioden begyndte")
            continue
        days = family_open_days(register, family.family_id, start, end, calendar)
        clock = Clock(rule.max_interval_days, rule.min_interval_days, repeat=rule.clock != DEADLINE)
        if not on_time_chain_exists(days, prev, since_meeting, clock, n_days):
            out[family.family_id] = Unavoidable(
                family.family_id, deadline,
                "familien er væk eller kommunen lukket i en hel periode, hvor et møde skulle holdes")
    return out
