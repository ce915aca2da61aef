"""Text files: bytes to text (encoding detection), delimiter sniffing, CSV parsing.

Polish survey files come in UTF-8 (with or without a BOM), Windows-1250 and
ISO-8859-2. The two single-byte code pages agree on most Polish letters but
not on ``ą ś ź Ą Ś Ź``, so the choice is made by decoding with each and
scoring the result: Polish letters count for a code page, C1 control
characters and symbols that only appear in mis-decoded Polish count against
it. A file whose lines were written in different encodings (a UTF-8 export
with rows pasted from an old Windows program) is repaired line by line, with a
warning. The delimiter (``,`` ``;`` tab ``|``) is the one that gives the most
consistent table; quoted fields may hold delimiters and line breaks, and line
endings may be mixed. :func:`read_csv` puts it together.

Examples
--------
>>> decode_bytes("Zażółć gęślą jaźń".encode("cp1250")).encoding
'cp1250'
>>> decode_bytes("Zażółć gęślą jaźń".encode("iso-8859-2")).text
'Zażółć gęślą jaźń'
>>> sniff_delimiter('a;b;c\\n1,5;2;3\\n')
';'
"""

from __future__ import annotations

import bisect
import codecs
import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import ReadError
from .source import Source, from_grid

__all__ = [
    "DecodedText",
    "Record",
    "decode_bytes",
    "parse_records",
    "polish_score",
    "read_csv",
    "read_text",
    "sniff_delimiter",
]

#: single-byte code pages tried when a file is not UTF-8, most likely first
_CANDIDATES = ("cp1250", "iso-8859-2", "cp1252")
_POLISH = frozenset("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ")
#: characters that appear when Polish text is decoded with the wrong code page:
#: ISO-8859-2 bytes read as cp1250 give ``± ¶ ¬ ¦ ˇ``, cp1250 bytes read as
#: ISO-8859-2 give ``š Ľ ť`` or C1 controls, cp1250 read as cp1252 ``¹ ³ ¿ œ Ÿ ¥ £ ¯``
_SUSPECT = frozenset("±¶¬¦ˇ¤µ˘˝ľĽšŠťŤ¹³¿œŸ¥£¯Œ")
#: letters of other languages that share these code pages (Czech, Slovak, Hungarian)
_FOREIGN = frozenset("čďěňřůŕĺőűČĎĚŇŘŮŔĹŐŰăâîşţĂÂÎŞŢ")
_DELIMITERS = (",", ";", "\t", "|")
_SNIFF_CHARS = 65_536


@dataclass(frozen=True)
class DecodedText:
    """A text file decoded to ``str``.

    Attributes
    ----------
    text : str
    encoding : str
        Codec name, e.g. ``utf-8``, ``utf-8-sig``, ``cp1250``, ``iso-8859-2``;
        ``mixed (utf-8 + cp1250)`` when lines were repaired one by one.
    repaired_lines : tuple of int
        1-based physical line numbers decoded with the single-byte code page
        in a mixed file.
    uncertain : bool
        True when even the best decoding contains control characters or
        symbols typical of mis-decoded Polish.
    """

    text: str
    encoding: str
    repaired_lines: tuple[int, ...] = ()
    uncertain: bool = False


@dataclass(frozen=True)
class Record:
    """One CSV record: its row as a spreadsheet shows it, its first physical line, its fields."""

    row: int
    line: int
    fields: list[str]


def polish_score(text: str) -> int:
    """Score how plausible ``text`` is as Polish (higher is better).

    Polish letters count +3, letters of neighbouring languages -1, control
    characters (U+0080 to U+009F, U+FFFD) -10 and symbols typical of a wrong
    code page -4.

    Examples
    --------
    >>> raw = "ślązak".encode("cp1250")
    >>> polish_score(raw.decode("cp1250")) > polish_score(raw.decode("iso-8859-2"))
    True
    """
    score = 0
    for ch in text:
        if ch < "\x80":
            continue
        if ch in _POLISH:
            score += 3
        elif "\x80" <= ch <= "\x9f" or ch == "\ufffd":
            score -= 10
        elif ch in _SUSPECT:
            score -= 4
        elif ch in _FOREIGN:
            score -= 1
    return score


def _best_single_byte(raw: bytes) -> tuple[str, str, bool]:
    """(text, codec, uncertain) for the best-scoring single-byte decoding of ``raw``."""
    best: tuple[int, int, str, str] | None = None
    for rank, codec in enumerate(_CANDIDATES):
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError:
            continue
        key = (polish_score(text), -rank, codec, text)
        if best is None or key[:2] > best[:2]:
            best = key
    if best is None:  # unreachable: ISO-8859-2 decodes every byte
        text = raw.decode("iso-8859-2", errors="replace")
        return text, "iso-8859-2", True
    _, _, codec, text = best
    uncertain = any(("\x80" <= ch <= "\x9f") or ch in _SUSPECT for ch in text)
    return text, codec, uncertain


def _line_of_offset(raw: bytes, offset: int) -> int:
    return raw.count(b"\n", 0, offset) + 1


