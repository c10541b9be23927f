"""Each constraint of the CP-SAT models bites, and each search step does its job on a case made for it."""

from __future__ import annotations

import random
from datetime import date

import pytest
from ortools.sat.python import cp_model

from workbench.hard_rules import HardRule
from workbench.scheduling.chain_model import ChainModel
from workbench.scheduling.construct import (
    Booking,
    Chain,
    ChainLayer,
    ConstructOptions,
    Ejector,
    SlotBook,
    eject_and_relay,
)
from workbench.scheduling.exact import ExactModel
from workbench.scheduling.instance import build_instance
from workbench.scheduling.negotiate import Negotiator
from workbench.model import Assignment
from workbench.scheduling.repair import Repairer, lateness
from tests.helpers import family, rule, staff, tiny_register

START = date(2027, 3, 1)  # a Monday; 2027-03-26 and 29 are Easter holidays


def _instance(register, end=date(2027, 3, 31)):
    assignments = [Assignment(f.family_id, f.primary_coordinator, f.secondary_coordinator) for f in register.families]
    return build_instance(register, assignments, START, end)


def _optimal(model: cp_model.CpModel) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(model) == cp_model.OPTIMAL
    return solver


# ---------------------------------------------------------------- chain model (the repair's CP-SAT model)


def _chain_model(register, chains, free, disabled=frozenset(), end=date(2027, 3, 31)):
    instance = _instance(register, end)
    book = SlotBook(instance)
    for i, bookings in chains.items():
        for k, b in enumerate(bookings):
            if (i, k) not in free:
                book.book(instance.families[i], b.day, {b.slot})
    return instance, ChainModel(instance, chains, set(free), book, reach=30, disabled=disabled)


def test_chain_one_place_per_meeting_bites():
    register = tiny_register([staff("C1")], [family("F1", primary="C1", last=date(2027, 2, 26))])
    chains = {0: [Booking(8, 0), Booking(17, 0)]}  # the freed meeting is the family's last one
    _, model = _chain_model(register, chains, {(0, 1)})
    model.model.minimize(model.lateness_objective())
    solver = _optimal(model.model)
    assert sum(solver.boolean_value(v) for v in model.x[(0, 1)].values()) == 1
    _, model = _chain_model(register, chains, {(0, 1)}, frozenset({HardRule.ONE_PLACE_PER_MEETING}))
    model.model.maximize(sum(model.x[(0, 1)].values()))  # nothing keeps it to one block any more
    solver = _optimal(model.model)
    assert sum(solver.boolean_value(v) for v in model.x[(0, 1)].values()) != 1


def test_chain_min_interval_bites():
    register = tiny_register([staff("C1")], [family("F1", primary="C1", last=date(2027, 2, 26))],
                             rules=[rule(max_days=14, min_days=7)])
    chains = {0: [Booking(8, 0), Booking(17, 0), Booking(30, 0)]}
    free = {(0, 1), (0, 2)}
    _, model = _chain_model(register, chains, free)
    model.model.minimize(model.day_value((0, 2)) - model.day_value((0, 1)))
    solver = _optimal(model.model)
    assert solver.objective_value >= 7
    _, model = _chain_model(register, chains, free, frozenset({HardRule.MIN_INTERVAL}))
    model.model.minimize(model.day_value((0, 2)) - model.day_value((0, 1)))
    assert _optimal(model.model).objective_value < 7


def test_chain_deadline_bites():
    register = tiny_register([staff("C1")], [family("F1", primary="C1", last=date(2027, 2, 26))],
                             rules=[rule(max_days=14, min_days=7)],
                             absences=[("C1", date(2027, 3, 9), date(2027, 3, 19))])
    chains = {0: [Booking(3, 0), Booking(21, 0)]}  # after 4 March the next one is due by 18 March: C1 is away
    _, model = _chain_model(register, chains, {(0, 1)})
    model.model.minimize(model.lateness_objective())
    assert _optimal(model.model).objective_value > 0
    _, model = _chain_model(register, chains, {(0, 1)}, frozenset({HardRule.DEADLINE}))
    model.model.minimize(model.lateness_objective())
    assert _optimal(model.model).objective_value == 0


