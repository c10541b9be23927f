"""Shared panel pieces: loading data shows problems, callbacks never leak tracebacks."""

from __future__ import annotations

import pandas as pd
import pytest

from workbench.ui.common import MessageArea, RegisterLoader, guarded


def test_loader_loads_and_reports(small_data_dir):
    seen = []
    loader = RegisterLoader(on_loaded=seen.append, path=small_data_dir)
    loader.button.click()
    assert loader.register is not None and seen == [loader.register]
    assert "20 medarbejdere" in loader.messages.text


def test_loader_lists_problems_in_danish(small_data_dir):
    frame = pd.read_csv(small_data_dir / "staff.csv", dtype=str, keep_default_na=False)
    frame.loc[0, "workdays"] = "mandg"  # a typo (mandag, man and mon are all fine)
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


@pytest.mark.slow
def test_every_page_links_to_the_others(store, small_data_dir, tmp_path):
    import re

    from workbench.ui.common import PAGES
    from workbench.ui.export import ExportPanel
    from workbench.ui.planning import PlanningPanel
    from workbench.ui.screening import ScreeningPanel
    from workbench.ui.whatif import WhatIfPanel

    panels = {"01_screening.ipynb": ScreeningPanel(path=small_data_dir, store=store),
              "02_planlaegning.ipynb": PlanningPanel(store=store, data_path=small_data_dir),
              "03_hvad_hvis.ipynb": WhatIfPanel(path=small_data_dir, store=store, background=False),
              "04_eksport.ipynb": ExportPanel(data_path=small_data_dir, store=store, out_folder=tmp_path / "ud")}
    for current, panel in panels.items():
        nav = next(child for child in panel.widget.children if "tvaers-nav" in child._dom_classes)
        linked = set(re.findall(r'href="([^"]+)"', nav.value))
        assert linked == {notebook for notebook, _ in PAGES} - {current}, current


def test_figures_write_numbers_the_danish_way():
    """The what-if chart's axis said −0.5 and 0.5: plotly's separators are English unless the figure says otherwise."""
    import ipywidgets as w
    import plotly.graph_objects as go

    from workbench.ui.common import show_figure

    output = w.Output()
    show_figure(output, go.Figure(go.Bar(x=["a"], y=[0.5])))
    assert output.outputs[0]["data"]["application/vnd.plotly.v1+json"]["layout"]["separators"] == ",."


def test_a_page_that_loads_data_starts_importing_the_chart_output_at_once(monkeypatch, tmp_path):
    """plotly's output machinery took 3 s on the first chart; a page starts that import when it opens."""
    import workbench.ui.common as common

    started = []
    monkeypatch.setattr(common, "warm_charts", lambda: started.append(True))
    common.RegisterLoader(path=tmp_path)
    assert started == [True]
    common._warm_chart_output()  # the import itself works (and is quick once done)
    import sys
    assert "plotly.io._renderers" in sys.modules
