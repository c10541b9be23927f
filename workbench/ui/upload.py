"""The team leader's own data into the workbench from the browser: download the Excel template, upload the filled-in
workbook (or a set of CSV files), and every page uses it from then on.

Uploaded files are checked in a temporary folder first; they are kept (beside the local store, in
``kommunens_data/``) only when the register loads without errors - a file with a CPR number or a mistake is
never stored, and the message names file, row and column.
"""

from __future__ import annotations

import base64
import html
import os
import tempfile
from pathlib import Path
from typing import Callable, Iterable

import ipywidgets as w

from workbench.errors import Problem, Refusal
from workbench.files import replacing_folder, write_atomic
from workbench.io.calendar_absences import CALENDAR_FOLDER, days_only_calendar, owner_of, read_calendar
from workbench.io.register import read_register
from workbench.io.store import DEFAULT_PATH
from workbench.io.template import TEMPLATE_NAME, template_bytes
from workbench.model import Register

UPLOAD_FOLDER = "kommunens_data"
ACCEPTED = (".xlsx", ".xlsm", ".csv", ".ics")
"""A workbook or CSV files, and the staff's exported Outlook calendars (.ics, kept in ``kalendere/``)."""
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def uploaded_folder() -> Path:
    """Where uploaded data is kept: beside the local store (``TVAERS_DB``), never in the project folder."""
    return Path(os.environ.get("TVAERS_DB") or DEFAULT_PATH).parent / UPLOAD_FOLDER


def uploaded_data() -> Path | None:
    """The data last uploaded in the browser (a workbook or a folder of CSV files), if any."""
    folder = uploaded_folder()
    if not folder.is_dir():
        return None
    books = sorted(p for p in folder.iterdir() if p.suffix.lower() in (".xlsx", ".xlsm"))
    if books:
        return books[0]
    return folder if any(folder.glob("*.csv")) else None


def forget_upload() -> None:
    """Remove the uploaded data (the pages then use ``TVAERS_DATA`` or the sample municipality again)."""
    import shutil

    folder = uploaded_folder()
    if folder.is_dir():
        shutil.rmtree(folder)


def _safe_name(name: str) -> str:
    """Only the file's own name (a browser may send a path), and only the kinds the register reads."""
    base = Path(str(name).replace("\\", "/")).name.strip()
    if not base or base.startswith(".") or Path(base).suffix.lower() not in ACCEPTED:
        raise Refusal(f"'{base or name}' kan ikke bruges: vælg én Excel-fil (.xlsx) eller CSV-filer (.csv) – og "
                      f"gerne medarbejdernes Outlook-kalendere (.ics).")
    return base


def accept_upload(files: Iterable[tuple[str, bytes]]) -> tuple[Path | None, Register | None, list[Problem]]:
    """Check uploaded files and keep them if the register loads: (where they are kept, the register, problems).

    One workbook, or CSV files (one per table); a workbook and CSV files together are refused."""
    named = [(_safe_name(name), content) for name, content in files]
    calendars = {n: c for n, c in named if n.lower().endswith(".ics")}
    tables = [(n, c) for n, c in named if not n.lower().endswith(".ics")]
    if not tables:
        raise Refusal("Vælg først kommunens data: én Excel-fil eller CSV-filerne (kalendere kan komme med).")
    books = [n for n, _ in tables if Path(n).suffix.lower() in (".xlsx", ".xlsm")]
    if books and len(tables) > 1:
        raise Refusal("Vælg enten én Excel-fil eller et sæt CSV-filer, ikke begge dele.")
    with tempfile.TemporaryDirectory(prefix="tvaers-upload-") as staging:
        _write_upload(Path(staging), tables, calendars)
        register, problems = read_register(Path(staging) / books[0] if books else Path(staging))
        if register is None:
            return None, None, problems
    with replacing_folder(uploaded_folder(), _previous_upload() | {CALENDAR_FOLDER}) as kept:
        _write_upload(kept, tables, _days_only(calendars, register))
    folder = uploaded_folder()
    return (folder / books[0] if books else folder), register, problems


def _days_only(calendars: dict[str, bytes], register: Register) -> dict[str, bytes]:
    """What is kept of the uploaded calendars: per known staff member only the days away (never titles)."""
    kept = {}
    for name, content in calendars.items():
        owner = owner_of(Path(name), content, register.staff)
        if owner is not None:
            try:
                kept[f"{owner}.ics"] = days_only_calendar(owner, read_calendar(content, owner).days)
            except (ValueError, KeyError, AttributeError, TypeError):
                continue  # unreadable: read_register has said so
    return kept


def _write_upload(folder: Path, tables: list[tuple[str, bytes]], calendars: dict[str, bytes]) -> None:
    for name, content in tables:
        write_atomic(folder / name, content)
    if calendars:
        (folder / CALENDAR_FOLDER).mkdir(exist_ok=True)
        for name, content in calendars.items():
            write_atomic(folder / CALENDAR_FOLDER / name, content)


def _previous_upload() -> set[str]:
    """The files of the last upload: replaced as a whole by the new one."""
    folder = uploaded_folder()
    return {p.name for p in folder.iterdir() if p.suffix.lower() in ACCEPTED} if folder.is_dir() else set()


def template_link_html() -> str:
    """A download link to the Excel template (the file itself in the link: no server route is needed)."""
    data = base64.b64encode(template_bytes()).decode("ascii")
    return (f'<a class="tvaers-template-link" download="{html.escape(TEMPLATE_NAME)}" '
            f'href="data:{XLSX_TYPE};base64,{data}" style="color:#0d47a1;font-family:sans-serif">'
            f'Hent Excel-skabelonen ({html.escape(TEMPLATE_NAME)})</a>')


class DataUpload:
    """A file picker for the team leader's own workbook or CSV files; ``on_accepted(path, register, problems)`` is
    called when the data loads, ``on_refused(problems)`` when it does not.  Picked files go to ``on_picked``: the
    page's own guarded method, which calls :meth:`receive` (a refused file name is a message, never a
    traceback)."""

    def __init__(self, on_accepted: Callable[[Path, Register, list[Problem]], None],
                 on_refused: Callable[[list[Problem]], None],
                 on_picked: Callable[[list[tuple[str, bytes]]], object]) -> None:
        self.on_accepted, self.on_refused = on_accepted, on_refused
        self.picker = w.FileUpload(accept=",".join(ACCEPTED), multiple=True, description="Upload data",
                                   layout=w.Layout(width="auto"),
                                   icon="upload", button_style="")
        self.picker.add_class("tvaers-data-upload")
        self.picker.observe(lambda change: on_picked([(f["name"], bytes(f["content"])) for f in change["new"]])
                            if change["new"] else None, names="value")
        self.widget = self.picker

    def receive(self, files: list[tuple[str, bytes]]) -> Path | None:
        """Check and keep uploaded files (what the picker calls; tests call it directly)."""
        path, register, problems = accept_upload(files)
        if register is None:
            self.on_refused(problems)
            return None
        self.on_accepted(path, register, problems)
        return path
