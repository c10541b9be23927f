"""The proven lateness bound never claims more than the best plan has (checked against the exact model), and it
finds the crowded person-weeks a plan cannot escape."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.scheduling.bounds import alone_minimum, late_bound, late_causes, windows
from workbench.scheduling.exact import ExactModel, solve_exact
from workbench.scheduling.instance import FamilyDemand, PackingInstance
from workbench.clocks import Clock, viable_days
from workbench.solver import new_solver

START = date(2027, 3, 1)  # a Monday


def instance(n_days: int, people: dict[str, tuple[int, set[int]]], chains: list[dict]) -> PackingInstance:
    """``people``: id -> (daily cap, days worked); ``chains``: attendees, max_gap, min_gap, prev_day,
    prev_is_meeting, repeat (allowed days = the days every attendee works)."""
    families = []
    for k, c in enumerate(chains):
        allowed = set(range(n_days))
        for person in c["attendees"]:
            allowed &= people[person][1]
        clock = Clock(c["max_gap"], c["min_gap"], c.get("repeat", True))
        families.append(FamilyDemand(f"F{k}", "R", tuple(c["attendees"]), 60, c["max_gap"], c["min_gap"],
                                     c["prev_day"], c.get("prev_is_meeting", True), tuple(sorted(allowed)),
                                     viable_days(allowed, clock, n_days), repeat=c.get("repeat", True)))
    end = date.fromordinal(START.toordinal() + n_days - 1)
    return PackingInstance(START, end, families, {p: cap for p, (cap, _) in people.items()},
                           {p: frozenset(days) for p, (_, days) in people.items()}, 390)


def fewest_late(inst: PackingInstance) -> int:
    """The fewest late follow-ups any plan has (the exact model with only that as its objective)."""
    model = ExactModel(inst)
    model.model.minimize(model.late_expression())
    solver = new_solver(30, 1, 20)
    status = solver.status_name(solver.solve(model.model))
    assert status == "OPTIMAL"
    return round(solver.objective_value)


def crowded_week() -> PackingInstance:
    """Three families need P1 (cap 1) on days 0-1: P1 is away on days 2-13 and every deadline is day 10, so each
    family's window is days 0-1.  Two meetings for three families: one is late, by at least 4 days (day 14)."""
    works = {0, 1} | set(range(14, 28))
    return instance(28, {"P1": (1, works)},
                    [{"attendees": ["P1"], "max_gap": 14, "min_gap": 1, "prev_day": -4} for _ in range(3)])


def test_a_crowded_week_forces_the_surplus_late_and_no_more():
    inst = crowded_week()
    bound = late_bound(inst)
    assert bound.absence_late == 0 and bound.capacity_late == 1
    [group] = bound.groups
    assert group.person == "P1" and group.capacity == 2 and len(group.windows) == 3
    assert (group.first, group.last) == (0, 1)
    exact = solve_exact(inst, deterministic_time=20)
    assert exact.proven and exact.late == 1 == fewest_late(inst)
    # the late family's next meeting also crowds days 14-16, so the best plan has more days than the bound
    assert group.days == bound.days_late == 4 <= exact.days_late


def test_one_family_alone_with_a_long_absence_is_counted_with_its_days():
    works = set(range(3)) | set(range(20, 40))
    inst = instance(40, {"P1": (2, works)}, [{"attendees": ["P1"], "max_gap": 10, "min_gap": 2, "prev_day": -2}])
    bound = late_bound(inst)
    # deadline day 8; nothing possible on 3-19; the best plan meets on day 2 and day 20: 20 - 2 - 10 = 8 days
    assert bound.alone == {0: (1, 8)} and bound.late == 1 and bound.days_late == 8
    [cause] = late_causes(inst, bound, [(0, 2, 20)])
    assert cause.kind == "absence" and (cause.first, cause.last) == (10, 19) and cause.shortfall == 8


def test_a_saturated_group_is_forced_and_one_with_more_late_is_not_proven():
    inst = crowded_week()
    bound = late_bound(inst)
    [group] = bound.groups
    # this plan: families 0-1 on days 0-1, family 2 meets on day 16 (deadline 10): one late, as forced
    [cause] = late_causes(inst, bound, [(2, -4, 16)])
    assert cause.kind == "capacity" and cause.group is group
    # a worse plan with two late across the same week: neither is proven forced
    causes = late_causes(inst, bound, [(1, -4, 15), (2, -4, 16)])
    assert [c.kind for c in causes] == ["", ""] and all(c.group is group for c in causes)


