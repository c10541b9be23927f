"""The need profile: every family member's domains side by side, by the highest rating per domain."""

from __future__ import annotations

from workbench.io.instrument import domain_labels
from workbench.screening.assessment import Area


def profile_matrix(areas: list[Area]) -> tuple[list[str], list[str], list[list[int | None]]]:
    """(people, domain labels, scores[person][domain]); None where the instrument asks nothing."""
    labels = domain_labels()
    domains = [d for d in labels if any(a.domain == d for a in areas)]
    people = list(dict.fromkeys(a.who for a in areas))
    score = {(a.who, a.domain): a.score for a in areas}
    return people, [labels[d] for d in domains], [[score.get((p, d)) for d in domains] for p in people]
