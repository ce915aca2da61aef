"""The librarian's app in a real browser: ``diagnosis app`` under Voilà, driven by Chromium.

One walk through the four steps, as a librarian would do it: switch the
language and back, create a town (typed-in margins), upload a demo export whose
age header was renamed (so the column-mapping step is needed), map it, see the
key results, make the report and download the PDF and the indicators (named
for the town and year, ``diagnoza_Gródek_Łąkowy_2026.pdf``). The PDF is read
back with pdftotext.

A second walk with the librarian's own questionnaire (issue #13): a town with
its gmina's GUS figures, a questionnaire made from a small Polish Google Forms
export (tests/fixtures/annotate/ankieta_google_forms.csv), that export uploaded
as the data, once more by mistake and the copy removed again, a commentary
saved, the report made; its PDF has the questions' results.

Accessibility (WCAG 2.1 AA, issue #14): axe-core runs in the page at every step
of that walk, in both languages, and on a report's HTML as ``diagnosis report``
writes it. No critical or serious violation may be left; the others are
printed. axe-core's ``axe.min.js`` comes from the PyPI package
``axe-playwright-python`` (the ``test`` extra; make test installs it), injected with
``page.add_script_tag`` and run with ``await axe.run()``.

A screenshot per step is kept in ``reports/test-artifacts/browser/`` (git
ignores ``reports/``); the path is printed. Debian's Chromium is used
(``/usr/bin/chromium``; ``make test`` installs it): without it this test fails,
it does not skip. See ../shared/BROWSER.md for what works here.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

from diagnosis.app.server import free_port
from diagnosis.app.texts import say
from diagnosis.town import TOWNS_DIR

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "reports" / "test-artifacts" / "browser"
DEMO = TOWNS_DIR / "kwidzyn"
DEMO_FILE = DEMO / "kobo_diagnoza_mieszkancow.csv"
TOWN_NAME = "Gródek Łąkowy"
RENAMED = "Grupa wiekowa respondenta"
#: a small Polish Google Forms export (invented answers; make_fixture.py writes it)
OWN_EXPORT = ROOT / "tests" / "fixtures" / "annotate" / "ankieta_google_forms.csv"
#: one of its questions, as the report's "Wyniki pytań" shows it
OWN_QUESTION = "Ile osób liczy Pana/Pani gospodarstwo domowe?"
#: what axe checks: WCAG 2.0 and 2.1, levels A and AA, and its best practices (printed only)
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
#: the violations that fail the test
BLOCKING = ("critical", "serious")


@pytest.fixture(scope="module")
def chromium() -> Path:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser test needs Debian's Chromium. Install it with "
            "'apt-get install -y chromium' (make test does this).",
            pytrace=False,
        )
    return CHROMIUM


@pytest.fixture(scope="module")
def app_server(tmp_path_factory):
    """``diagnosis app`` on a free port, writing into temporary towns and reports folders."""
    base = tmp_path_factory.mktemp("app")
    towns, reports = base / "towns", base / "reports"
    port = free_port()
    log = base / "app.log"
    env = {**os.environ, "DIAGNOSIS_LANG": "pl"}
    with open(log, "w", encoding="utf-8") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "diagnosis.cli", "app", "--port", str(port),
             "--towns-dir", str(towns), "--reports-dir", str(reports)],
            stdout=out, stderr=subprocess.STDOUT, env=env, cwd=ROOT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 90
    while f"Aplikacja działa pod adresem {url}" not in log.read_text(encoding="utf-8"):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"diagnosis app did not start:\n{log.read_text(encoding='utf-8')}")
        time.sleep(0.2)
    yield {"url": url, "towns": towns, "reports": reports, "log": log, "process": process}
    if process.poll() is None:
        process.send_signal(signal.SIGINT)  # what Ctrl+C does
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _shot(page, name: str, step: str | None = None) -> None:
    """The whole page, or only one step of the app (``.dg-step-<step>``)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = str(ARTIFACTS / f"{name}.png")
    if step is None:
        page.screenshot(path=path, full_page=True)
    else:
        page.locator(f".dg-step-{step}").screenshot(path=path)


