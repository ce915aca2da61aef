"""The synthetic demo towns: deterministic, loadable, realistic where it matters.

The committed files under ``surveys/towns`` are read here with plain csv,
pyreadstat and openpyxl (not with ``diagnosis.read``), so a bug in the readers
cannot hide a bug in the demo; the round trip through the readers is a test of
its own at the end.
"""

from __future__ import annotations

import csv
import functools
import io
import statistics
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat
import pytest
from openpyxl import load_workbook

import diagnosis.read
from diagnosis.demo import (
    DEMO_FORMATS,
    DEMO_TOWNS,
    demo_responses,
    generate_demo,
    planted_personal_data,
    planted_personal_items,
)
from diagnosis.demo.formats import CP1250_LABELS, SAV_DATE_OFFSET, standard_instrument
from diagnosis.demo.people import town_profile
from diagnosis.demo.texts import ASSET_KINDS
from diagnosis.demo.waves import FOLLOW_UPS
from diagnosis.town import TOWNS_DIR, find_towns, load_town
from diagnosis.validate import validate

SLUGS = [t.slug for t in DEMO_TOWNS]
FORMAT = {t.slug: t.format for t in DEMO_TOWNS}
#: one town per format, for the slower tests
ONE_PER_FORMAT = [next(t.slug for t in DEMO_TOWNS if t.format == f) for f in DEMO_FORMATS]


@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    """The canonical frame behind each town's file, as the generator made it."""
    return {slug: demo_responses(slug) for slug in SLUGS}


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


# ---------------------------------------------------------------- reading the files plainly


def _label_to_code(question: str) -> dict[str, str]:
    return {c.label("pl"): c.name for c in standard_instrument().question(question).choices}


@functools.cache
def _raw_table(slug: str) -> tuple[list[str], list[list[str]]]:
    """Header and rows of a town's response file, all values as text, read without diagnosis."""
    town = load_town(TOWNS_DIR / slug)
    path = town.responses[0].path
    fmt = FORMAT[slug]
    if fmt == "spss_sav":
        df, _ = pyreadstat.read_sav(path, user_missing=True)
        rows = [["" if pd.isna(v) else str(v) for v in r] for r in df.itertuples(index=False)]
        return list(df.columns), rows
    if fmt == "xlsx":
        ws = load_workbook(path, read_only=True)[town.responses[0].sheet]
        table = [["" if v is None else str(v) for v in r] for r in ws.iter_rows(values_only=True)]
        return table[0], table[1:]
    encoding = "cp1250" if fmt == "cp1250_csv" else "utf-8-sig"
    text = path.read_bytes().decode(encoding)
    delimiter = ";" if text.splitlines()[0].count(";") > text.splitlines()[0].count(",") else ","
    table = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    return table[0], table[1:]


def _sex_age(slug: str) -> list[tuple[str, str]]:
    """(sex, age_band) codes of every respondent, from the file itself."""
    header, rows = _raw_table(slug)
    fmt = FORMAT[slug]
    if fmt == "kobo_csv":
        s, a = header.index("metryczka/sex"), header.index("metryczka/age_band")
    elif fmt == "google_forms_csv":
        s, a = header.index("Płeć"), header.index("Wiek")
    else:
        s, a = header.index("sex"), header.index("age_band")
    pairs = [(r[s], r[a]) for r in rows]
    if fmt == "google_forms_csv" or slug in CP1250_LABELS:
        sex, age = _label_to_code("sex"), _label_to_code("age_band")
        pairs = [(sex[x], age[y]) for x, y in pairs]
    return pairs


def _file_text(slug: str) -> str:
    """Everything written in a town's response file, as one string."""
    header, rows = _raw_table(slug)
    return "\n".join("\t".join(r) for r in [header, *rows])


# ---------------------------------------------------------------- determinism


def test_same_seed_gives_identical_bytes(tmp_path):
    first = generate_demo(tmp_path / "a", towns=ONE_PER_FORMAT)
    second = generate_demo(tmp_path / "b", towns=ONE_PER_FORMAT)
    assert [p.name for p in first] == ONE_PER_FORMAT
    for a, b in zip(first, second, strict=True):
        assert _files(a) == _files(b)
        # town.yaml, responses, workshop_ideas.csv, assets.csv (+ wave2/town.yaml and responses)
        assert len(_files(a)) == (6 if a.name in FOLLOW_UPS else 4)


