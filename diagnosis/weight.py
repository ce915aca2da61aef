"""Weights: post-stratification, raking, linear calibration, diagnostics and trimming.

Each adjustment returns a :class:`Weighting`: the new weights and the *step* a
design needs to give standard errors that reflect the adjustment, exactly as R's
``survey`` package does (its ``design$postStrata``):

* :class:`PostStratification` - residuals from post-stratum means
  (``survey:::svyrecvar``, post-stratification branch);
* :class:`Raking` - ten sweeps of residualisation over the margins, the fixed
  number R uses after ``rake()``;
* :class:`LinearCalibration` - residuals from the weighted least-squares fit on
  the calibration variables (R's ``qr.resid`` after ``calibrate()``), which
  handles collinear controls because only the column space counts.

Each step is a callable ``step(z) -> z`` on an ``n x K`` matrix of influence
values, so many estimates are adjusted at once. :mod:`diagnosis.estimate`
applies them; see ``Design.poststratify``, ``Design.rake`` and
``Design.calibrate``.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import sparse

from .errors import DiagnosisError

__all__ = [
    "CALFUNS",
    "LinearCalibration",
    "PostStratification",
    "Raking",
    "Weighting",
    "WeightingError",
    "calibrate",
    "effective_n",
    "kish_deff",
    "poststratify",
    "rake",
    "trim_weights",
    "weight_summary",
]


class WeightingError(DiagnosisError):
    """Weights cannot be adjusted to the given population figures."""


def _group_sums(codes: np.ndarray, x: np.ndarray, n_groups: int) -> np.ndarray:
    """Column sums of ``x`` (n x K) within groups ``codes`` (0 .. G-1): G x K."""
    n = len(codes)
    indicator = sparse.csr_matrix((np.ones(n), (codes, np.arange(n))), shape=(n_groups, n))
    return indicator @ x


@dataclass(frozen=True)
class PostStratification:
    """Variance step after post-stratification (R: ``postStratify``).

    Attributes
    ----------
    cells : ndarray of int
        Post-stratum of each row.
    weights, old_weights : ndarray
        Weights after and before post-stratification.
    """

    cells: np.ndarray
    weights: np.ndarray
    old_weights: np.ndarray

    def __call__(self, z: np.ndarray) -> np.ndarray:
        psw = np.where((self.weights == 0) & (self.old_weights == 0), 1.0, self.weights)
        n_cells = int(self.cells.max()) + 1
        num = _group_sums(self.cells, z * (self.old_weights / psw)[:, None], n_cells)
        den = np.bincount(self.cells, weights=self.old_weights, minlength=n_cells)
        return z - (num / den[:, None])[self.cells] * psw[:, None]


@dataclass(frozen=True)
class Raking:
    """Variance step after raking (R: ``rake``): ten sweeps over the margins.

    Attributes
    ----------
    margins : tuple of ndarray of int
        Category of each row on each margin.
    weights : tuple of ndarray
        Weights right after each margin was adjusted in the last raking round.
    sweeps : int
        Sweeps of residualisation; R uses 10 and so do we.
    """

    margins: tuple[np.ndarray, ...]
    weights: tuple[np.ndarray, ...]
    sweeps: int = 10

    def __call__(self, z: np.ndarray) -> np.ndarray:
        z = np.array(z, dtype=float, copy=True)
        n = z.shape[0]
        # one sparse group-indicator matrix per margin, built once per call, not per sweep
        sums = [
            sparse.csr_matrix((np.ones(n), (m, np.arange(n))), shape=(int(m.max()) + 1, n))
            for m in self.margins
        ]
        counts = [np.asarray(s.sum(axis=1)).ravel() for s in sums]
        for _ in range(self.sweeps):
            for codes, psw, indicator, count in zip(
                self.margins, self.weights, sums, counts, strict=True
            ):
                means = (indicator @ (z / psw[:, None])) / count[:, None]
                z -= psw[:, None] * means[codes]
        return z


@dataclass(frozen=True)
class LinearCalibration:
    """Variance step after linear (GREG) calibration (R: ``calibrate``).

    Attributes
    ----------
    basis : ndarray, shape (n, r)
        Orthonormal basis of the columns of ``X * sqrt(w_old)``, dropping
        columns that are linear combinations of earlier ones as R's ``qr()``.
    scale : ndarray, shape (n,)
        ``g * sqrt(w_old)``: influence values are divided by it, residualised
        on ``basis`` and multiplied back (R: ``qr.resid(qr, x/w) * w``).
    """

    basis: np.ndarray
    scale: np.ndarray

    def __call__(self, z: np.ndarray) -> np.ndarray:
        u = z / self.scale[:, None]
        u = u - self.basis @ (self.basis.T @ u)
        return u * self.scale[:, None]


@dataclass(frozen=True)
class Weighting:
    """Adjusted weights and the variance step that goes with them."""

    weights: np.ndarray
    step: PostStratification | Raking | LinearCalibration
    iterations: int = 1


def _cell_name(key: Hashable, names: Sequence[str]) -> str:
    values = key if isinstance(key, tuple) else (key,)
    return ", ".join(f"{n}={v}" for n, v in zip(names, values, strict=True))


def _population_series(population: Mapping | pd.Series, names: Sequence[str]) -> pd.Series:
    pop = population if isinstance(population, pd.Series) else pd.Series(dict(population))
    if len(names) > 1 and not isinstance(pop.index, pd.MultiIndex):
        pop.index = pd.MultiIndex.from_tuples(list(pop.index))
    pop.index = pop.index.set_names(list(names))
    return pop.astype(float)


def _cells(data: pd.DataFrame, names: Sequence[str]) -> tuple[np.ndarray, pd.Index]:
    for name in names:
        if name not in data.columns:
            raise WeightingError(
                pl=f"Brak kolumny '{name}' w danych.",
                en=f"No column '{name}' in the data.",
                column=name,
            )
        if data[name].isna().any():
            row = int(np.flatnonzero(data[name].isna().to_numpy())[0])
            raise WeightingError(
                pl="Brak wartości zmiennej używanej do ważenia.",
                en="A weighting variable has a missing value.",
                column=name,
                row=row + 2,
            )
    if len(names) == 1:
        codes, levels = pd.factorize(data[names[0]], sort=True)
        return codes.astype(np.intp), pd.Index(levels, name=names[0])
    index = pd.MultiIndex.from_frame(data[list(names)])
    codes, levels = pd.factorize(index, sort=True)
    return codes.astype(np.intp), pd.MultiIndex.from_tuples(list(levels), names=list(names))


def _match_cells(
    weights: np.ndarray,
    codes: np.ndarray,
    levels: pd.Index,
    pop: pd.Series,
    names: Sequence[str],
    partial: bool = False,
) -> np.ndarray:
    """Population total per sample cell, with errors naming any mismatched cell."""
    sample = np.bincount(codes, weights=weights, minlength=len(levels))
    target = pop.reindex(levels).to_numpy(dtype=float)
    absent = np.flatnonzero((np.isnan(target) | (target == 0)) & (sample > 0))
    if absent.size:
        cell = _cell_name(levels[absent[0]], names)
        raise WeightingError(
            pl=f"Komórka ({cell}) występuje w próbie, ale nie ma jej w populacji.",
            en=f"Cell ({cell}) is in the sample but absent from the population figures.",
            value=cell,
        )
    missing = [k for k in pop.index if k not in levels and pop[k] > 0]
    empty = [levels[i] for i in np.flatnonzero((sample == 0) & (target > 0))]
    if (missing or empty) and not partial:
        cell = _cell_name((missing + empty)[0], names)
        raise WeightingError(
            pl=f"Komórka ({cell}) ma liczebność w populacji, ale nikogo w próbie: "
            "połącz kategorie.",
            en=f"Cell ({cell}) has a population count but nobody in the sample: merge categories.",
            value=cell,
        )
    return target


def poststratify(
    weights: np.ndarray,
    data: pd.DataFrame,
    by: str | Sequence[str],
    population: Mapping[Hashable, float] | pd.Series,
    partial: bool = False,
) -> Weighting:
    """Post-stratify weights to population counts of the cells of ``by``.

    Parameters
    ----------
    weights : ndarray
        Current weights, one per row of ``data``.
    data : DataFrame
    by : str or list of str
        Column(s) whose combinations are the post-strata.
    population : mapping or Series
        Population count per cell (a tuple key or MultiIndex for several columns).
    partial : bool
        Leave cells with no sample out instead of raising, as R's ``partial=TRUE``.

    Returns
    -------
    Weighting

    Raises
    ------
    WeightingError
        Naming a cell that is in the sample but not in the population, or that
        has a population count but no sample.

    Notes
    -----
    :math:`w_i^* = w_i N_c / \\hat N_c` for the cell :math:`c` of row :math:`i`.

    Examples
    --------
    >>> df = pd.DataFrame({"sex": ["f", "f", "m"]})
    >>> poststratify(np.ones(3), df, "sex", {"f": 10, "m": 20}).weights
    array([ 5.,  5., 20.])
    >>> # R: postStratify(des, ~sex, data.frame(sex=c("f","m"), Freq=c(10,20)))
    """
    names = [by] if isinstance(by, str) else list(by)
    w = np.asarray(weights, dtype=float)
    codes, levels = _cells(data, names)
    pop = _population_series(population, names)
    target = _match_cells(w, codes, levels, pop, names, partial)
    sample = np.bincount(codes, weights=w, minlength=len(levels))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(sample > 0, target / sample, 1.0)
    new = w * ratio[codes]
    return Weighting(new, PostStratification(codes, new, w))


def rake(
    weights: np.ndarray,
    data: pd.DataFrame,
    margins: Mapping[str | tuple[str, ...], Mapping[Hashable, float] | pd.Series],
    tol: float = 1e-12,
    max_iter: int = 1000,
) -> Weighting:
    """Rake weights to population margins (iterative proportional fitting).

    Parameters
    ----------
    weights : ndarray
    data : DataFrame
    margins : mapping
        Column name -> population count per category. A tuple of columns is
        one crossed margin, its counts keyed by tuples of categories (or a
        MultiIndex), as R's ``~town + age_group`` in ``rake()``'s list.
    tol : float
        Stop when every weighted margin is within ``tol`` (relative) of its target.
    max_iter : int
        Rounds over all margins before giving up.

    Returns
    -------
    Weighting
        ``step`` is a :class:`Raking` holding the weights after each margin of
        the last round, as R keeps them.

    Raises
    ------
    WeightingError
        Naming the cell when a category has no sample or no population, or when
        the margins cannot be met (no convergence).

    Notes
    -----
    R's ``rake()`` stops by default when the table of weighted counts moves by
    less than one unit; here the default is a relative 1e-12 on each margin.

    Examples
    --------
    >>> df = pd.DataFrame({"a": ["x", "x", "y", "y"], "b": ["u", "v", "u", "v"]})
    >>> r = rake(np.ones(4), df, {"a": {"x": 3, "y": 5}, "b": {"u": 4, "v": 4}})
    >>> r.weights.round(6)
    array([1.5, 1.5, 2.5, 2.5])
    >>> # R: rake(des, list(~a, ~b), list(pop_a, pop_b))
    >>> df["c"] = ["p", "q", "q", "q"]
    >>> crossed = {("a", "b"): {("x", "u"): 1, ("x", "v"): 2, ("y", "u"): 3, ("y", "v"): 2}}
    >>> rake(np.ones(4), df, {**crossed, "c": {"p": 1, "q": 7}}).weights.round(6)
    array([1., 2., 3., 2.])
    >>> # R: rake(des, list(~a + b, ~c), list(pop_ab, pop_c))
    """
    w = np.asarray(weights, dtype=float).copy()
    coded = []
    for key, target_spec in margins.items():
        names = list(key) if isinstance(key, tuple) else [key]
        codes, levels = _cells(data, names)
        pop = _population_series(target_spec, names)
        target = _match_cells(w, codes, levels, pop, names)
        coded.append((names, codes, levels, target))
    psw: list[np.ndarray] = []
    rounds, worst, where = 0, np.inf, ""
    while rounds < max_iter:
        rounds += 1
        psw = []
        for _, codes, levels, target in coded:
            sample = np.bincount(codes, weights=w, minlength=len(levels))
            w = w * (target / sample)[codes]
            psw.append(w)
        worst, where = 0.0, ""
        for names, codes, levels, target in coded:
            sample = np.bincount(codes, weights=w, minlength=len(levels))
            with np.errstate(divide="ignore", invalid="ignore"):
                gap = np.where(target > 0, np.abs(sample - target) / target, 0.0)
            if gap.max() > worst:
                worst, where = float(gap.max()), _cell_name(levels[int(gap.argmax())], names)
        if worst < tol:
            break
    if worst >= tol:
        raise WeightingError(
            pl=f"Ważenie iteracyjne nie zbiegło się po {max_iter} rundach; największa "
            f"rozbieżność w komórce ({where}): {worst:.3g}. Marginesy mogą być sprzeczne "
            "albo komórki skrzyżowania puste.",
            en=f"Raking did not converge after {max_iter} rounds; the largest gap is in "
            f"cell ({where}): {worst:.3g}. The margins may contradict each other or "
            "cross-classified cells may be empty.",
            value=where,
        )
    step = Raking(tuple(c for _, c, _, _ in coded), tuple(psw))
    return Weighting(w, step, rounds)


def _model_matrix(
    data: pd.DataFrame,
    totals: Mapping[str, float | Mapping[Hashable, float]],
    intercept: float | None,
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    columns, targets, names = [], [], []
    if intercept is not None:
        columns.append(np.ones(len(data)))
        targets.append(float(intercept))
        names.append("(Intercept)")
    for name, spec in totals.items():
        if isinstance(spec, Mapping | pd.Series):
            codes, levels = _cells(data, [name])
            pop = _population_series(spec, [name])
            extra = [k for k in levels if k not in pop.index]
            if extra:
                raise WeightingError(
                    pl=f"Kategoria ({name}={extra[0]}) występuje w próbie, ale nie ma dla "
                    "niej sumy w populacji.",
                    en=f"Category ({name}={extra[0]}) is in the sample but has no population "
                    "total.",
                    column=name,
                    value=extra[0],
                )
            for level, total in pop.items():
                if level not in levels:
                    if total != 0:
                        raise WeightingError(
                            pl=f"Kategoria ({name}={level}) ma sumę w populacji, ale nikogo w "
                            "próbie.",
                            en=f"Category ({name}={level}) has a population total but nobody "
                            "in the sample.",
                            column=name,
                            value=level,
                        )
                    continue
                columns.append((codes == levels.get_loc(level)).astype(float))
                targets.append(float(total))
                names.append(f"{name}{level}")
        else:
            _cells(data, [name])
            columns.append(pd.to_numeric(data[name]).to_numpy(dtype=float))
            targets.append(float(spec))
            names.append(name)
    return np.column_stack(columns), np.asarray(targets), names


def _independent_basis(a: np.ndarray, tol: float = 1e-7) -> np.ndarray:
    """Orthonormal basis of the columns of ``a``, skipping a column whose part
    not explained by earlier columns is below ``tol`` of its norm (the rule of
    R's LINPACK ``qr()``, ``dqrdc2``)."""
    basis: list[np.ndarray] = []
    for j in range(a.shape[1]):
        col = a[:, j].astype(float)
        norm = np.linalg.norm(col)
        if norm == 0:
            continue
        rest = col
        for _ in range(2):  # twice is enough (Gram-Schmidt with reorthogonalisation)
            if basis:
                q = np.column_stack(basis)
                rest = rest - q @ (q.T @ rest)
        size = np.linalg.norm(rest)
        if size >= tol * norm:
            basis.append(rest / size)
    return np.column_stack(basis) if basis else np.zeros((a.shape[0], 0))


#: calibration distances of :func:`calibrate` (R's ``calfun``)
CALFUNS = ("linear", "raking", "logit")
CalFun = Literal["linear", "raking", "logit"]


def _calfun(
    name: CalFun, lower: float, upper: float
) -> tuple[Callable[[np.ndarray], np.ndarray], Callable[[np.ndarray], np.ndarray]]:
    """``g - 1`` and its derivative as functions of ``u = x'eta``: R's ``cal.<name>``."""
    inside = lambda u: ((u < upper - 1) & (u > lower - 1)).astype(float)  # noqa: E731
    if name == "linear":
        return (lambda u: np.clip(u + 1, lower, upper) - 1), inside
    if name == "raking":  # R bounds exp(u) but tests u against the bounds minus 1, as here
        return (
            lambda u: np.clip(np.exp(u), lower, upper) - 1,
            lambda u: np.where(inside(u) > 0, np.exp(u), 0.0),
        )
    a = (upper - lower) / ((upper - 1) * (1 - lower))

    def fm1(u: np.ndarray) -> np.ndarray:
        e = np.exp(a * u)
        return (lower * (upper - 1) + upper * (1 - lower) * e) / (upper - 1 + (1 - lower) * e) - 1

    def df(u: np.ndarray) -> np.ndarray:
        e = np.exp(a * u)
        den = upper - 1 + (1 - lower) * e
        num = lower * (upper - 1) + upper * (1 - lower) * e
        return upper * (1 - lower) * e * a / den - num * ((1 - lower) * e * a) / den**2

    return fm1, df


def _ginv(t: np.ndarray) -> np.ndarray:
    """MASS::ginv(t, tol = 256 * eps): singular values below tol times the largest dropped."""
    u, d, vt = np.linalg.svd(t)
    keep = d > max(256 * np.finfo(float).eps * d[0], 0) if d.size else d > 0
    return (vt[keep].T / d[keep]) @ u[:, keep].T


def _grake(
    x: np.ndarray,
    w: np.ndarray,
    target: np.ndarray,
    calfun: CalFun,
    bounds: tuple[float, float],
    epsilon: float,
    max_iter: int,
) -> tuple[np.ndarray, float | None]:
    """R's ``survey:::grake``: Newton steps on the calibration equations.

    Returns ``g`` and, if it did not converge, the misfit reached (else None).
    """
    lower, upper = bounds
    fm1, df = _calfun(calfun, lower, upper)
    sample_total = x.T @ w
    eta = np.zeros(x.shape[1])
    xeta = x @ eta
    g, deriv = 1 + fm1(xeta), df(xeta)
    scales = target / sample_total
    scale = None
    if scales.min() > 20:  # R rescales weights far below the population (bounds then too)
        scale = float(scales.mean())
        w, sample_total = w * scale, sample_total * scale
    iteration, failed = 1, None
    with np.errstate(over="ignore", invalid="ignore"):
        while True:  # Newton iterations (R's maxit), not rows
            t = (x * (w * deriv)[:, None]).T @ x
            misfit = target - sample_total - x.T @ (w * fm1(xeta))
            step = _ginv(t) @ misfit
            eta = eta + step
            xeta = x @ eta
            g, deriv = 1 + fm1(xeta), df(xeta)
            while iteration < max_iter and not (np.isfinite(g).all() and np.isfinite(deriv).all()):
                iteration += 1
                step = step / 2
                eta = eta - step
                xeta = x @ eta
                g, deriv = 1 + fm1(xeta), df(xeta)
            misfit = target - sample_total - x.T @ (w * fm1(xeta))
            relative = np.abs(misfit) / (1 + np.abs(target))
            if (relative < epsilon).all():
                break
            iteration += 1
            if iteration > max_iter:
                failed = float(relative.max())
                break
    if scale is not None:
        g = g * scale
    return g, failed


def calibrate(
    weights: np.ndarray,
    data: pd.DataFrame,
    totals: Mapping[str, float | Mapping[Hashable, float]],
    intercept: float | None = None,
    calfun: CalFun = "linear",
    bounds: tuple[float, float] = (-np.inf, np.inf),
    epsilon: float = 1e-7,
    max_iter: int = 50,
) -> Weighting:
    """Calibration of weights to population totals: linear (GREG), raking or logit.

    Parameters
    ----------
    weights : ndarray
    data : DataFrame
    totals : mapping
        Column name -> population total (numeric column) or mapping of category
        -> population count (a full set of indicators per categorical column).
    intercept : float, optional
        Population size, to add a column of ones.
    calfun : {"linear", "raking", "logit"}
        The calibration distance, as R's ``calibrate(calfun = )``: ``g`` is
        ``1 + u``, ``exp(u)`` or the logit curve between the bounds, with
        ``u = x' eta``.
    bounds : (float, float)
        Limits on ``g = new / old weight`` (R's ``bounds``); ``"logit"``
        needs finite ones, with ``lower < 1 < upper``.
    epsilon, max_iter
        R's convergence test: every total within ``epsilon`` of its target
        relative to ``1 + |target|``, in at most ``max_iter`` Newton steps.

    Returns
    -------
    Weighting

    Raises
    ------
    WeightingError
        When a category has no sample or no total, when the totals cannot be
        met (inconsistent with collinear controls, or bounds too tight) or the
        iterations do not converge.

    Notes
    -----
    Unbounded linear calibration (the default) is solved at once (R's
    ``regcalibrate``); the other cases take R's ``grake`` Newton steps, step
    halving and, when the weights sum to less than a twentieth of every
    target, its rescaling of the weights (and so of the bounds). The
    variance step is the same residualisation for every distance, as R's.

    :math:`g_i = 1 + x_i^\\top T^{+}(t_x - \\hat t_x)` with
    :math:`T = \\sum_i w_i x_i x_i^\\top` and :math:`T^{+}` its Moore-Penrose
    inverse (as R's ``grake`` uses ``MASS::ginv``), so collinear controls, such
    as full sets of indicators for two categorical variables, are fine: the
    weights depend only on the space spanned by the controls. Categorical
    controls enter as a full set of indicators, so ``{"stype": ...}`` spans
    the same space as R's ``~stype`` with its intercept.

    Examples
    --------
    >>> df = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0]})
    >>> cal = calibrate(np.full(4, 2.0), df, {"x": 25.0}, intercept=10.0)
    >>> float(cal.weights.sum()), float(cal.weights @ df["x"])
    (10.0, 25.0)
    >>> # R: calibrate(des, ~x, c(`(Intercept)`=10, x=25))
    >>> raked = calibrate(np.full(4, 2.0), df, {"x": 28.0}, intercept=10.0, calfun="raking")
    >>> raked.weights.round(6)
    array([1.670869, 2.132659, 2.722077, 3.474396])
    >>> # R: calibrate(des, ~x, c(`(Intercept)`=10, x=28), calfun = "raking")
    >>> logit = calibrate(
    ...     np.full(4, 2.0), df, {"x": 28.0}, intercept=10.0, calfun="logit", bounds=(0.5, 2)
    ... )
    >>> logit.weights.round(6)
    array([1.611612, 2.165165, 2.834835, 3.388388])
    >>> # R: calibrate(des, ~x, c(`(Intercept)`=10, x=28), calfun = "logit", bounds = c(0.5, 2))
    """
    if calfun not in CALFUNS:
        raise WeightingError(
            pl=f"Nieznana funkcja kalibracji calfun={calfun!r}; dozwolone: {', '.join(CALFUNS)}.",
            en=f"Unknown calfun={calfun!r}; choose one of {', '.join(CALFUNS)}.",
            value=calfun,
        )
    lower, upper = (float(b) for b in bounds)
    if not lower < 1 < upper or (calfun == "logit" and not np.isfinite([lower, upper]).all()):
        raise WeightingError(
            pl=f"Granice bounds={bounds} muszą otaczać 1 (dla calfun='logit' być skończone).",
            en=f"bounds={bounds} must lie around 1 (and be finite for calfun='logit').",
            value=str(bounds),
        )
    w = np.asarray(weights, dtype=float)
    x, target, names = _model_matrix(data, totals, intercept)
    whalf = np.sqrt(w)
    a = x * whalf[:, None]
    if calfun == "linear" and np.isinf([lower, upper]).all():
        _, s, vt = np.linalg.svd(a, full_matrices=False)
        keep = s > np.sqrt(256 * np.finfo(float).eps) * s.max()
        gap = target - x.T @ w
        lam = vt[keep].T @ ((vt[keep] @ gap) / s[keep] ** 2)
        g = 1.0 + x @ lam
    else:
        g, failed = _grake(x, w, target, calfun, (lower, upper), epsilon, max_iter)
        if failed is not None:
            raise WeightingError(
                pl=f"Kalibracja ({calfun}, granice {bounds}) nie zbiegła się po {max_iter} "
                f"krokach; największa względna rozbieżność sum: {failed:.3g}. Poszerz granice.",
                en=f"Calibration ({calfun}, bounds {bounds}) did not converge in {max_iter} "
                f"steps; the largest relative gap in the totals is {failed:.3g}. Widen the "
                "bounds.",
                value=calfun,
            )
    new = w * g
    misfit = np.abs(x.T @ new - target) / (1 + np.abs(target))
    if misfit.max() > 1e-7:
        bad = names[int(misfit.argmax())]
        raise WeightingError(
            pl=f"Nie da się spełnić sum populacyjnych: suma dla '{bad}' jest sprzeczna z "
            "pozostałymi (zmienne kalibracyjne są współliniowe, a ich sumy nie).",
            en=f"The population totals cannot all be met: the total for '{bad}' contradicts "
            "the others (the controls are collinear but their totals are not).",
            value=bad,
        )
    step = LinearCalibration(_independent_basis(a), g * whalf)
    return Weighting(new, step)


def kish_deff(weights: np.ndarray) -> float:
    """Kish's design effect due to unequal weights, ``1 + cv^2``.

    Notes
    -----
    :math:`1 + \\mathrm{cv}^2 = n \\sum w_i^2 / (\\sum w_i)^2`, with the
    coefficient of variation computed with divisor ``n``.

    Examples
    --------
    >>> kish_deff(np.array([1.0, 1.0, 2.0, 4.0]))
    1.375
    >>> # R: 1 + (sd(w) * sqrt((n - 1) / n) / mean(w))^2
    """
    w = np.asarray(weights, dtype=float)
    return float(len(w) * (w @ w) / w.sum() ** 2)


def effective_n(weights: np.ndarray) -> float:
    """Kish's effective sample size ``(sum w)^2 / sum w^2`` (= n / deff).

    Examples
    --------
    >>> effective_n(np.array([1.0, 1.0, 2.0, 4.0]))
    2.909090909090909
    >>> # R: sum(w)^2 / sum(w^2)
    """
    w = np.asarray(weights, dtype=float)
    return float(w.sum() ** 2 / (w @ w))


def weight_summary(weights: np.ndarray) -> pd.DataFrame:
    """One-row summary of weights: n, sum, min, max, range ratio, cv, Kish deff, effective n.

    Examples
    --------
    >>> weight_summary(np.array([1.0, 1.0, 2.0, 4.0]))[["n", "max_min_ratio", "kish_deff"]]
       n  max_min_ratio  kish_deff
    0  4            4.0      1.375
    >>> # R: summary(weights(des)); 1 + cv^2
    """
    w = np.asarray(weights, dtype=float)
    positive = w[w > 0]
    return pd.DataFrame(
        {
            "n": [len(w)],
            "sum": [w.sum()],
            "min": [w.min()],
            "max": [w.max()],
            "max_min_ratio": [positive.max() / positive.min() if positive.size else np.nan],
            "cv": [w.std() / w.mean()],
            "kish_deff": [kish_deff(w)],
            "effective_n": [effective_n(w)],
        }
    )


def trim_weights(
    weights: np.ndarray,
    lower: float | None = None,
    upper: float | None = None,
    max_iter: int = 100,
    spread: Literal["proportional", "equal"] = "proportional",
    strict: bool = True,
) -> np.ndarray:
    """Trim weights to ``[lower, upper]`` and spread the trimmed amount over the rest.

    Weights above ``upper`` are set to ``upper`` and those below ``lower`` to
    ``lower``; the net weight removed is added to the other weights, so the
    total is kept, and with ``strict`` this is repeated until no weight is
    outside the bounds. Trimming changes the estimator: standard errors from a
    design built on trimmed weights treat them as fixed.

    Parameters
    ----------
    weights : ndarray
    lower, upper : float, optional
        The bounds (none: no bound on that side).
    max_iter : int
        Rounds of trimming at most (``strict``).
    spread : {"proportional", "equal"}
        ``"proportional"`` (the default, kept for compatibility): the removed
        weight goes to the weights not at a bound in proportion to their size.
        ``"equal"``: every weight that was not outside the bounds gets the
        same share, exactly R's ``trimWeights(des, upper, lower, strict)``.
    strict : bool
        Repeat until every weight is within the bounds (R's ``strict = TRUE``);
        only one round otherwise (R's default ``strict = FALSE``, with
        ``spread="equal"``).

    Examples
    --------
    >>> trim_weights(np.array([1.0, 1.0, 1.0, 7.0]), upper=4.0)
    array([2., 2., 2., 4.])
    >>> trim_weights(np.array([1.0, 2.0, 3.0, 9.0]), upper=6.0, spread="equal")
    array([2., 3., 4., 6.])
    >>> # R: weights(trimWeights(des, upper = 6, strict = TRUE))
    """
    w = np.asarray(weights, dtype=float).copy()
    lo = -np.inf if lower is None else lower
    hi = np.inf if upper is None else upper
    if lo > hi:
        raise WeightingError(
            pl=f"Dolna granica ({lo}) jest większa niż górna ({hi}).",
            en=f"The lower bound ({lo}) is above the upper bound ({hi}).",
        )
    if spread not in ("proportional", "equal"):
        raise WeightingError(
            pl=f"Nieznane spread={spread!r}; dozwolone: 'proportional', 'equal'.",
            en=f"Unknown spread={spread!r}; choose 'proportional' or 'equal'.",
            value=spread,
        )
    if spread == "equal":
        for _ in range(max_iter):  # rounds of trimming, as R's recursion with strict = TRUE
            outside = (w < lo) | (w > hi)
            if not outside.any() or outside.all():
                break
            trimmed = np.clip(w, lo, hi)
            trimmed[~outside] += (w - trimmed).sum() / (~outside).sum()
            w = trimmed
            if not strict:
                return w
        if ((w < lo) | (w > hi)).any():
            raise WeightingError(
                pl="Nie da się przyciąć wag do tych granic bez zmiany sumy wag.",
                en="The weights cannot be trimmed to these bounds while keeping their total.",
            )
        return w
    for _ in range(max_iter if strict else 1):
        outside = (w < lo) | (w > hi)
        if not outside.any():
            return w
        trimmed = np.clip(w, lo, hi)
        excess = (w - trimmed).sum()
        inside = ~outside & (trimmed != lo) & (trimmed != hi)
        if not inside.any():
            break
        trimmed[inside] += excess * trimmed[inside] / trimmed[inside].sum()
        w = trimmed
    if strict and ((w < lo - 1e-9) | (w > hi + 1e-9)).any():
        raise WeightingError(
            pl="Nie da się przyciąć wag do tych granic bez zmiany sumy wag.",
            en="The weights cannot be trimmed to these bounds while keeping their total.",
        )
    return w
