"""What-if scenarios: small, serialisable edits applied to a base register.

A scenario is a name and a list of edits ("30 more families", "S012 on sick
leave from 1 Feb", "caseload cap 30 points").  Edits are plain data so they can
be written in YAML, shown in Danish, hashed for the cache and stored.  Applying
them never touches the base register (registers are immutable).

Reassignment when someone leaves (``ubesat``): the person's coordinator roles
are handed back to the coordinator assignment (the planner reassigns them
within caseload limits); each team place goes to the colleague of the same role
with most room left.  With no colleague of that role the place stays vacant and
is reported.
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, field, fields, replace
from datetime import date
from pathlib import Path
from typing import Any, ClassVar

import yaml

from workbench.cpr import looks_like_cpr
from workbench.errors import Refusal
from workbench import catalogue
from workbench.caseload import caseload
from workbench.hard_rules import HardRule
from workbench.model import WEEKDAY_CODES, Absence, Register, Staff, TeamMember
from workbench.settings import DEFAULT_LOAD, LoadWeights

FULL_WEEK = ("mon", "tue", "wed", "thu", "fri")


class ScenarioError(Refusal):
    """A scenario that cannot be applied or read; the message is Danish and names what is wrong."""


# ---------------------------------------------------------------------------------------------- edits


@dataclass(frozen=True)
class AddFamilies:
    """N more synthetic families with teams from the register's own staff."""

    count: int
    seed: int = 1
    new_cases: bool = False
    kind: ClassVar[str] = "flere_familier"

    def describe(self) -> str:
        what = "nye sager" if self.new_cases else "familier som de nuværende"
        return f"{self.count} flere familier ({what})"


@dataclass(frozen=True)
class AddStaff:
    """New colleagues of a role, full time unless told otherwise, limits like their colleagues'."""

    role: str
    count: int = 1
    workdays: tuple[str, ...] = FULL_WEEK
    max_caseload_points: float | None = None
    max_meetings_per_day: int | None = None
    kind: ClassVar[str] = "ansaet"

    def describe(self) -> str:
        return f"{self.count} ny(e) {catalogue.role_label(self.role).lower()}"


@dataclass(frozen=True)
class RemoveStaff:
    """A vacancy: the person leaves and is not replaced."""

    staff_id: str
    kind: ClassVar[str] = "ubesat"

    def describe(self) -> str:
        return f"{self.staff_id} stopper (stillingen står ubesat)"


@dataclass(frozen=True)
class AddAbsence:
    """A sick leave, parental leave or course: the person cannot attend meetings in the period."""

    staff_id: str
    start: date
    end: date
    reason: str = "Sygemelding"
    kind: ClassVar[str] = "fravaer"

    def describe(self) -> str:
        return f"{self.staff_id}: {self.reason.lower()} {self.start:%d.%m.%Y}–{self.end:%d.%m.%Y}"


@dataclass(frozen=True)
class SetCaseloadCap:
    """A new caseload limit, in points for a full-time person (part-timers get their share)."""

    max_points: float
    roles: tuple[str, ...] = ()
    """Empty = every role that can coordinate."""
    kind: ClassVar[str] = HardRule.CASELOAD_CAP.value

    def describe(self) -> str:
        who = ", ".join(catalogue.role_label(r).lower() for r in self.roles) or "alle koordinerende"
        return f"{HardRule.CASELOAD_CAP} {self.max_points:g} point pr. fuldtidsstilling ({who})"


@dataclass(frozen=True)
class SetMeetingCap:
    """A new limit on meetings per day."""

    max_meetings_per_day: int
    roles: tuple[str, ...] = ()
    """Empty = everybody."""
    kind: ClassVar[str] = HardRule.DAILY_CAP.value

    def describe(self) -> str:
        who = ", ".join(catalogue.role_label(r).lower() for r in self.roles) or "alle"
        return f"højst {self.max_meetings_per_day} møder om dagen ({who})"


