"""The meeting-packing problem in day numbers, built once from the register.

Every solver (rolling window, single model, EDF baseline) reads the same
instance, so they differ only in how they search.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Iterable, Mapping

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

    @property
    def first_release(self) -> int:
        return self.prev_day + (self.min_gap if self.prev_is_meeting else 0)

    @property
    def first_deadline(self) -> int:
        return self.prev_day + self.max_gap


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


def viable_days(allowed: set[int], min_gap: int, max_gap: int, n_days: int) -> frozenset[int]:
    """Backwards over the horizon: a day is viable if the next follow-up can be held on a viable day
    inside the legal band after it, or falls after the horizon."""
    gap = max(1, min_gap)
    viable = [False] * (n_days + 1)
    suffix = [0] * (n_days + 2)  # suffix[d] = number of viable days >= d
    for day in range(n_days - 1, -1, -1):
        if day in allowed:
            if day + max_gap >= n_days:
                viable[day] = True
            else:
                viable[day] = suffix[day + gap] - suffix[min(n_days, day + max_gap + 1)] > 0
        suffix[day] = suffix[day + 1] + viable[day]
    return frozenset(d for d in range(n_days) if viable[d])


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
        anchor = family.last_followup_date or family.case_start_date or start
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
                prev_day=(anchor - start).days,
                prev_is_meeting=family.last_followup_date is not None,
                allowed_days=tuple(sorted(allowed)),
                viable_days=viable_days(allowed, rule.min_interval_days, rule.max_interval_days, (end - start).days + 1),
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
