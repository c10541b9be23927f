"""The staffing question: places to hold, who may hold them, hire slots and follow-up chains."""

from __future__ import annotations

import copy
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING

from workbench import catalogue
from workbench.caseload import caseload
from workbench.model import Register, Staff
from workbench.settings import DEFAULT_LOAD, LoadWeights
from workbench.clocks import (Clock, on_time_chain_exists, person_clocks, required_meetings, team_anchor,
                              team_clock)
from workbench.whatif.lateness import Unavoidable, family_open_days, unavoidable_lateness
from workbench.whatif.scenario import new_staff
from workbench.whatif.staffing.bounds import capacity_bounds
from workbench.workdays import WorkCalendar

if TYPE_CHECKING:
    from workbench.whatif.staffing.result import StaffingSolution

SCALE = 100
HIRE_PREFIX = "NY"

@dataclass(frozen=True)
class Place:
    """One coordinator role or team membership of a family that someone must hold."""

    family_id: str
    kind: str
    """"primary", "secondary" or "team"."""
    role: str
    """For team places the role needed; for coordinator places ""."""
    holder: str | None
    """Who holds it now (None = open)."""
    index: int = 0

    @property
    def name(self) -> str:
        return f"{self.family_id}/{self.kind}{self.index if self.kind == 'team' else ''}"


@dataclass(frozen=True)
class Chain:
    """The follow-up meetings one family needs in the horizon, as day options per meeting."""

    family_id: str
    prev: int
    prev_is_meeting: bool
    clock: Clock
    minutes: int
    days: tuple[int, ...]
    """Open days (numbers from the start) on which the family can meet."""
    slots: int
    """How many meetings the model may place (the fewest needed, plus one)."""
    required: int
    """The fewest meetings that keep every interval until the horizon ends."""
    rule_id: str = ""
    """The team rule the meetings follow (written on each meeting of a checked plan)."""

    @property
    def min_gap(self) -> int:
        return self.clock.min_gap

    @property
    def max_gap(self) -> int:
        return self.clock.max_gap

    def options(self, k: int, n_days: int) -> tuple[int, ...]:
        """Days meeting ``k`` (0-based) can take without any interval being late."""
        if k and not self.clock.repeat:
            return ()
        low, high = self.clock.band(self.prev, self.prev_is_meeting)
        for _ in range(k):  # each earlier meeting held as early, or as late, as it may be
            low, high = self.clock.earliest(low, True), self.clock.deadline(high)
        low, high = max(0, low), min(n_days - 1, high)
        return tuple(d for d in self.days if low <= d <= high)


@dataclass(frozen=True)
class StaffingOptions:
    roles: tuple[str, ...] = ()
    """Roles that may be hired; empty = every role in the register."""
    max_per_role: int = 6
    time_limit: float = 60.0
    """Seconds for the staffing model (both phases, each round)."""
    plan_time_limit: float = 60.0
    """Seconds for each verifying plan."""
    rounds: int = 3
    meetings: str = "auto"
    """"exact" (per day, caps and minutes), "relaxed" (availability + capacity), "auto" (exact when small)."""
    exact_limit: int = 1500
    """Largest number of day variables for which "auto" escalates to the exact meeting model."""
    load: LoadWeights = DEFAULT_LOAD
    workers: int = 2


