"""Prints how long assessment + CP-SAT team proposal take for every family in a register.

    .venv/bin/python benchmarks/screening_team.py [DATA_DIR]
"""

from __future__ import annotations

import statistics
import sys
import time

from workbench.io.register import load_register
from workbench.screening.progress import latest
from workbench.screening.workflow import screen


def main(data: str = "sample_data") -> None:
    register = load_register(data)
    seconds, sizes, gaps, optimal = [], [], 0, 0
    for family in register.families:
        snapshot = latest(register, family.family_id)
        if snapshot is None:
            continue
        started = time.perf_counter()
        outcome = screen(register, family.family_id, snapshot.ratings, snapshot.on)
        seconds.append(time.perf_counter() - started)
        sizes.append(outcome.proposal.contact_count)
        gaps += len(outcome.proposal.unstaffed)
        optimal += outcome.proposal.optimal
    print(f"{len(seconds)} familier screenet fra {data}")
    print(f"tid pr. familie: median {statistics.median(seconds) * 1000:.0f} ms, "
          f"max {max(seconds) * 1000:.0f} ms, i alt {sum(seconds):.1f} s")
    print(f"teamstørrelse (fagpersoner i kontakt): median {statistics.median(sizes):g}, max {max(sizes)}")
    print(f"bevist optimale: {optimal} af {len(seconds)}; behov der ikke kunne bemandes: {gaps}")


if __name__ == "__main__":
    main(*sys.argv[1:])
