"""Evidence files: ``evidence.json``, ``indicators.csv`` and ``indicators.xlsx``.

The indicator files hold one row per indicator x group with question id,
estimate, CI, n, weighted n and the ``suppressed`` flag; suppressed rows carry
no value (the flag says why). CSV is UTF-8 with a byte-order mark so that Excel
opens Polish letters correctly; numbers use a decimal point. No text cell of
the CSV or XLSX starts a formula (:mod:`.cells`).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ..town import Town
from .analysis import Settings, TownAnalysis
from .cells import CSV_QUOTING, neutralise_formulas
from .indicators import COLUMNS
from .sheets import EvidenceSheet

__all__ = ["EvidenceFiles", "indicator_export", "write_empty_evidence", "write_evidence"]

EXPORT_COLUMNS = [*COLUMNS, "suppressed"]


@dataclass(frozen=True)
class EvidenceFiles:
    """Paths of the evidence files written for one town."""

    json: Path
    csv: Path
    xlsx: Path


def indicator_export(analysis: TownAnalysis) -> pd.DataFrame:
    """The indicator table as exported: every row, suppressed values blank.

    Examples
    --------
    >>> # indicator_export(analyse_town("surveys/towns/kwidzyn")).columns[:3]
    >>> EXPORT_COLUMNS[:3]
    ['indicator', 'question', 'theme']
    """
    table = analysis.indicators[EXPORT_COLUMNS].copy()
    table.insert(0, "town", analysis.town.slug)
    return table


def _clean(value: Any) -> Any:
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item"):
        return _clean(value.item())
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _records(frame: pd.DataFrame) -> list[dict]:
    return [
        {k: _clean(v) for k, v in row.items()}
        for row in frame.astype(object).to_dict(orient="records")
    ]


def _town_record(town: Town) -> dict:
    return {
        "slug": town.slug,
        "name": town.name,
        "synthetic": town.synthetic,
        "population": town.population,
        "fieldwork": [_clean(town.fieldwork_start), _clean(town.fieldwork_end)],
        "margins_source": town.margins_source,
    }


def _settings_record(s: Settings) -> dict:
    return {
        "lang": s.lang,
        "threshold": s.threshold,
        "weighting": s.weighting,
        "conf_level": s.conf_level,
    }


def _write(
    folder: Path,
    table: pd.DataFrame,
    log: pd.DataFrame,
    payload: dict,
    questions: pd.DataFrame | None = None,
) -> EvidenceFiles:
    """Write the files; no text cell of the spreadsheets may start a formula.

    ``questions`` (the question-by-question results) go to questions.csv and
    a sheet of indicators.xlsx when given.
    """
    folder.mkdir(parents=True, exist_ok=True)
    table, log = neutralise_formulas(table), neutralise_formulas(log)
    if questions is not None:
        questions = neutralise_formulas(questions)
        questions.to_csv(
            folder / "questions.csv", index=False, encoding="utf-8-sig", quoting=CSV_QUOTING
        )
    csv_path = folder / "indicators.csv"
    table.to_csv(csv_path, index=False, encoding="utf-8-sig", quoting=CSV_QUOTING)
    xlsx_path = folder / "indicators.xlsx"
    with pd.ExcelWriter(xlsx_path, engine="openpyxl") as writer:
        table.to_excel(writer, sheet_name="indicators", index=False)
        log.to_excel(writer, sheet_name="cleaning_log", index=False)
        if questions is not None:
            questions.to_excel(writer, sheet_name="questions", index=False)
    json_path = folder / "evidence.json"
    json_path.write_text(
        json.dumps(payload, ensure_ascii=False, indent=1, default=_clean), encoding="utf-8"
    )
    return EvidenceFiles(json_path, csv_path, xlsx_path)


def write_evidence(
    analysis: TownAnalysis, sheets: Sequence[EvidenceSheet], folder: str | Path
) -> EvidenceFiles:
    """Write the town's evidence files into ``folder`` (created if needed).

    Parameters
    ----------
    analysis : TownAnalysis
    sheets : sequence of EvidenceSheet
    folder : str or Path

    Returns
    -------
    EvidenceFiles
    """
    table = indicator_export(analysis)
    payload = {
        "town": _town_record(analysis.town),
        "settings": _settings_record(analysis.settings),
        "created": analysis.created.isoformat(),
        "n_respondents": analysis.n,
        "weighting": {k: _clean(v) for k, v in analysis.weighting.__dict__.items()},
        "indicators": _records(table),
        "priorities": _records(analysis.priorities),
        "needs": _records(analysis.needs),
        "evidence_sheets": [sheet.to_dict() for sheet in sheets],
        "cleaning_log": _records(analysis.cleaned.log),
        "themes": _records(analysis.themes[~analysis.themes["suppressed"]]),
    }
    questions = None
    if analysis.questions is not None:
        questions = analysis.questions.table.drop(columns=["battery"])
        payload["questions"] = _records(questions)
        payload["questions_without_result"] = _records(analysis.questions.skipped)
    return _write(Path(folder), table, analysis.cleaned.log, payload, questions)


def write_empty_evidence(
    town: Town,
    settings: Settings,
    n: int,
    log: pd.DataFrame,
    reason: Mapping[str, str],
    folder: str | Path,
) -> EvidenceFiles:
    """The evidence files of a town whose report can show no number: no estimate, the reason.

    Parameters
    ----------
    town : Town
        With its free texts already redacted (:func:`~.analysis.redact_town`).
    settings : Settings
    n : int
        Respondents after cleaning.
    log : DataFrame
        The cleaning log.
    reason : mapping lang -> str
        Why nothing is shown, e.g. ``{"pl": "...", "en": "..."}``.
    folder : str or Path

    Returns
    -------
    EvidenceFiles

    Examples
    --------
    >>> # write_empty_evidence(town, settings, 5, log, {"pl": "...", "en": "..."}, "out")
    >>> sorted(_settings_record(Settings()))
    ['conf_level', 'lang', 'threshold', 'weighting']
    """
    payload = {
        "town": _town_record(town),
        "settings": _settings_record(settings),
        "created": dt.date.today().isoformat(),
        "n_respondents": n,
        "too_few_respondents": {"threshold": settings.threshold, **dict(reason)},
        "weighting": {},
        "indicators": [],
        "priorities": [],
        "needs": [],
        "evidence_sheets": [],
        "cleaning_log": _records(log),
        "themes": [],
    }
    return _write(Path(folder), pd.DataFrame(columns=["town", *EXPORT_COLUMNS]), log, payload)
