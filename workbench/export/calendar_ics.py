"""Calendar files (.ics) per staff member and per family that Outlook imports and updates.

What makes a re-export *update* Outlook instead of duplicating meetings:

* every meeting has a stable ``UID`` built from its meeting id (ids survive re-planning) and a *series*
  (by default the first year of the plan, because the planner numbers a family's meetings from 01 in
  every horizon);
* ``SEQUENCE`` rises by one each time what a meeting shows (day, time, team, title, status) changes
  between two exports, and ``DTSTAMP`` is the moment of export;
* a meeting that was exported before, lies inside the new plan's period and is gone from the new plan
  (or a person left its team) is sent once more with ``STATUS:CANCELLED``, titled "Aflyst: ..." and shown as
  free time.  (Outlook keeps such an entry on import; removing it outright would take an e-mailed
  ``METHOD:CANCEL`` from an organiser, which a published calendar file does not have.)

The export history that makes this work (:class:`ExportHistory`) is kept in the local store
(document kind ``ics_export``, one document per series).  Without a store it can be rebuilt from the
previous export's files (:meth:`ExportHistory.from_ics`), because every event carries its family and team
in ``X-TVAERS-*`` properties.

Times are written as local Danish time with ``TZID=Europe/Copenhagen`` and a ``VTIMEZONE`` that states the
EU summer-time rule with ``RRULE`` (last Sunday of March / October), which is what Outlook needs to place
meetings correctly on both sides of a summer-time change.

Data protection: titles and texts name the family only by its pseudonym id and never mention family
members; the staff's names and roles are shown, because that is who meets. People from outside the staff invited to
a team follow-up (a teacher, a volunteer) are listed in the text as optional participants - not as ``ATTENDEE``s,
which would turn a published calendar into meeting requests - and someone from the health side (the family's own
doctor, psychiatry, a therapist) only by name, since their role would tell about a family member's health.  Events are ``CLASS:PRIVATE``
so colleagues who can see a shared Outlook calendar see "Privat" instead of the family.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Iterable, Mapping
from zoneinfo import ZoneInfo

import icalendar

from workbench import catalogue
from workbench.attendance import invited_externals, meeting_place
from workbench.danish import count, spelt_out
from workbench.model import Assignment, ExternalParticipant, Meeting, Plan, Register, clock

TZID = "Europe/Copenhagen"
COPENHAGEN = ZoneInfo(TZID)
UID_DOMAIN = "tvaers.invalid"
PRODID = "-//Tværs//Tværfaglige familieforløb//DA"
HISTORY_KIND = "ics_export"

def copenhagen_vtimezone() -> icalendar.Timezone:
    """Europe/Copenhagen as Outlook wants it: one STANDARD and one DAYLIGHT part, each with a yearly RRULE.

    The EU rule (since 1996): summer time from the last Sunday of March 02:00 CET to the last Sunday of
    October 03:00 CEST.
    """
    tz = icalendar.Timezone()
    tz.add("TZID", TZID)
    tz.add("X-LIC-LOCATION", TZID)
    daylight = icalendar.TimezoneDaylight()
    daylight.add("TZNAME", "CEST")
    daylight.add("TZOFFSETFROM", timedelta(hours=1))
    daylight.add("TZOFFSETTO", timedelta(hours=2))
    daylight.add("DTSTART", datetime(1996, 3, 31, 2, 0, 0))
    daylight.add("RRULE", {"FREQ": "YEARLY", "BYMONTH": 3, "BYDAY": "-1SU"})
    standard = icalendar.TimezoneStandard()
    standard.add("TZNAME", "CET")
    standard.add("TZOFFSETFROM", timedelta(hours=2))
    standard.add("TZOFFSETTO", timedelta(hours=1))
    standard.add("DTSTART", datetime(1996, 10, 27, 3, 0, 0))
    standard.add("RRULE", {"FREQ": "YEARLY", "BYMONTH": 10, "BYDAY": "-1SU"})
    tz.add_component(daylight)
    tz.add_component(standard)
    return tz


def local_datetime(day: date, minute: int) -> datetime:
    """A meeting time (minutes after local midnight) as an aware Copenhagen datetime."""
    return datetime.combine(day, time(minute // 60, minute % 60), tzinfo=COPENHAGEN)


# --------------------------------------------------------------------------- what an event says


_LETTERS_FOR_HEX = str.maketrans("0123456789", "ghijklmnop")


def meeting_uid(meeting_id: str, series: str, person_id: str = "") -> str:
    """A stable UID; a person's own appointment gets a digest in place of its id, which names the person.

    The digest is written in letters only: ten digits in a row would look like a CPR number, and the
    store refuses to keep the calendar history then."""
    if person_id:
        digest = hashlib.sha256(meeting_id.encode()).hexdigest()[:16].translate(_LETTERS_FOR_HEX)
        meeting_id = f"{meeting_id.split('-')[0]}-p{digest}"
    return f"tvaers-{series}-{meeting_id}@{UID_DOMAIN}"


def meeting_summary(meeting: Meeting, register: Register | None = None) -> str:
    """Title: meeting type and the family's pseudonym only, e.g. 'Opfølgningsmøde F0042 (BL95)', 'Jobsamtale F0042
    (LAB-2027)' - a family member is never named, not even by pseudonym."""
    title = register.appointment_title(meeting.rule_id) if register is not None else "Opfølgningsmøde"
    return f"{title} {meeting.family_id} ({meeting.rule_id})"


