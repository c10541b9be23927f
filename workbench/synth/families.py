"""More synthetic families for an existing register (what-if: "40 more families").

The families are drawn from the same mix as :func:`generate_municipality`, and
their teams come from the register's *actual* staff of the needed roles, within
caseload limits where anyone has room.  Coordinators are left to be assigned,
as for any new family.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta

from workbench.caseload import caseload
from workbench.model import Register, Staff, TeamMember
from workbench.settings import DEFAULT_LOAD, LoadWeights
from workbench.synth.municipality import (
    MAX_TEAM_FROM_NEEDS,
    NEED_PRIORITY,
    NEED_TO_ROLE,
    FamilyProfile,
    CaseloadCapacity,
    generated_screenings,
    caseworker_role,
    draw_family_profile,
    draw_team,
    draw_unavailability,
)

NEW_FAMILY_PREFIX = "FN"


def _fresh_ids(register: Register, count: int, prefix: str) -> list[str]:
    taken = {f.family_id for f in register.families}
    ids, number = [], 0
    while len(ids) < count:
        number += 1
        candidate = f"{prefix}{number:04d}"
        if candidate not in taken:
            ids.append(candidate)
    return ids


def _least_loaded(people: list[Staff], capacity: CaseloadCapacity, district: str, exclude: set[str]) -> Staff | None:
    options = [p for p in people if p.staff_id not in exclude]
    if not options:
        return None
    return max(options, key=lambda p: (capacity.free[p.staff_id], p.district == district, p.staff_id))


def add_families(register: Register, count: int, on: date, seed: int = 1, new_cases: bool = False,
                 load: LoadWeights = DEFAULT_LOAD) -> Register:
    """``register`` with ``count`` more synthetic families whose teams are drawn from its own staff.

    ``on`` is the day the families are described for (the start of the what-if horizon).
    ``new_cases=False`` gives families like the existing ones (last follow-up within the
    interval before ``on``), so the meeting load is the steady state; ``True`` makes them new
    cases starting in the first four weeks, whose first follow-up counts from the case start.
    When nobody of a needed role has room left, the least loaded person of that role takes the
    family anyway: the what-if then shows the overload instead of hiding the need.
    """
    if count <= 0:
        return register
    rng = random.Random(seed)
    by_role: dict[str, list[Staff]] = {}
    for person in register.staff:
        by_role.setdefault(person.role, []).append(person)
    staff_by_id = dict(register.staff_by_id)
    capacity = CaseloadCapacity(list(register.staff), caseload(register, load=load))
    families, persons, team, screenings, unavailability, cases = [], [], [], [], [], []
    for number, family_id in enumerate(_fresh_ids(register, count, NEW_FAMILY_PREFIX)):
        profile = draw_family_profile(family_id, on, register, rng)
        family = profile.family
        family_cases = list(profile.cases)
        if new_cases:
            family = replace(family, last_followup_date=None, case_start_date=on + timedelta(days=number * 28 // count))
            family_cases = [replace(c, opened_on=family.case_start_date, last_followup_date=None) for c in family_cases]
        cases.extend(family_cases)
        members = draw_team(profile, by_role, capacity, rng, set(), load, staff_by_id, register.rules)
        held = {m.role for m in members}
        on_team = {m.staff_id for m in members}
        for need_role in _needed_roles(profile, register.rules):
            if need_role in held:
                continue
            fallback = _least_loaded(by_role.get(need_role, []), capacity, family.district, on_team)
            if fallback is not None:
                capacity.free[fallback.staff_id] -= family.case_points * load.team
                members.append(TeamMember(family_id, fallback.staff_id, need_role))
                on_team.add(fallback.staff_id)
        team.extend(members)
        screener = next((s.staff_id for s in register.staff if s.can_coordinate), "")
        screenings.extend(generated_screenings(family_id, list(profile.persons), set(profile.needs), family.case_start_date or on,
                                      screener, rng))
        unavailability.extend(draw_unavailability(family_id, on, rng))
        persons.extend(profile.persons)
        families.append(family)
    return register.replace(
        families=register.families + tuple(families),
        persons=register.persons + tuple(persons),
        team=register.team + tuple(team),
        screenings=register.screenings + tuple(screenings),
        family_unavailability=register.family_unavailability + tuple(unavailability),
        cases=register.cases + tuple(cases),
    )


def _needed_roles(profile: FamilyProfile, rules) -> list[str]:
    """The roles :func:`draw_team` tries to fill, in the same order and with the same limit."""
    roles = [NEED_TO_ROLE[need] for need in sorted(profile.needs, key=NEED_PRIORITY.index)[:MAX_TEAM_FROM_NEEDS]]
    caseworker = caseworker_role(profile, rules)
    return roles + ([caseworker] if caseworker and caseworker not in roles else [])
