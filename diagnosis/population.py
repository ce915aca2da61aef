"""Population by age (and sex) of every Polish gmina, from GUS's Bank Danych Lokalnych.

Librarians get population figures from GUS's Bank Danych Lokalnych (BDL),
table P2137 "Ludność według pięcioletnich grup wieku i płci". BDL exports it
in two layouts, both ``;``-separated, in UTF-8 or Windows-1250, and
:func:`read_bdl` reads either:

CTAB (a table)
    One row per unit: ``Kod;Nazwa;`` and a column per age group, headed with
    the group and, in a fresh download, the sex, year and unit joined by
    ``;`` inside the quoted header (``"ogółem;0-4;2020;[osoba]"``); a copy
    tidied by hand may have the age group alone (``"0-4"``).
CREL (a list)
    One row per unit x age x sex x year:
    ``"Kod";"Nazwa";"Wiek";"Płeć";"Rok";"Wartosc";"Jednostka miary";"Atrybut"``,
    ``Płeć`` in ``ogółem`` / ``mężczyźni`` / ``kobiety``.

The file is read as bytes and decoded as UTF-8 (with or without a BOM), and
as Windows-1250 when it is not UTF-8.

Every unit is checked when it is read: its five-year groups (``0-4`` ...
``85 i więcej``) must add up to ``ogółem``, the wider groups BDL adds
(``0-14``, ``70 i więcej``) to the groups they cover, and with sex, men and
women to ``ogółem``. A file that does not add up (changed after the download,
or two downloads pasted together) raises :class:`PopulationError` naming the
file, row and column.

Age bands: :func:`adult_margins` sums the five-year groups into the report's
adult bands (by default :data:`ADULT_BANDS`, the standard questionnaire's
``age_band``: 18_29, 30_44, 45_59, 60_plus). A group that straddles a band's
edge is split by single years of age, assuming the residents of the group
are spread evenly over its years: of the group 15-19, the ages 18 and 19 are
**2/5** and go to 18_29; the other 3/5 (ages 15-17) are not adults and are left
out. Each band is then rounded to the nearest person (2/5 of a whole number
is never half way).

The project ships the result for the 2,477 gminy of 2020
(:data:`GMINY_FILE`, see ``diagnosis/data/README.md``): :func:`load_gminy`,
:func:`gmina_margins` by TERYT code and :func:`find_gmina` by name. These
figures are for both sexes together, so a town weighted to them is weighted
to age only.

Examples
--------
>>> gmina_margins("2207011")  # Kwidzyn, gmina miejska, 31.12.2020
  age_band  population
0    18_29        5102
1    30_44        9320
2    45_59        7089
3  60_plus        9341
>>> find_gmina("kwidzyn")["label"].tolist()
['Kwidzyn (gmina miejska, pomorskie)', 'Kwidzyn (gmina wiejska, pomorskie)']
"""

from __future__ import annotations

import csv
import functools
import io
import itertools
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from .errors import Language, ReadError

__all__ = [
    "ADULT_BANDS",
    "GMINA_TYPES",
    "GMINY_FILE",
    "GMINY_SOURCE",
    "MAX_BDL_BYTES",
    "VOIVODESHIPS",
    "BDLTable",
    "PopulationError",
    "adult_margins",
    "find_gmina",
    "gmina_margins",
    "gminy_table",
    "load_gminy",
    "parse_band",
    "read_bdl",
    "teryt_code",
]

#: the standard questionnaire's adult age bands (``age_band`` codes)
ADULT_BANDS = ("18_29", "30_44", "45_59", "60_plus")
#: the table of every gmina shipped with the package (see ``data/README.md`` beside it)
GMINY_FILE = Path(__file__).resolve().parent / "data" / "gminy_2020.csv"
#: how a report cites :data:`GMINY_FILE` (GUS asks for "Źródło: GUS, Bank Danych Lokalnych")
GMINY_SOURCE = (
    "GUS, Bank Danych Lokalnych, tabela P2137 (ludność według pięcioletnich grup "
    "wieku), stan na 31.12.2020, pobrano 2021-06-25; obie płcie razem; wiek 18-19 to 2/5 "
    "grupy 15-19"
)
#: largest export read: all 3,779 units of P2137 for several years in CREL are ~100 MB
MAX_BDL_BYTES = 200_000_000
#: the type digit of a 7-digit TERYT code -> (pl, en); the shipped table holds 1, 2 and 3
GMINA_TYPES = {
    1: ("gmina miejska", "urban gmina"),
    2: ("gmina wiejska", "rural gmina"),
    3: ("gmina miejsko-wiejska", "urban-rural gmina"),
    4: ("miasto w gminie miejsko-wiejskiej", "town of an urban-rural gmina"),
    5: ("obszar wiejski gminy miejsko-wiejskiej", "rural area of an urban-rural gmina"),
    8: ("dzielnica m.st. Warszawy", "district of Warsaw"),
    9: ("delegatura", "city delegation"),
}
#: the first two digits of a TERYT code -> voivodeship
VOIVODESHIPS = {
    "02": "dolnośląskie",
    "04": "kujawsko-pomorskie",
    "06": "lubelskie",
    "08": "lubuskie",
    "10": "łódzkie",
    "12": "małopolskie",
    "14": "mazowieckie",
    "16": "opolskie",
    "18": "podkarpackie",
    "20": "podlaskie",
    "22": "pomorskie",
    "24": "śląskie",
    "26": "świętokrzyskie",
    "28": "warmińsko-mazurskie",
    "30": "wielkopolskie",
    "32": "zachodniopomorskie",
}

Sex = Literal["total", "female", "male"]
_SEXES = {"ogolem": "total", "mezczyzni": "male", "kobiety": "female"}
_CREL = ("kod", "nazwa", "wiek", "plec", "rok", "wartosc")
#: the upper end of an open age group (``85 i więcej``) in internal spans; ``ogółem`` is (-1, -1)
_OPEN = 1000
_TOTAL = (-1, -1)


