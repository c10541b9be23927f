"""One definition of caseload points, matching the independent checker."""

from __future__ import annotations

from dataclasses import replace

from workbench.caseload import caseload, shares
from workbench.scheduling.check import check_assignments
from workbench.scheduling.plan import Assignment, Plan
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
