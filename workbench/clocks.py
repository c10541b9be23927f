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

Rules switch on the day a new version takes over (``valid_from``/``valid_to``): a clock may carry
*switches*, the days on which another maximum and minimum interval come into force.  The interval in force
on each day counts: after a follow-up on day ``p`` the next is late on day ``d`` when ``d - p`` exceeds the
maximum interval in force on ``d``.  The deadline is the last day before the first such ``d``.  With one
switch on day ``S`` from ``g0`` to ``g1``: ``p + g0`` if the day after it falls before ``S``; else ``p + g1``
if that falls on or after ``S``; else ``S - 1`` (the follow-up must be held before the stricter rule takes
over).
The deadline never moves earlier when the previous follow-up moves later (the solvers rely on it).  The
minimum interval likewise: the next may be held from the first day ``y`` such that ``d - p`` meets the
minimum interval in force on ``d`` for ``y`` and every later day (so the days allowed stay one band and
move later with ``p``; when a version with a longer minimum interval is about to start, the meeting waits).

Dates: the anchor of a chain is the last follow-up held, else the case start, else the first day of the plan.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING, Iterable

from workbench.model import CADENCE, COUNT, DEADLINE, TEAM, Case, Family, FollowupRule

if TYPE_CHECKING:
    from workbench.model import Register


Switch = tuple[int, int, int]
"""(first day, maximum interval, minimum interval) of a rule version that takes over inside a chain's time."""


