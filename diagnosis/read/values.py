"""Answers to typed, coded columns: the value rules of the canonical frame.

Labels become codes through the instrument's choice labels in any language
(``"Kobieta"`` -> ``"female"``); codes stay codes; answers matching nothing are
kept as written. Numbers accept decimal commas (``"3,5"``) and spaces as
thousands separators (``"1 234,5"``). Missing are empty cells and the tokens
``n/a``, ``NA``, ``#N/A``, ``NaN``, ``null`` (any case).

Examples
--------
>>> parse_number("3,5"), parse_number("1 234"), parse_number("007")
(3.5, 1234, 7)
>>> is_missing("n/a"), is_missing(" "), is_missing("0")
(True, True, False)
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from ..instrument import Question

__all__ = [
    "ChoiceIndex",
    "Converted",
    "as_text",
    "combine_options",
    "infer_column",
    "is_missing",
    "normalise",
    "parse_number",
    "split_multiple",
    "to_codes",
    "to_datetime",
    "to_number",
    "to_string",
]

MISSING_TOKENS = frozenset({"", "n/a", "na", "#n/a", "nan", "null"})
_TRUE = frozenset(
    {"1", "true", "yes", "y", "tak", "t", "x", "✓", "✔", "checked", "selected", "wybrano",
     "zaznaczono"}
)  # fmt: skip
_FALSE = frozenset(
    {"0", "false", "no", "n", "nie", "f", "not selected", "not checked", "nie wybrano",
     "niezaznaczono", "nicht gewählt"}
)  # fmt: skip
_INT = re.compile(r"^[+-]?\d+$")
_DEC = re.compile(r"^[+-]?(?:\d+[.,]\d*|[.,]\d+)(?:[eE][+-]?\d+)?$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[.,]\d+)?$")
_DATE_LIKE = re.compile(
    r"^(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{4})(?:[ T].*)?$"
)
_ISO_ZONE = re.compile(r"(?:Z|[+-]\d{2}:?\d{2})$")
_ZONE_TAIL = re.compile(
    r"\s+(?:(?P<abbr>[A-Z]{2,5})|(?:GMT|UTC)(?P<off>[+-]\d{1,2})(?::?(?P<min>\d{2}))?)$"
)
_ZONES = {
    "UTC": "+00:00", "GMT": "+00:00", "WET": "+00:00", "WEST": "+01:00", "BST": "+01:00",
    "CET": "+01:00", "CEST": "+02:00", "EET": "+02:00", "EEST": "+03:00", "MSK": "+03:00",
    "EST": "-05:00", "EDT": "-04:00", "CST": "-06:00", "CDT": "-05:00", "MST": "-07:00",
    "MDT": "-06:00", "PST": "-08:00", "PDT": "-07:00",
}  # fmt: skip
#: explicit formats tried after ISO 8601; day-first before month-first (Polish usage)
_FORMATS = (
    "%Y/%m/%d %I:%M:%S %p", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d",
    "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y",
    "%d-%m-%Y %H:%M:%S", "%d-%m-%Y %H:%M", "%d-%m-%Y",
    "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y",
    "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %H:%M", "%m/%d/%Y",
)  # fmt: skip


@dataclass(frozen=True)
class Converted:
    """A converted column and the rows whose values did not convert.

    When ``bad_rows`` is not empty the conversion failed and ``series`` holds
    the values as text (``string`` dtype), never NA in their place.
    """

    series: pd.Series
    bad_rows: tuple[int, ...] = ()
    note: str | None = None


def normalise(text: str) -> str:
    """Text for comparison: NFKC, case-folded, whitespace collapsed, stripped.

    Examples
    --------
    >>> normalise("  Płeć \\n respondenta ")
    'płeć respondenta'
    """
    return " ".join(unicodedata.normalize("NFKC", str(text)).casefold().split())


def is_missing(value: Any) -> bool:
    """True for None, NaN, NA, NaT, blank text and the missing tokens (``n/a`` ...)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, str):
        return value.strip().casefold() in MISSING_TOKENS
    return False


def as_text(value: Any) -> str | None:
    """A raw value as stripped text, None when missing; ``1.0`` -> ``"1"``.

    Examples
    --------
    >>> as_text(2.0), as_text(" tak "), as_text("n/a")
    ('2', 'tak', None)
    """
    if is_missing(value):
        return None
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.15g}"
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    text = str(value)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.strip()


