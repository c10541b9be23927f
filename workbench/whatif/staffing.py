"""Minimal staffing: the fewest added staff per role so that every deadline holds.

"Every deadline holds" means: every family has a primary coordinator (and
a secondary where needed), every team place has a holder, nobody is over their
caseload limit, and no follow-up of the horizon is late or missing - except for
families whose lateness no staffing can avoid (:mod:`workbench.whatif.lateness`),
which are listed and left out.

How added staff relieve the bottleneck (the reassignment policy):
* a *place* is one coordinator role (primary/secondary) or one team membership
  of a family;
* places that are already open - no coordinator yet, the holder left, or the
  holder is over their limit - may go to anybody suitable (any coordinator for
  coordinator places, anybody of the same role for team places), new or not;
* every other place stays with its holder or is handed over to a *new*
  colleague of a suitable role.  Families keep the people they know unless a
  newcomer takes over; we never shuffle families between existing colleagues.

The search is one CP-SAT model (:class:`StaffingModel`) over hire slots per role,
place holders, caseload limits and the follow-up chains; the fewest hires are
found first, then the fewest handovers.  For small instances the meetings are
modelled exactly per day (daily caps and minutes); for large ones the model
keeps the exact availability of every chain and a capacity condition per person
(meetings needed by each deadline vs. meetings the person can attend by then),
which is a relaxation: its optimum is a proven lower bound.  Every answer is
then verified with the real planner and the independent checker.  If the
verified plan still has avoidable late meetings, the families' blocked places
must change holder in the next round (a cut) - after such rounds the answer is
an upper bound, reported with the proven lower bound beside it.
"""

from __future__ import annotations

import copy
import math
import time
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from ortools.sat.python import cp_model

from workbench.solver import new_solver

from workbench import catalogue
from workbench.caseload import caseload
from workbench.model import Assignment, DEADLINE, Meeting, Plan, Register, Staff, TeamMember
from workbench.scheduling.check import check_plan
from workbench.scheduling.coordinators import fit_score
from workbench.scheduling.planner import PlanOptions, PlanRun, make_plan
from workbench.scheduling.stopping import ProgressCallback, StopToken, no_progress
from workbench.scheduling.timeslots import DayTask, time_day
from workbench.settings import DEFAULT_HOURS, DEFAULT_LOAD, LoadWeights
from workbench.clocks import Clock, on_time_chain_exists, person_clocks, required_meetings, team_anchor, team_rule
from workbench.whatif.lateness import Unavoidable, family_open_days, unavoidable_lateness
from workbench.whatif.scenario import hire_template, new_staff
from workbench.workdays import WorkCalendar

SCALE = 100
HIRE_PREFIX = "NY"


# ---------------------------------------------------------------------------------------------- the problem


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
        low = max(0, self.clock.earliest(self.prev, self.prev_is_meeting) + k * self.clock.step)
        high = min(n_days - 1, self.prev + (k + 1) * self.clock.max_gap)
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
        load = options.load
        used = caseload(register, load=load)
        self.over_cap = {s.staff_id for s in register.staff if used.get(s.staff_id, 0.0) > s.max_caseload_points + 1e-9}
        roles = options.roles or tuple(sorted({s.role for s in register.staff}
                                              | {m.role for m in register.team if m.role}
                                              | {role for _, role in vacant_places}))
        self.hire_roles = tuple(r for r in roles if r in catalogue.roles())
        self.slots: list[Staff] = []
        for role in self.hire_roles:
            self.slots += new_staff(register, role, options.max_per_role, HIRE_PREFIX)
        self.slot_ids = {s.staff_id for s in self.slots}
        self.people: dict[str, Staff] = {**register.staff_by_id, **{s.staff_id: s for s in self.slots}}
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
            rule = team_rule(self.register, family, self.start, self.end)
            if rule is None:
                continue  # no team follow-ups (only the cases' own clocks)
            since, since_meeting = team_anchor(self.register, family, rule, self.start, self.end)
            prev = (since - self.start).days
            clock = Clock(rule.max_interval_days, rule.min_interval_days, repeat=rule.clock != DEADLINE)
            need = required_meetings(prev, since_meeting, clock, self.n_days)
            days = tuple(family_open_days(self.register, family.family_id, self.start, self.end, self.calendar))
            chain = Chain(family.family_id, prev, since_meeting, clock, rule.meeting_minutes, days,
                          need + 1 if need else 0, need)
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
        return self.calendar.staff_available(staff_id, self.start + timedelta(days=day)) if staff_id in \
            self.register.staff_by_id else self.calendar.is_open(self.start + timedelta(days=day)) and \
            (self.start + timedelta(days=day)).weekday() in self.people[staff_id].workdays

    def day_variables(self) -> int:
        return sum(len(c.options(k, self.n_days)) for c in self.chains.values() for k in range(c.slots))


# ---------------------------------------------------------------------------------------------- the model


CONSTRAINTS = (
    "one_holder_per_place",
    "hire_before_use",
    "hires_in_order",
    "coordinators_differ",
    "one_team_place_per_person",
    "caseload_limits",
    "meeting_chain",
    "meeting_days_available",
    "meeting_capacity",
    "daily_caps",
    "daily_minutes",
    "cuts",
    "hires_cover_capacity_gap",
)


