"""The pure domain model: what a municipality's case register holds.

Everything here is immutable and free of I/O so that screening, scheduling and
exports can share one vocabulary and be tested without files.  Loading and
validation live in :mod:`workbench.io.register`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Iterable, Mapping

WEEKDAY_CODES: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""Codes used in ``staff.workdays``; index = ``date.weekday()``."""

WEEKDAY_DA: tuple[str, ...] = ("man", "tir", "ons", "tor", "fre", "lør", "søn")


@dataclass(frozen=True)
class Staff:
    """A professional who can sit on a family's team and/or coordinate."""

    staff_id: str
    name: str
    role: str
    department: str
    can_coordinate: bool
    max_caseload_points: float
    max_meetings_per_day: int
    workdays: frozenset[int]
    competences: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset({"da"})
    district: str = ""
    base_caseload_points: float = 0.0
    """Points already used by cases outside the coordinated model."""
    email: str = ""
    meeting_place: str = ""
    """Where this person meets families by default (their office, the jobcenter, ...)."""

    def works_on(self, day: date) -> bool:
        return day.weekday() in self.workdays

    @property
    def free_caseload_points(self) -> float:
        return self.max_caseload_points - self.base_caseload_points


@dataclass(frozen=True)
class Absence:
    """Inclusive period in which a staff member cannot attend meetings."""

    staff_id: str
    start_date: date
    end_date: date
    reason: str = ""

    def covers(self, day: date) -> bool:
        return self.start_date <= day <= self.end_date


@dataclass(frozen=True)
class Family:
    """A family in the coordinated model, identified only by a pseudonym id."""

    family_id: str
    district: str
    language: str
    case_basis: tuple[str, ...]
    last_followup_date: date | None
    primary_coordinator: str | None = None
    secondary_coordinator: str | None = None
    needs_secondary: bool = False
    case_points: float = 1.0
    preferred_coordinator: str | None = None
    """The coordinator the family has asked for (Hedensted: the family chooses)."""
    case_start_date: date | None = None
    """When the case started; the first follow-up counts from here if no follow-up was held yet."""
    meeting_place: str = ""
    """Where the family's follow-ups are held (at home, the family house, ...); blank = the coordinator's place."""
    meeting_attendees: tuple[str, ...] = ()
    """Who of the team the family wants at its follow-ups, besides the coordinators (Thisted, Hedensted: the family
    decides who comes); empty = the whole team."""


@dataclass(frozen=True)
class TeamMember:
    """A professional on a family's team; attends every follow-up meeting."""

    family_id: str
    staff_id: str
    role: str = ""


@dataclass(frozen=True)
class TeamChange:
    """A team the caseworker accepted from a screening's proposal: from ``from_date`` these professionals are the
    family's team (besides its coordinators), replacing the team in ``team.csv``."""

    family_id: str
    members: tuple[str, ...]
    from_date: date
    accepted_on: date | None = None

    def joins(self, before: Iterable[str]) -> list[str]:
        return sorted(set(self.members) - set(before))

    def leaves(self, before: Iterable[str]) -> list[str]:
        return sorted(set(before) - set(self.members))


@dataclass(frozen=True)
class FamilyUnavailability:
    family_id: str
    start_date: date
    end_date: date
    reason: str = ""

    def covers(self, day: date) -> bool:
        return self.start_date <= day <= self.end_date


LOVKRAV, MODELKRAV = "lovkrav", "modelkrav"
"""A deadline the law sets, or a cadence a working model (Sammen om familien, Hånd om Egen Familie, ...) sets."""
CADENCE, DEADLINE, COUNT = "kadence", "frist", "antal"
"""How a rule's clock runs: a cadence between appointments; a one-off deadline after the case opened; at least
``count`` appointments in the first ``window_days`` after the case opened."""
TEAM = "team"
"""The appointment of the coordinated model: the whole team and the coordinators meet the family."""
APPOINTMENTS = {
    TEAM: "Opfølgningsmøde med hele teamet",
    "sagsbehandler_barn": "Sagsbehandler og barnet",
    "sagsbehandler_familie": "Sagsbehandler og familien",
    "jobkonsulent_voksen": "Beskæftigelsesrådgiver og den voksne",
}
"""Kinds of appointment a clock asks for (who attends), with their Danish names."""
APPOINTMENT_TITLES = {
    TEAM: "Opfølgningsmøde",
    "sagsbehandler_barn": "Samtale med barnet",
    "sagsbehandler_familie": "Møde med sagsbehandleren",
    "jobkonsulent_voksen": "Samtale på jobcentret",
}
"""What a calendar entry or the family's årshjul calls each kind of appointment."""