def _two_families(cap: int):
    return tiny_register([staff("C1", cap=cap)],
                         [family("F1", primary="C1", last=date(2027, 2, 22)),
                          family("F2", primary="C1", last=date(2027, 2, 22))],
                         rules=[rule(max_days=14, min_days=7)],
                         absences=[("C1", date(2027, 3, 1), date(2027, 3, 4))])


def test_chain_daily_cap_bites():
    chains = {0: [Booking(7, 0), Booking(21, 0)], 1: [Booking(8, 0), Booking(21, 1)]}
    register = _two_families(cap=1)
    _, model = _chain_model(register, chains, {(0, 0), (1, 0)}, end=date(2027, 3, 21))
    model.model.minimize(model.lateness_objective())
    first = model.read(_optimal(model.model))
    assert first[(0, 0)].day != first[(1, 0)].day  # only 5 and 8 March are possible on time; one each
    _, model = _chain_model(register, chains, {(0, 0), (1, 0)}, frozenset({HardRule.DAILY_CAP}), end=date(2027, 3, 21))
    model.model.minimize(1000 * model.lateness_objective() - model.day_value((0, 0)) - model.day_value((1, 0)))
    first = model.read(_optimal(model.model))
    assert first[(0, 0)].day == first[(1, 0)].day == 7


def test_chain_no_double_booking_bites():
    chains = {0: [Booking(7, 0), Booking(21, 0)], 1: [Booking(8, 1), Booking(21, 1)]}
    register = _two_families(cap=3)
    free = {(0, 0), (1, 0)}
    _, model = _chain_model(register, chains, free, end=date(2027, 3, 21))
    model.model.minimize(sum(slot * v for key in free for (day, slot), v in model.x[key].items()))
    first = model.read(_optimal(model.model))
    assert first[(0, 0)] != first[(1, 0)]
    _, model = _chain_model(register, chains, free, frozenset({HardRule.NO_DOUBLE_BOOKING}), end=date(2027, 3, 21))
    model.model.minimize(1000 * model.lateness_objective()
                         + sum(slot * v for key in free for (day, slot), v in model.x[key].items())
                         - sum(model.day_value(key) for key in free))
    first = model.read(_optimal(model.model))
    assert first[(0, 0)] == first[(1, 0)]


# ---------------------------------------------------------------- the exact single model


def _exact(register, disabled=frozenset(), end=date(2027, 3, 31)):
    return ExactModel(_instance(register, end), disabled)


def _present(model, solver, i):
    return [solver.value(s["day"]) for s in model.slots[i] if solver.boolean_value(s["present"])]


def test_exact_meetings_in_order_bites():
    register = tiny_register([staff("C1")], [family("F1", primary="C1", last=date(2027, 2, 26))])
    model = _exact(register)
    solver = _optimal(model.model)
    flags = [solver.boolean_value(s["present"]) for s in model.slots[0]]
    assert flags == sorted(flags, reverse=True)
    for disabled, expected in ((frozenset(), False), (frozenset({HardRule.MEETINGS_IN_ORDER}), True)):
        model = _exact(register, disabled)
        model.model.add(model.slots[0][0]["present"] == 0)
        model.model.maximize(model.slots[0][1]["present"])  # a later slot standing in for the first
        assert _optimal(model.model).boolean_value(model.slots[0][1]["present"]) == expected


@pytest.mark.parametrize("name", [HardRule.MIN_INTERVAL, HardRule.NO_DOUBLE_BOOKING, HardRule.DAILY_CAP,
                                  HardRule.MEETING_HOURS], ids=lambda rule: rule.method)
