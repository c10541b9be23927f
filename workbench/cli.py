"""Command line: ``workbench plan``, ``validate``, ``check``, ``generate``, ``screen``, ``whatif``, ``staffing``,
``ansaettelse``, ``export``, ``app``.

Every user-facing failure ends in a plain message and exit code 2, never a traceback.
"""

from __future__ import annotations

import signal
import sys


_interrupt_pending = False


def _interrupt_noted(signum, frame) -> None:
    """Ctrl+C while the command is still starting is noted, not raised: an exception raised inside a compiled
    library's import (OR-Tools) turns into "initialization failed" or kills Python with SIGINT after our own
    message.  :func:`_started` acts on it once the imports are done."""
    global _interrupt_pending
    _interrupt_pending = True


_said_interrupted = False


def _say_interrupted(message: str) -> None:
    """A command stopped by Ctrl+C says what became of its work, then exits 130."""
    global _said_interrupted
    _said_interrupted = True
    typer.echo(message, err=True)
    raise typer.Exit(code=130)


if __name__ == "__main__" or sys.argv[0].endswith(("/workbench", "\\workbench.exe")):
    signal.signal(signal.SIGINT, _interrupt_noted)

# the handler above is set before the slow imports below
import json
from datetime import date
from pathlib import Path
from typing import Optional

import typer
from tqdm import tqdm

from workbench.errors import RegisterError
from workbench.hard_rules import HardRule
from workbench.io.register import read_register, write_register
from workbench.io.plan_folder import meetings_frame, write_plan

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Tværs: screening og planlægning af tværfaglige familieforløb.",
)


def _fail(message: str) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(code=2)


def _writable_folder(folder: Path, option: str) -> None:
    """Refuse before any work is done if ``folder`` cannot be written (a file, read-only, no rights)."""
    import os
    import tempfile

    folder = folder.absolute()
    if folder.exists() and not folder.is_dir():
        _fail(f"{option}: {folder} er en fil, ikke en mappe. Vælg en mappe til resultatet.")
    parent = next((p for p in folder.parents if p.exists()), None)
    if parent is None or not parent.is_dir():
        _fail(f"{option}: {folder} kan ikke oprettes (en del af stien er en fil).")
    for probe_in in [parent] + ([folder] if folder.is_dir() else []):  # the plan is written beside, then moved in
        try:
            handle, name = tempfile.mkstemp(prefix=".tvaers-skrivetest-", dir=probe_in)
            os.close(handle)
            os.unlink(name)
        except OSError:
            _fail(f"{option}: der kan ikke skrives i {probe_in}. Vælg en mappe, du har skriveadgang til.")


def _date(text: str, option: str) -> date:
    from workbench.danish import DATE_FORMS_DA, parse_day

    day = parse_day(text)
    if day is None:
        _fail(f"{option}: '{text}' er ikke en dato; skriv {DATE_FORMS_DA}.")
    return day


def _check_period(first: date, last: date) -> None:
    from workbench.workdays import period_problem

    problem = period_problem(first, last)
    if problem:
        _fail(f"--start/--end: {problem}")


def _load(data: Path):
    try:
        register, problems = read_register(data)
    except Exception as error:  # an unreadable file must still end in a message
        _fail(f"{data}: kunne ikke læses ({error}).")
    for problem in problems:
        if not problem.is_error:
            typer.echo(str(problem), err=True)
    if register is None:
        _fail(str(RegisterError(problems)))
    return register


@app.command()
def validate(data: Path = typer.Option(..., "--data", help="Mappe med CSV-filer eller en .xlsx")) -> None:
    """Check a case register and list every problem with file, row and column."""
    register = _load(data)
    typer.echo(f"OK: {len(register.staff)} medarbejdere, {len(register.families)} familier, "
               f"{len(register.team)} teamtilknytninger, {len(register.rules)} opfølgningsregler.")


def _announced_plan(previous: Path, register):
    """The announced plan to continue (``--previous``), and what changed in the register since it was made."""
    from workbench.scheduling.baseline import BaselineError, read_baseline, register_snapshot
    from workbench.scheduling.changes import register_changes

    try:
        baseline = read_baseline(previous)
    except BaselineError as error:
        _fail(str(error))
    if baseline.snapshot is not None:
        changed = register_changes(baseline.snapshot, register_snapshot(register))
        typer.echo(f"Ændret siden den udmeldte plan ({len(changed)}):" if changed else
                   "Registret er uændret siden den udmeldte plan.")
        for line in changed[:30]:
            typer.echo(f"  * {line}")
    return baseline


