"""Municipal settings that are policy, not law: load weights and meeting hours."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time


@dataclass(frozen=True)
class LoadWeights:
    """How much of a family's case points a role uses of a person's caseload limit.

    Load is counted per family (not per child); DS guidance leaves weighting to
    the municipality, so these are settings.
    """

    primary: float = 1.0
    secondary: float = 0.5
    team: float = 0.5


@dataclass(frozen=True)
class MeetingHours:
    """When follow-up meetings may start and must end, on a grid of ``step_minutes``."""

    day_start: time = time(9, 0)
    day_end: time = time(15, 30)
    step_minutes: int = 15

    @property
    def start_minute(self) -> int:
        return self.day_start.hour * 60 + self.day_start.minute

    @property
    def end_minute(self) -> int:
        return self.day_end.hour * 60 + self.day_end.minute


DEFAULT_LOAD = LoadWeights()
DEFAULT_HOURS = MeetingHours()

CHILDREN_PER_CASEWORKER = (20, 30)
"""Dansk Socialrådgiverforening's yardstick: a caseworker with authority (myndighed) should hold 20-30 children's
cases; each child's case counts in full, however the family's points are shared."""

FAMILY_MAY_CHOOSE_ROLES: frozenset[str] | None = None
"""Whom a family may choose as its coordinator besides staff who can coordinate anyway (``can_coordinate``):
``None`` = anyone, whatever the profession (Hedensted: "uanset faglig baggrund"); a municipality that wants to
restrict the choice lists the roles here, e.g. ``frozenset({"jobkonsulent", "sundhedsplejerske"})``."""


def family_may_choose(role: str, can_coordinate: bool) -> bool:
    """May a family choose a person of this role as its coordinator (read at call time, so a changed setting
    applies at once)?"""
    return can_coordinate or FAMILY_MAY_CHOOSE_ROLES is None or role in FAMILY_MAY_CHOOSE_ROLES
