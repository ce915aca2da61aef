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
from diagnosis.report import SECTIONS, TEMPLATE, TownReport, render_town, standalone_html, write_pdf
from diagnosis.report.document import collect_new_objects_only
from diagnosis.report.texts import SECTION_TITLES
from diagnosis.report.town_report import _columns
from diagnosis.town import TOWNS_DIR, load_town

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


def test_annex_puts_each_n_under_its_value(rendered):
    _, html, text = rendered
    assert html.count("<table class='data bygroup'><colgroup>") == 3
    under = [line for line in text.splitlines() if re.fullmatch(r"(\s+n = \d+)+\s*", line)]
    assert len(under) > 30
    assert re.search(r"\d%[ \t]+n = \d", text) is None  # never side by side on one line


@pytest.mark.parametrize("levels", range(1, 11))
def test_by_group_columns_fill_the_width_and_leave_room_for_labels(levels):
    widths = [float(w) for w in re.findall(r"width:([\d.]+)%", _columns(levels))]
    assert len(widths) == levels + 1
    assert sum(widths) == pytest.approx(100, abs=0.01)
    assert widths[0] >= 30 and len(set(widths[1:])) == 1 and widths[1] <= 16


def test_the_collector_helper_frees_its_garbage_and_keeps_a_callers_freeze(tmp_path):
    import gc
    import weakref

    class Node:
        pass

    with collect_new_objects_only():
        a, b = Node(), Node()
        a.other, b.other = b, a  # a reference cycle: only the cyclic collector frees it
        probe = weakref.ref(a)
        del a, b
        assert gc.get_freeze_count() > 0
    assert probe() is None and gc.get_freeze_count() == 0
    write_pdf(standalone_html("<h2 id='x'>Łódź</h2>", title="T"), tmp_path / "t.pdf")
    assert gc.get_freeze_count() == 0
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with collect_new_objects_only():
            pass
        assert gc.get_freeze_count() == frozen  # the caller's freeze is left alone
    finally:
        gc.unfreeze()


def test_the_collector_helper_collects_old_garbage_once_the_heap_has_grown(monkeypatch):
    import gc
    import weakref

    from diagnosis.report import document

    class Node:
        pass

    a, b = Node(), Node()
    a.other, b.other = b, a
    probe = weakref.ref(a)
    del a, b  # garbage from before the block: frozen with everything else during it
    monkeypatch.setitem(document._HEAP, "blocks", 1)  # as if the heap had grown since
    with collect_new_objects_only():
        pass
    assert probe() is None  # a full collection ran after the block
    assert document._HEAP["blocks"] > 1  # and the heap's size was noted again
    assert gc.get_freeze_count() == 0


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
    assert len(SECTIONS) == 13  # with the results of the questions no other section shows


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


def _five_respondents(tmp_path):
    """A copy of the Kwidzyn demo town whose response file is cut to its first 5 rows."""
    import csv

    town = tmp_path / "kwidzyn"
    shutil.copytree(TOWNS_DIR / "kwidzyn", town, ignore=shutil.ignore_patterns("wave2"))
    data = town / "kobo_diagnoza_mieszkancow.csv"
    with data.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    with data.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows[:6])
    return town


def test_a_town_with_five_respondents_gets_a_report_that_says_why(tmp_path, capsys):
    town = _five_respondents(tmp_path)
    assert main(["report", str(town), "--out", str(tmp_path / "out")]) == 0
    out = tmp_path / "out" / "kwidzyn"
    assert "✓ kwidzyn" in capsys.readouterr().out
    text = _pdf_text(out / "diagnosis.pdf")
    flat = " ".join(text.split())
    assert "Kwidzyn" in flat and "Za mało ankiet, by pokazać wyniki" in flat
    assert "ankiet jest tylko 5" in flat and "co najmniej 10" in flat
    for pl, _ in SECTION_TITLES.values():  # every section is there, saying nothing is shown
        assert pl in flat
    assert re.search(r"\d+%", flat) is None  # no share of anything
    evidence = json.loads((out / "evidence.json").read_text(encoding="utf-8"))
    assert evidence["n_respondents"] == 5 and evidence["indicators"] == []
    assert evidence["too_few_respondents"]["threshold"] == 10
    assert pd.read_csv(out / "indicators.csv").empty
    assert pd.read_excel(out / "indicators.xlsx", sheet_name="indicators").empty


