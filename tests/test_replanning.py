"""A plan that lives week to week: each continuity rule, and that it bites (the test fails without it)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from workbench.model import ANNOUNCED, Absence, Assignment, CANCELLED, HELD, Meeting, Plan
from workbench.scheduling.baseline import Baseline, prepare, register_snapshot
from workbench.scheduling.check import check_continuity, check_plan
from workbench.scheduling.packing import meeting_ids
from workbench.scheduling.planner import PlanOptions, make_plan
from workbench.scheduling.records import StatusRecord, apply_records, announce
from workbench.io.plan_folder import assignments_frame, meetings_frame
from tests.helpers import family, rule, staff, tiny_register

START, END = date(2027, 3, 1), date(2027, 4, 30)  # 1 March 2027 is a Monday


def _register(**changes):
    """Two coordinators and a team member; C1 is on F1's team, so a free choice would make C1 coordinator."""
    base = tiny_register(
        [staff("C1"), staff("C2"), staff("T1", role="ppr_psykolog", can_coordinate=False)],
        [family("F1", last=date(2027, 2, 22)), family("F2", last=date(2027, 2, 24))],
        rules=[rule(max_days=14, min_days=7)],
        team=[("F1", "T1", "ppr_psykolog"), ("F1", "C1", "koordinator")],
    )
    return replace(base, **changes)


def _plan(register, baseline=None, freeze=None, **options):
    return make_plan(register, START, END, PlanOptions(time_limit=5, baseline=baseline, freeze_until=freeze, **options))


def _baseline(run, register, **changes):
    return replace(Baseline.from_plan(run.plan, register_snapshot(register)), **changes)


def _ok(register, plan, baseline=None, freeze=None):
    report = check_plan(register, plan)
    breaches = report.breaches + (check_continuity(list(baseline.meetings), plan, freeze) if baseline else [])
    assert breaches == [], breaches[:5]


# ---------------------------------------------------------------------------------------------- coordinators


def test_a_family_keeps_the_coordinator_of_the_announced_plan():
    register = _register()
    first = _plan(register)
    assert first.plan.assignments[0].primary_coordinator == "C1"  # free choice: C1 knows the family
    # the announced plan had C2 (e.g. C1 was full back then): the next plan keeps C2 as if it were in families.csv
    announced = _baseline(first, register, assignments={"F1": Assignment("F1", "C2"), "F2": Assignment("F2", "C1")})
    again = _plan(register, announced)
    assert {a.family_id: a.primary_coordinator for a in again.plan.assignments} == {"F1": "C2", "F2": "C1"}
    assert again.plan.summary["continuity"]["coordinator_changes"] == []
    _ok(register, again.plan)


def test_a_change_in_the_register_since_the_plan_is_the_team_leaders_wish_and_wins():
    register = _register()
    first = _plan(register)
    announced = _baseline(first, register, assignments={"F1": Assignment("F1", "C1"), "F2": Assignment("F2", "C1")})
    asked = replace(register, families=(replace(register.families[0], primary_coordinator="C2"),
                                        register.families[1]))
    again = _plan(asked, announced)
    assert again.plan.assignments[0].primary_coordinator == "C2"
    change = again.plan.summary["continuity"]["coordinator_changes"][0]
    assert (change["family_id"], change["before"], change["after"]) == ("F1", "C1", "C2")


def test_a_coordinator_who_left_is_replaced_and_the_reason_given():
    register = _register()
    first = _plan(register)
    announced = _baseline(first, register, assignments={"F1": Assignment("F1", "C9"), "F2": Assignment("F2", "C1")})
    again = _plan(register, announced)
    assert again.plan.assignments[0].primary_coordinator in {"C1", "C2"}
    change = again.plan.summary["continuity"]["coordinator_changes"][0]
    assert change["before"] == "C9" and "ikke længere ansat" in change["reason"]
    assert any("skifter primær koordinator fra C9" in m for m in again.plan.messages)


