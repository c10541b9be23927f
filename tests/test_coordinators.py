"""Coordinator assignment: each constraint bites, priorities hold, impossibility is explained."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from ortools.sat.python import cp_model

from workbench.hard_rules import HardRule
from workbench.scheduling.check import check_assignments
from workbench.scheduling.coordinators import CoordinatorModel, assign_coordinators
from workbench.model import Plan
from tests.helpers import family, staff, tiny_register


def _solve(register, disabled=frozenset()):
    model = CoordinatorModel(register, disabled=disabled)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(model.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    primaries = {f.family_id: [s for (fid, s), v in model.primary.items() if fid == f.family_id and solver.boolean_value(v)]
                 for f in register.families}
    secondaries = {f.family_id: [s for (fid, s), v in model.secondary.items() if fid == f.family_id and solver.boolean_value(v)]
                   for f in register.families}
    return primaries, secondaries


def _two_coordinators_on_team(points=10.0):
    return tiny_register(
        [staff("C1", points=points), staff("C2", points=points)],
        [family("F1", case_points=2.0)],
        team=[("F1", "C1", "familieraadgiver"), ("F1", "C2", "familieraadgiver")],
    )


def test_one_primary_bites():
    register = _two_coordinators_on_team()
    primaries, _ = _solve(register)
    assert len(primaries["F1"]) == 1
    primaries, _ = _solve(register, frozenset({HardRule.ONE_PRIMARY}))
    assert len(primaries["F1"]) != 1  # both fit well, so without the rule both are taken


def test_secondary_when_needed_bites():
    register = tiny_register(
        [staff("C1", district="Syd"), staff("C2", district="Syd")],
        [family("F1", needs_secondary=True, case_points=2.0)],
    )
    _, secondaries = _solve(register)
    assert len(secondaries["F1"]) == 1
    _, secondaries = _solve(register, frozenset({HardRule.SECONDARY_WHEN_NEEDED}))
    assert secondaries["F1"] == []  # a secondary only adds load, so without the rule nobody is chosen


def test_primary_differs_from_secondary_bites():
    register = tiny_register(
        [staff("C1"), staff("C2", district="Syd")],
        [family("F1", needs_secondary=True)],
        team=[("F1", "C1", "familieraadgiver")],
    )
    p, s = _solve(register)
    assert p["F1"] != s["F1"]
    p, s = _solve(register, frozenset({HardRule.PRIMARY_DIFFERS_FROM_SECONDARY}))
    assert p["F1"] == s["F1"] == ["C1"]  # C1 fits best for both roles


def test_caseload_cap_bites():
    register = tiny_register(
        [staff("C1", points=3.0), staff("C2", points=3.0, district="Syd")],
        [family("F1", case_points=2.0, primary="C1"), family("F2", case_points=2.0, primary="C1")],
    )
    p, _ = _solve(register)
    assert p["F1"] != p["F2"]
    p, _ = _solve(register, frozenset({HardRule.CASELOAD_CAP}))
    assert p["F1"] == p["F2"] == ["C1"]  # keeping both wins without the limit


def test_existing_assignment_is_kept_over_a_better_fit():
    register = tiny_register(
        [staff("C1"), staff("C2", district="Syd")],
        [family("F1", primary="C2")],
        team=[("F1", "C1", "familieraadgiver")],
    )
    result = assign_coordinators(register)
    assert result.assignments[0].primary_coordinator == "C2"
    assert "fastholdt" in result.assignments[0].reason


def test_family_choice_is_honoured():
    register = tiny_register(
        [staff("C1"), staff("C2", district="Syd")],
        [family("F1", preferred_coordinator="C2")],
    )
    result = assign_coordinators(register)
    assert result.assignments[0].primary_coordinator == "C2"
    assert "familiens eget valg" in result.assignments[0].reason


def test_kept_assignment_moves_only_when_its_limit_forces_it():
    register = tiny_register(
        [staff("C1", points=3.0), staff("C2", points=10.0)],
        [family("F1", primary="C1", case_points=2.0), family("F2", primary="C1", case_points=2.0)],
    )
    result = assign_coordinators(register)
    primaries = sorted(a.primary_coordinator for a in result.assignments)
    assert primaries == ["C1", "C2"]
    assert any("skifter primær koordinator" in p and "sagsloft" in p for p in result.problems)


def test_impossible_limits_name_the_families():
    register = tiny_register(
        [staff("C1", points=2.0)],
        [family("F1", case_points=2.0), family("F2", case_points=2.0)],
    )
    result = assign_coordinators(register)
    unassigned = [a.family_id for a in result.assignments if not a.primary_coordinator]
    assert len(unassigned) == 1
    assert any(unassigned[0] in p and "ingen primær koordinator" in p for p in result.problems)


def test_language_counts():
    register = tiny_register(
        [staff("C1"), staff("C2", languages=frozenset({"da", "ar"}), district="Syd")],
        [family("F1", language="ar")],
    )
    assert assign_coordinators(register).assignments[0].primary_coordinator == "C2"


@pytest.mark.slow
def test_balanced_load(sample_like_register):
    result = assign_coordinators(sample_like_register, time_limit=20)
    plan = Plan(None, None, result.assignments, [])
    assert check_assignments(sample_like_register, plan) == []
    loads = [used / limit for used, limit in result.load.values() if limit]
    assert max(loads) <= 1.0


def test_secondary_given_is_never_made_primary():
    register = tiny_register(
        [staff("C1"), staff("C2", district="Syd")],
        [family("F1", secondary_coordinator="C1", needs_secondary=True)],
        team=[("F1", "C1", "familieraadgiver")],
    )
    a = assign_coordinators(register).assignments[0]
    assert (a.primary_coordinator, a.secondary_coordinator) == ("C2", "C1")


def test_invalid_given_coordinator_is_replaced():
    register = tiny_register([staff("C1"), staff("X", can_coordinate=False)], [family("F1", primary="X")])
    fixed = replace(register.families[0])
    assert assign_coordinators(register.replace(families=(fixed,))).assignments[0].primary_coordinator == "C1"


def test_a_coordinator_who_never_works_on_the_teams_days_is_not_chosen_nor_kept():
    from datetime import date

    from workbench.scheduling.coordinators import MeetingDays

    mon_tue = staff("K1", workdays=(0, 1), district="Nord")  # part time: Monday and Tuesday
    thu_fri = staff("P1", role="ppr_psykolog", can_coordinate=False, workdays=(3, 4))
    horizon = (date(2027, 3, 1), date(2027, 6, 30))
    register = tiny_register([mon_tue, staff("K2", district="Syd"), thu_fri],
                             [family("F1", district="Nord", last=date(2027, 2, 26))],
                             team=[("F1", "P1", "ppr_psykolog")])
    assert MeetingDays(register, horizon).blocks(register.families[0], "K1")
    assert not MeetingDays(register, horizon).blocks(register.families[0], "K2")
    # K1 is the better fit (same district), but could never meet the family with its team
    chosen = assign_coordinators(register, horizon=horizon).assignments[0].primary_coordinator
    assert chosen == "K2"
    assert assign_coordinators(register).assignments[0].primary_coordinator == "K1"  # no horizon: fit decides
    kept = replace(register, families=(replace(register.families[0], primary_coordinator="K1"),))
    result = assign_coordinators(kept, horizon=horizon)
    assert result.assignments[0].primary_coordinator == "K2"
    assert "arbejder ikke på nogen af de dage" in result.forced[("F1", "primary")]


# ------------------------------------------------------------------ the family chooses its coordinator (Hedensted)


def test_the_familys_choice_outweighs_keeping_the_coordinator_it_has():
    register = tiny_register([staff("C1", points=10.0), staff("C2", points=10.0)],
                             [family("F1", primary="C1", preferred_coordinator="C2")])
    result = assign_coordinators(register)
    assert result.assignments[0].primary_coordinator == "C2"
    assert "familiens eget valg" in result.assignments[0].reason
    assert any("skifter primær koordinator fra C1 til C2: familien har selv valgt" in p for p in result.problems)
    assert check_assignments(register, Plan(date(2027, 1, 1), date(2027, 3, 31), result.assignments, [])) == []


def test_a_family_may_choose_a_coordinator_of_any_profession():
    register = tiny_register([staff("C1", points=10.0), staff("J1", role="jobkonsulent", can_coordinate=False,
                                                                 points=10.0)],
                             [family("F1", preferred_coordinator="J1"), family("F2")])
    result = assign_coordinators(register)
    chosen = {a.family_id: a.primary_coordinator for a in result.assignments}
    assert chosen == {"F1": "J1", "F2": "C1"}  # the job consultant coordinates the family that chose her, only
    plan = Plan(date(2027, 1, 1), date(2027, 3, 31), result.assignments, [])
    assert check_assignments(register, plan) == []
    others = [replace(a, primary_coordinator="J1") if a.family_id == "F2" else a for a in result.assignments]
    breaches = check_assignments(register, replace(plan, assignments=others))
    assert [b.kind for b in breaches] == [HardRule.CAN_COORDINATE]  # nobody else's coordinator without being able


def test_a_choice_that_cannot_be_met_is_said_in_plain_words():
    register = tiny_register([staff("C1", points=10.0), staff("C2", points=0.5)],
                             [family("F1", primary="C1", preferred_coordinator="C2")])
    result = assign_coordinators(register)
    assert result.assignments[0].primary_coordinator == "C1"  # no room with C2: the family keeps C1
    assert any("har valgt" in p and "C2" in p and "ikke plads" in p for p in result.problems)
