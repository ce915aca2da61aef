"""The questionnaire: read any XLSForm into a typed, frozen :class:`Instrument`.

XLSForm is the format of KoboToolbox, ODK and Ona. Sheet and column names are
matched without regard to case or surrounding spaces, legacy type names
(``string``, ``int``, ``select``) are mapped to current ones, and every label
language is kept. Analysis metadata lives in extra columns that ODK ignores
(see ``surveys/README.md``):

``construct``
    the scale or battery a question belongs to (``cohesion``, ``importance``);
``reverse``
    ``yes`` when the item is reverse-keyed within its construct;
``role``
    what the analysis uses the question for: ``weighting`` (margins for
    raking), ``domain``, ``covariate``, ``id``, ``open_text``, ``needs`` (the
    multiple choice of the town's needs), ``started_at``/``ended_at``
    (interview duration);
``margin``
    on a weighting question, the population margin it gives (``sex``,
    ``age_band``); on the choices sheet, the margin code of an answer
    (``female``, ``18_29``; blank: outside the adult population);
``aspect``
    what an importance or satisfaction item rates: items of the two
    constructs with the same aspect are one point of the priority matrix;
``theme``
    the report section a question belongs to;
``missing`` (choices sheet)
    ``yes`` for non-substantive answers such as "Trudno powiedzieć".

Examples
--------
>>> from diagnosis import load_instrument
>>> ins = load_instrument("surveys/instruments/resident_survey.xlsx")
>>> ins.default_language
'pl'
>>> ins.question("age_band").choice_names()
('18_29', '30_44', '45_59', '60_plus')
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .errors import InstrumentError

__all__ = ["Choice", "Instrument", "Question", "language_code", "load_instrument"]

#: legacy and alias type names -> current XLSForm names
_TYPE_ALIASES = {
    "string": "text",
    "int": "integer",
    "select": "select_multiple",
    "select all that apply": "select_multiple",
    "select one": "select_one",
    "select_one_from_file": "select_one",
    "select_multiple_from_file": "select_multiple",
    "select_one_external": "select_one",
    "begin_group": "begin group",
    "end_group": "end group",
    "begin_repeat": "begin repeat",
    "end_repeat": "end repeat",
    "decimal": "decimal",
    "float": "decimal",
}
#: types that never hold an answer in the data
_NO_DATA = {"note", "begin group", "end group", "begin repeat", "end repeat"}
_META = {
    "start", "end", "today", "deviceid", "subscriberid", "simserial", "phonenumber",
    "username", "email", "audit", "start-geopoint", "imei",
}  # fmt: skip

_META_ROLES = {"start": "started_at", "end": "ended_at"}
_COUNT_SELECTED = re.compile(r"count-selected\s*\(\s*\.\s*\)\s*<\s*(=?)\s*(\d+)")
_LOWER = re.compile(r"\.\s*>\s*(=?)\s*(-?\d+(?:\.\d+)?)")
_UPPER = re.compile(r"\.\s*<\s*(=?)\s*(-?\d+(?:\.\d+)?)")
_TRUE = {"yes", "true", "1", "true()", "y", "tak"}


def language_code(header_language: str) -> str:
    """Return the language code of an XLSForm label column's language part.

    ``"Polski (pl)"`` gives ``"pl"``, ``"EN"`` gives ``"en"``, ``"English"``
    gives ``"english"``; the bare ``label`` column has language ``"default"``.

    Examples
    --------
    >>> language_code("Polski (pl)"), language_code("EN"), language_code("")
    ('pl', 'en', 'default')
    """
    text = header_language.strip()
    if not text:
        return "default"
    m = re.search(r"\(([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)?)\)\s*$", text)
    return (m.group(1) if m else text).lower()


@dataclass(frozen=True)
class Choice:
    """One answer option of a choice list.

    ``missing`` marks non-substantive answers ("hard to say", "refused").
    ``margin`` is the population-margin code the answer stands for, on a
    weighting question (``female``, ``male``, an age band such as ``18_29``);
    None when the choice sheet has no ``margin`` column or leaves it blank.
    """

    name: str
    labels: Mapping[str, str]
    missing: bool = False
    margin: str | None = None

    def label(self, lang: str | None = None) -> str:
        """The label in ``lang``, else in the first language that has one, else the name."""
        return _pick(self.labels, lang) or self.name


@dataclass(frozen=True)
class Question:
    """One row of the survey sheet that holds data (not a note or group marker).

    Attributes
    ----------
    name : str
        The XLSForm ``name``; the canonical column name.
    type : str
        Base type: ``select_one``, ``select_multiple``, ``integer``, ``decimal``,
        ``text``, ``date``, ``start`` ... (legacy names already mapped).
    list_name : str or None
        Choice list for select questions.
    group : tuple of str
        Names of enclosing groups, outermost first (Kobo exports them as a
        ``group/name`` prefix).
    labels, hints : mapping of language code to text
    choices : tuple of Choice
        Options for select questions, in sheet order.
    max_choices : int or None
        For ``select_multiple`` with ``count-selected(.) <= k``.
    minimum, maximum : float or None
        Range from a numeric constraint such as ``. >= 0 and . <= 10``.
    construct, role, theme : str or None
        Analysis metadata from the extra columns.
    stem : mapping of language code to text
        The text of the nearest ``note`` before the question within its group:
        the shared question of a grid ("How important are ..."), whose rows are
        the questions. Google Forms heads such a column ``Stem [Row label]``.
    reverse : bool
        Reverse-keyed within its construct.
    margin : str or None
        The population-margin variable a weighting question gives (``sex`` or
        ``age_band``), from the ``margin`` column.
    aspect : str or None
        What an importance or satisfaction item rates (``transport``): the
        items of the two constructs with the same aspect make one point of the
        priority matrix.
    """

    name: str
    type: str
    list_name: str | None = None
    group: tuple[str, ...] = ()
    labels: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    hints: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    choices: tuple[Choice, ...] = ()
    required: bool = False
    relevant: str | None = None
    constraint: str | None = None
    max_choices: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    construct: str | None = None
    reverse: bool = False
    role: str | None = None
    theme: str | None = None
    row: int | None = None
    stem: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    margin: str | None = None
    aspect: str | None = None

    def label(self, lang: str | None = None) -> str:
        """The question text in ``lang`` (falls back to another language, then the name)."""
        return _pick(self.labels, lang) or self.name

    def choice_names(self) -> tuple[str, ...]:
        """Codes of the options, in order."""
        return tuple(c.name for c in self.choices)

    def choice(self, name: str) -> Choice | None:
        """The option with code ``name``, or None."""
        for c in self.choices:
            if c.name == name:
                return c
        return None

    @property
    def is_select(self) -> bool:
        return self.type in ("select_one", "select_multiple")

    @property
    def is_multiple(self) -> bool:
        return self.type == "select_multiple"

    def columns(self) -> tuple[str, ...]:
        """Canonical data columns: ``name``, or ``name__option`` per option for select_multiple."""
        if self.is_multiple:
            return tuple(f"{self.name}__{c.name}" for c in self.choices)
        return (self.name,)


@dataclass(frozen=True)
class Instrument:
    """A questionnaire read from an XLSForm.

    Attributes
    ----------
    path : Path
    title, form_id, version : str or None
    languages : tuple of str
        Label languages as codes, the default language first.
    questions : tuple of Question
        Questions that hold data, in form order (notes and groups left out).
    choice_lists : mapping of list name to tuple of Choice
    """

    path: Path
    title: str | None
    form_id: str | None
    version: str | None
    languages: tuple[str, ...]
    questions: tuple[Question, ...]
    choice_lists: Mapping[str, tuple[Choice, ...]]

    @property
    def default_language(self) -> str:
        """The form's default label language (first of ``languages``)."""
        return self.languages[0] if self.languages else "default"

    def names(self) -> tuple[str, ...]:
        """Names of all data questions, in form order."""
        return tuple(q.name for q in self.questions)

    def question(self, name: str) -> Question:
        """The question called ``name``.

        Raises
        ------
        KeyError
            If the form has no such question.
        """
        for q in self.questions:
            if q.name == name:
                return q
        raise KeyError(name)

    def get(self, name: str) -> Question | None:
        """The question called ``name``, or None."""
        return next((q for q in self.questions if q.name == name), None)

    def columns(self) -> tuple[str, ...]:
        """All canonical data columns, in form order (select_multiple expanded)."""
        return tuple(col for q in self.questions for col in q.columns())

    def by_construct(self, construct: str) -> tuple[Question, ...]:
        """Questions of one construct, in form order."""
        return tuple(q for q in self.questions if q.construct == construct)

    def by_role(self, role: str) -> tuple[Question, ...]:
        """Questions with one analysis role, in form order."""
        return tuple(q for q in self.questions if q.role == role)

    @property
    def constructs(self) -> tuple[str, ...]:
        """Names of all constructs, in order of first appearance."""
        return tuple(dict.fromkeys(q.construct for q in self.questions if q.construct))