def _roles_in_family(register: Register, assignment: Assignment | None, family_id: str) -> dict[str, list[str]]:
    roles: dict[str, list[str]] = defaultdict(list)
    if assignment is not None:
        if assignment.primary_coordinator:
            roles[assignment.primary_coordinator].append("primær koordinator")
        if assignment.secondary_coordinator:
            roles[assignment.secondary_coordinator].append("sekundær koordinator")
    for member in register.team_by_family.get(family_id, ()):
        roles[member.staff_id].append("i teamet")
    return roles


def attendee_lines(register: Register, meeting: Meeting, assignment: Assignment | None) -> list[str]:
    """'Navn, Rolle (primær koordinator)' for everyone at the meeting."""
    roles = _roles_in_family(register, assignment, meeting.family_id)
    lines = []
    for staff_id in meeting.attendees:
        person = register.staff_by_id.get(staff_id)
        if person is None:
            lines.append(staff_id)
            continue
        what = ", ".join(r for r in roles.get(staff_id, []) if r != "i teamet" or len(roles[staff_id]) == 1)
        lines.append(f"{person.name}, {catalogue.role_label(person.role)}" + (f" ({what})" if what else ""))
    return lines


def external_line(person: ExternalParticipant) -> str:
    """'Hanne Hansen, Tværby Skole (lærer)'; for the health side only 'Navn (fagperson udefra)'."""
    if person.about_health:
        return f"{person.name} (fagperson udefra)"
    return ", ".join(x for x in (person.name, person.organisation) if x) + f" ({person.contact_role})"


def guests_digest(lines: list[str]) -> str:
    """Who from outside is invited, as a short digest in letters only (ten digits in a row would look like a CPR
    number to the store): a change of guests is a change Outlook must see, without keeping their names."""
    if not lines:
        return ""
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()[:12].translate(_LETTERS_FOR_HEX)


def rule_text(register: Register, rule_id: str) -> str:
    rule = next((r for r in register.rules if r.rule_id == rule_id), None)
    return f"{rule_id}: {rule.description}" if rule and rule.description else rule_id


def meeting_description(register: Register, meeting: Meeting, assignment: Assignment | None) -> str:
    """The event's text: purpose, rule, deadline and who takes part (staff only, never family members)."""
    purpose = (f"Opfølgende teammøde for familie {meeting.family_id}: familien og teamet følger op på familiens plan."
               if not meeting.person_id else
               f"{register.appointment_title(meeting.rule_id)} i familie {meeting.family_id} (efter sagens egen frist; "
               f"kun den fagperson, loven nævner, deltager).")
    guests = [external_line(p) for p in invited_externals(register, meeting)]
    lines = [
        purpose,
        f"Mødetype: {rule_text(register, meeting.rule_id)}",
        f"Seneste frist efter reglen: {meeting.deadline:%d.%m.%Y}"
        + (f" (mødet holdes {count(meeting.days_late, 'dag', 'dage')} efter fristen)" if meeting.days_late else ""),
        "",
        "Deltagere:",
        *(f"- {line}" for line in attendee_lines(register, meeting, assignment)),
        *(["", "Inviteret udefra (deltager, hvis de kan):"] + [f"- {line}" for line in guests] if guests else []),
        "",
        "Planlagt med Tværs. Familien nævnes kun med sit pseudonym.",
    ]
    return "\n".join(lines)


# --------------------------------------------------------------------------- export history


