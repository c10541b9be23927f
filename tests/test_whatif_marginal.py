"""One more colleague of a role: the hire takes over the over-full colleague's late families and the lateness goes;
a hire of a role that is not the bottleneck removes nothing."""

from __future__ import annotations

import json
from datetime import date
from types import SimpleNamespace

import pytest
from typer.testing import CliRunner

from workbench.cli import app
from workbench.io.register import write_register
from workbench.model import Assignment
from workbench.whatif.marginal import ALL_HELD_DA, LATE, Handover, hand_over, marginal_hires
from workbench.whatif.scenario import new_staff
from tests.browser.helpers import NOT_FOR_A_TEAM_LEADER, RULE_CODE
from tests.helpers import family, rule, staff, tiny_register

START, END = date(2027, 3, 1), date(2027, 3, 28)  # four weeks, Monday to Sunday
LAST = date(2027, 2, 26)  # a Friday: with a 7-day rule every family's first deadline is Friday 5 March
FAST = 1.0


def _crowded(families: int = 6):
    """Six families meet every week; all have the one debt adviser E1 on their team, and E1 can hold one meeting a
    day - five a week for six families, so follow-ups must be late.  Coordinators K1-K3 and family therapists B1-B2
    have room to spare."""
    fams = [family(f"F{i}", last=LAST, primary=f"K{(i + 1) // 2}") for i in range(1, families + 1)]
    team = ([(f"F{i}", "E1", "oekonomiraadgiver") for i in range(1, families + 1)]
            + [(f"F{i}", f"B{1 + i % 2}", "familiebehandler") for i in range(1, min(families, 4) + 1)])
    people = ([staff("E1", "oekonomiraadgiver", can_coordinate=False, cap=1, points=20)]
              + [staff(f"K{i}", cap=3) for i in range(1, 4)]
              + [staff(f"B{i}", "familiebehandler", can_coordinate=False, cap=3) for i in range(1, 3)])
    return tiny_register(people, fams, rules=[rule(max_days=7, min_days=2)], team=team)


def test_one_more_debt_adviser_takes_over_the_late_families_and_removes_the_lateness():
    result = marginal_hires(_crowded(), START, END, time_limit=FAST)
    by_role = {v.role: v for v in result.values}
    # the roles tried by default are those of the people at the late follow-ups
    assert sorted(by_role) == ["familiebehandler", "koordinator", "oekonomiraadgiver"]
    debt = by_role["oekonomiraadgiver"]
    assert result.late > 0 and debt.late_before == result.late
    assert debt.bound_before == debt.late_before  # every plan without the hire is this late: the gain is the hire's
    assert debt.late_after < debt.late_before and debt.days_after < debt.days_before
    assert debt.late_after == debt.bound_after == 0 and debt.proven_late == debt.late_before
    assert {h.from_staff for h in debt.handovers} == {"E1"} and debt.handovers[0].why == LATE
    assert len(debt.handovers) == 3  # a fair share: six families over E1 and the newcomer
    assert debt.text.startswith("Én ekstra økonomi- og gældsrådgiver, der overtager 3 familier fra E1, fjerner "
                                f"{debt.removed_late} forsinkede opfølgninger")
    assert result.values[0] is debt  # the most useful hire first


def test_a_hire_of_a_role_that_is_not_the_bottleneck_removes_nothing():
    result = marginal_hires(_crowded(), START, END, roles=["familiebehandler", "ppr_psykolog"], time_limit=FAST)
    by_role = {v.role: v for v in result.values}
    therapist, psychologist = by_role["familiebehandler"], by_role["ppr_psykolog"]
    assert therapist.handovers and {h.from_staff for h in therapist.handovers} <= {"B1", "B2"}
    assert therapist.replanned and therapist.late_before > 0
    # proven, not just this search: no plan without the hire has fewer late follow-ups than the plan had, and the
    # bound with the hire is the same - E1's week is as full as before, so no plan with the hire does better
    assert therapist.bound_before == therapist.late_before == therapist.bound_after <= therapist.late_after
    assert therapist.proven_late == 0 and "fjerner ingen" in therapist.text
    assert not psychologist.handovers and not psychologist.replanned  # nobody of the role: nothing to take over
    assert psychologist.removed_late == 0 and "ingen familier at overtage" in psychologist.text


