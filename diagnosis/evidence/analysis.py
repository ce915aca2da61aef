"""One town's analysis, end to end: from its folder to every number the report shows.

:func:`analyse_town` runs the pipeline (read, validate, clean, weight,
estimate) and gathers the evidence in a frozen :class:`TownAnalysis`; the
report, the evidence files and the batch all take their numbers from it.

Weighting (``weighting=``):

``"rake"`` (default)
    iterative proportional fitting of the respondents to the town's age-band
    and sex margins (R: ``rake(des, list(~age_band, ~sex), ...)``);
``"poststratify"``
    to the age band x sex cells (R: ``postStratify(des, ~age_band + sex, ...)``);

A town whose margins are by age only (:attr:`~diagnosis.town.Town.margin_variables`
is ``("age_band",)``: GUS figures for both sexes together, e.g. ``margins: {gmina:
...}``) is raked or post-stratified to its age bands alone (R: ``rake(des,
list(~age_band), ...)``); the sample's mix of sexes is left as it is, and
:attr:`WeightingSummary.variables` says so to the report.
``"none"``
    equal weights; shares describe the respondents, not the town.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from ..clean import (
    Cleaned,
    clean_town,
    code_themes,
    is_confidently_clean,
    is_numeric_scale,
    redact_series,
    redact_text,
)
from ..errors import DiagnosisError, Language
from ..estimate import Design, scale_reliability
from ..instrument import Instrument
from ..read import read_table
from ..town import Town
from ..validate import WEIGHTING_ONLY, TownValidation, margin_questions, validate_town
from ..weight import effective_n, kish_deff
from .disclosure import suppress
from .groups import group_differences
from .indicators import (
    Indicator,
    construct_columns,
    define_indicators,
    estimate_indicators,
    indicator_data,
)
from .priorities import importance_satisfaction, rank_needs, service_pairs
from .questions import QuestionResults, question_data, question_results

__all__ = [
    "ReportError",
    "Settings",
    "TownAnalysis",
    "WeightingSummary",
    "analyse_town",
    "choose_quotes",
    "protect_indicators",
    "redact_town",
    "weight_design",
    "weighting_variables",
]

Weighting = Literal["rake", "poststratify", "none"]
GROUPS = ("age_band", "sex", "district")


class ReportError(DiagnosisError):
    """The analysis of a town cannot go on (validation errors, bad settings)."""


@dataclass(frozen=True)
class Settings:
    """The choices that change a report's numbers (the notebook's parameters)."""

    lang: Language = "pl"
    threshold: int = 10
    weighting: Weighting = "rake"
    conf_level: float = 0.95

    def check(self) -> None:
        """Raise :class:`ReportError` for a value a report must not use."""
        if self.lang not in ("pl", "en"):
            raise ReportError(
                pl=f"Język raportu musi być 'pl' albo 'en', a jest '{self.lang}'.",
                en=f"The report language must be 'pl' or 'en', not '{self.lang}'.",
            )
        if int(self.threshold) < 3:
            raise ReportError(
                pl="Próg ukrywania małych grup nie może być mniejszy niż 3 (ustawa o statystyce "
                "publicznej, art. 38).",
                en="The suppression threshold cannot be below 3 (Polish statistics law, art. 38).",
                value=self.threshold,
            )
        if self.weighting not in ("rake", "poststratify", "none"):
            raise ReportError(
                pl="Ważenie musi być 'rake', 'poststratify' albo 'none'.",
                en="Weighting must be 'rake', 'poststratify' or 'none'.",
                value=self.weighting,
            )
        if not 0.5 < float(self.conf_level) < 1:
            raise ReportError(
                pl="Poziom ufności musi być liczbą między 0,5 a 1 (np. 0,95).",
                en="The confidence level must be between 0.5 and 1 (e.g. 0.95).",
                value=self.conf_level,
            )


@dataclass(frozen=True)
class WeightingSummary:
    """How weighting changed the sample: the numbers of the methods section.

    ``variables`` are those weighted to: ``("age_band", "sex")``, ``("age_band",)``
    when the population figures are by age only, ``()`` without weights.
    ``requested`` is the method asked for: ``method`` is ``"none"`` while
    ``requested`` is not when the questionnaire gives no weighting variable.
    """

    method: str
    n: int
    population: int
    kish_deff: float
    effective_n: float
    weight_min: float
    weight_max: float
    margin_of_error: float  # half-width of a 95% CI for a 50% share, in percentage points
    variables: tuple[str, ...] = ("age_band", "sex")
    requested: str = ""


@dataclass(frozen=True)
class TownAnalysis:
    """Everything the report of one town shows, computed once.

    Attributes
    ----------
    indicators : DataFrame
        The tidy indicator table (:data:`diagnosis.evidence.indicators.COLUMNS`
        plus ``suppressed``), published values blanked where suppressed.
    profile : DataFrame
        Sample against population by age band x sex.
    priorities : DataFrame
        Importance-satisfaction matrix (:func:`importance_satisfaction`).
    needs : DataFrame
        Needs ranked by survey and workshop (:func:`rank_needs`).
    themes : DataFrame
        Open answers coded into themes: ``question, theme, count, share``.
    differences : DataFrame
        Group differences, Holm-corrected (:func:`group_differences`).
    reliability : DataFrame
        Cronbach's alpha and McDonald's omega of each multi-item scale.
    quotes : DataFrame
        A few redacted open answers per question.
    questions : QuestionResults
        The result of every question no other section shows, by its type
        (:func:`~diagnosis.evidence.questions.question_results`), and the
        questions with no result and why.
    """

    town: Town
    instrument: Instrument
    settings: Settings
    validation: TownValidation
    cleaned: Cleaned
    design: Design = field(repr=False)
    weighting: WeightingSummary
    indicator_defs: tuple[Indicator, ...]
    indicators: pd.DataFrame = field(repr=False)
    profile: pd.DataFrame = field(repr=False)
    priorities: pd.DataFrame = field(repr=False)
    needs: pd.DataFrame = field(repr=False)
    themes: pd.DataFrame = field(repr=False)
    quotes: pd.DataFrame = field(repr=False)
    differences: pd.DataFrame = field(repr=False)
    reliability: pd.DataFrame = field(repr=False)
    ideas: pd.DataFrame | None = field(repr=False)
    assets: pd.DataFrame | None = field(repr=False)
    questions: QuestionResults = field(repr=False, default=None)  # type: ignore[assignment]
    created: dt.date = field(default_factory=dt.date.today)

    @property
    def n(self) -> int:
        """Respondents analysed (after cleaning)."""
        return len(self.cleaned.data)


def weighting_variables(data: pd.DataFrame, town: Town) -> tuple[str, ...]:
    """The margins' variables the respondents' answers give: what weighting can use.

    The questionnaire gives them through its weighting questions
    (:func:`diagnosis.validate.margin_questions`); a questionnaire without
    them gives ``()`` and the report is unweighted.

    Examples
    --------
    >>> from diagnosis.town import load_town
    >>> town = load_town("surveys/towns/kwidzyn")
    >>> weighting_variables(pd.DataFrame({"age_band": ["18_29"], "q1": ["a"]}), town)
    ('age_band',)
    """
    return tuple(
        v for v in town.margin_variables if v in data.columns and bool(data[v].notna().any())
    )


def weight_design(data: pd.DataFrame, town: Town, method: Weighting) -> Design:
    """The town's design, calibrated to its population margins as the report does.

    Parameters
    ----------
    data : DataFrame
        Cleaned respondents with ``age_band`` and ``sex``.
    town : Town
        Gives the population margins: age band x sex, or age band alone
        (:attr:`~diagnosis.town.Town.margin_variables`), and then the weights
        are fitted to the age bands only. Weighting uses the variables the
        data have (:func:`weighting_variables`); with none it returns the
        unweighted design.
    method : {"rake", "poststratify", "none"}
        Rake to the age and sex margins, post-stratify to the cells, or no weights.

    Examples
    --------
    >>> from diagnosis.town import load_town
    >>> town = load_town("surveys/towns/kwidzyn")
    >>> df = pd.DataFrame({"age_band": ["18_29", "30_44", "45_59", "60_plus"] * 2,
    ...                    "sex": ["female"] * 4 + ["male"] * 4})
    >>> round(float(weight_design(df, town, "poststratify").weights.sum()))
    31410
    """
    design = Design(data)
    margins, by = town.margins, list(weighting_variables(data, town))
    if method == "none" or not by:
        return design
    if method == "poststratify":
        cells = margins.groupby(by)["population"].sum().astype(float)
        return design.poststratify(by, cells)
    return design.rake(
        {v: margins.groupby(v)["population"].sum().astype(float).to_dict() for v in by}
    )


def _weighting_summary(
    design: Design, method: str, population: int, variables: tuple[str, ...], requested: str
) -> WeightingSummary:
    w = np.asarray(design.weights, dtype=float)
    n_eff = effective_n(w)
    return WeightingSummary(
        method=method,
        n=len(w),
        population=population,
        kish_deff=kish_deff(w),
        effective_n=n_eff,
        weight_min=float(w.min()),
        weight_max=float(w.max()),
        margin_of_error=float(100 * 1.959963984540054 * np.sqrt(0.25 / n_eff)),
        variables=() if method == "none" else variables,
        requested=requested,
    )


def _profile(design: Design, town: Town, threshold: int) -> pd.DataFrame:
    """Sample against population by the margins' variables (age band x sex, or age band)."""
    data = design.data
    keys = list(weighting_variables(data, town))
    if not keys:  # the questionnaire asks neither: the population alone (public GUS figures)
        keys = [k for k in ("age_band",) if k in town.margin_variables]
        out = town.margins.groupby(keys)["population"].sum().reset_index()
        out["population_share"] = out["population"] / out["population"].sum()
        for column in ("sample_n", "weighted", "sample_share", "weighted_share"):
            out[column] = np.nan
        out["suppressed"] = False
        return out
    sample = data.groupby(keys).size().rename("sample_n")
    weighted = pd.Series(design.weights, index=data.index).groupby(
        [data[k] for k in keys]
    ).sum().rename("weighted")  # fmt: skip
    pop = town.margins.groupby(keys)["population"].sum()
    out = pd.concat([pop, sample, weighted], axis=1).fillna(0.0).reset_index()
    out["population_share"] = out["population"] / out["population"].sum()
    out["sample_share"] = out["sample_n"] / out["sample_n"].sum()
    out["weighted_share"] = out["weighted"] / out["weighted"].sum()
    # the sample's cells add up to n, and each age band and each sex to the group sizes the
    # indicator table shows: a small cell is hidden with partners in its row and column
    within = [[], *([k] for k in keys)] if len(keys) > 1 else [[]]
    return suppress(
        out, threshold, n_col="sample_n", within=within,
        columns=["sample_n", "weighted", "sample_share", "weighted_share"],
    )  # fmt: skip


