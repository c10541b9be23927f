"""``workbench screen`` prints the explained team proposal and fails with a Danish message."""

from __future__ import annotations

from typer.testing import CliRunner

from workbench.cli import app
from workbench.io.store import Store


def test_screen_prints_the_proposal(small_data_dir, small_register, tmp_path, monkeypatch):
    monkeypatch.setenv("TVAERS_DB", str(tmp_path / "cli.sqlite3"))
    family_id = small_register.families[0].family_id
    result = CliRunner().invoke(app, ["screen", "--data", str(small_data_dir), "--family", family_id, "--save"])
    assert result.exit_code == 0, result.output
    assert f"Familie {family_id}" in result.output and "Foreslået team (" in result.output
    assert "Opfølgning: højst" in result.output and "Sagspoint:" in result.output
    assert Store(tmp_path / "cli.sqlite3").get("team_proposal", family_id)["family_id"] == family_id


def test_screen_unknown_family_fails_plainly(small_data_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("TVAERS_DB", str(tmp_path / "cli.sqlite3"))
    result = CliRunner().invoke(app, ["screen", "--data", str(small_data_dir), "--family", "F9999"])
    assert result.exit_code == 2 and "findes ikke" in result.output
    assert "Traceback" not in result.output
