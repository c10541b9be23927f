"""Synthetic people and offers from outside the municipality's staff: the teacher, the day care, the family's own
doctor, a volunteer who walks along, and Tværby's associations.

Drawn from their own random stream after everything else, so adding them left the rest of ``sample_data``
unchanged (a seed still gives the same staff, families, teams and meetings). Every name is made up, every
address ends in ``.invalid``, and nobody gets a phone number (a made-up one could be someone's).
"""

from __future__ import annotations

import random
from typing import Iterable

from workbench.danish import spelt_out
from workbench.model import CivilSocietyOffer, ExternalParticipant, Family, ScreeningRating

OFFERS: tuple[CivilSocietyOffer, ...] = (
    CivilSocietyOffer("Tværby IF", "Fodbold for børn, begyndere velkomne", ("fritid",), "børn 6-12 år", 6, 12,
                      "Trænerteamet, fodbold@tvaerby-if.invalid"),
    CivilSocietyOffer("Tværby Svømmeklub", "Familiesvømning lørdag formiddag", ("fritid", "netvaerk"),
                      "hele familien", None, None, "svoem@tvaerby-svoemmeklub.invalid"),
    CivilSocietyOffer("Spejderne i Tværby", "Spejdermøder hver tirsdag", ("fritid", "civilsamfund"),
                      "børn og unge 8-17 år", 8, 17, "Gruppelederen, spejd@tvaerby-spejd.invalid"),
    CivilSocietyOffer("Tværby Bibliotek", "Lektiecafé med frivillige", ("fritid", "civilsamfund"),
                      "skolebørn 6-16 år", 6, 16, "lektiecafe@tvaerby-bibliotek.invalid"),
    CivilSocietyOffer("Ungdomsklubben Tværby", "Klubaftener og ture", ("fritid",), "unge 13-17 år", 13, 17,
                      "klub@tvaerby-klub.invalid"),
    CivilSocietyOffer("Frivilligcentret Tværby", "Gå-med-ven: en frivillig, der går med til møder og aktiviteter",
                      ("civilsamfund", "netvaerk"), "voksne", 18, None, "gaamed@tvaerby-frivillig.invalid"),
    CivilSocietyOffer("Forældrenetværket Tværby", "Netværksgruppe for forældre, hver anden torsdag",
                      ("netvaerk", "civilsamfund"), "forældre", 18, None, "netvaerk@tvaerby-foraeldre.invalid"),
    CivilSocietyOffer("Fritidspasset", "Hjælp til kontingent og udstyr i en forening", ("fritid",),
                      "børn 6-17 år", 6, 17, "fritidspas@tvaerby-fritid.invalid"),
)
"""Tværby's associations and volunteer offers (fictional)."""

SCHOOLS = ("Tværby Skole", "Nordby Skole", "Sønderby Skole")
DAY_CARE = ("Børnehuset Solsikken", "Vuggestuen Mælkebøtten")


def _address(name: str, place: str) -> str:
    first = spelt_out(name.split()[0].lower())
    return f"{first}@{spelt_out(place.lower()).replace(' ', '-')}.invalid"


def generated_externals(families: Iterable[Family], screenings: Iterable[ScreeningRating], seed: int,
                        names: tuple[tuple[str, ...], tuple[str, ...]]) -> list[ExternalParticipant]:
    """A few people from outside per family where its first screening calls for them: a teacher for a child with
    school trouble, the day care for a small child's development, the own doctor for a parent's health, a
    volunteer 'gå-med' or a network person in families with a thin network (Thisted). ``names`` are the
    generator's (first names, synthetic surnames)."""
    rng = random.Random(f"{seed}-outside")
    first_names, surnames = names
    by_family: dict[str, list[ScreeningRating]] = {}
    for rating in screenings:
        by_family.setdefault(rating.family_id, []).append(rating)
    out: list[ExternalParticipant] = []
    for family in families:
        ratings = by_family.get(family.family_id, [])
        first = min((r.screened_on for r in ratings), default=None)
        items = {r.item_id for r in ratings if r.screened_on == first and r.score >= 2}
        chosen: list[ExternalParticipant] = []

        def add(role: str, organisation: str, invited: bool, email: bool = True) -> None:
            name = f"{rng.choice(first_names)} {rng.choice(surnames)}"
            if any(c.name == name for c in chosen):
                return
            chosen.append(ExternalParticipant(family.family_id, name, organisation, role, invited,
                                              email=_address(name, organisation) if email else ""))

        if "B_SKO_2" in items and rng.random() < 0.2:
            add("lærer", rng.choice(SCHOOLS), invited=rng.random() < 0.7)
        if "B_UDV_2" in items and rng.random() < 0.15:
            add("pædagog", rng.choice(DAY_CARE), invited=rng.random() < 0.6)
        if items & {"B_HAN_1", "B_HAN_2"} and rng.random() < 0.1:
            add("terapeut", "Børneterapien Tværby", invited=rng.random() < 0.5)
        if "V_FYS_1" in items and rng.random() < 0.1:
            add("egen læge", "Lægehuset Tværby", invited=False, email=False)
        if "V_PSY_1" in items and rng.random() < 0.05:
            add("regionspsykiatri", "Psykiatrien Tværby", invited=rng.random() < 0.5, email=False)
        if items & {"F_NET_1", "F_NET_2"} and rng.random() < (0.5 if "HEF" in family.case_basis else 0.15):
            if rng.random() < 0.6:
                add("frivillig", "Frivilligcentret Tværby, gå-med", invited=rng.random() < 0.5)
            else:
                add("netværksperson", "", invited=True, email=False)
        out += chosen
    return out
