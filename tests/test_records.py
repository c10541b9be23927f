"""Recording what happened: the status file, read with plain Danish messages, and `workbench record`."""

from __future__ import annotations

from datetime import date

import pytest
from typer.testing import CliRunner

from workbench.cli import app
from workbench.model import CANCELLED, HELD, MOVED_BY_HAND
from workbench.scheduling.records import StatusFileError, read_status_file

runner = CliRunner()


def test_status_file_in_danish_with_semicolons_and_danish_dates(tmp_path):
    path = tmp_path / "status.csv"
    path.write_text("meeting_id;status;held_on;start\nF0001-01;afholdt;21-01-2027;\nF0001-02;Aflyst;;\n"
                    "F0002-01;flyttet;2027-02-03;10:30\n", "cp1252")
    records = read_status_file(path)
    assert [(r.meeting_id, r.status, r.on, r.start) for r in records] == [
        ("F0001-01", HELD, date(2027, 1, 21), ""), ("F0001-02", CANCELLED, None, ""),
        ("F0002-01", MOVED_BY_HAND, date(2027, 2, 3), "10:30")]


def test_every_problem_in_a_status_file_names_row_and_column(tmp_path):
    path = tmp_path / "status.csv"
    path.write_text("meeting_id,status,held_on\nF1-01,måske,\nF1-02,afholdt,32-13-2027\nF1-03,flyttet,\n", "utf-8")
    with pytest.raises(StatusFileError) as caught:
        read_status_file(path)
    assert caught.value.problems == [
        "status.csv, række 2, kolonne Status: 'måske' er ikke en kendt status (afholdt, aflyst, flyttet, udmeldt).",
        "status.csv, række 3, kolonne Holdt den: '32-13-2027' er ikke en dato (fx 21-12-2027 eller 2027-12-21).",
        "status.csv, række 4, kolonne Holdt den: et flyttet møde skal have den nye dato.",
    ]


def test_a_status_file_with_danish_headers_reads_the_same(tmp_path):
    path = tmp_path / "status.csv"
    path.write_text("Møde-id;Status;Holdt den;Kl.\nF0001-01;afholdt;21-01-2027;\nF0002-01;flyttet;03.02.2027;10:30\n",
                    "utf-8")
    assert [(r.meeting_id, r.status, r.on, r.start) for r in read_status_file(path)] == [
        ("F0001-01", HELD, date(2027, 1, 21), ""), ("F0002-01", MOVED_BY_HAND, date(2027, 2, 3), "10:30")]
    (tmp_path / "tom.csv").write_text("Familie;Dato\nF1;21-01-2027\n", "utf-8")
    with pytest.raises(StatusFileError) as caught:
        read_status_file(tmp_path / "tom.csv")
    assert "kolonnen Møde-id mangler" in caught.value.problems[0]


@pytest.mark.slow
def test_record_then_replan_from_the_folder(small_data_dir, tmp_path):
    out = tmp_path / "plan"
    result = runner.invoke(app, ["plan", "--data", str(small_data_dir), "--start", "2027-01-01", "--end", "2027-03-31",
                                 "--out", str(out), "--time-limit", "5", "--quiet"])
    assert result.exit_code == 0, result.output
    import pandas as pd

    meetings = pd.read_csv(out / "meetings.csv", dtype=str)
    first, second = meetings.iloc[0], meetings.iloc[1]
    (tmp_path / "status.csv").write_text(f"meeting_id,status,held_on\n{first.meeting_id},afholdt,{first.date}\n"
                                         f"{second.meeting_id},aflyst,\n", "utf-8")
    result = runner.invoke(app, ["record", "--plan", str(out), "--file", str(tmp_path / "status.csv")])
    assert result.exit_code == 0, result.output
    assert "2 møder registreret" in result.output
    recorded = pd.read_csv(out / "meetings.csv", dtype=str, keep_default_na=False)
    assert recorded.set_index("meeting_id").loc[first.meeting_id, "status"] == "held"
    assert recorded.set_index("meeting_id").loc[second.meeting_id, "status"] == "cancelled"
    again = tmp_path / "again"
    result = runner.invoke(app, ["plan", "--data", str(small_data_dir), "--start", "2027-01-01", "--end", "2027-03-31",
                                 "--out", str(again), "--time-limit", "5", "--quiet", "--previous", str(out),
                                 "--freeze-until", "2027-01-10"])
    assert result.exit_code == 0, result.output
    assert "Registret er uændret siden den udmeldte plan." in result.output
    replanned = pd.read_csv(again / "meetings.csv", dtype=str, keep_default_na=False).set_index("meeting_id")
    assert replanned.loc[first.meeting_id, "status"] == "held"
    assert second.meeting_id not in replanned.index or replanned.loc[second.meeting_id, "date"] != second.date
    check = runner.invoke(app, ["check", "--data", str(small_data_dir), "--plan", str(again), "--previous", str(out)])
    assert check.exit_code == 0, check.output


@pytest.mark.slow
def test_record_with_an_unknown_meeting_is_a_plain_refusal(small_data_dir, tmp_path):
    out = tmp_path / "plan"
    runner.invoke(app, ["plan", "--data", str(small_data_dir), "--start", "2027-01-01", "--end", "2027-02-28",
                        "--out", str(out), "--time-limit", "3", "--quiet"])
    before = (out / "meetings.csv").read_bytes()
    (tmp_path / "status.csv").write_text("meeting_id,status,held_on\nF9999-01,afholdt,\n", "utf-8")
    result = runner.invoke(app, ["record", "--plan", str(out), "--file", str(tmp_path / "status.csv")])
    assert result.exit_code == 2 and "Mødet F9999-01 findes ikke i planen." in result.output
    assert (out / "meetings.csv").read_bytes() == before  # nothing half-written
