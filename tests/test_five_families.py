"""Five families from the seeds, screened and planned: each gets a team a Danish caseworker would accept.

One caseworker per child case, no competence tag standing in for a service, the family's own coordinator (or why
not), nothing for a family outside the target group, and the family's choice of who comes to its meetings kept in
the planned meetings.
"""

from __future__ import annotations

from datetime import date

import pytest

from tests.families import (
    ON,
    advice_only_family,
    compensation_only_disability_family,
    father_on_sickness_benefit_facing_eviction,
    municipality,
    placed_child_with_a_mentally_ill_mother,
    single_mother_with_debt_and_a_son_with_adhd,
)
from workbench.attendance import CASEWORKER_ROLES
from workbench.errors import Refusal
from workbench.model import Absence, TeamChange
from workbench.scheduling.check import check_plan
from workbench.scheduling.planner import PlanOptions, make_plan
from workbench.screening.workflow import accept_outcome, outcome_lines, screen


def _screen(*built, family_id=None):
    register, ratings = municipality(*built)
    family_id = family_id or built[0][0].family_id
    return register, screen(register, family_id, ratings[family_id], ON, time_limit=5)


def _roles(outcome) -> dict[str, str]:
    return {m.staff_id: m.role for m in outcome.proposal.members}


def _caseworkers(outcome) -> list[str]:
    return [s for s, role in _roles(outcome).items() if role in CASEWORKER_ROLES]


def _reason_ids(outcome) -> set[str]:
    return {r.rule_id for n in outcome.assessment.needs for r in n.reasons}


def test_single_mother_with_debt_and_a_son_with_adhd():
    register, outcome = _screen(single_mother_with_debt_and_a_son_with_adhd())
    p = outcome.proposal
    assert outcome.assessment.target_group.in_model and p.optimal
    # the son's support case and his ADHD are one caseworker's (Sammen om familien), the one he already has
    assert _caseworkers(outcome) == ["FR1"]
    assert "EN-SAGSBEHANDLER" in _reason_ids(outcome)
    assert _roles(outcome) == {"FR1": "familieraadgiver", "JK1": "jobkonsulent", "PPR1": "ppr_psykolog",
                               "OE1": "oekonomiraadgiver"}
    assert p.contact_count == 4
    # debt advice is a service: the family therapist tagged 'gæld' does not cover it
    assert next(m for m in p.members if m.staff_id == "OE1").covers == ["Økonomi og gæld"]
    # she chose her job consultant as coordinator; he covers the jobcentre's part and the coordinator's task
    job = next(m for m in p.members if m.staff_id == "JK1")
    assert set(job.covers) == {"Beskæftigelsesindsats (jobcenter)", "Koordinator (familiens eget valg)"}
    assert "Familien har valgt Test JK1" in p.family_choices[0]
    assert {"T-JOB-LAB", "T-PPR", "T-OEK"} <= _reason_ids(outcome)


def test_placed_child_with_a_mentally_ill_mother_and_a_sister_at_home():
    register, outcome = _screen(placed_child_with_a_mentally_ill_mother())
    p = outcome.proposal
    assert _caseworkers(outcome) == ["FR1"]  # the placed child's case; the sister at home has no case of her own
    assert _roles(outcome) == {"K1": "koordinator", "FR1": "familieraadgiver", "FB1": "familiebehandler",
                               "BS1": "bostoette", "SP1": "sundhedsplejerske"}
    # bostøtte is a service: the family therapist tagged 'psykiatri' is on the team but does not cover it
    assert next(m for m in p.members if m.staff_id == "BS1").covers == ["Psykisk sårbarhed (bostøtte)"]
    assert next(m for m in p.members if m.staff_id == "FB1").covers == ["Familiebehandling"]
    psych = next(n for n in outcome.assessment.needs if n.need_id == "psykiatri")
    assert psych.act_now and psych.kind == "ydelse"
    assert p.members[0].staff_id == "K1" and p.members[0].coordinator  # the coordinator the family has chosen
    assert not p.family_choices  # already its coordinator: nothing to change


def test_advice_only_family_is_outside_the_target_group_and_gets_no_team():
    register, outcome = _screen(advice_only_family())
    a, p = outcome.assessment, outcome.proposal
    assert not a.target_group.in_model
    assert any("servicelovens § 11" in r for r in a.target_group.reasons)
    assert p.members == [] and p.contact_count == 0 and p.status == "UDEN_FOR_MAALGRUPPEN"
    assert "uden for målgruppen" in p.outside_target_group and "intet team" in p.outside_target_group
    assert a.rule is None and a.next_followup is None  # no cadence is made up
    assert not any("opfølgningsregel" in w for w in a.warnings)
    lines = outcome_lines(outcome)
    assert any(line.startswith("Intet team:") for line in lines)
    assert not any(line.startswith("Opfølgning:") for line in lines)

    class Store:  # accepting must not touch anything
        def put(self, *args):
            raise AssertionError("nothing may be saved")

        log = put

    with pytest.raises(Refusal, match="uden for målgruppen"):
        accept_outcome(Store(), outcome, register, ON)


def test_compensation_only_disability_family_gets_the_disability_caseworker_only():
    """Merudgifter and tabt arbejdsfortjeneste (Barnets lov §§ 86-87) are the disability caseworker's; nothing
    calls for a family caseworker, and she can be the coordinator the family chooses among its team."""
    register, outcome = _screen(compensation_only_disability_family())
    p = outcome.proposal
    assert _roles(outcome) == {"HR1": "handicapraadgiver"} and p.contact_count == 1
    assert set(p.members[0].covers) == {"Børnehandicaprådgiver", "Mulig koordinator (familien vælger)"}
    assert outcome.assessment.rule.rule_id == "SOF-3M"
    assert {"T-HAN", "T-HAN-SCR"} <= _reason_ids(outcome)


