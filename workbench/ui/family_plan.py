"""The family plan page: the coordinator writes the family's plan with the family and reviews it at each follow-up.

Goals in the family's own words, agreements (what, who, by when), the child's own view, consents and the
samarbejdskontrakt; at a follow-up each goal is rated 1-10 with the family and the chart shows the way so far,
next to the screening's progress.  Every change is saved in the local store at once.  "Udskriv" gives the family
its plan and its årshjul in one printable file (one A4 page each).

A plain object: tests set widget values and call the methods; Voilà shows ``panel.widget``.
"""

from __future__ import annotations

import html
from dataclasses import replace
from datetime import date
from pathlib import Path

import ipywidgets as w

from workbench.catalogue import role_label
from workbench.export.aarshjul import family_wheel, printable_html
from workbench.export.family_plan import person_label, printable_plan_html
from workbench.family_plan import (SCALE_HIGH, SCALE_LOW, SCALE_TEXT, WHOLE_FAMILY, Action, ChildView, Consent,
                                   Contract, FamilyPlan, Goal, Review, plan_problems)
from workbench.io.store import Store
from workbench.model import Plan, Register
from workbench.settings import family_may_choose
from workbench.screening.progress import history
from workbench.ui.common import (STYLE, MessageArea, RegisterLoader, guarded, help_html, offer_and_pick_first,
                                 page_links, show_figure)
from workbench.ui.common import today as app_today
from workbench.ui.common import with_classes as _classes
from workbench.ui.export import download_link
from workbench.ui.goal_chart import attainment_figure, short
from workbench.ui.screening_charts import progress_figure

WIDE = w.Layout(width="560px")
LABELS = {"description_width": "110px"}
TABLE_STYLE = """<style>
.tvaers-fp table {border-collapse: collapse; margin: 2px 0 8px 0; font-family: sans-serif; font-size: 0.95em;}
.tvaers-fp th, .tvaers-fp td {border: 1px solid #cfd8dc; padding: 3px 8px; text-align: left; vertical-align: top;}
.tvaers-fp th {background: #eceff1;}
</style>"""


def _esc(text: object) -> str:
    return html.escape(str(text))


def _heading(text: str) -> w.HTML:
    return w.HTML(f"<h3 style='font-family:sans-serif;margin:14px 0 2px 0'>{_esc(text)}</h3>")


