"""Weighting (post-stratification, raking, GREG calibration) against R's survey 4.1.1.

Reference numbers: tests/reference/survey_reference.csv from make_reference.R;
each design below names the R call that made its case. Estimates to 1e-8,
standard errors, deffs and CIs to 1e-6 (relative).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from diagnosis.estimate import Design
from diagnosis.weight import (
    WeightingError,
    calibrate,
    effective_n,
    kish_deff,
    poststratify,
    rake,
    trim_weights,
    weight_summary,
)

_spec = importlib.util.spec_from_file_location(
    "api_cases", Path(__file__).parent / "reference" / "api_cases.py"
)
cases = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cases)
_test_spec = importlib.util.spec_from_file_location(
    "test_estimate_helpers", Path(__file__).parent / "test_estimate.py"
)
_helpers = importlib.util.module_from_spec(_test_spec)
_test_spec.loader.exec_module(_helpers)
check = _helpers.check

POP = cases.population()
TYPES = {"E": POP["stype.E"], "H": POP["stype.H"], "M": POP["stype.M"]}
SCHWIDE = {"No": POP["sch.wide.No"], "Yes": POP["sch.wide.Yes"]}
COMPIMP = {"No": 2000.0, "Yes": 4194.0}  # as pop.compimp in make_reference.R
# pop.cross: table(apipop$stype, apipop$sch.wide), written by make_reference.R
_CROSS = pd.read_csv(cases.DATA / "apipop_cross.csv")
CROSS = {(r.stype, r._2): float(r.Freq) for r in _CROSS.itertuples()}


def weighted_designs() -> dict[str, Design]:
    base = _helpers.designs()
    clus1, clus2, strat = base["clus1"], base["clus2"], base["strat"]
    greg = {"stype": TYPES, "api99": POP["api99"]}
    return {
        # postStratify(clus1, ~stype, pop.types)
        "clus1/poststratify": clus1.poststratify("stype", TYPES),
        # postStratify(clus2, ~stype, pop.types)
        "clus2/poststratify": clus2.poststratify("stype", TYPES),
        # rake(clus1, list(~stype, ~sch.wide), list(pop.types, pop.schwide), control = tight)
        "clus1/rake": clus1.rake({"stype": TYPES, "sch.wide": SCHWIDE}),
        # rake(strat, list(~sch.wide, ~comp.imp), list(pop.schwide, pop.compimp), control = tight)
        "strat/rake": strat.rake({"sch.wide": SCHWIDE, "comp.imp": COMPIMP}),
        # calibrate(clus1, ~stype + api99, pop.greg)
        "clus1/calibrate": clus1.calibrate(greg),
        # calibrate(clus2, ~stype + api99, pop.greg)
        "clus2/calibrate": clus2.calibrate(greg),
        # calibrate(clus1, ~stype + I(sch.wide=="No") + I(sch.wide=="Yes") + api99, pop.col,
        #           bounds = c(-1e10, 1e10)): intercept, all of stype and all of sch.wide
        "clus1/calibrate-collinear": clus1.calibrate(
            {"stype": TYPES, "sch.wide": SCHWIDE, "api99": POP["api99"]}, intercept=POP["N"]
        ),
        # rake(clus1, list(~stype + sch.wide, ~comp.imp), list(pop.cross, pop.compimp), ...)
        "clus1/rake-crossed": clus1.rake({("stype", "sch.wide"): CROSS, "comp.imp": COMPIMP}),
        # calibrate(clus1, ~stype + api99, pop.greg, bounds = c(0.4, 1.6))
        "clus1/calibrate-bounded": clus1.calibrate(greg, bounds=(0.4, 1.6)),
        # calibrate(clus1, ~stype + api99, pop.greg, calfun = "raking")
        "clus1/calibrate-raking": clus1.calibrate(greg, calfun="raking"),
        # calibrate(clus1, ~stype + api99, pop.greg, calfun = "logit", bounds = c(0.7, 1.7))
        "clus1/calibrate-logit": clus1.calibrate(greg, calfun="logit", bounds=(0.7, 1.7)),
        # trimWeights(rake(clus1, ... as clus1/rake ...), upper = 55, strict = TRUE)
        "clus1/rake-trim": clus1.rake({"stype": TYPES, "sch.wide": SCHWIDE}).trim(
            upper=55, strict=True
        ),
        # trimWeights(strat, upper = 40, lower = 18, strict = TRUE)
        "strat/trim": strat.trim(upper=40, lower=18, strict=True),
    }


@pytest.mark.parametrize("case", list(weighted_designs()))
def test_weighted_designs_match_r_survey(case):
    des = weighted_designs()[case]
    check(cases.compare(cases.calibrated(case, des), [case]))


@pytest.mark.parametrize("case", list(weighted_designs()))
def test_weighted_designs_joint_missing_values_match_r(case):
    des = weighted_designs()[case]
    check(cases.compare(cases.joint_na(case, des, deff=True), [f"{case}/joint-na"]))


@pytest.mark.parametrize("case", list(weighted_designs()))
def test_weighted_designs_quantiles_match_r(case):
    des = weighted_designs()[case]
    check(cases.compare(cases.quantiles(case, des), [f"{case}/quantile"]))


@pytest.mark.parametrize("case", list(weighted_designs()))
def test_weighted_designs_crosstabs_match_r(case):
    des = weighted_designs()[case]
    check(cases.compare(cases.crosstabs(case, des), [f"{case}/crosstab"]))


@pytest.mark.parametrize("case", list(weighted_designs()))
def test_weighted_designs_glms_match_r(case):
    des = weighted_designs()[case]
    check(cases.compare(cases.models(case, des), [f"{case}/glm"]))


def test_weighted_margins_equal_the_targets():
    df = cases.api("apiclus1")
    raked = rake(df["pw"].to_numpy(), df, {"stype": TYPES, "sch.wide": SCHWIDE})
    for name, target in (("stype", TYPES), ("sch.wide", SCHWIDE)):
        got = pd.Series(raked.weights).groupby(df[name].to_numpy()).sum()
        for level, count in target.items():
            assert got[level] == pytest.approx(count, rel=1e-12)
    cal = calibrate(df["pw"].to_numpy(), df, {"stype": TYPES, "api99": POP["api99"]})
    assert cal.weights @ df["api99"] == pytest.approx(POP["api99"], rel=1e-12)


def test_missing_cells_are_named():
    df = cases.api("apiclus1")
    w = df["pw"].to_numpy()
    with pytest.raises(WeightingError, match=r"stype=X"):
        poststratify(w, df, "stype", {**TYPES, "X": 10.0})
    with pytest.raises(WeightingError, match=r"stype=H.*absent from the population"):
        poststratify(w, df, "stype", {"E": 4421.0, "M": 1018.0})
    with pytest.raises(WeightingError, match=r"sch.wide=Maybe"):
        rake(w, df, {"stype": TYPES, "sch.wide": {**SCHWIDE, "Maybe": 5.0}})


def test_raking_that_cannot_converge_raises():
    df = pd.DataFrame({"a": ["x", "x", "y"], "b": ["u", "u", "v"]})
    # a=y and b=v are the same respondents but the targets disagree
    with pytest.raises(WeightingError, match="did not converge"):
        rake(np.ones(3), df, {"a": {"x": 2.0, "y": 8.0}, "b": {"u": 5.0, "v": 5.0}}, max_iter=50)


def test_inconsistent_collinear_totals_raise():
    df = cases.api("apiclus1")
    bad = {"stype": TYPES, "sch.wide": {"No": 1.0, "Yes": 2.0}}
    with pytest.raises(WeightingError, match="contradicts"):
        calibrate(df["pw"].to_numpy(), df, bad)


def test_many_variables_at_once_equal_one_at_a_time():
    des = weighted_designs()["clus1/rake"]
    joint = des.mean(["api00", "api99", "meals"], by="stype")
    alone = pd.concat([des.mean(v, by="stype") for v in ["api00", "api99", "meals"]])
    np.testing.assert_allclose(joint["se"], alone["se"], rtol=1e-12)


def test_weight_diagnostics():
    w = np.array([1.0, 1.0, 2.0, 4.0])
    assert kish_deff(w) == pytest.approx(1 + (w.std() / w.mean()) ** 2)
    assert effective_n(w) == pytest.approx(len(w) / kish_deff(w))
    summary = weight_summary(w)
    assert summary["max_min_ratio"].iloc[0] == 4.0
    trimmed = trim_weights(w, upper=3.0)
    assert trimmed.max() <= 3.0 + 1e-12 and trimmed.sum() == pytest.approx(w.sum())


def test_crossed_margin_and_bounded_calibration_meet_their_targets():
    df = cases.api("apiclus1")
    w = df["pw"].to_numpy()
    raked = rake(w, df, {("stype", "sch.wide"): CROSS, "comp.imp": COMPIMP})
    cells = pd.Series(raked.weights).groupby([df["stype"], df["sch.wide"]]).sum()
    for key, count in CROSS.items():
        assert cells[key] == pytest.approx(count, rel=1e-12)
    greg = {"stype": TYPES, "api99": POP["api99"]}
    bounded = calibrate(w, df, greg, bounds=(0.4, 1.6))
    g = bounded.weights / w
    assert g.min() >= 0.4 - 1e-12 and g.max() <= 1.6 + 1e-12
    assert bounded.weights @ df["api99"] == pytest.approx(POP["api99"], rel=1e-7)
    with pytest.raises(WeightingError, match="did not converge"):
        calibrate(w, df, greg, bounds=(0.8, 1.2))  # R: "Calibration failed"
    with pytest.raises(WeightingError, match="finite for calfun='logit'"):
        calibrate(w, df, greg, calfun="logit")
    with pytest.raises(WeightingError, match="Unknown calfun"):
        calibrate(w, df, greg, calfun="cubic")


def test_trimming_as_r_shares_the_excess_equally():
    # R: weights(trimWeights(svydesign(id = ~1, weights = ~w, data = df), upper = 6)) with
    # w = c(1, 2, 3, 9, 10): one round (strict = FALSE) gives 10/3, 13/3, 16/3, 6, 6
    w = np.array([1.0, 2, 3, 9, 10])
    once = trim_weights(w, upper=6.0, spread="equal", strict=False)
    np.testing.assert_allclose(once, [10 / 3, 13 / 3, 16 / 3, 6, 6], rtol=1e-14)
    assert once.sum() == pytest.approx(w.sum())
    # R: trimWeights(<w = c(1, 1, 10, 30)>, upper = 14, strict = TRUE) gives 7, 7, 14, 14
    strict = trim_weights(np.array([1.0, 1, 10, 30]), upper=14.0, spread="equal")
    np.testing.assert_allclose(strict, [7, 7, 14, 14], rtol=1e-14)
    # with upper = 12 the trimmed weight takes a share and is trimmed again, round after
    # round (R's recursion overflows its stack); the excess shrinks to nothing
    slow = trim_weights(np.array([1.0, 1, 10, 30]), upper=12.0, spread="equal", max_iter=1000)
    assert slow.max() <= 12.0 and slow.sum() == pytest.approx(42.0)
    with pytest.raises(WeightingError, match="cannot be trimmed"):
        trim_weights(np.array([1.0, 1, 10, 30]), upper=12.0, spread="equal", max_iter=3)
