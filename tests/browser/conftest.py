"""Real-browser tests: the workbench as a team leader sees it, through `workbench app` (Voilà) and Chromium.

One Voilà server for the whole session, started with the README's own command on a free 127.0.0.1 port,
with the sample data and a throwaway store and output folder; Debian's Chromium driven by playwright
(never a browser download).  Every test here is marked ``browser``: ``pytest -m "not browser"`` skips them.
On CI a missing Chromium or Voilà is a failure, not a skip.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.browser.helpers import CHROMIUM_ARGS, WorkbenchPage, find_browser

ROOT = Path(__file__).resolve().parents[2]
TODAY = "2027-02-10"
"""The app's 'today' in the browser tests (a fixed date inside the sample data's year, see ui.common.today)."""
TOKEN = "browser-test-token-0f3a9c"
"""The app's token in the browser tests (`workbench app` makes a random one unless TVAERS_TOKEN is set)."""


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.slow)


def _unavailable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"browser tests cannot run on CI: {reason}")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serving(home: Path, **env_vars: str):
    """`workbench app` on a free 127.0.0.1 port with its store, output and upload folders in ``home`` (and
    ``env_vars`` on top): yields (base URL, the server's process); stopped with its kernels afterwards."""
    try:
        import voila  # noqa: F401
    except ImportError:
        _unavailable("voila is not installed (pip install -e '.[app]')")
    port = _free_port()
    env = dict(os.environ, TVAERS_DATA=str(ROOT / "sample_data"), TVAERS_DB=str(home / "store.sqlite3"),
               TVAERS_OUT=str(home / "out"), TVAERS_PLAN=str(home / "no-plan"), PYTHONUNBUFFERED="1",
               TVAERS_TODAY=TODAY, TVAERS_TOKEN=TOKEN)
    env.update(env_vars)
    # the kernels run in notebooks/: a relative PYTHONPATH (".") would give them the venv's editable install, which
    # may be another checkout (a git worktree) than the code under test
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *[p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]])
    log = open(home / "server.log", "w")
    server = subprocess.Popen([sys.executable, "-m", "workbench.cli", "app", "--no-browser", "--port", str(port)],
                              cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        if server.poll() is not None:
            log.close()
            pytest.fail(f"workbench app stopped (code {server.returncode}):\n{(home / 'server.log').read_text()}")
        try:
            with urllib.request.urlopen(base + "/", timeout=2) as answer:
                if answer.status == 200:
                    break
        except OSError:
            pass
        if time.monotonic() > deadline:
            server.kill()
            pytest.fail(f"Voilà did not answer within 120 s:\n{(home / 'server.log').read_text()}")
        time.sleep(0.3)
    try:
        yield base, server
    finally:
        server.send_signal(signal.SIGTERM)  # `workbench app` stops Voilà, which shuts its kernels down
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)  # our own session: the app, Voilà and its kernels
            server.wait()
        log.close()


@pytest.fixture(scope="session")
def voila_server(tmp_path_factory):
    """Base URL of `workbench app` serving notebooks/ with sample_data; stopped (with its kernels) afterwards."""
    with serving(tmp_path_factory.mktemp("voila")) as (base, _):
        yield base


@pytest.fixture(scope="session")
def chromium():
    executable = find_browser()
    if executable is None:
        _unavailable("Chromium is not installed (.ci/run installs Debian's package)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=list(CHROMIUM_ARGS))
        yield browser
        browser.close()


@pytest.fixture()
def workbench(chromium, voila_server, tmp_path):
    """A fresh browser tab on the running workbench (Danish locale, Copenhagen time, downloads allowed)."""
    context = chromium.new_context(locale="da-DK", timezone_id="Europe/Copenhagen", accept_downloads=True,
                                   viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    yield WorkbenchPage(page, voila_server, tmp_path, TOKEN)
    context.close()
