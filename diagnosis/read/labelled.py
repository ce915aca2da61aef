"""Files that carry their own labels: SPSS (.sav, .zsav, .por), Stata (.dta), LimeSurvey's
"SPSS syntax" export (.sps + .dat).

SPSS and Stata are read with pyreadstat, ``user_missing=True``, and the
user-missing codes the file declares (SPSS missing values and ranges, Stata
tagged missing ``.a`` ... ``.z``) are then set to missing, so no code such as
``-1 'odmowa'`` reaches an average. Variable labels and value labels are kept.

Old Polish SPSS files often hold Windows-1250 text but declare a Western code
page (or none). When the declared encoding fails, or gives text that scores
as mis-decoded Polish (``¹`` for ``ą``, ``³`` for ``ł``), the file is read
again as Windows-1250 and a warning says so; ``encoding=`` overrides all this.

An encrypted ``.sav`` cannot be read without SPSS and the password; it raises
:class:`~diagnosis.errors.EncryptedFileError`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import EncryptedFileError, ReadError
from .source import Source
from .text import decode_bytes, polish_score

__all__ = ["find_sps_for", "read_labelled", "read_limesurvey_sps"]

_WESTERN = {"", "windows-1252", "cp1252", "iso-8859-1", "latin1", "us-ascii", "ascii"}
_CP1250 = "WINDOWS-1250"
#: Python codec names -> iconv names (what ReadStat understands)
_ICONV = {"cp1250": _CP1250, "cp1252": "WINDOWS-1252", "iso8859-2": "ISO-8859-2"}
_NUMERIC_TYPES = {"double", "float", "int32", "int16", "int8"}


# --------------------------------------------------------------------- SPSS, Stata


def _check_not_encrypted(path: Path) -> None:
    with open(path, "rb") as handle:
        head = handle.read(64)
    if b"ENCRYPTED" in head:
        raise EncryptedFileError(
            pl="Plik SPSS jest zaszyfrowany hasłem i nie da się go odczytać. Otwórz go w SPSS "
            "(podając hasło) i zapisz bez szyfrowania: Plik > Zapisz jako, bez zaznaczonej "
            "opcji „Zaszyfruj plik hasłem”.",
            en="The SPSS file is password-encrypted and cannot be read. Open it in SPSS (with "
            "the password) and save it unencrypted: File > Save As, with 'Encrypt file with "
            "password' unticked.",
            file=path,
        )


def _iconv_name(encoding: str) -> str:
    import codecs

    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return encoding
    return _ICONV.get(name, name.upper())


def _pyreadstat_read(path: Path, format: str, encoding: str | None) -> tuple[pd.DataFrame, Any]:
    import pyreadstat

    kwargs: dict[str, Any] = {}
    if encoding and format != "por":
        kwargs["encoding"] = _iconv_name(encoding)
    if format == "dta":
        return pyreadstat.read_dta(str(path), user_missing=True, **kwargs)
    if format == "por":
        return pyreadstat.read_por(str(path))
    return pyreadstat.read_sav(str(path), user_missing=True, **kwargs)


def _all_text(df: pd.DataFrame, meta: Any) -> str:
    parts = [str(x) for x in meta.column_labels if x]
    for labels in meta.variable_value_labels.values():
        parts.extend(str(v) for v in labels.values())
    for column in df.columns:
        if df[column].dtype == object or pd.api.types.is_string_dtype(df[column]):
            parts.extend(str(v) for v in df[column].dropna().head(500))
    return "\n".join(parts)


def _unreadable(path: Path, exc: Exception) -> ReadError:
    return ReadError(
        pl=f"Nie udało się odczytać pliku ({exc}). Sprawdź, czy plik nie jest uszkodzony; "
        "w SPSS można go zapisać ponownie albo wyeksportować do CSV.",
        en=f"The file could not be read ({exc}). Check that it is not damaged; SPSS can save "
        "it again or export it to CSV.",
        file=path,
    )


def _cp1250_note(declared: str | None) -> tuple[str, str]:
    said_pl = f"deklaruje kodowanie '{declared}'" if declared else "deklaruje inne kodowanie"
    said_en = f"declares the encoding '{declared}'" if declared else "declares another encoding"
    return (
        f"Plik SPSS {said_pl}, ale jego teksty są w Windows-1250; odczytano go jako "
        "Windows-1250 (polskie znaki są poprawne). Jeśli to pomyłka, podaj encoding=.",
        f"The SPSS file {said_en} but its text is Windows-1250; it was read as Windows-1250 "
        "(Polish letters are correct). If that is wrong, pass encoding=.",
    )


def _read_with_encoding(
    path: Path, format: str, encoding: str | None
) -> tuple[pd.DataFrame, Any, list[tuple[str, str]]]:
    """pyreadstat, falling back to Windows-1250 for mis-declared Polish files."""
    import pyreadstat

    notes: list[tuple[str, str]] = []
    try:
        df, meta = _pyreadstat_read(path, format, encoding)
    except pyreadstat.ReadstatError as exc:
        if encoding or format not in ("sav", "zsav") or "encoding" not in str(exc):
            raise _unreadable(path, exc) from exc
        try:
            df, meta = _pyreadstat_read(path, format, _CP1250)
        except pyreadstat.ReadstatError as exc2:
            raise _unreadable(path, exc2) from exc2
        notes.append(_cp1250_note(None))
        return df, meta, notes
    except (OSError, ValueError) as exc:
        raise _unreadable(path, exc) from exc
    declared = (meta.file_encoding or "").lower()
    if encoding or format not in ("sav", "zsav") or declared not in _WESTERN:
        return df, meta, notes
    try:
        df2, meta2 = _pyreadstat_read(path, format, _CP1250)
    except pyreadstat.ReadstatError:
        return df, meta, notes
    if polish_score(_all_text(df2, meta2)) > max(polish_score(_all_text(df, meta)), 0):
        notes.append(_cp1250_note(declared or None))
        return df2, meta2, notes
    return df, meta, notes


def _code(value: Any) -> str:
    """A code as text: ``1.0`` -> ``"1"``, ``"a"`` -> ``"a"``."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        return f"{value:.15g}"
    return str(value)


