"""Printable pages to PDF with the machine's own headless Chromium (no download, nothing leaves the machine)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--no-pdf-header-footer")


class PdfUnavailable(RuntimeError):
    """No Chromium on this machine, or it failed; the HTML page can still be printed from a browser."""


def find_chromium() -> str | None:
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def html_to_pdf(page: str, target: str | Path, timeout: float = 90.0) -> Path:
    """Print an HTML page (text) to ``target`` as PDF with headless Chromium."""
    browser = find_chromium()
    if browser is None:
        raise PdfUnavailable("Chromium findes ikke på maskinen; åbn HTML-siden i en browser og udskriv den derfra.")
    target = Path(target).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="tvaers-pdf-") as folder:
        source = Path(folder) / "side.html"
        source.write_text(page, "utf-8")
        command = [browser, *FLAGS, f"--user-data-dir={folder}/profil", f"--print-to-pdf={target}",
                   source.as_uri()]
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired as error:
            raise PdfUnavailable(f"Chromium svarede ikke inden for {timeout:.0f} sekunder.") from error
    if result.returncode != 0 or not target.is_file() or target.stat().st_size == 0:
        raise PdfUnavailable(f"Chromium kunne ikke lave PDF'en (kode {result.returncode}).")
    return target
