"""One call from a register to a checked plan: coordinators first, then meetings."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from workbench.model import Register
from workbench.scheduling.coordinators import AssignmentResult, assign_coordinators
from workbench.scheduling.instance import PackingInstance, build_instance
from workbench.scheduling.packing import PackingOptions, PackingResult, pack_meetings
from workbench.scheduling.plan import Assignment, Meeting, Plan
from workbench.scheduling.stopping import ProgressCallback, StopToken, no_progress
from workbench.settings import DEFAULT_HOURS, DEFAULT_LOAD, LoadWeights, MeetingHours
from workbench.workdays import WorkCalendar


@dataclass(frozen=True)
class PlanOptions:
    time_limit: float = 60.0
    """Total seconds for coordinators and meetings together."""
    hours: MeetingHours = DEFAULT_HOURS
    load: LoadWeights = DEFAULT_LOAD
    packing: PackingOptions | None = None
    """Explicit packing options; by default the per-window time follows ``time_limit``."""
    previous: tuple[Meeting, ...] = ()
    """An announced plan to stay close to (re-planning)."""
    freeze_until: date | None = None
    """Announced meetings up to and including this day are kept exactly as they are."""
    workers: int = 2


@dataclass
class PlanRun:
    """A plan with what it took to make it (for the UI and the what-if analysis)."""

    plan: Plan
    coordinators: AssignmentResult
    packing: PackingResult
    instance: PackingInstance = field(repr=False)


def _packing_options(options: PlanOptions, seconds_left: float) -> PackingOptions:
    if options.packing is not None:
        return options.packing
    return PackingOptions(seconds=max(1.0, 0.95 * seconds_left), workers=options.workers)


def explain_late(register: Register, instance: PackingInstance, meeting_family: str, deadline: date) -> str:
    """Why a follow-up could not be held by its deadline, in Danish."""
    family = next(f for f in instance.families if f.family_id == meeting_family)
    calendar = WorkCalendar(register, instance.start, instance.end)
    first = max(instance.start, deadline - timedelta(days=family.max_gap - family.min_gap))
    blocked: Counter = Counter()
    free_days = 0
    day = first
    while day <= min(deadline, instance.end):
        if calendar.is_open(day):
            reasons = [f"{p}: {calendar.why_unavailable(p, day)}" for p in family.attendees
                       if calendar.why_unavailable(p, day)]
            if not calendar.family_available(family.family_id, day):
                reasons.append("familien er ikke til rådighed")
            if reasons:
                blocked.update(reasons)
            else:
                free_days += 1
        day += timedelta(days=1)
    if free_days == 0:
        top = ", ".join(reason for reason, _ in blocked.most_common(3)) or "ingen åbne dage"
        return f"Ingen fælles ledig dag fra {first:%d.%m.} til fristen {deadline:%d.%m.%Y} ({top})."
    return (f"Teamet havde {free_days} fælles ledige dage før fristen {deadline:%d.%m.%Y}, men de var optaget af "
            f"andre møder (dagsloft).")


def make_plan(register: Register, start: date, end: date, options: PlanOptions = PlanOptions(),
              progress: ProgressCallback = no_progress, stop: StopToken | None = None) -> PlanRun:
    """Assign coordinators, then pack the follow-up meetings of the horizon."""
    began = time.perf_counter()
    stop = stop or StopToken()
    progress(0.0, "Fordeler koordinatorer")
    coordinators = assign_coordinators(register, options.load, time_limit=max(1.0, 0.15 * options.time_limit),
                                       workers=options.workers)
    assignments = coordinators.assignments or [
        Assignment(f.family_id, f.primary_coordinator, f.secondary_coordinator) for f in register.families
    ]
    fixed, previous = [], [m for m in options.previous if start <= m.day <= end]
    if options.freeze_until is not None:
        fixed = [m for m in previous if m.day <= options.freeze_until]
    instance = build_instance(register, assignments, start, end, options.hours, fixed, previous)
    seconds_left = max(1.0, options.time_limit - (time.perf_counter() - began))
    packing = pack_meetings(instance, _packing_options(options, seconds_left),
                            lambda share, text: progress(0.1 + 0.9 * share, text), stop)
    meetings = packing.meetings
    late = [m for m in meetings if m.days_late > 0]
    messages = list(coordinators.problems)
    for m in late:
        messages.append(f"Møde {m.meeting_id} holdes {m.days_late} dage efter fristen: "
                        + explain_late(register, instance, m.family_id, m.deadline))
    for family_id, deadline_day in packing.unplaced:
        deadline = instance.day(deadline_day)
        messages.append(f"Familie {family_id} mangler et opfølgningsmøde med frist {deadline:%d.%m.%Y}: "
                        + explain_late(register, instance, family_id, deadline))
    moved = _moved(options.previous, meetings, options.freeze_until)
    summary = {
        "families": len(register.families),
        "meetings": len(meetings),
        "late_meetings": len(late) + len(packing.unplaced),
        "max_days_late": max([m.days_late for m in late] + [(end - instance.day(d)).days + 1 for _, d in packing.unplaced],
                             default=0),
        "total_days_late": sum(m.days_late for m in late),
        "unplaced_followups": len(packing.unplaced),
        "solver_status": packing.status,
        "gap": round(packing.gap, 4),
        "coordinator_status": coordinators.status,
        "unassigned_families": sum(1 for a in coordinators.assignments if not a.primary_coordinator),
        "late_lower_bound": packing.lower_bound,
        "phases": packing.phases,
        "moved_meetings": moved,
        "solve_seconds": round(time.perf_counter() - began, 2),
        "horizon": [start.isoformat(), end.isoformat()],
    }
    plan = Plan(start, end, assignments, meetings, summary, messages)
    return PlanRun(plan, coordinators, packing, instance)


def _moved(previous: tuple[Meeting, ...], meetings: list[Meeting], freeze_until: date | None) -> int:
    """Announced meetings (after the freeze) that are no longer at the same day and time."""
    now = {m.meeting_id: (m.day, m.start_minute) for m in meetings}
    return sum(1 for m in previous if now.get(m.meeting_id) != (m.day, m.start_minute)
               and (freeze_until is None or m.day > freeze_until))
