"""A town's folder: ``surveys/towns/<slug>/town.yaml`` and the files it names.

This is the one place that resolves a town's paths. The schema::

    name: Kwidzyn                     # display name (required)
    synthetic: true                   # demo data is marked so
    population: 38000                 # residents 18+ (required, > 0)
    margins:                          # population by age band x sex (required)
      source: "GUS BDL, 2024"         # where the figures come from (required)
      cells:
        - {age_band: "18_29", sex: female, population: 2810}
        ...
    fieldwork: {start: 2026-03-02, end: 2026-04-17}
    recruitment: "Ankieta w bibliotece i online"
    instrument: ../../instruments/resident_survey.xlsx   # optional
    responses:                        # at least one
      - file: responses.csv
        sheet: Odpowiedzi             # optional, for workbooks
        columns:                      # optional: headers to read as another name
          "Wiek respondenta": age_band
    districts: {centrum: "Stare Miasto"}   # optional display names
    workshop:                         # optional
      ideas: workshop_ideas.csv       # idea, need, votes
      assets: assets.csv              # asset, kind, description

A later survey wave of the same town (for evaluation) lives in a subfolder
``<town>/wave2/town.yaml`` with the same schema plus::

    wave: 2                           # 1 (the diagnosis) when absent
    innovation:                       # optional: what the zone ran between the waves
      title: "Klub cyfrowego seniora"
      start: 2026-09-01

:func:`find_waves` lists a town's later waves; :func:`find_towns` does not
count them as towns of their own.

Relative paths are relative to the town folder. Margin keys must be codes of
the instrument's ``age_band`` and ``sex`` questions (checked by
:func:`diagnosis.validate.validate_town`).

Examples
--------
>>> town = load_town("surveys/towns/kwidzyn")
>>> town.name, town.margins.columns.tolist()
('Kwidzyn', ['age_band', 'sex', 'population'])
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pandas as pd
import yaml

from .errors import TownConfigError

__all__ = [
    "STANDARD_INSTRUMENT",
    "TOWNS_DIR",
    "ResponseFile",
    "Town",
    "find_towns",
    "find_waves",
    "load_town",
]

_ROOT = Path(__file__).resolve().parent.parent
#: the standard resident survey shipped with the project
STANDARD_INSTRUMENT = _ROOT / "surveys" / "instruments" / "resident_survey.xlsx"
#: where towns live in a checkout
TOWNS_DIR = _ROOT / "surveys" / "towns"


@dataclass(frozen=True)
class ResponseFile:
    """One response file of a town and how to read it."""

    path: Path
    sheet: str | None = None
    #: (header as written in the file, name to read it as), from ``columns:`` in town.yaml
    columns: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Town:
    """A town's configuration, with every path resolved.

    Attributes
    ----------
    slug : str
        Folder name, used in report paths; a later wave's is ``<town>-wave<k>``.
    margins : DataFrame
        Columns ``age_band, sex, population``: the population to weight to.
    wave : int
        Survey wave: 1 for the diagnosis, 2, 3 ... for follow-ups.
    innovation : str or None
        For a follow-up wave: the innovation the zone ran since the previous
        wave (None: a comparison town, nothing new was run).
    """

    slug: str
    folder: Path
    name: str
    population: int
    margins: pd.DataFrame = field(compare=False)
    margins_source: str
    instrument: Path
    responses: tuple[ResponseFile, ...]
    synthetic: bool = False
    fieldwork_start: dt.date | None = None
    fieldwork_end: dt.date | None = None
    recruitment: str | None = None
    districts: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    workshop_ideas: Path | None = None
    assets: Path | None = None
    wave: int = 1
    innovation: str | None = None
    innovation_start: dt.date | None = None

    @property
    def base_slug(self) -> str:
        """The slug of the town this wave belongs to (its own slug for wave 1)."""
        return self.folder.parent.name if self.wave > 1 else self.slug

    @property
    def config_path(self) -> Path:
        """The town's ``town.yaml``."""
        return self.folder / "town.yaml"


