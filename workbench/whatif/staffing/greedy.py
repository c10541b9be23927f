"""A quick, not minimal staffing: a hint for the search and a candidate answer when the search is cut short.

The open places are packed like items into bins (first-fit decreasing, best fit): each goes to the suitable
person whose room it fills most tightly - or stays with its holder (someone over their limit) while their room
allows, so only the surplus changes hands - colleagues before newcomers already taken on, and a newcomer is taken
on only when nobody has room.  Four orders are tried (team places first, or simply the largest places first;
each also with newcomers first carrying a family's coordinator place and its team place of a coordinating role
together, which saves the team place's points) and the one with fewer newcomers is kept, then the one with fewer
handovers; each newcomer, the least loaded first, is given up if all their places fit elsewhere - also after
letting one person carry such a pair wherever the room allows, if that gives up more newcomers.
"""

from __future__ import annotations

import copy
from collections import defaultdict

from workbench.clocks import on_time_chain_exists
from workbench.whatif.staffing.problem import Place, StaffingProblem
from workbench.whatif.staffing.result import StaffingSolution

EPS = 1e-9

ORDERS = ("team_first", "largest_first", "bundled_team_first", "bundled_largest_first")
"""The orders the open places are packed in.  Team places can only go to their own role, so packing them first
keeps a coordinating role's room for its own team places; the largest first is the classic bin-packing order.
"bundled_" first lets newcomers take over pairs of places held apart (:func:`_bundle`)."""


class _Packing:
    """Holders chosen so far, the points each person carries per family, and everybody's room left."""

    def __init__(self, problem: StaffingProblem) -> None:
        load = problem.options.load
        self.problem = problem
        self.share = {"primary": load.primary, "secondary": load.secondary, "team": load.team}
        self.room = {pid: person.max_caseload_points - person.base_caseload_points
                     for pid, person in problem.people.items()}
        self.holders: dict[Place, str] = {}
        self.places_of: dict[tuple[str, str], list[Place]] = defaultdict(list)
        """(person, family) -> the places the person holds there."""
        self.held: dict[str, int] = defaultdict(int)
        """person -> how many places they hold."""
        self.chain_exists: dict[tuple[str, frozenset[int]], bool] = {}
        """(family, days) -> whether an on-time chain fits on those days; shared by copies."""
        self.family_places: dict[str, list[Place]] = defaultdict(list)
        for place in problem.places:
            self.family_places[place.family_id].append(place)

    def copy(self) -> _Packing:
        """A copy to try changes on (the problem is shared)."""
        other = copy.copy(self)
        other.room, other.holders, other.held = dict(self.room), dict(self.holders), defaultdict(int, self.held)
        other.places_of = defaultdict(list, {key: list(places) for key, places in self.places_of.items()})
        return other

    def points(self, place: Place) -> float:
        return self.problem.register.family_by_id[place.family_id].case_points * self.share[place.kind]

    def carried(self, person: str, fid: str) -> float:
        return max((self.points(q) for q in self.places_of[(person, fid)]), default=0.0)

    def extra(self, place: Place, person: str) -> float:
        """Points the person's caseload grows by with the place (a second role in a family counts the larger)."""
        return max(0.0, self.points(place) - self.carried(person, place.family_id))

    def take(self, place: Place, person: str) -> None:
        self.room[person] -= self.extra(place, person)
        self.places_of[(person, place.family_id)].append(place)
        self.holders[place] = person
        self.held[person] += 1

    def give_up(self, place: Place) -> None:
        person = self.holders.pop(place)
        before = self.carried(person, place.family_id)
        self.places_of[(person, place.family_id)].remove(place)
        self.room[person] += before - self.carried(person, place.family_id)
        self.held[person] -= 1

    def may_hold(self, place: Place, person: str) -> bool:
        """Not a second coordinator role, nor a second team place, in the same family."""
        team = place.kind == "team"
        return not any((q.kind == "team") == team for q in self.places_of[(person, place.family_id)])

    def keeping_chain(self, place: Place, people: list[str]) -> list[str]:
        """Those of ``people`` with whom the family's present people still have days for an on-time chain of
        follow-ups."""
        problem = self.problem
        chain = problem.chains.get(place.family_id)
        if chain is None or not chain.required:
            return people
        present = {p for q in self.family_places[place.family_id] if (p := self.holders.get(q))}
        days = frozenset(chain.days).intersection(*(problem.available_days(x) for x in present))
        return [person for person in people if self._chain_exists(chain, days & problem.available_days(person))]

    def _chain_exists(self, chain, days: frozenset[int]) -> bool:
        """Whether the family's chain fits on ``days`` (remembered: many people share the same days)."""
        key = (chain.family_id, days)
        if key not in self.chain_exists:
            self.chain_exists[key] = on_time_chain_exists(days, chain.prev, chain.prev_is_meeting, chain.clock,
                                                          self.problem.n_days)
        return self.chain_exists[key]

    def used(self, person: str) -> bool:
        return self.held[person] > 0