def _family_choices(register) -> dict:
    """What families chose on their family plan page (who attends, their coordinator), for families in the data."""
    from workbench.io.store import Store

    store = Store()
    choices = {f: c for f, c in store.family_choices().items() if f in register.family_by_id}
    if choices:
        typer.echo(f"{len(choices)} familiers egne valg fra familieplanen bruges (lageret {store.path}; "
                   f"--ignore-accepted lader dem ude).")
    return choices


def _accepted_teams(register) -> tuple:
    """Teams accepted from screenings in the local store, for families still in the register."""
    from workbench.io.store import Store
    from workbench.screening.workflow import accepted_team_changes

    store = Store()
    team_changes = tuple(c for c in accepted_team_changes(store) if c.family_id in register.family_by_id)
    if team_changes:
        typer.echo(f"{len(team_changes)} teams accepteret fra screeninger bruges (lageret {store.path}; "
                   f"--ignore-accepted lader dem ude).")
    return team_changes


def _echo_plan(run, report, out: Path) -> None:
    """The plan in a few lines: counts, status, the independent check, the first 20 messages."""
    from workbench.danish import PLAN_STATUS_DA, count, number
    from workbench.scheduling.repair import OBJECTIVE_DA

    s = run.plan.summary
    typer.echo(
        f"{s['families']} familier, {s['meetings']} møder, {s['late_meetings']} for sent "
        f"(højst {count(s['max_days_late'], 'dag', 'dage')}); {PLAN_STATUS_DA.get(s['solver_status'], s['solver_status'])}; "
        f"{number(s['solve_seconds'])} s. "
        f"Uafhængig kontrol: {'ingen brud' if report.ok else report.kinds()}. Skrevet til {out}/"
    )
    if s["late_meetings"] and "late_bound" in s:
        typer.echo(s["late_bound"]["text"] + f" Af planens forsinkelser kunne {s['late_forced']} ikke undgås, "
                   f"{s['late_not_proven']} kunne måske.")
    typer.echo(OBJECTIVE_DA)
    if run.changes is not None:
        for line in run.changes.lines()[:1]:
            typer.echo(line)
    if s["overdue"]:
        typer.echo(f"{len(s['overdue'])} opfølgninger var allerede overskredet pr. {s['as_of']}.")
    for message in run.plan.messages[:20]:
        typer.echo(f"  - {message}")
    if len(run.plan.messages) > 20:
        typer.echo(f"  ... og {len(run.plan.messages) - 20} flere i summary.json")


@app.command()
def skabelon(
    out: Path = typer.Option(Path("Tværs_skabelon.xlsx"), "--out", help="Filen (eller mappen) at skrive skabelonen til"),
    data: Optional[Path] = typer.Option(None, "--data", help="Udfyld skabelonen med dette register (CSV-mappe eller .xlsx)"),
) -> None:
    """Write the Danish Excel template (Tværs_skabelon.xlsx): a sheet per table with Danish headers and drop-down
    lists; with --data, filled in with that register."""
    from workbench.io.template import TEMPLATE_NAME, write_template

    register = _load(data) if data is not None else None
    target = out / TEMPLATE_NAME if out.is_dir() else out
    if target.suffix.lower() != ".xlsx":
        _fail(f"--out: {out} skal være en .xlsx-fil eller en mappe.")
    _writable_folder(target.parent if str(target.parent) else Path("."), "--out")
    written = write_template(target, register)
    typer.echo(f"Skabelonen er skrevet til {written}" + (f" (udfyldt med {data})." if data else "."))