class PopulationError(ReadError):
    """A GUS BDL population export cannot be read, does not add up, or lacks a unit."""


def _fold(text: str) -> str:
    """Lower case without diacritics (``ł`` too, which Unicode does not decompose)."""
    text = unicodedata.normalize("NFKD", str(text).replace("ł", "l").replace("Ł", "L"))
    return "".join(c for c in text if not unicodedata.combining(c)).casefold().strip()


def _age(label: str) -> tuple[int, int | None] | None:
    """``"15-19"`` -> (15, 19); ``"85 i więcej"`` / ``"85+"`` -> (85, None); else None."""
    folded = _fold(label)
    if m := re.fullmatch(r"(\d{1,3})\s*-\s*(\d{1,3})(\s*lat[a]?)?", folded):
        lo, hi = int(m[1]), int(m[2])
        return (lo, hi) if lo <= hi else None
    if m := re.fullmatch(r"(\d{1,3})\s*(lat\s*)?(i\s*wiecej|i\s*starsi|\+)", folded):
        return int(m[1]), None
    return None


def parse_band(code: str) -> tuple[int, int | None]:
    """The ages of an ``age_band`` code: ``"18_29"`` -> (18, 29), ``"60_plus"`` -> (60, None).

    Parameters
    ----------
    code : str
        A band code: ``<from>_<to>`` (both included) or ``<from>_plus``.

    Returns
    -------
    tuple of (int, int or None)
        First and last age (None: no upper limit).

    Raises
    ------
    PopulationError
        When the code is not of either form.

    Examples
    --------
    >>> parse_band("18_29"), parse_band("60_plus")
    ((18, 29), (60, None))
    """
    text = str(code).strip()
    if (m := re.fullmatch(r"(\d{1,3})_(\d{1,3})", text)) and int(m[1]) <= int(m[2]):
        return int(m[1]), int(m[2])
    if m := re.fullmatch(r"(\d{1,3})_?(plus|\+)", text):
        return int(m[1]), None
    raise PopulationError(
        pl=f"Kod grupy wieku '{text}' nie mówi, jakie lata obejmuje. Użyj postaci od_do "
        "(np. 18_29) albo od_plus (np. 60_plus).",
        en=f"The age band code '{text}' does not say which ages it covers. Write it as "
        "from_to (e.g. 18_29) or from_plus (e.g. 60_plus).",
        value=text,
    )


@dataclass(frozen=True)
class BDLTable:
    """A BDL export of table P2137, read and checked.

    Attributes
    ----------
    path : Path or None
        The file read.
    layout : {"CTAB", "CREL"}
    encoding : str
        ``utf-8`` or ``cp1250``.
    data : DataFrame
        One row per unit x year x sex x age group: ``code`` (as in the file),
        ``name`` (without the type in brackets), ``type`` (the TERYT type
        digit, 1 ... 9, or NA), ``year`` (NA when the file does not say),
        ``sex`` (``total``, ``female``, ``male``), ``age`` (the group as
        written), ``age_from``, ``age_to`` (NA: no upper limit), ``total``
        (the ``ogółem`` row), ``population`` (NA where the file is blank),
        and where it was read: ``row`` (the file's line) and ``column``.
    """

    path: Path | None
    layout: Literal["CTAB", "CREL"]
    encoding: str
    data: pd.DataFrame = field(repr=False)

    @property
    def has_sex(self) -> bool:
        """Whether the file gives men and women apart (not only both sexes together)."""
        return bool(self.data["sex"].isin(["female", "male"]).any())

    @property
    def years(self) -> list[int]:
        """The years the file holds, oldest first (empty when it does not say)."""
        return sorted(int(y) for y in self.data["year"].dropna().unique())

    def units(self) -> pd.DataFrame:
        """``code, name, type``: the units in the file, in file order.

        Examples
        --------
        >>> import tempfile
        >>> p = Path(tempfile.mkdtemp()) / "b.csv"
        >>> _ = p.write_text('Kod;Nazwa;ogółem;0-4;5 i więcej\\n2207011;"Kwidzyn (1)";9;4;5\\n')
        >>> read_bdl(p).units().to_dict("records")
        [{'code': '2207011', 'name': 'Kwidzyn', 'type': 1}]
        """
        units = self.data.drop_duplicates("code")[["code", "name", "type"]]
        return units.reset_index(drop=True)


def _fail(path: Path | None, pl: str, en: str, **where) -> PopulationError:
    return PopulationError(pl=pl, en=en, file=path, **where)


