"""An independent check of a plan against the register.

Written apart from the solvers on purpose: it recomputes holidays, workdays,
absences, caps, overlaps and follow-up deadlines from the raw register, so a bug in
a model cannot hide itself.  Lateness is reported, not counted as a breach:
it is what the solvers minimise when it cannot be avoided.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

import holidays

from workbench.attendance import with_family_choices
from workbench.danish import count
from workbench.hard_rules import HardRule
from workbench.model import CANCELLED, HELD, Meeting, Plan, Register
from workbench.scheduling.check_rules import ExpectedChain, person_chains, team_chain
from workbench.settings import DEFAULT_HOURS, DEFAULT_LOAD, LoadWeights, MeetingHours


CHECKS = frozenset({
    HardRule.ONE_PRIMARY, HardRule.CAN_COORDINATE, HardRule.SECONDARY_WHEN_NEEDED,
    HardRule.PRIMARY_DIFFERS_FROM_SECONDARY, HardRule.CASELOAD_CAP,  # check_assignments
    HardRule.KNOWN_FAMILY, HardRule.IN_PERIOD, HardRule.ATTENDEES, HardRule.OPEN_DAY, HardRule.FAMILY_AVAILABLE,
    HardRule.MEETING_HOURS, HardRule.MEETING_LENGTH, HardRule.KNOWN_ATTENDEE, HardRule.WORKDAY, HardRule.NOT_ABSENT,
    HardRule.DAILY_CAP, HardRule.NO_DOUBLE_BOOKING, HardRule.RULE_REQUIRES_MEETING,  # check_plan
    HardRule.AFTER_CASE_OPENS, HardRule.MIN_INTERVAL, HardRule.DEADLINE,  # check_plan, per chain (_check_chain)
    HardRule.HELD_KEPT, HardRule.CONFLICT_MOVED, HardRule.FROZEN_KEPT,  # check_continuity
})
"""The hard rules this checker checks; a breach's ``kind`` is one of them."""


@dataclass(frozen=True)
class Breach:
    kind: HardRule
    """The rule broken; its value (the short Danish code) is what is printed and written."""
    message: str
    family_id: str = ""
    staff_id: str = ""
    meeting_id: str = ""


@dataclass
class CheckReport:
    breaches: list[Breach] = field(default_factory=list)
    late: list[tuple[str, str, int]] = field(default_factory=list)
    """(family_id, meeting_id or 'mangler', days late) for every late or missing follow-up."""

    @property
    def ok(self) -> bool:
        return not self.breaches

    @property
    def late_meetings(self) -> int:
        return len(self.late)

    @property
    def max_days_late(self) -> int:
        return max((days for *_, days in self.late), default=0)

    def kinds(self) -> dict[str, int]:
        """Breach code (the rule's value, a short Danish code) -> number of breaches."""
        counts: dict[str, int] = defaultdict(int)
        for breach in self.breaches:
            counts[str(breach.kind)] += 1
        return dict(counts)


def _closed_days(register: Register, start: date, end: date) -> set[date]:
    years = range(start.year, end.year + 1)
    closed = set(holidays.Denmark(years=list(years), categories=("public", "optional")).keys())
    return closed | {c.day for c in register.closed_days}


PERSON_APPOINTMENT_ROLES = {"sagsbehandler_barn": ("familieraadgiver", "handicapraadgiver"),
                            "sagsbehandler_familie": ("familieraadgiver", "handicapraadgiver"),
                            "jobkonsulent_voksen": ("jobkonsulent",)}
"""Who may hold a person's appointment (the checker's own copy of the appointment table)."""


def team_of(register: Register, plan: Plan) -> list[tuple[str, str]]:
    """(family_id, staff_id) of every team membership: the team the plan says it used (``team.csv`` in the plan
    folder: the register's team with accepted screening proposals), else the register's own."""
    if plan.team:
        return [(family_id, staff_id) for family_id, members in plan.team.items() for staff_id in members]
    return [(member.family_id, member.staff_id) for member in register.team]


