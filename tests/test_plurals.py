"""Polish and English plural forms after a number (diagnosis/plurals.py)."""

import pytest

from diagnosis.plurals import count, plural_form, polish_form

ANKIETA = ("ankieta", "ankiety", "ankiet")


@pytest.mark.parametrize(
    ("n", "expected"),
    [(0, "0 ankiet"), (1, "1 ankieta"), (2, "2 ankiety"), (3, "3 ankiety"), (4, "4 ankiety"),
     (5, "5 ankiet"), (11, "11 ankiet"), (12, "12 ankiet"), (14, "14 ankiet"),
     (21, "21 ankiet"), (22, "22 ankiety"), (24, "24 ankiety"), (25, "25 ankiet"),
     (101, "101 ankiet"), (112, "112 ankiet"), (122, "122 ankiety"), (242, "242 ankiety")],
)  # fmt: skip
def test_polish_forms(n, expected):
    assert count(n, *ANKIETA) == expected


def test_every_number_from_0_to_200_follows_the_rule():
    for n in range(201):
        form = polish_form(n)
        if n == 1:
            assert form == "one"
        elif 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
            assert form == "few"
        else:
            assert form == "many"


def test_english_two_forms():
    assert [plural_form(n, "file", "files") for n in (0, 1, 2)] == ["files", "file", "files"]
    assert count(34, "głos", "głosy", "głosów") == "34 głosy"
    assert count(34, "warning", "warnings") == "34 warnings"