def _redacted(table: pd.DataFrame, lang: Language) -> pd.DataFrame:
    """``table`` with every text cell passed through the redactor (numbers untouched)."""
    out = table.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            texts = out[column].astype("string")
            if texts.notna().any():
                out[column] = redact_series(texts, lang=lang)[0]
    return out


def redact_town(town: Town, lang: Language = "pl") -> Town:
    """The town with its free texts (recruitment, margins source, innovation) redacted.

    Everything a librarian types into town.yaml may reach the report, the
    evidence files and the app; it passes the same redactor as the answers.

    Examples
    --------
    >>> from diagnosis.town import load_town
    >>> town = dataclasses.replace(load_town("surveys/towns/kwidzyn"),
    ...                            recruitment="Pisz do jan.kowalski@wp.pl")
    >>> redact_town(town).recruitment
    'Pisz do [e-mail]'
    """
    texts = {
        key: redact_text(value, lang=lang)
        for key in ("recruitment", "margins_source", "innovation", "commentary")
        if isinstance(value := getattr(town, key), str)
    }
    return dataclasses.replace(town, **texts) if texts else town


def protect_indicators(table: pd.DataFrame, threshold: int) -> pd.DataFrame:
    """Disclosure control of the indicator table: cells, complements and differences.

    A row is hidden when its denominator ``n`` or numerator ``n_numerator`` is
    below ``threshold`` or its complement ``n - n_numerator`` is between 1 and
    ``threshold - 1``. The groups of one grouping (the districts of an
    indicator) add up to its published total, so respondents outside every
    listed group (no district given) are a hidden remainder, and groups are
    hidden until no hidden cell, alone or together with the others, can be
    had by subtracting the shown ones from the total.

    Parameters
    ----------
    table : DataFrame
        From :func:`~diagnosis.evidence.indicators.estimate_indicators`.
    threshold : int

    Returns
    -------
    DataFrame
        The same rows with ``suppressed``; hidden rows carry no estimate, CI,
        count or weighted count. A whole-town share hidden for resting on
        fewer than ``threshold`` answers (or all but that few) has ``bound``
        ``"below"`` (``"above"``) and ``bound_n``, its number of answers, so
        that the report can say "fewer than 10 of 168" instead of nothing
        (not in the exported indicator table).

    Examples
    --------
    >>> t = pd.DataFrame({"indicator": "x", "group": ["total", "sex", "sex"],
    ...     "group_level": ["total", "f", "m"], "estimate": [0.5, 0.5, 0.5],
    ...     "n": [40.0, 34, 4], "n_numerator": [20.0, 17, 2]})
    >>> protect_indicators(t, 10)["suppressed"].tolist()  # 2 without a sex: 4 + 2 < 10
    [False, True, True]
    """
    counts = ["n", "n_numerator"]
    parts = table[table["group"] != "total"]
    totals = table[table["group"] == "total"].set_index("indicator")[counts]
    listed = parts.groupby(["indicator", "group"], sort=False)[counts].sum(min_count=1)
    rest = totals.reindex(listed.index.get_level_values("indicator")).to_numpy() - listed
    rest = rest.reset_index().assign(group_level="", _remainder=True)
    full = pd.concat([table.assign(_remainder=False), rest], ignore_index=True)
    out = suppress(
        full, threshold=threshold, n_col=counts, within=["indicator", "group"],
        complement=("n", "n_numerator"), remainder="_remainder",
    )  # fmt: skip
    out = out[~out["_remainder"].astype(bool)].drop(columns="_remainder")
    out = out.astype({"suppressed": bool}).reset_index(drop=True)
    # a whole-town share hidden for its own few answers can still be bounded: "fewer than
    # 10 of 168"; one hidden only as a partner of another, or in a group, cannot
    n = pd.to_numeric(table["n"], errors="coerce").to_numpy(dtype=float)
    k = pd.to_numeric(table["n_numerator"], errors="coerce").to_numpy(dtype=float)
    whole = (table["group"] == "total").to_numpy() & (n >= threshold)
    below = whole & (k < threshold)
    above = whole & ~below & (n - k > 0) & (n - k < threshold)
    hidden = out["suppressed"].to_numpy()
    out["bound"] = np.select([hidden & below, hidden & above], ["below", "above"], "")
    out["bound_n"] = np.where(out["bound"] != "", n, np.nan)
    out["bound_k"] = threshold
    return out


