"""Check a response frame against its questionnaire before any analysis.

:func:`validate` looks at a canonical frame (see :mod:`diagnosis.read.frame`)
with the :class:`~diagnosis.instrument.Instrument` it was collected with and
returns a :class:`ValidationReport`: one :class:`Finding` per problem, each
located (file, spreadsheet row, column, value) and explained in Polish and
English, saying what is wrong and what to do.

Severities
----------
``error``
    The data contradict the questionnaire (an answer that is not on the list,
    a number out of range, a repeated respondent id, a required question left
    empty); the analysis should not start until they are fixed.
``warning``
    Worth a look, the analysis can go on: unknown or missing columns, empty
    rows, and quality flags (straight-lining, implausibly fast completion,
    high item non-response).
``info``
    Nothing to do: technical export columns, missing metadata columns.

Every check is vectorised: the cost grows with the number of problems found,
not with a Python loop over respondents.

Examples
--------
>>> import pandas as pd
>>> from diagnosis.instrument import load_instrument
>>> ins = load_instrument("surveys/instruments/resident_survey.xlsx")
>>> data = pd.DataFrame(
...     {"sex": ["female", "kobieta"], "age_band": ["18_29", None]},
...     index=pd.Index([2, 3], name="row"), dtype="string",
... )
>>> report = validate(data, ins)
>>> report.ok
False
>>> [(f.code, f.row, f.column) for f in report.errors]
[('value_not_in_choices', 3, 'sex'), ('required_missing', 3, 'age_band')]
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..errors import Language
from ..instrument import Instrument, Question
from ..plurals import count
from ..read.frame import Responses
from .report import (
    _CODE_RANK,
    _SEVERITY_RANK,
    Finding,
    Severity,
    ValidationReport,
    _plural_pl,
)

__all__ = [
    "DUPLICATE_MIN_ANSWERS",
    "FIELDWORK_GRACE",
    "duplicate_texts",
    "local_times",
    "response_keys",
    "validate",
]


#: canonical metadata columns of the frame (never "unknown")
_METADATA_COLUMNS = ("respondent_id", "submitted_at", "started_at", "ended_at")
#: a question with this role lives in the frame under the metadata name
_ROLE_COLUMN = {"id": "respondent_id", "started_at": "started_at", "ended_at": "ended_at"}
#: question types that hold form metadata or computed values, not answers
_NOT_ANSWERS = frozenset(
    {
        "start", "end", "today", "deviceid", "subscriberid", "simserial", "phonenumber",
        "username", "email", "audit", "start-geopoint", "imei", "calculate", "hidden",
        "xml-external", "csv-external", "background-audio", "background-geopoint", "image",
        "audio", "video", "file", "geopoint", "geotrace", "geoshape", "barcode", "signature",
    }
)  # fmt: skip
_NUMERIC_TYPES = frozenset({"integer", "decimal", "range"})
#: share of unanswered questions above which a respondent or a question is flagged
_NONRESPONSE_SHARE = 0.5
#: a battery needs at least this many items for the straight-lining check
_BATTERY_MIN_ITEMS = 4
#: ... and its answer scale at least this many substantive options (yes/no lists are not batteries)
_BATTERY_MIN_SCALE = 3
#: the "too fast" threshold relative to the median duration
_FAST_SHARE = 1 / 3
#: durations needed before the median is trusted
_FAST_MIN_DURATIONS = 5
#: without a time stamp, two rows are one response entered twice only when they agree on
#: every question and at least this many questions are answered (on a shorter answer sheet
#: two people may well answer alike)
DUPLICATE_MIN_ANSWERS = 15
#: a response finished (``ended_at``, submission time) this long after the midnight that
#: closes the last fieldwork day still belongs to it: it began on the last evening
FIELDWORK_GRACE = pd.Timedelta(hours=6)
#: the time zone of the fieldwork dates in town.yaml (time stamps without one are taken as it)
_LOCAL_TZ = "Europe/Warsaw"
#: the time stamps of a response, in the order the fieldwork check prefers them: when the
#: interview took place, then when it ended, then when it reached the server
_TIME_ROLES = ("started_at", "ended_at", "submitted_at")
#: rows listed in a finding that sums up many rows
_ROWS_SHOWN = 10

# ----------------------------------------------------------------- validation


def validate(
    responses: Responses | pd.DataFrame,
    instrument: Instrument,
    *,
    min_seconds: float | None = None,
    fieldwork: tuple[dt.date | None, dt.date | None] | None = None,
) -> ValidationReport:
    """Check a response frame against its questionnaire.

    Parameters
    ----------
    responses : Responses or DataFrame
        The canonical frame from a reader, or a DataFrame that follows the
        same contract. A DataFrame's index is reported as the row number
        as it is (the readers make it the spreadsheet row).
    instrument : Instrument
        The questionnaire the data were collected with.
    min_seconds : float, optional
        Flag interviews shorter than this many seconds. By default an
        interview is flagged when it took under a third of the median
        duration (only when at least five durations are known).
    fieldwork : (date or None, date or None), optional
        The town's fieldwork start and end (``fieldwork:`` in town.yaml,
        both days included); responses dated outside are flagged.

    Returns
    -------
    ValidationReport

    Notes
    -----
    Checks and their severities:

    ==========================  ========  =====================================
    code                        severity  what
    ==========================  ========  =====================================
    ``duplicate_column``        error     the frame has the same column twice
    ``missing_column``          warning   a question has no column (``error``
                                          when it is required, ``info`` for
                                          metadata such as ``start``)
    ``unknown_column``          warning   a column is not in the questionnaire
                                          (``info`` for ``_``-prefixed export
                                          columns such as Kobo's ``_id``)
    ``value_not_in_choices``    error     a select_one answer not on its list,
                                          a select_multiple cell not 0/1
    ``not_a_number``            error     a numeric answer that is not a number
    ``not_an_integer``          error     a fraction in an integer question
    ``out_of_range``            error     outside ``minimum``/``maximum``
                                          (inclusive)
    ``too_many_choices``        warning   more options than ``max_choices``
    ``duplicate_id``            error     ``respondent_id`` repeated; every
                                          repeated row is listed
    ``required_missing``        error     a required question left empty
    ``empty_row``               warning   no answer at all
    ``straight_lining``         warning   the same answer to every answered
                                          item (at least 4) of a battery
    ``too_fast``                warning   implausibly short interview
    ``end_before_start``        warning   ``ended_at`` before ``started_at``
    ``outside_fieldwork``       warning   responses dated before the fieldwork
                                          start or after its end; one finding
                                          per file with the count and the
                                          first rows (see below)
    ``duplicate_response``      warning   rows that repeat an earlier row of
                                          the file (see below); one finding
                                          per file with the count and the
                                          first rows and their originals
    ``high_item_nonresponse``   warning   a respondent left more than half of
                                          the questions that applied to them
                                          unanswered, or a question was left
                                          unanswered by more than half
    ``read_warning``            warning   what the reader reported
    ==========================  ========  =====================================

    Unanswered means missing (NA or blank); "Trudno powiedzieć" is an answer.
    Open-text questions and metadata do not count towards item non-response.
    A question with a simple ``relevant`` expression (``${q} = 'v'``,
    ``!=``, ``<``, ``selected(${q}, 'v')``, joined by ``and``/``or``) counts
    only for respondents it applied to; a question whose expression cannot
    be read is left out of the required and non-response checks. Empty rows
    are left out of the per-respondent checks and the per-question rates.
    Batteries are constructs whose select_one items share one answer scale
    with at least three substantive options (so yes/no checklists are not).

    A response's date for ``outside_fieldwork`` is its ``started_at``, else
    ``ended_at``, else the submission time (``submitted_at``): the first of
    these columns the file has. It is taken in Polish time (a time stamp
    without a zone is taken as Polish time). Before the start day or after
    the end day is outside, except that an ``ended_at`` or submission time
    up to six hours (:data:`FIELDWORK_GRACE`) after the end day still counts:
    the survey was begun on the last evening.

    Two rows are the same response (``duplicate_response``; the rule is
    :func:`response_keys`, the same one the cleaning step
    ``drop_duplicate_responses`` applies) when they have the same time
    stamps and the same answer to every question, or, without a time stamp,
    the same answer to every question with at least
    :data:`DUPLICATE_MIN_ANSWERS` questions answered.

    Examples
    --------
    >>> import pandas as pd
    >>> from diagnosis.instrument import load_instrument
    >>> ins = load_instrument("surveys/instruments/resident_survey.xlsx")
    >>> data = pd.DataFrame({"sex": ["female"], "age_band": ["18_29"], "trust": [12]},
    ...                     index=pd.Index([2], name="row"))
    >>> report = validate(data, ins)
    >>> [(f.code, f.row, f.column, f.value) for f in report.errors]
    [('out_of_range', 2, 'trust', 12)]
    >>> print(report.errors[0].message("en"))  # doctest: +ELLIPSIS
    row 2, column 'trust' (value '12'): This number is outside the range ... from 0 to 10. ...
    """
    if isinstance(responses, Responses):
        data = responses.data
        file: str | None = responses.path.name if responses.path is not None else None
        headers = {h.column: h.source for h in responses.headers if h.column is not None}
        read_warnings = tuple(responses.warnings)
    elif isinstance(responses, pd.DataFrame):
        data, file, headers, read_warnings = responses, None, {}, ()
    else:
        raise TypeError(
            f"responses must be a Responses or a pandas DataFrame, not {type(responses).__name__}"
        )
    if not isinstance(instrument, Instrument):
        raise TypeError(f"instrument must be an Instrument, not {type(instrument).__name__}")
    if min_seconds is not None and not (min_seconds >= 0):
        raise ValueError(f"min_seconds must be a non-negative number, not {min_seconds!r}")

    if fieldwork is not None:
        if not (isinstance(fieldwork, tuple) and len(fieldwork) == 2):
            raise TypeError("fieldwork must be a (start, end) pair of dates or None")
        for day in fieldwork:
            if day is not None and not isinstance(day, dt.date):
                raise TypeError(f"fieldwork dates must be datetime.date or None, not {day!r}")

    checker = _Checker(data, instrument, file, headers)
    found = checker.run(min_seconds, fieldwork)
    found += [
        Finding(code="read_warning", severity="warning", file=file, pl=pl, en=en)
        for pl, en in read_warnings
    ]
    return ValidationReport(findings=_sorted(found, data.index), file=file, n_rows=len(data))


def _sorted(findings: list[Finding], index: pd.Index) -> tuple[Finding, ...]:
    position = {row: i for i, row in enumerate(index)}
    big = len(position) + 1

    def key(f: Finding) -> tuple[int, int, int]:
        row = -1 if f.row is None else position.get(f.row, big)
        return (_SEVERITY_RANK[f.severity], _CODE_RANK.get(f.code, len(_CODE_RANK)), row)

    return tuple(sorted(findings, key=key))  # stable: column order kept within a row


class _Checker:
    """Holds the frame, the instrument and shared masks while the checks run."""

    def __init__(
        self, data: pd.DataFrame, instrument: Instrument, file: str | None, headers: dict
    ) -> None:
        self.instrument = instrument
        self.file = file
        self.headers = headers
        self.findings: list[Finding] = []
        columns = pd.Index([str(c) for c in data.columns])
        duplicated = columns.duplicated()
        for name in dict.fromkeys(columns[duplicated]):
            self.add(
                "duplicate_column",
                "error",
                column=name,
                pl="Kolumna o tej nazwie występuje w pliku więcej niż raz; sprawdzono tylko "
                "pierwszą z nich. Zmień nazwę albo usuń powtórzoną kolumnę.",
                en="The file has more than one column with this name; only the first was "
                "checked. Rename or delete the repeated column.",
            )
        self.data = data.set_axis(columns, axis=1).loc[:, ~duplicated]
        self.index = self.data.index
        self.n = len(self.data)
        self.present_cache: dict[str, np.ndarray] = {}
        self.binary_cache: dict[str, np.ndarray] = {}
        self.codes_cache: dict[str, pd.Series] = {}
        self.applies_cache: dict[str, np.ndarray | None] = {}
        #: question name -> column holding it (single-column questions)
        self.column_of: dict[str, str] = {}
        #: question name -> option columns present (select_multiple)
        self.options_of: dict[str, list[str]] = {}
        for q in instrument.questions:
            if q.is_multiple:
                cols = [c for c in q.columns() if c in self.data.columns]
                if cols:
                    self.options_of[q.name] = cols
            else:
                for candidate in (q.name, _ROLE_COLUMN.get(q.role or "")):
                    if candidate and candidate in self.data.columns:
                        self.column_of[q.name] = candidate
                        break
        self.answers = [q for q in instrument.questions if _is_answer(q)]

    # ------------------------------------------------------------- helpers

    def add(self, code: str, severity: Severity, **fields: Any) -> None:
        self.findings.append(Finding(code=code, severity=severity, file=self.file, **fields))

    def add_cells(
        self,
        code: str,
        severity: Severity,
        column: str | None,
        mask: np.ndarray,
        values: Sequence[Any] | None,
        texts: Callable[[Any], tuple[str, str]],
    ) -> None:
        """One finding per True cell of ``mask``; ``texts(value)`` gives (pl, en)."""
        rows = self.index[mask].tolist()
        vals = list(values) if values is not None else [None] * len(rows)
        memo: dict[Any, tuple[str, str]] = {}
        for row, value in zip(rows, vals, strict=True):
            key = _hashable(value)
            if key not in memo:
                memo[key] = texts(value)
            pl, en = memo[key]
            self.findings.append(
                Finding(
                    code=code,
                    severity=severity,
                    file=self.file,
                    row=_py(row),
                    column=column,
                    value=_py(value),
                    pl=pl,
                    en=en,
                )
            )

    def present(self, column: str) -> np.ndarray:
        """True where ``column`` holds something (not NA, not blank text)."""
        if column not in self.present_cache:
            self.present_cache[column] = _present(self.data[column])
        return self.present_cache[column]

    def answered(self, q: Question) -> np.ndarray | None:
        """True where ``q`` was answered; None when its column is missing."""
        if q.is_multiple:
            cols = self.options_of.get(q.name)
            if not cols:
                return None
            return np.logical_or.reduce([self.present(c) for c in cols])
        col = self.column_of.get(q.name)
        return None if col is None else self.present(col)

    def codes(self, column: str) -> pd.Series:
        """The column as normalised code text (NA where not present)."""
        if column not in self.codes_cache:
            self.codes_cache[column] = _codes(self.data[column], self.present(column))
        return self.codes_cache[column]

    def binary(self, column: str) -> np.ndarray:
        """An option column as float 1/0 (NaN where missing or not 0/1)."""
        if column not in self.binary_cache:
            s = self.data[column]
            present = self.present(column)
            num = _numbers(s, present)
            num[~np.isin(num, (0.0, 1.0))] = np.nan
            self.binary_cache[column] = num
        return self.binary_cache[column]

    # ------------------------------------------------------------ the run

    def run(
        self,
        min_seconds: float | None,
        fieldwork: tuple[dt.date | None, dt.date | None] | None = None,
    ) -> list[Finding]:
        self.check_columns()
        for q in self.answers:
            if q.type == "select_one":
                self.check_select_one(q)
            elif q.is_multiple:
                self.check_select_multiple(q)
            elif q.type in _NUMERIC_TYPES:
                self.check_numeric(q)
        self.check_duplicate_ids()
        empty = self.check_empty_rows()
        self.check_required(empty)
        self.check_straight_lining()
        self.check_duration(min_seconds, empty)
        if fieldwork is not None:
            self.check_fieldwork(*fieldwork, empty)
        self.check_duplicate_responses()
        self.check_nonresponse(empty)
        return self.findings

    def check_columns(self) -> None:
        known = set(_METADATA_COLUMNS) | set(self.instrument.columns())
        for q in self.instrument.questions:
            if q.role in _ROLE_COLUMN:
                known.add(_ROLE_COLUMN[q.role])
        for col in self.data.columns:
            if col in known:
                continue
            source = self.headers.get(col)
            shown = source if source is not None and source != col else None
            if str(source if source is not None else col).startswith("_"):
                self.add(
                    "unknown_column",
                    "info",
                    column=col,
                    value=shown,
                    pl="To techniczna kolumna eksportu (np. z KoboToolbox), której nie ma w "
                    "kwestionariuszu; analiza ją pominie. Nic nie trzeba robić.",
                    en="This is a technical export column (e.g. from KoboToolbox) that is not "
                    "in the questionnaire; the analysis will skip it. Nothing needs to be done.",
                )
                continue
            self.add(
                "unknown_column",
                "warning",
                column=col,
                value=shown,
                pl="Tej kolumny nie ma w kwestionariuszu, więc analiza jej nie użyje. Jeśli to "
                "pytanie z kwestionariusza zapisane pod inną nazwą, popraw nagłówek w pliku "
                "albo dodaj pytanie do formularza; w przeciwnym razie nic nie trzeba robić.",
                en="This column is not in the questionnaire, so the analysis will not use it. "
                "If it is a questionnaire question under another name, fix the header in the "
                "file or add the question to the form; otherwise nothing needs to be done.",
            )
        for q in self.instrument.questions:
            if q.is_multiple:
                self._missing_options(q)
            elif q.name not in self.column_of:
                self._missing_column(q)

    def _missing_column(self, q: Question) -> None:
        pl_label, en_label = _quoted(q, "pl"), _quoted(q, "en")
        if not _is_answer(q):
            if q.role in ("started_at", "ended_at") or q.type in ("start", "end"):
                pl_tail = "nie da się więc sprawdzić, jak długo wypełniano ankiety."
                en_tail = "so the time taken to fill in the survey cannot be checked."
            else:
                pl_tail = "to dane techniczne, analiza obejdzie się bez nich."
                en_tail = "this is technical data, the analysis can do without it."
            self.add(
                "missing_column",
                "info",
                column=q.name,
                pl=f"W pliku nie ma kolumny '{q.name}' z kwestionariusza; {pl_tail} "
                "Nic nie trzeba robić.",
                en=f"The file has no column '{q.name}' from the questionnaire; {en_tail} "
                "Nothing needs to be done.",
            )
            return
        if q.required and q.role == "weighting":
            self.add(
                "missing_column",
                "error",
                column=q.name,
                pl=f"W pliku nie ma kolumny z odpowiedziami na obowiązkowe pytanie {pl_label}, "
                "a bez niej analiza nie może się odbyć. Dodaj tę kolumnę do pliku albo, jeśli "
                f"jest w nim pod inną nazwą, zmień jej nagłówek na '{q.name}'.",
                en=f"The file has no column with answers to the required question {en_label}, "
                "and the analysis cannot go on without it. Add the column to the file or, if "
                f"it is there under another name, rename its header to '{q.name}'.",
            )
            return
        self.add(
            "missing_column",
            "warning",
            column=q.name,
            pl=f"W pliku nie ma kolumny z odpowiedziami na pytanie {pl_label}, więc analiza je "
            "pominie. Jeśli kolumna jest w pliku pod inną nazwą, zmień jej nagłówek na "
            f"'{q.name}'.",
            en=f"The file has no column with answers to the question {en_label}, so the "
            "analysis will leave it out. If the column is in the file under another name, "
            f"rename its header to '{q.name}'.",
        )

    def _missing_options(self, q: Question) -> None:
        present = self.options_of.get(q.name)
        if not present:
            self._missing_column(q)
            return
        for choice, col in zip(q.choices, q.columns(), strict=True):
            if col in present:
                continue
            self.add(
                "missing_column",
                "warning",
                column=col,
                pl=f"W pliku nie ma kolumny dla odpowiedzi „{choice.label('pl')}” w pytaniu "
                f"{_quoted(q, 'pl')}; analiza przyjmie, że nikt jej nie zaznaczył. Jeśli ta "
                f"odpowiedź była w ankiecie, dodaj kolumnę '{col}' (1 = zaznaczona, "
                "0 = niezaznaczona).",
                en=f"The file has no column for the option “{choice.label('en')}” of the "
                f"question {_quoted(q, 'en')}; the analysis will assume nobody chose it. If the "
                f"option was in the survey, add the column '{col}' (1 = chosen, 0 = not chosen).",
            )

    def check_select_one(self, q: Question) -> None:
        col = self.column_of.get(q.name)
        if col is None or not q.choices:
            return
        codes = self.codes(col)
        valid = set(q.choice_names())
        bad = (~codes.isin(valid)).to_numpy(dtype=bool) & self.present(col)
        if not bad.any():
            return
        hints = _choice_hints(q)
        allowed_pl = _allowed(q, "pl")
        allowed_en = _allowed(q, "en")

        def texts(value: Any) -> tuple[str, str]:
            pl = (
                f"Tej odpowiedzi nie ma na liście odpowiedzi pytania {_quoted(q, 'pl')}. "
                f"Dozwolone kody: {allowed_pl}."
            )
            en = (
                f"This answer is not on the list of choices of the question {_quoted(q, 'en')}. "
                f"Allowed codes: {allowed_en}."
            )
            hint = hints.get(_code_text(value).casefold())
            if hint is not None:
                pl += f" Wygląda to na odpowiedź „{hint[1]}”, której kod to '{hint[0]}'."
                en += f" It looks like the answer “{hint[2]}”, whose code is '{hint[0]}'."
            pl += (
                " Popraw wpis w pliku albo usuń go, jeśli nie da się ustalić właściwej odpowiedzi."
            )
            en += " Correct the entry in the file, or delete it if the right answer cannot be told."
            return pl, en

        self.add_cells("value_not_in_choices", "error", col, bad, self.data[col][bad], texts)

    def check_select_multiple(self, q: Question) -> None:
        cols = self.options_of.get(q.name)
        if not cols:
            return
        by_col = dict(zip(q.columns(), q.choices, strict=True))
        for col in cols:
            choice = by_col[col]
            bad = self.present(col) & np.isnan(self.binary(col))
            if not bad.any():
                continue
            pl = (
                f"W kolumnie odpowiedzi „{choice.label('pl')}” pytania {_quoted(q, 'pl')} może "
                "być tylko 1 (zaznaczona), 0 (niezaznaczona) albo puste pole, gdy nie było "
                "odpowiedzi na pytanie. Popraw wpis w pliku."
            )
            en = (
                f"The column of the option “{choice.label('en')}” of the question "
                f"{_quoted(q, 'en')} may hold only 1 (chosen), 0 (not chosen) or an empty cell "
                "when the question was not answered. Correct the entry in the file."
            )
            self.add_cells(
                "value_not_in_choices", "error", col, bad, self.data[col][bad], _fixed(pl, en)
            )
        if q.max_choices is None:
            return
        chosen = np.nansum(np.column_stack([self.binary(c) for c in cols]), axis=1)
        over = chosen > q.max_choices
        if not over.any():
            return
        m = q.max_choices

        def texts(k: Any) -> tuple[str, str]:
            return (
                f"Zaznaczono {int(k)} {_plural_pl(int(k), 'odpowiedź', 'odpowiedzi', 'odpowiedzi')}"
                f" w pytaniu {_quoted(q, 'pl')}, a można najwyżej {m}. Sprawdź ankietę; jeśli "
                "tak odpowiedziała osoba badana, ustal w zespole, czy zostawić wszystkie "
                "zaznaczenia, czy pominąć tę odpowiedź.",
                f"{int(k)} options were chosen in the question {_quoted(q, 'en')}, but at most "
                f"{m} are allowed. Check the questionnaire; if that is what the respondent "
                "answered, agree in the team whether to keep all the choices or leave the "
                "answer out.",
            )

        self.add_cells(
            "too_many_choices", "warning", q.name, over, chosen[over].astype(int).tolist(), texts
        )

    def check_numeric(self, q: Question) -> None:
        col = self.column_of.get(q.name)
        if col is None:
            return
        s = self.data[col]
        present = self.present(col)
        num = _numbers(s, present)
        not_number = present & ~np.isfinite(num)
        range_pl, range_en = _range_text(q, "pl"), _range_text(q, "en")
        if not_number.any():
            pl = (
                f"To nie jest liczba, a pytanie {_quoted(q, 'pl')} wymaga liczby{range_pl}. "
                "Popraw wpis w pliku albo usuń go, jeśli nie da się ustalić właściwej wartości."
            )
            en = (
                f"This is not a number, but the question {_quoted(q, 'en')} needs a "
                f"number{range_en}. Correct the entry in the file, or delete it if the right "
                "value cannot be told."
            )
            self.add_cells("not_a_number", "error", col, not_number, s[not_number], _fixed(pl, en))
        finite = np.isfinite(num)
        if q.type == "integer":
            fraction = finite & (np.mod(np.where(finite, num, 0.0), 1.0) != 0)
            if fraction.any():
                pl = (
                    f"Pytanie {_quoted(q, 'pl')} wymaga liczby całkowitej{range_pl}, bez części "
                    "ułamkowej. Popraw wpis w pliku."
                )
                en = (
                    f"The question {_quoted(q, 'en')} needs a whole number{range_en}, without "
                    "a fraction. Correct the entry in the file."
                )
                self.add_cells(
                    "not_an_integer", "error", col, fraction, s[fraction], _fixed(pl, en)
                )
        if q.minimum is None and q.maximum is None:
            return
        low = -math.inf if q.minimum is None else q.minimum
        high = math.inf if q.maximum is None else q.maximum
        with np.errstate(invalid="ignore"):
            out = finite & ((num < low) | (num > high))
        if out.any():
            pl = (
                f"Ta liczba jest poza zakresem pytania {_quoted(q, 'pl')}: dozwolone są "
                f"wartości{range_pl}. Popraw wpis w pliku albo usuń go, jeśli nie da się "
                "ustalić właściwej wartości."
            )
            en = (
                f"This number is outside the range of the question {_quoted(q, 'en')}: allowed "
                f"are values{range_en}. Correct the entry in the file, or delete it if the "
                "right value cannot be told."
            )
            self.add_cells("out_of_range", "error", col, out, s[out], _fixed(pl, en))

    def check_duplicate_ids(self) -> None:
        if "respondent_id" not in self.data.columns:
            return
        present = self.present("respondent_id")
        codes = self.codes("respondent_id")
        repeated = codes.duplicated(keep=False).to_numpy(dtype=bool) & present
        if not repeated.any():
            return
        rows_of: dict[str, list[Any]] = {}
        for row, code in zip(self.index[repeated], codes[repeated], strict=True):
            rows_of.setdefault(code, []).append(_py(row))

        def texts(value: Any) -> tuple[str, str]:
            rows = rows_of[_code_text(value)]
            listed_pl, listed_en = _join(rows, "pl"), _join(rows, "en")
            return (
                f"Ten sam identyfikator ankiety jest w {len(rows)} wierszach: {listed_pl}. "
                "Sprawdź, czy to ta sama ankieta wczytana kilka razy; jeśli tak, zostaw jeden "
                "wiersz i usuń pozostałe, a jeśli to różne ankiety, nadaj im różne "
                "identyfikatory.",
                f"The same respondent id is in {len(rows)} rows: {listed_en}. Check whether it "
                "is one questionnaire entered more than once; if so, keep one row and delete "
                "the others, and if they are different questionnaires, give them different ids.",
            )

        col = "respondent_id"
        self.add_cells("duplicate_id", "error", col, repeated, self.data[col][repeated], texts)

    def answer_matrix(self) -> tuple[list[Question], np.ndarray] | None:
        """Answer questions with data, and an (n, k) boolean 'answered' matrix."""
        qs, cols = [], []
        for q in self.answers:
            answered = self.answered(q)
            if answered is not None:
                qs.append(q)
                cols.append(answered)
        if not qs:
            return None
        return qs, np.column_stack(cols)

    def check_empty_rows(self) -> np.ndarray:
        matrix = self.answer_matrix()
        if matrix is None:
            return np.zeros(self.n, dtype=bool)
        empty = ~matrix[1].any(axis=1)
        if empty.any():
            self.add_cells(
                "empty_row",
                "warning",
                None,
                empty,
                None,
                lambda _: (
                    "W tym wierszu nie ma żadnej odpowiedzi. Usuń go z pliku; analiza i tak go "
                    "pominie.",
                    "This row holds no answers at all. Delete it from the file; the analysis "
                    "will skip it anyway.",
                ),
            )
        return empty

    def applies(self, q: Question) -> np.ndarray | None:
        """Where ``q`` applied to the respondent (its ``relevant``); None if unknown."""
        if not q.relevant:
            return np.ones(self.n, dtype=bool)
        if q.name not in self.applies_cache:
            self.applies_cache[q.name] = _Relevance(self).evaluate(q.relevant)
        return self.applies_cache[q.name]

    def check_required(self, empty: np.ndarray) -> None:
        for q in self.answers:
            if not q.required:
                continue
            answered = self.answered(q)
            applies = self.applies(q)
            if answered is None or applies is None:
                continue
            gap = applies & ~answered & ~empty
            if not gap.any():
                continue
            column = self.column_of.get(q.name, q.name)
            pl = (
                f"Brak odpowiedzi na obowiązkowe pytanie {_quoted(q, 'pl')}. Uzupełnij ją na "
                "podstawie ankiety (np. papierowej); jeśli nie da się jej ustalić, usuń ten "
                "wiersz, bo bez tej odpowiedzi ankieta nie może wejść do analizy."
            )
            en = (
                f"The required question {_quoted(q, 'en')} has no answer. Fill it in from the "
                "questionnaire (e.g. the paper form); if it cannot be found, delete the row, "
                "because the analysis cannot use a questionnaire without this answer."
            )
            self.add_cells("required_missing", "error", column, gap, None, _fixed(pl, en))

    def check_straight_lining(self) -> None:
        for construct in self.instrument.constructs:
            items = [
                q
                for q in self.instrument.by_construct(construct)
                if q.type == "select_one" and q.name in self.column_of
            ]
            lists = {q.list_name for q in items}
            if len(items) < _BATTERY_MIN_ITEMS or len(lists) != 1:
                continue
            scale = items[0].choices
            if sum(not c.missing for c in scale) < _BATTERY_MIN_SCALE:
                continue
            # one integer per answer code across the battery; -1 = not answered
            stacked = pd.concat([self.codes(self.column_of[q.name]) for q in items])
            ids, uniques = pd.factorize(stacked, use_na_sentinel=True)
            matrix = ids.reshape(len(items), self.n).T
            answered = matrix >= 0
            highest = np.where(answered, matrix, -1).max(axis=1)
            lowest = np.where(answered, matrix, len(uniques)).min(axis=1)
            flagged = (highest == lowest) & (answered.sum(axis=1) >= _BATTERY_MIN_ITEMS)
            if not flagged.any():
                continue
            names = [q.name for q in items]
            span = f"{names[0]} … {names[-1]}"
            reverse = [q.name for q in items if q.reverse]
            labels = {c.name: (c.label("pl"), c.label("en")) for c in scale}

            def texts(
                code: Any,
                construct: str = construct,
                span: str = span,
                reverse: list[str] = reverse,
                labels: dict[str, tuple[str, str]] = labels,
            ) -> tuple[str, str]:
                label_pl, label_en = labels.get(code, (code, code))
                pl = (
                    f"Na każde z pytań baterii '{construct}' ({span}), na które padła "
                    f"odpowiedź, wybrano to samo: „{label_pl}” ({code})."
                )
                en = (
                    f"Every answered question of the battery '{construct}' ({span}) got the "
                    f"same answer: “{label_en}” ({code})."
                )
                if reverse:
                    pl += (
                        f" Pytanie {', '.join(reverse)} ma odwrotny sens niż pozostałe, więc "
                        "taka sama odpowiedź na wszystkie jest sprzeczna."
                    )
                    en += (
                        f" The question {', '.join(reverse)} is worded the opposite way to the "
                        "others, so the same answer to all of them is contradictory."
                    )
                pl += (
                    " Może to oznaczać odpowiadanie bez czytania pytań. Przejrzyj tę ankietę; "
                    "jeśli uznasz ją za niewiarygodną, usuń wiersz."
                )
                en += (
                    " This may mean answering without reading the questions. Look through "
                    "this questionnaire; if you judge it unreliable, delete the row."
                )
                return pl, en

            self.add_cells(
                "straight_lining",
                "warning",
                None,
                flagged,
                [str(uniques[i]) for i in highest[flagged]],
                texts,
            )

    def _times(self, role: str) -> pd.Series | None:
        col = role if role in self.data.columns else None
        if col is None:
            for q in self.instrument.by_role(role):
                col = self.column_of.get(q.name)
                if col is not None:
                    break
        if col is None:
            return None
        return _utc(self.data[col])

    def check_duration(self, min_seconds: float | None, empty: np.ndarray) -> None:
        start, end = self._times("started_at"), self._times("ended_at")
        if start is None or end is None:
            return
        seconds = (end - start).dt.total_seconds().to_numpy(dtype=float, na_value=np.nan)
        known = np.isfinite(seconds) & ~empty
        backwards = known & (seconds < 0)
        if backwards.any():
            self.add_cells(
                "end_before_start",
                "warning",
                None,
                backwards,
                None,
                lambda _: (
                    "Czas zakończenia ankiety jest wcześniejszy niż czas jej rozpoczęcia, więc "
                    "nie da się policzyć, jak długo ją wypełniano. Sprawdź zegar urządzenia, na "
                    "którym zbierano ankiety; odpowiedzi można zostawić.",
                    "The survey's end time is earlier than its start time, so the time taken "
                    "cannot be worked out. Check the clock of the device used to collect the "
                    "surveys; the answers can stay.",
                ),
            )
        valid = known & (seconds >= 0)
        if min_seconds is not None:
            threshold = float(min_seconds)
            median = None
        else:
            if valid.sum() < _FAST_MIN_DURATIONS:
                return
            median = float(np.median(seconds[valid]))
            threshold = median * _FAST_SHARE
        fast = valid & (seconds < threshold)
        if not fast.any():
            return

        def texts(value: Any) -> tuple[str, str]:
            took_pl, took_en = _duration(value, "pl"), _duration(value, "en")
            if median is None:
                why_pl = f"krócej niż przyjęte minimum ({_duration(threshold, 'pl')})"
                why_en = f"less than the set minimum ({_duration(threshold, 'en')})"
            else:
                why_pl = (
                    f"krócej niż jedna trzecia typowego czasu (mediana: {_duration(median, 'pl')})"
                )
                why_en = (
                    f"less than a third of the typical time (median: {_duration(median, 'en')})"
                )
            return (
                f"Ankietę wypełniono w {took_pl}, czyli {why_pl}. Tak krótki czas może "
                "oznaczać odpowiadanie bez czytania pytań. Przejrzyj odpowiedzi; jeśli "
                "wyglądają na przypadkowe, usuń wiersz.",
                f"The survey was filled in in {took_en}, {why_en}. So short a time may mean "
                "answering without reading the questions. Look through the answers; if they "
                "look random, delete the row.",
            )

        self.add_cells(
            "too_fast", "warning", None, fast, np.round(seconds[fast]).astype(int).tolist(), texts
        )

    def time_column(self, role: str) -> str | None:
        """The column holding the time stamp ``role`` (a metadata name or a question's role)."""
        if role in self.data.columns:
            return role
        for q in self.instrument.by_role(role):
            col = self.column_of.get(q.name)
            if col is not None:
                return col
        return None

    def check_fieldwork(
        self, start: dt.date | None, end: dt.date | None, empty: np.ndarray
    ) -> None:
        if start is None and end is None:
            return
        role = col = None
        for candidate in _TIME_ROLES:
            col = self.time_column(candidate)
            if col is not None and local_times(self.data[col]).notna().any():
                role = candidate
                break
        if role is None or col is None:
            return
        local = local_times(self.data[col])
        known = local.notna().to_numpy(dtype=bool) & ~empty
        before = np.zeros(self.n, dtype=bool)
        after = np.zeros(self.n, dtype=bool)
        if start is not None:
            before = known & (local < pd.Timestamp(start)).to_numpy(dtype=bool, na_value=False)
        if end is not None:
            limit = pd.Timestamp(end) + pd.Timedelta(days=1)
            if role != "started_at":
                limit += FIELDWORK_GRACE
            after = known & (local >= limit).to_numpy(dtype=bool, na_value=False)
        outside = before | after
        k = int(outside.sum())
        if not k:
            return
        rows = self.index[outside].tolist()
        where = np.flatnonzero(outside)[:_ROWS_SHOWN]
        shown = [
            f"{_py(row)} ({_stamp(local.iloc[i])})"
            for row, i in zip(rows[:_ROWS_SHOWN], where, strict=True)
        ]
        rest = k - len(shown)
        period_pl = _period(start, end, "pl")
        period_en = _period(start, end, "en")
        parts_pl, parts_en = [], []
        if before.any():
            n_before = int(before.sum())
            parts_pl.append(f"{count(n_before, 'ankieta', 'ankiety', 'ankiet')} sprzed początku")
            parts_en.append(f"{count(n_before, 'response', 'responses')} before the start")
        if after.any():
            n_after = int(after.sum())
            parts_pl.append(f"{count(n_after, 'ankieta', 'ankiety', 'ankiet')} po końcu")
            parts_en.append(f"{count(n_after, 'response', 'responses')} after the end")
        listed_pl = ", ".join(shown) + (
            f" i jeszcze {count(rest, 'wiersz', 'wiersze', 'wierszy')}" if rest else ""
        )
        listed_en = ", ".join(shown) + (
            f" and {count(rest, 'more row', 'more rows')}" if rest else ""
        )
        what_pl = {
            "started_at": "rozpoczęcia ankiety",
            "ended_at": "zakończenia ankiety",
            "submitted_at": "przesłania ankiety",
        }[role]
        what_en = {
            "started_at": "start",
            "ended_at": "end",
            "submitted_at": "submission time",
        }[role]
        first = outside.argmax()
        self.add(
            "outside_fieldwork",
            "warning",
            row=_py(self.index[first]),
            column=col,
            value=_stamp(local.iloc[first]),
            pl=f"Data {what_pl} poza okresem badania (fieldwork w town.yaml: {period_pl}): "
            f"{count(k, 'ankieta', 'ankiety', 'ankiet')}, w tym {' i '.join(parts_pl)}. "
            f"Wiersze (data i godzina czasu polskiego): {listed_pl}. Sprawdź, czy to ankiety "
            "testowe sprzed startu albo spóźnione odpowiedzi (wtedy usuń te wiersze), czy "
            "zegar urządzenia był źle ustawiony, czy daty fieldwork w town.yaml są dobre. "
            "Analiza liczy te ankiety, dopóki ich nie usuniesz.",
            en=f"The survey {what_en} is outside the fieldwork period (fieldwork in town.yaml: "
            f"{period_en}): {count(k, 'response', 'responses')}, {' and '.join(parts_en)}. "
            f"Rows (date and time in Polish time): {listed_en}. Check whether these are test "
            "responses from before the start or late answers (then delete the rows), whether "
            "the device's clock was wrong, or whether the fieldwork dates in town.yaml are "
            "right. The analysis counts these responses until you delete them.",
        )

    def response_keys(self) -> pd.Series:
        """Per row, what two copies of one response share (NA: the row is not compared).

        The key holds every time stamp of the row given to the second or finer
        (``submitted_at``, ``started_at``, ``ended_at``; a value at exactly
        midnight is a date without a time and does not count) and the answer
        to every question of the questionnaire (every option of a
        select_multiple; codes as text, so ``1``, ``1.0`` and ``"1"`` agree; an
        empty cell and a missing column agree). Respondent ids and columns
        that are not in the questionnaire are left out. A row is compared when
        it has a time stamp and at least one answer, or when it has no time
        stamp and answers at least :data:`DUPLICATE_MIN_ANSWERS` questions.
        """
        pieces: dict[str, pd.Series] = {}
        answered = np.zeros(self.n, dtype=int)
        for q in self.answers:
            a = self.answered(q)
            if a is None:
                continue
            answered += a
            cols = self.options_of[q.name] if q.is_multiple else [self.column_of[q.name]]
            for col in cols:
                pieces[f"a:{col}"] = self.codes(col)
        timed = np.zeros(self.n, dtype=bool)
        for role in _TIME_ROLES:
            col = self.time_column(role)
            if col is None:
                continue
            utc, has_time = _moments(self.data[col])
            timed |= has_time
            text = pd.Series(
                utc.dt.strftime("%Y-%m-%dT%H:%M:%S.%f").to_numpy(dtype=object, na_value=None),
                index=self.index,
                dtype="string",
            )
            pieces[f"t:{role}"] = text.where(has_time, pd.NA)
        key = pd.Series("", index=self.index, dtype="string")
        for name in sorted(pieces):
            value = pieces[name]
            key = key + ("\x1f" + name + "=" + value).fillna("")
        eligible = (answered > 0) & (timed | (answered >= DUPLICATE_MIN_ANSWERS))
        return key.where(eligible, pd.NA)

    def check_duplicate_responses(self) -> None:
        keys = self.response_keys()
        repeated = keys.duplicated(keep="first").to_numpy(dtype=bool) & keys.notna().to_numpy(
            dtype=bool
        )
        k = int(repeated.sum())
        if not k:
            return
        first_row = {}
        for row, key in zip(self.index, keys, strict=True):
            if key is not pd.NA and key not in first_row:
                first_row[key] = _py(row)
        pairs = [
            (_py(row), first_row[key])
            for row, key in zip(self.index[repeated], keys[repeated], strict=True)
        ]
        timed = all("\x1ft:" in key for key in keys[repeated])
        self.add(
            "duplicate_response",
            "warning",
            row=pairs[0][0],
            value=k,
            **duplicate_texts(k, pairs, None, timed),
        )

    def check_nonresponse(self, empty: np.ndarray) -> None:
        counted = [q for q in self.answers if q.type != "text" and q.role != "open_text"]
        qs, answered, applies = [], [], []
        for q in counted:
            a, r = self.answered(q), self.applies(q)
            if a is None or r is None:
                continue
            qs.append(q)
            answered.append(a)
            applies.append(r)
        if not qs:
            return
        answered_m = np.column_stack(answered)
        applies_m = np.column_stack(applies) & ~empty[:, None]
        gaps = applies_m & ~answered_m

        n_applies = applies_m.sum(axis=1)
        n_gaps = gaps.sum(axis=1)
        flagged = (n_applies > 0) & (n_gaps > _NONRESPONSE_SHARE * n_applies)
        if flagged.any():

            def person(value: Any) -> tuple[str, str]:
                k, n = (int(x) for x in value.split("/"))
                pct = _percent(k / n)
                return (
                    f"Ta osoba nie odpowiedziała na {k} z {n} pytań, które jej dotyczyły "
                    f"({pct}). Sprawdź, czy ankieta nie została przerwana albo źle wpisana; "
                    "jeśli odpowiedzi jest za mało, by ją wykorzystać, usuń wiersz.",
                    f"This respondent left {k} of the {n} questions that applied to them "
                    f"unanswered ({pct}). Check that the questionnaire was not broken off or "
                    "entered wrongly; if there are too few answers to use it, delete the row.",
                )

            values = [f"{k}/{n}" for k, n in zip(n_gaps[flagged], n_applies[flagged], strict=True)]
            self.add_cells("high_item_nonresponse", "warning", None, flagged, values, person)

        per_q_applies = applies_m.sum(axis=0)
        per_q_gaps = gaps.sum(axis=0)
        for q, n, k in zip(qs, per_q_applies, per_q_gaps, strict=True):
            if n == 0 or k <= _NONRESPONSE_SHARE * n:
                continue
            pct = _percent(k / n)
            whom_pl = ", spośród osób, których dotyczyło" if q.relevant else ""
            whom_en = " of those it applied to" if q.relevant else ""
            self.add(
                "high_item_nonresponse",
                "warning",
                column=self.column_of.get(q.name, q.name),
                value=pct,
                pl=f"Na pytanie {_quoted(q, 'pl')} nie odpowiedziało {pct} osób ({k} z {n}"
                f"{whom_pl}). Wyniki dla tego pytania będą mniej pewne; sprawdź, czy kolumna "
                "została dobrze wczytana i czy pytanie było zrozumiałe.",
                en=f"The question {_quoted(q, 'en')} was left unanswered by {pct} of "
                f"respondents ({k} of {n}{whom_en}). Its results will be less certain; check "
                "that the column was read correctly and that the question was clear.",
            )


# ---------------------------------------------------------------- duplicates


def response_keys(data: pd.DataFrame, instrument: Instrument) -> pd.Series:
    """Per row of ``data``, what two copies of one response share; NA where not compared.

    Two rows with equal keys are the same response (the rule of
    ``duplicate_response`` and of the cleaning step
    ``drop_duplicate_responses``): the same time stamps (``submitted_at``,
    ``started_at``, ``ended_at``, to the second or finer) and the same answer
    to every question of the questionnaire; without a time stamp, the same
    answer to every question with at least :data:`DUPLICATE_MIN_ANSWERS`
    questions answered. Respondent ids and columns that are not in the
    questionnaire are not compared; an empty cell and a missing column
    agree, and so do ``1``, ``1.0`` and ``"1"``. Rows with no answer are NA.

    Examples
    --------
    >>> import pandas as pd
    >>> from diagnosis.instrument import load_instrument
    >>> ins = load_instrument("surveys/instruments/resident_survey.xlsx")
    >>> data = pd.DataFrame(
    ...     {"sex": ["female", "female", "female"], "age_band": ["18_29", "18_29", "18_29"],
    ...      "submitted_at": pd.to_datetime(["2026-03-02 10:00:05", "2026-03-02 10:00:05", None])},
    ...     index=pd.Index([2, 3, 4], name="row"))
    >>> keys = response_keys(data, ins)
    >>> bool(keys[2] == keys[3]), bool(pd.isna(keys[4]))  # row 4: no time, two answers only
    (True, True)
    """
    columns = pd.Index([str(c) for c in data.columns])
    frame = data.set_axis(columns, axis=1).loc[:, ~columns.duplicated()]
    return _Checker(frame, instrument, None, {}).response_keys()


def duplicate_texts(
    k: int,
    pairs: Sequence[tuple[Any, Any]],
    other: str | None,
    timed: bool,
) -> dict[str, str]:
    """The ``pl``/``en`` of a ``duplicate_response`` finding.

    ``pairs`` are (row, row of the first copy); ``other`` is the file of the
    first copies (None: the same file); ``timed`` says whether the rows had
    time stamps.
    """
    if other is None:
        where_pl, where_en = "wcześniejszy wiersz tego pliku", "an earlier row of this file"
        first_pl, first_en = "wiersz {}", "row {}"
    else:
        where_pl, where_en = f"wiersz pliku {other}", f"a row of {other}"
        first_pl, first_en = f"{other}, wiersz {{}}", f"{other}, row {{}}"
    if timed:
        same_pl = "ten sam czas wypełnienia i te same odpowiedzi na każde pytanie"
        same_en = "the same time stamp and the same answer to every question"
        note_pl = note_en = ""
    else:
        same_pl = "te same odpowiedzi na każde pytanie"
        same_en = "the same answer to every question"
        note_pl = (
            "; plik nie ma czasu wypełnienia, ale przy co najmniej "
            f"{count(DUPLICATE_MIN_ANSWERS, 'pytaniu', 'pytaniach', 'pytaniach')} z odpowiedzią "
            "zbieg okoliczności jest nieprawdopodobny"
        )
        note_en = (
            "; the file has no time stamp, and with answers to at least "
            f"{DUPLICATE_MIN_ANSWERS} questions a coincidence is implausible"
        )
    shown = pairs[:_ROWS_SHOWN]
    rest = k - len(shown)
    listed_pl = ", ".join(f"{row} = {first_pl.format(orig)}" for row, orig in shown)
    listed_en = ", ".join(f"{row} = {first_en.format(orig)}" for row, orig in shown)
    if rest:
        listed_pl += f" i jeszcze {count(rest, 'wiersz', 'wiersze', 'wierszy')}"
        listed_en += f" and {count(rest, 'more row', 'more rows')}"
    return {
        "pl": f"Powtórzone ankiety ({same_pl} co {where_pl}{note_pl}): "
        f"{count(k, 'wiersz', 'wiersze', 'wierszy')}. Wiersze: {listed_pl}. Analiza liczy "
        "każdą ankietę raz: zostaje pierwsze wystąpienie, a powtórzenia pomija krok "
        "oczyszczania danych drop_duplicate_responses. Usuń powtórzone wiersze z pliku; "
        "jeśli to naprawdę różne osoby, sprawdź, czy ich odpowiedzi wpisano dobrze.",
        "en": f"Repeated responses ({same_en} as {where_en}{note_en}): "
        f"{count(k, 'row', 'rows')}. Rows: {listed_en}. The analysis counts each response "
        "once: the first occurrence stays and the cleaning step drop_duplicate_responses "
        "leaves out the repeats. Delete the repeated rows from the file; if they really are "
        "different people, check that their answers were entered correctly.",
    }


def _moments(s: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Time stamps in UTC, and where they carry a time of day (not exactly midnight)."""
    if isinstance(s.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(s.dtype):
        own = s
    else:
        own = _utc(s)
    utc = _utc(own)
    timed = own.notna().to_numpy(dtype=bool) & (own != own.dt.normalize()).to_numpy(
        dtype=bool, na_value=False
    )
    return utc, timed


def local_times(s: pd.Series) -> pd.Series:
    """Time stamps as naive Polish time (a value without a zone is taken as it is).

    The fieldwork check reads dates with it; the app uses it to list the rows
    dated outside the fieldwork.

    Examples
    --------
    >>> local_times(pd.Series(["2026-03-02T08:00:00Z"])).iloc[0]
    Timestamp('2026-03-02 09:00:00')
    """
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        return s.dt.tz_convert(_LOCAL_TZ).dt.tz_localize(None)
    if pd.api.types.is_datetime64_dtype(s.dtype):
        return s
    return _utc(s).dt.tz_convert(_LOCAL_TZ).dt.tz_localize(None)


def _stamp(value: Any) -> str:
    """``2026-03-20 14:02``."""
    return pd.Timestamp(value).strftime("%Y-%m-%d %H:%M")


def _period(start: dt.date | None, end: dt.date | None, lang: Language) -> str:
    if start is not None and end is not None:
        return f"od {start} do {end}" if lang == "pl" else f"{start} to {end}"
    if start is not None:
        return f"od {start}" if lang == "pl" else f"from {start}"
    return f"do {end}" if lang == "pl" else f"until {end}"


# ---------------------------------------------------------------- relevance


_LITERAL = r"(?:'(?P<sq>[^']*)'|\"(?P<dq>[^\"]*)\"|(?P<num>-?\d+(?:\.\d+)?))"
_COMPARE = re.compile(r"^\$\{(?P<name>[\w.-]+)\}\s*(?P<op>!=|>=|<=|=|>|<)\s*" + _LITERAL + r"$")
_SELECTED = re.compile(
    r"^(?P<not>not\s*\(\s*)?selected\s*\(\s*\$\{(?P<name>[\w.-]+)\}\s*,\s*"
    r"(?:'(?P<sq>[^']*)'|\"(?P<dq>[^\"]*)\")\s*\)(?(not)\s*\))$"
)


class _Relevance:
    """Evaluate a simple XLSForm ``relevant`` expression over the frame.

    Supports ``${q} op literal`` (``=``, ``!=``, ``<``, ``<=``, ``>``, ``>=``),
    ``selected(${q}, 'v')`` and ``not(selected(...))``, joined by ``and`` and
    ``or`` without parentheses. Anything else gives None (unknown).
    """

    def __init__(self, checker: _Checker) -> None:
        self.c = checker

    def evaluate(self, expression: str) -> np.ndarray | None:
        text = " ".join(expression.split())
        result = None
        for alternative in re.split(r"\s+or\s+", text):
            part = None
            for term in re.split(r"\s+and\s+", alternative):
                mask = self.term(term.strip())
                if mask is None:
                    return None
                part = mask if part is None else part & mask
            result = part if result is None else result | part
        return result

    def term(self, term: str) -> np.ndarray | None:
        m = _SELECTED.match(term)
        if m:
            value = m.group("sq") if m.group("sq") is not None else m.group("dq")
            mask = self.selected(m.group("name"), value)
            return None if mask is None else (~mask if m.group("not") else mask)
        m = _COMPARE.match(term)
        if m:
            literal = next(m.group(g) for g in ("sq", "dq", "num") if m.group(g) is not None)
            return self.compare(m.group("name"), m.group("op"), literal)
        return None

    def selected(self, name: str, value: str) -> np.ndarray | None:
        q = self.c.instrument.get(name)
        if q is None:
            return None
        if q.is_multiple:
            if q.name not in self.c.options_of:
                return None
            col = f"{name}__{value}"
            if col not in self.c.data.columns:
                return np.zeros(self.c.n, dtype=bool)
            return self.c.binary(col) == 1
        col = self.c.column_of.get(name)
        if col is None:
            return None
        return self.c.codes(col).eq(value).to_numpy(dtype=bool, na_value=False)

    def compare(self, name: str, op: str, literal: str) -> np.ndarray | None:
        q = self.c.instrument.get(name)
        col = self.c.column_of.get(name)
        if q is None or q.is_multiple or col is None:
            return None
        if op in ("=", "!=") and q.type not in _NUMERIC_TYPES:
            codes = self.c.codes(col).fillna("")  # XPath: an empty answer is ""
            equal = codes.eq(_code_text(_maybe_number(literal))).to_numpy(dtype=bool)
            return equal if op == "=" else ~equal
        try:
            target = float(literal)
        except ValueError:
            return None
        num = _numbers(self.c.data[col], self.c.present(col))
        with np.errstate(invalid="ignore"):
            result = {
                "=": num == target,
                "!=": ~(num == target),
                "<": num < target,
                "<=": num <= target,
                ">": num > target,
                ">=": num >= target,
            }[op]
        return result


# ------------------------------------------------------------------ helpers


def _is_answer(q: Question) -> bool:
    return q.type not in _NOT_ANSWERS and q.role not in _ROLE_COLUMN


def _is_text_dtype(dtype: Any) -> bool:
    return pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype)


def _fixed(pl: str, en: str) -> Callable[[Any], tuple[str, str]]:
    """Texts that do not depend on the value."""
    return lambda _value: (pl, en)


def _present(s: pd.Series) -> np.ndarray:
    """True where the cell holds something: not NA and not blank text."""
    present = s.notna().to_numpy(dtype=bool, copy=True)
    if _is_text_dtype(s.dtype) and present.any():
        # strip the distinct values only: a column has few of them
        blanks = [u for u in s[present].unique() if isinstance(u, str) and not u.strip()]
        if blanks:
            present &= ~s.isin(blanks).to_numpy(dtype=bool, na_value=False)
    return present


def _code_text(value: Any) -> str:
    """The code a cell stands for: ``1.0`` -> ``'1'``, ``' x '`` -> ``'x'``."""
    if isinstance(value, (bool, np.bool_)):
        return str(int(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)) and math.isfinite(value) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _codes(s: pd.Series, present: np.ndarray) -> pd.Series:
    """Normalised code text per cell (``string`` dtype, NA where not present)."""
    if not present.any():
        return pd.Series(pd.NA, index=s.index, dtype="string")
    uniques = s[present].unique()
    mapping = {u: _code_text(u) for u in uniques}
    if _is_text_dtype(s.dtype) and all(isinstance(u, str) and mapping[u] == u for u in uniques):
        out = s.astype("string")  # already clean codes: no per-cell mapping needed
    else:
        out = s.map(mapping).astype("string")
    if not present.all():
        out = out.where(present, pd.NA)
    return out


def _maybe_number(text: str) -> Any:
    try:
        return float(text)
    except ValueError:
        return text


def _numbers(s: pd.Series, present: np.ndarray) -> np.ndarray:
    """Cells as floats: NaN where missing, NaN (not inf) where present but not a number."""
    if pd.api.types.is_bool_dtype(s.dtype) or pd.api.types.is_numeric_dtype(s.dtype):
        num = s.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    else:
        num = np.full(len(s), np.nan)
        if present.any():
            kept = s[present]
            mapping = {u: _float(u) for u in kept.unique()}
            num[present] = kept.map(mapping).to_numpy(dtype=float, na_value=np.nan)
    num = num.copy()
    num[~np.isfinite(num)] = np.nan
    num[~present] = np.nan
    return num


def _float(value: Any) -> float:
    """A cell as a number (decimal comma allowed), NaN if it is not one."""
    if isinstance(value, (bool, int, float, np.bool_, np.integer, np.floating)):
        return float(value)
    try:
        return float(str(value).strip().replace(",", "."))
    except ValueError:
        return math.nan


def _utc(s: pd.Series) -> pd.Series:
    """Timestamps in UTC; NaT where a cell is not a date and time."""
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        return s.dt.tz_convert("UTC")
    if pd.api.types.is_datetime64_dtype(s.dtype):
        return s.dt.tz_localize("UTC")
    return pd.to_datetime(s, errors="coerce", utc=True, format="ISO8601")


def _hashable(value: Any) -> Any:
    try:
        hash(value)
    except TypeError:
        return repr(value)
    return value


def _py(value: Any) -> Any:
    """numpy scalars to Python ones; NA to None."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def _quoted(q: Question, lang: Language, limit: int = 70) -> str:
    """The question as „label” (name), the label shortened to ``limit`` characters."""
    label = " ".join(q.label(lang).split())
    if len(label) > limit:
        label = label[: limit - 1].rstrip() + "…"
    if label == q.name:
        return f"'{q.name}'"
    return f"„{label}” ({q.name})" if lang == "pl" else f"“{label}” ({q.name})"


def _allowed(q: Question, lang: Language, limit: int = 15) -> str:
    shown = [
        c.name if c.label(lang) == c.name else f"{c.name} ({c.label(lang)})"
        for c in q.choices[:limit]
    ]
    if len(q.choices) > limit:
        shown.append("…")
    return ", ".join(shown)


def _choice_hints(q: Question) -> dict[str, tuple[str, str, str]]:
    """casefolded label or code -> (code, label pl, label en), to suggest the right code."""
    hints: dict[str, tuple[str, str, str]] = {}
    for c in q.choices:
        entry = (c.name, c.label("pl"), c.label("en"))
        for text in (c.name, *c.labels.values()):
            if text:
                hints.setdefault(text.strip().casefold(), entry)
    return hints


def _number(x: float, lang: Language) -> str:
    text = f"{x:g}" if not float(x).is_integer() else str(int(x))
    return text.replace(".", ",") if lang == "pl" else text


def _range_text(q: Question, lang: Language) -> str:
    lo, hi = q.minimum, q.maximum
    if lo is not None and hi is not None:
        return (
            f" od {_number(lo, 'pl')} do {_number(hi, 'pl')}"
            if lang == "pl"
            else f" from {_number(lo, 'en')} to {_number(hi, 'en')}"
        )
    if lo is not None:
        return (
            f" nie mniejszej niż {_number(lo, 'pl')}"
            if lang == "pl"
            else f" of at least {_number(lo, 'en')}"
        )
    if hi is not None:
        return (
            f" nie większej niż {_number(hi, 'pl')}"
            if lang == "pl"
            else f" of at most {_number(hi, 'en')}"
        )
    return ""


def _percent(share: float) -> str:
    return f"{round(100 * share)}%"


def _duration(seconds: float, lang: Language) -> str:
    total = round(float(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    parts = []
    if hours:
        parts.append(f"{hours} godz." if lang == "pl" else f"{hours} h")
    if minutes:
        parts.append(f"{minutes} min")
    if secs or not parts:
        parts.append(f"{secs} s")
    return " ".join(parts)


def _join(items: Iterable[Any], lang: Language) -> str:
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    last = " i " if lang == "pl" else " and "
    return ", ".join(items[:-1]) + last + items[-1]
