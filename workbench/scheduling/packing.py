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

Priorities throughout, strongest first: no late meeting (then fewest days
late), keep announced meetings (re-planning), fewest meetings (each as late as
the rules allow, so the next deadline stays far away), then balance.  The
status says whether lateness is proven minimal: it is when every late meeting
is forced by absences alone (no plan could hold it on time).
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field

from workbench.scheduling.construct import (
    Booking,
    Chain,
    ChainLayer,
    ConstructOptions,
    SlotBook,
    difficulty_order,
    eject_and_relay,
)
from workbench.scheduling.instance import FamilyDemand, PackingInstance
from workbench.scheduling.negotiate import NegotiationOptions, Negotiator
from workbench.scheduling.plan import Meeting
from workbench.scheduling.repair import RepairOptions, Repairer, lateness, score
from workbench.scheduling.stopping import ProgressCallback, StopToken, no_progress


@dataclass(frozen=True)
class PackingOptions:
    seconds: float = 30.0
    """Time for the whole packing."""
    negotiation_share: float = 0.55
    ejection_share: float = 0.15
    workers: int = 2
    seed: int = 1
    negotiation: NegotiationOptions = NegotiationOptions()
    construct: ConstructOptions = ConstructOptions()
    repair: RepairOptions = RepairOptions()


@dataclass
class PackingResult:
    meetings: list[Meeting]
    unplaced: list[tuple[str, int]] = field(default_factory=list)
    """(family_id, deadline day) for required follow-ups that found no day in the horizon."""
    stopped: bool = False
    seconds: float = 0.0
    lower_bound: int = 0
    """Late follow-ups that absences alone force: no plan can have fewer."""
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
        return "OPTIMAL" if self.late <= self.lower_bound else "FEASIBLE"

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
        if prev + family.max_gap >= instance.n_days:
            continue
        low = prev + (max(1, family.min_gap) if prev_is_meeting else 0)
        if not any(low <= day <= prev + family.max_gap for day in family.viable_days):
            count += 1
    return count


