"""Excel workbooks (.xlsx via openpyxl, .xls via xlrd): the right sheet, its header rows.

The sheet read is the one named by ``sheet=`` (any case), else the one that
looks most like responses: among the sheets that hold a table (a header row
with at least two filled cells and at least one row below it) and are not a
codebook, the one whose header matches most questions of the questionnaire
(when one is given), then the one with the most answers (filled cells under
the header); the other sheets are named in a warning. A one-cell title row
above the header is skipped. Merged cells
in the header rows are spread over the columns they cover, so a question
merged across its sub-items gives ``"Question / sub-item"`` headers (see
:func:`diagnosis.read.source.from_grid`); merged cells among the answers are
reported, not guessed at. Text garbled by an earlier wrong decoding
(``osĂłb``) is repaired per cell (:func:`diagnosis.read.text.repair_grid`).

Examples
--------
>>> sheet = _Sheet("Dane", [(1, ["Płeć", "Wiek"]), (2, ["K", 34]), (3, ["M", None])], [])
>>> _answers(sheet), _matches(sheet, frozenset({"wiek"}))
(3, 1)
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import ReadError
from .kinds import check_zip, is_codebook
from .source import Source, from_grid
from .text import mojibake_note, repair_grid
from .values import normalise

__all__ = ["read_workbook"]

#: (first row, last row, first column, last column), 1-based and inclusive
Span = tuple[int, int, int, int]


@dataclass
class _Sheet:
    name: str
    rows: list[tuple[int, list[object]]]
    merged: list[Span]


def _value(value: object) -> object:
    """An Excel cell as text the readers understand (numbers stay exact)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.15g}"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    text = str(value)
    return text if text.strip() else None


def _openpyxl_sheets(raw: bytes, path: Path) -> list[_Sheet]:
    from openpyxl import load_workbook

    check_zip(raw, path)
    try:
        book = load_workbook(io.BytesIO(raw), data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise _unreadable(path, exc) from exc
    sheets = []
    for ws in book.worksheets:
        rows = [
            (n, [_value(v) for v in values])
            for n, values in enumerate(ws.iter_rows(values_only=True), start=1)
        ]
        merged = [(r.min_row, r.max_row, r.min_col, r.max_col) for r in ws.merged_cells.ranges]
        sheets.append(_Sheet(ws.title, rows, merged))
    return sheets


def _xlrd_sheets(raw: bytes, path: Path) -> list[_Sheet]:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=raw, formatting_info=True)
    except Exception as exc:  # xlrd raises XLRDError, CompDocError, struct errors ...
        raise _unreadable(path, exc) from exc
    sheets = []
    for ws in book.sheets():
        rows = []
        for r in range(ws.nrows):
            cells: list[object] = []
            for c in range(ws.ncols):
                cell = ws.cell(r, c)
                if cell.ctype == xlrd.XL_CELL_DATE:
                    cells.append(_value(xlrd.xldate_as_datetime(cell.value, book.datemode)))
                elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                    cells.append(_value(bool(cell.value)))
                elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
                    cells.append(None)
                else:
                    cells.append(_value(cell.value))
            rows.append((r + 1, cells))
        merged = [(rlo + 1, rhi, clo + 1, chi) for rlo, rhi, clo, chi in ws.merged_cells]
        sheets.append(_Sheet(ws.name, rows, merged))
    return sheets


def _unreadable(path: Path, exc: Exception) -> ReadError:
    """The library's own words (English, technical) stay in ``__cause__``, not the message."""
    del exc
    return ReadError(
        pl="Nie udało się otworzyć skoroszytu Excela: plik jest uszkodzony, zabezpieczony "
        "hasłem albo nie jest skoroszytem. Otwórz go w Excelu i zapisz jeszcze raz jako "
        ".xlsx (bez hasła) albo jako CSV.",
        en="The Excel workbook could not be opened: the file is damaged, password-protected "
        "or not a workbook. Open it in Excel and save it again as .xlsx (without a "
        "password) or as CSV.",
        file=path,
    )


def _filled(cells: Sequence[object]) -> int:
    return sum(1 for c in cells if c is not None)


def _content(sheet: _Sheet) -> list[tuple[int, list[object]]]:
    return [(n, cells) for n, cells in sheet.rows if _filled(cells)]


def _table(sheet: _Sheet) -> list[tuple[int, list[object]]]:
    """The sheet's non-empty rows from its header row on (a one-cell title row skipped)."""
    rows = _content(sheet)
    if len(rows) >= 3 and _filled(rows[0][1]) == 1 and _filled(rows[1][1]) >= 2:
        rows = rows[1:]  # a title row
    return rows


def _looks_like_data(sheet: _Sheet) -> bool:
    rows = _table(sheet)
    return len(rows) >= 2 and _filled(rows[0][1]) >= 2


def _answers(sheet: _Sheet) -> int:
    """Filled cells under the filled header cells: respondents x answered columns."""
    rows = _table(sheet)
    if not rows:
        return 0
    named = [i for i, c in enumerate(rows[0][1]) if c is not None]
    return sum(1 for _, cells in rows[1:] for i in named if i < len(cells) and cells[i] is not None)


