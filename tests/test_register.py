"""Loading the case register: round trips and every kind of bad input, reported at once."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from workbench.cpr import looks_like_cpr
from workbench.errors import RegisterError
from workbench.io.register import TABLES, load_register, read_register, register_frames, write_register


def _edit(folder, table, row, column, value):
    frame = pd.read_csv(folder / f"{table}.csv", dtype=str, keep_default_na=False)
    frame.loc[row, column] = value
    frame.to_csv(folder / f"{table}.csv", index=False)


def _messages(folder):
    register, problems = read_register(folder)
    assert register is None
    return problems


def test_csv_folder_round_trip(small_register, tmp_path):
    write_register(small_register, tmp_path / "r")
    assert load_register(tmp_path / "r") == small_register


@pytest.mark.slow
def test_xlsx_round_trip(small_register, tmp_path):
    path = write_register(small_register, tmp_path / "register.xlsx")
    assert load_register(path) == small_register


@pytest.mark.slow
def test_sample_data_in_repo_loads_cleanly():
    register, problems = read_register("sample_data")
    assert register is not None, [str(p) for p in problems]
    assert not [p for p in problems if p.is_error]
    assert len(register.staff) == 60 and len(register.families) == 300


def test_bad_date_names_file_row_and_column(small_data_dir):
    _edit(small_data_dir, "absences", 2, "start_date", "31-02-2027")  # no 31 February
    problems = _messages(small_data_dir)
    hit = [p for p in problems if p.column == "start_date"]
    assert hit and hit[0].file == "absences.csv" and hit[0].row == 4  # header is row 1, third data row is 4
    assert "er ikke en dato; skriv fx 21-12-2027 eller 2027-12-21" in hit[0].message


@pytest.mark.parametrize("written", ["2027-03-01", "01-03-2027", "1.3.2027", "01/03/2027", "2027-03-01 00:00:00"])
def test_dates_as_danish_excel_writes_them_are_read(written):
    from workbench.danish import parse_day

    assert parse_day(written) == date(2027, 3, 1)


@pytest.mark.parametrize("written", ["31-02-2027", "03-01-27", "2027/03/01", "1. marts", "", "13-13-2027"])
def test_what_is_not_a_date_is_not_guessed(written):
    from workbench.danish import parse_day

    assert parse_day(written) is None


def test_every_problem_is_reported_at_once(small_data_dir):
    _edit(small_data_dir, "staff", 0, "max_meetings_per_day", "tre")
    _edit(small_data_dir, "staff", 1, "workdays", "mandag;tirsdg")  # a typo (man;tir is fine)
    _edit(small_data_dir, "families", 0, "case_basis", "UKENDT")
    _edit(small_data_dir, "team", 0, "staff_id", "S999")
    problems = _messages(small_data_dir)
    found = {(p.file, p.row, p.column) for p in problems}
    assert ("staff.csv", 2, "max_meetings_per_day") in found
    assert ("staff.csv", 3, "workdays") in found
    assert ("families.csv", 2, "case_basis") in found
    assert ("team.csv", 2, "staff_id") in found


@pytest.mark.parametrize("table,column,value", [
    ("families", "family_id", "010203-1234"),
    ("screenings", "note", "cpr 0102031234 nævnt"),
    ("staff", "name", "Anna 010203-1234"),
    ("external_participants", "name", "Hanne 010203-1234"),
    ("civil_society", "contact", "ring 0102031234"),
])
def test_cpr_like_numbers_are_refused_anywhere(small_data_dir, table, column, value):
    _edit(small_data_dir, table, 0, column, value)
    problems = _messages(small_data_dir)
    assert any("CPR" in p.message and p.column == column and p.row == 2 for p in problems)


def test_cpr_pattern():
    assert looks_like_cpr("010203-1234") and looks_like_cpr("x0102031234y")
    assert not looks_like_cpr("2027-01-01") and not looks_like_cpr("01020312345")


def test_reversed_and_overlapping_periods(small_data_dir):
    frame = pd.read_csv(small_data_dir / "absences.csv", dtype=str, keep_default_na=False)
    who = frame.loc[0, "staff_id"]
    extra = pd.DataFrame([
        {"staff_id": who, "start_date": "2027-02-10", "end_date": "2027-02-01", "reason": "omvendt"},
        {"staff_id": who, "start_date": frame.loc[0, "start_date"], "end_date": frame.loc[0, "start_date"], "reason": "overlap"},
    ])
    pd.concat([frame, extra]).to_csv(small_data_dir / "absences.csv", index=False)
    problems = _messages(small_data_dir)
    rows = len(frame) + 2
    assert any(p.row == rows and "før startdato" in p.message for p in problems)
    assert any(p.row == rows + 1 and "overlapper" in p.message for p in problems)


def test_unknown_ids_are_refused(small_data_dir):
    _edit(small_data_dir, "families", 0, "primary_coordinator", "S999")
    _edit(small_data_dir, "family_unavailability", 0, "family_id", "F9999")
    problems = _messages(small_data_dir)
    assert any(p.column == "primary_coordinator" and "ukendt medarbejder" in p.message for p in problems)
    assert any(p.file == "family_unavailability.csv" and "ukendt familie" in p.message for p in problems)


def test_coordinator_must_be_able_to_coordinate_unless_the_family_chose_them(small_register, small_data_dir):
    non_coordinator = next(s.staff_id for s in small_register.staff if not s.can_coordinate)
    _edit(small_data_dir, "families", 0, "primary_coordinator", non_coordinator)
    assert any("kan ikke være koordinator" in p.message for p in _messages(small_data_dir))
    _edit(small_data_dir, "families", 0, "preferred_coordinator", non_coordinator)  # the family's own choice
    register, problems = read_register(small_data_dir)
    assert register is not None and register.families[0].primary_coordinator == non_coordinator, problems


def test_duplicate_key_points_at_first_row(small_data_dir):
    frame = pd.read_csv(small_data_dir / "staff.csv", dtype=str, keep_default_na=False)
    pd.concat([frame, frame.iloc[[0]]]).to_csv(small_data_dir / "staff.csv", index=False)
    problems = _messages(small_data_dir)
    assert any("findes allerede i række 2" in p.message for p in problems)


def test_missing_required_table_and_column(small_data_dir):
    (small_data_dir / "team.csv").unlink()
    frame = pd.read_csv(small_data_dir / "staff.csv", dtype=str, keep_default_na=False)
    frame.drop(columns=["role"]).to_csv(small_data_dir / "staff.csv", index=False)
    problems = _messages(small_data_dir)
    assert any(p.file == "team.csv" and "mangler" in p.message for p in problems)
    assert any(p.column == "role" and "mangler" in p.message for p in problems)


def test_unknown_column_and_file_are_warnings_not_silent(small_data_dir):
    frame = pd.read_csv(small_data_dir / "staff.csv", dtype=str, keep_default_na=False)
    frame["telefon"] = "1234"
    frame.to_csv(small_data_dir / "staff.csv", index=False)
    (small_data_dir / "noter.csv").write_text("a\n1\n", "utf-8")
    register, problems = read_register(small_data_dir)
    assert register is not None
    warnings = {(p.file, p.column) for p in problems if not p.is_error}
    assert ("staff.csv", "telefon") in warnings and ("noter.csv", None) in warnings


def test_danish_excel_csv_semicolon_and_cp1252(small_register, tmp_path):
    folder = write_register(small_register, tmp_path / "d")
    for table in ("staff", "families"):
        frame = pd.read_csv(folder / f"{table}.csv", dtype=str, keep_default_na=False)
        (folder / f"{table}.csv").write_bytes(frame.to_csv(index=False, sep=";").encode("cp1252"))
    assert load_register(folder) == small_register


def test_blank_lines_keep_row_numbers_true(small_data_dir):
    text = (small_data_dir / "staff.csv").read_text("utf-8").splitlines()
    text.insert(2, "")  # blank line becomes file line 3
    lines = text[:4] + [text[4].replace(",ja,", ",kanske,", 1).replace(",nej,", ",kanske,", 1)] + text[5:]
    (small_data_dir / "staff.csv").write_text("\n".join(lines) + "\n", "utf-8")
    problems = _messages(small_data_dir)
    assert any(p.row == 5 and p.column == "can_coordinate" for p in problems)


def test_rule_versions_pick_the_one_valid_on_the_day():
    from workbench.clocks import version_on
    from workbench.io.register import default_rules

    lab = [r for r in default_rules() if r.case_basis == "LAB_KH"]
    assert [r.rule_id for r in version_on(lab, date(2026, 3, 1))] == ["LAB31"]
    assert [r.rule_id for r in version_on(lab, date(2026, 7, 1))] == ["LAB31-2026"]
    assert [r.rule_id for r in version_on(lab, date(2027, 5, 1))] == ["LAB-2027"]


def test_register_error_lists_every_problem(small_data_dir):
    _edit(small_data_dir, "staff", 0, "max_caseload_points", "-5")
    with pytest.raises(RegisterError) as caught:
        load_register(small_data_dir)
    assert "staff.csv, række 2, kolonne 'max_caseload_points'" in str(caught.value)


def test_contract_tables_are_all_written(small_register):
    assert set(register_frames(small_register)) == {t.name for t in TABLES}


def test_missing_folder_is_a_message_not_a_crash(tmp_path):
    register, problems = read_register(tmp_path / "findes-ikke")
    assert register is None and "findes ikke" in problems[0].message


def test_numbers_take_the_right_danish_word():
    from workbench.danish import count

    assert [count(n, "voksen", "voksne") for n in (0, 1, 2)] == ["0 voksne", "1 voksen", "2 voksne"]
    assert count(1, "barn", "børn") == "1 barn"


def test_one_week_label_everywhere():
    from workbench.danish import week_label

    assert week_label(date(2027, 1, 1)) == "uge 53 (28.12.2026)"
    assert week_label(date(2027, 1, 6)) == "uge 1 (04.01.2027)"


def test_numbers_are_written_the_danish_way():
    from workbench.danish import number

    assert [number(x) for x in (32.5, 40, 40.0, 1250, 1234.5)] == ["32,5", "40", "40", "1.250", "1.234,5"]
