"""The team leader's own data in: the Danish Excel template, Danish headers and dates, upload in the browser."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from workbench.cli import app
from workbench.io.register import TABLES, read_register, register_frames, write_register
from workbench.io.template import TEMPLATE_NAME, choices_of, template_bytes
from workbench.ui.common import RegisterLoader, default_data_dir
from workbench.ui.start import StartPanel
from workbench.ui.upload import accept_upload, forget_upload, uploaded_data, uploaded_folder


@pytest.fixture(autouse=True)
def own_store(tmp_path, monkeypatch):
    """Uploads are kept beside the store: a throwaway one per test."""
    monkeypatch.setenv("TVAERS_DB", str(tmp_path / "store" / "tvaers.sqlite3"))


def _book(content: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(content))


def _save(book: openpyxl.Workbook, path: Path) -> Path:
    book.save(path)
    return path


def test_the_template_is_the_loaders_contract_in_danish(tmp_path):
    book = _book(template_bytes())
    assert book.sheetnames[:2] == ["Lister", "Vejledning"]
    for table in TABLES:
        sheet = book[table.da]
        assert [c.value for c in sheet[1]] == [c.da for c in table.columns]
    guide = "\n".join(str(c.value) for row in book["Vejledning"].iter_rows() for c in row if c.value)
    assert all(c.da in guide for t in TABLES for c in t.columns)
    validations = {str(v.sqref).split(":")[0]: v.formula1 for v in book["Medarbejdere"].data_validations.dataValidation}
    role_column = "C"  # Rolle
    assert validations[f"{role_column}2"].startswith("Lister!")
    assert {"familieraadgiver", "jobkonsulent"} <= set(choices_of(TABLES[0].column("role")))
    # the follow-up rules come filled in; the empty template says in Danish what is missing, sheet by sheet
    register, problems = read_register(_save(book, tmp_path / TEMPLATE_NAME))
    assert register is None
    texts = [str(p) for p in problems]
    assert any("ark Medarbejdere: der er ingen rækker" in t for t in texts)
    assert not any("Vejledning" in t or "Lister" in t or "Opfølgningsregler" in t for t in texts)


def test_a_register_goes_through_the_template_unchanged(tmp_path, small_register):
    path = tmp_path / TEMPLATE_NAME
    path.write_bytes(template_bytes(small_register))
    register, problems = read_register(path)
    assert problems == []
    assert replace(register, source="") == replace(small_register, source="")


def test_a_workbook_typed_in_danish_loads(tmp_path):
    """Danish headers, dd-mm-åååå dates typed as text, man;tir weekdays, ja/nej - as a team leader writes them."""
    book = _book(template_bytes())
    book["Medarbejdere"].append(["S1", "Anna", "koordinator", "Familie", "ja", "20", "3", "man;tir;ons;tor;fre"])
    book["Medarbejdere"].append(["S2", "Bo", "familieraadgiver", "Familie", "nej", "20", "2", "Mandag;Onsdag"])
    book["Familier"].append(["F1", "", "da", "BL32", "21-12-2026", "S1"])
    book["Team"].append(["F1", "S2", "familieraadgiver"])
    book["Fravær"].append(["S2", "01.02.2027", "05-02-2027", "Ferie"])
    register, problems = read_register(_save(book, tmp_path / "egen.xlsx"))
    assert register is not None, [str(p) for p in problems]
    assert register.family_by_id["F1"].last_followup_date == date(2026, 12, 21)
    assert register.staff_by_id["S2"].workdays == frozenset({0, 2})
    assert register.staff_by_id["S1"].can_coordinate and not register.staff_by_id["S2"].can_coordinate
    assert (register.absences[0].start_date, register.absences[0].end_date) == (date(2027, 2, 1), date(2027, 2, 5))


def test_danish_csv_files_and_problems_name_the_users_own_header(tmp_path, small_register):
    folder = write_register(small_register, tmp_path / "data")
    frames = register_frames(small_register)
    for table in TABLES:  # rename every file and header to Danish, as a team leader's own files would be
        english = folder / table.filename
        if english.exists():
            english.unlink()
            frame = frames[table.name].rename(columns={c.name: c.da for c in table.columns})
            frame.to_csv(folder / f"{table.da.lower().replace(' ', '_')}.csv", index=False)
    register, problems = read_register(folder)
    assert register is not None, [str(p) for p in problems]
    assert len(register.families) == len(small_register.families)
    families = folder / "familier.csv"
    text = families.read_text("utf-8").splitlines()
    first = text[1].split(",")
    first[4] = "31-02-2027"  # Seneste opfølgning: not a date
    families.write_text("\n".join([text[0], ",".join(first)] + text[2:]) + "\n", "utf-8")
    register, problems = read_register(folder)
    assert register is None
    wrong = [p for p in problems if p.is_error]
    assert len(wrong) == 1 and wrong[0].file == "familier.csv" and wrong[0].row == 2
    assert wrong[0].column == "Seneste opfølgning"


def test_an_upload_with_a_cpr_number_is_refused_and_never_stored(small_register, tmp_path):
    content = template_bytes(small_register)
    book = _book(content)
    book["Personer"]["E2"] = "0101" + "90-1234"  # a CPR number in the label column (built here: none in the repo)
    buffer = io.BytesIO()
    book.save(buffer)
    path, register, problems = accept_upload([("data.xlsx", buffer.getvalue())])
    assert path is None and register is None
    assert any("CPR" in p.message and p.column == "Betegnelse" for p in problems)
    assert not uploaded_folder().exists() and uploaded_data() is None


def test_an_accepted_upload_is_what_every_page_uses_until_forgotten(small_register, monkeypatch, tmp_path):
    monkeypatch.setenv("TVAERS_DATA", str(tmp_path / "andet"))
    path, register, problems = accept_upload([("C:\\Users\\leder\\Tværs_skabelon.xlsx", template_bytes(small_register))])
    assert register is not None and path == uploaded_folder() / "Tværs_skabelon.xlsx" and path.is_file()
    assert default_data_dir() == path == uploaded_data()
    loader = RegisterLoader()
    assert Path(loader.path.value) == path and loader.load() is not None
    forget_upload()
    assert uploaded_data() is None and default_data_dir() == tmp_path / "andet"


def test_the_loader_uploads_and_explains_in_danish(small_register, tmp_path):
    loaded = []
    loader = RegisterLoader(on_loaded=loaded.append, path=tmp_path / "ingen")
    assert loader.upload_files([("data.exe", b"MZ")]) is None
    assert "kan ikke bruges" in loader.messages.widget.value and "Traceback" not in loader.messages.widget.value
    broken = write_register(small_register, tmp_path / "csv")
    families = (broken / "families.csv").read_text("utf-8").splitlines()
    row = families[1].split(",")
    row[4] = "31-02-2027"  # last_followup_date: no such day
    (broken / "families.csv").write_text("\n".join([families[0], ",".join(row)] + families[2:]) + "\n", "utf-8")
    files = [(p.name, p.read_bytes()) for p in sorted(broken.glob("*.csv"))]
    assert loader.upload_files(files) is None and loader.register is None
    shown = loader.messages.widget.value
    assert "families.csv, række 2, kolonne &#x27;last_followup_date&#x27;: &#x27;31-02-2027&#x27; er ikke en dato" in shown
    assert "ikke gemt" in shown
    assert uploaded_data() is None
    good = write_register(small_register, tmp_path / "csv2")
    assert loader.upload_files([(p.name, p.read_bytes()) for p in sorted(good.glob("*.csv"))]) is not None
    assert loaded and loaded[-1].family_by_id.keys() == small_register.family_by_id.keys()
    assert "Uploadet og gemt" in loader.messages.widget.value and Path(loader.path.value) == uploaded_folder()


@pytest.mark.slow
def test_the_start_page_offers_the_template_and_takes_an_upload(small_register, tmp_path, store):
    panel = StartPanel(folder=tmp_path, data_path=tmp_path / "ingen", store=store)
    html = panel.data_box.children[2].value
    assert 'download="Tværs_skabelon.xlsx"' in html and "base64," in html
    assert panel.forget_button.disabled is False or uploaded_data() is None
    panel.upload_files([("Tværs_skabelon.xlsx", template_bytes(small_register))])
    assert "jeres uploadede fil Tværs_skabelon.xlsx" in panel.messages.widget.value
    assert not panel.forget_button.disabled
    panel.forget()
    assert uploaded_data() is None and "uploadede" not in panel.messages.widget.value


def test_the_template_command(tmp_path):
    result = CliRunner().invoke(app, ["skabelon", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / TEMPLATE_NAME).is_file()
    result = CliRunner().invoke(app, ["skabelon", "--out", str(tmp_path / "skabelon.txt")])
    assert result.exit_code == 2 and ".xlsx" in result.output


def test_picking_files_in_the_page_goes_through_the_pages_guard(tmp_path):
    loader = RegisterLoader(path=tmp_path / "ingen")
    loader.upload.picker.value = ({"name": "data.exe", "type": "", "size": 2, "content": memoryview(b"MZ"),
                                   "last_modified": datetime(2027, 1, 4)},)
    assert "kan ikke bruges" in loader.messages.widget.value and "Traceback" not in loader.messages.widget.value


def test_a_new_installation_is_told_to_fetch_the_template_not_to_look_for_errors(tmp_path, store):
    """The first page of the first week said 'Data i /tmp/... kan ikke bruges endnu (4 fejl)' when there were no data
    at all; and offered 'Brug eksempeldata igen' before anything was uploaded."""
    (tmp_path / "ingen_data").mkdir()
    panel = StartPanel(folder=tmp_path, data_path=tmp_path / "ingen_data", store=store)
    assert panel.messages.text.startswith("Der er ingen data endnu. Hent Excel-skabelonen")
    assert "fejl" not in panel.messages.text and str(tmp_path) not in panel.messages.text
    assert panel.forget_button.disabled
    (tmp_path / "ingen_data" / "staff.csv").write_text("staff_id\nS001\n", encoding="utf-8")
    panel.refresh()  # something there that cannot be read: then the errors are the point
    assert "kan ikke bruges endnu" in panel.messages.text
