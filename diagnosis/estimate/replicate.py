"""Replicate-weight designs: R ``survey``'s ``svrepdesign`` and ``as.svrepdesign`` (4.1).

A :class:`ReplicateDesign` holds the sampling weights and one column of
replicate weights per replicate. Every estimate is computed once with the
sampling weights and once with each replicate's weights; its variance is R's
``survey:::svrVar``,

.. math:: \\hat V = s \\sum_r c_r (\\hat\\theta_r - \\bar\\theta)^2 ,

with ``scale`` :math:`s`, ``rscales`` :math:`c_r` and :math:`\\bar\\theta` the mean
of the replicates (of those with :math:`c_r > 0`), or the full-sample estimate
with ``mse=True``. A replicate whose estimate is undefined (a domain with no
weight left in it) is discarded, as R's ``na.action`` does.

The types and their defaults are R's: ``"JK1"`` (``scale`` :math:`(R-1)/R`),
``"JKn"`` (``rscales`` needed), ``"bootstrap"`` (``scale`` :math:`1/(R-1)`),
``"BRR"`` (``scale`` :math:`1/R`) and ``"Fay"`` (``scale`` :math:`1/(R(1-\\rho)^2)`).
:meth:`Design.replicate <diagnosis.estimate.Design.replicate>` builds the
replicate weights of a Taylor design as ``as.svrepdesign`` does
(:func:`replicate_weights`). Confidence intervals are R's: normal for means,
totals and ratios, Student's t on ``degf`` (the rank of the weights less one)
for proportions, quantiles and models.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Hashable, Sequence
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd
from scipy import sparse, stats
from scipy.special import expit

from .intervals import normal_interval, proportion_interval, t_interval
from .models import FAMILIES, Family, GlmFit, glm_fit_table
from .quantile import (
    QRule,
    SortedDomains,
    check_quantile_arguments,
    quantile_rule,
    rule_one,
)
from .taylor import EstimationError

if TYPE_CHECKING:
    from .design import Design, Names, NaRm

__all__ = [
    "REPLICATE_TYPES",
    "ReplicateDesign",
    "ReplicateType",
    "r_rank",
    "replicate_variance",
    "replicate_weights",
]

ReplicateType = Literal["JK1", "JKn", "bootstrap", "BRR", "Fay"]
REPLICATE_TYPES = ("JK1", "JKn", "bootstrap", "BRR", "Fay")
#: R's ``svyquantile(interval.type = )`` for replicate designs (R 4.1.1 accepts "beta",
#: "xlogit" and "asin" too, but its woodruffCI call for replicate designs drops them)
_QUANTILE_INTERVALS = ("mean", "quantile")
_PROPORTION_METHODS = ("wald", "logit", "mean", "beta", "xlogit", "asin")
_EPS = np.finfo(float).eps


def replicate_variance(
    thetas: np.ndarray,
    estimate: np.ndarray,
    scale: float,
    rscales: np.ndarray,
    mse: bool,
    full: bool = False,
) -> np.ndarray:
    """R's ``survey:::svrVar``: the variance from replicate estimates.

    Parameters
    ----------
    thetas : ndarray, shape (R, K)
        One row per replicate.
    estimate : ndarray, shape (K,)
        The full-sample estimates (the centre with ``mse``).
    scale, rscales, mse
        As in :class:`ReplicateDesign`.
    full : bool
        The K x K covariance (replicates with any NaN dropped), else the
        variances, each column dropping its own NaN replicates.

    Examples
    --------
    >>> replicate_variance(np.array([[1.0], [3.0]]), np.array([2.5]), 0.5, np.ones(2), False)
    array([1.])
    >>> # R: survey:::svrVar(c(1, 3), scale = 0.5, rscales = c(1, 1), mse = FALSE)
    """
    thetas = np.asarray(thetas, dtype=float).reshape(len(thetas), -1)
    c = np.broadcast_to(np.asarray(rscales, dtype=float), (len(thetas),))
    if full:
        ok = np.isfinite(thetas).all(axis=1)
        t, cc = thetas[ok], c[ok]
        if not len(t):
            return np.full((thetas.shape[1],) * 2, np.nan)
        centre = estimate if mse else t[cc > 0].mean(axis=0)
        dev = (t - centre) * np.sqrt(cc)[:, None]
        return scale * dev.T @ dev
    ok = np.isfinite(thetas)
    with np.errstate(invalid="ignore", divide="ignore"):
        if mse:
            centre = np.asarray(estimate, dtype=float)
        else:
            use = ok & (c[:, None] > 0)
            centre = np.where(use, thetas, 0.0).sum(axis=0) / use.sum(axis=0)
        dev = np.where(ok, thetas - centre, 0.0)
        v = scale * (c[:, None] * dev**2).sum(axis=0)
    return np.where(ok.any(axis=0), v, np.nan)


def r_rank(a: np.ndarray, tol: float = 1e-5) -> int:
    """Rank as R's ``qr(a, tol = 1e-5)$rank`` (LINPACK ``dqrdc2``'s limited pivoting).

    Columns are taken in order; one whose part orthogonal to the columns kept
    before it is below ``tol`` times its own norm does not count.

    Examples
    --------
    >>> r_rank(np.array([[1.0, 2, 1], [1, 2, 0], [1, 2, 1]]))
    2
    >>> # R: qr(cbind(1, 2, c(1, 0, 1)), tol = 1e-5)$rank
    """
    a = np.asarray(a, dtype=float)
    n = a.shape[0]
    basis = np.zeros((n, 0))
    for j in range(a.shape[1]):  # replicates, not rows
        if basis.shape[1] >= n:
            break
        col = a[:, j]
        norm = np.linalg.norm(col) or 1.0
        r = col - basis @ (basis.T @ col)
        r -= basis @ (basis.T @ r)
        left = np.linalg.norm(r)
        if left >= tol * norm and left > 0:
            basis = np.column_stack([basis, r / left])
    return basis.shape[1]


# ------------------------------------------------------------------ R's glm.fit
def _family_functions(family: Family):
    """linkfun, linkinv, mu.eta, variance, dev.resids and initialize of R's families."""
    if family == "gaussian":
        return (
            lambda mu: mu,
            lambda eta: eta,
            lambda eta: np.ones_like(eta),
            lambda mu: np.ones_like(mu),
            lambda y, mu, wt: wt * (y - mu) ** 2,
            lambda y, wt: y.astype(float),
        )
    if family in ("binomial", "quasibinomial"):

        def linkinv(eta: np.ndarray) -> np.ndarray:
            tmp = np.where(eta < -30, _EPS, np.where(eta > 30, 1 / _EPS, np.exp(eta)))
            return tmp / (1 + tmp)

        def mu_eta(eta: np.ndarray) -> np.ndarray:
            out = np.exp(eta) / (1 + np.exp(eta)) ** 2
            return np.where(np.abs(eta) > 30, _EPS, out)

        def ylogy(y: np.ndarray, mu: np.ndarray) -> np.ndarray:
            with np.errstate(divide="ignore", invalid="ignore"):
                return np.where(y != 0, y * np.log(y / mu), 0.0)

        return (
            lambda mu: np.log(mu / (1 - mu)),
            linkinv,
            mu_eta,
            lambda mu: mu * (1 - mu),
            lambda y, mu, wt: 2 * wt * (ylogy(y, mu) + ylogy(1 - y, 1 - mu)),
            lambda y, wt: (wt * np.where(wt == 0, 0.0, y) + 0.5) / (wt + 1),
        )

    def poisson_dev(y: np.ndarray, mu: np.ndarray, wt: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            r = np.where(y > 0, wt * (y * np.log(y / mu) - (y - mu)), mu * wt)
        return 2 * r

    return (
        np.log,
        lambda eta: np.maximum(np.exp(eta), _EPS),
        lambda eta: np.maximum(np.exp(eta), _EPS),
        lambda mu: mu,
        poisson_dev,
        lambda y, wt: y + 0.1,
    )


def _glm_fit(
    x: np.ndarray,
    y: np.ndarray,
    w: np.ndarray,
    family: Family,
    start: np.ndarray | None = None,
    epsilon: float = 1e-8,
    max_iter: int = 25,
) -> np.ndarray:
    """R's ``glm.fit`` iterations (from ``mustart``, or from ``start``) to its deviance test."""
    linkfun, linkinv, mu_eta, variance, dev_resids, initialize = _family_functions(family)
    eta = linkfun(initialize(y, w)) if start is None else x @ start
    mu = linkinv(eta)
    devold = dev_resids(y, mu, w).sum()
    coef = np.zeros(x.shape[1]) if start is None else np.asarray(start, dtype=float)
    for _ in range(max_iter):
        d = mu_eta(eta)
        good = (w > 0) & (d != 0)
        z = eta[good] + (y - mu)[good] / d[good]
        sw = np.sqrt(w[good] * d[good] ** 2 / variance(mu)[good])
        coef = np.linalg.lstsq(x[good] * sw[:, None], z * sw, rcond=None)[0]
        eta = x @ coef
        mu = linkinv(eta)
        dev = dev_resids(y, mu, w).sum()
        if abs(dev - devold) / (abs(dev) + 0.1) < epsilon:
            break
        devold = dev
    return coef


def _base_design(df: pd.DataFrame, w: np.ndarray) -> Design:
    """A design of one stage with weights ``w``: the estimators' helpers on these rows."""
    from .design import Design

    base = Design(df)
    base._w = np.asarray(w, dtype=float)
    return base


def _as_list(names: Names | None) -> list[str]:
    if names is None:
        return []
    return [names] if isinstance(names, str) else list(names)


class ReplicateDesign:
    """A design with replicate weights, as R's ``svrepdesign`` (survey 4.1).

    Parameters
    ----------
    df : DataFrame
        One row per respondent.
    repweights : str, list of str or ndarray
        The replicate weights: a regular expression matched against the column
        names (R's ``repweights = "wt[0-9]+"``), a list of columns, or an
        n x R array.
    type : {"JK1", "JKn", "bootstrap", "BRR", "Fay"}
        The replication method; it sets R's default ``scale``/``rscales``.
    weights : str or ndarray, optional
        The sampling weights (equal weights without them, as R).
    combined_weights : bool
        Whether the replicate weights already include the sampling weights
        (R's default ``TRUE``: published weights); ``False``: they are factors
        multiplying the sampling weights.
    scale, rscales : float and array, optional
        R's overall and per-replicate multipliers of the variance. Defaults as
        R's: JK1 ``(R-1)/R`` (``1/max`` of the first column of factors), JKn
        needs ``rscales`` for combined weights (``1/max`` of each column of
        factors), bootstrap ``1/(R-1)``; BRR and Fay always use ``1/R`` and
        ``1/(R(1-rho)^2)``.
    rho : float, optional
        Fay's coefficient (required for ``"Fay"``).
    mse : bool
        Centre the replicates on the full-sample estimate instead of their
        mean (R's ``mse = TRUE``).

    Examples
    --------
    >>> df = pd.DataFrame({"y": [1.0, 2, 4, 7], "w": [1.0] * 4})
    >>> reps = np.array([[0, 4, 4, 4], [4, 0, 4, 4], [4, 4, 0, 4], [4, 4, 4, 0]]) / 3
    >>> rd = ReplicateDesign(df, reps.T, "JK1", weights="w")
    >>> rd.mean("y")[["estimate", "se"]].round(6).values.tolist()
    [[3.5, 1.322876]]
    >>> # R: svrepdesign(data = df, weights = ~w, repweights = reps, type = "JK1", scale = 3/4)
    """

    def __init__(
        self,
        df: pd.DataFrame,
        repweights: str | Sequence[str] | np.ndarray,
        type: ReplicateType,
        weights: str | np.ndarray | None = None,
        combined_weights: bool = True,
        scale: float | None = None,
        rscales: float | Sequence[float] | np.ndarray | None = None,
        rho: float | None = None,
        mse: bool = False,
    ) -> None:
        if type not in REPLICATE_TYPES:
            raise EstimationError(
                pl=f"Nieznany typ replikacji type={type!r}; dozwolone: {REPLICATE_TYPES}.",
                en=f"Unknown replicate type={type!r}; choose one of {REPLICATE_TYPES}.",
                value=type,
            )
        if isinstance(repweights, str):
            columns = [c for c in df.columns if re.search(repweights, str(c))]
            reps = df[columns].to_numpy(dtype=float)
        elif isinstance(repweights, np.ndarray):
            reps = np.asarray(repweights, dtype=float)
        else:
            reps = df[list(repweights)].to_numpy(dtype=float)
        if reps.ndim != 2 or reps.shape[0] != len(df) or reps.shape[1] < 2:
            raise EstimationError(
                pl="Wagi replikacyjne: potrzeba co najmniej dwóch kolumn, po wierszu na "
                "respondenta.",
                en="Replicate weights: at least two columns are needed, one row per respondent.",
            )
        if np.isnan(reps).any():
            raise EstimationError(
                pl="Brak wartości w wagach replikacyjnych.",
                en="Missing values are not allowed in the replicate weights.",
            )
        if weights is None:
            pw = np.ones(len(df))
        elif isinstance(weights, str):
            pw = pd.to_numeric(df[weights]).to_numpy(dtype=float)
        else:
            pw = np.asarray(weights, dtype=float)
        if np.isnan(pw).any() or (pw < 0).any():
            raise EstimationError(
                pl="Wagi losowania nie mogą być puste ani ujemne.",
                en="Sampling weights cannot be missing or negative.",
            )
        n_rep = reps.shape[1]
        if type == "Fay" and rho is None:
            raise EstimationError(
                pl="Dla type='Fay' podaj rho.", en="With type='Fay' give rho.", value=type
            )
        if type == "BRR":
            scale = 1 / n_rep
        elif type == "Fay":
            scale = 1 / (n_rep * (1 - rho) ** 2)
        elif type == "bootstrap" and scale is None:
            scale = 1 / (n_rep - 1)
        elif type == "JK1" and scale is None:
            scale = (n_rep - 1) / n_rep if combined_weights else 1 / reps[:, 0].max()
        if type == "JKn" and rscales is None:
            if combined_weights:
                raise EstimationError(
                    pl="Dla połączonych wag JKn podaj rscales ((n_h - 1) / n_h).",
                    en="Combined JKn weights need rscales ((n_h - 1) / n_h).",
                    value=type,
                )
            rscales = 1 / reps.max(axis=0)
        c = np.ones(n_rep) if rscales is None else np.asarray(rscales, dtype=float)
        if c.size not in (1, n_rep):
            raise EstimationError(
                pl=f"rscales ma {c.size} wartości, a replikacji jest {n_rep}.",
                en=f"rscales has {c.size} values but there are {n_rep} replicates.",
            )
        self._data = df
        self._pw = pw
        self._reps = reps
        self._analysis = reps if combined_weights else reps * pw[:, None]
        self.type: ReplicateType = type
        self.combined_weights = combined_weights
        self.scale = float(1.0 if scale is None else scale)
        self.rscales = np.broadcast_to(c, (n_rep,)).astype(float)
        self.rho = rho
        self.mse = bool(mse)
        self._base = _base_design(df, pw)

    # ---------------------------------------------------------------- basics
    def __repr__(self) -> str:
        return (
            f"ReplicateDesign(n={len(self._pw)}, type={self.type!r}, "
            f"replicates={self._reps.shape[1]}, mse={self.mse})"
        )

    @property
    def data(self) -> pd.DataFrame:
        """The respondents' data frame (not copied)."""
        return self._data

    @property
    def weights(self) -> np.ndarray:
        """The sampling weights (a copy; R: ``weights(des, "sampling")``)."""
        return self._pw.copy()

    @property
    def repweights(self) -> np.ndarray:
        """The replicate weights as given, n x R (R: ``weights(des, "replication")``)."""
        return self._reps.copy()

    @property
    def analysis_weights(self) -> np.ndarray:
        """The weights each replicate uses, n x R (R: ``weights(des, "analysis")``)."""
        return self._analysis.copy()

    @property
    def degf(self) -> float:
        """Degrees of freedom: the rank of the analysis weights less one (R's ``degf``)."""
        return float(r_rank(self._analysis) - 1)

    def with_mse(self, mse: bool = True) -> ReplicateDesign:
        """The same design with replicates centred on the estimate (or on their mean).

        Examples
        --------
        >>> df = pd.DataFrame({"y": [1.0, 2, 4, 7]})
        >>> reps = np.array([[0, 4, 4, 4], [4, 0, 4, 4], [4, 4, 0, 4], [4, 4, 4, 0]]) / 3
        >>> ReplicateDesign(df, reps.T, "JK1").with_mse().mse
        True
        >>> # R: des$mse <- TRUE
        """
        new = copy.copy(self)
        new.mse = bool(mse)
        return new

    def _rows_degf(self, rows: np.ndarray) -> float:
        """``degf`` of the design restricted to ``rows`` (R's ``degf(design[rows, ])``)."""
        return float(r_rank(self._analysis[rows]) - 1)

    # ---------------------------------------------------------------- kernel
    def _replicated(
        self,
        num: np.ndarray,
        den: np.ndarray | None,
        codes: np.ndarray,
        n_domains: int,
        na_rm: NaRm,
        kind: Literal["mean", "total", "ratio"],
    ) -> dict[str, np.ndarray]:
        """Estimates, replicate SEs, counts: D x J arrays (and the replicates, R x D x J)."""
        if na_rm not in (True, False, "each"):
            raise EstimationError(
                pl=f"Nieznana wartość na_rm={na_rm!r}; dozwolone: True, False, 'each'.",
                en=f"Unknown na_rm={na_rm!r}; choose True, False or 'each'.",
                value=na_rm,
            )
        n, n_vars = num.shape
        valid = ~np.isnan(num)
        if den is not None:
            valid &= ~np.isnan(den)
        if na_rm is True:
            valid = np.broadcast_to(valid.all(axis=1, keepdims=True), valid.shape)
        inside = codes >= 0
        dom = np.where(inside, codes, 0)
        shape = (n_domains, n_vars)
        out = {k: np.full(shape, np.nan) for k in ("estimate", "se", "n", "n_weighted")}
        replicates = np.full((self._reps.shape[1], n_domains, n_vars), np.nan)
        for j in range(n_vars):  # variables, not rows
            use = (valid[:, j] if na_rm is not False else np.ones(n, bool)) & inside

            def sums(values: np.ndarray, use: np.ndarray = use) -> sparse.csr_matrix:
                return sparse.csr_matrix(
                    (np.where(use, values, 0.0), (dom, np.arange(n))), shape=(n_domains, n)
                )

            y = sums(np.where(valid[:, j], num[:, j], 0.0))
            ones = sums(np.ones(n))
            bottom = ones if den is None else sums(np.where(valid[:, j], den[:, j], 0.0))
            top_full, top_reps = y @ self._pw, np.asarray(y @ self._analysis)
            with np.errstate(divide="ignore", invalid="ignore"):
                if kind == "total":
                    est, reps = top_full, top_reps
                else:
                    est = top_full / (bottom @ self._pw)
                    reps = top_reps / np.asarray(bottom @ self._analysis)
            if na_rm is False:
                missing = np.bincount(dom[inside & ~valid[:, j]], minlength=n_domains) > 0
                est = np.where(missing, np.nan, est)
            replicates[:, :, j] = reps.T
            variance = replicate_variance(reps.T, est, self.scale, self.rscales, self.mse)
            out["estimate"][:, j] = est
            out["se"][:, j] = np.where(np.isnan(est), np.nan, np.sqrt(variance))
            counted = use & (self._pw != 0)
            out["n"][:, j] = np.bincount(dom[counted], minlength=n_domains)
            out["n_weighted"][:, j] = ones @ self._pw
        out["deff"] = np.full(shape, np.nan)
        out["replicates"] = replicates
        return out

    def _estimate(
        self,
        num_names: list[str],
        den_names: list[str] | None,
        by: Names | None,
        na_rm: NaRm,
        kind: Literal["mean", "total", "ratio"],
        level: float,
    ) -> pd.DataFrame:
        codes, keys = self._base._domains(by)
        num = self._base._numeric(num_names)
        den = self._base._numeric(den_names) if den_names is not None else None
        stats_ = self._replicated(num, den, codes, len(keys), na_rm, kind)
        lo, hi = normal_interval(stats_["estimate"], stats_["se"], level)
        if den_names is None:
            labels = num_names
        else:
            labels = [f"{a}/{b}" for a, b in zip(num_names, den_names, strict=True)]
        return self._base._frame(stats_, keys, labels, [None] * len(labels), lo, hi)

    # ------------------------------------------------------------ estimators
    def mean(
        self, variables: Names, by: Names | None = None, na_rm: NaRm = True, level: float = 0.95
    ) -> pd.DataFrame:
        """Weighted means with replicate SEs, overall or in domains.

        Parameters are those of :meth:`Design.mean <diagnosis.estimate.Design.mean>`
        (no design effects); the interval is normal, as ``confint()`` in R.

        Examples
        --------
        >>> df = pd.DataFrame({"y": [1.0, 2, 4, 7], "g": list("aabb")})
        >>> reps = np.array([[0, 4, 4, 4], [4, 0, 4, 4], [4, 4, 0, 4], [4, 4, 4, 0]]) / 3
        >>> ReplicateDesign(df, reps.T, "JK1").mean("y", by="g")["estimate"].tolist()
        [1.5, 5.5]
        >>> # R: svyby(~y, ~g, svrepdesign(data = df, repweights = reps, type = "JK1"), svymean)
        """
        return self._estimate(_as_list(variables), None, by, na_rm, "mean", level)

    def total(
        self, variables: Names, by: Names | None = None, na_rm: NaRm = True, level: float = 0.95
    ) -> pd.DataFrame:
        """Weighted totals with replicate SEs (R's ``svytotal`` on a replicate design).

        Examples
        --------
        >>> df = pd.DataFrame({"y": [1.0, 2, 4, 7]})
        >>> reps = np.array([[0, 4, 4, 4], [4, 0, 4, 4], [4, 4, 0, 4], [4, 4, 4, 0]]) / 3
        >>> ReplicateDesign(df, reps.T, "JK1").total("y")["estimate"].tolist()
        [14.0]
        >>> # R: svytotal(~y, svrepdesign(data = df, repweights = reps, type = "JK1"))
        """
        return self._estimate(_as_list(variables), None, by, na_rm, "total", level)

    def ratio(
        self,
        numerator: Names,
        denominator: Names,
        by: Names | None = None,
        na_rm: NaRm = True,
        level: float = 0.95,
    ) -> pd.DataFrame:
        """Ratios of totals for every numerator-denominator pair (R's ``svyratio``).

        Examples
        --------
        >>> df = pd.DataFrame({"y": [1.0, 2, 4, 7], "x": [2.0, 2, 4, 4]})
        >>> reps = np.array([[0, 4, 4, 4], [4, 0, 4, 4], [4, 4, 0, 4], [4, 4, 4, 0]]) / 3
        >>> ReplicateDesign(df, reps.T, "JK1").ratio("y", "x")["estimate"].tolist()
        [1.1666666666666667]
        >>> # R: svyratio(~y, ~x, svrepdesign(data = df, repweights = reps, type = "JK1"))
        """
        nums, dens = _as_list(numerator), _as_list(denominator)
        pairs = [(a, b) for b in dens for a in nums]
        return self._estimate(
            [a for a, _ in pairs], [b for _, b in pairs], by, na_rm, "ratio", level
        )

    def _domain_rows(self, codes: np.ndarray, n_domains: int, by: Names | None) -> list:
        """The rows of each domain's design (R's ``design[byfactor == d, ]``)."""
        if by is None:
            return [np.ones(len(codes), dtype=bool)]
        return [codes == d for d in range(n_domains)]

    def proportion(
        self,
        variable: str | Sequence[str],
        level: Hashable | None = None,
        ci: Literal["wald", "logit", "mean", "beta", "xlogit", "asin"] = "wald",
        by: Names | None = None,
        na_rm: NaRm = True,
        conf_level: float = 0.95,
        epsilon: float = 1e-8,
    ) -> pd.DataFrame:
        """Proportion of each category (or of ``level``) with replicate SEs and a CI.

        Parameters
        ----------
        variable, level, by, na_rm, conf_level
            As in :meth:`Design.proportion <diagnosis.estimate.Design.proportion>`.
        ci : {"wald", "logit", "mean", "beta", "xlogit", "asin"}
            ``"wald"``: the normal interval of ``confint(svymean(~factor, des))``
            (the default here: factor means). The others are ``svyciprop``'s
            methods, with Student's t on ``degf`` of the (domain) design;
            ``"logit"`` fits R's intercept-only ``svyglm`` for each replicate,
            starting from the full fit, to ``glm.fit``'s deviance test ``epsilon``.

        Examples
        --------
        >>> df = pd.DataFrame({"v": ["a", "b", "a", "a"]})
        >>> reps = np.array([[0, 4, 4, 4], [4, 0, 4, 4], [4, 4, 0, 4], [4, 4, 4, 0]]) / 3
        >>> rd = ReplicateDesign(df, reps.T, "JK1")
        >>> rd.proportion("v")[["level", "estimate"]].values.tolist()
        [['a', 0.75], ['b', 0.25]]
        >>> # R: svymean(~v, svrepdesign(data = df, repweights = reps, type = "JK1"))
        """
        if ci not in _PROPORTION_METHODS:
            raise EstimationError(
                pl=f"Nieznana metoda przedziału ci={ci!r}; dozwolone: {_PROPORTION_METHODS}.",
                en=f"Unknown interval method ci={ci!r}; choose one of {_PROPORTION_METHODS}.",
                value=ci,
            )
        variables = [variable] if isinstance(variable, str) else list(variable)
        if len(variables) > 1 and level is None:
            raise EstimationError(
                pl="Dla kilku kolumn naraz podaj kategorię (level), której odsetek liczyć.",
                en="For several columns at once give the category (level) to count.",
            )
        num, names, categories = self._base._indicators(variables, level)
        if len(variables) > 1:
            na_rm = "each"
        codes, keys = self._base._domains(by)
        n_domains = len(keys)
        stats_ = self._replicated(
            np.asfortranarray(num, dtype=float), None, codes, n_domains, na_rm, "mean"
        )
        if ci == "wald":
            lo, hi = normal_interval(stats_["estimate"], stats_["se"], conf_level)
            return self._base._frame(stats_, keys, names, categories, lo, hi)
        domains = self._domain_rows(codes, n_domains, by)
        df = np.array([[self._rows_degf(rows)] for rows in domains])
        n_rows = np.array([[float(rows.sum())] for rows in domains])
        if ci == "logit":
            lo = np.full_like(stats_["estimate"], np.nan)
            hi = np.full_like(lo, np.nan)
            for d, rows in enumerate(domains):  # domains and columns, each a small glm
                for j in range(num.shape[1]):
                    p, a, b = self._logit_interval(num[:, j], rows, df[d, 0], conf_level, epsilon)
                    stats_["estimate"][d, j], lo[d, j], hi[d, j] = p, a, b
        else:
            lo, hi = proportion_interval(
                stats_["estimate"], stats_["se"], df, ci, conf_level, n_rows
            )
        return self._base._frame(stats_, keys, names, categories, lo, hi)

    def _logit_interval(
        self, y: np.ndarray, rows: np.ndarray, df: float, conf_level: float, epsilon: float
    ) -> tuple[float, float, float]:
        """``svyciprop(method = "logit")``: expit of the intercept and of its t interval."""
        prior = self._pw[rows] / self._pw[rows].mean()  # svyglm: weights / mean(weights)
        ok = ~np.isnan(y[rows])
        yy = y[rows][ok]
        x = np.ones((len(yy), 1))
        beta0 = _glm_fit(x, yy, prior[ok], "quasibinomial", epsilon=epsilon)
        factors = prior if not self.combined_weights else np.ones(len(prior))
        reps = self._reps[rows][ok] * factors[ok][:, None]
        betas = np.array(
            [
                _glm_fit(x, yy, reps[:, r] / reps[:, r].sum(), "quasibinomial", beta0, epsilon)
                for r in range(reps.shape[1])
            ]
        )
        se = np.sqrt(replicate_variance(betas, beta0, self.scale, self.rscales, self.mse))
        lo, hi = t_interval(beta0, se, np.array([df]), conf_level)
        return float(expit(beta0[0])), float(expit(lo[0])), float(expit(hi[0]))

    def quantile(
        self,
        variables: Names,
        probs: float | Sequence[float] = 0.5,
        by: Names | None = None,
        na_rm: NaRm = True,
        conf_level: float = 0.95,
        qrule: QRule = "math",
        interval_type: Literal["mean", "quantile"] = "mean",
    ) -> pd.DataFrame:
        """Weighted quantiles with confidence intervals, as R's ``svyquantile`` here.

        Parameters
        ----------
        variables, probs, by, na_rm, conf_level, qrule
            As in :meth:`Design.quantile <diagnosis.estimate.Design.quantile>`.
        interval_type : {"mean", "quantile"}
            Woodruff's interval from the replicate SE of the share below the
            quantile (``"mean"``, R's default), or ``"quantile"``: the quantile
            of every replicate, their variance and a t interval (R warns that
            jackknife replicates may not give valid SEs for quantiles). R also
            accepts ``"beta"``, ``"xlogit"`` and ``"asin"`` for a replicate
            design but computes the ``"mean"`` interval for them (survey 4.1.1's
            ``svyquantile.svyrep.design`` does not pass them on); they raise here.

        Notes
        -----
        Student's t on ``degf`` of the domain's design after ``na_rm``;
        ``se = (ci_high - ci_low) / (2 t)``.

        Examples
        --------
        >>> df = pd.DataFrame({"y": [1.0, 2, 4, 7]})
        >>> reps = np.array([[0, 4, 4, 4], [4, 0, 4, 4], [4, 4, 0, 4], [4, 4, 4, 0]]) / 3
        >>> ReplicateDesign(df, reps.T, "JK1").quantile("y", 0.5)["estimate"].tolist()
        [2.0]
        >>> # R: svyquantile(~y, svrepdesign(data = df, repweights = reps, type = "JK1"), 0.5)
        """
        if interval_type in ("beta", "xlogit", "asin"):
            raise EstimationError(
                pl=f"interval_type={interval_type!r} nie działa dla wag replikacyjnych: R (survey "
                "4.1.1) przyjmuje go, ale liczy wtedy przedział 'mean'. Wybierz 'mean' lub "
                "'quantile'.",
                en=f"interval_type={interval_type!r} is not available with replicate weights: R "
                "(survey 4.1.1) accepts it but then computes the 'mean' interval. Choose 'mean' "
                "or 'quantile'.",
                value=interval_type,
            )
        p = check_quantile_arguments(qrule, interval_type, _QUANTILE_INTERVALS, probs)
        names = _as_list(variables)
        codes, keys = self._base._domains(by)
        n_domains = len(keys)
        x_all = self._base._numeric(names)
        missing = np.isnan(x_all)
        if na_rm is True:
            missing = np.broadcast_to(missing.any(axis=1, keepdims=True), missing.shape)
        half = (1 - conf_level) / 2
        frames = []
        for j, name in enumerate(names):  # variables, not rows
            x = x_all[:, j]
            valid = (codes >= 0) & ~missing[:, j]
            counted = valid & (self._pw != 0)
            sorted_ = SortedDomains.build(x[counted], self._pw[counted], codes[counted], n_domains)
            estimate = quantile_rule(sorted_, np.tile(p, (n_domains, 1)), qrule)
            df = np.array([[self._rows_degf(valid & (codes == d))] for d in range(n_domains)])
            crit = stats.t.ppf(1 - half, df)
            if interval_type == "quantile":
                lo, hi = self._replicate_quantiles(x, valid, codes, estimate, p, qrule, crit)
            else:
                below = np.where(
                    valid[:, None], x[:, None] <= estimate[np.maximum(codes, 0)], np.nan
                )
                share = self._replicated(
                    np.asfortranarray(below), None, codes, n_domains, "each", "mean"
                )
                lo_p, hi_p = t_interval(share["estimate"], share["se"], df, conf_level)
                with np.errstate(invalid="ignore"):
                    lo_p = np.where(lo_p < 0, np.nan, lo_p)
                    hi_p = np.where(hi_p > 1, np.nan, hi_p)
                lo = quantile_rule(sorted_, lo_p, qrule)
                hi = quantile_rule(sorted_, hi_p, qrule)
            se = (hi - lo) / (2 * crit)
            if na_rm is False:
                bad = np.bincount(codes[(codes >= 0) & np.isnan(x)], minlength=n_domains) > 0
                estimate, se, lo, hi = (
                    np.where(bad[:, None], np.nan, a) for a in (estimate, se, lo, hi)
                )
            result = {
                "estimate": estimate,
                "se": se,
                "n": np.repeat(sorted_.size[:, None], len(p), axis=1),
                "n_weighted": np.repeat(sorted_.total[:, None], len(p), axis=1),
                "deff": np.full_like(estimate, np.nan),
            }
            frames.append(self._base._frame(result, keys, [name] * len(p), p.tolist(), lo, hi))
        return pd.concat(frames, ignore_index=True)

    def _replicate_quantiles(
        self,
        x: np.ndarray,
        valid: np.ndarray,
        codes: np.ndarray,
        estimate: np.ndarray,
        p: np.ndarray,
        qrule: QRule,
        crit: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray]:
        """``interval.type = "quantile"`` (R's ``repCI``): ``q -/+ t sqrt(svrVar(q_r))``."""
        lo = np.full_like(estimate, np.nan)
        hi = np.full_like(estimate, np.nan)
        for d in range(estimate.shape[0]):  # domains and replicates, each a sort
            rows = valid & (codes == d)
            xd = x[rows]
            reps = np.array([rule_one(xd, w, p, qrule) for w in self._analysis[rows].T])
            v = replicate_variance(reps, estimate[d], self.scale, self.rscales, self.mse)
            lo[d] = estimate[d] - np.sqrt(v) * crit[d]
            hi[d] = estimate[d] + np.sqrt(v) * crit[d]
        return lo, hi

    def glm(
        self,
        formula: str,
        family: Family = "gaussian",
        conf_level: float = 0.95,
        epsilon: float = 1e-8,
        max_iter: int = 25,
    ) -> pd.DataFrame:
        """A GLM with replicate standard errors, as R's ``svyglm`` on a replicate design.

        The coefficient table of :meth:`glm_fit`.

        Parameters
        ----------
        formula, family, conf_level
            As in :meth:`Design.glm <diagnosis.estimate.Design.glm>`.
        epsilon, max_iter
            R's ``glm.control``: the full fit and every replicate's (which
            starts from the full fit's coefficients) stop at R's deviance test.

        Examples
        --------
        >>> df = pd.DataFrame({"y": [1.0, 3, 2, 5, 4, 6], "x": [0.0, 1, 1, 2, 2, 3]})
        >>> reps = (1 - np.eye(6)) * 6 / 5
        >>> rd = ReplicateDesign(df, reps, "JK1")
        >>> rd.glm("y ~ x")["estimate"].round(6).tolist()
        [0.909091, 1.727273]
        >>> # R: svyglm(y ~ x, svrepdesign(data = df, repweights = reps, type = "JK1"))
        """
        return self.glm_fit(formula, family, conf_level, epsilon, max_iter).table

    def glm_fit(
        self,
        formula: str,
        family: Family = "gaussian",
        conf_level: float = 0.95,
        epsilon: float = 1e-8,
        max_iter: int = 25,
    ) -> GlmFit:
        """:meth:`glm` with the replicate covariance of the coefficients (R's ``vcov``).

        Examples
        --------
        >>> df = pd.DataFrame({"y": [1.0, 3, 2, 5, 4, 6], "x": [0.0, 1, 1, 2, 2, 3]})
        >>> fit = ReplicateDesign(df, (1 - np.eye(6)) * 6 / 5, "JK1").glm_fit("y ~ x")
        >>> bool(np.allclose(np.sqrt(np.diag(fit.cov)), fit.table["se"]))
        True
        >>> # R: vcov(svyglm(y ~ x, svrepdesign(data = df, repweights = reps, type = "JK1")))
        """
        if family not in FAMILIES:
            return self._base.glm_fit(formula, family)  # raises the family error
        x, y, kept, names = self._base._model(formula, family)
        prior = self._pw / self._pw.mean()  # svyglm: weights / mean(weights)
        xk, yk = x[kept], y[kept]
        beta = _glm_fit(xk, yk, prior[kept], family, epsilon=epsilon, max_iter=max_iter)
        factors = prior if not self.combined_weights else np.ones(len(prior))
        reps = self._reps[kept] * factors[kept][:, None]
        betas = np.array(
            [
                _glm_fit(xk, yk, w / w.sum(), family, beta, epsilon, max_iter)
                for w in reps.T  # replicates, not rows
            ]
        )
        cov = replicate_variance(betas, beta, self.scale, self.rscales, self.mse, full=True)
        w = np.where(kept, self._pw, 0.0)
        return glm_fit_table(names, beta, cov, self.degf + 1 - len(beta), w, conf_level)


# ------------------------------------------------------------ as.svrepdesign
def _first_seen(codes: np.ndarray) -> np.ndarray:
    """The distinct codes in order of first appearance (R's ``unique()``)."""
    _, first = np.unique(codes, return_index=True)
    return codes[np.sort(first)]


def _sylvester(order: int) -> np.ndarray:
    """R's ``hadamard.doubler`` applied to ``matrix(1)`` until ``order`` rows (0/1 entries)."""
    h = np.ones((1, 1))
    while h.shape[0] < order:
        h = np.block([[h, h], [h, 1 - h]])
    return h


def _r_hadamard(n: int) -> np.ndarray:
    """R's ``survey::hadamard(n)`` where it is Sylvester's matrix; else an error."""
    sizes = np.array([4, 16, 28, 36])
    m = n - n % 4
    precooked = np.flatnonzero((m < sizes) & (m + 4 >= sizes))
    if precooked.size:
        size, base = int(sizes[precooked[0]]), int(sizes[precooked[0]])
    else:
        doubled = sizes * 2 ** np.maximum(0, np.ceil(np.log2((n + 1) / sizes)))
        best = int(np.argmin(doubled - n))
        size, base = int(doubled[best]), int(sizes[best])
        if size - n > 4:
            base = 0  # R builds a Paley matrix here
    if base not in (4, 16):
        raise EstimationError(
            pl=f"Dla {n} warstw R używa macierzy Hadamarda, której tu nie ma: podaj ją "
            "(hadamard=, jak hadamard.matrix w R).",
            en=f"For {n} strata R uses a Hadamard matrix not built here: give it "
            "(hadamard=, R's hadamard.matrix).",
            value=n,
        )
    return _sylvester(size)


def replicate_weights(
    design: Design,
    type: ReplicateType,
    replicates: int = 50,
    fay_rho: float = 0.0,
    hadamard: np.ndarray | None = None,
    random_state: int | np.random.Generator | None = None,
) -> tuple[np.ndarray, float, np.ndarray]:
    """The replicate factors, ``scale`` and ``rscales`` R's ``as.svrepdesign`` gives a design.

    ``"JK1"`` (unstratified: one replicate per PSU dropped, the others times
    ``n/(n-1)``, ``scale`` ``f (n-1)/n`` with ``f = (N-n)/N``), ``"JKn"`` (per
    stratum, ``rscales`` ``f_h (n_h-1)/n_h``; lonely PSUs as the design's
    ``lonely_psu``, as R's ``jknweights``), ``"BRR"``/``"Fay"`` (two PSUs per
    stratum; the half-samples from R's ``hadamard()``, the strata in R's sorted
    order; the fpc is dropped, as R does) and ``"bootstrap"`` (R's
    ``bootweights``: each stratum's PSUs resampled ``n_h`` times, with
    replacement or, with an fpc, from ``N_h`` copies without replacement; numpy's
    generator, so not R's numbers). Factors are per row (n x R), PSUs in order
    of first appearance, as R's.
    """
    if design._mask is not None:
        raise EstimationError(
            pl="Wagi replikacyjne buduje się z pełnego schematu, nie z podzbioru.",
            en="Replicate weights are built from the whole design, not from a subset.",
        )
    stage = design._stages[0]
    psu = stage.unit
    stratum_of = stage.unit_stratum
    has_strata = design._spec["strata"] is not None
    order = _first_seen(psu)  # PSUs as R's unique(psu)
    if type == "JK1":
        if has_strata:
            raise EstimationError(
                pl="JK1 nie pasuje do schematu warstwowego: użyj 'JKn'.",
                en="JK1 cannot be used for a stratified design: use 'JKn'.",
                value=type,
            )
        n = len(order)
        factors = np.where(psu[:, None] == order[None, :], 0.0, n / (n - 1))
        return factors, float(stage.f[0] * (n - 1) / n), np.ones(n)
    if not has_strata and type in ("JKn", "BRR", "Fay"):
        raise EstimationError(
            pl=f"{type} wymaga warstw: dla schematu bez warstw użyj 'JK1' lub 'bootstrap'.",
            en=f"{type} needs strata: use 'JK1' or 'bootstrap' for an unstratified design.",
            value=type,
        )
    strata_seen = _first_seen(stratum_of[order])
    if type == "JKn":
        columns, rscales = [], []
        n_strata = len(strata_seen)
        for h in strata_seen:  # strata, not rows
            members = order[stratum_of[order] == h]
            n_h = len(members)
            f = float(stage.f[h])
            if f < 1e-7:
                continue  # a census stratum has no replicates (R's survey.drop.replicates)
            if n_h == 1:
                if design._lonely == "fail":
                    raise EstimationError(
                        pl=f"Warstwa ({stage.labels[h]}) ma tylko jedną jednostkę losowania.",
                        en=f"Stratum ({stage.labels[h]}) has only one PSU.",
                    )
                if design._lonely == "adjust":
                    in_h = stratum_of[psu] == h
                    columns.append(np.where(in_h, 0.0, n_strata / (n_strata - 1)))
                    rscales.append((n_strata - 1) / n_strata)
                continue
            in_h = stratum_of[psu] == h
            for u in members:
                columns.append(np.where(psu == u, 0.0, np.where(in_h, n_h / (n_h - 1), 1.0)))
                rscales.append(f * (n_h - 1) / n_h)
        if not columns:
            raise EstimationError(
                pl="Wszystkie warstwy zbadano w całości: to cała populacja.",
                en="All strata were sampled exhaustively: this is the whole population.",
            )
        scale = 1.0
        if len(columns) < len(order) and design._lonely == "average":
            scale = len(order) / len(columns)
        return np.column_stack(columns), scale, np.array(rscales)
    if type in ("BRR", "Fay"):
        labels = np.array([stage.labels[h] for h in range(stage.n_strata)])
        sizes = np.bincount(stratum_of[order], minlength=stage.n_strata)
        if (sizes != 2).any():
            raise EstimationError(
                pl="BRR wymaga dokładnie dwóch jednostek losowania w każdej warstwie.",
                en="BRR needs exactly two PSUs in every stratum.",
                value=type,
            )
        # R: the strata sorted as text, each stratum's PSUs in order of appearance
        ranked = sorted(range(stage.n_strata), key=lambda h: labels[h])
        index = {h: k for k, h in enumerate(ranked)}
        if hadamard is None:
            h_mat = _r_hadamard(stage.n_strata)
        else:
            m = np.asarray(hadamard)
            h_mat = np.where(m == m.T.ravel()[0], 0.0, 1.0)  # R: the first value is 0
            if h_mat.shape[0] < stage.n_strata + 1:
                raise EstimationError(
                    pl="Macierz Hadamarda musi mieć co najmniej (warstwy + 1) wierszy.",
                    en="The Hadamard matrix needs at least (strata + 1) rows.",
                )
        first = np.zeros(len(psu), dtype=bool)
        for h in range(stage.n_strata):
            members = order[stratum_of[order] == h]
            first |= psu == members[0]
        row_stratum = np.array([index[h] for h in stratum_of[psu]])
        signs = h_mat[1 + row_stratum, :]  # n x R: 1 keeps the first PSU's half
        keep = np.where(first[:, None], signs == 1, signs == 0)
        factors = np.where(keep, 2 - fay_rho, fay_rho)
        n_rep = h_mat.shape[1]
        return factors, 1 / (n_rep * (1 - fay_rho) ** 2), np.ones(n_rep)
    if type == "bootstrap":
        rng = np.random.default_rng(random_state)
        counts = np.zeros((len(stage.unit_stratum), replicates))
        for h in strata_seen:
            members = order[stratum_of[order] == h]
            n_h = len(members)
            popsize = n_h / stage.fraction[h] if stage.fraction[h] > 0 else None
            if popsize is None:
                draws = rng.multinomial(n_h, np.full(n_h, 1 / n_h), size=replicates)
            else:
                copies = np.full(n_h, int(popsize) // n_h)
                copies[rng.permutation(n_h)[: int(popsize) % n_h]] += 1
                draws = rng.multivariate_hypergeometric(copies, n_h, size=replicates)
            counts[members] = draws.T
        per_stratum = np.bincount(stratum_of[order])
        harmonic = 1 / np.mean(1 / per_stratum[per_stratum > 0])
        scale = harmonic / ((harmonic - 1) * (replicates - 1))
        return counts[psu], float(scale), np.ones(replicates)
    raise EstimationError(
        pl=f"Nieznany typ replikacji type={type!r}; dozwolone: {REPLICATE_TYPES}.",
        en=f"Unknown replicate type={type!r}; choose one of {REPLICATE_TYPES}.",
        value=type,
    )
