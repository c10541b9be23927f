"""People from outside the staff (a teacher, the family's own doctor, a volunteer): loaded and checked like any
table, in the template, on the family's årshjul, in its calendar entries and the Excel overview - never planned."""

from __future__ import annotations

import io
from datetime import datetime, timezone

import icalendar
import openpyxl
import pandas as pd

from tests.export_support import dst_plan, dst_register
from workbench.attendance import invited_externals
from workbench.export.aarshjul import family_wheel, printable_html
from workbench.export.calendar_ics import ExportHistory, build_calendars
from workbench.export.excel import assignments_table
from workbench.io.register import read_register, write_register
from workbench.io.template import template_bytes
from workbench.model import EXTERNAL_ROLES, ExternalParticipant

NOW = datetime(2027, 1, 10, 12, tzinfo=timezone.utc)
TEACHER = ExternalParticipant("F0001", "Hanne Fiktivsen", "Tværby Skole", "lærer", True, email="hanne@skole.invalid")
DOCTOR = ExternalParticipant("F0001", "Lars Testrup", "Lægehuset Tværby", "egen læge", False)
PSYCHIATRY = ExternalParticipant("F0001", "Ida Demosen", "Psykiatrien Tværby", "regionspsykiatri", True)


def _register(*people: ExternalParticipant):
    return dst_register().replace(external_participants=tuple(people))


def _write(folder, rows: list[dict], name: str = "external_participants.csv"):
    pd.DataFrame(rows).to_csv(folder / name, index=False)


# ----------------------------------------------------------------------------- loading


def test_good_rows_load_with_danish_headers_and_file_name(small_data_dir):
    (small_data_dir / "external_participants.csv").unlink(missing_ok=True)
    family_id = pd.read_csv(small_data_dir / "families.csv", dtype=str)["family_id"][0]
    _write(small_data_dir, [
        {"Familie-id": family_id, "Navn": "Hanne Fiktivsen", "Organisation": "Tværby Skole",
         "Rolle for familien": "lærer", "Med til opfølgningsmøder": "ja", "Telefon": "", "E-mail": "h@skole.invalid"},
        {"Familie-id": family_id, "Navn": "Jens Frivillig", "Organisation": "", "Rolle for familien": "frivillig",
         "Med til opfølgningsmøder": "", "Telefon": "+4512345678", "E-mail": ""},
    ], "eksterne_deltagere.csv")
    register, problems = read_register(small_data_dir)
    assert register is not None, [str(p) for p in problems if p.is_error]
    assert register.externals_by_family[family_id] == (
        ExternalParticipant(family_id, "Hanne Fiktivsen", "Tværby Skole", "lærer", True, "", "h@skole.invalid"),
        ExternalParticipant(family_id, "Jens Frivillig", "", "frivillig", False, "+4512345678", ""))


def test_bad_rows_name_file_row_and_column_in_danish(small_data_dir):
    (small_data_dir / "external_participants.csv").unlink(missing_ok=True)
    family_id = pd.read_csv(small_data_dir / "families.csv", dtype=str)["family_id"][0]
    good = {"family_id": family_id, "name": "Hanne", "organisation": "Skolen", "contact_role": "lærer",
            "invited": "ja", "email": ""}
    _write(small_data_dir, [
        good,
        {**good, "family_id": "F9999", "name": "Ukendt"},
        {**good, "name": "Rolle", "contact_role": "rektor"},
        {**good, "name": "Svar", "invited": "måske"},
        {**good, "name": "Post", "email": "ikke en adresse"},
        {**good},  # the same person twice in one family
    ])
    register, problems = read_register(small_data_dir)
    assert register is None
    found = {(p.file, p.row, p.column): p.message for p in problems if p.is_error}
    assert found[("external_participants.csv", 3, "family_id")] == "ukendt familie 'F9999'"
    assert "skal være en af: lærer, pædagog, egen læge" in found[("external_participants.csv", 4, "contact_role")]
    assert "ja eller nej" in found[("external_participants.csv", 5, "invited")]
    assert "e-mailadresse" in found[("external_participants.csv", 6, "email")]
    assert "findes allerede i række 2" in found[("external_participants.csv", 7, "family_id+name")]
    assert len(found) == 5


def test_the_table_may_be_left_out_and_round_trips(small_register, small_data_dir, tmp_path):
    assert small_register.external_participants  # the generator makes a few
    (small_data_dir / "external_participants.csv").unlink()
    register, problems = read_register(small_data_dir)
    assert register is not None and register.external_participants == ()
    write_register(small_register, tmp_path / "again")
    assert read_register(tmp_path / "again")[0].external_participants == small_register.external_participants


def test_the_template_has_the_sheet_with_a_list_of_roles():
    book = openpyxl.load_workbook(io.BytesIO(template_bytes()))
    sheet = book["Eksterne deltagere"]
    assert [c.value for c in sheet[1]] == ["Familie-id", "Navn", "Organisation", "Rolle for familien",
                                           "Med til opfølgningsmøder", "Telefon", "E-mail"]
    lists = {str(v.sqref).split(":")[0]: v.formula1 for v in sheet.data_validations.dataValidation}
    source = lists["D2"].split("!")[1].replace("$", "")  # the role column's drop-down list
    first, last = source.split(":")
    roles = [c.value for row in book["Lister"][first:last] for c in row]
    assert roles == list(EXTERNAL_ROLES)
    assert lists["E2"].startswith("Lister!")  # ja/nej


