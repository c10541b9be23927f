"""Team proposal: each constraint bites, the team is minimal (brute force), gaps are explained by name."""

from __future__ import annotations

import itertools
import random
from datetime import date

import pytest
from ortools.sat.python import cp_model

from workbench.hard_rules import HardRule
from workbench.model import Absence, Register
from workbench.screening.rules import Need, Reason
from workbench.screening.team import (
    TeamModel,
    can_cover,
    candidates_for,
    coordinator_need,
    propose_team,
)
from tests.helpers import family, staff, tiny_register

ON = date(2027, 3, 1)


def need(need_id: str, roles=(), competences=(), kind="viden") -> Need:
    """A need where a competence tag may stand in for the role (``viden``) unless a test says otherwise."""
    return Need(need_id, f"Behov {need_id}", tuple(roles), tuple(competences), (Reason("T", f"grund {need_id}", "test"),),
                kind=kind)


def _solve(register: Register, needs, fam=None, disabled=frozenset()):
    fam = fam or register.families[0]
    model = TeamModel(register, fam, needs, ON, disabled=frozenset(disabled))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(model.model) == cp_model.OPTIMAL
    team = {s for s, v in model.x.items() if solver.boolean_value(v)}
    unstaffed = {n for n, v in model.unstaffed.items() if solver.boolean_value(v)}
    return team, unstaffed


# ------------------------------------------------------------------ each constraint bites


def test_cover_every_need_bites():
    register = tiny_register([staff("P1", "ppr_psykolog", False)], [family("F1")])
    team, unstaffed = _solve(register, [need("ppr", ["ppr_psykolog"])])
    assert team == {"P1"} and unstaffed == set()
    team, _ = _solve(register, [need("ppr", ["ppr_psykolog"])], disabled={HardRule.COVER_EVERY_NEED})
    assert team == set()  # nothing forces anybody onto the team


def test_only_members_cover_bites():
    register = tiny_register([staff("P1", "ppr_psykolog", False)], [family("F1")])
    team, unstaffed = _solve(register, [need("ppr", ["ppr_psykolog"])], disabled={HardRule.ONLY_MEMBERS_COVER})
    assert team == set() and unstaffed == set()  # "covered" by someone who is not on the team


def test_caseload_cap_bites():
    register = tiny_register(
        [staff("P1", "ppr_psykolog", False, points=10.0, base_caseload_points=9.8, district="Nord"),
         staff("P2", "ppr_psykolog", False, points=10.0, district="Syd")],
        [family("F1", case_points=2.0)],
    )
    team, _ = _solve(register, [need("ppr", ["ppr_psykolog"])])
    assert team == {"P2"}  # P1 has 0.2 points left, joining costs 1.0
    team, _ = _solve(register, [need("ppr", ["ppr_psykolog"])], disabled={HardRule.CASELOAD_CAP})
    assert team == {"P1"}  # same district wins once the limit is gone


def test_attached_coordinators_stay_bites():
    register = tiny_register([staff("C1", "koordinator"), staff("P1", "ppr_psykolog", False)],
                             [family("F1", primary="C1")])
    team, _ = _solve(register, [need("ppr", ["ppr_psykolog"])])
    assert team == {"C1", "P1"}
    team, _ = _solve(register, [need("ppr", ["ppr_psykolog"])], disabled={HardRule.ATTACHED_COORDINATORS_STAY})
    assert team == {"P1"}


def test_no_long_absence_bites():
    register = tiny_register(
        [staff("P1", "ppr_psykolog", False, district="Nord"), staff("P2", "ppr_psykolog", False, district="Syd")],
        [family("F1")], absences=[("P1", date(2027, 2, 1), date(2027, 4, 30))],
    )
    team, _ = _solve(register, [need("ppr", ["ppr_psykolog"])])
    assert team == {"P2"}
    team, _ = _solve(register, [need("ppr", ["ppr_psykolog"])], disabled={HardRule.NO_LONG_ABSENCE})
    assert team == {"P1"}


