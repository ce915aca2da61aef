"""Differences between domains: means or proportions, with design-based tests.

One function, :func:`compare_domains` (also :meth:`Design.compare`), compares
the domains of one column (districts, age bands) on many variables at once:
each pair of domains, each domain against the rest of the sample, or each
domain against a reference domain, and tests that all domains are equal.

Notes
-----
For a variable :math:`y` and domains :math:`k = 1..D`, the domain totals
:math:`T_k = \\sum_{i \\in k} w_i y_i` and weighted counts
:math:`N_k = \\sum_{i \\in k} w_i` (respondents with an answer) get their joint
design covariance :math:`\\Sigma` (2D x 2D) from the Taylor core, with every
stage, fpc and calibration step, as R's ``svyby(..., covmat = TRUE)``. A group
is a domain or the rest of the sample (all other domains); its mean
:math:`\\bar y_g = T_g / N_g` has gradient :math:`(1/N_g, -\\bar y_g/N_g)` in
its totals, so a difference :math:`\\bar y_a - \\bar y_b` has variance
:math:`g^\\top \\Sigma g` (R: ``svycontrast``). This is the same number as
the difference of two domain estimates computed from the full design, never
by subsetting.

* ``t = difference / se`` and the CI ``difference -/+ t_{df} se`` on design
  degrees of freedom: for pairs and a reference, the residual df of the
  one-way model ``svyglm(y ~ by)``, ``degf + 1 - D``; for a domain against the
  rest, those of ``svyttest(y ~ I(by == d))``, ``degf - 1``. ``degf`` counts
  first-stage units minus strata among respondents with an answer and a domain.
* The overall test is the Wald F test of the one-way model,
  ``regTermTest(svyglm(y ~ by), ~by)``: :math:`F = c^\\top (C V C^\\top)^{-1} c / (D-1)`
  on ``D - 1`` and ``degf + 1 - D`` degrees of freedom, with :math:`c` the
  differences from the first domain. With two domains ``F = t^2`` of
  ``svyttest``. For proportions this is the test of the linear-probability
  model; :meth:`Design.crosstab` gives Rao-Scott's test of the same table.
* Cohen's d (means): ``difference / s_p`` with the pooled within-group SD
  :math:`s_p^2 = (N_a s_a^2 + N_b s_b^2) / (N_a + N_b)` and
  :math:`s_g^2 = \\frac{n_g}{n_g - 1} \\sum_{i \\in g} w_i (y_i - \\bar y_g)^2 / N_g`
  (R's ``svyvar`` in the group; ``n_g`` respondents, ``N_g`` their weights).
* Cohen's h (proportions): :math:`h = 2 \\arcsin \\sqrt{p_a} - 2 \\arcsin \\sqrt{p_b}`.

References
----------
Cohen, J. (1988). Statistical Power Analysis for the Behavioral Sciences,
2nd ed., sections 2.2 (d) and 6.2 (h).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd
from scipy import stats

from .taylor import EstimationError, linearised_variance

if TYPE_CHECKING:
    from .design import Design

__all__ = ["DIFFERENCE_COLUMNS", "TEST_COLUMNS", "DomainComparison", "compare_domains"]

Kind = Literal["mean", "proportion"]
Against = Literal["pairs", "rest", "reference"]

#: the columns of :attr:`DomainComparison.differences`
DIFFERENCE_COLUMNS = [
    "variable",
    "level",
    "by",
    "comparison",
    "domain",
    "versus",
    "estimate",
    "se",
    "ci_low",
    "ci_high",
    "t",
    "df",
    "p_value",
    "effect_size",
    "effect_measure",
    "estimate_domain",
    "estimate_versus",
    "n_domain",
    "n_versus",
]
#: the columns of :attr:`DomainComparison.tests`
TEST_COLUMNS = ["variable", "level", "by", "statistic", "value", "ndf", "ddf", "p_value"]

#: the largest dense matrix of influence values (rows x columns) built at once
_CHUNK_CELLS = 20_000_000


@dataclass(frozen=True)
class DomainComparison:
    """Differences between domains and the test that all domains are equal.

    Attributes
    ----------
    differences : DataFrame
        One row per variable and comparison, columns :data:`DIFFERENCE_COLUMNS`:
        ``comparison`` is ``"pair"``, ``"rest"`` or ``"reference"``;
        ``estimate`` is ``estimate_domain - estimate_versus`` (``versus`` is
        the other domain, or None for the rest of the sample); ``se`` its
        design-based standard error; ``ci_low, ci_high, t, df, p_value`` on
        the design df; ``effect_size`` Cohen's d (``effect_measure="cohen_d"``)
        or h (``"cohen_h"``); ``n_domain, n_versus`` respondents with an answer.
        ``level`` is the category counted by a proportion (None for means).
    tests : DataFrame
        One row per variable, columns :data:`TEST_COLUMNS`: ``statistic`` is
        ``"F"``, ``value`` the Wald F, ``ndf = D - 1``, ``ddf = degf + 1 - D``.
    """

    differences: pd.DataFrame
    tests: pd.DataFrame


def _indicator(values: pd.Series, level: Hashable | None, name: str) -> np.ndarray:
    """A proportion's 0/1 column: ``values == level``, or a 0/1 column as it is."""
    missing = values.isna().to_numpy()
    if level is not None:
        raw = values.to_numpy(dtype=object, na_value=None)
        return np.where(missing, np.nan, raw == level).astype(float)
    try:
        x = pd.to_numeric(values).to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError):
        x = np.array([0.5])
    if not np.isin(x[~np.isnan(x)], (0.0, 1.0)).all():
        raise EstimationError(
            pl=f"Kolumna '{name}' nie jest zmienną 0/1: podaj level= (kategorię, której "
            "odsetek porównać).",
            en=f"Column '{name}' is not a 0/1 variable: give level= (the category whose "
            "share to compare).",
            column=name,
        )
    return x


