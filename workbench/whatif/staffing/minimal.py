"""The rounds of solve, verify and cut that answer "how few newcomers make every deadline hold?"."""

from __future__ import annotations

import time
from datetime import date

from workbench import catalogue
from workbench.model import Register
from workbench.scheduling.plan import Plan
from workbench.scheduling.planner import PlanOptions, make_plan
from workbench.scheduling.stopping import ProgressCallback, StopToken, no_progress
from workbench.whatif.staffing.greedy import greedy_solution
from workbench.whatif.staffing.problem import Place, StaffingOptions, StaffingProblem
from workbench.whatif.staffing.result import StaffingResult, StaffingSolution, handovers_of, unverified_message
from workbench.whatif.staffing.search import solve_staffing
from workbench.whatif.staffing.verify import blocked_places, late_families, verified_plan, staffed_register


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
    exact = options.meetings == "exact"
    can_escalate = (options.meetings == "auto" and problem.day_variables() <= options.exact_limit
                    and not problem.person_clocks)  # the planner verifies those; the exact day model cannot
    bounds = problem.bounds
    unavoidable = [{"family_id": u.family_id, "person_id": u.person_id, "deadline": u.deadline.isoformat(),
                    "reason": u.reason} for u in problem.unavoidable.values()]
    cuts: list[tuple[str, tuple[tuple[Place, str], ...]]] = []
    lower_bound, proven, messages = 0, True, []
    result = None
    rounds = 0
    total_rounds = options.rounds + 1
    last_solution: StaffingSolution | None = None
    model_holders_only = False  # set when the planner's own coordinator assignment left families without one

    def step(share: float, text: str) -> None:
        progress(0.05 + 0.9 * min(1.0, share / total_rounds), text)

    while rounds < total_rounds + (1 if can_escalate else 0):
        rounds += 1
        if stop.stopped:
            messages.append("Beregningen blev stoppet; svaret er ikke færdigt.")
            break
        step(rounds - 1, f"Finder mindste bemanding (runde {rounds})")
        solution = solve_staffing(problem, exact, cuts, options.time_limit, stop, previous=last_solution)
        if solution is None:
            messages.append(
                f"Ingen bemanding med højst {options.max_per_role} nye pr. rolle "
                f"({', '.join(catalogue.role_label(r).lower() for r in problem.hire_roles)}) kan holde alle frister "
                "inden for tidsgrænsen. Tillad flere nye, flere roller eller mere tid.")
            break
        if not cuts:  # no cut yet: the model is a relaxation of the true question, its bound is valid
            lower_bound = max(lower_bound, solution.lower_bound, sum(max(0, b.hires) for b in bounds))
            proven = solution.status == "OPTIMAL"
        last_solution = solution
        staffed = staffed_register(problem, solution)
        step(rounds - 0.7, f"Kontrollerer hver dag præcist (runde {rounds})")
        verified = None
        if not cuts and not exact and sum(solution.hires.values()) > solution.lower_bound:
            # the search was cut short: a simple greedy staffing may be smaller - check it the same way
            greedy = greedy_solution(problem, solution.lower_bound)
            if greedy is not None and sum(greedy.hires.values()) < sum(solution.hires.values()):
                greedy_staffed = staffed_register(problem, greedy)
                verified = verified_plan(problem, greedy_staffed, greedy, False, options.plan_time_limit, stop)
                if verified is not None:
                    solution, staffed = greedy, greedy_staffed
        if verified is None:
            verified = verified_plan(problem, staffed, solution, exact, options.plan_time_limit, stop)
        if verified is not None:
            solution, plan = verified
            result = (solution, staffed, plan, None)
            break
        if can_escalate and not exact and not cuts:
            exact = True  # small enough: let the exact day model choose holders and days together
            continue
        step(rounds - 0.5, f"Kontrollerer med planlæggeren (runde {rounds})")
        in_cuts = {q for _, pairs in cuts for q, _ in pairs}
        planner_decides = frozenset() if model_holders_only else frozenset(
            q for q in problem.places if q.kind != "team" and problem.is_open(q)
            and q.family_id not in problem.stuck_families and q not in in_cuts)
        staffed = staffed_register(problem, solution, planner_decides)
        try:
            run = make_plan(staffed, start, end, PlanOptions(time_limit=options.plan_time_limit, load=options.load,
                                                             workers=options.workers), stop=stop)
        except RuntimeError as error:  # the planner gave up on a window: the answer stays unverified
            messages.append(f"Kontrolplanen kunne ikke laves ({error}); svaret er ikke kontrolleret.")
            result = (solution, staffed, Plan(start, end, [], []), None)
            break
        late = late_families(problem, run)
        n_late = sum(len(w) for w in late.values())
        n_unassigned = run.plan.summary.get("unassigned_families", 0)
        step(rounds - 0.2, f"Runde {rounds}: {sum(solution.hires.values())} nye, {n_late} for sene møder i kontrolplanen")
        if not late and not n_unassigned:
            result = (solution, staffed, run.plan, run)
            break
        if rounds >= total_rounds or stop.stopped:
            messages.append(unverified_message(rounds, n_late, n_unassigned))
            result = (solution, staffed, run.plan, run)
            break
        if n_unassigned and not model_holders_only:
            # the planner did not find the coordinator assignment the model has shown exists (on a busy
            # machine its search can be cut short): check the model's own holders next
            model_holders_only = True
        for fid, windows in late.items():
            cuts.append((fid, blocked_places(problem, staffed, run, fid, windows)))
    progress(1.0, "Stoppet – bedste svar indtil nu" if stop.stopped else "Færdig")
    model_name = "præcis pr. dag" if exact else "lempet (tilgængelighed og kapacitet) + præcis kontrol"
    if result is None:
        return StaffingResult({}, 0, lower_bound, False, False, bounds, [], unavoidable, rounds, model_name, messages,
                              {}, time.perf_counter() - began)
    solution, staffed, plan, run = result
    feasible = not messages
    total = sum(solution.hires.values())
    proven = feasible and (total == 0 or proven and not cuts and lower_bound >= total)  # none added is minimal
    summary = dict(plan.summary) if plan.summary else {"meetings": len(plan.meetings)}
    return StaffingResult({r: n for r, n in sorted(solution.hires.items()) if n}, total,
                          total if proven else min(lower_bound, total), proven, feasible, bounds,
                          handovers_of(problem, staffed, plan), unavoidable, rounds, model_name, messages, summary,
                          time.perf_counter() - began, run=run, register=staffed)