def test_exact_constraint_bites(name):
    """Pull meetings together with an objective; the constraint must keep them apart."""
    cap = 2 if name == HardRule.NO_DOUBLE_BOOKING else 1  # with a cap of one the daily cap alone would keep them apart
    register = tiny_register([staff("C1", cap=cap)],
                             [family("F1", primary="C1", last=date(2027, 2, 22)),
                              family("F2", primary="C1", last=date(2027, 2, 22))],
                             rules=[rule(max_days=14, min_days=7)])
    for disabled, expect_clash in ((frozenset(), False), (frozenset({name}), True)):
        model = _exact(register, disabled, end=date(2027, 3, 12))
        a, b = model.slots[0], model.slots[1]
        for slot in a[:2] + b[:1]:
            model.model.add(slot["present"] == 1)
        if name == HardRule.MIN_INTERVAL:
            model.model.minimize(a[1]["day"] - a[0]["day"])
            clash = lambda s: s.value(a[1]["day"]) - s.value(a[0]["day"]) < 7  # noqa: E731
        elif name == HardRule.MEETING_HOURS:
            model.model.minimize(a[0]["begin"] - a[0]["day"] * 1440)
            clash = lambda s: s.value(a[0]["begin"]) - s.value(a[0]["day"]) * 1440 < 9 * 60  # noqa: E731
        else:
            model.model.minimize(abs_difference(model.model, a[0]["begin"], b[0]["begin"]))
            if name == HardRule.NO_DOUBLE_BOOKING:
                clash = lambda s: abs(s.value(a[0]["begin"]) - s.value(b[0]["begin"])) < 60  # noqa: E731
            else:
                clash = lambda s: s.value(a[0]["day"]) == s.value(b[0]["day"])  # noqa: E731
        solver = _optimal(model.model)
        assert clash(solver) == expect_clash, (name, disabled)


def abs_difference(model, x, y):
    gap = model.new_int_var(0, 10**7, "gap")
    model.add_abs_equality(gap, x - y)
    return gap


def test_exact_deadline_bites():
    register = tiny_register([staff("C1")], [family("F1", primary="C1", last=date(2027, 2, 26))],
                             rules=[rule(max_days=14, min_days=7)],
                             absences=[("C1", date(2027, 3, 1), date(2027, 3, 19))])
    model = _exact(register)
    assert _optimal(model.model).value(model.late_expression()) >= 1
    model = _exact(register, frozenset({HardRule.DEADLINE}))
    assert _optimal(model.model).value(model.late_expression()) == 0


# ---------------------------------------------------------------- negotiation, booking, ejection, repair


