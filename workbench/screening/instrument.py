"""The screening instrument: items rated 0-3 in the CANS manner, kept as data."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from workbench.catalogue import data_path

FAMILY_PERSON_ID = "FAMILIE"
"""``person_id`` used in screenings for items about the family as a whole."""


@dataclass(frozen=True)
class Item:
    item_id: str
    domain: str
    domain_label: str
    applies_to: str  # "barn", "voksen" or "familie"
    min_age: int
    max_age: int
    text_da: str


@lru_cache(maxsize=None)
def load_instrument(path: str | None = None) -> tuple[Item, ...]:
    frame = pd.read_csv(path or data_path("instrument.csv"), dtype=str, keep_default_na=False)
    return tuple(
        Item(r.item_id, r.domain, r.domain_label, r.applies_to, int(r.min_age), int(r.max_age), r.text_da)
        for r in frame.itertuples(index=False)
    )


def item_ids() -> frozenset[str]:
    return frozenset(item.item_id for item in load_instrument())
