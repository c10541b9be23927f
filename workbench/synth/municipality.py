"""A seeded generator of an obviously fictional municipality ("Tværby Kommune").

Names are made up and carry tell-tale synthetic surnames; families are only
pseudonym ids with birth years.  The same seed always gives the same register,
so tests and benchmarks can ask for larger municipalities.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date, timedelta

from dateutil.easter import easter

from workbench import catalogue
from workbench.io.register import default_rules
from workbench.model import (
    Absence,
    Case,
    ClosedDay,
    Family,
    FamilyUnavailability,
    FollowupRule,
    Person,
    Register,
    ScreeningRating,
    Staff,
    TeamMember,
)
from workbench.clocks import team_rule
from workbench.attendance import CASEWORKER_ROLES, ROLES_OF_APPOINTMENT
from workbench.io.instrument import FAMILY_PERSON_ID, load_instrument
from workbench.settings import DEFAULT_LOAD, LoadWeights
from workbench.synth.outside import OFFERS, generated_externals

DISTRICTS = ("Nord", "Syd", "Øst", "Vest")
FIRST_NAMES = (
    "Anne", "Mette", "Lars", "Søren", "Camilla", "Jonas", "Maria", "Peter", "Louise", "Mads", "Sofie",
    "Rasmus", "Ida", "Thomas", "Line", "Kasper", "Julie", "Anders", "Nanna", "Mikkel", "Karen", "Ahmed",
    "Fatima", "Olena", "Piotr", "Hanne", "Birgitte", "Henrik", "Signe", "Emil",
)
SYNTHETIC_SURNAMES = (
    "Fiktivsen", "Eksempelsen", "Prøvegaard", "Testrup", "Demosen", "Opdigtsen", "Skabelonsen",
    "Attrapsen", "Modelgaard", "Pseudonymsen", "Øvelsesen", "Dummybjerg",
)
OTHER_LANGUAGES = ("en", "ar", "tr", "so", "uk", "pl")
COMPETENCES = (
    "traumer", "autisme", "ADHD", "vold i nære relationer", "unge 15-17", "småbørn 0-6", "rusmidler",
    "gæld", "psykiatri", "handicap", "netværksmøder", "Signs of Safety", "ICS", "tolkesamtaler",
)

# share of staff per role (sums to 1); can_coordinate per role
STAFF_MIX: tuple[tuple[str, float, bool], ...] = (
    ("koordinator", 0.14, True),
    ("familieraadgiver", 0.20, True),
    ("handicapraadgiver", 0.08, True),
    ("skolesocialraadgiver", 0.05, False),
    ("familiebehandler", 0.07, False),
    ("jobkonsulent", 0.13, False),
    ("uu_vejleder", 0.05, False),
    ("sundhedsplejerske", 0.07, False),
    ("ppr_psykolog", 0.07, False),
    ("tale_hoere", 0.02, False),
    ("oekonomiraadgiver", 0.05, False),
    ("bostoette", 0.04, False),
    ("misbrugskonsulent", 0.03, False),
)

NEED_TO_ROLE = {
    "school": "ppr_psykolog",
    "attendance": "skolesocialraadgiver",
    "speech": "tale_hoere",
    "infant": "sundhedsplejerske",
    "youth": "uu_vejleder",
    "treatment": "familiebehandler",
    "employment": "jobkonsulent",
    "debt": "oekonomiraadgiver",
    "mental": "bostoette",
    "substance": "misbrugskonsulent",
    "disability": "handicapraadgiver",
}

NEED_PRIORITY = (
    "treatment", "employment", "school", "disability", "debt", "infant", "youth", "mental", "attendance",
    "substance", "speech",
)
MAX_TEAM_FROM_NEEDS = 3
"""Keep the number of professionals around one family small (Hedensted: as few as possible)."""

NEED_ITEMS = {
    "school": ("B_SKO_2",),
    "attendance": ("B_SKO_1",),
    "speech": ("B_UDV_2",),
    "infant": ("B_UDV_2",),
    "youth": ("B_FRI_2",),
    "treatment": ("B_UDV_1", "B_SIK_1", "V_FOR_1"),
    "employment": ("V_BES_1", "V_BES_2"),
    "debt": ("V_OEK_1", "V_OEK_2"),
    "mental": ("V_PSY_1",),
    "substance": ("V_MIS_1",),
    "disability": ("B_HAN_1", "B_HAN_2"),
}


@dataclass(frozen=True)
class MunicipalitySpec:
    n_staff: int = 60
    n_families: int = 300
    start: date = date(2027, 1, 1)
    """First day of the planning year the data is made for."""
    seed: int = 2027
    part_time_share: float = 0.2
    share_unassigned: float = 0.25
    """Families whose primary coordinator is still to be assigned."""
    load: LoadWeights = DEFAULT_LOAD


def _role_counts(n_staff: int) -> dict[str, int]:
    counts = {role: max(1, round(share * n_staff)) for role, share, _ in STAFF_MIX}
    while sum(counts.values()) > n_staff:
        biggest = max(counts, key=counts.get)
        counts[biggest] -= 1
    while sum(counts.values()) < n_staff:
        counts["familieraadgiver"] += 1
    return counts


def generated_staff(spec: MunicipalitySpec, rng: random.Random) -> list[Staff]:
    """The synthetic staff of a municipality: the role mix of ``STAFF_MIX``, districts, languages and limits."""
    coordinates = {role: can for role, _, can in STAFF_MIX}
    staff: list[Staff] = []
    number = 0
    for role, count in _role_counts(spec.n_staff).items():
        department = catalogue.roles()[role]["department"]
        for i in range(count):
            number += 1
            days = ["mon", "tue", "wed", "thu", "fri"]
            if rng.random() < spec.part_time_share:
                for _ in range(rng.choice((1, 1, 2))):
                    days.remove(rng.choice(days))
            fraction = len(days) / 5
            can = coordinates[role]
            languages = {"da"}
            if rng.random() < 0.2:
                languages.add(rng.choice(OTHER_LANGUAGES))
            staff.append(
                Staff(
                    staff_id=f"S{number:03d}",
                    name=f"{rng.choice(FIRST_NAMES)} {rng.choice(SYNTHETIC_SURNAMES)}",
                    role=role,
                    department=department,
                    can_coordinate=can,
                    max_caseload_points=round(40 * fraction, 1),
                    max_meetings_per_day=3 if can and fraction == 1 else 2,
                    workdays=frozenset(["mon", "tue", "wed", "thu", "fri", "sat", "sun"].index(d) for d in days),
                    competences=frozenset(rng.sample(COMPETENCES, rng.randint(1, 3))),
                    languages=frozenset(languages),
                    district=DISTRICTS[i % len(DISTRICTS)],
                    base_caseload_points=0.0 if can else round(rng.uniform(0, 10) * fraction, 1),
                    email=f"s{number:03d}@tvaerby.invalid",
                    meeting_place=_meeting_place(department, DISTRICTS[i % len(DISTRICTS)]),
                )
            )
    return staff


def _meeting_place(department: str, district: str) -> str:
    """Where a synthetic professional meets families (drawn from no random numbers, so seeds keep their
    municipalities): the jobcentre, the family house of the district, the department's own house."""
    if department == "Jobcenter":
        return "Jobcentret, Stationsvej 4"
    if department in ("Familieafdelingen", "Familiecentret", "Børn med handicap"):
        return f"Familiehuset {district}"
    return f"{department}, Rådhuspladsen 1"


