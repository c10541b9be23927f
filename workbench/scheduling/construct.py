"""Time blocks and hard capacity: laying a family's chain of follow-ups into the calendar.

The negotiation (negotiate.py) decides days with soft capacities; here they
become real bookings: every meeting takes a time block in which all its
attendees are free, and nobody goes over their daily cap.  A family that no
longer fits is laid again depth-first (each meeting on the latest day of its
legal band that keeps the rest of the chain possible, backtracking a little),
and if that fails, room is made by ejection chains: the families that fill its
people's days are taken out, it is laid, and they are laid again.  Only what
still does not fit is laid with the least lateness and handed to the CP-SAT
repair (repair.py).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from workbench import clocks
from workbench.scheduling.instance import FamilyDemand, PackingInstance
from workbench.scheduling.workclock import BOOKING, DAY_LOOKED_AT, WorkClock


@dataclass(frozen=True)
class Booking:
    day: int
    slot: int


class SlotBook:
    """Who is busy in which time block of which day.

    The meeting hours are cut into blocks as long as the longest meeting; a meeting takes one block that is
    free for every attendee, so any booked day can be given concrete times without double booking.

    Hard rules it keeps (workbench/hard_rules.py): HardRule.NO_DOUBLE_BOOKING (one meeting per person and block),
    HardRule.DAILY_CAP (no block for a person whose blocks that day reach their cap), HardRule.MEETING_HOURS and
    HardRule.MEETING_LENGTH (the blocks lie inside the meeting hours and are as long as the longest meeting).
    """

    def __init__(self, instance: PackingInstance) -> None:
        self.instance = instance
        longest = max((f.minutes for f in instance.families), default=60)
        step = instance.hours.step_minutes
        self.slot_minutes = -(-longest // step) * step
        self.n_slots = max(1, instance.day_minutes // self.slot_minutes)
        self.full = (1 << self.n_slots) - 1
        self.busy: dict[tuple[str, int], int] = {}
        """(person, day) -> bit mask of busy blocks."""

    def slot_start(self, slot: int) -> int:
        """Minutes after the start of the meeting hours."""
        return slot * self.slot_minutes

    def slots_of(self, start: int, minutes: int) -> set[int]:
        """Blocks touched by a meeting at ``start`` (minutes after the start of the meeting hours)."""
        return {k for k in range(self.n_slots)
                if start < (k + 1) * self.slot_minutes and k * self.slot_minutes < start + minutes}

    def free_slot(self, family: FamilyDemand, day: int) -> int | None:
        """The first block free for every attendee, if nobody is at their daily cap (HardRule.DAILY_CAP,
        HardRule.NO_DOUBLE_BOOKING)."""
        cap, busy = self.instance.staff_cap, self.busy
        taken = 0
        for person in family.attendees:
            mask = busy.get((person, day), 0)
            if mask.bit_count() >= cap[person]:
                return None
            taken |= mask
        free = ~taken & self.full
        return (free & -free).bit_length() - 1 if free else None

    def slot_is_free(self, family: FamilyDemand, day: int, slot: int) -> bool:
        """``slot`` is free for every attendee and nobody is at their cap (HardRule.NO_DOUBLE_BOOKING,
        HardRule.DAILY_CAP)."""
        cap, busy = self.instance.staff_cap, self.busy
        return all(busy.get((p, day), 0).bit_count() < cap[p] and not busy.get((p, day), 0) >> slot & 1
                   for p in family.attendees)

    def book(self, family: FamilyDemand, day: int, slots: set[int]) -> None:
        self.book_people(family.attendees, day, slots)

    def book_people(self, people: tuple[str, ...], day: int, slots: set[int]) -> None:
        bits = sum(1 << k for k in slots)
        for person in people:
            self.busy[(person, day)] = self.busy.get((person, day), 0) | bits

    def release(self, family: FamilyDemand, day: int, slots: set[int]) -> None:
        bits = sum(1 << k for k in slots)
        for person in family.attendees:
            self.busy[(person, day)] = self.busy.get((person, day), 0) & ~bits


@dataclass
class Chain:
    """A family's meetings in the horizon (day and block), and whether they keep every deadline."""

    bookings: list[Booking] = field(default_factory=list)
    on_time: bool = True


