"""The 25 demo towns and the fixed facts about each (name, population, file format).

The names are those of real Polish towns of 7,000-120,000 residents (the twelve
named in public material on the Strefy Innowacji programme and thirteen more);
populations are rounded and roughly right. Everything else the demo writes about
them (answers, district names, margins) is invented.

Examples
--------
>>> [t.slug for t in DEMO_TOWNS][:3]
['kwidzyn', 'sucha-beskidzka', 'krotoszyn']
>>> demo_town("oswiecim").name, demo_town("oswiecim").format
('Oświęcim', 'cp1250_csv')
"""

from __future__ import annotations

from typing import Literal, NamedTuple

__all__ = ["DEMO_FORMATS", "DEMO_TOWNS", "DemoFormat", "DemoTown", "demo_town"]

#: how a town's responses are stored, so that every reader is exercised
DemoFormat = Literal["kobo_csv", "google_forms_csv", "spss_sav", "cp1250_csv", "xlsx"]
DEMO_FORMATS: tuple[DemoFormat, ...] = (
    "kobo_csv",
    "google_forms_csv",
    "spss_sav",
    "cp1250_csv",
    "xlsx",
)


class DemoTown(NamedTuple):
    """One demo town.

    Attributes
    ----------
    slug : str
        ASCII folder name under ``surveys/towns``.
    name : str
        Display name, with Polish letters.
    population : int
        All residents, rounded (the ``town.yaml`` gives residents 18+).
    format : DemoFormat
        How the response file is written.
    locative : str
        The name after "w" ("w Kwidzynie"), for Polish text.
    area_code : str
        Landline dialling code, for fake phone numbers.
    """

    slug: str
    name: str
    population: int
    format: DemoFormat
    locative: str
    area_code: str


DEMO_TOWNS: tuple[DemoTown, ...] = (
    # the twelve towns named in public material on the programme
    DemoTown("kwidzyn", "Kwidzyn", 37_900, "kobo_csv", "Kwidzynie", "55"),
    DemoTown("sucha-beskidzka", "Sucha Beskidzka", 8_900, "xlsx", "Suchej Beskidzkiej", "33"),
    DemoTown("krotoszyn", "Krotoszyn", 28_400, "cp1250_csv", "Krotoszynie", "62"),
    DemoTown("cieszyn", "Cieszyn", 33_500, "google_forms_csv", "Cieszynie", "33"),
    DemoTown(
        "piotrkow-trybunalski",
        "Piotrków Trybunalski",
        70_800,
        "spss_sav",
        "Piotrkowie Trybunalskim",
        "44",
    ),
    DemoTown("piekary-slaskie", "Piekary Śląskie", 53_500, "spss_sav", "Piekarach Śląskich", "32"),
    DemoTown("jarocin", "Jarocin", 25_600, "kobo_csv", "Jarocinie", "62"),
    DemoTown("oswiecim", "Oświęcim", 35_300, "cp1250_csv", "Oświęcimiu", "33"),
    DemoTown("nowy-tomysl", "Nowy Tomyśl", 14_600, "xlsx", "Nowym Tomyślu", "61"),
    DemoTown(
        "grodzisk-mazowiecki",
        "Grodzisk Mazowiecki",
        32_500,
        "google_forms_csv",
        "Grodzisku Mazowieckim",
        "22",
    ),
    DemoTown("sopot", "Sopot", 33_600, "google_forms_csv", "Sopocie", "58"),
    DemoTown("slupsk", "Słupsk", 88_200, "spss_sav", "Słupsku", "59"),
    # thirteen more towns of the same size
    DemoTown("lowicz", "Łowicz", 27_200, "cp1250_csv", "Łowiczu", "46"),
    DemoTown("zyrardow", "Żyrardów", 39_400, "google_forms_csv", "Żyrardowie", "46"),
    DemoTown("swiebodzin", "Świebodzin", 21_300, "xlsx", "Świebodzinie", "68"),
    DemoTown("elk", "Ełk", 61_000, "kobo_csv", "Ełku", "87"),
    DemoTown("leczyca", "Łęczyca", 13_600, "cp1250_csv", "Łęczycy", "24"),
    DemoTown("zagan", "Żagań", 24_600, "xlsx", "Żaganiu", "68"),
    DemoTown("swidnik", "Świdnik", 38_600, "kobo_csv", "Świdniku", "81"),
    DemoTown(
        "sroda-wielkopolska", "Środa Wielkopolska", 23_100, "xlsx", "Środzie Wielkopolskiej", "61"
    ),
    DemoTown("brzeg", "Brzeg", 34_600, "spss_sav", "Brzegu", "77"),
    DemoTown(
        "minsk-mazowiecki", "Mińsk Mazowiecki", 40_900, "spss_sav", "Mińsku Mazowieckim", "25"
    ),
    DemoTown("sandomierz", "Sandomierz", 22_600, "kobo_csv", "Sandomierzu", "15"),
    DemoTown("wabrzezno", "Wąbrzeźno", 13_300, "cp1250_csv", "Wąbrzeźnie", "56"),
    DemoTown("gizycko", "Giżycko", 28_600, "google_forms_csv", "Giżycku", "87"),
)


def demo_town(slug: str) -> DemoTown:
    """The demo town with folder name ``slug``.

    Raises
    ------
    KeyError
        If there is no such demo town; the message lists the valid slugs.

    Examples
    --------
    >>> demo_town("elk").name
    'Ełk'
    """
    for town in DEMO_TOWNS:
        if town.slug == slug:
            return town
    raise KeyError(f"no demo town {slug!r}; choose one of: {', '.join(t.slug for t in DEMO_TOWNS)}")
