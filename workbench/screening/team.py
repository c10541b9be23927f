"""The team proposal: the fewest professionals who together cover every need, solved exactly with CP-SAT.

Decision: which staff join the family's team, and who covers which need.
Priorities, strongest first (each weight dwarfs everything below it):

1. every need is covered (a need nobody can cover is reported with the reason);
2. the fewest professionals in contact with the family - the family's
   coordinators count, since they are in contact anyway (Hedensted: "antallet
   af medarbejdere med kontakt til familien reduceres til et minimum");
3. staff already attached to the family are preferred to new faces;
4. the family's language, the same district and a lighter caseload.

Hard limits: remaining caseload capacity (``workbench.caseload``), no new team
member who is away for a long time from the screening day, and - when the family
has no coordinator yet - at least one member who could become its coordinator.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, timedelta

from ortools.sat.python import cp_model

from workbench.solver import new_solver
from workbench.soft_terms import SoftTerm, objective

from workbench import catalogue
from workbench.attendance import CASEWORKER_ROLES
from workbench.caseload import caseload, shares
from workbench.hard_rules import HardRule, add_constraints, constrains
from workbench.model import Family, Register, Staff
from workbench.screening.rules import KNOWLEDGE, TASK, Need, Reason
from workbench.settings import DEFAULT_LOAD, LoadWeights

SCALE = 100
"""Caseload points are kept to two decimals in the model."""

W_UNSTAFFED = 1_000_000_000
W_CONTACT = 1_000_000
W_NEW = 10_000
W_LANGUAGE = 300
W_DISTRICT = 100
W_LOAD = 1
"""Per two percent of the person's caseload limit in use after joining (0-50)."""
W_COMPETENCE_ONLY = 1
"""Prefer that the professional whose role it is covers a need, when both are on the team anyway."""

LONG_ABSENCE_DAYS = 14
COORDINATOR_NEED = "koordinator"

CONSTRAINTS = (
    HardRule.COVER_EVERY_NEED,
    HardRule.ONLY_MEMBERS_COVER,
    HardRule.CASELOAD_CAP,
    HardRule.ATTACHED_COORDINATORS_STAY,
    HardRule.NO_LONG_ABSENCE,
    HardRule.COORDINATOR_CANDIDATE_HAS_ROOM,
    HardRule.CASEWORKER_CHOICES,
)
"""The rules this model enforces, in the order their constraints are added."""


def coordinator_need(needs: tuple[Need, ...] | list[Need] = (), chosen: str = "", chosen_name: str = "") -> Need:
    """A family without a coordinator chooses one among its team (Hedensted: the family chooses).

    A caseworker with authority (børne- og familierådgiver, børnehandicaprådgiver) is a possible coordinator only
    when one of the family's needs can be met by no one else (the child's case is theirs): otherwise a family with, say, only an eviction risk would
    get a child caseworker with authority just because one can coordinate.  ``chosen``: the family has already
    chosen (any profession, Hedensted: "uanset faglig baggrund"); then only that person covers the need."""
    called_for = {role for n in needs if n.roles and set(n.roles) <= set(CASEWORKER_ROLES) for role in n.roles}
    if chosen:
        return Need(COORDINATOR_NEED, "Koordinator (familiens eget valg)", (), (),
                    (Reason("T-KOORD-VALGT", f"Familien har selv valgt {chosen_name or chosen} som sin koordinator",
                            "Hedensted, Familier på vej: familien vælger koordinator uanset faglig baggrund"),),
                    coordinator=True, kind=TASK, chosen=chosen)
    return Need(COORDINATOR_NEED, "Mulig koordinator (familien vælger)", (), (),
                (Reason("T-KOORD", "Familien har ingen koordinator endnu og vælger selv sin koordinator blandt "
                                   "teamets medlemmer", "Hedensted, Familier på vej"),),
                coordinator=True, kind=TASK, not_roles=tuple(r for r in CASEWORKER_ROLES if r not in called_for))


