"""The catalogue of hard rules (workbench/hard_rules.py) holds: every model names its constraints after the rules,
every rule a model enforces has a test that it bites, and every rule the checker checks has a mutation case."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.hard_rules import HardRule, add_constraints, constrains, enforced_by
from workbench.scheduling import check
from workbench.scheduling.chain_model import ChainModel
from workbench.scheduling.coordinators import CoordinatorModel
from workbench.scheduling.exact import ExactModel
from workbench.screening.team import TeamModel
from workbench.whatif.staffing import StaffingModel
from tests.helpers import family, staff, tiny_register
from tests.test_check import MUTATIONS

ROOT = Path(__file__).resolve().parents[1]
MODELS = (ExactModel, ChainModel, CoordinatorModel, TeamModel, StaffingModel)

R = HardRule
MODELS_TESTS = "tests/test_scheduling_models.py"
BITES: dict[tuple[type, HardRule], str] = {
    (ExactModel, R.MEETINGS_IN_ORDER): f"{MODELS_TESTS}::test_exact_meetings_in_order_bites",
    (ExactModel, R.MIN_INTERVAL): f"{MODELS_TESTS}::test_exact_constraint_bites[min_interval]",
    (ExactModel, R.DEADLINE): f"{MODELS_TESTS}::test_exact_deadline_bites",
    (ExactModel, R.MEETING_HOURS): f"{MODELS_TESTS}::test_exact_constraint_bites[meeting_hours]",
    (ExactModel, R.NO_DOUBLE_BOOKING): f"{MODELS_TESTS}::test_exact_constraint_bites[no_double_booking]",
    (ExactModel, R.DAILY_CAP): f"{MODELS_TESTS}::test_exact_constraint_bites[daily_cap]",
    (ChainModel, R.ONE_PLACE_PER_MEETING): f"{MODELS_TESTS}::test_chain_one_place_per_meeting_bites",
    (ChainModel, R.MIN_INTERVAL): f"{MODELS_TESTS}::test_chain_min_interval_bites",
    (ChainModel, R.DEADLINE): f"{MODELS_TESTS}::test_chain_deadline_bites",
    (ChainModel, R.DAILY_CAP): f"{MODELS_TESTS}::test_chain_daily_cap_bites",
    (ChainModel, R.NO_DOUBLE_BOOKING): f"{MODELS_TESTS}::test_chain_no_double_booking_bites",
    (CoordinatorModel, R.ONE_PRIMARY): "tests/test_coordinators.py::test_one_primary_bites",
    (CoordinatorModel, R.SECONDARY_WHEN_NEEDED): "tests/test_coordinators.py::test_secondary_when_needed_bites",
    (CoordinatorModel, R.PRIMARY_DIFFERS_FROM_SECONDARY):
        "tests/test_coordinators.py::test_primary_differs_from_secondary_bites",
    (CoordinatorModel, R.CASELOAD_CAP): "tests/test_coordinators.py::test_caseload_cap_bites",
    (TeamModel, R.COVER_EVERY_NEED): "tests/test_screening_team.py::test_cover_every_need_bites",
    (TeamModel, R.ONLY_MEMBERS_COVER): "tests/test_screening_team.py::test_only_members_cover_bites",
    (TeamModel, R.CASELOAD_CAP): "tests/test_screening_team.py::test_caseload_cap_bites",
    (TeamModel, R.ATTACHED_COORDINATORS_STAY): "tests/test_screening_team.py::test_attached_coordinators_stay_bites",
    (TeamModel, R.NO_LONG_ABSENCE): "tests/test_screening_team.py::test_no_long_absence_bites",
    (TeamModel, R.COORDINATOR_CANDIDATE_HAS_ROOM):
        "tests/test_screening_team.py::test_coordinator_candidate_has_room_bites",
    (TeamModel, R.CASEWORKER_CHOICES): "tests/test_screening_team.py::test_caseworker_choices_bite",
    **{(StaffingModel, rule): f"tests/test_whatif_staffing.py::{test}" for rule, test in (
        (R.ONE_HOLDER_PER_PLACE, "test_one_holder_per_place_bites"),
        (R.HIRE_BEFORE_USE, "test_hire_before_use_bites"),
        (R.PRIMARY_DIFFERS_FROM_SECONDARY, "test_primary_differs_from_secondary_bites"),
        (R.ONE_TEAM_PLACE_PER_PERSON, "test_one_team_place_per_person_bites"),
        (R.CASELOAD_CAP, "test_caseload_cap_bites"),
        (R.MEETINGS_IN_ORDER, "test_meetings_in_order_bites[True]"),
        (R.MIN_INTERVAL, "test_min_interval_bites"),
        (R.DEADLINE, "test_deadline_bites[True]"),
        (R.ALL_CAN_MEET, "test_all_can_meet_bites[True]"),
        (R.DAILY_CAP, "test_daily_cap_bites"),
        (R.MEETING_HOURS, "test_meeting_hours_bites"),
    )},
}
"""(model, rule) -> the test that fails when the model's constraint for the rule is disabled."""

