"""Progress reports and a stop button that reach into a running CP-SAT search."""

from __future__ import annotations

import threading
from typing import Callable

ProgressCallback = Callable[[float, str], None]
"""Called with the share of the horizon done (0..1) and a short Danish status line."""


class StopToken:
    """Set from the UI thread; the planner checks it between steps and stops a running solve."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._solver = None

    def stop(self) -> None:
        self._event.set()
        with self._lock:
            if self._solver is not None:
                self._solver.stop_search()

    @property
    def stopped(self) -> bool:
        return self._event.is_set()

    def attach(self, solver) -> None:
        with self._lock:
            self._solver = solver
            if self._event.is_set():
                solver.stop_search()

    def detach(self) -> None:
        with self._lock:
            self._solver = None


def no_progress(_share: float, _text: str) -> None:
    return None
