"""Comparing towns: R survey references, MixedLM, planted effects, exports, the report."""

from __future__ import annotations

import shutil
import subprocess
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat
import pytest
import statsmodels.formula.api as smf

from diagnosis.cli import main
from diagnosis.compare import (
    adjusted_comparison,
    difference_in_differences,
    export_pooled,
    needs_profiles,
    pool_towns,
    pooled_design,
    town_indicators,
    versus_mean,
    wave_changes,
)
from diagnosis.demo.waves import FOLLOW_UPS, PLANTED_EFFECT, TREND
from diagnosis.town import TOWNS_DIR

REF = Path(__file__).parent / "reference"
# the towns of tests/reference/export_compare.py
TOWNS = ["brzeg", "kwidzyn", "leczyca", "sopot", "zagan"]
WAVE_TOWNS = ["kwidzyn", "sopot", "brzeg", "zagan"]


@pytest.fixture(scope="module")
def reference() -> pd.DataFrame:
    return pd.read_csv(REF / "compare_reference.csv")


@pytest.fixture(scope="module")
def pooled():
    return pool_towns(TOWNS, waves=False)


@pytest.fixture(scope="module")
def follow_ups():
    """All eight demo towns surveyed twice (four with the innovation)."""
    return pool_towns(list(FOLLOW_UPS))


def _ref(reference: pd.DataFrame, case: str) -> pd.DataFrame:
    return reference[reference["case"] == case].set_index("term")


def _r_term(term: str) -> str:
    """patsy's ``C(town)[T.sopot]`` -> R's ``townsopot``."""
    if term == "Intercept":
        return "(Intercept)"
    name, level = term.removeprefix("C(").split(")[T.")
    return name + level.rstrip("]")


@pytest.mark.parametrize(("case", "y"), [("svyglm_life", "life_in_town"),
                                         ("svyglm_event", "ind_part_event")])  # fmt: skip
def test_town_effects_regression_matches_r_svyglm(pooled, reference, case, y):
    data = pooled.data.copy()
    for c in ("town", "age_band", "sex", "education"):
        data[c] = data[c].astype(object).where(data[c].notna(), None)
    data[y] = pd.to_numeric(data[y], errors="coerce").astype(float)
    fit = pooled_design(pooled, data).glm(f"{y} ~ C(town) + C(age_band) + C(sex) + C(education)")
    r = _ref(reference, case)
    ours = fit.assign(term=fit["variable"].map(_r_term)).set_index("term")
    assert sorted(ours.index) == sorted(r.index)
    np.testing.assert_allclose(ours.loc[r.index, "estimate"], r["estimate"], rtol=0, atol=1e-8)
    np.testing.assert_allclose(ours.loc[r.index, "se"], r["se"], rtol=0, atol=1e-6)


def test_centred_town_effects_match_r_svycontrast(pooled, reference):
    adj = adjusted_comparison(pooled, "life_in_town")
    r = _ref(reference, "centred_life")
    ours = adj.survey.set_index("town")
    np.testing.assert_allclose(ours.loc[r.index, "effect"], r["estimate"], atol=1e-8)
    np.testing.assert_allclose(ours.loc[r.index, "se"], r["se"], atol=1e-6)


def test_mixedlm_town_effects_equal_a_direct_statsmodels_fit(pooled):
    adj = adjusted_comparison(pooled, "life_in_town")
    d = pooled.data.copy()
    d["y"] = pd.to_numeric(d["life_in_town"], errors="coerce").astype(float)
    d = d.dropna(subset=["y", "age_band", "sex", "education"])
    d = d.assign(**{c: d[c].astype(str) for c in ("town", "age_band", "sex", "education")})
    direct = smf.mixedlm("y ~ C(age_band) + C(sex) + C(education)", d, groups=d["town"]).fit(
        reml=True
    )
    blups = {t: float(v.iloc[0]) for t, v in direct.random_effects.items()}
    ours = adj.mixed.set_index("town")
    for town, value in blups.items():
        assert ours.loc[town, "effect"] == pytest.approx(value, abs=1e-6)
        assert ours.loc[town, "n"] == (d["town"] == town).sum()
    tau2 = float(direct.cov_re.iloc[0, 0])
    assert adj.icc == pytest.approx(tau2 / (tau2 + direct.scale), abs=1e-8)
    # shrinkage: lambda_j = tau2 / (tau2 + sigma2 / n_j), smaller for the smallest town
    lam = ours["shrinkage"]
    assert lam.idxmin() == ours["n"].idxmin()
    assert 0 < lam.min() < lam.max() < 1
    # the models agree broadly on these towns (same data, same covariates)
    assert adj.correlation > 0.9
    text = " ".join(adj.explanation({t: t for t in TOWNS}, "pl"))
    assert "ICC" in text and "korelacji" in text


