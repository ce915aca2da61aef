"""The town report as a librarian gets it: executed with papermill, read back as text."""

import json
import re
import shutil
import subprocess
from html import unescape

import nbformat
import pandas as pd
import pytest

from diagnosis.cli import main
from diagnosis.demo import planted_personal_data
from diagnosis.report import SECTIONS, TEMPLATE, TownReport, render_town
from diagnosis.report.texts import SECTION_TITLES
from diagnosis.town import TOWNS_DIR

TOWN = "nowy-tomysl"  # an XLSX town with seven pieces of planted personal data


def _pdf_text(path):
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / TOWN
    files = render_town(TOWNS_DIR / TOWN, out)
    return files, files.html.read_text(encoding="utf-8"), _pdf_text(files.pdf)


def test_the_template_is_thin_and_committed_without_outputs():
    nb = nbformat.read(TEMPLATE, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    params = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1
    for name in ("town", "lang", "threshold", "weighting", "conf_level", "output_dir"):
        assert re.search(rf"^{name} = .+  # ", params[0].source, flags=re.M)
    assert sum(len(c.source.splitlines()) for c in code) < 40


def test_every_output_is_written(rendered):
    files, _, _ = rendered
    for path in (files.notebook, files.html, files.pdf, files.evidence_json,
                 files.indicators_csv, files.indicators_xlsx):  # fmt: skip
        assert path.exists() and path.stat().st_size > 1000, path
    executed = nbformat.read(files.notebook, as_version=4)
    assert not [o for c in executed.cells for o in c.get("outputs", [])
                if o.get("output_type") == "error"]  # fmt: skip
    injected = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert injected and TOWN in injected[0].source


def test_pdf_has_the_sections_page_numbers_and_polish_letters(rendered):
    _, html, text = rendered
    for pl, _ in SECTION_TITLES.values():
        assert pl in text
    assert "Spis treści" in text and "Nowy Tomyśl" in text
    assert re.search(r"\b1 / \d+\b", text) is None  # the cover has no page number
    assert re.search(r"\b2 / (\d+)\b", text)
    for word in ("Miejscowość", "zadowolenie", "Ważenie", "Żaden", "Dane syntetyczne"):
        assert word.lower() in text.lower()
    assert set("ąćęłńóśźż") <= set(text.lower())
    assert "TownReport.build" not in html and "report.section" not in html  # no code
    assert "PosixPath" not in html  # the evidence cell ends with ";": no value shown


def test_no_planted_personal_data_in_html_or_pdf(rendered):
    _, html, text = rendered
    planted = planted_personal_data(TOWN)
    assert len(planted) >= 5
    for value in planted:
        assert value not in html
        assert value not in text
        assert value.replace(" ", "") not in text.replace(" ", "")


def test_no_small_cell_is_published(rendered):
    files, html, _ = rendered
    ns = [int(n) for n in re.findall(r"n = (\d+)", html)]
    assert ns and min(ns) >= 10
    table = pd.read_csv(files.indicators_csv)
    hidden = table[table["suppressed"]]
    assert len(hidden) > 0 and hidden[["estimate", "ci_low", "ci_high", "n"]].isna().all().all()
    shown = table[~table["suppressed"]]
    assert (shown["n"] >= 10).all()
    assert (shown.loc[shown["kind"] == "share", "n_numerator"] >= 10).all()


def test_evidence_files_agree_with_the_analysis(rendered):
    files, _, _ = rendered
    report = TownReport.build(TOWN)
    table = report.analysis.indicators
    csv = pd.read_csv(files.indicators_csv)
    assert len(csv) == len(table)
    pd.testing.assert_series_equal(
        csv["estimate"], table["estimate"].reset_index(drop=True), check_names=False, rtol=1e-12
    )
    xlsx = pd.read_excel(files.indicators_xlsx, sheet_name="indicators")
    assert xlsx["indicator"].tolist() == csv["indicator"].tolist()
    evidence = json.loads(files.evidence_json.read_text(encoding="utf-8"))
    assert evidence["town"]["name"] == "Nowy Tomyśl" and evidence["town"]["synthetic"]
    assert len(evidence["evidence_sheets"]) == 3
    top = report.analysis.needs["need"].head(3).tolist()
    assert [s["need"] for s in evidence["evidence_sheets"]] == top
    assert evidence["n_respondents"] == report.analysis.n


def test_english_report_sections():
    report = TownReport.build(TOWN, lang="en")
    html = unescape(report.html())
    for _, en in SECTION_TITLES.values():
        assert en in html
    assert "Odsetek" not in html
    assert len(SECTIONS) == 12


def test_report_command_names_the_problem_for_a_broken_town(tmp_path, capsys):
    town = tmp_path / "sopot"
    shutil.copytree(TOWNS_DIR / "sopot", town)
    yaml = town / "town.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8").replace("population:", "populacja:", 1),
                    encoding="utf-8")  # fmt: skip
    assert main(["report", str(town), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert "✗ sopot" in err and "population" in err and "Traceback" not in err
    assert main(["report", "kwidzyn", "--threshold", "2"]) == 1
    assert "nie może być mniejszy niż 3" in capsys.readouterr().err
