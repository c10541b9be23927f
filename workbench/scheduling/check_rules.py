"""The independent checker's own reading of the follow-up rules: which chains a family must have, and from when.

Written apart from ``workbench/clocks.py`` on purpose (a bug in one is caught by the other); the randomized
tests in ``tests/test_clocks.py`` hold the two together.  Kept small and literal: each rule row is read the way
the README's rule table describes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from workbench.model import Family, FollowupRule, Register


@dataclass(frozen=True)
class ExpectedChain:
    """A chain of appointments the rules ask for: its rule, where it counts from, and when it is done."""

    person_id: str
    """"" for the family's team follow-ups."""
    rule: FollowupRule
    max_gap: int
    since: date
    since_is_meeting: bool
    one_off: bool = False
    window_end: date | None = None
    """A count rule: nothing is due after this day."""
    opens: date | None = None
    """A person's case: no appointment before the day it opened."""
    switches: tuple[tuple[date, int, int], ...] = ()
    """(day, maximum interval, minimum interval) of each later rule version: from that day on, its intervals
    count."""

    def max_gap_on(self, day: date) -> int:
        """The maximum interval in force on ``day``."""
        gap = self.max_gap
        for since, later, _ in self.switches:
            if since <= day:
                gap = later
        return gap

    def step_on(self, day: date) -> int:
        """Fewest days since the previous follow-up for one held on ``day`` (never two on one day)."""
        least = self.rule.min_interval_days
        for since, _, later in self.switches:
            if since <= day:
                least = later
        return max(1, least)


def _versions(rules: list[FollowupRule], start: date, end: date) -> list[FollowupRule]:
    """Rule versions in force at some day of the period; a version with no end date lasts until the next version
    of the same basis, appointment and clock begins; a basis with nothing in force yet takes its first version."""
    chosen = []
    for rule in rules:
        same = sorted((r for r in rules if (r.case_basis, r.appointment, r.clock) ==
                       (rule.case_basis, rule.appointment, rule.clock)),
                      key=lambda r: r.valid_from)
        later = [r.valid_from for r in same if r.valid_from > rule.valid_from]
        last_day = rule.valid_to or (min(later) - timedelta(days=1) if later else date.max)
        if rule.valid_from <= end and last_day >= start:
            chosen.append(rule)
        elif rule is same[0] and not any(r.valid_from <= end for r in same):
            chosen.append(rule)
    return chosen


def _open_cases(register: Register, family: Family, start: date, end: date):
    return [c for c in register.cases if c.family_id == family.family_id and c.opened_on <= end
            and (c.closed_on is None or c.closed_on >= start)]


def team_chain(register: Register, family: Family, start: date, end: date) -> ExpectedChain | None:
    """The team's chain.  A team rule that changes inside the period cuts it: each part has its strictest rule,
    and from the first day of a part its intervals count - unless a part has no cadence or only a first
    follow-up, then the strictest rule of the whole period counts throughout."""
    team_rules = [r for r in register.rules if r.appointment == "team" and r.clock == "kadence"]
    cuts = sorted({d for r in team_rules for d in (r.valid_from, r.valid_to and r.valid_to + timedelta(days=1))
                   if d is not None and start < d <= end})
    parts = [_team_cadence(register, family, a, (b - timedelta(days=1)) if b else end)
             for a, b in zip([start] + cuts, cuts + [None])]
    if cuts and all(p is not None and not p[1] for p in parts):
        gap, _, rule = parts[0]
        switches = tuple((day, p[0], p[2].min_interval_days) for day, p in zip(cuts, parts[1:]))
    else:
        whole = _team_cadence(register, family, start, end)
        if whole is None:
            return None
        (gap, one_off, rule), switches = whole, ()
        if one_off:  # the first follow-up of a measure started since the last follow-up (none: it was held)
            opened = [c.opened_on for c in _open_cases(register, family, start, end)
                      if c.case_basis in rule.case_basis.split("&")
                      and (family.last_followup_date is None or c.opened_on > family.last_followup_date)]
            return ExpectedChain("", rule, gap, min(opened), False, one_off=True) if opened else None
    if family.last_followup_date is not None:
        since, is_meeting = family.last_followup_date, True
    else:
        since, is_meeting = family.case_start_date or start, False
    deadline = since + timedelta(days=gap)
    for case in _open_cases(register, family, start, end):
        if family.last_followup_date is not None and case.opened_on <= family.last_followup_date:
            continue
        for first in _versions([r for r in register.rules if r.appointment == "team" and r.first_days], start, end):
            if case.case_basis in first.case_basis.split("&"):
                deadline = min(deadline, case.opened_on + timedelta(days=first.first_days))
    if deadline < since + timedelta(days=gap):
        since, is_meeting = deadline - timedelta(days=gap), False
    return ExpectedChain("", rule, gap, since, is_meeting, switches=switches)


