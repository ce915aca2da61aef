"""Indicators: which numbers a diagnosis reports, how each is defined, and their estimates.

Indicators follow the instrument's analysis metadata (``construct``, ``theme``),
so the standard survey gives the usual set of ../shared/DOMAIN.md:

=====================  ==========================================================
construct              indicator (per item)
=====================  ==========================================================
importance             share answering 3-4 ("raczej/bardzo ważne") of those with a view
satisfaction           share answering 4-5 ("raczej/bardzo zadowolony") of those with a view
needs                  share choosing the need, of those who answered the question
trust                  share answering 6-10 (ESS convention) and the mean 0-10
cohesion               mean scale score 1-4 after reverse-keying (at least 3 of 5 items)
influence              share answering 3-4 ("raczej/zdecydowanie tak") of those with a view
participation          share "tak" per activity
digital_skills         share with high skills (5-6 activities) of internet users
life_satisfaction      mean 0-10
library (theme)        visited a library; read at least one book (share)
digital (theme)        used the internet in the last 3 months (share)
=====================  ==========================================================

"Hard to say" (choices marked ``missing``) is left out of the denominator, as
DOMAIN.md asks ("kept separate"); its share is reported in the annex tables.

Every estimate is design-based (:class:`~diagnosis.estimate.Design`): shares
with logit intervals on the design degrees of freedom, means with normal ones.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

import numpy as np
import pandas as pd

from ..clean import is_numeric_scale, scale_score, scored
from ..estimate import Design
from ..instrument import Instrument, Question

__all__ = [
    "COLUMNS",
    "Indicator",
    "construct_columns",
    "define_indicators",
    "estimate_indicators",
    "indicator_data",
    "needs_question",
]

#: columns of the indicator table (the evidence files have the same)
COLUMNS = [
    "indicator", "question", "theme", "kind", "group", "group_level", "estimate", "se",
    "ci_low", "ci_high", "n", "n_numerator", "n_weighted", "label_pl", "label_en",
]  # fmt: skip


@dataclass(frozen=True)
class Indicator:
    """One reported number: its data column, definition and labels.

    Attributes
    ----------
    id : str
        Stable identifier used in the evidence files, e.g. ``"sat_transport"``.
    question : str
        The instrument question (or construct) it comes from.
    kind : {"share", "mean"}
    column : str
        The analysis column: 0/1 (NaN when not applicable) for shares, numbers for means.
    theme : str
    labels, definitions : mapping lang -> text
    scale : tuple of float
        For means: the possible range, e.g. ``(0, 10)``.
    """

    id: str
    question: str
    kind: Literal["share", "mean"]
    column: str
    theme: str
    labels: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    definitions: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    scale: tuple[float, float] = (0.0, 1.0)

    def label(self, lang: str) -> str:
        """The indicator's label in ``lang``."""
        return self.labels.get(lang) or self.id


#: what an importance or satisfaction indicator measures, said after the service's name
#: (the importance-satisfaction matrix takes it off again)
ASPECT = {
    "importance": (" — ważność", " — importance"),
    "satisfaction": (" — zadowolenie", " — satisfaction"),
}


def _substantive_codes(instrument: Instrument, name: str) -> list[float]:
    q = instrument.question(name)
    out = []
    for c in q.choices:
        if c.missing:
            continue
        try:
            out.append(float(c.name))
        except ValueError:
            continue
    return sorted(out)


def _top(values: pd.Series, threshold: float) -> pd.Series:
    """1.0 where ``values >= threshold``, 0.0 below, NaN where missing."""
    out = (values >= threshold).astype(float)
    return out.where(values.notna())


_DEF = {
    "importance": ("odsetek odpowiedzi „raczej” lub „bardzo ważne” wśród osób mających zdanie",
                   "share answering 'fairly' or 'very important', of those with a view"),
    "satisfaction": ("odsetek zadowolonych (4-5) wśród osób mających zdanie",
                     "share satisfied (4-5), of those with a view"),
    "needs": ("odsetek wskazujących tę potrzebę (można było wybrać do 3)",
              "share choosing this need (up to 3 could be chosen)"),
    "trust_share": ("odsetek odpowiedzi 6-10 na skali 0-10 (konwencja ESS)",
                    "share answering 6-10 on the 0-10 scale (ESS convention)"),
    "mean010": ("średnia na skali 0-10", "mean on the 0-10 scale"),
    "cohesion": ("średnia skali 1-4 (pytanie odwrócone przekodowane; co najmniej 3 z 5 odpowiedzi)",
                 "mean of the 1-4 scale (reverse item recoded; at least 3 of 5 items answered)"),
    "influence": ("odsetek odpowiedzi „raczej” lub „zdecydowanie tak” wśród osób mających zdanie",
                  "share answering 'probably' or 'definitely yes', of those with a view"),
    "yes": ("odsetek odpowiedzi „tak”", "share answering 'yes'"),
    "books": ("odsetek osób, które przeczytały co najmniej jedną książkę",
              "share who read at least one book"),
    "skills": ("odsetek użytkowników internetu z wysokimi umiejętnościami (5-6 czynności)",
               "share of internet users with high skills (5-6 activities)"),
}  # fmt: skip


