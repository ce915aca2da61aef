"""The librarian's app driven from Python: widgets set and buttons clicked as a user would.

Everything is written to temporary towns and reports folders; the demo towns
under surveys/towns are only read (a test checks they are unchanged). The
browser walk-through is tests/test_browser.py.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from diagnosis.app import LibrarianApp
from diagnosis.app.errors import AppError
from diagnosis.app.margins import read_margins
from diagnosis.app.server import free_port, serve
from diagnosis.app.settings import AppSettings
from diagnosis.app.texts import TEXTS, say
from diagnosis.app.town_files import read_config, save_response_file, write_config
from diagnosis.app.uploads import Upload, as_widget_value
from diagnosis.cli import main
from diagnosis.errors import TownConfigError
from diagnosis.instrument import load_instrument
from diagnosis.read import read_responses
from diagnosis.town import STANDARD_INSTRUMENT, TOWNS_DIR, load_town
from diagnosis.validate import validate_town

KWIDZYN = TOWNS_DIR / "kwidzyn"
KOBO = KWIDZYN / "kobo_diagnoza_mieszkancow.csv"
RENAMED = "Grupa wiekowa respondenta"
#: one demo town per format (surveys/towns/README.md), with its respondents
FORMATS = {
    "kobo_csv": ("kwidzyn", "kobo_diagnoza_mieszkancow.csv", 308),
    "xlsx": ("sucha-beskidzka", "ankiety.xlsx", 171),
    "cp1250_csv": ("krotoszyn", "ankiety_wprowadzone.csv", 244),
    "google_forms_csv": ("cieszyn", "formularz_google_odpowiedzi.csv", 583),
    "spss_sav": ("piotrkow-trybunalski", "ankieta_mieszkancow.sav", 267),
}


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module", autouse=True)
def demo_towns_untouched():
    """Nothing here may change the repository's demo towns."""
    before = {t: _digest(TOWNS_DIR / t) for t in ("kwidzyn", "sucha-beskidzka")}
    yield
    assert {t: _digest(TOWNS_DIR / t) for t in before} == before


def _settings(tmp_path: Path, **changes) -> AppSettings:
    return AppSettings(towns_dir=tmp_path / "towns", reports_dir=tmp_path / "reports", **changes)


def _create(app: LibrarianApp, name: str = "Gródek Łąkowy") -> Path:
    """Fill step 1 with Kwidzyn's margins and create the town."""
    step = app.town
    step.name.value = name
    cells = yaml.safe_load((KWIDZYN / "town.yaml").read_text(encoding="utf-8"))["margins"]["cells"]
    for cell in cells:
        step.cells[(cell["age_band"], cell["sex"])].value = cell["population"]
    step.source.value = "GUS BDL, 2024"
    step.start.value = dt.date(2026, 3, 27)
    step.end.value = dt.date(2026, 4, 26)
    step.create_button.click()
    assert app.session.town is not None, step.message.value
    return app.session.town


def _upload(app: LibrarianApp, name: str, content: bytes) -> None:
    app.data.upload.value = as_widget_value([Upload(name, content)])


@pytest.fixture
def app(tmp_path) -> LibrarianApp:
    return LibrarianApp(_settings(tmp_path))


# ------------------------------------------------------------------ step 1: the town


def test_create_town_writes_a_loadable_town_yaml(app, tmp_path):
    folder = _create(app)
    assert folder == (tmp_path / "towns" / "grodek-lakowy").resolve()
    raw = read_config(folder)
    assert raw["name"] == "Gródek Łąkowy"
    assert raw["population"] == 31410  # the sum of Kwidzyn's margins
    assert raw["margins"]["source"] == "GUS BDL, 2024"
    assert {"age_band": "60_plus", "sex": "female", "population": 6440} in raw["margins"]["cells"]
    assert raw["fieldwork"] == {"start": dt.date(2026, 3, 27), "end": dt.date(2026, 4, 26)}
    assert raw["responses"] == []
    assert (folder / "town.yaml").read_text(encoding="utf-8").startswith("# Utworzono w aplikacji")
    assert app.town.towns.value == str(folder)
    assert "Gródek Łąkowy" in app.town.current.value
    assert "Utworzono miejscowość Gródek Łąkowy" in app.town.message.value
    assert app.town.name.value == "" and app.town.cells[("18_29", "female")].value == 0
    # with a response file the package's own loader accepts it
    _upload(app, "odpowiedzi.csv", KOBO.read_bytes())
    town = load_town(folder)
    assert town.name == "Gródek Łąkowy" and town.population == 31410
    assert town.margins["population"].sum() == 31410


def test_an_existing_town_is_never_overwritten(app):
    folder = _create(app)
    before = (folder / "town.yaml").read_bytes()
    _create_again = app.town
    _create_again.name.value = "Grodek  Lakowy"  # same folder name
    for box in _create_again.cells.values():
        box.value = 1
    _create_again.source.value = "x"
    _create_again.start.value = _create_again.end.value = dt.date(2026, 1, 1)
    _create_again.create_button.click()
    assert "już istnieje" in app.town.message.value
    assert (folder / "town.yaml").read_bytes() == before


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ("zeros", "wszystkie pola są puste albo równe zero"),
        ("no_source", "Podaj źródło danych o ludności"),
        ("no_dates", "Podaj daty początku i końca badania"),
        ("backwards", "Koniec badania jest wcześniej niż jego początek"),
        ("no_name", "Podaj nazwę miejscowości"),
    ],
)
def test_create_town_says_what_is_missing(app, tmp_path, change, expected):
    step = app.town
    step.name.value = "" if change == "no_name" else "Nowa Wieś"
    for box in step.cells.values():
        box.value = 0 if change == "zeros" else 100
    step.source.value = "" if change == "no_source" else "GUS BDL"
    step.start.value = None if change == "no_dates" else dt.date(2026, 5, 1)
    step.end.value = dt.date(2026, 4, 1) if change == "backwards" else dt.date(2026, 6, 1)
    step.create_button.click()
    assert expected in step.message.value
    assert "dg-error" in step.message.value
    assert not (tmp_path / "towns" / "nowa-wies").exists()
    assert app.session.town is None


def test_margins_from_a_wide_cp1250_csv_fill_the_table(app):
    text = "Wiek;Kobiety;Mężczyźni;Razem\n18-29 lat;2 430;2420;4850\n30-44;4360;4510;8870\n"
    text += "45-59 lat;3300;3100;6400\n60+;6440;4850;11290\nRazem;16530;14880;31410\n"
    app.town.margins_upload.value = as_widget_value([Upload("ludność.csv", text.encode("cp1250"))])
    assert app.town.cells[("18_29", "female")].value == 2430
    assert app.town.cells[("60_plus", "male")].value == 4850
    assert sum(b.value for b in app.town.cells.values()) == 31410
    assert "Wczytano strukturę ludności z pliku ludność.csv" in app.town.message.value
    assert "Razem: 31\u202f410 mieszkańców w wieku 18+" in app.town.total.value


def test_margins_long_form_and_a_bad_group(tmp_path):
    ins = load_instrument(STANDARD_INSTRUMENT)
    good = tmp_path / "long.csv"
    rows = [f"{a},{s},{10 * i + j}" for i, a in enumerate(["18_29", "30_44", "45_59", "60_plus"])
            for j, s in enumerate(["female", "male"])]  # fmt: skip
    good.write_text("age_band,sex,population\n" + "\n".join(rows) + "\n", encoding="utf-8")
    assert read_margins(good, ins)["population"].tolist() == [0, 1, 10, 11, 20, 21, 30, 31]
    bad = tmp_path / "bad.csv"
    bad.write_text("age_band,sex,population\n18_29,female,5\n90+,male,3\n", encoding="utf-8")
    with pytest.raises(AppError) as caught:
        read_margins(bad, ins)
    assert caught.value.message("pl").startswith("bad.csv, wiersz 3, kolumna 'age_band'")
    assert "Nie rozpoznano grupy" in caught.value.message("pl")
    assert "was not recognised" in caught.value.message("en")


