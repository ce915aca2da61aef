"""Confidence intervals, following R's ``survey`` conventions.

* means, totals, ratios (also in domains): normal quantiles, as ``confint()``
  on an ``svystat``;
* proportions: Student's t on the design degrees of freedom, as
  ``svyciprop(..., df = degf(design))``; or ``"wald"``, the normal interval
  of ``confint(svymean(~factor, design))``.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from scipy import stats
from scipy.special import expit, logit

__all__ = ["ProportionCI", "normal_interval", "proportion_interval", "t_interval"]

ProportionCI = Literal["logit", "xlogit", "beta", "wilson", "mean", "wald"]


def normal_interval(
    estimate: np.ndarray, se: np.ndarray, level: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """``estimate -/+ z * se`` with the normal quantile.

    Examples
    --------
    >>> lo, hi = normal_interval(np.array([10.0]), np.array([1.0]))
    >>> round(float(lo[0]), 4), round(float(hi[0]), 4)
    (8.04, 11.96)
    >>> # R: confint(svymean(~y, des))
    """
    z = stats.norm.ppf(1 - (1 - level) / 2)
    return estimate - z * se, estimate + z * se


def t_interval(
    estimate: np.ndarray, se: np.ndarray, df: np.ndarray, level: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """``estimate -/+ t(df) * se``.

    Examples
    --------
    >>> lo, hi = t_interval(np.array([0.5]), np.array([0.1]), np.array([10.0]))
    >>> round(float(hi[0]), 4)
    0.7228
    >>> # R: confint(svymean(~y, des), df = degf(des))
    """
    t = stats.t.ppf(1 - (1 - level) / 2, df)
    return estimate - t * se, estimate + t * se


def proportion_interval(
    p: np.ndarray,
    se: np.ndarray,
    df: np.ndarray,
    method: ProportionCI = "logit",
    level: float = 0.95,
    n_rows: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Confidence interval of a proportion from its estimate, SE and design df.

    Parameters
    ----------
    p, se, df : ndarray
        Estimate, standard error and design degrees of freedom.
    method : {"logit", "xlogit", "beta", "wilson", "mean", "wald"}
        ``"logit"`` and ``"xlogit"``: a t interval on the logit scale, back
        transformed (R's ``svyciprop`` methods of these names; both give the
        same numbers, R fits the first as a ``svyglm``). ``"beta"``: Korn and
        Graubard's Clopper-Pearson interval with the effective sample size.
        ``"mean"``: ``p -/+ t * se``. ``"wald"``: ``p -/+ z * se`` with the
        normal quantile, R's ``confint(svymean(~factor, des))`` (may leave
        [0, 1]; ``df`` unused). ``"wilson"``: the Wilson score interval
        with Kish's effective sample size ``p(1-p)/se^2`` and the t quantile
        (not in R's ``survey``).
    level : float
    n_rows : ndarray, optional
        Rows of the (sub)design, for ``"beta"`` (R: ``nrow(design)``).

    Notes
    -----
    Korn-Graubard (R's ``method="beta"``):
    :math:`n^* = \\frac{p(1-p)}{\\hat V}\\left(\\frac{t_{n-1}}{t_{df}}\\right)^2`,
    limits ``qbeta(a/2, n*p, n*(1-p)+1)`` and ``qbeta(1-a/2, n*p+1, n*(1-p))``.

    References
    ----------
    Korn, E. L. and Graubard, B. I. (1998). Confidence intervals for proportions
    with small expected number of positive counts estimated from survey data.
    Survey Methodology 24, 193-201.

    Examples
    --------
    >>> lo, hi = proportion_interval(np.array([0.2]), np.array([0.05]), np.array([30.0]))
    >>> round(float(lo[0]), 4), round(float(hi[0]), 4)
    (0.1167, 0.3212)
    >>> # R: svyciprop(~I(y == 1), des, method = "logit")
    >>> lo, hi = proportion_interval(np.array([0.2]), np.array([0.05]), np.array([30.0]), "wald")
    >>> round(float(lo[0]), 4), round(float(hi[0]), 4)
    (0.102, 0.298)
    >>> # R: confint(svymean(~factor(y), des))
    """
    alpha = 1 - level
    with np.errstate(divide="ignore", invalid="ignore"):
        if method == "mean":
            return t_interval(p, se, df, level)
        if method == "wald":
            return normal_interval(p, se, level)
        if method in ("logit", "xlogit"):
            lo, hi = t_interval(logit(p), se / (p * (1 - p)), df, level)
            return expit(lo), expit(hi)
        if method == "beta":
            n_eff = p * (1 - p) / se**2
            rows = np.asarray(n_rows, dtype=float)
            n_eff = n_eff * (stats.t.ppf(alpha / 2, rows - 1) / stats.t.ppf(alpha / 2, df)) ** 2
            lo = stats.beta.ppf(alpha / 2, n_eff * p, n_eff * (1 - p) + 1)
            hi = stats.beta.ppf(1 - alpha / 2, n_eff * p + 1, n_eff * (1 - p))
            return lo, hi
        if method == "wilson":
            n_eff = p * (1 - p) / se**2
            t = stats.t.ppf(1 - alpha / 2, df)
            centre = (p + t**2 / (2 * n_eff)) / (1 + t**2 / n_eff)
            half = t / (1 + t**2 / n_eff) * np.sqrt(p * (1 - p) / n_eff + t**2 / (4 * n_eff**2))
            return centre - half, centre + half
    raise ValueError(method)
