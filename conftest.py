"""Keep every test run (unit tests, notebooks run by nbmake, the browser's Voilà) out of the user's own store."""

from __future__ import annotations

import os
import tempfile

import pytest


def pytest_configure(config):
    if "TVAERS_DB" not in os.environ:
        folder = tempfile.mkdtemp(prefix="tvaers-test-")
        os.environ["TVAERS_DB"] = os.path.join(folder, "store.sqlite3")


def pytest_collection_modifyitems(items):
    """Notebooks (run whole by nbmake) are slow: ``make test-fast`` (``-m "not slow"``) leaves them out."""
    for item in items:
        if str(item.fspath).endswith(".ipynb"):
            item.add_marker(pytest.mark.slow)
