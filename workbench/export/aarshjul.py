"""The family's årshjul: twelve months in a circle with the follow-up meetings, as in "Sammen om familien".

Socialstyrelsen's model describes the årshjul as a circle of twelve fields, one per month, which the
caseworker fills with the year's meetings and hands to the parents "so they know what to expect when".
Two forms are made here from one :class:`Wheel`:

* :func:`wheel_figure` – an interactive plotly wheel for the workbench (hover shows date and time);
* :func:`printable_html` – one printable A4 page in Danish for the family to keep ("Vores årshjul"), with
  the wheel drawn as inline SVG (prints sharply, needs no script, works offline), the dates, the team and
  what a follow-up meeting is for.  :mod:`workbench.export.pdf` turns it into a PDF.

Only the family's pseudonym id appears; family members are never named. People from outside the staff who are
with the family (a teacher, the family's own doctor, a volunteer) are listed with their invitations, and where
the family's screening shows a leisure or network need, the local offers that fit (:mod:`workbench.screening.
civil_society`).
"""

from __future__ import annotations

from collections import Counter
from functools import cached_property

import calendar as month_calendar
import html
import math
from dataclasses import dataclass
from datetime import date

import plotly.graph_objects as go

from workbench import catalogue
from workbench.danish import MONTHS_DA, WEEKDAYS_DA, danish_date
from workbench.attendance import invited_externals, meeting_place
from workbench.clocks import rule_for
from workbench.model import Meeting, Plan, Register
from workbench.screening.civil_society import OFFERS_SHOWN, OfferMatch, family_offers

