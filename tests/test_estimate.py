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


@pytest.mark.parametrize("case", ["strat", "clus1"])
def test_glm_logical_and_two_level_responses_model_the_second_level(case):
    # svyglm(I(sch.wide == "Yes") ~ ell + meals + mobility, des, family = quasibinomial()),
    # the same with the factor sch.wide (levels No, Yes), and the gaussian fit of the logical
    # response: P(Yes), not P(No) (issue #12; clus1's intercept is +1.726)
    args = {
        "strat": {"weights": "pw", "strata": "stype", "fpc": "fpc"},
        "clus1": {"weights": "pw", "clusters": "dnum", "fpc": "fpc"},
    }[case]
    source = {"strat": "apistrat", "clus1": "apiclus1"}[case]
    des = Design(cases.with_responses(cases.api(source)), **args)
    merged = cases.compare(
        cases.glm_responses(case, des),
        [f"{case}/glm-response/logical", f"{case}/glm-response/factor"],
    )
    check(merged)


def test_glm_refuses_a_response_that_expands_to_several_columns():
    # R fits svyglm(stype ~ meals, des, family = quasibinomial()) as P(stype != "E") without
    # a word; we refuse a 3-level response (and cbind-like ones) in both languages
    des = designs()["strat"]
    for formula in ("stype ~ meals", "C(stype) ~ meals"):
        with pytest.raises(EstimationError, match="two-level category") as err:
            des.glm(formula, family="quasibinomial")
        assert "dwóch kategoriach" in err.value.message("pl")
    with pytest.raises(EstimationError, match="two-level category"):
        des.glm("api00 + api99 ~ meals")


def _lonely_design(option: str) -> Design:
    # svydesign(id = ~psu, strata = ~st, weights = ~w, data = lonely_domains)
    return Design(
        cases.api("lonely_domains"), weights="w", strata="st", clusters="psu", lonely_psu=option
    )


def check_nan(merged: pd.DataFrame) -> None:
    """Where R's SE is NaN (every present stratum lonely under "average") ours is too."""
    r = merged["se_r"].to_numpy(dtype=float)
    py = merged["se_py"].to_numpy(dtype=float)
    bad = np.isnan(r) != np.isnan(py)
    assert not bad.any(), merged.loc[bad, [*cases.KEYS, "se_r", "se_py"]].to_string()


@pytest.mark.parametrize("deff", [True, False])
@pytest.mark.parametrize("option", ["average", "adjust", "remove", "certainty", "fail"])
def test_lonely_psu_in_domains_and_complete_cases_matches_r(option, deff):
    # options(survey.lonely.psu = option); svyby(~y, ~g, des, svymean / svytotal / svyratio),
    # svyby(~y, ~h, des, svymean), svymean(~y2 / ~y3, des, na.rm = TRUE), svyglm(y2 / y3 ~ x1):
    # only the strata a domain (or the complete cases) touches count, as in R's subsets
    des = _lonely_design(option)
    case = f"lonely-domain-{option}"
    merged = cases.compare(
        cases.lonely_domains(case, des, fails=option == "fail", deff=deff), [case]
    )
    if not deff:
        merged["deff_r"] = np.nan  # not asked for
    check(merged)
    check_nan(merged)


def test_lonely_psu_fail_raises_only_where_r_stops():
    # options(survey.lonely.psu = "fail"): R stops for svyby(~y, ~g, des, svymean) (g = "y"
    # and "z" touch the lonely stratum c), svymean(~y2, des, na.rm = TRUE) and svyglm(y2 ~ x1)
    # (c has answers), and on a calibrated design, which keeps stratum c in every domain
    des = _lonely_design("fail")
    message = r"Stratum \(c\) has only one PSU"
    for call in (
        lambda: des.mean("y", by="g"),
        lambda: des.mean("y", by="g", deff=True),
        lambda: des.total("y", by="g"),
        lambda: des.mean("y2"),
        lambda: des.glm("y2 ~ x1"),
        lambda: des.poststratify("k", {"f": 40, "m": 35}).mean("y", by="h"),
    ):
        with pytest.raises(EstimationError, match=message):
            call()
    # R computes these: the domains of h and the answers to y3 leave out stratum c
    assert np.isfinite(des.mean("y", by="h")["se"]).all()
    assert np.isfinite(des.proportion("g", level="x", by="h")["se"]).all()
    assert np.isfinite(des.quantile("y3", 0.5)["se"]).all()
    assert np.isfinite(des.glm("y3 ~ x1")["se"]).all()


