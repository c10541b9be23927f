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
