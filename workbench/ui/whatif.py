"""The "Hvad hvis?" panel: how many more staff does a change need, and what does a change do?

Two tabs.  "Hvor mange flere?" answers the team leader's question directly:
N more families (on top of a saved scenario or today's situation) -> the fewest
newcomers per role, with the proven lower bound beside it.  "Sammenlign
scenarier" builds scenarios from small edits, runs them side by side and draws
the comparison, the workload heat map and the caseload distribution.

Long runs happen in a background thread so the stop button works
(:class:`workbench.ui.background.BackgroundJob`); tests set ``background = False`` (or call :meth:`wait`).
What the page shows after a run is made by pure functions (``whatif_results_html``, ``staffing_html``, ...).  Key controls carry stable CSS
classes (``tvaers-whatif-...``) for the browser tests.
"""

from __future__ import annotations

import html
from datetime import date, timedelta
from pathlib import Path

import ipywidgets as w

from workbench.workdays import period_problem
from workbench.danish import count, number
from workbench import catalogue
from workbench.io.store import Store
from workbench.model import Register
from workbench.scheduling.stopping import StopToken
from workbench.ui.background import BackgroundJob
from workbench.whatif.marginal import MarginalResult, marginal_hires
from workbench.ui.common import MessageArea, RegisterLoader, STYLE, guarded, help_html, page_links, show_figure
from workbench.whatif import charts
from workbench.whatif.kpis import HOLDS_DA, KPI_LABELS_DA, ScenarioResult
from workbench.whatif.runner import WhatIfOptions, default_horizon, run_scenarios, run_staffing
from workbench.whatif.scenario import (
    BASE,
    EDIT_LABELS_DA,
    AddAbsence,
    AddFamilies,
    AddStaff,
    ChangeCadence,
    RemoveStaff,
    Scenario,
    ScenarioError,
    SetCaseloadCap,
    SetMeetingCap,
)
from workbench.whatif.staffing import StaffingOptions, StaffingResult

SAVED_KIND = "scenario_def"
"""Store kind for the team leader's saved scenario definitions (results are under "scenario")."""

SHOWN_KPIS = ("families", "families_fully_staffed", "unassigned_families", "missing_secondary", "vacant_places",
              "meetings", "late_meetings", "avoidable_late", "late_lovkrav", "unavoidable_families", "max_days_late",
              "over_cap_staff", "max_children_per_caseworker", "coordinator_load_median", "coordinator_load_max",
              "peak_week_utilisation", "legal_ok")


def _classed(widget: w.Widget, name: str) -> w.Widget:
    widget.add_class(f"tvaers-whatif-{name}")
    return widget


def _wide(description: str) -> dict:
    return {"description": description, "style": {"description_width": "initial"}}


def whatif_results_html(results: list[ScenarioResult]) -> str:
    """The scenarios' key figures side by side (one column per scenario) and their notes."""
    head = "".join(f"<th>{html.escape(r.name)}</th>" for r in results)
    body = ""
    for key in SHOWN_KPIS:
        cells = ""
        for r in results:
            value = getattr(r.kpis, key)
            shown = ("ja" if value else "nej") if isinstance(value, bool) else number(value)
            cells += f"<td style='text-align:right'>{shown}</td>"
        body += f"<tr><td>{html.escape(KPI_LABELS_DA[key])}</td>{cells}</tr>"
    notes = "".join(f"<li><b>{html.escape(r.name)}</b>: {html.escape(n)}</li>" for r in results for n in r.notes)
    style = ("<style>.tvaers-whatif-kpis th, .tvaers-whatif-kpis td {padding: 2px 12px;}"
             ".tvaers-whatif-kpis th {text-align: right;}</style>")  # 'Nuværende Fem flere familier' ran together
    return (f"{STYLE}{style}<table class='tvaers-whatif-kpis'><tr><th></th>{head}</tr>{body}</table>"
            f"{'<ul class=tvaers-help>' + notes + '</ul>' if notes else ''}")