def can_cover(person: Staff, need: Need) -> bool:
    """The role covers any need; a competence tag only a knowledge need (``viden``), never a statutory service.
    The coordinator need takes the family's chosen person, or else anyone who can coordinate and is not a
    caseworker with authority the family has no case for."""
    if need.coordinator:
        if need.chosen:
            return person.staff_id == need.chosen
        return person.can_coordinate and person.role not in need.not_roles
    if person.role in need.roles:
        return True
    return need.kind == KNOWLEDGE and bool(set(need.competences) & person.competences)


def _by_role_only(person: Staff, need: Need) -> bool:
    return need.coordinator or person.role in need.roles


@dataclass(frozen=True)
class Candidate:
    """A member of staff the model may put on the team, with what joining would cost them."""

    staff: Staff
    attached: bool
    """Already in contact: on the family's team or one of its coordinators."""
    coordinator: bool
    used: float
    """Caseload points in use today."""
    extra: float
    """Points joining the team adds (0 for someone already carrying a share of this family)."""
    extra_as_coordinator: float
    absent_until: date | None = None
    """End of a long absence (its reason is private and never shown)."""

    @property
    def room(self) -> float:
        return self.staff.max_caseload_points - self.used


def _long_absence(register: Register, staff_id: str, on: date, days: int) -> date | None:
    for absence in register.absences_by_staff.get(staff_id, ()):
        if absence.covers(on) and absence.end_date >= on + timedelta(days=days):
            return absence.end_date
    return None


def candidates_for(register: Register, family: Family, needs: list[Need], on: date, case_points: float,
                   load: LoadWeights = DEFAULT_LOAD, wanted: frozenset[str] = frozenset()) -> list[Candidate]:
    """Everyone who could cover a need, everyone already attached to the family, and anyone in ``wanted``."""
    used = caseload(register, load=load)
    current = shares(register, load=load)
    old_points = register.family_by_id[family.family_id].case_points if family.family_id in register.family_by_id else 0.0
    team_ids = set(register.team_staff_ids(family.family_id))
    coordinators = {family.primary_coordinator, family.secondary_coordinator} - {None}
    out = []
    for person in register.staff:
        attached = person.staff_id in team_ids or person.staff_id in coordinators
        if not attached and person.staff_id not in wanted and not any(can_cover(person, n) for n in needs):
            continue
        share_now = current.get((person.staff_id, family.family_id), 0.0)
        carried = share_now * old_points
        extra = max(share_now, load.team) * case_points - carried
        extra_coord = max(share_now, load.primary) * case_points - carried
        until = _long_absence(register, person.staff_id, on, LONG_ABSENCE_DAYS)
        out.append(Candidate(person, attached, person.staff_id in coordinators, used.get(person.staff_id, 0.0),
                             max(0.0, extra), max(0.0, extra_coord), until))
    return out


