"""Paper surveys: a printable questionnaire and a workbook to type the forms into.

Both are built from the instrument alone, so they always match the XLSForm the
analysis uses:

* :func:`printable_questionnaire` lays the questions out on A4 (WeasyPrint):
  numbered questions with ☐ boxes, digit boxes for numbers, ruled lines for
  open answers, and grids (questions sharing a ``stem`` and a choice list) as
  one table with the choices as columns.
* :func:`data_entry_workbook` writes an XLSX whose first sheet has one header
  row of canonical column names (``respondent_id``, select_one questions,
  ``<q>__<option>`` 0/1 columns for select_multiple, numbers, text). Excel's
  data validation offers the codes in a drop-down (from a hidden sheet of
  lists, since inline lists are limited to 255 characters), allows only 0/1
  in option columns and keeps numbers inside the instrument's range. A
  second sheet explains every column with its question and allowed answers.
  A filled copy reads back through :func:`diagnosis.read.read_responses`.

Examples
--------
>>> import tempfile, pathlib
>>> from diagnosis.instrument import load_instrument
>>> ins = load_instrument("surveys/instruments/resident_survey.xlsx")
>>> out = pathlib.Path(tempfile.mkdtemp())
>>> book = data_entry_workbook(ins, out / "wprowadzanie.xlsx")
>>> from openpyxl import load_workbook
>>> load_workbook(book).sheetnames
['Odpowiedzi', 'Pytania', 'Listy']
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

from ..evidence.cells import neutralise
from ..instrument import Instrument, Question
from ..reproducible import xlsx_bytes

__all__ = [
    "ENTRY_ROWS",
    "FormLanguage",
    "data_entry_workbook",
    "printable_questionnaire",
    "questionnaire_html",
]

FormLanguage = Literal["pl", "en"]

#: rows of the data-entry sheet that carry validation (forms typed in per workbook)
ENTRY_ROWS = 2000

#: types nobody answers on paper: device metadata and computed fields
_NOT_ON_PAPER = {
    "start", "end", "today", "deviceid", "subscriberid", "simserial", "phonenumber",
    "username", "email", "audit", "start-geopoint", "imei", "calculate", "hidden",
}  # fmt: skip
_RELEVANT = re.compile(r"^\s*\$\{(\w+)\}\s*=\s*['\"]([^'\"]*)['\"]\s*$")

_TEXT = {
    "pl": {
        "responses": "Odpowiedzi",
        "questions": "Pytania",
        "lists": "Listy",
        "q_header": ("kolumna", "pytanie", "typ", "dozwolone wartości"),
        "id_label": "Numer ankiety (wpisany na formularzu papierowym)",
        "id_allowed": "dowolny tekst, bez powtórzeń",
        "chosen": "1 = zaznaczono, 0 = nie zaznaczono, puste = brak odpowiedzi na pytanie",
        "any_text": "dowolny tekst",
        # what a number column allows: (as a list entry, as the object of "Wpisz ...")
        "integer": ("liczba całkowita", "liczbę całkowitą"),
        "decimal": ("liczba", "liczbę"),
        "between": " od {lo} do {hi}",
        "at_least": (" nie mniejsza niż {lo}", " nie mniejszą niż {lo}"),
        "at_most": (" nie większa niż {hi}", " nie większą niż {hi}"),
        "err_title": "Niedozwolona wartość",
        "err_list": "Wpisz jeden z kodów: {codes}. Znaczenie kodów: arkusz „Pytania”.",
        "err_01": "Wpisz 1, jeśli odpowiedź zaznaczono, albo 0, jeśli nie. Zostaw puste, "
        "gdy na całe pytanie nie odpowiedziano.",
        "err_number": "Wpisz {what}.",
        "title": "Ankieta",
        "intro": "Prosimy zaznaczyć wybraną odpowiedź krzyżykiem (☒) w kratce albo wpisać "
        "ją w wyznaczonym miejscu. Dziękujemy za poświęcony czas!",
        "form_no": "Nr ankiety (wypełnia biblioteka):",
        "one": "zaznacz jedną odpowiedź",
        "at_most_k": "zaznacz najwyżej {k}",
        "any": "zaznacz wszystkie pasujące",
        "grid": "w każdym wierszu zaznacz jedną odpowiedź",
        "number": "wpisz liczbę",
        "number_range": "wpisz liczbę od {lo} do {hi}",
        "open": "wpisz odpowiedź",
        "if": "Tylko jeśli w pytaniu {n} zaznaczono „{label}”.",
        "thanks": "Dziękujemy za wypełnienie ankiety.",
    },
    "en": {
        "responses": "Responses",
        "questions": "Questions",
        "lists": "Lists",
        "q_header": ("column", "question", "type", "allowed values"),
        "id_label": "Form number (as written on the paper form)",
        "id_allowed": "any text, no repeats",
        "chosen": "1 = ticked, 0 = not ticked, empty = question not answered",
        "any_text": "any text",
        "integer": ("a whole number", "a whole number"),
        "decimal": ("a number", "a number"),
        "between": " from {lo} to {hi}",
        "at_least": (" of at least {lo}", " of at least {lo}"),
        "at_most": (" of at most {hi}", " of at most {hi}"),
        "err_title": "Value not allowed",
        "err_list": "Type one of the codes: {codes}. What they mean: sheet 'Questions'.",
        "err_01": "Type 1 if the answer was ticked, 0 if not. Leave empty when the whole "
        "question was not answered.",
        "err_number": "Type {what}.",
        "title": "Questionnaire",
        "intro": "Please mark your answer with a cross (☒) in the box or write it in the "
        "space provided. Thank you for your time!",
        "form_no": "Form no. (filled in by the library):",
        "one": "tick one answer",
        "at_most_k": "tick at most {k}",
        "any": "tick all that apply",
        "grid": "tick one answer in each row",
        "number": "write a number",
        "number_range": "write a number from {lo} to {hi}",
        "open": "write your answer",
        "if": "Only if you ticked “{label}” in question {n}.",
        "thanks": "Thank you for filling in the questionnaire.",
    },
}


def _on_paper(instrument: Instrument) -> tuple[Question, ...]:
    """Questions a respondent answers on paper, in form order."""
    return tuple(q for q in instrument.questions if q.type not in _NOT_ON_PAPER and q.role != "id")


def _id_column(instrument: Instrument) -> str:
    """The form-number column: the instrument's ``id`` question, else ``respondent_id``."""
    ids = instrument.by_role("id")
    return ids[0].name if ids else "respondent_id"


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _code_cell(code: str) -> int | str:
    """A code as Excel holds it once typed: ``"4"`` -> 4, so the drop-down and typing agree."""
    return int(code) if re.fullmatch(r"-?[1-9]\d{0,8}|0", code) else code