def test_the_few_respondents_summary_in_english_and_with_a_higher_threshold(tmp_path):
    town = _five_respondents(tmp_path)
    report = TownReport.build(town, lang="en")
    assert report.analysis is None and report.too_few.n == 5
    summary = unescape(report.section("summary"))
    assert "Too few responses to show results" in summary
    assert "only 5 responses" in summary and "at least 10" in summary
    assert "Odsetek" not in unescape(report.html())
    # a town of 308 under a threshold of 400 says the same, with its numbers
    big = TownReport.build(TOWNS_DIR / "kwidzyn", threshold=400)
    assert big.too_few is not None and big.too_few.n == 308
    assert "co najmniej 400" in unescape(big.section("summary"))


def test_a_package_error_in_a_notebook_cell_reaches_the_librarian_in_polish(tmp_path):
    from diagnosis.evidence import ReportError
    from diagnosis.report.render import execute_template

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell('lang = "pl"', metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(
            "from diagnosis.errors import TownConfigError\n"
            "raise TownConfigError(pl='W kolumnie wiek są litery.', en='Letters in column age.')"
        ),
    ]
    template = tmp_path / "t.ipynb"
    nbformat.write(nb, template)
    with pytest.raises(ReportError) as info:
        execute_template(template, tmp_path / "out.ipynb", {"lang": "pl"}, who=("Test", "Test"),
                         kernel_name="python3", language="python")  # fmt: skip
    message = info.value.message("pl")
    assert "W kolumnie wiek są litery." in message
    assert "TownConfigError" not in message and "Letters" not in message


def test_the_report_command_runs_in_the_warm_engine_and_gives_the_same_report(rendered, tmp_path):
    """``diagnosis report`` (a fork of the command, no kernel) writes what a kernel writes."""
    import sys

    files, html, _ = rendered
    out = tmp_path / "out"
    command = [sys.executable, "-m", "diagnosis.cli", "report", TOWN, "--out", str(out)]
    done = subprocess.run(command, capture_output=True, text=True, encoding="utf-8", check=False)
    assert done.returncode == 0, done.stderr
    assert "✓ nowy-tomysl" in done.stdout and "Traceback" not in done.stderr
    assert [line.split("] ")[1] for line in done.stderr.splitlines() if "] " in line] == [
        "1/4 sprawdzanie danych", "2/4 analiza", "3/4 HTML", "4/4 PDF"]  # fmt: skip
    executed = nbformat.read(out / TOWN / "diagnosis.ipynb", as_version=4)
    injected = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and f'town = "{TOWNS_DIR / TOWN}"' in injected[0].source
    assert executed.metadata.papermill.parameters["town"] == str(TOWNS_DIR / TOWN)
    assert all(c.execution_count for c in executed.cells if c.cell_type == "code")
    assert not [o for c in executed.cells for o in c.get("outputs", [])
                if o.get("output_type") == "error"]  # fmt: skip
    # the same tables, texts and figures as the kernel's report (the folder names aside)
    again = (out / TOWN / "diagnosis.html").read_text(encoding="utf-8")
    assert again.replace(str(out / TOWN), "OUT") == html.replace(str(files.folder), "OUT")
    assert _pdf_text(out / TOWN / "diagnosis.pdf") == rendered[2]
    for name in ("evidence.json", "indicators.csv"):
        assert (out / TOWN / name).read_bytes() == (files.folder / name).read_bytes()


def test_the_warm_engine_runs_while_running_beside_the_notebook(tmp_path):
    import threading

    from diagnosis.report.render import WARM_ENGINE, execute_template

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell('x = 1', metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell("x * 2")]  # fmt: skip
    template = tmp_path / "t.ipynb"
    nbformat.write(nb, template)
    seen = []
    executed = execute_template(
        template, tmp_path / "out.ipynb", {"x": 21}, who=("Test", "Test"),
        engine_name=WARM_ENGINE, kernel_name="python3", language="python",
        while_running=lambda: seen.append(threading.current_thread().name),
    )  # fmt: skip
    assert executed.cells[-1].outputs[0]["data"]["text/plain"] == "42"
    assert seen == ["while-running"]  # called once, in its own thread, finished by now
    assert "while-running" not in [t.name for t in threading.enumerate()]


