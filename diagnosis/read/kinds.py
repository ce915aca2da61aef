"""Files that are not answers: tell what they are and what to export instead.

People hand over whatever the survey tool gave them. Some of it describes the
survey rather than holding its answers, and would otherwise load as if each of
its lines were a respondent:

* a LimeSurvey survey structure: ``.lss`` (XML), ``.lsa`` (a ZIP archive of
  XML files) or the tab-separated ``.txt`` whose header is ``class``,
  ``type/scale``, ``name``, ``relevance``, ``text``;
* a codebook: one row per variable (name, label, values), not per respondent;
* an XLSForm survey sheet saved as CSV;
* any other ZIP archive (OpenDocument, Word, a folder of files) or an XML or
  HTML file.

Each raises :class:`~diagnosis.errors.ReadError` naming the file (and the
header row and column where that helps) in Polish and English, with what to
export instead. Nothing here quotes a library's own error text.

Examples
--------
>>> is_codebook(["Zmienna", "Etykieta", "Wartości"], [["plec", "Płeć", "1=K; 2=M"]])
True
>>> is_codebook(["Płeć", "Wiek", "Uwagi"], [["K", "34", "brak"]])
False
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path

from ..errors import ReadError
from .source import Source
from .values import normalise

__all__ = [
    "check_markup",
    "check_zip",
    "is_codebook",
    "refuse_non_responses",
]

_LIME_DOCTYPE = re.compile(rb"<LimeSurveyDocType>\s*([A-Za-z]+)\s*</LimeSurveyDocType>")
_ELEMENT = re.compile(rb"^<[A-Za-z_][\w:.-]*(\s[^<>]*)?>")
_LIME_STRUCTURE = ("class", "type/scale", "name", "relevance", "text")
_EXPORT_PL = (
    "W LimeSurvey otwórz ankietę, wybierz Odpowiedzi > Eksport > Eksportuj odpowiedzi, "
    "zaznacz format CSV i nagłówki „Kod pytania i tekst pytania” (albo sam kod), a potem "
    "podaj tutaj ten plik CSV."
)
_EXPORT_EN = (
    "In LimeSurvey open the survey, choose Responses > Export > Export responses, tick the "
    "CSV format and 'Question code & question text' headings (or the code only), then give "
    "that CSV file here."
)
#: header texts of the three columns a codebook has (normalised)
_VARIABLE = frozenset(
    {"variable", "variable name", "var", "varname", "name", "zmienna", "nazwa zmiennej",
     "kod zmiennej", "kod pytania", "question code", "code", "kod", "nazwa kolumny", "column"}
)  # fmt: skip
_LABEL = frozenset(
    {"label", "variable label", "etykieta", "etykieta zmiennej", "opis", "opis zmiennej",
     "description", "question", "question text", "pytanie", "treść pytania", "text", "treść"}
)  # fmt: skip
_VALUES = frozenset(
    {"values", "value labels", "value label", "wartości", "etykiety wartości", "kody", "codes",
     "categories", "kategorie", "kafeteria", "answer options", "options", "opcje odpowiedzi",
     "odpowiedzi", "answers", "type", "typ", "typ zmiennej", "measure", "poziom pomiaru",
     "missing", "braki danych", "format", "scale", "skala", "range", "zakres"}
)  # fmt: skip
_IDENTIFIER = re.compile(r"^[A-Za-z_][\w.\[\]/:-]*$")
_XLSFORM_TYPE = re.compile(
    r"^(text|integer|decimal|select_one\s|select_multiple\s|begin[ _]group|end[ _]group|"
    r"begin[ _]repeat|note|calculate|date|start|end|today|deviceid)",
    re.I,
)


def _refuse(
    path: Path, pl: str, en: str, *, row: int | None = None, column: str | None = None
) -> ReadError:
    return ReadError(pl=pl, en=en, file=path, row=row, column=column)


def check_markup(head: bytes, path: Path) -> None:
    """Refuse an XML or HTML file (a LimeSurvey ``.lss``/``.lsr``, an XForm, a web page).

    Parameters
    ----------
    head : bytes
        The first few kilobytes of the file.
    path : Path

    Raises
    ------
    ReadError
        When ``head`` is XML or HTML, saying what it is.

    Examples
    --------
    >>> check_markup(b"<18 lat;18-29 lat\\n", Path("a.csv"))  # not markup: nothing happens
    >>> head = b"<?xml version='1.0'?><document><LimeSurveyDocType>Survey</LimeSurveyDocType>"
    >>> try:
    ...     check_markup(head, Path("ankieta.lss"))
    ... except ReadError as err:
    ...     print(err.message("en")[:62])
    ankieta.lss: This is a LimeSurvey survey structure (.lss, XML)
    """
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    low = text[:2048].lower()
    declared = low.startswith((b"<?xml", b"<!doctype", b"<html"))
    if not (declared or (_ELEMENT.match(text) and b"</" in text)):
        return  # a CSV whose first header starts with "<" ("<18 lat") is still a CSV
    doctype = _LIME_DOCTYPE.search(head)
    if doctype is not None:
        kind = doctype.group(1).decode("ascii").casefold()
        if kind == "responses":
            raise _refuse(
                path,
                "To są odpowiedzi LimeSurvey zapisane jako XML (.lsr), a nie tabela. " + _EXPORT_PL,
                "These are LimeSurvey responses saved as XML (.lsr), not a table. " + _EXPORT_EN,
            )
        raise _refuse(
            path,
            "To jest struktura ankiety LimeSurvey (.lss, XML): pytania i ustawienia, bez "
            "odpowiedzi. " + _EXPORT_PL,
            "This is a LimeSurvey survey structure (.lss, XML): the questions and settings, "
            "no answers. " + _EXPORT_EN,
        )
    if b"<h:html" in low or b"xmlns:jr=" in low or b"<xforms" in low:
        raise _refuse(
            path,
            "To jest formularz XForm (XML), a nie plik z odpowiedziami. Pobierz odpowiedzi z "
            "serwera (KoboToolbox, ODK Central: eksport CSV albo XLSX) i podaj tamten plik.",
            "This is an XForm (XML form), not a response file. Download the responses from "
            "the server (KoboToolbox, ODK Central: CSV or XLSX export) and give that file.",
        )
    if low.startswith((b"<!doctype html", b"<html")) or b"<html" in low[:512]:
        raise _refuse(
            path,
            "To jest strona internetowa (HTML), a nie tabela z odpowiedziami. Pobierz z "
            "narzędzia ankietowego eksport CSV albo XLSX.",
            "This is a web page (HTML), not a table of responses. Download a CSV or XLSX "
            "export from the survey tool.",
        )
    raise _refuse(
        path,
        "To jest plik XML, a nie tabela z odpowiedziami (CSV, Excel, SPSS). Wyeksportuj "
        "odpowiedzi z narzędzia ankietowego do CSV albo XLSX.",
        "This is an XML file, not a table of responses (CSV, Excel, SPSS). Export the "
        "responses from the survey tool as CSV or XLSX.",
    )


def check_zip(raw: bytes, path: Path) -> None:
    """Refuse a ZIP archive that is not an Excel workbook, saying what it is.

    Parameters
    ----------
    raw : bytes
        The whole file.
    path : Path

    Raises
    ------
    ReadError
        A damaged archive, a LimeSurvey ``.lsa``, an OpenDocument or Word file, or
        another archive (its first few members are named).

    Examples
    --------
    >>> buffer = io.BytesIO()
    >>> with zipfile.ZipFile(buffer, "w") as z:
    ...     z.writestr("odpowiedzi.csv", "a,b")
    >>> try:
    ...     check_zip(buffer.getvalue(), Path("paczka.xlsx"))
    ... except ReadError as err:
    ...     print(err.message("pl")[:57])
    paczka.xlsx: To jest archiwum ZIP, a nie skoroszyt Excela
    """
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            names = archive.namelist()
            mimetype = archive.read("mimetype")[:80] if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, EOFError, KeyError) as exc:
        raise _refuse(
            path,
            "Plik zaczyna się jak skoroszyt Excela (archiwum ZIP), ale jest uszkodzony albo "
            "niekompletny. Zapisz go w Excelu jeszcze raz (.xlsx) albo jako CSV.",
            "The file starts like an Excel workbook (a ZIP archive) but is damaged or "
            "incomplete. Save it again from Excel (.xlsx) or as CSV.",
        ) from exc
    if "xl/workbook.xml" in names or any(n.endswith("/workbook.xml") for n in names):
        return
    lower = [n.casefold() for n in names]
    if any(n.endswith(".lss") for n in lower) or any(n.endswith(".lsr") for n in lower):
        raise _refuse(
            path,
            "To jest archiwum ankiety LimeSurvey (.lsa): struktura i odpowiedzi zapisane jako "
            "XML do ponownego importu do LimeSurvey, a nie tabela. " + _EXPORT_PL,
            "This is a LimeSurvey survey archive (.lsa): the structure and responses as XML "
            "for re-importing into LimeSurvey, not a table. " + _EXPORT_EN,
        )
    if mimetype.startswith(b"application/vnd.oasis.opendocument.spreadsheet"):
        raise _refuse(
            path,
            "To jest arkusz OpenDocument (.ods, LibreOffice/OpenOffice), a nie skoroszyt "
            "Excela. Zapisz go jako .xlsx albo CSV (Plik > Zapisz jako).",
            "This is an OpenDocument spreadsheet (.ods, LibreOffice/OpenOffice), not an "
            "Excel workbook. Save it as .xlsx or CSV (File > Save As).",
        )
    if mimetype.startswith(b"application/vnd.oasis.opendocument") or "word/document.xml" in names:
        raise _refuse(
            path,
            "To jest dokument tekstowy (Word albo OpenDocument), a nie tabela z odpowiedziami. "
            "Przenieś odpowiedzi do arkusza i zapisz go jako .xlsx albo CSV.",
            "This is a text document (Word or OpenDocument), not a table of responses. Move "
            "the responses to a spreadsheet and save it as .xlsx or CSV.",
        )
    shown = ", ".join(n for n in names[:5] if n) + (" ..." if len(names) > 5 else "")
    raise _refuse(
        path,
        f"To jest archiwum ZIP, a nie skoroszyt Excela (w środku: {shown or 'nic'}). "
        "Rozpakuj je i podaj sam plik z odpowiedziami (CSV, .xlsx, .sav).",
        f"This is a ZIP archive, not an Excel workbook (inside: {shown or 'nothing'}). "
        "Unpack it and give the response file itself (CSV, .xlsx, .sav).",
    )


def _roles(headers: Sequence[object]) -> dict[str, int]:
    """Role ("variable", "label", "values") -> position of the first header playing it."""
    roles: dict[str, int] = {}
    for i, header in enumerate(headers):
        key = normalise(str(header or "")).rstrip(" :")
        for role, names in (("variable", _VARIABLE), ("label", _LABEL), ("values", _VALUES)):
            if key in names and role not in roles:
                roles[role] = i
                break
    return roles


def is_codebook(headers: Sequence[object], rows: Sequence[Sequence[object]]) -> bool:
    """Whether a table describes variables (name, label, values) instead of holding answers.

    A codebook has a header for the variable name, one for its label or
    question text and one for its values (or type, or missing codes), at most
    ten columns, and in the name column mostly distinct identifiers (no spaces).

    Parameters
    ----------
    headers : sequence
        The header row.
    rows : sequence of sequences
        The rows below it.

    Returns
    -------
    bool

    Examples
    --------
    >>> is_codebook(["Name", "Type", "Label", "Values"], [["q1", "Numeric", "Age", "None"]])
    True
    """
    filled = [h for h in headers if h not in (None, "")]
    if not 3 <= len(filled) <= 10:
        return False
    roles = _roles(headers)
    if len(roles) < 3:
        return False
    column = roles["variable"]
    cells = [r[column] for r in rows if column < len(r)]
    names = [str(c).strip() for c in cells if c is not None and str(c).strip()]
    if not names:
        return False
    identifiers = sum(1 for n in names if _IDENTIFIER.match(n))
    return identifiers >= 0.8 * len(names) and len(set(names)) >= 0.8 * len(names)


def _is_xlsform_sheet(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> bool:
    keys = [normalise(h) for h in headers]
    if "type" not in keys or "name" not in keys:
        return False
    if not any(k == "label" or k.startswith("label:") for k in keys):
        return False
    column = keys.index("type")
    types = [str(r[column]) for r in rows if column < len(r) and r[column] not in (None, "")]
    return bool(types) and sum(1 for t in types if _XLSFORM_TYPE.match(t)) >= 0.8 * len(types)


def refuse_non_responses(source: Source, path: Path) -> None:
    """Refuse a table that describes a survey rather than answering it.

    Parameters
    ----------
    source : Source
        The table as read (:mod:`.text`, :mod:`.sheets`).
    path : Path

    Raises
    ------
    ReadError
        A LimeSurvey structure (.txt), an XLSForm survey sheet or a codebook,
        located at the header row.

    Examples
    --------
    >>> import pandas as pd
    >>> data = pd.DataFrame({0: ["G"], 1: ["1"], 2: ["G1"], 3: [""], 4: ["Grupa"]})
    >>> src = Source(("class", "type/scale", "name", "relevance", "text"), data, "csv")
    >>> try:
    ...     refuse_non_responses(src, Path("limesurvey_survey_1.txt"))
    ... except ReadError as err:
    ...     print(err.row, err.message("en")[:69])
    1 limesurvey_survey_1.txt, row 1: This is a LimeSurvey survey structure
    """
    if source.format not in ("csv", "xlsx", "xls"):
        return
    headers = [str(h) for h in source.headers]
    first = int(source.data.index[0]) if len(source.data.index) else source.header_rows + 1
    header_row = max(1, first - source.header_rows)
    rows = source.data.head(200).values.tolist()
    if tuple(normalise(h) for h in headers[:5]) == _LIME_STRUCTURE:
        raise _refuse(
            path,
            "To jest struktura ankiety LimeSurvey (plik .txt rozdzielany tabulatorami: "
            "class, type/scale, name, relevance, text): pytania, bez odpowiedzi. " + _EXPORT_PL,
            "This is a LimeSurvey survey structure (a tab-separated .txt: class, type/scale, "
            "name, relevance, text): the questions, no answers. " + _EXPORT_EN,
            row=header_row,
        )
    if _is_xlsform_sheet(headers, rows):
        raise _refuse(
            path,
            "To jest arkusz 'survey' formularza XLSForm (kolumny type, name, label), a nie "
            "plik z odpowiedziami. Podaj cały formularz (.xlsx) jako instrument, a "
            "odpowiedzi jako osobny plik.",
            "This is the 'survey' sheet of an XLSForm (columns type, name, label), not a "
            "response file. Give the whole form (.xlsx) as the instrument and the responses "
            "as a separate file.",
            row=header_row,
        )
    if is_codebook(headers, rows):
        column = headers[_roles(headers)["variable"]]
        raise _refuse(
            path,
            "To jest książka kodów (opis zmiennych: nazwa, etykieta, wartości), a nie plik z "
            "odpowiedziami: każdy wiersz opisuje pytanie, a nie respondenta. Podaj plik, w "
            "którym jeden wiersz to jeden respondent (eksport odpowiedzi do CSV, Excela albo "
            "SPSS .sav, który ma etykiety w sobie).",
            "This is a codebook (a description of the variables: name, label, values), not a "
            "response file: each row describes a question, not a respondent. Give the file "
            "with one row per respondent (a CSV, Excel or SPSS .sav export of the responses; "
            "a .sav carries its labels itself).",
            row=header_row,
            column=column,
        )
