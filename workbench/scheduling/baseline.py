"""The announced plan as the starting point of the next one.

A team leader does not plan once: every week a family arrives, a case closes, someone falls ill, a meeting is
held or cancelled.  The announced plan - coordinators, team membership, meetings with their status - is the
baseline the next plan continues (stable.py keeps its meetings; coordinators.py keeps its coordinators):

* a family keeps the coordinators of the announced plan exactly as if they were written in ``families.csv``,
  unless the team leader has since changed the register for that family (then the register wins);
* the team is the announced plan's team (which carries accepted screening proposals), unless the register's
  team for that family has changed since;
* a held meeting is the family's last follow-up: before the horizon it moves ``last_followup_date``, inside it
  it is kept as it happened;
* meetings up to the freeze date (and held ones) keep day, time and attendees.  One that a change has made
  impossible (a sick leave that day, someone who left) is not kept silently: it becomes a :class:`Conflict`,
  and the plan proposes a replacement.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path

from workbench.model import Assignment, CANCELLED, DEADLINE, HELD, Meeting, Plan, Register, TeamChange, TeamMember
from workbench.io.plan_folder import read_meetings, recover_plan_folder
from workbench.settings import DEFAULT_HOURS, MeetingHours
from workbench.workdays import WorkCalendar

SNAPSHOT_FILE = "register.json"


class BaselineError(ValueError):
    """An announced plan that cannot be read; the message is Danish and names the file."""


@dataclass(frozen=True)
class Baseline:
    """An announced plan: what families and staff have been told."""

    meetings: tuple[Meeting, ...]
    """Every meeting that is not cancelled (planned, announced, held, moved by hand)."""
    assignments: dict[str, Assignment] = field(default_factory=dict)
    cancelled: tuple[Meeting, ...] = ()
    team: dict[str, tuple[str, ...]] = field(default_factory=dict)
    snapshot: dict | None = None
    """The register as it was when the plan was made (see :func:`register_snapshot`), if known."""
    horizon: tuple[date, date] | None = None
    label: str = ""

    @classmethod
    def from_plan(cls, plan: Plan, snapshot: dict | None = None, label: str = "") -> "Baseline":
        return cls(tuple(plan.meetings), {a.family_id: a for a in plan.assignments}, tuple(plan.cancelled),
                   dict(plan.team), snapshot, (plan.start, plan.end), label)

    @property
    def held(self) -> list[Meeting]:
        return [m for m in self.meetings if m.status == HELD]


def register_snapshot(register: Register) -> dict:
    """What the next plan needs to know about the register this plan was made from: ids, limits, dates.

    No names of family members, no absence reasons (the file travels with the plan)."""
    return {
        "families": {f.family_id: {"case_basis": list(f.case_basis), "primary": f.primary_coordinator or "",
                                   "secondary": f.secondary_coordinator or "", "needs_secondary": f.needs_secondary,
                                   "case_points": f.case_points,
                                   "last_followup_date": f.last_followup_date.isoformat() if f.last_followup_date else "",
                                   "team": list(register.team_staff_ids(f.family_id))}
                     for f in register.families},
        "staff": {s.staff_id: {"name": s.name, "role": s.role, "can_coordinate": s.can_coordinate,
                               "max_caseload_points": s.max_caseload_points,
                               "max_meetings_per_day": s.max_meetings_per_day, "workdays": sorted(s.workdays)}
                  for s in register.staff},
        "absences": sorted([a.staff_id, a.start_date.isoformat(), a.end_date.isoformat()] for a in register.absences),
        "family_unavailability": sorted([u.family_id, u.start_date.isoformat(), u.end_date.isoformat()]
                                        for u in register.family_unavailability),
        "rules": sorted([r.rule_id, r.case_basis, r.max_interval_days, r.min_interval_days, r.meeting_minutes,
                         r.valid_from.isoformat()] for r in register.rules),
        "closed_days": sorted(c.day.isoformat() for c in register.closed_days),
    }


def snapshot_text(register: Register) -> str:
    """``register.json`` of a plan folder: what the plan was made from, to show what changed next time."""
    return json.dumps(register_snapshot(register), indent=1, ensure_ascii=False)


def read_baseline(path: str | Path) -> Baseline:
    """An announced plan from a plan folder (``assignments.csv`` + ``meetings.csv`` [+ ``team.csv``,
    ``register.json``, ``summary.json``]) or from a bare ``meetings.csv``."""
    path = Path(path)
    if path.name and path.suffix != ".csv":
        recover_plan_folder(path)  # a write killed half-way: the old or the new plan, complete
    if path.is_file():
        try:
            every = read_meetings(path, include_cancelled=True)
        except (KeyError, ValueError) as error:
            raise BaselineError(f"{path}: kan ikke læses som meetings.csv ({error}).") from error
        return Baseline(tuple(m for m in every if m.status != CANCELLED), {},
                        tuple(m for m in every if m.status == CANCELLED), label=path.name)
    if not path.is_dir():
        raise BaselineError(f"{path} findes ikke. Angiv mappen med den udmeldte plan (fra 'workbench plan --out').")
    from workbench.io.plan_folder import PlanFolderError, read_plan

    try:
        plan = read_plan(path)
    except PlanFolderError as error:
        raise BaselineError(str(error)) from error
    snapshot = None
    if (path / SNAPSHOT_FILE).is_file():
        try:
            snapshot = json.loads((path / SNAPSHOT_FILE).read_text("utf-8"))
        except ValueError as error:
            raise BaselineError(f"{path / SNAPSHOT_FILE} kan ikke læses ({error}).") from error
    return Baseline.from_plan(plan, snapshot, path.name)


# ---------------------------------------------------------------------------------------------------- preparing


@dataclass
class Conflict:
    """A frozen meeting that can no longer be held as announced."""

    meeting: Meeting
    reasons: list[str]
    replacement: Meeting | None = None

    def text(self) -> str:
        m = self.meeting
        out = (f"Mødet {m.meeting_id} den {m.day:%d.%m.} kl. {m.start} kan ikke holdes: " + "; ".join(self.reasons)
               + ".")
        if self.replacement is not None:
            r = self.replacement
            out += f" Forslag: {r.day:%d.%m.%Y} kl. {r.start} ({r.meeting_id})."
        else:
            out += " Der er ikke fundet en erstatning i perioden."
        return out

    def to_json(self) -> dict:
        return {"meeting_id": self.meeting.meeting_id, "family_id": self.meeting.family_id,
                "date": self.meeting.day.isoformat(), "start": self.meeting.start, "reasons": self.reasons,
                "replacement": None if self.replacement is None else {
                    "meeting_id": self.replacement.meeting_id, "date": self.replacement.day.isoformat(),
                    "start": self.replacement.start}}


@dataclass
class Prepared:
    """The register and meetings the next plan starts from."""

    register: Register
    fixed: list[Meeting]
    """Kept exactly (day, time, attendees): frozen announced meetings and held meetings in the horizon."""
    movable: list[Meeting]
    """Announced meetings after the freeze (and frozen ones in conflict): kept unless a change forces a move."""
    conflicts: list[Conflict] = field(default_factory=list)
    closed: list[Meeting] = field(default_factory=list)
    """Announced meetings of families no longer in the register (the case has closed)."""
    unrecorded: list[Meeting] = field(default_factory=list)
    """Announced meetings before the horizon that are neither held nor cancelled."""
    history: list[Meeting] = field(default_factory=list)
    """Meetings held before the horizon: carried into the new plan as the record of what happened (the next
    deadline counts from the last of them)."""
    used_ids: dict[str, set[str]] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    """family_id -> where its coordinators come from ("plan" or "register")."""
    team_changes: list[str] = field(default_factory=list)
    """Danish lines: accepted screening teams applied (who joins, who leaves, from when)."""


def _carried(now, then, planned, has_snapshot: bool):
    """The register's value if the team leader changed it since the plan, else the announced plan's value."""
    if has_snapshot and now != then:
        return now, "register"
    if planned:
        return planned, "plan"
    return now, "register"


def carry_over(register: Register, baseline: Baseline, start: date) -> tuple[Register, dict[str, str]]:
    """The register with the announced plan's coordinators and team written in, and meetings held before
    ``start`` as the families' last follow-up."""
    families, sources, team = [], {}, []
    snapshot = (baseline.snapshot or {}).get("families", {})
    has_snapshot = baseline.snapshot is not None
    last_held: dict[str, date] = {}
    for m in baseline.held:
        held_on = m.held_on or m.day
        if held_on < start:
            last_held[m.chain_id] = max(last_held.get(m.chain_id, held_on), held_on)
    for family in register.families:
        then = snapshot.get(family.family_id, {})
        assignment = baseline.assignments.get(family.family_id)
        changes = {}
        if assignment is not None:
            primary, sources[family.family_id] = _carried(family.primary_coordinator or "", then.get("primary", ""),
                                                          assignment.primary_coordinator, has_snapshot)
            secondary, _ = _carried(family.secondary_coordinator or "", then.get("secondary", ""),
                                    assignment.secondary_coordinator, has_snapshot)
            changes.update(primary_coordinator=primary or None, secondary_coordinator=secondary or None)
        held = last_held.get(family.family_id)
        if held and (family.last_followup_date is None or held > family.last_followup_date):
            changes["last_followup_date"] = held
        families.append(replace(family, **changes) if changes else family)
        now_team = register.team_staff_ids(family.family_id)
        planned_team = baseline.team.get(family.family_id)
        use_plan = (planned_team is not None and (not has_snapshot or list(now_team) == then.get("team", list(now_team))))
        if use_plan:
            roles = {m.staff_id: m.role for m in register.team_by_family.get(family.family_id, ())}
            team += [TeamMember(family.family_id, s, roles.get(s, register.staff_by_id[s].role))
                     for s in planned_team if s in register.staff_by_id]
        else:
            team += list(register.team_by_family.get(family.family_id, ()))
    rules = {r.rule_id: r for r in register.rules}
    cases = []
    for case in register.cases:  # a person's appointment held before the plan is the case's last one ...
        held = max((day for chain, day in last_held.items() if chain.startswith(f"{case.person_id}:")
                    and _repeats_on(rules.get(chain.split(":", 1)[1]), case) and day >= case.opened_on),
                   default=None)  # ... on its repeating clocks: a one-off (a reassessment) is done, no anchor
        if held and (case.last_followup_date is None or held > case.last_followup_date):
            case = replace(case, last_followup_date=held)
        done = tuple(m.rule_id for m in baseline.held if m.person_id == case.person_id
                     and (m.held_on or m.day) >= case.opened_on and (m.held_on or m.day) < start)
        if done:
            case = replace(case, done_rules=tuple(dict.fromkeys(case.done_rules + done)))
        cases.append(case)
    return register.replace(families=tuple(families), team=tuple(team), cases=tuple(cases)), sources


