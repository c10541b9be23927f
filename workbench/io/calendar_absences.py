"""Absences read from each staff member's own Outlook calendar (.ics), so the team leader does not type them.

Put the calendars in a folder ``kalendere/`` inside the data folder (or beside the workbook), one file per
person, named after the person's ``staff_id`` (``S014.ics``) or holding the person's e-mail address as organiser
or attendee. Only *that the person is away, and on which days* is kept - never a title, place or description:

* an event shown as *Fraværende* (Outlook's out-of-office, ``X-MICROSOFT-CDO-BUSYSTATUS:OOF``) or an all-day busy
  event makes every day it covers an absence;
* a timed busy event that covers the whole meeting day (08:00-16:00) does too;
* shorter busy times are counted and reported, but not used: the planner plans whole days, and an hour's
  meeting elsewhere is not a reason to move a family's follow-up;
* free, tentative and cancelled events are skipped; repeating events are expanded.

The absences join those of ``absences.csv``; where they overlap they are merged into one period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Iterable

import icalendar
import recurring_ical_events

from workbench.danish import count
from workbench.errors import Problem
from workbench.model import Absence, Staff
from workbench.settings import DEFAULT_HOURS

CALENDAR_FOLDER = "kalendere"
WINDOW_YEARS = 3
"""Repeating events are expanded from a year back to two years ahead of today."""


@dataclass(frozen=True)
class CalendarReading:
    """What one person's calendar gave: the days away, and how many busy times were left out (shorter than a day)."""

    staff_id: str
    days: frozenset[date]
    short_busy: int


def _busy_status(event) -> str:
    status = str(event.get("X-MICROSOFT-CDO-BUSYSTATUS", "") or "").upper()
    if status:
        return status
    return "FREE" if str(event.get("TRANSP", "OPAQUE")).upper() == "TRANSPARENT" else "BUSY"


def _days_of(event) -> tuple[list[date], bool]:
    """The days an event covers, and whether it covers each of them whole (all-day, or the whole meeting day)."""
    start, end = event.get("DTSTART").dt, event.get("DTEND").dt if event.get("DTEND") else None
    if not isinstance(start, datetime):  # an all-day event: DTEND is the day after
        last = (end - timedelta(days=1)) if isinstance(end, date) and end > start else start
        return [start + timedelta(days=n) for n in range((last - start).days + 1)], True
    end = end or start
    if start.tzinfo is not None:
        start, end = start.astimezone().replace(tzinfo=None), end.astimezone().replace(tzinfo=None)
    days, whole = [], True
    day = start.date()
    while day <= end.date():
        begin = start if day == start.date() else datetime.combine(day, datetime.min.time())
        finish = end if day == end.date() else datetime.combine(day + timedelta(days=1), datetime.min.time())
        covered = (begin.hour * 60 + begin.minute <= DEFAULT_HOURS.start_minute
                   and (finish.date() > day or finish.hour * 60 + finish.minute >= DEFAULT_HOURS.end_minute))
        if finish > begin:
            days.append(day)
            whole = whole and covered
        day += timedelta(days=1)
    return days, whole


def read_calendar(content: bytes, staff_id: str, today: date | None = None) -> CalendarReading:
    """The days ``staff_id`` is away according to one exported calendar (ValueError if it is not a calendar)."""
    calendar = icalendar.Calendar.from_ical(content)
    today = today or date.today()
    window = (date(today.year - 1, 1, 1), date(today.year + WINDOW_YEARS - 1, 12, 31))
    away: set[date] = set()
    short = 0
    for event in recurring_ical_events.of(calendar).between(*window):
        if str(event.get("STATUS", "")).upper() == "CANCELLED" or event.get("DTSTART") is None:
            continue
        status = _busy_status(event)
        if status in ("FREE", "TENTATIVE"):
            continue
        days, whole = _days_of(event)
        if status == "OOF" or whole:
            away.update(days)
        else:
            short += 1
    return CalendarReading(staff_id, frozenset(away), short)


