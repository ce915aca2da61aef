"""diagnosis.town: the town.yaml schema and its located errors."""

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
