"""Transparent screening rules, kept as data: ratings and legal triggers -> needs and case bases.

No score is summed and nothing is learned from data.  Each rule is one row in a
CSV file a municipality can read and edit (``team_rules.csv``,
``case_basis_rules.csv``, ``target_group.csv``), and every proposal carries the
row's Danish reason and legal or model source.

A rule fires when all of its given conditions hold:

* ``items`` (item ids or domain codes): at least ``min_count`` ratings at or
  above ``min_score`` for persons within ``min_age``-``max_age``;
* ``income``: an adult within the age range has one of these incomes (when
  ``items`` are given too, the same adult must also meet the rating condition);
* ``case_basis`` / ``case_basis_present``: the family has one of these case bases;
* ``unless_case_basis``: the family has none of these (and, for case bases, no earlier row suggests one).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Iterable

import pandas as pd

from workbench import catalogue
from workbench.catalogue import data_path
from workbench.errors import Problem, RegisterError
from workbench.model import Person, ScreeningRating
from workbench.io.instrument import ACTIONABLE, FAMILY_PERSON_ID, item_by_id, load_instrument


class RulesError(RegisterError):
    """A rules file has problems; every one is listed with file, row and column."""


@dataclass(frozen=True)
class Hit:
    """One piece of evidence that made a rule fire."""

    person_id: str
    item_id: str = ""
    score: int | None = None
    income: str = ""


@dataclass(frozen=True)
class Condition:
    items: tuple[str, ...] = ()
    min_score: int = ACTIONABLE
    min_count: int = 1
    min_age: int | None = None
    max_age: int | None = None
    income: tuple[str, ...] = ()
    case_basis: tuple[str, ...] = ()
    unless_case_basis: tuple[str, ...] = ()

    def _age_ok(self, person: Person | None, on: date) -> bool:
        if person is None:
            return self.min_age is None and self.max_age is None
        age = person.age_on(on)
        return (self.min_age is None or age >= self.min_age) and (self.max_age is None or age <= self.max_age)

    def hits(self, context: "Context") -> list[Hit] | None:
        """The evidence if the condition holds, else None."""
        bases = set(context.case_basis)
        if self.unless_case_basis and bases & set(self.unless_case_basis):
            return None
        evidence: list[Hit] = []
        if self.case_basis:
            if not bases & set(self.case_basis):
                return None
        earners = None
        if self.income:
            earners = {p.person_id: p.income for p in context.persons.values()
                       if p.kind == "voksen" and p.income in self.income and self._age_ok(p, context.on)}
            if not earners:
                return None
        if self.items:
            wanted = set(self.items)
            rated = [
                r for r in context.ratings
                if (r.item_id in wanted or context.domain_of.get(r.item_id) in wanted)
                and r.score >= self.min_score
                and self._age_ok(context.persons.get(r.person_id), context.on)
                and (earners is None or r.person_id in earners)
            ]
            if len(rated) < self.min_count:
                return None
            evidence += [Hit(r.person_id, r.item_id, r.score, (earners or {}).get(r.person_id, "")) for r in rated]
        elif earners is not None:
            evidence += [Hit(pid, income=income) for pid, income in earners.items()]
        return evidence

    @property
    def is_empty(self) -> bool:
        return not (self.items or self.income or self.case_basis)


@dataclass(frozen=True)
class Context:
    """What the rules look at: the family's persons, ratings and case bases on one day."""

    persons: dict[str, Person]
    ratings: tuple[ScreeningRating, ...]
    on: date
    case_basis: tuple[str, ...] = ()
    domain_of: dict[str, str] = field(default_factory=lambda: {i.item_id: i.domain for i in load_instrument()})


def describe_person(person_id: str, persons: dict[str, Person], on: date) -> str:
    """'Barn 1 (9 år)', 'Voksen 2 (31 år)' or 'Familien' - never more than a pseudonym and an age."""
    if person_id == FAMILY_PERSON_ID:
        return "Familien"
    person = persons.get(person_id)
    if person is None:
        return person_id
    return f"{person.label or person.person_id} ({person.age_on(on)} år)"


