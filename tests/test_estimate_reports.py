"""Domain comparisons, multiple testing and reliability: known answers and properties.

The R agreement of these functions is in test_estimate_demo.py; here: identities
(two domains: F = t^2 of svyttest), invariances and the error messages.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pingouin
import pytest
from statsmodels.multivariate.factor import Factor

from diagnosis import load_instrument
from diagnosis.clean.scores import scale_score
from diagnosis.estimate import (
    Design,
    EstimationError,
    adjust_pvalues,
    compare_domains,
    cronbach_alpha,
    item_scores,
    mcdonald_omega,
    one_factor,
    scale_reliability,
)
from diagnosis.estimate.compare import DIFFERENCE_COLUMNS, TEST_COLUMNS
from diagnosis.town import STANDARD_INSTRUMENT


def sample(n: int = 400, seed: int = 5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    g = rng.choice(list("abcd"), size=n)
    y = rng.normal(size=n) + (g == "b") * 0.5
    return pd.DataFrame(
        {
            "y": np.where(rng.random(n) < 0.1, np.nan, y),
            "z": rng.normal(size=n) * 3,
            "yes": (rng.random(n) < 0.3 + 0.2 * (g == "c")).astype(float),
            "g": np.where(rng.random(n) < 0.05, None, g),
            "st": rng.choice(["s1", "s2", "s3"], size=n),
            "psu": rng.integers(0, 60, size=n),
            "w": rng.uniform(1, 4, size=n),
        }
    )


def design(df: pd.DataFrame) -> Design:
    df = df.assign(psu=df["st"] + df["psu"].astype(str))
    return Design(df, weights="w", strata="st", clusters="psu")


def test_columns_and_pairs():
    out = compare_domains(design(sample()), ["y", "z"], by="g")
    assert list(out.differences.columns) == DIFFERENCE_COLUMNS
    assert list(out.tests.columns) == TEST_COLUMNS
    assert len(out.differences) == 2 * 6 and len(out.tests) == 2
    first = out.differences.iloc[0]
    assert (first["domain"], first["versus"]) == ("a", "b")
    assert first["estimate"] == pytest.approx(first["estimate_domain"] - first["estimate_versus"])


def test_differences_agree_with_domain_means():
    des = design(sample())
    means = des.mean("y", by="g", na_rm="each").set_index("g")
    out = des.compare("y", by="g", reference="a").differences.set_index("domain")
    for d in "bcd":
        assert out.loc[d, "estimate"] == pytest.approx(
            means.loc[d, "estimate"] - means.loc["a", "estimate"], rel=1e-12
        )
    # the reference's own estimate is the domain mean (R: svyby(~y, ~g, des, svymean))
    assert out.loc["b", "estimate_versus"] == pytest.approx(means.loc["a", "estimate"])


def test_vectorised_equals_one_at_a_time_and_permutation_invariant():
    df = sample()
    joint = compare_domains(design(df), ["y", "z"], by="g", against="rest")
    alone = pd.concat(
        [compare_domains(design(df), v, by="g", against="rest").differences for v in ("y", "z")],
        ignore_index=True,
    )
    pd.testing.assert_frame_equal(joint.differences, alone, rtol=1e-12)
    shuffled = df.sample(frac=1, random_state=1).reset_index(drop=True)
    again = compare_domains(design(shuffled), ["y", "z"], by="g", against="rest")
    pd.testing.assert_frame_equal(joint.differences, again.differences, rtol=1e-10)
    pd.testing.assert_frame_equal(joint.tests, again.tests, rtol=1e-10)


def test_two_domains_f_is_t_squared():
    # R: regTermTest(svyglm(y ~ g), ~g)$Ftest == svyttest(y ~ g)$statistic^2
    df = sample()
    df["h"] = np.where(df["g"].isin(["a", "b"]), "ab", np.where(df["g"].isna(), None, "cd"))
    out = compare_domains(design(df), "y", by="h")
    t = out.differences["t"].iloc[0]
    assert out.tests["value"].iloc[0] == pytest.approx(t**2, rel=1e-10)
    assert out.tests["p_value"].iloc[0] == pytest.approx(out.differences["p_value"].iloc[0])


def test_proportions_cohen_h_and_levels():
    df = sample()
    df["answer"] = np.where(df["yes"] == 1, "tak", "nie")
    by_level = compare_domains(design(df), "answer", by="g", kind="proportion", level="tak")
    by_01 = compare_domains(design(df), "yes", by="g", kind="proportion")
    np.testing.assert_allclose(
        by_level.differences["estimate"], by_01.differences["estimate"], rtol=1e-12
    )
    row = by_01.differences.iloc[0]
    h = 2 * np.arcsin(np.sqrt(row["estimate_domain"])) - 2 * np.arcsin(
        np.sqrt(row["estimate_versus"])
    )
    assert row["effect_size"] == pytest.approx(h) and row["effect_measure"] == "cohen_h"


def test_cohen_d_is_textbook_with_equal_weights():
    # equal weights: N_g = n_g, s_g^2 the usual sample variance; pooled by n_g (not n_g - 1)
    df = pd.DataFrame({"y": [1.0, 2, 4, 3, 5, 8, 9], "g": list("aaabbbb")})
    row = Design(df).compare("y", by="g").differences.iloc[0]
    a, b = df.loc[df.g == "a", "y"], df.loc[df.g == "b", "y"]
    pooled = (3 * a.var() + 4 * b.var()) / 7
    assert row["effect_size"] == pytest.approx((a.mean() - b.mean()) / np.sqrt(pooled))


def test_compare_errors_name_the_problem():
    des = design(sample())
    with pytest.raises(EstimationError, match="not a group"):
        des.compare("y", by="g", reference="x")
    with pytest.raises(EstimationError, match="not a 0/1 variable"):
        des.compare("z", by="g", kind="proportion")
    with pytest.raises(EstimationError, match="fewer than two groups"):
        Design(pd.DataFrame({"y": [1.0, 2], "g": ["a", "a"]})).compare("y", by="g")
    with pytest.raises(EstimationError, match="No column 'nope'"):
        des.compare("nope", by="g")


def test_adjust_pvalues_known_values_and_errors():
    # R: p.adjust(c(0.01, 0.04, 0.03, 0.2), "holm") -> 0.04 0.09 0.09 0.20
    out = adjust_pvalues(pd.Series([0.01, 0.04, 0.03, 0.2], index=list("wxyz")))
    assert out.index.tolist() == list("wxyz")
    np.testing.assert_allclose(out["p_adjusted"], [0.04, 0.09, 0.09, 0.2])
    assert out["reject"].tolist() == [True, False, False, False]
    with pytest.raises(EstimationError, match="choose 'holm' or 'fdr_bh'"):
        adjust_pvalues([0.1], method="bonferroni")
    with pytest.raises(EstimationError, match=r"\[0, 1\]"):
        adjust_pvalues([1.5])


def _cohesion_frame(n: int = 300) -> pd.DataFrame:
    rng = np.random.default_rng(2)
    trait = rng.normal(size=n)
    items = {}
    for name, sign in [("coh_belong", 1), ("coh_together", 1), ("coh_get_on", 1)]:
        items[name] = np.clip(np.round(2.5 + sign * trait + rng.normal(size=n)), 1, 4)
    items["coh_trust"] = np.clip(np.round(2.5 + trait + rng.normal(size=n)), 1, 4)
    items["coh_self"] = np.clip(np.round(2.5 - trait + rng.normal(size=n)), 1, 4)  # reversed
    codes = pd.DataFrame(items).astype(int).astype(str).astype("string")
    codes.iloc[::17, 1] = "99"  # "Trudno powiedzieć"
    return codes


def test_item_scores_reproduce_scale_score():
    ins = load_instrument(STANDARD_INSTRUMENT)
    data = _cohesion_frame()
    items = item_scores(data, ins, construct="cohesion")
    mean = items.mean(axis=1).where(items.notna().sum(axis=1) >= 3)
    pd.testing.assert_series_equal(
        mean, scale_score(data, ins, "cohesion"), check_names=False, rtol=1e-15
    )
    assert items["coh_self"].corr(items["coh_belong"]) > 0  # reversed


def test_alpha_matches_pingouin_and_omega_matches_statsmodels():
    ins = load_instrument(STANDARD_INSTRUMENT)
    items = item_scores(_cohesion_frame(), ins, construct="cohesion")
    names = list(items.columns)
    ours = cronbach_alpha(items, names).iloc[0]
    # pingouin's CI counts the rows before its listwise deletion, so give it complete cases
    alpha, ci = pingouin.cronbach_alpha(items.dropna())
    assert ours["estimate"] == pytest.approx(alpha, rel=1e-14)
    np.testing.assert_allclose(np.round([ours["ci_low"], ours["ci_high"]], 3), ci)
    assert ours["n"] == len(items.dropna())
    fa = Factor(items.dropna().to_numpy(), n_factor=1, method="ml").fit()
    np.testing.assert_allclose(
        one_factor(items, names)["loading"], np.abs(fa.loadings[:, 0]), atol=1e-5
    )
    omega = mcdonald_omega(items, names)["estimate"].iloc[0]
    assert 0 < omega < 1
    table = scale_reliability(_cohesion_frame(), ins, ["cohesion"])
    assert table["statistic"].tolist() == ["alpha", "omega"]
    assert table["estimate"].iloc[1] == pytest.approx(omega)


def test_reliability_errors():
    df = pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [1.0, 2, 3, 4], "c": [2.0, 1, 4, 3]})
    with pytest.raises(EstimationError, match="at least two items"):
        cronbach_alpha(df, ["a"])
    with pytest.raises(EstimationError, match="linearly dependent"):
        one_factor(df, ["a", "b", "c"])
    with pytest.raises(EstimationError, match="no scale 'nope'"):
        item_scores(df, load_instrument(STANDARD_INSTRUMENT), construct="nope")


def test_several_proportions_in_one_call_equal_one_call_each():
    """One pass for many 0/1 columns gives each column's own svyciprop numbers."""
    rng = np.random.default_rng(11)
    n = 300
    df = pd.DataFrame(
        {
            "a": rng.integers(0, 2, n).astype(float),
            "b": np.where(rng.random(n) < 0.2, np.nan, rng.integers(0, 2, n)),
            "c": np.zeros(n),  # nobody has the attribute: proportion 0
            "g": rng.choice(["x", "y", "z"], n),
            "st": rng.choice(["s1", "s2"], n),
        }
    )
    des = Design(df, strata="st").rake({"g": {"x": 100.0, "y": 200.0, "z": 300.0}})
    for by in (None, "g"):
        together = des.proportion(["a", "b", "c"], level=1.0, by=by)
        for name in ("a", "b"):
            alone = des.proportion(name, level=1.0, by=by)
            mine = together[together["variable"] == name].reset_index(drop=True)
            pd.testing.assert_frame_equal(mine, alone, rtol=1e-12)
        zero = together[together["variable"] == "c"]
        assert (zero["estimate"] == 0).all()
    with pytest.raises(EstimationError):
        des.proportion(["a", "b"])
