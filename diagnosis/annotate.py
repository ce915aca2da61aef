"""A proposed, annotated questionnaire (XLSForm) for a survey someone wrote themselves.

Many Innovation Zones ran their own survey, often in Google Forms, and have
only the answers. :func:`propose_instrument` reads such an export (Google
Forms CSV or XLSX, KoboToolbox/ODK/Ona, LimeSurvey CSV, SPSS with labels,
Excel, plain CSV; through :func:`diagnosis.read.read_responses` without an
instrument) or an existing XLSForm, and proposes:

* a type per column: ``select_one`` for few distinct answers,
  ``select_multiple`` for answers joined by ``", "`` (Google Forms
  checkboxes) or split into 0/1 option columns, ``integer``/``decimal``
  (with a range constraint when the values look like a scale such as 0-10),
  ``date``/``datetime``, else ``text``; export metadata (``Sygnatura
  czasowa``, ``_uuid``, LimeSurvey's ``id``) is left to the reader;
* a short ASCII ``name`` and the header, exactly, as the label, so that the
  reader matches the export's headers to the questions by label;
* choice lists: short codes, answers as labels, identical answer sets shared
  as one list, non-substantive answers ("Trudno powiedzieć", "Nie wiem")
  marked ``missing``, ordinal scales ordered from the known Polish wordings;
* the analysis columns (``surveys/README.md``): ``role`` (``weighting`` with
  ``margin`` ``sex``/``age_band``, ``domain``, ``covariate``, ``id``,
  ``open_text``, ``needs``), ``construct`` (``importance``, ``satisfaction``
  paired by ``aspect``, ...), ``theme``, and ``margin`` on the choices of a
  weighting question (``female``/``male``, ``18_29`` ... ``60_plus``),
  by keywords and by similarity to the standard resident survey's labels.

:func:`write_xlsform` writes the proposal with the sheets ``survey``,
``choices``, ``settings`` and ``uwagi``: every proposal and why, in Polish and
English, for the librarian to check in a spreadsheet.

Examples
--------
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "ankieta.csv").write_text(
...     "Sygnatura czasowa,Płeć,Wiek\\n"
...     "2026/03/02 10:15:22 AM CET,Kobieta,18-29 lat\\n"
...     "2026/03/02 10:17:40 AM CET,Mężczyzna,60 lat i więcej\\n"
...     "2026/03/02 10:20:05 AM CET,Kobieta,30-44 lat\\n", encoding="utf-8")
>>> proposal = propose_instrument(folder / "ankieta.csv")
>>> proposal.survey[["name", "role", "margin"]].values.tolist()
[['sex', 'weighting', 'sex'], ['age_band', 'weighting', 'age_band']]
>>> proposal.choices.loc[proposal.choices.list_name == "age_band", "name"].tolist()
['18_29', '30_44', '45_59', '60_plus']
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from types import MappingProxyType

import pandas as pd

from .errors import InstrumentError, Language
from .instrument import Choice, Instrument, Question, load_instrument
from .read import read_responses
from .read.headers import clean_name
from .read.values import ChoiceIndex, as_text, normalise, parse_number, split_multiple
from .town import STANDARD_INSTRUMENT

__all__ = ["Note", "Proposal", "propose_instrument", "write_xlsform"]

_LANG_COLUMN = {"pl": "Polski (pl)", "en": "English (en)"}
SURVEY_COLUMNS = (
    "type", "name", "label::Polski (pl)", "label::English (en)", "hint::Polski (pl)",
    "hint::English (en)", "required", "relevant", "constraint",
    "constraint_message::Polski (pl)", "constraint_message::English (en)",
    "role", "construct", "reverse", "theme", "margin", "aspect",
)  # fmt: skip
CHOICES_COLUMNS = (
    "list_name", "name", "label::Polski (pl)", "label::English (en)", "missing", "margin",
)  # fmt: skip
NOTES_SHEET = "uwagi"
_NOTE_HEADERS = ("kolumna w pliku", "pytanie", "dotyczy", "uwaga", "note (English)")

#: names pyxform keeps for itself, or that the reader gives to metadata
_RESERVED = frozenset({"meta", "instanceid", "respondent_id", "submitted_at"})
_XML_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
#: Kobo/ODK metadata questions that keep their type when an export has their column
_META_TYPES = frozenset(
    {"today", "deviceid", "subscriberid", "simserial", "phonenumber", "username", "audit"}
)
_BOOLEAN = frozenset(
    {"0", "1", "true", "false", "y", "n", "yes", "no", "tak", "nie", "x", "checked",
     "unchecked", "selected", "not selected", "wybrano", "nie wybrano"}
)  # fmt: skip

# --------------------------------------------------------------------- the public records


@dataclass(frozen=True)
class Note:
    """One proposal and why it was made, for the sheet ``uwagi``.

    Attributes
    ----------
    column : str
        The export's header (or the form's question name) the note is about;
        ``""`` for the whole file.
    pl, en : str
        The note in Polish and in English.
    question : str
        The proposed question name (``""`` when the column became none).
    topic : str
        What the note is about: ``type``, ``name``, ``role``, ``construct``,
        ``aspect``, ``choices``, ``missing``, ``margin``, ``constraint``,
        ``metadata``, ``check``.

    Examples
    --------
    >>> Note("Płeć", "Płeć: role weighting.", "Sex: role weighting.", "sex", "role").text("en")
    'Sex: role weighting.'
    """

    column: str
    pl: str
    en: str
    question: str = ""
    topic: str = ""

    def text(self, lang: Language = "pl") -> str:
        """The note in ``lang``."""
        return self.pl if lang == "pl" else self.en


@dataclass(frozen=True)
class Proposal:
    """A proposed XLSForm: its sheets as DataFrames and the notes that explain it.

    Attributes
    ----------
    survey : DataFrame
        One row per survey-sheet row, columns :data:`SURVEY_COLUMNS` (the
        form's own columns first, for a form that was read).
    choices : DataFrame
        One row per choice, columns :data:`CHOICES_COLUMNS`.
    notes : tuple of Note
        Every proposal and why, in form order.
    settings : DataFrame
        The settings sheet (one row: ``form_title``, ``form_id``, ``version``,
        ``default_language``).
    source : Path or None
        The file the proposal was made from.
    from_export : bool
        Made from an answers export (False: an XLSForm was annotated).

    Examples
    --------
    >>> p = Proposal(pd.DataFrame({"type": ["text"], "name": ["a"]}), pd.DataFrame(), ())
    >>> p.names()
    ('a',)
    """

    survey: pd.DataFrame
    choices: pd.DataFrame
    notes: tuple[Note, ...]
    settings: pd.DataFrame = field(default_factory=pd.DataFrame)
    source: Path | None = None
    from_export: bool = True

    def names(self) -> tuple[str, ...]:
        """The proposed question names, in form order."""
        return tuple(str(n) for n in self.survey["name"] if isinstance(n, str) and n)

    def notes_frame(self) -> pd.DataFrame:
        """The notes as the sheet ``uwagi`` shows them."""
        rows = [(n.column, n.question, n.topic, n.pl, n.en) for n in self.notes]
        return pd.DataFrame(rows, columns=list(_NOTE_HEADERS))


# --------------------------------------------------------------------- text helpers


def _fold(text: str) -> str:
    """Lower-case ASCII words: ``"Jak ważne są..."`` -> ``"jak wazne sa"``."""
    return clean_name(text).replace("_", " ")


#: words that say nothing about what a question asks (folded)
_STOP = frozenset(
    [
        "prosze",
        "podac",
        "podaj",
        "wskaz",
        "wskazac",
        "zaznacz",
        "zaznaczyc",
        "wybierz",
        "wybrac",
        "czy",
        "jak",
        "jaki",
        "jaka",
        "jakie",
        "jakiej",
        "jakiego",
        "jakim",
        "jakich",
        "ile",
        "pan",
        "pani",
        "pana",
        "panu",
        "pania",
        "panstwa",
        "ciebie",
        "cie",
        "ci",
        "ty",
        "twoj",
        "twoja",
        "twoje",
        "twojej",
        "twojego",
        "swoj",
        "swoja",
        "swoje",
        "swojej",
        "swojego",
        "swoim",
        "swoja",
        "jest",
        "sa",
        "sie",
        "byl",
        "byla",
        "bylo",
        "w",
        "we",
        "z",
        "ze",
        "na",
        "do",
        "o",
        "od",
        "i",
        "a",
        "oraz",
        "lub",
        "albo",
        "to",
        "ten",
        "ta",
        "te",
        "tej",
        "tego",
        "tym",
        "dla",
        "po",
        "przez",
        "przy",
        "moj",
        "moja",
        "moje",
        "mojej",
        "mi",
        "mnie",
        "by",
        "aby",
        "ze",
        "ktory",
        "ktora",
        "ktore",
        "ktorej",
        "ktorych",
        "the",
        "a",
        "an",
        "of",
        "to",
        "in",
        "on",
        "for",
        "is",
        "are",
        "do",
        "you",
        "your",
        "what",
        "which",
        "how",
        "please",
    ]
)
_NUMBER_WORDS = {
    "jedna": 1,
    "jedno": 1,
    "jeden": 1,
    "dwie": 2,
    "dwa": 2,
    "dwoch": 2,
    "trzy": 3,
    "trzech": 3,
    "cztery": 4,
    "czterech": 4,
    "piec": 5,
    "pieciu": 5,
    "szesc": 6,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
}


def _words(text: str) -> list[str]:
    return [w for w in _fold(text).split() if w not in _STOP]


def _stems(text: str) -> set[str]:
    return {w[:5] for w in _words(text) if len(w) > 2 or w.isdigit()}


def _trigrams(text: str) -> set[str]:
    folded = f"  {_fold(text)} "
    return {folded[i : i + 3] for i in range(len(folded) - 2)}


def similarity(a: str, b: str) -> float:
    """Label similarity in [0, 1]: word stems (Polish folded) and character trigrams.

    Examples
    --------
    >>> round(similarity("Komunikacja publiczna", "komunikacji publicznej"), 2)
    1.0
    >>> similarity("Płeć", "Wykształcenie") < 0.2
    True
    """
    sa, sb = _stems(a), _stems(b)
    words = len(sa & sb) / len(sa | sb) if sa and sb else 0.0
    ta, tb = _trigrams(a), _trigrams(b)
    chars = 2 * len(ta & tb) / (len(ta) + len(tb)) if ta and tb else 0.0
    return max(words, 0.5 * words + 0.5 * chars)


def _slug(text: str, *, words: int = 3, limit: int = 30) -> str:
    """A short snake_case code from text: the first content words, at most ``limit`` long."""
    chosen = _words(text) or _fold(text).split()
    out = ""
    for w in chosen[:words]:
        candidate = f"{out}_{w}" if out else w
        if len(candidate) > limit and out:
            break
        out = candidate[:limit]
    return out.strip("_")


def _valid_name(name: str) -> str:
    name = re.sub(r"[^A-Za-z0-9_]", "_", name).strip("_") or "q"
    if not _XML_NAME.match(name) or name.lower().startswith("xml"):
        name = f"q_{name}"
    if name.casefold() in _RESERVED:
        name = f"{name}_q"
    return name


# --------------------------------------------------------------------- answer wordings

#: non-substantive answers (folded, whole answer or its beginning)
_MISSING = (
    "trudno powiedziec", "nie wiem", "odmowa", "nie dotyczy", "nie mam zdania", "brak zdania",
    "wole nie odpowiadac", "wole nie mowic", "nie chce odpowiadac", "nie chce podawac",
    "odmawiam", "brak odpowiedzi", "brak", "nie pamietam", "dont know", "don t know",
    "do not know", "prefer not to say", "prefer not to answer", "refused", "refusal",
    "not applicable", "n a", "weet niet", "geen mening", "no opinion", "hard to say",
)  # fmt: skip
_MISSING_CODES = ("99", "98", "97", "96", "95")
_INTENSE = frozenset(
    [
        "zdecydowanie",
        "bardzo",
        "calkowicie",
        "zupelnie",
        "wcale",
        "absolutnie",
        "kompletnie",
        "strongly",
        "very",
        "completely",
        "totally",
        "extremely",
    ]
)
_WEAK = frozenset(
    ["raczej", "dosc", "troche", "czesciowo", "somewhat", "rather", "fairly", "slightly", "mostly"]
)
#: word stems of the positive pole of a scale (folded)
_POSITIVE = (
    "tak", "zgadzam", "wazn", "istotn", "zadowol", "dobr", "dobrz", "przydatn", "prawdopod",
    "ufam", "chetn", "agree", "satisf", "importan", "yes", "good", "likely", "useful",
)  # fmt: skip
_NEGATIVE_WORDS = frozenset(
    ["nie", "no", "not", "zle", "zly", "zla", "zlo", "malo", "disagree", "bad", "poor"]
)
_FREQUENCY = {
    "nigdy": 0,
    "prawie nigdy": 1,
    "bardzo rzadko": 1.5,
    "rzadko": 2,
    "rzadziej": 2,
    "czasami": 3,
    "czasem": 3,
    "od czasu do czasu": 3,
    "sporadycznie": 2.5,
    "czesto": 4,
    "bardzo czesto": 5,
    "prawie zawsze": 5.5,
    "zawsze": 6,
    "codziennie": 6,
    "never": 0,
    "rarely": 2,
    "sometimes": 3,
    "often": 4,
    "very often": 5,
    "always": 6,
}


def is_missing_answer(label: str) -> bool:
    """Whether an answer is non-substantive ("Trudno powiedzieć", "Nie wiem", "Odmowa" ...).

    Examples
    --------
    >>> is_missing_answer("Trudno powiedzieć"), is_missing_answer("Don't know")
    (True, True)
    >>> is_missing_answer("Nie"), is_missing_answer("Brak zieleni")
    (False, False)
    """
    folded = _fold(label)
    return any(folded == m or (folded.startswith(m + " ") and m != "brak") for m in _MISSING)


def _scale_score(label: str) -> float | None:
    """Position of an answer on a Likert-type scale, or None when it is not such an answer."""
    folded = _fold(label)
    words = folded.split()
    if not words:
        return None
    if folded in _FREQUENCY:
        return 10 + _FREQUENCY[folded]  # frequencies are their own family
    if re.search(r"\bani\b.*\bani\b|\bsrednio\b|\bneutral|\bneither\b|\bw polowie\b", folded):
        return 0.0
    positive = any(w.startswith(p) for w in words for p in _POSITIVE)
    prefixed = any(w.startswith("nie" + p) for w in words for p in _POSITIVE)
    if not positive and not prefixed and not (set(words) & _NEGATIVE_WORDS - {"malo"}):
        return None
    negative = (
        prefixed
        or bool(set(words) & _NEGATIVE_WORDS)
        or any(
            w.startswith(("dis", "un")) and any(w[2:].startswith(p) for p in _POSITIVE)
            for w in words
        )
    )
    if set(words) & _INTENSE or "w ogole" in folded:
        strength = 2.0
    elif set(words) & _WEAK:
        strength = 1.0
    else:
        strength = 1.5
    return -strength if negative else strength


def _scale_order(labels: Sequence[str]) -> list[str] | None:
    """Labels of an ordinal scale in order, lowest first; None when they are not one."""
    if len(labels) < 3:
        return None
    scores = [_scale_score(label) for label in labels]
    if any(s is None for s in scores) or len(set(scores)) != len(scores):
        return None
    frequency = [s >= 9 for s in scores]  # type: ignore[operator]
    if any(frequency) and not all(frequency):
        return None
    if not any(frequency) and not (min(scores) < 0 < max(scores)):  # type: ignore[type-var]
        return None
    return [label for _, label in sorted(zip(scores, labels, strict=True))]


_BAND = re.compile(r"(\d{1,3})\s*(?:-|–|—|do|to)\s*(\d{1,3})")
_PLUS = re.compile(
    r"(\d{1,3})\s*(?:\+|lat i (?:wiecej|starsi|starsze)|i (?:wiecej|starsi|powyzej))"
)
_ABOVE = re.compile(r"(?:powyzej|ponad|wiecej niz|over|above|older than)\s*(\d{1,3})")
_BELOW = re.compile(r"(?:ponizej|mniej niz|under|below|younger than|do)\s*(\d{1,3})")
_STANDARD_BANDS = ((18, 29), (30, 44), (45, 59), (60, None))


def age_band(label: str) -> tuple[int, int | None] | None:
    """The ages an answer covers, ``(from, to)`` (``to`` None when open), or None.

    Examples
    --------
    >>> age_band("18-29 lat"), age_band("60 lat i więcej"), age_band("Poniżej 18 lat")
    ((18, 29), (60, None), (0, 17))
    >>> age_band("powyżej 65"), age_band("35"), age_band("Kobieta")
    ((66, None), (35, 35), None)
    """
    label = label.replace("–", "-").replace("—", "-")
    folded = _fold(label.replace("+", " plus ")).replace(" plus", "+")
    folded = re.sub(r"(\d)\s+(\d)", r"\1-\2", folded)  # "18 29" after folding "18-29"
    m = _BAND.search(folded)
    if m and not folded.startswith("do "):
        return int(m.group(1)), int(m.group(2))
    m = _PLUS.search(folded) or re.search(r"(\d{1,3})\+", folded)
    if m:
        return int(m.group(1)), None
    m = _ABOVE.search(folded)
    if m:
        return int(m.group(1)) + 1, None
    m = _BELOW.search(folded)
    if m:
        upper = int(m.group(1))
        return 0, (
            upper - 1 if folded.startswith(("ponizej", "mniej", "under", "below")) else upper
        )
    number = parse_number(label.strip().removesuffix("lat").strip())
    if number is not None and float(number).is_integer() and 0 <= number < 120:
        return int(number), int(number)
    return None


def band_code(band: tuple[int, int | None]) -> str:
    """``(18, 29)`` -> ``"18_29"``, ``(60, None)`` -> ``"60_plus"``."""
    low, high = band
    return f"{low}_plus" if high is None else f"{low}_{high}"


def _age_margin(band: tuple[int, int | None]) -> str:
    """The margin an answer gives: its own band, blank when below 18, single ages grouped."""
    low, high = band
    if high is not None and high < 18:
        return ""
    if high == low:  # one year of age: the standard band it falls in
        for s_low, s_high in _STANDARD_BANDS:
            if low >= s_low and (s_high is None or low <= s_high):
                return band_code((s_low, s_high))
        return ""
    return band_code((max(low, 18), high))


def _sex_margin(label: str) -> str:
    folded = _fold(label)
    if re.match(r"^(k|kobiet\w*|females?|wom[ae]n|girls?|vrouw\w*|f|frau\w*)$", folded):
        return "female"
    if re.match(r"^(m|mezczyzn\w*|males?|m[ae]n|boys?|mannelijk|mann\w*)$", folded):
        return "male"
    return ""


# --------------------------------------------------------------------- the standard survey


@dataclass(frozen=True)
class _Standard:
    questions: tuple[tuple[Question, str], ...]  # (question, text compared: stem + label)
    lists: Mapping[frozenset[str], tuple[str, tuple[Choice, ...]]]  # labels -> list
    aspects: tuple[tuple[str, str], ...]  # (aspect code, service label)
    codes: Mapping[str, str]  # normalised label -> standard code


@lru_cache(maxsize=1)
def _standard() -> _Standard:
    ins = load_instrument(STANDARD_INSTRUMENT)
    questions = tuple((q, f"{q.stem.get('pl', '')} {q.label('pl')}".strip()) for q in ins.questions)
    lists = {}
    codes: dict[str, str] = {}
    for name, choices in ins.choice_lists.items():
        key = frozenset(normalise(c.label("pl")) for c in choices if not c.missing)
        lists.setdefault(key, (name, choices))
        for c in choices:
            codes.setdefault(normalise(c.label("pl")), c.name)
    aspects = tuple((q.name[4:], q.label("pl")) for q in ins.by_construct("importance"))
    return _Standard(questions, MappingProxyType(lists), aspects, MappingProxyType(codes))


# --------------------------------------------------------------------- what a column holds


@dataclass
class _Option:
    label: str
    count: int = 0
    name: str = ""
    missing: bool = False
    margin: str = ""


@dataclass
class _Item:
    """One proposed survey row while it is being worked out."""

    header: str
    label: str
    kind: str
    values: list[str | None] = field(default_factory=list)
    options: list[_Option] = field(default_factory=list)
    name: str = ""
    list_name: str = ""
    role: str = ""
    construct: str = ""
    reverse: str = ""
    theme: str = ""
    margin: str = ""
    aspect: str = ""
    constraint: str = ""
    constraint_pl: str = ""
    constraint_en: str = ""
    relevant: str = ""
    minimum: float | None = None
    maximum: float | None = None
    #: the name the reader would match (a header that is already a name), or ""
    given_name: str = ""
    grid: tuple[str, str] | None = None  # (stem, row) of a Google grid header
    duplicate_of: str = ""
    ordinal: bool = False
    notes: list[Note] = field(default_factory=list)
    #: a form's own row (reading an XLSForm): keep type and name, fill only empty columns
    fixed: bool = False

    def note(self, topic: str, pl: str, en: str) -> None:
        self.notes.append(Note(self.header, pl, en, self.name, topic))

    @property
    def answered(self) -> list[str]:
        return [v for v in self.values if v is not None]


_GRID = re.compile(r"^(.*?)\s*\[([^\[\]]+)\]\s*$")


def _split_joined(values: Sequence[str]) -> Counter[str]:
    """Parts of ``", "``-joined answers, with parts always written together merged back."""
    cells = [v.split(", ") for v in values]
    while True:
        counts = Counter(p for parts in cells for p in parts)
        pairs = Counter((a, b) for parts in cells for a, b in pairwise(parts))
        merge = next(
            ((a, b) for (a, b), n in pairs.items() if n == counts[a] == counts[b] and a != b),
            None,
        )
        if merge is None:
            return counts
        joined = f"{merge[0]}, {merge[1]}"
        new_cells = []
        for parts in cells:
            out: list[str] = []
            i = 0
            while i < len(parts):
                if i + 1 < len(parts) and (parts[i], parts[i + 1]) == merge:
                    out.append(joined)
                    i += 2
                else:
                    out.append(parts[i])
                    i += 1
            new_cells.append(out)
        cells = new_cells


_CHOOSE_SEVERAL = re.compile(
    r"zaznacz|wybierz|wybrac|mozna wybrac|kilka odpowiedzi|wszystkie|maksymalnie|"
    r"select all|check all|choose|up to"
)
_OPEN = re.compile(
    r"problem|pomysl|propozycj|uwag|sugest|komentarz|opisz|dlaczego|co (mozna|by|warto)|"
    r"zmienil|idea|comment|suggest|why|describe"
)


def _profile(item: _Item, dtype: str, file_labels: Mapping[str, str] | None) -> None:
    """Propose the type (and options) of one column from its answers."""
    answered = item.answered
    n, distinct = len(answered), Counter(answered)
    k = len(distinct)
    folded = _fold(item.label)
    if file_labels:  # SPSS value labels: codes with their labels
        item.kind = "select_one"
        seen = {str(c): str(label) for c, label in file_labels.items()}
        for code in distinct:
            seen.setdefault(code, code)
        item.options = [
            _Option(label, distinct.get(code, 0), name=code) for code, label in seen.items()
        ]
        item.note(
            "type",
            "Etykiety wartości z pliku: pytanie jednokrotnego wyboru (select_one).",
            "Value labels in the file: a single-choice question (select_one).",
        )
        return
    if n == 0:
        item.kind = "text"
        item.note(
            "type",
            "W pliku nie ma żadnej odpowiedzi w tej kolumnie; zaproponowano "
            "tekst. Sprawdź typ pytania.",
            "The file has no answer in this column; proposed text. Check the type.",
        )
        return
    if dtype == "datetime":
        times = [v for v in answered if len(v) > 10 and not v.endswith("00:00:00")]
        item.kind = "datetime" if times else "date"
        if (
            item.kind == "datetime"
            and k >= 0.9 * n
            and re.search(
                r"\bdata\b|czas|sygnatura|znacznik|timestamp|date|time|wyslan|zakoncz|submit",
                folded,
            )
        ):
            item.kind = "end"
            item.role = "ended_at"
            item.note(
                "type",
                "Data i godzina, inna w każdym wierszu: wygląda na czas wysłania "
                "ankiety; zaproponowano 'end' (koniec wywiadu, rola ended_at).",
                "A date and time, different in every row: looks like the time the form "
                "was sent; proposed 'end' (interview end, role ended_at).",
            )
            return
        item.note(
            "type",
            f"Wszystkie odpowiedzi to daty: typ {item.kind}.",
            f"Every answer is a date: type {item.kind}.",
        )
        return
    if dtype in ("integer", "decimal"):
        _numeric(item, dtype, answered)
        return
    joined = [v for v in answered if ", " in v]
    if joined:
        parts = _split_joined(answered)
        several = bool(_CHOOSE_SEVERAL.search(folded))
        if len(parts) <= 40 and (len(parts) < k or several):
            _multiple(item, parts, n)
            return
    numbers = [parse_number(v) for v in answered]
    share = sum(x is not None for x in numbers) / n
    mean_length = sum(len(v) for v in answered) / n
    few = (k <= 12 and (k <= 0.7 * n or k <= 3)) or (k <= 25 and k <= n / 4)
    junk = {v for v, x in zip(answered, numbers, strict=True) if x is None}
    if (
        share >= 0.95
        and not any(re.search(r"\d", v) for v in junk)
        and (k > 12 or _BIRTH.search(folded) or _AGE.search(folded))
    ):  # numbers with a few stray codes ('a', 'b'): a number question, the strays noted
        few = False
    if few and mean_length <= 80 and not (_OPEN.search(folded) and k > 0.5 * n):
        item.kind = "select_one"
        item.options = [_Option(label, count) for label, count in distinct.most_common()]
        item.note(
            "type",
            f"{k} różnych odpowiedzi w {n} wierszach: pytanie jednokrotnego wyboru (select_one).",
            f"{k} distinct answers in {n} rows: a single-choice question (select_one).",
        )
        return
    if share >= 0.95:
        others = sorted({v for v, x in zip(answered, numbers, strict=True) if x is None})
        kind = (
            "integer"
            if all(float(x).is_integer() for x in numbers if x is not None)
            else ("decimal")
        )
        _numeric(item, kind, [v for v, x in zip(answered, numbers, strict=True) if x is not None])
        shown = ", ".join(f"'{o}'" for o in others[:6])
        item.note(
            "check",
            f"Prawie wszystkie odpowiedzi to liczby; te nie: {shown}. Popraw je "
            "w danych albo oznacz jako brak odpowiedzi, bo inaczej kolumna zostanie "
            "wczytana jako tekst.",
            f"Almost every answer is a number; these are not: {shown}. Fix them in the "
            "data or mark them as missing, otherwise the column is read as text.",
        )
        return
    item.kind = "text"
    if sum(v.lstrip().startswith(("{", "[", "<")) for v in answered) > 0.5 * n:
        item.note(
            "type",
            "Odpowiedzi to dane techniczne (JSON/XML), nie wypowiedzi: tekst bez roli.",
            "The answers are technical data (JSON/XML), not statements: text without a role.",
        )
        return
    item.role = "open_text"
    item.note(
        "type",
        f"{k} różnych odpowiedzi w {n} wierszach (średnio {mean_length:.0f} "
        "znaków): odpowiedź otwarta (text), rola open_text (kodowanie tematów, "
        "anonimizacja cytatów).",
        f"{k} distinct answers in {n} rows (on average {mean_length:.0f} characters): "
        "free text (text), role open_text (coded into themes, redacted before "
        "quoting).",
    )


def _numeric(item: _Item, kind: str, answered: Sequence[str]) -> None:
    numbers = [x for x in (parse_number(v) for v in answered) if x is not None]
    item.kind = kind
    low, high = min(numbers), max(numbers)
    item.minimum, item.maximum = float(low), float(high)
    count = re.search(r"\b(ile|liczba|how many|number of)\b", _fold(item.label))
    scale = (
        kind == "integer"
        and low in (0, 1)
        and 3 <= high <= 10
        and not count
        and len(set(numbers)) >= 3
    )
    shown = f"{low:g}-{high:g}"
    if scale:
        item.constraint = f". >= {low:g} and . <= {high:g}"
        item.constraint_pl = f"Wpisz liczbę od {low:g} do {high:g}."
        item.constraint_en = f"Enter a number from {low:g} to {high:g}."
        item.note(
            "constraint",
            f"Liczby całkowite {shown}: wygląda na skalę; zaproponowano "
            f"ograniczenie '{item.constraint}' (z najmniejszej i największej odpowiedzi "
            "w pliku; sprawdź, czy skala nie jest szersza).",
            f"Whole numbers {shown}: looks like a scale; proposed the constraint "
            f"'{item.constraint}' (from the smallest and largest answer in the file; "
            "check the scale is not wider).",
        )
    else:
        item.note(
            "type",
            f"Wszystkie odpowiedzi to liczby ({shown}): typ {kind}.",
            f"Every answer is a number ({shown}): type {kind}.",
        )


def _multiple(item: _Item, parts: Counter[str], n: int) -> None:
    item.kind = "select_multiple"
    kept = [(p, c) for p, c in parts.most_common() if c >= 2 or n < 20 or len(parts) <= 12]
    rare = [p for p, c in parts.items() if (p, c) not in kept]
    item.options = [_Option(p, c) for p, c in kept]
    item.note(
        "type",
        f"Odpowiedzi to listy połączone przecinkiem (pola wyboru w Formularzach "
        f"Google): pytanie wielokrotnego wyboru (select_multiple), {len(kept)} opcji.",
        f"The answers are lists joined by commas (Google Forms checkboxes): a "
        f"multiple-choice question (select_multiple), {len(kept)} options.",
    )
    if rare:
        shown = "; ".join(f"'{r}'" for r in rare[:5])
        item.note(
            "choices",
            f"{len(rare)} odpowiedzi wpisanych raz ({shown}) to zapewne pole "
            "'Inne'; czytnik zapisze je w kolumnie <pytanie>_other.",
            f"{len(rare)} answers written once ({shown}) are probably the 'Other' field; "
            "the reader keeps them in the column <question>_other.",
        )


# --------------------------------------------------------------------- reading an export


def _option_groups(headers: Sequence[str], values: Mapping[str, list[str | None]]) -> dict:
    """Split option columns: ``q/opt`` or ``q[opt]`` headers whose cells are all 0/1-like."""
    groups: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for header in headers:
        if "/" in header:
            prefix, _, option = header.rpartition("/")
            base = prefix.rpartition("/")[2]
            key = (prefix, base)
        else:
            m = _GRID.match(header)
            if not m or not _XML_NAME.match(m.group(1)):
                continue
            key, option = (m.group(1), m.group(1)), m.group(2)
        cells = {normalise(v) for v in values[header] if v is not None}
        if option and _XML_NAME.match(key[1]) and cells <= _BOOLEAN:
            groups.setdefault(key, []).append((header, option))
    present = {h.casefold() for h in headers}
    return {
        (prefix, base): members
        for (prefix, base), members in groups.items()
        if len(members) >= 2
        # a top-level "q/option" is told from a group's yes/no questions "group/q" by the
        # joined column "q" beside it, by its "q_other" text, or by being deeper than a group
        and (
            prefix.casefold() in present
            or f"{prefix}_other".casefold() in present
            or "/" in prefix
            or not any("/" in h for h, _ in members)
        )
    }


def _from_export(
    path: Path, sheet: str | None, encoding: str | None, lang: str
) -> tuple[list[_Item], list[Note], str]:
    res = read_responses(path, sheet=sheet, encoding=encoding)
    notes: list[Note] = []
    items: list[_Item] = []
    values: dict[str, list[str | None]] = {}
    dtypes: dict[str, str] = {}
    headers: list[str] = []
    columns: dict[str, str] = {}
    for h in res.headers:
        header = str(h.source).strip()
        if h.how == "dropped":
            notes.append(
                Note(
                    header,
                    "Pusta kolumna bez nagłówka: pominięta.",
                    "An empty column without a header: left out.",
                    "",
                    "metadata",
                )
            )
            continue
        if h.how == "metadata":
            if res.flavour == "kobo" and normalise(header) in ("start", "end"):
                items.append(
                    _Item(header, "", normalise(header), name=normalise(header), fixed=True)
                )
                items[-1].note(
                    "metadata",
                    f"Czas {'rozpoczęcia' if header == 'start' else 'zakończenia'}"
                    " wywiadu z Kobo/ODK: pytanie metadanych "
                    f"'{normalise(header)}'.",
                    f"The interview's {header} time from Kobo/ODK: the metadata "
                    f"question '{normalise(header)}'.",
                )
                continue
            notes.append(
                Note(
                    header,
                    f"Metadane eksportu ({res.flavour}): czytnik rozpoznaje "
                    f"tę kolumnę sam (jako '{h.column}'); nie jest pytaniem.",
                    f"Export metadata ({res.flavour}): the reader recognises this "
                    f"column itself (as '{h.column}'); not a question.",
                    "",
                    "metadata",
                )
            )
            continue
        if not header:
            notes.append(
                Note(
                    header,
                    "Kolumna z odpowiedziami, ale bez nagłówka: nie da się jej "
                    "dopasować do pytania. Dopisz nagłówek w pliku.",
                    "A column with answers but no header: it cannot be matched to a "
                    "question. Give it a header in the file.",
                    "",
                    "check",
                )
            )
            continue
        series = res.data[h.column]
        kind = series.dtype.kind
        dtypes[header] = (
            "datetime"
            if kind == "M"
            else "integer"
            if str(series.dtype) == "Int64"
            else "decimal"
            if str(series.dtype) == "Float64"
            else "text"
        )
        values[header] = [as_text(v) for v in series]
        headers.append(header)
        columns[header] = h.column or ""
    groups = _option_groups(headers, values)
    in_group = {header: key for key, members in groups.items() for header, _ in members}
    done: set[tuple[str, str]] = set()
    joined = {prefix.casefold() for prefix, _ in groups}
    for header in headers:
        if header.casefold() in joined:
            notes.append(
                Note(
                    header,
                    "Kolumna zbiorcza pytania wielokrotnego wyboru obok jego "
                    "kolumn 0/1: czytnik użyje kolumn 0/1 (i sprawdzi, czy się "
                    "zgadzają).",
                    "The joined column of a multiple-choice question "
                    "beside its 0/1 columns: the reader uses the 0/1 columns (and "
                    "checks they agree).",
                    "",
                    "metadata",
                )
            )
            continue
        if header in in_group:
            key = in_group[header]
            if key in done:
                continue
            done.add(key)
            items.append(_split_item(key, groups[key], values, headers))
            continue
        label = (
            res.variable_labels.get(columns[header])
            if res.format in ("sav", "zsav", "por", "dta")
            else None
        )
        item = _Item(header, label or header, "text", values=values[header])
        last = header.rpartition("/")[2].strip()
        if (
            _XML_NAME.match(last)
            and last not in ("", "_")
            and (
                res.flavour in ("kobo", "limesurvey", "spss", "stata")
                or (res.flavour == "plain" and clean_name(last) == last)
            )
        ):  # a header that is a variable name stays the question's name
            item.given_name = last
        if normalise(last) in _META_TYPES:
            item.kind, item.name, item.fixed = normalise(last), last, True
            item.note(
                "metadata",
                f"Pytanie metadanych ODK '{item.kind}'.",
                f"The ODK metadata question '{item.kind}'.",
            )
            items.append(item)
            continue
        grid = _GRID.match(header)
        if grid:
            item.grid = (grid.group(1).strip(), grid.group(2).strip())
        _profile(item, dtypes[header], res.value_labels.get(columns[header]))
        items.append(item)
    _grid_union(items)
    _mark_duplicates(items)
    title = path.stem
    return items, notes, title


def _split_item(
    key: tuple[str, str],
    members: list[tuple[str, str]],
    values: Mapping[str, list[str | None]],
    headers: Sequence[str],
) -> _Item:
    prefix, base = key
    options = [_Option(option.replace("_", " "), name=option) for _, option in members]
    for (header, _), option in zip(members, options, strict=True):
        option.count = sum(
            normalise(v) in {"1", "true", "y", "yes", "tak", "x"}
            for v in values[header]
            if v is not None
        )
    other_text = any(h.rpartition("/")[2].casefold() == f"{base}_other".casefold() for h in headers)
    if other_text:  # the reader maps q/other to the implicit option 'other' by itself
        options = [o for o in options if o.name.casefold() != "other"]
    item = _Item(prefix, prefix, "select_multiple", options=options, given_name=base)
    item.values = [None]
    item.note(
        "type",
        f"{len(members)} kolumn 0/1 '{prefix}/…' to opcje jednego pytania "
        "wielokrotnego wyboru (select_multiple); nazwy opcji jak w nagłówkach.",
        f"{len(members)} 0/1 columns '{prefix}/…' are the options of one multiple-choice "
        "question (select_multiple); option codes as in the headers.",
    )
    if other_text:
        item.note(
            "choices",
            "Jest kolumna 'other' i tekst '_other': opcja 'other' nie jest na "
            "liście (czytnik rozpoznaje ją sam); tekst innej odpowiedzi to osobne pytanie.",
            "There is an 'other' column and an '_other' text: the option 'other' is not in "
            "the list (the reader recognises it itself); the other answer's text is its "
            "own question.",
        )
    return item


def _grid_union(items: list[_Item]) -> None:
    """Rows of one Google grid share their answers: an answer nobody gave in one row is
    still an option of it.

    Only rows whose answers overlap are joined (a "hard to say" shared by all does not
    count): a row with answers of its own, such as a yes/no question under an agreement
    grid's header, keeps its own list.
    """
    grids: dict[str, list[_Item]] = {}
    for item in items:
        if item.grid and item.kind == "select_one" and not any(o.name for o in item.options):
            grids.setdefault(normalise(item.grid[0]), []).append(item)
    for members in grids.values():
        for part in _overlapping(members):
            if len(part) < 2:
                if len(members) > 1:
                    part[0].note(
                        "choices",
                        "Wiersz siatki pytań z innymi odpowiedziami niż pozostałe wiersze: "
                        "ma własną listę odpowiedzi.",
                        "A row of a question grid whose answers differ from the other rows': "
                        "it has a list of answers of its own.",
                    )
                continue
            counts: Counter[str] = Counter()
            for item in part:
                counts.update({o.label: o.count for o in item.options})
            for item in part:
                own = {o.label: o.count for o in item.options}
                item.options = [
                    _Option(label, own.get(label, 0)) for label, _ in counts.most_common()
                ]
                if len(own) < len(counts):
                    item.note(
                        "choices",
                        "Wiersz siatki pytań: lista odpowiedzi uzupełniona o "
                        "odpowiedzi z innych wierszy tej siatki.",
                        "A row of a question "
                        "grid: the list of answers completed with those of the grid's other "
                        "rows.",
                    )


def _overlapping(members: list[_Item]) -> list[list[_Item]]:
    """``members`` in groups, in order: rows joined when they share a substantive answer.

    All rows are one group when their answers together are one scale or at most two
    answers (a small sample may give two rows of one grid no answer in common).
    """
    answers = [{o.label for o in m.options if not is_missing_answer(o.label)} for m in members]
    every = set().union(*answers)
    if len(every) <= 2 or _scale_order(sorted(every)) is not None:
        return [members]
    group = list(range(len(members)))

    def root(i: int) -> int:
        while group[i] != i:
            i = group[i]
        return i

    for i in range(len(members)):
        for j in range(i):
            if answers[i] & answers[j]:
                group[root(i)] = root(j)
    parts: dict[int, list[_Item]] = {}
    for i, member in enumerate(members):
        parts.setdefault(root(i), []).append(member)
    return list(parts.values())


def _mark_duplicates(items: list[_Item]) -> None:
    seen: dict[tuple, _Item] = {}
    for item in items:
        if item.fixed or not item.answered:
            continue
        key = (item.kind, tuple(item.values))
        if key in seen:
            item.duplicate_of = seen[key].header
            item.note(
                "check",
                f"Ta kolumna ma w każdym wierszu te same odpowiedzi co „"
                f"{seen[key].header}”: to zapewne kopia (np. kolumna 'wartość'); nie "
                "dostaje roli w analizie. Można ją usunąć z pliku i formularza.",
                f"This column holds the same answers in every row as '{seen[key].header}':"
                " probably a copy (e.g. a 'value' column); it gets no analysis role. It "
                "can be removed from the file and the form.",
            )
        else:
            seen[key] = item


# --------------------------------------------------------------------- choices


def _order_options(item: _Item) -> None:
    """Mark missing answers, order ordinal scales, and give every option a code."""
    if item.kind not in ("select_one", "select_multiple") or (
        item.fixed and all(o.name for o in item.options)
    ):
        return
    for o in item.options:
        o.missing = (is_missing_answer(o.label) and not o.name.isdigit()) or (
            o.name in _MISSING_CODES and is_missing_answer(o.label)
        )
    substantive = [o for o in item.options if not o.missing]
    missing = [o for o in item.options if o.missing]
    if any(o.name for o in item.options):  # codes from the file (SPSS, Kobo split columns)
        return
    labels = [o.label for o in substantive]
    order = _scale_order(labels) if item.kind == "select_one" else None
    standard = _standard()
    observed = frozenset(normalise(label) for label in labels)
    std = standard.lists.get(observed) or next(
        (v for k, v in standard.lists.items() if len(observed) >= 3 and observed < k), None
    )
    if std is not None and item.kind == "select_one":
        own = {normalise(o.label): o for o in item.options}
        substantive, extra = [], []
        for c in std[1]:
            o = own.pop(normalise(c.label("pl")), None) or _Option(c.label("pl"))
            o.name, o.missing = c.name, c.missing
            (extra if c.missing else substantive).append(o)
        missing = extra + list(own.values())  # the file's own non-substantive answers
        item.ordinal = order is not None or _scale_order([o.label for o in substantive]) is not None
        if not item.list_name:
            item.list_name = std[0]
        item.note(
            "choices",
            f"Odpowiedzi jak w liście '{std[0]}' standardowej ankiety: użyto jej kodów.",
            f"The answers are those of the standard survey's list '{std[0]}': its codes are used.",
        )
    elif order is not None:
        by_label = {o.label: o for o in substantive}
        substantive = [by_label[label] for label in order]
        for i, o in enumerate(substantive, start=1):
            o.name = str(i)
        item.ordinal = True
        shown = " < ".join(order)
        item.note(
            "choices",
            f"Skala porządkowa, kody 1-{len(order)}: {shown}.",
            f"An ordinal scale, codes 1-{len(order)}: {shown}.",
        )
    elif labels and all(
        age_band(label) is not None or parse_number(label) is not None for label in labels
    ):

        def key(o: _Option) -> float:
            band = age_band(o.label)
            return band[0] if band else float(parse_number(o.label) or 0)

        substantive.sort(key=key)
    else:  # numbers first, in order; then the rest by frequency; "Inne" last
        others = [o for o in substantive if re.match(r"^(inn[aey]|other|pozostal)", _fold(o.label))]
        numbers = [o for o in substantive if parse_number(o.label) is not None]
        numbers.sort(key=lambda o: float(parse_number(o.label) or 0))
        rest = [o for o in substantive if o not in others and o not in numbers]
        substantive = numbers + rest + others
    item.options = substantive + missing


def _codes(item: _Item) -> None:
    standard = _standard()
    taken: set[str] = {o.name for o in item.options if o.name}
    spare = list(_MISSING_CODES)
    for o in item.options:
        if o.name:
            continue
        candidates = []
        if item.margin == "sex" and _sex_margin(o.label):
            candidates.append(_sex_margin(o.label))
        band = age_band(o.label) if item.margin == "age_band" else None
        if band is not None and band[0] != band[1]:  # a single year of age keeps its number
            candidates.append(band_code(band))
        if o.missing:
            candidates += [c for c in spare if c not in taken][:1]
        code = standard.codes.get(normalise(o.label))
        if code and (item.kind == "select_one" or item.role == "needs"):
            candidates.append(code)
        number = parse_number(o.label)
        if number is not None and float(number).is_integer() and number >= 0:
            candidates.append(str(int(number)))
        candidates.append(_slug(o.label, words=3, limit=24) or "c")
        name = next((c for c in candidates if c and c not in taken), "")
        if not name:
            base, k = candidates[-1], 2
            while f"{base}_{k}" in taken:
                k += 1
            name = f"{base}_{k}"
        o.name = name
        taken.add(name)
    if item.kind == "select_multiple" and item.values != [None]:
        _unclash_tokens(item)


def _unclash_tokens(item: _Item) -> None:
    """Codes of a joined select_multiple must not be a word of some answer (the reader would
    read that answer as space-separated codes)."""
    tokens = {normalise(t) for v in item.answered for t in v.split()}
    taken = {o.name for o in item.options}
    for i, o in enumerate(item.options, start=1):
        if normalise(o.name) in tokens and normalise(o.label) != normalise(o.name):
            new = f"{o.name}_{i}"
            while new in taken:
                new += "_"
            taken.add(new)
            o.name = new


# --------------------------------------------------------------------- roles and constructs

_SEX = re.compile(r"\b(plec|plci|plcia|gender|sex|geslacht|geschlecht)\b")
_AGE = re.compile(
    r"\b(wiek|wieku|ile (masz|ma pan|ma pani|pan ma|pani ma|ma) lat|age|leeftijd|lat(a)? zycia)\b"
)
_AGE_ANSWER = re.compile(
    r"^(od |do |poniżej |powyżej |ponad )?\d{1,3}\s*([-–]\s*\d{1,3}|\+)?\s*"
    r"(lat|lata|years)?\s*(i (więcej|starsi|starsze|powyżej))?$"
)
_BIRTH = re.compile(r"rok urodzenia|roku urodzenia|urodzil|urodzon|year of birth|birth year")
_EDUCATION = re.compile(r"wyksztalc|wykszt|\beduc|opleiding|ukonczon\w* szkol")
_EMPLOYMENT = re.compile(
    r"sytuacj\w* zawodow|status\w* zawodow|zatrudn|pracujesz|pracuje pan|pracuje pani|"
    r"\bpraca\b|bezrobo|employment|aktywnosc zawodow"
)
_DOMAIN = re.compile(
    r"dzielnic|osiedl|solectw|czesc\w* (miasta|miejscowosci|gminy)|miejsc\w* zamieszkania|"
    r"district|neighbou?rhood|\bwies\b|w jakiej miejscowosci"
)
_IMPORTANCE = re.compile(r"\bjak (bardzo )?wazn|\bwaznosc|\bistotn|\bimportan")
_SATISFACTION = re.compile(r"zadowolon|satysfakc|satisf")
_NEEDS = re.compile(
    r"potrzeb|problem|brakuje|\bbrak\w*\b|najwazniejsz|priorytet|zmienic|poprawy|popraw|"
    r"inwestycj|needs|lack|missing"
)
_AT_MOST = re.compile(
    r"(?:maksymalnie|maks|max|najwyzej|nie wiecej niz|do|up to|at most|wybierz|wybrac|zaznacz|"
    r"zaznaczyc)\s+(\d+|" + "|".join(_NUMBER_WORDS) + r")\b"
)
_ASPECT_NOISE = frozenset(
    [
        "wazne",
        "wazna",
        "wazny",
        "waznosc",
        "bardzo",
        "zadowolony",
        "zadowolona",
        "zadowolonym",
        "zadowolone",
        "zadowolony_a",
        "zadowolenie",
        "nastepujace",
        "nastepujacych",
        "sprawy",
        "spraw",
        "sprawach",
        "tych",
        "tymi",
        "kwestie",
        "kwestii",
        "miejscowosci",
        "miejscowosc",
        "okolicy",
        "gminie",
        "gminy",
        "mieście",
        "miescie",
        "miasta",
        "ocena",
        "oceniasz",
        "ocenia",
    ]
)


def _assign_roles(items: list[_Item]) -> None:
    weighting: dict[str, _Item] = {}
    for item in items:
        if (item.fixed and item.kind in ("start", "end", *_META_TYPES)) or item.duplicate_of:
            continue
        folded = _fold(item.label if not item.grid else f"{item.grid[0]} {item.grid[1]}")
        labels = [o.label for o in item.options]
        sexes = {_sex_margin(label) for label in labels} - {""}
        bands = [age_band(label) for label in labels]
        if item.kind == "select_one" and (_SEX.search(folded) or sexes == {"female", "male"}):
            _weighting(item, "sex", weighting, "płeć", "sex")
        elif (
            _AGE.search(folded)
            or _BIRTH.search(folded)
            or (
                item.kind == "select_one"
                and sum(
                    b is not None
                    and b[0] != b[1]
                    and b[0] >= 12
                    and _AGE_ANSWER.match(label.strip().lower()) is not None
                    for b, label in zip(bands, labels, strict=True)
                )
                >= 2
            )
        ):
            if item.kind in ("integer", "decimal", "select_one"):
                _weighting(item, "age_band", weighting, "wiek", "age")
        elif item.kind == "select_one" and _EDUCATION.search(folded):
            _role(
                item,
                "covariate",
                "profile",
                "wykształcenie (zmienna kontrolna w porównaniach miejscowości)",
                "education (adjusts comparisons between towns)",
            )
        elif item.kind == "select_one" and _EMPLOYMENT.search(folded):
            _role(
                item,
                "covariate",
                "profile",
                "sytuacja zawodowa (zmienna kontrolna w porównaniach miejscowości)",
                "employment (adjusts comparisons between towns)",
            )
        elif item.kind == "select_one" and _DOMAIN.search(folded):
            _role(
                item,
                "domain",
                "profile",
                "część miejscowości / miejsce zamieszkania (podgrupa do porównań)",
                "part of town / place of residence (a subgroup for comparisons)",
            )
        elif item.kind == "select_one" and _IMPORTANCE.search(folded):
            _construct(item, "importance", "services", "ważność", "importance")
        elif item.kind == "select_one" and _SATISFACTION.search(folded):
            _construct(item, "satisfaction", "services", "zadowolenie", "satisfaction")
        elif item.kind == "select_multiple":
            _needs(item, folded)
        elif item.kind == "text" and item.role == "open_text":
            if _OPEN.search(folded):
                item.theme = "ideas"
        elif re.search(r"\b(id|identyfikator|numer ankiety|nr ankiety|respondent)\b", folded) and (
            len(set(item.answered)) == len(item.answered) and item.answered
        ):
            _role(
                item,
                "id",
                "",
                "identyfikator respondenta (powtórzenia są zgłaszane)",
                "the respondent identifier (duplicates are reported)",
            )
        if not item.theme and not item.role and not item.construct:
            _like_standard(item)
    _aspects(items)


def _role(item: _Item, role: str, theme: str, why_pl: str, why_en: str) -> None:
    item.role, item.theme = role, item.theme or theme
    item.note("role", f"Rola '{role}': {why_pl}.", f"Role '{role}': {why_en}.")


def _weighting(item: _Item, margin: str, seen: dict[str, _Item], pl: str, en: str) -> None:
    if margin in seen:
        item.note(
            "role",
            f"Pytanie o {pl} jest już wyżej („{seen[margin].header}”); to nie "
            "dostaje roli weighting.",
            f"A question about {en} comes earlier "
            f"('{seen[margin].header}'); this one gets no weighting role.",
        )
        return
    seen[margin] = item
    item.role, item.margin, item.theme = "weighting", margin, "profile"
    if item.kind == "select_one" and not item.given_name:
        item.list_name = margin
    what = {"sex": ("płeć", "sex"), "age_band": ("grupy wieku", "age bands")}[margin]
    item.note(
        "role",
        f"Pytanie o {pl}: rola weighting, margin '{margin}' (ważenie do struktury "
        f"ludności według {what[0]}).",
        f"A question about {en}: role weighting, margin "
        f"'{margin}' (weighting to the population by {what[1]}).",
    )
    if item.kind == "select_one":
        fn = _sex_margin if margin == "sex" else None
        for o in item.options:
            if o.missing:
                continue
            if fn is not None:
                o.margin = fn(o.label)
            else:
                band = age_band(o.label) or (age_band(o.name) if o.name else None)
                o.margin = _age_margin(band) if band else ""
        blank = [o.label for o in item.options if not o.margin and not o.missing]
        if blank:
            shown = ", ".join(f"'{b}'" for b in blank)
            item.note(
                "margin",
                f"Odpowiedzi bez marginesu (poza populacją dorosłych lub nie "
                f"wiadomo, która to grupa): {shown}. Uzupełnij kolumnę 'margin' w arkuszu "
                "choices, jeśli to możliwe.",
                f"Answers without a margin (outside the "
                f"adult population, or which group is unknown): {shown}. Fill in the "
                "'margin' column of the choices sheet where you can.",
            )
    elif margin == "age_band":
        birth = (item.minimum or 0) > 1800 or _BIRTH.search(_fold(item.label))
        item.note(
            "margin",
            "Liczba: "
            + ("rok urodzenia" if birth else "wiek w latach")
            + "; grupy wieku wylicza się z niej przy ważeniu.",
            "A number: "
            + ("the year of birth" if birth else "age in years")
            + "; the age bands are "
            "computed from it for weighting.",
        )
        if birth and item.minimum is not None and item.minimum < 100:
            item.note(
                "check",
                "Niektóre lata urodzenia mają tylko dwie cyfry (np. 94 zamiast "
                "1994): popraw je w danych.",
                "Some years of birth have two digits only "
                "(e.g. 94 for 1994): fix them in the data.",
            )


def _construct(item: _Item, construct: str, theme: str, pl: str, en: str) -> None:
    item.construct, item.theme = construct, theme
    item.note(
        "construct",
        f"Pytanie o {pl}: konstrukt '{construct}' (macierz ważność-zadowolenie w raporcie).",
        f"A question about {en}: construct '{construct}' (the "
        "report's importance-satisfaction matrix).",
    )
    if not item.ordinal:
        item.note(
            "check",
            "Odpowiedzi nie wyglądają na skalę porządkową: sprawdź kolejność i "
            "kody w arkuszu choices.",
            "The answers do not look like an ordinal scale: "
            "check their order and codes in the choices sheet.",
        )


def _needs(item: _Item, folded: str) -> None:
    m = _AT_MOST.search(folded)
    limit = None
    if m:
        word = m.group(1)
        limit = int(word) if word.isdigit() else _NUMBER_WORDS[word]
    if limit and not item.constraint:
        item.constraint = f"count-selected(.) <= {limit}"
        item.constraint_pl = f"Wybierz najwyżej {limit} odpowiedzi."
        item.constraint_en = f"Choose at most {limit} answers."
        item.note(
            "constraint",
            f"W treści pytania: najwyżej {limit}; zaproponowano ograniczenie '{item.constraint}'.",
            f"The question says at most {limit}; proposed the constraint '{item.constraint}'.",
        )
    if _NEEDS.search(folded):
        item.role, item.construct, item.theme = "needs", "needs", "needs"
        item.note(
            "role",
            "Wybór potrzeb lub problemów: rola i konstrukt 'needs' (ranking potrzeb w raporcie).",
            "A choice of needs or problems: role and construct 'needs' (the "
            "report's ranking of needs).",
        )


def _like_standard(item: _Item) -> None:
    """Theme, construct and reverse from the most similar question of the standard survey."""
    if item.kind in ("start", "end", "date", "datetime"):
        return
    text = item.label if not item.grid else f"{item.grid[0]} {item.grid[1]}"
    best, score = None, 0.0
    for q, std_text in _standard().questions:
        if q.type in ("start", "end"):
            continue
        s = max(similarity(text, std_text), similarity(text, q.label("pl")))
        if s > score:
            best, score = q, s
    if best is None or score < 0.55:
        return
    compatible = (best.type == item.kind) or {best.type, item.kind} <= {"integer", "decimal"}
    if best.theme:
        item.theme = best.theme
    if compatible and best.construct and best.construct not in ("importance", "satisfaction"):
        item.construct = best.construct
        item.reverse = "yes" if best.reverse else ""
    item.note(
        "construct",
        f"Podobne ({score:.2f}) do pytania '{best.name}' standardowej ankiety "
        f"(„{best.label('pl')}”): temat '{item.theme}'"
        + (f", konstrukt '{item.construct}'" if item.construct else "")
        + ".",
        f"Similar ({score:.2f}) to the standard survey's question '{best.name}' ('"
        f"{best.label('en')}'): theme '{item.theme}'"
        + (f", construct '{item.construct}'" if item.construct else "")
        + ".",
    )


def _aspect_text(item: _Item) -> str:
    text = item.grid[1] if item.grid else item.label
    words = [
        w
        for w in _words(text)
        if w not in _ASPECT_NOISE and not w.startswith("zadowol") and not w.startswith("wazn")
    ]
    return " ".join(words)


def _aspects(items: list[_Item]) -> None:
    imp = [i for i in items if i.construct == "importance"]
    sat = [i for i in items if i.construct == "satisfaction"]
    free = list(sat)
    std = _standard().aspects
    used: set[str] = set()
    pairs: list[tuple[_Item | None, _Item | None]] = []
    for i in imp:
        text = _aspect_text(i)
        best = max(free, key=lambda s: similarity(text, _aspect_text(s)), default=None)
        if best is not None and similarity(text, _aspect_text(best)) >= 0.5:
            free.remove(best)
            pairs.append((i, best))
        else:
            pairs.append((i, None))
    pairs += [(None, s) for s in free]
    for i, s in pairs:
        text = _aspect_text(i or s)  # type: ignore[arg-type]
        code, score = max(
            ((c, similarity(text, label)) for c, label in std),
            key=lambda cs: cs[1],
            default=("", 0.0),
        )
        if score < 0.6 or code in used:
            code = _slug(text, words=2, limit=20) or "aspect"
        base, k = code, 2
        while code in used:
            code, k = f"{base}_{k}", k + 1
        used.add(code)
        for member in (i, s):
            if member is None:
                continue
            member.aspect = code
            other = s if member is i else i
            if other is not None:
                member.note(
                    "aspect",
                    f"Aspekt '{code}': para z „{other.header}” (ważność i "
                    "zadowolenie tej samej sprawy).",
                    f"Aspect '{code}': paired with '"
                    f"{other.header}' (importance and satisfaction of the same "
                    "service).",
                )
            else:
                member.note(
                    "aspect",
                    f"Aspekt '{code}': nie znaleziono pary (pytania o "
                    f"{'zadowolenie' if member is i else 'ważność'} tej samej sprawy).",
                    f"Aspect '{code}': no pair found (a question about the "
                    f"{'satisfaction' if member is i else 'importance'} of the same "
                    "service).",
                )


# --------------------------------------------------------------------- names and lists


def _names(items: list[_Item], headers: Iterable[str]) -> None:
    """Unique XML names; never a name another header would match by name."""
    lasts = Counter(h.rpartition("/")[2].strip().casefold() for h in headers)
    taken: set[str] = {i.name.casefold() for i in items if i.fixed and i.name}
    for item in items:
        if item.fixed and item.name:
            continue
        own = item.header.rpartition("/")[2].strip().casefold()
        if (
            item.given_name
            and lasts[item.given_name.casefold()] <= 1
            and (item.given_name.casefold() not in taken)
        ):
            item.name = item.given_name
        else:
            if item.margin == "sex":
                base = "sex"
            elif item.margin == "age_band":
                base = (
                    "age_band"
                    if item.kind == "select_one"
                    else ("birth_year" if (item.minimum or 0) > 1800 else "age")
                )
            elif item.aspect:
                base = f"{'imp' if item.construct == 'importance' else 'sat'}_{item.aspect}"
            elif item.role == "needs":
                base = "needs"
            elif item.role in ("covariate", "domain") and not item.duplicate_of:
                folded = _fold(item.label)
                base = (
                    "education"
                    if _EDUCATION.search(folded)
                    else "employment"
                    if _EMPLOYMENT.search(folded)
                    else "district"
                    if re.search(r"dzielnic|osiedl|solectw|czesc|district|neighbo", folded)
                    else _slug(item.label) or "domain"
                )
            else:
                base = _slug(item.grid[1] if item.grid else item.label) or "q"
            if item.given_name and lasts[item.given_name.casefold()] > 1:
                parts = [p for p in item.header.split("/") if p]
                base = "_".join(parts[-2:]) if len(parts) >= 2 else base
            base = _valid_name(base)
            name, k = base, 2
            while name.casefold() in taken or (lasts[name.casefold()] and name.casefold() != own):
                name, k = f"{base}_{k}", k + 1
            item.name = name
            if item.name.casefold() != own:
                item.note(
                    "name",
                    f"Nazwa '{item.name}' (krótka, bez polskich liter); nagłówek z "
                    "pliku jest etykietą, więc czytnik dopasuje kolumnę po etykiecie.",
                    f"Name '{item.name}' (short, ASCII); the file's header is the label, so "
                    "the reader matches the column by its label.",
                )
        taken.add(item.name.casefold())
    for item in items:
        for k, n in enumerate(item.notes):
            if not n.question:
                item.notes[k] = Note(n.column, n.pl, n.en, item.name, n.topic)


def _lists(items: list[_Item]) -> list[tuple[str, list[_Option]]]:
    """Choice lists: identical answer sets share one list (a battery)."""
    lists: dict[str, list[_Option]] = {}
    by_content: dict[tuple, str] = {}
    for item in items:
        if item.kind not in ("select_one", "select_multiple") or not item.options:
            continue
        content = tuple((o.name, o.label, o.missing, o.margin) for o in item.options)
        if content in by_content and (item.list_name in ("", by_content[content])):
            item.list_name = by_content[content]
            continue
        scale = item.construct if item.construct in ("importance", "satisfaction") else ""
        base = _valid_name(item.list_name or scale or item.name)
        name, k = base, 2
        while name in lists:
            name, k = f"{base}_{k}", k + 1
        item.list_name = name
        lists[name] = item.options
        by_content[content] = name
    return list(lists.items())


# --------------------------------------------------------------------- the sheets


def _survey_frame(items: list[_Item], lang: str) -> pd.DataFrame:
    label_col = f"label::{_LANG_COLUMN[lang]}"
    message_col = f"constraint_message::{_LANG_COLUMN[lang]}"
    other = "en" if lang == "pl" else "pl"
    rows = []
    for item in items:
        kind = item.kind
        if kind in ("select_one", "select_multiple"):
            kind = f"{kind} {item.list_name}"
        row = dict.fromkeys(SURVEY_COLUMNS, "")
        row.update(
            {
                "type": kind,
                "name": item.name,
                label_col: item.label if item.kind not in ("start", "end") or item.label else "",
                "constraint": item.constraint,
                message_col: item.constraint_pl if lang == "pl" else item.constraint_en,
                f"constraint_message::{_LANG_COLUMN[other]}": (
                    item.constraint_en if lang == "pl" else item.constraint_pl
                )
                if item.constraint
                else "",
                "relevant": item.relevant,
                "role": item.role if item.kind not in ("start", "end") else "",
                "construct": item.construct,
                "reverse": item.reverse,
                "theme": item.theme,
                "margin": item.margin,
                "aspect": item.aspect,
            }
        )
        rows.append(row)
    return pd.DataFrame(rows, columns=list(SURVEY_COLUMNS))


def _choices_frame(lists: list[tuple[str, list[_Option]]], lang: str) -> pd.DataFrame:
    label_col = f"label::{_LANG_COLUMN[lang]}"
    rows = []
    for list_name, options in lists:
        for o in options:
            row = dict.fromkeys(CHOICES_COLUMNS, "")
            row.update(
                {
                    "list_name": list_name,
                    "name": o.name,
                    label_col: o.label,
                    "missing": "yes" if o.missing else "",
                    "margin": o.margin,
                }
            )
            rows.append(row)
    return pd.DataFrame(rows, columns=list(CHOICES_COLUMNS))


def _settings_frame(title: str, lang: str) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "form_title": title,
                "form_id": _valid_name(clean_name(title) or "ankieta"),
                "version": "1",
                "default_language": _LANG_COLUMN[lang],
            }
        ]
    )


def _check_codes(items: list[_Item]) -> list[Note]:
    """Read every answer back through the reader's own code lookup: nothing may be lost."""
    notes = []
    for item in items:
        if item.kind not in ("select_one", "select_multiple") or item.values == [None]:
            continue
        q = Question(
            name=item.name,
            type=item.kind,
            list_name=item.list_name,
            choices=tuple(
                Choice(o.name, MappingProxyType({"pl": o.label}), o.missing) for o in item.options
            ),
        )
        answered = pd.Series([v for v in item.answered], dtype=object)
        if item.kind == "select_one":
            index = ChoiceIndex.of(q)
            lost = sorted({v for v in answered if index.code(v) is None})
        else:
            _, rest = split_multiple(
                answered, ChoiceIndex.of(q, extra=("other",)), [*q.choice_names(), "other"]
            )
            lost = sorted(set(rest.dropna()))
        if lost and item.kind == "select_one":
            shown = ", ".join(f"'{v}'" for v in lost[:5])
            notes.append(
                Note(
                    item.header,
                    f"Tych odpowiedzi nie ma na liście: {shown}.",
                    f"These answers are not in the list: {shown}.",
                    item.name,
                    "check",
                )
            )
    return notes


def propose_instrument(
    path: str | Path, *, sheet: str | None = None, encoding: str | None = None, lang: str = "pl"
) -> Proposal:
    """Propose an annotated XLSForm for an answers export (or annotate an existing XLSForm).

    Parameters
    ----------
    path : str or Path
        An answers export (Google Forms CSV/XLSX, KoboToolbox/ODK/Ona, LimeSurvey
        CSV, SPSS ``.sav`` with labels, Excel, CSV in any Polish encoding) or an
        XLSForm (a workbook with a ``survey`` sheet), whose analysis columns are
        then proposed where they are empty (nothing the form says is changed).
    sheet : str, optional
        The workbook sheet holding the answers.
    encoding : str, optional
        Force the text encoding of a CSV (``"cp1250"``).
    lang : {"pl", "en"}
        The language the export's questions are written in: their text goes
        into ``label::Polski (pl)`` (or ``label::English (en)``), which becomes
        the form's default language.

    Returns
    -------
    Proposal
        ``survey``, ``choices`` and ``settings`` as DataFrames, and the notes.

    Raises
    ------
    ReadError
        The export cannot be read (missing, unknown format, wrong encoding).
    InstrumentError
        The file has no column that could be a question, or ``lang`` is not
        ``pl``/``en``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.csv"
    >>> _ = p.write_text("Ocena (0-10);Uwagi\\n7;Brak ławek w parku\\n10;Dobrze jest\\n"
    ...                  "0;Za mało autobusów\\n", encoding="cp1250")
    >>> proposal = propose_instrument(p)
    >>> proposal.survey[["type", "name", "constraint", "role"]].values.tolist()
    [['integer', 'ocena_0_10', '. >= 0 and . <= 10', ''], ['text', 'uwagi', '', 'open_text']]
    """
    if lang not in _LANG_COLUMN:
        raise InstrumentError(
            pl=f"Nieznany język etykiet '{lang}': podaj pl albo en.",
            en=f"Unknown label language '{lang}': give pl or en.",
            value=lang,
        )
    path = Path(path)
    form = _xlsform_sheets(path)
    if form is not None:
        return _annotate_form(path, form, lang)
    items, notes, title = _from_export(path, sheet, encoding, lang)
    questions = [i for i in items if i.kind not in ("start", "end")]
    if not questions:
        raise InstrumentError(
            pl="W pliku nie ma żadnej kolumny, która mogłaby być pytaniem (same metadane "
            "eksportu albo puste kolumny).",
            en="The file has no column that could be a question (export metadata or empty "
            "columns only).",
            file=path,
        )
    for item in items:
        _order_options(item)
    _assign_roles(items)
    for item in items:
        if item.kind in ("select_one", "select_multiple"):
            _codes(item)
    headers = [i.header for i in items] + [n.column for n in notes]
    _names(items, headers + _option_headers(items))
    items = _with_other_texts(items, path)
    lists = _lists(items)
    checks = _check_codes(items)
    all_notes = notes + [n for i in items for n in i.notes] + checks
    return Proposal(
        survey=_survey_frame(items, lang),
        choices=_choices_frame(lists, lang),
        notes=tuple(all_notes),
        settings=_settings_frame(title, lang),
        source=path,
    )


def _option_headers(items: list[_Item]) -> list[str]:
    return [f"{i.header}/{o.name}" for i in items if i.kind == "select_multiple" for o in i.options]


def _with_other_texts(items: list[_Item], path: Path) -> list[_Item]:
    """Text questions for ``q_other`` columns whose select question now has its name."""
    selects = {i.name.casefold(): i for i in items if i.kind.startswith("select")}
    out = []
    for item in items:
        last = item.header.rpartition("/")[2]
        m = _GRID.match(last)
        base = (
            m.group(1)
            if m and m.group(2).strip() == "other"
            else last.removesuffix("_other")
            if last.endswith("_other")
            else ""
        )
        if base and base.casefold() in selects and item.kind != "select_multiple":
            item.kind, item.role, item.theme, item.construct = "text", "", "", ""
            item.options = []
            item.name = f"{selects[base.casefold()].name}_other"
            item.notes = [n for n in item.notes if n.topic in ("check",)]
            item.note(
                "type",
                f"Tekst odpowiedzi 'inne' do pytania '{selects[base.casefold()].name}'"
                ": pytanie tekstowe.",
                f"The text of the 'other' answer to "
                f"'{selects[base.casefold()].name}': a text question.",
            )
        out.append(item)
    return out


# --------------------------------------------------------------------- an existing XLSForm


def _xlsform_sheets(path: Path) -> dict[str, list[dict]] | None:
    """The sheets of an XLSForm as rows, or None when the file is not one."""
    if path.suffix.lower() not in (".xlsx", ".xlsm", ".xls") or not path.is_file():
        return None
    from pyxform import xls2json_backends as backends

    try:
        book = (backends.xls_to_dict if path.suffix.lower() == ".xls" else backends.xlsx_to_dict)(
            str(path)
        )
    except Exception:  # not a workbook pyxform can read: leave it to the answers reader
        return None
    sheets = {str(k).strip().lower(): v for k, v in book.items() if isinstance(v, list)}
    survey = sheets.get("survey")
    if not survey or not any("type" in {str(c).strip().lower() for c in r} for r in survey):
        return None
    return sheets


def _key(column: object) -> str:
    """A sheet's column header as the reader compares it: ``'List Name '`` -> ``'list_name'``."""
    return str(column).strip().lower().replace(" ", "_")


def _annotate_form(path: Path, sheets: Mapping[str, list[dict]], lang: str) -> Proposal:
    ins: Instrument = load_instrument(path)
    lang = ins.default_language if ins.default_language in _LANG_COLUMN else lang
    survey = pd.DataFrame(sheets.get("survey", [])).fillna("")
    choices = pd.DataFrame(sheets.get("choices", [])).fillna("")
    analysis = (
        (survey, ("role", "construct", "reverse", "theme", "margin", "aspect", "constraint")),
        (choices, ("missing", "margin")),
    )
    for frame, columns in analysis:
        present = {_key(k).removeprefix("bind:") for k in frame.columns}
        for c in columns:
            if c not in present:
                frame[c] = ""
    col = {_key(k).removeprefix("bind:"): k for k in survey.columns}
    ccol = {_key(k): k for k in choices.columns}
    items = []
    for q in ins.questions:
        item = _Item(
            q.name,
            q.label(lang),
            q.type,
            name=q.name,
            fixed=True,
            list_name=q.list_name or "",
            role=q.role or "",
            construct=q.construct or "",
            theme=q.theme or "",
            constraint=q.constraint or "",
        )
        if q.stem:
            item.grid = (q.stem.get(lang) or next(iter(q.stem.values())), q.label(lang))
        item.options = [_Option(c.label(lang), name=c.name, missing=c.missing) for c in q.choices]
        item.ordinal = _scale_order([c.label(lang) for c in q.choices if not c.missing]) is not None
        items.append(item)
    before = {i.name: (i.role, i.construct, i.theme, i.constraint) for i in items}
    missing_before = {(i.list_name, o.name): o.missing for i in items for o in i.options}
    for item in items:
        if not item.role:
            for o in item.options:
                o.missing = o.missing or is_missing_answer(o.label)
    _assign_roles([i for i in items if not i.role or i.role in ("open_text",)])
    notes: list[Note] = []
    for item in items:
        rows = survey.index[survey[col["name"]].astype(str).str.strip() == item.name]
        if not len(rows):
            continue
        r = rows[0]
        old = before[item.name]
        for key, value, was in (
            ("role", item.role, old[0]),
            ("construct", item.construct, old[1]),
            ("theme", item.theme, old[2]),
            ("constraint", item.constraint, old[3]),
            ("margin", item.margin, ""),
            ("aspect", item.aspect, ""),
            ("reverse", item.reverse, ""),
        ):
            target = col.get(key, key)
            if value and not str(survey.at[r, target]).strip() and value != was:
                survey.at[r, target] = value
        notes += [n for n in item.notes if n.topic not in ("type", "name")]
        for o in item.options:
            rows = choices.index[
                (
                    choices[ccol.get("list_name", "list_name")].astype(str).str.strip()
                    == item.list_name
                )
                & (choices[ccol.get("name", "name")].astype(str).str.strip() == o.name)
            ]
            for r in rows:
                if o.missing and not missing_before.get((item.list_name, o.name)):
                    choices.at[r, ccol.get("missing", "missing")] = "yes"
                    notes.append(
                        Note(
                            item.name,
                            f"Odpowiedź „{o.label}” nie jest merytoryczna: missing = yes.",
                            f"The answer '{o.label}' is not substantive: missing = yes.",
                            item.name,
                            "missing",
                        )
                    )
                if o.margin and not str(choices.at[r, ccol.get("margin", "margin")]).strip():
                    choices.at[r, ccol.get("margin", "margin")] = o.margin
    settings = (
        pd.DataFrame(sheets.get("settings", [])[:1])
        if sheets.get("settings")
        else (_settings_frame(path.stem, lang))
    )
    return Proposal(survey, choices, tuple(notes), settings, path, from_export=False)


# --------------------------------------------------------------------- writing


def write_xlsform(proposal: Proposal, path: str | Path) -> Path:
    """Write a proposal as an XLSForm (openpyxl): survey, choices, settings and ``uwagi``.

    The form loads with :func:`diagnosis.load_instrument` and converts with
    pyxform; the sheet ``uwagi`` lists every proposal and why, in Polish and
    English (ODK and Kobo ignore the extra sheet and the analysis columns).

    Parameters
    ----------
    proposal : Proposal
    path : str or Path
        The ``.xlsx`` to write (replaced if it exists).

    Returns
    -------
    Path

    Raises
    ------
    InstrumentError
        The file cannot be written (a folder of that name, no permission).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.csv").write_text("Płeć\\nKobieta\\nMężczyzna\\nKobieta\\n")
    >>> out = write_xlsform(propose_instrument(folder / "a.csv"), folder / "form.xlsx")
    >>> load_instrument(out).question("sex").choice_names()
    ('female', 'male')
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    path = Path(path)
    book = Workbook()
    sheets = [
        ("survey", proposal.survey),
        ("choices", proposal.choices),
        ("settings", proposal.settings),
        (NOTES_SHEET, proposal.notes_frame()),
    ]
    first = True
    for title, frame in sheets:
        ws = book.active if first else book.create_sheet()
        first = False
        ws.title = title
        columns = [str(c) for c in frame.columns]
        ws.append(columns)
        for row in frame.itertuples(index=False):
            ws.append([_cell(v) for v in row])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
        for k, c in enumerate(columns, start=1):
            longest = max([len(c), *(len(str(_cell(v))) for v in frame.iloc[:, k - 1])], default=8)
            letter = ws.cell(row=1, column=k).column_letter
            ws.column_dimensions[letter].width = min(max(10, longest + 2), 70)
        if title == NOTES_SHEET:
            for row in ws.iter_rows(min_row=2):
                for cell in row:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
    try:
        if path.is_dir():
            raise IsADirectoryError(str(path))
        book.save(path)
    except OSError as exc:
        raise InstrumentError(
            pl=f"Nie udało się zapisać formularza ({exc.strerror or exc}). Podaj po --out nazwę "
            "pliku .xlsx w folderze, do którego można pisać.",
            en=f"The form could not be written ({exc.strerror or exc}). After --out give an "
            ".xlsx file name in a folder you can write to.",
            file=path,
        ) from exc
    return path


def _cell(value: object) -> object:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, str) and not value:
        return None
    return value