def check_assignments(register: Register, plan: Plan, load: LoadWeights = DEFAULT_LOAD) -> list[Breach]:
    breaches: list[Breach] = []
    staff = register.staff_by_id
    assigned = {a.family_id: a for a in plan.assignments}
    share = defaultdict(float)  # (person, family) -> the largest share of the family's points they carry
    for family_id, staff_id in team_of(register, plan):
        share[(staff_id, family_id)] = load.team
    for family in register.families:
        a = assigned.get(family.family_id)
        if a is None or not a.primary_coordinator:
            breaches.append(Breach(HardRule.ONE_PRIMARY, "familien har ingen primær koordinator", family.family_id))
            continue
        for who, role in ((a.primary_coordinator, "primær"), (a.secondary_coordinator, "sekundær")):
            chosen = role == "primær" and who == family.preferred_coordinator  # the family's own choice, any profession
            if who and (who not in staff or not (staff[who].can_coordinate or chosen)):
                breaches.append(Breach(HardRule.CAN_COORDINATE,
                                       f"{who} kan ikke være {role} koordinator", family.family_id, who))
        if family.needs_secondary and not a.secondary_coordinator:
            breaches.append(Breach(HardRule.SECONDARY_WHEN_NEEDED,
                                   "familien skal have en sekundær koordinator", family.family_id))
        if a.secondary_coordinator and a.secondary_coordinator == a.primary_coordinator:
            breaches.append(Breach(HardRule.PRIMARY_DIFFERS_FROM_SECONDARY,
                                   "primær og sekundær er samme person", family.family_id))
        key = (a.primary_coordinator, family.family_id)
        share[key] = max(share[key], load.primary)
        if a.secondary_coordinator:
            key = (a.secondary_coordinator, family.family_id)
            share[key] = max(share[key], load.secondary)
    used = defaultdict(float, {s.staff_id: s.base_caseload_points for s in register.staff})
    for (person, family_id), part in share.items():
        used[person] += part * register.family_by_id[family_id].case_points
    for staff_id, points in used.items():
        limit = staff[staff_id].max_caseload_points
        if points > limit + 1e-6:
            breaches.append(Breach(HardRule.CASELOAD_CAP,
                                   f"{points:g} sagspoint over loftet {limit:g}", staff_id=staff_id))
    return breaches


def check_plan(register: Register, plan: Plan, hours: MeetingHours = DEFAULT_HOURS,
               load: LoadWeights = DEFAULT_LOAD) -> CheckReport:
    """Every hard rule the plan must keep, checked from the register and the plan alone (no solver code).  The
    families' own choices the plan was made with (who attends, their coordinator) are read from the plan."""
    register, _ = with_family_choices(register, plan.summary.get("settings", {}).get("family_choices") or {})
    report = CheckReport(check_assignments(register, plan, load))
    seen = _Seen(register, plan, hours)
    per_person_day: dict[tuple[str, date], list[Meeting]] = defaultdict(list)
    per_family: dict[tuple[str, str, str], list[Meeting]] = defaultdict(list)
    """(family, person, rule) -> the chain's meetings; person and rule are empty for the team follow-ups."""
    for m in plan.meetings:
        family = register.family_by_id.get(m.family_id)
        if family is None:
            report.breaches.append(Breach(HardRule.KNOWN_FAMILY, "mødet hører til en ukendt familie", m.family_id,
                                          meeting_id=m.meeting_id))
            continue
        per_family[(m.family_id, m.person_id, m.rule_id if m.person_id else "")].append(m)
        if m.status == HELD:
            continue  # what happened happened (also before the period): a held meeting only counts in the chain
        report.breaches += _meeting_breaches(seen, family, m)
        for person in m.attendees:
            if person in seen.staff:
                per_person_day[(person, m.day)].append(m)
    report.breaches += _person_day_breaches(seen, per_person_day)
    for family in register.families:
        expected = _expected_chains(seen, family)
        report.breaches += _unexpected_meetings(family, expected, per_family)
        for chain in expected:
            _check_chain(chain, sorted(per_family.get(_chain_key(family, chain), []), key=lambda m: m.day),
                         family.family_id, plan.start, plan.end, report)
    return report


