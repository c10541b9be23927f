"""Scenarios: edits are plain data, apply to a copy, and bad input gets a Danish message naming the spot."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from workbench.caseload import caseload
from workbench.synth.families import add_families
from workbench.synth.municipality import MunicipalitySpec, generate_municipality
from workbench.whatif.scenario import (
    AddAbsence,
    AddFamilies,
    AddStaff,
    ChangeCadence,
    RemoveStaff,
    Scenario,
    ScenarioError,
    SetCaseloadCap,
    SetMeetingCap,
    apply_scenario,
    edit_from_dict,
    read_scenarios,
    write_scenarios,
)
from tests.helpers import family, staff, tiny_register

ON = date(2027, 1, 1)
ROOT = Path(__file__).resolve().parents[1]


def test_every_edit_survives_a_round_trip_through_yaml(tmp_path):
    scenarios = [
        Scenario("Alt", (AddFamilies(30, seed=3, new_cases=True), AddStaff("familieraadgiver", 2, ("mon", "tue")),
                         RemoveStaff("S001"), AddAbsence("S002", date(2027, 2, 1), date(2027, 3, 1)),
                         SetCaseloadCap(30, ("koordinator",)), SetMeetingCap(2), ChangeCadence("BL32", 28, 14))),
        Scenario("Nuværende"),
    ]
    path = write_scenarios(scenarios, tmp_path / "s.yaml")
    assert read_scenarios(path) == scenarios


@pytest.mark.parametrize("data, expected", [
    ({"kind": "flere_familier"}, "feltet 'count' mangler"),
    ({"kind": "flere_familier", "count": "tredive"}, "felt 'count': 'tredive'"),
    ({"kind": "ansaet", "role": "astronaut"}, "ukendt rolle 'astronaut'"),
    ({"kind": "fravaer", "staff_id": "S1", "start": "2027-03-01", "end": "2027-02-01"}, "slutdatoen ligger før"),
    ({"kind": "kadence", "case_basis": "BL32", "max_interval_days": 0}, "mindst 1 dag"),
    ({"kind": "ferie"}, "ukendt kind 'ferie'"),
    ({"kind": "sagsloft", "max_points": 30, "farve": "rød"}, "ukendte felter farve"),
])
def test_bad_edits_are_refused_with_a_danish_message(data, expected):
    with pytest.raises(ScenarioError, match=expected):
        edit_from_dict(data, "scenarie 'x', ændring 1")


def test_yaml_errors_name_the_file_and_scenario(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("scenarios:\n  - name: Mere\n    edits:\n      - {kind: flere_familier, count: -3}\n", "utf-8")
    with pytest.raises(ScenarioError) as error:
        read_scenarios(path)
    assert "bad.yaml, scenarie 1 'Mere', ændring 1" in str(error.value) and "antal" in str(error.value)
    path.write_text("scenarios: [", "utf-8")
    with pytest.raises(ScenarioError, match="ikke gyldig YAML"):
        read_scenarios(path)


def test_added_families_get_teams_from_the_registers_own_staff(small_register):
    grown = add_families(small_register, 12, ON, seed=5)
    new = [f for f in grown.families if f not in small_register.families]
    assert len(new) == 12 and len({f.family_id for f in grown.families}) == len(grown.families)
    assert all(f.primary_coordinator is None for f in new)  # to be assigned by the planner
    roles = {s.staff_id: s.role for s in small_register.staff}
    new_ids = {f.family_id for f in new}
    members = [m for m in grown.team if m.family_id in new_ids]
    assert members and all(roles[m.staff_id] == m.role for m in members)
    assert grown.staff == small_register.staff and set(small_register.team) <= set(grown.team)


def test_added_families_respect_limits_while_anyone_has_room(small_register):
    before = caseload(small_register)
    grown = add_families(small_register, 3, ON, seed=2)
    after = caseload(grown)
    over = [s.staff_id for s in grown.staff if after[s.staff_id] > s.max_caseload_points + 1e-9
            and before[s.staff_id] <= s.max_caseload_points]
    assert over == []


def test_added_families_overload_when_nobody_has_room_rather_than_hiding_the_need():
    register = generate_municipality(MunicipalitySpec(n_staff=13, n_families=5, seed=3))
    grown = add_families(register, 200, ON, seed=1)
    used = caseload(grown)
    assert any(used[s.staff_id] > s.max_caseload_points for s in grown.staff)


def test_new_cases_start_in_the_first_four_weeks(small_register):
    grown = add_families(small_register, 4, ON, seed=1, new_cases=True)
    new = grown.families[len(small_register.families):]
    assert all(f.last_followup_date is None and ON <= f.case_start_date < date(2027, 1, 29) for f in new)


def test_generator_still_gives_the_committed_sample():
    import pandas as pd

    from workbench.io.register import write_register

    register = generate_municipality(MunicipalitySpec())
    from tempfile import TemporaryDirectory

    with TemporaryDirectory() as folder:
        write_register(register, folder)
        for name in ("families.csv", "team.csv", "staff.csv"):
            ours = pd.read_csv(f"{folder}/{name}", dtype=str, keep_default_na=False)
            committed = pd.read_csv(ROOT / "sample_data" / name, dtype=str, keep_default_na=False)
            assert ours.equals(committed), name


def _office():
    return tiny_register(
        [staff("C1", points=10), staff("C2", points=10), staff("P1", role="ppr_psykolog", can_coordinate=False),
         staff("P2", role="ppr_psykolog", can_coordinate=False, points=10)],
        [family("F1", primary="C1", case_points=2.0), family("F2", primary="C2", preferred_coordinator="C1")],
        team=[("F1", "P1", "ppr_psykolog"), ("F2", "P1", "ppr_psykolog")],
    )


def test_a_vacancy_hands_coordination_back_and_team_places_to_the_roomiest_colleague():
    applied = apply_scenario(_office(), Scenario("C1 stopper", (RemoveStaff("C1"), RemoveStaff("P1"))), ON)
    register = applied.register
    assert "C1" not in register.staff_by_id and register.family_by_id["F1"].primary_coordinator is None
    assert register.family_by_id["F2"].preferred_coordinator is None
    assert {(m.family_id, m.staff_id) for m in register.team} == {("F1", "P2"), ("F2", "P2")}
    assert applied.vacant_places == () and any("C1" in n for n in applied.notes)


def test_a_vacancy_without_colleagues_leaves_the_place_vacant_and_says_so():
    applied = apply_scenario(_office(), Scenario("PPR væk", (RemoveStaff("P2"), RemoveStaff("P1"))), ON)
    assert sorted(applied.vacant_places) == [("F1", "ppr_psykolog"), ("F2", "ppr_psykolog")]
    assert any("ubesat" in n for n in applied.notes)


def test_caps_absences_cadence_and_hires_change_only_what_they_say():
    base = _office()
    applied = apply_scenario(base, Scenario("x", (
        AddStaff("koordinator", 2), SetCaseloadCap(20), SetMeetingCap(1, ("ppr_psykolog",)),
        AddAbsence("C2", date(2027, 2, 1), date(2027, 2, 10)), ChangeCadence("R", 10, 3))), ON)
    register = applied.register
    assert applied.added_staff == ("NY-koordinator-1", "NY-koordinator-2")
    caps = {s.staff_id: s.max_caseload_points for s in register.staff}
    assert caps["C1"] == caps["NY-koordinator-1"] == 20 and caps["P1"] == base.staff_by_id["P1"].max_caseload_points
    per_day = {s.staff_id: s.max_meetings_per_day for s in register.staff}
    assert per_day["P1"] == per_day["P2"] == 1 and per_day["C1"] == 3
    assert [(a.staff_id, a.start_date) for a in register.absences] == [("C2", date(2027, 2, 1))]
    assert register.rules[0].max_interval_days == 10 and register.rules[0].min_interval_days == 3
    assert base.staff_by_id["C1"].max_caseload_points == 10  # the base is untouched


def test_a_part_timer_gets_a_share_of_a_new_cap():
    register = tiny_register([staff("C1", workdays={0, 1, 2})], [family("F1")])
    applied = apply_scenario(register, Scenario("x", (SetCaseloadCap(30),)), ON)
    assert applied.register.staff_by_id["C1"].max_caseload_points == 18.0


def test_unknown_people_and_case_bases_are_named():
    with pytest.raises(ScenarioError, match="S999 findes ikke"):
        apply_scenario(_office(), Scenario("x", (AddAbsence("S999", ON, ON),)), ON)
    with pytest.raises(ScenarioError, match="sagsgrundlaget XYZ findes ikke"):
        apply_scenario(_office(), Scenario("x", (ChangeCadence("XYZ", 10),)), ON)
