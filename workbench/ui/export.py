"""The export panel: from a plan to Outlook calendars, Excel, årshjul and workload calendars.

Steps on one page, top to bottom: load the data, get a plan (saved in the store, a plan folder such as
``out/demo``, or a quick new plan), then take away files.  Every file can be downloaded straight from the
page (links carry the file itself, nothing is served from the disk) and "Lav alle filer" also writes
everything to a folder.  CSS classes (``tvaers-...``) name the controls for the browser tests.

A quick plan and "Lav alle filer" run in the background (:class:`workbench.ui.background.BackgroundJob`), each
with its own Stop: a stopped plan keeps the best plan found so far, a stopped export writes nothing (the folder
stays as it was).  Tests pass ``background=False``.  What the page shows after an export is made by pure
functions (``export_links_html``, ``export_summary``).
"""

from __future__ import annotations

import base64
import html
import os
from datetime import date
from pathlib import Path

import ipywidgets as w

from workbench.workdays import period_problem
from workbench.export.aarshjul import family_wheel, printable_html, wheel_figure
from workbench.export.bundle import WORKBOOK_NAME, ExportReport, export_all, zip_bytes
from workbench.export.pdf import PdfUnavailable, find_chromium, html_to_pdf
from workbench.export.workload import team_workload_heatmap, workload_calendar
from workbench.export.calendar_ics import CalendarSet, ExportHistory, build_calendars, default_series
from workbench.io.plan_folder import read_plan
from workbench.io.store import Store
from workbench.model import Plan, Register
from workbench.scheduling.stopping import Stopped, StopToken
from workbench.ui.background import BackgroundJob
from workbench.ui.common import today as current_day
from workbench.danish import short_date, timestamp_da
from workbench.ui.common import (
    STYLE,
    MessageArea,
    RegisterLoader,
    default_data_dir,
    guarded,
    help_html,
    page_links,
    show_figure,
)

MIME = {".ics": "text/calendar", ".html": "text/html", ".pdf": "application/pdf", ".zip": "application/zip",
        ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".csv": "text/csv"}


def workspace_root() -> Path:
    """The folder that holds the data folder (the repository when run from it)."""
    return default_data_dir().resolve().parent


def default_plan_folder() -> Path:
    return Path(os.environ.get("TVAERS_PLAN") or workspace_root() / "out" / "demo")


def default_out_folder() -> Path:
    return Path(os.environ.get("TVAERS_OUT") or workspace_root() / "out" / "eksport")


def download_link(name: str, content: bytes, label: str, css: str = "") -> str:
    """An <a download> link that carries the file itself (works offline, no file server needed)."""
    mime = MIME.get(Path(name).suffix, "application/octet-stream")
    data = base64.b64encode(content).decode("ascii")
    return (f'<a class="tvaers-download {css}" download="{html.escape(name)}" href="data:{mime};base64,{data}" '
            f'style="display:inline-block;margin:3px 8px 3px 0;padding:5px 10px;border:1px solid #1565c0;'
            f'border-radius:4px;color:#1565c0;text-decoration:none;font-family:sans-serif">⬇ {html.escape(label)}</a>')


def export_links_html(report: ExportReport) -> str:
    """The downloads offered after an export: all calendars, the Excel file and the CSV files."""
    csv_zip = zip_bytes({p.name: p.read_bytes() for p in report.csvs})
    return (download_link("tvaers_kalendere.zip", zip_bytes(report.calendars.files), "Alle kalendere (ZIP)",
                          "tvaers-dl-calendars")
            + download_link(WORKBOOK_NAME, report.workbook.read_bytes(), "Excel-fil", "tvaers-dl-excel")
            + download_link("tvaers_csv.zip", csv_zip, "CSV-filer (ZIP)", "tvaers-dl-csv"))


def export_summary(report: ExportReport) -> tuple[str, str]:
    """What the page says after an export, and how (kind)."""
    return report.text(), "ok"


