"""CP-SAT model that re-places a chosen set of meetings, everything else held fixed.

Used by the repair (repair.py): the meetings around a late follow-up are
freed and re-placed exactly, on days and time blocks, so that as few meetings
as possible are late.  A freed meeting keeps its place in its family's chain;
its neighbours in the chain may be freed too or stay where they are.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ortools.sat.python import cp_model

from workbench.hard_rules import HardRule, add_constraints, constrains
from workbench.scheduling.construct import Booking, SlotBook
from workbench.scheduling.instance import PackingInstance
from workbench.soft_terms import SoftTerm, objective

Key = tuple[int, int]
"""(family index, position of the meeting in the family's chain)."""

CONSTRAINTS = (
    HardRule.ONE_PLACE_PER_MEETING,
    HardRule.MIN_INTERVAL,
    HardRule.DEADLINE,
    HardRule.DAILY_CAP,
    HardRule.NO_DOUBLE_BOOKING,
)
"""The rules this model enforces, in the order their constraints are added.  Enforced by the options
themselves (``_options``): the time blocks lie inside the meeting hours and last the meeting's length
(MEETING_HOURS, MEETING_LENGTH, from the SlotBook), and only the family's allowed days are offered (OPEN_DAY,
WORKDAY, NOT_ABSENT, FAMILY_AVAILABLE, IN_PERIOD, AFTER_CASE_OPENS)."""


@dataclass(frozen=True)
class Neighbour:
    day: int
    is_meeting: bool
    """False for the anchor of a new case (no minimum interval before the first meeting)."""


class ChainModel:
    """Which day and time block each freed meeting takes."""

    CONSTRAINTS = CONSTRAINTS

    def __init__(self, instance: PackingInstance, chains: dict[int, list[Booking]], free: set[Key], book: SlotBook,
                 reach: int = 21, disabled: frozenset[HardRule] = frozenset(),
                 announced: dict[int, dict[int, int]] | None = None) -> None:
        """``book`` must hold every booking except the freed ones; ``reach`` bounds how far (days) a meeting moves;
        ``announced``: per family, announced day -> time block (re-planning: leaving one counts as a move)."""
        self.instance, self.chains, self.free, self.book = instance, chains, sorted(free), book
        self.announced = announced or {}
        self.freed = set(free)
        self.model = cp_model.CpModel()
        self.x: dict[Key, dict[tuple[int, int], cp_model.IntVar]] = {}
        self.late: dict[Key, cp_model.IntVar] = {}
        self.is_late: dict[Key, cp_model.IntVar] = {}
        self.soft_terms: list[SoftTerm] = []
        """The terms of the objective set by ``minimize`` (explain_objective reads them)."""
        for key in self.free:
            self.x[key] = {}
            for day, slot in self._options(key, reach):
                self.x[key][(day, slot)] = self.model.new_bool_var(f"x{key}_{day}_{slot}")
        add_constraints(self, CONSTRAINTS, disabled)

    # ------------------------------------------------------------------ chain neighbours

    def previous(self, key: Key) -> Neighbour | None:
        family_index, k = key
        if k > 0:
            return Neighbour(self.chains[family_index][k - 1].day, True)
        family = self.instance.families[family_index]
        return Neighbour(family.prev_day, family.prev_is_meeting)

    def next_key(self, key: Key) -> Key | None:
        family_index, k = key
        return (family_index, k + 1) if k + 1 < len(self.chains[family_index]) else None

    def _options(self, key: Key, reach: int) -> list[tuple[int, int]]:
        family_index, k = key
        family = self.instance.families[family_index]
        current = self.chains[family_index][k].day
        low, high = max(0, current - reach), min(self.instance.n_days - 1, current + reach)
        prev = self.previous(key)
        clock = family.clock
        if prev is not None and clock.days_late(prev.day, current):
            low = max(0, min(low, prev.day - reach))  # a late meeting may move all the way back into its band
        if prev is not None and (family_index, k - 1) not in self.freed:
            low = max(low, clock.earliest(prev.day, prev.is_meeting))
        nxt = self.next_key(key)
        if nxt is not None and nxt not in self.freed:
            high = min(high, clock.last_prev_for(self.chains[family_index][k + 1].day))
        allowed = family.allowed_days
        out = []
        for day in allowed:
            if low <= day <= high:
                busy = 0
                blocked = False
                for person in family.attendees:
                    mask = self.book.busy.get((person, day), 0)
                    if mask.bit_count() >= self.instance.staff_cap[person]:
                        blocked = True
                        break
                    busy |= mask
                if blocked:
                    continue
                out.extend((day, slot) for slot in range(self.book.n_slots) if not busy >> slot & 1)
        return out

    def day_value(self, key: Key) -> cp_model.LinearExpr:
        options = self.x[key]
        return cp_model.LinearExpr.weighted_sum(list(options.values()), [day for day, _ in options])

    def day_of(self, key: Key):
        """The meeting's day: a variable expression if freed, else its fixed day."""
        return self.day_value(key) if key in self.x else self.chains[key[0]][key[1]].day

    def timed(self, key: Key, at):
        """``at(day)`` of the meeting's day (its deadline or earliest next day): for a clock whose rule switches,
        weighted by the freed meeting's options, so the switch stays exact; else ``at`` of the day expression."""
        clock = self.instance.families[key[0]].clock
        if key not in self.x or not clock.switches:
            return at(self.day_of(key))
        options = self.x[key]
        return cp_model.LinearExpr.weighted_sum(list(options.values()), [at(day) for day, _ in options])

    # ------------------------------------------------------------------ constraints

    @constrains(HardRule.ONE_PLACE_PER_MEETING)
    def one_place_per_meeting(self) -> None:
        """Every freed meeting takes exactly one day and time block."""
        for key, options in self.x.items():
            self.model.add_exactly_one(options.values())

    @constrains(HardRule.MIN_INTERVAL)
    def min_interval(self) -> None:
        """Consecutive meetings of a family stay at least the minimum interval apart, in order."""
        for key in self.x:
            family = self.instance.families[key[0]]
            prev = self.previous(key)
            if prev is not None:
                clock = family.clock
                earliest = clock.earliest(prev.day, prev.is_meeting) if key[1] == 0 else \
                    self.timed((key[0], key[1] - 1), lambda day: clock.earliest(day, True))
                self.model.add(self.day_value(key) >= earliest)
            nxt = self.next_key(key)
            if nxt is not None and nxt not in self.x:
                self.model.add(self.chains[nxt[0]][nxt[1]].day >=
                               self.timed(key, lambda day: family.clock.earliest(day, True)))

    @constrains(HardRule.DEADLINE)
    def deadline(self) -> None:
        """Days past each deadline, for the freed meetings and the fixed ones right after them,
        and a missing follow-up when a family's last meeting leaves its next deadline inside the horizon."""
        n_days = self.instance.n_days
        for key in self.x:
            family = self.instance.families[key[0]]
            prev = self.previous(key)
            clock = family.clock
            due = clock.deadline(prev.day) if key[1] == 0 else self.timed((key[0], key[1] - 1), clock.deadline)
            self._late_term(key, self.day_value(key) - due)
            nxt = self.next_key(key)
            if nxt is None:
                if clock.repeat:  # a follow-up missing at the end counts until the horizon ends
                    self._late_term((key[0], -1), clock.end(n_days) - self.timed(key, clock.deadline))
            elif nxt not in self.x:
                self._late_term(nxt, self.chains[nxt[0]][nxt[1]].day - self.timed(key, clock.deadline))

    def _late_term(self, key: Key, expression) -> None:
        bound = self.instance.n_days + 400
        late = self.model.new_int_var(0, bound, f"late{key}")
        is_late = self.model.new_bool_var(f"islate{key}")
        self.model.add(late >= expression)
        self.model.add(late <= bound * is_late)
        self.late[key], self.is_late[key] = late, is_late

    @constrains(HardRule.DAILY_CAP)
    def daily_cap(self) -> None:
        """Nobody attends more meetings a day than their cap, counting the meetings that stay."""
        per_day: dict[tuple[str, int], list] = defaultdict(list)
        for key, options in self.x.items():
            for person in self.instance.families[key[0]].attendees:
                for (day, _), var in options.items():
                    per_day[(person, day)].append(var)
        for (person, day), variables in per_day.items():
            room = self.instance.staff_cap[person] - self.book.busy.get((person, day), 0).bit_count()
            if len(variables) > room:
                self.model.add(sum(variables) <= room)

    @constrains(HardRule.NO_DOUBLE_BOOKING)
    def no_double_booking(self) -> None:
        """Nobody is in two meetings in the same time block."""
        per_block: dict[tuple[str, int, int], list] = defaultdict(list)
        for key, options in self.x.items():
            for person in self.instance.families[key[0]].attendees:
                for (day, slot), var in options.items():
                    per_block[(person, day, slot)].append(var)
        for variables in per_block.values():
            if len(variables) > 1:
                self.model.add_at_most_one(variables)

    # ------------------------------------------------------------------ objective and results

    def minimize(self, terms: list[SoftTerm]) -> None:
        """Minimise the weighted sum of ``terms`` (e.g. ``lateness_terms()``); they are kept to explain the cost."""
        self.soft_terms = list(terms)
        self.model.minimize(objective(self.soft_terms))

    def lateness_terms(self, scale: int = 1) -> list[SoftTerm]:
        """Fewest days late in total first, then fewest late meetings (every weight times ``scale``)."""
        weight = 1 + len(self.is_late)
        return [SoftTerm("Dage for sent i alt (også for manglende opfølgninger)", scale * weight,
                         sum(self.late.values())),
                SoftTerm("For sene eller manglende opfølgninger", scale, sum(self.is_late.values()))]

    def lateness_objective(self) -> cp_model.LinearExpr:
        """Fewest days late in total first, then fewest late meetings."""
        return objective(self.lateness_terms())

    def kept_announced(self) -> list[cp_model.IntVar]:
        """One literal per announced spot a freed meeting of its family can take (re-planning)."""
        kept = []
        for key, options in self.x.items():
            spots = self.announced.get(key[0], {})
            kept += [var for (day, slot), var in options.items() if spots.get(day) == slot]
        return kept

    def disruption_terms(self) -> list[SoftTerm]:
        """Lateness first, then as many freed meetings as possible on an announced day and time."""
        kept = self.kept_announced()
        return self.lateness_terms(1 + len(kept)) + [SoftTerm("Møder, der beholder deres udmeldte tid", -1,
                                                              sum(kept))]

    def disruption_objective(self) -> cp_model.LinearExpr:
        """Lateness first, then as many freed meetings as possible on an announced day and time."""
        return objective(self.disruption_terms())

    def hint_current(self) -> None:
        for key, options in self.x.items():
            booking = self.chains[key[0]][key[1]]
            for (day, slot), var in options.items():
                self.model.add_hint(var, 1 if (day, slot) == (booking.day, booking.slot) else 0)

    def read(self, solver: cp_model.CpSolver) -> dict[Key, Booking]:
        out = {}
        for key, options in self.x.items():
            for (day, slot), var in options.items():
                if solver.boolean_value(var):
                    out[key] = Booking(day, slot)
        return out

    def size(self) -> int:
        return sum(len(v) for v in self.x.values())
