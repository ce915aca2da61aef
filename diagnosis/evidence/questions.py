"""Every question's weighted result, by its type: the report of any questionnaire.

The standard questionnaire's indicators (:mod:`.indicators`) need questions
with particular roles. Any other question still gets a result chosen by its
XLSForm type:

``select_one``
    the share giving each answer, of those who gave a substantive one ("hard
    to say" and the like, choices marked ``missing``, are left out), with
    confidence intervals (R: ``svymean(~factor(q), des, na.rm = TRUE)``);
``select_multiple``
    the share of respondents choosing each option, of those who chose any
    (logit intervals; R: ``svyciprop(~I(q_a == 1), des)``), and each
    option's share of all mentions;
``integer``/``decimal``
    the mean with its interval and the median (R: ``svymean``,
    ``svyquantile(..., 0.5)``); a number with at most 11 whole values (a 0-10
    rating) also gets its distribution;
battery
    single-choice questions sharing one choice list (or one ``construct``)
    are shown together, answers in the list's order.

Free text with ``role: open_text`` is coded into themes elsewhere; other free
text, files, locations and technical fields are not analysed, and
:func:`question_results` says so for each, with the annotation that would
change it. Every published cell passes disclosure control (:func:`suppress`):
the answers of one question add up to its respondents, so a hidden answer
gets a hidden partner.

Examples
--------
>>> from diagnosis import load_instrument
>>> from diagnosis.estimate import Design
>>> ins = load_instrument("surveys/instruments/resident_survey.xlsx")
>>> df = pd.DataFrame({"years_in_town": ["lt5"] * 30 + ["5_14"] * 40 + ["always"] * 50})
>>> des = Design(question_data(df, ins))
>>> res = question_results(des, ins, ["years_in_town"], threshold=10)
>>> res.table[["level", "n_numerator"]].values.tolist()
[['lt5', 30.0], ['5_14', 40.0], ['always', 50.0]]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..estimate import Design
from ..instrument import Instrument, Question
from .disclosure import suppress
from .distributions import category_shares

__all__ = [
    "QUESTION_COLUMNS",
    "QuestionResults",
    "analysable",
    "question_data",
    "question_results",
]

#: columns of the question results table (questions.csv has the same)
QUESTION_COLUMNS = [
    "question", "kind", "battery", "statistic", "level", "label_pl", "label_en", "estimate",
    "se", "ci_low", "ci_high", "n", "n_numerator", "mentions", "suppressed",
]  # fmt: skip

_NOT_ANALYSED = {
    "text": (
        "wolny tekst bez oznaczenia role: open_text (nie jest cytowany ani kodowany)",
        "free text without role: open_text (neither quoted nor coded)",
    ),
    "media": ("plik, zdjęcie lub nagranie", "a file, photo or recording"),
    "geo": ("położenie (dane osobowe)", "a location (personal data)"),
    "technical": ("dane techniczne", "technical data"),
    "date": ("data lub godzina", "a date or time"),
    "no_answers": ("brak odpowiedzi w danych", "no answers in the data"),
    "no_choices": ("lista odpowiedzi z zewnętrznego pliku", "choices from an external file"),
}
_MEDIA = {"image", "audio", "video", "file", "signature", "barcode", "background-audio"}
_GEO = {"geopoint", "geotrace", "geoshape", "start-geopoint", "background-geopoint"}
_TECHNICAL = {
    "start", "end", "today", "deviceid", "subscriberid", "simserial", "phonenumber", "username",
    "email", "audit", "imei", "calculate", "hidden", "xml-external", "csv-external",
    "acknowledge", "range", "rank",
}  # fmt: skip
#: roles whose questions are shown elsewhere (profile, ideas) or are not answers
_ELSEWHERE = {"weighting", "id", "started_at", "ended_at", "open_text"}


@dataclass(frozen=True)
class QuestionResults:
    """The question results and what could not be shown.

    Attributes
    ----------
    table : DataFrame
        :data:`QUESTION_COLUMNS`, one row per answer (or statistic) shown.
    skipped : DataFrame
        ``question, label_pl, label_en, reason_pl, reason_en``: the questions
        with no result and why.
    """

    table: pd.DataFrame
    skipped: pd.DataFrame


def analysable(q: Question) -> str | None:
    """Why ``q`` cannot get a result by its type (a key of the reasons), or None.

    Examples
    --------
    >>> from diagnosis.instrument import Question
    >>> analysable(Question("photo", "image")), analysable(Question("age", "integer"))
    ('media', None)
    """
    if q.type in _MEDIA:
        return "media"
    if q.type in _GEO:
        return "geo"
    if q.type in _TECHNICAL or q.role in ("id", "started_at", "ended_at"):
        return "technical"
    if q.type in ("date", "datetime", "time"):
        return "date"
    if q.type == "text":
        return None if q.role == "open_text" else "text"
    if q.is_select and not q.choices:
        return "no_choices"
    if q.is_select or q.type in ("integer", "decimal"):
        return None
    return "technical"


def _substantive(data: pd.DataFrame, q: Question) -> pd.Series:
    codes = data[q.name].astype("string").str.strip()
    keep = [c.name for c in q.choices if not c.missing]
    return codes.where(codes.isin(keep))


def _batteries(questions: Sequence[Question]) -> dict[str, str]:
    """Question -> battery key: two or more single choices sharing a list or a construct."""
    by_key: dict[str, list[str]] = {}
    for q in questions:
        if q.type != "select_one":
            continue
        key = f"construct:{q.construct}" if q.construct else f"list:{q.list_name}"
        by_key.setdefault(key, []).append(q.name)
    return {name: key for key, names in by_key.items() if len(names) >= 2 for name in names}


def _choice_rows(
    design: Design, qs: Sequence[Question], battery: dict[str, str], threshold: int, conf: float
) -> list[pd.DataFrame]:
    if not qs:
        return []
    columns = {f"one__{q.name}": q for q in qs if f"one__{q.name}" in design.data.columns}
    if not columns:
        return []
    shares = category_shares(design, list(columns), threshold, conf)
    if shares.empty:
        return []
    out = []
    for column, part in shares.groupby("variable", sort=False):
        q = columns[column]
        order = {c.name: k for k, c in enumerate(q.choices)}
        part = part.assign(_o=part["level"].astype(str).map(order)).sort_values("_o")
        labels = {c.name: c for c in q.choices}
        out.append(
            pd.DataFrame(
                {
                    "question": q.name,
                    "kind": "battery" if q.name in battery else "choice",
                    "battery": battery.get(q.name, ""),
                    "statistic": "share",
                    "level": part["level"].astype(str).to_numpy(),
                    "label_pl": [labels[str(v)].label("pl") for v in part["level"]],
                    "label_en": [labels[str(v)].label("en") for v in part["level"]],
                    "estimate": part["estimate"].to_numpy(),
                    "se": part["se"].to_numpy(),
                    "ci_low": part["ci_low"].to_numpy(),
                    "ci_high": part["ci_high"].to_numpy(),
                    "n": part["n"].to_numpy(dtype=float),
                    "n_numerator": part["n_numerator"].to_numpy(dtype=float),
                    "mentions": np.nan,
                    "suppressed": part["suppressed"].to_numpy(dtype=bool),
                }
            )
        )
    return out


def _multiple_rows(design: Design, q: Question, threshold: int, conf: float) -> pd.DataFrame:
    data = design.data
    choices = {f"multi__{col}": ch for col, ch in zip(q.columns(), q.choices, strict=True)}
    columns = [c for c, ch in choices.items() if c in data.columns and not ch.missing]
    if not columns:
        return pd.DataFrame(columns=QUESTION_COLUMNS)
    values = data[columns]
    est = design.proportion(columns, level=1.0, ci="logit", conf_level=conf)
    est = est.set_index("variable").loc[columns].reset_index()
    counts = (values == 1).sum()
    w = np.asarray(design.weights, dtype=float)
    weighted = np.array([float(w[(values[c] == 1).to_numpy()].sum()) for c in columns])
    table = pd.DataFrame(
        {
            "question": q.name,
            "kind": "multiple",
            "battery": "",
            "statistic": "share",
            "level": [choices[c].name for c in columns],
            "label_pl": [choices[c].label("pl") for c in columns],
            "label_en": [choices[c].label("en") for c in columns],
            "estimate": est["estimate"].to_numpy(),
            "se": est["se"].to_numpy(),
            "ci_low": est["ci_low"].to_numpy(),
            "ci_high": est["ci_high"].to_numpy(),
            "n": est["n"].to_numpy(dtype=float),
            "n_numerator": counts.loc[columns].to_numpy(dtype=float),
            "mentions": weighted / weighted.sum() if weighted.sum() > 0 else np.nan,
        }
    )
    # each option alone: too few choosing it, or all but a few
    shown = suppress(
        table, threshold, n_col=["n", "n_numerator"], within=[], complement=("n", "n_numerator"),
        columns=["estimate", "se", "ci_low", "ci_high", "n_numerator", "mentions"],
    )  # fmt: skip
    # the mentions add up to all mentions: a hidden option's share must not follow from the rest
    mentions = suppress(
        shown.assign(_m=table["n_numerator"]), threshold, n_col="_m", within=None,
        additive=["_m"], columns=["mentions"],
    )  # fmt: skip
    shown["mentions"] = mentions["mentions"]
    return shown[QUESTION_COLUMNS]


def _number_rows(design: Design, q: Question, threshold: int, conf: float) -> list[pd.DataFrame]:
    column = f"num__{q.name}"
    if column not in design.data.columns:
        return []
    values = design.data[column]
    if values.notna().sum() == 0:
        return []
    n = int(values.notna().sum())
    mean = design.mean([column], na_rm="each", level=conf).iloc[0]
    rows = [
        {
            "question": q.name, "kind": "number", "battery": "", "statistic": "mean",
            "level": "mean", "label_pl": "średnia", "label_en": "mean",
            "estimate": mean["estimate"], "se": mean["se"], "ci_low": mean["ci_low"],
            "ci_high": mean["ci_high"], "n": float(n), "n_numerator": np.nan,
            "mentions": np.nan, "suppressed": False,
        }
    ]  # fmt: skip
    sub = design.subset(values.notna().to_numpy())
    med = sub.quantile([column], [0.5], conf_level=conf).iloc[0]
    rows.append(
        {**rows[0], "statistic": "median", "level": "median", "label_pl": "mediana",
         "label_en": "median", "estimate": med["estimate"], "se": med.get("se", np.nan),
         "ci_low": med["ci_low"], "ci_high": med["ci_high"]}
    )  # fmt: skip
    out = pd.DataFrame(rows)
    out = suppress(out, threshold, n_col="n", within=[], columns=["estimate", "se", "ci_low",
                   "ci_high"])  # fmt: skip
    parts = [out[QUESTION_COLUMNS]]
    if f"dist__{q.name}" in design.data.columns:
        dist = category_shares(design, [f"dist__{q.name}"], threshold, conf)
        dist = dist.assign(_o=dist["level"].astype(float)).sort_values("_o")
        parts.append(
            pd.DataFrame(
                {
                    "question": q.name,
                    "kind": "number",
                    "battery": "",
                    "statistic": "share",
                    "level": dist["level"].astype(str).to_numpy(),
                    "label_pl": dist["level"].astype(str).to_numpy(),
                    "label_en": dist["level"].astype(str).to_numpy(),
                    "estimate": dist["estimate"].to_numpy(),
                    "se": dist["se"].to_numpy(),
                    "ci_low": dist["ci_low"].to_numpy(),
                    "ci_high": dist["ci_high"].to_numpy(),
                    "n": dist["n"].to_numpy(dtype=float),
                    "n_numerator": dist["n_numerator"].to_numpy(dtype=float),
                    "mentions": np.nan,
                    "suppressed": dist["suppressed"].to_numpy(dtype=bool),
                }
            )
        )
    return parts


def question_data(data: pd.DataFrame, instrument: Instrument) -> pd.DataFrame:
    """``data`` with the analysis columns :func:`question_results` estimates from.

    ``one__<q>``: a single choice's substantive answer (NA for "hard to say");
    ``multi__<q>__<option>``: 1/0 for those who chose any option, NA for the
    others; ``num__<q>``: a number; ``dist__<q>``: a number with at most 11
    whole values, as text, for its distribution.

    Examples
    --------
    >>> from diagnosis import load_instrument
    >>> ins = load_instrument("surveys/instruments/resident_survey.xlsx")
    >>> df = pd.DataFrame({"influence": ["1", "99", None], "trust": ["7", "3", "10"]})
    >>> out = question_data(df, ins)
    >>> out["one__influence"].tolist(), out["dist__trust"].tolist()
    (['1', <NA>, <NA>], ['7', '3', '10'])
    """
    extra: dict[str, pd.Series] = {}
    for q in instrument.questions:
        if analysable(q) is not None:
            continue
        if q.type == "select_one" and q.name in data.columns:
            extra[f"one__{q.name}"] = _substantive(data, q)
        elif q.type == "select_multiple":
            cols = [c for c in q.columns() if c in data.columns]
            if not cols:
                continue
            values = data[cols].apply(pd.to_numeric, errors="coerce")
            answered = (values == 1).any(axis=1)
            for c in cols:
                extra[f"multi__{c}"] = (values[c] == 1).astype(float).where(answered)
        elif q.type in ("integer", "decimal") and q.name in data.columns:
            values = pd.to_numeric(data[q.name], errors="coerce").astype(float)
            extra[f"num__{q.name}"] = values
            whole = values.dropna()
            if len(whole) and (whole == np.floor(whole)).all() and whole.nunique() <= 11:
                extra[f"dist__{q.name}"] = values.astype("Int64").astype("string")
    if not extra:
        return data
    return pd.concat([data, pd.DataFrame(extra, index=data.index)], axis=1)


def question_results(
    design: Design,
    instrument: Instrument,
    questions: Sequence[str] | None = None,
    *,
    threshold: int = 10,
    conf_level: float = 0.95,
) -> QuestionResults:
    """The weighted result of every question by its type, with disclosure control.

    Parameters
    ----------
    design : Design
        The town's weighted design; its data hold the canonical answers.
    instrument : Instrument
    questions : sequence of str, optional
        The questions to show (default: every question that is not shown
        elsewhere: weighting, ids, open text).
    threshold : int
        Smallest number of respondents behind a published number.
    conf_level : float

    Returns
    -------
    QuestionResults
    """
    names = (
        [q.name for q in instrument.questions if q.role not in _ELSEWHERE]
        if questions is None
        else list(questions)
    )
    wanted = [instrument.question(n) for n in names]
    data = design.data
    skipped, singles, parts = [], [], []
    for q in wanted:
        reason = analysable(q)
        present = any(
            f"{prefix}__{c}" in data.columns
            for prefix in ("one", "num", "multi")
            for c in (q.name, *q.columns())
        ) or (q.type == "text" and q.name in data.columns)
        if reason is None and not present:
            reason = "no_answers"
        if reason is None and q.type == "text":
            continue  # coded into themes (the ideas section)
        if reason is not None:
            pl, en = _NOT_ANALYSED[reason]
            skipped.append(
                {"question": q.name, "label_pl": q.label("pl"), "label_en": q.label("en"),
                 "reason_pl": pl, "reason_en": en}
            )  # fmt: skip
            continue
        if q.type == "select_one":
            singles.append(q)
        elif q.type == "select_multiple":
            parts.append((q.name, _multiple_rows(design, q, threshold, conf_level)))
        else:
            parts += [(q.name, p) for p in _number_rows(design, q, threshold, conf_level)]
    battery = _batteries(singles)
    parts += [
        (str(p["question"].iloc[0]), p)
        for p in _choice_rows(design, singles, battery, threshold, conf_level)
    ]
    order = {n: k for k, n in enumerate(names)}
    parts = sorted(parts, key=lambda item: order.get(item[0], len(order)))
    frames = [p for _, p in parts if len(p)]
    table = (
        pd.concat(frames, ignore_index=True)[QUESTION_COLUMNS]
        if frames
        else pd.DataFrame(columns=QUESTION_COLUMNS)
    )
    table["suppressed"] = table["suppressed"].astype(bool)
    skipped_frame = pd.DataFrame(
        skipped, columns=["question", "label_pl", "label_en", "reason_pl", "reason_en"]
    )
    return QuestionResults(table=table, skipped=skipped_frame)