class TeamModel:
    """CP-SAT model; one method per constraint so each can be tested on its own."""

    CONSTRAINTS = CONSTRAINTS

    def __init__(self, register: Register, family: Family, needs: list[Need], on: date,
                 case_points: float | None = None, load: LoadWeights = DEFAULT_LOAD,
                 disabled: frozenset[HardRule] = frozenset(), include: frozenset[str] = frozenset(),
                 exclude: frozenset[str] = frozenset()) -> None:
        """``include``/``exclude``: staff the caseworker wants on or off the team (e.g. the family's wish)."""
        self.register, self.family, self.on = register, family, on
        self.include, self.exclude = frozenset(include), frozenset(exclude)
        self.case_points = family.case_points if case_points is None else case_points
        self.needs = [n for n in needs if n.staffed]
        self.candidates = candidates_for(register, family, self.needs, on, self.case_points, load, self.include)
        self.by_id = {c.staff.staff_id: c for c in self.candidates}
        self.model = cp_model.CpModel()
        self.x = {c.staff.staff_id: self.model.new_bool_var(f"on_team_{c.staff.staff_id}") for c in self.candidates}
        self.y = {(n.need_id, c.staff.staff_id): self.model.new_bool_var(f"covers_{n.need_id}_{c.staff.staff_id}")
                  for n in self.needs for c in self.candidates if can_cover(c.staff, n)}
        self.unstaffed = {n.need_id: self.model.new_bool_var(f"unstaffed_{n.need_id}") for n in self.needs}
        add_constraints(self, CONSTRAINTS, disabled)
        self._objective()

    # ------------------------------------------------------------------ constraints

    @constrains(HardRule.COVER_EVERY_NEED)
    def cover_every_need(self) -> None:
        """Each need has exactly one professional who covers it (or is reported as unstaffed)."""
        for need in self.needs:
            options = [v for (need_id, _), v in self.y.items() if need_id == need.need_id]
            self.model.add_exactly_one(options + [self.unstaffed[need.need_id]])

    @constrains(HardRule.ONLY_MEMBERS_COVER)
    def only_members_cover(self) -> None:
        """Only someone on the team can cover a need."""
        for (_, staff_id), var in self.y.items():
            self.model.add_implication(var, self.x[staff_id])

    @constrains(HardRule.CASELOAD_CAP)
    def caseload_cap(self) -> None:
        """Joining the team must fit inside the person's remaining caseload points."""
        for c in self.candidates:
            extra = round(SCALE * c.extra)
            if extra > 0 and not c.coordinator:  # a coordinator's share is the coordinator plan's business
                self.model.add(extra * self.x[c.staff.staff_id] <= max(0, int(SCALE * c.room + 1e-6)))

    @constrains(HardRule.ATTACHED_COORDINATORS_STAY)
    def attached_coordinators_stay(self) -> None:
        """The family's own coordinators are in contact anyway, so they are on the team."""
        for c in self.candidates:
            if c.coordinator:
                self.model.add(self.x[c.staff.staff_id] == 1)

    @constrains(HardRule.NO_LONG_ABSENCE)
    def no_long_absence(self) -> None:
        """Nobody joins a new family while away for a long time (e.g. long-term sick leave)."""
        for c in self.candidates:
            if c.absent_until and not c.attached:
                self.model.add(self.x[c.staff.staff_id] == 0)

    @constrains(HardRule.COORDINATOR_CANDIDATE_HAS_ROOM)
    def coordinator_candidate_has_room(self) -> None:
        """The team member counted as the family's future coordinator must have room for the coordinator's share."""
        for (need_id, staff_id), var in self.y.items():
            if need_id != COORDINATOR_NEED:
                continue
            c = self.by_id[staff_id]
            extra = round(SCALE * c.extra_as_coordinator)
            if extra > 0:
                self.model.add(extra * var <= max(0, int(SCALE * c.room + 1e-6)))

    @constrains(HardRule.CASEWORKER_CHOICES)
    def caseworker_choices(self) -> None:
        """Staff the caseworker puts on or takes off the team; the choice is logged with the proposal."""
        for c in self.candidates:
            if c.staff.staff_id in self.include:
                self.model.add(self.x[c.staff.staff_id] == 1)
            elif c.staff.staff_id in self.exclude:
                self.model.add(self.x[c.staff.staff_id] == 0)

    # ------------------------------------------------------------------ objective

    def fit_penalty(self, c: Candidate) -> int:
        """Soft preferences for one person: language, district and how loaded they would be."""
        penalty = 0
        language = self.family.language
        if language and language != "da" and language not in c.staff.languages:
            penalty += W_LANGUAGE
        if self.family.district and c.staff.district != self.family.district:
            penalty += W_DISTRICT
        if c.staff.max_caseload_points > 0:
            share = min(1.0, max(0.0, (c.used + c.extra) / c.staff.max_caseload_points))
            penalty += W_LOAD * round(50 * share)
        return penalty

    def _objective(self) -> None:
        """The soft terms, strongest first: every need covered, then the fewest people in contact with the family,
        then people the family already knows, then the best fit."""
        competence_only = []
        for (need_id, staff_id), var in self.y.items():
            need = next(n for n in self.needs if n.need_id == need_id)
            if not _by_role_only(self.by_id[staff_id].staff, need):
                competence_only.append(var)
        people = [self.x[c.staff.staff_id] for c in self.candidates]
        self.soft_terms = [
            SoftTerm("Behov uden fagperson", W_UNSTAFFED, sum(self.unstaffed.values())),
            SoftTerm("Fagpersoner i kontakt med familien", W_CONTACT, sum(people)),
            SoftTerm("Fagpersoner, der ikke er med i familiens team i forvejen", W_NEW,
                     sum(self.x[c.staff.staff_id] for c in self.candidates if not c.attached)),
            SoftTerm("Pasform (sprog, distrikt, belastning efter tilgangen)", 1,
                     sum(self.fit_penalty(c) * self.x[c.staff.staff_id] for c in self.candidates)),
            SoftTerm("Behov dækket af en kompetence, ikke af rollen", W_COMPETENCE_ONLY, sum(competence_only)),
        ]
        self.model.minimize(objective(self.soft_terms))

    def solve(self, time_limit: float = 10.0, workers: int = 2,
              deterministic_time: float | None = None) -> tuple[cp_model.CpSolver, int]:
        """Within ``time_limit`` wall seconds, or - given ``deterministic_time`` - within that much of the work
        CP-SAT counts on one worker (the same answer however busy the machine is)."""
        solver = new_solver(time_limit, workers, deterministic_time)
        return solver, solver.solve(self.model)


