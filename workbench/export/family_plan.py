"""The family plan on paper: one A4 page in Danish for the family ("Vores plan"), printed with the årshjul.

What the family keeps: its goals in its own words with the latest rating and a small bar of the ratings so far,
the agreements (what, who, by when), the child's own words, the consents it has given and the
samarbejdskontrakt.  Family members appear by their pseudonym label ("Barn 1"), never by name.
"""

from __future__ import annotations

import html
from datetime import date

from workbench.danish import danish_date
from workbench.export.aarshjul import PRINT_CSS
from workbench.family_plan import SCALE_HIGH, SCALE_TEXT, WHOLE_FAMILY, FamilyPlan
from workbench.model import Register

PLAN_CSS = """
.mål td.score { white-space: nowrap; width: 34mm; }
.bar { display: inline-block; height: 3mm; background: #1565c0; vertical-align: middle; }
.bar.tom { background: #cfd8dc; }
.citat { font-style: italic; }
.kontrakt td:first-child { width: 38mm; font-weight: bold; }
.side + .side { page-break-before: always; }
"""


def person_label(register: Register | None, person_id: str) -> str:
    """'Hele familien', or the member's pseudonym label with age group: never a name."""
    if person_id == WHOLE_FAMILY:
        return "Hele familien"
    person = register.person_by_id.get(person_id) if register is not None else None
    return person.label or person_id if person is not None else person_id


def _day(value: date | None) -> str:
    return f"{value:%d.%m.%Y}" if value else ""


def _bar(score: int) -> str:
    width = 2.6 * score
    return (f'<span class="bar" style="width:{width:.1f}mm"></span>'
            f'<span class="bar tom" style="width:{2.6 * (SCALE_HIGH - score):.1f}mm"></span>')


def plan_body(plan: FamilyPlan, register: Register | None, printed_on: date) -> str:
    """The page's content (a ``<div class="side">``), to stand alone or before the årshjul in one file."""
    esc = html.escape
    latest = plan.latest_ratings()
    first = {}
    for day, goal_id, score in plan.attainment():
        first.setdefault(goal_id, (day, score))
    goal_rows = "".join(
        f"<tr><td>{esc(g.text)}</td><td>{esc(person_label(register, g.person_id))}</td><td class=\"score\">"
        + (f"{latest[g.goal_id][1]} af {SCALE_HIGH} {_bar(latest[g.goal_id][1])}"
           + (f"<br><small>først {first[g.goal_id][1]} ({_day(first[g.goal_id][0])})</small>"
              if first[g.goal_id][0] != latest[g.goal_id][0] else "")
           if g.goal_id in latest else "ikke vurderet endnu")
        + "</td></tr>" for g in plan.goals) or '<tr><td colspan="3">I har ikke skrevet mål endnu.</td></tr>'
    goal_text = {g.goal_id: g.text for g in plan.goals}
    action_rows = "".join(
        f"<tr><td>{esc(a.what)}" + (f'<br><small>til målet: {esc(goal_text[a.goal_id])}</small>'
                                    if a.goal_id in goal_text else "")
        + f"</td><td>{esc(a.who)}</td><td>{_day(a.by_when) or 'løbende'}</td>"
          f"<td>{'klaret' if a.done else ''}</td></tr>"
        for a in plan.actions) or '<tr><td colspan="4">Der er ingen aftaler endnu.</td></tr>'
    views = "".join(f'<p><b>{esc(person_label(register, v.person_id))}</b> ({_day(v.heard_on)}): '
                    f'<span class="citat">"{esc(v.text)}"</span></p>' for v in plan.child_views)
    consents = "".join(
        f"<tr><td>{esc(c.what)}</td><td>{esc(c.to_whom)}</td><td>{esc(c.given_by)}</td><td>{_day(c.given_on)}</td>"
        f"<td>{_day(c.until) or 'indtil I trækker det tilbage'}</td></tr>" for c in plan.consents)
    contract = plan.contract
    contract_html = (
        f"""<h2>Vores samarbejdskontrakt{f' (aftalt {_day(contract.agreed_on)})' if contract.agreed_on else ''}</h2>
<table class="kontrakt"><tbody>
<tr><td>Det gør vi i familien</td><td>{esc(contract.family_part)}</td></tr>
<tr><td>Det gør teamet</td><td>{esc(contract.team_part)}</td></tr>
<tr><td>Det gør koordinatoren</td><td>{esc(contract.coordinator_part)}</td></tr>
</tbody></table>""" if contract.written else "")
    last_review = plan.reviews[-1] if plan.reviews else None
    review = (f"<p>Sidste opfølgning var {danish_date(last_review.held_on)}."
              + (f' Det talte vi om: <span class="citat">{esc(last_review.note)}</span>' if last_review.note else "")
              + "</p>" if last_review else "")
    return f"""<div class="side">
<button class="knap" type="button" onclick="window.print()">Udskriv</button>
<h1>Vores plan</h1>
<p class="intro">Familie {esc(plan.family_id)}. Det er jeres plan: målene er jeres egne, skrevet med jeres ord.
Til hvert opfølgningsmøde ser vi sammen på, hvor langt I er nået ({SCALE_TEXT}).</p>
{review}
<h2>Vores mål</h2>
<table class="mål"><thead><tr><th>Mål</th><th>For hvem</th><th>Hvor langt er vi</th></tr></thead>
<tbody>{goal_rows}</tbody></table>
<h2>Det har vi aftalt</h2>
<table><thead><tr><th>Hvad</th><th>Hvem</th><th>Hvornår</th><th></th></tr></thead><tbody>{action_rows}</tbody></table>
{f'<h2>Med barnets egne ord</h2>{views}' if views else ''}
{f'<h2>Det har I givet samtykke til</h2><table><thead><tr><th>Hvad</th><th>Til hvem</th><th>Givet af</th><th>Givet</th><th>Gælder til</th></tr></thead><tbody>{consents}</tbody></table><p>I kan altid trække et samtykke tilbage – sig det til jeres koordinator.</p>' if consents else ''}
{contract_html}
<p class="fod">Udskrevet {printed_on:%d.%m.%Y} fra Tværs.</p>
</div>"""


def printable_plan_html(plan: FamilyPlan, register: Register | None = None, printed_on: date | None = None,
                        wheel_page: str = "") -> str:
    """The family plan as one printable A4 page; with ``wheel_page`` (the årshjul's printable HTML) the årshjul
    follows on its own page in the same file, so the family gets both in one print."""
    printed_on = printed_on or date.today()
    wheel_body = ""
    if wheel_page:
        start, end = wheel_page.find('<div class="side'), wheel_page.rfind("</body>")
        wheel_body = wheel_page[start:end] if start >= 0 and end > start else ""
        wheel_body = wheel_body.replace('<button class="knap" type="button" onclick="window.print()">Udskriv</button>',
                                        "", 1)
    return f"""<!DOCTYPE html>
<html lang="da">
<head>
<meta charset="utf-8">
<title>Vores plan – familie {html.escape(plan.family_id)}</title>
<style>{PRINT_CSS}{PLAN_CSS}</style>
</head>
<body>
{plan_body(plan, register, printed_on)}
{wheel_body}
</body>
</html>
"""
