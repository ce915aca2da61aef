"""diagnosis.population: GUS BDL exports of P2137, the shipped table of gminy, the lookup."""

import importlib.util
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from diagnosis import load_instrument, read_responses
from diagnosis.clean import clean_responses
from diagnosis.evidence import analyse_town, weight_design
from diagnosis.population import (
    ADULT_BANDS,
    GMINY_FILE,
    PopulationError,
    adult_margins,
    find_gmina,
    gmina_margins,
    load_gminy,
    read_bdl,
)
from diagnosis.report.town_report import TownReport
from diagnosis.town import TOWNS_DIR, load_town
from diagnosis.validate import validate_town

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
EXPORT = SHARED / "LUDN_2137_CTAB_20210625164329_gminy_2020.csv"
real_export = pytest.mark.skipif(
    not EXPORT.is_file(),
    reason=f"the real GUS BDL export is not here ({EXPORT}); it lives in ../shared/data",
)


def _script():
    spec = importlib.util.spec_from_file_location(
        "make_gminy", ROOT / "tests" / "reference" / "make_gminy.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def real():
    return read_bdl(EXPORT)


# ---------------------------------------------------------------- the real export


@real_export
def test_the_real_export_is_read_with_every_unit(real):
    assert real.layout == "CTAB" and real.encoding == "utf-8" and not real.has_sex
    units = real.units()
    assert len(units) == 3779  # README: gminy, their town and rural parts, Warsaw's districts
    assert units["type"].value_counts().to_dict() == {
        2: 1533,
        3: 642,
        4: 642,
        5: 642,
        1: 302,
        8: 18,
    }


@real_export
def test_every_gmina_s_five_year_groups_add_up_to_its_total(real):
    data = real.data
    five = data[~data["total"] & ~data["age"].isin(["0-14", "70 i więcej"])]
    assert sorted(five["age"].unique()) == sorted(
        ["0-4", "5-9", "10-14", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49",
         "50-54", "55-59", "60-64", "65-69", "70-74", "75-79", "80-84", "85 i więcej"]
    )  # fmt: skip
    sums = five.groupby("code")["population"].sum()
    totals = data[data["total"]].set_index("code")["population"]
    assert (sums == totals.reindex(sums.index)).all()
    gminy = totals[data[data["total"]].set_index("code")["type"].isin([1, 2, 3])]
    assert len(gminy) == 2477
    assert int(gminy.sum()) == 38_265_013  # ../shared/data/README.md


@real_export
def test_the_shipped_table_is_what_the_script_makes(tmp_path):
    script = _script()
    made = script.make(EXPORT)
    pd.testing.assert_frame_equal(load_gminy(), made, check_dtype=False)
    # and the committed file is byte for byte what the script writes
    assert script.write(made, tmp_path / "gminy.csv").read_bytes() == GMINY_FILE.read_bytes()


def test_the_shipped_table_holds_every_gmina_and_adds_up():
    g = load_gminy()
    assert len(g) == 2477 and g["teryt"].is_unique
    assert g["teryt"].str.fullmatch(r"\d{7}").all()
    assert set(g["type"]) == {1, 2, 3}
    assert g["type"].value_counts().to_dict() == {2: 1533, 3: 642, 1: 302}
    assert (g["teryt"].str[-1].astype(int) == g["type"]).all()
    assert int(g["total"].sum()) == 38_265_013
    assert (g[list(ADULT_BANDS)].sum(axis=1) == g["adults"]).all()
    assert (g["adults"] < g["total"]).all() and (g[list(ADULT_BANDS)] > 0).all().all()
    readme = (GMINY_FILE.parent / "README.md").read_text(encoding="utf-8")
    for cited in ("P2137", "31.12.2020", "2021-06-25", "Źródło: GUS, Bank Danych Lokalnych"):
        assert cited in readme


def test_a_band_straddling_18_is_split_two_fifths():
    # Bolesławiec (gmina miejska), from the real export: 15-19 1559, 20-24 1663, 25-29 2110
    row = load_gminy().set_index("teryt").loc["0201011"]
    assert row["18_29"] == round(1559 * 2 / 5 + 1663 + 2110) == 4397
    assert row["30_44"] == 2739 + 3096 + 3111
    assert row["60_plus"] == 3094 + 3127 + 5787  # 60-64, 65-69, 70 i więcej


def test_gmina_margins_by_teryt_and_located_refusals():
    m = gmina_margins("2207011")
    assert m["age_band"].tolist() == list(ADULT_BANDS)
    assert int(m["population"].sum()) == 30852
    assert gmina_margins(0o201011).equals(gmina_margins("0201011"))  # unquoted in YAML: octal
    with pytest.raises(PopulationError) as info:
        gmina_margins("1465028")  # a district of Warsaw
    assert "1465011" in info.value.message("pl") and "1465011" in info.value.message("en")
    with pytest.raises(PopulationError) as info:
        gmina_margins("3027034")  # the town of the urban-rural gmina Dobra
    assert "3027033" in info.value.message("en")


def test_find_gmina_ignores_case_and_diacritics():
    found = find_gmina("kwidzyn")
    assert found["teryt"].tolist() == ["2207011", "2207032"]
    assert found["label"].tolist() == [
        "Kwidzyn (gmina miejska, pomorskie)",
        "Kwidzyn (gmina wiejska, pomorskie)",
    ]
    assert find_gmina("ŁÓDŹ")["teryt"].iloc[0] == find_gmina("lodz")["teryt"].iloc[0] == "1061011"
    assert find_gmina("warszawa")["teryt"].tolist() == ["1465011"]
    assert find_gmina("zielona g")["name"].iloc[0] == "Zielona Góra"
    assert find_gmina("   ").empty and find_gmina("nie ma takiej gminy").empty


# ---------------------------------------------------------------- small exports written here

CREL_HEAD = '"Kod";"Nazwa";"Wiek";"Płeć";"Rok";"Wartosc";"Jednostka miary";"Atrybut"\n'
GROUPS = ["0-14", "15-19", "20-29", "30-44", "45-59", "60 i więcej"]
MEN = [100, 50, 90, 120, 110, 130]
WOMEN = [95, 45, 85, 125, 115, 170]


def _crel(men=MEN, women=WOMEN, extra=0):
    """Kwidzyn in CREL; ``extra`` more people aged 15-19 (and in all) for both sexes only."""
    lines = [CREL_HEAD]
    for sex, values in (("mężczyźni", men), ("kobiety", women)):
        for group, value in zip(GROUPS, values, strict=True):
            lines.append(f'"2207011";"Kwidzyn (1)";"{group}";"{sex}";"2020";"{value}";"osoba";""\n')
        lines.append(
            f'"2207011";"Kwidzyn (1)";"ogółem";"{sex}";"2020";"{sum(values)}";"osoba";""\n'
        )
    both = [m + w for m, w in zip(men, women, strict=True)]
    both[1] += extra
    for group, value in zip(GROUPS, both, strict=True):
        lines.append(f'"2207011";"Kwidzyn (1)";"{group}";"ogółem";"2020";"{value}";"osoba";""\n')
    lines.append(f'"2207011";"Kwidzyn (1)";"ogółem";"ogółem";"2020";"{sum(both)}";"osoba";""\n')
    return "".join(lines)


@pytest.mark.parametrize("encoding", ["utf-8", "cp1250"])
def test_a_crel_export_with_sex_gives_age_by_sex_cells(tmp_path, encoding):
    path = tmp_path / "LUDN_2137_CREL.csv"
    path.write_bytes(_crel().replace("\n", "\r\n").encode(encoding))
    table = read_bdl(path)
    assert table.layout == "CREL" and table.encoding == encoding and table.has_sex
    assert table.years == [2020]
    m = adult_margins(table, bands=["18_29", "30_44", "45_59", "60_plus"])
    assert m.columns.tolist() == ["age_band", "sex", "population"]
    cells = m.set_index(["age_band", "sex"])["population"]
    assert cells[("18_29", "male")] == 20 + 90  # 2/5 of 50
    assert cells[("18_29", "female")] == 18 + 85  # 2/5 of 45
    assert cells[("60_plus", "female")] == 170
    assert len(m) == 8


def test_a_windows_1250_ctab_export_is_read(tmp_path):
    header = ";".join(
        f'"ogółem;{g};2020;[osoba]"' for g in ["ogółem", "0-14", "15-19", "20-29", "30-44",
                                                 "45-59", "60 i więcej"]
    )  # fmt: skip
    text = f'"Kod";"Nazwa";{header};\r\n"0224022";"Ciepłowody (2)";1235;195;95;175;245;225;300;\r\n'
    path = tmp_path / "ludnosc.csv"
    path.write_bytes(text.encode("cp1250"))
    table = read_bdl(path)
    assert table.layout == "CTAB" and table.encoding == "cp1250" and table.years == [2020]
    assert table.units().to_dict("records") == [
        {"code": "0224022", "name": "Ciepłowody", "type": 2}
    ]
    m = adult_margins(table)
    assert m.columns.tolist() == ["age_band", "population"]
    assert m["population"].tolist() == [38 + 175, 245, 225, 300]


def test_groups_that_do_not_add_up_give_a_located_error(tmp_path):
    path = tmp_path / "ludnosc.csv"
    path.write_text(
        "Kod;Nazwa;ogółem;0-4;5-59;60 i więcej;\n"
        '2207011;"Kwidzyn (1)";100;10;50;40;\n'
        '2207032;"Kwidzyn (2)";100;10;50;39;\n',
        encoding="utf-8",
    )
    with pytest.raises(PopulationError) as info:
        read_bdl(path)
    err = info.value
    assert err.file == path and err.row == 3 and err.column == "ogółem"
    assert "Kwidzyn (2207032)" in err.message("pl") and "99" in err.message("en")
    assert "ludnosc.csv, wiersz 3, kolumna 'ogółem'" in err.message("pl")


def test_men_and_women_that_do_not_add_up_give_a_located_error(tmp_path):
    path = tmp_path / "crel.csv"
    path.write_text(_crel(extra=1), encoding="utf-8")
    with pytest.raises(PopulationError) as info:
        read_bdl(path)
    assert info.value.row is not None and info.value.column == "Wartosc"
    assert "kobiety i mężczyźni" in info.value.message("pl")


def test_a_wide_group_that_does_not_match_its_parts_is_located(tmp_path):
    path = tmp_path / "ludnosc.csv"
    path.write_text(
        'Kod;Nazwa;ogółem;0-4;5-9;0-9;10 i więcej\n2207011;"Kwidzyn (1)";100;10;10;21;80\n',
        encoding="utf-8",
    )
    with pytest.raises(PopulationError) as info:
        read_bdl(path)
    assert (info.value.row, info.value.column) == (2, "0-9")


@pytest.mark.parametrize(
    ("text", "column", "fragment"),
    [
        ("a;b;c\n1;2;3\n", None, "Kod;Nazwa"),
        ("Kod;Nazwa;ogółem;0-4;5 i więcej;dochody\n1;x;1;1;0;5\n", "dochody", "grupą wieku"),
        ("Kod;Nazwa;ogółem;0-4;5 i więcej\n2207011;x;1;dużo;0\n", "0-4", "liczba osób"),
        ("Kod;Nazwa;ogółem;0-4;10 i więcej\n2207011;x;1;1;0\n", None, "od 5 lat"),
    ],
)
def test_files_that_are_not_p2137_are_refused_with_where(tmp_path, text, column, fragment):
    path = tmp_path / "plik.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PopulationError) as info:
        read_bdl(path)
    assert info.value.column == column and info.value.file == path
    assert fragment in info.value.message("pl")


def test_several_units_need_a_code(tmp_path):
    path = tmp_path / "ludnosc.csv"
    path.write_text(
        "Kod;Nazwa;ogółem;0-19;20 i więcej\n"
        '2207011;"Kwidzyn (1)";100;50;50\n2207032;"Kwidzyn (2)";90;40;50\n',
        encoding="utf-8",
    )
    table = read_bdl(path)
    with pytest.raises(PopulationError) as info:
        adult_margins(table)
    assert "gmina:" in info.value.message("pl")
    assert adult_margins(table, "2207032", bands=["18_plus"])["population"].tolist() == [4 + 50]


# ---------------------------------------------------------------- a town weighted to a gmina


@pytest.fixture
def gmina_town(tmp_path):
    """Kwidzyn's demo data with ``margins: {gmina: "2207011"}`` and no population line."""
    folder = tmp_path / "kwidzyn"
    shutil.copytree(TOWNS_DIR / "kwidzyn", folder, ignore=shutil.ignore_patterns("wave2"))
    config = folder / "town.yaml"
    text = re.sub(
        r"population: \d+\nmargins:\n(  .*\n)+",
        'margins: {gmina: "2207011"}\n',
        config.read_text(encoding="utf-8"),
    )
    config.write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize("method", ["rake", "poststratify"])
def test_a_gmina_town_is_weighted_to_its_age_bands_only(gmina_town, method):
    town = load_town(gmina_town)
    assert town.margin_variables == ("age_band",) and town.population == 30852
    instrument = load_instrument(town.instrument)
    cleaned = clean_responses([read_responses(f.path, instrument) for f in town.responses],
                              instrument)  # fmt: skip
    data = cleaned.data
    design = weight_design(data, town, method)
    w = pd.Series(np.asarray(design.weights), index=data.index)
    got = w.groupby(data["age_band"].astype(str)).sum()
    want = town.margins.set_index("age_band")["population"].astype(float)
    np.testing.assert_allclose(got.reindex(want.index), want, rtol=0, atol=1e-8)
    # sex is not a margin: within each age band the weights are equal, whatever the sex
    spread = w.groupby(data["age_band"].astype(str)).agg(lambda s: s.max() - s.min())
    assert (spread < 1e-9).all()


def test_a_gmina_town_validates_and_its_report_says_it_is_weighted_by_age_only(gmina_town):
    assert validate_town(gmina_town).ok
    analysis = analyse_town(gmina_town)
    assert analysis.weighting.variables == ("age_band",)
    assert "sex" not in analysis.profile and len(analysis.profile) == 4
    report = TownReport.build(gmina_town, lang="en")
    assert "not weighted by sex" in str(report.section("summary"))
    profile = str(report.section("profile"))
    assert "raking to one margin: age" in profile and "2/5 of its residents" in profile
    assert "Bank Danych Lokalnych, tabela P2137" in profile


def test_shipped_five_year_groups_give_the_shipped_bands_for_every_gmina():
    from diagnosis.population import GROUPS_FROM, _gmina_bands, load_gminy

    gminy = load_gminy()
    groups = [c for c in gminy.columns if c.startswith("age_")]
    assert groups[0] == f"age_{GROUPS_FROM}_19" and groups[-1] == "age_85_plus"
    assert (gminy[groups].sum(axis=1) <= gminy["total"]).all()
    for _, row in gminy.iterrows():  # the same split and rounding as the stored bands
        assert _gmina_bands(row, list(ADULT_BANDS)) == [int(row[b]) for b in ADULT_BANDS]


def test_gmina_margins_in_a_questionnaire_s_own_bands():
    row = load_gminy().set_index("teryt").loc["2207011"]
    out = gmina_margins("2207011", ["18_24", "25_64", "65_plus"])
    assert out["population"].tolist() == [
        round(0.4 * row["age_15_19"] + row["age_20_24"]),
        sum(row[f"age_{a}_{a + 4}"] for a in range(25, 65, 5)),
        sum(row[c] for c in ["age_65_69", "age_70_74", "age_75_79", "age_80_84", "age_85_plus"]),
    ]
    assert out["population"].sum() == row["adults"]
    with pytest.raises(PopulationError):
        gmina_margins("2207011", ["10_17", "18_plus"])
