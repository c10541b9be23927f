"""Run scenarios side by side: apply the edits, plan, compute KPIs, cache in the store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Iterable

from dateutil.relativedelta import relativedelta

from workbench.model import Register
from workbench.scheduling.planner import PlanOptions, make_plan
from workbench.scheduling.stopping import ProgressCallback, StopToken, no_progress
from workbench.settings import DEFAULT_LOAD, LoadWeights
from workbench.whatif.cache import cache_key, register_fingerprint
from workbench.whatif.kpis import ScenarioResult, compute_kpis
from workbench.whatif.lateness import unavoidable_lateness
from workbench.whatif.scenario import Scenario, apply_scenario

if TYPE_CHECKING:  # the store is passed in by the caller
    from workbench.io.store import Store
    from workbench.whatif.staffing import StaffingOptions, StaffingResult


@dataclass(frozen=True)
class WhatIfOptions:
    time_limit: float = 60.0
    """Seconds of planning per scenario."""
    load: LoadWeights = DEFAULT_LOAD
    workers: int = 2


def data_date(register: Register) -> date:
    """The day the register describes: the first of the month after its latest follow-up or case start."""
    days = [f.last_followup_date for f in register.families if f.last_followup_date]
    days += [f.case_start_date for f in register.families if f.case_start_date and not f.last_followup_date]
    if not days:
        return date.today()
    latest = max(days)
    return (latest.replace(day=1) + relativedelta(months=1)) if latest.day > 1 else latest


def default_horizon(register: Register, months: int = 3) -> tuple[date, date]:
    """What-if runs look a few months ahead from the register's own date (short enough to answer in minutes)."""
    start = data_date(register)
    return start, start + relativedelta(months=months) - timedelta(days=1)


def scenario_key(base_fingerprint: str, scenario: Scenario, start: date, end: date, options: WhatIfOptions) -> str:
    return cache_key("scenario", base_fingerprint, scenario.to_dict(), start.isoformat(), end.isoformat(),
                     options.time_limit, options.load)


def run_scenario(base: Register, scenario: Scenario, start: date, end: date, options: WhatIfOptions = WhatIfOptions(),
                 store: Store | None = None, progress: ProgressCallback = no_progress, stop: StopToken | None = None,
                 base_fingerprint: str | None = None) -> ScenarioResult:
    """One scenario's KPIs; served from the store when the same question was answered before."""
    key = scenario_key(base_fingerprint or register_fingerprint(base), scenario, start, end, options)
    if store is not None:
        cached = store.get("scenario", key)
        if cached is not None:
            progress(1.0, f"'{scenario.name}' hentet fra tidligere kørsel")
            result = ScenarioResult.from_dict(cached)
            result.cached = True
            return result
    applied = apply_scenario(base, scenario, start, options.load)
    register = applied.register
    unavoidable = unavoidable_lateness(register, start, end)
    run = make_plan(register, start, end, PlanOptions(time_limit=options.time_limit, load=options.load,
                                                      workers=options.workers), progress, stop)
    kpis, tables = compute_kpis(register, run, unavoidable, applied.vacant_places, options.load)
    notes = list(applied.notes)
    if unavoidable:
        families = sorted({u.family_id for u in unavoidable.values()})
        shown = ", ".join(families[:8]) + (" ..." if len(families) > 8 else "")
        notes.append(f"{len(families)} {'familie' if len(families) == 1 else 'familier'} kan ikke nå alle frister "
                     f"uanset bemanding ({shown}); de tæller ikke med i 'kunne undgås'.")
    result = ScenarioResult(scenario.name, scenario.describe(), kpis, tables["caseloads"], tables["weekly"],
                            tables["meetings_per_person"], tables["late"], notes, list(run.plan.messages),
                            (start.isoformat(), end.isoformat()), key)
    stopped = stop is not None and stop.stopped
    if stopped:
        result.notes.insert(0, "Kørslen blev stoppet før tid; tallene dækker kun en del af perioden.")
    elif store is not None:
        store.put("scenario", key, result.to_dict())
        store.log("whatif", {"scenario": scenario.name, "key": key, "legal_ok": kpis.legal_ok})
    return result


def run_scenarios(base: Register, scenarios: Iterable[Scenario], start: date, end: date,
                  options: WhatIfOptions = WhatIfOptions(), store: Store | None = None,
                  progress: ProgressCallback = no_progress, stop: StopToken | None = None) -> list[ScenarioResult]:
    """Every scenario on the same base and horizon, in order; stops between scenarios when asked."""
    scenarios = list(scenarios)
    fingerprint = register_fingerprint(base)
    results = []
    for i, scenario in enumerate(scenarios):
        if stop is not None and stop.stopped:
            break

        def step(share: float, text: str, i=i, name=scenario.name) -> None:
            progress((i + share) / len(scenarios), f"{name}: {text}")

        results.append(run_scenario(base, scenario, start, end, options, store, step, stop, fingerprint))
    progress(1.0, "Stoppet – de scenarier, der nåede at blive færdige, vises" if stop is not None and stop.stopped
             else "Færdig")
    return results


def run_staffing(base: Register, scenario: Scenario, start: date, end: date,
                 options: "StaffingOptions | None" = None, store: Store | None = None,
                 progress: ProgressCallback = no_progress, stop: StopToken | None = None) -> "StaffingResult":
    """Minimal staffing for a scenario (e.g. the base plus 30 families), cached like scenario results."""
    from workbench.whatif.staffing import StaffingOptions, StaffingResult, minimal_staffing

    options = options or StaffingOptions()
    key = cache_key("staffing", register_fingerprint(base), scenario.to_dict(), start.isoformat(), end.isoformat(),
                    options)
    if store is not None:
        cached = store.get("staffing", key)
        if cached is not None:
            progress(1.0, "Hentet fra tidligere beregning")
            result = StaffingResult.from_dict(cached)
            result.cached = True
            return result
    applied = apply_scenario(base, scenario, start, options.load)
    result = minimal_staffing(applied.register, start, end, options, applied.vacant_places, progress, stop)
    result.key = key
    result.messages = list(applied.notes) + result.messages
    if store is not None and not (stop is not None and stop.stopped):
        store.put("staffing", key, result.to_dict())
        store.log("staffing", {"scenario": scenario.name, "key": key, "hires": result.hires})
    return result
