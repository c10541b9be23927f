"""The figures a team leader compares scenarios by, computed from a plan.

Everything here is plain data (dicts and lists) so results can be cached in the
store and drawn without re-planning.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date
from statistics import median

from workbench.danish import PLAN_STATUS_DA, monday_of
from workbench import catalogue
from workbench.caseload import caseload, children_per_caseworker
from workbench.hard_rules import HardRule
from workbench.model import Register
from workbench.scheduling.planner import PlanRun
from workbench.settings import DEFAULT_LOAD, LoadWeights
from workbench.whatif.lateness import Unavoidable
from workbench.workdays import WorkCalendar


@dataclass
class ScenarioKpis:
    families: int
    families_fully_staffed: int
    unassigned_families: int
    missing_secondary: int
    vacant_places: int
    meetings: int
    late_meetings: int
    """Late plus missing follow-ups, as the planner counts them."""
    avoidable_late: int
    """Late or missing follow-ups of families that could have been met on time with more staff."""
    unavoidable_families: int
    total_days_late: int
    max_days_late: int
    over_cap_staff: int
    coordinator_load_median: float
    coordinator_load_max: float
    """Highest coordinator caseload in percent of the limit."""
    peak_week_utilisation: float
    """The busiest person-week: meetings in percent of the meetings the person could have had."""
    legal_ok: bool
    """Every family has its coordinators and team, and no avoidable follow-up is late or missing."""
    solver_status: str
    seconds: float
    late_lovkrav: int = 0
    """Late or overdue deadlines that the law sets (lovkrav), as opposed to a model's cadence (modelkrav)."""
    max_children_per_caseworker: int = 0
    """Most children's cases one caseworker holds (each child in full; DS yardstick 20-30)."""


@dataclass
class ScenarioResult:
    """KPIs plus the tables behind the charts, for one scenario."""

    name: str
    description: str
    kpis: ScenarioKpis
    caseloads: list[dict] = field(default_factory=list)
    """One row per person: staff_id, name, role, coordinates, points, limit, percent."""
    weekly: list[dict] = field(default_factory=list)
    """One row per person and ISO week with meetings: staff_id, week (Monday), meetings, capacity, percent."""
    meetings_per_person: dict[str, int] = field(default_factory=dict)
    late: list[dict] = field(default_factory=list)
    """family_id, meeting_id ('mangler' for a missing follow-up), deadline, days_late, avoidable."""
    notes: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    horizon: tuple[str, str] = ("", "")
    key: str = ""
    cached: bool = False

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "ScenarioResult":
        data = dict(data)
        data["kpis"] = ScenarioKpis(**data["kpis"])
        data["horizon"] = tuple(data.get("horizon", ("", "")))
        return cls(**data)


def weekly_utilisation(register: Register, run: PlanRun) -> list[dict]:
    """Meetings per person and week against what their workdays, absences and daily cap allow."""
    start, end = run.plan.start, run.plan.end
    calendar = WorkCalendar(register, start, end)
    capacity: dict[tuple[str, date], int] = defaultdict(int)
    for person in register.staff:
        for day in calendar.open_days:
            if calendar.staff_available(person.staff_id, day):
                capacity[(person.staff_id, monday_of(day))] += person.max_meetings_per_day
    used: Counter = Counter()
    for meeting in run.plan.meetings:
        for person in meeting.attendees:
            used[(person, monday_of(meeting.day))] += 1
    rows = []
    for (staff_id, week), cap in sorted(capacity.items()):
        count = used.get((staff_id, week), 0)
        rows.append({"staff_id": staff_id, "week": week.isoformat(), "meetings": count, "capacity": cap,
                     "percent": round(100 * count / cap, 1) if cap else 0.0})
    for (staff_id, week), count in used.items():  # meetings in a week without capacity (should not happen)
        if (staff_id, week) not in capacity:
            rows.append({"staff_id": staff_id, "week": week.isoformat(), "meetings": count, "capacity": 0,
                         "percent": 100.0})
    return rows


def caseload_rows(register: Register, run: PlanRun, load: LoadWeights = DEFAULT_LOAD) -> list[dict]:
    used = caseload(register, run.plan.assignments, load)
    children = children_per_caseworker(register, run.plan.assignments)
    rows = []
    for person in register.staff:
        points = round(used.get(person.staff_id, 0.0), 2)
        limit = person.max_caseload_points
        rows.append({"staff_id": person.staff_id, "name": person.name, "role": person.role,
                     "role_label": catalogue.role_label(person.role), "coordinates": person.can_coordinate,
                     "points": points, "limit": limit, "children": children.get(person.staff_id, 0),
                     "percent": round(100 * points / limit, 1) if limit > 0 else (0.0 if points == 0 else 999.0)})
    return rows