def render_reason(template: str, hits: list[Hit], context: Context, bases: Iterable[str] = ()) -> str:
    """Fill a rule's Danish reason with who, which item and which score (the highest-rated evidence)."""
    items = item_by_id()
    scored = [h for h in hits if h.score is not None]
    top_score = max((h.score for h in scored), default=None)
    top = [h for h in scored if h.score == top_score] or hits
    who = list(dict.fromkeys(describe_person(h.person_id, context.persons, context.on) for h in top))
    item_texts = list(dict.fromkeys(items[h.item_id].text_da for h in top if h.item_id in items))
    values = {
        "hvem": " og ".join(who) if len(who) <= 2 else ", ".join(who[:-1]) + " og " + who[-1],
        "item": "', '".join(item_texts[:3]),
        "score": "" if top_score is None else top_score,
        "indkomst": ", ".join(dict.fromkeys(h.income for h in top if h.income)),
        "sagsgrundlag": ", ".join(bases),
        "antal": len(hits),
    }
    try:
        text = template.format(**values)
    except (KeyError, IndexError, ValueError):
        text = template
    others = len(scored) - len([h for h in top if h.score is not None])
    if others and "{antal}" not in template:
        text += f" (og {others} vurdering{'er' if others > 1 else ''} mere på {ACTIONABLE} eller derover)"
    return text


# --------------------------------------------------------------------------- rule tables

SERVICE, KNOWLEDGE, TASK = "ydelse", "viden", "opgave"
KINDS = {
    SERVICE: "en ydelse eller myndighedsopgave, som kun fagpersonen med rollen kan give",
    KNOWLEDGE: "viden i teamet, som også en anden fagperson med kompetencen kan bidrage med",
    TASK: "en opgave for koordinatoren uden en fagperson mere",
}
"""What a team rule asks for (column ``kind`` of team_rules.csv).  A competence tag says someone *knows* about
violence or network meetings; it never makes them the one who grants bostøtte, debt advice, rusmiddelbehandling or
a børnefaglig undersøgelse - that takes the profession whose service it is."""


@dataclass(frozen=True)
class TeamRule:
    rule_id: str
    need: str
    need_label: str
    roles: tuple[str, ...]
    competences: tuple[str, ...]
    condition: Condition
    reason_da: str
    source: str
    kind: str = SERVICE


@dataclass(frozen=True)
class CaseBasisRule:
    rule_id: str
    case_basis: str
    condition: Condition
    only_if_none: bool
    reason_da: str
    source: str


@dataclass(frozen=True)
class TargetGroupEntry:
    case_basis: str
    in_model: bool
    reason_da: str
    source: str


def _split(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(";") if part.strip())


class _Rows:
    """Reads one rules CSV and collects problems naming file, row and column."""

    def __init__(self, path: Path, required: tuple[str, ...]):
        self.label = path.name
        self.problems: list[Problem] = []
        self.frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        for column in required:
            if column not in self.frame.columns:
                self.problems.append(Problem(self.label, 1, column, "kolonnen mangler", "column is missing"))

    def rows(self):
        if any(p.is_error for p in self.problems):
            return
        for offset, row in enumerate(self.frame.to_dict("records")):
            yield offset + 2, {k: str(v).strip() for k, v in row.items()}

    def problem(self, row: int, column: str, da: str, en: str) -> None:
        self.problems.append(Problem(self.label, row, column, da, en))

    def integer(self, row: int, values: dict, column: str, default: int | None, low: int, high: int) -> int | None:
        text = values.get(column, "")
        if not text:
            return default
        try:
            number = int(text)
        except ValueError:
            self.problem(row, column, f"'{text}' er ikke et helt tal", "not a whole number")
            return default
        if not low <= number <= high:
            self.problem(row, column, f"{number} skal ligge mellem {low} og {high}", "out of range")
        return number

    def condition(self, row: int, values: dict, basis_column: str) -> Condition:
        known = set(item_by_id()) | {i.domain for i in load_instrument()}
        items = _split(values.get("items", ""))
        for code in items:
            if code not in known:
                self.problem(row, "items", f"'{code}' er hverken et item eller et domæne i instrumentet",
                             "unknown item or domain")
        return Condition(
            items=items,
            min_score=self.integer(row, values, "min_score", ACTIONABLE, 0, 3),
            min_count=self.integer(row, values, "min_count", 1, 1, 99),
            min_age=self.integer(row, values, "min_age", None, 0, 120),
            max_age=self.integer(row, values, "max_age", None, 0, 120),
            income=_split(values.get("income", "")),
            case_basis=_split(values.get(basis_column, "")),
            unless_case_basis=_split(values.get("unless_case_basis", "")),
        )

    def raise_if_errors(self) -> None:
        if any(p.is_error for p in self.problems):
            raise RulesError(self.problems)


