"""Text files: bytes to text (encoding detection), delimiter sniffing, CSV parsing.

Polish survey files come in UTF-8 (with or without a BOM), Windows-1250 and
ISO-8859-2, sometimes in Mac Central European (``mac_latin2``, from an old
Mac). The single-byte code pages agree on most Polish letters but not on all
(cp1250 and ISO-8859-2 differ on ``ą ś ź Ą Ś Ź``), so the choice is made by
decoding with each and scoring the result: Polish letters count for a code
page, C1 control characters and symbols that only appear in mis-decoded Polish
count against it. A file whose lines or cells were written in different
encodings (a UTF-8 export with answers pasted from an old Windows program) is
repaired cell by cell: every run of non-ASCII bytes is read as UTF-8 when it
is valid UTF-8 and reads as Polish at least as well, else with the single-byte
code page, with a warning. Text that was already garbled before it reached the
file (UTF-8 read as Windows-1250 by some program and saved again: ``osĂłb``
for ``osób``) is repaired per cell by :func:`repair_mojibake`. The delimiter
(``,`` ``;`` tab ``|``) is the one that gives the most consistent table;
quoted fields may hold delimiters and line breaks, and line endings may be
mixed. :func:`read_csv` puts it together.

Examples
--------
>>> decode_bytes("Zażółć gęślą jaźń".encode("cp1250")).encoding
'cp1250'
>>> decode_bytes("Zażółć gęślą jaźń".encode("iso-8859-2")).text
'Zażółć gęślą jaźń'
>>> sniff_delimiter('a;b;c\\n1,5;2;3\\n')
';'
>>> repair_mojibake("osĂłb w oĹ›rodku")
'osób w ośrodku'
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import ReadError
from .source import Source, from_grid

__all__ = [
    "DecodedText",
    "Record",
    "decode_bytes",
    "mojibake_note",
    "parse_records",
    "polish_score",
    "read_csv",
    "read_text",
    "repair_grid",
    "repair_mojibake",
    "sniff_delimiter",
]

#: single-byte code pages tried when a file is not UTF-8, most likely first
_CANDIDATES = ("cp1250", "iso-8859-2", "cp1252", "mac_latin2")
#: what to call the code pages in messages
_CODEC_NAMES = {"mac_latin2": "Mac Central European (mac_latin2)"}
#: code pages whose misreading of UTF-8 :func:`repair_mojibake` undoes
_MOJIBAKE_CODECS = ("cp1250", "cp1252")
_HIGH_BYTES = re.compile(rb"[\x80-\xff]+")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
#: a cell marker used only while counting repaired cells (Unicode private use area)
_MARK = "\ue000"
_POLISH = frozenset("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ")
#: characters that appear when Polish text is decoded with the wrong code page:
#: ISO-8859-2 bytes read as cp1250 give ``± ¶ ¬ ¦ ˇ``, cp1250 bytes read as
#: ISO-8859-2 give ``š Ľ ť`` or C1 controls, cp1250 read as cp1252 ``¹ ³ ¿ œ Ÿ ¥ £ ¯``
_SUSPECT = frozenset("±¶¬¦ˇ¤µ˘˝ľĽšŠťŤ¹³¿œŸ¥£¯Œ")
#: letters of other languages that share these code pages (Czech, Slovak, Hungarian)
_FOREIGN = frozenset("čďěňřůŕĺőűČĎĚŇŘŮŔĹŐŰăâîşţĂÂÎŞŢ")
#: what :func:`repair_mojibake` may restore: Polish letters and typographic punctuation
_REPAIRABLE = _POLISH | frozenset("–—„”“‘’…•€")
_DELIMITERS = (",", ";", "\t", "|")
_SNIFF_CHARS = 65_536


@dataclass(frozen=True)
class DecodedText:
    """A text file decoded to ``str``.

    Attributes
    ----------
    text : str
    encoding : str
        Codec name, e.g. ``utf-8``, ``utf-8-sig``, ``cp1250``, ``iso-8859-2``,
        ``mac_latin2``; ``mixed (utf-8 + cp1250)`` when cells were decoded
        one by one.
    repaired_lines : tuple of int
        1-based physical line numbers holding text decoded with the
        single-byte code page in a mixed file.
    uncertain : bool
        True when even the best decoding contains control characters or
        symbols typical of mis-decoded Polish.
    single_byte_spans : tuple of (start, end)
        In a mixed file, the slices of ``text`` decoded with the single-byte
        code page (the rest is UTF-8).
    """

    text: str
    encoding: str
    repaired_lines: tuple[int, ...] = ()
    uncertain: bool = False
    single_byte_spans: tuple[tuple[int, int], ...] = ()


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
    genuine_utf8 = bom or any(
        text is not None and any(b >= 0x80 for b in line)
        for text, line in zip(utf8_lines, lines, strict=True)
    )
    bad = [i for i, text in enumerate(utf8_lines) if text is None]
    single_byte_runs = [
        run for i in bad for run in _HIGH_BYTES.findall(lines[i]) if not _valid_utf8(run)
    ]
    _, codec, uncertain = _best_single_byte(b" ".join(single_byte_runs))
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    repaired: list[int] = []
    used_utf8 = genuine_utf8
    offset = 0
    for i, text in enumerate(utf8_lines):
        if text is None:
            text, line_spans, line_utf8 = _decode_runs(lines[i], codec)
            used_utf8 = used_utf8 or line_utf8
            if line_spans:
                repaired.append(i + 1)
                spans.extend((offset + a, offset + b) for a, b in line_spans)
        parts.append(text)
        offset += len(text)
    if not used_utf8:
        return DecodedText("".join(parts), codec, uncertain=uncertain)
    return DecodedText(
        "".join(parts),
        f"mixed (utf-8 + {codec})",
        repaired_lines=tuple(repaired),
        uncertain=uncertain,
        single_byte_spans=tuple(spans),
    )


def _valid_utf8(run: bytes) -> bool:
    try:
        run.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _decode_runs(line: bytes, codec: str) -> tuple[str, list[tuple[int, int]], bool]:
    """One line whose bytes mix UTF-8 and ``codec``, decoded run by run of non-ASCII bytes.

    A run (never holding a delimiter, quote or line break, so always inside one
    field) is UTF-8 when it is valid UTF-8 and reads as Polish at least as well
    as in ``codec``. Returns the text, the spans decoded with ``codec``, and
    whether any run was UTF-8.
    """
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    any_utf8 = False
    length = 0
    last = 0
    for m in _HIGH_BYTES.finditer(line):
        ascii_part = line[last : m.start()].decode("ascii")
        out.append(ascii_part)
        length += len(ascii_part)
        run = m.group()
        single = run.decode(codec, errors="replace")
        text = single
        if _valid_utf8(run):
            as_utf8 = run.decode("utf-8")
            if polish_score(as_utf8) >= polish_score(single):
                text = as_utf8
        if text is single:
            spans.append((length, length + len(text)))
        else:
            any_utf8 = True
        out.append(text)
        length += len(text)
        last = m.end()
    out.append(line[last:].decode("ascii"))
    return "".join(out), spans, any_utf8


def _encode_lenient(text: str, codec: str) -> bytes | None:
    """``text`` back to the bytes ``codec`` made it from; C1 controls stand for bytes the
    code page leaves undefined (as Windows decodes them). None when impossible."""
    out = bytearray()
    for ch in text:
        if "\x80" <= ch <= "\x9f":
            out.append(ord(ch))
            continue
        try:
            out += ch.encode(codec)
        except UnicodeEncodeError:
            return None
    return bytes(out)


def _unmojibake(chunk: str) -> str | None:
    """The one character whose UTF-8 bytes a wrong code page turned into ``chunk``, if any."""
    for codec in _MOJIBAKE_CODECS:
        raw = _encode_lenient(chunk, codec)
        if raw is not None and _valid_utf8(raw):
            char = raw.decode("utf-8")
            if len(char) == 1:
                return char
    return None


def _repair_run(run: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(run):
        for size in (3, 2):
            chunk = run[i : i + size]
            if len(chunk) < size:
                continue
            char = _unmojibake(chunk)
            if char in _REPAIRABLE and polish_score(char) > polish_score(chunk):
                out.append(char)
                i += size
                break
        else:
            out.append(run[i])
            i += 1
    return "".join(out)


def repair_mojibake(text: str) -> str:
    """Undo UTF-8 text that a program read as Windows-1250 (or -1252) and saved again.

    Every two or three non-ASCII characters that are what the wrong code page
    made of the UTF-8 bytes of one Polish letter (``Ăł`` for ``ó``, ``Ĺ›`` for
    ``ś``) or of typographic punctuation (``â€ž`` for ``„``) become that
    character again; the repair is kept only when it reads as Polish better
    (:func:`polish_score`), so correct text, Polish or not, is left alone.

    Parameters
    ----------
    text : str

    Returns
    -------
    str
        ``text``, repaired where it was garbled.

    Examples
    --------
    >>> repair_mojibake("Liczba osĂłb w oĹ›rodku: 5")
    'Liczba osób w ośrodku: 5'
    >>> repair_mojibake("Zażółć gęślą jaźń ŻÓŁW")
    'Zażółć gęślą jaźń ŻÓŁW'
    >>> repair_mojibake("Å»Ã³Å‚w")  # read as Windows-1252
    'Żółw'
    """
    if text.isascii():
        return text
    return _NON_ASCII.sub(lambda m: _repair_run(m.group()), text)


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


def _cells_pl(n: int) -> str:
    """``n`` cells in Polish, accusative: 1 komórkę, 2 komórki, 5 komórek."""
    if n == 1:
        return "1 komórkę"
    if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
        return f"{n} komórki"
    return f"{n} komórek"


def _cells_en(n: int) -> str:
    return "1 cell" if n == 1 else f"{n} cells"


def _codec_name(codec: str) -> str:
    return _CODEC_NAMES.get(codec, codec)


def _mixed_note(decoded: DecodedText, records: list[Record], delimiter: str) -> tuple[str, str]:
    """The warning for a file mixing UTF-8 and a code page: which cells are the minority."""
    chars = list(decoded.text)
    for start, end in decoded.single_byte_spans:
        chars[start:end] = _MARK * (end - start)
    shadow = parse_records("".join(chars), delimiter)
    single: list[int] = []
    utf8: list[int] = []
    for record in shadow:
        for value in record.fields:
            if _MARK in value:
                single.append(record.row)
            if any(ch >= "\x80" and ch != _MARK for ch in value):
                utf8.append(record.row)
    codec = _codec_name(decoded.encoding.split("+")[-1].strip(" )"))
    if len(single) <= len(utf8):
        major, minor, cells = "UTF-8", codec, single
    else:
        major, minor, cells = codec, "UTF-8", utf8
    rows = _shown(sorted(set(cells)))
    return (
        f"Plik miesza kodowania znaków: większość tekstu jest w {major}, ale w {minor} "
        f"zapisano {_cells_pl(len(cells))} (wiersze {rows}). Odczytano każdą komórkę w jej "
        "kodowaniu; sprawdź polskie znaki w tych wierszach.",
        f"The file mixes character encodings: most of the text is {major} but "
        f"{_cells_en(len(cells))} (rows {rows}) are {minor}. Each cell was read in its own "
        "encoding; check the Polish letters in those rows.",
    )


def repair_grid(
    grid: Sequence[tuple[int, Sequence[object]]],
) -> tuple[list[tuple[int, list[object]]], list[tuple[int, str, str]]]:
    """Rows of cells with :func:`repair_mojibake` applied to every text cell.

    Parameters
    ----------
    grid : sequence of (row number, cells)

    Returns
    -------
    rows : list of (row number, cells)
    repairs : list of (row number, cell before, cell after)

    Examples
    --------
    >>> rows, repairs = repair_grid([(1, ["gmina", "uwagi"]), (2, ["Łódź", "dla osĂłb"])])
    >>> rows[1], repairs
    ((2, ['Łódź', 'dla osób']), [(2, 'dla osĂłb', 'dla osób')])
    """
    rows: list[tuple[int, list[object]]] = []
    repairs: list[tuple[int, str, str]] = []
    for n, cells in grid:
        out: list[object] = []
        for value in cells:
            if isinstance(value, str) and not value.isascii():
                fixed = repair_mojibake(value)
                if fixed != value:
                    repairs.append((n, value, fixed))
                    value = fixed
            out.append(value)
        rows.append((n, out))
    return rows, repairs


def mojibake_note(repairs: Sequence[tuple[int, str, str]], where: str = "") -> tuple[str, str]:
    """The warning for cells repaired by :func:`repair_grid` (``where``: e.g. a sheet name).

    Examples
    --------
    >>> pl, en = mojibake_note([(3, "osĂłb", "osób")])
    >>> en.startswith("Repaired 1 cell with garbled Polish letters (rows 3;")
    True
    """
    rows = _shown(sorted({n for n, _, _ in repairs}))
    before, after = repairs[0][1], repairs[0][2]
    if len(before) > 40:
        before, after = before[:37] + "...", after[:37] + "..."
    prefix_pl = f"Arkusz '{where}': n" if where else "N"
    prefix_en = f"Sheet '{where}': r" if where else "R"
    return (
        f"{prefix_pl}aprawiono {_cells_pl(len(repairs))} ze zniekształconymi polskimi literami "
        f"(wiersze {rows}; np. „{before}” → „{after}”). Ten tekst był kiedyś w UTF-8 i "
        "został odczytany jako Windows-1250; sprawdź te odpowiedzi.",
        f"{prefix_en}epaired {_cells_en(len(repairs))} with garbled Polish letters (rows {rows}; "
        f"e.g. '{before}' -> '{after}'). The text was UTF-8 once and was read as "
        "Windows-1250; check those answers.",
    )


def read_csv(path: Path, *, encoding: str | None = None) -> Source:
    """Read a delimited text file into a :class:`~diagnosis.read.source.Source`.

    Encoding and delimiter are detected. Cells decoded from a second encoding,
    cells whose garbled Polish letters were repaired (:func:`repair_mojibake`),
    a Mac code page and uncertain decodings are reported as warnings.

    Parameters
    ----------
    path : Path
        Opened read-only.
    encoding : str, optional
        Force this codec.

    Returns
    -------
    Source

    Raises
    ------
    ReadError
        A forced encoding that does not fit, or a quote never closed.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "mieszane.csv"
    >>> raw = "gmina;uwagi\\nŁódź;".encode() + "ślisko".encode("cp1250") + b"\\n"
    >>> _ = p.write_bytes(raw)
    >>> src = read_csv(p)
    >>> src.encoding, src.data.loc[2].tolist()
    ('mixed (utf-8 + cp1250)', ['Łódź', 'ślisko'])
    """
    decoded = read_text(path, encoding=encoding)
    delimiter = sniff_delimiter(decoded.text)
    records = parse_records(decoded.text, delimiter)
    notes: list[tuple[str, str]] = []
    if decoded.single_byte_spans:
        notes.append(_mixed_note(decoded, records, delimiter))
    codec = decoded.encoding.split("+")[-1].strip(" )")
    if codec == "mac_latin2":
        first = next(
            (r.row for r in records if any(not f.isascii() for f in r.fields)), records[0].row
        )
        notes.append(
            (
                "Plik jest zapisany w kodowaniu Mac Central European (mac_latin2, starszy "
                f"komputer Mac); polskie litery odczytano w tym kodowaniu (pierwsza taka litera: "
                f"wiersz {first}). Sprawdź je; jeśli są błędne, podaj encoding=.",
                "The file is written in the Mac Central European code page (mac_latin2, an "
                "older Mac); the Polish letters were read in it (first such letter: row "
                f"{first}). Check them; if wrong, pass encoding=.",
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
    grid, repairs = repair_grid([(r.row, r.fields) for r in records])
    if repairs:
        notes.append(mojibake_note(repairs))
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
