"""Baseline: the earliest-deadline-first day sweep a careful planner does by hand.

Day by day, take the families whose next follow-up may be held (minimum
interval passed), most urgent deadline first, and book the meeting if every
attendee is free that day, under their daily cap, and a common start time
exists.  Kept as the yardstick the CP-SAT planner must beat (benchmarks/).
"""

from __future__ import annotations

import time
from collections import defaultdict

from workbench.scheduling.instance import PackingInstance
from workbench.scheduling.packing import PackingResult
from workbench.model import Meeting


def edf_sweep(instance: PackingInstance) -> PackingResult:
    began = time.perf_counter()
    hours = instance.hours
    prev = [f.prev_day for f in instance.families]
    prev_is_meeting = [f.prev_is_meeting for f in instance.families]
    count = [0] * len(instance.families)
    allowed = [set(f.allowed_days) for f in instance.families]
    booked: dict[tuple[str, int], list[tuple[int, int]]] = defaultdict(list)
    meetings: list[Meeting] = []
    for day in range(instance.n_days):
        due = []
        for i, family in enumerate(instance.families):
            clock = family.clock
            if not clock.repeat and prev_is_meeting[i]:
                continue  # a one-off deadline, met
            if clock.earliest(prev[i], prev_is_meeting[i]) <= day and day in allowed[i]:
                due.append((clock.deadline(prev[i]), i))
        for deadline, i in sorted(due):
            family = instance.families[i]
            if any(len(booked[(p, day)]) >= instance.staff_cap[p] for p in family.attendees):
                continue
            start = _first_common_start(booked, family.attendees, day, family.minutes, instance.day_minutes,
                                        hours.step_minutes)
            if start is None:
                continue
            for p in family.attendees:
                booked[(p, day)].append((start, start + family.minutes))
            count[i] += 1
            begin = hours.start_minute + start
            meetings.append(Meeting(f"{family.id_prefix}-{count[i]:02d}", family.family_id, instance.day(day), begin,
                                    begin + family.minutes, family.attendees, family.rule_id, instance.day(deadline),
                                    max(0, day - deadline), person_id=family.person_id))
            prev[i], prev_is_meeting[i] = day, True
    unplaced = [(f.chain_id, f.clock.deadline(prev[i])) for i, f in enumerate(instance.families)
                if not f.clock.complete(prev[i], prev_is_meeting[i], instance.n_days)]
    return PackingResult(meetings=meetings, unplaced=unplaced, seconds=time.perf_counter() - began)


def _first_common_start(booked, people, day, minutes, day_minutes, step) -> int | None:
    for start in range(0, day_minutes - minutes + 1, step):
        end = start + minutes
        if all(all(end <= b or start >= e for b, e in booked[(p, day)]) for p in people):
            return start
    return None
