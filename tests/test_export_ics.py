"""Outlook calendars: correct times across summer time (read by independent parsers), stable UIDs, SEQUENCE,
cancellations, and titles without family members' names."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events
import vobject

from tests.export_support import DST_MEETINGS, dst_plan, dst_register, moved, small_year, without
from workbench.export.calendar_ics import (
    ExportHistory,
    build_calendars,
    export_calendars,
    meeting_uid,
)

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)
UTC = timezone.utc


def _events(content: bytes) -> dict[str, icalendar.Event]:
    return {str(e["UID"]): e for e in icalendar.Calendar.from_ical(content).walk("VEVENT")}


def _family_file(calendars, family_id="F0001") -> bytes:
    return calendars.files[calendars.family_files[family_id]]


def _staff_file(calendars, staff_id) -> bytes:
    return calendars.files[calendars.staff_files[staff_id]]


# ----------------------------------------------------------------------------- times


def test_times_across_both_summer_time_changes_in_an_independent_parser():
    """vobject builds its time zone from our VTIMEZONE (dateutil), not from the tz database."""
    calendars = build_calendars(dst_plan(), dst_register(), now=NOW)
    parsed = vobject.readOne(_family_file(calendars).decode("utf-8"))
    seen = {}
    for event in parsed.vevent_list:
        start, end = event.dtstart.value, event.dtend.value
        assert type(start.tzinfo).__module__.startswith("dateutil")  # the zone was built from the file itself
        seen[event.uid.value] = (start.astimezone(UTC), end.astimezone(UTC))
    for meeting_id, (day, _, utc_hour) in DST_MEETINGS.items():
        start, end = seen[meeting_uid(meeting_id, "2027")]
        assert start == datetime(day.year, day.month, day.day, utc_hour, 0, tzinfo=UTC), meeting_id
        assert end - start == timedelta(minutes=90)


def test_second_parser_expands_the_same_utc_times():
    calendars = build_calendars(dst_plan(), dst_register(), now=NOW)
    calendar = icalendar.Calendar.from_ical(_family_file(calendars))
    found = {str(e["UID"]): e["DTSTART"].dt.astimezone(UTC)
             for e in recurring_ical_events.of(calendar).between(date(2027, 1, 1), date(2028, 1, 1))}
    expected = {meeting_uid(mid, "2027"): datetime(d.year, d.month, d.day, hour, tzinfo=UTC)
                for mid, (d, _, hour) in DST_MEETINGS.items()}
    assert found == expected


def test_vtimezone_rule_agrees_with_the_tz_database_for_years_ahead():
    """Our RRULE-based VTIMEZONE gives the same UTC offset as Europe/Copenhagen every hour near each change."""
    calendars = build_calendars(dst_plan(), dst_register(), now=NOW)
    zone = vobject.readOne(_family_file(calendars).decode("utf-8")).vtimezone.gettzinfo()
    copenhagen = ZoneInfo("Europe/Copenhagen")
    checked = 0
    for year in range(2026, 2036):
        for month in (3, 10):
            last_sunday = max(date(year, month, d) for d in range(25, 32) if date(year, month, d).weekday() == 6)
            for hour in range(-30, 30):
                moment = datetime(last_sunday.year, last_sunday.month, last_sunday.day, tzinfo=UTC) + timedelta(hours=hour)
                assert moment.astimezone(zone).utcoffset() == moment.astimezone(copenhagen).utcoffset(), moment
                checked += 1
    assert checked == 10 * 2 * 60


def test_what_outlook_needs_is_there():
    content = _staff_file(build_calendars(dst_plan(), dst_register(), now=NOW), "S1")
    text = content.decode("utf-8")
    assert "\r\n" in text and all(len(line.encode("utf-8")) <= 75 for line in text.split("\r\n"))
    calendar = icalendar.Calendar.from_ical(content)
    assert str(calendar["METHOD"]) == "PUBLISH" and str(calendar["VERSION"]) == "2.0" and calendar.get("PRODID")
    (tz,) = calendar.walk("VTIMEZONE")
    assert str(tz["TZID"]) == "Europe/Copenhagen"
    parts = {c.name: c for c in tz.subcomponents}
    assert set(parts) == {"STANDARD", "DAYLIGHT"}
    assert parts["DAYLIGHT"]["RRULE"]["BYMONTH"] == [3] and parts["STANDARD"]["RRULE"]["BYMONTH"] == [10]
    assert parts["DAYLIGHT"]["RRULE"]["BYDAY"] == ["-1SU"] == parts["STANDARD"]["RRULE"]["BYDAY"]
    events = calendar.walk("VEVENT")
    assert len(events) == 5
    for event in events:
        assert event["DTSTAMP"].dt == NOW
        assert event["DTSTART"].params["TZID"] == "Europe/Copenhagen"
        assert event["SEQUENCE"] == 0 and str(event["STATUS"]) == "CONFIRMED"
        assert str(event["CLASS"]) == "PRIVATE"
    assert re.search(r"^DTSTAMP:20261201T120000Z\r?$", text, re.M)


# ----------------------------------------------------------------------------- what events say


def test_titles_name_only_pseudonym_and_meeting_type_never_family_members():
    register = dst_register()
    calendars = build_calendars(dst_plan(), register, now=NOW)
    for name, content in calendars.files.items():
        text = content.decode("utf-8")
        for person in register.persons:
            assert person.label not in text and person.person_id not in text, name
        for event in icalendar.Calendar.from_ical(content).walk("VEVENT"):
            assert re.fullmatch(r"Opfølgningsmøde F\d{4} \(SOF-32\)", str(event["SUMMARY"])), event["SUMMARY"]


def test_description_says_who_comes_and_in_which_role():
    calendars = build_calendars(dst_plan(), dst_register(), now=NOW)
    event = _events(_family_file(calendars))[meeting_uid("F0001-01", "2027")]
    description = str(event["DESCRIPTION"])
    assert "Test S1, Familiekoordinator (primær koordinator)" in description
    assert "Test S2, PPR-psykolog (i teamet)" in description
    assert "Mødetype: SOF-32: testregel" in description


@pytest.mark.slow
def test_each_person_and_family_gets_exactly_their_meetings():
    register, plan = small_year()
    calendars = build_calendars(plan, register, now=NOW)
    for staff_id, name in calendars.staff_files.items():
        uids = set(_events(calendars.files[name]))
        assert uids == {meeting_uid(m.meeting_id, "2027", m.person_id) for m in plan.meetings if staff_id in m.attendees}
    for family_id, name in calendars.family_files.items():
        assert len(_events(calendars.files[name])) == sum(m.family_id == family_id for m in plan.meetings)
    assert set(calendars.family_files) == {m.family_id for m in plan.meetings}
    assert calendars.staff_files["S001"].startswith("medarbejder_S001_") and calendars.family_files["F0001"] == \
        "familie_F0001.ics"


# ----------------------------------------------------------------------------- updates instead of duplicates


def test_unchanged_re_export_keeps_uid_and_sequence(store):
    plan, register = dst_plan(), dst_register()
    history = ExportHistory.from_store(store, "2027")
    first = _events(_family_file(build_calendars(plan, register, history, now=NOW)))
    history.save(store)
    again = _events(_family_file(build_calendars(plan, register, ExportHistory.from_store(store, "2027"),
                                                 now=NOW + timedelta(days=3))))
    assert set(first) == set(again)
    assert all(again[uid]["SEQUENCE"] == 0 for uid in again)
    assert all(again[uid]["DTSTAMP"].dt == NOW + timedelta(days=3) for uid in again)


def test_moving_a_meeting_raises_its_sequence_only(store, tmp_path):
    register, plan = dst_register(), dst_plan()
    export_calendars(plan, register, tmp_path / "k", store=store, now=NOW)
    later = moved(plan, "F0001-02", day=date(2027, 3, 31), start_minute=660, end_minute=750)
    result = export_calendars(later, register, tmp_path / "k", store=store, now=NOW + timedelta(days=1))
    events = _events((tmp_path / "k" / "familie_F0001.ics").read_bytes())
    uid = meeting_uid("F0001-02", "2027")
    assert events[uid]["SEQUENCE"] == 1 and result.changed == 1
    assert events[uid]["DTSTART"].dt.astimezone(UTC) == datetime(2027, 3, 31, 9, 0, tzinfo=UTC)
    assert all(e["SEQUENCE"] == 0 for u, e in events.items() if u != uid)
    # moved back: the sequence keeps rising, never repeats
    export_calendars(plan, register, tmp_path / "k", store=store, now=NOW + timedelta(days=2))
    assert _events((tmp_path / "k" / "familie_F0001.ics").read_bytes())[uid]["SEQUENCE"] == 2


def test_sequence_can_be_derived_from_the_previous_files_without_a_store(tmp_path):
    register, plan = dst_register(), dst_plan()
    export_calendars(plan, register, tmp_path, store=None, now=NOW)
    export_calendars(moved(plan, "F0001-03", start_minute=720, end_minute=810), register, tmp_path, store=None,
                     now=NOW + timedelta(days=1))
    events = _events((tmp_path / "medarbejder_S2_Test_S2.ics").read_bytes())
    assert events[meeting_uid("F0001-03", "2027")]["SEQUENCE"] == 1
    assert events[meeting_uid("F0001-01", "2027")]["SEQUENCE"] == 0


def test_meeting_gone_from_the_plan_is_cancelled_for_everyone(store, tmp_path):
    register, plan = dst_register(), dst_plan()
    export_calendars(plan, register, tmp_path, store=store, now=NOW)
    result = export_calendars(without(plan, "F0001-04"), register, tmp_path, store=store, now=NOW)
    uid = meeting_uid("F0001-04", "2027")
    assert result.cancelled == 1
    for name in ("familie_F0001.ics", "medarbejder_S1_Test_S1.ics", "medarbejder_S2_Test_S2.ics"):
        event = _events((tmp_path / name).read_bytes())[uid]
        assert str(event["STATUS"]) == "CANCELLED" and event["SEQUENCE"] == 1, name
        assert str(event["SUMMARY"]).startswith("Aflyst: ")


def test_meetings_outside_a_new_plans_period_are_left_alone(store, tmp_path):
    register, plan = dst_register(), dst_plan()
    export_calendars(plan, register, tmp_path, store=store, now=NOW)
    spring = [m for m in plan.meetings if m.day < date(2027, 7, 1)]
    second_half = type(plan)(date(2027, 7, 1), date(2027, 12, 31), plan.assignments,
                             [m for m in plan.meetings if m not in spring])
    result = export_calendars(second_half, register, tmp_path, store=store, now=NOW)
    assert result.cancelled == 0
    assert all(str(e["STATUS"]) == "CONFIRMED" for e in _events((tmp_path / "familie_F0001.ics").read_bytes()).values())


def test_person_taken_off_a_meeting_gets_a_cancellation_others_an_update(store, tmp_path):
    register, plan = dst_register(), dst_plan()
    export_calendars(plan, register, tmp_path, store=store, now=NOW)
    export_calendars(moved(plan, "F0001-01", attendees=("S1",)), register, tmp_path, store=store, now=NOW)
    uid = meeting_uid("F0001-01", "2027")
    removed = _events((tmp_path / "medarbejder_S2_Test_S2.ics").read_bytes())[uid]
    kept = _events((tmp_path / "medarbejder_S1_Test_S1.ics").read_bytes())[uid]
    assert str(removed["STATUS"]) == "CANCELLED" and removed["SEQUENCE"] == 1
    assert str(kept["STATUS"]) == "CONFIRMED" and kept["SEQUENCE"] == 1


def test_history_is_kept_in_the_store_per_series(store):
    register, plan = dst_register(), dst_plan()
    history = ExportHistory.from_store(store, "2027")
    build_calendars(plan, register, history, now=NOW)
    history.save(store)
    assert "2027" in store.keys("ics_export")
    assert len(ExportHistory.from_store(store, "2027").events) == 5
    assert ExportHistory.from_store(store, "2028").events == {}


@pytest.mark.parametrize("series", ["2027", "2028"])
def test_uid_carries_the_series_so_next_years_meeting_01_is_a_new_event(series):
    assert meeting_uid("F0001-01", series) == f"tvaers-{series}-F0001-01@tvaers.invalid"


def test_a_persons_own_appointment_is_titled_by_its_kind_without_naming_the_person():
    from datetime import date

    from tests.test_law_clocks import RULES
    from workbench.model import Case, Person
    from workbench.scheduling.planner import PlanOptions, make_plan
    from tests.helpers import family, staff, tiny_register

    register = tiny_register([staff("C1", role="familieraadgiver"), staff("J1", role="jobkonsulent", can_coordinate=False)],
                             [family("F0001", basis=("BL32",), primary="C1", last=date(2026, 12, 15))], rules=RULES,
                             team=[("F0001", "J1", "jobkonsulent")],
                             cases=(Case("c0", "F0001", "F0001-B1", "BL32", date(2025, 1, 1), 91),
                                    Case("l1", "F0001", "F0001-V1", "LAB_KH", date(2027, 1, 11))),
                             persons=(Person("F0001-B1", "F0001", "barn", 2015, "Barn 1"),
                                      Person("F0001-V1", "F0001", "voksen", 1990, "Voksen 1")))
    plan = make_plan(register, date(2027, 1, 4), date(2027, 3, 31), PlanOptions(time_limit=5)).plan
    calendars = build_calendars(plan, register, now=NOW)
    titles = {str(e["SUMMARY"]) for c in calendars.files.values() for e in icalendar.Calendar.from_ical(c).walk("VEVENT")}
    assert "Samtale på jobcentret F0001 (LAB-2027)" in titles and "Opfølgningsmøde F0001 (BL95)" in titles
    for content in calendars.files.values():
        assert b"F0001-V1" not in content and b"Voksen 1" not in content


def test_a_person_appointments_uid_never_looks_like_a_cpr_number(store):
    """A hex digest has ten digits in a row now and then; the store then refused the calendar history
    and the export page said 'Noget gik galt' after every plan of the sample data."""
    from workbench.export.calendar_ics import ExportHistory
    from workbench.cpr import looks_like_cpr
    from workbench.model import Meeting

    uids = [meeting_uid(f"F{n:04d}-B1-SDP8-{k:02d}", "2027", f"F{n:04d}-B1") for n in range(2000) for k in range(3)]
    assert len(set(uids)) == len(uids)
    assert not any(looks_like_cpr(uid) for uid in uids)
    assert uids[0] == meeting_uid("F0000-B1-SDP8-00", "2027", "F0000-B1")  # stable from run to run
    assert "F0000-B1" not in uids[0]
    history = ExportHistory("2027")
    for n in range(300):
        history.record(Meeting(f"F{n:04d}-B1-SDP8-01", f"F{n:04d}", date(2027, 3, 1), 540, 600, ("S001",), "SDP8",
                               date(2027, 3, 1), 0, person_id=f"F{n:04d}-B1"), "Samtale F0001 (SDP8)")
    history.save(store)  # refused before: some digests had ten digits in a row
    assert len(ExportHistory.from_store(store, "2027").events) == 300