@dataclass(frozen=True)
class ConstructOptions:
    options_per_meeting: int = 8
    """How many of the latest possible days a meeting may try before backtracking."""
    backtrack_budget: int = 400
    """Days tried per family before it is laid with lateness instead."""
    eject_depth: int = 3
    eject_days: int = 4
    """Days of the stuck band tried per ejection level."""
    eject_idle_passes: int = 8
    seed: int = 1


class ChainLayer:
    """Lays families' chains into a shared :class:`SlotBook`."""

    def __init__(self, instance: PackingInstance, book: SlotBook, options: ConstructOptions,
                 fixed: dict[int, list[Booking]] | None = None,
                 preferred: dict[int, list[int]] | None = None, clock: WorkClock | None = None) -> None:
        self.instance, self.book, self.options = instance, book, options
        self.clock = clock or WorkClock(deterministic=False)
        self.fixed = fixed or {}
        self.preferred = {i: frozenset(days) for i, days in (preferred or {}).items()}
        """Announced days per family: kept first when they are free (re-planning)."""
        self.allowed = [frozenset(f.allowed_days) for f in instance.families]
        self.stuck: dict[int, tuple[int, int]] = {}
        """Family -> the legal band (first, last day) where its deepest attempt found no free day."""

    def _start_state(self, i: int) -> tuple[int, bool, list[Booking]]:
        family = self.instance.families[i]
        fixed = self.fixed.get(i, [])
        if fixed:
            return fixed[-1].day, True, list(fixed)
        return family.prev_day, family.prev_is_meeting, []

    def _options(self, i: int, prev: int, prev_is_meeting: bool, viable_only: bool = False) -> list[tuple[int, int]]:
        """(day, block) choices for the next meeting, best first: an announced day, then viable latest days,
        then (unless ``viable_only``: laying on time) days that doom a later meeting.

        The band starts at the minimum interval (HardRule.MIN_INTERVAL) and ends at the deadline
        (HardRule.DEADLINE: a day past it is only taken by ``lay_with_lateness``); only the family's allowed days
        are tried (HardRule.OPEN_DAY, WORKDAY, NOT_ABSENT, FAMILY_AVAILABLE, AFTER_CASE_OPENS - see instance.py)
        and only a free block (SlotBook: DAILY_CAP, NO_DOUBLE_BOOKING)."""
        family = self.instance.families[i]
        low, high = family.clock.band(prev, prev_is_meeting)
        low = max(low, 0)
        high = min(high, self.instance.n_days - 1)
        allowed, viable = self.allowed[i], family.viable_days
        wishes = self.preferred.get(i, ())
        found, spare = [], []
        looked = 0
        for day in range(high, low - 1, -1):
            looked += 1
            if day not in allowed or (viable_only and day not in viable):
                continue
            slot = self.book.free_slot(family, day)
            if slot is None:
                continue
            if day in wishes:
                found.insert(0, (day, slot))
            elif day in viable:
                found.append((day, slot))
            else:
                spare.append((day, slot))
            if len(found) >= self.options.options_per_meeting + 1:
                break
        self.clock.charge(DAY_LOOKED_AT * looked)
        return (found + spare)[: self.options.options_per_meeting]

    def lay_on_time(self, i: int) -> Chain | None:
        """Depth-first: every meeting inside its legal band; None (nothing booked) if the budget runs out."""
        family = self.instance.families[i]
        prev, is_meeting, fixed = self._start_state(i)
        chain: list[Booking] = []
        tried: list[list[tuple[int, int]]] = []
        budget = self.options.backtrack_budget
        n_days = self.instance.n_days
        deepest = -1
        while not family.clock.complete(prev, is_meeting, n_days):
            if len(tried) == len(chain):
                tried.append(self._options(i, prev, is_meeting, viable_only=True))
                if not tried[-1] and len(chain) > deepest:
                    deepest = len(chain)
                    self.stuck[i] = family.clock.band(prev, is_meeting)
            if tried[-1] and budget > 0:
                budget -= 1
                self.clock.charge(2 * BOOKING)
                day, slot = tried[-1].pop(0)
                self.book.book(family, day, {slot})
                chain.append(Booking(day, slot))
                prev, is_meeting = day, True
                continue
            tried.pop()
            if not chain or budget <= 0:
                for booking in chain:
                    self.book.release(family, booking.day, {booking.slot})
                return None
            undone = chain.pop()
            self.book.release(family, undone.day, {undone.slot})
            prev, is_meeting = (chain[-1].day, True) if chain else self._start_state(i)[:2]
        return Chain(fixed + chain, True)

    def lay_with_lateness(self, i: int) -> Chain:
        """Each meeting on the latest free day of its band, else the earliest free day after the deadline."""
        family = self.instance.families[i]
        prev, is_meeting, fixed = self._start_state(i)
        chain: list[Booking] = []
        on_time = True
        n_days = self.instance.n_days
        while not family.clock.complete(prev, is_meeting, n_days):
            options = self._options(i, prev, is_meeting)
            if options:
                day, slot = options[0]
            else:
                on_time = False
                day, slot = self._first_after(i, family.clock.deadline(prev) + 1, max(prev + 1, 0))
                if day is None:
                    break
            self.book.book(family, day, {slot})
            chain.append(Booking(day, slot))
            prev, is_meeting = day, True
        return Chain(fixed + chain, on_time and family.clock.complete(prev, is_meeting, n_days))

    def _first_after(self, i: int, first: int, floor: int) -> tuple[int | None, int | None]:
        family = self.instance.families[i]
        for day in range(max(first, floor), self.instance.n_days):
            self.clock.charge(DAY_LOOKED_AT)
            if day in self.allowed[i]:
                slot = self.book.free_slot(family, day)
                if slot is not None:
                    return day, slot
        return None, None


