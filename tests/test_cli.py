"""The command line: plain messages, exit codes, and the files the contract promises."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest
from typer.testing import CliRunner

from workbench.cli import app

runner = CliRunner()


def test_validate_ok(small_data_dir):
    result = runner.invoke(app, ["validate", "--data", str(small_data_dir)])
    assert result.exit_code == 0 and "OK: 20 medarbejdere, 30 familier" in result.output


def test_validate_reports_file_row_column_without_traceback(small_data_dir):
    frame = pd.read_csv(small_data_dir / "staff.csv", dtype=str, keep_default_na=False)
    frame.loc[3, "max_meetings_per_day"] = "mange"
    frame.to_csv(small_data_dir / "staff.csv", index=False)
    result = runner.invoke(app, ["validate", "--data", str(small_data_dir)])
    assert result.exit_code == 2
    assert "staff.csv, række 5, kolonne 'max_meetings_per_day'" in result.output
    assert "Traceback" not in result.output


@pytest.mark.slow
def test_plan_writes_the_contract_files(small_data_dir, tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(app, ["plan", "--data", str(small_data_dir), "--start", "2027-01-01", "--end", "2027-03-31",
                                 "--out", str(out), "--time-limit", "4", "--quiet"])
    assert result.exit_code == 0, result.output
    assignments = pd.read_csv(out / "assignments.csv")
    meetings = pd.read_csv(out / "meetings.csv")
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    assert list(assignments.columns) == ["family_id", "primary_coordinator", "secondary_coordinator"]
    assert list(meetings.columns) == ["meeting_id", "family_id", "date", "start", "end", "attendees", "rule_id",
                                      "deadline", "days_late", "status", "held_on", "person_id"]
    for key in ("families", "meetings", "late_meetings", "max_days_late", "solver_status", "solve_seconds"):
        assert key in summary
    assert summary["meetings"] == len(meetings) and summary["independent_check"] == "ok"
    check = runner.invoke(app, ["check", "--data", str(small_data_dir), "--plan", str(out)])
    assert check.exit_code == 0 and "0 brud" in check.output


def test_bad_date_option_is_a_message(small_data_dir, tmp_path):
    result = runner.invoke(app, ["plan", "--data", str(small_data_dir), "--start", "1. januar", "--end", "2027-03-31",
                                 "--out", str(tmp_path)])
    assert result.exit_code == 2 and "er ikke en dato" in result.output


def test_generate(tmp_path):
    result = runner.invoke(app, ["generate", "--out", str(tmp_path / "g"), "--families", "10", "--staff", "15"])
    assert result.exit_code == 0
    assert len(pd.read_csv(tmp_path / "g" / "families.csv")) == 10


@pytest.mark.slow
def test_console_script_hides_tracebacks(tmp_path):
    result = subprocess.run([sys.executable, "-c", "from workbench.cli import main; main()", "validate", "--data",
                             str(tmp_path / "nope")], capture_output=True, text=True)
    assert result.returncode == 2 and "findes ikke" in result.stderr and "Traceback" not in result.stderr
