"""Which days a meeting can be held: Danish holidays, weekdays, absences.

One place answers "can this person / this family meet on this day?" so the
planner, the baselines, the independent checker and the exports agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property
from typing import Iterable, Iterator

import holidays

from workbench.hard_rules import HardRule
from workbench.model import Register

HOLIDAY_CATEGORIES: tuple[str, ...] = ("public", "optional")
"""Public holidays plus the days municipal offices close (Grundlovsdag, 24/12, 31/12, 1/5)."""


def danish_closed_days(years: Iterable[int]) -> dict[date, str]:
    """Danish public holidays and customary closing days, with Danish names."""
    calendar = holidays.Denmark(years=sorted(set(years)), categories=HOLIDAY_CATEGORIES, language="da")
    return {day: str(name) for day, name in calendar.items()}


def days_between(start: date, end: date) -> Iterator[date]:
    """Every calendar day from ``start`` to ``end`` inclusive."""
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


@dataclass(frozen=True)
class WorkCalendar:
    """Availability of people and families over a planning horizon."""

    register: Register
    start: date
    end: date

    @cached_property
    def closed(self) -> dict[date, str]:
        closed = danish_closed_days(range(self.start.year - 1, self.end.year + 2))
        closed.update({c.day: c.reason or "Lukkedag" for c in self.register.closed_days})
        return closed

    def is_open(self, day: date) -> bool:
        """A weekday on which the municipality is open."""
        return day.weekday() < 5 and day not in self.closed

    @cached_property
    def open_days(self) -> tuple[date, ...]:
        return tuple(d for d in days_between(self.start, self.end) if self.is_open(d))

    def staff_available(self, staff_id: str, day: date) -> bool:
        staff = self.register.staff_by_id[staff_id]
        if not self.is_open(day) or not staff.works_on(day):
            return False
        return not any(a.covers(day) for a in self.register.absences_by_staff.get(staff_id, ()))

    def family_available(self, family_id: str, day: date) -> bool:
        return not any(u.covers(day) for u in self.register.unavailability_by_family.get(family_id, ()))

    def why_unavailable(self, staff_id: str, day: date) -> str | None:
        """A Danish reason, or None if the person can meet that day.  An absence is just the rule's code
        (HardRule.NOT_ABSENT): its reason (sick leave, a course) is private and the explanation ends up in shared
        files."""
        staff = self.register.staff_by_id[staff_id]
        if day.weekday() >= 5:
            return "weekend"
        if day in self.closed:
            return f"helligdag/lukkedag ({self.closed[day]})"
        if not staff.works_on(day):
            return "ikke arbejdsdag (deltid)"
        for absence in self.register.absences_by_staff.get(staff_id, ()):
            if absence.covers(day):
                return str(HardRule.NOT_ABSENT)
        return None


EARLIEST_PLAN_YEAR, LATEST_PLAN_YEAR, LONGEST_PLAN_DAYS = 2000, 2100, 731


def period_problem(start: date, end: date) -> str | None:
    """Why a planning period makes no sense, in Danish (None if it is fine): the end before the start, a year
    outside 2000-2100 (a plan for 1900 'held every deadline'), or longer than two years."""
    if end < start:
        return "Slutdatoen ligger før startdatoen."
    if start.year < EARLIEST_PLAN_YEAR or end.year > LATEST_PLAN_YEAR:
        return f"Perioden skal ligge mellem år {EARLIEST_PLAN_YEAR} og {LATEST_PLAN_YEAR}; tjek årstallet."
    if (end - start).days >= LONGEST_PLAN_DAYS:
        return "Vælg en periode på højst to år ad gangen."
    return None