class _Seen:
    """What the checker reads once from the register and the plan: closed days, absences, teams, rules."""

    def __init__(self, register: Register, plan: Plan, hours: MeetingHours) -> None:
        self.register, self.hours, self.start, self.end = register, hours, plan.start, plan.end
        self.closed = _closed_days(register, plan.start, plan.end)
        self.staff = register.staff_by_id
        self.assigned = {a.family_id: a for a in plan.assignments}
        self.absences: dict[str, list[tuple[date, date]]] = defaultdict(list)
        for absence in register.absences:
            self.absences[absence.staff_id].append((absence.start_date, absence.end_date))
        self.away: dict[str, list[tuple[date, date]]] = defaultdict(list)
        for period in register.family_unavailability:
            self.away[period.family_id].append((period.start_date, period.end_date))
        self.rules = {r.rule_id: r for r in register.rules}
        self.teams: dict[str, list[str]] = defaultdict(list)
        for family_id, staff_id in team_of(register, plan):
            self.teams[family_id].append(staff_id)

    def in_contact(self, family_id: str) -> set[str]:
        """The family's team and coordinators: who may (and at a follow-up must) attend."""
        a = self.assigned.get(family_id)
        coordinators = {p for p in (a.primary_coordinator, a.secondary_coordinator) if p} if a else set()
        return set(self.teams.get(family_id, ())) | coordinators


def _meeting_breaches(seen: _Seen, family, m: Meeting) -> list[Breach]:
    """The rules one planned meeting must keep on its own: its day, time, length and attendees."""
    out = []
    if not seen.start <= m.day <= seen.end:
        out.append(Breach(HardRule.IN_PERIOD, f"{m.day} ligger uden for planperioden", m.family_id,
                          meeting_id=m.meeting_id))
    in_contact = seen.in_contact(m.family_id)
    rule = seen.rules.get(m.rule_id)
    if m.person_id:  # a person's appointment: one professional of the right kind from the family's people
        roles = PERSON_APPOINTMENT_ROLES.get(rule.appointment if rule else "", ())
        if not m.frozen and (not m.attendees or any(p not in in_contact or getattr(seen.staff.get(p), "role", "")
                                                    not in roles for p in m.attendees)):
            out.append(Breach(HardRule.ATTENDEES, f"{', '.join(m.attendees) or 'ingen'} kan ikke holde mødet "
                              f"({', '.join(roles)} fra familiens team)", m.family_id, meeting_id=m.meeting_id))
    else:
        expected = team_chain(seen.register, family, seen.start, seen.end)
        rule = expected.rule if expected else rule
        missing = _expected_at_followups(seen, family, in_contact) - set(m.attendees)
        if missing and not m.frozen:  # a frozen meeting keeps the attendees it was announced with
            out.append(Breach(HardRule.ATTENDEES, f"{', '.join(sorted(missing))} er ikke med", m.family_id,
                              meeting_id=m.meeting_id))
    if m.day.weekday() >= 5 or m.day in seen.closed:
        out.append(Breach(HardRule.OPEN_DAY, f"{m.day} er weekend, helligdag eller lukkedag", m.family_id,
                          meeting_id=m.meeting_id))
    if any(s <= m.day <= e for s, e in seen.away[m.family_id]):
        out.append(Breach(HardRule.FAMILY_AVAILABLE, f"familien kan ikke {m.day}", m.family_id,
                          meeting_id=m.meeting_id))
    hours = seen.hours
    if m.start_minute < hours.start_minute or m.end_minute > hours.end_minute or m.end_minute <= m.start_minute:
        out.append(Breach(HardRule.MEETING_HOURS, f"{m.start}-{m.end} ligger uden for mødetiden", m.family_id,
                          meeting_id=m.meeting_id))
    if rule and m.end_minute - m.start_minute != rule.meeting_minutes and not m.frozen:
        out.append(Breach(HardRule.MEETING_LENGTH, f"mødet varer ikke {rule.meeting_minutes} minutter", m.family_id,
                          meeting_id=m.meeting_id))
    return out + _attendee_breaches(seen, m)


