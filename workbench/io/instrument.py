"""The screening instrument: items rated 0-3 in the CANS manner, kept as data.

A municipality may edit ``workbench/data/instrument.csv`` (or point to its own
copy): each item belongs to a domain, applies to children, adults or the family
as a whole within an age range, and carries a Danish text for every level, so a
rating always means the same action (0 no need, 1 watch, 2 act, 3 act now) - except on items whose 3 describes a
lasting state (``score_3`` = tilstand, e.g. a permanent disability): serious, but not a reason to act today.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import pandas as pd

from workbench.catalogue import data_path
from workbench.errors import Problem, RegisterError
from workbench.model import Person

FAMILY_PERSON_ID = "FAMILIE"
"""``person_id`` used in screenings for items about the family as a whole."""

LEVELS: tuple[int, ...] = (0, 1, 2, 3)
LEVEL_LABELS: dict[int, str] = {0: "Intet behov", 1: "Hold øje", 2: "Handling", 3: "Handling nu"}
ACTIONABLE = 2
"""CANS: ratings of 2 and 3 are actionable and must appear in the plan."""
ACT_NOW = 3

APPLIES_TO = ("barn", "voksen", "familie")
REQUIRED_COLUMNS = ("item_id", "domain", "domain_label", "applies_to", "min_age", "max_age", "text_da")
OPTIONAL_COLUMNS = ("anchor_0", "anchor_1", "anchor_2", "anchor_3", "help_da", "score_3")
URGENT, STATE = "akut", "tilstand"
"""What a 3 means on an item (``score_3``): act now, or a lasting state (a considerable and permanent disability,
not ready for work) - a state is serious but does not make the family's case urgent."""


@dataclass(frozen=True)
class Item:
    item_id: str
    domain: str
    domain_label: str
    applies_to: str  # "barn", "voksen" or "familie"
    min_age: int
    max_age: int
    text_da: str
    anchors: tuple[str, str, str, str] = ("", "", "", "")
    """What each level 0-3 means for this item, in Danish."""
    help_da: str = ""
    urgent_at_3: bool = True
    """False where a 3 describes a state, not urgency (``score_3`` = tilstand)."""

    def is_act_now(self, score: int) -> bool:
        """A rating that means 'act now': a 3 on an item whose 3 is urgent."""
        return score >= ACT_NOW and self.urgent_at_3

    def applies(self, person: Person | None, on: date) -> bool:
        """True if the item should be rated for ``person`` (None = the family as a whole) on ``on``."""
        if person is None:
            return self.applies_to == "familie"
        age = person.age_on(on)
        return person.kind == self.applies_to and age >= 0 and self.min_age <= age <= self.max_age

    def anchor(self, score: int) -> str:
        return self.anchors[score] or LEVEL_LABELS[score]


class InstrumentError(RegisterError):
    """The instrument file has problems; every one is listed with row and column."""


def _int(text: str, label: str, row: int, column: str, problems: list[Problem]) -> int:
    try:
        return int(text)
    except ValueError:
        problems.append(Problem(label, row, column, f"'{text}' er ikke et helt tal", "not a whole number"))
        return 0


def parse_instrument(frame: pd.DataFrame, label: str = "instrument.csv") -> tuple[tuple[Item, ...], list[Problem]]:
    """Items from a string frame, with every problem (row numbers as in Excel: header is row 1)."""
    problems: list[Problem] = []
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    for column in missing:
        problems.append(Problem(label, 1, column, "kolonnen mangler", "column is missing"))
    if missing:
        return (), problems
    items, seen = [], {}
    for offset, row in enumerate(frame.to_dict("records")):
        number = offset + 2
        values = {k: str(v).strip() for k, v in row.items()}
        for column in REQUIRED_COLUMNS:
            if not values[column]:
                problems.append(Problem(label, number, column, "feltet må ikke være tomt", "must not be blank"))
        item_id = values["item_id"]
        if item_id in seen:
            problems.append(Problem(label, number, "item_id", f"'{item_id}' findes allerede i række {seen[item_id]}",
                                    "duplicate item id"))
        seen.setdefault(item_id, number)
        if values["applies_to"] and values["applies_to"] not in APPLIES_TO:
            problems.append(Problem(label, number, "applies_to", f"skal være en af: {', '.join(APPLIES_TO)}",
                                    "must be barn, voksen or familie"))
        low = _int(values["min_age"] or "0", label, number, "min_age", problems)
        high = _int(values["max_age"] or "0", label, number, "max_age", problems)
        if low > high:
            problems.append(Problem(label, number, "min_age", f"mindste alder {low} er større end højeste {high}",
                                    "min age above max age"))
        anchors = tuple(values.get(f"anchor_{level}", "") for level in LEVELS)
        meaning = values.get("score_3", "") or URGENT
        if meaning not in (URGENT, STATE):
            problems.append(Problem(label, number, "score_3", f"skal være '{URGENT}' eller '{STATE}'",
                                    "must be akut or tilstand"))
        items.append(Item(item_id, values["domain"], values["domain_label"], values["applies_to"], low, high,
                          values["text_da"], anchors, values.get("help_da", ""), meaning != STATE))
    return tuple(items), problems


@lru_cache(maxsize=None)
def load_instrument(path: str | None = None) -> tuple[Item, ...]:
    """The instrument shipped with the package, or a municipality's own copy at ``path``."""
    source = Path(path) if path else data_path("instrument.csv")
    frame = pd.read_csv(source, dtype=str, keep_default_na=False)
    items, problems = parse_instrument(frame, Path(str(source)).name)
    if any(p.is_error for p in problems):
        raise InstrumentError(problems)
    return items


def item_ids() -> frozenset[str]:
    return frozenset(item.item_id for item in load_instrument())


def item_by_id() -> dict[str, Item]:
    return {item.item_id: item for item in load_instrument()}


def domain_labels() -> dict[str, str]:
    """Domain code -> Danish label, in instrument order."""
    return {item.domain: item.domain_label for item in load_instrument()}


def items_for(person: Person | None, on: date) -> tuple[Item, ...]:
    """The items to rate for one family member (None = the family as a whole) on a given day."""
    return tuple(item for item in load_instrument() if item.applies(person, on))
