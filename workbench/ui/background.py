"""One way to run a long job on a page: in a thread, with a progress bar, a Stop button and Danish messages.

:class:`BackgroundJob` runs ``work(token)`` in a thread so the page stays alive.  While it runs, the run buttons
are disabled and Stop is enabled; Stop sets the :class:`~workbench.scheduling.stopping.StopToken` the work was
given (a planner stops its search and returns the best result so far; other work calls ``token.check()`` between
steps, which raises :class:`~workbench.scheduling.stopping.Stopped`, and keeps nothing).  Whatever goes wrong
becomes a plain Danish message on the page (:func:`workbench.ui.common.error_message`), never a traceback.

With ``background=False`` the same job runs at once in the caller's thread: tests drive a panel like this and
read the result right after the click.
"""

from __future__ import annotations

import html
import threading
from typing import Callable, Sequence, TypeVar

import ipywidgets as w

from workbench.scheduling.stopping import StopToken, Stopped
from workbench.ui.common import MessageArea, error_message

T = TypeVar("T")

STOPPING = "Stopper …"
STOPPED = "Stoppet"


class BackgroundJob:
    """Runs one long job at a time for a panel (see the module docstring).

    ``progress`` and ``status`` are the bar and the short text that :meth:`report` moves (an ``HTML`` status gets
    the text escaped in a span, a ``Label`` or ``Text`` gets it as it is); ``failed`` starts the message for an
    unexpected error ("Planlægningen mislykkedes: ..."); ``busy`` is said when a second run is asked for while one
    runs."""

    def __init__(self, messages: MessageArea, run_buttons: Sequence[w.Button] = (), stop_button: w.Button | None = None,
                 progress: w.FloatProgress | None = None, status: w.Widget | None = None,
                 failed: str = "Noget gik galt",
                 busy: str = "En beregning kører allerede – vent, eller tryk Stop.",
                 name: str = "tvaers-job") -> None:
        self.messages = messages
        self.run_buttons = list(run_buttons)
        self.stop_button = stop_button
        self.progress = progress
        self.status = status
        self.failed = failed
        self.busy = busy
        self.name = name
        self.thread: threading.Thread | None = None
        self.token: StopToken | None = None
        self.text = ""
        """The status line as last said."""
        self.outcome: str = ""
        """How the last run ended: "" (never run or running), "done", "stopped" or "failed"."""
        self._running = False
        self._lock = threading.Lock()
        if stop_button is not None:
            stop_button.disabled = True

    @property
    def running(self) -> bool:
        return self._running

    # ------------------------------------------------------------------ progress

    def report(self, share: float, text: str) -> None:
        """The progress callback to hand to the work: share done (0..1) and a short Danish status line."""
        if self.progress is not None:
            self.progress.value = max(0.0, min(1.0, float(share)))
        self.say(text)

    def say(self, text: str) -> None:
        self.text = text
        if self.status is None:
            return
        if isinstance(self.status, w.HTML):
            self.status.value = f"<span style='font-family:sans-serif'>{html.escape(text)}</span>" if text else ""
        else:
            self.status.value = text

    # ------------------------------------------------------------------ running

    def start(self, work: Callable[[StopToken], T], done: Callable[[T], None] | None = None,
              background: bool = True) -> bool:
        """Run ``work(token)``, then ``done(result)`` (both in the job's thread).  False, and a warning on the page,
        if a run is already going."""
        with self._lock:
            if self._running:
                self.messages.show(self.busy, "warn")
                return False
            self._running = True
        self.token = token = StopToken()
        self.outcome = ""
        for button in self.run_buttons:
            button.disabled = True
        if self.stop_button is not None:
            self.stop_button.disabled = False
        if background:
            self.thread = threading.Thread(target=self._run, args=(work, done, token), name=self.name, daemon=True)
            self.thread.start()
        else:
            self._run(work, done, token)
        return True

    def _run(self, work: Callable[[StopToken], T], done: Callable[[T], None] | None, token: StopToken) -> None:
        try:
            result = work(token)
            if done is not None:
                done(result)
            self.outcome = "stopped" if token.stopped else "done"
            if token.stopped and self.text == STOPPING:  # the work kept what it had but did not say so
                self.say(STOPPED)
        except Stopped as stopped:  # the work kept nothing: say so
            self.outcome = "stopped"
            self.say(STOPPED)
            self.messages.show(str(stopped), "warn")
        except Exception as error:  # a thread must never die silently, and a page never shows a traceback
            self.outcome = "failed"
            self.messages.show(*error_message(error, self.failed))
        finally:
            for button in self.run_buttons:
                button.disabled = False
            if self.stop_button is not None:
                self.stop_button.disabled = True
            self._running = False

    def stop(self) -> None:
        """Ask the running work to stop (the Stop button)."""
        if self.token is not None and self._running:
            self.token.stop()
            self.say(STOPPING)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until a background run has finished (for tests and scripts); True when it has."""
        thread = self.thread
        if thread is not None:
            thread.join(timeout)
            return not thread.is_alive()
        return True
