"""Follow-up meeting packing over a long horizon: negotiate, book, repair.

1. Negotiation (negotiate.py): every family's whole chain of follow-ups is laid
   as a cheapest path through the year; contested person-days get dearer round
   by round until nobody is overbooked.  This gives the foresight that
   day-by-day planning lacks (the crowded days around the summer holidays).
2. Booking (construct.py): the chosen days become concrete time blocks with
   hard caps; the few families that no longer fit are laid again depth-first,
   with ejection chains to make room.
3. Repair (repair.py): CP-SAT re-places the neighbourhood of any follow-up that
   is still late, exactly, keeping a change only if the whole plan improves.

Priorities throughout, strongest first: lateness as ``repair.score`` orders it
(fewest days late in total, then fewest late follow-ups), keep announced
meetings (re-planning), fewest meetings (each as late as the rules allow, so the
next deadline stays far away), then balance.  The status says whether lateness
is proven minimal: it is when the plan is no later than a proven lower bound
(here the follow-ups absences alone force; the planner adds bounds.py's
stronger one after the search, outside its time).
"""

from __future__ import annotations

import random
from bisect import bisect_left
from dataclasses import dataclass, field, replace

from workbench.scheduling.construct import (
    Booking,
    Chain,
    ChainLayer,
    ConstructOptions,
    SlotBook,
    difficulty_order,
    eject_and_relay,
)
from workbench.clocks import on_time_chain_exists
from workbench.scheduling.instance import FamilyDemand, PackingInstance
from workbench.scheduling.negotiate import NegotiationOptions, Negotiator
from workbench.model import PLANNED, Meeting
from workbench.scheduling.repair import RepairOptions, Repairer, lateness, score
from workbench.scheduling.stopping import ProgressCallback, StopToken, no_progress
from workbench.scheduling.workclock import BOOKING, DAY_LOOKED_AT, WorkClock

W_DAY_LATE = 10**8
W_LATE = 10**6
W_KEPT = 10**4
W_MEETING = 100
MOVE_REACH = 30
"""A moved meeting costs one more per day away from the nearest announced day (up to this many)."""
LATE_REACH = 60
"""How many days past a deadline a late meeting may be laid (beyond that the follow-up counts as missing)."""


@dataclass(frozen=True)
class PackingOptions:
    seconds: float = 30.0
    """Time for the whole packing."""
    negotiation_share: float = 0.55
    ejection_share: float = 0.15
    workers: int = 2
    seed: int = 1
    deterministic: bool = True
    """Count work instead of wall time (workclock.py), so the same input always gives the same plan."""
    negotiation: NegotiationOptions = NegotiationOptions()
    construct: ConstructOptions = ConstructOptions()
    repair: RepairOptions = RepairOptions()


@dataclass
class PackingResult:
    meetings: list[Meeting]
    unplaced: list[tuple[str, int]] = field(default_factory=list)
    """(chain id, deadline day) for required follow-ups that found no day in the horizon."""
    stopped: bool = False
    seconds: float = 0.0
    lower_bound: int = 0
    """Late follow-ups that no plan can avoid (absences alone in the search; the planner raises it to bounds.py's)."""
    days_lower_bound: int | None = None
    """Days late no plan can avoid (None: not computed, then the status looks at the count only)."""
    phases: dict = field(default_factory=dict)

    @property
    def late(self) -> int:
        return sum(1 for m in self.meetings if m.days_late) + len(self.unplaced)

    @property
    def days_late(self) -> int:
        """Total days late, counting a missing follow-up until the end of the horizon."""
        n_days = self.phases.get("n_days", 0)
        return sum(m.days_late for m in self.meetings) + sum(max(0, n_days - deadline) for _, deadline in self.unplaced)

    @property
    def status(self) -> str:
        if self.stopped:
            return "STOPPED"
        proven_days = self.days_lower_bound is None or self.days_late <= self.days_lower_bound
        return "OPTIMAL" if self.late <= self.lower_bound and proven_days else "FEASIBLE"

    @property
    def gap(self) -> float:
        """Share of the late follow-ups that a better plan might still avoid (0 = proven minimal)."""
        return 0.0 if self.late <= self.lower_bound else (self.late - self.lower_bound) / self.late


