"""A town's folder: ``surveys/towns/<slug>/town.yaml`` and the files it names.

This is the one place that resolves a town's paths. The schema::

    name: Kwidzyn                     # display name (required)
    synthetic: true                   # demo data is marked so
    population: 38000                 # residents 18+ (required, > 0; see margins)
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
    exclude:                          # optional: rows the team leaves out of the analysis
      - {file: responses.csv, row: 35, reason: "ankieta testowa"}   # reason optional
      - {file: responses.csv, rows: [54, 100]}
    workshop:                         # optional
      ideas: workshop_ideas.csv       # idea, need, votes
      assets: assets.csv              # asset, kind, description

Instead of typing the cells, ``margins`` may name GUS figures (see
:mod:`diagnosis.population`)::

    margins: {gmina: "2207011"}       # the gmina's 7-digit TERYT code, in quotes: the
                                      # shipped table of 31.12.2020, age bands only
    margins: {gmina: "2207011", bands: [18_24, 25_44, 45_64, 65_plus]}  # other bands
    margins: {bdl: ludnosc.csv}       # a GUS BDL export of table P2137 (CTAB or CREL) in
                                      # the town folder; with sex (CREL) age x sex cells
    margins: {bdl: ludnosc.csv, gmina: "2207011", year: 2024}  # a file of several units
                                      # or years; source: optional, default GUS's citation

Both sum BDL's five-year groups into the standard questionnaire's age bands
(:data:`diagnosis.population.ADULT_BANDS`; ``bands: [18_24, ...]`` for other
codes), ages 18-19 being 2/5 of the group 15-19. Figures for both sexes together
give age-only margins (``Town.margins`` has no ``sex`` column), to which the
report weights by age only and says so. ``population`` may then be left out:
it is the sum of the bands.

``exclude`` names rows as validation reports them: ``file`` as in
``responses`` and ``row`` the spreadsheet row (the header is row 1, the first
respondent row 2). The cleaning step ``drop_excluded`` leaves them out and
lists them with the reason (:mod:`diagnosis.clean.steps`); the files
themselves are not changed. At most :data:`MAX_EXCLUDED` rows, each once.

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

Every file named in ``town.yaml`` must lie inside the town folder (the folder
that holds that ``town.yaml``; for a later wave, the wave's subfolder), after
symbolic links are resolved: ``../other/file.csv``, an absolute path elsewhere
or a link pointing out of the folder is refused with a located error. The one
exception is ``instrument``, which may also name a questionnaire in a shared
instruments folder: the project's ``surveys/instruments`` (:data:`INSTRUMENTS_DIR`)
or the ``instruments`` folder next to the folder of towns (for
``<root>/towns/<slug>/town.yaml`` that is ``<root>/instruments``, so
``instrument: ../../instruments/resident_survey.xlsx`` works).

``town.yaml`` is read with a strict YAML loader (:func:`read_yaml`): at most
1 MB (:data:`MAX_CONFIG_BYTES`), no anchors or aliases (``&name``, ``*name``),
no nesting deeper than :data:`MAX_DEPTH`. ``population`` and each margin cell
are at most :data:`MAX_POPULATION`; texts and lists are capped too (see the
``MAX_*`` constants).

Examples
--------
>>> town = load_town("surveys/towns/kwidzyn")
>>> town.name, town.margins.columns.tolist()
('Kwidzyn', ['age_band', 'sex', 'population'])
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pandas as pd
import yaml

from .errors import DiagnosisError, TownConfigError
from .population import (
    ADULT_BANDS,
    GMINY_SOURCE,
    adult_margins,
    gmina_margins,
    parse_band,
    read_bdl,
    teryt_code,
)

__all__ = [
    "INSTRUMENTS_DIR",
    "MAX_CONFIG_BYTES",
    "MAX_DEPTH",
    "MAX_DISTRICTS",
    "MAX_EXCLUDED",
    "MAX_POPULATION",
    "STANDARD_INSTRUMENT",
    "TOWNS_DIR",
    "Exclusion",
    "ResponseFile",
    "Town",
    "find_towns",
    "find_waves",
    "instrument_path",
    "load_town",
    "read_yaml",
]

_ROOT = Path(__file__).resolve().parent.parent
#: the standard resident survey shipped with the project
STANDARD_INSTRUMENT = _ROOT / "surveys" / "instruments" / "resident_survey.xlsx"
#: the shared questionnaires of the project; ``instrument:`` may point here
INSTRUMENTS_DIR = STANDARD_INSTRUMENT.parent
#: where towns live in a checkout
TOWNS_DIR = _ROOT / "surveys" / "towns"

#: largest town.yaml read (a real one is about 2 kB)
MAX_CONFIG_BYTES = 1_000_000
#: deepest nesting of lists and mappings (a real town.yaml needs 4)
MAX_DEPTH = 10
#: largest ``population`` and margin cell: above Warsaw, the largest Polish gmina
#: (about 1.86 million residents of all ages in 2024, about 1.55 million adults)
MAX_POPULATION = 2_000_000
#: most districts (Warsaw has 18 dzielnice; a town's osiedla are far fewer than this)
MAX_DISTRICTS = 200
#: most margin cells and response files (the standard survey has 8 cells)
MAX_CELLS = 500
MAX_FILES = 100
#: longest texts: a name, a district code or name, a file name; a source or title;
#: the recruitment description
MAX_NAME = 200
MAX_TITLE = 500
MAX_TEXT = 2000
MAX_COMMENTARY = 10_000
#: most rows ``exclude:`` may list (a town's survey has a few hundred respondents)
MAX_EXCLUDED = 5000
#: largest row number ``exclude:`` accepts (far beyond any survey export)
MAX_ROW = 10_000_000


@dataclass(frozen=True)
class ResponseFile:
    """One response file of a town and how to read it."""

    path: Path
    sheet: str | None = None
    #: (header as written in the file, name to read it as), from ``columns:`` in town.yaml
    columns: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Exclusion:
    """A row the team leaves out of the analysis (``exclude:`` in town.yaml).

    Attributes
    ----------
    file : str
        The response file as ``responses`` names it in town.yaml.
    row : int
        The row as validation reports it (the header is row 1).
    reason : str or None
        Why, in the team's words; None: the cleaning gives the validation
        finding's title.
    path : Path or None
        The response file, resolved as in :attr:`Town.responses`.
    """

    file: str
    row: int
    reason: str | None = None
    path: Path | None = field(default=None, compare=False)

    @property
    def source_file(self) -> str:
        """The file's name as the cleaned data's ``source_file`` has it."""
        return self.path.name if self.path is not None else Path(self.file).name


@dataclass(frozen=True)
class Town:
    """A town's configuration, with every path resolved.

    Attributes
    ----------
    slug : str
        Folder name, used in report paths; a later wave's is ``<town>-wave<k>``.
    margins : DataFrame
        Columns ``age_band, sex, population``: the population to weight to;
        ``age_band, population`` when only age margins exist (GUS figures for
        both sexes together), see :attr:`margin_variables`.
    margins_kind : {"cells", "gmina", "bdl"}
        Where the margins came from: typed cells, the shipped table of gminy
        (:func:`diagnosis.population.gmina_margins`) or a BDL export in the folder.
    teryt : str or None
        The gmina's TERYT code, when town.yaml gives it.
    wave : int
        Survey wave: 1 for the diagnosis, 2, 3 ... for follow-ups.
    innovation : str or None
        For a follow-up wave: the innovation the zone ran since the previous
        wave (None: a comparison town, nothing new was run).
    priority_lines : (float, float) or None
        The team's own cut-offs of the priority matrix, importance and
        satisfaction as shares (``priorities: {importance: 0.8, satisfaction:
        0.5}``); None: the means over the services.
    commentary : str or None
        The team's commentary for the report (``commentary: komentarz.txt``,
        a UTF-8 text file in the town folder, at most 10,000 characters).
    exclusions : tuple of Exclusion
        The rows ``exclude:`` leaves out of the analysis, in the file's order.
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
    margins_kind: str = "cells"
    teryt: str | None = None
    priority_lines: tuple[float, float] | None = None
    commentary: str | None = None
    exclusions: tuple[Exclusion, ...] = ()

    @property
    def margin_variables(self) -> tuple[str, ...]:
        """The variables the margins are given by: ``("age_band", "sex")`` or ``("age_band",)``.

        Examples
        --------
        >>> load_town("surveys/towns/kwidzyn").margin_variables
        ('age_band', 'sex')
        """
        return tuple(c for c in self.margins.columns if c != "population")

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