def whatif_results_message(results: list[ScenarioResult]) -> tuple[str, str]:
    """What the page says after a run, and how (kind)."""
    if not results:
        return "Ingen scenarier blev kørt (stoppet).", "warn"
    ok = [r.name for r in results if r.kpis.legal_ok]
    return (f"{count(len(results), 'scenarie', 'scenarier')} kørt. Holder i: {', '.join(ok) or 'ingen'} "
            f"(holder = {HOLDS_DA}).", "ok" if ok else "warn")


def staffing_html(result: StaffingResult, scenario: Scenario, start: date, end: date) -> str:
    """The answer to "how many more?": the newcomers per role, the lower bounds beside them, and why."""
    kind = "ok" if result.feasible else "warn"
    rows = "".join(
        f"<tr><td>{html.escape(b.label)}</td><td style='text-align:right'>{number(b.points_needed)}</td>"
        f"<td style='text-align:right'>{number(b.points_available)}</td>"
        f"<td style='text-align:right'>{b.meetings_needed}</td><td style='text-align:right'>{b.meeting_slots}</td>"
        f"<td style='text-align:right'>{'umuligt' if b.hires < 0 else b.hires}</td>"
        f"<td style='text-align:right'><b>{sum(result.hires.get(r, 0) for r in b.hire_roles)}</b></td></tr>"
        for b in result.bounds)
    hires = "".join(f"<li><b>{n}</b> {html.escape(catalogue.role_label(r).lower())}</li>"
                    for r, n in sorted(result.hires.items()))
    notes = "".join(f"<li>{html.escape(m)}</li>" for m in result.messages[:8])
    unavoidable = ""
    if result.unavoidable:
        families = sorted({u["family_id"] for u in result.unavoidable})
        listed = ", ".join(families[:10]) + (" ..." if len(families) > 10 else "")
        reasons = "".join(f"<li>{html.escape(u.get('person_id') or u['family_id'])}: {html.escape(u['reason'])}"
                          f" (frist {date.fromisoformat(u['deadline']):%d.%m.%Y})</li>"
                          for u in result.unavoidable[:10])
        unavoidable = (f"<p>{len(families)} {'familie' if len(families) == 1 else 'familier'} kan ikke nå alle "
                       f"frister uanset bemanding ({html.escape(listed)}); de frister indgår ikke i kravet:</p>"
                       f"<ul>{reasons}</ul>")
    moved = len(result.handovers)
    cached = " (hentet fra en tidligere beregning)" if result.cached else ""
    return (
        f"{STYLE}<div class='tvaers-msg tvaers-{kind} tvaers-whatif-answer'>"
        f"<b>{html.escape(result.summary_da())}</b>{cached}"
        f"{'<ul>' + hires + '</ul>' if hires else ''}"
        f"<p>Scenarie: {html.escape(scenario.describe())}. Periode {start:%d.%m.%Y}–"
        f"{end:%d.%m.%Y}. {count(moved, 'familieplads får', 'familiepladser får')} en ny fagperson "
        f"(nye familier og overdragelser). Beregnet i {count(round(result.seconds), 'sekund', 'sekunder')}, "
        f"{count(result.rounds, 'runde', 'runder')}.</p>"
        f"{unavoidable}"
        f"<table class='tvaers-whatif-bounds'><tr><th>Gruppe</th><th>Point behov</th><th>Point ledige</th>"
        f"<th>Møder behov</th><th>Mødepladser</th><th>Mindst nødvendigt</th><th>Værktøjets svar</th></tr>{rows}</table>"
        f"{'<ul>' + notes + '</ul>' if notes else ''}</div>")


