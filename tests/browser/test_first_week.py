"""A team leader's first week (issue 13): from an empty store and no data, through every page, in one browser tab.

Download the Excel template from the start page, fill it in as a small municipality would (Danish headers, dates
typed as dd-mm-åååå or entered as Danish Excel dates), upload it, plan a quarter and save it, screen a family,
compare scenarios, make all files and take the Excel home, write a family's goal and print the plan.  After every
page: nothing a Danish team leader should not read (helpers.NOT_FOR_A_TEAM_LEADER: English words, Errno,
Traceback, status codes in capitals, a decimal point in a number; a rule code in a heading).  At the end no more
kernels run than pages are open.  Each step's wall time is printed (``pytest -s``) and kept in ``timings.txt``.

Its own `workbench app` (a private store, upload folder and an empty data folder), so other browser tests'
plans and uploads cannot make the store non-empty.
"""

from __future__ import annotations

import os
import re
import time
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from tests.browser.conftest import TOKEN, serving
from tests.browser.helpers import WorkbenchPage

SHOTS = Path(os.environ.get("TVAERS_SHOTS", "/tmp/fw"))
"""Where the screenshot of every page is kept (to look at after a run)."""

STAFF = [  # Medarbejder-id, Navn, Rolle, Afdeling, Kan koordinere, Sagsloft, Møder pr. dag, Arbejdsdage, Distrikt
    ("S001", "Hanne Prøvesen", "koordinator", "Familieafdelingen", "ja", "40", "3", "man;tir;ons;tor;fre", "Nord"),
    ("S002", "Peter Øvelsesen", "koordinator", "Familieafdelingen", "ja", "40", "3", "man;tir;ons;tor;fre", "Syd"),
    ("S003", "Mette Eksempel", "familieraadgiver", "Familieafdelingen", "ja", "32,5", "2", "man;tir;ons;tor", "Nord"),
    ("S004", "Jonas Testrup", "familieraadgiver", "Familieafdelingen", "ja", "40", "2", "man;tir;ons;tor;fre", "Syd"),
    ("S005", "Aisha Fiktiv", "familiebehandler", "Familiehuset", "ja", "40", "3", "man;tir;ons;tor;fre", "Nord"),
    ("S006", "Lars Dummy", "jobkonsulent", "Jobcentret", "nej", "40", "3", "man;tir;ons;tor;fre", "Syd"),
    ("S007", "Karen Opdigt", "sundhedsplejerske", "Sundhedsplejen", "nej", "24", "2", "man;ons;fre", "Nord"),
    ("S008", "Ole Skabelon", "skolesocialraadgiver", "Skoleafdelingen", "nej", "40", "2", "man;tir;ons;tor;fre",
     "Syd"),
]
FAMILIES = [  # Familie-id, Distrikt, Sagsgrundlag, Seneste opfølgning (typed), Primær koordinator, Sagspoint, team
    ("F0001", "Nord", "SVE", "02-12-2026", "S001", "2", ("S005", "S007")),
    ("F0002", "Syd", "HEF", "15-11-2026", "", "3", ("S004", "S006")),
    ("F0003", "Nord", "BL86", "20-12-2026", "", "2", ("S003", "S005", "S007")),
    ("F0004", "Syd", "SVE;HEF", "07-12-2026", "S002", "1,5", ("S006", "S008")),
    ("F0005", "Nord", "SVE", "", "", "1", ("S005",)),
    ("F0006", "Syd", "BL86", "30-11-2026", "", "2", ("S004", "S008")),
    ("F0007", "Nord", "HEF", "11-12-2026", "S003", "2", ("S005", "S007")),
    ("F0008", "Syd", "SVE", "04-01-2027", "", "1", ("S006",)),
    ("F0009", "Nord", "BL86;SVE", "18-12-2026", "", "3", ("S003", "S005")),
    ("F0010", "Syd", "HEF", "26-11-2026", "S004", "2", ("S008",)),
    ("F0011", "Nord", "SVE", "09-12-2026", "", "1", ("S007",)),
    ("F0012", "Syd", "BL86", "14-12-2026", "", "2", ("S006", "S008")),
]