def _axe_script() -> Path:
    """axe-core's ``axe.min.js`` as the PyPI package ``axe-playwright-python`` ships it."""
    try:
        import axe_playwright_python
    except ImportError:
        pytest.fail(
            "axe-playwright-python is missing (it brings axe-core): pip install -e '.[test]' "
            "(make test does this).",
            pytrace=False,
        )
    return Path(axe_playwright_python.__file__).parent / "axe.min.js"


def _axe(page, name: str) -> list[dict]:
    """Run axe-core on the page as it is now; print every violation, return the blocking ones."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(_axe_script()))
    result = page.evaluate(
        "async (tags) => await axe.run(document, "
        "{runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS,
    )
    violations = result["violations"]
    print(f"axe {result['testEngine']['version']}, {name}: {len(violations)} rule(s) violated")
    for v in violations:
        targets = ", ".join(str(node["target"][-1]) for node in v["nodes"][:3])
        more = f" (+{len(v['nodes']) - 3})" if len(v["nodes"]) > 3 else ""
        print(f"  {v['impact']}: {v['id']} - {v['help']} - {targets}{more}")
    return [v for v in violations if v["impact"] in BLOCKING]


def _blocking_text(found: dict[str, list[dict]]) -> str:
    lines = []
    for name, violations in found.items():
        for v in violations:
            nodes = "; ".join(node["html"][:120] for node in v["nodes"][:4])
            lines.append(f"{name}: {v['impact']} {v['id']} ({v['help']}): {nodes}")
    return "\n".join(lines)


def _check_page(page, found: dict[str, list[dict]], name: str, lang: str) -> None:
    """The page says its language and its real title, and axe finds nothing blocking."""
    assert page.evaluate("() => document.documentElement.lang") == lang, name
    assert page.title() == say(lang, "title"), name
    found[name] = _axe(page, name)


def _pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_librarian_makes_a_report_in_the_browser(chromium, app_server, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    started = time.monotonic()
    print(f"\nscreenshots: {ARTIFACTS}")
    log_text = app_server["log"].read_text(encoding="utf-8")
    assert "Aplikacja działa pod adresem" in log_text and "Ctrl+C" in log_text
    upload = tmp_path / "eksport_kobo.csv"
    original = DEMO_FILE.read_bytes()
    upload.write_bytes(original.replace(b"metryczka/age_band", RENAMED.encode(), 1))
    margins = yaml.safe_load((DEMO / "town.yaml").read_text(encoding="utf-8"))["margins"]

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(chromium),
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )  # fmt: skip
        page = browser.new_page(
            viewport={"width": 1200, "height": 1400}, locale="pl-PL", accept_downloads=True
        )
        page.set_default_timeout(30_000)
        page.goto(app_server["url"])
        expect(page.locator(".dg-create")).to_be_visible(timeout=60_000)
        found: dict[str, list[dict]] = {}
        _check_page(page, found, "start", "pl")
        # a step's message is a live region that is there before any message and stays
        region = page.locator(".dg-step-data .dg-message > .widget-html-content")
        expect(region).to_have_attribute("role", "status")
        expect(region).to_have_attribute("aria-live", "polite")
        region.evaluate("element => { element.dataset.kept = 'yes'; }")
        # every box of the margins table is named by its column and row
        first = margins["cells"][0]
        cell = page.locator(f".dg-cell-{first['age_band']}-{first['sex']} input")
        expect(cell).to_have_accessible_name(re.compile(r"^(Kobiety|Mężczyźni), wiek \d"))

        # the language switch relabels the whole app, and back
        page.locator(".dg-lang").get_by_role("button", name="English").click()
        expect(page.locator(".dg-step-data h2")).to_have_text("2. Survey responses")
        expect(page.locator(".dg-create")).to_have_text(re.compile("Create the town"))
        _shot(page, "00-english")
        _check_page(page, found, "start, English", "en")
        page.locator(".dg-lang").get_by_role("button", name="Polski").click()
        expect(page.locator(".dg-step-data h2")).to_have_text("2. Odpowiedzi z ankiet")

        # step 1: a new town with its margins typed in
        page.locator(".dg-new-name input").fill(TOWN_NAME)
        for cell in margins["cells"]:
            box = page.locator(f".dg-cell-{cell['age_band']}-{cell['sex']} input")
            box.fill(str(cell["population"]))
            box.press("Tab")
        page.locator(".dg-source input").fill("GUS BDL, 2024")
        page.locator(".dg-start input").fill("2026-03-27")
        page.locator(".dg-end input").fill("2026-04-26")
        expect(page.get_by_text("Razem: 31\u202f410 mieszkańców w wieku 18+")).to_be_visible()
        page.locator(".dg-create").click()
        expect(page.locator(".dg-current")).to_contain_text(TOWN_NAME)
        _shot(page, "01-town-created", "town")
        _check_page(page, found, "1 town created", "pl")

        # step 2: upload; the renamed header is not recognised
        with page.expect_file_chooser() as chooser:
            page.locator(".dg-upload").click()
        chooser.value.set_files(str(upload))
        expect(page.locator(".dg-step-data .dg-message")).to_contain_text(
            "Zapisano eksport_kobo.csv"
        )
        expect(region).to_contain_text("Zapisano eksport_kobo.csv")
        expect(region).to_have_attribute("data-kept", "yes")  # the same element, announced
        expect(page.locator(".dg-status")).to_contain_text("błędy")
        status = page.locator(".dg-status > .widget-html-content")
        expect(status).to_have_attribute("aria-live", "assertive")  # errors are urgent
        expect(page.locator(".dg-map-choice select")).to_have_accessible_name(
            f"Kolumna {RENAMED} to pytanie"
        )
        expect(page.locator(".dg-validation")).to_contain_text("age_band")
        expect(page.locator(".dg-mapping")).to_be_visible()
        expect(page.locator(".dg-map-header")).to_have_text(RENAMED)
        _shot(page, "02-uploaded-needs-mapping", "data")
        _check_page(page, found, "2 uploaded, needs mapping", "pl")
        page.locator(".dg-lang").get_by_role("button", name="English").click()
        expect(page.locator(".dg-status")).to_contain_text("The data have errors")
        expect(page.locator(".dg-validation")).to_contain_text("Questions with no column")
        _shot(page, "02-uploaded-needs-mapping-english", "data")
        _check_page(page, found, "2 uploaded, needs mapping, English", "en")
        page.locator(".dg-lang").get_by_role("button", name="Polski").click()
        expect(page.locator(".dg-status")).to_contain_text("Dane mają błędy")

        # the mapping fixes it
        page.locator(".dg-map-choice select").select_option(label="age_band: Wiek — brak w pliku")
        page.locator(".dg-map-save").click()
        expect(page.locator(".dg-status")).to_contain_text("gotowe do analizy")
        expect(status).to_have_attribute("aria-live", "polite")
        _shot(page, "03-mapped", "data")
        _check_page(page, found, "2 mapped", "pl")

        # step 3: key results with two charts
        page.locator(".dg-preview").click()
        expect(page.locator(".dg-results img")).to_have_count(2, timeout=60_000)
        expect(page.locator(".dg-results")).to_contain_text("Ankiet w analizie: 308")
        _shot(page, "04-preview", "preview")
        _check_page(page, found, "3 preview", "pl")

        # step 4: the report, with visible progress, then downloads
        page.locator(".dg-make-report").click()
        expect(page.locator(".dg-stage")).to_contain_text("z 4", timeout=60_000)
        bar = page.get_by_role("progressbar", name="Postęp tworzenia raportu")
        expect(bar).to_have_attribute("aria-valuemax", "4")
        expect(bar).to_have_attribute("aria-valuetext", re.compile(r"^Krok \d z 4: "))
        _shot(page, "05-report-progress", "report")
        _check_page(page, found, "4 report in progress", "pl")
        expect(page.locator(".dg-download-pdf")).to_be_visible(timeout=150_000)
        _shot(page, "06-report-ready", "report")
        _check_page(page, found, "4 report ready", "pl")
        with page.expect_download() as download:
            page.locator(".dg-download-pdf").click()
        pdf = tmp_path / download.value.suggested_filename
        download.value.save_as(pdf)
        with page.expect_download() as download:
            page.locator(".dg-download-xlsx").click()
        xlsx = tmp_path / download.value.suggested_filename
        download.value.save_as(xlsx)
        browser.close()

    assert not any(found.values()), "axe, critical or serious:\n" + _blocking_text(found)
    year = dt.date.today().year  # the report's date names the downloads (download_name)
    assert pdf.name == f"diagnoza_Gródek_Łąkowy_{year}.pdf", pdf.name
    assert pdf.read_bytes().startswith(b"%PDF")
    text = _pdf_text(pdf)
    assert TOWN_NAME in text
    for heading in ("Diagnoza potrzeb mieszkańców", "Podsumowanie", "Jakość danych", "Priorytety"):
        assert heading in text, heading
    assert xlsx.name == f"wskazniki_Gródek_Łąkowy_{year}.xlsx", xlsx.name
    sheet = load_workbook(io.BytesIO(xlsx.read_bytes()), read_only=True).worksheets[0]
    assert sheet.max_row > 100
    # what the app wrote: the upload byte for byte, the mapping in town.yaml; the input untouched
    folder = app_server["towns"] / "grodek-lakowy"
    assert (folder / "eksport_kobo.csv").read_bytes() == upload.read_bytes()
    config = yaml.safe_load((folder / "town.yaml").read_text(encoding="utf-8"))
    assert config["responses"] == [{"file": "eksport_kobo.csv", "columns": {RENAMED: "age_band"}}]
    assert DEMO_FILE.read_bytes() == original
    assert (app_server["reports"] / "grodek-lakowy" / "diagnosis.pdf").exists()
    print(f"browser walk-through: {time.monotonic() - started:.1f} s")


def test_gus_figures_for_a_new_town_in_the_browser(chromium, app_server, tmp_path):
    """Type the town's name, choose its gmina by the list's label, replace it with a BDL export."""
    from playwright.sync_api import expect, sync_playwright

    groups = ["ogółem", "0-14", "15-19", "20-29", "30-44", "45-59", "60 i więcej"]
    bdl = tmp_path / "LUDN_2137_CTAB.csv"
    bdl.write_bytes(
        (
            '"Kod";"Nazwa";' + ";".join(f'"ogółem;{g};2024;[osoba]"' for g in groups)
            + ';\r\n"2207011";"Kwidzyn (1)";1235;195;95;175;245;225;300;\r\n'
        ).encode("cp1250")
    )  # fmt: skip
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(chromium),
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )  # fmt: skip
        page = browser.new_page(viewport={"width": 1200, "height": 1400}, locale="pl-PL")
        page.set_default_timeout(30_000)
        page.goto(app_server["url"])
        expect(page.locator(".dg-create")).to_be_visible(timeout=60_000)
        # every new input is found by its label, as a screen reader announces it
        page.get_by_label("Nazwa:").fill("Kwidzyn")
        expect(page.get_by_label("Szukaj gminy:")).to_have_value("Kwidzyn")
        gmina = page.get_by_label("Gmina (dane GUS):")
        expect(gmina.locator("option")).to_have_count(3)
        gmina.select_option(label="Kwidzyn (gmina miejska, pomorskie)")
        figures = page.locator(".dg-gus-margins")
        expect(figures).to_contain_text("30\u202f852")
        expect(figures).to_contain_text("stan na 31.12.2020")
        status = page.locator(".dg-step-town .dg-message [role=status]")
        expect(status).to_contain_text("Wybrano gminę Kwidzyn (gmina miejska, pomorskie)")
        expect(page.locator(".dg-margins")).to_be_hidden()
        _shot(page, "10-gmina-chosen", "town")
        found: dict[str, list[dict]] = {}
        _check_page(page, found, "1 gmina chosen", "pl")
        with page.expect_file_chooser() as chooser:
            page.get_by_role("button", name="Wczytaj nowszy eksport z BDL (P2137, CSV)").click()
        chooser.value.set_files(str(bdl))
        expect(status).to_contain_text("Wczytano eksport BDL LUDN_2137_CTAB.csv")
        expect(figures).to_contain_text("983")
        _shot(page, "11-bdl-loaded", "town")
        _check_page(page, found, "1 BDL export loaded", "pl")
        page.locator(".dg-start input").fill("2026-03-27")
        page.locator(".dg-end input").fill("2026-04-26")
        page.locator(".dg-create").click()
        expect(page.locator(".dg-current")).to_contain_text("Kwidzyn")
        expect(page.locator(".dg-instrument")).to_contain_text("resident_survey.xlsx")
        expect(page.locator(".dg-create")).to_be_visible()  # ready for the next new town
        browser.close()
    assert not any(found.values()), "axe, critical or serious:\n" + _blocking_text(found)
    folder = app_server["towns"] / "kwidzyn"
    config = yaml.safe_load((folder / "town.yaml").read_text(encoding="utf-8"))
    assert config["margins"] == {"bdl": "LUDN_2137_CTAB.csv"} and config["population"] == 983
    assert (folder / "LUDN_2137_CTAB.csv").read_bytes() == bdl.read_bytes()


def test_own_questionnaire_from_an_export_to_the_report(chromium, app_server, tmp_path):
    """Issue #13 as a librarian does it: gmina, questionnaire from the export, data, report."""
    from playwright.sync_api import expect, sync_playwright

    export = tmp_path / OWN_EXPORT.name
    export.write_bytes(OWN_EXPORT.read_bytes())
    again = tmp_path / "ankieta_google_forms (1).csv"  # the same export, downloaded twice
    again.write_bytes(OWN_EXPORT.read_bytes())
    comment = "Ankiety rozdawaliśmy w bibliotece i na festynie; dziękujemy mieszkańcom!"
    found: dict[str, list[dict]] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(chromium),
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )  # fmt: skip
        page = browser.new_page(
            viewport={"width": 1200, "height": 1400}, locale="pl-PL", accept_downloads=True
        )
        page.set_default_timeout(30_000)
        page.goto(app_server["url"])
        expect(page.locator(".dg-create")).to_be_visible(timeout=60_000)
        town_message = page.locator(".dg-step-town .dg-message [role=status]")

        # step 1: a new town with its gmina's GUS figures
        page.get_by_label("Nazwa:").fill("Ustka")
        page.get_by_label("Gmina (dane GUS):").select_option(
            label="Ustka (gmina miejska, pomorskie)"
        )
        expect(page.locator(".dg-gus-margins")).to_contain_text("stan na 31.12.2020")
        page.locator(".dg-start input").fill("2026-03-02")
        page.locator(".dg-end input").fill("2026-03-31")
        page.locator(".dg-create").click()
        expect(page.locator(".dg-current")).to_contain_text("Ustka")
        expect(page.locator(".dg-instrument")).to_contain_text("resident_survey.xlsx")
        _check_page(page, found, "13: town with its gmina", "pl")

        # its own questionnaire, made from the answers export
        with page.expect_file_chooser() as chooser:
            page.get_by_role("button", name="Utwórz kwestionariusz z pliku z odpowiedziami").click()
        chooser.value.set_files(str(export))
        expect(town_message).to_contain_text(
            "Utworzono kwestionariusz kwestionariusz_ankieta_google_forms.xlsx", timeout=60_000
        )
        expect(page.locator(".dg-instrument")).to_contain_text(
            "kwestionariusz_ankieta_google_forms.xlsx"
        )
        expect(page.locator(".dg-download-xlsform")).to_be_visible()
        _shot(page, "20-own-questionnaire", "town")
        _check_page(page, found, "13: questionnaire made from the export", "pl")

        # step 2: the same export as the data
        status = page.locator(".dg-status")
        with page.expect_file_chooser() as chooser:
            page.locator(".dg-upload").click()
        chooser.value.set_files(str(export))
        expect(page.locator(".dg-step-data .dg-message")).to_contain_text(
            "Zapisano ankieta_google_forms.csv"
        )
        expect(status).to_contain_text("Dane są gotowe do analizy")
        expect(status).to_contain_text("Razem w analizie: 16 ankiet.")
        expect(page.locator(".dg-files")).to_contain_text("ankieta_google_forms.csv")
        _check_page(page, found, "13: own data uploaded", "pl")

        # the same export once more by mistake: counted once, shown, and removed again
        with page.expect_file_chooser() as chooser:
            page.locator(".dg-upload").click()
        chooser.value.set_files(str(again))
        page.locator(".dg-add").click()
        expect(status).to_contain_text("Dane mają błędy")
        expect(status).to_contain_text("powtórzone wiersze, których analiza nie liczy: 16")
        expect(page.locator(".dg-repeats")).to_contain_text(
            "Pliki, które powtarzają inny plik z odpowiedziami"
        )
        expect(page.locator(".dg-files")).to_contain_text("powtarza plik ankieta_google_forms.csv")
        _shot(page, "21-same-export-twice", "data")
        _check_page(page, found, "13: the same export twice", "pl")
        page.get_by_role(
            "button", name="Usuń plik ankieta_google_forms (1).csv z miejscowości"
        ).click()
        expect(page.locator(".dg-step-data .dg-message")).to_contain_text(
            "przeniesiono go do usuniete/ankieta_google_forms (1).csv"
        )
        expect(status).to_contain_text("Dane są gotowe do analizy")
        expect(page.locator(".dg-repeats")).to_have_text("")
        _check_page(page, found, "13: the copy removed", "pl")

        # step 4: the team's commentary, then the report
        page.get_by_label("Komentarz do raportu:").fill(comment)
        page.get_by_role("button", name="Zapisz komentarz").click()
        saved = page.locator(".dg-commentary-status > .widget-html-content")
        expect(saved).to_have_attribute("role", "status")
        expect(saved).to_contain_text("Zapisano komentarz")
        _shot(page, "22-commentary", "report")
        _check_page(page, found, "13: commentary saved", "pl")
        page.locator(".dg-make-report").click()
        ready = page.locator(".dg-download-pdf")
        failed = page.locator(".dg-step-report .dg-message .dg-error")
        expect(ready.or_(failed)).to_be_visible(timeout=180_000)
        _shot(page, "23-own-report", "report")
        _check_page(page, found, "13: report made", "pl")
        assert not any(found.values()), "axe, critical or serious:\n" + _blocking_text(found)
        assert not failed.is_visible(), failed.inner_text()  # the report's own message
        with page.expect_download() as download:
            ready.click()
        pdf = tmp_path / download.value.suggested_filename
        download.value.save_as(pdf)
        with page.expect_download() as download:
            page.locator(".dg-download-xlsx").click()
        xlsx_name = download.value.suggested_filename
        browser.close()

    year = dt.date.today().year
    assert pdf.name == f"diagnoza_Ustka_{year}.pdf" and xlsx_name == f"wskazniki_Ustka_{year}.xlsx"
    text = " ".join(_pdf_text(pdf).split())
    assert "Wyniki pytań" in text
    assert OWN_QUESTION in text
    assert "dziękujemy mieszkańcom" in text  # the commentary, on the summary page
    folder = app_server["towns"] / "ustka"
    config = yaml.safe_load((folder / "town.yaml").read_text(encoding="utf-8"))
    assert config["instrument"] == "kwestionariusz_ankieta_google_forms.xlsx"
    assert config["responses"] == [{"file": "ankieta_google_forms.csv"}]
    assert config["commentary"] == "komentarz.txt"
    assert (folder / "komentarz.txt").read_text(encoding="utf-8") == comment
    assert (folder / "usuniete" / "ankieta_google_forms (1).csv").exists()