class _Refused(yaml.YAMLError):
    """A YAML construct the town loader does not accept, with where it is."""

    def __init__(self, kind: str, key: str | None, line: int) -> None:
        super().__init__(kind)
        self.kind, self.key, self.line = kind, key, line


class _TownLoader(yaml.SafeLoader):
    """SafeLoader without anchors and aliases and with a nesting limit.

    An alias (``*a``) can make a few hundred bytes stand for billions of
    values ("billion laughs"); a town.yaml never needs one.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._keys: list[str] = []
        self._depth = 0

    def _where(self) -> str | None:
        key = ""
        for part in self._keys:
            key += part if part.startswith("[") or not key else f".{part}"
        return key or None

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        event = self.peek_event()
        if isinstance(index, yaml.ScalarNode):
            part: str | None = str(index.value)
        elif isinstance(index, int):
            part = f"[{index + 1}]"
        else:  # the document, or a mapping's key
            part = None
        if part is not None:
            self._keys.append(part)
        self._depth += 1  # the document is level 0; keys count too (``? [complex key]``)
        try:
            line = event.start_mark.line + 1 if event.start_mark else 0
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise _Refused("alias", self._where(), line)
            if self._depth > MAX_DEPTH + 1:
                raise _Refused("depth", self._keys[0] if self._keys else None, line)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1
            if part is not None:
                self._keys.pop()


def read_yaml(path: str | Path) -> Any:
    """Read a ``town.yaml`` strictly: size-capped, no YAML anchors or aliases.

    Parameters
    ----------
    path : str or Path
        The file.

    Returns
    -------
    object
        What the YAML holds (a dict for a usable town.yaml), built with
        :class:`yaml.SafeLoader` types only.

    Raises
    ------
    TownConfigError
        When the file is larger than :data:`MAX_CONFIG_BYTES`, is not UTF-8,
        has a syntax error (with its line), uses an anchor or alias or nests
        deeper than :data:`MAX_DEPTH` (with its line and key).

    Examples
    --------
    >>> read_yaml("surveys/towns/kwidzyn/town.yaml")["name"]
    'Kwidzyn'
    """
    path = Path(path)
    with path.open("rb") as handle:
        data = handle.read(MAX_CONFIG_BYTES + 1)
    if len(data) > MAX_CONFIG_BYTES:
        raise _fail(
            path,
            None,
            "Plik town.yaml jest większy niż 1 MB; prawdziwy opis miejscowości ma kilka kB. "
            "Sprawdź, czy to właściwy plik.",
            "town.yaml is larger than 1 MB; a real town description is a few kB. Check that "
            "this is the right file.",
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise _fail(
            path,
            None,
            "Plik town.yaml musi być zapisany w UTF-8.",
            "town.yaml must be saved as UTF-8.",
        ) from None
    loader = _TownLoader(text)
    try:
        return loader.get_single_data()
    except _Refused as exc:
        if exc.kind == "alias":
            pl = (
                "W pliku town.yaml nie wolno używać kotwic i odwołań YAML (& i *). Wpisz każdą "
                "wartość wprost."
            )
            en = "town.yaml may not use YAML anchors or aliases (& and *). Write every value out."
        else:
            pl = (
                f"Wartości w pliku town.yaml są zagnieżdżone głębiej niż na {MAX_DEPTH} "
                "poziomów; opis miejscowości tego nie potrzebuje."
            )
            en = f"town.yaml has values nested deeper than {MAX_DEPTH} levels; a town needs none."
        raise TownConfigError(
            pl=pl, en=en, file=path, row=exc.line or None, column=exc.key
        ) from None
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
    finally:
        loader.dispose()


def _text(path: Path, key: str, value: Any, limit: int, *, required: bool = False) -> str | None:
    """A text value of town.yaml, stripped: at most ``limit`` characters."""
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _fail(
            path,
            key,
            "Tu powinien być tekst (jedna wartość, nie lista ani słownik).",
            "A text is expected here (one value, not a list or a mapping).",
            value,
        )
    text = str(value).strip()
    if len(text) > limit:
        raise _fail(
            path,
            key,
            f"Ten tekst jest za długi: może mieć najwyżej {limit} znaków.",
            f"This text is too long: it may have at most {limit} characters.",
            text,
        )
    return text


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


def _relative(
    folder: Path,
    path: Path,
    key: str,
    value: Any,
    *,
    must_exist: bool = True,
    shared: tuple[Path, ...] = (),
) -> Path:
    """The resolved path of a file named in town.yaml, which must stay inside ``folder``.

    ``shared`` are further folders the file may be in (the instruments folders).
    Symbolic links are resolved first, so a link out of the folder is refused.
    """
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_TITLE:
        raise _fail(
            path,
            key,
            "Tu powinna być nazwa pliku (ścieżka względem folderu miejscowości).",
            "A file name is expected here (a path relative to the town folder).",
            value,
        )
    target = (folder / value).resolve()
    if not any(target.is_relative_to(root) for root in (folder, *shared)):
        also_pl = (
            f" Kwestionariusz może też leżeć we wspólnym folderze {INSTRUMENTS_DIR.name}."
            if shared
            else ""
        )
        also_en = (
            f" A questionnaire may also be in the shared {INSTRUMENTS_DIR.name} folder."
            if shared
            else ""
        )
        raise _fail(
            path,
            key,
            f"Ścieżka '{value}' prowadzi poza folder miejscowości {folder.name} (także przez "
            "dowiązanie symboliczne), a pliki spoza niego nie są czytane. Skopiuj plik do "
            f"folderu {folder.name} i wpisz tu samą jego nazwę.{also_pl}",
            f"The path '{value}' leads outside the town folder {folder.name} (a symbolic link "
            "counts too), and files outside it are not read. Copy the file into "
            f"{folder.name} and give just its name here.{also_en}",
            value,
        )
    if must_exist and not target.is_file():
        raise _fail(
            path,
            key,
            f"Nie ma pliku '{value}' w folderze {folder.name}. Sprawdź nazwę pliku lub dodaj go.",
            f"There is no file '{value}' in folder {folder.name}. Check the name or add the file.",
            value,
        )
    return target


def instrument_path(folder: str | Path, value: Any, wave: int = 1) -> Path:
    """The questionnaire a town.yaml's ``instrument:`` names, checked like every path.

    It must be inside the town folder or in a shared instruments folder: the
    project's ``surveys/instruments`` or the ``instruments`` folder beside the
    towns folder. ``None`` gives the standard questionnaire.

    Parameters
    ----------
    folder : str or Path
        The town (or wave) folder holding town.yaml.
    value : str or None
        What ``instrument:`` says.
    wave : int
        The folder's wave: a later wave's folder is one level deeper.

    Raises
    ------
    TownConfigError
        When the path leads elsewhere (symbolic links resolved) or the file is missing.

    Examples
    --------
    >>> instrument_path("surveys/towns/kwidzyn", None).name
    'resident_survey.xlsx'
    >>> instrument_path("surveys/towns/kwidzyn", "../../../../etc/passwd")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    diagnosis.errors.TownConfigError: ...leads outside the town folder kwidzyn...
    """
    if value is None:
        return STANDARD_INSTRUMENT
    folder = Path(folder).resolve()
    # a later wave's folder is <root>/towns/<town>/wave2: the towns root is one level up
    towns_root = folder.parent.parent if wave > 1 else folder.parent
    shared = (INSTRUMENTS_DIR.resolve(), (towns_root.parent / "instruments").resolve())
    return _relative(folder, folder / "town.yaml", "instrument", value, shared=shared)


@dataclass(frozen=True)
class _Margins:
    """What ``margins:`` gives: the frame to weight to, its source, where it came from."""

    frame: pd.DataFrame
    source: str
    kind: str = "cells"
    teryt: str | None = None


def _gmina_code(path: Path, value: Any) -> str:
    """``margins.gmina``: a TERYT code as text (an unquoted one arrives as a number)."""
    if isinstance(value, bool) or not isinstance(value, str | int) or len(str(value)) > 20:
        raise _fail(
            path,
            "margins.gmina",
            'Podaj 7-cyfrowy kod TERYT gminy w cudzysłowie, np. gmina: "2207011".',
            'Give the gmina\'s 7-digit TERYT code in quotes, e.g. gmina: "2207011".',
            value,
        )
    return teryt_code(value)


def _as_town_error(err: DiagnosisError, path: Path | None = None, key: str | None = None):
    """A population error as the town loader's, located in town.yaml or in the BDL file."""
    return TownConfigError(
        pl=err.pl,
        en=err.en,
        file=path or err.file,
        row=None if path else err.row,
        column=key or err.column,
        value=err.value,
    )


