"""Find and hide personal data in Polish free text.

Residents write their PESEL, phone number or street address into open answers
("what is your town's biggest problem?"). Before any answer is quoted, counted
or exported, every such item is replaced by a labelled placeholder:

==========  ========================================  =====================  ==================
kind        recognised as                             ``pl`` placeholder     ``en`` placeholder
==========  ========================================  =====================  ==================
email       ``name@domain.tld``                       ``[e-mail]``           ``[e-mail]``
iban        ``PL`` + 26 digits (spaces allowed), or   ``[IBAN]``             ``[IBAN]``
            the 26-digit NRB; ISO 7064 mod-97 check
phone       9 digits, optional ``+48``/``0048``;      ``[telefon]``          ``[phone]``
            mobiles 3-3-3 or 3-2-2-2, landlines
            2-3-2-2 or ``(58) 123 45 67``; spaces or
            dashes; a bare 9-digit number too
nip         10 digits (``123-456-78-90``,             ``[NIP]``              ``[NIP]``
            ``123-45-67-890``, ``PL`` prefix) with
            the mod-11 check digit
pesel       11 digits with the check digit AND a      ``[PESEL]``            ``[PESEL]``
            real birth date (month +80/+20/+40/+60
            for the 1800s/2000s/2100s/2200s)
regon       9 digits after the word REGON, or 14      ``[REGON]``            ``[REGON]``
            digits, with the mod-11 check digits
id_card     ID card: 3 letters + 6 digits with the    ``[dowód osobisty]``   ``[ID card]``
            check digit (weights 7,3,1,9,7,3,1,7,3),
            or any such code after "dowód"
address     ``ul./al./pl./os.`` (or ``ulica``,        ``[adres]``            ``[address]``
            ``osiedle`` ...) + name + house number,
            optional ``/flat`` or ``m. 3``
postcode    ``dd-ddd`` only with context: a           ``[kod pocztowy]``     ``[postcode]``
            capitalised word (a town) right after
            it, or ``ul.``/``al.``/``os.``/``kod``
            within 40 characters
number      any other run of 9 or more digits         ``[numer]``            ``[number]``
            (a PESEL or NIP with a wrong check
            digit, an account number, a 12-digit
            code)
==========  ========================================  =====================  ==================

Choices that trade readability for privacy
------------------------------------------
* An 11-digit number that fails the PESEL check is **not** reported as a
  PESEL, but it is still hidden, as ``[numer]``: it is most likely a PESEL
  with one digit mistyped (still identifying), or some other personal number.
  The same holds for 10 digits failing the NIP check, 14 digits failing the
  REGON check and 26 digits failing the IBAN check. Any 9-digit number without
  the word "REGON" before it is taken for a phone number, even when its digits
  happen to pass the REGON check.
* Numbers followed by a currency (``zł``, ``PLN``, ``euro``) are amounts, not
  phone numbers, and are left alone; ordinary numbers (years, counts, prices
  like "10 000 zł", dates like ``12.03.2024`` or ``2024-03-12``) never reach
  nine digits in a row and are never touched.
* A street address needs a house number: "ul. Polna" alone stays. The street
  name may be up to four words ("al. Jana Pawła II 12"); only the first may be
  lower case, so "os. jest 5" is the one kind of false alarm accepted.
* Names of people are not recognised (no reliable rule exists for Polish
  free text); quotes chosen for a report still need a human look.

The detection is one regular expression whose alternatives are tried in the
order of the table, so an e-mail address with digits is one e-mail, not an
e-mail and a phone number, and a placeholder never contains anything a later
pass would find (redaction is idempotent).

Examples
--------
>>> redact_text("Proszę dzwonić: 600 123 456, PESEL 44051401359.")
'Proszę dzwonić: [telefon], PESEL [PESEL].'
>>> redact_text("Mieszkam ul. Polna 12/3, 82-500 Kwidzyn.", lang="en")
'Mieszkam [address], [postcode] Kwidzyn.'
>>> redact_text("W 2024 roku 15 osób zapłaciło 10 000 zł.")
'W 2024 roku 15 osób zapłaciło 10 000 zł.'
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np
import pandas as pd
from stdnum import iban as _iban
from stdnum.pl import nip as _nip
from stdnum.pl import pesel as _pesel
from stdnum.pl import regon as _regon

__all__ = [
    "KINDS",
    "PLACEHOLDERS",
    "PersonalData",
    "find_personal_data",
    "is_valid_id_card",
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
    },
}


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
_SEP = r"[ \-]"  # separators inside phone numbers and NIPs
_NINE = (  # the nine digits of a phone number, in the usual groupings
    rf"\d{{3}}{_SEP}\d{{3}}{_SEP}\d{{3}}"  # 600 123 456 (mobile)
    rf"|\d{{3}}{_SEP}\d{{2}}{_SEP}\d{{2}}{_SEP}\d{{2}}"  # 600 12 34 56
    rf"|\(\d{{2}}\){_SEP}?\d{{3}}{_SEP}?\d{{2}}{_SEP}?\d{{2}}"  # (58) 123 45 67 (landline)
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

_PATTERN = re.compile(
    "|".join(
        (
            r"(?P<email>(?<![\w.+\-])[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)*\.[A-Za-z]{2,})",
            r"(?P<iban>(?<!\d)(?:(?i:pl)\s?)?\d{2}(?:\s?\d{4}){6}(?!\d))",
            rf"(?P<phone_intl>(?:\+|(?<!\d)00)48{_SEP}?(?:{_NINE}|\d{{9}})(?!\d))",
            rf"(?P<nip>(?<!\d)(?:(?i:pl)\s?)?"
            rf"(?:\d{{3}}{_SEP}\d{{3}}{_SEP}\d{{2}}{_SEP}\d{{2}}"
            rf"|\d{{3}}{_SEP}\d{{2}}{_SEP}\d{{2}}{_SEP}\d{{3}})(?!\d))",
            r"(?P<digits>(?<!\d)(?:(?i:pl)\s?)?\d{9,}(?!\d))",
            rf"(?P<phone>(?<!\d)(?:{_NINE})(?!\d))",
            r"(?P<id_card>(?<![\w])[A-Za-z]{3}\s?\d{6}(?!\d))",
            rf"(?P<address>{_STREET}{_STREET_NAME}\s+{_HOUSE})",
            r"(?P<postcode>(?<![\d\-])\d{2}-\d{3}(?![\d\-]))",
        )
    )
)
_CURRENCY = re.compile(r"\s?(?i:zł|zl\b|pln|złotych|zlotych|eur|euro|€|usd|\$)")
_REGON_CONTEXT = re.compile(r"(?i:regon)\W{0,5}$")
_ID_CONTEXT = re.compile(r"(?i:dow[oó]d|dowodu|dowodem|dowodzie)")
_POSTCODE_AFTER = re.compile(rf"\s+[{_UP}][\w\-]+")
_POSTCODE_NEAR = re.compile(r"(?i:\b(?:ul|al|os|pl)\.|\bulic|\bosiedl|\bkod\b|\bpoczt)")
_LETTER_VALUES = {chr(c): c - ord("A") + 10 for c in range(ord("A"), ord("Z") + 1)}
_ID_WEIGHTS = (7, 3, 1, 9, 7, 3, 1, 7, 3)
#: quick filter: text without a digit or an "@" holds none of the kinds
_MAYBE = r"[\d@]"


def is_valid_id_card(code: str) -> bool:
    """True when ``code`` is a Polish ID-card number with the right check digit.

    Three letters (A=10 ... Z=35) and six digits, the first of which is the
    check digit; weights 7,3,1,9,7,3,1,7,3 and the sum is divisible by 10.

    Parameters
    ----------
    code : str
        E.g. ``"ABA300000"``; spaces are ignored, letters may be lower case.

    Returns
    -------
    bool

    Examples
    --------
    >>> is_valid_id_card("ABA 300000"), is_valid_id_card("ABA300001")
    (True, False)
    """
    text = code.replace(" ", "").upper()
    if len(text) != 9 or not (text[:3].isalpha() and text[:3].isascii() and text[3:].isdigit()):
        return False
    values = [_LETTER_VALUES[c] for c in text[:3]] + [int(d) for d in text[3:]]
    return sum(v * w for v, w in zip(values, _ID_WEIGHTS, strict=True)) % 10 == 0


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _classify(m: re.Match[str]) -> str | None:
    """The kind of personal data a match of :data:`_PATTERN` is, or None to leave it."""
    group = m.lastgroup
    text = m.group()
    after = m.string[m.end() : m.end() + 12]
    if group == "email":
        return "email"
    if group == "iban":
        return "iban" if _iban.is_valid("PL" + _digits(text)) else "number"
    if group == "phone_intl":
        return "phone"
    if group in ("nip", "digits", "phone") and _CURRENCY.match(after):
        return None  # an amount of money
    if group == "nip":
        return "nip" if _nip.is_valid(_digits(text)) else "number"
    if group in ("phone", "digits") and len(_digits(text)) == 9:
        before = m.string[max(0, m.start() - 12) : m.start()]
        if _REGON_CONTEXT.search(before) and _regon.is_valid(_digits(text)):
            return "regon"
        return "phone"
    if group == "digits":
        digits = _digits(text)
        if len(digits) == 10:
            return "nip" if _nip.is_valid(digits) else "number"
        if len(digits) == 11:
            return "pesel" if _pesel.is_valid(digits) else "number"
        if len(digits) == 14:
            return "regon" if _regon.is_valid(digits) else "number"
        return "number"
    if group == "id_card":
        before = m.string[max(0, m.start() - 30) : m.start()]
        return "id_card" if is_valid_id_card(text) or _ID_CONTEXT.search(before) else None
    if group == "address":
        return "address"
    if group == "postcode":
        near = m.string[max(0, m.start() - 40) : m.end() + 40]
        if _POSTCODE_AFTER.match(m.string, m.end()) or _POSTCODE_NEAR.search(near):
            return "postcode"
        return None
    return None  # pragma: no cover - every group is handled above


def _check_lang(lang: str) -> dict[str, str]:
    if lang not in PLACEHOLDERS:
        raise ValueError(f"lang must be one of {sorted(PLACEHOLDERS)}, not {lang!r}")
    return PLACEHOLDERS[lang]


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
    """
    found = []
    for m in _PATTERN.finditer(text):
        kind = _classify(m)
        if kind is not None:
            found.append(PersonalData(kind, m.start(), m.end()))
    return found


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
    """
    labels = _check_lang(lang)

    def replace(m: re.Match[str]) -> str:
        kind = _classify(m)
        return m.group() if kind is None else labels[kind]

    return _PATTERN.sub(replace, text)


def redact_series(s: pd.Series, lang: str = "pl") -> tuple[pd.Series, Counter[str]]:
    """Redact every text of a Series; count what was replaced, by kind.

    Parameters
    ----------
    s : Series
        Text (``string`` or ``object`` dtype); missing values and non-text
        values are left as they are.
    lang : {"pl", "en"}
        Language of the placeholders.

    Returns
    -------
    redacted : Series
        A new Series, same index, name and dtype; ``s`` is not modified.
    counts : Counter
        Number of items replaced per kind (:data:`KINDS`); ``counts["pesel"]``
        is 0 when none were found. The values themselves are not kept.

    Notes
    -----
    Vectorised: texts with neither a digit nor an ``@`` are skipped with one
    ``str.contains``; the rest go through one ``Series.str.replace`` with the
    pattern of :func:`find_personal_data`.

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

    def replace(m: re.Match[str]) -> str:
        kind = _classify(m)
        if kind is None:
            return m.group()
        counts[kind] += 1
        return labels[kind]

    is_text = isinstance(s.dtype, pd.StringDtype)
    if is_text:
        text = s
    else:
        text = s.where(s.map(lambda v: isinstance(v, str)).astype(bool)).astype("string")
    maybe = text.str.contains(_MAYBE, regex=True).fillna(False).to_numpy(dtype=bool)
    out = s.copy()
    if maybe.any():
        candidates = text.iloc[np.flatnonzero(maybe)]
        replaced = candidates.str.replace(_PATTERN, replace, regex=True)
        changed = (replaced != candidates).to_numpy(dtype=bool)
        if changed.any():
            where = np.flatnonzero(maybe)[changed]
            new_values = replaced.iloc[np.flatnonzero(changed)]
            out.iloc[where] = new_values.to_numpy() if is_text else new_values.astype(object)
    return out, counts
