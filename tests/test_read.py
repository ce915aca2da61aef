"""diagnosis.read: real exports from the shared corpus and our own small Polish fixtures.

Expected shapes of corpus files were established independently of the reader:
CSV files by counting records with Python's ``csv`` module (delimiter and
encoding given by hand), SPSS/Stata files with ``pyreadstat`` directly, and
the LimeSurvey .dat by reading its three lines. Each number's origin is in the
comment beside it.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import shutil
import stat
from pathlib import Path

import pandas as pd
import pytest

from diagnosis.errors import DiagnosisError, EncryptedFileError, ReadError
from diagnosis.instrument import Instrument, load_instrument
from diagnosis.read import HeaderMatch, Responses, read_responses, read_table
from diagnosis.read.text import decode_bytes, sniff_delimiter

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
RESIDENT = ROOT / "surveys" / "instruments" / "resident_survey.xlsx"
MAKE_FIXTURES = ROOT / "tests" / "fixtures" / "read" / "make_fixtures.py"

needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not present")
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

NEEDS = "Co jest najbardziej potrzebne w miejscowości? Proszę wybrać maksymalnie 3 odpowiedzi."
PALEOCORE = (
    "kobo_exports/paleocore-sss_artifact-form_-_all_versions_-_False_-_2022-08-01-05-36-18.csv"
)


def _make_fixtures_module():
    spec = importlib.util.spec_from_file_location("make_read_fixtures", MAKE_FIXTURES)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def fx(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Our fixtures, written fresh into a temporary folder."""
    folder = tmp_path_factory.mktemp("read_fixtures")
    return _make_fixtures_module().write_all(folder, RESIDENT)


@pytest.fixture(scope="module")
def resident() -> Instrument:
    return load_instrument(RESIDENT)


def corpus(relative: str) -> Path:
    return CORPUS / relative


def ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text)


# ===================================================================== the corpus

#: (file, rows, columns, first row number, format, flavour)
CORPUS_SHAPES = [
    # csv.reader, utf-8, ",": 92 records - 1 header; 20 fields each
    ("google_forms/gforms_pl_instagram_cialo_Kwestionariusz.csv", 91, 20, 2, "csv", "google_forms"),
    # csv.reader: 2 records, 31 fields
    ("kobo_exports/ona_transportation_export.csv", 1, 31, 2, "csv", "kobo"),
    ("kobo_exports/ona_transportation_export_labels_only.csv", 1, 31, 2, "csv", "kobo"),
    # csv.reader, ";": 3204 records (30 hold line breaks inside quotes), 88 fields
    (PALEOCORE, 3203, 88, 2, "csv", "kobo"),
    # csv.reader: 67 records, the last one blank; 27 fields
    ("limesurvey/limesurvey_name_face_results_export.csv", 65, 27, 2, "csv", "limesurvey"),
    # the .dat has 3 lines; the .sps declares 8 variables V1..V8
    ("limesurvey/survey_271384_SPSS_syntax_file.sps", 3, 8, 1, "limesurvey_sps", "limesurvey"),
    # csv.reader, utf-8-sig, ";": 47 records - 2 header rows; 38 fields
    ("other/informal_models_survey_two_header_rows_semicolon_bom.csv", 45, 38, 3, "csv", "plain"),
    # csv.reader, cp1250, ";": 286 records - 1; 46 fields, 7 of them empty separators
    ("polish/Wypalenie-wsrod-osob-studiujacych-2025-11-03.csv", 285, 39, 2, "csv", "plain"),
    # csv.reader, utf-8, ",": 850 records - 1; 46 fields
    ("polish/badanie_graczy_rpg_wyniki.csv", 849, 46, 2, "csv", "plain"),
    # csv.reader, utf-8, ";": 320 records - 1; 65 fields
    ("polish/v4lab_PL_rawdata.csv", 319, 65, 2, "csv", "plain"),
    # pyreadstat.read_sav / read_dta: df.shape
    ("spss_stata/haven_labelled-str.sav", 2, 1, 2, "sav", "spss"),
    ("spss_stata/haven_tagged-na-double.dta", 8, 1, 2, "dta", "stata"),
    ("spss_stata/pallant_survival_manual_survey.sav", 439, 135, 2, "sav", "spss"),
    ("spss_stata/pyreadstat_mr_sets_simple_alltypes.sav", 6, 12, 2, "sav", "spss"),
    ("spss_stata/pyreadstat_sample_missing.sav", 7, 7, 2, "sav", "spss"),
]  # fmt: skip


@needs_corpus
@pytest.mark.parametrize(("relative", "rows", "cols", "first", "fmt", "flavour"), CORPUS_SHAPES)
def test_corpus_file_loads_with_its_shape(relative, rows, cols, first, fmt, flavour):
    res = read_responses(corpus(relative))
    assert isinstance(res, Responses)
    assert res.data.shape == (rows, cols)
    assert res.data.index.name == "row"
    assert res.data.index[0] == first
    assert res.data.index.is_monotonic_increasing
    assert (res.format, res.flavour) == (fmt, flavour)
    # every source column has a record, in file order
    assert [h.source_index for h in res.headers] == list(range(len(res.headers)))
    assert {h.column for h in res.headers if h.how != "dropped"} <= set(res.data.columns)