@dataclass
class ExportedEvent:
    """What one UID looked like when it was last exported."""

    uid: str
    family_id: str
    day: date
    start_minute: int
    end_minute: int
    attendees: tuple[str, ...]
    summary: str
    sequence: int
    status: str = "CONFIRMED"
    location: str = ""
    """Where the meeting is held (attendance.meeting_place); a new place is a change Outlook must see."""
    guests: str = ""
    """Digest of who from outside is invited (:func:`guests_digest`); blank if nobody."""

    def fingerprint(self) -> tuple:
        return (self.day, self.start_minute, self.end_minute, tuple(sorted(self.attendees)), self.summary,
                self.status, self.location, self.guests)

    def to_json(self) -> dict:
        data = {"family_id": self.family_id, "day": self.day.isoformat(), "start": clock(self.start_minute),
                "end": clock(self.end_minute), "attendees": list(self.attendees), "summary": self.summary,
                "sequence": self.sequence, "status": self.status, "location": self.location}
        return data | {"guests": self.guests} if self.guests else data

    @classmethod
    def from_json(cls, uid: str, data: Mapping) -> "ExportedEvent":
        def minute(text: str) -> int:
            hours, minutes = text.split(":")
            return int(hours) * 60 + int(minutes)

        return cls(uid, data["family_id"], date.fromisoformat(data["day"]), minute(data["start"]),
                   minute(data["end"]), tuple(data["attendees"]), data["summary"], int(data["sequence"]),
                   data.get("status", "CONFIRMED"), data.get("location", ""), data.get("guests", ""))


@dataclass
class ExportHistory:
    """Every UID exported in one series, with its last SEQUENCE; decides SEQUENCE and cancellations."""

    series: str
    events: dict[str, ExportedEvent] = field(default_factory=dict)

    @classmethod
    def from_store(cls, store, series: str) -> "ExportHistory":
        data = store.get(HISTORY_KIND, series, default={}) or {}
        return cls(series, {uid: ExportedEvent.from_json(uid, entry) for uid, entry in data.items()})

    def save(self, store) -> None:
        store.put(HISTORY_KIND, self.series, {uid: e.to_json() for uid, e in sorted(self.events.items())})

    @classmethod
    def from_ics(cls, texts: Iterable[str | bytes], series: str) -> "ExportHistory":
        """Rebuild the history from earlier export files (when no store was used)."""
        history = cls(series)
        prefix = f"tvaers-{series}-"
        for text in texts:
            for event in icalendar.Calendar.from_ical(text).walk("VEVENT"):
                uid = str(event.get("UID", ""))
                if not uid.startswith(prefix):
                    continue
                start, end = event.decoded("DTSTART"), event.decoded("DTEND")
                start, end = start.astimezone(COPENHAGEN), end.astimezone(COPENHAGEN)
                entry = ExportedEvent(
                    uid, str(event.get("X-TVAERS-FAMILY", "")), start.date(), start.hour * 60 + start.minute,
                    end.hour * 60 + end.minute, tuple(a for a in str(event.get("X-TVAERS-TEAM", "")).split(",") if a),
                    str(event.get("SUMMARY", "")), int(event.get("SEQUENCE", 0)), str(event.get("STATUS", "CONFIRMED")),
                    str(event.get("LOCATION", "")), str(event.get("X-TVAERS-GUESTS", "")))
                known = history.events.get(uid)
                if known is None or (entry.sequence, entry.status != "CANCELLED") > \
                        (known.sequence, known.status != "CANCELLED"):
                    history.events[uid] = entry
        return history

    def record(self, meeting: Meeting, summary: str, location: str = "", guests: str = "") -> ExportedEvent:
        """The event to export now for ``meeting``: same SEQUENCE if unchanged, one higher if changed."""
        uid = meeting_uid(meeting.meeting_id, self.series, meeting.person_id)
        entry = ExportedEvent(uid, meeting.family_id, meeting.day, meeting.start_minute, meeting.end_minute,
                              tuple(meeting.attendees), summary, 0, location=location, guests=guests)
        known = self.events.get(uid)
        if known is not None:
            entry.sequence = known.sequence + (known.fingerprint() != entry.fingerprint())
        self.events[uid] = entry
        return entry

    def cancel(self, uid: str) -> ExportedEvent:
        """Mark an earlier exported event as cancelled (SEQUENCE up once)."""
        known = self.events[uid]
        if known.status != "CANCELLED":
            known.status = "CANCELLED"
            known.sequence += 1
        return known

    def gone(self, plan: Plan) -> list[ExportedEvent]:
        """Events exported before, inside ``plan``'s period, whose meeting is no longer in the plan."""
        current = {meeting_uid(m.meeting_id, self.series, m.person_id) for m in plan.meetings}
        return [e for uid, e in sorted(self.events.items())
                if uid not in current and plan.start <= e.day <= plan.end]


