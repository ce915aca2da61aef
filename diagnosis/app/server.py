"""``diagnosis app``: serve ``notebooks/app.ipynb`` with Voilà on this computer only.

Voilà runs as a child process bound to ``127.0.0.1`` (nobody else on the
network can open the app) on a free port or the one asked for. The app's
settings reach the notebook's kernel through ``DIAGNOSIS_*`` environment
variables (:meth:`diagnosis.app.settings.AppSettings.environment`). The
command prints the address once the server answers and runs until Ctrl+C.

Uploads travel from the browser to the kernel over a websocket, whose
messages tornado caps at 10 MB by default; the cap is raised (in a
``voila.json`` written to a temporary folder, :func:`voila_config`) to four
times the upload limit, so that a too large file reaches the app and gets a
clear message instead of a dropped connection.

The page is Voilà's ``lab`` template extended by a template of this app
(:func:`voila_template`, written beside ``voila.json`` and found through
``JUPYTER_PATH``), for what ipywidgets cannot say itself (WCAG 2.1 AA): the
page's ``lang`` attribute and its title follow the app's language, the step
messages are live regions that stay in the page, and the content is the main
landmark.

Only this computer may use the app, also through the browser: a web page of
``evil.example`` whose name is made to resolve to ``127.0.0.1`` (DNS
rebinding) sends ``Host: evil.example``, and a page of another site that
calls the app sends its own ``Origin``. Voilà turns Jupyter's own Host check
off (``allow_remote_access=True``) and checks no Origin on pages and static
files, so Voilà runs here through :func:`run_voila`, whose server answers 403
to every request whose ``Host`` is not ``localhost``, ``127.0.0.1`` or
``[::1]`` (any port) or whose ``Origin``, when there is one, is not that same
computer and port (:func:`local_only`). Jupyter's Host check is switched
back on too (``voila.json``).

Examples
--------
>>> cmd = voila_command(8866, config_dir="/tmp")
>>> cmd[1:3], "--port=8866" in cmd, "--Voila.ip=127.0.0.1" in cmd
(['-m', 'diagnosis.app.server'], True, True)
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import webbrowser
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .errors import AppError
from .settings import AppSettings
from .texts import say

__all__ = [
    "APP_NOTEBOOK",
    "HOST",
    "LOCAL_HOSTS",
    "TEMPLATE",
    "free_port",
    "is_local_request",
    "local_only",
    "run_voila",
    "serve",
    "stop_on_signals",
    "voila_command",
    "voila_config",
    "voila_template",
    "wait_for_port",
]

_ROOT = Path(__file__).resolve().parent.parent.parent
#: the notebook Voilà shows
APP_NOTEBOOK = _ROOT / "notebooks" / "app.ipynb"
#: the app listens on this computer only
HOST = "127.0.0.1"
#: the names of this computer a browser may use for the app (Host and Origin headers)
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")

_NETLOC = re.compile(
    r"(?:\[(?P<ipv6>[0-9a-fA-F:.]+)\]|(?P<name>[^:\[\]/@\s]+))(?::(?P<port>\d{1,5}))?"
)


def free_port(host: str = HOST) -> int:
    """A TCP port nobody listens on now.

    Examples
    --------
    >>> 1024 < free_port() < 65536
    True
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def _port_free(port: int, host: str = HOST) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind((host, port))
        except OSError:
            return False
        return True


def _host_port(netloc: str) -> tuple[str, int | None] | None:
    match = _NETLOC.fullmatch(netloc)
    if match is None:
        return None
    name = (match["ipv6"] or match["name"]).lower()
    return name, int(match["port"]) if match["port"] else None


