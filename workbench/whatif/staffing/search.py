"""Solving the model: fewest hires first, then fewest handovers."""

from __future__ import annotations

import math
import time
from collections import defaultdict

from ortools.sat.python import cp_model

from workbench.solver import new_solver
from workbench.scheduling.stopping import StopToken
from workbench.whatif.staffing.greedy import greedy_start
from workbench.whatif.staffing.model import MEETING_CONSTRAINTS, StaffingModel
from workbench.whatif.staffing.problem import StaffingProblem
from workbench.whatif.staffing.result import StaffingSolution


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