def default_series(plan: Plan) -> str:
    return f"{plan.start.year}"


# --------------------------------------------------------------------------- building calendars


def _event(entry: ExportedEvent, description: str, stamp: datetime) -> icalendar.Event:
    event = icalendar.Event()
    event.add("UID", entry.uid)
    event.add("DTSTAMP", stamp)
    event.add("SEQUENCE", entry.sequence)
    event.add("DTSTART", local_datetime(entry.day, entry.start_minute))
    event.add("DTEND", local_datetime(entry.day, entry.end_minute))
    summary = entry.summary if entry.status != "CANCELLED" else f"Aflyst: {entry.summary}"
    event.add("SUMMARY", summary)
    event.add("DESCRIPTION", description)
    if entry.location:
        event.add("LOCATION", entry.location)
    event.add("STATUS", entry.status)
    event.add("CLASS", "PRIVATE")
    event.add("TRANSP", "OPAQUE")
    event.add("CATEGORIES", ["Tværs"])
    event.add("X-MICROSOFT-CDO-BUSYSTATUS", "BUSY" if entry.status != "CANCELLED" else "FREE")
    event.add("X-TVAERS-FAMILY", entry.family_id)
    event.add("X-TVAERS-TEAM", ",".join(entry.attendees))
    if entry.guests:
        event.add("X-TVAERS-GUESTS", entry.guests)
    return event


def new_calendar(name: str) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("PRODID", PRODID)
    calendar.add("VERSION", "2.0")
    calendar.add("CALSCALE", "GREGORIAN")
    calendar.add("METHOD", "PUBLISH")
    calendar.add("X-WR-CALNAME", " ".join(name.split()))  # an X- property is not escaped: no line breaks in it
    calendar.add("X-WR-TIMEZONE", TZID)
    calendar.add_component(copenhagen_vtimezone())
    return calendar


_END = b"END:VCALENDAR\r\n"


def calendar_bytes(name: str, events: list[bytes]) -> bytes:
    """A whole VCALENDAR from already serialised VEVENTs (the same as adding them and calling to_ical)."""
    head = new_calendar(name).to_ical()
    assert head.endswith(_END)
    return head[: -len(_END)] + b"".join(events) + _END


@dataclass
class CalendarSet:
    """Every calendar of one export, as bytes keyed by file name, plus what happened."""

    files: dict[str, bytes]
    staff_files: dict[str, str]
    """staff_id -> file name"""
    family_files: dict[str, str]
    """family_id -> file name"""
    changed: int
    cancelled: int
    series: str

    def write(self, folder: str | Path) -> list[Path]:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for name, content in self.files.items():
            (folder / name).write_bytes(content)
            written.append(folder / name)
        return written


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", spelt_out(text)).strip("_")


def staff_file_name(register: Register, staff_id: str) -> str:
    person = register.staff_by_id.get(staff_id)
    return f"medarbejder_{staff_id}" + (f"_{_slug(person.name)}" if person else "") + ".ics"


def family_file_name(family_id: str) -> str:
    return f"familie_{_slug(family_id)}.ics"


def unique_file_name(name: str, taken: set[str]) -> str:
    """``name``, or ``name`` with _2, _3, ... before the suffix if another file already has it - compared without
    case, as Windows and macOS do, so no calendar silently overwrites another (``F-1`` and ``F_1``)."""
    stem, dot, suffix = name.rpartition(".")
    candidate, n = name, 1
    while candidate.casefold() in taken:
        n += 1
        candidate = f"{stem}_{n}{dot}{suffix}"
    taken.add(candidate.casefold())
    return candidate


