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
from ..report.render import REPORTS_DIR, execute_template, publish
from ..town import TOWNS_DIR, find_towns, load_town, town_folder

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
    ReportError
        A failure inside the notebook, as one readable message.
    """
    out = Path(out_dir) if out_dir else REPORTS_DIR / "compare"
    out.mkdir(parents=True, exist_ok=True)
    notebook = out / "compare_towns.ipynb"

    def say(step: int) -> None:
        if progress:
            progress(f"[{step}/3] {_STAGES[lang][step - 1]}")

    say(1)
    executed = execute_template(
        template,
        notebook,
        {
            "towns": [str(t) for t in towns],
            "lang": lang,
            "threshold": int(threshold),
            "weighting": weighting,
            "conf_level": float(conf_level),
            "adjusted_indicator": adjusted_indicator,
            "output_dir": str(out.resolve()),
        },
        who=("Porównanie", "Comparison"),
        progress_bar=False,
        execution_timeout=timeout,
    )
    say(2)
    today = dt.date.today().isoformat()
    html, pdf = publish(
        executed,
        out / "compare",
        title=_TITLE[lang],
        subtitle="i ocena zmian" if lang == "pl" else "and evaluating change",
        meta=f"Raport z dnia {today}." if lang == "pl" else f"Report of {today}.",
        lang=lang,
        synthetic=_synthetic(towns),
        before_pdf=lambda: say(3),
    )
    return ComparisonFiles(folder=out, notebook=notebook, html=html, pdf=pdf)


def _synthetic(towns: Sequence[str | Path]) -> bool:
    """Whether every town compared is synthetic demo data (the cover says so)."""
    folders = [town_folder(t) for t in towns] if towns else find_towns(TOWNS_DIR)
    try:
        return bool(folders) and all(load_town(f).synthetic for f in folders)
    except DiagnosisError:  # the notebook leaves such a town out; the cover stays unmarked
        return False
