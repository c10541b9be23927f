"""Hand-made tiny registers for tests where every constraint must be visible."""

from __future__ import annotations

from datetime import date

from workbench.model import Absence, Family, FollowupRule, Register, Staff, TeamMember

MON_FRI = frozenset(range(5))


def staff(staff_id: str, role: str = "koordinator", can_coordinate: bool = True, cap: int = 3,
          points: float = 10.0, workdays=MON_FRI, **extra) -> Staff:
    return Staff(staff_id, f"Test {staff_id}", role, "Familieafdelingen", can_coordinate, points, cap,
                 frozenset(workdays), **extra)


def family(family_id: str, basis=("R",), last: date | None = date(2027, 1, 1), primary: str | None = None,
           **extra) -> Family:
    return Family(family_id, extra.pop("district", "Nord"), extra.pop("language", "da"), tuple(basis), last,
                  primary, **extra)


def rule(case_basis: str = "R", max_days: int = 14, min_days: int = 7, minutes: int = 60, rule_id: str | None = None,
         valid_from: date = date(2000, 1, 1)) -> FollowupRule:
    return FollowupRule(rule_id or f"{case_basis}-{max_days}", case_basis, max_days, min_days, minutes,
                        "testregel", "test", valid_from)


def tiny_register(staff_list, families, rules=None, team=(), absences=(), **tables) -> Register:
    return Register(
        staff=tuple(staff_list),
        families=tuple(families),
        rules=tuple(rules or [rule()]),
        team=tuple(TeamMember(f, s, r) for f, s, r in team),
        absences=tuple(Absence(s, a, b, "test") for s, a, b in absences),
        **tables,
    )