def decode_bytes(
    raw: bytes, *, encoding: str | None = None, path: str | Path | None = None
) -> DecodedText:
    """Decode the bytes of a text file, detecting the encoding.

    Parameters
    ----------
    raw : bytes
    encoding : str, optional
        Use this codec and nothing else (a wrong guess can be overridden).
    path : str or Path, optional
        Only for error messages.

    Returns
    -------
    DecodedText

    Raises
    ------
    ReadError
        When ``encoding`` is given and the bytes do not decode with it
        (located at the line of the first bad byte).

    Examples
    --------
    >>> decode_bytes(b"\\xef\\xbb\\xbfp\\xc5\\x82e\\xc4\\x87").text
    'płeć'
    >>> mixed = "Łódź\\n".encode() + "Łódź\\n".encode("cp1250")
    >>> d = decode_bytes(mixed)
    >>> d.text, d.repaired_lines
    ('Łódź\\nŁódź\\n', (2,))
    """
    if encoding:
        return _decode_forced(raw, encoding, path)
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _decode_forced(raw, "utf-16", path)
    bom = raw.startswith(codecs.BOM_UTF8)
    try:
        return DecodedText(
            raw.decode("utf-8-sig" if bom else "utf-8"), "utf-8-sig" if bom else "utf-8"
        )
    except UnicodeDecodeError:
        pass
    body = raw[len(codecs.BOM_UTF8) :] if bom else raw
    lines = body.splitlines(keepends=True)
    utf8_lines: list[str | None] = []
    for line in lines:
        try:
            utf8_lines.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            utf8_lines.append(None)
    genuine_utf8 = any(
        text is not None and any(b >= 0x80 for b in line)
        for text, line in zip(utf8_lines, lines, strict=True)
    )
    if not (genuine_utf8 or bom):
        text, codec, uncertain = _best_single_byte(raw)
        return DecodedText(text, codec, uncertain=uncertain)
    bad = [i for i, text in enumerate(utf8_lines) if text is None]
    _, codec, uncertain = _best_single_byte(b"".join(lines[i] for i in bad))
    parts = [
        text if text is not None else lines[i].decode(codec, errors="replace")
        for i, text in enumerate(utf8_lines)
    ]
    return DecodedText(
        "".join(parts),
        f"mixed (utf-8 + {codec})",
        repaired_lines=tuple(i + 1 for i in bad),
        uncertain=uncertain,
    )


def _decode_forced(raw: bytes, encoding: str, path: str | Path | None) -> DecodedText:
    try:
        codec = codecs.lookup(encoding).name
    except LookupError as exc:
        raise ReadError(
            pl=f"Nieznane kodowanie znaków '{encoding}'. Podaj np. 'utf-8', 'cp1250' "
            "albo 'iso-8859-2'.",
            en=f"Unknown character encoding '{encoding}'. Give e.g. 'utf-8', 'cp1250' "
            "or 'iso-8859-2'.",
            file=path,
            value=encoding,
        ) from exc
    if codec == "utf-8" and raw.startswith(codecs.BOM_UTF8):
        codec = "utf-8-sig"
    try:
        return DecodedText(raw.decode(codec), codec)
    except UnicodeDecodeError as exc:
        line = _line_of_offset(raw, exc.start)
        raise ReadError(
            pl=f"Plik nie jest zapisany w kodowaniu {encoding} (błędny bajt w linii {line}). "
            "Usuń parametr encoding, żeby kodowanie zostało rozpoznane samo.",
            en=f"The file is not encoded in {encoding} (bad byte on line {line}). "
            "Leave out the encoding parameter to have it detected.",
            file=path,
            value=raw[exc.start : exc.start + 8].hex(" "),
        ) from exc


def _parse(text: str, delimiter: str) -> list[Record]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    records: list[Record] = []
    line = 1
    for row, fields in enumerate(reader, start=1):
        records.append(Record(row, line, fields))
        line = reader.line_num + 1
    return records


def sniff_delimiter(text: str, candidates: Sequence[str] = _DELIMITERS) -> str:
    """The field delimiter of a CSV text: the candidate giving the most consistent table.

    Each candidate parses the first 64 KiB; the winner has the largest share
    of records with as many fields as the header, then the most fields. A
    one-column file gives ``","``.

    Examples
    --------
    >>> sniff_delimiter('x,y\\n"3,5",2\\n')
    ','
    >>> sniff_delimiter('x\\ty\\n1\\t2\\n')
    '\\t'
    """
    sample = text[:_SNIFF_CHARS]
    truncated = len(text) > _SNIFF_CHARS
    best: tuple[float, int] = (0.0, 1)
    chosen = ","
    for delimiter in candidates:
        if delimiter not in sample:
            continue
        records = [r.fields for r in _parse(sample, delimiter) if any(f.strip() for f in r.fields)]
        if truncated and len(records) > 1:
            records = records[:-1]
        if not records or len(records[0]) < 2:
            continue
        width = len(records[0])
        rest = records[1:] or records
        consistency = round(sum(len(r) == width for r in rest) / len(rest), 2)
        if (consistency, width) > best:
            best, chosen = (consistency, width), delimiter
    return chosen