def _columns(sheet) -> dict[str, int]:
    """The template's own Danish headers (row 1) and their column numbers."""
    return {cell.value: cell.column for cell in sheet[1] if cell.value}


def _put(sheet, rows: list[dict]) -> None:
    columns = _columns(sheet)
    for number, row in enumerate(rows, start=2):
        for header, value in row.items():
            assert header in columns, f"the template's sheet {sheet.title} has no column {header!r}: {list(columns)}"
            sheet.cell(row=number, column=columns[header]).value = value


def fill_in(template: Path, target: Path) -> None:
    """The downloaded template, filled in as a team leader would: 8 staff, 12 families with their persons and
    teams, a holiday; dates typed as 21-12-2026 or entered as Excel dates, decimals with a comma."""
    book = openpyxl.load_workbook(template)
    _put(book["Medarbejdere"], [
        {"Medarbejder-id": s[0], "Navn": s[1], "Rolle": s[2], "Afdeling": s[3], "Kan koordinere": s[4],
         "Sagsloft (point)": s[5], "Møder pr. dag (højst)": s[6], "Arbejdsdage": s[7], "Distrikt": s[8]}
        for s in STAFF])
    _put(book["Fravær"], [{"Medarbejder-id": "S005", "Fra dato": "15-02-2027", "Til dato": "26-02-2027",
                           "Årsag (kun internt)": "Vinterferie"},
                          {"Medarbejder-id": "S002", "Fra dato": datetime(2027, 3, 1), "Til dato": datetime(2027, 3, 5),
                           "Årsag (kun internt)": "Kursus"}])
    _put(book["Familier"], [
        {"Familie-id": f[0], "Distrikt": f[1], "Sagsgrundlag": f[2], "Seneste opfølgning": f[3],
         "Primær koordinator": f[4], "Sagspoint": f[5], "Behov for sekundær koordinator": "nej",
         "Sagens start": datetime(2026, 1 + n % 12, 3)} for n, f in enumerate(FAMILIES)])
    _put(book["Team"], [{"Familie-id": f[0], "Medarbejder-id": member} for f in FAMILIES for member in f[6]])
    persons = []
    for n, f in enumerate(FAMILIES):
        persons.append({"Person-id": f"{f[0]}-V1", "Familie-id": f[0], "Barn eller voksen": "voksen",
                        "Fødselsår": 1985 + n, "Betegnelse": "Mor"})
        persons.append({"Person-id": f"{f[0]}-B1", "Familie-id": f[0], "Barn eller voksen": "barn",
                        "Fødselsår": 2012 + n, "Betegnelse": "Barn 1"})
    _put(book["Personer"], persons)
    book.save(target)


def _kernels(server_pid: int) -> int:
    """Python kernels started by this test's own `workbench app` (not other people's on this machine)."""
    parents, kernels = {}, []
    for process in Path("/proc").iterdir():
        if not process.name.isdigit():
            continue
        try:
            stat = (process / "stat").read_text()
            parents[int(process.name)] = int(stat.rsplit(")", 1)[1].split()[1])
            if b"ipykernel_launcher" in (process / "cmdline").read_bytes():
                kernels.append(int(process.name))
        except (OSError, ValueError, IndexError):
            continue

    def ours(pid: int) -> bool:
        while pid > 1:
            if pid == server_pid:
                return True
            pid = parents.get(pid, 0)
        return False

    return sum(ours(pid) for pid in kernels)


@pytest.fixture(scope="module")
def first_week_server(tmp_path_factory):
    home = tmp_path_factory.mktemp("first-week")
    (home / "ingen_data").mkdir()  # a new municipality: no data yet, nothing in the store
    with serving(home, TVAERS_DATA=str(home / "ingen_data")) as (base, server):
        yield base, server


