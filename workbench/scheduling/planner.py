"""One call from a register to a checked plan: coordinators first, then meetings."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from workbench.attendance import attendance_saving, with_family_choices
from workbench.danish import count
from workbench.model import HELD, PLANNED, Assignment, Meeting, Plan, Register, TeamChange
from workbench.clocks import undecided_cadences
from workbench.scheduling.baseline import Baseline, Conflict, Prepared, prepare
from workbench.scheduling.bounds import LateBound, LateCause, late_bound, late_causes
from workbench.scheduling.changes import PlanChanges, plan_changes
from workbench.scheduling.coordinators import AssignmentResult, assign_coordinators
from workbench.scheduling.deadlines import LATE, OVERDUE, deadline_rows, overdue, overdue_text
from workbench.scheduling.instance import PackingInstance, build_instance
from workbench.scheduling.packing import Packer, PackingOptions, PackingResult
from workbench.scheduling.stable import StablePacker
from workbench.scheduling.stopping import ProgressCallback, StopToken, no_progress
from workbench.scheduling.workclock import WorkClock
from workbench.settings import DEFAULT_HOURS, DEFAULT_LOAD, LoadWeights, MeetingHours
from workbench.workdays import WorkCalendar


@dataclass(frozen=True)
class PlanOptions:
    time_limit: float = 60.0
    """Total seconds for coordinators and meetings together (counted as work, see workclock.py)."""
    hours: MeetingHours = DEFAULT_HOURS
    load: LoadWeights = DEFAULT_LOAD
    packing: PackingOptions | None = None
    """Explicit packing options; by default the per-window time follows ``time_limit``."""
    previous: tuple[Meeting, ...] = ()
    """Announced meetings to stay close to (a bare ``meetings.csv``); ``baseline`` carries a whole plan."""
    baseline: Baseline | None = None
    """The announced plan (coordinators, team, meetings with status) the new plan continues."""
    freeze_until: date | None = None
    """Announced meetings up to and including this day keep day, time and attendees."""
    reoptimize: bool = False
    """"Genoptimér": let announced meetings move where it takes days off the lateness (and say what it cost)."""
    team_changes: tuple[TeamChange, ...] = ()
    """Teams accepted from screenings (each from its own date); they replace ``team.csv`` for those families."""
    family_choices: dict = field(default_factory=dict)
    """What families chose on their family plan page (who attends, their coordinator), by family id; it replaces
    ``families.csv``'s columns (:func:`workbench.attendance.with_family_choices`) and is kept in the summary so the
    checker reads the same."""
    as_of: date | None = None
    """Today: follow-ups due before it and not held are overdue, and nothing new is planned before it
    (default: the first day of the plan)."""
    deterministic: bool = True
    """Count work instead of wall time, so the same input gives the same plan (workclock.py)."""
    workers: int = 2


@dataclass
class PlanRun:
    """A plan with what it took to make it (for the UI and the what-if analysis)."""

    plan: Plan
    coordinators: AssignmentResult
    packing: PackingResult
    instance: PackingInstance = field(repr=False)
    prepared: Prepared | None = field(default=None, repr=False)
    changes: PlanChanges | None = None


def _packing_options(options: PlanOptions, seconds_left: float) -> PackingOptions:
    if options.packing is not None:
        return options.packing
    return PackingOptions(seconds=max(1.0, 0.95 * seconds_left), workers=options.workers,
                          deterministic=options.deterministic)


def _who_was_away(register: Register, blocked: Counter) -> str:
    """The (at most three) people who blocked the most days, by name, each once with all their reasons:
    'Hanne Skabelonsen (fravær, ikke arbejdsdag (deltid)); familien er ikke til rådighed'."""
    reasons: dict[str, list[str]] = {}
    for (person, why), _ in blocked.most_common():
        if why not in reasons.setdefault(person, []):
            reasons[person].append(why)
    parts = []
    for person, whys in list(reasons.items())[:3]:
        if not person:
            parts.extend(whys)
            continue
        parts.append(f"{_name(register, person)} ({', '.join(whys)})")
    return "; ".join(parts)


def _name(register: Register, person: str) -> str:
    staff = register.staff_by_id.get(person)
    return staff.name if staff else person


def _blocked(register: Register, instance: PackingInstance, family, first: date, last: date) -> Counter:
    """(person, reason) -> open days in ``first..last`` it kept the whole team and the family from meeting
    (an absence is only HardRule.NOT_ABSENT: its reason stays private)."""
    calendar = WorkCalendar(register, instance.start, instance.end)
    blocked: Counter = Counter()
    day = first
    while day <= last:
        if calendar.is_open(day):
            blocked.update((p, calendar.why_unavailable(p, day)) for p in family.attendees
                           if calendar.why_unavailable(p, day))
            if not calendar.family_available(family.family_id, day):
                blocked[("", "familien er ikke til rådighed")] += 1
        day += timedelta(days=1)
    return blocked


def _weeks(first: date, last: date) -> str:
    """'uge 25' or 'uge 25-26'."""
    a, b = first.isocalendar()[1], last.isocalendar()[1]
    return f"uge {a}" if a == b else f"uge {a}-{b}"


def _busiest(register: Register, instance: PackingInstance, family, first: int, last: int,
             busy: Counter) -> str:
    """'travlt for Navn i uge 25': the attendee with the most fully booked days in ``first..last`` (day numbers)."""
    full: Counter = Counter()
    for person in family.attendees:
        cap = instance.staff_cap.get(person, 0)
        for day in range(max(0, first), min(instance.n_days - 1, last) + 1):
            if day in instance.staff_days.get(person, ()) and busy[(person, day)] >= cap:
                full[(person, instance.day(day).isocalendar()[1])] += 1
    if not full:
        return ""
    (person, week), _ = full.most_common(1)[0]
    return f"travlt for {_name(register, person)} i uge {week}"


def explain_late(register: Register, instance: PackingInstance, chain: str, deadline: date, cause: LateCause,
                 busy: Counter, as_of: date | None = None, days_late: int | None = None) -> str:
    """Why a follow-up of a chain (a family id, or ``person:rule``) is late, in Danish - the one place this is
    worded.  Only a cause bounds.py proves may say it could not be avoided: absences (by name, an absence only as
    HardRule.NOT_ABSENT), the chain's own calendar, or a person's full week; anything else says honestly that
    another plan might have held it on time, and who was busy."""
    family = next(f for f in instance.families if f.chain_id == chain)
    shortfall = count(cause.shortfall, "dag", "dage")
    more = (f"; planen har {count(days_late, 'dag', 'dage')}" if days_late is not None and days_late > cause.shortfall
            else "")
    if cause.kind == "absence":
        if cause.first < max(0, instance.number(as_of) if as_of else 0):  # the stretch began before the plan
            return (f"Kunne ikke undgås: den første dag i planen, hvor hele teamet og familien kan mødes, er "
                    f"{instance.day(cause.last + 1):%d.%m.%Y}; derfor mindst {shortfall} for sent{more}.")
        first, last = instance.day(cause.first), instance.day(cause.last)
        who = _who_was_away(register, _blocked(register, instance, family, first, last)) or "ingen åbne dage"
        return (f"Kunne ikke undgås: fra {first:%d.%m.} til {last:%d.%m.%Y} er der ingen dag, hvor hele teamet og "
                f"familien kan mødes ({who}); derfor mindst {shortfall} for sent{more}.")
    if cause.kind == "alone":
        return ("Kunne ikke undgås: fravær, lukkedage og mindsteintervallet gør, at denne opfølgning ikke kan holdes "
                "til tiden, heller ikke hvis ingen andre familier havde møder.")
    group = cause.group
    if group is not None:
        name, first, last = _name(register, group.person), instance.day(group.first), instance.day(group.last)
        crowd = (f"{len(group.windows)} opfølgninger skulle holdes med {name} mellem {first:%d.%m.} og "
                 f"{last:%d.%m.%Y} ({_weeks(first, last)}) for at holde fristerne, men der er kun plads til "
                 f"{group.capacity}; mindst {group.late} må blive for sene")
        if cause.kind == "capacity":
            return f"Kunne ikke undgås for dem alle: {crowd} (denne mindst {shortfall} for sent{more})."
        return (f"Kunne muligvis undgås: planlæggeren fandt ikke plads til det inden fristen {deadline:%d.%m.%Y} "
                f"(travlt for {name}: {crowd}, og planen har flere).")
    clock = family.clock
    hint = _busiest(register, instance, family, clock.earliest(cause.first, True), clock.deadline(cause.first), busy)
    if not hint:
        band = (instance.day(max(0, clock.earliest(cause.first, True))), min(deadline, instance.end))
        who = _who_was_away(register, _blocked(register, instance, family, *band)) if band[0] <= band[1] else ""
        hint = f"ingen fælles ledig tid efter det forrige møde: {who}" if who else ""
    return (f"Kunne muligvis undgås: planlæggeren fandt ikke plads til det inden fristen {deadline:%d.%m.%Y}"
            + (f" ({hint})." if hint else "."))


def chain_label(register: Register, demand) -> str:
    """``F0001`` for the team follow-ups, ``F0001 (F0001-B1: Børnefaglig undersøgelse ...)`` for a person's clock."""
    if not demand.person_id:
        return demand.family_id
    rule = next((r for r in register.rules if r.rule_id == demand.rule_id), None)
    return f"{demand.family_id} ({demand.person_id}: {rule.description if rule else demand.rule_id})"


