"""Rules from ratings and legal triggers: each condition type works, reasons name who and why."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from workbench.catalogue import data_path
from workbench.model import Person, ScreeningRating
from workbench.screening.rules import (
    Condition,
    Context,
    RulesError,
    check_target_group,
    load_case_basis_rules,
    load_team_rules,
    needs_from,
    suggest_case_basis,
)

ON = date(2027, 3, 1)
CHILD_9 = Person("F1-B1", "F1", "barn", 2018, "Barn 1")
CHILD_4 = Person("F1-B2", "F1", "barn", 2023, "Barn 2")
ADULT_CASH = Person("F1-V1", "F1", "voksen", 1990, "Voksen 1", "kontanthjælp")
ADULT_WAGE = Person("F1-V2", "F1", "voksen", 1988, "Voksen 2", "løn")
YOUNG_CASH = Person("F1-V3", "F1", "voksen", 2005, "Voksen 3", "kontanthjælp")


def rating(person: Person | str, item: str, score: int) -> ScreeningRating:
    pid = person if isinstance(person, str) else person.person_id
    return ScreeningRating("F1", pid, item, score, ON, "S001")


def context(persons, ratings, bases=("BL32",)) -> Context:
    return Context({p.person_id: p for p in persons}, tuple(ratings), ON, tuple(bases))


def need_ids(ctx) -> set[str]:
    return {n.need_id for n in needs_from(ctx)}


def test_school_problems_call_for_ppr_with_the_legal_reason():
    needs = needs_from(context([CHILD_9], [rating(CHILD_9, "B_SKO_2", 2)]))
    ppr = next(n for n in needs if n.need_id == "ppr")
    assert ppr.roles == ("ppr_psykolog",)
    assert "Barn 1 (9 år)" in ppr.reasons[0].text and "vurderet 2" in ppr.reasons[0].text
    assert "§ 22 stk. 4" in ppr.reasons[0].source


def test_watch_level_calls_for_nothing():
    assert "ppr" not in need_ids(context([CHILD_9], [rating(CHILD_9, "B_SKO_2", 1)]))


def test_age_range_limits_a_rule():
    # early development in a 4-year-old calls for the health visitor, in a 9-year-old it does not
    assert "sundhedspleje" in need_ids(context([CHILD_4], [rating(CHILD_4, "B_UDV_1", 2)]))
    assert "sundhedspleje" not in need_ids(context([CHILD_9], [rating(CHILD_9, "B_UDV_1", 2)]))


def test_cash_benefit_is_a_legal_trigger_for_the_job_centre_without_any_rating():
    needs = needs_from(context([ADULT_CASH, ADULT_WAGE], []))
    job = next(n for n in needs if n.need_id == "job")
    assert "Voksen 1 (37 år) modtager kontanthjælp" in job.reasons[0].text
    assert "job" not in need_ids(context([ADULT_WAGE], []))


def test_young_adult_on_cash_benefit_gets_youth_guidance():
    assert "uu" in need_ids(context([YOUNG_CASH], []))
    assert "uu" not in need_ids(context([ADULT_CASH], []))


def test_debt_calls_for_the_economy_worker_and_act_now_for_the_specialist_only():
    needs = {n.need_id: n for n in needs_from(context([ADULT_WAGE], [rating(ADULT_WAGE, "V_OEK_1", 3)]))}
    # a service someone must decide and deliver: a 'gæld' tag on another professional does not cover it
    assert needs["oekonomi"].roles == ("oekonomiraadgiver",) and needs["oekonomi"].competences == ()
    assert needs["gaeld_akut"].roles == ("oekonomiraadgiver",) and needs["gaeld_akut"].competences == ()
    assert needs["gaeld_akut"].act_now
    assert "gaeld_akut" not in need_ids(context([ADULT_WAGE], [rating(ADULT_WAGE, "V_OEK_1", 2)]))


def test_case_basis_condition_and_merged_reasons():
    needs = needs_from(context([CHILD_9], [rating(CHILD_9, "B_SIK_1", 3)], bases=("BL32",)))
    authority = next(n for n in needs if n.need_id == "myndighed")
    assert [r.rule_id for r in authority.reasons] == ["T-MYN", "T-MYN-AKUT"]
    assert "(BL32)" in authority.reasons[0].text
    assert "myndighed" not in need_ids(context([CHILD_9], [], bases=("BL86",)))


def test_domain_codes_match_every_item_in_the_domain():
    assert "job" in need_ids(context([ADULT_WAGE], [rating(ADULT_WAGE, "V_BES_2", 2)]))


def test_items_and_income_must_meet_in_the_same_person():
    condition = Condition(items=("V_BES_2",), income=("kontanthjælp",))
    both = context([ADULT_CASH, ADULT_WAGE], [rating(ADULT_WAGE, "V_BES_2", 3)])
    assert condition.hits(both) is None  # the wage earner is rated, the cash recipient is not
    same = context([ADULT_CASH], [rating(ADULT_CASH, "V_BES_2", 2)])
    assert condition.hits(same)[0].person_id == ADULT_CASH.person_id


def test_min_count_and_unless():
    condition = Condition(items=("B_UDV", "B_SKO"), min_count=2, unless_case_basis=("BL20",))
    one = context([CHILD_9], [rating(CHILD_9, "B_UDV_1", 2)], bases=())
    two = context([CHILD_9], [rating(CHILD_9, "B_UDV_1", 2), rating(CHILD_9, "B_SKO_1", 3)], bases=())
    assert condition.hits(one) is None and len(condition.hits(two)) == 2
    blocked = context([CHILD_9], [rating(CHILD_9, "B_UDV_1", 2), rating(CHILD_9, "B_SKO_1", 3)], bases=("BL20",))
    assert condition.hits(blocked) is None


def test_case_basis_suggestions_follow_barnets_lov_20_19_and_30():
    # a serious case (a 3 on safety) or a complex one (three areas at 2+): a decision on a BFU, § 20 stk. 1
    serious = suggest_case_basis(context([CHILD_9], [rating(CHILD_9, "B_SIK_1", 3)], bases=()))
    assert "BL20" in [s.case_basis for s in serious]
    assert any("§ 20 stk. 1" in r.source for s in serious if s.case_basis == "BL20" for r in s.reasons)
    complex_case = suggest_case_basis(context([CHILD_9], [rating(CHILD_9, "B_SIK_1", 2), rating(CHILD_9, "B_UDV_1", 2),
                                                          rating(CHILD_9, "B_SKO_1", 2)], bases=()))
    assert "BL20" in [s.case_basis for s in complex_case]
    # one concern at 2 is not the old SEL § 50 test any more: the matter is afdækket (§ 19), no BFU
    one = suggest_case_basis(context([CHILD_9], [rating(CHILD_9, "B_SIK_1", 2)], bases=()))
    assert [s.case_basis for s in one] == ["BL19"] and "Barnets lov § 19" in one[0].reasons[0].source
    open_case = suggest_case_basis(context([CHILD_9], [rating(CHILD_9, "B_SIK_1", 2)], bases=("BL32",)))
    assert open_case == []
    quiet = suggest_case_basis(context([CHILD_9], [rating(CHILD_9, "B_SIK_1", 1)], bases=()))
    assert [s.case_basis for s in quiet] == ["BL30"] and "§ 30" in quiet[0].reasons[0].source
    job = suggest_case_basis(context([ADULT_CASH], [rating(ADULT_CASH, "V_BES_2", 0)], bases=("BL32",)))
    assert [s.case_basis for s in job] == ["LAB_KH"]  # every kontanthjælp recipient has jobsamtaler (LAB § 31)


def test_target_group():
    for outside in ("BL11", "BL30", "BL19", "LAB_KH", "SDP"):
        assert not check_target_group([outside]).in_model, outside
    assert "§ 30" in check_target_group(["BL30"]).reasons[0]
    assert not check_target_group(["LAB_AKT"]).in_model
    assert check_target_group(["LAB_AKT", "BL32"]).in_model
    unknown = check_target_group(["XYZ"])
    assert not unknown.in_model and "target_group.csv" in unknown.reasons[0]


def test_every_shipped_rule_names_a_source():
    assert all(rule.source for rule in load_team_rules())
    assert all(rule.source for rule in load_case_basis_rules())


def test_a_bad_rules_file_lists_every_problem(tmp_path):
    frame = pd.read_csv(data_path("team_rules.csv"), dtype=str, keep_default_na=False)
    frame.loc[0, "roles"] = "heks"
    frame.loc[1, "items"] = "B_XXX"
    frame.loc[2, "min_score"] = "fire"
    frame.loc[3, ["items", "income", "case_basis"]] = ""
    path = tmp_path / "team_rules.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(RulesError) as error:
        load_team_rules(str(path))
    text = str(error.value)
    for expected in ("række 2, kolonne 'roles'", "række 3, kolonne 'items'", "række 4, kolonne 'min_score'",
                     "række 5, kolonne 'items'"):
        assert expected in text


def test_a_child_with_a_support_case_and_a_disability_has_one_caseworker():
    """Sammen om familien: the 'dobbelt paragrafsæt' is one caseworker's, not two with authority for one child."""
    needs = {n.need_id: n for n in needs_from(context([CHILD_9], [rating(CHILD_9, "B_HAN_2", 2)], bases=("BL32",)))}
    assert "handicap" not in needs
    caseworker = needs["myndighed"]
    assert caseworker.roles == ("handicapraadgiver", "familieraadgiver")  # the disability caseworker first
    assert [r.rule_id for r in caseworker.reasons][-1] == "EN-SAGSBEHANDLER"
    assert {"T-MYN", "T-HAN-SCR"} <= {r.rule_id for r in caseworker.reasons}  # both grounds are kept
    only_support = {n.need_id for n in needs_from(context([CHILD_9], [], bases=("BL32",)))}
    assert "myndighed" in only_support and "handicap" not in only_support