@dataclass(frozen=True)
class ChangeCadence:
    """A different follow-up interval for one case basis (e.g. every 4 weeks instead of 6)."""

    case_basis: str
    max_interval_days: int
    min_interval_days: int | None = None
    kind: ClassVar[str] = "kadence"

    def describe(self) -> str:
        return f"opfølgning for {self.case_basis} senest hver {self.max_interval_days}. dag"


EDIT_TYPES: dict[str, type] = {t.kind: t for t in (AddFamilies, AddStaff, RemoveStaff, AddAbsence, SetCaseloadCap,
                                                    SetMeetingCap, ChangeCadence)}
EDIT_LABELS_DA: dict[str, str] = {
    "flere_familier": "Flere familier",
    "ansaet": "Ansæt medarbejdere",
    "ubesat": "Stilling står ubesat",
    "fravaer": "Sygemelding / fravær",
    SetCaseloadCap.kind: f"Nyt {HardRule.CASELOAD_CAP}",
    SetMeetingCap.kind: "Nyt loft for møder pr. dag",
    "kadence": "Ændret mødekadence",
}

Edit = AddFamilies | AddStaff | RemoveStaff | AddAbsence | SetCaseloadCap | SetMeetingCap | ChangeCadence


def edit_to_dict(edit: Edit) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": edit.kind}
    for f in fields(edit):
        value = getattr(edit, f.name)
        out[f.name] = list(value) if isinstance(value, tuple) else value.isoformat() if isinstance(value, date) else value
    return out


def _convert(name: str, value: Any, annotation: str, where: str) -> Any:
    try:
        if value is None:
            if "None" in annotation:
                return None
            raise ValueError("mangler")
        if annotation.startswith("tuple"):
            items = value.split(";") if isinstance(value, str) else list(value)
            return tuple(str(v).strip() for v in items if str(v).strip())
        if annotation.startswith("date"):
            return value if isinstance(value, date) else date.fromisoformat(str(value))
        if annotation.startswith("bool"):
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text not in {"ja", "nej", "yes", "no", "true", "false", "1", "0"}:
                raise ValueError("skal være ja eller nej")
            return text in {"ja", "yes", "true", "1"}
        if annotation.startswith("int"):
            if isinstance(value, bool) or float(value) != int(float(value)):
                raise ValueError("skal være et helt tal")
            return int(float(value))
        if annotation.startswith("float"):
            return float(value)
        return str(value)
    except (TypeError, ValueError) as error:
        raise ScenarioError(f"{where}, felt '{name}': '{value}' kan ikke bruges ({error}).") from None


def edit_from_dict(data: dict[str, Any], where: str = "ændring") -> Edit:
    """An edit from plain data (YAML/JSON), with a Danish message naming the field on bad input."""
    if not isinstance(data, dict) or "kind" not in data:
        raise ScenarioError(f"{where}: mangler 'kind' (en af {', '.join(EDIT_TYPES)}).")
    kind = str(data["kind"]).strip()
    if kind not in EDIT_TYPES:
        raise ScenarioError(f"{where}: ukendt kind '{kind}' (brug en af {', '.join(EDIT_TYPES)}).")
    cls = EDIT_TYPES[kind]
    known = {f.name: f for f in fields(cls)}
    unknown = set(data) - set(known) - {"kind"}
    if unknown:
        raise ScenarioError(f"{where}: ukendte felter {', '.join(sorted(unknown))} for '{kind}'.")
    values = {}
    for name, f in known.items():
        if name in data:
            values[name] = _convert(name, data[name], str(f.type), where)
        elif f.default is MISSING and f.default_factory is MISSING:
            raise ScenarioError(f"{where}: feltet '{name}' mangler for '{kind}'.")
    edit = cls(**values)
    _check_edit(edit, where)
    return edit