@needs_corpus
def test_encrypted_sav_fails_with_a_located_bilingual_message():
    path = corpus("spss_stata/readspss_hotel-encrypted.sav")
    with pytest.raises(EncryptedFileError) as caught:
        read_responses(path)
    err = caught.value
    assert isinstance(err, ReadError) and isinstance(err, DiagnosisError)
    assert err.file == path
    assert err.message("pl").startswith("readspss_hotel-encrypted.sav: Plik SPSS jest zaszyfrowany")
    assert "password-encrypted" in err.message("en")


@needs_corpus
@pytest.mark.parametrize("form", ["xlsform/widgets.xls", "xlsform/ona_transportation_form.xlsx"])
def test_an_xlsform_given_as_responses_is_refused(form):
    with pytest.raises(ReadError, match="XLSForm questionnaire"):
        read_responses(corpus(form))


@needs_corpus
def test_google_forms_polish_export():
    res = read_responses(corpus("google_forms/gforms_pl_instagram_cialo_Kwestionariusz.csv"))
    data = res.data
    assert res.headers[0] == HeaderMatch("Sygnatura czasowa", "submitted_at", "metadata", None, 0)
    # "2022/04/05 6:31:48 PM EET": EET is UTC+2
    assert data.loc[2, "submitted_at"] == ts("2022-04-05 16:31:48+00:00")
    assert data.loc[2, "prosze_podac_swoja_plec"] == "Kobieta"
    assert (
        data.loc[2, "prosze_podac_wielkosc_miejsca_zamieszkania"] == "Miasto do 20 tyś. mieszkańców"
    )
    assert data.loc[3, "prosze_podac_swoj_wiek_w_latach"] == 19
    assert str(data["prosze_podac_swoj_wiek_w_latach"].dtype) == "Int64"
    assert res.variable_labels["prosze_podac_swoja_plec"] == "Proszę podać swoją płeć."


@needs_corpus
def test_windows_1250_semicolon_file_with_separator_columns():
    res = read_responses(corpus("polish/Wypalenie-wsrod-osob-studiujacych-2025-11-03.csv"))
    data = res.data
    assert res.encoding == "cp1250"
    dropped = [h.source_index for h in res.headers if h.how == "dropped"]
    assert dropped == [0, 1, 22, 28, 34, 40, 43]
    assert data.loc[2, "na_jakiej_uczelni_studiujesz"] == "Technicznej –Politechnika."
    assert data.loc[2, "miejsce_zamieszkania"] == "Mieszkam sam/a ze wsparciem rodziców"
    assert data.loc[3, "plec"] == "Mężczyzna"
    assert data.loc[286, "plec_wartosc"] == "Mężczyzna"
    assert data.loc[286, "data"] == ts("2025-11-02 12:03:36")
    assert data.loc[2, "czy_uwazasz_ze_praca_w_grupie_sprawia_ci_trudnosc"] == 0
    assert res.variable_labels["plec_wartosc"] == "Płeć wartość"


@needs_corpus
def test_decimal_commas_inside_quotes_of_a_comma_file():
    data = read_responses(corpus("polish/badanie_graczy_rpg_wyniki.csv")).data
    assert str(data["mfq_harm"].dtype) == "Float64"
    assert data.loc[2, "mfq_harm"] == pytest.approx(3.67)
    assert data.loc[3, "mfq_progressivism"] == pytest.approx(-0.25)
    assert data.loc[850, "mfq_harm"] == pytest.approx(4.5)
    assert pd.isna(data.loc[4, "q_rivalry"])
    assert data.loc[2, "q_progress"] == 5


@needs_corpus
def test_polish_letters_in_column_names_are_folded():
    res = read_responses(corpus("polish/v4lab_PL_rawdata.csv"))
    data = res.data
    assert {"plec", "rok_studiow", "panstwo_os", "macierz_spoleczne"} <= set(data.columns)
    assert res.variable_labels["panstwo_os"] == "państwo_oś"
    assert data.loc[2, "respondent_id"] == "s1"  # a plain "id" header is the respondent id
    assert data.loc[7, "kierunek_studiow"] == "FIR + Filozofie"
    assert data.loc[2, "p1"] == 2
    assert str(data["p1"].dtype) == "Int64"
    # birth years include "a" and "b": the column stays text, nothing is turned into NA
    assert data.loc[2, "rok_urodzenia"] == "1993"
    assert set(data["rok_urodzenia"].dropna()) >= {"a", "b", "94", "1994"}


@needs_corpus
def test_kobo_semicolon_export_with_multiline_text_and_mixed_line_endings():
    data = read_responses(corpus(PALEOCORE)).data
    assert data.index[-1] == 3204
    # record 774 holds "\nblack, fire grained" inside quotes
    assert data.loc[774, "raw_material_description"] == "black, fire grained"
    assert data.loc[2, "started_at"] == ts("2021-12-06 04:00:09.772+00:00")
    assert data.loc[2, "respondent_id"] == "e6eddaab-b7dc-4cb1-bf93-e4d60701ecfa"
    assert data.loc[2, "meta_id"] == 128393877
    assert data.loc[2, "weight"] == pytest.approx(394.25)


