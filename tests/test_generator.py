"""The synthetic municipality: valid, deterministic, realistic in shape, obviously fictional."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from workbench.cpr import looks_like_cpr
from workbench.io.register import read_register, register_frames, write_register
from workbench.synth.municipality import SYNTHETIC_SURNAMES, MunicipalitySpec, generate_municipality


def test_same_seed_same_register_other_seed_differs():
    spec = MunicipalitySpec(n_staff=20, n_families=25, seed=3)
    assert generate_municipality(spec) == generate_municipality(spec)
    assert generate_municipality(spec) != generate_municipality(MunicipalitySpec(n_staff=20, n_families=25, seed=4))


@pytest.mark.slow
def test_generated_register_passes_validation(sample_like_register, tmp_path):
    register, problems = read_register(write_register(sample_like_register, tmp_path / "x"))
    assert register == sample_like_register
    assert not [p for p in problems if p.is_error]


def test_shape_of_the_sample_municipality(sample_like_register):
    r = sample_like_register
    roles = Counter(s.role for s in r.staff)
    for role in ("familieraadgiver", "handicapraadgiver", "jobkonsulent", "ppr_psykolog", "sundhedsplejerske",
                 "oekonomiraadgiver", "bostoette", "uu_vejleder"):
        assert roles[role] >= 1, role
    assert len(r.staff) == 60 and len(r.families) == 300
    assert any(len(s.workdays) < 5 for s in r.staff), "part-time staff"
    assert sum(a.reason == "Sommerferie" for a in r.absences) == len(r.staff)
    assert len({f.case_basis for f in r.families}) >= 5, "mixed case bases"
    assert 0 < sum(f.primary_coordinator is None for f in r.families) < len(r.families)
    assert all(s.name.split()[-1] in SYNTHETIC_SURNAMES for s in r.staff)


def test_a_child_whose_case_needs_its_caseworker_has_one_on_the_team(sample_like_register):
    """A børnefaglig undersøgelse or supervision visits need the child's caseworker; no family lacks one."""
    from workbench.attendance import CASEWORKER_ROLES

    r = sample_like_register
    needing = {c.family_id for c in r.cases if c.case_basis in {"BL20", "BL46"}}
    assert len(needing) >= 20
    for family_id in needing:
        family = r.family_by_id[family_id]
        people = {family.primary_coordinator, family.secondary_coordinator, *r.team_staff_ids(family_id)} - {None}
        assert any(r.staff_by_id[p].role in CASEWORKER_ROLES for p in people), family_id


def test_generated_assignments_respect_caseload_limits(sample_like_register):
    from workbench.scheduling.check import check_assignments
    from workbench.model import Assignment, Plan

    r = sample_like_register
    plan = Plan(date(2027, 1, 1), date(2027, 12, 31),
                [Assignment(f.family_id, f.primary_coordinator, f.secondary_coordinator) for f in r.families], [])
    caps = [b for b in check_assignments(r, plan) if b.kind == "sagsloft"]
    assert caps == []


def test_no_cpr_like_text_in_generated_data(sample_like_register):
    for name, frame in register_frames(sample_like_register).items():
        for column in frame.columns:
            assert not frame[column].map(looks_like_cpr).any(), (name, column)


@pytest.mark.slow
def test_larger_municipalities_for_benchmarks():
    r = generate_municipality(MunicipalitySpec(n_staff=100, n_families=600, seed=11))
    assert len(r.staff) == 100 and len(r.families) == 600
