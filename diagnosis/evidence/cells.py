"""Cells written to spreadsheets (CSV, XLSX): no text may start a formula.

A town name, a free-text answer or a file name reaches the CSV and XLSX files
we write. Excel and LibreOffice run a cell that starts with ``=``, ``+``,
``-`` or ``@`` as a formula (``=HYPERLINK(...)`` leaks data on a click,
DDE formulas run programs), and a leading tab or carriage return hides such
a start. Following OWASP's *CSV Injection* page, every such text cell gets a
single quote in front: the spreadsheet then shows it as text. Embedded double
quotes are escaped by the CSV writer itself (the field is quoted and each
``"`` doubled, RFC 4180); the writers here quote every text field, so a
semicolon inside a cell (the list separator of Polish Excel) cannot start a
new cell either.

Numbers are never changed: a negative number stays a number, and a text cell
that is just a number (``"-1"``, ``"+2,5"``) is left alone, because a
spreadsheet reads it as that number and runs nothing.

Examples
--------
>>> import pandas as pd
>>> neutralise('=HYPERLINK("http://x","y")')
'\\'=HYPERLINK("http://x","y")'
>>> neutralise(-3.5), neutralise("-3,5"), neutralise("Kwidzyn")
(-3.5, '-3,5', 'Kwidzyn')
>>> neutralise_formulas(pd.DataFrame({"name": ["@SUM(A1)", "Sopot"], "n": [-1, 2]}))
        name  n
0  '@SUM(A1) -1
1      Sopot  2
"""

from __future__ import annotations

import csv
import re
from typing import TypeVar

import pandas as pd

__all__ = ["CSV_QUOTING", "FORMULA_STARTS", "neutralise", "neutralise_formulas"]

#: first characters that make a spreadsheet read a text cell as a formula
#: (OWASP: ``= + - @``, tab, carriage return; ASVS 1.2.10 adds the null character)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")

#: ``quoting=`` for :mod:`csv` and :meth:`pandas.DataFrame.to_csv`: every text
#: field in double quotes (embedded quotes doubled), numbers bare
CSV_QUOTING = csv.QUOTE_NONNUMERIC

_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")

T = TypeVar("T")


def neutralise(value: T) -> T | str:
    """Return ``value`` with a ``'`` in front if it is text that a spreadsheet would run.

    Parameters
    ----------
    value : object
        A cell. Only ``str`` values are changed; numbers, booleans, dates and
        missing values come back as they are.

    Returns
    -------
    object
        ``"'" + value`` for a text starting with one of :data:`FORMULA_STARTS`
        that is not just a number; otherwise ``value`` itself.

    Examples
    --------
    >>> neutralise("=1+2"), neutralise("+48 600 100 200"), neutralise("\\t=1")
    ("'=1+2", "'+48 600 100 200", "'\\t=1")
    >>> neutralise(-2), neutralise("-2"), neutralise("18-24"), neutralise(None)
    (-2, '-2', '18-24', None)
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        if _NUMBER.fullmatch(value):
            return value
        return "'" + value
    return value


def _text_column(column: pd.Series) -> pd.Series:
    if isinstance(column.dtype, pd.CategoricalDtype):
        categories = column.cat.categories
        if categories.dtype != object and not pd.api.types.is_string_dtype(categories):
            return column
        renamed = [neutralise(c) for c in categories]
        if renamed == list(categories):
            return column
        return column.cat.rename_categories(renamed)
    if column.dtype == object or pd.api.types.is_string_dtype(column.dtype):
        changed = column.map(neutralise, na_action="ignore")
        return changed if not changed.equals(column) else column
    return column


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``frame`` whose text cells and column names cannot start a formula.

    Apply it to every table just before ``to_csv``/``to_excel`` and write CSV
    with ``quoting=CSV_QUOTING`` (every text field quoted, quotes doubled).

    Parameters
    ----------
    frame : pandas.DataFrame
        Any table. Numeric, boolean and date columns are not touched; text
        (``object``, ``string``) and categorical columns go through
        :func:`neutralise` cell by cell, and so do the column names and
        a text index.

    Returns
    -------
    pandas.DataFrame
        A new frame; ``frame`` is not modified.

    Examples
    --------
    >>> import pandas as pd
    >>> town = pd.DataFrame({"town": ['=HYPERLINK("http://x","y")'], "estimate": [-0.2]})
    >>> out = neutralise_formulas(town)
    >>> out.loc[0, "town"], float(out.loc[0, "estimate"])
    ('\\'=HYPERLINK("http://x","y")', -0.2)
    >>> town.loc[0, "town"][0]
    '='
    """
    out = frame.copy()
    for i in range(out.shape[1]):
        column = out.iloc[:, i]
        changed = _text_column(column)
        if changed is not column:
            out.isetitem(i, changed)
    out.columns = _index(out.columns)
    out.index = _index(out.index)
    return out


def _index(index: pd.Index) -> pd.Index:
    if isinstance(index, pd.MultiIndex):
        return index.set_levels([_index(level) for level in index.levels])
    if index.dtype == object or pd.api.types.is_string_dtype(index.dtype):
        return index.map(neutralise)
    return index
