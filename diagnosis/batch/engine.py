"""A papermill engine that runs notebooks in the calling (warm) process, each in a fresh fork.

Papermill's default engine starts a Jupyter kernel for every notebook: a new
process that imports pandas, matplotlib, statsmodels and ``diagnosis`` again
(about 3 s of a 6 s run, see ../shared/PIPELINE.md). :class:`WarmEngine`
instead forks the process that calls papermill. The fork inherits every
module already imported, so a worker that has done the heavy imports once
starts each notebook at no cost, and runs the cells in a new ``__main__``
namespace. Whatever a notebook changes (its variables, module attributes,
``pandas`` options, matplotlib's ``rcParams``, open figures) dies with the
fork: the next notebook in the same worker sees the worker's pristine state.

Parameter injection, the output notebook and the error cell are papermill's
own: the engine is registered under the entry point ``papermill.engine`` as
``diagnosis-warm``, so ``papermill -e diagnosis-warm in.ipynb out.ipynb``
works from the command line too.

Timeouts: ``execution_timeout`` (papermill's, seconds per cell) and
``notebook_timeout`` (seconds for the whole notebook). A cell that overruns
is killed with its fork and gets an error output ``NotebookTimeout``; the
worker carries on with the next notebook.

Display follows IPython: the value of a cell's last expression is shown
unless the cell ends with ``;`` (``_repr_mimebundle_``, ``_repr_html_``,
``_repr_svg_``, ``_repr_markdown_``, ``_repr_png_`` and ``repr`` are used);
``display(...)`` is available; ``print`` and warnings become stream outputs;
matplotlib figures left open at the end of a cell are shown as SVG. IPython
magics (``%``, ``!``) are not supported: the report templates do not use them.

Orphans: the fork dies with the process that made it, and a batch's workers
with the batch (:func:`die_with_parent`), so ``kill -9`` of the batch leaves
nothing rendering.

POSIX only (``os.fork``).
"""

from __future__ import annotations

import ast
import base64
import builtins
import contextlib
import ctypes
import io
import os
import pickle
import select
import signal
import struct
import sys
import threading
import time
import tokenize
import traceback
import types
from typing import Any

import nbformat
from papermill.engines import Engine, NotebookExecutionManager

__all__ = ["ENGINE_NAME", "WarmEngine", "die_with_parent", "run_cells"]

#: the name under which papermill finds the engine (``engine_name=``, ``-e``)
ENGINE_NAME = "diagnosis-warm"

_HEADER = struct.Struct("!I")
#: ``prctl`` option: the signal this process gets when its parent dies (linux/prctl.h)
_PR_SET_PDEATHSIG = 1


def _watch_parent(parent: int, every: float) -> None:
    while True:
        time.sleep(every)
        if os.getppid() != parent:
            os._exit(1)


def die_with_parent(parent: int | None = None, every: float = 1.0) -> bool:
    """Make this process end when its parent ends (``parent``: its pid; default ``getppid()``).

    On Linux the kernel sends SIGKILL the moment the parent dies
    (``prctl(PR_SET_PDEATHSIG, SIGKILL)``). Elsewhere, or if that fails, a
    daemon thread checks every ``every`` seconds that the parent is still this
    process's parent. Either way, a parent that is already gone ends this
    process at once. Call it first thing in a child: a batch's worker
    (the process pool's initializer) and each notebook fork.

    Parameters
    ----------
    parent : int, optional
        The parent's pid, as the parent saw it before starting this process.
    every : float
        Seconds between checks of the fallback thread.

    Returns
    -------
    bool
        True when the kernel watches (Linux), False when the thread does.

    Examples
    --------
    >>> import subprocess, sys
    >>> code = "from diagnosis.batch.engine import die_with_parent; print(die_with_parent())"
    >>> subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout
    'True\\n'
    """
    parent = os.getppid() if parent is None else parent
    armed = False
    if sys.platform.startswith("linux"):
        try:
            prctl = ctypes.CDLL(None, use_errno=True).prctl
            armed = prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
        except (OSError, AttributeError):
            armed = False
    if os.getppid() != parent:  # the parent died before the watch began
        os._exit(1)
    if not armed:
        threading.Thread(target=_watch_parent, args=(parent, every), daemon=True,
                         name="die-with-parent").start()  # fmt: skip
    return armed


