"""Excel workbook and CSV: Danish sheets and headers, figures that add up, the late list explained."""

from __future__ import annotations

from datetime import date

import openpyxl
import pandas as pd
import pytest

from tests.export_support import dst_plan, dst_register, small_year
from workbench.export.excel import SHEETS, late_table, missing_followups, write_csvs, write_workbook
from workbench.io.plan_folder import write_plan


@pytest.mark.slow
def test_workbook_has_the_danish_sheets_and_every_meeting(tmp_path):
    register, plan = small_year()
    path = write_workbook(plan, register, tmp_path / "plan.xlsx")
    book = openpyxl.load_workbook(path)
    assert tuple(book.sheetnames) == SHEETS
    meetings = pd.read_excel(path, sheet_name="Møder")
    assert list(meetings.columns[:5]) == ["Møde-id", "Familie", "Dato", "Ugedag", "Uge"]
    assert len(meetings) == len(plan.meetings)
    assert set(meetings["Møde-id"]) == {m.meeting_id for m in plan.meetings}
    first = min(plan.meetings, key=lambda m: (m.day, m.start_minute, m.family_id))
    row = meetings.iloc[0]
    assert row["Møde-id"] == first.meeting_id and row["Start"] == first.start
    assert pd.Timestamp(row["Dato"]).date() == first.day  # a real date cell, not text
    names = [register.staff_by_id[s].name for s in first.attendees]
    assert row["Deltagere"] == "; ".join(names)
    person = next(m for m in plan.meetings if m.person_id)  # a parent's or a child's own appointment says whose
    assert meetings.set_index("Møde-id").loc[person.meeting_id, "Hvem"] == \
        f"{register.appointment_title(person.rule_id)} ({person.person_id})"
    assert set(meetings[meetings["Møde-id"].isin([m.meeting_id for m in plan.meetings if not m.person_id])]["Hvem"]) \
        == {"Opfølgningsmøde"}
    assignments = pd.read_excel(path, sheet_name="Koordinatorer")
    assert len(assignments) == len(plan.assignments)
    assert assignments["Primær koordinator"].notna().all()


@pytest.mark.slow
def test_workload_sheet_adds_up_to_the_meetings(tmp_path):
    register, plan = small_year()
    path = write_workbook(plan, register, tmp_path / "plan.xlsx")
    load = pd.read_excel(path, sheet_name="Arbejdsbyrde")
    expected_hours = sum((m.end_minute - m.start_minute) * len(m.attendees) for m in plan.meetings) / 60
    assert abs(load["Timer i alt"].sum() - expected_hours) < 0.05
    week_columns = [c for c in load.columns if str(c).startswith("uge ")]
    assert len(week_columns) >= 52
    assert abs(load[week_columns].to_numpy().sum() - expected_hours) < 0.05
    assert (load["Møder i alt"].sum() == sum(len(m.attendees) for m in plan.meetings))
    assert (load["Sagspoint brugt"] <= load["Sagspoint loft"] + 1e-6).all()
    sheet = openpyxl.load_workbook(path)["Arbejdsbyrde"]
    assert len(sheet.conditional_formatting) == 1  # the weekly hours are coloured as a heat map


def test_late_list_has_late_meetings_and_missing_followups_with_explanations():
    register, plan = dst_register(), dst_plan()
    late = late_table(plan, register)
    row = late[late["Møde-id"] == "F0002-01"].iloc[0]
    assert row["Dage for sent"] == 3 and "S3 var på ferie" in row["Forklaring"]
    # F0002 had its last meeting 4 May with a 60-day rule, so a follow-up is due inside 2027 and missing
    assert ("F0002", date(2027, 7, 3)) in missing_followups(plan, register)
    missing = late[(late["Familie"] == "F0002") & (late["Møde-id"] == "(mangler)")].iloc[0]
    assert missing["Dage for sent"] == (date(2027, 12, 31) - date(2027, 7, 3)).days + 1
    assert missing["Forklaring"]


@pytest.mark.slow
def test_late_sheet_matches_the_plan_summary(tmp_path):
    register, plan = small_year()
    late = pd.read_excel(write_workbook(plan, register, tmp_path / "p.xlsx"), sheet_name="For sene")
    assert len(late) == plan.summary["late_meetings"]


