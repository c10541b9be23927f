"""Run every benchmark with its default, modest settings and print their figures (`make benchmark`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
RUNS = [
    ["screening_team.py"],
    ["packing_scale.py", "--sizes", "15x300,50x1000,100x2000", "--single-up-to", "1000"],
]


def main() -> int:
    failed = 0
    for script, *args in RUNS:
        if not (HERE / script).exists():
            continue
        print(f"\n=== {script} {' '.join(args)}", flush=True)
        failed += subprocess.call([sys.executable, str(HERE / script), *args]) != 0
    for extra in sorted(HERE.glob("*.py")):
        if extra.name not in {"run_all.py"} | {run[0] for run in RUNS}:
            print(f"\n=== {extra.name}", flush=True)
            failed += subprocess.call([sys.executable, str(extra)]) != 0
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
