"""Follow-up meeting packing over a long horizon: a rolling window of CP-SAT models.

Why a rolling window: legal intervals only link meetings a few weeks apart, so
a window that sees the next ``window_days`` and commits the first
``commit_days`` keeps foresight where it matters while each model stays small
enough to solve in seconds (one model over a year does not scale).

Inside a window the search is lexicographic:
1. fewest late meetings, then fewest days late (phase 1);
2. with lateness fixed at that optimum: fewest moved announced meetings, then
   meetings as late as the rules allow, so that fewer meetings are needed and
   each family's next deadline stays far away (phase 2).
Days are chosen first; concrete start times follow per day (timeslots.py),
and a day that cannot be timed becomes a cut in the window model.
"""

from __future__ import annotations

import time as clock_time
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable

from ortools.sat.python import cp_model

from workbench.scheduling.instance import FamilyDemand, PackingInstance
from workbench.scheduling.plan import Meeting
from workbench.scheduling.stopping import ProgressCallback, StopToken, no_progress
from workbench.scheduling.timeslots import DayTask, time_day


@dataclass(frozen=True)
class PackingOptions:
    commit_days: int = 14
    window_days: int = 49
    seconds_per_window: float = 4.0
    workers: int = 2
    max_chain: int = 3
    """Most meetings of one family inside one window."""
    move_weight: int = 200
    """Cost of moving an announced meeting, in days of needless earliness."""
    max_cut_rounds: int = 5
    seed: int = 1


@dataclass
class FamilyState:
    prev: int
    prev_is_meeting: bool
    count: int = 0


@dataclass(frozen=True)
class Candidate:
    """A possible next meeting of one family inside the current window."""

    family: int
    order: int
    """0 = the family's next meeting, 1 = the one after, ..."""
    days: tuple[int, ...]


@dataclass
class WindowStats:
    first_day: int
    candidates: int
    booleans: int
    status_lateness: str
    status_secondary: str
    lateness: int
    objective: float
    bound: float
    seconds: float
    cut_rounds: int = 0


@dataclass
class PackingResult:
    meetings: list[Meeting]
    windows: list[WindowStats] = field(default_factory=list)
    unplaced: list[tuple[str, int]] = field(default_factory=list)
    """(family_id, deadline day) for required follow-ups that found no day in the horizon."""
    stopped: bool = False
    seconds: float = 0.0

    @property
    def status(self) -> str:
        if self.stopped:
            return "STOPPED"
        if self.windows and all(w.status_lateness == "OPTIMAL" for w in self.windows):
            return "OPTIMAL" if all(w.status_secondary == "OPTIMAL" for w in self.windows) else "FEASIBLE"
        return "FEASIBLE" if self.windows else "EMPTY"

    @property
    def gap(self) -> float:
        """Relative gap of the secondary objective summed over windows (0 = proven best per window)."""
        value = sum(w.objective for w in self.windows)
        bound = sum(w.bound for w in self.windows)
        return 0.0 if value <= 0 else max(0.0, (value - bound) / value)


CONSTRAINTS = (
    "one_option_per_meeting",
    "chain_order",
    "max_interval_lateness",
    "daily_caps",
    "daily_minutes",
    "timing_cuts",
)