def marginal_html(result: MarginalResult) -> str:
    """What one more colleague of each role removes: a table (most useful first) and one sentence per role."""
    esc = html.escape
    head = (f"<p><b>Uden ny medarbejder:</b> {count(result.late, 'forsinket opfølgning', 'forsinkede opfølgninger')} "
            f"({count(result.days_late, 'dag', 'dage')} i alt); {result.unavoidable} af dem kan ikke undgås uanset "
            f"bemanding.</p>")
    if not result.values:
        return head + f"<p>{esc(result.text)}</p>"
    rows = "".join(
        f"<tr><td>{esc(catalogue.role_label(v.role))}</td><td>{len(v.handovers)}</td>"
        f"<td>{v.late_before} → {v.late_after}</td><td>{v.days_before} → {v.days_after}</td>"
        f"<td>{'ja' if v.proven_late and v.proven_late == v.removed_late > 0 else 'nej'}</td></tr>"
        for v in result.values)
    sentences = "".join(f"<li>{esc(v.text)}</li>" for v in result.values)
    return (head + "<table class='tvaers-marginal'><thead><tr><th>Én mere af</th><th>Overtager familier</th>"
            "<th>Forsinkede opfølgninger</th><th>Dage for sent</th><th>Bevist</th></tr></thead>"
            f"<tbody>{rows}</tbody></table><ul>{sentences}</ul>"
            + ("<p>Stoppet: kun de roller, der nåede at blive beregnet, er vist.</p>" if result.stopped else ""))


