"""Linear contrasts of a set of estimates with their covariance matrix (R's ``svycontrast``).

A set of estimates (means, totals or ratios of several variables, in domains,
or the coefficients of a model) comes with its joint design-based covariance
matrix :math:`V`; a contrast with coefficients :math:`c` estimates
:math:`c^\\top \\hat\\theta` with variance :math:`c^\\top V c`. See
:meth:`diagnosis.estimate.Design.estimates` for the covariance of estimates and
:meth:`diagnosis.estimate.Design.contrast` for both steps at once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from .taylor import EstimationError

__all__ = ["CONTRAST_COLUMNS", "Contrasts", "Estimates", "contrast"]

#: the columns of a table of contrasts
CONTRAST_COLUMNS = ["contrast", "estimate", "se", "ci_low", "ci_high"]

#: one contrast: coefficients in the order of the estimates, or label -> coefficient
Coefficients = Sequence[float] | np.ndarray | Mapping[str, float]
#: one contrast (named ``"contrast"``, as R) or several, by name
Contrasts = Coefficients | Mapping[str, Coefficients]


def _is_one(contrasts: Contrasts) -> bool:
    """Whether ``contrasts`` is one contrast (numbers) rather than named contrasts."""
    if isinstance(contrasts, Mapping):
        values = list(contrasts.values())
        return bool(values) and all(np.isscalar(v) for v in values)
    return True


def _matrix(contrasts: Contrasts, labels: Sequence[str]) -> tuple[list[str], np.ndarray]:
    """The contrasts' names and their K x P coefficient matrix over ``labels``."""
    named = {"contrast": contrasts} if _is_one(contrasts) else dict(contrasts)
    position = {label: k for k, label in enumerate(labels)}
    rows = []
    for name, coefficients in named.items():
        row = np.zeros(len(labels))
        if isinstance(coefficients, Mapping):
            for label, value in coefficients.items():
                if label not in position:
                    raise EstimationError(
                        pl=f"Kontrast {name!r}: nie ma oszacowania {label!r}; są: "
                        f"{', '.join(labels)}.",
                        en=f"Contrast {name!r}: no estimate {label!r}; there are: "
                        f"{', '.join(labels)}.",
                        value=label,
                    )
                row[position[label]] = float(value)
        else:
            values = np.asarray(coefficients, dtype=float).ravel()
            if len(values) != len(labels):
                raise EstimationError(
                    pl=f"Kontrast {name!r} ma {len(values)} współczynników, a oszacowań jest "
                    f"{len(labels)} ({', '.join(labels)}).",
                    en=f"Contrast {name!r} has {len(values)} coefficients but there are "
                    f"{len(labels)} estimates ({', '.join(labels)}).",
                    value=name,
                )
            row[:] = values
        rows.append(row)
    return list(named), np.vstack(rows)