class StaffingProblem:
    """Places, candidates, hire slots and follow-up chains of one register and horizon."""

    def __init__(self, register: Register, start: date, end: date, options: StaffingOptions = StaffingOptions(),
                 vacant_places: tuple[tuple[str, str], ...] = ()) -> None:
        self.register, self.start, self.end, self.options = register, start, end, options
        self.n_days = (end - start).days + 1
        self.calendar = WorkCalendar(register, start, end)
        self._available_days: dict[str, frozenset[int]] = {}
        load = options.load
        used = caseload(register, load=load)
        self.over_cap = {s.staff_id for s in register.staff if used.get(s.staff_id, 0.0) > s.max_caseload_points + 1e-9}
        roles = options.roles or tuple(sorted({s.role for s in register.staff}
                                              | {m.role for m in register.team if m.role}
                                              | {role for _, role in vacant_places}))
        self.hire_roles = tuple(r for r in roles if r in catalogue.roles())
        self._set_slots([slot for role in self.hire_roles
                         for slot in new_staff(register, role, options.max_per_role, HIRE_PREFIX)])
        self.unavoidable: dict[str, Unavoidable] = unavoidable_lateness(register, start, end)
        """chain -> why no staffing brings it on time (lateness.py)."""
        self.person_clocks = [made for family in register.families for made in person_clocks(register, family, start, end)]
        """The children's and adults' own clocks: not in this model (it plans the team's follow-ups); the
        planner plans them when it verifies an answer."""
        self.chains = self._chains()
        self.stuck_families = self._stuck_families()
        self.places = self._places(vacant_places)
        self.options_of = {place: self._candidates(place) for place in self.places}
        self.bounds = capacity_bounds(self)
        self.greedy_holders: dict[bool, dict[Place, str]] = {}
        """The greedy staffings once worked out, by ``keep_holders`` (:func:`greedy.greedy_start`; asked for more
        than once)."""

    def _set_slots(self, slots: list[Staff]) -> None:
        """The hire slots and everything derived from them, kept consistent in one place."""
        self.slots = slots
        self.slot_ids = {s.staff_id for s in slots}
        self.people: dict[str, Staff] = {**self.register.staff_by_id, **{s.staff_id: s for s in slots}}

    def restricted_to(self, solution: StaffingSolution) -> StaffingProblem:
        """The same question with the solution's holders fixed and only its hires as slots (for the exact day check).

        The register, chains and calendar are shared, not recomputed (they do not depend on the slots);
        the capacity bounds are dropped because the hires are given.
        """
        restricted = copy.copy(self)
        restricted._set_slots([s for s in self.slots if s.staff_id in solution.hired_ids])
        restricted.options_of = {q: (solution.holders[q],) for q in self.places}
        restricted.bounds = []
        restricted.greedy_holders = {}
        return restricted

    def loads(self, holders: dict[Place, str]) -> dict[str, float]:
        """Caseload points each holder carries with these holders (a person with two roles in a family counts the
        larger share), without their base load."""
        load = self.options.load
        share = {"primary": load.primary, "secondary": load.secondary, "team": load.team}
        carried: dict[tuple[str, str], float] = defaultdict(float)
        for place, person in holders.items():
            points = self.register.family_by_id[place.family_id].case_points * share[place.kind]
            carried[(person, place.family_id)] = max(carried[(person, place.family_id)], points)
        used: dict[str, float] = defaultdict(float)
        for (person, _), points in carried.items():
            used[person] += points
        return used

    def room_left(self, holders: dict[Place, str]) -> dict[str, float]:
        """Caseload points each person could still take on with these holders (negative: over the limit)."""
        used = self.loads(holders)
        return {pid: person.max_caseload_points - person.base_caseload_points - used.get(pid, 0.0)
                for pid, person in self.people.items()}

    def within_limits(self, holders: dict[Place, str]) -> bool:
        """Every place has a holder and nobody is over their caseload limit with these holders."""
        return len(holders) == len(self.places) and all(room >= -1e-6 for room in self.room_left(holders).values())

    @property
    def coordinating_roles(self) -> set[str]:
        """Roles whose people (colleagues or newcomers) can coordinate."""
        return {person.role for person in self.people.values() if person.can_coordinate}

    # ------------------------------------------------------------------ places and who may hold them

    def _places(self, vacant_places) -> list[Place]:
        places = []
        for family in self.register.families:
            fid = family.family_id
            places.append(Place(fid, "primary", "", family.primary_coordinator))
            if family.needs_secondary or family.secondary_coordinator:
                places.append(Place(fid, "secondary", "", family.secondary_coordinator))
            for i, member in enumerate(self.register.team_by_family.get(fid, ())):
                role = member.role or self.register.staff_by_id[member.staff_id].role
                places.append(Place(fid, "team", role, member.staff_id, i))
        offset = defaultdict(lambda: 100)
        for fid, role in vacant_places:
            if fid in self.register.family_by_id:
                places.append(Place(fid, "team", role, None, offset[fid]))
                offset[fid] += 1
        return places

    def is_open(self, place: Place) -> bool:
        """Open places may go to anybody suitable; the others stay or go to a newcomer.

        Open: no holder, the holder left or is over their limit, or the family's present
        people have no common days for an on-time chain of follow-ups (e.g. a sick leave).
        """
        holder = self.register.staff_by_id.get(place.holder) if place.holder else None
        if holder is None or holder.staff_id in self.over_cap or place.family_id in self.stuck_families:
            return True
        return place.kind != "team" and not holder.can_coordinate

    def _stuck_families(self) -> set[str]:
        """Families whose present coordinators and team cannot meet on time (absences, part time)."""
        stuck = set()
        for family in self.register.families:
            chain = self.chains.get(family.family_id)
            if chain is None or not chain.required:
                continue
            people = [p for p in (family.primary_coordinator, family.secondary_coordinator,
                                  *self.register.team_staff_ids(family.family_id)) if p in self.register.staff_by_id]
            days = [d for d in chain.days if all(self.available(p, d) for p in people)]
            if not on_time_chain_exists(days, chain.prev, chain.prev_is_meeting, chain.clock, self.n_days):
                stuck.add(family.family_id)
        return stuck

    def modelled_chains(self, exact: bool) -> list[str]:
        """Families whose meeting days the model decides: all (exact), or those with an open place (relaxed).

        In the relaxed model a family whose places all stay or go to newcomers (free every open
        weekday) keeps an on-time chain, so its days need no variables.
        """
        if exact:
            return list(self.chains)
        open_families = {q.family_id for q in self.places if self.is_open(q)}
        return [fid for fid in self.chains if fid in open_families]

    def suitable(self, place: Place, person: Staff) -> bool:
        if place.kind == "team":
            return person.role == place.role
        return person.can_coordinate

    def _candidates(self, place: Place) -> tuple[str, ...]:
        if self.is_open(place):
            pool = list(self.register.staff) + self.slots
        else:
            pool = [self.register.staff_by_id[place.holder]] + self.slots
        return tuple(p.staff_id for p in pool if self.suitable(place, p))

    # ------------------------------------------------------------------ chains

    def _chains(self) -> dict[str, Chain]:
        chains = {}
        for family in self.register.families:
            if family.family_id in self.unavoidable:
                continue
            timed = team_clock(self.register, family, self.start, self.end)
            if timed is None:
                continue  # no team follow-ups (only the cases' own clocks)
            rule, clock = timed
            since, since_meeting = team_anchor(self.register, family, rule, self.start, self.end)
            prev = (since - self.start).days
            need = required_meetings(prev, since_meeting, clock, self.n_days)
            days = tuple(family_open_days(self.register, family.family_id, self.start, self.end, self.calendar))
            chain = Chain(family.family_id, prev, since_meeting, clock, rule.meeting_minutes, days,
                          need + 1 if need else 0, need, rule.rule_id)
            slots = 0
            while slots < chain.slots and chain.options(slots, self.n_days):
                slots += 1
            if slots < need:
                self.unavoidable[family.family_id] = Unavoidable(
                    family.family_id, since + timedelta(days=rule.max_interval_days),
                    "ingen mulig mødedag inden for fristerne")
                continue
            chains[family.family_id] = replace(chain, slots=slots)
        return chains

    def available(self, staff_id: str, day: int) -> bool:
        return day in self.available_days(staff_id)

    def available_days(self, staff_id: str) -> frozenset[int]:
        """The days (numbers from the start) the person can meet: asked per person and day some million times by
        the model and the greedy, so worked out once per person."""
        days = self._available_days.get(staff_id)
        if days is None:
            days = self._available_days[staff_id] = frozenset(d for d in range(self.n_days) if self._can_meet(staff_id, d))
        return days

    def _can_meet(self, staff_id: str, day: int) -> bool:
        when = self.start + timedelta(days=day)
        if staff_id in self.register.staff_by_id:
            return self.calendar.staff_available(staff_id, when)
        return self.calendar.is_open(when) and when.weekday() in self.people[staff_id].workdays

    def day_variables(self) -> int:
        return sum(len(c.options(k, self.n_days)) for c in self.chains.values() for k in range(c.slots))
