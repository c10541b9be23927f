"""The CP-SAT model over hires, place holders and follow-up chains: one method per constraint."""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from workbench.hard_rules import HardRule, add_constraints, constrains
from workbench.model import Staff
from workbench.scheduling.coordinators import fit_score
from workbench.settings import DEFAULT_HOURS
from workbench.whatif.staffing.problem import SCALE, Place, StaffingProblem


R = HardRule
CONSTRAINTS = (R.ONE_HOLDER_PER_PLACE, R.HIRE_BEFORE_USE, R.PRIMARY_DIFFERS_FROM_SECONDARY,
               R.ONE_TEAM_PLACE_PER_PERSON, R.CASELOAD_CAP, R.MEETINGS_IN_ORDER, R.MIN_INTERVAL, R.DEADLINE,
               R.ALL_CAN_MEET, R.DAILY_CAP, R.MEETING_HOURS)
"""The hard rules the model enforces (named as in the catalogue, the checker and the explanations)."""
SEARCH_AIDS = ("hires_in_order", "meeting_capacity", "cuts", "hires_cover_capacity_gap")
"""Constraints that are not rules of their own: a symmetry break, the relaxation of the day model used when that
model is too big (``meeting_capacity``), cuts learnt from verified plans, and an arithmetic bound stated outright."""
ORDER = (R.ONE_HOLDER_PER_PLACE, R.HIRE_BEFORE_USE, "hires_in_order", R.PRIMARY_DIFFERS_FROM_SECONDARY,
         R.ONE_TEAM_PLACE_PER_PERSON, R.CASELOAD_CAP, R.MEETINGS_IN_ORDER, R.MIN_INTERVAL, R.DEADLINE,
         R.ALL_CAN_MEET, "meeting_capacity", R.DAILY_CAP, R.MEETING_HOURS, "cuts", "hires_cover_capacity_gap")
"""The order the constraints are added in."""
EXACT_ONLY = frozenset({R.DAILY_CAP, R.MEETING_HOURS})
RELAXED_ONLY = frozenset({"meeting_capacity"})
MEETING_CONSTRAINTS = frozenset({R.MEETINGS_IN_ORDER, R.MIN_INTERVAL, R.DEADLINE, R.ALL_CAN_MEET, "meeting_capacity",
                                 R.DAILY_CAP, R.MEETING_HOURS})


def _named(item) -> HardRule | str:
    """A rule (given as the rule or its code) or a search aid; anything else is a typo in a bites test."""
    if item in SEARCH_AIDS:
        return item
    try:
        rule = HardRule(item)
    except ValueError:
        raise ValueError(f"StaffingModel has no constraint '{item}'") from None
    if rule not in CONSTRAINTS:
        raise ValueError(f"StaffingModel does not enforce {rule.name}")
    return rule


