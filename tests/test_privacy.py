"""Nothing leaked: personal data planted in every kind of input reaches no output.

A copy of a demo town gets personal data in the forms the redactor used to
miss, in every free text a librarian can type: open answers in the response
workbook, workshop ideas, assets and ``recruitment:`` in town.yaml. The report
is then rendered as a librarian renders it (``diagnosis report``), and every
file it writes is read back the way a reader would see it: CSV as text, XLSX
cell by cell, JSON, the executed notebook, HTML, and the PDF through
``pdftotext``.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml

from diagnosis.cli import main
from diagnosis.demo import planted_personal_data
from diagnosis.town import TOWNS_DIR

TOWN = "nowy-tomysl"

#: what is planted where; every value must be absent from every output
ANSWERS = [
    "Proszę o kontakt: anna.nowak małpa gmail kropka com, mieszkam na Kwiatowej 3/5.",
    "Mój numer dowodu ABA300000 i PESEL 44-05-14-01359, proszę nie zgubić.",
    "Pisz na jan.kowalski [at] wp.pl albo dzwoń 600.100.200 po południu.",
    "Anna Nowak z Osiedla Norwida prosi o ławki i lepsze oświetlenie.",
]
IDEA = "Kontakt do pomysłodawcy: jan(małpa)onet.pl, PESEL 440514 01359, tel. 601.200.300"
ASSET = "Zbiórka na konto PL61-1090-1014-0000-0712-1981-2874, koordynuje Jan Kowalski."
RECRUITMENT = "Zgłoszenia: anna . nowak @ gmail . com lub 4 4 0 5 1 4 0 1 3 5 9."
SECRETS = [
    "anna.nowak",
    "Kwiatowej 3",
    "ABA300000",
    "44-05-14-01359",
    "jan.kowalski",
    "600.100.200",
    "Anna Nowak",
    "onet.pl",
    "440514 01359",
    "601.200.300",
    "PL61-1090",
    "Jan Kowalski",
    "anna . nowak",
    "4 4 0 5 1 4 0 1 3 5 9",
]
#: the same values with separators removed: a PESEL is found however it was spaced
DIGITS = ["44051401359", "600100200", "601200300", "61109010140000071219812874"]


def _plant(folder: Path) -> None:
    book = openpyxl.load_workbook(folder / "ankiety.xlsx")
    sheet = book["Odpowiedzi"]
    header = [c.value for c in sheet[1]]
    for k, text in enumerate(ANSWERS):
        # the same answer in the two open questions of different respondents
        sheet.cell(row=2 + k, column=header.index("problem") + 1, value=text)
        sheet.cell(row=20 + k, column=header.index("idea") + 1, value=text)
    book.save(folder / "ankiety.xlsx")
    ideas = pd.read_csv(folder / "workshop_ideas.csv")
    ideas.loc[len(ideas)] = {
        "idea": IDEA,
        "need": ideas["need"].iloc[0],
        "votes": 99,
    }  # the most voted: on every page
    ideas.to_csv(folder / "workshop_ideas.csv", index=False)
    assets = pd.read_csv(folder / "assets.csv")
    assets.loc[0, "description"] = ASSET
    assets.to_csv(folder / "assets.csv", index=False)
    config = yaml.safe_load((folder / "town.yaml").read_text(encoding="utf-8"))
    config["recruitment"] = RECRUITMENT
    (folder / "town.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), "utf-8")


def _xlsx_text(path: Path) -> str:
    book = openpyxl.load_workbook(path, read_only=True)
    return "\n".join(
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )


def _text(path: Path) -> str:
    """An output as its reader sees it."""
    if path.suffix == ".pdf":
        return subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
    if path.suffix == ".xlsx":
        return _xlsx_text(path)
    if path.suffix == ".docx":
        import docx

        document = docx.Document(str(path))
        cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
        return "\n".join([p.text for p in document.paragraphs] + cells)
    raw = path.read_text(encoding="utf-8-sig")
    if path.suffix in (".json", ".ipynb"):
        # JSON escapes non-ASCII letters and quotes; compare with the decoded strings too
        raw += "\n" + json.dumps(json.loads(raw), ensure_ascii=False)
    return raw


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    root = tmp_path_factory.mktemp("privacy")
    towns = root / "towns"
    shutil.copytree(TOWNS_DIR / TOWN, towns / TOWN)
    shutil.copytree(TOWNS_DIR.parent / "instruments", root / "instruments")
    _plant(towns / TOWN)
    out = root / "out"
    assert main(["report", str(towns / TOWN), "--out", str(out)]) == 0
    files = sorted(p for p in out.rglob("*") if p.is_file() and p.suffix != ".png")
    return {p: _text(p) for p in files}


def test_every_kind_of_output_is_read(outputs):
    kinds = {p.suffix for p in outputs}
    assert {".pdf", ".html", ".ipynb", ".json", ".csv", ".xlsx", ".docx"} <= kinds
    # the planted free texts did reach the report, redacted: the idea's other words are there
    assert any("Kontakt do pomysłodawcy" in text for text in outputs.values())


@pytest.mark.parametrize("secret", SECRETS + planted_personal_data(TOWN))
def test_no_planted_value_reaches_any_output(outputs, secret):
    leaked = [p.name for p, text in outputs.items() if secret in text]
    assert leaked == []


@pytest.mark.parametrize("digits", DIGITS)
def test_no_planted_number_reaches_any_output_however_spaced(outputs, digits):
    leaked = [p.name for p, text in outputs.items() if digits in re.sub(r"[\s.\-]", "", text)]
    assert leaked == []
