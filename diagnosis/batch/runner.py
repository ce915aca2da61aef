"""The batch: which towns to (re)do, warm workers to do them, and what each one gave.

A town is rendered by :func:`render_one` in a warm worker (a process that has
imported pandas, matplotlib, statsmodels, WeasyPrint and ``diagnosis`` once,
see :func:`warm_up`): validation, the template through papermill's
``diagnosis-warm`` engine (a fresh fork per notebook), HTML and PDF, all in
that worker. Each town writes ``reports/<slug>/batch.log``; ``<slug>`` is the
town's :attr:`~diagnosis.town.Town.slug`, as for ``diagnosis report``: the town
folder's name, ``<town>-wave2`` for a later wave, so every town and wave has a
folder of its own.

Nothing half-made looks current: a town is rendered into a temporary folder
beside its target (``reports/.<slug>.new-*``), which replaces
``reports/<slug>/`` in one rename only when the report is complete. When the
attempt fails, times out or its worker dies, ``reports/<slug>/`` holds that
attempt's ``batch.log`` (and the notebook that stopped) and no PDF; the last
complete report, if there was one, is moved to ``reports/<slug>/previous/``
with ``OUT_OF_DATE.txt`` saying, in Polish and English, that it is not current
(summary.csv and index.html say so too).

Resume: a complete report holds ``batch.json`` with its fingerprint: a SHA-256
of every input the report reads (the town folder's files, except later waves'
subfolders; every file town.yaml names, wherever it is, with the questionnaire),
the template, the parameters and the program (the package version and the
package's own files: its code and data, such as the redactor's name lists). A
town whose fingerprint matches and whose files exist is skipped; an interrupted
batch thus loses no finished report and never takes a half-written one for done.

Several batches may run on one output folder at once: each town is rendered
under a lock (``reports/.locks/<slug>.lock``, :func:`fcntl.flock`), so a town is
made once; a batch that finds a town locked does its other towns first, then
waits, and reports the town another batch made as ``unchanged``.

Workers die with the batch (Linux ``PR_SET_PDEATHSIG``, a parent check
elsewhere, see :func:`~.engine.die_with_parent`): ``kill -9`` of the batch leaves
no process rendering.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import fcntl
import hashlib
import json
import logging
import os
import shutil
import sys
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from ..errors import DiagnosisError, Language

__all__ = [
    "FINGERPRINT_FILE",
    "LOCK_DIR",
    "LOG_FILE",
    "OUT_OF_DATE_FILE",
    "PREVIOUS_DIR",
    "BatchSettings",
    "TownResult",
    "TownTask",
    "fingerprint",
    "plan",
    "render_one",
    "run_batch",
    "settle_lost",
    "warm_up",
    "without_iri_grammar",
]

#: per-town files written by the batch
FINGERPRINT_FILE = "batch.json"
LOG_FILE = "batch.log"
#: where the last complete report goes when a newer attempt fails, and its note
PREVIOUS_DIR = "previous"
OUT_OF_DATE_FILE = "OUT_OF_DATE.txt"
#: the per-town lock files, under the output folder
LOCK_DIR = ".locks"
#: files a finished report must have
_OUTPUTS = ("diagnosis.ipynb", "diagnosis.html", "diagnosis.pdf")
#: what a failed attempt keeps in the town's folder: its log and the notebook that stopped
_KEPT_ON_FAILURE = (LOG_FILE, "diagnosis.ipynb")
#: the package (its code and data files are part of every fingerprint)
PROGRAM = Path(__file__).resolve().parent.parent

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
    """One town to render: its folder, output folder and fingerprint.

    ``force`` and ``since`` (the batch's start, seconds since the epoch) tell
    :func:`render_one` whether a report another batch finished meanwhile will
    do; ``wait``: wait for another batch's lock on the town instead of handing
    the town back at once.
    """

    folder: str
    out_dir: str
    fingerprint: str
    settings: BatchSettings
    force: bool = False
    since: float = 0.0
    wait: bool = False


@dataclass(frozen=True)
class TownResult:
    """What happened to one town (a row of summary.csv).

    ``town`` is the slug (the report folder's name), ``status``: ``done``
    (rendered now), ``unchanged`` (skipped: up to date, or made meanwhile by
    another batch), ``failed`` (bad input, a notebook error, a dead worker) or
    ``timeout``. ``previous``: after a failure, the superseded PDF of the last
    complete report (relative to the output folder), if there is one. ``wave``
    is None for a town whose town.yaml could not be read.
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
    wave: int | None = 1
    previous: str = ""

    @property
    def ok(self) -> bool:
        """The report exists."""
        return self.status in ("done", "unchanged")


def _hash_input(digest, label: str, path: Path) -> None:
    """Feed one input file to ``digest``: its label, size and content (a missing one says so)."""
    digest.update(f"\0{label}\0".encode())
    try:
        with path.open("rb") as handle:
            digest.update(f"{os.fstat(handle.fileno()).st_size}\0".encode())
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    except OSError:
        digest.update(b"\0missing\0")


_program_cache: dict[tuple, str] = {}


def _program() -> str:
    """A digest of the program: the package version and every file of the package.

    The package's files are its code and its data (e.g. the redactor's name
    lists); their sizes and modification times decide whether to read them again.
    """
    from .. import __version__

    files = sorted(
        p
        for p in PROGRAM.rglob("*")
        if p.is_file()
        and "__pycache__" not in p.parts
        and not p.name.startswith(".")
        and not p.name.endswith(("~", ".pyc"))
    )
    signature = tuple((str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in files)
    if signature not in _program_cache:
        digest = hashlib.sha256(__version__.encode())
        for path in files:
            _hash_input(digest, str(path.relative_to(PROGRAM)), path)
        _program_cache.clear()
        _program_cache[signature] = digest.hexdigest()
    return _program_cache[signature]


def _inputs(folder: Path) -> list[tuple[str, Path]]:
    """(label, path) of every file the report of the town in ``folder`` reads.

    Every file in the town folder except those of a later wave (a subfolder with
    its own town.yaml: that wave's report reads them, this one does not), and
    every file town.yaml names, wherever it lies: the questionnaire, the
    response files (with the LimeSurvey ``.sps``/``.dat`` beside them) and the
    workshop files.
    """
    from ..town import load_town

    waves = [p.parent for p in folder.glob("*/**/town.yaml")]
    found: dict[Path, str] = {}
    for path in folder.rglob("*"):
        if path.is_file() and not any(path.is_relative_to(w) for w in waves):
            found[path] = str(path.relative_to(folder))
    try:
        town = load_town(folder)
    except DiagnosisError:
        return sorted((label, path) for path, label in found.items())  # it fails anyway
    named = [town.config_path, town.instrument, *(r.path for r in town.responses),
             town.workshop_ideas, town.assets]  # fmt: skip
    for path in (Path(p).resolve() for p in named if p is not None):
        beside = []
        if path.suffix.lower() in (".dat", ".sps") and path.parent.is_dir():
            beside = [p for p in path.parent.iterdir() if p.suffix.lower() in (".dat", ".sps")]
        for item in [path, *beside]:
            inside = item.is_relative_to(folder)
            found.setdefault(item, str(item.relative_to(folder)) if inside else str(item))
    return sorted((label, path) for path, label in found.items())


def fingerprint(folder: str | Path, settings: BatchSettings) -> str:
    """SHA-256 of everything a town's report depends on.

    The contents of every input the report reads (see :func:`_inputs`: the
    town folder's files, not a later wave's, and every file town.yaml names
    wherever it is, the questionnaire included), the template, the parameters
    and the program (the package version and the package's own code and data
    files).

    Examples
    --------
    >>> a = fingerprint("surveys/towns/kwidzyn", BatchSettings())
    >>> a == fingerprint("surveys/towns/kwidzyn", BatchSettings(threshold=11))
    False
    """
    folder = Path(folder).resolve()
    digest = hashlib.sha256()
    digest.update(json.dumps(settings.parameters(), sort_keys=True).encode())
    digest.update(_program().encode())
    _hash_input(digest, "\0template", settings.template_path())
    for label, path in _inputs(folder):
        _hash_input(digest, label, path)
    return digest.hexdigest()


def _read_record(out_dir: Path) -> dict | None:
    try:
        record = json.loads((out_dir / FINGERPRINT_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


def _complete(out_dir: Path) -> dict | None:
    """The record of the complete report in ``out_dir`` (None: there is none)."""
    record = _read_record(out_dir)
    if record is None or not all((out_dir / name).exists() for name in _OUTPUTS):
        return None
    return record


def _up_to_date(out_dir: Path, key: str) -> dict | None:
    """The record of a complete report in ``out_dir`` made from the inputs ``key`` stands for."""
    record = _complete(out_dir)
    return record if record is not None and record.get("fingerprint") == key else None


def _unchanged(out_dir: Path, record: dict, message: str = "") -> TownResult:
    return TownResult(
        town=out_dir.name,
        name=record.get("name", out_dir.name),
        status="unchanged",
        out_dir=str(out_dir),
        n=record.get("n"),
        duration=record.get("duration"),
        message=message,
        finished=record.get("finished", ""),
        wave=record.get("wave", 1),
    )


@dataclass(frozen=True)
class _Target:
    folder: Path
    out_dir: Path
    name: str
    wave: int | None


def _identity(folder: Path) -> tuple[str, str, int | None]:
    """(slug, display name, wave) of a town folder; for one that does not load, from its path."""
    from ..town import load_town

    try:
        town = load_town(folder)
    except DiagnosisError:
        if (folder.parent / "town.yaml").is_file():  # a later wave's subfolder
            return f"{folder.parent.name}-{folder.name}", folder.name, None
        return folder.name, folder.name, None
    return town.slug, town.name, town.wave


def _targets(folders: Sequence[str | Path], out_root: str | Path) -> list[_Target]:
    """Each town once, with its own report folder ``out_root/<slug>``.

    Raises
    ------
    DiagnosisError
        When two different town folders would get the same report folder.
    """
    root = Path(out_root).resolve()
    seen: dict[str, Path] = {}
    targets = []
    for folder in folders:
        folder = Path(folder).resolve()
        slug, name, wave = _identity(folder)
        if slug in seen:
            if seen[slug] == folder:
                continue  # named twice: one town
            raise DiagnosisError(
                pl=f"Miejscowości z folderów {seen[slug]} i {folder} dostałyby ten sam folder "
                f"raportu ({root / slug}) i jeden raport zastąpiłby drugi. Zmień nazwę jednego "
                "z folderów albo zrób ich raporty osobno, z różnymi --out.",
                en=f"The towns in {seen[slug]} and {folder} would get the same folder for their "
                f"reports ({root / slug}), and one report would replace the other. Rename one "
                "of the folders or make their reports separately, with different --out.",
            )
        seen[slug] = folder
        targets.append(_Target(folder, root / slug, name, wave))
    return targets


def plan(
    folders: Sequence[str | Path],
    out_root: str | Path,
    settings: BatchSettings,
    *,
    force: bool = False,
) -> tuple[list[TownTask], list[TownResult]]:
    """Split the towns into those to render and those already up to date.

    Each town's report folder is ``out_root/<slug>`` (:attr:`diagnosis.town.Town.slug`:
    ``<town>-wave2`` for a later wave); a town folder named twice counts once.

    Returns
    -------
    tasks : list of TownTask
    unchanged : list of TownResult
        With status ``unchanged`` and the figures of the run that made them.

    Raises
    ------
    DiagnosisError
        When two different town folders would share a report folder.

    Examples
    --------
    >>> tasks, skipped = plan(["surveys/towns/kwidzyn"], "/tmp/r", BatchSettings(), force=True)
    >>> len(tasks), skipped
    (1, [])
    """
    since = time.time()
    tasks, unchanged = [], []
    for target in _targets(folders, out_root):
        key = fingerprint(target.folder, settings)
        record = _up_to_date(target.out_dir, key)
        if not force and record is not None:
            unchanged.append(_unchanged(target.out_dir, record))
        else:
            tasks.append(
                TownTask(str(target.folder), str(target.out_dir), key, settings, force, since)
            )
    return tasks, unchanged


def warm_up() -> None:
    """Do the heavy imports and first-use set-up once per worker process.

    What the template's notebook imports (``diagnosis.report.town_report`` and
    the analysis under it), papermill and WeasyPrint: each notebook's fork
    inherits them. Not ``statsmodels.api`` nor nbconvert, which the report does
    not use (0.5 s each; nbconvert's markdown filter is imported where a
    template's markdown cell needs it). jsonschema (imported by papermill
    through nbformat) is kept from building the grammar of the "iri" formats
    (see :func:`without_iri_grammar`), and WeasyPrint lays out a line once, as
    the first PDF would.

    Examples
    --------
    >>> warm_up()  # doctest: +SKIP
    """
    without_iri_grammar()
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot
    import pandas  # noqa: F401
    import papermill  # noqa: F401
    import weasyprint  # noqa: F401

    import diagnosis.evidence
    import diagnosis.present
    import diagnosis.report.town_report  # noqa: F401  (what the template's cells import)

    from ..report.render import _prepare_pdf
    from . import engine  # noqa: F401

    _prepare_pdf()


def without_iri_grammar() -> None:
    """Let jsonschema do without rfc3987-syntax in this process (as ``diagnosis report`` does).

    When rfc3987-syntax is installed, importing jsonschema builds its grammar
    for the "iri" and "iri-reference" formats: 1.1-1.6 s of every worker's
    start. Notebooks are validated without format checks (nbformat's schemas
    are draft 4, which has neither format), so nothing here uses it: the
    package is reported as not installed. A no-op once jsonschema is imported.

    Examples
    --------
    >>> without_iri_grammar()
    """
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


def _start_worker(parent: int) -> None:
    """A local worker's start: die with the batch ``parent``, then warm up."""
    from .engine import die_with_parent

    die_with_parent(parent)
    warm_up()


def _town_logger(folder: Path, slug: str) -> tuple[logging.Logger, logging.Handler]:
    log = logging.getLogger(f"diagnosis.batch.town.{slug}.{os.getpid()}")
    log.setLevel(logging.INFO)
    log.propagate = False
    handler = logging.FileHandler(folder / LOG_FILE, mode="w", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    log.addHandler(handler)
    return log, handler


def _write_record(out_dir: Path, record: dict) -> None:
    tmp = out_dir / f".{FINGERPRINT_FILE}.tmp"
    tmp.write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, out_dir / FINGERPRINT_FILE)


# ------------------------------------------------------------------ one town's folder, safely


@contextlib.contextmanager
def _town_lock(root: Path, slug: str, *, wait: bool) -> Iterator[bool]:
    """Hold ``root/.locks/<slug>.lock`` (``flock``): True, or False when another has it.

    With ``wait``, wait for the other holder instead of yielding False. The lock
    goes with the process that holds it, however it ends.
    """
    locks = root / LOCK_DIR
    locks.mkdir(parents=True, exist_ok=True)
    fd = os.open(locks / f"{slug}.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        mine = True
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            mine = False
        if not mine and wait:
            fcntl.flock(fd, fcntl.LOCK_EX)
            mine = True
        yield mine
    finally:
        os.close(fd)  # releases the lock


def _new_work(out: Path) -> Path:
    """A fresh temporary folder beside ``out`` (same file system: one rename moves it)."""
    work = out.parent / f".{out.name}.new-{os.getpid()}-{os.urandom(4).hex()}"
    work.mkdir()
    return work


def _clear_leftovers(out: Path) -> None:
    """Remove temporary folders of ``out`` left by a batch that was killed (hold the lock)."""
    import glob

    for pattern in (".{}.new-*", ".{}.old-*"):
        for path in out.parent.glob(pattern.format(glob.escape(out.name))):
            shutil.rmtree(path, ignore_errors=True)


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step (Linux ``renameat2(RENAME_EXCHANGE)``); False if unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                          ctypes.c_uint]  # fmt: skip
    renameat2.restype = ctypes.c_int
    done = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return done == 0


def _put_in_place(work: Path, out: Path) -> Path | None:
    """Make ``work`` the folder ``out``; return where the old ``out`` now is (None: none was).

    One atomic swap where the system has one; otherwise two renames, between
    which ``out`` is briefly absent (never half-written).
    """
    if not out.exists():
        os.rename(work, out)
        return None
    if _exchange(work, out):
        return work
    old = out.parent / f".{out.name}.old-{os.getpid()}-{os.urandom(4).hex()}"
    os.rename(out, old)
    os.rename(work, out)
    return old


def _out_of_date_note(record: dict, message: str, lang: Language) -> str:
    made = record.get("finished") or "?"
    now = dt.datetime.now().isoformat(timespec="seconds")
    reason = "Przyczyna" if lang == "pl" else "Reason"
    return (
        "NIEAKTUALNY RAPORT\n\n"
        f"Ten raport powstał {made} i nie jest aktualny: ostatnia próba utworzenia go od nowa "
        f"({now}) nie powiodła się. Nie publikuj go jako aktualnego; usuń przyczynę i uruchom "
        "diagnosis batch ponownie. Przebieg tej próby: ../batch.log.\n\n"
        "OUT OF DATE\n\n"
        f"This report was made on {made} and is not current: the latest attempt to make it "
        f"again ({now}) failed. Do not publish it as current; fix the cause and run diagnosis "
        "batch again. That attempt's log: ../batch.log.\n\n"
        f"{reason}: {message}\n"
    )


def _settle(task: TownTask, work: Path, result: TownResult) -> TownResult:
    """Move the attempt in ``work`` into place; after a failure set the last report aside.

    A complete report replaces the town's folder in one step (with any earlier
    ``previous/``). A failed one keeps only its log and notebook, becomes the
    town's folder, and the last complete report (the folder it replaces, or
    that folder's ``previous/``) becomes ``previous/`` with ``OUT_OF_DATE.txt``.
    """
    out = Path(task.out_dir)
    result = replace(result, out_dir=str(out), message=result.message.replace(str(work), str(out)))
    if result.status == "done":
        old = _put_in_place(work, out)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        return result
    for item in work.iterdir():
        if item.name not in _KEPT_ON_FAILURE:
            if item.is_dir() and not item.is_symlink():
                shutil.rmtree(item)
            else:
                item.unlink()
    if _complete(out) is not None:
        last: str | None = "."
    elif _complete(out / PREVIOUS_DIR) is not None:
        last = PREVIOUS_DIR
    else:
        last = None
    old = _put_in_place(work, out)
    if old is not None and last is not None:
        kept = old / last
        record = _read_record(kept) or {}
        lang = task.settings.messages
        note = _out_of_date_note(record, result.message, lang)
        (kept / OUT_OF_DATE_FILE).write_text(note, encoding="utf-8")
        os.rename(kept, out / PREVIOUS_DIR)
        made = record.get("finished") or "?"
        moved = (
            f"Poprzedni raport (z {made}) jest nieaktualny: przeniesiono go do "
            f"{out.name}/{PREVIOUS_DIR}/."
            if lang == "pl"
            else f"The previous report (of {made}) is out of date: it was moved to "
            f"{out.name}/{PREVIOUS_DIR}/."
        )
        result = replace(
            result,
            previous=f"{out.name}/{PREVIOUS_DIR}/diagnosis.pdf",
            message=f"{result.message} {moved}".strip(),
        )
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return result


def _made_meanwhile(task: TownTask) -> TownResult | None:
    """The town's report if another batch made it from the same inputs while this one ran."""
    out = Path(task.out_dir)
    record = _up_to_date(out, task.fingerprint)
    if record is None or (task.force and float(record.get("finished_at", 0)) < task.since):
        return None
    message = (
        "Zrobiony w tym samym czasie przez inny przebieg diagnosis batch na tym folderze."
        if task.settings.messages == "pl"
        else "Made meanwhile by another diagnosis batch on this folder."
    )
    return _unchanged(out, record, message)


def settle_lost(task: TownTask, message: str) -> TownResult:
    """The row of a town whose worker died; its last report, if any, set aside as out of date.

    Called by the batch (not a worker) when rendering ``task`` ended without a
    result, e.g. the worker was killed. Unless another batch has meanwhile made
    the town, the town's folder gets a ``batch.log`` with ``message`` and the last
    complete report goes to ``previous/``, as after any failure.

    Examples
    --------
    >>> task = plan(["surveys/towns/kwidzyn"], "/tmp/r", BatchSettings(), force=True)[0][0]
    >>> settle_lost(task, "BrokenProcessPool").status  # doctest: +SKIP
    'failed'
    """
    out = Path(task.out_dir)
    _, name, wave = _identity(Path(task.folder))
    result = TownResult(out.name, name, "failed", str(out), message=message, wave=wave)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with _town_lock(out.parent, out.name, wait=True):
            made = _made_meanwhile(task)
            if made is not None:
                return made
            _clear_leftovers(out)
            work = _new_work(out)
            now = dt.datetime.now().isoformat(sep=" ", timespec="seconds")
            (work / LOG_FILE).write_text(f"{now} ERROR failed: {message}\n", encoding="utf-8")
            return _settle(task, work, result)
    except OSError:
        return result


def _render(task: TownTask, work: Path, worker: str) -> TownResult:
    """Render ``task`` into ``work``; never raises. ``batch.json`` is written last, if done."""
    from ..report import render_town
    from .engine import ENGINE_NAME

    folder, out = Path(task.folder), Path(task.out_dir)
    s = task.settings
    log, handler = _town_logger(work, out.name)
    start = time.monotonic()
    name, wave = folder.name, None
    try:
        log.info("town %s -> %s (worker %s; written in %s, moved into place when complete)",
                 folder, out, worker, work.name)  # fmt: skip
        log.info("parameters %s, template %s, timeout %s s", s.parameters(),
                 s.template_path(), s.timeout)  # fmt: skip
        log.info("fingerprint %s", task.fingerprint)
        _, name, wave = _identity(folder)
        status: Status = "done"
        message = ""
        n = None
        try:
            render_town(
                folder,
                work,
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
            log.error("%s: %s", status, message.replace(str(work), str(out)))
        except Exception as exc:  # isolate the town: the batch goes on
            status = "failed"
            message = f"{type(exc).__name__}: {exc}"
            log.error("failed: %s\n%s", message, traceback.format_exc())
        duration = round(time.monotonic() - start, 2)
        finished = ""
        if status == "done":
            try:
                evidence = json.loads((work / "evidence.json").read_text(encoding="utf-8"))
                n = evidence.get("n_respondents")
            except (OSError, ValueError, AttributeError):
                n = None
            finished = dt.datetime.now().isoformat(timespec="seconds")
            _write_record(work, {
                "fingerprint": task.fingerprint, "town": out.name, "folder": str(folder),
                "name": name, "wave": wave, "n": n, "duration": duration, "finished": finished,
                "finished_at": time.time(), "parameters": s.parameters(),
            })  # fmt: skip
            log.info("done in %.1f s", duration)
        return TownResult(out.name, name, status, str(out), n, duration, message, finished,
                          worker, wave)  # fmt: skip
    except Exception as exc:  # even the bookkeeping failed: still one row, not a crash
        log.error("failed: %s\n%s", exc, traceback.format_exc())
        return TownResult(out.name, name, "failed", str(out), None,
                          round(time.monotonic() - start, 2), f"{type(exc).__name__}: {exc}",
                          "", worker, wave)  # fmt: skip
    finally:
        log.removeHandler(handler)
        handler.close()


def render_one(task: TownTask) -> TownResult | None:
    """Render one town in this (warm) process; never raises.

    Under the town's lock (see :func:`_town_lock`): the report is made in a
    temporary folder beside ``task.out_dir`` and moved into place when complete
    (``batch.json``, the fingerprint, is its last file); a failure sets the last
    complete report aside as out of date (see :func:`_settle`).

    Returns
    -------
    TownResult or None
        None when another batch holds the town's lock and ``task.wait`` is false:
        the caller tries again later with ``wait=True``. A town another batch
        made meanwhile from the same inputs is ``unchanged``.

    Examples
    --------
    >>> task = plan(["surveys/towns/kwidzyn"], "/tmp/r", BatchSettings(), force=True)[0][0]
    >>> render_one(task).status  # doctest: +SKIP
    'done'
    """
    out = Path(task.out_dir)
    worker = f"{os.uname().nodename}:{os.getpid()}"
    start = time.monotonic()
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with _town_lock(out.parent, out.name, wait=task.wait) as mine:
            if not mine:
                return None
            made = _made_meanwhile(task)
            if made is not None:
                return made
            _clear_leftovers(out)
            work = _new_work(out)
            return _settle(task, work, _render(task, work, worker))
    except Exception as exc:  # the folder could not be set up or moved: one row, not a crash
        return TownResult(out.name, Path(task.folder).name, "failed", str(out), None,
                          round(time.monotonic() - start, 2), f"{type(exc).__name__}: {exc}",
                          "", worker)  # fmt: skip


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


def _died_message(task: TownTask) -> str:
    """What a town's row says when the worker making its report died, even running alone."""
    if task.settings.messages == "pl":
        return (
            "Proces tworzący raport tego miasta został nagle zatrzymany (np. zabrakło pamięci "
            "albo system go zabił), także gdy działał sam; pozostałe miasta robiono dalej. "
            "Sprawdź dane miasta i pamięć komputera, potem uruchom tylko to miasto ponownie."
        )
    return (
        "The process making this town's report was stopped abruptly (e.g. out of memory, "
        "or killed by the system), also when running alone; the other towns went on. "
        "Check the town's data and the machine's memory, then run this town again."
    )


def _run_pool(
    queue: deque[TownTask], workers: int, results: list[TownResult],
    on_result: Callable[[TownResult], None],
) -> list[TownTask]:  # fmt: skip
    """Render ``queue`` with a pool of ``workers``, at most one town per worker at a time.

    Returns the towns that were in a worker when the pool broke (a worker died),
    in the order they were given, or ``[]``; the towns not yet started stay in ``queue``.
    """
    import multiprocessing as mp
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    def done(task: TownTask, result: TownResult | None) -> None:
        if result is None:  # another batch has the town: the others first, then wait
            queue.append(replace(task, wait=True))
            return
        results.append(result)
        on_result(result)

    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=mp.get_context("spawn"),
        initializer=_start_worker,
        initargs=(os.getpid(),),
    )
    pending: dict = {}
    broken: list[TownTask] = []
    try:
        while queue or pending:
            while queue and len(pending) < workers and not broken:
                task = queue.popleft()
                pending[pool.submit(render_one, task)] = task
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in [f for f in pending if f in finished]:  # in the order given
                task = pending.pop(future)
                try:
                    done(task, future.result())
                except BrokenProcessPool:  # a worker died: which town did it is not known yet
                    broken.append(task)
                except Exception as exc:  # e.g. a result that could not be sent back
                    done(task, settle_lost(task, f"{type(exc).__name__}: {exc}"))
            if broken and not pending:
                break
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return broken


def _run_local(
    tasks: list[TownTask], workers: int, on_result: Callable[[TownResult], None]
) -> list[TownResult]:
    """Render ``tasks`` with ``workers`` processes; a worker that dies costs only its town.

    When a worker dies (killed for lack of memory, say), the pool is broken and
    the towns then in a worker are unfinished. Those are made again one at a
    time by a single worker, so a worker that dies then died making that town,
    which gets the failed row; the other towns go on in a new pool.
    """
    queue = deque(tasks)
    results: list[TownResult] = []
    while queue:
        suspects = deque(_run_pool(queue, min(workers, len(queue)), results, on_result))
        while suspects:  # one at a time in one worker: a death now is the town's own
            for task in _run_pool(suspects, 1, results, on_result):
                result = settle_lost(task, _died_message(task))
                results.append(result)
                on_result(result)
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
        ``reports/``: each town goes to ``out_root/<slug>/`` (``<town>-wave2`` for a
        later wave, as ``diagnosis report`` names it).
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
        In the order of ``folders`` (each town once); ``out_root/index.html`` and
        ``out_root/summary.csv`` list them.

    Raises
    ------
    DiagnosisError
        When two different town folders would share a report folder.

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
    targets = _targets(folders, out_root)
    tasks, unchanged = plan([t.folder for t in targets], out_root, settings, force=force)
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
    by_folder = {r.out_dir: r for r in [*unchanged, *done]}
    results = [by_folder[str(t.out_dir)] for t in targets]
    write_index(results, out_root, settings.lang)
    return results