def parse_records(text: str, delimiter: str) -> list[Record]:
    """All records of a CSV text, numbered as a spreadsheet numbers rows.

    Quoted fields may hold delimiters, quotes (doubled) and line breaks; line
    endings may be mixed. Line breaks inside fields become ``\\n``. Blank lines
    are records too (a spreadsheet shows them as empty rows), so numbering
    stays aligned; trailing blank records are dropped.

    Examples
    --------
    >>> [(r.row, r.fields) for r in parse_records('a;b\\r\\n"x\\r\\ny";2\\n', ";")]
    [(1, ['a', 'b']), (2, ['x\\ny', '2'])]
    """
    records = _parse(text, delimiter)
    while records and not any(f.strip() for f in records[-1].fields):
        records.pop()
    for record in records:
        for i, value in enumerate(record.fields):
            if "\r" in value:
                record.fields[i] = value.replace("\r\n", "\n").replace("\r", "\n")
    return records


def _rows_of_lines(records: list[Record], lines: tuple[int, ...]) -> list[int]:
    starts = [r.line for r in records]
    rows = []
    for line in lines:
        k = bisect.bisect_right(starts, line) - 1
        if k >= 0:
            rows.append(records[k].row)
    return sorted(set(rows))


def _shown(rows: list[int], limit: int = 8) -> str:
    text = ", ".join(str(r) for r in rows[:limit])
    return text + (" ..." if len(rows) > limit else "")


def _check_quotes(path: Path, text: str, records: list[Record]) -> None:
    """An opening quote never closed swallows the rest of the file into one field."""
    if not records or text.count('"') % 2 == 0:
        return
    last = records[-1]
    if any("\n" in field for field in last.fields):
        raise ReadError(
            pl="Cudzysłów otwarty w tym wierszu nie jest nigdzie zamknięty, więc reszta pliku "
            "wygląda jak jedna odpowiedź. Popraw cudzysłów w tym wierszu.",
            en="A quote opened on this row is never closed, so the rest of the file reads as "
            "one answer. Fix the quote on this row.",
            file=path,
            row=last.row,
        )


def read_csv(path: Path, *, encoding: str | None = None) -> Source:
    """Read a delimited text file into a :class:`~diagnosis.read.source.Source`.

    Encoding and delimiter are detected; rows repaired from a second encoding
    and uncertain decodings are reported as warnings.

    Raises
    ------
    ReadError
        A forced encoding that does not fit, or a quote never closed.
    """
    decoded = read_text(path, encoding=encoding)
    delimiter = sniff_delimiter(decoded.text)
    records = parse_records(decoded.text, delimiter)
    notes: list[tuple[str, str]] = []
    if decoded.repaired_lines:
        rows = _rows_of_lines(records, decoded.repaired_lines)
        codec = decoded.encoding.split("+")[-1].strip(" )")
        notes.append(
            (
                f"Plik miesza kodowania znaków: większość jest w UTF-8, ale wiersze {_shown(rows)} "
                f"są w {codec}. Odczytano każdy wiersz w jego kodowaniu; sprawdź polskie znaki "
                "w tych wierszach.",
                f"The file mixes character encodings: most of it is UTF-8 but rows {_shown(rows)} "
                f"are {codec}. Each row was read in its own encoding; check the Polish letters "
                "in those rows.",
            )
        )
    if decoded.uncertain:
        notes.append(
            (
                f"Kodowanie znaków rozpoznano jako {decoded.encoding}, ale nie na pewno: w tekście "
                "są nietypowe znaki. Sprawdź polskie litery; w razie błędu podaj encoding=.",
                f"The character encoding was detected as {decoded.encoding}, but not for sure: "
                "the text holds unusual characters. Check the Polish letters; if wrong, pass "
                "encoding=.",
            )
        )
    _check_quotes(path, decoded.text, records)
    grid = [(r.row, r.fields) for r in records]
    return from_grid(grid, format="csv", encoding=decoded.encoding, warnings=notes)


def _check_is_text(text: str, path: Path) -> None:
    """Refuse binary content (NUL bytes, many control characters) given as a text file."""
    controls = sum(1 for ch in text[:_SNIFF_CHARS] if ch < " " and ch not in "\t\r\n")
    if "\x00" in text or controls > max(2, len(text[:_SNIFF_CHARS]) // 100):
        raise ReadError(
            pl="To nie jest plik tekstowy (CSV): zawiera bajty binarne. Sprawdź, czy to "
            "właściwy plik; arkusz Excela zapisz jako .xlsx albo CSV.",
            en="This is not a text (CSV) file: it holds binary bytes. Check that it is the "
            "right file; save an Excel sheet as .xlsx or CSV.",
            file=path,
        )


def read_text(path: Path, *, encoding: str | None = None) -> DecodedText:
    """Read and decode a text file (opened read-only).

    Raises
    ------
    ReadError
        When the bytes are binary, or do not decode with a forced ``encoding``.
    """
    with open(path, "rb") as handle:
        raw = handle.read()
    decoded = decode_bytes(raw, encoding=encoding, path=path)
    _check_is_text(decoded.text, path)
    return decoded