def test_a_long_absence_forces_a_new_coordinator_but_a_short_one_does_not():
    long_leave = _register(absences=(Absence("C2", date(2027, 3, 8), date(2027, 4, 9), "Sygdom"),))
    first = _plan(long_leave)
    announced = _baseline(first, long_leave, assignments={"F1": Assignment("F1", "C2"), "F2": Assignment("F2", "C1")})
    again = _plan(long_leave, announced)
    assert again.plan.assignments[0].primary_coordinator == "C1"
    assert "fraværende" in again.plan.summary["continuity"]["coordinator_changes"][0]["reason"]
    assert "Sygdom" not in " ".join(again.plan.messages)  # absence reasons are private
    short_leave = _register(absences=(Absence("C2", date(2027, 3, 8), date(2027, 3, 12), "Sygdom"),))
    again = _plan(short_leave, replace(announced, snapshot=register_snapshot(short_leave)))
    assert again.plan.assignments[0].primary_coordinator == "C2"


# ---------------------------------------------------------------------------------------------- frozen meetings


def test_frozen_meetings_keep_day_time_and_attendees_when_the_coordinator_changes():
    register = _register()
    first = _plan(register)
    freeze = date(2027, 3, 10)
    frozen = [m for m in first.plan.meetings if m.day <= freeze]
    assert frozen
    asked = replace(register, families=(replace(register.families[0], primary_coordinator="C2"),
                                        register.families[1]))
    announced = _baseline(first, register)
    again = _plan(asked, announced, freeze)
    now = {m.meeting_id: m for m in again.plan.meetings}
    for old in frozen:
        assert (now[old.meeting_id].day, now[old.meeting_id].start, now[old.meeting_id].attendees) == \
            (old.day, old.start, old.attendees)
        assert now[old.meeting_id].frozen
    later = [m for m in again.plan.meetings if m.family_id == "F1" and m.day > freeze]
    assert later and all("C2" in m.attendees for m in later)
    _ok(asked, again.plan, announced, freeze)


def test_a_sick_leave_inside_the_freeze_is_a_conflict_with_a_replacement_and_nothing_else_moves():
    register = _register()
    first = _plan(register)
    freeze = date(2027, 3, 19)
    hit = min((m for m in first.plan.meetings if "T1" in m.attendees), key=lambda m: m.day)
    assert hit.day <= freeze
    sick = replace(register, absences=(Absence("T1", hit.day, hit.day, "Sygdom"),))
    announced = _baseline(first, register)
    again = _plan(sick, announced, freeze)
    conflicts = again.plan.summary["conflicts"]
    assert [c["meeting_id"] for c in conflicts] == [hit.meeting_id]
    assert "T1 er fraværende" in conflicts[0]["reasons"][0]
    replacement = conflicts[0]["replacement"]
    assert replacement and replacement["meeting_id"] == hit.meeting_id and replacement["date"] != hit.day.isoformat()
    assert any(m.startswith(f"Mødet {hit.meeting_id}") and "Forslag" in m for m in again.plan.messages)
    _ok(sick, again.plan, announced, freeze)  # every other frozen meeting is unchanged


def test_the_continuity_check_catches_a_frozen_meeting_that_was_changed():
    register = _register()
    first = _plan(register)
    freeze = date(2027, 3, 19)
    announced = _baseline(first, register)
    again = _plan(register, announced, freeze).plan
    victim = next(m for m in again.meetings if m.frozen)
    broken = replace(again, meetings=[replace(m, start_minute=m.start_minute + 60, end_minute=m.end_minute + 60)
                                      if m is victim else m for m in again.meetings])
    kinds = {b.kind for b in check_continuity(list(announced.meetings), broken, freeze)}
    assert kinds == {"fastfrosset_ændret"}


# ---------------------------------------------------------------------------------------------- after the freeze


@pytest.mark.slow
def test_nothing_changed_means_nothing_moves(small_register):
    start, end = date(2027, 1, 1), date(2027, 6, 30)
    first = make_plan(small_register, start, end, PlanOptions(time_limit=4))
    announced = Baseline.from_plan(first.plan, register_snapshot(small_register))
    again = make_plan(small_register, start, end, PlanOptions(time_limit=4, baseline=announced,
                                                              freeze_until=date(2027, 1, 15)))
    assert meetings_frame(again.plan).equals(meetings_frame(first.plan))
    assert assignments_frame(again.plan).equals(assignments_frame(first.plan))
    continuity = again.plan.summary["continuity"]
    assert (continuity["moved_announced"], continuity["new_meetings"], continuity["coordinator_changes"]) == (0, 0, [])