def clock_problems(register: Register, instance: PackingInstance, start: date, end: date) -> list[str]:
    """Danish lines: clocks that cannot be planned, and families whose cadence is not decided."""
    lines = []
    for chain, _, why, _ in instance.unstaffed:
        person, rule_id = chain.split(":", 1)
        rule = next((r for r in register.rules if r.rule_id == rule_id), None)
        lines.append(f"{person}: '{rule.description if rule else rule_id}' kan ikke planlægges: {why}.")
    planned = {f.family_id for f in instance.families if not f.person_id}
    for family in register.families:
        for case in undecided_cadences(register, family, start, end):
            lines.append(f"Familie {family.family_id}: opfølgningen for {case.person_id} er ikke fastsat i sagen "
                         f"(Barnets lov § 95 stk. 3) – skriv antal dage i kolonnen 'Besluttet opfølgning (dage)' på "
                         f"arket Sager (cases.csv: decided_cadence_days).")
        if family.family_id not in planned:
            lines.append(f"Familie {family.family_id}: ingen opfølgningskadence for hele teamet gælder "
                         f"({';'.join(family.case_basis)}); kun sagernes egne frister planlægges.")
    return lines


def why_late(register: Register, instance: PackingInstance, meeting: Meeting, as_of: date, cause: LateCause,
             busy: Counter) -> str:
    """Why this meeting is late, in Danish: held, frozen as announced, else ``explain_late`` (after the note that
    the deadline had passed already when the plan was made)."""
    if meeting.status == HELD:
        return f"det blev holdt {meeting.day:%d.%m.%Y}."
    if meeting.frozen:
        return (f"det er udmeldt og fastfrosset til {meeting.day:%d.%m.%Y}. Skal det holdes før, så flyt det "
                f"manuelt (Registrér hvad der skete) eller vælg en tidligere frysedato.")
    why = explain_late(register, instance, meeting.chain_id, meeting.deadline, cause, busy, as_of, meeting.days_late)
    if meeting.deadline < as_of:
        return (f"fristen {meeting.deadline:%d.%m.%Y} var allerede overskredet pr. {as_of:%d.%m.%Y}, da planen blev "
                f"lagt. " + why)
    return why


