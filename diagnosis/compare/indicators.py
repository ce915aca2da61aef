"""The towns x indicators table, and which towns really differ from the all-town mean.

Each town's numbers come from its own calibrated design, exactly as in its
report. The all-town mean of an indicator is the population-weighted average
of the estimates of the towns whose value is published (a mean over hidden
towns too would give a hidden value away by subtraction),
:math:`\\bar\\mu = \\sum_j a_j \\hat y_j` with :math:`a_j = N_j / N`
(adult residents): "the average resident of these towns". Towns are sampled
independently, so the difference of town *j* from
that mean, :math:`d_j = (1 - a_j)\\hat y_j - \\sum_{k \\ne j} a_k \\hat y_k`,
has variance :math:`(1 - a_j)^2 V_j + \\sum_{k \\ne j} a_k^2 V_k` (R:
``svycontrast`` on ``svyby(..., covmat = TRUE)`` of the pooled stratified
design). Tests are two-sided on the normal distribution; the p-values of the
towns of one indicator are one family, adjusted by Holm (default) or
Benjamini-Hochberg.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ..estimate import adjust_pvalues
from ..evidence import estimate_indicators, suppress
from .pooled import Pooled

__all__ = ["indicator_matrix", "town_indicators", "versus_mean"]


def town_indicators(pooled: Pooled, conf_level: float = 0.95, threshold: int = 10) -> pd.DataFrame:
    """Every indicator in every town and wave, with CIs, after disclosure control.

    Parameters
    ----------
    pooled : Pooled
    conf_level : float
    threshold : int
        Smallest unweighted count (denominator and numerator) behind a published value.

    Returns
    -------
    DataFrame
        One row per town x wave x indicator: ``town, name, wave, indicator,
        kind, theme, label_pl, label_en, estimate, se, ci_low, ci_high, n,
        n_numerator, suppressed``; hidden rows carry no values. The
        unsuppressed estimate and SE are kept as ``raw_estimate``/``raw_se``
        for further computation (never shown).

    Examples
    --------
    >>> from diagnosis.compare import pool_towns
    >>> table = town_indicators(pool_towns(["kwidzyn"], waves=False))
    >>> row = table.query("indicator == 'life_in_town'").iloc[0]
    >>> row["name"], bool(0 < row["estimate"] < 10)
    ('Kwidzyn', True)
    """
    names = pooled.towns.set_index(["town", "wave"])["name"]
    frames = []
    for (slug, wave), design in pooled.designs.items():
        t = estimate_indicators(design, pooled.indicators, groups=(), conf_level=conf_level)
        t = t[t["group"] == "total"].drop(columns=["group", "group_level"])
        t.insert(0, "town", slug)
        t.insert(1, "name", names[(slug, wave)])
        t.insert(2, "wave", wave)
        frames.append(t)
    table = pd.concat(frames, ignore_index=True)
    table["raw_estimate"] = table["estimate"]
    table["raw_se"] = table["se"]
    # each town-wave is its own sample: nothing adds up across rows, but the numerator and
    # the complement (all but a few) are cells too
    table = suppress(
        table, threshold=threshold, n_col=["n", "n_numerator"], within=[],
        complement=("n", "n_numerator"),
    )  # fmt: skip
    return table.sort_values(["wave", "indicator", "town"], kind="stable", ignore_index=True)


def indicator_matrix(table: pd.DataFrame, wave: int = 1, column: str = "estimate") -> pd.DataFrame:
    """Towns (rows) x indicators (columns) of one wave: ``column`` of :func:`town_indicators`.

    Examples
    --------
    >>> t = pd.DataFrame({"town": ["a", "a", "b"], "wave": 1, "indicator": ["x", "y", "x"],
    ...                   "estimate": [0.1, 0.2, 0.3]})
    >>> indicator_matrix(t).to_dict()
    {'x': {'a': 0.1, 'b': 0.3}, 'y': {'a': 0.2, 'b': nan}}
    """
    rows = table[table["wave"] == wave]
    wide = rows.pivot(index="town", columns="indicator", values=column)
    wide.columns.name = None
    wide.index.name = None
    return wide


def versus_mean(
    table: pd.DataFrame,
    towns: pd.DataFrame,
    wave: int = 1,
    conf_level: float = 0.95,
    method: str = "holm",
) -> pd.DataFrame:
    """Each town against the population-weighted all-town mean, with multiplicity control.

    Parameters
    ----------
    table : DataFrame
        From :func:`town_indicators`.
    towns : DataFrame
        ``Pooled.towns`` (gives each town's adult population).
    wave : int
    conf_level : float
    method : {"holm", "fdr_bh"}
        Adjustment within each indicator (the towns are one family).

    Returns
    -------
    DataFrame
        Per indicator x town: ``mean`` (all towns), ``difference``, ``se``,
        ``ci_low``, ``ci_high``, ``p_value``, ``p_adjusted``, ``verdict``
        (``"above"``, ``"below"``, ``"no_difference"``). Towns whose own value
        is suppressed are left out of the mean and get no values.

    Examples
    --------
    >>> t = pd.DataFrame({"town": ["a", "b"], "wave": 1, "indicator": "x",
    ...     "raw_estimate": [0.2, 0.4], "raw_se": [0.01, 0.02], "suppressed": False})
    >>> towns = pd.DataFrame({"town": ["a", "b"], "wave": 1, "population": [300, 100]})
    >>> versus_mean(t, towns)[["town", "mean", "difference"]].round(3).values.tolist()
    [['a', 0.25, -0.05], ['b', 0.25, 0.15]]
    """
    pop = towns[towns["wave"] == wave].set_index("town")["population"].astype(float)
    z = stats.norm.ppf(0.5 + conf_level / 2)
    out = []
    for indicator, rows in table[table["wave"] == wave].groupby("indicator", sort=False):
        rows = rows[rows["raw_estimate"].notna() & rows["raw_se"].notna()]
        # the mean is of the published towns only: a mean over all of them, with the shown
        # towns' values and populations, would give a hidden town's value by subtraction
        shown = ~rows["suppressed"].to_numpy(dtype=bool)
        if shown.sum() < 2:
            continue
        a = np.where(shown, pop.reindex(rows["town"]).to_numpy(), 0.0)
        a = a / a.sum()
        y = np.where(shown, rows["raw_estimate"].to_numpy(dtype=float), 0.0)
        v = np.where(shown, rows["raw_se"].to_numpy(dtype=float) ** 2, 0.0)
        mean = float(a @ y)
        diff = y - mean
        # Var(d_j) = (1 - a_j)^2 V_j + sum_{k != j} a_k^2 V_k
        se = np.sqrt((1 - a) ** 2 * v + (a**2 * v).sum() - a**2 * v)
        with np.errstate(divide="ignore", invalid="ignore"):
            p = 2 * stats.norm.sf(np.abs(diff / se))
        frame = pd.DataFrame(
            {
                "indicator": indicator,
                "town": rows["town"].to_numpy(),
                "mean": mean,
                "difference": diff,
                "se": se,
                "ci_low": diff - z * se,
                "ci_high": diff + z * se,
                "p_value": p,
                "suppressed": ~shown,
            }
        )
        hidden = frame["suppressed"]
        adjusted = adjust_pvalues(frame.loc[~hidden, "p_value"], method=method)  # type: ignore[arg-type]
        frame["p_adjusted"] = adjusted["p_adjusted"].reindex(frame.index)
        frame.loc[hidden, ["difference", "se", "ci_low", "ci_high", "p_value"]] = np.nan
        reject = frame["p_adjusted"] <= 1 - conf_level
        frame["verdict"] = np.where(
            ~reject, "no_difference", np.where(frame["difference"] > 0, "above", "below")
        )
        frame.loc[hidden, "verdict"] = "suppressed"
        out.append(frame)
    if not out:
        columns = ["indicator", "town", "mean", "difference", "se", "ci_low", "ci_high",
                   "p_value", "suppressed", "p_adjusted", "verdict"]  # fmt: skip
        return pd.DataFrame(columns=columns)
    return pd.concat(out, ignore_index=True)
