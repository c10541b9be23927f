"""Five families written from the seeds, in one tiny municipality with one professional of each kind.

Each builder returns the family, its persons and its screening; ``municipality()`` puts them all in one register.
Staff ids are short pseudonyms; the persons carry only a label and a birth year (never a CPR number).
"""

from __future__ import annotations

from datetime import date

from tests.helpers import family, rule, staff, tiny_register
from workbench.model import Family, Person, Register, ScreeningRating

ON = date(2027, 3, 1)
"""The screening day."""


def _staff():
    """One of each profession; the tempting tags (psykiatri, gæld, rusmidler) sit on a family therapist, who must
    never stand in for bostøtte, debt advice or rusmiddelbehandling.  The coordinator K1 is the busiest, so a
    child caseworker with authority would win on load if the rules let him coordinate anywhere."""
    return [
        staff("K1", "koordinator", points=20.0, base_caseload_points=12.0,
              competences=frozenset({"vold i nære relationer", "netværksmøder"}), district="Nord"),
        staff("FR1", "familieraadgiver", points=20.0, district="Nord"),
        staff("HR1", "handicapraadgiver", points=20.0, district="Nord"),
        staff("SSR1", "skolesocialraadgiver", False, points=20.0, district="Nord"),
        staff("FB1", "familiebehandler", False, points=20.0, district="Nord",
              competences=frozenset({"psykiatri", "gæld", "rusmidler"})),
        staff("JK1", "jobkonsulent", False, points=20.0, district="Nord"),
        staff("UU1", "uu_vejleder", False, points=20.0, district="Nord"),
        staff("SP1", "sundhedsplejerske", False, points=20.0, district="Nord"),
        staff("PPR1", "ppr_psykolog", False, points=20.0, district="Nord"),
        staff("OE1", "oekonomiraadgiver", False, points=20.0, district="Nord"),
        staff("BS1", "bostoette", False, points=20.0, district="Nord"),
        staff("MK1", "misbrugskonsulent", False, points=20.0, district="Nord"),
    ]


def _ratings(family_id: str, scores: dict[tuple[str, str], int]) -> list[ScreeningRating]:
    return [ScreeningRating(family_id, f"{family_id}-{who}", item, score, ON, "K1")
            for (who, item), score in scores.items()]


def single_mother_with_debt_and_a_son_with_adhd(attendees=("FR1",)):
    """Assens/Thisted: a single mother on kontanthjælp with debt; her son (10) has ADHD, a § 32 case with FR1 and
    learning problems at school.  She chose her job consultant as coordinator and wants only her son's caseworker
    with him at the meetings (not the psychologist or the debt adviser every time)."""
    fam = family("F1", basis=("BL32", "LAB_KH", "HEF"), last=date(2027, 1, 20), primary=None,
                 preferred_coordinator="JK1", meeting_attendees=tuple(attendees), case_points=2.0)
    persons = [Person("F1-V1", "F1", "voksen", 1992, "Voksen 1", "kontanthjælp"),
               Person("F1-B1", "F1", "barn", 2017, "Barn 1")]
    ratings = _ratings("F1", {("B1", "B_HAN_1"): 2, ("B1", "B_SKO_2"): 2, ("B1", "B_UDV_1"): 1,
                              ("V1", "V_OEK_1"): 2, ("V1", "V_OEK_2"): 2, ("V1", "V_BES_1"): 2,
                              ("V1", "V_FOR_1"): 1, ("V1", "V_PSY_1"): 1})
    return fam, persons, ratings, [("F1", "FR1", "familieraadgiver")]


def placed_child_with_a_mentally_ill_mother(attendees=("FR1", "FB1", "SP1")):
    """Sammen om familien/Thisted: the older child (14) is placed; the mother is mentally ill and the little sister
    (4) lives at home.  The family has K1 as coordinator and does not want the mother's own bostøtte worker at the
    family's meetings."""
    fam = family("F2", basis=("BL46", "HEF"), last=date(2027, 1, 20), primary="K1", preferred_coordinator="K1",
                 meeting_attendees=tuple(attendees), case_points=3.0)
    persons = [Person("F2-V1", "F2", "voksen", 1990, "Voksen 1", "førtidspension"),
               Person("F2-B1", "F2", "barn", 2013, "Barn 1"), Person("F2-B2", "F2", "barn", 2023, "Barn 2")]
    ratings = _ratings("F2", {("V1", "V_PSY_1"): 3, ("V1", "V_FOR_1"): 2, ("B2", "B_UDV_1"): 2,
                              ("B1", "B_UDV_1"): 2, ("B1", "B_SIK_1"): 1})
    return fam, persons, ratings, [("F2", "FR1", "familieraadgiver"), ("F2", "FB1", "familiebehandler")]


