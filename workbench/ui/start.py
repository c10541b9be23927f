"""The landing page: what the workbench does, the state of data and plans, and the way to each step."""

from __future__ import annotations

import html
from pathlib import Path

import ipywidgets as w

from workbench.io.register import read_register
from workbench.io.store import Store
from workbench.ui.common import STYLE, MessageArea, default_data_dir, guarded, help_html, problems_html
from workbench.ui.upload import DataUpload, forget_upload, template_link_html, uploaded_data

STEPS = (
    ("01_screening.ipynb", "1. Screening", "Vurder en ny families behov og få et forslag til det mindste team af "
                                           "fagpersoner – med en begrundelse for hver."),
    ("02_planlaegning.ipynb", "2. Planlægning", "Fordel koordinatorer og planlæg alle opfølgningsmøder i perioden "
                                                "inden for lovens frister."),
    ("03_hvad_hvis.ipynb", "3. Hvad nu hvis", "Se hvad sygdom, flere familier eller et lavere sagsloft betyder, og "
                                              "hvor mange medarbejdere der skal til."),
    ("04_eksport.ipynb", "4. Eksport", "Kalendere til Outlook, Excel-oversigt, familiens årshjul til udskrift og "
                                       "arbejdsbyrde pr. medarbejder."),
    ("05_familieplan.ipynb", "5. Familiens plan", "Skriv familiens mål med familiens egne ord, aftaler, barnets "
                                                  "perspektiv og samarbejdskontrakten, og følg op på målene ved hvert "
                                                  "møde. Udskriv planen med årshjulet."),
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


def empty_data_folder(path: Path) -> bool:
    """A data folder with nothing in it to read (a new installation): told to fetch the template, not to look for
    errors.  A path that does not exist is a mistake to show, not an empty start."""
    path = Path(path)
    return path.is_dir() and not any(p.suffix.lower() in (".csv", ".xlsx", ".xlsm") for p in path.iterdir())


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
        self.upload = DataUpload(self._uploaded, self._refused, self.upload_files)
        self.forget_button = w.Button(description="Brug eksempeldata igen", icon="undo", layout=w.Layout(width="auto"),
                                      tooltip="Glem de uploadede data; siderne bruger igen eksempelkommunen")
        self.forget_button.add_class("tvaers-forget-upload")
        self.forget_button.on_click(lambda _: self.forget())
        self.data_box = w.VBox([
            w.HTML("<h3 style='font-family:sans-serif;margin:12px 0 4px 0'>Kommunens egne data</h3>"),
            help_html("Hent skabelonen, udfyld et ark pr. tabel (vejledningen står i første ark), og upload den "
                      "udfyldte fil her. Den kontrolleres først; kun data uden fejl gemmes, og så bruger alle "
                      "siderne dem."),
            w.HTML(template_link_html()),
            w.HBox([self.upload.widget, self.forget_button]),
        ])
        self.widget = w.VBox([self.steps, self.messages.widget, self.refresh_button, self.data_box])
        self.widget.add_class("tvaers-start-panel")
        self.refresh()

    @guarded()
    def upload_files(self, files: list[tuple[str, bytes]]) -> Path | None:
        """Check and keep uploaded files (see workbench.ui.upload); the status line then names them."""
        return self.upload.receive(files)

    def _uploaded(self, path: Path, register, problems) -> None:
        self.data_path = path
        self.refresh()

    def _refused(self, problems) -> None:
        errors = sum(p.is_error for p in problems)
        self.messages.show_html(problems_html(problems), f"{errors} fejl i den uploadede fil – intet er gemt; ret "
                                                         f"filen og upload den igen", "error")

    @guarded()
    def forget(self) -> None:
        """Forget the uploaded data: every page goes back to the data it had before the upload."""
        forget_upload()
        self.data_path = Path(default_data_dir())
        self.refresh()

    @guarded()
    def refresh(self) -> None:
        register, problems = read_register(self.data_path)
        plans = self.store.plans()
        plan_text = (f"{len(plans)} gemte planer (senest: {plans[-1]['label']})." if plans else
                     "Ingen gemte planer endnu – start med Planlægning, eller hent en plan-mappe i Eksport.")
        self.forget_button.disabled = uploaded_data() is None
        if register is None and empty_data_folder(self.data_path):
            self.messages.show("Der er ingen data endnu. Hent Excel-skabelonen under 'Kommunens egne data' herunder, "
                               f"udfyld den, og upload den. {plan_text}", "warn")
            return
        if register is None:
            errors = sum(p.is_error for p in problems)
            self.messages.show(f"Data i {self.data_path} kan ikke bruges endnu ({errors} fejl). Åbn et af trinene og "
                               f"tryk 'Indlæs data' for at se fejlene med fil, række og kolonne. {plan_text}", "warn")
            return
        where = (f"jeres uploadede fil {self.data_path.name}" if self.data_path == uploaded_data() else
                 str(self.data_path))
        self.messages.show(f"Data: {len(register.staff)} medarbejdere og {len(register.families)} familier i "
                           f"{where}. {plan_text}")
