"""Render the comparison: the notebook, executed with papermill, to HTML and PDF.

``diagnosis compare`` calls :func:`render_comparison`, which writes to
``reports/compare/``: ``compare_towns.ipynb`` (executed, for audit),
``compare.html`` (no code), ``compare.pdf`` (A4, WeasyPrint), and the
pooled exports the notebook writes (``pooled.csv``, ``pooled.parquet``,
``pooled.sav``, ``codebook.csv``, ``town_indicators.csv``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import DiagnosisError, Language
from ..report.document import notebook_html, standalone_html, write_pdf
from ..report.render import REPORTS_DIR

__all__ = ["TEMPLATE", "ComparisonFiles", "render_comparison"]

_ROOT = Path(__file__).resolve().parent.parent.parent
#: the comparison template
TEMPLATE = _ROOT / "notebooks" / "compare_towns.ipynb"
_TITLE = {"pl": "Porównanie miejscowości", "en": "Comparing towns"}
_STAGES = {
    "pl": ["analiza (notatnik)", "HTML", "PDF"],
    "en": ["analysis (notebook)", "HTML", "PDF"],
}


@dataclass(frozen=True)
class ComparisonFiles:
    """What :func:`render_comparison` wrote."""

    folder: Path
    notebook: Path
    html: Path
    pdf: Path


def render_comparison(
    towns: Sequence[str | Path] = (),
    out_dir: str | Path | None = None,
    *,
    lang: Language = "pl",
    threshold: int = 10,
    weighting: str = "rake",
    conf_level: float = 0.95,
    adjusted_indicator: str = "life_in_town",
    template: str | Path = TEMPLATE,
    progress: Callable[[str], None] | None = None,
    timeout: int | None = 900,
) -> ComparisonFiles:
    """Execute the comparison notebook and write it with its HTML and PDF.

    Parameters
    ----------
    towns : sequence of str or Path
        Town folders or names; empty: every town under ``surveys/towns``.
    out_dir : str or Path, optional
        Default ``reports/compare``.
    lang, threshold, weighting, conf_level, adjusted_indicator
        The notebook's parameters.
    progress : callable, optional
        Called with a one-line message at each stage.
    timeout : int or None
        Seconds a single cell may run.

    Raises
    ------
    DiagnosisError
        A failure inside the notebook, as one readable message.
    """
    import papermill as pm

    out = Path(out_dir) if out_dir else REPORTS_DIR / "compare"
    out.mkdir(parents=True, exist_ok=True)
    notebook = out / "compare_towns.ipynb"

    def say(step: int) -> None:
        if progress:
            progress(f"[{step}/3] {_STAGES[lang][step - 1]}")

    say(1)
    try:
        executed = pm.execute_notebook(
            str(template),
            str(notebook),
            parameters={
                "towns": [str(t) for t in towns],
                "lang": lang,
                "threshold": int(threshold),
                "weighting": weighting,
                "conf_level": float(conf_level),
                "adjusted_indicator": adjusted_indicator,
                "output_dir": str(out.resolve()),
            },
            progress_bar=False,
            execution_timeout=timeout,
            cwd=str(_ROOT),
        )
    except pm.PapermillExecutionError as exc:
        raise DiagnosisError(
            pl=f"Porównanie: notatnik zatrzymał się w komórce {exc.exec_count} "
            f"({exc.ename}: {exc.evalue}). Szczegóły w {notebook}.",
            en=f"Comparison: the notebook stopped in cell {exc.exec_count} "
            f"({exc.ename}: {exc.evalue}). Details in {notebook}.",
        ) from None
    say(2)
    today = dt.date.today().isoformat()
    meta = f"Raport z dnia {today}." if lang == "pl" else f"Report of {today}."
    subtitle = "i ocena zmian" if lang == "pl" else "and evaluating change"
    html = standalone_html(
        notebook_html(executed),
        title=_TITLE[lang],
        subtitle=subtitle,
        meta=meta,
        lang=lang,
        synthetic=_synthetic(out),
    )
    html_path = out / "compare.html"
    html_path.write_text(html, encoding="utf-8")
    say(3)
    pdf = write_pdf(html, out / "compare.pdf", base_url=out)
    return ComparisonFiles(folder=out, notebook=notebook, html=html_path, pdf=pdf)


def _synthetic(out: Path) -> bool:
    """Whether the pooled data written by the notebook come from synthetic towns."""
    import pandas as pd

    towns = out / "town_indicators.csv"
    if not towns.exists():
        return False
    names = pd.read_csv(towns, usecols=["town"], encoding="utf-8-sig")["town"].unique()
    from ..town import TOWNS_DIR, load_town

    try:
        return all(load_town(TOWNS_DIR / n).synthetic for n in names)
    except DiagnosisError:
        return False