def _late_followups(instance: PackingInstance, meetings: list[Meeting],
                    unplaced: list[tuple[str, int]]) -> list[tuple[int, int, int | None, Meeting | None]]:
    """(chain, previous day, day held or None, the meeting) for every late follow-up the planner chose (not held,
    not frozen) and every one missing at the end."""
    index = instance.family_index
    by_chain: dict[int, list[Meeting]] = {}
    for m in meetings:
        if m.chain_id in index:
            by_chain.setdefault(index[m.chain_id], []).append(m)
    out: list[tuple[int, int, int | None, Meeting | None]] = []
    last: dict[int, int] = {}
    for i, chain in by_chain.items():
        prev = instance.families[i].prev_day
        for m in sorted(chain, key=lambda m: (m.day, m.start_minute)):
            day = instance.number(m.day)
            if m.days_late and not m.frozen and m.status != HELD:
                out.append((i, prev, day, m))
            prev = day
        last[i] = prev
    for chain_id, _ in unplaced:
        i = index[chain_id]
        out.append((i, last.get(i, instance.families[i].prev_day), None, None))
    return out


def late_bound_text(register: Register, instance: PackingInstance, bound: LateBound, unstaffed: int = 0,
                    unstaffed_days: int = 0) -> str:
    """The proven bound in one Danish sentence: how many follow-ups (and days) every plan has late, and why."""
    total = bound.late + unstaffed
    if total == 0:
        return "Ingen opfølgning behøver at blive for sen: alle kan i princippet holdes til tiden."
    parts = []
    if bound.absence_late:
        parts.append(f"{bound.absence_late} på grund af fravær, lukkedage eller frister, der var overskredet før "
                     f"planen")
    if bound.capacity_late:
        busy = [f"{_name(register, g.person)} ({g.person}) i {_weeks(instance.day(g.first), instance.day(g.last))}"
                for g in sorted(bound.groups, key=lambda g: (-g.late, g.first))]
        names = ", ".join(busy[:3]) + (f" og {len(busy) - 3} andre" if len(busy) > 3 else "")
        if len(busy) in (2, 3):
            names = ", ".join(busy[:-1]) + " og " + busy[-1]
        parts.append(f"{bound.capacity_late} fordi {names} ikke har plads til alle de møder, der skal holdes der")
    if bound.frozen_late:
        parts.append(f"{bound.frozen_late} fordi fastfrosne møder ligger efter fristen")
    if unstaffed:
        parts.append(f"{unstaffed} fordi ingen i familiens team kan holde mødet")
    days = bound.days_late + unstaffed_days
    return (f"Mindst {count(total, 'opfølgning', 'opfølgninger')} må blive for sene i enhver plan"
            + (f", i alt mindst {count(days, 'dag', 'dage')}" if days else "") + ": " + "; ".join(parts) + ".")


