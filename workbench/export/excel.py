"""A plan as an Excel workbook and as CSV files, with Danish headers, for the team leader's own overview.

Sheets: ``Møder`` (every meeting), ``Koordinatorer`` (who coordinates which family), ``Arbejdsbyrde``
(per person: caseload points and meeting hours per ISO week, coloured like a heat map), ``For sene``
(late meetings and follow-ups that could not be placed, with the planner's explanation) and ``Om planen``.
CSV files hold the same tables (UTF-8 with BOM and semicolons, so Danish Excel opens them directly).
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from workbench.danish import PLAN_STATUS_DA, monday_of, week_label
from workbench.io.safe_cells import XLSX_OPTIONS, inert
from workbench import catalogue
from workbench.attendance import meeting_place
from workbench.clocks import anchor, team_clock
from workbench.caseload import caseload
from workbench.danish import WEEKDAYS_DA
from workbench.export.calendar_ics import rule_text
from workbench.model import ExternalParticipant, Plan, Register, STATUS_DA
from workbench.scheduling.deadlines import DEADLINE_STATUS_DA, LATE, MET, OVERDUE, PLANNED_ON_TIME

SHEETS = ("Møder", "Koordinatorer", "Arbejdsbyrde", "For sene", "Overskredne frister", "Frister", "Om planen")
CSV_NAMES = {"Møder": "moeder.csv", "Koordinatorer": "koordinatorer.csv", "Arbejdsbyrde": "arbejdsbyrde.csv",
             "For sene": "for_sene.csv", "Overskredne frister": "overskredne_frister.csv", "Frister": "frister.csv",
             "Om planen": "om_planen.csv"}


def _name(register: Register, staff_id: str | None) -> str:
    if not staff_id:
        return ""
    person = register.staff_by_id.get(staff_id)
    return person.name if person else staff_id


def _external(person: ExternalParticipant) -> str:
    """'Hanne Hansen (lærer, Tværby Skole, til møderne)': someone from outside the staff beside the family's team."""
    details = [person.contact_role, person.organisation, "til møderne" if person.invited else ""]
    return f"{person.name} ({', '.join(x for x in details if x)})"


def meetings_table(plan: Plan, register: Register) -> pd.DataFrame:
    rows = []
    assignments = {a.family_id: a for a in plan.assignments}
    for m in sorted(plan.meetings, key=lambda m: (m.day, m.start_minute, m.family_id)):
        rows.append({
            "Møde-id": m.meeting_id, "Familie": m.family_id, "Dato": m.day, "Ugedag": WEEKDAYS_DA[m.day.weekday()],
            "Uge": week_label(m.day), "Start": m.start, "Slut": m.end, "Minutter": m.end_minute - m.start_minute,
            "Mødetype": rule_text(register, m.rule_id), "Hvem": register.appointment_title(m.rule_id)
            + (f" ({m.person_id})" if m.person_id else ""), "Sted": meeting_place(register, m, assignments.get(m.family_id)),
            "Frist": m.deadline, "Dage for sent": m.days_late,
            "Deltagere": "; ".join(_name(register, s) for s in m.attendees), "Deltager-id": ";".join(m.attendees),
            "Status": STATUS_DA.get(m.status, m.status) + (f" {m.held_on:%d.%m.%Y}" if m.held_on else ""),
        })
    columns = ["Møde-id", "Familie", "Dato", "Ugedag", "Uge", "Start", "Slut", "Minutter", "Mødetype", "Hvem", "Sted",
               "Frist", "Dage for sent", "Deltagere", "Deltager-id", "Status"]
    return pd.DataFrame(rows, columns=columns)


