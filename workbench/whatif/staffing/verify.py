"""Checking an answer: exact days, a timed and checked plan, and what the planner found late."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import date, timedelta

from workbench.model import Register, TeamMember
from workbench.scheduling.check import check_plan
from workbench.model import Assignment, Meeting, Plan
from workbench.scheduling.planner import PlanRun
from workbench.scheduling.stopping import StopToken
from workbench.scheduling.timeslots import DayTask, time_day
from workbench.settings import DEFAULT_HOURS
from workbench.whatif.staffing.problem import Place, StaffingProblem
from workbench.whatif.staffing.result import StaffingSolution
from workbench.whatif.staffing.search import solve_staffing
from workbench.workdays import WorkCalendar


def verify_by_days(problem: StaffingProblem, solution: StaffingSolution, time_limit: float,
                   stop: StopToken | None = None) -> StaffingSolution | None:
    """An exact per-day check of one staffing: holders fixed, every family's follow-up days decided
    under daily caps and meeting minutes.  Returns the solution with its days, or None when no
    on-time day schedule was found in the time given."""
    checked = solve_staffing(problem.restricted_to(solution), True, (), time_limit, stop,
                             frozenset({"hires_cover_capacity_gap"}))  # the hires are given, not searched
    if checked is None:
        return None
    return replace(checked, hires=solution.hires, hired_ids=solution.hired_ids, lower_bound=solution.lower_bound,
                   status=solution.status)


def staffed_register(problem: StaffingProblem, solution: StaffingSolution,
                     planner_decides: frozenset[Place] = frozenset()) -> Register:
    """The register with the hires added and every place given to its holder in the solution.

    Coordinator places in ``planner_decides`` are left open so the planner's own coordinator
    assignment (which balances caseloads and meetings) fills them.
    """
    register = problem.register
    hires = tuple(s for s in problem.slots if s.staff_id in solution.hired_ids)
    families = []
    for family in register.families:
        changes = {}
        for place, person in solution.holders.items():
            if place.family_id != family.family_id:
                continue
            if place in planner_decides:
                person = None
            if place.kind == "primary":
                changes["primary_coordinator"] = person
            elif place.kind == "secondary":
                changes["secondary_coordinator"] = person
        families.append(replace(family, **changes) if changes else family)
    team = [TeamMember(place.family_id, person, place.role)
            for place, person in sorted(solution.holders.items(), key=lambda item: (item[0].family_id, item[0].index))
            if place.kind == "team"]
    return register.replace(staff=register.staff + hires, families=tuple(families), team=tuple(team))


def late_families(problem: StaffingProblem, run: PlanRun) -> dict[str, list[tuple[date, date]]]:
    """Avoidably late families with the windows (release, deadline) of their late follow-ups: the team's and
    the children's and adults' own clocks alike."""
    out: dict[str, list] = defaultdict(list)
    demands = {f.chain_id: f for f in run.instance.families}
    previous: dict[str, date] = {}
    for m in sorted(run.plan.meetings, key=lambda m: (m.chain_id, m.day)):
        demand = demands.get(m.chain_id)
        if m.days_late > 0 and m.chain_id not in problem.unavoidable and demand is not None:
            prev = previous.get(m.chain_id) or run.instance.day(demand.prev_day)
            out[m.family_id].append((prev + timedelta(days=demand.min_gap), m.deadline))
        previous[m.chain_id] = m.day
    for chain, deadline_day in run.packing.unplaced:
        if chain in problem.unavoidable:
            continue
        demand = demands[chain]
        prev = previous.get(chain) or run.instance.day(demand.prev_day)
        out[demand.family_id].append((prev + timedelta(days=demand.min_gap), run.instance.day(deadline_day)))
    return out


def blocked_places(problem: StaffingProblem, register: Register, run: PlanRun, fid: str,
                    windows: list[tuple[date, date]]) -> tuple[tuple[Place, str], ...]:
    """(place, holder in the verified plan) for the family's places whose holders were away or fully
    booked on days the family could have met; all its places if nobody stood out."""
    booked: dict[tuple[str, date], int] = defaultdict(int)
    for m in run.plan.meetings:
        for person in m.attendees:
            booked[(person, m.day)] += 1
    assignment = next((a for a in run.plan.assignments if a.family_id == fid), None)
    team = list(register.team_by_family.get(fid, ()))
    holders = {}
    for place in (q for q in problem.places if q.family_id == fid):
        if place.kind == "primary":
            holders[place] = assignment.primary_coordinator if assignment else None
        elif place.kind == "secondary":
            holders[place] = assignment.secondary_coordinator if assignment else None
        else:
            holders[place] = next((m.staff_id for m in team if m.role == place.role), None)
    calendar = WorkCalendar(register, problem.start, problem.end)
    blocked = set()
    for first, deadline in windows:
        day = max(first, problem.start)
        while day <= min(deadline, problem.end):
            if calendar.is_open(day) and calendar.family_available(fid, day):
                for place, person in holders.items():
                    if person is None or person not in register.staff_by_id:
                        continue
                    staff = register.staff_by_id[person]
                    if not calendar.staff_available(person, day) or booked[(person, day)] >= staff.max_meetings_per_day:
                        blocked.add(place)
            day += timedelta(days=1)
    chosen = blocked or set(holders)
    return tuple(sorted(((q, holders[q]) for q in chosen if holders[q]), key=lambda pair: pair[0].name))


def _plan_from_days(problem: StaffingProblem, register: Register, solution: StaffingSolution) -> Plan | None:
    """Meetings on the model's days, timed per day; None if a day cannot be timed."""
    by_family_place = defaultdict(list)
    for place, person in solution.holders.items():
        by_family_place[place.family_id].append((place, person))
    assignments = []
    for family in register.families:
        assignments.append(Assignment(family.family_id, family.primary_coordinator, family.secondary_coordinator))
    per_day: dict[int, list[DayTask]] = defaultdict(list)
    meetings_info = {}
    for fid, days in solution.meeting_days.items():
        chain = problem.chains[fid]
        attendees = tuple(dict.fromkeys(person for _, person in sorted(by_family_place[fid], key=lambda x: x[0].kind)))
        prev = chain.prev
        for n, day in enumerate(sorted(days), start=1):
            key = (fid, n)
            per_day[day].append(DayTask(key, attendees, chain.minutes))
            meetings_info[key] = (day, attendees, chain.clock.deadline(prev))
            prev = day
    starts = {}
    for day, tasks in per_day.items():
        timed = time_day(tasks, DEFAULT_HOURS.end_minute - DEFAULT_HOURS.start_minute, DEFAULT_HOURS.step_minutes)
        if timed is None:
            return None
        starts.update(timed)
    meetings = []
    for (fid, n), (day, attendees, deadline) in meetings_info.items():
        begin = DEFAULT_HOURS.start_minute + starts[(fid, n)]
        meetings.append(Meeting(f"{fid}-{n:02d}", fid, problem.start + timedelta(days=day), begin,
                                begin + problem.chains[fid].minutes, attendees, problem.chains[fid].rule_id,
                                problem.start + timedelta(days=deadline), max(0, day - deadline)))
    return Plan(problem.start, problem.end, assignments, meetings)


def verified_plan(problem: StaffingProblem, staffed: Register, solution: StaffingSolution, exact: bool,
                   time_limit: float, stop: StopToken) -> tuple[StaffingSolution, Plan] | None:
    """A checked plan with no avoidable lateness built from the model's own days (exact) or from an
    exact per-day check of the chosen holders (relaxed); None if there is none."""
    if problem.unavoidable or problem.person_clocks:
        return None  # their meetings are not in the day model, so only the planner can show the whole picture
    if not exact:
        checked = verify_by_days(problem, solution, time_limit, stop)
        if checked is None:
            return None
        solution = checked
    plan = _plan_from_days(problem, staffed, solution)
    if plan is None:
        return None
    report = check_plan(staffed, plan)
    return (solution, plan) if report.ok and not report.late else None