@app.command()
def plan(
    data: Path = typer.Option(..., "--data", help="Mappe med CSV-filer eller en .xlsx"),
    start: str = typer.Option(..., "--start", help="Første dag i planen (ÅÅÅÅ-MM-DD)"),
    end: str = typer.Option(..., "--end", help="Sidste dag i planen (ÅÅÅÅ-MM-DD)"),
    out: Path = typer.Option(..., "--out", help="Mappe til assignments.csv, meetings.csv og summary.json"),
    time_limit: float = typer.Option(60.0, "--time-limit", min=1.0, help="Sekunder til hele planlægningen"),
    previous: Optional[Path] = typer.Option(None, "--previous",
                                            help="Den udmeldte plan at fortsætte: en planmappe (eller en meetings.csv)"),
    freeze_until: Optional[str] = typer.Option(None, "--freeze-until", help="Udmeldte møder til og med denne dag fastholdes"),
    reoptimize: bool = typer.Option(False, "--reoptimize", help="Genoptimér: flyt flere udmeldte møder, hvis det giver "
                                                               "færre dage for sent"),
    as_of: Optional[str] = typer.Option(None, "--as-of", help="I dag: overskredne frister opgøres pr. denne dag, og "
                                                              "intet nyt lægges før den (standard: --start)"),
    ignore_accepted: bool = typer.Option(False, "--ignore-accepted", help="Brug kun team.csv og families.csv, ikke "
                                                                          "teams accepteret fra screeninger eller "
                                                                          "familiernes valg fra familieplanen"),
    quiet: bool = typer.Option(False, "--quiet", help="Ingen fremdriftslinje"),
) -> None:
    """Assign coordinators and pack every family's follow-up meetings over the horizon; with --previous, continue
    the announced plan (keep coordinators, frozen and announced meetings unless a change forces otherwise)."""
    from workbench.scheduling.baseline import SNAPSHOT_FILE, snapshot_text
    from workbench.scheduling.check import check_continuity, check_plan
    from workbench.scheduling.planner import PlanOptions, make_plan
    from workbench.scheduling.stopping import Interrupted, StopToken, run_stoppable, signals_held

    first, last = _date(start, "--start"), _date(end, "--end")
    _check_period(first, last)
    _writable_folder(out, "--out")
    register = _load(data)
    baseline = _announced_plan(previous, register) if previous is not None else None
    freeze = _date(freeze_until, "--freeze-until") if freeze_until else None
    team_changes = () if ignore_accepted else _accepted_teams(register)
    choices = {} if ignore_accepted else _family_choices(register)
    options = PlanOptions(time_limit=time_limit, baseline=baseline, freeze_until=freeze, reoptimize=reoptimize,
                          as_of=_date(as_of, "--as-of") if as_of else None, team_changes=team_changes,
                          family_choices=choices)
    bar = tqdm(total=100, desc="Planlægger", unit="%", disable=quiet, file=sys.stderr,
               bar_format="{desc}: {percentage:3.0f}%|{bar}| {elapsed}")

    def progress(share: float, text: str) -> None:
        bar.set_description_str(text)
        bar.update(max(0, round(100 * share) - bar.n))

    stop = StopToken()
    try:
        run = run_stoppable(lambda: make_plan(register, first, last, options, progress=progress, stop=stop), stop)
    except Interrupted:
        bar.close()
        _say_interrupted(f"Planlægningen blev afbrudt. Intet er skrevet; {out} er som før.")
    bar.close()
    report = check_plan(register, run.plan, options.hours, options.load)
    if baseline is not None:
        report.breaches += check_continuity(list(baseline.meetings), run.plan, freeze)
    run.plan.summary["independent_check"] = "ok" if report.ok else report.kinds()
    with signals_held():  # a Ctrl+C now lands after the whole folder is written
        write_plan(run.plan, out, extra={SNAPSHOT_FILE: snapshot_text(register)})
    _echo_plan(run, report, out)
    if not report.ok:
        raise typer.Exit(code=1)


@app.command()
def check(
    data: Path = typer.Option(..., "--data", help="Registret planen er lavet ud fra"),
    plan_dir: Path = typer.Option(..., "--plan", help="Mappe med assignments.csv, meetings.csv, summary.json"),
    previous: Optional[Path] = typer.Option(None, "--previous", help="Den udmeldte plan den nye plan fortsætter"),
) -> None:
    """Independently check a written plan for hard-constraint breaches and lateness; with --previous also that
    the frozen meetings of the announced plan are kept (or reported as conflicts)."""
    from workbench.danish import count
    from workbench.io.plan_folder import PlanFolderError, read_plan
    from workbench.scheduling.baseline import BaselineError, read_baseline
    from workbench.scheduling.check import check_continuity, check_plan

    register = _load(data)
    try:
        the_plan = read_plan(plan_dir)
    except PlanFolderError as error:
        _fail(str(error))
    report = check_plan(register, the_plan)
    if previous is not None:
        try:
            baseline = read_baseline(previous)
        except BaselineError as error:
            _fail(str(error))
        freeze = the_plan.summary.get("settings", {}).get("freeze_until") or None
        report.breaches += check_continuity(list(baseline.meetings), the_plan,
                                            date.fromisoformat(freeze) if freeze else None)
    typer.echo(f"{len(the_plan.meetings)} møder kontrolleret: {len(report.breaches)} brud på hårde krav, "
               f"{report.late_meetings} for sene (højst {count(report.max_days_late, 'dag', 'dage')}).")
    for breach in report.breaches[:50]:
        typer.echo(f"  - [{breach.kind}] {breach.family_id or breach.staff_id} {breach.meeting_id}: {breach.message}")
    if not report.ok:
        raise typer.Exit(code=1)


