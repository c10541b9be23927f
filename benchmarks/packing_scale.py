"""Meeting packing at scale on planted instances: ours against the two baselines.

A planted instance carries a known plan with no late meeting (workbench/synth/planted.py), so the right
answer is "0 late".  For each size it prints one line per method:

  ours    make_plan with --time-limit (coordinators + negotiation + booking + CP-SAT repair), end to end
  edf     the earliest-deadline-first day sweep a careful person does by hand
  single  one plain CP-SAT model of the whole horizon (workbench/scheduling/exact.py)

Usage:  python benchmarks/packing_scale.py [--sizes 30x300,60x1000,100x2000] [--time-limit 60]
                                           [--seeds 1,2] [--single-up-to 1000] [--json out.json]
                                           [--jobsamtaler 0.5]

--jobsamtaler S: mixed appointment kinds - a share S of the families with a job consultant also plant the
adult's own jobsamtaler (job consultant and adult only, 45 min, every 4 weeks) next to the team follow-ups.
Machine figures (seconds) depend on the machine; the late counts do not.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

from workbench.scheduling.check import check_plan
from workbench.scheduling.edf import edf_sweep
from workbench.scheduling.exact import solve_exact
from workbench.scheduling.instance import build_instance
from workbench.model import Plan
from workbench.scheduling.planner import PlanOptions, make_plan
from workbench.synth.planted import PlantedSpec, generate_planted


def _line(**row) -> str:
    return ("{size:>9} seed {seed}  {method:<6} meetings {meetings:>6}  late {late:>5} ({late_pct:5.2f} %)  "
            "max days late {max_late:>3}  {seconds:6.1f} s  check {check}").format(**row)


def run(sizes: list[tuple[int, int]], seeds: list[int], time_limit: float, single_up_to: int,
        jobsamtaler: float = 0.0) -> list[dict]:
    rows = []
    for n_staff, n_families in sizes:
        for seed in seeds:
            began = time.perf_counter()
            planted = generate_planted(PlantedSpec(n_staff=n_staff, n_families=n_families, seed=seed,
                                                   share_jobsamtaler=jobsamtaler))
            made = time.perf_counter() - began
            register = planted.register
            print(f"# {n_staff} staff, {len(register.families)} families, {len(planted.planted.meetings)} planted "
                  f"meetings, utilisation {planted.utilisation:.0%} of all person-day caps "
                  f"(busiest tenth {planted.peak_utilisation:.0%}), "
                  f"{sum(1 for m in planted.planted.meetings if m.person_id)} of them jobsamtaler, "
                  f"planted in {made:.1f} s", flush=True)
            size = f"{n_staff}x{n_families}"

            def record(method: str, meetings, unplaced, seconds: float, status: str = "") -> None:
                plan = Plan(planted.start, planted.end, planted.planted.assignments, meetings)
                report = check_plan(register, plan)
                late = report.late_meetings
                # late share of the follow-ups due: of the meetings held, or of the planted ones if fewer were held
                due = max(len(meetings), len(planted.planted.meetings))
                row = dict(size=size, seed=seed, method=method, meetings=len(meetings), late=late,
                           late_pct=100.0 * late / due, max_late=report.max_days_late,
                           seconds=seconds, check="ok" if report.ok else json.dumps(report.kinds()), status=status,
                           utilisation=round(planted.utilisation, 3), peak_utilisation=round(planted.peak_utilisation, 3))
                rows.append(row)
                print(_line(**row) + (f"  [{status}]" if status else ""), flush=True)

            began = time.perf_counter()
            result = make_plan(register, planted.start, planted.end, PlanOptions(time_limit=time_limit))
            record("ours", result.plan.meetings, [], time.perf_counter() - began, result.plan.summary["solver_status"])

            instance = build_instance(register, planted.planted.assignments, planted.start, planted.end)
            began = time.perf_counter()
            edf = edf_sweep(instance)
            record("edf", edf.meetings, edf.unplaced, time.perf_counter() - began)

            if len(register.families) <= single_up_to:
                began = time.perf_counter()
                exact = solve_exact(instance, time_limit=time_limit)
                record("single", exact.meetings, exact.unplaced, time.perf_counter() - began,
                       exact.status + ("" if exact.meetings else ": no plan found"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="30x300,60x1000,100x2000")
    parser.add_argument("--seeds", default="1")
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--single-up-to", type=int, default=1000)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--jobsamtaler", type=float, default=0.0)
    args = parser.parse_args()
    sizes = [tuple(int(x) for x in size.split("x")) for size in args.sizes.split(",")]
    seeds = [int(s) for s in args.seeds.split(",")]
    print(f"# machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"python {platform.python_version()}; time limit {args.time_limit:g} s")
    rows = run(sizes, seeds, args.time_limit, args.single_up_to, args.jobsamtaler)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2), "utf-8")


if __name__ == "__main__":
    main()
