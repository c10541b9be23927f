"""Shared pieces of the Danish widget panels: data location, messages, and never a traceback.

Every panel is a plain object whose widgets tests can drive (set values, call
``.click()``) and whose ``widget`` attribute a notebook displays.
"""

from __future__ import annotations

import functools
import html
import logging
import os
from datetime import date
from pathlib import Path
from typing import Callable

import ipywidgets as w

from workbench.errors import Problem, Refusal
from workbench.io.register import read_register
from workbench.model import Register
from workbench.ui.upload import DataUpload, uploaded_data

log = logging.getLogger("workbench.ui")

STYLE = """
<style>
.tvaers-msg {padding: 6px 10px; border-radius: 4px; margin: 4px 0; font-family: sans-serif;}
.tvaers-ok {background: #e8f5e9; border-left: 4px solid #2e7d32;}
.tvaers-warn {background: #fff8e1; border-left: 4px solid #f9a825;}
.tvaers-error {background: #ffebee; border-left: 4px solid #c62828;}
.tvaers-help {color: #455a64; font-family: sans-serif; font-size: 0.95em;}
.jupyter-widgets.widget-tab {--jp-widgets-horizontal-tab-width: 230px;}  /* whole tab titles, not 'Sammenlign scena' */
</style>
"""


def default_data_dir() -> Path:
    """The data the team leader last uploaded in the browser; else ``TVAERS_DATA`` if set; else the nearest
    ``sample_data`` folder above the working directory."""
    if (uploaded := uploaded_data()) is not None:
        return uploaded
    if os.environ.get("TVAERS_DATA"):
        return Path(os.environ["TVAERS_DATA"])
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "sample_data").is_dir():
            return folder / "sample_data"
    return here / "sample_data"


def today() -> date:
    """Today's date, or ``TVAERS_TODAY`` (ÅÅÅÅ-MM-DD) when set: a fixed date for training and tests."""
    fixed = os.environ.get("TVAERS_TODAY", "").strip()
    if fixed:
        try:
            return date.fromisoformat(fixed)
        except ValueError:
            log.warning("TVAERS_TODAY=%r is not a date; using today's date", fixed)
    return date.today()


def with_classes(widget: w.Widget, *names: str) -> w.Widget:
    """Add stable CSS classes (``tvaers-...``) so browser tests and styles can find a control."""
    for name in names:
        widget.add_class(name)
    return widget


DANISH_SEPARATORS = ",."
"""Plotly's decimal and thousands separators as Danish writes them: 0,5 and 1.716 (plotly's own are 0.5 and 1,716,
seen on the what-if chart's axis as −0.5 and 0.5)."""


def _warm_chart_output() -> None:
    """plotly's output machinery (``plotly.io``, and nbformat with it) is imported on the first figure a page shows:
    about 3 s in which a finished - or stopped - plan seemed to hang.  A page imports it in the background as it
    opens (:func:`warm_charts`)."""
    try:
        import plotly.io  # noqa: F401
        import plotly.io._renderers  # noqa: F401
    except Exception:  # only a head start: show_figure imports it again if this failed
        log.debug("could not import plotly.io ahead of time", exc_info=True)


def warm_charts() -> None:
    """Start importing plotly's output machinery now, off the page's thread (see :func:`_warm_chart_output`)."""
    import threading

    threading.Thread(target=_warm_chart_output, name="tvaers-warm-charts", daemon=True).start()


def show_figure(output: w.Output, *figures) -> None:
    """Put plotly figures in an Output widget as Jupyter's plotly mimetype (works in JupyterLab and Voilà).

    Numbers on axes and in hover texts are written the Danish way (:data:`DANISH_SEPARATORS`).  Sets the widget's
    outputs directly, so it also works from a background thread (where ``with output:``
    capture does not reach the page)."""
    import plotly.io as pio

    shown = []
    for figure in figures:
        spec = figure.to_dict()
        spec.setdefault("layout", {}).setdefault("separators", DANISH_SEPARATORS)
        bundle = pio.renderers["plotly_mimetype"].to_mimebundle(spec)
        bundle["text/plain"] = str(figure.layout.title.text or "Figur")
        shown.append({"output_type": "display_data", "data": bundle, "metadata": {}})
    output.outputs = tuple(shown)


def message_html(text: str, kind: str = "ok") -> str:
    """A coloured Danish message box (kind: ok, warn, error)."""
    return f'{STYLE}<div class="tvaers-msg tvaers-{kind}">{html.escape(text)}</div>'


def help_html(text: str) -> w.HTML:
    """A short explanation shown above a control, in plain Danish."""
    return w.HTML(f'{STYLE}<div class="tvaers-help">{html.escape(text)}</div>')


def problems_html(problems: list[Problem], limit: int = 30) -> str:
    errors = [p for p in problems if p.is_error]
    warnings = [p for p in problems if not p.is_error]
    parts = []
    if errors:
        items = "".join(f"<li>{html.escape(str(p))}</li>" for p in errors[:limit])
        more = f"<li>... og {len(errors) - limit} flere</li>" if len(errors) > limit else ""
        parts.append(f'<div class="tvaers-msg tvaers-error"><b>Data kan ikke bruges ({len(errors)} fejl). '
                     f"Ret filerne og prøv igen:</b><ul>{items}{more}</ul></div>")
    if warnings:
        items = "".join(f"<li>{html.escape(str(p))}</li>" for p in warnings[:limit])
        parts.append(f'<div class="tvaers-msg tvaers-warn"><b>Bemærk:</b><ul>{items}</ul></div>')
    return STYLE + "".join(parts)


