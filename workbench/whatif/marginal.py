"""What one more colleague of a role is worth: the late follow-ups (and days) a single hire removes.

A new colleague alone relieves nobody: a family's follow-ups are attended by its own team and coordinators, so
someone has to *take over families*.  For a role, the hire (made like a full-time colleague of that role,
``scenario.new_staff``) takes over, in this order:

1. families whose follow-ups are late in the plan and where a colleague of that role attends - only lateness a
   hire can touch: a family already overdue when the period starts, or away through a whole interval, stays late
   whatever the staffing (``lateness.py``);
2. families in a person-week of such a colleague that is proven too full (``scheduling/bounds.py``);
3. then, to level the load, families of whoever of the role holds the most families, those with meetings in that
   person's busiest weeks first.

It stops at a fair share - the role's families divided over its people with the hire counted in - and at the
caseload cap a colleague of the role has.  The hire replaces the colleague in the family's team, in the family's
own list of who comes, and as coordinator (a role that cannot coordinate hands the place back to the planner's
coordinator assignment).  A family that chose that colleague as its coordinator keeps them.

The same period is then planned again with the same options - deterministic, so the planner counts work rather
than wall time and the same register always gives the same plan - and compared with the plan without the hire.
The search is still time-limited, so a difference of one follow-up can be the search's rather than the hire's;
the proven lower bounds are kept beside the counts.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field, replace
from datetime import date

from workbench import catalogue
from workbench.danish import count, monday_of
from workbench.model import Assignment, Register, Staff, TeamMember
from workbench.scheduling.bounds import late_bound
from workbench.scheduling.planner import PlanOptions, PlanRun, make_plan
from workbench.scheduling.stopping import ProgressCallback, StopToken, no_progress
from workbench.settings import DEFAULT_LOAD, LoadWeights
from workbench.whatif.kpis import weekly_utilisation
from workbench.whatif.lateness import unavoidable_lateness
from workbench.whatif.scenario import new_staff

LATE, CROWDED, LEVEL = "forsinket", "fuld uge", "udligning"
"""Why a family was handed over (the order in which families are chosen)."""

ALL_HELD_DA = "Alle opfølgninger holdes – en ansættelse mere fjerner ingen forsinkelser."


@dataclass(frozen=True)
class Handover:
    """One family the hire takes over from a colleague, and in which places."""

    family_id: str
    from_staff: str
    places: tuple[str, ...]
    """'team', 'primær koordinator', 'sekundær koordinator'."""
    why: str


@dataclass
class HireValue:
    """One hire of one role: whom it takes over and what the plan looks like with it."""

    role: str
    hire_id: str
    handovers: list[Handover] = field(default_factory=list)
    late_before: int = 0
    late_after: int = 0
    days_before: int = 0
    days_after: int = 0
    bound_before: int = 0
    """Proven fewest late follow-ups (summary ``late_lower_bound``) without and with the hire."""
    bound_after: int = 0
    days_bound_before: int = 0
    """Proven fewest days late (summary ``late_days_lower_bound``) without and with the hire."""
    days_bound_after: int = 0
    seconds: float = 0.0
    replanned: bool = False
    hires: int = 1
    text: str = ""

    @property
    def removed_late(self) -> int:
        return self.late_before - self.late_after

    @property
    def removed_days(self) -> int:
        return self.days_before - self.days_after

    @property
    def proven_late(self) -> int:
        """Late follow-ups removed beyond doubt: no plan without the hire has as few as the plan with it."""
        return max(0, min(self.removed_late, self.bound_before - self.late_after))

    @property
    def proven_days(self) -> int:
        return max(0, min(self.removed_days, self.days_bound_before - self.days_after))

    @property
    def from_staff(self) -> list[str]:
        return list(dict.fromkeys(h.from_staff for h in self.handovers))


@dataclass
class MarginalResult:
    start: date
    end: date
    late: int
    days_late: int
    unavoidable: int
    """Late follow-ups no staffing can bring on time (overdue at the start, away through a whole interval)."""
    values: list[HireValue] = field(default_factory=list)
    text: str = ""
    stopped: bool = False

    def to_dict(self) -> dict:
        out = asdict(self)
        out["start"], out["end"] = self.start.isoformat(), self.end.isoformat()
        for value, row in zip(self.values, out["values"]):
            row.update(removed_late=value.removed_late, removed_days=value.removed_days,
                       proven_late=value.proven_late, proven_days=value.proven_days)
        return out


def role_word(role: str) -> str:
    """The role's Danish label as it reads inside a sentence ('økonomi- og gældsrådgiver', 'PPR-psykolog')."""
    label = catalogue.role_label(role)
    return label if label[:2].isupper() else label[:1].lower() + label[1:]