@needs_corpus
def test_kobo_export_read_with_its_form():
    ins = load_instrument(corpus("xlsform/paleocore_artifact-kobotoolbox.xlsx"))
    res = read_responses(corpus(PALEOCORE), ins)
    data = res.data
    # questions of other form versions ("all versions" export) are not in this form
    assert res.unmatched() == ("Artifact_photo", "Artifact_photo_URL", "Platform_surface")
    assert next(h for h in res.headers if h.source == "Photo_URL").column == "Photo_URL"
    hows = res.headers_frame()["how"].value_counts().to_dict()
    assert hows == {"name": 74, "metadata": 11, "unmatched": 3}
    assert data.loc[2, "Site_name"] == "Semizbugu 10A"
    assert data.loc[2, "Date"] == ts("2021-12-06 05:45:00+00:00")
    # space-separated multi-select; "sidescraper" is a code of an older form version
    assert data.loc[2175, ["Tool_type__scraper", "Tool_type__notch"]].tolist() == [1, 1]
    assert data.loc[284, ["Tool_type__other", "Tool_type__scraper"]].tolist() == [1, 0]
    assert data.loc[284, "Tool_type_other"] == "sidescraper"
    assert pd.isna(data.loc[2, "Tool_type__scraper"])
    assert data.loc[2, "submitted_at"] == ts("2021-12-06 06:01:47+00:00")


@needs_corpus
@pytest.mark.parametrize(
    "export",
    [
        "kobo_exports/ona_transportation_export.csv",
        "kobo_exports/ona_transportation_export_labels_only.csv",
    ],
)
def test_ona_exports_map_group_prefixes_options_and_loops(export):
    ins = load_instrument(corpus("xlsform/ona_transportation_form.xlsx"))
    res = read_responses(corpus(export), ins)
    data = res.data
    q = "available_transportation_types_to_referral_facility"
    options = [f"{q}__{o}" for o in (*ins.question(q).choice_names(), "other")]
    assert [h.column for h in res.headers[:10]] == options
    assert all(h.how == "option" for h in res.headers[:10])
    assert data.loc[2, options].tolist() == [0] * 10  # "False" in every option column
    assert str(data[options[0]].dtype) == "Int8"
    loops = [h.column for h in res.headers[11:20]]
    assert loops[0] == "frequency_to_referral_facility_ambulance"
    assert loops[5] == "frequency_to_referral_facility_keke_pepe"  # label "keke napep"
    assert data.loc[2, loops].isna().all()  # "n/a"
    assert data.loc[2, "respondent_id"] == "5b2cc313-fc09-437e-8149-fcd32f695d41"
    assert data.loc[2, "meta_instance_id"] == "uuid:5b2cc313-fc09-437e-8149-fcd32f695d41"
    assert data.loc[2, "meta_submitted_by"] == "bob"


@needs_corpus
def test_ona_label_headers_containing_slashes():
    ins = load_instrument(corpus("xlsform/ona_transportation_form.xlsx"))
    res = read_responses(corpus("kobo_exports/ona_transportation_export_labels_only.csv"), ins)
    by_source = {h.source: h for h in res.headers}
    q = "available_transportation_types_to_referral_facility"
    assert by_source[f"{q}/boat/canoe"].column == f"{q}__boat_canoe"
    assert by_source[f"{q}/donkey/mule/cart"].column == f"{q}__donkey_mule_cart"
    assert by_source["Is boat/canoe available daily or weekly?"].how == "label"
    assert res.unmatched() == ("Specify other.",)


@needs_corpus
def test_limesurvey_csv_export():
    res = read_responses(corpus("limesurvey/limesurvey_name_face_results_export.csv"))
    data = res.data
    assert data.loc[2, "respondent_id"] == "6"
    # 62 placeholder dates 1980-01-01 and 3 empty cells
    assert data["submitted_at"].isna().all()
    assert any("placeholder" in en and "62 rows" in en for _, en in res.warnings)
    assert data.loc[2, "geslacht"] == "man"
    assert data.loc[6, "opleiding_other"] == "test gerrit"
    assert "Valérie" in set(data["vr1010"].dropna())
    assert data["score"].isna().all()


@needs_corpus
@pytest.mark.parametrize(
    "given", ["survey_271384_SPSS_syntax_file.sps", "survey_271384_SPSS_data_file.dat"]
)
def test_limesurvey_spss_syntax_and_data(given):
    res = read_responses(corpus(f"limesurvey/{given}"))
    data = res.data
    assert list(data.columns) == [
        "respondent_id", "submitted_at", "meta_lastpage", "meta_startlanguage", "age",
        "werbung_instagram", "werbung_google", "werbung_andere",
    ]  # fmt: skip
    assert data.index.tolist() == [1, 2, 3]
    assert data["age"].tolist() == [25, 22, 19]
    assert data["werbung_andere"].tolist() == [pd.NA, 1, pd.NA]
    assert dict(res.value_labels["werbung_google"]) == {"1": "Ja", "0": "Nicht Gewählt"}
    assert res.variable_labels["werbung_google"] == "[Aug Google] Wo haben Sie von uns erfahren?"
    assert data["meta_startlanguage"].tolist() == ["de", "de", "de"]


