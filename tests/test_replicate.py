"""Replicate-weight designs and the last R checks of issue #12, against R's survey 4.1.1.

Reference numbers: tests/reference/replicate_reference.csv, written by
tests/reference/replicate_reference.R (each case there names its R call). Estimates
to 1e-8, standard errors and CIs to 1e-6 (relative), as tests/test_estimate.py.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from diagnosis.estimate import Design, EstimationError, ReplicateDesign
from diagnosis.estimate.replicate import r_rank, replicate_variance
from diagnosis.weight import WeightingError

HERE = Path(__file__).parent


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# our own copy of api_cases, reading our reference file
cases = _load("replicate_api_cases", HERE / "reference" / "api_cases.py")
cases.REFERENCE = HERE / "reference" / "replicate_reference.csv"
check = _load("replicate_estimate_helpers", HERE / "test_estimate.py").check
REFERENCE = pd.read_csv(cases.REFERENCE, na_values=["NA"], keep_default_na=False)
POP = cases.population()
TYPES = {"E": POP["stype.E"], "H": POP["stype.H"], "M": POP["stype.M"]}
SCHWIDE = {"No": POP["sch.wide.No"], "Yes": POP["sch.wide.Yes"]}


def data(name: str) -> pd.DataFrame:
    return pd.read_csv(cases.DATA / f"{name}.csv")


def r_value(case: str, statistic: str) -> np.ndarray:
    rows = REFERENCE[(REFERENCE["case"] == case) & (REFERENCE["statistic"] == statistic)]
    return rows["estimate"].to_numpy(dtype=float)


def taylor() -> dict[str, Design]:
    return {
        # svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc, data = apiclus1)
        "clus1": Design(cases.api("apiclus1"), weights="pw", clusters="dnum", fpc="fpc"),
        # svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = apistrat)
        "strat": Design(cases.api("apistrat"), weights="pw", strata="stype", fpc="fpc"),
        # svydesign(id = ~dnum + snum, weights = ~pw, data = apiclus2)
        "clus2w": Design(cases.api("apiclus2"), weights="pw", clusters=["dnum", "snum"]),
        # svydesign(id = ~dnum, strata = ~pair, weights = ~pw, data = pairs)
        "pairs": Design(data("replicate_pairs"), weights="pw", strata="pair", clusters="dnum"),
    }


def replicate_designs() -> dict[str, ReplicateDesign]:
    """The replicate designs of replicate_reference.R, same names."""
    t = taylor()
    jk1 = t["clus1"].replicate("JK1")
    jkn_pairs = t["pairs"].replicate("JKn")
    boot = data("replicate_boot_clus1")
    boot_scale = float(r_value("boot-clus1", "scale")[0])
    published, published_pairs = data("replicate_published"), data("replicate_published_pairs")
    return {
        # as.svrepdesign(clus1, type = "JK1") (and mse = TRUE)
        "jk1-clus1": jk1,
        "jk1-clus1/mse": t["clus1"].replicate("JK1", mse=True),
        # as.svrepdesign(clus2w, type = "JK1")
        "jk1-clus2w": t["clus2w"].replicate("JK1"),
        # as.svrepdesign(strat, type = "JKn")
        "jkn-strat": t["strat"].replicate("JKn"),
        # as.svrepdesign(pairs_des, type = "JKn" / "BRR" / "Fay", ...)
        "jkn-pairs": jkn_pairs,
        "jkn-pairs/mse": t["pairs"].replicate("JKn", mse=True),
        "brr-pairs": t["pairs"].replicate("BRR"),
        "brr-pairs/mse": t["pairs"].replicate("BRR", mse=True),
        "fay-pairs": t["pairs"].replicate("Fay", fay_rho=0.3),
        # R's bootstrap multipliers of as.svrepdesign(clus1, type = "bootstrap"), R's scale
        "boot-clus1": ReplicateDesign(
            boot, "^b[0-9]+$", "bootstrap", weights="pw", combined_weights=False, scale=boot_scale
        ),
        "boot-clus1/mse": ReplicateDesign(
            boot,
            "^b[0-9]+$",
            "bootstrap",
            weights="pw",
            combined_weights=False,
            scale=boot_scale,
            mse=True,
        ),
        # svrepdesign(data = published, weights = ~pw, repweights = "jk1w[0-9]+", type = "JK1",
        #             scale = jk1$scale) (and mse = TRUE; and without scale)
        "svrep-jk1": ReplicateDesign(published, "jk1w[0-9]+", "JK1", weights="pw", scale=jk1.scale),
        "svrep-jk1/mse": ReplicateDesign(
            published, "jk1w[0-9]+", "JK1", weights="pw", scale=jk1.scale, mse=True
        ),
        "svrep-jk1-guess": ReplicateDesign(published, "jk1w[0-9]+", "JK1", weights="pw"),
        # svrepdesign(data = published, weights = ~pw, repweights = "bw[0-9]+", type = "bootstrap")
        "svrep-boot": ReplicateDesign(published, "bw[0-9]+", "bootstrap", weights="pw"),
        # svrepdesign(..., repweights = "jknw[0-9]+", type = "JKn", rscales = jkn$rscales)
        "svrep-jkn": ReplicateDesign(
            published_pairs, "jknw[0-9]+", "JKn", weights="pw", rscales=jkn_pairs.rscales
        ),
        # svrepdesign(..., repweights = "fayw[0-9]+", type = "Fay", rho = 0.3) (and mse = TRUE)
        "svrep-fay": ReplicateDesign(published_pairs, "fayw[0-9]+", "Fay", weights="pw", rho=0.3),
        "svrep-fay/mse": ReplicateDesign(
            published_pairs, "fayw[0-9]+", "Fay", weights="pw", rho=0.3, mse=True
        ),
        # svrepdesign(..., repweights = "brrw[0-9]+", type = "BRR")
        "svrep-brr": ReplicateDesign(published_pairs, "brrw[0-9]+", "BRR", weights="pw"),
        # svrepdesign(..., repweights = "jkn[0-9]+", type = "JKn", rscales = jkn$rscales,
        #             combined.weights = FALSE)
        "svrep-jkn-factors": ReplicateDesign(
            data("replicate_pairs"),
            "jkn[0-9]+",
            "JKn",
            weights="pw",
            rscales=jkn_pairs.rscales,
            combined_weights=False,
        ),
    }


def _level(value: object) -> object:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return np.nan
    return f"{value:g}" if isinstance(value, float) else str(value)


def rows(case: str, statistic: str, frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    out = cases._rows(case, statistic, frame.assign(deff=np.nan), by)
    out["level"] = out["level"].map(_level)
    return out


def info(case: str, des: ReplicateDesign) -> list[pd.DataFrame]:
    def one(statistic: str, values: np.ndarray, level: list | None = None) -> pd.DataFrame:
        values = np.atleast_1d(values)
        return pd.DataFrame(
            {
                "case": case,
                "statistic": statistic,
                "variable": "design",
                "level": level if level is not None else [np.nan] * len(values),
                "domain": np.nan,
                "estimate": values,
                **{k: np.nan for k in ("se", "ci_low", "ci_high", "deff")},
            }
        )

    r = len(des.rscales)
    return [
        one("scale", np.array([des.scale])),
        one("rscales", des.rscales, [str(k) for k in range(1, r + 1)]),
        one("degf", np.array([des.degf])),
    ]


def glm_rows(case: str, statistic: str, fit: pd.DataFrame, prefix: str = "") -> pd.DataFrame:
    names = fit["variable"].map(cases._r_name).map(lambda v: f"{prefix}{v}")
    return rows(case, statistic, fit.assign(variable=names, level=np.nan), [])


def rep_standard(case: str, des: ReplicateDesign) -> pd.DataFrame:
    """R's ``rep_standard()``: every statistic of a replicate case."""
    out = info(case, des)
    out += [
        rows(case, "mean", des.mean(["api00", "enroll"]), []),
        rows(case, "mean", des.mean("api99na"), []),
        rows(f"{case}/joint-na", "mean", des.mean(["api00", "avg.ed", "api99na"]), []),
        rows(case, "total", des.total("enroll"), []),
        rows(case, "total", des.total("api99na"), []),
        rows(case, "ratio", des.ratio("api.stu", ["enroll", "api99na"], na_rm="each"), []),
        rows(case, "proportion:wald", des.proportion("stype"), []),
        rows(case, "proportion:wald", des.proportion("mealcat"), []),
        rows(case, "mean", des.mean("api00", by="stype"), ["stype"]),
        rows(case, "total", des.total("enroll", by="stype"), ["stype"]),
        rows(case, "ratio", des.ratio("api.stu", "enroll", by="stype"), ["stype"]),
        rows(case, "mean", des.mean("api00", by=["stype", "sch.wide"]), ["stype", "sch.wide"]),
        rows(case, "mean", des.mean("api99na", by="stype"), ["stype"]),
        rows(case, "proportion:wald", des.proportion("mealcat", by="sch.wide"), ["sch.wide"]),
    ]
    for m in ("logit", "mean", "beta", "xlogit", "asin"):
        out.append(rows(case, f"proportion:{m}", des.proportion("sch.wide", "Yes", ci=m), []))
        by = des.proportion("sch.wide", "Yes", ci=m, by="stype")
        out.append(rows(case, f"proportion:{m}", by, ["stype"]))
    out.append(glm_rows(case, "glm:gaussian", des.glm("api00 ~ enroll + meals + C(stype)")))
    out.append(glm_rows(case, "glm:gaussian", des.glm("api00 ~ api99na + meals"), "na~"))
    quasi = des.glm("yes ~ meals + C(stype)", family="quasibinomial")
    out.append(glm_rows(case, "glm:quasibinomial", quasi))
    q = f"{case}/quantile"
    out += [
        rows(q, "quantile", des.quantile(["api00", "enroll"], [0.25, 0.5, 0.9]), []),
        rows(
            q,
            "quantile:quantile",
            des.quantile("api00", [0.25, 0.5, 0.9], interval_type="quantile"),
            [],
        ),
        rows(q, "quantile:hf7", des.quantile("api00", [0.25, 0.5], qrule="hf7"), []),
        rows(q, "quantile", des.quantile("api99na", 0.5), []),
        rows(q, "quantile", des.quantile("api00", 0.5, by="stype"), ["stype"]),
        rows(
            q,
            "quantile:quantile",
            des.quantile("api00", 0.5, by="stype", interval_type="quantile"),
            ["stype"],
        ),
    ]
    # R's interval.type = "beta", "xlogit", "asin" on a replicate design give the "mean"
    # interval (svyquantile.svyrep.design does not pass them on); ReplicateDesign refuses them
    woodruff = des.quantile("api00", 0.5)
    for kind in ("beta", "xlogit", "asin"):
        out.append(rows(q, f"quantile:{kind}", woodruff, []))
    return pd.concat(out, ignore_index=True)


