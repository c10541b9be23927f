"""Deadlines that have already passed: overdue follow-ups are shown, never silently re-based.

A follow-up whose deadline lies before the status date (``as_of``: the first day of the plan, or today on the
planning page) and that has not been held is *overdue*: it is planned as early as possible, and the team leader
sees it in red with the number of days.
"""

from __future__ import annotations

from datetime import date

from workbench.danish import count
from workbench.model import APPOINTMENTS, FollowupRule, HELD, Meeting

DEADLINE_COLUMNS = ["family_id", "person_id", "rule_id", "kind", "source", "due", "status", "meeting_id", "date",
                    "days_late"]
MET, PLANNED_ON_TIME, LATE, OVERDUE = "met", "planned", "late", "overdue"
DEADLINE_STATUS_DA = {MET: "holdt", PLANNED_ON_TIME: "planlagt", LATE: "for sent", OVERDUE: "overskredet"}


def what_is_due(rule: FollowupRule | None, person_id: str = "") -> str:
    """The follow-up in Danish words: the team's follow-up meeting, or a person's appointment with its paragraph."""
    if not person_id or rule is None:
        return "opfølgningsmødet"
    source = f" ({rule.law} {rule.paragraph.strip()})".replace(" )", ")") if rule.law else ""
    return f"mødet »{APPOINTMENTS.get(rule.appointment, rule.appointment)}« for {person_id}{source}"


def overdue(meetings: list[Meeting], missing: list[dict], rules: dict[str, FollowupRule], as_of: date) -> list[dict]:
    """One row per overdue follow-up: family, child or adult, what is due, deadline, days overdue at ``as_of``,
    and when it is now planned.

    ``missing``: ``summary["missing_followups"]`` (follow-ups the plan could not place at all)."""
    rows = []
    for m in sorted(meetings, key=lambda m: (m.deadline, m.family_id, m.meeting_id)):
        if m.deadline < as_of and m.status != HELD and m.days_late > 0:
            rows.append({"family_id": m.family_id, "person_id": m.person_id, "rule_id": m.rule_id,
                         "what": what_is_due(rules.get(m.rule_id), m.person_id), "meeting_id": m.meeting_id,
                         "deadline": m.deadline.isoformat(), "days_overdue": (as_of - m.deadline).days,
                         "planned_for": m.day.isoformat(), "days_late_when_held": m.days_late, "frozen": m.frozen,
                         "attendees": list(m.attendees)})
    for item in sorted(missing, key=lambda item: (item["deadline"], item["family_id"], item["chain"])):
        deadline = date.fromisoformat(item["deadline"])
        if deadline < as_of:
            rows.append({"family_id": item["family_id"], "person_id": item["person_id"], "rule_id": item["rule_id"],
                         "what": what_is_due(rules.get(item["rule_id"]), item["person_id"]), "meeting_id": "",
                         "deadline": item["deadline"], "days_overdue": (as_of - deadline).days, "planned_for": "",
                         "days_late_when_held": None, "frozen": False, "attendees": []})
    return rows


def overdue_text(row: dict) -> str:
    """One Danish line for an overdue follow-up."""
    deadline = date.fromisoformat(row["deadline"])
    planned = (f"planlagt {date.fromisoformat(row['planned_for']):%d.%m.%Y}" if row["planned_for"]
               else "ikke planlagt i perioden")
    if row.get("frozen"):
        planned += " (udmeldt og fastfrosset)"
    what = row.get("what") or "opfølgningsmødet"
    return (f"Familie {row['family_id']}: {what} skulle have været holdt senest {deadline:%d.%m.%Y} – "
            f"{count(row['days_overdue'], 'dag', 'dage')} overskredet; {planned}.")


def deadline_rows(meetings: list[Meeting], missing: list[dict], rules: dict[str, FollowupRule], as_of: date) -> list[dict]:
    """Every deadline of the plan in one table (``deadlines.csv``): recurring follow-ups and one-off deadlines
    alike, each met, planned, late or overdue.

    ``missing``: ``summary["missing_followups"]`` (follow-ups with no appointment in the horizon)."""
    rows = []
    for m in sorted(meetings, key=lambda m: (m.deadline, m.family_id, m.meeting_id)):
        if m.status == HELD:
            status = MET if m.days_late == 0 else LATE
        elif m.days_late and m.deadline < as_of:
            status = OVERDUE
        else:
            status = LATE if m.days_late else PLANNED_ON_TIME
        rows.append(_row(rules.get(m.rule_id), m.family_id, m.person_id, m.rule_id, m.deadline, status, m.meeting_id,
                         m.day.isoformat(), m.days_late))
    for item in missing:
        due = date.fromisoformat(item["deadline"])
        rows.append(_row(rules.get(item["rule_id"]), item["family_id"], item["person_id"], item["rule_id"], due,
                         OVERDUE if due < as_of else LATE, "", "", None))
    return rows


def _row(rule: FollowupRule | None, family_id: str, person_id: str, rule_id: str, due: date, status: str,
         meeting_id: str, day: str, days_late: int | None) -> dict:
    source = f"{rule.law} {rule.paragraph}".strip() if rule else ""
    return {"family_id": family_id, "person_id": person_id, "rule_id": rule_id, "kind": rule.kind if rule else "",
            "source": source, "due": due.isoformat(), "status": status, "meeting_id": meeting_id, "date": day,
            "days_late": "" if days_late is None else days_late}
