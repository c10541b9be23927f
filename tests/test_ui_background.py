"""BackgroundJob, the one way a page runs long work: result, Danish failure messages, Stop, one run at a time."""

from __future__ import annotations

import threading

import ipywidgets as w

from workbench.errors import Refusal
from workbench.ui.background import BackgroundJob
from workbench.ui.common import MessageArea


def _job(**kwargs) -> BackgroundJob:
    return BackgroundJob(MessageArea(), [w.Button(description="Kør")], w.Button(description="Stop"),
                         w.FloatProgress(min=0, max=1), w.Label(), **kwargs)


def test_a_job_runs_and_hands_its_result_on():
    job = _job()
    seen = {}

    def work(token):
        seen["during"] = (job.run_buttons[0].disabled, job.stop_button.disabled, job.running)
        job.report(0.5, "Halvvejs")
        return 42

    assert job.start(work, lambda result: seen.setdefault("result", result), background=False)
    assert seen == {"during": (True, False, True), "result": 42}
    assert job.outcome == "done" and not job.running
    assert not job.run_buttons[0].disabled and job.stop_button.disabled
    assert job.progress.value == 0.5 and job.status.value == "Halvvejs"


def test_an_error_becomes_a_short_danish_message_without_traceback():
    job = _job(failed="Planlægningen mislykkedes")

    def broken(token):
        raise ValueError("kaput.")

    job.start(broken, background=False)
    assert job.outcome == "failed" and job.messages.kind == "error"
    assert job.messages.text == ("Planlægningen mislykkedes: kaput. Prøv igen, eller kontakt den, der har sat "
                                 "værktøjet op.")
    assert "Traceback" not in job.messages.widget.value
    assert not job.run_buttons[0].disabled and job.stop_button.disabled

    def refused(token):
        raise Refusal("Vælg en periode på højst et år.")

    job.start(refused, background=False)
    assert job.messages.kind == "warn" and job.messages.text == "Vælg en periode på højst et år."


def test_an_error_in_the_background_reaches_the_page():
    job = _job()
    job.start(lambda token: {}["mangler"])
    assert job.wait(30)
    assert job.messages.kind == "error" and job.messages.text.startswith("Noget gik galt: 'mangler'.")


def test_stop_asks_the_work_to_stop_and_the_page_says_stoppet():
    job = _job()
    started = threading.Event()

    def patient(token):
        started.set()
        for _ in range(600):
            if token.stopped:
                return "bedste indtil nu"
            threading.Event().wait(0.05)
        return "færdig"

    results = []
    job.start(patient, results.append)
    assert started.wait(10) and not job.stop_button.disabled
    assert not job.start(patient)  # one run at a time
    assert job.messages.kind == "warn" and "kører allerede" in job.messages.text
    job.stop_button.on_click(lambda _: job.stop())
    job.stop_button.click()
    assert job.wait(30)
    assert results == ["bedste indtil nu"] and job.outcome == "stopped"
    assert job.status.value == "Stoppet" and not job.run_buttons[0].disabled and job.stop_button.disabled


def test_work_that_keeps_nothing_when_stopped_says_so():
    job = _job()

    def steps(token):
        job.report(0.25, "Trin 1 af 4")
        job.stop()  # as if the user pressed Stop after the first step
        token.check()
        return "færdig"

    done = []
    job.start(steps, done.append, background=False)
    assert done == [] and job.outcome == "stopped"
    assert job.messages.kind == "warn" and job.messages.text == "Stoppet."
    assert job.status.value == "Stoppet" and job.progress.value == 0.25


def test_an_html_status_is_escaped():
    job = BackgroundJob(MessageArea(), status=w.HTML())
    job.report(2.0, "<b>A & B</b>")
    assert job.status.value == "<span style='font-family:sans-serif'>&lt;b&gt;A &amp; B&lt;/b&gt;</span>"
