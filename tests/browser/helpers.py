"""Small verbs for browser tests, so a new flow is a few lines: open, click, fill, choose, read, download.

Controls are found by the ``tvaers-*`` CSS classes the panels give them (or by their visible text); what the
user sees is read with ``inner_text``.  Every wait has a timeout and a readable failure.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

CHROMIUM_ARGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run")
VOILA_ERROR = "There was an error when executing cell"
NOTEBOOK_DIR = Path(__file__).resolve().parents[2] / "notebooks"


class DecimalPoint:
    """A number written with a decimal point (``32.5 / 40``) where Danish writes a comma (``32,5``) - but not a
    date (``21.12.2026``, ``4.1.``), a time (``kl. 9.30``, ``09.00``, ``10.00–11.00``) or a thousands separator
    (``1.716 møder``).  Has ``search`` like a compiled pattern, so it sits in :data:`NOT_FOR_A_TEAM_LEADER`."""

    NUMBER = re.compile(r"(?<![\w.,:])(\d+)\.(\d+)(?!\w|[.,:/]\d)")
    TIME_BEFORE = re.compile(r"(\bkl\.?|[–-])\s*$")
    TIME_AFTER = re.compile(r"^\s*[–-]\s*\d")

    def search(self, text: str):
        for found in self.NUMBER.finditer(text):
            if not self._fine(text, found):
                return found
        return None

    def _fine(self, text: str, found) -> bool:
        whole, fraction = found.group(1), found.group(2)
        after = text[found.end():]
        if after.startswith(".") and 1 <= int(whole) <= 31 and 1 <= int(fraction) <= 12:
            return True  # a day and a month: 4.1. or 21.12.
        if len(fraction) == 3 and len(whole) <= 3 and int(whole) > 0:
            return True  # thousands: 1.716
        if len(fraction) == 2 and int(whole) <= 23 and int(fraction) <= 59:
            before = text[:found.start()]
            return (len(whole) == 2 or bool(self.TIME_BEFORE.search(before[-6:]))
                    or bool(self.TIME_AFTER.match(after[:4])))  # 09.00, kl. 9.30, 9.30–10.00
        return False


NOT_FOR_A_TEAM_LEADER = (
    ("a system error", re.compile(r"\bErrno\b|Traceback|\bException\b|\bError\b|No such file|Permission denied")),
    ("a solver status code", re.compile(r"\b(OPTIMAL|FEASIBLE|INFEASIBLE|MODEL_INVALID|UNKNOWN|STOPPED|"
                                        r"TIMEOUT|ERROR|FAILED)\b")),
    ("an English or Python word", re.compile(r"\b(None|NaN|nan|True|False|Warning|Loading|Submit|Cancel|Save|"
                                             r"Select|Browse|Click|Download|Settings|solver|kernel|dtype|"
                                             r"Infeasible|Timeout|undefined|null|object Object)\b")),
    ("a decimal point in a Danish number", DecimalPoint()),
)
"""What a page must never show a Danish team leader (issue 13)."""
RULE_CODE = re.compile(r"\b(SOF|LAB|PLAC|SEL|BL)[-_]?\d|\b[A-Z]{2,}-[A-Z]{2,}-?\d")
"""A rule code (SOF-32, BL20, LAB-AKT-1) - fine in a table's source column, never in a heading."""


def find_browser() -> str | None:
    for candidate in ("/usr/bin/chromium", shutil.which("chromium") or "", shutil.which("chromium-browser") or ""):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


