"""``read_responses``: any response file into the canonical frame; ``read_table`` for plain tables.

The steps: recognise the format from the file's first bytes and its suffix,
read it into a :class:`~diagnosis.read.source.Source` (:mod:`.text`,
:mod:`.sheets`, :mod:`.labelled`), tell whose export it is, match every header
(:mod:`.headers`), then type and code every column (:mod:`.values`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Literal

import pandas as pd

from ..errors import ReadError
from ..instrument import Instrument, Question
from .frame import HeaderMatch, Responses
from .headers import (
    Target,
    clean_name,
    detect_flavour,
    match_headers,
    split_code_headers,
    unique_names,
)
from .kinds import check_markup, refuse_non_responses
from .labelled import find_sps_for, read_labelled, read_limesurvey_sps
from .sheets import read_workbook
from .source import Source
from .text import read_csv
from .values import (
    ChoiceIndex,
    Converted,
    combine_options,
    infer_column,
    is_missing,
    normalise,
    split_multiple,
    to_codes,
    to_datetime,
    to_number,
    to_string,
)

__all__ = ["read_responses", "read_table"]

_NUMERIC: dict[str, Literal["integer", "decimal", "auto"]] = {
    "integer": "integer",
    "decimal": "decimal",
    "range": "auto",
}
_DATES = {"date", "datetime", "start", "end", "today"}
_INFERRED = {"calculate", "hidden"}
_LIME_PLACEHOLDER = pd.Timestamp("1980-01-01 00:00:00")
_TEXT_SUFFIXES = {".csv", ".tsv", ".txt", ".tab", ".dat"}


# --------------------------------------------------------------------- loading


def _format_of(path: Path) -> str:
    """``csv``, ``xlsx``, ``xls``, ``sav``, ``zsav``, ``por``, ``dta`` or ``limesurvey_sps``."""
    with open(path, "rb") as handle:
        head = handle.read(4096)
    suffix = path.suffix.lower()
    markup, head = head, head[:512]
    if head.startswith(b"PK\x03\x04") and suffix != ".ods":
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    if head.startswith(b"$FL3"):
        return "zsav"
    if head.startswith(b"$FL2") or b"ENCRYPTED" in head[:64] or suffix == ".sav":
        return "sav"
    if suffix == ".zsav":
        return "zsav"
    if suffix == ".dta":
        return "dta"
    if suffix == ".por":
        return "por"
    if suffix == ".sps":
        return "limesurvey_sps"
    if suffix == ".dat" and find_sps_for(path) is not None:
        return "limesurvey_sps"
    check_markup(markup, path)
    if (
        suffix in _TEXT_SUFFIXES
        or b"\x00" not in head
        or head.startswith((b"\xff\xfe", b"\xfe\xff"))
    ):
        return "csv"
    raise ReadError(
        pl="Nie rozpoznano formatu pliku. Obsługiwane są CSV, Excel (.xlsx, .xls), SPSS "
        "(.sav, .zsav, .por), Stata (.dta) i eksport LimeSurvey (.sps + .dat). Plik .ods "
        "zapisz jako .xlsx.",
        en="The file format was not recognised. Supported: CSV, Excel (.xlsx, .xls), SPSS "
        "(.sav, .zsav, .por), Stata (.dta) and LimeSurvey's export (.sps + .dat). Save an "
        ".ods file as .xlsx.",
        file=path,
    )


def _question_keys(instrument: Instrument | None) -> frozenset[str]:
    """Normalised names and labels of the questions (to pick a workbook's response sheet)."""
    if instrument is None:
        return frozenset()
    keys = {normalise(q.name) for q in instrument.questions}
    keys |= {normalise(label) for q in instrument.questions for label in q.labels.values() if label}
    return frozenset(keys)


def _load(
    path: Path,
    *,
    sheet: str | None,
    encoding: str | None,
    instrument: Instrument | None = None,
) -> Source:
    if not path.is_file():
        raise ReadError(
            pl="Nie ma takiego pliku z odpowiedziami.",
            en="There is no such response file.",
            file=path,
        )
    kind = _format_of(path)
    if sheet is not None and kind not in ("xlsx", "xls"):
        raise ReadError(
            pl="Parametr sheet= dotyczy tylko plików Excela; ten plik nie ma arkuszy.",
            en="The sheet= parameter applies to Excel files only; this file has no sheets.",
            file=path,
            value=sheet,
        )
    if kind == "csv":
        return read_csv(path, encoding=encoding)
    if kind in ("xlsx", "xls"):
        return read_workbook(path, format=kind, sheet=sheet, questions=_question_keys(instrument))
    if kind == "limesurvey_sps":
        sps = path if path.suffix.lower() == ".sps" else find_sps_for(path)
        return read_limesurvey_sps(sps or path, encoding=encoding)
    return read_labelled(path, format=kind, encoding=encoding)


# --------------------------------------------------------------------- building the frame


def _shown(rows: list[int], limit: int = 8) -> str:
    text = ", ".join(str(r) for r in rows[:limit])
    return text + (" ..." if len(rows) > limit else "")


@dataclass
class _Frame:
    """The canonical frame under construction."""

    index: pd.Index
    language: str
    flavour: str
    columns: dict[str, pd.Series] = field(default_factory=dict)
    headers: list[HeaderMatch] = field(default_factory=list)
    value_labels: dict[str, dict[str, str]] = field(default_factory=dict)
    variable_labels: dict[str, str] = field(default_factory=dict)
    warnings: list[tuple[str, str]] = field(default_factory=list)

    def claim(self, name: str, source: str) -> str:
        """A free column name: ``name``, or ``name_2`` ... with a warning."""
        if name not in self.columns:
            return name
        free = unique_names([*self.columns, name])[-1]
        self.warnings.append(
            (
                f"Kolumna '{name}' powtarza się (nagłówek „{source}”); ta kopia nazywa się "
                f"'{free}'.",
                f"The column '{name}' occurs again (header '{source}'); this copy is named "
                f"'{free}'.",
            )
        )
        return free

    def add(self, name: str, series: pd.Series, label: str | None = None) -> None:
        self.columns[name] = series
        if label:
            self.variable_labels[name] = label


def _not_converted(column: str, result: Converted, what_pl: str, what_en: str) -> tuple[str, str]:
    rows = _shown(list(result.bad_rows))
    return (
        f"Kolumna '{column}': wartości w wierszach {rows} to nie {what_pl}; kolumnę zostawiono "
        "jako tekst.",
        f"Column '{column}': the values in rows {rows} are not {what_en}; the column was kept "
        "as text.",
    )


def _typed(frame: _Frame, column: str, series: pd.Series, q: Question) -> pd.Series:
    """Values of a single-column question, typed by its XLSForm type."""
    if q.type in _NUMERIC:
        result = to_number(series, _NUMERIC[q.type])
        if result.bad_rows:
            frame.warnings.append(_not_converted(column, result, "liczby", "numbers"))
        return result.series
    if q.type in _DATES:
        result = to_datetime(series)
        if result.bad_rows:
            frame.warnings.append(_not_converted(column, result, "daty", "dates"))
        return result.series
    if q.type in _INFERRED:
        return infer_column(series)
    return to_string(series)


def _datetime_meta(frame: _Frame, column: str, series: pd.Series, flavour: str) -> pd.Series:
    result = to_datetime(series)
    if result.bad_rows:
        frame.warnings.append(_not_converted(column, result, "daty", "dates"))
        return result.series
    converted = result.series
    if result.note == "day_month_ambiguous":
        frame.warnings.append(
            (
                f"Kolumna '{column}': daty odczytano jako dzień/miesiąc, ale pasują też jako "
                "miesiąc/dzień. Sprawdź kilka dat.",
                f"Column '{column}': dates were read as day/month but also fit month/day. Check "
                "a few dates.",
            )
        )
    if flavour == "limesurvey":
        naive = converted.dt.tz_localize(None) if converted.dt.tz is not None else converted
        placeholder = naive == _LIME_PLACEHOLDER
        if placeholder.any():
            converted = converted.mask(placeholder)
            frame.warnings.append(
                (
                    f"Kolumna '{column}': data 1980-01-01 00:00:00 to zastępcza data LimeSurvey "
                    f"dla ankiet anonimowych ({int(placeholder.sum())} wierszy); ustawiono brak "
                    "danych.",
                    f"Column '{column}': 1980-01-01 00:00:00 is LimeSurvey's placeholder date for "
                    f"anonymised responses ({int(placeholder.sum())} rows); set to missing.",
                )
            )
    return converted


def _option_label(q: Question, option: str, lang: str) -> str:
    choice = q.choice(option)
    return choice.label(lang) if choice else option


def _emit_options(frame: _Frame, q: Question, columns: Mapping[str, pd.Series]) -> dict[str, str]:
    """Add ``q__option`` columns; return option -> claimed column name."""
    names = {}
    for option, series in columns.items():
        name = frame.claim(f"{q.name}__{option}", q.name)
        label = f"{q.label(frame.language)}: {_option_label(q, option, frame.language)}"
        frame.add(name, series, label)
        names[option] = name
    return names


def _split_options(frame: _Frame, q: Question, group: list[Target], data: pd.DataFrame) -> None:
    """Option columns of one question (``q/opt``, ``q[opt]``) as 0/1 columns."""
    columns = {t.option or "": data[t.source_index] for t in group}
    converted, unexpected = combine_options(columns, q)
    names = _emit_options(frame, q, converted)
    for t in group:
        frame.headers.append(
            HeaderMatch(t.source, names[t.option or ""], "option", t.language, t.source_index)
        )
    if unexpected:
        shown = ", ".join(f"'{u}'" for u in unexpected[:5])
        frame.warnings.append(
            (
                f"Pytanie '{q.name}': w kolumnach opcji są wartości inne niż 0/1 ({shown}); "
                "potraktowano je jako zaznaczone.",
                f"Question '{q.name}': the option columns hold values other than 0/1 ({shown}); "
                "they were taken as chosen.",
            )
        )


def _joined_options(q: Question, series: pd.Series) -> tuple[dict[str, pd.Series], pd.Series]:
    """0/1 columns from a joined select_multiple column, and the parts matching no option."""
    index = ChoiceIndex.of(q, extra=("other",))
    columns, rest = split_multiple(series, index, [*q.choice_names(), "other"])
    if not columns["other"].fillna(0).astype(bool).any():
        del columns["other"]
    return columns, rest


def _single_multiple(frame: _Frame, q: Question, t: Target, series: pd.Series) -> None:
    """A joined select_multiple column (``"a b"``, ``"A, B"``) as 0/1 columns."""
    columns, rest = _joined_options(q, series)
    _emit_options(frame, q, columns)
    frame.headers.append(HeaderMatch(t.source, q.name, t.how, t.language, t.source_index))
    if rest.notna().any():
        name = frame.claim(f"{q.name}_other", t.source)
        frame.add(name, rest, f"{q.label(frame.language)}: inne odpowiedzi")
        rows = _shown([int(r) for r in rest.index[rest.notna()]])
        frame.warnings.append(
            (
                f"Pytanie '{q.name}': części odpowiedzi w wierszach {rows} nie pasują do żadnej "
                f"opcji; zapisano je w kolumnie '{name}'.",
                f"Question '{q.name}': parts of the answers in rows {rows} match no option; "
                f"they were kept in the column '{name}'.",
            )
        )


def _redundant_joined(frame: _Frame, q: Question, t: Target, series: pd.Series) -> None:
    """A joined column next to its split option columns (Kobo's default): check, then drop."""
    frame.headers.append(HeaderMatch(t.source, None, "dropped", t.language, t.source_index))
    columns, _ = _joined_options(q, series)
    _check_agrees(frame, q, columns)


def _check_agrees(frame: _Frame, q: Question, columns: Mapping[str, pd.Series]) -> None:
    """The joined select_multiple column against its split option columns."""
    differing: set[int] = set()
    for option, series in columns.items():
        split = frame.columns.get(f"{q.name}__{option}")
        if split is None:
            continue
        both = series.notna() & split.notna()
        differing |= {int(r) for r in series.index[both & (series != split).fillna(False)]}
    if differing:
        rows = _shown(sorted(differing))
        frame.warnings.append(
            (
                f"Pytanie '{q.name}': kolumna zbiorcza i kolumny opcji różnią się w wierszach "
                f"{rows}; użyto kolumn opcji.",
                f"Question '{q.name}': the joined column and the option columns differ in rows "
                f"{rows}; the option columns were used.",
            )
        )


def _plain(frame: _Frame, source: Source, t: Target, series: pd.Series) -> None:
    """A column without a question: metadata, cleaned or unmatched headers."""
    name = frame.claim(t.column or clean_name(t.source), t.source)
    if t.meta == "respondent_id" and name == "respondent_id":
        values = to_string(series)
    elif t.meta in ("submitted_at", "started_at", "ended_at") and name == t.meta:
        values = _datetime_meta(frame, name, series, frame.flavour)
        if t.source.strip() == "_submission_time" and values.dtype.kind == "M":
            values = values.dt.tz_localize("UTC") if values.dt.tz is None else values
    else:
        values = infer_column(series)
    label = source.variable_labels.get(t.source_index)
    if label is None and t.how in ("cleaned", "unmatched") and t.source.strip().lower() != name:
        label = t.source.strip()
    frame.add(name, values, label)
    file_labels = source.value_labels.get(t.source_index)
    if file_labels:
        frame.value_labels[name] = dict(file_labels)
    frame.headers.append(HeaderMatch(t.source, name, t.how, t.language, t.source_index))


def _question(frame: _Frame, source: Source, q: Question, t: Target, series: pd.Series) -> None:
    """A single-column question: codes for select_one, else typed by the question type."""
    name = frame.claim(t.column or q.name, t.source)
    if t.how == "metadata" and name in ("started_at", "ended_at"):
        values = _datetime_meta(frame, name, series, frame.flavour)
    elif t.how == "metadata" and name == "respondent_id":
        values = to_string(series)
    elif q.type == "select_one":
        index = ChoiceIndex.of(q)
        values = to_codes(series, index, source.value_labels.get(t.source_index))
        frame.value_labels[name] = {c.name: c.label(frame.language) for c in q.choices}
    else:
        values = _typed(frame, name, series, q)
    frame.add(name, values, q.label(frame.language))
    frame.headers.append(HeaderMatch(t.source, name, t.how, t.language, t.source_index))


def _build(
    source: Source, targets: list[Target], instrument: Instrument | None, flavour: str
) -> _Frame:
    language = instrument.default_language if instrument is not None else "default"
    frame = _Frame(source.data.index, language, flavour)
    groups: dict[str, list[Target]] = {}
    for t in targets:
        if t.how == "option" and t.question is not None:
            groups.setdefault(t.question.name, []).append(t)
    done: set[str] = set()
    joined: list[tuple[Question, Target]] = []
    for t in targets:
        series = source.data[t.source_index]
        q = t.question
        if t.how == "dropped":
            frame.headers.append(t.header_match())
        elif q is None:
            _plain(frame, source, t, series)
        elif t.how == "option":
            if q.name not in done:
                _split_options(frame, q, groups[q.name], source.data)
                done.add(q.name)
        elif q.is_multiple and q.name in groups:
            joined.append((q, t))
        elif q.is_multiple:
            _single_multiple(frame, q, t, series)
        else:
            _question(frame, source, q, t, series)
    for q, t in joined:
        _redundant_joined(frame, q, t, source.data[t.source_index])
    records = {h.source_index: h for h in frame.headers}
    frame.headers = [records[i] for i in sorted(records)]
    return frame


def _load_table(
    path: Path,
    *,
    sheet: str | None,
    encoding: str | None,
    instrument: Instrument | None = None,
    responses: bool = False,
) -> Source:
    source = _load(path, sheet=sheet, encoding=encoding, instrument=instrument)
    if not source.headers:
        raise ReadError(
            pl="Plik jest pusty: nie ma w nim wiersza nagłówka ani odpowiedzi.",
            en="The file is empty: it has no header row and no answers.",
            file=path,
        )
    if responses and sheet is None:  # a sheet named by hand is read as asked
        refuse_non_responses(source, path)
    return source


def _empty_columns(source: Source) -> list[bool]:
    return [all(is_missing(v) for v in source.data[i]) for i in range(len(source.headers))]


def _renamed(
    headers: tuple[str, ...], columns: Mapping[str, str]
) -> tuple[tuple[str, ...], list[tuple[str, str]]]:
    """Headers with ``columns`` applied, and a warning for each mapped header not in the file."""
    wanted = {str(k).strip(): str(v).strip() for k, v in columns.items()}
    found = tuple(wanted.get(str(h).strip(), h) for h in headers)
    present = {str(h).strip() for h in headers}
    notes = [
        (
            f"Przypisanie kolumn: w pliku nie ma nagłówka „{k}” (miał być czytany jako '{v}').",
            f"Column mapping: the file has no header '{k}' (it was to be read as '{v}').",
        )
        for k, v in wanted.items()
        if k not in present
    ]
    return found, notes


def read_responses(
    path: str | Path,
    instrument: Instrument | None = None,
    *,
    sheet: str | None = None,
    encoding: str | None = None,
    columns: Mapping[str, str] | None = None,
) -> Responses:
    """Read a response file into the canonical frame.

    Parameters
    ----------
    path : str or Path
        CSV (any delimiter, UTF-8/Windows-1250/ISO-8859-2, detected), Excel
        (.xlsx, .xls), SPSS (.sav, .zsav, .por), Stata (.dta) or LimeSurvey's
        SPSS export (.sps beside its .dat). Kobo/ODK/Ona, Google Forms and
        LimeSurvey exports are recognised (LimeSurvey "code. question text"
        headers are matched by their code). The file is opened read-only.
    instrument : Instrument, optional
        The questionnaire (:func:`diagnosis.instrument.load_instrument`). With
        it, headers are matched to questions (by name, by label in any
        language, or as select_multiple options), answers given as labels
        become codes and columns get the questions' types. Without it, columns
        keep cleaned header names and inferred types.
    sheet : str, optional
        Excel sheet to read (read as asked, even if it looks like a codebook);
        default: the sheet that looks most like responses (header matching
        the questionnaire, then most answers), the others named in a warning.
    encoding : str, optional
        Force a text encoding (``"cp1250"``) instead of detecting it; for SPSS
        files it overrides the encoding the file declares.
    columns : mapping, optional
        Headers to read as another name: header as written in the file (without
        surrounding spaces) -> the name to match instead, usually a question
        name (``{"Wiek respondenta": "age_band"}``; a town's ``columns:`` in
        ``town.yaml``). ``Responses.headers`` keeps the header as written; a
        header of the mapping that the file does not have gives a warning.

    Returns
    -------
    Responses
        ``data`` indexed by the row a spreadsheet shows (``"row"``), and the
        record of how every header was matched, labels and warnings.

    Raises
    ------
    ReadError
        The file is missing, of an unknown format, undecodable with the given
        encoding, or structurally broken (with file and row); or it describes
        the survey instead of answering it: a LimeSurvey structure (.lss, .lsa,
        tab-separated .txt), a codebook, an XLSForm sheet, another ZIP archive,
        XML or HTML (the message says what to export instead).
    EncryptedFileError
        The SPSS file is password-encrypted.

    Notes
    -----
    Metadata columns get canonical names: ``respondent_id`` (an instrument
    question with role ``id``, else Kobo ``_uuid``, else ``meta/instanceID``,
    LimeSurvey ``id``), ``submitted_at``, ``started_at`` and ``ended_at`` (the
    instrument's ``start``/``end`` questions become these two); other export
    columns are kept as ``meta_<name>`` (``_id`` -> ``meta_id``). Times that
    carry a zone (``+01:00``, ``CET``; Kobo's ``_submission_time`` is UTC) are
    converted to UTC; times without one are kept as written. LimeSurvey's
    placeholder date 1980-01-01 00:00:00 is set to missing.

    A Kobo export holding a select_multiple question both as one joined
    column and as split option columns is read from the option columns; the
    joined column is recorded as ``dropped`` (after checking they agree).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from diagnosis.instrument import load_instrument
    >>> ins = load_instrument("surveys/instruments/resident_survey.xlsx")
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> csv_bytes = "Płeć;Wiek;trust\\nKobieta;30-44 lat;7\\nmale;n/a;3,0\\n".encode("cp1250")
    >>> _ = (folder / "ankieta.csv").write_bytes(csv_bytes)
    >>> res = read_responses(folder / "ankieta.csv", ins)
    >>> res.encoding, res.data["sex"].tolist(), res.data["age_band"].tolist()
    ('cp1250', ['female', 'male'], ['30_44', <NA>])
    >>> res.data["trust"].tolist(), list(res.data.index)
    ([7, 3], [2, 3])
    """
    path = Path(path)
    source = _load_table(
        path, sheet=sheet, encoding=encoding, instrument=instrument, responses=True
    )
    written = source.headers
    codes, texts = split_code_headers(written)
    if texts:
        source = replace(source, headers=codes, variable_labels={**texts, **source.variable_labels})
    flavour = detect_flavour(codes, source.format)
    renamed_headers, renamed = _renamed(written, columns or {})
    headers = tuple(
        new if new != old else code
        for new, old, code in zip(renamed_headers, written, codes, strict=True)
    )
    targets, notes = match_headers(
        headers,
        instrument,
        flavour,
        empty=_empty_columns(source),
        file_labels=source.variable_labels,
    )
    frame = _build(source, targets, instrument, flavour)
    frame.headers = [replace(h, source=written[h.source_index]) for h in frame.headers]
    data = pd.DataFrame(frame.columns, index=source.data.index)
    data.index.name = "row"
    return Responses(
        data=data,
        path=path,
        format=source.format,
        flavour=flavour,
        encoding=source.encoding,
        headers=tuple(frame.headers),
        value_labels=MappingProxyType(
            {k: MappingProxyType(v) for k, v in frame.value_labels.items()}
        ),
        variable_labels=MappingProxyType(frame.variable_labels),
        warnings=tuple(source.warnings + notes + renamed + frame.warnings),
        header_rows=source.header_rows,
    )


def read_table(
    path: str | Path, *, sheet: str | None = None, encoding: str | None = None
) -> pd.DataFrame:
    """Read a plain small table (a town's list of workshop ideas, a lookup table).

    Same format, encoding and delimiter detection as :func:`read_responses`,
    no instrument and no renaming: headers stay as written (stripped, repeats
    made unique, empty ones named ``column_<n>``), empty separator columns are
    dropped, types are inferred (numbers with decimal commas, dates, text).

    Parameters
    ----------
    path : str or Path
    sheet : str, optional
        Excel sheet; default: the first that looks like data.
    encoding : str, optional
        Force a text encoding instead of detecting it.

    Returns
    -------
    DataFrame
        Indexed by the row a spreadsheet shows (``"row"``).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "pomysly.csv"
    >>> text = "Pomysł;Głosy;Koszt\\nŚcieżka rowerowa;12;\\"1 500,50\\"\\n"
    >>> _ = p.write_bytes(text.encode("cp1250"))
    >>> table = read_table(p)
    >>> table.columns.tolist(), table.loc[2, "Pomysł"], table.loc[2, "Koszt"]
    (['Pomysł', 'Głosy', 'Koszt'], 'Ścieżka rowerowa', np.float64(1500.5))
    """
    source = _load_table(Path(path), sheet=sheet, encoding=encoding)
    empty = _empty_columns(source)
    keep = [i for i, h in enumerate(source.headers) if str(h).strip() or not empty[i]]
    names = unique_names([str(source.headers[i]).strip() or f"column_{i + 1}" for i in keep])
    table = pd.DataFrame(
        {name: infer_column(source.data[i]) for name, i in zip(names, keep, strict=True)},
        index=source.data.index,
    )
    table.index.name = "row"
    return table
