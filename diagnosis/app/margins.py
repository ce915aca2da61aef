"""A new town's population margins (18+ by age band x sex): typed in, from a file, or GUS's.

The cells are those of the questionnaire's ``age_band`` and ``sex`` questions,
exactly the structure of ``margins.cells`` in ``town.yaml`` (see
:mod:`diagnosis.town`). A file can be *long* (columns ``age_band, sex,
population``) or *wide* (age bands down the first column, one column per sex),
with codes (``18_29``, ``female``) or the questionnaire's labels (``18-29
lat``, ``Kobiety``, ``Mężczyźni``) as GUS BDL tables show them.

Instead of typing, the librarian may take GUS's figures (:class:`GusMargins`):
a gmina of the table shipped with the package (:func:`gmina_figures`, found by
name with :func:`gmina_options`; ``town.yaml`` then says ``margins: {gmina:
"2207011"}``), or a newer export of BDL table P2137 they downloaded
(:func:`bdl_figures`; the file is copied into the town and ``town.yaml`` says
``margins: {bdl: <file>}``). Both are read by :mod:`diagnosis.population`,
exactly as :func:`diagnosis.town.load_town` will read them.

Examples
--------
>>> from diagnosis.instrument import load_instrument
>>> ins = load_instrument("surveys/instruments/resident_survey.xlsx")
>>> [c.name for c in age_bands(ins)], [c.name for c in sexes(ins)]
(['18_29', '30_44', '45_59', '60_plus'], ['female', 'male'])
>>> counts = {(a.name, s.name): 100 for a in age_bands(ins) for s in sexes(ins)}
>>> margins_frame(counts, ins)["population"].sum()
np.int64(800)
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from ..errors import DiagnosisError, Language
from ..instrument import Choice, Instrument
from ..population import (
    ADULT_BANDS,
    GMINA_TYPES,
    GMINY_FILE,
    VOIVODESHIPS,
    adult_margins,
    find_gmina,
    gmina_margins,
    load_gminy,
    read_bdl,
    teryt_code,
)
from ..read import read_table
from .errors import AppError

__all__ = [
    "BDL_SUFFIXES",
    "GMINA_YEAR",
    "GusMargins",
    "age_bands",
    "bdl_figures",
    "gmina_figures",
    "gmina_options",
    "gus_rows",
    "margins_frame",
    "read_margins",
    "sexes",
    "unit_label",
]

#: the year of the shipped table of gminy (its state on 31 December), from its file name
GMINA_YEAR = int(re.findall(r"\d{4}", GMINY_FILE.stem)[-1])
#: extensions of a BDL export the app accepts (BDL downloads are ``;``-separated CSV)
BDL_SUFFIXES = (".csv", ".txt")

_COLUMNS = ["age_band", "sex", "population"]
_FEMALE = ("k", "f", "w")  # kobiety, female, women
_MALE = ("m",)  # mężczyźni, male, men


def _choices(instrument: Instrument, name: str) -> tuple[Choice, ...]:
    q = instrument.get(name)
    if q is None or not q.choices:
        raise AppError(
            pl=f"Kwestionariusz nie ma pytania '{name}' z listą odpowiedzi, więc nie da się "
            "podać struktury ludności.",
            en=f"The questionnaire has no question '{name}' with choices, so the population "
            "structure cannot be given.",
            file=instrument.path,
        )
    return tuple(c for c in q.choices if not c.missing)


def age_bands(instrument: Instrument) -> tuple[Choice, ...]:
    """The age bands of the questionnaire (rows of the margins table)."""
    return _choices(instrument, "age_band")


def sexes(instrument: Instrument) -> tuple[Choice, ...]:
    """The sexes of the questionnaire (columns of the margins table)."""
    return _choices(instrument, "sex")


def margins_frame(counts: Mapping[tuple[str, str], object], instrument: Instrument) -> pd.DataFrame:
    """Check typed-in counts and return them as ``age_band, sex, population`` rows.

    Parameters
    ----------
    counts : mapping (age band code, sex code) -> number
        One entry per cell of :func:`age_bands` x :func:`sexes`.
    instrument : Instrument

    Returns
    -------
    DataFrame
        One row per cell in questionnaire order; ``population`` is int.

    Raises
    ------
    AppError
        A cell is missing, not a whole number, negative, or all cells are zero.

    Examples
    --------
    >>> from diagnosis.instrument import load_instrument
    >>> ins = load_instrument("surveys/instruments/resident_survey.xlsx")
    >>> margins_frame({("18_29", "female"): -1}, ins)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    diagnosis.app.errors.AppError: The number of residents in group '18-29 years, Female' ...
    """
    rows = []
    for age in age_bands(instrument):
        for sex in sexes(instrument):
            value = counts.get((age.name, sex.name))
            label_pl = f"{age.label('pl')}, {sex.label('pl')}"
            label_en = f"{age.label('en')}, {sex.label('en')}"
            number = _whole(value)
            if number is None or number < 0:
                raise AppError(
                    pl=f"Liczba mieszkańców w grupie „{label_pl}” musi być liczbą "
                    f"całkowitą, zero lub więcej (jest: {value!r}).",
                    en=f"The number of residents in group '{label_en}' must be a "
                    f"whole number, zero or more (it is: {value!r}).",
                )
            rows.append((age.name, sex.name, number))
    frame = pd.DataFrame(rows, columns=_COLUMNS)
    if frame["population"].sum() <= 0:
        raise AppError(
            pl="Wpisz liczbę mieszkańców (18+) w grupach wieku i płci; wszystkie pola są puste "
            "albo równe zero.",
            en="Type the number of residents (18+) in the age and sex groups; every cell is "
            "empty or zero.",
        )
    return frame


def _whole(value: object) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, str):
        text = re.sub(r"[\s\u00a0]", "", value).replace(",", ".")
        try:
            value = float(text)
        except ValueError:
            return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    if number != number or number != int(number):  # NaN or a fraction
        return None
    return int(number)


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def _age_code(value: object, bands: tuple[Choice, ...]) -> str | None:
    text = str(value).strip().lower()
    for band in bands:
        names = {band.name.lower(), *(label.lower() for label in band.labels.values())}
        if text in names:
            return band.name
    digits = _digits(text)
    if digits:
        for band in bands:
            if digits == _digits(band.name):
                return band.name
    return None


def _sex_code(value: object, options: tuple[Choice, ...]) -> str | None:
    text = str(value).strip().lower()
    for option in options:
        names = {option.name.lower(), *(label.lower() for label in option.labels.values())}
        if text in names:
            return option.name
    codes = {c.name for c in options}
    if text.startswith(_FEMALE) and "female" in codes:
        return "female"
    if text.startswith(_MALE) and "male" in codes:
        return "male"
    return None


def read_margins(path: str | Path, instrument: Instrument) -> pd.DataFrame:
    """Read population margins from a CSV or Excel file (long or wide), checked.

    Parameters
    ----------
    path : str or Path
        Long: columns ``age_band, sex, population`` (the names of
        ``town.yaml``). Wide: age bands in the first column, one column per
        sex (``Kobiety``, ``Mężczyźni``; ``female``, ``male``); other columns
        (e.g. ``Razem``) are ignored.
    instrument : Instrument

    Returns
    -------
    DataFrame
        As :func:`margins_frame`.

    Raises
    ------
    AppError
        Naming the row and column that cannot be used.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from diagnosis.instrument import load_instrument
    >>> ins = load_instrument("surveys/instruments/resident_survey.xlsx")
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "ludnosc.csv"
    >>> text = "Wiek;Kobiety;Mężczyźni\\n18-29 lat;10;11\\n30-44 lat;12;13\\n"
    >>> text += "45-59 lat;14;15\\n60 lat i więcej;16;17\\n"
    >>> _ = p.write_bytes(text.encode("cp1250"))
    >>> read_margins(p, ins)["population"].tolist()
    [10, 11, 12, 13, 14, 15, 16, 17]
    """
    path = Path(path)
    try:
        table = read_table(path)
    except DiagnosisError as err:
        raise AppError(
            pl=err.pl, en=err.en, file=path.name, row=err.row, column=err.column
        ) from None
    bands, options = age_bands(instrument), sexes(instrument)
    lowered = {str(c).strip().lower(): c for c in table.columns}
    counts: dict[tuple[str, str], object] = {}
    if set(_COLUMNS) <= set(lowered):
        age_col, sex_col, pop_col = (lowered[c] for c in _COLUMNS)
        for row, record in table.iterrows():
            age = _age_code(record[age_col], bands)
            sex = _sex_code(record[sex_col], options)
            if age is None or sex is None:
                bad_col, bad = (
                    (age_col, record[age_col]) if age is None else (sex_col, record[sex_col])
                )
                raise _unknown(path, row, str(bad_col), bad, bands, options)
            counts[(age, sex)] = record[pop_col]
    else:
        if len(table.columns) < 2:
            raise AppError(
                pl="Plik ze strukturą ludności potrzebuje kolumn age_band, sex, population albo "
                "wieku w pierwszej kolumnie i kolumny dla każdej płci.",
                en="A population file needs the columns age_band, sex, population, or the age "
                "in the first column and a column for each sex.",
                file=path.name,
            )
        sex_columns = {c: _sex_code(c, options) for c in table.columns[1:]}
        sex_columns = {c: s for c, s in sex_columns.items() if s is not None}
        if not sex_columns:
            raise AppError(
                pl="Nie znaleziono kolumn dla płci (np. „Kobiety” i „Mężczyźni”).",
                en="No columns for the sexes were found (e.g. 'Female' and 'Male').",
                file=path.name,
            )
        age_col = table.columns[0]
        for row, record in table.iterrows():
            age = _age_code(record[age_col], bands)
            if age is None:
                if str(record[age_col]).strip().lower() in ("razem", "ogółem", "total", "<na>"):
                    continue
                raise _unknown(path, row, str(age_col), record[age_col], bands, options)
            for column, sex in sex_columns.items():
                counts[(age, sex)] = record[column]
    missing = [
        f"{a.name} x {s.name}" for a in bands for s in options if (a.name, s.name) not in counts
    ]
    if missing:
        raise AppError(
            pl=f"W pliku brakuje grup: {', '.join(missing)}.",
            en=f"The file lacks the groups: {', '.join(missing)}.",
            file=path.name,
        )
    try:
        return margins_frame(counts, instrument)
    except AppError as err:
        raise AppError(pl=err.pl, en=err.en, file=path.name) from None


def _unknown(
    path: Path,
    row: object,
    column: str,
    value: object,
    bands: tuple[Choice, ...],
    options: tuple[Choice, ...],
) -> AppError:
    ages = ", ".join(b.label("pl") for b in bands)
    ages_en = ", ".join(b.label("en") for b in bands)
    kinds = ", ".join(s.label("pl") for s in options)
    kinds_en = ", ".join(s.label("en") for s in options)
    return AppError(
        pl=f"Nie rozpoznano grupy. Grupy wieku to: {ages}; płeć: {kinds}.",
        en=f"The group was not recognised. Age bands: {ages_en}; sex: {kinds_en}.",
        file=path.name,
        row=int(row) if isinstance(row, int) else None,
        column=column,
        value=value,
    )


# ---------------------------------------------------------------------- GUS figures


def unit_label(code: str, name: str, kind: int | None, lang: Language = "pl") -> str:
    """A unit as the librarian reads it: "Kwidzyn (gmina miejska, pomorskie)".

    Parameters
    ----------
    code : str
        The TERYT code (its first two digits name the voivodeship).
    name : str
        The unit's name.
    kind : int or None
        The TERYT type digit (:data:`diagnosis.population.GMINA_TYPES`).
    lang : {"pl", "en"}

    Examples
    --------
    >>> unit_label("2207011", "Kwidzyn", 1), unit_label("2207011", "Kwidzyn", 1, "en")
    ('Kwidzyn (gmina miejska, pomorskie)', 'Kwidzyn (urban gmina, pomorskie)')
    >>> unit_label("12", "Polska", None)
    'Polska'
    """
    parts = []
    if kind is not None and int(kind) in GMINA_TYPES:
        parts.append(GMINA_TYPES[int(kind)][0 if lang == "pl" else 1])
    if len(code) == 7 and code[:2] in VOIVODESHIPS:
        parts.append(VOIVODESHIPS[code[:2]])
    return f"{name} ({', '.join(parts)})" if parts else name


def gmina_options(query: str, lang: Language = "pl", limit: int = 20) -> list[tuple[str, str]]:
    """The gminy whose name matches what was typed, as dropdown options (label, TERYT).

    Examples
    --------
    >>> gmina_options("kwidzyn")
    [('Kwidzyn (gmina miejska, pomorskie)', '2207011'), \
('Kwidzyn (gmina wiejska, pomorskie)', '2207032')]
    >>> gmina_options("  ")
    []
    """
    if not str(query or "").strip():
        return []
    found = find_gmina(str(query), lang, limit)
    return list(zip(found["label"].tolist(), found["teryt"].tolist(), strict=True))


@dataclass(frozen=True)
class GusMargins:
    """A new town's margins taken from GUS: a gmina of the shipped table or a BDL export.

    Attributes
    ----------
    kind : {"gmina", "bdl"}
        The shipped table (:func:`diagnosis.population.gmina_margins`) or an
        uploaded export (:func:`diagnosis.population.read_bdl`).
    frame : DataFrame
        ``age_band, population`` (both sexes together) or ``age_band, sex,
        population``, as :func:`diagnosis.town.load_town` will give them.
    teryt : str
        The unit's code.
    name : str
        The unit's name.
    type : int or None
        The TERYT type digit.
    year : int or None
        The year of the figures (None: the file does not say).
    file_name : str or None
        The uploaded export's name (``bdl`` only).
    content : bytes
        The uploaded export, to be copied into the town as received.
    several_units, several_years : bool
        The export holds more than one unit or year, so ``town.yaml`` names
        the unit (``gmina:``) and the year.
    """

    kind: Literal["gmina", "bdl"]
    frame: pd.DataFrame = field(repr=False)
    teryt: str
    name: str
    type: int | None
    year: int | None
    file_name: str | None = None
    content: bytes = field(default=b"", repr=False)
    several_units: bool = False
    several_years: bool = False

    @property
    def total(self) -> int:
        """The adults: the sum of the bands."""
        return int(self.frame["population"].sum())

    @property
    def has_sex(self) -> bool:
        """Whether men and women are given apart."""
        return "sex" in self.frame.columns

    def label(self, lang: Language = "pl") -> str:
        """The unit as :func:`unit_label` shows it."""
        return unit_label(self.teryt, self.name, self.type, lang)

    def config(self, file_name: str | None = None) -> dict[str, Any]:
        """The ``margins:`` of ``town.yaml`` that gives these figures.

        Parameters
        ----------
        file_name : str, optional
            The export's name in the town folder (``bdl`` only; default its
            uploaded name).

        Examples
        --------
        >>> gmina_figures("2207011").config()
        {'gmina': '2207011'}
        """
        if self.kind == "gmina":
            return {"gmina": self.teryt}
        out: dict[str, Any] = {"bdl": file_name or self.file_name}
        if self.several_units:
            out["gmina"] = self.teryt
        if self.several_years and self.year is not None:
            out["year"] = self.year
        bands = list(dict.fromkeys(self.frame["age_band"].astype(str)))
        if bands != list(ADULT_BANDS):
            out["bands"] = bands
        return out


def _band_codes(instrument: Instrument | None) -> list[str]:
    return list(ADULT_BANDS) if instrument is None else [b.name for b in age_bands(instrument)]


def gmina_figures(teryt: str, instrument: Instrument | None = None) -> GusMargins:
    """A gmina's adults by age band from the table shipped with the package (both sexes).

    Parameters
    ----------
    teryt : str
        The gmina's 7-digit TERYT code.
    instrument : Instrument, optional
        The questionnaire; its ``age_band`` codes must be the table's
        (:data:`diagnosis.population.ADULT_BANDS`).

    Returns
    -------
    GusMargins

    Raises
    ------
    PopulationError
        The code is not a gmina of the table.
    AppError
        The questionnaire's age bands are not the table's.

    Examples
    --------
    >>> g = gmina_figures("2207011")
    >>> g.label(), g.year, g.total, g.frame["population"].tolist()
    ('Kwidzyn (gmina miejska, pomorskie)', 2020, 30852, [5102, 9320, 7089, 9341])
    """
    bands = _band_codes(instrument)
    if bands != list(ADULT_BANDS):
        raise AppError(
            pl="Tabela gmin z danymi GUS ma grupy wieku "
            f"{', '.join(ADULT_BANDS)}, a kwestionariusz: {', '.join(bands)}. Wczytaj eksport "
            "tabeli P2137 z BDL (zostanie podzielony na grupy kwestionariusza) albo wpisz "
            "liczby w tabelę.",
            en=f"The GUS table of gminy has the age bands {', '.join(ADULT_BANDS)}, the "
            f"questionnaire {', '.join(bands)}. Load an export of table P2137 from BDL (it is "
            "split into the questionnaire's bands) or type the numbers into the table.",
        )
    code = teryt_code(teryt)
    frame = gmina_margins(code)
    row = load_gminy().set_index("teryt").loc[code]
    return GusMargins("gmina", frame, code, str(row["name"]), int(row["type"]), GMINA_YEAR)


def _check_bdl_upload(name: str, content: bytes, max_bytes: int) -> str:
    base = Path(str(name).replace("\\", "/")).name or "bdl.csv"
    if Path(base).suffix.lower() not in BDL_SUFFIXES:
        raise AppError(
            pl="Eksport z Banku Danych Lokalnych to plik CSV. Pobierz tabelę P2137 „Ludność "
            "według pięcioletnich grup wieku i płci” jako CSV (układ tabeli lub listy).",
            en="An export from the Bank Danych Lokalnych is a CSV file. Download table P2137 "
            "'Ludność według pięcioletnich grup wieku i płci' as CSV (table or list layout).",
            file=base,
        )
    if not content:
        raise AppError(
            pl="Plik jest pusty (0 bajtów). Pobierz go z BDL ponownie.",
            en="The file is empty (0 bytes). Download it from BDL again.",
            file=base,
        )
    if len(content) > max_bytes:
        raise AppError(
            pl="Plik jest za duży jak na eksport tabeli P2137 dla gminy (ma kilka kB). Pobierz "
            "z BDL tylko swoją gminę.",
            en="The file is too large for an export of table P2137 for a gmina (a few kB). "
            "Download only your gmina from BDL.",
            file=base,
        )
    return base


def bdl_figures(
    name: str,
    content: bytes,
    instrument: Instrument | None = None,
    *,
    teryt: str | None = None,
    max_bytes: int = 20 * 1024 * 1024,
) -> GusMargins:
    """Adults by age band (and sex, when the file has it) from an uploaded BDL export of P2137.

    The upload is read from a temporary copy, removed afterwards, with
    :func:`diagnosis.population.read_bdl` and
    :func:`diagnosis.population.adult_margins`, into the questionnaire's age
    bands; the latest year in the file is used.

    Parameters
    ----------
    name : str
        The uploaded file's name (errors are located in it).
    content : bytes
        The file as uploaded.
    instrument : Instrument, optional
        The questionnaire whose ``age_band`` codes give the bands (default
        :data:`diagnosis.population.ADULT_BANDS`).
    teryt : str, optional
        The gmina chosen in the app: picks the unit of a file with several.
    max_bytes : int
        The largest upload accepted.

    Returns
    -------
    GusMargins

    Raises
    ------
    PopulationError
        Located in the file (row, column): not a P2137 export, a number that
        cannot be read, groups that do not add up.
    AppError
        Not a CSV, empty, too large, or several units and none chosen.

    Examples
    --------
    >>> text = ('Kod;Nazwa;ogółem;0-14;15-19;20-29;30-44;45-59;60 i więcej\\n'
    ...         '0224022;"Ciepłowody (2)";1235;195;95;175;245;225;300\\n')
    >>> g = bdl_figures("ludnosc.csv", text.encode("cp1250"))
    >>> g.label(), g.frame["population"].tolist(), g.config()
    ('Ciepłowody (gmina wiejska, dolnośląskie)', [213, 245, 225, 300], {'bdl': 'ludnosc.csv'})
    """
    base = _check_bdl_upload(name, content, max_bytes)
    folder = Path(tempfile.mkdtemp(prefix="diagnosis-bdl-"))
    try:
        path = folder / base
        path.write_bytes(content)
        table = read_bdl(path)
        units = table.units()
        codes = [str(c) for c in units["code"]]
        code = teryt_code(teryt) if teryt else None
        if code not in codes:
            code = None
            gminy = units[units["type"].isin([1, 2, 3])]
            if len(units) == 1:
                code = codes[0]
            elif len(gminy) == 1:
                code = str(gminy["code"].iloc[0])
            else:
                listed = ", ".join(f"{r.name} ({r.code})" for r in units.head(5).itertuples())
                raise AppError(
                    pl=f"Plik ma dane kilku jednostek (liczba jednostek: {len(units)}; "
                    f"{listed}{'...' if len(units) > 5 else ''}). Wybierz swoją gminę z listy "
                    "„Gmina” wyżej i wczytaj plik ponownie albo pobierz z BDL tylko swoją gminę.",
                    en=f"The file holds several units ({len(units)}; {listed}"
                    f"{'...' if len(units) > 5 else ''}). Choose your gmina in the 'Gmina' list "
                    "above and load the file again, or download only your gmina from BDL.",
                    file=base,
                )
        frame = adult_margins(table, code, bands=_band_codes(instrument))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    unit = units[units["code"] == code].iloc[0]
    kind = None if pd.isna(unit["type"]) else int(unit["type"])
    years = table.years
    return GusMargins(
        "bdl",
        frame,
        code,
        str(unit["name"]),
        kind,
        years[-1] if years else None,
        file_name=base,
        content=bytes(content),
        several_units=len(units) > 1,
        several_years=len(years) > 1,
    )


def gus_rows(gus: GusMargins, instrument: Instrument) -> list[tuple[str, list[int]]]:
    """The figures as table rows: (age band's label code, one number per column).

    Columns are the questionnaire's sexes when the figures have them, else one
    column for both sexes together.

    Examples
    --------
    >>> from diagnosis.instrument import load_instrument
    >>> ins = load_instrument("surveys/instruments/resident_survey.xlsx")
    >>> gus_rows(gmina_figures("2207011"), ins)[0]
    ('18_29', [5102])
    """
    frame = gus.frame
    out = []
    for band in dict.fromkeys(frame["age_band"].astype(str)):
        rows = frame[frame["age_band"].astype(str) == band]
        if gus.has_sex:
            by_sex = dict(zip(rows["sex"], rows["population"], strict=True))
            out.append((band, [int(by_sex.get(s.name, 0)) for s in sexes(instrument)]))
        else:
            out.append((band, [int(rows["population"].sum())]))
    return out