def parse_number(text: str, *, leading_zero_is_text: bool = False) -> int | float | None:
    """A number from text (decimal comma or point, space-grouped thousands), else None.

    With ``leading_zero_is_text`` a value such as ``"007"`` is not a number
    (it is a code), which is how columns are inferred without an instrument.

    Examples
    --------
    >>> parse_number("-0,25"), parse_number("1\\u00a0000,5"), parse_number("3 kg")
    (-0.25, 1000.5, None)
    """
    t = text.strip()
    if _INT.match(t):
        digits = t.lstrip("+-")
        if leading_zero_is_text and len(digits) > 1 and digits.startswith("0"):
            return None
        return int(t) if len(digits) <= 18 else None
    if _GROUPED.match(t):
        t = re.sub(r"[ \u00a0\u202f]", "", t)
        return int(t) if _INT.match(t) else float(t.replace(",", "."))
    if _DEC.match(t):
        return float(t.replace(",", "."))
    return None


def _rows(series: pd.Series, positions: Iterable[int]) -> tuple[int, ...]:
    index = series.index
    return tuple(int(index[i]) for i in positions)


def to_string(series: pd.Series) -> pd.Series:
    """Text column (``string`` dtype), missing as NA."""
    return pd.Series([as_text(v) for v in series], index=series.index, dtype="string")


def to_number(
    series: pd.Series,
    kind: Literal["integer", "decimal", "auto"] = "auto",
    *,
    leading_zero_is_text: bool = False,
) -> Converted:
    """Numbers: ``Int64`` (integer, or auto with whole numbers only) or ``Float64``.

    A value that is not a number (or not whole for ``integer``) makes the
    conversion fail: the column comes back as text with the failing rows.
    """
    values: list[int | float | None] = []
    bad: list[int] = []
    for i, raw in enumerate(series):
        if is_missing(raw):
            values.append(None)
            continue
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            number: int | float | None = raw
        else:
            text = as_text(raw) or ""
            number = parse_number(text, leading_zero_is_text=leading_zero_is_text)
        if number is None or (kind == "integer" and not float(number).is_integer()):
            bad.append(i)
        values.append(number)
    if bad:
        return Converted(to_string(series), _rows(series, bad))
    whole = all(v is None or float(v).is_integer() for v in values)
    if kind == "integer" or (kind == "auto" and whole):
        ints = [None if v is None else int(v) for v in values]
        return Converted(pd.Series(ints, index=series.index, dtype="Int64"))
    floats = [None if v is None else float(v) for v in values]
    return Converted(pd.Series(floats, index=series.index, dtype="Float64"))


def _split_zone(text: str) -> tuple[str, str | None]:
    """``"2022/04/05 6:31:48 PM EET"`` -> ``("2022/04/05 6:31:48 PM", "+02:00")``."""
    m = _ZONE_TAIL.search(text)
    if not m:
        return text, None
    if m.group("abbr"):
        offset = _ZONES.get(m.group("abbr"))
        if offset is None:
            return text, None
    else:
        hours = int(m.group("off"))
        offset = f"{'-' if hours < 0 else '+'}{abs(hours):02d}:{m.group('min') or '00'}"
    return text[: m.start()], offset


def _try_format(texts: list[str | None], fmt: str, utc: bool) -> pd.Series | None:
    try:
        parsed = pd.to_datetime(pd.Series(texts, dtype=object), format=fmt, utc=utc)
    except (ValueError, TypeError, OverflowError):
        return None
    return parsed


def to_datetime(series: pd.Series) -> Converted:
    """Dates and times: ``datetime64``, in UTC when the values carry time zones.

    ISO 8601 first (Kobo, LimeSurvey, Excel), then the usual explicit formats
    (``2022/04/05 6:31:48 PM EET`` from Google Forms, ``05.04.2022 18:31``).
    Day-first is tried before month-first; when both read every value the
    result is flagged in ``note``.
    """
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        return Converted(series)
    texts = [as_text(v) for v in series]
    split = [_split_zone(t) if t is not None else (None, None) for t in texts]
    zoned = any(z for _, z in split) or any(t is not None and _ISO_ZONE.search(t) for t in texts)
    if not any(t is not None for t in texts):
        return Converted(pd.Series(pd.NaT, index=series.index, dtype="datetime64[us]"))
    iso = [None if t is None else (t + z if z else t) for t, z in split]
    parsed = _try_format(iso, "ISO8601", zoned)
    note = None
    if parsed is None:
        spaced = [None if t is None else (f"{t} {z}" if z else t) for t, z in split]
        for fmt in _FORMATS:
            full = f"{fmt} %z" if any(z for _, z in split) else fmt
            parsed = _try_format(spaced, full, zoned)
            if parsed is not None:
                swapped = fmt.replace("%d/%m", "%m/%d") if "%d/%m" in fmt else None
                if swapped and _try_format(spaced, swapped, zoned) is not None:
                    note = "day_month_ambiguous"
                break
    if parsed is None:
        bad = [i for i, t in enumerate(texts) if t is not None]
        for i, t in enumerate(iso):
            if t is not None and _try_format([t], "ISO8601", zoned) is not None:
                bad.remove(i)
        return Converted(to_string(series), _rows(series, bad or range(len(texts))))
    parsed.index = series.index
    return Converted(parsed, note=note)


