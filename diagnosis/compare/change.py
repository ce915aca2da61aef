"""Evaluation: what changed between survey waves, and what the innovation changed.

* **Change per town**: each indicator's wave-2 estimate minus its wave-1
  estimate. The waves are independent samples, so the change's standard error
  is :math:`\\sqrt{SE_1^2 + SE_2^2}` (normal interval).
* **Difference-in-differences**: the towns that ran an innovation between the
  waves against comparison towns surveyed twice without one. On the pooled
  design of both waves (strata = town x wave, each calibrated to its own
  margins) a survey-weighted linear model with town fixed effects and a wave
  effect, :math:`y = \\alpha_{town} + \\beta\\,[wave 2] + \\delta\\,[innovation
  \\times wave 2]`: :math:`\\delta` is the change in the innovation towns beyond
  the change the comparison towns saw over the same year (the common trend).
  It assumes the two groups would have moved alike without the innovation
  (parallel trends); the naive before-after change in the innovation towns is
  shown beside it, to see how much of it the trend explains.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import DiagnosisError
from ..estimate import adjust_pvalues
from .pooled import Pooled, for_formula, pooled_design

__all__ = ["difference_in_differences", "wave_changes"]


def wave_changes(table: pd.DataFrame, conf_level: float = 0.95) -> pd.DataFrame:
    """Change of every indicator between wave 1 and wave 2, per town surveyed twice.

    Parameters
    ----------
    table : DataFrame
        From :func:`~diagnosis.compare.indicators.town_indicators` (both waves).
    conf_level : float

    Returns
    -------
    DataFrame
        ``town, indicator, before, after, change, se, ci_low, ci_high,
        p_value, suppressed`` (a change is hidden when either wave's value is).

    Examples
    --------
    >>> t = pd.DataFrame({"town": "a", "wave": [1, 2], "indicator": "x",
    ...     "estimate": [0.2, 0.5], "se": [0.03, 0.04], "suppressed": False})
    >>> wave_changes(t)[["change", "se"]].round(3).values.tolist()
    [[0.3, 0.05]]
    """
    keys = ["town", "indicator"]
    first = table[table["wave"] == 1].set_index(keys)
    second = table[table["wave"] == 2].set_index(keys)
    both = first.join(second, how="inner", suffixes=("_1", "_2"))
    z = stats.norm.ppf(0.5 + conf_level / 2)
    change = both["estimate_2"] - both["estimate_1"]
    se = np.sqrt(both["se_1"] ** 2 + both["se_2"] ** 2)
    out = pd.DataFrame(
        {
            "before": both["estimate_1"],
            "after": both["estimate_2"],
            "change": change,
            "se": se,
            "ci_low": change - z * se,
            "ci_high": change + z * se,
            "p_value": 2 * stats.norm.sf(np.abs(change / se)),
            "suppressed": both["suppressed_1"].astype(bool) | both["suppressed_2"].astype(bool),
        }
    )
    out.loc[out["suppressed"], ["before", "after", "change", "se", "ci_low", "ci_high",
                                "p_value"]] = np.nan  # fmt: skip
    return out.reset_index()


def difference_in_differences(
    pooled: Pooled,
    indicators: list[str] | None = None,
    conf_level: float = 0.95,
    threshold: int = 10,
) -> pd.DataFrame:
    """The innovation's effect on each indicator, net of the common trend.

    Parameters
    ----------
    pooled : Pooled
        Must hold wave 1 and wave 2 of some towns; a town's wave-2
        ``innovation`` marks it as treated.
    indicators : list of str, optional
        Indicator ids (default: all).
    conf_level : float
    threshold : int
        A result is withheld when fewer than ``threshold`` respondents of either
        group in either wave answered.

    Returns
    -------
    DataFrame
        One row per indicator: ``effect`` (:math:`\\delta`), ``se``,
        ``ci_low``, ``ci_high``, ``p_value``, ``trend`` (:math:`\\beta`, the
        comparison towns' change), ``naive`` (:math:`\\beta + \\delta`, the
        innovation towns' before-after change), ``treated_towns``,
        ``comparison_towns``, ``n``, ``suppressed``, ``p_adjusted`` (Holm over
        the indicators: each is a test).

    Raises
    ------
    DiagnosisError
        When there are no towns with an innovation or no comparison towns.

    Examples
    --------
    >>> from diagnosis.compare import pool_towns
    >>> pooled = pool_towns(["kwidzyn", "sopot", "brzeg", "zagan"])
    >>> did = difference_in_differences(pooled, ["part_event"])
    >>> bool(did["ci_low"].iloc[0] < 0.15 < did["ci_high"].iloc[0])  # the planted +15 points
    True
    """
    towns = pooled.towns
    twice = towns.groupby("town")["wave"].nunique()
    twice = set(twice[twice >= 2].index)
    later = towns[(towns["wave"] == 2) & towns["town"].isin(twice)]
    treated = sorted(later.loc[later["innovation"].notna(), "town"])
    control = sorted(later.loc[later["innovation"].isna(), "town"])
    if not treated or not control:
        raise DiagnosisError(
            pl="Do oceny różnicy w różnicach potrzeba miejscowości z innowacją i miejscowości "
            "porównawczych, obu zbadanych dwukrotnie (fala 1 i 2).",
            en="Difference-in-differences needs towns with an innovation and comparison towns, "
            "both surveyed twice (waves 1 and 2).",
        )
    sub = pooled.subset(towns=sorted(twice), waves=[1, 2])
    data = for_formula(sub.data, ["town"])
    data["post"] = (data["wave"] == 2).astype(float)
    data["did"] = data["post"] * data["town"].isin(treated)
    group = np.where(data["town"].isin(treated), "t", "c")
    chosen = indicators or [i.id for i in pooled.indicators]
    for ind in pooled.indicators:  # outcomes as numbers; every model uses the same design
        if ind.column in data:
            data[ind.column] = pd.to_numeric(data[ind.column], errors="coerce").astype(float)
    design = pooled_design(sub, data)
    rows = []
    for id_ in chosen:
        ind = pooled.indicator(id_)
        if ind.column not in data:
            continue
        answered = data[ind.column].notna()
        cells = pd.Series(answered.to_numpy()).groupby([group, data["wave"].to_numpy()]).sum()
        small = bool((cells < threshold).any() or len(cells) < 4)
        fit = design.glm(f"{ind.column} ~ C(town) + post + did", conf_level=conf_level)
        fit = fit.set_index("variable")
        d, b = fit.loc["did"], fit.loc["post"]
        rows.append(
            {
                "indicator": id_,
                "effect": d["estimate"],
                "se": d["se"],
                "ci_low": d["ci_low"],
                "ci_high": d["ci_high"],
                "p_value": d["p_value"],
                "trend": b["estimate"],
                "naive": b["estimate"] + d["estimate"],
                "treated_towns": len(treated),
                "comparison_towns": len(control),
                "n": int(answered.sum()),
                "suppressed": small,
            }
        )
    out = pd.DataFrame(rows)
    out.loc[out["suppressed"], ["effect", "se", "ci_low", "ci_high", "p_value", "trend",
                                "naive"]] = np.nan  # fmt: skip
    # many indicators are many tests: Holm over the family of indicators
    out["p_adjusted"] = adjust_pvalues(out["p_value"], method="holm")["p_adjusted"]
    return out