def advice_only_family():
    """Hedensted: a family with only short advice under the old SEL § 11 is outside the target group."""
    fam = family("F3", basis=("BL11",), last=None, primary=None)
    persons = [Person("F3-V1", "F3", "voksen", 1988, "Voksen 1", "løn"),
               Person("F3-B1", "F3", "barn", 2019, "Barn 1")]
    ratings = _ratings("F3", {("B1", "B_UDV_1"): 1, ("B1", "B_SKO_1"): 0, ("V1", "V_FOR_1"): 1,
                              ("V1", "V_OEK_1"): 1})
    return fam, persons, ratings, []


def compensation_only_disability_family():
    """Sammen om familien: a child (9) with a lasting disability; the parents get merudgifter and tabt
    arbejdsfortjeneste (Barnets lov §§ 86-87) and nothing else is wrong."""
    fam = family("F4", basis=("BL86",), last=date(2027, 1, 20), primary=None)
    persons = [Person("F4-V1", "F4", "voksen", 1987, "Voksen 1", "løn"),
               Person("F4-V2", "F4", "voksen", 1985, "Voksen 2", "løn"),
               Person("F4-B1", "F4", "barn", 2018, "Barn 1")]
    ratings = _ratings("F4", {("B1", "B_HAN_1"): 3, ("B1", "B_HAN_2"): 2, ("B1", "B_SKO_1"): 0,
                              ("V1", "V_FOR_1"): 0, ("V1", "V_OEK_1"): 0})
    return fam, persons, ratings, []


def father_on_sickness_benefit_facing_eviction(preferred="JK1", absent_teen=True, attendees=("OE1",)):
    """Thisted (Hånd om Egen Familie, no child case): a father on sygedagpenge is about to be evicted; his son (16)
    stays away from school.  He chose his job consultant as coordinator and wants the debt adviser at the meetings,
    not the school social worker (the son meets her at school)."""
    fam = family("F5", basis=("HEF", "SDP"), last=date(2027, 1, 20), primary=None,
                 preferred_coordinator=preferred, meeting_attendees=tuple(attendees), case_points=2.0)
    persons = [Person("F5-V1", "F5", "voksen", 1983, "Voksen 1", "sygedagpenge"),
               Person("F5-B1", "F5", "barn", 2011, "Barn 1")]
    scores = {("V1", "V_BOL_1"): 3, ("V1", "V_OEK_1"): 3, ("V1", "V_FYS_1"): 2, ("V1", "V_FOR_1"): 1}
    if absent_teen:
        scores[("B1", "B_SKO_1")] = 2
    return fam, persons, _ratings("F5", scores), []


FIVE = (single_mother_with_debt_and_a_son_with_adhd, placed_child_with_a_mentally_ill_mother, advice_only_family,
        compensation_only_disability_family, father_on_sickness_benefit_facing_eviction)

RULES = [rule("HEF", 91, 63, 90, rule_id="HEF"), rule("BL86", 91, 63, 60, rule_id="SOF-3M")]
"""The models' cadences the five families follow (Thisted every 3 months; Sammen om familien every 3 months in
compensation cases); the law's own clocks per person are left out - these tests are about the team."""


def municipality(*built) -> tuple[Register, dict[str, list[ScreeningRating]]]:
    """One register with the given families (default: all five) and each family's screening."""
    built = built or tuple(make() for make in FIVE)
    families: list[Family] = [b[0] for b in built]
    persons = [p for b in built for p in b[1]]
    team = [t for b in built for t in b[3]]
    register = tiny_register(_staff(), families, rules=RULES, team=team, persons=tuple(persons),
                             screenings=tuple(r for b in built for r in b[2]))
    return register, {b[0].family_id: list(b[2]) for b in built}
