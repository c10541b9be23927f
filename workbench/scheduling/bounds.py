"""Proven lower bounds on lateness: how many follow-ups (and days) every plan must have late.

Two arguments, summed over disjoint sets of chains so no late follow-up is counted twice:

* **The family alone** (absences, closing days, the family's own unavailability, the minimum interval, a
  deadline already passed): the fewest late follow-ups and the fewest days late a chain has with nobody else in
  the calendar - a dynamic programme over the days its whole team and the family can meet.
* **A person's week is too full** (the counting bound).  Take two consecutive days on which a chain can meet,
  ``a < b``, or ``b`` = the end of the horizon.  To be on time across them, the chain needs a meeting (or its
  anchor) on a day in ``[b - max interval, a]``: its *window*.  When the windows of more chains lie inside a
  short period than one attendee's daily cap allows there, the surplus must be late - each by at least the days
  from the window's first day back to the chain's previous possible day (its *shortfall*).  A chain counts in at
  most one such group, and chains forced late alone count in none: each counted chain holds at least one late
  follow-up of its own.

Capacity here is only the daily cap (the time blocks and the other attendees' caps are left out), so the bound
is a relaxation: no plan can do better, a plan may do worse.  Everything is in day numbers (instance.py).
"""

from __future__ import annotations

import heapq
import time
from bisect import bisect_left
from collections import deque
from dataclasses import dataclass, field

from workbench.clocks import Clock, on_time_chain_exists
from workbench.scheduling.instance import PackingInstance

LONGEST_PERIOD_WEEKS = 3
"""Groups look at one to this many calendar weeks of one person (longer windows rarely crowd)."""


@dataclass(frozen=True)
class Window:
    """Days on which a chain must meet to be on time across a stretch without a possible day."""

    chain: int
    due: int
    """The first possible day after the window (or the horizon's end): the follow-up there is late without one."""
    days: tuple[int, ...]
    shortfall: int
    """Fewest days late if no meeting falls in the window."""


@dataclass(frozen=True)
class CapacityGroup:
    """Chains that need a meeting with one person on a few days where the person has room for fewer."""

    person: str
    windows: tuple[Window, ...]
    capacity: int
    """Meetings the person can hold on all the days these windows offer (daily cap, frozen meetings taken)."""
    late: int
    days: int

    @property
    def first(self) -> int:
        return min(w.days[0] for w in self.windows)

    @property
    def last(self) -> int:
        return max(w.days[-1] for w in self.windows)

    @property
    def chains(self) -> frozenset[int]:
        return frozenset(w.chain for w in self.windows)


@dataclass
class LateBound:
    """What every plan must have late, and why (chains by index in ``instance.families``)."""

    alone: dict[int, tuple[int, int]] = field(default_factory=dict)
    """Chain -> (fewest late follow-ups, fewest days late) with only its own calendar, where not (0, 0)."""
    frozen: dict[int, tuple[int, int]] = field(default_factory=dict)
    """Chain -> (late, days late) of its frozen meetings: fixed in every plan."""
    groups: list[CapacityGroup] = field(default_factory=list)
    days: dict[int, tuple[int, ...]] = field(default_factory=dict)
    """Chain -> the days it can still meet on after its frozen meetings (what the windows are made of)."""
    anchors: dict[int, tuple[int, bool]] = field(default_factory=dict)
    """Chain -> (last day counted from, whether that was a meeting) after its frozen meetings."""
    seconds: float = 0.0

    @property
    def absence_late(self) -> int:
        return sum(late for late, _ in self.alone.values())

    @property
    def absence_days(self) -> int:
        return sum(days for _, days in self.alone.values())

    @property
    def capacity_late(self) -> int:
        return sum(g.late for g in self.groups)

    @property
    def capacity_days(self) -> int:
        return sum(g.days for g in self.groups)

    @property
    def frozen_late(self) -> int:
        return sum(late for late, _ in self.frozen.values())

    @property
    def frozen_days(self) -> int:
        return sum(days for _, days in self.frozen.values())

    @property
    def late(self) -> int:
        return self.absence_late + self.capacity_late + self.frozen_late

    @property
    def days_late(self) -> int:
        return self.absence_days + self.capacity_days + self.frozen_days

    def group_of(self, chain: int) -> CapacityGroup | None:
        return next((g for g in self.groups if chain in g.chains), None)


