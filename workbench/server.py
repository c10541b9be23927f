"""Voilà as the workbench runs it: 127.0.0.1 only, a token, local Host and Origin only, no CDN, no tracebacks.

`workbench app` starts this module (``python -m workbench.server FOLDER --port N``) with the token in the
environment variable ``TVAERS_TOKEN`` - not on the command line, where other users of the machine could read
it.  Any other Host header than 127.0.0.1 / localhost is refused (a web page cannot reach the app through DNS
rebinding), and so is a websocket from another origin.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

TOKEN_VARIABLE = "TVAERS_TOKEN"
TEMPLATE = "tvaers"
SHARE = Path(__file__).resolve().parent / "app_share"
"""Holds voila/templates/tvaers: Voilà's lab template without the font-awesome links to a CDN."""

TORNADO_SETTINGS = {"allow_remote_access": False, "local_hostnames": ["localhost"], "allow_origin": ""}
"""Jupyter server's own host and origin checks, which Voilà switches off by default (allow_remote_access)."""


def voila_arguments(folder: Path, port: int) -> list[str]:
    """Command-line arguments for Voilà (the token and host settings come from :func:`main`)."""
    return [str(folder), "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1", "--show_tracebacks=False",
            "--Voila.port_retries=0", f"--template={TEMPLATE}",
            # kernels of closed browser tabs are shut down after half an hour; open tabs are never culled
            "--MappingKernelManager.cull_idle_timeout=1800", "--MappingKernelManager.cull_interval=300"]


def _set_xsrf_cookie_before_streaming() -> None:
    """A page that is left shuts its kernel down with a POST that carries the ``_xsrf`` cookie.  Voilà streams
    the page and asks for the token only after the headers are sent, so the cookie never arrived: every page
    left its kernel running (29 kernels, 5.6 GB after 20 minutes).  Ask for it before the page streams."""
    from voila.handler import VoilaHandler

    original = VoilaHandler.prepare

    async def prepare(self, *args, **kwargs):
        result = await original(self, *args, **kwargs)
        if self.current_user:
            self.xsrf_token  # noqa: B018 - reading it sets the cookie
        return result

    VoilaHandler.prepare = prepare


def _danish_login_page(voila_class):
    """Voilà with Tværs's own login page (Danish, no Jupyter help) in front of Jupyter server's templates."""

    class TvaersVoila(voila_class):
        def init_settings(self):
            settings = super().init_settings()
            environment = settings.get("jinja2_env")
            if environment is not None and hasattr(environment.loader, "searchpath"):
                environment.loader.searchpath.insert(0, str(SHARE / "login"))
            return settings

    return TvaersVoila


def main(argv: list[str] | None = None) -> None:
    from traitlets.config import Config
    from voila.app import Voila

    token = os.environ.get(TOKEN_VARIABLE, "")
    if len(token) < 16:
        sys.exit(f"{TOKEN_VARIABLE} mangler eller er for kort; start værktøjet med 'workbench app'.")
    os.environ["JUPYTER_PATH"] = os.pathsep.join(p for p in (str(SHARE), os.environ.get("JUPYTER_PATH", "")) if p)
    _set_xsrf_cookie_before_streaming()
    config = Config()
    config.Voila.token = token
    config.Voila.tornado_settings = dict(TORNADO_SETTINGS)
    _danish_login_page(Voila).launch_instance(argv=sys.argv[1:] if argv is None else argv, config=config)


if __name__ == "__main__":
    main()
