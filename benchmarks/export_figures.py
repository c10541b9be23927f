"""Export timings for a written plan (default: out/demo from 'make demo'): calendars, Excel, årshjul, PDF.

    python benchmarks/export_figures.py [--data sample_data] [--plan out/demo]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from workbench.export.aarshjul import family_wheel, printable_html
from workbench.export.bundle import export_all
from workbench.export.pdf import find_chromium, html_to_pdf
from workbench.export.calendar_ics import build_calendars
from workbench.export.excel import write_workbook
from workbench.io.plan_folder import read_plan
from workbench.io.register import load_register
from workbench.io.store import Store


def timed(label: str, action):
    began = time.perf_counter()
    result = action()
    print(f"{label:<45} {time.perf_counter() - began:6.2f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default="sample_data")
    parser.add_argument("--plan", default="out/demo")
    args = parser.parse_args()
    register = load_register(args.data)
    plan = read_plan(args.plan)
    print(f"{len(plan.meetings)} meetings, {len(register.staff)} staff, {len(register.families)} families")
    calendars = timed("all calendars in memory", lambda: build_calendars(plan, register))
    size = sum(len(c) for c in calendars.files.values())
    print(f"{'':<45} {len(calendars.files)} files, {size / 1e6:.1f} MB")
    with tempfile.TemporaryDirectory() as folder:
        timed("Excel workbook", lambda: write_workbook(plan, register, Path(folder) / "p.xlsx"))
        family = plan.meetings[0].family_id
        timed("one årshjul page", lambda: printable_html(family_wheel(plan, register, family)))
        store = Store(Path(folder) / "store.sqlite3")
        timed("export_all (files + store history)", lambda: export_all(plan, register, Path(folder) / "ud", store))
        timed("re-export, nothing changed", lambda: export_all(plan, register, Path(folder) / "ud", store))
        if find_chromium():
            timed("one årshjul as PDF (headless Chromium)",
                  lambda: html_to_pdf(printable_html(family_wheel(plan, register, family)), Path(folder) / "a.pdf"))


if __name__ == "__main__":
    main()
