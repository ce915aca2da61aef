"""Group differences worth reporting: the published pair, tested on the design.

For every indicator and every grouping (age band, sex, district) the report
names two groups: the highest and the lowest of the groups that disclosure
control publishes. What is tested is exactly that pair, nothing else: a group
hidden by disclosure control is never named, never picked as an extreme and
never enters the test.

* **Wald t test** (the usual case). The two groups' estimates are domain
  estimates on the full design with their joint covariance (R:
  ``svyby(~y, ~g, des, svymean, covmat = TRUE)``); their difference and its
  standard error are a contrast of them (R: ``svycontrast``); ``t = difference
  / se`` on the residual degrees of freedom of the two-group model, design df
  of the pair's respondents minus 1, which is R's
  ``svyttest(y ~ I(g == high), subset(des, g %in% c(high, low)))``.
* **Rao-Scott F test** (a share of exactly 0% or 100% in either group). Such a
  group has no variance, so the Wald test would rest on the other group alone
  and overstate the evidence. Its place is taken by the design-based score
  test of the 2 x 2 table (pair x answer): Pearson's X^2, which is computed
  under the null hypothesis of one common share, divided by the design effect
  with Rao and Scott's second-order correction (R: ``svychisq(~y + pair, des,
  statistic = "F")`` with ``pair`` the two groups and missing elsewhere).
  ``F = t^2`` has no sign: the direction is that of the published estimates.

The p-values of all tests made (one per indicator x grouping with two
published groups of different estimates) are adjusted together with Holm's
method (statsmodels ``multipletests``, R's ``p.adjust(p, "holm")``); a
difference is reported when the adjusted p-value is below ``alpha``. Effect
sizes are those of the same pair: Cohen's h for shares, d for means (pooled
within the two groups).

References
----------
Rao, J. N. K. and Scott, A. J. (1984). On chi-squared tests for multiway
contingency tables with cell proportions estimated from survey data. Annals of
Statistics 12, 46-60. Holm, S. (1979). A simple sequentially rejective
multiple test procedure. Scandinavian Journal of Statistics 6, 65-70.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from ..estimate import Design, adjust_pvalues, compare_domains
from .indicators import Indicator

__all__ = ["DIFFERENCE_COLUMNS", "TESTS", "group_differences"]

#: the columns of :func:`group_differences`
DIFFERENCE_COLUMNS = [
    "indicator", "kind", "group", "F", "p_value", "p_holm", "significant", "high_level",
    "high_estimate", "low_level", "low_estimate", "difference", "effect_size", "effect_measure",
    "test", "statistic", "df", "ddf", "se", "high_n", "low_n",
]  # fmt: skip

#: ``test`` code -> (pl, en): how the published pair was tested
TESTS = {
    "wald": (
        "test t Walda różnicy dwóch grup (z uwzględnieniem wag)",
        "design-based Wald t test of the two groups' difference",
    ),
    "rao_scott": (
        "test F Rao-Scotta tabeli 2 x 2 (grupa o odsetku 0% lub 100%)",
        "Rao-Scott F test of the 2 x 2 table (a group at 0% or 100%)",
    ),
}

#: a share this close to 0 or 1 is at the boundary (no variance of its own)
_BOUNDARY = 1e-12


def group_differences(
    design: Design,
    indicators: Sequence[Indicator],
    table: pd.DataFrame,
    groups: Sequence[str] = ("age_band", "sex", "district"),
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Test the published highest and lowest group of every indicator; Holm-adjust.

    Parameters
    ----------
    design : Design
        The weighted design holding the indicator columns.
    indicators : sequence of Indicator
    table : DataFrame
        The suppressed indicator table (``indicator, group, group_level,
        estimate, n, suppressed``): only its published group rows are named
        and tested.
    groups : sequence of str
    alpha : float
        Family-wise error rate for Holm's method.

    Returns
    -------
    DataFrame
        Columns :data:`DIFFERENCE_COLUMNS`, one row per indicator x grouping,
        the significant ones first (smallest adjusted p first):

        * ``high_level, high_estimate, low_level, low_estimate`` the published
          extremes and ``high_n, low_n`` their respondents (the table's
          ``n``); ``difference = high_estimate - low_estimate``;
        * ``test``: ``"wald"`` or ``"rao_scott"`` (:data:`TESTS`), empty when
          nothing was tested (fewer than two published groups, or equal
          estimates); ``statistic`` the Wald t (``high - low``) or the
          Rao-Scott F; ``F`` the statistic on the F scale (``t^2`` or F);
          ``df`` the numerator df (1 for Wald, Rao-Scott's ``d0``), ``ddf``
          the denominator df; ``se`` the design SE of the difference;
        * ``p_value`` the pair test's p, ``p_holm`` Holm-adjusted over the
          tests made (NaN where no test), ``significant`` ``p_holm < alpha``;
        * ``effect_size`` ``|h|`` or ``|d|`` of the pair, ``effect_measure``
          ``"cohen_h"`` or ``"cohen_d"``.

    Examples
    --------
    >>> from diagnosis.estimate import Design
    >>> from diagnosis.evidence.indicators import Indicator
    >>> df = pd.DataFrame({"y": [1.0, 0, 1, 1, 0, 0, 1, 0, 0, 0, 1, 1],
    ...                    "g": list("aaaabbbbcccc")})
    >>> t = pd.DataFrame({"indicator": "y", "group": "g", "group_level": list("abc"),
    ...                   "estimate": [0.75, 0.25, 0.5], "n": 4.0,
    ...                   "suppressed": [False, False, True]})
    >>> out = group_differences(Design(df), [Indicator("y", "y", "share", "y", "x")], t, ["g"])
    >>> out[["high_level", "low_level", "test", "statistic", "ddf", "p_value"]].round(6)
      high_level low_level  test  statistic  ddf   p_value
    0          a         b  wald   1.563472  6.0  0.168973
    >>> # R: b <- svyby(~y, ~g, des, svymean, covmat = TRUE)
    >>> #    svycontrast(b, c(a = 1, b = -1))    # difference and SE (c is hidden: unused)
    >>> #    svyttest(y ~ I(g == "a"), subset(des, g %in% c("a", "b")))  # t, df
    """
    data = design.data
    published = _published_extremes(table)
    counts = _published_counts(table)
    rows: list[dict] = []
    # (group, kind, high, low) -> indicators: one comparison per distinct pair
    todo: dict[tuple[str, str, str, str], list[Indicator]] = {}
    for group in groups:
        if group not in data or data[group].nunique(dropna=True) < 2:
            continue
        for ind in indicators:
            if ind.column not in data or data[ind.column].notna().sum() == 0:
                continue
            row = {"indicator": ind.id, "kind": ind.kind, "group": group}
            extremes = published.get((ind.id, group))
            if extremes is not None:
                (hi_level, hi_estimate), (lo_level, lo_estimate) = extremes
                row.update(
                    high_level=hi_level,
                    high_estimate=hi_estimate,
                    low_level=lo_level,
                    low_estimate=lo_estimate,
                    difference=hi_estimate - lo_estimate,
                    high_n=counts.get((ind.id, group, hi_level), np.nan),
                    low_n=counts.get((ind.id, group, lo_level), np.nan),
                    effect_measure="cohen_h" if ind.kind == "share" else "cohen_d",
                )
                if hi_estimate != lo_estimate:
                    kind = "proportion" if ind.kind == "share" else "mean"
                    todo.setdefault((group, kind, str(hi_level), str(lo_level)), []).append(ind)
            rows.append(row)
    results = _pair_tests(design, todo)
    for row in rows:
        row.update(results.get((row["indicator"], row["group"]), {}))
    out = pd.DataFrame(rows).reindex(columns=DIFFERENCE_COLUMNS)
    if out.empty:
        return out
    out["test"] = out["test"].fillna("").astype(str)
    adjusted = adjust_pvalues(out["p_value"].to_numpy(dtype=float), method="holm", alpha=alpha)
    out["p_holm"] = adjusted["p_adjusted"].to_numpy()
    out["significant"] = (out["p_holm"] < alpha).to_numpy(dtype=bool)
    out = out.sort_values(["significant", "p_holm"], ascending=[False, True], kind="stable")
    return out.reset_index(drop=True)


