"""Estimates, domain comparisons and reliability on the demo towns against R.

Reference numbers: tests/reference/survey_reference.csv, cases "demo-<town>/poststratify",
"demo-<town>/rake", "reliability-<town>" and "p.adjust", written by
tests/reference/make_reference.R (R 4.2.2, survey 4.1.1) from the town data exported by
tests/reference/export_demo.py. Each test names the R call it is compared with.
Estimates must agree to 1e-8 and standard errors, CIs, test statistics and p-values to
1e-6 (relative).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from diagnosis.estimate import Design, adjust_pvalues
from diagnosis.estimate.reliability import cronbach_alpha, mcdonald_omega, one_factor

_spec = importlib.util.spec_from_file_location(
    "api_cases", Path(__file__).parent / "reference" / "api_cases.py"
)
cases = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cases)

TOWNS = ["kwidzyn", "brzeg", "cieszyn", "krotoszyn"]
MEANS = ["trust", "life_in_town", "cohesion"]
PROPORTIONS = ["part_volunteer", "internet_use"]
COHESION = ["coh_belong", "coh_together", "coh_get_on", "coh_trust", "coh_self"]


def town_data(town: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """data/demo_<town>.csv and its margins (written by export_demo.py)."""
    data = pd.read_csv(cases.DATA / f"demo_{town}.csv")
    margins = pd.read_csv(cases.DATA / f"demo_{town}_margins.csv")
    return data, margins


def weighted(town: str, weighting: str) -> Design:
    """R: postStratify(des, ~age_band + sex, margins) or rake(des, list(~age_band, ~sex), ...)
    with des <- svydesign(id = ~1, data = d)."""
    data, margins = town_data(town)
    des = Design(data)
    if weighting == "poststratify":
        cells = margins.set_index(["age_band", "sex"])["population"]
        return des.poststratify(["age_band", "sex"], cells)
    return des.rake(
        {
            "age_band": margins.groupby("age_band")["population"].sum(),
            "sex": margins.groupby("sex")["population"].sum(),
        }
    )


def _packed(case, statistic, frame, columns, domain=None):
    """Rows packed as make_reference.R packs tests: estimate, se, ci_low, ci_high <- columns."""
    out = pd.DataFrame(
        {
            "case": case,
            "statistic": statistic,
            "variable": frame["variable"].to_numpy(),
            "level": np.nan,
            "domain": domain if domain is not None else np.nan,
            "deff": np.nan,
        }
    )
    for target, source in zip(["estimate", "se", "ci_low", "ci_high"], columns, strict=True):
        out[target] = np.nan if source is None else frame[source].to_numpy()
    return out[cases.KEYS + cases.VALUES]


def demo_rows(case: str, des: Design) -> pd.DataFrame:
    """make_reference.R's demo_rows(): means, proportions, domains and comparisons."""
    rows = [
        cases._rows(case, "mean", des.mean(MEANS, deff=True, na_rm="each"), []),
        cases._rows(
            case, "mean", des.mean(MEANS, by="district", deff=True, na_rm="each"), ["district"]
        ),
    ]
    for v in PROPORTIONS:
        for method in ("xlogit", "beta"):
            for by in (None, "district"):
                out = des.proportion(v, level=1.0, ci=method, by=by).assign(level="1")
                rows.append(cases._rows(case, f"proportion:{method}", out, [by] if by else []))
    for kind, names in (("mean", MEANS), ("proportion", PROPORTIONS)):
        pairs = des.compare(names, by="district", kind=kind)
        diff = pairs.differences
        dom = (diff["domain"] + "|" + diff["versus"]).to_numpy()
        rows.append(
            _packed(case, "compare:pair", diff, ["estimate", "se", "ci_low", "ci_high"], dom)
        )
        rows.append(
            _packed(case, "compare:pair:test", diff, ["t", "p_value", "df", "effect_size"], dom)
        )
        rows.append(_packed(case, "compare:F", pairs.tests, ["value", "p_value", "ndf", "ddf"]))
        rest = des.compare(names, by="district", kind=kind, against="rest").differences
        dom = rest["domain"].to_numpy()
        rows.append(_packed(case, "compare:rest", rest, ["estimate", "se", None, None], dom))
        rows.append(
            _packed(case, "compare:rest:test", rest, ["t", "p_value", "df", "effect_size"], dom)
        )
        rows.append(
            _packed(case, "compare:rest:ci", rest, ["estimate", None, "ci_low", "ci_high"], dom)
        )
    return pd.concat(rows, ignore_index=True)


