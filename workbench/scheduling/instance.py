"""The meeting-packing problem in day numbers, built once from the register.

Every solver (rolling window, single model, EDF baseline) reads the same
instance, so they differ only in how they search.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from typing import Iterable, Mapping

from workbench.clocks import Clock, anchor, viable_days
from workbench.model import Register
from workbench.scheduling.plan import Assignment, Meeting
from workbench.settings import DEFAULT_HOURS, MeetingHours
from workbench.workdays import WorkCalendar


@dataclass(frozen=True)
class FamilyDemand:
    """One family's follow-up chain: who meets, how often, from when."""

    family_id: str
    rule_id: str
    attendees: tuple[str, ...]
    minutes: int
    max_gap: int
    min_gap: int
    prev_day: int
    """Day number of the last follow-up (negative = before the horizon)."""
    prev_is_meeting: bool
    """False for a new case: the first meeting may come right away (no minimum gap)."""
    allowed_days: tuple[int, ...]
    """Sorted day numbers on which the municipality is open and every attendee and the family can meet."""
    viable_days: frozenset[int] = frozenset()
    """Allowed days after which the rest of the chain can still be held on time, absences considered
    (capacity ignored): holding a meeting on any other day dooms a later one."""
    repeat: bool = True
    """False for a one-off deadline (clocks.py)."""

    @cached_property
    def clock(self) -> Clock:
        """The chain's timing (clocks.py): every solver asks it for bands, deadlines and completeness."""
        return Clock(self.max_gap, self.min_gap, self.repeat)

    @property
    def first_release(self) -> int:
        return self.clock.earliest(self.prev_day, self.prev_is_meeting)

    @property
    def first_deadline(self) -> int:
        return self.clock.deadline(self.prev_day)


@dataclass
class PackingInstance:
    start: date
    end: date
    families: list[FamilyDemand]
    staff_cap: dict[str, int]
    staff_days: dict[str, frozenset[int]]
    day_minutes: int
    hours: MeetingHours = DEFAULT_HOURS
    fixed: list[Meeting] = field(default_factory=list)
    """Meetings that must stay as they are (freeze window of a re-plan)."""
    previous: dict[str, list[Meeting]] = field(default_factory=dict)
    """Announced meetings that may move (after the freeze), per family in date order: kept where possible."""
    used_ids: dict[str, set[str]] = field(default_factory=dict)
    """Meeting ids a family's earlier plans used (held, cancelled): never given to a new meeting."""

    @property
    def n_days(self) -> int:
        return (self.end - self.start).days + 1

    def day(self, number: int) -> date:
        return self.start + timedelta(days=number)

    def number(self, day: date) -> int:
        return (day - self.start).days

    @property
    def family_index(self) -> Mapping[str, int]:
        return {f.family_id: i for i, f in enumerate(self.families)}


def attendees_of(register: Register, assignment: Assignment | None, family_id: str) -> tuple[str, ...]:
    """Coordinators first, then the team, each person once."""
    people = []
    if assignment:
        people += [assignment.primary_coordinator, assignment.secondary_coordinator]
    people += list(register.team_staff_ids(family_id))
    return tuple(dict.fromkeys(p for p in people if p))


def build_instance(
    register: Register,
    assignments: Iterable[Assignment],
    start: date,
    end: date,
    hours: MeetingHours = DEFAULT_HOURS,
    fixed: Iterable[Meeting] = (),
    previous: Iterable[Meeting] = (),
    used_ids: dict[str, set[str]] | None = None,
    earliest: date | None = None,
) -> PackingInstance:
    """``earliest``: no meeting is planned before this day (today, when re-planning part-way through the
    horizon); frozen and held meetings before it stay where they are."""
    by_family = {a.family_id: a for a in assignments}
    calendar = WorkCalendar(register, start, end)
    numbers = {d: (d - start).days for d in calendar.open_days}
    staff_days = {
        s.staff_id: frozenset(n for d, n in numbers.items() if calendar.staff_available(s.staff_id, d))
        for s in register.staff
    }
    families = []
    for family in register.families:
        rule = register.rule_for(family, start)
        attendees = attendees_of(register, by_family.get(family.family_id), family.family_id)
        since, since_meeting = anchor(family.last_followup_date, family.case_start_date, start)
        clock = Clock(rule.max_interval_days, rule.min_interval_days)
        allowed = set(numbers.values())
        for person in attendees:
            allowed &= staff_days[person]
        allowed = {n for n in allowed if calendar.family_available(family.family_id, start + timedelta(days=n))}
        if earliest is not None:
            allowed = {n for n in allowed if n >= (earliest - start).days}
        families.append(
            FamilyDemand(
                family_id=family.family_id,
                rule_id=rule.rule_id,
                attendees=attendees,
                minutes=rule.meeting_minutes,
                max_gap=rule.max_interval_days,
                min_gap=rule.min_interval_days,
                prev_day=(since - start).days,
                prev_is_meeting=since_meeting,
                allowed_days=tuple(sorted(allowed)),
                viable_days=viable_days(allowed, clock, (end - start).days + 1),
            )
        )
    previous_by_family: dict[str, list[Meeting]] = {}
    for meeting in sorted(previous, key=lambda m: (m.day, m.start_minute)):
        previous_by_family.setdefault(meeting.family_id, []).append(meeting)
    return PackingInstance(
        start=start,
        end=end,
        families=families,
        staff_cap={s.staff_id: s.max_meetings_per_day for s in register.staff},
        staff_days=staff_days,
        day_minutes=hours.end_minute - hours.start_minute,
        hours=hours,
        fixed=list(fixed),
        previous=previous_by_family,
        used_ids=dict(used_ids or {}),
    )