def assignments_table(plan: Plan, register: Register) -> pd.DataFrame:
    rows = []
    for a in sorted(plan.assignments, key=lambda a: a.family_id):
        family = register.family_by_id.get(a.family_id)
        team = register.team_by_family.get(a.family_id, ())
        rows.append({
            "Familie": a.family_id, "Distrikt": family.district if family else "",
            "Sagspoint": family.case_points if family else None,
            "Primær koordinator": _name(register, a.primary_coordinator), "Primær id": a.primary_coordinator or "",
            "Sekundær koordinator": _name(register, a.secondary_coordinator),
            "Sekundær id": a.secondary_coordinator or "",
            "Team": "; ".join(f"{_name(register, t.staff_id)} ({catalogue.role_label(t.role)})" for t in team),
            "Med udefra": "; ".join(_external(p) for p in register.externals_by_family.get(a.family_id, ())),
            "Begrundelse": a.reason,
        })
    columns = ["Familie", "Distrikt", "Sagspoint", "Primær koordinator", "Primær id", "Sekundær koordinator",
               "Sekundær id", "Team", "Med udefra", "Begrundelse"]
    return pd.DataFrame(rows, columns=columns)


def weeks_of(plan: Plan) -> list[str]:
    weeks, day = [], plan.start
    while day <= plan.end:
        if week_label(day) not in weeks:
            weeks.append(week_label(day))
        day += timedelta(days=1)
    return weeks


def workload_long(plan: Plan, register: Register) -> pd.DataFrame:
    """One row per person and week with meetings: number of meetings and hours."""
    count: dict[tuple[str, date], int] = defaultdict(int)
    minutes: dict[tuple[str, date], int] = defaultdict(int)
    for m in plan.meetings:
        monday = monday_of(m.day)
        for staff_id in m.attendees:
            count[(staff_id, monday)] += 1
            minutes[(staff_id, monday)] += m.end_minute - m.start_minute
    rows = [{"Medarbejder-id": s, "Navn": _name(register, s), "Uge": week_label(monday), "Møder": n,
             "Timer": round(minutes[(s, monday)] / 60, 2)} for (s, monday), n in sorted(count.items())]
    return pd.DataFrame(rows, columns=["Medarbejder-id", "Navn", "Uge", "Møder", "Timer"])


def workload_table(plan: Plan, register: Register) -> pd.DataFrame:
    """Per person: caseload points used and allowed, meetings and hours in total and per week (wide)."""
    points = caseload(register, plan.assignments)
    long = workload_long(plan, register)
    hours = {(r["Medarbejder-id"], r["Uge"]): r["Timer"] for r in long.to_dict("records")}
    weeks = weeks_of(plan)
    rows = []
    for person in register.staff:
        meetings = [m for m in plan.meetings if person.staff_id in m.attendees]
        row = {
            "Medarbejder-id": person.staff_id, "Navn": person.name, "Rolle": catalogue.role_label(person.role),
            "Sagspoint brugt": round(points.get(person.staff_id, 0.0), 2), "Sagspoint loft": person.max_caseload_points,
            "Møder i alt": len(meetings), "Timer i alt": round(sum(m.end_minute - m.start_minute for m in meetings) / 60, 2),
        }
        row.update({week: hours.get((person.staff_id, week), 0.0) for week in weeks})
        rows.append(row)
    return pd.DataFrame(rows)


def _explanations(plan: Plan) -> tuple[dict[str, str], dict[str, list[str]]]:
    """The planner's Danish explanations, by meeting id and (for missing follow-ups) by family."""
    by_meeting, by_family = {}, defaultdict(list)
    for message in plan.messages:
        found = re.match(r"Møde (\S+) holdes", message)
        if found:
            by_meeting[found.group(1)] = message
        found = re.match(r"Familie (\S+) mangler", message)
        if found:
            by_family[found.group(1)].append(message)
    return by_meeting, by_family


def missing_followups(plan: Plan, register: Register) -> list[tuple[str, date]]:
    """(family, deadline) for follow-ups due inside the plan's period that the plan does not hold: as the plan
    lists them (``summary.json``), or for an older plan folder, the team follow-ups recomputed."""
    if "missing_followups" in plan.summary:
        return [(row["family_id"], date.fromisoformat(row["deadline"])) for row in plan.summary["missing_followups"]]
    by_family = defaultdict(list)
    for m in plan.meetings:
        if not m.person_id:
            by_family[m.family_id].append(m.day)
    missing = []
    for family in register.families:
        found = team_clock(register, family, plan.start, plan.end)
        if found is None:
            continue
        days = sorted(by_family.get(family.family_id, []))
        since = days[-1] if days else anchor(family.last_followup_date, family.case_start_date, plan.start)[0]
        deadline = plan.start + timedelta(days=found[1].deadline((since - plan.start).days))  # a rule may switch
        if deadline <= plan.end:
            missing.append((family.family_id, deadline))
    return missing


