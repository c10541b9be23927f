"""The clocks: when the next follow-up may be held and when it must be held, in one place.

Every solver (negotiation, booking, repair, the exact model, the staffing model, the what-if lateness) asks
this module, so the interval rule is written once.  The independent checker (scheduling/check.py) keeps its
own arithmetic on purpose; a randomized test holds the two together.

A *clock* times one chain of appointments in day numbers (day 0 = the first day of the plan):

* after a follow-up held on day ``p`` the next may be held from ``p + step`` (at least the rule's minimum
  interval, and never twice on one day) and must be held by ``p + max_gap``;
* the first one after a case start (no follow-up held yet) may be held at once;
* a *one-off* deadline (``repeat=False``: a børnefaglig undersøgelse finished within 4 months, a first
  jobsamtale within a week) ends the chain once it is held.

Dates: the anchor of a chain is the last follow-up held, else the case start, else the first day of the plan.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date
from typing import Iterable


@dataclass(frozen=True)
class Clock:
    """The timing of one chain: the band after each follow-up, in days."""

    max_gap: int
    """Days from the previous follow-up (or the case start) to the deadline of the next."""
    min_gap: int = 0
    """Fewest days after the previous follow-up."""
    repeat: bool = True
    """False for a one-off deadline: the chain is complete once one appointment is held."""

    @property
    def step(self) -> int:
        """Days after a follow-up before the next may be held: the minimum interval, and never the same day."""
        return max(1, self.min_gap)

    def earliest(self, prev: int, prev_is_meeting: bool) -> int:
        """First day the next follow-up may be held (right away after a case start)."""
        return prev + (self.step if prev_is_meeting else 0)

    def deadline(self, prev: int) -> int:
        """Last day the next follow-up is on time."""
        return prev + self.max_gap

    def band(self, prev: int, prev_is_meeting: bool) -> tuple[int, int]:
        """(earliest, deadline) of the next follow-up."""
        return self.earliest(prev, prev_is_meeting), self.deadline(prev)

    def days_late(self, prev: int, day: int) -> int:
        return max(0, day - self.deadline(prev))

    def complete(self, prev: int, prev_is_meeting: bool, n_days: int) -> bool:
        """Nothing more is due in the horizon (days 0 .. n_days-1): a one-off has been held, or the next
        deadline falls after the horizon."""
        return (not self.repeat and prev_is_meeting) or self.deadline(prev) >= n_days


def anchor(last_followup: date | None, case_start: date | None, start: date) -> tuple[date, bool]:
    """Where a chain counts from, and whether that is a held follow-up (else a case start: no minimum gap)."""
    if last_followup is not None:
        return last_followup, True
    return (case_start or start), False


def viable_days(allowed: Iterable[int], clock: Clock, n_days: int) -> frozenset[int]:
    """Allowed days after which the rest of the chain can still be held on time (capacity ignored).

    Backwards over the horizon: a day is viable if the chain is complete after it, or the next follow-up can be
    held on a viable day inside the band after it."""
    allowed = set(allowed)
    if not clock.repeat:
        return frozenset(d for d in allowed if 0 <= d < n_days)
    step, max_gap = clock.step, clock.max_gap  # the band after a meeting on `day`: day + step .. day + max_gap
    viable = [False] * (n_days + 1)
    suffix = [0] * (n_days + 2)  # suffix[d] = number of viable days >= d
    for day in range(n_days - 1, -1, -1):
        if day in allowed:
            if day + max_gap >= n_days:  # complete: the next deadline falls after the horizon
                viable[day] = True
            else:
                viable[day] = suffix[min(n_days, day + step)] - suffix[day + max_gap + 1] > 0
        suffix[day] = suffix[day + 1] + viable[day]
    return frozenset(d for d in range(n_days) if viable[d])


def tightest_band(viable: Iterable[int], clock: Clock, n_days: int) -> int:
    """Fewest viable days any band of the chain can offer (holidays make some bands narrow)."""
    ordered = sorted(viable)
    if not ordered:
        return 0
    if not clock.repeat:
        return n_days  # a one-off has no band after it
    tightest, step, max_gap = n_days, clock.step, clock.max_gap
    for day in ordered:
        if day + max_gap >= n_days:  # complete after this day
            break
        tightest = min(tightest, bisect_right(ordered, day + max_gap) - bisect_left(ordered, day + step))
    return tightest


def on_time_chain_exists(allowed: Iterable[int], prev: int, prev_is_meeting: bool, clock: Clock,
                         n_days: int, viable: frozenset[int] | None = None) -> bool:
    """Can every follow-up from ``prev`` on be held on time on ``allowed`` days (capacity ignored)?"""
    if clock.complete(prev, prev_is_meeting, n_days):
        return True
    viable = viable_days(allowed, clock, n_days) if viable is None else viable
    low, high = clock.band(prev, prev_is_meeting)
    ordered = sorted(viable)
    return bisect_right(ordered, high) > bisect_left(ordered, max(0, low))


def required_meetings(prev: int, prev_is_meeting: bool, clock: Clock, n_days: int) -> int:
    """The fewest follow-ups that complete the chain in the horizon (each as late as its deadline allows)."""
    if clock.complete(prev, prev_is_meeting, n_days):
        return 0
    if not clock.repeat:
        return 1
    return -(-(n_days - clock.deadline(prev)) // clock.max_gap)


def deadlines(days: list[int], prev: int, clock: Clock) -> list[tuple[int, int]]:
    """(deadline, days late) of each follow-up of a chain held on ``days`` (in order), counted from ``prev``."""
    out = []
    for day in days:
        out.append((clock.deadline(prev), clock.days_late(prev, day)))
        prev = day
    return out