def make_plan(register: Register, start: date, end: date, options: PlanOptions = PlanOptions(),
              progress: ProgressCallback = no_progress, stop: StopToken | None = None) -> PlanRun:
    """Assign coordinators, then pack the follow-up meetings of the horizon - continuing the announced plan
    (``options.baseline`` or ``options.previous``) where there is one.  Long because it is the whole recipe in
    the order it runs (prepare, coordinators, instance, packing, bound, explanations, summary); each step is a
    named function, and the order is easier to check in one place."""
    began = time.perf_counter()
    clock = WorkClock(options.deterministic)
    stop = stop or StopToken()
    baseline = options.baseline or (Baseline(tuple(options.previous)) if options.previous else None)
    register, choice_notes = with_family_choices(register, options.family_choices)
    prepared = prepare(register, baseline, start, end, options.freeze_until, options.hours, list(options.team_changes))
    work = prepared.register
    progress(0.0, "Fordeler koordinatorer")
    coordinators = assign_coordinators(work, options.load, time_limit=max(1.0, 0.15 * options.time_limit),
                                       workers=options.workers, clock=clock, horizon=(start, end), stop=stop)
    assignments = coordinators.assignments or [
        Assignment(f.family_id, f.primary_coordinator, f.secondary_coordinator) for f in work.families
    ]
    progress(0.08, "Finder hver families mulige mødedage og frister")
    instance = build_instance(work, assignments, start, end, options.hours, prepared.fixed, prepared.movable,
                              prepared.used_ids, earliest=options.as_of)
    seconds_left = max(1.0, options.time_limit - clock.now())
    packer_class = StablePacker if baseline is not None else Packer
    extra = {"reoptimize": options.reoptimize} if baseline is not None else {}
    packing = packer_class(instance, _packing_options(options, seconds_left),
                           lambda share, text: progress(0.1 + 0.9 * share, text), stop, clock, **extra).run()
    meetings = packing.meetings
    late = [m for m in meetings if m.days_late > 0]
    bound = late_bound(instance)  # after the search, outside its counted time
    packing.lower_bound = max(packing.lower_bound, bound.late)
    packing.days_lower_bound = bound.days_late
    followups = _late_followups(instance, meetings, packing.unplaced)
    causes = late_causes(instance, bound, [(i, prev, day) for i, prev, day, _ in followups])
    by_meeting = {m.meeting_id: cause for (_, _, _, m), cause in zip(followups, causes) if m is not None}
    by_missing = {instance.families[i].chain_id: cause for (i, _, _, m), cause in zip(followups, causes) if m is None}
    busy: Counter = Counter((person, instance.number(m.day)) for m in meetings for person in m.attendees)
    messages = [conflict.text() for conflict in _with_replacements(prepared.conflicts, meetings)]
    messages += prepared.team_changes
    messages += choice_notes
    messages += list(coordinators.problems)
    as_of = options.as_of or start
    chains = {f.chain_id: f for f in instance.families}
    missing = [(chain, instance.day(day)) for chain, day in packing.unplaced]
    unstaffed = [(family_id, instance.day(day)) for _, family_id, _, day in instance.unstaffed]
    missing_followups = _missing_followups(instance, missing)
    rules = {r.rule_id: r for r in work.rules}
    overdue_rows = overdue(meetings, missing_followups, rules, as_of)
    messages += [overdue_text(row) for row in overdue_rows]
    messages += clock_problems(work, instance, start, end)
    for m in late:
        cause = by_meeting.get(m.meeting_id, LateCause(""))
        messages.append(f"Møde {m.meeting_id} holdes {count(m.days_late, 'dag', 'dage')} efter fristen: "
                        + why_late(work, instance, m, as_of, cause, busy))
    for chain, deadline in missing:
        messages.append(f"Familie {chain_label(work, chains[chain])} mangler et møde med frist "
                        f"{deadline:%d.%m.%Y}: " + explain_late(work, instance, chain, deadline, by_missing[chain],
                                                                 busy, as_of))
    changes = None
    if baseline is not None:
        changes, notes = _continuity(baseline, prepared, work, meetings, assignments, coordinators, packing, options,
                                     start)
        messages[:0] = notes
    summary = _summary(work, start, end, options, meetings, late, missing, unstaffed, missing_followups, overdue_rows,
                       as_of, packing, coordinators, changes, prepared, baseline, stop, clock, began)
    summary.update(_bound_summary(work, instance, bound, unstaffed, end, followups, causes))
    team = {f.family_id: work.team_staff_ids(f.family_id) for f in work.families}
    rows = deadline_rows(prepared.history + meetings, missing_followups, rules, as_of)
    summary["deadlines"] = dict(Counter(row["status"] for row in rows))
    summary["late_by_kind"] = dict(Counter(row["kind"] or "ukendt" for row in rows if row["status"] in (LATE, OVERDUE)))
    summary["attendance_saving"] = attendance_saving(work, {a.family_id: a for a in assignments}, meetings)
    plan = Plan(start, end, assignments, prepared.history + meetings, summary, messages, team=team, deadlines=rows)
    return PlanRun(plan, coordinators, packing, instance, prepared, changes)


