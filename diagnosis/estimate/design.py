"""The survey design and its estimators: means, totals, ratios and proportions.

``Design`` plays the part of R's ``svydesign`` object (survey 4.1). Every
estimator returns a tidy frame with the columns

``variable, level, <domain columns>, estimate, se, ci_low, ci_high, deff, n, n_weighted``

where ``n`` counts respondents with a nonzero weight and an answer and
``n_weighted`` sums their weights. Differences from R, by design:

* ``na_rm`` is per variable: ``des.mean(["a", "b"])`` gives what
  ``svymean(~a, des, na.rm=TRUE)`` and ``svymean(~b, des, na.rm=TRUE)`` give,
  not what ``svymean(~a+b, des, na.rm=TRUE)`` gives (that drops a row missing
  in either variable from both).
* Domains (``by=``) are estimated from the full design with zero influence
  outside the domain, which is what ``svyby`` computes; with
  ``lonely_psu="average"`` R counts only strata present in a domain.
* A stratum with a single sampled unit raises an error at the first standard
  error even if a domain does not touch it (R only fails if it does).
"""

from __future__ import annotations

import copy
from collections.abc import Hashable, Mapping, Sequence
from typing import Literal

import numpy as np
import pandas as pd
from scipy import sparse

from .. import weight as weighting
from .intervals import ProportionCI, normal_interval, proportion_interval
from .taylor import (
    LONELY_CHOICES,
    EstimationError,
    LonelyPSU,
    build_stages,
    degrees_of_freedom,
    linearised_variance,
)

__all__ = ["COLUMNS", "Design"]

#: the columns of every estimate frame (domain columns go after ``level``)
COLUMNS = [
    "variable",
    "level",
    "estimate",
    "se",
    "ci_low",
    "ci_high",
    "deff",
    "n",
    "n_weighted",
]

Names = str | Sequence[str]
_PROPORTION_METHODS = ("logit", "xlogit", "beta", "wilson", "mean")


def _as_list(names: Names | None) -> list[str]:
    if names is None:
        return []
    return [names] if isinstance(names, str) else list(names)


