"""The family's own plan: written with the family, checked before it is saved, kept in the store, reviewed at each
follow-up, printed with the årshjul, and driven as a page."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from workbench.export.family_plan import printable_plan_html
from workbench.family_plan import (Action, ChildView, Consent, Contract, CprInPlan, FamilyPlan, Goal, Review,
                                   plan_from_json, plan_problems, plan_to_json)
from workbench.io.store import CprRefused, Store
from workbench.ui.family_plan import FamilyPlanPanel

DAY = date(2027, 2, 1)


def a_plan() -> FamilyPlan:
    return FamilyPlan(
        "F0001",
        goals=(Goal("M1", "Ro om morgenen, så Barn 1 kommer i skole", "F0001-B1", DAY),
               Goal("M2", "Styr på regningerne", "", DAY)),
        actions=(Action("Lave en morgenplan med billeder", "Familien", date(2027, 2, 15), "M1"),
                 Action("Møde hos gældsrådgivningen", "Koordinatoren", date(2027, 3, 1), "M2", done=True)),
        child_views=(ChildView("F0001-B1", "Jeg vil gerne have, at mor ikke er sur om morgenen", DAY),),
        consents=(Consent("Skolen og jobcentret deler oplysninger om planen", "Skolen, jobcentret", "Voksen 1", DAY,
                          date(2028, 2, 1)),),
        contract=Contract("Vi siger til, hvis vi ikke kan komme", "Teamet svarer inden for to dage",
                          "Koordinatoren indkalder og samler op", DAY),
        reviews=(Review(date(2027, 3, 1), (("M1", 3), ("M2", 5)), "Morgenerne er stadig svære"),
                 Review(date(2027, 4, 12), (("M1", 6), ("M2", 7)))),
    )


def test_a_plan_survives_the_trip_through_json_unchanged():
    plan = a_plan()
    assert plan_from_json(plan_to_json(plan)) == plan


def test_a_complete_plan_has_no_problems_and_a_broken_one_says_what_is_wrong_in_danish():
    assert plan_problems(a_plan(), {"F0001-V1", "F0001-B1"}) == []
    broken = replace(a_plan(), goals=a_plan().goals + (Goal("M3", "  "), Goal("M1", "igen", "F0009-B1")),
                     actions=(Action("", "Familien"), Action("Ringe", "Koordinatoren", goal_id="M7")),
                     consents=(Consent("Deling", "Skolen", "Voksen 1", DAY, date(2027, 1, 1)),),
                     reviews=(Review(DAY, (("M1", 11), ("M9", 4))),))
    problems = " | ".join(plan_problems(broken, {"F0001-V1", "F0001-B1"}))
    for said in ("Mål M3 har ingen tekst", "F0009-B1, som ikke er med i familien", "flere mål med nummeret M1",
                 "Aftale 1: skriv både hvad", "Aftale 2 hører til mål M7, som ikke findes",
                 "udløber (01.01.2027), før det er givet", "mål M1 har vurderingen 11; brug 1-10",
                 "vurderer mål M9, som ikke findes"):
        assert said in problems


def test_a_review_on_the_same_day_replaces_the_first_and_reviews_stay_in_date_order():
    plan = a_plan().with_review(Review(date(2027, 3, 1), (("M1", 4),))).with_review(Review(date(2027, 2, 20), ()))
    assert [r.held_on for r in plan.reviews] == [date(2027, 2, 20), date(2027, 3, 1), date(2027, 4, 12)]
    assert plan.reviews[1].rating("M1") == 4
    assert plan.latest_ratings()["M1"] == (date(2027, 4, 12), 6)


def test_the_store_keeps_the_plan_and_refuses_a_cpr_number_in_any_field(tmp_path):
    store = Store(tmp_path / "s.sqlite3")
    assert store.family_plan("F0001") == FamilyPlan("F0001")
    store.save_family_plan(a_plan())
    assert Store(tmp_path / "s.sqlite3").family_plan("F0001") == a_plan()
    cpr_like = "Voksen 1 " + "0101" + "90-" + "1234"
    for field_change in ({"goals": (Goal("M1", cpr_like),)},
                         {"contract": Contract(team_part=cpr_like)},
                         {"reviews": (Review(DAY, (), cpr_like),)}):
        with pytest.raises(CprInPlan):
            store.save_family_plan(replace(a_plan(), **field_change))
    assert store.family_plan("F0001") == a_plan()
    assert issubclass(CprInPlan, Exception) and CprRefused is not None


def test_the_printed_plan_is_the_familys_own_words_and_carries_the_aarshjul_on_its_own_page():
    wheel = ('<!DOCTYPE html><html><body><div class="side"><button class="knap" type="button" '
             'onclick="window.print()">Udskriv</button><h1>Vores årshjul 2027</h1></div></body></html>')
    page = printable_plan_html(a_plan(), None, date(2027, 4, 13), wheel)
    assert "Vores plan" in page and "Ro om morgenen, så Barn 1 kommer i skole" in page
    assert "6 af 10" in page and "først 3 (01.03.2027)" in page  # the way so far, not only today
    assert "Lave en morgenplan med billeder" in page and "15.02.2027" in page and "klaret" in page
    assert "Jeg vil gerne have, at mor ikke er sur om morgenen" in page
    assert "Skolen, jobcentret" in page and "trække et samtykke tilbage" in page
    assert "Koordinatoren indkalder og samler op" in page
    assert page.count('<div class="side">') == 2 and "Vores årshjul 2027" in page
    assert page.count("window.print()") == 1  # one print button for both pages
    assert "<script" not in page.lower().replace("window.print()", "")


@pytest.fixture()
def panel(small_data_dir, tmp_path):
    return FamilyPlanPanel(path=small_data_dir, store=Store(tmp_path / "s.sqlite3"), today=DAY)


def test_the_page_writes_a_plan_with_the_family_and_saves_each_step(panel, tmp_path):
    family = panel.family.value
    assert family and panel.plan == FamilyPlan(family)
    panel.goal_text.value = "Vi vil have ro om morgenen"
    panel.add_goal()
    panel.goal_text.value = ""
    panel.add_goal()
    assert panel.messages.kind == "warn" and "egne ord" in panel.messages.text
    panel.action_what.value, panel.action_who.value = "Morgenplan med billeder", "Familien"
    panel.action_by.value, panel.action_goal.value = date(2027, 2, 15), "M1"
    panel.add_action()
    panel.contract_family.value = "Vi siger til, hvis vi ikke kan komme"
    panel.save_contract()
    panel.consent_what.value, panel.consent_to.value = "Deling af planen", "Skolen"
    panel.consent_by.value = "Voksen 1"
    panel.add_consent()
    saved = Store(tmp_path / "s.sqlite3").family_plan(family)
    assert [g.text for g in saved.goals] == ["Vi vil have ro om morgenen"]
    assert saved.actions == (Action("Morgenplan med billeder", "Familien", date(2027, 2, 15), "M1"),)
    assert saved.contract.family_part == "Vi siger til, hvis vi ikke kan komme"
    assert saved.consents[0].to_whom == "Skolen"
    assert "Morgenplan med billeder" in panel.actions_view.value


def test_a_review_at_a_follow_up_rates_each_goal_and_draws_the_way_so_far(panel):
    for text in ("Ro om morgenen", "Styr på regningerne"):
        panel.goal_text.value = text
        panel.add_goal()
    panel.review_on.value = date(2027, 3, 1)
    panel.score_widgets["M1"].value, panel.score_widgets["M2"].value = 3, 6
    panel.save_review()
    panel.review_on.value = date(2027, 4, 1)
    assert panel.score_widgets["M1"].value == 3  # starts from the last rating
    panel.score_widgets["M1"].value = 7
    panel.save_review()
    assert [(r.held_on, r.rating("M1")) for r in panel.plan.reviews] == [(date(2027, 3, 1), 3), (date(2027, 4, 1), 7)]
    figure = panel.chart_output.outputs
    assert figure, "the chart is drawn"
    from workbench.ui.goal_chart import attainment_figure
    lines = attainment_figure(panel.plan).data
    assert [list(t.y) for t in lines] == [[3, 7], [6, 6]]
    assert "7 af 10 (01.04.2027)" in panel.goals_view.value


def test_printing_without_a_meeting_plan_says_the_aarshjul_comes_later(panel):
    panel.goal_text.value = "Ro om morgenen"
    panel.add_goal()
    page = panel.printable()
    assert "Ro om morgenen" in page and "familieplan_" in panel.print_links.value
    assert "Årshjulet kommer med, når der er gemt en mødeplan" in panel.messages.text


def test_a_broken_change_is_refused_and_not_saved(panel, tmp_path):
    panel.goal_text.value = "Ro om morgenen"
    panel.add_goal()
    panel.consent_what.value, panel.consent_to.value = "Deling", "Skolen"
    panel.consent_on.value, panel.consent_until.value = date(2027, 2, 1), date(2027, 1, 1)
    panel.add_consent()
    assert panel.messages.kind == "warn" and "før det er givet" in panel.messages.text
    assert Store(tmp_path / "s.sqlite3").family_plan(panel.family.value).consents == ()


def test_printing_with_a_saved_meeting_plan_puts_the_familys_aarshjul_on_page_two(panel):
    from workbench.model import Assignment, Meeting, Plan

    family = panel.family.value
    staff = panel.register.staff[0].staff_id
    day = date(2027, 3, 3)
    meetings = Plan(date(2027, 1, 1), date(2027, 12, 31), [Assignment(family, staff, None, "test")],
                    [Meeting(f"{family}-01", family, day, 540, 600, (staff,), "R", day, 0)])
    panel.store.save_plan(meetings, "test")
    panel.goal_text.value = "Ro om morgenen"
    panel.add_goal()
    page = panel.printable()
    assert "Vores årshjul" in page and "3. marts" in page and page.index("Vores plan") < page.index("Vores årshjul")
    assert "årshjulet følger på side 2" in panel.messages.text


def test_choosing_a_family_fills_whom_a_goal_is_for_and_the_children_to_hear(panel):
    children = [p for p in panel.register.persons if p.kind == "barn"]
    family = children[0].family_id
    panel.family.value = family
    assert panel.goal_for.value == "" and panel.goal_for.label == "Hele familien"  # not an empty dropdown
    assert panel.view_child.value in {p.person_id for p in children if p.family_id == family}
    panel.goal_for.value = panel.view_child.value
    panel.goal_text.value = "Gå i skole hver dag"
    panel.add_goal()
    panel.view_text.value = "Jeg kan godt lide frikvarteret"
    panel.add_child_view()
    assert panel.plan.goals[0].person_id == panel.plan.child_views[0].person_id == panel.view_child.value


def test_the_family_chooses_its_coordinator_and_who_comes_on_the_page(panel, tmp_path):
    team = panel.choice_attendees.options
    assert team, "the family's team is offered"
    anyone = panel.choice_coordinator.options[-1][1]
    panel.choice_coordinator.value = anyone
    panel.choice_attendees.value = (team[0][1],)
    panel.save_choices()
    assert "Familiens valg er gemt" in panel.messages.text
    family = panel.family.value
    assert Store(tmp_path / "s.sqlite3").family_choices() == {family: {"attendees": [team[0][1]],
                                                                         "coordinator": anyone}}
    panel.choice_attendees.value = ()
    panel.choice_coordinator.value = ""
    panel.save_choices()
    assert Store(tmp_path / "s.sqlite3").family_choices() == {}
