"""Corrections for testing many hypotheses at once (Holm, Benjamini-Hochberg).

A report compares many items across many groups; each comparison's p-value
is corrected for the family of tests it belongs to with statsmodels'
``multipletests``, which gives R's ``p.adjust`` numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd
from statsmodels.stats.multitest import multipletests

from .taylor import EstimationError

__all__ = ["Adjustment", "adjust_pvalues"]

#: ``"holm"``: Holm's step-down family-wise error control; ``"fdr_bh"``:
#: Benjamini-Hochberg false discovery rate (R: ``"holm"``, ``"BH"``)
Adjustment = Literal["holm", "fdr_bh"]


def adjust_pvalues(
    p: Sequence[float] | np.ndarray | pd.Series,
    method: Adjustment = "holm",
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Adjusted p-values and rejections, as R's ``p.adjust``.

    Parameters
    ----------
    p : array-like
        p-values of one family of tests. NaN (a test that could not be
        computed) stays NaN and does not count in the family, as R's
        ``p.adjust`` with its default ``n = length(p[!is.na(p)])``.
    method : {"holm", "fdr_bh"}
        Holm (family-wise error rate) or Benjamini-Hochberg (false discovery
        rate).
    alpha : float
        Level for ``reject``.

    Returns
    -------
    DataFrame
        ``p_value, p_adjusted, reject``, one row per input value, in input
        order (the index of a Series is kept). ``reject`` is
        ``p_adjusted <= alpha``; False where the p-value is NaN.

    Notes
    -----
    With the m p-values sorted, :math:`p_{(1)} \\le \\dots \\le p_{(m)}`: Holm
    gives :math:`\\max_{j \\le i} \\min(1, (m - j + 1) p_{(j)})`; BH gives
    :math:`\\min_{j \\ge i} \\min(1, m p_{(j)} / j)`.

    References
    ----------
    Holm, S. (1979). A simple sequentially rejective multiple test procedure.
    Scandinavian Journal of Statistics 6, 65-70. Benjamini, Y. and Hochberg, Y.
    (1995). Controlling the false discovery rate. JRSS B 57, 289-300.

    Examples
    --------
    >>> adjust_pvalues([0.01, 0.04, 0.03, 0.2], method="holm")["p_adjusted"].round(6).tolist()
    [0.04, 0.09, 0.09, 0.2]
    >>> # R: p.adjust(c(0.01, 0.04, 0.03, 0.2), method = "holm")
    >>> adjust_pvalues([0.01, 0.04, 0.03, 0.2], method="fdr_bh")["p_adjusted"].round(6).tolist()
    [0.04, 0.053333, 0.053333, 0.2]
    >>> # R: p.adjust(c(0.01, 0.04, 0.03, 0.2), method = "BH")
    """
    if method not in ("holm", "fdr_bh"):
        raise EstimationError(
            pl=f"Nieznana metoda korekty method={method!r}; dozwolone: 'holm', 'fdr_bh'.",
            en=f"Unknown correction method={method!r}; choose 'holm' or 'fdr_bh'.",
            value=method,
        )
    index = p.index if isinstance(p, pd.Series) else None
    values = np.asarray(p, dtype=float).reshape(-1)
    known = ~np.isnan(values)
    if ((values[known] < 0) | (values[known] > 1)).any():
        raise EstimationError(
            pl="p-wartości muszą leżeć w przedziale [0, 1].",
            en="p-values must lie in [0, 1].",
            value=values[known][(values[known] < 0) | (values[known] > 1)][0],
        )
    adjusted = np.full(len(values), np.nan)
    reject = np.zeros(len(values), dtype=bool)
    if known.any():
        reject[known], adjusted[known], _, _ = multipletests(
            values[known], alpha=alpha, method=method
        )
    return pd.DataFrame({"p_value": values, "p_adjusted": adjusted, "reject": reject}, index=index)
