"""One exception tree for everything a user can get wrong.

Every error carries where it happened (file, row, column, value) and a message
in Polish and English. The command line and the notebooks print
``err.message(lang)``; nobody sees a traceback.

Examples
--------
>>> err = ReadError(
...     pl="Nie rozpoznano kodowania znaków.",
...     en="The character encoding was not recognised.",
...     file="ankiety.csv", row=12,
... )
>>> err.message("en")
'ankiety.csv, row 12: The character encoding was not recognised.'
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

__all__ = [
    "DiagnosisError",
    "EncryptedFileError",
    "InstrumentError",
    "Language",
    "ReadError",
    "TownConfigError",
    "ValidationError",
    "located",
]

Language = Literal["pl", "en"]

_WHERE = {
    "pl": {"row": "wiersz", "column": "kolumna", "value": "wartość"},
    "en": {"row": "row", "column": "column", "value": "value"},
}


def located(
    lang: Language,
    file: str | Path | None = None,
    row: int | None = None,
    column: str | None = None,
    value: Any = None,
) -> str:
    """Return ``"file, row 3, column 'q1' (value 'x')"`` in the given language.

    Examples
    --------
    >>> located("pl", "dane.csv", 3, "plec")
    "dane.csv, wiersz 3, kolumna 'plec'"
    """
    words = _WHERE[lang]
    parts = []
    if file is not None:
        parts.append(Path(file).name if isinstance(file, Path) else str(file))
    if row is not None:
        parts.append(f"{words['row']} {row}")
    if column is not None:
        parts.append(f"{words['column']} '{column}'")
    text = ", ".join(parts)
    if value is not None:
        shown = str(value)
        if len(shown) > 60:
            shown = shown[:57] + "..."
        text += f"{' ' if text else ''}({words['value']} '{shown}')"
    return text


#: environment variable naming the language of error texts shown by ``str()``
LANG_VARIABLE = "DIAGNOSIS_LANG"


class DiagnosisError(Exception):
    """Base of every error the package raises on user input.

    Parameters
    ----------
    pl, en : str
        The message in Polish and in English: what is wrong and what to do.
    file, row, column, value
        Where the problem is. ``row`` counts as a spreadsheet does: the header
        is row 1 and the first respondent row 2.
    """

    def __init__(
        self,
        pl: str,
        en: str,
        *,
        file: str | Path | None = None,
        row: int | None = None,
        column: str | None = None,
        value: Any = None,
    ) -> None:
        self.pl = pl
        self.en = en
        self.file = file
        self.row = row
        self.column = column
        self.value = value
        super().__init__(self.message("en"))

    def __str__(self) -> str:
        # as raised (English unless a subclass chose), or in the language the process was told
        # to use: a report's kernel is (DIAGNOSIS_LANG, set by report.render), so a failing
        # cell shows the librarian's language
        lang = os.environ.get(LANG_VARIABLE)
        if lang in ("pl", "en"):
            return self.message(lang)
        return super().__str__()

    def message(self, lang: Language = "pl") -> str:
        """The located message in ``lang`` (``"pl"`` or ``"en"``)."""
        where = located(lang, self.file, self.row, self.column, self.value)
        text = self.pl if lang == "pl" else self.en
        return f"{where}: {text}" if where else text


class InstrumentError(DiagnosisError):
    """An XLSForm cannot be read or is not a usable questionnaire."""


class ReadError(DiagnosisError):
    """A response file cannot be read into the canonical frame."""


class EncryptedFileError(ReadError):
    """A response file is password-protected."""


class TownConfigError(DiagnosisError):
    """A town folder or its ``town.yaml`` is missing something or malformed."""


class ValidationError(DiagnosisError):
    """Validation found errors that stop the analysis."""