def _in_ranges(value: Any, ranges: list[Mapping[str, Any]]) -> bool:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return False
    for r in ranges:
        lo, hi = r["lo"], r["hi"]
        try:
            if lo <= value <= hi:
                return True
        except TypeError:
            if str(value).strip() in (str(lo).strip(), str(hi).strip()):
                return True
    return False


def _clean_column(series: pd.Series, kind: str, ranges: list[Mapping[str, Any]]) -> pd.Series:
    """Missing codes to NA, tagged missing to NA, dates to datetime64, times to text."""
    values = series.astype(object).tolist()
    out: list[Any] = []
    for v in values:
        if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and math.isnan(v)):
            out.append(None)
        elif kind in _NUMERIC_TYPES and isinstance(v, str):
            out.append(None)  # a Stata tagged missing value (.a ... .z)
        elif ranges and _in_ranges(v, ranges):
            out.append(None)
        else:
            out.append(v)
    present = [v for v in out if v is not None]
    if present and all(isinstance(v, (dt.date, pd.Timestamp)) for v in present):
        return pd.Series(pd.to_datetime(pd.Series(out, dtype=object)), index=series.index)
    if present and all(isinstance(v, dt.time) for v in present):
        out = [v.isoformat() if v is not None else None for v in out]
    if kind in _NUMERIC_TYPES and all(isinstance(v, (int, float)) for v in present):
        return pd.Series([math.nan if v is None else float(v) for v in out], index=series.index)
    return pd.Series(out, index=series.index, dtype=object)