MONTH_SHORT_DA = ("jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
SEGMENT_COLOURS = ("#e3f2fd", "#f1f8e9")
MEETING_MONTH_COLOUR = "#90caf9"
DOT_COLOUR = "#c62828"


@dataclass(frozen=True)
class TeamEntry:
    name: str
    role: str
    task: str
    """'Primær koordinator', 'Sekundær koordinator' or 'I teamet'."""
    email: str = ""


@dataclass(frozen=True)
class ExternalEntry:
    """Someone from outside the staff on the family's page: the family's own papers may say who they are."""

    name: str
    role: str
    organisation: str
    invited: bool
    contact: str = ""


@dataclass(frozen=True)
class Wheel:
    """Everything one family's årshjul shows."""

    family_id: str
    first_month: date
    """First day of the wheel's first month (the plan's start month)."""
    meetings: tuple[Meeting, ...]
    team: tuple[TeamEntry, ...]
    cadence: str
    """The follow-up rule in plain words, e.g. 'Støtte efter Barnets lov § 32: opfølgende teammøde hver 6. uge'."""
    source: str = ""
    titles: tuple[tuple[str, str], ...] = ()
    """(meeting id, what the family calls it) for meetings that are not the team's follow-up, e.g. a jobsamtale
    for one of the parents."""
    places: tuple[tuple[str, str], ...] = ()
    """(meeting id, where it is held) for meetings with a known place (attendance.meeting_place)."""
    externals: tuple[ExternalEntry, ...] = ()
    guests: tuple[tuple[str, str], ...] = ()
    """(meeting id, who from outside is invited: 'Hanne Hansen (lærer)') for meetings with someone from outside."""
    offers: tuple[OfferMatch, ...] = ()
    """Local offers that fit the family's leisure or network need (empty if it has none)."""

    def guests_at(self, meeting: Meeting) -> str:
        return dict(self.guests).get(meeting.meeting_id, "")

    def title(self, meeting: Meeting) -> str:
        return dict(self.titles).get(meeting.meeting_id, "Opfølgningsmøde")

    def place(self, meeting: Meeting) -> str:
        return dict(self.places).get(meeting.meeting_id, "")

    @cached_property
    def usual_place(self) -> str:
        """Where most of the family's team meetings are held (said once on the page; the others at their date)."""
        team = {m.meeting_id for m in self.meetings if not m.person_id}
        counts = Counter(place for meeting_id, place in self.places if meeting_id in team)
        return counts.most_common(1)[0][0] if counts else ""

    @property
    def months(self) -> list[date]:
        """The twelve months of the wheel (first day of each)."""
        out, year, month = [], self.first_month.year, self.first_month.month
        for _ in range(12):
            out.append(date(year, month, 1))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return out

    @property
    def last_day(self) -> date:
        last = self.months[-1]
        return date(last.year, last.month, month_calendar.monthrange(last.year, last.month)[1])

    @property
    def title_years(self) -> str:
        first, last = self.first_month.year, self.last_day.year
        return f"{first}" if first == last else f"{first}/{str(last)[-2:]}"

    def month_index(self, day: date) -> int:
        return (day.year - self.first_month.year) * 12 + day.month - self.first_month.month

    def angle(self, day: date) -> float:
        """Degrees clockwise from the top: each month is a 30° field, the day's place within it."""
        days_in_month = month_calendar.monthrange(day.year, day.month)[1]
        return 30.0 * self.month_index(day) + 30.0 * (day.day - 0.5) / days_in_month

    def meetings_in(self, month: date) -> list[Meeting]:
        return [m for m in self.meetings if (m.day.year, m.day.month) == (month.year, month.month)]


def family_wheel(plan: Plan, register: Register, family_id: str, store=None) -> Wheel:
    """The årshjul of one family from a plan (twelve months from the plan's first month); ``store`` lets a screening
    saved in the workbench decide which local offers fit."""
    family = register.family_by_id.get(family_id)
    if family is None:
        raise KeyError(f"Familie {family_id} findes ikke i data")
    first = date(plan.start.year, plan.start.month, 1)
    wheel_months = Wheel(family_id, first, (), (), "").months
    last = wheel_months[-1]
    last_day = date(last.year, last.month, month_calendar.monthrange(last.year, last.month)[1])
    meetings = tuple(sorted((m for m in plan.meetings if m.family_id == family_id and first <= m.day <= last_day),
                            key=lambda m: (m.day, m.start_minute)))
    assignment = next((a for a in plan.assignments if a.family_id == family_id), None)
    team: list[TeamEntry] = []
    seen: set[str] = set()

    def add(staff_id: str | None, task: str) -> None:
        if not staff_id or staff_id in seen or staff_id not in register.staff_by_id:
            return
        seen.add(staff_id)
        person = register.staff_by_id[staff_id]
        team.append(TeamEntry(person.name, catalogue.role_label(person.role), task, person.email))

    if assignment is not None:
        add(assignment.primary_coordinator, "Primær koordinator")
        add(assignment.secondary_coordinator, "Sekundær koordinator")
    for member in register.team_by_family.get(family_id, ()):
        add(member.staff_id, "I teamet")
    try:
        rule = rule_for(register, family, plan.start)
        cadence, source = rule.description or rule.rule_id, rule.source
    except KeyError:
        cadence, source = "", ""
    titles = []
    for m in meetings:
        if m.person_id:
            person = register.person_by_id.get(m.person_id)
            titles.append((m.meeting_id, f"{register.appointment_title(m.rule_id)} – "
                                         f"{person.label if person and person.label else m.person_id}"))
    places = tuple((m.meeting_id, place) for m in meetings if (place := meeting_place(register, m, assignment)))
    externals = tuple(ExternalEntry(p.name, p.contact_role, p.organisation, p.invited,
                                    " · ".join(x for x in (p.phone, p.email) if x))
                      for p in register.externals_by_family.get(family_id, ()))
    guests = tuple((m.meeting_id, ", ".join(f"{p.name} ({p.contact_role})" for p in people))
                   for m in meetings if (people := invited_externals(register, m)))
    offers = tuple(family_offers(register, family_id, plan.start, store))
    return Wheel(family_id, first, meetings, tuple(team), cadence, source, tuple(titles), places, externals,
                 guests, offers)


def _under_the_date(wheel: Wheel, meeting: Meeting, with_guests: bool = True) -> str:
    """What stands under a meeting's date: whose own appointment it is, the place if it is not the usual one, and
    who comes from outside the staff (left out when the dates must fit in columns; then said once above them)."""
    other = _other_place(wheel, meeting)
    guests = f"Også med: {wheel.guests_at(meeting)}" if with_guests and wheel.guests_at(meeting) else ""
    title = wheel.title(meeting) if meeting.person_id or other else ""
    return " · ".join(x for x in (title, other, guests) if x)


def _other_place(wheel: Wheel, meeting: Meeting) -> str:
    """A team meeting's place if it is not the usual one (that one is said once, above the dates). A person's own
    appointment is not given its place here: its title says where (the jobcentre), and its calendar invitation
    has the address - the page must stay one A4 page."""
    place = wheel.place(meeting)
    return place if place != wheel.usual_place and not meeting.person_id else ""


def _time_text(meeting: Meeting) -> str:
    return f"kl. {meeting.start.replace(':', '.')}–{meeting.end.replace(':', '.')}"


# --------------------------------------------------------------------------- plotly


def wheel_figure(wheel: Wheel) -> go.Figure:
    """An interactive wheel: twelve month fields (months with a meeting coloured) and a dot per meeting."""
    months = wheel.months
    counts = [len(wheel.meetings_in(m)) for m in months]
    labels = [f"{MONTH_SHORT_DA[m.month - 1]} {str(m.year)[-2:]}" if m.month == 1 or i == 0 else
              MONTH_SHORT_DA[m.month - 1] for i, m in enumerate(months)]
    colours = [MEETING_MONTH_COLOUR if n else SEGMENT_COLOURS[i % 2] for i, n in enumerate(counts)]
    hover = [f"{MONTHS_DA[m.month - 1]} {m.year}: " + (f"{n} møde" + ("r" if n > 1 else "") if n else "ingen møder")
             for m, n in zip(months, counts)]
    figure = go.Figure()
    figure.add_trace(go.Barpolar(
        r=[1.0] * 12, theta=[30 * i + 15 for i in range(12)], width=[30] * 12, base=0.25,
        marker={"color": colours, "line": {"color": "white", "width": 2}}, hovertext=hover, hoverinfo="text",
        name="Måneder", showlegend=False,
    ))
    figure.add_trace(go.Scatterpolar(
        r=[0.85] * len(wheel.meetings), theta=[wheel.angle(m.day) for m in wheel.meetings], mode="markers+text",
        marker={"size": 30, "color": DOT_COLOUR, "line": {"color": "white", "width": 1}},
        text=[f"{m.day.day}/{m.day.month}" for m in wheel.meetings], textposition="middle center",
        textfont={"size": 10, "color": "white"},
        hovertext=[f"{wheel.title(m)}<br>{danish_date(m.day)}<br>{_time_text(m)}"
                   + (f"<br>Også med: {html.escape(wheel.guests_at(m))}" if wheel.guests_at(m) else "")
                   for m in wheel.meetings],
        hoverinfo="text", name="Møder", showlegend=False,
    ))
    figure.update_layout(
        title={"text": f"Årshjul {wheel.title_years} – familie {wheel.family_id}", "x": 0.5},
        polar={
            "angularaxis": {"rotation": 90, "direction": "clockwise", "tickmode": "array",
                            "tickvals": [30 * i + 15 for i in range(12)], "ticktext": labels, "showgrid": False,
                            "tickfont": {"size": 13}},
            "radialaxis": {"visible": False, "range": [0, 1.25]},
            "hole": 0.2, "bgcolor": "white",
        },
        width=520, height=520, margin={"l": 40, "r": 40, "t": 60, "b": 30}, paper_bgcolor="white",
    )
    return figure


# --------------------------------------------------------------------------- SVG and printable page


def _point(cx: float, cy: float, radius: float, degrees: float) -> tuple[float, float]:
    radians = math.radians(degrees)
    return cx + radius * math.sin(radians), cy - radius * math.cos(radians)


def wheel_svg(wheel: Wheel, size: int = 360) -> str:
    """The wheel as inline SVG (no script): month fields, month names and a dot with the date per meeting."""
    c = size / 2
    outer, inner, label_r, dot_r = c - 4, c * 0.34, c * 0.80, c * 0.55
    parts = [f'<svg class="aarshjul" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" '
             f'width="{size}" height="{size}" role="img" aria-label="Årshjul for familie '
             f'{html.escape(wheel.family_id)}">']
    for i, month in enumerate(wheel.months):
        a0, a1 = 30 * i, 30 * (i + 1)
        x0, y0 = _point(c, c, outer, a0)
        x1, y1 = _point(c, c, outer, a1)
        x2, y2 = _point(c, c, inner, a1)
        x3, y3 = _point(c, c, inner, a0)
        fill = MEETING_MONTH_COLOUR if wheel.meetings_in(month) else SEGMENT_COLOURS[i % 2]
        parts.append(f'<path class="maaned" d="M{x0:.1f},{y0:.1f} A{outer:.1f},{outer:.1f} 0 0 1 {x1:.1f},{y1:.1f} '
                     f'L{x2:.1f},{y2:.1f} A{inner:.1f},{inner:.1f} 0 0 0 {x3:.1f},{y3:.1f} Z" fill="{fill}" '
                     f'stroke="white" stroke-width="2"/>')
        lx, ly = _point(c, c, label_r, a0 + 15)
        parts.append(f'<text x="{lx:.1f}" y="{ly:.1f}" text-anchor="middle" dominant-baseline="middle" '
                     f'font-size="{size / 26:.0f}" font-family="sans-serif" fill="#263238">'
                     f'{MONTH_SHORT_DA[month.month - 1].capitalize()}</text>')
    for meeting in wheel.meetings:
        x, y = _point(c, c, dot_r, wheel.angle(meeting.day))
        parts.append(f'<circle class="moede" cx="{x:.1f}" cy="{y:.1f}" r="{size / 26:.1f}" fill="{DOT_COLOUR}" '
                     f'stroke="white" stroke-width="1"><title>{html.escape(wheel.title(meeting))}, '
                     f'{html.escape(danish_date(meeting.day))}</title></circle>')
        parts.append(f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="middle" dominant-baseline="central" '
                     f'font-size="{size / 40:.0f}" font-family="sans-serif" fill="white">'
                     f'{meeting.day.day}/{meeting.day.month}</text>')
    parts.append(f'<text x="{c}" y="{c - 8}" text-anchor="middle" font-size="{size / 22:.0f}" font-family="sans-serif" '
                 f'font-weight="bold" fill="#263238">{html.escape(wheel.title_years)}</text>')
    parts.append(f'<text x="{c}" y="{c + 14}" text-anchor="middle" font-size="{size / 30:.0f}" font-family="sans-serif" '
                 f'fill="#455a64">{html.escape(wheel.family_id)}</text>')
    parts.append("</svg>")
    return "".join(parts)


PRINT_CSS = """
@page { size: A4 portrait; margin: 12mm 14mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", Arial, sans-serif; color: #263238; font-size: 10.5pt; margin: 0; }
.side { max-width: 182mm; margin: 0 auto; }
h1 { font-size: 20pt; margin: 0 0 2mm 0; color: #0d47a1; }
h2 { font-size: 12pt; margin: 4mm 0 1.5mm 0; color: #0d47a1; }
p { margin: 1mm 0; line-height: 1.35; }
.intro { font-size: 11pt; }
.top { display: flex; gap: 6mm; align-items: flex-start; }
.top svg { flex: 0 0 auto; width: 84mm; height: 84mm; }
.datoer td { padding: 0.6mm 2mm; line-height: 1.2; }
td.tid { white-space: nowrap; }
.datoer td:first-child { white-space: nowrap; }
.hvem { font-size: 8pt; color: #455a64; line-height: 1.1; }
.to-kolonner { display: flex; gap: 6mm; align-items: flex-start; }
.to-kolonner .datoer td { font-size: 8.5pt; padding: 0.25mm 2mm; line-height: 1.1; }
.to-kolonner .hvem { font-size: 7.5pt; white-space: normal; display: block; }
.to-kolonner.tre { gap: 3mm; }
.to-kolonner.tre .datoer td, .to-kolonner.tre .datoer th { padding-left: 1mm; padding-right: 1mm; }
.mange .top svg { width: 76mm; height: 76mm; }
.mange .noter { height: 10mm; }
table, .noter { page-break-inside: avoid; }
.dates { flex: 1; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 1mm 2mm; font-size: 9.5pt; border-bottom: 0.3mm solid #cfd8dc; vertical-align: top; }
th { background: #e3f2fd; }
.noter { border: 0.3mm dashed #90a4ae; height: 14mm; margin-top: 1mm; }
.kort .noter { height: 9mm; }
.tilbud { margin: 0; padding-left: 5mm; }
.tilbud li { margin: 0.4mm 0; line-height: 1.25; }
.fod { margin-top: 3mm; font-size: 8.5pt; color: #607d8b; }
.knap { margin: 4mm 0; }
@media print { .knap { display: none; } }
"""


MEETINGS_BESIDE_WHEEL = 14
"""More meetings than this do not fit beside the wheel on one A4 page: they go under it in two or three columns."""
MEETINGS_PER_COLUMN = 12


def printable_html(wheel: Wheel, printed_on: date | None = None) -> str:
    """One A4 page in Danish for the family: 'Vores årshjul', the wheel, the dates, the team and the purpose.

    Mostly the page's HTML and CSS, kept in one place so the printed page reads top to bottom like the code."""
    printed_on = printed_on or date.today()
    esc = html.escape
    many = len(wheel.meetings) > MEETINGS_BESIDE_WHEEL  # then the dates go under the wheel, in two columns
    coordinator = next((t for t in wheel.team if t.task == "Primær koordinator"), None)
    rows = [
        f"<tr><td>{esc(WEEKDAYS_DA[m.day.weekday()].capitalize())} {m.day.day}. {MONTHS_DA[m.day.month - 1]}"
        f"{'' if m.day.year == wheel.first_month.year else f' {m.day.year}'}"
        + (f'<br><span class="hvem">{esc(note)}</span>' if (note := _under_the_date(wheel, m, not many)) else "")
        + f'</td><td class="tid">{esc(_time_text(m))}</td></tr>' for m in wheel.meetings
    ] or ['<tr><td colspan="2">Der er ikke planlagt møder i perioden endnu.</td></tr>']
    team_rows = "".join(
        f"<tr><td>{esc(t.name)}</td><td>{esc(t.role)}</td><td>{esc(t.task)}</td><td>{esc(t.email)}</td></tr>"
        for t in wheel.team
    )
    contact = (f"Kan I ikke komme, eller vil I gerne tale om noget inden næste møde, så kontakt jeres koordinator "
               f"{esc(coordinator.name)}" + (f" ({esc(coordinator.email)})" if coordinator.email else "") + "."
               if coordinator else "Kan I ikke komme, så kontakt jeres koordinator.")
    others = ("<p>Nogle af møderne er kun for én af jer – fx en samtale med barnet eller en samtale på jobcentret. "
              "Under datoen står, hvem mødet er for.</p>" if wheel.titles else "")
    cadence = (f"<p>Hvor ofte vi mødes, følger af reglerne for jeres sag: {esc(wheel.cadence)}.</p>"
               if wheel.cadence else "")
    explanation = f"""<h2>Hvad er et opfølgningsmøde?</h2>
<p>På opfølgningsmødet ser vi sammen på jeres plan: hvad går godt, hvad er svært, og hvad skal der ske indtil
næste gang. Hele jeres team er med, så I kun skal fortælle tingene én gang, og så de voksne omkring jer
trækker i samme retning. I er med til at bestemme, hvad vi taler om – skriv gerne ned, hvad I vil tage op.</p>
{others}{cadence}"""
    columns = 1 if not many else 2 if len(rows) <= 2 * MEETINGS_PER_COLUMN else 3
    per_column = -(-len(rows) // columns)
    halves = [rows[i:i + per_column] for i in range(0, len(rows), per_column)]
    where = f' <small class="sted">· {esc(wheel.usual_place)}</small>' if wheel.usual_place else ""
    everyone = ", ".join(dict.fromkeys(g for _, g in wheel.guests))
    also = f'<p class="hvem">Til opfølgningsmøderne kommer også: {esc(everyone)}</p>' if many and everyone else ""
    dates = f"<h2>Vores møder{where}</h2>{also}" + (f'<div class="to-kolonner{" tre" if columns == 3 else ""}">' if many else "") + "".join(
        f'<table class="datoer"><thead><tr><th>Dato</th><th>Tid</th></tr></thead><tbody>{"".join(half)}</tbody></table>'
        for half in halves) + ("</div>" if many else "")
    return f"""<!DOCTYPE html>
<html lang="da">
<head>
<meta charset="utf-8">
<title>Vores årshjul {esc(wheel.title_years)} – familie {esc(wheel.family_id)}</title>
<style>{PRINT_CSS}</style>
</head>
<body>
<div class="side{' mange' if many else ''}{' kort' if wheel.externals or wheel.offers else ''}">
<button class="knap" type="button" onclick="window.print()">Udskriv</button>
<h1>Vores årshjul {esc(wheel.title_years)}</h1>
<p class="intro">Familie {esc(wheel.family_id)}. Her kan I se, hvornår vi mødes i løbet af året, og hvem der er med.
Hæng det gerne op, så I altid ved, hvad der skal ske hvornår.</p>
<div class="top">
{wheel_svg(wheel)}
<div class="dates">
{explanation if many else dates}
</div>
</div>
{dates if many else explanation}
<h2>Jeres team</h2>
<table><thead><tr><th>Navn</th><th>Fagperson</th><th>Opgave</th><th>E-mail</th></tr></thead>
<tbody>{team_rows}</tbody></table>
<p>{contact}</p>
{_externals_html(wheel)}{_offers_html(wheel)}<h2>Det vil vi tage op næste gang</h2>
<div class="noter"></div>
<p class="fod">Udskrevet {printed_on:%d.%m.%Y} fra Tværs. Årshjulet bygger på modellen "Sammen om familien"
(Socialstyrelsen). Tider kan blive flyttet – jeres koordinator giver besked.</p>
</div>
</body>
</html>
"""


def _externals_html(wheel: Wheel) -> str:
    """'Med i familiens team udefra': who they are, where from, whether they come to the meetings, how to reach them."""
    if not wheel.externals:
        return ""
    esc = html.escape
    rows = "".join(f"<tr><td>{esc(e.name)}</td><td>{esc(e.role.capitalize())}</td><td>{esc(e.organisation)}</td>"
                   f"<td>{'ja' if e.invited else 'nej'}</td><td>{esc(e.contact)}</td></tr>" for e in wheel.externals)
    return ('<h2>Med i familiens team udefra</h2><table class="udefra"><thead><tr><th>Navn</th><th>Hvem</th>'
            '<th>Fra</th><th>Med til møderne</th><th>Kontakt</th></tr></thead>'
            f"<tbody>{rows}</tbody></table>\n")


def _offers_html(wheel: Wheel) -> str:
    """'Foreninger og tilbud, I kan bruge': the best few local offers for the family's leisure or network need."""
    if not wheel.offers:
        return ""
    esc = html.escape
    items = []
    for match in wheel.offers[:OFFERS_SHOWN]:
        o = match.offer
        what = esc(o.offer) + (f" ({esc(o.for_whom)})" if o.for_whom else "")
        contact = f" Kontakt: {esc(o.contact)}." if o.contact else ""
        items.append(f"<li><b>{esc(o.name)}</b>: {what}.{contact} <span class=\"hvem\">{esc(match.reason)}</span></li>")
    return ('<h2>Foreninger og tilbud, I kan bruge</h2><p>Spørg jeres koordinator, hvis I vil have hjælp til at '
            f'komme i gang.</p><ul class="tilbud">{"".join(items)}</ul>\n')
