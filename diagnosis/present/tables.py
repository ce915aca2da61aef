"""Estimate tables as HTML, with numbers in the report language.

One function, :func:`format_table`: a ``<table class="data">`` with
``thead``/``tbody`` (and a ``tfoot`` for footnotes), numeric cells in
``<td class="num">`` (the report CSS right-aligns them). Every string from the
data is escaped. Suppressed rows show "–" with a footnote marker in every
number cell, never the value; missing values that were not suppressed show "."
(the GUS convention for "no data").

For screen readers (WCAG 2.1 1.3.1, "info and relationships"): column headers
are ``<th scope="col">``, the cell that names a row (the first column, when it
holds text) is ``<th scope="row">``, so each number is read out with its row
and column, and a ``caption`` becomes the table's ``<caption>``.

Examples
--------
>>> import pandas as pd
>>> t = pd.DataFrame({"level": ["Tak", "Nie"], "estimate": [0.123, None],
...                   "ci_low": [0.101, None], "ci_high": [0.146, None],
...                   "n": [1234, None], "suppressed": [False, True]})
>>> html = format_table(t, ["level", "estimate", "n"], {"level": "Odpowiedź"}, "pl")
>>> "12,3% (10,1–14,6)" in html, "1\\u202f234" in html, html.count("–<sup>*</sup>")
(True, True, 2)
>>> '<th scope="row">Tak</th>' in html, '<th scope="col">Odpowiedź</th>' in html
(True, True)
"""

from __future__ import annotations

import html as html_lib
from collections.abc import Mapping, Sequence

import pandas as pd

from .checks import check_lang, require_columns
from .formatting import format_interval, format_number, is_missing

__all__ = ["COUNT_COLUMNS", "PERCENT_COLUMNS", "format_table"]

#: columns written as percentages when ``percent=True`` (se in percentage points)
PERCENT_COLUMNS: tuple[str, ...] = ("estimate", "ci_low", "ci_high", "se")
#: columns written as whole numbers
COUNT_COLUMNS: tuple[str, ...] = ("n", "n_weighted")

_MARK = "*"
_NOTES = {
    "pl": {
        "hidden": "Ukryto: wynik opiera się na mniej niż {k} odpowiedziach albo pozwoliłby "
        "odtworzyć taki wynik przez odejmowanie od sumy.",
        "hidden_no_k": "Ukryto: wynik opiera się na zbyt małej liczbie odpowiedzi albo "
        "pozwoliłby odtworzyć taki wynik przez odejmowanie od sumy.",
        "missing": ". brak danych.",
        True: "tak",
        False: "nie",
    },
    "en": {
        "hidden": "Hidden: the result rests on fewer than {k} respondents, or would let such "
        "a result be recovered by subtraction from a total.",
        "hidden_no_k": "Hidden: the result rests on too few respondents, or would let such "
        "a result be recovered by subtraction from a total.",
        "missing": ". no data.",
        True: "yes",
        False: "no",
    },
}