def _missing_followups(instance, missing: list[tuple[str, date]]) -> list[dict]:
    """Follow-ups with no meeting in the plan: not placed in time, or nobody on the team can attend."""
    chains = {f.chain_id: f for f in instance.families}
    return ([{"family_id": chains[chain].family_id, "chain": chain, "person_id": chains[chain].person_id,
              "rule_id": chains[chain].rule_id, "deadline": d.isoformat()} for chain, d in missing]
            + [{"family_id": family_id, "chain": chain, "person_id": chain.split(":", 1)[0],
                "rule_id": chain.split(":", 1)[1], "deadline": instance.day(day).isoformat()}
               for chain, family_id, _, day in instance.unstaffed])


def _continuity(baseline: Baseline, prepared: Prepared, work: Register, meetings: list[Meeting],
                assignments: list[Assignment], coordinators: AssignmentResult, packing, options: PlanOptions,
                start: date) -> tuple[PlanChanges, list[str]]:
    """What changed against the announced plan, and the notes that go first in the plan's messages (what a
    re-optimisation cost, announced meetings nobody recorded)."""
    notes: list[str] = []
    before = {a.family_id: a for a in baseline.assignments.values()} or {
        f.family_id: Assignment(f.family_id, f.primary_coordinator, f.secondary_coordinator)
        for f in work.families}
    changes = plan_changes(prepared.movable + prepared.closed,
                           meetings, before, assignments, coordinators.forced,
                           {m.meeting_id for m in prepared.fixed + prepared.history})
    changes.frozen = len(prepared.fixed)
    stable, reoptimized = packing.phases.get("stable"), packing.phases.get("reoptimized")
    if reoptimized and reoptimized["days_late"] < stable["days_late"]:
        notes.insert(0, f"Genoptimering: {reoptimized['moved'] - stable['moved']} udmeldte møder mere flyttes "
                           f"for {stable['days_late'] - reoptimized['days_late']} færre dage for sent "
                           f"({stable['late'] - reoptimized['late']} færre forsinkede opfølgninger).")
    elif options.reoptimize:
        notes.insert(0, "Genoptimering fandt ingen forbedring: ingen flytning af udmeldte møder gav færre dage "
                           "for sent.")
    if prepared.unrecorded:
        notes.insert(0, f"{len(prepared.unrecorded)} udmeldte møder før {start:%d.%m.%Y} er hverken "
                           f"registreret som afholdt eller aflyst; de regnes ikke som afholdt.")
    return changes, notes