def _order(problem: StaffingProblem, packing: _Packing, places: list[Place], order: str) -> list[Place]:
    def size(q: Place):
        return (-packing.points(q), q.kind != "primary", q.name)
    if order == "team_first":
        return sorted(places, key=lambda q: (q.kind != "team", *size(q)))
    return sorted(places, key=size)


def _suitable(packing: _Packing, place: Place) -> list[str]:
    options = [p for p in packing.problem.options_of[place] if packing.may_hold(place, p)]
    return packing.keeping_chain(place, options) or options


def _tightest(packing: _Packing, place: Place, people: list[str]) -> str | None:
    """The person the place fits most tightly (least extra points, then least room left), or None."""
    fitting = [p for p in people if packing.room[p] + EPS >= packing.extra(place, p)]
    return min(fitting, key=lambda p: (packing.extra(place, p), packing.room[p] - packing.extra(place, p), p),
               default=None)


def _newcomer_for(packing: _Packing, role: str, points: float) -> str | None:
    """A newcomer of ``role`` with room for ``points``: one already taken on (the tightest fit) or the next one."""
    problem = packing.problem
    slots = [s.staff_id for s in problem.slots if s.role == role]
    taken_on = [p for p in slots if packing.used(p) and packing.room[p] + EPS >= points]
    if taken_on:
        return min(taken_on, key=lambda p: (packing.room[p], p))
    return next((p for p in slots if not packing.used(p) and packing.room[p] + EPS >= points), None)


def _bundle(packing: _Packing) -> None:
    """Let one person carry a family's coordinator place and its team place of a coordinating role together.

    A family counsellor (or other coordinating role) on a family's team who is also its coordinator counts the
    family once, which saves the team place's points.  Where both places stay with two different colleagues,
    only a newcomer of the team place's role can join them: the newcomer takes both (the secondary if there is
    one, as it weighs least), and the two colleagues get that much room for the open places."""
    problem = packing.problem
    coordinating = problem.coordinating_roles
    for places in packing.family_places.values():
        coordinator = sorted((q for q in places if q.kind != "team" and not problem.is_open(q)
                              and packing.holders.get(q) in problem.register.staff_by_id),
                             key=lambda q: q.kind != "secondary")
        for team in (q for q in places if q.kind == "team" and q.role in coordinating and not problem.is_open(q)):
            holder = packing.holders.get(team)
            if holder not in problem.register.staff_by_id or not coordinator:
                continue
            if any(packing.holders.get(q) == holder for q in places if q.kind != "team"):
                continue  # already carried together
            place = coordinator.pop(0)
            _pair_to(packing, place, team, _newcomer_for(packing, team.role, packing.points(place)))


def _pair_to(packing: _Packing, place: Place, team: Place, newcomer: str | None) -> bool:
    """Hand a family's coordinator place and team place to ``newcomer`` together, if they may hold both."""
    problem = packing.problem
    if newcomer is None or newcomer not in problem.options_of[place] or newcomer not in problem.options_of[team] \
            or not packing.may_hold(place, newcomer) or not packing.may_hold(team, newcomer):
        return False
    packing.give_up(place)
    packing.give_up(team)
    packing.take(place, newcomer)
    packing.take(team, newcomer)
    return True


