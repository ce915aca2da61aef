"""Group differences test the published pair; the needs ranking has one survey measure.

Reference numbers: tests/reference/groups_reference.csv, written by
tests/reference/groups_reference.R (R 4.2.2, survey 4.1.1) from the demo towns exported
by tests/reference/export_demo.py, one row per pair of groups; each test names the R
call. Estimates must agree to 1e-8 and standard errors, test statistics and p-values to
1e-6 (relative).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests

from diagnosis.estimate import Design
from diagnosis.evidence import rank_needs
from diagnosis.evidence.analysis import protect_indicators
from diagnosis.evidence.groups import DIFFERENCE_COLUMNS, TESTS, group_differences
from diagnosis.evidence.indicators import Indicator, estimate_indicators

HERE = Path(__file__).parent / "reference"
REFERENCE = pd.read_csv(HERE / "groups_reference.csv", keep_default_na=False, na_values=["NA"])
MEANS = ["trust", "life_in_town", "cohesion"]
SHARES = ["part_volunteer", "internet_use", "needs__youth", "needs__culture"]
GROUPS = ["age_band", "sex", "district"]
DEFS = [Indicator(v, v, "mean", v, "test") for v in MEANS] + [
    Indicator(v, v, "share", v, "test") for v in SHARES
]
CASES = ["kwidzyn/rake", "kwidzyn/none", "cieszyn/rake", "cieszyn/none"]


def design(case: str) -> Design:
    """R: des <- svydesign(id = ~1, data = d); rake(des, list(~age_band, ~sex), ...) or des."""
    town, weighting = case.split("/")
    data = pd.read_csv(HERE / "data" / f"demo_{town}.csv")
    des = Design(data)
    if weighting == "none":
        return des
    margins = pd.read_csv(HERE / "data" / f"demo_{town}_margins.csv")
    return des.rake(
        {
            "age_band": margins.groupby("age_band")["population"].sum(),
            "sex": margins.groupby("sex")["population"].sum(),
        }
    )


def published(des: Design, threshold: int | None = 10) -> pd.DataFrame:
    """The indicator table as the report publishes it (None: nothing hidden)."""
    table = estimate_indicators(des, DEFS, GROUPS)
    if threshold is None:
        return table.assign(suppressed=False)
    return protect_indicators(table, threshold)


def reference(case: str, r: pd.Series) -> tuple[pd.Series, float]:
    """R's row for the pair of ``r`` and the sign that turns domain - versus into high - low."""
    a, b = sorted((str(r["high_level"]), str(r["low_level"])))
    ref = REFERENCE[
        (REFERENCE["case"] == case) & (REFERENCE["variable"] == r["indicator"])
        & (REFERENCE["grouping"] == r["group"]) & (REFERENCE["domain"] == a)
        & (REFERENCE["versus"] == b)
    ]  # fmt: skip
    assert len(ref) == 1, (case, r["indicator"], r["group"], a, b)
    return ref.iloc[0], 1.0 if str(r["high_level"]) == a else -1.0


def check_against_r(case: str, out: pd.DataFrame) -> pd.Series:
    """Every tested row against R; returns R's p-values of the tested rows."""
    tested = out[out["test"] != ""]
    assert len(tested) >= 5
    p_r = []
    for _, r in tested.iterrows():
        ref, sign = reference(case, r)
        hi, lo = (ref["estimate_domain"], ref["estimate_versus"])[:: int(sign)]
        # svycontrast(<svyby or svyglm(v ~ 0 + pair) domain means>, c(a = 1, b = -1))
        assert r["high_estimate"] == pytest.approx(hi, rel=1e-8)
        assert r["low_estimate"] == pytest.approx(lo, rel=1e-8)
        assert r["difference"] == pytest.approx(sign * ref["difference"], rel=1e-8)
        assert r["se"] == pytest.approx(ref["se"], rel=1e-6)
        assert r["effect_size"] == pytest.approx(abs(ref["effect"]), rel=1e-6)
        if r["test"] == "wald":
            # svyttest(v ~ I(pair == a), subset(des, !is.na(pair)))
            assert r["statistic"] == pytest.approx(sign * ref["t"], rel=1e-6)
            assert r["ddf"] == ref["df"]
            assert r["p_value"] == pytest.approx(ref["p_value"], rel=1e-6)
            p_r.append(ref["p_value"])
        else:
            # svychisq(~v + pair, des, statistic = "F")
            assert r["test"] == "rao_scott"
            assert r["statistic"] == pytest.approx(ref["rs_F"], rel=1e-6)
            assert r["df"] == pytest.approx(ref["rs_ndf"], rel=1e-6)
            assert r["ddf"] == pytest.approx(ref["rs_ddf"], rel=1e-6)
            assert r["p_value"] == pytest.approx(ref["rs_p"], rel=1e-6)
            p_r.append(ref["rs_p"])
    return pd.Series(p_r, index=tested.index)