def test_open_an_existing_town(tmp_path):
    towns = tmp_path / "towns"
    shutil.copytree(KWIDZYN, towns / "kwidzyn", ignore=shutil.ignore_patterns("wave*"))
    app = LibrarianApp(_settings(tmp_path))
    assert app.town.towns.options == (("Kwidzyn (kwidzyn)", str(towns / "kwidzyn")),)
    app.town.open_button.click()
    assert app.session.town == (towns / "kwidzyn").resolve()
    assert "kobo_diagnoza_mieszkancow.csv" in app.town.current.value
    assert "Dane są gotowe do analizy" in app.data.status.value
    assert app.data.mapping_box.layout.display == "none"


def test_a_broken_town_yaml_is_one_readable_message(tmp_path):
    folder = tmp_path / "towns" / "zepsuta"
    folder.mkdir(parents=True)
    (folder / "town.yaml").write_text("name: Zepsuta\nresponses: [brak.csv]\n", encoding="utf-8")
    app = LibrarianApp(_settings(tmp_path))
    app.town.open_button.click()
    message = app.town.message.value
    # population may come from the margins (a GUS gmina), so the first thing missing is margins
    assert "town.yaml" in message and "margins" in message and "Brakuje sekcji" in message
    assert "Traceback" not in message and app.session.town is None


# ------------------------------------------------------------------ step 1: GUS figures

#: a small CTAB export of P2137 (table layout, a fresh download's headers), Windows-1250
CTAB_GROUPS = ["ogółem", "0-14", "15-19", "20-29", "30-44", "45-59", "60 i więcej"]
CTAB = (
    '"Kod";"Nazwa";'
    + ";".join(f'"ogółem;{g};2024;[osoba]"' for g in CTAB_GROUPS)
    + ';\r\n"2207011";"Kwidzyn (1)";1235;195;95;175;245;225;300;\r\n'
)


def _dates(step) -> None:
    step.start.value, step.end.value = dt.date(2026, 3, 27), dt.date(2026, 4, 26)


def _bdl(app: LibrarianApp, name: str, content: bytes) -> None:
    app.town.bdl_upload.value = as_widget_value([Upload(name, content)])


def test_typing_the_name_offers_the_gmina_and_fills_its_gus_margins(app):
    from diagnosis.population import load_gminy

    step = app.town
    step.name.value = "Kwidz"
    step.name.value = "Kwidzyn"
    assert step.gmina_search.value == "Kwidzyn"  # the search follows the name
    assert step.gmina.options[1:] == (
        ("Kwidzyn (gmina miejska, pomorskie)", "2207011"),
        ("Kwidzyn (gmina wiejska, pomorskie)", "2207032"),
    )
    assert "Pasujące gminy: 2" in step.gmina_hint.value
    assert step.gmina.value == "" and step.gus is None  # offered, not chosen
    step.gmina.value = "2207011"
    adults = int(load_gminy().set_index("teryt").loc["2207011", "adults"])
    assert step.gus is not None and step.gus.total == adults == 30852
    assert step.gus.frame["population"].tolist() == [5102, 9320, 7089, 9341]
    assert step.typed_box.layout.display == "none" and step.gus_box.layout.display is None
    view = step.gus_view.value
    assert "<td>9\u202f320</td>" in view and "<b>30\u202f852</b>" in view
    assert "tabela P2137" in view and "stan na 31.12.2020" in view and "obie płcie razem" in view
    assert "Wybrano gminę Kwidzyn (gmina miejska, pomorskie): 30\u202f852" in step.message.value
    assert "31.12.2020" in step.message.value
    app.lang.value = "en"
    assert step.gmina.options[1] == ("Kwidzyn (urban gmina, pomorskie)", "2207011")
    assert step.gmina.value == "2207011"  # relabelling keeps the choice
    assert "as of 31.12.2020" in step.gus_view.value and "Both sexes" in step.gus_view.value
    assert "Chosen: Kwidzyn (urban gmina, pomorskie)" in step.message.value
    app.lang.value = "pl"
    # the search stops following the name once the librarian typed in it
    step.gmina_search.value = "kwidzyn m"
    step.name.value = "Kwidzyn – biblioteka"
    assert step.gmina_search.value == "kwidzyn m" and step.gmina.value == "2207011"
    step.name.value = "Kwidzyn"
    _dates(step)
    step.create_button.click()
    folder = app.session.town
    assert folder is not None, step.message.value
    raw = read_config(folder)
    assert raw["margins"] == {"gmina": "2207011"} and raw["population"] == 30852
    assert "gmina: '2207011'" in (folder / "town.yaml").read_text(encoding="utf-8")  # quoted
    assert step.gus is None and step.gmina.value == "" and step.typed_box.layout.display is None
    _upload(app, "odpowiedzi.csv", KOBO.read_bytes())
    town = load_town(folder)
    assert (town.margins_kind, town.teryt, town.population) == ("gmina", "2207011", 30852)
    assert town.margins.columns.tolist() == ["age_band", "population"]
    assert "GUS, Bank Danych Lokalnych" in town.margins_source


def test_no_gmina_of_that_name_and_back_to_the_typed_table(app):
    step = app.town
    step.name.value = "Gródek Łąkowy"
    assert step.gmina.options == (("— nie wybrano (wpiszę liczby w tabelę) —", ""),)
    assert "Nie znaleziono gminy o nazwie „Gródek Łąkowy”" in step.gmina_hint.value
    step.gmina_search.value = "łódź"
    assert step.gmina.options[1] == ("Łódź (gmina miejska, łódzkie)", "1061011")
    step.gmina.value = "1061011"
    assert step.gus.teryt == "1061011"
    step.typed_button.click()
    assert step.gus is None and step.gmina.value == "" and step.typed_box.layout.display is None
    assert "dane GUS nie zostaną użyte" in step.message.value
    folder = _create(app)  # the typed table, as before
    assert "cells" in read_config(folder)["margins"]


def test_a_newer_bdl_export_replaces_the_gmina_figures(app):
    step = app.town
    step.name.value = "Kwidzyn"
    step.gmina.value = "2207011"
    content = CTAB.encode("cp1250")
    _bdl(app, "LUDN_2137_CTAB_2024.csv", content)
    gus = step.gus
    assert gus is not None and gus.kind == "bdl", step.message.value
    assert gus.frame["population"].tolist() == [38 + 175, 245, 225, 300]  # 2/5 of 95 is 38
    assert (gus.teryt, gus.year, gus.total) == ("2207011", 2024, 983)
    message = step.message.value
    assert "Wczytano eksport BDL LUDN_2137_CTAB_2024.csv: Kwidzyn (gmina miejska" in message
    assert "rok 2024, 983 mieszkańców w wieku 18+" in message
    assert "<td>213</td>" in step.gus_view.value and "rok 2024" in step.gus_view.value
    _dates(step)
    step.create_button.click()
    folder = app.session.town
    assert folder is not None, step.message.value
    raw = read_config(folder)
    assert raw["margins"] == {"bdl": "LUDN_2137_CTAB_2024.csv"} and raw["population"] == 983
    assert (folder / "LUDN_2137_CTAB_2024.csv").read_bytes() == content  # copied as received
    _upload(app, "odpowiedzi.csv", KOBO.read_bytes())
    town = load_town(folder)
    assert town.margins_kind == "bdl"
    assert town.margins["population"].tolist() == [213, 245, 225, 300]
    assert "2024" in town.margins_source