class WindowModel:
    """Which day each candidate meeting of one window takes (or OUT = later)."""

    def __init__(
        self,
        instance: PackingInstance,
        states: list[FamilyState],
        first_day: int,
        end_day: int,
        used: dict[tuple[str, int], tuple[int, int]],
        options: PackingOptions,
        cuts: Iterable[tuple[int, tuple[tuple[int, int], ...]]] = (),
        disabled: frozenset[str] = frozenset(),
    ) -> None:
        self.instance, self.states, self.options = instance, states, options
        self.first_day, self.end_day = first_day, end_day
        self.used = used
        self.cuts = list(cuts)
        self.model = cp_model.CpModel()
        self.candidates = self._candidates()
        self.x: list[dict[int, cp_model.IntVar]] = []
        self.out: list[cp_model.IntVar] = []
        for j, cand in enumerate(self.candidates):
            self.x.append({d: self.model.new_bool_var(f"x{j}_{d}") for d in cand.days})
            self.out.append(self.model.new_bool_var(f"out{j}"))
        self.late_bound = [self._late_bound(j) for j in range(len(self.candidates))]
        self.late = [self.model.new_int_var(0, self.late_bound[j], f"late{j}") for j in range(len(self.candidates))]
        self.is_late = [self.model.new_bool_var(f"islate{j}") for j in range(len(self.candidates))]
        for name in CONSTRAINTS:
            if name not in disabled:
                getattr(self, name)()

    # ------------------------------------------------------------------ candidates

    def _candidates(self) -> list[Candidate]:
        out = []
        for index, (family, state) in enumerate(zip(self.instance.families, self.states)):
            release = state.prev + (family.min_gap if state.prev_is_meeting else 0)
            gap = max(1, family.min_gap)
            for order in range(self.options.max_chain):
                earliest = max(release, self.first_day) + order * gap
                if earliest >= self.end_day:
                    break
                days = family.allowed_days[bisect_left(family.allowed_days, earliest): bisect_left(family.allowed_days, self.end_day)]
                if not days:
                    break
                out.append(Candidate(index, order, days))
        return out

    def family(self, j: int) -> FamilyDemand:
        return self.instance.families[self.candidates[j].family]

    def day_value(self, j: int) -> cp_model.LinearExpr:
        """The chosen day, or ``end_day`` when the meeting is left for a later window."""
        days = list(self.x[j].items())
        return cp_model.LinearExpr.weighted_sum([v for _, v in days] + [self.out[j]], [d for d, _ in days] + [self.end_day])

    def _late_bound(self, j: int) -> int:
        cand = self.candidates[j]
        if cand.order == 0:
            return max(1, self.end_day - (self.states[cand.family].prev + self.family(j).max_gap))
        return max(1, self.end_day - self.first_day)

    def predecessor(self, j: int) -> int | None:
        return j - 1 if self.candidates[j].order > 0 else None

    def deadline(self, j: int):
        family = self.family(j)
        before = self.predecessor(j)
        if before is None:
            return self.states[self.candidates[j].family].prev + family.max_gap
        return self.day_value(before) + family.max_gap

    # ------------------------------------------------------------------ constraints

    def one_option_per_meeting(self) -> None:
        """Each candidate takes exactly one allowed day, or is left for later."""
        for j in range(len(self.candidates)):
            self.model.add_exactly_one(list(self.x[j].values()) + [self.out[j]])

    def chain_order(self) -> None:
        """A family's meetings come in order and at least the rule's minimum interval apart."""
        for j in range(len(self.candidates)):
            before = self.predecessor(j)
            if before is None:
                continue
            gap = max(1, self.family(j).min_gap)
            self.model.add_implication(self.out[before], self.out[j])
            self.model.add(self.day_value(j) >= self.day_value(before) + gap).only_enforce_if(self.out[j].Not())

    def max_interval_lateness(self) -> None:
        """Lateness is the days past the legal deadline (prev + max interval), also when left for later."""
        for j in range(len(self.candidates)):
            self.model.add(self.late[j] >= self.day_value(j) - self.deadline(j))
            self.model.add(self.late[j] <= self.late_bound[j] * self.is_late[j])

    def daily_caps(self) -> None:
        """No one attends more meetings a day than their cap (meetings already fixed included)."""
        for (person, day), terms in self._person_day_terms().items():
            cap = self.instance.staff_cap[person] - self.used.get((person, day), (0, 0))[0]
            if len(terms) > cap:
                self.model.add(sum(v for v, _ in terms) <= max(0, cap))

    def daily_minutes(self) -> None:
        """Everyone's meetings on a day fit inside the meeting hours."""
        for (person, day), terms in self._person_day_terms().items():
            room = self.instance.day_minutes - self.used.get((person, day), (0, 0))[1]
            if sum(minutes for _, minutes in terms) > room:
                self.model.add(sum(v * minutes for v, minutes in terms) <= max(0, room))

    def timing_cuts(self) -> None:
        """Sets of meetings that cannot be given start times together on a day may not all take it."""
        for day, members in self.cuts:
            literals = []
            for family, order in members:
                j = self._index.get((family, order))
                if j is not None and day in self.x[j]:
                    literals.append(self.x[j][day])
            if literals and len(literals) == len(members):
                self.model.add(sum(literals) <= len(literals) - 1)

    # ------------------------------------------------------------------ helpers

    @property
    def _index(self) -> dict[tuple[int, int], int]:
        return {(c.family, c.order): j for j, c in enumerate(self.candidates)}

    def _person_day_terms(self) -> dict[tuple[str, int], list[tuple[cp_model.IntVar, int]]]:
        if not hasattr(self, "_terms"):
            terms: dict[tuple[str, int], list] = defaultdict(list)
            for j, cand in enumerate(self.candidates):
                family = self.instance.families[cand.family]
                for day, var in self.x[j].items():
                    for person in family.attendees:
                        terms[(person, day)].append((var, family.minutes))
            self._terms = terms
        return self._terms

    def lateness_expression(self) -> cp_model.LinearExpr:
        weight = 1 + sum(self.late_bound)
        return weight * sum(self.is_late) + sum(self.late)

    def secondary_expression(self, previous_day: dict[tuple[int, int], int]) -> cp_model.LinearExpr:
        """Moves of announced meetings, then days earlier than the deadline."""
        terms = []
        for j, cand in enumerate(self.candidates):
            family = self.family(j)
            # days of needless earliness: deadline minus chosen day, for meetings held in this window
            earliness = self.deadline(j) - self.day_value(j)
            slack = self.model.new_int_var(0, family.max_gap + self.end_day, f"early{j}")
            self.model.add(slack >= earliness).only_enforce_if(self.out[j].Not())
            terms.append(slack)
            announced = previous_day.get((cand.family, cand.order))
            if announced is not None:
                kept = self.x[j].get(announced)
                terms.append(self.options.move_weight * (1 - kept) if kept is not None else self.options.move_weight)
        return sum(terms)

    def booleans(self) -> int:
        return sum(len(v) + 1 for v in self.x)


