"""Property test: random hostile text in every free-text column, through load -> plan -> export.

Whatever is typed - formula prefixes, line breaks, unicode, CPR numbers written every way - the result is a
plain refusal with file, row and column, or a plan whose files all parse, hold no live formula and no CPR
number, and a store that holds no CPR number either.
"""

from __future__ import annotations

import csv
import sqlite3
import tempfile
from dataclasses import replace
from datetime import date
from pathlib import Path

import icalendar
import openpyxl
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.helpers import family, rule, staff, tiny_register
from workbench.cpr import looks_like_cpr
from workbench.export.bundle import export_all
from workbench.io.register import read_register, write_register
from workbench.io.safe_cells import FORMULA_PREFIXES
from workbench.io.store import Store
from workbench.scheduling.planner import PlanOptions, make_plan

CPR_WRITTEN = ["010190-1234", "010190 1234", "010190\u20131234", "01.01.90-1234", "010190/1234", "0101901234"]
NASTY = ["=HYPERLINK(\"http://evil.invalid\",\"klik\")", "=cmd|' /C calc'!A0", "+1", "-1+2", "@SUM(A1)", "\t=1",
         "\r=1", "a\nb", "a\r\nb", "\u202eevil", "æøå ÆØÅ", "😀", "<script>alert(1)</script>", '"', ";", ",", "'",
         "\\", "%s", "{0}", "\x00"]
TEXT = st.one_of(
    st.sampled_from(NASTY + CPR_WRITTEN),
    st.text(st.sampled_from(list("=+-@\t\r\n ;,\"'æøå😀aZ0123456789./–")), min_size=1, max_size=20),
    st.builds(lambda a, b: a + b, st.sampled_from(NASTY + CPR_WRITTEN), st.text(max_size=8)),
)
START, END = date(2027, 1, 4), date(2027, 1, 29)


def _register():
    return tiny_register(
        [staff("S1"), staff("S2", role="ppr_psykolog", can_coordinate=False)],
        [family("F1", primary="S1", last=date(2026, 12, 28)), family("F2", primary="S1", last=date(2026, 12, 30))],
        rules=[rule(max_days=14, min_days=7)], team=[("F1", "S2", "ppr_psykolog")],
        absences=[("S2", date(2027, 1, 11), date(2027, 1, 12))])


def _texts_of(folder: Path) -> list[tuple[str, str]]:
    out = []
    for path in folder.rglob("*"):
        if path.is_file() and path.suffix in {".csv", ".ics", ".html", ".json"}:
            out.append((str(path.relative_to(folder)), path.read_text("utf-8", errors="replace")))
    return out


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=TEXT, department=TEXT, district=TEXT, competences=TEXT, reason=TEXT)
def test_hostile_text_is_refused_plainly_or_stays_inert_everywhere(name, department, district, competences, reason):
    register = _register()
    register = register.replace(
        staff=tuple(replace(s, name=name, department=department, competences=frozenset({competences}))
                    if s.staff_id == "S1" else s for s in register.staff),
        families=tuple(replace(f, district=district) for f in register.families),
        absences=tuple(replace(a, reason=reason) for a in register.absences))
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        try:
            data = write_register(register, folder / "data")
        except (ValueError, UnicodeError):  # a NUL byte or a lone surrogate cannot even be written as CSV
            event("cannot be written")
            return
        loaded, problems = read_register(data)
        if loaded is None:  # a plain refusal that names file, row and column
            event("refused at load")
            errors = [p for p in problems if p.is_error]
            assert errors and all(p.file.endswith(".csv") and p.message for p in errors)
            assert all("Traceback" not in str(p) for p in errors)
            return
        typed = [name, department, district, reason]
        assert not any(looks_like_cpr(t) for t in typed), "a CPR number was let in"
        event("planned and exported")
        run = make_plan(loaded, START, END, PlanOptions(time_limit=2))
        store = Store(folder / "store.sqlite3")
        store.save_plan(run.plan, "Egenskabstest")
        report = export_all(run.plan, loaded, folder / "ud", store=store)

        book = openpyxl.load_workbook(report.workbook)
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                assert all(cell.data_type != "f" for cell in row)
        for path in report.csvs:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                for row in csv.reader(handle, delimiter=";"):
                    assert not any(value.startswith(FORMULA_PREFIXES) for value in row), (path.name, row)
        for content in report.calendars.files.values():
            icalendar.Calendar.from_ical(content)
        for where, text in _texts_of(folder / "ud"):
            assert not looks_like_cpr(text), where
        with sqlite3.connect(folder / "store.sqlite3") as db:
            for table, in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
                for row in db.execute(f"SELECT * FROM {table}"):
                    assert not any(isinstance(v, str) and looks_like_cpr(v) for v in row), table
