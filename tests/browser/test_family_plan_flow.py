"""The family plan in a real browser: write a goal and an agreement with the family, review the goal at a
follow-up, see the chart, and take the plan home as a printable file."""

from __future__ import annotations

PANEL = ".tvaers-family-plan-panel"


def test_write_review_and_print_a_family_plan(workbench):
    page = workbench.open("05_familieplan.ipynb", PANEL)
    page.wait_for_text(PANEL, "Indlæst: 60 medarbejdere og 300 familier")
    page.choose(".tvaers-fp-family", "F0003")
    page.page.locator(".tvaers-fp-goal-text textarea").fill("Vi vil have ro om morgenen")
    page.page.locator(".tvaers-fp-goal-text textarea").press("Tab")
    page.click(".tvaers-fp-add-goal")
    page.wait_for_text(".tvaers-fp-goals", "Vi vil have ro om morgenen")
    page.fill(".tvaers-fp-action-what", "Morgenplan med billeder")
    page.fill(".tvaers-fp-action-who", "Familien")
    page.click(".tvaers-fp-add-action")
    page.wait_for_text(".tvaers-fp-actions", "Morgenplan med billeder")
    page.set_slider(".tvaers-fp-score-M1", 4)
    page.click(".tvaers-fp-save-review")
    page.wait_for_text(PANEL, "er gemt")
    page.wait_for_text(".tvaers-fp-goals", "4 af 10")
    page.page.wait_for_selector(".tvaers-fp-chart .js-plotly-plot", timeout=60_000)
    page.click(".tvaers-fp-print")
    page.wait_for_text(PANEL, "Planen er klar")
    printed = page.download(".tvaers-dl-family-plan").read_text("utf-8")
    assert "Vores plan" in printed and "Vi vil have ro om morgenen" in printed and "Morgenplan med billeder" in printed
    page.assert_no_error()