def _check_edit(edit: Edit, where: str) -> None:
    problems = []
    if isinstance(edit, (AddFamilies, AddStaff)) and not 0 < edit.count <= 2000:
        problems.append("antal skal være mellem 1 og 2000")
    if isinstance(edit, AddStaff) and edit.role not in catalogue.roles():
        problems.append(f"ukendt rolle '{edit.role}'")
    if isinstance(edit, AddStaff) and (not edit.workdays or set(edit.workdays) - set(WEEKDAY_CODES)):
        problems.append("arbejdsdage skal være fx mon;tue;wed")
    if isinstance(edit, AddAbsence) and edit.end < edit.start:
        problems.append("slutdatoen ligger før startdatoen")
    if isinstance(edit, SetCaseloadCap) and edit.max_points <= 0:
        problems.append("sagsloftet skal være større end 0")
    if isinstance(edit, SetMeetingCap) and edit.max_meetings_per_day < 1:
        problems.append("mindst 1 møde om dagen")
    if isinstance(edit, ChangeCadence):
        if edit.max_interval_days < 1:
            problems.append("intervallet skal være mindst 1 dag")
        if edit.min_interval_days is not None and not 0 <= edit.min_interval_days <= edit.max_interval_days:
            problems.append("mindste interval skal ligge mellem 0 og det største")
    if problems:
        raise ScenarioError(f"{where}: {'; '.join(problems)}.")


# ---------------------------------------------------------------------------------------------- scenarios


@dataclass(frozen=True)
class Scenario:
    name: str
    edits: tuple[Edit, ...] = ()

    def __post_init__(self) -> None:
        if looks_like_cpr(self.name):
            raise ScenarioError(f"Scenariets navn '{self.name[:3]}…' ligner et CPR-nummer; giv det et andet navn.")

    def describe(self) -> str:
        return "; ".join(e.describe() for e in self.edits) or "ingen ændringer (udgangspunktet)"

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "edits": [edit_to_dict(e) for e in self.edits]}

    @classmethod
    def from_dict(cls, data: dict[str, Any], where: str = "scenarie") -> "Scenario":
        if not isinstance(data, dict) or not str(data.get("name") or "").strip():
            raise ScenarioError(f"{where}: hvert scenarie skal have et 'name'.")
        name = str(data["name"]).strip()
        edits = data.get("edits") or []
        if not isinstance(edits, list):
            raise ScenarioError(f"{where} '{name}': 'edits' skal være en liste.")
        return cls(name, tuple(edit_from_dict(e, f"{where} '{name}', ændring {i + 1}") for i, e in enumerate(edits)))


BASE = Scenario("Nuværende")


def read_scenarios(path: str | Path) -> list[Scenario]:
    """Scenarios from a YAML file (``scenarios: [{name, edits: [{kind, ...}]}]``), messages name the file."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except OSError as error:
        raise ScenarioError(f"{path}: kan ikke læses ({error}).") from None
    except yaml.YAMLError as error:
        raise ScenarioError(f"{path}: ikke gyldig YAML ({error}).") from None
    items = data.get("scenarios") if isinstance(data, dict) else data
    if not isinstance(items, list) or not items:
        raise ScenarioError(f"{path}: forventede en liste 'scenarios:' med mindst ét scenarie.")
    scenarios = [Scenario.from_dict(item, f"{path}, scenarie {i + 1}") for i, item in enumerate(items)]
    names = [s.name for s in scenarios]
    if len(set(names)) != len(names):
        raise ScenarioError(f"{path}: to scenarier har samme navn.")
    return scenarios


def write_scenarios(scenarios: list[Scenario], path: str | Path) -> Path:
    path = Path(path)
    path.write_text(yaml.safe_dump({"scenarios": [s.to_dict() for s in scenarios]}, allow_unicode=True,
                                   sort_keys=False), "utf-8")
    return path


# ---------------------------------------------------------------------------------------------- applying


@dataclass(frozen=True)
class AppliedScenario:
    """A scenario's register, with what applying it did (in Danish) and any team place left vacant."""

    scenario: Scenario
    register: Register
    notes: tuple[str, ...] = ()
    vacant_places: tuple[tuple[str, str], ...] = ()
    """(family_id, role) of team places nobody could take over."""
    added_staff: tuple[str, ...] = field(default=())


