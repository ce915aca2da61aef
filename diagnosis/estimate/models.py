"""Design-based generalised linear models (R's ``svyglm``), fitted by IRLS in numpy.

Coefficients solve the weighted score equations :math:`\\sum_i w_i x_i (y_i -
\\mu_i) = 0`; their covariance is the sandwich :math:`A^{-1} V A^{-1}` with
:math:`A = X^\\top W X` (the working weights) and :math:`V` the design
covariance of the totals of the scores :math:`w_i x_i (y_i - \\mu_i)`, from the
full Taylor core (every stage with fpc, and calibration), as
``survey:::svy.varcoef``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
from scipy.special import expit

from .contrast import Contrasts, contrast

__all__ = ["FAMILIES", "Family", "GlmFit", "glm_fit_table", "irls"]

Family = Literal["gaussian", "quasibinomial", "binomial", "poisson", "quasipoisson"]
#: every family, with its canonical link: identity, logit (binomial) or log (poisson)
FAMILIES = ("gaussian", "quasibinomial", "binomial", "poisson", "quasipoisson")


@dataclass(frozen=True)
class GlmFit:
    """A fitted design-based GLM: the coefficient table and their covariance.

    Attributes
    ----------
    table : DataFrame
        One row per coefficient (see :meth:`diagnosis.estimate.Design.glm`).
    cov : DataFrame
        Covariance of the coefficients, indexed by term both ways.
    """

    table: pd.DataFrame = field(repr=False)
    cov: pd.DataFrame = field(repr=False)

    def contrast(self, contrasts: Contrasts, conf_level: float = 0.95) -> pd.DataFrame:
        """Linear combinations of the coefficients (R's ``svycontrast(<svyglm>, ...)``).

        ``contrasts`` as in :func:`~diagnosis.estimate.contrast`, by position
        or by term (patsy's names, e.g. ``"C(g)[T.b]"``); the interval is
        normal, as R's ``confint(svycontrast(...))``.

        Examples
        --------
        >>> table = pd.DataFrame({"variable": ["Intercept", "x"], "estimate": [1.0, 2.0]})
        >>> cov = pd.DataFrame([[0.25, 0.0], [0.0, 1.0]])
        >>> GlmFit(table, cov).contrast({"x": 1, "Intercept": 1})["estimate"].tolist()
        [3.0]
        >>> # R: svycontrast(svyglm(y ~ x, des), c(`(Intercept)` = 1, x = 1))
        """
        return contrast(
            self.table["estimate"].to_numpy(),
            self.cov.to_numpy(),
            contrasts,
            [str(v) for v in self.table["variable"]],
            conf_level,
        )


def irls(
    x: np.ndarray, y: np.ndarray, w: np.ndarray, family: Family, tol: float = 1e-13
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weighted IRLS for the canonical links of ``family``.

    ``"binomial"`` and ``"quasibinomial"`` (logit link, variance
    :math:`\\mu(1-\\mu)`) give the same coefficients, as do ``"poisson"`` and
    ``"quasipoisson"`` (log link, variance :math:`\\mu`): with survey weights
    the sandwich covariance does not use the dispersion, as R's ``svyglm``.

    Returns
    -------
    beta : ndarray
        Coefficients.
    mu : ndarray
        Fitted means.
    working : ndarray
        Working weights ``w * var(mu)`` (``w`` for gaussian).

    Examples
    --------
    >>> x = np.column_stack([np.ones(4), [0.0, 1, 2, 3]])
    >>> irls(x, np.array([1.0, 3, 5, 7]), np.ones(4), "gaussian")[0].round(12)
    array([1., 2.])
    >>> # R: glm(y ~ x, family = gaussian())
    >>> irls(x, np.array([1.0, 2, 4, 8]), np.ones(4), "poisson")[0].round(6) + 0.0
    array([0.      , 0.693147])
    >>> # R: glm(y ~ x, family = poisson())
    """
    if family == "gaussian":
        sw = np.sqrt(w)
        beta = np.linalg.lstsq(x * sw[:, None], y * sw, rcond=None)[0]
        return beta, x @ beta, w
    log_link = family in ("poisson", "quasipoisson")

    def mean_and_variance(eta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if log_link:
            mu = np.exp(eta)
            return mu, mu
        mu = expit(eta)
        return mu, mu * (1 - mu)

    average = (w @ y) / w.sum()
    if log_link:
        eta = np.full(len(y), np.log(max(average, 1e-6)))
    else:
        p = np.clip(average, 1e-6, 1 - 1e-6)
        eta = np.full(len(y), np.log(p / (1 - p)))
    beta = np.zeros(x.shape[1])
    for _ in range(100):
        mu, var = mean_and_variance(eta)
        working = w * var
        z = eta + (y - mu) / np.where(var > 0, var, 1.0)
        sw = np.sqrt(working)
        new = np.linalg.lstsq(x * sw[:, None], z * sw, rcond=None)[0]
        eta = x @ new
        done = np.max(np.abs(new - beta)) <= tol * (1 + np.max(np.abs(new)))
        beta = new
        if done:
            break
    mu, var = mean_and_variance(eta)
    return beta, mu, w * var


def glm_fit_table(
    names: list[str],
    beta: np.ndarray,
    cov: np.ndarray,
    df: float,
    weights: np.ndarray,
    conf_level: float,
) -> GlmFit:
    """A fitted model's coefficient table (t intervals and p-values on ``df``) and covariance.

    Shared by the Taylor and the replicate designs, which differ only in how
    they get ``cov`` and ``df`` (R: ``summary(svyglm(...))``).

    Examples
    --------
    >>> fit = glm_fit_table(["x"], np.array([1.0]), np.array([[0.25]]), 10.0, np.ones(3), 0.95)
    >>> fit.table[["estimate", "se", "n"]].values.tolist()
    [[1.0, 0.5, 3.0]]
    """
    from scipy import stats

    from .intervals import t_interval

    se = np.sqrt(np.diag(cov))
    t = beta / se
    lo, hi = t_interval(beta, se, np.full(len(beta), df), conf_level)
    table = pd.DataFrame(
        {
            "variable": names,
            "estimate": beta,
            "se": se,
            "ci_low": lo,
            "ci_high": hi,
            "t": t,
            "df": df,
            "p_value": 2 * stats.t.sf(np.abs(t), df),
            "n": int((weights != 0).sum()),
            "n_weighted": weights.sum(),
        }
    )
    return GlmFit(table, pd.DataFrame(cov, index=names, columns=names))
