"""Scarcity: how close the planner gets to the best possible plan when there is not time for everyone.

For ``sample_data`` (2027) and three other seeds of the synthetic municipality, it plans the year N times with the
given time limit and prints, per municipality: days late and late follow-ups (min / median / max over the runs),
the proven lower bound (late follow-ups and days no plan can avoid; see workbench/scheduling/bounds.py), how many
late follow-ups are proven forced, and the seconds.  Every plan is checked by the independent checker.

Usage:  python benchmarks/scarcity.py [--runs 5] [--time-limit 60] [--seeds 11,12,13] [--no-sample]
Machine figures (seconds, and how far a time-limited search gets) depend on the machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from datetime import date
from pathlib import Path

from workbench.io.register import read_register
from workbench.scheduling.check import check_plan
from workbench.scheduling.planner import PlanOptions, make_plan
from workbench.synth.municipality import MunicipalitySpec, generate_municipality

ROOT = Path(__file__).resolve().parents[1]
START, END = date(2027, 1, 1), date(2027, 12, 31)


def _spread(values: list[float]) -> str:
    return f"{min(values):g} / {statistics.median(values):g} / {max(values):g}"


def municipalities(seeds: list[int], sample: bool):
    if sample:
        register, problems = read_register(ROOT / "sample_data")
        assert register is not None, problems
        yield "sample_data", register
    for seed in seeds:
        yield f"seed {seed}", generate_municipality(MunicipalitySpec(seed=seed, start=START))


def run(runs: int, time_limit: float, seeds: list[int], sample: bool) -> list[dict]:
    rows = []
    for name, register in municipalities(seeds, sample):
        days, late, seconds, forced, breaches = [], [], [], [], 0
        bound = bound_days = 0
        for _ in range(runs):
            began = time.perf_counter()
            plan = make_plan(register, START, END, PlanOptions(time_limit=time_limit)).plan
            seconds.append(round(time.perf_counter() - began, 1))
            s = plan.summary
            days.append(s["total_days_late"])
            late.append(s["late_meetings"])
            forced.append(s.get("late_forced", 0))
            bound, bound_days = s["late_lower_bound"], s.get("late_days_lower_bound", 0)
            breaches += len(check_plan(register, plan).breaches)
        row = dict(municipality=name, families=len(register.families), days=_spread(days), late=_spread(late),
                   bound=bound, bound_days=bound_days, forced=_spread(forced), seconds=_spread(seconds),
                   breaches=breaches)
        rows.append(row)
        print("{municipality:>12} ({families} families)  days late {days:>15}  late {late:>11}  "
              "bound {bound} late / {bound_days} days  forced {forced:>11}  {seconds:>17} s  breaches {breaches}"
              .format(**row), flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--seeds", default="11,12,13")
    parser.add_argument("--no-sample", action="store_true")
    args = parser.parse_args()
    print(f"# {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"{args.runs} runs of {args.time_limit:g} s each; min / median / max")
    run(args.runs, args.time_limit, [int(s) for s in args.seeds.split(",") if s], not args.no_sample)


if __name__ == "__main__":
    main()
