"""The meeting-packing problem in day numbers, built once from the register.

Every solver (rolling window, single model, EDF baseline) reads the same
instance, so they differ only in how they search.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from typing import Iterable, Mapping

from workbench.clocks import Clock, chain_id, person_clocks, team_anchor, team_clock, viable_days
from workbench.model import Assignment, Meeting, Register, TEAM
from workbench.attendance import appointment_attendees, attendees_of
from workbench.settings import DEFAULT_HOURS, MeetingHours
from workbench.workdays import WorkCalendar


@dataclass(frozen=True)
class FamilyDemand:
    """One chain of appointments: the family's team follow-ups, or one clock on a person's case (a børnefaglig
    undersøgelse, supervision visits, jobsamtaler): who meets, how often, from when."""

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
    """Sorted day numbers on which the municipality is open and every attendee and the family can meet: the
    hard rules HardRule.OPEN_DAY, WORKDAY, NOT_ABSENT and FAMILY_AVAILABLE (workbench/hard_rules.py) for every
    planner, kept by offering no other day."""
    viable_days: frozenset[int] = frozenset()
    """Allowed days after which the rest of the chain can still be held on time, absences considered
    (capacity ignored): holding a meeting on any other day dooms a later one."""
    repeat: bool = True
    """False for a one-off deadline (clocks.py)."""
    until: int | None = None
    """Last day of a count window (clocks.py)."""
    switches: tuple[tuple[int, int, int], ...] = ()
    """Days on which a new rule version's intervals take over (clocks.py); ``max_gap``/``min_gap`` are those in
    force before the first."""
    person_id: str = ""
    """The child or adult a person's clock concerns ("" for the family's team chain)."""
    appointment: str = TEAM

    @cached_property
    def clock(self) -> Clock:
        """The chain's timing (clocks.py): every solver asks it for bands, deadlines and completeness."""
        return Clock(self.max_gap, self.min_gap, self.repeat, self.until, self.switches)

    @property
    def chain_id(self) -> str:
        """The family id for the team chain, ``person:rule`` for a person's clock (clocks.chain_id)."""
        return chain_id(self.family_id, self.person_id, self.rule_id)

    @property
    def id_prefix(self) -> str:
        """Meeting ids of the chain: F0001-01 for team follow-ups, F0001-B1-BL20-01 for a person's clock."""
        return self.family_id if not self.person_id else f"{self.person_id}-{self.rule_id}"

    @property
    def first_release(self) -> int:
        """The first meeting's earliest day: HardRule.MIN_INTERVAL after the last follow-up, or, for a new case
        (no meeting before), the day the clock starts (HardRule.AFTER_CASE_OPENS)."""
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

    unstaffed: list[tuple[str, str, str, int]] = field(default_factory=list)
    """(chain id, family id, Danish reason, first deadline day) for clocks no one in the family's team can attend
    (no job consultant, ...): they are reported as missing follow-ups."""

    @property
    def family_index(self) -> Mapping[str, int]:
        """chain id -> index (the family id for the team chains)."""
        return {f.chain_id: i for i, f in enumerate(self.families)}


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
    horizon); frozen and held meetings before it stay where they are.

    Long because it is one pass over the families that builds every chain (team and person clocks) with its
    days, attendees and fixed meetings in the same order the solvers index them."""
    by_family = {a.family_id: a for a in assignments}
    calendar = WorkCalendar(register, start, end)
    numbers = {d: (d - start).days for d in calendar.open_days}
    staff_days = {
        s.staff_id: frozenset(n for d, n in numbers.items() if calendar.staff_available(s.staff_id, d))
        for s in register.staff
    }
    n_days = (end - start).days + 1
    open_numbers = set(numbers.values())
    first_allowed = (earliest - start).days if earliest is not None else None

    def demand(family, rule, attendees, since, since_meeting, clock, person_id="", opens=None) -> FamilyDemand:
        allowed = set(open_numbers)
        if opens is not None:  # nothing before the case opened
            allowed = {n for n in allowed if n >= (opens - start).days}
        for person in attendees:
            allowed &= staff_days[person]
        allowed = {n for n in allowed if calendar.family_available(family.family_id, start + timedelta(days=n))}
        if first_allowed is not None:
            allowed = {n for n in allowed if n >= first_allowed}
        return FamilyDemand(family_id=family.family_id, rule_id=rule.rule_id, attendees=attendees,
                            minutes=rule.meeting_minutes, max_gap=clock.max_gap, min_gap=clock.min_gap,
                            prev_day=(since - start).days, prev_is_meeting=since_meeting,
                            allowed_days=tuple(sorted(allowed)), viable_days=viable_days(allowed, clock, n_days),
                            repeat=clock.repeat, until=clock.until, switches=clock.switches, person_id=person_id,
                            appointment=rule.appointment)

    families, unstaffed = [], []
    for family in register.families:
        assignment = by_family.get(family.family_id)
        timed = team_clock(register, family, start, end)
        if timed is not None:
            rule, clock = timed
            since, since_meeting = team_anchor(register, family, rule, start, end)
            families.append(demand(family, rule, attendees_of(register, assignment, family.family_id), since,
                                   since_meeting, clock))
        for made in person_clocks(register, family, start, end):
            attendees, why = appointment_attendees(register, assignment, family.family_id, made.rule.appointment,
                                                   made.rule.case_basis)
            if not attendees:
                if not made.clock.complete((made.since - start).days, made.since_is_meeting, n_days):
                    unstaffed.append((made.chain_id, family.family_id, why,
                                      made.clock.deadline((made.since - start).days)))
                continue
            families.append(demand(family, made.rule, attendees, made.since, made.since_is_meeting, made.clock,
                                   made.person_id, made.opens))
    previous_by_family: dict[str, list[Meeting]] = {}
    for meeting in sorted(previous, key=lambda m: (m.day, m.start_minute)):
        previous_by_family.setdefault(meeting.chain_id, []).append(meeting)
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
        unstaffed=unstaffed,
    )
