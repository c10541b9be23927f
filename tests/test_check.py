"""The independent checker finds each kind of breach in a hand-made plan."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from workbench.scheduling.check import check_plan
from workbench.model import Assignment, Meeting, Plan
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
    return Plan(plan.start, plan.end, plan.assignments, meetings)


@pytest.mark.parametrize("index,changes,kind", [
    (0, dict(attendees=("C1", "C2")), "mangler_deltager"),
    (0, dict(day=date(2027, 3, 6), deadline=date(2027, 3, 6)), "lukket_dag"),  # a Saturday
    (1, dict(day=date(2027, 3, 12)), "ikke_arbejdsdag"),  # P1 does not work Fridays
    (2, dict(day=date(2027, 3, 17), deadline=date(2027, 3, 31)), "fravær"),
    (3, dict(start_minute=500, end_minute=560), "mødetid"),
    (3, dict(end_minute=700), "mødelængde"),
    (3, dict(day=date(2027, 3, 2), start_minute=570, end_minute=630), "dobbeltbooking"),
    (1, dict(day=date(2027, 3, 4), deadline=date(2027, 3, 16)), "for_tæt"),
    (1, dict(days_late=3), "forkert_frist"),
])
def test_each_breach_is_found(register, index, changes, kind):
    report = check_plan(register, _with(good_plan(), index, **changes))
    assert kind in report.kinds(), report.breaches


def test_daily_cap(register):
    plan = good_plan()
    extra = Meeting("F2-x", "F2", date(2027, 3, 2), 700, 760, ("C1", "P1"), "R-14", date(2027, 3, 11), 0)
    report = check_plan(register, Plan(plan.start, plan.end, plan.assignments, plan.meetings + [extra]))
    assert "dagsloft" in report.kinds()  # P1 has a cap of one meeting a day


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


def test_assignment_breaches(register):
    plan = good_plan()
    for assignments, kind in [
        ([Assignment("F1", "C1", None), Assignment("F2", "C1")], "mangler_sekundær"),
        ([Assignment("F1", "C1", "C1"), Assignment("F2", "C1")], "samme_koordinator"),
        ([Assignment("F1", "P1", "C2"), Assignment("F2", "C1")], "ikke_koordinator"),
        ([Assignment("F1", "C1", "C2")], "ingen_koordinator"),
    ]:
        report = check_plan(register, Plan(plan.start, plan.end, assignments, []))
        assert kind in report.kinds(), kind


def test_caseload_limit(register):
    tight = register.replace(staff=tuple(replace(s, max_caseload_points=1.0) if s.staff_id == "C1" else s
                                         for s in register.staff))
    assert "sagsloft" in check_plan(tight, good_plan()).kinds()