# --------------------------------------------------------------------- reading


def _pick(labels: Mapping[str, str], lang: str | None) -> str | None:
    if lang and labels.get(lang):
        return labels[lang]
    for value in labels.values():
        if value:
            return value
    return None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _sheet(book: Mapping[str, Any], name: str) -> list[dict[str, str]]:
    """Rows of sheet ``name`` (any case), with keys normalised."""
    for key, rows in book.items():
        if key.strip().lower() == name and isinstance(rows, list):
            return [{_norm_key(k): _text(v) for k, v in row.items()} for row in rows]
    return []


def _norm_key(key: str) -> str:
    """``'LABEL::EN '`` -> ``'label::EN'``; ``'list name'`` -> ``'list_name'``.

    A translatable column written with one colon (``label:English``, as some
    form builders write it) is read like ``label::English``; ``bind:...``,
    ``jr:...`` and other prefixed columns keep their single colon.

    Examples
    --------
    >>> _norm_key("label:English (en)"), _norm_key("Hint : Polski"), _norm_key("bind:relevant")
    ('label::English (en)', 'hint::Polski', 'relevant')
    """
    translatable = {"label", "hint", "guidance_hint", "constraint_message", "required_message",
                    "image", "audio", "video", "big-image"}  # fmt: skip
    key = str(key).strip()
    head, sep, lang = key.partition("::")
    if not sep:
        single, colon, rest = key.partition(":")
        if colon and rest.strip() and single.strip().lower().replace(" ", "_") in translatable:
            head, sep, lang = single, "::", rest
    head = head.strip().lower().replace(" ", "_")
    if head.startswith("bind:"):
        head = head[len("bind:") :]
        head = {"jr:constraintmsg": "constraint_message", "jr:requiredmsg": "required_message"}.get(
            head, head
        )
    return f"{head}::{lang.strip()}" if sep else head


