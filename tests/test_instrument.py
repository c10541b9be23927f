"""The instrument file: complete Danish anchors, age applicability, and clear messages for a bad edit."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from workbench.catalogue import data_path
from workbench.model import Person
from workbench.io.instrument import (
    FAMILY_PERSON_ID,
    InstrumentError,
    item_ids,
    items_for,
    load_instrument,
    parse_instrument,
)

ON = date(2027, 3, 1)


def test_every_item_has_a_danish_text_for_every_level():
    for item in load_instrument():
        assert item.text_da and all(item.anchors), item.item_id
        assert item.help_da, item.item_id


def test_the_instrument_covers_the_domains_of_the_issue():
    domains = {(i.applies_to, i.domain_label) for i in load_instrument()}
    for expected in [("barn", "Udvikling og trivsel"), ("barn", "Skole/dagtilbud og fremmøde"),
                     ("barn", "Funktionsnedsættelse og særlige behov"), ("barn", "Sikkerhed"),
                     ("barn", "Fritid og fritidsjob"), ("voksen", "Forældrekapacitet"),
                     ("voksen", "Beskæftigelse og uddannelse"), ("voksen", "Økonomi og gæld"),
                     ("voksen", "Fysisk helbred"), ("voksen", "Psykisk helbred"), ("voksen", "Rusmidler"),
                     ("voksen", "Bolig"), ("familie", "Netværk og civilsamfund")]:
        assert expected in domains


def test_items_follow_age():
    toddler = Person("F1-B1", "F1", "barn", 2025, "Barn 1")
    teenager = Person("F1-B2", "F1", "barn", 2012, "Barn 2")
    unborn = Person("F1-B3", "F1", "barn", 2028, "Barn 3")
    adult = Person("F1-V1", "F1", "voksen", 1990, "Voksen 1")
    toddler_items = {i.item_id for i in items_for(toddler, ON)}
    teen_items = {i.item_id for i in items_for(teenager, ON)}
    assert "B_UDV_2" in toddler_items and "B_SKO_2" not in toddler_items
    assert "B_FRI_2" in teen_items and "B_UDV_2" not in teen_items
    assert items_for(unborn, ON) == ()
    assert all(i.applies_to == "voksen" for i in items_for(adult, ON))
    assert {i.item_id for i in items_for(None, ON)} == {"F_NET_1", "F_NET_2"}
    assert FAMILY_PERSON_ID == "FAMILIE"


def test_bad_edits_are_listed_with_row_and_column():
    frame = pd.read_csv(data_path("instrument.csv"), dtype=str, keep_default_na=False)
    frame.loc[1, "item_id"] = frame.loc[0, "item_id"]
    frame.loc[2, "applies_to"] = "bedstemor"
    frame.loc[3, "min_age"] = "ti"
    frame.loc[4, "min_age"] = "30"
    items, problems = parse_instrument(frame)
    where = {(p.row, p.column) for p in problems}
    assert {(3, "item_id"), (4, "applies_to"), (5, "min_age"), (6, "min_age")} <= where
    assert len(items) == len(frame)


def test_a_broken_file_raises_every_problem(tmp_path):
    path = tmp_path / "instrument.csv"
    frame = pd.read_csv(data_path("instrument.csv"), dtype=str, keep_default_na=False).drop(columns=["domain"])
    frame.to_csv(path, index=False)
    with pytest.raises(InstrumentError) as error:
        load_instrument(str(path))
    assert "kolonne 'domain'" in str(error.value)


def test_register_accepts_the_ids(small_register):
    assert {r.item_id for r in small_register.screenings} <= item_ids()