# --------------------------------------------------------------------------- result


@dataclass
class ProposedMember:
    staff_id: str
    name: str
    role: str
    role_label: str
    attached: bool
    coordinator: bool
    covers: list[str]
    reasons: list[str]
    load_before: float
    load_after: float
    max_load: float


@dataclass
class UnstaffedNeed:
    need_id: str
    label: str
    explanation: str


@dataclass
class TeamProposal:
    family_id: str
    on: date
    status: str
    members: list[ProposedMember] = field(default_factory=list)
    unstaffed: list[UnstaffedNeed] = field(default_factory=list)
    leaving: list[str] = field(default_factory=list)
    """Attached professionals no need calls for any more, with the reason."""
    coordinator_tasks: list[str] = field(default_factory=list)
    """Needs the coordinator handles without another professional (leisure, civil society, own doctor)."""
    need_reasons: dict[str, list[str]] = field(default_factory=dict)
    """need label -> the Danish reasons (with source) that called for it."""
    choices: list[str] = field(default_factory=list)
    """The caseworker's own choices (on or off the team), and any that could not be honoured, in Danish."""
    family_choices: list[str] = field(default_factory=list)
    """The family's own choice of coordinator: honoured, or why it cannot be (Danish)."""
    outside_target_group: str = ""
    """Why no team is proposed: the family is outside the coordinated model's target group (Danish)."""

    contact_before: int = 0
    """Professionals in contact with the family before the proposal (its team and coordinators): the models
    want the smallest team, so the page shows before and after."""

    @property
    def contact_count(self) -> int:
        return len(self.members)

    def size_change(self) -> str:
        """'i dag 5' - the team size before, for 'Foreslået team: 3 fagpersoner (i dag 5)'."""
        return f"i dag {self.contact_before}"

    @property
    def optimal(self) -> bool:
        return self.status == "OPTIMAL"

    def staff_ids(self) -> set[str]:
        return {m.staff_id for m in self.members}

    def to_json(self) -> dict:
        data = asdict(self)
        data["on"] = self.on.isoformat()
        data["contact_count"] = self.contact_count
        return data


def _fmt(points: float) -> str:
    return f"{points:.1f}".replace(".", ",").replace(",0", "")


def _why_excluded(c: Candidate, need: Need, excluded: frozenset[str] = frozenset()) -> str:
    person = f"{c.staff.name} ({c.staff.staff_id})"
    if c.staff.staff_id in excluded:
        return f"{person} er fravalgt af sagsbehandleren"
    if c.absent_until and not c.attached:
        return f"{person} er fraværende til {c.absent_until:%d.%m.%Y}"  # never why: it is private
    extra = c.extra_as_coordinator if need.coordinator else c.extra
    if extra > c.room + 1e-9:
        return (f"{person} bruger {_fmt(c.used)} af {_fmt(c.staff.max_caseload_points)} sagspoint og har ikke plads "
                f"til {_fmt(extra)} point mere")
    return f"{person} kunne ikke vælges"


