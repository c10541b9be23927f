"""The catalogue of hard rules: one name per rule, used by every CP-SAT model, the checker and the explanations.

Each rule has

* its Python name (``HardRule.DAILY_CAP``): the CP-SAT model method that enforces it is named after it in lower
  case (``daily_cap``) and carries ``@constrains(HardRule.DAILY_CAP)``; a model's ``disabled`` set (for the
  "bites" tests) takes the rule;
* its value, a short Danish code (``"dagsloft"``): the ``kind`` of a breach the independent checker
  (``workbench/scheduling/check.py``) reports, what it prints and writes to files;
* its ``label``: the sentence a team leader reads.

A model that enforces a rule lists it in its ``CONSTRAINTS`` tuple (the order the constraints are added in);
``tests/test_hard_rules.py`` holds every model and the checker to the catalogue.  The heuristic planners
(``construct.py``, ``negotiate.py``, ``repair.py``) keep the rules implicit and name them in comments.

A bottom-layer module: it imports nothing from the workbench.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Callable, Iterable, TypeVar

F = TypeVar("F", bound=Callable)


class HardRule(StrEnum):
    """A hard rule; the value is the checker's breach kind, ``label`` the Danish sentence."""

    label: str

    def __new__(cls, kind: str, label: str) -> "HardRule":
        rule = str.__new__(cls, kind)
        rule._value_ = kind
        rule.label = label
        return rule

    @property
    def method(self) -> str:
        """The name of the model method that enforces the rule."""
        return self.name.lower()

    # ---------------------------------------------------------------- follow-up meetings
    MEETINGS_IN_ORDER = "rækkefølge", "Et forløbs møder holdes i rækkefølge, det ene efter det andet"
    ONE_PLACE_PER_MEETING = "ét_tidspunkt", "Hvert møde har netop én dag og ét tidspunkt"
    MIN_INTERVAL = "for_tæt", "Mindst det mindste antal dage mellem to opfølgninger i samme forløb"
    DEADLINE = "forkert_frist", ("Hver opfølgning har sin frist: den forrige opfølgning plus det højeste antal dage; "
                                 "dage for sent tælles fra fristen")
    DAILY_CAP = "dagsloft", "Højst N møder om dagen for en medarbejder (medarbejderens dagsloft)"
    NO_DOUBLE_BOOKING = "dobbeltbooking", "Ingen er i to møder på samme tid"
    MEETING_HOURS = "mødetid", "Et møde ligger inden for mødetiden"
    MEETING_LENGTH = "mødelængde", "Et møde varer så længe, som opfølgningsreglen siger"
    OPEN_DAY = "lukket_dag", "Ingen møder i weekender, på helligdage eller på kommunens lukkedage"
    WORKDAY = "ikke_arbejdsdag", "Ingen møder på en dag, hvor en deltager ikke arbejder"
    NOT_ABSENT = "fravær", "Ingen møder, mens en deltager er fraværende"
    FAMILY_AVAILABLE = "familie_utilgængelig", "Ingen møder på dage, hvor familien har meldt, at den ikke kan"
    ATTENDEES = "mangler_deltager", ("Familiens team og koordinatorer er med i teammødet; en persons samtale holdes "
                                     "af en fagperson af rette slags fra familiens team")
    IN_PERIOD = "uden_for_periode", "Planens møder ligger i planperioden"
    AFTER_CASE_OPENS = "før_sagen", "Intet møde, før sagen er åbnet"
    RULE_REQUIRES_MEETING = "uventet_møde", "Kun de møder, som en opfølgningsregel kræver"
    KNOWN_FAMILY = "ukendt_familie", "Et møde hører til en familie i registret"
    KNOWN_ATTENDEE = "ukendt_deltager", "En mødedeltager er en medarbejder i registret"

    # ---------------------------------------------------------------- re-planning an announced plan
    HELD_KEPT = "afholdt_mistet", "Et afholdt møde står i den nye plan som afholdt, den dag det blev holdt"
    FROZEN_KEPT = "fastfrosset_ændret", ("Et udmeldt møde i den fastfrosne periode står uændret, medmindre det er "
                                         "meldt som konflikt")
    CONFLICT_MOVED = "konflikt_beholdt", "Et møde, der er meldt som konflikt, står ikke længere på sin gamle plads"

    # ---------------------------------------------------------------- coordinators
    ONE_PRIMARY = "ingen_koordinator", "Hver familie har én primær koordinator"
    SECONDARY_WHEN_NEEDED = "mangler_sekundær", "En familie, der skal have en sekundær koordinator, har én"
    PRIMARY_DIFFERS_FROM_SECONDARY = "samme_koordinator", "Primær og sekundær koordinator er to forskellige personer"
    CAN_COORDINATE = "ikke_koordinator", "Kun en medarbejder, der kan være koordinator, er koordinator"
    CASELOAD_CAP = "sagsloft", "Ingen medarbejder har flere sagspoint end sit sagsloft"

    # ---------------------------------------------------------------- minimal staffing (what-if)
    ONE_HOLDER_PER_PLACE = "plads_uden_indehaver", ("Hver plads om en familie (primær eller sekundær koordinator, "
                                                    "teammedlem) har netop én indehaver")
    HIRE_BEFORE_USE = "ikke_ansat", "Kun en nyansat kan overtage en plads"
    ONE_TEAM_PLACE_PER_PERSON = "to_pladser", "Ingen har to pladser i samme families team"
    ALL_CAN_MEET = "kan_ikke_mødes", ("Et møde ligger på en dag, hvor alle deltagere kan mødes (en arbejdsdag uden "
                                      "fravær, ikke lukket)")

    # ---------------------------------------------------------------- the team proposal (screening)
    COVER_EVERY_NEED = "udækket_behov", "Hvert behov dækkes af netop én fagperson (ellers meldes det udækket)"
    ONLY_MEMBERS_COVER = "dækket_uden_for_teamet", "Kun et medlem af teamet kan dække et behov"
    ATTACHED_COORDINATORS_STAY = "koordinator_uden_for_teamet", "Familiens egne koordinatorer er med i teamet"
    NO_LONG_ABSENCE = "langt_fravær", "Ingen ny familie til en medarbejder, der er væk i lang tid"
    COORDINATOR_CANDIDATE_HAS_ROOM = "koordinatoremne_uden_plads", ("Teamets kommende koordinator har plads til "
                                                                    "koordinatorens sagspoint")
    CASEWORKER_CHOICES = "sagsbehandlers_valg", "Sagsbehandlerens valg af, hvem der er med i teamet, holdes"


