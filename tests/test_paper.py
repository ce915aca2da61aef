"""Paper surveys: the data-entry workbook and the printable questionnaire.

Expected values below are read off the standard instrument
(surveys/instruments/resident_survey.xlsx): its choice lists, the constraint
``. >= 0 and . <= 10`` of ``trust`` and ``count-selected(.) <= 3`` of ``needs``.
"""

import subprocess
import sys

import pandas as pd
import pytest
from openpyxl import load_workbook

from diagnosis.app.paper import ENTRY_ROWS, data_entry_workbook, printable_questionnaire
from diagnosis.instrument import load_instrument
from diagnosis.read import read_responses
from diagnosis.town import STANDARD_INSTRUMENT

METADATA = {"start", "end"}


@pytest.fixture(scope="module")
def instrument():
    return load_instrument(STANDARD_INSTRUMENT)


@pytest.fixture(scope="module")
def book(instrument, tmp_path_factory):
    return data_entry_workbook(instrument, tmp_path_factory.mktemp("paper") / "wpis.xlsx")


def _validations(ws):
    """Header name -> its DataValidation (each column has exactly one)."""
    header = [c.value for c in ws[1]]
    out = {}
    for dv in ws.data_validations.dataValidation:
        (ref,) = str(dv.sqref).split()
        first, last = ref.split(":")
        column = first.rstrip("0123456789")
        assert first == f"{column}2" and last == f"{column}{ENTRY_ROWS + 1}"
        index = ws[f"{column}1"].column - 1
        out[header[index]] = dv
    return out


def test_workbook_columns_are_the_canonical_ones(instrument, book):
    wb = load_workbook(book)
    assert wb.sheetnames == ["Odpowiedzi", "Pytania", "Listy"]
    assert wb["Listy"].sheet_state == "hidden"
    ws = wb["Odpowiedzi"]
    header = [c.value for c in ws[1]]
    expected = ["respondent_id"] + [
        col for q in instrument.questions if q.type not in METADATA for col in q.columns()
    ]
    assert header == expected
    assert header[:3] == ["respondent_id", "sex", "age_band"]
    assert "needs__transport" in header and "needs" not in header
    assert ws.max_row == 1  # validation alone adds no rows for the reader to see
    assert ws.freeze_panes == "B2"


def test_workbook_validations(book):
    wb = load_workbook(book)
    ws = wb["Odpowiedzi"]
    dvs = _validations(ws)
    assert len(dvs) == ws.max_column - 1  # every column but respondent_id

    sex = dvs["sex"]
    assert sex.type == "list" and sex.formula1 == "'Listy'!$A$2:$A$3"
    assert [c.value for c in wb["Listy"]["A"][:4]] == ["sex", "female", "male", None]
    assert sex.showErrorMessage and sex.errorStyle == "stop"
    assert "female, male" in sex.error and sex.error.startswith("Wpisz jeden z kodów")
    assert sex.prompt == "Płeć"

    # the importance grid shares one list; numeric codes are stored as numbers
    imp = dvs["imp_transport"]
    assert imp.formula1 == dvs["imp_culture"].formula1
    sheet, cells = imp.formula1.split("!")
    assert sheet == "'Listy'"
    first, last = cells.replace("$", "").split(":")
    codes = [c.value for row in wb["Listy"][f"{first}:{last}"] for c in row]
    assert codes == [1, 2, 3, 4, 99]
    assert imp.prompt.startswith("Jak ważne są dla Pana/Pani następujące sprawy")

    trust = dvs["trust"]
    assert (trust.type, trust.operator, trust.formula1, trust.formula2) == (
        "whole",
        "between",
        "0",
        "10",
    )
    assert trust.error == "Wpisz liczbę całkowitą od 0 do 10."

    option = dvs["needs__transport"]
    assert (option.type, option.formula1, option.formula2) == ("whole", "0", "1")
    assert dvs["problem"].type is None and dvs["problem"].prompt.startswith("Jaki jest")

    explained = {row[0]: row for row in wb["Pytania"].iter_rows(min_row=2, values_only=True)}
    assert explained["sex"][3] == "female = Kobieta; male = Mężczyzna"
    assert explained["trust"][3] == "liczba całkowita od 0 do 10"
    assert set(explained) == {c.value for c in ws[1]}


def test_workbook_is_byte_identical(instrument, book, tmp_path):
    again = data_entry_workbook(instrument, tmp_path / "again.xlsx")
    assert again.read_bytes() == book.read_bytes()
    english = data_entry_workbook(instrument, tmp_path / "en.xlsx", lang="en")
    assert load_workbook(english).sheetnames == ["Responses", "Questions", "Lists"]