def _labels(instrument: Instrument, name: str, suffix: tuple[str, str] = ("", "")) -> dict:
    q = instrument.get(name)
    pl = (q.label("pl") if q else name) + suffix[0]
    en = (q.label("en") if q else name) + suffix[1]
    return {"pl": pl, "en": en}


def needs_question(instrument: Instrument) -> Question | None:
    """The question whose options are the town's needs: ``role: needs`` (or ``construct: needs``).

    A multiple choice ("choose up to 3"); the needs ranking, the priorities
    and the evidence sheets rest on it.

    Examples
    --------
    >>> from diagnosis.instrument import load_instrument
    >>> needs_question(load_instrument("surveys/instruments/resident_survey.xlsx")).name
    'needs'
    """
    for q in (*instrument.by_role("needs"), *instrument.by_construct("needs")):
        if q.is_multiple and q.choices:
            return q
    return None


def define_indicators(instrument: Instrument) -> tuple[Indicator, ...]:
    """The indicators the instrument supports, in report order.

    Examples
    --------
    >>> from diagnosis.instrument import load_instrument
    >>> ins = load_instrument("surveys/instruments/resident_survey.xlsx")
    >>> [i.id for i in define_indicators(ins)][:3]
    ['imp_transport', 'imp_culture', 'imp_seniors']
    """
    out: list[Indicator] = []

    def add(id_, question, kind, column, theme, labels, definition, scale=(0.0, 1.0)):
        out.append(
            Indicator(
                id=id_,
                question=question,
                kind=kind,
                column=column,
                theme=theme,
                labels=MappingProxyType(labels),
                definitions=MappingProxyType(
                    {"pl": _DEF[definition][0], "en": _DEF[definition][1]}
                ),
                scale=scale,
            )
        )

    for construct, definition in (("importance", "importance"), ("satisfaction", "satisfaction")):
        for q in instrument.by_construct(construct):
            add(q.name, q.name, "share", f"ind_{q.name}", q.theme or "services",
                _labels(instrument, q.name, ASPECT[construct]), definition)  # fmt: skip
    needs = needs_question(instrument)
    if needs is not None:
        for c in needs.choices:
            if not c.missing:
                add(f"needs__{c.name}", needs.name, "share", f"{needs.name}__{c.name}", "needs",
                    {"pl": c.label("pl"), "en": c.label("en")}, "needs")  # fmt: skip
    if instrument.get("trust") is not None:
        add(
            "trust_high",
            "trust",
            "share",
            "ind_trust_high",
            "trust",
            {"pl": "Zaufanie do ludzi (6-10)", "en": "Generalised trust (6-10)"},
            "trust_share",
        )
        add("trust_mean", "trust", "mean", "trust", "trust",
            {"pl": "Zaufanie do ludzi, średnia 0-10", "en": "Generalised trust, mean 0-10"},
            "mean010", (0.0, 10.0))  # fmt: skip
    if is_numeric_scale(instrument, "cohesion"):
        add("cohesion", "cohesion", "mean", "score_cohesion", "trust",
            {"pl": "Spójność sąsiedzka (skala 1-4)", "en": "Neighbourhood cohesion (scale 1-4)"},
            "cohesion", (1.0, 4.0))  # fmt: skip
    if instrument.get("influence") is not None:
        add("influence", "influence", "share", "ind_influence", "trust",
            {"pl": "Poczucie wpływu na sprawy miejscowości",
             "en": "Sense of influence on local matters"}, "influence")  # fmt: skip
    for q in instrument.by_construct("participation"):
        add(q.name, q.name, "share", f"ind_{q.name}", "participation",
            _labels(instrument, q.name), "yes")  # fmt: skip
    if instrument.get("library_visit") is not None:
        add("library_visit", "library_visit", "share", "ind_library_visit", "library",
            {"pl": "Odwiedził(a) bibliotekę w ostatnich 12 miesiącach",
             "en": "Visited a library in the last 12 months"}, "yes")  # fmt: skip
    if instrument.get("books_read") is not None:
        add("books_read", "books_read", "share", "ind_books_read", "library",
            {"pl": "Przeczytał(a) co najmniej jedną książkę w ostatnich 12 miesiącach",
             "en": "Read at least one book in the last 12 months"}, "books")  # fmt: skip
    if instrument.get("internet_use") is not None:
        add("internet_use", "internet_use", "share", "ind_internet_use", "digital",
            {"pl": "Korzystał(a) z internetu w ostatnich 3 miesiącach",
             "en": "Used the internet in the last 3 months"}, "yes")  # fmt: skip
    if instrument.by_construct("digital_skills"):
        add("skills_high", "skills", "share", "ind_skills_high", "digital",
            {"pl": "Wysokie umiejętności cyfrowe (5-6 czynności)",
             "en": "High digital skills (5-6 activities)"}, "skills")  # fmt: skip
    if instrument.get("life_in_town") is not None:
        add("life_in_town", "life_in_town", "mean", "life_in_town", "wellbeing",
            {"pl": "Ocena życia w miejscowości, średnia 0-10",
             "en": "Rating of life in town, mean 0-10"}, "mean010", (0.0, 10.0))  # fmt: skip
    return tuple(out)