def _pair_tests(
    design: Design, todo: dict[tuple[str, str, str, str], list[Indicator]]
) -> dict[tuple[str, str], dict]:
    """(indicator, group) -> test columns, for every published pair in ``todo``.

    One :func:`~diagnosis.estimate.compare_domains` per grouping and kind gives
    every pair's difference, SE and effect size: domain estimates of the full
    design, so the other groups change none of them. The t test's degrees of
    freedom are the pair's own (its respondents with an answer), as R's
    ``svyttest`` on the subset of the two groups.
    """
    data = design.data
    by_grouping: dict[tuple[str, str], list[tuple[Indicator, str, str]]] = {}
    for (group, kind, hi, lo), chosen in todo.items():
        by_grouping.setdefault((group, kind), []).extend((i, hi, lo) for i in chosen)
    out: dict[tuple[str, str], dict] = {}
    boundary: dict[tuple[str, str, str], list[Indicator]] = {}
    answered = {c: data[c].notna().to_numpy() for c in {i.column for v in todo.values() for i in v}}
    for (group, kind), items in by_grouping.items():
        columns = list(dict.fromkeys(i.column for i, _, _ in items))
        frame = compare_domains(design, columns, group, kind=kind).differences
        d = {c: frame[c].to_numpy() for c in frame.columns}
        pairs = {
            (v, str(a), str(b)): k
            for k, (v, a, b) in enumerate(zip(d["variable"], d["domain"], d["versus"],
                                              strict=True))
        }  # fmt: skip
        values = data[group].astype("string")
        members: dict[tuple[str, str], np.ndarray] = {}
        for ind, hi, lo in items:
            k = pairs.get((ind.column, hi, lo))
            sign = 1.0
            if k is None:
                k, sign = pairs[(ind.column, lo, hi)], -1.0
            est_hi, est_lo = d["estimate_domain"][k], d["estimate_versus"][k]
            if sign < 0:
                est_hi, est_lo = est_lo, est_hi
            row = {
                "se": float(d["se"][k]),
                "effect_size": float(abs(d["effect_size"][k])),
                "effect_measure": str(d["effect_measure"][k]),
            }
            if kind == "proportion" and any(
                e <= _BOUNDARY or e >= 1 - _BOUNDARY for e in (est_hi, est_lo)
            ):
                boundary.setdefault((group, hi, lo), []).append(ind)
            else:
                if (hi, lo) not in members:
                    members[(hi, lo)] = values.isin([hi, lo]).fillna(False).to_numpy(bool)
                inside = members[(hi, lo)] & answered[ind.column]
                ddf = design.subset(inside).degf - 1  # R: degf(subset(des, ...)) - 1
                with np.errstate(divide="ignore", invalid="ignore"):
                    t = sign * float(d["estimate"][k]) / float(d["se"][k])
                ok = bool(np.isfinite(t)) and ddf > 0
                row.update(
                    test="wald" if ok else "",
                    statistic=t,
                    F=t * t,
                    df=1.0,
                    ddf=float(ddf),
                    p_value=float(2 * stats.t.sf(abs(t), ddf)) if ok else np.nan,
                )
            out[(ind.id, group)] = row
    if boundary:
        out_b = _boundary_tests(design, boundary)
        for key, row in out_b.items():
            out[key].update(row)
    return out