def export_stopped_text(folder: Path) -> str:
    return f"Stoppet: eksporten blev afbrudt, før alle filer var skrevet. Intet er gemt i {folder}; mappen er som før."


def _button(text: str, css: str, icon: str = "", style: str = "") -> w.Button:
    button = w.Button(description=text, icon=icon, button_style=style, layout=w.Layout(width="auto"))
    button.add_class(css)
    return button


def _heading(text: str) -> w.HTML:
    return w.HTML(f'{STYLE}<h3 style="font-family:sans-serif;margin:14px 0 4px 0;color:#0d47a1">{html.escape(text)}</h3>')


class ExportPanel:
    """Load data, pick a plan, export calendars, Excel, årshjul and workload calendars."""

    def __init__(self, data_path: Path | None = None, store: Store | None = None, plan_folder: Path | None = None,
                 out_folder: Path | None = None, background: bool = True) -> None:
        """The page's widgets, wired and laid out in the order the page shows them: a list of widgets more than
        logic, which is why it is long."""
        self.store = store or Store()
        self.background = background
        self.register: Register | None = None
        self.plan: Plan | None = None
        self.calendars: CalendarSet | None = None
        self.report = None
        self.wheel_figure = None
        self.workload_figure = None
        self.messages = MessageArea()
        self.loader = RegisterLoader(on_loaded=self._data_loaded, path=data_path,
                                     on_failed=lambda: setattr(self, "register", None))
        self.loader.button.add_class("tvaers-load-data")
        self.loader.path.add_class("tvaers-data-path")

        self._build_plan_source(plan_folder)
        self._build_files(out_folder)
        self._build_staff()
        self._build_family()

        self.export_button.on_click(lambda _: self.export())
        self.saved_button.on_click(lambda _: self.load_saved())
        self.folder_button.on_click(lambda _: self.load_folder())
        self.plan_button.on_click(lambda _: self.make_plan())
        self.plan_stop_button.on_click(lambda _: self.plan_job.stop())
        self.export_stop_button.on_click(lambda _: self.export_job.stop())
        self.staff_pick.observe(lambda _: self.show_staff(), names="value")
        self.family_pick.observe(lambda _: self.show_family(), names="value")
        self.team_button.on_click(lambda _: self.show_team())
        self.pdf_button.on_click(lambda _: self.make_pdf())

        self.plan_dependent = [self.export_button, self.staff_pick, self.family_pick, self.pdf_button,
                               self.team_button]
        self.widget = w.VBox([
            page_links("04_eksport.ipynb"),
            _heading("1. Data"), self.loader.widget,
            _heading("2. Plan"), self.source, self.source_area, self.plan_messages.widget,
            _heading("3. Kalendere (Outlook), Excel og årshjul"),
            help_html("Kalenderfilerne (.ics) importeres i Outlook: Filer → Åbn og eksportér → Importér/eksportér → "
                      "'Importér en iCalendar-fil (.ics)' → Importér. Importerer du en ny udgave, opdateres møderne "
                      "i stedet for at blive dobbelte, og aflyste møder står som 'Aflyst' uden at optage tid. Titlerne "
                      "nævner kun familiens "
                      "nummer og mødetypen – aldrig navne på familiens medlemmer."),
            w.HBox([self.out, self.export_button, self.export_stop_button]),
            w.HBox([self.export_progress, self.export_status]), self.export_messages.widget, self.export_links,
            _heading("4. Medarbejder: kalender og arbejdsbyrde"), self.staff_pick, self.staff_links,
            self.staff_messages.widget, self.staff_plot, w.HBox([self.team_button]),
            _heading("5. Familie: kalender og årshjul"),
            help_html("Årshjulet viser årets opfølgningsmøder i en cirkel med tolv måneder, som i 'Sammen om "
                      "familien'. Udskriftssiden (én A4-side) kan familien beholde."),
            self.family_pick, self.family_links, w.HBox([self.pdf_button]), self.family_messages.widget,
            self.wheel_plot,
        ])
        self.widget.add_class("tvaers-export-panel")
        self.refresh_saved()
        self.source.value = "gemt" if self.saved.options else ("mappe" if Path(self.folder.value).is_dir() else "ny")
        self._show_source()
        self._enable(False)
        if self.loader.path.value and Path(self.loader.path.value).exists():
            self.loader.load()  # like the other pages: the data are there when the page opens

    def _build_plan_source(self, plan_folder: Path | None) -> None:
        """Where the plan comes from: a saved plan, a plan folder or a quick new plan."""
        self.source = w.ToggleButtons(options=[("Gemt plan", "gemt"), ("Plan-mappe", "mappe"), ("Ny plan", "ny")],
                                      description="Plan:", style={"description_width": "initial"})
        self.source.add_class("tvaers-plan-source")
        self.saved = w.Dropdown(description="Gemte planer:", layout=w.Layout(width="70%"),
                                style={"description_width": "initial"})
        self.saved.add_class("tvaers-saved-plans")
        self.saved_button = _button("Hent gemt plan", "tvaers-load-saved", "download", "primary")
        self.folder = w.Text(value=str(plan_folder or default_plan_folder()), description="Plan-mappe:",
                             layout=w.Layout(width="60%"), style={"description_width": "initial"})
        self.folder.add_class("tvaers-plan-folder")
        self.folder_button = _button("Hent plan fra mappe", "tvaers-load-folder", "folder-open", "primary")
        year = current_day().year + 1
        self.start = w.DatePicker(value=date(year, 1, 1), description="Fra:")
        self.start.add_class("tvaers-plan-start")
        self.end = w.DatePicker(value=date(year, 12, 31), description="Til:")
        self.end.add_class("tvaers-plan-end")
        self.time_limit = w.BoundedIntText(value=60, min=5, max=3600, description="Sekunder:",
                                           layout=w.Layout(width="180px"))
        self.time_limit.add_class("tvaers-plan-seconds")
        self.plan_button = _button("Lav plan", "tvaers-make-plan", "cogs", "primary")
        self.plan_stop_button = _button("Stop", "tvaers-make-plan-stop", "stop", "danger")
        self.progress = w.FloatProgress(value=0, min=0, max=1, description="", layout=w.Layout(width="50%"))
        self.progress_text = w.Label("")
        self.plan_messages = MessageArea()
        self.plan_messages.widget.add_class("tvaers-plan-messages")
        self.plan_job = BackgroundJob(self.plan_messages, [self.plan_button], self.plan_stop_button, self.progress,
                                      self.progress_text, failed="Planlægningen mislykkedes",
                                      busy="Der planlægges allerede – vent, eller tryk Stop.", name="tvaers-export-plan")
        self.source_boxes = {
            "gemt": w.VBox([help_html("Planer, der er lavet i værktøjet, gemmes lokalt. Vælg en og hent den."),
                            w.HBox([self.saved, self.saved_button])]),
            "mappe": w.VBox([help_html("En mappe med assignments.csv og meetings.csv, fx out/demo fra 'make demo' "
                                       "eller en mappe skrevet med 'workbench plan'."),
                             w.HBox([self.folder, self.folder_button])]),
            "ny": w.VBox([help_html("En hurtig plan til eksport. Store planer laves bedst i Planlægning, hvor "
                                    "du kan følge og stoppe planlægningen. Planen gemmes, så den kan hentes igen."),
                          w.HBox([self.start, self.end, self.time_limit, self.plan_button, self.plan_stop_button]),
                          w.HBox([self.progress, self.progress_text])]),
        }
        self.source_area = w.VBox()
        self.source.observe(lambda _: self._show_source(), names="value")

    def _build_files(self, out_folder: Path | None) -> None:
        """The files: calendars, Excel and årshjul in one folder, with progress and Stop."""
        self.out = w.Text(value=str(out_folder or default_out_folder()), description="Gem i mappe:",
                          layout=w.Layout(width="60%"), style={"description_width": "initial"})
        self.out.add_class("tvaers-out-folder")
        self.export_button = _button("Lav alle filer", "tvaers-export-all", "file-export", "success")
        self.export_stop_button = _button("Stop", "tvaers-export-stop", "stop", "danger")
        self.export_progress = w.FloatProgress(value=0, min=0, max=1, description="", layout=w.Layout(width="50%"))
        self.export_progress.add_class("tvaers-export-progress")
        self.export_status = w.Label("")
        self.export_status.add_class("tvaers-export-status")
        self.export_links = w.HTML()
        self.export_links.add_class("tvaers-export-links")
        self.export_messages = MessageArea()
        self.export_messages.widget.add_class("tvaers-export-messages")
        self.export_job = BackgroundJob(self.export_messages, [self.export_button], self.export_stop_button,
                                        self.export_progress, self.export_status, name="tvaers-export",
                                        busy="Filerne bliver allerede lavet – vent, eller tryk Stop.")

    def _build_staff(self) -> None:
        """Per staff member: calendar link and workload."""
        self.staff_pick = w.Dropdown(description="Medarbejder:", layout=w.Layout(width="60%"),
                                     style={"description_width": "initial"})
        self.staff_pick.add_class("tvaers-staff-pick")
        self.staff_links = w.HTML()
        self.staff_links.add_class("tvaers-staff-links")
        self.staff_plot = w.Output()
        self.staff_plot.add_class("tvaers-staff-plot")
        self.team_button = _button("Vis hele personalets mødetimer pr. uge", "tvaers-team-load", "th")
        self.staff_messages = MessageArea()

    def _build_family(self) -> None:
        """Per family: calendar link, årshjul and the printable page."""
        self.family_pick = w.Dropdown(description="Familie:", layout=w.Layout(width="40%"),
                                      style={"description_width": "initial"})
        self.family_pick.add_class("tvaers-family-pick")
        self.family_links = w.HTML()
        self.family_links.add_class("tvaers-family-links")
        self.pdf_button = _button("Lav PDF til udskrift", "tvaers-make-pdf", "print")
        self.wheel_plot = w.Output()
        self.wheel_plot.add_class("tvaers-wheel-plot")
        self.family_messages = MessageArea()

    # ------------------------------------------------------------------ state

    def _show_source(self) -> None:
        self.source_area.children = [self.source_boxes[self.source.value]]

    def _enable(self, on: bool) -> None:
        for control in self.plan_dependent:
            control.disabled = not on
        self.export_button.disabled = not on or self.export_job.running
        self.pdf_button.disabled = not on or find_chromium() is None

    def refresh_saved(self) -> None:
        options = []
        for plan in reversed(self.store.plans()):
            meetings = plan["summary"].get("meetings", "?")
            options.append((f"{plan['label']} · {short_date(plan['start'])} – {short_date(plan['end'])} · "
                            f"{meetings} møder (gemt {timestamp_da(plan['created_at'])})", plan["plan_id"]))
        self.saved.options = options
        self.saved.value = options[0][1] if options else None

    def _data_loaded(self, register: Register) -> None:
        self.register = register
        if self.plan is not None:
            self._plan_ready(self.plan, "Data er skiftet; planen bruges med de nye data.")

    def _need_register(self) -> Register:
        if self.register is None:
            self.loader.load()
        if self.register is None:
            raise ValueError("data kunne ikke indlæses – se fejlene under '1. Data'")
        return self.register

    def _plan_ready(self, plan: Plan, origin: str) -> None:
        register = self._need_register()
        unknown_families = sorted({m.family_id for m in plan.meetings} - set(register.family_by_id))
        unknown_staff = sorted({s for m in plan.meetings for s in m.attendees} - set(register.staff_by_id))
        self.plan = plan
        history = ExportHistory.from_store(self.store, default_series(plan))
        self.calendars = build_calendars(plan, register, history)
        history.save(self.store)
        late = sum(1 for m in plan.meetings if m.days_late > 0)
        text = (f"{origin} Planen dækker {plan.start:%d.%m.%Y} – {plan.end:%d.%m.%Y}: {len(plan.meetings)} møder "
                f"for {len({m.family_id for m in plan.meetings})} familier, {late} for sent.")
        if unknown_families or unknown_staff:
            text += (f" Bemærk: {len(unknown_families)} familier og {len(unknown_staff)} medarbejdere i planen "
                     f"findes ikke i de indlæste data (fx {', '.join((unknown_families + unknown_staff)[:3])}); "
                     f"passer planen til data?")
        self.plan_messages.show(text, "warn" if unknown_families or unknown_staff else "ok")
        staff = sorted(self.calendars.staff_files, key=lambda s: register.staff_by_id[s].name
                       if s in register.staff_by_id else s)
        self.staff_pick.options = [("Vælg en medarbejder", "")] + [
            (f"{register.staff_by_id[s].name} ({s})" if s in register.staff_by_id else s, s) for s in staff]
        self.family_pick.options = [("Vælg en familie", "")] + [(f, f) for f in sorted(self.calendars.family_files)]
        self.staff_pick.value = self.family_pick.value = ""
        self.staff_links.value = self.family_links.value = self.export_links.value = ""
        self.staff_plot.clear_output()
        self.wheel_plot.clear_output()
        self._enable(True)

    # ------------------------------------------------------------------ getting a plan

    @guarded("plan_messages")
    def load_saved(self) -> None:
        if self.saved.value is None:
            self.plan_messages.show("Der er ingen gemte planer endnu. Vælg 'Plan-mappe' eller 'Ny plan'.", "warn")
            return
        plan = self.store.load_plan(int(self.saved.value))
        self._plan_ready(plan, "Den gemte plan er hentet.")

    @guarded("plan_messages")
    def load_folder(self) -> None:
        plan = read_plan(Path(self.folder.value.strip()))
        self._plan_ready(plan, f"Planen er hentet fra {self.folder.value.strip()}.")

    @guarded("plan_messages")
    def make_plan(self) -> None:
        from workbench.scheduling.planner import PlanOptions, make_plan

        register = self._need_register()
        if self.start.value is None or self.end.value is None or self.end.value < self.start.value:
            self.plan_messages.show("Vælg en startdato og en slutdato, hvor slutdatoen ligger efter starten.", "warn")
            return
        if problem := period_problem(self.start.value, self.end.value):
            self.plan_messages.show(problem, "warn")
            return
        if self.plan_job.running:
            self.plan_messages.show(self.plan_job.busy, "warn")
            return
        start, end, options = self.start.value, self.end.value, PlanOptions(time_limit=float(self.time_limit.value))
        self.plan_messages.show("Planlægger ... (det tager op til den valgte tid)", "warn")

        def work(stop: StopToken):
            try:
                return make_plan(register, start, end, options, progress=self.plan_job.report, stop=stop)
            except RuntimeError:
                return None

        def done(run) -> None:
            if run is None:
                self.plan_messages.show("Planlæggeren nåede ikke at finde en plan inden for tiden. Giv den flere "
                                        "sekunder eller vælg en kortere periode, og prøv igen.", "error")
                return
            stopped = run.packing.status == "STOPPED"
            self.plan_job.report(1.0, "Stoppet – bedste plan gemmes" if stopped else "Færdig")
            self.store.save_plan(run.plan, f"Eksport {start:%d.%m.%Y}–{end:%d.%m.%Y}")
            self.refresh_saved()
            self._plan_ready(run.plan, "Stoppet: den bedste plan indtil nu er klar og gemt." if stopped else
                             "Planen er klar og gemt.")

        self.plan_job.start(work, done, background=self.background)

    # ------------------------------------------------------------------ files

    @guarded("export_messages")
    def export(self) -> None:
        register = self._need_register()
        if self.plan is None:
            self.export_messages.show("Hent eller lav en plan først (punkt 2).", "warn")
            return
        if self.export_job.running:
            self.export_messages.show(self.export_job.busy, "warn")
            return
        plan, folder = self.plan, Path(self.out.value.strip())
        self.export_links.value = ""
        self.export_messages.show(f"Laver filerne i {folder} ... Tryk Stop for at afbryde; så gemmes intet.", "ok")
        self.export_job.report(0.0, "")

        def work(stop: StopToken) -> ExportReport:
            try:
                return export_all(plan, register, folder, store=self.store, progress=self.export_job.report,
                                  stop=stop)
            except Stopped:
                raise Stopped(export_stopped_text(folder)) from None

        def done(report: ExportReport) -> None:
            self.report = report
            self.calendars = report.calendars
            self.export_links.value = export_links_html(report)
            self.export_job.report(1.0, "Færdig")
            self.export_messages.show(*export_summary(report))

        self.export_job.start(work, done, background=self.background)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until a background plan or export has finished (for tests and scripts)."""
        return self.plan_job.wait(timeout) and self.export_job.wait(timeout)

    @guarded("staff_messages")
    def show_staff(self) -> None:
        staff_id = self.staff_pick.value
        self.staff_links.value = ""
        self.staff_plot.clear_output()
        if not staff_id or self.plan is None or self.calendars is None:
            return
        register = self._need_register()
        name = self.calendars.staff_files[staff_id]
        meetings = sum(1 for m in self.plan.meetings if staff_id in m.attendees)
        self.staff_links.value = download_link(name, self.calendars.files[name],
                                               f"Kalender til Outlook ({meetings} møder)", "tvaers-dl-staff-ics")
        self.workload_figure = workload_calendar(self.plan, register, staff_id)
        show_figure(self.staff_plot, self.workload_figure)
        self.staff_messages.clear()

    @guarded("staff_messages")
    def show_team(self) -> None:
        if self.plan is None:
            return
        self.workload_figure = team_workload_heatmap(self.plan, self._need_register())
        show_figure(self.staff_plot, self.workload_figure)

    @guarded("family_messages")
    def show_family(self) -> None:
        family_id = self.family_pick.value
        self.family_links.value = ""
        self.wheel_plot.clear_output()
        self.family_messages.clear()
        if not family_id or self.plan is None or self.calendars is None:
            return
        register = self._need_register()
        wheel = family_wheel(self.plan, register, family_id, self.store)
        name = self.calendars.family_files[family_id]
        self.family_links.value = (
            download_link(name, self.calendars.files[name], f"Familiens kalender ({len(wheel.meetings)} møder)",
                          "tvaers-dl-family-ics")
            + download_link(f"aarshjul_{family_id}.html", printable_html(wheel).encode("utf-8"),
                            "Årshjul til udskrift (HTML)", "tvaers-dl-wheel-html")
        )
        self.wheel_figure = wheel_figure(wheel)
        show_figure(self.wheel_plot, self.wheel_figure)

    @guarded("family_messages")
    def make_pdf(self) -> None:
        family_id = self.family_pick.value
        if not family_id or self.plan is None:
            self.family_messages.show("Vælg en familie først.", "warn")
            return
        wheel = family_wheel(self.plan, self._need_register(), family_id, self.store)
        target = Path(self.out.value.strip()) / "aarshjul" / f"aarshjul_{family_id}.pdf"
        try:
            html_to_pdf(printable_html(wheel), target)
        except PdfUnavailable as error:
            self.family_messages.show(str(error), "warn")
            return
        self.family_links.value += download_link(target.name, target.read_bytes(), "Årshjul som PDF",
                                                 "tvaers-dl-wheel-pdf")
        self.family_messages.show(f"PDF'en er gemt i {target}.")
