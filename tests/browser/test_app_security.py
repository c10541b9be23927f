"""`workbench app` is for this computer's user only: a token, local Host and Origin only, nothing from the net."""

from __future__ import annotations

import http.client
import re
import urllib.error
import urllib.request
from urllib.parse import urlparse

from tests.browser.conftest import TOKEN


def _status(url: str, headers: dict[str, str] | None = None) -> int:
    request = urllib.request.Request(url, headers=headers or {})

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=30) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


def test_a_page_without_the_token_is_not_served(voila_server):
    assert _status(f"{voila_server}/voila/render/01_screening.ipynb") == 302  # to the login page
    assert _status(f"{voila_server}/voila/render/01_screening.ipynb?token=forkert") == 302
    assert _status(f"{voila_server}/voila/render/00_start.ipynb?token={TOKEN}") == 200


def test_another_host_name_is_refused_even_with_the_token(voila_server):
    """DNS rebinding: a web page on evil.example that resolves its name to 127.0.0.1 gets nothing."""
    port = urlparse(voila_server).port
    url = f"{voila_server}/voila/render/00_start.ipynb?token={TOKEN}"
    assert _status(url, {"Host": f"evil.example:{port}"}) == 403
    assert _status(url, {"Host": f"localhost:{port}"}) == 200


def _kernel_of_a_rendered_page(voila_server: str) -> str:
    with urllib.request.urlopen(f"{voila_server}/voila/render/00_start.ipynb?token={TOKEN}", timeout=120) as answer:
        return re.search(r'"kernelId": *"([0-9a-f-]{36})"', answer.read().decode("utf-8")).group(1)


def _websocket_status(voila_server: str, path: str, origin: str, host: str | None = None) -> int:
    parsed = urlparse(voila_server)
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
    connection.request("GET", path, headers={
        "Host": host or parsed.netloc, "Origin": origin, "Connection": "Upgrade", "Upgrade": "websocket",
        "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="})
    status = connection.getresponse().status
    connection.close()
    return status


def test_a_websocket_from_another_origin_or_host_is_refused(voila_server):
    kernel = _kernel_of_a_rendered_page(voila_server)
    channels = f"/api/kernels/{kernel}/channels"
    port = urlparse(voila_server).port
    assert _websocket_status(voila_server, channels, f"http://evil.example:{port}") == 403
    assert _websocket_status(voila_server, f"{channels}?token={TOKEN}", f"http://evil.example:{port}",
                             host=f"evil.example:{port}") == 403
    assert _websocket_status(voila_server, f"{channels}?token={TOKEN}", voila_server) == 101  # the page itself


def test_every_asset_comes_from_the_app_itself(workbench):
    """Works offline on a municipal network: no font, script or style from a CDN."""
    requested: list[str] = []
    workbench.page.on("request", lambda request: requested.append(request.url))
    page = workbench.open("00_start.ipynb", ".tvaers-start-panel")
    page.wait_for_text(".tvaers-start-status", "60 medarbejdere og 300 familier")
    outside = [url for url in requested if not url.startswith(workbench.base_url) and not url.startswith("data:")]
    assert outside == []
    assert page.page.locator("button .fa-refresh").count() > 0  # the icons are there without the CDN
    page.click(".tvaers-step-link", text="Eksport")  # the token is remembered from page to page
    page.wait_ready(".tvaers-export-panel")


def test_without_the_key_the_page_says_in_danish_what_to_do(workbench):
    workbench.page.goto(f"{workbench.base_url}/voila/render/00_start.ipynb", timeout=60_000)
    text = workbench.page.inner_text("body")
    assert "Tværs kræver en nøgle" in text and "?token=" in text
    assert "Password" not in text and "Jupyter" not in text
    workbench.page.fill("#password_input", TOKEN)
    workbench.page.click("#login_submit")
    workbench.wait_ready(".tvaers-start-panel")  # the key in the form opens the app too
