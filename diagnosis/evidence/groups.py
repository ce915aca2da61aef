"""Group differences worth reporting: tested on the design, corrected for multiplicity.

For every indicator and every grouping (age band, sex, district), the Wald F
test that all groups are equal (R: ``regTermTest(svyglm(y ~ g), ~g)``) gives a
p-value; the p-values of all indicator x grouping tests of a town are adjusted
together with Holm's method. A difference is reported only when the adjusted
p-value is below 0.05, with the largest gap between two published groups and
its effect size (Cohen's h for shares, d for means). A group hidden by
disclosure control is never named.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..estimate import Design, adjust_pvalues, compare_domains
from .indicators import Indicator

__all__ = ["DIFFERENCE_COLUMNS", "group_differences"]

DIFFERENCE_COLUMNS = [
    "indicator", "kind", "group", "F", "p_value", "p_holm", "significant", "high_level",
    "high_estimate", "low_level", "low_estimate", "difference", "effect_size", "effect_measure",
]  # fmt: skip


def group_differences(
    design: Design,
    indicators: Sequence[Indicator],
    table: pd.DataFrame,
    groups: Sequence[str] = ("age_band", "sex", "district"),
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Test every indicator across every grouping; Holm-adjust; describe the largest gap.

    Parameters
    ----------
    design : Design
        The weighted design holding the indicator columns.
    indicators : sequence of Indicator
    table : DataFrame
        The suppressed indicator table: only its published group rows may be named.
    groups : sequence of str
    alpha : float
        Family-wise error rate for Holm's method.

    Returns
    -------
    DataFrame
        Columns :data:`DIFFERENCE_COLUMNS`, one row per indicator x grouping,
        sorted with the significant ones first (smallest adjusted p first).
    """
    data = design.data
    published = _published_extremes(table)
    rows = []
    for group in groups:
        if group not in data or data[group].nunique(dropna=True) < 2:
            continue
        for kind in ("proportion", "mean"):
            chosen = [
                i for i in indicators
                if (i.kind == "share") == (kind == "proportion") and i.column in data
                and data[i.column].notna().sum() > 0
            ]  # fmt: skip
            if not chosen:
                continue
            result = compare_domains(design, [i.column for i in chosen], group, kind=kind)
            # plain dicts: one lookup per indicator instead of a pandas .loc each
            tests = {
                v: (float(f), float(p))
                for v, f, p in zip(result.tests["variable"], result.tests["value"],
                                   result.tests["p_value"], strict=True)
            }  # fmt: skip
            d = result.differences
            pairs = {
                (v, str(a), str(b)): (float(abs(e)), str(m))
                for v, a, b, e, m in zip(d["variable"], d["domain"], d["versus"],
                                         d["effect_size"], d["effect_measure"], strict=True)
            }  # fmt: skip
            for ind in chosen:
                f_value, p_value = tests[ind.column]
                row = {
                    "indicator": ind.id,
                    "kind": ind.kind,
                    "group": group,
                    "F": f_value,
                    "p_value": p_value,
                }
                extremes = published.get((ind.id, group))
                if extremes is not None:
                    (hi_level, hi_estimate), (lo_level, lo_estimate) = extremes
                    a, b = sorted((hi_level, lo_level))
                    effect, measure = pairs.get((ind.column, a, b), (np.nan, ""))
                    row.update(
                        high_level=hi_level,
                        high_estimate=hi_estimate,
                        low_level=lo_level,
                        low_estimate=lo_estimate,
                        difference=hi_estimate - lo_estimate,
                        effect_size=effect,
                        effect_measure=measure,
                    )
                rows.append(row)
    out = pd.DataFrame(rows).reindex(columns=DIFFERENCE_COLUMNS)
    if out.empty:
        return out
    adjusted = adjust_pvalues(out["p_value"].to_numpy(dtype=float), method="holm", alpha=alpha)
    out["p_holm"] = adjusted["p_adjusted"].to_numpy()
    # a difference is reported only when two published groups can be named
    out["significant"] = adjusted["reject"].to_numpy(dtype=bool) & out["high_level"].notna()
    out = out.sort_values(["significant", "p_holm"], ascending=[False, True], kind="stable")
    return out.reset_index(drop=True)


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
    shown = table[~table["suppressed"]]
    out = {}
    for key, part in shown.groupby(["indicator", "group"], sort=False):
        if len(part) < 2:
            continue
        levels = part["group_level"].tolist()
        values = part["estimate"].to_numpy(dtype=float)
        hi, lo = int(np.nanargmax(values)), int(np.nanargmin(values))
        out[key] = ((levels[hi], float(values[hi])), (levels[lo], float(values[lo])))
    return out