def test_windows_are_the_days_between_two_possible_days_a_max_interval_apart():
    clock = Clock(10, 1)
    days = (0, 1, 2, 15, 16, 30)
    found = windows(0, days, -5, True, clock, 35)
    # deadline 5; after day 2 the next possible day is 15: meet on 5..14 -> none possible -> empty window
    assert [(w.due, w.days, w.shortfall) for w in found] == [(15, (), 3), (16, (15,), 4), (30, (), 4), (35, (30,), 9)]
    # fewest late: one meeting on day 30 (25 days late); fewest days: 2, 15 (3 late), 16, 30 (4 late) - two empty
    # windows need not be two late follow-ups, and the two questions have different best chains
    assert alone_minimum(days, -5, True, clock, 35) == (1, 3 + 4)


def chains_strategy(n_days: int):
    return st.lists(st.fixed_dictionaries({
        "attendees": st.sampled_from([["P1"], ["P2"], ["P1", "P2"]]),
        "max_gap": st.integers(4, 10),
        "min_gap": st.integers(0, 3),
        "prev_day": st.integers(-8, 2),
        "prev_is_meeting": st.booleans(),
        "repeat": st.sampled_from([True, True, True, False]),
    }), min_size=1, max_size=4)


@st.composite
def tiny_instances(draw):
    n_days = draw(st.integers(10, 16))
    people = {}
    for person in ("P1", "P2"):
        away = draw(st.sets(st.integers(0, n_days - 1), max_size=n_days // 2))
        people[person] = (draw(st.integers(1, 2)), set(range(n_days)) - away)
    return instance(n_days, people, draw(chains_strategy(n_days)))


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tiny_instances())
def test_the_bound_never_exceeds_the_best_plan(inst):
    bound = late_bound(inst, longest_weeks=1)
    exact = solve_exact(inst, deterministic_time=20, workers=1)
    assert exact.proven
    assert bound.days_late <= exact.days_late
    assert bound.late <= fewest_late(inst)


@pytest.mark.slow
def test_a_plan_says_which_late_meetings_a_full_week_forces():
    from tests.helpers import family, rule, staff, tiny_register
    from workbench.scheduling.planner import PlanOptions, make_plan
    from workbench.ui.planning import plan_summary_html

    # six families meet C1 (one meeting a day) in 01.-05.03., C1 is away 08.-19.03. and Easter closes 25.-29.03.:
    # to stay within 21 days every family needs C1 on 22.-24.03. - three meetings for six families
    register = tiny_register([staff("C1", cap=1, points=100)],
                             [family(f"F{k}", primary="C1", last=date(2027, 2, 22)) for k in range(6)],
                             rules=[rule(max_days=21, min_days=1)],
                             absences=[("C1", date(2027, 3, 8), date(2027, 3, 19))])
    run = make_plan(register, START, date(2027, 4, 16), PlanOptions(time_limit=5))
    s = run.plan.summary
    assert s["late_bound"]["capacity"] == [3, 12] and s["late_bound"]["absence"] == [0, 0]
    assert (s["late_lower_bound"], s["late_days_lower_bound"]) == (3, 12)
    assert s["late_lower_bound"] <= s["late_meetings"] and s["late_days_lower_bound"] <= s["total_days_late"]
    [group] = s["late_bound"]["groups"]
    assert (group["staff_id"], group["from"], group["to"], group["followups"], group["room"]) == \
        ("C1", "2027-03-22", "2027-03-24", 6, 3)
    late = [m for m in run.plan.messages if m.startswith("Møde ")]
    forced = [m for m in late if "Kunne ikke undgås for dem alle: 6 opfølgninger skulle holdes med Test C1 mellem "
                                 "22.03. og 24.03.2027 (uge 12)" in m and "mindst 3 må blive for sene" in m]
    assert len(forced) == s["late_forced"]
    assert all("Kunne muligvis undgås" in m and "ikke undgås" not in m for m in late if m not in forced)
    assert s["late_forced"] + s["late_not_proven"] == s["late_meetings"]
    page = plan_summary_html(run.plan)
    assert "Mindst 3 opfølgninger må blive for sene i enhver plan, i alt mindst 12 dage" in page
    assert "Test C1 (C1) i uge 12" in page and "først det samlede antal dage for sent" in page
    assert "uundgåelige" not in page
