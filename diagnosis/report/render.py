"""Render a town's report: the template notebook, executed with papermill, to HTML and PDF.

``diagnosis report surveys/towns/<town>`` calls :func:`render_town`, which
writes to ``reports/<town>/``:

* ``diagnosis.ipynb`` — the executed notebook (kept for audit: it shows how
  every number was made);
* ``diagnosis.html`` — standalone, without code cells;
* ``diagnosis.pdf`` — A4, made from that HTML by WeasyPrint;
* ``evidence.json``, ``indicators.csv``, ``indicators.xlsx`` — written by the
  notebook itself.

Before starting a kernel the town is validated in-process, so bad input gets
the usual located message in the user's language; a failure inside the
notebook is reported as one readable message naming the town, the cell and
the reason.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import LANG_VARIABLE, DiagnosisError, Language

if TYPE_CHECKING:
    import nbformat

# Everything else is imported where it is first needed, so that ``diagnosis report``
# says what it is doing before the heavy imports: the town and its validation (pandas),
# papermill (nbformat, jsonschema), the analysis (in the notebook) and WeasyPrint.

__all__ = [
    "REPORTS_DIR",
    "TEMPLATE",
    "WARM_ENGINE",
    "ReportFiles",
    "execute_template",
    "print_progress",
    "publish",
    "render_town",
    "report_title",
]

_ROOT = Path(__file__).resolve().parent.parent.parent
#: the town report template
TEMPLATE = _ROOT / "notebooks" / "diagnosis.ipynb"
#: where reports go by default
REPORTS_DIR = _ROOT / "reports"

#: papermill's name of the warm engine (:data:`diagnosis.batch.engine.ENGINE_NAME`; not
#: imported from there, which would import papermill): the notebook runs in a fork of
#: this process, with no kernel to start and nothing imported or validated twice
WARM_ENGINE = "diagnosis-warm"

#: the Jupyter kernel's own log (e.g. ipykernel's "[IPKernelApp] WARNING | Kernel is running
#: over TCP without encryption") goes to the terminal it inherits: only errors get there
_QUIET_KERNEL = ("--IPKernelApp.log_level=ERROR",)

_TITLE = {"pl": "Diagnoza potrzeb mieszkańców", "en": "Community needs diagnosis"}
_STAGES = {
    "pl": ["sprawdzanie danych", "analiza", "HTML", "PDF"],
    "en": ["checking the data", "analysis", "HTML", "PDF"],
}


def report_title(lang: Language) -> str:
    """The report's title in ``lang``."""
    return _TITLE[lang]


@dataclass(frozen=True)
class ReportFiles:
    """The files of one town's report."""

    folder: Path
    notebook: Path
    html: Path
    pdf: Path
    evidence_json: Path
    indicators_csv: Path
    indicators_xlsx: Path


def _say(progress: Callable[[str], None] | None, lang: Language, step: int, town: str) -> None:
    if progress is not None:
        stages = _STAGES[lang]
        progress(f"[{town}] {step}/{len(stages)} {stages[step - 1]}")


def execute_template(
    template: str | Path,
    notebook: Path,
    parameters: Mapping[str, object],
    *,
    who: tuple[str, str],
    **papermill_options: object,
) -> nbformat.NotebookNode:
    """Run a report template with papermill; a failing cell becomes one readable error.

    Parameters
    ----------
    template : str or Path
        The notebook to execute (from the checkout's root, as JupyterLab would).
    notebook : Path
        Where the executed notebook is written.
    parameters : mapping
        Injected after the template's ``parameters`` cell.
    who : (str, str)
        What the notebook was for, in Polish and English (e.g. the town), to
        start the error message with.
    **papermill_options
        Passed to :func:`papermill.execute_notebook` (kernel, engine, timeout ...).
        ``extra_arguments`` (for the kernel) defaults to a kernel that logs
        only errors, so its warnings do not reach the librarian's terminal.

    Raises
    ------
    ReportError
        Naming ``who``, the cell, the reason and the executed notebook.
    """
    import papermill as pm

    from ..evidence.analysis import ReportError

    # the kernel inherits the environment: the package's errors then read in the report's language
    lang = "en" if parameters.get("lang") == "en" else "pl"
    before = os.environ.get(LANG_VARIABLE)
    os.environ[LANG_VARIABLE] = lang
    try:
        return pm.execute_notebook(
            str(template),
            str(notebook),
            parameters=dict(parameters),
            cwd=str(_ROOT),
            **{"extra_arguments": list(_QUIET_KERNEL), **papermill_options},  # type: ignore[arg-type]
        )
    except pm.PapermillExecutionError as exc:
        # the package's own errors are already a sentence for the user; others keep their name
        known = exc.ename in _subclasses(DiagnosisError)
        reason = exc.evalue if known else f"{exc.ename}: {exc.evalue}"
        raise ReportError(
            pl=f"{who[0]}: notatnik zatrzymał się w komórce {exc.exec_count} "
            f"({reason}). Szczegóły w {notebook}.",
            en=f"{who[1]}: the notebook stopped in cell {exc.exec_count} "
            f"({reason}). Details in {notebook}.",
        ) from None
    finally:
        if before is None:
            os.environ.pop(LANG_VARIABLE, None)
        else:
            os.environ[LANG_VARIABLE] = before


def _subclasses(cls: type) -> set[str]:
    return {cls.__name__}.union(*(_subclasses(c) for c in cls.__subclasses__()))