def forced_late(instance: PackingInstance, fixed: dict[int, list[Booking]]) -> int:
    """Families whose next legal band has no day on which the rest of the chain can be kept on time."""
    count = 0
    for i, family in enumerate(instance.families):
        frozen = fixed.get(i, [])
        prev = frozen[-1].day if frozen else family.prev_day
        prev_is_meeting = bool(frozen) or family.prev_is_meeting
        if not on_time_chain_exists(family.allowed_days, prev, prev_is_meeting, family.clock, instance.n_days,
                                    family.viable_days):
            count += 1
    return count


class Packer:
    def __init__(self, instance: PackingInstance, options: PackingOptions = PackingOptions(),
                 progress: ProgressCallback = no_progress, stop: StopToken | None = None,
                 clock: WorkClock | None = None) -> None:
        self.instance, self.options = instance, options
        self.progress, self.stop = progress, stop or StopToken()
        self.clock = clock or WorkClock(options.deterministic)
        self.book = SlotBook(instance)
        index = instance.family_index
        self.fixed: dict[int, list[Booking]] = {}
        """Frozen meetings per family, in date order: they start the family's chain and never move."""
        self.fixed_meetings: dict[int, list[Meeting]] = {}
        self.fixed_slots: dict[tuple[int, int], set[int]] = {}
        for meeting in sorted(instance.fixed, key=lambda m: (m.day, m.start_minute)):
            i = index.get(meeting.chain_id)
            if i is None:
                continue
            offset = meeting.start_minute - instance.hours.start_minute
            slots = self.book.slots_of(offset, meeting.end_minute - meeting.start_minute)
            booking = Booking(instance.number(meeting.day), min(slots) if slots else 0)
            self.fixed_slots[(i, len(self.fixed.get(i, [])))] = slots
            self.fixed.setdefault(i, []).append(booking)
            self.fixed_meetings.setdefault(i, []).append(meeting)
        self.fixed_people = {i: [m.attendees for m in meetings] for i, meetings in self.fixed_meetings.items()}
        """A frozen meeting keeps its own attendees, even if the family's team or coordinator has changed since."""
        self._book_fixed()
        self.announced: dict[int, list[int]] = {}
        self.announced_slots: dict[int, list[tuple[int, int]]] = {}
        for family_id, meetings in instance.previous.items():
            i = index.get(family_id)
            if i is not None:
                self.announced[i] = [instance.number(m.day) for m in meetings]
                self.announced_slots[i] = [(instance.number(m.day), self.slot_of(m)) for m in meetings]
        self.spots = {i: {day: slot for day, slot in slots if slot >= 0} for i, slots in self.announced_slots.items()}
        """Per family: announced day -> time block (re-planning keeps these where it can)."""

    def slot_of(self, meeting: Meeting) -> int:
        """The time block an announced meeting starts in (-1 if it does not start on a block boundary)."""
        offset = meeting.start_minute - self.instance.hours.start_minute
        slot, rest = divmod(offset, self.book.slot_minutes)
        return slot if rest == 0 and 0 <= slot < self.book.n_slots else -1

    def _book_fixed(self) -> None:
        for i, bookings in self.fixed.items():
            for k, booking in enumerate(bookings):
                self.book.book_people(self.fixed_people[i][k], booking.day, self.fixed_slots[(i, k)])

    def _book_negotiated(self, days: list[list[int]], order: list[int]) -> tuple[dict[int, Chain], list[int]]:
        """Book each family's negotiated days into time blocks; families that do not fit are returned."""
        chains: dict[int, Chain] = {}
        conflicted: list[int] = []
        # families with an announced plan are booked first, so newcomers do not take their time blocks
        order = sorted(order, key=lambda i: i not in self.announced_slots)
        for i in order:
            family = self.instance.families[i]
            taken: list[Booking] = []
            wishes = dict(self.announced_slots.get(i, []))
            for day in days[i]:
                wish = wishes.get(day, -1)
                if wish >= 0 and self.book.slot_is_free(family, day, wish):
                    slot = wish
                else:
                    slot = self.book.free_slot(family, day)
                if slot is None:
                    for booking in taken:
                        self.book.release(family, booking.day, {booking.slot})
                    taken = []
                    conflicted.append(i)
                    break
                self.book.book(family, day, {slot})
                taken.append(Booking(day, slot))
            else:
                bookings = self.fixed.get(i, []) + taken
                chains[i] = Chain(bookings, _on_time(family, bookings, self.instance.n_days))
        return chains, conflicted

    def _attempt(self, days: list[list[int]], order: list[int], seconds: float) -> tuple[dict, dict]:
        """Book negotiated days into time blocks, re-lay what does not fit, repair what is late."""
        instance, options = self.instance, self.options
        began = self.clock.now()
        self.book = SlotBook(instance)
        self._book_fixed()
        layer = ChainLayer(instance, self.book, options.construct, self.fixed, self.announced, self.clock)
        chains, conflicted = self._book_negotiated(days, order)
        for i in conflicted:
            chains[i] = layer.lay_on_time(i) or layer.lay_with_lateness(i)
        # late chains, whether from the negotiation (absences, or lateness let in when capacity ran short) or from
        # re-laying, get a chance to be made on time by ejection chains
        still_late = [i for i in order if not chains[i].on_time]
        if still_late and not self.stop.stopped:
            still_late = eject_and_relay(layer, chains, still_late, max(0.1, seconds * options.ejection_share),
                                         random.Random(options.seed), set(self.fixed), lambda: self.stop.stopped)
        bookings = {i: list(chain.bookings) for i, chain in chains.items()}
        locked = {(i, k) for i, fixed in self.fixed.items() for k in range(len(fixed))}
        stats = None
        left = seconds - (self.clock.now() - began)
        if lateness(instance, bookings) and left > 0.2 and not self.stop.stopped:
            self.progress(self._share(), "Reparerer sene møder")
            stats = Repairer(instance, bookings, self.book, options.repair, self.stop, locked, self.clock,
                             on_attempt=lambda: self._tick("Reparerer sene møder")).run(left)
        figures = {
            "families_rebooked": len(conflicted),
            "families_late_after_booking": len(still_late),
            "repair_attempts": stats.attempts if stats else 0,
            "repair_improvements": stats.improved if stats else 0,
            "repair_statuses": stats.statuses if stats else {},
        }
        return bookings, figures

    def _share(self) -> float:
        return min(0.99, (self.clock.now() - self.began) / max(1e-6, self.options.seconds))

    def _tick(self, text: str) -> bool:
        """Report progress from inside a phase (each negotiation round, each repair attempt), so the bar moves
        steadily instead of sitting for seconds; returns False so it can stand in a stop check."""
        self.progress(self._share(), text)
        return False

    def run(self) -> PackingResult:
        """Negotiate, book and repair; while time is left and lateness is not proven minimal, negotiate on
        from where it stopped and try again, keeping the best plan."""
        self.began = self.clock.now()
        instance, options = self.instance, self.options
        budget = options.seconds

        def left() -> float:
            return budget - (self.clock.now() - self.began)

        negotiator = Negotiator(instance, options.negotiation, {i: [b.day for b in bs] for i, bs in self.fixed.items()},
                                self.announced, self.clock, self.fixed_people)
        order = difficulty_order(instance, options.seed)
        lower_bound = forced_late(instance, self.fixed)
        best, best_score, best_figures = None, None, {}
        attempts, history = 0, []
        while True:
            attempts += 1
            self.progress(self._share(), "Forhandler mødedage")
            slice_seconds = budget * options.negotiation_share if attempts == 1 else max(0.5, 0.5 * left())
            negotiation = negotiator.run(min(slice_seconds, max(0.2, left() - 0.5)), order,
                                         lambda: self._tick("Forhandler mødedage") or self.stop.stopped,
                                         release_after=budget * options.negotiation_share * 0.5)
            history += negotiation.overbooked
            self.progress(self._share(), "Booker mødetider")
            bookings, figures = self._attempt(negotiation.days, order, max(0.3, min(left(), budget * 0.3)))
            current = score(lateness(instance, bookings))
            if best_score is None or current < best_score:
                best, best_score, best_figures = bookings, current, figures
            if best_score[1] <= lower_bound or left() < 1.0 or self.stop.stopped:
                break
        completed = self.complete_chains(best)
        return self._result(best, lower_bound, {
            "attempts": attempts,
            "negotiation_rounds": negotiator.total_rounds,
            "overbooked_per_round": history,
            "negotiation_seconds": round(negotiator.spent, 2),
            "capacity_short": negotiator.released,
            "chains_completed": completed,
            **best_figures,
        })

    def _result(self, chains: dict[int, list[Booking]], lower_bound: int, phases: dict) -> PackingResult:
        """The chains as meetings with times and ids, and what it took."""
        meetings, unplaced = self._meetings(chains)
        self.progress(1.0, "Færdig" if not self.stop.stopped else "Stoppet")
        return PackingResult(meetings=meetings, unplaced=unplaced, stopped=self.stop.stopped,
                             seconds=self.clock.now() - self.began, lower_bound=lower_bound,
                             phases={"n_days": self.instance.n_days, **phases})

    def least_change_chain(self, i: int) -> list[Booking]:
        """The chain after the family's frozen meetings that is least late, keeps the most announced meetings and
        has the fewest meetings, given what is booked already (dynamic programme over the days).

        One function on purpose, like ``Negotiator.cheapest_chain``: the forward pass and the walk back share the
        local tables of the programme."""
        instance, family, book = self.instance, self.instance.families[i], self.book
        n = instance.n_days
        fixed = self.fixed.get(i, [])
        prev0, first_is_meeting = (fixed[-1].day, True) if fixed else (family.prev_day, family.prev_is_meeting)
        clock = family.clock
        if clock.complete(prev0, first_is_meeting, n):
            return list(fixed)
        spots = self.spots.get(i, {})
        first = max(0, clock.earliest(prev0, first_is_meeting))
        options: dict[int, tuple[int, bool]] = {}
        for day in family.allowed_days:
            if day < first:
                continue
            wish = spots.get(day, -1)
            if wish >= 0 and book.slot_is_free(family, day, wish):
                options[day] = (wish, True)
            else:
                slot = book.free_slot(family, day)
                if slot is not None:
                    options[day] = (slot, False)
        self.clock.charge(DAY_LOOKED_AT * len(family.allowed_days))
        days = sorted(options)

        announced_days = sorted(spots)

        def away(day: int) -> int:
            """Days to the nearest announced day: a moved meeting stays close to where families expect it."""
            if not announced_days:
                return 0
            k = bisect_left(announced_days, day)
            near = [abs(day - announced_days[j]) for j in (k - 1, k) if 0 <= j < len(announced_days)]
            return min(MOVE_REACH, min(near))

        def step(prev: int, day: int) -> int:
            late = clock.days_late(prev, day)
            kept = options[day][1]
            return (W_DAY_LATE * late + (W_LATE if late else 0) + W_MEETING
                    + (-W_KEPT if kept else away(day)))

        best: dict[int, int] = {}
        came_from: dict[int, int | None] = {}
        for day in days:
            if day <= clock.deadline(prev0) + LATE_REACH:
                best[day], came_from[day] = step(prev0, day), None
            for prev in days[bisect_left(days, day - clock.longest_gap - LATE_REACH):]:
                if clock.earliest(prev, True) > day:
                    break
                if prev in best and not clock.complete(prev, True, n):
                    cost = best[prev] + step(prev, day)
                    if day not in best or cost < best[day]:
                        best[day], came_from[day] = cost, prev
        self.clock.charge(DAY_LOOKED_AT * len(days) * min(len(days), clock.longest_gap + LATE_REACH) / 8)

        def missing(last: int) -> int:
            if clock.complete(last, True, n):
                return 0
            return W_DAY_LATE * (clock.end(n) - clock.deadline(last)) + W_LATE

        ends = [(best[day] + missing(day), day) for day in best]
        if not ends:
            return list(fixed)
        _, day = min(ends)
        path: list[int] = []
        while day is not None:
            path.append(day)
            day = came_from[day]
        chain = list(fixed)
        for day in reversed(path):
            slot = options[day][0]
            book.book(family, day, {slot})
            chain.append(Booking(day, slot))
        self.clock.charge(BOOKING * len(path))
        return chain

    def complete_chains(self, chains: dict[int, list[Booking]]) -> int:
        """Lay again, by the least-change programme, every family whose chain leaves a follow-up missing at the
        end; keep it where that takes days off the lateness.  Returns how many improved.  (A plan is then also
        what a stable re-plan of it keeps: see stable.py.)"""
        self.book = SlotBook(self.instance)
        self._book_fixed()
        for i, chain in chains.items():
            family = self.instance.families[i]
            for booking in chain[len(self.fixed.get(i, [])):]:
                self.book.book(family, booking.day, {booking.slot})
        improved = 0
        for i in sorted(chains):
            family, chain = self.instance.families[i], chains[i]
            last, is_meeting = (chain[-1].day, True) if chain else (family.prev_day, family.prev_is_meeting)
            if family.clock.complete(last, is_meeting, self.instance.n_days):
                continue
            own = chain[len(self.fixed.get(i, [])):]
            for booking in own:
                self.book.release(family, booking.day, {booking.slot})
            before = score(lateness(self.instance, {i: chain}))
            candidate = self.least_change_chain(i)
            if score(lateness(self.instance, {i: candidate})) < before:
                chains[i] = candidate
                improved += 1
                continue
            for booking in candidate[len(self.fixed.get(i, [])):]:
                self.book.release(family, booking.day, {booking.slot})
            for booking in own:
                self.book.book(family, booking.day, {booking.slot})
        return improved

    def _meetings(self, bookings: dict[int, list[Booking]]) -> tuple[list[Meeting], list[tuple[str, int]]]:
        instance = self.instance
        meetings, unplaced = [], []
        for i, family in enumerate(instance.families):
            chain = bookings.get(i, [])
            fixed = self.fixed_meetings.get(i, [])
            times = [self._times(family, booking) for booking in chain[len(fixed):]]
            previous = instance.previous.get(family.chain_id, [])
            announced = {m.meeting_id: m for m in previous}
            ids = meeting_ids(family.id_prefix, previous,
                              [(instance.day(b.day), start) for b, (start, _) in zip(chain[len(fixed):], times)],
                              taken={m.meeting_id for m in fixed} | instance.used_ids.get(family.chain_id, set()))
            prev, is_meeting = family.prev_day, family.prev_is_meeting
            for k, booking in enumerate(chain):
                deadline = family.clock.deadline(prev)
                if k < len(fixed):
                    meetings.append(replace(fixed[k], day=instance.day(booking.day), rule_id=family.rule_id,
                                            deadline=instance.day(deadline), days_late=max(0, booking.day - deadline),
                                            frozen=True))
                else:
                    (start, end), meeting_id = times[k - len(fixed)], ids[k - len(fixed)]
                    before = announced.get(meeting_id)
                    kept = before is not None and (before.day, before.start_minute) == (instance.day(booking.day), start)
                    meetings.append(Meeting(meeting_id, family.family_id, instance.day(booking.day), start, end,
                                            family.attendees, family.rule_id, instance.day(deadline),
                                            max(0, booking.day - deadline),
                                            status=before.status if kept else PLANNED, person_id=family.person_id))
                prev, is_meeting = booking.day, True
            if not family.clock.complete(prev, is_meeting, instance.n_days):
                unplaced.append((family.chain_id, family.clock.deadline(prev)))
        return meetings, unplaced

    def _times(self, family: FamilyDemand, booking: Booking) -> tuple[int, int]:
        start = self.instance.hours.start_minute + self.book.slot_start(booking.slot)
        return start, start + family.minutes