@pytest.mark.slow
def test_csv_files_open_in_danish_excel_and_hold_the_same_rows(tmp_path):
    register, plan = small_year()
    paths = write_csvs(plan, register, tmp_path)
    assert {p.name for p in paths} >= {"moeder.csv", "koordinatorer.csv", "arbejdsbyrde.csv", "for_sene.csv",
                                       "arbejdsbyrde_pr_uge.csv"}
    raw = (tmp_path / "moeder.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8 (æ, ø, å) correctly
    meetings = pd.read_csv(tmp_path / "moeder.csv", sep=";", encoding="utf-8-sig")
    assert len(meetings) == len(plan.meetings) and "Møde-id" in meetings.columns
    assert meetings["Dato"].str.match(r"^\d{4}-\d{2}-\d{2}$").all()
    weekly = pd.read_csv(tmp_path / "arbejdsbyrde_pr_uge.csv", sep=";", encoding="utf-8-sig")
    assert weekly["Møder"].sum() == sum(len(m.attendees) for m in plan.meetings)


def test_overdue_follow_ups_have_their_own_red_sheet(tmp_path):
    from workbench.scheduling.planner import PlanOptions, make_plan
    from tests.helpers import family, rule, staff, tiny_register

    register = tiny_register([staff("C1")], [family("F1", primary="C1", last=date(2027, 1, 4)),
                                             family("F2", primary="C1", last=date(2027, 2, 26))],
                             rules=[rule(max_days=14, min_days=7)])
    plan = make_plan(register, date(2027, 3, 1), date(2027, 3, 31), PlanOptions(time_limit=3)).plan
    path = write_workbook(plan, register, tmp_path / "plan.xlsx")
    overdue = pd.read_excel(path, sheet_name="Overskredne frister")
    assert list(overdue["Familie"]) == ["F1"] and list(overdue["Dage overskredet"]) == [42]
    assert list(overdue["Hvad"]) == ["opfølgningsmødet"]
    sheet = openpyxl.load_workbook(path)["Overskredne frister"]
    assert sheet.conditional_formatting  # shown in red
    meetings = pd.read_excel(path, sheet_name="Møder")
    assert set(meetings["Status"]) == {"planlagt"}


def test_the_deadlines_sheet_reads_deadlines_csv_of_the_plan_folder_worst_first(tmp_path):
    from workbench.io.plan_folder import read_plan
    from workbench.scheduling.planner import PlanOptions, make_plan
    from tests.helpers import family, rule, staff, tiny_register

    register = tiny_register([staff("C1")], [family("F1", primary="C1", last=date(2027, 1, 4)),
                                             family("F2", primary="C1", last=date(2027, 2, 26))],
                             rules=[rule(max_days=14, min_days=7)])
    write_plan(make_plan(register, date(2027, 3, 1), date(2027, 3, 31), PlanOptions(time_limit=3)).plan, tmp_path / "plan")
    plan = read_plan(tmp_path / "plan")  # as the export page and `workbench export` read it
    assert len(plan.deadlines) == len(plan.meetings) > 2
    table = pd.read_excel(write_workbook(plan, register, tmp_path / "plan.xlsx"), sheet_name="Frister")
    assert list(table["Status"])[0] == "overskredet" and table["Familie"].iloc[0] == "F1"
    assert set(table["Status"][1:]) == {"planlagt"} and set(table["Hvad"]) == {"Opfølgningsmøde"}
    first = next(m for m in plan.meetings if m.family_id == "F1" and m.days_late)
    assert (table["Møde-id"].iloc[0], table["Dage for sent"].iloc[0]) == (first.meeting_id, first.days_late)


@pytest.mark.slow
def test_no_absence_reason_reaches_any_shared_file(tmp_path):
    """Sick leave is health information: shared files, the plan's explanations and summary say "fravær" only."""
    from workbench.export.bundle import export_all
    from workbench.scheduling.planner import PlanOptions, make_plan
    from workbench.synth.municipality import MunicipalitySpec, generate_municipality

    register = generate_municipality(MunicipalitySpec(n_staff=20, n_families=40, seed=3, start=date(2027, 1, 1)))
    reasons = {a.reason for a in register.absences if a.reason}
    assert {"Sygdom", "Langtidssygemelding"} & reasons
    run = make_plan(register, date(2027, 1, 1), date(2027, 12, 31), PlanOptions(time_limit=10))
    assert any("fravær" in m for m in run.plan.messages)  # absences do explain late meetings ...
    write_plan(run.plan, tmp_path / "plan")
    export_all(run.plan, register, tmp_path / "ud")
    book = openpyxl.load_workbook(tmp_path / "ud" / "tvaers_plan.xlsx")
    texts = [str(c.value) for s in book.worksheets for row in s.iter_rows() for c in row if c.value is not None]
    texts += [p.read_text("utf-8") for p in tmp_path.rglob("*") if p.suffix in {".csv", ".json", ".ics", ".html"}]
    for reason in reasons - {"fravær"}:
        assert not any(reason in text for text in texts), reason  # ... but never say why


def test_the_export_summary_says_why_a_family_has_an_aarshjul_but_no_calendar(tmp_path):
    from workbench.export.bundle import ExportReport
    from workbench.export.calendar_ics import CalendarSet

    calendars = CalendarSet({}, {"S1": "s1.ics"}, {"F1": "f1.ics", "F2": "f2.ics"}, 0, 0, "x")
    wheels = [tmp_path / f"aarshjul_F{k}.html" for k in (1, 2, 3)]
    text = ExportReport(tmp_path, calendars, tmp_path / "p.xlsx", [], wheels).text()
    assert "2 familiekalendere" in text and "3 årshjul" in text
    assert "1 familie har ingen møder i perioden og får kun et årshjul." in text
    assert "ingen møder" not in ExportReport(tmp_path, calendars, tmp_path / "p.xlsx", [], wheels[:2]).text()