def offer_and_pick_first(dropdown: w.Dropdown, options: list, pick: Callable[[object], None]) -> None:
    """New options in a dropdown with the first one picked and shown: ``pick`` runs even when the first option is
    the one already picked (setting the same value again fires no change, and the page would keep stale data)."""
    dropdown.options = options
    if not options:
        return
    if dropdown.value == options[0][1]:
        pick(options[0][1])
    else:
        dropdown.value = options[0][1]


class MessageArea:
    """Where a panel tells the user what happened; tests read ``.text`` and ``.kind``."""

    def __init__(self) -> None:
        self.widget = w.HTML()
        self.text = ""
        self.kind = ""

    def show(self, text: str, kind: str = "ok") -> None:
        self.text, self.kind = text, kind
        self.widget.value = message_html(text, kind)

    def show_html(self, markup: str, text: str, kind: str) -> None:
        self.text, self.kind = text, kind
        self.widget.value = markup

    def clear(self) -> None:
        self.text, self.kind, self.widget.value = "", "", ""


def error_message(error: Exception, failed: str = "Noget gik galt") -> tuple[str, str]:
    """What a page says about an exception, and how (kind): a :class:`Refusal` is the user's to fix and is said as
    it is (a warning); anything else is a short Danish failure message (the traceback goes to the log only)."""
    if isinstance(error, Refusal):
        return str(error), "warn"
    log.error("UI action failed", exc_info=error)
    detail = str(error).strip().rstrip(".") or "ukendt fejl"
    return f"{failed}: {detail}. Prøv igen, eller kontakt den, der har sat værktøjet op.", "error"


def guarded(messages_attr: str = "messages") -> Callable:
    """Decorate a panel callback: any exception becomes a Danish message, never a traceback."""

    def decorate(method: Callable) -> Callable:
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except Exception as error:  # the UI must explain, not crash
                getattr(self, messages_attr).show(*error_message(error))
                return None

        return wrapper

    return decorate


class RegisterLoader:
    """A path field and a button that load and validate a case register, with every problem listed."""

    def __init__(self, on_loaded: Callable[[Register], None] | None = None, path: Path | None = None,
                 on_failed: Callable[[], None] | None = None) -> None:
        warm_charts()  # every page that loads data shows charts after it: start their slow import now
        self.on_loaded = on_loaded
        self.on_failed = on_failed
        """Called when loading fails: the page must stop using the data it had (they are not what is on disk)."""
        self.register: Register | None = None
        self.path = with_classes(w.Text(value=str(path or default_data_dir()), description="Data:",
                                        layout=w.Layout(width="60%"), style={"description_width": "initial"}),
                                 "tvaers-data-path")
        self.button = with_classes(w.Button(description="Indlæs data", button_style="primary", icon="folder-open"),
                                   "tvaers-data-load")
        self.messages = MessageArea()
        self.button.on_click(lambda _: self.load())
        self.upload = DataUpload(self._uploaded, self._refused, self.upload_files)
        self.widget = w.VBox([
            help_html("Upload kommunens Excel-fil (skabelonen fra startsiden) eller CSV-filer – eller skriv mappen "
                      "med filerne og tryk 'Indlæs data'. Alle fejl vises på én gang med fil, række og kolonne."),
            w.HBox([self.upload.widget, self.path, self.button]),
            self.messages.widget,
        ])

    @guarded()
    def upload_files(self, files: list[tuple[str, bytes]]) -> Register | None:
        """Check and keep uploaded files; every page uses them from then on (see workbench.ui.upload)."""
        return self.register if self.upload.receive(files) else None

    def _uploaded(self, path: Path, register: Register, problems: list[Problem]) -> None:
        self.path.value = str(path)
        self._loaded(register, problems, f"Uploadet og gemt: {path.name}. ")

    def _refused(self, problems: list[Problem]) -> None:
        self._failed(problems, "Den uploadede fil er ikke gemt, og siden bruger ingen data, før en fil uden fejl er "
                               "uploadet eller indlæst.")

    def _failed(self, problems: list[Problem], lead: str = "") -> None:
        errors = sum(p.is_error for p in problems)
        markup = (message_html(lead, "error") if lead else "") + problems_html(problems)
        self.messages.show_html(markup, f"{errors} fejl i data. {lead}".strip(), "error")
        self.register = None
        if self.on_failed:
            self.on_failed()

    @guarded()
    def load(self) -> Register | None:
        register, problems = read_register(self.path.value.strip())
        if register is None:
            self._failed(problems)
            return None
        return self._loaded(register, problems)

    def _loaded(self, register: Register, problems: list[Problem], lead: str = "") -> Register:
        self.register = register
        note = f"{lead}Indlæst: {len(register.staff)} medarbejdere og {len(register.families)} familier."
        if problems:
            self.messages.show_html(message_html(note) + problems_html(problems), note, "warn")
        else:
            self.messages.show(note)
        if self.on_loaded:
            self.on_loaded(register)
        return register


PAGES = (("00_start.ipynb", "Start"), ("01_screening.ipynb", "Screening"), ("02_planlaegning.ipynb", "Planlægning"),
         ("03_hvad_hvis.ipynb", "Hvad nu hvis"), ("04_eksport.ipynb", "Eksport"),
         ("05_familieplan.ipynb", "Familiens plan"))
"""Every page of the app, in the order a team leader uses them."""


def page_links(current: str) -> w.HTML:
    """A line of links to the other pages (there were none: only the browser's Back button)."""
    links = " · ".join(
        f"<b>{html.escape(title)}</b>" if notebook == current else
        f'<a class="tvaers-nav-link" href="{notebook}" style="color:#0d47a1">{html.escape(title)}</a>'
        for notebook, title in PAGES)
    return with_classes(w.HTML(f'<nav style="font-family:sans-serif;margin:0 0 8px 0">{links}</nav>'), "tvaers-nav")
