"""Shared panel pieces: loading data shows problems, callbacks never leak tracebacks."""

from __future__ import annotations

import pandas as pd

from workbench.ui.common import MessageArea, RegisterLoader, guarded


def test_loader_loads_and_reports(small_data_dir):
    seen = []
    loader = RegisterLoader(on_loaded=seen.append, path=small_data_dir)
    loader.button.click()
    assert loader.register is not None and seen == [loader.register]
    assert "20 medarbejdere" in loader.messages.text


def test_loader_lists_problems_in_danish(small_data_dir):
    frame = pd.read_csv(small_data_dir / "staff.csv", dtype=str, keep_default_na=False)
    frame.loc[0, "workdays"] = "mandag"
    frame.to_csv(small_data_dir / "staff.csv", index=False)
    loader = RegisterLoader(path=small_data_dir)
    loader.button.click()
    assert loader.register is None and loader.messages.kind == "error"
    assert "staff.csv, række 2, kolonne &#x27;workdays&#x27;" in loader.messages.widget.value


def test_guarded_turns_errors_into_messages():
    class Panel:
        def __init__(self):
            self.messages = MessageArea()

        @guarded()
        def act(self):
            raise ValueError("kaput")

    panel = Panel()
    assert panel.act() is None
    assert panel.messages.kind == "error" and "kaput" in panel.messages.text
    assert "Traceback" not in panel.messages.widget.value
