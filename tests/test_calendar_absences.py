"""Absences read from the staff's own Outlook calendars (.ics): only the days away are kept, never a title."""

from __future__ import annotations

from datetime import date

import pytest

from workbench.io.calendar_absences import CALENDAR_FOLDER, days_only_calendar, periods, read_calendar
from workbench.io.register import read_register, write_register
from workbench.ui.upload import accept_upload, uploaded_folder

SECRET = "Lægebesøg - kemo"
"""A title that must never reach the workbench's files or messages."""


def _calendar(*events: str) -> bytes:
    body = "".join(f"BEGIN:VEVENT\r\nUID:{n}@outlook\r\nDTSTAMP:20270101T000000Z\r\nSUMMARY:{SECRET}\r\n{e}"
                   f"END:VEVENT\r\n" for n, e in enumerate(events))
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Microsoft Corporation//Outlook 16.0//EN\r\n" + body
            + "END:VCALENDAR\r\n").encode("utf-8")


OUT_OF_OFFICE = "DTSTART:20270301T080000\r\nDTEND:20270303T160000\r\nX-MICROSOFT-CDO-BUSYSTATUS:OOF\r\n"
ALL_DAY_BUSY = "DTSTART;VALUE=DATE:20270310\r\nDTEND;VALUE=DATE:20270312\r\n"
WHOLE_DAY_MEETING = "DTSTART:20270315T073000\r\nDTEND:20270315T163000\r\nX-MICROSOFT-CDO-BUSYSTATUS:BUSY\r\n"
ONE_HOUR = "DTSTART:20270316T100000\r\nDTEND:20270316T110000\r\nX-MICROSOFT-CDO-BUSYSTATUS:BUSY\r\n"
FREE = "DTSTART;VALUE=DATE:20270317\r\nDTEND;VALUE=DATE:20270318\r\nTRANSP:TRANSPARENT\r\n"
TENTATIVE = "DTSTART;VALUE=DATE:20270318\r\nDTEND;VALUE=DATE:20270319\r\nX-MICROSOFT-CDO-BUSYSTATUS:TENTATIVE\r\n"
CANCELLED = "DTSTART;VALUE=DATE:20270319\r\nDTEND;VALUE=DATE:20270320\r\nSTATUS:CANCELLED\r\n"
EVERY_FRIDAY_IN_APRIL = ("DTSTART;VALUE=DATE:20270402\r\nDTEND;VALUE=DATE:20270403\r\n"
                         "RRULE:FREQ=WEEKLY;COUNT=4\r\nX-MICROSOFT-CDO-BUSYSTATUS:OOF\r\n")


def test_only_whole_days_away_count():
    reading = read_calendar(_calendar(OUT_OF_OFFICE, ALL_DAY_BUSY, WHOLE_DAY_MEETING, ONE_HOUR, FREE, TENTATIVE,
                                      CANCELLED, EVERY_FRIDAY_IN_APRIL), "S001", today=date(2027, 1, 1))
    assert periods(reading.days) == [
        (date(2027, 3, 1), date(2027, 3, 3)),    # out of office, Monday to Wednesday
        (date(2027, 3, 10), date(2027, 3, 11)),  # an all-day busy event (DTEND is the day after)
        (date(2027, 3, 15), date(2027, 3, 15)),  # a meeting that fills the meeting day
        (date(2027, 4, 2), date(2027, 4, 2)), (date(2027, 4, 9), date(2027, 4, 9)),
        (date(2027, 4, 16), date(2027, 4, 16)), (date(2027, 4, 23), date(2027, 4, 23)),  # a repeating event
    ]
    assert reading.short_busy == 1  # the hour's meeting: counted, not used


def _data_with_calendars(tmp_path, small_register, calendars: dict[str, bytes]):
    folder = write_register(small_register, tmp_path / "data")
    (folder / CALENDAR_FOLDER).mkdir()
    for name, content in calendars.items():
        (folder / CALENDAR_FOLDER / name).write_bytes(content)
    return folder


def test_calendars_in_the_data_folder_join_the_absences(tmp_path, small_register):
    staff = small_register.staff[0]
    other = small_register.staff[1]
    by_mail = _calendar(ALL_DAY_BUSY).replace(b"BEGIN:VEVENT\r\n", f"BEGIN:VEVENT\r\nORGANIZER:mailto:"
                                              f"{other.email}\r\n".encode(), 1)
    folder = _data_with_calendars(tmp_path, small_register, {f"{staff.staff_id}.ics": _calendar(OUT_OF_OFFICE),
                                                             "min_kalender.ics": by_mail,
                                                             "ukendt.ics": _calendar(ALL_DAY_BUSY),
                                                             f"{small_register.staff[2].staff_id}.ics": b"ikke ics"})
    assert other.email
    register, problems = read_register(folder)
    assert register is not None, [str(p) for p in problems]
    mine = [a for a in register.absences if a.staff_id == staff.staff_id]
    assert any(a.start_date <= date(2027, 3, 1) and a.end_date >= date(2027, 3, 3) for a in mine)
    assert any(a.staff_id == other.staff_id and a.start_date <= date(2027, 3, 10) <= a.end_date
               for a in register.absences)
    before = {(a.start_date, a.end_date) for a in small_register.absences if a.staff_id == staff.staff_id}
    covered = {d for a in mine for d in _days(a.start_date, a.end_date)}
    assert all(d in covered for s, e in before for d in _days(s, e))  # absences.csv is kept
    texts = " ".join(str(p) for p in problems)
    assert "ukendt.ics" in texts and "hører ikke til en kendt medarbejder" in texts
    assert "kan ikke læses som en kalender" in texts
    assert SECRET not in texts and all(SECRET not in a.reason for a in register.absences)


def _days(first: date, last: date):
    return [date.fromordinal(n) for n in range(first.toordinal(), last.toordinal() + 1)]


def test_an_uploaded_calendar_is_kept_as_days_only(tmp_path, small_register, monkeypatch):
    monkeypatch.setenv("TVAERS_DB", str(tmp_path / "store" / "db.sqlite3"))
    data = write_register(small_register, tmp_path / "csv")
    staff_id = small_register.staff[0].staff_id
    files = [(p.name, p.read_bytes()) for p in sorted(data.glob("*.csv"))]
    path, register, problems = accept_upload(files + [(f"{staff_id}.ics", _calendar(OUT_OF_OFFICE, ONE_HOUR))])
    assert register is not None
    kept = uploaded_folder() / CALENDAR_FOLDER / f"{staff_id}.ics"
    assert kept.is_file() and SECRET.encode() not in kept.read_bytes()
    again, _ = read_register(path)  # the kept data read again: the same days away
    assert again.absences == register.absences
    assert read_calendar(kept.read_bytes(), staff_id, today=date(2027, 1, 1)).days == frozenset(
        _days(date(2027, 3, 1), date(2027, 3, 3)))


def test_a_days_only_calendar_holds_nothing_but_days():
    content = days_only_calendar("S001", [date(2027, 3, 1), date(2027, 3, 2), date(2027, 3, 5)])
    assert content.count(b"BEGIN:VEVENT") == 2 and "SUMMARY:Fravær".encode() in content
    assert read_calendar(content, "S001", today=date(2027, 1, 1)).days == {date(2027, 3, 1), date(2027, 3, 2),
                                                                           date(2027, 3, 5)}


@pytest.mark.parametrize("text", [b"", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"])
def test_an_empty_calendar_gives_no_days(text):
    if not text:
        with pytest.raises(ValueError):
            read_calendar(text, "S001")
    else:
        assert read_calendar(text, "S001").days == frozenset()
