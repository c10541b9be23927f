"""From one screening to what the case needs: needs, case basis, target group, cadence and case points.

Everything is derived by published rules (``rules.py`` and the data files) and
comes with a Danish reason, so a caseworker can check and overrule each step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Iterable

from workbench.clocks import anchor, team_rule
from workbench.model import Family, FollowupRule, Person, Register, ScreeningRating
from workbench.io.instrument import (
    ACTIONABLE,
    FAMILY_PERSON_ID,
    domain_labels,
    item_by_id,
    items_for,
)
from workbench.screening.rules import (
    CaseBasisSuggestion,
    Context,
    Need,
    TargetGroupCheck,
    check_target_group,
    describe_person,
    needs_from,
    suggest_case_basis,
)


@dataclass(frozen=True)
class CasePointsPolicy:
    """How the screening sets the family's case points (policy, not law; DS leaves weighting to the municipality).

    ``base`` for every family, plus one step per threshold of actionable areas
    (a person's domain with a rating of 2 or 3), plus one if anything needs
    action now; never above ``maximum``.
    """

    base: float = 1.0
    area_steps: tuple[int, ...] = (3, 6)
    act_now_step: bool = True
    maximum: float = 3.0


DEFAULT_POINTS = CasePointsPolicy()


@dataclass(frozen=True)
class Area:
    """One person's domain and its highest rating."""

    person_id: str
    who: str
    domain: str
    domain_label: str
    score: int
    act_now: bool = False
    """A rating in the area means 'act now' (a 3 on an item whose 3 is urgent, not a lasting state)."""


@dataclass(frozen=True)
class Assessment:
    family: Family
    on: date
    ratings: tuple[ScreeningRating, ...]
    needs: tuple[Need, ...]
    areas: tuple[Area, ...]
    existing_case_basis: tuple[str, ...]
    suggested_case_basis: tuple[CaseBasisSuggestion, ...]
    target_group: TargetGroupCheck
    rule: FollowupRule | None
    next_followup: date | None
    case_points: float
    points_reasons: tuple[str, ...]
    strengths: tuple[str, ...]
    warnings: tuple[str, ...] = field(default=())

    @property
    def days_overdue(self) -> int:
        """Days since the follow-up deadline passed on the screening day (0 if it has not)."""
        return max(0, (self.on - self.next_followup).days) if self.next_followup else 0

    @property
    def case_basis(self) -> tuple[str, ...]:
        """Existing case bases plus the ones the screening suggests."""
        return tuple(dict.fromkeys(self.existing_case_basis + tuple(s.case_basis for s in self.suggested_case_basis)))

    @property
    def actionable_areas(self) -> tuple[Area, ...]:
        return tuple(a for a in self.areas if a.score >= ACTIONABLE)

    def family_with_points(self) -> Family:
        """The family as it would be after the screening: suggested case bases and case points."""
        from dataclasses import replace

        return replace(self.family, case_basis=self.case_basis, case_points=self.case_points)


def family_persons(register: Register, family_id: str) -> dict[str, Person]:
    return {p.person_id: p for p in register.persons_by_family.get(family_id, ())}


def expected_items(register: Register, family_id: str, on: date) -> list[tuple[str, str]]:
    """(person_id, item_id) pairs the instrument asks for on ``on``: each member's applicable items and the family's."""
    pairs = []
    for person in register.persons_by_family.get(family_id, ()):
        pairs += [(person.person_id, item.item_id) for item in items_for(person, on)]
    pairs += [(FAMILY_PERSON_ID, item.item_id) for item in items_for(None, on)]
    return pairs


def check_ratings(register: Register, family_id: str, ratings: Iterable[ScreeningRating], on: date) -> list[str]:
    """Danish warnings about a screening: unknown items or persons, items that do not fit the age, unrated items."""
    persons = family_persons(register, family_id)
    items = item_by_id()
    warnings = []
    seen = set()
    for r in ratings:
        seen.add((r.person_id, r.item_id))
        if r.item_id not in items:
            warnings.append(f"Ukendt item '{r.item_id}' ignoreres.")
        elif r.person_id != FAMILY_PERSON_ID and r.person_id not in persons:
            warnings.append(f"Personen '{r.person_id}' hører ikke til familie {family_id}.")
        elif not items[r.item_id].applies(persons.get(r.person_id), on):
            warnings.append(f"'{items[r.item_id].text_da}' passer ikke til "
                            f"{describe_person(r.person_id, persons, on)} (alder eller person).")
    missing = [pair for pair in expected_items(register, family_id, on) if pair not in seen]
    if missing:
        warnings.append(f"{len(missing)} {'punkt' if len(missing) == 1 else 'punkter'} er ikke vurderet; de tæller ikke med i "
                            "forslaget.")
    return warnings


def areas_of(ratings: Iterable[ScreeningRating], persons: dict[str, Person], on: date) -> list[Area]:
    """Highest rating per person and domain, in instrument order."""
    items = item_by_id()
    labels = domain_labels()
    best: dict[tuple[str, str], int] = {}
    urgent: set[tuple[str, str]] = set()
    for r in ratings:
        if r.item_id in items:
            key = (r.person_id, items[r.item_id].domain)
            best[key] = max(best.get(key, 0), r.score)
            if items[r.item_id].is_act_now(r.score):
                urgent.add(key)
    order = {d: i for i, d in enumerate(labels)}
    keys = sorted(best, key=lambda k: (k[0] == FAMILY_PERSON_ID, k[0], order[k[1]]))
    return [Area(pid, describe_person(pid, persons, on), d, labels[d], best[(pid, d)], (pid, d) in urgent)
            for pid, d in keys]


def case_points(areas: Iterable[Area], policy: CasePointsPolicy = DEFAULT_POINTS) -> tuple[float, list[str]]:
    """Case points from the number of actionable areas, with the arithmetic spelled out in Danish."""
    areas = list(areas)
    actionable = [a for a in areas if a.score >= ACTIONABLE]
    points, reasons = policy.base, [f"{policy.base:g} point for at være i den koordinerede indsats"]
    for step in policy.area_steps:
        if len(actionable) >= step:
            points += 1
            reasons.append(f"+1 fordi {len(actionable)} områder kræver handling (mindst {step})")
    if policy.act_now_step and any(a.act_now for a in areas):
        points += 1
        urgent = ", ".join(f"{a.who}: {a.domain_label}" for a in areas if a.act_now)
        reasons.append(f"+1 fordi noget kræver handling nu ({urgent})")
    if points > policy.maximum:
        reasons.append(f"højst {policy.maximum:g} point")
        points = policy.maximum
    return points, reasons


def strengths_of(ratings: Iterable[ScreeningRating], persons: dict[str, Person], on: date) -> list[str]:
    items = item_by_id()
    return [f"{describe_person(r.person_id, persons, on)}: {items[r.item_id].text_da}"
            + (f" ({r.note})" if r.note else "")
            for r in ratings if r.strength and r.item_id in items]


def cadence(register: Register, family: Family, bases: tuple[str, ...], on: date) -> tuple[FollowupRule | None, date | None, str]:
    """The strictest follow-up rule for the case bases, the next due date, and a warning if none applies."""
    from dataclasses import replace

    known = tuple(b for b in bases if b in register.rules_by_basis)
    if not known:
        return None, None, (f"Ingen opfølgningsregel i followup_rules for sagsgrundlag {', '.join(bases) or '(intet)'}.")
    rule = team_rule(register, replace(family, case_basis=known), on, on)
    if rule is None:
        return None, None, ("Opfølgningen på familiens indsats fastsættes i sagen (Barnets lov § 95 stk. 3); der er "
                            "ingen fast kadence at vise.")
    since, _ = anchor(family.last_followup_date, family.case_start_date, on)
    # an overdue follow-up keeps its past deadline: it is shown as overdue, never silently re-based on today
    return rule, since + timedelta(days=rule.max_interval_days), ""


def assess(register: Register, family: Family, ratings: Iterable[ScreeningRating], on: date,
           policy: CasePointsPolicy = DEFAULT_POINTS) -> Assessment:
    """Everything the screening implies for the case, before any staff are chosen."""
    ratings = tuple(r for r in ratings if r.item_id in item_by_id())
    persons = family_persons(register, family.family_id)
    warnings = check_ratings(register, family.family_id, ratings, on)
    context = Context(persons, ratings, on, family.case_basis)
    suggestions = suggest_case_basis(context)
    bases = tuple(dict.fromkeys(family.case_basis + tuple(s.case_basis for s in suggestions)))
    # needs see the case bases the screening suggests too (e.g. a new BFU calls for a family caseworker)
    needs = needs_from(Context(persons, ratings, on, bases))
    areas = areas_of(ratings, persons, on)
    points, points_reasons = case_points(areas, policy)
    target_group = check_target_group(bases)
    rule, due = None, None
    if target_group.in_model:  # outside the target group there is no coordinated follow-up to schedule
        rule, due, missing_rule = cadence(register, family, bases, on)
        if missing_rule:
            warnings.append(missing_rule)
    return Assessment(
        family=family, on=on, ratings=ratings, needs=tuple(needs), areas=tuple(areas),
        existing_case_basis=family.case_basis, suggested_case_basis=tuple(suggestions),
        target_group=target_group, rule=rule, next_followup=due,
        case_points=points, points_reasons=tuple(points_reasons),
        strengths=tuple(strengths_of(ratings, persons, on)), warnings=tuple(warnings),
    )