def _decode(path: Path, data: bytes) -> tuple[str, str]:
    """UTF-8 (BOM or not), else Windows-1250."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1250"), "cp1250"
    except UnicodeDecodeError as exc:
        raise _fail(
            path,
            "Pliku nie da się odczytać ani jako UTF-8, ani jako Windows-1250. Pobierz go "
            "ponownie z Banku Danych Lokalnych (eksport CSV).",
            "The file is neither UTF-8 nor Windows-1250. Download it again from the Bank "
            "Danych Lokalnych (CSV export).",
            value=f"byte {exc.start}",
        ) from None


def _unit(code: str, name: str) -> tuple[str, str, int | None]:
    """Code without spaces, name without the ``(type)`` BDL appends, the type digit."""
    code = re.sub(r"\s", "", code)
    if code.isdigit() and len(code) < 7:  # leading zeros lost in a spreadsheet
        code = code.zfill(7)
    kind = None
    if m := re.fullmatch(r"(.*?)\s*\((\d)\)\s*", name):
        name, kind = m[1], int(m[2])
    elif len(code) == 7 and code.isdigit():
        kind = int(code[-1])
    return code, name.strip(), kind


def _number(text: str) -> float | None:
    value = re.sub(r"[\s\u00a0]", "", text).replace(",", ".")
    if value in ("", "-", "x", "."):
        return None
    try:
        number = float(value)
    except ValueError:
        return math.nan
    # kept as published: BDL has a few negative counts (85 i więcej in 3 gminy of 2020,
    # balanced so that the groups still add up to ogółem)
    return number if math.isfinite(number) else math.nan


def _header_parts(header: str) -> tuple[str | None, Sex, int | None] | None:
    """A CTAB value column's age group, sex and year (``"ogółem;0-4;2020;[osoba]"``)."""
    parts = [p.strip() for p in header.split(";") if p.strip()]
    ages, sexes, year, totals = [], [], None, 0
    for part in parts:
        folded = _fold(part)
        if re.fullmatch(r"(19|20)\d\d", folded):
            year = int(folded)
        elif folded.startswith("[") or folded in ("osoba", "osob"):
            continue
        elif folded == "ogolem":
            totals += 1
        elif folded in _SEXES:
            sexes.append(_SEXES[folded])
        elif _age(part) is not None:
            ages.append(part)
    if len(ages) > 1 or len(sexes) > 1 or (not ages and not totals):
        return None
    # "ogółem" stands for the age total, the sex total, or both
    return (ages[0] if ages else None), (sexes[0] if sexes else "total"), year


def _records(path: Path | None, text: str) -> list[tuple[int, list[str]]]:
    rows = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    try:
        for row in reader:
            if row and row[-1] == "":
                row = row[:-1]  # BDL ends every line with ';'
            if any(cell.strip() for cell in row):
                rows.append((reader.line_num, row))
    except csv.Error as exc:
        raise _fail(
            path,
            f"Plik CSV jest uszkodzony ({exc}).",
            f"The CSV file is damaged ({exc}).",
            row=reader.line_num,
        ) from None
    return rows


def _not_bdl(path: Path | None, row: int) -> PopulationError:
    return _fail(
        path,
        "To nie jest eksport tabeli P2137 z Banku Danych Lokalnych GUS: pierwszy wiersz "
        "powinien zaczynać się od Kod;Nazwa, a dalej mieć grupy wieku (układ tabeli) albo "
        "Wiek;Płeć;Rok;Wartosc (układ listy). Pobierz tabelę „Ludność według pięcioletnich "
        "grup wieku i płci” jako CSV.",
        "This is not an export of table P2137 from GUS's Bank Danych Lokalnych: the first "
        "row should begin with Kod;Nazwa followed by age groups (table layout) or "
        "Wiek;Płeć;Rok;Wartosc (list layout). Download 'Ludność według pięcioletnich grup "
        "wieku i płci' as CSV.",
        row=row,
    )


def _people(path: Path | None, cell: str, line: int, column: str) -> float | None:
    """A count of people from one cell (None when empty), or a located error."""
    value = _number(cell)
    if value is not None and math.isnan(value):
        raise _fail(
            path,
            "Tu powinna być liczba osób.",
            "A number of people is expected here.",
            row=line,
            column=column,
            value=cell,
        )
    return value


def _ctab(path: Path | None, rows: list[tuple[int, list[str]]]) -> list[tuple]:
    head_line, header = rows[0]
    columns = []
    for j, name in enumerate(header[2:], start=2):
        parts = _header_parts(name)
        if parts is None:
            raise _fail(
                path,
                "Ta kolumna nie jest grupą wieku tabeli P2137 (np. 0-4, 85 i więcej, ogółem). "
                "Pobierz z BDL samą tabelę ludności według wieku.",
                "This column is not an age group of table P2137 (e.g. 0-4, 85 i więcej, "
                "ogółem). Download the population-by-age table alone from BDL.",
                row=head_line,
                column=name,
            )
        columns.append((j, name, *parts))
    out = []
    for line, row in rows[1:]:
        if len(row) < 2:
            continue
        code, name, kind = _unit(row[0], row[1])
        for j, header_name, age, sex, year in columns:
            cell = row[j] if j < len(row) else ""
            value = _people(path, cell, line, header_name)
            out.append((code, name, kind, year, sex, age, value, line, header_name))
    return out


def _crel(path: Path | None, rows: list[tuple[int, list[str]]]) -> list[tuple]:
    header = rows[0][1]
    index = {_fold(h): j for j, h in enumerate(header)}
    at = [index[k] for k in _CREL]
    out = []
    for line, row in rows[1:]:
        if len(row) <= max(at):
            raise _fail(
                path,
                "W tym wierszu brakuje pól (Kod, Nazwa, Wiek, Płeć, Rok, Wartosc).",
                "This row lacks fields (Kod, Nazwa, Wiek, Płeć, Rok, Wartosc).",
                row=line,
            )
        code, name, kind = _unit(row[at[0]], row[at[1]])
        age_label, sex_label, year_text, cell = (row[j].strip() for j in at[2:])
        age = None if _fold(age_label) == "ogolem" else age_label
        if age is not None and _age(age) is None:
            raise _fail(
                path,
                "Nie rozpoznano grupy wieku (np. 0-4, 85 i więcej, ogółem).",
                "The age group is not recognised (e.g. 0-4, 85 i więcej, ogółem).",
                row=line,
                column=header[at[2]],
                value=age_label,
            )
        sex = _SEXES.get(_fold(sex_label))
        if sex is None:
            raise _fail(
                path,
                "Płeć w tabeli P2137 to ogółem, mężczyźni albo kobiety.",
                "Sex in table P2137 is ogółem, mężczyźni or kobiety.",
                row=line,
                column=header[at[3]],
                value=sex_label,
            )
        year = int(year_text) if re.fullmatch(r"(19|20)\d\d", year_text) else None
        value = _people(path, cell, line, header[at[5]])
        out.append((code, name, kind, year, sex, age, value, line, header[at[5]]))
    return out


