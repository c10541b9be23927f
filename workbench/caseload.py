"""Caseload points per person: one definition for screening, coordinators and what-if.

A person carries a share of each family's ``case_points`` for each role they
hold there (primary, secondary, team member); with two roles in one family only
the larger share counts.  Shares are settings (:class:`LoadWeights`).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable

from workbench.attendance import appointment_attendees
from workbench.model import Assignment, Family, Register
from workbench.settings import DEFAULT_LOAD, LoadWeights


def shares(register: Register, assignments: Iterable[Assignment] | None = None,
           load: LoadWeights = DEFAULT_LOAD) -> dict[tuple[str, str], float]:
    """(staff_id, family_id) -> the largest share of the family's points the person carries."""
    out: dict[tuple[str, str], float] = defaultdict(float)
    for member in register.team:
        out[(member.staff_id, member.family_id)] = max(out[(member.staff_id, member.family_id)], load.team)
    if assignments is None:
        assignments = [Assignment(f.family_id, f.primary_coordinator, f.secondary_coordinator) for f in register.families]
    for a in assignments:
        for who, share in ((a.primary_coordinator, load.primary), (a.secondary_coordinator, load.secondary)):
            if who:
                out[(who, a.family_id)] = max(out[(who, a.family_id)], share)
    return dict(out)


def caseload(register: Register, assignments: Iterable[Assignment] | None = None,
             load: LoadWeights = DEFAULT_LOAD) -> dict[str, float]:
    """Points used per staff member (including ``base_caseload_points``)."""
    used = {s.staff_id: s.base_caseload_points for s in register.staff}
    for (staff_id, family_id), share in shares(register, assignments, load).items():
        used[staff_id] = used.get(staff_id, 0.0) + share * register.family_by_id[family_id].case_points
    return used


def team_only_caseload(register: Register, load: LoadWeights = DEFAULT_LOAD) -> dict[str, float]:
    """Points used before any coordinator is counted (base plus team memberships)."""
    return caseload(register, assignments=[], load=load)


def extra_load_of_role(register: Register, family: Family, staff_id: str, share: float,
                       load: LoadWeights = DEFAULT_LOAD) -> float:
    """Points added by giving ``staff_id`` a role with ``share`` in ``family``, on top of any team share."""
    on_team = staff_id in register.team_staff_ids(family.family_id)
    return max(0.0, share - (load.team if on_team else 0.0)) * family.case_points


def children_per_caseworker(register: Register, assignments: Iterable[Assignment] | None = None) -> dict[str, int]:
    """Children's cases per caseworker: every child with an open case under Barnets lov (``cases.csv``; without
    cases, every child of a family with a Barnets lov basis) counts in full for the caseworker who holds the
    child's appointments (the one on the family's team, else a coordinator with the role).  Compare with
    ``settings.CHILDREN_PER_CASEWORKER``."""
    if assignments is None:
        assignments = [Assignment(f.family_id, f.primary_coordinator, f.secondary_coordinator) for f in register.families]
    by_family = {a.family_id: a for a in assignments}
    out: dict[str, set[str]] = defaultdict(set)
    for family in register.families:
        cases = register.cases_by_family.get(family.family_id, ())
        if cases:
            children = {c.person_id for c in cases if c.case_basis.startswith("BL") and c.closed_on is None}
        elif any(b.startswith("BL") for b in family.case_basis):
            children = {p.person_id for p in register.persons_by_family.get(family.family_id, ()) if p.kind == "barn"}
        else:
            continue
        if not children:
            continue
        basis = "&".join(family.case_basis)
        holder, _ = appointment_attendees(register, by_family.get(family.family_id), family.family_id,
                                          "sagsbehandler_barn", basis)
        for staff_id in holder:
            out[staff_id] |= children
    return {staff_id: len(children) for staff_id, children in out.items()}