REPLICATE_CASES = list(replicate_designs())


@pytest.fixture(scope="module")
def designs() -> dict[str, ReplicateDesign]:
    return replicate_designs()


@pytest.mark.parametrize("case", REPLICATE_CASES)
def test_replicate_designs_match_r(case, designs):
    # rep_standard(case, des) of replicate_reference.R: means, totals, ratios, factor means,
    # domains, svyciprop, svyglm and svyquantile on the replicate design
    parts = [case, f"{case}/joint-na", f"{case}/quantile"]
    merged = cases.compare(rep_standard(case, designs[case]), parts)
    assert len(merged) > 100
    check(merged)


def _r_weights(frame: pd.DataFrame, prefix: str) -> np.ndarray:
    return frame.filter(regex=f"^{prefix}[0-9]+$").to_numpy(dtype=float)


@pytest.mark.parametrize(
    ("design", "kind", "prefix", "file", "rho"),
    [
        ("clus1", "JK1", "r", "replicate_jk1_clus1", 0.0),
        ("pairs", "JKn", "jkn", "replicate_pairs", 0.0),
        ("pairs", "BRR", "brr", "replicate_pairs", 0.0),
        ("pairs", "Fay", "fay", "replicate_pairs", 0.3),
    ],
)
def test_replicate_weights_are_rs(design, kind, prefix, file, rho):
    # weights(as.svrepdesign(des, type = kind, fay.rho = rho), "replication"), column by column
    rd = taylor()[design].replicate(kind, fay_rho=rho)
    expected = _r_weights(data(file), prefix)
    assert rd.repweights.shape == expected.shape
    np.testing.assert_allclose(rd.repweights, expected, rtol=1e-12)
    assert rd.type == kind