def _names(ids: list[str]) -> str:
    if len(ids) > 3:
        return ", ".join(ids[:3]) + f" og {count(len(ids) - 3, 'anden', 'andre')}"
    return ", ".join(ids[:-1]) + " og " + ids[-1] if len(ids) > 1 else "".join(ids)


def sentence(value: HireValue) -> str:
    """What one hire of the role removes, in one Danish sentence."""
    who = f"Én ekstra {role_word(value.role)}"
    if not value.handovers:
        return f"{who} har ingen familier at overtage og fjerner derfor ingen forsinkelser."
    took = f"{who}, der overtager {count(len(value.handovers), 'familie', 'familier')} fra {_names(value.from_staff)}"
    if not value.replanned:
        why = ("alle opfølgninger holdes" if not value.late_before else
               "de forsinkede opfølgninger kan ikke undgås uanset bemanding")
        return f"{took}, fjerner ingen forsinkelser: {why}."
    if value.removed_late > 0:
        days = f" ({count(value.removed_days, 'dag', 'dage')})" if value.removed_days > 0 else ""
        text = f"{took}, fjerner {count(value.removed_late, 'forsinket opfølgning', 'forsinkede opfølgninger')}{days}"
        if value.proven_late == value.removed_late:
            return text + f"; det er bevist: ingen plan uden den nye har under {value.bound_before}."
        if value.proven_late:
            return text + (f"; mindst {value.proven_late} af dem er bevist: ingen plan uden den nye har under "
                           f"{value.bound_before}.")
        return text + "; en bedre plan uden den nye kunne måske nå det samme."
    if value.removed_days > 0:
        text = (f"{took}, fjerner ingen forsinkede opfølgninger, men giver "
                f"{count(value.removed_days, 'dag', 'dage')} mindre for sent")
        if value.proven_days:
            return text + f"; mindst {count(value.proven_days, 'dag', 'dage')} af dem er bevist."
        return text + (f"; det kunne en bedre plan uden den nye måske også (mindst "
                       f"{count(value.days_bound_before, 'dag', 'dage')} i enhver plan uden den nye).")
    text = f"{took}, fjerner ingen forsinkelser."
    if value.removed_late < 0 or value.removed_days < 0:
        text += (f" Planen med den nye fik {count(-min(value.removed_late, 0), 'forsinket opfølgning', 'forsinkede opfølgninger')} "
                 f"og {count(-min(value.removed_days, 0), 'dag', 'dage')} mere; så lille en forskel kan skyldes "
                 f"planlægningens tidsgrænse – prøv med længere tid.")
    return text


# ---------------------------------------------------------------------------------------------- which families


def _late_followups(run: PlanRun) -> list[tuple[str, str, tuple[str, ...], int]]:
    """(chain, family, attendees, days late) of every late or missing follow-up of a plan."""
    attendees = {f.chain_id: f.attendees for f in run.instance.families}
    out = [(m.chain_id, m.family_id, m.attendees, m.days_late) for m in run.plan.meetings if m.days_late > 0]
    for item in run.plan.summary.get("missing_followups", []):
        days = (run.plan.end - date.fromisoformat(item["deadline"])).days + 1
        out.append((item["chain"], item["family_id"], attendees.get(item["chain"], ()), days))
    return out


