"""Negotiated congestion: every family's whole chain of follow-ups, laid again and again until nobody is overbooked.

This is the PathFinder idea from chip routing, applied to follow-up chains.  A
family's chain is a shortest path through the days of the horizon: each step
lies inside the legal band after the previous meeting (late steps are allowed
but cost far more than anything else), and each day costs the price of its
attendees' time.  At first every family takes its cheapest chain even if that
overbooks someone; then the price of an overbooked person-day rises, both
for the moment and in memory ("history"), and families are laid again.
Families with other options move away from contested days; those that cannot
move keep them.  Once that stalls, the contested chains are lifted out all at
once and laid again most constrained first, so a chain that can leave a day
makes room for one that cannot (``rip_up_rounds``).  Because every family always sees its whole year, the
foresight that day-by-day planning lacks (the crowded days before and after
the summer holidays) comes for free.

Each chain is found by dynamic programming over the days, vectorised with
numpy in blocks of the minimum interval, so laying all families once takes
well under a second for 2,000 families.

Hard rules (workbench/hard_rules.py), kept implicit: a chain's steps keep HardRule.MIN_INTERVAL and are priced
against HardRule.DEADLINE (``clock.band``); only allowed days are priced below INF (HardRule.OPEN_DAY, WORKDAY,
NOT_ABSENT, FAMILY_AVAILABLE, AFTER_CASE_OPENS); HardRule.DAILY_CAP is only priced here (an overbooked person-day
grows dear) - the booking that follows (construct.py's SlotBook) enforces it, with HardRule.NO_DOUBLE_BOOKING.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from workbench.clocks import Clock
from workbench.scheduling.instance import PackingInstance
from workbench.scheduling.workclock import LAY, LAY_PER_BLOCK, ROUND_PER_PERSON_DAY, WorkClock

INF = 1e30
MAX_PRESSURE = 1e6


@dataclass(frozen=True)
class NegotiationOptions:
    late_cost: float = 1e5
    """Cost of a late meeting on top of its days: a tie-break toward fewer late meetings."""
    late_day_cost: float = 1e7
    """Cost per day late; dwarfs any price of time, so lateness is the last resort and days late count first."""
    meeting_cost: float = 1.0
    """Base cost of holding a meeting at all: fewer meetings leave more time for everyone."""
    first_pressure: float = 0.5
    pressure_growth: float = 1.6
    history_step: float = 0.5
    balance_weight: float = 0.5
    """Extra price of a person-day for each share of its cap already taken: spreads meetings over days and weeks."""
    announced_discount: float = 0.6
    """Share of a day's price taken off when it is the day already announced for that meeting (re-planning)."""
    stall_rounds: int = 8
    """Rounds without fewer overbooked person-days before lateness is let in as a way out..."""
    release_after_share: float = 0.5
    """... and only after this share of the negotiation's time is used."""
    hand_off_at: int = 12
    """When stalled with at most this many overbooked person-days, stop and leave them to booking and repair."""
    rip_up_rounds: int = 16
    """Rounds of stall in which the contested chains are all lifted out of the calendar before any is laid again,
    before a hand-off.  Laid one by one, the first (the most constrained: a jobsamtale chain that must jump its
    consultant's absence) always moved to another contested day and left the day free for the one after it, so a
    chain that could leave (a team chain with one more meeting) never had to: the overbooking went round the same
    few days for ever.  Lifted together, the most constrained chains choose first and the others make room.  If
    that does not lower the overbooking, the chains are handed off as they stood when the stall began (so a plan
    whose capacity is short is booked and repaired from the same days as before: scarcity.py is unchanged)."""
    released_late_cost: float = 10.0
    released_late_day_cost: float = 10.0
    """Once stalled, a late meeting costs about as much as a much-contested day: only families whose every
    on-time option is contested take one, and as few days late as possible."""


@dataclass
class Negotiation:
    days: list[list[int]]
    """Chosen meeting days per family (family order of the instance); fixed meetings not included."""
    rounds: int
    overbooked: list[int] = field(default_factory=list)
    """Overbooked person-days after each round."""
    seconds: float = 0.0
    released: bool = False
    """Whether lateness had to be let in because capacity was short."""