def _partition(path: Path | None, data: pd.DataFrame) -> list[tuple[int, int]]:
    """The finest age groups that tile 0+ (``0-4`` rather than ``0-14``), as spans."""
    groups = data.loc[~data["total"], ["age_from", "age_to"]].drop_duplicates()
    spans = [(int(a), _OPEN if pd.isna(b) else int(b)) for a, b in groups.itertuples(index=False)]
    chosen, start = [], 0
    while True:
        here = [s for s in spans if s[0] == start]
        if not here:
            raise _fail(
                path,
                f"Brakuje grupy wieku zaczynającej się od {start} lat, więc nie da się "
                "sprawdzić sumy z ogółem. Pobierz z BDL wszystkie grupy wieku.",
                f"No age group starts at {start}, so the sum cannot be checked against "
                "ogółem. Download every age group from BDL.",
            )
        span = min(here, key=lambda s: s[1])
        chosen.append(span)
        if span[1] == _OPEN:
            return chosen
        start = span[1] + 1


def _wide(data: pd.DataFrame, values: str = "population") -> pd.DataFrame:
    """Units x year x sex down, age groups' spans ``(from, to)`` across."""
    key = data.assign(
        _from=data["age_from"].where(~data["total"], -1),
        _to=data["age_to"].fillna(_OPEN).where(~data["total"], -1).astype(int),
        _year=data["year"].fillna(0).astype(int),
    )
    return key.pivot_table(
        index=["code", "_year", "sex"],
        columns=["_from", "_to"],
        values=values,
        aggfunc="first",
        dropna=False,
        sort=False,
    )


def _where(data: pd.DataFrame, code: str, year: int, sex: str, span) -> dict:
    """``row`` and ``column`` of one value, for an error."""
    hit = data[
        (data["code"] == code)
        & (data["year"].fillna(0).astype(int) == year)
        & (data["sex"] == sex)
        & (
            data["total"]
            if span == _TOTAL
            else (~data["total"])
            & (data["age_from"] == span[0])
            & (data["age_to"].fillna(_OPEN).astype(int) == span[1])
        )
    ]
    row = hit.iloc[0]
    return {"row": int(row["row"]), "column": str(row["column"])}


def _label(span) -> str:
    if span == _TOTAL:
        return "ogółem"
    return f"{span[0]}+" if span[1] == _OPEN else f"{span[0]}-{span[1]}"


def _check(path: Path | None, data: pd.DataFrame) -> None:
    """Five-year groups add up to ogółem, wide groups to theirs, men and women to ogółem."""
    if not data["total"].any():
        raise _fail(
            path,
            "W pliku nie ma kolumny ogółem (wszyscy mieszkańcy), więc nie da się sprawdzić, czy "
            "grupy wieku się sumują. Pobierz z BDL tabelę razem z ogółem.",
            "The file has no ogółem (all residents) column, so the age groups cannot be "
            "checked. Download the table from BDL with ogółem.",
        )
    wide = _wide(data)
    wide = wide[wide.notna().any(axis=1)]  # a unit with no figures for a year: nothing to check
    parts = _partition(path, data)
    for span in [_TOTAL, *parts]:
        if span not in wide.columns or wide[span].isna().any():
            bad = wide.index[0] if span not in wide.columns else wide.index[wide[span].isna()][0]
            some = data[data["code"] == bad[0]].iloc[0]
            raise _fail(
                path,
                f"Brakuje liczby mieszkańców w grupie wieku {_label(span)} dla jednostki "
                f"{some['name']} ({bad[0]}). Pobierz plik ponownie z BDL.",
                f"The number of residents aged {_label(span)} is missing for {some['name']} "
                f"({bad[0]}). Download the file again from BDL.",
                row=int(some["row"]),
            )
    # every wider group (0-14, 70 i więcej, ogółem) equals the five-year groups it covers
    for span in wide.columns:
        if span in parts:
            continue
        lo, hi = (0, _OPEN) if span == _TOTAL else span
        inside = [p for p in parts if p[0] >= lo and p[1] <= hi]
        if not inside:
            continue
        sums = wide[inside].sum(axis=1)
        have = wide[span]
        bad = have.notna() & (sums != have)
        if bad.any():
            code, year, sex = wide.index[bad.to_numpy()][0]
            name = data.loc[data["code"] == code, "name"].iloc[0]
            got, want = int(sums[(code, year, sex)]), int(have[(code, year, sex)])
            if span == _TOTAL:
                said_pl, said_en = f"ogółem to {want}", f"ogółem is {want}"
            else:
                said_pl = f"grupa {_label(span)}, która je obejmuje, ma {want}"
                said_en = f"the group {_label(span)} that covers them has {want}"
            raise _fail(
                path,
                f"Liczby się nie sumują: w jednostce {name} ({code}) grupy wieku sumują się do "
                f"{got}, a {said_pl}. Plik zmieniono po pobraniu albo złożono z kilku pobrań; "
                "pobierz go ponownie z Banku Danych Lokalnych.",
                f"The figures do not add up: in {name} ({code}) the age groups add up to {got}, "
                f"but {said_en}. The file was changed after the download or put together from "
                "several; download it again from the Bank Danych Lokalnych.",
                **_where(data, code, year, sex, span),
            )
    sexes = set(wide.index.get_level_values("sex"))
    if {"female", "male", "total"} <= sexes:
        t = wide.xs("total", level="sex")
        both = (wide.xs("female", level="sex") + wide.xs("male", level="sex")).reindex(t.index)
        bad = (both.notna() & t.notna() & (both != t)).to_numpy()
        if bad.any():
            i, j = np.argwhere(bad)[0]
            (code, year), span = t.index[i], t.columns[j]
            name = data.loc[data["code"] == code, "name"].iloc[0]
            got, want = int(both.iloc[i, j]), int(t.iloc[i, j])
            raise _fail(
                path,
                f"Liczby się nie sumują: w jednostce {name} ({code}) kobiety i mężczyźni w "
                f"grupie {_label(span)} to razem {got}, a ogółem {want}. Pobierz plik ponownie "
                "z BDL.",
                f"The figures do not add up: in {name} ({code}) women and men aged "
                f"{_label(span)} add up to {got}, but ogółem is {want}. Download the file "
                "again from BDL.",
                **_where(data, code, year, "total", span),
            )