def test_a_bdl_export_with_sex_and_several_units(app):
    groups = ["ogółem", "0-14", "15-19", "20-29", "30-44", "45-59", "60 i więcej"]
    head = ";".join(f'"{s};{g};2023;[osoba]"' for s in ("ogółem", "mężczyźni", "kobiety")
                    for g in groups)  # fmt: skip
    men, women = [50, 10, 5, 10, 10, 10, 5], [60, 10, 5, 10, 10, 10, 15]
    both = [m + w for m, w in zip(men, women, strict=True)]
    row = ";".join(str(v) for v in both + men + women)
    text = (
        f'"Kod";"Nazwa";{head};\n"2207011";"Kwidzyn (1)";{row};\n"2207032";"Kwidzyn (2)";{row};\n'
    )
    step = app.town
    _bdl(app, "ludnosc.csv", text.encode("utf-8"))
    assert step.gus is None
    assert "Plik ma dane kilku jednostek (liczba jednostek: 2" in step.message.value
    step.gmina_search.value = "kwidzyn"
    step.gmina.value = "2207032"
    _bdl(app, "ludnosc.csv", text.encode("utf-8"))
    gus = step.gus
    assert gus.kind == "bdl" and gus.has_sex and gus.teryt == "2207032"
    cells = gus.frame.set_index(["age_band", "sex"])["population"]
    assert cells[("18_29", "male")] == 2 + 10 and cells[("60_plus", "female")] == 15
    assert "Kobiety" in step.gus_view.value and "kobiety i mężczyźni osobno" in step.gus_view.value
    step.name.value = "Kwidzyn wieś"
    _dates(step)
    step.create_button.click()
    raw = read_config(app.session.town)
    assert raw["margins"] == {"bdl": "ludnosc.csv", "gmina": "2207032"}
    assert raw["population"] == (12 + 10 + 10 + 5) + (12 + 10 + 10 + 15)  # men, women


def test_a_bad_bdl_file_is_one_located_message_in_the_librarians_language(app):
    step = app.town
    bad = (
        "Kod;Nazwa;ogółem;0-4;5-59;60 i więcej;\n"
        '2207011;"Kwidzyn (1)";100;10;50;40;\n'
        '2207032;"Kwidzyn (2)";100;10;50;39;\n'
    )
    _bdl(app, "ludnosc.csv", bad.encode("utf-8"))
    message = step.message.value
    assert "ludnosc.csv, wiersz 3, kolumna &#x27;ogółem&#x27;:" in message
    assert "Kwidzyn (2207032)" in message and "dg-error" in message
    assert "dg-live" in step.message._dom_classes and "Traceback" not in message
    assert step.gus is None
    app.lang.value = "en"
    assert "ludnosc.csv, row 3, column &#x27;ogółem&#x27;:" in step.message.value
    app.lang.value = "pl"
    _bdl(app, "ludnosc.csv", b"age_band;population\n18_29;100\n")
    assert "ludnosc.csv, wiersz 1: To nie jest eksport tabeli P2137" in step.message.value
    _bdl(app, "ludnosc.xlsx", b"PK\x03\x04")
    assert "ludnosc.xlsx: Eksport z Banku Danych Lokalnych to plik CSV" in step.message.value
    assert step.gus is None


def test_new_controls_have_labels_and_messages_a_live_region(app):
    step = app.town
    for widget in (step.gmina_search, step.gmina, step.bdl_upload, step.typed_button,
                   step.instrument_upload, step.propose_upload, step.standard_button):  # fmt: skip
        assert widget.description.strip(), widget
    assert step.gmina_search.placeholder and step.gmina_search.description == "Szukaj gminy:"
    app.lang.value = "en"
    assert step.gmina.description == "Gmina (GUS figures):"
    assert step.bdl_upload.description == "Load a newer BDL export (P2137, CSV)"
    step.gmina_search.value = "kwidzyn"
    step.gmina.value = "2207011"
    # the message widget is the live region (the page's script gives it role="status"), so the
    # message itself is only the notice
    assert "dg-live" in step.message._dom_classes
    assert step.message.value.startswith('<div class="dg-notice dg-ok">')
    assert "dg-live" in app.data.status._dom_classes and "dg-live" in app.report.stage._dom_classes


def test_every_box_of_the_margins_table_has_a_name_for_screen_readers(app):
    cells = app.town.cells
    names = {box.description for box in cells.values()}
    assert len(names) == len(cells) == 8
    assert {"Kobiety, wiek 18-29 lat", "Mężczyźni, wiek 60 lat i więcej"} <= names, names
    assert all("dg-sr-label" in box._dom_classes for box in cells.values())
    app.lang.value = "en"
    assert {box.description for box in cells.values()} >= {"Women, age 18-29 years"}


def test_the_page_language_follows_the_switch(app):
    assert "dg-lang-pl" in app.widget._dom_classes
    app.lang.value = "en"
    assert "dg-lang-en" in app.widget._dom_classes and "dg-lang-pl" not in app.widget._dom_classes
    assert app.header.value.startswith("<h1>Community needs diagnosis</h1>")  # the page's title


# ------------------------------------------------------------------ step 1: the questionnaire


def _instrument_upload(app: LibrarianApp, name: str, content: bytes) -> None:
    app.town.instrument_upload.value = as_widget_value([Upload(name, content)])


def test_the_librarian_uploads_their_own_questionnaire(app):
    step = app.town
    assert step.instrument_box.layout.display == "none"  # no town yet
    folder = _create(app)
    assert step.instrument_box.layout.display is None
    assert "resident_survey.xlsx</b> (standardowy" in step.instrument_info.value
    # hiding the standard-questionnaire button hides nothing else
    assert step.standard_button.layout.display == "none"
    for button in (step.create_button, step.open_button, step.margins_upload, step.bdl_upload,
                   step.typed_button, step.instrument_upload):  # fmt: skip
        assert button.layout.display is None, button
    _upload(app, "ankiety.csv", KOBO.read_bytes())
    form = STANDARD_INSTRUMENT.read_bytes()
    n = len(load_instrument(STANDARD_INSTRUMENT).questions)
    _instrument_upload(app, "moja ankieta.xlsx", form)
    assert f"Zapisano kwestionariusz moja ankieta.xlsx (pytań: {n})" in step.message.value
    assert read_config(folder)["instrument"] == "moja ankieta.xlsx"
    assert (folder / "moja ankieta.xlsx").read_bytes() == form
    assert "<b>moja ankieta.xlsx</b>." in step.instrument_info.value
    assert load_town(folder).instrument == folder / "moja ankieta.xlsx"
    assert app.data.validation.ok  # the data step validated again with it
    # a different file of the same name does not replace it
    broken = b"PK\x03\x04 not a workbook"
    _instrument_upload(app, "moja ankieta.xlsx", broken)
    assert "moja ankieta.xlsx: Nie udało się otworzyć formularza XLSForm" in step.message.value
    assert (folder / "moja ankieta.xlsx").read_bytes() == form
    _instrument_upload(app, "ankieta.pdf", b"%PDF")
    assert "ankieta.pdf: Kwestionariusz to skoroszyt XLSForm" in step.message.value
    assert read_config(folder)["instrument"] == "moja ankieta.xlsx"
    step.standard_button.click()
    assert "instrument" not in read_config(folder)
    assert "znów używa standardowego kwestionariusza" in step.message.value
    assert (folder / "moja ankieta.xlsx").exists()


def test_a_questionnaire_made_from_the_answers_export(app):
    pytest.importorskip("diagnosis.annotate", reason="diagnosis.annotate is not written yet")
    from openpyxl import load_workbook

    step = app.town
    assert step.propose_upload.layout.display is None
    folder = _create(app)
    step.propose_upload.value = as_widget_value([Upload("eksport.csv", KOBO.read_bytes())])
    made = folder / "kwestionariusz_eksport.xlsx"
    assert step.proposal == made and made.exists(), step.message.value
    assert 'download="kwestionariusz_eksport.xlsx"' in step.proposal_download.value
    assert "arkusz „uwagi”" in step.proposal_download.value + step.message.value
    assert "uwagi" in load_workbook(made, read_only=True).sheetnames
    assert "Utworzono kwestionariusz kwestionariusz_eksport.xlsx" in step.message.value
    assert read_config(folder)["instrument"] == "kwestionariusz_eksport.xlsx"
    assert len(load_instrument(made).questions) > 0