def _summary(work: Register, start: date, end: date, options: PlanOptions, meetings: list[Meeting],
             late: list[Meeting], missing, unstaffed, missing_followups: list[dict], overdue_rows: list[dict],
             as_of: date, packing, coordinators: AssignmentResult, changes, prepared: Prepared,
             baseline: Baseline | None, stop: StopToken, clock: WorkClock, began: float) -> dict:
    """The figures of ``summary.json``: counts, lateness, the settings that reproduce the plan, timings."""
    return {
        "families": len(work.families),
        "meetings": len(meetings),
        "late_meetings": len(late) + len(packing.unplaced) + len(unstaffed),
        "max_days_late": max([m.days_late for m in late] + [(end - d).days + 1 for _, d in missing + unstaffed],
                             default=0),
        "total_days_late": packing.days_late + sum(max(0, (end - d).days + 1) for _, d in unstaffed),
        "unplaced_followups": len(packing.unplaced) + len(unstaffed),
        "missing_followups": missing_followups,
        "overdue": overdue_rows,
        "as_of": as_of.isoformat(),
        "solver_status": packing.status,
        "gap": round(packing.gap, 4),
        "coordinator_status": coordinators.status,
        "unassigned_families": sum(1 for a in coordinators.assignments if not a.primary_coordinator),
        "phases": packing.phases,
        "moved_meetings": len(changes.moved) if changes else 0,
        "conflicts": [c.to_json() for c in prepared.conflicts],
        "continuity": changes.summary() if changes else None,
        "reproducible": not (stop.stopped or clock.guard_hit) and options.deterministic,
        "settings": {"time_limit": options.time_limit, "freeze_until": _iso(options.freeze_until),
                     "reoptimize": options.reoptimize, "deterministic": options.deterministic,
                     "previous": baseline.label if baseline else "", "workers": options.workers,
                     "seed": _packing_options(options, 1.0).seed,
                     "family_choices": options.family_choices,
                     "team_changes": [{"family_id": c.family_id, "members": list(c.members),
                                       "from": c.from_date.isoformat()} for c in options.team_changes]},
        "work_seconds": round(clock.now(), 2),
        "solve_seconds": round(time.perf_counter() - began, 2),
        "horizon": [start.isoformat(), end.isoformat()],
        "held_before_start": len(prepared.history),
    }


def _bound_summary(work: Register, instance: PackingInstance, bound: LateBound, unstaffed: list, end: date,
                   followups: list, causes: list[LateCause]) -> dict:
    """The proven lower bound (``late_lower_bound``, ``late_days_lower_bound``, comparable with ``late_meetings``
    and ``total_days_late``), its parts, and which late follow-ups it proves forced."""
    unstaffed_days = sum(max(0, (end - d).days + 1) for _, d in unstaffed)
    kinds = Counter(cause.kind or "not_proven" for cause in causes)
    return {
        "late_lower_bound": bound.late + len(unstaffed),
        "late_days_lower_bound": bound.days_late + unstaffed_days,
        "late_bound": {
            "absence": [bound.absence_late, bound.absence_days],
            "capacity": [bound.capacity_late, bound.capacity_days],
            "frozen": [bound.frozen_late, bound.frozen_days],
            "unstaffed": [len(unstaffed), unstaffed_days],
            "groups": [{"staff_id": g.person, "from": instance.day(g.first).isoformat(),
                        "to": instance.day(g.last).isoformat(), "followups": len(g.windows), "room": g.capacity,
                        "late": g.late, "days": g.days} for g in bound.groups],
            "seconds": round(bound.seconds, 2),
            "text": late_bound_text(work, instance, bound, len(unstaffed), unstaffed_days),
        },
        "late_forced": sum(n for kind, n in kinds.items() if kind != "not_proven"),
        "late_not_proven": kinds.get("not_proven", 0),
        "late_causes": [{"chain": instance.families[i].chain_id, "meeting_id": m.meeting_id if m else "",
                         "cause": cause.kind or "not_proven"} for (i, _, _, m), cause in zip(followups, causes)],
    }


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""


def _with_replacements(conflicts: list[Conflict], meetings: list[Meeting]) -> list[Conflict]:
    """Each conflict gets its replacement: the meeting that took over its id (moved), else the family's first
    newly planned meeting."""
    by_id = {m.meeting_id: m for m in meetings}
    for conflict in conflicts:
        replacement = by_id.get(conflict.meeting.meeting_id)
        if replacement is None:
            replacement = min((m for m in meetings if m.family_id == conflict.meeting.family_id and not m.frozen
                               and m.status == PLANNED), key=lambda m: (m.day, m.start_minute), default=None)
        conflict.replacement = replacement
    return conflicts