def _shingles(text: str, k: int = 5) -> set[tuple[str, ...]]:
    """Runs of ``k`` consecutive words (lower case); a short text is one run."""
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i : i + k]) for i in range(max(1, len(words) - k + 1))}


def choose_quotes(
    texts: pd.Series, k: int = 4, min_length: int = 25, max_length: int = 220
) -> list[str]:
    """Up to ``k`` open answers fit to quote: clean for sure, and no two alike.

    Only answers that hold nothing that looks even partly like personal data
    (:func:`~diagnosis.clean.is_confidently_clean`: long digit runs, an
    at-sign or "małpa", a first name, a street and number) are candidates; an
    answer that was redacted in cleaning (it holds a placeholder) is never
    quoted. The longest answers used to be quoted, and an answer the redactor
    had missed tended to be among them. Among the candidates, the longest come
    first, skipping any that shares a run of five words with a quote already
    chosen (a near-duplicate: the same answer typed twice, or one sentence
    copied into another answer).

    Parameters
    ----------
    texts : Series of str
        The (cleaned) answers to one open question.
    k : int
    min_length, max_length : int
        Length bounds of a quote, in characters.

    Returns
    -------
    list of str

    Examples
    --------
    >>> answers = pd.Series(["Brakuje miejsc spotkań dla młodzieży w centrum miasta.",
    ...                      "Brakuje miejsc spotkań dla młodzieży w centrum miasta!",
    ...                      "Proszę dzwonić: [telefon], chętnie pomogę przy festynie.",
    ...                      "Więcej koncertów i potańcówek w parku nad jeziorem."])
    >>> choose_quotes(answers)
    ['Brakuje miejsc spotkań dla młodzieży w centrum miasta.', \
'Więcej koncertów i potańcówek w parku nad jeziorem.']
    """
    answers = texts.dropna().astype(str).str.strip()
    lengths = answers.str.len()
    answers = answers[(lengths >= min_length) & (lengths <= max_length)]
    chosen: list[str] = []
    runs: set[tuple[str, ...]] = set()
    for text in answers.sort_values(key=lambda s: s.str.len(), ascending=False, kind="stable"):
        if not is_confidently_clean(text):
            continue
        mine = _shingles(text)
        if mine & runs:
            continue
        chosen.append(text)
        runs |= mine
        if len(chosen) == k:
            break
    return chosen