def _fake_annotate(monkeypatch, calls: list, *, usable: bool = True) -> None:
    """``diagnosis.annotate`` as its API is agreed: propose_instrument, write_xlsform."""
    import importlib.machinery
    import types

    from openpyxl import Workbook, load_workbook

    module = types.ModuleType("diagnosis.annotate")
    module.__spec__ = importlib.machinery.ModuleSpec("diagnosis.annotate", None)

    def propose_instrument(path, *, sheet=None, encoding=None, lang="pl"):
        calls.append((Path(path).name, Path(path).read_bytes()[:20], sheet, encoding, lang))
        return {"from": Path(path).name}

    def write_xlsform(proposal, path):
        if usable:
            book = load_workbook(STANDARD_INSTRUMENT)
        else:
            book = Workbook()
            book.active.title = "choices"
        book.create_sheet("uwagi").append(["pytanie", "uwaga"])
        # saved at another time each call, as two uploads seconds apart are
        book.properties.created = dt.datetime(2026, 1, 1) + dt.timedelta(minutes=len(calls))
        book.save(path)
        return Path(path)

    module.propose_instrument = propose_instrument
    module.write_xlsform = write_xlsform
    monkeypatch.setitem(sys.modules, "diagnosis.annotate", module)


def test_a_questionnaire_made_from_answers_goes_through_the_annotate_api(tmp_path, monkeypatch):
    calls: list = []
    _fake_annotate(monkeypatch, calls)
    app = LibrarianApp(_settings(tmp_path))
    step = app.town
    assert step.propose_upload.layout.display is None
    folder = _create(app)
    app.lang.value = "en"
    step.propose_upload.value = as_widget_value([Upload("eksport.csv", KOBO.read_bytes())])
    assert calls == [("eksport.csv", KOBO.read_bytes()[:20], None, None, "en")]
    made = folder / "kwestionariusz_eksport.xlsx"
    assert step.proposal == made and made.exists(), step.message.value
    assert read_config(folder)["instrument"] == "kwestionariusz_eksport.xlsx"
    assert "check the 'uwagi' (notes) sheet" in step.message.value
    link = step.proposal_download.value
    assert 'download="kwestionariusz_eksport.xlsx"' in link and "Download the questionnaire" in link
    assert 'href="data:application/vnd.openxmlformats' in link and "uwagi" in link
    app.lang.value = "pl"
    assert "Sprawdź arkusz „uwagi”" in step.proposal_download.value
    assert "Pobierz go i sprawdź arkusz „uwagi”" in step.message.value
    # the same export again: the same file, nothing overwritten or doubled
    step.propose_upload.value = as_widget_value([Upload("eksport.csv", KOBO.read_bytes())])
    assert sorted(p.name for p in folder.glob("*.xlsx")) == ["kwestionariusz_eksport.xlsx"]
    _upload(app, "eksport.csv", KOBO.read_bytes())
    assert load_town(folder).instrument == made and app.data.validation.ok


def test_a_proposal_that_cannot_be_used_yet_is_offered_but_not_used(tmp_path, monkeypatch):
    _fake_annotate(monkeypatch, [], usable=False)
    app = LibrarianApp(_settings(tmp_path))
    folder = _create(app)
    app.town.propose_upload.value = as_widget_value([Upload("eksport.csv", KOBO.read_bytes())])
    message = app.town.message.value
    assert (
        "jeszcze nie da się jej użyć: kwestionariusz_eksport.xlsx: W skoroszycie nie ma" in message
    )
    assert "dg-warning" in message and "instrument" not in read_config(folder)
    assert 'download="kwestionariusz_eksport.xlsx"' in app.town.proposal_download.value
    app.town.propose_upload.value = as_widget_value([Upload("eksport.pdf", b"%PDF")])
    assert "eksport.pdf: Nie można wczytać pliku typu .pdf" in app.town.message.value


# ------------------------------------------------------------------ step 2: uploads


@pytest.mark.parametrize("kind", sorted(FORMATS))
def test_demo_files_in_every_format_upload_and_validate(tmp_path, kind):
    slug, file, n = FORMATS[kind]
    app = LibrarianApp(_settings(tmp_path))
    folder = _create(app)
    content = (TOWNS_DIR / slug / file).read_bytes()
    _upload(app, file, content)
    assert (folder / file).read_bytes() == content  # copied byte for byte
    assert read_config(folder)["responses"] == [{"file": file}]
    assert f"(wierszy z odpowiedziami: {n})" in app.data.message.value
    assert app.data.validation is not None and app.data.validation.ok
    assert app.data.validation.n_respondents == n
    assert "Dane są gotowe do analizy" in app.data.status.value


def test_renamed_header_needs_the_mapping_step(app):
    folder = _create(app)
    content = KOBO.read_bytes().replace(b"metryczka/age_band", RENAMED.encode(), 1)
    _upload(app, "eksport.csv", content)
    data = app.data
    # plain-language validation, in Polish, locating the problem
    assert "Dane mają błędy" in data.status.value
    assert "wskaż je niżej w „Przypisaniu kolumn”" in data.status.value
    assert "BŁĘDY — trzeba je poprawić przed analizą" in data.report.value
    assert "Pytania bez kolumny w pliku: 1 przypadek." in data.report.value
    assert "kolumna &#x27;age_band&#x27;" in data.report.value
    # the same in English after the switch
    assert "<b>Plik eksport.csv</b>" in data.mapping_rows.children[0].value
    app.lang.value = "en"
    assert "<b>File eksport.csv</b>" in data.mapping_rows.children[0].value
    assert "The data have errors" in data.status.value
    assert "ERRORS — fix these before the analysis" in data.report.value
    assert "Questions with no column in the file: 1 case." in data.report.value
    app.lang.value = "pl"
    # the mapping offers the unmatched header, with the missing question first
    assert data.mapping_box.layout.display is None
    [(row, drop, missing)] = data.choices
    assert (row.file, row.header, drop.value) == ("eksport.csv", RENAMED, "")
    assert drop.options[1] == ("age_band: Wiek — brak w pliku", "age_band")
    assert drop.description == f"Kolumna {RENAMED} to pytanie"  # its name for a screen reader
    assert "dg-sr-label" in drop._dom_classes
    assert missing == ["age_band"]
    drop.value = "age_band"
    data.save_mapping_button.click()
    assert "Zapisano przypisanie kolumn (1)" in data.message.value
    entry = read_config(folder)["responses"][0]
    assert entry == {"file": "eksport.csv", "columns": {RENAMED: "age_band"}}
    assert data.validation.ok and "Dane są gotowe do analizy" in data.status.value
    assert (folder / "eksport.csv").read_bytes() == content  # the file itself is not edited
    # the package reads the town with the mapping: age bands are there
    checked = validate_town(folder)
    ages = checked.files[0].responses.data["age_band"].value_counts().to_dict()
    assert ages == {"60_plus": 170, "30_44": 61, "45_59": 54, "18_29": 23}
    # and the mapping can be undone
    data.choices[0][1].value = ""
    data.save_mapping_button.click()
    assert read_config(folder)["responses"][0] == {"file": "eksport.csv"}
    assert not data.validation.ok


def test_same_name_is_not_overwritten_without_confirmation(app):
    folder = _create(app)
    first = KOBO.read_bytes()
    _upload(app, "ankiety.csv", first)
    second = first.replace(b"metryczka/sex", b"Plec respondenta", 1)
    _upload(app, "ankiety.csv", second)
    assert app.data.confirm_box.layout.display is None
    assert "Zastąpić go nowym?" in app.data.question.value
    assert [b.description for b in app.data.buttons.children] == ["Zastąp plik", "Anuluj"]
    assert (folder / "ankiety.csv").read_bytes() == first
    app.data.cancel_button.click()
    assert "Anulowano; nic nie zapisano." in app.data.message.value
    assert app.data.confirm_box.layout.display == "none"
    assert (folder / "ankiety.csv").read_bytes() == first
    _upload(app, "ankiety.csv", second)
    app.data.replace_button.click()
    assert (folder / "ankiety.csv").read_bytes() == second
    assert read_config(folder)["responses"] == [{"file": "ankiety.csv"}]
    assert [r.header for r, _, _ in app.data.choices] == ["Plec respondenta"]