def _question_text(q: Question, lang: str) -> str:
    """The label, with a grid's shared question in front (``stem — row``)."""
    stem = q.stem.get(lang) or next(iter(q.stem.values()), "")
    return f"{stem} — {q.label(lang)}" if stem else q.label(lang)


def _number_rule(q: Question, t: dict, case: int = 0) -> str:
    """What a number column allows; ``case`` 0 for a list entry, 1 after "Wpisz"."""
    lo, hi = q.minimum, q.maximum
    kind = t["integer" if q.type == "integer" else "decimal"][case]
    if lo is not None and hi is not None:
        return kind + t["between"].format(lo=_num(lo), hi=_num(hi))
    if lo is not None:
        return kind + t["at_least"][case].format(lo=_num(lo))
    if hi is not None:
        return kind + t["at_most"][case].format(hi=_num(hi))
    return kind


# ------------------------------------------------------------------ workbook


def data_entry_workbook(
    instrument: Instrument, path: str | Path, lang: FormLanguage = "pl"
) -> Path:
    """Write an XLSX for typing in paper forms, with drop-downs and range checks.

    Parameters
    ----------
    instrument : Instrument
        The questionnaire the paper forms were printed from.
    path : str or Path
        Where to write the workbook (overwritten).
    lang : {"pl", "en"}
        Language of sheet names, labels, input and error messages.

    Returns
    -------
    Path
        ``path``. The same instrument and language always give the same bytes.

    Notes
    -----
    Sheets: ``Odpowiedzi``/``Responses`` (one header row of canonical column
    names, then one row per form; validation on rows 2 to ``ENTRY_ROWS + 1``),
    ``Pytania``/``Questions`` (column, question, type, allowed values with
    codes and labels) and the hidden ``Listy``/``Lists`` (the codes of each
    choice list, which the drop-downs refer to). Numeric codes are listed as
    numbers, because that is what Excel stores when one types ``4``.
    The first sheet is what :func:`diagnosis.read.read_responses` reads.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    t = _TEXT[lang]
    path = Path(path)
    questions = _on_paper(instrument)
    id_column = _id_column(instrument)

    wb = Workbook()
    ws = wb.active
    ws.title = t["responses"]
    explain = wb.create_sheet(t["questions"])
    lists = wb.create_sheet(t["lists"])
    lists.sheet_state = "hidden"

    # the hidden sheet of codes: one column per choice list of a select_one question
    ranges: dict[str, str] = {}
    for q in questions:
        key = q.list_name or q.name
        if q.type != "select_one" or key in ranges or not q.choices:
            continue
        col = len(ranges) + 1
        letter = get_column_letter(col)
        lists.cell(row=1, column=col, value=key)
        for i, choice in enumerate(q.choices, start=2):
            lists.cell(row=i, column=col, value=_code_cell(choice.name))
        last = len(q.choices) + 1
        ranges[key] = f"{quote_sheetname(lists.title)}!${letter}$2:${letter}${last}"

    header: list[str] = [id_column]
    rows: list[tuple[str, str, str, str]] = [(id_column, t["id_label"], "text", t["id_allowed"])]
    validations: list[tuple[str, DataValidation]] = []

    def add(column: str, dv: DataValidation | None, prompt: str) -> None:
        header.append(column)
        if dv is None:
            dv = DataValidation(allow_blank=True)
        dv.showInputMessage = True
        dv.promptTitle = _cut(column, 32)
        dv.prompt = _cut(prompt, 255)
        validations.append((column, dv))

    def stop(dv: DataValidation, message: str) -> DataValidation:
        dv.showErrorMessage = True
        dv.errorStyle = "stop"
        dv.errorTitle = t["err_title"]
        dv.error = _cut(message, 255)
        return dv

    for q in questions:
        text = _question_text(q, lang)
        if q.type == "select_one" and q.choices:
            codes = ", ".join(q.choice_names())
            dv = DataValidation(type="list", formula1=ranges[q.list_name or q.name])
            add(q.name, stop(dv, t["err_list"].format(codes=codes)), text)
            allowed = "; ".join(f"{c.name} = {c.label(lang)}" for c in q.choices)
            rows.append((q.name, text, q.type, allowed))
        elif q.type == "select_multiple" and q.choices:
            for c in q.choices:
                dv = DataValidation(type="whole", operator="between", formula1="0", formula2="1")
                column = f"{q.name}__{c.name}"
                add(column, stop(dv, t["err_01"]), f"{text} — {c.label(lang)} (0/1)")
                rows.append((column, f"{text} — {c.label(lang)}", q.type, t["chosen"]))
        elif q.type in ("integer", "decimal"):
            kind = "whole" if q.type == "integer" else "decimal"
            rule = _number_rule(q, t)
            lo, hi = q.minimum, q.maximum
            if lo is not None and hi is not None:
                dv = DataValidation(
                    type=kind, operator="between", formula1=_num(lo), formula2=_num(hi)
                )
            elif lo is not None:
                dv = DataValidation(type=kind, operator="greaterThanOrEqual", formula1=_num(lo))
            elif hi is not None:
                dv = DataValidation(type=kind, operator="lessThanOrEqual", formula1=_num(hi))
            else:
                dv = DataValidation(
                    type=kind, operator="between", formula1="-999999999", formula2="999999999"
                )
            wrong = t["err_number"].format(what=_number_rule(q, t, case=1))
            add(q.name, stop(dv, wrong), f"{text} ({rule})")
            rows.append((q.name, text, q.type, rule))
        else:
            add(q.name, None, text)
            rows.append((q.name, text, q.type, t["any_text"]))

    bold = Font(bold=True)
    ws.append([neutralise(name) for name in header])
    for col, name in enumerate(header, start=1):
        ws.cell(row=1, column=col).font = bold
        ws.column_dimensions[get_column_letter(col)].width = max(10, min(len(name) + 2, 30))
    ws.freeze_panes = "B2"
    for col, (_, dv) in enumerate(validations, start=2):
        letter = get_column_letter(col)
        dv.add(f"{letter}2:{letter}{ENTRY_ROWS + 1}")
        ws.add_data_validation(dv)

    explain.append(list(t["q_header"]))
    for cell in explain[1]:
        cell.font = bold
    for row in rows:
        explain.append([neutralise(value) for value in row])  # a label may start with "="
    wrap = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCD", (26, 60, 16, 60), strict=True):
        explain.column_dimensions[letter].width = width
        for cell in explain[letter][1:]:
            cell.alignment = wrap
    explain.freeze_panes = "A2"

    path.write_bytes(xlsx_bytes(wb))
    return path


# ------------------------------------------------------------------ questionnaire

_CSS = """
@page { size: A4; margin: 16mm 16mm 18mm 16mm;
        @bottom-center { content: counter(page) " / " counter(pages); font-size: 8pt;
                         color: #666; } }
html { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 10pt;
       line-height: 1.35; color: #111; }
body { margin: 0; }
h1 { font-size: 17pt; margin: 0 0 2mm 0; }
.intro { margin: 0 0 3mm 0; }
.formno { text-align: right; font-size: 8.5pt; color: #333; margin-bottom: 4mm; }
.q { page-break-inside: avoid; margin: 0 0 5mm 0; }
.q .text { font-weight: bold; }
.q .num { display: inline-block; min-width: 7mm; }
.how { font-size: 8.5pt; color: #444; font-style: italic; font-weight: normal; }
.hint, .cond { font-size: 8.5pt; color: #333; margin: 0.5mm 0 0 7mm; }
.cond { font-style: italic; }
ul.choices { list-style: none; margin: 1.5mm 0 0 7mm; padding: 0; }
ul.choices.two { columns: 2; column-gap: 6mm; }
ul.choices li { margin: 0.8mm 0; break-inside: avoid; }
.box { font-size: 12pt; margin-right: 1.5mm; }
.digits { margin: 1.5mm 0 0 7mm; }
.digit { display: inline-block; width: 7mm; height: 8mm; border: 1px solid #333;
         margin-right: 1mm; vertical-align: middle; }
.line { border-bottom: 1px solid #888; height: 8mm; margin: 0 0 0 7mm; }
table.grid { border-collapse: collapse; width: 100%; table-layout: fixed; margin: 1.5mm 0 0 0;
             font-size: 8.5pt; }
table.grid th { font-weight: normal; font-size: 6.8pt; text-align: center;
                vertical-align: bottom; padding: 1mm 0.3mm; border-bottom: 1px solid #999; }
table.grid td { border-bottom: 1px solid #ddd; padding: 1.2mm 1mm; vertical-align: middle; }
table.grid td.cell { text-align: center; }
table.grid th.item, table.grid td.item { width: 25%; }
.thanks { margin-top: 6mm; font-style: italic; }
"""


def _blocks(questions: tuple[Question, ...]) -> Iterator[tuple[Question, ...]]:
    """Questions in form order; a run of >= 2 with one stem and one choice list is a grid."""
    i = 0
    while i < len(questions):
        q = questions[i]
        j = i + 1
        if q.type == "select_one" and q.stem:
            while (
                j < len(questions)
                and questions[j].type == "select_one"
                and questions[j].stem == q.stem
                and questions[j].group == q.group
                and questions[j].choices == q.choices
            ):
                j += 1
        yield questions[i:j] if j - i >= 2 else (q,)
        i = j if j - i >= 2 else i + 1


def _condition(q: Question, numbers: dict[str, int], instrument: Instrument, lang: str) -> str:
    """``${q} = 'code'`` as a sentence; other conditions are left to the interviewer."""
    m = _RELEVANT.match(q.relevant or "")
    if not m or m.group(1) not in numbers:
        return ""
    other = instrument.get(m.group(1))
    choice = other.choice(m.group(2)) if other else None
    label = choice.label(lang) if choice else m.group(2)
    return _TEXT[lang]["if"].format(n=numbers[m.group(1)], label=label)


def _question_html(n: int, block: tuple[Question, ...], condition: str, lang: FormLanguage) -> str:
    t = _TEXT[lang]
    esc = html_lib.escape
    box = '<span class="box">☐</span>'
    q = block[0]
    if len(block) > 1:
        stem = q.stem.get(lang) or next(iter(q.stem.values()))
        head = "".join(f"<th>{esc(c.label(lang))}</th>" for c in q.choices)
        body = "".join(
            f'<tr><td class="item">{esc(item.label(lang))}</td>'
            + "".join(f'<td class="cell">{box}</td>' for _ in q.choices)
            + "</tr>"
            for item in block
        )
        return (
            f'<section class="q"><div class="text"><span class="num">{n}.</span>{esc(stem)} '
            f'<span class="how">({t["grid"]})</span></div>'
            + (f'<div class="cond">{esc(condition)}</div>' if condition else "")
            + f'<table class="grid"><thead><tr><th class="item"></th>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table></section>"
        )
    if q.type == "select_one":
        how = t["one"]
    elif q.type == "select_multiple":
        how = t["at_most_k"].format(k=q.max_choices) if q.max_choices else t["any"]
    elif q.type in ("integer", "decimal"):
        lo, hi = q.minimum, q.maximum
        how = (
            t["number_range"].format(lo=_num(lo), hi=_num(hi))
            if lo is not None and hi is not None
            else t["number"]
        )
    else:
        how = t["open"]
    parts = [
        f'<section class="q"><div class="text"><span class="num">{n}.</span>'
        f'{esc(q.label(lang))} <span class="how">({how})</span></div>'
    ]
    hint = q.hints.get(lang) or next(iter(q.hints.values()), "")
    if hint:
        parts.append(f'<div class="hint">{esc(hint)}</div>')
    if condition:
        parts.append(f'<div class="cond">{esc(condition)}</div>')
    if q.is_select:
        two = " two" if len(q.choices) > 6 else ""
        items = "".join(f"<li>{box}{esc(c.label(lang))}</li>" for c in q.choices)
        parts.append(f'<ul class="choices{two}">{items}</ul>')
    elif q.type in ("integer", "decimal"):
        width = len(_num(q.maximum)) if q.maximum is not None else 4
        if q.type == "decimal":
            width += 2
        parts.append('<div class="digits">' + '<span class="digit"></span>' * width + "</div>")
    else:
        parts.append('<div class="line"></div>' * 3)
    parts.append("</section>")
    return "".join(parts)


def questionnaire_html(instrument: Instrument, lang: FormLanguage = "pl") -> str:
    """The paper questionnaire as a standalone HTML page (what the PDF is made from)."""
    t = _TEXT[lang]
    esc = html_lib.escape
    blocks = list(_blocks(_on_paper(instrument)))
    numbers = {q.name: n for n, block in enumerate(blocks, start=1) for q in block}
    title = instrument.title or instrument.form_id or t["title"]
    body = "".join(
        _question_html(n, block, _condition(block[0], numbers, instrument, lang), lang)
        for n, block in enumerate(blocks, start=1)
    )
    form_no = t["form_no"] + " " + '<span class="digit"></span>' * 4
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{esc(title)}</title><style>{_CSS}</style></head><body>"
        f'<div class="formno">{form_no}</div><h1>{esc(title)}</h1>'
        f'<p class="intro">{esc(t["intro"])}</p>{body}'
        f'<p class="thanks">{esc(t["thanks"])}</p></body></html>\n'
    )


def printable_questionnaire(
    instrument: Instrument, path: str | Path, lang: FormLanguage = "pl"
) -> Path:
    """Write the questionnaire as an A4 PDF for printing.

    Parameters
    ----------
    instrument : Instrument
    path : str or Path
        Where to write the PDF (overwritten).
    lang : {"pl", "en"}
        Label language (falls back to another language the form has) and the
        language of the instructions.

    Returns
    -------
    Path
        ``path``.

    Notes
    -----
    Device metadata (``start``, ``end`` ...) and computed fields are left out.
    Each question is numbered; a run of at least two ``select_one`` questions
    with the same ``stem`` and choice list is one numbered grid. A ``relevant``
    of the simple form ``${q} = 'code'`` becomes "Only if you ticked ... in
    question n"; other conditions are not printed.
    """
    from ..report.document import write_pdf

    return write_pdf(questionnaire_html(instrument, lang), path)
