"""Column mapping: headers that did not match the questionnaire, and what they can be read as.

After a file is read, every header the reader could not match to a question
(``how == "unmatched"``) is offered here, together with the headers already
mapped in ``town.yaml`` (so a mapping can be changed or undone). The choices
are the questionnaire's questions, those with no column in the file first (the
likely answer), then all others; select-multiple questions are offered whole
(one column of joined answers) and option by option (``needs/jobs``, a 0/1
column). The chosen mapping is saved as ``columns:`` of the file's entry in
``town.yaml`` (:func:`diagnosis.app.town_files.set_column_mapping`), which the
reader applies from then on.

Examples
--------
>>> from diagnosis.instrument import load_instrument
>>> ins = load_instrument("surveys/instruments/resident_survey.xlsx")
>>> options = target_options(ins, "pl", missing={"age_band"})
>>> options[0], options[1]
(('— nie używaj tej kolumny —', ''), ('age_band: Wiek — brak w pliku', 'age_band'))
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from ..errors import Language
from ..instrument import Instrument, Question
from ..read import Responses

__all__ = ["MappingRow", "mapping_rows", "missing_questions", "target_options"]

_LEAVE_OUT = {"pl": "— nie używaj tej kolumny —", "en": "— do not use this column —"}
_MISSING = {"pl": "brak w pliku", "en": "not in the file"}
_WHOLE = {"pl": "cała odpowiedź", "en": "whole answer"}
_WIDTH = 90


@dataclass(frozen=True)
class MappingRow:
    """One header that can be mapped: where it is and what it is read as now.

    Attributes
    ----------
    file : str
        The response file (as named in ``town.yaml``).
    header : str
        The header as written in the file.
    target : str
        The name it is read as (``""``: not mapped).
    """

    file: str
    header: str
    target: str = ""


def mapping_rows(
    responses: Responses, mapped: Mapping[str, str], file: str | None = None
) -> list[MappingRow]:
    """The headers of one file to offer for mapping, in file order.

    Parameters
    ----------
    responses : Responses
        The file as read (with the current mapping applied).
    mapped : mapping header -> name
        The file's ``columns`` from ``town.yaml``.
    file : str, optional
        The file as ``town.yaml`` names it (default: the file's name).

    Returns
    -------
    list of MappingRow
        Unmatched headers (target ``""``) and mapped ones (their target).

    Examples
    --------
    >>> from diagnosis.read import HeaderMatch
    >>> import pandas as pd, pathlib
    >>> res = Responses(pd.DataFrame(), pathlib.Path("a.csv"), "csv", headers=(
    ...     HeaderMatch("sex", "sex", "name"), HeaderMatch("Wiek?", "wiek", "unmatched", None, 1)))
    >>> mapping_rows(res, {})
    [MappingRow(file='a.csv', header='Wiek?', target='')]
    """
    wanted = {str(k).strip(): v for k, v in mapped.items()}
    file = file or responses.path.name
    rows = []
    for h in responses.headers:
        header = str(h.source).strip()
        if header in wanted:
            rows.append(MappingRow(file, header, wanted[header]))
        elif h.how == "unmatched":
            rows.append(MappingRow(file, header))
    return rows


def missing_questions(responses: Responses, instrument: Instrument) -> set[str]:
    """Names of the questions that have no column in the file as read.

    Examples
    --------
    >>> import pandas as pd, pathlib
    >>> from diagnosis.instrument import load_instrument
    >>> ins = load_instrument("surveys/instruments/resident_survey.xlsx")
    >>> res = Responses(pd.DataFrame({"sex": ["female"]}), pathlib.Path("a.csv"), "csv")
    >>> {"sex", "age_band"} & missing_questions(res, ins)
    {'age_band'}
    """
    have = set(responses.data.columns)
    return {q.name for q in instrument.questions if not _columns_of(q) & have}


def _columns_of(q: Question) -> set[str]:
    """Columns a question can become (start/end and id questions get canonical names)."""
    names = set(q.columns())
    if q.role in ("started_at", "ended_at"):
        names.add(q.role)
    if q.role == "id":
        names.add("respondent_id")
    return names


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _WIDTH else text[: _WIDTH - 1].rstrip() + "…"


def _label(q: Question, lang: Language) -> str:
    label = q.label(lang)
    stem = q.stem.get(lang) if q.stem else None
    return f"{label} ({stem})" if stem else label


def target_options(
    instrument: Instrument, lang: Language, missing: Collection[str] = ()
) -> list[tuple[str, str]]:
    """Dropdown options ``(label, name)`` for mapping a header, best guesses first.

    Parameters
    ----------
    instrument : Instrument
    lang : {"pl", "en"}
    missing : collection of str
        Questions with no column in the file (:func:`missing_questions`):
        listed first and marked.

    Returns
    -------
    list of (label, value)
        First "do not use" (``""``), then every question; a select-multiple
        question also once per option (``q/option``).
    """
    first: list[tuple[str, str]] = []
    rest: list[tuple[str, str]] = []
    for q in instrument.questions:
        mark = f" — {_MISSING[lang]}" if q.name in missing else ""
        pack = first if q.name in missing else rest
        if q.is_multiple:
            pack.append((_short(f"{q.name}: {_label(q, lang)} ({_WHOLE[lang]})") + mark, q.name))
            for c in q.choices:
                pack.append(
                    (_short(f"{q.name}/{c.name}: {c.label(lang)}") + mark, f"{q.name}/{c.name}")
                )
        else:
            pack.append((_short(f"{q.name}: {_label(q, lang)}") + mark, q.name))
    return [(_LEAVE_OUT[lang], ""), *first, *rest]
