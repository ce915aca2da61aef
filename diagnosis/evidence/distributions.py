"""Answer distributions of single-choice questions, with disclosure control.

A distribution's categories add up to 100%, so a hidden category could be
recovered by subtraction: every category resting on fewer respondents than
the threshold (in the numerator) is hidden, and so is a partner category
(secondary suppression within the question), until the hidden categories
together rest on at least the threshold. A category answered by all but a few
is hidden too (the few others are a small cell).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import pandas as pd

from ..estimate import Design
from .disclosure import suppress

if TYPE_CHECKING:  # the analysis uses category_shares for its question results
    from .analysis import TownAnalysis

__all__ = ["battery_shares", "category_shares"]


def category_shares(
    design: Design,
    variables: Sequence[str],
    threshold: int = 10,
    conf_level: float = 0.95,
    published: Mapping[str, object] | None = None,
) -> pd.DataFrame:
    """Weighted share of every answer category of each variable, suppressed where small.

    Parameters
    ----------
    design : Design
    variables : sequence of str
        Single-choice columns (codes).
    threshold : int
        Smallest number of respondents behind a published share.
    conf_level : float
    published : mapping variable -> level, optional
        A category whose share another table publishes anyway (the "satisfied"
        side of a battery is also an indicator). Secondary suppression does not
        pick it as the partner of a hidden category, since the other table
        would give it away; it picks another category.

    Returns
    -------
    DataFrame
        :meth:`Design.proportion` columns plus ``n_numerator`` (respondents
        giving the answer) and ``suppressed``.

    Examples
    --------
    >>> df = pd.DataFrame({"q": ["1"] * 30 + ["2"] * 25 + ["3"] * 4})
    >>> out = category_shares(Design(df), ["q"], threshold=10)
    >>> out[["level", "suppressed"]].values.tolist()
    [['1', False], ['2', True], ['3', True]]
    >>> # R: svymean(~factor(q), des)
    """
    data = design.data
    variables = list(variables)
    # the categories each variable has, sorted, as Design.proportion(variable) gives them
    present = {v: sorted(data[v].dropna().unique().tolist()) for v in variables}
    levels = list(dict.fromkeys(c for v in variables for c in present[v]))
    if not levels:
        return pd.DataFrame()
    # one pass per category over all the variables (each its own missing values) rather
    # than one per variable: the same estimates in about half the time
    # only the variables that have the category: questions with answer lists of their own
    # would otherwise each be estimated once per category of every other list
    table = pd.concat(
        [
            design.proportion(
                [v for v in variables if c in present[v]], level=c, ci="mean",
                conf_level=conf_level,
            )
            for c in levels
        ],
        ignore_index=True,
    )  # fmt: skip
    position = {(v, c): k for k, (v, c) in enumerate((v, c) for v in variables for c in present[v])}
    keys = list(zip(table["variable"], table["level"], strict=True))
    rows = sorted((position[key], k) for k, key in enumerate(keys) if key in position)
    table = table.iloc[[k for _, k in rows]].reset_index(drop=True)
    counts = {v: data[v].astype("string").value_counts() for v in variables}
    table["n_numerator"] = [
        float(counts[v].get(str(c), 0))
        for v, c in zip(table["variable"], table["level"], strict=True)
    ]
    # the categories' numerators add up to the shared denominator n; "all but a few" is a cell too
    shown = dict(published or {})
    table["_published"] = [
        shown.get(v) == c for v, c in zip(table["variable"], table["level"], strict=True)
    ]
    out = suppress(
        table, threshold, n_col=["n", "n_numerator"], within=["variable"],
        complement=("n", "n_numerator"), additive=["n_numerator"], protected="_published",
    )  # fmt: skip
    return out.drop(columns="_published")


def battery_shares(analysis: TownAnalysis, construct: str) -> pd.DataFrame:
    """Sides of the scale (``neg``/``mid``/``pos``) of every item of a battery, protected.

    The share on an item's upper side is also its indicator (the share
    satisfied, or finding it important), published in the indicator table
    whenever that passes disclosure control. So the upper side is passed to
    :func:`category_shares` as published: secondary suppression never picks
    it as the partner of a small side, which the indicator would give away.

    Parameters
    ----------
    analysis : TownAnalysis
    construct : str
        ``"importance"``, ``"satisfaction"`` or ``"cohesion"``.

    Returns
    -------
    DataFrame
        As :func:`category_shares`, one row per item (``lik_<question>``) and side;
        empty when the instrument has no such items.

    Examples
    --------
    >>> from diagnosis.evidence import analyse_town
    >>> sides = battery_shares(analyse_town("kwidzyn"), "satisfaction")  # doctest: +SKIP
    >>> sorted(sides["level"].unique())  # doctest: +SKIP
    ['mid', 'neg', 'pos']
    """
    data = analysis.design.data
    items = [q for q in analysis.instrument.by_construct(construct) if f"lik_{q.name}" in data]
    if not items:
        return pd.DataFrame()
    table = analysis.indicators
    total = table[(table["group"] == "total") & ~table["suppressed"] & (table["kind"] == "share")]
    shown = set(total["question"])
    return category_shares(
        analysis.design, [f"lik_{q.name}" for q in items], analysis.settings.threshold,
        analysis.settings.conf_level,
        published={f"lik_{q.name}": "pos" for q in items if q.name in shown},
    )  # fmt: skip
