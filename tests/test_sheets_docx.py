"""The evidence sheets as a Word document, read back with python-docx."""

import dataclasses
import zipfile
from datetime import date

import docx
import pytest
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from diagnosis.evidence import describe_item
from diagnosis.present import format_date
from diagnosis.report import TownReport
from diagnosis.report.sheets_docx import write_sheets_docx
from diagnosis.report.texts import text

CREATED = date(2025, 6, 1)
KEYS = [
    "sheet_need", "sheet_problem", "sheet_evidence", "sheet_target", "sheet_assets",
    "sheet_logic", "sheet_indicator", "sheet_baseline", "sheet_goal", "sheet_measurement",
    "sheet_level",
]  # fmt: skip


@pytest.fixture(scope="module")
def report():
    return TownReport.build("kwidzyn")


@pytest.fixture(scope="module")
def written(report, tmp_path_factory):
    path = tmp_path_factory.mktemp("docx") / "karty_dowodow_Kwidzyn_2025.docx"
    out = write_sheets_docx(
        report.sheets, report.analysis.town, path, threshold=10, created=CREATED
    )
    return out, docx.Document(out)


def _expected(sheet, lang):
    """The HTML sheet's rows, made here from the sheet's fields and describe_item."""
    values = [
        sheet.need_label,
        sheet.problem,
        "\n".join([*(describe_item(i, lang) for i in sheet.evidence), sheet.workshop]),
        sheet.target_group,
        ", ".join(sheet.assets) or "–",
        sheet.logic,
        sheet.indicator.label,
        describe_item(sheet.indicator, lang)
        + f"\n{format_date(sheet.baseline_date, lang)}; {sheet.baseline_source}",
        sheet.target,
        sheet.measurement,
        sheet.evidence_level,
    ]
    return [[text(lang, key), value] for key, value in zip(KEYS, values, strict=True)]


def _rows(table):
    return [[cell.text for cell in row.cells] for row in table.rows]