# ----------------------------------------------------------------------------- where they are shown


def test_only_invited_people_come_and_only_to_team_follow_ups():
    register, plan = _register(TEACHER, DOCTOR), dst_plan()
    meeting = next(m for m in plan.meetings if m.family_id == "F0001")
    assert invited_externals(register, meeting) == (TEACHER,)
    from dataclasses import replace

    own = replace(meeting, person_id="F0001-V1")
    assert invited_externals(register, own) == ()
    other = next(m for m in plan.meetings if m.family_id == "F0002")
    assert invited_externals(register, other) == ()


def test_the_aarshjul_lists_them_and_the_meetings_they_come_to():
    page = printable_html(family_wheel(dst_plan(), _register(TEACHER, DOCTOR), "F0001"))
    assert "Med i familiens team udefra" in page
    assert "Hanne Fiktivsen" in page and "Tværby Skole" in page and "hanne@skole.invalid" in page
    assert "Lars Testrup" in page and "Egen læge" in page  # the family's own page may say who their doctor is
    assert page.count("Også med: Hanne Fiktivsen (lærer)") == 4  # under each of F0001's four follow-ups
    assert "Også med: Lars" not in page  # not invited
    plain = printable_html(family_wheel(dst_plan(), dst_register(), "F0001"))
    assert "udefra" not in plain and "Også med" not in plain


def _family_events(calendars):
    return list(icalendar.Calendar.from_ical(calendars.files[calendars.family_files["F0001"]]).walk("VEVENT"))


def test_calendar_entries_list_invited_people_without_health_details():
    calendars = build_calendars(dst_plan(), _register(TEACHER, DOCTOR, PSYCHIATRY), ExportHistory("2027"), now=NOW)
    for event in _family_events(calendars):
        text = str(event["DESCRIPTION"])
        assert "Inviteret udefra (deltager, hvis de kan):" in text
        assert "- Hanne Fiktivsen, Tværby Skole (lærer)" in text
        assert "- Ida Demosen (fagperson udefra)" in text
        assert "psykiatri" not in text.lower() and "Lars Testrup" not in text  # no health detail; not invited
        assert "ATTENDEE" not in event  # a published calendar, not a meeting request
    other = icalendar.Calendar.from_ical(calendars.files[calendars.family_files["F0002"]]).walk("VEVENT")
    assert all("udefra" not in str(e["DESCRIPTION"]) for e in other)


def test_a_new_guest_updates_the_calendar_entry_and_nothing_else_does():
    plan, history = dst_plan(), ExportHistory("2027")
    first = build_calendars(plan, dst_register(), history, now=NOW)
    sequences = {str(e["UID"]): int(e["SEQUENCE"]) for e in _family_events(first)}
    again = build_calendars(plan, _register(TEACHER), history, now=NOW)
    assert all(int(e["SEQUENCE"]) == sequences[str(e["UID"])] + 1 for e in _family_events(again))
    same = build_calendars(plan, _register(TEACHER), history, now=NOW)
    assert all(int(e["SEQUENCE"]) == sequences[str(e["UID"])] + 1 for e in _family_events(same))
    # rebuilt from the files alone (no store), an unchanged export keeps its SEQUENCE as well
    rebuilt = ExportHistory.from_ics(same.files.values(), "2027")
    files = build_calendars(plan, _register(TEACHER), rebuilt, now=NOW)
    assert all(int(e["SEQUENCE"]) == sequences[str(e["UID"])] + 1 for e in _family_events(files))
    assert all(not any(ch.isdigit() for ch in str(e["X-TVAERS-GUESTS"])) for e in _family_events(files))


def test_the_excel_overview_names_them_beside_the_team():
    table = assignments_table(dst_plan(), _register(TEACHER, DOCTOR)).set_index("Familie")
    assert table.loc["F0001", "Med udefra"] == ("Hanne Fiktivsen (lærer, Tværby Skole, til møderne); "
                                                "Lars Testrup (egen læge, Lægehuset Tværby)")
    assert table.loc["F0002", "Med udefra"] == ""
    assert list(table.columns).index("Med udefra") == list(table.columns).index("Team") + 1


def test_with_many_meetings_the_guests_are_said_once_above_the_dates():
    from dataclasses import replace
    from datetime import timedelta

    plan = dst_plan()
    own = [m for m in plan.meetings if m.family_id == "F0001"]
    more = [replace(m, meeting_id=f"{m.meeting_id}x{i}", day=m.day + timedelta(days=2 * (i + 1)))
            for i, m in enumerate(own * 3)]
    wheel = family_wheel(replace(plan, meetings=plan.meetings + more), _register(TEACHER), "F0001")
    assert len(wheel.meetings) == 16  # the dates go under the wheel in columns
    page = printable_html(wheel)
    assert "Også med" not in page
    assert page.count("Til opfølgningsmøderne kommer også: Hanne Fiktivsen (lærer)") == 1
