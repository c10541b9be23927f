"""One CP-SAT model for the whole horizon: exact on small cases, the "plain model" baseline on large ones.

Every family gets enough optional meeting slots to cover the horizon; each has
a day, a start time and a presence literal.  It answers small questions exactly
(the what-if tests use it to prove minimality) and shows in the benchmarks why
the packer needs decomposition: past a few hundred families it finds no plan
in a minute.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from workbench.hard_rules import HardRule, add_constraints, constrains
from workbench.soft_terms import SoftTerm, objective
from workbench.solver import new_solver

from workbench.scheduling.instance import PackingInstance
from workbench.model import Meeting
from workbench.scheduling.stopping import StopToken

DAY = 24 * 60

CONSTRAINTS = (
    HardRule.MEETINGS_IN_ORDER,
    HardRule.MIN_INTERVAL,
    HardRule.DEADLINE,
    HardRule.MEETING_HOURS,
    HardRule.NO_DOUBLE_BOOKING,
    HardRule.DAILY_CAP,
)
"""The rules this model enforces, in the order their constraints are added.  Enforced by the variables
themselves: MEETING_LENGTH (fixed-size intervals), and through each family's allowed days (instance.py)
OPEN_DAY, WORKDAY, NOT_ABSENT, FAMILY_AVAILABLE, IN_PERIOD and AFTER_CASE_OPENS; ATTENDEES through the
family's attendees."""


@dataclass
class ExactResult:
    meetings: list[Meeting]
    status: str
    late: int | None
    """Late or missing follow-ups in the best plan found (None if none was found)."""
    days_late: int | None = None
    bound: float = 0.0
    seconds: float = 0.0
    unplaced: list[tuple[str, int]] = field(default_factory=list)

    @property
    def proven(self) -> bool:
        return self.status == "OPTIMAL"