def _carry_together(packing: _Packing) -> None:
    """After packing: where a family's coordinator place and its team place of a coordinating role have two
    holders, let one of them - or a newcomer of the team place's role - carry both, if their room allows.

    Each such move frees the team place's points (or more) for the open places of others, so that a newcomer
    may be given up afterwards."""
    coordinating = packing.problem.coordinating_roles
    for places in packing.family_places.values():
        for team in (q for q in places if q.kind == "team" and q.role in coordinating):
            holder = packing.holders.get(team)
            coordinators = sorted((q for q in places if q.kind != "team" and q in packing.holders),
                                  key=lambda q: (q.kind != "secondary", q.name))
            if holder is None or any(packing.holders[q] == holder for q in coordinators):
                continue
            for place in coordinators:
                if _moved_together(packing, place, team):
                    break


def _moved_together(packing: _Packing, place: Place, team: Place) -> bool:
    """Move ``team`` to ``place``'s holder, ``place`` to ``team``'s, or both to a newcomer of the team's role
    (whichever fits first); True if one did."""
    problem = packing.problem
    coordinator, member = packing.holders[place], packing.holders[team]
    if problem.people[coordinator].role == team.role and coordinator in problem.options_of[team] \
            and packing.may_hold(team, coordinator) and packing.room[coordinator] + EPS >= packing.extra(team, coordinator):
        packing.give_up(team)
        packing.take(team, coordinator)
        return True
    if member in problem.options_of[place] and packing.may_hold(place, member) \
            and packing.room[member] + EPS >= packing.extra(place, member):
        packing.give_up(place)
        packing.take(place, member)
        return True
    newcomer = _newcomer_for(packing, team.role, max(packing.points(place), packing.points(team)))
    if newcomer is None or not packing.used(newcomer) or newcomer in (coordinator, member):
        return False
    return _pair_to(packing, place, team, newcomer)


def _keeper(packing: _Packing, place: Place, colleagues: list[str]) -> str | None:
    """The place's present holder if they may keep it (an open place of someone over their limit: they keep
    their largest families while their room allows, so only the surplus changes hands)."""
    holder = place.holder
    if holder in colleagues and packing.room[holder] + EPS >= packing.extra(place, holder):
        return holder
    return None


def _pack(problem: StaffingProblem, order: str, keep_holders: bool) -> _Packing:
    packing = _Packing(problem)
    open_places = []
    for place in problem.places:
        if problem.is_open(place) or place.holder not in problem.options_of[place]:
            open_places.append(place)
        else:
            packing.take(place, place.holder)
    if order.startswith("bundled_"):
        _bundle(packing)
        order = order.removeprefix("bundled_")
    ordered = _order(problem, packing, open_places, order)
    waiting = defaultdict(int)  # role -> open team places of that role not yet placed
    for place in ordered:
        if place.kind == "team":
            waiting[place.role] += 1
    for place in ordered:
        if place.kind == "team":
            waiting[place.role] -= 1
        options = _suitable(packing, place)
        colleagues = [p for p in options if p not in problem.slot_ids]
        taken_on = [p for p in options if p in problem.slot_ids and packing.used(p)]
        person = (_keeper(packing, place, colleagues) if keep_holders else None) \
            or _tightest(packing, place, colleagues) or _tightest(packing, place, taken_on)
        if person is None:
            fresh = [p for p in options if p in problem.slot_ids and not packing.used(p)
                     and packing.room[p] + EPS >= packing.extra(place, p)]
            # a role whose own team places are still waiting can use the newcomer's room left over for them
            person = min(fresh, key=lambda p: (-waiting[problem.people[p].role], fresh.index(p)), default=None)
        if person is None and options:
            person = max(options, key=lambda p: (packing.room[p], p))  # over a limit: greedy_solution refuses it
        if person is not None:
            packing.take(place, person)
    return packing


