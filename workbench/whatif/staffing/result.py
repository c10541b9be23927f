"""The answers: the model's staffing (StaffingSolution) and the team leader's (StaffingResult)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from workbench import catalogue
from workbench.model import Register
from workbench.model import Plan
from workbench.scheduling.planner import PlanRun
from workbench.whatif.staffing.bounds import RoleBound

if TYPE_CHECKING:
    from workbench.whatif.staffing.problem import Place, StaffingProblem


@dataclass
class StaffingSolution:
    """One staffing found by the model (or the greedy start): hires, holders and, if decided, meeting days."""

    hires: dict[str, int]
    hired_ids: set[str]
    holders: dict[Place, str]
    meeting_days: dict[str, list[int]]
    status: str
    lower_bound: int
    """Fewest hires proven necessary when this was found."""
    seconds: float


@dataclass
class StaffingResult:
    hires: dict[str, int]
    """Role -> newcomers needed (roles with zero left out)."""
    total: int
    lower_bound: int
    """Proven: no staffing with fewer newcomers in total can work (under the reassignment policy)."""
    proven_minimal: bool
    feasible: bool
    """A verified plan holds every deadline with these hires."""
    bounds: list[RoleBound] = field(default_factory=list)
    handovers: list[dict] = field(default_factory=list)
    """family_id, place, from, to for places that move."""
    unavoidable: list[dict] = field(default_factory=list)
    rounds: int = 0
    meeting_model: str = ""
    messages: list[str] = field(default_factory=list)
    plan_summary: dict = field(default_factory=dict)
    seconds: float = 0.0
    key: str = ""
    cached: bool = False
    run: PlanRun | None = field(default=None, repr=False, compare=False)
    register: Register | None = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict:
        return {
            "hires": self.hires, "total": self.total, "lower_bound": self.lower_bound,
            "proven_minimal": self.proven_minimal, "feasible": self.feasible,
            "bounds": [vars(b) | {"hires": b.hires, "hire_roles": list(b.hire_roles)} for b in self.bounds],
            "handovers": self.handovers,
            "unavoidable": self.unavoidable, "rounds": self.rounds, "meeting_model": self.meeting_model,
            "messages": self.messages, "plan_summary": self.plan_summary, "seconds": round(self.seconds, 1),
            "key": self.key,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "StaffingResult":
        data = dict(data)
        data["bounds"] = [RoleBound(**{k: (tuple(v) if k == "hire_roles" else v) for k, v in b.items() if k != "hires"})
                          for b in data.get("bounds", [])]
        return cls(**data)

    def summary_da(self) -> str:
        if not self.feasible:
            return "Der blev ikke fundet en bemanding, der holder alle frister. " + " ".join(self.messages[:2])
        if not self.total:
            return "Ingen ekstra medarbejdere er nødvendige: alle frister holder med den nuværende bemanding."
        parts = ", ".join(f"{n} {catalogue.role_label(r).lower()}" for r, n in sorted(self.hires.items()))
        proof = ("Det er bevist det mindste antal." if self.proven_minimal else
                 f"Mindst {self.lower_bound} er bevist nødvendige; den fundne løsning bruger {self.total}.")
        more = "mere" if self.total == 1 else "flere"
        return f"Der skal {self.total} {more} til: {parts}. {proof}"


def handovers_of(problem: StaffingProblem, staffed: Register, plan: Plan) -> list[dict]:
    """Places whose holder in the final plan differs from today's (new coordinators included)."""
    final = {a.family_id: a for a in plan.assignments}
    out = []
    for family in problem.register.families:
        fid = family.family_id
        a = final.get(fid)
        staffed_family = staffed.family_by_id[fid]
        for kind, before, after in (
            ("primær koordinator", family.primary_coordinator,
             a.primary_coordinator if a else staffed_family.primary_coordinator),
            ("sekundær koordinator", family.secondary_coordinator,
             a.secondary_coordinator if a else staffed_family.secondary_coordinator),
        ):
            if after and after != before:
                out.append({"family_id": fid, "place": kind, "from": before or "", "to": after})
        before_team = {(m.role, m.staff_id) for m in problem.register.team_by_family.get(fid, ())}
        after_team = {(m.role, m.staff_id) for m in staffed.team_by_family.get(fid, ())}
        for role, person in sorted(after_team - before_team):
            previous = next((s for r, s in before_team if r == role and (r, s) not in after_team), "")
            out.append({"family_id": fid, "place": catalogue.role_label(role), "from": previous, "to": person})
    return out


def unverified_message(rounds: int, n_late: int, n_unassigned: int) -> str:
    """Why the answer after the last round is not verified, in the team leader's words."""
    problems = []
    if n_late:
        problems.append(f"{n_late} for sene møder, der kunne undgås")
    if n_unassigned:
        problems.append(f"{n_unassigned} {'familie' if n_unassigned == 1 else 'familier'} uden koordinator")
    return (f"Efter {rounds} {'runde' if rounds == 1 else 'runder'} havde kontrolplanen stadig "
            f"{' og '.join(problems)}; svaret er derfor ikke kontrolleret.")
