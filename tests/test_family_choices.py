"""The family decides who comes to its follow-ups (Thisted, Hedensted): planner, checker and register agree."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from tests.helpers import family, rule, staff, tiny_register
from workbench.hard_rules import HardRule
from workbench.io.register import read_register, write_register
from workbench.scheduling.check import check_plan
from workbench.scheduling.planner import PlanOptions, make_plan


def _register(chosen=("P1",)):
    return tiny_register(
        [staff("C1"), staff("P1", "ppr_psykolog", False), staff("P2", "sundhedsplejerske", False)],
        [family("F1", primary="C1", last=date(2027, 2, 26), meeting_attendees=chosen)],
        rules=[rule(max_days=14, min_days=7)],
        team=[("F1", "P1", "ppr_psykolog"), ("F1", "P2", "sundhedsplejerske")])


def test_only_the_chosen_team_members_are_planned_and_required():
    register = _register()
    run = make_plan(register, date(2027, 3, 1), date(2027, 4, 30), PlanOptions(time_limit=5))
    assert run.plan.meetings and all(m.attendees == ("C1", "P1") for m in run.plan.meetings)
    assert check_plan(register, run.plan).ok
    n = len(run.plan.meetings)
    minutes = sum(m.end_minute - m.start_minute for m in run.plan.meetings)
    assert run.plan.summary["attendance_saving"] == {"families": 1, "person_meetings": n,  # P2 stays home each time
                                                     "hours": round(minutes / 60, 1)}
    from workbench.ui.planning import plan_summary_html
    assert f"{n} mødedeltagelser" in plan_summary_html(run.plan) and "hos 1 familie<" in plan_summary_html(run.plan)
    without_p1 = replace(run.plan, meetings=[replace(run.plan.meetings[0], attendees=("C1",))]
                         + run.plan.meetings[1:])
    assert {b.kind for b in check_plan(register, without_p1).breaches} == {HardRule.ATTENDEES}


def test_without_a_choice_the_whole_team_comes():
    register = _register(chosen=())
    run = make_plan(register, date(2027, 3, 1), date(2027, 4, 30), PlanOptions(time_limit=5))
    assert all(set(m.attendees) == {"C1", "P1", "P2"} for m in run.plan.meetings)
    assert run.plan.summary["attendance_saving"]["person_meetings"] == 0
    fewer = replace(run.plan, meetings=[replace(m, attendees=("C1", "P1")) for m in run.plan.meetings])
    assert HardRule.ATTENDEES in {b.kind for b in check_plan(register, fewer).breaches}


def test_the_choice_is_a_column_of_families(tmp_path):
    folder = write_register(_register(chosen=("P1", "P2")), tmp_path / "data")
    register, problems = read_register(folder)
    assert register.families[0].meeting_attendees == ("P1", "P2")
    text = (folder / "families.csv").read_text("utf-8").replace("P1;P2", "P1;P9")
    (folder / "families.csv").write_text(text, "utf-8")
    register, problems = read_register(folder)
    assert register is None and any(p.column == "meeting_attendees" and "P9" in p.message for p in problems)


def test_choices_made_on_the_family_plan_page_replace_the_register_columns_and_the_checker_reads_them(tmp_path):
    from workbench.family_plan import FamilyPlan
    from workbench.io.store import Store

    register = _register(chosen=())  # families.csv: the whole team comes, no chosen coordinator
    store = Store(tmp_path / "s.sqlite3")
    store.save_family_plan(FamilyPlan("F1", attendees=("P2",), coordinator="P1"))
    assert store.family_choices() == {"F1": {"attendees": ["P2"], "coordinator": "P1"}}
    run = make_plan(register, date(2027, 3, 1), date(2027, 4, 30),
                    PlanOptions(time_limit=5, family_choices=store.family_choices()))
    assert run.plan.assignments[0].primary_coordinator == "P1"  # a PPR psychologist: any profession, if chosen
    assert run.plan.meetings and all(set(m.attendees) == {"P1", "P2"} for m in run.plan.meetings)
    assert check_plan(register, run.plan).ok  # the checker reads the choices the plan was made with
    forgotten = replace(run.plan, summary={**run.plan.summary, "settings": {}})
    assert not check_plan(register, forgotten).ok


def test_a_choice_of_someone_who_left_is_left_out_and_said():
    from workbench.attendance import with_family_choices

    register = _register(chosen=())
    changed, notes = with_family_choices(register, {"F1": {"attendees": ["P9"], "coordinator": "S999"}})
    assert changed.families[0].preferred_coordinator is None and changed.families[0].meeting_attendees == ()
    assert any("S999" in n and "findes ikke længere" in n for n in notes)
    assert any("P9" in n and "inviteres ikke" in n for n in notes)


def test_a_municipality_can_restrict_whom_a_family_may_choose_as_coordinator(tmp_path, monkeypatch):
    from workbench import settings
    from workbench.attendance import with_family_choices

    chose_ppr = _register(chosen=())
    chose_ppr = chose_ppr.replace(families=(replace(chose_ppr.families[0], preferred_coordinator="P1"),))
    folder = write_register(chose_ppr, tmp_path / "data")
    assert read_register(folder)[0] is not None  # by default anyone (Hedensted: "uanset faglig baggrund")
    monkeypatch.setattr(settings, "FAMILY_MAY_CHOOSE_ROLES", frozenset({"sundhedsplejerske"}))
    register, problems = read_register(folder)
    assert register is None
    assert any(p.column == "preferred_coordinator" and "kan ikke vælges som koordinator" in p.message
               and "sundhedsplejerske" in p.message for p in problems)
    changed, notes = with_family_choices(_register(chosen=()), {"F1": {"coordinator": "P1"}})
    assert changed.families[0].preferred_coordinator is None and "lader ikke familier vælge" in notes[0]
    changed, notes = with_family_choices(_register(chosen=()), {"F1": {"coordinator": "P2"}})
    assert changed.families[0].preferred_coordinator == "P2" and not notes