@lru_cache(maxsize=None)
def load_team_rules(path: str | None = None) -> tuple[TeamRule, ...]:
    """Rules from ratings and legal triggers to the needs a team must cover."""
    rows = _Rows(Path(path) if path else Path(str(data_path("team_rules.csv"))),
                 ("rule_id", "need", "need_label", "kind", "roles", "competences", "items", "reason_da", "source"))
    rules = []
    kind_of_need: dict[str, str] = {}
    for row, values in rows.rows():
        roles = _split(values["roles"])
        for role in roles:
            if role not in catalogue.roles():
                rows.problem(row, "roles", f"ukendt rolle '{role}'", "unknown role")
        kind = _check_kind(rows, row, values, roles, kind_of_need)
        condition = rows.condition(row, values, "case_basis")
        if condition.is_empty:
            rows.problem(row, "items", "reglen har ingen betingelse (items, income eller case_basis)", "rule has no condition")
        for column in ("rule_id", "need", "need_label", "reason_da"):
            if not values[column]:
                rows.problem(row, column, "feltet må ikke være tomt", "must not be blank")
        rules.append(TeamRule(values["rule_id"], values["need"], values["need_label"], roles,
                              _split(values["competences"]), condition, values["reason_da"], values["source"], kind))
    rows.raise_if_errors()
    return tuple(rules)


def _check_kind(rows: _Rows, row: int, values: dict, roles: tuple[str, ...], kind_of_need: dict[str, str]) -> str:
    """The row's kind, checked against who may cover it: a service names roles and no competence (a tag must not
    stand in for it), knowledge names a competence, a coordinator task names nobody; one need has one kind."""
    kind, competences = values["kind"].lower(), _split(values["competences"])
    if kind not in KINDS:
        rows.problem(row, "kind", f"'{values['kind']}' skal være {', '.join(KINDS)}", "must be ydelse, viden or opgave")
        return kind
    if kind == SERVICE and not roles:
        rows.problem(row, "roles", "en ydelse skal have mindst én rolle, der giver den", "a service needs a role")
    if kind == SERVICE and competences:
        rows.problem(row, "competences", "en ydelse dækkes kun af rollen; en kompetence kan ikke træde i stedet "
                     "(brug 'viden', hvis det er viden i teamet, der er brug for)", "a service is covered by its role only")
    if kind == KNOWLEDGE and not competences:
        rows.problem(row, "competences", "viden skal have mindst én kompetence", "knowledge needs a competence")
    if kind == TASK and (roles or competences):
        rows.problem(row, "roles", "en opgave for koordinatoren har hverken rolle eller kompetence",
                     "a coordinator task names nobody")
    earlier = kind_of_need.setdefault(values["need"], kind)
    if earlier != kind:
        rows.problem(row, "kind", f"behovet '{values['need']}' er '{earlier}' i en tidligere række; et behov har én "
                     "slags", "one need, one kind")
    return kind