def _localised(row: Mapping[str, str], column: str) -> dict[str, str]:
    """``{lang_code: text}`` for ``column`` and ``column::<language>``."""
    out: dict[str, str] = {}
    for key, value in row.items():
        head, sep, lang = key.partition("::")
        if head == column and value:
            out[language_code(lang) if sep else "default"] = value
    return out


def _languages(rows: list[dict[str, str]], settings: dict[str, str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for row in rows:
        for key in row:
            head, sep, lang = key.partition("::")
            if head == "label":
                seen[language_code(lang) if sep else "default"] = None
    langs = list(seen)
    default = settings.get("default_language", "")
    if default:
        code = language_code(default)
        if code in langs:
            langs.remove(code)
            langs.insert(0, code)
    return tuple(langs)


def _read_book(path: Path) -> Mapping[str, Any]:
    from pyxform import xls2json_backends as backends

    suffix = path.suffix.lower()
    try:
        if suffix == ".xls":
            return backends.xls_to_dict(str(path))
        if suffix in (".xlsx", ".xlsm"):
            return backends.xlsx_to_dict(str(path))
    except Exception as exc:  # pyxform wraps xlrd/openpyxl errors in several types
        # the library's own (English) text stays in __cause__, not in the librarian's message
        duplicate = re.search(r"[Dd]uplicate column header:\s*(\S+)", str(exc))
        if duplicate:
            column = duplicate.group(1).strip("'\"")
            raise InstrumentError(
                pl=f"W formularzu są dwie kolumny o nagłówku '{column}'. Zostaw jedną albo "
                "nadaj drugiej nazwę z językiem, np. 'label::Polski (pl)'.",
                en=f"The form has two columns headed '{column}'. Keep one or give the other "
                "a language, e.g. 'label::English (en)'.",
                file=path,
                column=column,
            ) from exc
        raise InstrumentError(
            pl="Nie udało się otworzyć formularza XLSForm: plik jest uszkodzony albo nie jest "
            "skoroszytem Excela (.xlsx lub .xls). Otwórz go w arkuszu kalkulacyjnym i zapisz "
            "ponownie jako skoroszyt Excela.",
            en="The XLSForm could not be opened: the file is damaged or not an Excel workbook "
            "(.xlsx or .xls). Open it in a spreadsheet program and save it again as an Excel "
            "workbook.",
            file=path,
        ) from exc
    raise InstrumentError(
        pl="Formularz musi być plikiem .xlsx lub .xls (XLSForm).",
        en="The form must be an .xlsx or .xls file (XLSForm).",
        file=path,
    )


_LEGACY_SELECT = re.compile(
    r"^(select all that apply|select one)(?: from)?\s+(\S+)(?:\s+or specify other)?$", re.I
)


def _parse_type(raw_type: str) -> tuple[str, str | None, bool]:
    """``'select_one sex'`` -> ``('select_one', 'sex', False)``; legacy names mapped."""
    text = " ".join(raw_type.split())
    legacy = _LEGACY_SELECT.match(text)
    if legacy:
        kind = (
            "select_multiple" if legacy.group(1).lower().startswith("select all") else "select_one"
        )
        return kind, legacy.group(2), False
    lowered = text.lower()
    if lowered in _TYPE_ALIASES:
        return _TYPE_ALIASES[lowered], None, False
    base, _, rest = text.partition(" ")
    base = base.lower()
    external = base.endswith(("_from_file", "_external"))
    base = _TYPE_ALIASES.get(base, base)
    if base in ("begin", "end") and rest.lower().split()[:1] in (["group"], ["repeat"], ["loop"]):
        # a legacy "begin loop over <list>" is kept as a group of its questions
        kind = "repeat" if rest.lower().startswith("repeat") else "group"
        return f"{base} {kind}", None, False
    if base.startswith("select_") or base == "rank":
        words = [w for w in rest.split() if w != "or_other"]
        return base, (words[0] if words else None), external
    return base, None, False


def load_instrument(path: str | Path) -> Instrument:
    """Read an XLSForm (.xlsx or .xls) into an :class:`Instrument`.

    Parameters
    ----------
    path : str or Path
        The XLSForm. Sheet and column names may be in any case and carry
        surrounding spaces; legacy type names are accepted.

    Returns
    -------
    Instrument
        Frozen; questions in form order, choices attached to their questions.

    Raises
    ------
    InstrumentError
        When the file cannot be opened, has no ``survey`` sheet, or a select
        question names a choice list that does not exist (with the row).

    Examples
    --------
    >>> ins = load_instrument("surveys/instruments/resident_survey.xlsx")
    >>> [q.name for q in ins.by_construct("cohesion") if q.reverse]
    ['coh_self']
    """
    path = Path(path)
    if not path.exists():
        raise InstrumentError(
            pl="Nie ma takiego pliku formularza.",
            en="There is no such form file.",
            file=path,
        )
    book = _read_book(path)
    survey = _sheet(book, "survey")
    if not survey:
        raise InstrumentError(
            pl="W skoroszycie nie ma arkusza 'survey' z pytaniami.",
            en="The workbook has no 'survey' sheet with questions.",
            file=path,
        )
    choices_rows = _sheet(book, "choices")
    settings_rows = _sheet(book, "settings")
    settings = settings_rows[0] if settings_rows else {}

    lists: dict[str, list[Choice]] = {}
    for row in choices_rows:
        list_name, name = row.get("list_name", ""), row.get("name", "")
        if not list_name or not name:
            continue
        lists.setdefault(list_name, []).append(
            Choice(
                name=name,
                labels=MappingProxyType(_localised(row, "label")),
                missing=row.get("missing", "").lower() in _TRUE,
                margin=row.get("margin") or None,
            )
        )

    questions: list[Question] = []
    groups: list[str] = []
    stem: dict[str, str] = {}
    for index, row in enumerate(survey, start=2):
        raw_type = row.get("type", "")
        if not raw_type:
            continue
        base, list_name, external = _parse_type(raw_type)
        name = row.get("name", "")
        if base in ("begin group", "begin repeat"):
            groups.append(name)
            stem = {}
            continue
        if base in ("end group", "end repeat"):
            if groups:
                groups.pop()
            stem = {}
            continue
        if base == "note":
            stem = _localised(row, "label")
            continue
        if base in _NO_DATA or not name:
            continue
        choices: tuple[Choice, ...] = ()
        if list_name is not None:
            if list_name not in lists and not external:
                raise InstrumentError(
                    pl=f"Pytanie '{name}' używa listy odpowiedzi '{list_name}', której nie ma "
                    "w arkuszu 'choices'. Dodaj listę albo popraw nazwę.",
                    en=f"Question '{name}' uses the choice list '{list_name}', which is not "
                    "in the 'choices' sheet. Add the list or fix the name.",
                    file=path,
                    row=index,
                    column="type",
                    value=raw_type,
                )
            choices = tuple(lists.get(list_name, ()))
        constraint = row.get("constraint") or None
        max_choices = minimum = maximum = None
        if constraint:
            m = _COUNT_SELECTED.search(constraint)
            if m:
                max_choices = int(m.group(2)) - (0 if m.group(1) else 1)
            lo, hi = _LOWER.search(constraint), _UPPER.search(constraint)
            if lo and not m:
                minimum = float(lo.group(2))
            if hi and not m:
                maximum = float(hi.group(2))
        questions.append(
            Question(
                name=name,
                type=base,
                list_name=list_name,
                group=tuple(groups),
                labels=MappingProxyType(_localised(row, "label")),
                hints=MappingProxyType(_localised(row, "hint")),
                choices=choices,
                required=row.get("required", "").lower() in _TRUE,
                relevant=row.get("relevant") or None,
                constraint=constraint,
                max_choices=max_choices,
                minimum=minimum,
                maximum=maximum,
                construct=row.get("construct") or None,
                reverse=row.get("reverse", "").lower() in _TRUE,
                role=row.get("role") or _META_ROLES.get(base),
                theme=row.get("theme") or None,
                row=index,
                stem=MappingProxyType(dict(stem)),
                margin=row.get("margin") or None,
                aspect=row.get("aspect") or None,
            )
        )
    return Instrument(
        path=path,
        title=settings.get("form_title") or None,
        form_id=settings.get("form_id") or settings.get("id_string") or None,
        version=settings.get("version") or None,
        languages=_languages(survey, settings),
        questions=tuple(questions),
        choice_lists=MappingProxyType({k: tuple(v) for k, v in lists.items()}),
    )