@dataclass(frozen=True)
class Clock:
    """The timing of one chain: the band after each follow-up, in days."""

    max_gap: int
    """Days from the previous follow-up (or the case start) to the deadline of the next (the version in force
    before the first switch)."""
    min_gap: int = 0
    """Fewest days after the previous follow-up (before the first switch)."""
    repeat: bool = True
    """False for a one-off deadline: the chain is complete once one appointment is held."""
    until: int | None = None
    """Last day of a count window (at least N appointments in the first months): no appointment is due after it."""
    switches: tuple[Switch, ...] = ()
    """Days on which another version's intervals come into force, in order (see the module docstring)."""

    def __post_init__(self) -> None:
        kept, last = [], (self.max_gap, self.min_gap)
        for day, max_gap, min_gap in sorted(self.switches):
            if (max_gap, min_gap) != last:  # a version with the same intervals changes nothing
                kept.append((day, max_gap, min_gap))
                last = (max_gap, min_gap)
        object.__setattr__(self, "switches", tuple(kept))

    def end(self, n_days: int) -> int:
        """The day from which nothing more is due: the end of the horizon, or of the count window."""
        return n_days if self.until is None else min(n_days, self.until + 1)

    @property
    def step(self) -> int:
        """Days after a follow-up before the next may be held: the minimum interval, and never the same day
        (before the first switch; :meth:`earliest` knows them all)."""
        return max(1, self.min_gap)

    def _pieces(self) -> list[tuple[int | None, int | None, int, int]]:
        """(first day or None, day after the last or None, maximum interval, step) of each version in force."""
        starts = [None] + [day for day, _, _ in self.switches]
        ends = starts[1:] + [None]
        gaps = [(self.max_gap, self.step)] + [(g, max(1, m)) for _, g, m in self.switches]
        return [(a, b, g, s) for a, b, (g, s) in zip(starts, ends, gaps)]

    @property
    def longest_gap(self) -> int:
        """The longest maximum interval of any version (look-back windows of heuristics)."""
        return max([self.max_gap] + [g for _, g, _ in self.switches])

    @property
    def shortest_gap(self) -> int:
        """The shortest maximum interval of any version."""
        return min([self.max_gap] + [g for _, g, _ in self.switches])

    @property
    def shortest_step(self) -> int:
        """The shortest step of any version (the most meetings a horizon can hold)."""
        return min([self.step] + [max(1, m) for _, _, m in self.switches])

    def earliest(self, prev: int, prev_is_meeting: bool) -> int:
        """First day the next follow-up may be held (right away after a case start): from there on, every day
        is at least the minimum interval in force on it after ``prev``."""
        if not prev_is_meeting:
            return prev
        if not self.switches:
            return prev + self.step
        first = prev + 1
        for since, until, _, step in self._pieces():  # the last day too close, in each version
            last_close = prev + step - 1 if until is None else min(until - 1, prev + step - 1)
            if since is None or last_close >= since:
                first = max(first, last_close + 1)
        return first

    def deadline(self, prev: int) -> int:
        """Last day the next follow-up is on time: the day before the first day on which the interval since
        ``prev`` exceeds the maximum interval in force on that day."""
        if not self.switches:
            return prev + self.max_gap
        for since, until, gap, _ in self._pieces():
            first_late = prev + gap + 1 if since is None else max(prev + gap + 1, since)
            if until is None or first_late < until:
                return first_late - 1
        raise AssertionError("the last version lasts for ever")

    def first_prev_for(self, day: int) -> int:
        """The earliest previous follow-up after which a follow-up on ``day`` is on time (the deadline grows with
        the previous day, so this is where it reaches ``day``)."""
        if not self.switches:
            return day - self.max_gap
        low, high = day - self.longest_gap, day - self.shortest_gap  # deadline(p) - p lies between the gaps
        while low < high:
            middle = (low + high) // 2
            if self.deadline(middle) >= day:
                high = middle
            else:
                low = middle + 1
        return low

    def last_prev_for(self, day: int) -> int:
        """The latest previous follow-up after which one on ``day`` keeps the minimum interval."""
        if not self.switches:
            return day - self.step
        prev = day - self.shortest_step
        while self.earliest(prev, True) > day:
            prev -= 1
        return prev

    def due_by(self, prev: int, day: int) -> int:
        """The fewest follow-ups after ``prev`` that must be held by ``day`` (each held on its deadline)."""
        if not self.switches:
            return max(0, (day - prev) // self.max_gap)
        count, due = 0, self.deadline(prev)
        while due <= day:
            count, due = count + 1, self.deadline(due)
        return count

    def band(self, prev: int, prev_is_meeting: bool) -> tuple[int, int]:
        """(earliest, deadline) of the next follow-up."""
        return self.earliest(prev, prev_is_meeting), self.deadline(prev)

    def days_late(self, prev: int, day: int) -> int:
        return max(0, day - self.deadline(prev))

    def complete(self, prev: int, prev_is_meeting: bool, n_days: int) -> bool:
        """Nothing more is due in the horizon (days 0 .. n_days-1): a one-off has been held, or the next
        deadline falls after the horizon."""
        return (not self.repeat and prev_is_meeting) or self.deadline(prev) >= self.end(n_days)


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
    done = clock.end(n_days)
    viable = [False] * (n_days + 1)
    suffix = [0] * (n_days + 2)  # suffix[d] = number of viable days >= d
    for day in range(n_days - 1, -1, -1):
        if day in allowed:
            low, high = clock.band(day, True)
            if high >= done:  # complete: the next deadline falls after the horizon (or the window)
                viable[day] = True
            else:
                viable[day] = suffix[min(n_days, low)] - suffix[high + 1] > 0
        suffix[day] = suffix[day + 1] + viable[day]
    return frozenset(d for d in range(n_days) if viable[d])


def tightest_band(viable: Iterable[int], clock: Clock, n_days: int) -> int:
    """Fewest viable days any band of the chain can offer (holidays make some bands narrow)."""
    ordered = sorted(viable)
    if not ordered:
        return 0
    if not clock.repeat:
        return n_days  # a one-off has no band after it
    tightest, done = n_days, clock.end(n_days)
    for day in ordered:
        low, high = clock.band(day, True)
        if high >= done:  # complete after this day
            break
        tightest = min(tightest, bisect_right(ordered, high) - bisect_left(ordered, low))
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
    return 1 + clock.due_by(clock.deadline(prev), clock.end(n_days) - 1)


def deadlines(days: list[int], prev: int, clock: Clock) -> list[tuple[int, int]]:
    """(deadline, days late) of each follow-up of a chain held on ``days`` (in order), counted from ``prev``."""
    out = []
    for day in days:
        out.append((clock.deadline(prev), clock.days_late(prev, day)))
        prev = day
    return out


# ---------------------------------------------------------------------------------------------- which rules apply


def in_force(rule: FollowupRule, start: date, end: date) -> bool:
    """Valid on some day of ``start``..``end`` (``valid_from``/``valid_to``)."""
    return rule.valid_from <= end and (rule.valid_to is None or rule.valid_to >= start)


def _versions_of_each_rule(rules: Iterable[FollowupRule]) -> list[list[FollowupRule]]:
    """The versions of each rule (same case basis, appointment and kind of clock), oldest first."""
    by_key: dict[tuple, list[FollowupRule]] = {}
    for rule in rules:
        by_key.setdefault((rule.case_basis, rule.appointment, rule.clock), []).append(rule)
    return [sorted(versions, key=lambda r: r.valid_from) for versions in by_key.values()]


def rule_versions(rules: Iterable[FollowupRule], start: date, end: date) -> list[FollowupRule]:
    """The versions in force in the period.  A version without ``valid_to`` ends the day before the next version
    of the same rule (same case basis, appointment and kind of clock) starts.  A basis none of whose versions is in force yet
    uses its first version (as an older rules file without dates would)."""
    out = []
    for versions in _versions_of_each_rule(rules):
        current = []
        for k, rule in enumerate(versions):
            until = rule.valid_to
            if until is None and k + 1 < len(versions):
                until = versions[k + 1].valid_from - timedelta(days=1)
            if rule.valid_from <= end and (until is None or until >= start):
                current.append(rule)
        if not current:
            current = [r for r in versions if r.valid_from > end][:1]
        out += current
    return out


def family_bases(register: "Register", family: Family, start: date, end: date) -> set[str]:
    """The family's case bases: ``families.csv`` plus every case open at some time in the period."""
    bases = set(family.case_basis)
    bases |= {c.case_basis for c in register.cases_by_family.get(family.family_id, ())
              if c.opened_on <= end and (c.closed_on is None or c.closed_on >= start)}
    return bases


def _strictness(rule: FollowupRule) -> tuple:
    return rule.max_interval_days, -rule.min_interval_days, -rule.meeting_minutes


def team_rule(register: "Register", family: Family, start: date, end: date) -> FollowupRule | None:
    """The cadence of the family's team follow-ups: the strictest team rule in force at some time in the period
    (:func:`team_clock` asks it for each part of a period in which a rule changes, and switches on the day).

    A cadence "decided in the case" (Barnets lov § 95 stk. 3) takes the strictest cadence decided on the family's
    open cases of that basis; without one it does not apply (the page says so)."""
    bases = family_bases(register, family, start, end)
    candidates = []
    for rule in rule_versions((r for r in register.rules if r.appointment == TEAM and r.clock == CADENCE
                               and set(r.bases) <= bases), start, end):
        if rule.decided_in_case:
            cases = [c for c in register.cases_by_family.get(family.family_id, ()) if c.case_basis in rule.bases
                     and c.opened_on <= end and (c.closed_on is None or c.closed_on >= start)]
            decided = [c.decided_cadence_days for c in cases if c.decided_cadence_days]
            if decided:
                rule = replace(rule, max_interval_days=min(decided))
            elif rule.first_days and cases:  # not decided yet: only the first follow-up is due (§ 95 stk. 2)
                rule = replace(rule, max_interval_days=rule.first_days, clock=DEADLINE)
            else:
                continue
        candidates.append(rule)
    return min(candidates, key=_strictness, default=None)


def _team_periods(register: "Register", start: date, end: date) -> list[tuple[date, date]]:
    """The period cut on every day a team cadence version starts or ends inside it."""
    cuts = set()
    for rule in register.rules:
        if rule.appointment == TEAM and rule.clock == CADENCE:
            after = rule.valid_to + timedelta(days=1) if rule.valid_to is not None else None
            cuts |= {d for d in (rule.valid_from, after) if d is not None and start < d <= end}
    firsts = [start] + sorted(cuts)
    return [(a, b - timedelta(days=1)) for a, b in zip(firsts, firsts[1:])] + [(firsts[-1], end)]


def team_clock(register: "Register", family: Family, start: date, end: date) -> tuple[FollowupRule, Clock] | None:
    """The rule and the clock of the family's team follow-ups.  When a team rule changes inside the period, the
    clock switches on the day (for each part of the period, the :func:`team_rule` of that part); the rule is the
    one of the period's first part.  If the kind of clock changes instead (a cadence starts, ends, or waits for
    a decision in the case), the whole period keeps the strictest rule, so the plan holds under both."""
    periods = _team_periods(register, start, end)
    parts = [team_rule(register, family, a, b) for a, b in periods]
    rule = parts[0]
    if len(parts) > 1 and all(p is not None and p.clock == CADENCE for p in parts):
        switches = tuple(((a - start).days, p.max_interval_days, p.min_interval_days)
                         for (a, _), p in zip(periods[1:], parts[1:]))
        return rule, Clock(rule.max_interval_days, rule.min_interval_days, switches=switches)
    rule = team_rule(register, family, start, end)
    if rule is None:
        return None
    return rule, Clock(rule.max_interval_days, rule.min_interval_days, repeat=rule.clock != DEADLINE)


def rule_for(register: "Register", family: Family, on: date) -> FollowupRule:
    """The team follow-up rule of the family on ``on`` (:func:`team_rule` for one day; KeyError if none applies)."""
    rule = team_rule(register, family, on, on)
    if rule is None:
        raise KeyError(f"no follow-up rule for {family.family_id} ({';'.join(family.case_basis)})")
    return rule


def undecided_cadences(register: "Register", family: Family, start: date, end: date) -> list[Case]:
    """Open cases whose rule asks for a cadence decided in the case, where none is decided yet."""
    decided_bases = {b for r in register.rules if r.decided_in_case and in_force(r, start, end) for b in r.bases}
    return [c for c in register.cases_by_family.get(family.family_id, ())
            if c.case_basis in decided_bases and not c.decided_cadence_days and c.opened_on <= end
            and (c.closed_on is None or c.closed_on >= start)]


def team_anchor(register: "Register", family: Family, rule: FollowupRule, start: date, end: date) -> tuple[date, bool]:
    """Where the team chain counts from.  A measure opened since the last follow-up must have its first follow-up
    within the rule's ``first_days`` (Barnets lov § 95 stk. 2: 3 months): if that comes before the cadence's
    own deadline, the chain counts from a point ``max_interval_days`` before it (and no minimum gap applies)."""
    if rule.clock == DEADLINE:  # only the first follow-up of a new measure: from the day it started
        opened = [c.opened_on for c in register.cases_by_family.get(family.family_id, ()) if c.case_basis in rule.bases
                  and (family.last_followup_date is None or c.opened_on > family.last_followup_date)]
        if opened:
            return min(opened), False
    since, since_meeting = anchor(family.last_followup_date, family.case_start_date, start)
    first_rules = [r for r in rule_versions((r for r in register.rules if r.appointment == TEAM and r.first_days),
                                            start, end)]
    due = since + timedelta(days=rule.max_interval_days)
    for case in register.cases_by_family.get(family.family_id, ()):
        if family.last_followup_date is not None and case.opened_on <= family.last_followup_date:
            continue
        for first in first_rules:
            if case.case_basis in first.bases and case.opened_on <= end:
                due = min(due, case.opened_on + timedelta(days=first.first_days))
    if due < since + timedelta(days=rule.max_interval_days):
        return due - timedelta(days=rule.max_interval_days), False
    return since, since_meeting


@dataclass(frozen=True)
class PersonClock:
    """A clock on one person's case that is not the team's follow-up: a børnefaglig undersøgelse finished in time,
    supervision visits to a placed child, jobsamtaler.  Its appointment names who attends."""

    family_id: str
    person_id: str
    rule: FollowupRule
    clock: Clock
    since: date
    """Where the chain counts from (day 0 = ``since``; the clock's ``until`` is in days after the plan start)."""
    since_is_meeting: bool
    case_id: str = ""
    opens: date | None = None
    """The day the case opened: no appointment before it (``since`` may lie earlier when a first appointment is
    due sooner than the cadence, e.g. the first jobsamtale within a week)."""

    @property
    def chain_id(self) -> str:
        return chain_id(self.family_id, self.person_id, self.rule.rule_id)


def chain_id(family_id: str, person_id: str = "", rule_id: str = "") -> str:
    """The team chain is the family id; a person's clock is ``person:rule``."""
    return family_id if not person_id else f"{person_id}:{rule_id}"


def _done(case: Case, rule: FollowupRule) -> bool:
    """A one-off deadline already met: the case is closed (the undersøgelse finished), or the appointment was
    recorded as held."""
    return case.closed_on is not None or rule.rule_id in case.done_rules


def version_on(rules: Iterable[FollowupRule], day: date) -> list[FollowupRule]:
    """For each rule (case basis, appointment, kind of clock): the version in force on ``day`` - a version
    without ``valid_to`` lasts until the next one starts; before the first version, the first version."""
    out = []
    for versions in _versions_of_each_rule(rules):
        started = [r for r in versions if r.valid_from <= day]
        current = started[-1] if started else versions[0]
        if current.valid_to is None or current.valid_to >= day or not started:
            out.append(current)
    return out


def person_clocks(register: "Register", family: Family, start: date, end: date) -> list[PersonClock]:
    """Every non-team clock running on the family's cases in the period (see :class:`PersonClock`).  A case runs
    on the rule in force the day it opened (a case opened after a law change follows the new rule); a later
    version's intervals take over on the day it starts (the clock switches, see the module docstring)."""
    out = []
    rules = [r for r in register.rules if r.appointment != TEAM]
    for case in register.cases_by_family.get(family.family_id, ()):
        if case.closed_on is not None and case.closed_on < start or case.opened_on > end:
            continue
        basis_rules = [r for r in rules if case.case_basis in r.bases]
        for rule in version_on(basis_rules, case.opened_on):
            later = [r for r in basis_rules if (r.case_basis, r.appointment, r.clock) ==
                     (rule.case_basis, rule.appointment, rule.clock) and r.valid_from > case.opened_on]
            switches = tuple(((r.valid_from - start).days, r.max_interval_days,
                              0 if rule.clock == DEADLINE else r.min_interval_days) for r in later)
            made = _person_clock(family, case, rule, start, switches)
            if made is not None:
                out.append(made)
    return out


def _person_clock(family: Family, case: Case, rule: FollowupRule, start: date,
                  switches: tuple[Switch, ...]) -> PersonClock | None:
    if rule.clock == DEADLINE:
        if _done(case, rule):
            return None
        return PersonClock(family.family_id, case.person_id, rule,
                           Clock(rule.max_interval_days, 0, repeat=False, switches=switches),
                           case.opened_on, False, case.case_id, case.opened_on)
    if rule.clock == COUNT:
        window_end = case.opened_on + timedelta(days=(rule.window_days or 0) - 1)
        if window_end < start:
            return None  # the count window is over
        since, is_meeting = anchor(case.last_followup_date if case.last_followup_date and
                                   case.last_followup_date >= case.opened_on else None, case.opened_on, start)
        if not is_meeting and rule.first_days:
            since = case.opened_on + timedelta(days=rule.first_days - rule.max_interval_days)
        clock = Clock(rule.max_interval_days, rule.min_interval_days, until=(window_end - start).days,
                      switches=switches)
        return PersonClock(family.family_id, case.person_id, rule, clock, since, is_meeting, case.case_id,
                           case.opened_on)
    since, is_meeting = anchor(case.last_followup_date, case.opened_on, start)
    return PersonClock(family.family_id, case.person_id, rule,
                       Clock(rule.max_interval_days, rule.min_interval_days, switches=switches),
                       since, is_meeting, case.case_id, case.opened_on)