@lru_cache(maxsize=None)
def load_case_basis_rules(path: str | None = None) -> tuple[CaseBasisRule, ...]:
    """Rules that suggest a case basis (which law the case runs under) from the screening."""
    rows = _Rows(Path(path) if path else Path(str(data_path("case_basis_rules.csv"))),
                 ("rule_id", "case_basis", "items", "only_if_none", "reason_da", "source"))
    rules = []
    for row, values in rows.rows():
        only = values["only_if_none"].lower() in {"ja", "yes", "1", "true"}
        condition = rows.condition(row, values, "case_basis_present")
        if condition.is_empty and not only:
            rows.problem(row, "items", "reglen har ingen betingelse", "rule has no condition")
        rules.append(CaseBasisRule(values["rule_id"], values["case_basis"], condition, only,
                                   values["reason_da"], values["source"]))
    rows.raise_if_errors()
    return tuple(rules)


@lru_cache(maxsize=None)
def load_target_group(path: str | None = None) -> dict[str, TargetGroupEntry]:
    rows = _Rows(Path(path) if path else Path(str(data_path("target_group.csv"))),
                 ("case_basis", "in_model", "reason_da", "source"))
    entries = {}
    for row, values in rows.rows():
        flag = values["in_model"].lower()
        if flag not in {"ja", "nej"}:
            rows.problem(row, "in_model", "skal være ja eller nej", "must be yes or no")
        entries[values["case_basis"]] = TargetGroupEntry(values["case_basis"], flag == "ja", values["reason_da"],
                                                         values["source"])
    rows.raise_if_errors()
    return entries


# --------------------------------------------------------------------------- evaluation


@dataclass(frozen=True)
class Reason:
    rule_id: str
    text: str
    source: str


@dataclass(frozen=True)
class Need:
    """Something the family's team must cover, with every reason that called for it."""

    need_id: str
    label: str
    roles: tuple[str, ...]
    competences: tuple[str, ...]
    reasons: tuple[Reason, ...]
    act_now: bool = False
    coordinator: bool = False
    """Covered by anyone who can coordinate (the family chooses its coordinator among the team)."""
    kind: str = SERVICE
    """``ydelse`` (only the role covers it), ``viden`` (a competence may) or ``opgave`` (the coordinator's task)."""
    not_roles: tuple[str, ...] = ()
    """Roles that may not take this need (for the coordinator need: a caseworker with authority in a family that
    has no case of theirs)."""
    chosen: str = ""
    """For the coordinator need: the staff id the family has chosen; then only that person covers it."""

    @property
    def staffed(self) -> bool:
        """False for tasks the coordinator takes on without another professional (leisure, own doctor)."""
        return bool(self.roles or self.competences or self.coordinator)

    def who_can_cover(self) -> str:
        if self.coordinator:
            return "en medarbejder, der kan være koordinator"
        parts = [catalogue.role_label(r) for r in self.roles]
        if self.kind == KNOWLEDGE:
            parts += [f"kompetencen '{c}'" for c in self.competences]
        return " eller ".join(parts) if parts else "koordinatoren"


def needs_from(context: Context, rules: Iterable[TeamRule] | None = None) -> list[Need]:
    """Every need the rules find, in rule order, with all reasons merged per need."""
    merged: dict[str, dict] = {}
    for rule in rules if rules is not None else load_team_rules():
        hits = rule.condition.hits(context)
        if hits is None:
            continue
        bases = tuple(b for b in context.case_basis if b in rule.condition.case_basis)
        entry = merged.setdefault(rule.need, {"label": rule.need_label, "roles": [], "competences": [],
                                               "reasons": [], "act_now": False, "kind": rule.kind})
        entry["roles"] += [r for r in rule.roles if r not in entry["roles"]]
        entry["competences"] += [c for c in rule.competences if c not in entry["competences"]]
        entry["reasons"].append(Reason(rule.rule_id, render_reason(rule.reason_da, hits, context, bases),
                                       rule.source))
        items = item_by_id()
        entry["act_now"] |= any(h.score is not None and h.item_id in items and items[h.item_id].is_act_now(h.score)
                                for h in hits)
    return _one_caseworker([Need(need_id, e["label"], tuple(e["roles"]), tuple(e["competences"]),
                                 tuple(e["reasons"]), e["act_now"], kind=e["kind"]) for need_id, e in merged.items()])


