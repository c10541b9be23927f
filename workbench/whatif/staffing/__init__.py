"""Minimal staffing: the fewest added staff per role so that every deadline holds.

"Every deadline holds" means: every family has a primary coordinator (and
a secondary where needed), every team place has a holder, nobody is over their
caseload limit, and no follow-up of the horizon is late or missing - except for
families whose lateness no staffing can avoid (:mod:`workbench.whatif.lateness`),
which are listed and left out.

How added staff relieve the bottleneck (the reassignment policy):
* a *place* is one coordinator role (primary/secondary) or one team membership
  of a family;
* places that are already open - no coordinator yet, the holder left, or the
  holder is over their limit - may go to anybody suitable (any coordinator for
  coordinator places, anybody of the same role for team places), new or not;
* every other place stays with its holder or is handed over to a *new*
  colleague of a suitable role.  Families keep the people they know unless a
  newcomer takes over; we never shuffle families between existing colleagues.

The search is one CP-SAT model (:class:`StaffingModel`) over hire slots per role,
place holders, caseload limits and the follow-up chains; the fewest hires are
found first, then the fewest handovers.  For small instances the meetings are
modelled exactly per day (daily caps and minutes); for large ones the model
keeps the exact availability of every chain and a capacity condition per person
(meetings needed by each deadline vs. meetings the person can attend by then),
which is a relaxation: its optimum is a proven lower bound.  Every answer is
then verified with the real planner and the independent checker.  If the
verified plan still has avoidable late meetings, the families' blocked places
must change holder in the next round (a cut) - after such rounds the answer is
an upper bound, reported with the proven lower bound beside it.
"""


from workbench.whatif.staffing.bounds import COORDINATING, RoleBound, capacity_bounds
from workbench.whatif.staffing.greedy import greedy_solution, greedy_start
from workbench.whatif.staffing.minimal import minimal_staffing
from workbench.whatif.staffing.model import CONSTRAINTS, MEETING_CONSTRAINTS, SEARCH_AIDS, StaffingModel
from workbench.whatif.staffing.problem import HIRE_PREFIX, SCALE, Chain, Place, StaffingOptions, StaffingProblem
from workbench.whatif.staffing.result import StaffingResult, StaffingSolution, unverified_message
from workbench.whatif.staffing.search import TimeBudget, solve_staffing
from workbench.whatif.staffing.verify import staffed_register, verify_by_days

__all__ = [
    "CONSTRAINTS", "COORDINATING", "HIRE_PREFIX", "MEETING_CONSTRAINTS", "SCALE", "SEARCH_AIDS",
    "Chain", "Place", "RoleBound", "StaffingModel", "StaffingOptions", "StaffingProblem", "StaffingResult",
    "StaffingSolution", "TimeBudget", "capacity_bounds", "greedy_solution", "greedy_start", "minimal_staffing", "solve_staffing",
    "staffed_register", "unverified_message", "verify_by_days",
]
