"""Team size per family on a register: the models want the fewest professionals in contact with the family.

Screens every family with its latest screening (as ``workbench screen`` does) and prints the median, mean and
largest number of professionals in contact (the proposed team, coordinators included) over the families that get
a team, and how many get none because they are outside the target group.

    PYTHONPATH=. .venv/bin/python benchmarks/team_sizes.py [DATA_DIR]
"""

from __future__ import annotations

import statistics
import sys
from collections import Counter

from workbench.io.register import read_register
from workbench.screening.progress import latest
from workbench.screening.workflow import screen

CASEWORKER_ROLES = ("familieraadgiver", "handicapraadgiver")
CHILD_CASES = {"BL20", "BL32", "BL46", "BL86"}


def main(data: str = "sample_data") -> None:
    register, problems = read_register(data)
    if register is None:
        raise SystemExit(f"{data} kan ikke læses: {len(problems)} problemer")
    sizes, outside, unscreened = [], 0, 0
    authority_without_case = 0
    roles = Counter()
    for family in register.families:
        snapshot = latest(register, family.family_id)
        if snapshot is None:
            unscreened += 1
            continue
        outcome = screen(register, family.family_id, snapshot.ratings, snapshot.on)
        proposal = outcome.proposal
        if getattr(proposal, "outside_target_group", ""):
            outside += 1
            continue
        sizes.append(proposal.contact_count)
        roles.update(m.role for m in proposal.members)
        bases = set(outcome.assessment.case_basis)
        if not bases & CHILD_CASES and any(m.role in CASEWORKER_ROLES for m in proposal.members):
            authority_without_case += 1
    print(f"{data}: {len(sizes)} familier med et teamforslag, {outside} uden for målgruppen, "
          f"{unscreened} uden screening")
    print(f"teamstørrelse (fagpersoner i kontakt med familien): median {statistics.median(sizes):g}, "
          f"gennemsnit {statistics.mean(sizes):.2f}, max {max(sizes)}")
    print(f"familier uden børnesag med en myndighedsrådgiver i teamet: {authority_without_case}")
    print("roller i forslagene: " + ", ".join(f"{role} {n}" for role, n in roles.most_common()))


if __name__ == "__main__":
    main(*sys.argv[1:])
