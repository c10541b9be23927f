"""What-if flow in a real browser: how many more staff for more families, answered with its lower bound."""

from __future__ import annotations

PANEL = ".tvaers-whatif-panel"


def test_how_many_more_staff_for_more_families(workbench):
    page = workbench.open("03_hvad_hvis.ipynb", PANEL)
    page.wait_for_text(PANEL, "Indlæst: 60 medarbejdere og 300 familier")
    page.fill(".tvaers-whatif-families", "10")
    page.fill(".tvaers-whatif-end", "2027-02-28")
    page.fill(".tvaers-whatif-seconds", "15")
    page.click(".tvaers-whatif-staffing-run")
    answer = page.wait_for_text(".tvaers-whatif-staffing-result", "Scenarie", timeout=300)
    assert "10" in answer and "Periode" in answer
    assert page.count(".tvaers-whatif-bounds tr") >= 2  # the lower bound from capacity and demand, per group
    page.page.wait_for_selector(".tvaers-whatif-staffing-chart .js-plotly-plot", timeout=60_000)
    page.assert_no_error()
