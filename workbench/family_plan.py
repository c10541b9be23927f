"""The family's own plan (familieplan): goals in the family's words, agreed actions, the child's own view, consent,
the collaboration contract, and a review of the goals at each follow-up.

Hedensted ("Familier på vej"): the family makes the plan together with its team, from its own experience, wishes
and needs, and a samarbejdskontrakt sets out what family, team and coordinator expect of each other.  Thisted
(Hånd om Egen Familie) asks for the plan to carry the goals of every sector.  Progress is what the family and the
coordinator rate together at each follow-up, on a 1-10 scale per goal, not a score the system computes.

Pure data: no store, no widgets.  :func:`plan_problems` says in Danish what is missing or wrong before anything
is saved; text that looks like a CPR number is refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from workbench.cpr import looks_like_cpr
from workbench.errors import Refusal

SCALE_LOW, SCALE_HIGH = 1, 10
SCALE_TEXT = "1 = langt fra målet, 10 = målet er nået"
WHOLE_FAMILY = ""
"""A goal or a view that is not one person's but the whole family's."""


@dataclass(frozen=True)
class Goal:
    """A goal in the family's own words, for one person or the whole family."""

    goal_id: str
    text: str
    person_id: str = WHOLE_FAMILY
    set_on: date | None = None


@dataclass(frozen=True)
class Action:
    """What was agreed: what happens, who does it, by when (and which goal it serves)."""

    what: str
    who: str
    by_when: date | None = None
    goal_id: str = ""
    done: bool = False


@dataclass(frozen=True)
class ChildView:
    """The child's own view, heard in its own conversation (børnesamtale) and written as the child said it."""

    person_id: str
    text: str
    heard_on: date


@dataclass(frozen=True)
class Consent:
    """A consent the family has given: what may be shared or done, with whom, until when."""

    what: str
    to_whom: str
    given_by: str
    given_on: date
    until: date | None = None

    def valid_on(self, day: date) -> bool:
        return self.given_on <= day and (self.until is None or day <= self.until)


@dataclass(frozen=True)
class Contract:
    """The samarbejdskontrakt: what the family, the team and the coordinator can expect of each other."""

    family_part: str = ""
    team_part: str = ""
    coordinator_part: str = ""
    agreed_on: date | None = None

    @property
    def written(self) -> bool:
        return any(text.strip() for text in (self.family_part, self.team_part, self.coordinator_part))


@dataclass(frozen=True)
class Review:
    """A follow-up's look at the goals: each goal rated together with the family, and what was said."""

    held_on: date
    ratings: tuple[tuple[str, int], ...]
    note: str = ""

    def rating(self, goal_id: str) -> int | None:
        return dict(self.ratings).get(goal_id)


@dataclass(frozen=True)
class FamilyPlan:
    family_id: str
    goals: tuple[Goal, ...] = ()
    actions: tuple[Action, ...] = ()
    child_views: tuple[ChildView, ...] = ()
    consents: tuple[Consent, ...] = ()
    contract: Contract = field(default_factory=Contract)
    reviews: tuple[Review, ...] = ()
    attendees: tuple[str, ...] = ()
    """Who of the team the family wants at its follow-ups besides the coordinators (staff ids); empty = the whole
    team.  Saved here, it replaces ``families.csv``'s *Med til møderne* for the next plan."""
    coordinator: str = ""
    """The coordinator the family has chosen (a staff id, any profession); replaces ``preferred_coordinator``."""

    def choices(self) -> dict[str, Any]:
        """The family's own choices for the planner, or an empty dict when it has made none here."""
        out: dict[str, Any] = {}
        if self.attendees:
            out["attendees"] = list(self.attendees)
        if self.coordinator:
            out["coordinator"] = self.coordinator
        return out

    def goal(self, goal_id: str) -> Goal | None:
        return next((g for g in self.goals if g.goal_id == goal_id), None)

    def next_goal_id(self) -> str:
        used = {g.goal_id for g in self.goals}
        return next(f"M{n}" for n in range(1, len(used) + 2) if f"M{n}" not in used)

    def with_review(self, review: Review) -> FamilyPlan:
        """The plan with this review; a second review on the same day replaces the first (a correction)."""
        kept = tuple(r for r in self.reviews if r.held_on != review.held_on)
        return replace(self, reviews=tuple(sorted(kept + (review,), key=lambda r: r.held_on)))

    def attainment(self) -> list[tuple[date, str, int]]:
        """Every rating over time: (review day, goal id, 1-10), oldest first - what the chart shows."""
        return [(r.held_on, goal_id, score) for r in self.reviews for goal_id, score in r.ratings]

    def latest_ratings(self) -> dict[str, tuple[date, int]]:
        latest: dict[str, tuple[date, int]] = {}
        for day, goal_id, score in self.attainment():
            latest[goal_id] = (day, score)
        return latest

    def open_actions(self, on: date) -> list[Action]:
        """Actions not done, the overdue first."""
        return sorted((a for a in self.actions if not a.done),
                      key=lambda a: (a.by_when is None, a.by_when or on))


