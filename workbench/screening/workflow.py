"""One screening end to end: assess, propose the team, describe it in Danish and save it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Iterable

from workbench.danish import count
from workbench.errors import Refusal
from workbench.model import Register, ScreeningRating, TeamChange
from workbench.screening.assessment import Assessment, CasePointsPolicy, DEFAULT_POINTS, assess
from workbench.screening.civil_society import assessment_offers, offer_line
from workbench.io.instrument import LEVEL_LABELS
from workbench.screening.team import TeamProposal, no_team, propose_team
from workbench.settings import DEFAULT_LOAD, LoadWeights

if TYPE_CHECKING:  # the store is passed in by the caller
    from workbench.io.store import Store

PROPOSAL_KIND = "team_proposal"
ACCEPTED_KIND = "accepted_team"


class ScreeningInputError(ValueError):
    """The screening cannot be assessed (unknown family, nothing rated); the message is Danish."""


@dataclass(frozen=True)
class ScreeningOutcome:
    assessment: Assessment
    proposal: TeamProposal

    @property
    def family_id(self) -> str:
        return self.assessment.family.family_id


def screen(register: Register, family_id: str, ratings: Iterable[ScreeningRating], on: date,
           load: LoadWeights = DEFAULT_LOAD, policy: CasePointsPolicy = DEFAULT_POINTS,
           time_limit: float = 10.0, include: Iterable[str] = (), exclude: Iterable[str] = ()) -> ScreeningOutcome:
    """Assess the ratings and propose the minimal team for the family as it will be after the screening.

    ``include``/``exclude``: staff the caseworker puts on or keeps off the team (recorded with the proposal).
    """
    family = register.family_by_id.get(family_id)
    if family is None:
        raise ScreeningInputError(f"Familien '{family_id}' findes ikke i registret.")
    ratings = [r for r in ratings if r.family_id == family_id]
    if not ratings:
        raise ScreeningInputError(f"Ingen punkter er vurderet for familie {family_id}; vurder mindst ét punkt.")
    assessment = assess(register, family, ratings, on, policy)
    if not assessment.target_group.in_model:
        return ScreeningOutcome(assessment, no_team(register, family, list(assessment.needs), on))
    proposal = propose_team(register, assessment.family_with_points(), list(assessment.needs), on,
                            assessment.case_points, load, time_limit, frozenset(include), frozenset(exclude))
    return ScreeningOutcome(assessment, proposal)


def outcome_json(outcome: ScreeningOutcome) -> dict:
    """What is saved with ``Store.put("team_proposal", family_id, ...)``: the proposal and its grounds."""
    a = outcome.assessment
    return {
        "family_id": outcome.family_id,
        "screened_on": a.on.isoformat(),
        "target_group": {"in_model": a.target_group.in_model, "reasons": list(a.target_group.reasons)},
        "case_basis": {"existing": list(a.existing_case_basis),
                       "suggested": [{"case_basis": s.case_basis, "reasons": [r.text for r in s.reasons]}
                                     for s in a.suggested_case_basis]},
        "followup": None if a.rule is None else {
            "rule_id": a.rule.rule_id, "max_interval_days": a.rule.max_interval_days,
            "description": a.rule.description, "source": a.rule.source,
            "next_due": a.next_followup.isoformat() if a.next_followup else None,
            "days_overdue": a.days_overdue},
        "case_points": a.case_points,
        "case_points_reasons": list(a.points_reasons),
        "needs": [{"need_id": n.need_id, "label": n.label, "act_now": n.act_now,
                   "reasons": [f"{r.text} ({r.source})" for r in n.reasons]} for n in a.needs],
        "strengths": list(a.strengths),
        "team": outcome.proposal.to_json(),
    }


def save_outcome(store: Store, outcome: ScreeningOutcome) -> int:
    """Save the ratings and the proposal; returns the number of ratings saved."""
    saved = store.save_screening(outcome.assessment.ratings)
    store.put(PROPOSAL_KIND, outcome.family_id, outcome_json(outcome))
    store.log(PROPOSAL_KIND, {"family_id": outcome.family_id, "on": outcome.assessment.on.isoformat(),
                              "members": sorted(outcome.proposal.staff_ids()),
                              "choices": outcome.proposal.choices})
    return saved


def outcome_lines(outcome: ScreeningOutcome, register: Register | None = None) -> list[str]:
    """The whole result as plain Danish lines (for the command line and for logs); with the ``register``, also the
    local offers that fit the family's leisure or network need."""
    a, p = outcome.assessment, outcome.proposal
    lines = [f"Familie {outcome.family_id}, screening {a.on:%d.%m.%Y}"]
    lines.append("Målgruppe: " + ("i den koordinerede model" if a.target_group.in_model else
                                  "UDEN FOR den koordinerede model"))
    lines += [f"  - {r}" for r in a.target_group.reasons]
    lines.append(f"Sagsgrundlag: {', '.join(a.existing_case_basis) or '(intet)'}")
    for s in a.suggested_case_basis:
        lines += [f"  + foreslået {s.case_basis}: {r.text} ({r.source})" for r in s.reasons]
    if a.rule:
        due = f"; næste opfølgning senest {a.next_followup:%d.%m.%Y}" if a.next_followup else ""
        if a.days_overdue:
            due = f"; OVERSKREDET: fristen var {a.next_followup:%d.%m.%Y} ({count(a.days_overdue, 'dag', 'dage')} siden)"
        lines.append(f"Opfølgning: højst {a.rule.max_interval_days} dage mellem møderne ({a.rule.rule_id}: "
                     f"{a.rule.description}; {a.rule.source}){due}")
    lines.append(f"Sagspoint: {a.case_points:g} (" + "; ".join(a.points_reasons) + ")")
    lines.append("Behovsprofil (højeste vurdering pr. person og område):")
    for area in a.areas:
        if area.score >= 1:
            lines.append(f"  - {area.who}: {area.domain_label} {area.score} {LEVEL_LABELS[area.score]}")
    lines.append("Behov og begrundelser:")
    for need in a.needs:
        lines.append(f"  * {need.label}" + (" (HANDLING NU)" if need.act_now else ""))
        lines += [f"      {r.text} [{r.rule_id}; {r.source}]" for r in need.reasons]
    if p.outside_target_group:
        lines.append(f"Intet team: {p.outside_target_group}")
    else:
        lines.append(f"Foreslået team ({p.contact_count} fagpersoner i kontakt med familien, {p.size_change()}):")
    lines += [f"  Familiens valg: {note}" for note in p.family_choices]
    for m in p.members:
        covers = ", ".join(m.covers) or "ingen særskilte behov"
        lines.append(f"  - {m.name} ({m.staff_id}, {m.role_label}): dækker {covers}; " + "; ".join(m.reasons))
    lines += [f"  Sagsbehandlerens valg: {note}" for note in p.choices]
    for gap in p.unstaffed:
        lines.append(f"  ! Kan ikke bemandes: {gap.label}. {gap.explanation}")
    for text in p.leaving:
        lines.append(f"  - {text}")
    for task in p.coordinator_tasks:
        lines.append(f"  Opgave for koordinatoren: {task}")
    for match in assessment_offers(register, a) if register is not None else ():
        lines.append(f"  Forening eller tilbud: {offer_line(match)}")
    if a.strengths:
        lines.append("Styrker at bygge på: " + "; ".join(a.strengths))
    lines += [f"Bemærk: {w}" for w in a.warnings]
    return lines


