"""A plan that lives week to week, in a real browser: plan → approve → mark two meetings held → a new family
arrives → re-plan → see what changed."""

from __future__ import annotations

import shutil

import pandas as pd
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.browser.conftest import ROOT
from tests.browser.test_start_page import NOTEBOOK_DIR  # noqa: F401  (same notebooks as the other flows)

PANEL = ".tvaers-planning-panel"


def _add_family(data) -> None:
    """The team leader's register gets a new family: a copy of F0002 (with its team) as F0999."""
    families = pd.read_csv(data / "families.csv", dtype=str, keep_default_na=False)
    new = families[families.family_id == "F0002"].assign(family_id="F0999")
    pd.concat([families, new]).to_csv(data / "families.csv", index=False)
    team = pd.read_csv(data / "team.csv", dtype=str, keep_default_na=False)
    pd.concat([team, team[team.family_id == "F0002"].assign(family_id="F0999")]).to_csv(data / "team.csv", index=False)


def _mark_held(page, count: int) -> None:
    """Click 'Afholdt' on the first meeting not yet marked, until ``count`` meetings are marked.

    On a busy machine the week table can be drawn once more just after the click (the approval refreshes it
    too), and a click on the old table is lost; clicking the same meeting again is harmless (held is held)."""
    first = page.page.locator(".tvaers-records-held:not([disabled])").first
    meeting = next(c for c in (first.get_attribute("class") or "").split() if c.startswith("tvaers-held-"))
    marked = f"document.querySelectorAll('.tvaers-records-held[disabled]').length >= {count}"
    for _ in range(3):
        try:
            page.page.locator(f".{meeting}:not([disabled])").click(timeout=10_000)
        except PlaywrightTimeoutError:
            pass  # already marked and drawn as such
        try:
            page.page.wait_for_function(marked, timeout=15_000)
            return
        except PlaywrightTimeoutError:
            continue
    raise AssertionError(f"{meeting} was not marked held after three clicks")


def test_plan_approve_record_add_a_family_and_replan(workbench, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "sample_data", data)
    page = workbench.open("02_planlaegning.ipynb", PANEL)
    page.wait_for_text(PANEL, "Indlæst: 60 medarbejdere og 300 familier")
    page.fill(".tvaers-data-path", str(data))
    page.click(".tvaers-data-load")
    page.plan_quarter(today="2027-01-01")  # the tests' 'today' is 10 February; this plan is made at new year
    page.wait_for_text(PANEL, "Planen er færdig", timeout=180)

    page.fill(".tvaers-plan-label", "Plan uge 1")
    page.click(".tvaers-plan-approve")
    page.wait_for_text(PANEL, "godkendt og udsendt", timeout=60)
    assert "Plan uge 1" in page.text(".tvaers-plan-baseline")

    # two January meetings were held: mark them in the week table (today is 10 February in these tests)
    page.choose(".tvaers-records-week", "Uge 2 (")
    page.wait_for_text(".tvaers-records-table", "11.01.", timeout=30)
    for held in (1, 2):
        _mark_held(page, held)
    page.wait_for_text(".tvaers-records-panel", "Registreret", timeout=30)
    page.wait_for_text(".tvaers-plan-baseline", "2 afholdt", timeout=30)

    # a new family arrives in the register: reload, and the page says what changed before planning
    _add_family(data)
    page.click(".tvaers-data-load")
    page.wait_for_text(PANEL, "Indlæst: 60 medarbejdere og 301 familier", timeout=60)
    changed = page.wait_for_text(".tvaers-plan-register-changes", "Nye familier (1): F0999", timeout=30)
    assert "Ændret siden planen blev lavet" in changed

    page.fill(".tvaers-plan-today", "2027-02-10")
    page.click(".tvaers-plan-run")
    page.wait_for_text(PANEL, "Planen er færdig", timeout=180)
    changes = page.wait_for_text(".tvaers-plan-changes", "Ændringer i forhold til den udmeldte plan", timeout=30)
    assert "til og med frysedatoen ligger fast som udmeldt" in changes and "Ny familie F0999" in changes
    assert "Flyttede udmeldte møder" in page.text(".tvaers-plan-summary")
    page.screenshot(tmp_path / "replanning.png")
    shutil.copy(tmp_path / "replanning.png", ROOT / "out" / "replanning.png") if (ROOT / "out").is_dir() else None
    page.assert_no_error()
