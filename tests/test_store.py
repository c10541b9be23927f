"""The local SQLite store keeps screenings, plans and documents, and refuses CPR-like text."""

from __future__ import annotations

from datetime import date

import pytest

from workbench.io.store import CprRefused, Store
from workbench.model import Assignment, Meeting, Plan, ScreeningRating


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


def test_announced_plan_statuses_team_and_snapshot_round_trip(store):
    meetings = [Meeting("F1-01", "F1", date(2027, 1, 12), 540, 630, ("S1",), "R", date(2027, 1, 14)),
                Meeting("F1-02", "F1", date(2027, 2, 9), 540, 630, ("S1",), "R", date(2027, 2, 11))]
    plan = Plan(date(2027, 1, 1), date(2027, 3, 31), [Assignment("F1", "S1")], meetings, team={"F1": ("S7", "S8")})
    plan_id = store.save_plan(plan, "uge 1", snapshot={"families": {"F1": {}}})
    assert store.announced_plan_id() is None
    store.announce(plan_id)
    assert store.announced_plan_id() == plan_id
    loaded = store.load_plan(plan_id)
    assert [m.status for m in loaded.meetings] == ["announced", "announced"]
    assert loaded.team == {"F1": ("S7", "S8")} and store.snapshot(plan_id) == {"families": {"F1": {}}}
    from dataclasses import replace

    held = replace(loaded.meetings[0], status="held", held_on=date(2027, 1, 13))
    cancelled = replace(loaded.meetings[1], status="cancelled")
    store.replace_meetings(plan_id, [held, cancelled], "test")
    again = store.load_plan(plan_id)
    assert again.meetings == [held] and again.cancelled == [cancelled]


def test_a_store_from_before_meeting_statuses_is_upgraded(tmp_path):
    import sqlite3

    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as db:
        db.executescript("""
            CREATE TABLE plans (plan_id INTEGER PRIMARY KEY AUTOINCREMENT, label TEXT NOT NULL, created_at TEXT NOT NULL,
                                start TEXT NOT NULL, "end" TEXT NOT NULL, summary TEXT NOT NULL);
            CREATE TABLE plan_meetings (plan_id INTEGER NOT NULL, meeting_id TEXT NOT NULL, family_id TEXT NOT NULL,
                day TEXT NOT NULL, start_minute INTEGER NOT NULL, end_minute INTEGER NOT NULL, attendees TEXT NOT NULL,
                rule_id TEXT NOT NULL, deadline TEXT NOT NULL, days_late INTEGER NOT NULL,
                PRIMARY KEY (plan_id, meeting_id));
            INSERT INTO plans VALUES (1, 'gammel', '2026-11-01', '2027-01-01', '2027-03-31', '{}');
            INSERT INTO plan_meetings VALUES (1, 'F1-01', 'F1', '2027-01-12', 540, 630, 'S1', 'R', '2027-01-14', 0);
        """)
    plan = Store(path).load_plan(1)
    assert plan.meetings[0].status == "planned" and plan.meetings[0].held_on is None