def read_labelled(path: Path, *, format: str, encoding: str | None = None) -> Source:
    """Read an SPSS or Stata file into a :class:`Source`.

    Parameters
    ----------
    path : Path
    format : {"sav", "zsav", "por", "dta"}
    encoding : str, optional
        Text encoding to force (``"cp1250"``); default: as declared by the
        file, with a Windows-1250 fallback for mis-declared Polish files.

    Raises
    ------
    EncryptedFileError
        For a password-encrypted .sav.
    ReadError
        For a damaged or unsupported file.
    """
    _check_not_encrypted(path)
    df, meta, notes = _read_with_encoding(path, format, encoding)
    names = list(df.columns)
    kinds = getattr(meta, "readstat_variable_types", {}) or {}
    ranges = getattr(meta, "missing_ranges", {}) or {}
    columns = {
        i: _clean_column(df[name], kinds.get(name, ""), ranges.get(name, []))
        for i, name in enumerate(names)
    }
    data = pd.DataFrame(columns, index=df.index)
    data.index = pd.Index(range(2, len(df) + 2), name="row", dtype="int64")
    tagged = format == "dta"
    value_labels = {
        names.index(name): {
            (f".{k}" if tagged and isinstance(k, str) else _code(k)): str(v)
            for k, v in labels.items()
        }
        for name, labels in meta.variable_value_labels.items()
        if name in names
    }
    variable_labels = {
        i: str(label)
        for i, label in enumerate(meta.column_labels)
        if label and str(label).strip() and str(label) != names[i]
    }
    return Source(
        headers=tuple(str(n) for n in names),
        data=data,
        format=format,
        encoding=getattr(meta, "file_encoding", None),
        header_rows=1,
        warnings=notes,
        value_labels=value_labels,
        variable_labels=variable_labels,
    )


# --------------------------------------------------------------------- LimeSurvey .sps + .dat

_FILE = re.compile(r"/FILE\s*=\s*(['\"])(.+?)\1", re.I)
_DELIM = re.compile(r"/DELIMITERS\s*=\s*(['\"])(.+?)\1", re.I)
_QUALIFIER = re.compile(r"/QUALIFIER\s*=\s*(['\"])(.)\1", re.I)
_FIRSTCASE = re.compile(r"/FIRSTCASE\s*=\s*(\d+)", re.I)
_VARIABLES = re.compile(r"/VARIABLES\s*=(.*?)\.\s*$", re.I | re.S | re.M)
_QUOTED = r"(?:\"((?:[^\"]|\"\")*)\"|'((?:[^']|'')*)')"
_VAR_LABEL = re.compile(r"VARIABLE\s+LABELS\s+(\S+)\s+" + _QUOTED, re.I)
_VALUE_LABELS = re.compile(r"VALUE\s+LABELS\s+(\S+)\s*(.*?)\.\s*$", re.I | re.S | re.M)
_VALUE_PAIR = re.compile(r"(\"[^\"]*\"|'[^']*'|[^\s\"']+)\s+" + _QUOTED)
_RENAME = re.compile(r"RENAME\s+VARIABLE\s*\(\s*(\S+)\s*=\s*(\S+)\s*\)", re.I)
_DATE_FORMATS = ("%d-%m-%Y %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%d-%m-%Y", "%Y-%m-%d")


def _unquote(match: re.Match[str], first: int) -> str:
    double, single = match.group(first), match.group(first + 1)
    return double.replace('""', '"') if double is not None else single.replace("''", "'")


def find_sps_for(dat: Path) -> Path | None:
    """The LimeSurvey syntax file that reads ``dat``, if one lies beside it."""
    candidates = [dat.with_name(dat.name.replace("_data_file", "_syntax_file")).with_suffix(".sps")]
    candidates += sorted(dat.parent.glob("*.sps"))
    for sps in candidates:
        if not sps.is_file():
            continue
        with open(sps, "rb") as handle:
            text = decode_bytes(handle.read()).text
        m = _FILE.search(text)
        if m and Path(m.group(2)).name == dat.name:
            return sps
    return None


def _parse_sps(text: str) -> dict[str, Any]:
    variables = []
    block = _VARIABLES.search(text)
    if block:
        tokens = block.group(1).split()
        variables = list(zip(tokens[0::2], tokens[1::2], strict=False))
    labels = {m.group(1): _unquote(m, 2) for m in _VAR_LABEL.finditer(text)}
    value_labels: dict[str, dict[str, str]] = {}
    for m in _VALUE_LABELS.finditer(text):
        pairs = {p.group(1).strip("'\""): _unquote(p, 2) for p in _VALUE_PAIR.finditer(m.group(2))}
        value_labels[m.group(1)] = pairs
    renames = {m.group(1): m.group(2) for m in _RENAME.finditer(text)}
    file = _FILE.search(text)
    delim = _DELIM.search(text)
    qualifier = _QUALIFIER.search(text)
    first = _FIRSTCASE.search(text)
    return {
        "file": file.group(2) if file else None,
        "delimiter": (delim.group(2) if delim else ",").replace("\\t", "\t"),
        "qualifier": qualifier.group(2) if qualifier else '"',
        "firstcase": int(first.group(1)) if first else 1,
        "variables": variables,
        "labels": labels,
        "value_labels": value_labels,
        "renames": renames,
    }