def apply_team_changes(register: Register, changes: list[TeamChange]) -> tuple[Register, list[str]]:
    """The register with each family's accepted team (the latest acceptance per family), and what changed."""
    latest: dict[str, TeamChange] = {}
    for change in changes:
        if change.family_id in register.family_by_id:
            latest[change.family_id] = change
    if not latest:
        return register, []
    lines, team = [], [m for m in register.team if m.family_id not in latest]
    for family_id, change in sorted(latest.items()):
        before = register.team_staff_ids(family_id)
        members = [s for s in change.members if s in register.staff_by_id]
        team += [TeamMember(family_id, s, register.staff_by_id[s].role) for s in members]
        joins, leaves = change.joins(before), change.leaves(before)
        if joins or leaves:
            lines.append(f"Familie {family_id}: accepteret team fra {change.from_date:%d.%m.%Y} – "
                         + "; ".join([f"{s} kommer med" for s in joins] + [f"{s} går ud" for s in leaves]))
    return register.replace(team=tuple(team)), lines


def _repeats_on(rule, case) -> bool:
    """The rule is a repeating clock (a cadence or a count) on this case's basis."""
    return rule is not None and case.case_basis in rule.bases and rule.clock != DEADLINE


def prepare(register: Register, baseline: Baseline | None, start: date, end: date, freeze_until: date | None,
            hours: MeetingHours = DEFAULT_HOURS, team_changes: list[TeamChange] = ()) -> Prepared:
    """Split the announced plan into what is kept exactly, what may move, and what can no longer be held.

    ``team_changes``: teams accepted from screenings; announced meetings before a change's date keep the team
    they were announced with (like frozen ones), later meetings get the new team."""
    if baseline is None:
        changed, lines = apply_team_changes(register, list(team_changes))
        return Prepared(changed, [], [], team_changes=lines)
    carried, sources = carry_over(register, baseline, start)
    carried, lines = apply_team_changes(carried, list(team_changes))
    team_from = {c.family_id: c.from_date for c in team_changes if c.family_id in carried.family_by_id}
    known = carried.family_by_id
    calendar = WorkCalendar(carried, start, end)
    used_ids: dict[str, set[str]] = defaultdict(set)
    for m in baseline.meetings + baseline.cancelled:
        used_ids[m.chain_id].add(m.meeting_id)
    freeze = freeze_until or start - timedelta(days=1)
    held_until: dict[str, date] = {}
    for m in baseline.held:
        held_until[m.chain_id] = max(held_until.get(m.chain_id, freeze), m.held_on or m.day)
    prepared = Prepared(carried, [], [], used_ids=dict(used_ids), sources=sources, team_changes=lines)
    candidates: list[Meeting] = []
    for m in sorted(baseline.meetings, key=lambda m: (m.day, m.start_minute, m.meeting_id)):
        day = (m.held_on or m.day) if m.status == HELD else m.day
        if m.family_id not in known:
            if day >= start:
                prepared.closed.append(m)
            continue
        if day < start:
            if m.status == HELD:
                prepared.history.append(replace(m, day=day, frozen=False))
            else:
                prepared.unrecorded.append(m)
            continue
        if day > end:
            continue
        if m.status == HELD:
            prepared.fixed.append(replace(m, day=day))
        elif day <= held_until.get(m.chain_id, freeze) or (not m.person_id and day < team_from.get(m.family_id, start)):
            candidates.append(m)
        else:
            prepared.movable.append(m)
    prepared.fixed += _keep_or_conflict(carried, calendar, candidates, hours, prepared)
    # a meeting that cannot be held as announced is moved like any announced meeting: the plan proposes the
    # nearest change (keeping its id, so calendars see a move), and the family's chain follows
    prepared.movable = sorted(prepared.movable + [c.meeting for c in prepared.conflicts],
                              key=lambda m: (m.day, m.start_minute, m.meeting_id))
    return prepared


