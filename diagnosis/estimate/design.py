"""The survey design and its estimators: means, totals, ratios and proportions.

``Design`` plays the part of R's ``svydesign`` object (survey 4.1). Every
estimator returns a tidy frame with the columns

``variable, level, <domain columns>, estimate, se, ci_low, ci_high, deff, n, n_weighted``

where ``n`` counts respondents with a nonzero weight and an answer and
``n_weighted`` sums their weights. Differences from R, by design:

* ``na_rm=True`` (the default) is R's ``na.rm=TRUE``: ``des.mean(["a", "b"])``
  gives what ``svymean(~a+b, des, na.rm=TRUE)`` gives, dropping a respondent
  missing either variable from both (complete cases over the variables of the
  call; the design keeps every sampled unit, the respondent gets zero weight).
  ``na_rm="each"`` leaves respondents out variable by variable, as one
  ``svymean(~a, des, na.rm=TRUE)`` per variable would (what batteries of
  items need). ``na_rm=False``: a variable with a missing value gives NaN.
* Domains (``by=``) are estimated from the full design with zero influence
  outside the domain, which is what ``svyby`` computes.
* Lonely PSUs follow R's subset designs: in an uncalibrated design a domain
  (and, with ``na_rm=True``, the respondents with an answer) holds only the
  strata it touches, so ``lonely_psu="fail"`` raises only for an estimate whose
  rows touch a stratum with one sampled unit, and ``"average"`` averages over
  the strata present (NaN if all of them are lonely). A calibrated design keeps
  every stratum, as R's does.
"""

from __future__ import annotations

import copy
from collections.abc import Hashable, Mapping, Sequence
from functools import partial
from typing import Literal

import numpy as np
import pandas as pd
from scipy import sparse, stats