@app.command()
def record(
    plan_dir: Path = typer.Option(..., "--plan", help="Mappe med den udmeldte plan"),
    file: Path = typer.Option(..., "--file", help="CSV med meeting_id,status,held_on[,start] (afholdt/aflyst/flyttet)"),
) -> None:
    """Record what really happened to announced meetings (held, cancelled, moved by hand) in a plan folder; the
    next `workbench plan --previous` continues from it."""
    from workbench.io.plan_folder import PlanFolderError, read_plan
    from workbench.files import write_atomic
    from workbench.scheduling.records import StatusFileError, apply_records, read_status_file

    try:
        the_plan = read_plan(plan_dir)
        records = read_status_file(file)
        updated, lines = apply_records(the_plan, records)
    except PlanFolderError as error:
        _fail(str(error))
    except StatusFileError as error:
        _fail("\n".join(error.problems))
    write_atomic(plan_dir / "meetings.csv", meetings_frame(updated).to_csv(index=False))
    typer.echo(f"{len(records)} møder registreret i {plan_dir}/meetings.csv:")
    for line in lines:
        typer.echo(f"  - {line}")


@app.command()
def generate(
    out: Path = typer.Option(..., "--out", help="Mappe (eller .xlsx) at skrive registret til"),
    families: int = typer.Option(300, "--families", min=1),
    staff: int = typer.Option(60, "--staff", min=13),
    seed: int = typer.Option(2027, "--seed"),
    start: str = typer.Option("2027-01-01", "--start", help="Første dag i det år data laves til"),
) -> None:
    """Write a synthetic municipality (for trying things out; never real people)."""
    from workbench.synth.municipality import MunicipalitySpec, generate_municipality

    register = generate_municipality(MunicipalitySpec(n_staff=staff, n_families=families, seed=seed,
                                                      start=_date(start, "--start")))
    write_register(register, out)
    typer.echo(f"Skrev {len(register.staff)} medarbejdere og {len(register.families)} familier til {out}")


def _horizon(register, start: Optional[str], end: Optional[str], months: int) -> tuple[date, date]:
    """The what-if horizon: given days, else the register's own date and ``months`` ahead."""
    from workbench.whatif.runner import default_horizon

    first = _date(start, "--start") if start else default_horizon(register, months)[0]
    last = _date(end, "--end") if end else _months_after(first, months)
    _check_period(first, last)
    return first, last


def _months_after(first: date, months: int) -> date:
    from datetime import timedelta

    from dateutil.relativedelta import relativedelta

    return first + relativedelta(months=months) - timedelta(days=1)


def _bar(quiet: bool, desc: str):
    bar = tqdm(total=100, desc=desc, unit="%", disable=quiet, file=sys.stderr,
               bar_format="{desc}: {percentage:3.0f}%|{bar}| {elapsed}")

    def progress(share: float, text: str) -> None:
        bar.set_description_str(text[:60])
        bar.update(max(0, round(100 * share) - bar.n))

    return bar, progress


@app.command()
def whatif(
    data: Path = typer.Option(..., "--data", help="Mappe med CSV-filer eller en .xlsx"),
    scenarios: Path = typer.Option(..., "--scenarios", help="YAML-fil med scenarier (se README)"),
    out: Path = typer.Option(..., "--out", help="Mappe til kpis.csv, results.json og rapport.html"),
    start: Optional[str] = typer.Option(None, "--start", help="Første dag (standard: data's egen dato)"),
    end: Optional[str] = typer.Option(None, "--end", help="Sidste dag (standard: tre måneder frem)"),
    months: int = typer.Option(3, "--months", min=1, max=12, help="Længde når --end ikke er givet"),
    time_limit: float = typer.Option(60.0, "--time-limit", min=1.0, help="Sekunder pr. scenarie"),
    no_cache: bool = typer.Option(False, "--no-cache", help="Regn igen, også hvis svaret er gemt"),
    quiet: bool = typer.Option(False, "--quiet", help="Ingen fremdriftslinje"),
) -> None:
    """Run what-if scenarios side by side (the base situation first) and write KPIs and charts."""
    import pandas as pd

    from workbench.io.store import Store
    from workbench.whatif.kpis import HOLDS_DA
    from workbench.whatif.report import report_html
    from workbench.whatif.runner import WhatIfOptions, run_scenarios
    from workbench.whatif.scenario import BASE, ScenarioError, read_scenarios

    _writable_folder(out, "--out")
    register = _load(data)
    try:
        chosen = read_scenarios(scenarios)
    except ScenarioError as error:
        _fail(str(error))
    if all(s.name != BASE.name for s in chosen):
        chosen.insert(0, BASE)
    first, last = _horizon(register, start, end, months)
    bar, progress = _bar(quiet, "Scenarier")
    try:
        results = run_scenarios(register, chosen, first, last, WhatIfOptions(time_limit=time_limit),
                                None if no_cache else Store(), progress)
    except ScenarioError as error:
        bar.close()
        _fail(str(error))
    bar.close()
    from workbench.files import write_folder_atomic
    from workbench.io.safe_cells import inert

    rows = [{"scenarie": r.name, "beskrivelse": r.description, **vars(r.kpis)} for r in results]
    write_folder_atomic(out, {  # all three or none
        "kpis.csv": inert(pd.DataFrame(rows)).to_csv(index=False),
        "results.json": json.dumps([r.to_dict() for r in results], indent=1, ensure_ascii=False, default=str),
        "rapport.html": report_html(results)})
    typer.echo(f"Periode {first:%d.%m.%Y}–{last:%d.%m.%Y}. Skrevet til {out}/ (kpis.csv, results.json, rapport.html)")
    typer.echo(f"Holder = {HOLDS_DA}.")
    for r in results:
        k = r.kpis
        typer.echo(f"  {r.name}: {'holder' if k.legal_ok else 'holder IKKE'}; "
                   f"{k.unassigned_families} uden koordinator, {k.avoidable_late} for sene møder der kunne undgås, "
                   f"{k.over_cap_staff} over {HardRule.CASELOAD_CAP}{' (gemt svar)' if r.cached else ''}")


