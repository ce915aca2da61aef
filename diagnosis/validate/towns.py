"""Check a whole town folder: its configuration, every response file, the workshop files.

:func:`validate_town` is what ``diagnosis validate surveys/towns/<slug>`` runs.
A response file that cannot be read becomes an error finding of that file, and
the other files are still checked; only a ``town.yaml`` that cannot be used at
all raises (:class:`~diagnosis.errors.TownConfigError`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DiagnosisError, Language
from ..instrument import Instrument, load_instrument
from ..plurals import count
from ..read import Responses, read_responses, read_table
from ..town import Town, load_town
from .margins import band_of, margin_columns, margin_questions
from .report import Finding, ValidationReport, _count
from .responses import _sorted, duplicate_texts, response_keys, validate

__all__ = [
    "MIN_RESPONDENTS",
    "POPULATION_TOLERANCE",
    "FileCheck",
    "TownValidation",
    "validate_town",
]


_IDEAS_COLUMNS = ("idea", "need", "votes")
#: the default suppression threshold: with fewer respondents a report shows no results
MIN_RESPONDENTS = 10
#: how far ``population`` may be from the sum of the margins (rounding, another date of
#: the same GUS table); counting children too would be about 20% off
POPULATION_TOLERANCE = 0.05


def _number(n: int, lang: Language) -> str:
    """``31 410`` (Polish) or ``31,410``."""
    return f"{n:,}".replace(",", " " if lang == "pl" else ",")


_ASSETS_COLUMNS = ("asset", "kind", "description")


@dataclass(frozen=True)
class FileCheck:
    """One response file of a town: what was read and what validation found."""

    path: Path
    responses: Responses | None
    report: ValidationReport


@dataclass(frozen=True)
class TownValidation:
    """Everything :func:`validate_town` found for one town.

    Attributes
    ----------
    town : Town
    instrument : Instrument
    files : tuple of FileCheck
        One per response file, in the order of ``town.yaml``.
    config : ValidationReport
        Findings about ``town.yaml`` itself and the workshop files.
    n_duplicates : int
        Rows that repeat an earlier response of the town, in the same file or
        an earlier one (``duplicate_response``, ``duplicate_file``); the
        cleaning step ``drop_duplicate_responses`` leaves them out.
    """

    town: Town
    instrument: Instrument
    files: tuple[FileCheck, ...]
    config: ValidationReport
    n_duplicates: int = 0

    @property
    def ok(self) -> bool:
        """True when no report has an error."""
        return self.config.ok and all(f.report.ok for f in self.files)

    @property
    def n_respondents(self) -> int:
        """Rows over all files that could be read, repeated responses included."""
        return sum(f.responses.n for f in self.files if f.responses is not None)

    @property
    def n_distinct(self) -> int:
        """Respondents over all files that could be read, each repeated response once."""
        return self.n_respondents - self.n_duplicates

    def findings(self) -> tuple[Finding, ...]:
        """All findings: configuration first, then file by file."""
        return self.config.findings + tuple(x for f in self.files for x in f.report.findings)

    def render(self, lang: Language = "pl", max_per_code: int = 5) -> str:
        """A readable report of the whole town (see :meth:`ValidationReport.render`)."""
        town = self.town
        mark = "✓" if self.ok else "✗"
        synthetic = (
            (" — dane syntetyczne" if lang == "pl" else " — synthetic data")
            if town.synthetic
            else ""
        )
        lines = [f"{mark} {town.name} ({town.slug}){synthetic}"]
        n = len(self.instrument.questions)
        lines.append(
            f"  {'Kwestionariusz' if lang == 'pl' else 'Questionnaire'}: "
            f"{self.instrument.path.name} ({_count(n, 'question', lang)})"
        )
        total = _count(self.n_distinct, "respondent", lang)
        if self.n_duplicates:
            total += (
                f" (powtórzone wiersze, których analiza nie liczy: {self.n_duplicates})"
                if lang == "pl"
                else f" (repeated rows the analysis does not count: {self.n_duplicates})"
            )
        lines.append(f"  {'Razem' if lang == 'pl' else 'In all'}: {total}")
        if self.config.findings:
            lines += ["", _indent(self.config.render(lang, max_per_code))]
        for check in self.files:
            lines.append("")
            if check.responses is not None:
                lines.append(f"  {_describe(check.responses, lang)}")
            lines.append(_indent(check.report.render(lang, max_per_code)))
        return "\n".join(lines)


def _indent(text: str) -> str:
    return "\n".join(f"  {line}" if line else "" for line in text.splitlines())


def _describe(res: Responses, lang: Language) -> str:
    """``responses.csv: CSV (kobo), utf-8; columns: 60 by name, 2 by label, 1 unmatched``."""
    hows = pd.Series([h.how for h in res.headers], dtype="object").value_counts()
    words = {
        "pl": {
            "name": "po nazwie",
            "label": "po etykiecie",
            "option": "jako opcje wyboru",
            "metadata": "techniczne",
            "cleaned": "bez kwestionariusza",
            "unmatched": "niedopasowane",
            "dropped": "puste, pominięte",
            "columns": "kolumny",
        },
        "en": {
            "name": "by name",
            "label": "by label",
            "option": "as options",
            "metadata": "metadata",
            "cleaned": "without questionnaire",
            "unmatched": "unmatched",
            "dropped": "empty, dropped",
            "columns": "columns",
        },
    }[lang]
    parts = [f"{int(hows[k])} {words[k]}" for k in words if k in hows.index]
    encoding = f", {res.encoding}" if res.encoding else ""
    return (
        f"{res.path.name}: {res.format.upper()}{_FLAVOURS.get(res.flavour, '')}{encoding}; "
        f"{words['columns']}: {', '.join(parts)}"
    )


#: the tool that wrote a file, as the librarian knows it (no internal codes)
_FLAVOURS = {
    "kobo": " (KoboToolbox/ODK)", "google_forms": " (Google Forms)", "limesurvey": " (LimeSurvey)",
    "spss": " (SPSS)", "stata": " (Stata)",
}  # fmt: skip


def _unknown_code(
    yaml_name: str, column: str, code: str, allowed: Sequence[str], pl: str, en: str
) -> Finding:
    """A margin code the other side does not know: the questionnaire or the population."""
    return Finding(
        code="margin_code_unknown",
        severity="error",
        file=yaml_name,
        column=f"margins.{column}",
        value=code,
        pl=f"{pl} Użyj jednego z: {', '.join(allowed)}.",
        en=f"{en} Use one of: {', '.join(allowed)}.",
    )


def _config_findings(town: Town, instrument: Instrument) -> list[Finding]:
    found: list[Finding] = []
    yaml_name = town.config_path.name
    total = int(town.margins["population"].sum())
    if abs(town.population - total) > POPULATION_TOLERANCE * total:
        found.append(
            Finding(
                code="population_margins_mismatch",
                severity="error",
                file=yaml_name,
                column="population",
                value=town.population,
                pl=f"Liczba dorosłych mieszkańców (population: {_number(town.population, 'pl')}) "
                f"nie zgadza się z sumą struktury ludności (margins: {_number(total, 'pl')}). "
                "Obie liczby dotyczą mieszkańców w wieku 18+ z tego samego źródła; wpisz w "
                f"population sumę struktury ({_number(total, 'pl')}) albo popraw komórki.",
                en=f"The number of adult residents (population: {_number(town.population, 'en')}) "
                f"does not match the sum of the margins ({_number(total, 'en')}). Both count "
                f"residents aged 18+ from the same source; set population to the sum "
                f"({_number(total, 'en')}) or correct the cells.",
            )
        )
    for column in ("age_band", "sex"):
        q = instrument.get(column)
        if q is None or column not in town.margins:
            continue
        codes = set(q.choice_names())
        unknown = sorted(set(town.margins[column]) - codes)
        for code in unknown:
            found.append(
                _unknown_code(
                    yaml_name, column, code, q.choice_names(),
                    f"Kodu '{code}' nie ma w pytaniu '{column}' kwestionariusza.",
                    f"Code '{code}' is not a choice of question '{column}'.",
                )
            )  # fmt: skip
    bands = [str(b) for b in pd.unique(town.margins["age_band"])]
    for m in margin_questions(instrument):
        column = m.variable
        if m.how != "choices" or column not in town.margins:
            continue
        q = m.question
        codes = sorted({c for c in m.codes().values() if c})
        have = set(town.margins[column].astype(str))
        if q.name == column and not any(c.margin for c in q.choices):
            continue  # the standard coding: checked above, margins against the choices
        if column == "age_band":
            unplaced = [c for c in codes if band_of(c, bands) is None]
            for code in unplaced:
                found.append(
                    Finding(
                        code="margin_band_unplaced",
                        severity="error",
                        file=instrument.path.name,
                        column="margin",
                        value=code,
                        pl=f"Grupa wieku '{code}' z pytania '{q.name}' nie mieści się w żadnej "
                        f"grupie struktury ludności ({', '.join(bands)}), więc tych osób nie "
                        "da się przeważyć. W kolumnie margin arkusza choices podaj grupę, która "
                        "ją obejmuje, albo podaj w town.yaml grupy kwestionariusza (margins: "
                        "{gmina: ..., bands: [18_24, 25_34, ...]}; tak samo z plikiem bdl).",
                        en=f"Age band '{code}' of question '{q.name}' does not fit in any band "
                        f"of the population figures ({', '.join(bands)}), so these people "
                        "cannot be weighted. In the choices sheet's margin column give the band "
                        "that holds it, or give the questionnaire's bands in town.yaml (margins: "
                        "{gmina: ..., bands: [18_24, 25_34, ...]}; the same with a bdl file).",
                    )
                )
            continue
        for code in [c for c in codes if c not in have]:
            found.append(
                _unknown_code(
                    yaml_name, column, code, sorted(have),
                    f"Kodu '{code}' z pytania '{q.name}' nie ma w strukturze ludności.",
                    f"Code '{code}' of question '{q.name}' is not in the population figures.",
                )
            )  # fmt: skip
    age, sex = instrument.get("age_band"), instrument.get("sex")
    if age is not None and sex is not None and "sex" in town.margins:
        have = set(zip(town.margins["age_band"], town.margins["sex"], strict=True))
        for a in age.choice_names():
            for s in sex.choice_names():
                if (a, s) not in have:
                    found.append(
                        Finding(
                            code="margin_cell_missing",
                            severity="error",
                            file=yaml_name,
                            column="margins.cells",
                            value=f"{a} x {s}",
                            pl=f"Brakuje liczby ludności dla grupy {a} x {s}. Bez niej nie "
                            "da się ważyć wyników; dopisz ją (źródło: GUS BDL).",
                            en=f"The population of group {a} x {s} is missing. Without it "
                            "the results cannot be weighted; add it (source: GUS BDL).",
                        )
                    )
    district = instrument.get("district")
    if district is not None:
        for code in sorted(set(town.districts) - set(district.choice_names())):
            found.append(
                Finding(
                    code="district_unknown",
                    severity="warning",
                    file=yaml_name,
                    column="districts",
                    value=code,
                    pl=f"Kodu osiedla '{code}' nie ma w kwestionariuszu; ta nazwa nie będzie "
                    "użyta.",
                    en=f"District code '{code}' is not in the questionnaire; the name will "
                    "not be used.",
                )
            )
    return found


#: errors that stop weighting only: a report without weights (weighting "none") goes on
WEIGHTING_ONLY = frozenset({"margin_group_no_sample", "margin_group_zero", "margin_band_unplaced"})


def _sample_findings(town: Town, frames: list[pd.DataFrame]) -> list[Finding]:
    """The sample against the population: too few, more than the town, empty groups.

    A whole age band or sex with residents but no respondent, or with
    respondents but no residents, stops the weighting: an error once there are
    enough respondents for a report to show anything (:data:`MIN_RESPONDENTS`).
    A single empty cell is a warning (raking needs only the margins).
    """
    yaml_name = town.config_path.name
    n = sum(len(f) for f in frames)
    found = []
    if 0 < n < MIN_RESPONDENTS:
        found.append(
            Finding(
                code="too_few_respondents",
                severity="warning",
                value=n,
                pl=f"Ankiet jest tylko {n}, czyli mniej niż {MIN_RESPONDENTS}. Aby nikogo nie "
                "dało się rozpoznać, raport nie pokaże żadnych wyników, tylko wyjaśnienie. "
                "Zbierz więcej ankiet.",
                en=f"There are only {n} responses, fewer than {MIN_RESPONDENTS}. So that nobody "
                "can be recognised, the report will show no results, only why. Collect more "
                "responses.",
            )
        )
    if n > town.population:
        found.append(
            Finding(
                code="population_below_sample",
                severity="error",
                file=yaml_name,
                column="population",
                value=town.population,
                pl=f"Ankiet ({_number(n, 'pl')}) jest więcej niż dorosłych mieszkańców "
                f"({_number(town.population, 'pl')}). Sprawdź liczbę mieszkańców w town.yaml.",
                en=f"There are more responses ({_number(n, 'en')}) than adult residents "
                f"({_number(town.population, 'en')}). Check the population in town.yaml.",
            )
        )
    keys = [k for k in ("age_band", "sex") if k in town.margins and all(k in f for f in frames)]
    parts = [f[keys] for f in frames if keys]
    if not parts or n == 0:  # no respondent at all: the files' own findings say so
        return found
    sample = pd.concat(parts).dropna().astype(str)
    empty_groups: set[tuple[str, str]] = set()
    for column, word_pl, word_en in (("age_band", "wieku", "age"), ("sex", "płci", "sex")):
        if column not in town.margins or column not in sample:
            continue
        residents = town.margins.groupby(column)["population"].sum()
        answered = sample[column].value_counts()
        for level, pop in residents.items():
            got = int(answered.get(level, 0))
            if pop > 0 and got == 0:
                empty_groups.add((column, str(level)))
                found.append(
                    Finding(
                        code="margin_group_no_sample",
                        severity="error" if n >= MIN_RESPONDENTS else "warning",
                        file=yaml_name,
                        column="margins.cells",
                        value=f"{column}={level}",
                        pl=f"Nikt z grupy {word_pl} {level} nie wypełnił ankiety, a liczy ona "
                        f"{_number(int(pop), 'pl')} mieszkańców. Wyników nie da się zważyć do "
                        "struktury ludności: zbierz ankiety w tej grupie, połącz ją z "
                        "sąsiednią (w kwestionariuszu i w town.yaml) albo utwórz raport bez "
                        "ważenia (diagnosis report ... --weighting none).",
                        en=f"Nobody in {word_en} group {level} answered, and it has "
                        f"{_number(int(pop), 'en')} residents. The results cannot be weighted "
                        "to the population: collect responses in this group, merge it with "
                        "a neighbouring one (in the questionnaire and in town.yaml) or make the "
                        "report without weights (diagnosis report ... --weighting none).",
                    )
                )
            elif pop == 0 and got > 0:
                found.append(
                    Finding(
                        code="margin_group_zero",
                        severity="error",
                        file=yaml_name,
                        column="margins.cells",
                        value=f"{column}={level}",
                        pl=f"W grupie {word_pl} {level} ankietę wypełniło {got} osób, ale według "
                        "town.yaml ta grupa nie ma mieszkańców (same zera). Popraw liczby w "
                        "margins.cells.",
                        en=f"{got} people in {word_en} group {level} answered, but town.yaml "
                        "says the group has no residents (all zeros). Correct the numbers in "
                        "margins.cells.",
                    )
                )
    if not {"age_band", "sex"} <= set(sample.columns):
        return found  # weighted to one margin alone: its groups were checked above
    have = set(zip(sample["age_band"], sample["sex"], strict=True))
    for cell in town.margins.itertuples():
        if "sex" not in town.margins:
            break  # age-only margins: each band was checked as a group above
        if {("age_band", cell.age_band), ("sex", cell.sex)} & empty_groups:
            continue  # said once for the whole group
        if cell.population > 0 and (cell.age_band, cell.sex) not in have:
            found.append(
                Finding(
                    code="margin_cell_no_sample",
                    severity="warning",
                    file=town.config_path.name,
                    column="margins.cells",
                    value=f"{cell.age_band} x {cell.sex}",
                    pl=f"Nikt z grupy {cell.age_band} x {cell.sex} nie wypełnił ankiety. Wyniki "
                    "nie będą jej reprezentować; spróbuj dotrzeć do tych osób.",
                    en=f"Nobody in group {cell.age_band} x {cell.sex} answered. The results "
                    "cannot represent it; try to reach these people.",
                )
            )
    return found


def _duplicate_findings(
    checks: list[FileCheck], instrument: Instrument
) -> tuple[dict[int, list[Finding]], dict[int, np.ndarray]]:
    """Responses repeated across the town's files.

    Returns the findings per file (by position in ``checks``) and, per file,
    the rows to keep (False: a repeat of an earlier response, in the same
    file or an earlier one; the cleaning step drops the same rows).

    A file is one ``duplicate_file`` error when every response in it (empty
    rows aside) is also in an earlier file (it repeats them), or, failing
    that, is also in one later file that is not itself such a repeat (the
    later file looks like a newer export that includes it). Other rows whose
    first copy is in an earlier file are one ``duplicate_response`` warning
    per file and earlier file. Repeats within a file are :func:`validate`'s.
    """
    keys: dict[int, pd.Series] = {}
    nonempty: dict[int, int] = {}
    for i, check in enumerate(checks):
        if check.responses is None or check.responses.n == 0:
            continue
        keys[i] = response_keys(check.responses.data, instrument)
        empty = sum(f.code == "empty_row" and f.row is not None for f in check.report.findings)
        nonempty[i] = check.responses.n - empty
    key_sets = {i: set(k.dropna()) for i, k in keys.items()}
    first: dict[str, tuple[int, object]] = {}  # key -> (file, row) of its first copy
    keep: dict[int, np.ndarray] = {}
    for i, k in keys.items():
        mask = np.ones(len(k), dtype=bool)
        for pos, (row, key) in enumerate(zip(k.index, k, strict=True)):
            if key is pd.NA:
                continue
            if key in first:
                mask[pos] = False
            else:
                first[key] = (i, row)
        keep[i] = mask

    def complete(i: int) -> bool:  # every non-empty row can be compared
        return bool(key_sets[i]) and int(keys[i].notna().sum()) == nonempty[i]

    found: dict[int, list[Finding]] = {}
    repeats: dict[int, list[int]] = {}  # file -> the earlier files it repeats
    for i in keys:
        if not complete(i):
            continue
        earlier = [j for j in keys if j < i]
        if earlier and key_sets[i] <= set().union(*(key_sets[j] for j in earlier)):
            repeats[i] = [j for j in earlier if key_sets[i] & key_sets[j]]
    inside: dict[int, int] = {}  # file -> the later file that holds all of it
    for i in keys:
        if i in repeats or not complete(i):
            continue
        for j in keys:
            if j > i and i not in repeats.get(j, ()) and key_sets[i] <= key_sets[j]:
                inside[i] = j
                break
    for i, others in repeats.items():
        found.setdefault(i, []).append(_duplicate_file(checks, i, others, later=False))
    for i, j in inside.items():
        found.setdefault(i, []).append(_duplicate_file(checks, i, [j], later=True))

    for i, k in keys.items():
        if i in repeats:
            continue
        within = k.duplicated(keep="first").to_numpy(dtype=bool)
        by_file: dict[int, list[tuple[object, object]]] = {}
        timed: dict[int, bool] = {}
        for pos in np.flatnonzero(~keep[i] & ~within):
            key = k.iloc[pos]
            j, orig = first[key]
            if inside.get(j) == i:
                continue  # said once: file j is all in this file
            by_file.setdefault(j, []).append((_plain_row(k.index[pos]), _plain_row(orig)))
            timed[j] = timed.get(j, True) and "\x1ft:" in key
        for j, pairs in by_file.items():
            other = checks[j].path.name
            found.setdefault(i, []).append(
                Finding(
                    code="duplicate_response",
                    severity="warning",
                    file=checks[i].path.name,
                    row=pairs[0][0],
                    value=len(pairs),
                    **duplicate_texts(len(pairs), pairs, other, timed[j]),
                )
            )
    return found, keep


def _plain_row(row: object) -> object:
    return row.item() if isinstance(row, np.generic) else row


def _duplicate_file(checks: list[FileCheck], i: int, others: list[int], later: bool) -> Finding:
    name = checks[i].path.name
    res = checks[i].responses
    assert res is not None
    names = [checks[j].path.name for j in others]
    entry = f"responses[{i + 1}]"
    same = [j for j in others if checks[j].path.resolve() == checks[i].path.resolve()]
    n = res.n
    listed_pl = " i ".join(names) if len(names) <= 2 else ", ".join(names)
    listed_en = " and ".join(names) if len(names) <= 2 else ", ".join(names)
    rows_pl, rows_en = count(n, "wiersz", "wiersze", "wierszy"), count(n, "row", "rows")
    if later:
        what_pl = (
            f"Każda ankieta z tego pliku ({rows_pl}) jest też w pliku {listed_pl}, podanym "
            "w town.yaml dalej; wygląda on na nowszy eksport tej samej ankiety, który "
            "zawiera ten plik."
        )
        what_en = (
            f"Every response of this file ({rows_en}) is also in {listed_en}, listed later "
            "in town.yaml; that looks like a newer export of the same survey that includes "
            "this one."
        )
        fix_pl = f"Usuń {name} z listy responses w town.yaml i zostaw {listed_pl}."
        fix_en = f"Remove {name} from the responses list in town.yaml and keep {listed_en}."
    else:
        if same:
            what_pl = (
                f"Ten plik jest w town.yaml podany więcej niż raz ({entry} powtarza "
                f"wcześniejszy wpis), więc każda "
                f"ankieta ({rows_pl}) byłaby policzona podwójnie."
            )
            what_en = (
                f"This file is listed more than once in town.yaml ({entry} repeats an earlier "
                f"entry), so every "
                f"response ({rows_en}) would be counted twice."
            )
        else:
            what_pl = (
                f"Każda ankieta z tego pliku ({rows_pl}) jest już w pliku {listed_pl}, "
                "podanym w town.yaml wcześniej. To te same ankiety wczytane drugi raz (np. ten "
                "sam eksport przesłany ponownie pod inną nazwą albo jego starsza wersja)."
            )
            what_en = (
                f"Every response of this file ({rows_en}) is already in {listed_en}, listed "
                "earlier in town.yaml. These are the same responses added a second time (e.g. "
                "the same export uploaded again under another name, or an older version of it)."
            )
        fix_pl = (
            f"Usuń ten wpis ({name}) z listy responses w town.yaml. Jeśli miał tu być inny "
            "plik (inna część badania), dodaj właściwy."
        )
        fix_en = (
            f"Remove this entry ({name}) from the responses list in town.yaml. If another file "
            "(another part of the survey) was meant to be here, add the right one."
        )
    return Finding(
        code="duplicate_file",
        severity="error",
        # the same file listed twice: the mistake is the entry in town.yaml
        file="town.yaml" if same else name,
        column=entry if same else None,
        value=", ".join(names) if not same else name,
        pl=f"{what_pl} Liczba ankiet i marginesy błędu byłyby zawyżone, a brakujące dane "
        f"mogą się kryć za powtórzonym plikiem. {fix_pl}",
        en=f"{what_en} The number of responses and the margins of error would be wrong, and "
        f"missing data may hide behind the repeated file. {fix_en}",
    )


def _no_rows(path: Path) -> Finding:
    return Finding(
        code="no_rows",
        severity="error",
        file=path.name,
        row=2,
        pl="W pliku nie ma żadnej ankiety: jest tylko wiersz nagłówków. Sprawdź, czy "
        "wyeksportowano odpowiedzi (a nie pusty formularz), albo usuń ten plik z town.yaml.",
        en="The file has no responses, only the header row. Check that the answers were "
        "exported (not an empty form), or remove the file from town.yaml.",
    )


def _workshop_findings(town: Town, instrument: Instrument) -> list[Finding]:
    found: list[Finding] = []
    for path, columns in ((town.workshop_ideas, _IDEAS_COLUMNS), (town.assets, _ASSETS_COLUMNS)):
        if path is None:
            continue
        try:
            table = read_table(path)
        except DiagnosisError as err:
            found.append(_read_failed(path, err))
            continue
        missing = [c for c in columns if c not in table.columns]
        for column in missing:
            found.append(
                Finding(
                    code="workshop_column_missing",
                    severity="error",
                    file=path.name,
                    column=column,
                    pl=f"Brakuje kolumny '{column}'. Plik powinien mieć kolumny: "
                    f"{', '.join(columns)}.",
                    en=f"Column '{column}' is missing. The file should have the columns: "
                    f"{', '.join(columns)}.",
                )
            )
        if path != town.workshop_ideas or missing:
            continue
        needs = instrument.get("needs")
        if needs is not None:
            codes = set(needs.choice_names())
            need = table["need"].astype("string")
            for row, value in need[need.notna() & ~need.isin(codes)].items():
                found.append(
                    Finding(
                        code="workshop_need_unknown",
                        severity="warning",
                        file=path.name,
                        row=row,
                        column="need",
                        value=value,
                        pl="Tej potrzeby nie ma na liście w kwestionariuszu, więc pomysłu nie "
                        f"da się połączyć z wynikami ankiety. Użyj kodu z listy: "
                        f"{', '.join(needs.choice_names())}.",
                        en="This need is not on the questionnaire's list, so the idea cannot "
                        "be linked to the survey. Use a code from: "
                        f"{', '.join(needs.choice_names())}.",
                    )
                )
        votes = pd.to_numeric(table["votes"], errors="coerce")
        bad = votes.isna() | (votes < 0) | (votes % 1 != 0)
        for row in table.index[bad.to_numpy()]:
            found.append(
                Finding(
                    code="workshop_votes_invalid",
                    severity="error",
                    file=path.name,
                    row=row,
                    column="votes",
                    value=table.at[row, "votes"],
                    pl="Liczba głosów musi być liczbą całkowitą, zero lub więcej.",
                    en="The number of votes must be a whole number, zero or more.",
                )
            )
    return found


def _read_failed(path: Path, err: DiagnosisError) -> Finding:
    return Finding(
        code="read_failed",
        severity="error",
        file=path.name,
        row=err.row,
        column=err.column,
        value=err.value,
        pl=err.pl,
        en=err.en,
    )


#: recent results by the state of a town's files (see :func:`validate_town`)
_RECENT: dict[tuple, TownValidation] = {}
_RECENT_SIZE = 4


def _state(town: Town) -> tuple:
    """What a validation depends on: every file of the town folder and the questionnaire."""
    paths = [*sorted(p for p in town.folder.rglob("*") if p.is_file()), town.instrument]
    return tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in paths)


def validate_town(folder: str | Path) -> TownValidation:
    """Check a town folder: ``town.yaml``, each response file, the workshop files.

    Parameters
    ----------
    folder : str or Path
        A town folder holding ``town.yaml``.

    Returns
    -------
    TownValidation
        ``.ok`` is False when any error was found; ``.render(lang)`` is the
        readable report that ``diagnosis validate`` prints.

    Raises
    ------
    TownConfigError
        When ``town.yaml`` is missing or unusable (with the key at fault).
    InstrumentError
        When the questionnaire cannot be read.

    Notes
    -----
    The last few results are kept in memory, keyed by the modification time
    and size of every file of the town folder and of the questionnaire, so a
    second call for unchanged files returns the same result at once.

    Examples
    --------
    >>> result = validate_town("surveys/towns/kwidzyn")
    >>> result.ok, result.town.name
    (True, 'Kwidzyn')
    """
    town = load_town(folder)
    # a batch worker validates a town before running its notebook, which validates it again
    # in a fork of the same process: the second time comes from here. Any change to a file
    # (time or size) makes a new key.
    key = _state(town)
    if key in _RECENT:
        return _RECENT[key]
    instrument = load_instrument(town.instrument)
    checks: list[FileCheck] = []
    for item in town.responses:
        try:
            responses = read_responses(
                item.path, instrument, sheet=item.sheet, columns=dict(item.columns)
            )
        except DiagnosisError as err:
            failed = ValidationReport((_read_failed(item.path, err),), item.path.name, 0)
            checks.append(FileCheck(item.path, None, failed))
            continue
        report = validate(
            responses, instrument, fieldwork=(town.fieldwork_start, town.fieldwork_end)
        )
        if responses.n == 0:
            report = ValidationReport((_no_rows(item.path), *report.findings), report.file, 0)
        checks.append(FileCheck(item.path, responses, report))
    across, keep = _duplicate_findings(checks, instrument)
    for i, extra in across.items():
        check = checks[i]
        assert check.responses is not None
        findings = _sorted([*check.report.findings, *extra], check.responses.data.index)
        checks[i] = FileCheck(
            check.path,
            check.responses,
            ValidationReport(findings, check.report.file, check.report.n_rows),
        )
    n_duplicates = int(sum((~mask).sum() for mask in keep.values()))
    config = _config_findings(town, instrument)
    bands = [str(b) for b in pd.unique(town.margins["age_band"])]
    when = town.fieldwork_end or town.fieldwork_start
    config += _sample_findings(
        town,
        [  # the weighting groups as the margins code them, whatever the questionnaire's coding;
            # each repeated response once
            margin_columns(
                c.responses.data[keep[i]] if i in keep else c.responses.data,
                instrument,
                bands,
                when.year if when else None,
            )
            for i, c in enumerate(checks)
            if c.responses
        ],
    )
    config += _workshop_findings(town, instrument)
    severity_rank = {"error": 0, "warning": 1, "info": 2}
    config.sort(key=lambda f: severity_rank[f.severity])
    result = TownValidation(
        town=town,
        instrument=instrument,
        files=tuple(checks),
        config=ValidationReport(tuple(config), town.config_path.name, len(town.margins)),
        n_duplicates=n_duplicates,
    )
    if len(_RECENT) >= _RECENT_SIZE:
        _RECENT.pop(next(iter(_RECENT)))
    _RECENT[key] = result
    return result