def _groups(n_domains: int, against: Against, ref: int | None) -> tuple[np.ndarray, ...]:
    """Group matrix (G x D: domains, then the rest of each) and the compared pairs."""
    eye = np.eye(n_domains)
    if against == "rest":
        groups = np.vstack([eye, 1.0 - eye])
        first = np.arange(n_domains)
        second = first + n_domains
    else:
        groups = eye
        if against == "reference":
            first = np.array([k for k in range(n_domains) if k != ref], dtype=np.intp)
            second = np.full(len(first), ref, dtype=np.intp)
        else:
            first, second = np.triu_indices(n_domains, k=1)
    return groups, first, second


def compare_domains(
    design: Design,
    variables: str | Sequence[str],
    by: str,
    kind: Kind = "mean",
    against: Against = "pairs",
    reference: Hashable | None = None,
    level: Hashable | None = None,
    conf_level: float = 0.95,
) -> DomainComparison:
    """Differences of domain means or proportions, their SEs, tests and effect sizes.

    Parameters
    ----------
    design : Design
        The (possibly calibrated) design.
    variables : str or list of str
        Numeric columns (``kind="mean"``), or columns whose share of
        ``level`` is compared (``kind="proportion"``; without ``level`` they
        must be 0/1). Each is handled with its own missing values (R's
        ``na.rm=TRUE`` one variable at a time).
    by : str
        The domain column; respondents without a value are in no domain.
    kind : {"mean", "proportion"}
        Compare means (Cohen's d) or proportions (Cohen's h).
    against : {"pairs", "rest", "reference"}
        Every pair of domains (``domain`` sorts before ``versus``), each
        domain against all other respondents, or each domain against
        ``reference``. Giving ``reference`` implies ``"reference"``.
    reference : optional
        The reference domain (a value of ``by``).
    level : optional
        For proportions: the category counted, e.g. ``"1"`` or ``"yes"``.
    conf_level : float
        Confidence level of the t intervals.

    Returns
    -------
    DomainComparison
        ``differences`` (:data:`DIFFERENCE_COLUMNS`) and ``tests``
        (:data:`TEST_COLUMNS`); see the module notes for every formula.

    Raises
    ------
    EstimationError
        When a column is missing, ``by`` has fewer than two domains, the
        reference is not a domain, or a proportion's column is not 0/1
        without ``level``.

    Examples
    --------
    >>> from diagnosis.estimate import Design
    >>> df = pd.DataFrame({"y": [1.0, 2, 3, 4, 6, 8], "g": list("aabbcc")})
    >>> out = compare_domains(Design(df), "y", by="g")
    >>> out.differences[["domain", "versus", "estimate"]]
      domain versus  estimate
    0      a      b      -2.0
    1      a      c      -5.5
    2      b      c      -3.5
    >>> # R: b <- svyby(~y, ~g, des, svymean, covmat = TRUE)
    >>> #    svycontrast(b, list(ab = c(1, -1, 0), ac = c(1, 0, -1), bc = c(0, 1, -1)))
    >>> #    regTermTest(svyglm(y ~ g, des), ~g)
    """
    names = [variables] if isinstance(variables, str) else list(variables)
    if kind not in ("mean", "proportion"):
        raise EstimationError(
            pl=f"Nieznane kind={kind!r}; dozwolone: 'mean', 'proportion'.",
            en=f"Unknown kind={kind!r}; choose 'mean' or 'proportion'.",
            value=kind,
        )
    if reference is not None:
        against = "reference"
    if against not in ("pairs", "rest", "reference"):
        raise EstimationError(
            pl=f"Nieznane against={against!r}; dozwolone: 'pairs', 'rest', 'reference'.",
            en=f"Unknown against={against!r}; choose 'pairs', 'rest' or 'reference'.",
            value=against,
        )
    codes, keys = design._domains(by)
    domains = keys[by].tolist()
    n_domains = len(domains)
    if n_domains < 2:
        raise EstimationError(
            pl=f"Kolumna '{by}' ma mniej niż dwie grupy: nie ma czego porównać.",
            en=f"Column '{by}' has fewer than two groups: nothing to compare.",
            column=by,
        )
    ref = None
    if against == "reference":
        if reference not in domains:
            raise EstimationError(
                pl=f"Grupy odniesienia {reference!r} nie ma w kolumnie '{by}'; są: {domains}.",
                en=f"The reference {reference!r} is not a group of '{by}'; groups: {domains}.",
                column=by,
                value=reference,
            )
        ref = domains.index(reference)
    if kind == "mean":
        y = design._numeric(names)
    else:
        for name in names:
            if name not in design.data.columns:
                design._numeric([name])  # raises the missing-column error
        y = np.column_stack([_indicator(design.data[c], level, c) for c in names])
    w = design.weights
    n_rows, n_vars = y.shape
    inside = codes >= 0
    onehot = np.zeros((n_rows, n_domains))
    onehot[np.flatnonzero(inside), codes[inside]] = 1.0
    valid = ~np.isnan(y) & inside[:, None] & (w != 0)[:, None]
    wv = np.where(valid, w[:, None], 0.0)
    y0 = np.where(valid, y, 0.0)

    # domain totals T (J x D), weighted counts N, respondents n, within sums of squares
    total = (wv * y0).T @ onehot
    count = wv.T @ onehot
    size = valid.T.astype(float) @ onehot
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = total / count
    centred = y0 - np.where(valid, onehot @ np.nan_to_num(mean).T, 0.0)
    squares = (wv * centred**2).T @ onehot

    # joint covariance of (T_1..T_D, N_1..N_D) per variable, a few variables at a time
    cov = np.empty((n_vars, 2 * n_domains, 2 * n_domains))
    step = max(1, _CHUNK_CELLS // max(1, n_rows * 2 * n_domains))
    # with a lonely PSU the subset matters: R's svyglm(v ~ 0 + by) keeps v's answers only
    subsets = design._subsets_matter
    if subsets:
        step = 1
    for start in range(0, n_vars, step):  # chunks of variables, not rows or domains
        cols = slice(start, min(start + step, n_vars))
        k = cols.stop - cols.start
        z = (
            np.concatenate(
                [(wv[:, cols] * y0[:, cols])[:, :, None], wv[:, cols][:, :, None]], axis=2
            )[:, :, :, None]
            * onehot[:, None, None, :]
        )
        full = linearised_variance(
            z.reshape(n_rows, k * 2 * n_domains),
            design._stages,
            design._has_fpc,
            design._lonely,
            design._steps,
            full=True,
            rows=valid[:, start] if subsets else None,
        ).reshape(k, 2 * n_domains, k, 2 * n_domains)
        cov[cols] = full[np.arange(k), :, np.arange(k), :]

    groups, first, second = _groups(n_domains, against, ref)
    g_total, g_count = total @ groups.T, count @ groups.T
    g_size = size @ groups.T
    with np.errstate(divide="ignore", invalid="ignore"):
        g_mean = g_total / g_count
        # within-group sum of squares: domains' own plus their spread around the group mean
        spread = count[:, None, :] * (np.nan_to_num(mean)[:, None, :] - g_mean[:, :, None]) ** 2
        g_squares = (groups[None] * (squares[:, None, :] + np.nan_to_num(spread))).sum(axis=2)
        g_var = g_size / (g_size - 1) * g_squares / g_count
        # gradient of each group mean in (T, N): J x G x 2D
        grad = np.concatenate(
            [
                groups[None] / g_count[:, :, None],
                -groups[None] * (g_mean / g_count)[:, :, None],
            ],
            axis=2,
        )
    contrast = grad[:, first] - grad[:, second]  # J x P x 2D
    difference = g_mean[:, first] - g_mean[:, second]
    variance = np.einsum("jpa,jab,jpb->jp", contrast, cov, contrast)
    se = np.sqrt(np.maximum(variance, 0.0))

    degf = _degf(design, valid, codes)
    df = degf - 1 if against == "rest" else degf + 1 - n_domains
    df_p = np.repeat(df[:, None], len(first), axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = difference / se
        quantile = stats.t.ppf(1 - (1 - conf_level) / 2, df_p)
        if kind == "mean":
            pooled = (
                g_count[:, first] * g_var[:, first] + g_count[:, second] * g_var[:, second]
            ) / (g_count[:, first] + g_count[:, second])
            effect = difference / np.sqrt(pooled)
        else:
            arc = 2 * np.arcsin(np.sqrt(np.clip(g_mean, 0.0, 1.0)))
            effect = arc[:, first] - arc[:, second]

    labels = np.array(domains + [None] * (len(groups) - n_domains), dtype=object)
    comparison = {"pairs": "pair", "rest": "rest", "reference": "reference"}[against]
    n_pairs = len(first)
    differences = pd.DataFrame(
        {
            "variable": np.repeat(names, n_pairs),
            "level": pd.Series([level] * (n_vars * n_pairs), dtype=object),
            "by": by,
            "comparison": comparison,
            "domain": np.tile(labels[first], n_vars),
            "versus": np.tile(labels[second], n_vars),
            "estimate": difference.reshape(-1),
            "se": se.reshape(-1),
            "ci_low": (difference - quantile * se).reshape(-1),
            "ci_high": (difference + quantile * se).reshape(-1),
            "t": t.reshape(-1),
            "df": df_p.reshape(-1),
            "p_value": (2 * stats.t.sf(np.abs(t), df_p)).reshape(-1),
            "effect_size": effect.reshape(-1),
            "effect_measure": "cohen_d" if kind == "mean" else "cohen_h",
            "estimate_domain": g_mean[:, first].reshape(-1),
            "estimate_versus": g_mean[:, second].reshape(-1),
            "n_domain": g_size[:, first].reshape(-1).astype(np.int64),
            "n_versus": g_size[:, second].reshape(-1).astype(np.int64),
        }
    )
    tests = _wald(names, level, by, mean, cov, count, degf + 1 - n_domains)
    return DomainComparison(differences[DIFFERENCE_COLUMNS], tests)


def _degf(design: Design, valid: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Per variable: first-stage units minus strata among respondents with an answer."""
    first = design._stages[0]
    n_units = len(first.unit_stratum)
    unit = first.unit
    stratum = first.unit_stratum[unit]
    used_units = np.zeros((valid.shape[1], n_units), dtype=bool)
    used_strata = np.zeros((valid.shape[1], first.n_strata), dtype=bool)
    rows, cols = np.nonzero(valid & (codes >= 0)[:, None])
    used_units[cols, unit[rows]] = True
    used_strata[cols, stratum[rows]] = True
    return (used_units.sum(axis=1) - used_strata.sum(axis=1)).astype(float)


def _wald(
    names: list[str],
    level: Hashable | None,
    by: str,
    mean: np.ndarray,
    cov: np.ndarray,
    count: np.ndarray,
    ddf: np.ndarray,
) -> pd.DataFrame:
    """Wald F test that every domain mean is equal (R: ``regTermTest(svyglm(y ~ by), ~by)``).

    A variable whose contrast covariance is singular gets NaN (no test).
    """
    n_vars, n_domains = mean.shape
    eye = np.eye(n_domains)
    with np.errstate(divide="ignore", invalid="ignore"):
        grad = np.concatenate(
            [eye[None] / count[:, :, None], -eye[None] * (mean / count)[:, :, None]], axis=2
        )
        contrast = grad[:, 1:] - grad[:, :1]  # J x (D-1) x 2D
        c = mean[:, 1:] - mean[:, :1]
        v = np.einsum("jpa,jab,jqb->jpq", contrast, cov, contrast)
    value = np.full(n_vars, np.nan)
    ok = np.isfinite(c).all(axis=1) & np.isfinite(v).all(axis=(1, 2))
    if ok.any():
        # a singular covariance (e.g. a domain where nobody has the attribute: no variance)
        # has no Wald test; R's regTermTest fails there too. Such a variable gets NaN.
        cond = np.full(n_vars, np.inf)
        cond[ok] = np.linalg.cond(v[ok])
        ok &= cond < 1e12
        solved = np.linalg.solve(v[ok], c[ok][:, :, None])[:, :, 0]
        value[ok] = (c[ok] * solved).sum(axis=1) / (n_domains - 1)
    ndf = float(n_domains - 1)
    return pd.DataFrame(
        {
            "variable": names,
            "level": pd.Series([level] * n_vars, dtype=object),
            "by": by,
            "statistic": "F",
            "value": value,
            "ndf": ndf,
            "ddf": ddf,
            "p_value": stats.f.sf(value, ndf, ddf),
        }
    )[TEST_COLUMNS]