def infer_column(series: pd.Series) -> pd.Series:
    """Type a column without an instrument: numbers, then dates, else text.

    Numeric file columns (SPSS) stay numeric (``Int64`` when whole); text
    columns become ``Int64``/``Float64`` when every value is a number (codes
    with leading zeros stay text), ``datetime64`` when every value is a date.

    Examples
    --------
    >>> infer_column(pd.Series(["3,67", "-0,25", None])).tolist()
    [3.67, -0.25, <NA>]
    >>> str(infer_column(pd.Series(["05", "12"])).dtype)
    'string'
    """
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        return series
    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series):
        return to_number(series).series
    texts = [as_text(v) for v in series]
    present = [t for t in texts if t is not None]
    if not present:
        return to_string(series)
    number = to_number(series, leading_zero_is_text=True)
    if not number.bad_rows:
        return number.series
    if all(_DATE_LIKE.match(t) for t in present):
        when = to_datetime(series)
        if not when.bad_rows:
            return when.series
    return to_string(series)


# --------------------------------------------------------------------- choices


@dataclass(frozen=True)
class ChoiceIndex:
    """Look up the code of an answer given as code or label (any language).

    Examples
    --------
    >>> from diagnosis.instrument import load_instrument
    >>> q = load_instrument("surveys/instruments/resident_survey.xlsx").question("sex")
    >>> idx = ChoiceIndex.of(q)
    >>> idx.code("Kobieta"), idx.code("MALE"), idx.code("female"), idx.code("?")
    ('female', 'male', 'female', None)
    """

    exact: Mapping[str, str]
    folded: Mapping[str, str]
    longest_first: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, question: Question, *, extra: Sequence[str] = ()) -> ChoiceIndex:
        """Index the options of ``question`` (plus ``extra`` codes, e.g. ``other``)."""
        exact = {c.name: c.name for c in question.choices}
        exact.update({code: code for code in extra})
        folded: dict[str, str] = {}
        for code in exact:
            folded.setdefault(normalise(code), code)
        for choice in question.choices:
            for label in choice.labels.values():
                if label:
                    folded.setdefault(normalise(label), choice.name)
        longest = tuple(sorted(folded.items(), key=lambda kv: -len(kv[0])))
        return cls(exact, folded, longest)

    def code(self, text: str) -> str | None:
        """The code of an answer, or None when it matches no option."""
        if text in self.exact:
            return text
        number = parse_number(text)
        if number is not None and float(number).is_integer():
            whole = str(int(number))
            if whole in self.exact:
                return whole
        return self.folded.get(normalise(text))

    def exact_code(self, token: str) -> str | None:
        """The code when ``token`` is written as a code (not a label)."""
        if token in self.exact:
            return token
        folded = self.folded.get(normalise(token))
        return folded if folded is not None and normalise(folded) == normalise(token) else None


def to_codes(
    series: pd.Series, index: ChoiceIndex, file_labels: Mapping[str, str] | None = None
) -> pd.Series:
    """select_one answers as codes (``string``); unknown answers kept as written.

    ``file_labels`` are the file's own value labels (SPSS): a numeric code that
    is not an instrument code is looked up through its label.
    """
    out: list[str | None] = []
    for raw in series:
        text = as_text(raw)
        if text is None:
            out.append(None)
            continue
        code = index.code(text)
        if code is None and file_labels and text in file_labels:
            code = index.code(file_labels[text])
        out.append(code if code is not None else text)
    return pd.Series(out, index=series.index, dtype="string")


