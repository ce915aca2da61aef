"""Numbers for analysis: item scores, scale scores and the digital skills level.

The canonical frame keeps answers as codes (``"4"``, ``"99"``); analysis
needs numbers with the non-substantive answers taken out. The rules:

* a ``select_one`` question whose substantive codes are all numbers (a Likert
  item ``1``-``4``, a yes/no item ``1``/``0``) becomes a float column; a
  choice marked ``missing`` in the questionnaire ("Trudno powiedzieć", code
  99) and any code not on the list become NaN. Questions with word codes
  (``female``, ``18_29``, ``1_2``) are left out: they are groupings, not
  scores;
* ``integer`` and ``decimal`` questions become floats (text that is not a
  number becomes NaN);
* ``select_multiple`` option columns (``needs__transport``) become 0/1
  floats, NaN where the question was not answered.

Examples
--------
>>> import pandas as pd
>>> from diagnosis import load_instrument
>>> ins = load_instrument("surveys/instruments/resident_survey.xlsx")
>>> data = pd.DataFrame({"coh_belong": ["4", "99", None], "coh_self": ["1", "4", "2"]},
...                     dtype="string")
>>> scored(data, ins)["coh_belong"].tolist()
[4.0, nan, nan]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..instrument import Instrument, Question
from .steps import CleaningError

__all__ = [
    "SKILLS_LEVELS",
    "keyed_scores",
    "numeric_codes",
    "scale_score",
    "scored",
    "skills_level",
]

#: the digital skills levels, lowest first (DOMAIN.md: 1-2 low, 3-4 medium, 5-6 high)
SKILLS_LEVELS: tuple[str, ...] = ("none", "low", "medium", "high")


def _number(code: str) -> float | None:
    try:
        return float(code)
    except ValueError:
        return None


def numeric_codes(question: Question) -> dict[str, float] | None:
    """The number of each substantive code of a numeric ``select_one`` question.

    Parameters
    ----------
    question : Question

    Returns
    -------
    dict or None
        Code -> value for the substantive choices; None when the question is
        not a ``select_one`` or some substantive code is not a number.

    Examples
    --------
    >>> from diagnosis import load_instrument
    >>> ins = load_instrument("surveys/instruments/resident_survey.xlsx")
    >>> numeric_codes(ins.question("influence"))
    {'1': 1.0, '2': 2.0, '3': 3.0, '4': 4.0}
    >>> numeric_codes(ins.question("books_read")) is None
    True
    """
    if question.type != "select_one" or not question.choices:
        return None
    values = {c.name: _number(c.name) for c in question.choices if not c.missing}
    if not values or any(v is None for v in values.values()):
        return None
    return {k: float(v) for k, v in values.items() if v is not None}


def _floats(s: pd.Series) -> pd.Series:
    values = pd.to_numeric(s, errors="coerce")
    return pd.Series(
        np.asarray(values.to_numpy(dtype=float, na_value=np.nan), dtype=float),
        index=s.index,
        name=s.name,
    )


def _score_column(s: pd.Series, q: Question) -> pd.Series | None:
    if q.type == "select_one":
        codes = numeric_codes(q)
        if codes is None:
            return None
        text = s.astype("string").str.strip()
        return _floats(text.map(codes, na_action="ignore"))
    if q.type in ("integer", "decimal", "range"):
        return _floats(s)
    return None


def scored(data: pd.DataFrame, instrument: Instrument) -> pd.DataFrame:
    """Numeric analysis columns of a canonical (or cleaned) frame.

    Parameters
    ----------
    data : DataFrame
        Canonical frame, e.g. ``Cleaned.data``.
    instrument : Instrument
        The questionnaire: which questions are numeric and which choices are
        non-substantive.

    Returns
    -------
    DataFrame
        Same index as ``data``; float columns named as in ``data``, in form
        order, for the questions listed in the module docstring. Questions
        without a column in ``data`` are skipped.

    Examples
    --------
    >>> import pandas as pd
    >>> from diagnosis import load_instrument
    >>> ins = load_instrument("surveys/instruments/resident_survey.xlsx")
    >>> data = pd.DataFrame({"part_volunteer": pd.array(["1", "0"], dtype="string"),
    ...                      "needs__transport": pd.array([1, None], dtype="Int8"),
    ...                      "sex": pd.array(["female", "male"], dtype="string")})
    >>> scored(data, ins)  # form order; sex has word codes, so it is left out
       needs__transport  part_volunteer
    0               1.0             1.0
    1               NaN             0.0
    """
    columns: dict[str, pd.Series] = {}
    for q in instrument.questions:
        if q.is_multiple:
            for col in q.columns():
                if col in data.columns:
                    columns[col] = _floats(data[col])
            continue
        if q.name not in data.columns:
            continue
        col = _score_column(data[q.name], q)
        if col is not None:
            columns[q.name] = col
    return pd.DataFrame(columns, index=data.index)


def is_numeric_scale(instrument: Instrument, construct: str) -> bool:
    """Whether every item of ``construct`` has numeric answer codes (a scale can be scored).

    A questionnaire made from an export may code a battery's answers by
    their text (``raczej_tak``); then its mean score cannot be computed and
    the report leaves the scale out (and says so) instead of stopping.

    Examples
    --------
    >>> from diagnosis import load_instrument
    >>> ins = load_instrument("surveys/instruments/resident_survey.xlsx")
    >>> is_numeric_scale(ins, "cohesion"), is_numeric_scale(ins, "no_such_scale")
    (True, False)
    """
    questions = instrument.by_construct(construct)
    return bool(questions) and all(
        numeric_codes(q) is not None or q.type in ("integer", "decimal", "range") for q in questions
    )


def _scale_items(instrument: Instrument, construct: str) -> list[Question]:
    questions = instrument.by_construct(construct)
    if not questions:
        known = ", ".join(instrument.constructs)
        raise CleaningError(
            pl=f"W kwestionariuszu nie ma skali {construct!r}. Dostępne: {known}.",
            en=f"The questionnaire has no scale {construct!r}. Available: {known}.",
            value=construct,
        )
    items = [
        q
        for q in questions
        if numeric_codes(q) is not None or q.type in ("integer", "decimal", "range")
    ]
    if len(items) != len(questions):
        raise CleaningError(
            pl=f"Pytania skali {construct!r} nie mają liczbowych odpowiedzi, więc nie da się "
            "policzyć średniej (np. pytanie wielokrotnego wyboru).",
            en=f"The questions of {construct!r} do not have numeric answers, so no mean "
            "score can be computed (e.g. a multiple-choice question).",
            value=construct,
        )
    return items


def _bounds(q: Question) -> tuple[float, float]:
    codes = numeric_codes(q)
    if codes:
        return min(codes.values()), max(codes.values())
    if q.minimum is None or q.maximum is None:
        raise CleaningError(
            pl=f"Pytanie {q.name!r} jest odwrócone, ale nie ma zakresu (np. '. >= 0 and "
            ". <= 10' w kolumnie constraint), więc nie da się go odwrócić.",
            en=f"Question {q.name!r} is reverse-keyed but has no range (such as "
            "'. >= 0 and . <= 10' in its constraint), so it cannot be reversed.",
            value=q.name,
        )
    return q.minimum, q.maximum


def keyed_scores(
    data: pd.DataFrame, instrument: Instrument, questions: Sequence[Question]
) -> pd.DataFrame:
    """Item scores (:func:`scored`) with reverse-keyed items recoded as ``max + min - x``.

    The bounds are the item's substantive codes (on a 1-4 scale 1 <-> 4), else
    its constraint's range. An item absent from ``data`` is all NaN.

    Examples
    --------
    >>> import pandas as pd
    >>> from diagnosis import load_instrument
    >>> ins = load_instrument("surveys/instruments/resident_survey.xlsx")
    >>> data = pd.DataFrame({"coh_belong": ["4"], "coh_self": ["1"]}, dtype="string")
    >>> keyed_scores(data, ins, ins.by_construct("cohesion")[:1] + (ins.question("coh_self"),))
       coh_belong  coh_self
    0         4.0       4.0
    """
    values = scored(data, instrument)
    matrix = pd.DataFrame(index=data.index)
    for q in questions:  # items, not respondents
        if q.name not in values.columns:
            matrix[q.name] = np.nan
            continue
        x = values[q.name]
        if q.reverse:
            low, high = _bounds(q)
            x = high + low - x
        matrix[q.name] = x
    return matrix


def scale_score(
    data: pd.DataFrame, instrument: Instrument, construct: str, min_items: int | None = None
) -> pd.Series:
    """Mean score of a scale (construct), after reverse-keying.

    Parameters
    ----------
    data : DataFrame
        Canonical frame.
    instrument : Instrument
        Gives the construct's items, which are reverse-keyed, and the
        non-substantive choices.
    construct : str
        Name in the questionnaire's ``construct`` column, e.g. ``"cohesion"``.
    min_items : int, optional
        Least number of answered items for a score; default more than half
        of the items (3 of 5, 2 of 2, 1 of 1).

    Returns
    -------
    Series
        Float, same index as ``data``, named ``construct``; NaN for
        respondents with fewer than ``min_items`` substantive answers.

    Raises
    ------
    CleaningError
        When the construct does not exist, its items are not numeric, a
        reverse-keyed numeric item has no range, or ``min_items`` is not
        between 1 and the number of items.

    Notes
    -----
    Items scored by :func:`scored` ("Trudno powiedzieć" = NaN). A
    reverse-keyed item x becomes ``max + min - x`` over its substantive codes
    (on a 1-4 scale 1 <-> 4, 2 <-> 3). The score is the mean of the answered
    items (R: ``rowMeans(items, na.rm = TRUE)`` with
    ``rowSums(!is.na(items)) >= min_items``), so it stays on the items' scale.

    Examples
    --------
    >>> import pandas as pd
    >>> from diagnosis import load_instrument
    >>> ins = load_instrument("surveys/instruments/resident_survey.xlsx")
    >>> data = pd.DataFrame({"coh_belong": ["4", "4", "99"], "coh_together": ["3", None, "2"],
    ...                      "coh_get_on": ["4", None, "3"], "coh_trust": ["3", None, "2"],
    ...                      "coh_self": ["1", "2", "3"]}, dtype="string")
    >>> scale_score(data, ins, "cohesion").tolist()  # coh_self is reversed: 1 -> 4, 3 -> 2
    [3.6, nan, 2.25]
    """
    items = _scale_items(instrument, construct)
    k = len(items)
    need = k // 2 + 1 if min_items is None else min_items
    if not 1 <= need <= k:
        raise CleaningError(
            pl=f"min_items musi być od 1 do {k} (liczba pytań skali {construct!r}), a jest {need}.",
            en=f"min_items must be between 1 and {k} (the items of {construct!r}), not {need}.",
            value=need,
        )
    matrix = keyed_scores(data, instrument, items)
    answered = matrix.notna().sum(axis=1)
    return matrix.mean(axis=1, skipna=True).where(answered >= need).rename(construct)


def skills_level(
    data: pd.DataFrame,
    instrument: Instrument | None = None,
    question: str = "skills",
    internet: str = "internet_use",
) -> pd.Series:
    """Digital skills level from the activity checklist.

    Parameters
    ----------
    data : DataFrame
        Canonical frame with the option columns ``<question>__<option>``.
    instrument : Instrument, optional
        Gives the option columns; without it every column starting with
        ``<question>__`` is used.
    question : str
        The checklist (select_multiple) question.
    internet : str
        The yes/no question "used the internet in the last 3 months"
        (``"1"``/``"0"``); skipped when the frame has no such column.

    Returns
    -------
    Series
        Ordered categorical with categories :data:`SKILLS_LEVELS`, same
        index as ``data``, named ``skills_level``: ``none`` for 0 activities
        or not an internet user, ``low`` for 1-2, ``medium`` 3-4, ``high``
        5 or more (DOMAIN.md: of 6); NA when the checklist was not answered
        by an internet user, or when neither question was answered.

    Examples
    --------
    >>> import pandas as pd
    >>> data = pd.DataFrame({
    ...     "internet_use": pd.array(["1", "1", "0", None], dtype="string"),
    ...     "skills__email": pd.array([1, 1, None, None], dtype="Int8"),
    ...     "skills__search": pd.array([1, 0, None, None], dtype="Int8"),
    ...     "skills__banking": pd.array([1, 0, None, None], dtype="Int8"),
    ... })
    >>> skills_level(data).tolist()
    ['medium', 'low', 'none', nan]
    """
    if instrument is not None and instrument.get(question) is not None:
        cols = [c for c in instrument.question(question).columns() if c in data.columns]
    else:
        cols = [c for c in data.columns if str(c).startswith(f"{question}__")]
    if cols:
        options = data[cols].apply(pd.to_numeric, errors="coerce").astype(float)
        answered = options.notna().any(axis=1).to_numpy()
        count = options.fillna(0).sum(axis=1).to_numpy()
    else:
        answered = np.zeros(len(data), dtype=bool)
        count = np.zeros(len(data))
    level = np.select(
        [count >= 5, count >= 3, count >= 1], ["high", "medium", "low"], default="none"
    ).astype(object)
    level[~answered] = None
    if internet in data.columns:
        use = data[internet].astype("string").str.strip()
        non_user = use.eq("0").fillna(False).to_numpy(dtype=bool)
        level[non_user] = "none"
    return pd.Series(
        pd.Categorical(level, categories=SKILLS_LEVELS, ordered=True),
        index=data.index,
        name="skills_level",
    )
