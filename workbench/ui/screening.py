"""The screening panel: rate the whole family, see the need profile and get the smallest explained team.

A plain object: tests set widget values and call ``.click()``; the notebook and
the Voilà page display ``panel.widget``.  Key controls carry stable CSS classes
(``tvaers-...``) so browser tests can find them.
"""

from __future__ import annotations

import html
from datetime import date, timedelta
from pathlib import Path

import ipywidgets as w
import plotly.graph_objects as go

from workbench.danish import count, number
from workbench import catalogue
from workbench.cpr import looks_like_cpr
from workbench.io.store import Store
from workbench.model import Register, ScreeningRating
from workbench.screening.assessment import family_persons
from workbench.screening.civil_society import assessment_offers, offer_line
from workbench.io.instrument import FAMILY_PERSON_ID, LEVEL_LABELS, LEVELS, Item, items_for
from workbench.screening.progress import changes, history
from workbench.ui.screening_charts import profile_figure, progress_figure
from workbench.screening.rules import describe_person
from workbench.screening.workflow import ScreeningOutcome, accept_outcome, save_outcome, screen
from workbench.ui.common import (STYLE, MessageArea, RegisterLoader, guarded, help_html, offer_and_pick_first,
                                 page_links, show_figure)
from workbench.ui.common import with_classes as _classes
from workbench.ui.common import today as current_day

NOT_RATED = None

PANEL_STYLE = """
<style>
.tvaers-result table {border-collapse: collapse; margin: 4px 0 10px 0; font-family: sans-serif; font-size: 0.95em;}
.tvaers-result th, .tvaers-result td {border: 1px solid #cfd8dc; padding: 4px 8px; text-align: left; vertical-align: top;}
.tvaers-result th {background: #eceff1;}
.tvaers-result h3 {font-family: sans-serif; margin: 12px 0 4px 0;}
.tvaers-result li {margin: 2px 0;}
.tvaers-src {color: #607d8b; font-size: 0.9em;}
.tvaers-item-label {font-family: sans-serif;}
</style>
"""


def _esc(text: object) -> str:
    return html.escape(str(text))


class ItemRow:
    """One item for one person: the rating 0-3 (or not rated), a strength flag and a note."""

    def __init__(self, person_id: str, item: Item) -> None:
        self.person_id, self.item = person_id, item
        tooltips = ["Ikke vurderet"] + [f"{level} {LEVEL_LABELS[level]}: {item.anchor(level)}" for level in LEVELS]
        self.score = _classes(
            w.ToggleButtons(options=[("–", NOT_RATED)] + [(str(level), level) for level in LEVELS], value=NOT_RATED,
                            tooltips=tooltips, style={"button_width": "38px"},
                            description_allow_html=False, layout=w.Layout(width="auto")),
            "tvaers-score", f"tvaers-score-{person_id}-{item.item_id}")
        self.strength = _classes(w.Checkbox(value=False, description="Styrke", indent=False,
                                            layout=w.Layout(width="80px")), "tvaers-strength")
        self.note = _classes(w.Text(placeholder="Note (aldrig CPR-nummer)", layout=w.Layout(width="220px")),
                             "tvaers-note")
        label = w.HTML(f'<span class="tvaers-item-label" title="{_esc(item.help_da)}">{_esc(item.text_da)}</span>',
                       layout=w.Layout(width="330px"))
        self.anchor = w.HTML(layout=w.Layout(width="300px"))
        self.score.observe(self._show_anchor, names="value")
        self.widget = w.HBox([label, self.score, self.anchor, self.strength, self.note])

    def _show_anchor(self, _change=None) -> None:
        value = self.score.value
        self.anchor.value = ("" if value is NOT_RATED else
                             f'<span class="tvaers-help" style="font-size:0.85em">{_esc(self.item.anchor(value))}</span>')

    def rating(self, family_id: str, on: date, by: str) -> ScreeningRating | None:
        if self.score.value is NOT_RATED:
            return None
        return ScreeningRating(family_id, self.person_id, self.item.item_id, int(self.score.value), on, by,
                               bool(self.strength.value), self.note.value.strip())

    def set(self, rating: ScreeningRating | None) -> None:
        self.score.value = NOT_RATED if rating is None else rating.score
        self.strength.value = bool(rating and rating.strength)
        self.note.value = rating.note if rating else ""
        self._show_anchor()