def test_a_second_file_is_added_or_replaces_the_list_only_when_asked(app):
    folder = _create(app)
    _upload(app, "pierwszy.csv", KOBO.read_bytes())
    _upload(app, "drugi.csv", KOBO.read_bytes())
    assert "pierwszy.csv" in app.data.question.value
    assert not (folder / "drugi.csv").exists()
    app.data.add_button.click()
    assert [e["file"] for e in read_config(folder)["responses"]] == ["pierwszy.csv", "drugi.csv"]
    # the same export twice: 616 rows read, but each response is counted once (issue #14)
    assert app.data.validation.n_respondents == 2 * 308
    assert app.data.validation.n_distinct == 308
    _upload(app, "trzeci.csv", KOBO.read_bytes())
    app.data.only_new_button.click()
    assert read_config(folder)["responses"] == [{"file": "trzeci.csv"}]
    assert (folder / "pierwszy.csv").exists() and (folder / "drugi.csv").exists()
    assert app.data.validation.n_respondents == app.data.validation.n_distinct == 308


def test_the_same_export_twice_is_counted_once_and_the_copy_can_be_removed(app):
    folder = _create(app)
    _upload(app, "eksport.csv", KOBO.read_bytes())
    assert "Razem w analizie: 308 ankiet." in app.data.status.value
    _upload(app, "eksport (1).csv", KOBO.read_bytes())
    app.data.add_button.click()
    data = app.data
    status = data.status.value
    # the count is each response once, and the data are not "ready"
    assert "Dane są gotowe do analizy" not in status and "590" not in status
    assert "Razem w analizie: 308 ankiet (powtórzone wiersze, których analiza nie liczy: 308)" in (
        status
    )
    assert "Ten sam eksport wczytano więcej niż raz" in status
    assert "616" not in status
    # the finding in the librarian's words, and what the app can do about it
    repeats = data.repeats.value
    assert "Powtórzone ankiety" in repeats and "dg-error" in repeats
    assert "Pliki, które powtarzają inny plik z odpowiedziami" in repeats
    assert "duplicate_file" not in repeats
    assert "pomijane same, nie trzeba ich wykluczać" in repeats
    # the copy's flagged rows are not offered for exclusion: they are not counted anyway
    assert {file for file, _ in data.excludable} == {"eksport.csv"}
    lines = {file: (label.value, button) for file, label, button in data.file_rows}
    assert list(lines) == ["eksport.csv", "eksport (1).csv"]
    assert "powtarza plik eksport.csv" in lines["eksport (1).csv"][0]
    assert "powtarza" not in lines["eksport.csv"][0]
    button = lines["eksport (1).csv"][1]
    assert button.description == "Usuń plik eksport (1).csv z miejscowości"  # named apart
    app.lang.value = "en"
    assert "In the analysis: 308 responses (repeated rows" in data.status.value
    assert "Files that repeat another response file" in data.repeats.value
    assert button.description == "Remove the file eksport (1).csv from the town"
    app.lang.value = "pl"
    # removing the copy: off town.yaml, moved aside into usuniete/, never deleted
    button.click()
    assert read_config(folder)["responses"] == [{"file": "eksport.csv"}]
    assert not (folder / "eksport (1).csv").exists()
    assert (folder / "usuniete" / "eksport (1).csv").read_bytes() == KOBO.read_bytes()
    assert "przeniesiono go do usuniete/eksport (1).csv" in data.message.value
    assert "Dane są gotowe do analizy" in data.status.value
    assert "Razem w analizie: 308 ankiet." in data.status.value
    assert data.repeats.value == "" and [f for f, _, _ in data.file_rows] == ["eksport.csv"]
    # uploading it again and removing it again keeps both copies aside
    _upload(app, "eksport (1).csv", KOBO.read_bytes())
    app.data.add_button.click()
    data.file_rows[1][2].click()
    assert sorted(p.name for p in (folder / "usuniete").iterdir()) == [
        "eksport (1)-2.csv", "eksport (1).csv",
    ]  # fmt: skip
    # the last file too: the town has no responses then, and says so
    data.file_rows[0][2].click()
    assert read_config(folder)["responses"] == []
    assert data.files_box.layout.display == "none" and data.validation is None
    assert (folder / "usuniete" / "eksport.csv").exists()


def test_repeated_rows_in_one_file_are_listed_with_their_rows(app):
    _create(app)
    text = KOBO.read_bytes().decode("utf-8")
    header, first, *rest = text.splitlines(keepends=True)
    _upload(app, "ankiety.csv", (header + first + first + "".join(rest)).encode("utf-8"))
    data = app.data
    assert data.validation.n_respondents == 309 and data.validation.n_distinct == 308
    assert "powtórzone wiersze, których analiza nie liczy: 1" in data.status.value
    assert "Powtórzone ankiety (ta sama ankieta więcej niż raz)" in data.repeats.value
    assert "Wiersze: 3 = wiersz 2" in data.repeats.value


def test_too_large_file_is_refused(tmp_path):
    app = LibrarianApp(_settings(tmp_path, max_upload_bytes=100_000))
    folder = _create(app)
    _upload(app, "duzy.csv", KOBO.read_bytes())  # 128 KB
    message = app.data.message.value
    assert "duzy.csv: Plik jest za duży (125,2 KB; największy dopuszczalny: 97,7 KB)" in message
    assert not (folder / "duzy.csv").exists() and read_config(folder)["responses"] == []
    app.lang.value = "en"
    assert (
        "The file is too large (125.2 KB; the largest allowed: 97.7 KB)" in app.data.message.value
    )


