"""A plan that lives week to week: how much a re-plan changes, on sample_data over a 12-month horizon.

Scenarios (each re-plan continues the previous plan, freeze two weeks in):

  unchanged    re-plan with nothing changed: moved meetings, coordinator changes, identical files
  new_family   a copy of the first family whose team has room under its caseload limits (with its team) as
               F0999: breaches, moved meetings of other families
  sick_after   a 4-week sick leave for the busiest coordinator after the freeze: moves against a lower bound
  sick_inside  a sick leave inside the freeze: conflicts with replacements, nothing else in the freeze moves
  weeks        10 weeks simulated (2 new families, 1 closed, meetings held, one absence per week): moves and
               lateness per week, continuing the plan against planning from scratch each week
  reproducible two runs of the same year plan side by side (each slowing the other), cut by the time limit

Usage:  python benchmarks/replanning.py [--time-limit 60] [--weeks 10] [--only unchanged,new_family,...]
                                        [--json benchmarks/results/replanning.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from workbench.io.register import load_register
from workbench.model import Absence, HELD, Plan, TeamMember
from workbench.scheduling.baseline import Baseline, prepare, register_snapshot
from workbench.scheduling.check import check_continuity, check_plan
from workbench.scheduling.planner import PlanOptions, PlanRun, make_plan
from workbench.scheduling.records import StatusRecord, apply_records
from workbench.io.plan_folder import write_plan

ROOT = Path(__file__).resolve().parents[1]
START, END = date(2027, 1, 1), date(2027, 12, 31)
FREEZE = date(2027, 1, 15)


def _plan(register, options: PlanOptions, start: date = START) -> tuple[PlanRun, float]:
    began = time.perf_counter()
    run = make_plan(register, start, END, options)
    return run, time.perf_counter() - began


def _breaches(register, run: PlanRun, baseline: Baseline | None, freeze: date | None) -> int:
    report = check_plan(register, run.plan)
    extra = check_continuity(list(baseline.meetings), run.plan, freeze) if baseline else []
    return len(report.breaches) + len(extra)


def _figures(name: str, register, run: PlanRun, seconds: float, baseline=None, freeze=None, **extra) -> dict:
    s, c = run.plan.summary, run.plan.summary.get("continuity") or {}
    row = {"scenario": name, "meetings": s["meetings"], "late": s["late_meetings"], "days_late": s["total_days_late"],
           "breaches": _breaches(register, run, baseline, freeze), "moved": c.get("moved_announced", 0),
           "dropped": c.get("dropped_announced", 0), "new": c.get("new_meetings", 0),
           "calendars_changed": c.get("people_with_calendar_changes", 0),
           "coordinator_changes": len(c.get("coordinator_changes", [])), "conflicts": len(s.get("conflicts", [])),
           "seconds": round(seconds, 1), **extra}
    print("  ".join(f"{k} {v}" for k, v in row.items()), flush=True)
    return row


def _family_that_fits(register) -> str:
    """The first family whose team members can take one more family like it within their caseload limits (a
    copy of a family whose team is full would be a caseload breach no plan can avoid)."""
    from workbench.caseload import caseload
    from workbench.settings import DEFAULT_LOAD

    used = caseload(register)
    for family in register.families:
        team = register.team_staff_ids(family.family_id)
        if team and all(used.get(s, 0.0) + family.case_points * DEFAULT_LOAD.team
                        <= register.staff_by_id[s].max_caseload_points for s in team):
            return family.family_id
    raise ValueError("no family's team has room for one more")


def _add_family(register, source: str, new_id: str, start: date | None = None):
    family = register.family_by_id[source]
    copy = replace(family, family_id=new_id, **({"last_followup_date": None, "case_start_date": start,
                                                 "primary_coordinator": None, "secondary_coordinator": None}
                                                if start else {}))
    team = tuple(TeamMember(new_id, m.staff_id, m.role) for m in register.team_by_family.get(source, ()))
    return register.replace(families=register.families + (copy,), team=register.team + team)


def _hit_lower_bound(announced: list, person: str, sick: Absence, register, run_before: PlanRun) -> int:
    """Moves no plan can avoid: every announced meeting of ``person`` inside the absence, plus its family's next
    meeting when no day between the unchanged neighbours keeps both intervals legal."""
    instance = run_before.instance
    index = instance.family_index
    by_family: dict[str, list] = {}
    for m in sorted(announced, key=lambda m: m.day):
        by_family.setdefault(m.family_id, []).append(m)
    bound = 0
    for family_id, meetings in by_family.items():
        family = instance.families[index[family_id]]
        allowed = {instance.day(d) for d in family.allowed_days}
        for k, m in enumerate(meetings):
            if person not in m.attendees or not sick.covers(m.day):
                continue
            bound += 1
            previous = meetings[k - 1].day if k else None
            following = meetings[k + 1].day if k + 1 < len(meetings) else None
            first = previous + timedelta(days=max(1, family.min_gap)) if previous else START
            last = min(previous + timedelta(days=family.max_gap) if previous else END,
                       following - timedelta(days=max(1, family.min_gap)) if following else END)
            if following and previous:
                last = min(last, following)
            room = [d for d in allowed if first <= d <= last and not sick.covers(d)
                    and (following is None or (following - d).days <= family.max_gap)]
            if not room and following is not None:
                bound += 1
    return bound


def scenario_unchanged(register, first: PlanRun, folder: Path, limit: float) -> dict:
    baseline = Baseline.from_plan(first.plan, register_snapshot(register))
    run, seconds = _plan(register, PlanOptions(time_limit=limit, baseline=baseline, freeze_until=FREEZE))
    write_plan(run.plan, folder / "unchanged")
    identical = all((folder / "first" / name).read_bytes() == (folder / "unchanged" / name).read_bytes()
                    for name in ("meetings.csv", "assignments.csv"))
    return _figures("unchanged", register, run, seconds, baseline, FREEZE, identical_files=identical)


def scenario_new_family(register, first: PlanRun, limit: float) -> dict:
    source = _family_that_fits(register)
    changed = _add_family(register, source, "F0999")
    baseline = Baseline.from_plan(first.plan, register_snapshot(register))
    run, seconds = _plan(changed, PlanOptions(time_limit=limit, baseline=baseline, freeze_until=FREEZE))
    others = [old for old, _ in run.changes.moved if old.family_id != "F0999"]
    late_new = [m for m in run.plan.meetings if m.family_id == "F0999" and m.days_late]
    # the best possible: 0 moves if the new family fits on time; else what moving announced meetings could buy
    again, _ = _plan(changed, PlanOptions(time_limit=limit, baseline=baseline, freeze_until=FREEZE, reoptimize=True))
    return _figures("new_family", changed, run, seconds, baseline, FREEZE, copied=source, moved_other_families=len(others),
                    new_family_late=len(late_new), new_family_days_late=sum(m.days_late for m in late_new),
                    reoptimized_moved=again.plan.summary["continuity"]["moved_announced"],
                    reoptimized_days_late=again.plan.summary["total_days_late"],
                    reoptimized_late=again.plan.summary["late_meetings"])


def _busiest_coordinator(first: PlanRun, first_day: date, last_day: date) -> str:
    coordinators = {a.primary_coordinator for a in first.plan.assignments if a.primary_coordinator}
    counts: dict[str, int] = {}
    for m in first.plan.meetings:
        if first_day <= m.day <= last_day:
            for p in m.attendees:
                if p in coordinators:
                    counts[p] = counts.get(p, 0) + 1
    return max(sorted(counts), key=counts.__getitem__)


def scenario_sick_after(register, first: PlanRun, limit: float) -> dict:
    sick_from, sick_to = date(2027, 2, 1), date(2027, 2, 26)
    person = _busiest_coordinator(first, sick_from, sick_to)
    sick = Absence(person, sick_from, sick_to, "Sygdom")
    changed = register.replace(absences=register.absences + (sick,))
    baseline = Baseline.from_plan(first.plan, register_snapshot(register))
    run, seconds = _plan(changed, PlanOptions(time_limit=limit, baseline=baseline, freeze_until=FREEZE))
    announced = [m for m in first.plan.meetings if m.day > FREEZE]
    bound = _hit_lower_bound(announced, person, sick, changed, first)
    scratch, scratch_seconds = _plan(changed, PlanOptions(time_limit=limit))
    again, _ = _plan(changed, PlanOptions(time_limit=limit, baseline=baseline, freeze_until=FREEZE, reoptimize=True))
    before = {(m.family_id, m.day, m.start_minute) for m in announced}
    scratch_moved = len(before - {(m.family_id, m.day, m.start_minute) for m in scratch.plan.meetings})
    reasons = [c["reason"] for c in run.plan.summary["continuity"]["coordinator_changes"]]
    return _figures("sick_after", changed, run, seconds, baseline, FREEZE, person=person,
                    hit=sum(person in m.attendees and sick.covers(m.day) for m in announced), moves_lower_bound=bound,
                    scratch_moved=scratch_moved, scratch_late=scratch.plan.summary["late_meetings"],
                    scratch_days_late=scratch.plan.summary["total_days_late"],
                    reoptimized_moved=again.plan.summary["continuity"]["moved_announced"],
                    reoptimized_late=again.plan.summary["late_meetings"],
                    reoptimized_days_late=again.plan.summary["total_days_late"],
                    coordinator_changes_explained=all(reasons))


def scenario_sick_inside(register, first: PlanRun, limit: float) -> dict:
    sick_from, sick_to = date(2027, 1, 11), date(2027, 1, 22)
    person = _busiest_coordinator(first, sick_from, FREEZE)
    changed = register.replace(absences=register.absences + (Absence(person, sick_from, sick_to, "Sygdom"),))
    baseline = Baseline.from_plan(first.plan, register_snapshot(register))
    run, seconds = _plan(changed, PlanOptions(time_limit=limit, baseline=baseline, freeze_until=FREEZE))
    frozen_hit = sum(person in m.attendees and sick_from <= m.day <= FREEZE for m in first.plan.meetings)
    conflicts = run.plan.summary["conflicts"]
    now = {m.meeting_id: m for m in run.plan.meetings}
    others_in_freeze_moved = sum(1 for m in first.plan.meetings if m.day <= FREEZE and m.meeting_id not in
                                 {c["meeting_id"] for c in conflicts}
                                 and (now.get(m.meeting_id) is None or now[m.meeting_id].day != m.day
                                      or now[m.meeting_id].start_minute != m.start_minute))
    return _figures("sick_inside", changed, run, seconds, baseline, FREEZE, person=person, frozen_hit=frozen_hit,
                    with_replacement=sum(1 for c in conflicts if c["replacement"]),
                    others_in_freeze_moved=others_in_freeze_moved)


def _moved_against(previous: Plan, plan: Plan, after: date) -> int:
    """Meetings of the previous plan after ``after`` that are not at the same day and time any more."""
    now = {(m.family_id, m.day, m.start_minute) for m in plan.meetings}
    return sum(1 for m in previous.meetings if m.day > after and (m.family_id, m.day, m.start_minute) not in now)


def _roomy_family(register, rng: random.Random) -> str:
    """A family to copy whose team members all have room for one more family of its size (caseload limits)."""
    from workbench.caseload import caseload
    from workbench.settings import DEFAULT_LOAD

    used = caseload(register)
    families = sorted(register.family_by_id)
    rng.shuffle(families)
    for family_id in families:
        points = register.family_by_id[family_id].case_points * DEFAULT_LOAD.team
        if all(used[s] + points <= register.staff_by_id[s].max_caseload_points
               for s in register.team_staff_ids(family_id)):
            return family_id
    return families[0]


def scenario_weeks(register, first: PlanRun, limit: float, weeks: int, seed: int = 2027) -> list[dict]:
    """Each week: meetings up to today held, 2 new families, 1 closed, one absence; continue vs from scratch."""
    rng = random.Random(seed)
    rows = []
    plan = first.plan
    scratch_previous = first.plan
    for week in range(1, weeks + 1):
        today = START + timedelta(days=7 * week)
        freeze = today + timedelta(days=14)
        held = [StatusRecord(m.meeting_id, HELD) for m in plan.meetings if m.day < today and m.status != HELD]
        plan, _ = apply_records(plan, held)
        snapshot = register_snapshot(register)
        for k in range(2):
            register = _add_family(register, _roomy_family(register, rng), f"F{9000 + 10 * week + k}",
                                   today + timedelta(days=rng.randint(0, 6)))
        closing = rng.choice(sorted(f for f in register.family_by_id if not f.startswith("F9")))
        register = register.replace(families=tuple(f for f in register.families if f.family_id != closing),
                                    team=tuple(t for t in register.team if t.family_id != closing))
        person = rng.choice(sorted(register.staff_by_id))
        absent_from = today + timedelta(days=rng.randint(0, 27))
        absence = Absence(person, absent_from, absent_from + timedelta(days=rng.randint(0, 4)), "Fravær")
        taken = [a for a in register.absences_by_staff.get(person, ()) if a.start_date <= absence.end_date
                 and absence.start_date <= a.end_date]
        if not taken:
            register = register.replace(absences=register.absences + (absence,))
        baseline = Baseline.from_plan(plan, snapshot)
        run, seconds = _plan(register, PlanOptions(time_limit=limit, baseline=baseline, freeze_until=freeze, as_of=today),
                             start=today)
        # from scratch: the same register with the held meetings as last follow-ups, no announced plan
        anchored = prepare(register, Baseline(tuple(m for m in plan.meetings if m.status == HELD)), today, END,
                           None).register
        scratch, scratch_seconds = _plan(anchored, PlanOptions(time_limit=limit, as_of=today), start=today)
        row = _figures(f"week {week:2d}", register, run, seconds, baseline, freeze,
                       moved_vs_last_week=_moved_against(plan, run.plan, freeze),
                       scratch_moved_vs_last_week=_moved_against(scratch_previous, scratch.plan, freeze),
                       scratch_late=scratch.plan.summary["late_meetings"],
                       scratch_days_late=scratch.plan.summary["total_days_late"],
                       scratch_breaches=_breaches(anchored, scratch, None, None),
                       scratch_seconds=round(scratch_seconds, 1))
        rows.append(row)
        plan, scratch_previous = run.plan, scratch.plan
    return rows


def scenario_reproducible(limit: float) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        runs = []
        began = time.perf_counter()
        for k, seed in enumerate(("11", "22")):
            env = dict(os.environ, PYTHONHASHSEED=seed)
            command = [sys.executable, "-m", "workbench.cli", "plan", "--data", str(ROOT / "sample_data"),
                       "--start", START.isoformat(), "--end", END.isoformat(), "--out", f"{folder}/{k}",
                       "--time-limit", str(limit), "--quiet"]
            runs.append(subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))
        for run in runs:
            run.wait()
        seconds = time.perf_counter() - began
        same = all(Path(f"{folder}/0/{n}").read_bytes() == Path(f"{folder}/1/{n}").read_bytes()
                   for n in ("meetings.csv", "assignments.csv"))
        summary = json.loads(Path(f"{folder}/0/summary.json").read_text("utf-8"))
    row = {"scenario": "reproducible", "identical_meetings_csv": same, "status": summary["solver_status"],
           "late": summary["late_meetings"], "days_late": summary["total_days_late"],
           "work_seconds": summary["work_seconds"], "wall_seconds_each_side_by_side": round(seconds, 1)}
    print("  ".join(f"{k} {v}" for k, v in row.items()), flush=True)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--weeks", type=int, default=10)
    parser.add_argument("--only", default="unchanged,new_family,sick_after,sick_inside,weeks,reproducible")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    chosen = set(args.only.split(","))
    print(f"# machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, python "
          f"{platform.python_version()}; sample_data {START}–{END}; {args.time_limit:g} s per plan; freeze {FREEZE}")
    register = load_register(ROOT / "sample_data")
    rows: list[dict] = []
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        first, seconds = _plan(register, PlanOptions(time_limit=args.time_limit))
        write_plan(first.plan, folder / "first")
        rows.append(_figures("first plan", register, first, seconds))
        if "unchanged" in chosen:
            rows.append(scenario_unchanged(register, first, folder, args.time_limit))
        if "new_family" in chosen:
            rows.append(scenario_new_family(register, first, args.time_limit))
        if "sick_after" in chosen:
            rows.append(scenario_sick_after(register, first, args.time_limit))
        if "sick_inside" in chosen:
            rows.append(scenario_sick_inside(register, first, args.time_limit))
        if "weeks" in chosen:
            rows += scenario_weeks(register, first, args.time_limit, args.weeks)
    if "reproducible" in chosen:
        rows.append(scenario_reproducible(args.time_limit))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1, default=str, ensure_ascii=False), "utf-8")


if __name__ == "__main__":
    main()