def _headings(doc):
    return [(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith("Heading")]


def _doc_lang(doc):
    rpr = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    return rpr.find(qn("w:lang")).get(qn("w:val"))


def _all_text(doc):
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([*(p.text for p in doc.paragraphs), *cells])


def test_headings_are_word_heading_styles_title_then_one_per_sheet(report, written):
    path, doc = written
    assert path.name == "karty_dowodow_Kwidzyn_2025.docx" and path.exists()
    assert len(report.sheets) == 3
    assert _headings(doc) == [
        ("Heading 1", "Karty dowodów — Kwidzyn"),
        *[("Heading 2", f"{s.rank}. {s.need_label}") for s in report.sheets],
        ("Heading 2", text("pl", "disclosure")),
    ]
    # the line under the title: the date and, for a demo town, that the data are made up
    assert doc.paragraphs[1].text.startswith("Data: 2025-06-01")
    assert "dane syntetyczne" in doc.paragraphs[1].text


def test_each_table_has_the_html_sheets_rows_and_values(report, written):
    _, doc = written
    assert len(doc.tables) == len(report.sheets)
    body = list(doc.element.body.iterchildren())
    for sheet, table in zip(report.sheets, doc.tables, strict=True):
        rows = _rows(table)
        assert rows[0] == ["Element karty", "Treść"]
        assert rows[1:] == _expected(sheet, "pl")
        # the table follows its sheet's heading
        before = body[body.index(table._tbl) - 1]
        assert Paragraph(before, None).text == f"{sheet.rank}. {sheet.need_label}"
        # every evidence item is a paragraph of its own
        lines = [p.text for p in table.rows[3].cells[1].paragraphs]
        assert lines == [*(describe_item(i, "pl") for i in sheet.evidence), sheet.workshop]


def test_header_row_repeats_and_rows_do_not_break(written):
    _, doc = written
    for table in doc.tables:
        header = table.rows[0]._tr.trPr
        assert header.find(qn("w:tblHeader")) is not None
        # the schema's order: cantSplit before tblHeader
        assert [el.tag for el in header] == [qn("w:cantSplit"), qn("w:tblHeader")]
        for row in table.rows[1:]:
            assert row._tr.trPr.find(qn("w:tblHeader")) is None
            assert row._tr.trPr.find(qn("w:cantSplit")) is not None


def test_polish_letters_survive(report, written):
    _, doc = written
    everything = _all_text(doc)
    words = [
        "Karty dowodów", "Opis problemu", "Działanie → produkt → rezultat", "przedział ufności",
        "odpowiedziach ukryto", "Grupa docelowa i jej wielkość",
    ]  # fmt: skip
    for word in words:
        assert word in everything
    sheet_text = "".join(s.problem + s.target_group + s.measurement for s in report.sheets)
    letters = set("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ") & set(sheet_text)
    assert len(letters) >= 5
    assert letters <= set(everything)


def test_document_language_and_core_properties(written):
    _, doc = written
    assert _doc_lang(doc) == "pl-PL"
    props = doc.core_properties
    assert props.title == "Karty dowodów — Kwidzyn"
    assert props.language == "pl-PL"
    assert props.created.date() == CREATED and props.modified.date() == CREATED
    assert props.author == "diagnosis"


def test_a_bounded_item_is_said_as_describe_item_says(report, written):
    _, doc = written
    bounded = [(s, i) for s in report.sheets for i in s.evidence if i.bound]
    assert bounded, "Kwidzyn has a share shown only as a bound"
    sheet, item = bounded[0]
    line = describe_item(item, "pl")
    assert "mniej niż" in line and "168" in line
    table = doc.tables[report.sheets.index(sheet)]
    assert line in [p.text for p in table.rows[3].cells[1].paragraphs]


def test_a_suppressed_item_is_named_not_shown(report, tmp_path):
    sheet = report.sheets[1]
    hidden = dataclasses.replace(sheet.evidence[0], suppressed=True, bound="", bound_n=None)
    changed = dataclasses.replace(sheet, evidence=(hidden, *sheet.evidence[1:]))
    path = write_sheets_docx(
        [changed], report.analysis.town, tmp_path / "k.docx", threshold=10, created=CREATED
    )
    lines = [p.text for p in docx.Document(path).tables[0].rows[3].cells[1].paragraphs]
    assert (
        lines[0] == describe_item(hidden, "pl") == f"{hidden.label}: wynik ukryty (za mała grupa)"
    )


def test_disclosure_note_at_the_end_names_the_threshold(report, tmp_path):
    path = write_sheets_docx(
        report.sheets, report.analysis.town, tmp_path / "k.docx", threshold=15, created=CREATED
    )
    doc = docx.Document(path)
    assert doc.paragraphs[-1].text.startswith(
        "Wyniki opierające się na mniej niż 15 odpowiedziach ukryto"
    )


def test_deterministic_apart_from_the_date(report, written, tmp_path):
    path, _ = written
    town = report.analysis.town
    again = write_sheets_docx(report.sheets, town, tmp_path / "a.docx", threshold=10,
                              created=CREATED)  # fmt: skip
    assert again.read_bytes() == path.read_bytes()
    later = write_sheets_docx(report.sheets, town, tmp_path / "b.docx", threshold=10,
                              created=date(2026, 1, 2))  # fmt: skip
    assert later.read_bytes() != path.read_bytes()
    with zipfile.ZipFile(later) as z:
        assert {i.date_time for i in z.infolist()} == {(2026, 1, 2, 0, 0, 0)}
    assert docx.Document(later).core_properties.created.date() == date(2026, 1, 2)


def test_not_synthetic_and_no_sheets(report, tmp_path):
    real = dataclasses.replace(report.analysis.town, synthetic=False)
    doc = docx.Document(
        write_sheets_docx([], real, tmp_path / "k.docx", threshold=10, created=CREATED)
    )
    assert "syntetyczne" not in _all_text(doc)
    assert not doc.tables
    assert doc.paragraphs[2].text.startswith("Brak kart dowodów")
    with pytest.raises(ValueError, match="lang"):
        write_sheets_docx([], real, tmp_path / "x.docx", "de", threshold=10, created=CREATED)


def test_english_document(tmp_path):
    report = TownReport.build("kwidzyn", lang="en")
    path = write_sheets_docx(
        report.sheets, report.analysis.town, tmp_path / "sheets.docx", "en",
        threshold=10, created=CREATED,
    )  # fmt: skip
    doc = docx.Document(path)
    assert _doc_lang(doc) == "en-GB" and doc.core_properties.language == "en-GB"
    assert _headings(doc)[0] == ("Heading 1", "Evidence sheets — Kwidzyn")
    assert "synthetic" in doc.paragraphs[1].text
    for sheet, table in zip(report.sheets, doc.tables, strict=True):
        assert _rows(table)[1:] == _expected(sheet, "en")
        assert _rows(table)[1][0] == "Need"
    assert doc.paragraphs[-1].text.startswith("Results based on fewer than 10 answers are hidden")