def hire_template(register: Register, role: str) -> Staff:
    """What a new full-time colleague of ``role`` looks like: limits like the role's full-timers."""
    peers = [s for s in register.staff if s.role == role]
    full = [s for s in peers if len(s.workdays) >= 5] or peers
    info = catalogue.roles().get(role, {})
    if full:
        caps = sorted(s.max_caseload_points * 5 / max(1, len(s.workdays)) for s in full)  # as full time
        meetings = sorted(s.max_meetings_per_day for s in full)
        can = any(s.can_coordinate for s in peers)
        cap, per_day = round(caps[len(caps) // 2], 1), meetings[len(meetings) // 2]
    else:
        coordinating = {"koordinator", "familieraadgiver", "handicapraadgiver"}
        can, cap, per_day = role in coordinating, 40.0, 3 if role in coordinating else 2
    return Staff(staff_id="", name="", role=role, department=info.get("department", ""), can_coordinate=can,
                 max_caseload_points=cap, max_meetings_per_day=per_day, workdays=frozenset(range(5)))


def new_staff(register: Register, role: str, count: int, prefix: str = "NY", workdays: tuple[str, ...] = FULL_WEEK,
              max_caseload_points: float | None = None, max_meetings_per_day: int | None = None) -> list[Staff]:
    """``count`` new colleagues of ``role`` with fresh ids (``NY-<role>-1`` ...)."""
    template = hire_template(register, role)
    taken = set(register.staff_by_id)
    label = catalogue.role_label(role)
    days = frozenset(WEEKDAY_CODES.index(d) for d in workdays)
    fraction = len(days) / 5
    out, number = [], 0
    while len(out) < count:
        number += 1
        staff_id = f"{prefix}-{role}-{number}"
        if staff_id in taken:
            continue
        out.append(replace(
            template, staff_id=staff_id, name=f"Ny {label.lower()} {number}", workdays=days,
            max_caseload_points=max_caseload_points if max_caseload_points is not None
            else round(template.max_caseload_points * fraction, 1),
            max_meetings_per_day=max_meetings_per_day or template.max_meetings_per_day,
        ))
    return out


def _remove_staff(register: Register, staff_id: str, load: LoadWeights) -> tuple[Register, list[str], list]:
    person = register.staff_by_id[staff_id]
    remaining = tuple(s for s in register.staff if s.staff_id != staff_id)
    notes, vacant = [], []
    families = []
    handed_back = 0
    for f in register.families:
        changes = {}
        if f.primary_coordinator == staff_id:
            changes["primary_coordinator"] = None
            handed_back += 1
        if f.secondary_coordinator == staff_id:
            changes["secondary_coordinator"] = None
            handed_back += 1
        if f.preferred_coordinator == staff_id:
            changes["preferred_coordinator"] = None
        families.append(replace(f, **changes) if changes else f)
    reduced = register.replace(staff=remaining, families=tuple(families),
                               absences=tuple(a for a in register.absences if a.staff_id != staff_id),
                               team=tuple(m for m in register.team if m.staff_id != staff_id))
    used = caseload(reduced, load=load)
    team = list(reduced.team)
    moved = 0
    for member in (m for m in register.team if m.staff_id == staff_id):
        on_team = set(reduced.team_staff_ids(member.family_id)) | {m.staff_id for m in team if m.family_id == member.family_id}
        colleagues = [s for s in remaining if s.role == person.role and s.staff_id not in on_team]
        if not colleagues:
            vacant.append((member.family_id, member.role or person.role))
            continue
        points = register.family_by_id[member.family_id].case_points * load.team
        best = max(colleagues, key=lambda s: (s.max_caseload_points - used[s.staff_id], s.staff_id))
        used[best.staff_id] += points
        team.append(TeamMember(member.family_id, best.staff_id, member.role))
        moved += 1
    if handed_back:
        notes.append(f"{person.name} ({staff_id}) stopper: {handed_back} koordinatoropgaver fordeles på ny.")
    if moved:
        notes.append(f"{moved} teampladser hos {staff_id} overtages af kolleger med samme rolle (mest ledig plads først).")
    if vacant:
        notes.append(f"{len(vacant)} teampladser hos {staff_id} står ubesat: ingen anden "
                     f"{catalogue.role_label(person.role).lower()}.")
    return reduced.replace(team=tuple(team)), notes, vacant


def apply_edit(register: Register, edit: Edit, on: date, load: LoadWeights = DEFAULT_LOAD,
               ) -> tuple[Register, list[str], list[tuple[str, str]], list[str]]:
    """One edit: (new register, notes, vacant places, added staff ids)."""
    if isinstance(edit, AddFamilies):
        from workbench.synth.families import add_families

        return add_families(register, edit.count, on, edit.seed, edit.new_cases, load), [], [], []
    if isinstance(edit, AddStaff):
        hires = new_staff(register, edit.role, edit.count, "NY", edit.workdays, edit.max_caseload_points,
                          edit.max_meetings_per_day)
        return register.replace(staff=register.staff + tuple(hires)), [], [], [s.staff_id for s in hires]
    if isinstance(edit, RemoveStaff):
        if edit.staff_id not in register.staff_by_id:
            raise ScenarioError(f"'{edit.describe()}': medarbejder {edit.staff_id} findes ikke i data.")
        reduced, notes, vacant = _remove_staff(register, edit.staff_id, load)
        return reduced, notes, vacant, []
    if isinstance(edit, AddAbsence):
        if edit.staff_id not in register.staff_by_id:
            raise ScenarioError(f"'{edit.describe()}': medarbejder {edit.staff_id} findes ikke i data.")
        kept = [a for a in register.absences
                if a.staff_id != edit.staff_id or a.end_date < edit.start or a.start_date > edit.end]
        merged = [a for a in register.absences if a not in kept]
        start = min([edit.start] + [a.start_date for a in merged])
        end = max([edit.end] + [a.end_date for a in merged])
        absence = Absence(edit.staff_id, start, end, edit.reason)
        return register.replace(absences=tuple(kept) + (absence,)), [], [], []
    if isinstance(edit, SetCaseloadCap):
        unknown = set(edit.roles) - set(catalogue.roles())
        if unknown:
            raise ScenarioError(f"'{edit.describe()}': ukendt rolle {', '.join(sorted(unknown))}.")
        staff = tuple(
            replace(s, max_caseload_points=round(edit.max_points * len(s.workdays) / 5, 1))
            if (s.role in edit.roles if edit.roles else s.can_coordinate) else s
            for s in register.staff
        )
        return register.replace(staff=staff), [], [], []
    if isinstance(edit, SetMeetingCap):
        staff = tuple(replace(s, max_meetings_per_day=edit.max_meetings_per_day)
                      if not edit.roles or s.role in edit.roles else s for s in register.staff)
        return register.replace(staff=staff), [], [], []
    if isinstance(edit, ChangeCadence):
        if edit.case_basis not in register.rules_by_basis:
            raise ScenarioError(f"'{edit.describe()}': sagsgrundlaget {edit.case_basis} findes ikke i reglerne "
                                f"(kendte: {', '.join(sorted(register.rules_by_basis))}).")
        rules = tuple(
            replace(r, max_interval_days=edit.max_interval_days,
                    min_interval_days=min(edit.min_interval_days if edit.min_interval_days is not None
                                          else r.min_interval_days, edit.max_interval_days),
                    description=f"{r.description} (hvad-hvis: hver {edit.max_interval_days}. dag)")
            if r.case_basis == edit.case_basis else r
            for r in register.rules
        )
        return register.replace(rules=rules), [], [], []
    raise ScenarioError(f"Ukendt ændring: {edit!r}")


def apply_scenario(base: Register, scenario: Scenario, on: date, load: LoadWeights = DEFAULT_LOAD) -> AppliedScenario:
    """The scenario's register; edits are applied in order (so "add staff" then "cap" caps the new staff too)."""
    register, notes, vacant, added = base, [], [], []
    for edit in scenario.edits:
        register, more_notes, more_vacant, more_added = apply_edit(register, edit, on, load)
        notes += more_notes
        vacant = [v for v in vacant if v[0] in register.family_by_id] + more_vacant
        added += more_added
    return AppliedScenario(scenario, register.replace(source=f"{base.source} – scenarie '{scenario.name}'"),
                           tuple(notes), tuple(vacant), tuple(added))