class Negotiator:
    def __init__(self, instance: PackingInstance, options: NegotiationOptions = NegotiationOptions(),
                 fixed_days: dict[int, list[int]] | None = None,
                 announced: dict[int, list[int]] | None = None, clock: WorkClock | None = None,
                 fixed_people: dict[int, list[tuple[str, ...]]] | None = None) -> None:
        """``fixed_days``: frozen meetings per family (they start the chain and hold capacity);
        ``fixed_people``: who attends each frozen meeting (its own announced attendees; default the family's);
        ``announced``: days of the announced meetings per family (after the frozen ones), in order."""
        self.instance, self.options = instance, options
        self.clock = clock or WorkClock(deterministic=False)
        self.n = instance.n_days
        self.people = sorted(instance.staff_cap)
        index = {person: k for k, person in enumerate(self.people)}
        self.cap = np.array([instance.staff_cap[p] for p in self.people], dtype=float)
        self.attendees = [np.array([index[p] for p in f.attendees], dtype=int) for f in instance.families]
        self.allowed = []
        for family in instance.families:
            mask = np.zeros(self.n, dtype=bool)
            mask[list(family.allowed_days)] = True
            self.allowed.append(mask)
        self.occupancy = np.zeros((len(self.people), self.n))
        self.history = np.zeros((len(self.people), self.n))
        self.pressure = options.first_pressure
        self.history_peak = 0.0
        self.released = False
        self.total_rounds = 0
        self.best: int | None = None
        """Fewest overbooked person-days after any round so far..."""
        self.since_best = 0
        """... and rounds since then (over all calls of ``run``)."""
        self.spent = 0.0
        """True once negotiation has stalled: capacity is short, and lateness becomes the way out."""
        self.fixed_days = fixed_days or {}
        self.announced = announced or {}
        fixed_people = fixed_people or {}
        for i, days in self.fixed_days.items():
            for k, day in enumerate(days):
                people = fixed_people.get(i, [])
                rows = ([index[p] for p in people[k] if p in index] if k < len(people) else self.attendees[i])
                self.occupancy[rows, day] += 1
        self.paths: list[list[int]] = [[] for _ in instance.families]
        self.warm: set[int] = set()
        """Families whose announced chain is still valid: it is the starting point, and stays unless contested."""
        for i, days in self.announced.items():
            if self._still_valid(i, days):
                self.paths[i] = list(days)
                self.occupancy[self.attendees[i][:, None], days] += 1
                self.warm.add(i)

    # ------------------------------------------------------------------ one family's cheapest chain

    def day_costs(self, i: int) -> np.ndarray:
        rows = self.attendees[i]
        occupied = self.occupancy[rows]
        over = np.maximum(0.0, occupied + 1.0 - self.cap[rows, None])
        fill = self.options.balance_weight * occupied / self.cap[rows, None]  # spread load even below the cap
        price = ((1.0 + self.history[rows] + fill) * (1.0 + self.pressure * over)).sum(axis=0)
        return np.where(self.allowed[i], price + self.options.meeting_cost, INF)

    def cheapest_chain(self, i: int) -> list[int]:
        """Dynamic programme over days: best[x] = cost of the cheapest chain whose latest meeting is on day x.

        One function on purpose: it is the packer's inner loop (called thousands of times per plan), and the
        forward pass and the walk back share local arrays that a split would pass around or rebuild."""
        family = self.instance.families[i]
        clock = family.clock
        n, big_m, gap = self.n, clock.max_gap, clock.step
        fixed = self.fixed_days.get(i, [])
        prev = fixed[-1] if fixed else family.prev_day
        prev_is_meeting = bool(fixed) or family.prev_is_meeting
        if clock.complete(prev, prev_is_meeting, n):
            return []
        cost = self.day_costs(i)
        wish = self.announced.get(i, [])
        opts = self.options
        if self.released:
            late_cost = opts.released_late_cost * (1.0 + self.pressure)
            late_day_cost = opts.released_late_day_cost * (1.0 + self.pressure)
        else:
            # lateness stays dearer than any price of contested time, however high the pressure has risen
            late_cost = opts.late_cost * (1.0 + self.pressure) * (1.0 + self.history_peak)
            late_day_cost = opts.late_day_cost * (1.0 + self.pressure)
        days = np.arange(n)
        first_low, first_deadline = clock.band(prev, prev_is_meeting)
        first_low = max(0, first_low)
        start = np.full(n, INF)
        start[(days >= first_low) & (days <= first_deadline)] = 0.0
        after = days > first_deadline
        start[after] = late_cost + late_day_cost * (days[after] - first_deadline)
        if wish:  # announced days are cheaper to keep
            keep = np.array([w for w in wish if 0 <= w < n and cost[w] < INF], dtype=int)
            if len(keep):
                cost = cost.copy()
                cost[keep] -= opts.announced_discount * (cost[keep] - opts.meeting_cost)
        if not clock.repeat:  # a one-off deadline: the single cheapest day, late days costing their lateness
            total = start + cost
            x = int(total.argmin())
            return [] if total[x] >= INF / 2 else [x]
        if clock.switches:
            return _switching_chain(clock, n, start, cost, late_cost, late_day_cost)
        pad = big_m + 1
        best = np.full(n + pad, INF)  # best[pad + x]
        from_day = np.full(n, -1, dtype=int)
        # running minimum of best[y] - late_day_cost * y over y <= x - big_m - 1, for late steps
        shifted = np.full(n + pad, INF)
        for block_start in range(0, n, gap):
            block_end = min(n, block_start + gap)
            xs = np.arange(block_start, block_end)
            window = sliding_window_view(best[pad + block_start - big_m: pad + block_end - gap], big_m - gap + 1)
            arg = window.argmin(axis=1)
            on_time = window[np.arange(len(window)), arg]
            # late steps from any earlier meeting more than big_m days back
            limit = block_end - big_m - 1
            if limit >= 0:
                prefix = shifted[pad: pad + limit + 1]
                running = np.minimum.accumulate(prefix)
                arg_running = _running_argmin(prefix)
                reach = xs - big_m - 1
                ok = reach >= 0
                late = np.full(len(xs), INF)
                late_from = np.full(len(xs), -1)
                late[ok] = running[reach[ok]] + late_cost + late_day_cost * (xs[ok] - big_m)
                late_from[ok] = arg_running[reach[ok]]
            else:
                late = np.full(len(xs), INF)
                late_from = np.full(len(xs), -1)
            step = np.minimum(on_time, late)
            base = np.minimum(start[block_start:block_end], step)
            best[pad + block_start: pad + block_end] = base + cost[block_start:block_end]
            from_day[block_start:block_end] = np.where(
                start[block_start:block_end] <= step, -1,
                np.where(on_time <= late, block_start - big_m + np.arange(len(xs)) + arg, late_from))
            shifted[pad + block_start: pad + block_end] = best[pad + block_start: pad + block_end] - \
                late_day_cost * xs
        ends = np.arange(max(0, clock.end(n) - big_m), n)  # the last meeting leaves nothing due in the chain
        final = best[pad + ends]
        x = int(ends[final.argmin()])
        if final.min() >= INF / 2:
            return []
        path = []
        while x >= 0:
            path.append(x)
            x = int(from_day[x])
        return path[::-1]

    # ------------------------------------------------------------------ rounds

    def _still_valid(self, i: int, days: list[int]) -> bool:
        """An announced chain can be kept as it is: allowed days, legal gaps (HardRule.MIN_INTERVAL), on time
        (HardRule.DEADLINE), covering the horizon."""
        family = self.instance.families[i]
        fixed = self.fixed_days.get(i, [])
        prev = fixed[-1] if fixed else family.prev_day
        is_meeting = bool(fixed) or family.prev_is_meeting
        if not days or any(not (0 <= d < self.n) or not self.allowed[i][d] for d in days):
            return False
        clock = family.clock
        for day in days:
            if clock.complete(prev, is_meeting, self.n) or clock.days_late(prev, day) or \
                    day < clock.earliest(prev, is_meeting):
                return False
            prev, is_meeting = day, True
        return clock.complete(prev, is_meeting, self.n)

    def _lay(self, i: int) -> None:
        self.clock.charge(LAY + LAY_PER_BLOCK * self.n / self.instance.families[i].clock.step)
        rows = self.attendees[i]
        for day in self.paths[i]:
            self.occupancy[rows, day] -= 1
        self.paths[i] = self.cheapest_chain(i)
        for day in self.paths[i]:
            self.occupancy[rows, day] += 1

    def _lift(self, families: list[int]) -> None:
        """Take these families' chains out of the calendar all at once, before any of them is laid again."""
        for i in families:
            for day in self.paths[i]:
                self.occupancy[self.attendees[i], day] -= 1
            self.paths[i] = []

    def _state(self) -> tuple[list[list[int]], np.ndarray]:
        """The chains as laid (prices and their history are not part of it: they keep what was learnt)."""
        return [list(p) for p in self.paths], self.occupancy.copy()

    def _restore(self, state: tuple[list[list[int]], np.ndarray]) -> None:
        paths, occupancy = state
        self.paths, self.occupancy = [list(p) for p in paths], occupancy.copy()

    def overbooked(self) -> np.ndarray:
        return np.maximum(0.0, self.occupancy - self.cap[:, None])

    def contested_families(self) -> list[int]:
        over = self.overbooked() > 0
        return [i for i, path in enumerate(self.paths) if path and over[np.ix_(self.attendees[i], path)].any()]

    def run(self, seconds: float, order: list[int] | None = None, should_stop=lambda: False,
            release_after: float | None = None) -> Negotiation:
        """Negotiate for up to ``seconds``; may be called again to go on from where it stopped.

        ``release_after``: seconds of negotiation in all (this call and earlier ones) after which a stall lets
        lateness in (default: ``release_after_share`` of this call's time)."""
        clock = self.clock
        began = clock.now()
        order = order if order is not None else list(range(len(self.instance.families)))
        release_after = release_after if release_after is not None else self.options.release_after_share * seconds
        history: list[int] = []
        rounds = 0
        stall = self.options.stall_rounds
        # going on after a hand-off: still stalled, so the next rounds lift the contested chains at once
        self.since_best = min(self.since_best, stall)
        before_lifting = None
        while True:
            if self.total_rounds == 0:
                todo = [i for i in order if i not in self.warm]
            elif self.total_rounds == 1 and not self.warm:
                todo = order
            else:
                todo = self.contested_families()
                if self.since_best >= stall:
                    if before_lifting is None:
                        before_lifting = self._state()
                    self._lift(todo)
            for i in todo:
                self._lay(i)
            rounds += 1
            self.total_rounds += 1
            over = self.overbooked()
            clock.charge(ROUND_PER_PERSON_DAY * over.size)
            history.append(int((over > 0).sum()))
            if not over.any() or should_stop() or clock.now() - began > seconds:
                break
            if self.best is None or history[-1] < self.best:
                self.best, self.since_best, before_lifting = history[-1], 0, None
            else:
                self.since_best += 1
            if self.since_best >= stall + self.options.rip_up_rounds and history[-1] <= self.options.hand_off_at:
                # a few contested person-days: the booking and the CP-SAT repair settle those faster - from where
                # laying one by one had stalled, if lifting did not help (it only stirred the chains around)
                if before_lifting is not None:
                    self._restore(before_lifting)
                break
            # let lateness in only when negotiation has stalled for a while and used half of its time:
            # a zero-late plan may still be a few rounds away
            halfway = self.spent + clock.now() - began > release_after
            if self.since_best >= stall and halfway and not self.released:
                self.released = True
            self.history += self.options.history_step * over
            self.history_peak = float(self.history.max())
            self.pressure = min(MAX_PRESSURE, self.pressure * self.options.pressure_growth)
        self.spent += clock.now() - began
        return Negotiation([list(p) for p in self.paths], rounds, history, clock.now() - began, self.released)


