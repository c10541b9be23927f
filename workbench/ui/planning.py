"""The planning panel: coordinators and every family's follow-up meetings for a period, with a stop button -
continuing the announced plan week after week.

The announced plan (the last one approved with "Godkend og udsend") is the starting point without choosing
anything: its coordinators stay, its meetings up to the freeze date keep day, time and attendees, later ones
move only when a change forces it.  Before planning the page says what changed in the register since; after
planning, what moved, whose calendars change and which coordinators changed and why.  Below, the announced
meetings can be marked held or cancelled (meeting_records.py).

Planning runs in a background thread so the page stays alive: the progress bar moves, and "Stop" ends the
search and keeps the best plan found so far (:class:`workbench.ui.background.BackgroundJob`).  Tests call
:meth:`PlanningPanel.plan` with ``background=False``.  What the page shows after a run is made by pure functions
(``plan_summary_html``, ``plan_done_message``, ...) so the panel only wires widgets.
"""

from __future__ import annotations

import html
from collections import Counter
from datetime import date, timedelta

import ipywidgets as w
import plotly.colors
import plotly.graph_objects as go

from workbench.workdays import period_problem
from workbench.danish import PLAN_STATUS_DA, count, monday_of, number, short_date, week_label
from workbench.caseload import caseload, children_per_caseworker
from workbench.catalogue import role_label
from workbench.io.store import Store
from workbench.model import Plan, Register
from workbench.scheduling.baseline import Baseline, register_snapshot
from workbench.scheduling.changes import register_changes
from workbench.scheduling.deadlines import LATE, MET, OVERDUE, PLANNED_ON_TIME
from workbench.scheduling.check import CheckReport, check_continuity, check_plan
from workbench.scheduling.planner import PlanOptions, PlanRun, make_plan
from workbench.scheduling.repair import OBJECTIVE_DA
from workbench.settings import CHILDREN_PER_CASEWORKER
from workbench.screening.workflow import accepted_team_changes
from workbench.ui.background import BackgroundJob
from workbench.ui.week_view import WeekView
from workbench.ui.common import (
    MessageArea,
    RegisterLoader,
    STYLE,
    guarded,
    help_html,
    page_links,
    show_figure,
    with_classes,
)
from workbench.ui.common import today as current_day
from workbench.ui.meeting_records import MeetingRecordsPanel

NEW_PLAN = 0
"""The 'no announced plan' choice (a dropdown shows nothing for the value None; store ids start at 1)."""

TABLE_STYLE = """
<style>
.tvaers-plan table {border-collapse: collapse; font-family: sans-serif; font-size: 0.92em; margin: 4px 0 10px 0;}
.tvaers-plan th, .tvaers-plan td {border: 1px solid #cfd8dc; padding: 3px 7px; text-align: left; vertical-align: top;}
.tvaers-plan th {background: #eceff1;}
.tvaers-plan h3 {font-family: sans-serif; margin: 10px 0 4px 0;}
.tvaers-plan .tvaers-red, .tvaers-plan .tvaers-red td {color: #b71c1c;}
.tvaers-plan ul {font-family: sans-serif; margin: 2px 0 8px 0;}
</style>
"""


def _esc(value: object) -> str:
    return html.escape(str(value))