@pytest.mark.parametrize("case", CASES)
def test_the_published_pair_is_tested_as_r_does(case):
    des = design(case)
    table = published(des)
    out = group_differences(des, DEFS, table, GROUPS)
    assert out.columns.tolist() == DIFFERENCE_COLUMNS
    p_r = check_against_r(case, out)
    # Holm over the tests made and only those: R's p.adjust(p, "holm") of the pair tests
    want = multipletests(p_r.to_numpy(), method="holm")[1]
    np.testing.assert_allclose(out.loc[p_r.index, "p_holm"], want, rtol=1e-6)
    untested = out[out["test"] == ""]
    assert untested["p_value"].isna().all() and untested["p_holm"].isna().all()
    assert not untested["significant"].any()
    assert out["significant"].tolist() == (out["p_holm"] < 0.05).tolist()


def test_kwidzyn_raked_numbers():
    """Known values of the demo town (R, groups_reference.csv), including a significant one."""
    out = group_differences(design("kwidzyn/rake"), DEFS, published(design("kwidzyn/rake")),
                            GROUPS).set_index(["indicator", "group"])  # fmt: skip
    youth = out.loc[("needs__youth", "age_band")]
    assert (youth["high_level"], youth["low_level"]) == ("45_59", "60_plus")
    assert youth["test"] == "wald" and youth["ddf"] == 213
    assert youth["statistic"] == pytest.approx(3.250698013275334, rel=1e-6)
    assert youth["p_value"] == pytest.approx(0.0013381144971958085, rel=1e-6)
    assert youth["p_holm"] == pytest.approx(20 * youth["p_value"], rel=1e-9)  # 20 tests
    assert youth["significant"]
    trust = out.loc[("trust", "age_band")]  # 30-44 (n=61) vs 18-29 (n=20): df 79, not 299
    assert (trust["high_n"], trust["low_n"], trust["ddf"]) == (61, 20, 79)
    assert trust["p_value"] == pytest.approx(0.042936769317379851, rel=1e-6)
    assert not trust["significant"]
    # part_volunteer by age: 18-29 and 30-44 are hidden, so 45-59 vs 60+ is the pair
    vol = out.loc[("part_volunteer", "age_band")]
    assert (vol["high_level"], vol["low_level"]) == ("45_59", "60_plus")
    assert vol["p_value"] == pytest.approx(0.53396773343234327, rel=1e-6)
    # every age band of internet use is hidden: nothing named, nothing tested
    net = out.loc[("internet_use", "age_band")]
    assert pd.isna(net["high_level"]) and net["test"] == "" and pd.isna(net["p_value"])
    assert int((out["test"] != "").sum()) == 20


@pytest.mark.parametrize("case", ["kwidzyn/rake", "kwidzyn/none"])
def test_a_group_at_100_percent_gets_the_rao_scott_test(case):
    """Internet use by age in Kwidzyn: 18-29 is 23 of 23 (100%), 60+ about half."""
    des = design(case)
    out = group_differences(des, DEFS, published(des, threshold=None), GROUPS)
    net = out[(out["indicator"] == "internet_use") & (out["group"] == "age_band")].iloc[0]
    assert (net["high_level"], net["high_estimate"]) == ("18_29", 1.0)
    assert net["low_level"] == "60_plus" and net["test"] == "rao_scott"
    check_against_r(case, out)
    ref, _ = reference(case, net)
    # the Wald t (SE from the 60+ group alone) would claim much more than the score test
    assert abs(ref["t"]) > 1.3 * np.sqrt(net["statistic"])
    assert TESTS["rao_scott"][1].startswith("Rao-Scott")


def test_hidden_groups_never_enter_the_comparison():
    """Change a hidden group's answers: nothing printed about the pair may move."""
    des = design("kwidzyn/rake")
    table = published(des)
    hidden = table[(table["indicator"] == "trust") & (table["group"] == "district")
                   & table["suppressed"]]  # fmt: skip
    assert hidden["group_level"].tolist() == ["obrzeza"]
    before = group_differences(des, DEFS, table, GROUPS).set_index(["indicator", "group"])
    data = des.data.copy()
    data.loc[data["district"] == "obrzeza", "trust"] = 10.0  # far above every other district
    margins = pd.read_csv(HERE / "data" / "demo_kwidzyn_margins.csv")
    changed = Design(data).rake(
        {
            "age_band": margins.groupby("age_band")["population"].sum(),
            "sex": margins.groupby("sex")["population"].sum(),
        }
    )
    after = group_differences(changed, DEFS, table, GROUPS).set_index(["indicator", "group"])
    columns = ["high_level", "low_level", "difference", "se", "statistic", "ddf", "p_value",
               "effect_size"]  # fmt: skip
    pd.testing.assert_series_equal(
        before.loc[("trust", "district"), columns], after.loc[("trust", "district"), columns],
        rtol=1e-10,
    )  # fmt: skip
    assert "obrzeza" not in before.loc[("trust", "district"), ["high_level", "low_level"]].tolist()