def late_table(plan: Plan, register: Register) -> pd.DataFrame:
    by_meeting, by_family = _explanations(plan)
    rows = [{"Familie": m.family_id, "Møde-id": m.meeting_id, "Dato": m.day, "Frist": m.deadline,
             "Dage for sent": m.days_late, "Forklaring": by_meeting.get(m.meeting_id, "")}
            for m in sorted(plan.meetings, key=lambda m: (-m.days_late, m.day)) if m.days_late > 0]
    for family_id, deadline in missing_followups(plan, register):
        rows.append({"Familie": family_id, "Møde-id": "(mangler)", "Dato": None, "Frist": deadline,
                     "Dage for sent": (plan.end - deadline).days + 1,
                     "Forklaring": " ".join(by_family.get(family_id, [])) or
                     "Der er ikke plads til opfølgningen inden planperiodens slutning."})
    return pd.DataFrame(rows, columns=["Familie", "Møde-id", "Dato", "Frist", "Dage for sent", "Forklaring"])


def overdue_table(plan: Plan, register: Register) -> pd.DataFrame:
    """Follow-ups whose deadline had passed without a held meeting on the plan's status date (summary.json)."""
    rows = [{"Familie": r["family_id"], "Hvad": r.get("what", "opfølgningsmødet"), "Møde-id": r["meeting_id"] or "(mangler)",
             "Frist": date.fromisoformat(r["deadline"]), "Dage overskredet": r["days_overdue"],
             "Planlagt til": date.fromisoformat(r["planned_for"]) if r["planned_for"] else None,
             "Deltagere": "; ".join(_name(register, s) for s in r["attendees"])}
            for r in plan.summary.get("overdue", [])]
    return pd.DataFrame(rows, columns=["Familie", "Hvad", "Møde-id", "Frist", "Dage overskredet", "Planlagt til",
                                       "Deltagere"])


def deadlines_table(plan: Plan, register: Register) -> pd.DataFrame:
    """Every deadline of the plan (deadlines.csv), the worst first: overdue, late, planned, met."""
    order = {OVERDUE: 0, LATE: 1, PLANNED_ON_TIME: 2, MET: 3}
    rows = [{"Familie": r["family_id"], "Barn/voksen": r["person_id"],
             "Hvad": register.appointment_title(r["rule_id"]), "Regel": rule_text(register, r["rule_id"]),
             "Krav": r["kind"], "Kilde": r["source"], "Frist": date.fromisoformat(r["due"]),
             "Status": DEADLINE_STATUS_DA.get(r["status"], r["status"]), "Møde-id": r["meeting_id"] or "(mangler)",
             "Dato": date.fromisoformat(r["date"]) if r["date"] else None,
             "Dage for sent": r["days_late"] if r["days_late"] not in ("", None) else None}
            for r in sorted(plan.deadlines, key=lambda r: (order.get(r["status"], 9), r["due"], r["family_id"]))]
    return pd.DataFrame(rows, columns=["Familie", "Barn/voksen", "Hvad", "Regel", "Krav", "Kilde", "Frist", "Status",
                                       "Møde-id", "Dato", "Dage for sent"])


SUMMARY_LABELS = {
    "families": "Familier", "meetings": "Møder", "late_meetings": "For sene eller manglende opfølgninger",
    "max_days_late": "Flest dage for sent", "total_days_late": "Dage for sent i alt",
    "unplaced_followups": "Opfølgninger uden plads", "solver_status": "Vurdering af planen", "as_of": "Status pr.",
    "unassigned_families": "Familier uden koordinator", "moved_meetings": "Flyttede udmeldte møder",
    "solve_seconds": "Sekunder brugt", "independent_check": "Uafhængig kontrol",
}


