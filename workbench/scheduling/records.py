"""What really happened to the announced meetings: held (on its day or another), cancelled, moved by hand.

A held meeting becomes the family's last follow-up, so the chain of deadlines advances from what really
happened; a cancelled one leaves the plan (the next plan lays the follow-up again); a meeting moved by hand
stays where the team leader put it.  Records come from the planning page (a button per meeting) or from a CSV
file ``meeting_id,status,held_on[,start]`` (see :func:`read_status_file`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import pandas as pd

from workbench.danish import DATE_FORMS_DA, parse_day
from workbench.model import ANNOUNCED, CANCELLED, HELD, MOVED_BY_HAND, PLANNED, STATUS_DA, Plan, clock, minute_of

STATUS_WORDS = {
    **{code: code for code in (PLANNED, ANNOUNCED, HELD, CANCELLED, MOVED_BY_HAND)},
    **{label: code for code, label in STATUS_DA.items()},
    "flyttet": MOVED_BY_HAND, "moved": MOVED_BY_HAND, "aflyst": CANCELLED, "afholdt": HELD, "holdt": HELD,
}
"""Words accepted in a status file (Danish or English, any case)."""


class StatusFileError(ValueError):
    """A status file with problems; ``problems`` are Danish lines naming file, row and column."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class StatusRecord:
    meeting_id: str
    status: str
    on: date | None = None
    """Held: the day it was held (default its planned day).  Moved by hand: the new day."""
    start: str = ""
    """Moved by hand: the new start time (HH:MM; default the old one)."""


def apply_records(plan: Plan, records: list[StatusRecord]) -> tuple[Plan, list[str]]:
    """The plan with the records applied, and Danish lines saying what changed.  Unknown ids raise."""
    by_id = {m.meeting_id: m for m in plan.meetings + plan.cancelled}
    unknown = [r.meeting_id for r in records if r.meeting_id not in by_id]
    if unknown:
        raise StatusFileError([f"Mødet {meeting_id} findes ikke i planen." for meeting_id in unknown])
    lines = []
    for record in records:
        old = by_id[record.meeting_id]
        if record.status == HELD:
            new = replace(old, status=HELD, held_on=record.on or old.day)
            lines.append(f"{old.meeting_id} afholdt {new.held_on:%d.%m.%Y}")
        elif record.status == MOVED_BY_HAND:
            day = record.on or old.day
            start = minute_of(record.start) if record.start else old.start_minute
            new = replace(old, status=MOVED_BY_HAND, day=day, start_minute=start,
                          end_minute=start + old.end_minute - old.start_minute, held_on=None)
            lines.append(f"{old.meeting_id} flyttet manuelt til {day:%d.%m.%Y} kl. {clock(start)}")
        else:
            new = replace(old, status=record.status, held_on=None)
            lines.append(f"{old.meeting_id} {STATUS_DA[record.status]}")
        by_id[record.meeting_id] = new
    every = list(by_id.values())
    updated = replace(plan, meetings=[m for m in every if m.status != CANCELLED],
                      cancelled=[m for m in every if m.status == CANCELLED])
    return updated, lines


def announce(plan: Plan) -> Plan:
    """Every planned meeting becomes announced ("Godkend og udsend")."""
    return replace(plan, meetings=[replace(m, status=ANNOUNCED) if m.status == PLANNED else m for m in plan.meetings])


HEADER_DA = {"meeting_id": "Møde-id", "status": "Status", "held_on": "Holdt den", "start": "Kl."}
"""The status file's columns as the team leader writes them (the Excel plan's *Møder* sheet says Møde-id)."""
STATUS_HEADERS = {**{da.lower(): en for en, da in HEADER_DA.items()},
                  "mødeid": "meeting_id", "møde": "meeting_id", "dato": "held_on", "afholdt den": "held_on",
                  "start": "start", "klokkeslæt": "start", "tidspunkt": "start"}
"""Danish headers (any case) to the column names; the English ones are kept as they are."""


def read_status_file(path: str | Path) -> list[StatusRecord]:
    """Records from a CSV (comma or semicolon, UTF-8 or Windows-1252): ``meeting_id,status,held_on[,start]``.

    Every problem is reported at once with file, row (as in Excel) and column."""
    path = Path(path)
    try:
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1252")
        first = text.splitlines()[0] if text.strip() else ""
        from io import StringIO

        frame = pd.read_csv(StringIO(text), dtype=str, keep_default_na=False,
                            sep=";" if first.count(";") > first.count(",") else ",")
    except (OSError, ValueError, pd.errors.ParserError) as error:
        raise StatusFileError([f"{path.name}: filen kan ikke læses ({error})."]) from error
    frame.columns = [STATUS_HEADERS.get(c.strip().lower(), c.strip().lower()) for c in frame.columns]
    missing = [c for c in ("meeting_id", "status") if c not in frame.columns]
    if missing:
        raise StatusFileError([f"{path.name}: kolonnen {HEADER_DA[c]} mangler (forventet: Møde-id, Status og "
                               f"Holdt den)." for c in missing])
    problems, records = [], []
    for index, row in enumerate(frame.to_dict("records")):
        where = f"{path.name}, række {index + 2}"
        status = STATUS_WORDS.get(row["status"].strip().lower())
        if status is None:
            problems.append(f"{where}, kolonne Status: '{row['status']}' er ikke en kendt status "
                            f"(afholdt, aflyst, flyttet, udmeldt).")
            continue
        on = None
        text = (row.get("held_on") or "").strip()
        if text:
            on = parse_day(text)
            if on is None:
                problems.append(f"{where}, kolonne Holdt den: '{text}' er ikke en dato ({DATE_FORMS_DA}).")
                continue
        start = (row.get("start") or "").strip()
        if start:
            try:
                minute_of(start)
            except ValueError:
                problems.append(f"{where}, kolonne Kl.: '{start}' er ikke et klokkeslæt (TT:MM).")
                continue
        if status == MOVED_BY_HAND and on is None:
            problems.append(f"{where}, kolonne Holdt den: et flyttet møde skal have den nye dato.")
            continue
        records.append(StatusRecord(row["meeting_id"].strip(), status, on, start))
    if problems:
        raise StatusFileError(problems)
    return records


