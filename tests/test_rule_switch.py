"""A rule that changes inside the plan's period switches on the day (issue 11): the clock, the planner and the
independent checker all count each day by the version in force on it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.clocks import Clock, team_clock
from workbench.model import Assignment, Meeting, Plan
from workbench.scheduling.check import check_plan
from workbench.scheduling.planner import PlanOptions, make_plan
from tests.helpers import family, rule, staff, tiny_register

START, END = date(2027, 1, 1), date(2027, 12, 31)
SWITCH = date(2027, 4, 1)
EVERY_DAY = frozenset(range(7))


def _register(new_max: int, last: date = date(2026, 12, 20)):
    old = replace(rule(max_days=42, min_days=7, rule_id="R-A"), valid_to=SWITCH - timedelta(days=1))
    new = rule(max_days=new_max, min_days=7, rule_id="R-B", valid_from=SWITCH)
    return tiny_register([staff("C1", workdays=EVERY_DAY, cap=9)], [family("F1", primary="C1", last=last)],
                         rules=[old, new])


def _day(date_: date) -> int:
    return (date_ - START).days


# ------------------------------------------------------------------------------------------------ the clock


def test_the_deadline_follows_the_interval_in_force_on_each_day():
    stricter = Clock(42, 0, switches=((100, 28, 0),))
    assert stricter.deadline(50) == 92  # on time before the switch under the old interval
    assert stricter.deadline(58) == 99  # 58 + 42 reaches the switch, 58 + 28 falls before it: held before it
    assert stricter.deadline(72) == 100  # 72 + 28 lands on the switch day
    assert stricter.deadline(80) == 108
    laxer = Clock(42, 0, switches=((100, 90, 0),))
    assert laxer.deadline(56) == 98
    assert laxer.deadline(57) == 147  # day 100 is 43 days on, late only under the old rule: the new one counts
    assert laxer.deadline(58) == 148
    assert Clock(42, 0, switches=((100, 42, 0),)).switches == ()  # a version with the same intervals is no switch


def test_the_minimum_interval_waits_for_a_longer_one_about_to_start():
    clock = Clock(42, 7, switches=((100, 42, 30),))
    assert clock.earliest(60, True) == 67
    assert clock.earliest(80, True) == 110  # a meeting on day 87..99 would be too close on day 100
    assert clock.earliest(80, False) == 80  # after a case start: at once


@st.composite
def switching_clocks(draw):
    days = sorted(draw(st.sets(st.integers(-60, 200), max_size=3)))
    switches = tuple((day, draw(st.integers(1, 90)), draw(st.integers(0, 40))) for day in days)
    return Clock(draw(st.integers(1, 90)), draw(st.integers(0, 40)), switches=switches)


@settings(max_examples=300, deadline=None)
@given(switching_clocks(), st.integers(-100, 250))
def test_a_later_previous_follow_up_never_moves_the_next_band_earlier(clock, prev):
    assert clock.deadline(prev + 1) >= clock.deadline(prev)
    assert clock.earliest(prev + 1, True) >= clock.earliest(prev, True)
    due = clock.deadline(prev)  # the definition, day by day
    gap_on = {day: gap for day, gap, _ in clock.switches}
    in_force, day = clock.max_gap, prev
    while True:
        in_force = next((g for d, g, _ in reversed(clock.switches) if d <= day + 1), clock.max_gap)
        if day + 1 - prev > in_force:
            break
        day += 1
    assert due == day, (clock, prev, gap_on)
    assert clock.first_prev_for(due) <= prev and clock.deadline(clock.first_prev_for(due)) >= due
    assert clock.earliest(clock.last_prev_for(due + 5), True) <= due + 5


# ------------------------------------------------------------------------------------------------ rules and plans


def test_a_team_rule_changing_inside_the_period_gives_a_switching_clock():
    register = _register(new_max=90)
    rule_, clock = team_clock(register, register.families[0], START, END)
    assert rule_.rule_id == "R-A" and clock.max_gap == 42
    assert clock.switches == ((_day(SWITCH), 90, 7),)
    _, before_only = team_clock(register, register.families[0], START, SWITCH - timedelta(days=1))
    assert before_only.switches == () and before_only.max_gap == 42


def _planned(register):
    run = make_plan(register, START, END, PlanOptions(time_limit=5))
    report = check_plan(register, run.plan)
    assert report.ok and report.late_meetings == 0, (report.breaches[:5], report.late)
    return sorted(m.day for m in run.plan.meetings if m.family_id == "F1")


def _gaps(days, first=date(2026, 12, 20)):
    return [(b - a).days for a, b in zip([first] + days, days)]


def test_a_plan_keeps_the_old_cadence_before_the_day_and_the_laxer_one_after():
    days = _planned(_register(new_max=90))
    before = [d for d in days if d < SWITCH]
    assert all(g <= 42 for g in _gaps(before))
    assert max(_gaps(days)) > 42  # after the switch the new interval is used
    assert len(days) <= 5  # 42-day cadence all year would need 9


def test_a_plan_keeps_the_stricter_cadence_from_the_day():
    days = _planned(_register(new_max=28))
    gaps = _gaps(days)
    for day, gap in zip(days, gaps):
        assert gap <= (42 if day < SWITCH else 28)
    assert any(g > 28 for g, d in zip(gaps, days) if d < SWITCH)  # not 28 days all year: the old rule held


def _plan_of(days, register, deadlines):
    meetings = [Meeting(f"F1-{k:02d}", "F1", d, 540, 600, ("C1",), "R-A", due, max(0, (d - due).days))
                for k, (d, due) in enumerate(zip(days, deadlines), start=1)]
    return Plan(START, END, [Assignment("F1", "C1")], meetings)


def _every(gap: int, first=date(2026, 12, 20)):
    days, day = [], first
    while day + timedelta(days=gap) <= END:
        day += timedelta(days=gap)
        days.append(day)
    return days


def test_the_checker_flags_a_plan_that_ignores_a_stricter_rule():
    register = _register(new_max=28)
    days = _every(42)  # the old cadence all year
    plan = _plan_of(days, register, [d for d in days])  # each claims to be on its deadline
    report = check_plan(register, plan)
    assert report.late_meetings > 0  # after 1 April, 42 days apart is late under the 28-day rule
    assert any(b.kind == "forkert_frist" for b in report.breaches)


def test_the_checker_flags_a_plan_that_ignores_a_laxer_rule():
    register = _register(new_max=90)
    days = _every(90)  # the new cadence from the start: late under the old rule before 1 April
    report = check_plan(register, _plan_of(days, register, days))
    assert report.late_meetings > 0
    strict = _every(42)  # the old cadence all year: on time, but its deadlines after 1 April are the new ones
    report = check_plan(register, _plan_of(strict, register, [d for d in strict]))
    assert any(b.kind == "forkert_frist" for b in report.breaches)
    assert report.late_meetings == 0


def test_a_person_rule_changing_inside_the_period_switches_its_clock():
    from workbench.clocks import person_clocks
    from workbench.model import Case
    old = replace(rule("P", max_days=60, min_days=0, rule_id="P-A"), appointment="sagsbehandler_barn")
    new = replace(rule("P", max_days=30, min_days=0, rule_id="P-B", valid_from=SWITCH), appointment="sagsbehandler_barn")
    register = tiny_register([staff("C1", workdays=EVERY_DAY, cap=9)], [family("F1", primary="C1")],
                             rules=[rule(), old, new],
                             cases=(Case("F1-S1", "F1", "F1-B1", "P", date(2026, 6, 1),
                                         last_followup_date=date(2026, 12, 1)),))
    made = [c for c in person_clocks(register, register.families[0], START, END) if c.rule.rule_id == "P-A"]
    assert made and made[0].clock.switches == ((_day(SWITCH), 30, 0),)
