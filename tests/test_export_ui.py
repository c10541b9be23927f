"""The export panel and the start page, driven as objects the way a user clicks through them."""

from __future__ import annotations

import base64
import re
from datetime import date

import icalendar
import pytest

from tests.export_support import small_year
from workbench.export.pdf import find_chromium
from workbench.io.register import write_register
from workbench.ui.export import ExportPanel
from workbench.ui.start import StartPanel
from workbench.io.plan_folder import write_plan


@pytest.fixture()
def written(tmp_path):
    """The small municipality and its 2027 plan, written as a user would have them on disk."""
    register, plan = small_year()
    data = write_register(register, tmp_path / "data")
    write_plan(plan, tmp_path / "plan")
    return data, tmp_path / "plan", tmp_path / "ud"


def _link_payload(markup: str, css: str) -> bytes:
    found = re.search(rf'class="tvaers-download {css}" download="[^"]+" href="data:[^;]+;base64,([^"]+)"', markup)
    assert found, f"no {css} link"
    return base64.b64decode(found.group(1))


@pytest.mark.slow
def test_from_plan_folder_to_every_file(written, store):
    data, plan_dir, out = written
    panel = ExportPanel(background=False, data_path=data, store=store, plan_folder=plan_dir, out_folder=out)
    assert panel.source.value == "mappe" and panel.export_button.disabled
    panel.folder_button.click()
    assert panel.plan_messages.kind == "ok", panel.plan_messages.text
    assert f"{len(panel.plan.meetings)} møder" in panel.plan_messages.text
    assert not panel.export_button.disabled
    panel.export_button.click()
    assert panel.export_messages.kind == "ok", panel.export_messages.text
    assert "medarbejderkalendere" in panel.export_messages.text
    assert (out / "tvaers_plan.xlsx").is_file() and (out / "kalendere" / "familie_F0001.ics").is_file()
    assert len(list((out / "aarshjul").glob("*.html"))) == len({a.family_id for a in panel.plan.assignments})
    assert _link_payload(panel.export_links.value, "tvaers-dl-excel").startswith(b"PK")  # an xlsx is a zip


@pytest.mark.slow
def test_staff_and_family_views(written, store):
    data, plan_dir, out = written
    panel = ExportPanel(background=False, data_path=data, store=store, plan_folder=plan_dir, out_folder=out)
    panel.folder_button.click()
    staff_id = panel.staff_pick.options[1][1]
    panel.staff_pick.value = staff_id
    ics = _link_payload(panel.staff_links.value, "tvaers-dl-staff-ics")
    events = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    assert len(events) == sum(staff_id in m.attendees for m in panel.plan.meetings)
    name = panel.loader.register.staff_by_id[staff_id].name
    assert name in panel.workload_figure.layout.title.text
    panel.team_button.click()
    assert panel.workload_figure.layout.title.text == "Mødetimer pr. medarbejder og uge"
    panel.family_pick.value = "F0001"
    page = _link_payload(panel.family_links.value, "tvaers-dl-wheel-html").decode("utf-8")
    assert "Vores årshjul 2027" in page and "F0001" in page
    assert panel.wheel_figure is not None and "F0001" in panel.wheel_figure.layout.title.text
    family_ics = icalendar.Calendar.from_ical(_link_payload(panel.family_links.value, "tvaers-dl-family-ics"))
    assert {str(e["X-TVAERS-FAMILY"]) for e in family_ics.walk("VEVENT")} == {"F0001"}


@pytest.mark.slow
@pytest.mark.skipif(find_chromium() is None, reason="needs Chromium (installed by .ci/run)")
def test_pdf_of_the_family_wheel(written, store):
    data, plan_dir, out = written
    panel = ExportPanel(background=False, data_path=data, store=store, plan_folder=plan_dir, out_folder=out)
    panel.folder_button.click()
    panel.family_pick.value = "F0002"
    panel.pdf_button.click()
    assert panel.family_messages.kind == "ok", panel.family_messages.text
    assert _link_payload(panel.family_links.value, "tvaers-dl-wheel-pdf").startswith(b"%PDF")
    assert (out / "aarshjul" / "aarshjul_F0002.pdf").is_file()


@pytest.mark.slow
def test_quick_new_plan_is_saved_and_can_be_fetched_again(small_data_dir, store, tmp_path):
    panel = ExportPanel(background=False, data_path=small_data_dir, store=store, plan_folder=tmp_path / "none", out_folder=tmp_path)
    assert panel.source.value == "ny"
    panel.start.value, panel.end.value, panel.time_limit.value = date(2027, 1, 1), date(2027, 2, 28), 5
    panel.plan_button.click()
    assert panel.plan_messages.kind == "ok", panel.plan_messages.text
    assert panel.progress.value == 1.0 and panel.plan is not None
    assert len(store.plans()) == 1 and len(panel.saved.options) == 1
    meetings = len(panel.plan.meetings)
    again = ExportPanel(background=False, data_path=small_data_dir, store=store, out_folder=tmp_path)
    assert again.source.value == "gemt"
    again.saved_button.click()
    assert again.plan is not None and len(again.plan.meetings) == meetings, again.plan_messages.text