@needs_corpus
def test_two_header_rows_in_a_bom_semicolon_csv():
    res = read_responses(corpus("other/informal_models_survey_two_header_rows_semicolon_bom.csv"))
    assert res.header_rows == 2
    assert res.encoding == "utf-8-sig"
    first = res.headers[0]
    assert first.source == "Welchen fachlichen Hintergrund haben Sie? / Maschinenbau"
    assert first.column == "welchen_fachlichen_hintergrund_haben_sie_maschinenbau"
    assert res.headers[7].source.endswith("Zwecke genutzt? / Communication")
    assert res.data.loc[3, first.column] == "Ja"
    assert res.data.loc[3, res.headers[7].column] == "eher häufig"


@needs_corpus
def test_spss_user_missing_codes_become_missing():
    res = read_responses(corpus("spss_stata/pyreadstat_sample_missing.sav"))
    data = res.data
    # pyreadstat(user_missing=True): mynum 2500 is in the range 2000-3000, -1 is a missing code
    assert data["mynum"].tolist()[:5] == [1.1, 1.2, -1000.3, -1.4, 1000.3]
    assert data["mynum"].iloc[5:].isna().all()
    assert data["mylabl"].tolist() == [1, 2, 1, 2, 1, pd.NA, pd.NA]  # -1 'undetermined' missing
    assert pd.isna(data.loc[8, "myord"])  # -3, declared missing
    assert dict(res.value_labels["mylabl"]) == {"-1": "undetermined", "1": "Male", "2": "Female"}
    assert res.variable_labels["dtime"] == "datetime"
    assert data.loc[2, "dtime"] == ts("2018-05-06 10:10:10")
    assert data.loc[2, "mydate"] == ts("2018-05-06")


@needs_corpus
def test_spss_missing_ranges_and_string_labels():
    data = read_responses(corpus("spss_stata/pyreadstat_mr_sets_simple_alltypes.sav")).data
    # z: -9 is in [-999, 0] and 999 is a missing code; x: 8 is a missing code
    assert data["z"].tolist()[2] == pytest.approx(1.234)
    assert data["z"].isna().tolist() == [True, True, False, True, False, True]
    assert data["x"].tolist() == [1, 2, 3, 4, pd.NA, 9]
    res = read_responses(corpus("spss_stata/haven_labelled-str.sav"))
    assert res.data["gender"].tolist() == ["M", "F"]
    assert dict(res.value_labels["gender"]) == {"F": "Female", "M": "Male"}


@needs_corpus
def test_stata_tagged_missing_values():
    res = read_responses(corpus("spss_stata/haven_tagged-na-double.dta"))
    assert res.data["x"].tolist() == [1, 2, 3, 4, 5, pd.NA, pd.NA, pd.NA]
    assert dict(res.value_labels["x"]) == {".a": "apple", ".z": ".zebra"}


@needs_corpus
def test_spss_teaching_survey_keeps_numeric_codes_and_labels():
    res = read_responses(corpus("spss_stata/pallant_survival_manual_survey.sav"))
    assert res.data.loc[2, "sex"] == 2
    assert str(res.data["sex"].dtype) == "Int64"
    assert dict(res.value_labels["sex"]) == {"1": "MALES", "2": "FEMALES"}
    assert res.variable_labels["marital"] == "marital status"


# ===================================================================== our fixtures


def test_kobo_export_with_group_prefixes_and_space_separated_choices(fx, resident):
    res = read_responses(fx["kobo_resident.csv"], resident)
    data = res.data
    assert res.flavour == "kobo"
    assert data.shape == (3, 71)
    assert data.index.tolist() == [2, 3, 4]
    assert res.unmatched() == ()
    assert next(h for h in res.headers if h.source == "metryczka/sex").column == "sex"
    assert data["sex"].tolist() == ["female", "male", "female"]
    needs = [f"needs__{c}" for c in ("transport", "green", "safety", "seniors", "health")]
    assert data.loc[2, needs].tolist() == [1, 1, 1, 0, 0]
    assert data.loc[3, needs].tolist() == [0, 0, 0, 1, 1]
    assert data.loc[3, [c for c in data if c.startswith("skills__")]].isna().all()  # "n/a"
    assert pd.isna(data.loc[3, "library_frequency"])  # "n/a"
    assert data["trust"].tolist() == [7, pd.NA, 10]
    assert data.loc[2, "idea"] == "Więcej zajęć dla seniorów\nw bibliotece"
    assert data.loc[4, "idea"] == "Kawiarenka „Pod Żurawiem”"
    assert data.loc[3, "problem"] == "Źle oświetlone ulice"
    assert data.loc[2, "started_at"] == ts("2026-03-02 09:00:00+00:00")
    assert data.loc[2, "submitted_at"] == ts("2026-03-02 09:13:01+00:00")
    assert data.loc[2, "respondent_id"] == "7a1c0e52-0001-4c1e-9a55-000000000001"
    assert data.loc[2, "meta_instance_id"] == "uuid:7a1c0e52-0001-4c1e-9a55-000000000001"
    assert str(data["needs__transport"].dtype) == "Int8"
    assert str(data["sex"].dtype) == "string"
    assert dict(res.value_labels["sex"]) == {"female": "Kobieta", "male": "Mężczyzna"}