def compute_kpis(register: Register, run: PlanRun, unavoidable: dict[str, Unavoidable],
                 vacant_places: tuple[tuple[str, str], ...] = (), load: LoadWeights = DEFAULT_LOAD,
                 ) -> tuple[ScenarioKpis, dict]:
    """The KPIs and the chart tables (caseloads, weekly, meetings per person, late list)."""
    plan = run.plan
    by_family = {a.family_id: a for a in plan.assignments}
    vacant_families = {family_id for family_id, _ in vacant_places}
    unassigned = missing_secondary = fully = 0
    for family in register.families:
        a = by_family.get(family.family_id)
        has_primary = bool(a and a.primary_coordinator)
        has_secondary = bool(a and a.secondary_coordinator) or not family.needs_secondary
        unassigned += not has_primary
        missing_secondary += has_primary and not has_secondary
        fully += has_primary and has_secondary and family.family_id not in vacant_families
    late = [{"family_id": m.family_id, "meeting_id": m.meeting_id, "deadline": m.deadline.isoformat(),
             "days_late": m.days_late, "avoidable": m.chain_id not in unavoidable}
            for m in plan.meetings if m.days_late > 0]
    for item in plan.summary.get("missing_followups", []):  # placed nowhere, or nobody on the team can hold it
        deadline = date.fromisoformat(item["deadline"])
        late.append({"family_id": item["family_id"], "meeting_id": "mangler", "deadline": item["deadline"],
                     "days_late": (plan.end - deadline).days + 1, "avoidable": item["chain"] not in unavoidable})
    caseloads = caseload_rows(register, run, load)
    coordinator_percent = [row["percent"] for row in caseloads if row["coordinates"]]
    weekly = weekly_utilisation(register, run)
    meetings_per_person: Counter = Counter(p for m in plan.meetings for p in m.attendees)
    avoidable = sum(1 for row in late if row["avoidable"])
    over_cap = sum(1 for row in caseloads if row["points"] > row["limit"] + 1e-6)
    kpis = ScenarioKpis(
        families=len(register.families),
        families_fully_staffed=fully,
        unassigned_families=unassigned,
        missing_secondary=missing_secondary,
        vacant_places=len(vacant_places),
        meetings=len(plan.meetings),
        late_meetings=len(late),
        avoidable_late=avoidable,
        unavoidable_families=len({u.family_id for u in unavoidable.values()}),
        total_days_late=sum(row["days_late"] for row in late),
        max_days_late=max((row["days_late"] for row in late), default=0),
        over_cap_staff=over_cap,
        coordinator_load_median=round(median(coordinator_percent), 1) if coordinator_percent else 0.0,
        coordinator_load_max=max(coordinator_percent, default=0.0),
        peak_week_utilisation=max((row["percent"] for row in weekly), default=0.0),
        legal_ok=unassigned == 0 and missing_secondary == 0 and not vacant_places and avoidable == 0 and not over_cap,
        solver_status=PLAN_STATUS_DA.get(str(plan.summary.get("solver_status", "")),
                                         str(plan.summary.get("solver_status", ""))),
        seconds=float(plan.summary.get("solve_seconds", 0.0)),
        late_lovkrav=int(plan.summary.get("late_by_kind", {}).get("lovkrav", 0)),
        max_children_per_caseworker=max((row["children"] for row in caseloads), default=0),
    )
    tables = {"caseloads": caseloads, "weekly": weekly, "meetings_per_person": dict(meetings_per_person),
              "late": late}
    return kpis, tables


HOLDS_DA = ("alle familier har deres koordinatorer og hele deres team, intet møde er for sent, som kunne undgås, "
            f"og ingen er over sit {HardRule.CASELOAD_CAP}")
"""What "it holds" means - the same in 'Sammenlign scenarier' (legal_ok) and in 'Hvor mange flere?' (staffing)."""


KPI_LABELS_DA: dict[str, str] = {
    "families": "Familier",
    "families_fully_staffed": "Familier med fuldt team",
    "unassigned_families": "Familier uden koordinator",
    "missing_secondary": "Mangler sekundær koordinator",
    "vacant_places": "Ubesatte teampladser",
    "meetings": "Møder i perioden",
    "late_meetings": "For sene/manglende møder",
    "avoidable_late": "Heraf kunne undgås (ikke uundgåelige)",
    "late_lovkrav": "Lovkrav for sent eller overskredet",
    "unavoidable_families": "Familier der ikke kan nås uanset bemanding",
    "total_days_late": "Dage for sent i alt",
    "max_days_late": "Flest dage for sent",
    "over_cap_staff": f"Medarbejdere over {HardRule.CASELOAD_CAP}",
    "max_children_per_caseworker": "Flest børnesager hos én sagsbehandler (pejlemærke 20–30)",
    "coordinator_load_median": "Koordinatorbelastning, median (%)",
    "coordinator_load_max": "Koordinatorbelastning, højeste (%)",
    "peak_week_utilisation": "Travleste uge for én person (%)",
    "legal_ok": "Holder (frister, teams og sagslofter)",
    "solver_status": "Vurdering af planen",
    "seconds": "Sekunder",
}
