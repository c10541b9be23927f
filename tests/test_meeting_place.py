"""Where a meeting is held: the family's place, else the coordinator's; a person's appointment at the professional's
own place - in the calendars, the Excel overview and the family's årshjul."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

import icalendar

from tests.export_support import dst_plan, dst_register
from workbench.attendance import meeting_place
from workbench.export.aarshjul import family_wheel, printable_html
from workbench.export.calendar_ics import ExportHistory, build_calendars
from workbench.export.excel import meetings_table

NOW = datetime(2027, 1, 10, 12, tzinfo=timezone.utc)


def _with_places(family_place: str = ""):
    register = dst_register()
    staff = tuple(replace(s, meeting_place={"S1": "Familiehuset Nord", "S3": "Jobcentret"}.get(s.staff_id, ""))
                  for s in register.staff)
    families = tuple(replace(f, meeting_place=family_place) if f.family_id == "F0001" else f
                     for f in register.families)
    return register.replace(staff=staff, families=families)


def test_the_family_place_comes_first_then_the_coordinators():
    plan = dst_plan()
    first = next(m for m in plan.meetings if m.family_id == "F0001")
    assignment = {a.family_id: a for a in plan.assignments}["F0001"]
    assert meeting_place(_with_places(), first, assignment) == "Familiehuset Nord"  # the coordinator's
    assert meeting_place(_with_places("Hjemme hos familien"), first, assignment) == "Hjemme hos familien"
    job = replace(first, person_id="F0001-V1", attendees=("S3",))
    assert meeting_place(_with_places("Hjemme hos familien"), job, assignment) == "Jobcentret"  # the professional's
    assert meeting_place(dst_register(), first, assignment) == ""  # nobody said: nothing is made up


def test_calendars_carry_the_place_and_a_new_place_is_an_update():
    plan, register = dst_plan(), _with_places()
    history = ExportHistory("2027")
    calendars = build_calendars(plan, register, history, now=NOW)
    events = [e for e in icalendar.Calendar.from_ical(calendars.files[calendars.family_files["F0001"]]).walk("VEVENT")]
    assert {str(e["LOCATION"]) for e in events} == {"Familiehuset Nord"}
    sequences = {str(e["UID"]): int(e["SEQUENCE"]) for e in events}
    again = build_calendars(plan, _with_places("Hjemme hos familien"), history, now=NOW)
    moved = [e for e in icalendar.Calendar.from_ical(again.files[again.family_files["F0001"]]).walk("VEVENT")]
    assert {str(e["LOCATION"]) for e in moved} == {"Hjemme hos familien"}
    assert all(int(e["SEQUENCE"]) == sequences[str(e["UID"])] + 1 for e in moved)  # Outlook updates the place
    plain = build_calendars(plan, dst_register(), ExportHistory("2027"), now=NOW)
    assert all("LOCATION" not in e for e in icalendar.Calendar.from_ical(plain.files[plain.family_files["F0001"]]).walk("VEVENT"))


def test_the_overview_and_the_familys_page_say_where():
    plan, register = dst_plan(), _with_places("Hjemme hos familien")
    table = meetings_table(plan, register)
    assert set(table.loc[table["Familie"] == "F0001", "Sted"]) == {"Hjemme hos familien"}
    assert set(table.loc[table["Familie"] == "F0002", "Sted"]) == {"Familiehuset Nord"}
    page = printable_html(family_wheel(plan, register, "F0001"))
    assert page.count("Hjemme hos familien") == 1  # said once: every meeting is held there
    assert "· Hjemme hos familien" in page