class Packer:
    def __init__(self, instance: PackingInstance, options: PackingOptions = PackingOptions(),
                 progress: ProgressCallback = no_progress, stop: StopToken | None = None) -> None:
        self.instance, self.options = instance, options
        self.progress, self.stop = progress, stop or StopToken()
        self.book = SlotBook(instance)
        index = instance.family_index
        self.fixed: dict[int, list[Booking]] = {}
        self.fixed_times: dict[tuple[int, int], tuple[int, int, str]] = {}
        self.fixed_slots: dict[tuple[int, int], set[int]] = {}
        for meeting in sorted(instance.fixed, key=lambda m: m.day):
            i = index.get(meeting.family_id)
            if i is None:
                continue
            offset = meeting.start_minute - instance.hours.start_minute
            slots = self.book.slots_of(offset, meeting.end_minute - meeting.start_minute)
            booking = Booking(instance.number(meeting.day), min(slots) if slots else 0)
            self.book.book(instance.families[i], booking.day, slots)
            self.fixed_slots[(i, len(self.fixed.get(i, [])))] = slots
            self.fixed_times[(i, len(self.fixed.get(i, [])))] = (meeting.start_minute, meeting.end_minute,
                                                                 meeting.meeting_id)
            self.fixed.setdefault(i, []).append(booking)
        self.announced: dict[int, list[int]] = {}
        self.announced_slots: dict[int, list[tuple[int, int]]] = {}
        for family_id, meetings in instance.previous.items():
            i = index.get(family_id)
            if i is not None:
                later = meetings[len(self.fixed.get(i, [])):]
                self.announced[i] = [instance.number(m.day) for m in later]
                self.announced_slots[i] = [
                    (instance.number(m.day), min(self.book.slots_of(m.start_minute - instance.hours.start_minute,
                                                                    m.end_minute - m.start_minute) or {0}))
                    for m in later]

    def _book_negotiated(self, days: list[list[int]], order: list[int]) -> tuple[dict[int, Chain], list[int]]:
        """Book each family's negotiated days into time blocks; families that do not fit are returned."""
        chains: dict[int, Chain] = {}
        conflicted: list[int] = []
        # families with an announced plan are booked first, so newcomers do not take their time blocks
        order = sorted(order, key=lambda i: i not in self.announced_slots)
        for i in order:
            family = self.instance.families[i]
            taken: list[Booking] = []
            wishes = self.announced_slots.get(i, [])
            for k, day in enumerate(days[i]):
                wish = wishes[k] if k < len(wishes) else None
                if wish and wish[0] == day and self.book.slot_is_free(family, day, wish[1]):
                    slot = wish[1]
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
        began = time.perf_counter()
        self.book = SlotBook(instance)
        for i, bookings in self.fixed.items():
            for k, booking in enumerate(bookings):
                self.book.book(instance.families[i], booking.day, self.fixed_slots[(i, k)])
        layer = ChainLayer(instance, self.book, options.construct, self.fixed, self.announced)
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
        left = seconds - (time.perf_counter() - began)
        if lateness(instance, bookings) and left > 0.2 and not self.stop.stopped:
            self.progress(self._share(), "Reparerer sene møder")
            stats = Repairer(instance, bookings, self.book, options.repair, self.stop, locked).run(left)
        figures = {
            "families_rebooked": len(conflicted),
            "families_late_after_booking": len(still_late),
            "repair_attempts": stats.attempts if stats else 0,
            "repair_improvements": stats.improved if stats else 0,
            "repair_statuses": stats.statuses if stats else {},
        }
        return bookings, figures

    def _share(self) -> float:
        return min(0.99, (time.perf_counter() - self.began) / max(1e-6, self.options.seconds))

    def run(self) -> PackingResult:
        """Negotiate, book and repair; while time is left and lateness is not proven minimal, negotiate on
        from where it stopped and try again, keeping the best plan."""
        self.began = time.perf_counter()
        instance, options = self.instance, self.options
        budget = options.seconds

        def left() -> float:
            return budget - (time.perf_counter() - self.began)

        negotiator = Negotiator(instance, options.negotiation, {i: [b.day for b in bs] for i, bs in self.fixed.items()},
                                self.announced)
        order = difficulty_order(instance, options.seed)
        lower_bound = forced_late(instance, self.fixed)
        best, best_score, best_figures = None, None, {}
        attempts, history = 0, []
        while True:
            attempts += 1
            self.progress(self._share(), "Forhandler mødedage")
            slice_seconds = budget * options.negotiation_share if attempts == 1 else max(0.5, 0.5 * left())
            negotiation = negotiator.run(min(slice_seconds, max(0.2, left() - 0.5)), order, lambda: self.stop.stopped,
                                         release_after=budget * options.negotiation_share * 0.5)
            history += negotiation.overbooked
            self.progress(self._share(), "Booker mødetider")
            bookings, figures = self._attempt(negotiation.days, order, max(0.3, min(left(), budget * 0.3)))
            current = score(lateness(instance, bookings))
            if best_score is None or current < best_score:
                best, best_score, best_figures = bookings, current, figures
            if best_score[1] <= lower_bound or left() < 1.0 or self.stop.stopped:
                break
        meetings, unplaced = self._meetings(best)
        self.progress(1.0, "Færdig" if not self.stop.stopped else "Stoppet")
        return PackingResult(
            meetings=meetings,
            unplaced=unplaced,
            stopped=self.stop.stopped,
            seconds=time.perf_counter() - self.began,
            lower_bound=lower_bound,
            phases={
                "n_days": instance.n_days,
                "attempts": attempts,
                "negotiation_rounds": negotiator.total_rounds,
                "overbooked_per_round": history,
                "negotiation_seconds": round(negotiator.spent, 2),
                "capacity_short": negotiator.released,
                **best_figures,
            },
        )

    def _meetings(self, bookings: dict[int, list[Booking]]) -> tuple[list[Meeting], list[tuple[str, int]]]:
        instance, hours = self.instance, self.instance.hours
        meetings, unplaced = [], []
        for i, family in enumerate(instance.families):
            chain = bookings.get(i, [])
            announced = instance.previous.get(family.family_id, [])
            prev = family.prev_day
            for k, booking in enumerate(chain):
                deadline = prev + family.max_gap
                if (i, k) in self.fixed_times:
                    start, end, meeting_id = self.fixed_times[(i, k)]
                else:
                    start = hours.start_minute + self.book.slot_start(booking.slot)
                    end = start + family.minutes
                    meeting_id = announced[k].meeting_id if k < len(announced) else f"{family.family_id}-{k + 1:02d}"
                meetings.append(Meeting(meeting_id, family.family_id, instance.day(booking.day), start, end,
                                        family.attendees, family.rule_id, instance.day(deadline),
                                        max(0, booking.day - deadline)))
                prev = booking.day
            if prev + family.max_gap < instance.n_days:
                unplaced.append((family.family_id, prev + family.max_gap))
        return meetings, unplaced


def _on_time(family: FamilyDemand, bookings: list[Booking], n_days: int) -> bool:
    prev = family.prev_day
    for booking in bookings:
        if booking.day > prev + family.max_gap:
            return False
        prev = booking.day
    return prev + family.max_gap >= n_days


def pack_meetings(instance: PackingInstance, options: PackingOptions = PackingOptions(),
                  progress: ProgressCallback = no_progress, stop: StopToken | None = None) -> PackingResult:
    return Packer(instance, options, progress, stop).run()
