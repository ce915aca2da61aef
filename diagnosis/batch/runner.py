"""The batch: which towns to (re)do, warm workers to do them, and what each one gave.

A town is rendered by :func:`render_one` in a warm worker (a process that has
imported pandas, matplotlib, statsmodels, WeasyPrint and ``diagnosis`` once,
see :func:`warm_up`): validation, the template through papermill's
``diagnosis-warm`` engine (a fresh fork per notebook), HTML and PDF, all in
that worker. Each town writes ``reports/<town>/batch.log``.

Resume: when a town's report is complete, its fingerprint (a SHA-256 of the
town folder's files, the questionnaire, the template, the parameters and the
package version) is written to ``reports/<town>/batch.json`` last, atomically,
and removed before the town is redone. A town whose fingerprint matches and
whose files exist is skipped; an interrupted batch thus loses no finished
report and never takes a half-written one for done.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from ..errors import DiagnosisError, Language

__all__ = [
    "FINGERPRINT_FILE",
    "LOG_FILE",
    "BatchSettings",
    "TownResult",
    "TownTask",
    "fingerprint",
    "plan",
    "render_one",
    "run_batch",
    "warm_up",
]

#: per-town files written by the batch
FINGERPRINT_FILE = "batch.json"
LOG_FILE = "batch.log"
#: files a finished report must have
_OUTPUTS = ("diagnosis.ipynb", "diagnosis.html", "diagnosis.pdf")

Status = Literal["done", "unchanged", "failed", "timeout"]


@dataclass(frozen=True)
class BatchSettings:
    """What every town of a batch is rendered with.

    Parameters
    ----------
    lang, threshold, weighting, conf_level
        The template's parameters (as ``diagnosis report``).
    template : str
        The notebook to execute (default: notebooks/diagnosis.ipynb).
    timeout : float or None
        Seconds one town's notebook may run before it is stopped.
    messages : {"pl", "en"}
        Language of failure messages.

    Examples
    --------
    >>> BatchSettings(lang="en", threshold=15).parameters()["threshold"]
    15
    """

    lang: Language = "pl"
    threshold: int = 10
    weighting: str = "rake"
    conf_level: float = 0.95
    template: str = ""
    timeout: float | None = 600
    messages: Language = "pl"

    def template_path(self) -> Path:
        """The template, resolved."""
        from ..report.render import TEMPLATE

        return Path(self.template).resolve() if self.template else TEMPLATE

    def parameters(self) -> dict[str, object]:
        """The parameters that change a report (part of the fingerprint)."""
        return {
            "lang": self.lang,
            "threshold": int(self.threshold),
            "weighting": self.weighting,
            "conf_level": float(self.conf_level),
        }


@dataclass(frozen=True)
class TownTask:
    """One town to render: its folder, output folder and fingerprint."""

    folder: str
    out_dir: str
    fingerprint: str
    settings: BatchSettings


@dataclass(frozen=True)
class TownResult:
    """What happened to one town (a row of summary.csv).

    ``status``: ``done`` (rendered now), ``unchanged`` (skipped: up to date),
    ``failed`` (bad input or a notebook error) or ``timeout``.
    """

    town: str
    name: str
    status: Status
    out_dir: str
    n: int | None = None
    duration: float | None = None
    message: str = ""
    finished: str = ""
    worker: str = field(default="", compare=False)

    @property
    def ok(self) -> bool:
        """The report exists."""
        return self.status in ("done", "unchanged")


def _hash_file(digest, path: Path) -> None:
    digest.update(path.name.encode())
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)


def fingerprint(folder: str | Path, settings: BatchSettings) -> str:
    """SHA-256 of everything a town's report depends on.

    The contents of every file in the town folder (and of a questionnaire it
    names outside it), the template, the parameters and the package version.

    Examples
    --------
    >>> a = fingerprint("surveys/towns/kwidzyn", BatchSettings())
    >>> a == fingerprint("surveys/towns/kwidzyn", BatchSettings(threshold=11))
    False
    """
    from .. import __version__

    folder = Path(folder).resolve()
    digest = hashlib.sha256()
    digest.update(json.dumps(settings.parameters(), sort_keys=True).encode())
    digest.update(__version__.encode())
    _hash_file(digest, settings.template_path())
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode())
        _hash_file(digest, path)
    try:
        from ..town import load_town

        instrument = load_town(folder).instrument
        if instrument and Path(instrument).is_file():
            _hash_file(digest, Path(instrument))
    except DiagnosisError:
        pass  # a broken town: its own files decide, it will fail anyway
    return digest.hexdigest()


def _read_record(out_dir: Path) -> dict | None:
    try:
        return json.loads((out_dir / FINGERPRINT_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def plan(
    folders: Sequence[str | Path],
    out_root: str | Path,
    settings: BatchSettings,
    *,
    force: bool = False,
) -> tuple[list[TownTask], list[TownResult]]:
    """Split the towns into those to render and those already up to date.

    Returns
    -------
    tasks : list of TownTask
    unchanged : list of TownResult
        With status ``unchanged`` and the figures of the run that made them.

    Examples
    --------
    >>> tasks, skipped = plan(["surveys/towns/kwidzyn"], "/tmp/r", BatchSettings(), force=True)
    >>> len(tasks), skipped
    (1, [])
    """
    tasks, unchanged = [], []
    for folder in folders:
        folder = Path(folder).resolve()
        out = Path(out_root).resolve() / folder.name
        key = fingerprint(folder, settings)
        record = _read_record(out)
        complete = all((out / name).exists() for name in _OUTPUTS)
        if not force and record and record.get("fingerprint") == key and complete:
            unchanged.append(
                TownResult(
                    town=folder.name,
                    name=record.get("name", folder.name),
                    status="unchanged",
                    out_dir=str(out),
                    n=record.get("n"),
                    duration=record.get("duration"),
                    finished=record.get("finished", ""),
                )
            )
        else:
            tasks.append(TownTask(str(folder), str(out), key, settings))
    return tasks, unchanged


def warm_up() -> None:
    """Do the heavy imports and first-use set-up once per worker process.

    Examples
    --------
    >>> warm_up()  # doctest: +SKIP
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot
    import nbconvert  # noqa: F401
    import pandas  # noqa: F401
    import papermill  # noqa: F401
    import statsmodels.api  # noqa: F401
    import weasyprint  # noqa: F401

    import diagnosis.evidence
    import diagnosis.present
    import diagnosis.report  # noqa: F401

    from . import engine  # noqa: F401


