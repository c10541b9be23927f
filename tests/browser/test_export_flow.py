"""Export flow in a real browser: load data, make a plan, take away calendars, Excel and the family's årshjul."""

from __future__ import annotations

import re
from datetime import timezone

import openpyxl
import vobject

from tests.browser.helpers import WorkbenchPage
from workbench.model import APPOINTMENT_TITLES

PANEL = ".tvaers-export-panel"


def _plan_january(page: WorkbenchPage) -> int:
    """Load the sample data and make a one-month plan the way a team leader would; returns its meetings."""
    page.click(".tvaers-load-data")
    page.wait_for_text(PANEL, "Indlæst: 60 medarbejdere og 300 familier")
    page.click_text("Ny plan", within=".tvaers-plan-source")
    page.fill(".tvaers-plan-start", "2027-01-01")
    page.fill(".tvaers-plan-end", "2027-01-31")
    page.fill(".tvaers-plan-seconds", "15")
    page.click(".tvaers-make-plan")
    message = page.wait_for_text(".tvaers-plan-messages", "Planen er klar og gemt", timeout=180)
    assert "01.01.2027 – 31.01.2027" in message
    return page.number_in(".tvaers-plan-messages", r"(\d+) møder for")


def test_export_flow_calendars_excel_and_aarshjul(workbench):
    page = workbench.open("04_eksport.ipynb", PANEL)
    assert "Eksport: kalendere, Excel og årshjul" in page.text()
    meetings = _plan_january(page)
    assert meetings > 50

    page.click(".tvaers-export-all")
    summary = page.wait_for_text(".tvaers-export-messages", "medarbejderkalendere", timeout=120)
    assert "familiekalendere" in summary and "årshjul" in summary
    workbook = openpyxl.load_workbook(page.download(".tvaers-dl-excel"))
    assert workbook.sheetnames[:4] == ["Møder", "Koordinatorer", "Arbejdsbyrde", "For sene"]
    assert workbook["Møder"].max_row - 1 == meetings

    label = page.choose(".tvaers-staff-pick", "(S001)")
    assert label.startswith("Hanne Skabelonsen")
    link = page.wait_for_text(".tvaers-staff-links", "Kalender til Outlook")
    expected = int(re.search(r"\((\d+) møder\)", link).group(1))
    calendar = vobject.readOne(page.download(".tvaers-dl-staff-ics").read_text("utf-8"))
    events = calendar.vevent_list
    assert len(events) == expected > 0
    for event in events:
        assert re.fullmatch(rf"({'|'.join(APPOINTMENT_TITLES.values())}) F\d{{4}} \([A-Z0-9-]+\)", event.summary.value)
        start = event.dtstart.value
        assert start.tzinfo is not None and start.astimezone(timezone.utc).hour in range(7, 15)
        assert event.uid.value.endswith("@tvaers.invalid")
    page.page.wait_for_selector(".tvaers-staff-plot .js-plotly-plot", timeout=60_000)

    family = page.choose(".tvaers-family-pick", "F0")
    page.page.wait_for_selector(".tvaers-wheel-plot .js-plotly-plot", timeout=60_000)
    assert page.count(".tvaers-wheel-plot .barlayer .point") == 12  # twelve month fields
    assert "Årshjul 2027 – familie " + family in page.text(".tvaers-wheel-plot")
    wheel = page.download(".tvaers-dl-wheel-html").read_text("utf-8")
    assert "Vores årshjul 2027" in wheel and f"Familie {family}" in wheel
    assert page.count(".tvaers-wheel-plot .scatterlayer .point") == wheel.count('<td class="tid">') > 0
    page.click(".tvaers-make-pdf")
    page.wait_for_text(".tvaers-family-links", "Årshjul som PDF", timeout=120)
    assert page.download(".tvaers-dl-wheel-pdf").read_bytes().startswith(b"%PDF")
    page.assert_no_error()


def test_export_explains_a_wrong_data_folder(workbench):
    page = workbench.open("04_eksport.ipynb", PANEL)
    page.fill(".tvaers-data-path", "/findes/ikke")
    page.click(".tvaers-load-data")
    message = page.wait_for_text(PANEL, "findes ikke", timeout=60)
    assert "fejl" in message.lower()
    page.assert_no_error()