class ScreeningPanel:
    """Intake and follow-up screening of one family, ending in an explained team proposal saved to the store."""

    def __init__(self, path: Path | str | None = None, store: Store | None = None, autoload: bool = True,
                 today: date | None = None) -> None:
        """The page's widgets, wired and laid out in the order the page shows them: a list of widgets more than
        logic, which is why it is long."""
        self.store = store if store is not None else Store()
        self.today = today or current_day()
        self.register: Register | None = None
        self.outcome: ScreeningOutcome | None = None
        self.rows: dict[tuple[str, str], ItemRow] = {}
        self._form_family: str | None = None
        self.profile_figure: go.Figure | None = None
        self.progress_figure: go.Figure | None = None
        self.messages = MessageArea()
        self.loader = RegisterLoader(on_loaded=self._on_loaded, path=Path(path) if path else None,
                                     on_failed=lambda: setattr(self, "register", None))

        self.family = _classes(w.Dropdown(description="Familie:", options=[], layout=w.Layout(width="560px"),
                                          style={"description_width": "90px"}), "tvaers-family-picker")
        self.screened_on = _classes(w.DatePicker(description="Dato:", value=today or current_day(),
                                                 style={"description_width": "90px"}), "tvaers-screening-date")
        self.screened_by = _classes(w.Dropdown(description="Screenet af:", options=[], layout=w.Layout(width="420px"),
                                               style={"description_width": "90px"}), "tvaers-screener")
        self.prefill_note = w.HTML()
        self.form = _classes(w.VBox([]), "tvaers-screening-form")
        self.section_titles: list[str] = []
        self.propose_button = _classes(w.Button(description="Foreslå team", button_style="primary", icon="users",
                                                layout=w.Layout(width="auto"),
                                                tooltip="Vurder behovene og find det mindste team"), "tvaers-propose")
        self.save_button = _classes(w.Button(description="Gem screening og forslag", button_style="success",
                                             icon="save", disabled=True, layout=w.Layout(width="auto"),
                                             tooltip="Gemmer vurderingerne og teamforslaget lokalt"), "tvaers-save")
        self.accept_from = _classes(w.DatePicker(description="Teamet gælder fra:", value=today or current_day(),
                                                 style={"description_width": "initial"}), "tvaers-accept-from")
        self.accept_button = _classes(w.Button(description="Acceptér teamet", icon="check", disabled=True,
                                               layout=w.Layout(width="auto"),
                                               tooltip="Næste planlægning bruger det foreslåede team fra datoen"),
                                      "tvaers-accept")
        self.clear_button = _classes(w.Button(description="Ryd vurderinger", icon="eraser", layout=w.Layout(width="auto"),
                                              tooltip="Sæt alle punkter til 'ikke vurderet'"), "tvaers-clear")
        self.include = _classes(w.SelectMultiple(description="Skal med:", options=[], rows=6,
                                                 layout=w.Layout(width="440px"), style={"description_width": "90px"}),
                                "tvaers-include")
        self.exclude = _classes(w.SelectMultiple(description="Ikke med:", options=[], rows=6,
                                                 layout=w.Layout(width="440px"), style={"description_width": "90px"}),
                                "tvaers-exclude")
        self.choices = w.Accordion(children=[w.VBox([
            help_html("Valgfrit: vælg fagpersoner, der skal med (fx familiens ønske) eller ikke må være med. "
                      "Sagsloft og fravær gælder stadig; dine valg gemmes sammen med forslaget. "
                      "Hold Ctrl nede for at vælge flere."),
            w.HBox([self.include, self.exclude])])], titles=("Sagsbehandlerens valg",))
        self.choices.selected_index = None
        self.result = _classes(w.HTML(), "tvaers-result")
        self.profile_output = _classes(w.Output(), "tvaers-profile-chart")
        self.progress_output = _classes(w.Output(), "tvaers-progress-chart")

        self.family.observe(lambda change: self.select_family(change["new"]), names="value")
        for choice in (self.include, self.exclude):
            choice.observe(lambda _: self._forget_outcome(), names="value")
        self.screened_on.observe(lambda _: self.rebuild_form(), names="value")
        self.propose_button.on_click(lambda _: self.propose())
        self.save_button.on_click(lambda _: self.save())
        self.accept_button.on_click(lambda _: self.accept())
        self.clear_button.on_click(lambda _: self.clear())

        self.widget = _classes(w.VBox([
            page_links("01_screening.ipynb"),
            w.HTML(STYLE + PANEL_STYLE + "<h2 style='font-family:sans-serif'>Screening af hele familien</h2>"),
            help_html("Vælg familien, vurder hvert punkt for hver person og tryk 'Foreslå team'. "
                      "0 = intet behov, 1 = hold øje, 2 = handling, 3 = handling nu. Hold musen over et tal for at se, "
                      "hvad det betyder for netop dét punkt; sæt flueben ved 'Styrke' ved noget, der virker godt. "
                      "Punkter, der ikke er vurderet (–), tæller ikke med."),
            self.loader.widget,
            w.HBox([self.family]), w.HBox([self.screened_on, self.screened_by]),
            self.prefill_note, self.form, self.choices,
            w.HBox([self.propose_button, self.save_button, self.clear_button]),
            w.HBox([self.accept_from, self.accept_button]),
            self.messages.widget, self.result, self.profile_output, self.progress_output,
        ]), "tvaers-screening-panel")
        if autoload:
            self.loader.load()

    # ------------------------------------------------------------------ data and form

    def _on_loaded(self, register: Register) -> None:
        self.register = register
        self.screened_by.options = [(f"{s.name} ({s.staff_id})", s.staff_id) for s in register.staff]
        people = [(f"{s.name} ({catalogue.role_label(s.role)}, {s.staff_id})", s.staff_id) for s in register.staff]
        self.include.options = people
        self.exclude.options = people
        options = []
        for f in register.families:
            persons = register.persons_by_family.get(f.family_id, ())
            adults = sum(p.kind == "voksen" for p in persons)
            children = len(persons) - adults
            members = f"{count(adults, 'voksen', 'voksne')}, {count(children, 'barn', 'børn')}"
            options.append((f"{f.family_id} – {f.district or 'uden distrikt'} – {members} – "
                            f"{';'.join(f.case_basis)}", f.family_id))
        offer_and_pick_first(self.family, options, self.select_family)

    @guarded()
    def select_family(self, family_id: str | None) -> None:
        if not family_id or self.register is None:
            return
        family = self.register.family_by_id[family_id]
        coordinator = family.primary_coordinator or next((s.staff_id for s in self.register.staff if s.can_coordinate), None)
        if coordinator and coordinator in self.register.staff_by_id:
            self.screened_by.value = coordinator
        self.rebuild_form()

    @guarded()
    def rebuild_form(self) -> None:
        """One section per family member (and one for the family), each with the items that fit the age."""
        self._forget_outcome()
        self.result.value = ""
        self.messages.clear()
        if self._form_family != self.family.value:
            self.include.value, self.exclude.value = (), ()
        if self.register is None or not self.family.value:
            return
        family_id, on = self.family.value, self.screened_on.value or current_day()
        if on.year < 2000 or on > self.today + timedelta(days=366):  # issue 13: a screening dated 1990 was taken
            self.form.children, self.rows = [], {}
            self.messages.show(f"Datoen {on:%d.%m.%Y} kan ikke passe for en screening: vælg en dato fra år 2000 og "
                               "højst et år frem.", "warn")
            return
        persons = family_persons(self.register, family_id)
        unborn = [p for p in persons.values() if p.birth_year > on.year]
        if unborn and len(unborn) == len(persons):  # seen: a date in 1990 emptied the form without a word
            self.form.children = []
            self.messages.show(f"Datoen {on:%d.%m.%Y} ligger før familiens medlemmer blev født; tjek datoen.", "warn")
            return
        if unborn:
            self.messages.show(f"{', '.join(p.label or p.person_id for p in unborn)} er ikke født på datoen "
                               f"{on:%d.%m.%Y} og er ikke med i skemaet.", "warn")
        kept = ({key: row.rating(family_id, on, "") for key, row in self.rows.items()}
                if self._form_family == family_id else None)
        sections, titles, self.rows = [], [], {}
        members = list(persons.values()) + [None]
        for person in members:
            person_id = person.person_id if person else FAMILY_PERSON_ID
            items = items_for(person, on)
            if not items:
                continue
            rows = [ItemRow(person_id, item) for item in items]
            for row in rows:
                self.rows[(person_id, row.item.item_id)] = row
                row.score.observe(lambda _: self._forget_outcome(), names="value")
            title = describe_person(person_id, persons, on)
            if person and person.income:
                title += f" – {person.income}"
            heading = w.HTML(f"<h4 style='font-family:sans-serif;margin:10px 0 2px 0'>{_esc(title)}</h4>")
            sections.append(_classes(w.VBox([heading] + [r.widget for r in rows]), "tvaers-person",
                                     f"tvaers-person-{person_id}"))
            titles.append(title)
        self.form.children = sections
        self.section_titles = titles
        self._form_family = family_id
        if kept is None:
            self._prefill()
        else:  # a new date keeps what was already rated (where the item still fits the age)
            for key, row in self.rows.items():
                row.set(kept.get(key))
        self._show_progress()

    def _prefill(self) -> None:
        snapshots = history(self.register, self.family.value, self.store)
        if not snapshots:
            self.prefill_note.value = str(help_html("Familien er ikke screenet før. Alle punkter står som 'ikke vurderet'.").value)
            return
        last = snapshots[-1]
        by_key = {(r.person_id, r.item_id): r for r in last.ratings}
        for key, row in self.rows.items():
            row.set(by_key.get(key))
        self._forget_outcome()
        self.prefill_note.value = str(help_html(
            f"Forudfyldt med seneste screening fra {last.on:%d.%m.%Y} ({last.by}). Ret vurderingerne til dagens "
            f"billede; familien er screenet {len(snapshots)} gang(e) før.").value)

    def ratings(self) -> list[ScreeningRating]:
        """The ratings in the form (unrated items are left out)."""
        on = self.screened_on.value or current_day()
        by = self.screened_by.value or ""
        found = (row.rating(self.family.value, on, by) for row in self.rows.values())
        return [r for r in found if r is not None]

    def set_score(self, person_id: str, item_id: str, score: int | None) -> None:
        """Set one rating (used by tests and by anyone scripting the panel)."""
        self.rows[(person_id, item_id)].score.value = score

    def _forget_outcome(self) -> None:
        if self.outcome is not None:
            self.messages.show("Vurderingerne er ændret – tryk 'Foreslå team' igen, før du gemmer.", "warn")
        self.outcome = None
        self.save_button.disabled = self.accept_button.disabled = True

    # ------------------------------------------------------------------ actions

    @guarded()
    def clear(self) -> None:
        for row in self.rows.values():
            row.set(None)
        self.result.value = ""
        self.messages.show("Alle punkter står nu som 'ikke vurderet'.", "ok")

    @guarded()
    def propose(self) -> ScreeningOutcome | None:
        if self.register is None:
            self.messages.show("Indlæs data først.", "error")
            return None
        ratings = self.ratings()
        for r in ratings:
            if looks_like_cpr(r.note):
                self.messages.show(f"En note ({r.person_id}, {r.item_id}) ligner et CPR-nummer. Fjern den – "
                                   "CPR-numre må ikke skrives her.", "error")
                return None
        if not ratings:
            self.messages.show("Vurder mindst ét punkt, før du beder om et teamforslag.", "error")
            return None
        outcome = screen(self.register, self.family.value, ratings, self.screened_on.value or current_day(),
                         include=self.include.value, exclude=self.exclude.value)
        self.outcome = outcome
        self.save_button.disabled = self.accept_button.disabled = False
        self.result.value = self.render(outcome)
        self.profile_figure = profile_figure(list(outcome.assessment.areas),
                                             f"Behovsprofil for familie {outcome.family_id}")
        show_figure(self.profile_output, self.profile_figure)
        self._show_progress(ratings)
        proposal = outcome.proposal
        kind = "warn" if proposal.unstaffed or not outcome.assessment.target_group.in_model else "ok"
        gaps = f"; {len(proposal.unstaffed)} behov kan ikke bemandes" if proposal.unstaffed else ""
        self.messages.show(f"Forslag klar: {proposal.contact_count} fagpersoner i kontakt med familien{gaps}. "
                           "Tryk 'Gem screening og forslag' for at gemme.", kind)
        return outcome

    @guarded()
    def save(self) -> None:
        if self.outcome is None:
            self.messages.show("Tryk 'Foreslå team' først; så gemmes vurderingerne sammen med forslaget.", "error")
            return
        saved = save_outcome(self.store, self.outcome)
        self.messages.show(f"Gemt: {saved} vurderinger og teamforslaget for familie {self.outcome.family_id} "
                           f"({self.outcome.assessment.on:%d.%m.%Y}).", "ok")
        self.save_button.disabled = True
        self._show_progress()

    @guarded()
    def accept(self) -> None:
        """The caseworker accepts the proposed team from a date: the next plan uses it instead of team.csv."""
        if self.outcome is None or self.register is None:
            self.messages.show("Tryk 'Foreslå team' først.", "error")
            return
        if self.save_button.disabled is False:
            save_outcome(self.store, self.outcome)
            self.save_button.disabled = True
        announced = self.store.announced_plan_id()
        current = self.store.load_plan(announced).team.get(self.outcome.family_id) if announced else None
        change, lines = accept_outcome(self.store, self.outcome, self.register, self.accept_from.value or current_day(),
                                       current)
        self.accept_button.disabled = True
        self.messages.show(f"Teamet for familie {change.family_id} er accepteret fra {change.from_date:%d.%m.%Y} og "
                           f"bruges i næste planlægning: " + "; ".join(lines) + ".", "ok")

    def _show_progress(self, unsaved: list[ScreeningRating] | None = None) -> None:
        if self.register is None or not self.family.value:
            return
        snapshots = history(self.register, self.family.value, self.store, unsaved or ())
        if not snapshots:
            self.progress_output.outputs = ()
            self.progress_figure = None
            return
        self.progress_figure = progress_figure(snapshots)
        show_figure(self.progress_output, self.progress_figure)

    # ------------------------------------------------------------------ the result in Danish

    def render(self, outcome: ScreeningOutcome) -> str:
        """The screening outcome as the page shows it (a pure presenter: HTML from the outcome, in reading order:
        target group, needs, the proposed team with reasons, gaps); long because the page is."""
        a, p = outcome.assessment, outcome.proposal
        parts = [STYLE, PANEL_STYLE]
        inside = a.target_group.in_model
        parts.append(f'<div class="tvaers-msg {"tvaers-ok" if inside else "tvaers-warn"}"><b>Målgruppe:</b> '
                     + ("familien er i målgruppen for den koordinerede indsats." if inside else
                        "familien er UDEN FOR målgruppen for den koordinerede indsats – overvej almindelig sagsbehandling.")
                     + "<ul>" + "".join(f"<li>{_esc(r)}</li>" for r in a.target_group.reasons) + "</ul></div>")
        parts.append("<h3>Sag</h3><ul>")
        parts.append(f"<li><b>Sagsgrundlag nu:</b> {_esc(', '.join(a.existing_case_basis) or '(intet)')}</li>")
        for s in a.suggested_case_basis:
            parts.append(f"<li><b>Screeningen peger på {_esc(s.case_basis)}:</b> "
                         + "; ".join(f"{_esc(r.text)} <span class='tvaers-src'>({_esc(r.source)})</span>" for r in s.reasons)
                         + "</li>")
        if a.rule:
            due = f"; næste opfølgning senest <b>{a.next_followup:%d.%m.%Y}</b>" if a.next_followup else ""
            if a.days_overdue:
                due = (f"; <b class='tvaers-overdue' style='color:#c62828'>opfølgningen er overskredet: fristen var "
                       f"{a.next_followup:%d.%m.%Y} ({count(a.days_overdue, 'dag', 'dage')} siden)</b>")
            parts.append(f"<li><b>Opfølgning:</b> mindst hver {a.rule.max_interval_days}. dag "
                         f"(ca. hver {round(a.rule.max_interval_days / 7)}. uge){due}. {_esc(a.rule.description)} "
                         f"<span class='tvaers-src' title='Regel {_esc(a.rule.rule_id)}'>({_esc(a.rule.source)})</span></li>")
        parts.append(f"<li><b>Sagspoint:</b> {number(a.case_points)} – {_esc('; '.join(a.points_reasons))}</li></ul>")

        if p.outside_target_group:
            parts.append("<h3>Intet team foreslået</h3><div class='tvaers-msg tvaers-warn tvaers-outside'>"
                         f"{_esc(p.outside_target_group)}</div>")
            return "".join(parts)
        parts.append(f"<h3>Foreslået team: {p.contact_count} fagpersoner i kontakt med familien "
                     f"({p.size_change()})</h3>")
        parts.append("<div class='tvaers-help'>Det mindste antal fagpersoner, der tilsammen dækker alle behov "
                     "(beregnet eksakt), inden for sagsloftet; kendte ansigter, familiens sprog og distrikt foretrækkes."
                     + ("" if p.optimal else " Bemærk: tiden slap op, før det var bevist, at teamet ikke kan være "
                                             "mindre.") + "</div>")
        if p.family_choices:
            parts.append("<div class='tvaers-msg tvaers-ok tvaers-family-choices'><b>Familiens eget valg:</b><ul>"
                         + "".join(f"<li>{_esc(t)}</li>" for t in p.family_choices) + "</ul></div>")
        parts.append("<table class='tvaers-team'><tr><th>Fagperson</th><th>Rolle</th><th>Dækker</th><th>Begrundelse</th></tr>")
        for m in p.members:
            parts.append(f"<tr class='tvaers-member'><td>{_esc(m.name)} ({_esc(m.staff_id)})</td><td>{_esc(m.role_label)}</td>"
                         f"<td>{_esc(', '.join(m.covers) or '–')}</td><td>{_esc('; '.join(m.reasons))}</td></tr>")
        parts.append("</table>")
        if p.choices:
            parts.append("<div class='tvaers-msg tvaers-warn'><b>Sagsbehandlerens valg:</b><ul>"
                         + "".join(f"<li>{_esc(t)}</li>" for t in p.choices) + "</ul></div>")
        if p.unstaffed:
            parts.append('<div class="tvaers-msg tvaers-error tvaers-unstaffed"><b>Kan ikke bemandes:</b><ul>'
                         + "".join(f"<li><b>{_esc(u.label)}</b>: {_esc(u.explanation)}</li>" for u in p.unstaffed)
                         + "</ul></div>")
        if p.leaving:
            parts.append('<div class="tvaers-msg tvaers-warn"><b>I teamet i dag, men ikke i forslaget:</b><ul>'
                         + "".join(f"<li>{_esc(t)}</li>" for t in p.leaving) + "</ul></div>")
        if p.coordinator_tasks:
            parts.append("<h3>Opgaver for koordinatoren</h3><ul>"
                         + "".join(f"<li>{_esc(t)}</li>" for t in p.coordinator_tasks) + "</ul>")
        offers = assessment_offers(self.register, a) if self.register is not None else []
        if offers:
            parts.append("<h3>Foreninger og tilbud, familien kan bruge</h3><ul class='tvaers-offers'>"
                         + "".join(f"<li>{_esc(offer_line(m))}</li>" for m in offers) + "</ul>")
        parts.append("<h3>Behov og begrundelser</h3><ul>")
        for need in a.needs:
            urgent = " <b style='color:#c62828'>(handling nu)</b>" if need.act_now else ""
            parts.append(f"<li><b>{_esc(need.label)}</b>{urgent} – dækkes af {_esc(need.who_can_cover())}<ul>"
                         + "".join(f"<li>{_esc(r.text)} <span class='tvaers-src' title='Regel {_esc(r.rule_id)}'>"
                                   f"({_esc(r.source)})</span></li>"
                                   for r in need.reasons) + "</ul></li>")
        parts.append("</ul>")
        if not a.needs:
            parts.append("<div class='tvaers-help'>Ingen behov kræver en fagperson (ingen vurdering på 2 eller 3 "
                         "og ingen lovkrav).</div>")
        if a.strengths:
            parts.append("<h3>Styrker at bygge på</h3><ul>" + "".join(f"<li>{_esc(s)}</li>" for s in a.strengths) + "</ul>")
        moves = changes(history(self.register, outcome.family_id, self.store, a.ratings))
        if moves:
            parts.append("<h3>Siden sidste screening</h3><ul>" + "".join(f"<li>{_esc(m)}</li>" for m in moves) + "</ul>")
        if a.warnings:
            parts.append('<div class="tvaers-msg tvaers-warn"><b>Bemærk:</b><ul>'
                         + "".join(f"<li>{_esc(t)}</li>" for t in a.warnings) + "</ul></div>")
        return "".join(parts)
