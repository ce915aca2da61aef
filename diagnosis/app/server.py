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

Examples
--------
>>> cmd = voila_command(8866, config_dir="/tmp")
>>> cmd[1:3], "--port=8866" in cmd, "--Voila.ip=127.0.0.1" in cmd
(['-m', 'voila'], True, True)
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import webbrowser
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .errors import AppError
from .settings import AppSettings
from .texts import say

__all__ = [
    "APP_NOTEBOOK",
    "HOST",
    "free_port",
    "serve",
    "stop_on_signals",
    "voila_command",
    "voila_config",
    "wait_for_port",
]

_ROOT = Path(__file__).resolve().parent.parent.parent
#: the notebook Voilà shows
APP_NOTEBOOK = _ROOT / "notebooks" / "app.ipynb"
#: the app listens on this computer only
HOST = "127.0.0.1"


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


def voila_config(folder: str | Path, max_upload_bytes: int) -> Path:
    """Write ``voila.json`` in ``folder``: the websocket message cap for uploads.

    Examples
    --------
    >>> import tempfile
    >>> path = voila_config(tempfile.mkdtemp(), 1024)
    >>> json.loads(path.read_text())["Voila"]["tornado_settings"]
    {'websocket_max_message_size': 1052672}
    """
    cap = int(4 * max_upload_bytes + 1024 * 1024)
    path = Path(folder) / "voila.json"
    path.write_text(
        json.dumps({"Voila": {"tornado_settings": {"websocket_max_message_size": cap}}}),
        encoding="utf-8",
    )
    return path


def voila_command(
    port: int, *, config_dir: str | Path, notebook: str | Path = APP_NOTEBOOK
) -> list[str]:
    """The command line that serves ``notebook`` with Voilà on ``port`` of this computer.

    ``config_dir`` holds the ``voila.json`` of :func:`voila_config`.
    """
    return [
        sys.executable,
        "-m",
        "voila",
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
    voila_config(config_dir, settings.max_upload_bytes)
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
