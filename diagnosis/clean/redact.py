"""Find and hide personal data in Polish free text.

Residents write their PESEL, phone number, street address or a neighbour's
name into open answers ("what is your town's biggest problem?"). Before any
answer is quoted, counted or exported, every such item is replaced by a
labelled placeholder:

==========  ========================================  =====================  ==================
kind        recognised as                             ``pl`` placeholder     ``en`` placeholder
==========  ========================================  =====================  ==================
email       ``name@domain.tld``, also written out:    ``[e-mail]``           ``[e-mail]``
            ``jan [at] wp.pl``, ``jan(małpa)onet.pl``,
            ``anna . nowak @ gmail . com``, ``anna
            małpa gmail kropka com``, ``jan at wp.pl``
            (a written-out form needs a known top-level
            domain such as ``pl``/``com`` at the end)
iban        ``PL`` + 26 digits (spaces or dashes      ``[IBAN]``             ``[IBAN]``
            between the groups), or the 26-digit NRB;
            ISO 7064 mod-97 check
phone       9 digits, optional ``+48``/``0048``;      ``[telefon]``          ``[phone]``
            mobiles 3-3-3 or 3-2-2-2, landlines
            2-3-2-2, ``(58) 123 45 67``, ``(0-58)``,
            ``058 ...``; spaces, dashes or dots; a
            bare 9-digit number too
pesel       11 digits with the check digit AND a      ``[PESEL]``            ``[PESEL]``
            real birth date (month +80/+20/+40/+60
            for the 1800s/2000s/2100s/2200s); also
            grouped: ``440514 01359``,
            ``44-05-14-01359``, ``4 4 0 5 ...``
nip         10 digits (``123-456-78-90``,             ``[NIP]``              ``[NIP]``
            ``123-45-67-890``, ``PL`` prefix) with
            the mod-11 check digit
regon       9 digits after the word REGON, or 14      ``[REGON]``            ``[REGON]``
            digits, with the mod-11 check digits
id_card     ID card: 3 letters + 6 digits with the    ``[dowód osobisty]``   ``[ID card]``
            check digit (weights 7,3,1,9,7,3,1,7,3;
            ``ABA300000``, ``ABA-300000``, ``ABA 300
            000``), or any such code after "dowód"
address     ``ul./al./pl./os.`` (or ``ulica``,        ``[adres]``            ``[address]``
            ``osiedle`` ...) + name + house number,
            optional ``/flat`` or ``m. 3``; or, after
            a preposition (``na``, ``przy``, ``z``,
            ``od``, ``do``, ``pod`` ...) or
            ``mieszkam``, a capitalised street name +
            a house number (``na Kwiatowej 3/5``)
postcode    ``dd-ddd`` only with context: a           ``[kod pocztowy]``     ``[postcode]``
            capitalised word (a town) right after
            it, or ``ul.``/``al.``/``os.``/``kod``
            within 40 characters
number      any other run of 9 or more digits         ``[numer]``            ``[number]``
            (a PESEL or NIP with a wrong check
            digit, an account number, a 12-digit
            code)
name        a listed first name + a listed surname    ``[imię i nazwisko]``  ``[name]``
            (or one with a Polish surname ending,
            ``-ski``, ``-cka``, ``-wicz`` ...), in
            the usual inflected forms (``Anny
            Nowak``, ``Annie Nowak``, ``Janem
            Kowalskim``); ``Kowalska Anna``; a listed
            surname after ``pan``/``pani`` or a title
            (``burmistrz``, ``sołtys``, ``ks.``, ``dr``)
==========  ========================================  =====================  ==================

The lists of first names and surnames are those of the PESEL register as
shipped by the npm package ``@zxcvbn-ts/language-pl`` 3.0.2 (MIT); see
``names/README.md`` beside this module (:data:`NAMES_FOLDER`).

Choices that trade readability for privacy
------------------------------------------
* An 11-digit number that fails the PESEL check is **not** reported as a
  PESEL, but it is still hidden, as ``[numer]``: it is most likely a PESEL
  with one digit mistyped (still identifying), or some other personal number.
  The same holds for 10 digits failing the NIP check, 14 digits failing the
  REGON check and 26 digits failing the IBAN check, and for 11 digits grouped
  the way PESELs are written (``440514 01358``) whose first six digits are a
  real birth date. Any 9-digit number without the word "REGON" before it is
  taken for a phone number, even when its digits happen to pass the REGON
  check.
* Numbers followed by a currency (``zł``, ``PLN``, ``euro``) are amounts, not
  phone numbers, and are left alone; ordinary numbers (years, counts, prices
  like "10 000 zł", dates like ``12.03.2024`` or ``2024-03-12``) never reach
  nine digits in a row and are never touched.
* A street address needs a house number: "ul. Polna" alone stays. The street
  name may be up to four words ("al. Jana Pawła II 12"); only the first may be
  lower case, so "os. jest 5" is the one kind of false alarm accepted. Without
  ``ul.``, a capitalised word + a number after a preposition is an address
  unless the word is a month, a weekday or an institution ("do Soboty 18:00",
  "przy Szkole Podstawowej 2") or the number is followed by a unit ("z
  Kwidzyna 5 osób"); street names written in capitals need ``ul.``.
* A name needs two words: a first name alone ("pani Ania") stays, and so does
  an initial ("Anna K."). Surnames that are also common words ("Park",
  "Szkoła") count only when they are also frequent surnames ("Król",
  "Piątek"). Patrons ("im. Jana Pawła II", "ul. Jana Kowalskiego") and rulers
  ("Kazimierz III") are not people to hide; a famous person written out
  ("Adam Mickiewicz was born ...") is hidden all the same.
* No rule is perfect: :func:`is_confidently_clean` says whether a text has
  anything left that looks even partly like personal data; quotes chosen for
  a report come from texts it accepts, and still deserve a human look.

The detection is one regular expression whose alternatives are tried in
about the order of the table (an alternative that matches but fails its check
gives way to the next one at the same place), so an e-mail address with digits is one
e-mail, not an e-mail and a phone number, and a placeholder never contains
anything a later pass would find (redaction is idempotent).

Examples
--------
>>> redact_text("Proszę dzwonić: 600 123 456, PESEL 44051401359.")
'Proszę dzwonić: [telefon], PESEL [PESEL].'
>>> redact_text("Mieszkam ul. Polna 12/3, 82-500 Kwidzyn.", lang="en")
'Mieszkam [address], [postcode] Kwidzyn.'
>>> redact_text("Anna Nowak, na Kwiatowej 3/5, jan(małpa)onet.pl")
'[imię i nazwisko], na [adres], [e-mail]'
>>> redact_text("W 2024 roku 15 osób zapłaciło 10 000 zł.")
'W 2024 roku 15 osób zapłaciło 10 000 zł.'
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from typing import Any, Literal, get_args

import numpy as np
import pandas as pd
from stdnum import iban as _iban
from stdnum.pl import nip as _nip
from stdnum.pl import pesel as _pesel
from stdnum.pl import regon as _regon

__all__ = [
    "KINDS",
    "NAMES_FOLDER",
    "PLACEHOLDERS",
    "PersonalData",
    "find_personal_data",
    "is_confidently_clean",
    "is_valid_id_card",
    "redact_nested",
    "redact_series",
    "redact_text",
]

Kind = Literal[
    "email",
    "iban",
    "phone",
    "nip",
    "pesel",
    "regon",
    "id_card",
    "address",
    "postcode",
    "number",
    "name",
]

#: the kinds of personal data, in the order they are looked for
KINDS: tuple[str, ...] = get_args(Kind)

#: what replaces each kind, per language
PLACEHOLDERS: dict[str, dict[str, str]] = {
    "pl": {
        "email": "[e-mail]",
        "iban": "[IBAN]",
        "phone": "[telefon]",
        "nip": "[NIP]",
        "pesel": "[PESEL]",
        "regon": "[REGON]",
        "id_card": "[dowód osobisty]",
        "address": "[adres]",
        "postcode": "[kod pocztowy]",
        "number": "[numer]",
        "name": "[imię i nazwisko]",
    },
    "en": {
        "email": "[e-mail]",
        "iban": "[IBAN]",
        "phone": "[phone]",
        "nip": "[NIP]",
        "pesel": "[PESEL]",
        "regon": "[REGON]",
        "id_card": "[ID card]",
        "address": "[address]",
        "postcode": "[postcode]",
        "number": "[number]",
        "name": "[name]",
    },
}

#: the folder of the first-name and surname lists (and their README with the source)
NAMES_FOLDER = resources.files(__package__) / "names"


@dataclass(frozen=True)
class PersonalData:
    """One piece of personal data found in a text (its position, never its value).

    Attributes
    ----------
    kind : str
        One of :data:`KINDS`.
    start, end : int
        ``text[start:end]`` is the personal data.
    """

    kind: str
    start: int
    end: int


# ------------------------------------------------------------------ patterns

_UP = "A-ZĄĆĘŁŃÓŚŹŻ"
_LOW = "a-ząćęłńóśźż"
_SEP = r"[ \-.]"  # separators inside phone numbers, NIPs and PESELs
_NINE = (  # the nine digits of a phone number, in the usual groupings
    rf"\d{{3}}{_SEP}\d{{3}}{_SEP}\d{{3}}"  # 600 123 456 (mobile)
    rf"|\d{{3}}{_SEP}\d{{2}}{_SEP}\d{{2}}{_SEP}\d{{2}}"  # 600 12 34 56
    rf"|\(0?{_SEP}?\d{{2}}\){_SEP}?\d{{3}}{_SEP}?\d{{2}}{_SEP}?\d{{2}}"  # (58) / (0-58) 123 45 67
    rf"|\d{{2}}{_SEP}\d{{3}}{_SEP}\d{{2}}{_SEP}\d{{2}}"  # 58 123 45 67
    rf"|\d{{2}}{_SEP}\d{{7}}"  # 58 1234567
)
_STREET = (  # "ul." / "al." / "os." / "pl." (dot required), or the word written out
    r"(?i:\b(?:(?:ul|al|os|pl)\.\s*"
    r"|(?:ul|al|os|ulica|ulicy|ulicą|ulicę|aleja|alei|aleją|aleję|plac|placu"
    r"|osiedle|osiedlu|osiedla|osiedlem)\s+))"
)
#: short words that never start a word of a street name ("Z OSIEDLA KOPERNIKA DO CENTRUM PO 18")
_NOT_NAME = (
    r"(?!(?i:do|po|na|w|we|z|ze|i|a|o|u|od|za|przy|koło|kolo|obok|przed|pod|nad|jest|nie|to)\b)"
)
_STREET_NAME = (
    rf"(?:\d{{1,2}}\s+)?{_NOT_NAME}[^\W\d_][\w'\-]*\.?"  # first word, any case ("3 Maja", "polna")
    rf"(?:\s+{_NOT_NAME}[{_UP}][\w'\-]*\.?){{0,3}}"  # up to three more, capitalised
)
_HOUSE = (
    r"\d{1,4}[a-zA-Z]?(?![\w])"
    r"(?:\s*[\-–]\s*\d{1,4}[a-zA-Z]?)?"  # 12-14
    r"(?:\s*/\s*\d{1,4}[a-zA-Z]?|\s+(?:m|lok|mieszk)\.?\s*\d{1,4}[a-zA-Z]?)?"  # 12/3, 12 m. 3
    r"(?![\w/])"
)
# --- addresses without "ul.": a preposition, a capitalised street name, a house number
_PREPOSITION = (
    r"(?i:\b(?:na|przy|z|ze|od|do|pod|spod|koło|kolo|obok|naprzeciw|naprzeciwko"
    r"|mieszkam|mieszkamy|mieszka|mieszkają|mieszkał|mieszkała|zamieszkały|zamieszkała"
    r"|zam\.|adres|adresem)\s*:?\s+)"
)
_MONTHS = (
    r"styczeń|stycznia|luty|lutego|marzec|marca|kwiecień|kwietnia|maj|maja|czerwiec|czerwca"
    r"|lipiec|lipca|sierpień|sierpnia|wrzesień|września|październik|października|listopad"
    r"|listopada|grudzień|grudnia"
)
#: capitalised words after a preposition that are not streets: institutions, days, events
_NOT_STREET = (
    r"(?!(?i:szkoł|szkol|przedszkol|liceum|gimnazj|lini[aię]|autobus|sal[iaęą]\b|klas|grup"
    r"|parafi|kości|euro\b|covid|program|budżet|etap|edycj|punkt|rok\b|roku\b|wiek|godzin"
    r"|minut|numer|nr\b|poniedział|wtor|środ|czwart|piąt|sobot|niedziel|wigili|świąt|święt"
    r"|sesj|rad[yzaęą]\b|urz[ąę]d|gmin|powiat|miast|wsi\b|biblio|ośrod|dom\b|domu\b"
    r"|centrum|hal[iaę]\b|kin[aou]\b|teatr|muze|park|stadion|boisk|basen|przychodn|szpital))"
)
_STREET_AFTER = (
    rf"(?:\d{{1,2}}\s+{_NOT_NAME}[{_UP}][{_LOW}][\w'\-]*"  # "3 Maja"
    rf"|(?!(?i:{_MONTHS})\b){_NOT_STREET}{_NOT_NAME}[{_UP}][{_LOW}][\w'\-]*)"  # "Kwiatowej"
    rf"(?:\s+{_NOT_NAME}(?:[{_UP}][\w'\-]*|[IVX]+)){{0,3}}"  # "Wojska Polskiego", "Jana Pawła II"
)
_UNITS = (  # after a number, these make it a count, not a house number
    r"osób|osoby|osoba|os\.|lat|lata|latach|razy|raz|dni|dnia|dzień|tygodni|tygodnie|miesięcy"
    r"|miesiące|godzin|godziny|godz|h|minut|min|sekund|km|kilometrów|metrów|m2|m²|zł|zl|pln"
    r"|proc|procent|%|tys|mln|mld|dzieci|uczniów|mieszkańców|rodzin|miejsc|sztuk|szt|rok|roku"
    r"|r\.|złotych|punktów|pkt|stopni|°|x|euro|eur|głosów|klas|klasy|lekcji|sklepów|sklepy"
    r"|bloków|domów|mieszkań|lokali|drzew|ławek|lamp|latarni|przystanków|autobusów|pociągów"
    r"|samochodów|aut|boisk|placów|kursów|linii|wydarzeń|imprez|koncertów|zajęć|spotkań"
)
_HOUSE_AFTER = (
    r"\d{1,3}[a-zA-Z]?(?![\w])"
    r"(?:\s*/\s*\d{1,4}[a-zA-Z]?|\s+(?:m|lok|mieszk)\.?\s*\d{1,4}[a-zA-Z]?)?"  # 3/5, 4 m. 2
    r"(?![\w/])(?![.,:]\d)"  # not a decimal or a time
    rf"(?!\s*(?i:{_UNITS})(?!\w))"
)
# --- e-mails written out
_AT = (
    r"(?:\s*@\s*"
    r"|\s*[\[(]\s*(?i:at|@|małpa|malpa)\s*[\])]\s*"  # [at] (małpa)
    r"|\s+(?i:małpa|malpa|at)\s+)"  # " małpa " / " at "
)
_DOT = (
    r"(?:\.(?=\w)|\s\.\s"  # "." or " . "
    r"|\s*[\[(]\s*(?i:dot|kropka|\.)\s*[\])]\s*"  # [dot] (kropka)
    r"|\s+(?i:kropka|dot)\s+)"  # " kropka "
)
_TLD = (
    r"(?i:pl|com|eu|net|org|info|edu|gov|biz|io|me|co|de|uk|ua|cz|sk|lt|by|fr|it|es|nl|be|at"
    r"|ch|se|no|dk|fi|ie|us|online)"
)
# --- names
_WORD = rf"(?:[{_UP}][{_LOW}]+|[{_UP}]{{2,}})"  # "Anna" or "ANNA"
_NEXT_WORD = re.compile(
    rf"[ \t\u00a0]+({_WORD}(?:-{_WORD})?)(?![\w\-])"  # "Nowak", "Kowalska-Nowak"
)
_PAN = r"(?i:\b(?:pan|pani|pana|panią|panu|panem|panie|państwo|państwa)\s+)"
#: a title before a surname: "pani dyrektor Nowak", "burmistrz Kowalski", "ks. Wiśniewski"
_TITLE = (
    r"(?i:\b(?:dyrektor|dyrektorka|dyrektora|dyrektorem|burmistrz|burmistrza|burmistrzem|wójt"
    r"|wójta|wójtem|sołtys|sołtysa|sołtysem|radny|radna|radnego|radnej|kierownik|kierowniczka"
    r"|kierownika|prezes|prezesa|prezeska|ksiądz|księdza|księdzem|ks\.|proboszcz|proboszcza"
    r"|doktor|doktora|dr|prof\.|profesor|mecenas|komendant|komendanta)\.?\s+)"
)

#: the alternatives of the one pattern, in the order they are tried
_ALTERNATIVES: tuple[tuple[str, str], ...] = (
    ("email", r"(?<![\w.+\-])[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)*\.[A-Za-z]{2,}"),
    (
        "email_spelled",
        rf"(?<![\w.+\-])[\w+\-]+(?:{_DOT}[\w+\-]+){{0,4}}{_AT}[\w\-]+(?:{_DOT}[\w\-]+){{0,3}}{_DOT}{_TLD}"
        r"(?![\w])",
    ),
    ("iban", r"(?<!\d)(?:(?i:pl)[ \-]?)?\d{2}(?:[ \-]?\d{4}){6}(?!\d)"),
    ("phone_intl", rf"(?:\+|(?<!\d)00)48{_SEP}?(?:{_NINE}|\d{{9}})(?!\d)"),
    ("phone_trunk", rf"(?<![\d+])0{_SEP}?[1-9]\d{_SEP}\d{{3}}{_SEP}\d{{2}}{_SEP}\d{{2}}(?!\d)"),
    (
        "pesel_grouped",
        r"(?<!\d)(?=(?:\d[ .\-]?){10}\d(?!\d))\d+(?P<pesel_sep>[ .\-])\d+(?:(?P=pesel_sep)\d+){0,9}"
        r"(?!\d)",
    ),
    (
        "nip",
        rf"(?<!\d)(?:(?i:pl)\s?)?"
        rf"(?:\d{{3}}{_SEP}\d{{3}}{_SEP}\d{{2}}{_SEP}\d{{2}}"
        rf"|\d{{3}}{_SEP}\d{{2}}{_SEP}\d{{2}}{_SEP}\d{{3}})(?!\d)",
    ),
    ("digits", r"(?<!\d)(?:(?i:pl)\s?)?\d{9,}(?!\d)"),
    ("phone", rf"(?<!\d)(?:{_NINE})(?!\d)"),
    ("id_card", r"(?<![\w])[A-Za-z]{3}[ \-]?(?:\d{6}|\d{3}[ \-]\d{3})(?![\d])(?![ \-.]\d)"),
    ("address", rf"{_STREET}{_STREET_NAME}\s+{_HOUSE}"),
    ("address_after", rf"{_PREPOSITION}(?P<street_after>{_STREET_AFTER}\s+{_HOUSE_AFTER})"),
    ("postcode", r"(?<![\d\-])\d{2}-\d{3}(?![\d\-])"),
    (
        "surname_after",
        rf"(?:{_PAN}{_TITLE}?|{_TITLE})"
        rf"(?P<surname>[{_UP}][{_LOW}]+(?:-[{_UP}][{_LOW}]+)?)(?![\w\-])",
    ),
    ("name", rf"(?<![\w\[\-]){_WORD}(?![\w\-])(?=[ \t\u00a0]+[{_UP}])"),
)
_PATTERN = re.compile("|".join(f"(?P<{group}>{body})" for group, body in _ALTERNATIVES))
#: each alternative alone, to try the next ones where one matched but failed its check
_SINGLE = {group: re.compile(f"(?P<{group}>{body})") for group, body in _ALTERNATIVES}
_ORDER = [group for group, _ in _ALTERNATIVES]

_CURRENCY = re.compile(r"\s?(?i:zł|zl\b|pln|złotych|zlotych|eur|euro|€|usd|\$)")
_REGON_CONTEXT = re.compile(r"(?i:regon)\W{0,5}$")
_PESEL_CONTEXT = re.compile(r"(?i:pesel)")
_ID_CONTEXT = re.compile(r"(?i:dow[oó]d|dowodu|dowodem|dowodzie)")
_POSTCODE_AFTER = re.compile(rf"\s+[{_UP}][\w\-]+")
_POSTCODE_NEAR = re.compile(r"(?i:\b(?:ul|al|os|pl)\.|\bulic|\bosiedl|\bkod\b|\bpoczt)")
#: how a PESEL is written in groups: 440514 01359, 44-05-14-01359, 4 4 0 5 1 4 0 1 3 5 9 ...
_PESEL_LAYOUTS = {(6, 5), (2, 2, 2, 5), (2, 2, 2, 3, 2), (2, 2, 2, 4, 1), (6, 3, 2), (6, 4, 1)}
_PESEL_LAYOUTS.add((1,) * 11)
#: words before a name that make it a patron or a street, not a person
_PATRON_BEFORE = re.compile(
    r"(?i:\b(?:im\.|imienia|ul\.|ulic[aąyę]|al\.|alei|alej[aąę]|pl\.|plac|placu|os\.|osiedl[aeu]"
    r"|osiedlem|rond[aoz]\w*|św\.|świętego|świętej|bł\.|błogosławionego|pomnik\w*|patron\w*))"
    r"\s*$"
)
_ROMAN_AFTER = re.compile(r"[ \t]+[IVX]+\b")
#: second words that make a first name a place ("Kazimierz Dolny") or a ruler ("Kazimierz Wielki")
_PLACE_WORDS = frozenset(
    re.findall(
        r"\w+",
        "dolny dolna górny górna wielki wielka mały mała nowy nowa stary stara zdrój wielkopolski"
        " mazowiecki śląski pomorski lubelski kujawski trybunalski podlaski morski chrobry śmiały"
        " łokietek krzywousty",
    )
)
_LETTER_VALUES = {chr(c): c - ord("A") + 10 for c in range(ord("A"), ord("Z") + 1)}
_ID_WEIGHTS = (7, 3, 1, 9, 7, 3, 1, 7, 3)
#: quick filter: a text without a digit, an "@", "małpa"/"at" or a capitalised word after
#: another word holds none of the kinds
_MAYBE = rf"[\d@]|(?i:ma[lł]p|\bat\b)|\w[ \t\u00a0]+[{_UP}]"


# ------------------------------------------------------------------ names

_FOLD = str.maketrans("ąćęłńóśźż", "acelnoszz")


def _fold(word: str) -> str:
    return word.lower().translate(_FOLD)


#: first names of the PESEL lists that are mostly ordinary words in a Polish sentence
_FIRST_NAME_WORDS = frozenset(
    {"inna", "pola", "nadzieja", "dana", "lew", "sami", "wiara", "kira", "dal", "pan", "ara"}
)
#: ordinary words that look like an inflected first name ("Miło" -> Mila, "Życie" -> Zyta):
#: the frequent ones of a Polish word-frequency list (see names/README.md)
_NOT_FIRST_NAMES = frozenset(
    _fold(w)
    for w in re.findall(
        r"\w+",
        "życie mają ani miło miły miła mile mili miłej miłą milę milo idę idą lubi lubię dali"
        " miej nadejdzie marzenie marzenia piętro linie linię liny lina linę eli olej wierze"
        " sławy ligi ano marca mai danie toma",
    )
)
#: inflected ending -> nominative ending, for first names and surnames
_ENDINGS: tuple[tuple[str, str], ...] = (
    ("iego", "i"),  # Kowalskiego
    ("iemu", "i"),
    ("im", "i"),
    ("ego", "y"),  # Jerzego
    ("emu", "y"),
    ("ym", "y"),
    ("iej", "a"),  # Kowalskiej
    ("ej", "a"),
    ("ą", "a"),  # Anną, Kowalską
    ("ę", "a"),  # Annę
    ("ii", "ia"),  # Marii
    ("ji", "ja"),  # Alicji
    ("i", "ia"),  # Kasi
    ("i", "a"),  # Agnieszki, Oli
    ("y", "a"),  # Anny
    ("ie", "a"),  # Annie
    ("o", "a"),  # Anno
    ("rze", "ra"),  # Barbarze
    ("ce", "ka"),  # Agnieszce
    ("dze", "ga"),  # Jadwidze
    ("dzie", "da"),  # Magdzie
    ("cie", "ta"),  # Elżbiecie
    ("le", "ła"),
    ("owi", ""),  # Janowi
    ("iem", ""),  # Nowakiem
    ("em", ""),  # Janem
    ("a", ""),  # Jana
    ("u", ""),  # Tomaszu
    ("ie", ""),  # Janie
    ("rze", "r"),  # Piotrze
    ("le", "ł"),  # Pawle
    ("cie", "t"),  # Robercie
    ("dzie", "d"),  # Dawidzie
)
_VOWELS = frozenset("aąeęioóuy")
_SURNAME_ENDING = re.compile(
    r"(?:(?:s|c|dz)k(?:i|a|iego|iemu|im|iej|ą)"  # Kowalski, Nowicka, Zawadzki
    r"|wicz(?:a|owi|em|u|owa|ówna)?"  # Mickiewicz
    r"|(?:czyk|czak|niak|siak|czuk|enko)(?:a|owi|iem|u)?)$"
)


@functools.lru_cache(maxsize=1 << 16)
def _lemmas(word: str) -> frozenset[str]:
    """Candidate nominatives of an inflected name, folded (``Annie`` -> ``anna`` among others)."""
    w = word.lower()
    out = {w}
    for ending, base in _ENDINGS:
        if w.endswith(ending) and len(w) - len(ending) >= 2:
            stem = w[: len(w) - len(ending)]
            out.add(stem + base)
            if not base:
                if len(stem) >= 3 and stem[-1] in "kcłlń" and stem[-2] not in _VOWELS:
                    out.add(stem[:-1] + "e" + stem[-1])  # Marka -> Marek, Pawła -> Paweł
                if stem.endswith("ni"):
                    out.add(stem[:-2] + "ień")  # Stępnia -> Stępień
    return frozenset(_fold(x) for x in out)


@dataclass(frozen=True)
class _Names:
    first: frozenset[str]
    surnames: frozenset[str]  # after a first name: common words only if frequent surnames
    surnames_strict: frozenset[str]  # before a first name: no common words at all


@functools.cache
def _names() -> _Names:
    def read(stem: str) -> list[str]:
        return (NAMES_FOLDER / f"{stem}.txt").read_text(encoding="utf-8").split()

    female, male = read("first_names_female"), read("first_names_male")
    surnames_f, surnames_m = read("surnames_female"), read("surnames_male")
    common = read("surnames_common_words")
    frequent = set(surnames_f[:1000]) | set(surnames_m[:1000])
    first = {_fold(n) for n in female + male if len(n) >= 3 and n not in _FIRST_NAME_WORDS}
    surnames = {_fold(n) for n in surnames_f + surnames_m if len(n) >= 2}
    return _Names(
        first=frozenset(first),
        surnames=frozenset(surnames - {_fold(w) for w in common if w not in frequent}),
        surnames_strict=frozenset(surnames - {_fold(w) for w in common}),
    )


_PLACES = frozenset(_fold(w) for w in _PLACE_WORDS)


def _is_first_name(word: str) -> bool:
    return _fold(word) not in _NOT_FIRST_NAMES and not _names().first.isdisjoint(_lemmas(word))


def _is_surname(word: str, strict: bool = False) -> bool:
    names = _names()
    listed = names.surnames_strict if strict else names.surnames
    parts = word.split("-")
    if any(not listed.isdisjoint(_lemmas(p)) for p in parts):
        return True
    return not strict and bool(_SURNAME_ENDING.search(parts[0].lower()))


def _same_case(a: str, b: str) -> bool:
    return a.isupper() == b.isupper()


def _name_span(text: str, start: int, end: int) -> int | None:
    """End of the name starting with the word ``text[start:end]``, or None if it is none."""
    first = text[start:end]
    if _PATRON_BEFORE.search(text, max(0, start - 25), start):
        return None
    words: list[tuple[str, int]] = []
    pos = end
    for _ in range(2):
        m = _NEXT_WORD.match(text, pos)
        if m is None or not _same_case(first, m.group(1)):
            break
        words.append((m.group(1), m.end(1)))
        pos = m.end(1)
    if not words:
        return None
    found: int | None = None
    if _is_first_name(first):
        second, second_end = words[0]
        if _is_surname(second) and not _is_first_name(second):
            found = second_end
        elif _is_first_name(second):  # "Anna Maria Nowak", or "Anna Maria" alone
            if len(words) > 1 and _is_surname(words[1][0]):
                found = words[1][1]
            elif _is_surname(second):
                found = second_end
    elif _is_surname(first, strict=True) and _is_first_name(words[0][0]):
        found = words[0][1]  # "Kowalska Anna"
    if found is not None and _ROMAN_AFTER.match(text, found):
        return None  # "Jan Paweł II", "Zygmunt III Waza"
    if found is not None and not _PLACES.isdisjoint(_lemmas(words[0][0])):
        return None  # "Kazimierz Dolny", "Bolesław Chrobry"
    return found


# ------------------------------------------------------------------ checks


def is_valid_id_card(code: str) -> bool:
    """True when ``code`` is a Polish ID-card number with the right check digit.

    Three letters (A=10 ... Z=35) and six digits, the first of which is the
    check digit; weights 7,3,1,9,7,3,1,7,3 and the sum is divisible by 10.

    Parameters
    ----------
    code : str
        E.g. ``"ABA300000"``; spaces and dashes are ignored, letters may be
        lower case.

    Returns
    -------
    bool

    Examples
    --------
    >>> is_valid_id_card("ABA 300000"), is_valid_id_card("ABA-300 000")
    (True, True)
    >>> is_valid_id_card("ABA300001")
    False
    """
    text = re.sub(r"[ \-]", "", code).upper()
    if len(text) != 9 or not (text[:3].isalpha() and text[:3].isascii() and text[3:].isdigit()):
        return False
    values = [_LETTER_VALUES[c] for c in text[:3]] + [int(d) for d in text[3:]]
    return sum(v * w for v, w in zip(values, _ID_WEIGHTS, strict=True)) % 10 == 0


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _pesel_grouped(m: re.Match[str]) -> tuple[str, int, int] | None:
    """A PESEL written in groups: valid, or mistyped with a real birth date, or not one."""
    groups = [g for g in re.split(r"\D", m.group()) if g]
    taken, length, end = [], 0, m.start()
    for g in groups:  # the groups that make 11 digits; more digits may follow ("... 12")
        taken.append(len(g))
        length += len(g)
        end = m.string.index(g, end) + len(g)
        if length >= 11:
            break
    if length != 11:
        return None
    digits = _digits(m.string[m.start() : end])
    context = _PESEL_CONTEXT.search(m.string, max(0, m.start() - 40), m.start())
    if tuple(taken) not in _PESEL_LAYOUTS and not context:
        return None
    if _pesel.is_valid(digits):
        return "pesel", m.start(), end
    try:
        _pesel.get_birth_date(digits)
    except ValueError:  # stdnum's InvalidComponent: no such birth date
        return ("number", m.start(), end) if context else None
    return "number", m.start(), end


def _classify(m: re.Match[str]) -> tuple[str, int, int] | None:
    """Kind and span of a match of :data:`_PATTERN`, or None to leave it."""
    group = m.lastgroup
    text = m.group()
    start, end = m.start(), m.end()
    after = m.string[end : end + 12]
    if group in ("email", "email_spelled"):
        return "email", start, end
    if group == "iban":
        return ("iban" if _iban.is_valid("PL" + _digits(text)) else "number"), start, end
    if group in ("phone_intl", "phone_trunk"):
        return "phone", start, end
    if group == "pesel_grouped":
        return _pesel_grouped(m)
    if group in ("nip", "digits", "phone") and _CURRENCY.match(after):
        return None  # an amount of money
    if group == "nip":
        return ("nip" if _nip.is_valid(_digits(text)) else "number"), start, end
    if group in ("phone", "digits") and len(_digits(text)) == 9:
        before = m.string[max(0, start - 12) : start]
        if _REGON_CONTEXT.search(before) and _regon.is_valid(_digits(text)):
            return "regon", start, end
        return "phone", start, end
    if group == "phone":  # "(0-58) 123 45 67": ten digits with the trunk zero
        return "phone", start, end
    if group == "digits":
        digits = _digits(text)
        kind = "number"
        if len(digits) == 10 and _nip.is_valid(digits):
            kind = "nip"
        elif len(digits) == 11 and _pesel.is_valid(digits):
            kind = "pesel"
        elif len(digits) == 14 and _regon.is_valid(digits):
            kind = "regon"
        return kind, start, end
    if group == "id_card":
        before = m.string[max(0, start - 30) : start]
        if is_valid_id_card(text) or _ID_CONTEXT.search(before):
            return "id_card", start, end
        return None
    if group == "address":
        return "address", start, end
    if group == "address_after":
        return "address", m.start("street_after"), end
    if group == "postcode":
        near = m.string[max(0, start - 40) : end + 40]
        if _POSTCODE_AFTER.match(m.string, end) or _POSTCODE_NEAR.search(near):
            return "postcode", start, end
        return None
    if group == "surname_after":
        surname = m.group("surname")
        if _is_first_name(surname) or not _is_surname(surname):
            return None  # "pani Anna Nowak" is found from "Anna"; "pani Dyrektor" is no one
        return "name", m.start("surname"), end
    if group == "name":
        name_end = _name_span(m.string, start, end)
        return None if name_end is None else ("name", start, name_end)
    return None  # pragma: no cover - every group is handled above


def _scan(text: str) -> Iterator[tuple[str, int, int]]:
    """Kind, start and end of each item in ``text``, in order, never overlapping."""
    pos = 0
    while (m := _PATTERN.search(text, pos)) is not None:
        found = _classify(m)
        if found is None:  # try the later alternatives at the same place
            for group in _ORDER[_ORDER.index(str(m.lastgroup)) + 1 :]:
                other = _SINGLE[group].match(text, m.start())
                if other is not None and (found := _classify(other)) is not None:
                    break
        if found is None:
            pos = m.start() + 1
            continue
        yield found
        pos = found[2]


def _check_lang(lang: str) -> dict[str, str]:
    if lang not in PLACEHOLDERS:
        raise ValueError(f"lang must be one of {sorted(PLACEHOLDERS)}, not {lang!r}")
    return PLACEHOLDERS[lang]


def _redact(text: str, labels: dict[str, str], counts: Counter[str] | None = None) -> str:
    parts, pos = [], 0
    for kind, start, end in _scan(text):
        parts += [text[pos:start], labels[kind]]
        pos = end
        if counts is not None:
            counts[kind] += 1
    return "".join(parts) + text[pos:] if parts else text


# ------------------------------------------------------------------ public API


def find_personal_data(text: str) -> list[PersonalData]:
    """Find personal data in one text.

    Parameters
    ----------
    text : str
        A free-text answer.

    Returns
    -------
    list of PersonalData
        Kind and position of each item, in order of position; never
        overlapping. The values themselves are not kept.

    Examples
    --------
    >>> find_personal_data("tel. 600-123-456 albo jan@example.com")
    [PersonalData(kind='phone', start=5, end=16), PersonalData(kind='email', start=22, end=37)]
    >>> find_personal_data("PESEL 44051401358")  # wrong check digit: hidden as a number
    [PersonalData(kind='number', start=6, end=17)]
    >>> find_personal_data("Dzwońcie do Anny Nowak")
    [PersonalData(kind='name', start=12, end=22)]
    """
    return [PersonalData(kind, start, end) for kind, start, end in _scan(text)]


def redact_text(text: str, lang: str = "pl") -> str:
    """Replace the personal data in ``text`` by labelled placeholders.

    Parameters
    ----------
    text : str
        A free-text answer.
    lang : {"pl", "en"}
        Language of the placeholders (see :data:`PLACEHOLDERS`).

    Returns
    -------
    str
        The text with every item :func:`find_personal_data` finds replaced.

    Examples
    --------
    >>> redact_text("Nr dowodu ABA300000, konto PL61 1090 1014 0000 0712 1981 2874")
    'Nr dowodu [dowód osobisty], konto [IBAN]'
    >>> redact_text("PESEL 44-05-14-01359, tel. 600.100.200", lang="en")
    'PESEL [PESEL], tel. [phone]'
    """
    return _redact(text, _check_lang(lang))


def redact_series(s: pd.Series, lang: str = "pl") -> tuple[pd.Series, Counter[str]]:
    """Redact every text of a Series; count what was replaced, by kind.

    Parameters
    ----------
    s : pandas.Series
        Free-text answers (``string`` or ``object`` dtype; missing values and
        non-text values are left as they are).
    lang : {"pl", "en"}
        Language of the placeholders.

    Returns
    -------
    redacted : pandas.Series
        Same index, dtype and name as ``s``.
    counts : collections.Counter
        How many items of each kind were replaced (kinds not found are absent,
        and count 0).

    Notes
    -----
    Texts with none of a digit, an ``@``, "małpa"/"at" or a capitalised word
    after another word are skipped with one ``str.contains``; the rest go
    through :func:`redact_text` one by one.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.Series(["Dzwońcie 600 123 456", None, "Brak kina"], dtype="string")
    >>> out, counts = redact_series(s)
    >>> out.tolist(), dict(counts)
    (['Dzwońcie [telefon]', <NA>, 'Brak kina'], {'phone': 1})
    """
    labels = _check_lang(lang)
    counts: Counter[str] = Counter()
    is_text = isinstance(s.dtype, pd.StringDtype)
    if is_text:
        text = s
    else:
        text = s.where(s.map(lambda v: isinstance(v, str)).astype(bool)).astype("string")
    maybe = text.str.contains(_MAYBE, regex=True).fillna(False).to_numpy(dtype=bool)
    out = s.copy()
    if maybe.any():
        where = np.flatnonzero(maybe)
        candidates = text.iloc[where].tolist()
        replaced = [_redact(t, labels, counts) for t in candidates]
        changed = np.array([a != b for a, b in zip(candidates, replaced, strict=True)])
        if changed.any():
            new_values = [r for r, c in zip(replaced, changed, strict=True) if c]
            out.iloc[where[changed]] = (
                pd.array(new_values, dtype=s.dtype) if is_text else np.array(new_values, object)
            )
    return out, counts


def redact_nested(value: Any, lang: str = "pl") -> tuple[Any, Counter[str]]:
    """Redact every string inside a nested structure (a parsed YAML or JSON file).

    Mapping keys, numbers, ``None`` and other values are kept as they are;
    only string values (at any depth, in dicts, lists and tuples) are passed
    through :func:`redact_text`. The input is not changed.

    Parameters
    ----------
    value : object
        A string, or dicts / lists / tuples of them, e.g. ``yaml.safe_load``
        of a ``town.yaml`` or one row of a workshop file.
    lang : {"pl", "en"}
        Language of the placeholders.

    Returns
    -------
    redacted : object
        A copy of ``value`` with every string redacted.
    counts : collections.Counter
        How many items of each kind were replaced.

    Examples
    --------
    >>> town = {"recruitment": "Zapisy u Anny Nowak", "n": 3, "tags": ["tel. 600 100 200"]}
    >>> out, counts = redact_nested(town)
    >>> out
    {'recruitment': 'Zapisy u [imię i nazwisko]', 'n': 3, 'tags': ['tel. [telefon]']}
    >>> dict(counts)
    {'name': 1, 'phone': 1}
    """
    labels = _check_lang(lang)
    counts: Counter[str] = Counter()

    def walk(v: Any) -> Any:
        if isinstance(v, str):
            return _redact(v, labels, counts)
        if isinstance(v, dict):
            return {k: walk(x) for k, x in v.items()}
        if isinstance(v, list | tuple):
            return type(v)(walk(x) for x in v)
        return v

    return walk(value), counts


# ------------------------------------------------------------------ confidence

_DOUBT_PATTERNS = (
    r"@",
    r"(?i:ma[lł]p[aąeęy]?\b|\bkropk[aąięy]\b|[\[(]\s*(?:at|dot)\s*[\])]|\bwww\b"
    r"|\w\.(?:pl|com|eu|net|org)\b|\b(?:gmail|onet|interia|wp\.pl|o2\.pl|poczta|outlook"
    r"|hotmail|yahoo|icloud|tlen)\b)",  # e-mail pieces
    r"(?<![\d\-])\d{2}-\d{3}(?![\d\-])",  # a postcode, any context
    r"(?<![\w])[A-Za-z]{2,3}[ \-]?\d{5,}",  # an ID-card-like code
    r"(?i:\b(?:(?:ul|al|os|pl)\b\.?\s*|(?:ulic[aąyęe]|alej[aąię]|alei|osiedl[eauo]|osiedlem"
    r"|plac|placu|placem)\s+))"
    rf"(?:\S+\s+)?(?:[{_UP}\d]\S*\s+){{0,3}}\d",  # "ul. Polna 12", not "osiedla ... po 18"
    rf"(?<![\w])[{_UP}][{_LOW}]{{2,}}\s+\d{{1,3}}[a-zA-Z]?(?:\s*/\s*\d+)?(?![\w/])(?![.,:]\d)"
    rf"(?!\s*(?i:{_UNITS})(?!\w))",  # "Kwiatowej 3": a number after a capitalised word
    rf"{_PAN}[{_UP}]",  # "pani Kowalska", "Pani Ania"
    "|".join(re.escape(p) for lang in PLACEHOLDERS.values() for p in lang.values()),
)
_DOUBT = re.compile("|".join(f"(?:{p})" for p in _DOUBT_PATTERNS))
_DIGIT_RUN = re.compile(r"(?<!\d)\d(?:[ .\-/]?\d)*")
_NOT_A_RUN = re.compile(
    r"(?<!\d)(?:\d{1,2}[./\-]\d{1,2}[./\-]\d{2,4}"  # a date
    r"|\d{4}[\-/.]\d{1,2}[\-/.]\d{1,2}"  # an ISO date
    r"|(?:1[89]|20)\d{2}\s?[\-–/]\s?(?:1[89]|20)\d{2})(?!\d)"  # a span of years
)
_CAPITALISED = re.compile(rf"(?<![\w\-]){_WORD}(?![\w\-])")


def is_confidently_clean(text: str) -> bool:
    """True when ``text`` holds nothing that looks even partly like personal data.

    Stricter than :func:`find_personal_data`: a text is *not* confidently
    clean when it has any item that function finds, or a placeholder (it had
    personal data, so something may be left), or any of:

    * a run of five or more digits, spaces, dots, dashes or slashes between
      them allowed (``600 12``), unless it is a date (``12.03.2024``), a span
      of years (``2020-2024``) or an amount (``10 000 zł``);
    * an ``@``, ``małpa``, ``kropka``, ``[at]``, ``www`` or a mail domain
      (``gmail``, ``wp.pl`` ...);
    * a postcode (``82-500``) in any context, or letters + 5 or more digits
      (an ID-card-like code, valid or not);
    * a street word (``ul``, ``ulica``, ``os.`` ...) followed by a number, or a
      capitalised word followed by a house-number-like number (``Kwiatowej 3``,
      not ``Mam 3 dzieci``);
    * a listed first name in any inflected form (``Krystynę``), even alone or
      with an initial (``Anna K.``), or a capitalised word after
      ``pan``/``pani``.

    Use it to choose quotes: among answers it accepts, none needs a second
    look for personal data the redactor may have missed.

    Parameters
    ----------
    text : str
        A free-text answer, redacted or not.

    Returns
    -------
    bool

    Examples
    --------
    >>> is_confidently_clean("Brakuje miejsc dla młodzieży w Parku Miejskim.")
    True
    >>> is_confidently_clean("Dzwońcie 600 12"), is_confidently_clean("Anna K. z biblioteki")
    (False, False)
    >>> is_confidently_clean(redact_text("tel. 600 123 456"))  # a placeholder: it had some
    False
    """
    if _DOUBT.search(text) or next(_scan(text), None) is not None:
        return False
    masked = _NOT_A_RUN.sub(lambda m: "x" * len(m.group()), text)  # dates are no digit runs
    for run in _DIGIT_RUN.finditer(masked):
        if len(_digits(run.group())) >= 5 and not _CURRENCY.match(masked, run.end()):
            return False
    return not any(_is_first_name(m.group()) for m in _CAPITALISED.finditer(text))