ONE_CASEWORKER = Reason(
    "EN-SAGSBEHANDLER",
    "Barnet har både en sag om støtte og en handicapsag (et \"dobbelt paragrafsæt\"); én sagsbehandler har begge, "
    "så familien ikke får to myndighedsrådgivere",
    "Sammen om familien (Socialstyrelsen): børnehandicapområdets dobbelte paragrafsæt")


def _one_caseworker(needs: list[Need]) -> list[Need]:
    """A child's support case and disability case go to one caseworker (the disability caseworker first, who
    knows both sets of rules), not two caseworkers with authority for the same child."""
    by_id = {n.need_id: n for n in needs}
    support, disability = by_id.get("myndighed"), by_id.get("handicap")
    if support is None or disability is None:
        return needs
    both = Need("myndighed", "Sagsbehandler for barnets sag (støtte og handicap)",
                tuple(dict.fromkeys(disability.roles + support.roles)),
                tuple(dict.fromkeys(disability.competences + support.competences)),
                support.reasons + disability.reasons + (ONE_CASEWORKER,), support.act_now or disability.act_now,
                kind=SERVICE)
    return [both if n is support else n for n in needs if n is not disability]


@dataclass(frozen=True)
class CaseBasisSuggestion:
    case_basis: str
    reasons: tuple[Reason, ...]


def suggest_case_basis(context: Context, rules: Iterable[CaseBasisRule] | None = None) -> list[CaseBasisSuggestion]:
    """New case bases the screening points to (existing ones are kept, not repeated)."""
    rules = tuple(rules if rules is not None else load_case_basis_rules())
    found: dict[str, list[Reason]] = {}
    for rule in rules:
        if rule.only_if_none or rule.case_basis in context.case_basis:
            continue
        if set(rule.condition.unless_case_basis) & set(found):
            continue  # an earlier row already suggests what rules this one out (a BFU makes an afdækning moot)
        hits = rule.condition.hits(context)
        if hits is not None:
            found.setdefault(rule.case_basis, []).append(
                Reason(rule.rule_id, render_reason(rule.reason_da, hits, context), rule.source))
    actionable = any(r.score >= ACTIONABLE for r in context.ratings)
    in_model = any(entry.in_model for basis, entry in load_target_group().items() if basis in context.case_basis)
    if not found and not actionable and not in_model:
        for rule in rules:
            if rule.only_if_none and rule.case_basis not in context.case_basis:
                found.setdefault(rule.case_basis, []).append(Reason(rule.rule_id, rule.reason_da, rule.source))
    return [CaseBasisSuggestion(basis, tuple(reasons)) for basis, reasons in found.items()]


@dataclass(frozen=True)
class TargetGroupCheck:
    in_model: bool
    reasons: tuple[str, ...]


def check_target_group(case_basis: Iterable[str]) -> TargetGroupCheck:
    """Is the family in the coordinated model's target group?  At least one case basis must qualify."""
    table = load_target_group()
    bases = list(dict.fromkeys(case_basis))
    reasons = []
    for basis in bases:
        entry = table.get(basis)
        reasons.append(f"{basis}: {entry.reason_da} ({entry.source})" if entry else
                       f"{basis}: står ikke i målgruppetabellen (target_group.csv) og tæller ikke med")
    inside = any(table[b].in_model for b in bases if b in table)
    if not bases:
        reasons.append("Familien har intet sagsgrundlag endnu")
    return TargetGroupCheck(inside, tuple(reasons))