@pytest.mark.slow
def test_a_sick_leave_after_the_freeze_moves_the_hit_meetings_and_keeps_the_rest(small_register):
    start, end = date(2027, 1, 1), date(2027, 6, 30)
    first = make_plan(small_register, start, end, PlanOptions(time_limit=4))
    busiest = max(small_register.staff, key=lambda s: sum(s.staff_id in m.attendees for m in first.plan.meetings))
    sick = Absence(busiest.staff_id, date(2027, 3, 1), date(2027, 3, 26), "Sygdom")
    changed = replace(small_register, absences=small_register.absences + (sick,))
    announced = Baseline.from_plan(first.plan, register_snapshot(small_register))
    again = make_plan(changed, start, end, PlanOptions(time_limit=4, baseline=announced,
                                                       freeze_until=date(2027, 1, 15)))
    _ok(changed, again.plan, announced, date(2027, 1, 15))
    hit = {m.meeting_id for m in first.plan.meetings if busiest.staff_id in m.attendees and sick.covers(m.day)}
    assert hit
    moved = {old.meeting_id for old, _ in again.changes.moved}
    assert hit <= moved | {m.meeting_id for m in again.changes.dropped}
    touched = {m.family_id for m in first.plan.meetings if m.meeting_id in hit}
    # untouched families keep every announced meeting unless the repair moved one to take days off the lateness
    others_moved = [old for old, _ in again.changes.moved if old.family_id not in touched]
    assert len(others_moved) <= len(hit)


@pytest.mark.slow
def test_a_new_family_fits_around_the_announced_plan(small_register):
    start, end = date(2027, 1, 1), date(2027, 6, 30)
    first = make_plan(small_register, start, end, PlanOptions(time_limit=4))
    newcomer = replace(small_register.families[0], family_id="F9999", last_followup_date=None,
                       case_start_date=date(2027, 2, 1), primary_coordinator=None, secondary_coordinator=None,
                       preferred_coordinator=None)
    changed = replace(small_register, families=small_register.families + (newcomer,))
    announced = Baseline.from_plan(first.plan, register_snapshot(small_register))
    again = make_plan(changed, start, end, PlanOptions(time_limit=4, baseline=announced,
                                                       freeze_until=date(2027, 1, 15)))
    _ok(changed, again.plan, announced, date(2027, 1, 15))
    assert any(m.family_id == "F9999" for m in again.plan.meetings)
    assert again.plan.summary["continuity"]["moved_announced"] == 0
    assert again.plan.summary["continuity"]["coordinator_changes"] == []


def _busiest_falls_ill(register, first: Plan, start: date, end: date):
    """The register with the person who attends most meetings of ``first`` absent from ``start`` to ``end``."""
    busiest = max(register.staff, key=lambda s: sum(s.staff_id in m.attendees for m in first.meetings))
    return replace(register, absences=register.absences + (Absence(busiest.staff_id, start, end, "Sygdom"),))


@pytest.mark.slow
def test_without_the_announced_plan_meetings_move(small_register):
    """The control for the tests above: planning from scratch after a change does move announced meetings."""
    start, end = date(2027, 1, 1), date(2027, 6, 30)
    first = make_plan(small_register, start, end, PlanOptions(time_limit=4))
    changed = _busiest_falls_ill(small_register, first.plan, date(2027, 3, 1), date(2027, 3, 26))
    scratch = make_plan(changed, start, end, PlanOptions(time_limit=4)).plan
    before = {(m.family_id, m.day, m.start_minute) for m in first.plan.meetings}
    after = {(m.family_id, m.day, m.start_minute) for m in scratch.meetings}
    assert len(before - after) > 10


@pytest.mark.slow
def test_reoptimizing_trades_moves_for_lateness_and_says_so(small_register):
    start, end = date(2027, 1, 1), date(2027, 6, 30)
    first = make_plan(small_register, start, end, PlanOptions(time_limit=4))
    changed = _busiest_falls_ill(small_register, first.plan, date(2027, 2, 1), date(2027, 3, 31))
    announced = Baseline.from_plan(first.plan, register_snapshot(small_register))
    options = PlanOptions(time_limit=4, baseline=announced, freeze_until=date(2027, 1, 15))
    stable = make_plan(changed, start, end, options)
    again = make_plan(changed, start, end, replace(options, reoptimize=True))
    assert again.plan.summary["total_days_late"] <= stable.plan.summary["total_days_late"]
    assert again.plan.summary["phases"]["stable"] == stable.plan.summary["phases"]["stable"]
    assert any(m.startswith("Genoptimering") for m in again.plan.messages)
    _ok(changed, again.plan, announced, date(2027, 1, 15))


