"""Read a plan written by ``workbench plan`` (assignments.csv, meetings.csv, summary.json, team.csv, deadlines.csv)
back into a Plan."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pandas as pd

from workbench.scheduling.plan import CANCELLED, Assignment, Plan, read_meetings, recover_plan_folder


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
