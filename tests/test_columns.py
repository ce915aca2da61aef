"""Fixed column widths of the report's data tables, against WeasyPrint's own auto layout."""

import re

import pytest
from weasyprint import HTML
from weasyprint.formatting_structure import boxes

from diagnosis.present import format_table
from diagnosis.report import TownReport
from diagnosis.report.columns import CONTENT_WIDTH_MM, fix_column_widths, text_width_mm
from diagnosis.report.document import REPORT_CSS


def _auto_widths(body: str) -> list[list[float]]:
    """Column widths (% of the table) WeasyPrint's auto layout gives each data table."""
    page = f"<html><head><style>{REPORT_CSS}</style></head><body><main>{body}</main></body></html>"
    document = HTML(string=page).render()
    tables = [t for t in document._html.etree_element.iter("table")
              if t.get("class") == "data"]  # fmt: skip
    widths: dict[int, list[float]] = {}

    def walk(box):
        if isinstance(box, boxes.TableBox) and box.element in tables:
            widths.setdefault(tables.index(box.element), list(box.column_widths))
        for child in getattr(box, "children", []):
            walk(child)

    for p in document.pages:
        walk(p._page_box)
    return [[100 * w / sum(widths[i]) for w in widths[i]] for i in range(len(tables))]


def _fixed_widths(body: str) -> list[list[float] | None]:
    out = []
    pattern = r"<table class=['\"]data['\"][^>]*>.*?</table>"
    for table in re.findall(pattern, fix_column_widths(body), flags=re.S):
        found = re.match(r"<table[^>]*>(?:<caption.*?</caption>)?<colgroup>(.*?)</colgroup>",
                         table, flags=re.S)  # fmt: skip
        out.append(None if found is None else
                   [float(w) for w in re.findall(r"width:([0-9.]+)%", found.group(1))])  # fmt: skip
    return out


@pytest.fixture(scope="module")
def kwidzyn_body():
    return TownReport.build("kwidzyn").html()


def test_every_table_of_a_report_gets_the_widths_auto_layout_gives_it(kwidzyn_body):
    auto, fixed = _auto_widths(kwidzyn_body), _fixed_widths(kwidzyn_body)
    assert len(auto) == len(fixed) >= 15
    assert all(f is not None for f in fixed)  # every one measured, the annex's spans too
    for a, f in zip(auto, fixed, strict=True):
        assert len(a) == len(f)
        assert sum(f) == pytest.approx(100, abs=0.011)
        assert max(abs(x - y) for x, y in zip(a, f, strict=True)) < 2.0, (a, f)


def test_cells_across_columns_numbers_and_bars_count_as_auto_layout_counts_them():
    import pandas as pd

    frame = pd.DataFrame({"answer": ["Zdecydowanie się zgadzam", "Nie"],
                          "n": [1234567, 3], "suppressed": [False, True]})  # fmt: skip
    body = (
        format_table(
            frame, ["answer", "n"], {"answer": "Odpowiedź", "n": "Liczba"}, "pl", threshold=10
        )
        + "<table class='data'><thead><tr><th scope='col'>Pytanie</th><th scope='col'>Wykres</th>"
        "<th scope='col' class='num'>%</th></tr></thead><tbody>"
        "<tr><td colspan='2'><i>Jak ważne są dla Pana/Pani następujące sprawy w miejscowości, "
        "od najważniejszej do najmniej ważnej, według wszystkich odpowiedzi?</i></td>"
        "<td class='num'>1</td></tr><tr><td>Łódź<br><span class='note'>a / b</span></td><td>"
        "<span class='bar' style='display:inline-block;height:2.6mm;width:40mm'></span></td>"
        "<td class='num'>12,3% (10,1–14,5%)</td></tr></tbody></table>"
    )
    auto, fixed = _auto_widths(body), _fixed_widths(body)
    assert [len(f) for f in fixed] == [2, 3]
    for a, f in zip(auto, fixed, strict=True):
        assert max(abs(x - y) for x, y in zip(a, f, strict=True)) < 1.0, (a, f)


def test_tables_it_cannot_measure_are_left_to_weasyprint():
    spans_rows = ("<table class='data'><tr><td rowspan='2'>a</td><td>b</td></tr>"
                  "<tr><td>c</td></tr></table>")  # fmt: skip
    too_wide = ("<table class='data'><tr><td class='num'>" + "9" * 300 + "</td><td>x</td></tr>"
                "</table>")  # fmt: skip
    one_column = "<table class='data'><tr><td>a</td></tr></table>"
    other = "<table class='bygroup'><tr><td>a</td><td>b</td></tr></table>"
    for table in (spans_rows, too_wide, one_column, other):
        assert fix_column_widths(table) == table


def test_text_widths_are_those_of_the_font_the_pdf_uses():
    """Measured with matplotlib's DejaVu Sans; the PDF's is the system's (fontconfig)."""
    import shutil
    import subprocess

    from fontTools.ttLib import TTFont

    if shutil.which("fc-match") is None:
        pytest.skip("no fontconfig")
    text = "Zażółć gęślą jaźń: 12,3% (10,1–14,5%) — Łódź, WYKSZTAŁCENIE"
    for style, bold in (("DejaVu Sans", False), ("DejaVu Sans:bold", True)):
        path = subprocess.run(["fc-match", "-f", "%{file}", style], capture_output=True,
                              text=True, check=True).stdout  # fmt: skip
        font = TTFont(path)
        cmap, hmtx = font.getBestCmap(), font["hmtx"]
        em = sum(hmtx[cmap[ord(c)]][0] for c in text) / font["head"].unitsPerEm
        assert text_width_mm(text, bold=bold) == pytest.approx(em * 8.5 * 25.4 / 72, rel=1e-12)
    assert CONTENT_WIDTH_MM == 174.0  # A4 less REPORT_CSS's 18 mm margins
    assert "margin: 22mm 18mm 22mm 18mm" in REPORT_CSS
