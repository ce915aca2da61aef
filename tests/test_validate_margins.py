"""Weighting questions in any coding give the margins' groups (diagnosis/validate/margins.py)."""

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from diagnosis import load_instrument
from diagnosis.validate.margins import band_of, margin_columns, margin_questions

STANDARD = Path(__file__).resolve().parent.parent / "surveys/instruments/resident_survey.xlsx"
BANDS = ["18_29", "30_44", "45_59", "60_plus"]


def _form(tmp_path: Path, survey: list[list[str]], choices: list[list[str]]) -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "survey"
    for row in survey:
        ws.append(row)
    wc = book.create_sheet("choices")
    for row in choices:
        wc.append(row)
    path = tmp_path / "form.xlsx"
    book.save(path)
    return path


@pytest.fixture
def own_form(tmp_path):
    return load_instrument(
        _form(
            tmp_path,
            [
                ["type", "name", "label", "role", "margin"],
                ["select_one plec", "plec", "Płeć", "weighting", "sex"],
                ["select_one wiek", "wiek", "Wiek", "weighting", "age_band"],
                ["integer", "rok", "Rok urodzenia", "", ""],
            ],
            [
                ["list_name", "name", "label", "margin", "missing"],
                ["plec", "k", "Kobieta", "female", ""],
                ["plec", "m", "Mężczyzna", "male", ""],
                ["plec", "x", "Wolę nie mówić", "", "yes"],
                ["wiek", "a", "poniżej 18 lat", "", ""],
                ["wiek", "b", "18-24", "18_24", ""],
                ["wiek", "c", "25-29", "25_29", ""],
                ["wiek", "d", "30-44", "30_44", ""],
                ["wiek", "e", "45-64", "45_64", ""],
                ["wiek", "f", "65 i więcej", "65_plus", ""],
            ],
        )
    )


def test_standard_questionnaire_maps_to_itself():
    ins = load_instrument(STANDARD)
    df = pd.DataFrame({"sex": ["female", "male", None], "age_band": ["60_plus", "18_29", "x"]})
    out = margin_columns(df, ins, BANDS)
    assert out["sex"].tolist() == ["female", "male", pd.NA]
    assert out["age_band"].tolist() == ["60_plus", "18_29", pd.NA]


def test_own_codes_narrower_bands_and_out_of_scope_answers(own_form):
    assert [(m.variable, m.question.name) for m in margin_questions(own_form)] == [
        ("sex", "plec"),
        ("age_band", "wiek"),
    ]
    df = pd.DataFrame({"plec": ["k", "m", "x", "k", "m", "k"], "wiek": list("abcdef")})
    out = margin_columns(df, own_form, BANDS)
    assert out["sex"].tolist() == ["female", "male", pd.NA, "female", "male", "female"]
    # under 18: outside the adult population; 18-24 and 25-29 inside 18_29; 45-64 straddles 59/60
    assert out["age_band"].tolist() == [pd.NA, "18_29", "18_29", "30_44", pd.NA, "60_plus"]


def test_an_age_or_a_year_of_birth_is_banded(tmp_path):
    ins = load_instrument(
        _form(
            tmp_path,
            [
                ["type", "name", "label", "margin"],
                ["integer", "wiek", "Ile ma Pan(i) lat?", "age_band"],
            ],
            [["list_name", "name", "label"]],
        )
    )
    df = pd.DataFrame({"wiek": ["17", "18", "29", "30", "59", "60", "1990", "2010", "abc", None]})
    out = margin_columns(df, ins, BANDS, year=2026)
    assert out["age_band"].tolist() == [
        pd.NA, "18_29", "18_29", "30_44", "45_59", "60_plus", "30_44", pd.NA, pd.NA, pd.NA
    ]  # fmt: skip


def test_band_of():
    assert band_of("18_24", BANDS) == "18_29"
    assert band_of("65_plus", BANDS) == "60_plus"
    assert band_of("60_plus", ["18_29", "30_64", "65_plus"]) is None
    assert band_of("nonsense", BANDS) is None


def test_a_band_the_margins_cannot_hold_is_a_located_error(tmp_path, own_form):
    from diagnosis.demo.answers import write_own_form_town
    from diagnosis.validate import validate_town

    town = write_own_form_town(tmp_path / "town", own_form.path, 60, seed=2)
    found = [f for f in validate_town(town).findings() if f.code == "margin_band_unplaced"]
    assert [(f.severity, f.file, f.column, f.value) for f in found] == [
        ("error", "form.xlsx", "margin", "45_64")
    ]
    assert "nie mieści się w żadnej grupie" in found[0].pl