def _summary_value(key: str, value) -> str:
    """A summary figure as the team leader reads it: no solver words, no Python structures."""
    if key == "solver_status":
        return PLAN_STATUS_DA.get(str(value), str(value))
    if key == "independent_check":
        return "ingen brud" if value == "ok" else "brud: " + ", ".join(f"{k} {n}" for k, n in dict(value).items())
    return str(value).replace(".", ",") if isinstance(value, float) else str(value)


def summary_table(plan: Plan) -> pd.DataFrame:
    rows = [{"Emne": "Periode", "Værdi": f"{plan.start:%d.%m.%Y} – {plan.end:%d.%m.%Y}"}]
    rows += [{"Emne": label, "Værdi": _summary_value(key, plan.summary[key])} for key, label in SUMMARY_LABELS.items()
             if key in plan.summary]
    rows += [{"Emne": "Bemærkning", "Værdi": message} for message in plan.messages]
    return pd.DataFrame(rows, columns=["Emne", "Værdi"])


def plan_tables(plan: Plan, register: Register) -> dict[str, pd.DataFrame]:
    """Every sheet of the workbook, by Danish sheet name."""
    return {
        "Møder": meetings_table(plan, register),
        "Koordinatorer": assignments_table(plan, register),
        "Arbejdsbyrde": workload_table(plan, register),
        "For sene": late_table(plan, register),
        "Overskredne frister": overdue_table(plan, register),
        "Frister": deadlines_table(plan, register),
        "Om planen": summary_table(plan),
    }


def write_workbook(plan: Plan, register: Register, path: str | Path) -> Path:
    """An .xlsx with frozen headers, filters, readable column widths and a heat map of weekly hours."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tables = plan_tables(plan, register)
    with pd.ExcelWriter(path, engine="xlsxwriter", date_format="dd-mm-yyyy", datetime_format="dd-mm-yyyy",
                        engine_kwargs={"options": XLSX_OPTIONS}) as writer:
        book = writer.book
        header = book.add_format({"bold": True, "bg_color": "#e3f2fd", "text_wrap": True, "valign": "top",
                                  "border": 1})
        for name, frame in tables.items():
            frame.to_excel(writer, sheet_name=name, index=False)
            sheet = writer.sheets[name]
            for column, title in enumerate(frame.columns):
                sheet.write(0, column, title, header)
                values = [len(str(v)) for v in frame[title].head(500)] if len(frame) else [0]
                sheet.set_column(column, column, min(60, max(len(str(title)), *values) + 2))
            sheet.freeze_panes(1, 0)
            if len(frame):
                sheet.autofilter(0, 0, len(frame), len(frame.columns) - 1)
        overdue = tables["Overskredne frister"]
        if len(overdue):
            red = book.add_format({"font_color": "#b71c1c", "bold": True})
            writer.sheets["Overskredne frister"].conditional_format(
                1, 0, len(overdue), len(overdue.columns) - 1, {"type": "no_blanks", "format": red})
        load = tables["Arbejdsbyrde"]
        first_week = list(load.columns).index("Timer i alt") + 1
        if len(load) and first_week < len(load.columns):
            sheet = writer.sheets["Arbejdsbyrde"]
            sheet.set_column(first_week, len(load.columns) - 1, 9)
            sheet.freeze_panes(1, 2)
            sheet.conditional_format(1, first_week, len(load), len(load.columns) - 1,
                                     {"type": "3_color_scale", "min_color": "#ffffff", "mid_color": "#ffe082",
                                      "max_color": "#e53935"})
    return path


def write_csvs(plan: Plan, register: Register, folder: str | Path) -> list[Path]:
    """The same tables as CSV (semicolon, UTF-8 with BOM), plus the weekly workload in long form."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    tables = plan_tables(plan, register)
    tables["Arbejdsbyrde pr. uge"] = workload_long(plan, register)
    names = dict(CSV_NAMES, **{"Arbejdsbyrde pr. uge": "arbejdsbyrde_pr_uge.csv"})
    for sheet, frame in tables.items():
        path = folder / names[sheet]
        inert(frame).to_csv(path, sep=";", index=False, encoding="utf-8-sig", date_format="%Y-%m-%d")
        written.append(path)
    return written
