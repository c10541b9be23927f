"""Everything a team leader takes away from a plan, written in one go (used by the CLI and the panel).

Layout of the output folder::

    kalendere/medarbejder_S001_Navn.ics, kalendere/familie_F0001.ics   (Outlook)
    tvaers_plan.xlsx                                                   (Excel overview)
    csv/moeder.csv, csv/koordinatorer.csv, ...                         (the same tables as CSV)
    aarshjul/aarshjul_F0001.html (+ .pdf when asked for)               (printable årshjul per family)
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Iterable

from workbench.export.aarshjul import family_wheel, printable_html
from workbench.export.pdf import PdfUnavailable, html_to_pdf
from workbench.danish import count
from workbench.files import replacing_folder
from workbench.export.calendar_ics import CalendarSet, build_export_calendars, remember_export
from workbench.export.excel import write_csvs, write_workbook
from workbench.model import Plan, Register
from workbench.scheduling.stopping import ProgressCallback, StopToken, no_progress

WORKBOOK_NAME = "tvaers_plan.xlsx"


@dataclass
class ExportReport:
    folder: Path
    calendars: CalendarSet
    workbook: Path
    csvs: list[Path]
    wheels: list[Path]
    pdfs: list[Path] = field(default_factory=list)
    pdf_problem: str = ""
    """Why the årshjul could not also be saved as PDF (no Chromium); the HTML pages are there all the same."""

    def text(self) -> str:
        """A Danish one-paragraph summary for the user."""
        c = self.calendars
        parts = [f"Skrev {len(c.staff_files)} medarbejderkalendere og {len(c.family_files)} familiekalendere, "
                 f"Excel-filen {self.workbook.name}, {len(self.csvs)} CSV-filer og {len(self.wheels)} årshjul "
                 f"til {self.folder}."]
        without = len(self.wheels) - len(c.family_files)
        if without > 0:  # a family with a coordinator but no meeting in the period has nothing to put in a calendar
            parts.append(f"{count(without, 'familie', 'familier')} har ingen møder i perioden og får kun et årshjul.")
        if c.changed or c.cancelled:
            parts.append(f"Siden sidste eksport er {c.changed} møder ændret (heraf {c.cancelled} aflyst); Outlook "
                         f"opdaterer dem, når filerne importeres igen.")
        if self.pdfs:
            parts.append(f"{len(self.pdfs)} årshjul er også gemt som PDF.")
        if self.pdf_problem:
            parts.append(f"Årshjulet blev ikke gemt som PDF: {self.pdf_problem}")
        return " ".join(parts)


def wheel_file_name(family_id: str) -> str:
    return f"aarshjul_{family_id}.html"


EXPORT_ENTRIES = ("kalendere", WORKBOOK_NAME, "csv", "aarshjul")
"""What an export writes into its folder; anything else there is the user's and kept."""


def export_all(plan: Plan, register: Register, folder: str | Path, store=None, series: str | None = None,
               pdf_families: Iterable[str] = (), now: datetime | None = None,
               printed_on: date | None = None, progress: ProgressCallback = no_progress,
               stop: StopToken | None = None) -> ExportReport:
    """Write every file in one step (:func:`workbench.files.replacing_folder`): an error half-way leaves the
    previous export as it was, and the calendar history in the store is only updated once the files are there.

    ``progress`` hears after each part (the calendars, the Excel file, the CSV files, each årshjul); ``stop``
    is checked between them: a stopped export raises :class:`~workbench.scheduling.stopping.Stopped` and, like an
    error, leaves the folder as it was."""
    folder = Path(folder).absolute()
    check = stop.check if stop is not None else (lambda: None)
    calendars, history = build_export_calendars(plan, register, folder / "kalendere", store, series, now)
    families = [f for f in sorted({a.family_id for a in plan.assignments} | {m.family_id for m in plan.meetings})
                if f in register.family_by_id]
    parts = 3 + len(families)
    with replacing_folder(folder, EXPORT_ENTRIES) as staging:
        check()
        calendars.write(staging / "kalendere")
        progress(1 / parts, "Kalenderne er skrevet")
        check()
        write_workbook(plan, register, staging / WORKBOOK_NAME)
        progress(2 / parts, "Excel-filen er skrevet")
        check()
        csvs = write_csvs(plan, register, staging / "csv")
        progress(3 / parts, "CSV-filerne er skrevet")
        wheels_dir = staging / "aarshjul"
        wheels_dir.mkdir()
        wheels, pdfs, pdf_problem = [], [], ""
        pdf_set = set(pdf_families)
        for number, family_id in enumerate(families, start=1):
            check()
            page = printable_html(family_wheel(plan, register, family_id, store), printed_on)
            path = wheels_dir / wheel_file_name(family_id)
            path.write_text(page, "utf-8")
            wheels.append(path)
            if family_id in pdf_set and not pdf_problem:
                try:
                    pdfs.append(html_to_pdf(page, path.with_suffix(".pdf")))
                except PdfUnavailable as error:  # everything else is written; the page prints from a browser
                    pdf_problem = str(error)
            progress((3 + number) / parts, f"Årshjul {number} af {len(families)} er skrevet")
        check()  # the last moment a stop leaves the folder as it was
    if store is not None:
        remember_export(store, history, calendars)

    def final(path: Path) -> Path:
        return folder / path.relative_to(staging)

    return ExportReport(folder, calendars, folder / WORKBOOK_NAME, [final(p) for p in csvs],
                        [final(p) for p in wheels], [final(p) for p in pdfs], pdf_problem)


def zip_bytes(files: dict[str, bytes]) -> bytes:
    """Several files as one ZIP (for one download in the browser)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in sorted(files.items()):
            archive.writestr(name, content)
    return buffer.getvalue()