def whole_page_shot(page: WorkbenchPage, path: Path) -> None:
    """A screenshot of the whole page: Voilà scrolls inside the page, so the window is made as tall as it."""
    height = page.page.evaluate("() => Math.max(...[...document.querySelectorAll('body, body *')]"
                                ".map(e => e.scrollHeight))")
    size = page.page.viewport_size
    page.page.set_viewport_size({"width": size["width"], "height": min(int(height) + 40, 15000)})
    page.page.wait_for_timeout(300)
    page.page.screenshot(path=str(path), full_page=True)
    page.page.set_viewport_size(size)


class Steps:
    """Times each step and checks every page a team leader sees after it."""

    def __init__(self, page: WorkbenchPage) -> None:
        self.page, self.times, self.started = page, [], time.monotonic()
        SHOTS.mkdir(parents=True, exist_ok=True)

    def __call__(self, name: str):
        steps = self

        class Step:
            def __enter__(self):
                self.t0 = time.monotonic()

            def __exit__(self, kind, value, traceback):
                if kind is None:
                    steps.page.assert_no_error()
                    slug = re.sub(r"\W+", "_", name.split(":")[0].lower()).strip("_")
                    whole_page_shot(steps.page, SHOTS / f"{len(steps.times) + 1:02d}_{slug}.png")
                steps.times.append((name, time.monotonic() - self.t0))
                return False

        return Step()

    def report(self) -> str:
        lines = [f"{name:<45} {seconds:6.1f} s" for name, seconds in self.times]
        lines.append(f"{'I alt':<45} {time.monotonic() - self.started:6.1f} s")
        return "\n".join(lines)


def test_a_team_leaders_first_week(chromium, first_week_server, tmp_path):
    base, server = first_week_server
    context = chromium.new_context(locale="da-DK", timezone_id="Europe/Copenhagen", accept_downloads=True,
                                   viewport={"width": 1280, "height": 1000})
    page = WorkbenchPage(context.new_page(), base, tmp_path, TOKEN)
    step = Steps(page)
    try:
        _the_week(page, step, tmp_path)
        t0 = time.monotonic()  # one page open: at most its kernel; no page open: none
        page.page.wait_for_timeout(3000)
        assert _kernels(server.pid) <= 1, f"{_kernels(server.pid)} kernels run for one open page"
        page.page.goto("about:blank")
        deadline = time.monotonic() + 20
        while _kernels(server.pid) > 0 and time.monotonic() < deadline:
            time.sleep(0.5)
        assert _kernels(server.pid) == 0, f"{_kernels(server.pid)} kernels run with no page open"
        step.times.append(("Ingen kerner bliver hængende", time.monotonic() - t0))
    finally:
        print("\nEn teamleders første uge – tid pr. trin:\n" + step.report())
        (SHOTS / "timings.txt").write_text(step.report() + "\n", encoding="utf-8")
        context.close()