class WorkbenchPage:
    """One notebook as the user sees it in Voilà."""

    def __init__(self, page, base_url: str, downloads: Path, token: str = "") -> None:
        self.page = page
        self.base_url = base_url
        self.downloads = downloads
        self.token = token

    # ------------------------------------------------------------------ navigation

    def open(self, notebook: str, ready: str = ".jupyter-widgets", timeout: float = 120) -> "WorkbenchPage":
        """Open a notebook and wait until Voilà has run it and ``ready`` (a CSS selector) is visible."""
        assert (NOTEBOOK_DIR / notebook).is_file(), f"no notebook {notebook} in {NOTEBOOK_DIR} (renamed?)"
        query = f"?token={self.token}" if self.token else ""
        self.page.goto(f"{self.base_url}/voila/render/{notebook}{query}", timeout=timeout * 1000)
        self.wait_ready(ready, timeout)
        return self

    def wait_ready(self, ready: str = ".jupyter-widgets", timeout: float = 120) -> None:
        self.page.wait_for_selector(ready, state="visible", timeout=timeout * 1000)
        self.page.wait_for_selector("#loading", state="hidden", timeout=timeout * 1000)
        self.assert_no_error()

    # ------------------------------------------------------------------ acting

    def click(self, css: str, text: str | None = None) -> None:
        """Click the control with CSS class/selector ``css`` (and visible ``text``, if given)."""
        target = self.page.locator(css)
        if text is not None:
            target = target.filter(has_text=text)
        target.first.click()

    def press(self, css: str, button: str, nth: int = 0) -> None:
        """Click the button labelled exactly ``button`` inside the ``nth`` element matching ``css``
        (e.g. one of the toggle buttons of a rating)."""
        self.page.locator(css).nth(nth).get_by_role("button", name=button, exact=True).click()

    def click_text(self, text: str, within: str = "body") -> None:
        self.page.locator(within).get_by_text(text, exact=True).first.click()

    def fill(self, css: str, value: str) -> None:
        """Type into the input of a text, number or date widget and leave the field (so the value is sent)."""
        field = self.page.locator(f"{css} input").first
        field.fill(value)
        field.press("Tab")

    def set_slider(self, css: str, value: int) -> None:
        """Type a value into a slider's editable readout (as a user does) and confirm it."""
        readout = self.page.locator(f"{css} .widget-readout").first
        readout.click()
        readout.fill(str(value))
        readout.press("Enter")

    def plan_quarter(self, today: str = "2027-01-01", seconds: int = 8) -> None:
        """On the planning page: January-March 2027, made on ``today``, and press Planlæg."""
        self.fill(".tvaers-plan-start", "2027-01-01")
        self.fill(".tvaers-plan-end", "2027-03-31")
        self.fill(".tvaers-plan-today", today)
        self.set_slider(".tvaers-plan-seconds", seconds)
        self.click(".tvaers-plan-run")

    def choose(self, css: str, label_part: str) -> str:
        """Pick the first option of a dropdown whose label contains ``label_part``; returns the full label."""
        select = self.page.locator(f"{css} select").first
        labels = select.locator("option").all_inner_texts()  # ipywidgets shows spaces as no-break spaces
        label = next((l for l in labels if label_part in l.replace("\xa0", " ")), None)
        assert label is not None, f"no option with {label_part!r} in {css}: {labels[:10]}"
        select.select_option(label=label)
        return label.replace("\xa0", " ")

    def download(self, css: str, timeout: float = 30) -> Path:
        """Click a download link and return the saved file."""
        with self.page.expect_download(timeout=timeout * 1000) as info:
            self.page.locator(css).first.click()
        target = self.downloads / info.value.suggested_filename
        info.value.save_as(target)
        return target

    # ------------------------------------------------------------------ reading

    def wait_for_text(self, css: str, text: str, timeout: float = 60) -> str:
        """Wait until the element ``css`` shows ``text``; returns everything it shows."""
        target = self.page.locator(css).filter(has_text=text).first
        try:
            target.wait_for(state="visible", timeout=timeout * 1000)
        except Exception as error:  # say what the page showed instead, and keep a screenshot of it
            shown = self.page.locator(css).first.inner_text() if self.page.locator(css).count() else "(intet)"
            self.page.screenshot(path=str(self.downloads / "ventede_forgaeves.png"), full_page=True)
            raise AssertionError(f"'{text}' kom ikke frem i {css} inden for {timeout} s; siden viste:\n"
                                 f"{shown[-2000:]}\n(skærmbillede: {self.downloads / 'ventede_forgaeves.png'})") from error
        return target.inner_text()

    def text(self, css: str = "body") -> str:
        return self.page.locator(css).first.inner_text()

    def options(self, css: str) -> list[str]:
        return [o.replace("\xa0", " ") for o in self.page.locator(f"{css} select option").all_inner_texts()]

    def count(self, css: str) -> int:
        return self.page.locator(css).count()

    def number_in(self, css: str, pattern: str) -> int:
        found = re.search(pattern, self.text(css))
        assert found, f"{pattern!r} not in {self.text(css)!r}"
        return int(found.group(1))

    def assert_no_error(self) -> None:
        """No traceback and no Voilà cell error anywhere on the page, and nothing a Danish team leader should not
        have to read (see :data:`NOT_FOR_A_TEAM_LEADER`)."""
        content = self.page.content()
        assert "Traceback" not in content, "a traceback is shown to the user"
        assert VOILA_ERROR not in content, "Voilà shows a failed cell"
        shown = self.page.locator("body").inner_text()
        for what, pattern in NOT_FOR_A_TEAM_LEADER:
            found = pattern.search(shown)
            assert found is None, f"{what} on the page: ...{shown[max(0, found.start() - 80):found.end() + 80]}..."
        headings = " | ".join(self.page.locator("h1, h2, h3, h4").all_inner_texts())
        code = RULE_CODE.search(headings)
        assert code is None, f"a rule code in a heading: {headings[max(0, code.start() - 60):code.end() + 60]}"

    def screenshot(self, path: Path) -> Path:
        self.page.screenshot(path=str(path), full_page=True)
        return path