@dataclass(frozen=True)
class FollowupRule:
    """A legal deadline or a model cadence, with its source; rules are data so law changes need no code change.

    ``case_basis`` may name several bases joined by ``&`` (the family must have all of them, e.g. ``BL86&BL32``:
    a child with a disability *and* support measures).  ``max_interval_days`` blank (0) on a cadence means
    "decided in the case" (Barnets lov § 95 stk. 3): the case's ``decided_cadence_days`` is used."""

    rule_id: str
    case_basis: str
    max_interval_days: int
    min_interval_days: int
    meeting_minutes: int
    description: str = ""
    source: str = ""
    valid_from: date = date(1900, 1, 1)
    valid_to: date | None = None
    kind: str = ""
    """lovkrav or modelkrav ("" = not stated, in an older rules file)."""
    clock: str = CADENCE
    appointment: str = TEAM
    applies_to: str = "familie"
    """barn, voksen or familie: whom the clock concerns."""
    first_days: int | None = None
    """The first appointment after the case opened is due within this many days (§ 95 stk. 2: 3 months)."""
    count: int | None = None
    window_days: int | None = None
    law: str = ""
    """The law (or, for a model cadence, the model) the rule comes from."""
    paragraph: str = ""

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    @property
    def bases(self) -> tuple[str, ...]:
        return tuple(b.strip() for b in self.case_basis.split("&") if b.strip())

    @property
    def decided_in_case(self) -> bool:
        return self.clock == CADENCE and self.max_interval_days <= 0


@dataclass(frozen=True)
class Case:
    """One child's or adult's case: the basis the law's clocks run on (cases.csv)."""

    case_id: str
    family_id: str
    person_id: str
    case_basis: str
    opened_on: date
    """When the municipality became aware / the measure started / the benefit was first asked for."""
    decided_cadence_days: int | None = None
    """The follow-up cadence decided in the case (Barnets lov § 95 stk. 3)."""
    closed_on: date | None = None
    last_followup_date: date | None = None
    """The last appointment held on this case's own clocks (a supervision visit, a jobsamtale)."""
    done_rules: tuple[str, ...] = ()
    """One-off deadlines already met by an appointment the tool recorded as held (not a cases.csv column)."""

    def open_on(self, day: date) -> bool:
        return self.opened_on <= day and (self.closed_on is None or day <= self.closed_on)


@dataclass(frozen=True)
class Person:
    """A family member, by pseudonym label and birth year only (never CPR)."""

    person_id: str
    family_id: str
    kind: str  # "barn" or "voksen"
    birth_year: int
    label: str = ""
    income: str = ""
    """Main income for adults, e.g. ``kontanthjælp``, ``løn``, ``sygedagpenge``."""

    def age_on(self, day: date) -> int:
        return day.year - self.birth_year


@dataclass(frozen=True)
class ScreeningRating:
    family_id: str
    person_id: str
    item_id: str
    score: int
    screened_on: date
    screened_by: str
    strength: bool = False
    note: str = ""


@dataclass(frozen=True)
class ClosedDay:
    """A municipality-specific closing day on top of the public holidays."""

    day: date
    reason: str = ""


EXTERNAL_ROLES: tuple[str, ...] = ("lærer", "pædagog", "egen læge", "regionspsykiatri", "terapeut", "netværksperson",
                                   "frivillig", "andet")