def check(merged: pd.DataFrame, estimate_tol: float = 1e-8, tol: float = 1e-6) -> None:
    """Relative agreement, absolute near zero (CI limits also judged on the SE's scale)."""
    for column in cases.VALUES:
        r = merged[f"{column}_r"].to_numpy(dtype=float)
        py = merged[f"{column}_py"].to_numpy(dtype=float)
        rtol = estimate_tol if column == "estimate" else tol
        atol = np.full(len(r), rtol * 1e-3)
        if column.startswith("ci_"):
            atol = np.maximum(atol, tol * np.nan_to_num(np.abs(merged["se_r"].to_numpy(float))))
        bad = ~np.isnan(r) & ~np.isclose(py, r, rtol=rtol, atol=atol)
        assert not bad.any(), (
            f"{column} differs from R:\n"
            + merged.loc[bad, [*cases.KEYS, f"{column}_r", f"{column}_py"]].to_string()
        )


@pytest.mark.parametrize("weighting", ["poststratify", "rake"])
@pytest.mark.parametrize("town", TOWNS)
def test_demo_towns_match_r(town, weighting):
    # svymean, svyciprop (xlogit, beta), svyby over district, svyglm(v ~ 0 + district) +
    # svycontrast, regTermTest(svyglm(v ~ district), ~district), svyttest(v ~ I(district == d))
    case = f"demo-{town}/{weighting}"
    check(cases.compare(demo_rows(case, weighted(town, weighting)), [case]))


def test_raked_and_poststratified_margins_hit_the_targets():
    data, margins = town_data("kwidzyn")
    w = weighted("kwidzyn", "poststratify").weights
    cells = pd.Series(w).groupby([data["age_band"], data["sex"]]).sum()
    target = margins.set_index(["age_band", "sex"])["population"]
    np.testing.assert_allclose(cells.loc[target.index], target, rtol=1e-12)
    w = weighted("kwidzyn", "rake").weights
    by_sex = pd.Series(w).groupby(data["sex"]).sum()
    np.testing.assert_allclose(by_sex, margins.groupby("sex")["population"].sum(), rtol=1e-10)


@pytest.mark.parametrize("town", TOWNS)
def test_reliability_matches_r(town):
    # alpha by its formula with Feldt's CI (qf), and factanal(x, factors = 1) run to
    # convergence, for the cohesion items with coh_self reversed (5 - x), complete cases
    data, _ = town_data(town)
    items = data[COHESION].assign(coh_self=5 - data["coh_self"])
    case = f"reliability-{town}"
    alpha = cronbach_alpha(items, COHESION).assign(variable="cohesion", se=np.nan)
    fa = one_factor(items, COHESION)
    omega = mcdonald_omega(items, COHESION).assign(variable="cohesion", se=np.nan)
    loadings = pd.DataFrame(
        {
            "variable": "cohesion",
            "level": fa["item"],
            "estimate": fa["loading"],
            "se": fa["uniqueness"],
            "ci_low": np.nan,
            "ci_high": np.nan,
        }
    )
    ours = pd.concat(
        [
            alpha.assign(statistic="alpha", level=np.nan),
            omega.assign(statistic="omega", level=np.nan),
            loadings.assign(statistic="loading"),
        ]
    ).assign(case=case, domain=np.nan, deff=np.nan)[cases.KEYS + cases.VALUES]
    merged = cases.compare(ours, [case])
    # alpha is closed form; the factor analysis is an optimum that both optimisers reach to
    # about 1e-9 (R with factr = 1, pgtol = 0)
    check(merged[merged["statistic"] == "alpha"])
    check(merged[merged["statistic"] != "alpha"], estimate_tol=1e-6, tol=1e-6)


@pytest.mark.parametrize(("method", "r_method"), [("holm", "holm"), ("fdr_bh", "BH")])
def test_adjusted_pvalues_match_r(method, r_method):
    # p.adjust(p, method = "holm" / "BH"), NA kept and not counted
    ref = pd.read_csv(cases.REFERENCE, na_values=["NA"], keep_default_na=False)
    ref = ref[(ref["case"] == "p.adjust") & (ref["statistic"] == r_method)]
    ref = ref.assign(level=ref["level"].astype(int)).sort_values("level")
    out = adjust_pvalues(ref["se"].to_numpy(dtype=float), method=method)
    np.testing.assert_allclose(out["p_adjusted"], ref["estimate"].astype(float), rtol=1e-12)
    assert (out["reject"] == (out["p_adjusted"] <= 0.05)).all()
