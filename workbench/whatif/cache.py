"""Cache keys for what-if results: the same base data, edits, horizon and code give the same key.

The key hashes the register's content (not its file path), the scenario, the
options, and the source of the planning and what-if code, so a result computed
before a planner change is never served afterwards.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, fields
from functools import lru_cache
from pathlib import Path
from typing import Any

from workbench.model import Register

CACHE_VERSION = 1


def _plain(value: Any) -> Any:
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=str)
    return str(value)


def register_fingerprint(register: Register) -> str:
    """A hash of every table of the register (order of rows included, ``source`` left out)."""
    digest = hashlib.sha256()
    for f in fields(register):
        if f.name == "source":
            continue
        rows = [asdict(row) for row in getattr(register, f.name)]
        digest.update(f.name.encode())
        digest.update(json.dumps(rows, default=_plain, sort_keys=True, ensure_ascii=False).encode())
    return digest.hexdigest()


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of the planner and what-if sources (results change when they do)."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256(str(CACHE_VERSION).encode())
    for folder in ("scheduling", "whatif", "synth"):
        for path in sorted((root / folder).glob("*.py")):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    for name in ("caseload.py", "settings.py", "workdays.py", "model.py"):
        digest.update((root / name).read_bytes())
    return digest.hexdigest()


LETTERS = "abcdefghijklmnop"


def cache_key(kind: str, *parts: Any) -> str:
    """``kind`` plus a hash of the parts (plain data) and the code.

    Written with letters only: a hex digest can hold ten digits in a row, which the store
    (rightly) refuses as a possible CPR number.
    """
    text = json.dumps(parts, default=_plain, sort_keys=True, ensure_ascii=False)
    digest = hashlib.sha256((text + code_fingerprint()).encode()).hexdigest()[:32]
    return f"{kind}-" + "".join(LETTERS[int(c, 16)] for c in digest)