def generated_absences(staff: list[Staff], year: int, rng: random.Random) -> list[Absence]:
    """A year of absences: three summer weeks in overlapping waves, some autumn holidays, short sick leaves and
    courses, and one long sick leave (the planner's hard cases)."""
    absences: list[Absence] = []
    long_sick = rng.choice(staff).staff_id if staff else None
    for person in staff:
        periods: list[tuple[date, date, str]] = []
        # most staff take three of the weeks 27-31, so a team's holidays overlap by at least a week
        summer_start = date(year, 7, 1) + timedelta(weeks=rng.choice((0, 1, 1, 1, 2)))
        summer_start -= timedelta(days=summer_start.weekday())
        periods.append((summer_start, summer_start + timedelta(days=20), "Sommerferie"))
        if rng.random() < 0.5:
            autumn = date(year, 10, 11) + timedelta(weeks=rng.randint(0, 1))
            autumn -= timedelta(days=autumn.weekday())
            periods.append((autumn, autumn + timedelta(days=4), "Efterårsferie"))
        if rng.random() < 0.35:
            sick = date(year, 1, 4) + timedelta(days=rng.randint(0, 150))
            periods.append((sick, sick + timedelta(days=rng.randint(0, 4)), "Sygdom"))
        if rng.random() < 0.2:
            course = date(year, 9, 1) + timedelta(days=rng.randint(0, 60))
            periods.append((course, course + timedelta(days=1), "Kursus"))
        if person.staff_id == long_sick:
            periods.append((date(year, 3, 1), date(year, 4, 11), "Langtidssygemelding"))
        periods.sort()
        kept: list[tuple[date, date, str]] = []
        for start, end, reason in periods:
            if kept and start <= kept[-1][1]:
                continue  # keep the register free of overlaps
            kept.append((start, end, reason))
        absences.extend(Absence(person.staff_id, s, e, r) for s, e, r in kept)
    return absences