def _table(headers: list[str], rows: list[list[object]], css: str = "") -> str:
    head = "".join(f"<th>{_esc(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{_esc(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f'<table class="{css}"><tr>{head}</tr>{body}</table>'


def _list(lines: list[str], limit: int = 60, css: str = "") -> str:
    items = "".join(f"<li>{_esc(line)}</li>" for line in lines[:limit])
    more = f"<li>... og {len(lines) - limit} flere</li>" if len(lines) > limit else ""
    return f'<ul class="{css}">{items}{more}</ul>'


def plan_summary_html(plan: Plan) -> str:
    """The plan's key figures under a one-line verdict."""
    s = plan.summary
    status = s.get("solver_status", "")
    late = s.get("late_meetings", 0)
    verdict = ("Alle opfølgninger holdes inden for fristen." if late == 0 else
               f"{count(late, 'opfølgning', 'opfølgninger')} kan ikke holdes til tiden "
               f"(højst {count(s.get('max_days_late', 0), 'dag', 'dage')} for sent).")
    bound = s.get("late_lower_bound", 0)
    bound_days = s.get("late_days_lower_bound")
    rows = [
        ["Familier", s.get("families", 0)],
        ["Møder i perioden", s.get("meetings", 0)],
        ["Forsinkede opfølgninger", late],
        ["Dage for sent i alt", s.get("total_days_late", 0)],
        ["Mindst for sene i enhver plan (bevist)",
         bound if bound_days is None else f"{bound} ({count(bound_days, 'dag', 'dage')})"],
        *([["Forsinkelser, der ikke kunne undgås (fravær eller en fuld uge)", s["late_forced"]],
           ["Forsinkelser, der måske kunne undgås", s["late_not_proven"]]] if "late_forced" in s else []),
        ["Overskredne frister, der ikke er holdt", len(s.get("overdue", []))],
        *([["Frister i perioden: holdt / planlagt til tiden / for sent / overskredet",
            " / ".join(str(s["deadlines"].get(k, 0)) for k in (MET, PLANNED_ON_TIME, LATE, OVERDUE))],
           ["Heraf lovkrav (lovens egne frister) for sent eller overskredet", s.get("late_by_kind", {}).get("lovkrav", 0)]]
          if "deadlines" in s else []),
        *([["Sparet, fordi familien selv vælger, hvem der kommer",
            f"{count(saving['person_meetings'], 'mødedeltagelse', 'mødedeltagelser')} ({number(saving['hours'])} timer) "
            f"hos {count(saving['families'], 'familie', 'familier')}"]]
          if (saving := s.get("attendance_saving")) and saving.get("person_meetings") else []),
        ["Familier uden koordinator", s.get("unassigned_families", 0)],
        ["Flyttede udmeldte møder", s.get("moved_meetings", 0)],
        ["Fastfrosne møder, der ikke kan holdes", len(s.get("conflicts", []))],
        ["Vurdering", PLAN_STATUS_DA.get(status, status) if late else "alle frister holder"],
        ["Beregningstid", f"{str(s.get('solve_seconds', 0)).replace('.', ',')} s"
                          + ("" if s.get("reproducible", True) else " (afbrudt: kan ikke gentages præcist)")],
    ]
    said = [s["late_bound"]["text"]] if late and "late_bound" in s else []
    said.append(OBJECTIVE_DA)
    lines = "".join(f'<div class="tvaers-help tvaers-bound">{_esc(line)}</div>' for line in said)
    return (f'{TABLE_STYLE}<div class="tvaers-plan"><h3>{_esc(verdict)}</h3>{lines}'
            f'{_table(["Nøgletal", "Værdi"], rows, "tvaers-summary")}</div>')


def _names(names: dict, ids) -> str:
    return ", ".join(f"{names[s]} ({s})" if s in names else s for s in ids)


def plan_done_message(report: CheckReport, plan: Plan) -> tuple[str, str]:
    """What the page says when a plan is finished, and how (kind): the independent check's verdict first."""
    conflicts = len(plan.summary.get("conflicts", []))
    if not report.ok:
        return f"Planen er færdig, men kontrollen fandt brud: {report.kinds()}", "error"
    if conflicts:
        return (f"Planen er færdig og kontrolleret uafhængigt, men {conflicts} fastfrosne møder kan ikke holdes som "
                "udmeldt – se forslagene nedenfor, før planen godkendes.", "warn")
    return "Planen er færdig og kontrolleret uafhængigt: ingen brud på de faste krav.", "ok"


def overdue_html(plan: Plan, names: dict | None = None) -> str:
    rows = plan.summary.get("overdue", [])
    names = names or {}
    if not rows:
        return ""
    as_of = date.fromisoformat(plan.summary.get("as_of", plan.start.isoformat()))
    table = _table(["Familie", "Hvad", "Frist", f"Dage overskredet pr. {as_of:%d.%m.}", "Planlagt til",
                    "Dage for sent, når mødet holdes", "Deltagere"],
                   [[r["family_id"], r.get("what", "opfølgningsmødet"), date.fromisoformat(r["deadline"]).strftime("%d.%m.%Y"), r["days_overdue"],
                     (date.fromisoformat(r["planned_for"]).strftime("%d.%m.%Y")
                      + (" (udmeldt, fastfrosset)" if r.get("frozen") else "")) if r["planned_for"] else "ikke planlagt",
                     r.get("days_late_when_held", ""), _names(names, r["attendees"])] for r in rows],
                   "tvaers-red tvaers-overdue-table")
    return (f'{TABLE_STYLE}<div class="tvaers-plan"><h3 class="tvaers-red">Overskredne frister pr. {as_of:%d.%m.%Y} '
            f'({len(rows)})</h3><div class="tvaers-help">Opfølgninger, hvis frist er passeret, uden at mødet er holdt. '
            f'Nye møder lægges så tidligt, som teamet kan; et udmeldt møde i frysevinduet bliver liggende, indtil du '
            f'flytter det (Registrér hvad der skete) eller vælger en tidligere frysedato.</div>{table}</div>')


def changes_html(run: PlanRun, names: dict | None = None) -> str:
    """What the new plan changes compared with the announced one."""
    if run.changes is None:
        return ""
    changes, plan, names = run.changes, run.plan, names or {}
    parts = [TABLE_STYLE, '<div class="tvaers-plan"><h3>Ændringer i forhold til den udmeldte plan</h3>',
             _list(changes.lines()[:1], css="tvaers-change-counts")]
    conflicts = [m for m in plan.messages if m.startswith("Mødet ")]
    if conflicts:
        parts.append('<h3 class="tvaers-red">Fastfrosne møder, der ikke kan holdes</h3>'
                     + _list(conflicts, css="tvaers-red tvaers-conflicts"))
    if changes.moved or changes.dropped:
        parts.append("<h3>Flyttede og bortfaldne møder</h3>" + _list(changes.lines()[1:], css="tvaers-moves"))
    coordinator_lines = [f"Familie {c['family_id']}: {c['kind']} koordinator {_names(names, [c['before']]) or '(ingen)'}"
                         f" → {_names(names, [c['after']]) or '(ingen)'}" + (f" – {c['reason']}" if c["reason"] else "")
                         for c in changes.coordinator_changes]
    coordinator_lines += [f"Ny familie {c['family_id']}: {c['kind']} koordinator {_names(names, [c['after']])}"
                          for c in changes.coordinators_new]
    parts.append("<h3>Koordinatorer</h3>" + (_list(coordinator_lines, css="tvaers-coordinator-changes")
                                             if coordinator_lines else
                                             "<div class='tvaers-help'>Ingen familie skifter koordinator.</div>"))
    if changes.calendars_changed:
        parts.append("<div class='tvaers-help'>Kalendere der ændres: "
                     + _esc(_names(names, sorted(changes.calendars_changed)))
                     + ". Eksportér kalenderne igen under 4. Eksport; kun de ændrede møder sendes som ændringer.</div>")
    reoptimize = [m for m in plan.messages if m.startswith("Genoptimering")]
    if reoptimize:
        parts.append(_list(reoptimize, css="tvaers-reoptimize"))
    return "".join(parts) + "</div>"





def late_html(plan: Plan) -> str:
    messages = [m for m in plan.messages if not (m.startswith(("Genoptimering", "Mødet "))
                                                 or "dage overskredet; planlagt" in m)]
    if not messages:
        return ""
    items = "".join(f"<li>{_esc(m)}</li>" for m in messages[:200])
    more = f"<li>... og {len(messages) - 200} flere</li>" if len(messages) > 200 else ""
    return (f'{STYLE}<div class="tvaers-plan tvaers-explanations"><h3>Forklaringer</h3>'
            f"<ul>{items}{more}</ul></div>")


def coordinator_html(register: Register, run: PlanRun) -> str:
    rows = []
    primary = Counter(a.primary_coordinator for a in run.plan.assignments if a.primary_coordinator)
    secondary = Counter(a.secondary_coordinator for a in run.plan.assignments if a.secondary_coordinator)
    for staff_id, (used, limit) in sorted(run.coordinators.load.items()):
        person = register.staff_by_id.get(staff_id)
        if person is None:
            continue
        rows.append([person.name, staff_id, role_label(person.role), primary[staff_id], secondary[staff_id],
                     f"{number(used)} / {number(limit)}"])
    return (f'{TABLE_STYLE}<div class="tvaers-plan"><h3>Koordinatorer</h3>'
            + _table(["Navn", "Id", "Rolle", "Primær for", "Sekundær for", "Sagspoint"], rows, "tvaers-coordinators")
            + "</div>" + children_html(register, run))


def children_html(register: Register, run: PlanRun) -> str:
    """Children's cases per caseworker next to the points: each child counts in full (DS: 20-30 children)."""
    low, high = CHILDREN_PER_CASEWORKER
    counts = children_per_caseworker(register, run.plan.assignments)
    if not counts:
        return ""
    used = caseload(register, run.plan.assignments)
    rows = []
    for staff_id, children in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        person = register.staff_by_id[staff_id]
        verdict = "over pejlemærket" if children > high else "inden for" if children >= low else "under"
        rows.append([person.name, staff_id, role_label(person.role), children, verdict,
                     f"{number(used.get(staff_id, 0.0))} / {number(person.max_caseload_points)}"])
    over = sum(1 for c in counts.values() if c > high)
    return (f'<div class="tvaers-plan"><h3>Børnesager pr. sagsbehandler</h3><div class="tvaers-help">Hvert barn med '
            f'en sag efter barnets lov tæller helt for den sagsbehandler, der holder barnets samtaler. Dansk '
            f'Socialrådgiverforenings pejlemærke er {low}–{high} børn pr. sagsbehandler'
            + (f'; {count(over, "sagsbehandler", "sagsbehandlere")} har flere.' if over else ".") + "</div>"
            + _table(["Navn", "Id", "Rolle", "Børn", f"Pejlemærke {low}–{high}", "Sagspoint"], rows,
                     "tvaers-children") + "</div>")


def meetings_per_week_figure(register: Register, plan: Plan) -> go.Figure:
    """Meetings per week and per attendee role: where the load falls over the year."""
    counts: Counter = Counter()
    for meeting in plan.meetings:
        monday = monday_of(meeting.day)
        for person in meeting.attendees:
            staff = register.staff_by_id.get(person)
            counts[(monday, role_label(staff.role) if staff else "andre")] += 1
    weeks = sorted({w_ for w_, _ in counts})
    roles = sorted({r for _, r in counts})
    labels = [week_label(week) for week in weeks]
    colours = plotly.colors.qualitative.Dark24  # 24 distinct colours: no two of the 13 professions look alike
    figure = go.Figure([go.Bar(name=role, x=labels, y=[counts[(week, role)] for week in weeks],
                               marker_color=colours[n % len(colours)]) for n, role in enumerate(roles)])
    figure.update_layout(barmode="stack", title="Mødedeltagelser pr. uge og faggruppe", height=480,
                         xaxis_title="Uge", yaxis_title="Deltagelser", legend_title="Faggruppe",
                         legend={"orientation": "h", "y": -0.35})  # under the chart, not behind a scrollbar
    return figure


class PlanningPanel:
    def __init__(self, store: Store | None = None, data_path=None, today: date | None = None) -> None:
        """The page's widgets, wired and laid out in the order the page shows them: a list of widgets more than
        logic, which is why it is long."""
        self.store = store or Store()
        self.today = today or current_day()
        self.register: Register | None = None
        self.run: PlanRun | None = None
        self.saved_plan_id: int | None = None
        self.baseline: Baseline | None = None
        self.messages = MessageArea()
        self.loader = RegisterLoader(on_loaded=self._loaded, path=data_path,
                                     on_failed=lambda: setattr(self, "register", None))
        year = self.today.year + 1
        self.start = with_classes(w.DatePicker(description="Fra", value=date(year, 1, 1)), "tvaers-plan-start")
        self.end = with_classes(w.DatePicker(description="Til", value=date(year, 12, 31)), "tvaers-plan-end")
        self.seconds = with_classes(w.IntSlider(description="Sekunder", value=60, min=5, max=600, step=5,
                                                style={"description_width": "initial"}), "tvaers-plan-seconds")
        self.previous = with_classes(w.Dropdown(description="Fortsæt fra", options=[("(ingen – ny plan)", NEW_PLAN)],
                                                style={"description_width": "initial"}, layout=w.Layout(width="560px")),
                                     "tvaers-plan-previous")
        self.baseline_info = with_classes(w.HTML(), "tvaers-plan-baseline")
        self.register_changes = with_classes(w.HTML(), "tvaers-plan-register-changes")
        self.freeze = with_classes(w.DatePicker(description="Frys til og med", style={"description_width": "initial"}),
                                   "tvaers-plan-freeze")
        self.as_of = with_classes(w.DatePicker(description="I dag", value=self.today), "tvaers-plan-today")
        self.as_of.observe(lambda change: self._today_changed(change["old"], change["new"]), names="value")
        self.reoptimize = with_classes(w.Checkbox(description="Genoptimér: flyt flere udmeldte møder, hvis det giver "
                                                              "færre dage for sent", value=False, indent=False,
                                                  layout=w.Layout(width="auto")), "tvaers-plan-reoptimize")
        self.plan_button = with_classes(w.Button(description="Planlæg", button_style="primary", icon="calendar",
                                                 disabled=True), "tvaers-plan-run")
        self.stop_button = with_classes(w.Button(description="Stop", button_style="danger", icon="stop",
                                                 disabled=True), "tvaers-plan-stop")
        self.save_button = with_classes(w.Button(description="Gem plan", icon="save", disabled=True), "tvaers-plan-save")
        self.approve_button = with_classes(w.Button(description="Godkend og udsend", icon="check", button_style="success",
                                                    disabled=True, layout=w.Layout(width="auto"),
                                                    tooltip="Gemmer planen og gør den til den udmeldte plan, som "
                                                            "næste planlægning fortsætter fra"),
                                           "tvaers-plan-approve")
        self.label = with_classes(w.Text(description="Navn", placeholder="fx Plan 2027 uge 2"), "tvaers-plan-label")
        self.progress = with_classes(w.FloatProgress(value=0, min=0, max=1, description=""), "tvaers-plan-progress")
        self.progress_text = with_classes(w.HTML(""), "tvaers-plan-progress-text")
        self.job = BackgroundJob(self.messages, [self.plan_button], self.stop_button, self.progress,
                                 self.progress_text, failed="Planlægningen mislykkedes",
                                 busy="Der planlægges allerede – vent eller tryk Stop.", name="tvaers-planning")
        self.summary = with_classes(w.HTML(), "tvaers-plan-summary")
        self.overdue = with_classes(w.HTML(), "tvaers-plan-overdue")
        self.changes = with_classes(w.HTML(), "tvaers-plan-changes")
        self.explanations = with_classes(w.HTML(), "tvaers-plan-explanations")
        self.coordinators = with_classes(w.HTML(), "tvaers-plan-coordinators")
        self.chart = with_classes(w.Output(), "tvaers-plan-chart")
        self.week_view = WeekView()
        self.records = MeetingRecordsPanel(self.store, on_change=self._show_baseline, today=self.today)
        self.plan_button.on_click(lambda _: self.plan())
        self.stop_button.on_click(lambda _: self.stop())
        self.save_button.on_click(lambda _: self.save())
        self.approve_button.on_click(lambda _: self.approve())
        self.previous.observe(lambda _: self._show_baseline(set_period=True), names="value")
        self._refresh_previous(select_announced=True)
        self.widget = with_classes(w.VBox([
            page_links("02_planlaegning.ipynb"),
            w.HTML("<h2 style='font-family:sans-serif'>Planlægning af koordinatorer og opfølgningsmøder</h2>"),
            self.loader.widget,
            help_html("Værktøjet fordeler primære og sekundære koordinatorer inden for sagslofterne og lægger alle "
                      "opfølgningsmøder inden for fristerne med hele teamet til stede; helligdage, fravær, deltid og "
                      "dagslofter respekteres. Er der en udmeldt plan, fortsætter den nye plan den: familierne "
                      "beholder deres koordinatorer, møderne til og med frysedatoen bliver liggende med de samme "
                      "deltagere, og senere møder flyttes kun, når en ændring tvinger det. Møder kan ikke lægges "
                      "før 'I dag'."),
            self.previous,
            self.baseline_info,
            self.register_changes,
            w.HBox([self.start, self.end, self.seconds]),
            w.HBox([self.freeze, self.as_of]),
            self.reoptimize,
            w.HBox([self.plan_button, self.stop_button]),
            w.HBox([self.progress, self.progress_text]),
            self.messages.widget,
            self.summary,
            w.HBox([self.label, self.save_button, self.approve_button]),
            self.overdue,
            self.changes,
            self.explanations,
            self.week_view.widget,
            self.chart,
            self.coordinators,
            self.records.widget,
        ]), "tvaers-planning-panel")
        self.loader.load()

    # ------------------------------------------------------------------ the announced plan

    def _loaded(self, register: Register) -> None:
        if self.register is not None and self.run is not None:  # new data: the old result no longer applies
            self.run = None
            for view in (self.summary, self.overdue, self.changes, self.explanations, self.coordinators):
                view.value = ""
            self.chart.outputs = ()
            self.save_button.disabled = self.approve_button.disabled = True
        self.register = register
        self.plan_button.disabled = False
        self.records.refresh(register)
        self._show_baseline(set_period=True)

    def _refresh_previous(self, select_announced: bool = False) -> None:
        announced = self.store.announced_plan_id()
        options = [("(ingen – ny plan)", NEW_PLAN)]
        for p in reversed(self.store.plans()):
            mark = " – udmeldt" if p["plan_id"] == announced else ""
            options.append((f"{p['label']} ({short_date(p['start'])} – {short_date(p['end'])}){mark}", p["plan_id"]))
        current = self.previous.value
        self.previous.options = options
        if select_announced and announced is not None:
            self.previous.value = announced
        elif current in [value for _, value in options]:
            self.previous.value = current

    def _show_baseline(self, set_period: bool = False) -> None:
        """Load the chosen plan as the baseline and say what it holds and what changed in the register since;
        ``set_period``: also take the plan's period and a freeze two weeks ahead (when the choice changes)."""
        plan_id = self.previous.value
        if not plan_id:
            self.baseline = None
            self.baseline_info.value = ("<div class='tvaers-help'>Ingen udmeldt plan: der planlægges forfra. Godkend "
                                        "en plan for at fortsætte fra den næste gang.</div>")
            accepted = self._accepted_lines()
            self.register_changes.value = (
                f'{TABLE_STYLE}<div class="tvaers-plan"><h3>Teams accepteret fra screeninger ({len(accepted)})</h3>'
                f"{_list(accepted, css='tvaers-register-change-list')}</div>" if accepted else "")
            return
        plan = self.store.load_plan(plan_id)
        label = next((p["label"] for p in self.store.plans() if p["plan_id"] == plan_id), str(plan_id))
        self.baseline = Baseline.from_plan(plan, self.store.snapshot(plan_id), label)
        held = sum(m.status == "held" for m in plan.meetings)
        self.baseline_info.value = (
            f"<div class='tvaers-help'>Udgangspunkt: <b>{_esc(label)}</b> ({plan.start:%d.%m.%Y}–{plan.end:%d.%m.%Y}): "
            f"{count(len(plan.meetings), 'møde', 'møder')} ({held} afholdt) og {len(plan.cancelled)} aflyst. "
            "Den nye plan fortsætter den.</div>")
        if set_period:
            self.start.value, self.end.value = plan.start, plan.end
            self.freeze.value = max(self.as_of.value or self.today, plan.start) + timedelta(days=14)
        if self.register is not None:
            lines = register_changes(self.baseline.snapshot, register_snapshot(self.register))
            lines += self._accepted_lines()
            title = (f"Ændret siden planen blev lavet ({len(lines)})" if lines else
                     "Intet er ændret i registret siden planen blev lavet.")
            self.register_changes.value = (f'{TABLE_STYLE}<div class="tvaers-plan"><h3>{_esc(title)}</h3>'
                                           f"{_list(lines, css='tvaers-register-change-list')}</div>")

    def _today_changed(self, old: date | None, new: date | None) -> None:
        """The freeze date follows 'I dag' (two weeks ahead) unless the user chose another one."""
        if new and old and self.freeze.value == old + timedelta(days=14):
            self.freeze.value = new + timedelta(days=14)

    def _accepted_lines(self) -> list[str]:
        if self.register is None:
            return []
        return [f"Familie {c.family_id}: accepteret teamforslag fra screening gælder fra {c.from_date:%d.%m.%Y}"
                for c in accepted_team_changes(self.store) if c.family_id in self.register.family_by_id] + [
            f"Familie {f}: familiens eget valg fra familieplanen ("
            + " og ".join(w for w, k in (("hvem der kommer til møderne", "attendees"), ("koordinator", "coordinator"))
                          if k in c) + ")" for f, c in self._family_choices().items()]

    # ------------------------------------------------------------------ planning

    @property
    def thread(self):
        """The thread of the running (or last) plan; None before the first background run."""
        return self.job.thread

    @property
    def token(self):
        return self.job.token

    def wait(self, timeout: float | None = None) -> bool:
        """Block until a background plan has finished (for tests and scripts)."""
        return self.job.wait(timeout)

    def _options(self) -> PlanOptions:
        as_of = self.as_of.value if self.as_of.value and self.start.value < self.as_of.value else None
        return PlanOptions(time_limit=float(self.seconds.value), baseline=self.baseline,
                           freeze_until=self.freeze.value if self.baseline else None,
                           reoptimize=bool(self.reoptimize.value), as_of=as_of,
                           team_changes=tuple(accepted_team_changes(self.store)),
                           family_choices=self._family_choices())

    def _family_choices(self) -> dict:
        """What families chose on their family plan page, for families in the data."""
        known = self.register.family_by_id if self.register is not None else {}
        return {f: c for f, c in self.store.family_choices().items() if f in known}

    @guarded()
    def plan(self, background: bool = True) -> None:
        if self.register is None:
            self.messages.show("Indlæs data først.", "warn")
            return
        if not self.start.value or not self.end.value or self.end.value < self.start.value:
            self.messages.show("Vælg en gyldig periode: 'Til' skal ligge efter 'Fra'.", "warn")
            return
        if problem := period_problem(self.start.value, self.end.value):
            self.messages.show(problem, "warn")
            return
        if self.as_of.value and self.as_of.value > self.end.value:
            self.messages.show("'I dag' ligger efter periodens slutning; vælg en periode, der ligger foran.", "warn")
            return
        if self.job.running:
            self.messages.show(self.job.busy, "warn")
            return
        self._show_baseline()
        options = self._options()
        register, start, end = self.register, self.start.value, self.end.value
        self.messages.show("Planlægger … det tager op til "
                           f"{self.seconds.value} sekunder. Tryk Stop for at få den bedste plan indtil nu.", "ok")
        self.save_button.disabled = self.approve_button.disabled = True
        self.job.start(lambda token: make_plan(register, start, end, options, self.job.report, token),
                       lambda run: self._show(run, options), background=background)

    def _show(self, run: PlanRun, options: PlanOptions) -> None:
        self.run, self.saved_plan_id = run, None
        report = check_plan(self.register, run.plan)
        if options.baseline is not None:
            report.breaches += check_continuity(list(options.baseline.meetings), run.plan, options.freeze_until)
        self.summary.value = plan_summary_html(run.plan)
        names = {s.staff_id: s.name for s in self.register.staff}
        self.overdue.value = overdue_html(run.plan, names)
        self.changes.value = changes_html(run, names)
        self.explanations.value = late_html(run.plan)
        self.coordinators.value = coordinator_html(self.register, run)
        show_figure(self.chart, meetings_per_week_figure(self.register, run.plan))
        self.week_view.show(run.plan, self.register, first=options.as_of or run.plan.start)
        self.save_button.disabled = self.approve_button.disabled = False
        # said last, when everything is on the page and the plan can be approved: "færdig" while the results
        # were still being drawn invited pressing 'Godkend og udsend' too early
        self.messages.show(*plan_done_message(report, run.plan))
        self.job.report(1.0, "Færdig" if run.packing.status != "STOPPED" else "Stoppet – bedste plan vises")

    @guarded()
    def stop(self) -> None:
        self.job.stop()

    # ------------------------------------------------------------------ saving and announcing

    @guarded()
    def save(self) -> int | None:
        if self.run is None:
            self.messages.show("Der er ingen plan at gemme endnu.", "warn")
            return None
        if self.saved_plan_id is not None:
            self.messages.show(f"Planen er allerede gemt (nr. {self.saved_plan_id}).", "ok")
            return self.saved_plan_id
        label = self.label.value.strip() or f"Plan {self.today:%d.%m.%Y}"
        self.saved_plan_id = self.store.save_plan(self.run.plan, label, register_snapshot(self.register))
        self._refresh_previous()
        self.messages.show(f"Planen er gemt (nr. {self.saved_plan_id}). Den kan bruges som udgangspunkt for en ny "
                           "plan og til eksport af kalendere.", "ok")
        return self.saved_plan_id

    @guarded()
    def approve(self) -> int | None:
        """"Godkend og udsend": save the plan (if needed) and make it the announced plan."""
        if self.run is None:
            self.messages.show("Lav en plan først.", "warn")
            return None
        plan_id = self.save()
        if plan_id is None:
            return None
        self.store.announce(plan_id)
        self._refresh_previous(select_announced=True)
        self.records.refresh(self.register)
        self.approve_button.disabled = True
        self.label.value = ""
        self.messages.show(f"Planen er godkendt og udsendt (nr. {plan_id}): {len(self.run.plan.meetings)} møder er nu "
                           "udmeldt. Næste planlægning fortsætter fra den. Eksportér kalenderne under 4. Eksport.", "ok")
        return plan_id