def publish(
    executed: nbformat.NotebookNode,
    stem: Path,
    *,
    title: str,
    subtitle: str,
    meta: str,
    lang: Language,
    synthetic: bool,
    before_pdf: Callable[[], None] | None = None,
) -> tuple[Path, Path]:
    """Write an executed report notebook as ``<stem>.html`` (no code) and ``<stem>.pdf`` (A4).

    Returns
    -------
    (Path, Path)
        The HTML and the PDF.
    """
    from .document import notebook_html, standalone_html, write_pdf

    html = standalone_html(
        notebook_html(executed),
        title=title,
        subtitle=subtitle,
        meta=meta,
        lang=lang,
        synthetic=synthetic,
    )
    html_path = stem.with_suffix(".html")
    html_path.write_text(html, encoding="utf-8")
    if before_pdf is not None:
        before_pdf()
    return html_path, write_pdf(html, stem.with_suffix(".pdf"), base_url=stem.parent)


def render_town(
    folder: str | Path,
    out_dir: str | Path | None = None,
    *,
    lang: Language = "pl",
    threshold: int = 10,
    weighting: str = "rake",
    conf_level: float = 0.95,
    template: str | Path = TEMPLATE,
    progress: Callable[[str], None] | None = None,
    progress_bar: bool = False,
    kernel_name: str = "python3",
    timeout: int | None = 600,
    engine_name: str | None = None,
    engine_options: Mapping[str, object] | None = None,
) -> ReportFiles:
    """Execute the template for one town and write the notebook, HTML, PDF and evidence.

    Parameters
    ----------
    folder : str or Path
        The town folder.
    out_dir : str or Path, optional
        Default ``reports/<town>``.
    lang, threshold, weighting, conf_level
        The notebook's parameters (see the template's parameters cell).
    template : str or Path
        The notebook to execute.
    progress : callable, optional
        Called with a one-line message at each stage (e.g. ``print``).
    progress_bar : bool
        Show papermill's per-cell progress bar.
    kernel_name : str
    timeout : int or None
        Seconds a single cell may run.
    engine_name : str, optional
        The papermill engine (default: a Jupyter kernel via nbclient;
        ``"diagnosis-warm"``: a fork of this process, see :mod:`diagnosis.batch.engine`).
    engine_options : mapping, optional
        Further keyword arguments for the engine (e.g. ``notebook_timeout``).

    Returns
    -------
    ReportFiles

    Raises
    ------
    DiagnosisError
        Bad input (located), invalid settings, or a notebook failure
        (:class:`ReportError` naming the town, the cell and the reason).
    """
    folder = Path(folder).resolve()
    _say(progress, lang, 1, folder.name)
    from ..evidence.analysis import ReportError, Settings
    from ..town import load_town
    from ..validate import validate_town

    Settings(lang, int(threshold), weighting, float(conf_level)).check()  # type: ignore[arg-type]
    town = load_town(folder)
    checked = validate_town(folder)
    from ..validate import WEIGHTING_ONLY

    errors = [  # without weights, the sample need not cover every group of the population
        f for f in checked.findings()
        if f.severity == "error" and not (weighting == "none" and f.code in WEIGHTING_ONLY)
    ]  # fmt: skip
    if errors:
        first = errors[0]
        raise ReportError(
            pl=f"{town.name}: {first.pl} Uruchom 'diagnosis validate {folder}' i popraw dane.",
            en=f"{town.name}: {first.en} Run 'diagnosis validate {folder}' and fix the data.",
            file=first.file,
            row=first.row,
            column=first.column,
            value=first.value,
        )
    out = Path(out_dir) if out_dir else REPORTS_DIR / town.slug
    out.mkdir(parents=True, exist_ok=True)
    notebook = out / "diagnosis.ipynb"
    options = dict(engine_options or {})
    if engine_name == WARM_ENGINE and "weasyprint" not in sys.modules:
        # a cold process (``diagnosis report``): get WeasyPrint ready on the other core
        # while the fork runs the notebook (a warm batch worker has it already)
        options.setdefault("while_running", _prepare_pdf)
    _say(progress, lang, 2, town.slug)
    executed = execute_template(
        template,
        notebook,
        {
            "town": str(folder),
            "lang": lang,
            "threshold": int(threshold),
            "weighting": weighting,
            "conf_level": float(conf_level),
            "output_dir": str(out),
        },
        who=(f"Miejscowość {town.name}", f"Town {town.name}"),
        kernel_name=kernel_name,
        progress_bar=progress_bar,
        execution_timeout=timeout,
        engine_name=engine_name,
        **options,
    )
    _say(progress, lang, 3, town.slug)
    html_path, pdf_path = publish(
        executed,
        out / "diagnosis",
        title=report_title(lang),
        subtitle=town.name,
        meta=_cover_meta(town, lang),
        lang=lang,
        synthetic=town.synthetic,
        before_pdf=lambda: _say(progress, lang, 4, town.slug),
    )
    return ReportFiles(
        folder=out,
        notebook=notebook,
        html=html_path,
        pdf=pdf_path,
        evidence_json=out / "evidence.json",
        indicators_csv=out / "indicators.csv",
        indicators_xlsx=out / "indicators.xlsx",
    )


def _prepare_pdf() -> None:
    """Import WeasyPrint and lay out a line once: what the first PDF would pay for."""
    import logging

    from weasyprint import HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    HTML(string="<p>Zażółć</p>").write_pdf()


def _cover_meta(town, lang: Language) -> str:
    from ..present import format_date

    today = format_date(dt.date.today(), lang)
    start, end = format_date(town.fieldwork_start, lang), format_date(town.fieldwork_end, lang)
    if lang == "pl":
        return f"Badanie: {start} – {end}. Raport z dnia {today}."
    return f"Fieldwork: {start} – {end}. Report of {today}."


def print_progress(message: str) -> None:
    """Progress on standard error, so that standard output stays clean."""
    print(message, file=sys.stderr, flush=True)
