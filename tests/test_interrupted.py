"""Interrupted runs lose nothing: a plan folder is always the old complete plan or the new complete plan."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import textwrap
import time
from datetime import date
from pathlib import Path

import pytest

from workbench.io.plan_folder import PLAN_FILES, plan_files, read_plan
from workbench.files import write_folder_atomic
from workbench.model import Meeting, Plan

ROOT = Path(__file__).resolve().parents[1]
WRITER = textwrap.dedent("""
    import sys
    from datetime import date
    from pathlib import Path
    from workbench.io.plan_folder import write_plan
    sys.path.insert(0, {root!r})
    from tests.test_interrupted import two_plans
    a, b = two_plans()
    out = Path(sys.argv[1])
    n = 0
    while True:
        write_plan(a if n % 2 else b, out, extra={{"register.json": "{{}}"}})
        if n == 0:
            print("ready", flush=True)
        n += 1
""")


def two_plans() -> tuple[Plan, Plan]:
    """Two plans that differ in every file, big enough that a write takes a little while."""
    day = date(2027, 1, 4)

    def plan(shift: int) -> Plan:
        meetings = [Meeting(f"F{n:04d}-01", f"F{n:04d}", day, 540 + shift, 600 + shift, ("S001",), "R", day, 0)
                    for n in range(3000)]
        return Plan(day, date(2027, 1, 31), [], meetings, summary={"which": shift})

    return plan(0), plan(30)


def _state(folder: Path) -> dict[str, str]:
    read_plan(folder)  # recovers a write that was killed half-way
    return {p.name: p.read_text("utf-8") for p in folder.iterdir() if p.name != "noter.txt"}


@pytest.mark.slow
def test_a_folder_write_killed_at_any_moment_leaves_the_old_or_the_new_plan(tmp_path):
    a, b = two_plans()
    expected = [dict(plan_files(p), **{"register.json": "{}"}) for p in (a, b)]
    out = tmp_path / "plan"
    write_folder_atomic(out, expected[0], own=PLAN_FILES)
    (out / "noter.txt").write_text("teamlederens egne noter", "utf-8")
    rng = random.Random(7)
    for _ in range(20):
        child = subprocess.Popen([sys.executable, "-c", WRITER.format(root=str(ROOT)), str(out)],
                                 stdout=subprocess.PIPE, text=True, cwd=ROOT)
        assert child.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.0, 0.15))
        child.kill()
        child.wait()
        state = _state(out)
        assert state in expected, sorted(state)
        assert (out / "noter.txt").read_text("utf-8") == "teamlederens egne noter"
        assert [p.name for p in tmp_path.iterdir()] == ["plan"]  # nothing half-written left beside it


@pytest.mark.slow
@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGKILL])
def test_killing_the_planner_keeps_the_previous_plan_or_writes_the_whole_new_one(small_data_dir, tmp_path, how):
    out = tmp_path / "plan"
    command = [sys.executable, "-m", "workbench.cli", "plan", "--data", str(small_data_dir), "--out", str(out),
               "--start", "2027-01-01", "--time-limit", "5", "--quiet"]
    first = subprocess.run(command + ["--end", "2027-02-28"], capture_output=True, text=True, cwd=ROOT,
                           env={"TVAERS_DB": str(tmp_path / "s.sqlite3"), "PATH": "/usr/bin:/bin"})
    assert first.returncode == 0, first.stderr
    old = _state(out)
    rng = random.Random(how)
    outcomes = []
    for _ in range(5):  # a longer time limit: an interrupted run must stop long before it
        child = subprocess.Popen(command[:-3] + ["--time-limit", "25", "--quiet", "--end", "2027-06-30"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True, cwd=ROOT, env={"TVAERS_DB": str(tmp_path / "s.sqlite3"),
                                                           "PATH": "/usr/bin:/bin"})
        time.sleep(rng.uniform(0.5, 4.0))
        began = time.monotonic()
        child.send_signal(how)
        _, err = child.communicate(timeout=240)  # a busy machine: planning may take several times the limit
        state = _state(out)
        if child.returncode == 0:  # it finished before the signal: the new plan, complete
            assert state["meetings.csv"] != old["meetings.csv"] and set(state) == set(old)
            outcomes.append("ny")
            old = state
        else:
            assert state == old
            outcomes.append("gammel")
            if how == signal.SIGINT:
                assert child.returncode == 130 and time.monotonic() - began < 10.0, err  # long before the limit
                assert "afbrudt" in err and "Traceback" not in err
    assert "gammel" in outcomes


@pytest.mark.slow
def test_an_export_that_fails_half_way_leaves_the_previous_export_and_the_store_as_they_were(tmp_path, monkeypatch):
    import workbench.export.bundle as bundle
    from tests.export_support import dst_plan, dst_register
    from workbench.export.calendar_ics import ExportHistory
    from workbench.io.store import Store

    store = Store(tmp_path / "s.sqlite3")
    out = tmp_path / "ud"
    bundle.export_all(dst_plan(), dst_register(), out, store=store)
    (out / "mine_noter.txt").write_text("egne noter", "utf-8")
    before = {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    history_before = {uid: e.to_json() for uid, e in ExportHistory.from_store(store, "2027").events.items()}

    moved = dst_plan()
    moved.meetings[0] = replace_meeting(moved.meetings[0])

    def broken(*args, **kwargs):
        raise OSError("disken er fuld")

    monkeypatch.setattr(bundle, "write_csvs", broken)
    with pytest.raises(OSError):
        bundle.export_all(moved, dst_register(), out, store=store)
    after = {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before and sorted(p.name for p in tmp_path.iterdir()) == ["s.sqlite3", "ud"]
    assert {uid: e.to_json() for uid, e in ExportHistory.from_store(store, "2027").events.items()} == history_before

    monkeypatch.undo()
    report = bundle.export_all(moved, dst_register(), out, store=store)
    assert (out / "mine_noter.txt").read_text("utf-8") == "egne noter"  # the user's file stays
    assert report.calendars.changed == 1 and all(p.is_file() and out in p.parents for p in report.csvs)


def replace_meeting(meeting):
    from dataclasses import replace

    return replace(meeting, start_minute=meeting.start_minute + 60, end_minute=meeting.end_minute + 60)


def test_a_file_where_a_folder_should_be_is_refused_and_kept(tmp_path):
    from workbench.errors import Refusal

    (tmp_path / "ud").write_text("mine data", "utf-8")
    with pytest.raises(Refusal):
        write_folder_atomic(tmp_path / "ud", {"a.csv": "x"})
    assert (tmp_path / "ud").read_text("utf-8") == "mine data" and len(list(tmp_path.iterdir())) == 1


INTERRUPTED_WHILE_DEFINING = textwrap.dedent("""
    import sys
    sys.argv = ["workbench", "validate", "--data", sys.argv[1]]
    import workbench.cli as cli

    def load_interrupted(data):
        exec("raise KeyboardInterrupt")  # as a Ctrl+C landing while a module defines a dataclass

    cli._load = load_interrupted
    cli.main()
""")


def test_a_ctrl_c_while_a_module_defines_a_dataclass_still_exits_130_with_a_plain_line(small_data_dir, tmp_path):
    """Python 3.11 remembers such a Ctrl+C as unhandled and, run with ``-m`` as the tests and the Makefile run the
    commands, ends by SIGINT (exit -2) unless we leave ourselves."""
    (tmp_path / "interrupted_cli.py").write_text(INTERRUPTED_WHILE_DEFINING, "utf-8")
    done = subprocess.run([sys.executable, "-m", "interrupted_cli", str(small_data_dir)], capture_output=True,
                          text=True, cwd=tmp_path, timeout=120, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 130, done.stderr
    assert done.stderr.strip() == "Kommandoen blev afbrudt."


def test_a_ctrl_c_wrapped_by_a_library_is_still_a_ctrl_c():
    from workbench.cli import _caused_by_ctrl_c

    try:
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt as interrupt:
            raise ImportError("initialization failed") from interrupt
    except ImportError as wrapped:
        assert _caused_by_ctrl_c(wrapped)
    assert not _caused_by_ctrl_c(ImportError("initialization failed"))