def is_local_request(host: str, origin: str | None = None) -> bool:
    """Whether a request with these ``Host`` and ``Origin`` headers comes from this computer's app.

    Parameters
    ----------
    host : str
        The ``Host`` header (``127.0.0.1:8866``): ``localhost``, ``127.0.0.1``
        or ``[::1]``, with any port or none.
    origin : str, optional
        The ``Origin`` header, if the browser sent one: the same computer
        (one of :data:`LOCAL_HOSTS`) and the port of ``host``. ``null`` (a
        sandboxed frame, a local file) is refused.

    Returns
    -------
    bool

    Examples
    --------
    >>> is_local_request("127.0.0.1:8866"), is_local_request("[::1]:8866")
    (True, True)
    >>> is_local_request("evil.example"), is_local_request("evil.example:8866")
    (False, False)
    >>> is_local_request("127.0.0.1:8866", "http://localhost:8866")
    True
    >>> is_local_request("127.0.0.1:8866", "http://evil.example"), is_local_request(
    ...     "127.0.0.1:8866", "http://localhost:3000")
    (False, False)
    """
    here = _host_port(host)
    if here is None or here[0] not in LOCAL_HOSTS:
        return False
    if origin is None:
        return True
    try:
        parts = urlsplit(origin)
        default = {"http": 80, "https": 443}.get(parts.scheme)
        there = _host_port(parts.netloc)
    except ValueError:
        return False
    if default is None or there is None or parts.path not in ("", "/") or parts.query:
        return False
    return there[0] in LOCAL_HOSTS and (there[1] or default) == (here[1] or 80)


def local_only(app: Any) -> None:
    """Make a tornado ``app`` answer 403 to every request not from this computer's app.

    A routing rule placed before all others (pages, static files, the
    kernel API and its websocket alike) checks :func:`is_local_request`.

    Parameters
    ----------
    app : tornado.web.Application

    Examples
    --------
    >>> import tornado.web
    >>> app = tornado.web.Application([("/", tornado.web.RequestHandler)])
    >>> local_only(app)
    >>> type(app.default_router.rules[0].matcher).__name__
    'NotThisComputer'
    """
    from tornado.routing import Matcher, Rule
    from tornado.web import ErrorHandler

    class NotThisComputer(Matcher):
        def match(self, request: Any) -> dict[str, Any] | None:
            allowed = is_local_request(request.host, request.headers.get("Origin"))
            return None if allowed else {}

    rule = Rule(NotThisComputer(), ErrorHandler, {"status_code": 403})
    app.default_router.rules.insert(0, app.default_router.process_rule(rule))


def run_voila(argv: Sequence[str]) -> None:
    """Run Voilà's command line with its server guarded by :func:`local_only`.

    ``python -m diagnosis.app.server <notebook> --port=...`` runs this.

    Parameters
    ----------
    argv : sequence of str
        Voilà's own arguments (see :func:`voila_command`).

    Examples
    --------
    >>> run_voila(["notebooks/app.ipynb", "--port=8866", "--no-browser"])  # doctest: +SKIP
    """
    from voila.app import Voila as _Voila

    class Voila(_Voila):  # the same name: the same config section and log prefix
        def listen(self) -> None:
            local_only(self.app)  # Voilà's start() built the app and its handlers
            super().listen()

    Voila.launch_instance(list(argv))


#: the name of the app's Voilà template (:func:`voila_template`)
TEMPLATE = "diagnosis"

# Run once in the page, before the widgets exist; it watches the page for them.
_PAGE_SCRIPT = """<script>
/* diagnosis app (WCAG 2.1 AA): what ipywidgets cannot set on its elements.
   - <html lang> and the title follow the app's language (class dg-lang-pl/en, its h1);
   - a widget with class dg-live gets its own content element as a live region that stays
     in the page while its HTML changes: role=status, aria-live polite, assertive while it
     shows an error (.dg-error);
   - Voila's rendered cells are the main landmark. */
(function () {
  "use strict";
  function sync() {
    var app = document.querySelector(".dg-app");
    if (app) {
      var lang = app.classList.contains("dg-lang-en") ? "en" : "pl";
      if (document.documentElement.lang !== lang) { document.documentElement.lang = lang; }
      var h1 = app.querySelector("h1");
      var title = h1 ? h1.textContent.trim() : "";
      if (title && document.title !== title) { document.title = title; }
    }
    var cells = document.getElementById("rendered_cells");
    if (cells && !cells.hasAttribute("role")) { cells.setAttribute("role", "main"); }
    document.querySelectorAll(".dg-live > .widget-html-content").forEach(function (region) {
      if (!region.hasAttribute("role")) {
        region.setAttribute("role", "status");
        region.setAttribute("aria-atomic", "true");
      }
      var live = region.querySelector(".dg-error") ? "assertive" : "polite";
      if (region.getAttribute("aria-live") !== live) { region.setAttribute("aria-live", live); }
    });
  }
  new MutationObserver(sync).observe(document.documentElement, {
    childList: true, subtree: true, characterData: true,
    attributes: true, attributeFilter: ["class"]
  });
  sync();
})();
</script>"""