def _scan_labels(text: str, index: ChoiceIndex) -> tuple[list[str], list[str]]:
    """Split ``"A, B, free text"`` into option codes, matching longest labels first."""
    cell = " ".join(text.split())
    low = normalise(cell)
    if len(low) != len(cell):  # case folding changed the length: compare folded text only
        cell = low
    chosen: list[str] = []
    unknown: list[str] = []
    pos, end = 0, len(low)
    while pos < end:
        for label, code in index.longest_first:
            stop = pos + len(label)
            if low.startswith(label, pos) and (stop == end or low[stop] in ",;"):
                chosen.append(code)
                pos = stop
                break
        else:
            nxt = low.find(",", pos)
            stop = end if nxt < 0 else nxt
            unknown.append(cell[pos:stop].strip())
            pos = stop
        while pos < end and low[pos] in ",; ":
            pos += 1
    return chosen, [u for u in unknown if u]


def split_multiple(
    series: pd.Series, index: ChoiceIndex, options: Sequence[str]
) -> tuple[dict[str, pd.Series], pd.Series]:
    """One select_multiple column into 0/1 columns per option.

    A cell is read as space-separated codes (Kobo, ODK) when every token is a
    code, or when it has no comma and some tokens are codes (the others, codes
    of an older form version, are returned); else as labels joined by ``", "``
    (Google Forms), longest labels first so that labels containing commas
    survive. Parts that match no option are
    returned, joined by ``", "``, in the second result (``string``).

    Examples
    --------
    >>> from diagnosis.instrument import load_instrument
    >>> q = load_instrument("surveys/instruments/resident_survey.xlsx").question("skills")
    >>> cols, rest = split_multiple(
    ...     pd.Series(["email search", "Rozmowy wideo, gra w szachy", None]),
    ...     ChoiceIndex.of(q), q.choice_names())
    >>> cols["email"].tolist(), cols["videocall"].tolist(), rest.tolist()
    ([1, 0, <NA>], [0, 1, <NA>], [<NA>, 'gra w szachy', <NA>])
    """
    columns: dict[str, list[int | None]] = {o: [] for o in options}
    rest: list[str | None] = []
    for raw in series:
        text = as_text(raw)
        if text is None:
            for values in columns.values():
                values.append(None)
            rest.append(None)
            continue
        tokens = text.split()
        codes = [index.exact_code(t) for t in tokens]
        if all(c is not None for c in codes) or ("," not in text and any(codes)):
            chosen = [c for c in codes if c is not None]
            unknown = [" ".join(t for t, c in zip(tokens, codes, strict=True) if c is None)]
        else:
            chosen, unknown = _scan_labels(text, index)
        for option, values in columns.items():
            values.append(1 if option in chosen else 0)
        unknown = [u for u in unknown if u]
        rest.append(", ".join(unknown) if unknown else None)
    out = {o: pd.Series(v, index=series.index, dtype="Int8") for o, v in columns.items()}
    return out, pd.Series(rest, index=series.index, dtype="string")


def _option_cell(value: Any, own: frozenset[str]) -> tuple[int | None, bool]:
    """(0, 1 or None, was the value unexpected) for one cell of a split option column."""
    text = as_text(value)
    if text is None:
        return None, False
    key = normalise(text)
    if key in _FALSE:
        return 0, False
    if key in _TRUE or key in own:
        return 1, False
    return 1, True


def combine_options(
    columns: Mapping[str, pd.Series], question: Question
) -> tuple[dict[str, pd.Series], tuple[str, ...]]:
    """Split option columns (``q/opt``, ``q[opt]``) as 0/1 ``Int8`` columns.

    ``1``/``True``/``Y``/``x`` or the option's own code or label is chosen,
    ``0``/``False`` not chosen. Empty cells are "not chosen" when the
    respondent chose another option, else the whole question is NA (not
    asked, ``n/a``). Unexpected non-empty values count as chosen and are
    returned so the caller can warn.
    """
    own = {
        option: frozenset(
            {normalise(option)}
            | {
                normalise(label)
                for c in question.choices
                if c.name == option
                for label in c.labels.values()
            }
        )
        for option in columns
    }
    cells: dict[str, list[int | None]] = {}
    unexpected: list[str] = []
    for option, series in columns.items():
        parsed = [_option_cell(v, own[option]) for v in series]
        cells[option] = [v for v, _ in parsed]
        unexpected += [str(as_text(v)) for v, (_, odd) in zip(series, parsed, strict=True) if odd]
    n = len(next(iter(columns.values()))) if columns else 0
    for i in range(n):
        answered = any(cells[o][i] is not None for o in cells)
        for o in cells:
            if answered and cells[o][i] is None:
                cells[o][i] = 0
    index_ = next(iter(columns.values())).index if columns else pd.RangeIndex(0)
    out = {o: pd.Series(v, index=index_, dtype="Int8") for o, v in cells.items()}
    return out, tuple(dict.fromkeys(unexpected))