def test_when_everything_holds_a_hire_removes_nothing_and_says_so():
    result = marginal_hires(_crowded(families=3), START, END, time_limit=FAST)
    assert result.late == 0 and result.values == [] and result.text == ALL_HELD_DA


def test_the_hire_replaces_the_colleague_in_team_attendees_and_coordinator_places():
    register = tiny_register(
        [staff("K1"), staff("E1", "oekonomiraadgiver", can_coordinate=False)],
        [family("F1", primary="K1", meeting_attendees=("E1",)), family("F2", primary="K1")],
        team=[("F1", "E1", "oekonomiraadgiver"), ("F2", "E1", "oekonomiraadgiver")])
    run = SimpleNamespace(plan=SimpleNamespace(assignments=[Assignment("F1", "K1"), Assignment("F2", "K1")]))
    adviser = new_staff(register, "oekonomiraadgiver", 1)[0]
    moved = hand_over(register, adviser, [Handover("F1", "E1", ("team",), LATE)], run)
    assert moved.team_staff_ids("F1") == (adviser.staff_id,) and moved.team_staff_ids("F2") == ("E1",)
    assert moved.family_by_id["F1"].meeting_attendees == (adviser.staff_id,)
    assert moved.family_by_id["F1"].primary_coordinator == "K1" and adviser in moved.staff
    coordinator = new_staff(register, "koordinator", 1)[0]
    moved = hand_over(register, coordinator, [Handover("F2", "K1", ("primær koordinator",), LATE)], run)
    assert moved.family_by_id["F2"].primary_coordinator == coordinator.staff_id
    assert moved.family_by_id["F1"].primary_coordinator == "K1"
    cannot = new_staff(register, "oekonomiraadgiver", 1)[0]  # cannot coordinate: the place goes back to the planner
    moved = hand_over(register, cannot, [Handover("F2", "K1", ("primær koordinator",), LATE)], run)
    assert moved.family_by_id["F2"].primary_coordinator is None


def test_the_command_prints_a_danish_table_and_writes_json(tmp_path):
    data = write_register(_crowded(), tmp_path / "data")
    result = CliRunner().invoke(app, ["ansaettelse", "--data", str(data), "--roles", "oekonomiraadgiver",
                                      "--start", START.isoformat(), "--end", END.isoformat(),
                                      "--time-limit", str(FAST), "--out", str(tmp_path / "ud"), "--quiet"])
    assert result.exit_code == 0, result.output
    assert "Uden ny medarbejder:" in result.output and "forsinkede før → efter" in result.output
    assert "Én ekstra økonomi- og gældsrådgiver, der overtager 3 familier fra E1" in result.output
    assert not any(pattern.search(result.output) for _, pattern in NOT_FOR_A_TEAM_LEADER)
    assert not RULE_CODE.search(result.output)
    saved = json.loads((tmp_path / "ud" / "ansaettelse.json").read_text("utf-8"))
    assert saved["values"][0]["role"] == "oekonomiraadgiver" and saved["values"][0]["removed_late"] > 0


@pytest.mark.parametrize("arguments, expected", [
    (["--roles", "astronaut"], "ukendt rolle astronaut"),
    (["--start", "1. maj"], "er ikke en dato"),
])
def test_bad_input_ends_in_a_danish_message(small_data_dir, arguments, expected):
    result = CliRunner().invoke(app, ["ansaettelse", "--data", str(small_data_dir), *arguments])
    assert result.exit_code == 2 and expected in result.output and "Traceback" not in result.output