@pytest.mark.parametrize("option", ["average", "adjust", "remove", "certainty"])
def test_lonely_psu_on_a_calibrated_design_counts_every_stratum(option):
    # postStratify(des, ~k, data.frame(k = c("f", "m"), Freq = c(40, 35))); svyby(~y, ~g, ps,
    # svymean); svyby(~y, ~h, ps, svymean): R keeps every row (zero weights), so every stratum
    ps = _lonely_design(option).poststratify("k", {"f": 40, "m": 35})
    case = f"lonely-domain-{option}"
    merged = cases.compare(cases.lonely_domains(case, ps, fails=False), [f"{case}/poststratify"])
    check(merged)
    check_nan(merged)


@pytest.mark.parametrize("deff", [True, False])
@pytest.mark.parametrize("option", ["average", "adjust", "remove", "certainty"])
def test_lonely_unit_at_stage_two_matches_r(option, deff):
    # svydesign(id = ~p + s, fpc = ~f1 + f2, data = lonely_stage2); svymean(~y, des);
    # svyby(~y, ~g, des, svymean): PSU 3 holds one sampled unit of four
    des = Design(
        cases.api("lonely_stage2"), clusters=["p", "s"], fpc=["f1", "f2"], lonely_psu=option
    )
    case = f"lonely-stage2-{option}"
    ours = pd.concat(
        [
            cases._rows(case, "mean", des.mean("y", deff=deff).assign(deff=np.nan), []),
            cases._rows(case, "mean", des.mean("y", by="g", deff=deff).assign(deff=np.nan), ["g"]),
        ]
    )
    merged = cases.compare(ours, [case])
    check(merged)
    check_nan(merged)


def _weighted(case: str) -> Design:
    """The weighted designs of make_reference.R used by the newer cases, same names."""
    pop = cases.population()
    types = {k: pop[f"stype.{k}"] for k in "EHM"}
    clus1 = designs()["clus1"]
    if case == "clus1/rake":
        # rake(clus1, list(~stype, ~sch.wide), list(pop.types, pop.schwide), control = tight)
        schwide = {k: pop[f"sch.wide.{k}"] for k in ("No", "Yes")}
        return clus1.rake({"stype": types, "sch.wide": schwide})
    # calibrate(clus1, ~stype + api99, pop.greg)
    return clus1.calibrate({"stype": types, "api99": pop["api99"]})


@pytest.mark.parametrize(
    "case", ["srs", "strat", "clus1", "clus2", "clus2w", "clus1/rake", "clus1/calibrate"]
)
def test_means_of_a_factor_with_the_wald_interval_match_r(case):
    # svymean(~stype, des, deff = TRUE), svymean(~mealcat, ...), svyby(~mealcat, ~sch.wide,
    # des, svymean, deff = TRUE) and confint() of each: p -/+ qnorm(0.975) se
    des = designs()[case] if "/" not in case else _weighted(case)
    merged = cases.compare(cases.factor_means(case, des), [f"{case}/factor-mean"])
    assert len(merged) == 12  # 3 + 3 levels, 3 levels x 2 domains
    check(merged)


@pytest.mark.parametrize("case", ["srs", "strat", "clus1", "clus2", "clus2w", "clus1/rake"])
def test_deff_replace_matches_r(case):
    # svymean(~api00 + enroll, des, deff = "replace"), svytotal(~enroll, ...),
    # svyratio(~api.stu, ~enroll, ...), svyby(~api00, ~stype, des, svymean, deff = "replace")
    des = designs()[case] if "/" not in case else _weighted(case)
    merged = cases.compare(cases.deff_replace(case, des), [f"{case}/deff-replace"])
    assert len(merged) == 7  # every R row (compare() checks they all have a partner)
    check(merged)


@pytest.mark.parametrize(
    "case", ["srs", "strat", "clus1", "clus2", "clus2w", "clus1/rake", "clus1/calibrate"]
)
def test_variances_match_r(case):
    # svyvar(~api00, des); svyvar(~api99na, des, na.rm = TRUE); svyvar(~api00 + enroll, des,
    # na.rm = TRUE) (the matrix); svyby(~api00, ~stype, des, svyvar); svyby(~api99na, ...)
    des = designs()[case] if "/" not in case else _weighted(case)
    merged = cases.compare(cases.variances(case, des), [f"{case}/var"])
    assert len(merged) == 12  # 1 + 1 + 4 + 3 + 3
    check(merged)