class ExactModel:
    CONSTRAINTS = CONSTRAINTS

    def __init__(self, instance: PackingInstance, disabled: frozenset[HardRule] = frozenset()) -> None:
        self.instance = instance
        self.model = cp_model.CpModel()
        n = instance.n_days
        hours = instance.hours
        self.slots: list[list[dict]] = []
        for i, family in enumerate(instance.families):
            slots = []
            clock = family.clock
            release = family.first_release
            needed = not clock.complete(family.prev_day, family.prev_is_meeting, n)
            # enough slots for any sensible plan: at most one meeting per minimum interval, and never more than
            # twice as many as back-to-back maximum intervals need (a one-off needs one)
            count = 0 if not needed else 1 if not clock.repeat else min(
                (n - max(0, release)) // clock.shortest_step + 1, 2 * n // clock.shortest_gap + 2)
            days = [d for d in family.allowed_days if d >= max(0, release)]
            for k in range(count if days else 0):
                present = self.model.new_bool_var(f"p{i}_{k}")
                day = self.model.new_int_var_from_domain(cp_model.Domain.from_values(days), f"d{i}_{k}")
                begin = self.model.new_int_var(0, n * DAY, f"t{i}_{k}")
                interval = self.model.new_optional_fixed_size_interval_var(begin, family.minutes, present, f"m{i}_{k}")
                day_interval = self.model.new_optional_fixed_size_interval_var(day, 1, present, f"day{i}_{k}")
                late = self.model.new_int_var(0, n + 400, f"late{i}_{k}")
                is_late = self.model.new_bool_var(f"islate{i}_{k}")
                slots.append(dict(present=present, day=day, begin=begin, interval=interval, day_interval=day_interval,
                                  late=late, is_late=is_late))
            self.slots.append(slots)
        self.missing = [self.model.new_int_var(0, n + 400, f"missing{i}") for i in range(len(instance.families))]
        self.is_missing = [self.model.new_bool_var(f"ismissing{i}") for i in range(len(instance.families))]
        self.hours = hours
        add_constraints(self, CONSTRAINTS, disabled)
        self._objective()

    def timed(self, clock, day, at, name: str):
        """``at(day)`` of a meeting's day variable (its deadline or earliest next day): the arithmetic itself for
        a clock with one rule, a table over the horizon (an element constraint) for a clock whose rule switches."""
        if not clock.switches:
            return at(day)
        table = [at(d) for d in range(self.instance.n_days)]
        value = self.model.new_int_var(min(table), max(table), name)
        self.model.add_element(day, table, value)
        return value

    # ------------------------------------------------------------------ constraints

    @constrains(HardRule.MEETINGS_IN_ORDER)
    def meetings_in_order(self) -> None:
        """A family's optional meetings are used from the first one on, without gaps."""
        for slots in self.slots:
            for before, after in zip(slots, slots[1:]):
                self.model.add_implication(after["present"], before["present"])

    @constrains(HardRule.MIN_INTERVAL)
    def min_interval(self) -> None:
        """Consecutive follow-ups are at least the rule's minimum interval apart (also after the last one held)."""
        for i, (family, slots) in enumerate(zip(self.instance.families, self.slots)):
            clock = family.clock
            if slots and family.prev_is_meeting:
                self.model.add(slots[0]["day"] >= clock.earliest(family.prev_day, True)).only_enforce_if(
                    slots[0]["present"])
            for k, (before, after) in enumerate(zip(slots, slots[1:])):
                earliest = self.timed(clock, before["day"], lambda day: clock.earliest(day, True), f"earliest{i}_{k}")
                self.model.add(after["day"] >= earliest).only_enforce_if(after["present"])

    @constrains(HardRule.DEADLINE)
    def deadline(self) -> None:
        """Days past each deadline; and the last meeting held must carry the chain past the horizon."""
        n = self.instance.n_days
        for i, (family, slots) in enumerate(zip(self.instance.families, self.slots)):
            clock = family.clock
            due = [self.timed(clock, slot["day"], clock.deadline, f"due{i}_{k}") for k, slot in enumerate(slots)]
            for k, slot in enumerate(slots):
                before = clock.deadline(family.prev_day) if k == 0 else due[k - 1]
                self.model.add(slot["late"] >= slot["day"] - before).only_enforce_if(slot["present"])
                self.model.add(slot["late"] <= (n + 400) * slot["is_late"])
            # missing follow-up: the chain ends (last present meeting, or none) with its next deadline in the horizon
            if clock.complete(family.prev_day, family.prev_is_meeting, n):
                continue
            done = clock.end(n)  # nothing is due from here on: the horizon's (or a count window's) end
            if not slots:
                self.model.add(self.missing[i] >= done - clock.deadline(family.prev_day))
            else:
                self.model.add(self.missing[i] >= done - clock.deadline(family.prev_day)).only_enforce_if(
                    slots[0]["present"].Not())
                for k, slot in enumerate(slots if clock.repeat else ()):
                    ends_here = [slot["present"]] + ([slots[k + 1]["present"].Not()] if k + 1 < len(slots) else [])
                    self.model.add(self.missing[i] >= done - due[k]).only_enforce_if(ends_here)
            self.model.add(self.missing[i] <= (n + 400) * self.is_missing[i])

    @constrains(HardRule.MEETING_HOURS)
    def meeting_hours(self) -> None:
        """A meeting starts on its day, inside the meeting hours, on the time grid."""
        hours = self.hours
        step = hours.step_minutes
        for family, slots in zip(self.instance.families, self.slots):
            for k, slot in enumerate(slots):
                offset = self.model.new_int_var(0, (hours.end_minute - hours.start_minute - family.minutes) // step,
                                                f"o{family.family_id}_{k}")
                self.model.add(slot["begin"] == slot["day"] * DAY + hours.start_minute + offset * step)

    @constrains(HardRule.NO_DOUBLE_BOOKING)
    def no_double_booking(self) -> None:
        """Nobody is in two meetings at once."""
        for intervals in self._per_person("interval").values():
            if len(intervals) > 1:
                self.model.add_no_overlap(intervals)

    @constrains(HardRule.DAILY_CAP)
    def daily_cap(self) -> None:
        """Nobody attends more meetings a day than their cap (and never on a day they do not work)."""
        for person, intervals in self._per_person("day_interval").items():
            self.model.add_cumulative(intervals, [1] * len(intervals), self.instance.staff_cap[person])

    def _per_person(self, kind: str) -> dict[str, list]:
        out: dict[str, list] = {}
        for family, slots in zip(self.instance.families, self.slots):
            for slot in slots:
                for person in family.attendees:
                    out.setdefault(person, []).append(slot[kind])
        return out

    def _objective(self) -> None:
        late_flags = [s["is_late"] for slots in self.slots for s in slots] + self.is_missing
        late_days = [s["late"] for slots in self.slots for s in slots] + self.missing
        presence = [s["present"] for slots in self.slots for s in slots]
        # lexicographic: fewest days late in total, then fewest late meetings, then fewest meetings
        weight_count = len(presence) + 1
        weight_days = weight_count * (len(late_flags) + 1)
        self.soft_terms = [
            SoftTerm("Dage for sent i alt (også for manglende opfølgninger)", weight_days, sum(late_days)),
            SoftTerm("For sene eller manglende opfølgninger", weight_count, sum(late_flags)),
            SoftTerm("Møder i alt", 1, sum(presence)),
        ]
        self.model.minimize(objective(self.soft_terms))

    def late_expression(self):
        return sum(s["is_late"] for slots in self.slots for s in slots) + sum(self.is_missing)


def solve_exact(instance: PackingInstance, time_limit: float = 60.0, workers: int = 2,
                stop: StopToken | None = None, deterministic_time: float | None = None) -> ExactResult:
    """Fewest days late in total (then fewest late follow-ups, then fewest meetings), proven when OPTIMAL.

    ``deterministic_time`` limits the search by the work CP-SAT counts (one worker) instead of ``time_limit``
    seconds of wall clock: the same answer however busy the machine is."""
    began = time.perf_counter()
    model = ExactModel(instance)
    solver = new_solver(time_limit, workers, deterministic_time)
    if stop:
        stop.attach(solver)
    status = solver.solve(model.model)
    if stop:
        stop.detach()
    name = solver.status_name(status)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return ExactResult([], name, None, solver.best_objective_bound, time.perf_counter() - began)
    meetings, unplaced = [], []
    for i, (family, slots) in enumerate(zip(instance.families, model.slots)):
        prev, is_meeting = family.prev_day, family.prev_is_meeting
        k = 0
        for slot in slots:
            if not solver.boolean_value(slot["present"]):
                break
            k += 1
            day = solver.value(slot["day"])
            start = solver.value(slot["begin"]) - day * DAY
            deadline = family.clock.deadline(prev)
            meetings.append(Meeting(f"{family.id_prefix}-{k:02d}", family.family_id, instance.day(day), start,
                                    start + family.minutes, family.attendees, family.rule_id, instance.day(deadline),
                                    max(0, day - deadline), person_id=family.person_id))
            prev, is_meeting = day, True
        if not family.clock.complete(prev, is_meeting, instance.n_days):
            unplaced.append((family.chain_id, family.clock.deadline(prev)))
    late = int(round(sum(solver.value(v) for v in [s["is_late"] for sl in model.slots for s in sl] + model.is_missing)))
    days = int(sum(solver.value(v) for v in [s["late"] for sl in model.slots for s in sl] + model.missing))
    return ExactResult(meetings, name, late, days, solver.best_objective_bound, time.perf_counter() - began, unplaced)
