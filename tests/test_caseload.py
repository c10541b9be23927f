"""One definition of caseload points, matching the independent checker."""

from __future__ import annotations

from dataclasses import replace

from workbench.caseload import caseload, shares
from workbench.scheduling.check import check_assignments
from workbench.model import Assignment, Plan
from tests.helpers import family, staff, tiny_register


def test_two_roles_in_one_family_count_once_at_the_larger_share():
    register = tiny_register([staff("C1"), staff("P1", can_coordinate=False)],
                             [family("F1", primary="C1", case_points=2.0)],
                             team=[("F1", "C1", "familieraadgiver"), ("F1", "P1", "ppr_psykolog")])
    assert shares(register) == {("C1", "F1"): 1.0, ("P1", "F1"): 0.5}
    assert caseload(register) == {"C1": 2.0, "P1": 1.0}


def test_base_points_count_and_checker_agrees(small_register):
    register = small_register.replace(staff=tuple(replace(s, base_caseload_points=1.5) for s in small_register.staff))
    used = caseload(register)
    assert all(points >= 1.5 for points in used.values())
    tight = register.replace(staff=tuple(replace(s, max_caseload_points=round(used[s.staff_id], 6)) for s in register.staff))
    plan = Plan(None, None, [Assignment(f.family_id, f.primary_coordinator, f.secondary_coordinator)
                             for f in register.families], [])
    assert [b for b in check_assignments(tight, plan) if b.kind == "sagsloft"] == []
    tighter = tight.replace(staff=tuple(replace(s, max_caseload_points=s.max_caseload_points - 0.1) for s in tight.staff))
    assert len([b for b in check_assignments(tighter, plan) if b.kind == "sagsloft"]) == sum(
        1 for s in tighter.staff if used[s.staff_id] > 0)


def test_each_child_counts_in_full_for_the_caseworker_who_holds_the_childs_appointments():
    from datetime import date

    from workbench.caseload import children_per_caseworker
    from workbench.model import Case, Person

    persons = (Person("F1-B1", "F1", "barn", 2015), Person("F1-B2", "F1", "barn", 2017), Person("F1-V1", "F1", "voksen", 1990),
               Person("F2-B1", "F2", "barn", 2012), Person("F3-B1", "F3", "barn", 2016))
    register = tiny_register(
        [staff("K1"), staff("R1", role="familieraadgiver"), staff("R2", role="familieraadgiver"),
         staff("H1", role="handicapraadgiver")],
        [family("F1", basis=("BL32",), primary="K1", case_points=1.0),  # two children's cases, R1 on the team
         family("F2", basis=("BL32",), primary="R2"),  # no cases.csv rows: the children of a BL family count
         family("F3", basis=("BL86",), primary="K1")],  # a child with a disability: the disability caseworker
        team=[("F1", "R1", "familieraadgiver"), ("F3", "H1", "handicapraadgiver"), ("F3", "R1", "familieraadgiver")],
        persons=persons,
        cases=(Case("c1", "F1", "F1-B1", "BL32", date(2025, 1, 1), 91), Case("c2", "F1", "F1-B2", "BL46", date(2025, 1, 1), 91),
               Case("c3", "F1", "F1-V1", "LAB_KH", date(2025, 1, 1)), Case("c4", "F3", "F3-B1", "BL86", date(2025, 1, 1)),
               Case("c5", "F1", "F1-B2", "BL20", date(2024, 1, 1), closed_on=date(2024, 5, 1))))
    assert children_per_caseworker(register) == {"R1": 2, "R2": 1, "H1": 1}
    # the points are shared (a team member carries half); the children are not
    assert caseload(register)["R1"] < 2 * register.family_by_id["F1"].case_points
