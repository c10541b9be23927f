"""Planning flow in a real browser: plan a quarter, read the verdict and explanations, save the plan."""

from __future__ import annotations

PANEL = ".tvaers-planning-panel"


def test_plan_a_quarter_and_save_it(workbench):
    page = workbench.open("02_planlaegning.ipynb", PANEL)
    page.wait_for_text(PANEL, "Indlæst: 60 medarbejdere og 300 familier")
    page.plan_quarter(today="2027-01-01")  # the tests' 'today' is 10 February; this plan is made at new year
    page.wait_for_text(PANEL, "Planen er færdig", timeout=120)
    summary = page.text(".tvaers-plan-summary")
    assert "Møder i perioden" in summary and "Vurdering" in summary
    assert "kontrolleret uafhængigt" in page.text(PANEL)
    page.page.wait_for_selector(".tvaers-plan-chart .js-plotly-plot", timeout=60_000)
    assert "Koordinatorer" in page.text(".tvaers-plan-coordinators")
    page.fill(".tvaers-plan-label", "Første kvartal")
    page.click(".tvaers-plan-save")
    page.wait_for_text(PANEL, "Planen er gemt", timeout=30)
    assert any("Første kvartal" in option for option in page.options(".tvaers-plan-previous"))
    page.assert_no_error()