def _family_needs(persons: list[Person], on: date, rng: random.Random) -> set[str]:
    needs: set[str] = set()
    children = [p for p in persons if p.kind == "barn"]
    adults = [p for p in persons if p.kind == "voksen"]
    for child in children:
        age = child.age_on(on)
        if 6 <= age <= 16 and rng.random() < 0.35:
            needs.add("school")
        if 6 <= age <= 16 and rng.random() < 0.15:
            needs.add("attendance")
        if age <= 5 and rng.random() < 0.5:
            needs.add("infant")
        if age <= 8 and rng.random() < 0.05:
            needs.add("speech")
        if 15 <= age <= 17 and rng.random() < 0.6:
            needs.add("youth")
    for adult in adults:
        if adult.income in {"kontanthjælp", "sygedagpenge"} and rng.random() < 0.85:
            needs.add("employment")
        if rng.random() < 0.3:
            needs.add("debt")
        if rng.random() < 0.12:
            needs.add("mental")
        if rng.random() < 0.06:
            needs.add("substance")
    return needs


def _case_basis(needs: set[str], persons: list[Person], rng: random.Random) -> tuple[str, ...]:
    """The family's bases in families.csv: a legal basis (Barnets lov) and, for some, the model it follows.

    Every family has a legal basis (a model alone is not a basis for help); children with a disability have
    handicapkompenserende ydelser (BL86, Sammen om familien) and some also support measures (BL32)."""
    draw = rng.random()
    if "disability" in needs and draw < 0.6:
        return ("BL86",)
    if "disability" in needs:
        return ("BL86", "BL32")
    if draw < 0.12:
        return ("BL20", rng.choice(("HEF", "SVE")))  # a børnefaglig undersøgelse runs; the family is in a model
    if draw < 0.17:
        return ("BL46",)
    if draw < 0.30:
        return ("BL32", "HEF")
    if draw < 0.38:
        return ("BL32", "SVE")
    return ("BL32",)


DECIDED_CADENCES = ((42, 2), (91, 6), (182, 2))
"""Follow-up cadences decided in § 32 and placement cases (Barnets lov § 95 stk. 3), with weights."""