def _places(register: Register, assignment: Assignment | None, family_id: str, person: str) -> tuple[str, ...]:
    places = []
    if person in register.team_staff_ids(family_id):
        places.append("team")
    if assignment is not None and assignment.primary_coordinator == person:
        places.append("primær koordinator")
    if assignment is not None and assignment.secondary_coordinator == person:
        places.append("sekundær koordinator")
    return tuple(places)


def choose_handovers(register: Register, run: PlanRun, role: str, hire: Staff, helpable: list,
                     load: LoadWeights = DEFAULT_LOAD) -> list[Handover]:
    """The families the hire takes over, and from whom (the order and limits in the module docstring).  One
    function on purpose: its three passes (late, crowded weeks, levelling) share the hire's room and the handovers
    taken so far through ``take``."""
    assignments = {a.family_id: a for a in run.plan.assignments}
    people = [s.staff_id for s in register.staff if s.role == role]
    held: dict[str, list[str]] = {p: [] for p in people}
    for family in register.families:
        for person in people:
            if _places(register, assignments.get(family.family_id), family.family_id, person):
                held[person].append(family.family_id)
    total = sum(len(families) for families in held.values())
    if not total:
        return []
    share = max(1, round(total / (len(people) + 1)))
    room = hire.free_caseload_points
    weights = {"team": load.team, "primær koordinator": load.primary, "sekundær koordinator": load.secondary}
    taken: list[Handover] = []
    given: Counter = Counter()

    def take(family_id: str, person: str, why: str) -> None:
        nonlocal room
        if len(taken) >= share or any(h.family_id == family_id for h in taken) or person not in held:
            return
        family = register.family_by_id[family_id]
        places = _places(register, assignments.get(family_id), family_id, person)
        if not places or (family.preferred_coordinator == person and places != ("team",)):
            return  # not theirs, or the family chose this coordinator
        points = max(weights[p] for p in places) * family.case_points
        if points > room + 1e-9:
            return
        room -= points
        given[person] += 1
        taken.append(Handover(family_id, person, places, why))

    for _, family_id, attendees, _ in sorted(helpable, key=lambda x: (-x[3], x[0])):
        for person in attendees:
            take(family_id, person, LATE)
    bound = late_bound(run.instance)
    for group in sorted(bound.groups, key=lambda g: (-g.late, g.first)):
        for window in group.windows:
            take(run.instance.families[window.chain].family_id, group.person, CROWDED)
    weekly = [row for row in weekly_utilisation(register, run) if row["staff_id"] in held]
    meetings = Counter(p for m in run.plan.meetings for p in m.attendees)
    while len(taken) < share:
        left = {p: [f for f in held[p] if all(h.family_id != f for h in taken)] for p in people}
        candidates = [p for p in people if left[p]]
        if not candidates:
            break
        person = max(candidates, key=lambda p: (len(held[p]) - given[p], meetings[p], p))
        busiest = {row["week"] for row in sorted((r for r in weekly if r["staff_id"] == person),
                                                 key=lambda r: -r["percent"])[:4]}
        in_busy = Counter(m.family_id for m in run.plan.meetings
                          if person in m.attendees and monday_of(m.day).isoformat() in busiest)
        before = len(taken)
        for family_id in sorted(left[person], key=lambda f: (-in_busy[f], f)):
            take(family_id, person, LEVEL)
            if len(taken) > before:
                break
        if len(taken) == before:  # nothing of theirs fits the hire's caseload: the next person
            held[person] = []
    return taken


def hand_over(register: Register, hire: Staff, handovers: list[Handover], run: PlanRun) -> Register:
    """The register with the hire in place of the colleagues in the handed-over families."""
    assignments = {a.family_id: a for a in run.plan.assignments}
    by_family = {h.family_id: h.from_staff for h in handovers}

    def swap(person: str | None, family_id: str, coordinator: bool = False) -> str | None:
        if person != by_family.get(family_id):
            return person
        return hire.staff_id if hire.can_coordinate or not coordinator else None

    team = tuple(TeamMember(m.family_id, swap(m.staff_id, m.family_id), m.role) for m in register.team)
    families = []
    for family in register.families:
        if family.family_id not in by_family:
            families.append(family)
            continue
        a = assignments.get(family.family_id)
        primary = a.primary_coordinator if a else family.primary_coordinator
        secondary = a.secondary_coordinator if a else family.secondary_coordinator
        families.append(replace(
            family, primary_coordinator=swap(primary, family.family_id, True),
            secondary_coordinator=swap(secondary, family.family_id, True),
            meeting_attendees=tuple(swap(p, family.family_id) for p in family.meeting_attendees)))
    return register.replace(staff=register.staff + (hire,), team=team, families=tuple(families))


