"""What the app writes into a towns folder: new towns, uploaded response files, column mappings.

A town is the folder :mod:`diagnosis.town` reads (``<towns>/<slug>/town.yaml``
and the files it names). The app only ever

* creates a new town folder (never over an existing one), with typed-in
  margins or GUS's (``margins: {gmina: ...}``, or ``{bdl: <file>}`` with the
  uploaded export copied in),
* copies an uploaded file into the town folder (an existing file is replaced
  only with ``overwrite=True``, which the app passes after asking; a
  questionnaire never replaces a file, it gets a free name instead), and
* edits ``town.yaml``'s ``responses`` list and its ``columns`` mappings, its
  ``instrument`` and its ``commentary``, keeping the comment lines at the top
  of the file,
* writes the rows the team leaves out of the analysis (``exclude:``,
  :func:`set_exclusions`),
* takes a response file off the town (:func:`remove_response_file`): its entry
  leaves ``town.yaml`` and the copied file is moved aside into the town's
  ``usuniete/`` subfolder, never deleted, and
* writes the team's commentary for the report as ``komentarz.txt`` (UTF-8,
  :func:`set_commentary`).

Uploaded files are written as received, byte for byte; nothing is edited in
place. Writes go to a temporary file first and are then renamed, so a town is
never left half-written.

Examples
--------
>>> town_slug("Piotrków Trybunalski"), town_slug("Łęczyca")
('piotrkow-trybunalski', 'leczyca')
>>> safe_file_name("C:\\\\Users\\\\ewa\\\\Ankieta – maj.csv")
'Ankieta – maj.csv'
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from ..errors import TownConfigError
from ..town import MAX_COMMENTARY, find_towns, read_yaml
from .errors import AppError, UploadConflict
from .margins import GusMargins
from .uploads import file_size

__all__ = [
    "TownEntry",
    "clear_instrument",
    "column_mapping",
    "create_town",
    "free_name",
    "list_towns",
    "read_commentary",
    "read_config",
    "remove_response_file",
    "response_names",
    "safe_file_name",
    "save_response_file",
    "set_column_mapping",
    "set_commentary",
    "set_instrument",
    "town_slug",
    "write_config",
]

_FOLD = str.maketrans("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ", "acelnoszzACELNOSZZ")
_CONFIG = "town.yaml"
#: the subfolder of a town where removed response files are moved (never deleted)
REMOVED_DIR = "usuniete"
#: the file the app writes the team's commentary to (``commentary:`` in town.yaml)
COMMENTARY_FILE = "komentarz.txt"


def town_slug(name: str) -> str:
    """The folder name for a town: lower-case ASCII words joined by ``-``.

    Examples
    --------
    >>> town_slug("  Sucha Beskidzka "), town_slug("Środa Wielkopolska")
    ('sucha-beskidzka', 'sroda-wielkopolska')
    """
    folded = unicodedata.normalize("NFKD", str(name).translate(_FOLD))
    ascii_text = folded.encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")


def safe_file_name(name: str) -> str:
    """An uploaded file's name without any folder, safe to write in the town folder.

    Letters (Polish too), digits, spaces and ``. - _ ( ) –`` are kept; anything
    else becomes ``_``; leading dots are dropped.

    Examples
    --------
    >>> safe_file_name("../../etc/passwd"), safe_file_name("odp*owiedzi?.csv")
    ('passwd', 'odp_owiedzi_.csv')
    """
    base = re.split(r"[\\/]", str(name))[-1].strip()
    base = re.sub(r"[^\w .()\-–]", "_", base).lstrip(".").strip()
    if not base:
        raise AppError(
            pl="Plik nie ma nazwy, której można użyć. Zmień nazwę pliku i wczytaj go ponownie.",
            en="The file has no usable name. Rename the file and upload it again.",
            value=name,
        )
    return base


@dataclass(frozen=True)
class TownEntry:
    """A town folder as the app lists it (read leniently: a new town may lack responses).

    Attributes
    ----------
    folder : Path
    name : str
        The display name from ``town.yaml`` (the folder name if it has none).
    files : tuple of str
        Response files named in ``town.yaml``.
    """

    folder: Path
    name: str
    files: tuple[str, ...]

    @property
    def slug(self) -> str:
        """The folder name."""
        return self.folder.name


def list_towns(root: str | Path) -> list[TownEntry]:
    """The towns under ``root``, sorted by display name.

    A ``town.yaml`` that cannot be read is listed under its folder name; the
    app then shows the loader's message when the town is opened.

    Examples
    --------
    >>> entries = list_towns("surveys/towns")
    >>> [e.name for e in entries if e.slug == "leczyca"]
    ['Łęczyca']
    """
    entries = []
    for folder in find_towns(root):
        try:
            raw = read_config(folder)
        except TownConfigError:
            raw = {}
        name = raw.get("name") if isinstance(raw.get("name"), str) else folder.name
        entries.append(TownEntry(folder, name.strip() or folder.name, tuple(response_names(raw))))
    return sorted(entries, key=lambda e: (_sort_key(e.name), e.slug))


def _sort_key(name: str) -> str:
    return unicodedata.normalize("NFKD", name.translate(_FOLD)).lower()


def read_config(folder: str | Path) -> dict[str, Any]:
    """``town.yaml`` of ``folder`` as a plain dict, unchecked (``load_town`` checks it).

    Raises
    ------
    TownConfigError
        When the file is missing or is not YAML.
    """
    path = Path(folder) / _CONFIG
    try:
        raw = read_yaml(path)  # size-capped, no anchors or aliases (an alias bomb)
    except FileNotFoundError:
        raise TownConfigError(
            pl=f"W folderze {Path(folder).name} nie ma pliku town.yaml.",
            en=f"Folder {Path(folder).name} has no town.yaml.",
            file=path,
        ) from None
    except (yaml.YAMLError, UnicodeDecodeError):
        raise TownConfigError(
            pl="Nie da się odczytać pliku town.yaml (błąd składni lub kodowania).",
            en="town.yaml cannot be read (a syntax or encoding error).",
            file=path,
        ) from None
    return dict(raw) if isinstance(raw, Mapping) else {}


def _atomic_write(path: Path, data: bytes) -> None:
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".upload-", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def write_config(folder: str | Path, raw: Mapping[str, Any]) -> Path:
    """Write ``town.yaml``, keeping the comment lines at the top of the existing file.

    Returns
    -------
    Path
        The file written.
    """
    path = Path(folder) / _CONFIG
    header = []
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.startswith("#"):
                break
            header.append(line)
    body = yaml.safe_dump(dict(raw), allow_unicode=True, sort_keys=False, width=100)
    text = "\n".join([*header, body]) if header else body
    _atomic_write(path, text.encode("utf-8"))
    return path


def response_names(raw: Mapping[str, Any]) -> list[str]:
    """File names of the ``responses`` list of a raw ``town.yaml``.

    Examples
    --------
    >>> response_names({"responses": ["a.csv", {"file": "b.sav"}]})
    ['a.csv', 'b.sav']
    """
    items = raw.get("responses") or []
    names = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, str):
            names.append(item)
        elif isinstance(item, Mapping) and isinstance(item.get("file"), str):
            names.append(item["file"])
    return names


def create_town(
    root: str | Path,
    name: str,
    margins: pd.DataFrame | GusMargins,
    *,
    source: str = "",
    fieldwork_start: dt.date | None,
    fieldwork_end: dt.date | None,
    recruitment: str | None = None,
) -> Path:
    """Create ``<root>/<slug>/town.yaml`` for a new town; it gets its response files later.

    Parameters
    ----------
    root : str or Path
        The towns folder.
    name : str
        The town's display name (its folder is :func:`town_slug` of it).
    margins : DataFrame or GusMargins
        ``age_band, sex, population`` (:func:`diagnosis.app.margins.margins_frame`),
        written as ``margins.cells``; or GUS's figures
        (:func:`~diagnosis.app.margins.gmina_figures`,
        :func:`~diagnosis.app.margins.bdl_figures`), written as
        ``margins: {gmina: ...}`` or ``{bdl: <file>}`` with the export copied
        into the folder as received. ``population`` in ``town.yaml`` is their sum.
    source : str
        Where typed-in figures come from (e.g. ``"GUS BDL, 2024"``); GUS's
        figures carry their own citation (:mod:`diagnosis.town`).
    fieldwork_start, fieldwork_end : date
        When the survey runs; both required, the end not before the start.
    recruitment : str, optional
        How respondents are reached.

    Returns
    -------
    Path
        The new town folder.

    Raises
    ------
    AppError
        A required field is empty, the dates are wrong, or a town with this
        folder already exists (it is never overwritten).

    Examples
    --------
    >>> import tempfile
    >>> cells = pd.DataFrame({"age_band": ["18_29"], "sex": ["female"], "population": [5]})
    >>> root = tempfile.mkdtemp()
    >>> folder = create_town(root, "Nowa Wieś", cells, source="GUS BDL, 2024",
    ...                      fieldwork_start=dt.date(2026, 3, 1), fieldwork_end=dt.date(2026, 4, 1))
    >>> folder.name, read_config(folder)["population"]
    ('nowa-wies', 5)
    >>> from diagnosis.app.margins import gmina_figures
    >>> folder = create_town(root, "Kwidzyn", gmina_figures("2207011"),
    ...                      fieldwork_start=dt.date(2026, 3, 1), fieldwork_end=dt.date(2026, 4, 1))
    >>> read_config(folder)["margins"], read_config(folder)["population"]
    ({'gmina': '2207011'}, 30852)
    """
    name = (name or "").strip()
    slug = town_slug(name)
    if not slug:
        raise AppError(
            pl="Podaj nazwę miejscowości (litery lub cyfry).",
            en="Give the town's name (letters or digits).",
        )
    gus = margins if isinstance(margins, GusMargins) else None
    if gus is None and not (source or "").strip():
        raise AppError(
            pl="Podaj źródło danych o ludności, np. „GUS BDL, 2024”.",
            en="Give the source of the population figures, e.g. 'GUS BDL, 2024'.",
        )
    if fieldwork_start is None or fieldwork_end is None:
        raise AppError(
            pl="Podaj daty początku i końca badania (mogą być planowane).",
            en="Give the start and end dates of the fieldwork (planned dates will do).",
        )
    if fieldwork_end < fieldwork_start:
        raise AppError(
            pl="Koniec badania jest wcześniej niż jego początek.",
            en="The fieldwork ends before it starts.",
            value=f"{fieldwork_start} – {fieldwork_end}",
        )
    root = Path(root)
    folder = root / slug
    if folder.exists():
        raise AppError(
            pl=f"Miejscowość „{name}” (folder {slug}) już istnieje. Wybierz ją z listy "
            "istniejących miejscowości albo podaj inną nazwę.",
            en=f"The town '{name}' (folder {slug}) already exists. Choose it from the list of "
            "towns or give another name.",
            file=folder,
        )
    folder.mkdir(parents=True)
    if gus is not None:
        population = gus.total
        file_name = None
        if gus.kind == "bdl":
            file_name = safe_file_name(gus.file_name or "ludnosc_bdl.csv")
            if file_name == _CONFIG:
                file_name = "ludnosc_bdl.csv"
            _atomic_write(folder / file_name, bytes(gus.content))
        margins_raw = gus.config(file_name)
    else:
        cells = [
            {"age_band": str(r.age_band), "sex": str(r.sex), "population": int(r.population)}
            for r in margins.itertuples()
        ]
        population = int(sum(c["population"] for c in cells))
        margins_raw = {"source": source.strip(), "cells": cells}
    raw: dict[str, Any] = {
        "name": name,
        "population": population,
        "margins": margins_raw,
        "fieldwork": {"start": fieldwork_start, "end": fieldwork_end},
    }
    if recruitment and recruitment.strip():
        raw["recruitment"] = recruitment.strip()
    raw["responses"] = []
    (folder / _CONFIG).write_text(
        f"# Utworzono w aplikacji diagnosis / created in the diagnosis app, "
        f"{dt.date.today().isoformat()}\n",
        encoding="utf-8",
    )
    write_config(folder, raw)
    return folder


def _entries(raw: Mapping[str, Any]) -> list[dict[str, Any]]:
    items = raw.get("responses") or []
    out = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, str):
            out.append({"file": item})
        elif isinstance(item, Mapping):
            out.append(dict(item))
    return out


def _reserved(raw: Mapping[str, Any]) -> set[str]:
    workshop = raw.get("workshop") if isinstance(raw.get("workshop"), Mapping) else {}
    names = {_CONFIG, raw.get("instrument"), *(workshop or {}).values()}
    return {str(n) for n in names if n}


def save_response_file(
    folder: str | Path,
    name: str,
    content: bytes,
    *,
    overwrite: bool = False,
    keep_others: bool = True,
) -> Path:
    """Copy an uploaded response file into the town folder and list it in ``town.yaml``.

    Parameters
    ----------
    folder : str or Path
        The town folder.
    name : str
        The uploaded file's name (made safe with :func:`safe_file_name`).
    content : bytes
        The file, written exactly as received.
    overwrite : bool
        Replace a different file of the same name (the app asks first).
    keep_others : bool
        Keep the town's other response files (their answers are analysed
        together); ``False`` takes them off the list in ``town.yaml`` (their
        files stay in the folder).

    Returns
    -------
    Path
        The file in the town folder.

    Raises
    ------
    UploadConflict
        A different file of this name is already in the folder and
        ``overwrite`` is false. Nothing was written.
    AppError
        The name is that of the town's own configuration or workshop files.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "town.yaml").write_text("name: X\\nresponses: []\\n", encoding="utf-8")
    >>> save_response_file(folder, "a.csv", b"sex\\nfemale\\n").name
    'a.csv'
    >>> save_response_file(folder, "a.csv", b"sex\\nmale\\n")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    diagnosis.app.errors.UploadConflict: a.csv: ...
    >>> _ = save_response_file(folder, "a.csv", b"sex\\nmale\\n", overwrite=True)
    >>> (folder / "a.csv").read_bytes(), response_names(read_config(folder))
    (b'sex\\nmale\\n', ['a.csv'])
    """
    folder = Path(folder)
    raw = read_config(folder)
    file_name = safe_file_name(name)
    if file_name in _reserved(raw):
        raise AppError(
            pl=f"Nazwa „{file_name}” jest zajęta przez plik konfiguracji lub warsztatów tej "
            "miejscowości. Zmień nazwę pliku z odpowiedziami i wczytaj go ponownie.",
            en=f"The name '{file_name}' belongs to this town's configuration or workshop file. "
            "Rename the response file and upload it again.",
            file=file_name,
        )
    target = folder / file_name
    if target.exists() and target.read_bytes() != content:
        if not overwrite:
            raise UploadConflict(
                pl="W folderze miejscowości jest już inny plik o tej nazwie "
                f"({file_size(target.stat().st_size, 'pl')}). Potwierdź, że ma go zastąpić "
                "nowy plik, albo zmień nazwę pliku.",
                en="The town folder already has a different file of this name "
                f"({file_size(target.stat().st_size, 'en')}). Confirm that the new file "
                "replaces it, or rename the file.",
                file=file_name,
            )
        _atomic_write(target, bytes(content))
    elif not target.exists():
        _atomic_write(target, bytes(content))
    entries = _entries(raw)
    same = [e for e in entries if e.get("file") == file_name]
    if keep_others:
        if not same:
            entries.append({"file": file_name})
    else:
        entries = same or [{"file": file_name}]
    raw["responses"] = entries
    write_config(folder, raw)
    return target


def column_mapping(folder: str | Path, file_name: str) -> dict[str, str]:
    """The ``columns`` mapping of one response file (header in the file -> question name).

    Examples
    --------
    >>> column_mapping("surveys/towns/kwidzyn", "kobo_diagnoza_mieszkancow.csv")
    {}
    """
    for entry in _entries(read_config(folder)):
        if entry.get("file") == file_name:
            columns = entry.get("columns")
            return {str(k): str(v) for k, v in columns.items()} if columns else {}
    return {}


def set_column_mapping(folder: str | Path, file_name: str, mapping: Mapping[str, str]) -> Path:
    """Save how one response file's headers are to be read (``columns:`` in ``town.yaml``).

    Parameters
    ----------
    folder : str or Path
        The town folder.
    file_name : str
        A response file listed in ``town.yaml``.
    mapping : mapping header -> question name
        Empty names are left out; an empty mapping removes ``columns``.

    Returns
    -------
    Path
        ``town.yaml``.

    Raises
    ------
    AppError
        The file is not one of the town's response files.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "town.yaml").write_text("name: X\\nresponses: [a.csv]\\n", encoding="utf-8")
    >>> _ = set_column_mapping(folder, "a.csv", {"Wiek respondenta": "age_band", "Uwagi": ""})
    >>> column_mapping(folder, "a.csv")
    {'Wiek respondenta': 'age_band'}
    """
    raw = read_config(folder)
    entries = _entries(raw)
    clean = {str(k).strip(): str(v).strip() for k, v in mapping.items() if str(v).strip()}
    for entry in entries:
        if entry.get("file") == file_name:
            if clean:
                entry["columns"] = clean
            else:
                entry.pop("columns", None)
            break
    else:
        raise AppError(
            pl="Tego pliku nie ma na liście plików z odpowiedziami tej miejscowości.",
            en="This file is not on the town's list of response files.",
            file=file_name,
        )
    raw["responses"] = entries
    return write_config(folder, raw)


def exclusions(folder: str | Path) -> dict[tuple[str, int], str | None]:
    """The rows ``exclude:`` lists now: (file, row) -> the team's reason or None.

    Entries that are not well formed are skipped (:func:`diagnosis.town.load_town`
    names them).

    Examples
    --------
    >>> exclusions("surveys/towns/kwidzyn")
    {}
    """
    raw = read_config(folder).get("exclude")
    found: dict[tuple[str, int], str | None] = {}
    for item in raw if isinstance(raw, list) else []:
        if not isinstance(item, Mapping) or not isinstance(item.get("file"), str):
            continue
        rows = item.get("rows", [item.get("row")])
        reason = item.get("reason")
        reason = str(reason).strip() or None if reason is not None else None
        for row in rows if isinstance(rows, list) else []:
            if isinstance(row, int) and not isinstance(row, bool):
                found.setdefault((item["file"].strip(), row), reason)
    return found


def set_exclusions(folder: str | Path, rows: Mapping[tuple[str, int], str | None]) -> Path:
    """Write ``exclude:`` in ``town.yaml``: one entry per row, the reason when there is one.

    The other keys of the file and its comment lines at the top stay; no rows
    removes the key.

    Parameters
    ----------
    folder : str or Path
        The town folder.
    rows : mapping (file, row) -> reason or None
        ``file`` as ``responses`` names it, ``row`` as validation reports it.

    Returns
    -------
    Path
        ``town.yaml``.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "town.yaml").write_text("# moja\\nname: X\\nresponses: [a.csv]\\n")
    >>> _ = set_exclusions(folder, {("a.csv", 7): None, ("a.csv", 3): "test"})
    >>> print((folder / "town.yaml").read_text(encoding="utf-8"), end="")
    # moja
    name: X
    responses:
    - a.csv
    exclude:
    - file: a.csv
      row: 3
      reason: test
    - file: a.csv
      row: 7
    >>> exclusions(folder)
    {('a.csv', 3): 'test', ('a.csv', 7): None}
    """
    raw = read_config(folder)
    order = {name: i for i, name in enumerate(response_names(raw))}
    entries = []
    for (file, row), reason in sorted(
        rows.items(), key=lambda item: (order.get(item[0][0], len(order)), item[0])
    ):
        entry: dict[str, Any] = {"file": file, "row": int(row)}
        if reason:
            entry["reason"] = reason
        entries.append(entry)
    if entries:
        raw["exclude"] = entries
    else:
        raw.pop("exclude", None)
    return write_config(folder, raw)


#: the part of an .xlsx that says only when and by whom it was saved
_SAVED_WHEN = "docProps/core.xml"


def same_content(one: bytes, other: bytes) -> bool:
    """Whether two files hold the same: the same bytes, or .xlsx files saved at other times.

    An .xlsx is a zip whose ``docProps/core.xml`` holds the time it was saved
    (and whose entries carry their own times): the same questionnaire written
    twice, seconds apart, differs only there.

    Examples
    --------
    >>> import datetime, io, openpyxl
    >>> def saved(created):
    ...     book = openpyxl.Workbook()
    ...     book.active.append(["Łódź"])
    ...     book.properties.created = created
    ...     out = io.BytesIO()
    ...     book.save(out)
    ...     return out.getvalue()
    >>> a, b = saved(datetime.datetime(2026, 1, 1)), saved(datetime.datetime(2026, 1, 2))
    >>> a == b, same_content(a, b), same_content(a, a.replace(b"PK", b"QK"))
    (False, True, False)
    """
    if one == other:
        return True
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(one)) as a, zipfile.ZipFile(io.BytesIO(other)) as b:
            names = sorted(a.namelist())
            if names != sorted(b.namelist()) or _SAVED_WHEN not in names:
                return False
            return all(a.read(n) == b.read(n) for n in names if n != _SAVED_WHEN)
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError):
        return False


def free_name(folder: str | Path, name: str, content: bytes | None = None) -> str:
    """A file name in ``folder`` that overwrites nothing: ``name``, else ``stem-2.ext``, ...

    A file of the same name with ``content`` (see :func:`same_content`) is reused
    (nothing to write).

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "ankieta.xlsx").write_bytes(b"PK1")
    >>> free_name(folder, "ankieta.xlsx"), free_name(folder, "ankieta.xlsx", b"PK1")
    ('ankieta-2.xlsx', 'ankieta.xlsx')
    """
    folder = Path(folder)
    base = safe_file_name(name)
    if base == _CONFIG:
        base = f"_{base}"
    stem, suffix = Path(base).stem, Path(base).suffix
    candidate, i = base, 1
    while (folder / candidate).exists():
        if content is not None and same_content((folder / candidate).read_bytes(), content):
            return candidate
        i += 1
        candidate = f"{stem}-{i}{suffix}"
    return candidate


def set_instrument(folder: str | Path, name: str, content: bytes | None = None) -> Path:
    """Make the town use a questionnaire: copy it in (over no other file), name it in town.yaml.

    Parameters
    ----------
    folder : str or Path
        The town folder.
    name : str
        The questionnaire's file name (an upload's, made safe); with
        ``content`` None, a file already in the folder.
    content : bytes, optional
        The file to copy in, as received; a different file of the same name
        stays and the copy gets a free name (:func:`free_name`).

    Returns
    -------
    Path
        The questionnaire in the town folder (``instrument:`` names it).

    Raises
    ------
    AppError
        The name is one of the town's response files.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "town.yaml").write_text("name: X\\nresponses: []\\n", encoding="utf-8")
    >>> set_instrument(folder, "ankieta.xlsx", b"PK").name, read_config(folder)["instrument"]
    ('ankieta.xlsx', 'ankieta.xlsx')
    >>> set_instrument(folder, "ankieta.xlsx", b"PK2").name
    'ankieta-2.xlsx'
    """
    folder = Path(folder)
    raw = read_config(folder)
    file_name = safe_file_name(name) if content is None else free_name(folder, name, content)
    if file_name in response_names(raw):
        raise AppError(
            pl=f"„{file_name}” jest plikiem z odpowiedziami tej miejscowości, nie "
            "kwestionariuszem. Zmień nazwę pliku kwestionariusza i wczytaj go ponownie.",
            en=f"'{file_name}' is one of this town's response files, not a questionnaire. "
            "Rename the questionnaire file and upload it again.",
            file=file_name,
        )
    target = folder / file_name
    if content is not None and not target.exists():
        _atomic_write(target, bytes(content))
    raw["instrument"] = file_name
    write_config(folder, raw)
    return target


def clear_instrument(folder: str | Path) -> Path:
    """Make the town use the standard questionnaire again (``instrument:`` removed; files kept).

    Returns
    -------
    Path
        ``town.yaml``.
    """
    raw = read_config(folder)
    raw.pop("instrument", None)
    return write_config(folder, raw)


def remove_response_file(folder: str | Path, file_name: str) -> Path | None:
    """Take a response file off the town: out of ``town.yaml``, the file moved to ``usuniete/``.

    The file is never deleted: it goes to ``<town>/usuniete/`` under its own
    name (``stem-2.ext`` when another file of that name is already there,
    :func:`free_name`), so it can be looked at or uploaded again. Its
    ``columns`` mapping goes with its entry, and so do its rows in ``exclude:``.

    Parameters
    ----------
    folder : str or Path
        The town folder.
    file_name : str
        A response file as ``town.yaml`` names it.

    Returns
    -------
    Path or None
        Where the file is now; None when it was listed but not in the folder.

    Raises
    ------
    AppError
        The file is not one of the town's response files.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "town.yaml").write_text("name: X\\nresponses: [a.csv, b.csv]\\n",
    ...                                       encoding="utf-8")
    >>> _ = (folder / "b.csv").write_bytes(b"sex\\nfemale\\n")
    >>> remove_response_file(folder, "b.csv").relative_to(folder).as_posix()
    'usuniete/b.csv'
    >>> response_names(read_config(folder)), (folder / "b.csv").exists()
    (['a.csv'], False)
    """
    folder = Path(folder)
    raw = read_config(folder)
    entries = _entries(raw)
    kept = [e for e in entries if e.get("file") != file_name]
    if len(kept) == len(entries):
        raise AppError(
            pl="Tego pliku nie ma na liście plików z odpowiedziami tej miejscowości.",
            en="This file is not on the town's list of response files.",
            file=file_name,
        )
    source = folder / file_name
    moved = None
    inside = source.resolve().is_relative_to(folder.resolve())
    if inside and source.is_file() and not source.is_symlink():
        aside = folder / REMOVED_DIR
        aside.mkdir(exist_ok=True)
        moved = aside / free_name(aside, source.name)
        os.replace(source, moved)
    raw["responses"] = kept
    if isinstance(raw.get("exclude"), list):  # rows of a file no longer read are not excluded
        left = [
            e for e in raw["exclude"] if not (isinstance(e, Mapping) and e.get("file") == file_name)
        ]
        if left:
            raw["exclude"] = left
        else:
            raw.pop("exclude")
    write_config(folder, raw)
    return moved


def read_commentary(folder: str | Path) -> str:
    """The team's commentary the town has now (``commentary:`` in town.yaml), or ``""``."""
    folder = Path(folder)
    name = read_config(folder).get("commentary")
    if not isinstance(name, str) or not name.strip():
        return ""
    path = folder / name
    if not path.resolve().is_relative_to(folder.resolve()) or not path.is_file():
        return ""
    try:
        return path.read_bytes()[: 4 * MAX_COMMENTARY].decode("utf-8-sig")
    except UnicodeDecodeError:
        return ""