@pytest.mark.parametrize(
    "case", ["srs", "strat", "clus1", "clus2", "clus2w", "clus1/rake", "clus1/calibrate"]
)
def test_covariances_and_contrasts_match_r(case):
    # vcov(svymean(~api00 + api99, des)) and svycontrast(<it>, list(diff, avg));
    # svycontrast(svytotal(~api.stu + enroll, des, na.rm = TRUE), ...); vcov() and
    # svycontrast() of svyby(~api00, ~stype, des, svymean, covmat = TRUE) (svyglm(api00 ~ 0 +
    # stype) on calibrated designs), of svyglm(api00 ~ enroll + meals + stype), and on
    # uncalibrated designs of svyby(~api00 + api99, ~stype, ...) and svyby(~api.stu, ~stype,
    # des, svyratio, denominator = ~enroll, covmat = TRUE)
    des = designs()[case] if "/" not in case else _weighted(case)
    merged = cases.compare(cases.contrasts(case, des), [f"{case}/contrast"])
    assert len(merged) == (4 + 2 + 1 + 9 + 3 + 1) + (0 if des.calibrated else 36 + 1 + 9 + 1)
    check(merged)


def test_estimates_covariance_diagonal_is_the_squared_se():
    des = designs()["clus2"]
    est = des.estimates(["api00", "enroll"], by="stype")
    table = des.mean(["api00", "enroll"], by="stype")
    np.testing.assert_allclose(np.diag(est.cov), table["se"] ** 2, rtol=1e-12)
    assert est.labels == [f"{d}:{v}" for v in ("api00", "enroll") for d in "EHM"]
    with pytest.raises(EstimationError, match="no estimate 'X:api00'"):
        est.contrast({"X:api00": 1})
    with pytest.raises(EstimationError, match="has 2 coefficients but there are 6"):
        est.contrast([1, -1])


@pytest.mark.parametrize(
    "case", ["srs", "strat", "clus1", "clus2", "clus2w", "clus1/rake", "clus1/calibrate"]
)
def test_subset_designs_match_r(case):
    # e <- subset(des, stype == "E"): svyglm(api00 ~ ell + meals + mobility, e),
    # svyglm(yes ~ ell + meals, e, family = quasibinomial()), svymean, svyvar, svyciprop(beta),
    # svyquantile, svyby(~api00, ~sch.wide, e, svymean); svychisq(~sch.wide + comp.imp,
    # subset(des, stype != "H"))
    des = designs()[case] if "/" not in case else _weighted(case)
    merged = cases.compare(cases.subsets(case, des), [f"{case}/subset"])
    assert len(merged) == 4 + 3 + 2 + 1 + 1 + 2 + 2 + 2
    check(merged)


@pytest.mark.parametrize("option", ["fail", "average", "adjust"])
def test_lonely_psu_in_subsets_matches_r(option):
    # svymean(~y, subset(des, g == "x")), svyglm(y ~ x1, subset(des, g == "x")) and, but for
    # "fail", the same on subset(des, g != "z"), which touches the lonely stratum
    des = _lonely_design(option)
    case = f"lonely-subset-{option}"
    merged = cases.compare(cases.lonely_subsets(case, des), [case])
    check(merged)
    check_nan(merged)
    if option == "fail":
        with pytest.raises(EstimationError, match=r"Stratum \(c\) has only one PSU"):
            des.subset(des.data["g"] != "z").glm("y ~ x1")


def test_subset_equals_the_domain_and_checks_its_mask():
    des = designs()["clus2"]
    mask = des.data["stype"] == "M"
    alone = des.subset(mask).mean(["api00", "enroll"])
    domain = des.mean(["api00", "enroll"], by="stype").query("stype == 'M'")
    np.testing.assert_allclose(alone["se"], domain["se"], rtol=1e-12)
    assert des.subset(mask).degf == des.subset(mask.to_numpy()).degf
    with pytest.raises(EstimationError, match="mask has 3 values"):
        des.subset([True, False, True])