def header_keys(header: object) -> set[str]:
    """The texts a header may match a question by: itself, after a ``group/`` prefix, before
    ``[sub-item]`` or ``. question text`` (LimeSurvey), before ``__option``.

    Examples
    --------
    >>> sorted(header_keys("Ag2[SQ002]. Jakie usługi?"))
    ['ag2', 'ag2[sq002]', 'ag2[sq002]. jakie usługi?', 'jakie usługi?']
    """
    text = normalise(str(header))
    keys = {text, text.split("/")[-1].strip()}
    code, dot, rest = text.partition(". ")
    if dot:
        keys |= {code, rest}
    for key in list(keys):
        keys.add(key.split("[")[0].strip())
        keys.add(key.split("__")[0])
    keys.discard("")
    return keys


def _matches(sheet: _Sheet, wanted: Collection[str]) -> int:
    """How many header cells of the sheet match a question name or label in ``wanted``."""
    rows = _table(sheet)
    if not wanted or not rows:
        return 0
    headers = [cells for _, cells in rows[:2]]
    found = 0
    for i in range(max(len(h) for h in headers)):
        cells = [h[i] for h in headers if i < len(h) and h[i] is not None]
        if any(header_keys(c) & set(wanted) for c in cells):
            found += 1
    return found


def _is_codebook_sheet(sheet: _Sheet) -> bool:
    rows = _table(sheet)
    return bool(rows) and is_codebook(rows[0][1], [cells for _, cells in rows[1:201]])


def _pick(
    sheets: list[_Sheet], wanted: str | None, path: Path, questions: Collection[str] = ()
) -> tuple[_Sheet, str | None]:
    """The sheet to read and, when it was chosen among several, a note naming the others."""
    names = ", ".join(f"'{s.name}'" for s in sheets)
    if wanted is not None:
        for sheet in sheets:
            if sheet.name.strip().casefold() == wanted.strip().casefold():
                return sheet, None
        raise ReadError(
            pl=f"W skoroszycie nie ma arkusza '{wanted}'. Arkusze: {names}.",
            en=f"The workbook has no sheet '{wanted}'. Sheets: {names}.",
            file=path,
            value=wanted,
        )
    lowered = {s.name.strip().casefold() for s in sheets}
    if {"survey", "choices"} <= lowered:
        raise ReadError(
            pl="To jest formularz XLSForm (arkusze 'survey' i 'choices'), a nie plik z "
            "odpowiedziami. Podaj go jako instrument, a odpowiedzi jako osobny plik.",
            en="This is an XLSForm questionnaire (sheets 'survey' and 'choices'), not a "
            "response file. Pass it as the instrument and the responses as a separate file.",
            file=path,
        )
    tables = [s for s in sheets if _looks_like_data(s)]
    candidates = [s for s in tables if not _is_codebook_sheet(s)] or tables
    if not candidates:
        raise ReadError(
            pl=f"W żadnym arkuszu ({names}) nie znaleziono tabeli z nagłówkiem i odpowiedziami.",
            en=f"No sheet ({names}) holds a table with a header row and answers.",
            file=path,
        )
    scores = {id(s): (_matches(s, questions), _answers(s)) for s in candidates}
    chosen = max(candidates, key=lambda s: scores[id(s)])  # the first of equals
    others = [s for s in sheets if s is not chosen]
    best = scores[id(chosen)][0]
    rivals = [  # another sheet that could be the answers: about as many matching headers
        s for s in candidates if s is not chosen and scores[id(s)][0] > 0
        and scores[id(s)][0] >= best / 2
    ]  # fmt: skip
    if not others or (chosen is sheets[0] and not rivals):
        # the first sheet and the only one that looks like answers: what anyone would read
        # (our own data-entry workbook: 'Odpowiedzi', then 'Pytania' and 'Listy')
        return chosen, None
    rows = len(_table(chosen)) - 1
    skipped = ", ".join(f"'{s.name}'" for s in others)
    matched = scores[id(chosen)][0]
    why_pl = f"{matched} nagłówków pasuje do pytań, " if matched else ""
    why_en = f"{matched} headers match questions, " if matched else ""
    note = (
        f"Skoroszyt ma kilka arkuszy: odczytano arkusz '{chosen.name}', który najbardziej "
        f"wygląda na odpowiedzi ({why_pl}{rows} wierszy pod nagłówkiem); pominięto "
        f"{skipped}. Inny arkusz wskaż parametrem sheet=.",
        f"The workbook has several sheets: read '{chosen.name}', which looks most like "
        f"responses ({why_en}{rows} rows under the header); skipped {skipped}. Name another "
        "sheet with sheet=.",
    )
    return chosen, note