@pytest.mark.parametrize(
    ("name", "content", "pl", "en"),
    [
        ("ankieta.pdf", b"%PDF-1.7", "Nie można wczytać pliku typu .pdf", "of type .pdf cannot"),
        ("ankiety.xlsx", b"sex;age\nfemale;30_44\n", "nie jest plikiem Excel", "not a Excel file"),
        ("dane.sav", b"not spss at all", "nie jest plikiem SPSS", "not a SPSS file"),
        ("dane.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "nie jest plikiem tekstowym", "not a text"),
        ("pusty.csv", b"", "Plik jest pusty (0 bajtów)", "The file is empty (0 bytes)"),
        ("puste.csv", b"\r\n\r\n", "nie ma w nim wiersza nagłówka", "has no header row"),
    ],
)
def test_wrong_files_get_a_clear_message(app, name, content, pl, en):
    folder = _create(app)
    _upload(app, name, content)
    message = app.data.message.value
    assert "dg-error" in message and f"{name}: " in message and pl in message
    assert "Traceback" not in message
    assert not (folder / name).exists() and read_config(folder)["responses"] == []
    app.lang.value = "en"
    assert en in app.data.message.value


def test_upload_before_a_town_is_chosen(app):
    assert app.data.upload.disabled
    assert "Najpierw wybierz albo utwórz miejscowość" in app.data.message.value
    _upload(app, "a.csv", KOBO.read_bytes())
    assert "Najpierw wybierz albo utwórz miejscowość" in app.data.message.value


def test_unexpected_errors_show_no_traceback(app, monkeypatch, capfd):
    _create(app)

    def broken(folder):
        raise RuntimeError("boom")

    monkeypatch.setattr("diagnosis.app.data_step.validate_town", broken)
    _upload(app, "ankiety.csv", KOBO.read_bytes())
    message = app.data.message.value
    assert "Nieoczekiwany błąd programu (RuntimeError)" in message
    assert "boom" not in message and "Traceback" not in message
    assert "RuntimeError: boom" in capfd.readouterr().err  # for the person who runs the app


def test_uploads_never_edit_the_source_and_names_are_made_safe(tmp_path):
    folder = tmp_path / "t"
    folder.mkdir()
    (folder / "town.yaml").write_text(
        "# komentarz zostaje\nname: T\nworkshop: {ideas: pomysly.csv}\nresponses: []\n",
        encoding="utf-8",
    )
    path = save_response_file(folder, "..\\..\\Ankieta – maj?.csv", b"sex\nfemale\n")
    assert path == folder / "Ankieta – maj_.csv"
    with pytest.raises(AppError, match=r"pomysly\.csv"):
        save_response_file(folder, "pomysly.csv", b"x")
    text = (folder / "town.yaml").read_text(encoding="utf-8")
    assert text.startswith("# komentarz zostaje\n")
    write_config(folder, {**read_config(folder), "name": "Ta"})
    assert (folder / "town.yaml").read_text(encoding="utf-8").startswith("# komentarz zostaje\n")


# ------------------------------------------------------------------ steps 3 and 4


def test_preview_shows_sample_and_top_needs(app):
    folder = _create(app)
    _upload(app, "ankiety.csv", KOBO.read_bytes())
    app.preview.button.click()
    results = app.preview.results.value
    assert "Ankiet w analizie: <b>308</b>" in results
    assert "Mieszkańców w wieku 18+: 31\u202f410" in results
    assert results.count('<img src="data:image/svg+xml;base64,') == 2
    top = app.preview.analysis.needs.sort_values("share", ascending=False).iloc[0]
    assert f"<li><b>{top['label_pl']}</b>" in results
    app.lang.value = "en"
    assert "Surveys analysed: <b>308</b>" in app.preview.results.value
    assert f"<li><b>{top['label_en']}</b>" in app.preview.results.value
    # new data make the old preview go away
    _upload(app, "drugi.csv", KOBO.read_bytes())
    app.data.add_button.click()
    assert app.preview.results.value == "" and app.preview.analysis is None
    assert folder.exists()


def test_preview_of_data_with_errors_is_one_message(app):
    _create(app)
    content = KOBO.read_bytes().replace(b"metryczka/age_band", RENAMED.encode(), 1)
    _upload(app, "eksport.csv", content)
    app.preview.button.click()
    message = app.preview.message.value
    assert "dg-error" in message and "age_band" in message
    assert "W danych miejscowości jest błędów: 1" in message
    assert app.preview.results.value == ""


def test_report_step_shows_progress_and_offers_downloads(app, monkeypatch, tmp_path):
    from diagnosis.report import ReportFiles

    folder = _create(app)
    _upload(app, "ankiety.csv", KOBO.read_bytes())
    seen = []

    def fake_render(town, out, *, lang, progress):
        out.mkdir(parents=True)
        for stage in range(1, 5):
            progress(f"[{town.name}] {stage}/4")
            bar = app.report.progress.value
            assert 'role="progressbar"' in bar and 'aria-valuemax="4"' in bar, bar
            done = int(re.search(r'aria-valuenow="(\d+)"', bar)[1])
            seen.append((done, app.report.stage.value, bar))
        (out / "diagnosis.pdf").write_bytes(b"%PDF-1.7 raport")
        (out / "indicators.xlsx").write_bytes(b"PK\x03\x04 wskazniki")
        (out / "e.json").write_text('{"created": "2025-11-30"}', encoding="utf-8")
        (out / "karty_dowodow_Gródek_Łąkowy_2025.docx").write_bytes(b"PK\x03\x04 karty")
        return ReportFiles(out, out / "d.ipynb", out / "d.html", out / "diagnosis.pdf",
                           out / "e.json", out / "i.csv", out / "indicators.xlsx")  # fmt: skip

    monkeypatch.setattr("diagnosis.app.report_step.render_town", fake_render)
    app.report.report_lang.value = "en"
    app.report.button.click()
    assert [v for v, _, _ in seen] == [1, 2, 3, 4]
    assert "Krok 2 z 4: obliczenia (notatnik)…" in seen[1][1]
    assert 'aria-label="Postęp tworzenia raportu"' in seen[1][2]
    assert 'aria-valuetext="Krok 2 z 4: obliczenia (notatnik)…"' in seen[1][2]
    assert 'aria-valuenow="4"' in app.report.progress.value  # full once done
    links = app.report.downloads.value
    # named for the town and the report's year (download_name), the Word sheets too
    assert (
        'download="diagnoza_Gródek_Łąkowy_2025.pdf" '
        'href="data:application/pdf;base64,JVBERi0xLjcgcmFwb3J0"' in links
    )
    assert 'download="wskazniki_Gródek_Łąkowy_2025.xlsx"' in links
    assert "Pobierz wskaźniki (Excel)" in links
    assert 'download="karty_dowodow_Gródek_Łąkowy_2025.docx"' in links
    assert "Pobierz karty dowodów (Word)" in links
    assert "wordprocessingml" in links
    assert "Raport gotowy" in app.report.message.value
    assert str(tmp_path / "reports" / "grodek-lakowy") in app.report.message.value
    app.lang.value = "en"
    assert "Download the report (PDF)" in app.report.downloads.value
    assert folder.name == "grodek-lakowy"


def test_the_commentary_is_saved_as_komentarz_txt_for_the_report(app):
    step = app.report
    assert step.commentary_box.layout.display == "none"  # no town yet
    folder = _create(app)
    _upload(app, "ankiety.csv", KOBO.read_bytes())
    assert step.commentary_box.layout.display is None and step.commentary.value == ""
    assert step.commentary.description == "Komentarz do raportu:"  # its label
    assert "dg-live" in step.commentary_status._dom_classes
    text = "Ankiety zbierała Anna Kowalska (tel. 601 234 567).\r\nDziękujemy mieszkańcom!"
    step.commentary.value = text
    step.commentary_button.click()
    assert (folder / "komentarz.txt").read_bytes() == text.replace("\r\n", "\n").encode("utf-8")
    assert read_config(folder)["commentary"] == "komentarz.txt"
    assert load_town(folder).commentary == text.replace("\r\n", "\n")
    status = step.commentary_status.value
    assert "Zapisano komentarz (" in status and "komentarz.txt" in status
    app.lang.value = "en"
    assert "The commentary (" in step.commentary_status.value
    assert step.commentary.description == "Commentary for the report:"
    app.lang.value = "pl"
    # another town and back: the box shows each town's own commentary
    app.town.open_town()
    assert step.commentary.value == text.replace("\r\n", "\n")
    assert step.commentary_status.value == ""
    # too long for the report: refused, nothing written
    step.commentary.value = "x" * 10_001
    step.commentary_button.click()
    assert "raport przyjmuje najwyżej 10000" in step.message.value
    assert load_town(folder).commentary == text.replace("\r\n", "\n")
    step.commentary.value = "  "
    step.commentary_button.click()
    assert "Zapisano pusty komentarz" in step.commentary_status.value
    assert load_town(folder).commentary is None


def test_report_errors_are_one_readable_message(app, monkeypatch):
    from diagnosis.evidence import ReportError

    _create(app)
    _upload(app, "ankiety.csv", KOBO.read_bytes())

    def failing(*args, **kwargs):
        raise ReportError(pl="Notatnik zatrzymał się.", en="The notebook stopped.", file="x.ipynb")

    monkeypatch.setattr("diagnosis.app.report_step.render_town", failing)
    app.report.button.click()
    assert "x.ipynb: Notatnik zatrzymał się." in app.report.message.value
    assert app.report.downloads.value == "" and not app.report.button.disabled


# ------------------------------------------------------------------ language, settings, command


def test_every_text_exists_in_both_languages_with_polish_letters():
    for key, (pl, en) in TEXTS.items():
        assert pl.strip() and en.strip(), key
    polish = "".join(pl for pl, _ in TEXTS.values())
    assert set("ąćęłńóśźż") <= set(polish)
    assert say("pl", "s4_title") == "4. Raport" and say("en", "s4_title") == "4. The report"


def test_language_switch_relabels_the_whole_app(app):
    buttons = [app.town.open_button, app.town.create_button, app.data.save_mapping_button,
               app.data.recheck_button, app.preview.button, app.report.button]  # fmt: skip
    polish = [b.description for b in buttons]
    titles = [s.title.value for s in (app.town, app.data, app.preview, app.report)]
    app.lang.value = "en"
    assert [b.description for b in buttons] == [
        "Open", "Create the town", "Save the column mapping", "Check the data again",
        "Show the results", "Make the report (PDF)",
    ]  # fmt: skip
    assert polish == [
        "Otwórz", "Utwórz miejscowość", "Zapisz przypisanie kolumn", "Sprawdź dane ponownie",
        "Pokaż wyniki", "Utwórz raport (PDF)",
    ]  # fmt: skip
    assert "Your data stay on this computer" in app.privacy.value
    assert "Women" in app.town._sex_labels[0].value
    assert app.report.report_lang.value == "en"
    app.lang.value = "pl"
    assert [s.title.value for s in (app.town, app.data, app.preview, app.report)] == titles
    assert "Dane zostają na tym komputerze" in app.privacy.value
    assert "Aplikacja niczego nie wysyła do internetu" in app.privacy.value


def test_settings_come_from_the_environment(tmp_path):
    env = {"DIAGNOSIS_TOWNS_DIR": str(tmp_path / "m"), "DIAGNOSIS_REPORTS_DIR": str(tmp_path / "r"),
           "DIAGNOSIS_LANG": "en", "DIAGNOSIS_MAX_UPLOAD_MB": "0.5"}  # fmt: skip
    s = AppSettings.from_environment(env)
    assert (s.towns_dir, s.reports_dir, s.lang) == (tmp_path / "m", tmp_path / "r", "en")
    assert s.max_upload_bytes == 524288
    assert AppSettings.from_environment(s.environment()) == s
    with pytest.raises(AppError, match="DIAGNOSIS_MAX_UPLOAD_MB"):
        AppSettings.from_environment({"DIAGNOSIS_MAX_UPLOAD_MB": "dużo"})
    assert AppSettings.from_environment({}).towns_dir == TOWNS_DIR


def test_app_command_help_and_a_busy_port(tmp_path, capsys):
    with pytest.raises(SystemExit) as done:
        main(["app", "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert "--towns-dir" in out and "--port" in out and "127.0.0.1" in out
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code = main(["app", "--port", str(port), "--towns-dir", str(tmp_path / "t")])
    assert code == 2
    assert f"Port {port} jest zajęty" in capsys.readouterr().err
    assert not (tmp_path / "t").exists()


def _fake_voila(code: str):
    """A stand-in for Voilà: a Python one-liner run with the port as its argument."""

    def command(port, *, config_dir, notebook=None):
        assert (Path(config_dir) / "voila.json").exists()
        return [sys.executable, "-c", code, str(port)]

    return command


def test_serve_prints_the_address_in_the_chosen_language(tmp_path, monkeypatch):
    listen = (
        "import socket, sys, time; s = socket.socket(); "
        "s.bind(('127.0.0.1', int(sys.argv[1]))); s.listen(); time.sleep(1.5)"
    )
    monkeypatch.setattr("diagnosis.app.server.voila_command", _fake_voila(listen))
    lines: list[str] = []
    handler = signal.getsignal(signal.SIGTERM)
    settings = _settings(tmp_path, lang="en")
    assert serve(settings, port=None, say_line=lines.append) == 0
    assert lines[0] == "Starting the app…"
    assert re.match(r"The app is running at http://127\.0\.0\.1:\d+/\n", lines[1])
    assert f"Towns: {tmp_path / 'towns'}." in lines[1] and "press Ctrl+C" in lines[1]
    assert signal.getsignal(signal.SIGTERM) is handler  # put back afterwards
    monkeypatch.setattr("diagnosis.app.server.voila_command", _fake_voila("raise SystemExit(3)"))
    lines.clear()
    assert serve(_settings(tmp_path), say_line=lines.append) == 1
    assert lines[-1].startswith(
        "Nie udało się uruchomić aplikacji (Voilà zakończyła pracę z kodem 3)"
    )


def _http(port: int, path: str, host: str, origin: str | None = None) -> tuple[int, bytes]:
    """A raw GET as a (possibly hostile) browser would send it: status and body."""
    head = f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n"
    if origin is not None:
        head += f"Origin: {origin}\r\n"
    if path.endswith("/channels"):
        head += ("Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                 "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n")  # fmt: skip
    with socket.create_connection(("127.0.0.1", port), timeout=120) as s:
        s.sendall((head + "\r\n").encode())
        data = b""
        while chunk := s.recv(65536):
            data += chunk
            if path.endswith("/channels") and b"\r\n\r\n" in data:
                break
    status = int(data.split(b" ", 2)[1])
    return status, data.partition(b"\r\n\r\n")[2]


def test_the_app_is_trusted_in_a_store_of_its_own_and_its_kernels_use_local_sockets(tmp_path):
    import json

    import nbformat
    from nbformat.sign import NotebookNotary

    from diagnosis.app.server import APP_NOTEBOOK, voila_config

    config = json.loads(voila_config(tmp_path, 1024).read_text(encoding="utf-8"))
    assert config["KernelManager"] == {"transport": "ipc"}
    store = config["NotebookNotary"]
    assert Path(store["db_file"]).parent == tmp_path == Path(store["secret_file"]).parent
    app = nbformat.read(str(APP_NOTEBOOK), as_version=4)
    assert NotebookNotary(**store).check_signature(app)
    app.cells[0].source += "\n# changed"
    assert not NotebookNotary(**store).check_signature(app)  # only the notebook as shipped


def test_the_app_answers_only_to_this_computer(tmp_path):
    """DNS rebinding: a page of evil.example, resolved to 127.0.0.1, gets nothing."""
    port = free_port()
    log = tmp_path / "app.log"
    with open(log, "w", encoding="utf-8") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "diagnosis.cli", "app", "--port", str(port),
             "--towns-dir", str(tmp_path / "towns"), "--reports-dir", str(tmp_path / "reports")],
            stdout=out, stderr=subprocess.STDOUT, env={**os.environ, "DIAGNOSIS_LANG": "en"},
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while f"http://127.0.0.1:{port}/" not in log.read_text(encoding="utf-8"):
            assert process.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        here = f"127.0.0.1:{port}"
        for path in ("/", "/voila/static/voila.js", "/api/kernels"):
            status, body = _http(port, path, "evil.example")
            assert status == 403 and b"kernel" not in body.lower(), path
            assert _http(port, path, f"evil.example:{port}")[0] == 403, path
            assert _http(port, path, here, origin="http://evil.example")[0] == 403, path
            assert _http(port, path, here, origin=f"http://evil.example:{port}")[0] == 403, path
        assert _http(port, "/voila/static/voila.js", here, origin="http://localhost:1")[0] == 403
        assert _http(port, "/voila/static/voila.js", here, origin="null")[0] == 403
        for host in (f"localhost:{port}", f"[::1]:{port}", here, "localhost"):
            assert _http(port, "/voila/static/voila.js", host)[0] == 200, host
        for origin in (f"http://localhost:{port}", f"http://127.0.0.1:{port}"):
            assert _http(port, "/voila/static/voila.js", here, origin=origin)[0] == 200, origin
        status, page = _http(port, "/", here)
        assert status == 200
        kernel = re.search(rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", page)
        assert kernel is not None
        channels = f"/api/kernels/{kernel.group().decode()}/channels"
        rebound = f"evil.example:{port}"
        assert _http(port, channels, rebound, origin=f"http://{rebound}")[0] == 403
        assert _http(port, channels, here, origin="http://evil.example")[0] == 403
        # the kernel of that page started; nothing alarming in the librarian's terminal
        # (before: "Notebook app.ipynb is not trusted", "Kernel is running over TCP ...")
        printed = log.read_text(encoding="utf-8")
        assert "Kernel started" in printed and "WARNING" not in printed, printed
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# ------------------------------------------------------------------ columns: in town.yaml


def test_reader_applies_a_column_mapping(tmp_path):
    ins = load_instrument(STANDARD_INSTRUMENT)
    path = tmp_path / "k.csv"
    path.write_bytes(KOBO.read_bytes().replace(b"metryczka/age_band", RENAMED.encode(), 1))
    plain = read_responses(path, ins)
    assert plain.unmatched() == (RENAMED,) and "age_band" not in plain.data
    mapped = read_responses(path, ins, columns={RENAMED: "age_band", "Nie ma": "sex"})
    assert mapped.unmatched() == ()
    assert mapped.data["age_band"].notna().sum() == 308
    [header] = [h for h in mapped.headers if h.column == "age_band"]
    assert (header.source, header.how) == (RENAMED, "name")  # the header as written
    assert mapped.warnings[-1][0].startswith("Przypisanie kolumn: w pliku nie ma nagłówka „Nie ma”")
    unchanged = read_responses(KOBO, ins, columns={})
    assert unchanged.headers == read_responses(KOBO, ins).headers


def test_town_yaml_columns_are_read_and_checked(tmp_path):
    folder = tmp_path / "t"
    shutil.copytree(KWIDZYN, folder, ignore=shutil.ignore_patterns("wave*"))
    raw = read_config(folder)
    raw["responses"] = [{"file": raw["responses"][0]["file"], "columns": {" A ": "age_band"}}]
    write_config(folder, raw)
    assert load_town(folder).responses[0].columns == (("A", "age_band"),)
    assert load_town(KWIDZYN).responses[0].columns == ()
    raw["responses"][0]["columns"] = ["age_band"]
    write_config(folder, raw)
    with pytest.raises(TownConfigError) as caught:
        load_town(folder)
    assert "responses[1].columns" in caught.value.message("pl")
    assert "Pole columns to słownik" in caught.value.message("pl")


def test_the_app_reads_town_yaml_as_strictly_as_load_town(tmp_path):
    from diagnosis.errors import TownConfigError

    folder = tmp_path / "bomb"
    folder.mkdir()
    lol = "\n".join(f"l{i}: &l{i} [*l{i - 1}, *l{i - 1}, *l{i - 1}]" for i in range(1, 9))
    (folder / "town.yaml").write_text(f"l0: &l0 [x]\n{lol}\nname: Bomba\n", encoding="utf-8")
    with pytest.raises(TownConfigError) as info:
        read_config(folder)
    assert info.value.file == folder / "town.yaml" and info.value.row is not None


def test_the_app_takes_no_questionnaire_from_outside_the_town_folder(tmp_path):
    from diagnosis.app.data_step import DataStep
    from diagnosis.errors import TownConfigError

    folder = tmp_path / "towns" / "x"
    folder.mkdir(parents=True)
    (tmp_path / "secret.xlsx").write_bytes(b"not for the app")
    write_config(folder, {"name": "X", "instrument": "../../secret.xlsx"})
    step = DataStep.__new__(DataStep)  # only the questionnaire lookup is exercised
    with pytest.raises(TownConfigError) as info:
        step._instrument(folder)
    assert info.value.column == "instrument" and "poza folder" in info.value.message("pl")


# ------------------------------------------------------------------ step 2: excluding rows


def test_flagged_rows_can_be_excluded_and_the_count_follows(app):
    from diagnosis.clean import clean_town

    folder = _create(app)
    _upload(app, "ankiety.csv", KOBO.read_bytes())
    data = app.data
    assert "Razem w analizie: 308 ankiet." in data.status.value
    assert "Zespół wykluczył" not in data.status.value
    # Kwidzyn's file: 14 rows too fast, 12 straight-lined, 6 of them both
    assert data.exclude_box.layout.display is None and len(data.excludable) == 20
    assert data.exclude_title.value == "<h3>Wykluczanie wierszy z analizy</h3>"
    codes, box = data.excludable[("ankiety.csv", 35)]
    assert codes == ["straight_lining", "too_fast"] and box.value is False
    assert box.description == (
        "Wyklucz z analizy: plik ankiety.csv, wiersz 35 (Ta sama odpowiedź na całą baterię "
        "pytań; Ankiety wypełnione podejrzanie szybko)"
    )  # its name for a screen reader
    assert "dg-exclude-row" in box._dom_classes
    assert data.save_exclude_button.description == "Zapisz wykluczenia"
    box.value = True
    data.excludable[("ankiety.csv", 100)][1].value = True
    data.save_exclude_button.click()
    assert "Zapisano wykluczenia (wykluczone z analizy: 2 wiersze)" in data.message.value
    assert "dg-live" in data.message._dom_classes
    raw = read_config(folder)
    assert raw["exclude"] == [
        {"file": "ankiety.csv", "row": 35},
        {"file": "ankiety.csv", "row": 100},
    ]
    # the other keys and the comment lines at the top stay
    assert raw["name"] == "Gródek Łąkowy" and raw["responses"] == [{"file": "ankiety.csv"}]
    assert raw["margins"]["source"] == "GUS BDL, 2024"
    assert (folder / "town.yaml").read_text(encoding="utf-8").startswith("# Utworzono w aplikacji")
    assert (folder / "ankiety.csv").read_bytes() == KOBO.read_bytes()  # the file is not edited
    # the counts are those after the exclusions, and the package's loader and cleaning agree
    assert "Razem w analizie: 306 ankiet. Zespół wykluczył z analizy 2 wiersze." in (
        data.status.value
    )
    assert data.excludable[("ankiety.csv", 35)][1].value  # shown again, ticked
    assert [(e.file, e.row) for e in load_town(folder).exclusions] == [
        ("ankiety.csv", 35),
        ("ankiety.csv", 100),
    ]
    cleaned = clean_town(validate_town(folder))
    assert cleaned.n == 306
    assert cleaned.excluded["source_row"].tolist() == [35, 100]
    app.lang.value = "en"
    assert "In the analysis: 306 responses. The team excluded 2 rows from the analysis." in (
        data.status.value
    )
    assert data.excludable[("ankiety.csv", 35)][1].description == (
        "Exclude from the analysis: file ankiety.csv, row 35 (The same answer to a whole "
        "battery of questions; Surveys completed implausibly fast)"
    )
    assert "excluded from the analysis: 2 rows" in data.message.value
    app.lang.value = "pl"
    # untick one: one row left, the right Polish form
    data.excludable[("ankiety.csv", 100)][1].value = False
    data.save_exclude_button.click()
    assert "(wykluczone z analizy: 1 wiersz)" in data.message.value
    assert "Razem w analizie: 307 ankiet. Zespół wykluczył z analizy 1 wiersz." in (
        data.status.value
    )
    assert read_config(folder)["exclude"] == [{"file": "ankiety.csv", "row": 35}]
    # untick all: the key goes
    data.excludable[("ankiety.csv", 35)][1].value = False
    data.save_exclude_button.click()
    assert "exclude" not in read_config(folder)
    assert "Razem w analizie: 308 ankiet." in data.status.value


def test_excluding_keeps_hand_written_reasons_and_rows_and_caps_the_list(app, monkeypatch):
    folder = _create(app)
    _upload(app, "ankiety.csv", KOBO.read_bytes())
    raw = read_config(folder)
    raw["exclude"] = [
        {"file": "ankiety.csv", "row": 100, "reason": "ankieta testowa"},
        {"file": "ankiety.csv", "rows": [3]},  # not flagged: typed by hand
    ]
    raw["fieldwork"]["end"] = dt.date(2026, 4, 20)  # rows 276-309 start after the end
    write_config(folder, raw)
    monkeypatch.setattr("diagnosis.app.data_step.MAX_SHOWN", 5)
    data = app.data
    data.recheck_button.click()
    # the rows already excluded are always shown, ticked; then the first flagged rows
    assert [k[1] for k in data.excludable] == [3, 35, 49, 54, 100]
    assert all(data.excludable[("ankiety.csv", r)][1].value for r in (3, 100))
    assert data.excludable[("ankiety.csv", 3)][1].description.endswith(
        "wiersz 3 (wpisany w town.yaml)"
    )
    # 20 flagged by their answers, 34 outside the fieldwork (2 of them both), 1 typed
    assert "Pokazano 5 z 53 oznaczonych wierszy" in data.exclude_more.value
    monkeypatch.setattr("diagnosis.app.data_step.MAX_SHOWN", 100)
    data.recheck_button.click()
    late = data.excludable[("ankiety.csv", 309)]
    assert late[0] == ["outside_fieldwork"] and "Ankiety z datą spoza okresu badania" in (
        late[1].description
    )
    assert sum("outside_fieldwork" in codes for codes, _ in data.excludable.values()) == 34
    late[1].value = True
    data.save_exclude_button.click()
    assert read_config(folder)["exclude"] == [
        {"file": "ankiety.csv", "row": 3},
        {"file": "ankiety.csv", "row": 100, "reason": "ankieta testowa"},
        {"file": "ankiety.csv", "row": 309},
    ]
    assert "Zespół wykluczył z analizy 3 wiersze." in data.status.value
    # taking the file off the town takes its exclusions with it: the town still loads
    data.file_rows[0][2].click()
    assert "exclude" not in read_config(folder)