class StaffingModel:
    """CP-SAT model over hires, place holders and follow-up chains; one method per constraint."""

    def __init__(self, problem: StaffingProblem, exact_meetings: bool,
                 cuts: list[tuple[str, tuple[tuple[Place, str], ...]]] = (),
                 disabled: frozenset[str] = frozenset()) -> None:
        self.p, self.exact, self.cuts_list = problem, exact_meetings, list(cuts)
        self.model = cp_model.CpModel()
        m = self.model
        self.hired = {s.staff_id: m.new_bool_var(f"hired_{s.staff_id}") for s in problem.slots}
        self.hold: dict[tuple[Place, str], cp_model.IntVar] = {}
        for place, candidates in problem.options_of.items():
            for person in candidates:
                self.hold[(place, person)] = m.new_bool_var(f"hold_{place.name}_{person}")
        self.places_by_family: dict[str, list[Place]] = defaultdict(list)
        for place in problem.places:
            self.places_by_family[place.family_id].append(place)
        # day variables per chain meeting
        self.c: dict[tuple[str, int], dict[int, cp_model.IntVar]] = {}
        self.chains = {fid: problem.chains[fid] for fid in problem.modelled_chains(exact_meetings)}
        for fid, chain in self.chains.items():
            for k in range(chain.slots):
                self.c[(fid, k)] = {d: m.new_bool_var(f"c_{fid}_{k}_{d}") for d in chain.options(k, problem.n_days)}
        self.meets_on: dict[tuple[str, int], list] = defaultdict(list)
        for (fid, _), days in self.c.items():
            for d, var in days.items():
                self.meets_on[(fid, d)].append(var)
        self._attends: dict[tuple[str, str], object] = {}
        for name in CONSTRAINTS:
            if name in disabled:
                continue
            if name in ("daily_caps", "daily_minutes") and not self.exact:
                continue
            if name == "meeting_capacity" and self.exact:
                continue
            getattr(self, name)()

    # ------------------------------------------------------------------ helpers

    def held(self, fid: str, k: int):
        return sum(self.c[(fid, k)].values())

    def day_of(self, fid: str, k: int):
        return cp_model.LinearExpr.weighted_sum(list(self.c[(fid, k)].values()), list(self.c[(fid, k)].keys()))

    def attends(self, person: str, fid: str):
        """1 if ``person`` holds any place of the family (a literal, a constant, or an auxiliary bool)."""
        key = (person, fid)
        if key not in self._attends:
            places = [q for q in self.places_by_family[fid] if (q, person) in self.hold]
            literals = [self.hold[(q, person)] for q in places]
            if not literals:
                self._attends[key] = 0
            elif any(len(self.p.options_of[q]) == 1 for q in places):
                self._attends[key] = 1  # the person's place here cannot change
            elif len(literals) == 1:
                self._attends[key] = literals[0]
            else:
                aux = self.model.new_bool_var(f"attends_{person}_{fid}")
                for lit in literals:
                    self.model.add_implication(lit, aux)
                self.model.add(aux <= sum(literals))
                self._attends[key] = aux
        return self._attends[key]

    def persons_of(self, fid: str) -> set[str]:
        return {person for q in self.places_by_family[fid] for person in self.p.options_of[q]}

    # ------------------------------------------------------------------ constraints

    def one_holder_per_place(self) -> None:
        """Every place (coordinator role or team membership) has exactly one holder."""
        for place, candidates in self.p.options_of.items():
            self.model.add_exactly_one([self.hold[(place, person)] for person in candidates])

    def hire_before_use(self) -> None:
        """Only a hired newcomer can hold a place."""
        for (place, person), var in self.hold.items():
            if person in self.hired:
                self.model.add_implication(var, self.hired[person])

    def hires_in_order(self) -> None:
        """Newcomers of a role are hired in order (NY-x-1 before NY-x-2): removes symmetric solutions."""
        by_role: dict[str, list[Staff]] = defaultdict(list)
        for slot in self.p.slots:
            by_role[slot.role].append(slot)
        for slots in by_role.values():
            for first, second in zip(slots, slots[1:]):
                self.model.add_implication(self.hired[second.staff_id], self.hired[first.staff_id])

    def coordinators_differ(self) -> None:
        """The primary and the secondary coordinator of a family are two people."""
        for fid, places in self.places_by_family.items():
            primary = next((q for q in places if q.kind == "primary"), None)
            secondary = next((q for q in places if q.kind == "secondary"), None)
            if primary is None or secondary is None:
                continue
            for person in set(self.p.options_of[primary]) & set(self.p.options_of[secondary]):
                self.model.add_bool_or([self.hold[(primary, person)].Not(), self.hold[(secondary, person)].Not()])

    def one_team_place_per_person(self) -> None:
        """Nobody holds two team places of the same family."""
        for fid, places in self.places_by_family.items():
            team = [q for q in places if q.kind == "team"]
            if len(team) < 2:
                continue
            for person in {x for q in team for x in self.p.options_of[q]}:
                literals = [self.hold[(q, person)] for q in team if (q, person) in self.hold]
                if len(literals) > 1:
                    self.model.add_at_most_one(literals)

    def caseload_limits(self) -> None:
        """Nobody's caseload points exceed their limit (a person with two roles in a family counts the larger)."""
        load = self.p.options.load
        share = {"primary": load.primary, "secondary": load.secondary, "team": load.team}
        per_person: dict[str, list] = defaultdict(list)
        for fid, places in self.places_by_family.items():
            points = self.p.register.family_by_id[fid].case_points
            by_person: dict[str, list[tuple[int, object]]] = defaultdict(list)
            for q in places:
                for person in self.p.options_of[q]:
                    by_person[person].append((round(SCALE * share[q.kind] * points), self.hold[(q, person)]))
            for person, items in by_person.items():
                if len(items) == 1:
                    per_person[person].append(items[0][0] * items[0][1])
                else:
                    top = max(w for w, _ in items)
                    carried = self.model.new_int_var(0, top, f"load_{person}_{fid}")
                    for weight, lit in items:
                        self.model.add(carried >= weight * lit)
                    per_person[person].append(carried)
        for person, terms in per_person.items():
            staff = self.p.people[person]
            room = round(SCALE * (staff.max_caseload_points - staff.base_caseload_points) + 1e-6)
            self.model.add(sum(terms) <= max(0, room))

    def meeting_chain(self) -> None:
        """Each family's follow-ups come in order, inside every deadline, until the horizon ends."""
        n_days = self.p.n_days
        for fid, chain in self.chains.items():
            clock = chain.clock
            held = [self._bool_of(self.held(fid, k), f"held_{fid}_{k}") for k in range(chain.slots)]
            for k in range(chain.slots):
                if k < chain.required:
                    self.model.add(held[k] == 1)
                if k > 0:
                    self.model.add_implication(held[k], held[k - 1])
                    before = self.day_of(fid, k - 1)
                    self.model.add(self.day_of(fid, k) >= clock.earliest(before, True)).only_enforce_if(held[k])
                    self.model.add(self.day_of(fid, k) <= clock.deadline(before)).only_enforce_if(held[k])
                if k + 1 >= chain.required and clock.repeat:
                    # if meeting k is the last one held, the next deadline lies after the horizon
                    last = self.model.new_bool_var(f"last_{fid}_{k}")
                    if k + 1 < chain.slots:
                        self.model.add(last >= held[k] - held[k + 1])
                    else:
                        self.model.add(last >= held[k])
                    self.model.add(clock.deadline(self.day_of(fid, k)) >= n_days).only_enforce_if(last)

    def _bool_of(self, expr, name: str):
        var = self.model.new_bool_var(name)
        self.model.add(expr == var)
        return var

    def meeting_days_available(self) -> None:
        """A meeting day is one on which every holder of the family's places can meet."""
        for fid, chain in self.chains.items():
            places = self.places_by_family[fid]
            for d in {d for k in range(chain.slots) for d in self.c[(fid, k)]}:
                day_vars = self.meets_on[(fid, d)]
                for q in places:
                    away = [self.hold[(q, person)] for person in self.p.options_of[q] if not self.p.available(person, d)]
                    if away:
                        self.model.add(sum(day_vars) + sum(away) <= 1)

    def meeting_capacity(self) -> None:
        """By every deadline, a person cannot attend more meetings than their open days times their daily cap.

        Meeting k of a family must be held by prev + (k+1) * max interval; summed over the
        families a person may attend, that demand must fit the person's capacity up to each
        checkpoint.  A necessary condition only (used when the exact day model is too big).
        """
        n_days = self.p.n_days
        checkpoints = sorted({min(n_days - 1, t) for t in range(13, n_days, 14)} | {n_days - 1})
        demand: dict[str, list] = defaultdict(list)
        for fid, chain in self.p.chains.items():
            for person in self.persons_of(fid):
                demand[person].append(fid)
        for person, fids in demand.items():
            staff = self.p.people[person]
            open_by = [0] * n_days
            count = 0
            for d in range(n_days):
                count += self.p.available(person, d)
                open_by[d] = count
            for t in checkpoints:
                needs = []
                for fid in fids:
                    chain = self.p.chains[fid]
                    need = 0 if t < chain.prev + chain.max_gap else (t - chain.prev) // chain.max_gap
                    need = min(need, chain.required)
                    if need:
                        needs.append((need, fid))
                room = open_by[t] * staff.max_meetings_per_day
                if sum(n for n, _ in needs) > room:  # otherwise it cannot bind
                    self.model.add(sum(n * self.attends(person, fid) for n, fid in needs) <= room)

    def _person_day_terms(self) -> dict[tuple[str, int], list[tuple[object, int]]]:
        """(person, day) -> (meeting-on-that-day literal for a family the person attends, minutes)."""
        terms: dict[tuple[str, int], list] = defaultdict(list)
        for (fid, d), day_vars in self.meets_on.items():
            minutes = self.chains[fid].minutes
            meets = day_vars[0] if len(day_vars) == 1 else self._bool_of(sum(day_vars), f"meets_{fid}_{d}")
            for person in self.persons_of(fid):
                attends = self.attends(person, fid)
                if isinstance(attends, int):
                    if attends:
                        terms[(person, d)].append((meets, minutes))
                    continue
                both = self.model.new_bool_var(f"meet_{person}_{fid}_{d}")
                self.model.add(both >= meets + attends - 1)
                terms[(person, d)].append((both, minutes))
        return terms

    def daily_caps(self) -> None:
        """Nobody attends more meetings a day than their cap (exact day model)."""
        self._terms = getattr(self, "_terms", None) or self._person_day_terms()
        for (person, _d), items in self._terms.items():
            cap = self.p.people[person].max_meetings_per_day
            if len(items) > cap:
                self.model.add(sum(v for v, _ in items) <= cap)

    def daily_minutes(self) -> None:
        """Everyone's meetings on a day fit inside the meeting hours (exact day model)."""
        self._terms = getattr(self, "_terms", None) or self._person_day_terms()
        room = DEFAULT_HOURS.end_minute - DEFAULT_HOURS.start_minute
        for (person, _d), items in self._terms.items():
            if sum(minutes for _, minutes in items) > room:
                self.model.add(sum(v * minutes for v, minutes in items) <= room)

    def hires_cover_capacity_gap(self) -> None:
        """At least as many newcomers per group as the arithmetic capacity bound proves necessary.

        Implied by the caseload limits and the meeting chains, but stated outright so the
        solver's bound starts where plain arithmetic already is.
        """
        for bound in self.p.bounds:
            slots = [self.hired[s.staff_id] for s in self.p.slots if s.role in bound.hire_roles]
            if bound.hires > 0 and slots:
                self.model.add(sum(slots) >= bound.hires)

    def cuts(self) -> None:
        """A family that stayed late in a verified plan must have at least one blocked place change holder."""
        for _fid, pairs in self.cuts_list:
            literals = [self.hold[pair] for pair in pairs if pair in self.hold]
            if literals:
                self.model.add(sum(literals) <= len(literals) - 1)

    # ------------------------------------------------------------------ objectives

    def hires(self):
        return sum(self.hired.values())

    def handovers(self):
        """Places that leave their current holder (continuity for the families), with a small fit preference."""
        terms = []
        for (place, person), var in self.hold.items():
            if place.holder and person != place.holder:
                terms.append(100 * var)
            if place.kind != "team" and place.holder is None and person in self.p.register.staff_by_id:
                family = self.p.register.family_by_id[place.family_id]
                terms.append(-fit_score(self.p.register, family, self.p.people[person])[0] * var)
        return sum(terms)


