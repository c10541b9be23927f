"""What changed since the announced plan, in Danish: in the register before planning, in the plan after it.

Before planning, a new register is compared with the snapshot saved beside the announced plan (baseline.py):
new and closed families, staff who left or joined, new absences, changed caps, workdays and rules.  After
planning, the new plan is compared with the announced one: which announced meetings moved or were dropped,
which are new, whose calendars change, which coordinators changed and why.  Absence reasons are never shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from workbench.hard_rules import HardRule
from workbench.danish import count
from workbench.model import WEEKDAY_DA, Assignment, Meeting


def _days(values) -> str:
    return ", ".join(WEEKDAY_DA[d] for d in sorted(values))


def _period(start: str, end: str) -> str:
    return f"{date.fromisoformat(start):%d.%m.%Y}–{date.fromisoformat(end):%d.%m.%Y}"


def register_changes(before: dict | None, after: dict) -> list[str]:
    """Danish lines describing how the register (``after``, a snapshot) differs from ``before``.

    A flat list of table-by-table comparisons in the order the page shows them; each is a few lines."""
    if before is None:
        return ["Den udmeldte plan har ikke gemt registret, den blev lavet ud fra; ændringer kan ikke vises."]
    lines: list[str] = []
    old_f, new_f = before.get("families", {}), after["families"]
    if added := sorted(set(new_f) - set(old_f)):
        lines.append(f"Nye familier ({len(added)}): {', '.join(added)}")
    if closed := sorted(set(old_f) - set(new_f)):
        lines.append(f"Afsluttede familier ({len(closed)}): {', '.join(closed)}")
    for family_id in sorted(set(old_f) & set(new_f)):
        old, new = old_f[family_id], new_f[family_id]
        if old.get("case_basis") != new["case_basis"]:
            lines.append(f"Familie {family_id}: sagsgrundlag {';'.join(old.get('case_basis', []))} → "
                         f"{';'.join(new['case_basis'])}")
        for key, label in (("primary", "primær koordinator"), ("secondary", "sekundær koordinator")):
            if old.get(key, "") != new[key]:
                lines.append(f"Familie {family_id}: {label} i registret {old.get(key) or '(ingen)'} → "
                             f"{new[key] or '(ingen)'}")
        if old.get("team", []) != new["team"]:
            joins = sorted(set(new["team"]) - set(old.get("team", [])))
            leaves = sorted(set(old.get("team", [])) - set(new["team"]))
            lines.append(f"Familie {family_id}: team " + "; ".join(
                [f"{s} kommer med" for s in joins] + [f"{s} går ud" for s in leaves]))
        if old.get("last_followup_date", "") != new["last_followup_date"]:
            lines.append(f"Familie {family_id}: sidste opfølgning {old.get('last_followup_date') or '(ingen)'} → "
                         f"{new['last_followup_date'] or '(ingen)'}")
    old_s, new_s = before.get("staff", {}), after["staff"]
    if joined := sorted(set(new_s) - set(old_s)):
        lines.append("Nye medarbejdere: " + ", ".join(f"{new_s[s]['name']} ({s})" for s in joined))
    if left := sorted(set(old_s) - set(new_s)):
        lines.append("Medarbejdere der er stoppet: " + ", ".join(f"{old_s[s]['name']} ({s})" for s in left))
    for staff_id in sorted(set(old_s) & set(new_s)):
        old, new = old_s[staff_id], new_s[staff_id]
        who = f"{new['name']} ({staff_id})"
        if old.get("max_meetings_per_day") != new["max_meetings_per_day"]:
            lines.append(f"{who}: højst {old.get('max_meetings_per_day')} → {new['max_meetings_per_day']} møder om dagen")
        if old.get("max_caseload_points") != new["max_caseload_points"]:
            lines.append(f"{who}: {HardRule.CASELOAD_CAP} {old.get('max_caseload_points'):g} → "
                         f"{new['max_caseload_points']:g} point")
        if old.get("workdays") != new["workdays"]:
            lines.append(f"{who}: arbejdsdage {_days(old.get('workdays', []))} → {_days(new['workdays'])}")
        if old.get("can_coordinate") != new["can_coordinate"]:
            lines.append(f"{who}: {'kan nu' if new['can_coordinate'] else 'kan ikke længere'} være koordinator")
    old_a = {tuple(a) for a in before.get("absences", [])}
    new_a = {tuple(a) for a in after["absences"]}
    for staff_id, first, last in sorted(new_a - old_a):
        lines.append(f"Nyt fravær: {staff_id} {_period(first, last)}")
    for staff_id, first, last in sorted(old_a - new_a):
        lines.append(f"Fravær fjernet: {staff_id} {_period(first, last)}")
    old_u = {tuple(u) for u in before.get("family_unavailability", [])}
    for family_id, first, last in sorted({tuple(u) for u in after["family_unavailability"]} - old_u):
        lines.append(f"Familie {family_id} kan ikke {_period(first, last)}")
    old_r = {r[0]: r for r in before.get("rules", [])}
    new_r = {r[0]: r for r in after["rules"]}
    for rule_id in sorted(set(old_r) | set(new_r)):
        if old_r.get(rule_id) != new_r.get(rule_id):
            if rule_id not in new_r:
                lines.append(f"Opfølgningsregel {rule_id} er fjernet")
            elif rule_id not in old_r:
                lines.append(f"Ny opfølgningsregel {rule_id}: højst {new_r[rule_id][2]} dage mellem møderne")
            else:
                lines.append(f"Opfølgningsregel {rule_id}: højst {old_r[rule_id][2]} → {new_r[rule_id][2]} dage, "
                             f"mindst {old_r[rule_id][3]} → {new_r[rule_id][3]} dage")
    if added_days := sorted(set(after["closed_days"]) - set(before.get("closed_days", []))):
        lines.append("Nye lukkedage: " + ", ".join(f"{date.fromisoformat(d):%d.%m.%Y}" for d in added_days))
    return lines


@dataclass
class PlanChanges:
    """How a new plan differs from the announced one (after the freeze, plus conflicts inside it)."""

    kept: list[str] = field(default_factory=list)
    moved: list[tuple[Meeting, Meeting]] = field(default_factory=list)
    """(announced, new) for meetings at another day or time."""
    dropped: list[Meeting] = field(default_factory=list)
    """Announced meetings no longer in the plan (no longer needed, or the case closed)."""
    new: list[Meeting] = field(default_factory=list)
    attendees_changed: list[tuple[Meeting, Meeting]] = field(default_factory=list)
    coordinator_changes: list[dict] = field(default_factory=list)
    """Coordinators that changed for families in the announced plan (with the reason)."""
    coordinators_new: list[dict] = field(default_factory=list)
    """Coordinators given to families the announced plan did not have (new families)."""
    calendars_changed: set[str] = field(default_factory=set)
    frozen: int = 0
    """Meetings kept exactly as announced (up to the freeze date, and held ones)."""

    def summary(self) -> dict:
        return {
            "kept_announced": len(self.kept),
            "moved_announced": len(self.moved),
            "dropped_announced": len(self.dropped),
            "new_meetings": len(self.new),
            "attendees_changed": len(self.attendees_changed),
            "coordinator_changes": self.coordinator_changes,
            "coordinators_for_new_families": self.coordinators_new,
            "frozen_kept": self.frozen,
            "people_with_calendar_changes": len(self.calendars_changed),
            "calendars_changed": sorted(self.calendars_changed),
        }

    def lines(self) -> list[str]:
        """Danish lines for the page and the command line."""
        people = len(self.calendars_changed)
        out = [f"{count(self.frozen, 'møde', 'møder')} til og med frysedatoen ligger fast som udmeldt. Efter "
               f"frysedatoen: {count(len(self.kept), 'udmeldt møde er uændret', 'udmeldte møder er uændrede')}, "
               f"{len(self.moved)} flyttet, {len(self.dropped)} bortfalder, {len(self.new)} nye. "
               + (f"{count(people, 'medarbejders kalender', 'medarbejderes kalendere')} ændres." if people else
                  "Ingen medarbejderes kalendere ændres.")]
        for old, new in self.moved:
            out.append(f"Flyttet: {old.meeting_id} fra {old.day:%d.%m.} kl. {old.start} til {new.day:%d.%m.} kl. "
                       f"{new.start}")
        for old in self.dropped:
            out.append(f"Bortfalder: {old.meeting_id} den {old.day:%d.%m.} kl. {old.start}")
        for change in self.coordinator_changes:
            out.append(f"Koordinator: familie {change['family_id']} {change['kind']} {change['before'] or '(ingen)'} → "
                       f"{change['after'] or '(ingen)'}" + (f" ({change['reason']})" if change["reason"] else ""))
        for change in self.coordinators_new:
            out.append(f"Ny familie {change['family_id']}: {change['kind']} koordinator {change['after']}")
        return out


def plan_changes(announced: list[Meeting], meetings: list[Meeting], before: dict[str, Assignment],
                 after: list[Assignment], reasons: dict[tuple[str, str], str], fixed_ids: set[str]) -> PlanChanges:
    """Compare the announced meetings that could move (and the conflicting frozen ones) with the new plan."""
    changes = PlanChanges(frozen=len(fixed_ids))
    now = {m.meeting_id: m for m in meetings}
    for old in announced:
        new = now.get(old.meeting_id)
        if new is None:
            changes.dropped.append(old)
            changes.calendars_changed.update(old.attendees)
        elif (new.day, new.start_minute) != (old.day, old.start_minute):
            changes.moved.append((old, new))
            changes.calendars_changed.update(old.attendees + new.attendees)
        else:
            changes.kept.append(old.meeting_id)
            if set(new.attendees) != set(old.attendees):
                changes.attendees_changed.append((old, new))
                changes.calendars_changed.update(set(new.attendees) ^ set(old.attendees))
    known = {m.meeting_id for m in announced} | fixed_ids
    for m in meetings:
        if m.meeting_id not in known:
            changes.new.append(m)
            changes.calendars_changed.update(m.attendees)
    for a in sorted(after, key=lambda a: a.family_id):
        old = before.get(a.family_id)
        if old is None:
            for kind, label in (("primary", "primær"), ("secondary", "sekundær")):
                if getattr(a, f"{kind}_coordinator"):
                    changes.coordinators_new.append({"family_id": a.family_id, "kind": label,
                                                     "after": getattr(a, f"{kind}_coordinator")})
            continue
        for kind, label in (("primary", "primær"), ("secondary", "sekundær")):
            was, is_now = getattr(old, f"{kind}_coordinator"), getattr(a, f"{kind}_coordinator")
            if (was or None) != (is_now or None):
                changes.coordinator_changes.append({"family_id": a.family_id, "kind": label, "before": was or "",
                                                    "after": is_now or "",
                                                    "reason": reasons.get((a.family_id, kind), "")})
    return changes