def test_cheapest_chain_keeps_every_gap_legal_with_fewest_meetings():
    register = tiny_register([staff("C1")], [family("F1", primary="C1", last=date(2027, 2, 26))],
                             rules=[rule(max_days=14, min_days=7)])
    instance = _instance(register, end=date(2027, 5, 31))
    days = Negotiator(instance).cheapest_chain(0)
    gaps = [b - a for a, b in zip([instance.families[0].prev_day] + days, days)]
    assert all(7 <= g <= 14 for g in gaps)
    assert days[-1] + 14 >= instance.n_days
    # each meeting reaches at most 14 days further and the last must cover the horizon's end (day 92, from day -3):
    # at least ceil((92 + 3 - 14) / 14) = 6 meetings, and the cheapest chain has no more
    fewest = -(-(instance.n_days - instance.families[0].prev_day - 14) // 14)
    assert (instance.n_days, instance.families[0].prev_day, fewest) == (92, -3, 6)
    assert len(days) == fewest


def test_negotiation_resolves_a_contested_day():
    register = _two_families(cap=1)
    instance = _instance(register, end=date(2027, 3, 21))
    result = Negotiator(instance).run(5)
    assert result.overbooked[-1] == 0
    assert result.days[0][0] != result.days[1][0]


def test_negotiation_takes_the_least_lateness_when_absences_force_it():
    register = tiny_register([staff("C1")], [family("F1", primary="C1", last=date(2027, 2, 26))],
                             rules=[rule(max_days=14, min_days=7)],
                             absences=[("C1", date(2027, 3, 1), date(2027, 3, 19))])
    instance = _instance(register)
    days = Negotiator(instance).cheapest_chain(0)
    assert days[0] == 21  # the first day back (Monday 22 March = day 21), 9 days late


def test_depth_first_laying_backtracks():
    # the latest day of the first band leads into an absence; the layer must step back and take an earlier one
    register = tiny_register([staff("C1")], [family("F1", primary="C1", last=date(2027, 2, 26))],
                             rules=[rule(max_days=14, min_days=10)],
                             absences=[("C1", date(2027, 3, 18), date(2027, 3, 23))])
    instance = _instance(register)
    layer = ChainLayer(instance, SlotBook(instance), ConstructOptions())
    chain = layer.lay_on_time(0)
    assert chain is not None and chain.on_time
    prev = instance.families[0].prev_day
    for booking in chain.bookings:
        assert 10 <= booking.day - prev <= 14
        prev = booking.day


def test_ejection_makes_room():
    # F1 can only meet on 5 March (C1 away the rest of its band); F2 took that day but could move
    register = tiny_register([staff("C1", cap=1), staff("C2", cap=1)],
                             [family("F1", primary="C1", last=date(2027, 2, 19)),
                              family("F2", primary="C2", last=date(2027, 2, 22))],
                             rules=[rule(max_days=14, min_days=7)],
                             team=[("F1", "C2", "ppr_psykolog")],
                             absences=[("C1", date(2027, 3, 1), date(2027, 3, 4))])
    instance = _instance(register, end=date(2027, 3, 15))
    book = SlotBook(instance)
    layer = ChainLayer(instance, book, ConstructOptions())
    f2 = Chain([Booking(4, 0)])
    book.book(instance.families[1], 4, {0})
    book.book(instance.families[1], 4, {1, 2, 3})  # F2's person is full that day
    chains = {1: f2}
    assert layer.lay_on_time(0) is None
    book.release(instance.families[1], 4, {1, 2, 3})
    chains[0] = layer.lay_with_lateness(0)
    ejector = Ejector(layer, chains, random.Random(1), set())
    old = ejector.take_out(0)
    assert ejector.try_place(0, 2) and old.on_time is False
    assert ejector.chains[0].bookings[0].day == 4 and ejector.chains[1].bookings[0].day != 4


def _book_all(instance, book: SlotBook, chains_by_family: dict[int, list[Booking]]) -> dict[int, Chain]:
    """Put hand-made bookings into the book; returns them as chains."""
    chains = {}
    for i, bookings in chains_by_family.items():
        for b in bookings:
            book.book(instance.families[i], b.day, {b.slot})
        chains[i] = Chain(list(bookings))
    return chains


def test_ejection_frees_a_block_the_whole_team_shares():
    # F1 (C1 and C2) can only meet on 5 March (day 4). Neither is at their cap that day, but C1 and C2 are each busy
    # in both blocks (180-minute meetings: two blocks a day): taking out one family frees no common block;
    # taking out both holders of one block does.
    long = rule(max_days=14, min_days=7, minutes=180)
    wide = rule(case_basis="S", max_days=30, min_days=7, minutes=180)
    others = [family(f, basis=("S",), primary=c, last=date(2027, 2, 22))
              for f, c in (("F2", "C1"), ("F3", "C2"), ("F4", "C2"), ("F5", "C1"))]
    register = tiny_register([staff("C1"), staff("C2")],
                             [family("F1", primary="C1", last=date(2027, 2, 19))] + others,
                             rules=[long, wide], team=[("F1", "C2", "ppr_psykolog")],
                             absences=[("C1", date(2027, 3, 1), date(2027, 3, 4)),
                                       ("C1", date(2027, 3, 8), date(2027, 3, 18))])
    instance = _instance(register)
    assert instance.families[0].viable_days & set(range(0, 5)) == {4}
    layer = ChainLayer(instance, SlotBook(instance), ConstructOptions())
    chains = _book_all(instance, layer.book, {1: [Booking(4, 0)], 3: [Booking(4, 0)], 2: [Booking(4, 1)],
                                        4: [Booking(4, 1)]})
    assert layer.lay_on_time(0) is None
    chains[0] = layer.lay_with_lateness(0)
    assert not chains[0].on_time
    still_late = eject_and_relay(layer, chains, [0], 5.0, random.Random(1))
    assert still_late == [] and chains[0].on_time and chains[0].bookings[0].day == 4
    assert all(chain.on_time for chain in chains.values())


def test_ejection_works_on_the_band_where_no_viable_day_is_free():
    # F1's first band (1-5 March) has free days, but only 5 March (day 4) keeps the next meeting on time (C1 is
    # away 8-18 March); F2 holds C1's only meeting that day. The trouble is in the first band, not where the
    # depth-first laying ran out of days (the second band, all absence).
    register = tiny_register([staff("C1", cap=1)],
                             [family("F1", primary="C1", last=date(2027, 2, 19)),
                              family("F2", basis=("S",), primary="C1", last=date(2027, 2, 22))],
                             rules=[rule(max_days=14, min_days=7), rule(case_basis="S", max_days=30, min_days=7)],
                             absences=[("C1", date(2027, 3, 8), date(2027, 3, 18))])
    instance = _instance(register)
    assert instance.families[0].viable_days & set(range(0, 5)) == {4}
    layer = ChainLayer(instance, SlotBook(instance), ConstructOptions())
    chains = _book_all(instance, layer.book, {1: [Booking(4, 0)]})
    assert layer.lay_on_time(0) is None
    assert layer.stuck[0] == (-3, 4)  # the first band, where no viable day was free
    chains[0] = layer.lay_with_lateness(0)
    assert eject_and_relay(layer, chains, [0], 5.0, random.Random(1)) == []
    assert chains[0].bookings[0].day == 4 and chains[1].bookings[0].day != 4 and chains[1].on_time


def test_repair_brings_a_very_late_meeting_back_into_its_band():
    # F1's first follow-up was due by 28 March (day 27) but sits on 15 April (day 45), and C1 is away from Easter
    # Monday to 14 April: the only better days lie further back than a freed meeting normally moves
    # (RepairOptions.reach, 14 days), so no small step helps
    register = tiny_register([staff("C1")], [family("F1", primary="C1", last=date(2027, 2, 26))],
                             rules=[rule(max_days=30, min_days=7)],
                             absences=[("C1", date(2027, 3, 29), date(2027, 4, 14))])
    instance = _instance(register, end=date(2027, 5, 19))
    book = SlotBook(instance)
    chains = {0: [Booking(45, 0), Booking(52, 0)]}
    _book_all(instance, book, chains)
    assert lateness(instance, chains) == [(0, 0, 18)]
    ticks = []
    stats = Repairer(instance, chains, book, on_attempt=lambda: ticks.append(1)).run(5)
    assert lateness(instance, chains) == []
    assert len(ticks) == stats.attempts >= 1  # the page's progress hears each attempt


def test_repair_fixes_a_late_meeting_by_moving_a_neighbour():
    register = _two_families(cap=1)
    instance = _instance(register, end=date(2027, 3, 21))
    book = SlotBook(instance)
    chains = {0: [Booking(7, 0), Booking(21, 0)], 1: [Booking(8, 0), Booking(22, 0)]}
    # F2 sits on 8 March, F1 on 5 March would be on time, but F1 was put late on 12 March
    chains[0][0] = Booking(11, 0)
    _book_all(instance, book, chains)
    before = lateness(instance, chains)
    assert before
    Repairer(instance, chains, book).run(5)
    assert lateness(instance, chains) == []


def test_ejection_keeps_the_book_consistent_under_many_attempts():
    """Whatever ejection chains try and undo, the book must equal what the chains hold: no block twice."""
    from workbench.scheduling.construct import difficulty_order, eject_and_relay
    from workbench.synth.planted import PlantedSpec, generate_planted

    planted = generate_planted(PlantedSpec(n_staff=14, n_families=120, seed=3))
    instance = build_instance(planted.register, planted.planted.assignments, planted.start, planted.end)
    book = SlotBook(instance)
    layer = ChainLayer(instance, book, ConstructOptions(backtrack_budget=20))
    chains, late = {}, []
    for i in difficulty_order(instance, seed=9):  # a poor order with a small budget leaves families late
        chain = layer.lay_on_time(i)
        if chain is None:
            chain = layer.lay_with_lateness(i)
            late.append(i)
        chains[i] = chain
    assert late, "the test needs late families to eject for"
    eject_and_relay(layer, chains, late, 5.0, random.Random(2))
    expected: dict = {}
    for i, chain in chains.items():
        for booking in chain.bookings:
            for person in instance.families[i].attendees:
                assert not expected.get((person, booking.day), 0) >> booking.slot & 1, "block booked twice"
                expected[(person, booking.day)] = expected.get((person, booking.day), 0) | 1 << booking.slot
    assert {k: v for k, v in book.busy.items() if v} == expected
    assert all(bin(v).count("1") <= instance.staff_cap[p] for (p, _), v in expected.items())
