"""Check a whole town folder: its configuration, every response file, the workshop files.

:func:`validate_town` is what ``diagnosis validate surveys/towns/<slug>`` runs.
A response file that cannot be read becomes an error finding of that file, and
the other files are still checked; only a ``town.yaml`` that cannot be used at
all raises (:class:`~diagnosis.errors.TownConfigError`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..errors import DiagnosisError, Language
from ..instrument import Instrument, load_instrument
from ..read import Responses, read_responses, read_table
from ..town import Town, load_town
from .report import Finding, ValidationReport, _count
from .responses import validate

__all__ = ["FileCheck", "TownValidation", "validate_town"]


_IDEAS_COLUMNS = ("idea", "need", "votes")
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
    """

    town: Town
    instrument: Instrument
    files: tuple[FileCheck, ...]
    config: ValidationReport

    @property
    def ok(self) -> bool:
        """True when no report has an error."""
        return self.config.ok and all(f.report.ok for f in self.files)

    @property
    def n_respondents(self) -> int:
        """Respondents over all files that could be read."""
        return sum(f.responses.n for f in self.files if f.responses is not None)

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
        total = _count(self.n_respondents, "respondent", lang)
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
        f"{res.path.name}: {res.format.upper()} ({res.flavour}){encoding}; "
        f"{words['columns']}: {', '.join(parts)}"
    )


def _config_findings(town: Town, instrument: Instrument) -> list[Finding]:
    found: list[Finding] = []
    yaml_name = town.config_path.name
    for column in ("age_band", "sex"):
        q = instrument.get(column)
        if q is None:
            continue
        codes = set(q.choice_names())
        unknown = sorted(set(town.margins[column]) - codes)
        for code in unknown:
            found.append(
                Finding(
                    code="margin_code_unknown",
                    severity="error",
                    file=yaml_name,
                    column=f"margins.{column}",
                    value=code,
                    pl=f"Kodu '{code}' nie ma w pytaniu '{column}' kwestionariusza. "
                    f"Użyj jednego z: {', '.join(q.choice_names())}.",
                    en=f"Code '{code}' is not a choice of question '{column}'. "
                    f"Use one of: {', '.join(q.choice_names())}.",
                )
            )
    age, sex = instrument.get("age_band"), instrument.get("sex")
    if age is not None and sex is not None:
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


def _sample_findings(town: Town, frames: list[pd.DataFrame]) -> list[Finding]:
    """Population cells with no respondent at all (weighting would fail there)."""
    parts = [f[["age_band", "sex"]] for f in frames if {"age_band", "sex"} <= set(f.columns)]
    if not parts:
        return []
    sample = pd.concat(parts).dropna().astype(str)
    have = set(zip(sample["age_band"], sample["sex"], strict=True))
    found = []
    for cell in town.margins.itertuples():
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
        checks.append(FileCheck(item.path, responses, validate(responses, instrument)))
    config = _config_findings(town, instrument)
    config += _sample_findings(town, [c.responses.data for c in checks if c.responses])
    config += _workshop_findings(town, instrument)
    severity_rank = {"error": 0, "warning": 1, "info": 2}
    config.sort(key=lambda f: severity_rank[f.severity])
    result = TownValidation(
        town=town,
        instrument=instrument,
        files=tuple(checks),
        config=ValidationReport(tuple(config), town.config_path.name, len(town.margins)),
    )
    if len(_RECENT) >= _RECENT_SIZE:
        _RECENT.pop(next(iter(_RECENT)))
    _RECENT[key] = result
    return result