def read_bdl(path: str | Path) -> BDLTable:
    """Read and check a BDL export of table P2137 (CTAB or CREL; UTF-8 or Windows-1250).

    Parameters
    ----------
    path : str or Path
        The CSV downloaded from the Bank Danych Lokalnych.

    Returns
    -------
    BDLTable

    Raises
    ------
    PopulationError
        Naming the file, row and column: not a P2137 export, an unreadable
        number, a missing age group, or groups that do not add up to
        ``ogółem`` (or men and women to both sexes).

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "ludnosc.csv"
    >>> _ = p.write_bytes('"Kod";"Nazwa";"Wiek";"Płeć";"Rok";"Wartosc";"Jednostka miary";'
    ...     '"Atrybut"\\n"2207011";"Kwidzyn (1)";"ogółem";"ogółem";"2020";"9";"osoba";""\\n'
    ...     '"2207011";"Kwidzyn (1)";"0-4";"ogółem";"2020";"4";"osoba";""\\n'
    ...     '"2207011";"Kwidzyn (1)";"5 i więcej";"ogółem";"2020";"5";"osoba";""\\n'
    ...     .encode("cp1250"))
    >>> t = read_bdl(p)
    >>> t.layout, t.encoding, t.years, t.has_sex
    ('CREL', 'cp1250', [2020], False)
    """
    path = Path(path)
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_BDL_BYTES + 1)
    except OSError as exc:
        raise _fail(
            path,
            f"Nie da się otworzyć pliku ({exc.strerror}).",
            f"The file cannot be opened ({exc.strerror}).",
        ) from None
    if len(raw) > MAX_BDL_BYTES:
        raise _fail(
            path,
            "Plik jest większy niż 200 MB; eksport tabeli P2137 dla gminy ma kilka kB. Pobierz "
            "z BDL tylko potrzebne jednostki i lata.",
            "The file is larger than 200 MB; an export of P2137 for a gmina is a few kB. "
            "Download only the units and years you need from BDL.",
        )
    text, encoding = _decode(path, raw)
    rows = _records(path, text)
    if not rows:
        raise _not_bdl(path, 1)
    head = [_fold(h) for h in rows[0][1]]
    if head[:2] != ["kod", "nazwa"] or len(head) < 3:
        raise _not_bdl(path, rows[0][0])
    layout: Literal["CTAB", "CREL"] = "CREL" if set(_CREL) <= set(head) else "CTAB"
    records = _crel(path, rows) if layout == "CREL" else _ctab(path, rows)
    if not records:
        raise _fail(
            path,
            "W pliku nie ma żadnej jednostki (gminy), tylko nagłówek.",
            "The file holds no unit (gmina), only the header.",
        )
    data = pd.DataFrame(
        records,
        columns=["code", "name", "type", "year", "sex", "age", "population", "row", "column"],
    )
    spans = [(None, None) if pd.isna(a) else _age(a) for a in data["age"]]
    data["total"] = data["age"].isna()
    data["age"] = data["age"].fillna("ogółem")
    data["age_from"] = [0 if s[0] is None else s[0] for s in spans]
    data["age_to"] = pd.array([s[1] for s in spans], dtype="Int64")
    data["type"] = pd.array(data["type"], dtype="Int64")
    data["year"] = pd.array(data["year"], dtype="Int64")
    data["population"] = pd.array(data["population"], dtype="Float64")
    whole = data["population"].dropna()
    if (whole != whole.round()).any():
        bad = data.loc[whole.index[whole != whole.round()][0]]
        raise _fail(
            path,
            "Liczba osób musi być całkowita.",
            "A number of people must be whole.",
            row=int(bad["row"]),
            column=str(bad["column"]),
            value=bad["population"],
        )
    dup = data.duplicated(["code", "year", "sex", "total", "age_from", "age_to"])
    if dup.any():
        bad = data[dup].iloc[0]
        raise _fail(
            path,
            f"Grupa wieku {bad['age']} jednostki {bad['name']} ({bad['code']}) występuje w "
            "pliku dwa razy. Pobierz plik ponownie z BDL, bez doklejania innych pobrań.",
            f"Age group {bad['age']} of {bad['name']} ({bad['code']}) appears twice. Download "
            "the file again from BDL without pasting other downloads into it.",
            row=int(bad["row"]),
            column=str(bad["column"]),
        )
    data = data[
        ["code", "name", "type", "year", "sex", "age", "age_from", "age_to", "total",
         "population", "row", "column"]
    ]  # fmt: skip
    _check(path, data)
    return BDLTable(path=path, layout=layout, encoding=encoding, data=data)


