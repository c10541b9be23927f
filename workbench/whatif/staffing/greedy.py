"""A quick, not minimal staffing: a hint for the search and a candidate answer when the search is cut short."""

from __future__ import annotations

from collections import defaultdict

from workbench.clocks import on_time_chain_exists
from workbench.whatif.staffing.problem import Place, StaffingProblem
from workbench.whatif.staffing.result import StaffingSolution


def greedy_start(problem: StaffingProblem) -> dict[Place, str]:
    """A quick staffing to start the search from: kept places stay, open places go to the suitable
    person with most room left, and a newcomer is taken on only when nobody has room.

    Open places only go to people with whom the family can still meet on time (absences, part
    time); daily caps are left to the check.  Not minimal - a hint and a fallback candidate.
    """
    load = problem.options.load
    share = {"primary": load.primary, "secondary": load.secondary, "team": load.team}
    room = {pid: person.max_caseload_points - person.base_caseload_points for pid, person in problem.people.items()}
    holders: dict[Place, str] = {}
    carried: dict[tuple[str, str], float] = defaultdict(float)

    def take(place: Place, person: str) -> None:
        points = problem.register.family_by_id[place.family_id].case_points * share[place.kind]
        extra = max(0.0, points - carried[(person, place.family_id)])
        carried[(person, place.family_id)] = max(carried[(person, place.family_id)], points)
        room[person] -= extra
        holders[place] = person

    open_places = []
    for place in problem.places:
        if problem.is_open(place) or place.holder not in problem.options_of[place]:
            open_places.append(place)
        else:
            take(place, place.holder)
    open_places.sort(key=lambda q: (-problem.register.family_by_id[q.family_id].case_points, q.kind != "primary", q.name))
    for place in open_places:
        points = problem.register.family_by_id[place.family_id].case_points * share[place.kind]
        taken_here = {holders[q] for q in problem.places if q.family_id == place.family_id and q in holders
                      and (q.kind == "team") == (place.kind == "team")}
        options = [p for p in problem.options_of[place] if p not in taken_here]
        chain = problem.chains.get(place.family_id)
        if chain is not None and chain.required:
            present = {holders[q] for q in problem.places if q.family_id == place.family_id and q in holders}
            days = [d for d in chain.days if all(problem.available(x, d) for x in present)]

            def keeps_chain(person: str) -> bool:
                usable = [d for d in days if problem.available(person, d)]
                return on_time_chain_exists(usable, chain.prev, chain.prev_is_meeting, chain.clock, problem.n_days)

            options = [p for p in options if keeps_chain(p)] or options
        existing = [p for p in options if p not in problem.slot_ids and room[p] + 1e-9 >= points]
        if existing:
            take(place, max(existing, key=lambda p: (room[p], p)))
            continue
        newcomers = [p for p in options if p in problem.slot_ids]
        used = [p for p in newcomers if room[p] < problem.people[p].max_caseload_points - 1e-9]
        fitting = [p for p in used if room[p] + 1e-9 >= points] or \
            [p for p in newcomers if p not in used and room[p] + 1e-9 >= points]
        if fitting:
            take(place, fitting[0])
        elif options:
            take(place, max(options, key=lambda p: (room[p], p)))
    return holders


def greedy_solution(problem: StaffingProblem, lower_bound: int) -> StaffingSolution | None:
    """The greedy start as a candidate answer (caseload limits checked; meetings are checked later)."""
    holders = greedy_start(problem)
    if len(holders) != len(problem.places):
        return None
    load = problem.options.load
    share = {"primary": load.primary, "secondary": load.secondary, "team": load.team}
    carried: dict[tuple[str, str], float] = defaultdict(float)
    for place, person in holders.items():
        points = problem.register.family_by_id[place.family_id].case_points * share[place.kind]
        carried[(person, place.family_id)] = max(carried[(person, place.family_id)], points)
    used: dict[str, float] = defaultdict(float)
    for (person, _), points in carried.items():
        used[person] += points
    if any(used[p] > problem.people[p].max_caseload_points - problem.people[p].base_caseload_points + 1e-6
           for p in used):
        return None
    by_family: dict[str, list[tuple[Place, str]]] = defaultdict(list)
    for place, person in holders.items():
        by_family[place.family_id].append((place, person))
    for pairs in by_family.values():
        coordinators = [p for q, p in pairs if q.kind != "team"]
        team = [p for q, p in pairs if q.kind == "team"]
        if len(set(coordinators)) < len(coordinators) or len(set(team)) < len(team):
            return None
    hired_ids = set(holders.values()) & problem.slot_ids
    hires: dict[str, int] = defaultdict(int)
    for slot_id in hired_ids:
        hires[problem.people[slot_id].role] += 1
    return StaffingSolution(dict(hires), hired_ids, holders, {}, "FEASIBLE", lower_bound, 0.0)
