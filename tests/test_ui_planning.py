"""The planning panel driven as an object: plan, explain, save, re-plan from a saved plan, stop."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta

import pytest

from workbench.ui.planning import PlanningPanel


def _panel(store, small_data_dir):
    panel = PlanningPanel(store=store, data_path=small_data_dir)
    panel.start.value, panel.end.value = date(2027, 1, 1), date(2027, 3, 31)
    panel.seconds.value = 5
    return panel


@pytest.mark.slow
def test_plan_shows_summary_explanations_and_coordinators(store, small_data_dir):
    panel = _panel(store, small_data_dir)
    assert panel.register is not None and not panel.plan_button.disabled
    panel.plan(background=False)
    assert panel.run is not None
    assert "kontrolleret uafhængigt" in panel.messages.text and panel.messages.kind == "ok"
    assert "Møder i perioden" in panel.summary.value
    counts = panel.run.plan.summary["deadlines"]
    shown = " / ".join(str(counts.get(k, 0)) for k in ("met", "planned", "late", "overdue"))
    assert f"holdt / planlagt til tiden / for sent / overskredet</td><td>{shown}<" in panel.summary.value
    assert sum(counts.values()) == len(panel.run.plan.deadlines) > 0
    assert "tvaers-coordinators" in panel.coordinators.value
    assert "Børnesager pr. sagsbehandler" in panel.coordinators.value and "tvaers-children" in panel.coordinators.value
    assert panel.chart.outputs and "application/vnd.plotly.v1+json" in panel.chart.outputs[0]["data"]
    assert panel.progress.value == 1.0 and not panel.save_button.disabled


@pytest.mark.slow
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


@pytest.mark.slow
def test_bad_period_is_explained(store, small_data_dir):
    panel = _panel(store, small_data_dir)
    panel.end.value = date(2026, 1, 1)
    panel.plan(background=False)
    assert panel.run is None and "gyldig periode" in panel.messages.text


@pytest.mark.slow
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


@pytest.mark.slow
def test_approve_record_held_and_replan_continues_the_announced_plan(store, small_data_dir):
    panel = PlanningPanel(store=store, data_path=small_data_dir, today=date(2027, 2, 10))
    panel.start.value, panel.end.value = date(2027, 1, 1), date(2027, 3, 31)
    panel.seconds.value = 5
    assert "Ingen udmeldt plan" in panel.baseline_info.value
    panel.as_of.value = date(2027, 1, 1)  # the first plan was made at new year
    panel.plan(background=False)
    panel.label.value = "Uge 1"
    plan_id = panel.approve()
    assert store.announced_plan_id() == plan_id and "godkendt og udsendt" in panel.messages.text
    assert panel.previous.value == plan_id and "Uge 1" in panel.baseline_info.value
    assert all(m.status == "announced" for m in store.load_plan(plan_id).meetings)

    # the records panel shows the announced meetings week by week; mark two as held, one of them another day
    records = panel.records
    january = [m for m in store.load_plan(plan_id).meetings if m.day < date(2027, 2, 1)]
    first, second = january[0], january[1]
    records.week.value = next(value for _, value in records.week.options if value == f"{first.day.isocalendar()[0]}-U"
                              f"{first.day.isocalendar()[1]:02d}")
    held_button = next(button for row in records.table.children for button in getattr(row, "children", ())
                       if f"tvaers-held-{first.meeting_id}" in button._dom_classes)
    held_button.click()
    assert "afholdt" in records.messages.text
    records.week.value = f"{second.day.isocalendar()[0]}-U{second.day.isocalendar()[1]:02d}"
    records.meeting.value = second.meeting_id
    records.other_day.value = second.day + timedelta(days=1)
    records.held_other.click()
    statuses = {m.meeting_id: (m.status, m.held_on) for m in store.load_plan(plan_id).meetings}
    assert statuses[first.meeting_id] == ("held", first.day)
    assert statuses[second.meeting_id] == ("held", second.day + timedelta(days=1))
    assert "2 afholdt" in panel.baseline_info.value

    # re-plan on 10 February: nothing new before today, the held meetings stay as held, nothing else changed
    panel.as_of.value = date(2027, 2, 10)
    panel.freeze.value = date(2027, 2, 17)
    panel.plan(background=False)
    assert all(m.day >= date(2027, 2, 10) for m in panel.run.plan.meetings if not m.frozen)
    assert panel.run.plan.summary["continuity"]["coordinator_changes"] == []
    replanned = {m.meeting_id: m for m in panel.run.plan.meetings}
    assert replanned[second.meeting_id].status == "held" and replanned[second.meeting_id].day == second.day + timedelta(days=1)
    assert "Ændringer i forhold til den udmeldte plan" in panel.changes.value
    assert "Intet er ændret i registret" in panel.register_changes.value


@pytest.mark.slow
def test_a_held_meeting_cannot_lie_in_the_future(store, small_data_dir):
    panel = PlanningPanel(store=store, data_path=small_data_dir, today=date(2027, 1, 5))
    panel.start.value, panel.end.value = date(2027, 1, 1), date(2027, 3, 31)
    panel.seconds.value = 5
    panel.plan(background=False)
    plan_id = panel.approve()
    later = max(store.load_plan(plan_id).meetings, key=lambda m: m.day)
    from workbench.scheduling.records import StatusRecord

    assert panel.records.record([StatusRecord(later.meeting_id, "held")]) == []
    assert "kan ikke være afholdt endnu" in panel.records.messages.text


@pytest.mark.slow
def test_a_status_file_can_be_uploaded(store, small_data_dir):
    panel = PlanningPanel(store=store, data_path=small_data_dir, today=date(2027, 3, 15))
    panel.start.value, panel.end.value = date(2027, 1, 1), date(2027, 3, 31)
    panel.seconds.value = 5
    panel.as_of.value = date(2027, 1, 1)
    panel.plan(background=False)
    plan_id = panel.approve()
    meetings = store.load_plan(plan_id).meetings
    content = f"meeting_id;status;held_on\n{meetings[0].meeting_id};aflyst;\n{meetings[1].meeting_id};afholdt;\n"
    panel.records.upload.value = ({"name": "status.csv", "type": "text/csv", "size": len(content),
                                   "content": memoryview(content.encode("utf-8")),
                                   "last_modified": datetime(2027, 3, 15)},)
    again = store.load_plan(plan_id)
    assert [m.meeting_id for m in again.cancelled] == [meetings[0].meeting_id]
    assert "Registreret" in panel.records.messages.text


@pytest.mark.slow
@pytest.mark.parametrize("make_panel", ["planning", "whatif", "export", "screening"])
def test_after_a_failed_load_no_page_goes_on_with_the_old_data(store, small_data_dir, tmp_path, make_panel):
    """Seen: after a failed 'Indlæs data', Planlæg still planned with the data loaded before."""
    from workbench.ui.export import ExportPanel
    from workbench.ui.screening import ScreeningPanel
    from workbench.ui.whatif import WhatIfPanel

    panel = {"planning": lambda: PlanningPanel(store=store, data_path=small_data_dir),
             "whatif": lambda: WhatIfPanel(path=small_data_dir, store=store, background=False),
             "export": lambda: ExportPanel(data_path=small_data_dir, store=store, out_folder=tmp_path / "ud"),
             "screening": lambda: ScreeningPanel(path=small_data_dir, store=store)}[make_panel]()
    panel.loader.button.click()
    assert panel.register is not None
    panel.loader.path.value = str(tmp_path / "findes-ikke")
    panel.loader.button.click()
    assert panel.register is None and panel.loader.messages.kind == "error"


@pytest.mark.parametrize("start, end, words", [
    (date(1900, 1, 1), date(1900, 12, 31), "mellem år 2000 og 2100"),
    (date(2027, 1, 1), date(2030, 12, 31), "højst to år"),
])
def test_a_nonsense_period_is_refused_everywhere(store, small_data_dir, tmp_path, start, end, words):
    """Seen: a plan for 1900 'held every deadline' and could be saved."""
    from typer.testing import CliRunner

    from workbench.cli import app

    panel = _panel(store, small_data_dir)
    panel.start.value, panel.end.value = start, end
    panel.plan(background=False)
    assert panel.run is None and words in panel.messages.text and panel.messages.kind == "warn"
    result = CliRunner().invoke(app, ["plan", "--data", str(small_data_dir), "--out", str(tmp_path / "p"),
                                      "--start", start.isoformat(), "--end", end.isoformat()])
    assert result.exit_code == 2 and words in result.output and not (tmp_path / "p").exists()


@pytest.mark.slow
def test_the_weekly_chart_gives_every_profession_its_own_colour_and_the_legend_room(store, small_data_dir):
    from workbench.ui.planning import meetings_per_week_figure

    panel = _panel(store, small_data_dir)
    panel.plan(background=False)
    figure = meetings_per_week_figure(panel.register, panel.run.plan)
    colours = [trace.marker.color for trace in figure.data]
    assert len(colours) == len(set(colours)) >= 3
    assert figure.layout.legend.orientation == "h"


@pytest.mark.slow
def test_saved_plans_are_listed_with_danish_dates(store, small_data_dir):
    """The lists of saved plans said '(2027-01-01 – 2027-03-31)' and 'gemt 2026-12-06 10:56'."""
    from workbench.danish import short_date, timestamp_da
    from workbench.ui.export import ExportPanel

    assert short_date("2027-03-31") == "31.03.2027" and timestamp_da("2026-12-06T10:56:12") == "06.12.2026 kl. 10.56"
    panel = PlanningPanel(store=store, data_path=small_data_dir, today=date(2027, 1, 1))
    panel.start.value, panel.end.value = date(2027, 1, 1), date(2027, 1, 31)
    panel.seconds.value = 5
    panel.plan(background=False)
    panel.label.value = "Januar"
    panel.save()
    assert any(label.startswith("Januar (01.01.2027 – 31.01.2027)") for label, _ in panel.previous.options)
    export = ExportPanel(data_path=small_data_dir, store=store, background=False)
    label = export.saved.options[0][0]
    assert label.startswith("Januar · 01.01.2027 – 31.01.2027 · ") and "2027-01" not in label and " kl. " in label
