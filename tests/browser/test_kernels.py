"""Leaving a page ends its Python kernel: visiting every page twice leaves no more kernels than open pages."""

from __future__ import annotations

from pathlib import Path

NOTEBOOKS = sorted(p.name for p in (Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"))


def _kernels() -> int:
    """Running Python kernels on this machine (Voilà offers no list of them)."""
    count = 0
    for process in Path("/proc").iterdir():
        try:
            if process.name.isdigit() and b"ipykernel_launcher" in (process / "cmdline").read_bytes():
                count += 1
        except OSError:
            continue
    return count


def test_leaving_a_page_shuts_its_kernel_down(workbench):
    before = _kernels()
    for _ in range(2):
        for notebook in NOTEBOOKS:
            workbench.open(notebook, ".jupyter-widgets")
    workbench.page.goto("about:blank")  # the last page is left too
    workbench.page.wait_for_timeout(5000)  # shutting a kernel down takes a moment
    after = _kernels()
    assert after <= before + 1, (before, after)  # not 2 x 6 = 12 more