def explain_unstaffed(register: Register, model: TeamModel, need: Need) -> str:
    """Why nobody covers ``need``: nobody with the role or competence, or each one named with the limit that stops them."""
    able = [c for c in model.candidates if can_cover(c.staff, need)]
    if not able and need.coordinator:
        held_back = (" En børne- og familierådgiver eller børnehandicaprådgiver foreslås kun som koordinator, når "
                     "familien har en sag hos dem." if need.not_roles else "")
        return "Ingen medarbejder i registret kan være koordinator (can_coordinate = ja i staff.csv)." + held_back
    if not able:
        what = "rollen eller kompetencen" if need.kind == KNOWLEDGE else "rollen"
        return (f"Ingen medarbejder i registret er {need.who_can_cover()}. Overvej at købe ydelsen eksternt "
                f"eller at registrere {what} på en medarbejder i staff.csv.")
    reasons = [_why_excluded(c, need, model.exclude) for c in able]
    shown = "; ".join(reasons[:8]) + (f"; og {len(reasons) - 8} flere" if len(reasons) > 8 else "")
    return f"Alle {len(able)} mulige ({need.who_can_cover()}) er optaget: {shown}."


def _member_reasons(model: TeamModel, c: Candidate, covered: list[Need]) -> list[str]:
    family, reasons = model.family, []
    if c.staff.staff_id in model.include:
        reasons.append("valgt til af sagsbehandleren")
    if c.coordinator:
        reasons.append("er familiens koordinator og dermed allerede i kontakt med familien")
    elif c.attached:
        reasons.append("er allerede i familiens team (kender familien)")
    else:
        reasons.append("ny i familiens team")
    language = family.language
    if language and language != "da" and language in c.staff.languages:
        reasons.append(f"taler familiens sprog ({language})")
    if family.district and c.staff.district == family.district:
        reasons.append(f"samme distrikt ({family.district})")
    reasons.append(f"sagspoint: {_fmt(c.used)} → {_fmt(c.used + c.extra)} af {_fmt(c.staff.max_caseload_points)}")
    for need in covered:
        if not need.coordinator and not _by_role_only(c.staff, need):
            match = ", ".join(sorted(set(need.competences) & c.staff.competences))
            reasons.append(f"dækker '{need.label}' med kompetencen {match}")
    return reasons


def _screen_choices(register: Register, family: Family, needs: list[Need], on: date, case_points: float,
                    load: LoadWeights, include: frozenset[str], exclude: frozenset[str]
                    ) -> tuple[frozenset[str], frozenset[str], list[str]]:
    """Keep the caseworker's choices that respect the hard limits; explain the rest."""
    notes = []
    known = register.staff_by_id
    by_id = {c.staff.staff_id: c for c in candidates_for(register, family, needs, on, case_points, load, include)}
    keep_in, keep_out = set(), set()
    for staff_id in sorted(include | exclude):
        person = known.get(staff_id)
        if person is None:
            notes.append(f"Ukendt medarbejder '{staff_id}' ignoreres.")
            continue
        who = f"{person.name} ({staff_id})"
        c = by_id.get(staff_id)
        if staff_id in include and staff_id in exclude:
            notes.append(f"{who} er både valgt til og fra; fravalget gælder.")
        if staff_id in exclude:
            if c is not None and c.coordinator:
                notes.append(f"{who} er familiens koordinator og kan ikke fravælges her; skift koordinator i "
                             "koordinatorplanen.")
            else:
                keep_out.add(staff_id)
                notes.append(f"{who} er fravalgt af sagsbehandleren.")
            continue
        if c.absent_until and not c.attached:
            notes.append(f"{who} kan ikke komme med: fraværende til "
                         f"{c.absent_until:%d.%m.%Y}.")
        elif c.extra > c.room + 1e-9 and not c.coordinator:
            notes.append(f"{who} kan ikke komme med: bruger {_fmt(c.used)} af {_fmt(person.max_caseload_points)} "
                         f"sagspoint og har ikke plads til {_fmt(c.extra)} point mere.")
        else:
            keep_in.add(staff_id)
            notes.append(f"{who} er valgt til af sagsbehandleren.")
    return frozenset(keep_in), frozenset(keep_out), notes


OUTSIDE_TARGET_GROUP = "UDEN_FOR_MAALGRUPPEN"


