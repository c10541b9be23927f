"""Assessment: case points, cadence and case basis follow the published rules; progress and saving work."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from workbench.model import Person, ScreeningRating
from workbench.screening.assessment import Area, CasePointsPolicy, assess, case_points, expected_items
from workbench.screening.progress import changes, domain_table, history, latest
from workbench.ui.screening_charts import profile_figure, progress_figure
from workbench.screening.profile import profile_matrix
from workbench.screening.workflow import (
    PROPOSAL_KIND,
    ScreeningInputError,
    outcome_lines,
    save_outcome,
    screen,
)
from tests.helpers import family, rule, staff, tiny_register

ON = date(2027, 3, 1)


def _register(basis=("BL32",), **family_extra):
    persons = (Person("F1-B1", "F1", "barn", 2018, "Barn 1"), Person("F1-V1", "F1", "voksen", 1990, "Voksen 1", "løn"))
    rules = [rule("BL32", 42, 28, rule_id="SOF-32"), rule("BL20", 42, 28, rule_id="SOF-20"),
             rule("HEF", 91, 63, rule_id="HEF"), rule("BL11", 182, 0, rule_id="BL11")]
    return tiny_register(
        [staff("C1", "familieraadgiver"), staff("P1", "ppr_psykolog", False), staff("O1", "oekonomiraadgiver", False)],
        [family("F1", basis=basis, last=date(2027, 2, 1), **family_extra)], rules=rules, persons=persons,
    )


def r(person: str, item: str, score: int, on: date = ON, strength: bool = False) -> ScreeningRating:
    return ScreeningRating("F1", person, item, score, on, "C1", strength)


def area(score: int, domain: str = "B_UDV", act_now: bool | None = None) -> Area:
    return Area("p", "Barn", domain, domain, score, score == 3 if act_now is None else act_now)


def test_case_points_follow_thresholds():
    assert case_points([area(1)] * 5)[0] == 1
    assert case_points([area(2)] * 3)[0] == 2
    points, reasons = case_points([area(2)] * 5 + [area(3)])
    assert points == 3 and any("handling nu" in text for text in reasons)
    assert case_points([area(3)] * 7)[0] == 3  # capped
    assert case_points([area(3)] * 7, CasePointsPolicy(maximum=5))[0] == 4
    assert case_points([area(2)] * 2 + [area(3, act_now=False)])[0] == 2  # a 3 that is a state adds no point
    assert case_points([area(2)] * 2 + [area(3)])[0] == 3


def test_a_3_on_a_state_item_is_serious_but_not_act_now():
    """Work readiness 3 ('health prevents any activity') and a considerable, permanent disability describe a state:
    the jobcenter is not marked HANDLING NU and no case point is added; a 3 on safety still is act now."""
    register = _register()
    state = assess(register, register.families[0], [r("F1-V1", "V_BES_2", 3), r("F1-B1", "B_HAN_1", 3)], ON)
    assert not any(n.act_now for n in state.needs) and not any(a.act_now for a in state.areas)
    assert not any("handling nu" in text for text in state.points_reasons)
    urgent = assess(register, register.families[0], [r("F1-B1", "B_SIK_1", 3)], ON)
    assert any(n.act_now for n in urgent.needs) and any(a.act_now for a in urgent.areas)


def test_assessment_end_to_end():
    register = _register()
    ratings = [r("F1-B1", "B_SKO_2", 2), r("F1-V1", "V_OEK_1", 3), r("F1-V1", "V_FOR_2", 0, strength=True)]
    a = assess(register, register.families[0], ratings, ON)
    assert {n.need_id for n in a.needs} >= {"myndighed", "ppr", "oekonomi", "gaeld_akut"}
    assert a.rule.rule_id == "SOF-32" and a.next_followup == date(2027, 3, 15)
    assert a.case_points == 2  # 1 + act now; only two actionable areas
    assert a.strengths == ("Voksen 1 (37 år): Samarbejde med fagfolk om barnet",)
    assert a.target_group.in_model
    assert any("ikke vurderet" in w for w in a.warnings)


def test_suggested_bfu_sets_a_stricter_cadence_and_an_authority_need():
    register = _register(basis=("HEF",))
    a = assess(register, register.families[0], [r("F1-B1", "B_SIK_1", 3)], ON)
    assert [s.case_basis for s in a.suggested_case_basis] == ["BL20"]
    assert a.case_basis == ("HEF", "BL20") and a.rule.rule_id == "SOF-20"
    assert "myndighed" in {n.need_id for n in a.needs}


def test_only_advice_is_outside_the_model():
    register = _register(basis=("BL11",))
    a = assess(register, register.families[0], [r("F1-B1", "B_SIK_1", 1)], ON)
    assert not a.target_group.in_model
    assert "uden for den koordinerede model" in " ".join(a.target_group.reasons)


def test_ratings_that_do_not_fit_are_warned():
    register = _register()
    a = assess(register, register.families[0], [r("F1-V1", "B_SKO_2", 2), r("F9-B1", "B_UDV_1", 1)], ON)
    assert any("passer ikke til Voksen 1" in w for w in a.warnings)
    assert any("hører ikke til familie F1" in w for w in a.warnings)


def test_expected_items_cover_each_person_and_the_family():
    pairs = expected_items(_register(), "F1", ON)
    assert ("F1-B1", "B_SKO_2") in pairs and ("FAMILIE", "F_NET_1") in pairs and ("F1-V1", "V_BOL_1") in pairs


def test_profile_matrix_leaves_non_applicable_cells_empty():
    register = _register()
    a = assess(register, register.families[0], [r("F1-B1", "B_SKO_2", 2), r("F1-V1", "V_OEK_1", 3)], ON)
    people, domains, z = profile_matrix(list(a.areas))
    assert people == ["Barn 1 (9 år)", "Voksen 1 (37 år)"]
    assert z[0][domains.index("Skole/dagtilbud og fremmøde")] == 2
    assert z[0][domains.index("Økonomi og gæld")] is None and z[1][domains.index("Økonomi og gæld")] == 3
    figure = profile_figure(list(a.areas))
    assert list(figure.data[0].y) == people


def test_history_merges_register_and_store_and_shows_progress(store):
    register = _register()
    earlier = [r("F1-V1", "V_OEK_1", 3, date(2026, 9, 1)), r("F1-B1", "B_SKO_2", 2, date(2026, 9, 1))]
    register = register.replace(screenings=tuple(earlier))
    store.save_screening([r("F1-V1", "V_OEK_1", 1, date(2026, 12, 1)), r("F1-B1", "B_SKO_2", 3, date(2026, 12, 1))])
    snapshots = history(register, "F1", store)
    assert [s.on for s in snapshots] == [date(2026, 9, 1), date(2026, 12, 1)]
    assert latest(register, "F1", store).on == date(2026, 12, 1)
    assert changes(snapshots) == ["Økonomi og gæld: 3 → 1 (bedre)", "Skole/dagtilbud og fremmøde: 2 → 3 (forværret)"]
    table = domain_table(snapshots)
    assert table.loc["Økonomi og gæld"].tolist() == [3, 1]
    figure = progress_figure(snapshots)
    assert list(figure.data[0].x) == ["01.09.2026", "01.12.2026"]
    assert set(figure.data[0].y) == {"Økonomi og gæld", "Skole/dagtilbud og fremmøde"}
    row = list(figure.data[0].y).index("Økonomi og gæld")
    assert list(figure.data[0].z[row]) == [3, 1]


def test_saved_rating_overrides_the_register_on_the_same_day(store):
    register = _register().replace(screenings=(r("F1-V1", "V_OEK_1", 3),))
    store.save_screening([r("F1-V1", "V_OEK_1", 1)])
    (snapshot,) = history(register, "F1", store)
    assert [x.score for x in snapshot.ratings] == [1]


def test_screen_and_save(store):
    register = _register(primary="C1")
    outcome = screen(register, "F1", [r("F1-B1", "B_SKO_2", 2), r("F1-V1", "V_OEK_1", 2)], ON)
    assert outcome.proposal.staff_ids() == {"C1", "P1", "O1"}
    assert save_outcome(store, outcome) == 2
    saved = store.get(PROPOSAL_KIND, "F1")
    assert saved["team"]["contact_count"] == 3 and saved["followup"]["rule_id"] == "SOF-32"
    assert len(store.screenings("F1")) == 2
    text = "\n".join(outcome_lines(outcome))
    assert "PPR-vurdering" in text and "Foreslået team (3 fagpersoner" in text


def test_screen_refuses_unknown_family_and_empty_screening():
    register = _register()
    with pytest.raises(ScreeningInputError, match="findes ikke"):
        screen(register, "F9", [r("F1-B1", "B_SKO_2", 2)], ON)
    with pytest.raises(ScreeningInputError, match="Ingen punkter"):
        screen(register, "F1", [], ON)


def test_an_overdue_follow_up_keeps_its_past_deadline():
    """The cadence does not restart from the screening day: the deadline stays in the past and is shown overdue."""
    from dataclasses import replace as dc_replace

    from workbench.screening.assessment import assess
    from workbench.synth.municipality import MunicipalitySpec, generate_municipality

    register = generate_municipality(MunicipalitySpec(n_staff=14, n_families=4, seed=3))
    family = dc_replace(register.families[0], last_followup_date=date(2026, 6, 1))
    ratings = [r for r in register.screenings if r.family_id == family.family_id]
    a = assess(register, family, ratings, date(2027, 3, 1))
    assert a.next_followup == date(2026, 6, 1) + timedelta(days=a.rule.max_interval_days)
    assert a.days_overdue == (date(2027, 3, 1) - a.next_followup).days > 100