class WarmEngine(Engine):
    """Run a notebook's code cells in a fork of the current process.

    Use it through papermill, never directly.

    Examples
    --------
    >>> import papermill as pm
    >>> nb = pm.execute_notebook(  # doctest: +SKIP
    ...     "notebooks/diagnosis.ipynb", "out.ipynb", parameters={"town": "kwidzyn"},
    ...     engine_name="diagnosis-warm", notebook_timeout=300,
    ... )
    """

    #: save the output notebook after every cell (papermill's default). Off: a report
    #: notebook holds megabytes of SVG, and papermill writes the final notebook anyway.
    autosave = False

    @classmethod
    def execute_notebook(
        cls,
        nb: nbformat.NotebookNode,
        kernel_name: str,
        output_path: str | None = None,
        progress_bar: bool = True,
        log_output: bool = False,
        autosave_cell_every: int = 30,
        **kwargs: Any,
    ) -> nbformat.NotebookNode:
        """Execute ``nb`` (papermill calls this); see :class:`papermill.engines.Engine`."""
        return super().execute_notebook(
            nb,
            kernel_name,
            output_path=output_path if cls.autosave else None,
            progress_bar=progress_bar,
            log_output=log_output,
            autosave_cell_every=autosave_cell_every,
            **kwargs,
        )

    @classmethod
    def execute_managed_notebook(
        cls,
        nb_man: NotebookExecutionManager,
        kernel_name: str,
        execution_timeout: float | None = None,
        notebook_timeout: float | None = None,
        while_running: Any = None,
        **kwargs: Any,
    ) -> None:
        """Fork, run the code cells there, and copy their outputs into ``nb_man.nb``.

        Parameters
        ----------
        nb_man : NotebookExecutionManager
            Papermill's wrapper of the parameterised notebook.
        kernel_name : str
            Ignored: cells run in this process's Python.
        execution_timeout : float, optional
            Seconds one cell may run.
        notebook_timeout : float, optional
            Seconds the whole notebook may run.
        while_running : callable, optional
            Called without arguments in a thread of this process while the fork
            runs the cells (e.g. to import what comes after the notebook, on the
            other core); its errors are ignored. It has finished before this
            method returns, so no thread is left running at the next fork.
        """
        cells = [(i, c) for i, c in enumerate(nb_man.nb.cells) if c.cell_type == "code"]
        sources = [c.source for _, c in cells]
        sys.stdout.flush()
        sys.stderr.flush()
        read_fd, write_fd = os.pipe()
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # the fork: run the cells, report, and leave without cleanup
            status = 0
            try:
                die_with_parent(parent)
                os.close(read_fd)
                with os.fdopen(write_fd, "wb") as channel:
                    run_cells(sources, lambda m: _send(channel, m))
            except BaseException:
                status = 1
            finally:
                os._exit(status)
        os.close(write_fd)
        meanwhile = None
        if while_running is not None:
            meanwhile = threading.Thread(target=_ignore_errors, args=(while_running,),
                                         name="while-running", daemon=True)  # fmt: skip
            meanwhile.start()
        start = time.monotonic()
        current = -1
        cell_start = start
        try:
            with os.fdopen(read_fd, "rb") as channel:
                while True:
                    limits = []
                    if execution_timeout and current >= 0:
                        limits.append(cell_start + execution_timeout)
                    if notebook_timeout:
                        limits.append(start + notebook_timeout)
                    deadline = min(limits) if limits else None
                    message = _receive(channel, deadline)
                    if message is None:  # timed out
                        _kill(pid)
                        pid = 0
                        index, cell = cells[max(current, 0)]
                        cell.execution_count = max(current, 0) + 1
                        which = (
                            f"the notebook did not finish within {notebook_timeout:g} s"
                            if notebook_timeout and time.monotonic() >= start + notebook_timeout
                            else f"the cell did not finish within {execution_timeout:g} s"
                        )
                        cls._fail(
                            nb_man, cell, index, "NotebookTimeout", which + " and was stopped"
                        )
                        return
                    if message == "eof":
                        code = _reap(pid)
                        pid = 0
                        if current < len(cells):
                            index, cell = cells[max(current, 0)]
                            cell.execution_count = max(current, 0) + 1
                            crash = f"the notebook process ended unexpectedly ({code})"
                            cls._fail(nb_man, cell, index, "WorkerCrash", crash)
                        return
                    kind = message[0]
                    if kind == "start":
                        current = message[1]
                        cell_start = time.monotonic()
                        index, cell = cells[current]
                        nb_man.cell_start(cell, index)
                    elif kind == "done":
                        _, k, outputs, failed = message
                        index, cell = cells[k]
                        cell.execution_count = k + 1
                        cell.outputs = [nbformat.from_dict(o) for o in outputs]
                        if failed:
                            nb_man.cell_exception(cell, index)
                        nb_man.cell_complete(cell, index)
                        current = k + 1
                        if failed:
                            return
                    elif kind == "end":
                        current = len(cells)
        finally:
            if pid:
                _reap(pid)
            if meanwhile is not None:
                meanwhile.join()

    @staticmethod
    def _fail(nb_man, cell, index: int, ename: str, evalue: str) -> None:
        error = nbformat.v4.new_output(
            "error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"]
        )
        cell.outputs = [*cell.get("outputs", []), error]
        nb_man.cell_exception(cell, index)
        nb_man.cell_complete(cell, index)


