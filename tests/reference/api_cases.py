"""Run the cases of ``make_reference.R`` in Python and line them up with R's numbers.

Each function mirrors the R function of the same name in ``make_reference.R``
and returns rows keyed like ``survey_reference.csv``: case, statistic,
variable, level, domain.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from diagnosis.estimate import Design

__all__ = [
    "DATA",
    "REFERENCE",
    "api",
    "calibrated",
    "compare",
    "contrasts",
    "deff_replace",
    "factor_means",
    "families",
    "glm_responses",
    "likelihood",
    "lonely_domains",
    "lonely_subsets",
    "population",
    "qrules",
    "score_quantiles",
    "standard",
    "subsets",
    "variances",
    "with_responses",
]

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
REFERENCE = HERE / "survey_reference.csv"
KEYS = ["case", "statistic", "variable", "level", "domain"]
VALUES = ["estimate", "se", "ci_low", "ci_high", "deff"]


def api(name: str) -> pd.DataFrame:
    """One of the api data sets written by make_reference.R."""
    return pd.read_csv(DATA / f"{name}.csv")


def population() -> dict[str, float]:
    """The apipop totals written by make_reference.R."""
    totals = pd.read_csv(DATA / "apipop_totals.csv")
    return dict(zip(totals["name"], totals["value"].astype(float), strict=True))


def _rows(case: str, statistic: str, frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    out = frame.copy()
    out["case"] = case
    out["statistic"] = statistic
    if by:
        out["domain"] = [
            ";".join(f"{b}={v}" for b, v in zip(by, values, strict=True))
            for values in out[by].itertuples(index=False)
        ]
    else:
        out["domain"] = np.nan
    out["level"] = out["level"].astype(object)
    return out[KEYS + VALUES]


def _means(case: str, des: Design) -> list[pd.DataFrame]:
    variables = ["api00", "api99", "enroll"]
    # R called svymean once per variable: per-variable missing values
    rows = [_rows(case, "mean", des.mean(variables, deff=True, na_rm="each"), [])]
    if not des.data[variables].isna().any().any():
        joint = des.mean(variables).assign(deff=np.nan)
        rows.append(_rows(f"{case}/joint", "mean", joint, []))
    return rows


def joint_na(case: str, des: Design, deff: bool) -> pd.DataFrame:
    """R's ``joint_na()``: several variables at once with R's ``na.rm = TRUE``.

    With ``deff=False`` the design effects are left out (NaN, not compared),
    which sends uncalibrated designs through the fast path.
    """
    case = f"{case}/joint-na"
    variables = ["api00", "avg.ed", "api99na", "enroll"]
    rows = [
        _rows(case, "mean", des.mean(variables, deff=deff), []),
        _rows(case, "total", des.total(variables, deff=deff), []),
        _rows(
            case, "ratio", des.ratio(["api.stu", "avg.ed"], ["enroll", "api99na"], deff=deff), []
        ),
        _rows(case, "mean", des.mean(variables, by="stype", deff=deff), ["stype"]),
    ]
    return pd.concat(rows, ignore_index=True)


def quantiles(case: str, des: Design) -> pd.DataFrame:
    """R's ``quantiles()``: quantiles overall and in domains, with Woodruff CIs."""
    case = f"{case}/quantile"
    overall = des.quantile(["api00", "meals", "enroll"], [0.1, 0.25, 0.5, 0.75, 0.9])
    domains = des.quantile("api00", [0.25, 0.5], by="stype")
    rows = [_rows(case, "quantile", overall, []), _rows(case, "quantile", domains, ["stype"])]
    out = pd.concat(rows, ignore_index=True)
    out["level"] = out["level"].map(lambda p: f"{p:g}")
    return out


def crosstabs(case: str, des: Design) -> pd.DataFrame:
    """R's ``crosstabs()``: svychisq tests (statistic, p, ndf, ddf) and cell shares."""
    case = f"{case}/crosstab"
    rows = []
    for row, col in (("stype", "sch.wide"), ("stype", "mealcat")):
        tab = des.crosstab(row, col)
        for test in tab.tests.itertuples():
            rows.append(
                pd.DataFrame(
                    {
                        "case": [case],
                        "statistic": [f"chisq:{test.statistic}"],
                        "variable": [f"{row}~{col}"],
                        "level": [np.nan],
                        "domain": [np.nan],
                        "estimate": [test.value],
                        "se": [test.p_value],
                        "ci_low": [test.ndf],
                        "ci_high": [test.ddf],
                        "deff": [np.nan],
                    }
                )
            )
        if col == "sch.wide":
            rows.append(_rows(case, "share", tab.table, ["sch.wide"]))
    return pd.concat(rows, ignore_index=True)


