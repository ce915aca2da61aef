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

__all__ = [
    "ProportionCI",
    "likelihood_interval",
    "normal_interval",
    "proportion_interval",
    "spline",
    "t_interval",
]

ProportionCI = Literal["logit", "xlogit", "beta", "wilson", "mean", "wald", "likelihood", "asin"]


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
        [0, 1]; ``df`` unused). ``"asin"``: a t interval for
        :math:`\\arcsin\\sqrt p` (SE ``se / (2 sqrt(p (1 - p)))``), squared sines
        of its limits, R's ``method = "asin"``. ``"wilson"``: the Wilson score interval
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
        if method == "asin":
            lo, hi = t_interval(np.arcsin(np.sqrt(p)), se / (2 * np.sqrt(p * (1 - p))), df, level)
            return np.sin(lo) ** 2, np.sin(hi) ** 2
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


def _fmm_coefficients(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, ...]:
    """Cubic spline coefficients with Forsythe, Malcolm and Moler's end conditions.

    The arithmetic of R's ``spline_coef`` (method ``"fmm"``, ``splines.c``): the
    third derivatives at the ends match those of the cubics through the first
    and last four points. ``x`` sorted, distinct; a handful of points.
    """
    n = len(x)
    b, c, d = np.zeros(n), np.zeros(n), np.zeros(n)
    if n < 3:
        b[:] = (y[1] - y[0]) / (x[1] - x[0])
        return b, c, d
    d[0] = x[1] - x[0]
    c[1] = (y[1] - y[0]) / d[0]
    for i in range(1, n - 1):  # a tridiagonal system over the profile's points
        d[i] = x[i + 1] - x[i]
        b[i] = 2.0 * (d[i - 1] + d[i])
        c[i + 1] = (y[i + 1] - y[i]) / d[i]
        c[i] = c[i + 1] - c[i]
    b[0], b[-1] = -d[0], -d[n - 2]
    c[0] = c[-1] = 0.0
    if n > 3:
        c[0] = c[2] / (x[3] - x[1]) - c[1] / (x[2] - x[0])
        c[-1] = c[n - 2] / (x[n - 1] - x[n - 3]) - c[n - 3] / (x[n - 2] - x[n - 4])
        c[0] = c[0] * d[0] * d[0] / (x[3] - x[0])
        c[-1] = -c[-1] * d[n - 2] * d[n - 2] / (x[n - 1] - x[n - 4])
    for i in range(1, n):
        t = d[i - 1] / b[i - 1]
        b[i] -= t * d[i - 1]
        c[i] -= t * c[i - 1]
    c[-1] /= b[-1]
    for i in range(n - 2, -1, -1):
        c[i] = (c[i] - d[i] * c[i + 1]) / b[i]
    b[-1] = (y[-1] - y[-2]) / d[n - 2] + d[n - 2] * (c[n - 2] + 2.0 * c[-1])
    for i in range(n - 1):
        b[i] = (y[i + 1] - y[i]) / d[i] - d[i] * (c[i + 1] + 2.0 * c[i])
        d[i] = (c[i + 1] - c[i]) / d[i]
        c[i] = 3.0 * c[i]
    c[-1] *= 3.0
    d[-1] = d[n - 2]
    return b, c, d