def _ignore_errors(func: Any) -> None:
    with contextlib.suppress(Exception):
        func()


def _send(channel, message: object) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    channel.write(_HEADER.pack(len(data)) + data)
    channel.flush()


def _read_exactly(channel, n: int, deadline: float | None) -> bytes | None:
    chunks, got = [], 0
    fd = channel.fileno()
    while got < n:
        wait = None if deadline is None else max(0.0, deadline - time.monotonic())
        ready, _, _ = select.select([fd], [], [], wait)
        if not ready:
            raise TimeoutError
        chunk = os.read(fd, min(n - got, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def _receive(channel, deadline: float | None) -> object:
    """The next message, ``"eof"`` when the fork has gone, ``None`` on timeout."""
    try:
        header = _read_exactly(channel, _HEADER.size, deadline)
        if header is None:
            return "eof"
        (size,) = _HEADER.unpack(header)
        # once a message has begun, give the fork a little time to finish writing it
        body = _read_exactly(channel, size, None if deadline is None else deadline + 30)
    except TimeoutError:
        return None
    return "eof" if body is None else pickle.loads(body)


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    _reap(pid)


def _reap(pid: int) -> int:
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:
        return 0
    return os.waitstatus_to_exitcode(status)


# --------------------------------------------------------------------------- in the fork


def _bundle(obj: object) -> dict[str, Any]:
    """A Jupyter MIME bundle for ``obj``, like IPython's display formatter."""
    data: dict[str, Any] = {}
    if hasattr(obj, "_repr_mimebundle_"):
        try:
            found = obj._repr_mimebundle_()
            data.update(found[0] if isinstance(found, tuple) else found or {})
        except Exception:
            pass
    fig_type = getattr(sys.modules.get("matplotlib.figure"), "Figure", None)
    if fig_type is not None and isinstance(obj, fig_type):
        buffer = io.StringIO()
        obj.savefig(buffer, format="svg", bbox_inches="tight")
        data["image/svg+xml"] = buffer.getvalue()
    for method, mime in (
        ("_repr_html_", "text/html"),
        ("_repr_svg_", "image/svg+xml"),
        ("_repr_markdown_", "text/markdown"),
        ("_repr_latex_", "text/latex"),
        ("_repr_png_", "image/png"),
    ):
        if mime in data or not hasattr(obj, method):
            continue
        try:
            value = getattr(obj, method)()
        except Exception:
            continue
        if value is None:
            continue
        if isinstance(value, bytes):
            value = base64.b64encode(value).decode("ascii")
        data[mime] = value
    data.setdefault("text/plain", repr(obj))
    return data


def _open_figures() -> list[dict[str, Any]]:
    plt = sys.modules.get("matplotlib.pyplot")
    if plt is None or not plt.get_fignums():
        return []
    shown = []
    for number in plt.get_fignums():
        bundle = _bundle(plt.figure(number))
        shown.append({"output_type": "display_data", "data": bundle, "metadata": {}})
    plt.close("all")
    return shown


def _quiet(source: str) -> bool:
    """True when the cell's last token is ``;`` (comments ignored), as in IPython."""
    skip = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.ENDMARKER,
            tokenize.INDENT, tokenize.DEDENT}  # fmt: skip
    try:
        tokens = [t for t in tokenize.generate_tokens(io.StringIO(source).readline)
                  if t.type not in skip]  # fmt: skip
    except (tokenize.TokenError, SyntaxError):
        return source.rstrip().endswith(";")
    return bool(tokens) and tokens[-1].string == ";"


def run_cells(sources: list[str], report: Any) -> None:
    """Execute cell sources in a fresh ``__main__`` and report each cell's outputs.

    Runs in the fork made by :class:`WarmEngine` (it replaces ``__main__``,
    ``sys.stdout`` and ``sys.stderr``). ``report`` receives ``("start", k)``,
    ``("done", k, outputs, failed)`` and finally ``("end",)``; outputs are
    nbformat v4 output dicts. Execution stops at the first failing cell.

    Examples
    --------
    >>> import subprocess, sys
    >>> code = ("from diagnosis.batch.engine import run_cells; "
    ...         "run_cells(['x = 2', 'x * 21'], lambda m: m[0] == 'done' and print(m[2]))")
    >>> out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    >>> out.stdout.strip().splitlines()[-1]  # doctest: +ELLIPSIS
    "[{'output_type': 'execute_result', 'data': {'text/plain': '42'}, ...}]"
    """
    main = types.ModuleType("__main__")
    main.__dict__["__builtins__"] = builtins
    sys.modules["__main__"] = main
    namespace = main.__dict__
    outputs: list[dict[str, Any]] = []

    def display(*objs: object, **_: object) -> None:
        for obj in objs:
            outputs.append({"output_type": "display_data", "data": _bundle(obj), "metadata": {}})

    namespace["display"] = display
    real_out, real_err = sys.stdout, sys.stderr
    for k, source in enumerate(sources):
        report(("start", k))
        outputs = []
        out, err = io.StringIO(), io.StringIO()
        failed = False
        sys.stdout, sys.stderr = out, err
        try:
            tree = ast.parse(source, filename=f"<cell {k + 1}>")
            last = None
            shown_last = not _quiet(source)
            if tree.body and isinstance(tree.body[-1], ast.Expr) and shown_last:
                last = ast.Expression(tree.body.pop().value)
            exec(compile(tree, f"<cell {k + 1}>", "exec"), namespace)
            value = None
            if last is not None:
                value = eval(compile(last, f"<cell {k + 1}>", "eval"), namespace)
            sys.stdout, sys.stderr = real_out, real_err
            shown = _open_figures()
            result = []
            if value is not None:
                result = [{"output_type": "execute_result", "data": _bundle(value),
                           "metadata": {}, "execution_count": k + 1}]  # fmt: skip
        except BaseException as exc:  # a cell's failure, reported like a kernel does
            sys.stdout, sys.stderr = real_out, real_err
            failed = True
            shown = []
            result = [{"output_type": "error", "ename": type(exc).__name__,
                       "evalue": str(exc),
                       "traceback": traceback.format_exception(exc)[1:]}]  # fmt: skip
        streams = [
            {"output_type": "stream", "name": name, "text": buffer.getvalue()}
            for name, buffer in (("stdout", out), ("stderr", err))
            if buffer.getvalue()
        ]
        report(("done", k, streams + outputs + shown + result, failed))
        if failed:
            break
    report(("end",))