class StaffingModel:
    """CP-SAT model over hires, place holders and follow-up chains; one method per constraint."""

    CONSTRAINTS = CONSTRAINTS

    def __init__(self, problem: StaffingProblem, exact_meetings: bool,
                 cuts: list[tuple[str, tuple[tuple[Place, str], ...]]] = (),
                 disabled: frozenset[str] = frozenset()) -> None:
        self.problem, self.exact, self.cuts_list = problem, exact_meetings, list(cuts)
        self.model = cp_model.CpModel()
        m = self.model
        self.hired = {s.staff_id: m.new_bool_var(f"hired_{s.staff_id}") for s in problem.slots}
        self.hold: dict[tuple[Place, str], cp_model.IntVar] = {}
        for place, candidates in problem.options_of.items():
            for person in candidates:
                self.hold[(place, person)] = m.new_bool_var(f"hold_{place.name}_{person}")
        self.places_by_family: dict[str, list[Place]] = defaultdict(list)
        for place in problem.places:
            self.places_by_family[place.family_id].append(place)
        self.meeting_day: dict[tuple[str, int], dict[int, cp_model.IntVar]] = {}
        """(family, k) -> day -> 1 if the family's k-th follow-up (0-based) is on that day."""
        self.chains = {fid: problem.chains[fid] for fid in problem.modelled_chains(exact_meetings)}
        for fid, chain in self.chains.items():
            for k in range(chain.slots):
                self.meeting_day[(fid, k)] = {d: m.new_bool_var(f"c_{fid}_{k}_{d}")
                                              for d in chain.options(k, problem.n_days)}
        self.meets_on: dict[tuple[str, int], list] = defaultdict(list)
        for (fid, _), days in self.meeting_day.items():
            for d, var in days.items():
                self.meets_on[(fid, d)].append(var)
        self._attends: dict[tuple[str, str], object] = {}
        self._held: dict[tuple[str, int], object] = {}
        off = {_named(item) for item in disabled}
        self.off = off
        for item in ORDER:
            if item in off or (item in EXACT_ONLY and not self.exact) or (item in RELAXED_ONLY and self.exact):
                continue
            if isinstance(item, HardRule):
                add_constraints(self, (item,))
            else:
                getattr(self, item)()

    # ------------------------------------------------------------------ helpers

    def held(self, fid: str, k: int):
        return sum(self.meeting_day[(fid, k)].values())

    def day_of(self, fid: str, k: int):
        return cp_model.LinearExpr.weighted_sum(list(self.meeting_day[(fid, k)].values()), list(self.meeting_day[(fid, k)].keys()))

    def timed(self, fid: str, k: int, at):
        """``at(day)`` of meeting ``k``'s day (its deadline or earliest next day): weighted by the day chosen
        when the family's rule switches inside the horizon, so the switch stays exact."""
        if not self.chains[fid].clock.switches:
            return at(self.day_of(fid, k))
        days = self.meeting_day[(fid, k)]
        return cp_model.LinearExpr.weighted_sum(list(days.values()), [at(day) for day in days])

    def attends(self, person: str, fid: str):
        """1 if ``person`` holds any place of the family (a literal, a constant, or an auxiliary bool)."""
        key = (person, fid)
        if key not in self._attends:
            places = [q for q in self.places_by_family[fid] if (q, person) in self.hold]
            literals = [self.hold[(q, person)] for q in places]
            if not literals:
                self._attends[key] = 0
            elif any(len(self.problem.options_of[q]) == 1 for q in places):
                self._attends[key] = 1  # the person's place here cannot change
            elif len(literals) == 1:
                self._attends[key] = literals[0]
            else:
                aux = self.model.new_bool_var(f"attends_{person}_{fid}")
                for lit in literals:
                    self.model.add_implication(lit, aux)
                self.model.add(aux <= sum(literals))
                self._attends[key] = aux
        return self._attends[key]

    def persons_of(self, fid: str) -> set[str]:
        return {person for q in self.places_by_family[fid] for person in self.problem.options_of[q]}

    # ------------------------------------------------------------------ constraints

    @constrains(R.ONE_HOLDER_PER_PLACE)
    def one_holder_per_place(self) -> None:
        """Every place (coordinator role or team membership) has exactly one holder."""
        for place, candidates in self.problem.options_of.items():
            self.model.add_exactly_one([self.hold[(place, person)] for person in candidates])

    @constrains(R.HIRE_BEFORE_USE)
    def hire_before_use(self) -> None:
        """Only a hired newcomer can hold a place."""
        for (place, person), var in self.hold.items():
            if person in self.hired:
                self.model.add_implication(var, self.hired[person])

    def hires_in_order(self) -> None:
        """Newcomers of a role are hired in order (NY-x-1 before NY-x-2): removes symmetric solutions."""
        by_role: dict[str, list[Staff]] = defaultdict(list)
        for slot in self.problem.slots:
            by_role[slot.role].append(slot)
        for slots in by_role.values():
            for first, second in zip(slots, slots[1:]):
                self.model.add_implication(self.hired[second.staff_id], self.hired[first.staff_id])

    @constrains(R.PRIMARY_DIFFERS_FROM_SECONDARY)
    def primary_differs_from_secondary(self) -> None:
        """The primary and the secondary coordinator of a family are two people."""
        for fid, places in self.places_by_family.items():
            primary = next((q for q in places if q.kind == "primary"), None)
            secondary = next((q for q in places if q.kind == "secondary"), None)
            if primary is None or secondary is None:
                continue
            for person in set(self.problem.options_of[primary]) & set(self.problem.options_of[secondary]):
                self.model.add_bool_or([self.hold[(primary, person)].Not(), self.hold[(secondary, person)].Not()])

    @constrains(R.ONE_TEAM_PLACE_PER_PERSON)
    def one_team_place_per_person(self) -> None:
        """Nobody holds two team places of the same family."""
        for fid, places in self.places_by_family.items():
            team = [q for q in places if q.kind == "team"]
            if len(team) < 2:
                continue
            for person in {x for q in team for x in self.problem.options_of[q]}:
                literals = [self.hold[(q, person)] for q in team if (q, person) in self.hold]
                if len(literals) > 1:
                    self.model.add_at_most_one(literals)

    @constrains(R.CASELOAD_CAP)
    def caseload_cap(self) -> None:
        """Nobody's caseload points exceed their limit (a person with two roles in a family counts the larger).

        A newcomer's limit is stated as tightly as the other rules allow, because the solver's bound on the
        number of hires comes from these sums: their room counts only once hired (hire before use), and since
        nobody holds two coordinator places (primary differs from secondary) or two team places of a family,
        each kind's places are summed - one inequality per place would let fractions of a primary and a
        secondary look merged.  Colleagues keep one inequality per place: summed for everybody, the handover
        phase packed colleagues so tightly that the planner's check of the sick-leave question on the sample
        data failed in one run out of two (the same integer solutions either way).  With a rule switched off
        (a bites test) the looser form is used.
        """
        load = self.problem.options.load
        share = {"primary": load.primary, "secondary": load.secondary, "team": load.team}
        exclusive = {False: R.PRIMARY_DIFFERS_FROM_SECONDARY not in self.off,
                     True: R.ONE_TEAM_PLACE_PER_PERSON not in self.off}
        per_person: dict[str, list] = defaultdict(list)
        for fid, places in self.places_by_family.items():
            points = self.problem.register.family_by_id[fid].case_points
            by_person: dict[str, list[tuple[int, object, bool]]] = defaultdict(list)
            for q in places:
                for person in self.problem.options_of[q]:
                    by_person[person].append((round(SCALE * share[q.kind] * points), self.hold[(q, person)],
                                              q.kind == "team"))
            for person, items in by_person.items():
                if len(items) == 1:
                    per_person[person].append(items[0][0] * items[0][1])
                    continue
                top = max(w for w, _, _ in items)
                carried = self.model.new_int_var(0, top, f"load_{person}_{fid}")
                for team in (False, True):
                    kind = [(weight, lit) for weight, lit, is_team in items if is_team == team]
                    if exclusive[team] and kind and person in self.hired:  # a newcomer (see above)
                        self.model.add(carried >= sum(weight * lit for weight, lit in kind))
                    else:
                        for weight, lit in kind:
                            self.model.add(carried >= weight * lit)
                per_person[person].append(carried)
        counts_once_hired = R.HIRE_BEFORE_USE not in self.off
        for person, terms in per_person.items():
            staff = self.problem.people[person]
            room = max(0, round(SCALE * (staff.max_caseload_points - staff.base_caseload_points) + 1e-6))
            if person in self.hired and counts_once_hired:
                self.model.add(sum(terms) <= room * self.hired[person])
            else:
                self.model.add(sum(terms) <= room)

    def held_flag(self, fid: str, k: int):
        """1 if the family's k-th follow-up is held in the horizon (one bool per meeting, made once)."""
        if (fid, k) not in self._held:
            self._held[(fid, k)] = self._bool_of(self.held(fid, k), f"held_{fid}_{k}")
        return self._held[(fid, k)]

    @constrains(R.MEETINGS_IN_ORDER)
    def meetings_in_order(self) -> None:
        """Each family's follow-ups come in order: the required ones are held, and one is held only after the one
        before it."""
        for fid, chain in self.chains.items():
            held = [self.held_flag(fid, k) for k in range(chain.slots)]
            for k in range(chain.slots):
                if k < chain.required:
                    self.model.add(held[k] == 1)
                if k > 0:
                    self.model.add_implication(held[k], held[k - 1])

    @constrains(R.MIN_INTERVAL)
    def min_interval(self) -> None:
        """At least the rule's smallest number of days between two follow-ups."""
        for fid, chain in self.chains.items():
            for k in range(1, chain.slots):
                earliest = self.timed(fid, k - 1, lambda day: chain.clock.earliest(day, True))
                self.model.add(self.day_of(fid, k) >= earliest).only_enforce_if(
                    self.held_flag(fid, k))

    @constrains(R.DEADLINE)
    def deadline(self) -> None:
        """Every follow-up inside its deadline (hard here: staffing asks what it takes for none to be late), and the
        last one's next deadline after the horizon."""
        n_days = self.problem.n_days
        for fid, chain in self.chains.items():
            clock = chain.clock
            held = [self.held_flag(fid, k) for k in range(chain.slots)]
            for k in range(chain.slots):
                if k > 0:
                    self.model.add(self.day_of(fid, k) <= self.timed(fid, k - 1, clock.deadline)).only_enforce_if(
                        held[k])
                if k + 1 >= chain.required and clock.repeat:
                    # if meeting k is the last one held, the next deadline lies after the horizon
                    last = self.model.new_bool_var(f"last_{fid}_{k}")
                    if k + 1 < chain.slots:
                        self.model.add(last >= held[k] - held[k + 1])
                    else:
                        self.model.add(last >= held[k])
                    self.model.add(self.timed(fid, k, clock.deadline) >= n_days).only_enforce_if(last)

    def _bool_of(self, expr, name: str):
        var = self.model.new_bool_var(name)
        self.model.add(expr == var)
        return var

    @constrains(R.ALL_CAN_MEET)
    def all_can_meet(self) -> None:
        """A meeting day is one on which every holder of the family's places can meet."""
        for fid, chain in self.chains.items():
            places = self.places_by_family[fid]
            for d in {d for k in range(chain.slots) for d in self.meeting_day[(fid, k)]}:
                day_vars = self.meets_on[(fid, d)]
                for q in places:
                    away = [self.hold[(q, person)] for person in self.problem.options_of[q] if not self.problem.available(person, d)]
                    if away:
                        self.model.add(sum(day_vars) + sum(away) <= 1)

    def meeting_capacity(self) -> None:
        """By every deadline, a person cannot attend more meetings than their open days times their daily cap.

        Meeting k of a family must be held by prev + (k+1) * max interval; summed over the
        families a person may attend, that demand must fit the person's capacity up to each
        checkpoint.  A necessary condition only (used when the exact day model is too big).
        """
        n_days = self.problem.n_days
        checkpoints = sorted({min(n_days - 1, t) for t in range(13, n_days, 14)} | {n_days - 1})
        demand: dict[str, list] = defaultdict(list)
        for fid, chain in self.problem.chains.items():
            for person in self.persons_of(fid):
                demand[person].append(fid)
        for person, fids in demand.items():
            staff = self.problem.people[person]
            open_by = [0] * n_days
            count = 0
            for d in range(n_days):
                count += self.problem.available(person, d)
                open_by[d] = count
            for t in checkpoints:
                needs = []
                for fid in fids:
                    chain = self.problem.chains[fid]
                    need = chain.clock.due_by(chain.prev, t)
                    need = min(need, chain.required)
                    if need:
                        needs.append((need, fid))
                room = open_by[t] * staff.max_meetings_per_day
                if sum(n for n, _ in needs) > room:  # otherwise it cannot bind
                    self.model.add(sum(n * self.attends(person, fid) for n, fid in needs) <= room)

    def _person_day_terms(self) -> dict[tuple[str, int], list[tuple[object, int]]]:
        """(person, day) -> (meeting-on-that-day literal for a family the person attends, minutes)."""
        terms: dict[tuple[str, int], list] = defaultdict(list)
        for (fid, d), day_vars in self.meets_on.items():
            minutes = self.chains[fid].minutes
            meets = day_vars[0] if len(day_vars) == 1 else self._bool_of(sum(day_vars), f"meets_{fid}_{d}")
            for person in self.persons_of(fid):
                attends = self.attends(person, fid)
                if isinstance(attends, int):
                    if attends:
                        terms[(person, d)].append((meets, minutes))
                    continue
                both = self.model.new_bool_var(f"meet_{person}_{fid}_{d}")
                self.model.add(both >= meets + attends - 1)
                terms[(person, d)].append((both, minutes))
        return terms

    @constrains(R.DAILY_CAP)
    def daily_cap(self) -> None:
        """Nobody attends more meetings a day than their cap (exact day model)."""
        self._terms = getattr(self, "_terms", None) or self._person_day_terms()
        for (person, _d), items in self._terms.items():
            cap = self.problem.people[person].max_meetings_per_day
            if len(items) > cap:
                self.model.add(sum(v for v, _ in items) <= cap)

    @constrains(R.MEETING_HOURS)
    def meeting_hours(self) -> None:
        """Everyone's meetings on a day fit inside the meeting hours (exact day model)."""
        self._terms = getattr(self, "_terms", None) or self._person_day_terms()
        room = DEFAULT_HOURS.end_minute - DEFAULT_HOURS.start_minute
        for (person, _d), items in self._terms.items():
            if sum(minutes for _, minutes in items) > room:
                self.model.add(sum(v * minutes for v, minutes in items) <= room)

    def hires_cover_capacity_gap(self) -> None:
        """At least as many newcomers per group as the arithmetic capacity bound proves necessary.

        Implied by the caseload limits and the meeting chains, but stated outright so the
        solver's bound starts where plain arithmetic already is.
        """
        for bound in self.problem.bounds:
            slots = [self.hired[s.staff_id] for s in self.problem.slots if s.role in bound.hire_roles]
            if bound.hires > 0 and slots:
                self.model.add(sum(slots) >= bound.hires)

    def cuts(self) -> None:
        """A family that stayed late in a verified plan must have at least one blocked place change holder."""
        for _fid, pairs in self.cuts_list:
            literals = [self.hold[pair] for pair in pairs if pair in self.hold]
            if literals:
                self.model.add(sum(literals) <= len(literals) - 1)

    # ------------------------------------------------------------------ objectives

    def hires(self):
        return sum(self.hired.values())

    def handovers(self):
        """Places that leave their current holder (continuity for the families), with a small fit preference."""
        terms = []
        for (place, person), var in self.hold.items():
            if place.holder and person != place.holder:
                terms.append(100 * var)
            if place.kind != "team" and place.holder is None and person in self.problem.register.staff_by_id:
                family = self.problem.register.family_by_id[place.family_id]
                terms.append(-fit_score(self.problem.register, family, self.problem.people[person])[0] * var)
        return sum(terms)