def test_kobo_split_option_columns_give_the_same_frame(fx, resident):
    joined = read_responses(fx["kobo_resident.csv"], resident)
    split = read_responses(fx["kobo_resident_split.csv"], resident)
    pd.testing.assert_frame_equal(split.data[joined.data.columns], joined.data)
    assert set(split.data.columns) == set(joined.data.columns)
    by_source = {h.source: h for h in split.headers}
    assert by_source["needs/transport"] == HeaderMatch(
        "needs/transport", "needs__transport", "option", None, 29
    )
    assert by_source["biblioteka/skills/email"].column == "skills__email"  # True/False
    assert by_source["needs"].how == "dropped"  # the joined copy of the option columns
    assert split.warnings == ()


def test_joined_and_split_columns_that_disagree_are_reported(fx, resident, tmp_path):
    text = fx["kobo_resident_split.csv"].read_text(encoding="utf-8")
    edited = tmp_path / "kobo_edited.csv"
    edited.write_text(text.replace(",transport green safety,", ",transport green,"), "utf-8")
    res = read_responses(edited, resident)
    assert res.data.loc[2, "needs__safety"] == 1  # the option column wins
    assert [en for _, en in res.warnings] == [
        "Question 'needs': the joined column and the option columns differ in rows 2; the "
        "option columns were used."
    ]


def test_windows_1250_semicolon_file_with_decimal_commas(fx):
    res = read_responses(fx["cp1250_semicolon.csv"])
    data = res.data
    assert res.encoding == "cp1250"
    assert data["miejscowosc"].tolist() == ["Łódź", "Świebodzin", "Żagań"]
    assert data["ocena"].tolist() == [3.5, 4.0, 2.5]
    assert data["srednia"].tolist() == [4.25, 3.75, pd.NA]
    assert data["wiek"].tolist() == [34, 61, pd.NA]  # "n/a"
    assert data.loc[2, "uwagi"] == "Źle oświetlone ulice; brak ławek"
    assert data.loc[4, "uwagi"] == "Zażółć gęślą jaźń"


@needs_corpus
def test_legacy_xls_sheet_named_explicitly():
    # xlrd directly: sheet "survey" of widgets.xls has 41 rows x 10 columns, none empty
    res = read_responses(corpus("xlsform/widgets.xls"), sheet="survey")
    assert res.format == "xls"
    assert res.data.shape == (40, 10)
    assert res.data.loc[2, ["type", "name", "label"]].tolist() == [
        "string",
        "my_string",
        "string widget",
    ]


def test_zsav_por_and_dta_written_by_pyreadstat(tmp_path):
    import pyreadstat

    frame = pd.DataFrame({"plec": [1.0, 2.0, None], "gmina": ["Łódź", "Gdańsk", ""]})
    labels = {"plec": {1: "Kobieta", 2: "Mężczyzna"}}
    pyreadstat.write_sav(frame, tmp_path / "a.zsav", compress=True, column_labels={"plec": "Płeć"},
                         variable_value_labels=labels)  # fmt: skip
    pyreadstat.write_dta(frame, tmp_path / "a.dta", column_labels={"plec": "Płeć"},
                         variable_value_labels=labels)  # fmt: skip
    # ReadStat writes .por in ASCII only: Polish letters cannot be tested there
    ascii_frame = frame.assign(gmina=["Lodz", "Gdansk", ""])
    pyreadstat.write_por(ascii_frame, tmp_path / "a.por")
    for name, fmt, places in [
        ("a.zsav", "zsav", ["Łódź", "Gdańsk", pd.NA]),
        ("a.dta", "dta", ["Łódź", "Gdańsk", pd.NA]),
        ("a.por", "por", ["Lodz", "Gdansk", pd.NA]),
    ]:
        res = read_responses(tmp_path / name)
        assert res.format == fmt
        assert res.data["plec"].tolist() == [1, 2, pd.NA]
        assert res.data["gmina"].tolist() == places
        if fmt != "por":
            assert dict(res.value_labels["plec"]) == {"1": "Kobieta", "2": "Mężczyzna"}
            assert res.variable_labels["plec"] == "Płeć"


