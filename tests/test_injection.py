"""Hostile text in the register stays text in every file a team leader opens (OWASP CSV injection)."""

from __future__ import annotations

import csv
from dataclasses import replace

import icalendar
import openpyxl
import pytest

from tests.export_support import dst_plan, dst_register
from workbench.export.bundle import export_all
from workbench.io.safe_cells import FORMULA_PREFIXES, as_text
from workbench.whatif.kpis import KPI_LABELS_DA

HOSTILE_NAMES = ['=HYPERLINK("http://evil.invalid","klik")', "=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)",
                 "\t=1+1", "Anna\nJensen"]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_hostile_staff_name_is_never_a_formula_and_never_breaks_the_export(tmp_path, name):
    register = dst_register()
    register = register.replace(staff=tuple(replace(s, name=name) if s.staff_id == "S1" else s
                                            for s in register.staff))
    report = export_all(dst_plan(), register, tmp_path / "ud")

    book = openpyxl.load_workbook(report.workbook)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    # the name is kept as it was written, as text (line break, tab and all): the coordinators' two rows and
    # the workload row hold exactly it, and the meetings list it beside a colleague
    sheets = [s.title for s in book.worksheets for row in s.iter_rows() for c in row if c.value == name]
    assert sheets == ["Koordinatorer", "Koordinatorer", "Arbejdsbyrde"]
    assert sum(c.value == f"{name}; Test S2" for row in book["Møder"].iter_rows() for c in row) == 4

    for path in report.csvs:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.reader(handle, delimiter=";"):
                for value in row:
                    assert not value.startswith(FORMULA_PREFIXES), (path.name, value)

    for content in report.calendars.files.values():
        icalendar.Calendar.from_ical(content)  # parses: no raw line break in a property


def test_as_text_only_touches_text_that_would_run():
    assert as_text("=1+1") == "'=1+1" and as_text("Anna") == "Anna" and as_text(-3) == -3
    assert as_text("@x") == "'@x" and as_text("\r=1") == "'\r=1"


@pytest.mark.slow
def test_a_hostile_scenario_name_is_inert_in_the_report_and_kpis(small_data_dir, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from workbench.cli import app

    monkeypatch.setenv("TVAERS_DB", str(tmp_path / "s.sqlite3"))
    (tmp_path / "s.yaml").write_text("scenarios:\n  - name: '=HYPERLINK(\"http://evil.invalid\")'\n"
                                     "    edits: [{kind: sagsloft, max_points: 30}]\n", "utf-8")
    result = CliRunner().invoke(app, ["whatif", "--data", str(small_data_dir), "--scenarios", str(tmp_path / "s.yaml"),
                                      "--out", str(tmp_path / "ud"), "--end", "2027-01-15", "--time-limit", "3",
                                      "--quiet"])
    assert result.exit_code == 0, result.output
    kpis = (tmp_path / "ud" / "kpis.csv").read_text("utf-8")
    assert "'=HYPERLINK" in kpis and "\n=HYPERLINK" not in kpis and ",=HYPERLINK" not in kpis
    report = (tmp_path / "ud" / "rapport.html").read_text("utf-8")
    assert "<th>&#x27;=HYPERLINK" in report and KPI_LABELS_DA


def test_ids_that_map_to_the_same_file_name_get_their_own_calendar(tmp_path):
    from workbench.export.calendar_ics import build_calendars
    from workbench.model import Meeting, Plan

    register = dst_register()
    families = [replace(register.families[0], family_id=fid) for fid in ("F-1", "F_1", "f_1")]
    register = register.replace(families=tuple(families), team=())
    day = dst_plan().meetings[0].day
    plan = Plan(day, day, [], [Meeting(f"{f.family_id}-01", f.family_id, day, 600, 660, ("S1",), "SOF-32", day, 0)
                               for f in families])
    calendars = build_calendars(plan, register)
    names = list(calendars.family_files.values())
    assert len({n.casefold() for n in names}) == 3, names
    assert names[0] == "familie_F_1.ics"


@pytest.mark.parametrize("bad", ["F.1", "F/1", "F 1", "Fø1", "F1\\x", "-F1", "F" * 41])
def test_an_id_outside_the_safe_alphabet_is_refused_at_load(small_data_dir, bad):
    from workbench.io.register import read_register

    path = small_data_dir / "families.csv"
    lines = path.read_text("utf-8").splitlines()
    first = lines[1].split(",")[0]
    lines[1] = lines[1].replace(first, bad, 1)
    path.write_text("\n".join(lines) + "\n", "utf-8")
    register, problems = read_register(small_data_dir)
    assert register is None
    assert any(p.file == "families.csv" and p.row == 2 and p.column == "family_id" and "må kun indeholde" in p.message
               for p in problems), [str(p) for p in problems][:5]