def test_figures_are_drawn_once_at_the_size_savefig_gives():
    from matplotlib.figure import Figure

    from diagnosis.present.style import figure_svg, house_style, new_figure
    from diagnosis.report.document import figure_svg_drawn_once

    def drawn():
        with house_style():
            fig, ax = new_figure(5)
            ax.barh(["Łódź", "Zielona Góra"], [3, 5], label="próba")
            fig.legend(loc="outside upper left", title="Zażółć")
            fig.text(0, 0, "Pominięto: nic", ha="left", va="bottom")
        return fig

    draws = []
    real = Figure.draw
    Figure.draw = lambda self, renderer: draws.append(1) or real(self, renderer)
    try:
        once = figure_svg_drawn_once(drawn())
        assert len(draws) == 1
        twice = figure_svg(drawn())
        assert len(draws) == 3  # savefig: a layout pass, then the drawing
    finally:
        Figure.draw = real
    size = re.compile(r'<svg[^>]* width="([\d.]+)pt" height="([\d.]+)pt"')
    assert size.search(once).groups() == size.search(twice).groups()
    texts = re.compile(r"<text[^>]*>([^<]*)</text>|<!-- (.*?) -->")
    assert texts.findall(once) == texts.findall(twice)


def test_a_town_s_own_matrix_cut_offs_and_commentary(tmp_path):
    town = tmp_path / "kwidzyn"
    shutil.copytree(TOWNS_DIR / "kwidzyn", town, ignore=shutil.ignore_patterns("wave2"))
    (town / "komentarz.txt").write_text(
        "Wyniki omówiliśmy z radą osiedla.\n\nKontakt: 601 234 567.", encoding="utf-8"
    )
    yaml = town / "town.yaml"
    yaml.write_text(
        yaml.read_text(encoding="utf-8")
        + "priorities: {importance: 0.8, satisfaction: 0.3}\ncommentary: komentarz.txt\n",
        encoding="utf-8",
    )
    report = TownReport.build(town)
    pri = report.analysis.priorities
    assert pri.attrs["lines"] == "town"
    assert (pri.attrs["importance_line"], pri.attrs["satisfaction_line"]) == (0.8, 0.3)
    shown = pri[pri["quadrant"] != "hidden"]
    act = shown[(shown["importance"] >= 0.8) & (shown["satisfaction"] < 0.3)]
    assert set(shown.loc[shown["quadrant"] == "act", "service"]) == set(act["service"])
    html = unescape(report.html())
    assert "progi przyjęte przez zespół: ważność 80%, zadowolenie 30%" in html
    assert "Wyniki omówiliśmy z radą osiedla." in html and "601 234 567" not in html
    default = TownReport.build("kwidzyn")
    assert "Linie podziału to średnie wszystkich usług" in unescape(default.section("priorities"))


def test_a_town_without_a_workshop_is_ranked_by_the_survey_alone(tmp_path):
    import numpy as np

    town = tmp_path / "kwidzyn"
    shutil.copytree(TOWNS_DIR / "kwidzyn", town, ignore=shutil.ignore_patterns("wave2"))
    yaml = town / "town.yaml"
    text = yaml.read_text(encoding="utf-8")
    yaml.write_text(re.sub(r"workshop:\n(  .*\n)+", "", text), encoding="utf-8")
    report = TownReport.build(town)
    needs = report.analysis.needs
    assert (needs["basis"] == "survey").all()
    shares = needs["share"].fillna(0)
    np.testing.assert_allclose(needs["score"], shares / shares.sum(), rtol=1e-12)
    html = unescape(report.section("priorities"))
    assert "ranking opiera się tylko na ankiecie" in html
    sheets = unescape(report.section("sheets"))
    assert "Warsztatu nie było" in sheets and "żaden pomysł nie dotyczył" not in sheets