def alone_minimum(days: tuple[int, ...] | list[int], prev: int, prev_is_meeting: bool, clock: Clock,
                  n_days: int) -> tuple[int, int]:
    """(fewest late follow-ups, fewest days late) of a chain from ``prev`` that may meet on ``days`` (sorted, all
    on or after its first possible day), with nobody else competing: two shortest paths over the days, each
    computed on its own (the fewest late and the fewest days may come from different chains of meetings)."""
    if clock.complete(prev, prev_is_meeting, n_days):
        return 0, 0
    end, max_gap, step = clock.end(n_days), clock.max_gap, clock.step
    deadline = clock.deadline(prev)
    days = [d for d in days if d < end]
    if not clock.repeat:
        if days and days[0] <= deadline:
            return 0, 0
        return 1, min(days[0] if days else end, end) - deadline
    if on_time_chain_exists(days, prev, prev_is_meeting, clock, n_days):
        return 0, 0  # most chains: a quick test instead of two shortest paths (the bound runs after every plan)
    if clock.switches:
        return (_shortest_switching(days, prev, clock, end, lambda late: 1 if late > 0 else 0),
                _shortest_switching(days, prev, clock, end, lambda late: max(0, late)))
    return (_shortest(days, prev, max_gap, step, end, lambda late: 1 if late > 0 else 0),
            _shortest(days, prev, max_gap, step, end, lambda late: max(0, late)))


def _shortest(days: list[int], prev: int, max_gap: int, step: int, end: int, cost) -> int:
    """Cheapest chain from ``prev`` over ``days`` to the end; ``cost(days late)`` of one follow-up is 0 on time
    and grows by at most one a day (0/1 or the days themselves), so the predecessors more than ``max_gap`` back
    need only the best ``value - day`` (days) or ``value`` (count) seen so far: linear in the days."""
    counting = cost(2) == 1
    best: list[int] = []
    window: deque[int] = deque()  # indices of days in [y - max_gap, y - step], values increasing
    far_best = None  # over days < y - max_gap: min value (count) or min value - day (days)
    added = far = 0
    for j, y in enumerate(days):
        while added < j and days[added] <= y - step:
            while window and best[window[-1]] >= best[added]:
                window.pop()
            window.append(added)
            added += 1
        while far < added and days[far] < y - max_gap:
            value = best[far] if counting else best[far] - days[far]
            far_best = value if far_best is None else min(far_best, value)
            far += 1
        while window and days[window[0]] < y - max_gap:
            window.popleft()
        options = [cost(y - prev - max_gap)]
        if window:
            options.append(best[window[0]])
        if far_best is not None:
            options.append(far_best + 1 if counting else far_best + y - max_gap)
        best.append(min(options))
    finish = cost(end - prev - max_gap) if prev + max_gap < end else 0
    for x, value in zip(days, best):
        finish = min(finish, value + (cost(end - x - max_gap) if x + max_gap < end else 0))
    return finish


def _shortest_switching(days: list[int], prev: int, clock: Clock, end: int, cost) -> int:
    """:func:`_shortest` for a clock whose rule switches inside the horizon: every earlier day that may precede
    a day is tried (quadratic in the days, and only for the few chains that cannot be on time)."""
    best: list[int] = []
    for j, y in enumerate(days):
        options = [cost(y - clock.deadline(prev))]
        options += [best[i] + cost(y - clock.deadline(x)) for i, x in enumerate(days[:j])
                    if clock.earliest(x, True) <= y]
        best.append(min(options))
    finish = cost(end - clock.deadline(prev)) if clock.deadline(prev) < end else 0
    for x, value in zip(days, best):
        finish = min(finish, value + (cost(end - clock.deadline(x)) if clock.deadline(x) < end else 0))
    return finish


def windows(chain: int, days: tuple[int, ...], prev: int, prev_is_meeting: bool, clock: Clock,
            n_days: int) -> list[Window]:
    """Every window of a chain from ``prev`` (see the module docstring); an empty one means the chain is late
    whatever happens."""
    if clock.complete(prev, prev_is_meeting, n_days):
        return []
    end = clock.end(n_days)
    deadline = clock.deadline(prev)
    days = tuple(d for d in days if d < end)
    if not clock.repeat:
        inside = tuple(d for d in days if d <= deadline)
        due = next((d for d in days if d > deadline), end)
        return [Window(chain, due, inside, due - deadline)]
    out = []
    for due in [d for d in days if d > deadline] + [end]:
        low, high = bisect_left(days, clock.first_prev_for(due)), bisect_left(days, due)
        before = days[low - 1] if low > 0 else prev
        out.append(Window(chain, due, days[low:high], due - clock.deadline(before)))
    return out