def test_another_seed_gives_other_data(tmp_path):
    [a] = generate_demo(tmp_path / "a", towns=["jarocin"])
    [b] = generate_demo(tmp_path / "b", seed=7, towns=["jarocin"])
    fa, fb = _files(a), _files(b)
    assert fa.keys() == fb.keys()
    assert all(fa[name] != fb[name] for name in fa)


def test_committed_data_are_what_the_generator_writes(tmp_path):
    """All 25 towns regenerated together equal the committed files, byte for byte."""
    generate_demo(tmp_path)
    for slug in SLUGS:
        assert _files(tmp_path / slug) == _files(TOWNS_DIR / slug), slug


def test_sav_header_timestamp_is_fixed():
    for slug in (t.slug for t in DEMO_TOWNS if t.format == "spss_sav"):
        data = load_town(TOWNS_DIR / slug).responses[0].path.read_bytes()
        assert data[:4] == b"$FL2"
        assert data[SAV_DATE_OFFSET : SAV_DATE_OFFSET + 17] == b"01 Jan 2600:00:00"


# ---------------------------------------------------------------- the committed towns


def test_25_towns_load_and_are_marked_synthetic():
    folders = find_towns(TOWNS_DIR)
    assert [f.name for f in folders] == sorted(SLUGS)
    assert len(folders) == 25
    for town in DEMO_TOWNS:
        loaded = load_town(TOWNS_DIR / town.slug)
        assert loaded.name == town.name
        assert loaded.synthetic is True
        assert loaded.population == loaded.margins["population"].sum()
        assert 0.75 * town.population < loaded.population < 0.9 * town.population
        assert set(loaded.margins["age_band"]) == {"18_29", "30_44", "45_59", "60_plus"}
        assert set(loaded.margins["sex"]) == {"female", "male"}
        assert "synthetic" in loaded.margins_source and "GUS BDL" in loaded.margins_source
        assert set(loaded.districts) == {
            "centrum",
            "osiedle_a",
            "osiedle_b",
            "osiedle_c",
            "obrzeza",
        }
        assert loaded.fieldwork_start < loaded.fieldwork_end
        assert loaded.recruitment and loaded.workshop_ideas and loaded.assets
        text = loaded.config_path.read_text(encoding="utf-8")
        assert text.startswith("# DANE SYNTETYCZNE") and "# SYNTHETIC DATA" in text


def test_slugs_are_ascii_and_names_have_polish_letters():
    assert all(s.isascii() and s == s.lower() for s in SLUGS)
    assert sum(not t.name.isascii() for t in DEMO_TOWNS) >= 8
    assert all(7_000 <= t.population <= 120_000 for t in DEMO_TOWNS)


def test_every_format_is_used_about_five_times():
    counts = Counter(FORMAT.values())
    assert set(counts) == set(DEMO_FORMATS)
    assert all(4 <= c <= 6 for c in counts.values())


def test_sample_sizes_and_file_rows(frames):
    for slug in SLUGS:
        n = len(_sex_age(slug))
        assert 150 <= n <= 1200, slug
        assert n == len(frames[slug]) == town_profile(DEMO_TOWNS[SLUGS.index(slug)]).n


def test_older_women_are_over_represented():
    """Sample share of women 60+ is at least 1.5x their population share, in every town."""
    ratios = {}
    for slug in SLUGS:
        pairs = _sex_age(slug)
        sample = sum(p == ("female", "60_plus") for p in pairs) / len(pairs)
        margins = load_town(TOWNS_DIR / slug).margins.set_index(["age_band", "sex"])["population"]
        population = margins[("60_plus", "female")] / margins.sum()
        ratios[slug] = sample / population
    assert min(ratios.values()) >= 1.5, ratios
    assert 1.7 < statistics.median(ratios.values()) < 2.4  # "about double"


def test_workshop_and_assets_files():
    needs = set(standard_instrument().question("needs").choice_names())
    for slug in SLUGS:
        town = load_town(TOWNS_DIR / slug)
        ideas = pd.read_csv(town.workshop_ideas, dtype={"votes": "int64"})
        assert list(ideas.columns) == ["idea", "need", "votes"]
        assert set(ideas["need"]) <= needs and len(ideas) >= 8
        assert (ideas["votes"] >= 0).all()
        assets = pd.read_csv(town.assets)
        assert list(assets.columns) == ["asset", "kind", "description"]
        assert set(assets["kind"]) <= set(ASSET_KINDS)
        assert town.name.split()[0][:4] in assets["asset"].iloc[0]  # the town's own library