def test_father_on_sickness_benefit_facing_eviction_with_a_son_away_from_school():
    register, outcome = _screen(father_on_sickness_benefit_facing_eviction())
    p = outcome.proposal
    assert _caseworkers(outcome) == []  # no child case: no child caseworker with authority
    assert _roles(outcome) == {"JK1": "jobkonsulent", "SSR1": "skolesocialraadgiver", "OE1": "oekonomiraadgiver"}
    school = next(m for m in p.members if m.staff_id == "SSR1")
    assert set(school.covers) == {"Skolefravær", "Afdækning af barnets behov"}
    assert set(next(m for m in p.members if m.staff_id == "OE1").covers) == {"Økonomi og gæld",
                                                                              "Akut gæld eller udsættelse"}
    assert "Koordinator (familiens eget valg)" in next(m for m in p.members if m.staff_id == "JK1").covers
    assert {"T-FRAV", "T-AFDAEK", "T-GAELD-AKUT", "T-JOB-LAB"} <= _reason_ids(outcome)
    assert any(t.startswith("Helbred") for t in p.coordinator_tasks)


@pytest.mark.parametrize("absent_teen", [True, False])
def test_eviction_risk_without_a_child_case_never_gets_a_child_caseworker_as_coordinator(absent_teen):
    """Without a choice of coordinator the family gets a coordinator, not the child caseworker with authority -
    although he is the least busy who can coordinate."""
    built = father_on_sickness_benefit_facing_eviction(preferred=None, absent_teen=absent_teen)
    register, outcome = _screen(built)
    roles = _roles(outcome)
    assert not set(roles.values()) & set(CASEWORKER_ROLES)
    assert roles["K1"] == "koordinator" and "OE1" in roles and "JK1" in roles
    assert ("SSR1" in roles) == absent_teen
    assert outcome.proposal.contact_count == (4 if absent_teen else 3)


def test_the_chosen_coordinator_who_cannot_take_the_family_is_explained():
    fam, persons, ratings, team = father_on_sickness_benefit_facing_eviction()
    register, scores = municipality((fam, persons, ratings, team))
    away = register.replace(absences=register.absences + (Absence("JK1", date(2027, 2, 1), date(2027, 8, 31)),))
    outcome = screen(away, "F5", scores["F5"], ON, time_limit=5)
    assert "men Test JK1 er fraværende til 31.08.2027" in outcome.proposal.family_choices[0]
    assert "K1" in outcome.proposal.staff_ids()  # someone who can coordinate comes instead


def test_the_planned_meetings_keep_each_familys_choice_of_who_comes():
    """Accept each proposal and plan two months: every follow-up has the coordinator and exactly the team members
    the family asked for (or the whole team when it did not say), and the outside family has no meeting."""
    register, ratings = municipality()
    outcomes = {fid: screen(register, fid, rs, ON, time_limit=5) for fid, rs in ratings.items()}
    changes = []
    for fid, outcome in outcomes.items():
        if outcome.proposal.outside_target_group:
            continue
        fam = register.family_by_id[fid]
        coordinators = {fam.primary_coordinator, fam.secondary_coordinator} - {None}
        changes.append(TeamChange(fid, tuple(sorted(outcome.proposal.staff_ids() - coordinators)), ON, ON))
    run = make_plan(register, ON, date(2027, 4, 30), PlanOptions(time_limit=10, team_changes=tuple(changes)))
    by_family = {}
    for meeting in run.plan.meetings:
        by_family.setdefault(meeting.family_id, []).append(meeting)
    assert "F3" not in by_family
    assert set(by_family) == {"F1", "F2", "F4", "F5"}
    coordinator = {a.family_id: a.primary_coordinator for a in run.plan.assignments}
    assert coordinator["F1"] == "JK1" and coordinator["F2"] == "K1" and coordinator["F5"] == "JK1"
    expected = {"F1": {"JK1", "FR1"},               # not the psychologist or the debt adviser every time
                "F2": {"K1", "FR1", "FB1", "SP1"},  # not the mother's own bostøtte worker
                "F4": {"HR1"},                      # no choice made: the whole team (one person)
                "F5": {"JK1", "OE1"}}               # not the school social worker
    for fid, meetings in by_family.items():
        for meeting in meetings:
            assert set(meeting.attendees) == expected[fid], (fid, meeting.attendees)
            assert meeting.days_late == 0
    assert check_plan(register, run.plan).ok  # the independent checker reads the accepted teams from the plan


@pytest.mark.parametrize("builder, shown, not_shown", [
    (advice_only_family, "Intet team foreslået", "tvaers-team"),
    (single_mother_with_debt_and_a_son_with_adhd, "Familiens eget valg", "tvaers-outside"),
])
def test_the_screening_page_says_no_team_for_a_family_outside_and_shows_the_familys_own_choice(
        tmp_path, builder, shown, not_shown):
    from workbench.io.store import Store
    from workbench.ui.screening import ScreeningPanel

    register, outcome = _screen(builder())
    panel = ScreeningPanel(store=Store(tmp_path / "s.sqlite3"), autoload=False)
    panel.register = register
    page = panel.render(outcome)
    assert shown in page and not_shown not in page
    assert "FEASIBLE" not in page and "UDEN_FOR" not in page
