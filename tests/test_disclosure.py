"""Disclosure control: exactly which cells are hidden, and why (../shared/DOMAIN.md).

Every table here is small and made by hand; the expected hidden cells follow
from the rules in ``diagnosis/evidence/disclosure.py`` (primary: n < threshold;
secondary: a group with exactly one hidden row also loses its smallest other
row), worked out in the comments.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from diagnosis.errors import DiagnosisError
from diagnosis.present import (
    PUBLISHED_COLUMNS,
    DisclosureError,
    check_no_small_cells,
    suppress,
)


def frame(n, **extra) -> pd.DataFrame:
    """An estimate-frame-like table with one row per count in ``n``."""
    k = len(n)
    data = {
        "variable": ["q"] * k,
        "level": [f"l{i}" for i in range(k)],
        "estimate": np.linspace(0.1, 0.9, k),
        "se": np.full(k, 0.02),
        "ci_low": np.linspace(0.05, 0.85, k),
        "ci_high": np.linspace(0.15, 0.95, k),
        "deff": np.full(k, 1.3),
        "n": n,
        "n_weighted": [10.5 * v for v in n],
    }
    data.update(extra)
    return pd.DataFrame(data)


def hidden(out: pd.DataFrame) -> list[bool]:
    return out["suppressed"].tolist()


# ---------------------------------------------------------------- primary
def test_primary_hides_rows_below_the_threshold_and_blanks_every_published_value():
    table = frame([50, 9, 10, 3])
    out = suppress(table, threshold=10, within=[])
    # 9 and 3 are below 10; 10 itself is allowed ("at least 10")
    assert hidden(out) == [False, True, False, True]
    assert "n_numerator" in PUBLISHED_COLUMNS  # a numerator is a count: never left in a hidden row
    for column in [c for c in PUBLISHED_COLUMNS if c in table]:
        assert out[column].isna().tolist() == [False, True, False, True], column
    # labels stay, so the reader sees the cell exists
    assert out["level"].tolist() == ["l0", "l1", "l2", "l3"]
    # shown rows keep their values exactly
    pd.testing.assert_series_equal(
        out.loc[[0, 2], "estimate"], table.loc[[0, 2], "estimate"], check_dtype=False
    )
    assert out.loc[2, "n"] == 10


def test_the_table_given_is_not_modified():
    table = frame([50, 4, 30], district=["A", "A", "A"])
    before = table.copy(deep=True)
    suppress(table, threshold=10, within=["district"])
    pd.testing.assert_frame_equal(table, before)
    assert "suppressed" not in table.columns


def test_nothing_small_means_nothing_hidden_and_values_unchanged():
    table = frame([50, 40, 30])
    out = suppress(table, threshold=10)
    assert hidden(out) == [False, False, False]
    pd.testing.assert_frame_equal(out.drop(columns="suppressed"), table)


def test_a_missing_count_is_hidden_because_it_cannot_be_checked():
    out = suppress(frame([50, np.nan, 30]), threshold=10, within=[])
    assert hidden(out) == [False, True, False]


def test_rows_already_marked_suppressed_stay_hidden():
    table = frame([50, 40, 30], suppressed=[False, True, False])
    out = suppress(table, threshold=10, within=[])
    assert hidden(out) == [False, True, False]
    assert np.isnan(out.loc[1, "estimate"])


def test_a_lower_threshold_hides_less():
    assert hidden(suppress(frame([50, 9, 3]), threshold=5, within=[])) == [False, False, True]
    assert hidden(suppress(frame([50, 9, 2]), threshold=3, within=[])) == [False, False, True]


def test_the_smallest_of_several_counts_decides():
    # a share of 40 respondents of whom 6 said yes: the numerator is too small
    table = frame([40, 40], n_numerator=[6, 34])
    out = suppress(table, threshold=10, n_col=["n", "n_numerator"], within=[])
    assert hidden(out) == [True, False]
    # both counts are blanked in the hidden row, kept in the shown one
    assert np.isnan(out.loc[0, "n_numerator"]) and np.isnan(out.loc[0, "n"])
    assert out.loc[1, "n_numerator"] == 34


def test_columns_outside_the_published_list_are_left_alone_unless_named():
    table = frame([50, 4], note=["x", "y"], other=[1.0, 2.0])
    out = suppress(table, threshold=10, within=[])
    assert out["other"].tolist() == [1.0, 2.0]
    out = suppress(table, threshold=10, within=[], columns=["estimate", "other"])
    assert out["other"].isna().tolist() == [False, True]
    assert out["se"].tolist() == table["se"].tolist()  # not named this time


@pytest.mark.parametrize("bad", [2, 0, -1, 2.5, 10.0, True, "10", None])
def test_a_threshold_below_3_or_not_whole_is_refused(bad):
    with pytest.raises(DisclosureError) as info:
        suppress(frame([50]), threshold=bad)
    # an error of the package, a ValueError for everyone else, in both languages
    assert isinstance(info.value, DiagnosisError) and isinstance(info.value, ValueError)
    assert "art. 38" in info.value.message("pl") and "at least 3" in info.value.message("en")
    with pytest.raises(DisclosureError):
        check_no_small_cells(frame([50]), threshold=bad)


def test_missing_columns_are_named():
    with pytest.raises(DisclosureError, match="n_resp"):
        suppress(frame([50]), n_col="n_resp")
    with pytest.raises(DisclosureError, match="district"):
        suppress(frame([50]), within=["district"])


# -------------------------------------------------------------- secondary
def test_secondary_hides_the_next_smallest_row_of_the_group():
    # one variable, all categories add to 100%: hiding only l1 (n=4) would let a
    # reader get it as 100% minus the rest, so the smallest other row (l3, n=12) goes too
    out = suppress(frame([50, 4, 30, 12]), threshold=10)
    assert hidden(out) == [False, True, False, True]
    assert out["estimate"].isna().tolist() == [False, True, False, True]


def test_secondary_is_not_needed_when_two_rows_are_already_hidden():
    out = suppress(frame([50, 4, 30, 6]), threshold=10)
    assert hidden(out) == [False, True, False, True]


def test_secondary_breaks_ties_by_table_order():
    out = suppress(frame([4, 20, 20, 50]), threshold=10)
    assert hidden(out) == [True, True, False, False]


def test_secondary_works_within_each_group_separately():
    # categories of one variable in two districts: A has one small cell, B none
    table = frame(
        [40, 5, 25, 30, 30, 30],
        district=["A", "A", "A", "B", "B", "B"],
    )
    out = suppress(table, threshold=10, within=["variable", "district"])
    # A: l1 (5) primary, l2 (25) secondary as the smallest other; B untouched
    assert hidden(out) == [False, True, True, False, False, False]


def test_a_single_row_group_needs_no_partner():
    # means: each row its own group, nothing adds up
    table = frame([40, 5, 25], district=["A", "B", "C"])
    out = suppress(table, threshold=10, within=["district"])
    assert hidden(out) == [False, True, False]


def test_secondary_over_two_groupings_reaches_a_fixed_point():
    # a two-way table, level x district, whose rows and columns are published:
    #            D1   D2
    #   a         4   25
    #   b        30   12
    #   c        40   50
    # primary: (a, D1). District D1 then has one hidden cell -> hide (b, D1), the
    # smaller of 30 and 40. Level a has one hidden -> hide (a, D2); level b has one
    # hidden -> hide (b, D2). Now D2 has two hidden, every group has 0 or 2.
    table = pd.DataFrame(
        {
            "variable": "q",
            "level": ["a", "b", "c", "a", "b", "c"],
            "district": ["D1", "D1", "D1", "D2", "D2", "D2"],
            "estimate": [0.05, 0.4, 0.55, 0.3, 0.14, 0.56],
            "n": [4, 30, 40, 25, 12, 50],
        }
    )
    out = suppress(table, threshold=10, within=[["variable", "district"], ["variable", "level"]])
    shown = out.loc[out["suppressed"], ["level", "district"]].apply(tuple, axis=1).tolist()
    assert sorted(shown) == [("a", "D1"), ("a", "D2"), ("b", "D1"), ("b", "D2")]
    for keys in (["district"], ["level"]):
        per_group = out.groupby(keys)["suppressed"].sum()
        assert set(per_group) <= {0, 2}


def test_random_tables_never_leave_a_lonely_hidden_cell_or_a_small_published_one():
    rng = np.random.default_rng(7)
    for _ in range(50):
        k_levels, k_districts = rng.integers(2, 5), rng.integers(1, 4)
        levels = np.repeat(np.arange(k_levels), k_districts)
        districts = np.tile(np.arange(k_districts), k_levels)
        n = rng.integers(0, 40, size=len(levels))
        table = frame(list(n), level=levels, district=districts)
        groupings = [["variable", "district"], ["variable", "level"]]
        out = suppress(table, threshold=10, within=groupings)
        check_no_small_cells(out, threshold=10)
        assert (out["suppressed"] | (n >= 10)).all()
        assert out.loc[n < 10, "suppressed"].all()
        for keys in groupings:
            counts = out.groupby(keys)["suppressed"].agg(["sum", "size"])
            assert not ((counts["sum"] == 1) & (counts["size"] > 1)).any()


def test_an_estimate_frame_from_the_engine_is_suppressed_per_domain():
    from diagnosis.estimate import Design

    # district X: 12 x "a", 2 x "c", 16 x "b"; district Y: 15 x "a", 15 x "b", no "c"
    answers = ["a"] * 12 + ["c"] * 2 + ["b"] * 16 + ["a"] * 15 + ["b"] * 15
    df = pd.DataFrame({"q": answers, "d": ["X"] * 30 + ["Y"] * 30, "w": 1.0})
    est = Design(df, weights="w").proportion("q", by="d")
    counts = df.groupby(["q", "d"]).size().rename("n_numerator").reset_index()
    est = est.merge(counts.rename(columns={"q": "level"}), on=["level", "d"], how="left")
    est["n_numerator"] = est["n_numerator"].fillna(0)
    out = suppress(est, n_col=["n", "n_numerator"], within=["variable", "d"])
    hidden_cells = set(map(tuple, out.loc[out["suppressed"], ["level", "d"]].to_numpy()))
    # (c, X) rests on 2 people; (a, X), the smallest other category in X, goes too.
    # (c, Y) is 0% with a numerator of 0 < 10 (the ABS rule counts the numerator),
    # so Y loses its smallest other category as well: a and b tie at 15, a comes first.
    assert hidden_cells == {("c", "X"), ("a", "X"), ("c", "Y"), ("a", "Y")}
    check_no_small_cells(out, 10, n_col=["n", "n_numerator"])


# ------------------------------------------------------ check_no_small_cells
def test_check_raises_on_a_published_small_row_and_names_it():
    table = frame([50, 4, 30])
    with pytest.raises(DisclosureError) as info:
        check_no_small_cells(table, threshold=10)
    assert "row 1 (n=4)" in info.value.message("en")
    assert "wiersz 1 (n=4)" in info.value.message("pl")


def test_check_accepts_hidden_rows_and_rows_that_show_nothing():
    table = frame([50, 4, 30], suppressed=[False, True, False])
    check_no_small_cells(table, threshold=10)  # the small row is marked hidden
    blank = frame([50, 4])
    blank.loc[1, [c for c in PUBLISHED_COLUMNS if c in blank]] = np.nan
    check_no_small_cells(blank, threshold=10)  # row 1 shows nothing at all


def test_check_counts_a_small_n_shown_on_its_own_as_a_cell():
    table = frame([50, 4])
    table.loc[1, ["estimate", "se", "ci_low", "ci_high", "deff", "n_weighted"]] = np.nan
    with pytest.raises(DisclosureError, match=r"n=4"):
        check_no_small_cells(table, threshold=10)


def test_check_raises_on_a_published_value_whose_count_is_unknown():
    table = frame([50, 40])
    table.loc[1, "n"] = np.nan
    with pytest.raises(DisclosureError, match=r"n=\?"):
        check_no_small_cells(table, threshold=10)


def test_check_passes_on_what_suppress_returns():
    out = suppress(frame([50, 4, 30, 12, 9]), threshold=10)
    check_no_small_cells(out, threshold=10)


# ------------------------------------------------ complement and differencing
def test_a_small_complement_is_hidden_like_a_small_cell():
    # 87 of 88 men said yes: the one other man's answer is known; 88 of 88 and 70 of 88 are fine
    table = frame([88, 88, 88], n_numerator=[87, 88, 70])
    out = suppress(table, threshold=10, n_col=["n", "n_numerator"], within=[],
                   complement=("n", "n_numerator"))  # fmt: skip
    assert hidden(out) == [True, False, False]
    assert np.isnan(out.loc[0, "n_numerator"]) and out.loc[2, "n_numerator"] == 70
    # without the complement rule the row is shown (what the report did before)
    assert hidden(suppress(table, n_col=["n", "n_numerator"], within=[])) == [False, False, False]
    with pytest.raises(DisclosureError):
        check_no_small_cells(table, 10, n_col=["n", "n_numerator"], complement=("n", "n_numerator"))
    check_no_small_cells(out, 10, n_col=["n", "n_numerator"], complement=("n", "n_numerator"))


def test_hidden_cells_together_must_pass_the_rule_as_one_cell():
    # districts of one indicator: the total (226) is published elsewhere. Hiding the two
    # small districts (4 and 5) would leave 226 - 217 = 9 for them together: a third goes.
    table = frame([4, 5, 34, 183], district=["a", "b", "c", "d"])
    out = suppress(table, threshold=10, within=["variable"])
    assert hidden(out) == [True, True, True, False]
    # two hidden districts of 6 and 7 are 13 together: nothing more is needed
    out = suppress(frame([6, 7, 34, 183]), threshold=10, within=["variable"])
    assert hidden(out) == [True, True, False, False]


def test_numerators_of_hidden_cells_together_must_pass_too():
    # n of the two hidden groups is 25 together, but 3 + 4 = 7 of them said yes:
    # the total's numerator minus the shown ones gives 7
    table = frame([12, 13, 40, 50], n_numerator=[3, 4, 20, 25])
    out = suppress(table, threshold=10, n_col=["n", "n_numerator"], within=["variable"],
                   complement=("n", "n_numerator"))  # fmt: skip
    assert hidden(out) == [True, True, True, False]


def test_a_remainder_row_counts_as_a_hidden_member_and_is_never_shown():
    # 226 respondents: 34 + 151 + 35 in listed districts, 6 with no district.
    # The 6 are a hidden cell by subtraction: the smallest district goes with them.
    table = frame([34, 151, 35, 6], rest=[False, False, False, True])
    out = suppress(table, threshold=10, within=["variable"], remainder="rest")
    assert hidden(out) == [True, False, False, True]
    # an empty remainder (everybody has a district) is no member: nothing to hide
    table = frame([34, 151, 41, 0], rest=[False, False, False, True])
    out = suppress(table, threshold=10, within=["variable"], remainder="rest")
    assert hidden(out) == [False, False, False, True]
    # a large remainder covers a single small cell: 4 + 20 people together
    table = frame([4, 151, 51, 20], rest=[False, False, False, True])
    out = suppress(table, threshold=10, within=["variable"], remainder="rest")
    assert hidden(out) == [True, False, False, True]


def test_only_additive_counts_are_summed_over_hidden_cells():
    # a distribution of one question: n (the denominator) is the same in every row,
    # the numerators add up. Hidden "c" (4) and "b" (8) give 12 together: enough.
    table = frame([60, 60, 60], n_numerator=[48, 8, 4])
    out = suppress(table, threshold=10, n_col=["n", "n_numerator"], within=["variable"],
                   additive=["n_numerator"])  # fmt: skip
    assert hidden(out) == [False, True, True]
    # summing n too would call 4 + 8 "120 respondents", which is not what they are
    table = frame([60, 60, 60], n_numerator=[51, 6, 3])
    out = suppress(table, threshold=10, n_col=["n", "n_numerator"], within=["variable"],
                   additive=["n_numerator"])  # fmt: skip
    assert hidden(out) == [True, True, True]


def test_a_row_published_elsewhere_is_taken_last_as_a_partner():
    # "mid" (4) is hidden; "pos" has the fewest respondents after it, but the indicator
    # table publishes pos's share anyway, so hiding it would protect nothing: neg goes
    table = frame([80, 80, 80], n_numerator=[30, 4, 26], shown=[False, False, True])
    kwargs = dict(threshold=10, n_col=["n", "n_numerator"], within=["variable"],
                  additive=["n_numerator"])  # fmt: skip
    assert hidden(suppress(table, **kwargs)) == [False, True, True]
    assert hidden(suppress(table, **kwargs, protected="shown")) == [True, True, False]


# ---------------------------------------- every demo town, recomputed from the data
TOWNS = sorted(p.parent.name for p in Path("surveys/towns").glob("*/town.yaml"))


def _recount(data: pd.DataFrame, column: str, kind: str) -> tuple[int, float]:
    """Respondents behind an indicator in ``data``: (denominator, numerator or NaN)."""
    values = pd.to_numeric(data[column], errors="coerce")
    n = int(values.notna().sum())
    return n, float((values == 1).sum()) if kind == "share" else np.nan


def _small(n: float, num: float, threshold: int) -> bool:
    if n < threshold:
        return True
    if np.isnan(num):
        return False
    return num < threshold or 0 < n - num < threshold


def assert_town_is_protected(analysis, threshold: int) -> int:
    """The property: no published cell or complement, and no differenced hidden set, is small.

    Returns the number of hidden cells checked (so the caller can see the test bites).
    """
    data = analysis.design.data
    table = analysis.indicators
    columns = {d.id: d.column for d in analysis.indicator_defs}
    values = ["estimate", "se", "ci_low", "ci_high", "n", "n_numerator", "n_weighted"]
    hidden_seen = 0
    for (indicator, group), rows in table.groupby(["indicator", "group"], sort=False):
        column, kind = columns[indicator], rows["kind"].iloc[0]
        if group == "total":
            domains = {"total": data}
        else:
            key = data[group].astype("string")
            domains = {level: data[key == level] for level in rows["group_level"]}
        for row in rows.itertuples():
            n, num = _recount(domains[row.group_level], column, kind)
            if row.suppressed:
                hidden_seen += 1
                # nothing of a hidden cell is published
                assert all(pd.isna(getattr(row, v)) for v in values), (indicator, row.group_level)
                continue
            assert not _small(n, num, threshold), (analysis.town.slug, indicator, group, n, num)
            assert row.n == n
            if kind == "share":
                assert row.n_numerator == num
        total_row = table[(table["indicator"] == indicator) & (table["group"] == "total")]
        if group == "total" or total_row["suppressed"].all():
            continue  # nothing to subtract from
        # differencing: the total minus the shown groups is what the hidden ones (and the
        # respondents with no group) have together; it must be empty or publishable
        n_all, num_all = _recount(data, column, kind)
        shown = rows[~rows["suppressed"]]
        n_rest = n_all - shown["n"].sum()
        num_rest = num_all - shown["n_numerator"].sum() if kind == "share" else np.nan
        assert n_rest == 0 or not _small(n_rest, num_rest, threshold), (
            analysis.town.slug, indicator, group, n_rest, num_rest,
        )  # fmt: skip
        members = int(rows["suppressed"].sum()) + int(
            n_rest - rows.loc[rows["suppressed"], "n"].fillna(0).sum() > 0
        )
        assert members != 1 or n_rest == 0
    # the sample profile (age band x sex): shown cells, and per row and column what is hidden
    cells = data.groupby(["age_band", "sex"]).size()
    prof = analysis.profile.set_index(["age_band", "sex"])
    for key, row in prof.iterrows():
        true = int(cells.get(key, 0))
        if row["suppressed"]:
            assert pd.isna(row["sample_n"]) and pd.isna(row["weighted_share"])
        else:
            assert row["sample_n"] == true and true >= threshold
    for level in (0, 1):
        for _, part in prof.groupby(level=level):
            rest = sum(int(cells.get(k, 0)) for k in part.index[part["suppressed"]])
            assert rest == 0 or rest >= threshold
    return hidden_seen


@pytest.mark.parametrize("slug", TOWNS)
def test_every_demo_town_publishes_no_small_cell_complement_or_difference(slug):
    from diagnosis.evidence import analyse_town

    analysis = analyse_town(slug)
    assert assert_town_is_protected(analysis, 10) > 0


def test_a_group_of_exactly_threshold_minus_one_is_protected():
    from diagnosis.evidence import analyse_town

    # Kwidzyn's smallest district has 38 respondents: at a threshold of 39 it is one short
    sizes = analyse_town("kwidzyn").design.data["district"].value_counts()
    threshold = int(sizes.min()) + 1
    analysis = analyse_town("kwidzyn", threshold=threshold)
    rows = analysis.indicators.query(f"group == 'district' and group_level == '{sizes.idxmin()}'")
    assert len(rows) and rows["suppressed"].all()
    assert assert_town_is_protected(analysis, threshold) > 0