def test_versus_mean_matches_r(pooled, reference):
    table = town_indicators(pooled)
    v = versus_mean(table, pooled.towns).query("indicator == 'life_in_town'").set_index("town")
    r = _ref(reference, "versus_mean_life")
    np.testing.assert_allclose(v.loc[r.index, "difference"], r["estimate"], atol=1e-8)
    np.testing.assert_allclose(v.loc[r.index, "se"], r["se"], atol=1e-6)
    # Holm: adjusted p-values are at least the raw ones; verdict follows the adjusted p
    assert (v["p_adjusted"] >= v["p_value"] - 1e-15).all()
    assert set(v.loc[v["p_adjusted"] > 0.05, "verdict"]) <= {"no_difference"}
    assert (v.loc[v["verdict"] == "above", "difference"] > 0).all()


def test_town_table_equals_each_towns_own_design_and_respects_threshold(pooled):
    table = town_indicators(pooled, threshold=10)
    row = table.query("town == 'kwidzyn' and indicator == 'trust_mean'").iloc[0]
    direct = pooled.designs[("kwidzyn", 1)].mean("trust", na_rm=True).iloc[0]
    assert row["estimate"] == pytest.approx(direct["estimate"], abs=1e-12)
    assert row["se"] == pytest.approx(direct["se"], abs=1e-12)
    shown = table[~table["suppressed"]]
    assert (shown[["n", "n_numerator"]].min(axis=1) >= 10).all()
    hidden = table[table["suppressed"]]
    assert len(hidden) > 0 and hidden["estimate"].isna().all()
    strict = town_indicators(pooled, threshold=200)
    assert strict["suppressed"].sum() > hidden.shape[0]
    v = versus_mean(strict, pooled.towns)
    assert (v.loc[v["suppressed"], "difference"].isna()).all()
    assert set(v.loc[v["suppressed"], "verdict"]) == {"suppressed"}


def test_difference_in_differences_matches_r(reference):
    pooled4 = pool_towns(WAVE_TOWNS)
    did = difference_in_differences(pooled4, ["life_in_town", "part_event"]).set_index("indicator")
    for indicator, case in (("life_in_town", "did_life_in_town"),
                            ("part_event", "did_ind_part_event")):  # fmt: skip
        r = _ref(reference, case)
        assert did.loc[indicator, "effect"] == pytest.approx(r.loc["did", "estimate"], abs=1e-8)
        assert did.loc[indicator, "se"] == pytest.approx(r.loc["did", "se"], abs=1e-6)
        assert did.loc[indicator, "trend"] == pytest.approx(r.loc["post", "estimate"], abs=1e-8)
    assert did["treated_towns"].tolist() == [2, 2]


def test_planted_effects_are_recovered_within_their_intervals(follow_ups):
    did = difference_in_differences(follow_ups).set_index("indicator")
    for indicator, planted in (("life_in_town", PLANTED_EFFECT.life),
                               ("part_event", PLANTED_EFFECT.event)):  # fmt: skip
        row = did.loc[indicator]
        assert row["ci_low"] < planted < row["ci_high"], (indicator, row.to_dict())
        assert row["p_adjusted"] < 0.001
        # the naive before-after change of the innovation towns also holds the trend
        assert row["naive"] == pytest.approx(row["trend"] + row["effect"], abs=1e-12)
    trend = did.loc["life_in_town", "trend"]
    assert abs(trend - TREND.life) < 3 * did.loc["life_in_town", "se"]
    # an indicator with nothing planted shows no effect after Holm
    assert did.loc["library_visit", "p_adjusted"] > 0.05


