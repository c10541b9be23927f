"""The planning panel driven as an object: plan, explain, save, re-plan from a saved plan, stop."""

from __future__ import annotations

import time
from datetime import date

from workbench.ui.planning import PlanningPanel


def _panel(store, small_data_dir):
    panel = PlanningPanel(store=store, data_path=small_data_dir)
    panel.start.value, panel.end.value = date(2027, 1, 1), date(2027, 3, 31)
    panel.seconds.value = 5
    return panel


def test_plan_shows_summary_explanations_and_coordinators(store, small_data_dir):
    panel = _panel(store, small_data_dir)
    assert panel.register is not None and not panel.plan_button.disabled
    panel.plan(background=False)
    assert panel.run is not None
    assert "kontrolleret uafhængigt" in panel.messages.text and panel.messages.kind == "ok"
    assert "Møder i perioden" in panel.summary.value
    assert "tvaers-coordinators" in panel.coordinators.value
    assert panel.chart.outputs and "application/vnd.plotly.v1+json" in panel.chart.outputs[0]["data"]
    assert panel.progress.value == 1.0 and not panel.save_button.disabled


def test_save_and_replan_from_saved_plan(store, small_data_dir):
    panel = _panel(store, small_data_dir)
    panel.plan(background=False)
    panel.label.value = "Første plan"
    plan_id = panel.save()
    key = lambda m: (m.day, m.start_minute, m.meeting_id)  # noqa: E731
    assert plan_id and sorted(store.load_plan(plan_id).meetings, key=key) == sorted(panel.run.plan.meetings, key=key)
    assert any(value == plan_id for _, value in panel.previous.options)
    panel.previous.value = plan_id
    panel.freeze.value = date(2027, 2, 1)
    panel.plan(background=False)
    assert panel.run.plan.summary["moved_meetings"] == 0


def test_bad_period_is_explained(store, small_data_dir):
    panel = _panel(store, small_data_dir)
    panel.end.value = date(2026, 1, 1)
    panel.plan(background=False)
    assert panel.run is None and "gyldig periode" in panel.messages.text


def test_stop_button_ends_a_running_plan(store, small_data_dir):
    panel = _panel(store, small_data_dir)
    panel.seconds.value = 120
    panel.end.value = date(2027, 12, 31)
    panel.plan(background=True)
    assert not panel.stop_button.disabled
    time.sleep(0.5)
    panel.stop_button.click()
    panel.thread.join(timeout=60)
    assert not panel.thread.is_alive()
    assert panel.run is not None and panel.plan_button.disabled is False
