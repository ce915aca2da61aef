"""Answer distributions of single-choice questions, with disclosure control.

A distribution's categories add up to 100%, so a hidden category could be
recovered by subtraction: every category resting on fewer respondents than
the threshold (in the numerator) is hidden, and so is a partner category
(secondary suppression within the question).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ..estimate import Design
from .disclosure import suppress

__all__ = ["category_shares"]


def category_shares(
    design: Design, variables: Sequence[str], threshold: int = 10, conf_level: float = 0.95
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
    parts = []
    for variable in variables:
        freq = design.proportion(variable, ci="mean", conf_level=conf_level)
        counts = data[variable].astype("string").value_counts()
        freq["n_numerator"] = freq["level"].astype(str).map(counts).fillna(0).astype(float)
        parts.append(freq)
    if not parts:
        return pd.DataFrame()
    table = pd.concat(parts, ignore_index=True)
    return suppress(table, threshold, n_col=["n", "n_numerator"], within=["variable"])
