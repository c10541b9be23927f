"""How long does "N more families -> how many more staff?" take on sample_data, and what is the answer?

Prints one line per question: hires per role, proven lower bound, whether the answer is proven
minimal, how it was verified, and the seconds it took.  Run: .venv/bin/python benchmarks/whatif_staffing.py
[months] [seconds] [part of a question's name ...]; e.g. ``3 60 "100 flere" Sagsloft`` runs only those two.
"""

from __future__ import annotations

import sys
import time
from datetime import date
from pathlib import Path

from workbench.io.register import read_register
from workbench.whatif.runner import default_horizon, run_staffing
from workbench.whatif.scenario import AddAbsence, AddFamilies, RemoveStaff, Scenario, SetCaseloadCap
from workbench.whatif.staffing import StaffingOptions

ROOT = Path(__file__).resolve().parents[1]

QUESTIONS = [
    Scenario("I dag", ()),
    Scenario("30 flere familier", (AddFamilies(30),)),
    Scenario("100 flere familier", (AddFamilies(100),)),
    Scenario("Sygemelding S003 jan-mar", (AddAbsence("S003", date(2027, 1, 11), date(2027, 3, 31)),)),
    Scenario("S003 stopper + 30 flere familier", (RemoveStaff("S003"), AddFamilies(30))),
    Scenario("Sagsloft 25 point + 30 flere familier", (SetCaseloadCap(25), AddFamilies(30))),
]


def main(months: int = 3, seconds: float = 60.0, *only: str) -> None:
    register, _ = read_register(ROOT / "sample_data")
    start, end = default_horizon(register, months)
    print(f"sample_data: {len(register.staff)} medarbejdere, {len(register.families)} familier; "
          f"periode {start} – {end}; tidsgrænse {seconds:g} s")
    for question in [q for q in QUESTIONS if not only or any(part in q.name for part in only)]:
        began = time.perf_counter()
        result = run_staffing(register, question, start, end, StaffingOptions(time_limit=seconds,
                                                                              plan_time_limit=seconds))
        hires = ", ".join(f"{n} {r}" for r, n in sorted(result.hires.items())) or "ingen"
        print(f"{question.name:40s} nye: {hires:55s} i alt {result.total} (nedre grænse {result.lower_bound}, "
              f"{'bevist minimal' if result.proven_minimal else 'ikke bevist'}, "
              f"{'kontrolleret' if result.feasible else 'IKKE kontrolleret'}, {result.rounds} runde(r)) "
              f"{time.perf_counter() - began:6.1f} s")


if __name__ == "__main__":
    args = sys.argv[1:]
    main(int(args[0]) if args else 3, float(args[1]) if len(args) > 1 else 60.0, *args[2:])