def _boundary_tests(
    design: Design, boundary: dict[tuple[str, str, str], list[Indicator]]
) -> dict[tuple[str, str], dict]:
    """Rao-Scott tests of the pairs with a group at 0% or 100%, one column per pair.

    The design gains a column holding the pair's two groups (missing
    elsewhere), so the table is pair x answer and nothing else.
    """
    data = design.data
    columns = {}
    names = {}
    for k, (group, hi, lo) in enumerate(boundary):
        values = data[group].astype("string")
        inside = values.isin([hi, lo]).fillna(False).to_numpy(dtype=bool)
        names[(group, hi, lo)] = name = f"__pair_{k}"
        columns[name] = pd.Series(
            np.where(inside, values.to_numpy(dtype=object, na_value=None), None),
            index=data.index,
            dtype=object,
        )
    paired = design.with_columns(pd.DataFrame(columns, index=data.index))
    out = {}
    for key, chosen in boundary.items():
        for ind in chosen:
            out[(ind.id, key[0])] = _rao_scott(paired, ind.column, names[key])
    return out


def _rao_scott(design: Design, column: str, by: str) -> dict:
    """Rao-Scott second-order F test of ``column`` (0/1) x ``by`` (the pair).

    R: ``svychisq(~column + by, des, statistic = "F")``.
    """
    test = design.crosstab(column, by).tests.set_index("statistic").loc["F"]
    value, p = float(test["value"]), float(test["p_value"])
    ok = np.isfinite(value) and np.isfinite(p)
    return {
        "test": "rao_scott" if ok else "",
        "statistic": value,
        "F": value,
        "df": float(test["ndf"]),
        "ddf": float(test["ddf"]),
        "p_value": p if ok else np.nan,
    }


def _published_counts(table: pd.DataFrame) -> dict[tuple[str, str, object], float]:
    """(indicator, group, level) -> respondents ``n`` of each published group row."""
    shown = table[~table["suppressed"].astype(bool) & (table["group"] != "total")]
    n = pd.to_numeric(shown["n"], errors="coerce").to_numpy(dtype=float)
    return {
        (i, g, lv): float(k)
        for i, g, lv, k in zip(shown["indicator"], shown["group"], shown["group_level"], n,
                               strict=True)
    }  # fmt: skip


def _published_extremes(
    table: pd.DataFrame,
) -> dict[tuple[str, str], tuple[tuple[object, float], tuple[object, float]]]:
    """(indicator, group) -> ((level, estimate) highest, (level, estimate) lowest).

    Only published rows count, and only pairs with at least two of them. Ties
    go to the first row, as ``idxmax``/``idxmin`` do.

    Examples
    --------
    >>> t = pd.DataFrame({"indicator": ["a"] * 3, "group": ["sex"] * 2 + ["total"],
    ...                   "group_level": ["female", "male", "total"],
    ...                   "estimate": [0.4, 0.6, 0.5], "suppressed": [False, False, False]})
    >>> _published_extremes(t)
    {('a', 'sex'): (('male', 0.6), ('female', 0.4))}
    """
    shown = table[~table["suppressed"].astype(bool) & table["estimate"].notna()]
    shown = shown[shown["group"] != "total"]
    out = {}
    for key, part in shown.groupby(["indicator", "group"], sort=False):
        if len(part) < 2:
            continue
        levels = part["group_level"].tolist()
        values = part["estimate"].to_numpy(dtype=float)
        hi, lo = int(np.nanargmax(values)), int(np.nanargmin(values))
        out[key] = ((levels[hi], float(values[hi])), (levels[lo], float(values[lo])))
    return out
