"""diagnosis.town: the town.yaml schema and its located errors."""

import dataclasses
import datetime as dt
import textwrap

import pytest

from diagnosis.errors import TownConfigError
from diagnosis.town import STANDARD_INSTRUMENT, find_towns, find_waves, load_town

GOOD = """\
name: Próbowo
synthetic: true
population: 1200
margins:
  source: "dane testowe"
  cells:
    - {age_band: "18_29", sex: female, population: 100}
    - {age_band: "18_29", sex: male, population: 110}
fieldwork: {start: 2026-03-02, end: 2026-04-17}
recruitment: "W bibliotece"
responses:
  - file: odpowiedzi.csv
  - {file: arkusz.xlsx, sheet: Odpowiedzi}
districts: {centrum: "Śródmieście"}
workshop:
  ideas: pomysly.csv
"""


def _town(tmp_path, text=GOOD, files=("odpowiedzi.csv", "arkusz.xlsx", "pomysly.csv")):
    folder = tmp_path / "probowo"
    folder.mkdir()
    (folder / "town.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    for name in files:
        (folder / name).write_text("x\n", encoding="utf-8")
    return folder


def test_a_good_town_loads_with_paths_resolved(tmp_path):
    town = load_town(_town(tmp_path))
    assert town.slug == "probowo" and town.name == "Próbowo" and town.synthetic
    assert town.population == 1200
    assert town.margins.to_dict("records") == [
        {"age_band": "18_29", "sex": "female", "population": 100},
        {"age_band": "18_29", "sex": "male", "population": 110},
    ]
    assert town.margins_source == "dane testowe"
    assert [r.path.name for r in town.responses] == ["odpowiedzi.csv", "arkusz.xlsx"]
    assert town.responses[1].sheet == "Odpowiedzi"
    assert town.responses[0].path.is_absolute()
    assert town.fieldwork_start == dt.date(2026, 3, 2)
    assert town.districts["centrum"] == "Śródmieście"
    assert town.workshop_ideas.name == "pomysly.csv" and town.assets is None
    assert town.instrument == STANDARD_INSTRUMENT


@pytest.mark.parametrize(
    ("change", "key", "fragment_pl"),
    [
        (("population: 1200", "population: dużo"), "population", "liczbę mieszkańców"),
        (('source: "dane testowe"', "source: ''"), "margins.source", "źródło"),
        (("odpowiedzi.csv", "brak.csv"), "responses[1].file", "Nie ma pliku 'brak.csv'"),
        (("end: 2026-04-17", "end: 2026-01-17"), "fieldwork", "wcześniej"),
        (("start: 2026-03-02", "start: 02.03.2026"), "fieldwork.start", "RRRR-MM-DD"),
        (("population: 110}", "population: -1}"), "margins.cells[2]", "nieujemną"),
        (("name: Próbowo", "name: ''"), "name", "nazwę"),
    ],
)
def test_errors_name_the_key(tmp_path, change, key, fragment_pl):
    folder = _town(tmp_path, GOOD.replace(*change))
    with pytest.raises(TownConfigError) as info:
        load_town(folder)
    assert info.value.column == key
    assert fragment_pl in info.value.message("pl")
    assert "town.yaml" in info.value.message("en")


def test_yaml_syntax_error_gives_the_line(tmp_path):
    folder = _town(tmp_path, GOOD.replace("recruitment:", "recruitment: [oops"))
    with pytest.raises(TownConfigError) as info:
        load_town(folder)
    assert info.value.row is not None and info.value.row >= 10
    assert "składni" in info.value.message("pl")


def test_duplicate_margin_cell(tmp_path):
    text = GOOD.replace("sex: male, population: 110", "sex: female, population: 110")
    with pytest.raises(TownConfigError) as info:
        load_town(_town(tmp_path, text))
    assert "18_29 x female" in info.value.message("en")


def test_missing_town_yaml(tmp_path):
    with pytest.raises(TownConfigError) as info:
        load_town(tmp_path)
    assert "town.yaml" in info.value.message("pl")


def test_find_towns(tmp_path):
    _town(tmp_path)
    (tmp_path / "not_a_town").mkdir()
    assert [p.name for p in find_towns(tmp_path)] == ["probowo"]


def test_a_later_wave_lives_in_a_subfolder_and_is_not_a_town_of_its_own(tmp_path):
    base = _town(tmp_path)
    later = base / "wave2"
    later.mkdir()
    text = GOOD.replace("name: Próbowo", "name: Próbowo\nwave: 2")
    text = text.replace("workshop:\n  ideas: pomysly.csv\n", "")
    text += "innovation: {title: Klub sąsiedzki, start: 2026-09-01}\n"
    (later / "town.yaml").write_text(text, encoding="utf-8")
    for name in ("odpowiedzi.csv", "arkusz.xlsx"):
        (later / name).write_text("x\n", encoding="utf-8")
    first, second = load_town(base), load_town(later)
    assert (first.wave, first.innovation, first.base_slug) == (1, None, "probowo")
    assert (second.wave, second.slug, second.base_slug) == (2, "probowo-wave2", "probowo")
    assert second.innovation == "Klub sąsiedzki"
    assert second.innovation_start == dt.date(2026, 9, 1)
    assert [p.name for p in find_waves(base)] == ["wave2"]
    assert [p.name for p in find_towns(tmp_path)] == ["probowo"]


@pytest.mark.parametrize(
    ("extra", "key"),
    [("wave: 0\n", "wave"), ("wave: dwa\n", "wave"), ("innovation: {start: 2026-09-01}\n",
                                                      "innovation")],
)  # fmt: skip
def test_bad_wave_or_innovation_names_the_key(tmp_path, extra, key):
    with pytest.raises(TownConfigError) as info:
        load_town(_town(tmp_path, GOOD + extra))
    assert info.value.column == key


# ------------------------------------------------------------ paths and hostile configuration


def _refused(folder, key):
    with pytest.raises(TownConfigError) as info:
        load_town(folder)
    err = info.value
    assert err.column == key and str(err.file).endswith("town.yaml")
    assert "poza folder miejscowości" in err.message("pl")
    assert "outside the town folder" in err.message("en")
    return err


@pytest.mark.parametrize(
    ("change", "key"),
    [
        (("- file: odpowiedzi.csv", "- file: ../../../../../../../../etc/passwd"),
         "responses[1].file"),
        (("- file: odpowiedzi.csv", "- file: /etc/passwd"), "responses[1].file"),
        (("ideas: pomysly.csv", "ideas: ../sekret.csv"), "workshop.ideas"),
        (("ideas: pomysly.csv", "ideas: pomysly.csv\n  assets: ../sekret.csv"), "workshop.assets"),
        (("recruitment:", "instrument: ../sekret.csv\nrecruitment:"), "instrument"),
    ],
)  # fmt: skip
def test_a_path_leading_outside_the_town_folder_is_refused(tmp_path, change, key):
    (tmp_path / "sekret.csv").write_text("root:x:0:0:tajne\n", encoding="utf-8")
    err = _refused(_town(tmp_path, GOOD.replace(*change)), key)
    assert "tajne" not in err.message("pl") and "root:x" not in err.message("en")


def test_a_symlink_inside_the_folder_pointing_outside_is_refused(tmp_path):
    secret = tmp_path / "sekret.csv"
    secret.write_text("tajne\n", encoding="utf-8")
    folder = _town(tmp_path, files=("arkusz.xlsx", "pomysly.csv"))
    (folder / "odpowiedzi.csv").symlink_to(secret)
    _refused(folder, "responses[1].file")
    # a symlink that stays inside the folder is fine
    (folder / "odpowiedzi.csv").unlink()
    (folder / "dane.csv").write_text("x\n", encoding="utf-8")
    (folder / "odpowiedzi.csv").symlink_to(folder / "dane.csv")
    assert load_town(folder).responses[0].path == folder / "dane.csv"


def test_a_town_yaml_that_is_a_symlink_to_elsewhere_is_refused(tmp_path):
    folder = _town(tmp_path)
    (tmp_path / "inny.yaml").write_text((folder / "town.yaml").read_text(encoding="utf-8"))
    (folder / "town.yaml").unlink()
    (folder / "town.yaml").symlink_to(tmp_path / "inny.yaml")
    with pytest.raises(TownConfigError) as info:
        load_town(folder)
    assert "poza folder miejscowości" in info.value.message("pl")


def test_the_questionnaire_may_come_from_the_shared_instruments_folder(tmp_path):
    towns = tmp_path / "surveys" / "towns"
    towns.mkdir(parents=True)
    shared = tmp_path / "surveys" / "instruments"
    shared.mkdir()
    (shared / "ankieta.xlsx").write_text("x", encoding="utf-8")
    text = GOOD.replace("recruitment:", "instrument: ../../instruments/ankieta.xlsx\nrecruitment:")
    town = load_town(_town(towns, text))
    assert town.instrument == shared / "ankieta.xlsx"
    # the project's own instruments folder, by absolute path
    text = GOOD.replace("recruitment:", f"instrument: {STANDARD_INSTRUMENT}\nrecruitment:")
    (towns / "probowo" / "town.yaml").write_text(text, encoding="utf-8")
    assert load_town(towns / "probowo").instrument == STANDARD_INSTRUMENT
    # ... but only the questionnaire: a response file there is refused
    text = GOOD.replace("- file: odpowiedzi.csv", "- file: ../../instruments/ankieta.xlsx")
    (towns / "probowo" / "town.yaml").write_text(text, encoding="utf-8")
    _refused(towns / "probowo", "responses[1].file")


BOMB = """\
districts:
  a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
  d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
"""


def test_a_yaml_alias_bomb_is_refused_with_its_line(tmp_path):
    text = GOOD.replace('districts: {centrum: "Śródmieście"}\n', BOMB)
    with pytest.raises(TownConfigError) as info:
        load_town(_town(tmp_path, text))
    err = info.value
    assert err.column == "districts.a" and err.row == 15
    assert "kotwic" in err.message("pl") and "anchors" in err.message("en")


def test_an_alias_alone_is_refused_too(tmp_path):
    text = GOOD.replace('source: "dane testowe"', 'source: &zrodlo "dane testowe"')
    text = text.replace('recruitment: "W bibliotece"', "recruitment: *zrodlo")
    with pytest.raises(TownConfigError) as info:
        load_town(_town(tmp_path, text))
    assert info.value.column == "margins.source" and info.value.row == 5


def test_an_oversized_town_yaml_is_refused_before_it_is_parsed(tmp_path):
    text = GOOD + "# " + "x" * 1_100_000 + "\n"
    with pytest.raises(TownConfigError) as info:
        load_town(_town(tmp_path, text))
    assert "1 MB" in info.value.message("pl") and info.value.column is None


@pytest.mark.parametrize(
    ("change", "key", "fragment_en"),
    [
        (('districts: {centrum: "Śródmieście"}',
          "districts: {" + ", ".join(f"d{i}: D{i}" for i in range(201)) + "}"),
         "districts", "at most 200"),
        (('districts: {centrum: "Śródmieście"}', "districts: {centrum: [a, b]}"),
         "districts.centrum", "text"),
        (('districts: {centrum: "Śródmieście"}', "districts: {centrum: " + "x" * 201 + "}"),
         "districts.centrum", "200 characters"),
        (("name: Próbowo", "name: " + "P" * 201), "name", "200 characters"),
        (('recruitment: "W bibliotece"', "recruitment: " + "w" * 2001), "recruitment",
         "2000 characters"),
        (('recruitment: "W bibliotece"', "recruitment: [a, b]"), "recruitment", "text"),
        (('recruitment: "W bibliotece"', "recruitment: " + "[" * 30 + "]" * 30),
         "recruitment", "nested"),
    ],
)  # fmt: skip
def test_sizes_and_kinds_of_values_are_capped(tmp_path, change, key, fragment_en):
    with pytest.raises(TownConfigError) as info:
        load_town(_town(tmp_path, GOOD.replace(*change)))
    assert info.value.column == key
    assert fragment_en in info.value.message("en")


@pytest.mark.parametrize(
    ("change", "key", "fragment_pl"),
    [
        (("population: 1200", "population: 2000001"), "population", "2 000 000"),
        (("population: 1200", "population: 0"), "population", "większą od zera"),
        (("population: 1200", "population: -40"), "population", "większą od zera"),
        (("population: 100}", "population: 2000001}"), "margins.cells[1]", "2 000 000"),
        (("population: 100}", "population: .nan}"), "margins.cells[1]", "nieujemną"),
        (("population: 100}", "population: .inf}"), "margins.cells[1]", "nieujemną"),
    ],
)
def test_an_absurd_population_is_refused(tmp_path, change, key, fragment_pl):
    with pytest.raises(TownConfigError) as info:
        load_town(_town(tmp_path, GOOD.replace(*change)))
    assert info.value.column == key
    assert fragment_pl in info.value.message("pl")


def test_margins_that_are_all_zero_are_refused(tmp_path):
    text = GOOD.replace("population: 100}", "population: 0}").replace(
        "population: 110}", "population: 0}"
    )
    with pytest.raises(TownConfigError) as info:
        load_town(_town(tmp_path, text))
    assert info.value.column == "margins.cells"
    assert "same zera" in info.value.message("pl") and "all zero" in info.value.message("en")


def test_nesting_through_complex_keys_is_capped_too(tmp_path):
    text = GOOD + "? " * 5000 + "x\n"
    with pytest.raises(TownConfigError) as info:
        load_town(_town(tmp_path, text))
    assert "nested" in info.value.message("en")


# ---------------------------------------------------------------- margins from GUS figures

CELLS = """\
margins:
  source: "dane testowe"
  cells:
    - {age_band: "18_29", sex: female, population: 100}
    - {age_band: "18_29", sex: male, population: 110}
"""


def _gus(tmp_path, margins, population="population: 1200\n", files=()):
    text = GOOD.replace(CELLS, margins).replace("population: 1200\n", population)
    folder = _town(tmp_path, text)
    for name, content in files:
        (folder / name).write_bytes(content)
    return folder


def test_margins_from_the_gmina_table_are_age_only_and_cite_gus(tmp_path):
    town = load_town(_gus(tmp_path, 'margins: {gmina: "2207011"}\n', population=""))
    assert town.margin_variables == ("age_band",)
    assert town.margins.to_dict("records") == [
        {"age_band": "18_29", "population": 5102},
        {"age_band": "30_44", "population": 9320},
        {"age_band": "45_59", "population": 7089},
        {"age_band": "60_plus", "population": 9341},
    ]
    assert town.population == 30852  # left out: the sum of the bands
    assert (town.margins_kind, town.teryt) == ("gmina", "2207011")
    for cited in ("GUS, Bank Danych Lokalnych", "P2137", "31.12.2020", "2/5", "15-19"):
        assert cited in town.margins_source


def test_an_unquoted_teryt_code_is_read_as_meant(tmp_path):
    # YAML reads 0201011 as the octal number 66057
    assert load_town(_gus(tmp_path, "margins: {gmina: 0201011}\n")).teryt == "0201011"


@pytest.mark.parametrize(
    ("margins", "key", "fragment_en"),
    [
        ('margins: {gmina: "1465028"}\n', "margins.gmina", "1465011"),
        ('margins: {gmina: "2207011", cells: []}\n', "margins", "not both"),
        ("margins: {gmina: [1, 2]}\n", "margins.gmina", "7-digit TERYT"),
        ("margins: {bdl: ../ludnosc.csv}\n", "margins.bdl", "outside the town folder"),
        ("margins: {bdl: brak.csv}\n", "margins.bdl", "There is no file"),
    ],
)
def test_bad_gus_margins_name_the_key(tmp_path, margins, key, fragment_en):
    with pytest.raises(TownConfigError) as info:
        load_town(_gus(tmp_path, margins))
    assert info.value.column == key and info.value.file.name == "town.yaml"
    assert fragment_en in info.value.message("en")


CREL = '"Kod";"Nazwa";"Wiek";"Płeć";"Rok";"Wartosc";"Jednostka miary";"Atrybut"\n' + "".join(
    f'"2207011";"Kwidzyn (1)";"{age}";"{sex}";"2024";"{n}";"osoba";""\n'
    for sex, values in (("mężczyźni", (30, 20, 40)), ("kobiety", (25, 10, 50)),
                        ("ogółem", (55, 30, 90)))
    for age, n in zip(("ogółem", "0-17", "18 i więcej"), (sum(values[1:]), *values[1:]),
                      strict=True)
)  # fmt: skip


@pytest.mark.parametrize("encoding", ["utf-8", "cp1250"])
def test_margins_from_a_bdl_export_with_sex_are_age_by_sex_cells(tmp_path, encoding):
    folder = _gus(
        tmp_path,
        "margins: {bdl: ludnosc.csv, bands: [18_plus]}\n",
        population="population: 90\n",
        files=[("ludnosc.csv", CREL.encode(encoding))],
    )
    town = load_town(folder)
    assert town.margin_variables == ("age_band", "sex")
    assert town.margins.to_dict("records") == [
        {"age_band": "18_plus", "sex": "female", "population": 50},
        {"age_band": "18_plus", "sex": "male", "population": 40},
    ]
    assert town.margins_kind == "bdl" and "ludnosc.csv" in town.margins_source
    assert "2024" in town.margins_source


def test_a_bdl_export_that_does_not_add_up_is_located_in_the_file(tmp_path):
    bad = CREL.replace('"18 i więcej";"kobiety";"2024";"50"', '"18 i więcej";"kobiety";"2024";"51"')
    folder = _gus(tmp_path, "margins: {bdl: ludnosc.csv}\n", files=[("ludnosc.csv", bad.encode())])
    with pytest.raises(TownConfigError) as info:
        load_town(folder)
    # the women's ogółem (line 5: 60) is not 10 + 51
    assert info.value.file.name == "ludnosc.csv" and info.value.row == 5
    assert info.value.column == "Wartosc" and "61" in info.value.message("pl")


def test_a_bdl_export_of_several_gminy_needs_the_code(tmp_path):
    two = CREL + CREL.split("\n", 1)[1].replace("2207011", "2207032").replace("(1)", "(2)")
    folder = _gus(tmp_path, "margins: {bdl: ludnosc.csv}\n", files=[("ludnosc.csv", two.encode())])
    with pytest.raises(TownConfigError) as info:
        load_town(folder)
    assert info.value.column == "margins" and "gmina:" in info.value.message("en")
    (folder / "town.yaml").write_text(
        (folder / "town.yaml")
        .read_text()
        .replace("{bdl: ludnosc.csv}", '{bdl: ludnosc.csv, gmina: "2207032", bands: [18_plus]}'),
        encoding="utf-8",
    )
    assert load_town(folder).teryt == "2207032"


# ------------------------------------------------------------------ exclude: rows left out


def test_exclude_lists_rows_of_the_response_files(tmp_path):
    text = GOOD + textwrap.dedent(
        """\
        exclude:
          - {file: odpowiedzi.csv, row: 35, reason: "ankieta testowa"}
          - {file: arkusz.xlsx, rows: [2, 7]}
        """
    )
    town = load_town(_town(tmp_path, text))
    assert [(e.file, e.row, e.reason) for e in town.exclusions] == [
        ("odpowiedzi.csv", 35, "ankieta testowa"),
        ("arkusz.xlsx", 2, None),
        ("arkusz.xlsx", 7, None),
    ]
    assert isinstance(town.exclusions, tuple)
    assert town.exclusions[1].path == town.responses[1].path
    assert town.exclusions[0].source_file == "odpowiedzi.csv"
    with pytest.raises(dataclasses.FrozenInstanceError):
        town.exclusions[0].row = 3  # type: ignore[misc]
    (tmp_path / "b").mkdir()
    assert load_town(_town(tmp_path / "b")).exclusions == ()


@pytest.mark.parametrize(
    ("entries", "key", "fragment_pl", "fragment_en"),
    [
        ("{file: brak.csv, row: 3}", "exclude[1].file", "Pliku 'brak.csv' nie ma na liście",
         "is not one of the response files"),
        ("{file: odpowiedzi.csv, row: 1}", "exclude[1].row", "od 2 (wiersz 1 to nagłówek)",
         "from 2 (row 1 is the header)"),
        ("{file: odpowiedzi.csv, row: trzy}", "exclude[1].row", "liczba całkowita", "whole"),
        ("{file: odpowiedzi.csv, row: 2.5}", "exclude[1].row", "liczba całkowita", "whole"),
        ("{file: odpowiedzi.csv, row: true}", "exclude[1].row", "liczba całkowita", "whole"),
        ("{file: odpowiedzi.csv, rows: [4, -1]}", "exclude[1].rows", "od 2", "from 2"),
        ("{file: odpowiedzi.csv, rows: []}", "exclude[1].rows", "lista numerów", "list row"),
        ("{file: odpowiedzi.csv}", "exclude[1]", "row: 35 albo", "row: 35 or"),
        ("{file: odpowiedzi.csv, row: 3, rows: [4]}", "exclude[1]", "jedno z dwóch", "one of"),
        ("{file: odpowiedzi.csv, rwo: 3}", "exclude[1].rwo", "tylko pola file, row", "only"),
        ("{row: 3}", "exclude[1]", "potrzebuje pola file", "needs file"),
        ("{file: odpowiedzi.csv, row: 3}, {file: odpowiedzi.csv, rows: [5, 3]}",
         "exclude[2].rows", "drugi raz (pierwszy raz w exclude[1])", "a second time"),
    ],
)  # fmt: skip
def test_bad_exclude_entries_give_located_errors(tmp_path, entries, key, fragment_pl, fragment_en):
    folder = _town(tmp_path, GOOD + f"exclude: [{entries}]\n")
    with pytest.raises(TownConfigError) as info:
        load_town(folder)
    assert info.value.column == key
    assert fragment_pl in info.value.message("pl")
    assert fragment_en in info.value.message("en")
    assert info.value.message("pl").startswith(f"town.yaml, kolumna '{key}'")


def test_exclude_must_be_a_list_of_at_most_max_excluded_rows(tmp_path):
    from diagnosis.town import MAX_EXCLUDED

    folder = _town(tmp_path, GOOD + "exclude: {file: odpowiedzi.csv, row: 3}\n")
    with pytest.raises(TownConfigError) as info:
        load_town(folder)
    assert info.value.column == "exclude" and "lista wierszy" in info.value.message("pl")
    rows = list(range(2, MAX_EXCLUDED + 3))
    (folder / "town.yaml").write_text(
        GOOD + f"exclude: [{{file: odpowiedzi.csv, rows: {rows}}}]\n", encoding="utf-8"
    )
    with pytest.raises(TownConfigError) as info:
        load_town(folder)
    assert info.value.column == "exclude"
    assert f"najwyżej {MAX_EXCLUDED} wierszy" in info.value.message("pl")
    rows = list(range(2, MAX_EXCLUDED + 2))
    (folder / "town.yaml").write_text(
        GOOD + f"exclude: [{{file: odpowiedzi.csv, rows: {rows}}}]\n", encoding="utf-8"
    )
    assert len(load_town(folder).exclusions) == MAX_EXCLUDED
