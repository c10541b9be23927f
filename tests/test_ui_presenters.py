"""What the pages show after a run, made by pure functions from a small result: the exact Danish texts."""

from __future__ import annotations

from datetime import date

from workbench.scheduling.check import Breach, CheckReport
from workbench.model import Plan
from workbench.ui.planning import plan_done_message, plan_summary_html
from workbench.ui.whatif import whatif_results_html, whatif_results_message
from workbench.whatif.kpis import HOLDS_DA, ScenarioKpis, ScenarioResult


def _plan(**summary) -> Plan:
    return Plan(date(2027, 1, 1), date(2027, 3, 31), [], [], summary, [])


def test_plan_summary_of_a_plan_that_holds():
    markup = plan_summary_html(_plan(families=2, meetings=5, late_meetings=0, solve_seconds=1.5))
    assert "<h3>Alle opfølgninger holdes inden for fristen.</h3>" in markup
    assert "<tr><td>Familier</td><td>2</td></tr>" in markup
    assert "<tr><td>Møder i perioden</td><td>5</td></tr>" in markup
    assert "<tr><td>Vurdering</td><td>alle frister holder</td></tr>" in markup
    assert "<tr><td>Beregningstid</td><td>1,5 s</td></tr>" in markup


def test_plan_summary_of_a_late_and_stopped_plan():
    markup = plan_summary_html(_plan(families=3, meetings=9, late_meetings=1, max_days_late=4, solve_seconds=2,
                                     reproducible=False))
    assert "<h3>1 opfølgning kan ikke holdes til tiden (højst 4 dage for sent).</h3>" in markup
    assert "<tr><td>Forsinkede opfølgninger</td><td>1</td></tr>" in markup
    assert "<td>2 s (afbrudt: kan ikke gentages præcist)</td>" in markup


def test_plan_done_message_puts_the_check_first():
    assert plan_done_message(CheckReport(), _plan()) == (
        "Planen er færdig og kontrolleret uafhængigt: ingen brud på de faste krav.", "ok")
    assert plan_done_message(CheckReport(), _plan(conflicts=[{}, {}])) == (
        "Planen er færdig og kontrolleret uafhængigt, men 2 fastfrosne møder kan ikke holdes som udmeldt – se "
        "forslagene nedenfor, før planen godkendes.", "warn")
    broken = CheckReport([Breach("dobbeltbooket", "S1 har to møder samtidig")])
    assert plan_done_message(broken, _plan()) == (
        "Planen er færdig, men kontrollen fandt brud: {'dobbeltbooket': 1}", "error")


def _result(name: str, legal_ok: bool, notes=()) -> ScenarioResult:
    kpis = ScenarioKpis(families=30, families_fully_staffed=28, unassigned_families=0, missing_secondary=2,
                        vacant_places=1, meetings=1250, late_meetings=3, avoidable_late=0 if legal_ok else 3,
                        unavoidable_families=1, total_days_late=7, max_days_late=4, over_cap_staff=0,
                        coordinator_load_median=71.25, coordinator_load_max=98.5, peak_week_utilisation=80.0,
                        legal_ok=legal_ok, solver_status="FEASIBLE", seconds=3.0)
    return ScenarioResult(name, "", kpis, notes=list(notes))


def test_whatif_results_side_by_side():
    results = [_result("Nuværende", True), _result("Sygemelding i Nord", False, ["stoppet efter 10 sekunder"])]
    markup = whatif_results_html(results)
    assert "<tr><th></th><th>Nuværende</th><th>Sygemelding i Nord</th></tr>" in markup
    assert ("<tr><td>Familier</td><td style='text-align:right'>30</td><td style='text-align:right'>30</td></tr>"
            in markup)
    assert "<td style='text-align:right'>1.250</td>" in markup and "<td style='text-align:right'>71,25</td>" in markup
    assert "<td style='text-align:right'>ja</td><td style='text-align:right'>nej</td></tr>" in markup
    assert "<li><b>Sygemelding i Nord</b>: stoppet efter 10 sekunder</li>" in markup
    assert whatif_results_message(results) == (f"2 scenarier kørt. Holder i: Nuværende (holder = {HOLDS_DA}).", "ok")
    assert whatif_results_message(results[1:]) == (
        f"1 scenarie kørt. Holder i: ingen (holder = {HOLDS_DA}).", "warn")
    assert whatif_results_message([]) == ("Ingen scenarier blev kørt (stoppet).", "warn")
