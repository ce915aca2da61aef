"""Numbers written the way a Polish or an English reader expects.

Polish: decimal comma, a narrow no-break space (U+202F) between thousands,
``"12,3%"``; English: ``"12.3%"`` and ``"1,234"``. The minus sign is U+2212.
Figures and tables use the same functions, so a number reads the same in the
text, the tables and on the axes.

Examples
--------
>>> format_number(12345.678, "pl", 1)
'12\\u202f345,7'
>>> format_percent(0.1234, "pl"), format_percent(0.1234, "en")
('12,3%', '12.3%')
>>> format_interval(0.123, 0.101, 0.146, "pl")
'12,3% (10,1–14,6)'
"""

from __future__ import annotations

import math

from .checks import check_lang

__all__ = [
    "THOUSANDS",
    "format_date",
    "format_interval",
    "format_number",
    "format_percent",
    "is_missing",
]

#: thousands separator in Polish: narrow no-break space (thin, never breaks the number)
THOUSANDS = {"pl": "\u202f", "en": ","}
_DECIMAL = {"pl": ",", "en": "."}
_MINUS = "\u2212"


def is_missing(value: object) -> bool:
    """Whether ``value`` is None, NaN or pandas' NA.

    Examples
    --------
    >>> is_missing(float("nan")), is_missing(None), is_missing(0.0)
    (True, True, False)
    """
    if value is None:
        return True
    try:
        return bool(math.isnan(value))  # type: ignore[arg-type]
    except TypeError:
        return str(value) in {"<NA>", "NaT"}


def format_number(
    value: float | int | None,
    lang: str = "pl",
    decimals: int = 1,
    *,
    grouping: bool = True,
    missing: str = "–",
) -> str:
    """Write ``value`` with ``decimals`` places in the report language.

    Parameters
    ----------
    value : float, int or None
        The number; None/NaN gives ``missing``.
    lang : {"pl", "en"}
        Decimal comma and thin-space thousands (pl) or point and comma (en).
    decimals : int
        Places after the decimal separator.
    grouping : bool
        Separate thousands.
    missing : str
        What to write for a missing value.

    Returns
    -------
    str

    Examples
    --------
    >>> format_number(-1234.5, "en", 1), format_number(None, "pl")
    ('−1,234.5', '–')
    """
    check_lang(lang)
    if is_missing(value):
        return missing
    number = float(value)  # type: ignore[arg-type]
    text = f"{abs(number):,.{decimals}f}" if grouping else f"{abs(number):.{decimals}f}"
    text = text.replace(",", "\0").replace(".", _DECIMAL[lang]).replace("\0", THOUSANDS[lang])
    negative = number < 0 and any(ch not in "0,." for ch in text.replace(THOUSANDS[lang], ""))
    return (_MINUS if negative else "") + text


def format_percent(
    share: float | None, lang: str = "pl", decimals: int = 1, *, missing: str = "–"
) -> str:
    """Write a share (0-1) as a percentage: ``0.123 -> "12,3%"`` in Polish.

    Parameters
    ----------
    share : float or None
        A proportion between 0 and 1.
    lang : {"pl", "en"}
        Report language.
    decimals : int
        Places after the decimal separator.
    missing : str
        What to write for a missing value.

    Returns
    -------
    str

    Examples
    --------
    >>> format_percent(0.5, "pl", 0), format_percent(float("nan"), "en")
    ('50%', '–')
    """
    if is_missing(share):
        check_lang(lang)
        return missing
    return format_number(100 * float(share), lang, decimals) + "%"  # type: ignore[arg-type]


def format_interval(
    estimate: float | None,
    low: float | None,
    high: float | None,
    lang: str = "pl",
    decimals: int = 1,
    *,
    percent: bool = True,
    missing: str = "–",
) -> str:
    """An estimate with its confidence interval: ``"12,3% (10,1–14,6)"``.

    Parameters
    ----------
    estimate, low, high : float or None
        The estimate and the interval's ends. Without an interval only the
        estimate is written.
    lang : {"pl", "en"}
        Report language.
    decimals : int
        Places after the decimal separator.
    percent : bool
        Treat the numbers as shares and write percentages.
    missing : str
        What to write when the estimate is missing.

    Returns
    -------
    str

    Examples
    --------
    >>> format_interval(2.5, 2.31, 2.69, "en", 2, percent=False)
    '2.50 (2.31–2.69)'
    """
    if is_missing(estimate):
        check_lang(lang)
        return missing
    scale = 100.0 if percent else 1.0
    head = format_number(scale * float(estimate), lang, decimals)  # type: ignore[arg-type]
    if percent:
        head += "%"
    if is_missing(low) or is_missing(high):
        return head
    lo = format_number(scale * float(low), lang, decimals)  # type: ignore[arg-type]
    hi = format_number(scale * float(high), lang, decimals)  # type: ignore[arg-type]
    return f"{head} ({lo}–{hi})"


#: month names in the genitive ("27 marca 2026") and in English
_MONTHS = {
    "pl": ("stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia",
           "września", "października", "listopada", "grudnia"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
}  # fmt: skip


def format_date(value: object, lang: str = "pl") -> str:
    """A date as people write it: ``27 marca 2026`` (pl), ``27 March 2026`` (en); ``–`` if none.

    ``value`` is a date or an ISO date string (as the evidence files keep
    dates); any other string is returned as it is.

    Examples
    --------
    >>> import datetime as dt
    >>> format_date(dt.date(2026, 3, 2)), format_date(dt.date(2026, 10, 31), "en")
    ('2 marca 2026', '31 October 2026')
    >>> format_date(None), format_date("2026-04-26")
    ('–', '26 kwietnia 2026')
    """
    if value is None or is_missing(value):
        return "–"
    if isinstance(value, str):
        import datetime as dt

        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            return value
    return f"{value.day} {_MONTHS['pl' if lang == 'pl' else 'en'][value.month - 1]} {value.year}"
