"""`workbench export` and `workbench app`: files, history between runs, plain Danish errors."""

from __future__ import annotations

import icalendar
import pandas as pd
import pytest
from typer.testing import CliRunner

from tests.export_support import small_year
from workbench.cli import app, voila_command
from workbench.export.calendar_ics import meeting_uid
from workbench.io.register import write_register
from workbench.io.plan_folder import write_plan

runner = CliRunner()


def _setup(tmp_path, monkeypatch):
    monkeypatch.setenv("TVAERS_DB", str(tmp_path / "lager.sqlite3"))
    register, plan = small_year()
    data = write_register(register, tmp_path / "data")
    write_plan(plan, tmp_path / "plan")
    return data, tmp_path / "plan", tmp_path / "ud"


@pytest.mark.slow
def test_export_writes_everything_and_a_second_run_updates(tmp_path, monkeypatch):
    data, plan_dir, out = _setup(tmp_path, monkeypatch)
    args = ["export", "--data", str(data), "--plan", str(plan_dir), "--out", str(out)]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "medarbejderkalendere" in first.output and "lokalt lager" in first.output
    assert (out / "tvaers_plan.xlsx").is_file() and (out / "csv" / "moeder.csv").is_file()
    assert (out / "aarshjul" / "aarshjul_F0001.html").is_file()

    meetings = pd.read_csv(plan_dir / "meetings.csv", dtype=str, keep_default_na=False)
    target = meetings.index[meetings["family_id"] == "F0001"][0]
    moved_id = meetings.loc[target, "meeting_id"]
    meetings.loc[target, ["start", "end"]] = ["14:00", "15:30"]
    meetings.to_csv(plan_dir / "meetings.csv", index=False)
    second = runner.invoke(app, args)
    assert second.exit_code == 0 and "1 møder ændret" in second.output, second.output
    events = {str(e["UID"]): e for e in
              icalendar.Calendar.from_ical((out / "kalendere" / "familie_F0001.ics").read_bytes()).walk("VEVENT")}
    assert events[meeting_uid(moved_id, "2027")]["SEQUENCE"] == 1


@pytest.mark.slow
def test_export_without_store_reads_history_from_previous_files(tmp_path, monkeypatch):
    data, plan_dir, out = _setup(tmp_path, monkeypatch)
    result = runner.invoke(app, ["export", "--data", str(data), "--plan", str(plan_dir), "--out", str(out),
                                 "--no-history"])
    assert result.exit_code == 0 and "de tidligere filer" in result.output
    assert not (tmp_path / "lager.sqlite3").exists()


@pytest.mark.slow
def test_export_errors_are_plain_danish(tmp_path, monkeypatch):
    data, plan_dir, out = _setup(tmp_path, monkeypatch)
    missing = runner.invoke(app, ["export", "--data", str(data), "--plan", str(tmp_path / "nej"), "--out", str(out)])
    assert missing.exit_code == 2 and "findes ikke" in missing.output and "Traceback" not in missing.output
    unknown = runner.invoke(app, ["export", "--data", str(data), "--plan", str(plan_dir), "--out", str(out),
                                  "--pdf", "F9999"])
    assert unknown.exit_code == 2 and "F9999 findes ikke i planen" in unknown.output


def test_app_refuses_a_folder_without_notebooks(tmp_path):
    result = runner.invoke(app, ["app", "--notebooks", str(tmp_path), "--no-browser"])
    assert result.exit_code == 2 and "00_start.ipynb mangler" in result.output


def test_app_serves_on_localhost_only_and_hides_tracebacks(tmp_path):
    command = voila_command(tmp_path, 8866)
    assert "--Voila.ip=127.0.0.1" in command and "--show_tracebacks=False" in command
    assert "--no-browser" in command and "--port=8866" in command and str(tmp_path) in command
    assert command[1:3] == ["-m", "workbench.server"] and "--template=tvaers" in command
    assert not any("token" in part for part in command)  # the token is not on the command line, where ps shows it


def test_the_server_refuses_to_start_without_a_token(monkeypatch):
    import workbench.server as server

    monkeypatch.delenv(server.TOKEN_VARIABLE, raising=False)
    with pytest.raises(SystemExit) as stopped:
        server.main([])
    assert "TVAERS_TOKEN" in str(stopped.value)
    assert server.TORNADO_SETTINGS["allow_remote_access"] is False
    assert (server.SHARE / "voila" / "templates" / "tvaers" / "index.html.j2").is_file()


@pytest.mark.slow
def test_without_chromium_the_export_still_writes_everything_and_says_why_there_is_no_pdf(tmp_path, monkeypatch):
    import workbench.export.pdf as pdf

    monkeypatch.setattr(pdf, "find_chromium", lambda: None)  # a machine without Chromium (make demo asks for a PDF)
    data, plan_dir, out = _setup(tmp_path, monkeypatch)
    result = runner.invoke(app, ["export", "--data", str(data), "--plan", str(plan_dir), "--out", str(out),
                                 "--pdf", "F0001"])
    assert result.exit_code == 0, result.output
    assert "ikke gemt som PDF: Chromium findes ikke" in result.output
    assert (out / "aarshjul" / "aarshjul_F0001.html").is_file() and not (out / "aarshjul" / "aarshjul_F0001.pdf").exists()
    assert (out / "tvaers_plan.xlsx").is_file()
