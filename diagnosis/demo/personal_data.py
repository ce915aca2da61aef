"""Fake personal data planted in the demo's open answers, to exercise redaction.

Residents do write such things into "what is your town's biggest problem?":
their PESEL when they confuse the survey with a benefit form, a phone number
"in case you have questions", a street address of a broken pavement. The demo
plants a few per town; :func:`diagnosis.demo.planted_personal_data` lists them
so a test can check that redaction finds every one.

Every PESEL has a real date and a valid check digit (weights 1,3,7,9,1,3,7,9,1,3);
e-mails use the reserved ``example.*`` domains; phone numbers and addresses are
random and belong to nobody we know of.

Examples
--------
>>> pesel_check_digit("4405140135")
9
>>> is_valid_pesel("44051401359"), is_valid_pesel("44051401358")
(True, False)
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

import numpy as np

__all__ = ["PlantedItem", "is_valid_pesel", "pesel_check_digit", "planted_items"]

_WEIGHTS = (1, 3, 7, 9, 1, 3, 7, 9, 1, 3)


def pesel_check_digit(first_ten: str) -> int:
    """The 11th digit of a PESEL whose first ten digits are ``first_ten``."""
    total = sum(int(d) * w for d, w in zip(first_ten, _WEIGHTS, strict=True))
    return (10 - total % 10) % 10


def is_valid_pesel(text: str) -> bool:
    """True when ``text`` is 11 digits with a real birth date and the right check digit.

    Examples
    --------
    >>> is_valid_pesel("02070803628")
    True
    """
    if len(text) != 11 or not text.isdigit():
        return False
    yy, mm, dd = int(text[:2]), int(text[2:4]), int(text[4:6])
    century = {0: 1900, 20: 2000, 40: 2100, 60: 2200, 80: 1800}.get(mm - mm % 20 if mm > 12 else 0)
    if century is None:
        return False
    try:
        dt.date(century + yy, mm % 20, dd)
    except ValueError:
        return False
    return pesel_check_digit(text[:10]) == int(text[10])


def _pesel(rng: np.random.Generator) -> str:
    birth = dt.date(1940, 1, 1) + dt.timedelta(days=int(rng.integers(0, 365 * 66)))
    month = birth.month + (20 if birth.year >= 2000 else 0)
    head = f"{birth.year % 100:02d}{month:02d}{birth.day:02d}{int(rng.integers(0, 10_000)):04d}"
    return head + str(pesel_check_digit(head))


def _digits(rng: np.random.Generator, k: int) -> str:
    return "".join(str(int(d)) for d in rng.integers(0, 10, size=k))


def _mobile(rng: np.random.Generator) -> str:
    first = str(int(rng.choice([5, 6, 7])))
    d = first + _digits(rng, 8)
    style = int(rng.integers(4))
    if style == 0:
        return f"+48 {d[:3]} {d[3:6]} {d[6:]}"
    if style == 1:
        return f"{d[:3]}-{d[3:6]}-{d[6:]}"
    if style == 2:
        return f"{d[:3]} {d[3:6]} {d[6:]}"
    return f"0048{d}"


def _landline(rng: np.random.Generator, area: str) -> str:
    d = str(int(rng.integers(2, 8))) + _digits(rng, 6)
    if rng.random() < 0.5:
        return f"({area}) {d[:3]} {d[3:5]} {d[5:]}"
    return f"{area} {d[:3]} {d[3:5]} {d[5:]}"


_FIRST = (
    "anna",
    "maria",
    "krystyna",
    "barbara",
    "ewa",
    "jan",
    "piotr",
    "krzysztof",
    "tomasz",
    "stanislaw",
    "zofia",
    "marek",
    "agnieszka",
    "jozef",
    "halina",
)
_LAST = (
    "nowak",
    "kowalska",
    "wisniewski",
    "wojcik",
    "kaminska",
    "lewandowski",
    "zielinska",
    "szymanski",
    "wozniak",
    "dabrowska",
    "kozlowski",
    "mazur",
    "krawczyk",
)


def _email(rng: np.random.Generator) -> str:
    first, last = _FIRST[int(rng.integers(len(_FIRST)))], _LAST[int(rng.integers(len(_LAST)))]
    style = int(rng.integers(3))
    local = (
        f"{first}.{last}"
        if style == 0
        else f"{first[0]}{last}{int(rng.integers(50, 100))}"
        if style == 1
        else f"{last}.{first}{int(rng.integers(1, 30))}"
    )
    return f"{local}@example.{('com', 'org', 'net')[int(rng.integers(3))]}"


_STREETS = (
    "ul. Polna",
    "ul. Lipowa",
    "ul. Ogrodowa",
    "ul. Szkolna",
    "ul. Kolejowa",
    "ul. Mickiewicza",
    "ul. Słowackiego",
    "al. Wojska Polskiego",
    "ul. Żeromskiego",
    "os. Kopernika",
    "ul. 3 Maja",
    "ul. Kościuszki",
    "al. Jana Pawła II",
)


def _address(rng: np.random.Generator) -> str:
    street = _STREETS[int(rng.integers(len(_STREETS)))]
    house = int(rng.integers(1, 80))
    style = int(rng.integers(3))
    if style == 0:
        return f"{street} {house}/{int(rng.integers(1, 60))}"
    if style == 1:
        return f"{street} {house} m. {int(rng.integers(1, 60))}"
    return f"{street} {house}"


class PlantedItem(NamedTuple):
    """One piece of fake personal data and the answer it is planted in.

    Attributes
    ----------
    kind : str
        ``pesel``, ``phone``, ``email`` or ``address``.
    value : str
        The personal data exactly as it appears in the file.
    field : str
        ``problem`` or ``idea``.
    sentence : str
        The whole answer containing ``value``.
    """

    kind: str
    value: str
    field: str
    sentence: str


_TEMPLATES = {
    "pesel": (
        ("problem", "Nie dostałam dodatku, mój PESEL {v}, proszę to sprawdzić."),
        ("problem", "Czekam od roku na mieszkanie socjalne. PESEL: {v}"),
        ("idea", "pesel {v} - zapiszcie mnie na kurs komputerowy"),
    ),
    "phone": (
        ("idea", "Chętnie pomogę przy organizacji, proszę dzwonić: {v}"),
        ("problem", "Dziura w jezdni koło szkoły, zgłaszałem pod nr {v} i nic."),
        ("idea", "Mogę poprowadzić zajęcia z szachów dla dzieci, tel. {v}"),
    ),
    "email": (
        ("idea", "Mam pomysł na klub książki, napiszcie do mnie: {v}"),
        ("problem", "Nikt nie odpowiada na skargi, pisałam z adresu {v} trzy razy."),
    ),
    "address": (
        ("problem", "Przed blokiem przy {v} od roku stoi rozbity samochód."),
        ("problem", "Chodnik pod {v} zapada się, ktoś w końcu się połamie."),
        ("idea", "Zapraszam na spotkanie sąsiedzkie, mieszkam {v}, w piątek o 18."),
    ),
}


def planted_items(rng: np.random.Generator, area_code: str) -> list[PlantedItem]:
    """Draw 4-7 fake pieces of personal data for one town, each in a sentence.

    Every kind appears at least once; phones are mobiles or landlines with the
    town's ``area_code``.
    """
    kinds = ["pesel", "phone", "email", "address"]
    extra = rng.choice(kinds, size=int(rng.integers(0, 4)))
    items = []
    for kind in kinds + [str(k) for k in extra]:
        if kind == "pesel":
            value = _pesel(rng)
        elif kind == "phone":
            value = _mobile(rng) if rng.random() < 0.6 else _landline(rng, area_code)
        elif kind == "email":
            value = _email(rng)
        else:
            value = _address(rng)
        templates = _TEMPLATES[kind]
        field, template = templates[int(rng.integers(len(templates)))]
        items.append(PlantedItem(kind, value, field, template.format(v=value)))
    return items