@app.command()
def staffing(
    data: Path = typer.Option(..., "--data", help="Mappe med CSV-filer eller en .xlsx"),
    families: int = typer.Option(0, "--families", min=0, help="Så mange flere familier"),
    scenarios: Optional[Path] = typer.Option(None, "--scenarios", help="YAML-fil med scenarier"),
    scenario: Optional[str] = typer.Option(None, "--scenario", help="Navnet på scenariet i YAML-filen"),
    roles: Optional[str] = typer.Option(None, "--roles", help="Roller der må ansættes, fx familieraadgiver,ppr_psykolog"),
    start: Optional[str] = typer.Option(None, "--start", help="Første dag (standard: data's egen dato)"),
    end: Optional[str] = typer.Option(None, "--end", help="Sidste dag (standard: tre måneder frem)"),
    months: int = typer.Option(3, "--months", min=1, max=12, help="Længde når --end ikke er givet"),
    time_limit: float = typer.Option(60.0, "--time-limit", min=1.0, help="Sekunder til løseren (og til kontrollen)"),
    max_per_role: int = typer.Option(6, "--max-per-role", min=1, max=50, help="Højst så mange nye pr. rolle"),
    out: Optional[Path] = typer.Option(None, "--out", help="Mappe til staffing.json og den bemandede plan"),
    no_cache: bool = typer.Option(False, "--no-cache", help="Regn igen, også hvis svaret er gemt"),
    quiet: bool = typer.Option(False, "--quiet", help="Ingen fremdriftslinje"),
) -> None:
    """The fewest added staff per role so that every deadline holds (proven where possible). Long only by its
    options: the work is in workbench.whatif.staffing."""
    from workbench import catalogue
    from workbench.danish import number
    from workbench.io.store import Store
    from workbench.whatif.runner import run_staffing
    from workbench.whatif.scenario import BASE, AddFamilies, Scenario, ScenarioError, read_scenarios
    from workbench.whatif.staffing import StaffingOptions

    if out is not None:
        _writable_folder(out, "--out")
    register = _load(data)
    chosen = BASE
    if scenarios is not None:
        try:
            found = {s.name: s for s in read_scenarios(scenarios)}
        except ScenarioError as error:
            _fail(str(error))
        if scenario is None or scenario not in found:
            _fail(f"--scenario: vælg et af {', '.join(found)}.")
        chosen = found[scenario]
    elif scenario is not None:
        _fail("--scenario kræver --scenarios.")
    if families:
        chosen = Scenario(f"{chosen.name} + {families} familier", chosen.edits + (AddFamilies(families),))
    hire = tuple(r.strip() for r in roles.split(",") if r.strip()) if roles else ()
    unknown = [r for r in hire if r not in catalogue.roles()]
    if unknown:
        _fail(f"--roles: ukendt rolle {', '.join(unknown)} (kendte: {', '.join(catalogue.roles())}).")
    first, last = _horizon(register, start, end, months)
    options = StaffingOptions(roles=hire, time_limit=time_limit, plan_time_limit=time_limit, max_per_role=max_per_role)
    bar, progress = _bar(quiet, "Bemanding")
    try:
        result = run_staffing(register, chosen, first, last, options, None if no_cache else Store(), progress)
    except ScenarioError as error:
        bar.close()
        _fail(str(error))
    bar.close()
    typer.echo(f"{chosen.name}, {first:%d.%m.%Y}–{last:%d.%m.%Y}: {result.summary_da()}")
    for bound in result.bounds:
        if bound.hires:
            typer.echo(f"  nedre grænse {bound.label}: {bound.hires} (point {number(bound.points_needed)} behov / "
                       f"{number(bound.points_available)} ledige; møder {bound.meetings_needed} / {bound.meeting_slots} pladser)")
    for message in result.messages[:10]:
        typer.echo(f"  - {message}")
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        (out / "staffing.json").write_text(json.dumps(result.to_dict(), indent=1, ensure_ascii=False, default=str),
                                           "utf-8")
        if result.register is not None:
            write_register(result.register, out / "bemandet_register")
        typer.echo(f"Skrevet til {out}/")
    if not result.feasible:
        raise typer.Exit(code=1)