def test_statutory_services_are_covered_by_their_profession_not_by_a_tag():
    """Bostøtte (serviceloven § 85), rusmiddelbehandling (§ 101) and debt advice are services someone decides and
    delivers; a competence tag shows knowledge in the team (vold og traumer, netværksmøder), not the service."""
    rules = {r.rule_id: r for r in load_team_rules()}
    for rule_id in ("T-PSY", "T-MIS", "T-OEK", "T-BOL", "T-GAELD-AKUT", "T-MYN", "T-AFDAEK"):
        assert rules[rule_id].kind == "ydelse", rule_id
        assert rules[rule_id].roles and rules[rule_id].competences == (), rule_id
    assert rules["T-VOLD"].kind == "viden" and rules["T-VOLD"].competences and not rules["T-VOLD"].roles
    assert {rules[r].kind for r in ("T-FRI", "T-CIV", "T-FYS")} == {"opgave"}
    assert all(not r.competences for r in rules.values() if r.kind != "viden")
    needs = {n.need_id: n for n in needs_from(context([ADULT_WAGE], [rating(ADULT_WAGE, "V_PSY_1", 2)]))}
    assert needs["psykiatri"].kind == "ydelse"


def test_the_kind_column_is_checked_when_the_rules_load(tmp_path):
    """Which needs are services is data, and data that lets a tag stand in for a service is refused."""
    frame = pd.read_csv(data_path("team_rules.csv"), dtype=str, keep_default_na=False)
    rows = {rule_id: i for i, rule_id in enumerate(frame["rule_id"])}
    frame.loc[rows["T-OEK"], "competences"] = "gæld"           # a tag on a service
    frame.loc[rows["T-PSY"], "kind"] = "tjeneste"              # not a kind
    frame.loc[rows["T-VOLD"], "competences"] = ""              # knowledge nobody has
    frame.loc[rows["T-FRI"], "roles"] = "koordinator"          # a coordinator task naming a role
    frame.loc[rows["T-BOL"], "kind"] = "viden"                 # one need, two kinds (T-OEK says ydelse)
    path = tmp_path / "team_rules.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(RulesError) as error:
        load_team_rules(str(path))
    text = str(error.value)
    for rule_id, column in (("T-OEK", "competences"), ("T-PSY", "kind"), ("T-VOLD", "competences"),
                            ("T-FRI", "roles"), ("T-BOL", "kind")):
        assert f"række {rows[rule_id] + 2}, kolonne '{column}'" in text, rule_id
    frame.drop(columns=["kind"]).to_csv(path, index=False)
    with pytest.raises(RulesError, match="kind"):
        load_team_rules(str(path))


def test_school_absence_without_a_child_case_is_the_school_social_workers():
    """Sverigesmodellen: the school social worker takes school absence; a child caseworker with authority only
    comes in with a child case (a BFU, support or a placement), not with an afdækning."""
    teen = Person("F1-B3", "F1", "barn", 2011, "Barn 3")
    absent = [rating(teen, "B_SKO_1", 2)]
    needs = {n.need_id: n for n in needs_from(context([teen], absent, bases=("BL19",)))}
    assert needs["fravaer"].roles == ("skolesocialraadgiver",)
    assert "myndighed" not in needs and "skolesocialraadgiver" in needs["afdaekning"].roles
    with_case = {n.need_id: n for n in needs_from(context([teen], absent, bases=("BL32",)))}
    assert with_case["myndighed"].roles == ("familieraadgiver",) and "afdaekning" not in with_case
    assert "familieraadgiver" in with_case["fravaer"].roles  # the child's own caseworker may take it
