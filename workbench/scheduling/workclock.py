"""Planning time counted as work done, so the same question always gets the same plan.

With a wall-clock time limit, a search that is cut short depends on how busy the machine is: two runs of the
same year plan gave 43 and 51 late follow-ups, and a team leader could not reproduce what was announced.
Here every phase of the packer charges the work it actually did - a family's chain laid by the negotiation,
the days looked at while laying a chain in the calendar, the deterministic time CP-SAT reports for a solve -
in *work seconds*.  The rates are calibrated so that on the reference machine (2-core x86_64, idle) a work
second lasts about one second (``benchmarks/packing_scale.py`` prints both).  On a slower or busier machine the
same plan takes longer and comes out the same.

A guard keeps a very slow machine from running for ever: once the wall clock passes ``GUARD`` times the
counted time (plus a few seconds), the wall clock counts instead; the plan then says it may not be
reproducible.  The Stop button always ends the search at once (and is recorded as such).
"""

from __future__ import annotations

import time

# Work seconds per unit of work, measured on the reference machine (see the module docstring).
LAY = 9.0e-5
LAY_PER_BLOCK = 4.8e-5
"""Negotiation: one family's cheapest chain (numpy dynamic programme in blocks of the minimum interval)."""
ROUND_PER_PERSON_DAY = 2.0e-8
"""Negotiation: overbooking check after a round, per person and day."""
DAY_LOOKED_AT = 0.5e-6
"""Booking and ejection: one day examined for a free common time block."""
BOOKING = 0.7e-6
"""Booking a meeting into (or out of) the calendar of its attendees."""
CPSAT_DETERMINISTIC = 3.0
"""CP-SAT: wall seconds per unit of its own deterministic time (single worker)."""
CPSAT_PER_VARIABLE = 1.5e-5
"""CP-SAT: building a model in Python, per decision variable."""

GUARD = 4.0
"""The wall clock takes over when it runs this many times ahead of the counted time."""
GUARD_SLACK = 10.0


class WorkClock:
    """Counts work seconds; ``deterministic=False`` makes it a plain wall clock (for measurements)."""

    def __init__(self, deterministic: bool = True) -> None:
        self.deterministic = deterministic
        self.began = time.perf_counter()
        self.counted = 0.0
        self.guard_hit = False
        """True once the wall clock had to take over: the plan may then differ between runs."""

    def charge(self, work_seconds: float) -> None:
        self.counted += work_seconds

    def wall(self) -> float:
        return time.perf_counter() - self.began

    def now(self) -> float:
        """Seconds of planning so far: counted work (or wall time if not deterministic or the guard took over)."""
        wall = self.wall()
        if not self.deterministic:
            return wall
        if wall > GUARD * self.counted + GUARD_SLACK:
            self.guard_hit = True
            return max(self.counted, wall / GUARD)
        return self.counted


def configure_solver(solver, seconds: float, clock: WorkClock | None, workers: int, seed: int = 1) -> None:
    """CP-SAT limits that follow the clock: deterministic time and one worker when counting work."""
    solver.parameters.random_seed = seed
    if clock is not None and clock.deterministic:
        solver.parameters.max_deterministic_time = max(0.001, seconds / CPSAT_DETERMINISTIC)
        solver.parameters.num_workers = 1
        # a wall-clock backstop far beyond the counted limit, only for a machine many times slower
        solver.parameters.max_time_in_seconds = GUARD * max(seconds, 1.0) + GUARD_SLACK
    else:
        solver.parameters.max_time_in_seconds = seconds
        solver.parameters.num_workers = workers


def charge_solve(clock: WorkClock | None, solver, variables: int) -> None:
    """What a CP-SAT solve cost, in work seconds: building the model and the solver's deterministic time."""
    if clock is not None:
        clock.charge(CPSAT_PER_VARIABLE * variables + CPSAT_DETERMINISTIC * solver.deterministic_time)
