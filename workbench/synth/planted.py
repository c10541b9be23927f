"""Benchmark instances with a planted zero-late plan.

To know that a plan with no late meeting exists, we first build one: families
are added one by one and each family's follow-up chain is laid onto days and
time slots where every attendee still has room.  A family whose chain does not
fit is dropped and another is drawn, until the target number of families is
reached; the register is then written so that the planted plan satisfies every
hard constraint.  Each meeting takes one of the latest days that still fit, so
the planted plan uses about as few meetings as any plan can: a solver gets
little free slack from holding meetings later than the plant does.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from datetime import date, timedelta

from workbench.caseload import caseload
from workbench.model import Assignment, Case, Family, FollowupRule, Meeting, Person, Plan, Register, Staff, TeamMember
from workbench.synth.municipality import (
    DISTRICTS,
    MunicipalitySpec,
    generated_absences,
    generated_staff,
)
from workbench.workdays import WorkCalendar

SLOT_MINUTES = 90
SLOTS_PER_DAY = 4  # 09:00, 10:30, 12:00, 13:30 inside the 09:00-15:30 meeting hours
TEAM_ROLES = ("jobkonsulent", "familiebehandler", "ppr_psykolog", "sundhedsplejerske", "oekonomiraadgiver",
              "uu_vejleder", "bostoette", "skolesocialraadgiver", "handicapraadgiver", "misbrugskonsulent")


@dataclass(frozen=True)
class PlantedSpec:
    n_staff: int = 100
    n_families: int = 2000
    start: date = date(2027, 1, 1)
    days: int = 365
    seed: int = 1
    share_six_weeks: float = 0.6
    """Share of families on a 6-week cadence; the rest follow up every 3 months."""
    latest_choices: int = 3
    """Each planted meeting takes one of the latest few days that still fit, so gaps stay close to the maximum."""
    max_attempts_factor: float = 8.0
    """Families drawn at most, per family wanted (drawn families that do not fit are dropped)."""
    share_jobsamtaler: float = 0.0
    """Share of the families with a job consultant on the team whose adult also has jobsamtaler of their own (the
    job consultant and the adult, 45 minutes, at most every 4 weeks): a second kind of appointment competing for
    the same people's daily caps.  0 keeps the instances of earlier runs unchanged."""


@dataclass
class PlantedInstance:
    register: Register
    start: date
    end: date
    planted: Plan
    utilisation: float
    """Planted attendee-meetings per available person-day slot (cap) over all staff."""
    peak_utilisation: float
    """The same for the busiest tenth of the staff."""
    rejected_families: int
    rejections: dict[str, int]


PLANTED_RULES = (
    FollowupRule("PLANT-6U", "BL32", 42, 28, 90, "Opfølgning hver 6. uge (plantet instans)", "benchmark",
                 kind="modelkrav", law="Plantet instans"),
    FollowupRule("PLANT-3M", "BL86", 91, 63, 60, "Opfølgning hver 3. måned (plantet instans)", "benchmark",
                 kind="modelkrav", law="Plantet instans"),
)
"""Fixed cadences for the planted benchmark (six weeks and three months), so its instances stay the same when
the package's rules change."""
PLANTED_JOBSAMTALE = FollowupRule(
    "PLANT-JOB", "PLANT_KH", 28, 14, 45, "Jobsamtale mindst hver 4. uge (plantet instans)", "benchmark",
    kind="lovkrav", law="Plantet instans", appointment="jobkonsulent_voksen", applies_to="voksen")
"""A person's own clock for the mixed-kind instances: the adult and the job consultant only."""


def _rules() -> tuple[FollowupRule, FollowupRule]:
    return PLANTED_RULES


def _options(people, common, previous, rule, start, cap, used_slots):
    """Days (latest first) in the legal band after ``previous`` where everyone has room, with their free slots."""
    out = []
    day = previous + timedelta(days=rule.max_interval_days)
    first = max(previous + timedelta(days=rule.min_interval_days), start)
    while day >= first:
        if day in common and all(len(used_slots[(p, day)]) < cap[p] for p in people):
            free = [k for k in range(SLOTS_PER_DAY) if all(k not in used_slots[(p, day)] for p in people)]
            if free:
                out.append((day, free))
        day -= timedelta(days=1)
    return out