def test_labels_in_a_csv_become_codes(fx, resident):
    res = read_responses(fx["cp1250_semicolon.csv"], resident)
    assert res.data["sex"].tolist() == ["female", "male", "female"]
    assert res.headers[1] == HeaderMatch("Płeć", "sex", "label", "pl", 1)
    # "34" matches no age band: kept as written for validation to report
    assert res.data["age_band"].tolist() == ["34", "61", pd.NA]


def test_iso_8859_2_file(fx):
    res = read_responses(fx["iso_8859_2.csv"])
    assert res.encoding == "iso-8859-2"
    assert res.data["gmina"].tolist() == ["Środa Śląska", "Łańcut"]
    assert res.data["uwagi"].tolist() == ["Ąż źle", "Źródło ciche"]
    assert res.data["imie"].tolist() == ["Jadwiga", "Świętosław"]
    assert res.data["ocena"].tolist() == [4.5, 3.0]


def test_mixed_encodings_are_repaired_row_by_row_with_a_warning(fx):
    res = read_responses(fx["mixed_encoding.csv"])
    assert res.encoding == "mixed (utf-8 + cp1250)"
    assert res.data["gmina"].tolist() == ["Łódź", "Kraków", "Świętochłowice", "Żagań"]
    assert res.data.loc[4, "uwagi"] == "Ślisko zimą"
    (pl, en), *_ = res.warnings
    assert "w cp1250 zapisano 2 komórki (wiersze 4)" in pl
    assert "2 cells (rows 4) are cp1250" in en


@pytest.mark.parametrize("word", ["ąkola", "śnieg", "źdźbło", "Ąbc", "Śląsk", "Źródło"])
@pytest.mark.parametrize("codec", ["cp1250", "iso-8859-2"])
def test_cp1250_and_iso_8859_2_told_apart_on_the_letters_where_they_differ(word, codec):
    # ą ś ź Ą Ś Ź have different bytes in the two code pages
    decoded = decode_bytes(f"Gmina;Uwagi\nŁódź;{word}\n".encode(codec))
    assert decoded.encoding == codec
    assert decoded.text.endswith(f"{word}\n")


def test_mixed_line_endings_and_quoted_line_breaks(tmp_path):
    path = tmp_path / "konce.csv"
    path.write_bytes(
        'gmina\tuwagi\r\nŁódź\t"pierwsza\r\ndruga"\nGdańsk\tok\rSopot\t"a\nb"\r\n'.encode()
    )
    res = read_responses(path)
    assert res.data.index.tolist() == [2, 3, 4]  # rows as a spreadsheet shows them
    assert res.data["gmina"].tolist() == ["Łódź", "Gdańsk", "Sopot"]
    assert res.data["uwagi"].tolist() == ["pierwsza\ndruga", "ok", "a\nb"]


def test_delimiters():
    assert sniff_delimiter('a,b\n"3,5",2\n') == ","
    assert sniff_delimiter("a;b;c\n3,5;2;1\n") == ";"
    assert sniff_delimiter("a\tb\n1\t2\n") == "\t"


SAV_FILES = [
    ("spss_cp1250.sav", False),  # declares windows-1250
    ("spss_cp1250_codepage_only.sav", False),  # only the code page 1250, no encoding record
    ("spss_cp1250_declared_1252.sav", True),  # says windows-1252: decoding fails on byte 0x8F
    ("spss_utf8.sav", False),
]


@pytest.mark.parametrize(("name", "warned"), SAV_FILES)
def test_spss_polish_value_labels_keep_their_letters(fx, name, warned):
    res = read_responses(fx[name])
    assert dict(res.value_labels["plec"]) == {"1": "Kobieta", "2": "Mężczyzna"}
    assert res.value_labels["ocena"]["1"] == "Źle"
    assert res.value_labels["ocena"]["2"] == "Średnio"
    assert res.variable_labels["plec"] == "Płeć"
    assert res.data["gmina"].tolist() == ["Łódź", "Świętochłowice", "Żółkiewka"]
    assert res.data["ocena"].tolist() == [3, pd.NA, pd.NA]  # 98 is user-missing, then sysmis
    assert res.data["plec"].tolist() == [1, 2, 1]
    assert bool(res.warnings) is warned


def test_spss_declared_western_but_written_in_windows_1250(fx):
    # decodes without error as windows-1252 into "£ódŸ"-style text; scoring catches it
    res = read_responses(fx["spss_cp1250_mojibake.sav"])
    assert res.data["gmina"].tolist() == ["Łódź", "Świętochłowice", "Żółkiewka"]
    assert res.value_labels["ocena"]["2"] == "Średnio"
    assert "windows-1252" in res.warnings[0][1]
    forced = read_responses(fx["spss_cp1250_mojibake.sav"], encoding="cp1250")
    assert forced.data["gmina"].tolist() == ["Łódź", "Świętochłowice", "Żółkiewka"]
    assert forced.warnings == ()


def test_spss_labelled_codes_become_instrument_codes(fx, resident):
    res = read_responses(fx["spss_cp1250.sav"], resident)
    # variable PLEC, label "Płeć"; codes 1/2 labelled Kobieta/Mężczyzna -> female/male
    assert res.headers[0] == HeaderMatch("PLEC", "sex", "label", "pl", 0)
    assert res.data["sex"].tolist() == ["female", "male", "female"]
    assert res.unmatched() == ("OCENA", "GMINA")


