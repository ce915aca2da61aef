"""What a file holds before its headers meet the instrument.

Every format reader (text, sheets, labelled) produces a :class:`Source`: the
source headers in file order, one column of raw values per header, indexed by
the row a spreadsheet would show, plus anything the file itself says about its
columns (SPSS variable and value labels). Grid formats (CSV, Excel) go through
:func:`from_grid`, which finds the header row(s): a question row with blanks
above a row of sub-items is combined into one header, ``"Question / sub-item"``.

Examples
--------
>>> grid = [(1, ["Płeć", "Usługi", ""]), (2, ["", "kultura", "sport"]), (3, ["K", "1", "0"])]
>>> src = from_grid(grid, format="csv")
>>> src.headers, src.header_rows, list(src.data.index)
(('Płeć', 'Usługi / kultura', 'Usługi / sport'), 2, [3])
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

__all__ = ["Source", "from_grid", "header_row_count"]

#: second-row texts that only say "the answer" (SurveyMonkey and friends)
_PLAIN_ANSWER = frozenset({"response", "open-ended response", "odpowiedź", "answer"})
_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")


@dataclass
class Source:
    """The columns of one file, before matching.

    Attributes
    ----------
    headers : tuple of str
        Source headers in file order (two header rows already combined).
    data : DataFrame
        One column per header, labelled by position ``0 .. n-1``; raw values
        (``str`` or None for text and Excel, typed for SPSS/Stata). Index: the
        row a spreadsheet shows, named ``"row"``.
    format : str
    encoding : str or None
    header_rows : int
    warnings : list of (pl, en)
    value_labels : mapping position -> mapping code (str) -> label
        From the file (SPSS, Stata, LimeSurvey syntax).
    variable_labels : mapping position -> label
        From the file.
    """

    headers: tuple[str, ...]
    data: pd.DataFrame
    format: str
    encoding: str | None = None
    header_rows: int = 1
    warnings: list[tuple[str, str]] = field(default_factory=list)
    value_labels: Mapping[int, Mapping[str, str]] = field(default_factory=dict)
    variable_labels: Mapping[int, str] = field(default_factory=dict)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _width(rows: Sequence[Sequence[object]]) -> int:
    return max((len(r) for r in rows), default=0)


def _cell(row: Sequence[object], i: int) -> str:
    value = row[i] if i < len(row) else None
    return "" if _blank(value) else str(value).strip()


def header_row_count(
    first: Sequence[object],
    second: Sequence[object],
    data: Sequence[Sequence[object]],
    *,
    merged: bool = False,
) -> int:
    """1 or 2: is ``second`` a row of sub-items under the question row ``first``?

    Two header rows are recognised when some column has a blank in the first
    row (continuing the question to its left) and text in the second, and the
    second row reads like headers: none of its cells is a number and its texts
    do not recur as answers in the rows below. A merged cell spanning columns of the first
    row (Excel) is enough when the sub-items under it are not numbers.

    Examples
    --------
    >>> header_row_count(["Q1", "", "Q2"], ["a", "b", ""], [["1", "0", "x"], ["0", "1", "y"]])
    2
    >>> header_row_count(["id", "", "name"], ["1", "", "Ala"], [["2", "", "Ola"]])
    1
    """
    width = max(len(first), len(second))
    firsts = [_cell(first, i) for i in range(width)]
    seconds = [_cell(second, i) for i in range(width)]
    start = next((i for i, v in enumerate(firsts) if v), None)
    if start is None:
        return 1
    continued = [i for i in range(start + 1, width) if not firsts[i] and seconds[i]]
    if not continued:
        return 1
    if any(_NUMBER.match(seconds[i]) for i in continued):
        return 1
    if merged:
        return 2
    filled = [i for i in range(width) if seconds[i]]
    if any(_NUMBER.match(seconds[i]) for i in filled):
        return 1
    recurring = sum(1 for i in filled if any(_cell(row, i) == seconds[i] for row in data[:200]))
    return 2 if recurring <= 0.2 * len(filled) else 1


def _combine(first: list[str], second: list[str]) -> list[str]:
    """One header per column from a question row and a sub-item row."""
    headers: list[str] = []
    current = ""
    for top, sub in zip(first, second, strict=True):
        if top:
            current = top
        elif not sub:
            current = ""
        question = top or current
        if not sub or sub.casefold() in _PLAIN_ANSWER or sub == question:
            headers.append(question)
        elif not question:
            headers.append(sub)
        else:
            headers.append(f"{question} / {sub}")
    return headers


def from_grid(
    grid: Sequence[tuple[int, Sequence[object]]],
    *,
    format: str,
    encoding: str | None = None,
    merged_header: bool = False,
    warnings: Sequence[tuple[str, str]] = (),
) -> Source:
    """Build a :class:`Source` from rows of cells.

    Parameters
    ----------
    grid : sequence of (row number, cells)
        Rows as a spreadsheet numbers them; cells are ``str``, numbers or None.
        Leading empty rows are skipped; empty rows among the data are dropped
        (their numbers are simply missing from the index).
    format : str
    encoding : str, optional
    merged_header : bool
        The first header row has merged cells spanning columns (Excel).
    warnings : sequence of (pl, en)
        Carried over from decoding.

    Returns
    -------
    Source
    """
    rows = [(n, list(cells)) for n, cells in grid if not all(_blank(c) for c in cells)]
    notes = list(warnings)
    if not rows:
        return Source((), pd.DataFrame(index=pd.Index([], name="row")), format, encoding, 1, notes)
    n_header = 1
    if len(rows) >= 2:
        n_header = header_row_count(
            rows[0][1], rows[1][1], [r for _, r in rows[2:]], merged=merged_header
        )
    width = _width([r for _, r in rows])
    first = [_cell(rows[0][1], i) for i in range(width)]
    if n_header == 2:
        second = [_cell(rows[1][1], i) for i in range(width)]
        headers = _combine(first, second)
        notes.append(
            (
                f"Plik ma dwa wiersze nagłówka (wiersze {rows[0][0]} i {rows[1][0]}): pytanie i "
                "podpunkty połączono w jeden nagłówek „Pytanie / podpunkt”.",
                f"The file has two header rows (rows {rows[0][0]} and {rows[1][0]}): question and "
                "sub-item were combined into one header, 'Question / sub-item'.",
            )
        )
    else:
        headers = first
    body = rows[n_header:]
    header_width = max((i + 1 for i, h in enumerate(headers) if h), default=0)
    longer = [n for n, cells in body if any(not _blank(c) for c in cells[header_width:])]
    if longer:
        shown = ", ".join(str(n) for n in longer[:8]) + (" ..." if len(longer) > 8 else "")
        notes.append(
            (
                f"Wiersze {shown} mają więcej pól niż nagłówek; nadmiarowe wartości są w "
                "kolumnach bez nazwy (column_<n>). Sprawdź, czy w tych wierszach nie brakuje "
                "cudzysłowu wokół tekstu z separatorem.",
                f"Rows {shown} have more fields than the header; the extra values are in "
                "unnamed columns (column_<n>). Check those rows for text containing the "
                "delimiter without quotes.",
            )
        )
    columns = {
        i: pd.Series(
            [None if _blank(v := (r[i] if i < len(r) else None)) else v for _, r in body],
            dtype=object,
        )
        for i in range(width)
    }
    index = pd.Index([n for n, _ in body], name="row", dtype="int64")
    data = pd.DataFrame(columns, index=range(len(body)))
    data.index = index
    return Source(tuple(headers), data, format, encoding, n_header, notes)
