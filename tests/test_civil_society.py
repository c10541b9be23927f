"""The civil-society register: local offers, checked on loading, matched to the family's leisure and network needs
with a short Danish reason, shown beside the coordinator's tasks and on the family's årshjul."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd

from tests.export_support import dst_plan, dst_register
from tests.helpers import family, rule, staff, tiny_register
from workbench.export.aarshjul import family_wheel, printable_html
from workbench.io.instrument import FAMILY_PERSON_ID
from workbench.io.register import read_register
from workbench.model import CivilSocietyOffer, Person, ScreeningRating
from workbench.screening.civil_society import family_offers, matching_offers, offer_needs
from workbench.screening.workflow import outcome_lines, screen

ON = date(2027, 3, 1)
FOOTBALL = CivilSocietyOffer("Tværby IF", "Fodbold", ("fritid",), "børn 6-12 år", 6, 12, "fodbold@if.invalid")
CLUB = CivilSocietyOffer("Ungdomsklubben", "Klubaftener", ("fritid",), "unge 13-17 år", 13, 17)
SWIM = CivilSocietyOffer("Svømmeklubben", "Familiesvømning", ("fritid", "netvaerk"), "hele familien")
WALK = CivilSocietyOffer("Frivilligcentret", "Gå-med-ven", ("civilsamfund", "netvaerk"), "voksne", 18, None)
PARENTS = CivilSocietyOffer("Forældrenetværket", "Netværksgruppe", ("netvaerk",), "forældre", 18, None)
OFFERS = (FOOTBALL, CLUB, SWIM, WALK, PARENTS)
PERSONS = {p.person_id: p for p in (Person("F1-B1", "F1", "barn", 2018, "Barn 1"),
                                    Person("F1-B2", "F1", "barn", 2012, "Barn 2"),
                                    Person("F1-V1", "F1", "voksen", 1990, "Voksen 1"))}


def rating(person: str, item: str, score: int) -> ScreeningRating:
    return ScreeningRating("F1", person, item, score, ON, "C1")


# ----------------------------------------------------------------------------- the pure matcher


def test_a_leisure_need_finds_offers_for_that_childs_age():
    matches = matching_offers(OFFERS, PERSONS, {"fritid": ("F1-B1",)}, ON)  # the child of 9
    assert [m.offer for m in matches] == [SWIM, FOOTBALL]  # the club is for 13-17; the rest answer other needs
    assert matches[1].reason == "Kan give en fritidsaktivitet til barnet på 9 år."
    assert matches[0].reason == "Kan give en fritidsaktivitet til barnet på 9 år."
    older = matching_offers(OFFERS, PERSONS, {"fritid": ("F1-B2",)}, ON)  # the child of 15
    assert [m.offer for m in older] == [SWIM, CLUB]


def test_a_family_need_fits_the_members_of_the_offers_age_and_the_best_first():
    matches = matching_offers(OFFERS, PERSONS, {"netvaerk": (FAMILY_PERSON_ID,), "civilsamfund": (FAMILY_PERSON_ID,)},
                              ON)
    assert [m.offer for m in matches] == [WALK, PARENTS, SWIM]  # two needs answered before one; then by name
    assert matches[0].reason == ("Kan give kontakt til foreninger og frivillige og et større netværk til den voksne "
                                 "på 37 år.")
    assert matches[2].reason == "Kan give et større netværk til hele familien."
    assert all("Barn 1" not in m.reason and "Voksen 1" not in m.reason for m in matches)  # ages, never labels


def test_no_need_or_nobody_of_the_age_gives_no_offer():
    assert matching_offers(OFFERS, PERSONS, {}, ON) == []
    assert matching_offers(OFFERS, PERSONS, {"job": ("F1-V1",)}, ON) == []  # not a need an offer can answer
    children = {k: v for k, v in PERSONS.items() if v.kind == "barn"}
    assert [m.offer for m in matching_offers((WALK, PARENTS), children, {"netvaerk": (FAMILY_PERSON_ID,)}, ON)] == []


def test_needs_come_from_the_screenings_own_rules():
    needs = offer_needs(PERSONS, [rating("F1-B1", "B_FRI_1", 2), rating("F1-B2", "B_FRI_1", 1),
                                  rating(FAMILY_PERSON_ID, "F_NET_2", 3), rating(FAMILY_PERSON_ID, "F_NET_1", 1)], ON)
    assert needs == {"fritid": ("F1-B1",), "civilsamfund": (FAMILY_PERSON_ID,)}
    assert offer_needs(PERSONS, [rating("F1-B1", "B_FRI_1", 1)], ON) == {}


# ----------------------------------------------------------------------------- loading


def test_offers_load_with_danish_headers_and_tags_written_either_way(small_data_dir):
    (small_data_dir / "civil_society.csv").unlink()
    pd.DataFrame([{"Forening": "Tværby IF", "Tilbud": "Fodbold", "For hvem": "børn 6-12 år", "Fra alder": "6",
                   "Til alder": "12", "Kontakt": "Træneren", "Passer til behov": "Fritid; Netværk"},
                  {"Forening": "Frivilligcentret", "Tilbud": "Gå-med", "For hvem": "", "Fra alder": "",
                   "Til alder": "", "Kontakt": "", "Passer til behov": "civilsamfund"}]
                 ).to_csv(small_data_dir / "foreninger.csv", index=False)
    register, problems = read_register(small_data_dir)
    assert register is not None, [str(p) for p in problems if p.is_error]
    assert register.civil_society == (
        CivilSocietyOffer("Tværby IF", "Fodbold", ("fritid", "netvaerk"), "børn 6-12 år", 6, 12, "Træneren"),
        CivilSocietyOffer("Frivilligcentret", "Gå-med", ("civilsamfund",)))


def test_bad_offers_name_file_row_and_column_in_danish(small_data_dir):
    good = {"name": "Tværby IF", "offer": "Fodbold", "for_whom": "", "min_age": "6", "max_age": "12",
            "contact": "", "tags": "fritid"}
    pd.DataFrame([good, {**good, "offer": "Skak", "tags": "sport"}, {**good, "offer": "Håndbold", "min_age": "14"},
                  {**good, "offer": "Svømning", "tags": ""}, {**good, "offer": "Dans", "max_age": "tolv"}]
                 ).to_csv(small_data_dir / "civil_society.csv", index=False)
    register, problems = read_register(small_data_dir)
    assert register is None
    found = {(p.file, p.row, p.column): p.message for p in problems if p.is_error}
    assert "skal være fritid, civilsamfund eller netværk" in found[("civil_society.csv", 3, "tags")]
    assert found[("civil_society.csv", 4, "max_age")] == "til alder 12 er lavere end fra alder 14"
    assert found[("civil_society.csv", 5, "tags")] == "feltet må ikke være tomt"
    assert found[("civil_society.csv", 6, "max_age")] == "'tolv' er ikke et helt tal"
    assert len(found) == 4


# ----------------------------------------------------------------------------- where the matches are shown


def _screened(*ratings: ScreeningRating):
    register = dst_register().replace(civil_society=OFFERS)
    return register.replace(screenings=tuple(replace(r, family_id="F0001", person_id=r.person_id.replace("F1", "F0001"))
                                             for r in ratings))


def test_the_aarshjul_shows_fitting_offers_only_when_the_family_has_the_need():
    register = _screened(rating("F1-B1", "B_FRI_1", 2))  # F0001's child is 12 in 2027
    assert [m.offer for m in family_offers(register, "F0001", dst_plan().start)] == [SWIM, FOOTBALL]
    page = printable_html(family_wheel(dst_plan(), register, "F0001"))
    assert "Foreninger og tilbud, I kan bruge" in page
    assert "Tværby IF" in page and "fodbold@if.invalid" in page and "til barnet på 12 år" in page
    assert "Ungdomsklubben" not in page and "Frivilligcentret" not in page
    assert "Barn 1" not in page and "F0001-B1" not in page
    calm = printable_html(family_wheel(dst_plan(), _screened(rating("F1-B1", "B_FRI_1", 1)), "F0001"))
    assert "Foreninger og tilbud" not in calm


def test_the_screening_result_lists_the_offers_beside_the_coordinators_task():
    persons = tuple(replace(p, family_id="F1") for p in PERSONS.values())
    register = tiny_register([staff("C1", "familieraadgiver")], [family("F1", basis=("BL32",), primary="C1")],
                             rules=[rule("BL32", 42, 28, rule_id="SOF-32")], persons=persons, civil_society=OFFERS)
    outcome = screen(register, "F1", [rating("F1-B1", "B_FRI_1", 2)], ON)
    assert any("Fritidsaktivitet" in task for task in outcome.proposal.coordinator_tasks)
    lines = outcome_lines(outcome, register)
    assert ("  Forening eller tilbud: Tværby IF: Fodbold (børn 6-12 år). Kontakt: fodbold@if.invalid. "
            "Kan give en fritidsaktivitet til barnet på 9 år.") in lines
    assert not any("Ungdomsklubben" in line for line in lines)
    assert not any("Forening eller tilbud" in line for line in outcome_lines(outcome))  # no register, no offers


def test_the_screening_page_shows_the_offers_under_the_coordinators_tasks(small_data_dir, store):
    from workbench.ui.screening import ScreeningPanel

    panel = ScreeningPanel(path=small_data_dir, store=store, today=ON)
    family_id, child = next((f.family_id, p) for f in panel.register.families
                            for p in panel.register.persons_by_family.get(f.family_id, ())
                            if p.kind == "barn" and 7 <= p.age_on(ON) <= 15)
    panel.family.value = family_id
    panel.clear_button.click()
    panel.set_score(child.person_id, "B_FRI_1", 2)
    panel.propose_button.click()
    result = panel.result.value
    assert "Opgaver for koordinatoren" in result and "Foreninger og tilbud, familien kan bruge" in result
    assert result.index("Opgaver for koordinatoren") < result.index("Foreninger og tilbud")
    assert "Fritidspasset" in result and f"til barnet på {child.age_on(ON)} år" in result
    panel.set_score(child.person_id, "B_FRI_1", 0)
    panel.propose_button.click()
    assert "Foreninger og tilbud" not in panel.result.value