# ---------------------------------------------------------------- what the data look like


def test_frames_pass_validation_without_errors(frames):
    ins = standard_instrument()
    for slug, frame in frames.items():
        frame = frame.set_axis(pd.RangeIndex(2, len(frame) + 2, name="row"))
        report = validate(frame, ins)
        assert report.ok, (slug, [f.code for f in report.errors][:5])
        codes = {f.code for f in report.warnings}
        assert {"straight_lining", "too_fast"} <= codes, slug


def test_skip_logic_and_ranges(frames):
    for frame in frames.values():
        skills = frame.filter(like="skills__")
        assert skills[frame["internet_use"].ne("1").fillna(True)].isna().all().all()
        assert (
            frame.loc[frame["library_visit"].ne("1").fillna(True), "library_frequency"].isna().all()
        )
        needs = frame.filter(like="needs__").sum(axis=1, min_count=1)
        assert needs.dropna().between(1, 3).all()
        assert frame["trust"].dropna().between(0, 10).all()
        assert frame["sex"].notna().all() and frame["age_band"].notna().all()
        assert frame["respondent_id"].is_unique


def test_timestamps_within_fieldwork(frames):
    for slug, frame in frames.items():
        town = load_town(TOWNS_DIR / slug)
        assert frame["start"].dt.date.min() >= town.fieldwork_start
        assert frame["end"].dt.date.max() <= town.fieldwork_end + pd.Timedelta(days=1)
        minutes = (frame["end"] - frame["start"]).dt.total_seconds() / 60
        assert 10 <= minutes.median() <= 18
        assert minutes.between(8, 25).mean() > 0.8
        assert (minutes < 4).sum() >= 1  # implausibly fast ones


def test_towns_differ_in_needs(frames):
    tops = {tuple(f.filter(like="needs__").mean().nlargest(2).index) for f in frames.values()}
    assert len(tops) >= 10
    for town in DEMO_TOWNS:
        shares = frames[town.slug].filter(like="needs__").mean()
        pressing = town_profile(town).pressing
        chosen = shares.index.isin([f"needs__{p}" for p in pressing])
        assert shares[chosen].mean() > 2 * shares[~chosen].mean(), town.slug


def test_pressing_services_are_important_and_unsatisfying(frames):
    """Importance-performance: each pressing service lies in the "act here" quadrant."""
    services = [
        q.name.removeprefix("imp_") for q in standard_instrument().by_construct("importance")
    ]
    for town in DEMO_TOWNS:
        frame = frames[town.slug]
        imp = frame[[f"imp_{s}" for s in services]].apply(pd.to_numeric).replace(99, np.nan)
        sat = frame[[f"sat_{s}" for s in services]].apply(pd.to_numeric).replace(99, np.nan)
        imp, sat = imp.mean().set_axis(services), sat.mean().set_axis(services)
        pressing = [s for s in town_profile(town).pressing if s in services]
        assert pressing, town.slug
        for s in pressing:
            assert imp[s] > imp.drop(pressing).mean(), (town.slug, s, imp[s])
            assert sat[s] < sat.drop(pressing).mean() - 0.3, (town.slug, s, sat[s])


def test_item_nonresponse_follows_use(frames):
    pooled = pd.concat(frames.values())
    no_answer = pooled["sat_youth"].isna() | pooled["sat_youth"].eq("99")
    by_age = no_answer.groupby(pooled["age_band"]).mean()
    assert by_age["60_plus"] > 2 * by_age["18_29"]
    assert (pooled.filter(like="sat_") == "99").mean().mean() > 0.05


def test_cohesion_correlated_and_coh_self_reversed(frames):
    pooled = pd.concat(frames.values())
    items = pooled.filter(like="coh_").apply(pd.to_numeric).replace(99, np.nan)
    corr = items.corr()
    assert corr.loc["coh_belong", "coh_trust"] > 0.2
    assert (corr.loc["coh_self"].drop("coh_self") < -0.2).all()