def _gus_margins(folder: Path, path: Path, raw: Mapping) -> _Margins:
    """``margins: {gmina: ...}`` (the shipped table) or ``{bdl: file, ...}`` (an export)."""
    if raw.get("cells") is not None:
        raise _fail(
            path,
            "margins",
            "Podaj strukturę ludności w jeden sposób: komórki (cells) albo dane GUS (gmina lub "
            "bdl), nie oba naraz.",
            "Give the population structure one way: cells, or GUS figures (gmina or bdl), "
            "not both.",
        )
    code = _gmina_code(path, raw["gmina"]) if raw.get("gmina") is not None else None
    source = _text(path, "margins.source", raw.get("source"), MAX_TITLE)
    bands = raw.get("bands", ADULT_BANDS)
    if not isinstance(bands, list | tuple) or not bands or len(bands) > MAX_CELLS:
        raise _fail(
            path,
            "margins.bands",
            "Pole bands to lista kodów grup wieku, np. [18_29, 30_44, 45_59, 60_plus].",
            "bands must list age band codes, e.g. [18_29, 30_44, 45_59, 60_plus].",
            bands,
        )
    try:
        for band in bands:
            parse_band(band)
    except DiagnosisError as err:
        raise _as_town_error(err, path, "margins.bands") from None
    if raw.get("bdl") is None:
        try:
            frame = gmina_margins(code, [str(b) for b in bands])
        except DiagnosisError as err:
            raise _as_town_error(err, path, "margins.gmina") from None
        return _Margins(frame, GMINY_SOURCE, "gmina", code)
    bdl = _relative(folder, path, "margins.bdl", raw["bdl"])
    year = raw.get("year")
    if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
        raise _fail(
            path,
            "margins.year",
            "Rok (year) to liczba, np. 2024.",
            "The year must be a number, e.g. 2024.",
            year,
        )
    try:  # what is wrong in the file is located in the file
        table = read_bdl(bdl)
    except DiagnosisError as err:
        raise _as_town_error(err) from None
    try:  # a unit or year the file does not have, or bands it cannot give: town.yaml
        frame = adult_margins(table, code, year=year, bands=[str(b) for b in bands])
    except DiagnosisError as err:
        raise _as_town_error(err, path, "margins") from None
    used = year if year is not None else (table.years[-1] if table.years else None)
    default = (
        f"GUS, Bank Danych Lokalnych, tabela P2137"
        f"{f', {used}' if used else ''} (plik {bdl.name}); wiek 18-19 to 2/5 grupy 15-19"
        f"{'' if table.has_sex else '; obie płcie razem'}"
    )
    return _Margins(frame, source or default, "bdl", code)


