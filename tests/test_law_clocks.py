"""The law's own clocks, per child or adult: each is a sourced row of data, the planner keeps it, and the
independent checker catches a plan that breaks it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from workbench.model import Absence, Case, Person
from workbench.scheduling.check import check_plan
from workbench.scheduling.planner import PlanOptions, make_plan
from workbench.io.register import default_rules
from workbench.io.plan_folder import write_plan
from tests.helpers import family, staff, tiny_register

START, END = date(2027, 1, 4), date(2027, 12, 31)
RULES = default_rules()
VERIFIED = {
    # (law, paragraph): where the text was read before the rule was written (December 2026)
    ("Barnets lov", "§ 95 stk. 2-3"): "lovguiden.dk/loven/bekendtgørelse-af-barnets-lov/95 (LBK 282/2025)",
    ("Barnets lov", "§ 20 stk. 3"): "lovguiden.dk/loven/bekendtgørelse-af-barnets-lov/20 (LBK 282/2025)",
    ("Barnets lov", "§ 91 stk. 2"): "lovguiden.dk/loven/bekendtgørelse-af-barnets-lov/91 (LBK 282/2025)",
    ("Barnets lov", "§ 156 stk. 5"): "lovguiden.dk/loven/bekendtgørelse-af-barnets-lov/156 (LBK 282/2025)",
    ("Lov om en aktiv beskæftigelsesindsats", "§ 31 stk. 3 og 5"): "elov.dk LAB § 31 (LBK 280/2024)",
    ("Lov om sygedagpenge", "§ 13 b stk. 1"): "elov.dk/sygedagpengeloven/paragraf/13b (LBK 1179/2023)",
    ("Lov om sygedagpenge", "§ 24 stk. 1"): "Vejledning 9078/2020 om sygedagpengeperioden; cabiweb.dk",
}


def test_every_shipped_rule_has_a_kind_a_source_and_a_verified_paragraph():
    for rule in RULES:
        assert rule.kind in {"lovkrav", "modelkrav"}, rule.rule_id
        assert rule.source and rule.law and rule.description, rule.rule_id
        if rule.kind == "lovkrav" and not rule.description.startswith("Pladsholder"):
            assert (rule.law, rule.paragraph) in VERIFIED, f"{rule.rule_id}: {rule.law} {rule.paragraph} not verified"
        if rule.kind == "modelkrav":
            assert not rule.paragraph, f"{rule.rule_id}: a model cadence cites no paragraph of a law"
    assert not any(r.case_basis == "BL11" for r in RULES)  # Barnets lov § 11 is not early prevention: no cadence


def _register(cases, staff_extra=(), team=(), persons=(), **family_extra):
    people = [staff("C1", role="familieraadgiver"), staff("J1", role="jobkonsulent", can_coordinate=False),
              *staff_extra]
    family_extra = {"basis": ("BL32",), "last": date(2026, 12, 15), **family_extra}
    return tiny_register(people, [family("F1", primary="C1", **family_extra)],
                         rules=RULES, team=[("F1", "J1", "jobkonsulent"), *team], cases=tuple(cases),
                         persons=tuple(persons) or (Person("F1-B1", "F1", "barn", 2015), Person("F1-V1", "F1", "voksen", 1990)))


def _plan(register, start=START, end=END):
    run = make_plan(register, start, end, PlanOptions(time_limit=5))
    report = check_plan(register, run.plan)
    assert report.ok, report.breaches[:5]
    return run


def _of(run, person, rule_id):
    return sorted((m for m in run.plan.meetings if m.person_id == person and m.rule_id == rule_id), key=lambda m: m.day)


def test_a_bfu_opened_130_days_before_is_overdue_and_one_opened_30_days_before_is_due_at_4_months():
    overdue_case = Case("c1", "F1", "F1-B1", "BL20", START - timedelta(days=130))
    run = _plan(_register([Case("c0", "F1", "F1-B1", "BL32", date(2025, 1, 1), 91), overdue_case]))
    rows = [r for r in run.plan.summary["overdue"] if r["meeting_id"].startswith("F1-B1-BL20")]
    assert len(rows) == 1 and rows[0]["days_overdue"] == 10
    assert rows[0]["what"] == "mødet »Sagsbehandler og familien« for F1-B1 (Barnets lov § 20 stk. 3)"
    assert any(m.startswith("Familie F1: mødet »Sagsbehandler og familien« for F1-B1 (Barnets lov § 20 stk. 3) skulle")
               for m in run.plan.messages)
    [bfu] = _of(run, "F1-B1", "BL20")
    assert bfu.deadline == START - timedelta(days=10) and bfu.attendees == ("C1",)
    fresh = _plan(_register([Case("c0", "F1", "F1-B1", "BL32", date(2025, 1, 1), 91),
                             replace(overdue_case, opened_on=START - timedelta(days=30))]))
    [bfu] = _of(fresh, "F1-B1", "BL20")
    assert bfu.deadline == START + timedelta(days=90) and bfu.days_late == 0
    assert not [r for r in fresh.plan.summary["overdue"] if r["meeting_id"].startswith("F1-B1")]


def test_a_finished_bfu_has_no_clock():
    run = _plan(_register([Case("c0", "F1", "F1-B1", "BL32", date(2025, 1, 1), 91),
                           Case("c1", "F1", "F1-B1", "BL20", START - timedelta(days=30), closed_on=START)]))
    assert _of(run, "F1-B1", "BL20") == []


def test_a_placed_child_gets_two_supervision_visits_in_the_year():
    placement = Case("p1", "F1", "F1-B1", "BL46", date(2025, 6, 1), 91, last_followup_date=date(2026, 10, 1))
    run = _plan(_register([placement], basis=("BL46",)))
    visits = _of(run, "F1-B1", "BL156")
    assert len(visits) >= 2 and all(v.attendees == ("C1",) for v in visits)
    days = [placement.last_followup_date] + [v.day for v in visits]
    assert all((b - a).days <= 182 for a, b in zip(days, days[1:]))


def test_an_adult_starting_kontanthjaelp_gets_a_jobsamtale_within_a_week_and_four_within_six_months():
    opened = date(2027, 3, 8)
    run = _plan(_register([Case("c0", "F1", "F1-B1", "BL32", date(2025, 1, 1), 91),
                           Case("l1", "F1", "F1-V1", "LAB_KH", opened)]))
    talks = _of(run, "F1-V1", "LAB-2027")
    assert talks and 0 <= (talks[0].day - opened).days <= 7 and talks[0].attendees == ("J1",)
    in_window = [t for t in talks if t.day < opened + timedelta(days=182)]
    assert len(in_window) >= 4
    assert all(t.day < opened + timedelta(days=182) for t in talks)  # after 6 months: as agreed, nothing legal


def test_no_jobsamtale_before_the_case_opened_and_the_checker_catches_one():
    opened = START + timedelta(days=1)  # the first jobsamtale's band reaches back before the opening day
    register = _register([Case("c0", "F1", "F1-B1", "BL32", date(2025, 1, 1), 91), Case("l1", "F1", "F1-V1", "LAB_KH", opened)])
    register = replace(register, absences=(Absence("J1", opened, opened + timedelta(days=7), "test"),))
    run = _plan(register)  # the only on-time day is the day before the case opened: the jobsamtale comes late
    first = _of(run, "F1-V1", "LAB-2027")[0]
    assert first.day == opened + timedelta(days=8) and first.days_late == 1
    early = replace(run.plan, meetings=[replace(m, day=START) if m.meeting_id == first.meeting_id else m
                                        for m in run.plan.meetings])
    assert "før_sagen" in check_plan(register, early).kinds()


def test_no_job_consultant_on_the_team_is_a_missing_follow_up_with_a_reason():
    register = _register([Case("c0", "F1", "F1-B1", "BL32", date(2025, 1, 1), 91),
                          Case("l1", "F1", "F1-V1", "LAB_KH", date(2027, 3, 8))])
    register = replace(register, team=())
    run = make_plan(register, START, END, PlanOptions(time_limit=5))
    assert run.plan.summary["unplaced_followups"] == 1
    assert any("ingen beskæftigelsesrådgiver i familiens team" in m for m in run.plan.messages)
    assert check_plan(register, run.plan).late_meetings == run.plan.summary["late_meetings"]


def test_deadlines_csv_lists_every_deadline_with_its_source_and_status(tmp_path):
    import pandas as pd
    register = _register([Case("c0", "F1", "F1-B1", "BL32", date(2025, 1, 1), 91),
                          Case("c1", "F1", "F1-B1", "BL20", START - timedelta(days=130)),
                          Case("l1", "F1", "F1-V1", "LAB_KH", date(2027, 3, 8))])
    run = make_plan(replace(register, team=()), START, END, PlanOptions(time_limit=5))
    write_plan(run.plan, tmp_path)
    table = pd.read_csv(tmp_path / "deadlines.csv", dtype=str).fillna("")
    assert len(table) == len(run.plan.meetings) + 1  # every meeting's deadline + the unstaffed jobsamtale
    [bfu] = table[table.rule_id == "BL20"].to_dict("records")
    assert (bfu["status"], bfu["kind"], bfu["source"]) == ("overdue", "lovkrav", "Barnets lov § 20 stk. 3")
    assert bfu["person_id"] == "F1-B1" and bfu["due"] == (START - timedelta(days=10)).isoformat()
    [talk] = table[table.rule_id == "LAB-2027"].to_dict("records")
    assert (talk["person_id"], talk["meeting_id"], talk["status"]) == ("F1-V1", "", "late")
    team = table[(table.person_id == "") & (table.rule_id != "")]
    assert set(team.status) == {"planned"} and set(team.kind) == {"lovkrav"}
    assert run.plan.summary["deadlines"] == {"overdue": 1, "late": 1, "planned": len(team)}


def test_a_case_follows_the_rule_in_force_the_day_it_opened():
    before = _plan(_register([Case("c0", "F1", "F1-B1", "BL32", date(2025, 1, 1), 91),
                              Case("l1", "F1", "F1-V1", "LAB_KH", date(2026, 6, 25))]), date(2026, 6, 1), date(2026, 12, 31))
    after = _plan(_register([Case("c0", "F1", "F1-B1", "BL32", date(2025, 1, 1), 91),
                             Case("l1", "F1", "F1-V1", "LAB_KH", date(2026, 7, 2))]), date(2026, 6, 1), date(2026, 12, 31))
    assert {m.rule_id for m in before.plan.meetings if m.person_id} == {"LAB31"}
    assert {m.rule_id for m in after.plan.meetings if m.person_id} == {"LAB31-2026"}


def test_the_first_follow_up_of_a_new_measure_is_within_three_months_then_the_decided_cadence():
    new = Case("c0", "F1", "F1-B1", "BL32", date(2027, 2, 1))  # cadence not decided yet
    run = _plan(_register([new], last=None, case_start_date=date(2027, 2, 1)))
    team = [m for m in run.plan.meetings if not m.person_id]
    assert len(team) == 1 and team[0].day <= date(2027, 2, 1) + timedelta(days=89)
    assert any("ikke fastsat i sagen" in m for m in run.plan.messages)
    decided = _plan(_register([replace(new, decided_cadence_days=42)], last=None, case_start_date=date(2027, 2, 1)))
    team = sorted((m for m in decided.plan.meetings if not m.person_id), key=lambda m: m.day)
    assert team[0].day <= date(2027, 2, 1) + timedelta(days=89) and len(team) >= 7
    assert all((b.day - a.day).days <= 42 for a, b in zip(team, team[1:]))


@pytest.mark.parametrize("rule_id, breaking", [
    ("BL20", lambda m: replace(m, day=m.deadline + timedelta(days=21))),
    ("BL156", None),
])
def test_the_checker_catches_a_plan_that_breaks_a_law_clock(rule_id, breaking):
    cases = [Case("c0", "F1", "F1-B1", "BL46", date(2025, 6, 1), 91, last_followup_date=date(2026, 10, 1)),
             Case("c1", "F1", "F1-B1", "BL20", START - timedelta(days=30))]
    register = _register(cases, basis=("BL46",))
    run = _plan(register)
    if breaking is None:  # drop the supervision visits: the checker reports them missing
        broken = replace(run.plan, meetings=[m for m in run.plan.meetings if m.rule_id != rule_id])
        assert check_plan(register, broken).late_meetings > check_plan(register, run.plan).late_meetings
    else:
        broken = replace(run.plan, meetings=[breaking(m) if m.rule_id == rule_id else m for m in run.plan.meetings])
        assert "forkert_frist" in check_plan(register, broken).kinds()


def test_the_readme_rule_table_is_written_from_the_rules_file():
    from pathlib import Path

    from workbench.rule_table import readme_with_table

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")
    assert readme_with_table(readme, list(RULES)) == readme, "run: python -m workbench.rule_table"
    sample = (Path(__file__).resolve().parents[1] / "sample_data" / "followup_rules.csv").read_text("utf-8")
    assert all(rule.rule_id in sample for rule in RULES)


def test_a_held_one_off_does_not_restart_the_cases_other_clock():
    """The sygedagpenge reassessment (a one-off) held early does not count as the case's last follow-up."""
    from workbench.scheduling.baseline import Baseline, register_snapshot
    from workbench.model import HELD
    from workbench.scheduling.records import StatusRecord, apply_records

    register = _register([Case("c0", "F1", "F1-B1", "BL32", date(2025, 1, 1), 91),
                          Case("s1", "F1", "F1-V1", "SDP", START - timedelta(days=20))])
    first = _plan(register)
    [review] = _of(first, "F1-V1", "SDP24")
    follow = _of(first, "F1-V1", "SDP13B")
    later = review.day + timedelta(days=1)
    held, _ = apply_records(first.plan, [StatusRecord(m.meeting_id, HELD) for m in first.plan.meetings if m.day < later])
    again = make_plan(register, later, END, PlanOptions(time_limit=5, as_of=later,
                                                          baseline=Baseline.from_plan(held, register_snapshot(register))))
    assert check_plan(register, again.plan).ok
    upcoming = [m for m in _of(again, "F1-V1", "SDP13B") if m.day >= later]
    before = [m for m in follow if m.day >= later]
    assert upcoming and before and upcoming[0].deadline == before[0].deadline  # counted from the last follow-up


