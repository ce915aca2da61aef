"""Numbers with the right form of the word: "1 ankieta", "3 ankiety", "5 ankiet".

Polish has three forms after a number (CLDR plural categories ``one``, ``few``,
``many``): ``one`` for exactly 1; ``few`` when the last digit is 2-4 and the
last two digits are not 12-14 (2, 3, 4, 22, 23, 24, 102 ...); ``many`` for
everything else (0, 5-21, 25-31, 112 ...). English has two: ``one`` for 1 and
the plural for the rest. Every message of the package that counts something
uses :func:`count`.

Examples
--------
>>> count(1, "ankieta", "ankiety", "ankiet"), count(22, "ankieta", "ankiety", "ankiet")
('1 ankieta', '22 ankiety')
>>> count(112, "głos", "głosy", "głosów"), count(1, "file", "files")
('112 głosów', '1 file')
"""

from __future__ import annotations

__all__ = ["count", "plural_form", "polish_form"]


def polish_form(n: int) -> str:
    """The Polish plural category of ``n``: ``"one"``, ``"few"`` or ``"many"``.

    Examples
    --------
    >>> [polish_form(n) for n in (0, 1, 2, 4, 5, 12, 21, 22, 24, 25, 112, 122)]
    ['many', 'one', 'few', 'few', 'many', 'many', 'many', 'few', 'few', 'many', 'many', 'few']
    """
    n = abs(int(n))
    if n == 1:
        return "one"
    if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
        return "few"
    return "many"


def plural_form(n: int, one: str, few: str, many: str | None = None) -> str:
    """The word for ``n``: Polish ``one``/``few``/``many``, or English ``one``/plural.

    With three forms the Polish rule is used; with two (``many`` left out) the
    English one, ``few`` being the English plural.

    Examples
    --------
    >>> plural_form(5, "osoba", "osoby", "osób"), plural_form(5, "person", "people")
    ('osób', 'people')
    """
    if many is None:
        return one if abs(int(n)) == 1 else few
    return {"one": one, "few": few, "many": many}[polish_form(n)]


def count(n: int, one: str, few: str, many: str | None = None, *, sep: str = " ") -> str:
    """``n`` followed by the right form of the word (see :func:`plural_form`).

    Examples
    --------
    >>> count(0, "ostrzeżenie", "ostrzeżenia", "ostrzeżeń")
    '0 ostrzeżeń'
    >>> count(34, "głos", "głosy", "głosów"), count(242, "ankieta", "ankiety", "ankiet")
    ('34 głosy', '242 ankiety')
    """
    return f"{n}{sep}{plural_form(n, one, few, many)}"