def build_calendars(plan: Plan, register: Register, history: ExportHistory | None = None,
                    now: datetime | None = None) -> CalendarSet:
    """One calendar per staff member with meetings and one per family; updates ``history`` in place."""
    history = history or ExportHistory(default_series(plan))
    stamp = (now or datetime.now(timezone.utc)).astimezone(timezone.utc).replace(microsecond=0)
    assignments = {a.family_id: a for a in plan.assignments}
    before = {uid: (e.sequence, e.status) for uid, e in history.events.items()}
    previous_attendees = {uid: set(e.attendees) for uid, e in history.events.items()}

    per_staff: dict[str, list[icalendar.Event]] = defaultdict(list)
    per_family: dict[str, list[icalendar.Event]] = defaultdict(list)
    for meeting in sorted(plan.meetings, key=lambda m: (m.day, m.start_minute, m.family_id)):
        entry = history.record(meeting, meeting_summary(meeting, register),
                               meeting_place(register, meeting, assignments.get(meeting.family_id)),
                               guests_digest([external_line(p) for p in invited_externals(register, meeting)]))
        description = meeting_description(register, meeting, assignments.get(meeting.family_id))
        event = _event(entry, description, stamp)
        per_family[meeting.family_id].append(event)
        for staff_id in meeting.attendees:
            per_staff[staff_id].append(event)
        # someone who was on this meeting at the last export but no longer is: cancel it in their calendar
        for staff_id in sorted(previous_attendees.get(entry.uid, set()) - set(meeting.attendees)):
            removed = ExportedEvent(entry.uid, entry.family_id, entry.day, entry.start_minute, entry.end_minute,
                                    entry.attendees, entry.summary, entry.sequence, "CANCELLED", entry.location,
                                    entry.guests)
            per_staff[staff_id].append(_event(removed, f"Du er ikke længere med i dette møde for familie "
                                                       f"{meeting.family_id}.", stamp))
    cancelled = 0
    for entry in history.gone(plan):
        was_active = entry.status != "CANCELLED"
        entry = history.cancel(entry.uid)
        cancelled += was_active
        event = _event(entry, f"Mødet for familie {entry.family_id} er aflyst eller flyttet i en ny plan.", stamp)
        per_family[entry.family_id].append(event)
        for staff_id in entry.attendees:
            per_staff[staff_id].append(event)

    files: dict[str, bytes] = {}
    staff_files: dict[str, str] = {}
    family_files: dict[str, str] = {}
    serialised: dict[int, bytes] = {}  # an event sits in several calendars: write it once

    def content(name: str, events: list[icalendar.Event]) -> bytes:
        for event in events:
            if id(event) not in serialised:
                serialised[id(event)] = event.to_ical()
        return calendar_bytes(name, [serialised[id(e)] for e in events])

    taken: set[str] = set()
    for staff_id in sorted(per_staff):
        person = register.staff_by_id.get(staff_id)
        staff_files[staff_id] = unique_file_name(staff_file_name(register, staff_id), taken)
        files[staff_files[staff_id]] = content(f"Tværs – {person.name if person else staff_id}", per_staff[staff_id])
    for family_id in sorted(per_family):
        family_files[family_id] = unique_file_name(family_file_name(family_id), taken)
        files[family_files[family_id]] = content(f"Tværs – familie {family_id}", per_family[family_id])
    changed = sum(1 for uid, e in history.events.items() if uid in before and before[uid] != (e.sequence, e.status))
    return CalendarSet(files, staff_files, family_files, changed, cancelled, history.series)


def build_export_calendars(plan: Plan, register: Register, folder: Path, store=None, series: str | None = None,
                           now: datetime | None = None) -> tuple[CalendarSet, ExportHistory]:
    """The calendars of an export and the history they update (from the store, or from the .ics files already
    in ``folder``); nothing is written."""
    series = series or default_series(plan)
    history = ExportHistory.from_store(store, series) if store is not None else \
        ExportHistory.from_ics((p.read_bytes() for p in sorted(Path(folder).glob("*.ics"))), series)
    return build_calendars(plan, register, history, now), history


def remember_export(store, history: ExportHistory, calendars: CalendarSet) -> None:
    """Keep what was exported for the next time (SEQUENCE, cancellations) - once the files are written."""
    history.save(store)
    store.log("ics_export", {"series": history.series, "files": len(calendars.files), "changed": calendars.changed,
                             "cancelled": calendars.cancelled})


def export_calendars(plan: Plan, register: Register, folder: str | Path, store=None, series: str | None = None,
                     now: datetime | None = None) -> CalendarSet:
    """Write all calendars to ``folder`` and remember the export in ``store`` (if given) for the next time."""
    calendars, history = build_export_calendars(plan, register, Path(folder), store, series, now)
    calendars.write(folder)
    if store is not None:
        remember_export(store, history, calendars)
    return calendars
