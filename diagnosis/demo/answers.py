"""Synthetic answers to any questionnaire: a town folder for a form that is not ours.

The standard demo (:func:`diagnosis.demo.generate_demo`) models residents of
the standard resident survey. For any other XLSForm this module invents
answers that respect the form: single choices from the list (a few "hard to
say"), multiple choices within ``count-selected`` limits, numbers within the
constraint's range (an age question gets adult ages; a year of birth adult
birth years), dates in the fieldwork period, short Polish texts for free-text
questions, and some blanks. The answers mean nothing; the files say they are
synthetic.

Examples
--------
>>> from diagnosis import load_instrument
>>> ins = load_instrument("surveys/instruments/resident_survey.xlsx")
>>> df = synthetic_answers(ins, 50, seed=1)
>>> len(df), set(df["sex"].dropna()) <= {"female", "male"}
(50, True)
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from ..instrument import Instrument, Question, load_instrument
from ..validate.margins import margin_questions

__all__ = ["synthetic_answers", "write_own_form_town"]

_TEXTS = (
    "Brakuje miejsca, gdzie młodzież może spędzić czas po szkole.",
    "Za mało autobusów do sąsiednich wsi, zwłaszcza wieczorem.",
    "Chodniki są dziurawe i trudno przejść z wózkiem.",
    "Biblioteka mogłaby być otwarta dłużej w soboty.",
    "Przydałyby się zajęcia z obsługi telefonu dla seniorów.",
    "Więcej zieleni i ławek w centrum.",
    "Dobrze byłoby mieć klub dla seniorów.",
    "Park wymaga sprzątania i oświetlenia.",
    "Mało wydarzeń kulturalnych dla rodzin z dziećmi.",
    "Potrzebny jest bezpieczny przejazd dla rowerów.",
)
_SKIPPED_TYPES = {
    "calculate", "geopoint", "geotrace", "geoshape", "image", "audio", "video", "file",
    "barcode", "acknowledge", "hidden", "xml-external", "range", "rank", "background-audio",
    "audit", "deviceid", "today", "username", "email", "phonenumber", "subscriberid",
    "simserial", "imei", "start-geopoint",
}  # fmt: skip


def _number(q: Question, rng: np.random.Generator, role: str | None, year: int) -> float:
    lo = q.minimum if q.minimum is not None else 0.0
    hi = q.maximum if q.maximum is not None else (lo + 10.0)
    if role == "age":
        return float(rng.integers(18, 86))
    if role == "birth_year":
        return float(year - rng.integers(18, 86))
    if q.type == "integer":
        return float(rng.integers(int(np.ceil(lo)), int(np.floor(hi)) + 1))
    return round(float(rng.uniform(lo, hi)), 1)


def synthetic_answers(
    instrument: Instrument,
    n: int,
    *,
    seed: int = 2026,
    fieldwork: tuple[dt.date, dt.date] = (dt.date(2026, 3, 2), dt.date(2026, 4, 17)),
    birth_years: bool = False,
) -> pd.DataFrame:
    """``n`` invented respondents' answers to ``instrument``, as a Kobo-style export.

    Parameters
    ----------
    instrument : Instrument
    n : int
        Respondents.
    seed : int
        The same seed gives the same answers.
    fieldwork : (date, date)
        Dates and start/end times fall in this period.
    birth_years : bool
        An integer age question (``margin: age_band``) gets years of birth.

    Returns
    -------
    DataFrame
        One column per question by name (select_multiple: space-separated
        codes, as Kobo exports them), strings throughout.
    """
    rng = np.random.default_rng(seed)
    year = fieldwork[1].year
    days = (fieldwork[1] - fieldwork[0]).days + 1
    ages = {m.question.name for m in margin_questions(instrument) if m.how == "number"}
    out: dict[str, list[object]] = {}
    started = [
        dt.datetime.combine(fieldwork[0], dt.time(9))
        + dt.timedelta(days=int(rng.integers(0, days)), minutes=int(rng.integers(0, 600)))
        for _ in range(n)
    ]
    for q in instrument.questions:
        if q.type in _SKIPPED_TYPES or q.type in ("begin group", "end group"):
            continue
        values: list[object] = []
        if q.type == "start":
            values = [s.isoformat(timespec="seconds") for s in started]
        elif q.type == "end":
            values = [
                (s + dt.timedelta(minutes=int(rng.integers(8, 30)))).isoformat(timespec="seconds")
                for s in started
            ]
        elif q.type == "select_one" and q.choices:
            weights = np.array([0.25 if c.missing else 1.0 for c in q.choices])
            # each question leans towards some answers, as real answers do
            weights = weights * rng.gamma(2.0, 1.0, len(weights))
            codes = rng.choice([c.name for c in q.choices], size=n, p=weights / weights.sum())
            values = list(codes)
        elif q.type == "select_multiple" and q.choices:
            k_max = q.max_choices or min(3, len(q.choices))
            names = [c.name for c in q.choices if not c.missing]
            popularity = rng.gamma(2.0, 1.0, len(names))
            for _ in range(n):
                k = int(rng.integers(1, max(1, min(k_max, len(names))) + 1))
                picked = rng.choice(names, size=k, replace=False, p=popularity / popularity.sum())
                values.append(" ".join(c for c in names if c in set(picked)))
        elif q.type in ("integer", "decimal"):
            role = ("birth_year" if birth_years else "age") if q.name in ages else None
            values = [_number(q, rng, role, year) for _ in range(n)]
            if q.type == "integer":
                values = [str(int(v)) for v in values]  # type: ignore[call-overload]
        elif q.type in ("date", "datetime"):
            values = [s.date().isoformat() for s in started]
        elif q.type == "time":
            values = [s.time().isoformat(timespec="minutes") for s in started]
        elif q.type == "text":
            values = [str(rng.choice(_TEXTS)) for _ in range(n)]
        else:
            continue
        values = [str(v) for v in values]
        if not q.required and q.type not in ("start", "end"):
            blank = rng.random(n) < 0.04
            values = [None if b else v for v, b in zip(values, blank, strict=True)]
        out[q.name] = values
    return pd.DataFrame(out, dtype="string")


def write_own_form_town(
    folder: str | Path,
    form: str | Path,
    n: int = 240,
    *,
    name: str = "Kwidzyn",
    gmina: str = "2207011",
    seed: int = 2026,
    birth_years: bool = False,
) -> Path:
    """A town folder that uses the questionnaire ``form``, with synthetic answers.

    The form is copied into the folder (``instrument: <form file>``), the
    margins are the gmina's figures from the shipped GUS table
    (``margins: {gmina: ...}``) and the answers are
    :func:`synthetic_answers` in ``odpowiedzi.csv``.

    Examples
    --------
    >>> import tempfile
    >>> from diagnosis.town import load_town
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     folder = write_own_form_town(tmp, "surveys/instruments/resident_survey.xlsx", 30)
    ...     load_town(folder).instrument.name
    'resident_survey.xlsx'
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    form = Path(form)
    shutil.copyfile(form, folder / form.name)
    instrument = load_instrument(folder / form.name)
    start, end = dt.date(2026, 3, 2), dt.date(2026, 4, 17)
    answers = synthetic_answers(
        instrument, n, seed=seed, fieldwork=(start, end), birth_years=birth_years
    )
    answers.to_csv(folder / "odpowiedzi.csv", index=False, encoding="utf-8")
    from ..population import gmina_margins

    adults = int(gmina_margins(gmina)["population"].sum())
    config = {
        "name": name,
        "synthetic": True,
        "population": adults,
        "margins": {"gmina": gmina},
        "instrument": form.name,
        "fieldwork": {"start": start, "end": end},
        "recruitment": "Dane syntetyczne: odpowiedzi wymyślone do testów / synthetic answers",
        "responses": [{"file": "odpowiedzi.csv"}],
    }
    header = (
        "# DANE SYNTETYCZNE: odpowiedzi wymyślone przez diagnosis.demo.answers, nie opisują "
        "prawdziwych osób.\n# SYNTHETIC DATA: invented answers describing no real people.\n"
    )
    (folder / "town.yaml").write_text(
        header + yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    return folder