def _shares(
    spans: Sequence[tuple[int, int]], bands: Sequence[str], path: Path | None
) -> dict[tuple[str, int, int], tuple[int, int]]:
    """(band, group's span) -> (years they share, the group's width in years)."""
    out = {}
    ages = sorted(((parse_band(band), band) for band in bands), key=lambda x: x[0][0])
    for ((_, hi), first), ((lo, _), second) in itertools.pairwise(ages):
        if hi is None or hi >= lo:
            raise _fail(
                path,
                f"Grupy wieku {first} i {second} zachodzą na siebie; każdy wiek może należeć "
                "tylko do jednej grupy.",
                f"Age bands {first} and {second} overlap; each age may belong to one band only.",
                value=second,
            )
    for band in bands:
        lo, hi = parse_band(band)
        for a, b in spans:
            if b == _OPEN:  # an open group goes whole to an open band, and cannot be split
                if hi is not None and hi < a:
                    continue
                if hi is None and lo <= a:
                    out[(band, a, b)] = (1, 1)
                    continue
                raise _fail(
                    path,
                    f"Grupy wieku {a} i więcej nie da się podzielić na grupę {band}: nie wiadomo, "
                    "ile lat obejmuje. Ostatnia grupa kwestionariusza musi zaczynać się od "
                    f"{a} lat lub wcześniej i nie mieć górnej granicy (np. 60_plus).",
                    f"The age group {a}+ cannot be split into band {band}: its width is not "
                    f"known. The questionnaire's last band must start at {a} or earlier and "
                    "have no upper limit (e.g. 60_plus).",
                    value=band,
                )
            shared = min(b, math.inf if hi is None else hi) - max(a, lo) + 1
            if shared > 0:
                out[(band, a, b)] = (int(shared), b - a + 1)
    return out


def _band_values(table: BDLTable, data: pd.DataFrame, bands: Sequence[str]) -> pd.DataFrame:
    """Units x year x sex down, bands across: persons, split groups rounded to the nearest."""
    spans = _partition(table.path, table.data)
    shares = _shares(spans, bands, table.path)
    denominator = math.lcm(*{w for _, w in shares.values()})
    wide = _wide(data)
    out = {}
    for band in bands:
        numerator = 0
        for (b, *span), (shared, width) in shares.items():
            if b == band:
                numerator = numerator + wide[tuple(span)].astype("int64") * (
                    shared * denominator // width
                )
        # nearest whole person; halves (impossible for 2/5 of a whole number) round up
        out[band] = (2 * numerator + denominator) // (2 * denominator)
    frame = pd.DataFrame(out)
    frame["total"] = wide[_TOTAL].astype("int64")
    return frame


def _choose_unit(table: BDLTable, code: str | None) -> str:
    units = table.units()
    if code is not None:
        wanted = _unit(str(code), "")[0]
        if wanted not in set(units["code"]):
            raise _fail(
                table.path,
                f"W pliku nie ma jednostki o kodzie {wanted}. Sprawdź kod TERYT gminy (7 cyfr, "
                "ostatnia to rodzaj gminy) albo pobierz dane tej gminy.",
                f"The file has no unit with code {wanted}. Check the gmina's TERYT code (7 "
                "digits, the last one its type) or download this gmina's data.",
                value=wanted,
            )
        return wanted
    if len(units) == 1:
        return str(units["code"].iloc[0])
    gminy = units[units["type"].isin([1, 2, 3])]
    if len(gminy) == 1:
        return str(gminy["code"].iloc[0])
    listed = ", ".join(f"{r.name} ({r.code})" for r in units.head(5).itertuples())
    raise _fail(
        table.path,
        f"W pliku jest {len(units)} jednostek ({listed}...), więc trzeba wskazać jedną: dopisz "
        'w town.yaml kod TERYT gminy, np. margins: {bdl: ludnosc.csv, gmina: "2207011"}.',
        f"The file holds {len(units)} units ({listed}...), so one must be chosen: add the "
        'gmina\'s TERYT code in town.yaml, e.g. margins: {bdl: ludnosc.csv, gmina: "2207011"}.',
    )


def adult_margins(
    table: BDLTable,
    code: str | None = None,
    *,
    year: int | None = None,
    bands: Sequence[str] = ADULT_BANDS,
) -> pd.DataFrame:
    """One unit's adults by age band (and sex, when the file has it), ready to weight to.

    The five-year groups are summed into ``bands``; a group that straddles a
    band's edge is split by single years of age, as if its residents were
    spread evenly over them: 2/5 of 15-19 are 18 or 19 and count in 18_29.
    Each band is rounded to the nearest person.

    Parameters
    ----------
    table : BDLTable
        From :func:`read_bdl`.
    code : str, optional
        The unit's code (TERYT); needed when the file holds several gminy.
    year : int, optional
        Default: the latest year in the file.
    bands : sequence of str
        Age band codes (:func:`parse_band`), e.g. the questionnaire's ``age_band``.

    Returns
    -------
    DataFrame
        ``age_band, sex, population`` (sex ``female`` / ``male``) when the
        file gives the sexes apart, otherwise ``age_band, population``.

    Raises
    ------
    PopulationError
        When the unit or year is not in the file, or a band cannot be made
        from the file's groups.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "b.csv"
    >>> _ = p.write_text('Kod;Nazwa;"ogółem;ogółem;2020;[osoba]";"ogółem;0-14;2020;[osoba]";'
    ...     '"ogółem;15-19;2020;[osoba]";"ogółem;20 i więcej;2020;[osoba]";\\n'
    ...     '2207011;"Kwidzyn (1)";110;40;50;20;\\n')
    >>> adult_margins(read_bdl(p), bands=["18_plus"])  # 2/5 of 50, and 20
      age_band  population
    0  18_plus          40
    """
    chosen = _choose_unit(table, code)
    data = table.data[(table.data["code"] == chosen) & table.data["population"].notna()]
    years = sorted(int(y) for y in data["year"].dropna().unique())
    if year is not None and year not in years:
        raise _fail(
            table.path,
            f"W pliku nie ma danych za rok {year} (są: {', '.join(map(str, years)) or 'brak'}).",
            f"The file has no figures for {year} (it has: {', '.join(map(str, years)) or 'none'}).",
            value=year,
        )
    pick = year if year is not None else (years[-1] if years else 0)
    data = data[data["year"].fillna(0).astype(int) == pick]
    values = _band_values(table, data, list(bands)).drop(columns="total")
    values = values.reset_index(level="sex")
    if table.has_sex and {"female", "male"} <= set(values["sex"]):
        long = values[values["sex"] != "total"].melt(
            id_vars="sex", var_name="age_band", value_name="population"
        )
        long["order"] = long["age_band"].map({b: i for i, b in enumerate(bands)})
        long = long.sort_values(["order", "sex"], kind="stable")
        return (
            long[["age_band", "sex", "population"]]
            .reset_index(drop=True)
            .astype({"population": "int64"})
        )
    row = values[values["sex"] == "total"].iloc[0]
    return pd.DataFrame({"age_band": list(bands), "population": [int(row[b]) for b in bands]})


