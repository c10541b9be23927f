"""Every CP-SAT solver in Tværs is made here, so they share the settings that matter to the user."""

from __future__ import annotations

from ortools.sat.python import cp_model


def new_solver(time_limit: float | None = None, workers: int = 2, deterministic_time: float | None = None):
    """A CP-SAT solver that leaves Ctrl+C to us: by default CP-SAT catches the first SIGINT itself and only ends
    the current search, so the planner went on and wrote a plan the user had asked to stop.

    Limits, if given: ``time_limit`` wall seconds on ``workers`` threads, or ``deterministic_time`` - the work
    CP-SAT counts, on one worker - for the same answer however busy the machine is."""
    solver = cp_model.CpSolver()
    solver.parameters.catch_sigint_signal = False
    if deterministic_time is not None:
        solver.parameters.max_deterministic_time = deterministic_time
        solver.parameters.num_workers = 1
    elif time_limit is not None:
        solver.parameters.max_time_in_seconds = time_limit
        solver.parameters.num_workers = workers
    return solver

