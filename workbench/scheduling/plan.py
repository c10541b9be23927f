"""What a plan is: coordinator assignments, meetings and a summary.

Plain data so the CLI, the notebooks, the exports and the independent checker
share it without knowing how it was solved.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from workbench.files import recover_folder, write_folder_atomic


def clock(minute: int) -> str:
    """Minutes after midnight as HH:MM."""
    return f"{minute // 60:02d}:{minute % 60:02d}"


def minute_of(text: str) -> int:
    hours, minutes = text.split(":")[:2]
    return int(hours) * 60 + int(minutes)


PLANNED, ANNOUNCED, HELD, CANCELLED, MOVED_BY_HAND = "planned", "announced", "held", "cancelled", "moved_by_hand"
STATUSES = (PLANNED, ANNOUNCED, HELD, CANCELLED, MOVED_BY_HAND)
"""A meeting's life: planned by the tool, announced to families and staff, then held or cancelled - or moved
by hand by the team leader (it then stays where it was put)."""
STATUS_DA = {PLANNED: "planlagt", ANNOUNCED: "udmeldt", HELD: "afholdt", CANCELLED: "aflyst",
             MOVED_BY_HAND: "flyttet manuelt"}


@dataclass(frozen=True)
class Assignment:
    family_id: str
    primary_coordinator: str | None
    secondary_coordinator: str | None = None
    reason: str = ""


@dataclass(frozen=True)
class Meeting:
    meeting_id: str
    family_id: str
    day: date
    start_minute: int
    end_minute: int
    attendees: tuple[str, ...]
    rule_id: str
    deadline: date
    days_late: int = 0
    status: str = PLANNED
    held_on: date | None = None
    """For a held meeting: the day it was actually held (it is then the family's last follow-up)."""
    frozen: bool = False
    """Kept exactly from the announced plan (freeze window or held): day, time and attendees as announced.
    Written to ``summary.json`` (``frozen_meetings``), so ``meetings.csv`` of an unchanged re-plan is identical."""
    person_id: str = ""
    """The child or adult a person's appointment concerns ("" for the family's team follow-up)."""

    @property
    def chain_id(self) -> str:
        """The family id for team follow-ups, ``person:rule`` for a person's clock."""
        return self.family_id if not self.person_id else f"{self.person_id}:{self.rule_id}"

    @property
    def start(self) -> str:
        return clock(self.start_minute)

    @property
    def end(self) -> str:
        return clock(self.end_minute)


@dataclass
class Plan:
    """The result of planning a horizon; ``summary`` holds the figures shown to users."""

    start: date
    end: date
    assignments: list[Assignment]
    meetings: list[Meeting]
    summary: dict = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)
    """Plain-language explanations (Danish) of anything the user should know."""
    cancelled: list[Meeting] = field(default_factory=list)
    """Meetings recorded as cancelled (kept for the record; they are not part of the plan)."""
    team: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """family_id -> the professionals on the family's team when the plan was made (besides the coordinators)."""
    deadlines: list[dict] = field(default_factory=list)
    """Every deadline of the plan, met, planned, late or overdue (``deadlines.csv``, see deadlines.py)."""

    def meetings_frame(self) -> pd.DataFrame:
        rows = [
            {
                "meeting_id": m.meeting_id,
                "family_id": m.family_id,
                "date": m.day.isoformat(),
                "start": m.start,
                "end": m.end,
                "attendees": ";".join(m.attendees),
                "rule_id": m.rule_id,
                "deadline": m.deadline.isoformat(),
                "days_late": m.days_late,
                "status": m.status,
                "held_on": m.held_on.isoformat() if m.held_on else "",
                "person_id": m.person_id,
            }
            for m in sorted(self.meetings + self.cancelled, key=lambda m: (m.day, m.start_minute, m.family_id,
                                                                           m.meeting_id))
        ]
        return pd.DataFrame(rows, columns=MEETING_COLUMNS)

    def team_frame(self) -> pd.DataFrame:
        rows = [{"family_id": family_id, "staff_id": staff_id}
                for family_id in sorted(self.team) for staff_id in self.team[family_id]]
        return pd.DataFrame(rows, columns=["family_id", "staff_id"])

    def assignments_frame(self) -> pd.DataFrame:
        rows = [
            {
                "family_id": a.family_id,
                "primary_coordinator": a.primary_coordinator or "",
                "secondary_coordinator": a.secondary_coordinator or "",
            }
            for a in sorted(self.assignments, key=lambda a: a.family_id)
        ]
        return pd.DataFrame(rows, columns=["family_id", "primary_coordinator", "secondary_coordinator"])

    def files(self) -> dict[str, str]:
        """The plan folder's files by name (see :meth:`write`)."""
        files = {"assignments.csv": self.assignments_frame().to_csv(index=False),
                 "meetings.csv": self.meetings_frame().to_csv(index=False)}
        if self.team:
            files["team.csv"] = self.team_frame().to_csv(index=False)
        if self.deadlines:
            files["deadlines.csv"] = pd.DataFrame(self.deadlines).to_csv(index=False)
        summary = dict(self.summary, messages=self.messages,
                       frozen_meetings=sorted(m.meeting_id for m in self.meetings if m.frozen))
        files["summary.json"] = json.dumps(summary, indent=2, ensure_ascii=False, default=str)
        return files

    def write(self, out: str | Path, extra: dict[str, str] | None = None) -> Path:
        """Write the plan folder as a whole or not at all (:func:`workbench.files.write_folder_atomic`);
        ``extra`` files (the register snapshot) go in the same step."""
        return write_folder_atomic(Path(out), dict(self.files(), **(extra or {})), own=PLAN_FILES)


PLAN_FILES = ("assignments.csv", "meetings.csv", "team.csv", "deadlines.csv", "summary.json", "register.json")
"""The files a plan folder is made of; anything else in the folder (exports, notes) is the user's and kept."""


def recover_plan_folder(out: Path) -> None:
    """A plan folder whose write was killed half-way becomes the old or the new plan, complete."""
    recover_folder(Path(out), PLAN_FILES)


MEETING_COLUMNS = ["meeting_id", "family_id", "date", "start", "end", "attendees", "rule_id", "deadline", "days_late",
                   "status", "held_on", "person_id"]


def read_meetings(path: str | Path, include_cancelled: bool = False) -> list[Meeting]:
    """Meetings from a ``meetings.csv`` written by :meth:`Plan.write` (e.g. an announced plan).

    Files from before statuses existed have no ``status`` column: their meetings count as planned."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    meetings = [
        Meeting(
            meeting_id=row["meeting_id"],
            family_id=row["family_id"],
            day=date.fromisoformat(row["date"]),
            start_minute=minute_of(row["start"]),
            end_minute=minute_of(row["end"]),
            attendees=tuple(a for a in row["attendees"].split(";") if a),
            rule_id=row["rule_id"],
            deadline=date.fromisoformat(row["deadline"]),
            days_late=int(row["days_late"] or 0),
            status=_status(row.get("status", "")),
            held_on=date.fromisoformat(row["held_on"]) if row.get("held_on") else None,
            person_id=row.get("person_id", "") or "",
        )
        for row in frame.to_dict("records")
    ]
    return meetings if include_cancelled else [m for m in meetings if m.status != CANCELLED]


def _status(text: str) -> str:
    text = (text or PLANNED).strip()
    if text not in STATUSES:
        raise ValueError(f"ukendt status '{text}' (kendte: {', '.join(STATUSES)})")
    return text


def summary_dict(**figures) -> dict:
    return {key: (asdict(value) if hasattr(value, "__dataclass_fields__") else value) for key, value in figures.items()}
