"""The planning panel: coordinators and every family's follow-up meetings for a period, with a stop button.

Planning runs in a background thread so the page stays alive: the progress
bar moves, and "Stop" ends the search and keeps the best plan found so far.
Tests call :meth:`PlanningPanel.plan` with ``background=False``.
"""

from __future__ import annotations

import html
import threading
from collections import Counter
from datetime import date

import ipywidgets as w
import plotly.graph_objects as go

from workbench.catalogue import role_label
from workbench.io.store import Store
from workbench.model import Register
from workbench.scheduling.check import check_plan
from workbench.scheduling.plan import Plan
from workbench.scheduling.planner import PlanOptions, PlanRun, make_plan
from workbench.scheduling.stopping import StopToken
from workbench.ui.common import STYLE, MessageArea, RegisterLoader, guarded, help_html, show_figure, with_classes

STATUS_DA = {
    "OPTIMAL": "bevist bedst: ingen plan kan have færre forsinkede møder (de forsinkede skyldes fravær)",
    "FEASIBLE": "god plan fundet; det er ikke bevist, at færre forsinkede møder er umulige",
    "STOPPED": "stoppet af brugeren: bedste plan indtil da",
    "EMPTY": "ingen møder at planlægge",
}

TABLE_STYLE = """
<style>
.tvaers-plan table {border-collapse: collapse; font-family: sans-serif; font-size: 0.92em; margin: 4px 0 10px 0;}
.tvaers-plan th, .tvaers-plan td {border: 1px solid #cfd8dc; padding: 3px 7px; text-align: left; vertical-align: top;}
.tvaers-plan th {background: #eceff1;}
.tvaers-plan h3 {font-family: sans-serif; margin: 10px 0 4px 0;}
</style>
"""


def _esc(value: object) -> str:
    return html.escape(str(value))