from .. import weight as weighting
from .compare import DomainComparison, compare_domains
from .contrast import Contrasts, Estimates
from .intervals import (
    ProportionCI,
    likelihood_interval,
    normal_interval,
    proportion_interval,
)
from .models import FAMILIES, Family, GlmFit, glm_fit_table, irls
from .quantile import (
    QRule,
    SortedDomains,
    check_quantile_arguments,
    quantile_rule,
    r_uniroot,
    rule_one,
)
from .replicate import ReplicateDesign, ReplicateType, replicate_weights
from .tables import Crosstab, association_tests
from .taylor import (
    LONELY_CHOICES,
    EstimationError,
    LonelyPSU,
    build_stages,
    degrees_of_freedom,
    linearised_variance,
    stages_used,
    variance_of_unit_totals,
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
#: ``True``: R's complete cases over the variables of a call; ``"each"``: per
#: variable; ``False``: keep missing values (a variable with one gives NaN)
NaRm = bool | Literal["each"]
#: ``True``: Kish's design effect against SRS without replacement (R's ``deff = TRUE``);
#: ``"replace"``: against SRS with replacement (R's ``deff = "replace"``)
Deff = bool | Literal["replace"]
#: the largest table of weighted sums (units x domains x variables) of the fast path
_FAST_LIMIT = 40_000_000
_PROPORTION_METHODS = ("logit", "xlogit", "beta", "wilson", "mean", "wald", "likelihood", "asin")
#: R's ``svyquantile(interval.type = )`` choices (Woodruff's, on the scale of the share)
_QUANTILE_INTERVALS = ("mean", "beta", "xlogit", "asin", "score")


def _as_list(names: Names | None) -> list[str]:
    if names is None:
        return []
    return [names] if isinstance(names, str) else list(names)


def _response(y_frame: pd.DataFrame, formula: str) -> np.ndarray:
    """The model's response as one numeric column, coded as R's ``glm`` codes it.

    A numeric response is used as it is. A boolean or two-level categorical
    one (patsy expands it to one indicator per level) is 1 for ``True`` / the
    second of its sorted levels and 0 for ``False`` / the first: R's logical
    ``TRUE`` is a success, and for a factor the first level is failure and
    the other success. Anything that expands to more columns is refused.
    """
    info = y_frame.design_info
    factors = [factor for term in info.terms for factor in term.factors]
    if len(factors) == 1:
        factor_info = info.factor_infos[factors[0]]
        if factor_info.type == "numerical" and y_frame.shape[1] == 1:
            return y_frame.to_numpy(dtype=float)[:, 0]
        two_levels = factor_info.type == "categorical" and len(factor_info.categories) == 2
        if two_levels and y_frame.shape[1] == 2:  # one indicator per level, in their order
            return y_frame.to_numpy(dtype=float)[:, 1]
    name = formula.split("~")[0].strip()
    columns = ", ".join(str(c) for c in y_frame.columns)
    raise EstimationError(
        pl=f"Zmienna objaśniana {name!r} nie jest liczbą, wartością logiczną ani zmienną o "
        f"dwóch kategoriach: rozwija się w kolumny {columns}. Zakoduj ją jako 0/1 (np. "
        "'I(x == \"tak\") ~ ...'), aby było jasne, czego prawdopodobieństwo model opisuje.",
        en=f"The response {name!r} is not a number, a boolean or a two-level category: it "
        f"expands to the columns {columns}. Code it as 0/1 (e.g. 'I(x == \"yes\") ~ ...') so "
        "that it is clear which probability the model describes.",
        value=name,
    )


def _check_response(y: np.ndarray, family: Family, formula: str) -> None:
    """Refuse a response outside the family's range (R's ``glm`` stops too)."""
    name = formula.split("~")[0].strip()
    if family in ("binomial", "quasibinomial") and ((y < 0) | (y > 1)).any():
        raise EstimationError(
            pl=f"Zmienna objaśniana {name!r} rodziny {family} musi leżeć w [0, 1].",
            en=f"The response {name!r} of family {family} must lie in [0, 1].",
            value=name,
        )
    if family in ("poisson", "quasipoisson") and (y < 0).any():
        raise EstimationError(
            pl=f"Zmienna objaśniana {name!r} rodziny {family} nie może być ujemna.",
            en=f"The response {name!r} of family {family} cannot be negative.",
            value=name,
        )


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
        #: the rows an uncalibrated subset keeps (R drops the others); None: every row
        self._mask: np.ndarray | None = None
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

    @property
    def _subsets_matter(self) -> bool:
        """Whether the rows of an estimate's subset change its variance (lonely PSUs).

        R subsets an uncalibrated design to a domain's rows (and to complete
        cases): a stratum outside them does not exist for ``"fail"`` and
        ``"average"``. A calibrated design keeps every row, as R's does.
        """
        if self._steps or self._lonely not in ("fail", "average"):
            return False
        return any(((s.n_units == 1) & (s.f >= 1e-7)).any() for s in self._stages)

    def _variance(
        self, z: np.ndarray | sparse.spmatrix, rows: np.ndarray | sparse.spmatrix | None = None
    ) -> np.ndarray:
        return linearised_variance(
            z,
            self._stages,
            self._has_fpc,
            self._lonely,
            self._steps,
            rows=rows if self._subsets_matter else None,
        )

    @property
    def _n_rows(self) -> int:
        """Rows of the design as R counts them (``nrow(design)``): a subset's own rows."""
        return len(self._w) if self._mask is None else int(self._mask.sum())

    def with_columns(self, columns: pd.DataFrame) -> Design:
        """The same design with extra analysis columns (R: ``update(des, new = ...)``).

        Weights, stages and calibration are shared; only the data frame grows.

        Parameters
        ----------
        columns : DataFrame
            Indexed like :attr:`data`; its names must not be in it already.

        Examples
        --------
        >>> des = Design(pd.DataFrame({"x": [1.0, 2.0, 3.0]}))
        >>> des.with_columns(pd.DataFrame({"y": [1.0, 0.0, 1.0]})).mean(["y"])["estimate"].tolist()
        [0.6666666666666666]
        >>> # R: svymean(~y, update(des, y = c(1, 0, 1)))
        """
        clash = sorted(set(columns.columns) & set(self._data.columns))
        if clash:
            raise EstimationError(
                pl=f"Kolumny {', '.join(clash)} już są w danych.",
                en=f"Columns {', '.join(clash)} are already in the data.",
                column=clash[0],
            )
        new = copy.copy(self)
        new._data = pd.concat([self._data, columns], axis=1)
        return new

    def subset(self, mask: np.ndarray | pd.Series | Sequence[bool]) -> Design:
        """The design restricted to some respondents, for domain models (R's ``subset``).

        The variance still comes from the full design: the other respondents
        get zero weight and every stratum keeps its number of sampled units,
        so estimates and SEs are those of the domain (as ``by=`` gives them).
        As in R, on an uncalibrated design the subset holds only the strata it
        touches (lonely PSUs, degrees of freedom, ``nrow`` for ``ci="beta"``),
        and a calibrated design keeps every row.

        Parameters
        ----------
        mask : boolean array or Series
            Which respondents to keep, one per row (a Series is aligned on the
            data's index); missing values count as False, as R's ``subset``.

        Returns
        -------
        Design
            A new design; weighting it further is possible, but R calibrates
            subsets differently and that is not checked against it.

        Examples
        --------
        >>> df = pd.DataFrame({"y": [1.0, 3, 2, 5, 4, 6], "x": [0.0, 1, 1, 2, 2, 3]})
        >>> df["g"] = list("aabbab")
        >>> des = Design(df)
        >>> des.subset(df["g"] == "a").glm("y ~ x")["estimate"].round(6).tolist()
        [1.166667, 1.5]
        >>> # R: svyglm(y ~ x, design = subset(svydesign(id = ~1, data = df), g == "a"))
        """
        if isinstance(mask, pd.Series):
            keep = mask.reindex(self._data.index)
            keep = keep.fillna(False).to_numpy(dtype=bool)
        else:
            raw = pd.Series(np.asarray(mask, dtype=object).ravel())
            keep = raw.where(raw.notna(), False).to_numpy(dtype=bool)
        if keep.shape != self._w.shape:
            raise EstimationError(
                pl=f"Maska podzbioru ma {keep.size} wartości, a danych jest {len(self._w)} "
                "wierszy.",
                en=f"The subset mask has {keep.size} values but the data has {len(self._w)} rows.",
            )
        new = copy.copy(self)
        new._w = np.where(keep, self._w, 0.0)
        if not self._steps:  # R drops the rows of an uncalibrated design
            new._mask = keep if self._mask is None else keep & self._mask
        return new

    def _derive(self, result: weighting.Weighting) -> Design:
        new = copy.copy(self)
        new._w = result.weights
        new._steps = (*self._steps, result.step)
        return new

    # ---------------------------------------------------------------- columns
    def _numeric(self, names: list[str]) -> np.ndarray:
        """The columns as one float matrix in column-major order (a view when possible)."""
        for name in names:
            if name not in self._data.columns:
                raise EstimationError(
                    pl=f"Brak kolumny '{name}' w danych.",
                    en=f"No column '{name}' in the data.",
                    column=name,
                )
        n = len(self._w)
        if not names:
            return np.zeros((n, 0), order="F")
        if all(self._data[name].dtype == np.float64 for name in names):
            return np.asfortranarray(self._data[names].to_numpy(dtype=float))
        out = np.empty((n, len(names)), order="F")
        for j, name in enumerate(names):
            try:
                out[:, j] = pd.to_numeric(self._data[name]).to_numpy(dtype=float, na_value=np.nan)
            except (TypeError, ValueError) as exc:
                raise EstimationError(
                    pl=f"Kolumna '{name}' nie jest liczbowa: użyj proportion().",
                    en=f"Column '{name}' is not numeric: use proportion().",
                    column=name,
                ) from exc
        return out

    def _domains(self, by: Names | None) -> tuple[np.ndarray, pd.DataFrame]:
        """Domain code per row (-1 outside every domain) and the domain keys."""
        names = _as_list(by)
        n = len(self._w)
        if not names:
            codes = np.zeros(n, dtype=np.intp)
            if self._mask is not None:
                codes[~self._mask] = -1  # rows a subset dropped
            return codes, pd.DataFrame(index=[0])
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
        na_rm: NaRm,
        kind: Literal["mean", "total", "ratio"],
        deff: Deff,
        influence: bool = False,
    ) -> dict[str, np.ndarray]:
        """Estimates, SEs and deffs for every (variable, domain) at once: D x J arrays.

        The general path: influence values row by row (n x J, sparse with
        domains), which calibration steps and design effects need. With
        ``influence`` also ``"z"``, the influence values (n x J*D, column
        ``j * D + d``), and ``"subset"``, the rows behind each column.
        """
        n, j = num.shape
        valid = ~np.isnan(num)
        if den is not None:
            valid &= ~np.isnan(den)
        if na_rm is True:
            # R: complete cases over every variable of the call
            valid = np.broadcast_to(valid.all(axis=1, keepdims=True), valid.shape)
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
        used = valid & inside[:, None]  # the rows of each (variable, domain) subset
        if n_domains == 1:
            z = values
            subset = used
        else:
            rows, cols = np.nonzero(used)
            z = sparse.csc_matrix(
                (values[rows, cols], (rows, cols * n_domains + codes[rows])),
                shape=(n, j * n_domains),
            )
            subset = sparse.csc_matrix(
                (np.ones(len(rows)), (rows, cols * n_domains + codes[rows])),
                shape=(n, j * n_domains),
            )
        variance = self._variance(z, subset).reshape(j, n_domains).T
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
                if deff == "replace":  # R: svyvar / n, without (N - n) / N
                    vsrs = spread_sum * weight_total / (n_obs - 1)
                else:
                    vsrs = spread_sum * (weight_total - n_obs) / (n_obs - 1)
                    if kind == "mean":
                        vsrs = np.where(weight_total < n_obs, np.nan, vsrs)
                out["deff"] = variance / vsrs
        if na_rm is False:
            incomplete = (indicator @ (~valid).astype(float)) > 0
            for key in ("estimate", "se", "deff"):
                out[key] = np.where(incomplete, np.nan, out[key])
        if influence:
            out["z"], out["subset"] = z, subset
        return out

    def _fast_kernel(
        self,
        num: np.ndarray,
        den: np.ndarray | None,
        codes: np.ndarray,
        n_domains: int,
        na_rm: NaRm,
        kind: Literal["mean", "total", "ratio"],
    ) -> dict[str, np.ndarray] | None:
        """Estimates and SEs from weighted sums per (unit, domain): no n x J temporaries.

        For an uncalibrated design the total of the influence values over a
        sampled unit ``u`` in domain ``d`` is ``(A_ud - r_d B_ud) / B_d`` for a
        mean (``A`` the weighted sum of y, ``B`` of the weights, ``r_d`` the
        estimate), ``(A_ud - r_d X_ud) / X_d`` for a ratio and ``A_ud`` for a
        total, so one sparse product per variable over the rows of the last
        stage that counts gives every stage's unit totals. Returns None when
        the table of sums would be too large (then the row-level path runs).
        """
        n, n_vars = num.shape
        stages = self._stages
        last = stages[stages_used(stages, self._has_fpc) - 1]
        n_units = len(last.unit_stratum)
        inside = codes >= 0
        width = n_domains if inside.all() else n_domains + 1  # one cell for "no domain"
        if n_units * width * max(n_vars, 1) > _FAST_LIMIT:
            return None
        index = last.unit * width + np.where(inside, codes, n_domains)
        pointers = np.arange(n + 1)
        counted = inside & (self._w != 0)

        def matrix(weights: np.ndarray) -> sparse.csc_matrix:
            return sparse.csc_matrix((weights, index, pointers), shape=(n_units * width, n))

        def sums(m: sparse.csc_matrix, column: np.ndarray) -> np.ndarray:
            return (m @ column).reshape(n_units, width)[:, :n_domains]

        a = np.empty((n_units, n_domains, n_vars))
        x = np.empty_like(a) if den is not None else None
        b = np.empty_like(a)
        count = np.empty((n_domains, n_vars))
        m = matrix(self._w)
        ones = np.ones(n)
        b[:] = sums(m, ones)[:, :, None]
        # rows per (unit, domain, variable): the units of each subset design (lonely PSUs)
        rows_in = None
        if self._subsets_matter:
            rows_in = np.empty_like(a)
            rows_in[:] = sums(matrix(ones), ones)[:, :, None]
        count[:] = np.bincount(codes[counted], minlength=n_domains)[:, None]
        missing = []
        for j in range(n_vars):
            a[:, :, j] = sums(m, num[:, j])
            bad = not np.isfinite(a[:, :, j]).all()
            if x is not None:
                x[:, :, j] = sums(m, den[:, j])
                bad = bad or not np.isfinite(x[:, :, j]).all()
            if bad:
                missing.append(j)
        incomplete = None
        if missing and na_rm is False:
            incomplete = ~np.isfinite(a.sum(axis=0))
            if x is not None:
                incomplete |= ~np.isfinite(x.sum(axis=0))
        elif missing:
            valid = [~np.isnan(num[:, j]) for j in range(n_vars)]
            if den is not None:
                valid = [v & ~np.isnan(den[:, j]) for j, v in enumerate(valid)]
            if na_rm is True:  # R: complete cases over every variable of the call
                complete = np.logical_and.reduce([valid[j] for j in missing])
                valid = [complete] * n_vars
                redo = range(n_vars)
            else:  # "each"
                redo = missing
            for j in redo:
                m = matrix(np.where(valid[j], self._w, 0.0))
                a[:, :, j] = sums(m, np.where(valid[j], num[:, j], 0.0))
                if x is not None:
                    x[:, :, j] = sums(m, np.where(valid[j], den[:, j], 0.0))
                b[:, :, j] = sums(m, ones)
                count[:, j] = np.bincount(codes[counted & valid[j]], minlength=n_domains)
                if rows_in is not None:
                    rows_in[:, :, j] = sums(matrix(valid[j].astype(float)), ones)
        weight_total = b.sum(axis=0)
        num_total = a.sum(axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            if kind == "total":
                estimate, totals = num_total, a
            elif kind == "mean":
                estimate = num_total / weight_total
                totals = (a - estimate * b) / weight_total
            else:
                den_total = x.sum(axis=0)
                estimate = num_total / den_total
                totals = (a - estimate * x) / den_total
        totals[~np.isfinite(totals)] = 0.0  # a domain with no answers carries no influence
        totals = totals.transpose(0, 2, 1).reshape(n_units, n_vars * n_domains)
        if rows_in is not None:
            rows_in = rows_in.transpose(0, 2, 1).reshape(n_units, n_vars * n_domains)
        del a, b, x

        def up_to(k: int, per_unit: np.ndarray) -> np.ndarray:
            if stages[k] is last:
                return per_unit
            parent = np.empty(n_units, dtype=np.intp)
            parent[last.unit] = stages[k].unit
            up = sparse.csr_matrix(
                (np.ones(n_units), (parent, np.arange(n_units))),
                shape=(len(stages[k].unit_stratum), n_units),
            )
            return up @ per_unit

        def totals_at(k: int) -> np.ndarray:
            return up_to(k, totals)

        def present_at(k: int) -> np.ndarray:
            return up_to(k, rows_in)

        variance = (
            variance_of_unit_totals(
                totals_at,
                n_vars * n_domains,
                stages,
                self._has_fpc,
                self._lonely,
                present_at=None if rows_in is None else present_at,
            )
            .reshape(n_vars, n_domains)
            .T
        )
        out = {
            "estimate": estimate,
            "se": np.where(weight_total > 0, np.sqrt(np.maximum(variance, 0.0)), np.nan),
            "n": count,
            "n_weighted": weight_total,
            "deff": np.full_like(estimate, np.nan),
        }
        if incomplete is not None:
            for key in ("estimate", "se"):
                out[key] = np.where(incomplete, np.nan, out[key])
        return out

    def _kernel(
        self,
        num: np.ndarray,
        den: np.ndarray | None,
        codes: np.ndarray,
        n_domains: int,
        na_rm: NaRm,
        kind: Literal["mean", "total", "ratio"],
        deff: Deff,
    ) -> dict[str, np.ndarray]:
        """The fast path when it applies (no calibration, no deff), else the row-level one."""
        if na_rm not in (True, False, "each"):
            raise EstimationError(
                pl=f"Nieznana wartość na_rm={na_rm!r}; dozwolone: True, False, 'each'.",
                en=f"Unknown na_rm={na_rm!r}; choose True, False or 'each'.",
                value=na_rm,
            )
        if not (isinstance(deff, bool | np.bool_) or deff == "replace"):
            raise EstimationError(
                pl=f"Nieznana wartość deff={deff!r}; dozwolone: True, False, 'replace'.",
                en=f"Unknown deff={deff!r}; choose True, False or 'replace'.",
                value=deff,
            )
        if not (self._steps or deff):
            out = self._fast_kernel(num, den, codes, n_domains, na_rm, kind)
            if out is not None:
                return out
        return self._ratio_kernel(num, den, codes, n_domains, na_rm, kind, deff)

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
        na_rm: NaRm,
        kind: Literal["mean", "total", "ratio"],
        deff: Deff,
        level: float,
    ) -> pd.DataFrame:
        codes, keys = self._domains(by)
        num = self._numeric(num_names)
        den = self._numeric(den_names) if den_names is not None else None
        stats = self._kernel(num, den, codes, len(keys), na_rm, kind, deff)
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
        na_rm: NaRm = True,
        deff: Deff = False,
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
        na_rm : {True, "each", False}
            ``True`` (R's ``na.rm=TRUE``): leave out respondents missing any of
            ``variables`` (complete cases over the call). ``"each"``: leave out
            respondents missing a variable from that variable only (one R call
            per variable). ``False``: a variable with a missing value in a
            domain gives NaN there.
        deff : {False, True, "replace"}
            Kish's design effect against simple random sampling without
            replacement, as R's ``deff=TRUE``; ``"replace"``: against sampling
            with replacement (no finite population correction), R's
            ``deff="replace"``.
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
        >>> df["z"] = [1.0, None, 5.0, 7.0]
        >>> Design(df).mean(["y", "z"])["estimate"].tolist()
        [2.6666666666666665, 4.333333333333333]
        >>> # R: svymean(~y + z, svydesign(id = ~1, data = df), na.rm = TRUE)
        >>> Design(df).mean(["y", "z"], na_rm="each")["estimate"].tolist()
        [2.5, 4.333333333333333]
        >>> # R: svymean(~y, des, na.rm = TRUE); svymean(~z, des, na.rm = TRUE)
        >>> df["w"] = [10.0, 20, 30, 40]
        >>> Design(df, weights="w").mean("y", deff="replace")["deff"].round(6).tolist()
        [0.96]
        >>> # R: svymean(~y, svydesign(id = ~1, weights = ~w, data = df), deff = "replace")
        """
        return self._estimate(_as_list(variables), None, by, na_rm, "mean", deff, level)

    def total(
        self,
        variables: Names,
        by: Names | None = None,
        na_rm: NaRm = True,
        deff: Deff = False,
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
        na_rm: NaRm = True,
        deff: Deff = False,
        level: float = 0.95,
    ) -> pd.DataFrame:
        """Ratios of totals ``sum(w y) / sum(w x)`` for every numerator-denominator pair.

        Parameters
        ----------
        numerator, denominator : str or list of str
            Numeric columns; every pair is estimated (as R's ``svyratio``).
            ``variable`` in the result reads ``"num/den"``.
        by, na_rm, deff, level
            As in :meth:`mean`. With ``na_rm=True`` a respondent missing any
            numerator or denominator is left out of every pair (R's
            ``svyratio(..., na.rm=TRUE)``); with ``"each"`` only out of the
            pairs that use the missing variable.

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
        variable: str | Sequence[str],
        level: Hashable | None = None,
        ci: ProportionCI = "logit",
        by: Names | None = None,
        na_rm: NaRm = True,
        deff: Deff = False,
        conf_level: float = 0.95,
    ) -> pd.DataFrame:
        """Proportion of each category (or of ``level``) of a variable, with a CI.

        Parameters
        ----------
        variable : str or list of str
            Any column; each distinct value is a category. Several columns
            need ``level``: each is estimated as its own ``svyciprop`` call
            (its own missing values), all in one pass over the data.
        level : optional
            The category to report; all categories (sorted) when None. A
            column in which nobody gave ``level`` has proportion 0.
        ci : {"logit", "xlogit", "beta", "wilson", "mean", "wald", "likelihood", "asin"}
            Interval method, see :func:`~diagnosis.estimate.intervals.proportion_interval`;
            ``"likelihood"`` is R's scaled profile likelihood,
            :func:`~diagnosis.estimate.intervals.likelihood_interval`.
            All but ``"wald"`` use Student's t on the design degrees of freedom
            of the (domain) design, as R's ``svyciprop`` (with ``na.rm = TRUE``
            the degrees of freedom and, for ``"beta"``, the number of rows count
            respondents without an answer too, as R's do). ``"wald"`` is the
            normal interval of R's ``svymean(~factor)``: with ``level=None``
            every category, as ``confint(svymean(~v, des))``.
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
        >>> Design(df).proportion("v", ci="wald")["ci_high"].round(6).tolist()
        [0.739991, 1.239991]
        >>> # R: confint(svymean(~v, svydesign(id = ~1, data = df)))
        """
        if ci not in _PROPORTION_METHODS:
            raise EstimationError(
                pl=f"Nieznana metoda przedziału ci={ci!r}; dozwolone: {_PROPORTION_METHODS}.",
                en=f"Unknown interval method ci={ci!r}; choose one of {_PROPORTION_METHODS}.",
                value=ci,
            )
        variables = [variable] if isinstance(variable, str) else list(variable)
        num, names, categories = self._indicators(variables, level)
        if len(variables) > 1:
            na_rm = "each"
        codes, keys = self._domains(by)
        stats = self._kernel(
            np.asfortranarray(num, dtype=float), None, codes, len(keys), na_rm, "mean", deff
        )
        df = degrees_of_freedom(self._stages, self._w, codes)[:, None]
        if self.calibrated:
            rows = np.full(len(keys), float(len(self._w)))
        else:
            rows = np.bincount(codes[codes >= 0], minlength=len(keys)).astype(float)
            if by is None:
                rows = np.array([float(self._n_rows)])
        if ci == "likelihood":
            fit = self._quasibinomial_fit(num, codes, len(keys))
            lo, hi = likelihood_interval(
                stats["estimate"],
                stats["se"],
                df,
                fit["rows"],
                fit["dispersion"],
                conf_level,
                information=fit["information"],
                intercept=fit["intercept"],
                se_intercept=fit["se"],
            )
        else:
            lo, hi = proportion_interval(
                stats["estimate"], stats["se"], df, ci, conf_level, rows[:, None]
            )
        return self._frame(stats, keys, names, categories, lo, hi)

    def _indicators(
        self, variables: list[str], level: Hashable | None
    ) -> tuple[np.ndarray, list[str], list]:
        """0/1 columns of each category (or of ``level``) of ``variables``, NaN where missing.

        Returns the n x K matrix, the variable and the category of each column.
        """
        if len(variables) > 1 and level is None:
            raise EstimationError(
                pl="Dla kilku kolumn naraz podaj kategorię (level), której odsetek liczyć.",
                en="For several columns at once give the category (level) to count.",
            )
        columns, names, categories = [], [], []
        for name in variables:  # a loop over columns, not respondents
            if name not in self._data.columns:
                raise EstimationError(
                    pl=f"Brak kolumny '{name}' w danych.",
                    en=f"No column '{name}' in the data.",
                    column=name,
                )
            values = self._data[name]
            present = sorted(values.dropna().unique().tolist())
            if level is not None and level not in present and len(variables) == 1 and present:
                raise EstimationError(
                    pl=f"Kategorii {level!r} nie ma w kolumnie '{name}'.",
                    en=f"Category {level!r} does not occur in column '{name}'.",
                    column=name,
                    value=level,
                )
            wanted = present if level is None else [level]
            missing = values.isna().to_numpy()
            raw = values.to_numpy(dtype=object, na_value=None)  # pandas NA would not compare
            for c in wanted:
                columns.append(np.where(missing, np.nan, raw == c))
                names.append(name)
                categories.append(c)
        return np.column_stack(columns), names, categories

    def _quasibinomial_fit(
        self, y: np.ndarray, codes: np.ndarray, n_domains: int
    ) -> dict[str, np.ndarray]:
        """R's ``svyglm(y ~ 1, design, family = quasibinomial)`` per domain and column.

        Returns D x J arrays: ``rows`` of the model frame (the domain's
        respondents with an answer; every respondent with an answer in a
        calibrated design, whose subsets keep their rows), the fitted
        ``intercept``, ``information`` (the model-based inverse variance,
        :math:`\\sum W_i \\mu_i(1-\\mu_i)` with the working weights of
        ``glm.fit``'s last iteration, which R's ``naive.cov`` uses) and
        ``dispersion`` (``svyvar`` of the Pearson residuals
        :math:`(y_i - \\mu)/\\sqrt{\\mu(1-\\mu)}` of ``residuals.svyglm``). ``W_i`` are the
        weights scaled to mean 1 over the rows, as ``svyglm`` scales them;
        the iterations are ``glm.fit``'s (start, deviance test at 1e-8), and
        ``se`` is the intercept's sandwich SE from that fit (R's ``SE(<svyglm>)``,
        which the profile steps by).
        """
        n_vars = y.shape[1]
        names = ("rows", "intercept", "information", "dispersion")
        out = {k: np.full((n_domains, n_vars), np.nan) for k in names}
        n = len(self._w)
        z = np.zeros((n, n_vars * n_domains))
        subset = np.zeros((n, n_vars * n_domains))

        def deviance(yy: np.ndarray, mu: np.ndarray, ww: np.ndarray) -> float:
            with np.errstate(divide="ignore", invalid="ignore"):
                a = np.where(yy > 0, yy * np.log(yy / mu), 0.0)
                b = np.where(yy < 1, (1 - yy) * np.log((1 - yy) / (1 - mu)), 0.0)
            return float(2 * (ww * (a + b)).sum())

        for j in range(n_vars):  # a few proportions and domains, each a small glm
            valid = ~np.isnan(y[:, j])
            for d in range(n_domains):
                frame = valid if self._steps else valid & (codes == d)
                w = np.where(codes[frame] == d, self._w[frame], 0.0)
                yy = y[frame, j]
                rows = float(frame.sum())
                total = w.sum()
                if rows < 2 or total <= 0:
                    continue
                big_w = w / (total / rows)
                good = big_w > 0
                yy, big_w, w = yy[good], big_w[good], w[good]
                at = np.flatnonzero(frame)[good]
                mu = (big_w * yy + 0.5) / (big_w + 1)
                eta = np.log(mu / (1 - mu))
                old = deviance(yy, mu, big_w)
                for _ in range(25):  # R's glm.control(): maxit 25, epsilon 1e-8
                    var = mu * (1 - mu)
                    working = big_w * var
                    beta = float((working * (eta + (yy - mu) / var)).sum() / working.sum())
                    information = float(working.sum())
                    eta = np.full(len(yy), beta)
                    mu = 1 / (1 + np.exp(-eta))
                    dev = deviance(yy, mu, big_w)
                    if abs(dev - old) / (abs(dev) + 0.1) < 1e-8:
                        break
                    old = dev
                m0 = float(mu[0])
                # residuals.svyglm: the prior weights divided out again
                pearson = (yy - m0) / np.sqrt(m0 * (1 - m0))
                count = float((w != 0).sum())
                centre = (w * pearson).sum() / total
                spread = (w * (pearson - centre) ** 2).sum() / total
                out["rows"][d, j] = rows
                out["intercept"][d, j] = beta
                out["information"][d, j] = information
                out["dispersion"][d, j] = count / (count - 1) * spread
                # svy.varcoef: scores (y - mu) / var(mu) * working weights, times A^-1
                z[at, j * n_domains + d] = (yy - m0) / (m0 * (1 - m0)) * working / information
                subset[at, j * n_domains + d] = 1.0
        variance = self._variance(z, subset).reshape(n_vars, n_domains).T
        out["se"] = np.where(np.isnan(out["rows"]), np.nan, np.sqrt(np.maximum(variance, 0.0)))
        return out

    def var(
        self,
        variables: Names,
        by: Names | None = None,
        na_rm: NaRm = True,
        covariance: bool = False,
        level: float = 0.95,
    ) -> pd.DataFrame:
        """Population variances (and covariances) of numeric variables, as R's ``svyvar``.

        Parameters
        ----------
        variables : str or list of str
            Numeric columns.
        by : str or list of str, optional
            Domain columns (R: ``svyby(~y, ~g, des, svyvar)``).
        na_rm : {True, "each", False}
            As in :meth:`mean`: ``True`` uses the complete cases over
            ``variables`` (R's ``svyvar(~a + b, des, na.rm = TRUE)``).
        covariance : bool
            Also the covariances: one row per pair of variables, ``variable``
            and ``level`` naming the two (R's matrix ``svyvar(~a + b, des)``,
            read column by column); the variances are the rows whose
            ``level`` equals ``variable``. Without it ``level`` is None.
        level : float
            Confidence level of the normal-quantile interval.

        Returns
        -------
        DataFrame
            The estimate columns of :meth:`mean`; ``deff`` is NaN.

        Notes
        -----
        As R: :math:`\\hat S^2 = \\frac{n}{n-1} \\sum w_i (y_i - \\bar y)^2 / \\sum w_i`,
        the mean of :math:`\\frac{n}{n-1} (y_i - \\bar y)^2` with its design-based
        SE (the mean :math:`\\bar y` held fixed, which changes nothing to first
        order). ``n`` counts the rows of nonzero weight in the design (or domain),
        also those missing the variable, exactly as R's ``svyvar`` counts them.

        Examples
        --------
        >>> df = pd.DataFrame({"y": [1.0, 2, 4, 7], "w": [1.0, 2, 1, 2]})
        >>> Design(df, weights="w").var("y")["estimate"].round(6).tolist()
        [7.740741]
        >>> # R: svyvar(~y, svydesign(id = ~1, weights = ~w, data = df))
        """
        names = _as_list(variables)
        codes, keys = self._domains(by)
        n_domains = len(keys)
        x = self._numeric(names)
        valid = ~np.isnan(x)
        if na_rm is True:
            valid = np.broadcast_to(valid.all(axis=1, keepdims=True), valid.shape)
        inside = codes >= 0
        dom = np.where(inside, codes, 0)
        wv = np.where(valid & inside[:, None], self._w[:, None], 0.0)
        sums = np.zeros((n_domains, len(names)))
        weights = np.zeros_like(sums)
        np.add.at(sums, dom, wv * np.where(valid, x, 0.0))
        np.add.at(weights, dom, wv)
        with np.errstate(divide="ignore", invalid="ignore"):
            means = sums / weights
            if na_rm is False:
                means = np.where(np.isnan(sums), np.nan, means)
            counted = inside & (self._w != 0)  # R: sum(weights(design) != 0)
            n_rows = np.bincount(codes[counted], minlength=n_domains).astype(float)
            scale = (n_rows / (n_rows - 1))[dom]
        dev = x - means[dom]
        pairs = [(j, k) for k in range(len(names)) for j in range(len(names))]
        if not covariance:
            pairs = [(j, j) for j in range(len(names))]
        columns = np.empty((len(self._w), len(pairs)), order="F")
        for c, (j, k) in enumerate(pairs):  # pairs of variables, not rows
            columns[:, c] = dev[:, j] * dev[:, k] * scale
        stats_ = self._kernel(columns, None, codes, n_domains, na_rm, "mean", False)
        lo, hi = normal_interval(stats_["estimate"], stats_["se"], level)
        labels = [names[j] for j, _ in pairs]
        levels = [names[k] for _, k in pairs] if covariance else [None] * len(pairs)
        return self._frame(stats_, keys, labels, levels, lo, hi)

    def estimates(
        self,
        variables: Names,
        kind: Literal["mean", "total", "ratio"] = "mean",
        by: Names | None = None,
        denominator: Names | None = None,
        na_rm: NaRm = True,
        level: float = 0.95,
    ) -> Estimates:
        """Means, totals or ratios with their joint covariance matrix, for contrasts.

        Parameters
        ----------
        variables : str or list of str
            Numeric columns (the numerators of a ratio).
        kind : {"mean", "total", "ratio"}
            What to estimate, as :meth:`mean`, :meth:`total` or :meth:`ratio`.
        by : str or list of str, optional
            Domain columns: the covariance is across domains too (R's
            ``svyby(..., covmat = TRUE)``).
        denominator : str or list of str, optional
            For ``kind="ratio"``: the denominators (every pair, as :meth:`ratio`).
        na_rm, level
            As in :meth:`mean`.

        Returns
        -------
        Estimates
            ``table`` (the frame of :meth:`mean` with a ``label`` column) and
            ``cov``; ``Estimates.contrast()`` gives linear combinations.

        Notes
        -----
        The covariance is that of the totals of the influence values (every
        stage, fpc and calibration step, as R's ``vcov()``); its diagonal is the
        squared SE of :meth:`mean`. With domains the whole design counts, as
        in R's ``svyby(..., covmat = TRUE)``; a lonely PSU is then judged on the
        whole design, not on each domain's strata.

        Examples
        --------
        >>> df = pd.DataFrame({"y": [1.0, 2, 3, 4, 6, 8], "g": list("aabbcc")})
        >>> est = Design(df).estimates("y", by="g")
        >>> est.labels
        ['a', 'b', 'c']
        >>> est.contrast({"c-a": {"c": 1, "a": -1}})["estimate"].tolist()
        [5.5]
        >>> # R: b <- svyby(~y, ~g, des, svymean, covmat = TRUE)
        >>> # R: svycontrast(b, list(`c-a` = c(c = 1, a = -1)))
        """
        if kind not in ("mean", "total", "ratio"):
            raise EstimationError(
                pl=f"Nieznany rodzaj kind={kind!r}; dozwolone: 'mean', 'total', 'ratio'.",
                en=f"Unknown kind={kind!r}; choose 'mean', 'total' or 'ratio'.",
                value=kind,
            )
        nums = _as_list(variables)
        if kind == "ratio":
            if denominator is None:
                raise EstimationError(
                    pl="Dla ilorazu podaj mianownik (denominator=).",
                    en="A ratio needs a denominator (denominator=).",
                )
            pairs = [(a, b) for b in _as_list(denominator) for a in nums]
            nums, dens = [a for a, _ in pairs], [b for _, b in pairs]
            names = [f"{a}/{b}" for a, b in pairs]
        else:
            dens, names = None, nums
        if na_rm not in (True, False, "each"):
            return self.mean(nums, na_rm=na_rm)  # raises the na_rm error
        codes, keys = self._domains(by)
        n_domains = len(keys)
        num = self._numeric(nums)
        den = self._numeric(dens) if dens is not None else None
        out = self._ratio_kernel(num, den, codes, n_domains, na_rm, kind, False, influence=True)
        z = out["z"].toarray() if sparse.issparse(out["z"]) else np.asarray(out["z"])
        rows = None
        if self._subsets_matter and n_domains == 1:
            rows = np.asarray(out["subset"]).any(axis=1)  # R: the complete cases' design
        cov = linearised_variance(
            z, self._stages, self._has_fpc, self._lonely, self._steps, full=True, rows=rows
        )
        flat = out["estimate"].T.reshape(-1)
        cov = np.where(np.isnan(flat)[:, None] | np.isnan(flat)[None, :], np.nan, cov)
        lo, hi = normal_interval(out["estimate"], out["se"], level)
        table = self._frame(out, keys, names, [None] * len(names), lo, hi)
        if by is None:
            labels = list(table["variable"])
        else:
            domain = [
                ".".join(str(v) for v in values)
                for values in table[_as_list(by)].itertuples(index=False)
            ]
            labels = (
                domain
                if len(names) == 1
                else [f"{d}:{v}" for d, v in zip(domain, table["variable"], strict=True)]
            )
        table.insert(0, "label", labels)
        return Estimates(table, pd.DataFrame(cov, index=labels, columns=labels))

    def contrast(
        self,
        contrasts: Contrasts,
        variables: Names,
        kind: Literal["mean", "total", "ratio"] = "mean",
        by: Names | None = None,
        denominator: Names | None = None,
        na_rm: NaRm = True,
        conf_level: float = 0.95,
    ) -> pd.DataFrame:
        """Linear combinations of means, totals or ratios, as R's ``svycontrast``.

        :meth:`estimates` followed by :meth:`Estimates.contrast`.

        Parameters
        ----------
        contrasts : sequence, mapping of label -> coefficient, or mapping of name -> either
            One contrast or several by name, see :func:`~diagnosis.estimate.contrast`;
            labels as in :meth:`estimates` (the variable, or the domain).
        variables, kind, by, denominator, na_rm
            As in :meth:`estimates`.
        conf_level : float
            Confidence level of the normal interval (R's ``confint()``).

        Returns
        -------
        DataFrame
            ``contrast, estimate, se, ci_low, ci_high``.

        Examples
        --------
        >>> df = pd.DataFrame({"a": [1.0, 2, 3, 5], "b": [2.0, 2, 4, 4]})
        >>> Design(df).contrast({"a-b": [1, -1]}, ["a", "b"])[["contrast", "estimate"]]
          contrast  estimate
        0      a-b     -0.25
        >>> # R: svycontrast(svymean(~a + b, des), list(`a-b` = c(1, -1)))
        """
        est = self.estimates(variables, kind, by, denominator, na_rm)
        return est.contrast(contrasts, conf_level)

    def quantile(
        self,
        variables: Names,
        probs: float | Sequence[float] = 0.5,
        by: Names | None = None,
        na_rm: NaRm = True,
        conf_level: float = 0.95,
        qrule: QRule = "math",
        interval_type: Literal["mean", "beta", "xlogit", "asin", "score"] = "mean",
    ) -> pd.DataFrame:
        """Weighted quantiles with Woodruff confidence intervals, as R's ``svyquantile``.

        Parameters
        ----------
        variables : str or list of str
            Numeric columns.
        probs : float or list of float
            Probabilities; ``level`` in the result holds them.
        by : str or list of str, optional
            Domain columns (R: ``svyby(..., svyquantile)``).
        na_rm : {True, "each", False}
            As in :meth:`mean` (``True``: complete cases over ``variables``).
        conf_level : float
            Confidence level.
        qrule : {"math", "school", "shahvaish", "hf1", ..., "hf9"}
            R's ``qrule``: how a quantile is read off the weighted distribution
            (see :mod:`diagnosis.estimate.quantile`); ``"hf7"`` interpolates
            as R's ``quantile()`` default does, ``"math"`` (R's default) is
            the smallest value with a cumulative share of at least ``p``.
        interval_type : {"mean", "beta", "xlogit", "asin", "score"}
            R's ``interval.type``: the interval for the share below the
            quantile before it is mapped back, a t interval (``"mean"``, R's
            default), Korn-Graubard's (``"beta"``), on the logit scale
            (``"xlogit"``) or the arcsine square root scale (``"asin"``), see
            :func:`~diagnosis.estimate.intervals.proportion_interval`; or
            ``"score"``, Francisco and Fuller's test inversion, as R's
            ``survey:::ffullerCI``: the values where the t statistic of the
            share above :math:`\\theta` equals :math:`\\pm t_{df}`, found by R's
            ``uniroot`` (:func:`~diagnosis.estimate.quantile.r_uniroot`), then
            mapped back through ``qrule`` at the *unweighted* share of rows at
            or below them, as R does.

        Returns
        -------
        DataFrame
            The estimate columns; ``deff`` is NaN.

        Notes
        -----
        R's defaults in survey 4.1 (``qrule="math"``, ``interval.type="mean"``):
        the estimate is the smallest value whose weighted cumulative share is
        at least ``p``. The interval (Woodruff) estimates the share
        :math:`\\hat F = \\hat P(y \\le \\hat q)` with its design-based SE, takes
        :math:`\\hat F \\mp t_{df}\\,SE` on the design degrees of freedom and maps
        both limits back through the same rule; a limit outside [0, 1] gives NaN.
        ``se = (ci_high - ci_low) / (2 t_{df})``.

        Examples
        --------
        >>> df = pd.DataFrame({"y": [1.0, 2, 3, 4, 5, 6, 7, 8], "st": list("aabbccdd")})
        >>> Design(df, strata="st").quantile("y", 0.5)[["level", "estimate"]]
          level  estimate
        0   0.5       4.0
        >>> # R: svyquantile(~y, svydesign(id = ~1, strata = ~st, data = df), 0.5)
        >>> Design(df, strata="st").quantile("y", 0.5, qrule="hf7")["estimate"].tolist()
        [4.5]
        >>> # R: svyquantile(~y, des, 0.5, qrule = "hf7")
        """
        p = check_quantile_arguments(qrule, interval_type, _QUANTILE_INTERVALS, probs)
        names = _as_list(variables)
        if na_rm not in (True, False, "each"):
            return self.mean(names, na_rm=na_rm)  # raises the na_rm error
        codes, keys = self._domains(by)
        n_domains = len(keys)
        x_all = self._numeric(names)
        missing = np.isnan(x_all)
        if na_rm is True:
            missing = np.broadcast_to(missing.any(axis=1, keepdims=True), missing.shape)
        t_lo, t_hi = (1 - conf_level) / 2, 1 - (1 - conf_level) / 2
        frames = []
        for j, name in enumerate(names):  # variables, not rows
            x = x_all[:, j]
            valid = (codes >= 0) & ~missing[:, j]
            counted = valid & (self._w != 0)
            sorted_ = SortedDomains.build(x[counted], self._w[counted], codes[counted], n_domains)
            estimate = quantile_rule(sorted_, np.tile(p, (n_domains, 1)), qrule)
            below = np.where(valid[:, None], x[:, None] <= estimate[np.maximum(codes, 0)], np.nan)
            share = self._kernel(
                np.asfortranarray(below), None, codes, n_domains, "each", "mean", False
            )
            df = degrees_of_freedom(self._stages, np.where(valid, self._w, 0.0), codes)
            df = df[:, None]
            if interval_type == "score":
                lo, hi = self._score_limits(x, valid, codes, n_domains, p, df, qrule, conf_level)
            elif interval_type == "mean":
                lo_p = share["estimate"] + share["se"] * stats.t.ppf(t_lo, df)
                hi_p = share["estimate"] + share["se"] * stats.t.ppf(t_hi, df)
            else:
                if self.calibrated:
                    rows = np.full(n_domains, float(self._n_rows))
                else:  # R: nrow() of the domain's design, after na.rm
                    rows = np.bincount(codes[valid], minlength=n_domains).astype(float)
                lo_p, hi_p = proportion_interval(
                    share["estimate"], share["se"], df, interval_type, conf_level, rows[:, None]
                )
            if interval_type != "score":
                with np.errstate(invalid="ignore"):
                    lo_p = np.where(lo_p < 0, np.nan, lo_p)
                    hi_p = np.where(hi_p > 1, np.nan, hi_p)
                lo = quantile_rule(sorted_, lo_p, qrule)
                hi = quantile_rule(sorted_, hi_p, qrule)
            se = (hi - lo) / (2 * stats.t.ppf(t_hi, df))
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
            frames.append(self._frame(result, keys, [name] * len(p), p.tolist(), lo, hi))
        return pd.concat(frames, ignore_index=True)

    def _score_test(
        self,
        x: np.ndarray,
        inside: np.ndarray,
        own: np.ndarray,
        prob: float,
        limit: float,
        theta: float,
    ) -> float:
        """ffullerCI's ``scoretest``: t statistic of the share above ``theta``, less ``limit``."""
        u = np.where(inside, (x > theta) - (1 - prob), np.nan)
        m = self._kernel(np.asfortranarray(u[:, None]), None, own, 1, "each", "mean", False)
        with np.errstate(divide="ignore", invalid="ignore"):
            return float(m["estimate"][0, 0] / m["se"][0, 0]) - limit

    def _score_limits(
        self,
        x: np.ndarray,
        valid: np.ndarray,
        codes: np.ndarray,
        n_domains: int,
        p: np.ndarray,
        df: np.ndarray,
        qrule: QRule,
        conf_level: float,
    ) -> tuple[np.ndarray, np.ndarray]:
        """R's ``survey:::ffullerCI`` in every domain (D x K): the score interval."""
        lo = np.full((n_domains, len(p)), np.nan)
        hi = np.full_like(lo, np.nan)
        half = (1 - conf_level) / 2
        for d in range(n_domains):  # domains and probabilities, each a root search
            inside = valid & (codes == d)
            if self._steps:  # R keeps every row of a calibrated design, NA read as 0
                frame, values = np.ones(len(x), dtype=bool), np.where(valid, x, 0.0)
            else:
                frame, values = inside, x
            # R's weights(design) are 1 / prob = 1 / (1 / w): the share mapped back is an
            # unweighted k / n, which can meet a cumulative weight exactly
            with np.errstate(divide="ignore"):
                r_weights = np.where(inside, 1 / (1 / self._w), 0.0)
            xf, wf = values[frame], r_weights[frame]
            if xf.size < 2 or not (wf > 0).any() or not df[d, 0] > 0:
                continue
            own = np.where(inside, 0, -1)
            iqr = np.percentile(xf, 75) - np.percentile(xf, 25)  # R's IQR(), type 7
            lower, upper = xf.min() + iqr / 100, xf.max() - iqr / 100
            tol = 1 / (100 * np.sqrt(xf.size))
            crit = float(stats.t.isf(half, df[d, 0]))
            for k, prob in enumerate(p):
                args = (x, inside, own, float(prob))
                q_low = r_uniroot(partial(self._score_test, *args, crit), lower, upper, tol)
                q_up = r_uniroot(partial(self._score_test, *args, -crit), lower, upper, tol)
                for out, root in ((lo, q_low), (hi, q_up)):
                    if np.isfinite(root):
                        share = np.array([np.mean(xf <= root)])
                        out[d, k] = rule_one(xf, wf, share, qrule)[0]
        return lo, hi

    def crosstab(self, row: str, col: str, conf_level: float = 0.95) -> Crosstab:
        """Weighted two-way table with Rao-Scott and adjusted Wald tests (R's ``svychisq``).

        Parameters
        ----------
        row, col : str
            Categorical columns; categories are their sorted distinct values.
            Respondents missing either are left out (R's ``na.rm=TRUE``).
        conf_level : float
            Confidence level of the normal-quantile intervals of the cell shares.

        Returns
        -------
        Crosstab
            ``table``: cell shares of the total with SEs (one row per cell,
            ``variable``/``level`` the row category and a column named ``col``)
            and weighted counts; ``tests``: ``"F"`` (Rao-Scott second-order
            F, R's default), ``"Chisq"`` and ``"adjWald"``.

        Notes
        -----
        With cell shares :math:`\\hat p`, their design covariance :math:`V`,
        :math:`C` the interaction contrasts orthogonal to the main effects and
        :math:`D = \\mathrm{diag}(\\hat p)`, the design effect matrix is
        :math:`\\Delta = (C^\\top D^{-1} C / N)^{-1} C^\\top D^{-1} V D^{-1} C`.
        ``F = X^2 / \\mathrm{tr}\\,\\Delta`` on
        :math:`d_0 = (\\mathrm{tr}\\,\\Delta)^2 / \\mathrm{tr}\\,\\Delta^2` and
        :math:`d_0 \\nu` degrees of freedom, :math:`\\nu` = first-stage units
        minus strata. ``V`` comes from the full Taylor core: all stages with
        fpc, and calibration.

        References
        ----------
        Rao, J. N. K. and Scott, A. J. (1984). On chi-squared tests for
        multiway contingency tables with cell proportions estimated from survey
        data. Annals of Statistics 12, 46-60.

        Examples
        --------
        >>> df = pd.DataFrame({"a": list("xxyyxyxy"), "b": list("uvuvuuvv")})
        >>> df["st"] = list("ppppqqqq")
        >>> tab = Design(df, strata="st").crosstab("a", "b")
        >>> tab.tests["statistic"].tolist()
        ['F', 'Chisq', 'adjWald']
        >>> # R: svychisq(~a + b, svydesign(id = ~1, strata = ~st, data = df), statistic = "F")
        """
        codes = []
        levels = []
        for name in (row, col):
            if name not in self._data.columns:
                raise EstimationError(
                    pl=f"Brak kolumny '{name}' w danych.",
                    en=f"No column '{name}' in the data.",
                    column=name,
                )
            c, lv = pd.factorize(self._data[name], sort=True)
            if len(lv) < 2:
                raise EstimationError(
                    pl=f"Kolumna '{name}' ma mniej niż dwie kategorie: nie ma czego testować.",
                    en=f"Column '{name}' has fewer than two categories: nothing to test.",
                    column=name,
                )
            codes.append(c)
            levels.append(list(lv))
        rows, cols = codes
        nr, nc = len(levels[0]), len(levels[1])
        kept = (rows >= 0) & (cols >= 0)
        if self._mask is not None:
            kept &= self._mask
        w = np.where(kept, self._w, 0.0)
        cell = np.where(kept, rows + nr * cols, -1)
        indicators = (cell[:, None] == np.arange(nr * nc)).astype(float)
        first = self._stages[0]

        subset = kept if self._subsets_matter else None  # R: svymean(..., na.rm = TRUE)
        nu = float(len(first.unit_stratum) - first.n_strata)
        if self._mask is not None:  # R: the subset's own units and strata
            in_subset = self._mask.astype(float)
            nu = float(degrees_of_freedom(self._stages, in_subset, np.zeros_like(rows))[0])

        def covariance(z: np.ndarray) -> np.ndarray:
            return linearised_variance(
                z, self._stages, self._has_fpc, self._lonely, self._steps, full=True, rows=subset
            )

        tests = association_tests(
            indicators,
            np.where(kept, rows, -1),
            np.where(kept, cols, -1),
            w,
            covariance,
            self._n_rows,
            nu,
        )
        total = w.sum()
        counts = w @ indicators
        share = counts / total
        v = covariance(np.where(kept[:, None], w[:, None] * (indicators - share) / total, 0.0))
        se = np.sqrt(np.maximum(np.diag(v), 0.0))
        lo, hi = normal_interval(share, se, conf_level)
        n_cell = np.bincount(cell[kept & (self._w != 0)], minlength=nr * nc)

        def grid(a: np.ndarray) -> np.ndarray:
            return np.asarray(a, dtype=float).reshape(nc, nr)

        result = {
            "estimate": grid(share),
            "se": grid(se),
            "n": grid(n_cell),
            "n_weighted": grid(counts),
            "deff": np.full((nc, nr), np.nan),
        }
        keys = pd.DataFrame({col: pd.Series(levels[1], dtype=object)})
        table = self._frame(result, keys, [row] * nr, levels[0], grid(lo), grid(hi))
        return Crosstab(table, tests)

    def glm(
        self,
        formula: str,
        family: Family = "gaussian",
        conf_level: float = 0.95,
    ) -> pd.DataFrame:
        """A design-based GLM with sandwich standard errors, as R's ``svyglm``.

        The coefficient table of :meth:`glm_fit`, which also gives their covariance.

        Parameters
        ----------
        formula : str
            A patsy formula, e.g. ``"api00 ~ ell + meals + C(stype)"``
            (``C(x)``: treatment contrasts on the sorted levels, as R's
            factors). Respondents missing any variable of the model are left
            out (zero weight; R's ``na.action = na.omit``). The response is
            numeric, boolean (``True`` is 1) or has two categories (the second
            of the sorted levels is 1, as R's factor response); one with more
            categories raises :class:`EstimationError`.
        family : {"gaussian", "quasibinomial", "binomial", "poisson", "quasipoisson"}
            Identity, logit (``"binomial"`` gives the coefficients and SEs of
            ``"quasibinomial"``, as R's ``svyglm`` does after warning about
            non-integer successes; the response must lie in [0, 1]) or log
            link (``"poisson"`` and ``"quasipoisson"`` agree too; the response
            must not be negative).
        conf_level : float
            Confidence level.

        Returns
        -------
        DataFrame
            One row per coefficient: ``variable`` is the term, ``estimate``,
            ``se``, ``ci_low``, ``ci_high`` (Student's t on the residual
            degrees of freedom), ``t``, ``df``, ``p_value``, ``n``, ``n_weighted``.

        Notes
        -----
        Residual degrees of freedom as R: ``degf(design) + 1 - p`` for ``p``
        coefficients. See :mod:`diagnosis.estimate.models` for the variance.

        Examples
        --------
        >>> df = pd.DataFrame({"y": [1.0, 3, 2, 5, 4, 6], "x": [0.0, 1, 1, 2, 2, 3]})
        >>> Design(df).glm("y ~ x")["estimate"].round(6).tolist()
        [0.909091, 1.727273]
        >>> # R: svyglm(y ~ x, svydesign(id = ~1, data = df))
        >>> df["ok"] = ["no", "yes", "yes", "no", "yes", "yes"]  # models P(ok == "yes")
        >>> Design(df).glm("ok ~ x", family="quasibinomial")["estimate"].round(6).tolist()
        [-0.56571, 0.91984]
        >>> # R: svyglm(factor(ok) ~ x, des, family = quasibinomial())
        >>> df["count"] = [0.0, 2, 1, 4, 3, 9]
        >>> Design(df).glm("count ~ x", family="poisson")["estimate"].round(6).tolist()
        [-0.812052, 1.015414]
        >>> # R: svyglm(count ~ x, des, family = poisson())
        """
        return self.glm_fit(formula, family, conf_level).table

    def glm_fit(
        self,
        formula: str,
        family: Family = "gaussian",
        conf_level: float = 0.95,
    ) -> GlmFit:
        """:meth:`glm` with the design-based covariance matrix of the coefficients.

        Returns
        -------
        GlmFit
            ``table`` (as :meth:`glm`) and ``cov``, the sandwich covariance
            (R: ``vcov(svyglm(...))``), for contrasts between coefficients.

        Examples
        --------
        >>> df = pd.DataFrame({"y": [1.0, 3, 2, 5, 4, 6], "x": [0.0, 1, 1, 2, 2, 3]})
        >>> fit = Design(df).glm_fit("y ~ x")
        >>> bool(np.allclose(np.sqrt(np.diag(fit.cov)), fit.table["se"]))
        True
        """
        x, y, kept, names = self._model(formula, family)
        n = len(self._w)
        w = np.where(kept, self._w, 0.0)
        scaled = w / w[kept].mean()  # as R: weights / mean(weights)
        beta, mu, working = irls(x, y, scaled, family)
        a_inv = np.linalg.inv(x.T @ (x * working[:, None]))
        scores = x * (scaled * (y - mu))[:, None]
        cov = linearised_variance(
            scores @ a_inv,
            self._stages,
            self._has_fpc,
            self._lonely,
            self._steps,
            full=True,
            rows=kept if self._subsets_matter else None,  # R: design[-nas, ]
        )
        rows = np.zeros(n, dtype=np.intp)
        df = degrees_of_freedom(self._stages, w, rows)[0] + 1 - len(beta)
        return glm_fit_table(names, beta, cov, df, w, conf_level)

    def _model(
        self, formula: str, family: Family
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
        """The model matrix and response of ``formula`` on every row (zeros where not used).

        Returns ``x`` (n x p), ``y`` (n), ``kept`` (the complete cases of the
        model within the design's rows) and the names of the columns of ``x``.
        """
        import patsy  # statsmodels' formula engine

        if family not in FAMILIES:
            raise EstimationError(
                pl=f"Nieznana rodzina family={family!r}; dozwolone: {', '.join(FAMILIES)}.",
                en=f"Unknown family={family!r}; choose one of {', '.join(FAMILIES)}.",
                value=family,
            )
        try:
            y_frame, x_frame = patsy.dmatrices(
                formula, self._data, return_type="dataframe", NA_action="drop"
            )
        except patsy.PatsyError as exc:
            raise EstimationError(
                pl=f"Nie da się odczytać wzoru modelu {formula!r}: {exc}",
                en=f"Cannot read the model formula {formula!r}: {exc}",
                value=formula,
            ) from exc
        kept = np.zeros(len(self._w), dtype=bool)
        positions = self._data.index.get_indexer(x_frame.index)
        kept[positions] = True
        if self._mask is not None:
            kept &= self._mask
        n = len(self._w)
        x = np.zeros((n, x_frame.shape[1]))
        x[positions] = x_frame.to_numpy(dtype=float)
        y = np.zeros(n)
        y[positions] = _response(y_frame, formula)
        _check_response(y[kept], family, formula)
        return x, y, kept, list(x_frame.columns)

    def compare(
        self,
        variables: Names,
        by: str,
        kind: Literal["mean", "proportion"] = "mean",
        against: Literal["pairs", "rest", "reference"] = "pairs",
        reference: Hashable | None = None,
        level: Hashable | None = None,
        conf_level: float = 0.95,
    ) -> DomainComparison:
        """Differences between domains with SEs, t tests, a Wald F test and effect sizes.

        The same as :func:`~diagnosis.estimate.compare.compare_domains` with
        this design; see there for the parameters, the output and the formulas.

        Examples
        --------
        >>> df = pd.DataFrame({"y": [1.0, 2, 3, 4, 6, 8], "g": list("aabbcc")})
        >>> Design(df).compare("y", by="g", against="rest").differences["estimate"].tolist()
        [-3.75, -0.75, 4.5]
        >>> # R: svyby(~y, ~I(g == "a"), des, svymean, covmat = TRUE); svycontrast(...)
        >>> # R: svyttest(y ~ I(g == "a"), des)
        """
        return compare_domains(self, variables, by, kind, against, reference, level, conf_level)

    def replicate(
        self,
        type: ReplicateType = "JK1",
        replicates: int = 50,
        fay_rho: float = 0.0,
        mse: bool = False,
        hadamard: np.ndarray | None = None,
        random_state: int | np.random.Generator | None = None,
    ) -> ReplicateDesign:
        """A replicate-weight design built from this one, as R's ``as.svrepdesign``.

        Parameters
        ----------
        type : {"JK1", "JKn", "bootstrap", "BRR", "Fay"}
            Jackknife dropping one PSU (unstratified designs), jackknife within
            strata, Rao-Wu bootstrap (``replicates`` of them, numpy's random
            numbers, not R's), balanced repeated replication or Fay's version
            (``fay_rho``); BRR and Fay need two PSUs per stratum and use R's
            ``hadamard()`` (Sylvester's matrices; give ``hadamard=`` where R
            would build another). See
            :func:`~diagnosis.estimate.replicate.replicate_weights`.
        mse : bool
            R's ``mse``: centre the replicates on the full-sample estimate.

        Returns
        -------
        ReplicateDesign
            Factors times this design's weights (R's ``combined.weights = FALSE``);
            the first-stage fpc goes into ``scale``/``rscales`` as in R. Weighting
            steps are not repeated in the replicates (R's ``as.svrepdesign``
            keeps the weights as they are).

        Examples
        --------
        >>> df = pd.DataFrame({"y": [1.0, 2, 4, 7], "psu": [1, 2, 3, 4]})
        >>> rd = Design(df, clusters="psu").replicate("JK1")
        >>> rd.mean("y")[["estimate", "se"]].round(6).values.tolist()
        [[3.5, 1.322876]]
        >>> # R: as.svrepdesign(svydesign(id = ~psu, data = df), type = "JK1")
        """
        factors, scale, rscales = replicate_weights(
            self, type, replicates, fay_rho, hadamard, random_state
        )
        kind: ReplicateType = type
        if type in ("BRR", "Fay"):  # R: type "Fay" exactly when fay.rho is not 0
            kind = "Fay" if fay_rho != 0 else "BRR"
        with np.errstate(divide="ignore"):
            pweights = 1 / (1 / self._w)  # R: 1 / design$prob, to the last bit
        design = ReplicateDesign(
            self._data,
            factors,
            kind,
            weights=pweights,
            combined_weights=False,
            scale=scale,
            rscales=rscales,
            rho=fay_rho if kind == "Fay" else None,
            mse=mse,
        )
        return design

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
        margins: Mapping[str | tuple[str, ...], Mapping[Hashable, float] | pd.Series],
        tol: float = 1e-12,
        max_iter: int = 1000,
    ) -> Design:
        """A new design raked to population margins; SEs reflect it as R's ``rake``.

        Parameters
        ----------
        margins : mapping
            Column -> population count per category, e.g.
            ``{"age_band": s1, "sex": s2}``; a tuple of columns is one crossed
            margin counted by tuples of categories, e.g.
            ``{("town", "age_group"): s1, "sex": s2}`` (R: ``list(~town + age_group, ~sex)``).
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
        calfun: weighting.CalFun = "linear",
        bounds: tuple[float, float] = (-np.inf, np.inf),
        epsilon: float = 1e-7,
        max_iter: int = 50,
    ) -> Design:
        """A new design calibrated to population totals (R's ``calibrate``).

        Parameters
        ----------
        totals : mapping
            Column -> population total (numeric) or category -> count
            (categorical, a full set of indicators). Collinear controls are
            allowed if their totals agree.
        intercept : float, optional
            Population size, as a column of ones.
        calfun : {"linear", "raking", "logit"}
            The distance: linear (GREG, the default), raking (``g = exp(u)``)
            or logit (``g`` between finite ``bounds``), as R's ``calfun``.
        bounds : (float, float)
            Bounds on ``g``, the ratio of new to old weights (R's ``bounds``).
        epsilon, max_iter
            R's convergence test and number of Newton steps, see
            :func:`diagnosis.weight.calibrate`.

        Examples
        --------
        >>> df = pd.DataFrame({"y": [1.0, 2, 3, 4], "x": [1.0, 2, 3, 5], "g": list("aabb")})
        >>> cal = Design(df).calibrate({"g": {"a": 20, "b": 20}, "x": 100.0})
        >>> round(float(cal.total("x")["estimate"].iloc[0]), 9)
        100.0
        >>> # R: calibrate(des, ~g + x, c(`(Intercept)` = 40, gb = 20, x = 100))
        >>> rk = Design(df).calibrate({"g": {"a": 20, "b": 20}, "x": 100.0}, calfun="raking")
        >>> round(float(rk.total("x")["estimate"].iloc[0]), 6)
        100.0
        >>> # R: calibrate(des, ~g + x, c(`(Intercept)` = 40, gb = 20, x = 100), calfun = "raking")
        """
        return self._derive(
            weighting.calibrate(
                self._w, self._data, totals, intercept, calfun, bounds, epsilon, max_iter
            )
        )

    def trim(self, upper: float = np.inf, lower: float = -np.inf, strict: bool = False) -> Design:
        """A new design with its weights trimmed, as R's ``trimWeights``.

        Weights above ``upper`` (below ``lower``) are set to it and what was
        cut off is shared equally by the weights that were within the bounds,
        so the total stays; ``strict`` repeats this until every weight is
        within them. Any weighting steps stay as they were (R keeps the
        design's calibration), so SEs treat the trimmed weights as fixed.

        Examples
        --------
        >>> df = pd.DataFrame({"y": [1.0, 2, 3, 4], "w": [1.0, 2, 3, 9]})
        >>> Design(df, weights="w").trim(upper=6, strict=True).weights
        array([2., 3., 4., 6.])
        >>> # R: trimWeights(svydesign(id = ~1, weights = ~w, data = df), upper = 6, strict = TRUE)
        """
        new = copy.copy(self)
        new._w = weighting.trim_weights(
            self._w, lower, upper, spread="equal", strict=strict, max_iter=1000
        )
        return new