def _expected_at_followups(seen: _Seen, family, in_contact: set[str]) -> set[str]:
    """Who must be at a team follow-up: coordinators and team - or only the team members the family chose."""
    if not family.meeting_attendees:
        return in_contact
    a = seen.assigned.get(family.family_id)
    coordinators = {p for p in (a.primary_coordinator, a.secondary_coordinator) if p} if a else set()
    return coordinators | (in_contact & set(family.meeting_attendees))


def _attendee_breaches(seen: _Seen, m: Meeting) -> list[Breach]:
    """Each attendee is known staff, works that weekday and is not absent."""
    out = []
    for person in m.attendees:
        s = seen.staff.get(person)
        if s is None:
            out.append(Breach(HardRule.KNOWN_ATTENDEE, f"ukendt deltager {person}", m.family_id, person, m.meeting_id))
            continue
        if m.day.weekday() not in s.workdays:
            out.append(Breach(HardRule.WORKDAY, f"{person} arbejder ikke {m.day:%A}", m.family_id, person,
                              m.meeting_id))
        if any(a0 <= m.day <= a1 for a0, a1 in seen.absences[person]):
            out.append(Breach(HardRule.NOT_ABSENT, f"{person} er fraværende {m.day}", m.family_id, person,
                              m.meeting_id))
    return out


def _person_day_breaches(seen: _Seen, per_person_day: dict[tuple[str, date], list[Meeting]]) -> list[Breach]:
    """Nobody above their daily cap, nobody in two meetings at once."""
    out = []
    for (person, day), meetings in per_person_day.items():
        cap = seen.staff[person].max_meetings_per_day
        if len(meetings) > cap:
            out.append(Breach(HardRule.DAILY_CAP, f"{person} har {len(meetings)} møder {day} (loft {cap})",
                              staff_id=person))
        ordered = sorted(meetings, key=lambda m: m.start_minute)
        for first, second in zip(ordered, ordered[1:]):
            if second.start_minute < first.end_minute:
                out.append(Breach(HardRule.NO_DOUBLE_BOOKING, f"{person} har overlappende møder {day}",
                                  staff_id=person, meeting_id=second.meeting_id))
    return out


def _expected_chains(seen: _Seen, family) -> list[ExpectedChain]:
    """The chains the rules ask of the family in the period (its people's clocks and its team follow-ups)."""
    expected = person_chains(seen.register, family, seen.start, seen.end)
    team = team_chain(seen.register, family, seen.start, seen.end)
    return expected + ([team] if team is not None else [])


def _chain_key(family, chain: ExpectedChain) -> tuple[str, str, str]:
    """(family, person, rule): how the plan's meetings are grouped; person and rule are empty for the team."""
    return family.family_id, chain.person_id, chain.rule.rule_id if chain.person_id else ""


def _unexpected_meetings(family, expected: list[ExpectedChain],
                         per_family: dict[tuple[str, str, str], list[Meeting]]) -> list[Breach]:
    """Planned meetings no rule asks for."""
    known = {_chain_key(family, e) for e in expected}
    return [Breach(HardRule.RULE_REQUIRES_MEETING, f"ingen regel kræver møder for {key[1] or 'familien'} ({key[2]})",
                   family.family_id, meeting_id=meetings[0].meeting_id)
            for key, meetings in per_family.items()
            if key[0] == family.family_id and key not in known and any(m.status != HELD for m in meetings)]