def _typed(values: list[str | None], spss_format: str) -> pd.Series:
    kind = re.match(r"[A-Za-z]+", spss_format)
    letters = kind.group(0).upper() if kind else "A"
    if letters == "A":
        return pd.Series(values, dtype=object)
    if letters in ("F", "N", "COMMA", "DOT", "PCT", "E"):
        numbers = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce")
        return numbers.astype("float64")
    if "DATE" in letters or "TIME" in letters:
        series = pd.Series(values, dtype=object)
        for fmt in _DATE_FORMATS:
            parsed = pd.to_datetime(series, format=fmt, errors="coerce")
            if parsed.notna().sum() == series.notna().sum():
                return parsed
        return series
    return pd.Series(values, dtype=object)


def read_limesurvey_sps(sps: Path, *, encoding: str | None = None) -> Source:
    """Read LimeSurvey's "SPSS syntax" export: the .sps file and the .dat it names.

    The syntax gives variable types, labels, value labels and the final
    variable names (``RENAME VARIABLE``); the .dat holds the answers, one line
    per respondent, no header. The index is the line of the .dat.

    Raises
    ------
    ReadError
        When the .dat named in the syntax cannot be found, or its lines do not
        have as many fields as the syntax declares variables.
    """
    with open(sps, "rb") as handle:
        spec = _parse_sps(decode_bytes(handle.read(), encoding=encoding, path=sps).text)
    if not spec["variables"] or not spec["file"]:
        raise ReadError(
            pl="To nie wygląda na plik składni SPSS z LimeSurvey (brak GET DATA /FILE i "
            "/VARIABLES).",
            en="This does not look like a LimeSurvey SPSS syntax file (no GET DATA /FILE and "
            "/VARIABLES).",
            file=sps,
        )
    dat = sps.parent / Path(spec["file"]).name
    if not dat.is_file():
        raise ReadError(
            pl=f"Plik składni wskazuje dane '{spec['file']}', ale nie ma go obok. Umieść plik "
            ".dat w tym samym folderze co .sps.",
            en=f"The syntax file names the data '{spec['file']}', which is not beside it. Put "
            "the .dat in the same folder as the .sps.",
            file=sps,
            value=spec["file"],
        )
    with open(dat, "rb") as handle:
        decoded = decode_bytes(handle.read(), encoding=encoding, path=dat)
    reader = csv.reader(
        io.StringIO(decoded.text, newline=""),
        delimiter=spec["delimiter"],
        quotechar=spec["qualifier"],
    )
    lines = [(n, fields) for n, fields in enumerate(reader, start=1) if any(fields)]
    lines = [(n, f) for n, f in lines if n >= spec["firstcase"]]
    width = len(spec["variables"])
    for n, fields in lines:
        if len(fields) != width:
            raise ReadError(
                pl=f"Wiersz ma {len(fields)} pól, a składnia deklaruje {width} zmiennych.",
                en=f"The line has {len(fields)} fields but the syntax declares {width} variables.",
                file=dat,
                row=n,
            )
    columns = {}
    value_labels: dict[int, dict[str, str]] = {}
    variable_labels: dict[int, str] = {}
    headers = []
    for i, (name, spss_format) in enumerate(spec["variables"]):
        raw = [f[i] if f[i].strip() else None for _, f in lines]
        columns[i] = _typed(raw, spss_format)
        headers.append(spec["renames"].get(name, name))
        label = spec["labels"].get(name, "").strip()
        if label and label != headers[-1]:
            variable_labels[i] = label
        if name in spec["value_labels"]:
            value_labels[i] = spec["value_labels"][name]
    data = pd.DataFrame(columns, index=range(len(lines)))
    data.index = pd.Index([n for n, _ in lines], name="row", dtype="int64")
    return Source(
        headers=tuple(headers),
        data=data,
        format="limesurvey_sps",
        encoding=decoded.encoding,
        header_rows=0,
        value_labels=value_labels,
        variable_labels=variable_labels,
    )