def _cases(family_id: str, basis: tuple[str, ...], persons: list[Person], case_start: date, new_case: bool,
           start: date, rng: random.Random) -> list[Case]:
    """The cases the law's clocks run on (cases.csv): one per child for BL32/BL46/BL20, one per adult on
    kontanthjælp or sygedagpenge, with the appointments already held; a few deliberately overdue."""
    out: list[Case] = []
    children = [p for p in persons if p.kind == "barn"]
    adults = [p for p in persons if p.kind == "voksen"]

    def decided() -> int:
        return rng.choices([c for c, _ in DECIDED_CADENCES], [w for _, w in DECIDED_CADENCES])[0]

    if children and "BL32" in basis:
        for child in children[: rng.choice((1, 1, 2))]:
            # a brand-new measure has its first follow-up within 3 months; the cadence is decided there
            out.append(Case(f"{child.person_id}-BL32", family_id, child.person_id, "BL32", case_start,
                            None if new_case else decided()))
    if children and "BL46" in basis:
        child = children[0]
        visited = max(case_start, start - timedelta(days=rng.randint(20, 170)))
        # barnets plan (Barnets lov § 91 stk. 2) was made for a placement whose 3 months ran out before the start
        made = ("BL91-ANB",) if case_start + timedelta(days=89) < start else ()
        out.append(Case(f"{child.person_id}-BL46", family_id, child.person_id, "BL46", case_start, decided(),
                        last_followup_date=visited, done_rules=made))
    if children and "BL20" in basis:
        child = children[-1]
        # a børnefaglig undersøgelse takes up to 4 months: most are under way, one in twenty is already overdue
        aware = start - timedelta(days=rng.randint(125, 160) if rng.random() < 0.05 else rng.randint(5, 100))
        out.append(Case(f"{child.person_id}-BL20", family_id, child.person_id, "BL20", aware))
    for adult in adults:
        if adult.income == "kontanthjælp":
            if rng.random() < 0.12:  # asked for help lately, or will during the year: jobsamtaler are due
                opened = start + timedelta(days=rng.randint(-60, 150))
                talked = start - timedelta(days=rng.randint(3, 40)) if opened < start - timedelta(days=5) else None
                out.append(Case(f"{adult.person_id}-LAB", family_id, adult.person_id, "LAB_KH", opened,
                                last_followup_date=max(talked, opened + timedelta(days=3)) if talked else None))
            else:
                opened = case_start - timedelta(days=rng.randint(0, 900))
                out.append(Case(f"{adult.person_id}-LAB", family_id, adult.person_id, "LAB_KH", opened,
                                last_followup_date=opened + timedelta(days=rng.randint(2, 7))))
        elif adult.income == "sygedagpenge":
            first_absence = start - timedelta(days=rng.randint(0, 120))
            talked = start - timedelta(days=rng.randint(3, 35)) if first_absence < start - timedelta(days=40) else None
            out.append(Case(f"{adult.person_id}-SDP", family_id, adult.person_id, "SDP", first_absence,
                            last_followup_date=talked))
    return out


def generated_screenings(family_id: str, persons: list[Person], needs: set[str], on: date, by: str,
                         rng: random.Random) -> list[ScreeningRating]:
    """Synthetic screening ratings for one family: the items of its needs rated high, the rest low."""
    hot_items = {item for need in needs for item in NEED_ITEMS.get(need, ())}
    ratings = []
    for item in load_instrument():
        targets = [p for p in persons if p.kind == item.applies_to and item.min_age <= p.age_on(on) <= item.max_age]
        ids = [p.person_id for p in targets] if item.applies_to != "familie" else [FAMILY_PERSON_ID]
        for person_id in ids:
            if item.item_id in hot_items:
                score = rng.choice((2, 2, 3))
            else:
                score = rng.choices((0, 1, 2), weights=(6, 3, 1))[0]
            ratings.append(ScreeningRating(family_id, person_id, item.item_id, score, on, by, strength=score == 0 and rng.random() < 0.3))
    return ratings