def test_short_absence_does_not_exclude():
    register = tiny_register(
        [staff("P1", "ppr_psykolog", False, district="Nord"), staff("P2", "ppr_psykolog", False, district="Syd")],
        [family("F1")], absences=[("P1", date(2027, 3, 1), date(2027, 3, 3))],
    )
    assert _solve(register, [need("ppr", ["ppr_psykolog"])])[0] == {"P1"}


def test_coordinator_candidate_has_room_bites():
    # C1 fits a team share (1.0 of 2 points) but not a coordinator's full share (2.0)
    register = tiny_register(
        [staff("C1", "koordinator", points=10.0, base_caseload_points=8.5, district="Nord"),
         staff("C2", "koordinator", points=10.0, district="Syd")],
        [family("F1", case_points=2.0)],
    )
    needs = [coordinator_need()]
    team, _ = _solve(register, needs)
    assert team == {"C2"}
    team, _ = _solve(register, needs, disabled={HardRule.COORDINATOR_CANDIDATE_HAS_ROOM})
    assert team == {"C1"}


# ------------------------------------------------------------------ preferences and minimality


def test_prefers_attached_staff_among_equally_small_teams():
    register = tiny_register(
        [staff("P1", "ppr_psykolog", False, district="Nord"), staff("P2", "ppr_psykolog", False, district="Syd")],
        [family("F1")], team=[("F1", "P2", "ppr_psykolog")],
    )
    proposal = propose_team(register, register.families[0], [need("ppr", ["ppr_psykolog"])], ON)
    assert proposal.staff_ids() == {"P2"}
    assert "allerede i familiens team" in proposal.members[0].reasons[0]


def test_fewest_contacts_beats_keeping_attached_staff():
    # two attached specialists, or one new person whose competences cover both needs
    register = tiny_register(
        [staff("J1", "jobkonsulent", False), staff("O1", "oekonomiraadgiver", False),
         staff("X1", "familiebehandler", False, competences=frozenset({"gæld", "beskæftigelse"}))],
        [family("F1", primary=None)],
        team=[("F1", "J1", "jobkonsulent"), ("F1", "O1", "oekonomiraadgiver")],
    )
    needs = [need("job", ["jobkonsulent"], ["beskæftigelse"]), need("oek", ["oekonomiraadgiver"], ["gæld"])]
    proposal = propose_team(register, register.families[0], needs, ON)
    assert proposal.staff_ids() == {"X1"}
    assert len(proposal.leaving) == 2 and all("dækkes af andre" in text for text in proposal.leaving)


def test_language_and_district_are_preferences():
    register = tiny_register(
        [staff("P1", "ppr_psykolog", False, district="Nord"),
         staff("P2", "ppr_psykolog", False, district="Syd", languages=frozenset({"da", "ar"}))],
        [family("F1", language="ar")],
    )
    proposal = propose_team(register, register.families[0], [need("ppr", ["ppr_psykolog"])], ON)
    assert proposal.staff_ids() == {"P2"}  # language outweighs district
    assert any("taler familiens sprog (ar)" in r for r in proposal.members[0].reasons)
    danish = tiny_register(register.staff, [family("F1", language="da")])
    assert propose_team(danish, danish.families[0], [need("ppr", ["ppr_psykolog"])], ON).staff_ids() == {"P1"}


def _random_instance(seed: int) -> tuple[Register, list[Need]]:
    rng = random.Random(seed)
    roles = ["ppr_psykolog", "jobkonsulent", "oekonomiraadgiver", "familieraadgiver"]
    competences = ["gæld", "psykiatri", "netværksmøder"]
    people = []
    for i in range(rng.randint(4, 8)):
        role = rng.choice(roles)
        people.append(staff(f"S{i}", role, role == "familieraadgiver", points=10.0,
                            base_caseload_points=rng.choice((0.0, 5.0, 9.5)),
                            competences=frozenset(rng.sample(competences, rng.randint(0, 2))),
                            district=rng.choice(("Nord", "Syd"))))
    coordinators = [p.staff_id for p in people if p.can_coordinate]
    primary = rng.choice(coordinators) if coordinators and rng.random() < 0.5 else None
    team = [("F1", p.staff_id, p.role) for p in people if p.staff_id != primary and rng.random() < 0.3]
    register = tiny_register(people, [family("F1", primary=primary, case_points=float(rng.randint(1, 3)))], team=team)
    pool = [need("ppr", ["ppr_psykolog"]), need("job", ["jobkonsulent"]), need("oek", ["oekonomiraadgiver"], ["gæld"]),
            need("psy", [], ["psykiatri"]), need("net", [], ["netværksmøder"]), need("myn", ["familieraadgiver"])]
    return register, rng.sample(pool, rng.randint(1, 5))