def test_digital_skills_fall_with_age(frames):
    pooled = pd.concat(frames.values())
    count = pooled.filter(like="skills__").sum(axis=1, min_count=1)
    means = count.groupby(pooled["age_band"]).mean()
    assert means["18_29"] > means["45_59"] > means["60_plus"]


def test_open_answers_are_polish_varied_and_sometimes_empty(frames):
    pooled = pd.concat(frames.values())
    problems = pooled["problem"]
    assert 0.15 < problems.isna().mean() < 0.45
    assert problems.nunique() > 300
    assert problems.dropna().str.contains("[ąćęłńóśźż]").mean() > 0.4
    assert problems.dropna().str.contains("osiedl").any()


# ---------------------------------------------------------------- planted personal data


def _pesel_ok(text: str) -> bool:
    weights = (1, 3, 7, 9, 1, 3, 7, 9, 1, 3)
    total = sum(int(d) * w for d, w in zip(text[:10], weights, strict=True))
    return len(text) == 11 and text.isdigit() and (10 - total % 10) % 10 == int(text[10])


def test_pesel_check_reference_values():
    # DOMAIN.md: 44051401359 and 02070803628 valid, 44051401358 invalid
    assert _pesel_ok("44051401359") and _pesel_ok("02070803628")
    assert not _pesel_ok("44051401358")


def test_planted_personal_data_are_in_the_response_file_only():
    for slug in SLUGS:
        items = planted_personal_items(slug)
        assert [i.value for i in items] == planted_personal_data(slug)
        assert {i.kind for i in items} == {"pesel", "phone", "email", "address"}
        text = _file_text(slug)
        folder = TOWNS_DIR / slug
        others = "".join(
            p.read_text(encoding="utf-8")
            for p in folder.iterdir()
            if p.suffix in (".yaml", ".csv")
            and p.name in ("town.yaml", "workshop_ideas.csv", "assets.csv")
        )
        for item in items:
            assert item.value in text, (slug, item.value)
            assert item.value not in others
            if item.kind == "pesel":
                assert _pesel_ok(item.value), item.value


def test_planted_personal_data_do_not_depend_on_other_towns():
    assert planted_personal_data("sopot") == planted_personal_data("sopot", seed=2026)
    assert planted_personal_data("sopot") != planted_personal_data("sopot", seed=1)
    assert planted_personal_data("sopot") != planted_personal_data("elk")


# ---------------------------------------------------------------- round trip through the readers


@pytest.mark.skipif(
    not hasattr(diagnosis.read, "read_responses"),
    reason="diagnosis.read.read_responses is not written yet",
)
@pytest.mark.parametrize("slug", SLUGS)
def test_readers_give_back_what_was_generated(slug, frames):
    from diagnosis.read import read_responses

    town = load_town(TOWNS_DIR / slug)
    ins = standard_instrument()
    [source] = town.responses
    got = read_responses(source.path, ins, sheet=source.sheet).data
    want = frames[slug]
    assert len(got) == len(want)
    for column in ("sex", "age_band", "education", "district", "library_visit", "books_read"):
        assert got[column].value_counts().to_dict() == want[column].value_counts().to_dict(), column
    for column in ("trust", "life_in_town"):
        assert got[column].astype("Int64").tolist() == want[column].tolist(), column
    for column in [c for c in want if c.startswith(("needs__", "skills__"))]:
        assert got[column].astype("Int8").tolist() == want[column].tolist(), column
    # 99 "Trudno powiedzieć" is declared user-missing in the .sav files; the reader may drop it
    for column in ("imp_health", "sat_youth", "coh_self", "influence"):
        g = got[column].astype("string")
        w = want[column]
        if FORMAT[slug] == "spss_sav":
            g, w = g.replace("99", pd.NA), w.replace("99", pd.NA)
        assert g.fillna("").tolist() == w.fillna("").tolist(), column
    assert got["problem"].fillna("").tolist() == want["problem"].fillna("").tolist()


def test_readme_table_matches_the_generator():
    readme = (TOWNS_DIR / "README.md").read_text(encoding="utf-8")
    assert "synthetic" in readme.lower() and "zmyślone" in readme
    for town in DEMO_TOWNS:
        profile = town_profile(town)
        row = (
            f"| `{town.slug}` | {town.name} | {town.population} | {profile.adults} | "
            f"{profile.n} | `{town.format}` | {', '.join(profile.pressing)} |"
        )
        assert row in readme, town.slug