def _rescreenings(family_id: str, persons: list[Person], first: list[ScreeningRating], first_on: date, until: date,
                  by: str, seed: int) -> list[ScreeningRating]:
    """Follow-up screenings about every 3 months for some older cases, so progress over time can be shown.

    Uses its own random stream, so adding them leaves the rest of the register unchanged.
    """
    rng = random.Random(f"{seed}-{family_id}-rescreening")
    if rng.random() >= 0.3:
        return []
    out: list[ScreeningRating] = []
    previous = {(r.person_id, r.item_id): r.score for r in first}
    on = first_on
    for _ in range(2):
        on = on + timedelta(days=rng.randint(80, 100))
        if on >= until:
            break
        fresh = generated_screenings(family_id, persons, set(), on, by, rng)
        current = {}
        for rating in fresh:
            score = previous.get((rating.person_id, rating.item_id), rating.score)
            draw = rng.random()
            if draw < 0.35 and score > 0:
                score -= 1
            elif draw > 0.92 and score < 3:
                score += 1
            current[(rating.person_id, rating.item_id)] = score
            out.append(ScreeningRating(family_id, rating.person_id, rating.item_id, score, on, by,
                                       strength=score == 0 and rng.random() < 0.3))
        previous = current
    return out


class CaseloadCapacity:
    """Tracks caseload points so that generated assignments respect every limit."""

    def __init__(self, staff: list[Staff], used: dict[str, float] | None = None):
        """``used`` = points already carried (default: only ``base_caseload_points``)."""
        if used is None:
            self.free = {s.staff_id: s.free_caseload_points for s in staff}
        else:
            self.free = {s.staff_id: s.max_caseload_points - used.get(s.staff_id, 0.0) for s in staff}

    def take(self, staff_id: str, points: float) -> bool:
        if self.free[staff_id] + 1e-9 < points:
            return False
        self.free[staff_id] -= points
        return True


def _pick(candidates: list[Staff], district: str, language: str, points: float, capacity: CaseloadCapacity,
          rng: random.Random, exclude: set[str] = frozenset()) -> Staff | None:
    def score(s: Staff) -> tuple:
        return (s.district != district, language not in s.languages, -capacity.free[s.staff_id], rng.random())

    for person in sorted((c for c in candidates if c.staff_id not in exclude), key=score):
        if capacity.take(person.staff_id, points):
            return person
    return None


@dataclass(frozen=True)
class FamilyProfile:
    """A drawn family before any professional is attached: who they are and what they need."""

    family: Family
    persons: tuple[Person, ...]
    needs: frozenset[str]
    cases: tuple[Case, ...] = ()