def _keep_or_conflict(register: Register, calendar: WorkCalendar, candidates: list[Meeting], hours: MeetingHours,
                      prepared: Prepared) -> list[Meeting]:
    """Frozen meetings that can still be held as announced; the others become conflicts."""
    kept: list[Meeting] = []
    per_person_day: dict[tuple[str, date], list[Meeting]] = defaultdict(list)
    for m in prepared.fixed:  # held meetings take their people's time too
        for person in m.attendees:
            per_person_day[(person, m.day)].append(m)
    for m in candidates:
        reasons = why_not_held(register, calendar, m, hours)
        for person in m.attendees:
            staff = register.staff_by_id.get(person)
            if staff is None:
                continue
            same_day = per_person_day[(person, m.day)]
            if len(same_day) >= staff.max_meetings_per_day:
                reasons.append(f"{person} har allerede {len(same_day)} møder den dag (loft "
                               f"{staff.max_meetings_per_day})")
            if any(o.start_minute < m.end_minute and m.start_minute < o.end_minute for o in same_day):
                reasons.append(f"{person} er optaget i et andet møde på samme tid")
        if reasons:
            prepared.conflicts.append(Conflict(m, reasons))
            continue
        kept.append(m)
        for person in m.attendees:
            per_person_day[(person, m.day)].append(m)
    return kept


def why_not_held(register: Register, calendar: WorkCalendar, m: Meeting, hours: MeetingHours) -> list[str]:
    """Danish reasons an announced meeting cannot take place as announced (no absence reasons: they are private)."""
    reasons = []
    if not calendar.is_open(m.day):
        reasons.append(f"{m.day:%d.%m.} er en lukkedag")
    if not calendar.family_available(m.family_id, m.day):
        reasons.append("familien kan ikke den dag")
    if m.start_minute < hours.start_minute or m.end_minute > hours.end_minute:
        reasons.append("tidspunktet ligger uden for mødetiden")
    for person in m.attendees:
        staff = register.staff_by_id.get(person)
        if staff is None:
            reasons.append(f"{person} er ikke længere ansat")
            continue
        absence = next((a for a in register.absences_by_staff.get(person, ()) if a.covers(m.day)), None)
        if absence is not None:
            reasons.append(f"{person} er fraværende {absence.start_date:%d.%m.}–{absence.end_date:%d.%m.%Y}")
        elif not staff.works_on(m.day):
            reasons.append(f"{person} arbejder ikke den ugedag")
    return reasons