class WhatIfPanel:
    """Danish widget panel for what-if staffing analysis (see module docstring)."""

    def __init__(self, path: Path | None = None, store: Store | None = None, background: bool = True) -> None:
        """The page's widgets, wired and laid out in the order the page shows them: a list of widgets more than
        logic, which is why it is long."""
        self.store = store if store is not None else Store()
        self.background = background
        self.register: Register | None = None
        self.results: list[ScenarioResult] = []
        self.staffing: StaffingResult | None = None
        self.figures: dict[str, object] = {}
        self.scenarios: dict[str, Scenario] = {BASE.name: BASE}
        self.draft: list = []
        self.messages = MessageArea()
        _classed(self.messages.widget, "messages")
        self.loader = RegisterLoader(on_loaded=self._loaded, path=path,
                                     on_failed=lambda: setattr(self, "register", None))

        # horizon and time
        self.start = _classed(w.DatePicker(**_wide("Fra:")), "start")
        self.end = _classed(w.DatePicker(**_wide("Til:")), "end")
        self.seconds = _classed(w.BoundedIntText(value=60, min=5, max=1800, **_wide("Sekunder pr. beregning:")),
                                "seconds")

        # question tab
        self.extra_families = _classed(w.BoundedIntText(value=30, min=0, max=2000, **_wide("Flere familier:")),
                                       "families")
        self.basis = _classed(w.Dropdown(options=[BASE.name], value=BASE.name, **_wide("Oven i scenariet:")), "basis")
        self.hire_roles = _classed(w.SelectMultiple(options=[], rows=7, **_wide("Må ansættes:")), "roles")
        self.staffing_button = _classed(w.Button(description="Beregn minimal bemanding", button_style="primary",
                                                 icon="users", layout=w.Layout(width="auto")), "staffing-run")
        self.staffing_output = _classed(w.HTML(), "staffing-result")
        self.staffing_chart = _classed(w.Output(), "staffing-chart")

        # one more colleague tab
        self.marginal_roles = _classed(w.SelectMultiple(options=[], rows=7, **_wide("Roller at prøve:")),
                                       "marginal-roles")
        self.marginal_button = _classed(w.Button(description="Beregn værdien af én ansat mere", button_style="primary",
                                                 icon="user-plus", layout=w.Layout(width="auto")), "marginal-run")
        self.marginal_output = _classed(w.HTML(), "marginal-result")
        self.marginal: MarginalResult | None = None

        # scenario tab
        self.scenario_name = _classed(w.Text(placeholder="fx 'Sygemelding i Nord'", **_wide("Navn på scenarie:")),
                                      "scenario-name")
        self.edit_kind = _classed(w.Dropdown(options=[(label, kind) for kind, label in EDIT_LABELS_DA.items()],
                                             **_wide("Ændring:")), "edit-kind")
        self.count = _classed(w.BoundedIntText(value=10, min=1, max=2000, **_wide("Antal:")), "count")
        self.role = _classed(w.Dropdown(options=[], **_wide("Rolle:")), "role")
        self.person = _classed(w.Dropdown(options=[], **_wide("Medarbejder:")), "person")
        self.period_start = _classed(w.DatePicker(**_wide("Fravær fra:")), "absence-start")
        self.period_end = _classed(w.DatePicker(**_wide("Fravær til:")), "absence-end")
        self.points = _classed(w.BoundedFloatText(value=30, min=1, max=200, **_wide("Sagsloft (point pr. fuldtid):")),
                               "points")
        self.per_day = _classed(w.BoundedIntText(value=2, min=1, max=10, **_wide("Møder pr. dag:")), "per-day")
        self.case_basis = _classed(w.Dropdown(options=[], **_wide("Sagsgrundlag:")), "case-basis")
        self.interval = _classed(w.BoundedIntText(value=28, min=1, max=730, **_wide("Senest hver (dage):")),
                                 "interval")
        self.add_edit_button = _classed(w.Button(description="Tilføj ændring", icon="plus"), "add-edit")
        self.draft_view = _classed(w.HTML(), "draft")
        self.save_button = _classed(w.Button(description="Gem scenarie", icon="save", button_style="info"), "save")
        self.chosen = _classed(w.SelectMultiple(options=[BASE.name], value=(BASE.name,), rows=6,
                                                **_wide("Scenarier der køres:")), "chosen")
        self.run_button = _classed(w.Button(description="Kør scenarier", button_style="primary", icon="play"), "run")
        self.results_view = _classed(w.HTML(), "results")
        self.heat_person = _classed(w.Dropdown(options=[], **_wide("Varmekort for:")), "heat-scenario")
        self.charts = _classed(w.Output(), "charts")

        # progress and stop (shared)
        self.progress = _classed(w.FloatProgress(value=0, min=0, max=1, description="", layout=w.Layout(width="50%")),
                                 "progress")
        self.status = _classed(w.Label(value=""), "status")
        self.stop_button = _classed(w.Button(description="Stop", icon="stop", button_style="danger", disabled=True),
                                    "stop")

        self.staffing_button.on_click(lambda _: self.find_staffing())
        self.add_edit_button.on_click(lambda _: self.add_edit())
        self.save_button.on_click(lambda _: self.save_scenario())
        self.run_button.on_click(lambda _: self.run())
        self.marginal_button.on_click(lambda _: self.find_marginal())
        self.job = BackgroundJob(self.messages, [self.run_button, self.staffing_button, self.marginal_button],
                                 self.stop_button,
                                 self.progress, self.status, name="tvaers-whatif",
                                 busy="En beregning kører allerede; vent eller tryk 'Stop'.")
        self.stop_button.on_click(lambda _: self.stop())
        self.edit_kind.observe(lambda _: self._show_fields(), names="value")
        self.heat_person.observe(lambda _: self._draw_heatmap(), names="value")
        self.fields_box = w.VBox()
        self._show_fields()
        self._load_saved()
        self.widget = _classed(self._layout(), "panel")
        if self.loader.path.value and Path(self.loader.path.value).exists():
            self.loader.load()

    # ------------------------------------------------------------------ layout

    def _layout(self) -> w.Widget:
        question = w.VBox([
            help_html("Hvor mange flere medarbejdere - og af hvilke roller - skal der til, for at alle familier har "
                      "deres team og alle opfølgninger holder fristen? Værktøjet finder det mindste antal og viser den "
                      "nedre grænse ud fra kapacitet og behov ved siden af. Nye kolleger overtager familier, der ikke "
                      "har en koordinator, og pladser fra kolleger, der er over loftet eller ikke kan nå møderne. "
                      "De kan også overtage andre familier, så kollegerne får plads, men familier flyttes aldrig "
                      "mellem de nuværende kolleger, og værktøjet vælger så få skift som muligt."),
            w.HBox([self.extra_families, self.basis]),
            self.hire_roles,
            help_html("Vælg flere roller ved at holde Ctrl (Cmd på Mac) nede, mens du klikker; Shift vælger en række."),
            self.staffing_button,
            self.staffing_output,
            self.staffing_chart,
        ])
        scenarios = w.VBox([
            help_html("Byg et scenarie af små ændringer (fx en sygemelding og et lavere sagsloft), gem det, og kør "
                      "flere scenarier side om side. Resultaterne gemmes, så samme spørgsmål svares med det samme "
                      "næste gang."),
            self.scenario_name,
            w.HBox([self.edit_kind, self.add_edit_button]),
            self.fields_box,
            self.draft_view,
            self.save_button,
            self.chosen,
            self.run_button,
            self.results_view,
            self.heat_person,
            self.charts,
        ])
        one_more = w.VBox([
            help_html("Hvor mange forsinkede opfølgninger og dage fjerner én medarbejder mere af en bestemt rolle? Den "
                      "nye kollega overtager familier fra de travleste kolleger med samme rolle – først dem, hvis "
                      "møder er forsinkede eller ligger i en uge, der er bevist for fuld – og perioden planlægges "
                      "igen. 'Bevist' betyder, at ingen plan uden den nye kollega kan gøre det lige så godt. Vælg "
                      "ingen roller for at prøve rollerne hos dem, der har forsinkede møder."),
            self.marginal_roles,
            w.HBox([self.marginal_button]),
            self.marginal_output,
        ])
        tabs = _classed(w.Tab(children=[question, scenarios, one_more]), "tabs")
        tabs.set_title(0, "Hvor mange flere?")
        tabs.set_title(1, "Sammenlign scenarier")
        tabs.set_title(2, "Én ansat mere")
        self.tabs = tabs
        return w.VBox([
            page_links("03_hvad_hvis.ipynb"),
            w.HTML(STYLE),  # the page's heading is the notebook's own (it said it twice)
            self.loader.widget,
            help_html("Perioden er som standard de næste tre måneder fra data; en længere periode giver et sikrere "
                      "svar, men tager længere tid."),
            w.HBox([self.start, self.end, self.seconds]),
            tabs,
            w.HBox([self.progress, self.status, self.stop_button]),
            self.messages.widget,
        ])

    def _show_fields(self) -> None:
        kind = self.edit_kind.value
        fields = {
            "flere_familier": [self.count],
            "ansaet": [self.role, self.count],
            "ubesat": [self.person],
            "fravaer": [self.person, self.period_start, self.period_end],
            SetCaseloadCap.kind: [self.points],
            SetMeetingCap.kind: [self.per_day],
            "kadence": [self.case_basis, self.interval],
        }[kind]
        self.fields_box.children = fields

    # ------------------------------------------------------------------ data

    def _loaded(self, register: Register) -> None:
        self.register = register
        start, end = default_horizon(register)
        self.start.value, self.end.value = start, end
        self.period_start.value, self.period_end.value = start + timedelta(days=28), start + timedelta(days=55)
        roles = sorted({s.role for s in register.staff}, key=catalogue.role_label)
        options = [(catalogue.role_label(r), r) for r in roles]
        self.hire_roles.options = options
        self.hire_roles.value = tuple(roles)
        self.marginal_roles.options = options
        self.role.options = options
        if "familieraadgiver" in roles:
            self.role.value = "familieraadgiver"
        self.person.options = [(f"{s.name} ({s.staff_id}, {catalogue.role_label(s.role).lower()})", s.staff_id)
                               for s in register.staff]
        self.case_basis.options = sorted(register.rules_by_basis)

    def _load_saved(self) -> None:
        for key in self.store.keys(SAVED_KIND):
            try:
                scenario = Scenario.from_dict(self.store.get(SAVED_KIND, key))
            except ScenarioError:
                continue
            self.scenarios[scenario.name] = scenario
        self._refresh_scenarios()

    def _refresh_scenarios(self) -> None:
        names = list(self.scenarios)
        chosen = tuple(n for n in self.chosen.value if n in names) or (BASE.name,)
        self.chosen.options = names
        self.chosen.value = chosen
        current = self.basis.value if self.basis.value in names else BASE.name
        self.basis.options = names
        self.basis.value = current

    def _require_register(self) -> Register:
        if self.register is None:
            raise ScenarioError("Indlæs data først (knappen 'Indlæs data').")
        return self.register

    def _horizon(self) -> tuple[date, date]:
        start, end = self.start.value, self.end.value
        if start is None or end is None:
            raise ScenarioError("Vælg både fra- og til-dato.")
        if end < start:
            raise ScenarioError("Til-datoen ligger før fra-datoen.")
        if problem := period_problem(start, end):
            raise ScenarioError(problem)
        if (end - start).days > 400:
            raise ScenarioError("Vælg højst cirka et år ad gangen (hvad-hvis skal kunne svare på minutter).")
        return start, end

    # ------------------------------------------------------------------ building scenarios

    def _edit_from_fields(self):
        kind = self.edit_kind.value
        if kind == "flere_familier":
            return AddFamilies(int(self.count.value))
        if kind == "ansaet":
            return AddStaff(self.role.value, int(self.count.value))
        if kind == "ubesat":
            return RemoveStaff(self.person.value)
        if kind == "fravaer":
            if not self.period_start.value or not self.period_end.value:
                raise ScenarioError("Vælg fraværets første og sidste dag.")
            if self.period_end.value < self.period_start.value:
                raise ScenarioError("Fraværets sidste dag ligger før den første.")
            return AddAbsence(self.person.value, self.period_start.value, self.period_end.value)
        if kind == SetCaseloadCap.kind:
            return SetCaseloadCap(float(self.points.value))
        if kind == SetMeetingCap.kind:
            return SetMeetingCap(int(self.per_day.value))
        return ChangeCadence(self.case_basis.value, int(self.interval.value))

    @guarded()
    def add_edit(self) -> None:
        self._require_register()
        edit = self._edit_from_fields()
        self.draft.append(edit)
        items = "".join(f"<li>{html.escape(e.describe())}</li>" for e in self.draft)
        self.draft_view.value = f"{STYLE}<div class='tvaers-help'><b>Ændringer i scenariet:</b><ul>{items}</ul></div>"
        self.messages.show(f"Tilføjet: {edit.describe()}.")

    @guarded()
    def save_scenario(self) -> None:
        name = self.scenario_name.value.strip()
        if not name:
            raise ScenarioError("Giv scenariet et navn.")
        if not self.draft:
            raise ScenarioError("Tilføj mindst én ændring, før scenariet gemmes.")
        if name == BASE.name:
            raise ScenarioError(f"'{BASE.name}' er udgangspunktet; vælg et andet navn.")
        scenario = Scenario(name, tuple(self.draft))
        self.store.put(SAVED_KIND, name, scenario.to_dict())
        self.scenarios[name] = scenario
        self.draft = []
        self.draft_view.value = ""
        self.scenario_name.value = ""
        self._refresh_scenarios()
        self.chosen.value = tuple(dict.fromkeys(self.chosen.value + (name,)))
        self.messages.show(f"Scenariet '{name}' er gemt: {scenario.describe()}.")

    # ------------------------------------------------------------------ running

    @property
    def _thread(self):
        """The thread of the running (or last) background run."""
        return self.job.thread

    @property
    def _stop(self) -> StopToken | None:
        return self.job.token

    def _require_idle(self) -> None:
        if self.job.running:
            raise ScenarioError(self.job.busy)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until a background run has finished (for tests and scripts)."""
        return self.job.wait(timeout)

    @guarded()
    def stop(self) -> None:
        self.job.stop()

    @guarded()
    def find_staffing(self) -> None:
        self._require_idle()
        register = self._require_register()
        start, end = self._horizon()
        roles = tuple(self.hire_roles.value)
        if not roles:
            raise ScenarioError("Vælg mindst én rolle, der må ansættes i.")
        basis = self.scenarios[self.basis.value]
        extra = int(self.extra_families.value)
        edits = basis.edits + ((AddFamilies(extra),) if extra else ())
        name = basis.name if not extra else f"{basis.name} + {extra} familier"
        scenario = Scenario(name, edits)
        seconds = float(self.seconds.value)
        options = StaffingOptions(roles=roles, time_limit=seconds, plan_time_limit=seconds)
        self.staffing_output.value = ""
        self.messages.show(f"Beregner minimal bemanding for '{name}' ...", "ok")
        self.job.start(lambda stop: run_staffing(register, scenario, start, end, options, self.store,
                                                 self.job.report, stop),
                       lambda result: self._show_staffing(result, scenario, start, end), background=self.background)

    def _show_staffing(self, result: StaffingResult, scenario: Scenario, start: date, end: date) -> None:
        self.staffing = result
        kind = "ok" if result.feasible else "warn"
        self.staffing_output.value = staffing_html(result, scenario, start, end)
        self.figures["staffing"] = charts.staffing_figure(result)
        show_figure(self.staffing_chart, self.figures["staffing"])
        self.messages.show(result.summary_da(), kind)

    @guarded()
    def find_marginal(self) -> None:
        self._require_idle()
        register = self._require_register()
        start, end = self._horizon()
        roles = tuple(self.marginal_roles.value) or None
        self.marginal_output.value = ""
        self.messages.show("Beregner, hvad én medarbejder mere kan fjerne af forsinkelser ...", "ok")
        self.job.start(lambda stop: marginal_hires(register, start, end, roles, float(self.seconds.value),
                                                   self.job.report, stop),
                       self._show_marginal, background=self.background)

    def _show_marginal(self, result: MarginalResult) -> None:
        self.marginal = result
        self.marginal_output.value = STYLE + marginal_html(result)
        best = result.values[0] if result.values and result.values[0].removed_late > 0 else None
        self.messages.show(best.text if best else result.text or "Ingen enkelt ansættelse fjerner forsinkede "
                                                                 "opfølgninger i perioden.", "ok")

    @guarded()
    def run(self) -> None:
        self._require_idle()
        register = self._require_register()
        start, end = self._horizon()
        chosen = [self.scenarios[n] for n in self.chosen.value]
        if not chosen:
            raise ScenarioError("Vælg mindst ét scenarie at køre.")
        options = WhatIfOptions(time_limit=float(self.seconds.value))
        self.messages.show(f"Kører {count(len(chosen), 'scenarie', 'scenarier')} ...", "ok")

        self.job.start(lambda stop: run_scenarios(register, chosen, start, end, options, self.store,
                                                  self.job.report, stop),
                       self._show_results, background=self.background)

    def _show_results(self, results: list[ScenarioResult]) -> None:
        self.results = results
        if not self.results:
            self.messages.show(*whatif_results_message(results))
            return
        self.results_view.value = whatif_results_html(results)
        self.figures["comparison"] = charts.comparison_figure(self.results)
        self.figures["caseload"] = charts.caseload_figure(self.results)
        self._quiet = True
        self.heat_person.options = [r.name for r in self.results]
        self.heat_person.value = self.results[-1].name
        self._quiet = False
        self._draw_heatmap()
        self.messages.show(*whatif_results_message(results))

    def _draw_heatmap(self) -> None:
        if getattr(self, "_quiet", False):
            return
        result = next((r for r in self.results if r.name == self.heat_person.value), None)
        if result is None:
            return
        self.figures["heatmap"] = charts.heatmap_figure(result)
        show_figure(self.charts, *(self.figures[key] for key in ("comparison", "caseload", "heatmap")
                                   if key in self.figures))
