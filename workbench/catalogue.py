"""Reference data shipped with the package (editable CSV files in ``workbench/data``)."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import pandas as pd


def data_path(name: str):
    """Path of a data file shipped inside the package."""
    return resources.files("workbench") / "data" / name


@lru_cache(maxsize=None)
def roles() -> dict[str, dict[str, str]]:
    """Role code -> {label_da, department, description_da}."""
    frame = pd.read_csv(data_path("roles.csv"), dtype=str, keep_default_na=False)
    return {row.role: row._asdict() for row in frame.itertuples(index=False)}


def role_label(role: str) -> str:
    return roles().get(role, {}).get("label_da", role)