@app.command()
def ansaettelse(
    data: Path = typer.Option(..., "--data", help="Mappe med CSV-filer eller en .xlsx"),
    roles: Optional[str] = typer.Option(None, "--roles", help="Roller at prøve én ny af, fx oekonomiraadgiver,"
                                                              "familieraadgiver (standard: rollerne ved de forsinkede "
                                                              "opfølgninger)"),
    start: Optional[str] = typer.Option(None, "--start", help="Første dag (standard: data's egen dato)"),
    end: Optional[str] = typer.Option(None, "--end", help="Sidste dag (standard: tre måneder frem)"),
    months: int = typer.Option(3, "--months", min=1, max=12, help="Længde når --end ikke er givet"),
    time_limit: float = typer.Option(60.0, "--time-limit", min=1.0, help="Sekunder pr. plan (én uden og én pr. rolle)"),
    out: Optional[Path] = typer.Option(None, "--out", help="Mappe til ansaettelse.json"),
    quiet: bool = typer.Option(False, "--quiet", help="Ingen fremdriftslinje"),
) -> None:
    """How many late follow-ups (and days) one more colleague of each role removes: the newcomer takes over
    families from the busiest colleagues of the role, and the period is planned again (whatif/marginal.py)."""
    from workbench import catalogue
    from workbench.files import write_atomic
    from workbench.whatif.marginal import marginal_hires

    if out is not None:
        _writable_folder(out, "--out")
    register = _load(data)
    chosen = [r.strip() for r in roles.split(",") if r.strip()] if roles else None
    unknown = [r for r in chosen or [] if r not in catalogue.roles()]
    if unknown:
        _fail(f"--roles: ukendt rolle {', '.join(unknown)} (kendte: {', '.join(catalogue.roles())}).")
    first, last = _horizon(register, start, end, months)
    bar, progress = _bar(quiet, "Ansættelse")
    result = marginal_hires(register, first, last, chosen, time_limit, progress)
    bar.close()
    typer.echo(f"Periode {first:%d.%m.%Y}–{last:%d.%m.%Y}. Uden ny medarbejder: {result.late} forsinkede "
               f"opfølgninger ({result.days_late} dage); {result.unavoidable} af dem kan ikke undgås uanset bemanding.")
    if result.text:
        typer.echo(result.text)
    if result.values:
        typer.echo(f"  {'Én ny':<28} {'overtager':>9}  {'forsinkede før → efter':>22}  {'dage før → efter':>17}")
        for v in result.values:
            typer.echo(f"  {catalogue.role_label(v.role)[:28]:<28} {len(v.handovers):>9}  "
                       f"{f'{v.late_before} → {v.late_after}':>22}  {f'{v.days_before} → {v.days_after}':>17}")
        for v in result.values:
            typer.echo(f"  - {v.text}")
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        write_atomic(out / "ansaettelse.json", json.dumps(result.to_dict(), indent=1, ensure_ascii=False))
        typer.echo(f"Skrevet til {out}/ansaettelse.json")


