"""Start times within one day: nobody double-booked, and an impossible day is reported, not forced."""

from __future__ import annotations

from workbench.scheduling.timeslots import DayTask, time_day


def test_time_day_never_double_books():
    tasks = [DayTask(i, people, 90) for i, people in enumerate([("A", "B"), ("B", "C"), ("A", "C"), ("D",)])]
    starts = time_day(tasks, 390)
    spans = {i: (s, s + 90) for i, s in starts.items()}
    for i, a in enumerate(tasks):
        for j, b in enumerate(tasks):
            if i < j and set(a.attendees) & set(b.attendees):
                assert spans[i][1] <= spans[j][0] or spans[j][1] <= spans[i][0]
    assert time_day([DayTask(1, ("A",), 240), DayTask(2, ("A",), 240)], 390) is None


def test_exact_fallback_finds_what_first_fit_misses():
    # first fit puts the long meeting first at 0; the exact model must still fit the triangle of short ones
    tasks = [DayTask("long", ("A", "B", "C"), 180)] + [DayTask(k, p, 90) for k, p in
                                                         enumerate([("A", "B"), ("B", "C"), ("A", "C")])]
    starts = time_day(tasks, 450)
    assert starts is not None and len(starts) == 4
