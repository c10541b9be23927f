"""A team leader gets the municipality's own data in without a technical helper: download the template from the
start page, fill it in (Danish headers, dd-mm-åååå dates), upload it, and every page uses it."""

from __future__ import annotations

import re
from datetime import date

import openpyxl

from workbench.io.template import template_bytes
from workbench.synth.municipality import MunicipalitySpec, generate_municipality

FORBIDDEN = re.compile(r"Traceback|Errno|FEASIBLE|OPTIMAL|\bNone\b|\bnan\b|Error")


def _filled_in(path) -> None:
    """The downloaded template, filled in as a team leader would: a small municipality, dates typed as text."""
    own = generate_municipality(MunicipalitySpec(n_staff=20, n_families=30, seed=11, start=date(2027, 1, 1)))
    book = openpyxl.load_workbook(__import__("io").BytesIO(template_bytes(own)))
    families = book["Familier"]
    headers = [c.value for c in families[1]]
    column = headers.index("Seneste opfølgning") + 1
    families.cell(row=2, column=column).value = "21-12-2026"  # typed, as Danish Excel shows a date
    book.save(path)


def test_download_the_template_fill_it_in_and_upload_it(workbench, tmp_path):
    page = workbench.open("00_start.ipynb", ".tvaers-start-panel")
    page.wait_for_text(".tvaers-start-status", "60 medarbejdere og 300 familier")
    template = page.download(".tvaers-template-link")
    assert template.name == "Tværs_skabelon.xlsx"
    book = openpyxl.load_workbook(template)
    assert {"Vejledning", "Medarbejdere", "Familier", "Team", "Opfølgningsregler"} <= set(book.sheetnames)
    filled = tmp_path / "vores_data.xlsx"
    _filled_in(filled)
    try:
        with page.page.expect_file_chooser(timeout=30_000) as chooser:  # as a person does: click, pick the file
            page.click(".tvaers-data-upload")
        chooser.value.set_files(str(filled))
        status = page.wait_for_text(".tvaers-start-status", "jeres uploadede fil vores_data.xlsx", timeout=120)
        assert "20 medarbejdere og 30 familier" in status
        assert not FORBIDDEN.search(page.text()), FORBIDDEN.search(page.text()).group(0)
        planning = workbench.open("02_planlaegning.ipynb", ".tvaers-planning-panel")  # every page uses it
        assert planning.page.locator(".tvaers-data-path input").first.input_value().endswith("vores_data.xlsx")
        planning.wait_for_text(".tvaers-planning-panel", "Indlæst: 20 medarbejdere og 30 familier", timeout=120)
    finally:  # back to the sample municipality for the other browser tests
        page = workbench.open("00_start.ipynb", ".tvaers-start-panel")
        if page.page.locator(".tvaers-forget-upload").first.is_enabled():
            page.click(".tvaers-forget-upload")
    page.wait_for_text(".tvaers-start-status", "60 medarbejdere og 300 familier")