class RollingPacker:
    """Runs the windows over the horizon and keeps each family's chain state."""

    def __init__(self, instance: PackingInstance, options: PackingOptions = PackingOptions(),
                 progress: ProgressCallback = no_progress, stop: StopToken | None = None) -> None:
        self.instance, self.options = instance, options
        self.progress, self.stop = progress, stop or StopToken()
        self.states = [FamilyState(f.prev_day, f.prev_is_meeting) for f in instance.families]
        self.used: dict[tuple[str, int], tuple[int, int]] = {}
        self.meetings: list[Meeting] = []
        self.fixed_starts: dict[int, list[tuple[tuple[str, ...], int, int]]] = defaultdict(list)
        self._take_fixed()

    def _take_fixed(self) -> None:
        index = self.instance.family_index
        for meeting in sorted(self.instance.fixed, key=lambda m: m.day):
            i = index.get(meeting.family_id)
            if i is not None:
                offset = meeting.start_minute - self.instance.hours.start_minute
                self._book(i, self.instance.number(meeting.day), offset, meeting.meeting_id)

    def _book(self, i: int, day: int, offset: int, meeting_id: str | None = None) -> None:
        family, state = self.instance.families[i], self.states[i]
        deadline = state.prev + family.max_gap
        for person in family.attendees:
            count, minutes = self.used.get((person, day), (0, 0))
            self.used[(person, day)] = (count + 1, minutes + family.minutes)
        self.fixed_starts[day].append((family.attendees, offset, family.minutes))
        start = self.instance.hours.start_minute + offset
        state.count += 1
        announced = self.instance.previous.get(family.family_id, [])
        if meeting_id is None:
            meeting_id = announced[state.count - 1].meeting_id if len(announced) >= state.count else \
                f"{family.family_id}-{state.count:02d}"
        self.meetings.append(
            Meeting(meeting_id, family.family_id, self.instance.day(day), start, start + family.minutes,
                    family.attendees, family.rule_id, self.instance.day(deadline), max(0, day - deadline))
        )
        state.prev, state.prev_is_meeting = day, True

    def _previous_days(self) -> dict[tuple[int, int], int]:
        """Announced day of each family's next meetings, keyed like the candidates (family, order)."""
        out = {}
        for i, family in enumerate(self.instance.families):
            announced = self.instance.previous.get(family.family_id)
            if not announced:
                continue
            done = self.states[i].count
            for order, meeting in enumerate(announced[done: done + self.options.max_chain]):
                out[(i, order)] = self.instance.number(meeting.day)
        return out

    def _solve(self, window: WindowModel, hint: dict[tuple[int, int], int], previous_day: dict) -> tuple:
        """Phase 1 then phase 2; returns (chosen days per candidate, stats fields)."""
        model = window.model
        for j, cand in enumerate(window.candidates):
            day = hint.get((self.instance.families[cand.family].family_id, self.states[cand.family].count + cand.order))
            if day is not None and day in window.x[j]:
                model.add_hint(window.x[j][day], 1)
        lateness = window.lateness_expression()
        model.minimize(lateness)
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = self.options.seconds_per_window
        solver.parameters.num_workers = self.options.workers
        solver.parameters.random_seed = self.options.seed
        self.stop.attach(solver)
        first = solver.solve(model)
        if first not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            self.stop.detach()
            raise RuntimeError(f"window at day {window.first_day}: no solution ({solver.status_name(first)})")
        chosen = self._read(window, solver)
        best_lateness = int(solver.objective_value)
        second, objective, bound = first, 0.0, 0.0
        if not self.stop.stopped:
            model.clear_hints()
            for j, day in enumerate(chosen):
                for d, var in window.x[j].items():
                    model.add_hint(var, 1 if d == day else 0)
                model.add_hint(window.out[j], 1 if day is None else 0)
            model.add(lateness <= best_lateness)
            model.minimize(window.secondary_expression(previous_day))
            solver.parameters.max_time_in_seconds = self.options.seconds_per_window / 2
            second = solver.solve(model)
            if second in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                chosen = self._read(window, solver)
                objective, bound = solver.objective_value, solver.best_objective_bound
        self.stop.detach()
        return chosen, solver.status_name(first), solver.status_name(second), best_lateness, objective, bound

    @staticmethod
    def _read(window: WindowModel, solver: cp_model.CpSolver) -> list[int | None]:
        chosen = []
        for j in range(len(window.candidates)):
            day = next((d for d, v in window.x[j].items() if solver.boolean_value(v)), None)
            chosen.append(day)
        return chosen

    def _time_days(self, window: WindowModel, chosen: list[int | None], commit_end: int):
        """Start offsets for the committed meetings, and a cut for every day that cannot be timed."""
        per_day: dict[int, list[int]] = defaultdict(list)
        for j, day in enumerate(chosen):
            if day is not None and day < commit_end:
                per_day[day].append(j)
        offsets: dict[int, int] = {}
        cuts = []
        for day, members in sorted(per_day.items()):
            tasks = [DayTask(("fixed", n), people, minutes, fixed_start=offset)
                     for n, (people, offset, minutes) in enumerate(self.fixed_starts.get(day, []))]
            for j in members:
                family = window.family(j)
                announced = self.instance.previous.get(family.family_id, [])
                seq = self.states[window.candidates[j].family].count + window.candidates[j].order
                preferred = None
                if seq < len(announced) and self.instance.number(announced[seq].day) == day:
                    preferred = announced[seq].start_minute - self.instance.hours.start_minute
                tasks.append(DayTask(j, family.attendees, family.minutes, preferred_start=preferred))
            starts = time_day(tasks, self.instance.day_minutes, self.instance.hours.step_minutes)
            if starts is None:
                cuts.append((day, tuple((window.candidates[j].family, window.candidates[j].order) for j in members)))
            else:
                offsets.update({j: starts[j] for j in members})
        return offsets, cuts

    def _commit(self, window: WindowModel, chosen: list[int | None], offsets: dict[int, int], commit_end: int) -> None:
        """Book the timed meetings before ``commit_end``; a family's chain stops at its first untimed meeting."""
        broken: set[int] = set()
        for j, cand in enumerate(window.candidates):  # candidates are in chain order per family
            day = chosen[j]
            if cand.family in broken or day is None or day >= commit_end:
                continue
            if j not in offsets:
                broken.add(cand.family)
                continue
            self._book(cand.family, day, offsets[j])

    def run(self) -> PackingResult:
        began = clock_time.perf_counter()
        options, n_days = self.options, self.instance.n_days
        result = PackingResult(meetings=self.meetings)
        hint: dict[tuple[str, int], int] = {}
        first_day = 0
        while first_day < n_days:
            if self.stop.stopped:
                result.stopped = True
                break
            end_day = min(first_day + options.window_days, n_days)
            commit_end = n_days if end_day >= n_days else min(first_day + options.commit_days, n_days)
            self.progress(first_day / n_days, f"Planlægger fra {self.instance.day(first_day):%d.%m.%Y}")
            cuts: list = []
            previous_day = self._previous_days()
            window_began = clock_time.perf_counter()
            for _ in range(options.max_cut_rounds + 1):
                window = WindowModel(self.instance, self.states, first_day, end_day, self.used, options, cuts)
                chosen, status1, status2, lateness, objective, bound = self._solve(window, hint, previous_day)
                offsets, new_cuts = self._time_days(window, chosen, commit_end)
                if not new_cuts or self.stop.stopped:
                    break
                cuts.extend(new_cuts)
            result.windows.append(WindowStats(first_day, len(window.candidates), window.booleans(), status1, status2,
                                              lateness, objective, bound, clock_time.perf_counter() - window_began,
                                              len(cuts)))
            hint = {}
            for cand, day in zip(window.candidates, chosen):
                if day is not None:
                    key = (self.instance.families[cand.family].family_id, self.states[cand.family].count + cand.order)
                    hint[key] = day
            self._commit(window, chosen, offsets, commit_end)
            first_day = commit_end
        for i, (family, state) in enumerate(zip(self.instance.families, self.states)):
            deadline = state.prev + family.max_gap
            if deadline < n_days and not result.stopped:
                result.unplaced.append((family.family_id, deadline))
        self.progress(1.0, "Færdig" if not result.stopped else "Stoppet")
        result.seconds = clock_time.perf_counter() - began
        return result


def pack_meetings(instance: PackingInstance, options: PackingOptions = PackingOptions(),
                  progress: ProgressCallback = no_progress, stop: StopToken | None = None) -> PackingResult:
    return RollingPacker(instance, options, progress, stop).run()
