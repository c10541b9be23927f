"""Reading a written plan back: the same plan, or a message that names the file."""

from __future__ import annotations

import pytest

from tests.export_support import dst_plan
from workbench.io.plan_folder import PlanFolderError, read_plan, write_plan


def test_a_written_plan_reads_back_the_same(tmp_path):
    plan = dst_plan()
    plan.summary["horizon"] = [plan.start.isoformat(), plan.end.isoformat()]
    back = read_plan(write_plan(plan, tmp_path))
    assert (back.start, back.end) == (plan.start, plan.end)
    assert sorted(back.meetings, key=lambda m: m.meeting_id) == sorted(plan.meetings, key=lambda m: m.meeting_id)
    assert [a.primary_coordinator for a in back.assignments] == ["S1", "S1"]
    assert back.messages == plan.messages


def test_without_summary_the_period_comes_from_the_meetings(tmp_path):
    plan = dst_plan()
    write_plan(plan, tmp_path)
    (tmp_path / "summary.json").unlink()
    back = read_plan(tmp_path)
    assert back.start == min(m.day for m in plan.meetings) and back.end == max(m.day for m in plan.meetings)


@pytest.mark.parametrize("damage, expected", [
    (lambda folder: (folder / "meetings.csv").unlink(), "meetings.csv mangler"),
    (lambda folder: (folder / "meetings.csv").write_text("noget,andet\n1,2\n", "utf-8"), "kan ikke læses som en plan"),
    (lambda folder: (folder / "summary.json").write_text("{ikke json", "utf-8"), "summary.json kan ikke læses"),
])
def test_damaged_folders_are_explained(tmp_path, damage, expected):
    write_plan(dst_plan(), tmp_path)
    damage(tmp_path)
    with pytest.raises(PlanFolderError, match=expected):
        read_plan(tmp_path)


def test_missing_folder_says_how_to_make_one(tmp_path):
    with pytest.raises(PlanFolderError, match="make demo"):
        read_plan(tmp_path / "nej")