def _plant_chain(people, common, last, rule, start, end, cap, used_slots, rng, latest_choices, budget=60):
    """Lay a family's follow-ups from ``last`` to past ``end``, backtracking a little when a band is blocked.

    Returns the (day, slot) chain with the slots booked, or None (nothing booked) if it does not fit."""
    chain: list[tuple[date, int]] = []
    tried: list[list[tuple[date, list[int]]]] = []
    previous = last
    while previous + timedelta(days=rule.max_interval_days) <= end:
        if len(tried) == len(chain):
            options = _options(people, common, previous, rule, start, cap, used_slots)[:latest_choices]
            rng.shuffle(options)
            tried.append(options)
        options = tried[-1]
        if options and budget > 0:
            budget -= 1
            day, free = options.pop()
            slot = rng.choice(free)
            for p in people:
                used_slots[(p, day)].add(slot)
            chain.append((day, slot))
            previous = day
            continue
        tried.pop()  # this band is blocked: undo the previous meeting and try its next option
        if not chain or budget <= 0:
            for day, slot in chain:
                for p in people:
                    used_slots[(p, day)].discard(slot)
            return None
        day, slot = chain.pop()
        for p in people:
            used_slots[(p, day)].discard(slot)
        previous = chain[-1][0] if chain else last
    return chain


def _plant_jobsamtaler(spec: PlantedSpec, rng: random.Random, family_id: str, members: list[TeamMember],
                       available, start: date, end: date, cap, used_slots):
    """For some families with a job consultant: the adult's own jobsamtale chain, laid after the team's (same
    slots and caps), as (person, case, meetings); None when the family gets none or it does not fit."""
    consultant = next((m.staff_id for m in members if m.role == "jobkonsulent"), None)
    if consultant is None or spec.share_jobsamtaler <= 0 or rng.random() >= spec.share_jobsamtaler:
        return None
    rule = PLANTED_JOBSAMTALE
    last = start - timedelta(days=rng.randint(1, rule.max_interval_days - 3))
    chain = _plant_chain([consultant], available[consultant], last, rule, start, end, cap, used_slots, rng,
                         spec.latest_choices)
    if chain is None:
        return None
    person_id = f"{family_id}-V1"
    meetings, previous = [], last
    for k, (day, slot) in enumerate(chain, start=1):
        begin = 9 * 60 + slot * SLOT_MINUTES
        meetings.append(Meeting(f"{person_id}-{rule.rule_id}-{k:02d}", family_id, day, begin,
                                begin + rule.meeting_minutes, (consultant,), rule.rule_id,
                                previous + timedelta(days=rule.max_interval_days), 0, person_id=person_id))
        previous = day
    case = Case(f"{person_id}-KH", family_id, person_id, rule.case_basis, last - timedelta(days=400),
                last_followup_date=last)
    return Person(person_id, family_id, "voksen", 1985), case, meetings


