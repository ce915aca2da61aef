"""Uploaded response files: what is accepted, and a first read before anything is saved.

An upload is checked in this order, each failure with a message saying what to
do: a known extension (:data:`SUFFIXES`), not empty, not larger than the limit,
contents that fit the extension (a ``.xlsx`` that is not a workbook, a ``.csv``
that is not text), and finally a read with :func:`diagnosis.read.read_responses`
from a temporary copy. Only a file that passes is copied into the town
(:func:`diagnosis.app.town_files.save_response_file`).

Examples
--------
>>> check_upload(Upload("ankieta.pdf", b"%PDF-1.7"), max_bytes=1000)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
diagnosis.app.errors.AppError: ankieta.pdf: Files of type .pdf cannot be read. ...
>>> file_size(1536, "pl"), file_size(25 * 1024 * 1024, "en")
('1,5 KB', '25.0 MB')
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ..errors import Language
from ..instrument import Instrument
from ..read import Responses, read_responses
from .errors import AppError

__all__ = [
    "SUFFIXES",
    "Upload",
    "as_widget_value",
    "check_upload",
    "file_size",
    "read_upload",
    "uploads_from_widget",
]

#: extensions of response files the app accepts, with what they are
SUFFIXES = {
    ".csv": "CSV",
    ".tsv": "CSV (tab)",
    ".txt": "CSV (txt)",
    ".xlsx": "Excel",
    ".xls": "Excel 97-2003",
    ".sav": "SPSS",
    ".zsav": "SPSS",
    ".por": "SPSS portable",
    ".dta": "Stata",
}
_MAGIC = {
    ".xlsx": (b"PK\x03\x04",),
    ".xls": (b"\xd0\xcf\x11\xe0", b"PK\x03\x04"),
    ".sav": (b"$FL2", b"$FL3"),
    ".zsav": (b"$FL3",),
}
_TEXT = {".csv", ".tsv", ".txt"}
_BINARY_OK = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"\xff\xfe", b"\xfe\xff")


@dataclass(frozen=True)
class Upload:
    """One uploaded file: its name as the browser gave it and its bytes."""

    name: str
    content: bytes

    @property
    def size(self) -> int:
        """Size in bytes."""
        return len(self.content)

    @property
    def suffix(self) -> str:
        """The extension, lower case (``".csv"``)."""
        return Path(self.name.replace("\\", "/")).suffix.lower()


def uploads_from_widget(value: Iterable[Mapping[str, object]]) -> list[Upload]:
    """The files of an ``ipywidgets.FileUpload`` value (a tuple of dicts in ipywidgets 8).

    Examples
    --------
    >>> uploads_from_widget([{"name": "a.csv", "content": memoryview(b"x"), "size": 1}])
    [Upload(name='a.csv', content=b'x')]
    """
    files = []
    for item in value:
        content = item.get("content", b"")
        data = content.tobytes() if isinstance(content, memoryview) else bytes(content)  # type: ignore[arg-type]
        files.append(Upload(str(item.get("name", "")), data))
    return files


def as_widget_value(uploads: Iterable[Upload]) -> tuple[dict[str, object], ...]:
    """Files as an ``ipywidgets.FileUpload`` value, as the browser would send them.

    Setting ``upload.value`` to this from Python does what choosing the files
    in the browser does (the tests drive the app this way).

    Examples
    --------
    >>> value = as_widget_value([Upload("a.csv", b"x")])
    >>> uploads_from_widget(value) == [Upload("a.csv", b"x")]
    True
    """
    now = dt.datetime.now(dt.UTC)
    return tuple(
        {
            "name": u.name,
            "type": "",
            "size": u.size,
            "content": memoryview(u.content),
            "last_modified": now,
        }
        for u in uploads
    )


def file_size(n_bytes: int, lang: Language = "pl") -> str:
    """A size as people say it: ``"820 B"``, ``"1,5 KB"``, ``"25,0 MB"`` (``.`` in English)."""
    if n_bytes < 1024:
        text = f"{n_bytes} B"
    elif n_bytes < 1024 * 1024:
        text = f"{n_bytes / 1024:.1f} KB"
    else:
        text = f"{n_bytes / (1024 * 1024):.1f} MB"
    return text.replace(".", ",") if lang == "pl" else text


def check_upload(upload: Upload, max_bytes: int) -> None:
    """Refuse a file the app cannot use, with a message saying what to do.

    Parameters
    ----------
    upload : Upload
    max_bytes : int
        The largest size accepted.

    Raises
    ------
    AppError
        Unknown extension, empty file, too large, or contents that do not fit
        the extension. The message names the file.

    Examples
    --------
    >>> check_upload(Upload("dane.csv", b""), 100)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    diagnosis.app.errors.AppError: dane.csv: The file is empty (0 bytes). ...
    >>> check_upload(Upload("dane.csv", b"sex\\nfemale\\n"), 100) is None
    True
    """
    name = Path(upload.name.replace("\\", "/")).name or upload.name
    suffix = upload.suffix
    known = ", ".join(sorted(SUFFIXES))
    if suffix not in SUFFIXES:
        what = f"typu {suffix}" if suffix else "bez rozszerzenia"
        what_en = f"of type {suffix}" if suffix else "without an extension"
        raise AppError(
            pl=f"Nie można wczytać pliku {what}. Wczytaj eksport ankiety w jednym z formatów: "
            f"{known}. Plik .ods zapisz jako .xlsx; eksport LimeSurvey (.sps + .dat) sprawdź "
            "poleceniem 'diagnosis read'.",
            en=f"Files {what_en} cannot be read. Upload a survey export in one of the formats: "
            f"{known}. Save an .ods file as .xlsx; check a LimeSurvey export (.sps + .dat) with "
            "'diagnosis read'.",
            file=name,
        )
    if upload.size == 0:
        raise AppError(
            pl="Plik jest pusty (0 bajtów). Wyeksportuj odpowiedzi ponownie.",
            en="The file is empty (0 bytes). Export the answers again.",
            file=name,
        )
    if upload.size > max_bytes:
        raise AppError(
            pl=f"Plik jest za duży ({file_size(upload.size, 'pl')}; największy dopuszczalny: "
            f"{file_size(max_bytes, 'pl')}). Sprawdź, czy to na pewno plik z odpowiedziami; "
            "usuń z niego zbędne arkusze lub kolumny albo poproś administratora o wyższy limit "
            "(diagnosis app --max-upload-mb).",
            en=f"The file is too large ({file_size(upload.size, 'en')}; the largest allowed: "
            f"{file_size(max_bytes, 'en')}). Check that it is the response file; remove sheets "
            "or columns it does not need, or ask for a higher limit "
            "(diagnosis app --max-upload-mb).",
            file=name,
        )
    head = upload.content[:4096]
    magic = _MAGIC.get(suffix)
    if magic is not None and not head.startswith(magic):
        raise AppError(
            pl=f"Plik ma rozszerzenie {suffix}, ale jego zawartość nie jest plikiem "
            f"{SUFFIXES[suffix]}. Otwórz go w programie, w którym powstał, i zapisz ponownie "
            f"jako {suffix}, albo wyeksportuj odpowiedzi jako CSV.",
            en=f"The file is named {suffix} but it is not a {SUFFIXES[suffix]} file. Open it in "
            f"the program that made it and save it again as {suffix}, or export the answers as "
            "CSV.",
            file=name,
        )
    if suffix in _TEXT and b"\x00" in head and not head.startswith(_BINARY_OK):
        raise AppError(
            pl="Plik ma rozszerzenie tekstowe, ale nie jest plikiem tekstowym (CSV). Wyeksportuj "
            "odpowiedzi ponownie jako CSV albo wczytaj oryginalny plik (np. .xlsx, .sav).",
            en="The file has a text extension but is not a text (CSV) file. Export the answers "
            "again as CSV, or upload the original file (e.g. .xlsx, .sav).",
            file=name,
        )


def read_upload(
    upload: Upload,
    instrument: Instrument | None,
    *,
    columns: Mapping[str, str] | None = None,
) -> Responses:
    """Read an upload from a temporary copy (removed afterwards) to see that it can be used.

    Parameters
    ----------
    upload : Upload
    instrument : Instrument or None
    columns : mapping, optional
        Header mapping, as in :func:`diagnosis.read.read_responses`.

    Returns
    -------
    Responses
        Read from the temporary copy (its ``path`` no longer exists).

    Raises
    ------
    ReadError
        As :func:`diagnosis.read.read_responses`, naming the uploaded file.

    Examples
    --------
    >>> text = "Płeć;Wiek\\nKobieta;30-44 lat\\n"
    >>> res = read_upload(Upload("a.csv", text.encode("cp1250")), None)
    >>> res.data.columns.tolist(), res.encoding
    (['plec', 'wiek'], 'cp1250')
    """
    name = Path(upload.name.replace("\\", "/")).name or "upload"
    folder = Path(tempfile.mkdtemp(prefix="diagnosis-upload-"))
    try:
        path = folder / name
        path.write_bytes(upload.content)
        return read_responses(path, instrument, columns=columns)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