def _hires(packing: _Packing) -> int:
    return len({p for p in packing.holders.values() if p in packing.problem.slot_ids})


def _within_limits(packing: _Packing) -> bool:
    return len(packing.holders) == len(packing.problem.places) and all(r >= -1e-6 for r in packing.room.values())


def _give_up_newcomers(packing: _Packing) -> _Packing:
    """Give up each newcomer, the least loaded first, whose places all fit with the others."""
    problem = packing.problem
    for newcomer in sorted({p for p in packing.holders.values() if p in problem.slot_ids},
                           key=lambda p: (packing.room[p] * -1, p)):
        trial = packing.copy()
        theirs = [q for q, p in trial.holders.items() if p == newcomer]
        for q in theirs:
            trial.give_up(q)
        trial.room[newcomer] = -1.0  # not to be chosen again
        for q in sorted(theirs, key=lambda q: (-trial.points(q), q.name)):
            options = [p for p in _suitable(trial, q) if p != newcomer]
            colleagues = [p for p in options if p not in problem.slot_ids]
            taken_on = [p for p in options if p in problem.slot_ids and trial.used(p)]
            person = _tightest(trial, q, colleagues) or _tightest(trial, q, taken_on)
            if person is None:
                break
            trial.take(q, person)
        else:
            trial.room[newcomer] = problem.people[newcomer].max_caseload_points
            packing = trial
    return packing


def _in_slot_order(problem: StaffingProblem, holders: dict[Place, str]) -> dict[Place, str]:
    """The same staffing with each role's newcomers numbered from 1 (they are alike; the model hires in order)."""
    rename = {}
    by_role: dict[str, list[str]] = defaultdict(list)
    for slot in problem.slots:
        by_role[slot.role].append(slot.staff_id)
    used = set(holders.values())
    for slots in by_role.values():
        rename.update(zip([s for s in slots if s in used], slots))
    return {q: rename.get(p, p) for q, p in holders.items()}


def greedy_start(problem: StaffingProblem, keep_holders: bool = False) -> dict[Place, str]:
    """A quick staffing: kept places stay, open places are packed into the suitable people (colleagues first,
    then newcomers), and newcomers whose places fit elsewhere are given up.

    Open places only go to people with whom the family can still meet on time (absences, part
    time); daily caps are left to the check.  Not minimal.  As the search's start (``keep_holders`` off) every
    open place is packed where it fits most tightly, which leaves the room to spare in few hands; as an answer
    (on) someone over their limit keeps their largest families while their room allows, so fewer families change
    hands (a quarter to a third as many on the sample data's questions, with as many newcomers).
    """
    if keep_holders not in problem.greedy_holders:
        best = None
        for order in ORDERS:
            packing = _pack(problem, order, keep_holders)
            if _within_limits(packing):
                together = packing.copy()
                _carry_together(together)
                together, packing = _give_up_newcomers(together), _give_up_newcomers(packing)
                if _hires(together) < _hires(packing):  # only then are the extra handovers worth it
                    packing = together
            handovers = sum(1 for q, p in packing.holders.items() if q.holder and p != q.holder)
            key = (not _within_limits(packing), _hires(packing), handovers)
            if best is None or key < best[0]:
                best = key, packing
        problem.greedy_holders[keep_holders] = _in_slot_order(problem, best[1].holders)
    return dict(problem.greedy_holders[keep_holders])


def greedy_solution(problem: StaffingProblem, lower_bound: int) -> StaffingSolution | None:
    """The greedy staffing as a candidate answer (caseload limits checked; meetings are checked later): the one
    that keeps more families with the people they know, unless packing every open place tightly takes on fewer."""
    holders = min((greedy_start(problem, keep_holders=True), greedy_start(problem)),
                  key=lambda h: (len(h) != len(problem.places), len(set(h.values()) & problem.slot_ids)))
    if not problem.within_limits(holders):
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