def draw_family_profile(family_id: str, start: date, rules_register: Register, rng: random.Random) -> FamilyProfile:
    """District, members, needs, case basis, points and follow-up dates of one synthetic family.

    Shared by :func:`generate_municipality` and :mod:`workbench.synth.families` (what-if growth),
    so the two draw families from the same mix.
    """
    district = rng.choice(DISTRICTS)
    language = "da" if rng.random() < 0.88 else rng.choice(OTHER_LANGUAGES)
    members: list[Person] = []
    for a in range(rng.choice((1, 1, 2, 2, 2))):
        income = rng.choices(
            ("kontanthjælp", "løn", "sygedagpenge", "fleksjob", "førtidspension", "SU"), weights=(45, 25, 10, 6, 6, 8)
        )[0]
        members.append(Person(f"{family_id}-V{a + 1}", family_id, "voksen", start.year - rng.randint(22, 55),
                              f"Voksen {a + 1}", income))
    for c in range(rng.choice((1, 1, 2, 2, 3, 4))):
        members.append(Person(f"{family_id}-B{c + 1}", family_id, "barn", start.year - rng.randint(0, 17),
                              f"Barn {c + 1}"))
    needs = _family_needs(members, start, rng)
    if rng.random() < 0.22:
        needs.add("disability")
    basis = _case_basis(needs, members, rng)
    if any(b in {"BL32", "BL46", "HEF"} for b in basis) and rng.random() < 0.5:
        needs.add("treatment")
    points = float(1 + (len(needs) >= 3) + (len(needs) >= 5))
    needs_secondary = "HEF" in basis or points >= 3 or rng.random() < 0.1
    new_case = rng.random() < 0.05
    case_start = start - timedelta(days=rng.randint(0, 20)) if new_case else start - timedelta(days=rng.randint(90, 760))
    # children are born before the family's first screening (the case start)
    members = [replace(p, birth_year=min(p.birth_year, case_start.year)) if p.kind == "barn" else p for p in members]
    cases = _cases(family_id, basis, members, case_start, new_case, start, rng)
    if any(c.case_basis == "SDP" or (c.case_basis == "LAB_KH" and c.opened_on > start - timedelta(days=200))
           for c in cases):
        needs.add("employment")  # jobsamtaler are due: the family's team has a job consultant
    draft = Family(family_id, district, language, basis, None, None, None, needs_secondary, points, None, case_start)
    rule = team_rule(Register(staff=(), families=(draft,), rules=rules_register.rules, cases=tuple(cases)), draft,
                     start, start)
    cadence = rule.max_interval_days if rule is not None else 91
    if new_case:
        last = None
    elif rng.random() < 0.02:  # a few families are overdue on purpose, so the overdue view has something to show
        last = start - timedelta(days=cadence + rng.randint(5, 40))
    else:
        last = start - timedelta(days=rng.randint(7, max(8, cadence - 5)))
    family = replace(draft, last_followup_date=last)
    return FamilyProfile(family, tuple(members), frozenset(needs), tuple(cases))


def draw_team(profile: FamilyProfile, by_role: dict[str, list[Staff]], capacity: CaseloadCapacity, rng: random.Random,
              on_team: set[str], load: LoadWeights = DEFAULT_LOAD, staff_by_id: dict[str, Staff] | None = None,
              rules: tuple[FollowupRule, ...] | None = None) -> list[TeamMember]:
    """The family's professionals: one per need (most important first, at most three), within capacity, and the
    caseworker its children's cases need (:func:`caseworker_role`) unless a coordinator is one."""
    rules = rules if rules is not None else default_rules()
    family = profile.family
    staff_by_id = staff_by_id or {s.staff_id: s for people in by_role.values() for s in people}
    team: list[TeamMember] = []
    for need in sorted(profile.needs, key=NEED_PRIORITY.index)[:MAX_TEAM_FROM_NEEDS]:
        role = NEED_TO_ROLE[need]
        if role == "handicapraadgiver" and any(s and staff_by_id[s].role == role for s in on_team):
            continue
        chosen = _pick(by_role.get(role, []), family.district, family.language, family.case_points * load.team,
                       capacity, rng, on_team)
        if chosen:
            team.append(TeamMember(family.family_id, chosen.staff_id, role))
            on_team.add(chosen.staff_id)
    role = caseworker_role(profile, rules)
    if role and not any(staff_by_id[s].role in CASEWORKER_ROLES for s in on_team if s in staff_by_id):
        chosen = _pick(by_role.get(role, []), family.district, family.language, family.case_points * load.team,
                       capacity, rng, on_team)
        if chosen:
            team.append(TeamMember(family.family_id, chosen.staff_id, role))
            on_team.add(chosen.staff_id)
    return team


def caseworker_role(profile: FamilyProfile, rules: tuple[FollowupRule, ...]) -> str | None:
    """The caseworker a family's cases need, or None: a child's case whose own clock asks for the caseworker
    (a børnefaglig undersøgelse, supervision visits to a placed child) always has one – the disability
    caseworker for a child with a disability (BL86), else the family caseworker."""
    bases = {b for r in rules if ROLES_OF_APPOINTMENT.get(r.appointment) == CASEWORKER_ROLES for b in r.bases}
    if not any(case.case_basis in bases for case in profile.cases):
        return None
    return "handicapraadgiver" if "BL86" in profile.family.case_basis else "familieraadgiver"