def test_the_pdf_is_tagged_and_figures_carry_their_data_as_alt_text(tmp_path):
    from diagnosis.present import dot_interval
    from diagnosis.present.style import house_style
    from diagnosis.report.document import figure_html, standalone_html, write_pdf

    est = pd.DataFrame({"label": ["Kobiety", "Mężczyźni"], "estimate": [0.52, 0.44],
                        "ci_low": [0.47, 0.38], "ci_high": [0.58, 0.50]})  # fmt: skip
    with house_style():
        fig = dot_interval(est, "label", lang="pl")
    alt = fig.alt_text
    html = figure_html(fig, "Podpis")
    assert f'alt="{alt}"' in html and "52%" in alt and "Podpis" not in alt
    page = standalone_html(f"<section><h2 id='x'>Łódź</h2>{html}</section>", title="T")
    assert '<header class="cover">' in page and "<main>" in page
    pdf = write_pdf(page, tmp_path / "r.pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    assert re.search(r"^Tagged:\s+yes", info.stdout, re.M)
    struct = subprocess.run(["pdfinfo", "-struct", str(pdf)], capture_output=True, text=True)
    assert "Figure" in struct.stdout and "H2" in struct.stdout
    import zlib

    raw = pdf.read_bytes()
    inflated = b"".join(
        zlib.decompress(m.group(1))
        for m in re.finditer(rb"stream\r?\n(.*?)endstream", raw, re.S)
        if m.group(1)[:1] == b"x"
    )
    # the figure's /Alt is its alt text, in UTF-16 as PDF strings are
    assert "/Alt <feff" + alt.encode("utf-16-be").hex()[:40] in inflated.decode("latin-1")


def test_a_form_made_from_a_google_forms_export_gives_a_full_report(tmp_path):
    """The Cieszyn demo's Google Forms export, its form proposed by 'diagnosis instrument'."""
    town = tmp_path / "cieszyn"
    town.mkdir()
    shutil.copyfile(TOWNS_DIR / "cieszyn" / "formularz_google_odpowiedzi.csv", town / "odp.csv")
    assert main(["instrument", str(town / "odp.csv"), "--out", str(town / "form.xlsx")]) == 0
    (town / "town.yaml").write_text(
        'name: Cieszyn\nmargins: {gmina: "2403011"}\ninstrument: form.xlsx\n'
        "fieldwork: {start: 2026-03-01, end: 2026-05-30}\nresponses:\n  - file: odp.csv\n",
        encoding="utf-8",
    )
    report = TownReport.build(town)
    a = report.analysis
    assert a.weighting.variables == ("age_band",) and not a.priorities.empty
    assert len(report.sheets) == 3
    html = unescape(report.html())
    for title in ("Wyniki pytań", "Priorytety", "Karty dowodów"):
        assert title in html
    # the agreement grid is a scored scale (its yes/no-scale row kept apart, see test_annotate)
    assert "cohesion" in a.instrument.constructs
    assert "cohesion" in set(a.reliability.get("scale", [])) and "wyniku skali" not in html


def test_the_report_reads_as_council_ready_polish(rendered):
    """Issue #14: no internal codes, Polish dates, the sections DOMAIN.md asks for."""
    _, html, pdf = rendered
    # every table header cell says what it heads (screen readers read tables by it)
    assert re.findall(r"<th(?=[\s>])(?![^>]*scope=)[^>]*>", html) == []
    own_files = {r.path.name for r in load_town(TOWNS_DIR / TOWN).responses}
    codes = set(re.findall(r"\b[a-z]+(?:_[a-z0-9]+)+\b", pdf)) - {
        name.rsplit(".", 1)[0] for name in own_files
    }
    assert codes == set(), codes  # too_fast, imp_transport, select_one ... never appear
    assert not re.search(r"\b20\d\d-\d\d-\d\d\b", pdf)  # dates as people write them
    assert re.search(r"\b\d{1,2} (marca|kwietnia|maja|czerwca|grudnia) 20\d\d\b", pdf)
    for heading in ("Ograniczenia", "Rekomendacje", "Ochrona danych osobowych",
                    "Zasoby miejscowości", "Kluczowe liczby"):  # fmt: skip
        assert heading in pdf, heading
    assert "dobór wygodny" in pdf or "doborze losowym" in pdf
    assert "Nie wybrano pozostałych potrzeb" in pdf
    assert "wskazują ją" not in pdf and "płeć „" not in pdf
    # numbers with the right word forms, e.g. never "2 ankiet" or "22 ankiet"
    for n, word in re.findall(
        r"\b(\d+) (ankiet|ankiety|głosów|głosy|ostrzeżeń|ostrzeżenia)\b", pdf
    ):
        many = word in ("ankiet", "głosów", "ostrzeżeń")
        few = int(n) % 10 in (2, 3, 4) and int(n) % 100 not in (12, 13, 14)
        assert many != few, f"{n} {word}"
