"""Concrete start times for the meetings of one day, with no one double-booked.

First-fit in order of the most constrained meeting packs each person's
meetings together from the start of the day (the "clustered" preference);
when first-fit fails, an exact CP-SAT model with a no-overlap constraint per
person decides, so a day is only given up when it truly cannot be timed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from ortools.sat.python import cp_model

from workbench.solver import new_solver


@dataclass(frozen=True)
class DayTask:
    key: object
    attendees: tuple[str, ...]
    minutes: int
    fixed_start: int | None = None
    """Offset in minutes from the start of the meeting window, for meetings that may not move."""
    preferred_start: int | None = None


def _first_fit(tasks: Sequence[DayTask], day_minutes: int, step: int) -> dict[object, int] | None:
    busy: dict[str, list[tuple[int, int]]] = {}
    starts: dict[object, int] = {}

    def free(person: str, begin: int, end: int) -> bool:
        return all(end <= b or begin >= e for b, e in busy.get(person, ()))

    def book(task: DayTask, begin: int) -> None:
        starts[task.key] = begin
        for person in task.attendees:
            busy.setdefault(person, []).append((begin, begin + task.minutes))

    for task in tasks:
        if task.fixed_start is not None:
            book(task, task.fixed_start)
    movable = sorted((t for t in tasks if t.fixed_start is None), key=lambda t: (-len(t.attendees), -t.minutes))
    for task in movable:
        options = list(range(0, day_minutes - task.minutes + 1, step))
        if task.preferred_start is not None:
            options.sort(key=lambda begin: abs(begin - task.preferred_start))
        for begin in options:
            if all(free(p, begin, begin + task.minutes) for p in task.attendees):
                book(task, begin)
                break
        else:
            return None
    return starts


def _exact(tasks: Sequence[DayTask], day_minutes: int, step: int, seconds: float) -> dict[object, int] | None:
    model = cp_model.CpModel()
    starts, per_person = {}, {}
    for i, task in enumerate(tasks):
        if task.fixed_start is not None:
            slot = model.NewConstant(task.fixed_start // step)
        else:
            slot = model.NewIntVar(0, (day_minutes - task.minutes) // step, f"slot{i}")
        begin = model.NewIntVar(0, day_minutes, f"begin{i}")
        model.Add(begin == slot * step)
        interval = model.NewFixedSizeIntervalVar(begin, task.minutes, f"meeting{i}")
        starts[task.key] = begin
        for person in task.attendees:
            per_person.setdefault(person, []).append(interval)
    for intervals in per_person.values():
        if len(intervals) > 1:
            model.AddNoOverlap(intervals)
    solver = new_solver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = 1
    if solver.Solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return {key: solver.Value(var) for key, var in starts.items()}


def time_day(tasks: Sequence[DayTask], day_minutes: int, step: int = 15, seconds: float = 2.0) -> dict[object, int] | None:
    """Start offsets (minutes from the window start) per task key, or None if the day cannot be timed."""
    if any(t.minutes > day_minutes for t in tasks):
        return None
    starts = _first_fit(tasks, day_minutes, step)
    return starts if starts is not None else _exact(tasks, day_minutes, step, seconds)
