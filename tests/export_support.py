"""Shared material for the export tests: a hand-made plan across both 2027 summer-time changes, and a real plan."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from functools import lru_cache

from tests.helpers import family, rule, staff, tiny_register
from workbench.model import Assignment, Meeting, Person, Plan
from workbench.scheduling.planner import PlanOptions, make_plan
from workbench.synth.municipality import MunicipalitySpec, generate_municipality

YEAR_START, YEAR_END = date(2027, 1, 1), date(2027, 12, 31)

DST_MEETINGS = {
    # meeting id: (day, local start, expected UTC start hour)  – 10:00 local is 09:00 UTC in winter, 08:00 in summer
    "F0001-01": (date(2027, 3, 24), 600, 9),   # Wednesday before summer time starts (Sunday 28 March)
    "F0001-02": (date(2027, 3, 30), 600, 8),   # Tuesday after (25-29 March is Easter)
    "F0001-03": (date(2027, 10, 29), 600, 8),  # Friday before summer time ends (31 October)
    "F0001-04": (date(2027, 11, 1), 600, 9),   # Monday after
}


def dst_register():
    people = [staff("S1"), staff("S2", role="ppr_psykolog", can_coordinate=False),
              staff("S3", role="jobkonsulent", can_coordinate=False)]
    register = tiny_register(people, [family("F0001"), family("F0002")], rules=[rule("R", 60, 20, 90, "SOF-32")],
                             team=[("F0001", "S2", "ppr_psykolog"), ("F0002", "S3", "jobkonsulent")])
    persons = (Person("F0001-B1", "F0001", "barn", 2015, "Barn 1"), Person("F0001-V1", "F0001", "voksen", 1985,
                                                                             "Voksen 1", "kontanthjælp"))
    return register.replace(persons=persons)


def dst_plan() -> Plan:
    meetings = [Meeting(mid, "F0001", day, start, start + 90, ("S1", "S2"), "SOF-32", day, 0)
                for mid, (day, start, _) in DST_MEETINGS.items()]
    meetings.append(Meeting("F0002-01", "F0002", date(2027, 5, 4), 540, 630, ("S1", "S3"), "SOF-32",
                            date(2027, 5, 1), 3))
    assignments = [Assignment("F0001", "S1"), Assignment("F0002", "S1")]
    return Plan(YEAR_START, YEAR_END, assignments, meetings, {"meetings": len(meetings)},
                ["Møde F0002-01 holdes 3 dage efter fristen: S3 var på ferie."])


def moved(plan: Plan, meeting_id: str, **changes) -> Plan:
    """A copy of ``plan`` with one meeting changed (as a re-plan would)."""
    meetings = [replace(m, **changes) if m.meeting_id == meeting_id else m for m in plan.meetings]
    return Plan(plan.start, plan.end, list(plan.assignments), meetings, dict(plan.summary), list(plan.messages))


def without(plan: Plan, meeting_id: str) -> Plan:
    return Plan(plan.start, plan.end, list(plan.assignments), [m for m in plan.meetings if m.meeting_id != meeting_id],
                dict(plan.summary), list(plan.messages))


@lru_cache(maxsize=None)
def small_year():
    """The 20-staff, 30-family test municipality planned for 2027 (computed once per test run)."""
    register = generate_municipality(MunicipalitySpec(n_staff=20, n_families=30, seed=7, start=YEAR_START))
    run = make_plan(register, YEAR_START, YEAR_END, PlanOptions(time_limit=10))
    return register, run.plan