def owner_of(path: Path, content: bytes, staff: Iterable[Staff]) -> str | None:
    """The staff member a calendar belongs to: by file name (``S014.ics``), else by e-mail address in it."""
    by_id = {s.staff_id.lower(): s.staff_id for s in staff}
    if path.stem.lower() in by_id:
        return by_id[path.stem.lower()]
    text = content.decode("utf-8", errors="ignore").lower()
    found = [s.staff_id for s in staff if s.email and f"mailto:{s.email.lower()}" in text]
    return found[0] if len(found) == 1 else None


def periods(days: Iterable[date]) -> list[tuple[date, date]]:
    """Days as inclusive periods of consecutive days."""
    out: list[tuple[date, date]] = []
    for day in sorted(set(days)):
        if out and day == out[-1][1] + timedelta(days=1):
            out[-1] = (out[-1][0], day)
        else:
            out.append((day, day))
    return out


def calendar_absences(folder: Path, staff: tuple[Staff, ...], absences: tuple[Absence, ...],
                      today: date | None = None) -> tuple[tuple[Absence, ...], list[Problem]]:
    """``absences`` joined with what the calendars in ``folder`` say (merged where they overlap), and what to tell
    the team leader: which calendar gave how much, which could not be read or matched."""
    problems: list[Problem] = []
    away: dict[str, set[date]] = {}
    for path in sorted(folder.glob("*.ics")):
        label = f"{folder.name}/{path.name}"
        content = path.read_bytes()
        owner = owner_of(path, content, staff)
        if owner is None:
            problems.append(Problem(label, None, None, "kalenderen hører ikke til en kendt medarbejder: kald filen "
                                    "medarbejderens id (fx S014.ics), eller brug en kalender med medarbejderens "
                                    "e-mailadresse; den er ikke brugt", "unknown calendar owner", "advarsel"))
            continue
        try:
            reading = read_calendar(content, owner, today)
        except (ValueError, KeyError, AttributeError, TypeError) as error:
            problems.append(Problem(label, None, None, f"filen kan ikke læses som en kalender (.ics) ({error}); den "
                                    f"er ikke brugt", "unreadable calendar", "advarsel"))
            continue
        away.setdefault(owner, set()).update(reading.days)
        note = (f"{count(len(periods(reading.days)), 'fraværsperiode', 'fraværsperioder')} for {owner} er læst fra "
                f"kalenderen (kun datoerne)"
                + (f"; {count(reading.short_busy, 'kortere optaget tid', 'kortere optagede tider')} er ikke brugt "
                   f"(planen lægger møder på hele dage)" if reading.short_busy else ""))
        problems.append(Problem(label, None, None, note, "calendar read", "advarsel"))
    if not away:
        return absences, problems
    kept = [a for a in absences if a.staff_id not in away]
    for staff_id, days in sorted(away.items()):  # a person with a calendar: its days and absences.csv's, merged
        reasons = {}
        for a in absences:
            if a.staff_id == staff_id:
                for n in range((a.end_date - a.start_date).days + 1):
                    days.add(a.start_date + timedelta(days=n))
                    reasons[a.start_date + timedelta(days=n)] = a.reason
        kept += [Absence(staff_id, first, last, reasons.get(first, "")) for first, last in periods(days)]
    return tuple(sorted(kept, key=lambda a: (a.staff_id, a.start_date))), problems


def days_only_calendar(staff_id: str, days: Iterable[date]) -> bytes:
    """A calendar with nothing but the days away (all-day 'Fravær', out of office): what is kept of an uploaded
    calendar - no titles, places, descriptions or other people."""
    calendar = icalendar.Calendar()
    calendar.add("PRODID", "-//Tværs//fravær//DA")
    calendar.add("VERSION", "2.0")
    for number, (first, last) in enumerate(periods(days), start=1):
        event = icalendar.Event()
        event.add("UID", f"fravaer-{staff_id}-{number}@tvaers")
        event.add("SUMMARY", "Fravær")
        event.add("DTSTART", first)
        event.add("DTEND", last + timedelta(days=1))
        event.add("DTSTAMP", datetime(2000, 1, 1))
        event.add("X-MICROSOFT-CDO-BUSYSTATUS", "OOF")
        calendar.add_component(event)
    return calendar.to_ical()
