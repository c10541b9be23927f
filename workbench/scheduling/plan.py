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


def clock(minute: int) -> str:
    """Minutes after midnight as HH:MM."""
    return f"{minute // 60:02d}:{minute % 60:02d}"


def minute_of(text: str) -> int:
    hours, minutes = text.split(":")[:2]
    return int(hours) * 60 + int(minutes)


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
            }
            for m in sorted(self.meetings, key=lambda m: (m.day, m.start_minute, m.family_id))
        ]
        columns = ["meeting_id", "family_id", "date", "start", "end", "attendees", "rule_id", "deadline", "days_late"]
        return pd.DataFrame(rows, columns=columns)

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

    def write(self, out: str | Path) -> Path:
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        self.assignments_frame().to_csv(out / "assignments.csv", index=False)
        self.meetings_frame().to_csv(out / "meetings.csv", index=False)
        summary = dict(self.summary, messages=self.messages)
        (out / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False, default=str), "utf-8")
        return out


def read_meetings(path: str | Path) -> list[Meeting]:
    """Meetings from a ``meetings.csv`` written by :meth:`Plan.write` (e.g. an announced plan)."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    return [
        Meeting(
            meeting_id=row.meeting_id,
            family_id=row.family_id,
            day=date.fromisoformat(row.date),
            start_minute=minute_of(row.start),
            end_minute=minute_of(row.end),
            attendees=tuple(a for a in row.attendees.split(";") if a),
            rule_id=row.rule_id,
            deadline=date.fromisoformat(row.deadline),
            days_late=int(row.days_late or 0),
        )
        for row in frame.itertuples(index=False)
    ]


def summary_dict(**figures) -> dict:
    return {key: (asdict(value) if hasattr(value, "__dataclass_fields__") else value) for key, value in figures.items()}