def constrains(rule: HardRule) -> Callable[[F], F]:
    """Mark a model method as the constraint that enforces ``rule``; the method must be named ``rule.method``."""

    def mark(method: F) -> F:
        if method.__name__ != rule.method:
            raise TypeError(f"{method.__qualname__} enforces {rule.name}: name it {rule.method}")
        method.hard_rule = rule  # type: ignore[attr-defined]
        return method

    return mark


def add_constraints(model: object, rules: tuple[HardRule, ...], disabled: Iterable[str] = ()) -> None:
    """Add the constraint of each rule in ``rules`` to ``model``, in order, except the ``disabled`` ones.

    ``disabled`` takes rules (or their codes); one the model does not enforce is an error, so a bites test cannot
    switch off nothing by a typo."""
    off = {HardRule(rule) for rule in disabled}
    foreign = off - set(rules)
    if foreign:
        raise ValueError(f"{type(model).__name__} does not enforce {', '.join(sorted(r.name for r in foreign))}")
    for rule in rules:
        if rule in off:
            continue
        method = getattr(model, rule.method)
        if getattr(method, "hard_rule", None) is not rule:
            raise TypeError(f"{type(model).__name__}.{rule.method} lacks @constrains(HardRule.{rule.name})")
        method()


def enforced_by(model_class: type) -> dict[HardRule, str]:
    """rule -> method name of every constraint method of a model class (found by its ``@constrains`` mark)."""
    out = {}
    for name in dir(model_class):
        rule = getattr(getattr(model_class, name, None), "hard_rule", None)
        if isinstance(rule, HardRule):
            out[rule] = name
    return out
