"""Meeting packing: each window constraint bites, and whole plans pass the independent check."""

from __future__ import annotations

from datetime import date

import pytest
from ortools.sat.python import cp_model

from workbench.scheduling.check import check_plan
from workbench.scheduling.instance import build_instance
from workbench.scheduling.packing import FamilyState, PackingOptions, WindowModel, pack_meetings
from workbench.scheduling.plan import Assignment, Plan
from workbench.scheduling.planner import PlanOptions, make_plan
from workbench.scheduling.timeslots import DayTask, time_day
from tests.helpers import family, rule, staff, tiny_register

START = date(2027, 3, 1)  # a Monday


def _instance(register, end=date(2027, 3, 31)):
    assignments = [Assignment(f.family_id, f.primary_coordinator, f.secondary_coordinator) for f in register.families]
    return build_instance(register, assignments, START, end)


def _window(instance, end_day, disabled=frozenset(), cuts=()):
    states = [FamilyState(f.prev_day, f.prev_is_meeting) for f in instance.families]
    return WindowModel(instance, states, 0, end_day, {}, PackingOptions(), cuts, disabled)


def _solve(window, objective=None):
    window.model.minimize(objective if objective is not None else window.lateness_expression())
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(window.model) == cp_model.OPTIMAL
    chosen = [[d for d, v in window.x[j].items() if solver.boolean_value(v)] for j in range(len(window.candidates))]
    return solver, chosen


def _next_meeting_days(window, chosen):
    """Chosen day(s) of each family's next meeting (order 0), by family index."""
    return [chosen[j] for j, c in enumerate(window.candidates) if c.order == 0]


def test_one_option_per_meeting_bites():
    register = tiny_register([staff("C1")], [family("F1", primary="C1", last=date(2027, 2, 20))])
    window = _window(_instance(register), 14)
    solver, chosen = _solve(window)
    assert all(len(days) + solver.boolean_value(window.out[j]) == 1 for j, days in enumerate(chosen))
    window = _window(_instance(register), 14, {"one_option_per_meeting"})
    solver, chosen = _solve(window)
    assert any(len(days) + solver.boolean_value(window.out[j]) != 1 for j, days in enumerate(chosen))


def test_chain_order_bites():
    register = tiny_register([staff("C1")], [family("F1", primary="C1", last=date(2027, 2, 26))],
                             rules=[rule(max_days=10, min_days=5)])
    window = _window(_instance(register), 28)
    pull_together = sum(window.day_value(j) for j in range(len(window.candidates)) if window.candidates[j].order == 1) - \
        sum(window.day_value(j) for j in range(len(window.candidates)) if window.candidates[j].order == 0)
    _, chosen = _solve(window, pull_together + window.lateness_expression())
    assert chosen[1][0] - chosen[0][0] >= 5
    window = _window(_instance(register), 28, {"chain_order"})
    pull_together = window.day_value(1) - window.day_value(0)
    _, chosen = _solve(window, pull_together)
    assert not chosen[1] or not chosen[0] or chosen[1][0] - chosen[0][0] < 5


def test_max_interval_lateness_bites():
    # the coordinator is away until after the deadline, so the meeting can only be late
    register = tiny_register([staff("C1")], [family("F1", primary="C1", last=date(2027, 2, 20))],
                             absences=[("C1", date(2027, 3, 1), date(2027, 3, 9))])
    solver, _ = _solve(_window(_instance(register), 21))
    assert solver.objective_value > 0
    solver, _ = _solve(_window(_instance(register), 21, {"max_interval_lateness"}))
    assert solver.objective_value == 0  # without the rule the lateness goes unseen


def _two_families_one_day(cap=1, minutes=60):
    # both families are due on 5 March and C1 can only meet on 4 or 5 March ... but F2 only on the 5th
    return tiny_register(
        [staff("C1", cap=cap), staff("C2", cap=3)],
        [family("F1", primary="C1", last=date(2027, 2, 19)), family("F2", primary="C1", last=date(2027, 2, 19))],
        rules=[rule(max_days=14, min_days=7, minutes=minutes)],
        absences=[("C1", date(2027, 3, 1), date(2027, 3, 4))],
    )


