"""Cleaning a town's responses: documented steps, each one logged.

:func:`clean_responses` takes the response files of one town (already read
into the canonical frame, :mod:`diagnosis.read.frame`) and applies, in this
order:

============================  ================================================================
step                          what it does
============================  ================================================================
``combine``                   stacks the files; every row keeps ``source_file`` (the file name)
                              and ``source_row`` (its row in the spreadsheet, header = row 1)
``drop_empty``                leaves out rows with no answer at all: every question of the
                              questionnaire missing or blank (metadata such as the submission
                              time, the respondent id or form timestamps does not count)
``drop_duplicate_responses``  leaves out repeated responses: a row with the same time stamps
                              (submission, start, end) and the same answer to every question as
                              an earlier row of the same or an earlier file, or, without a time
                              stamp, the same answer to every question with at least 15 of them
                              answered (:func:`diagnosis.validate.responses.response_keys`, the
                              rule behind validation's ``duplicate_response`` and
                              ``duplicate_file``); the first occurrence is kept
``drop_duplicate_ids``        leaves out rows whose ``respondent_id`` was already seen (the
                              first one is kept; ids compared after trimming spaces; rows with
                              no id are kept); without an id column nothing is checked
``drop_excluded``             leaves out the rows the team chose to exclude (``exclude:`` in
                              town.yaml, :class:`diagnosis.town.Exclusion`; matched by
                              ``source_file`` and ``source_row``), each listed with the team's
                              reason or else the titles of the validation findings about that
                              row; a listed row that is not in the data is a warning in the log
                              (one already left out by an earlier step is only noted)
``trim_text``                 trims spaces at both ends of every text value, collapses runs of
                              spaces, tabs and line breaks into one space, and turns empty
                              strings into missing values
``redact``                    replaces personal data in every text column (open answers and any
                              other free text; not the respondent id) by labelled placeholders
                              (:mod:`diagnosis.clean.redact`); counts are logged per kind, the
                              values never
``require_weighting``         leaves out respondents without a usable answer to a question with
                              role ``weighting`` (sex, age band): missing, not on the choice list,
                              or a non-substantive choice. They cannot be weighted to the
                              population. Counts per question are logged.
============================  ================================================================

Every step appears in the log, even when it changes nothing. Rows left out by
any step are listed in ``Cleaned.excluded`` with their file, row and reason.
Input frames are never modified.

Examples
--------
>>> from diagnosis import load_instrument, read_responses
>>> ins = load_instrument("surveys/instruments/resident_survey.xlsx")
>>> files = [read_responses("surveys/towns/kwidzyn/kobo_diagnoza_mieszkancow.csv", ins)]
>>> cleaned = clean_responses(files, ins)
>>> cleaned.log["step"].tolist()  # doctest: +NORMALIZE_WHITESPACE
['combine', 'drop_empty', 'drop_duplicate_responses', 'drop_duplicate_ids', 'drop_excluded',
 'trim_text', 'redact', 'require_weighting']
>>> cleaned.redacted["pesel"]
1
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
import pandas as pd

from ..errors import DiagnosisError
from ..instrument import Instrument
from ..plurals import count
from ..population import ADULT_BANDS
from ..read import Responses
from ..town import Exclusion
from ..validate import Finding, TownValidation, finding_title
from ..validate.margins import margin_columns, margin_questions
from ..validate.responses import DUPLICATE_MIN_ANSWERS, response_keys
from .redact import KINDS, redact_series

__all__ = ["STEPS", "Cleaned", "CleaningError", "clean_responses"]

#: the cleaning steps, in the order they run
STEPS: tuple[str, ...] = (
    "combine",
    "drop_empty",
    "drop_duplicate_responses",
    "drop_duplicate_ids",
    "drop_excluded",
    "trim_text",
    "redact",
    "require_weighting",
)
LOG_COLUMNS = ["step", "rows_before", "rows_after", "values_changed", "pl", "en"]
EXCLUDED_COLUMNS = ["source_file", "source_row", "reason_pl", "reason_en", "step"]

#: question types that hold form metadata, not answers
_NOT_ANSWERS = frozenset(
    {
        "start", "end", "today", "deviceid", "subscriberid", "simserial", "phonenumber",
        "username", "email", "audit", "start-geopoint", "imei", "calculate", "hidden",
    }
)  # fmt: skip
_NOT_ANSWER_ROLES = frozenset({"id", "started_at", "ended_at"})
#: columns never redacted: the keys that trace a row back to its file
_KEYS = ("respondent_id", "source_file", "source_row")
#: a working column from ``combine`` to ``drop_duplicate_responses``: the row's response key,
#: made file by file as validation makes it
_RESPONSE_KEY = "__response_key"


class CleaningError(DiagnosisError):
    """The responses cannot be cleaned (no files, an unknown scale ...)."""


@dataclass(frozen=True)
class Cleaned:
    """A town's responses after cleaning.

    Attributes
    ----------
    data : DataFrame
        Canonical columns (see :mod:`diagnosis.read.frame`) plus
        ``source_file`` and ``source_row``; a fresh RangeIndex.
    log : DataFrame
        One row per step of :data:`STEPS`: ``step, rows_before, rows_after,
        values_changed, pl, en`` (``pl``/``en``: what was done, in a sentence).
    excluded : DataFrame
        Rows left out: ``source_file, source_row, reason_pl, reason_en, step``.
    redacted : mapping
        Number of pieces of personal data replaced, per kind
        (:data:`diagnosis.clean.redact.KINDS`), zeros included.
    """

    data: pd.DataFrame
    log: pd.DataFrame
    excluded: pd.DataFrame
    redacted: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def n(self) -> int:
        """Number of respondents kept."""
        return len(self.data)


# ------------------------------------------------------------------ Polish counts


def _pl(n: int, one: str, few: str, many: str) -> str:
    """``n`` with the Polish noun form it takes: 1 plik, 2 pliki, 5 plików, 22 pliki."""
    if n == 1:
        return f"{n} {one}"
    if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
        return f"{n} {few}"
    return f"{n} {many}"


def _en(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


_ROWS_PL = ("wiersz", "wiersze", "wierszy")
_PEOPLE_PL = ("osobę", "osoby", "osób")
_KIND_PL = {  # in reading order
    "pesel": ("numer PESEL", "numery PESEL", "numerów PESEL"),
    "nip": ("numer NIP", "numery NIP", "numerów NIP"),
    "regon": ("numer REGON", "numery REGON", "numerów REGON"),
    "id_card": (
        "numer dowodu osobistego",
        "numery dowodów osobistych",
        "numerów dowodów osobistych",
    ),
    "iban": ("numer konta (IBAN)", "numery kont (IBAN)", "numerów kont (IBAN)"),
    "phone": ("numer telefonu", "numery telefonów", "numerów telefonów"),
    "email": ("adres e-mail", "adresy e-mail", "adresów e-mail"),
    "address": ("adres", "adresy", "adresów"),
    "postcode": ("kod pocztowy", "kody pocztowe", "kodów pocztowych"),
    "name": ("imię i nazwisko", "imiona i nazwiska", "imion i nazwisk"),
    "number": ("inny długi numer", "inne długie numery", "innych długich numerów"),
}
_KIND_EN = {  # in reading order
    "pesel": ("PESEL number", "PESEL numbers"),
    "nip": ("NIP number", "NIP numbers"),
    "regon": ("REGON number", "REGON numbers"),
    "id_card": ("ID card number", "ID card numbers"),
    "iban": ("bank account number (IBAN)", "bank account numbers (IBAN)"),
    "phone": ("phone number", "phone numbers"),
    "email": ("e-mail address", "e-mail addresses"),
    "address": ("street address", "street addresses"),
    "postcode": ("postcode", "postcodes"),
    "name": ("person's name", "people's names"),
    "number": ("other long number", "other long numbers"),
}


# ------------------------------------------------------------------ helpers


def _is_text(s: pd.Series) -> bool:
    return isinstance(s.dtype, pd.StringDtype) or s.dtype == object


def _text_values(s: pd.Series) -> pd.Series:
    """The text of ``s`` as a ``string`` Series; non-text values become NA."""
    if isinstance(s.dtype, pd.StringDtype):
        return s
    return s.where(s.map(lambda v: isinstance(v, str)).astype(bool)).astype("string")


def _answer_columns(data: pd.DataFrame, instrument: Instrument) -> list[str]:
    cols: list[str] = []
    for q in instrument.questions:
        if q.type in _NOT_ANSWERS or q.role in _NOT_ANSWER_ROLES:
            continue
        cols += [c for c in q.columns() if c in data.columns]
    return cols


def _present(s: pd.Series) -> np.ndarray:
    """True where ``s`` holds a value: not missing, and for text not blank."""
    present = s.notna().to_numpy(dtype=bool, copy=True)
    if _is_text(s):
        blank = _text_values(s).str.strip().eq("").fillna(False).to_numpy(dtype=bool)
        present &= ~blank
    return present


def _log_row(
    step: str, before: int, after: int, changed: int, pl: str, en: str
) -> dict[str, object]:
    return {
        "step": step,
        "rows_before": before,
        "rows_after": after,
        "values_changed": changed,
        "pl": pl,
        "en": en,
    }


def _excluded(
    rows: pd.DataFrame, pl: pd.Series | str, en: pd.Series | str, step: str
) -> pd.DataFrame:
    out = rows[["source_file", "source_row"]].copy()
    out["reason_pl"] = pl
    out["reason_en"] = en
    out["step"] = step
    return out


def _changed(before: pd.Series, after: pd.Series) -> int:
    """Cells whose value differs (NA vs value counts; NA vs NA does not)."""
    b, a = before.isna().to_numpy(dtype=bool), after.isna().to_numpy(dtype=bool)
    both = ~b & ~a
    differ = np.zeros(len(before), dtype=bool)
    differ[both] = before[both].astype(str).to_numpy() != after[both].astype(str).to_numpy()
    return int((differ | (b != a)).sum())


# ------------------------------------------------------------------ steps


def _combine(
    files: Sequence[Responses], instrument: Instrument
) -> tuple[pd.DataFrame, dict[str, object]]:
    frames = []
    for r in files:
        frame = r.data.copy()
        frame["source_file"] = pd.array([r.path.name] * len(frame), dtype="string")
        frame["source_row"] = pd.array(np.asarray(r.data.index), dtype="Int64")
        frame[_RESPONSE_KEY] = response_keys(r.data, instrument).to_numpy(dtype=object)
        frames.append(frame.reset_index(drop=True))
    data = pd.concat(frames, ignore_index=True, sort=False) if frames else pd.DataFrame()
    fixed = ("source_file", "source_row", _RESPONSE_KEY)
    ordered = [c for c in data.columns if c not in fixed]
    data = data[[*ordered, *fixed]]
    n, k = len(data), len(files)
    log = _log_row(
        "combine",
        n,
        n,
        0,
        f"Połączono {_pl(k, 'plik', 'pliki', 'plików')} z odpowiedziami: {_pl(n, *_ROWS_PL)}.",
        f"Combined {_en(k, 'response file', 'response files')}: {_en(n, 'row', 'rows')}.",
    )
    return data, log


def _drop_empty(data: pd.DataFrame, instrument: Instrument):
    cols = _answer_columns(data, instrument)
    if cols:
        answered = np.column_stack([_present(data[c]) for c in cols]).any(axis=1)
    else:
        answered = np.ones(len(data), dtype=bool)
    empty = ~answered
    k = int(empty.sum())
    excluded = _excluded(
        data[empty],
        "Pusty wiersz: brak jakiejkolwiek odpowiedzi.",
        "Empty row: no answer at all.",
        "drop_empty",
    )
    kept = data[answered].reset_index(drop=True)
    if k:
        rows = _pl(k, "pusty wiersz", "puste wiersze", "pustych wierszy")
        pl = f"Usunięto {rows} (bez żadnej odpowiedzi)."
        en = f"Removed {_en(k, 'empty row', 'empty rows')} (no answer at all)."
    else:
        pl, en = "Nie było pustych wierszy.", "There were no empty rows."
    return kept, excluded, _log_row("drop_empty", len(data), len(kept), 0, pl, en)


def _drop_duplicate_responses(data: pd.DataFrame):
    keys = data[_RESPONSE_KEY].astype("string")
    data = data.drop(columns=[_RESPONSE_KEY])
    n = len(data)
    has_key = keys.notna().to_numpy(dtype=bool)
    repeated = keys.duplicated(keep="first").to_numpy(dtype=bool) & has_key
    k = int(repeated.sum())
    first = (
        pd.DataFrame({"key": keys, "file": data["source_file"], "row": data["source_row"]})[has_key]
        .drop_duplicates("key")
        .set_index("key")
    )
    dup = data[repeated]
    first_file = keys[repeated].map(first["file"]).astype(str).to_numpy()
    first_row = keys[repeated].map(first["row"]).astype(str).to_numpy()
    timed = keys[repeated].str.contains("\x1ft:", regex=False).to_numpy(dtype=bool)
    basis_pl = np.where(
        timed,
        "ten sam czas wypełnienia i te same odpowiedzi na każde pytanie",
        "te same odpowiedzi na każde pytanie, bez czasu wypełnienia, przy co najmniej "
        f"{count(DUPLICATE_MIN_ANSWERS, 'pytaniu', 'pytaniach', 'pytaniach')} z odpowiedzią",
    )
    basis_en = np.where(
        timed,
        "the same time stamp and the same answer to every question",
        "the same answer to every question, without a time stamp, with at least "
        f"{count(DUPLICATE_MIN_ANSWERS, 'question', 'questions')} answered",
    )
    excluded = _excluded(
        dup,
        pd.Series(
            "Powtórzona ankieta (" + basis_pl + "); zachowano pierwsze wystąpienie ("
            + first_file + ", wiersz " + first_row + ").",
            index=dup.index,
            dtype="object",
        ),
        pd.Series(
            "Repeated response (" + basis_en + "); the first occurrence was kept ("
            + first_file + ", row " + first_row + ").",
            index=dup.index,
            dtype="object",
        ),
        "drop_duplicate_responses",
    )  # fmt: skip
    kept = data[~repeated].reset_index(drop=True)
    if k:
        per_file = dup["source_file"].value_counts(sort=False)
        files = "; ".join(f"{name}: {int(m)}" for name, m in per_file.items())
        ankiety = count(k, "powtórzoną ankietę", "powtórzone ankiety", "powtórzonych ankiet")
        at_least = count(DUPLICATE_MIN_ANSWERS, "pytaniu", "pytaniach", "pytaniach")
        pl = (
            f"Usunięto {ankiety} (ten sam czas wypełnienia i te same odpowiedzi co wcześniejszy "
            "wiersz albo, bez czasu wypełnienia, te same odpowiedzi na wszystkie pytania przy co "
            f"najmniej {at_least} z odpowiedzią); zachowano pierwsze wystąpienie. "
            f"Z pliku: {files}."
        )
        en = (
            f"Removed {count(k, 'repeated response', 'repeated responses')} (the same time "
            "stamp and the same answers as an earlier row or, without a time stamp, the same "
            f"answer to every one of at least {DUPLICATE_MIN_ANSWERS} questions); the first "
            f"occurrence was kept. By file: {files}."
        )
    else:
        pl = "Żadna ankieta się nie powtarza (ten sam czas wypełnienia i te same odpowiedzi)."
        en = "No response is repeated (the same time stamp and the same answers)."
    return kept, excluded, _log_row("drop_duplicate_responses", n, len(kept), 0, pl, en)


def _drop_duplicate_ids(data: pd.DataFrame):
    n = len(data)
    if "respondent_id" not in data.columns:
        log = _log_row(
            "drop_duplicate_ids",
            n,
            n,
            0,
            "Pliki nie mają kolumny z identyfikatorem respondenta; powtórzeń nie sprawdzano.",
            "The files have no respondent id column; repeats were not checked.",
        )
        return data, _excluded(data.iloc[:0], "", "", "drop_duplicate_ids"), log
    ids = _text_values(data["respondent_id"].astype("string")).str.strip()
    ids = ids.mask(ids.eq("").fillna(False))
    has_id = ids.notna().to_numpy(dtype=bool)
    repeated = ids.duplicated(keep="first").to_numpy(dtype=bool) & has_id
    k = int(repeated.sum())
    first = (
        pd.DataFrame({"id": ids, "file": data["source_file"], "row": data["source_row"]})[has_id]
        .drop_duplicates("id")
        .set_index("id")
    )
    dup = data[repeated]
    first_file = ids[repeated].map(first["file"]).astype(str).to_numpy()
    first_row = ids[repeated].map(first["row"]).astype(str).to_numpy()
    excluded = _excluded(
        dup,
        pd.Series(
            "Powtórzony identyfikator respondenta; zachowano pierwszy wiersz z tym "
            "identyfikatorem (" + first_file + ", wiersz " + first_row + ").",
            index=dup.index,
            dtype="object",
        ),
        pd.Series(
            "Repeated respondent id; the first row with this id was kept ("
            + first_file
            + ", row "
            + first_row
            + ").",
            index=dup.index,
            dtype="object",
        ),
        "drop_duplicate_ids",
    )
    kept = data[~repeated].reset_index(drop=True)
    if k:
        pl = (
            f"Usunięto {_pl(k, 'wiersz', 'wiersze', 'wierszy')} z powtórzonym identyfikatorem "
            "respondenta (zachowano pierwsze wystąpienie)."
        )
        en = (
            f"Removed {_en(k, 'row', 'rows')} with a repeated respondent id "
            "(the first occurrence was kept)."
        )
    else:
        pl = "Żaden identyfikator respondenta się nie powtarza."
        en = "No respondent id is repeated."
    return kept, excluded, _log_row("drop_duplicate_ids", n, len(kept), 0, pl, en)


def _rows_text(rows: Sequence[tuple[str, int]], lang: str) -> str:
    """``"a.csv, wiersze 3, 7; b.csv, wiersz 2"``: rows grouped by file, at most 20 shown."""
    by_file: dict[str, list[int]] = {}
    for file, row in rows[:20]:
        by_file.setdefault(file, []).append(row)
    word = ("wiersz", "wiersze") if lang == "pl" else ("row", "rows")
    parts = [
        f"{file}, {word[len(r) > 1]} {', '.join(str(x) for x in r)}" for file, r in by_file.items()
    ]
    more = len(rows) - min(len(rows), 20)
    if more:
        parts.append(
            f"i jeszcze {count(more, 'wiersz', 'wiersze', 'wierszy')}"
            if lang == "pl"
            else f"and {count(more, 'more row', 'more rows')}"
        )
    return "; ".join(parts)


def _drop_excluded(
    data: pd.DataFrame,
    exclude: Sequence[Exclusion],
    findings: Sequence[Finding],
    combined: set[tuple[str, int]],
    earlier: Mapping[tuple[str, int], str],
):
    """Leave out the rows of ``exclude``; ``combined``: every row read, ``earlier``: dropped."""
    n = len(data)
    titles: dict[tuple[str, int], list[str]] = {}
    for f in findings:
        if f.file is None or isinstance(f.row, bool) or not isinstance(f.row, int | np.integer):
            continue
        codes = titles.setdefault((str(f.file), int(f.row)), [])
        if f.code not in codes:
            codes.append(f.code)
    wanted: dict[tuple[str, int], Exclusion] = {}
    for e in exclude:
        wanted.setdefault((e.source_file, int(e.row)), e)
    keys = _keys_of(data)
    drop = np.array([k in wanted for k in keys], dtype=bool)
    rows = data[drop]
    reason_pl, reason_en = [], []
    for k in (key for key, d in zip(keys, drop, strict=True) if d):
        e, codes = wanted[k], titles.get(k, [])
        if e.reason:
            why_pl = why_en = e.reason
        elif codes:
            why_pl = "; ".join(_lower_first(finding_title(c, "pl")) for c in codes)
            why_en = "; ".join(_lower_first(finding_title(c, "en")) for c in codes)
        else:
            why_pl, why_en = "lista exclude w town.yaml", "the exclude list in town.yaml"
        reason_pl.append(f"Wykluczone przez zespół: {why_pl}.")
        reason_en.append(f"Excluded by the team: {why_en}.")
    excluded = _excluded(
        rows,
        pd.Series(reason_pl, index=rows.index, dtype="object"),
        pd.Series(reason_en, index=rows.index, dtype="object"),
        "drop_excluded",
    )
    kept = data[~drop].reset_index(drop=True)
    k = int(drop.sum())
    present = set(keys)
    before = [key for key in wanted if key not in present and key in earlier]
    missing = [key for key in wanted if key not in present and key not in combined]
    if k:
        rows_pl = count(k, "wiersz wykluczony", "wiersze wykluczone", "wierszy wykluczonych")
        pl = (
            f"Pominięto {rows_pl} przez zespół (exclude w town.yaml): "
            f"{_rows_text(_keys_of(rows), 'pl')}."
        )
        en = (
            f"Left out {count(k, 'row', 'rows')} the team excluded (exclude in town.yaml): "
            f"{_rows_text(_keys_of(rows), 'en')}."
        )
    elif wanted:
        pl = "Żaden wiersz z listy exclude w town.yaml nie został w danych do pominięcia."
        en = "No row of the exclude list in town.yaml was left in the data to leave out."
    else:
        pl = "Zespół nie wykluczył żadnego wiersza (lista exclude w town.yaml jest pusta)."
        en = "The team excluded no row (the exclude list in town.yaml is empty)."
    if before:
        m = len(before)
        pl += (
            f" {count(m, 'wiersz', 'wiersze', 'wierszy')} z listy pominięto już wcześniej "
            f"(puste lub powtórzone): {_rows_text(before, 'pl')}."
        )
        en += (
            f" {count(m, 'row', 'rows')} of the list had already been left out (empty or "
            f"repeated): {_rows_text(before, 'en')}."
        )
    if missing:
        m = len(missing)
        pl += (
            f" Uwaga: w danych nie ma {count(m, 'wiersza', 'wierszy', 'wierszy')} z listy "
            f"exclude: {_rows_text(missing, 'pl')}. Sprawdź numery wierszy w town.yaml."
        )
        en += (
            f" Warning: {count(m, 'row', 'rows')} of the exclude list "
            f"{'is' if m == 1 else 'are'} not in the data: {_rows_text(missing, 'en')}. Check "
            "the row numbers in town.yaml."
        )
    return kept, excluded, _log_row("drop_excluded", n, len(kept), 0, pl, en)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _keys_of(rows: pd.DataFrame) -> list[tuple[str, int]]:
    """(source_file, source_row) of ``rows``."""
    return list(zip(rows["source_file"].astype(str), rows["source_row"].astype(int), strict=True))


def _trim_text(data: pd.DataFrame):
    out = data.copy()
    changed = 0
    for col in data.columns:
        s = data[col]
        if col in ("source_file", "source_row") or not _is_text(s):
            continue
        text = _text_values(s)
        trimmed = text.str.replace(r"\s+", " ", regex=True).str.strip()
        trimmed = trimmed.mask(trimmed.eq("").fillna(False))
        diff = _changed(text, trimmed)
        if diff:
            changed += diff
            if isinstance(s.dtype, pd.StringDtype):
                out[col] = trimmed
            else:  # object column: only its text values change
                is_str = s.map(lambda v: isinstance(v, str)).astype(bool)
                out[col] = s.where(~is_str, trimmed.astype(object))
    n = len(data)
    if changed:
        values = _pl(changed, "wartość tekstową", "wartości tekstowe", "wartości tekstowych")
        pl = (
            f"Poprawiono {values}: "
            "usunięto zbędne spacje, puste teksty oznaczono jako brak odpowiedzi."
        )
        en = (
            f"Tidied {_en(changed, 'text value', 'text values')}: extra spaces removed, "
            "empty texts marked as missing."
        )
    else:
        pl = "Teksty nie wymagały poprawek (zbędne spacje, puste teksty)."
        en = "No text needed tidying (extra spaces, empty texts)."
    return out, _log_row("trim_text", n, n, changed, pl, en)


def _redact(data: pd.DataFrame):
    out = data.copy()
    counts: Counter[str] = Counter()
    changed = 0
    for col in data.columns:
        if col in _KEYS or not _is_text(data[col]):
            continue
        redacted, found = redact_series(data[col])
        if sum(found.values()):
            counts += found
            changed += _changed(data[col], redacted)
            out[col] = redacted
    n = len(data)
    total = sum(counts.values())
    if total:
        parts_pl = [_pl(counts[k], *_KIND_PL[k]) for k in _KIND_PL if counts[k]]
        parts_en = [_en(counts[k], *_KIND_EN[k]) for k in _KIND_EN if counts[k]]
        pl = (
            "W odpowiedziach tekstowych zastąpiono dane osobowe opisem w nawiasie "
            f"(np. [telefon]): {', '.join(parts_pl)}."
        )
        en = (
            "Personal data in text answers was replaced by a label in brackets "
            f"(e.g. [phone]): {', '.join(parts_en)}."
        )
    else:
        pl = "W odpowiedziach tekstowych nie znaleziono danych osobowych."
        en = "No personal data was found in the text answers."
    return out, {k: int(counts[k]) for k in KINDS}, _log_row("redact", n, n, changed, pl, en)


def _require_weighting(
    data: pd.DataFrame,
    instrument: Instrument,
    bands: Sequence[str],
    year: int | None,
    weighted: bool = True,
):
    n = len(data)
    given = [m for m in margin_questions(instrument) if m.question.name in data.columns]
    questions = [m.question for m in given]
    if questions and not weighted:  # the groups are still wanted for comparisons
        groups = margin_columns(data, instrument, bands, year)
        data = data.copy()
        for m in given:
            data[m.variable] = groups[m.variable]
        log = _log_row(
            "require_weighting", n, n, 0,
            "Raport bez ważenia: nikogo nie pominięto z powodu braku płci lub wieku.",
            "A report without weights: nobody was left out for a missing sex or age.",
        )  # fmt: skip
        return data, _excluded(data.iloc[:0], "", "", "require_weighting"), log
    if not questions:
        log = _log_row(
            "require_weighting",
            n,
            n,
            0,
            "Kwestionariusz nie ma pytań do ważenia (płeć, wiek); nikogo nie pominięto.",
            "The questionnaire has no weighting questions (sex, age); nobody was left out.",
        )
        return data, _excluded(data.iloc[:0], "", "", "require_weighting"), log
    groups = margin_columns(data, instrument, bands, year)
    data = data.copy()
    for m in given:  # the margins' groups, under the margins' names
        data[m.variable] = groups[m.variable]
    lacking = {m.question.name: groups[m.variable].isna().to_numpy() for m in given}
    drop = np.logical_or.reduce(list(lacking.values()))
    rows = data[drop]
    reason_pl = pd.Series("", index=rows.index, dtype="object")
    reason_en = pd.Series("", index=rows.index, dtype="object")
    for q in questions:
        miss = pd.Series(lacking[q.name][drop], index=rows.index)
        sep_pl = np.where(reason_pl.eq(""), "", ", ")
        reason_pl = reason_pl.where(~miss, reason_pl + sep_pl + q.label("pl").lower())
        reason_en = reason_en.where(~miss, reason_en + sep_pl + q.label("en").lower())
    excluded = _excluded(
        rows,
        "Brak odpowiedzi potrzebnej do ważenia (" + reason_pl + "); nie można tej osoby "
        "przeważyć do struktury mieszkańców.",
        "No usable answer needed for weighting (" + reason_en + "); this person cannot be "
        "weighted to the population.",
        "require_weighting",
    )
    kept = data[~drop].reset_index(drop=True)
    k = int(drop.sum())
    if k:
        detail_pl = ", ".join(
            f"{q.label('pl').lower()}: {int(lacking[q.name].sum())}" for q in questions
        )
        detail_en = ", ".join(
            f"{q.label('en').lower()}: {int(lacking[q.name].sum())}" for q in questions
        )
        them_pl, them_en = ("jej", "this person") if k == 1 else ("ich", "they")
        pl = (
            f"Pominięto {_pl(k, *_PEOPLE_PL)} bez odpowiedzi potrzebnej do ważenia "
            f"(brak danych — {detail_pl}); nie da się {them_pl} przeważyć do struktury "
            "mieszkańców."
        )
        en = (
            f"Left out {_en(k, 'person', 'people')} without an answer needed for weighting "
            f"(missing — {detail_en}); {them_en} cannot be weighted to the population."
        )
    else:
        names_pl = ", ".join(q.label("pl").lower() for q in questions)
        names_en = ", ".join(q.label("en").lower() for q in questions)
        pl = f"Wszyscy respondenci podali dane potrzebne do ważenia ({names_pl})."
        en = f"Every respondent gave the answers needed for weighting ({names_en})."
    return kept, excluded, _log_row("require_weighting", n, len(kept), 0, pl, en)


# ------------------------------------------------------------------ public


def clean_responses(
    files: Sequence[Responses],
    instrument: Instrument,
    *,
    bands: Sequence[str] = ADULT_BANDS,
    year: int | None = None,
    weighted: bool = True,
    exclude: Sequence[Exclusion] = (),
    findings: Sequence[Finding] = (),
) -> Cleaned:
    """Combine a town's response files and apply the cleaning steps, each logged.

    Parameters
    ----------
    files : sequence of Responses
        The town's files read with :func:`diagnosis.read_responses`, in the
        order given in ``town.yaml``; when a respondent id repeats across
        files, the first file wins. They are not modified.
    instrument : Instrument
        The questionnaire the files were read with.
    bands : sequence of str
        The population margins' age bands: the weighting questions' answers
        (an age, a year of birth, narrower bands) are counted in them
        (:func:`diagnosis.validate.margin_columns`).
    year : int, optional
        The fieldwork year, for a year of birth.
    weighted : bool
        False for a report without weights: nobody is left out for lacking
        an answer needed for weighting.
    exclude : sequence of Exclusion
        Rows the team leaves out (``Town.exclusions``, from ``exclude:`` in
        town.yaml), matched by file name and spreadsheet row.
    findings : sequence of Finding
        The validation's findings: an exclusion without a reason is listed
        with the titles of the findings about its row.

    Returns
    -------
    Cleaned
        ``data`` with a fresh RangeIndex and ``source_file``/``source_row``;
        ``log`` with one row per step of :data:`STEPS`; ``excluded`` listing
        every row left out and why; ``redacted`` counts per kind.

    Raises
    ------
    CleaningError
        When ``files`` is empty.

    Notes
    -----
    The steps and their rules are in the module docstring.

    Examples
    --------
    >>> from diagnosis import load_instrument, read_responses
    >>> ins = load_instrument("surveys/instruments/resident_survey.xlsx")
    >>> r = read_responses("surveys/towns/leczyca/ankiety_wprowadzone.csv", ins)
    >>> cleaned = clean_responses([r], ins)
    >>> cleaned.n == r.n
    True
    >>> first = cleaned.data.iloc[0]
    >>> str(first["source_file"]), int(first["source_row"])
    ('ankiety_wprowadzone.csv', 2)
    """
    if not files:
        raise CleaningError(
            pl="Nie podano żadnego pliku z odpowiedziami do oczyszczenia.",
            en="No response file was given to clean.",
        )
    data, combine_log = _combine(files, instrument)
    combined = set(_keys_of(data))
    logs = [combine_log]
    excluded = []

    data, dropped, log = _drop_empty(data, instrument)
    logs.append(log)
    excluded.append(dropped)

    data, dropped, log = _drop_duplicate_responses(data)
    logs.append(log)
    excluded.append(dropped)

    data, dropped, log = _drop_duplicate_ids(data)
    logs.append(log)
    excluded.append(dropped)

    earlier = {
        key: step
        for frame in excluded
        for key, step in zip(_keys_of(frame), frame["step"].astype(str), strict=True)
    }
    data, dropped, log = _drop_excluded(data, exclude, findings, combined, earlier)
    logs.append(log)
    excluded.append(dropped)

    data, log = _trim_text(data)
    logs.append(log)

    data, counts, log = _redact(data)
    logs.append(log)

    data, dropped, log = _require_weighting(data, instrument, bands, year, weighted)
    logs.append(log)
    excluded.append(dropped)

    excluded_frame = pd.concat(excluded, ignore_index=True)[EXCLUDED_COLUMNS]
    excluded_frame = excluded_frame.astype(
        {"source_file": "string", "source_row": "Int64", "reason_pl": "string",
         "reason_en": "string", "step": "string"}
    )  # fmt: skip
    log_frame = pd.DataFrame(logs, columns=LOG_COLUMNS).astype(
        {"rows_before": "int64", "rows_after": "int64", "values_changed": "int64"}
    )
    return Cleaned(
        data=data.reset_index(drop=True),
        log=log_frame,
        excluded=excluded_frame,
        redacted=MappingProxyType(counts),
    )


def clean_town(validation: TownValidation, weighted: bool = True) -> Cleaned:
    """Clean a validated town's response files, weighting groups as its margins have them.

    The margins' age bands, the fieldwork year (for a year of birth) and the
    rows the team excluded (``exclude:``, step ``drop_excluded``, with the
    validation findings' titles as the reason when none is given) come from
    the town's configuration.

    Examples
    --------
    >>> from diagnosis.validate import validate_town
    >>> cleaned = clean_town(validate_town("surveys/towns/leczyca"))
    >>> sorted(cleaned.data["age_band"].dropna().unique())
    ['18_29', '30_44', '45_59', '60_plus']
    """
    town = validation.town
    bands = [str(b) for b in pd.unique(town.margins["age_band"])]
    when = town.fieldwork_end or town.fieldwork_start
    return clean_responses(
        [f.responses for f in validation.files if f.responses is not None],
        validation.instrument,
        bands=bands,
        year=when.year if when else None,
        weighted=weighted,
        exclude=town.exclusions,
        findings=validation.findings(),
    )
