"""Solving the model: fewest hires first, then fewest handovers."""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from ortools.sat.python import cp_model

from workbench.solver import new_solver
from workbench.scheduling.stopping import StopToken
from workbench.whatif.staffing.greedy import greedy_start
from workbench.whatif.staffing.model import MEETING_CONSTRAINTS, StaffingModel
from workbench.whatif.staffing.problem import StaffingProblem
from workbench.whatif.staffing.result import StaffingSolution

MIN_SOLVE_SECONDS = 0.2
"""No solve gets less; a trial is not started with less than this left."""
MIN_HANDOVER_SECONDS = 0.5
"""The fewest-handovers phase always gets at least this."""
ONE_FEWER_SECONDS = 5.0
"""At most this long for each "one newcomer of this role fewer?" model (small: most holders are fixed)."""


@dataclass(frozen=True)
class TimeBudget:
    """How :func:`solve_staffing` shares its time limit between its stages, as fractions of the limit."""

    caseload_stage: float = 0.2
    """The quick first stage without meetings (a lower bound and a starting point)."""
    trials_until: float = 0.55
    """"Does it work with n newcomers?" trials are started until this share has passed."""
    minimise_until: float = 0.75
    """If no trial answered, a plain minimisation runs until this share has passed ..."""
    minimise_at_least: float = 0.2
    """... but for at least this share."""
    handovers_once_proven: float = 0.25
    """At most this share for the fewest handovers once the number of hires is proven."""


BUDGET = TimeBudget()


@contextmanager
def _attached(stop: StopToken | None, solver: cp_model.CpSolver) -> Iterator[None]:
    """Let ``stop`` end the solver's search while inside the block."""
    if stop is not None:
        stop.attach(solver)
    try:
        yield
    finally:
        if stop is not None:
            stop.detach()