@pytest.mark.parametrize(
    "case", ["srs", "strat", "clus1", "clus2", "clus2w", "clus1/rake", "clus1/calibrate"]
)
def test_glm_families_match_r(case):
    # svyglm(enroll ~ meals + ell + stype, des, family = poisson() / quasipoisson()) and
    # svyglm(yes ~ meals + stype, des, family = binomial()): coefficients, SEs, confint
    des = designs()[case] if "/" not in case else _weighted(case)
    merged = cases.compare(cases.families(case, des), [f"{case}/glm-family"])
    assert len(merged) == 5 + 5 + 4
    check(merged)


def test_glm_refuses_a_response_outside_the_family():
    des = designs()["srs"]
    with pytest.raises(EstimationError, match="must lie in \\[0, 1\\]"):
        des.glm("enroll ~ meals", family="binomial")
    with pytest.raises(EstimationError, match="cannot be negative"):
        des.glm("I(-enroll) ~ meals", family="poisson")
    with pytest.raises(EstimationError, match="Unknown family"):
        des.glm("enroll ~ meals", family="gamma")


@pytest.mark.parametrize(
    "case", ["srs", "strat", "clus1", "clus2", "clus2w", "clus1/rake", "clus1/calibrate"]
)
def test_likelihood_intervals_of_proportions_match_r(case):
    # svyciprop(~I(comp.imp == "Yes"), des, method = "likelihood") and its svyby over stype;
    # the same for sch.wide on the uncalibrated designs
    des = designs()[case] if "/" not in case else _weighted(case)
    merged = cases.compare(cases.likelihood(case, des), [f"{case}/likelihood"])
    assert len(merged) == (4 if des.calibrated else 8)
    check(merged)


def test_spline_is_r_fmm_spline():
    # R: x <- c(0, 0.3, 0.9, 1.4, 2.0, 2.2, 3.5); spline(x, sin(x) * 3 + x^2)$y[c(1, 5, 11, 21)]
    from diagnosis.estimate.intervals import spline

    x = np.array([0, 0.3, 0.9, 1.4, 2.0, 2.2, 3.5])
    u, v = spline(x, np.sin(x) * 3 + x**2)
    assert len(u) == 21
    r = [0.0, 2.4215768228945, 6.01345809216922, 11.1976503169311]
    np.testing.assert_allclose(v[[0, 4, 10, 20]], r, rtol=1e-12)


@pytest.mark.parametrize(
    "case", ["srs", "strat", "clus1", "clus2", "clus2w", "clus1/rake", "clus1/calibrate"]
)
def test_quantile_rules_and_interval_types_match_r(case):
    # svyquantile(~api00, des, c(0.1, 0.25, 0.5, 0.9), qrule = r, ci = TRUE) for all 12 rules;
    # svyquantile(~api00 + enroll, des, c(0.25, 0.5), interval.type = "beta" / "xlogit" /
    # "asin", qrule = "math" / "hf7", na.rm = TRUE); svyby(~api00, ~stype, des, svyquantile,
    # qrule = "hf7" / "school", interval.type = "mean" / "beta"); svyciprop(method = "asin")
    des = designs()[case] if "/" not in case else _weighted(case)
    merged = cases.compare(cases.qrules(case, des), [f"{case}/qrule"])
    assert len(merged) == 12 * 4 + 2 * 3 * 4 + 2 * 3 + 4
    check(merged)
    check_nan(merged)


def test_unknown_quantile_rule_or_interval_raises():
    des = designs()["srs"]
    with pytest.raises(EstimationError, match="Unknown qrule"):
        des.quantile("api00", qrule="hf10")
    with pytest.raises(EstimationError, match="Unknown interval_type"):
        des.quantile("api00", interval_type="wald")


@pytest.mark.parametrize(
    "case", ["srs", "strat", "clus1", "clus2", "clus2w", "clus1/rake", "clus1/calibrate"]
)
def test_score_intervals_of_quantiles_match_r(case):
    # svyquantile(~api00, des, c(0.25, 0.5, 0.9), interval.type = "score", qrule = "math" /
    # "hf7", ci = TRUE) and svyby(~api00, ~stype, des, svyquantile, quantiles = 0.5,
    # interval.type = "score"): R's uniroot, step for step
    des = designs()[case] if "/" not in case else _weighted(case)
    merged = cases.compare(cases.score_quantiles(case, des), [f"{case}/qrule-score"])
    assert len(merged) == 3 + 3 + 3
    check(merged)
    check_nan(merged)
