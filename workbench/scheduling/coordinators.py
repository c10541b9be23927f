"""Primary and secondary coordinators for every family, within caseload limits.

Priorities, strongest first (each weight dwarfs everything below it):
1. every family gets a primary (and a secondary where needed) - an explicit
   "unassigned" option keeps the model feasible so we can say who is left out;
2. the family's own choice is honoured - of any profession (Hedensted: the family chooses its coordinator
   "uanset faglig baggrund"; ``preferred_coordinator``), so a choice also ends a kept assignment;
3. existing assignments are kept;
4. continuity and fit: someone already on the family's team, the family's
   language, disability know-how for disability cases, the same district;
5. balance: the highest relative caseload is kept as low as possible.
Caseload limits are hard.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ortools.sat.python import cp_model

from workbench.solver import new_solver
from workbench.soft_terms import SoftTerm, objective

from workbench.caseload import caseload, extra_load_of_role, team_only_caseload
from workbench.clocks import on_time_chain_exists, rule_for, team_anchor, team_clock
from workbench.hard_rules import HardRule, add_constraints, constrains
from workbench.model import Assignment, Family, Register, Staff
from workbench.scheduling.stopping import StopToken
from workbench.scheduling.workclock import WorkClock, charge_solve, configure_solver
from workbench.settings import DEFAULT_LOAD, LoadWeights
from workbench.workdays import WorkCalendar

SCALE = 100  # caseload points are kept to two decimals in the model

W_UNASSIGNED = 10_000_000
W_AVOID = 1_000_000
"""A coordinator who cannot meet the family in time (a long absence, no working day in common with the team): only if
nobody else can."""
W_CHOICE = 200_000
"""The family's own choice of coordinator, before continuity: the family asked for the change."""
W_KEEP = 100_000
W_BALANCE = 2
"""Per percent of the highest relative caseload: continuity (40) outweighs a 20-point shift in the peak."""


def fit_score(register: Register, family: Family, person: Staff) -> tuple[int, list[str]]:
    """How well a coordinator fits a family, with the reasons in Danish (higher is better)."""
    score, reasons = 0, []
    if person.staff_id in register.team_staff_ids(family.family_id):
        score += 40
        reasons.append("kender allerede familien (i teamet)")
    if family.language and family.language != "da":
        if family.language in person.languages:
            score += 30
            reasons.append(f"taler familiens sprog ({family.language})")
    if "BL86" in family.case_basis and (person.role == "handicapraadgiver" or "handicap" in person.competences):
        score += 25
        reasons.append("handicapfaglig viden")
    if family.district and person.district == family.district:
        score += 10
        reasons.append(f"samme distrikt ({family.district})")
    return score, reasons


@dataclass
class AssignmentResult:
    assignments: list[Assignment]
    status: str
    problems: list[str] = field(default_factory=list)
    """Danish explanations: who could not be assigned or had to change, and which limit forced it."""
    load: dict[str, tuple[float, float]] = field(default_factory=dict)
    """staff_id -> (caseload points used, limit)."""
    seconds: float = 0.0
    forced: dict[tuple[str, str], str] = field(default_factory=dict)
    """(family_id, "primary"|"secondary") -> why the given coordinator could not stay (Danish)."""