def chain_start(instance: PackingInstance) -> tuple[dict, dict, dict]:
    """Per chain after its frozen meetings: (anchor day, is a meeting), the days it may still meet on, and the
    (late, days late) of the frozen meetings themselves."""
    index = instance.family_index
    frozen_days: dict[int, list[int]] = {}
    for meeting in instance.fixed:
        i = index.get(meeting.chain_id)
        if i is not None:
            frozen_days.setdefault(i, []).append(instance.number(meeting.day))
    anchors, days, frozen = {}, {}, {}
    for i, family in enumerate(instance.families):
        clock = family.clock
        prev, is_meeting, late, late_days = family.prev_day, family.prev_is_meeting, 0, 0
        for day in sorted(frozen_days.get(i, [])):
            if clock.days_late(prev, day):
                late, late_days = late + 1, late_days + clock.days_late(prev, day)
            prev, is_meeting = day, True
        if late:
            frozen[i] = (late, late_days)
        anchors[i] = (prev, is_meeting)
        first = max(0, clock.earliest(prev, is_meeting))
        days[i] = tuple(d for d in family.allowed_days if d >= first)
    return anchors, days, frozen


def late_bound(instance: PackingInstance, longest_weeks: int = LONGEST_PERIOD_WEEKS) -> LateBound:
    """The family-alone bound for every chain, then the strongest disjoint capacity groups (greedy, each
    re-counted without the chains already used)."""
    began = time.perf_counter()
    anchors, days, frozen = chain_start(instance)
    bound = LateBound(frozen=frozen, days=days, anchors=anchors)
    n = instance.n_days
    narrow: dict[str, list[Window]] = {}
    longest = 7 * longest_weeks
    for i, family in enumerate(instance.families):
        prev, is_meeting = anchors[i]
        alone = alone_minimum(days[i], prev, is_meeting, family.clock, n)
        if alone != (0, 0):
            bound.alone[i] = alone
            continue
        for window in windows(i, days[i], prev, is_meeting, family.clock, n):
            if window.days and window.days[-1] - window.days[0] < longest:
                for person in family.attendees:
                    narrow.setdefault(person, []).append(window)
    bound.groups = _groups(instance, narrow, longest_weeks)
    bound.seconds = time.perf_counter() - began
    return bound


def _capacity(instance: PackingInstance) -> dict[str, dict[int, int]]:
    """Per person, meetings still free per day: the daily cap on working days, less frozen meetings."""
    taken: dict[tuple[str, int], int] = {}
    for meeting in instance.fixed:
        for person in meeting.attendees:
            key = (person, instance.number(meeting.day))
            taken[key] = taken.get(key, 0) + 1
    return {person: {d: max(0, cap - taken.get((person, d), 0)) for d in instance.staff_days.get(person, ())}
            for person, cap in instance.staff_cap.items()}


