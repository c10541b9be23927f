"""A solved model's cost is explained from its objective: each soft term's label, value and contribution."""

from __future__ import annotations

from datetime import date

from ortools.sat.python import cp_model

from workbench.scheduling.construct import Booking
from workbench.scheduling.coordinators import CoordinatorModel
from workbench.screening.team import TeamModel
from workbench.soft_terms import explain_objective
from tests.helpers import family, rule, staff, tiny_register
from tests.test_scheduling_models import _chain_model, _exact, _optimal
from tests.test_screening_team import need


def test_the_exact_models_cost_is_the_sum_of_its_named_terms():
    register = tiny_register([staff("C1")], [family("F1", primary="C1", last=date(2027, 2, 26))],
                             rules=[rule(max_days=14, min_days=7)],
                             absences=[("C1", date(2027, 3, 1), date(2027, 3, 19))])  # the first follow-up is late
    model = _exact(register)
    solver = _optimal(model.model)
    parts = explain_objective(model, solver)
    assert [p.label for p in parts] == ["Dage for sent i alt (også for manglende opfølgninger)",
                                        "For sene eller manglende opfølgninger", "Møder i alt"]
    assert sum(p.cost for p in parts) == solver.objective_value
    days, late, meetings = (p.value for p in parts)
    assert late == solver.value(model.late_expression()) >= 1 and days >= late
    assert meetings == sum(solver.boolean_value(s["present"]) for s in model.slots[0])


def test_the_repairs_cost_names_lateness_and_the_announced_times_kept():
    register = tiny_register([staff("C1")], [family("F1", primary="C1", last=date(2027, 2, 26))],
                             rules=[rule(max_days=14, min_days=7)],
                             absences=[("C1", date(2027, 3, 9), date(2027, 3, 19))])
    chains = {0: [Booking(3, 0), Booking(21, 0)]}  # the second is due by 18 March: C1 is away, so it is late
    _, model = _chain_model(register, chains, {(0, 1)})
    model.announced = {0: {21: 0}}
    model.minimize(model.disruption_terms())
    solver = _optimal(model.model)
    parts = {p.label: p for p in explain_objective(model, solver)}
    assert sum(p.cost for p in parts.values()) == solver.objective_value
    assert parts["For sene eller manglende opfølgninger"].value >= 1
    kept = parts["Møder, der beholder deres udmeldte tid"]
    assert kept.weight == -1 and kept.value == 1 and kept.cost == -1  # 22 March 09:00 is as good as any late day
    assert model.read(solver)[(0, 1)] == Booking(21, 0)
    model.minimize(model.lateness_terms())  # the objective can be swapped; the explanation follows it
    assert [t.label for t in model.soft_terms] == ["Dage for sent i alt (også for manglende opfølgninger)",
                                                   "For sene eller manglende opfølgninger"]


def _solved(model):
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_deterministic_time = 10
    assert solver.solve(model.model) == cp_model.OPTIMAL
    return solver


def test_the_coordinator_models_cost_names_the_familys_choice_and_continuity():
    register = tiny_register([staff("C1", points=10.0), staff("C2", points=10.0)],
                             [family("F1", primary="C1", preferred_coordinator="C2"), family("F2", preferred_coordinator="C2")])
    model = CoordinatorModel(register)
    solver = _solved(model)
    parts = {p.label: p for p in explain_objective(model, solver)}
    assert sum(p.cost for p in parts.values()) == solver.objective_value
    assert parts["Familier uden primær koordinator"].value == 0
    assert parts["Koordinatorer, familien beholder"].value == 0  # F1 leaves C1: the family chose C2 (Hedensted)
    assert parts["Familiens eget valg af koordinator"].value == 2  # both families get the coordinator they chose
    assert parts["Familiens eget valg af koordinator"].weight < parts["Koordinatorer, familien beholder"].weight < 0


def test_the_team_proposals_cost_counts_the_people_around_the_family():
    register = tiny_register([staff("P1", "ppr_psykolog", False), staff("P2", "ppr_psykolog", False)],
                             [family("F1")])
    needs = [need("ppr", ["ppr_psykolog"])]
    model = TeamModel(register, register.families[0], needs, date(2027, 3, 1))
    solver = _solved(model)
    parts = {p.label: p for p in explain_objective(model, solver)}
    assert sum(p.cost for p in parts.values()) == round(solver.objective_value)  # a float, for big weights
    assert parts["Behov uden fagperson"].value == 0 and parts["Fagpersoner i kontakt med familien"].value == 1