def _town_logger(out_dir: Path) -> tuple[logging.Logger, logging.Handler]:
    log = logging.getLogger(f"diagnosis.batch.town.{out_dir.name}.{os.getpid()}")
    log.setLevel(logging.INFO)
    log.propagate = False
    handler = logging.FileHandler(out_dir / LOG_FILE, mode="w", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    log.addHandler(handler)
    return log, handler


def _write_record(out_dir: Path, record: dict) -> None:
    tmp = out_dir / f".{FINGERPRINT_FILE}.tmp"
    tmp.write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, out_dir / FINGERPRINT_FILE)


def _town_name(folder: Path) -> str:
    from ..town import load_town

    try:
        return load_town(folder).name
    except DiagnosisError:
        return folder.name


def render_one(task: TownTask) -> TownResult:
    """Render one town in this (warm) process; never raises.

    Writes ``batch.log`` as it goes and ``batch.json`` (the fingerprint) last,
    only when every output is complete.

    Examples
    --------
    >>> task = plan(["surveys/towns/kwidzyn"], "/tmp/r", BatchSettings(), force=True)[0][0]
    >>> render_one(task).status  # doctest: +SKIP
    'done'
    """
    from ..report import render_town
    from .engine import ENGINE_NAME

    folder, out = Path(task.folder), Path(task.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / FINGERPRINT_FILE).unlink(missing_ok=True)  # not done until proven otherwise
    s = task.settings
    log, handler = _town_logger(out)
    start = time.monotonic()
    worker = f"{os.uname().nodename}:{os.getpid()}"
    name = folder.name
    try:
        log.info("town %s -> %s (worker %s)", folder, out, worker)
        log.info("parameters %s, template %s, timeout %s s", s.parameters(),
                 s.template_path(), s.timeout)  # fmt: skip
        log.info("fingerprint %s", task.fingerprint)
        name = _town_name(folder)
        status: Status = "done"
        message = ""
        n = None
        try:
            render_town(
                folder,
                out,
                **s.parameters(),  # type: ignore[arg-type]
                template=s.template_path(),
                progress=log.info,
                timeout=None,
                engine_name=ENGINE_NAME,
                engine_options={"notebook_timeout": s.timeout},
            )
        except DiagnosisError as err:
            timed_out = getattr(err.__context__, "ename", "") == "NotebookTimeout"
            status = "timeout" if timed_out else "failed"
            message = err.message(s.messages)
            if timed_out:
                message = (
                    f"Przekroczony limit czasu ({s.timeout:g} s): notatnik zatrzymano. {message}"
                    if s.messages == "pl"
                    else f"Timed out after {s.timeout:g} s: the notebook was stopped. {message}"
                )
            log.error("%s: %s", status, message)
        except Exception as exc:  # isolate the town: the batch goes on
            status = "failed"
            message = f"{type(exc).__name__}: {exc}"
            log.error("failed: %s\n%s", message, traceback.format_exc())
        duration = round(time.monotonic() - start, 2)
        if status == "done":
            try:
                evidence = json.loads((out / "evidence.json").read_text(encoding="utf-8"))
                n = evidence.get("n_respondents")
            except (OSError, ValueError):
                n = None
            finished = dt.datetime.now().isoformat(timespec="seconds")
            _write_record(out, {
                "fingerprint": task.fingerprint, "town": folder.name, "name": name, "n": n,
                "duration": duration, "finished": finished, "parameters": s.parameters(),
            })  # fmt: skip
            log.info("done in %.1f s", duration)
        else:
            finished = ""
        return TownResult(folder.name, name, status, str(out), n, duration, message, finished,
                          worker)  # fmt: skip
    except Exception as exc:  # even the bookkeeping failed: still one row, not a crash
        return TownResult(folder.name, name, "failed", str(out), None,
                          round(time.monotonic() - start, 2), f"{type(exc).__name__}: {exc}",
                          "", worker)  # fmt: skip
    finally:
        log.removeHandler(handler)
        handler.close()


