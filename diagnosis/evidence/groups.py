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
    published = {
        key: part
        for key, part in table[~table["suppressed"]].groupby(["indicator", "group"], sort=False)
    }
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
            tests = result.tests.set_index("variable")
            pairs = result.differences.assign(
                domain=lambda d: d["domain"].astype(str), versus=lambda d: d["versus"].astype(str)
            ).set_index(["variable", "domain", "versus"])
            for ind in chosen:
                row = {
                    "indicator": ind.id,
                    "kind": ind.kind,
                    "group": group,
                    "F": float(tests.loc[ind.column, "value"]),
                    "p_value": float(tests.loc[ind.column, "p_value"]),
                }
                shown = published.get((ind.id, group))
                if shown is not None and len(shown) >= 2:
                    hi = shown.loc[shown["estimate"].idxmax()]
                    lo = shown.loc[shown["estimate"].idxmin()]
                    a, b = sorted((hi["group_level"], lo["group_level"]))
                    key = (ind.column, a, b)
                    effect, measure = np.nan, ""
                    if key in pairs.index:
                        pair = pairs.loc[key]
                        effect = float(abs(pair["effect_size"]))
                        measure = str(pair["effect_measure"])
                    row.update(
                        high_level=hi["group_level"],
                        high_estimate=float(hi["estimate"]),
                        low_level=lo["group_level"],
                        low_estimate=float(lo["estimate"]),
                        difference=float(hi["estimate"] - lo["estimate"]),
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
