"""Arithmetic lower bounds per role: what the demand needs beyond what the current staff can give."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from workbench import catalogue
from workbench.whatif.scenario import hire_template

if TYPE_CHECKING:
    from workbench.whatif.staffing.problem import StaffingProblem


@dataclass
class RoleBound:
    """Capacity against demand for one role (coordinator places count for the coordinating roles together)."""

    role: str
    label: str
    points_needed: float
    points_available: float
    meetings_needed: int
    meeting_slots: int
    hires_for_points: int
    hires_for_meetings: int
    hire_roles: tuple[str, ...] = ()
    """The roles whose newcomers count for this group."""

    @property
    def hires(self) -> int:
        """Newcomers needed at least; -1 when no role that may be hired can close the gap."""
        if -1 in (self.hires_for_points, self.hires_for_meetings):
            return -1
        return max(self.hires_for_points, self.hires_for_meetings)


COORDINATING = "koordinerende"


def capacity_bounds(problem: StaffingProblem) -> list[RoleBound]:
    """Arithmetic lower bounds: what the demand needs beyond what the current staff can give.

    Points: primary + secondary shares (always two different people) against the free points
    of everybody who can coordinate; team shares of a role against the free points of that
    role.  Team places of coordinating roles are left out, because their holder may be the
    family's coordinator and then counts once.  Meetings: every family needs at least
    ``required`` follow-ups in the horizon; each coordinator place and each team place of a
    non-coordinating role attends them; a person can attend open days times their daily cap.
    A newcomer adds a full-time template's points and meeting slots.  Each group's bound is a
    necessary condition on its own, so each is a valid lower bound.
    """
    register, load = problem.register, problem.options.load
    calendar = problem.calendar
    open_days = len(calendar.open_days)
    need_points: dict[str, float] = defaultdict(float)
    need_meetings: dict[str, int] = defaultdict(int)
    coordinating_template = {r: hire_template(register, r).can_coordinate for r in catalogue.roles()}
    for place in problem.places:
        family = register.family_by_id[place.family_id]
        chain = problem.chains.get(place.family_id)
        meetings = chain.required if chain else 0
        if place.kind in ("primary", "secondary"):
            need_points[COORDINATING] += family.case_points * (load.primary if place.kind == "primary" else load.secondary)
            need_meetings[COORDINATING] += meetings
        elif not coordinating_template.get(place.role, False):
            need_points[place.role] += family.case_points * load.team
            need_meetings[place.role] += meetings
    bounds = []
    for group in sorted(set(need_points) | set(need_meetings)):
        if group == COORDINATING:
            members = [s for s in register.staff if s.can_coordinate]
            roles = tuple(r for r in problem.hire_roles if coordinating_template.get(r, False))
            label = "Koordinatorer (" + ", ".join(catalogue.role_label(r).lower() for r in roles) + ")"
        else:
            members = [s for s in register.staff if s.role == group]
            roles = (group,) if group in problem.hire_roles else ()
            label = catalogue.role_label(group)
        have_points = sum(max(0.0, s.max_caseload_points - s.base_caseload_points) for s in members)
        have_slots = sum(s.max_meetings_per_day * sum(1 for d in calendar.open_days
                                                      if calendar.staff_available(s.staff_id, d)) for s in members)
        templates = [hire_template(register, r) for r in roles]
        per_points = max((t.max_caseload_points - t.base_caseload_points for t in templates), default=0.0)
        per_slots = max((t.max_meetings_per_day * open_days for t in templates), default=0)
        missing_points = need_points[group] - have_points
        missing_slots = need_meetings[group] - have_slots
        hp = 0 if missing_points <= 1e-9 else (math.ceil(missing_points / per_points - 1e-9) if per_points > 0 else -1)
        hm = 0 if missing_slots <= 0 else (math.ceil(missing_slots / per_slots) if per_slots > 0 else -1)
        bounds.append(RoleBound(group, label, round(need_points[group], 1), round(have_points, 1),
                                need_meetings[group], have_slots, hp, hm, roles))
    return bounds