def no_team(register: Register, family: Family, needs: list[Need], on: date) -> TeamProposal:
    """No team for a family outside the coordinated model's target group (Hedensted: not families with only
    financial aid or short § 11 advice): the needs are shown, but nobody is added to the family and no follow-up
    cadence is invented; the professionals already in contact go on as before."""
    before = set(register.team_staff_ids(family.family_id)) | {
        p for p in (family.primary_coordinator, family.secondary_coordinator) if p}
    why = ("Familien er uden for målgruppen for den koordinerede indsats, så der foreslås intet team, ingen "
           "koordinator og ingen faste opfølgningsmøder. Behovene nedenfor klares i almindelig sagsbehandling; "
           "screen igen, hvis familien får en børnefaglig undersøgelse, en støttende indsats, en anbringelse eller "
           "en handicapsag.")
    return TeamProposal(family.family_id, on, OUTSIDE_TARGET_GROUP, contact_before=len(before),
                        outside_target_group=why,
                        need_reasons={n.label: [f"{r.text} ({r.source})" if r.source else r.text for r in n.reasons]
                                      for n in needs})


def _family_choice(register: Register, family: Family, needs: list[Need], on: date, points: float,
                   load: LoadWeights, exclude: frozenset[str]) -> tuple[str, list[str]]:
    """The coordinator the family has chosen, if that person can take the family on; else '' and why not.

    The family's choice counts whatever the person's profession (Hedensted); only the hard limits can stop it:
    a long absence, no room for a coordinator's caseload share, or the caseworker taking the person off."""
    chosen = family.preferred_coordinator
    if not chosen:
        return "", []
    person = register.staff_by_id.get(chosen)
    if person is None:
        return "", [f"Familien har valgt '{chosen}' som koordinator, men personen findes ikke i registret; "
                    "familien vælger en anden blandt teamets medlemmer."]
    who = f"{person.name} ({chosen}, {catalogue.role_label(person.role)})"
    c = next(c for c in candidates_for(register, family, [], on, points, load, frozenset({chosen}))
             if c.staff.staff_id == chosen)
    why = ""
    if chosen in exclude:
        why = "er fravalgt af sagsbehandleren"
    elif c.absent_until and not c.attached:
        why = f"er fraværende til {c.absent_until:%d.%m.%Y}"
    elif c.extra_as_coordinator > c.room + 1e-9:
        why = (f"bruger {_fmt(c.used)} af {_fmt(person.max_caseload_points)} sagspoint og har ikke plads til "
               f"{_fmt(c.extra_as_coordinator)} point mere som koordinator")
    if why:
        return "", [f"Familien har valgt {who} som koordinator, men {person.name} {why}. Tal med familien om et "
                    "andet valg; forslaget har en mulig koordinator med i teamet."]
    return chosen, [f"Familien har valgt {who} som koordinator: {person.name} er med i teamet og dækker "
                    "koordinatoropgaven."]


