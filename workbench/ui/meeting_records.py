"""Recording what really happened to the announced plan's meetings: held, cancelled, moved by hand.

A week (or one person's meetings in it) is shown as a table with a button per meeting; a meeting held on another
day, or moved by hand, is recorded with a date and a time; a whole CSV file (``meeting_id,status,held_on``) can be
uploaded instead.  Every record is written to the local store at once; the next plan starts from it.
"""

from __future__ import annotations

import html
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Callable

import ipywidgets as w

from workbench.danish import week_label
from workbench.io.store import Store
from workbench.model import CANCELLED, HELD, MOVED_BY_HAND, Meeting, Plan, Register, STATUS_DA, WEEKDAY_DA
from workbench.scheduling.records import StatusFileError, StatusRecord, apply_records, read_status_file
from workbench.ui.common import MessageArea, guarded, help_html, with_classes

STATUS_COLOURS = {HELD: "#2e7d32", CANCELLED: "#9e9e9e", MOVED_BY_HAND: "#6a1b9a"}


def week_of(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-U{week:02d}"


def _monday(week: str) -> date:
    year, number = week.split("-U")
    return date.fromisocalendar(int(year), int(number), 1)


class MeetingRecordsPanel:
    """The announced plan's meetings week by week, with a button per meeting to record what happened."""

    def __init__(self, store: Store, on_change: Callable[[], None] = lambda: None, today: date | None = None) -> None:
        self.store = store
        self.on_change = on_change
        self.today = today or date.today()
        self.plan_id: int | None = None
        self.plan: Plan | None = None
        self.register: Register | None = None
        self.messages = MessageArea()
        self.week = with_classes(w.Dropdown(description="Uge", options=[], style={"description_width": "initial"}),
                                 "tvaers-records-week")
        self.person = with_classes(w.Dropdown(description="Medarbejder", options=[("Alle", "")],
                                              style={"description_width": "initial"}), "tvaers-records-person")
        self.table = with_classes(w.VBox([]), "tvaers-records-table")
        self.meeting = with_classes(w.Dropdown(description="Møde", options=[], style={"description_width": "initial"},
                                               layout=w.Layout(width="420px")), "tvaers-records-meeting")
        self.other_day = with_classes(w.DatePicker(description="Dato"), "tvaers-records-date")
        self.other_time = with_classes(w.Text(description="Kl.", placeholder="fx 10:30", layout=w.Layout(width="150px"),
                                          style={"description_width": "24px"}),
                                       "tvaers-records-time")
        self.held_other = with_classes(w.Button(description="Afholdt denne dag", icon="check",
                                                layout=w.Layout(width="auto")), "tvaers-records-held-other")
        self.move = with_classes(w.Button(description="Flyttet hertil", icon="arrows", layout=w.Layout(width="auto")),
                                 "tvaers-records-move")
        self.upload = with_classes(w.FileUpload(description="Indlæs statusfil (CSV)", accept=".csv,.txt",
                                                multiple=False, layout=w.Layout(width="auto")), "tvaers-records-upload")
        self.week.observe(lambda _: self.show_week(), names="value")
        self.person.observe(lambda _: self.show_week(), names="value")
        self.held_other.on_click(lambda _: self.record_other(HELD))
        self.move.on_click(lambda _: self.record_other(MOVED_BY_HAND))
        self.upload.observe(lambda _: self.upload_file(), names="value")
        self.info = with_classes(w.HTML(), "tvaers-records-info")
        self.widget = with_classes(w.VBox([
            w.HTML("<h3 style='font-family:sans-serif'>Registrér hvad der skete</h3>"),
            help_html("Marker den udmeldte plans møder som afholdt eller aflyst, når de er gået. Et afholdt møde er "
                      "familiens seneste opfølgning, så de næste frister regnes fra den dag; et aflyst møde lægges "
                      "igen i næste plan. Blev et møde holdt en anden dag eller flyttet i Outlook, så vælg det "
                      "nedenfor med den rigtige dato. Du kan også indlæse en CSV-fil med kolonnerne "
                      "Møde-id (som i Excel-filens ark Møder), Status (afholdt/aflyst/flyttet) og Holdt den "
                      "(datoen)."),
            self.info,
            w.HBox([self.week, self.person]),
            self.table,
            w.HBox([self.meeting, self.other_day, self.other_time, self.held_other, self.move]),
            self.upload,
            self.messages.widget,
        ]), "tvaers-records-panel")
        self.refresh()

    # ------------------------------------------------------------------ data

    def refresh(self, register: Register | None = None) -> None:
        """Load the announced plan from the store (and show the week around today)."""
        if register is not None:
            self.register = register
        self.plan_id = self.store.announced_plan_id()
        self.plan = self.store.load_plan(self.plan_id) if self.plan_id is not None else None
        if self.plan is None:
            self.info.value = ("<div class='tvaers-help'>Der er ingen udmeldt plan endnu. Lav en plan og tryk "
                               "'Godkend og udsend'; så kan dens møder registreres her.</div>")
            self.week.options, self.table.children = [], ()
            return
        held = sum(m.status == HELD for m in self.plan.meetings)
        self.info.value = (f"<div class='tvaers-help'>Udmeldt plan nr. {self.plan_id}: {len(self.plan.meetings)} "
                           f"møder ({held} afholdt) og {len(self.plan.cancelled)} aflyst.</div>")
        weeks = sorted({week_of(m.day) for m in self.plan.meetings + self.plan.cancelled})
        previous = self.week.value
        self.week.options = [(week_label(_monday(wk)).capitalize(), wk) for wk in weeks]
        if previous in weeks:
            self.week.value = previous
        elif weeks:
            current = week_of(self.today)
            self.week.value = next((wk for wk in weeks if wk >= current), weeks[-1])
        people = sorted({p for m in self.plan.meetings for p in m.attendees})
        names = self.register.staff_by_id if self.register else {}
        self.person.options = [("Alle", "")] + [(f"{names[p].name} ({p})" if p in names else p, p) for p in people]
        self.show_week()

    def _names(self, people) -> str:
        staff = self.register.staff_by_id if self.register else {}
        return ", ".join(staff[p].name if p in staff else p for p in people)

    def meetings_in_week(self) -> list[Meeting]:
        if self.plan is None or not self.week.value:
            return []
        first = _monday(self.week.value)
        last = first + timedelta(days=6)
        return sorted((m for m in self.plan.meetings + self.plan.cancelled if first <= m.day <= last
                       and (not self.person.value or self.person.value in m.attendees)),
                      key=lambda m: (m.day, m.start_minute, m.family_id))

    def show_week(self) -> None:
        meetings = self.meetings_in_week()
        rows = []
        for m in meetings:
            status = STATUS_DA.get(m.status, m.status)
            if m.status == HELD and m.held_on and m.held_on != m.day:
                status += f" {m.held_on:%d.%m.}"
            colour = STATUS_COLOURS.get(m.status, "#37474f")
            label = w.HTML(f"<span style='font-family:sans-serif'>{WEEKDAY_DA[m.day.weekday()]} {m.day:%d.%m.} kl. "
                           f"{m.start} · "
                           f"<b>{html.escape(m.family_id)}</b> · {html.escape(self._names(m.attendees))} · "
                           f"<span class='tvaers-records-status' style='color:{colour}'>{html.escape(status)}</span>"
                           f"</span>", layout=w.Layout(width="620px"))
            held = with_classes(w.Button(description="Afholdt", icon="check", button_style="success",
                                         disabled=m.status in (HELD, CANCELLED), layout=w.Layout(width="110px"),
                                         tooltip=f"{m.meeting_id} er holdt som planlagt"),
                                "tvaers-records-held", f"tvaers-held-{m.meeting_id}")
            cancelled = with_classes(w.Button(description="Aflyst", icon="times", disabled=m.status == CANCELLED,
                                              layout=w.Layout(width="100px"), tooltip=f"{m.meeting_id} blev aflyst"),
                                     "tvaers-records-cancel", f"tvaers-cancel-{m.meeting_id}")
            held.on_click(lambda _, mid=m.meeting_id: self.record([StatusRecord(mid, HELD)]))
            cancelled.on_click(lambda _, mid=m.meeting_id: self.record([StatusRecord(mid, CANCELLED)]))
            rows.append(w.HBox([label, held, cancelled]))
        if not rows and self.plan is not None:
            rows = [w.HTML("<i style='font-family:sans-serif'>Ingen møder i denne uge.</i>")]
        self.table.children = tuple(rows)
        self.meeting.options = [(f"{m.meeting_id} ({m.day:%d.%m.} kl. {m.start})", m.meeting_id) for m in meetings
                                if m.status != CANCELLED]

    # ------------------------------------------------------------------ recording

    @guarded()
    def record(self, records: list[StatusRecord]) -> list[str]:
        if self.plan is None or self.plan_id is None:
            self.messages.show("Der er ingen udmeldt plan at registrere i.", "warn")
            return []
        future = [r.meeting_id for r in records if r.status == HELD and (r.on or self._day(r.meeting_id)) > self.today]
        if future:
            self.messages.show(f"{', '.join(future)} ligger efter i dag og kan ikke være afholdt endnu.", "warn")
            return []
        try:
            updated, lines = apply_records(self.plan, records)
        except StatusFileError as error:
            self.messages.show(" ".join(error.problems), "warn")
            return []
        self.store.replace_meetings(self.plan_id, updated.meetings + updated.cancelled, "; ".join(lines))
        self.messages.show("Registreret: " + "; ".join(lines) + ". Næste plan regner fristerne herfra.", "ok")
        self.refresh()
        self.on_change()
        return lines

    def _day(self, meeting_id: str) -> date:
        return next((m.day for m in self.plan.meetings + self.plan.cancelled if m.meeting_id == meeting_id), self.today)

    @guarded()
    def record_other(self, status: str) -> None:
        if not self.meeting.value or not self.other_day.value:
            self.messages.show("Vælg mødet og datoen først.", "warn")
            return
        start = self.other_time.value.strip()
        if start and not _is_time(start):
            self.messages.show(f"'{start}' er ikke et klokkeslæt – skriv fx 10:30.", "warn")
            return
        self.record([StatusRecord(self.meeting.value, status, self.other_day.value, start)])

    @guarded()
    def upload_file(self) -> None:
        if not self.upload.value:
            return
        item = self.upload.value[0]
        name = Path(item["name"]).name
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / name
            path.write_bytes(bytes(item["content"]))
            try:
                records = read_status_file(path)
            except StatusFileError as error:
                self.messages.show("Statusfilen kan ikke bruges: " + " ".join(error.problems[:10]), "warn")
                return
        self.upload.value = ()
        self.record(records)


def _is_time(text: str) -> bool:
    parts = text.split(":")
    return (len(parts) == 2 and all(p.isdigit() for p in parts) and 0 <= int(parts[0]) < 24
            and 0 <= int(parts[1]) < 60)
