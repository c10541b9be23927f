"""Deadlines that have already passed: overdue follow-ups are shown, never silently re-based.

A follow-up whose deadline lies before the status date (``as_of``: the first day of the plan, or today on the
planning page) and that has not been held is *overdue*: it is planned as early as possible, and the team leader
sees it in red with the number of days.
"""

from __future__ import annotations

from datetime import date

from workbench.scheduling.plan import HELD, Meeting


def overdue(meetings: list[Meeting], missing: list[tuple[str, date]], as_of: date) -> list[dict]:
    """One row per overdue follow-up: family, deadline, days overdue at ``as_of``, and when it is now planned.

    ``missing``: (family_id, deadline) of follow-ups the plan could not place at all."""
    rows = []
    for m in sorted(meetings, key=lambda m: (m.deadline, m.family_id)):
        if m.deadline < as_of and m.status != HELD and m.days_late > 0:
            rows.append({"family_id": m.family_id, "meeting_id": m.meeting_id, "deadline": m.deadline.isoformat(),
                         "days_overdue": (as_of - m.deadline).days, "planned_for": m.day.isoformat(),
                         "days_late_when_held": m.days_late, "frozen": m.frozen, "attendees": list(m.attendees)})
    for family_id, deadline in sorted(missing, key=lambda item: (item[1], item[0])):
        if deadline < as_of:
            rows.append({"family_id": family_id, "meeting_id": "", "deadline": deadline.isoformat(),
                         "days_overdue": (as_of - deadline).days, "planned_for": "", "days_late_when_held": None,
                         "frozen": False, "attendees": []})
    return rows


def overdue_text(row: dict) -> str:
    """One Danish line for an overdue follow-up."""
    deadline = date.fromisoformat(row["deadline"])
    planned = (f"planlagt {date.fromisoformat(row['planned_for']):%d.%m.%Y}" if row["planned_for"]
               else "ikke planlagt i perioden")
    if row.get("frozen"):
        planned += " (udmeldt og fastfrosset)"
    return (f"Familie {row['family_id']}: opfølgningen skulle have været holdt senest {deadline:%d.%m.%Y} – "
            f"{row['days_overdue']} dage overskredet; {planned}.")