def accept_outcome(store: Store, outcome: ScreeningOutcome, register: Register, from_date: date,
                   current_team: tuple[str, ...] | None = None) -> tuple[TeamChange, list[str]]:
    """The caseworker accepts the proposed team from ``from_date``: the next plan uses it instead of ``team.csv``.

    The family's coordinators are not written into the team (they attend anyway and may change).  Returns the
    change and Danish lines saying who joins and who leaves, compared with ``current_team`` (default: the
    register's team)."""
    if outcome.proposal.outside_target_group:
        raise Refusal(f"Familie {outcome.family_id} er uden for målgruppen; der er intet team at acceptere, og "
                      "familiens nuværende team ændres ikke.")
    family = register.family_by_id[outcome.family_id]
    coordinators = {family.primary_coordinator, family.secondary_coordinator} - {None}
    members = tuple(sorted(outcome.proposal.staff_ids() - coordinators))
    before = current_team if current_team is not None else register.team_staff_ids(outcome.family_id)
    change = TeamChange(outcome.family_id, members, from_date, outcome.assessment.on)
    store.put(ACCEPTED_KIND, outcome.family_id, {"family_id": change.family_id, "members": list(members),
                                                  "from": from_date.isoformat(),
                                                  "accepted_on": outcome.assessment.on.isoformat()})
    store.log(ACCEPTED_KIND, {"family_id": change.family_id, "members": list(members), "from": from_date.isoformat()})
    names = {s.staff_id: s.name for s in register.staff}
    lines = [f"{names.get(s, s)} ({s}) kommer med" for s in change.joins(before)]
    lines += [f"{names.get(s, s)} ({s}) går ud" for s in change.leaves(before)]
    return change, lines or ["teamet er det samme som før"]


def accepted_team_changes(store: Store) -> list[TeamChange]:
    """Every team accepted from a screening (the latest per family), for the next plan."""
    out = []
    for family_id in store.keys(ACCEPTED_KIND):
        data = store.get(ACCEPTED_KIND, family_id)
        out.append(TeamChange(data["family_id"], tuple(data["members"]), date.fromisoformat(data["from"]),
                              date.fromisoformat(data["accepted_on"]) if data.get("accepted_on") else None))
    return out