def _the_week(page: WorkbenchPage, step: Steps, tmp_path: Path) -> None:
    with step("Startside uden data"):
        page.open("00_start.ipynb", ".tvaers-start-panel")
        page.wait_for_text(".tvaers-start-status", "Ingen gemte planer", timeout=60)
    with step("Hent skabelonen"):
        template = page.download(".tvaers-template-link")
        assert template.name == "Tværs_skabelon.xlsx"
    with step("Udfyld skabelonen (openpyxl)"):
        filled = tmp_path / "Vores kommune.xlsx"
        fill_in(template, filled)
    with step("Upload den udfyldte fil"):
        with page.page.expect_file_chooser(timeout=30_000) as chooser:
            page.click(".tvaers-data-upload")
        chooser.value.set_files(str(filled))
        status = page.wait_for_text(".tvaers-start-status", "jeres uploadede fil Vores kommune.xlsx", timeout=120)
        assert "8 medarbejdere og 12 familier" in status

    panel = ".tvaers-planning-panel"
    with step("Planlægning: et kvartal, gem"):
        page.open("02_planlaegning.ipynb", panel)
        page.wait_for_text(panel, "Indlæst: 8 medarbejdere og 12 familier", timeout=60)
        page.plan_quarter(today="2027-01-04", seconds=10)
        page.wait_for_text(panel, "Planen er færdig", timeout=120)
        page.fill(".tvaers-plan-label", "Første kvartal")
        page.click(".tvaers-plan-save")
        page.wait_for_text(panel, "Planen er gemt", timeout=30)

    panel = ".tvaers-screening-panel"
    with step("Screening af en familie, gem"):
        page.open("01_screening.ipynb", panel)
        page.wait_for_text(panel, "Indlæst: 8 medarbejdere og 12 familier", timeout=60)
        page.choose(".tvaers-family-picker", "F0003")
        page.page.wait_for_selector(".tvaers-person-F0003-V1 .tvaers-score", timeout=60_000)  # its own form
        page.press(".tvaers-person-F0003-V1 .tvaers-score", "3")
        page.press(".tvaers-person-F0003-B1 .tvaers-score", "2", nth=1)
        page.click(".tvaers-propose")
        page.wait_for_text(".tvaers-result", "Foreslået team", timeout=90)
        page.click(".tvaers-save")
        page.wait_for_text(panel, "Gemt:", timeout=60)

    panel = ".tvaers-whatif-panel"
    with step("Hvad nu hvis: sammenlign scenarier"):
        page.open("03_hvad_hvis.ipynb", panel)
        page.wait_for_text(panel, "Indlæst: 8 medarbejdere og 12 familier", timeout=60)
        page.fill(".tvaers-whatif-seconds", "10")
        page.click_text("Sammenlign scenarier", within=".tvaers-whatif-tabs")
        page.fill(".tvaers-whatif-scenario-name", "Fem flere familier")
        page.fill(".tvaers-whatif-count", "5")
        page.click(".tvaers-whatif-add-edit")
        page.wait_for_text(".tvaers-whatif-draft", "Ændringer i scenariet")
        page.click(".tvaers-whatif-save")
        page.wait_for_text(".tvaers-whatif-messages", "er gemt")
        page.click(".tvaers-whatif-run")
        page.wait_for_text(".tvaers-whatif-messages", "2 scenarier kørt", timeout=150)
        assert "Fem flere familier" in page.text(".tvaers-whatif-results")
        page.page.wait_for_selector(".tvaers-whatif-charts .js-plotly-plot", timeout=60_000)

    panel = ".tvaers-export-panel"
    with step("Eksport: alle filer, hent Excel"):
        page.open("04_eksport.ipynb", panel)
        page.wait_for_text(panel, "Indlæst: 8 medarbejdere og 12 familier", timeout=60)
        assert any("Første kvartal" in option for option in page.options(".tvaers-saved-plans"))
        page.click(".tvaers-load-saved")
        page.wait_for_text(".tvaers-plan-messages", "Den gemte plan er hentet", timeout=60)
        page.click(".tvaers-export-all")
        page.wait_for_text(".tvaers-export-messages", "medarbejderkalendere", timeout=120)
        workbook = openpyxl.load_workbook(page.download(".tvaers-dl-excel"))
        assert "Møder" in workbook.sheetnames and workbook["Møder"].max_row > 1

    panel = ".tvaers-family-plan-panel"
    with step("Familiens plan: et mål, udskriv"):
        page.open("05_familieplan.ipynb", panel)
        page.wait_for_text(panel, "Indlæst: 8 medarbejdere og 12 familier", timeout=60)
        page.choose(".tvaers-fp-family", "F0003")
        goal = page.page.locator(".tvaers-fp-goal-text textarea")
        goal.fill("Vi vil have faste rammer om sengetid")
        goal.press("Tab")
        page.click(".tvaers-fp-add-goal")
        page.wait_for_text(".tvaers-fp-goals", "Vi vil have faste rammer om sengetid")
        page.click(".tvaers-fp-print")
        page.wait_for_text(panel, "Planen er klar")
        printed = page.download(".tvaers-dl-family-plan").read_text("utf-8")
        assert "Vi vil have faste rammer om sengetid" in printed