# ---------------------------------------------------------------------------------------------- solving


@dataclass
class StaffingSolution:
    hires: dict[str, int]
    hired_ids: set[str]
    holders: dict[Place, str]
    meeting_days: dict[str, list[int]]
    status: str
    lower_bound: int
    seconds: float


MEETING_CONSTRAINTS = frozenset({"meeting_chain", "meeting_days_available", "meeting_capacity", "daily_caps",
                                 "daily_minutes"})


def greedy_start(problem: StaffingProblem) -> dict[Place, str]:
    """A quick staffing to start the search from: kept places stay, open places go to the suitable
    person with most room left, and a newcomer is taken on only when nobody has room.

    Open places only go to people with whom the family can still meet on time (absences, part
    time); daily caps are left to the check.  Not minimal - a hint and a fallback candidate.
    """
    load = problem.options.load
    share = {"primary": load.primary, "secondary": load.secondary, "team": load.team}
    room = {pid: person.max_caseload_points - person.base_caseload_points for pid, person in problem.people.items()}
    holders: dict[Place, str] = {}
    carried: dict[tuple[str, str], float] = defaultdict(float)

    def take(place: Place, person: str) -> None:
        points = problem.register.family_by_id[place.family_id].case_points * share[place.kind]
        extra = max(0.0, points - carried[(person, place.family_id)])
        carried[(person, place.family_id)] = max(carried[(person, place.family_id)], points)
        room[person] -= extra
        holders[place] = person

    open_places = []
    for place in problem.places:
        if problem.is_open(place) or place.holder not in problem.options_of[place]:
            open_places.append(place)
        else:
            take(place, place.holder)
    open_places.sort(key=lambda q: (-problem.register.family_by_id[q.family_id].case_points, q.kind != "primary", q.name))
    for place in open_places:
        points = problem.register.family_by_id[place.family_id].case_points * share[place.kind]
        taken_here = {holders[q] for q in problem.places if q.family_id == place.family_id and q in holders
                      and (q.kind == "team") == (place.kind == "team")}
        options = [p for p in problem.options_of[place] if p not in taken_here]
        chain = problem.chains.get(place.family_id)
        if chain is not None and chain.required:
            present = {holders[q] for q in problem.places if q.family_id == place.family_id and q in holders}
            days = [d for d in chain.days if all(problem.available(x, d) for x in present)]

            def keeps_chain(person: str) -> bool:
                usable = [d for d in days if problem.available(person, d)]
                return on_time_chain_exists(usable, chain.prev, chain.prev_is_meeting, chain.clock, problem.n_days)

            options = [p for p in options if keeps_chain(p)] or options
        existing = [p for p in options if p not in problem.slot_ids and room[p] + 1e-9 >= points]
        if existing:
            take(place, max(existing, key=lambda p: (room[p], p)))
            continue
        newcomers = [p for p in options if p in problem.slot_ids]
        used = [p for p in newcomers if room[p] < problem.people[p].max_caseload_points - 1e-9]
        fitting = [p for p in used if room[p] + 1e-9 >= points] or \
            [p for p in newcomers if p not in used and room[p] + 1e-9 >= points]
        if fitting:
            take(place, fitting[0])
        elif options:
            take(place, max(options, key=lambda p: (room[p], p)))
    return holders


