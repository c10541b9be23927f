"""Re-planning that continues the announced plan instead of starting over.

Families and staff have been told the dates.  So the next plan keeps every announced meeting whose day and time
still work, and changes only what a change forces:

1. A family whose announced chain still holds - every meeting on an open day for everyone on the team, in a
   free time block, the minimum interval kept, no later than announced, the horizon covered - keeps it exactly.
2. Every other family (a new family, a sick leave on a meeting day, a held meeting that moved the deadlines, a
   longer horizon) gets the chain that changes least: by dynamic programming over the days, fewest days late
   first, then as many announced meetings as possible kept at their day and time, then fewest meetings.
3. What is still late among those families is repaired with CP-SAT (repair.py), which may move other meetings
   only to take days off the lateness, and moves as few announced meetings as it can.

"Genoptimér" (``reoptimize``) then lets the repair work on every late follow-up, not only the disturbed ones:
more announced meetings move, for fewer days late; the plan reports how many moves bought how many days.  The
stable plan is made first exactly as without Genoptimér (same steps, same time), and the wider repair then gets
as long again, starting from it and keeping only improvements: Genoptimér is never later than keeping the plan.
"""

from __future__ import annotations

from workbench.scheduling.construct import Booking, difficulty_order
from workbench.scheduling.packing import Packer, PackingResult, forced_late
from workbench.scheduling.repair import Repairer, lateness, score
from workbench.scheduling.workclock import BOOKING


class StablePacker(Packer):
    """Keeps the announced plan; see the module docstring.  ``reoptimize`` repairs every late follow-up."""

    def __init__(self, *args, reoptimize: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.reoptimize = reoptimize

    # ------------------------------------------------------------------ 1. keep what still holds

    def keeps(self, i: int) -> list[Booking] | None:
        """The family's announced chain, booked as it stands, if it still holds; else None (nothing booked)."""
        instance, family = self.instance, self.instance.families[i]
        announced = instance.previous.get(family.chain_id, [])
        slots = self.announced_slots.get(i, [])
        fixed = self.fixed.get(i, [])
        prev, is_meeting = (fixed[-1].day, True) if fixed else (family.prev_day, family.prev_is_meeting)
        allowed = set(family.allowed_days)
        days_late, clock = 0, family.clock
        for day, slot in slots:
            if slot < 0 or day not in allowed or day < clock.earliest(prev, is_meeting) or \
                    clock.complete(prev, is_meeting, instance.n_days):
                return None
            days_late += clock.days_late(prev, day)
            prev, is_meeting = day, True
        if not clock.complete(prev, is_meeting, instance.n_days):
            return None  # the horizon is not covered: a follow-up is missing at the end
        if days_late > sum(m.days_late for m in announced):
            return None  # the deadlines moved (a held meeting): keeping it would make it later than announced
        booked: list[Booking] = []
        for day, slot in slots:
            if not self.book.slot_is_free(family, day, slot):
                for booking in booked:
                    self.book.release(family, booking.day, {booking.slot})
                return None
            self.book.book(family, day, {slot})
            booked.append(Booking(day, slot))
        self.clock.charge(BOOKING * len(slots))
        return fixed + booked

    def moved(self, chains: dict[int, list[Booking]]) -> int:
        """Announced meetings (after the freeze) that are not at their announced day and time block."""
        count = 0
        for i, spots in self.announced_slots.items():
            booked = {(b.day, b.slot) for b in chains.get(i, [])}
            count += sum(1 for spot in spots if spot not in booked)
        return count

    # ------------------------------------------------------------------ the whole re-plan

    def run(self) -> PackingResult:
        self.began = self.clock.now()
        instance, options = self.instance, self.options
        chains: dict[int, list[Booking]] = {}
        disturbed: list[int] = []
        self.progress(0.05, "Holder fast ved den udmeldte plan")
        for i in range(len(instance.families)):
            kept = self.keeps(i) if i in self.announced_slots else None
            if kept is not None:
                chains[i] = kept
            else:
                disturbed.append(i)
        order = [i for i in difficulty_order(instance, options.seed) if i in set(disturbed)]
        self.progress(0.2, "Lægger de berørte familiers møder")
        for i in order:
            chains[i] = self.least_change_chain(i)
        locked = {(i, k) for i, fixed in self.fixed.items() for k in range(len(fixed))}
        targets = set(disturbed)
        repairs: list = []
        if any(item[0] in targets for item in lateness(instance, chains)) and not self.stop.stopped:
            self.progress(0.4, "Reparerer sene møder")
            seconds = options.seconds - (self.clock.now() - self.began)
            repairs.append(Repairer(instance, chains, self.book, options.repair, self.stop, locked, self.clock,
                                    announced=self.spots, targets=targets).run(max(0.3, seconds)))
        stable = {"moved": self.moved(chains), "days_late": score(lateness(instance, chains))[0],
                  "late": score(lateness(instance, chains))[1]}
        reoptimized = None
        if self.reoptimize and lateness(instance, chains) and not self.stop.stopped:
            self.progress(0.7, "Genoptimerer")
            repairs.append(Repairer(instance, chains, self.book, options.repair, self.stop, locked, self.clock,
                                    announced=self.spots).run(options.seconds))
            reoptimized = {"moved": self.moved(chains), "days_late": score(lateness(instance, chains))[0],
                           "late": score(lateness(instance, chains))[1]}
        return self._result(chains, forced_late(instance, self.fixed), {
            "mode": "genoptimér" if self.reoptimize else "stabil",
            "families_kept": len(instance.families) - len(disturbed),
            "families_disturbed": len(disturbed),
            "repair_attempts": sum(r.attempts for r in repairs),
            "repair_improvements": sum(r.improved for r in repairs),
            "stable": stable,
            "reoptimized": reoptimized,
        })