class Design:
    """A survey design: weights, strata, clusters per stage and fpc per stage.

    Parameters
    ----------
    df : DataFrame
        One row per respondent.
    weights : str, optional
        Column of sampling weights. Without it: ``1/prob`` implied by ``fpc``
        if given, else equal weights of 1 (as R).
    strata : str, optional
        Column of first-stage strata.
    clusters : str or list of str, optional
        Sampling units per stage, e.g. ``["dnum", "snum"]``; units of a later
        stage are nested in the earlier ones. Without clusters every row is a
        unit (R: ``id = ~1``); with weights only, the design is with-replacement.
    fpc : str or list of str, optional
        One column per stage: population sizes (all > 1) or sampling fractions
        (all <= 1). With fpc every stage contributes to the variance; without
        it only the first (R's ``survey.ultimate.cluster`` reasoning).
    lonely_psu : {"fail", "remove", "certainty", "adjust", "average"}
        A stratum with one sampled unit: raise (default, as R), contribute
        nothing ("remove", "certainty"), be centred on the grand mean
        ("adjust"), or be replaced by the average of the other strata
        ("average"), as R's ``options(survey.lonely.psu=)``.

    Raises
    ------
    EstimationError
        When a column is missing, a design column has missing values, weights
        are negative, clusters are not nested in strata or the fpc is invalid.

    Examples
    --------
    >>> df = pd.DataFrame({"y": [1.0, 2, 3, 4, 5, 6], "st": list("aaabbb"), "w": [2.0] * 6})
    >>> des = Design(df, weights="w", strata="st")
    >>> des.mean("y")[["variable", "estimate"]]
      variable  estimate
    0        y       3.5
    >>> # R: des <- svydesign(id = ~1, strata = ~st, weights = ~w, data = df)
    """

    def __init__(
        self,
        df: pd.DataFrame,
        weights: str | None = None,
        strata: str | None = None,
        clusters: Names | None = None,
        fpc: Names | None = None,
        lonely_psu: LonelyPSU = "fail",
    ) -> None:
        if lonely_psu not in LONELY_CHOICES:
            raise EstimationError(
                pl=f"Nieznana wartość lonely_psu={lonely_psu!r}; dozwolone: {LONELY_CHOICES}.",
                en=f"Unknown lonely_psu={lonely_psu!r}; choose one of {LONELY_CHOICES}.",
                value=lonely_psu,
            )
        cluster_names, fpc_names = _as_list(clusters), _as_list(fpc)
        design_columns = [*([weights] if weights else []), *([strata] if strata else [])]
        design_columns += cluster_names + fpc_names
        for name in design_columns:
            if name not in df.columns:
                raise EstimationError(
                    pl=f"Brak kolumny '{name}' w danych.",
                    en=f"No column '{name}' in the data.",
                    column=name,
                )
            missing = df[name].isna().to_numpy()
            if missing.any():
                raise EstimationError(
                    pl="Brak wartości w kolumnie schematu losowania.",
                    en="A design column has a missing value.",
                    column=name,
                    row=int(np.flatnonzero(missing)[0]) + 2,
                )
        n = len(df)
        stages, prob = build_stages(
            n,
            [df[c].to_numpy() for c in cluster_names],
            df[strata].to_numpy() if strata else None,
            [df[c].to_numpy() for c in fpc_names] if fpc_names else None,
            cluster_names,
        )
        if weights:
            w = pd.to_numeric(df[weights]).to_numpy(dtype=float)
            if (w < 0).any():
                raise EstimationError(
                    pl="Wagi nie mogą być ujemne.",
                    en="Weights cannot be negative.",
                    column=weights,
                    row=int(np.flatnonzero(w < 0)[0]) + 2,
                )
        elif prob is not None:
            w = 1.0 / prob
        else:
            w = np.ones(n)
        self._data = df
        self._w = w
        self._stages = stages
        self._has_fpc = bool(fpc_names)
        self._lonely: LonelyPSU = lonely_psu
        self._steps: tuple = ()
        self._spec = {
            "weights": weights,
            "strata": strata,
            "clusters": cluster_names,
            "fpc": fpc_names,
        }

    # ------------------------------------------------------------------ basics
    def __repr__(self) -> str:
        spec = ", ".join(f"{k}={v!r}" for k, v in self._spec.items() if v)
        cal = f", {len(self._steps)} weighting step(s)" if self._steps else ""
        return f"Design(n={len(self._w)}, {spec}{cal})"

    @property
    def data(self) -> pd.DataFrame:
        """The respondents' data frame (not copied)."""
        return self._data

    @property
    def weights(self) -> np.ndarray:
        """The current weights (a copy)."""
        return self._w.copy()

    @property
    def calibrated(self) -> bool:
        """Whether the weights were post-stratified, raked or calibrated."""
        return bool(self._steps)

    @property
    def degf(self) -> float:
        """Design degrees of freedom: first-stage units minus strata (R: ``degf(des)``)."""
        rows = np.zeros(len(self._w), dtype=np.intp)
        return float(degrees_of_freedom(self._stages, self._w, rows)[0])

    def _variance(self, z: np.ndarray | sparse.spmatrix) -> np.ndarray:
        return linearised_variance(z, self._stages, self._has_fpc, self._lonely, self._steps)

    def _derive(self, result: weighting.Weighting) -> Design:
        new = copy.copy(self)
        new._w = result.weights
        new._steps = (*self._steps, result.step)
        return new

    # ---------------------------------------------------------------- columns
    def _numeric(self, names: list[str]) -> np.ndarray:
        columns = []
        for name in names:
            if name not in self._data.columns:
                raise EstimationError(
                    pl=f"Brak kolumny '{name}' w danych.",
                    en=f"No column '{name}' in the data.",
                    column=name,
                )
            try:
                columns.append(pd.to_numeric(self._data[name]).to_numpy(dtype=float))
            except (TypeError, ValueError) as exc:
                raise EstimationError(
                    pl=f"Kolumna '{name}' nie jest liczbowa: użyj proportion().",
                    en=f"Column '{name}' is not numeric: use proportion().",
                    column=name,
                ) from exc
        return np.column_stack(columns) if columns else np.zeros((len(self._w), 0))

    def _domains(self, by: Names | None) -> tuple[np.ndarray, pd.DataFrame]:
        """Domain code per row (-1 outside every domain) and the domain keys."""
        names = _as_list(by)
        n = len(self._w)
        if not names:
            return np.zeros(n, dtype=np.intp), pd.DataFrame(index=[0])
        for name in names:
            if name not in self._data.columns:
                raise EstimationError(
                    pl=f"Brak kolumny '{name}' w danych.",
                    en=f"No column '{name}' in the data.",
                    column=name,
                )
        frame = self._data[names]
        ok = (~frame.isna().any(axis=1)).to_numpy() & (self._w != 0)
        grouped = frame[ok].groupby(names, sort=True, observed=True)
        codes = np.full(n, -1, dtype=np.intp)
        codes[ok] = grouped.ngroup().to_numpy()
        keys = grouped.size().index.to_frame(index=False)
        return codes, keys

    # ----------------------------------------------------------------- kernel
    def _ratio_kernel(
        self,
        num: np.ndarray,
        den: np.ndarray | None,
        codes: np.ndarray,
        n_domains: int,
        na_rm: bool,
        kind: Literal["mean", "total", "ratio"],
        deff: bool,
    ) -> dict[str, np.ndarray]:
        """Estimates, SEs and deffs for every (variable, domain) at once: D x J arrays."""
        n, j = num.shape
        valid = ~np.isnan(num)
        if den is not None:
            valid &= ~np.isnan(den)
        inside = codes >= 0
        dom = np.where(inside, codes, 0)
        indicator = sparse.csr_matrix(
            (inside.astype(float), (dom, np.arange(n))), shape=(n_domains, n)
        )

        def spread(a: np.ndarray) -> np.ndarray:
            """Domain values back on the rows (a broadcast row with one domain)."""
            return a[0] if n_domains == 1 else a[dom]

        complete = bool(valid.all())
        if complete and inside.all():
            wv = np.broadcast_to(self._w[:, None], (n, j))
            weight_total = np.broadcast_to((indicator @ self._w)[:, None], (n_domains, j))
            n_obs = np.broadcast_to(
                (indicator @ (self._w != 0).astype(float))[:, None], (n_domains, j)
            )
        else:
            wv = np.where(valid & inside[:, None], self._w[:, None], 0.0)
            weight_total = indicator @ wv
            n_obs = indicator @ (wv != 0).astype(float)
        y = num if complete else np.where(valid, num, 0.0)
        wy = wv * y
        num_total = indicator @ wy
        if den is None:
            x, wx, den_total = None, wv, weight_total
        else:
            x = den if complete else np.where(valid, den, 0.0)
            wx = wv * x
            den_total = indicator @ wx
        with np.errstate(divide="ignore", invalid="ignore"):
            if kind == "total":
                estimate = num_total
                values = wy
            else:
                estimate = num_total / den_total
                values = spread(estimate) * wx
                np.subtract(wy, values, out=values)
                values /= spread(den_total)
                if not (np.isfinite(estimate).all() and (den_total != 0).all()):
                    # a domain with no answers: its rows carry no influence
                    values[~np.isfinite(values)] = 0.0
        del wy
        if n_domains == 1:
            z = values
        else:
            rows, cols = np.nonzero(valid & inside[:, None])
            z = sparse.csc_matrix(
                (values[rows, cols], (rows, cols * n_domains + codes[rows])),
                shape=(n, j * n_domains),
            )
        variance = self._variance(z).reshape(j, n_domains).T
        out = {
            "estimate": estimate,
            "se": np.where(weight_total > 0, np.sqrt(np.maximum(variance, 0.0)), np.nan),
            "n": n_obs,
            "n_weighted": weight_total,
            "deff": np.full_like(estimate, np.nan),
        }
        if deff:
            with np.errstate(divide="ignore", invalid="ignore"):
                if kind == "total":
                    r = y
                else:
                    ones = 1.0 if x is None else x
                    r = (y - spread(estimate) * ones) / spread(den_total)
                r_mean = (indicator @ np.where(wv != 0, wv * r, 0.0)) / weight_total
                centred = r - spread(r_mean)
                spread_sum = indicator @ np.where(wv != 0, wv * centred**2, 0.0)
                vsrs = spread_sum * (weight_total - n_obs) / (n_obs - 1)
                if kind == "mean":
                    vsrs = np.where(weight_total < n_obs, np.nan, vsrs)
                out["deff"] = variance / vsrs
        if not na_rm:
            incomplete = (indicator @ (~valid).astype(float)) > 0
            for key in ("estimate", "se", "deff"):
                out[key] = np.where(incomplete, np.nan, out[key])
        return out

    def _frame(
        self,
        stats: dict[str, np.ndarray],
        keys: pd.DataFrame,
        variables: list[str],
        levels: list,
        lo: np.ndarray,
        hi: np.ndarray,
    ) -> pd.DataFrame:
        d, j = stats["estimate"].shape
        frame = pd.DataFrame(
            {
                "variable": np.repeat(variables, d),
                "level": pd.Series(np.repeat(np.array(levels, dtype=object), d), dtype=object),
            }
        )
        for name in keys.columns:
            frame[name] = np.tile(keys[name].to_numpy(), j)
        for name, value in (
            ("estimate", stats["estimate"]),
            ("se", stats["se"]),
            ("ci_low", lo),
            ("ci_high", hi),
            ("deff", stats["deff"]),
        ):
            frame[name] = value.T.reshape(-1)
        frame["n"] = stats["n"].T.reshape(-1).astype(np.int64)
        frame["n_weighted"] = stats["n_weighted"].T.reshape(-1)
        return frame

    def _estimate(
        self,
        num_names: list[str],
        den_names: list[str] | None,
        by: Names | None,
        na_rm: bool,
        kind: Literal["mean", "total", "ratio"],
        deff: bool,
        level: float,
    ) -> pd.DataFrame:
        codes, keys = self._domains(by)
        num = self._numeric(num_names)
        den = self._numeric(den_names) if den_names is not None else None
        stats = self._ratio_kernel(num, den, codes, len(keys), na_rm, kind, deff)
        lo, hi = normal_interval(stats["estimate"], stats["se"], level)
        if den_names is None:
            labels = num_names
        else:
            labels = [f"{a}/{b}" for a, b in zip(num_names, den_names, strict=True)]
        return self._frame(stats, keys, labels, [None] * len(labels), lo, hi)

    # ------------------------------------------------------------- estimators
    def mean(
        self,
        variables: Names,
        by: Names | None = None,
        na_rm: bool = True,
        deff: bool = False,
        level: float = 0.95,
    ) -> pd.DataFrame:
        """Weighted means of numeric variables, overall or in domains.

        Parameters
        ----------
        variables : str or list of str
            Numeric columns, all estimated in one pass.
        by : str or list of str, optional
            Domain columns; one row per combination present (R: ``svyby``).
            Rows missing a domain value belong to no domain.
        na_rm : bool
            Leave out respondents missing the variable (each variable on its
            own). With False, a variable with a missing value gives NaN.
        deff : bool
            Kish's design effect against simple random sampling without
            replacement, as R's ``deff=TRUE``.
        level : float
            Confidence level of the normal-quantile interval.

        Returns
        -------
        DataFrame
            ``variable, level, <by>, estimate, se, ci_low, ci_high, deff, n, n_weighted``.

        Notes
        -----
        :math:`\\hat{\\bar y} = \\sum w_i y_i / \\sum w_i`, linearised with
        influence values :math:`w_i (y_i - \\hat{\\bar y}) / \\sum w_i`.

        Examples
        --------
        >>> df = pd.DataFrame({"y": [1.0, 2, 3, 4], "g": list("abab")})
        >>> Design(df).mean("y", by="g")[["g", "estimate", "n"]]
           g  estimate  n
        0  a       2.0  2
        1  b       3.0  2
        >>> # R: svyby(~y, ~g, svydesign(id = ~1, data = df), svymean)
        """
        return self._estimate(_as_list(variables), None, by, na_rm, "mean", deff, level)

    def total(
        self,
        variables: Names,
        by: Names | None = None,
        na_rm: bool = True,
        deff: bool = False,
        level: float = 0.95,
    ) -> pd.DataFrame:
        """Weighted totals of numeric variables, overall or in domains.

        Parameters are those of :meth:`mean`.

        Notes
        -----
        :math:`\\hat Y = \\sum w_i y_i`; influence values :math:`w_i y_i`.

        Examples
        --------
        >>> df = pd.DataFrame({"y": [1.0, 2, 3, 4], "w": [10.0] * 4})
        >>> float(Design(df, weights="w").total("y")["estimate"].iloc[0])
        100.0
        >>> # R: svytotal(~y, svydesign(id = ~1, weights = ~w, data = df))
        """
        return self._estimate(_as_list(variables), None, by, na_rm, "total", deff, level)

    def ratio(
        self,
        numerator: Names,
        denominator: Names,
        by: Names | None = None,
        na_rm: bool = True,
        deff: bool = False,
        level: float = 0.95,
    ) -> pd.DataFrame:
        """Ratios of totals ``sum(w y) / sum(w x)`` for every numerator-denominator pair.

        Parameters
        ----------
        numerator, denominator : str or list of str
            Numeric columns; every pair is estimated (as R's ``svyratio``).
            ``variable`` in the result reads ``"num/den"``.
        by, na_rm, deff, level
            As in :meth:`mean`; a respondent missing either variable of a pair
            is left out of that pair.

        Notes
        -----
        Influence values :math:`w_i (y_i - \\hat R x_i) / \\hat X`.

        Examples
        --------
        >>> df = pd.DataFrame({"y": [1.0, 2, 3, 4], "x": [2.0, 2, 4, 4]})
        >>> float(Design(df).ratio("y", "x")["estimate"].iloc[0])
        0.8333333333333334
        >>> # R: svyratio(~y, ~x, svydesign(id = ~1, data = df))
        """
        nums, dens = _as_list(numerator), _as_list(denominator)
        pairs = [(a, b) for b in dens for a in nums]
        return self._estimate(
            [a for a, _ in pairs], [b for _, b in pairs], by, na_rm, "ratio", deff, level
        )

    def proportion(
        self,
        variable: str,
        level: Hashable | None = None,
        ci: ProportionCI = "logit",
        by: Names | None = None,
        na_rm: bool = True,
        deff: bool = False,
        conf_level: float = 0.95,
    ) -> pd.DataFrame:
        """Proportion of each category (or of ``level``) of a variable, with a CI.

        Parameters
        ----------
        variable : str
            Any column; each distinct value is a category.
        level : optional
            The category to report; all categories (sorted) when None.
        ci : {"logit", "xlogit", "beta", "wilson", "mean"}
            Interval method, see :func:`~diagnosis.estimate.intervals.proportion_interval`.
            All use Student's t on the design degrees of freedom of the
            (domain) design, as R's ``svyciprop``.
        by, na_rm, deff
            As in :meth:`mean`. Respondents missing ``variable`` are left out.
        conf_level : float
            Confidence level.

        Examples
        --------
        >>> df = pd.DataFrame({"v": ["yes", "no", "yes", "yes"]})
        >>> Design(df).proportion("v", level="yes", ci="mean")[["level", "estimate"]]
          level  estimate
        0   yes      0.75
        >>> # R: svyciprop(~I(v == "yes"), svydesign(id = ~1, data = df), method = "mean")
        """
        if ci not in _PROPORTION_METHODS:
            raise EstimationError(
                pl=f"Nieznana metoda przedziału ci={ci!r}; dozwolone: {_PROPORTION_METHODS}.",
                en=f"Unknown interval method ci={ci!r}; choose one of {_PROPORTION_METHODS}.",
                value=ci,
            )
        if variable not in self._data.columns:
            raise EstimationError(
                pl=f"Brak kolumny '{variable}' w danych.",
                en=f"No column '{variable}' in the data.",
                column=variable,
            )
        values = self._data[variable]
        categories = sorted(values.dropna().unique().tolist())
        if level is not None:
            if level not in categories:
                raise EstimationError(
                    pl=f"Kategorii {level!r} nie ma w kolumnie '{variable}'.",
                    en=f"Category {level!r} does not occur in column '{variable}'.",
                    column=variable,
                    value=level,
                )
            categories = [level]
        missing = values.isna().to_numpy()
        raw = values.to_numpy()
        num = np.column_stack([np.where(missing, np.nan, raw == c) for c in categories])
        codes, keys = self._domains(by)
        stats = self._ratio_kernel(num.astype(float), None, codes, len(keys), na_rm, "mean", deff)
        df = degrees_of_freedom(self._stages, self._w, codes)[:, None]
        if self.calibrated:
            rows = np.full(len(keys), float(len(self._w)))
        else:
            rows = np.bincount(codes[codes >= 0], minlength=len(keys)).astype(float)
            if by is None:
                rows = np.array([float(len(self._w))])
        lo, hi = proportion_interval(
            stats["estimate"], stats["se"], df, ci, conf_level, rows[:, None]
        )
        return self._frame(stats, keys, [variable] * len(categories), categories, lo, hi)

    # -------------------------------------------------------------- weighting
    def poststratify(
        self,
        by: Names,
        population: Mapping[Hashable, float] | pd.Series,
        partial: bool = False,
    ) -> Design:
        """A new design post-stratified to population counts; SEs reflect it as R's.

        Parameters
        ----------
        by : str or list of str
            Post-stratifying column(s).
        population : mapping or Series
            Population count per cell; tuple keys (or a MultiIndex) for several columns.
        partial : bool
            Ignore population cells with no sample instead of raising.

        Examples
        --------
        >>> df = pd.DataFrame({"y": [1.0, 2, 3, 4], "g": list("aabb")})
        >>> ps = Design(df).poststratify("g", {"a": 10, "b": 30})
        >>> float(ps.mean("y")["estimate"].iloc[0])
        3.0
        >>> # R: postStratify(des, ~g, data.frame(g = c("a", "b"), Freq = c(10, 30)))
        """
        return self._derive(weighting.poststratify(self._w, self._data, by, population, partial))

    def rake(
        self,
        margins: Mapping[str, Mapping[Hashable, float] | pd.Series],
        tol: float = 1e-12,
        max_iter: int = 1000,
    ) -> Design:
        """A new design raked to population margins; SEs reflect it as R's ``rake``.

        Parameters
        ----------
        margins : mapping
            Column -> population count per category, e.g.
            ``{"age_band": s1, "sex": s2}``.
        tol, max_iter
            Convergence: every margin within ``tol`` (relative) of its target.

        Examples
        --------
        >>> df = pd.DataFrame({"y": [1.0, 2, 3, 4], "a": list("xxyy"), "b": list("uvuv")})
        >>> rk = Design(df).rake({"a": {"x": 3, "y": 5}, "b": {"u": 4, "v": 4}})
        >>> round(float(rk.total("y")["estimate"].iloc[0]), 6)
        22.0
        >>> # R: rake(des, list(~a, ~b), list(pop_a, pop_b))
        """
        return self._derive(weighting.rake(self._w, self._data, margins, tol, max_iter))

    def calibrate(
        self,
        totals: Mapping[str, float | Mapping[Hashable, float]],
        intercept: float | None = None,
    ) -> Design:
        """A new design calibrated (linear GREG) to population totals.

        Parameters
        ----------
        totals : mapping
            Column -> population total (numeric) or category -> count
            (categorical, a full set of indicators). Collinear controls are
            allowed if their totals agree.
        intercept : float, optional
            Population size, as a column of ones.

        Examples
        --------
        >>> df = pd.DataFrame({"y": [1.0, 2, 3, 4], "x": [1.0, 2, 3, 5], "g": list("aabb")})
        >>> cal = Design(df).calibrate({"g": {"a": 20, "b": 20}, "x": 100.0})
        >>> round(float(cal.total("x")["estimate"].iloc[0]), 9)
        100.0
        >>> # R: calibrate(des, ~g + x, c(`(Intercept)` = 40, gb = 20, x = 100))
        """
        return self._derive(weighting.calibrate(self._w, self._data, totals, intercept))