def _fail(path: Path, key: str | None, pl: str, en: str, value: Any = None) -> TownConfigError:
    return TownConfigError(pl=pl, en=en, file=path, column=key, value=value)


def _date(path: Path, key: str, value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise _fail(
            path,
            key,
            "Data musi mieć postać RRRR-MM-DD, np. 2026-03-02.",
            "A date must be written YYYY-MM-DD, e.g. 2026-03-02.",
            value,
        ) from None


def _relative(folder: Path, path: Path, key: str, value: Any, *, must_exist: bool = True) -> Path:
    if not isinstance(value, str) or not value.strip():
        raise _fail(
            path,
            key,
            "Tu powinna być nazwa pliku (ścieżka względem folderu miejscowości).",
            "A file name is expected here (a path relative to the town folder).",
            value,
        )
    target = (folder / value).resolve()
    if must_exist and not target.exists():
        raise _fail(
            path,
            key,
            f"Nie ma pliku '{value}' w folderze {folder.name}. Sprawdź nazwę pliku lub dodaj go.",
            f"There is no file '{value}' in folder {folder.name}. Check the name or add the file.",
            value,
        )
    return target


def _margins(path: Path, raw: Any) -> tuple[pd.DataFrame, str]:
    if not isinstance(raw, Mapping):
        raise _fail(
            path,
            "margins",
            "Brakuje sekcji 'margins' ze strukturą ludności (wiek x płeć) i jej źródłem.",
            "The 'margins' section with the population structure (age x sex) and its source "
            "is missing.",
        )
    source = raw.get("source")
    if not isinstance(source, str) or not source.strip():
        raise _fail(
            path,
            "margins.source",
            "Podaj źródło danych o ludności (np. 'GUS BDL, 2024').",
            "Give the source of the population figures (e.g. 'GUS BDL, 2024').",
        )
    cells = raw.get("cells")
    if not isinstance(cells, list) or not cells:
        raise _fail(
            path,
            "margins.cells",
            "Podaj komórki struktury ludności: age_band, sex, population.",
            "List the population cells: age_band, sex, population.",
        )
    rows = []
    for i, cell in enumerate(cells, start=1):
        key = f"margins.cells[{i}]"
        if not isinstance(cell, Mapping) or not {"age_band", "sex", "population"} <= set(cell):
            raise _fail(
                path,
                key,
                "Każda komórka potrzebuje pól age_band, sex i population.",
                "Every cell needs age_band, sex and population.",
                cell,
            )
        pop = cell["population"]
        if isinstance(pop, bool) or not isinstance(pop, int | float) or pop < 0:
            raise _fail(
                path,
                key,
                "Liczba ludności musi być liczbą nieujemną.",
                "The population must be a non-negative number.",
                pop,
            )
        rows.append((str(cell["age_band"]), str(cell["sex"]), int(pop)))
    frame = pd.DataFrame(rows, columns=["age_band", "sex", "population"])
    dup = frame.duplicated(["age_band", "sex"])
    if dup.any():
        first = frame[dup].iloc[0]
        raise _fail(
            path,
            "margins.cells",
            f"Komórka {first.age_band} x {first.sex} występuje dwa razy.",
            f"The cell {first.age_band} x {first.sex} appears twice.",
        )
    return frame, source.strip()


def _columns(path: Path, key: str, raw: Any) -> tuple[tuple[str, str], ...]:
    """A response file's ``columns:`` (header in the file -> name to read it as)."""
    if raw is None:
        return ()
    if not isinstance(raw, Mapping) or not all(
        isinstance(k, str) and k.strip() and isinstance(v, str) and v.strip()
        for k, v in raw.items()
    ):
        raise _fail(
            path,
            key,
            "Pole columns to słownik: nagłówek w pliku: nazwa pytania, np. "
            '"Wiek respondenta": age_band.',
            "columns must map a header in the file to a question name, e.g. "
            '"Respondent\'s age": age_band.',
            raw,
        )
    return tuple((k.strip(), v.strip()) for k, v in raw.items())


def town_folder(name_or_path: str | Path) -> Path:
    """The folder of a town given as a path or as a name under ``surveys/towns``.

    A notebook opened in JupyterLab runs in ``notebooks/``; papermill runs in the
    project root; both find ``"kwidzyn"`` and ``"surveys/towns/kwidzyn"``.

    Examples
    --------
    >>> town_folder("kwidzyn") == town_folder("surveys/towns/kwidzyn") == TOWNS_DIR / "kwidzyn"
    True
    """
    path = Path(name_or_path)
    for candidate in (path, TOWNS_DIR / path, _ROOT / path):
        if (candidate / "town.yaml").exists():
            return candidate.resolve()
    return path


def load_town(folder: str | Path) -> Town:
    """Read and check ``<folder>/town.yaml``.

    Parameters
    ----------
    folder : str or Path
        The town folder, e.g. ``surveys/towns/kwidzyn``.

    Returns
    -------
    Town

    Raises
    ------
    TownConfigError
        Naming the file and the key that is missing or wrong, in Polish and English.

    Examples
    --------
    >>> load_town("surveys/towns/kwidzyn").synthetic
    True
    """
    folder = town_folder(folder).resolve()
    path = folder / "town.yaml"
    if not path.exists():
        raise _fail(
            path,
            None,
            f"W folderze {folder} nie ma pliku town.yaml z opisem miejscowości.",
            f"Folder {folder} has no town.yaml describing the town.",
        )
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise TownConfigError(
            pl=f"Plik town.yaml ma błąd składni ({getattr(exc, 'problem', exc)}). Sprawdź wcięcia "
            "i dwukropki.",
            en=f"town.yaml has a syntax error ({getattr(exc, 'problem', exc)}). Check indentation "
            "and colons.",
            file=path,
            row=mark.line + 1 if mark else None,
        ) from None
    except UnicodeDecodeError:
        raise _fail(
            path,
            None,
            "Plik town.yaml musi być zapisany w UTF-8.",
            "town.yaml must be saved as UTF-8.",
        ) from None
    if not isinstance(raw, Mapping):
        raise _fail(
            path, None, "Plik town.yaml jest pusty.", "town.yaml is empty or not a mapping."
        )

    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise _fail(
            path, "name", "Podaj nazwę miejscowości (name).", "Give the town's name (name)."
        )
    population = raw.get("population")
    if isinstance(population, bool) or not isinstance(population, int) or population <= 0:
        raise _fail(
            path,
            "population",
            "Podaj liczbę mieszkańców (population) jako liczbę całkowitą większą od zera.",
            "Give the population as a whole number above zero.",
            population,
        )
    margins, source = _margins(path, raw.get("margins"))

    instrument = STANDARD_INSTRUMENT
    if raw.get("instrument") is not None:
        instrument = _relative(folder, path, "instrument", raw["instrument"])

    responses_raw = raw.get("responses")
    if not isinstance(responses_raw, list) or not responses_raw:
        raise _fail(
            path,
            "responses",
            "Podaj co najmniej jeden plik z odpowiedziami (responses: - file: ...).",
            "List at least one response file (responses: - file: ...).",
        )
    responses = []
    for i, item in enumerate(responses_raw, start=1):
        key = f"responses[{i}]"
        if isinstance(item, str):
            item = {"file": item}
        if not isinstance(item, Mapping) or "file" not in item:
            raise _fail(
                path, key, "Każdy wpis potrzebuje pola 'file'.", "Each entry needs 'file'.", item
            )
        responses.append(
            ResponseFile(
                path=_relative(folder, path, f"{key}.file", item["file"]),
                sheet=item.get("sheet"),
                columns=_columns(path, f"{key}.columns", item.get("columns")),
            )
        )

    fieldwork = raw.get("fieldwork") or {}
    if not isinstance(fieldwork, Mapping):
        raise _fail(
            path,
            "fieldwork",
            "Pole fieldwork ma mieć postać {start: RRRR-MM-DD, end: RRRR-MM-DD}.",
            "fieldwork must look like {start: YYYY-MM-DD, end: YYYY-MM-DD}.",
            fieldwork,
        )
    start = _date(path, "fieldwork.start", fieldwork.get("start"))
    end = _date(path, "fieldwork.end", fieldwork.get("end"))
    if start and end and end < start:
        raise _fail(
            path,
            "fieldwork",
            "Koniec badania jest wcześniej niż jego początek.",
            "Fieldwork ends before it starts.",
        )

    workshop = raw.get("workshop") or {}
    ideas = assets = None
    if workshop:
        if not isinstance(workshop, Mapping):
            raise _fail(
                path,
                "workshop",
                "Pole workshop ma wskazać pliki ideas i assets.",
                "workshop must name the ideas and assets files.",
            )
        if workshop.get("ideas"):
            ideas = _relative(folder, path, "workshop.ideas", workshop["ideas"])
        if workshop.get("assets"):
            assets = _relative(folder, path, "workshop.assets", workshop["assets"])

    districts = raw.get("districts") or {}
    if not isinstance(districts, Mapping):
        raise _fail(
            path,
            "districts",
            "Pole districts to słownik kod: nazwa.",
            "districts must map codes to names.",
        )

    wave = raw.get("wave", 1)
    if isinstance(wave, bool) or not isinstance(wave, int) or wave < 1:
        raise _fail(
            path,
            "wave",
            "Numer fali badania (wave) to liczba całkowita: 1, 2, 3...",
            "The survey wave (wave) must be a whole number: 1, 2, 3...",
            wave,
        )
    innovation = raw.get("innovation") or {}
    if not isinstance(innovation, Mapping) or (innovation and not innovation.get("title")):
        raise _fail(
            path,
            "innovation",
            "Pole innovation ma postać {title: nazwa innowacji, start: RRRR-MM-DD}.",
            "innovation must look like {title: the innovation's name, start: YYYY-MM-DD}.",
            innovation,
        )

    return Town(
        slug=f"{folder.parent.name}-{folder.name}" if wave > 1 else folder.name,
        folder=folder,
        name=name.strip(),
        population=population,
        margins=margins,
        margins_source=source,
        instrument=instrument,
        responses=tuple(responses),
        synthetic=bool(raw.get("synthetic", False)),
        fieldwork_start=start,
        fieldwork_end=end,
        recruitment=raw.get("recruitment"),
        districts=MappingProxyType({str(k): str(v) for k, v in districts.items()}),
        workshop_ideas=ideas,
        assets=assets,
        wave=wave,
        innovation=str(innovation["title"]).strip() if innovation else None,
        innovation_start=_date(path, "innovation.start", innovation.get("start")),
    )


def find_towns(root: str | Path = TOWNS_DIR) -> list[Path]:
    """Town folders (those holding a ``town.yaml``) under ``root``, sorted by name.

    Examples
    --------
    >>> len(find_towns()) >= 25
    True
    """
    root = Path(root)
    return sorted(p.parent for p in root.glob("*/town.yaml"))


def find_waves(folder: str | Path) -> list[Path]:
    """Folders of a town's later survey waves (``<town>/*/town.yaml``), by wave number.

    Examples
    --------
    >>> [p.name for p in find_waves("surveys/towns/kwidzyn")]
    ['wave2']
    >>> load_town(find_waves("surveys/towns/kwidzyn")[0]).slug
    'kwidzyn-wave2'
    """
    folder = town_folder(folder)
    found = [p.parent for p in folder.glob("*/town.yaml")]
    return sorted(found, key=lambda p: (load_town(p).wave, p.name))
