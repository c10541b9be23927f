"""Large-neighbourhood repair: free the meetings around a late follow-up and re-place them with CP-SAT.

The construction leaves a few follow-ups late where families compete for the
same people on the same days.  For each late follow-up we free it, its
neighbours in the family's chain, and the meetings that hold the same people
on nearby days, and let CP-SAT re-place them exactly (chain_model.py).  A
change is kept only if the plan as a whole gets better by ``score``: fewer days
late in total (or, with as many, fewer late follow-ups).  Neighbourhoods grow
when a small one does not help.

The hard rules are the chain model's (ChainModel.CONSTRAINTS: HardRule.ONE_PLACE_PER_MEETING, MIN_INTERVAL,
DEADLINE, DAILY_CAP, NO_DOUBLE_BOOKING); the book (construct.py's SlotBook) keeps DAILY_CAP and NO_DOUBLE_BOOKING
for the meetings that stay.  ``lateness`` and ``score`` recount HardRule.DEADLINE's days late.
"""

from __future__ import annotations

from typing import Callable

from collections import defaultdict
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from workbench.solver import new_solver

from workbench.scheduling.chain_model import ChainModel, Key
from workbench.scheduling.construct import Booking, SlotBook
from workbench.scheduling.instance import PackingInstance
from workbench.scheduling.stopping import StopToken
from workbench.scheduling.workclock import BOOKING, WorkClock, charge_solve, configure_solver


@dataclass(frozen=True)
class RepairOptions:
    levels: tuple[tuple[int, int], ...] = ((2, 60), (7, 150), (14, 300))
    """(days around the late meeting, most meetings freed) per attempt, smallest first."""
    seconds_per_attempt: float = 1.0
    reach: int = 14
    """How many days a freed meeting may move."""
    workers: int = 2
    seed: int = 1


@dataclass
class RepairStats:
    late_before: tuple[int, int] = (0, 0)
    late_after: tuple[int, int] = (0, 0)
    attempts: int = 0
    improved: int = 0
    seconds: float = 0.0
    statuses: dict[str, int] = field(default_factory=dict)


def lateness(instance: PackingInstance, chains: dict[int, list[Booking]]) -> list[tuple[int, int, int]]:
    """(family, position, days late) for every late meeting; position -1 = a follow-up missing at the end
    (days past each HardRule.DEADLINE)."""
    out = []
    for i, bookings in chains.items():
        family = instance.families[i]
        clock = family.clock
        prev, is_meeting = family.prev_day, family.prev_is_meeting
        for k, booking in enumerate(bookings):
            if clock.days_late(prev, booking.day):
                out.append((i, k, clock.days_late(prev, booking.day)))
            prev, is_meeting = booking.day, True
        if not clock.complete(prev, is_meeting, instance.n_days):
            out.append((i, -1, clock.end(instance.n_days) - clock.deadline(prev)))
    return out


def score(items: list[tuple[int, int, int]]) -> tuple[int, int]:
    """What the plan minimises, in order: total days late, then the number of late follow-ups.

    The one statement of the objective's order: the packer, the repair, the stable re-plan and the exact model
    (its soft terms) all follow it, and ``OBJECTIVE_DA`` says it to the team leader."""
    return sum(days for *_, days in items), len(items)


OBJECTIVE_DA = ("Planlæggeren gør først det samlede antal dage for sent så lille som muligt og derefter antallet "
                "af for sene opfølgninger.")
"""``score``'s order in one plain Danish sentence (the planning page and the command line)."""