def _switching_chain(clock: Clock, n: int, start: np.ndarray, cost: np.ndarray, late_cost: float,
                     late_day_cost: float) -> list[int]:
    """The cheapest chain for a clock whose rule switches inside the horizon: the same programme as
    ``cheapest_chain`` with each day's band from the clock (one slice per day; only a few chains switch)."""
    best, from_day = np.full(n, INF), np.full(n, -1, dtype=int)
    due = np.array([clock.deadline(x) for x in range(n)])
    late_base = np.full(n, INF)  # best[y] - late_day_cost * deadline(y): a late step from y costs this + ...
    running, running_from = INF, -1  # min of late_base over the days before the on-time band
    added = 0
    for x in range(n):
        low, high = clock.first_prev_for(x), clock.last_prev_for(x)  # on time from low .. high
        while added < min(max(0, low), max(0, high + 1)):
            if late_base[added] < running:
                running, running_from = late_base[added], added
            added += 1
        options = [(start[x], -1)]
        if 0 <= high and max(0, low) <= high:
            y = max(0, low) + int(best[max(0, low): high + 1].argmin())
            options.append((best[y], y))
        if running < INF / 2:
            options.append((running + late_cost + late_day_cost * x, running_from))
        value, from_day[x] = min(options, key=lambda o: o[0])
        best[x] = value + cost[x]
        late_base[x] = best[x] - late_day_cost * due[x]
    ends = [x for x in range(n) if clock.complete(x, True, n)]  # the last meeting leaves nothing due
    if not ends or best[ends].min() >= INF / 2:
        return []
    x = ends[int(best[ends].argmin())]
    path = []
    while x >= 0:
        path.append(x)
        x = int(from_day[x])
    return path[::-1]


def _running_argmin(values: np.ndarray) -> np.ndarray:
    """Index of the (first) minimum of values[:k+1] for every k."""
    running = np.minimum.accumulate(values)
    previous = np.concatenate(([np.inf], running[:-1]))
    new_minimum = values < previous
    new_minimum[0] = True
    return np.maximum.accumulate(np.where(new_minimum, np.arange(len(values)), 0))