def test_a_report_page_passes_axe(chromium, tmp_path):
    """A report's HTML as ``diagnosis report <town> --out DIR`` writes it: <town>/diagnosis.html."""
    from playwright.sync_api import sync_playwright

    out = tmp_path / "reports"
    done = subprocess.run(
        [sys.executable, "-m", "diagnosis.cli", "report", str(DEMO), "--out", str(out)],
        capture_output=True, text=True, cwd=ROOT, timeout=600,
    )  # fmt: skip
    page_file = out / DEMO.name / "diagnosis.html"
    assert done.returncode == 0 and page_file.exists(), done.stdout + done.stderr
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(chromium), headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": 1200, "height": 1400}, locale="pl-PL")
        page.goto(page_file.as_uri())
        lang, title = page.evaluate("() => document.documentElement.lang"), page.title()
        found = {"report": _axe(page, "report diagnosis.html")}
        browser.close()
    assert lang == "pl" and title.startswith("Diagnoza potrzeb mieszkańców"), (lang, title)
    assert not any(found.values()), "axe, critical or serious:\n" + _blocking_text(found)


def test_ctrl_c_stops_the_app(app_server):
    process = app_server["process"]
    assert process.poll() is None
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=30) == 0
    assert "Zatrzymano aplikację." in app_server["log"].read_text(encoding="utf-8")