def test_the_issue_example_is_no_longer_significant():
    """Issue #14: skills_high, 18-29 57% (n=23) vs 30-44 48% (n=58) had p(Holm) < 0.001."""
    from diagnosis.evidence import analyse_town

    a = analyse_town("kwidzyn")
    out = a.differences.set_index(["indicator", "group"])
    row = out.loc[("skills_high", "age_band")]
    assert (row["high_level"], row["low_level"]) == ("18_29", "30_44")
    assert (row["high_n"], row["low_n"]) == (23, 58)
    assert row["test"] == "wald" and row["p_value"] > 0.4 and not row["significant"]
    # the pair alone, on the pipeline's design: R's svyby(~y, ~age_band, des, svymean,
    # covmat = TRUE) + svycontrast(b, c(`18_29` = 1, `30_44` = -1)), then the t test on the
    # pair's own df (svyttest on subset(des, age_band %in% c("18_29", "30_44")))
    con = a.design.contrast({"18_29": 1, "30_44": -1}, "ind_skills_high", by="age_band")
    assert row["difference"] == pytest.approx(con["estimate"].iloc[0], rel=1e-10)
    assert row["se"] == pytest.approx(con["se"].iloc[0], rel=1e-10)
    data = a.design.data
    pair = data["age_band"].astype("string").isin(["18_29", "30_44"]).fillna(False)
    assert row["ddf"] == (pair & data["ind_skills_high"].notna()).sum() - 2 == 79
    assert row["p_value"] == pytest.approx(
        2 * stats.t.sf(con["estimate"].iloc[0] / con["se"].iloc[0], 79), rel=1e-10
    )
    assert row["p_value"] == pytest.approx(0.505266, abs=1e-6) and row["p_holm"] == 1.0


# ------------------------------------------------------------------ rank_needs
def needs_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "indicator": ["needs__a", "needs__b", "needs__c", "needs__d"],
            "group": "total",
            "estimate": [0.5, 0.3, 0.2, np.nan],  # d hidden by disclosure control
            "ci_low": [0.4, 0.2, 0.1, np.nan],
            "ci_high": [0.6, 0.4, 0.3, np.nan],
            "n": [200.0, 200, 200, np.nan],
            "label_pl": ["A", "B", "C", "D"],
            "label_en": ["A", "B", "C", "D"],
        }
    )


def test_without_a_workshop_the_survey_alone_ranks_at_full_weight():
    ranked = rank_needs(needs_table(), None).set_index("need")
    # share of respondents normalised over the published needs: 0.5 / (0.5 + 0.3 + 0.2)
    assert ranked["survey_attention"].tolist() == pytest.approx([0.5, 0.3, 0.2, 0.0])
    assert ranked["score"].tolist() == pytest.approx([0.5, 0.3, 0.2, 0.0])  # not halved
    assert (ranked["basis"] == "survey").all()
    assert ranked["workshop_attention"].isna().all()
    assert ranked["votes"].tolist() == [0.0] * 4
    assert ranked["rank"].tolist() == [1, 2, 3, 4]
    # ideas without a single vote are no workshop vote either
    empty = pd.DataFrame({"idea": ["x"], "need": ["a"], "votes": [0]})
    assert (rank_needs(needs_table(), empty)["basis"] == "survey").all()
    assert rank_needs(needs_table(), empty)["score"].iloc[0] == pytest.approx(0.5)


def test_with_a_workshop_both_voices_count_equally():
    ideas = pd.DataFrame({"idea": ["i1", "i2", "i3"], "need": ["c", "c", "a"], "votes": [6, 2, 2]})
    ranked = rank_needs(needs_table(), ideas).set_index("need")
    assert (ranked["basis"] == "survey+workshop").all()
    assert ranked.loc["a", "score"] == pytest.approx((0.5 + 0.2) / 2)
    assert ranked.loc["b", "score"] == pytest.approx((0.3 + 0.0) / 2)
    assert ranked.loc["c", "score"] == pytest.approx((0.2 + 0.8) / 2)
    assert ranked.loc["c", "rank"] == 1 and ranked.loc["c", "top_idea"] == "i1"
    assert ranked["workshop_attention"].sum() == pytest.approx(1.0)
    # the column the report prints (share) and the survey's part of the score are one measure
    shown = ranked["share"].fillna(0.0)
    np.testing.assert_allclose(ranked["survey_attention"], shown / shown.sum())
