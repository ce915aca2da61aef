"""Column widths of the report's data tables, worked out once, so WeasyPrint need not.

With ``table-layout: auto`` WeasyPrint measures every cell of a table twice
(its narrowest and its widest layout) before it lays the table out: a tenth of
a report's PDF time. :func:`fix_column_widths` does that measuring from the
text, with the font's own advance widths (DejaVu Sans, the report's font, as
fontTools reads it), applies the same CSS 2.1 width distribution WeasyPrint
applies, and writes the result as ``<colgroup>`` percentages with
``table-layout: fixed``. Cells across columns widen those columns as in
WeasyPrint; a ``<table class="data">`` with a cell across rows, or wider than
the page, is left as it is. Every measured width gets 4% to spare (numbers in
``num`` cells must not wrap).

Examples
--------
>>> table = ('<table class="data"><thead><tr><th scope="col">Odpowiedź</th>'
...          '<th class="num" scope="col">Odsetek</th></tr></thead><tbody><tr>'
...          '<td>Zdecydowanie się zgadzam</td><td class="num">12%</td></tr></tbody></table>')
>>> fixed = fix_column_widths(table)
>>> fixed.startswith('<table class="data" style="table-layout:fixed"><colgroup><col style=')
True
>>> [float(w) for w in re.findall(r"width:([0-9.]+)%", fixed)]
[72.48, 27.52]
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from html.parser import HTMLParser

__all__ = ["CONTENT_WIDTH_MM", "fix_column_widths", "text_width_mm"]

#: A4 width less the report's left and right page margins (REPORT_CSS: 18 mm each)
CONTENT_WIDTH_MM = 210.0 - 2 * 18.0
_PT_MM = 25.4 / 72
_FONT_PT = 8.5  # ``table { font-size: 8.5pt }``
_PADDING_MM = 2 * 1.5  # ``th, td { padding: 1.2mm 1.5mm }``
_SPARE = 1.04  # measured widths times this: rounding, kerning, the odd glyph from a fallback font
_TABLE = re.compile(r"<table class=(['\"])data\1>(.*?)</table>", re.S)
_BAR_WIDTH = re.compile(r"display:\s*inline-block[^'\"]*?width:\s*([0-9.]+)mm")


@functools.cache
def _advances(bold: bool) -> tuple[dict[int, float], float]:
    """Advance width of each character in em, and that of "n" for those the font lacks."""
    from fontTools.ttLib import TTFont
    from matplotlib import font_manager

    path = font_manager.findfont(
        font_manager.FontProperties(family="DejaVu Sans", weight="bold" if bold else "normal"),
        fallback_to_default=True,
    )
    font = TTFont(path, lazy=True)
    per_em = font["head"].unitsPerEm
    metrics = font["hmtx"].metrics
    widths = {code: metrics[name][0] / per_em for code, name in font.getBestCmap().items()}
    return widths, widths.get(ord("n"), 0.6)


def text_width_mm(text: str, bold: bool = False, size_pt: float = _FONT_PT) -> float:
    """Width of ``text`` on one line in DejaVu Sans, in millimetres.

    Examples
    --------
    >>> round(text_width_mm("Łódź"), 2)
    7.0
    >>> text_width_mm("Łódź", bold=True) > text_width_mm("Łódź")
    True
    """
    widths, other = _advances(bold)
    return sum(widths.get(ord(c), other) for c in text) * size_pt * _PT_MM


class _Cells(HTMLParser):
    """The cells of one table: per row, per cell (colspan, min-content, max-content) in mm."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[tuple[int, float, float]]] = []
        self.rowspan = False  # a cell spans rows: not measured here
        self.cell: dict | None = None
        self.bold = 0
        self.in_head = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        at = dict(attrs)
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            classes = (at.get("class") or "").split()
            self.cell = {"nowrap": "num" in classes, "lines": [""], "box": 0.0,
                         "bold": tag == "th" and self.in_head,
                         "span": int(at.get("colspan") or 1)}  # fmt: skip
            self.rowspan |= int(at.get("rowspan") or 1) > 1
        elif tag == "thead":
            self.in_head = True
        elif tag in ("tbody", "tfoot"):
            self.in_head = False
        elif tag in ("b", "strong"):
            self.bold += 1
        elif tag == "br" and self.cell is not None:
            self.cell["lines"].append("")
        elif tag == "span" and self.cell is not None:
            bar = _BAR_WIDTH.search(at.get("style") or "")
            if bar:
                self.cell["box"] += float(bar.group(1))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("b", "strong"):
            self.bold -= 1
        elif tag in ("td", "th") and self.cell is not None:
            cell, bold = self.cell, self.cell["bold"]
            lines = [" ".join(line.split()) for line in cell["lines"]]
            widest = max(text_width_mm(line, bold) for line in lines) + cell["box"]
            if cell["nowrap"]:
                narrowest = widest
            else:
                words = [w for line in lines for w in line.split()]
                narrowest = max([text_width_mm(w, bold) for w in words] + [cell["box"]])
            if self.rows:
                outer = (narrowest * _SPARE + _PADDING_MM, widest * _SPARE + _PADDING_MM)
                self.rows[-1].append((cell["span"], *outer))
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell["lines"][-1] += data
            if self.bold:
                self.cell["bold"] = True