def set_commentary(folder: str | Path, text: str) -> Path:
    """Save the team's commentary as ``komentarz.txt`` (UTF-8) and name it in town.yaml.

    The report puts it on its summary page, redacted like every text of
    ``town.yaml``. Line ends are written as ``\\n``; an empty text is saved
    too (the report then shows no commentary).

    Returns
    -------
    Path
        ``komentarz.txt`` in the town folder.

    Raises
    ------
    AppError
        The text is longer than the report takes (:data:`diagnosis.town.MAX_COMMENTARY`).

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "town.yaml").write_text("name: X\\nresponses: []\\n", encoding="utf-8")
    >>> set_commentary(folder, "Zespół: ważna uwaga.").name, read_config(folder)["commentary"]
    ('komentarz.txt', 'komentarz.txt')
    >>> read_commentary(folder)
    'Zespół: ważna uwaga.'
    """
    folder = Path(folder)
    text = str(text or "").replace("\r\n", "\n").replace("\r", "\n")
    if len(text) > MAX_COMMENTARY:
        raise AppError(
            pl=f"Komentarz ma {len(text)} znaków, a raport przyjmuje najwyżej "
            f"{MAX_COMMENTARY}. Skróć go.",
            en=f"The commentary has {len(text)} characters; the report takes at most "
            f"{MAX_COMMENTARY}. Shorten it.",
        )
    raw = read_config(folder)
    target = folder / COMMENTARY_FILE
    _atomic_write(target, text.encode("utf-8"))
    raw["commentary"] = COMMENTARY_FILE
    write_config(folder, raw)
    return target
