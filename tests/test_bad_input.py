"""Broken files get a plain Danish message with file, row and column - never a crash, never silent loss."""

from __future__ import annotations

import pytest

from workbench.io.register import read_register


def _set_cell(folder, table, column, value, row=1):
    path = folder / f"{table}.csv"
    lines = path.read_text("utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[row].split(",")
    cells[header.index(column)] = value
    lines[row] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", "utf-8")


def _errors(folder):
    register, problems = read_register(folder)
    return register, [p for p in problems if p.is_error]


@pytest.mark.parametrize("column, value", [("max_caseload_points", "nan"), ("max_caseload_points", "inf"),
                                           ("max_caseload_points", "1e308"), ("max_caseload_points", "-inf"),
                                           ("max_meetings_per_day", "nan"), ("max_meetings_per_day", "1e308")])
def test_numbers_that_are_not_usable_name_file_row_and_column(small_data_dir, column, value):
    _set_cell(small_data_dir, "staff", column, value)
    register, errors = _errors(small_data_dir)
    assert register is None
    assert any((p.file, p.row, p.column) == ("staff.csv", 2, column) and f"'{value}'" in p.message for p in errors)


def test_a_header_only_table_says_it_has_no_rows(small_data_dir):
    path = small_data_dir / "staff.csv"
    path.write_text(path.read_text("utf-8").splitlines()[0] + "\n", "utf-8")
    register, errors = _errors(small_data_dir)
    assert register is None and any(p.file == "staff.csv" and "ingen rækker" in p.message for p in errors)


def test_tab_and_semicolon_separated_files_are_read(small_data_dir, small_register):
    path = small_data_dir / "absences.csv"
    path.write_text(path.read_text("utf-8").replace(",", "\t"), "utf-8")
    path = small_data_dir / "team.csv"
    path.write_text(path.read_text("utf-8").replace(",", ";"), "utf-8")
    register, errors = _errors(small_data_dir)
    assert errors == [] and register.absences == small_register.absences and register.team == small_register.team


def test_a_row_with_an_extra_cell_is_refused_with_its_line_not_shifted(small_data_dir):
    path = small_data_dir / "team.csv"
    lines = path.read_text("utf-8").splitlines()
    lines[3] += ",ekstra"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    register, errors = _errors(small_data_dir)
    assert register is None
    [problem] = [p for p in errors if p.file == "team.csv"]
    assert "linje 4 har 4" in problem.message and "kolonner" in problem.message


def test_a_stray_windows_byte_in_a_utf8_file_is_reported_with_its_line(small_data_dir):
    path = small_data_dir / "staff.csv"
    lines = path.read_text("utf-8").splitlines()
    lines[2] = lines[2].replace(",", ",S\xf8ren ", 1)  # a real UTF-8 ø ...
    data = ("\n".join(lines) + "\n").encode("utf-8")
    second_line_end = data.index(b"\n", data.index(b"\n") + 1)
    data = data[:second_line_end] + b"x\xe6" + data[second_line_end:]  # ... and one Windows-1252 æ on line 2
    path.write_bytes(data)
    register, errors = _errors(small_data_dir)
    assert register is None
    assert any(p.file == "staff.csv" and "linje 2" in p.message and "UTF-8" in p.message for p in errors)
    assert not any("mangler" in p.message and p.file == "staff.csv" for p in errors)


def test_a_plain_danish_excel_csv_in_windows_1252_is_read_correctly(small_data_dir):
    path = small_data_dir / "staff.csv"
    text = path.read_text("utf-8")
    first_name = text.splitlines()[1].split(",")[1]
    text = text.replace(first_name, "Bodil Ærø Østergård", 1)
    path.write_bytes(text.encode("cp1252"))
    register, errors = _errors(small_data_dir)
    assert errors == [] and "Bodil Ærø Østergård" in {s.name for s in register.staff}


def test_an_empty_file_says_so(small_data_dir):
    (small_data_dir / "families.csv").write_text("", "utf-8")
    register, errors = _errors(small_data_dir)
    assert register is None
    assert any(p.file == "families.csv" and "tom" in p.message for p in errors)


def _cli(*args, db):
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    return subprocess.run([sys.executable, "-m", "workbench.cli", *args], capture_output=True, text=True, cwd=root,
                          env={"TVAERS_DB": str(db), "PATH": "/usr/bin:/bin"}, timeout=120)


@pytest.mark.slow
def test_out_pointing_at_a_file_is_refused_before_planning(small_data_dir, tmp_path):
    (tmp_path / "fil.txt").write_text("x", "utf-8")
    result = _cli("plan", "--data", str(small_data_dir), "--out", str(tmp_path / "fil.txt"), "--start", "2027-01-01",
                  "--end", "2027-12-31", db=tmp_path / "s.sqlite3")
    assert result.returncode == 2 and "er en fil, ikke en mappe" in result.stderr
    assert (tmp_path / "fil.txt").read_text("utf-8") == "x"


def test_out_inside_a_read_only_folder_is_refused_before_planning(small_data_dir, tmp_path):
    import os

    if os.geteuid() == 0:
        pytest.skip("root may write anywhere")
    locked = tmp_path / "laast"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        result = _cli("plan", "--data", str(small_data_dir), "--out", str(locked / "plan"), "--start", "2027-01-01",
                      "--end", "2027-12-31", db=tmp_path / "s.sqlite3")
    finally:
        locked.chmod(0o700)
    assert result.returncode == 2 and "der kan ikke skrives" in result.stderr


@pytest.mark.slow
def test_a_store_path_that_is_a_folder_is_a_plain_refusal(small_data_dir, tmp_path):
    (tmp_path / "lager").mkdir()
    result = _cli("plan", "--data", str(small_data_dir), "--out", str(tmp_path / "plan"), "--start", "2027-01-01",
                  "--end", "2027-01-31", db=tmp_path / "lager")
    assert result.returncode == 2, result.stderr
    assert "Lageret" in result.stderr and "det er en mappe" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "plan").exists()


@pytest.mark.slow
@pytest.mark.parametrize("command", [["whatif", "--scenarios", "s.yaml"], ["export", "--plan", "plan"],
                                     ["staffing"]])
def test_every_command_with_out_refuses_a_file_before_working(small_data_dir, tmp_path, command):
    (tmp_path / "fil.txt").write_text("x", "utf-8")
    (tmp_path / "s.yaml").write_text("scenarios:\n  - name: A\n    edits: []\n", "utf-8")
    args = [a if a not in {"s.yaml", "plan"} else str(tmp_path / a) for a in command]
    result = _cli(*args, "--data", str(small_data_dir), "--out", str(tmp_path / "fil.txt"), db=tmp_path / "s.sqlite3")
    assert result.returncode == 2 and "er en fil, ikke en mappe" in result.stderr, result.stderr
