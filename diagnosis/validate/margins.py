"""The weighting questions: which answers give the population margins' groups.

Weighting fits the sample to the town's population by sex and age band. A
questionnaire says which of its questions give those groups in the ``margin``
column of the survey sheet (``sex`` or ``age_band``), and which margin code
each answer stands for in the ``margin`` column of the choices sheet
(``female``/``male``; an age band such as ``18_29`` or ``60_plus``). Any coding
works:

* a single-choice question whose choices carry margin codes (a blank code
  means outside the adult population, e.g. "under 18");
* a single-choice age question whose bands are narrower than the margins'
  bands (``18_24`` within ``18_29``): each is counted in the band holding it;
* an age in years (``integer``/``decimal``), or a year of birth (a number of
  1900 or more), banded to the margins' bands; the age is the fieldwork year
  minus the year of birth.

A question with ``role: weighting`` named like a margin variable (``sex``,
``age_band``) with no ``margin`` column is taken as it is: the standard
questionnaire before the column existed.

:func:`margin_columns` gives the canonical columns ``sex`` and ``age_band``
the later steps weight with; a respondent whose answer gives no group has NA.

Examples
--------
>>> import pandas as pd
>>> from diagnosis import load_instrument
>>> ins = load_instrument("surveys/instruments/resident_survey.xlsx")
>>> [(m.variable, m.question.name, m.how) for m in margin_questions(ins)]
[('sex', 'sex', 'choices'), ('age_band', 'age_band', 'choices')]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from ..errors import DiagnosisError
from ..instrument import Instrument, Question
from ..population import ADULT_BANDS, parse_band

__all__ = ["MARGIN_VARIABLES", "MarginQuestion", "band_of", "margin_columns", "margin_questions"]

#: the margins' variables a questionnaire can give
MARGIN_VARIABLES = ("sex", "age_band")
#: a number at least this large is a year of birth, not an age
BIRTH_YEAR_FROM = 1900


@dataclass(frozen=True)
class MarginQuestion:
    """A question that gives one margin variable.

    ``how`` is ``"choices"`` (answer codes mapped by the choices' margin
    codes) or ``"number"`` (an age in years or a year of birth).
    """

    variable: str
    question: Question
    how: Literal["choices", "number"]

    def codes(self) -> dict[str, str | None]:
        """Answer code -> margin code (None: outside the population or a non-answer).

        Choices without a ``margin`` code in a list where none has one keep
        their own code; "hard to say" and the like give None.
        """
        q = self.question
        coded = any(c.margin for c in q.choices)
        return {
            c.name: None if c.missing else (c.margin if coded else c.name) or None
            for c in q.choices
        }


def margin_questions(instrument: Instrument) -> tuple[MarginQuestion, ...]:
    """The questions that give the margins' variables, one per variable at most.

    Examples
    --------
    >>> from diagnosis import load_instrument
    >>> ins = load_instrument("surveys/instruments/resident_survey.xlsx")
    >>> margin_questions(ins)[1].codes()["60_plus"]
    '60_plus'
    """
    found: dict[str, MarginQuestion] = {}
    for q in instrument.questions:
        variable = q.margin
        if variable is None and q.role == "weighting" and q.name in MARGIN_VARIABLES:
            variable = q.name
        if variable not in MARGIN_VARIABLES or variable in found:
            continue
        if q.type == "select_one":
            found[variable] = MarginQuestion(variable, q, "choices")
        elif q.type in ("integer", "decimal") and variable == "age_band":
            found[variable] = MarginQuestion(variable, q, "number")
    return tuple(found[v] for v in MARGIN_VARIABLES if v in found)


def band_of(code: str, bands: Sequence[str]) -> str | None:
    """The band of ``bands`` that holds the age band ``code`` whole, or None.

    Examples
    --------
    >>> band_of("18_24", ["18_29", "30_44", "45_59", "60_plus"])
    '18_29'
    >>> band_of("25_34", ["18_29", "30_44", "45_59", "60_plus"]) is None  # straddles 29/30
    True
    """
    if code in bands:
        return code
    try:
        lo, hi = parse_band(code)
    except DiagnosisError:
        return None
    for band in bands:
        b_lo, b_hi = parse_band(band)
        if lo >= b_lo and (b_hi is None or (hi is not None and hi <= b_hi)):
            return band
    return None


def _age_bands(ages: pd.Series, bands: Sequence[str]) -> pd.Series:
    out = pd.Series(pd.NA, index=ages.index, dtype="string")
    whole = ages.where(ages.notna() & (ages == np.floor(ages.fillna(0))))
    for band in bands:
        lo, hi = parse_band(band)
        inside = (whole >= lo) & (whole <= (np.inf if hi is None else hi))
        out[inside.fillna(False).to_numpy(dtype=bool)] = band
    return out


def margin_columns(
    data: pd.DataFrame,
    instrument: Instrument,
    bands: Sequence[str] = ADULT_BANDS,
    year: int | None = None,
) -> pd.DataFrame:
    """The canonical ``sex`` and ``age_band`` columns of ``data``, as the margins code them.

    Parameters
    ----------
    data : DataFrame
        Canonical responses (question names as columns).
    instrument : Instrument
    bands : sequence of str
        The margins' age bands; ages and narrower bands are counted in them.
    year : int, optional
        The fieldwork year, for a year of birth (default: this year).

    Returns
    -------
    DataFrame
        Same index, one string column per margin variable the questionnaire
        gives; NA where the answer gives no group (missing, "hard to say",
        outside the adult population or outside every band).

    Examples
    --------
    >>> from diagnosis import load_instrument
    >>> ins = load_instrument("surveys/instruments/resident_survey.xlsx")
    >>> df = pd.DataFrame({"sex": ["female", None], "age_band": ["18_29", "60_plus"]})
    >>> out = margin_columns(df, ins)
    >>> out["sex"].tolist(), out["age_band"].tolist()
    (['female', <NA>], ['18_29', '60_plus'])
    """
    import datetime as dt

    year = dt.date.today().year if year is None else int(year)
    out = pd.DataFrame(index=data.index)
    for m in margin_questions(instrument):
        name = m.question.name
        if name not in data.columns:
            continue
        if m.how == "number":
            values = pd.to_numeric(data[name], errors="coerce").astype(float)
            ages = values.where(values < BIRTH_YEAR_FROM, year - values)
            out[m.variable] = _age_bands(ages, bands)
            continue
        codes = m.codes()
        if m.variable == "age_band":
            codes = {k: band_of(v, bands) if v else None for k, v in codes.items()}
        answers = data[name].astype("string").str.strip()
        out[m.variable] = answers.map(codes).astype("string")
    return out