def _r_name(term: str) -> str:
    """patsy's coefficient names as R's: ``Intercept``, ``C(x)[T.v]`` -> ``(Intercept)``, ``xv``."""
    if term == "Intercept":
        return "(Intercept)"
    if term.startswith("C("):
        name, level = term[2:].split(")[T.")
        return name + level[:-1]
    return term


def models(case: str, des: Design) -> pd.DataFrame:
    """R's ``models()``: svyglm coefficients, SEs and confint()."""
    case = f"{case}/glm"
    rows = []
    for family, formula in (
        ("gaussian", "api00 ~ enroll + meals + C(stype)"),
        ("quasibinomial", "yes ~ meals + C(stype)"),
    ):
        fit = des.glm(formula, family=family)
        fit = fit.assign(variable=fit["variable"].map(_r_name), level=np.nan, deff=np.nan)
        rows.append(_rows(case, f"glm:{family}", fit, []))
    return pd.concat(rows, ignore_index=True)


def with_responses(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with ``yes_b``, the boolean ``sch.wide == "Yes"``, and ``sw``, the strings
    ``sch.wide`` ("No", "Yes"): the responses of :func:`glm_responses`."""
    return df.assign(yes_b=df["sch.wide"] == "Yes", sw=df["sch.wide"].astype(str))


def glm_responses(case: str, des: Design) -> pd.DataFrame:
    """R's ``glm_rows()``: svyglm with a logical and a two-level factor response.

    ``des`` holds the columns of :func:`with_responses`; both must model
    P(Yes), as R does.
    """
    rows = []
    for kind, family, response in (
        ("logical", "quasibinomial", "yes_b"),
        ("factor", "quasibinomial", "sw"),
        ("logical", "gaussian", "yes_b"),
    ):
        fit = des.glm(f"{response} ~ ell + meals + mobility", family=family)
        fit = fit.assign(variable=fit["variable"].map(_r_name), level=np.nan, deff=np.nan)
        rows.append(_rows(f"{case}/glm-response/{kind}", f"glm:{family}", fit, []))
    return pd.concat(rows, ignore_index=True)


def lonely_domains(case: str, des: Design, fails: bool, deff: bool = True) -> pd.DataFrame:
    """R's lonely-PSU cases on ``lonely_domains`` (``make_reference.R``).

    With ``fails`` only the calls R computes under ``survey.lonely.psu = "fail"``;
    the rest are left to the caller (they must raise). ``des`` may be
    post-stratified: then only the ``/poststratify`` rows. ``deff=False`` leaves
    the design effects out (NaN), which sends the means through the fast path.
    """
    if des.calibrated:
        ps = f"{case}/poststratify"
        rows = [
            _rows(ps, "mean", des.mean("y", by="g"), ["g"]),
            _rows(ps, "mean", des.mean("y", by="h"), ["h"]),
        ]
        return pd.concat(rows, ignore_index=True)
    rows = []

    def glm(response: str) -> pd.DataFrame:
        fit = des.glm(f"{response} ~ x1")
        fit = fit.assign(
            variable=response + "~" + fit["variable"].map(_r_name), level=np.nan, deff=np.nan
        )
        return _rows(case, "glm:gaussian", fit, [])

    if not fails:
        rows += [
            _rows(case, "mean", des.mean("y", by="g", deff=deff), ["g"]),
            _rows(case, "total", des.total("y", by="g", deff=deff), ["g"]),
            _rows(case, "ratio", des.ratio("y", "x1", by="g").assign(deff=np.nan), ["g"]),
            _rows(case, "mean", des.mean("y2", deff=deff), []),
            glm("y2"),
        ]
    pair = des.compare("y2", by="h").differences
    pair = pair.assign(
        domain=pair["domain"] + "|" + pair["versus"], ci_low=np.nan, ci_high=np.nan, deff=np.nan
    )
    rows += [
        _rows(case, "mean", des.mean("y", by="h", deff=deff), ["h"]),
        _rows(case, "mean", des.mean("y3", deff=deff), []),
        glm("y3"),
        _rows(case, "compare:pair", pair, []).assign(domain=pair["domain"].to_numpy()),
    ]
    return pd.concat(rows, ignore_index=True)


def factor_means(case: str, des: Design) -> pd.DataFrame:
    """R's ``factor_means()``: ``svymean(~factor)`` per level with the Wald interval."""
    case = f"{case}/factor-mean"
    rows = [
        _rows(case, "proportion:wald", des.proportion(v, ci="wald", deff=True), [])
        for v in ("stype", "mealcat")
    ]
    by = des.proportion("mealcat", ci="wald", by="sch.wide", deff=True)
    rows.append(_rows(case, "proportion:wald", by, ["sch.wide"]))
    return pd.concat(rows, ignore_index=True)


def deff_replace(case: str, des: Design) -> pd.DataFrame:
    """R's ``deff_replace()``: design effects against SRS with replacement."""
    case = f"{case}/deff-replace"
    rows = [
        _rows(case, "mean", des.mean(["api00", "enroll"], deff="replace"), []),
        _rows(case, "total", des.total("enroll", deff="replace"), []),
        _rows(case, "ratio", des.ratio("api.stu", "enroll", deff="replace"), []),
        _rows(case, "mean", des.mean("api00", by="stype", deff="replace"), ["stype"]),
    ]
    return pd.concat(rows, ignore_index=True)


def variances(case: str, des: Design) -> pd.DataFrame:
    """R's ``var_rows()``: ``svyvar`` overall, as a matrix and in domains."""
    case = f"{case}/var"
    rows = [
        _rows(case, "var", des.var("api00"), []),
        _rows(case, "var", des.var("api99na"), []),
        _rows(case, "var", des.var(["api00", "enroll"], covariance=True), []),
        _rows(case, "var", des.var("api00", by="stype"), ["stype"]),
        _rows(case, "var", des.var("api99na", by="stype"), ["stype"]),
    ]
    return pd.concat(rows, ignore_index=True)


def contrasts(case: str, des: Design) -> pd.DataFrame:
    """R's ``con_rows()``: covariance matrices of estimates and ``svycontrast``."""
    case = f"{case}/contrast"
    rows = []

    def cov(what: str, est) -> None:
        labels = est.labels
        frame = pd.DataFrame(
            {
                "variable": labels * len(labels),
                "level": np.repeat(labels, len(labels)),
                "estimate": est.cov.to_numpy().T.reshape(-1),
            }
        ).assign(se=np.nan, ci_low=np.nan, ci_high=np.nan, deff=np.nan)
        rows.append(_rows(case, f"cov:{what}", frame, []))

    def con(what: str, table: pd.DataFrame) -> None:
        frame = table.rename(columns={"contrast": "variable"}).assign(level=np.nan, deff=np.nan)
        rows.append(_rows(case, f"contrast:{what}", frame, []))

    means = des.estimates(["api00", "api99"])
    cov("mean", means)
    con("mean", means.contrast({"diff": [1, -1], "avg": [0.5, 0.5]}))
    con(
        "total", des.contrast({"gap": {"api.stu": -1, "enroll": 1}}, ["api.stu", "enroll"], "total")
    )
    domains = des.estimates("api00", by="stype")
    cov("domain", domains)
    con("domain", domains.contrast({"EvH": [1, -1, 0], "EvM": [1, 0, -1], "mid": [-0.5, 1, -0.5]}))
    fit = des.glm_fit("api00 ~ enroll + meals + C(stype)")
    con("glm", fit.contrast({"HvM": {"C(stype)[T.H]": 1, "C(stype)[T.M]": -1}}))
    if not des.calibrated:
        two = des.estimates(["api00", "api99"], by="stype")
        cov("domain2", two)
        growth = {"E:api00": 1, "E:api99": -1, "H:api00": -1, "H:api99": 1}
        con("domain2", two.contrast({"EvH": growth}))
        ratios = des.estimates("api.stu", "ratio", by="stype", denominator="enroll")
        cov("ratio", ratios)
        con("ratio", ratios.contrast({"EvH": [1, -1, 0]}))
    return pd.concat(rows, ignore_index=True)


def _glm_rows(case: str, fit: pd.DataFrame, family: str, prefix: str = "") -> pd.DataFrame:
    fit = fit.assign(variable=prefix + fit["variable"].map(_r_name), level=np.nan, deff=np.nan)
    return _rows(case, f"glm:{family}", fit, [])


def subsets(case: str, des: Design) -> pd.DataFrame:
    """R's ``subset_rows()``: estimates on ``subset(des, stype == "E")`` (and ``!= "H"``)."""
    case = f"{case}/subset"
    d = des.data
    e = des.subset(d["stype"] == "E")
    quantile = e.quantile("api00", [0.25, 0.5])
    quantile["level"] = quantile["level"].map(lambda p: f"{p:g}")
    beta = e.proportion("sch.wide", level="Yes", ci="beta")
    rows = [
        _glm_rows(case, e.glm("api00 ~ ell + meals + mobility"), "gaussian"),
        _glm_rows(case, e.glm("yes ~ ell + meals", family="quasibinomial"), "quasibinomial"),
        _rows(case, "mean", e.mean(["api00", "enroll"]), []),
        _rows(case, "var", e.var("api00"), []),
        _rows(case, "proportion:beta", beta, []),
        _rows(case, "quantile", quantile, []),
        _rows(case, "mean", e.mean("api00", by="sch.wide"), ["sch.wide"]),
    ]
    tab = des.subset(d["stype"] != "H").crosstab("sch.wide", "comp.imp")
    for test in tab.tests.itertuples():
        if test.statistic == "adjWald":
            continue
        frame = pd.DataFrame(
            {
                "variable": ["sch.wide~comp.imp"],
                "level": [np.nan],
                "estimate": [test.value],
                "se": [test.p_value],
                "ci_low": [test.ndf],
                "ci_high": [test.ddf],
                "deff": [np.nan],
            }
        )
        rows.append(_rows(case, f"chisq:{test.statistic}", frame, []))
    return pd.concat(rows, ignore_index=True)


def lonely_subsets(case: str, des: Design) -> pd.DataFrame:
    """R's lonely-subset cases: ``subset(des, g == "x")`` and, unless ``fails``,
    ``subset(des, g != "z")`` of the lonely_domains design."""
    rows = []
    keeps = {"x": des.data["g"] == "x", "not-z": des.data["g"] != "z"}
    for keep, mask in keeps.items():
        if des._lonely == "fail" and keep == "not-z":
            continue
        sub = des.subset(mask)
        rows.append(_rows(case, "mean", sub.mean("y"), []).assign(domain=keep))
        rows.append(_glm_rows(case, sub.glm("y ~ x1"), "gaussian", f"{keep}~"))
    return pd.concat(rows, ignore_index=True)


def families(case: str, des: Design) -> pd.DataFrame:
    """R's ``family_rows()``: svyglm with poisson, quasipoisson and binomial families."""
    case = f"{case}/glm-family"
    rows = [
        _glm_rows(case, des.glm("enroll ~ meals + ell + C(stype)", family=family), family)
        for family in ("poisson", "quasipoisson")
    ]
    rows.append(_glm_rows(case, des.glm("yes ~ meals + C(stype)", family="binomial"), "binomial"))
    return pd.concat(rows, ignore_index=True)


def likelihood(case: str, des: Design) -> pd.DataFrame:
    """R's ``likelihood_rows()``: ``svyciprop(method = "likelihood")``, overall and by stype."""
    case = f"{case}/likelihood"
    rows = []
    for v in ["comp.imp"] + ([] if des.calibrated else ["sch.wide"]):
        overall = des.proportion(v, level="Yes", ci="likelihood")
        domains = des.proportion(v, level="Yes", ci="likelihood", by="stype")
        rows += [
            _rows(case, "proportion:likelihood", overall, []),
            _rows(case, "proportion:likelihood", domains, ["stype"]),
        ]
    return pd.concat(rows, ignore_index=True)


QRULES = ["math", "school", "shahvaish"] + [f"hf{k}" for k in range(1, 10)]


def qrules(case: str, des: Design) -> pd.DataFrame:
    """R's ``qrule_rows()``: every ``qrule``, the interval types, and svyciprop's asin."""
    case = f"{case}/qrule"
    rows = []

    def add(frame: pd.DataFrame, rule: str, kind: str, by: list[str]) -> None:
        frame = frame.assign(level=frame["level"].map(lambda p: f"{p:g}"))
        rows.append(_rows(case, f"quantile:{rule}:{kind}", frame, by))

    for rule in QRULES:
        add(des.quantile("api00", [0.1, 0.25, 0.5, 0.9], qrule=rule), rule, "mean", [])
    for rule in ("math", "hf7"):
        for kind in ("beta", "xlogit", "asin"):
            out = des.quantile(["api00", "enroll"], [0.25, 0.5], qrule=rule, interval_type=kind)
            add(out, rule, kind, [])
    for rule, kind in (("hf7", "mean"), ("school", "beta")):
        out = des.quantile("api00", 0.5, by="stype", qrule=rule, interval_type=kind)
        add(out, rule, kind, ["stype"])
    rows.append(_rows(case, "proportion:asin", des.proportion("sch.wide", "Yes", "asin"), []))
    domains = des.proportion("sch.wide", "Yes", "asin", by="stype")
    rows.append(_rows(case, "proportion:asin", domains, ["stype"]))
    return pd.concat(rows, ignore_index=True)


def score_quantiles(case: str, des: Design) -> pd.DataFrame:
    """R's ``score_rows()``: quantiles with ``interval.type = "score"``."""
    case = f"{case}/qrule-score"
    rows = []
    for rule in ("math", "hf7"):
        out = des.quantile("api00", [0.25, 0.5, 0.9], qrule=rule, interval_type="score")
        out["level"] = out["level"].map(lambda p: f"{p:g}")
        rows.append(_rows(case, f"quantile:{rule}:score", out, []))
    out = des.quantile("api00", 0.5, by="stype", interval_type="score")
    out["level"] = out["level"].map(lambda p: f"{p:g}")
    rows.append(_rows(case, "quantile:math:score", out, ["stype"]))
    return pd.concat(rows, ignore_index=True)


def standard(case: str, des: Design) -> pd.DataFrame:
    """R's ``standard()``: means, total, ratio, domains and proportions."""
    rows = _means(case, des)
    rows.append(_rows(case, "total", des.total("enroll", deff=True), []))
    rows.append(_rows(case, "ratio", des.ratio("api.stu", "enroll", deff=True), []))
    rows.append(
        _rows(
            case,
            "mean",
            des.mean(["api00", "enroll"], by="stype", deff=True, na_rm="each"),
            ["stype"],
        )
    )
    rows.append(_rows(case, "total", des.total("enroll", by="stype", deff=True), ["stype"]))
    ratio = des.ratio("api.stu", "enroll", by="stype").assign(deff=np.nan)
    rows.append(_rows(case, "ratio", ratio, ["stype"]))
    two = ["stype", "sch.wide"]
    rows.append(_rows(case, "mean", des.mean("api00", by=two, deff=True), two))
    for method in ("logit", "xlogit", "beta", "mean"):
        statistic = f"proportion:{method}"
        overall = des.proportion("sch.wide", level="Yes", ci=method)
        rows.append(_rows(case, statistic, overall, []))
        domains = des.proportion("sch.wide", level="Yes", ci=method, by="stype")
        rows.append(_rows(case, statistic, domains, ["stype"]))
    return pd.concat(rows, ignore_index=True)


def calibrated(case: str, des: Design) -> pd.DataFrame:
    """R's ``calibrated()``: the estimates checked on every weighted design."""
    rows = _means(case, des)
    rows.append(_rows(case, "total", des.total("enroll", deff=True), []))
    rows.append(_rows(case, "mean", des.mean("avg.ed", deff=True), []))
    rows.append(_rows(case, "ratio", des.ratio("api.stu", "enroll", deff=True), []))
    rows.append(_rows(case, "mean", des.mean("api00", by="stype", deff=True), ["stype"]))
    rows.append(_rows(case, "mean", des.mean("api00", by="comp.imp", deff=True), ["comp.imp"]))
    for method in ("logit", "beta"):
        statistic = f"proportion:{method}"
        overall = des.proportion("comp.imp", level="Yes", ci=method)
        rows.append(_rows(case, statistic, overall, []))
        domains = des.proportion("comp.imp", level="Yes", ci=method, by="stype")
        rows.append(_rows(case, statistic, domains, ["stype"]))
    return pd.concat(rows, ignore_index=True)


def compare(ours: pd.DataFrame, cases: list[str]) -> pd.DataFrame:
    """Join our rows with R's for ``cases`` (a case covers its "/joint" rows too).

    Every R row must have a partner; the result has ``<value>_r`` and ``<value>_py``.
    """
    ref = pd.read_csv(REFERENCE, na_values=["NA"], keep_default_na=False)
    ref = ref[ref["case"].isin(cases + [f"{c}/joint" for c in cases])]
    for frame in (ref, ours):
        frame["level"] = frame["level"].astype(object).where(frame["level"].notna(), "")
        frame["domain"] = frame["domain"].astype(object).where(frame["domain"].notna(), "")
    merged = ref.merge(ours, on=KEYS, how="left", suffixes=("_r", "_py"), indicator=True)
    unmatched = merged[merged["_merge"] != "both"]
    assert unmatched.empty, f"no Python value for R rows:\n{unmatched[KEYS]}"
    return merged