def _groups(instance: PackingInstance, narrow: dict[str, list[Window]], longest_weeks: int) -> list[CapacityGroup]:
    capacity = _capacity(instance)
    monday = -instance.start.weekday()
    candidates: list[tuple[str, dict[int, Window]]] = []
    for person, person_windows in sorted(narrow.items()):
        periods: dict[tuple[int, int], dict[int, Window]] = {}
        for window in person_windows:
            for weeks in range(1, longest_weeks + 1):
                first_monday = monday + 7 * -(-(window.days[-1] - 7 * weeks + 1 - monday) // 7)
                for start in range(first_monday, window.days[0] + 1, 7):
                    chosen = periods.setdefault((start, weeks), {})
                    old = chosen.get(window.chain)
                    if old is None or (len(window.days), -window.shortfall) < (len(old.days), -old.shortfall):
                        chosen[window.chain] = window
        candidates += [(person, chosen) for _, chosen in sorted(periods.items())]
    heap = []
    for k, (person, chosen) in enumerate(candidates):
        late, _, days, _ = _deficit(chosen, capacity.get(person, {}))
        if late > 0:
            heap.append((-late, -days, k))
    heapq.heapify(heap)
    used: set[int] = set()
    groups = []
    while heap:
        late, days, k = heapq.heappop(heap)
        person, chosen = candidates[k]
        left = {i: w for i, w in chosen.items() if i not in used}
        found = _deficit(left, capacity.get(person, {}))
        if found[0] <= 0:
            continue
        if (-found[0], -found[2]) != (late, days):
            heapq.heappush(heap, (-found[0], -found[2], k))
            continue
        group_late, group_windows, group_days, group_capacity = found
        groups.append(CapacityGroup(person, group_windows, group_capacity, group_late, group_days))
        used |= {w.chain for w in group_windows}
        heapq.heappush(heap, (late, days, k))  # counted again without these chains when it comes up
    return groups


def _deficit(chosen: dict[int, Window], capacity: dict[int, int]) -> tuple[int, tuple[Window, ...], int, int]:
    """(chains that must miss their window, the windows of the smallest set that proves it, fewest days late
    among them, the capacity of their days): a maximum matching of chains to the person's free meetings, and
    the chains an unmatched one reaches by alternating paths (Hall's theorem: their days are all full)."""
    assigned: dict[int, list[int]] = {}
    where: dict[int, int] = {}

    def place(i: int, seen: set[int]) -> bool:
        for day in chosen[i].days:
            if day in seen:
                continue
            seen.add(day)
            holders = assigned.setdefault(day, [])
            if len(holders) < capacity.get(day, 0):
                holders.append(i)
                where[i] = day
                return True
            for other in list(holders):
                if place(other, seen):
                    holders.remove(other)
                    holders.append(i)
                    where[i] = day
                    return True
        return False

    unmatched = [i for i in sorted(chosen) if not place(i, set())]
    if not unmatched:
        return 0, (), 0, 0
    reached, reached_days, todo = set(unmatched), set(), list(unmatched)
    while todo:
        i = todo.pop()
        for day in chosen[i].days:
            if day not in reached_days:
                reached_days.add(day)
                for other in assigned.get(day, []):
                    if other not in reached:
                        reached.add(other)
                        todo.append(other)
    room = sum(capacity.get(d, 0) for d in reached_days)
    late = max(0, len(reached) - room)  # equals len(unmatched) for a maximum matching; counted, not trusted
    group = tuple(chosen[i] for i in sorted(reached))
    return late, group, sum(sorted(w.shortfall for w in group)[:late]), room


@dataclass(frozen=True)
class LateCause:
    """Why one late follow-up is late: ``kind`` is ``absence`` (no possible day across a stretch), ``alone``
    (the chain's own calendar forces this many), ``capacity`` (a full person-period, saturated in this plan),
    or ``""`` (not proven: another plan might hold it on time)."""

    kind: str
    first: int = 0
    """absence: the stretch without a possible day (day numbers); capacity: the group's first and last day."""
    last: int = 0
    shortfall: int = 0
    """Fewest days late the cause forces."""
    group: CapacityGroup | None = None
    """The person-period the chain is counted in (also when not saturated: then a hint of who was busy)."""


def late_causes(instance: PackingInstance, bound: LateBound,
                late: list[tuple[int, int, int | None]]) -> list[LateCause]:
    """A cause for each late follow-up ``(chain, previous day, day held or None if missing)`` of a plan; the
    previous day is the chain's anchor or its meeting before.  A capacity group is saturated when no more of its
    chains are late across their windows than it forces."""
    n = instance.n_days
    by_chain: dict[int, int] = {}
    for chain, _, _ in late:
        by_chain[chain] = by_chain.get(chain, 0) + 1
    across: dict[int, int] = {}
    for chain, prev, day in late:
        group = bound.group_of(chain)
        window = _window_in(group, chain)
        if window is not None and _straddles(instance, chain, prev, day, window.due, n):
            across[id(group)] = across.get(id(group), 0) + 1
    causes = []
    for chain, prev, day in late:
        family = instance.families[chain]
        clock = family.clock
        days = bound.days.get(chain, family.allowed_days)
        stop = clock.end(n) if day is None else day
        cause = None
        for window in windows(chain, days, *bound.anchors.get(chain, (family.prev_day, family.prev_is_meeting)),
                              clock, n):
            if not window.days and _straddles(instance, chain, prev, day, window.due, n):
                cause = LateCause("absence", clock.first_prev_for(window.due), window.due - 1, window.shortfall)
                break
        if cause is None and chain in bound.alone and by_chain[chain] <= bound.alone[chain][0]:
            cause = LateCause("alone", prev, stop, 1)
        group = bound.group_of(chain)
        window = _window_in(group, chain)
        if cause is None and window is not None and _straddles(instance, chain, prev, day, window.due, n):
            saturated = across.get(id(group), 0) <= group.late
            cause = LateCause("capacity" if saturated else "", group.first, group.last, window.shortfall, group)
        causes.append(cause or LateCause("", prev, stop))
    return causes


def _window_in(group: CapacityGroup | None, chain: int) -> Window | None:
    return next((w for w in group.windows if w.chain == chain), None) if group else None


def _straddles(instance: PackingInstance, chain: int, prev: int, day: int | None, due: int, n: int) -> bool:
    """The follow-up after ``prev`` (held on ``day``, or missing) is the one that is late across ``due``."""
    deadline = instance.families[chain].clock.deadline(prev)
    return deadline < due <= (instance.families[chain].clock.end(n) if day is None else day)
