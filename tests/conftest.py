"""Shared fixtures: small synthetic registers and a throwaway store."""

from __future__ import annotations

from datetime import date

import pytest

from workbench.io.register import write_register
from workbench.io.store import Store
from workbench.synth.municipality import MunicipalitySpec, generate_municipality

from tests.helpers import tiny_register  # noqa: F401  (re-exported for tests)


@pytest.fixture(scope="session")
def small_register():
    """A 20-staff, 30-family municipality: big enough to be realistic, quick to plan."""
    return generate_municipality(MunicipalitySpec(n_staff=20, n_families=30, seed=7, start=date(2027, 1, 1)))


@pytest.fixture(scope="session")
def sample_like_register():
    return generate_municipality(MunicipalitySpec())


@pytest.fixture()
def small_data_dir(tmp_path, small_register):
    return write_register(small_register, tmp_path / "data")


@pytest.fixture()
def store(tmp_path):
    return Store(tmp_path / "store.sqlite3")
