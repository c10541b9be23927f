"""The landing page: what the workbench does, the state of data and plans, and the way to each step."""

from __future__ import annotations

import html
from pathlib import Path

import ipywidgets as w

from workbench.io.register import read_register
from workbench.io.store import Store
from workbench.ui.common import STYLE, default_data_dir, guarded, MessageArea

STEPS = (
    ("01_screening.ipynb", "1. Screening", "Vurder en ny families behov og få et forslag til det mindste team af "
                                           "fagpersoner – med en begrundelse for hver."),
    ("02_planlaegning.ipynb", "2. Planlægning", "Fordel koordinatorer og planlæg alle opfølgningsmøder i perioden "
                                                "inden for lovens frister."),
    ("03_hvad_hvis.ipynb", "3. Hvad nu hvis", "Se hvad sygdom, flere familier eller et lavere sagsloft betyder, og "
                                              "hvor mange medarbejdere der skal til."),
    ("04_eksport.ipynb", "4. Eksport", "Kalendere til Outlook, Excel-oversigt, familiens årshjul til udskrift og "
                                       "arbejdsbyrde pr. medarbejder."),
)


def step_cards(folder: Path) -> str:
    """A card per step; steps whose notebook is not installed are shown as 'kommer snart' without a link."""
    cards = []
    for notebook, title, text in STEPS:
        present = (folder / notebook).is_file()
        head = (f'<a class="tvaers-step-link" href="{notebook}" style="color:#0d47a1;text-decoration:none">'
                f'{html.escape(title)} →</a>' if present else f'{html.escape(title)} <small>(kommer snart)</small>')
        cards.append(f'<div class="tvaers-step" style="border:1px solid #cfd8dc;border-radius:6px;padding:10px 14px;'
                     f'margin:6px 0;font-family:sans-serif"><div style="font-size:1.15em;font-weight:bold">{head}</div>'
                     f'<div style="color:#455a64">{html.escape(text)}</div></div>')
    return STYLE + "".join(cards)


class StartPanel:
    """Shows whether the data can be read and how many plans are saved, and links to every step."""

    def __init__(self, folder: Path | None = None, data_path: Path | None = None, store: Store | None = None) -> None:
        self.folder = Path(folder or Path.cwd())
        self.data_path = Path(data_path or default_data_dir())
        self.store = store or Store()
        self.messages = MessageArea()
        self.messages.widget.add_class("tvaers-start-status")
        self.steps = w.HTML(step_cards(self.folder))
        self.refresh_button = w.Button(description="Opdater status", icon="refresh")
        self.refresh_button.add_class("tvaers-start-refresh")
        self.refresh_button.on_click(lambda _: self.refresh())
        self.widget = w.VBox([self.steps, self.messages.widget, self.refresh_button])
        self.widget.add_class("tvaers-start-panel")
        self.refresh()

    @guarded()
    def refresh(self) -> None:
        register, problems = read_register(self.data_path)
        plans = self.store.plans()
        plan_text = (f"{len(plans)} gemte planer (senest: {plans[-1]['label']})." if plans else
                     "Ingen gemte planer endnu – start med Planlægning, eller hent en plan-mappe i Eksport.")
        if register is None:
            errors = sum(p.is_error for p in problems)
            self.messages.show(f"Data i {self.data_path} kan ikke bruges endnu ({errors} fejl). Åbn et af trinene og "
                               f"tryk 'Indlæs data' for at se fejlene med fil, række og kolonne. {plan_text}", "warn")
            return
        self.messages.show(f"Data: {len(register.staff)} medarbejdere og {len(register.families)} familier i "
                           f"{self.data_path}. {plan_text}")