def indicator_data(data: pd.DataFrame, instrument: Instrument) -> pd.DataFrame:
    """``data`` with the analysis columns every indicator needs (``ind_*``, ``score_*``).

    Parameters
    ----------
    data : DataFrame
        Cleaned canonical frame (see :func:`diagnosis.clean.clean_responses`).

    Returns
    -------
    DataFrame
        A copy with numeric versions of the items and the indicator columns.
    """
    num = scored(data, instrument)
    out = data.copy()
    for construct, cut in (("importance", 3.0), ("satisfaction", 4.0)):
        for q in instrument.by_construct(construct):
            out[f"ind_{q.name}"] = _top(num[q.name], cut)
    needs = needs_question(instrument)
    if needs is not None:
        columns = [c for c in needs.columns() if c in num.columns]
        answered = num[columns].notna().any(axis=1)
        for col in columns:
            out[col] = num[col].where(answered)
    if "trust" in num:
        out["trust"] = num["trust"]
        out["ind_trust_high"] = _top(num["trust"], 6.0)
    if is_numeric_scale(instrument, "cohesion"):
        # only the scale's columns: scale_score scores every numeric question it is given
        out["score_cohesion"] = scale_score(
            construct_columns(data, instrument, ["cohesion"]), instrument, "cohesion", min_items=3
        )
    if "influence" in num:
        out["ind_influence"] = _top(num["influence"], 3.0)
    for q in instrument.by_construct("participation"):
        out[f"ind_{q.name}"] = num[q.name]
    for name in ("library_visit", "internet_use"):
        if name in num:
            out[f"ind_{name}"] = num[name]
    if "books_read" in data:
        books = data["books_read"].astype("string")
        out["ind_books_read"] = (books != "0").astype(float).where(books.notna())
    skills = [c for c in num.columns if c.startswith("skills__")]
    if skills and "internet_use" in num:
        count = num[skills].fillna(0).sum(axis=1)
        users = num["internet_use"] == 1
        out["ind_skills_high"] = (count >= 5).astype(float).where(users)
    if "life_in_town" in num:
        out["life_in_town"] = num["life_in_town"]
    for construct in LIKERT_CONSTRUCTS:
        for q in instrument.by_construct(construct):
            if q.name in num:
                out[f"lik_{q.name}"] = likert_sides(
                    num[q.name], _substantive_codes(instrument, q.name)
                )
    return out


def construct_columns(
    data: pd.DataFrame, instrument: Instrument, constructs: Sequence[str]
) -> pd.DataFrame:
    """The columns of ``data`` that hold the items of ``constructs`` (same index).

    Scale scores and reliability need only these; scoring the whole frame for
    them repeats the work on every other question.

    Examples
    --------
    >>> from diagnosis import load_instrument
    >>> ins = load_instrument("surveys/instruments/resident_survey.xlsx")
    >>> df = pd.DataFrame({"coh_belong": ["4"], "coh_self": ["1"], "sex": ["male"]})
    >>> list(construct_columns(df, ins, ["cohesion"]).columns)
    ['coh_belong', 'coh_self']
    """
    names = [q.name for c in constructs for q in instrument.by_construct(c)]
    return data[[n for n in dict.fromkeys(names) if n in data.columns]]


#: batteries drawn as diverging bars
LIKERT_CONSTRUCTS = ("importance", "satisfaction", "cohesion")


