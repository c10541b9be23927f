"""The rounds of solve, verify and cut that answer "how few newcomers make every deadline hold?"."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date

from workbench import catalogue
from workbench.model import Register
from workbench.model import Plan
from workbench.scheduling.planner import PlanOptions, PlanRun, make_plan
from workbench.scheduling.stopping import ProgressCallback, StopToken, no_progress
from workbench.whatif.staffing.greedy import greedy_solution
from workbench.whatif.staffing.problem import Place, StaffingOptions, StaffingProblem
from workbench.whatif.staffing.result import StaffingResult, StaffingSolution, handovers_of, unverified_message
from workbench.whatif.staffing.search import solve_staffing
from workbench.whatif.staffing.verify import blocked_places, late_families, staffed_register, verified_plan

PROGRESS_FIRST, PROGRESS_SPAN = 0.05, 0.9
"""The rounds' share of the progress bar (setting up the model comes before, "Færdig" after)."""


@dataclass
class Outcome:
    """What the last round left: the staffing, the register it gives and the plan that checked it."""

    solution: StaffingSolution
    staffed: Register
    plan: Plan
    run: PlanRun | None
    verified: bool
    """A checked plan holds every avoidable deadline with these hires."""


class StaffingRounds:
    """Solve, check, and - when the check leaves families late - cut and solve again.

    Keeps what the rounds learn: the proven lower bound (only from rounds before any cut, when the
    model is a relaxation of the true question), the cuts, and the messages for the team leader.
    """

    def __init__(self, problem: StaffingProblem, progress: ProgressCallback, stop: StopToken) -> None:
        options = problem.options
        self.problem, self.options, self.progress, self.stop = problem, options, progress, stop
        self.exact = options.meetings == "exact"
        self.can_escalate = (options.meetings == "auto" and problem.day_variables() <= options.exact_limit
                             and not problem.person_clocks)  # the planner verifies those; the exact day model cannot
        self.cuts: list[tuple[str, tuple[tuple[Place, str], ...]]] = []
        self.lower_bound, self.proven, self.messages = 0, True, []
        self.rounds = 0
        self.total_rounds = options.rounds + 1
        self.last_solution: StaffingSolution | None = None

    def step(self, share: float, text: str) -> None:
        self.progress(PROGRESS_FIRST + PROGRESS_SPAN * min(1.0, share / self.total_rounds), text)

    def run(self) -> Outcome | None:
        """The last round's outcome; None if no staffing was found (or the user stopped before one was)."""
        while self.rounds < self.total_rounds + (1 if self.can_escalate else 0):
            self.rounds += 1
            if self.stop.stopped:
                self.messages.append("Beregningen blev stoppet; svaret er ikke færdigt.")
                return None
            finished, outcome = self.one_round()
            if finished:
                return outcome
        return None

    def one_round(self) -> tuple[bool, Outcome | None]:
        """(whether the rounds are over, the outcome if any)."""
        problem, options = self.problem, self.options
        self.step(self.rounds - 1, f"Finder mindste bemanding (runde {self.rounds})")
        solution = solve_staffing(problem, self.exact, self.cuts, options.time_limit, self.stop,
                                  previous=self.last_solution)
        if solution is None and not self.cuts and not self.stop.stopped:
            greedy = self.greedy_fallback()
            if greedy is not None:
                checked = self.checked_greedy(greedy)
                return (True, checked) if checked is not None else self.checked_by_planner(greedy)
        if solution is None:
            self.messages.append(
                f"Ingen bemanding med højst {options.max_per_role} nye pr. rolle "
                f"({', '.join(catalogue.role_label(r).lower() for r in problem.hire_roles)}) kan holde alle frister "
                "inden for tidsgrænsen. Tillad flere nye, flere roller eller mere tid.")
            return True, None
        if not self.cuts:  # no cut yet: the model is a relaxation of the true question, its bound is valid
            self.lower_bound = max(self.lower_bound, solution.lower_bound, sum(max(0, b.hires) for b in problem.bounds))
            self.proven = solution.status == "OPTIMAL"
        self.last_solution = solution
        self.step(self.rounds - 0.7, f"Kontrollerer hver dag præcist (runde {self.rounds})")
        smaller = self.smaller_greedy(solution)
        checked = self.checked_by_days(solution, smaller)
        if checked is not None:
            return True, checked
        if self.can_escalate and not self.exact and not self.cuts:
            self.exact = True  # small enough: let the exact day model choose holders and days together
            return False, None
        if smaller is not None:  # the planner checks the smaller staffing (and later rounds start from it)
            self.last_solution = solution = smaller
        return self.checked_by_planner(solution)

    def smaller_greedy(self, solution: StaffingSolution) -> StaffingSolution | None:
        """The greedy staffing when it takes on fewer newcomers than a search that was cut short found."""
        if self.cuts or self.exact or sum(solution.hires.values()) <= solution.lower_bound:
            return None
        greedy = greedy_solution(self.problem, solution.lower_bound)
        if greedy is None or sum(greedy.hires.values()) >= sum(solution.hires.values()):
            return None
        return greedy

    def greedy_fallback(self) -> StaffingSolution | None:
        """The greedy staffing as the answer to check, when the search found no staffing in its time (a busy
        machine).  Its lower bound is the arithmetic one (valid on its own), so it is only called minimal if
        that bound reaches it."""
        problem = self.problem
        arithmetic = sum(max(0, b.hires) for b in problem.bounds)
        greedy = greedy_solution(problem, arithmetic)
        if greedy is None:
            return None
        self.lower_bound = max(self.lower_bound, arithmetic)
        self.last_solution = greedy
        self.messages.append("Søgningen fandt ingen bemanding inden for tidsgrænsen; svaret er en enkel bemanding. "
                             "Giv mere tid for et mindre svar.")
        return greedy

    def checked_greedy(self, greedy: StaffingSolution) -> Outcome | None:
        """The greedy staffing with a checked day plan (its days are not chosen, so never the exact model's)."""
        staffed = staffed_register(self.problem, greedy)
        verified = verified_plan(self.problem, staffed, greedy, False, self.options.plan_time_limit, self.stop)
        if verified is None:
            return None
        checked, plan = verified
        return Outcome(checked, staffed, plan, None, verified=True)

    def checked_by_days(self, solution: StaffingSolution, smaller: StaffingSolution | None) -> Outcome | None:
        """The solution (or a ``smaller`` greedy one, if that checks) with a checked day plan."""
        if smaller is not None:
            checked = self.checked_greedy(smaller)
            if checked is not None:
                return checked
        staffed = staffed_register(self.problem, solution)
        verified = verified_plan(self.problem, staffed, solution, self.exact, self.options.plan_time_limit, self.stop)
        if verified is None:
            return None
        checked, plan = verified
        return Outcome(checked, staffed, plan, None, verified=True)

    def checked_by_planner(self, solution: StaffingSolution) -> tuple[bool, Outcome | None]:
        """Run the real planner on the staffing; families it leaves late become cuts for the next round.

        First every place goes to its holder in the staffing, coordinators too: the model has shown that these
        holders keep every caseload limit and leave each family days for an on-time chain, and the planner's own
        coordinator search can miss a tight staffing (on the sample data with a cap of 25 points it left a family
        late with the 10 newcomers that suffice).  If that leaves families late, a second opinion lets the planner
        choose the open coordinator places itself (it balances caseloads and the meetings of the day, which the
        model does not count).  Only then do the late families become cuts.
        """
        problem = self.problem
        self.step(self.rounds - 0.5, f"Kontrollerer med planlæggeren (runde {self.rounds})")
        in_cuts = {q for _, pairs in self.cuts for q, _ in pairs}
        planner_decides = frozenset(q for q in problem.places if q.kind != "team" and problem.is_open(q)
                                    and q.family_id not in problem.stuck_families and q not in in_cuts)
        staffed = staffed_register(problem, solution)
        run = self._plan(staffed)
        if run is None:
            return True, Outcome(solution, staffed, Plan(problem.start, problem.end, [], []), None, verified=False)
        late = late_families(problem, run)
        n_late = sum(len(w) for w in late.values())
        n_unassigned = run.plan.summary.get("unassigned_families", 0)
        if (late or n_unassigned) and planner_decides and not self.stop.stopped:
            second_staffed = staffed_register(problem, solution, planner_decides)  # the planner's coordinators
            second = self._plan(second_staffed)
            if second is not None:
                staffed, run = second_staffed, second
                late = late_families(problem, run)
                n_late = sum(len(w) for w in late.values())
                n_unassigned = run.plan.summary.get("unassigned_families", 0)
        self.step(self.rounds - 0.2, f"Runde {self.rounds}: {sum(solution.hires.values())} nye, "
                                     f"{n_late} for sene møder i kontrolplanen")
        if not late and not n_unassigned:
            return True, Outcome(solution, staffed, run.plan, run, verified=True)
        if self.rounds >= self.total_rounds or self.stop.stopped:
            self.messages.append(unverified_message(self.rounds, n_late, n_unassigned))
            return True, Outcome(solution, staffed, run.plan, run, verified=False)
        for fid, windows in late.items():
            self.cuts.append((fid, blocked_places(problem, staffed, run, fid, windows)))
        return False, None

    def _plan(self, staffed: Register) -> PlanRun | None:
        """The planner's plan of the staffed register; None (and a message) if it gave up on a window."""
        options, problem = self.options, self.problem
        try:
            return make_plan(staffed, problem.start, problem.end,
                             PlanOptions(time_limit=options.plan_time_limit, load=options.load,
                                         workers=options.workers), stop=self.stop)
        except RuntimeError as error:  # the answer stays unverified
            self.messages.append(f"Kontrolplanen kunne ikke laves ({error}); svaret er ikke kontrolleret.")
            return None

    def result(self, outcome: Outcome | None, seconds: float) -> StaffingResult:
        """The team leader's answer; minimality is only claimed for a verified staffing."""
        problem = self.problem
        unavoidable = [{"family_id": u.family_id, "person_id": u.person_id, "deadline": u.deadline.isoformat(),
                        "reason": u.reason} for u in problem.unavoidable.values()]
        model_name = "præcis pr. dag" if self.exact else "lempet (tilgængelighed og kapacitet) + præcis kontrol"
        if outcome is None:
            return StaffingResult({}, 0, self.lower_bound, False, False, problem.bounds, [], unavoidable, self.rounds,
                                  model_name, self.messages, {}, seconds)
        solution, plan = outcome.solution, outcome.plan
        total = sum(solution.hires.values())
        proven = outcome.verified and (total == 0 or self.proven and not self.cuts
                                       and self.lower_bound >= total)  # none added is minimal
        summary = dict(plan.summary) if plan.summary else {"meetings": len(plan.meetings)}
        return StaffingResult({r: n for r, n in sorted(solution.hires.items()) if n}, total,
                              total if proven else min(self.lower_bound, total), proven, outcome.verified,
                              problem.bounds, handovers_of(problem, outcome.staffed, plan), unavoidable, self.rounds,
                              model_name, self.messages, summary, seconds, run=outcome.run, register=outcome.staffed)


def minimal_staffing(register: Register, start: date, end: date, options: StaffingOptions = StaffingOptions(),
                     vacant_places: tuple[tuple[str, str], ...] = (), progress: ProgressCallback = no_progress,
                     stop: StopToken | None = None) -> StaffingResult:
    """The fewest newcomers per role that make every deadline hold, verified by a checked plan.

    Round 1 solves the model (relaxed meetings unless told otherwise); its optimum is a proven
    lower bound.  The answer is verified by an exact per-day schedule (timed and checked
    independently).  In "auto" mode a failed check on a small instance escalates to the exact
    day model; otherwise the real planner is run and families it leaves late force a handover in
    the next round (then the answer is an upper bound with the proven lower bound beside it).
    """
    began = time.perf_counter()
    stop = stop or StopToken()
    progress(0.0, "Opstiller bemandingsmodellen")
    problem = StaffingProblem(register, start, end, options, vacant_places)
    rounds = StaffingRounds(problem, progress, stop)
    outcome = rounds.run()
    progress(1.0, "Stoppet – bedste svar indtil nu" if stop.stopped else "Færdig")
    return rounds.result(outcome, time.perf_counter() - began)