class Repairer:
    def __init__(self, instance: PackingInstance, chains: dict[int, list[Booking]], book: SlotBook,
                 options: RepairOptions = RepairOptions(), stop: StopToken | None = None,
                 locked: set[Key] | None = None, clock: WorkClock | None = None,
                 announced: dict[int, dict[int, int]] | None = None, targets: set[int] | None = None,
                 on_attempt: Callable[[], object] | None = None) -> None:
        """``announced``: per family, announced day -> time block; moving away from one is avoided (re-planning).
        ``targets``: only late follow-ups of these families are repaired (default: all).  ``on_attempt`` is
        called after each attempt (the page's progress bar)."""
        self.on_attempt = on_attempt or (lambda: None)
        self.instance, self.chains, self.book, self.options = instance, chains, book, options
        self.clock = clock or WorkClock(deterministic=False)
        self.announced = announced
        self.targets = targets
        self.stop = stop or StopToken()
        self.locked = locked or set()
        """Meetings that may not move (the freeze window of a re-plan)."""
        self.at: dict[tuple[str, int], set[Key]] = defaultdict(set)
        for i, bookings in chains.items():
            for k, booking in enumerate(bookings):
                for person in instance.families[i].attendees:
                    self.at[(person, booking.day)].add((i, k))

    def _neighbourhood(self, family_index: int, position: int, radius: int, limit: int) -> set[Key]:
        """The late meeting with its chain neighbours, and the meetings that hold the same people on the days
        these could move to (within ``radius`` of the legal band or of the neighbour's day), with their own chain
        neighbours so whole chains can shift.  Closest first, at most ``limit``."""
        bookings = self.chains[family_index]
        if not bookings:
            return set()
        family = self.instance.families[family_index]
        k = position if position >= 0 else len(bookings) - 1
        prev = bookings[k - 1].day if k > 0 else family.prev_day
        low, high = family.clock.band(prev, k > 0 or family.prev_is_meeting)
        high = high if position >= 0 else self.instance.n_days - 1
        core = {(family_index, q) for q in (k - 1, k, k + 1) if 0 <= q < len(bookings)}
        reach_back = family.clock.longest_gap - family.min_gap  # a heuristic span: the loosest version's band
        spans = [(low, high)] + [(bookings[q].day - reach_back, bookings[q].day + self.options.reach)
                                 for _, q in core]
        # in the legal band, the days on which the rest of the chain can still be kept come first
        viable_in_band = {day for day in range(low, high + 1) if day in family.viable_days}
        nearby: list[tuple[int, Key]] = []
        for person in family.attendees:
            for first, last in spans:
                for day in range(first - radius, last + radius + 1):
                    distance = max(0, first - day, day - last)
                    if viable_in_band and day not in viable_in_band:
                        distance += 1
                    for key in self.at.get((person, day), ()):
                        nearby.append((distance, key))
        chosen = set(core)
        for _, key in sorted(nearby):
            if len(chosen) >= limit:
                break
            chosen.add(key)
            other = self.chains[key[0]]
            for q in (key[1] - 1, key[1] + 1):
                if 0 <= q < len(other) and len(chosen) < limit:
                    chosen.add((key[0], q))
        return chosen - self.locked

    def _move(self, key: Key, booking: Booking, add: bool) -> None:
        family = self.instance.families[key[0]]
        if add:
            self.book.book(family, booking.day, {booking.slot})
        else:
            self.book.release(family, booking.day, {booking.slot})
        for person in family.attendees:
            (self.at[(person, booking.day)].add if add else self.at[(person, booking.day)].discard)(key)

    def _attempt(self, free: set[Key], radius: int, seconds: float) -> tuple[bool, str]:
        before = score(lateness(self.instance, self.chains))
        old = {key: self.chains[key[0]][key[1]] for key in free}
        for key, booking in old.items():
            self._move(key, booking, add=False)
        self.clock.charge(2 * BOOKING * len(old))
        model = ChainModel(self.instance, self.chains, free, self.book, reach=self.options.reach,
                           announced=self.announced)
        model.hint_current()
        model.minimize(model.disruption_terms() if self.announced else model.lateness_terms())
        solver = new_solver()
        configure_solver(solver, seconds, self.clock, self.options.workers, self.options.seed)
        self.stop.attach(solver)
        status = solver.solve(model.model)
        self.stop.detach()
        charge_solve(self.clock, solver, model.size())
        name = solver.status_name(status)
        new = model.read(solver) if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else {}
        if len(new) == len(free):
            for key, booking in new.items():
                self.chains[key[0]][key[1]] = booking
            if score(lateness(self.instance, self.chains)) < before:
                for key, booking in new.items():
                    self._move(key, booking, add=True)
                return True, name
            for key, booking in old.items():
                self.chains[key[0]][key[1]] = booking
        for key, booking in old.items():
            self._move(key, booking, add=True)
        return False, name

    def run(self, seconds: float) -> RepairStats:
        clock = self.clock
        began = clock.now()
        stats = RepairStats(late_before=score(lateness(self.instance, self.chains)))
        statuses: dict[str, int] = defaultdict(int)
        hopeless: set[tuple[int, int]] = set()
        while not self.stop.stopped:
            items = [item for item in lateness(self.instance, self.chains) if item[:2] not in hopeless
                     and (self.targets is None or item[0] in self.targets)]
            if not items:
                break
            family_index, position, _ = min(items, key=lambda item: self._day(item))
            helped = False
            for radius, limit in self.options.levels:
                left = seconds - (clock.now() - began)
                if left <= 0.05:
                    break
                free = self._neighbourhood(family_index, position, radius, limit)
                if not free:
                    break
                stats.attempts += 1
                helped, name = self._attempt(free, radius, min(self.options.seconds_per_attempt, left))
                self.on_attempt()
                statuses[name] += 1
                if helped:
                    stats.improved += 1
                    break
            if not helped:
                hopeless.add((family_index, position))
            if seconds - (clock.now() - began) <= 0.05:
                break
        stats.late_after = score(lateness(self.instance, self.chains))
        stats.seconds = clock.now() - began
        stats.statuses = dict(statuses)
        return stats

    def _day(self, item: tuple[int, int, int]) -> int:
        family_index, position, _ = item
        bookings = self.chains[family_index]
        return bookings[position].day if bookings and position >= 0 else self.instance.n_days