def _themes_and_quotes(
    data: pd.DataFrame, instrument: Instrument, lang: Language, threshold: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows, quotes = [], []
    for q in instrument.by_role("open_text"):
        if q.name not in data:
            continue
        texts = data[q.name].astype("string")
        coded = code_themes(texts, lang="pl")
        answered = int(texts.notna().sum())
        for theme in coded.columns:
            count = int(coded[theme].fillna(0).sum())
            rows.append(
                {
                    "question": q.name,
                    "theme": theme,
                    "count": count,
                    "answered": answered,
                    "share": count / answered if answered else np.nan,
                    # a theme of 1..threshold-1 answers, or all but that few, is hidden
                    "suppressed": count < threshold or 0 < answered - count < threshold,
                }
            )
        quotes += [{"question": q.name, "text": t} for t in choose_quotes(texts, k=4)]
    themes = pd.DataFrame(rows, columns=["question", "theme", "count", "answered", "share",
                                         "suppressed"])  # fmt: skip
    themes = themes.sort_values(["question", "count"], ascending=[True, False], kind="stable")
    return themes.reset_index(drop=True), pd.DataFrame(quotes, columns=["question", "text"])


#: constructs whose items other sections show (batteries, scales, checklists)
_SHOWN_CONSTRUCTS = ("importance", "satisfaction", "cohesion", "needs", "digital_skills",
                     "participation")  # fmt: skip


def reliability_scales(instrument: Instrument) -> list[str]:
    """The constructs whose reliability the report gives: multi-item scales of 3+ items.

    Batteries rated item by item (importance, satisfaction), checklists and
    single indicators are not scales; any other construct with at least three
    single-choice or numeric items is.

    Examples
    --------
    >>> from diagnosis import load_instrument
    >>> reliability_scales(load_instrument("surveys/instruments/resident_survey.xlsx"))
    ['cohesion']
    """
    not_scales = {"importance", "satisfaction", "needs", "digital_skills", "participation"}
    out = []
    for construct in instrument.constructs:
        items = [
            q for q in instrument.by_construct(construct)
            if q.type in ("select_one", "integer", "decimal")
        ]  # fmt: skip
        if (
            construct not in not_scales
            and len(items) >= 3
            and is_numeric_scale(instrument, construct)
        ):
            out.append(construct)
    return out


def _not_shown_elsewhere(instrument: Instrument, defs: Sequence[Indicator]) -> list[str]:
    """The questions the question-by-question section shows: those no indicator covers."""
    covered = {i.question for i in defs}
    covered |= {q.name for c in _SHOWN_CONSTRUCTS for q in instrument.by_construct(c)}
    covered |= {q.name for q in instrument.by_role("needs")}
    covered |= {m.question.name for m in margin_questions(instrument)}
    return [
        q.name
        for q in instrument.questions
        if q.name not in covered and q.role not in ("id", "started_at", "ended_at", "open_text")
    ]


def analyse_town(
    folder: str | Path,
    *,
    lang: Language = "pl",
    threshold: int = 10,
    weighting: Weighting = "rake",
    conf_level: float = 0.95,
) -> TownAnalysis:
    """Run the whole analysis of one town.

    Parameters
    ----------
    folder : str or Path
        The town folder (``surveys/towns/<slug>``).
    lang : {"pl", "en"}
        Language of labels chosen by the analysis (quotes' placeholders).
    threshold : int
        Smallest number of unweighted respondents behind a published number
        (default 10, never below 3).
    weighting : {"rake", "poststratify", "none"}
    conf_level : float
        Confidence level of every interval.

    Returns
    -------
    TownAnalysis

    Raises
    ------
    ReportError
        When a setting is invalid or validation finds errors in the data
        (the message names the first error's file, row and column).
    TownConfigError, InstrumentError
        When the town folder or its questionnaire cannot be used.

    Examples
    --------
    >>> a = analyse_town("surveys/towns/kwidzyn")  # doctest: +SKIP
    >>> a.indicators.query("indicator == 'trust_high' and group == 'total'")  # doctest: +SKIP
    """
    settings = Settings(lang, int(threshold), weighting, float(conf_level))
    settings.check()
    validation = validate_town(folder)
    # without weights, the sample need not cover every group of the population
    errors = [
        f for f in validation.findings()
        if f.severity == "error" and not (weighting == "none" and f.code in WEIGHTING_ONLY)
    ]  # fmt: skip
    if errors:
        first = errors[0]
        n_err = len(errors)
        raise ReportError(
            pl=f"{first.pl} W danych miejscowości jest błędów: {n_err}. Uruchom "
            "'diagnosis validate' dla tej miejscowości, popraw pliki i spróbuj ponownie.",
            en=f"{first.en} The town's data have {n_err} error(s). Run 'diagnosis validate' "
            "for this town, fix the files and try again.",
            file=first.file,
            row=first.row,
            column=first.column,
            value=first.value,
        )
    town, instrument = validation.town, validation.instrument
    cleaned = clean_town(validation, weighted=weighting != "none")
    data = question_data(indicator_data(cleaned.data, instrument), instrument)
    available = weighting_variables(data, town)
    method = weighting if available else "none"
    design = weight_design(data, town, method)
    defs = define_indicators(instrument)
    table = estimate_indicators(design, defs, [g for g in GROUPS if g in data], conf_level)
    table = protect_indicators(table, threshold)
    ideas = _redacted(read_table(town.workshop_ideas), lang) if town.workshop_ideas else None
    assets = _redacted(read_table(town.assets), lang) if town.assets else None
    town = redact_town(town, lang)
    themes, quotes = _themes_and_quotes(cleaned.data, instrument, lang, threshold)
    groups = [g for g in GROUPS if g in data]
    scales = reliability_scales(instrument)
    return TownAnalysis(
        town=town,
        instrument=instrument,
        settings=settings,
        validation=validation,
        cleaned=cleaned,
        design=design,
        weighting=_weighting_summary(
            design, method, int(town.margins["population"].sum()), available, weighting
        ),
        indicator_defs=defs,
        indicators=table,
        profile=_profile(design, town, threshold),
        priorities=importance_satisfaction(table, service_pairs(instrument), town.priority_lines),
        needs=rank_needs(table, ideas),
        themes=themes,
        quotes=quotes,
        differences=group_differences(design, defs, table, groups),
        reliability=scale_reliability(
            construct_columns(cleaned.data, instrument, scales), instrument, scales, conf_level
        ),
        ideas=ideas,
        assets=assets,
        questions=question_results(
            design,
            instrument,
            _not_shown_elsewhere(instrument, defs),
            threshold=threshold,
            conf_level=conf_level,
        ),
    )