def _table(headers: list[str], rows: list[list[object]], css: str = "") -> str:
    head = "".join(f"<th>{_esc(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{_esc(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f'<table class="{css}"><tr>{head}</tr>{body}</table>'


def summary_html(plan: Plan) -> str:
    s = plan.summary
    status = s.get("solver_status", "")
    gap = s.get("gap", 0.0)
    late = s.get("late_meetings", 0)
    verdict = ("Alle opfølgninger holdes inden for fristen." if late == 0 else
               f"{late} opfølgninger kan ikke holdes til tiden (højst {s.get('max_days_late', 0)} dage for sent).")
    rows = [
        ["Familier", s.get("families", 0)],
        ["Møder i perioden", s.get("meetings", 0)],
        ["Forsinkede møder", late],
        ["Heraf uundgåelige pga. fravær (nedre grænse)", s.get("late_lower_bound", 0)],
        ["Familier uden koordinator", s.get("unassigned_families", 0)],
        ["Flyttede udmeldte møder", s.get("moved_meetings", 0)],
        ["Status", f"{status}: {STATUS_DA.get(status, '')}"],
        ["Afstand til bevist bedst (gap)", f"{100 * gap:.0f} %"],
        ["Beregningstid", f"{s.get('solve_seconds', 0)} s"],
    ]
    return f'{TABLE_STYLE}<div class="tvaers-plan"><h3>{_esc(verdict)}</h3>{_table(["", ""], rows, "tvaers-summary")}</div>'


def late_html(plan: Plan) -> str:
    if not plan.messages:
        return ""
    items = "".join(f"<li>{_esc(m)}</li>" for m in plan.messages[:200])
    more = f"<li>... og {len(plan.messages) - 200} flere</li>" if len(plan.messages) > 200 else ""
    return (f'{STYLE}<div class="tvaers-plan tvaers-explanations"><h3>Forklaringer</h3>'
            f"<ul>{items}{more}</ul></div>")


def coordinator_html(register: Register, run: PlanRun) -> str:
    rows = []
    primary = Counter(a.primary_coordinator for a in run.plan.assignments if a.primary_coordinator)
    secondary = Counter(a.secondary_coordinator for a in run.plan.assignments if a.secondary_coordinator)
    for staff_id, (used, limit) in sorted(run.coordinators.load.items()):
        person = register.staff_by_id[staff_id]
        rows.append([person.name, staff_id, role_label(person.role), primary[staff_id], secondary[staff_id],
                     f"{used:g} / {limit:g}"])
    return (f'{TABLE_STYLE}<div class="tvaers-plan"><h3>Koordinatorer</h3>'
            + _table(["Navn", "Id", "Rolle", "Primær for", "Sekundær for", "Sagspoint"], rows, "tvaers-coordinators")
            + "</div>")


def meetings_per_week_figure(register: Register, plan: Plan) -> go.Figure:
    """Meetings per week and per attendee role: where the load falls over the year."""
    counts: Counter = Counter()
    for meeting in plan.meetings:
        week = meeting.day.isocalendar()
        for person in meeting.attendees:
            counts[(f"{week[0]}-U{week[1]:02d}", role_label(register.staff_by_id[person].role))] += 1
    weeks = sorted({w_ for w_, _ in counts})
    roles = sorted({r for _, r in counts})
    figure = go.Figure([go.Bar(name=role, x=weeks, y=[counts[(week, role)] for week in weeks]) for role in roles])
    figure.update_layout(barmode="stack", title="Mødedeltagelser pr. uge og faggruppe", height=380,
                         xaxis_title="Uge", yaxis_title="Deltagelser", legend_title="Faggruppe")
    return figure


class PlanningPanel:
    def __init__(self, store: Store | None = None, data_path=None) -> None:
        self.store = store or Store()
        self.register: Register | None = None
        self.run: PlanRun | None = None
        self.thread: threading.Thread | None = None
        self.token: StopToken | None = None
        self.messages = MessageArea()
        self.loader = RegisterLoader(on_loaded=self._loaded, path=data_path)
        year = date.today().year + 1
        self.start = with_classes(w.DatePicker(description="Fra", value=date(year, 1, 1)), "tvaers-plan-start")
        self.end = with_classes(w.DatePicker(description="Til", value=date(year, 12, 31)), "tvaers-plan-end")
        self.seconds = with_classes(w.IntSlider(description="Sekunder", value=60, min=5, max=600, step=5,
                                                style={"description_width": "initial"}), "tvaers-plan-seconds")
        self.previous = with_classes(w.Dropdown(description="Hold fast ved", options=[("(ingen – ny plan)", None)],
                                                style={"description_width": "initial"}), "tvaers-plan-previous")
        self.freeze = with_classes(w.DatePicker(description="Frys til og med"), "tvaers-plan-freeze")
        self.plan_button = with_classes(w.Button(description="Planlæg", button_style="primary", icon="calendar",
                                                 disabled=True), "tvaers-plan-run")
        self.stop_button = with_classes(w.Button(description="Stop", button_style="danger", icon="stop",
                                                 disabled=True), "tvaers-plan-stop")
        self.save_button = with_classes(w.Button(description="Gem plan", icon="save", disabled=True), "tvaers-plan-save")
        self.label = with_classes(w.Text(description="Navn", placeholder="fx Plan 2027 v1"), "tvaers-plan-label")
        self.progress = with_classes(w.FloatProgress(value=0, min=0, max=1, description=""), "tvaers-plan-progress")
        self.progress_text = with_classes(w.HTML(""), "tvaers-plan-progress-text")
        self.summary = with_classes(w.HTML(), "tvaers-plan-summary")
        self.explanations = with_classes(w.HTML(), "tvaers-plan-explanations")
        self.coordinators = with_classes(w.HTML(), "tvaers-plan-coordinators")
        self.chart = with_classes(w.Output(), "tvaers-plan-chart")
        self.plan_button.on_click(lambda _: self.plan())
        self.stop_button.on_click(lambda _: self.stop())
        self.save_button.on_click(lambda _: self.save())
        self._refresh_previous()
        self.widget = with_classes(w.VBox([
            w.HTML("<h2 style='font-family:sans-serif'>Planlægning af koordinatorer og opfølgningsmøder</h2>"),
            self.loader.widget,
            help_html("Vælg perioden. Værktøjet fordeler først primære og sekundære koordinatorer inden for "
                      "sagslofterne (eksisterende fordelinger og familiens eget valg holdes), og lægger derefter "
                      "alle opfølgningsmøder inden for lovens frister med hele teamet til stede. Helligdage, "
                      "fravær, deltid og dagslofter respekteres. Vil du ændre en udmeldt plan (fx efter en "
                      "sygemelding), så vælg den under 'Hold fast ved': møder til og med frysedatoen bliver "
                      "liggende, og så få andre som muligt flyttes."),
            w.HBox([self.start, self.end, self.seconds]),
            w.HBox([self.previous, self.freeze]),
            w.HBox([self.plan_button, self.stop_button]),
            w.HBox([self.progress, self.progress_text]),
            self.messages.widget,
            self.summary,
            w.HBox([self.label, self.save_button]),
            self.explanations,
            self.chart,
            self.coordinators,
        ]), "tvaers-planning-panel")
        self.loader.load()

    def _loaded(self, register: Register) -> None:
        self.register = register
        self.plan_button.disabled = False

    def _refresh_previous(self) -> None:
        options = [("(ingen – ny plan)", None)]
        options += [(f"{p['label']} ({p['start']} – {p['end']})", p["plan_id"]) for p in reversed(self.store.plans())]
        self.previous.options = options

    def _progress(self, share: float, text: str) -> None:
        self.progress.value = max(0.0, min(1.0, share))
        self.progress_text.value = f"<span style='font-family:sans-serif'>{html.escape(text)}</span>"

    def _options(self) -> PlanOptions:
        previous = ()
        if self.previous.value is not None:
            previous = tuple(self.store.load_plan(self.previous.value).meetings)
        return PlanOptions(time_limit=float(self.seconds.value), previous=previous, freeze_until=self.freeze.value)

    @guarded()
    def plan(self, background: bool = True) -> None:
        if self.register is None:
            self.messages.show("Indlæs data først.", "warn")
            return
        if not self.start.value or not self.end.value or self.end.value < self.start.value:
            self.messages.show("Vælg en gyldig periode: 'Til' skal ligge efter 'Fra'.", "warn")
            return
        if self.thread is not None and self.thread.is_alive():
            self.messages.show("Der planlægges allerede – vent eller tryk Stop.", "warn")
            return
        options = self._options()
        self.token = StopToken()
        self.messages.show("Planlægger … det tager op til "
                           f"{self.seconds.value} sekunder. Tryk Stop for at få den bedste plan indtil nu.", "ok")
        self.plan_button.disabled, self.stop_button.disabled, self.save_button.disabled = True, False, True
        if background:
            self.thread = threading.Thread(target=self._work, args=(options,), daemon=True)
            self.thread.start()
        else:
            self._work(options)

    def _work(self, options: PlanOptions) -> None:
        try:
            run = make_plan(self.register, self.start.value, self.end.value, options, self._progress, self.token)
            self._show(run)
        except Exception as error:  # the thread must never die silently
            self.messages.show(f"Planlægningen mislykkedes: {error}", "error")
        finally:
            self.plan_button.disabled, self.stop_button.disabled = False, True

    def _show(self, run: PlanRun) -> None:
        self.run = run
        report = check_plan(self.register, run.plan)
        if report.ok:
            self.messages.show("Planen er færdig og kontrolleret uafhængigt: ingen brud på de faste krav.", "ok")
        else:
            self.messages.show(f"Planen er færdig, men kontrollen fandt brud: {report.kinds()}", "error")
        self.summary.value = summary_html(run.plan)
        self.explanations.value = late_html(run.plan)
        self.coordinators.value = coordinator_html(self.register, run)
        show_figure(self.chart, meetings_per_week_figure(self.register, run.plan))
        self.save_button.disabled = False
        self._progress(1.0, "Færdig" if run.packing.status != "STOPPED" else "Stoppet – bedste plan vises")

    @guarded()
    def stop(self) -> None:
        if self.token is not None:
            self.token.stop()
            self._progress(self.progress.value, "Stopper …")

    @guarded()
    def save(self) -> int | None:
        if self.run is None:
            self.messages.show("Der er ingen plan at gemme endnu.", "warn")
            return None
        plan_id = self.store.save_plan(self.run.plan, self.label.value.strip() or f"Plan {date.today()}")
        self._refresh_previous()
        self.messages.show(f"Planen er gemt (nr. {plan_id}). Den kan bruges som udgangspunkt for en ny plan "
                           "og til eksport af kalendere.", "ok")
        return plan_id