def gminy_table(table: BDLTable, year: int | None = None) -> pd.DataFrame:
    """The shipped table: every gmina (types 1, 2, 3) with its adults by age band.

    Parts of urban-rural gminy (types 4, 5) and Warsaw's districts (8) are
    left out: they are inside gminy already listed.

    Parameters
    ----------
    table : BDLTable
        An export of P2137 with every gmina (``../shared/data`` holds the one for 2020).
    year : int, optional
        Default: the latest year in the file.

    Returns
    -------
    DataFrame
        ``teryt, name, type, total`` (all ages), ``adults`` (the bands' sum),
        one column per :data:`ADULT_BANDS` band and one per five-year group
        from 15 on as GUS gives it (``age_15_19`` ... ``age_85_plus``), so that
        :func:`gmina_margins` can sum other bands; sorted by TERYT.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "b.csv"
    >>> _ = p.write_text('Kod;Nazwa;ogółem;0-14;15-19;20-29;30-44;45-59;60 i więcej\\n'
    ...     '2207011;"Kwidzyn (1)";100;10;10;20;20;20;20\\n'
    ...     '2207014;"Kwidzyn - miasto (4)";100;10;10;20;20;20;20\\n')
    >>> gminy_table(read_bdl(p)).to_dict("records")  # 18_29: 2/5 of 10, and 20
    [{'teryt': '2207011', 'name': 'Kwidzyn', 'type': 1, 'total': 100, 'adults': 84, \
'18_29': 24, '30_44': 20, '45_59': 20, '60_plus': 20, 'age_15_19': 10, 'age_20_29': 20, \
'age_30_44': 20, 'age_45_59': 20, 'age_60_plus': 20}]
    """
    data = table.data[table.data["type"].isin([1, 2, 3]) & (table.data["sex"] == "total")]
    years = sorted(int(y) for y in data["year"].dropna().unique())
    pick = year if year is not None else (years[-1] if years else 0)
    data = data[data["year"].fillna(0).astype(int) == pick]
    values = _band_values(table, data, ADULT_BANDS).reset_index()
    # the five-year groups from 15 on, as downloaded, so that any other bands can be summed
    wide = _wide(data)
    groups = {}
    for a, b in _partition(table.path, table.data):
        if a >= GROUPS_FROM:
            name = f"age_{a}_plus" if b == _OPEN else f"age_{a}_{b}"
            groups[name] = wide[(a, b)].astype("int64").to_numpy()
    values = pd.concat([values, pd.DataFrame(groups, index=values.index)], axis=1)
    units = table.units().rename(columns={"code": "teryt"})
    out = units.merge(values.rename(columns={"code": "teryt"}), on="teryt")
    out["adults"] = out[list(ADULT_BANDS)].sum(axis=1)
    counts = ["total", "adults", *ADULT_BANDS, *groups]
    out = out[["teryt", "name", "type", *counts]]
    out = out.astype({c: "int64" for c in ["type", *counts]})
    return out.sort_values("teryt", kind="stable").reset_index(drop=True)


@functools.cache
def _gminy() -> pd.DataFrame:
    return pd.read_csv(GMINY_FILE, dtype={"teryt": str, "name": str}, encoding="utf-8")


def load_gminy() -> pd.DataFrame:
    """The shipped table of the 2,477 gminy (31.12.2020): see :func:`gminy_table`.

    Examples
    --------
    >>> g = load_gminy()
    >>> len(g), int(g["total"].sum())
    (2477, 38265013)
    """
    return _gminy().copy()


def teryt_code(value: str | int) -> str:
    """A TERYT code as text, whitespace removed; undoes YAML's reading of an unquoted code.

    YAML reads an unquoted ``0201011`` as the octal number 66057 and ``2207011``
    as a decimal number; the code of the shipped table each stands for is given back.

    Examples
    --------
    >>> teryt_code(0o201011), teryt_code(2207011), teryt_code(" 2207011 ")
    ('0201011', '2207011', '2207011')
    """
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        known = set(_gminy()["teryt"])
        decimal, octal = str(value).zfill(7), format(value, "o").zfill(7)
        return decimal if decimal in known or octal not in known else octal
    return re.sub(r"\s", "", str(value))


#: the shipped table keeps the five-year groups from this age on
GROUPS_FROM = 15