class Ejector:
    """Ejection chains: make room for a family that does not fit by taking out the families that fill its
    people's day in the band where it got stuck, laying it, and laying those again (recursively, a few levels).
    A change is kept only if every family involved ends up on time; otherwise everything is put back."""

    def __init__(self, layer: ChainLayer, chains: dict[int, Chain], rng: random.Random, locked: set[int],
                 depth: int = 3, days_per_level: int = 4) -> None:
        self.layer, self.chains, self.rng, self.locked = layer, chains, rng, locked
        self.depth, self.days_per_level = depth, days_per_level
        self.instance = layer.instance
        self.at: dict[tuple[str, int], set[int]] = {}
        for i, chain in chains.items():
            self._index(i, chain, True)
        n_days = self.instance.n_days
        self.flexibility = {i: tightest_band(f, n_days) for i, f in enumerate(self.instance.families)}
        self.journal: list[tuple[str, int, Chain]] = []
        """Every take-out and put-in, so a failed attempt can be undone exactly."""

    def _index(self, i: int, chain: Chain, add: bool) -> None:
        for booking in chain.bookings:
            for person in self.instance.families[i].attendees:
                bucket = self.at.setdefault((person, booking.day), set())
                bucket.add(i) if add else bucket.discard(i)

    def take_out(self, i: int) -> Chain:
        chain = self.chains.pop(i)
        self.layer.clock.charge(BOOKING * len(chain.bookings))
        family = self.instance.families[i]
        for booking in chain.bookings[len(self.layer.fixed.get(i, [])):]:
            self.layer.book.release(family, booking.day, {booking.slot})
        self._index(i, chain, False)
        self.journal.append(("out", i, chain))
        return chain

    def put_in(self, i: int, chain: Chain, book: bool = True) -> None:
        """Record a chain as laid; ``book=False`` when its bookings are already in the book (fresh from the layer)."""
        family = self.instance.families[i]
        self.layer.clock.charge(BOOKING * len(chain.bookings))
        if book:
            for booking in chain.bookings[len(self.layer.fixed.get(i, [])):]:
                self.layer.book.book(family, booking.day, {booking.slot})
        self.chains[i] = chain
        self._index(i, chain, True)
        self.journal.append(("in", i, chain))

    def undo_to(self, mark: int) -> None:
        """Put the book and the chains back exactly as they were when the journal was ``mark`` long."""
        while len(self.journal) > mark:
            kind, i, chain = self.journal.pop()
            self.layer.clock.charge(BOOKING * len(chain.bookings))
            family = self.instance.families[i]
            own = chain.bookings[len(self.layer.fixed.get(i, [])):]
            if kind == "in":
                del self.chains[i]
                for booking in own:
                    self.layer.book.release(family, booking.day, {booking.slot})
                self._index(i, chain, False)
            else:
                self.chains[i] = chain
                for booking in own:
                    self.layer.book.book(family, booking.day, {booking.slot})
                self._index(i, chain, True)

    def _most_flexible(self, holders: list[int]) -> int:
        """The holder with the widest bands (most likely to fit elsewhere), ties at random."""
        return max(holders, key=lambda j: (self.flexibility[j], self.rng.random()))

    def _blockers(self, f: int, day: int) -> list[int]:
        """Families to take out so that ``f``'s whole team has room and a common block on ``day``: one holder
        for each person at their daily cap (HardRule.DAILY_CAP), then, if the team's free blocks still do not
        line up (HardRule.NO_DOUBLE_BOOKING), every holder of the block that the fewest families hold."""
        family = self.instance.families[f]
        book, cap = self.layer.book, self.instance.staff_cap
        out: list[int] = []
        for person in family.attendees:
            if book.busy.get((person, day), 0).bit_count() >= cap[person]:
                holders = sorted(self.at.get((person, day), set()) - set(out))
                if not holders:
                    return []
                out.append(self._most_flexible(holders))
        by_block: dict[int, set[int]] = {block: set() for block in range(book.n_slots)}
        for person in family.attendees:
            for j in self.at.get((person, day), ()):
                if j not in out:
                    by_block[self._block_of(j, day)].add(j)
        if all(by_block.values()):
            fewest = min(by_block.values(), key=lambda holders: (len(holders), self.rng.random()))
            out += sorted(fewest)
        return out

    def _block_of(self, j: int, day: int) -> int:
        return next(booking.slot for booking in self.chains[j].bookings if booking.day == day)

    def try_place(self, f: int, depth: int) -> bool:
        """Lay ``f`` (taken out of the book) on time, ejecting and re-laying its blockers up to ``depth`` levels.
        On failure everything is put back exactly as it was."""
        mark = len(self.journal)
        chain = self.layer.lay_on_time(f)
        if chain is not None:
            self.put_in(f, chain, book=False)
            return True
        if depth == 0:
            return False
        low, high = self.layer.stuck.get(f, (0, self.instance.n_days - 1))
        viable = self.instance.families[f].viable_days
        days = [d for d in range(max(0, low), min(high, self.instance.n_days - 1) + 1) if d in viable]
        self.rng.shuffle(days)
        for day in days[: self.days_per_level]:
            blockers = self._blockers(f, day)
            if not blockers or any(j in self.locked or j == f or j not in self.chains for j in blockers):
                continue
            for j in blockers:
                self.take_out(j)
            chain = self.layer.lay_on_time(f)
            if chain is not None:
                self.put_in(f, chain, book=False)
                if all(self.try_place(j, depth - 1) for j in blockers):
                    return True
            self.undo_to(mark)
        return False