def test_wave_changes_are_independent_sample_differences(follow_ups):
    table = town_indicators(follow_ups)
    changes = wave_changes(table).set_index(["town", "indicator"])
    row = changes.loc[("kwidzyn", "life_in_town")]
    one = table.query("town == 'kwidzyn' and indicator == 'life_in_town'").set_index("wave")
    assert row["change"] == pytest.approx(one.loc[2, "estimate"] - one.loc[1, "estimate"])
    assert row["se"] == pytest.approx(np.hypot(one.loc[1, "se"], one.loc[2, "se"]))
    assert set(changes.index.get_level_values("town")) == set(FOLLOW_UPS)


def test_needs_profiles_cluster_towns_with_the_same_pressing_needs(follow_ups):
    table = town_indicators(follow_ups)
    profiles = needs_profiles(table, n_clusters=3)
    assert sorted(profiles.order) == sorted(FOLLOW_UPS)
    z = profiles.z
    np.testing.assert_allclose(z.mean(), 0, atol=1e-12)
    top = profiles.shares.idxmax(axis=1)
    assert (top == profiles.top_need).all()


def test_pooled_exports_round_trip(pooled, tmp_path):
    files = export_pooled(pooled, tmp_path, lang="pl")
    data = pooled.data
    csv = pd.read_csv(files.csv, keep_default_na=False, na_values=[""], dtype={"age_band": str})
    assert csv.shape == data.shape
    np.testing.assert_allclose(csv["weight"], data["weight"], rtol=1e-15)
    assert csv["sex"].fillna("").tolist() == data["sex"].fillna("").tolist()
    parquet = pd.read_parquet(files.parquet)
    pd.testing.assert_frame_equal(parquet, data)

    sav, meta = pyreadstat.read_sav(str(files.sav), user_missing=True)
    assert sav.shape == data.shape
    book = pd.read_csv(files.codebook, dtype={"code": str})
    for column in ("sex", "age_band", "education", "influence", "town"):
        codes = book[book["variable"] == column].set_index("number")["code"]
        back = sav[column].map(codes)
        original = data[column].astype(object).where(data[column].notna(), np.nan)
        assert back.fillna("").tolist() == original.fillna("").tolist(), column
    assert meta.column_names_to_labels["sex"] == "Płeć"
    assert "Łęczyca" in meta.variable_value_labels["town"].values()
    assert meta.missing_ranges["influence"] == [{"lo": 99.0, "hi": 99.0}]
    np.testing.assert_allclose(sav["weight"], data["weight"], rtol=1e-15)
    # no free text, ids or timestamps leave the machine in the pooled files
    assert not {"problem", "idea", "respondent_id", "start", "end"} & set(csv.columns)


def test_a_broken_town_is_left_out_with_a_located_reason(tmp_path):
    for slug in ("kwidzyn", "leczyca", "sopot"):
        shutil.copytree(TOWNS_DIR / slug, tmp_path / slug)
    bad = tmp_path / "leczyca" / "ankiety_wprowadzone.csv"
    text = bad.read_bytes().decode("cp1250").splitlines()
    header = text[0].split(";")
    cells = text[3].split(";")
    cells[header.index("sex")] = "kobita"
    text[3] = ";".join(cells)
    bad.write_bytes("\n".join(text).encode("cp1250"))
    pooled = pool_towns([tmp_path / s for s in ("kwidzyn", "leczyca", "sopot")], waves=False)
    assert pooled.towns["town"].tolist() == ["kwidzyn", "sopot"]
    [skip] = pooled.skipped
    assert "wiersz 4" in skip.message("pl") and "'sex'" in skip.message("pl")
    assert "row 4" in skip.message("en")