def _check_chain(chain: ExpectedChain, meetings: list[Meeting], family_id: str, start: date, end: date,
                 report: CheckReport) -> None:
    """Deadlines, lateness and minimum gaps of one chain, and a follow-up missing at its end."""
    add = report.breaches.append
    previous = chain.since if chain.since_is_meeting else None
    anchor = chain.since
    done_by = end if chain.window_end is None else min(end, chain.window_end)
    for m in meetings:
        deadline = _deadline(chain, anchor)
        late = max(0, (m.day - deadline).days)
        if m.status == HELD:  # a fact: no interval to check, but the chain goes on from the day it was held
            if late and start <= m.day <= end:
                report.late.append((family_id, m.meeting_id, late))
            if previous is None or m.day > previous:
                previous = anchor = m.day
            continue
        if chain.opens is not None and m.day < chain.opens:
            add(Breach(HardRule.AFTER_CASE_OPENS, f"mødet {m.day} ligger før sagen blev åbnet {chain.opens}",
                       family_id, meeting_id=m.meeting_id))
        step = _too_close(chain, previous, m.day) if previous is not None else 0
        if step:
            add(Breach(HardRule.MIN_INTERVAL,
                       f"kun {count((m.day - previous).days, 'dag', 'dage')} siden sidste opfølgning (mindst {step})",
                       family_id, meeting_id=m.meeting_id))
        if m.deadline != deadline or m.days_late != late:
            add(Breach(HardRule.DEADLINE, f"planen angiver frist {m.deadline}/{m.days_late} dage, korrekt er "
                       f"{deadline}/{late}", family_id, meeting_id=m.meeting_id))
        if late:
            report.late.append((family_id, m.meeting_id, late))
        previous = anchor = m.day
        if chain.one_off:
            return
    deadline = _deadline(chain, anchor)
    if deadline <= done_by and not (chain.one_off and meetings):
        report.late.append((family_id, "mangler", (end - deadline).days + 1))


def _deadline(chain: ExpectedChain, anchor: date) -> date:
    """The last day on time after ``anchor``: day by day, until the days since exceed the maximum interval in
    force on the day (a rule that changes counts from the day it changes)."""
    if not chain.switches:
        return anchor + timedelta(days=chain.max_gap)
    day = anchor
    while (day + timedelta(days=1) - anchor).days <= chain.max_gap_on(day + timedelta(days=1)):
        day += timedelta(days=1)
    return day


def _too_close(chain: ExpectedChain, previous: date, day: date) -> int:
    """The minimum interval a follow-up on ``day`` breaks (0 if none): the one in force on that day or on any
    later day while the interval since ``previous`` is still shorter (so the next meeting waits for a stricter
    version about to start)."""
    longest = max([chain.step_on(day)] + [max(1, least) for _, _, least in chain.switches])
    for ahead in range(longest):
        later = day + timedelta(days=ahead)
        if (later - previous).days < chain.step_on(later):
            return chain.step_on(later)
    return 0


def check_continuity(previous: list[Meeting], plan: Plan, freeze_until) -> list[Breach]:
    """Frozen announced meetings (up to ``freeze_until``) are in the new plan with the same day, time and
    attendees - unless the plan reports them as conflicts or the family's case has closed; and every meeting the
    announced plan records as held is still there, as held, on the day it was held (the chain counts from it)."""
    breaches = []
    now = {m.meeting_id: m for m in plan.meetings}
    families = {m.family_id for m in plan.meetings} | {a.family_id for a in plan.assignments}
    for old in previous:
        if old.status == HELD and old.family_id in families:
            new = now.get(old.meeting_id)
            if new is None or new.status != HELD or new.day != (old.held_on or old.day):
                breaches.append(Breach(HardRule.HELD_KEPT,
                                       f"det afholdte møde {old.held_on or old.day} er ikke med som "
                                       "afholdt", old.family_id, meeting_id=old.meeting_id))
    reported = {c["meeting_id"] for c in plan.summary.get("conflicts", [])}
    for old in previous:
        if freeze_until is None:
            break
        if old.status in (CANCELLED, HELD) or old.day > freeze_until or old.day < plan.start or old.family_id not in families:
            continue
        new = now.get(old.meeting_id)
        if old.meeting_id in reported:
            if new is not None and (new.day, new.start_minute) == (old.day, old.start_minute):
                breaches.append(Breach(HardRule.CONFLICT_MOVED,
                                       "mødet er meldt som konflikt, men står stadig i planen",
                                       old.family_id, meeting_id=old.meeting_id))
            continue
        held_on = old.held_on if old.status == HELD and old.held_on else old.day
        if new is None or (new.day, new.start_minute, tuple(new.attendees)) != (held_on, old.start_minute,
                                                                                 tuple(old.attendees)):
            breaches.append(Breach(HardRule.FROZEN_KEPT, f"det fastfrosne møde {old.day} {old.start} er ændret "
                                   "uden at være meldt som konflikt", old.family_id, meeting_id=old.meeting_id))
    return breaches