def test_daily_caps_bite():
    register = _two_families_one_day(cap=1)
    window = _window(_instance(register), 14)
    solver, chosen = _solve(window)
    first = _next_meeting_days(window, chosen)
    assert solver.objective_value > 0 and first[0] != first[1]
    window = _window(_instance(register), 14, {"daily_caps"})
    solver, chosen = _solve(window)
    first = _next_meeting_days(window, chosen)
    assert solver.objective_value == 0 and first[0] == first[1] == [4]


def test_daily_minutes_bite():
    register = _two_families_one_day(cap=3, minutes=240)  # two four-hour meetings do not fit 09:00-15:30
    window = _window(_instance(register), 14)
    solver, chosen = _solve(window)
    first = _next_meeting_days(window, chosen)
    assert solver.objective_value > 0 and first[0] != first[1]
    window = _window(_instance(register), 14, {"daily_minutes"})
    solver, chosen = _solve(window)
    assert _next_meeting_days(window, chosen)[0] == _next_meeting_days(window, chosen)[1] == [4]


def test_timing_cuts_bite():
    register = _two_families_one_day(cap=3)
    cut = (4, ((0, 0), (1, 0)))
    window = _window(_instance(register), 14, cuts=[cut])
    _, chosen = _solve(window)
    first = _next_meeting_days(window, chosen)
    assert first[0] != first[1]
    window = _window(_instance(register), 14)
    _, chosen = _solve(window)
    assert _next_meeting_days(window, chosen)[0] == _next_meeting_days(window, chosen)[1] == [4]


def test_time_day_never_double_books():
    tasks = [DayTask(i, people, 90) for i, people in enumerate([("A", "B"), ("B", "C"), ("A", "C"), ("D",)])]
    starts = time_day(tasks, 390)
    spans = {i: (s, s + 90) for i, s in starts.items()}
    for i, a in enumerate(tasks):
        for j, b in enumerate(tasks):
            if i < j and set(a.attendees) & set(b.attendees):
                assert spans[i][1] <= spans[j][0] or spans[j][1] <= spans[i][0]
    assert time_day([DayTask(1, ("A",), 240), DayTask(2, ("A",), 240)], 390) is None


def test_small_municipality_plan_is_clean(small_register):
    run = make_plan(small_register, date(2027, 1, 1), date(2027, 6, 30), PlanOptions(time_limit=20))
    report = check_plan(small_register, run.plan)
    assert report.ok, report.breaches[:5]
    assert run.plan.summary["late_meetings"] == report.late_meetings
    families_with_meetings = {m.family_id for m in run.plan.meetings}
    assert len(families_with_meetings) == len(small_register.families)


def test_fixed_meetings_stay_and_previous_ones_are_not_moved(small_register):
    start, end = date(2027, 1, 1), date(2027, 4, 30)
    first = make_plan(small_register, start, end, PlanOptions(time_limit=15)).plan
    freeze = date(2027, 2, 1)
    again = make_plan(small_register, start, end,
                      PlanOptions(time_limit=15, previous=tuple(first.meetings), freeze_until=freeze)).plan
    before = {m.meeting_id: m for m in first.meetings if m.day <= freeze}
    after = {m.meeting_id: m for m in again.meetings}
    for meeting_id, meeting in before.items():
        assert after[meeting_id].day == meeting.day and after[meeting_id].start_minute == meeting.start_minute
    assert again.summary["moved_meetings"] <= len(first.meetings) // 10


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_pack_meetings_zero_late_on_easy_instances(seed):
    from workbench.synth.municipality import MunicipalitySpec, generate_municipality

    register = generate_municipality(MunicipalitySpec(n_staff=15, n_families=12, seed=seed))
    register = register.replace(absences=())
    assignments = [Assignment(f.family_id, f.primary_coordinator or "S001", None) for f in register.families]
    instance = build_instance(register, assignments, date(2027, 1, 11), date(2027, 5, 31))
    result = pack_meetings(instance, PackingOptions(seconds_per_window=2))
    late = [m for m in result.meetings if m.days_late]
    overdue_at_start = [f for f in instance.families if f.first_deadline < 0]
    assert len(late) <= len(overdue_at_start)
    plan = Plan(instance.start, instance.end, assignments, result.meetings)
    assert not [b for b in check_plan(register, plan).breaches if b.kind not in {"ingen_koordinator", "mangler_sekundær",
                                                                               "ikke_koordinator", "sagsloft"}]