# ---------------------------------------------------------------------------------------------- what happened


def test_a_meeting_held_before_the_horizon_is_the_last_follow_up():
    register = _register()
    held = Meeting("F1-01", "F1", date(2027, 2, 26), 540, 600, ("C1", "T1"), "R-14", date(2027, 3, 8),
                   status=HELD, held_on=date(2027, 2, 26))
    announced = Baseline((held,), {"F1": Assignment("F1", "C1"), "F2": Assignment("F2", "C2")})
    again = _plan(register, announced)
    history = [m for m in again.plan.meetings if m.status == HELD]
    assert [(m.meeting_id, m.day) for m in history] == [("F1-01", date(2027, 2, 26))]  # the record goes on
    first = min((m for m in again.plan.meetings if m.family_id == "F1" and m.status != HELD), key=lambda m: m.day)
    assert first.deadline == date(2027, 3, 12)  # 26.02. + 14 days, not 22.02. + 14
    assert first.meeting_id != "F1-01"  # the held meeting's id is never reused
    met = [row for row in again.plan.deadlines if row["meeting_id"] == "F1-01"]
    assert [(row["status"], row["date"]) for row in met] == [("met", "2027-02-26")]  # deadlines.csv records it
    _ok(register, again.plan, announced)
    # and the plan after that still counts from it, though the held meeting lies before its period too
    later = make_plan(register, date(2027, 3, 15), END, PlanOptions(time_limit=5, baseline=Baseline.from_plan(
        again.plan, register_snapshot(register))))
    assert min(m.deadline for m in later.plan.meetings if m.family_id == "F1" and m.status != HELD) <= \
        date(2027, 3, 15) + timedelta(days=14)
    dropped = replace(later.plan, meetings=[m for m in later.plan.meetings if m.status != HELD])
    kinds = {b.kind for b in check_continuity(list(Baseline.from_plan(again.plan).meetings), dropped, None)}
    assert kinds == {"afholdt_mistet"}
    assert prepare(register, announced, START, END, None).register.family_by_id["F1"].last_followup_date == \
        date(2027, 2, 26)


def test_a_meeting_held_on_another_day_stays_as_held_and_the_chain_follows():
    register = _register()
    first = _plan(register)
    planned = min((m for m in first.plan.meetings if m.family_id == "F1"), key=lambda m: m.day)
    plan, lines = apply_records(first.plan, [StatusRecord(planned.meeting_id, HELD, planned.day.replace(day=planned.day.day + 1))])
    assert "afholdt" in lines[0]
    announced = Baseline.from_plan(plan, register_snapshot(register))
    again = _plan(register, announced, freeze=date(2027, 3, 2))
    kept = next(m for m in again.plan.meetings if m.meeting_id == planned.meeting_id)
    assert kept.status == HELD and kept.day == planned.day.replace(day=planned.day.day + 1) and kept.frozen
    following = min((m for m in again.plan.meetings if m.family_id == "F1" and m.day > kept.day), key=lambda m: m.day)
    assert following.deadline == date.fromordinal(kept.day.toordinal() + 14)
    _ok(register, again.plan)


def test_a_cancelled_meeting_leaves_the_plan_and_the_follow_up_is_laid_again():
    register = _register()
    first = _plan(register)
    planned = min((m for m in first.plan.meetings if m.family_id == "F2"), key=lambda m: m.day)
    plan, _ = apply_records(announce(first.plan), [StatusRecord(planned.meeting_id, CANCELLED)])
    assert [m.meeting_id for m in plan.cancelled] == [planned.meeting_id]
    assert all(m.status == ANNOUNCED for m in plan.meetings)
    announced = Baseline.from_plan(plan, register_snapshot(register))
    again = _plan(register, announced, freeze=date(2027, 3, 5))
    assert all(m.meeting_id != planned.meeting_id for m in again.plan.meetings)
    assert len([m for m in again.plan.meetings if m.family_id == "F2"]) >= len(
        [m for m in plan.meetings if m.family_id == "F2"])
    _ok(register, again.plan)