def _is_number_column(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def format_table(
    df: pd.DataFrame,
    columns: Sequence[str],
    labels: Mapping[str, str] | None = None,
    lang: str = "pl",
    decimals: int = 1,
    percent: bool | Sequence[str] = True,
    *,
    ci: bool = True,
    threshold: int | None = None,
    caption: str | None = None,
    public: Sequence[str] = (),
    row_header: bool | None = None,
) -> str:
    """An HTML table of ``df[columns]`` with headers from ``labels``.

    Parameters
    ----------
    df : DataFrame
        The rows to show, e.g. a suppressed estimate frame. A boolean
        ``suppressed`` column marks rows whose numbers are withheld.
    columns : sequence of str
        Columns to show, in order.
    labels : mapping, optional
        Column -> header text in the report language (default: the name).
    lang : {"pl", "en"}
        Report language: ``12,3%`` and ``1 234`` (narrow no-break space) or
        ``12.3%`` and ``1,234``.
    decimals : int
        Places after the decimal separator for non-count numbers.
    percent : bool or sequence of str
        ``True``: the shares among ``estimate, ci_low, ci_high, se`` are
        written as percentages (``se`` in percentage points, without "%");
        a sequence: exactly those columns; ``False``: none.
    ci : bool
        When ``estimate`` is shown and ``ci_low``/``ci_high`` exist, write
        ``"12,3% (10,1–14,6)"`` in the estimate cell.
    threshold : int, optional
        The suppression threshold, quoted in the footnote.
    caption : str, optional
        A ``<caption>`` (escaped).
    public : sequence of str
        Columns shown even in suppressed rows: public figures that rest on no
        respondent, e.g. GUS population shares beside a hidden sample cell.
    row_header : bool, optional
        Write the first cell of each body row as ``<th scope="row">``: it names
        the row. Default: when the first column holds text (a label), not
        numbers. ``False``: every body cell is ``<td>``.

    Returns
    -------
    str
        ``<table class="data">...</table>``.

    Examples
    --------
    >>> t = pd.DataFrame({"group": ["<b>A</b>"], "estimate": [2.5], "n": [12000]})
    >>> print(format_table(t, ["group", "n"], {"n": "n"}, "en", caption="Groups"))
    <table class="data">
    <caption>Groups</caption>
    <thead><tr><th scope="col">group</th><th class="num" scope="col">n</th></tr></thead>
    <tbody>
    <tr><th scope="row">&lt;b&gt;A&lt;/b&gt;</th><td class="num">12,000</td></tr>
    </tbody>
    </table>
    >>> print(format_table(t, ["estimate"], {}, "en", 2, percent=False).splitlines()[3])
    <tr><td class="num">2.50</td></tr>
    """
    check_lang(lang)
    require_columns(df, columns, "format_table")
    labels = dict(labels or {})
    words = _NOTES[lang]
    if percent is True:
        percent_cols = set(PERCENT_COLUMNS)
    elif percent is False:
        percent_cols = set()
    else:
        percent_cols = set(percent)
    with_ci = ci and "estimate" in columns and {"ci_low", "ci_high"} <= set(df.columns)
    numeric = {c: _is_number_column(df[c]) for c in columns}
    if "suppressed" in df.columns:
        hidden = df["suppressed"].fillna(False).astype(bool).to_numpy()
    else:
        hidden = [False] * len(df)

    def cell(row: pd.Series, column: str, is_hidden: bool) -> tuple[str, bool]:
        """(escaped cell text, whether it is missing but not suppressed)."""
        value = row[column]
        if numeric[column]:
            if is_hidden and column not in public:
                return f"–<sup>{_MARK}</sup>", False
            if is_missing(value):
                return ".", True
            as_percent = column in percent_cols
            if column == "estimate" and with_ci:
                text = format_interval(value, row["ci_low"], row["ci_high"], lang, decimals,
                                       percent=as_percent)  # fmt: skip
            elif column in COUNT_COLUMNS:
                text = format_number(value, lang, 0)
            elif as_percent:
                text = format_number(100 * float(value), lang, decimals)
                text += "" if column == "se" else "%"
            else:
                text = format_number(value, lang, decimals)
            return html_lib.escape(text), False
        if is_missing(value):
            return "", False
        if isinstance(value, bool):
            return words[value], False
        return html_lib.escape(str(value)), False

    num_attr = ' class="num"'
    if row_header is None:
        row_header = bool(columns) and not numeric[columns[0]]
    head = "".join(
        f'<th{num_attr if numeric[c] else ""} scope="col">'
        f"{html_lib.escape(str(labels.get(c, c)))}</th>"
        for c in columns
    )
    body, any_hidden, any_missing = [], False, False
    for (_, row), is_hidden in zip(df.iterrows(), hidden, strict=True):
        cells = []
        for k, column in enumerate(columns):
            text, missing = cell(row, column, bool(is_hidden))
            any_missing |= missing
            any_hidden |= bool(is_hidden) and numeric[column]
            attr = num_attr if numeric[column] else ""
            if k == 0 and row_header:
                cells.append(f'<th{attr} scope="row">{text}</th>')
            else:
                cells.append(f"<td{attr}>{text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    notes = []
    if any_hidden:
        note = words["hidden"].format(k=threshold) if threshold else words["hidden_no_k"]
        notes.append(f"<sup>{_MARK}</sup> {html_lib.escape(note)}")
    if any_missing:
        notes.append(html_lib.escape(words["missing"]))
    parts = ['<table class="data">']
    if caption:
        parts.append(f"<caption>{html_lib.escape(caption)}</caption>")
    parts.append(f"<thead><tr>{head}</tr></thead>")
    parts.append("<tbody>")
    parts.extend(body)
    parts.append("</tbody>")
    if notes:
        foot = "<br/>".join(notes)
        parts.append(
            f'<tfoot><tr><td class="note" colspan="{len(columns)}">{foot}</td></tr></tfoot>'
        )
    parts.append("</table>")
    return "\n".join(parts)