def test_jkn_scales_of_a_stratified_design_with_fpc_are_rs():
    # as.svrepdesign(strat, type = "JKn"): scale 1, rscales (N_h - n_h)/N_h (n_h - 1)/n_h
    rd = taylor()["strat"].replicate("JKn")
    assert rd.scale == pytest.approx(r_value("jkn-strat/weights", "scale")[0], rel=1e-14)
    np.testing.assert_allclose(rd.rscales, r_value("jkn-strat/weights", "rscales"), rtol=1e-12)
    assert rd.degf == r_value("jkn-strat/weights", "degf")[0]


def test_bootstrap_replicates_follow_rs_construction():
    # R's random numbers cannot be had; the construction can: whole multiplicities per PSU
    # that sum to the number of PSUs (without fpc) and R's scale
    clus1 = taylor()["clus1"]
    rd = clus1.replicate("bootstrap", replicates=40, random_state=1)
    psu = clus1.data["dnum"].to_numpy()
    factors = rd.repweights
    first = np.unique(psu, return_index=True)[1]
    assert np.array_equal(factors, np.round(factors))
    assert (factors[first].sum(axis=0) == len(first)).all()  # n PSUs drawn of 15
    for u in np.unique(psu):  # constant within a PSU
        assert (factors[psu == u] == factors[psu == u][0]).all()
    n = len(first)
    assert rd.scale == pytest.approx(n / ((n - 1) * 39))
    assert rd.scale == pytest.approx(r_value("boot-clus1", "scale")[0] * 49 / 39)
    again = clus1.replicate("bootstrap", replicates=40, random_state=1)
    np.testing.assert_array_equal(again.repweights, factors)


