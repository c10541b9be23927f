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
                      budget: TimeBudget) -> int:
    """The fewest hires known to be needed before the search, with the model hinted at a starting solution."""
    meetings_on = bool(MEETING_CONSTRAINTS - disabled) and bool(model.meeting_day or not model.exact)
    floor = 0 if "hires_cover_capacity_gap" in disabled else sum(max(0, b.hires) for b in problem.bounds)
    if previous is not None:
        floor = max(floor, previous.lower_bound)
        for slot_id, var in model.hired.items():
            model.model.add_hint(var, int(slot_id in previous.hired_ids))
        for (place, person), var in model.hold.items():
            model.model.add_hint(var, int(previous.holders.get(place) == person))
    elif meetings_on:
        stage = _caseload_stage(problem, cuts, budget.caseload_stage * time_limit, disabled, stop)
        if stage is not None:
            floor = max(floor, stage[0])
            for (kind, key), value in stage[1].items():
                model.model.add_hint(model.hired[key] if kind == "hired" else model.hold[key], value)
    return floor


def _fewest_hires(model: StaffingModel, solver: cp_model.CpSolver, floor: int, previous: StaffingSolution | None,
                  began: float, time_limit: float, stop: StopToken | None,
                  budget: TimeBudget) -> tuple[int, int, bool]:
    """Phase 1: (status, floor, whether the floor is proven).

    Asks "does it work with `floor` newcomers?" first, then one more, ...: on large registers this
    finds the minimum far sooner than a plain minimisation starting from a poor first solution.
    """
    reserve = budget.minimise_at_least * time_limit  # kept for a plain minimisation if no trial answers in time
    deadline = began + budget.trials_until * time_limit
    status, proven_floor, limit = cp_model.UNKNOWN, True, floor
    if previous is not None and sum(previous.hires.values()) > floor:
        # after a cut the previous answer's size is the likeliest: try it first (the floor stays unproven)
        limit, proven_floor = sum(previous.hires.values()), False
    while limit <= len(model.problem.slots) and not (stop and stop.stopped):
        left = deadline - time.perf_counter()
        if left <= MIN_SOLVE_SECONDS:
            break
        trial = model.model.clone()
        trial.add(model.hires() <= limit)
        solver.parameters.max_time_in_seconds = max(MIN_SOLVE_SECONDS, left / 2)
        status = solver.solve(trial)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            break
        if status != cp_model.INFEASIBLE:
            proven_floor = False
        elif proven_floor:
            floor = limit + 1
        limit += 1
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE) and not (stop and stop.stopped):
        solver.parameters.max_time_in_seconds = max(reserve, budget.minimise_until * time_limit
                                                    - (time.perf_counter() - began))
        status = solver.solve(model.model)
    return status, floor, proven_floor


def _fewest_handovers(model: StaffingModel, solver: cp_model.CpSolver, best: int, proven: bool, began: float,
                      time_limit: float, stop: StopToken | None, budget: TimeBudget) -> Callable[[object], int]:
    """Phase 2: the same number of hires (fewer if phase 1 was cut short), fewest handovers.

    Returns how to read a variable's value: from this phase, or from phase 1 if it found nothing.
    """
    day_vars = [v for days in model.meeting_day.values() for v in days.values()]
    values = {var: solver.value(var) for var in list(model.hired.values()) + list(model.hold.values()) + day_vars}
    model.model.clear_hints()
    for var, value in values.items():
        model.model.add_hint(var, value)
    model.model.add(model.hires() <= best)
    if proven:
        model.model.minimize(model.handovers())
    else:  # phase 1 was cut short: hires may still fall
        model.model.minimize(1_000_000 * model.hires() + model.handovers())
    left = max(MIN_HANDOVER_SECONDS, time_limit - (time.perf_counter() - began))
    solver.parameters.max_time_in_seconds = min(left, budget.handovers_once_proven * time_limit) if proven else left
    second = solver.solve(model.model) if not (stop and stop.stopped) else cp_model.UNKNOWN
    return values.__getitem__ if second not in (cp_model.OPTIMAL, cp_model.FEASIBLE) else solver.value


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
    floor = _floor_with_hints(problem, model, cuts, time_limit, disabled, stop, previous, budget)
    model.model.add(model.hires() >= floor)
    model.model.minimize(model.hires())
    solver = new_solver()
    solver.parameters.num_workers = problem.options.workers
    with _attached(stop, solver):
        status, floor, proven_floor = _fewest_hires(model, solver, floor, previous, began, time_limit, stop, budget)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        best = round(solver.objective_value)
        bound = max(floor if proven_floor else 0, math.ceil(solver.best_objective_bound - 1e-6))
        read = _fewest_handovers(model, solver, best, best <= bound, began, time_limit, stop, budget)
    return _read_solution(model, read, "OPTIMAL" if best <= bound else "FEASIBLE", bound,
                          time.perf_counter() - began)