def meeting_ids(prefix: str, announced: list[Meeting], new: list[tuple], taken: set[str]) -> list[str]:
    """Ids for a chain's new meetings (``(day, start minute)`` each, in date order), as ``{prefix}-NN``.

    A meeting held at the very day and time of an announced one keeps its id (nothing changed for anyone); the
    other announced ids go, in date order, to the meetings that moved, so a calendar sees a move, not a
    cancellation and a new meeting; any further meeting gets a fresh number no plan of the family has used."""
    spots = {(m.day, m.start_minute): m.meeting_id for m in announced}
    ids: list[str | None] = [spots.get(spot) for spot in new]
    kept = {meeting_id for meeting_id in ids if meeting_id}
    spare = [m.meeting_id for m in announced if m.meeting_id not in kept]
    used = set(taken) | {m.meeting_id for m in announced}
    number = 0
    for k, meeting_id in enumerate(ids):
        if meeting_id:
            continue
        if spare:
            ids[k] = spare.pop(0)
            continue
        number += 1
        while f"{prefix}-{number:02d}" in used:
            number += 1
        ids[k] = f"{prefix}-{number:02d}"
        used.add(ids[k])
    return ids


def _on_time(family: FamilyDemand, bookings: list[Booking], n_days: int) -> bool:
    prev, is_meeting = family.prev_day, family.prev_is_meeting
    for booking in bookings:
        if family.clock.days_late(prev, booking.day):
            return False
        prev, is_meeting = booking.day, True
    return family.clock.complete(prev, is_meeting, n_days)


def pack_meetings(instance: PackingInstance, options: PackingOptions = PackingOptions(),
                  progress: ProgressCallback = no_progress, stop: StopToken | None = None) -> PackingResult:
    return Packer(instance, options, progress, stop).run()