def voila_template(folder: str | Path, lang: str = "pl") -> Path:
    """Write the app's Voilà template under ``folder`` (put ``folder`` on ``JUPYTER_PATH``).

    It extends Voilà's ``lab`` template: the page starts with ``lang`` and the
    title of the app's language (``lang``) and runs a small script that keeps
    them in step with the language switch, makes every widget of CSS class
    ``dg-live`` a lasting live region, and the content the main landmark.

    Returns
    -------
    Path
        The template's folder, ``folder/voila/templates/diagnosis``.

    Examples
    --------
    >>> import tempfile
    >>> where = voila_template(tempfile.mkdtemp(), "en")
    >>> page = (where / "index.html.j2").read_text(encoding="utf-8")
    >>> '"language_code": "en"' in page and "Community needs diagnosis" in page
    True
    """
    where = Path(folder) / "voila" / "templates" / TEMPLATE
    where.mkdir(parents=True, exist_ok=True)
    (where / "conf.json").write_text(json.dumps({"base_template": "lab"}), encoding="utf-8")
    # json.dumps gives string literals that Jinja reads back as they were (\u escapes too)
    values = json.dumps({"language_code": lang}), json.dumps({"title": say(lang, "title")})
    page = (
        "{%- extends 'lab/index.html.j2' -%}\n"
        f"{{%- do resources.update({values[0]}) -%}}\n"
        f"{{%- do nb.metadata.update({values[1]}) -%}}\n"
        "{%- block html_head_js -%}\n{{ super() }}\n"
        f"{_PAGE_SCRIPT}\n"
        "{%- endblock html_head_js -%}\n"
    )
    (where / "index.html.j2").write_text(page, encoding="utf-8")
    return where


def voila_config(
    folder: str | Path, max_upload_bytes: int, lang: str = "pl", notebook: str | Path = APP_NOTEBOOK
) -> Path:
    """Write ``voila.json`` in ``folder``: the websocket message cap for uploads, Host check on.

    ``allow_remote_access`` false and ``local_hostnames`` switch Jupyter's
    own Host check back on for the handlers that have it (Voilà turns it
    off); :func:`local_only` covers every request. The page uses the app's
    template, written in ``folder`` too (:func:`voila_template`): Voilà finds
    it when ``folder`` is on ``JUPYTER_PATH``.

    Two things keep the librarian's terminal free of alarming warnings that
    are not theirs to act on: the kernel talks to Voilà over local sockets in
    Voilà's private folder (``KernelManager.transport = "ipc"``, on Linux and
    macOS), not over TCP ports any local program could reach; and ``notebook``, the app this
    program ships, is signed as trusted in a signature store of ``folder``'s
    own (``NotebookNotary``), which leaves the user's own store alone.

    Examples
    --------
    >>> import tempfile
    >>> path = voila_config(tempfile.mkdtemp(), 1024)
    >>> settings = json.loads(path.read_text())["Voila"]["tornado_settings"]
    >>> settings["websocket_max_message_size"], settings["allow_remote_access"]
    (1052672, False)
    >>> json.loads(path.read_text())["VoilaConfiguration"]
    {'template': 'diagnosis'}
    """
    cap = int(4 * max_upload_bytes + 1024 * 1024)
    path = Path(folder) / "voila.json"
    settings = {
        "websocket_max_message_size": cap,
        "allow_remote_access": False,
        "local_hostnames": ["localhost"],
    }
    voila_template(folder, lang)
    notary = {"db_file": str(Path(folder) / "nbsignatures.db"),
              "secret_file": str(Path(folder) / "notebook_secret")}  # fmt: skip
    _sign(notebook, notary)
    config = {
        "Voila": {"tornado_settings": settings},
        "VoilaConfiguration": {"template": TEMPLATE},
        # local sockets (POSIX); elsewhere ZeroMQ has TCP only
        "KernelManager": {"transport": "ipc" if os.name == "posix" else "tcp"},
        "NotebookNotary": notary,
    }
    path.write_text(json.dumps(config), encoding="utf-8")
    return path


def _sign(notebook: str | Path, store: dict[str, str]) -> None:
    """Sign ``notebook`` as trusted in the signature store ``store`` names (files it creates)."""
    import nbformat
    from nbformat.sign import NotebookNotary

    notary = NotebookNotary(**store)
    notary.sign(nbformat.read(str(notebook), as_version=4))
    notary.store.close()