def _spread_merged(
    sheet: _Sheet, header_rows: list[int], *, across: bool
) -> tuple[list[tuple[int, list[object]]], bool, list[Span]]:
    """Rows with merged header cells copied down (and, if ``across``, along) their span.

    Returns the new rows, whether the first header row has a cell merged across
    columns, and the merged spans among the answers.
    """
    rows = {n: list(cells) for n, cells in sheet.rows}
    first = header_rows[0] if header_rows else None
    merged_across = False
    in_data: list[Span] = []
    for top, bottom, left, right in sheet.merged:
        if top not in header_rows:
            in_data.append((top, bottom, left, right))
            continue
        merged_across = merged_across or (right > left and top == first)
        value = rows[top][left - 1] if left - 1 < len(rows[top]) else None
        for r in range(top, bottom + 1):
            if r not in header_rows or r not in rows:
                continue
            row = rows[r]
            row.extend([None] * (right - len(row)))
            for c in range(left, (right if across else left) + 1):
                row[c - 1] = value
    return sorted(rows.items()), merged_across, in_data


def _column_letter(n: int) -> str:
    letters = ""
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def read_workbook(
    path: Path, *, format: str, sheet: str | None = None, questions: Collection[str] = ()
) -> Source:
    """Read one sheet of an Excel workbook into a :class:`Source`.

    Parameters
    ----------
    path : Path
        Opened read-only.
    format : {"xlsx", "xls"}
    sheet : str, optional
        Sheet name (any case); default: the sheet that looks most like responses.
    questions : collection of str, optional
        Normalised question names and labels of the questionnaire
        (:func:`diagnosis.read.values.normalise`); a sheet whose header matches
        more of them is preferred.

    Returns
    -------
    Source

    Raises
    ------
    ReadError
        Unreadable workbook, a ZIP archive that is not a workbook, no such
        sheet, no sheet with data, or an XLSForm given as a response file.

    Examples
    --------
    >>> import tempfile, pathlib, openpyxl
    >>> book = openpyxl.Workbook()
    >>> notes = book.active
    >>> notes.title = "Notatki"
    >>> for row in [["Data", "Uwaga"], ["1 marca", "ankieterka Ola"]]:
    ...     notes.append(row)
    >>> data = book.create_sheet("Dane")
    >>> for row in [["Płeć", "Wiek", "Ocena"], ["K", 34, 5], ["M", 61, 4]]:
    ...     data.append(row)
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "ankiety.xlsx"
    >>> book.save(path)
    >>> src = read_workbook(path, format="xlsx")
    >>> src.headers, src.warnings[-1][1][:57]
    (('Płeć', 'Wiek', 'Ocena'), "The workbook has several sheets: read 'Dane', which looks")
    """
    with open(path, "rb") as handle:
        raw = handle.read()
    sheets = _xlrd_sheets(raw, path) if format == "xls" else _openpyxl_sheets(raw, path)
    chosen, picked = _pick(sheets, sheet, path, questions)
    notes: list[tuple[str, str]] = []
    chosen.rows, repairs = repair_grid(chosen.rows)
    if repairs:
        notes.append(mojibake_note(repairs, chosen.name))
    rows = _content(chosen)
    if len(rows) >= 3 and _filled(rows[0][1]) == 1 and _filled(rows[1][1]) >= 2:
        title = next(c for c in rows[0][1] if c is not None)
        notes.append(
            (
                f"Arkusz '{chosen.name}': wiersz {rows[0][0]} („{title}”) wygląda na tytuł i "
                "został pominięty.",
                f"Sheet '{chosen.name}': row {rows[0][0]} ('{title}') looks like a title and "
                "was skipped.",
            )
        )
        chosen.rows = [(n, c) for n, c in chosen.rows if n != rows[0][0]]
        rows = rows[1:]
    header_rows = [n for n, _ in rows[:2]]
    grid, merged_across, in_data = _spread_merged(chosen, header_rows, across=False)
    if in_data:
        where = ", ".join(
            f"{_column_letter(left)}{top}:{_column_letter(right)}{bottom}"
            for top, bottom, left, right in in_data[:5]
        )
        notes.append(
            (
                f"Arkusz '{chosen.name}' ma scalone komórki wśród odpowiedzi ({where}); "
                "wartość ma tylko pierwsza komórka, pozostałe są puste. Rozdziel je w Excelu, "
                "jeśli odpowiedź dotyczy kilku wierszy.",
                f"Sheet '{chosen.name}' has merged cells among the answers ({where}); only the "
                "first cell holds the value, the others are empty. Unmerge them in Excel if "
                "the answer applies to several rows.",
            )
        )
    source = from_grid(grid, format=format, merged_header=merged_across, warnings=notes)
    if merged_across and source.header_rows == 1:
        grid, _, _ = _spread_merged(chosen, header_rows[:1], across=True)
        source = from_grid(grid, format=format, warnings=notes)
        source.warnings.append(
            (
                f"Arkusz '{chosen.name}' ma scalone komórki w nagłówku, a pod nimi nie ma "
                "wiersza podpunktów: kolumny pod jedną scaloną komórką dostały tę samą nazwę "
                "z przyrostkiem _2, _3.",
                f"Sheet '{chosen.name}' has merged header cells with no sub-item row below: "
                "the columns under one merged cell got the same name with suffixes _2, _3.",
            )
        )
    if picked is not None:
        source.warnings.append(picked)
    return source
