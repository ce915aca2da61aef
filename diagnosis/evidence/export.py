"""Evidence files: ``evidence.json``, ``indicators.csv`` and ``indicators.xlsx``.

The indicator files hold one row per indicator x group with question id,
estimate, CI, n, weighted n and the ``suppressed`` flag; suppressed rows carry
no value (the flag says why). CSV is UTF-8 with a byte-order mark so that Excel
opens Polish letters correctly; numbers use a decimal point.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from .analysis import TownAnalysis
from .indicators import COLUMNS
from .sheets import EvidenceSheet

__all__ = ["EvidenceFiles", "indicator_export", "write_evidence"]

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
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    table = indicator_export(analysis)
    csv_path = folder / "indicators.csv"
    table.to_csv(csv_path, index=False, encoding="utf-8-sig")
    xlsx_path = folder / "indicators.xlsx"
    with pd.ExcelWriter(xlsx_path, engine="openpyxl") as writer:
        table.to_excel(writer, sheet_name="indicators", index=False)
        analysis.cleaned.log.to_excel(writer, sheet_name="cleaning_log", index=False)
    town, w, s = analysis.town, analysis.weighting, analysis.settings
    payload = {
        "town": {
            "slug": town.slug,
            "name": town.name,
            "synthetic": town.synthetic,
            "population": town.population,
            "fieldwork": [_clean(town.fieldwork_start), _clean(town.fieldwork_end)],
            "margins_source": town.margins_source,
        },
        "settings": {
            "lang": s.lang,
            "threshold": s.threshold,
            "weighting": s.weighting,
            "conf_level": s.conf_level,
        },
        "created": analysis.created.isoformat(),
        "n_respondents": analysis.n,
        "weighting": {k: _clean(v) for k, v in w.__dict__.items()},
        "indicators": _records(table),
        "priorities": _records(analysis.priorities),
        "needs": _records(analysis.needs),
        "evidence_sheets": [sheet.to_dict() for sheet in sheets],
        "cleaning_log": _records(analysis.cleaned.log),
        "themes": _records(analysis.themes[~analysis.themes["suppressed"]]),
    }
    json_path = folder / "evidence.json"
    json_path.write_text(
        json.dumps(payload, ensure_ascii=False, indent=1, default=_clean), encoding="utf-8"
    )
    return EvidenceFiles(json_path, csv_path, xlsx_path)