def _brute_force_size(register: Register, needs: list[Need]) -> tuple[int, int]:
    """(smallest number of people in contact, number of needs nobody may cover) over all subsets."""
    fam = register.families[0]
    needs = list(needs) + ([coordinator_need(needs)] if not fam.primary_coordinator else [])
    candidates = candidates_for(register, fam, needs, ON, fam.case_points)
    forced = [c for c in candidates if c.coordinator]

    def may_join(c):  # someone already carrying this family's share adds nothing by staying
        return c.coordinator or c.extra <= 0 or c.extra <= c.room + 1e-9

    def may_cover(c, n):
        if not can_cover(c.staff, n) or not may_join(c):
            return False
        return not n.coordinator or c.extra_as_coordinator <= c.room + 1e-9

    free = [c for c in candidates if not c.coordinator and may_join(c)]
    coverable = [n for n in needs if any(may_cover(c, n) for c in candidates)]
    for size in range(len(free) + 1):
        for subset in itertools.combinations(free, size):
            team = forced + list(subset)
            if all(any(may_cover(c, n) for c in team) for n in coverable):
                return len(team), len(needs) - len(coverable)
    raise AssertionError("no cover found")


@pytest.mark.parametrize("seed", range(40))
def test_team_is_minimal_against_brute_force(seed):
    register, needs = _random_instance(seed)
    # counted work, not wall seconds: the proof takes ~0.0001 units, so it is always reached, however busy the machine
    proposal = propose_team(register, register.families[0], needs, ON, deterministic_time=1.0)
    best, impossible = _brute_force_size(register, needs)
    assert proposal.optimal
    assert proposal.contact_count == best
    assert len(proposal.unstaffed) == impossible
    covered = {label for m in proposal.members for label in m.covers}
    assert covered | {u.label for u in proposal.unstaffed} == set(proposal.need_reasons)


# ------------------------------------------------------------------ explanations


def test_unstaffable_role_names_everyone_at_their_limit():
    register = tiny_register(
        [staff("P1", "ppr_psykolog", False, points=20.0, base_caseload_points=19.5),
         staff("P2", "ppr_psykolog", False, points=30.0, base_caseload_points=30.0),
         staff("J1", "jobkonsulent", False)],
        [family("F1", case_points=2.0, primary=None)],
    )
    proposal = propose_team(register, register.families[0], [need("ppr", ["ppr_psykolog"])], ON)
    gap = next(u for u in proposal.unstaffed if u.need_id == "ppr")
    assert "Alle 2 mulige (PPR-psykolog)" in gap.explanation
    assert "Test P1 (P1) bruger 19,5 af 20" in gap.explanation and "Test P2 (P2) bruger 30 af 30" in gap.explanation
    assert "1 point mere" in gap.explanation


def test_missing_role_is_explained():
    register = tiny_register([staff("C1")], [family("F1", primary="C1")])
    proposal = propose_team(register, register.families[0], [need("tale", ["tale_hoere"])], ON)
    assert proposal.unstaffed[0].explanation.startswith("Ingen medarbejder i registret er Tale-hørekonsulent")


def test_absence_is_named_in_the_explanation_but_not_its_reason():
    register = tiny_register([staff("P1", "ppr_psykolog", False)], [family("F1")],
                             absences=[("P1", date(2027, 2, 1), date(2027, 5, 31))])
    register = register.replace(absences=(Absence("P1", date(2027, 2, 1), date(2027, 5, 31), "Langtidssygemelding"),))
    proposal = propose_team(register, register.families[0], [need("ppr", ["ppr_psykolog"])], ON)
    explanation = proposal.unstaffed[0].explanation
    assert "fraværende til 31.05.2027" in explanation and "sygemelding" not in explanation.lower()