UNCHECKED: dict[HardRule, str] = {
    R.MEETINGS_IN_ORDER: "a plan lists meetings by day: there is no order to break",
    R.ONE_PLACE_PER_MEETING: "a meeting in a plan has one day and one start by its very form",
    R.COVER_EVERY_NEED: "the team proposal is checked by the caseworker who accepts it, not by the plan checker",
    R.ONLY_MEMBERS_COVER: "the team proposal is checked by the caseworker who accepts it, not by the plan checker",
    R.ATTACHED_COORDINATORS_STAY: "the team proposal is checked by the caseworker, not by the plan checker",
    R.NO_LONG_ABSENCE: "the team proposal is checked by the caseworker, not by the plan checker",
    R.COORDINATOR_CANDIDATE_HAS_ROOM: "the team proposal is checked by the caseworker; sagsloft covers the plan",
    R.CASEWORKER_CHOICES: "the caseworker's own choices, logged with the proposal",
    R.ONE_HOLDER_PER_PLACE: "what-if staffing only: in a plan the places are assignments.csv and team.csv",
    R.HIRE_BEFORE_USE: "what-if staffing only: the verified plan names real staff and hires",
    R.ONE_TEAM_PLACE_PER_PERSON: "what-if staffing only: team.csv lists each person once per family",
    R.ALL_CAN_MEET: "the checker checks its parts one by one: ikke_arbejdsdag, fravær, lukket_dag",
}
"""Rules the independent plan checker does not check, and why."""


def test_the_catalogue_has_one_code_and_one_label_per_rule():
    rules = list(HardRule)
    assert len({r.value for r in rules}) == len(rules) == len(HardRule.__members__)  # no code is an alias
    assert len({r.label for r in rules}) == len(rules) and all(r.label.strip() for r in rules)
    assert all(re.fullmatch(r"[a-zæøåé_]+", r.value) for r in rules)
    assert HardRule.DAILY_CAP == "dagsloft" and HardRule("sagsloft") is HardRule.CASELOAD_CAP


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_each_model_names_its_constraints_after_the_rules(model):
    assert len(set(model.CONSTRAINTS)) == len(model.CONSTRAINTS)
    marked = enforced_by(model)
    assert set(marked) == set(model.CONSTRAINTS), model.__name__
    assert all(name == rule.method for rule, name in marked.items())


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_rule_a_model_enforces_has_a_bites_test(model):
    assert {rule for (m, rule) in BITES if m is model} == set(model.CONSTRAINTS)


@pytest.mark.slow
def test_the_bites_tests_are_collected():
    files = sorted({test.split("::")[0] for test in BITES.values()})
    listed = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
                             "-o", "addopts=", *files], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    collected = set(listed.split())
    assert sorted(set(BITES.values()) - collected) == []


def test_every_rule_the_checker_checks_has_a_mutation_case():
    assert set(MUTATIONS) == check.CHECKS


def test_the_checker_reports_only_rules_it_claims():
    source = (ROOT / "workbench/scheduling/check.py").read_text("utf-8")
    kinds = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Breach":
            kind = node.args[0]
            assert isinstance(kind, ast.Attribute) and kind.value.id == "HardRule", ast.unparse(node)
            kinds.add(HardRule[kind.attr])
    assert kinds == check.CHECKS


def test_every_rule_is_enforced_or_checked():
    modelled = {rule for model in MODELS for rule in model.CONSTRAINTS}
    assert set(HardRule) - check.CHECKS == set(UNCHECKED)
    assert set(UNCHECKED) <= modelled  # a rule nobody checks is at least enforced by a model (and bites)


def test_the_rule_codes_are_spelled_only_in_the_catalogue():
    quoted = re.compile("|".join(f'"{re.escape(r.value)}"' for r in HardRule))
    hits = [f"{path.relative_to(ROOT)}:{n}" for path in sorted((ROOT / "workbench").rglob("*.py"))
            if path.name != "hard_rules.py"
            for n, line in enumerate(path.read_text("utf-8").splitlines(), 1) if quoted.search(line)]
    assert hits == []


def test_a_model_refuses_to_disable_a_rule_it_does_not_enforce():
    register = tiny_register([staff("C1")], [family("F1")])
    CoordinatorModel(register, disabled=frozenset({HardRule.CASELOAD_CAP}))
    CoordinatorModel(register, disabled=frozenset({"sagsloft"}))  # the code names the rule too
    with pytest.raises(ValueError, match="DAILY_CAP"):
        CoordinatorModel(register, disabled=frozenset({HardRule.DAILY_CAP}))
    with pytest.raises(ValueError):
        CoordinatorModel(register, disabled=frozenset({"caseload_limits"}))  # an old name


def test_a_constraint_method_must_carry_its_rule():
    with pytest.raises(TypeError, match="daily_cap"):
        constrains(HardRule.DAILY_CAP)(lambda self: None)

    class Model:
        CONSTRAINTS = (HardRule.DAILY_CAP,)

        def daily_cap(self):
            pass

    with pytest.raises(TypeError, match="lacks"):
        add_constraints(Model(), Model.CONSTRAINTS)