def contrast(
    estimates: Sequence[float] | np.ndarray | pd.Series,
    cov: np.ndarray | pd.DataFrame,
    contrasts: Contrasts,
    labels: Sequence[str] | None = None,
    conf_level: float = 0.95,
    df: float | None = None,
) -> pd.DataFrame:
    """Linear combinations of estimates with their standard errors (R's ``svycontrast``).

    Parameters
    ----------
    estimates : array or Series
        The estimates; a Series' index gives their labels.
    cov : array or DataFrame
        Their covariance matrix, in the same order.
    contrasts : sequence, mapping of label -> coefficient, or mapping of name -> either
        One contrast (named ``"contrast"``) or several by name. Coefficients
        given by label leave the other estimates out (coefficient 0), as R's
        named contrasts.
    labels : list of str, optional
        Labels of the estimates (default: the Series' index, else the
        DataFrame's, else ``0, 1, ...``).
    conf_level : float
        Confidence level.
    df : float, optional
        Degrees of freedom of a t interval; None: the normal interval of R's
        ``confint(svycontrast(...))``.

    Returns
    -------
    DataFrame
        :data:`CONTRAST_COLUMNS`, one row per contrast. A contrast that uses a
        NaN estimate is NaN; one that leaves it out is not.

    Examples
    --------
    >>> cov = np.array([[4.0, 1.0], [1.0, 9.0]])
    >>> out = contrast([10.0, 7.0], cov, {"diff": [1, -1], "sum": [1, 1]})
    >>> out[["contrast", "estimate", "se"]]
      contrast  estimate        se
    0     diff       3.0  3.316625
    1      sum      17.0  3.872983
    >>> # R: svycontrast(stat, list(diff = c(1, -1), sum = c(1, 1)))
    """
    theta = np.asarray(estimates, dtype=float).ravel()
    v = np.asarray(cov, dtype=float)
    if labels is None:
        if isinstance(estimates, pd.Series):
            labels = [str(k) for k in estimates.index]
        elif isinstance(cov, pd.DataFrame):
            labels = [str(k) for k in cov.index]
        else:
            labels = [str(k) for k in range(len(theta))]
    labels = list(labels)
    if v.shape != (len(theta), len(theta)) or len(labels) != len(theta):
        raise EstimationError(
            pl=f"Macierz kowariancji ma wymiar {v.shape}, a oszacowań jest {len(theta)}.",
            en=f"The covariance matrix is {v.shape} but there are {len(theta)} estimates.",
        )
    names, c = _matrix(contrasts, labels)
    used = c != 0
    bad = np.isnan(theta) | np.isnan(np.diag(v))
    clean_theta = np.where(bad, 0.0, theta)
    clean_v = np.where(bad[:, None] | bad[None, :], 0.0, v)
    estimate = c @ clean_theta
    variance = np.einsum("kp,pq,kq->k", c, clean_v, c)
    se = np.sqrt(np.maximum(variance, 0.0))
    undefined = (used & bad[None, :]).any(axis=1)
    estimate, se = np.where(undefined, np.nan, estimate), np.where(undefined, np.nan, se)
    if df is None:
        q = stats.norm.ppf(1 - (1 - conf_level) / 2)
    else:
        q = stats.t.ppf(1 - (1 - conf_level) / 2, df)
    return pd.DataFrame(
        {
            "contrast": names,
            "estimate": estimate,
            "se": se,
            "ci_low": estimate - q * se,
            "ci_high": estimate + q * se,
        }
    )


@dataclass(frozen=True)
class Estimates:
    """A set of estimates with their joint design-based covariance matrix.

    Attributes
    ----------
    table : DataFrame
        The estimate frame of :meth:`~diagnosis.estimate.Design.mean` (or
        ``total``, ``ratio``) with a first column ``label``: the variable
        (``"num/den"`` for a ratio) without domains; with domains the domain
        values joined by ``"."``, followed by ``":<variable>"`` when there are
        several variables, as R names ``coef(svyby(...))``.
    cov : DataFrame
        Their covariance matrix, indexed by ``label`` both ways (R: ``vcov()``).
    """

    table: pd.DataFrame = field(repr=False)
    cov: pd.DataFrame = field(repr=False)

    @property
    def labels(self) -> list[str]:
        """The labels of the estimates, in order."""
        return self.table["label"].tolist()

    def contrast(self, contrasts: Contrasts, conf_level: float = 0.95) -> pd.DataFrame:
        """Linear combinations of these estimates: :func:`contrast` with their covariance.

        Examples
        --------
        >>> table = pd.DataFrame({"label": ["a", "b"], "estimate": [2.0, 1.0]})
        >>> cov = pd.DataFrame([[1.0, 0.5], [0.5, 1.0]], index=["a", "b"], columns=["a", "b"])
        >>> Estimates(table, cov).contrast({"a": 1, "b": -1})["se"].tolist()
        [1.0]
        >>> # R: svycontrast(svymean(~a + b, des), c(a = 1, b = -1))
        """
        return contrast(
            self.table["estimate"].to_numpy(),
            self.cov.to_numpy(),
            contrasts,
            self.labels,
            conf_level,
        )