def test_family_without_coordinator_gets_a_possible_coordinator():
    register = tiny_register([staff("P1", "ppr_psykolog", False), staff("C1", "koordinator")], [family("F1")])
    proposal = propose_team(register, register.families[0], [need("ppr", ["ppr_psykolog"])], ON)
    assert proposal.staff_ids() == {"P1", "C1"}
    coordinator = next(m for m in proposal.members if m.staff_id == "C1")
    assert coordinator.covers == ["Mulig koordinator (familien vælger)"]
    assert "Mulig koordinator (familien vælger)" in proposal.need_reasons


def test_proposal_serialises_for_the_store():
    register = tiny_register([staff("P1", "ppr_psykolog", False)], [family("F1", primary=None)])
    data = propose_team(register, register.families[0], [need("ppr", ["ppr_psykolog"])], ON).to_json()
    assert data["on"] == "2027-03-01" and data["contact_count"] == 1
    assert data["members"][0]["staff_id"] == "P1"


# ------------------------------------------------------------------ the caseworker's own choices


def test_caseworker_choices_bite():
    register = tiny_register(
        [staff("P1", "ppr_psykolog", False, district="Nord"), staff("P2", "ppr_psykolog", False, district="Syd"),
         staff("J1", "jobkonsulent", False)],
        [family("F1")],
    )
    needs = [need("ppr", ["ppr_psykolog"])]
    fam = register.families[0]

    def team(disabled=frozenset(), **choices):
        model = TeamModel(register, fam, needs, ON, disabled=frozenset(disabled), **choices)
        solver = cp_model.CpSolver()
        assert solver.solve(model.model) == cp_model.OPTIMAL
        return {s for s, v in model.x.items() if solver.boolean_value(v)}

    assert team() == {"P1"}
    assert team(exclude=frozenset({"P1"})) == {"P2"}
    assert team(include=frozenset({"J1"})) == {"P1", "J1"}
    assert team({HardRule.CASEWORKER_CHOICES}, exclude=frozenset({"P1"}), include=frozenset({"J1"})) == {"P1"}


def test_choices_are_recorded_and_limits_still_hold():
    register = tiny_register(
        [staff("P1", "ppr_psykolog", False, district="Nord"), staff("P2", "ppr_psykolog", False, district="Syd"),
         staff("J1", "jobkonsulent", False, points=5.0, base_caseload_points=5.0), staff("C1", "koordinator")],
        [family("F1", primary="C1", case_points=2.0)], team=[("F1", "P1", "ppr_psykolog")],
    )
    proposal = propose_team(register, register.families[0], [need("ppr", ["ppr_psykolog"])], ON,
                            include=frozenset({"J1"}), exclude=frozenset({"P1", "C1"}))
    assert proposal.staff_ids() == {"C1", "P2"}
    assert any("J1" in n and "ikke plads" in n for n in proposal.choices)
    assert any("C1" in n and "kan ikke fravælges" in n for n in proposal.choices)
    assert any("fravalgt af sagsbehandleren" in text for text in proposal.leaving)
    alone = propose_team(register, register.families[0], [need("ppr", ["ppr_psykolog"])], ON,
                         exclude=frozenset({"P1", "P2"}))
    assert "fravalgt af sagsbehandleren" in alone.unstaffed[0].explanation


def test_the_proposal_says_how_many_were_in_contact_before():
    """The models want the smallest team: the page shows the team's size before and after (Thisted, Hedensted)."""
    register = tiny_register(
        [staff("C1"), staff("P1", "ppr_psykolog", False), staff("P2", "ppr_psykolog", False),
         staff("S1", "sundhedsplejerske", False)],
        [family("F1", primary="C1")],
        team=[("F1", "P1", "ppr_psykolog"), ("F1", "P2", "ppr_psykolog"), ("F1", "S1", "sundhedsplejerske")])
    proposal = propose_team(register, register.families[0], [need("ppr", ["ppr_psykolog"])], ON)
    assert proposal.contact_before == 4 and proposal.contact_count == 2  # the coordinator and one psychologist
    assert proposal.size_change() == "i dag 4"


# ------------------------------------------------------------------ services, knowledge and the coordinator


