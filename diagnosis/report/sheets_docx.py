"""The evidence sheets as a Word document, to paste into the zone's development plan.

:func:`write_sheets_docx` writes one DOCX (python-docx) with the same sheets as
the report's HTML section ``sheets``: a title with the town and date, then one
section per sheet, headed "<rank>. <need>", with a two-column table of the
same rows as the HTML sheet, and a short note on disclosure control at the end.

The document is meant to be edited: the headings are Word's own heading styles
(the title is *Heading 1*, each sheet *Heading 2*, so the navigation pane and a
table of contents show them and the sheets drop into a plan as one chapter);
each table's first row is a header row that Word repeats on a new page; rows do
not break across pages; the document's language (``w:lang``) is Polish or
British English, so that Word's spelling checker uses the right dictionary.

Only numbers that passed disclosure control are in the sheets; a hidden one is
said as :func:`~diagnosis.evidence.describe_item` says it. Apart from the
``created`` date the file is byte-for-byte the same for the same sheets: the
core properties' timestamps and the ZIP entries' dates are set from it.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Sequence
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm
from docx.table import Table

from ..errors import Language
from ..evidence import EvidenceSheet, describe_item
from ..present.formatting import format_date
from ..town import Town
from .texts import SECTION_TITLES, text

__all__ = ["LANGUAGE_TAGS", "sheet_rows", "write_sheets_docx"]

#: report language -> the language tag of the document (w:lang, core properties)
LANGUAGE_TAGS: dict[str, str] = {"pl": "pl-PL", "en": "en-GB"}

#: the texts of this document that the HTML report does not have: key -> (pl, en)
_TEXTS: dict[str, tuple[str, str]] = {
    "date": ("Data: {date}", "Date: {date}"),
    "synthetic": (
        "dane syntetyczne (wymyślone), tylko do demonstracji",
        "synthetic (made-up) data, for demonstration only",
    ),
    "column_item": ("Element karty", "Item"),
    "column_content": ("Treść", "Content"),
    "no_sheets": (
        "Brak kart dowodów: raport nie pokazuje wyników tej miejscowości.",
        "No evidence sheets: the report shows no results for this town.",
    ),
    "disclosure_short": (
        "Wyniki opierające się na mniej niż {threshold} odpowiedziach ukryto; ukryty wynik jest "
        "nazwany w karcie, a nie podany.",
        "Results based on fewer than {threshold} answers are hidden; a hidden result is named "
        "in the sheet, not shown.",
    ),
    "description": (
        "Karty dowodów z diagnozy potrzeb społeczności lokalnej",
        "Evidence sheets of a community diagnosis",
    ),
}


def _t(lang: str, key: str, **values: object) -> str:
    pl, en = _TEXTS[key]
    template = pl if lang == "pl" else en
    return template.format(**values) if values else template


def sheet_rows(sheet: EvidenceSheet, lang: Language = "pl") -> list[tuple[str, list[str]]]:
    """The rows of one sheet's table: ``(label, lines)``, as in the HTML sheet.

    Parameters
    ----------
    sheet : EvidenceSheet
    lang : {"pl", "en"}
        The language of the row labels (the sheet's texts are already in the
        report language).

    Returns
    -------
    list of (str, list of str)
        The row label and the cell's lines: one line per evidence item
        (:func:`~diagnosis.evidence.describe_item`) and the workshop's
        line; the baseline with its date and source on a second line.

    Examples
    --------
    >>> from diagnosis.report import TownReport
    >>> rep = TownReport.build("kwidzyn")  # doctest: +SKIP
    >>> sheet_rows(rep.sheets[0])[0]  # doctest: +SKIP
    ('Potrzeba', ['Oferta dla młodzieży'])
    """
    evidence = [describe_item(item, lang) for item in sheet.evidence]
    baseline = [
        describe_item(sheet.indicator, lang),
        f"{format_date(sheet.baseline_date, lang)}; {sheet.baseline_source}",
    ]
    return [
        (text(lang, "sheet_need"), [sheet.need_label]),
        (text(lang, "sheet_problem"), [sheet.problem]),
        (text(lang, "sheet_evidence"), [*evidence, sheet.workshop]),
        (text(lang, "sheet_target"), [sheet.target_group]),
        (text(lang, "sheet_assets"), [", ".join(sheet.assets) or "–"]),
        (text(lang, "sheet_logic"), [sheet.logic]),
        (text(lang, "sheet_indicator"), [sheet.indicator.label]),
        (text(lang, "sheet_baseline"), baseline),
        (text(lang, "sheet_goal"), [sheet.target]),
        (text(lang, "sheet_measurement"), [sheet.measurement]),
        (text(lang, "sheet_level"), [sheet.evidence_level]),
    ]


def _set_language(doc: DocxDocument, tag: str) -> None:
    """The document's default language (docDefaults) and the theme fonts' language."""
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = OxmlElement("w:rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        rpr_default.append(rpr)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), tag)
    lang.set(qn("w:eastAsia"), tag)
    # every style that names a language of its own gets the document's
    for element in styles.iter(qn("w:lang")):
        element.set(qn("w:val"), tag)
    settings = doc.settings.element
    theme = settings.find(qn("w:themeFontLang"))
    if theme is not None:
        theme.set(qn("w:val"), tag)


#: the order of a table row's properties (ECMA-376 CT_TrPr), from cantSplit on
_TR_PR_ORDER = (
    "w:cantSplit", "w:trHeight", "w:tblHeader", "w:tblCellSpacing", "w:jc", "w:hidden",
    "w:ins", "w:del", "w:trPrChange",
)  # fmt: skip


def _row_property(row, name: str) -> None:
    """Add ``<w:name/>`` (cantSplit, tblHeader) to a row's properties, in the schema's order."""
    tr_pr = row._tr.get_or_add_trPr()
    if tr_pr.find(qn(name)) is None:
        successors = _TR_PR_ORDER[_TR_PR_ORDER.index(name) + 1 :]
        tr_pr.insert_element_before(OxmlElement(name), *successors)


def _fill_cell(cell, lines: Sequence[str], bold: bool = False) -> None:
    """One paragraph per line, so that each line can be edited on its own."""
    first, *rest = lines or [""]
    paragraph = cell.paragraphs[0]
    paragraph.add_run(first).bold = bold
    for line in rest:
        cell.add_paragraph().add_run(line).bold = bold


def _sheet_table(doc: DocxDocument, rows: list[tuple[str, list[str]]], lang: str) -> Table:
    table = doc.add_table(rows=0, cols=2)
    table.style = doc.styles["Table Grid"]
    table.autofit = False
    widths = (Cm(4.5), Cm(11.5))
    header = table.add_row()
    _fill_cell(header.cells[0], [_t(lang, "column_item")], bold=True)
    _fill_cell(header.cells[1], [_t(lang, "column_content")], bold=True)
    _row_property(header, "w:tblHeader")  # repeated at the top of each page
    for label, lines in rows:
        row = table.add_row()
        _fill_cell(row.cells[0], [label], bold=True)
        _fill_cell(row.cells[1], lines)
    for row in table.rows:
        _row_property(row, "w:cantSplit")
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
    return table


def _deterministic_zip(data: bytes, created: dt.date) -> bytes:
    """The same ZIP with every entry dated ``created`` (python-docx stamps the time of saving)."""
    stamp = (max(created.year, 1980), created.month, created.day, 0, 0, 0)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def write_sheets_docx(
    sheets: Sequence[EvidenceSheet],
    town: Town,
    path: str | Path,
    lang: Language = "pl",
    *,
    threshold: int,
    created: dt.date,
) -> Path:
    """Write the evidence sheets as a Word document (DOCX) and return its path.

    Parameters
    ----------
    sheets : sequence of EvidenceSheet
        The report's sheets (:attr:`TownReport.sheets`), texts in ``lang``.
    town : Town
        For the title (its name) and whether the data are synthetic.
    path : str or Path
        The file to write; its folder is created if needed.
    lang : {"pl", "en"}
        The language of the fixed texts and of the document (``pl-PL`` or
        ``en-GB``).
    threshold : int
        The suppression threshold, said in the note on disclosure control.
    created : date
        The document's date: in the title, the core properties (created,
        modified) and the ZIP entries. Nothing else varies between runs.

    Returns
    -------
    Path

    Raises
    ------
    ValueError
        ``lang`` is neither "pl" nor "en".

    Examples
    --------
    >>> from datetime import date
    >>> from diagnosis.report import TownReport
    >>> rep = TownReport.build("kwidzyn")  # doctest: +SKIP
    >>> write_sheets_docx(rep.sheets, rep.analysis.town, "karty_dowodow_Kwidzyn_2025.docx",
    ...                   threshold=10, created=date(2025, 6, 1))  # doctest: +SKIP
    PosixPath('karty_dowodow_Kwidzyn_2025.docx')
    >>> LANGUAGE_TAGS["pl"], LANGUAGE_TAGS["en"]
    ('pl-PL', 'en-GB')
    """
    if lang not in LANGUAGE_TAGS:
        raise ValueError(f"lang must be 'pl' or 'en', not {lang!r}")
    tag = LANGUAGE_TAGS[lang]
    heading = SECTION_TITLES["sheets"][0 if lang == "pl" else 1]
    title = f"{heading} — {town.name}"

    doc = Document()
    _set_language(doc, tag)
    doc.add_heading(title, level=1)
    line = _t(lang, "date", date=created.isoformat())
    if town.synthetic:
        line += " · " + _t(lang, "synthetic")
    doc.add_paragraph(line)
    if sheets:
        doc.add_paragraph(text(lang, "sheets_intro"))
    else:
        doc.add_paragraph(_t(lang, "no_sheets"))
    for sheet in sheets:
        doc.add_heading(f"{sheet.rank}. {sheet.need_label}", level=2)
        _sheet_table(doc, sheet_rows(sheet, lang), lang)
    doc.add_heading(text(lang, "disclosure"), level=2)
    doc.add_paragraph(_t(lang, "disclosure_short", threshold=threshold))

    stamp = dt.datetime.combine(created, dt.time())
    props = doc.core_properties
    props.title = title
    props.subject = town.name
    props.language = tag
    props.author = "diagnosis"
    props.last_modified_by = "diagnosis"
    props.comments = _t(lang, "description")
    props.keywords = ""
    props.category = ""
    props.revision = 1
    props.created = stamp
    props.modified = stamp

    buffer = io.BytesIO()
    doc.save(buffer)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(_deterministic_zip(buffer.getvalue(), created))
    return target
