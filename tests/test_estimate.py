"""Design-based estimates against R's survey 4.1.1 (tests/reference/make_reference.R).

Estimates must agree to 1e-8 and standard errors, deffs and CIs to 1e-6
(relative). Every reference number comes from survey_reference.csv, written by
make_reference.R; the case names say which svydesign() and which call.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from diagnosis.estimate import Design, EstimationError

_spec = importlib.util.spec_from_file_location(
    "api_cases", Path(__file__).parent / "reference" / "api_cases.py"
)
cases = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cases)


def designs() -> dict[str, Design]:
    """The designs of make_reference.R, same names."""
    return {
        # svydesign(id = ~1, weights = ~pw, fpc = ~fpc, data = apisrs)
        "srs": Design(cases.api("apisrs"), weights="pw", fpc="fpc"),
        # svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = apistrat)
        "strat": Design(cases.api("apistrat"), weights="pw", strata="stype", fpc="fpc"),
        # svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc, data = apiclus1)
        "clus1": Design(cases.api("apiclus1"), weights="pw", clusters="dnum", fpc="fpc"),
        # svydesign(id = ~dnum + snum, fpc = ~fpc1 + fpc2, data = apiclus2)
        "clus2": Design(cases.api("apiclus2"), clusters=["dnum", "snum"], fpc=["fpc1", "fpc2"]),
        # svydesign(id = ~dnum + snum, weights = ~pw, data = apiclus2)
        "clus2w": Design(cases.api("apiclus2"), weights="pw", clusters=["dnum", "snum"]),
    }


def check(merged: pd.DataFrame) -> None:
    """Estimates to 1e-8, the rest to 1e-6, relative (absolute near zero; CI limits
    also within 1e-6 of the SE)."""
    for column, tol in (
        ("estimate", 1e-8),
        ("se", 1e-6),
        ("ci_low", 1e-6),
        ("ci_high", 1e-6),
        ("deff", 1e-6),
    ):
        r = merged[f"{column}_r"].to_numpy(dtype=float)
        py = merged[f"{column}_py"].to_numpy(dtype=float)
        both = ~np.isnan(r)
        atol = tol * 1e-3
        if column.startswith("ci_"):
            # a limit near zero (estimate - t * se cancels): judge it on the scale of the SE
            se_r = np.abs(merged["se_r"].to_numpy(dtype=float))
            atol = np.maximum(atol, tol * np.nan_to_num(se_r))
        bad = both & ~np.isclose(py, r, rtol=tol, atol=atol)
        assert not bad.any(), (
            f"{column} differs from R:\n"
            + merged.loc[bad, [*cases.KEYS, f"{column}_r", f"{column}_py"]].to_string()
        )


@pytest.mark.parametrize("case", ["srs", "strat", "clus1", "clus2", "clus2w"])
def test_matches_r_survey(case):
    des = designs()[case]
    ours = cases.standard(case, des)
    if case == "clus1":
        ours = pd.concat([ours, cases._rows(case, "mean", des.mean("avg.ed", deff=True), [])])
    check(cases.compare(ours, [case]))


@pytest.mark.parametrize("deff", [True, False])
@pytest.mark.parametrize("case", ["srs", "strat", "clus1", "clus2", "clus2w"])
def test_joint_missing_values_match_r(case, deff):
    # svymean(~api00 + avg.ed + api99na + enroll, des, na.rm = TRUE) and friends:
    # complete cases over all the variables of the call
    merged = cases.compare(cases.joint_na(case, designs()[case], deff), [f"{case}/joint-na"])
    if not deff:
        merged["deff_r"] = np.nan  # not asked for
    check(merged)


@pytest.mark.parametrize("case", ["srs", "strat", "clus1", "clus2", "clus2w"])
def test_quantiles_match_r(case):
    # svyquantile(~api00 + meals + enroll, des, probs, na.rm = TRUE, ci = TRUE) and svyby
    check(cases.compare(cases.quantiles(case, designs()[case]), [f"{case}/quantile"]))


@pytest.mark.parametrize("case", ["srs", "strat", "clus1", "clus2", "clus2w"])
def test_crosstabs_match_r(case):
    # svychisq(~stype + sch.wide, des, statistic = "F" / "Chisq" / "adjWald"), also
    # ~stype + mealcat, and svymean(~interaction(stype, sch.wide), des)
    check(cases.compare(cases.crosstabs(case, designs()[case]), [f"{case}/crosstab"]))


@pytest.mark.parametrize("case", ["srs", "strat", "clus1", "clus2", "clus2w"])
def test_glms_match_r(case):
    # svyglm(api00 ~ enroll + meals + stype, des) and svyglm(yes ~ meals + stype, des,
    # family = quasibinomial()): coefficients, SEs, confint on the residual df
    check(cases.compare(cases.models(case, designs()[case]), [f"{case}/glm"]))


def test_two_stage_uses_the_second_stage():
    two = designs()["clus2"]
    ultimate = Design(cases.api("apiclus2"), clusters=["dnum"], fpc=["fpc1"])
    se_two = two.mean("api00")["se"].iloc[0]
    se_one = ultimate.mean("api00")["se"].iloc[0]
    assert se_two > se_one


def test_srs_gives_the_textbook_standard_error():
    df = cases.api("apisrs")
    n, big_n = len(df), df["fpc"].iloc[0]
    y = df["api00"].to_numpy()
    textbook = np.sqrt((1 - n / big_n) * y.var(ddof=1) / n)
    se = Design(df, weights="pw", fpc="fpc").mean("api00")["se"].iloc[0]
    assert se == pytest.approx(textbook, rel=1e-12)


def test_permuting_rows_changes_nothing():
    df = cases.api("apistrat")
    shuffled = df.sample(frac=1, random_state=3).reset_index(drop=True)
    args = {"weights": "pw", "strata": "stype", "fpc": "fpc"}
    a = Design(df, **args).mean(["api00", "enroll"], by="sch.wide", deff=True)
    b = Design(shuffled, **args).mean(["api00", "enroll"], by="sch.wide", deff=True)
    pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-12)


def test_domain_columns_and_stable_order():
    out = designs()["strat"].mean("api00", by=["stype", "sch.wide"])
    assert list(out.columns) == [
        "variable",
        "level",
        "stype",
        "sch.wide",
        "estimate",
        "se",
        "ci_low",
        "ci_high",
        "deff",
        "n",
        "n_weighted",
    ]
    assert out["n"].sum() == 200


@pytest.mark.parametrize("option", ["adjust", "average", "remove", "certainty"])
def test_lonely_psu_options_match_r(option):
    # svydesign(id = ~psu, strata = ~st, weights = ~w, data = lonely) with
    # options(survey.lonely.psu = option)
    des = Design(cases.api("lonely"), weights="w", strata="st", clusters="psu", lonely_psu=option)
    case = f"lonely-{option}"
    ours = pd.concat(
        [
            cases._rows(case, "mean", des.mean("y"), []),
            cases._rows(case, "total", des.total("y"), []),
        ]
    )
    check(cases.compare(ours, [case]))


def test_lonely_psu_fails_by_default_and_can_be_adjusted():
    df = pd.DataFrame({"y": [1.0, 2, 3, 4, 5], "st": list("aabbc"), "w": [1.0] * 5})
    with pytest.raises(EstimationError, match=r"Stratum \(c\) has only one PSU"):
        Design(df, weights="w", strata="st").mean("y")
    removed = Design(df, weights="w", strata="st", lonely_psu="remove").mean("y")
    adjusted = Design(df, weights="w", strata="st", lonely_psu="adjust").mean("y")
    assert adjusted["se"].iloc[0] > removed["se"].iloc[0]


def test_na_rm_false_gives_nan():
    out = designs()["clus1"].mean(["avg.ed", "api00"], na_rm=False)
    assert np.isnan(out["estimate"].iloc[0]) and not np.isnan(out["estimate"].iloc[1])


def test_bad_input_raises_actionable_errors():
    df = cases.api("apisrs")
    with pytest.raises(EstimationError, match="No column 'nope'"):
        Design(df, weights="nope")
    with pytest.raises(EstimationError, match="Unknown interval method"):
        Design(df).proportion("sch.wide", ci="exact")
    with pytest.raises(EstimationError, match="not numeric"):
        Design(df).mean("stype")


def test_wilson_interval_is_the_score_interval_with_effective_n():
    # not in R's survey: checked against the textbook formula with n_eff = p(1-p)/se^2
    out = designs()["strat"].proportion("sch.wide", level="Yes", ci="wilson")
    p, se = out["estimate"].iloc[0], out["se"].iloc[0]
    n_eff = p * (1 - p) / se**2
    t = stats.t.ppf(0.975, designs()["strat"].degf)
    centre = (p + t**2 / (2 * n_eff)) / (1 + t**2 / n_eff)
    half = t / (1 + t**2 / n_eff) * np.sqrt(p * (1 - p) / n_eff + t**2 / (4 * n_eff**2))
    assert out["ci_low"].iloc[0] == pytest.approx(centre - half, rel=1e-12)
    assert out["ci_high"].iloc[0] == pytest.approx(centre + half, rel=1e-12)
    assert 0 < out["ci_low"].iloc[0] < p < out["ci_high"].iloc[0] < 1