def _caseload_stage(problem: StaffingProblem, cuts, time_limit: float, disabled: frozenset[str],
                    stop: StopToken | None) -> tuple[int, dict, bool] | None:
    """Fewest hires for places and caseloads alone (fast): a valid lower bound and a starting point."""
    model = StaffingModel(problem, False, list(cuts), disabled | MEETING_CONSTRAINTS)
    start = greedy_start(problem)
    used_slots = set(start.values()) & problem.slot_ids
    for slot_id, var in model.hired.items():
        model.model.add_hint(var, int(slot_id in used_slots))
    for (place, person), var in model.hold.items():
        model.model.add_hint(var, int(start.get(place) == person))
    model.model.minimize(model.hires())
    solver = new_solver()
    solver.parameters.max_time_in_seconds = max(MIN_SOLVE_SECONDS, time_limit)
    solver.parameters.num_workers = problem.options.workers
    with _attached(stop, solver):
        status = solver.solve(model.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    hint = {("hired", k): solver.value(v) for k, v in model.hired.items()}
    hint.update({("hold", k): solver.value(v) for k, v in model.hold.items()})
    return math.ceil(solver.best_objective_bound - 1e-6), hint, status == cp_model.OPTIMAL


def _floor_with_hints(problem: StaffingProblem, model: StaffingModel, cuts, time_limit: float,
                      disabled: frozenset[str], stop: StopToken | None, previous: StaffingSolution | None,
                      budget: TimeBudget) -> tuple[int, int | None]:
    """(the fewest hires known to be needed, the size of the staffing the model is hinted at or None).

    The hint is the previous round's answer, or the quick stage's staffing, which keeps every caseload
    limit and so is the likeliest size for the full model too."""
    meetings_on = bool(MEETING_CONSTRAINTS - disabled) and bool(model.meeting_day or not model.exact)
    floor = 0 if "hires_cover_capacity_gap" in disabled else sum(max(0, b.hires) for b in problem.bounds)
    known = None
    if previous is not None:
        floor = max(floor, previous.lower_bound)
        known = sum(previous.hires.values())
        for slot_id, var in model.hired.items():
            model.model.add_hint(var, int(slot_id in previous.hired_ids))
        for (place, person), var in model.hold.items():
            model.model.add_hint(var, int(previous.holders.get(place) == person))
    elif meetings_on:
        stage = _caseload_stage(problem, cuts, budget.caseload_stage * time_limit, disabled, stop)
        if stage is not None:
            floor = max(floor, stage[0])
            known = sum(value for (kind, _), value in stage[1].items() if kind == "hired")
            for (kind, key), value in stage[1].items():
                model.model.add_hint(model.hired[key] if kind == "hired" else model.hold[key], value)
    return floor, known


@dataclass
class _Best:
    """The fewest hires found so far and the values of that staffing (to start the next phase from)."""

    hires: int
    values: dict


def _clone_from(model: StaffingModel, best: _Best | None) -> cp_model.CpModel:
    """A copy of the model to add a trial's constraints to, hinted at ``best`` if given."""
    trial = model.model.clone()
    if best is not None:
        trial.clear_hints()
        for var, value in best.values.items():
            trial.add_hint(var, value)
    return trial


def _fix(trial: cp_model.CpModel, model: StaffingModel, hired: set[str], pairs) -> None:
    """In ``trial``, hire exactly ``hired`` and give each (place, person) of ``pairs`` to that person."""
    for slot_id, var in model.hired.items():
        trial.add(var == int(slot_id in hired))
    for pair in pairs:
        trial.add(model.hold[pair] == 1)


def _remember(model: StaffingModel, solver: cp_model.CpSolver) -> _Best:
    day_vars = [v for days in model.meeting_day.values() for v in days.values()]
    variables = list(model.hired.values()) + list(model.hold.values()) + day_vars
    return _Best(round(solver.objective_value), {var: solver.value(var) for var in variables})


def _greedy_in_model(model: StaffingModel, solver: cp_model.CpSolver, deadline: float,
                     stop: StopToken | None) -> _Best | None:
    """The greedy staffing as the model's solution (only the meeting days are searched), or None if it breaks a
    rule of the model (e.g. a cut) or no days are found in time.

    Going down from the greedy packing works better than from the search's own staffing: best fit leaves the
    room to spare in a few people's hands, where :func:`_one_fewer` can use it."""
    problem = model.problem
    holders = greedy_start(problem)
    if not problem.within_limits(holders) or any(pair not in model.hold for pair in holders.items()):
        return None
    left = deadline - time.perf_counter()
    if left <= MIN_SOLVE_SECONDS or (stop and stop.stopped):
        return None
    trial = _clone_from(model, None)
    _fix(trial, model, set(holders.values()) & problem.slot_ids, holders.items())
    solver.parameters.max_time_in_seconds = min(ONE_FEWER_SECONDS, left)
    if solver.solve(trial) in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return _remember(model, solver)
    return None


def _held_apart(problem: StaffingProblem, holders: dict) -> set:
    """The coordinator and team places of families where a team place of a coordinating role and the coordinator
    places have different holders: carried by one person (a newcomer, say) they would free the team place's points."""
    coordinating = problem.coordinating_roles
    by_family: dict[str, list] = defaultdict(list)
    for place in holders:
        by_family[place.family_id].append(place)
    apart = set()
    for places in by_family.values():
        coordinators = {holders[q] for q in places if q.kind != "team"}
        team = [q for q in places if q.kind == "team" and q.role in coordinating and holders[q] not in coordinators]
        if team and coordinators:
            apart.update(team)
            apart.update(q for q in places if q.kind != "team")
    return apart


def _one_fewer(model: StaffingModel, solver: cp_model.CpSolver, best: _Best, deadline: float,
               stop: StopToken | None) -> _Best | None:
    """The best staffing with one newcomer fewer, or None if this small search finds none.

    Only the places of the newcomers, of the colleagues with room left who could take a newcomer's place,
    and of families whose coordinator and coordinating team places are held apart (:func:`_held_apart`) are
    decided again - everybody else keeps theirs - so each model is small and quick.  One role at a time,
    the role whose least loaded newcomer has the most room left first.  A full search for one fewer often
    cannot even find a start in its time, while the room to spare is usually in a few people's hands (found
    on a lower caseload cap for everybody, where the last newcomer's places fit with colleagues only once
    newcomers carry a family's coordinator and team places together).
    """
    problem = model.problem
    holders = {place: person for (place, person), var in model.hold.items() if best.values[var]}
    hired = {slot_id for slot_id, var in model.hired.items() if best.values[var]}
    room = problem.room_left(holders)
    with_room = [problem.people[pid] for pid in problem.register.staff_by_id if room[pid] > 1e-6]
    apart = _held_apart(problem, holders)
    slots_of: dict[str, list[str]] = defaultdict(list)
    for slot in problem.slots:
        slots_of[slot.role].append(slot.staff_id)
    roles = sorted({problem.people[slot_id].role for slot_id in hired},
                   key=lambda role: -max(room[slot_id] for slot_id in hired if problem.people[slot_id].role == role))
    for role in roles:
        left = deadline - time.perf_counter()
        if left <= MIN_SOLVE_SECONDS or (stop and stop.stopped):
            return None
        theirs = [place for place, person in holders.items() if person in hired and problem.people[person].role == role]
        free = hired | {person.staff_id for person in with_room
                        if any(problem.suitable(place, person) for place in theirs)}
        keep = {slot_id for slot_id in hired if problem.people[slot_id].role != role}
        keep |= set(slots_of[role][:sum(1 for slot_id in hired if problem.people[slot_id].role == role) - 1])
        trial = _clone_from(model, best)
        _fix(trial, model, keep, [(place, person) for place, person in holders.items()
                                  if person not in free and place not in apart])
        solver.parameters.max_time_in_seconds = min(ONE_FEWER_SECONDS, left)
        if solver.solve(trial) in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return _remember(model, solver)
    return None


def _fewest_hires(model: StaffingModel, solver: cp_model.CpSolver, floor: int, known: int | None,
                  began: float, time_limit: float, stop: StopToken | None,
                  budget: TimeBudget) -> tuple[_Best | None, int]:
    """Phase 1: (the fewest hires found with their values, or None; the proven floor).

    Asks "does it work with n newcomers?" - on large registers this finds the minimum far sooner than
    a plain minimisation starting from a poor first solution.  Above the floor it starts from the greedy
    staffing (or, if the hinted staffing of ``known`` newcomers is smaller, asks that first) and goes down:
    first the small search of :func:`_one_fewer`, then "does it work with one fewer?" on the whole model,
    until the answer is no (the floor is proven) or the time is up.  Without a start it asks the floor first
    and then one more at a time.  A "no" always proves the floor; a "don't know" ends the going down, or
    makes the going up unproven.
    """
    reserve = budget.minimise_at_least * time_limit  # kept for a plain minimisation if no trial answers in time
    deadline = began + budget.trials_until * time_limit
    best: _Best | None = None
    limit = known if known is not None and known > floor else floor
    if known is None or known > floor:
        best = _greedy_in_model(model, solver, deadline, stop)
        if best is not None and (known is None or best.hires <= known):
            limit = best.hires - 1
        else:
            best = None
    while floor <= limit <= len(model.problem.slots) and not (stop and stop.stopped):
        if best is not None:  # going down: first the small search for one newcomer fewer
            fewer = _one_fewer(model, solver, best, deadline, stop)
            if fewer is not None:
                best, limit = fewer, fewer.hires - 1
                continue
        left = deadline - time.perf_counter()
        if left <= MIN_SOLVE_SECONDS:
            break
        trial = _clone_from(model, best)  # going down: from the staffing one larger
        trial.add(model.hires() <= limit)
        solver.parameters.max_time_in_seconds = max(MIN_SOLVE_SECONDS, left / 2)
        status = solver.solve(trial)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            best = _remember(model, solver)
            limit = best.hires - 1  # one fewer?
            continue
        if status == cp_model.INFEASIBLE:
            floor = max(floor, limit + 1)
        if best is not None:
            break  # going down: "no" proves the best, "don't know" leaves it unproven
        limit += 1
    if best is None and not (stop and stop.stopped):
        solver.parameters.max_time_in_seconds = max(reserve, budget.minimise_until * time_limit
                                                    - (time.perf_counter() - began))
        status = solver.solve(model.model)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            best = _remember(model, solver)
            floor = max(floor, math.ceil(solver.best_objective_bound - 1e-6))
    return best, floor


def _fewest_handovers(model: StaffingModel, solver: cp_model.CpSolver, best: _Best, proven: bool, began: float,
                      time_limit: float, stop: StopToken | None, budget: TimeBudget) -> Callable[[object], int]:
    """Phase 2: the same number of hires (fewer if phase 1 was cut short), fewest handovers.

    Returns how to read a variable's value: from this phase, or from phase 1 if it found nothing.
    """
    model.model.clear_hints()
    for var, value in best.values.items():
        model.model.add_hint(var, value)
    model.model.add(model.hires() <= best.hires)
    if proven:
        model.model.minimize(model.handovers())
    else:  # phase 1 was cut short: hires may still fall
        model.model.minimize(1_000_000 * model.hires() + model.handovers())
    left = max(MIN_HANDOVER_SECONDS, time_limit - (time.perf_counter() - began))
    solver.parameters.max_time_in_seconds = min(left, budget.handovers_once_proven * time_limit) if proven else left
    second = solver.solve(model.model) if not (stop and stop.stopped) else cp_model.UNKNOWN
    return best.values.__getitem__ if second not in (cp_model.OPTIMAL, cp_model.FEASIBLE) else solver.value


def _read_solution(model: StaffingModel, read: Callable[[object], int], status: str, bound: int,
                   seconds: float) -> StaffingSolution:
    problem = model.problem
    hires: dict[str, int] = defaultdict(int)
    hired_ids = set()
    for slot in problem.slots:
        if read(model.hired[slot.staff_id]):
            hires[slot.role] += 1
            hired_ids.add(slot.staff_id)
    holders = {place: next(person for person in cands if read(model.hold[(place, person)]))
               for place, cands in problem.options_of.items()}
    days = {}
    for fid, chain in model.chains.items():
        days[fid] = [d for k in range(chain.slots) for d, v in model.meeting_day[(fid, k)].items() if read(v)]
    if sum(hires.values()) <= bound:
        status = "OPTIMAL"
    return StaffingSolution(dict(hires), hired_ids, holders, days, status, bound, seconds)


def solve_staffing(problem: StaffingProblem, exact_meetings: bool, cuts=(), time_limit: float = 60.0,
                   stop: StopToken | None = None, disabled: frozenset[str] = frozenset(),
                   previous: StaffingSolution | None = None, budget: TimeBudget = BUDGET) -> StaffingSolution | None:
    """Fewest hires first, then fewest handovers; None if no staffing within the slots works.

    A quick first stage without the meetings gives a lower bound and a starting solution, so
    the full model mostly has to confirm that the meetings fit with that many newcomers.  A
    ``previous`` round's answer (before new cuts) is the starting point instead when given.
    """
    began = time.perf_counter()
    model = StaffingModel(problem, exact_meetings, list(cuts), disabled)
    floor, known = _floor_with_hints(problem, model, cuts, time_limit, disabled, stop, previous, budget)
    model.model.add(model.hires() >= floor)
    model.model.minimize(model.hires())
    solver = new_solver()
    solver.parameters.num_workers = problem.options.workers
    with _attached(stop, solver):
        best, bound = _fewest_hires(model, solver, floor, known, began, time_limit, stop, budget)
        if best is None:
            return None
        read = _fewest_handovers(model, solver, best, best.hires <= bound, began, time_limit, stop, budget)
    return _read_solution(model, read, "OPTIMAL" if best.hires <= bound else "FEASIBLE", bound,
                          time.perf_counter() - began)