def generate_planted(spec: PlantedSpec = PlantedSpec()) -> PlantedInstance:
    """A municipality with a planted plan in which no follow-up is late (the benchmark's proof that 0 late is
    possible).

    One function on purpose: the random draws happen in a fixed order, so a seed gives the same instance in
    every version and benchmark figures stay comparable over time; a split must keep that order."""
    rng = random.Random(spec.seed)
    end = spec.start + timedelta(days=spec.days - 1)
    staff = generated_staff(MunicipalitySpec(n_staff=spec.n_staff, seed=spec.seed), rng)
    absences = generated_absences(staff, spec.start.year, rng)
    rules = PLANTED_RULES
    base = Register(staff=tuple(staff), families=(), rules=rules, absences=tuple(absences))
    calendar = WorkCalendar(base, spec.start - timedelta(days=100), end + timedelta(days=100))
    open_days = [d for d in calendar.open_days if spec.start <= d <= end]
    available = {s.staff_id: {d for d in open_days if calendar.staff_available(s.staff_id, d)} for s in staff}
    cap = {s.staff_id: min(s.max_meetings_per_day, SLOTS_PER_DAY) for s in staff}
    coordinators = [s for s in staff if s.can_coordinate]
    by_role: dict[str, list[Staff]] = defaultdict(list)
    for s in staff:
        if not s.can_coordinate:
            by_role[s.role].append(s)
    roles = [r for r in TEAM_ROLES if by_role.get(r)]
    six_weeks, three_months = _rules()

    used_slots: dict[tuple[str, date], set[int]] = defaultdict(set)
    load: dict[str, int] = defaultdict(int)
    families: list[Family] = []
    team: list[TeamMember] = []
    meetings: list[Meeting] = []
    persons: list[Person] = []
    cases: list[Case] = []
    rejected = 0
    reasons: Counter = Counter()
    attempts = int(spec.n_families * spec.max_attempts_factor)

    def least_loaded(candidates: list[Staff], exclude: set[str]) -> Staff:
        pool = [c for c in candidates if c.staff_id not in exclude]
        sample = rng.sample(pool, min(4, len(pool)))
        return min(sample, key=lambda s: load[s.staff_id] / max(1, cap[s.staff_id] * len(available[s.staff_id])))

    while len(families) < spec.n_families and attempts > 0:
        attempts -= 1
        number = len(families) + 1
        family_id = f"F{number:04d}"
        rule = six_weeks if rng.random() < spec.share_six_weeks else three_months
        primary = least_loaded(coordinators, set())
        people = [primary.staff_id]
        secondary = None
        if rng.random() < 0.25:
            secondary = least_loaded(coordinators, {primary.staff_id})
            people.append(secondary.staff_id)
        members = []
        # roles drawn in proportion to their free meeting capacity, so the load spreads over all professions
        room = {r: max(1e-6, sum(cap[x.staff_id] * len(available[x.staff_id]) - load[x.staff_id] for x in by_role[r]))
                for r in roles}
        wanted: list[str] = []
        for _ in range(rng.choice((1, 1, 2, 2, 3))):
            pool = [r for r in roles if r not in wanted]
            wanted.append(rng.choices(pool, weights=[room[r] for r in pool])[0])
        for role in wanted:
            member = least_loaded(by_role[role], set(people))
            people.append(member.staff_id)
            members.append(TeamMember(family_id, member.staff_id, role))
        common = set.intersection(*(available[p] for p in people))
        last = spec.start - timedelta(days=rng.randint(1, rule.max_interval_days - 7))
        chain = _plant_chain(people, common, last, rule, spec.start, end, cap, used_slots, rng, spec.latest_choices)
        if chain is None:
            rejected += 1
            reasons["ingen fælles dage" if len(common) < 50 else "kæden kunne ikke lægges"] += 1
            continue
        job = _plant_jobsamtaler(spec, rng, family_id, members, available, start=spec.start, end=end, cap=cap,
                                 used_slots=used_slots)
        for p in people:
            load[p] += len(chain)
        if job is not None:
            person, case, job_meetings = job
            persons.append(person)
            cases.append(case)
            meetings.extend(job_meetings)
            load[job_meetings[0].attendees[0] if job_meetings else people[0]] += len(job_meetings)
        families.append(Family(family_id, rng.choice(DISTRICTS), "da", (rule.case_basis,), last, primary.staff_id,
                               secondary.staff_id if secondary else None, secondary is not None,
                               float(rng.choice((1, 1, 2, 2, 3))), None, last - timedelta(days=200)))
        team.extend(members)
        previous = last
        for k, (day, slot) in enumerate(chain, start=1):
            deadline = previous + timedelta(days=rule.max_interval_days)
            begin = 9 * 60 + slot * SLOT_MINUTES
            meetings.append(Meeting(f"{family_id}-{k:02d}", family_id, day, begin, begin + rule.meeting_minutes,
                                    tuple(people), rule.rule_id, deadline, 0))
            previous = day

    register = Register(staff=tuple(staff), families=tuple(families), rules=rules, team=tuple(team),
                        absences=tuple(absences), source=f"planted seed {spec.seed}")
    used = caseload(register)
    register = register.replace(staff=tuple(
        replace(s, max_caseload_points=max(s.max_caseload_points, round(used[s.staff_id] + 1.0, 1))) for s in staff
    ))
    assignments = [Assignment(f.family_id, f.primary_coordinator, f.secondary_coordinator) for f in families]
    planted = Plan(spec.start, end, assignments, meetings)
    capacity = {s.staff_id: cap[s.staff_id] * len(available[s.staff_id]) for s in staff}
    attended = defaultdict(int)
    for m in meetings:
        for p in m.attendees:
            attended[p] += 1
    ratios = sorted((attended[p] / capacity[p] for p in capacity if capacity[p]), reverse=True)
    top = ratios[: max(1, len(ratios) // 10)]
    register = register.replace(persons=tuple(persons), cases=tuple(cases),
                                rules=rules + ((PLANTED_JOBSAMTALE,) if cases else ()))
    return PlantedInstance(
        register=register,
        start=spec.start,
        end=end,
        planted=planted,
        utilisation=sum(attended.values()) / max(1, sum(capacity.values())),
        peak_utilisation=sum(top) / len(top),
        rejected_families=rejected,
        rejections=dict(reasons),
    )