class _Progress:
    """A tqdm bar: done / failed / remaining, elapsed and ETA."""

    def __init__(self, total: int, unchanged: int, enabled: bool) -> None:
        from tqdm import tqdm

        self.done, self.failed, self.total = unchanged, 0, total
        self.bar = tqdm(total=total, initial=unchanged, unit="town", desc="diagnosis batch",
                        disable=not enabled, file=sys.stderr, dynamic_ncols=True)  # fmt: skip
        self._postfix()

    def _postfix(self) -> None:
        remaining = self.total - self.done - self.failed
        self.bar.set_postfix_str(f"done={self.done} failed={self.failed} remaining={remaining}")

    def update(self, result: TownResult) -> None:
        if result.ok:
            self.done += 1
        else:
            self.failed += 1
            self.bar.write(f"✗ {result.town}: {result.message}", file=sys.stderr)
        self._postfix()
        self.bar.update(1)

    def close(self) -> None:
        self.bar.close()


def _run_local(
    tasks: list[TownTask], workers: int, on_result: Callable[[TownResult], None]
) -> list[TownResult]:
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor, as_completed

    results = []
    pool = ProcessPoolExecutor(
        max_workers=min(workers, len(tasks)),
        mp_context=mp.get_context("spawn"),
        initializer=warm_up,
    )
    try:
        futures = {pool.submit(render_one, task): task for task in tasks}
        for future in as_completed(futures):
            task = futures[future]
            try:
                result = future.result()
            except Exception as exc:  # the worker process itself died
                name = Path(task.folder).name
                message = f"{type(exc).__name__}: {exc}"
                result = TownResult(name, name, "failed", task.out_dir, message=message)
            results.append(result)
            on_result(result)
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return results


def run_batch(
    folders: Sequence[str | Path],
    out_root: str | Path,
    settings: BatchSettings | None = None,
    *,
    workers: int | None = None,
    force: bool = False,
    scheduler: str | None = None,
    progress: bool = True,
) -> list[TownResult]:
    """Render many towns in parallel, skip those up to date, write the index.

    Parameters
    ----------
    folders : sequence of path
        Town folders.
    out_root : path
        ``reports/``: each town goes to ``out_root/<town>/``.
    settings : BatchSettings, optional
    workers : int, optional
        Local worker processes (default: the number of cores).
    force : bool
        Redo towns that are up to date.
    scheduler : str, optional
        A dask.distributed scheduler address (``tcp://host:8786``): send the
        work there instead of a local pool. Workers must see the same paths.
    progress : bool
        Show the progress bar on standard error.

    Returns
    -------
    list of TownResult
        In the order of ``folders``; ``out_root/index.html`` and
        ``out_root/summary.csv`` list them.

    Examples
    --------
    >>> results = run_batch(["surveys/towns/kwidzyn"], "reports")  # doctest: +SKIP
    >>> results[0].status  # doctest: +SKIP
    'done'
    """
    from .index import write_index

    settings = settings or BatchSettings()
    settings = replace(settings, template=str(settings.template_path()))
    out_root = Path(out_root).resolve()
    out_root.mkdir(parents=True, exist_ok=True)
    tasks, unchanged = plan(folders, out_root, settings, force=force)
    bar = _Progress(len(tasks) + len(unchanged), len(unchanged), progress)
    try:
        if not tasks:
            done: list[TownResult] = []
        elif scheduler:
            from .cluster import run_on_dask

            done = run_on_dask(tasks, scheduler, on_result=bar.update)
        else:
            done = _run_local(tasks, workers or os.cpu_count() or 1, bar.update)
    finally:
        bar.close()
    by_town = {r.town: r for r in [*unchanged, *done]}
    results = [by_town[Path(f).resolve().name] for f in folders]
    write_index(results, out_root, settings.lang)
    return results
