"""Who attends a family's meetings: the coordinators and the team at a follow-up; at a person's appointment the one
professional whose role the appointment asks for."""

from __future__ import annotations

from dataclasses import replace
from typing import Mapping

from workbench.catalogue import role_label
from workbench.settings import family_may_choose
from workbench.model import Assignment, ExternalParticipant, Meeting, Register


def attendees_of(register: Register, assignment: Assignment | None, family_id: str,
                 family_choice: bool = True) -> tuple[str, ...]:
    """Who attends the family's follow-ups: the coordinators first, then the team - or, if the family has said
    who it wants (``meeting_attendees``), only those of the team; each person once.  ``family_choice=False``: who
    would come had the family not chosen (what its choice saves)."""
    people = []
    if assignment:
        people += [assignment.primary_coordinator, assignment.secondary_coordinator]
    family = register.family_by_id.get(family_id)
    chosen = set(family.meeting_attendees) if family_choice and family is not None and family.meeting_attendees \
        else None
    people += [p for p in register.team_staff_ids(family_id) if chosen is None or p in chosen]
    return tuple(dict.fromkeys(p for p in people if p))


def with_family_choices(register: Register, choices: Mapping[str, Mapping]) -> tuple[Register, list[str]]:
    """The register with what families chose on their family plan page: who of the team comes to the follow-ups
    (``attendees``) and their own coordinator (``coordinator``), in place of ``families.csv``'s columns.  A choice of
    someone no longer in the register (or not on the family's team) is left out and said (Danish)."""
    if not choices:
        return register, []
    families, notes = [], []
    for family in register.families:
        chosen = choices.get(family.family_id)
        if not chosen:
            families.append(family)
            continue
        team = set(register.team_staff_ids(family.family_id))
        attendees = tuple(p for p in chosen.get("attendees", ()) if p in team)
        gone = [p for p in chosen.get("attendees", ()) if p not in team]
        coordinator = chosen.get("coordinator") or None
        if coordinator is not None and coordinator not in register.staff_by_id:
            notes.append(f"Familie {family.family_id} har valgt {coordinator} som koordinator, men vedkommende findes "
                         "ikke længere i data; valget bruges ikke.")
            coordinator = None
        elif coordinator is not None and not family_may_choose(register.staff_by_id[coordinator].role,
                                                                register.staff_by_id[coordinator].can_coordinate):
            notes.append(f"Familie {family.family_id} har valgt {coordinator} som koordinator, men kommunen lader ikke "
                         f"familier vælge en {role_label(register.staff_by_id[coordinator].role).lower()} som "
                         "koordinator (workbench/settings.py); valget bruges ikke.")
            coordinator = None
        if gone:
            notes.append(f"Familie {family.family_id} ønskede {', '.join(gone)} med til møderne, men de er ikke i "
                         "familiens team; de inviteres ikke.")
        families.append(replace(family,
                                meeting_attendees=attendees if chosen.get("attendees") else family.meeting_attendees,
                                preferred_coordinator=coordinator or family.preferred_coordinator))
    return register.replace(families=tuple(families)), notes


def attendance_saving(register: Register, assignments: dict[str, Assignment], meetings) -> dict[str, float]:
    """What the families' own choice of who attends saves: at each team follow-up of a family that has chosen
    (``meeting_attendees``), the team members who would otherwise have come.  Returns the families that chose, the
    person-meetings saved and the hours (each meeting's own length)."""
    families, saved, minutes = set(), 0, 0
    for m in meetings:
        family = register.family_by_id.get(m.family_id)
        if m.person_id or family is None or not family.meeting_attendees:
            continue
        everyone = set(attendees_of(register, assignments.get(m.family_id), m.family_id, family_choice=False))
        spared = len(everyone - set(m.attendees))
        if spared:
            families.add(m.family_id)
            saved += spared
            minutes += spared * (m.end_minute - m.start_minute)
    return {"families": len(families), "person_meetings": saved, "hours": round(minutes / 60, 1)}


def invited_externals(register: Register, meeting: Meeting) -> tuple[ExternalParticipant, ...]:
    """The people from outside the staff invited to this meeting: those the family's register says come to its team
    follow-ups; none at a person's own appointment (a teacher has no place at a jobsamtale). They never constrain
    the plan, so they are looked up here, where the meeting is shown, not when it is planned."""
    if meeting.person_id:
        return ()
    return tuple(p for p in register.externals_by_family.get(meeting.family_id, ()) if p.invited)


CASEWORKER_ROLES = ("familieraadgiver", "handicapraadgiver")
"""Who holds a child's case (Barnets lov): the family caseworker, or for a child with a disability the
disability caseworker."""
ROLES_OF_APPOINTMENT = {"sagsbehandler_barn": CASEWORKER_ROLES, "sagsbehandler_familie": CASEWORKER_ROLES,
                        "jobkonsulent_voksen": ("jobkonsulent",)}


def appointment_attendees(register: Register, assignment: Assignment | None, family_id: str, appointment: str,
                          case_basis: str = "") -> tuple[tuple[str, ...], str]:
    """Who attends a person's appointment: the one professional on the family's team whose role the appointment
    asks for (for a disability case (BL86) the disability caseworker first); else a coordinator with that role.
    Returns the attendees and, if there is nobody, why (Danish)."""
    roles = ROLES_OF_APPOINTMENT.get(appointment, ())
    if "BL86" in case_basis:
        roles = tuple(sorted(roles, key=lambda r: r != "handicapraadgiver"))
    people = list(register.team_staff_ids(family_id))
    if assignment is not None:
        people += [p for p in (assignment.primary_coordinator, assignment.secondary_coordinator) if p]
    for role in roles:
        for person in people:
            staff = register.staff_by_id.get(person)
            if staff is not None and staff.role == role:
                return (person,), ""
    wanted = " eller ".join(role_label(r).lower() for r in roles) or appointment
    return (), f"ingen {wanted} i familiens team"


def meeting_place(register: Register, meeting: Meeting, assignment: Assignment | None = None) -> str:
    """Where a meeting is held: for a person's appointment the professional's own place (the jobcenter), else
    the family's; for a team follow-up the family's place, else the primary coordinator's. Blank if none is
    known (the invitation then says nothing about the place)."""
    family = register.family_by_id.get(meeting.family_id)
    family_place = family.meeting_place if family else ""
    if meeting.person_id:
        return next((register.staff_by_id[p].meeting_place for p in meeting.attendees
                     if p in register.staff_by_id and register.staff_by_id[p].meeting_place), family_place)
    coordinator = assignment.primary_coordinator if assignment else (family.primary_coordinator if family else None)
    coordinator_place = register.staff_by_id[coordinator].meeting_place if coordinator in register.staff_by_id else ""
    return family_place or coordinator_place