# ---------------------------------------------------------------------------------------------- the question


def marginal_hires(register: Register, start: date, end: date, roles: list[str] | tuple[str, ...] | None = None,
                   time_limit: float = 60.0, progress: ProgressCallback = no_progress, stop: StopToken | None = None,
                   load: LoadWeights = DEFAULT_LOAD) -> MarginalResult:
    """Per role, the late follow-ups and days one more colleague removes in ``start..end``.  Without ``roles``: the
    roles of the people at the late follow-ups a hire can touch (where a hire can help at all)."""
    stop = stop or StopToken()
    options = PlanOptions(time_limit=time_limit, load=load, deterministic=True)
    progress(0.0, "Planlægger uden ny medarbejder")
    base = make_plan(register, start, end, options, lambda s, t: progress(0.2 * s, t), stop)
    late = _late_followups(base)
    unavoidable = unavoidable_lateness(register, start, end)
    helpable = [item for item in late if item[0] not in unavoidable]
    if roles is None:
        roles = sorted({register.staff_by_id[p].role for _, _, people, _ in helpable for p in people
                        if p in register.staff_by_id})
    summary = base.plan.summary
    result = MarginalResult(start, end, summary["late_meetings"], summary["total_days_late"],
                            len(late) - len(helpable))
    if not late:
        result.text = ALL_HELD_DA
    elif not helpable:
        result.text = (f"De {count(len(late), 'forsinkede opfølgning', 'forsinkede opfølgninger')} kan ikke undgås "
                       f"uanset bemanding (fristen var overskredet før perioden, eller familien er væk i en hel "
                       f"periode) – en ansættelse mere fjerner ingen af dem.")
    for i, role in enumerate(roles):
        if stop.stopped:
            result.stopped = True
            break
        hire = new_staff(register, role, 1)[0]
        value = HireValue(role, hire.staff_id, late_before=summary["late_meetings"],
                          late_after=summary["late_meetings"], days_before=summary["total_days_late"],
                          days_after=summary["total_days_late"], bound_before=summary["late_lower_bound"],
                          bound_after=summary["late_lower_bound"],
                          days_bound_before=summary["late_days_lower_bound"],
                          days_bound_after=summary["late_days_lower_bound"])
        value.handovers = choose_handovers(register, base, role, hire, helpable, load)
        if value.handovers and helpable:
            share = 0.2 + 0.8 * i / len(roles)
            progress(share, f"Planlægger med én ny {role_word(role)}")
            run = make_plan(hand_over(register, hire, value.handovers, base), start, end, options,
                            lambda s, t, share=share: progress(share + 0.8 * s / len(roles), t), stop)
            after = run.plan.summary
            value.late_after, value.days_after = after["late_meetings"], after["total_days_late"]
            value.bound_after, value.seconds, value.replanned = after["late_lower_bound"], after["solve_seconds"], True
            value.days_bound_after = after["late_days_lower_bound"]
            if stop.stopped:  # a half-planned year says nothing about the hire
                result.stopped = True
                break
        value.text = sentence(value)
        result.values.append(value)
    result.values.sort(key=lambda v: (-v.removed_late, -v.removed_days, v.role))  # the most useful hire first
    result.stopped = result.stopped or stop.stopped
    if result.stopped:
        result.text = ("Beregningen blev stoppet før tid; tallene dækker kun de roller, der nåede at blive "
                       "regnet færdige. " + result.text).strip()
    progress(1.0, "Færdig")
    return result