"""What an external participant is to the family (the register's drop-down list)."""
HEALTH_ROLES: frozenset[str] = frozenset({"egen læge", "regionspsykiatri", "terapeut"})
"""External roles that tell about a family member's health: never written where colleagues may read along (a
calendar invitation)."""


@dataclass(frozen=True)
class ExternalParticipant:
    """Someone outside the municipality's staff who takes part in the family's work: a teacher, the day care, the
    family's own doctor, a volunteer who walks along (Thisted's "gå-med"). Named on the family's papers and
    invitations; never planned around (no capacity, no workdays), so the plan is the same with or without them."""

    family_id: str
    name: str
    organisation: str
    contact_role: str
    invited: bool = False
    """Invited to the family's team follow-ups (not to a person's own appointment)."""
    phone: str = ""
    email: str = ""

    @property
    def about_health(self) -> bool:
        return self.contact_role in HEALTH_ROLES


OFFER_TAGS: dict[str, str] = {"fritid": "en fritidsaktivitet", "civilsamfund": "kontakt til foreninger og frivillige",
                              "netvaerk": "et større netværk"}
"""The needs a civil-society offer can answer (the screening's needs of the same names) and what it gives."""


@dataclass(frozen=True)
class CivilSocietyOffer:
    """A local association's or volunteer group's offer a coordinator can bridge a family to (Thisted: leisure and
    network outside the municipality carry part of the work)."""

    name: str
    offer: str
    tags: tuple[str, ...]
    """Needs it answers: keys of :data:`OFFER_TAGS`."""
    for_whom: str = ""
    """Who it is for in the association's words, e.g. 'børn 6-12 år' or 'forældre'."""
    min_age: int | None = None
    max_age: int | None = None
    contact: str = ""

    def fits_age(self, age: int) -> bool:
        return (self.min_age is None or age >= self.min_age) and (self.max_age is None or age <= self.max_age)

    @property
    def has_ages(self) -> bool:
        return self.min_age is not None or self.max_age is not None


def _group(items: Iterable, key: str) -> dict[str, tuple]:
    grouped: dict[str, list] = {}
    for item in items:
        grouped.setdefault(getattr(item, key), []).append(item)
    return {k: tuple(v) for k, v in grouped.items()}


@dataclass(frozen=True)
class Register:
    """The whole case register of one municipality, validated and typed."""

    staff: tuple[Staff, ...]
    families: tuple[Family, ...]
    rules: tuple[FollowupRule, ...]
    team: tuple[TeamMember, ...] = ()
    absences: tuple[Absence, ...] = ()
    family_unavailability: tuple[FamilyUnavailability, ...] = ()
    screenings: tuple[ScreeningRating, ...] = ()
    persons: tuple[Person, ...] = ()
    closed_days: tuple[ClosedDay, ...] = ()
    cases: tuple[Case, ...] = ()
    external_participants: tuple[ExternalParticipant, ...] = ()
    civil_society: tuple[CivilSocietyOffer, ...] = ()
    source: str = field(default="", compare=False)

    @cached_property
    def staff_by_id(self) -> Mapping[str, Staff]:
        return {s.staff_id: s for s in self.staff}

    @cached_property
    def family_by_id(self) -> Mapping[str, Family]:
        return {f.family_id: f for f in self.families}

    @cached_property
    def person_by_id(self) -> Mapping[str, Person]:
        return {p.person_id: p for p in self.persons}

    def appointment_title(self, rule_id: str) -> str:
        """'Opfølgningsmøde', 'Jobsamtale', ... for a meeting of this rule (APPOINTMENT_TITLES)."""
        rule = next((r for r in self.rules if r.rule_id == rule_id), None)
        return APPOINTMENT_TITLES.get(rule.appointment if rule else TEAM, APPOINTMENT_TITLES[TEAM])

    @cached_property
    def team_by_family(self) -> Mapping[str, tuple[TeamMember, ...]]:
        return _group(self.team, "family_id")

    @cached_property
    def absences_by_staff(self) -> Mapping[str, tuple[Absence, ...]]:
        return _group(self.absences, "staff_id")

    @cached_property
    def unavailability_by_family(self) -> Mapping[str, tuple[FamilyUnavailability, ...]]:
        return _group(self.family_unavailability, "family_id")

    @cached_property
    def persons_by_family(self) -> Mapping[str, tuple[Person, ...]]:
        return _group(self.persons, "family_id")

    @cached_property
    def rules_by_basis(self) -> Mapping[str, tuple[FollowupRule, ...]]:
        return _group(self.rules, "case_basis")

    @cached_property
    def cases_by_family(self) -> Mapping[str, tuple[Case, ...]]:
        return _group(self.cases, "family_id")

    @cached_property
    def externals_by_family(self) -> Mapping[str, tuple[ExternalParticipant, ...]]:
        return _group(self.external_participants, "family_id")

    def team_staff_ids(self, family_id: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys(m.staff_id for m in self.team_by_family.get(family_id, ())))

    def replace(self, **changes) -> "Register":
        """A copy with some tables swapped (used by what-if scenarios)."""
        from dataclasses import replace as dc_replace

        return dc_replace(self, **changes)