def draw_unavailability(family_id: str, start: date, rng: random.Random) -> list[FamilyUnavailability]:
    """A summer holiday for about one family in ten."""
    if rng.random() < 0.1:
        away = date(start.year, 7, 1) + timedelta(days=rng.randint(0, 40))
        return [FamilyUnavailability(family_id, away, away + timedelta(days=rng.randint(6, 20)), "Ferie")]
    return []


def generate_municipality(spec: MunicipalitySpec = MunicipalitySpec()) -> Register:
    """A complete, valid, synthetic register sized by ``spec``.

    One function on purpose: the random draws happen in a fixed order, so a seed gives the same municipality
    (``sample_data``, the benchmarks) in every version; a split must keep that order."""
    rng = random.Random(spec.seed)
    start = spec.start
    staff = generated_staff(spec, rng)
    rules = default_rules()
    by_role: dict[str, list[Staff]] = {}
    for person in staff:
        by_role.setdefault(person.role, []).append(person)
    staff_by_id = {s.staff_id: s for s in staff}
    coordinators = [s for s in staff if s.can_coordinate]
    capacity = CaseloadCapacity(staff)
    rule_lookup = Register(staff=(), families=(), rules=rules)

    families: list[Family] = []
    cases: list[Case] = []
    persons: list[Person] = []
    team: list[TeamMember] = []
    screenings: list[ScreeningRating] = []
    unavailability: list[FamilyUnavailability] = []
    for number in range(1, spec.n_families + 1):
        family_id = f"F{number:04d}"
        profile = draw_family_profile(family_id, start, rule_lookup, rng)
        family, members = profile.family, list(profile.persons)
        district, language, points = family.district, family.language, family.case_points

        primary = secondary = preferred = None
        if rng.random() >= spec.share_unassigned:
            chosen = _pick(coordinators, district, language, points * spec.load.primary, capacity, rng)
            primary = chosen.staff_id if chosen else None
        elif rng.random() < 0.35:
            preferred = rng.choice([c for c in coordinators if c.district == district] or coordinators).staff_id
        if primary and family.needs_secondary and rng.random() < 0.5:
            chosen = _pick(coordinators, district, language, points * spec.load.secondary, capacity, rng, {primary})
            secondary = chosen.staff_id if chosen else None

        team.extend(draw_team(profile, by_role, capacity, rng, {primary, secondary} - {None}, spec.load, staff_by_id,
                              rules))
        screener = primary or rng.choice(coordinators).staff_id
        first = generated_screenings(family_id, members, set(profile.needs), family.case_start_date, screener, rng)
        screenings.extend(first)
        screenings.extend(_rescreenings(family_id, members, first, family.case_start_date, start, screener, spec.seed))
        unavailability.extend(draw_unavailability(family_id, start, rng))
        persons.extend(members)
        cases.extend(profile.cases)
        families.append(replace(family, primary_coordinator=primary, secondary_coordinator=secondary,
                                preferred_coordinator=preferred))

    closed = (ClosedDay(easter(start.year) + timedelta(days=40), "Lukkedag (fredag efter Kristi himmelfartsdag)"),)
    return Register(
        staff=tuple(staff),
        families=tuple(families),
        rules=rules,
        team=tuple(team),
        absences=tuple(generated_absences(staff, start.year, rng)),
        family_unavailability=tuple(unavailability),
        screenings=tuple(screenings),
        persons=tuple(persons),
        closed_days=closed,
        cases=tuple(cases),
        external_participants=tuple(generated_externals(families, screenings, spec.seed,
                                                        (FIRST_NAMES, SYNTHETIC_SURNAMES))),
        civil_society=OFFERS,
        source=f"Tværby Kommune (syntetisk, seed {spec.seed})",
    )
