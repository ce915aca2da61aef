"""Input checks shared by the figures, tables and disclosure control.

Everything in ``present`` takes plain DataFrames plus column names; these
helpers turn a missing column or an unknown language into a
:class:`PresentError` that names the bad value and the valid choices.

Examples
--------
>>> import pandas as pd
>>> require_columns(pd.DataFrame({"a": [1]}), ["a"], "estimates")
>>> check_lang("de")
Traceback (most recent call last):
...
diagnosis.present.checks.PresentError: Unknown report language 'de'; choose 'pl' or 'en'.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

import pandas as pd

from ..errors import DiagnosisError

__all__ = ["LANGUAGES", "PresentError", "check_lang", "require_columns"]

#: the report languages
LANGUAGES: tuple[str, ...] = ("pl", "en")

Lang = Literal["pl", "en"]


class PresentError(DiagnosisError, ValueError):
    """A figure or table cannot be made from what was given.

    Also a :class:`ValueError`, so callers that do not know the package's
    exception tree still catch it.
    """


def check_lang(lang: str) -> None:
    """Raise :class:`PresentError` unless ``lang`` is ``"pl"`` or ``"en"``.

    Parameters
    ----------
    lang : str
        The report language.

    Examples
    --------
    >>> check_lang("pl")
    """
    if lang not in LANGUAGES:
        raise PresentError(
            pl=f"Nieznany język raportu '{lang}'; wybierz 'pl' albo 'en'.",
            en=f"Unknown report language '{lang}'; choose 'pl' or 'en'.",
        )


def require_columns(df: pd.DataFrame, columns: Iterable[str | None], what: str) -> None:
    """Raise :class:`PresentError` naming the first of ``columns`` missing from ``df``.

    Parameters
    ----------
    df : DataFrame
        The frame to check.
    columns : iterable of str or None
        Column names; ``None`` entries (optional columns not used) are skipped.
    what : str
        What the frame is, for the message (e.g. ``"likert_bars"``).

    Examples
    --------
    >>> require_columns(pd.DataFrame({"a": [1]}), ["a", None], "demo")
    """
    for name in columns:
        if name is not None and name not in df.columns:
            have = ", ".join(map(str, df.columns))
            raise PresentError(
                pl=f"{what}: brak kolumny '{name}' (są: {have}).",
                en=f"{what}: no column '{name}' (found: {have}).",
                column=name,
            )
