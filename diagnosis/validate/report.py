"""The results of validation: located findings and a readable report.

Examples
--------
>>> f = Finding(code="empty_row", severity="warning", file="ankiety.csv", row=7,
...             pl="Ten wiersz jest pusty.", en="This row is empty.")
>>> ValidationReport((f,), "ankiety.csv", 10).ok
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..errors import Language, ValidationError, located

__all__ = ["Finding", "Severity", "ValidationReport", "finding_title"]

Severity = Literal["error", "warning", "info"]

_SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}
#: order of the checks in a report (and in :meth:`ValidationReport.render`)
_CODE_ORDER = (
    "duplicate_file",
    "duplicate_column",
    "missing_column",
    "unknown_column",
    "value_not_in_choices",
    "not_a_number",
    "not_an_integer",
    "out_of_range",
    "too_many_choices",
    "duplicate_id",
    "duplicate_response",
    "required_missing",
    "empty_row",
    "straight_lining",
    "too_fast",
    "end_before_start",
    "outside_fieldwork",
    "high_item_nonresponse",
    "read_warning",
)
_CODE_RANK = {code: i for i, code in enumerate(_CODE_ORDER)}


def finding_title(code: str, lang: Language = "pl") -> str:
    """What a kind of finding is called in the librarian's language (never its code).

    Examples
    --------
    >>> finding_title("missing_column")
    'Pytania bez kolumny w pliku'
    >>> finding_title("something_new", "en")
    'Other findings'
    """
    default = ("Inne uwagi", "Other findings")
    return _TITLES.get(code, default)[0 if lang == "pl" else 1]


#: headings of the groups in :meth:`ValidationReport.render`
_TITLES = {
    "duplicate_file": (
        "Pliki, które powtarzają inny plik z odpowiedziami",
        "Files that repeat another response file",
    ),
    "duplicate_response": (
        "Powtórzone ankiety (ta sama ankieta więcej niż raz)",
        "Repeated responses (the same response more than once)",
    ),
    "outside_fieldwork": (
        "Ankiety z datą spoza okresu badania",
        "Responses dated outside the fieldwork period",
    ),
    "duplicate_column": ("Powtórzone nazwy kolumn", "Repeated column names"),
    "missing_column": ("Pytania bez kolumny w pliku", "Questions with no column in the file"),
    "unknown_column": (
        "Kolumny, których nie ma w kwestionariuszu",
        "Columns that are not in the questionnaire",
    ),
    "value_not_in_choices": (
        "Odpowiedzi spoza listy odpowiedzi",
        "Answers that are not on the list of choices",
    ),
    "not_a_number": ("Wpisy, które nie są liczbami", "Entries that are not numbers"),
    "not_an_integer": (
        "Liczby, które powinny być całkowite",
        "Numbers that should be whole numbers",
    ),
    "out_of_range": ("Liczby poza dozwolonym zakresem", "Numbers outside the allowed range"),
    "too_many_choices": ("Za dużo zaznaczonych odpowiedzi", "Too many options chosen"),
    "duplicate_id": ("Powtórzone identyfikatory ankiet", "Repeated respondent identifiers"),
    "required_missing": (
        "Brak odpowiedzi na pytania obowiązkowe",
        "Required questions left empty",
    ),
    "empty_row": ("Puste wiersze", "Empty rows"),
    "straight_lining": (
        "Ta sama odpowiedź na całą baterię pytań",
        "The same answer to a whole battery of questions",
    ),
    "too_fast": ("Ankiety wypełnione podejrzanie szybko", "Surveys completed implausibly fast"),
    "end_before_start": (
        "Koniec ankiety wcześniej niż jej początek",
        "Survey ended before it started",
    ),
    "high_item_nonresponse": ("Dużo pytań bez odpowiedzi", "Many questions left unanswered"),
    "read_warning": ("Uwagi z wczytywania pliku", "Notes from reading the file"),
    "read_failed": ("Pliki, których nie udało się wczytać", "Files that could not be read"),
    "no_rows": ("Pliki bez żadnej ankiety", "Files with no responses"),
    "too_few_respondents": (
        "Za mało ankiet, by pokazać wyniki",
        "Too few responses to show results",
    ),
    "population_margins_mismatch": (
        "Liczba mieszkańców niezgodna ze strukturą ludności",
        "Population that contradicts the margins",
    ),
    "population_below_sample": (
        "Więcej ankiet niż mieszkańców",
        "More responses than residents",
    ),
    "margin_group_no_sample": (
        "Grupy wieku lub płci bez żadnej ankiety",
        "Age or sex groups with no respondent",
    ),
    "margin_group_zero": (
        "Grupy z ankietami, ale bez mieszkańców",
        "Groups with respondents but no residents",
    ),
    "margin_code_unknown": (
        "Struktura ludności z kodami spoza kwestionariusza",
        "Population margins with codes not in the questionnaire",
    ),
    "margin_cell_missing": (
        "Brakujące komórki struktury ludności",
        "Missing population cells",
    ),
    "margin_cell_no_sample": (
        "Grupy ludności bez żadnej ankiety",
        "Population groups with no respondent",
    ),
    "district_unknown": (
        "Nazwy osiedli z kodami spoza kwestionariusza",
        "District names with codes not in the questionnaire",
    ),
    "workshop_column_missing": (
        "Brakujące kolumny w plikach z warsztatów",
        "Missing columns in workshop files",
    ),
    "workshop_need_unknown": (
        "Pomysły z warsztatów przypisane do nieznanej potrzeby",
        "Workshop ideas linked to an unknown need",
    ),
    "workshop_votes_invalid": (
        "Nieprawidłowe liczby głosów",
        "Invalid vote counts",
    ),
}
_SECTIONS = {
    "error": (
        "BŁĘDY — trzeba je poprawić przed analizą",
        "ERRORS — fix these before the analysis",
    ),
    "warning": (
        "OSTRZEŻENIA — warto sprawdzić, analiza może się jednak odbyć",
        "WARNINGS — worth checking, the analysis can still go on",
    ),
    "info": ("INFORMACJE — nic nie trzeba robić", "NOTES — nothing needs to be done"),
}


# ---------------------------------------------------------------- the results


@dataclass(frozen=True, kw_only=True)
class Finding:
    """One problem found in the data, located and explained in two languages.

    Attributes
    ----------
    code : str
        Stable identifier of the check, e.g. ``"value_not_in_choices"``.
    severity : {"error", "warning", "info"}
        ``error`` stops the analysis (see :meth:`ValidationReport.raise_for_errors`).
    file : str or None
        Name of the response file.
    row : int or None
        Row of the respondent as in the spreadsheet (the frame's index);
        None when the finding is about a whole column or the whole file.
    column : str or None
        Column of the canonical frame (a question name), if any.
    value : object
        The offending value as written, or a number that says how much
        (e.g. how many options were chosen).
    pl, en : str
        Full sentences: what is wrong and what to do.

    Examples
    --------
    >>> f = Finding(code="empty_row", severity="warning", file="ankiety.csv", row=7,
    ...             pl="Ten wiersz jest pusty.", en="This row is empty.")
    >>> f.message("en")
    'ankiety.csv, row 7: This row is empty.'
    """

    code: str
    severity: Severity
    file: str | None = None
    row: Any = None
    column: str | None = None
    value: Any = None
    pl: str
    en: str

    def __post_init__(self) -> None:
        if self.severity not in _SEVERITY_RANK:
            raise ValueError(f"severity must be one of {sorted(_SEVERITY_RANK)}: {self.severity!r}")

    def text(self, lang: Language = "pl") -> str:
        """The sentence in ``lang`` without the location."""
        return self.pl if lang == "pl" else self.en

    def where(self, lang: Language = "pl", *, with_file: bool = True) -> str:
        """The location (file, row, column, value) in ``lang``."""
        return located(lang, self.file if with_file else None, self.row, self.column, self.value)

    def message(self, lang: Language = "pl") -> str:
        """The located message in ``lang`` (``"pl"`` or ``"en"``).

        Examples
        --------
        >>> f = Finding(code="x", severity="info", row=3, column="sex", pl="Źle.", en="Wrong.")
        >>> f.message("pl")
        "wiersz 3, kolumna 'sex': Źle."
        """
        where = self.where(lang)
        return f"{where}: {self.text(lang)}" if where else self.text(lang)


@dataclass(frozen=True)
class ValidationReport:
    """Everything :func:`validate` found in one response file.

    Attributes
    ----------
    findings : tuple of Finding
        Errors first, then warnings, then notes; within a severity in the
        order of the checks, then by row.
    file : str or None
        Name of the file checked.
    n_rows : int
        Number of respondent rows checked.

    Examples
    --------
    >>> report = ValidationReport(findings=(), file="ankiety.csv", n_rows=120)
    >>> report.ok, report.summary("en")
    (True, 'ankiety.csv: 120 rows; no problems found.')
    """

    findings: tuple[Finding, ...]
    file: str | None
    n_rows: int

    @property
    def errors(self) -> tuple[Finding, ...]:
        """Findings with severity ``error``."""
        return tuple(f for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> tuple[Finding, ...]:
        """Findings with severity ``warning``."""
        return tuple(f for f in self.findings if f.severity == "warning")

    @property
    def infos(self) -> tuple[Finding, ...]:
        """Findings with severity ``info``."""
        return tuple(f for f in self.findings if f.severity == "info")

    @property
    def ok(self) -> bool:
        """True when there are no errors (warnings and notes allowed)."""
        return not any(f.severity == "error" for f in self.findings)

    def codes(self) -> tuple[str, ...]:
        """The distinct codes found, in report order."""
        return tuple(dict.fromkeys(f.code for f in self.findings))

    def to_frame(self) -> pd.DataFrame:
        """The findings as a tidy table, one row per finding.

        Returns
        -------
        DataFrame
            Columns ``code, severity, file, row, column, value, message_pl,
            message_en``. ``row`` is ``Int64`` (NA for column-level findings),
            ``value`` is text, the messages are the sentences without the
            location (the other columns hold it).

        Examples
        --------
        >>> ValidationReport((), "a.csv", 0).to_frame().columns.tolist()
        ['code', 'severity', 'file', 'row', 'column', 'value', 'message_pl', 'message_en']
        """
        rows = [f.row for f in self.findings]
        if all(r is None or isinstance(r, (int, np.integer)) for r in rows):
            row_col: Any = pd.array(rows, dtype="Int64")
        else:
            row_col = pd.array(rows, dtype=object)
        return pd.DataFrame(
            {
                "code": pd.array([f.code for f in self.findings], dtype="string"),
                "severity": pd.array([f.severity for f in self.findings], dtype="string"),
                "file": pd.array([f.file for f in self.findings], dtype="string"),
                "row": row_col,
                "column": pd.array([f.column for f in self.findings], dtype="string"),
                "value": pd.array(
                    [None if f.value is None else str(f.value) for f in self.findings],
                    dtype="string",
                ),
                "message_pl": pd.array([f.pl for f in self.findings], dtype="string"),
                "message_en": pd.array([f.en for f in self.findings], dtype="string"),
            }
        )

    def summary(self, lang: Language = "pl") -> str:
        """One line with the counts of errors, warnings and notes.

        Examples
        --------
        >>> f = Finding(code="empty_row", severity="warning", row=4, pl="Pusty.", en="Empty.")
        >>> ValidationReport((f, f), "ankiety.csv", 22).summary("pl")
        'ankiety.csv: 22 wiersze; 2 ostrzeżenia.'
        """
        counts = {s: sum(f.severity == s for f in self.findings) for s in _SEVERITY_RANK}
        head = _count(self.n_rows, "row", lang)
        if self.file:
            head = f"{self.file}: {head}"
        parts = [_count(n, severity, lang) for severity, n in counts.items() if n]
        if not parts:
            tail = "nie znaleziono problemów" if lang == "pl" else "no problems found"
        else:
            tail = ", ".join(parts)
        return f"{head}; {tail}."

    def render(self, lang: Language = "pl", max_per_code: int = 5) -> str:
        """A readable text report for a librarian, grouped by problem.

        Parameters
        ----------
        lang : {"pl", "en"}
        max_per_code : int
            How many locations to show for each kind of problem; the rest are
            counted.

        Returns
        -------
        str
            Several lines: the summary, then for errors, warnings and notes
            one group per kind of problem saying how many cases in how many
            rows, the first locations with what is wrong and what to do.

        Examples
        --------
        >>> f = Finding(code="empty_row", severity="warning", row=4,
        ...             pl="Ten wiersz jest pusty. Usuń go.", en="This row is empty. Delete it.")
        >>> print(ValidationReport((f,), "ankiety.csv", 10).render("en"))
        ankiety.csv: 10 rows; 1 warning.
        <BLANKLINE>
        WARNINGS — worth checking, the analysis can still go on
        <BLANKLINE>
        * Empty rows: 1 case in 1 row.
          - row 4: This row is empty. Delete it.
        """
        if max_per_code < 0:
            raise ValueError("max_per_code must not be negative")
        pick = 0 if lang == "pl" else 1
        lines = [self.summary(lang)]
        if not self.findings:
            lines.append(
                "Plik jest gotowy do analizy."
                if lang == "pl"
                else "The file is ready for the analysis."
            )
            return "\n".join(lines)
        for severity in _SEVERITY_RANK:
            group = [f for f in self.findings if f.severity == severity]
            if not group:
                continue
            lines += ["", _SECTIONS[severity][pick], ""]
            by_code: dict[str, list[Finding]] = {}
            for f in group:
                by_code.setdefault(f.code, []).append(f)
            for code, items in by_code.items():
                title = _TITLES.get(code, (code, code))[pick]
                n_rows = len({f.row for f in items if f.row is not None})
                counted = _count(len(items), "case", lang)
                if n_rows:
                    where = "w" if lang == "pl" else "in"
                    counted += f" {where} {_count(n_rows, 'row_in', lang)}"
                lines.append(f"* {title}: {counted}.")
                for f in items[:max_per_code]:
                    where = f.where(lang, with_file=f.file != self.file)
                    lines.append(f"  - {where}: {f.text(lang)}" if where else f"  - {f.text(lang)}")
                rest = len(items) - max_per_code
                if rest > 0:
                    more = (
                        f"i jeszcze {_count(rest, 'case', lang)} tego rodzaju"
                        if lang == "pl"
                        else f"and {rest} more {'case' if rest == 1 else 'cases'} of this kind"
                    )
                    lines.append(f"  ... {more}.")
        return "\n".join(lines)

    def raise_for_errors(self, lang: Language = "pl") -> ValidationReport:
        """Raise :class:`~diagnosis.errors.ValidationError` if there are errors.

        The exception carries the location of the first error and both
        messages; ``lang`` chooses the language of ``str(err)``.

        Returns
        -------
        ValidationReport
            ``self``, when there are no errors (so calls can be chained).

        Raises
        ------
        ValidationError
            At the first error, saying how many there are in all.

        Examples
        --------
        >>> f = Finding(code="empty_row", severity="error", file="ankiety.csv", row=5,
        ...             pl="Pusty.", en="Empty.")
        >>> ValidationReport((f,), "ankiety.csv", 10).raise_for_errors("en")
        Traceback (most recent call last):
        ...
        diagnosis.errors.ValidationError: ankiety.csv, row 5: Empty.
        """
        errors = self.errors
        if not errors:
            return self
        first = errors[0]
        pl, en = first.pl, first.en
        if len(errors) > 1:
            pl += (
                f" Łącznie znaleziono {_count(len(errors), 'error', 'pl')}; "
                "wszystkie pokazuje raport z walidacji."
            )
            en += (
                f" {_count(len(errors), 'error', 'en')} were found in all; "
                "the validation report lists them."
            )
        err = ValidationError(
            pl=pl, en=en, file=first.file, row=first.row, column=first.column, value=first.value
        )
        err.args = (err.message(lang),)
        raise err


def _plural_pl(n: int, one: str, few: str, many: str) -> str:
    """Polish plural form for ``n``: 1 błąd, 2 błędy, 5 błędów, 22 błędy."""
    if n == 1:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


_WORDS = {
    "row": (("wiersz", "wiersze", "wierszy"), ("row", "rows")),
    "row_in": (("wierszu", "wierszach", "wierszach"), ("row", "rows")),
    "case": (("przypadek", "przypadki", "przypadków"), ("case", "cases")),
    "error": (("błąd", "błędy", "błędów"), ("error", "errors")),
    "warning": (("ostrzeżenie", "ostrzeżenia", "ostrzeżeń"), ("warning", "warnings")),
    "info": (("informacja", "informacje", "informacji"), ("note", "notes")),
    "question": (("pytanie", "pytania", "pytań"), ("question", "questions")),
    "respondent": (("ankieta", "ankiety", "ankiet"), ("respondent", "respondents")),
}


def _count(n: int, word: str, lang: Language) -> str:
    """``5 wierszy`` / ``5 rows``, with the right Polish plural."""
    pl, en = _WORDS[word]
    if lang == "pl":
        return f"{n} {_plural_pl(n, *pl)}"
    return f"{n} {en[0] if n == 1 else en[1]}"