def test_diagnosis_compare_writes_html_pdf_and_exports(tmp_path, capsys):
    towns = ["kwidzyn", "sopot", "brzeg", "zagan", "leczyca"]
    code = main(["compare", *towns, "--out", str(tmp_path), "--threshold", "10"])
    assert code == 0
    written = ["compare.html", "compare.pdf", "compare_towns.ipynb", "pooled.csv"]
    written += ["pooled.parquet", "pooled.sav", "codebook.csv", "town_indicators.csv"]
    for name in written:
        assert (tmp_path / name).stat().st_size > 0, name
    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "compare.pdf"), "-"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    for heading in ("Porównanie miejscowości", "Wskaźniki w miejscowościach",
                    "Różnice po uwzględnieniu składu mieszkańców", "Profile potrzeb",
                    "Ocena zmian", "Łęczyca", "Żagań"):  # fmt: skip
        assert heading in text, heading
    html = (tmp_path / "compare.html").read_text(encoding="utf-8")
    assert "report.section" not in html  # no code in the report
    published = pd.read_csv(tmp_path / "town_indicators.csv", encoding="utf-8-sig")
    shown = published[~published["suppressed"]]
    assert (shown[["n", "n_numerator"]].min(axis=1) >= 10).all()
    assert published[published["suppressed"]]["estimate"].isna().all()
    assert "raw_estimate" not in published
    # the report says the pooled files are personal data, counting the rare combinations itself
    pooled = pd.read_csv(tmp_path / "pooled.csv", dtype=str, keep_default_na=False)
    keys = ["stratum", "sex", "age_band", "district", "education", "employment"]
    combos = Counter(map(tuple, pooled[keys].to_numpy()))
    rare = sum(size for size in combos.values() if size < 10)
    assert 0 < rare < len(pooled)
    assert f"{rare} z {len(pooled)} osób" in html and "Te pliki to dane osobowe (RODO)" in html
    assert "Pomysły z warsztatów innych miejscowości" in html  # five towns: ideas to borrow


def test_no_borrowable_idea_is_said_not_shown_as_an_empty_table():
    from diagnosis.compare import ComparisonReport

    report = ComparisonReport.build(["kwidzyn", "leczyca"])
    assert report.ideas.empty
    html = report.html()
    assert "Żadna inna miejscowość nie ma z warsztatu pomysłu" in html
    assert "Pomysły z warsztatów innych miejscowości" not in html


def test_rare_combinations_count_those_an_acquaintance_could_single_out(pooled):
    from diagnosis.compare import rare_combinations

    rare = rare_combinations(pooled, 10)
    keys = ("stratum", "sex", "age_band", "district", "education", "employment")
    assert rare.keys == keys and rare.respondents == len(pooled.data) and rare.threshold == 10
    rows = [tuple("" if pd.isna(v) else str(v) for v in row) for row in pooled.data[list(keys)]
            .itertuples(index=False)]  # fmt: skip
    combos = Counter(rows)
    assert rare.rare == sum(size for size in combos.values() if size < 10)
    assert rare_combinations(pooled, 1).rare == 0
    assert rare_combinations(pooled, len(pooled.data) + 1).rare == len(pooled.data)


def test_the_all_town_mean_gives_no_hidden_town_away():
    # town c is hidden: with a mean over all three, mean and the shown values and
    # populations would give c's value by subtraction. Its value must change nothing.
    from diagnosis.compare import versus_mean

    towns = pd.DataFrame({"town": ["a", "b", "c"], "wave": 1, "population": [300, 100, 50]})

    def table(c_value):
        return pd.DataFrame({"town": ["a", "b", "c"], "wave": 1, "indicator": "x",
                             "raw_estimate": [0.2, 0.4, c_value], "raw_se": [0.01, 0.02, 0.05],
                             "suppressed": [False, False, True]})  # fmt: skip

    one, other = versus_mean(table(0.9), towns), versus_mean(table(0.1), towns)
    pd.testing.assert_frame_equal(one, other)
    assert one["mean"].iloc[0] == pytest.approx(0.75 * 0.2 + 0.25 * 0.4)
    assert one.set_index("town").loc["c", ["difference", "se", "p_value"]].isna().all()


def test_town_indicators_publish_no_numerator_or_small_complement():
    from diagnosis.compare import pool_towns, town_indicators

    table = town_indicators(pool_towns(["kwidzyn", "sopot"], waves=False))
    hidden = table[table["suppressed"]]
    assert len(hidden) > 0
    assert hidden[["estimate", "se", "ci_low", "ci_high", "n", "n_numerator"]].isna().all().all()
    shown = table[~table["suppressed"] & table["n_numerator"].notna()]
    complement = shown["n"] - shown["n_numerator"]
    assert not ((complement >= 1) & (complement < 10)).any()
    assert (shown["n_numerator"] >= 10).all()