def _margins(folder: Path, path: Path, raw: Any) -> _Margins:
    if not isinstance(raw, Mapping):
        raise _fail(
            path,
            "margins",
            "Brakuje sekcji 'margins' ze strukturą ludności (wiek x płeć) i jej źródłem. Możesz "
            'też podać kod TERYT gminy: margins: {gmina: "2207011"}.',
            "The 'margins' section with the population structure (age x sex) and its source "
            'is missing. You may also give the gmina\'s TERYT code: margins: {gmina: "2207011"}.',
        )
    if raw.get("gmina") is not None or raw.get("bdl") is not None:
        margins = _gus_margins(folder, path, raw)
        total = int(margins.frame["population"].sum())
        if not 0 < total <= MAX_POPULATION:
            raise _fail(
                path,
                "margins",
                "Suma struktury ludności z danych GUS jest niemożliwa (zero albo ponad "
                "2 000 000 dorosłych). Sprawdź plik z BDL.",
                "The GUS figures add up to an impossible population (zero or over 2,000,000 "
                "adults). Check the BDL file.",
                total,
            )
        return margins
    source = raw.get("source")
    if not isinstance(source, str) or not source.strip():
        raise _fail(
            path,
            "margins.source",
            "Podaj źródło danych o ludności (np. 'GUS BDL, 2024').",
            "Give the source of the population figures (e.g. 'GUS BDL, 2024').",
        )
    if len(source) > MAX_TITLE:
        raise _fail(
            path,
            "margins.source",
            f"Opis źródła jest za długi: może mieć najwyżej {MAX_TITLE} znaków.",
            f"The source is too long: it may have at most {MAX_TITLE} characters.",
            source,
        )
    cells = raw.get("cells")
    if not isinstance(cells, list) or not cells:
        raise _fail(
            path,
            "margins.cells",
            "Podaj komórki struktury ludności: age_band, sex, population.",
            "List the population cells: age_band, sex, population.",
        )
    if len(cells) > MAX_CELLS:
        raise _fail(
            path,
            "margins.cells",
            f"Komórek struktury ludności może być najwyżej {MAX_CELLS}.",
            f"There may be at most {MAX_CELLS} population cells.",
            len(cells),
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
        if (
            isinstance(pop, bool)
            or not isinstance(pop, int | float)
            or not math.isfinite(pop)
            or pop < 0
        ):
            raise _fail(
                path,
                key,
                "Liczba ludności musi być liczbą nieujemną.",
                "The population must be a non-negative number.",
                pop,
            )
        if pop > MAX_POPULATION:
            raise _fail(
                path,
                key,
                "Ta liczba ludności jest niemożliwa: żadna gmina w Polsce nie ma więcej niż "
                "2 000 000 mieszkańców (największa, Warszawa, ma ok. 1,9 mln).",
                "This population is impossible: no Polish gmina has more than 2,000,000 "
                "residents (the largest, Warsaw, has about 1.9 million).",
                pop,
            )
        age = _text(path, f"{key}.age_band", cell["age_band"], MAX_NAME, required=True)
        sex = _text(path, f"{key}.sex", cell["sex"], MAX_NAME, required=True)
        rows.append((age, sex, int(pop)))
    frame = pd.DataFrame(rows, columns=["age_band", "sex", "population"])
    total = int(frame["population"].sum())
    if total == 0:
        raise _fail(
            path,
            "margins.cells",
            "Wszystkie liczby ludności w strukturze to same zera, więc nie da się do niej ważyć "
            "wyników. Wpisz liczby mieszkańców z GUS BDL.",
            "The population cells are all zero, so the results cannot be weighted to them. "
            "Enter the numbers of residents from GUS BDL.",
        )
    if total > MAX_POPULATION:
        raise _fail(
            path,
            "margins.cells",
            "Suma struktury ludności jest niemożliwa: żadna gmina w Polsce nie ma więcej niż "
            "2 000 000 mieszkańców (największa, Warszawa, ma ok. 1,9 mln).",
            "The margins add up to an impossible population: no Polish gmina has more than "
            "2,000,000 residents (the largest, Warsaw, has about 1.9 million).",
            total,
        )
    dup = frame.duplicated(["age_band", "sex"])
    if dup.any():
        first = frame[dup].iloc[0]
        raise _fail(
            path,
            "margins.cells",
            f"Komórka {first.age_band} x {first.sex} występuje dwa razy.",
            f"The cell {first.age_band} x {first.sex} appears twice.",
        )
    return _Margins(frame, source.strip())


def _columns(path: Path, key: str, raw: Any) -> tuple[tuple[str, str], ...]:
    """A response file's ``columns:`` (header in the file -> name to read it as)."""
    if raw is None:
        return ()
    if (
        not isinstance(raw, Mapping)
        or len(raw) > MAX_CELLS
        or not all(
            isinstance(k, str)
            and k.strip()
            and isinstance(v, str)
            and v.strip()
            and len(k) <= MAX_TITLE
            and len(v) <= MAX_NAME
            for k, v in raw.items()
        )
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


_EXCLUDE_KEYS = frozenset({"file", "row", "rows", "reason"})


def _exclusions(path: Path, raw: Any, named: Mapping[str, Path]) -> tuple[Exclusion, ...]:
    """``exclude:``: rows of the response files the team leaves out, each checked."""
    if raw is None:
        return ()
    example_pl = "np. - {file: odpowiedzi.csv, row: 35, reason: ankieta testowa}"
    example_en = "e.g. - {file: responses.csv, row: 35, reason: a test response}"
    if not isinstance(raw, list):
        raise _fail(
            path,
            "exclude",
            f"Pole exclude to lista wierszy do pominięcia w analizie, {example_pl}.",
            f"exclude must list the rows to leave out of the analysis, {example_en}.",
            raw,
        )
    found: list[Exclusion] = []
    seen: dict[tuple[str, int], str] = {}
    by_name = {Path(name).name: name for name in named}
    for i, item in enumerate(raw, start=1):
        key = f"exclude[{i}]"
        if not isinstance(item, Mapping) or "file" not in item:
            raise _fail(
                path,
                key,
                f"Każdy wpis listy exclude potrzebuje pola file (plik z odpowiedziami) i row "
                f"(numer wiersza), {example_pl}.",
                f"Each entry of exclude needs file (the response file) and row (the row "
                f"number), {example_en}.",
                item,
            )
        unknown = sorted(str(k) for k in item if k not in _EXCLUDE_KEYS)
        if unknown:
            raise _fail(
                path,
                f"{key}.{unknown[0]}",
                "Wpis listy exclude może mieć tylko pola file, row (albo rows: lista wierszy) "
                "i reason.",
                "An entry of exclude may only have file, row (or rows: a list of rows) and reason.",
                unknown[0],
            )
        file = _text(path, f"{key}.file", item["file"], MAX_TITLE, required=True)
        assert file is not None
        if file not in named and by_name.get(file) is None:
            listed = ", ".join(named) or "-"
            raise _fail(
                path,
                f"{key}.file",
                f"Pliku '{file}' nie ma na liście plików z odpowiedziami (responses: {listed}). "
                "Wpisz nazwę pliku tak jak w responses.",
                f"The file '{file}' is not one of the response files (responses: {listed}). "
                "Write the file's name as responses has it.",
                file,
            )
        name = file if file in named else by_name[file]
        if ("row" in item) == ("rows" in item):
            raise _fail(
                path,
                key,
                "Podaj numer wiersza jako row: 35 albo kilka wierszy jako rows: [35, 54] "
                "(jedno z dwóch).",
                "Give the row as row: 35 or several rows as rows: [35, 54] (one of the two).",
                item,
            )
        if "rows" in item:
            rows = item["rows"]
            where = f"{key}.rows"
            if not isinstance(rows, list) or not rows:
                raise _fail(
                    path,
                    where,
                    "Pole rows to lista numerów wierszy, np. rows: [35, 54].",
                    "rows must list row numbers, e.g. rows: [35, 54].",
                    rows,
                )
        else:
            rows, where = [item["row"]], f"{key}.row"
        reason = _text(path, f"{key}.reason", item.get("reason"), MAX_TITLE) or None
        for row in rows:
            if isinstance(row, bool) or not isinstance(row, int) or not 2 <= row <= MAX_ROW:
                raise _fail(
                    path,
                    where,
                    "Numer wiersza to liczba całkowita od 2 (wiersz 1 to nagłówek), taka jak "
                    "w raporcie ze sprawdzania danych.",
                    "A row number is a whole number from 2 (row 1 is the header), as the "
                    "validation report gives it.",
                    row,
                )
            if (name, row) in seen:
                raise _fail(
                    path,
                    where,
                    f"Wiersz {row} pliku {name} jest na liście exclude drugi raz (pierwszy raz "
                    f"w {seen[(name, row)]}). Zostaw jeden wpis.",
                    f"Row {row} of {name} is listed in exclude a second time (first in "
                    f"{seen[(name, row)]}). Keep one entry.",
                    row,
                )
            seen[(name, row)] = key
            found.append(Exclusion(file=name, row=row, reason=reason, path=named[name]))
            if len(found) > MAX_EXCLUDED:
                raise _fail(
                    path,
                    "exclude",
                    f"Lista exclude może mieć najwyżej {MAX_EXCLUDED} wierszy. Jeśli trzeba "
                    "pominąć aż tyle, popraw raczej sam plik z odpowiedziami.",
                    f"exclude may list at most {MAX_EXCLUDED} rows. To leave out that many, "
                    "correct the response file itself instead.",
                    len(found),
                )
    return tuple(found)


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


def _check_population(path: Path, population: Any) -> None:
    """Refuse a population that is not a whole number in 1..MAX_POPULATION."""
    if isinstance(population, bool) or not isinstance(population, int) or population <= 0:
        raise _fail(
            path,
            "population",
            "Podaj liczbę mieszkańców (population) jako liczbę całkowitą większą od zera.",
            "Give the population as a whole number above zero.",
            population,
        )
    if population > MAX_POPULATION:
        raise _fail(
            path,
            "population",
            "Ta liczba mieszkańców jest niemożliwa: żadna gmina w Polsce nie ma więcej niż "
            "2 000 000 mieszkańców (największa, Warszawa, ma ok. 1,9 mln). Wpisz liczbę dorosłych "
            "mieszkańców (18+) z GUS BDL.",
            "This population is impossible: no Polish gmina has more than 2,000,000 residents "
            "(the largest, Warsaw, has about 1.9 million). Give the number of adult residents "
            "(18+) from GUS BDL.",
            population,
        )


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
    if not path.is_file():
        raise _fail(
            path,
            None,
            f"W folderze {folder} nie ma pliku town.yaml z opisem miejscowości.",
            f"Folder {folder} has no town.yaml describing the town.",
        )
    if not path.resolve().is_relative_to(folder):
        raise _fail(
            path,
            None,
            f"Plik town.yaml to dowiązanie symboliczne prowadzące poza folder miejscowości "
            f"{folder.name}. Zapisz w tym folderze zwykły plik town.yaml.",
            f"town.yaml is a symbolic link leading outside the town folder {folder.name}. Save "
            "a regular town.yaml in the folder.",
        )
    raw = read_yaml(path)
    if not isinstance(raw, Mapping):
        raise _fail(
            path, None, "Plik town.yaml jest pusty.", "town.yaml is empty or not a mapping."
        )

    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise _fail(
            path, "name", "Podaj nazwę miejscowości (name).", "Give the town's name (name)."
        )
    name = _text(path, "name", name, MAX_NAME, required=True)
    population = raw.get("population")
    if population is not None:
        _check_population(path, population)  # a wrong value is named before anything else
    margins = _margins(folder, path, raw.get("margins"))
    if population is None and margins.kind != "cells":
        population = int(margins.frame["population"].sum())  # GUS's adults: the bands' sum
    _check_population(path, population)

    wave = raw.get("wave", 1)
    if isinstance(wave, bool) or not isinstance(wave, int) or not 1 <= wave <= 99:
        raise _fail(
            path,
            "wave",
            "Numer fali badania (wave) to liczba całkowita: 1, 2, 3...",
            "The survey wave (wave) must be a whole number: 1, 2, 3...",
            wave,
        )

    instrument = instrument_path(folder, raw.get("instrument"), wave)

    responses_raw = raw.get("responses")
    if not isinstance(responses_raw, list) or not responses_raw:
        raise _fail(
            path,
            "responses",
            "Podaj co najmniej jeden plik z odpowiedziami (responses: - file: ...).",
            "List at least one response file (responses: - file: ...).",
        )
    if len(responses_raw) > MAX_FILES:
        raise _fail(
            path,
            "responses",
            f"Plików z odpowiedziami może być najwyżej {MAX_FILES}.",
            f"There may be at most {MAX_FILES} response files.",
            len(responses_raw),
        )
    responses = []
    named: dict[str, Path] = {}  # a response file as town.yaml names it -> its path
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
                sheet=_text(path, f"{key}.sheet", item.get("sheet"), MAX_NAME),
                columns=_columns(path, f"{key}.columns", item.get("columns")),
            )
        )
        named.setdefault(str(item["file"]).strip(), responses[-1].path)

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
    if len(districts) > MAX_DISTRICTS:
        raise _fail(
            path,
            "districts",
            f"Osiedli (districts) może być najwyżej {MAX_DISTRICTS}.",
            f"There may be at most {MAX_DISTRICTS} districts.",
            len(districts),
        )
    district_names = {}
    for code, label in districts.items():
        code = _text(path, "districts", code, MAX_NAME, required=True)
        district_names[code] = _text(path, f"districts.{code}", label, MAX_NAME, required=True)

    recruitment = _text(path, "recruitment", raw.get("recruitment"), MAX_TEXT)
    innovation = raw.get("innovation") or {}
    if not isinstance(innovation, Mapping) or (innovation and not innovation.get("title")):
        raise _fail(
            path,
            "innovation",
            "Pole innovation ma postać {title: nazwa innowacji, start: RRRR-MM-DD}.",
            "innovation must look like {title: the innovation's name, start: YYYY-MM-DD}.",
            innovation,
        )

    lines = None
    priorities = raw.get("priorities")
    if priorities is not None:
        ok = isinstance(priorities, Mapping) and all(
            isinstance(priorities.get(k), int | float) and not isinstance(priorities.get(k), bool)
            and 0 < float(priorities[k]) < 1 for k in ("importance", "satisfaction")
        )  # fmt: skip
        if not ok:
            raise _fail(
                path,
                "priorities",
                "Pole priorities ma postać {importance: 0.8, satisfaction: 0.5}: progi macierzy "
                "priorytetów jako odsetki między 0 a 1.",
                "priorities must look like {importance: 0.8, satisfaction: 0.5}: the priority "
                "matrix's cut-offs as shares between 0 and 1.",
                priorities,
            )
        lines = (float(priorities["importance"]), float(priorities["satisfaction"]))
    commentary = None
    if raw.get("commentary") is not None:
        note = _relative(folder, path, "commentary", raw["commentary"])
        data = note.read_bytes()[: 4 * MAX_COMMENTARY + 1]
        try:
            commentary = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise _fail(
                path, "commentary",
                f"Plik komentarza {note.name} nie jest zapisany w UTF-8. Zapisz go jako tekst "
                "UTF-8 i spróbuj ponownie.",
                f"The commentary file {note.name} is not UTF-8 text. Save it as UTF-8 text and "
                "try again.", raw["commentary"],
            ) from None  # fmt: skip
        if len(commentary) > MAX_COMMENTARY:
            raise _fail(
                path, "commentary",
                f"Komentarz ma więcej niż {MAX_COMMENTARY} znaków; skróć go.",
                f"The commentary is longer than {MAX_COMMENTARY} characters; shorten it.",
                raw["commentary"],
            )  # fmt: skip
        commentary = commentary.strip() or None

    return Town(
        slug=f"{folder.parent.name}-{folder.name}" if wave > 1 else folder.name,
        folder=folder,
        name=name.strip(),
        population=population,
        margins=margins.frame,
        margins_source=margins.source,
        instrument=instrument,
        responses=tuple(responses),
        synthetic=bool(raw.get("synthetic", False)),
        fieldwork_start=start,
        fieldwork_end=end,
        recruitment=recruitment or None,
        districts=MappingProxyType(district_names),
        workshop_ideas=ideas,
        assets=assets,
        wave=wave,
        innovation=_text(path, "innovation.title", innovation["title"], MAX_TITLE)
        if innovation
        else None,
        innovation_start=_date(path, "innovation.start", innovation.get("start")),
        margins_kind=margins.kind,
        teryt=margins.teryt,
        priority_lines=lines,
        commentary=commentary,
        exclusions=_exclusions(path, raw.get("exclude"), named),
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
