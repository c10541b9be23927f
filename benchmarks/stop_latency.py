"""How fast Stop answers on the pages: the planning page (a year for the sample municipality) and the what-if page
(two scenarios), driven as objects with their background jobs. Prints seconds from pressing Stop until the page's
job has ended, for Stop pressed after a few different waits.  Target (issue 13): within 2 s.

    .venv/bin/python benchmarks/stop_latency.py [--waits 1,3,6,10]
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workbench.io.store import Store  # noqa: E402
from workbench.ui.planning import PlanningPanel  # noqa: E402
from workbench.ui.whatif import WhatIfPanel  # noqa: E402


def _stop_after(job, start, wait: float) -> tuple[float, str]:
    start()
    time.sleep(wait)
    pressed = time.perf_counter()
    job.stop()
    while job.running:
        time.sleep(0.01)
    return time.perf_counter() - pressed, job.outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--waits", default="1,3,6,10")
    args = parser.parse_args()
    waits = [float(w) for w in args.waits.split(",")]
    print(f"# machine: {platform.machine()}, {os.cpu_count()} cores, python {platform.python_version()}")
    with tempfile.TemporaryDirectory() as home:
        store = Store(Path(home) / "store.sqlite3")
        planning = PlanningPanel(store=store, data_path=ROOT / "sample_data", today=date(2027, 1, 1))
        planning.start.value, planning.end.value, planning.seconds.value = date(2027, 1, 1), date(2027, 12, 31), 120
        for wait in waits:
            seconds, outcome = _stop_after(planning.job, lambda: planning.plan(background=True), wait)
            print(f"planning page  Stop after {wait:4.1f} s: ended {seconds:5.2f} s later ({outcome})")
        for n, wait in enumerate(waits):  # a fresh store each time: an answer from the cache would not need a Stop
            whatif = WhatIfPanel(store=Store(Path(home) / f"whatif{n}.sqlite3"), path=ROOT / "sample_data")
            whatif.end.value = date(2027, 3, 31)
            seconds, outcome = _stop_after(whatif.job, whatif.run, wait)
            print(f"what-if page   Stop after {wait:4.1f} s: ended {seconds:5.2f} s later ({outcome})")


if __name__ == "__main__":
    main()
