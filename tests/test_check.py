"""The independent checker finds each kind of breach in a hand-made plan."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Callable

import pytest

from workbench.hard_rules import HardRule
from workbench.model import DEADLINE, HELD, Absence, Assignment, FamilyUnavailability, FollowupRule, Meeting, Plan, Register, TeamMember
from workbench.model import Case as CaseRecord
from workbench.scheduling.check import CheckReport, check_continuity, check_plan
from tests.helpers import family, rule, staff, tiny_register

START, END = date(2027, 3, 1), date(2027, 3, 31)


@pytest.fixture()
def register():
    return tiny_register(
        [staff("C1"), staff("C2"), staff("P1", role="ppr_psykolog", can_coordinate=False, workdays={0, 1, 2, 3}, cap=1)],
        [family("F1", last=date(2027, 2, 20), needs_secondary=True), family("F2", last=date(2027, 2, 25))],
        rules=[rule(max_days=14, min_days=7, minutes=60)],
        team=[("F1", "P1", "ppr_psykolog")],
        absences=[("C2", date(2027, 3, 15), date(2027, 3, 19))],
    )


def good_plan():
    m = [
        Meeting("F1-01", "F1", date(2027, 3, 2), 540, 600, ("C1", "C2", "P1"), "R-14", date(2027, 3, 6), 0),
        Meeting("F1-02", "F1", date(2027, 3, 11), 540, 600, ("C1", "C2", "P1"), "R-14", date(2027, 3, 16), 0),
        Meeting("F1-03", "F1", date(2027, 3, 23), 540, 600, ("C1", "C2", "P1"), "R-14", date(2027, 3, 25), 0),
        Meeting("F2-01", "F2", date(2027, 3, 4), 600, 660, ("C1",), "R-14", date(2027, 3, 11), 0),
        Meeting("F2-02", "F2", date(2027, 3, 16), 600, 660, ("C1",), "R-14", date(2027, 3, 18), 0),
        Meeting("F2-03", "F2", date(2027, 3, 30), 600, 660, ("C1",), "R-14", date(2027, 3, 30), 0),
    ]
    return Plan(START, END, [Assignment("F1", "C1", "C2"), Assignment("F2", "C1")], m)


def test_good_plan_has_no_breach(register):
    report = check_plan(register, good_plan())
    assert report.ok, report.breaches
    assert report.late_meetings == 0


def _with(plan, index, **changes):
    meetings = list(plan.meetings)
    meetings[index] = replace(meetings[index], **changes)
    return replace(plan, meetings=meetings)


# ---------------------------------------------------------------- one mutation per hard rule the checker checks
#
# Each case breaks exactly one rule of check.CHECKS (tests/test_hard_rules.py holds the list to it): the broken
# plan is flagged with that rule and nothing else, and its clean twin is not flagged at all.


@dataclass
class Mutation:
    register: Register
    broken: Plan
    clean: Plan = field(default_factory=good_plan)
    previous: list[Meeting] | None = None
    """The announced plan's meetings (re-planning: the continuity check runs too)."""
    freeze: date | None = None
    clean_register: Register | None = None
    """The register the clean plan is checked against (None: the unbroken register of the fixture)."""


def _register_with(register, **tables):
    return register.replace(**tables)


def _staff_with(register, staff_id, **changes):
    return register.replace(staff=tuple(replace(s, **changes) if s.staff_id == staff_id else s
                                        for s in register.staff))


def _assignments(plan, assignments):
    return Plan(plan.start, plan.end, assignments, plan.meetings)


def _person_case(register):
    """F2's adult has a job case opened 10 March with a one-off jobsamtale (45 min, within 20 days); J1, the job
    consultant on F2's team, holds it - and so joins F2's team follow-ups."""
    job = FollowupRule("J-20", "LAB", 20, 0, 45, "jobsamtale", "test", clock=DEADLINE,
                       appointment="jobkonsulent_voksen", applies_to="voksen")
    register = register.replace(staff=register.staff + (staff("J1", role="jobkonsulent", can_coordinate=False),),
                                rules=register.rules + (job,),
                                team=register.team + (TeamMember("F2", "J1", "jobkonsulent"),),
                                cases=(CaseRecord("l1", "F2", "F2-V1", "LAB", date(2027, 3, 10)),))
    plan = good_plan()
    meetings = [replace(m, attendees=m.attendees + ("J1",)) if m.family_id == "F2" else m for m in plan.meetings]
    talk = Meeting("F2-V1-01", "F2", date(2027, 3, 15), 600, 645, ("J1",), "J-20", date(2027, 3, 30), 0,
                   person_id="F2-V1")
    return register, Plan(plan.start, plan.end, plan.assignments, meetings + [talk])


def _person_mutation(register, **changes):
    register, clean = _person_case(register)
    return Mutation(register, _with(clean, len(clean.meetings) - 1, **changes), clean, clean_register=register)


def _announced(**changes):
    """The good plan announced, with F1-01 changed as given."""
    return [replace(m, **changes) if m.meeting_id == "F1-01" else m for m in good_plan().meetings]