def test_a_filled_workbook_reads_back(instrument, book, tmp_path):
    wb = load_workbook(book)
    ws = wb["Odpowiedzi"]
    column = {c.value: c.column for c in ws[1]}
    forms = [
        {
            "respondent_id": "P001",
            "sex": "female",
            "age_band": "30_44",
            "imp_transport": 4,  # typed (or picked) codes arrive as numbers
            "imp_culture": 99,
            "needs__transport": 1,
            "needs__culture": 0,
            "trust": 7,
            "books_read": "1_2",
            "part_volunteer": 0,
            "problem": "Brak ścieżek rowerowych",
        },
        {"respondent_id": "P002", "sex": "male", "trust": 0},
    ]
    for row, form in enumerate(forms, start=2):
        for name, value in form.items():
            ws.cell(row=row, column=column[name], value=value)
    filled = tmp_path / "filled.xlsx"
    wb.save(filled)

    responses = read_responses(filled, instrument)
    data = responses.data
    assert responses.unmatched() == () and responses.warnings == ()
    assert data.index.tolist() == [2, 3]
    assert data["respondent_id"].tolist() == ["P001", "P002"]
    assert data["sex"].tolist() == ["female", "male"]
    assert data["age_band"].iloc[0] == "30_44" and pd.isna(data["age_band"].iloc[1])
    assert data["imp_transport"].iloc[0] == "4" and data["imp_culture"].iloc[0] == "99"
    assert data["books_read"].iloc[0] == "1_2" and data["part_volunteer"].iloc[0] == "0"
    assert str(data["needs__transport"].dtype) == "Int8"
    # question answered: ticked 1, others 0; question not answered: NA
    assert data.loc[2, ["needs__transport", "needs__culture", "needs__roads"]].tolist() == [1, 0, 0]
    assert data.loc[3, ["needs__transport", "needs__roads"]].isna().all()
    assert str(data["trust"].dtype) == "Int64" and data["trust"].tolist() == [7, 0]
    assert data["problem"].iloc[0] == "Brak ścieżek rowerowych"


def _pdf_text(path):
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_questionnaire_pdf_has_every_question_and_choice(instrument, tmp_path):
    pdf = printable_questionnaire(instrument, tmp_path / "ankieta.pdf")
    text = _pdf_text(pdf)
    flat = " ".join(text.split())
    assert "Diagnoza potrzeb mieszkańców" in flat
    for q in instrument.questions:
        if q.type in METADATA:
            continue
        assert q.label("pl") in flat, q.name
        for c in q.choices:
            # a grid's column heads wrap side by side, so their lines interleave in the
            # extracted text: there, every word must be present
            label = c.label("pl")
            assert label in flat or (q.stem and set(label.split()) <= set(flat.split())), label
    for words in (
        "Czuję, że należę do swojej okolicy.",
        "Jak ważne są dla Pana/Pani następujące sprawy w miejscowości?",
        "Zdecydowanie się nie zgadzam",
        "0 = nigdy nie jest się dość ostrożnym, 10 = większości ludzi można ufać",
        "(zaznacz najwyżej 3)",
        "(wpisz liczbę od 0 do 10)",
        "Tylko jeśli w pytaniu 17 zaznaczono „Tak”.",
    ):
        assert words in flat, words
    # a grid prints its stem once and its choices once, as column heads
    assert flat.count("Jak ważne są dla Pana/Pani następujące sprawy") == 1
    assert flat.count("☐") > 100


def test_paper_command(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "diagnosis.cli", "paper", "--help"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert result.returncode == 0 and "--form-lang" in result.stdout and "--xlsx" in result.stdout
    from diagnosis.cli import main

    assert main(["paper"]) == 2
    xlsx, pdf = tmp_path / "entry.xlsx", tmp_path / "form.pdf"
    assert main(["paper", "--xlsx", str(xlsx), "--pdf", str(pdf), "--form-lang", "en"]) == 0
    assert load_workbook(xlsx).sheetnames[0] == "Responses"
    assert "How important are the following for you in this town?" in _pdf_text(pdf)


def test_no_label_in_the_workbook_becomes_a_formula(instrument, tmp_path):
    import dataclasses

    evil = '=HYPERLINK("http://example.invalid","kliknij")'
    questions = tuple(
        dataclasses.replace(q, labels={"pl": evil, "en": evil}) if q.name == "employment" else q
        for q in instrument.questions
    )
    path = data_entry_workbook(dataclasses.replace(instrument, questions=questions),
                               tmp_path / "wpis.xlsx")  # fmt: skip
    book = load_workbook(path)
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert any(str(c.value).startswith("'" + evil) for c in cells)