@app.command()
def screen(
    data: Path = typer.Option(..., "--data", help="Mappe med CSV-filer eller en .xlsx"),
    family: str = typer.Option(..., "--family", help="Familiens id, fx F0001"),
    on: Optional[str] = typer.Option(None, "--on", help="Dato for vurderingen (ÅÅÅÅ-MM-DD); standard er seneste screening"),
    save: bool = typer.Option(False, "--save", help="Gem teamforslaget i den lokale database"),
    accept_from: Optional[str] = typer.Option(None, "--accept-from",
                                              help="Acceptér det foreslåede team fra denne dag (ÅÅÅÅ-MM-DD): næste "
                                                   "plan bruger det i stedet for team.csv"),
) -> None:
    """Propose the smallest team for a family from its latest screening, with every reason in Danish; with
    --accept-from, accept it: the next `workbench plan` uses it from that day."""
    from workbench.io.store import Store
    from workbench.screening.progress import latest
    from workbench.screening.workflow import PROPOSAL_KIND, ScreeningInputError, outcome_json, outcome_lines
    from workbench.screening.workflow import screen as screen_family

    register = _load(data)
    if family not in register.family_by_id:
        _fail(f"Familien '{family}' findes ikke i {data}.")
    store = Store()
    snapshot = latest(register, family, store)
    if snapshot is None:
        _fail(f"Familie {family} er ikke screenet endnu; screen familien i notebooken 01_screening (no screening).")
    day = _date(on, "--on") if on else snapshot.on
    try:
        outcome = screen_family(register, family, snapshot.ratings, day)
    except ScreeningInputError as error:
        _fail(str(error))
    for line in outcome_lines(outcome, register):
        typer.echo(line)
    if save or accept_from:
        store.put(PROPOSAL_KIND, family, outcome_json(outcome))
        typer.echo(f"Teamforslaget er gemt i {store.path}.")
    if accept_from:
        from workbench.screening.workflow import accept_outcome

        first = _date(accept_from, "--accept-from")
        _, lines = accept_outcome(store, outcome, register, first)
        typer.echo(f"Teamet er accepteret fra {first:%d.%m.%Y} og bruges i næste plan: " + "; ".join(lines) + ".")


@app.command()
def export(
    data: Path = typer.Option(..., "--data", help="Registret planen er lavet ud fra"),
    plan_dir: Path = typer.Option(..., "--plan", help="Mappe med assignments.csv, meetings.csv, summary.json"),
    out: Path = typer.Option(..., "--out", help="Mappe til kalendere, Excel, CSV og årshjul"),
    series: Optional[str] = typer.Option(None, "--series", help="Kalenderserie i UID (standard: planens første år)"),
    pdf: Optional[str] = typer.Option(None, "--pdf", help="Familier (kommasepareret, eller 'alle') hvis årshjul også skal være PDF"),
    no_history: bool = typer.Option(False, "--no-history", help="Brug ikke det lokale lager; SEQUENCE udledes af "
                                                                 "de tidligere .ics-filer i --out"),
) -> None:
    """Write Outlook calendars (.ics) per staff member and family, Excel, CSV and a printable årshjul per family."""
    from workbench.export.bundle import export_all
    from workbench.io.plan_folder import PlanFolderError, read_plan
    from workbench.io.store import Store

    _writable_folder(out, "--out")
    register = _load(data)
    try:
        the_plan = read_plan(plan_dir)
    except PlanFolderError as error:
        _fail(str(error))
    families = sorted({a.family_id for a in the_plan.assignments} | {m.family_id for m in the_plan.meetings})
    wanted: list[str] = []
    if pdf:
        wanted = families if pdf.strip().lower() == "alle" else [f.strip() for f in pdf.split(",") if f.strip()]
        unknown = [f for f in wanted if f not in families]
        if unknown:
            _fail(f"--pdf: {', '.join(unknown)} findes ikke i planen.")
    store = None if no_history else Store()
    try:
        report = export_all(the_plan, register, out, store=store, series=series, pdf_families=wanted)
    except OSError as error:
        _fail(f"{out}: kan ikke skrive filerne ({error}).")
    typer.echo(report.text())
    typer.echo(f"Historik for SEQUENCE: {'lokalt lager ' + str(store.path) if store else 'de tidligere filer i ' + str(out / 'kalendere')}.")


def _free_port(preferred: int) -> int:
    import socket

    for port in [preferred] + [0]:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return sock.getsockname()[1]
    return preferred


def _notebooks_folder() -> Path:
    here = Path(__file__).resolve().parent.parent / "notebooks"
    return here if here.is_dir() else Path.cwd() / "notebooks"


def voila_command(folder: Path, port: int) -> list[str]:
    """Voilà serving ``folder`` on 127.0.0.1 only, behind a token, without tracebacks (see workbench.server)."""
    from workbench.server import voila_arguments

    return [sys.executable, "-m", "workbench.server", *voila_arguments(folder, port)]