class CoordinatorModel:
    """CP-SAT model; one method per constraint so each can be tested on its own."""

    CONSTRAINTS = (HardRule.ONE_PRIMARY, HardRule.SECONDARY_WHEN_NEEDED, HardRule.PRIMARY_DIFFERS_FROM_SECONDARY,
                   HardRule.CASELOAD_CAP)
    """The rules this model enforces, in the order their constraints are added; CAN_COORDINATE holds by the
    variables themselves (only staff who can coordinate get one)."""

    def __init__(self, register: Register, load: LoadWeights = DEFAULT_LOAD,
                 free: set[tuple[str, str]] | None = None, disabled: frozenset[HardRule] = frozenset(),
                 avoid: set[tuple[str, str]] = frozenset()) -> None:
        """``free`` holds (family_id, "primary"|"secondary") decisions to make; all others are kept as given.
        ``avoid``: (family_id, staff_id) pairs to use only if nobody else can (the person cannot meet in time)."""
        self.register, self.loadw = register, load
        self.avoid = set(avoid)
        self.model = cp_model.CpModel()
        chosen = {f.preferred_coordinator for f in register.families if f.preferred_coordinator}
        self.coordinators = [s for s in register.staff if s.can_coordinate or s.staff_id in chosen]
        """Who may coordinate: staff who can, and anyone a family has chosen (for that family's primary only)."""
        self.base = team_only_caseload(register, load)
        if free is None:
            free = {(f.family_id, "primary") for f in register.families}
            free |= {(f.family_id, "secondary") for f in register.families if f.needs_secondary or f.secondary_coordinator}
        self.free = free
        self.primary: dict[tuple[str, str], cp_model.IntVar] = {}
        self.secondary: dict[tuple[str, str], cp_model.IntVar] = {}
        self.no_primary: dict[str, cp_model.IntVar] = {}
        self.no_secondary: dict[str, cp_model.IntVar] = {}
        self.fixed_load = {c.staff_id: 0.0 for c in self.coordinators}
        for family in register.families:
            fid = family.family_id
            for kind, variables, missing, given, share in (
                ("primary", self.primary, self.no_primary, family.primary_coordinator, load.primary),
                ("secondary", self.secondary, self.no_secondary, family.secondary_coordinator, load.secondary),
            ):
                if (fid, kind) not in free:
                    if given:
                        self.fixed_load[given] = self.fixed_load.get(given, 0.0) + self.extra_load(family, given, share)
                    continue
                for c in self.coordinators:
                    if c.can_coordinate or (kind == "primary" and c.staff_id == family.preferred_coordinator):
                        variables[(fid, c.staff_id)] = self.model.new_bool_var(f"{kind}_{fid}_{c.staff_id}")
                missing[fid] = self.model.new_bool_var(f"no_{kind}_{fid}")
        add_constraints(self, self.CONSTRAINTS, disabled)
        self._objective()

    def extra_load(self, family: Family, staff_id: str, share: float) -> float:
        return extra_load_of_role(self.register, family, staff_id, share, self.loadw)

    def load_terms(self, staff_id: str) -> list:
        """Scaled caseload points this coordinator would take on, one term per decision variable."""
        if not hasattr(self, "_load_terms"):
            terms: dict[str, list] = {c.staff_id: [] for c in self.coordinators}
            for variables, share in ((self.primary, self.loadw.primary), (self.secondary, self.loadw.secondary)):
                for (family_id, person), var in variables.items():
                    family = self.register.family_by_id[family_id]
                    terms[person].append(round(SCALE * self.extra_load(family, person, share)) * var)
            self._load_terms = terms
        return self._load_terms[staff_id]

    def options(self, variables: dict, family_id: str) -> list:
        return [variables[(family_id, c.staff_id)] for c in self.coordinators if (family_id, c.staff_id) in variables]

    def chosen(self, solver: cp_model.CpSolver, variables: dict, family_id: str) -> str | None:
        return next((c.staff_id for c in self.coordinators
                     if (family_id, c.staff_id) in variables and solver.boolean_value(variables[(family_id, c.staff_id)])), None)

    # ------------------------------------------------------------------ constraints

    @constrains(HardRule.ONE_PRIMARY)
    def one_primary(self) -> None:
        """Every family has exactly one primary coordinator (or is reported as unassigned)."""
        for family_id, missing in self.no_primary.items():
            self.model.add_exactly_one(self.options(self.primary, family_id) + [missing])

    @constrains(HardRule.SECONDARY_WHEN_NEEDED)
    def secondary_when_needed(self) -> None:
        """Families that need a secondary coordinator get exactly one (or are reported)."""
        for family_id, missing in self.no_secondary.items():
            self.model.add_exactly_one(self.options(self.secondary, family_id) + [missing])

    @constrains(HardRule.PRIMARY_DIFFERS_FROM_SECONDARY)
    def primary_differs_from_secondary(self) -> None:
        """One person cannot be both coordinators of the same family."""
        for (family_id, staff_id), var in self.secondary.items():
            family = self.register.family_by_id[family_id]
            if (family_id, staff_id) in self.primary:
                self.model.add_bool_or([var.Not(), self.primary[(family_id, staff_id)].Not()])
            elif family.primary_coordinator == staff_id and (family_id, "primary") not in self.free:
                self.model.add(var == 0)
        for (family_id, staff_id), var in self.primary.items():
            family = self.register.family_by_id[family_id]
            if family.secondary_coordinator == staff_id and (family_id, "secondary") not in self.free:
                self.model.add(var == 0)

    @constrains(HardRule.CASELOAD_CAP)
    def caseload_cap(self) -> None:
        """Nobody's caseload points exceed their limit."""
        for c in self.coordinators:
            room = c.max_caseload_points - self.base[c.staff_id] - self.fixed_load.get(c.staff_id, 0.0)
            terms = self.load_terms(c.staff_id)
            if terms:
                self.model.add(sum(terms) <= max(0, int(SCALE * room + 1e-6)))

    # ------------------------------------------------------------------ objective

    def _objective(self) -> None:
        """The soft terms, strongest first (each weight dwarfs everything below it); see the module docstring."""
        keep, choice, fit = [], [], []
        for (family_id, staff_id), var in self.primary.items():
            family = self.register.family_by_id[family_id]
            if family.primary_coordinator == staff_id and (family_id, staff_id) not in self.avoid:
                keep.append(var)
            if family.preferred_coordinator == staff_id:
                choice.append(var)
            fit.append(fit_score(self.register, family, self.register.staff_by_id[staff_id])[0] * var)
        for (family_id, staff_id), var in self.secondary.items():
            family = self.register.family_by_id[family_id]
            if family.secondary_coordinator == staff_id and (family_id, staff_id) not in self.avoid:
                keep.append(var)
            fit.append((fit_score(self.register, family, self.register.staff_by_id[staff_id])[0] // 2) * var)
        peak = self.model.new_int_var(0, 10 * SCALE, "peak_load_percent")
        for c in self.coordinators:
            if c.max_caseload_points <= 0:
                continue
            load_terms = self.load_terms(c.staff_id)
            fixed = round(SCALE * (self.base[c.staff_id] + self.fixed_load.get(c.staff_id, 0.0)))
            # peak >= 100 * load / limit, in whole percent
            self.model.add(peak * round(SCALE * c.max_caseload_points) >= 100 * (fixed + sum(load_terms)))
        self.soft_terms = [
            SoftTerm("Familier uden primær koordinator", W_UNASSIGNED, sum(self.no_primary.values())),
            SoftTerm("Familier uden sekundær koordinator", W_UNASSIGNED, sum(self.no_secondary.values())),
            SoftTerm("Koordinatorer, der bør undgås (langt fravær, over sagsloftet)", W_AVOID,
                     sum(var for variables in (self.primary, self.secondary)
                         for key, var in variables.items() if key in self.avoid)),
            SoftTerm("Koordinatorer, familien beholder", -W_KEEP, sum(keep)),
            SoftTerm("Familiens eget valg af koordinator", -W_CHOICE, sum(choice)),
            SoftTerm("Faglig pasform (distrikt, sprog, kompetencer)", -1, sum(fit)),
            SoftTerm("Højeste belastning i procent af sagsloftet", W_BALANCE, peak),
        ]
        self.model.minimize(objective(self.soft_terms))


def _overloaded_by_given(register: Register, load: LoadWeights) -> set[str]:
    """Coordinators whose kept assignments alone break their limit."""
    used = caseload(register, load=load)
    return {s.staff_id for s in register.staff if used[s.staff_id] > s.max_caseload_points + 1e-9}


def long_absence(register: Register, family: Family, staff_id: str, horizon: tuple[date, date] | None) -> str | None:
    """Why ``staff_id`` cannot stay coordinator because of absence: away for a whole follow-up interval of the family
    inside the horizon, so a follow-up would be late whatever the plan (Danish), or None."""
    if horizon is None:
        return None
    start, end = horizon
    try:
        interval = rule_for(register, family, start).max_interval_days
    except KeyError:
        return None
    for absence in register.absences_by_staff.get(staff_id, ()):
        first, last = max(absence.start_date, start), min(absence.end_date, end)
        if (last - first).days + 1 >= interval and last < end:
            return (f"{staff_id} er fraværende {absence.start_date:%d.%m.%Y}–{absence.end_date:%d.%m.%Y}, længere end "
                    f"familiens frist på {interval} dage mellem møderne")
    return None


class MeetingDays:
    """Which coordinators can meet a family's team on time in the horizon: the days the municipality is open, the
    family is at home and every team member works and is present, with the coordinator's own days - is there a
    chain of on-time follow-ups (clocks.py)?  A coordinator who never works on the team's days (part time) or is
    away through a whole interval would make a follow-up late whatever the plan."""

    def __init__(self, register: Register, horizon: tuple[date, date]) -> None:
        self.register, (self.start, self.end) = register, horizon
        self.calendar = WorkCalendar(register, self.start, self.end)
        self.n_days = (self.end - self.start).days + 1
        numbers = {d: (d - self.start).days for d in self.calendar.open_days}
        self.staff_days = {s.staff_id: frozenset(n for d, n in numbers.items()
                                                 if self.calendar.staff_available(s.staff_id, d))
                           for s in register.staff}
        self.numbers = numbers
        self.open_numbers = frozenset(numbers.values())
        self._days: dict[str, frozenset[int]] = {}
        self._team: dict[str, tuple | None] = {}

    def _team_days(self, family: Family) -> frozenset[int]:
        """Day numbers on which the family and its whole team can meet."""
        if family.family_id not in self._days:
            days = self._family_days(family.family_id)
            for person in self.register.team_staff_ids(family.family_id):
                days &= self.staff_days.get(person, frozenset())
            self._days[family.family_id] = days
        return self._days[family.family_id]

    def _family_days(self, family_id: str) -> frozenset[int]:
        if not self.register.unavailability_by_family.get(family_id):
            return self.open_numbers
        return frozenset(n for d, n in self.numbers.items() if self.calendar.family_available(family_id, d))

    def _team_chain(self, family: Family):
        """(prev, prev is a meeting, clock, whether the team alone can meet on time), or None without a team rule."""
        if family.family_id not in self._team:
            timed = team_clock(self.register, family, self.start, self.end)
            if timed is None:
                self._team[family.family_id] = None
            else:
                rule, clock = timed
                since, is_meeting = team_anchor(self.register, family, rule, self.start, self.end)
                prev = (since - self.start).days
                on_time = on_time_chain_exists(self._team_days(family), prev, is_meeting, clock, self.n_days)
                self._team[family.family_id] = (prev, is_meeting, clock, on_time)
        return self._team[family.family_id]

    def blocks(self, family: Family, staff_id: str) -> bool:
        """True if the team could meet on time without ``staff_id`` but not with them."""
        if staff_id not in self.staff_days:
            return False
        days = self._team_days(family)
        if days <= self.staff_days[staff_id]:
            return False  # the person is there whenever the team is
        chain = self._team_chain(family)
        if chain is None or not chain[3]:
            return False  # no team follow-ups, or nobody can help: the team itself cannot meet on time
        prev, is_meeting, clock, _ = chain
        return not on_time_chain_exists(days & self.staff_days[staff_id], prev, is_meeting, clock, self.n_days)


def assign_coordinators(register: Register, load: LoadWeights = DEFAULT_LOAD, time_limit: float = 20.0,
                        workers: int = 2, clock: WorkClock | None = None,
                        horizon: tuple[date, date] | None = None, stop: StopToken | None = None) -> AssignmentResult:
    """Assign coordinators; kept assignments only change where they must: the person left or cannot coordinate,
    a caseload limit makes keeping them impossible, or (with ``horizon``) an absence longer than the family's
    follow-up interval.  Every change is explained in Danish. The model's constraints are methods of
    ``CoordinatorModel``; this function decides what is kept, what is free and why, in one readable pass."""
    overloaded = _overloaded_by_given(register, load)
    free: set[tuple[str, str]] = set()
    forced: dict[tuple[str, str], str] = {}
    days = MeetingDays(register, horizon) if horizon is not None else None
    for family in register.families:
        for kind, given in (("primary", family.primary_coordinator), ("secondary", family.secondary_coordinator)):
            wanted = kind == "primary" or family.needs_secondary or given
            valid = given and given in register.staff_by_id and (
                register.staff_by_id[given].can_coordinate or (kind == "primary" and given == family.preferred_coordinator))
            away = long_absence(register, family, given, horizon) if valid else None
            if valid and not away and days is not None and days.blocks(family, given):
                away = (f"{given} arbejder ikke på nogen af de dage, hvor familiens team kan mødes inden fristerne "
                        f"(deltid eller fravær)")
            if wanted and (not valid or given in overloaded or away):
                free.add((family.family_id, kind))
                if given:
                    forced[(family.family_id, kind)] = (f"fravær:{away}" if away
                                                        else _why_not_kept(register, given, overloaded))
            elif kind == "primary" and given and family.preferred_coordinator not in (None, given):
                free.add((family.family_id, kind))  # the family has chosen someone else: the choice is the reason
                forced[(family.family_id, kind)] = _chosen(register, family.preferred_coordinator)
    avoid = {(family_id, getattr(register.family_by_id[family_id], f"{kind}_coordinator"))
             for (family_id, kind), why in forced.items() if why.startswith("fravær:")}
    if days is not None:  # a new coordinator who could never meet the family's team on time: only if nobody else can
        coordinators = [s.staff_id for s in register.staff if s.can_coordinate]
        for family_id in sorted({family_id for family_id, _ in free}):
            family = register.family_by_id[family_id]
            avoid |= {(family_id, c) for c in coordinators if days.blocks(family, c)}
    forced = {key: why.removeprefix("fravær:") for key, why in forced.items()}
    model = CoordinatorModel(register, load, free, avoid=avoid)
    solver = new_solver()
    configure_solver(solver, time_limit, clock, workers)
    if stop is not None:
        stop.attach(solver)  # Stop (or Ctrl+C) ends the search at once, not after the time limit
    try:
        status = solver.solve(model.model)
    finally:
        if stop is not None:
            stop.detach()
    charge_solve(clock, solver, len(model.primary) + len(model.secondary))
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return AssignmentResult([], solver.status_name(status), ["Koordinatorfordelingen fandt ingen løsning inden for tidsgrænsen."],
                                seconds=solver.wall_time)
    assignments, problems = [], []
    used = dict(model.base)
    for family in register.families:
        fid = family.family_id
        primary = model.chosen(solver, model.primary, fid) if (fid, "primary") in free else family.primary_coordinator
        secondary = (model.chosen(solver, model.secondary, fid) if (fid, "secondary") in free
                     else family.secondary_coordinator)
        reasons = []
        if primary:
            reasons = fit_score(register, family, register.staff_by_id[primary])[1]
            if family.primary_coordinator == primary:
                reasons.insert(0, "fastholdt")
            elif family.preferred_coordinator == primary:
                reasons.insert(0, "familiens eget valg")
        assignments.append(Assignment(fid, primary, secondary, "; ".join(reasons)))
        for who, share in ((primary, load.primary), (secondary, load.secondary)):
            if who:
                used[who] = used.get(who, 0.0) + model.extra_load(family, who, share)
    problems.extend(_explain(register, model, assignments, used, forced))
    load_table = {c.staff_id: (round(used.get(c.staff_id, 0.0), 2), c.max_caseload_points) for c in model.coordinators}
    return AssignmentResult(assignments, solver.status_name(status), problems, load_table, solver.wall_time,
                            forced=forced)


def _chosen(register: Register, staff_id: str) -> str:
    person = register.staff_by_id.get(staff_id)
    return f"familien har selv valgt {person.name if person else staff_id} ({staff_id}) som koordinator"


def _why_not_kept(register: Register, staff_id: str, overloaded: set[str]) -> str:
    person = register.staff_by_id.get(staff_id)
    if person is None:
        return f"{staff_id} er ikke længere ansat"
    if not person.can_coordinate:
        return f"{person.name} ({staff_id}) kan ikke være koordinator"
    if staff_id in overloaded:
        return (f"{person.name} ({staff_id}) er over sit {HardRule.CASELOAD_CAP} på "
                f"{person.max_caseload_points:g} point")
    return f"{person.name} ({staff_id}) kan ikke fortsætte"


def _choice_not_met(register: Register, model: CoordinatorModel, family: Family, used: dict[str, float]) -> str:
    """Why the family did not get the coordinator it chose, in Danish."""
    person = register.staff_by_id[family.preferred_coordinator]
    who = f"{person.name} ({person.staff_id})"
    if (family.family_id, person.staff_id) in model.avoid:
        why = "vedkommende kan ikke mødes med familiens team inden fristerne (fravær eller arbejdsdage)"
    else:
        why = (f"vedkommende har ikke plads (bruger {used.get(person.staff_id, 0):g} af "
               f"{person.max_caseload_points:g} point)")
    return f"Familie {family.family_id} har valgt {who} som koordinator, men {why}. Tal med familien om et andet valg."


def _explain(register: Register, model: CoordinatorModel, assignments: list[Assignment], used: dict[str, float],
             forced: dict[tuple[str, str], str]) -> list[str]:
    problems = []
    room = sum(max(0.0, c.max_caseload_points - used.get(c.staff_id, 0.0)) for c in model.coordinators)
    for a in assignments:
        family = register.family_by_id[a.family_id]
        if not a.primary_coordinator:
            problems.append(
                f"Familie {a.family_id} ({family.case_points:g} sagspoint) fik ingen primær koordinator: "
                f"koordinatorernes ledige kapacitet er i alt {room:g} point, og ingen har plads til "
                f"{family.case_points * model.loadw.primary:g} point."
            )
        if family.needs_secondary and not a.secondary_coordinator:
            problems.append(
                f"Familie {a.family_id} fik ingen sekundær koordinator: ingen anden koordinator har plads til "
                f"{family.case_points * model.loadw.secondary:g} point."
            )
        for kind, label, given, now in (("primary", "primær", family.primary_coordinator, a.primary_coordinator),
                                        ("secondary", "sekundær", family.secondary_coordinator,
                                         a.secondary_coordinator)):
            why = forced.get((a.family_id, kind))
            if given and now != given:
                problems.append(f"Familie {a.family_id} skifter {label} koordinator fra {given} til {now or 'ingen'}: "
                                f"{why or 'den hidtidige koordinator kan ikke fortsætte'}.")
            elif given and why:
                problems.append(f"Familie {a.family_id} beholder {label} koordinator {given}, selv om {why}: ingen "
                                f"anden koordinator kan overtage.")
        if family.preferred_coordinator and a.primary_coordinator != family.preferred_coordinator:
            problems.append(_choice_not_met(register, model, family, used))
    return problems