def _spread(
    widths: list[float], weights: Sequence[float], start: int, span: int, needed: float
) -> None:
    """Widen ``widths[start:start + span]`` to ``needed`` in all, in proportion to ``weights``."""
    have = sum(widths[start : start + span])
    total = sum(weights[start : start + span])
    if needed <= have:
        return
    for i in range(start, start + span):
        widths[i] += (needed - have) * (weights[i] / total if total else 1 / span)


def _distribute(narrowest: Sequence[float], widest: Sequence[float], width: float) -> list[float]:
    """CSS 2.1's auto layout of columns with these min- and max-content widths in ``width``."""
    if sum(widest) <= width:  # room to spare: in proportion to the widest contents
        scale = width / sum(widest) if sum(widest) else 0.0
        return [w * scale for w in widest]
    if sum(narrowest) >= width:
        return list(narrowest)
    ratio = (width - sum(narrowest)) / (sum(widest) - sum(narrowest))
    return [n + (w - n) * ratio for n, w in zip(narrowest, widest, strict=True)]


def _colgroup(body: str, width: float) -> str | None:
    """``<colgroup>`` for a table's inner HTML, or None when the table is left as it is."""
    if "<colgroup" in body or "<table" in body:
        return None
    cells = _Cells()
    cells.feed(body)
    cells.close()
    placed = []  # (column, row, span, min, max), as WeasyPrint's grid has them
    for y, row in enumerate(cells.rows):
        x = 0
        for span, low, high in row:
            placed.append((x, y, span, low, high))
            x += span
    ncols = max((x + span for x, _, span, _, _ in placed), default=0)
    if cells.rowspan or ncols < 2:
        return None
    narrowest, widest = [0.0] * ncols, [0.0] * ncols
    for x, _, span, low, high in placed:
        if span == 1:
            narrowest[x], widest[x] = max(narrowest[x], low), max(widest[x], high)
    for x, _, span, low, high in sorted(p for p in placed if p[2] > 1):
        # a cell across columns widens them in proportion to their max-content widths
        _spread(narrowest, widest, x, span, low)
        _spread(widest, widest, x, span, high)
    columns = _distribute(narrowest, widest, width)
    if sum(columns) > width * (1 + 1e-9):  # wider than the page: let WeasyPrint decide
        return None
    shares = [round(100 * c / sum(columns), 2) for c in columns]
    shares[-1] = round(100 - sum(shares[:-1]), 2)
    return "<colgroup>" + "".join(f'<col style="width:{s}%">' for s in shares) + "</colgroup>"


def fix_column_widths(html: str, width_mm: float = CONTENT_WIDTH_MM) -> str:
    """Give every data table of ``html`` fixed column widths, as auto layout would make them.

    Parameters
    ----------
    html : str
        A report page (or part of one) whose ``<table class="data">`` tables are
        full width, in the report's table font (8.5 pt DejaVu Sans).
    width_mm : float
        The width the tables fill, by default A4 less the report's margins.

    Returns
    -------
    str
        ``html`` with ``style="table-layout:fixed"`` and a ``<colgroup>`` (after
        any ``<caption>``) on each table it could measure; the others unchanged.

    Examples
    --------
    >>> fix_column_widths("<p>no table</p>")
    '<p>no table</p>'
    """

    def fixed(match: re.Match) -> str:
        quote, body = match.group(1), match.group(2)
        columns = _colgroup(body, width_mm)
        if columns is None:
            return match.group(0)
        caption = re.match(r"\s*<caption\b.*?</caption>", body, re.S)
        at = caption.end() if caption else 0
        opening = f"<table class={quote}data{quote} style={quote}table-layout:fixed{quote}>"
        return f"{opening}{body[:at]}{columns}{body[at:]}</table>"

    return _TABLE.sub(fixed, html)