def test_google_forms_polish_labels_become_codes(fx, resident):
    res = read_responses(fx["google_pl.csv"], resident)
    data = res.data
    assert res.flavour == "google_forms"
    assert data["submitted_at"].tolist() == [
        ts("2026-03-02 10:15:32"), ts("2026-03-02 11:02:07"), ts("2026-03-03 19:44:50")
    ]  # fmt: skip
    assert data["sex"].tolist() == ["female", "male", "female"]
    assert data["age_band"].tolist() == ["30_44", "60_plus", "18_29"]
    needs = ["needs__transport", "needs__green", "needs__digital", "needs__seniors"]
    assert data.loc[2, needs].tolist() == [1, 1, 1, 0]
    assert data.loc[3, needs].tolist() == [0, 0, 0, 1]
    assert data.loc[4, needs].isna().all()
    assert data["needs_other"].tolist() == [pd.NA, "Ścieżki rowerowe", pd.NA]
    # grid rows "Stem [Komunikacja publiczna]": the stem (the note before the grid) tells
    # importance from satisfaction although both rows are labelled "Komunikacja publiczna"
    assert data["imp_transport"].tolist() == ["4", "99", "3"]
    assert data["sat_transport"].tolist() == ["2", "5", "3"]
    assert data["trust"].tolist() == [7, pd.NA, 10]
    assert data.loc[2, "problem"] == "Dziury w drogach, brak ławek"
    assert not any("form order" in en for _, en in res.warnings)
    grid = [h for h in res.headers if h.column in ("imp_transport", "sat_transport")]
    assert [(h.how, h.language) for h in grid] == [("label", "pl"), ("label", "pl")]


def test_google_forms_english_headers_and_answers(fx, resident):
    res = read_responses(fx["google_en.csv"], resident)
    hows = [(h.column, h.how, h.language) for h in res.headers]
    assert hows == [
        ("submitted_at", "metadata", None),
        ("sex", "name", None),
        ("age_band", "label", "en"),
        ("needs", "label", "en"),
        ("life_in_town", "label", "en"),
    ]
    data = res.data
    assert data["sex"].tolist() == ["female", "male"]
    # "2026/03/02 10:15:32 AM CET": CET is UTC+1
    assert data.loc[2, "submitted_at"] == ts("2026-03-02 09:15:32+00:00")
    assert data.loc[2, ["needs__transport", "needs__green", "needs__safety"]].tolist() == [1, 1, 0]
    assert data["life_in_town"].tolist() == [8, 6]


def test_checkbox_labels_containing_commas_match_longest_first(fx):
    ins = load_instrument(fx["form_commas.xlsx"])
    res = read_responses(fx["google_commas.csv"], ins)
    data = res.data
    cols = ["zajecia__kino_teatr", "zajecia__kino", "zajecia__spotkania", "zajecia__gry"]
    assert data.loc[2, cols].tolist() == [1, 1, 1, 0]
    assert data.loc[3, cols].tolist() == [0, 1, 0, 0]
    assert data.loc[4, cols].tolist() == [1, 0, 0, 1]
    assert data["zajecia_other"].tolist() == [pd.NA, pd.NA, "Joga"]


def test_xlsx_with_two_header_rows_and_merged_cells(fx, resident):
    res = read_responses(fx["two_header_rows.xlsx"], resident)
    data = res.data
    assert res.format == "xlsx"
    assert res.header_rows == 2
    assert data.index.tolist() == [3, 4, 5]
    assert res.headers[0].source == "Płeć"  # merged over both header rows
    assert res.headers[2].source.endswith("3 odpowiedzi. / Komunikacja publiczna")
    assert [h.column for h in res.headers] == [
        "sex", "age_band", "needs__transport", "needs__green", "needs__safety", "needs__jobs",
        "life_in_town",
    ]  # fmt: skip
    assert data["sex"].tolist() == ["female", "male", "female"]
    assert data["needs__transport"].tolist() == [1, 0, pd.NA]
    assert data["needs__green"].tolist() == [0, 1, pd.NA]
    assert data["life_in_town"].tolist() == [7, 9, pd.NA]
    assert "two header rows" in res.warnings[0][1]


def test_sheet_is_chosen_by_content_or_by_name(fx):
    default = read_responses(fx["two_header_rows.xlsx"])
    named = read_responses(fx["two_header_rows.xlsx"], sheet="dane")
    pd.testing.assert_frame_equal(default.data, named.data)
    with pytest.raises(ReadError, match="Sheets: 'Instrukcja', 'Dane'"):
        read_responses(fx["two_header_rows.xlsx"], sheet="Wyniki")
    with pytest.raises(ReadError, match="sheet= parameter applies to Excel"):
        read_responses(fx["cp1250_semicolon.csv"], sheet="Dane")


