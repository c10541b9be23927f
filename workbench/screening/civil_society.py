"""Bridging a family to local associations and volunteers: which offers in the civil-society register fit the
family's leisure and network needs.

Thisted's audit (Hånd om Egen Familie, focus point 9) and Hedensted (Familier på vej) ask the coordinator to build
a bridge to leisure and network outside the municipality. The screening finds the need (rules T-FRI, T-CIV and
T-NET in ``team_rules.csv``); this module only says which of the municipality's own offers fit, and why, in plain
Danish. Nothing is scored or learned: an offer fits when one of its tags is a need the family has and, if it has
an age range, someone the need is about is of that age.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Iterable, Mapping

from workbench.io.instrument import FAMILY_PERSON_ID
from workbench.model import OFFER_TAGS, CivilSocietyOffer, Person, Register, ScreeningRating
from workbench.screening.assessment import Assessment
from workbench.screening.progress import latest
from workbench.screening.rules import Context, load_team_rules

if TYPE_CHECKING:  # the store is passed in by the caller
    from workbench.io.store import Store

OFFERS_SHOWN = 4
"""At most this many offers on the family's årshjul (it must stay one A4 page); the screening page shows all."""


@dataclass(frozen=True)
class OfferMatch:
    offer: CivilSocietyOffer
    reason: str
    """Why it fits, in plain Danish, naming family members only as 'barnet på 9 år' (never by label)."""
    needs: tuple[str, ...]


def offer_needs(persons: Mapping[str, Person], ratings: Iterable[ScreeningRating], on: date,
                case_basis: Iterable[str] = ()) -> dict[str, tuple[str, ...]]:
    """The family's needs an offer can answer (need id -> the person ids it is about, ``FAMILIE`` for the family as
    a whole), by the screening's own rules, so the page and the årshjul never disagree with the screening."""
    context = Context(dict(persons), tuple(ratings), on, tuple(case_basis))
    found: dict[str, list[str]] = {}
    for rule in load_team_rules():
        if rule.need not in OFFER_TAGS:
            continue
        hits = rule.condition.hits(context)
        if hits is not None:
            about = found.setdefault(rule.need, [])
            about += [h.person_id for h in hits if h.person_id not in about]
    return {need: tuple(people) for need, people in found.items()}


def family_offer_needs(register: Register, family_id: str, on: date, store: Store | None = None
                       ) -> dict[str, tuple[str, ...]]:
    """:func:`offer_needs` from the family's latest screening (the register's, or a newer one saved in the store)."""
    snapshot = latest(register, family_id, store)
    if snapshot is None:
        return {}
    family = register.family_by_id.get(family_id)
    persons = {p.person_id: p for p in register.persons_by_family.get(family_id, ())}
    return offer_needs(persons, snapshot.ratings, on, family.case_basis if family else ())


def _who(people: list[Person], on: date) -> str:
    """'barnet på 9 år', 'børnene på 7 og 10 år', 'den voksne på 34 år' - an age, never a name or a label."""
    parts = []
    for kind, one, many in (("barn", "barnet", "børnene"), ("voksen", "den voksne", "de voksne")):
        ages = sorted(p.age_on(on) for p in people if p.kind == kind)
        if ages:
            listed = " og ".join([", ".join(map(str, ages[:-1])), str(ages[-1])] if len(ages) > 1 else [str(ages[0])])
            parts.append(f"{one if len(ages) == 1 else many} på {listed} år")
    return " og ".join(parts)


def matching_offers(offers: Iterable[CivilSocietyOffer], persons: Mapping[str, Person],
                    needs: Mapping[str, Iterable[str]], on: date) -> list[OfferMatch]:
    """The offers that fit the family's needs, best first (most needs answered, then by name), each with a reason.

    ``needs`` is need id -> person ids it is about (:func:`offer_needs`); ``FAMILIE`` means every member. An offer
    with an age range fits only if someone the need is about is of that age; without one it fits the need."""
    needs = {need: tuple(people) for need, people in needs.items() if need in OFFER_TAGS}
    matches = []
    for offer in offers:
        answered = tuple(need for need in OFFER_TAGS if need in needs and need in offer.tags)
        if not answered:
            continue
        about: dict[str, Person] = {}
        for need in answered:
            for person_id in needs[need]:
                chosen = persons.values() if person_id == FAMILY_PERSON_ID else [persons.get(person_id)]
                about.update({p.person_id: p for p in chosen if p is not None})
        fitting = [p for p in about.values() if offer.fits_age(p.age_on(on))]
        if offer.has_ages and not fitting:
            continue
        gives = " og ".join(OFFER_TAGS[need] for need in answered)
        whole_family = all(FAMILY_PERSON_ID in needs[need] for need in answered) and not offer.has_ages
        who = "hele familien" if whole_family or not fitting else _who(fitting, on)
        matches.append(OfferMatch(offer, f"Kan give {gives} til {who}.", answered))
    return sorted(matches, key=lambda m: (-len(m.needs), m.offer.name, m.offer.offer))


def family_offers(register: Register, family_id: str, on: date, store: Store | None = None) -> list[OfferMatch]:
    """The register's offers that fit the family's latest screening (none if it has no such need)."""
    if not register.civil_society:
        return []
    persons = {p.person_id: p for p in register.persons_by_family.get(family_id, ())}
    return matching_offers(register.civil_society, persons, family_offer_needs(register, family_id, on, store), on)


def assessment_offers(register: Register, assessment: Assessment) -> list[OfferMatch]:
    """The offers that fit a screening just made (its ratings, with the case bases it suggests), for the screening
    page and the command line, beside the coordinator's tasks."""
    if not register.civil_society:
        return []
    persons = {p.person_id: p for p in register.persons_by_family.get(assessment.family.family_id, ())}
    needs = offer_needs(persons, assessment.ratings, assessment.on, assessment.case_basis)
    return matching_offers(register.civil_society, persons, needs, assessment.on)


def offer_line(match: OfferMatch) -> str:
    """'Tværby IF: Fodbold for børn (børn 6-12 år). Kontakt: ... Kan give ...' - one offer in one Danish line."""
    o = match.offer
    return (f"{o.name}: {o.offer}" + (f" ({o.for_whom})" if o.for_whom else "") + "."
            + (f" Kontakt: {o.contact}." if o.contact else "") + f" {match.reason}")