def voila_command(
    port: int, *, config_dir: str | Path, notebook: str | Path = APP_NOTEBOOK
) -> list[str]:
    """The command line that serves ``notebook`` with Voilà on ``port`` of this computer.

    ``config_dir`` holds the ``voila.json`` of :func:`voila_config`. Voilà
    runs through :func:`run_voila` (this module), which keeps other sites out.
    """
    return [
        sys.executable,
        "-m",
        "diagnosis.app.server",
        str(notebook),
        f"--port={port}",
        "--no-browser",
        f"--Voila.ip={HOST}",
        f"--Voila.config_file_paths={config_dir}",
    ]


def wait_for_port(
    port: int, timeout: float = 60.0, alive: Callable[[], bool] = lambda: True
) -> bool:
    """Wait until something answers on ``port``; False on timeout or when ``alive()`` is false.

    Examples
    --------
    >>> wait_for_port(free_port(), timeout=0.2)
    False
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not alive():
            return False
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.settimeout(0.5)
            if s.connect_ex((HOST, port)) == 0:
                return True
        time.sleep(0.2)
    return False


def serve(
    settings: AppSettings,
    *,
    port: int | None = None,
    open_browser: bool = False,
    say_line: Callable[[str], None] | None = None,
) -> int:
    """Serve the app until Ctrl+C; return an exit code.

    Parameters
    ----------
    settings : AppSettings
        Passed to the app (towns and reports folders, upload limit, language);
        the messages printed here use ``settings.lang``.
    port : int, optional
        Default: a free port.
    open_browser : bool
        Open the address in the default browser once the app answers.
    say_line : callable, optional
        Shows a message (default: print it at once, unbuffered).

    Returns
    -------
    int
        0 after Ctrl+C, otherwise Voilà's exit code (1 if it did not start).

    Raises
    ------
    AppError
        When the port asked for is in use.
    """
    lang = settings.lang
    if say_line is None:
        say_line = _print
    if port is None:
        port = free_port()
    elif not _port_free(port):
        raise AppError(pl=say("pl", "port_busy", port=port), en=say("en", "port_busy", port=port))
    settings.towns_dir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, **settings.environment()}
    say_line(say(lang, "starting"))
    config_dir = tempfile.mkdtemp(prefix="diagnosis-app-")
    voila_config(config_dir, settings.max_upload_bytes, lang)
    # Voilà looks for templates on JUPYTER_PATH (the app's own, voila_template)
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in (config_dir, env.get("JUPYTER_PATH")) if p)
    process = subprocess.Popen(
        voila_command(port, config_dir=config_dir),
        env=env,
        cwd=str(_ROOT),
        start_new_session=True,  # Ctrl+C reaches this command, which then stops Voilà
    )
    previous = stop_on_signals()
    try:
        if not wait_for_port(port, timeout=120, alive=lambda: process.poll() is None):
            code = process.poll()
            say_line(say(lang, "not_started", code=code if code is not None else "-"))
            _stop(process)
            return 1
        url = f"http://{HOST}:{port}/"
        say_line(say(lang, "serving", url=url, towns=settings.towns_dir,
                     reports=settings.reports_dir))  # fmt: skip
        if open_browser:
            webbrowser.open(url)
        return process.wait()
    except KeyboardInterrupt:
        _stop(process)
        say_line(say(lang, "stopped"))
        return 0
    finally:
        _stop(process)
        shutil.rmtree(config_dir, ignore_errors=True)
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def stop_on_signals() -> dict[int, Any]:
    """Make Ctrl+C (SIGINT) and SIGTERM stop the command, which then stops its Voilà.

    SIGINT is set even where it was ignored (a command started in the
    background by a script inherits an ignored SIGINT). Returns the previous
    handlers, to put back afterwards (nothing is changed outside the main thread).
    """
    if threading.current_thread() is not threading.main_thread():
        return {}
    previous = {}
    for signum in (signal.SIGINT, signal.SIGTERM):
        previous[signum] = signal.signal(signum, _interrupt)
    return previous


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _print(text: str) -> None:
    print(text, flush=True)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


if __name__ == "__main__":
    run_voila(sys.argv[1:])
