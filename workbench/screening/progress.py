"""A family's screenings over time: each re-screening next to the earlier ones, per domain.

Screenings come from the case register (``screenings.csv``) and from the local
store (screenings saved in the workbench); for the same day, person and item the
saved one wins, since it is the newer word.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Iterable

import pandas as pd

from workbench.model import Register, ScreeningRating
from workbench.io.instrument import domain_labels, item_by_id

if TYPE_CHECKING:  # the store is passed in by the caller
    from workbench.io.store import Store


@dataclass(frozen=True)
class Snapshot:
    """All ratings of one family given on one day."""

    on: date
    by: str
    ratings: tuple[ScreeningRating, ...]

    def domain_scores(self) -> dict[str, int]:
        """Highest rating per domain across the whole family (domain code -> 0-3)."""
        items = item_by_id()
        best: dict[str, int] = {}
        for r in self.ratings:
            if r.item_id in items:
                domain = items[r.item_id].domain
                best[domain] = max(best.get(domain, 0), r.score)
        return best


def history(register: Register | None, family_id: str, store: Store | None = None,
            extra: Iterable[ScreeningRating] = ()) -> list[Snapshot]:
    """Every screening of the family, oldest first (register, then store, then ``extra`` on top)."""
    merged: dict[tuple, ScreeningRating] = {}
    sources = [r for r in (register.screenings if register else ()) if r.family_id == family_id]
    if store is not None:
        sources += store.screenings(family_id)
    sources += [r for r in extra if r.family_id == family_id]
    for r in sources:
        merged[(r.screened_on, r.person_id, r.item_id)] = r
    by_day: dict[date, list[ScreeningRating]] = {}
    for r in merged.values():
        by_day.setdefault(r.screened_on, []).append(r)
    return [Snapshot(day, by_day[day][-1].screened_by, tuple(by_day[day])) for day in sorted(by_day)]


def latest(register: Register | None, family_id: str, store: Store | None = None) -> Snapshot | None:
    snapshots = history(register, family_id, store)
    return snapshots[-1] if snapshots else None


def domain_table(snapshots: list[Snapshot]) -> pd.DataFrame:
    """Rows = domains (Danish labels), columns = screening days, cells = the family's highest rating."""
    labels = domain_labels()
    data = {s.on.isoformat(): {labels[d]: v for d, v in s.domain_scores().items()} for s in snapshots}
    frame = pd.DataFrame(data, index=list(labels.values()))
    return frame.dropna(how="all")


def changes(snapshots: list[Snapshot]) -> list[str]:
    """What moved between the last two screenings, in Danish (better, worse), biggest moves first."""
    if len(snapshots) < 2:
        return []
    labels = domain_labels()
    before, after = snapshots[-2].domain_scores(), snapshots[-1].domain_scores()
    moves = []
    for domain in labels:
        if domain in before and domain in after and before[domain] != after[domain]:
            delta = after[domain] - before[domain]
            word = "bedre" if delta < 0 else "forværret"
            moves.append((abs(delta), f"{labels[domain]}: {before[domain]} → {after[domain]} ({word})"))
    return [text for _, text in sorted(moves, key=lambda m: -m[0])]