def spline(x: np.ndarray, y: np.ndarray, n: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """R's ``spline(x, y)``: the ``"fmm"`` cubic spline at ``n`` (``3 len(x)``) even points.

    Examples
    --------
    >>> u, v = spline(np.array([0.0, 1, 2, 3]), np.array([0.0, 1, 8, 27]))
    >>> bool(np.allclose(v, u**3))
    True
    >>> # R: spline(0:3, (0:3)^3)
    """
    order = np.argsort(x, kind="stable")
    x, y = np.asarray(x, dtype=float)[order], np.asarray(y, dtype=float)[order]
    u = np.linspace(x[0], x[-1], 3 * len(x) if n is None else n)
    b, c, d = _fmm_coefficients(x, y)
    i = np.clip(np.searchsorted(x, u, side="right") - 1, 0, len(x) - 1)
    dx = u - x[i]
    return u, y[i] + dx * (b[i] + dx * (c[i] + dx * d[i]))


def _profile_limits(
    p: float,
    se: float,
    df: float,
    rows: float,
    dispersion: float,
    information: float,
    b0: float,
    se_logit: float,
    level: float,
) -> tuple[float, float]:
    """One proportion's interval: R's ``confint(<svyglm>, method = "likelihood")``."""
    q = 1.0 - p
    if not (0 < p < 1 and se_logit > 0 and rows > 1 and dispersion > 0 and df > 0):
        return np.nan, np.nan
    # the sandwich variance over the model-based one, 1 / information
    lam = se_logit**2 * information
    mu0 = float(expit(b0))
    alpha = float(stats.norm.cdf(stats.t.ppf((1 - level) / 2, df) * np.sqrt(lam))) / 2
    # sqrt(qf(alpha, 1, n - 1, lower.tail = FALSE)), through t: scipy's F tail is
    # inaccurate for the tiny alpha of a large design effect
    zmax = float(stats.t.isf(alpha / 2, rows - 1))
    step_size = zmax / 5

    def signed_root(b: float, sign: int) -> float:
        mu = float(expit(b))
        deviance = 2 * rows * (p * np.log(mu0 / mu) + q * np.log((1 - mu0) / (1 - mu)))
        return sign * float(np.sqrt(max(deviance / dispersion, 0.0)))

    betas, zs = [b0], [0.0]
    for sign in (-1, 1):  # R's MASS profile: at most 9 steps each way, until |z| >= zmax
        step, z = 0, 0.0
        while (step := step + 1) < 10 and abs(z) < zmax:
            b = b0 + sign * step * step_size * se_logit
            z = signed_root(b, sign)
            betas.append(b)
            zs.append(z)
    order = np.argsort(zs, kind="stable")
    u, v = spline(np.asarray(betas)[order], np.asarray(zs)[order])
    cutoff = np.array([stats.norm.ppf(2 * alpha), stats.norm.isf(2 * alpha)])
    grid, first = np.unique(v, return_inverse=True)  # R's approx(): ties averaged
    at = np.bincount(first, weights=u) / np.bincount(first)
    limits = np.interp(cutoff, grid, at, left=np.nan, right=np.nan)
    lo, hi = expit(limits)
    return float(lo), float(hi)


def likelihood_interval(
    p: np.ndarray,
    se: np.ndarray,
    df: np.ndarray,
    rows: np.ndarray,
    dispersion: np.ndarray,
    level: float = 0.95,
    information: np.ndarray | None = None,
    intercept: np.ndarray | None = None,
    se_intercept: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Scaled profile-likelihood interval of a proportion, R's ``svyciprop(method = "likelihood")``.

    Parameters
    ----------
    p, se, df : ndarray
        Estimate, its design-based SE and the design degrees of freedom.
    rows : ndarray
        Rows of the model frame (R's ``NROW(Y)``): the domain's rows of an
        uncalibrated design, every row of a calibrated one.
    dispersion : ndarray
        ``svyvar`` of the Pearson residuals of the intercept-only
        quasibinomial fit (with weights scaled to mean 1 over ``rows``).
    level : float
    information : ndarray, optional
        The model-based inverse variance of the intercept,
        :math:`\\sum W_i \\mu_i (1 - \\mu_i)` (default ``rows p (1 - p)``; R uses the
        working weights of its fit's last iteration).
    intercept : ndarray, optional
        The fitted intercept (default ``logit(p)``), the centre of the profile.
    se_intercept : ndarray, optional
        Its sandwich SE (default ``se / (p (1 - p))``), the profile's step.

    Notes
    -----
    R fits ``svyglm(y ~ 1, family = quasibinomial)`` and profiles the
    intercept :math:`\\beta`: :math:`z(\\beta) = \\pm\\sqrt{(D(\\beta) - D(\\hat\\beta))/\\phi}`
    on at most nine steps of ``zmax / 5`` SEs each way, interpolated by R's
    ``spline()`` (``"fmm"``) and inverted linearly at
    :math:`\\pm t_{df, (1-level)/2} \\sqrt{\\lambda}`, with :math:`\\lambda` the
    design-based variance of :math:`\\hat\\beta` over the model-based one.
    Each step is done as R does it, so the limits agree to rounding.

    Examples
    --------
    >>> lo, hi = likelihood_interval(
    ...     np.array([0.2]), np.array([0.05]), np.array([30.0]), np.array([64.0]),
    ...     np.array([1.0]))
    >>> bool(lo[0] < 0.2 < hi[0])
    True
    >>> # R: svyciprop(~I(y == 1), des, method = "likelihood")
    """
    shape = np.shape(p)
    p = np.asarray(p, dtype=float)
    if information is None:
        information = rows * p * (1 - p)
    with np.errstate(divide="ignore", invalid="ignore"):
        if intercept is None:
            intercept = logit(p)
        if se_intercept is None:
            se_intercept = np.asarray(se, dtype=float) / (p * (1 - p))
    values = (p, se, df, rows, dispersion, information, intercept, se_intercept)
    arrays = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in values))
    flat = [a.ravel() for a in arrays]
    lo, hi = np.full(flat[0].size, np.nan), np.full(flat[0].size, np.nan)
    for k in range(flat[0].size):  # one profile per (variable, domain): a few
        lo[k], hi[k] = _profile_limits(*(float(a[k]) for a in flat), level)
    return lo.reshape(shape), hi.reshape(shape)