def plan_problems(plan: FamilyPlan, members: set[str] | None = None) -> list[str]:
    """What is wrong with a plan before it is saved, in plain Danish (empty = it can be saved).

    ``members`` are the family's person ids (when known): a goal or a child's view must name one of them."""
    problems: list[str] = []
    ids = [g.goal_id for g in plan.goals]
    for goal in plan.goals:
        if not goal.text.strip():
            problems.append(f"Mål {goal.goal_id} har ingen tekst. Skriv målet med familiens egne ord.")
        if members is not None and goal.person_id and goal.person_id not in members:
            problems.append(f"Mål {goal.goal_id} gælder {goal.person_id}, som ikke er med i familien.")
    for duplicate in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(f"Der er flere mål med nummeret {duplicate}. Hvert mål skal have sit eget nummer.")
    for number, action in enumerate(plan.actions, start=1):
        if not action.what.strip() or not action.who.strip():
            problems.append(f"Aftale {number}: skriv både hvad der skal ske, og hvem der gør det.")
        if action.goal_id and action.goal_id not in ids:
            problems.append(f"Aftale {number} hører til mål {action.goal_id}, som ikke findes.")
    for view in plan.child_views:
        if not view.text.strip():
            problems.append(f"Barnets perspektiv for {view.person_id} er tomt.")
        if members is not None and view.person_id not in members:
            problems.append(f"Barnets perspektiv gælder {view.person_id}, som ikke er med i familien.")
    for number, consent in enumerate(plan.consents, start=1):
        if not consent.what.strip() or not consent.to_whom.strip():
            problems.append(f"Samtykke {number}: skriv hvad samtykket gælder, og hvem der må få oplysningerne.")
        if consent.until is not None and consent.until < consent.given_on:
            problems.append(f"Samtykke {number} udløber ({consent.until:%d.%m.%Y}), før det er givet "
                            f"({consent.given_on:%d.%m.%Y}).")
    for review in plan.reviews:
        for goal_id, score in review.ratings:
            if goal_id not in ids:
                problems.append(f"Opfølgningen {review.held_on:%d.%m.%Y} vurderer mål {goal_id}, som ikke findes.")
            if not SCALE_LOW <= score <= SCALE_HIGH:
                problems.append(f"Opfølgningen {review.held_on:%d.%m.%Y}: mål {goal_id} har vurderingen {score}; "
                                f"brug {SCALE_LOW}-{SCALE_HIGH} ({SCALE_TEXT}).")
    return problems


class CprInPlan(Refusal):
    """Text in the family plan looks like a CPR number."""


def refuse_cpr(plan: FamilyPlan) -> None:
    """Free text is where a CPR number slips in: refuse the whole plan, naming the field, before it is stored."""
    for where, text in _texts(plan):
        if looks_like_cpr(text):
            raise CprInPlan(f"{where} ligner et CPR-nummer og gemmes ikke. Skriv navnet eller rollen i stedet.")


def _texts(plan: FamilyPlan):
    for g in plan.goals:
        yield f"Mål {g.goal_id}", g.text
    for n, a in enumerate(plan.actions, start=1):
        yield f"Aftale {n}", f"{a.what} {a.who}"
    for v in plan.child_views:
        yield "Barnets perspektiv", v.text
    for n, c in enumerate(plan.consents, start=1):
        yield f"Samtykke {n}", f"{c.what} {c.to_whom} {c.given_by}"
    c = plan.contract
    yield "Samarbejdskontrakten", f"{c.family_part} {c.team_part} {c.coordinator_part}"
    for r in plan.reviews:
        yield f"Opfølgningen {r.held_on:%d.%m.%Y}", r.note


# ---------------------------------------------------------------------------------------------- to and from JSON


def plan_to_json(plan: FamilyPlan) -> dict[str, Any]:
    def day(value: date | None) -> str:
        return value.isoformat() if value else ""

    return {
        "family_id": plan.family_id,
        "goals": [{"goal_id": g.goal_id, "text": g.text, "person_id": g.person_id, "set_on": day(g.set_on)}
                  for g in plan.goals],
        "actions": [{"what": a.what, "who": a.who, "by_when": day(a.by_when), "goal_id": a.goal_id, "done": a.done}
                    for a in plan.actions],
        "child_views": [{"person_id": v.person_id, "text": v.text, "heard_on": day(v.heard_on)}
                        for v in plan.child_views],
        "consents": [{"what": c.what, "to_whom": c.to_whom, "given_by": c.given_by, "given_on": day(c.given_on),
                      "until": day(c.until)} for c in plan.consents],
        "contract": {"family_part": plan.contract.family_part, "team_part": plan.contract.team_part,
                     "coordinator_part": plan.contract.coordinator_part, "agreed_on": day(plan.contract.agreed_on)},
        "reviews": [{"held_on": day(r.held_on), "ratings": [[g, s] for g, s in r.ratings], "note": r.note}
                    for r in plan.reviews],
        "attendees": list(plan.attendees),
        "coordinator": plan.coordinator,
    }


def plan_from_json(payload: dict[str, Any]) -> FamilyPlan:
    def day(text: str) -> date | None:
        return date.fromisoformat(text) if text else None

    c = payload.get("contract", {})
    return FamilyPlan(
        family_id=payload["family_id"],
        goals=tuple(Goal(g["goal_id"], g["text"], g.get("person_id", ""), day(g.get("set_on", "")))
                    for g in payload.get("goals", [])),
        actions=tuple(Action(a["what"], a["who"], day(a.get("by_when", "")), a.get("goal_id", ""),
                             bool(a.get("done", False))) for a in payload.get("actions", [])),
        child_views=tuple(ChildView(v["person_id"], v["text"], day(v["heard_on"]))
                          for v in payload.get("child_views", [])),
        consents=tuple(Consent(x["what"], x["to_whom"], x.get("given_by", ""), day(x["given_on"]),
                               day(x.get("until", ""))) for x in payload.get("consents", [])),
        contract=Contract(c.get("family_part", ""), c.get("team_part", ""), c.get("coordinator_part", ""),
                          day(c.get("agreed_on", ""))),
        reviews=tuple(Review(day(r["held_on"]), tuple((g, int(s)) for g, s in r.get("ratings", [])),
                             r.get("note", "")) for r in payload.get("reviews", [])),
        attendees=tuple(payload.get("attendees", [])),
        coordinator=payload.get("coordinator", ""),
    )
