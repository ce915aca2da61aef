"""A new town's population margins: residents 18+ by age band x sex, typed in or from a file.

The cells are those of the questionnaire's ``age_band`` and ``sex`` questions,
exactly the structure of ``margins.cells`` in ``town.yaml`` (see
:mod:`diagnosis.town`). A file can be *long* (columns ``age_band, sex,
population``) or *wide* (age bands down the first column, one column per sex),
with codes (``18_29``, ``female``) or the questionnaire's labels (``18-29
lat``, ``Kobiety``, ``Mężczyźni``) as GUS BDL tables show them.

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
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from ..errors import DiagnosisError
from ..instrument import Choice, Instrument
from ..read import read_table
from .errors import AppError

__all__ = ["age_bands", "margins_frame", "read_margins", "sexes"]

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