def greedy_solution(problem: StaffingProblem, lower_bound: int) -> StaffingSolution | None:
    """The greedy start as a candidate answer (caseload limits checked; meetings are checked later)."""
    holders = greedy_start(problem)
    if len(holders) != len(problem.places):
        return None
    load = problem.options.load
    share = {"primary": load.primary, "secondary": load.secondary, "team": load.team}
    carried: dict[tuple[str, str], float] = defaultdict(float)
    for place, person in holders.items():
        points = problem.register.family_by_id[place.family_id].case_points * share[place.kind]
        carried[(person, place.family_id)] = max(carried[(person, place.family_id)], points)
    used: dict[str, float] = defaultdict(float)
    for (person, _), points in carried.items():
        used[person] += points
    if any(used[p] > problem.people[p].max_caseload_points - problem.people[p].base_caseload_points + 1e-6
           for p in used):
        return None
    by_family: dict[str, list[tuple[Place, str]]] = defaultdict(list)
    for place, person in holders.items():
        by_family[place.family_id].append((place, person))
    for pairs in by_family.values():
        coordinators = [p for q, p in pairs if q.kind != "team"]
        team = [p for q, p in pairs if q.kind == "team"]
        if len(set(coordinators)) < len(coordinators) or len(set(team)) < len(team):
            return None
    hired_ids = set(holders.values()) & problem.slot_ids
    hires: dict[str, int] = defaultdict(int)
    for slot_id in hired_ids:
        hires[problem.people[slot_id].role] += 1
    return StaffingSolution(dict(hires), hired_ids, holders, {}, "FEASIBLE", lower_bound, 0.0)


def _caseload_stage(problem: StaffingProblem, cuts, time_limit: float, disabled: frozenset[str],
                    stop: StopToken | None) -> tuple[int, dict, bool] | None:
    """Fewest hires for places and caseloads alone (fast): a valid lower bound and a starting point."""
    sm = StaffingModel(problem, False, list(cuts), disabled | MEETING_CONSTRAINTS)
    start = greedy_start(problem)
    used_slots = set(start.values()) & problem.slot_ids
    for slot_id, var in sm.hired.items():
        sm.model.add_hint(var, int(slot_id in used_slots))
    for (place, person), var in sm.hold.items():
        sm.model.add_hint(var, int(start.get(place) == person))
    sm.model.minimize(sm.hires())
    solver = new_solver()
    solver.parameters.max_time_in_seconds = max(0.2, time_limit)
    solver.parameters.num_workers = problem.options.workers
    if stop is not None:
        stop.attach(solver)
    status = solver.solve(sm.model)
    if stop is not None:
        stop.detach()
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    hint = {("hired", k): solver.value(v) for k, v in sm.hired.items()}
    hint.update({("hold", k): solver.value(v) for k, v in sm.hold.items()})
    return math.ceil(solver.best_objective_bound - 1e-6), hint, status == cp_model.OPTIMAL


