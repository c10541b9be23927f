"""How a Danish team leader writes things, read in one place: dates as Danish Excel writes them."""

from __future__ import annotations

import re
from datetime import date, timedelta

_DAY_FIRST = re.compile(r"(\d{1,2})[-./](\d{1,2})[-./](\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def parse_day(text: str) -> date | None:
    """``2027-12-21`` (ISO) or ``21-12-2027``, ``21.12.2027``, ``21/12/2027`` (day first, as Danish Excel writes
    it; the year in four digits, so nothing is ambiguous); Excel's ``... 00:00:00`` is ignored.  None if it is
    not a real date."""
    cleaned = text.strip()
    if cleaned.endswith(" 00:00:00"):
        cleaned = cleaned[: -len(" 00:00:00")]
    try:
        if found := _DAY_FIRST.fullmatch(cleaned):
            day, month, year = (int(part) for part in found.groups())
            return date(year, month, day)
        if found := _ISO.fullmatch(cleaned):
            year, month, day = (int(part) for part in found.groups())
            return date(year, month, day)
    except ValueError:
        return None
    return None


DATE_FORMS_DA = "fx 21-12-2027 eller 2027-12-21"
"""What to tell a user who wrote something that is not a date."""


def count(n: int, singular: str, plural: str) -> str:
    """``1 voksen``, ``2 voksne``, ``0 børn``: the number with the word in the right form."""
    return f"{n} {singular if n == 1 else plural}"


PLAN_STATUS_DA = {
    "OPTIMAL": "bedst mulige: ingen plan kan have færre forsinkede møder eller færre dage for sent",
    "FEASIBLE": "god plan; nogle forsinkelser kan måske undgås med mere tid eller Genoptimér",
    "STOPPED": "stoppet af brugeren: bedste plan indtil da",
    "EMPTY": "ingen møder at planlægge",
}
"""What the planner's status means, in the words a team leader reads (never OPTIMAL/FEASIBLE)."""


def monday_of(day: date) -> date:
    """The Monday of the week ``day`` falls in: the key a week is counted and sorted by."""
    return day - timedelta(days=day.weekday())


def week_label(day: date) -> str:
    """The week ``day`` falls in, one way everywhere: ``uge 53 (28.12.2026)`` - the ISO week number and its
    Monday, so a plan from 1 January 2027 starts in a week a reader recognises."""
    return f"uge {day.isocalendar()[1]} ({monday_of(day):%d.%m.%Y})"


def number(value: float) -> str:
    """A number as Danish readers write it: ``32,5`` (decimal comma), ``1.250`` (thousands dot), ``40``."""
    text = f"{value:,.2f}".rstrip("0").rstrip(".") if value != int(value) else f"{int(value):,}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


MONTHS_DA = ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober",
             "november", "december")
WEEKDAYS_DA = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")


def danish_date(day: date) -> str:
    """'tirsdag 16. marts 2027'."""
    return f"{WEEKDAYS_DA[day.weekday()]} {day.day}. {MONTHS_DA[day.month - 1]} {day.year}"


def short_date(day: date | str) -> str:
    """'01.01.2027' from a date or an ISO text ('2027-01-01'), as lists of saved plans show it; an unreadable text is
    shown as it is."""
    try:
        day = date.fromisoformat(str(day)[:10]) if not isinstance(day, date) else day
    except ValueError:
        return str(day)
    return f"{day:%d.%m.%Y}"


def timestamp_da(stamp: str) -> str:
    """'06.12.2026 kl. 10.56' from an ISO timestamp ('2026-12-06T10:56:12')."""
    from datetime import datetime

    try:
        moment = datetime.fromisoformat(str(stamp))
    except ValueError:
        return str(stamp)
    return f"{moment:%d.%m.%Y} kl. {moment:%H.%M}"


_SPELT_OUT = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"})


def spelt_out(text: str) -> str:
    """æ, ø and å written as ae, oe and aa (file names; comparing headers typed either way)."""
    return text.translate(_SPELT_OUT)