def likert_sides(values: pd.Series, codes: Sequence[float]) -> pd.Series:
    """Collapse a rating scale into ``neg``, ``mid`` (odd scales) and ``pos``.

    Published shares of the full scale would often rest on fewer respondents
    than the threshold (few people choose the extremes), and hiding one
    category of a distribution hides another with it. Sides are larger, so the
    report shows them: the lower half of the substantive codes is ``neg``, the
    upper half ``pos``, the middle code of an odd scale ``mid``; "hard to say"
    and missing answers are NA.

    Examples
    --------
    >>> likert_sides(pd.Series([1.0, 2, 3, 4, 5, None]), [1, 2, 3, 4, 5]).tolist()
    ['neg', 'neg', 'mid', 'pos', 'pos', <NA>]
    """
    codes = sorted(codes)
    k = len(codes)
    low = set(codes[: k // 2])
    high = set(codes[(k + 1) // 2 :])
    side = np.where(values.isin(low), "neg", np.where(values.isin(high), "pos", "mid"))
    return pd.Series(side, index=values.index, dtype="string").where(values.isin(codes), pd.NA)


def estimate_indicators(
    design: Design,
    indicators: Sequence[Indicator],
    groups: Sequence[str] = ("age_band", "sex", "district"),
    conf_level: float = 0.95,
) -> pd.DataFrame:
    """Estimate every indicator overall and in each group, as a tidy table.

    Parameters
    ----------
    design : Design
        The weighted design; its data must hold the indicator columns
        (:func:`indicator_data`).
    indicators : sequence of Indicator
    groups : sequence of str
        Domain columns; each gives one row per indicator and category.
    conf_level : float

    Returns
    -------
    DataFrame
        Columns :data:`COLUMNS`. ``group`` is ``"total"`` for the whole town
        (``group_level`` ``"total"``). ``n`` is the unweighted number of
        respondents in the denominator and ``n_numerator`` (shares) those with
        the attribute: disclosure control looks at both.

    Notes
    -----
    Shares use :meth:`Design.proportion` with logit intervals (R:
    ``svyciprop(~I(x == 1), des, method = "logit")``); means use
    :meth:`Design.mean` (R: ``svymean(~x, des, na.rm = TRUE)``). Domains are
    estimated on the full design (R: ``svyby``).
    """
    data = design.data
    present = [i for i in indicators if i.column in data]
    shares = [i for i in present if i.kind == "share"]
    means = [i for i in present if i.kind == "mean"]
    ones = pd.DataFrame(
        {i.column: pd.to_numeric(data[i.column], errors="coerce") == 1 for i in shares}
    )
    rows = []
    for group in (None, *groups):
        if group is not None and group not in data:
            continue
        # one pass per grouping for all shares and one for all means (R: one svyciprop or
        # svymean call per indicator; each indicator keeps its own missing values)
        parts = []
        if shares:
            parts.append(
                design.proportion(
                    [i.column for i in shares], level=1.0, ci="logit", by=group,
                    conf_level=conf_level,
                )
            )  # fmt: skip
        if means:
            parts.append(
                design.mean([i.column for i in means], by=group, na_rm="each", level=conf_level)
            )
        if not parts:  # a questionnaire without the standard indicators
            break
        est = pd.concat(parts, ignore_index=True)
        if group is None:
            est = est.assign(group="total", group_level="total")
            numer = ones.sum().astype(float).rename("n_numerator").to_frame()
            numer["group_level"] = "total"
        else:
            est = est.rename(columns={group: "group_level"}).assign(group=group)
            est["group_level"] = est["group_level"].astype(str)
            numer = ones.groupby(data[group].astype("string")).sum().astype(float)
            numer = numer.stack().rename("n_numerator").reset_index()
            numer.columns = ["group_level", "variable", "n_numerator"]
            numer = numer.set_index("variable")
        numer = numer.reset_index().rename(columns={"index": "variable"})
        est = est.merge(numer, on=["variable", "group_level"], how="left")
        rows.append(est)
    if rows:
        table = pd.concat(rows, ignore_index=True)
        by_column = {i.column: i for i in present}
        table["indicator"] = table["variable"].map(lambda c: by_column[c].id)
        table["question"] = table["variable"].map(lambda c: by_column[c].question)
        table["theme"] = table["variable"].map(lambda c: by_column[c].theme)
        table["kind"] = table["variable"].map(lambda c: by_column[c].kind)
        table["label_pl"] = table["variable"].map(lambda c: by_column[c].label("pl"))
        table["label_en"] = table["variable"].map(lambda c: by_column[c].label("en"))
        table.loc[table["kind"] == "mean", "n_numerator"] = np.nan
        # report order: indicators as defined, then total before groups
        order = {i.id: k for k, i in enumerate(present)}
        group_order = {g: k for k, g in enumerate(("total", *groups))}
        table = table.assign(
            _i=table["indicator"].map(order), _g=table["group"].map(group_order)
        ).sort_values(["_i", "_g"], kind="stable")
        rows = [table.drop(columns=["_i", "_g"])]
    if not rows:
        return pd.DataFrame(columns=COLUMNS)
    table = pd.concat(rows, ignore_index=True)
    return table[COLUMNS]
