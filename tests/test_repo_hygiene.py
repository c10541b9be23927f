"""Repository rules that CI enforces: no CPR-like numbers, notebooks without outputs, docs in step with code."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.cpr import CPR_PATTERN, looks_like_cpr
from workbench.io.register import TABLES

ROOT = Path(__file__).resolve().parents[1]
TEXT_SUFFIXES = {".py", ".csv", ".md", ".txt", ".json", ".yaml", ".yml", ".toml", ".ipynb", ".html", ".cfg", "",
                 ".ics", ".svg", ".j2", ".js", ".css", ".sh", ".tsv"}
ALLOWED = {"tests/test_register.py", "tests/test_store.py", "tests/test_repo_hygiene.py", "tests/test_cpr.py",
           "tests/test_hostile_property.py",
           "workbench/cpr.py"}
"""Tests that feed fake CPR numbers in on purpose, to prove they are refused."""


def _tracked_files() -> list[Path]:
    try:
        names = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                               capture_output=True, text=True, check=True).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        names = [str(p.relative_to(ROOT)) for p in ROOT.rglob("*") if p.is_file() and ".venv" not in p.parts]
    return [ROOT / n for n in names if (ROOT / n).is_file()]


def test_no_cpr_like_numbers_in_the_repository():
    offenders = []
    for path in _tracked_files():
        relative = str(path.relative_to(ROOT))
        if path.suffix not in TEXT_SUFFIXES or relative in ALLOWED:
            continue
        text = path.read_text("utf-8", errors="ignore")
        for match in CPR_PATTERN.finditer(text):
            if looks_like_cpr(match.group()):
                offenders.append(f"{relative}: {match.group()}")
    assert offenders == []


@pytest.mark.slow
def test_notebooks_are_committed_without_outputs():
    for path in (ROOT / "notebooks").glob("*.ipynb"):
        notebook = json.loads(path.read_text("utf-8"))
        for cell in notebook["cells"]:
            if cell["cell_type"] == "code":
                assert cell.get("outputs") == [] and cell.get("execution_count") is None, path.name
        result = subprocess.run([sys.executable, "-m", "nbstripout", "--verify", str(path)], capture_output=True, text=True)
        assert result.returncode == 0, f"{path.name} is not stripped: {result.stdout}{result.stderr}"


@pytest.mark.slow
def test_the_stripped_check_catches_a_notebook_with_outputs(tmp_path):
    notebook = {"cells": [{"cell_type": "code", "execution_count": 1, "id": "0", "metadata": {}, "source": ["1"],
                           "outputs": [{"output_type": "execute_result", "execution_count": 1, "metadata": {},
                                        "data": {"text/plain": ["1"]}}]}],
                "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
                "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / "dirty.ipynb"
    path.write_text(json.dumps(notebook), "utf-8")
    result = subprocess.run([sys.executable, "-m", "nbstripout", "--verify", str(path)], capture_output=True, text=True)
    assert result.returncode != 0


def test_notebooks_are_thin():
    for path in (ROOT / "notebooks").glob("*.ipynb"):
        code = [c for c in json.loads(path.read_text("utf-8"))["cells"] if c["cell_type"] == "code"]
        assert 1 <= len(code) <= 5, path.name
        assert all(len("".join(c["source"]).splitlines()) <= 6 for c in code), path.name


def test_readme_documents_every_contract_column():
    readme = (ROOT / "README.md").read_text("utf-8")
    for table in TABLES:
        assert f"`{table.filename}`" in readme, table.filename
        row = next(line for line in readme.splitlines() if line.startswith(f"| `{table.filename}`"))
        for column in table.columns:
            assert re.search(rf"\b{column.name}\b", row), f"{table.filename}: {column.name}"


def test_servers_bind_to_localhost_only():
    for path in _tracked_files():
        if path.suffix in {".py", ".sh", ""} and path.name != "test_repo_hygiene.py":
            text = path.read_text("utf-8", errors="ignore")
            assert "0.0.0.0" not in text, path