def solve_staffing(problem: StaffingProblem, exact_meetings: bool, cuts=(), time_limit: float = 60.0,
                   stop: StopToken | None = None, disabled: frozenset[str] = frozenset(),
                   previous: StaffingSolution | None = None) -> StaffingSolution | None:
    """Fewest hires first, then fewest handovers; None if no staffing within the slots works.

    A quick first stage without the meetings gives a lower bound and a starting solution, so
    the full model mostly has to confirm that the meetings fit with that many newcomers.  A
    ``previous`` round's answer (before new cuts) is the starting point instead when given.
    """
    began = time.perf_counter()
    sm = StaffingModel(problem, exact_meetings, list(cuts), disabled)
    meetings_on = bool(MEETING_CONSTRAINTS - disabled) and bool(sm.c or not exact_meetings)
    floor = 0 if "hires_cover_capacity_gap" in disabled else sum(max(0, b.hires) for b in problem.bounds)
    if previous is not None:
        floor = max(floor, previous.lower_bound)
        for slot_id, var in sm.hired.items():
            sm.model.add_hint(var, int(slot_id in previous.hired_ids))
        for (place, person), var in sm.hold.items():
            sm.model.add_hint(var, int(previous.holders.get(place) == person))
    elif meetings_on:
        stage = _caseload_stage(problem, cuts, 0.2 * time_limit, disabled, stop)
        if stage is not None:
            floor = max(floor, stage[0])
            for (kind, key), value in stage[1].items():
                sm.model.add_hint(sm.hired[key] if kind == "hired" else sm.hold[key], value)
    sm.model.add(sm.hires() >= floor)
    sm.model.minimize(sm.hires())
    solver = new_solver()
    solver.parameters.num_workers = problem.options.workers
    if stop is not None:
        stop.attach(solver)
    # Ask "does it work with `floor` newcomers?" first, then one more, ...: on large registers this
    # finds the minimum far sooner than a plain minimisation starting from a poor first solution.
    reserve = 0.2 * time_limit  # kept for a plain minimisation if no trial answers in time
    deadline = began + 0.55 * time_limit
    status, proven_floor, limit = cp_model.UNKNOWN, True, floor
    if previous is not None and sum(previous.hires.values()) > floor:
        # after a cut the previous answer's size is the likeliest: try it first (the floor stays unproven)
        limit, proven_floor = sum(previous.hires.values()), False
    while limit <= len(problem.slots) and not (stop and stop.stopped):
        left = deadline - time.perf_counter()
        if left <= 0.2:
            break
        trial = sm.model.clone()
        trial.add(sm.hires() <= limit)
        solver.parameters.max_time_in_seconds = max(0.2, left / 2)
        status = solver.solve(trial)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            break
        if status != cp_model.INFEASIBLE:
            proven_floor = False
        elif proven_floor:
            floor = limit + 1
        limit += 1
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE) and not (stop and stop.stopped):
        solver.parameters.max_time_in_seconds = max(reserve, 0.75 * time_limit - (time.perf_counter() - began))
        status = solver.solve(sm.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        if stop is not None:
            stop.detach()
        return None
    best = round(solver.objective_value)
    bound = max(floor if proven_floor else 0, math.ceil(solver.best_objective_bound - 1e-6))
    first_status = "OPTIMAL" if best <= bound else "FEASIBLE"
    # phase 2: same number of hires, fewest handovers
    day_vars = [v for days in sm.c.values() for v in days.values()]
    values = {var: solver.value(var) for var in list(sm.hired.values()) + list(sm.hold.values()) + day_vars}
    sm.model.clear_hints()
    for var, value in values.items():
        sm.model.add_hint(var, value)
    sm.model.add(sm.hires() <= best)
    if best <= bound:
        sm.model.minimize(sm.handovers())
    else:  # phase 1 was cut short: hires may still fall
        sm.model.minimize(1_000_000 * sm.hires() + sm.handovers())
    # handovers are secondary: a quarter of the time at most once the number of hires is proven
    left = max(0.5, time_limit - (time.perf_counter() - began))
    solver.parameters.max_time_in_seconds = min(left, 0.25 * time_limit) if best <= bound else left
    second = solver.solve(sm.model) if not (stop and stop.stopped) else cp_model.UNKNOWN
    if stop is not None:
        stop.detach()
    if second not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        read = values.__getitem__
    else:
        read = solver.value
    hires: dict[str, int] = defaultdict(int)
    hired_ids = set()
    for slot in problem.slots:
        if read(sm.hired[slot.staff_id]):
            hires[slot.role] += 1
            hired_ids.add(slot.staff_id)
    holders = {place: next(person for person in cands if read(sm.hold[(place, person)]))
               for place, cands in problem.options_of.items()}
    days = {}
    for fid, chain in sm.chains.items():
        days[fid] = [d for k in range(chain.slots) for d, v in sm.c[(fid, k)].items() if read(v)]
    if sum(hires.values()) <= bound:
        first_status = "OPTIMAL"
    return StaffingSolution(dict(hires), hired_ids, holders, days, first_status, bound, time.perf_counter() - began)


def verify_by_days(problem: StaffingProblem, solution: StaffingSolution, time_limit: float,
                   stop: StopToken | None = None) -> StaffingSolution | None:
    """An exact per-day check of one staffing: holders fixed, every family's follow-up days decided
    under daily caps and meeting minutes.  Returns the solution with its days, or None when no
    on-time day schedule was found in the time given."""
    fixed = copy.copy(problem)
    fixed.options_of = {q: (solution.holders[q],) for q in problem.places}
    fixed.slots = [s for s in problem.slots if s.staff_id in solution.hired_ids]
    fixed.bounds = []
    checked = solve_staffing(fixed, True, (), time_limit, stop, frozenset({"hires_cover_capacity_gap"}))
    if checked is None:
        return None
    return replace(checked, hires=solution.hires, hired_ids=solution.hired_ids, lower_bound=solution.lower_bound,
                   status=solution.status)


def staffed_register(problem: StaffingProblem, solution: StaffingSolution,
                     planner_decides: frozenset[Place] = frozenset()) -> Register:
    """The register with the hires added and every place given to its holder in the solution.

    Coordinator places in ``planner_decides`` are left open so the planner's own coordinator
    assignment (which balances caseloads) fills them; the model has shown that it can.
    """
    register = problem.register
    hires = tuple(s for s in problem.slots if s.staff_id in solution.hired_ids)
    families = []
    for family in register.families:
        changes = {}
        for place, person in solution.holders.items():
            if place.family_id != family.family_id:
                continue
            if place in planner_decides:
                person = None
            if place.kind == "primary":
                changes["primary_coordinator"] = person
            elif place.kind == "secondary":
                changes["secondary_coordinator"] = person
        families.append(replace(family, **changes) if changes else family)
    team = [TeamMember(place.family_id, person, place.role)
            for place, person in sorted(solution.holders.items(), key=lambda item: (item[0].family_id, item[0].index))
            if place.kind == "team"]
    return register.replace(staff=register.staff + hires, families=tuple(families), team=tuple(team))


# ---------------------------------------------------------------------------------------------- lower bounds


@dataclass
class RoleBound:
    """Capacity against demand for one role (coordinator places count for the coordinating roles together)."""

    role: str
    label: str
    points_needed: float
    points_available: float
    meetings_needed: int
    meeting_slots: int
    hires_for_points: int
    hires_for_meetings: int
    hire_roles: tuple[str, ...] = ()
    """The roles whose newcomers count for this group."""

    @property
    def hires(self) -> int:
        """Newcomers needed at least; -1 when no role that may be hired can close the gap."""
        if -1 in (self.hires_for_points, self.hires_for_meetings):
            return -1
        return max(self.hires_for_points, self.hires_for_meetings)


COORDINATING = "koordinerende"


def capacity_bounds(problem: StaffingProblem) -> list[RoleBound]:
    """Arithmetic lower bounds: what the demand needs beyond what the current staff can give.

    Points: primary + secondary shares (always two different people) against the free points
    of everybody who can coordinate; team shares of a role against the free points of that
    role.  Team places of coordinating roles are left out, because their holder may be the
    family's coordinator and then counts once.  Meetings: every family needs at least
    ``required`` follow-ups in the horizon; each coordinator place and each team place of a
    non-coordinating role attends them; a person can attend open days times their daily cap.
    A newcomer adds a full-time template's points and meeting slots.  Each group's bound is a
    necessary condition on its own, so each is a valid lower bound.
    """
    register, load = problem.register, problem.options.load
    calendar = problem.calendar
    open_days = len(calendar.open_days)
    need_points: dict[str, float] = defaultdict(float)
    need_meetings: dict[str, int] = defaultdict(int)
    coordinating_template = {r: hire_template(register, r).can_coordinate for r in catalogue.roles()}
    for place in problem.places:
        family = register.family_by_id[place.family_id]
        chain = problem.chains.get(place.family_id)
        meetings = chain.required if chain else 0
        if place.kind in ("primary", "secondary"):
            need_points[COORDINATING] += family.case_points * (load.primary if place.kind == "primary" else load.secondary)
            need_meetings[COORDINATING] += meetings
        elif not coordinating_template.get(place.role, False):
            need_points[place.role] += family.case_points * load.team
            need_meetings[place.role] += meetings
    bounds = []
    for group in sorted(set(need_points) | set(need_meetings)):
        if group == COORDINATING:
            members = [s for s in register.staff if s.can_coordinate]
            roles = tuple(r for r in problem.hire_roles if coordinating_template.get(r, False))
            label = "Koordinatorer (" + ", ".join(catalogue.role_label(r).lower() for r in roles) + ")"
        else:
            members = [s for s in register.staff if s.role == group]
            roles = (group,) if group in problem.hire_roles else ()
            label = catalogue.role_label(group)
        have_points = sum(max(0.0, s.max_caseload_points - s.base_caseload_points) for s in members)
        have_slots = sum(s.max_meetings_per_day * sum(1 for d in calendar.open_days
                                                      if calendar.staff_available(s.staff_id, d)) for s in members)
        templates = [hire_template(register, r) for r in roles]
        per_points = max((t.max_caseload_points - t.base_caseload_points for t in templates), default=0.0)
        per_slots = max((t.max_meetings_per_day * open_days for t in templates), default=0)
        missing_points = need_points[group] - have_points
        missing_slots = need_meetings[group] - have_slots
        hp = 0 if missing_points <= 1e-9 else (math.ceil(missing_points / per_points - 1e-9) if per_points > 0 else -1)
        hm = 0 if missing_slots <= 0 else (math.ceil(missing_slots / per_slots) if per_slots > 0 else -1)
        bounds.append(RoleBound(group, label, round(need_points[group], 1), round(have_points, 1),
                                need_meetings[group], have_slots, hp, hm, roles))
    return bounds


# ---------------------------------------------------------------------------------------------- the answer


@dataclass
class StaffingResult:
    hires: dict[str, int]
    """Role -> newcomers needed (roles with zero left out)."""
    total: int
    lower_bound: int
    """Proven: no staffing with fewer newcomers in total can work (under the reassignment policy)."""
    proven_minimal: bool
    feasible: bool
    """A verified plan holds every deadline with these hires."""
    bounds: list[RoleBound] = field(default_factory=list)
    handovers: list[dict] = field(default_factory=list)
    """family_id, place, from, to for places that move."""
    unavoidable: list[dict] = field(default_factory=list)
    rounds: int = 0
    meeting_model: str = ""
    messages: list[str] = field(default_factory=list)
    plan_summary: dict = field(default_factory=dict)
    seconds: float = 0.0
    key: str = ""
    cached: bool = False
    run: PlanRun | None = field(default=None, repr=False, compare=False)
    register: Register | None = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict:
        return {
            "hires": self.hires, "total": self.total, "lower_bound": self.lower_bound,
            "proven_minimal": self.proven_minimal, "feasible": self.feasible,
            "bounds": [vars(b) | {"hires": b.hires, "hire_roles": list(b.hire_roles)} for b in self.bounds],
            "handovers": self.handovers,
            "unavoidable": self.unavoidable, "rounds": self.rounds, "meeting_model": self.meeting_model,
            "messages": self.messages, "plan_summary": self.plan_summary, "seconds": round(self.seconds, 1),
            "key": self.key,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "StaffingResult":
        data = dict(data)
        data["bounds"] = [RoleBound(**{k: (tuple(v) if k == "hire_roles" else v) for k, v in b.items() if k != "hires"})
                          for b in data.get("bounds", [])]
        return cls(**data)

    def summary_da(self) -> str:
        if not self.feasible:
            return "Der blev ikke fundet en bemanding, der holder alle frister. " + " ".join(self.messages[:2])
        if not self.total:
            return "Ingen ekstra medarbejdere er nødvendige: alle frister holder med den nuværende bemanding."
        parts = ", ".join(f"{n} {catalogue.role_label(r).lower()}" for r, n in sorted(self.hires.items()))
        proof = ("Det er bevist det mindste antal." if self.proven_minimal else
                 f"Mindst {self.lower_bound} er bevist nødvendige; den fundne løsning bruger {self.total}.")
        more = "mere" if self.total == 1 else "flere"
        return f"Der skal {self.total} {more} til: {parts}. {proof}"


def _late_families(problem: StaffingProblem, run: PlanRun) -> dict[str, list[tuple[date, date]]]:
    """Avoidably late families with the windows (release, deadline) of their late follow-ups: the team's and
    the children's and adults' own clocks alike."""
    out: dict[str, list] = defaultdict(list)
    demands = {f.chain_id: f for f in run.instance.families}
    previous: dict[str, date] = {}
    for m in sorted(run.plan.meetings, key=lambda m: (m.chain_id, m.day)):
        demand = demands.get(m.chain_id)
        if m.days_late > 0 and m.chain_id not in problem.unavoidable and demand is not None:
            prev = previous.get(m.chain_id) or run.instance.day(demand.prev_day)
            out[m.family_id].append((prev + timedelta(days=demand.min_gap), m.deadline))
        previous[m.chain_id] = m.day
    for chain, deadline_day in run.packing.unplaced:
        if chain in problem.unavoidable:
            continue
        demand = demands[chain]
        prev = previous.get(chain) or run.instance.day(demand.prev_day)
        out[demand.family_id].append((prev + timedelta(days=demand.min_gap), run.instance.day(deadline_day)))
    return out


def _blocked_places(problem: StaffingProblem, register: Register, run: PlanRun, fid: str,
                    windows: list[tuple[date, date]]) -> tuple[tuple[Place, str], ...]:
    """(place, holder in the verified plan) for the family's places whose holders were away or fully
    booked on days the family could have met; all its places if nobody stood out."""
    booked: dict[tuple[str, date], int] = defaultdict(int)
    for m in run.plan.meetings:
        for person in m.attendees:
            booked[(person, m.day)] += 1
    assignment = next((a for a in run.plan.assignments if a.family_id == fid), None)
    team = list(register.team_by_family.get(fid, ()))
    holders = {}
    for place in (q for q in problem.places if q.family_id == fid):
        if place.kind == "primary":
            holders[place] = assignment.primary_coordinator if assignment else None
        elif place.kind == "secondary":
            holders[place] = assignment.secondary_coordinator if assignment else None
        else:
            holders[place] = next((m.staff_id for m in team if m.role == place.role), None)
    calendar = WorkCalendar(register, problem.start, problem.end)
    blocked = set()
    for first, deadline in windows:
        day = max(first, problem.start)
        while day <= min(deadline, problem.end):
            if calendar.is_open(day) and calendar.family_available(fid, day):
                for place, person in holders.items():
                    if person is None or person not in register.staff_by_id:
                        continue
                    staff = register.staff_by_id[person]
                    if not calendar.staff_available(person, day) or booked[(person, day)] >= staff.max_meetings_per_day:
                        blocked.add(place)
            day += timedelta(days=1)
    chosen = blocked or set(holders)
    return tuple(sorted(((q, holders[q]) for q in chosen if holders[q]), key=lambda pair: pair[0].name))


def _handovers(problem: StaffingProblem, staffed: Register, plan: Plan) -> list[dict]:
    """Places whose holder in the final plan differs from today's (new coordinators included)."""
    final = {a.family_id: a for a in plan.assignments}
    out = []
    for family in problem.register.families:
        fid = family.family_id
        a = final.get(fid)
        staffed_family = staffed.family_by_id[fid]
        for kind, before, after in (
            ("primær koordinator", family.primary_coordinator,
             a.primary_coordinator if a else staffed_family.primary_coordinator),
            ("sekundær koordinator", family.secondary_coordinator,
             a.secondary_coordinator if a else staffed_family.secondary_coordinator),
        ):
            if after and after != before:
                out.append({"family_id": fid, "place": kind, "from": before or "", "to": after})
        before_team = {(m.role, m.staff_id) for m in problem.register.team_by_family.get(fid, ())}
        after_team = {(m.role, m.staff_id) for m in staffed.team_by_family.get(fid, ())}
        for role, person in sorted(after_team - before_team):
            previous = next((s for r, s in before_team if r == role and (r, s) not in after_team), "")
            out.append({"family_id": fid, "place": catalogue.role_label(role), "from": previous, "to": person})
    return out


def _plan_from_days(problem: StaffingProblem, register: Register, solution: StaffingSolution) -> Plan | None:
    """Meetings on the model's days, timed per day; None if a day cannot be timed."""
    by_family_place = defaultdict(list)
    for place, person in solution.holders.items():
        by_family_place[place.family_id].append((place, person))
    assignments = []
    for family in register.families:
        assignments.append(Assignment(family.family_id, family.primary_coordinator, family.secondary_coordinator))
    per_day: dict[int, list[DayTask]] = defaultdict(list)
    meetings_info = {}
    for fid, days in solution.meeting_days.items():
        chain = problem.chains[fid]
        attendees = tuple(dict.fromkeys(person for _, person in sorted(by_family_place[fid], key=lambda x: x[0].kind)))
        prev = chain.prev
        for n, day in enumerate(sorted(days), start=1):
            key = (fid, n)
            per_day[day].append(DayTask(key, attendees, chain.minutes))
            meetings_info[key] = (day, attendees, prev + chain.max_gap)
            prev = day
    starts = {}
    for day, tasks in per_day.items():
        timed = time_day(tasks, DEFAULT_HOURS.end_minute - DEFAULT_HOURS.start_minute, DEFAULT_HOURS.step_minutes)
        if timed is None:
            return None
        starts.update(timed)
    meetings = []
    for (fid, n), (day, attendees, deadline) in meetings_info.items():
        family = register.family_by_id[fid]
        rule = team_rule(register, family, problem.start, problem.end)
        begin = DEFAULT_HOURS.start_minute + starts[(fid, n)]
        meetings.append(Meeting(f"{fid}-{n:02d}", fid, problem.start + timedelta(days=day), begin,
                                begin + problem.chains[fid].minutes, attendees, rule.rule_id,
                                problem.start + timedelta(days=deadline), max(0, day - deadline)))
    return Plan(problem.start, problem.end, assignments, meetings)


def _verified_plan(problem: StaffingProblem, staffed: Register, solution: StaffingSolution, exact: bool,
                   time_limit: float, stop: StopToken) -> tuple[StaffingSolution, Plan] | None:
    """A checked plan with no avoidable lateness built from the model's own days (exact) or from an
    exact per-day check of the chosen holders (relaxed); None if there is none."""
    if problem.unavoidable or problem.person_clocks:
        return None  # their meetings are not in the day model, so only the planner can show the whole picture
    if not exact:
        checked = verify_by_days(problem, solution, time_limit, stop)
        if checked is None:
            return None
        solution = checked
    plan = _plan_from_days(problem, staffed, solution)
    if plan is None:
        return None
    report = check_plan(staffed, plan)
    return (solution, plan) if report.ok and not report.late else None


def _unverified_message(rounds: int, n_late: int, n_unassigned: int) -> str:
    """Why the answer after the last round is not verified, in the team leader's words."""
    problems = []
    if n_late:
        problems.append(f"{n_late} for sene møder, der kunne undgås")
    if n_unassigned:
        problems.append(f"{n_unassigned} {'familie' if n_unassigned == 1 else 'familier'} uden koordinator")
    return (f"Efter {rounds} {'runde' if rounds == 1 else 'runder'} havde kontrolplanen stadig "
            f"{' og '.join(problems)}; svaret er derfor ikke kontrolleret.")


def minimal_staffing(register: Register, start: date, end: date, options: StaffingOptions = StaffingOptions(),
                     vacant_places: tuple[tuple[str, str], ...] = (), progress: ProgressCallback = no_progress,
                     stop: StopToken | None = None) -> StaffingResult:
    """The fewest newcomers per role that make every deadline hold, verified by a checked plan.

    Round 1 solves the model (relaxed meetings unless told otherwise); its optimum is a proven
    lower bound.  The answer is verified by an exact per-day schedule (timed and checked
    independently).  In "auto" mode a failed check on a small instance escalates to the exact
    day model; otherwise the real planner is run and families it leaves late force a handover in
    the next round (then the answer is an upper bound with the proven lower bound beside it).
    """
    began = time.perf_counter()
    stop = stop or StopToken()
    progress(0.0, "Opstiller bemandingsmodellen")
    problem = StaffingProblem(register, start, end, options, vacant_places)
    exact = options.meetings == "exact"
    can_escalate = (options.meetings == "auto" and problem.day_variables() <= options.exact_limit
                    and not problem.person_clocks)  # the planner verifies those; the exact day model cannot
    bounds = problem.bounds
    unavoidable = [{"family_id": u.family_id, "person_id": u.person_id, "deadline": u.deadline.isoformat(),
                    "reason": u.reason} for u in problem.unavoidable.values()]
    cuts: list[tuple[str, tuple[tuple[Place, str], ...]]] = []
    lower_bound, proven, messages = 0, True, []
    result = None
    rounds = 0
    total_rounds = options.rounds + 1
    last_solution: StaffingSolution | None = None
    model_holders_only = False  # set when the planner's own coordinator assignment left families without one

    def step(share: float, text: str) -> None:
        progress(0.05 + 0.9 * min(1.0, share / total_rounds), text)

    while rounds < total_rounds + (1 if can_escalate else 0):
        rounds += 1
        if stop.stopped:
            messages.append("Beregningen blev stoppet; svaret er ikke færdigt.")
            break
        step(rounds - 1, f"Finder mindste bemanding (runde {rounds})")
        solution = solve_staffing(problem, exact, cuts, options.time_limit, stop, previous=last_solution)
        if solution is None:
            messages.append(
                f"Ingen bemanding med højst {options.max_per_role} nye pr. rolle "
                f"({', '.join(catalogue.role_label(r).lower() for r in problem.hire_roles)}) kan holde alle frister "
                "inden for tidsgrænsen. Tillad flere nye, flere roller eller mere tid.")
            break
        if not cuts:  # no cut yet: the model is a relaxation of the true question, its bound is valid
            lower_bound = max(lower_bound, solution.lower_bound, sum(max(0, b.hires) for b in bounds))
            proven = solution.status == "OPTIMAL"
        last_solution = solution
        staffed = staffed_register(problem, solution)
        step(rounds - 0.7, f"Kontrollerer hver dag præcist (runde {rounds})")
        verified = None
        if not cuts and not exact and sum(solution.hires.values()) > solution.lower_bound:
            # the search was cut short: a simple greedy staffing may be smaller - check it the same way
            greedy = greedy_solution(problem, solution.lower_bound)
            if greedy is not None and sum(greedy.hires.values()) < sum(solution.hires.values()):
                greedy_staffed = staffed_register(problem, greedy)
                verified = _verified_plan(problem, greedy_staffed, greedy, False, options.plan_time_limit, stop)
                if verified is not None:
                    solution, staffed = greedy, greedy_staffed
        if verified is None:
            verified = _verified_plan(problem, staffed, solution, exact, options.plan_time_limit, stop)
        if verified is not None:
            solution, plan = verified
            result = (solution, staffed, plan, None)
            break
        if can_escalate and not exact and not cuts:
            exact = True  # small enough: let the exact day model choose holders and days together
            continue
        step(rounds - 0.5, f"Kontrollerer med planlæggeren (runde {rounds})")
        in_cuts = {q for _, pairs in cuts for q, _ in pairs}
        planner_decides = frozenset() if model_holders_only else frozenset(
            q for q in problem.places if q.kind != "team" and problem.is_open(q)
            and q.family_id not in problem.stuck_families and q not in in_cuts)
        staffed = staffed_register(problem, solution, planner_decides)
        try:
            run = make_plan(staffed, start, end, PlanOptions(time_limit=options.plan_time_limit, load=options.load,
                                                             workers=options.workers), stop=stop)
        except RuntimeError as error:  # the planner gave up on a window: the answer stays unverified
            messages.append(f"Kontrolplanen kunne ikke laves ({error}); svaret er ikke kontrolleret.")
            result = (solution, staffed, Plan(start, end, [], []), None)
            break
        late = _late_families(problem, run)
        n_late = sum(len(w) for w in late.values())
        n_unassigned = run.plan.summary.get("unassigned_families", 0)
        step(rounds - 0.2, f"Runde {rounds}: {sum(solution.hires.values())} nye, {n_late} for sene møder i kontrolplanen")
        if not late and not n_unassigned:
            result = (solution, staffed, run.plan, run)
            break
        if rounds >= total_rounds or stop.stopped:
            messages.append(_unverified_message(rounds, n_late, n_unassigned))
            result = (solution, staffed, run.plan, run)
            break
        if n_unassigned and not model_holders_only:
            # the planner did not find the coordinator assignment the model has shown exists (on a busy
            # machine its search can be cut short): check the model's own holders next
            model_holders_only = True
        for fid, windows in late.items():
            cuts.append((fid, _blocked_places(problem, staffed, run, fid, windows)))
    progress(1.0, "Stoppet – bedste svar indtil nu" if stop.stopped else "Færdig")
    model_name = "præcis pr. dag" if exact else "lempet (tilgængelighed og kapacitet) + præcis kontrol"
    if result is None:
        return StaffingResult({}, 0, lower_bound, False, False, bounds, [], unavoidable, rounds, model_name, messages,
                              {}, time.perf_counter() - began)
    solution, staffed, plan, run = result
    feasible = not messages
    total = sum(solution.hires.values())
    proven = feasible and (total == 0 or proven and not cuts and lower_bound >= total)  # none added is minimal
    summary = dict(plan.summary) if plan.summary else {"meetings": len(plan.meetings)}
    return StaffingResult({r: n for r, n in sorted(solution.hires.items()) if n}, total,
                          total if proven else min(lower_bound, total), proven, feasible, bounds,
                          _handovers(problem, staffed, plan), unavoidable, rounds, model_name, messages, summary,
                          time.perf_counter() - began, run=run, register=staffed)