def _table(head: tuple[str, ...], rows: list[tuple[str, ...]], empty: str) -> str:
    if not rows:
        return f"<p style='font-family:sans-serif;color:#607d8b'>{_esc(empty)}</p>"
    th = "".join(f"<th>{_esc(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{_esc(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f'<div class="tvaers-fp">{TABLE_STYLE}<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table></div>'


def _day(value: date | None) -> str:
    return f"{value:%d.%m.%Y}" if value else ""


class FamilyPlanPanel:
    """One family's plan: written with the family, reviewed at each follow-up, printed with the årshjul."""

    def __init__(self, path: Path | str | None = None, store: Store | None = None, autoload: bool = True,
                 today: date | None = None) -> None:
        """The page's widgets in the order the page shows them: mostly a list of widgets, hence long."""
        self.store = store if store is not None else Store()
        self.today = today or app_today()
        self.register: Register | None = None
        self.plan = FamilyPlan("")
        self.messages = MessageArea()
        self.loader = RegisterLoader(on_loaded=self._on_loaded, path=Path(path) if path else None,
                                     on_failed=lambda: setattr(self, "register", None))
        self.family = _classes(w.Dropdown(description="Familie:", options=[], layout=WIDE, style=LABELS),
                               "tvaers-fp-family")

        self.goals_view = _classes(w.HTML(), "tvaers-fp-goals")
        self.goal_text = _classes(w.Textarea(description="Målet:", placeholder="Med familiens egne ord, fx 'Vi vil "
                                             "have ro om morgenen'", layout=w.Layout(width="560px", height="64px"),
                                             style=LABELS), "tvaers-fp-goal-text")
        self.goal_for = _classes(w.Dropdown(description="For hvem:", options=[], style=LABELS), "tvaers-fp-goal-for")
        self.add_goal_button = _classes(w.Button(description="Tilføj mål", layout=w.Layout(width="auto"), icon="plus", button_style="primary"),
                                        "tvaers-fp-add-goal")
        self.remove_goal = _classes(w.Dropdown(description="Fjern mål:", options=[], style=LABELS, layout=WIDE),
                                    "tvaers-fp-remove-goal")
        self.remove_goal_button = _classes(w.Button(description="Fjern", icon="trash"), "tvaers-fp-remove-goal-btn")

        self.actions_view = _classes(w.HTML(), "tvaers-fp-actions")
        self.action_what = _classes(w.Text(description="Hvad:", layout=WIDE, style=LABELS), "tvaers-fp-action-what")
        self.action_who = _classes(w.Combobox(description="Hvem:", options=[], ensure_option=False, style=LABELS,
                                              layout=WIDE, placeholder="Familien, en fra teamet eller en anden"),
                                   "tvaers-fp-action-who")
        self.action_by = _classes(w.DatePicker(description="Senest:", style=LABELS), "tvaers-fp-action-by")
        self.action_goal = _classes(w.Dropdown(description="Til målet:", options=[("(intet bestemt mål)", "")],
                                               style=LABELS, layout=WIDE), "tvaers-fp-action-goal")
        self.add_action_button = _classes(w.Button(description="Tilføj aftale", layout=w.Layout(width="auto"), icon="plus", button_style="primary"),
                                          "tvaers-fp-add-action")
        self.done_action = _classes(w.Dropdown(description="Klaret:", options=[], style=LABELS, layout=WIDE),
                                    "tvaers-fp-done-action")
        self.done_button = _classes(w.Button(description="Markér som klaret", layout=w.Layout(width="auto"), icon="check"), "tvaers-fp-done-btn")

        self.views_view = _classes(w.HTML(), "tvaers-fp-views")
        self.view_child = _classes(w.Dropdown(description="Barnet:", options=[], style=LABELS), "tvaers-fp-child")
        self.view_text = _classes(w.Textarea(description="Barnets ord:", layout=WIDE, style=LABELS),
                                  "tvaers-fp-child-text")
        self.view_on = _classes(w.DatePicker(description="Samtalen:", value=self.today, style=LABELS),
                                "tvaers-fp-child-date")
        self.add_view_button = _classes(w.Button(description="Gem barnets ord", layout=w.Layout(width="auto"), icon="comment", button_style="primary"),
                                        "tvaers-fp-add-view")

        self.consents_view = _classes(w.HTML(), "tvaers-fp-consents")
        self.consent_what = _classes(w.Text(description="Samtykke til:", layout=WIDE, style=LABELS,
                                            placeholder="fx at skolen og jobcentret deler oplysninger om planen"),
                                     "tvaers-fp-consent-what")
        self.consent_to = _classes(w.Text(description="Til hvem:", layout=WIDE, style=LABELS), "tvaers-fp-consent-to")
        self.consent_by = _classes(w.Text(description="Givet af:", style=LABELS, placeholder="fx Voksen 1"),
                                   "tvaers-fp-consent-by")
        self.consent_on = _classes(w.DatePicker(description="Givet:", value=self.today, style=LABELS),
                                   "tvaers-fp-consent-on")
        self.consent_until = _classes(w.DatePicker(description="Gælder til:", style=LABELS), "tvaers-fp-consent-until")
        self.add_consent_button = _classes(w.Button(description="Tilføj samtykke", layout=w.Layout(width="auto"), icon="plus", button_style="primary"),
                                           "tvaers-fp-add-consent")

        self.contract_family = _classes(w.Textarea(description="Familien:", layout=WIDE, style=LABELS,
                                                   placeholder="Det gør vi i familien"), "tvaers-fp-contract-family")
        self.contract_team = _classes(w.Textarea(description="Teamet:", layout=WIDE, style=LABELS,
                                                 placeholder="Det gør teamet"), "tvaers-fp-contract-team")
        self.contract_coordinator = _classes(w.Textarea(description="Koordinatoren:", layout=WIDE, style=LABELS,
                                                        placeholder="Det gør koordinatoren"),
                                             "tvaers-fp-contract-coordinator")
        self.contract_on = _classes(w.DatePicker(description="Aftalt:", value=self.today, style=LABELS),
                                    "tvaers-fp-contract-on")
        self.contract_button = _classes(w.Button(description="Gem kontrakten", layout=w.Layout(width="auto"), icon="save", button_style="primary"),
                                        "tvaers-fp-save-contract")

        self.choice_coordinator = _classes(w.Dropdown(description="Koordinator:", options=[("(intet ønske)", "")],
                                                      style=LABELS, layout=WIDE), "tvaers-fp-coordinator")
        self.choice_attendees = _classes(w.SelectMultiple(description="Med til møderne:", options=[], rows=5,
                                                          style=LABELS, layout=WIDE), "tvaers-fp-attendees")
        self.choice_button = _classes(w.Button(description="Gem familiens valg", icon="save", button_style="primary",
                                               layout=w.Layout(width="auto")), "tvaers-fp-save-choices")

        self.review_on = _classes(w.DatePicker(description="Opfølgning:", value=self.today, style=LABELS),
                                  "tvaers-fp-review-date")
        self.review_scores = _classes(w.VBox([]), "tvaers-fp-review-scores")
        self.score_widgets: dict[str, w.IntSlider] = {}
        self.review_note = _classes(w.Textarea(description="Vi talte om:", layout=WIDE, style=LABELS),
                                    "tvaers-fp-review-note")
        self.review_button = _classes(w.Button(description="Gem opfølgningen", layout=w.Layout(width="auto"), icon="save", button_style="success"),
                                      "tvaers-fp-save-review")
        self.chart_output = _classes(w.Output(), "tvaers-fp-chart")
        self.screening_output = _classes(w.Output(), "tvaers-fp-screening-chart")
        self.print_button = _classes(w.Button(description="Udskriv plan og årshjul", layout=w.Layout(width="auto"), icon="print"), "tvaers-fp-print")
        self.print_links = _classes(w.HTML(), "tvaers-fp-print-links")

        self.family.observe(lambda change: self.select_family(change["new"]), names="value")
        for button, method in ((self.add_goal_button, self.add_goal), (self.remove_goal_button, self.remove_selected_goal),
                               (self.add_action_button, self.add_action), (self.done_button, self.mark_done),
                               (self.add_view_button, self.add_child_view), (self.add_consent_button, self.add_consent),
                               (self.contract_button, self.save_contract), (self.review_button, self.save_review),
                               (self.choice_button, self.save_choices),
                               (self.print_button, self.printable)):
            button.on_click(lambda _, method=method: method())

        self.widget = _classes(w.VBox([
            page_links("05_familieplan.ipynb"),
            w.HTML(STYLE + "<h2 style='font-family:sans-serif'>Familiens plan</h2>"),
            help_html("Skriv planen sammen med familien: målene med familiens egne ord, hvad I aftaler, barnets egne "
                      "ord, samtykker og samarbejdskontrakten. Ved hver opfølgning vurderer familien og koordinatoren "
                      f"sammen hvert mål ({SCALE_TEXT}). Alt gemmes med det samme på din egen computer."),
            self.loader.widget, self.family, self.messages.widget,
            _heading("Familiens mål"), self.goals_view, self.goal_text, w.HBox([self.goal_for, self.add_goal_button]),
            w.HBox([self.remove_goal, self.remove_goal_button]),
            _heading("Det har vi aftalt"), self.actions_view, self.action_what, self.action_who,
            w.HBox([self.action_by, self.action_goal]), w.HBox([self.add_action_button]),
            w.HBox([self.done_action, self.done_button]),
            _heading("Barnets perspektiv"),
            help_html("Skriv det, barnet selv har sagt i sin samtale, med barnets ord."),
            self.views_view, w.HBox([self.view_child, self.view_on]), self.view_text, w.HBox([self.add_view_button]),
            _heading("Samtykke"),
            help_html("Hvad familien har sagt ja til, hvem der må få oplysningerne, og hvor længe. Et samtykke kan "
                      "altid trækkes tilbage."),
            self.consents_view, self.consent_what, self.consent_to, w.HBox([self.consent_by, self.consent_on]),
            self.consent_until, w.HBox([self.add_consent_button]),
            _heading("Samarbejdskontrakt"),
            help_html("Hvad familien, teamet og koordinatoren kan forvente af hinanden (Hedensted: "
                      "forventningsafstemning om roller og samarbejde)."),
            self.contract_family, self.contract_team, self.contract_coordinator,
            w.HBox([self.contract_on, self.contract_button]),
            _heading("Familiens valg"),
            help_html("Familien vælger selv sin koordinator – uanset fag – og hvem fra teamet der kommer til "
                      "opfølgningsmøderne ud over koordinatoren (vælg ingen: hele teamet kommer). Næste planlægning "
                      "bruger valget; kan det ikke lade sig gøre, siger planen hvorfor. Hold Ctrl nede for at vælge "
                      "flere."),
            self.choice_coordinator, self.choice_attendees, w.HBox([self.choice_button]),
            _heading("Opfølgning på målene"),
            help_html(f"Vurder hvert mål sammen med familien: {SCALE_TEXT}."),
            self.review_on, self.review_scores, self.review_note, w.HBox([self.review_button]),
            self.chart_output, self.screening_output,
            _heading("Til familien"), w.HBox([self.print_button]), self.print_links,
        ]), "tvaers-family-plan-panel")
        self.refresh()
        if autoload:
            self.loader.load()

    # ------------------------------------------------------------------ data

    def _on_loaded(self, register: Register) -> None:
        self.register = register
        options = [(f"{f.family_id} – {f.district or 'uden distrikt'}", f.family_id) for f in register.families]
        offer_and_pick_first(self.family, options, self.select_family)

    @guarded()
    def select_family(self, family_id: str | None) -> None:
        if not family_id or self.register is None:
            return
        self.plan = self.store.family_plan(family_id)
        persons = self.register.persons_by_family.get(family_id, ())
        self.goal_for.options = [("Hele familien", WHOLE_FAMILY)] + [(p.label or p.person_id, p.person_id)
                                                                     for p in persons]
        self.view_child.options = [(p.label or p.person_id, p.person_id) for p in persons if p.kind == "barn"]
        self.goal_for.index = 0  # new options leave a dropdown empty (ipywidgets 8): start at "Hele familien"
        self.view_child.index = 0 if self.view_child.options else None
        team = self.register.team_by_family.get(family_id, ())
        staff = self.register.staff_by_id
        self.action_who.options = ["Familien", "Koordinatoren"] + sorted(
            {staff[t.staff_id].name for t in team if t.staff_id in staff})
        names = {s.staff_id: f"{s.name} ({role_label(s.role).lower()})" for s in self.register.staff}
        choosable = [s.staff_id for s in self.register.staff if family_may_choose(s.role, s.can_coordinate)]
        self.choice_coordinator.options = [("(intet ønske)", "")] + sorted(((names[i], i) for i in choosable),
                                                                           key=lambda o: o[0])
        self.choice_coordinator.value = self.plan.coordinator if self.plan.coordinator in choosable else ""
        members = [t.staff_id for t in team if t.staff_id in names]
        self.choice_attendees.options = [(names[i], i) for i in dict.fromkeys(members)]
        self.choice_attendees.value = tuple(i for i in self.plan.attendees if i in members)
        contract = self.plan.contract
        self.contract_family.value, self.contract_team.value = contract.family_part, contract.team_part
        self.contract_coordinator.value = contract.coordinator_part
        self.contract_on.value = contract.agreed_on or self.today
        self.print_links.value = ""
        self.messages.clear()
        self.refresh()

    def _members(self) -> set[str] | None:
        if self.register is None:
            return None
        return {p.person_id for p in self.register.persons_by_family.get(self.plan.family_id, ())}

    def _save(self, plan: FamilyPlan, said: str) -> bool:
        """Check the changed plan, save it and show it; a problem is said and nothing is saved."""
        if not plan.family_id:
            self.messages.show("Vælg først en familie.", "warn")
            return False
        problems = plan_problems(plan, self._members())
        if problems:
            self.messages.show(" ".join(problems), "warn")
            return False
        self.store.save_family_plan(plan)
        self.plan = plan
        self.messages.show(said)
        self.refresh()
        return True

    # ------------------------------------------------------------------ the user's actions

    @guarded()
    def add_goal(self) -> None:
        text = self.goal_text.value.strip()
        if not text:
            self.messages.show("Skriv målet med familiens egne ord, før du tilføjer det.", "warn")
            return
        goal = Goal(self.plan.next_goal_id(), text, self.goal_for.value or WHOLE_FAMILY, self.today)
        if self._save(replace(self.plan, goals=self.plan.goals + (goal,)), f"Målet er gemt: {short(text)}"):
            self.goal_text.value = ""

    @guarded()
    def remove_selected_goal(self) -> None:
        goal_id = self.remove_goal.value
        if not goal_id:
            return
        goal = self.plan.goal(goal_id)
        kept = replace(self.plan, goals=tuple(g for g in self.plan.goals if g.goal_id != goal_id),
                       actions=tuple(replace(a, goal_id="") if a.goal_id == goal_id else a for a in self.plan.actions),
                       reviews=tuple(replace(r, ratings=tuple(x for x in r.ratings if x[0] != goal_id))
                                     for r in self.plan.reviews))
        self._save(kept, f"Målet er fjernet: {short(goal.text) if goal else goal_id}. Aftalerne til det er bevaret.")

    @guarded()
    def add_action(self) -> None:
        action = Action(self.action_what.value.strip(), self.action_who.value.strip(), self.action_by.value,
                        self.action_goal.value or "")
        if self._save(replace(self.plan, actions=self.plan.actions + (action,)), f"Aftalen er gemt: {action.what}"):
            self.action_what.value, self.action_who.value, self.action_by.value = "", "", None

    @guarded()
    def mark_done(self) -> None:
        number = self.done_action.value
        if number is None:
            return
        actions = list(self.plan.actions)
        actions[number] = replace(actions[number], done=True)
        self._save(replace(self.plan, actions=tuple(actions)), f"Klaret: {actions[number].what}")

    @guarded()
    def add_child_view(self) -> None:
        if not self.view_child.value:
            self.messages.show("Vælg barnet først." if self.view_child.options else
                               "Familien har ingen børn i registret.", "warn")
            return
        view = ChildView(self.view_child.value, self.view_text.value.strip(), self.view_on.value or self.today)
        if self._save(replace(self.plan, child_views=self.plan.child_views + (view,)), "Barnets ord er gemt."):
            self.view_text.value = ""

    @guarded()
    def add_consent(self) -> None:
        consent = Consent(self.consent_what.value.strip(), self.consent_to.value.strip(),
                          self.consent_by.value.strip(), self.consent_on.value or self.today, self.consent_until.value)
        if self._save(replace(self.plan, consents=self.plan.consents + (consent,)), "Samtykket er gemt."):
            self.consent_what.value = self.consent_to.value = ""
            self.consent_until.value = None

    @guarded()
    def save_contract(self) -> None:
        contract = Contract(self.contract_family.value.strip(), self.contract_team.value.strip(),
                            self.contract_coordinator.value.strip(), self.contract_on.value)
        if not contract.written:
            self.messages.show("Skriv mindst én del af kontrakten, før du gemmer den.", "warn")
            return
        self._save(replace(self.plan, contract=contract), "Samarbejdskontrakten er gemt.")

    @guarded()
    def save_choices(self) -> None:
        chosen = replace(self.plan, coordinator=self.choice_coordinator.value or "",
                         attendees=tuple(self.choice_attendees.value))
        who = self.choice_coordinator.label if chosen.coordinator else "intet ønske om koordinator"
        comes = (f"{len(chosen.attendees)} fra teamet med til møderne ud over koordinatoren" if chosen.attendees
                 else "hele teamet med til møderne")
        self._save(chosen, f"Familiens valg er gemt: {who}; {comes}. Næste planlægning bruger det.")

    @guarded()
    def save_review(self) -> None:
        if not self.plan.goals:
            self.messages.show("Der er ingen mål at følge op på endnu. Skriv først familiens mål.", "warn")
            return
        on = self.review_on.value or self.today
        ratings = tuple((goal_id, int(slider.value)) for goal_id, slider in self.score_widgets.items())
        replaced = any(r.held_on == on for r in self.plan.reviews)
        said = (f"Opfølgningen {on:%d.%m.%Y} er gemt" + (" (den erstatter den tidligere vurdering samme dag)."
                                                          if replaced else "."))
        if self._save(self.plan.with_review(Review(on, ratings, self.review_note.value.strip())), said):
            self.review_note.value = ""

    @guarded()
    def printable(self) -> str:
        """The plan and, when a plan of meetings is saved, the årshjul: one file, one A4 page each."""
        if not self.plan.family_id:
            self.messages.show("Vælg først en familie.", "warn")
            return ""
        meetings = self._meeting_plan()
        wheel = (printable_html(family_wheel(meetings, self.register, self.plan.family_id), self.today)
                 if meetings is not None and self.register is not None else "")
        page = printable_plan_html(self.plan, self.register, self.today, wheel)
        name = f"familieplan_{self.plan.family_id}.html"
        said = "Planen er klar: åbn filen og udskriv den" + (" – årshjulet følger på side 2." if wheel else
                                                             ". Årshjulet kommer med, når der er gemt en mødeplan "
                                                             "(siden Planlægning).")
        self.print_links.value = (download_link(name, page.encode("utf-8"), "Hent planen til udskrift",
                                                "tvaers-dl-family-plan")
                                  + f"<div class='tvaers-help' style='font-family:sans-serif'>{_esc(said)}</div>")
        self.messages.show(said)
        return page

    def _meeting_plan(self) -> Plan | None:
        plan_id = self.store.announced_plan_id()
        if plan_id is None:
            saved = self.store.plans()
            plan_id = saved[-1]["plan_id"] if saved else None
        return self.store.load_plan(plan_id) if plan_id is not None else None

    # ------------------------------------------------------------------ showing the plan

    def refresh(self) -> None:
        plan, register = self.plan, self.register
        goal_text = {g.goal_id: g.text for g in plan.goals}
        latest = plan.latest_ratings()
        self.goals_view.value = _table(
            ("Mål", "For hvem", "Seneste vurdering"),
            [(g.text, person_label(register, g.person_id),
              f"{latest[g.goal_id][1]} af {SCALE_HIGH} ({_day(latest[g.goal_id][0])})" if g.goal_id in latest
              else "ikke vurderet endnu") for g in plan.goals],
            "Ingen mål endnu. Spørg familien: Hvad vil I gerne have, der er anderledes om et halvt år?")
        self.remove_goal.options = [("", "")] + [(short(g.text, 60), g.goal_id) for g in plan.goals]
        self.action_goal.options = [("(intet bestemt mål)", "")] + [(short(g.text, 60), g.goal_id) for g in plan.goals]
        self.action_goal.index = 0
        overdue = {id(a) for a in plan.actions if not a.done and a.by_when and a.by_when < self.today}
        self.actions_view.value = _table(
            ("Hvad", "Hvem", "Senest", "Til målet", "Status"),
            [(a.what, a.who, _day(a.by_when) or "løbende", short(goal_text.get(a.goal_id, ""), 40),
              "klaret" if a.done else "overskredet" if id(a) in overdue else "i gang") for a in plan.actions],
            "Ingen aftaler endnu.")
        self.done_action.options = [(short(f"{a.what} ({a.who})", 70), i) for i, a in enumerate(plan.actions)
                                    if not a.done]
        self.views_view.value = _table(
            ("Barn", "Samtale", "Med barnets ord"),
            [(person_label(register, v.person_id), _day(v.heard_on), v.text) for v in plan.child_views],
            "Barnets egne ord er ikke skrevet ned endnu.")
        self.consents_view.value = _table(
            ("Samtykke til", "Til hvem", "Givet af", "Givet", "Gælder til", ""),
            [(c.what, c.to_whom, c.given_by, _day(c.given_on), _day(c.until) or "indtil det trækkes tilbage",
              "gælder" if c.valid_on(self.today) else "udløbet") for c in plan.consents],
            "Ingen samtykker registreret.")
        self._score_rows()
        if plan.reviews:
            show_figure(self.chart_output, attainment_figure(plan))
        else:
            self.chart_output.clear_output()
        if plan.family_id:
            snapshots = history(register, plan.family_id, self.store)
            if snapshots:
                show_figure(self.screening_output, progress_figure(snapshots))
            else:
                self.screening_output.clear_output()

    def _score_rows(self) -> None:
        """A slider per goal, starting at the goal's latest rating (or the middle)."""
        latest = self.plan.latest_ratings()
        self.score_widgets = {
            g.goal_id: _classes(w.IntSlider(value=latest.get(g.goal_id, (None, 5))[1], min=SCALE_LOW, max=SCALE_HIGH,
                                            layout=w.Layout(width="320px")),
                                "tvaers-fp-score", f"tvaers-fp-score-{g.goal_id}")
            for g in self.plan.goals}
        self.review_scores.children = tuple(
            w.HBox([w.HTML(f"<span style='font-family:sans-serif'>{_esc(g.text)}</span>",
                           layout=w.Layout(width="420px")), self.score_widgets[g.goal_id]])
            for g in self.plan.goals)
