"""Screening flow in a real browser: pick a family, rate, get an explained team proposal, save it."""

from __future__ import annotations

PANEL = ".tvaers-screening-panel"


def test_screen_a_family_and_save_the_team_proposal(workbench):
    page = workbench.open("01_screening.ipynb", PANEL)
    page.wait_for_text(PANEL, "Indlæst: 60 medarbejdere og 300 familier")
    label = page.choose(".tvaers-family-picker", "F0002")
    assert label.startswith("F0002")
    page.page.wait_for_selector(".tvaers-person .tvaers-score", timeout=60_000)
    page.press(".tvaers-score", "3")  # the first item: "act now"
    page.click(".tvaers-propose")
    result = page.wait_for_text(".tvaers-result", "Foreslået team", timeout=90)
    assert "Behov og begrundelser" in result and "Målgruppe" in result
    assert page.count(".tvaers-result tr.tvaers-member") >= 1
    page.wait_for_text(PANEL, "Forslag klar")
    page.page.wait_for_selector(".tvaers-profile-chart .js-plotly-plot", timeout=60_000)
    page.click(".tvaers-save")
    page.wait_for_text(PANEL, "Gemt:", timeout=60)
    assert "teamforslaget for familie F0002" in page.text(PANEL)
    page.assert_no_error()
