"""diagnosis.errors: located, bilingual messages."""

from pathlib import Path

import pytest

from diagnosis.errors import (
    DiagnosisError,
    EncryptedFileError,
    InstrumentError,
    ReadError,
    TownConfigError,
    ValidationError,
    located,
)


def test_located_in_both_languages():
    assert located("pl", Path("/x/dane.csv"), 7, "płeć", "kobita") == (
        "dane.csv, wiersz 7, kolumna 'płeć' (wartość 'kobita')"
    )
    assert located("en", "dane.csv", 7, "sex") == "dane.csv, row 7, column 'sex'"
    assert located("en") == ""


def test_long_values_are_shortened():
    text = located("en", value="x" * 100)
    assert text == f"(value '{'x' * 57}...')"  # no location before it: no leading space


@pytest.mark.parametrize(
    "cls", [InstrumentError, ReadError, EncryptedFileError, TownConfigError, ValidationError]
)
def test_every_error_is_a_diagnosis_error_with_a_location(cls):
    err = cls(pl="Zły plik.", en="Bad file.", file="a.sav", row=2)
    assert isinstance(err, DiagnosisError)
    assert err.message("pl") == "a.sav, wiersz 2: Zły plik."
    assert err.message("en") == "a.sav, row 2: Bad file."
    assert str(err) == "a.sav, row 2: Bad file."


def test_message_without_location():
    assert DiagnosisError(pl="Źle.", en="Wrong.").message("pl") == "Źle."


def test_str_follows_the_language_the_process_was_given(monkeypatch):
    from diagnosis.errors import LANG_VARIABLE

    error = TownConfigError(pl="Zły plik.", en="Bad file.", file="town.yaml")
    monkeypatch.delenv(LANG_VARIABLE, raising=False)
    assert str(error) == "town.yaml: Bad file."
    monkeypatch.setenv(LANG_VARIABLE, "pl")
    assert str(error).endswith(": Zły plik.") and "Bad" not in str(error)