def eject_and_relay(layer: ChainLayer, chains: dict[int, Chain], late: list[int], seconds: float,
                    rng: random.Random, locked: set[int] = frozenset(), should_stop=lambda: False) -> list[int]:
    """Try ejection chains for each late family, over and over while it helps; returns those still late."""
    clock = layer.clock
    began = clock.now()
    options = layer.options
    ejector = Ejector(layer, chains, rng, set(locked), options.eject_depth, options.eject_days)
    still = list(late)
    idle_passes = 0
    while still and idle_passes < options.eject_idle_passes and not should_stop():
        idle_passes += 1
        for f in list(still):
            if clock.now() - began > seconds or should_stop():
                return still
            mark = len(ejector.journal)
            ejector.take_out(f)
            if not ejector.try_place(f, ejector.depth):
                ejector.undo_to(mark)
                continue
            still.remove(f)
            idle_passes = 0
    return still


def tightest_band(family: FamilyDemand, n_days: int) -> int:
    """Fewest viable days any legal band of the family's chain can offer (holidays make some bands narrow)."""
    return clocks.tightest_band(family.viable_days, family.clock, n_days)


def difficulty_order(instance: PackingInstance, seed: int = 1) -> list[int]:
    """Most constrained families first: narrowest band, fewest meeting days, shortest cadence, biggest team."""
    order = list(range(len(instance.families)))
    random.Random(seed).shuffle(order)  # ties are broken at random, not by id
    n_days = instance.n_days
    key = {i: (tightest_band(f, n_days), len(f.viable_days), f.max_gap, -len(f.attendees))
           for i, f in enumerate(instance.families)}
    return sorted(order, key=key.__getitem__)