@app.command(name="app")
def run_app(
    port: int = typer.Option(8866, "--port", help="Port på 127.0.0.1 (en ledig vælges, hvis den er optaget)"),
    data: Optional[Path] = typer.Option(None, "--data", help="Datamappe (standard: sample_data)"),
    notebooks: Optional[Path] = typer.Option(None, "--notebooks", help="Mappe med notesbøgerne"),
    no_browser: bool = typer.Option(False, "--no-browser", help="Åbn ikke browseren"),
) -> None:
    """Start the workbench in the browser (Voilà on 127.0.0.1 only); Ctrl+C stops it.

    Long because the server's whole life is here: the token, the command line, waiting until it answers, and
    ending it (and its kernels) on Ctrl+C."""
    import os
    import secrets
    import signal
    import subprocess
    import time
    import urllib.request
    import webbrowser

    from workbench.server import TOKEN_VARIABLE

    folder = (notebooks or _notebooks_folder()).resolve()
    if not (folder / "00_start.ipynb").is_file():
        _fail(f"Notesbøgerne findes ikke i {folder} (00_start.ipynb mangler). Kør kommandoen fra projektets mappe.")
    env = dict(os.environ)
    if data is not None:
        if not data.exists():
            _fail(f"Datamappen {data} findes ikke.")
        env["TVAERS_DATA"] = str(data.resolve())
    chosen = _free_port(port)
    command = voila_command(folder, chosen)
    token = env.get(TOKEN_VARIABLE) or secrets.token_urlsafe(24)  # a fixed one only for the browser tests
    env[TOKEN_VARIABLE] = token
    address = f"http://127.0.0.1:{chosen}/voila/render/00_start.ipynb?token={token}"

    def stop_on_term(signum, frame):  # a service manager's SIGTERM stops Voilà too, like Ctrl+C
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop_on_term)
    try:
        server = subprocess.Popen(command, env=env, cwd=folder)
    except OSError as error:
        _fail(f"Voilà kunne ikke startes ({error}). Er værktøjet installeret med 'make setup'?")
    try:
        for _ in range(600):
            if server.poll() is not None:
                _fail(f"Voilà stoppede med kode {server.returncode}. Se beskeden ovenfor.")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{chosen}/", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        else:
            _fail("Voilà svarede ikke inden for to minutter. Prøv igen, eller se beskederne ovenfor.")
        typer.echo(f"Tværs kører nu på {address}")
        typer.echo("Åbn adressen i din browser. Den indeholder en nøgle, så del den ikke; kun denne computer kan nå "
                   "værktøjet. Tryk Ctrl+C for at stoppe.")
        if not no_browser:
            webbrowser.open(address)
        server.wait()
    except KeyboardInterrupt:
        typer.echo("Stopper Tværs ...")
    finally:
        if server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()


def _started() -> None:
    """Import the compiled solver library while Ctrl+C is only noted, then stop plainly if it was pressed, and from
    here on let each command handle Ctrl+C itself."""
    signal.signal(signal.SIGINT, _interrupt_noted)
    from ortools.sat.python import cp_model  # noqa: F401  (its import must not be interrupted half-way)

    if _interrupt_pending:
        sys.stderr.write("Kommandoen blev afbrudt, før den gik i gang. Intet er ændret.\n")
        raise SystemExit(130)
    signal.signal(signal.SIGINT, signal.default_int_handler)


def _caused_by_ctrl_c(error: BaseException) -> bool:
    """True when a Ctrl+C surfaced as another error (a library that wraps what interrupted it)."""
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, KeyboardInterrupt):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def _leave_interrupted() -> None:
    """Exit 130 after a Ctrl+C, saying so unless the command already said what became of its work.

    It leaves with ``os._exit`` once everything is unwound (files closed, nothing half-written): Python 3.11
    remembers a Ctrl+C that landed while a module defined a dataclass (``exec`` inside ``dataclasses``) as
    "unhandled" and would end the process by SIGINT instead of our exit code."""
    import os

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # leaving anyway: a second Ctrl+C changes nothing
    if not _said_interrupted:  # typer turns a Ctrl+C into a silent exit 130
        typer.echo("Kommandoen blev afbrudt.", err=True)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(130)


def main() -> None:
    """Console entry: unexpected errors become one plain line (set TVAERS_DEBUG=1 for the traceback)."""
    import os

    from workbench.errors import Refusal

    _started()
    try:
        app(standalone_mode=True)
    except SystemExit as exit:
        if exit.code == 130:
            _leave_interrupted()
        raise
    except KeyboardInterrupt:
        _leave_interrupted()
    except Refusal as error:  # the user's to fix (a CPR number, an impossible choice): plain, exit 2
        typer.echo(str(error), err=True)
        raise SystemExit(2) from None
    except Exception as error:
        if _caused_by_ctrl_c(error):
            _leave_interrupted()
        if os.environ.get("TVAERS_DEBUG"):
            raise
        typer.echo(f"Uventet fejl: {error}. Kør igen med TVAERS_DEBUG=1 for detaljer.", err=True)
        raise SystemExit(3) from None


if __name__ == "__main__":
    main()
