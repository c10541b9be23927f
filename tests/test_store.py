"""The local SQLite store keeps screenings, plans and documents, and refuses CPR-like text."""

from __future__ import annotations

from datetime import date

import pytest

from workbench.io.store import CprRefused, Store
from workbench.model import ScreeningRating
from workbench.scheduling.plan import Assignment, Meeting, Plan


def test_screenings_round_trip(store):
    ratings = [ScreeningRating("F1", "F1-B1", "B_SKO_1", 2, date(2027, 1, 5), "S001", False, "fravær i skolen"),
               ScreeningRating("F1", "F1-V1", "V_OEK_1", 3, date(2027, 1, 5), "S001", True, "")]
    assert store.save_screening(ratings) == 2
    assert store.screenings("F1") == ratings
    assert store.screenings("F2") == []


def test_plan_round_trip(store):
    plan = Plan(date(2027, 1, 1), date(2027, 3, 31), [Assignment("F1", "S1", "S2", "fastholdt")],
                [Meeting("F1-01", "F1", date(2027, 1, 12), 540, 630, ("S1", "S2"), "R", date(2027, 1, 14), 0)],
                {"late_meetings": 0}, ["alt vel"])
    plan_id = store.save_plan(plan, "januar")
    again = store.load_plan(plan_id)
    assert again.meetings == plan.meetings and again.assignments == plan.assignments
    assert again.summary["late_meetings"] == 0 and again.messages == ["alt vel"]
    assert store.plans()[0]["label"] == "januar"


def test_documents_and_history(store):
    store.put("scenario", "ekstra-30", {"families": 30})
    assert store.get("scenario", "ekstra-30") == {"families": 30}
    assert store.get("scenario", "mangler", "standard") == "standard"
    assert store.keys("scenario") == ["ekstra-30"]
    assert [h["kind"] for h in store.history()] == []
    store.log("note", {"x": 1})
    assert store.history("note")[0]["payload"] == {"x": 1}


@pytest.mark.parametrize("note", ["barnets cpr 010203-1234", "0102031234"])
def test_cpr_in_notes_is_refused(store, note):
    with pytest.raises(CprRefused):
        store.save_screening([ScreeningRating("F1", "F1-B1", "B_SKO_1", 1, date(2027, 1, 5), "S001", False, note)])
    assert store.screenings() == []
    with pytest.raises(CprRefused):
        store.put("note", "x", {"text": note})


def test_store_path_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("TVAERS_DB", str(tmp_path / "env.sqlite3"))
    assert Store().path == tmp_path / "env.sqlite3"
