"""The landing page opened by `make app`, and every notebook on it renders without an error."""

from __future__ import annotations

import pytest

from tests.browser.helpers import NOTEBOOK_DIR

COVERED = {"00_start.ipynb", "01_screening.ipynb", "04_eksport.ipynb"}
"""Notebooks with their own flow test; every other notebook at least renders without an error."""
NOTEBOOKS = sorted(p.name for p in NOTEBOOK_DIR.glob("*.ipynb") if p.name not in COVERED)


def test_start_page_shows_status_and_leads_to_export(workbench):
    page = workbench.open("00_start.ipynb", ".tvaers-start-panel")
    assert "Tværs – arbejdsbord for tværfaglige familieforløb" in page.text()
    page.wait_for_text(".tvaers-start-status", "60 medarbejdere og 300 familier")
    page.click(".tvaers-step-link", text="Eksport")
    page.wait_ready(".tvaers-export-panel")
    assert "/voila/render/04_eksport.ipynb" in page.page.url


@pytest.mark.parametrize("notebook", NOTEBOOKS or ["-"])  # none found fails (opening "-"), it is not skipped
def test_every_notebook_renders_in_danish_without_errors(workbench, notebook):
    page = workbench.open(notebook, ".jupyter-widgets")
    text = page.text()
    assert any(word in text for word in ("Indlæs", "Tværs", "familie")), text[:300]
    page.assert_no_error()


def test_a_page_leads_to_the_next_without_the_back_button(workbench):
    page = workbench.open("02_planlaegning.ipynb", ".tvaers-planning-panel")
    page.click(".tvaers-nav-link", text="Eksport")
    page.wait_ready(".tvaers-export-panel")
    page.click(".tvaers-nav-link", text="Start")
    page.wait_ready(".tvaers-start-panel")


def test_tab_titles_are_shown_whole(workbench):
    page = workbench.open("03_hvad_hvis.ipynb", ".tvaers-whatif-tabs")
    cut = page.page.evaluate("""() => [...document.querySelectorAll('.lm-TabBar-tabLabel, .p-TabBar-tabLabel')]
        .filter(label => label.scrollWidth > label.clientWidth + 1).map(label => label.textContent)""")
    assert cut == []
