"""The plan folder: a plan written by ``workbench plan`` (assignments.csv, meetings.csv, summary.json, team.csv,
deadlines.csv) and read back. The one place that knows the folder's format."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pandas as pd

from workbench.files import recover_folder, write_folder_atomic
from workbench.model import CANCELLED, PLANNED, STATUSES, Assignment, Meeting, Plan, minute_of


PLAN_FILES = ("assignments.csv", "meetings.csv", "team.csv", "deadlines.csv", "summary.json", "register.json")
"""The files a plan folder is made of; anything else in the folder (exports, notes) is the user's and kept."""


def recover_plan_folder(out: Path) -> None:
    """A plan folder whose write was killed half-way becomes the old or the new plan, complete."""
    recover_folder(Path(out), PLAN_FILES)


MEETING_COLUMNS = ["meeting_id", "family_id", "date", "start", "end", "attendees", "rule_id", "deadline", "days_late",
                   "status", "held_on", "person_id"]


def read_meetings(path: str | Path, include_cancelled: bool = False) -> list[Meeting]:
    """Meetings from a ``meetings.csv`` written by :func:`write_plan` (e.g. an announced plan).

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


def meetings_frame(plan: Plan) -> pd.DataFrame:
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
        for m in sorted(plan.meetings + plan.cancelled, key=lambda m: (m.day, m.start_minute, m.family_id,
                                                                       m.meeting_id))
    ]
    return pd.DataFrame(rows, columns=MEETING_COLUMNS)


def team_frame(plan: Plan) -> pd.DataFrame:
    rows = [{"family_id": family_id, "staff_id": staff_id}
            for family_id in sorted(plan.team) for staff_id in plan.team[family_id]]
    return pd.DataFrame(rows, columns=["family_id", "staff_id"])


def assignments_frame(plan: Plan) -> pd.DataFrame:
    rows = [
        {
            "family_id": a.family_id,
            "primary_coordinator": a.primary_coordinator or "",
            "secondary_coordinator": a.secondary_coordinator or "",
        }
        for a in sorted(plan.assignments, key=lambda a: a.family_id)
    ]
    return pd.DataFrame(rows, columns=["family_id", "primary_coordinator", "secondary_coordinator"])


def plan_files(plan: Plan) -> dict[str, str]:
    """The plan folder's files by name (see :func:`write_plan`)."""
    files = {"assignments.csv": assignments_frame(plan).to_csv(index=False),
             "meetings.csv": meetings_frame(plan).to_csv(index=False)}
    if plan.team:
        files["team.csv"] = team_frame(plan).to_csv(index=False)
    if plan.deadlines:
        files["deadlines.csv"] = pd.DataFrame(plan.deadlines).to_csv(index=False)
    summary = dict(plan.summary, messages=plan.messages,
                   frozen_meetings=sorted(m.meeting_id for m in plan.meetings if m.frozen))
    files["summary.json"] = json.dumps(summary, indent=2, ensure_ascii=False, default=str)
    return files


def write_plan(plan: Plan, out: str | Path, extra: dict[str, str] | None = None) -> Path:
    """Write the plan folder as a whole or not at all (:func:`workbench.files.write_folder_atomic`);
    ``extra`` files (the register snapshot) go in the same step."""
    return write_folder_atomic(Path(out), dict(plan_files(plan), **(extra or {})), own=PLAN_FILES)


class PlanFolderError(ValueError):
    """A plan folder that cannot be read; the message says which file and what to do (Danish)."""


def read_plan(folder: str | Path) -> Plan:
    folder = Path(folder)
    if folder.name:
        recover_plan_folder(folder)  # a write killed half-way: the old or the new plan, complete
    if not folder.is_dir():
        raise PlanFolderError(f"Mappen {folder} findes ikke. Lav en plan først (fx 'make demo') eller vælg en "
                              f"anden mappe.")
    for name in ("meetings.csv", "assignments.csv"):
        if not (folder / name).is_file():
            raise PlanFolderError(f"{folder / name} mangler; mappen ser ikke ud til at indeholde en plan.")
    summary: dict = {}
    if (folder / "summary.json").is_file():
        try:
            summary = json.loads((folder / "summary.json").read_text("utf-8"))
        except ValueError as error:
            raise PlanFolderError(f"{folder / 'summary.json'} kan ikke læses ({error}).") from error
    try:
        every = read_meetings(folder / "meetings.csv", include_cancelled=True)
    except (KeyError, ValueError, AttributeError) as error:
        raise PlanFolderError(f"{folder / 'meetings.csv'} kan ikke læses som en plan ({error}).") from error
    frozen = set(summary.get("frozen_meetings", []))
    meetings = [replace(m, frozen=m.meeting_id in frozen) for m in every if m.status != CANCELLED]
    team: dict[str, tuple[str, ...]] = {}
    if (folder / "team.csv").is_file():
        try:
            frame = pd.read_csv(folder / "team.csv", dtype=str, keep_default_na=False)
            for row in frame.to_dict("records"):
                team[row["family_id"]] = team.get(row["family_id"], ()) + (row["staff_id"],)
        except (KeyError, ValueError) as error:
            raise PlanFolderError(f"{folder / 'team.csv'} kan ikke læses ({error}).") from error
    try:
        frame = pd.read_csv(folder / "assignments.csv", dtype=str, keep_default_na=False)
        assignments = [Assignment(r.family_id, r.primary_coordinator or None, r.secondary_coordinator or None)
                       for r in frame.itertuples(index=False)]
    except (KeyError, ValueError, AttributeError) as error:
        raise PlanFolderError(f"{folder / 'assignments.csv'} kan ikke læses ({error}).") from error
    if "horizon" in summary:
        start, end = (date.fromisoformat(d) for d in summary["horizon"])
    elif meetings:
        start, end = min(m.day for m in meetings), max(m.day for m in meetings)
    else:
        raise PlanFolderError(f"{folder}: planen har ingen møder og ingen periode i summary.json.")
    deadlines: list[dict] = []
    if (folder / "deadlines.csv").is_file():
        try:
            frame = pd.read_csv(folder / "deadlines.csv", dtype=str, keep_default_na=False)
            deadlines = [dict(row, days_late=int(row["days_late"]) if row.get("days_late") else None)
                         for row in frame.to_dict("records")]
        except (KeyError, ValueError) as error:
            raise PlanFolderError(f"{folder / 'deadlines.csv'} kan ikke læses ({error}).") from error
    messages = list(summary.pop("messages", []))
    return Plan(start, end, assignments, meetings, summary, messages,
                cancelled=[m for m in every if m.status == CANCELLED], team=team, deadlines=deadlines)