def propose_team(register: Register, family: Family, needs: list[Need], on: date, case_points: float | None = None,
                 load: LoadWeights = DEFAULT_LOAD, time_limit: float = 10.0, include: frozenset[str] = frozenset(),
                 exclude: frozenset[str] = frozenset(), deterministic_time: float | None = None) -> TeamProposal:
    """The minimal team for ``needs`` with a Danish reason for every person and every gap.

    ``include``/``exclude`` are the caseworker's own choices (e.g. the family does not want someone); they
    are honoured within the hard limits and recorded in the proposal.  ``deterministic_time`` replaces the
    wall-clock ``time_limit`` by CP-SAT's counted work (see :meth:`TeamModel.solve`). The CP-SAT model itself is
    the class above (one method per constraint); this function reads its answer into reasons, which is why it is
    long.
    """
    needs = list(needs)
    points = family.case_points if case_points is None else case_points
    family_notes: list[str] = []
    if not family.primary_coordinator and not any(n.coordinator for n in needs):
        chosen, family_notes = _family_choice(register, family, needs, on, points, load, frozenset(exclude))
        name = register.staff_by_id[chosen].name if chosen else ""
        needs.append(coordinator_need(needs, chosen, f"{name} ({chosen})" if chosen else ""))
    elif family.preferred_coordinator and family.preferred_coordinator not in (
            family.primary_coordinator, family.secondary_coordinator):
        person = register.staff_by_id.get(family.preferred_coordinator)
        who = f"{person.name} ({person.staff_id})" if person else family.preferred_coordinator
        family_notes.append(f"Familien har valgt {who} som koordinator; koordinatorplanen giver {who} rollen, "
                            "når der planlægges næste gang (forslaget her bygger på den nuværende koordinator).")
    staffed = [n for n in needs if n.staffed]
    include, exclude, notes = _screen_choices(register, family, staffed, on, points, load,
                                              frozenset(include), frozenset(exclude))
    model = TeamModel(register, family, needs, on, case_points, load, include=include, exclude=exclude)
    solver, status = model.solve(time_limit, deterministic_time=deterministic_time)
    before = set(register.team_staff_ids(family.family_id)) | {
        p for p in (family.primary_coordinator, family.secondary_coordinator) if p}
    proposal = TeamProposal(family.family_id, on, solver.status_name(status), choices=notes,
                            family_choices=family_notes, contact_before=len(before))
    proposal.need_reasons = {n.label: [f"{r.text} ({r.source})" if r.source else r.text for r in n.reasons]
                             for n in needs}
    proposal.coordinator_tasks = [f"{n.label}: " + "; ".join(r.text for r in n.reasons) for n in needs if not n.staffed]
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        proposal.unstaffed = [UnstaffedNeed(n.need_id, n.label, "Modellen fandt ingen løsning inden for tidsgrænsen.")
                              for n in model.needs]
        return proposal
    covered_by: dict[str, list[Need]] = {}
    for need in model.needs:
        if solver.boolean_value(model.unstaffed[need.need_id]):
            proposal.unstaffed.append(UnstaffedNeed(need.need_id, need.label, explain_unstaffed(register, model, need)))
            continue
        staff_id = next(s for (n, s), v in model.y.items() if n == need.need_id and solver.boolean_value(v))
        covered_by.setdefault(staff_id, []).append(need)
    for c in model.candidates:
        if not solver.boolean_value(model.x[c.staff.staff_id]):
            continue
        covered = covered_by.get(c.staff.staff_id, [])
        proposal.members.append(ProposedMember(
            c.staff.staff_id, c.staff.name, c.staff.role, catalogue.role_label(c.staff.role), c.attached,
            c.coordinator, [n.label for n in covered], _member_reasons(model, c, covered),
            round(c.used, 2), round(c.used + c.extra, 2), c.staff.max_caseload_points,
        ))
    proposal.members.sort(key=lambda m: (not m.coordinator, not m.attached, m.role_label, m.name))
    chosen = proposal.staff_ids()
    for c in model.candidates:
        if c.attached and not c.coordinator and c.staff.staff_id not in chosen:
            useful = [n.label for n in model.needs if can_cover(c.staff, n)]
            who = f"{c.staff.name} ({c.staff.staff_id}, {catalogue.role_label(c.staff.role)})"
            absent = f" Vedkommende er desuden fraværende til {c.absent_until:%d.%m.%Y}." if c.absent_until else ""
            if c.staff.staff_id in model.exclude:
                proposal.leaving.append(f"{who} er i teamet i dag, men er fravalgt af sagsbehandleren.{absent}")
            elif c.extra > c.room + 1e-9:
                proposal.leaving.append(
                    f"{who} er i teamet i dag, men har ikke plads til de {_fmt(c.extra)} ekstra sagspoint, som "
                    f"familiens nye sagspoint giver (bruger {_fmt(c.used)} af {_fmt(c.staff.max_caseload_points)}). "
                    f"Tal med lederen om sagsloftet, hvis {c.staff.name} skal fortsætte.{absent}")
            elif useful:
                proposal.leaving.append(f"{who} er i teamet i dag, men behovene ({', '.join(useful)}) dækkes af "
                                        f"andre i teamet: kan udgå, så færre fagpersoner er om familien.{absent}")
            else:
                proposal.leaving.append(f"{who} er i teamet i dag, men ingen af screeningens behov kalder på rollen: "
                                        f"kan udgå, så færre fagpersoner er om familien.{absent}")
    return proposal