# --- A plan: coordinator assignments and meetings (plain data; planned by workbench.scheduling) ---

def clock(minute: int) -> str:
    """Minutes after midnight as HH:MM."""
    return f"{minute // 60:02d}:{minute % 60:02d}"


def minute_of(text: str) -> int:
    hours, minutes = text.split(":")[:2]
    return int(hours) * 60 + int(minutes)


PLANNED, ANNOUNCED, HELD, CANCELLED, MOVED_BY_HAND = "planned", "announced", "held", "cancelled", "moved_by_hand"
STATUSES = (PLANNED, ANNOUNCED, HELD, CANCELLED, MOVED_BY_HAND)
"""A meeting's life: planned by the tool, announced to families and staff, then held or cancelled - or moved
by hand by the team leader (it then stays where it was put)."""
STATUS_DA = {PLANNED: "planlagt", ANNOUNCED: "udmeldt", HELD: "afholdt", CANCELLED: "aflyst",
             MOVED_BY_HAND: "flyttet manuelt"}


@dataclass(frozen=True)
class Assignment:
    family_id: str
    primary_coordinator: str | None
    secondary_coordinator: str | None = None
    reason: str = ""


@dataclass(frozen=True)
class Meeting:
    meeting_id: str
    family_id: str
    day: date
    start_minute: int
    end_minute: int
    attendees: tuple[str, ...]
    rule_id: str
    deadline: date
    days_late: int = 0
    status: str = PLANNED
    held_on: date | None = None
    """For a held meeting: the day it was actually held (it is then the family's last follow-up)."""
    frozen: bool = False
    """Kept exactly from the announced plan (freeze window or held): day, time and attendees as announced.
    Written to ``summary.json`` (``frozen_meetings``), so ``meetings.csv`` of an unchanged re-plan is identical."""
    person_id: str = ""
    """The child or adult a person's appointment concerns ("" for the family's team follow-up)."""

    @property
    def chain_id(self) -> str:
        """The family id for team follow-ups, ``person:rule`` for a person's clock."""
        return self.family_id if not self.person_id else f"{self.person_id}:{self.rule_id}"

    @property
    def start(self) -> str:
        return clock(self.start_minute)

    @property
    def end(self) -> str:
        return clock(self.end_minute)


@dataclass
class Plan:
    """The result of planning a horizon; ``summary`` holds the figures shown to users. Read and written as a
    plan folder by :mod:`workbench.io.plan_folder`."""

    start: date
    end: date
    assignments: list[Assignment]
    meetings: list[Meeting]
    summary: dict = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)
    """Plain-language explanations (Danish) of anything the user should know."""
    cancelled: list[Meeting] = field(default_factory=list)
    """Meetings recorded as cancelled (kept for the record; they are not part of the plan)."""
    team: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """family_id -> the professionals on the family's team when the plan was made (besides the coordinators)."""
    deadlines: list[dict] = field(default_factory=list)
    """Every deadline of the plan, met, planned, late or overdue (``deadlines.csv``, see deadlines.py)."""