@pytest.mark.slow
def test_problems_are_explained_in_danish_without_traceback(written, store, tmp_path):
    data, _, out = written
    panel = ExportPanel(background=False, data_path=data, store=store, plan_folder=tmp_path / "findes-ikke", out_folder=out)
    panel.source.value = "mappe"
    panel.folder_button.click()
    assert panel.plan_messages.kind == "error" and "findes ikke" in panel.plan_messages.text
    assert "Traceback" not in panel.plan_messages.widget.value
    panel.start.value, panel.end.value = date(2027, 3, 1), date(2027, 1, 1)
    panel.plan_button.click()
    assert panel.plan_messages.kind == "warn" and "slutdatoen" in panel.plan_messages.text
    panel.saved_button.click()
    assert "ingen gemte planer" in panel.plan_messages.text


@pytest.mark.slow
def test_plan_that_does_not_fit_the_data_is_flagged(written, store):
    data, plan_dir, out = written
    meetings = plan_dir / "meetings.csv"
    meetings.write_text(meetings.read_text("utf-8").replace("F0001", "F0999"), "utf-8")
    panel = ExportPanel(background=False, data_path=data, store=store, plan_folder=plan_dir, out_folder=out)
    panel.folder_button.click()
    assert panel.plan_messages.kind == "warn" and "passer planen til data?" in panel.plan_messages.text
    assert "F0999" in panel.plan_messages.text


def test_start_page_links_only_to_installed_steps(tmp_path, small_data_dir, store):
    (tmp_path / "04_eksport.ipynb").write_text("{}", "utf-8")
    panel = StartPanel(folder=tmp_path, data_path=small_data_dir, store=store)
    assert 'href="04_eksport.ipynb"' in panel.steps.value
    assert 'href="01_screening.ipynb"' not in panel.steps.value and "kommer snart" in panel.steps.value
    assert panel.messages.kind == "ok" and "20 medarbejdere og 30 familier" in panel.messages.text


def test_start_page_says_when_data_cannot_be_used(tmp_path, store):
    panel = StartPanel(folder=tmp_path, data_path=tmp_path / "ingen-data", store=store)
    assert panel.messages.kind == "warn" and "kan ikke bruges endnu" in panel.messages.text


@pytest.mark.slow
def test_the_export_page_loads_the_data_when_it_opens(written, store):
    data, plan_dir, out = written
    panel = ExportPanel(background=False, data_path=data, store=store, plan_folder=plan_dir, out_folder=out)
    assert panel.register is not None and "Indlæst" in panel.loader.messages.text


def _files(folder):
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.slow
def test_stop_after_the_first_file_writes_nothing(written, store):
    data, plan_dir, out = written
    panel = ExportPanel(background=False, data_path=data, store=store, plan_folder=plan_dir, out_folder=out)
    panel.folder_button.click()

    def stop_once_files_are_written(change):  # the user presses Stop as soon as the progress bar moves
        if 0 < change["new"] < 1:
            panel.export_stop_button.click()

    panel.export_progress.observe(stop_once_files_are_written, names="value")
    panel.export_button.click()
    assert panel.export_messages.kind == "warn", panel.export_messages.text
    assert panel.export_messages.text == (f"Stoppet: eksporten blev afbrudt, før alle filer var skrevet. Intet er "
                                          f"gemt i {out}; mappen er som før.")
    assert panel.export_status.value == "Stoppet" and "Traceback" not in panel.export_messages.widget.value
    assert not out.exists() and sorted(p.name for p in out.parent.iterdir()) == ["data", "plan", "store.sqlite3"]  # no .ud.ny
    assert panel.report is None and panel.export_links.value == ""
    assert not panel.export_button.disabled and panel.export_stop_button.disabled

    panel.export_progress.unobserve(stop_once_files_are_written, names="value")
    panel.export_button.click()
    assert panel.export_messages.kind == "ok" and panel.export_status.value == "Færdig"
    before = _files(out)

    panel.background = True  # a stopped re-export, as on the page: the previous export stays as it was
    panel.export_progress.observe(stop_once_files_are_written, names="value")
    panel.export_button.click()
    assert panel.wait(120)
    assert panel.export_messages.text.startswith("Stoppet:") and panel.export_status.value == "Stoppet"
    assert _files(out) == before and sorted(p.name for p in out.parent.iterdir()) == ["data", "plan", "store.sqlite3", "ud"]


@pytest.mark.slow
def test_export_links_offer_the_files_just_written(written, store):
    from tests.export_support import small_year
    from workbench.export.bundle import export_all
    from workbench.ui.export import export_links_html, export_summary

    register, plan = small_year()
    report = export_all(plan, register, written[2])
    markup = export_links_html(report)
    assert [m for m in re.findall(r'download="([^"]+)"', markup)] == ["tvaers_kalendere.zip", "tvaers_plan.xlsx",
                                                                       "tvaers_csv.zip"]
    assert "⬇ Alle kalendere (ZIP)" in markup and "⬇ Excel-fil" in markup and "⬇ CSV-filer (ZIP)" in markup
    text, kind = export_summary(report)
    assert kind == "ok" and text.startswith(f"Skrev {len(report.calendars.staff_files)} medarbejderkalendere")