def _gmina_bands(row: pd.Series, bands: Sequence[str]) -> list[int]:
    """``bands`` summed from a shipped row's five-year groups (``age_<from>_<to>``)."""
    spans = {}
    for column in row.index:
        if m := re.fullmatch(r"age_(\d+)_(\d+|plus)", str(column)):
            spans[(int(m[1]), _OPEN if m[2] == "plus" else int(m[2]))] = int(row[column])
    for band in bands:
        if parse_band(band)[0] < GROUPS_FROM:
            raise PopulationError(
                pl=f"Grupa wieku {band} zaczyna się przed {GROUPS_FROM}. rokiem życia; tabela "
                "gmin ma grupy od 15 lat. Dla dorosłych zacznij od 18 lat.",
                en=f"Age band {band} starts below {GROUPS_FROM}; the gminy table has groups "
                "from 15. For adults start at 18.",
                value=band,
            )
    shares = _shares(list(spans), bands, None)
    denominator = math.lcm(*{w for _, w in shares.values()})
    out = []
    for band in bands:
        numerator = sum(
            spans[(a, b)] * (shared * denominator // width)
            for (name, a, b), (shared, width) in shares.items()
            if name == band
        )
        out.append((2 * numerator + denominator) // (2 * denominator))
    return out


def gmina_margins(teryt: str | int, bands: Sequence[str] = ADULT_BANDS) -> pd.DataFrame:
    """A gmina's adults by age band from the shipped table (both sexes together).

    Parameters
    ----------
    teryt : str
        The gmina's 7-digit TERYT code: the 6-digit code and the type digit
        (1 urban, 2 rural, 3 urban-rural), e.g. ``"2207011"``. Write it in
        quotes in town.yaml: YAML reads an unquoted ``0201011`` as an octal
        number (this function undoes that).
    bands : sequence of str
        The age bands (default :data:`ADULT_BANDS`); other bands are summed
        from the five-year groups as :func:`adult_margins` sums them (a group
        straddling a band's edge split by single years, rounded to the nearest
        person).

    Returns
    -------
    DataFrame
        ``age_band, population``, one row per band.

    Raises
    ------
    PopulationError
        When the code is not a gmina of the table, saying which code to use
        for a part of an urban-rural gmina or a district of Warsaw.

    Examples
    --------
    >>> int(gmina_margins("1465011")["population"].sum())  # Warsaw's adults
    1462135
    >>> gmina_margins("2207011", ["18_24", "25_64", "65_plus"])["population"].tolist()
    [2804, 21364, 6684]
    """
    code = teryt_code(teryt)
    gminy = _gminy().set_index("teryt")
    if code in gminy.index:
        row = gminy.loc[code]
        bands = [str(b) for b in bands]
        if bands == list(ADULT_BANDS):
            values = [int(row[b]) for b in ADULT_BANDS]
        else:
            values = _gmina_bands(row, bands)
        return pd.DataFrame({"age_band": bands, "population": values})
    hint_pl = hint_en = ""
    if len(code) == 7 and code.isdigit() and code[-1] in "45" and f"{code[:6]}3" in gminy.index:
        whole = f"{code[:6]}3"
        hint_pl = (
            f" Kod {code} to miasto albo obszar wiejski gminy miejsko-wiejskiej; dane są dla "
            f"całej gminy: {whole} ({gminy.loc[whole, 'name']})."
        )
        hint_en = (
            f" Code {code} is the town or rural part of an urban-rural gmina; figures are for "
            f"the whole gmina: {whole} ({gminy.loc[whole, 'name']})."
        )
    elif code.startswith("1465") and len(code) == 7:
        hint_pl = " Dzielnice Warszawy nie są gminami; cała Warszawa ma kod 1465011."
        hint_en = " Warsaw's districts are not gminy; the whole of Warsaw is 1465011."
    elif len(code) == 6 and code.isdigit():
        found = sorted(c for c in gminy.index if c.startswith(code))
        hint_pl = f" Kod TERYT gminy ma 7 cyfr, z rodzajem gminy na końcu: {', '.join(found)}."
        hint_en = f" A gmina's TERYT code has 7 digits, its type last: {', '.join(found)}."
    raise PopulationError(
        pl=f"Nie ma gminy o kodzie TERYT {code} w danych GUS za 2020 rok.{hint_pl} Nazwę "
        "gminy i jej kod znajdziesz funkcją find_gmina albo w aplikacji.",
        en=f"There is no gmina with TERYT code {code} in the GUS figures for 2020.{hint_en} "
        "Find the gmina and its code with find_gmina or in the app.",
        value=code,
    )


def find_gmina(name: str, lang: Language = "pl", limit: int = 20) -> pd.DataFrame:
    """Gminy whose name matches ``name``, ignoring case and Polish diacritics.

    The whole name comes first (``"kwidzyn"``: the urban and the rural gmina
    Kwidzyn), then names starting with it, then names with a word starting
    with it (``"warszawa"`` finds "M.st.Warszawa od 2002").

    Parameters
    ----------
    name : str
        What the librarian typed.
    lang : {"pl", "en"}
        Language of ``label``.
    limit : int
        Most rows returned.

    Returns
    -------
    DataFrame
        ``teryt, name, type, kind, voivodeship, adults, label``; ``label``
        reads "Kwidzyn (gmina miejska, pomorskie)".

    Examples
    --------
    >>> find_gmina("LODZ")["name"].tolist()  # Łódź itself, then names with a word "łódzki"
    ['Łódź', 'Aleksandrów Łódzki', 'Konstantynów Łódzki']
    >>> find_gmina("kwidzyn", lang="en")["label"].tolist()
    ['Kwidzyn (urban gmina, pomorskie)', 'Kwidzyn (rural gmina, pomorskie)']
    """

    def words(text: str) -> str:
        return re.sub(r"[^\w]+", " ", _fold(text)).strip()

    query, gminy = words(name), _gminy()
    folded = gminy["name"].map(words)
    rank = pd.Series(3, index=gminy.index)  # 3: no match
    if query:
        typed = query.split()
        rank[folded.map(lambda n: all(any(w.startswith(q) for w in n.split()) for q in typed))] = 2
        rank[folded.str.startswith(query)] = 1
        rank[folded == query] = 0
    found = gminy[rank < 3].assign(_rank=rank[rank < 3])
    found = found.sort_values(["_rank", "name", "teryt"], kind="stable").head(limit)
    i = 0 if lang == "pl" else 1
    kind = found["type"].map(lambda t: GMINA_TYPES[int(t)][i]).astype(str)
    region = found["teryt"].str[:2].map(VOIVODESHIPS).astype(str)
    out = found.assign(
        kind=kind, voivodeship=region, label=found["name"] + " (" + kind + ", " + region + ")"
    )
    columns = ["teryt", "name", "type", "kind", "voivodeship", "adults", "label"]
    return out[columns].reset_index(drop=True)