def test_barnets_plan_is_due_three_months_after_a_placement_and_a_plan_already_made_has_no_clock():
    """Barnets lov § 91 stk. 2: the plan must exist at the latest 3 months after the decision to place the child."""
    new = Case("p1", "F1", "F1-B1", "BL46", START - timedelta(days=30), 91)
    [plan_meeting] = _of(_plan(_register([new], basis=("BL46",))), "F1-B1", "BL91-ANB")
    assert plan_meeting.deadline == new.opened_on + timedelta(days=89) and plan_meeting.days_late == 0
    assert plan_meeting.attendees == ("C1",)  # the child's caseworker, with the family
    made = replace(new, opened_on=START - timedelta(days=200), done_rules=("BL91-ANB",))
    register = _register([made], basis=("BL46",))
    run = _plan(register)
    assert _of(run, "F1-B1", "BL91-ANB") == []
    assert check_plan(register, run.plan).late_meetings == run.plan.summary["late_meetings"]  # the checker agrees
    forgotten = _plan(_register([replace(made, done_rules=())], basis=("BL46",)))
    assert any(r["meeting_id"].startswith("F1-B1-BL91-ANB") for r in forgotten.plan.summary["overdue"])


def test_the_checker_catches_barnets_plan_after_its_deadline():
    register = _register([Case("p1", "F1", "F1-B1", "BL46", START - timedelta(days=30), 91)], basis=("BL46",))
    run = _plan(register)
    late = replace(run.plan, meetings=[replace(m, day=m.deadline + timedelta(days=14)) if m.rule_id == "BL91-ANB"
                                       else m for m in run.plan.meetings])
    assert "forkert_frist" in check_plan(register, late).kinds()


def test_cases_name_only_known_rules_as_met(tmp_path):
    from workbench.io.register import read_register, write_register

    register = _register([Case("p1", "F1", "F1-B1", "BL46", START, 91, done_rules=("BL91-ANB",))], basis=("BL46",))
    folder = write_register(register, tmp_path / "data")
    again, problems = read_register(folder)
    assert again is not None and again.cases[0].done_rules == ("BL91-ANB",)
    text = (folder / "cases.csv").read_text("utf-8").replace("BL91-ANB", "BL99")
    (folder / "cases.csv").write_text(text, "utf-8")
    broken, problems = read_register(folder)
    assert broken is None and any(p.column == "done_rules" and "BL99" in p.message for p in problems)