def test_a_domain_left_empty_by_a_replicate_drops_that_replicate_as_r():
    # svrVar's na.action: a replicate with no weight in the domain gives NaN and is discarded
    thetas = np.array([[1.0], [np.nan], [3.0]])
    v = replicate_variance(thetas, np.array([2.0]), 1.0, np.ones(3), mse=False)
    assert v[0] == pytest.approx(2.0)
    v = replicate_variance(thetas, np.array([2.5]), 1.0, np.ones(3), mse=True)
    assert v[0] == pytest.approx(2.5)


@pytest.mark.parametrize("kind", ["beta", "xlogit", "asin"])
def test_quantile_interval_types_r_ignores_for_replicates_raise(kind, designs):
    with pytest.raises(EstimationError, match="computes the 'mean' interval"):
        designs["jk1-clus1"].quantile("api00", 0.5, interval_type=kind)


def test_rank_is_rs_qr_rank():
    a = np.column_stack([np.ones(5), np.arange(5.0), 2 * np.arange(5.0), np.arange(5.0) ** 2])
    assert r_rank(a) == 3  # R: qr(a, tol = 1e-5)$rank
    assert r_rank(np.zeros((4, 2))) == 0


def test_replicate_errors_are_clear():
    t = taylor()
    with pytest.raises(EstimationError, match="JK1 cannot be used"):
        t["strat"].replicate("JK1")
    with pytest.raises(EstimationError, match="needs strata"):
        t["clus1"].replicate("JKn")
    with pytest.raises(EstimationError, match="two PSUs"):
        t["strat"].replicate("BRR")
    df = data("replicate_published_pairs")
    with pytest.raises(EstimationError, match="rscales"):
        ReplicateDesign(df, "jknw[0-9]+", "JKn", weights="pw")
    with pytest.raises(EstimationError, match="rho"):
        ReplicateDesign(df, "fayw[0-9]+", "Fay", weights="pw")
    with pytest.raises(EstimationError, match="type"):
        ReplicateDesign(df, "fayw[0-9]+", "jackknife", weights="pw")


# ------------------------------------------- bounded linear calibration, collinear controls
@pytest.mark.parametrize("bounds", [(0.6, 1.6), (0.5, 2.0)])
def test_bounded_linear_calibration_on_collinear_controls_matches_r(bounds):
    # calibrate(clus1, ~stype + I(sch.wide == "No") + I(sch.wide == "Yes") + api99, pop.col,
    #           calfun = "linear", bounds = bounds): the bounds bind; R's grake() (MASS::ginv)
    clus1 = taylor()["clus1"]
    totals = {"stype": TYPES, "sch.wide": SCHWIDE, "api99": POP["api99"]}
    cal = clus1.calibrate(totals, intercept=POP["N"], calfun="linear", bounds=bounds)
    g = cal.weights / clus1.weights
    assert g.min() == pytest.approx(bounds[0], abs=1e-12)
    assert g.max() == pytest.approx(bounds[1], abs=1e-12)
    case = f"clus1/calibrate-collinear-bounded-{bounds[0]:g}-{bounds[1]:g}"
    ours = pd.concat(
        [
            cases.calibrated(case, cal),
            cases.models(case, cal),
            cases.crosstabs(case, cal),
            cases.quantiles(case, cal),
            cases.joint_na(case, cal, deff=True),
        ],
        ignore_index=True,
    )
    merged = cases.compare(
        ours, [case, f"{case}/glm", f"{case}/crosstab", f"{case}/quantile", f"{case}/joint-na"]
    )
    assert len(merged) > 80
    check(merged)