MUTATIONS: dict[HardRule, Callable[[Register], Mutation]] = {
    HardRule.ATTENDEES: lambda r: Mutation(r, _with(good_plan(), 0, attendees=("C1", "C2"))),
    HardRule.OPEN_DAY: lambda r: Mutation(r, _with(good_plan(), 5, day=date(2027, 3, 26))),  # Good Friday
    HardRule.WORKDAY: lambda r: Mutation(_staff_with(r, "P1", workdays=frozenset({0, 2, 3})), good_plan()),
    HardRule.NOT_ABSENT: lambda r: Mutation(
        _register_with(r, absences=r.absences + (Absence("C1", date(2027, 3, 4), date(2027, 3, 4), "test"),)),
        good_plan()),
    HardRule.FAMILY_AVAILABLE: lambda r: Mutation(
        _register_with(r, family_unavailability=(FamilyUnavailability("F2", date(2027, 3, 4), date(2027, 3, 4)),)),
        good_plan()),
    HardRule.MEETING_HOURS: lambda r: Mutation(r, _with(good_plan(), 3, start_minute=500, end_minute=560)),
    HardRule.MEETING_LENGTH: lambda r: Mutation(r, _with(good_plan(), 3, end_minute=700)),
    HardRule.NO_DOUBLE_BOOKING: lambda r: Mutation(r, _with(good_plan(), 5, day=date(2027, 3, 23), start_minute=570,
                                                            end_minute=630)),
    HardRule.DAILY_CAP: lambda r: Mutation(_staff_with(r, "C1", max_meetings_per_day=1),
                                           _with(good_plan(), 5, day=date(2027, 3, 23)),
                                           _with(good_plan(), 5, day=date(2027, 3, 23))),
    HardRule.MIN_INTERVAL: lambda r: Mutation(r, _with(good_plan(), 5, day=date(2027, 3, 22))),
    HardRule.DEADLINE: lambda r: Mutation(r, _with(good_plan(), 1, days_late=3)),
    HardRule.IN_PERIOD: lambda r: Mutation(r, _with(good_plan(), 5, day=date(2027, 4, 1), days_late=2)),
    HardRule.KNOWN_FAMILY: lambda r: Mutation(r, Plan(START, END, good_plan().assignments, good_plan().meetings + [
        Meeting("F9-01", "F9", date(2027, 3, 3), 540, 600, ("C1",), "R-14", date(2027, 3, 17), 0)])),
    HardRule.KNOWN_ATTENDEE: lambda r: Mutation(r, _with(good_plan(), 3, attendees=("C1", "X9"))),
    HardRule.AFTER_CASE_OPENS: lambda r: _person_mutation(r, day=date(2027, 3, 9)),
    HardRule.RULE_REQUIRES_MEETING: lambda r: _person_mutation(r, person_id="F2-V9"),
    HardRule.ONE_PRIMARY: lambda r: Mutation(r, _assignments(good_plan(), [Assignment("F1", "C1", "C2")])),
    HardRule.SECONDARY_WHEN_NEEDED: lambda r: Mutation(r, _assignments(good_plan(), [Assignment("F1", "C1", None),
                                                                                     Assignment("F2", "C1")])),
    HardRule.PRIMARY_DIFFERS_FROM_SECONDARY: lambda r: Mutation(r, _assignments(
        good_plan(), [Assignment("F1", "C1", "C1"), Assignment("F2", "C1")])),
    HardRule.CAN_COORDINATE: lambda r: Mutation(r, _assignments(good_plan(), [Assignment("F1", "P1", "C2"),
                                                                              Assignment("F2", "C1")])),
    HardRule.CASELOAD_CAP: lambda r: Mutation(_staff_with(r, "C1", max_caseload_points=1.0), good_plan()),
    HardRule.HELD_KEPT: lambda r: Mutation(r, good_plan(), replace(good_plan(), meetings=_announced(status=HELD)),
                                           previous=_announced(status=HELD, held_on=date(2027, 3, 2))),
    HardRule.FROZEN_KEPT: lambda r: Mutation(r, _with(good_plan(), 0, start_minute=600, end_minute=660),
                                             previous=_announced(), freeze=date(2027, 3, 10)),
    HardRule.CONFLICT_MOVED: lambda r: Mutation(
        r, replace(good_plan(), summary={"conflicts": [{"meeting_id": "F1-01"}]}),
        replace(good_plan(), summary={"conflicts": [{"meeting_id": "F1-01"}]},
                meetings=_announced(start_minute=600, end_minute=660)),
        previous=_announced(), freeze=date(2027, 3, 10)),
}


def _breaches(register, plan, previous=None, freeze=None):
    breaches = list(check_plan(register, plan).breaches)
    if previous is not None:
        breaches += check_continuity(previous, plan, freeze)
    return breaches


@pytest.mark.parametrize("rule", list(MUTATIONS), ids=lambda rule: rule.method)
def test_a_plan_breaking_one_rule_is_flagged_with_exactly_that_rule(register, rule):
    case = MUTATIONS[rule](register)
    assert _breaches(case.clean_register or register, case.clean, case.previous, case.freeze) == []
    broken = _breaches(case.register, case.broken, case.previous, case.freeze)
    assert {b.kind for b in broken} == {rule}, broken
    assert rule.value in check_report_kinds(broken)  # what is printed and written: the Danish code


def check_report_kinds(breaches):
    return CheckReport(breaches).kinds()


def test_holiday_is_closed(register):
    plan = Plan(date(2027, 3, 20), date(2027, 3, 31), [Assignment("F1", "C1", "C2"), Assignment("F2", "C1")],
                [Meeting("F2-01", "F2", date(2027, 3, 26), 600, 660, ("C1",), "R-14", date(2027, 3, 11), 15)])
    assert "lukket_dag" in check_plan(register, plan).kinds()  # Good Friday 2027


def test_lateness_and_missing_followups_are_reported_not_breaches(register):
    plan = good_plan()
    late = _with(plan, 5, day=date(2027, 3, 31), days_late=1, deadline=date(2027, 3, 30))
    report = check_plan(register, late)
    assert report.ok and ("F2", "F2-03", 1) in report.late
    dropped = Plan(plan.start, plan.end, plan.assignments, plan.meetings[:5])
    report = check_plan(register, dropped)
    assert ("F2", "mangler", 2) in report.late
