"""Progress reports and a stop button that reach into a running CP-SAT search."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Callable, TypeVar

T = TypeVar("T")

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

    def check(self) -> None:
        """Raise :class:`Stopped` if the user asked to stop: for work that stops between steps (an export between
        files) and keeps nothing of a stopped run."""
        if self._event.is_set():
            raise Stopped()

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


def run_stoppable(work: Callable[[], T], stop: StopToken, grace_seconds: float = 10.0) -> T:
    """Run ``work`` in a thread so Ctrl+C (or SIGTERM) is handled at once: it stops the running search through
    ``stop`` and raises :class:`Interrupted` - the caller then writes nothing.  The main thread only waits.

    It waits on an event, not on ``Thread.join``: a join interrupted by Ctrl+C can leave the thread marked as
    finished while it still runs (CPython), and leaving with a solver thread running aborts the process."""
    import os
    import signal

    outcome: dict = {}
    done = threading.Event()

    def target() -> None:
        try:
            outcome["value"] = work()
        except BaseException as error:  # handed to the main thread
            outcome["error"] = error
        finally:
            done.set()

    def on_term(signum, frame):
        raise KeyboardInterrupt

    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, on_term) if in_main else None
    threading.Thread(target=target, name="tvaers-work", daemon=True).start()
    try:
        while not done.wait(0.1):
            pass
    except KeyboardInterrupt:
        stop.stop()
        if not done.wait(grace_seconds):  # the search did not stop in time: leave without waiting for it
            os._exit(130)
        raise Interrupted() from None
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


class Stopped(Exception):
    """The user pressed Stop and the work ended without a result (it keeps nothing half-done)."""

    def __init__(self, message: str = "Stoppet.") -> None:
        super().__init__(message)


class Interrupted(Exception):
    """The user pressed Ctrl+C (or the process got SIGTERM) while work was running."""


@contextmanager
def signals_held():
    """Hold Ctrl+C and SIGTERM for the moment a result is being written, then deliver them: the write finishes
    (it is short), and the user's stop still takes effect right after."""
    import signal

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = {sig: signal.signal(sig, lambda signum, frame: caught.append(signum))
                for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if caught:
            raise KeyboardInterrupt