def test_bounded_linear_calibration_fails_where_r_fails():
    # calibrate(..., calfun = "linear", bounds = c(0.7, 1.5)): R stops ("Calibration failed")
    totals = {"stype": TYPES, "sch.wide": SCHWIDE, "api99": POP["api99"]}
    with pytest.raises(WeightingError, match="did not converge"):
        taylor()["clus1"].calibrate(totals, intercept=POP["N"], bounds=(0.7, 1.5))


# ------------------------------------------- lonely PSUs with missing values
def _lonely(option: str) -> Design:
    # svydesign(id = ~psu, strata = ~st, weights = ~w, data = lonely), lonely.psu = option
    return Design(
        data("replicate_lonely"), weights="w", strata="st", clusters="psu", lonely_psu=option
    )


def tables(case: str, row: str, col: str, des: Design) -> pd.DataFrame:
    """R's ``tables()``: svychisq's three tests, the cell shares and svytable's counts."""
    tab = des.crosstab(row, col)
    out = [
        pd.DataFrame(
            {
                "case": case,
                "statistic": [f"chisq:{s}" for s in tab.tests["statistic"]],
                "variable": f"{row}~{col}",
                "level": np.nan,
                "domain": np.nan,
                "estimate": tab.tests["value"].to_numpy(),
                "se": tab.tests["p_value"].to_numpy(),
                "ci_low": tab.tests["ndf"].to_numpy(),
                "ci_high": tab.tests["ddf"].to_numpy(),
                "deff": np.nan,
            }
        ),
        rows(case, "share", tab.table, [col]),
        rows(
            case,
            "count",
            tab.table.assign(
                estimate=tab.table["n_weighted"], se=np.nan, ci_low=np.nan, ci_high=np.nan
            ),
            [col],
        ),
    ]
    return pd.concat(out, ignore_index=True)


def lonely_quantiles(case: str, y: str, by: str, des: Design) -> pd.DataFrame:
    """R's ``lonely_quantiles()``: 50% intervals, overall and in domains."""
    overall = des.quantile(y, [0.25, 0.5, 0.75], conf_level=0.5)
    domains = des.quantile(y, 0.5, by=by, conf_level=0.5)
    return pd.concat(
        [rows(case, "quantile", overall, []), rows(case, "quantile", domains, [by])],
        ignore_index=True,
    )


@pytest.mark.parametrize("option", ["average", "adjust", "remove", "certainty", "fail"])
def test_lonely_psu_with_missing_values_in_tables_and_quantiles_matches_r(option):
    # options(survey.lonely.psu = option): svychisq(~gna + k, des), svymean(~interaction(gna,
    # k), des, na.rm = TRUE), svytable(~gna + k, des), svyquantile(~yq, des, ..., na.rm = TRUE)
    # and svyby(~yq, ~h, ...): the complete cases never touch the lonely stratum c
    des = _lonely(option)
    case = f"lonely-na-{option}"
    ours = [tables(case, "gna", "k", des), lonely_quantiles(case, "yq", "h", des)]
    if option != "fail":
        # svychisq(~g + kna, des), svyquantile(~yq2, des) and svyby(~yq2, ~g, ...): c is there
        ours += [tables(case, "g", "kna", des), lonely_quantiles(case, "yq2", "g", des)]
        ps = des.poststratify("k", {"f": 40, "m": 35})  # postStratify(des, ~k, pop.k)
        ours += [
            tables(f"{case}/poststratify", "gna", "h", ps),
            lonely_quantiles(f"{case}/poststratify", "yq", "h", ps),
        ]
    cases_ = [case] + ([f"{case}/poststratify"] if option != "fail" else [])
    merged = cases.compare(pd.concat(ours, ignore_index=True), cases_)
    check(merged)


def test_lonely_psu_fail_with_missing_values_raises_where_r_stops():
    # R stops: the complete cases of kna and yq2 touch stratum c; a calibrated design keeps c
    des = _lonely("fail")
    with pytest.raises(EstimationError, match="only one PSU"):
        des.crosstab("g", "kna")
    with pytest.raises(EstimationError, match="only one PSU"):
        des.quantile("yq2", 0.5)
    ps = des.poststratify("k", {"f": 40, "m": 35})
    with pytest.raises(EstimationError, match="only one PSU"):
        ps.crosstab("gna", "h")
    with pytest.raises(EstimationError, match="only one PSU"):
        ps.quantile("yq", 0.5)
