"""The canonical frame: what every reader returns, whatever the file.

Contract (every reader keeps it, ``validate`` and later steps rely on it):

* ``Responses.data`` is a DataFrame with one row per respondent. Its index is
  the respondent's row in the source file counted as a spreadsheet does
  (header = row 1, first respondent = row 2; with two header rows the first
  respondent is row 3); the index is named ``"row"``. Errors cite it.
* Columns are named as in the instrument (the XLSForm ``name``, without any
  ``group/`` prefix). Without an instrument they are the cleaned original
  headers: lower case, ASCII (Polish letters folded: ``płeć`` -> ``plec``),
  non-alphanumerics collapsed to ``_``, made unique with ``_2``, ``_3``.
* ``select_one`` answers are codes (strings, pandas ``string`` dtype), e.g.
  ``"female"`` or ``"4"``, never labels; ``Responses.value_labels`` keeps the
  labels. Answers that match no code are kept as they were written (validation
  reports them), never dropped.
* ``select_multiple`` becomes one column per option, ``<question>__<option>``,
  dtype ``Int8`` with 1 = chosen, 0 = not chosen, NA = question not answered.
* ``integer`` -> ``Int64``; ``decimal`` -> ``Float64``; text -> ``string``;
  ``start``/``end``/dates -> ``datetime64``. Values that do not convert are
  kept in the original column as text, not turned into NA.
* Missing is ``pd.NA``: empty cells, ``n/a``, ``NA``, SPSS/Stata user-missing
  codes. Answers coded as non-substantive in the instrument ("Trudno
  powiedzieć", code 99) are *not* missing here; that is an analysis decision.
* Known metadata columns keep a canonical name: ``respondent_id`` (Kobo
  ``_uuid``/``meta/instanceID``, LimeSurvey ``id``, an instrument question
  with role ``id``), ``submitted_at`` (``_submission_time``, ``Sygnatura
  czasowa``/``Timestamp``, ``submitdate``), ``started_at``/``ended_at``.
* ``Responses.headers`` records, for every column of the source file, how it
  was matched (:class:`HeaderMatch`).
* Input files are opened read-only, never written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Literal

import pandas as pd

__all__ = ["HeaderMatch", "MatchHow", "Responses"]

MatchHow = Literal[
    "name",  # header equals the question name (case-insensitive, group prefix removed)
    "label",  # header equals a question label in ``language``
    "option",  # a split select_multiple column (``q/option``, ``q.option``, ``q[option]``)
    "metadata",  # a known metadata column (respondent_id, submitted_at, ...)
    "cleaned",  # no instrument: the header was cleaned into a column name
    "unmatched",  # instrument given, header matched nothing: kept under its cleaned name
    "dropped",  # an empty or separator column that carries no data
]


@dataclass(frozen=True)
class HeaderMatch:
    """How one header of the source file became a column of the frame.

    Attributes
    ----------
    source : str
        The header as written in the file.
    column : str or None
        The canonical column it became (None when ``how == "dropped"``).
    how : MatchHow
    language : str or None
        The label language that matched, for ``how == "label"``.
    source_index : int
        0-based position of the header in the file.
    """

    source: str
    column: str | None
    how: MatchHow
    language: str | None = None
    source_index: int = 0


@dataclass(frozen=True)
class Responses:
    """One response file read into the canonical frame.

    Attributes
    ----------
    data : DataFrame
        The canonical frame (see module docstring).
    path : Path
        The file read.
    format : str
        ``csv``, ``xlsx``, ``xls``, ``sav``, ``zsav``, ``por``, ``dta``,
        ``limesurvey_sps``; ``flavour`` says whose export it looked like.
    flavour : str
        ``kobo``, ``google_forms``, ``limesurvey``, ``spss``, ``stata`` or ``plain``.
    encoding : str or None
        Text encoding detected (text formats), e.g. ``utf-8-sig``, ``cp1250``.
    headers : tuple of HeaderMatch
    value_labels : mapping column -> mapping code -> label
        Labels of coded answers (from the instrument or the file).
    variable_labels : mapping column -> label
        Question texts (from the instrument or the file).
    warnings : tuple of (pl, en) message pairs
        Things the reader repaired or could not be sure of (mixed encodings,
        a merged header cell ...), worth telling the user.
    header_rows : int
        How many header rows the file had.
    """

    data: pd.DataFrame
    path: Path
    format: str
    flavour: str = "plain"
    encoding: str | None = None
    headers: tuple[HeaderMatch, ...] = ()
    value_labels: Mapping[str, Mapping[str, str]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    variable_labels: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    warnings: tuple[tuple[str, str], ...] = ()
    header_rows: int = 1

    @property
    def n(self) -> int:
        """Number of respondents (rows)."""
        return len(self.data)

    def unmatched(self) -> tuple[str, ...]:
        """Source headers that matched no question of the instrument."""
        return tuple(h.source for h in self.headers if h.how == "unmatched")

    def headers_frame(self) -> pd.DataFrame:
        """The header record as a DataFrame (source, column, how, language)."""
        return pd.DataFrame(
            [(h.source_index, h.source, h.column, h.how, h.language) for h in self.headers],
            columns=["source_index", "source", "column", "how", "language"],
        )