def test_an_overdue_follow_up_is_shown_as_overdue_and_planned_early():
    register = _register(families=(family("F1", last=date(2027, 1, 4)), family("F2", last=date(2027, 2, 24))))
    run = _plan(register)
    rows = run.plan.summary["overdue"]
    assert [(r["family_id"], r["deadline"], r["days_overdue"]) for r in rows] == [("F1", "2027-01-18", 42)]
    assert date.fromisoformat(rows[0]["planned_for"]) <= date(2027, 3, 3)
    assert any("42 dage overskredet" in m for m in run.plan.messages)


def test_nothing_new_is_planned_before_today():
    register = _register()
    run = make_plan(register, START, END, PlanOptions(time_limit=5, as_of=date(2027, 3, 10)))
    assert min(m.day for m in run.plan.meetings) >= date(2027, 3, 10)
    assert run.plan.summary["as_of"] == "2027-03-10"


# ---------------------------------------------------------------------------------------------- ids


def test_meeting_ids_stay_with_the_meeting_that_moved_and_new_ones_never_reuse_an_old_id():
    day = date(2027, 3, 1)
    announced = [Meeting("F1-02", "F1", day, 540, 600, (), "R", day), Meeting("F1-03", "F1", day.replace(day=15),
                                                                           540, 600, (), "R", day)]
    ids = meeting_ids("F1", announced, [(day.replace(day=3), 540), (day.replace(day=15), 540),
                                        (day.replace(day=29), 540)], taken={"F1-01", "F1-04"})
    assert ids == ["F1-02", "F1-03", "F1-05"]


@pytest.mark.parametrize("status", [HELD, CANCELLED])
def test_records_need_a_known_meeting(status):
    register = _register()
    first = _plan(register)
    from workbench.scheduling.records import StatusFileError

    with pytest.raises(StatusFileError, match="F9-01"):
        apply_records(first.plan, [StatusRecord("F9-01", status)])


def test_the_least_change_chain_moves_only_the_meeting_a_sick_day_hits():
    """Three announced follow-ups; a sick day hits the middle one: it moves, the others stay at day and time."""
    register = tiny_register([staff("C1")], [family("F1", primary="C1", last=date(2027, 2, 26))],
                             rules=[rule(max_days=21, min_days=7)])
    start, end = date(2027, 3, 1), date(2027, 6, 30)
    first = make_plan(register, start, end, PlanOptions(time_limit=5)).plan
    assert len(first.meetings) >= 5
    middle = sorted(first.meetings, key=lambda m: m.day)[2]
    sick = replace(register, absences=(Absence("C1", middle.day, middle.day, "Sygdom"),))
    announced = Baseline.from_plan(first, register_snapshot(register))
    again = make_plan(sick, start, end, PlanOptions(time_limit=5, baseline=announced)).plan
    before = {m.meeting_id: (m.day, m.start) for m in first.meetings}
    after = {m.meeting_id: (m.day, m.start) for m in again.meetings}
    assert [k for k in before if before[k] != after.get(k)] == [middle.meeting_id]
    assert after[middle.meeting_id][0] != middle.day


# ---------------------------------------------------------------------------------------------- reproducible


@pytest.mark.slow
def test_a_cut_search_gives_the_same_plan_in_two_processes_under_load(tmp_path):
    """Work is counted, not timed: two runs side by side (each slowing the other), with different string hashing,
    stop at the same point of the search and write byte-identical files.  A crowded municipality (480 families
    for 60 staff), so the search is cut by the time limit rather than proven finished."""
    import json
    import os
    import subprocess
    import sys

    from workbench.io.register import write_register
    from workbench.synth.municipality import MunicipalitySpec, generate_municipality

    data = write_register(generate_municipality(MunicipalitySpec(n_staff=60, n_families=480)), tmp_path / "data")
    runs = []
    for seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        command = [sys.executable, "-m", "workbench.cli", "plan", "--data", str(data), "--start", "2027-01-01",
                   "--end", "2027-12-31", "--out", str(tmp_path / seed), "--time-limit", "3", "--quiet"]
        runs.append(subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE))
    for run in runs:
        out, err = run.communicate(timeout=300)
        assert run.returncode in (0, 1), err.decode()  # 1: families without a coordinator (capacity), not a bug
    summary = json.loads((tmp_path / "1" / "summary.json").read_text("utf-8"))
    assert summary["solver_status"] == "FEASIBLE" and summary["reproducible"]  # the search was cut, not finished
    for name in ("meetings.csv", "assignments.csv"):
        assert (tmp_path / "1" / name).read_bytes() == (tmp_path / "2" / name).read_bytes()
