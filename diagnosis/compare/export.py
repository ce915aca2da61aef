"""Pooled tidy data for other tools: CSV, Parquet and SPSS ``.sav`` with labels.

One row per respondent: ``town``, ``wave``, ``weight`` (calibrated within
town and wave), ``stratum``, the answers as the questionnaire's codes, and the
indicator columns. Open answers, ids and timestamps are not exported: free text
may hold personal data, and the rest is not needed for analysis.

* CSV: UTF-8 (no byte-order mark, as R's ``read.csv`` and ``readr`` expect),
  comma-separated, decimal point; empty cells are missing.
* Parquet (pyarrow): the same table with its types.
* SPSS ``.sav`` (pyreadstat): choice questions become numbers with value
  labels (numeric codes keep their number, others are numbered 1, 2 ... in
  questionnaire order) and "hard to say" codes are user-missing; every
  variable has its question as label. ``codebook.csv`` lists each number's
  original code, so a round trip gives back exactly the codes.

In R: ``d <- read.csv("pooled.csv"); des <- svydesign(ids = ~1, strata =
~stratum, weights = ~weight, data = d)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import Language
from ..evidence.cells import CSV_QUOTING, neutralise_formulas
from ..instrument import Instrument
from .pooled import Pooled

__all__ = ["ExportFiles", "RareCombinations", "export_pooled", "rare_combinations", "sav_codes"]


@dataclass(frozen=True)
class ExportFiles:
    """Paths of the pooled exports."""

    csv: Path
    parquet: Path
    sav: Path
    codebook: Path


@dataclass(frozen=True)
class RareCombinations:
    """How many pooled respondents could be told apart by what others may know of them.

    Attributes
    ----------
    keys : tuple of str
        The columns counted together: ``stratum`` (town and wave), then the
        questions whose role is ``weighting``, ``domain`` or ``covariate``
        (age, sex, part of town, education, ...), as the data have them.
    threshold : int
    respondents : int
        All pooled respondents.
    rare : int
        Respondents whose combination of ``keys`` fewer than ``threshold``
        respondents share (a missing answer counts as an answer of its own).
    """

    keys: tuple[str, ...]
    threshold: int
    respondents: int
    rare: int


def rare_combinations(pooled: Pooled, threshold: int = 10) -> RareCombinations:
    """Count the respondents of the pooled files in combinations rarer than ``threshold``.

    The pooled files hold no names, ids or open answers, but a neighbour who
    knows someone's town, age band, sex, part of town and education may still
    find them in a rare combination, and with it their answers: such files are
    personal data (RODO) and are shared under an agreement, never published.
    The count is what the compare report says of them.

    Examples
    --------
    >>> from diagnosis.compare import pool_towns
    >>> rare = rare_combinations(pool_towns(["leczyca"], waves=False))
    >>> rare.keys[:3], rare.rare <= rare.respondents
    (('stratum', 'sex', 'age_band'), True)
    """
    roles = ("weighting", "domain", "covariate")
    keys = ["stratum"] + [
        q.name for role in roles for q in pooled.instrument.by_role(role)
        if q.name in pooled.data.columns
    ]  # fmt: skip
    keys = list(dict.fromkeys(keys))
    data = pooled.data[keys].astype("string").fillna("\x00")  # missing: an answer of its own
    counts = data.groupby(keys, sort=False)[keys[0]].transform("size")
    return RareCombinations(tuple(keys), int(threshold), len(data),
                            int((counts < threshold).sum()))  # fmt: skip


def sav_codes(instrument: Instrument, column: str) -> dict[str, int] | None:
    """Code -> number for a choice question's ``.sav`` variable (None: not a choice question).

    Examples
    --------
    >>> from diagnosis.instrument import load_instrument
    >>> from diagnosis.town import STANDARD_INSTRUMENT
    >>> ins = load_instrument(STANDARD_INSTRUMENT)
    >>> sav_codes(ins, "sex")
    {'female': 1, 'male': 2}
    >>> sav_codes(ins, "influence")["99"]
    99
    """
    q = instrument.get(column)
    if q is None or q.type != "select_one" or not q.choices:
        return None
    names = [c.name for c in q.choices]
    if all(n.lstrip("-").isdigit() for n in names):
        return {n: int(n) for n in names}
    return {n: i for i, n in enumerate(names, start=1)}


def export_pooled(pooled: Pooled, folder: str | Path, lang: Language = "pl") -> ExportFiles:
    """Write the pooled respondents to CSV, Parquet and SPSS ``.sav`` (with a codebook).

    Parameters
    ----------
    pooled : Pooled
    folder : str or Path
        Created if missing; files ``pooled.csv``, ``pooled.parquet``,
        ``pooled.sav``, ``codebook.csv``.
    lang : {"pl", "en"}
        Language of the variable and value labels.

    Returns
    -------
    ExportFiles

    Examples
    --------
    >>> import tempfile
    >>> from diagnosis.compare import pool_towns
    >>> files = export_pooled(pool_towns(["leczyca"], waves=False), tempfile.mkdtemp())
    >>> pd.read_csv(files.csv)["town"].unique().tolist()
    ['leczyca']
    """
    import pyreadstat

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    data = pooled.data
    ins = pooled.instrument
    files = ExportFiles(
        csv=folder / "pooled.csv",
        parquet=folder / "pooled.parquet",
        sav=folder / "pooled.sav",
        codebook=folder / "codebook.csv",
    )
    neutralise_formulas(data).to_csv(files.csv, index=False, encoding="utf-8", quoting=CSV_QUOTING)
    data.to_parquet(files.parquet, index=False)

    labels = {i.column: i.label(lang) for i in pooled.indicators}
    names = dict(zip(pooled.towns["town"], pooled.towns["name"], strict=False))
    town_codes = {slug: i for i, slug in enumerate(sorted(names), start=1)}
    sav = pd.DataFrame(index=data.index)
    column_labels: dict[str, str] = {}
    value_labels: dict[str, dict[int | float, str]] = {}
    missing: dict[str, list[int | float | str]] = {}
    book = []
    for column in data.columns:
        values = data[column]
        if column == "town":
            sav[column] = values.map(town_codes).astype(float)
            value_labels[column] = {v: names[k] for k, v in town_codes.items()}
            column_labels[column] = "Miejscowość" if lang == "pl" else "Town"
            book += [(column, k, v, names[k]) for k, v in town_codes.items()]
            continue
        codes = sav_codes(ins, column)
        q = ins.get(column.split("__", 1)[0])
        if codes is not None and q is not None:
            sav[column] = values.map(lambda v, c=codes: c.get(str(v)) if pd.notna(v) else np.nan)
            sav[column] = sav[column].astype(float)
            value_labels[column] = {codes[c.name]: c.label(lang) for c in q.choices}
            gaps = [codes[c.name] for c in q.choices if c.missing]
            if gaps:
                missing[column] = gaps
            column_labels[column] = q.label(lang)
            book += [(column, c.name, codes[c.name], c.label(lang)) for c in q.choices]
        elif pd.api.types.is_numeric_dtype(values):
            sav[column] = pd.to_numeric(values, errors="coerce").astype(float)
            if "__" in column and q is not None:
                choice = column.split("__", 1)[1]
                found = [c.label(lang) for c in q.choices if c.name == choice]
                column_labels[column] = f"{q.label(lang)}: {found[0] if found else choice}"
            else:
                column_labels[column] = labels.get(column) or (q.label(lang) if q else column)
        else:
            sav[column] = values.astype(object).where(values.notna(), "")
            column_labels[column] = q.label(lang) if q else column
    pyreadstat.write_sav(
        sav,
        str(files.sav),
        column_labels=column_labels,
        variable_value_labels=value_labels,
        missing_ranges=missing,
    )
    codebook = pd.DataFrame(book, columns=["variable", "code", "number", "label"])
    neutralise_formulas(codebook).to_csv(
        files.codebook, index=False, encoding="utf-8", quoting=CSV_QUOTING
    )
    return files
