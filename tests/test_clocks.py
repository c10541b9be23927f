"""The clocks module against the independent checker: the interval rule said twice, and always the same."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.clocks import Clock, anchor, deadlines, on_time_chain_exists, required_meetings, viable_days
from workbench.scheduling.check import check_plan
from workbench.model import Assignment, Meeting, Plan
from tests.helpers import family, rule, staff, tiny_register

START = date(2027, 1, 4)  # a Monday
MON_TO_SUN = frozenset(range(7))


@st.composite
def chains(draw):
    max_gap = draw(st.integers(1, 60))
    min_gap = draw(st.one_of(st.just(0), st.integers(0, max_gap)))
    last = draw(st.one_of(st.none(), st.just(0), st.integers(-90, 10)))
    case_start = draw(st.integers(-90, 10))
    gaps = draw(st.lists(st.one_of(st.just(0), st.integers(0, 80)), max_size=8))
    switch = draw(st.one_of(st.none(), st.tuples(st.integers(1, 120), st.integers(1, 60), st.integers(0, 30))))
    return max_gap, min_gap, last, case_start, gaps, switch


@settings(max_examples=200, deadline=None)
@given(chains())
def test_the_checker_and_the_clocks_agree_on_deadlines_lateness_and_gaps(chain):
    """Also when the rule changes inside the period (a second version from ``switch`` on)."""
    max_gap, min_gap, last, case_start, gaps, switch = chain
    end = START + timedelta(days=120)
    n_days = (end - START).days + 1
    last_date = START + timedelta(days=last) if last is not None else None
    start_date = START + timedelta(days=case_start)
    register = tiny_register([staff("C1", workdays=MON_TO_SUN, cap=9)],
                             [family("F1", primary="C1", last=last_date, case_start_date=start_date)],
                             rules=[rule(max_days=max_gap, min_days=min_gap, rule_id="R-A")] + ([] if switch is None else
                                    [rule(max_days=switch[1], min_days=switch[2], rule_id="R-B",
                                          valid_from=START + timedelta(days=switch[0]))]))
    since, since_meeting = anchor(last_date, start_date, START)
    clock = Clock(max_gap, min_gap, switches=() if switch is None else (switch,))
    prev = (since - START).days
    days, day = [], max(0, prev)
    for gap in gaps:  # meetings inside the horizon, in order (two on one day allowed: the rules must catch it)
        day += gap
        if day >= n_days:
            break
        days.append(day)
    due = deadlines(days, prev, clock)
    meetings = [Meeting(f"F1-{k:02d}", "F1", START + timedelta(days=d), 540 + 60 * (k % 5), 600 + 60 * (k % 5), ("C1",),
                        "R", START + timedelta(days=deadline), late)
                for k, (d, (deadline, late)) in enumerate(zip(days, due))]
    plan = Plan(START, end, [Assignment("F1", "C1")], meetings)
    report = check_plan(register, plan)
    kinds = {b.kind for b in report.breaches}
    assert "forkert_frist" not in kinds, report.breaches
    before = zip([prev] + days, [since_meeting] + [True] * len(days))
    too_close = any(day < clock.earliest(p, is_meeting) for day, (p, is_meeting) in zip(days, before))
    assert ("for_tæt" in kinds) == too_close
    late_meetings = [late for _, late in due if late]
    last_day, last_is_meeting = (days[-1], True) if days else (prev, since_meeting)
    missing = 0 if clock.complete(last_day, last_is_meeting, n_days) else 1
    assert report.late_meetings == len(late_meetings) + missing


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 40), st.integers(0, 40), st.sets(st.integers(0, 89), max_size=90), st.integers(-40, 30),
       st.booleans())
def test_an_on_time_chain_exists_exactly_when_a_search_finds_one(max_gap, min_gap, allowed, prev, prev_is_meeting):
    """viable_days (one backward pass) against a plain breadth-first search over chains."""
    min_gap = min(min_gap, max_gap)
    clock, n_days = Clock(max_gap, min_gap), 90

    def search() -> bool:
        frontier, seen = {(prev, prev_is_meeting)}, set()
        while frontier:
            nxt = set()
            for last, is_meeting in frontier:
                if clock.complete(last, is_meeting, n_days):
                    return True
                low, high = clock.band(last, is_meeting)
                for day in range(max(0, low), high + 1):
                    if day in allowed and day not in seen:
                        seen.add(day)
                        nxt.add((day, True))
            frontier = nxt
        return False

    assert on_time_chain_exists(allowed, prev, prev_is_meeting, clock, n_days) == search()


def test_a_one_off_deadline_is_complete_once_held():
    clock = Clock(max_gap=120, repeat=False)
    assert not clock.complete(-30, False, 365) and clock.complete(10, True, 365)
    assert required_meetings(-30, False, clock, 365) == 1
    assert viable_days({3, 4}, clock, 365) == frozenset({3, 4})
    assert deadlines([100], -30, clock) == [(90, 10)]