def _team_cadence(register: Register, family: Family, start: date, end: date) -> tuple[int, bool, FollowupRule] | None:
    """(maximum interval, only the first follow-up is due, rule) of the strictest team rule in the period."""
    bases = set(family.case_basis) | {c.case_basis for c in _open_cases(register, family, start, end)}
    options = []
    for rule in _versions([r for r in register.rules if r.appointment == "team" and r.clock == "kadence"], start, end):
        if not set(p.strip() for p in rule.case_basis.split("&")) <= bases:
            continue
        gap, one_off = rule.max_interval_days, False
        if gap <= 0:  # decided in the case; until it is, only the first follow-up after the start is due
            cases = [c for c in _open_cases(register, family, start, end) if c.case_basis in rule.case_basis.split("&")]
            decided = [c.decided_cadence_days for c in cases if c.decided_cadence_days]
            if decided:
                gap = min(decided)
            elif rule.first_days and cases:
                gap, one_off = rule.first_days, True
            else:
                continue
        options.append((gap, -rule.min_interval_days, -rule.meeting_minutes, rule.rule_id, one_off, rule))
    if not options:
        return None
    gap, *_, one_off, rule = min(options, key=lambda o: o[:4])
    return gap, one_off, rule


def _version_on_opening(rules: list[FollowupRule], opened: date) -> list[FollowupRule]:
    """The version of each rule in force the day the case opened (the first version for an earlier case)."""
    chosen = []
    keys = {(r.case_basis, r.appointment, r.clock) for r in rules}
    for key in sorted(keys):
        same = sorted((r for r in rules if (r.case_basis, r.appointment, r.clock) == key), key=lambda r: r.valid_from)
        current = [r for r in same if r.valid_from <= opened]
        rule = current[-1] if current else same[0]
        if rule.valid_to is None or rule.valid_to >= opened or not current:
            chosen.append(rule)
    return chosen


def person_chains(register: Register, family: Family, start: date, end: date) -> list[ExpectedChain]:
    out = []
    other = [r for r in register.rules if r.appointment != "team"]
    for case in _open_cases(register, family, start, end):
        mine = [r for r in other if case.case_basis in r.case_basis.split("&")]
        for rule in _version_on_opening(mine, case.opened_on):
            # a later version of the same rule: its intervals count from the day it starts
            switches = tuple((r.valid_from, r.max_interval_days, 0 if rule.clock == "frist" else r.min_interval_days)
                             for r in sorted(mine, key=lambda r: r.valid_from)
                             if (r.case_basis, r.appointment, r.clock) == (rule.case_basis, rule.appointment, rule.clock)
                             and r.valid_from > case.opened_on)
            held_since = case.last_followup_date if case.last_followup_date and \
                case.last_followup_date >= case.opened_on else None
            if rule.clock == "frist":
                # a one-off held earlier is in the plan as a held meeting; one the register says is met has no clock
                if case.closed_on is None and rule.rule_id not in case.done_rules:
                    out.append(ExpectedChain(case.person_id, rule, rule.max_interval_days, case.opened_on, False, True,
                                             opens=case.opened_on, switches=switches))
            elif rule.clock == "antal":
                window_end = case.opened_on + timedelta(days=rule.window_days - 1)
                if window_end < start:
                    continue
                if held_since is not None:
                    since, is_meeting = held_since, True
                elif rule.first_days:
                    since, is_meeting = case.opened_on + timedelta(days=rule.first_days - rule.max_interval_days), False
                else:
                    since, is_meeting = case.opened_on, False
                out.append(ExpectedChain(case.person_id, rule, rule.max_interval_days, since, is_meeting,
                                         window_end=window_end, opens=case.opened_on, switches=switches))
            else:
                since = case.last_followup_date or case.opened_on
                out.append(ExpectedChain(case.person_id, rule, rule.max_interval_days, since,
                                         case.last_followup_date is not None, opens=case.opened_on, switches=switches))
    return out