def test_a_tag_never_makes_someone_cover_a_service():
    """Debt advice is a service: a family therapist tagged 'gæld' knows about debt but does not give the advice.
    The same tag does cover a knowledge need, so this fails if can_cover ignores the kind."""
    tagged = staff("X1", "familiebehandler", False, competences=frozenset({"gæld"}))
    adviser = staff("O1", "oekonomiraadgiver", False)
    service = need("oek", ["oekonomiraadgiver"], ["gæld"], kind="ydelse")
    knowledge = need("oek", ["oekonomiraadgiver"], ["gæld"], kind="viden")
    assert not can_cover(tagged, service) and can_cover(tagged, knowledge)
    assert can_cover(adviser, service)
    alone = tiny_register([tagged, staff("C1")], [family("F1", primary="C1")])
    proposal = propose_team(alone, alone.families[0], [service], ON)
    assert proposal.staff_ids() == {"C1"} and [u.need_id for u in proposal.unstaffed] == ["oek"]
    assert "kompetencen" not in proposal.unstaffed[0].explanation  # only the role is offered as the way to cover it
    both = tiny_register([tagged, adviser, staff("C1")], [family("F1", primary="C1")], team=[("F1", "X1", "familiebehandler")])
    proposal = propose_team(both, both.families[0], [service], ON)
    assert proposal.staff_ids() == {"C1", "O1"}  # the known face with the tag is not enough


def test_a_caseworker_with_authority_coordinates_only_where_the_family_has_a_case_of_theirs():
    """An eviction risk and no child case: the coordinator candidate is a coordinator, not the child caseworker with
    authority who happens to be nearer and less busy."""
    register = tiny_register(
        [staff("O1", "oekonomiraadgiver", False, district="Nord"),
         staff("FR1", "familieraadgiver", district="Nord"),
         staff("HR1", "handicapraadgiver", district="Nord"),
         staff("K1", "koordinator", district="Syd", points=10.0, base_caseload_points=6.0)],
        [family("F1", primary=None, district="Nord")])
    eviction = [need("oek", ["oekonomiraadgiver"], kind="ydelse")]
    proposal = propose_team(register, register.families[0], eviction, ON)
    assert proposal.staff_ids() == {"O1", "K1"}
    with_case = eviction + [need("myndighed", ["familieraadgiver"], kind="ydelse")]
    proposal = propose_team(register, register.families[0], with_case, ON)
    assert proposal.staff_ids() == {"O1", "FR1"}  # the child's caseworker is in contact anyway and may coordinate
    no_coordinator = tiny_register(register.staff[:3], register.families)
    gap = propose_team(no_coordinator, no_coordinator.families[0], eviction, ON).unstaffed
    assert [u.need_id for u in gap] == ["koordinator"] and "kun som koordinator" in gap[0].explanation


def test_the_family_chosen_coordinator_covers_the_coordinator_need_or_the_refusal_is_explained():
    """Hedensted: the family chooses its coordinator whatever the profession, within the hard limits."""
    people = [staff("J1", "jobkonsulent", False), staff("K1", "koordinator")]
    register = tiny_register(people, [family("F1", primary=None, preferred_coordinator="J1")])
    proposal = propose_team(register, register.families[0], [], ON)
    assert proposal.staff_ids() == {"J1"}
    assert proposal.members[0].covers == ["Koordinator (familiens eget valg)"]
    assert "Familien har valgt Test J1 (J1, Beskæftigelsesrådgiver) som koordinator" in proposal.family_choices[0]
    away = register.replace(absences=(Absence("J1", date(2027, 2, 1), date(2027, 6, 30), "privat"),))
    proposal = propose_team(away, away.families[0], [], ON)
    assert proposal.staff_ids() == {"K1"}
    assert "men Test J1 er fraværende til 30.06.2027" in proposal.family_choices[0]
    full = tiny_register([staff("J1", "jobkonsulent", False, points=10.0, base_caseload_points=9.5), people[1]],
                         [family("F1", primary=None, preferred_coordinator="J1", case_points=2.0)])
    assert "har ikke plads" in propose_team(full, full.families[0], [], ON).family_choices[0]
