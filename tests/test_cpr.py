"""One CPR detector everywhere: the shapes people write, no false alarms, and every way into the store.

The numbers here are made up on purpose (this file is allowed to hold them, see test_repo_hygiene)."""

from __future__ import annotations

from datetime import date

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from workbench.cpr import looks_like_cpr, number_looks_like_cpr
from workbench.io.register import read_register, write_register
from workbench.io.store import CprRefused, Store
from workbench.model import Plan

WRITTEN_AS_PEOPLE_DO = ["010190-1234", "010190 1234", "010190\u20131234", "01.01.90-1234", "010190/1234",
                        "0101901234", "cpr: 290200-1234", "barnet (010190-1234) går i skole", "310190-1234."]
NOT_A_CPR = ["+4512345678", "konto 1234567890", "091500-1530", "2027-01-01", "01020312345", "3.0101901234",
             "320190-1234", "300290-1234", "12 34 56 78", "2026-12-06T04:10:40", "F0001-01", "S013"]


@pytest.mark.parametrize("text", WRITTEN_AS_PEOPLE_DO)
def test_every_way_of_writing_a_cpr_number_is_caught(text):
    assert looks_like_cpr(text)


@pytest.mark.parametrize("text", NOT_A_CPR)
def test_phone_and_account_numbers_and_impossible_dates_are_not_refused(text):
    assert not looks_like_cpr(text)


def test_a_number_cell_whose_leading_zero_excel_dropped():
    assert number_looks_like_cpr("101901234") and number_looks_like_cpr("101901234.0")
    assert not number_looks_like_cpr("123456789") and not number_looks_like_cpr("1019012345")


@given(st.dates(date(1900, 1, 1), date(2099, 12, 31)), st.integers(0, 9999),
       st.sampled_from(["", "-", " ", "\u2013", "/"]))
def test_any_real_birthday_with_any_separator_is_caught(day, serial, separator):
    assert looks_like_cpr(f"note {day:%d%m%y}{separator}{serial:04d} slut")


@given(st.text(alphabet="abcæøå .,-:+F", max_size=40), st.integers(10**8, 10**10 - 1))
def test_a_phone_number_with_country_code_is_never_a_cpr(prefix, number):
    assert not looks_like_cpr(f"{prefix} +{number}")


# ---------------------------------------------------------------------------------------------- where it is caught


@pytest.mark.slow
def test_a_workbook_cell_holding_the_number_is_refused_with_sheet_row_and_column(small_register, tmp_path):
    path = write_register(small_register, tmp_path / "register.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book["families"]
    headers = [c.value for c in sheet[1]]
    sheet.cell(row=3, column=headers.index("district") + 1, value=101901234)  # Excel dropped the leading zero
    book.save(path)
    register, problems = read_register(path)
    assert register is None
    [problem] = [p for p in problems if "CPR" in p.message]
    assert (problem.file, problem.row, problem.column) == ("register.xlsx, ark families", 3, "district")


def test_the_same_number_in_a_csv_text_column_is_just_a_number(small_data_dir):
    path = small_data_dir / "families.csv"
    lines = path.read_text("utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index("district")] = "101901234"
    path.write_text("\n".join([lines[0], ",".join(cells)] + lines[2:]) + "\n", "utf-8")
    _, problems = read_register(small_data_dir)
    assert not [p for p in problems if "CPR" in p.message]


@pytest.mark.parametrize("how", ["plan label", "document key", "document", "log"])
def test_nothing_written_to_the_store_may_hold_a_cpr(tmp_path, how):
    store = Store(tmp_path / "s.sqlite3")
    with pytest.raises(CprRefused):
        if how == "plan label":
            store.save_plan(Plan(date(2027, 1, 1), date(2027, 1, 31), [], []), "Plan for 010190 1234")
        elif how == "document key":
            store.put("scenario", "01.01.90-1234", {"x": 1})
        elif how == "document":
            store.put("scenario", "ok", {"navn": "010190/1234"})
        else:
            store.log("note", "010190\u20131234")
    assert store.plans() == [] and store.keys("scenario") == [] and store.history() == []


def test_a_scenario_named_with_a_cpr_is_refused_plainly_on_the_command_line(small_data_dir, tmp_path, monkeypatch):
    from workbench.cli import app

    monkeypatch.setenv("TVAERS_DB", str(tmp_path / "s.sqlite3"))
    (tmp_path / "s.yaml").write_text("scenarios:\n  - name: 010190 1234\n    edits: []\n", "utf-8")
    result = CliRunner().invoke(app, ["whatif", "--data", str(small_data_dir), "--scenarios",
                                      str(tmp_path / "s.yaml"), "--out", str(tmp_path / "ud"), "--end", "2027-01-31",
                                      "--quiet"])
    assert result.exit_code == 2 and "ligner et CPR-nummer" in result.output


def test_a_refusal_on_a_page_is_a_plain_warning_not_a_failure():
    from workbench.ui.common import MessageArea, guarded

    class Page:
        def __init__(self):
            self.messages = MessageArea()

        @guarded()
        def save(self):
            Store.__new__(Store)  # nothing real needed: the refusal is what matters
            raise CprRefused("Teksten ligner et CPR-nummer og gemmes ikke.")

    page = Page()
    page.save()
    assert page.messages.kind == "warn" and page.messages.text == "Teksten ligner et CPR-nummer og gemmes ikke."
