"""Every CP-SAT solver in Tværs is made here, so they share the settings that matter to the user."""

from __future__ import annotations

from ortools.sat.python import cp_model


def new_solver():
    """A CP-SAT solver that leaves Ctrl+C to us: by default CP-SAT catches the first SIGINT itself and only ends
    the current search, so the planner went on and wrote a plan the user had asked to stop."""
    solver = cp_model.CpSolver()
    solver.parameters.catch_sigint_signal = False
    return solver