def test_limesurvey_bracketed_subquestions(fx, resident):
    res = read_responses(fx["limesurvey.csv"], resident)
    data = res.data
    assert res.flavour == "limesurvey"
    assert [h.how for h in res.headers[6:10]] == ["option", "option", "option", "name"]
    assert data["needs__transport"].tolist() == [1, pd.NA, 0]
    assert data["needs__green"].tolist() == [0, pd.NA, 1]
    assert data["needs_other"].tolist() == [pd.NA, pd.NA, "park dla psów"]
    assert data["sex"].tolist() == ["female", "male", "A2"]  # unknown code kept as written
    assert data["submitted_at"].tolist()[0] == ts("2026-03-01 10:00:00")
    assert pd.isna(data.loc[3, "submitted_at"])  # LimeSurvey's 1980-01-01 placeholder
    assert data["respondent_id"].tolist() == ["1", "2", "3"]


def test_read_table_keeps_headers_as_written(fx):
    table = read_table(fx["cp1250_semicolon.csv"])
    assert table.columns.tolist() == ["Miejscowość", "Płeć", "Wiek", "Ocena", "Średnia", "Uwagi"]
    assert table.loc[3, "Miejscowość"] == "Świebodzin"
    assert table["Ocena"].tolist() == [3.5, 4.0, 2.5]
    assert table.index.name == "row"
    sheet = read_table(fx["two_header_rows.xlsx"])
    assert sheet.columns[:3].tolist() == ["Płeć", "Wiek", f"{NEEDS} / Komunikacja publiczna"]
    assert sheet.index.tolist() == [3, 4, 5]
    assert sheet.iloc[:, -1].tolist() == [7, 9, pd.NA]


def test_wrong_forced_encoding_is_a_located_error(fx):
    with pytest.raises(ReadError) as caught:
        read_responses(fx["cp1250_semicolon.csv"], encoding="utf-8")
    assert "line 1" in caught.value.message("en")
    assert "linii 1" in caught.value.message("pl")


def test_missing_file_is_a_read_error(tmp_path):
    with pytest.raises(ReadError, match="no such response file"):
        read_responses(tmp_path / "brak.csv")


def test_empty_file_and_unclosed_quote_are_located_errors(tmp_path):
    empty = tmp_path / "pusty.csv"
    empty.write_bytes(b"")
    with pytest.raises(ReadError, match="The file is empty"):
        read_responses(empty)
    broken = tmp_path / "cudzyslow.csv"
    broken.write_text('plec,uwagi\nK,ok\nM,"bez końca\nK,dalej\n', encoding="utf-8")
    with pytest.raises(ReadError) as caught:
        read_responses(broken)
    assert caught.value.row == 3
    assert caught.value.message("pl").startswith("cudzyslow.csv, wiersz 3: Cudzysłów")


def test_binary_bytes_in_a_csv_are_refused(tmp_path):
    path = tmp_path / "ankiety.csv"
    path.write_bytes(b"\x00\x01\x02 not a survey \xff\xfe")
    with pytest.raises(ReadError, match="not a text"):
        read_responses(path)


def test_rows_longer_than_the_header_are_kept_and_reported(tmp_path):
    path = tmp_path / "dluzsze.csv"
    path.write_text("gmina,ocena\nŁódź,4,zostawione\nGdańsk,5\n", encoding="utf-8")
    res = read_responses(path)
    assert res.data["column_3"].tolist() == ["zostawione", pd.NA]
    assert "Rows 2 have more fields than the header" in res.warnings[0][1]


def test_utf16_tab_separated_text(tmp_path):
    # what Excel writes as "Unicode text"
    path = tmp_path / "unicode.txt"
    path.write_bytes("Płeć\tWiek\r\nKobieta\t34\r\n".encode("utf-16"))
    res = read_responses(path)
    assert res.encoding == "utf-16"
    assert res.data.to_dict("list") == {"plec": ["Kobieta"], "wiek": [34]}


# ===================================================================== never written


def _digest(path: Path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


def test_input_files_are_unchanged_after_reading(fx, resident):
    paths = list(fx.values())
    if CORPUS.is_dir():
        paths += [p for p in CORPUS.glob("*/*") if p.suffix in (".csv", ".sav", ".dta", ".sps")]
    before = {p: _digest(p) for p in paths}
    for p in paths:
        with contextlib.suppress(DiagnosisError):  # the encrypted .sav, the XLSForm fixture
            read_responses(p, resident if p.parent != CORPUS / "spss_stata" else None)
    assert {p: _digest(p) for p in paths} == before


def test_files_are_read_from_a_read_only_folder(fx, tmp_path):
    folder = tmp_path / "readonly"
    folder.mkdir()
    for name in ("kobo_resident.csv", "two_header_rows.xlsx", "spss_cp1250.sav"):
        shutil.copy(fx[name], folder / name)
        (folder / name).chmod(stat.S_IRUSR)
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        shapes = [
            read_responses(folder / n).data.shape for n in sorted(p.name for p in folder.iterdir())
        ]
    finally:
        folder.chmod(stat.S_IRWXU)
    assert shapes == [(3, 53), (3, 3), (3, 7)]
