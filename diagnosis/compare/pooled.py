"""Pooled data of many towns: each town cleaned and weighted as its own report does.

Every town (and every later wave of it, see :func:`diagnosis.town.find_waves`)
goes through the same steps as a town report: validation, cleaning, the
indicator columns, and weights calibrated to *its own* population margins. The
pooled table stacks them with ``town``, ``wave`` and ``weight`` columns; a
town whose data have errors is left out with a readable reason, and the others
go on.

The pooled design treats towns (x waves) as strata and keeps each town's
calibration: raking to the margins ``town x age band`` and ``town x sex`` is
raking every town to its own margins (R: ``rake(des, list(~town_age,
~town_sex), ...)`` on ``svydesign(ids = ~1, strata = ~stratum, ...)``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..clean import clean_town
from ..errors import DiagnosisError, Language
from ..estimate import Design
from ..evidence import Indicator, define_indicators, weight_design
from ..evidence.indicators import indicator_data
from ..instrument import Instrument, load_instrument
from ..town import STANDARD_INSTRUMENT, TOWNS_DIR, Town, find_towns, find_waves, load_town
from ..validate import validate_town

__all__ = ["Pooled", "Skipped", "for_formula", "pool_towns", "pooled_design"]

#: respondent columns a pooled table keeps besides the answers (identifiers are dropped)
DEMOGRAPHICS = ("age_band", "sex", "education", "employment", "district", "years_in_town")
#: question types kept as answers (open text, timestamps and ids are not)
_ANSWER_TYPES = ("select_one", "select_multiple", "integer", "decimal", "range")


@dataclass(frozen=True)
class Skipped:
    """A town left out of the pooled data, with the reason in both languages."""

    folder: Path
    pl: str
    en: str

    def message(self, lang: Language = "pl") -> str:
        """The reason in ``lang``."""
        return self.pl if lang == "pl" else self.en


@dataclass(frozen=True)
class Pooled:
    """Respondents of many towns, each town weighted to its own population.

    Attributes
    ----------
    data : DataFrame
        One row per respondent: ``town`` (slug), ``wave``, ``weight``
        (calibrated within the town and wave), ``stratum`` (``town:wave``),
        the answers, and the indicator columns (``ind_*``, ``score_*``).
        Names, ids, timestamps and open answers are not kept.
    towns : DataFrame
        One row per town and wave: ``town, name, wave, n, population,
        innovation, synthetic, fieldwork_start, fieldwork_end, folder``.
    designs : dict
        ``(town, wave) -> Design``: each town's own calibrated design, the one
        its report uses.
    indicators : tuple of Indicator
    instrument : Instrument
    weighting : str
    skipped : tuple of Skipped
        Towns that could not be used and why.
    """

    data: pd.DataFrame = field(repr=False)
    towns: pd.DataFrame = field(repr=False)
    designs: dict[tuple[str, int], Design] = field(repr=False)
    indicators: tuple[Indicator, ...] = field(repr=False)
    instrument: Instrument = field(repr=False)
    weighting: str = "rake"
    skipped: tuple[Skipped, ...] = ()

    def wave(self, wave: int = 1) -> Pooled:
        """The same pooled data restricted to one survey wave."""
        return self.subset(waves=[wave])

    def subset(
        self, towns: Sequence[str] | None = None, waves: Sequence[int] | None = None
    ) -> Pooled:
        """The same pooled data restricted to some towns (slugs) and/or waves.

        Examples
        --------
        >>> pooled = pool_towns(["kwidzyn", "leczyca"])
        >>> pooled.subset(towns=["kwidzyn"]).towns["wave"].tolist()
        [1, 2]
        """

        def keep(frame: pd.DataFrame) -> pd.Series:
            chosen = pd.Series(True, index=frame.index)
            if towns is not None:
                chosen &= frame["town"].isin(towns)
            if waves is not None:
                chosen &= frame["wave"].isin(waves)
            return chosen

        return Pooled(
            data=self.data[keep(self.data)].reset_index(drop=True),
            towns=self.towns[keep(self.towns)].reset_index(drop=True),
            designs={
                (t, w): d
                for (t, w), d in self.designs.items()
                if (towns is None or t in towns) and (waves is None or w in waves)
            },
            indicators=self.indicators,
            instrument=self.instrument,
            weighting=self.weighting,
            skipped=self.skipped,
        )

    def indicator(self, id_: str) -> Indicator:
        """The indicator with this id."""
        for ind in self.indicators:
            if ind.id == id_:
                return ind
        known = ", ".join(i.id for i in self.indicators)
        raise DiagnosisError(
            pl=f"Nie ma wskaźnika {id_!r}. Dostępne: {known}.",
            en=f"There is no indicator {id_!r}. Available: {known}.",
            value=id_,
        )


def _one(folder: Path, instrument: Instrument, weighting: str) -> tuple[Town, pd.DataFrame, Design]:
    checked = validate_town(folder)
    if not checked.ok:
        first = next(f for f in checked.findings() if f.severity == "error")
        raise DiagnosisError(
            pl=first.pl, en=first.en, file=first.file, row=first.row, column=first.column
        )
    town = checked.town
    cleaned = clean_town(checked)
    data = indicator_data(cleaned.data, instrument)
    design = weight_design(data, town, weighting)  # type: ignore[arg-type]
    return town, data, design


def pool_towns(
    folders: Sequence[str | Path] | None = None,
    *,
    weighting: str = "rake",
    waves: bool = True,
    progress: Callable[[str], None] | None = None,
) -> Pooled:
    """Clean, weight and stack the respondents of many towns (and their later waves).

    Parameters
    ----------
    folders : sequence of str or Path, optional
        Town folders or names under ``surveys/towns``; default every town there.
    weighting : {"rake", "poststratify", "none"}
        As in the town report; each town is weighted to its own margins.
    waves : bool
        Also read each town's later waves (``<town>/wave2`` ...).
    progress : callable, optional
        Called with each town's slug as it is read.

    Returns
    -------
    Pooled

    Examples
    --------
    >>> pooled = pool_towns(["kwidzyn", "leczyca"], waves=False)
    >>> pooled.towns[["town", "wave"]].values.tolist()
    [['kwidzyn', 1], ['leczyca', 1]]
    >>> pooled.data.groupby("town")["weight"].sum().round().astype(int).tolist()
    [31410, 11190]
    """
    if folders is None:
        folders = find_towns(TOWNS_DIR)
    instrument = load_instrument(STANDARD_INSTRUMENT)
    defs = define_indicators(instrument)
    frames, rows, designs, skipped = [], [], {}, []
    seen: set[Path] = set()
    for base in folders:
        try:
            town_dirs = [load_town(base).folder]
            if town_dirs[0] in seen:  # named twice
                continue
            seen.add(town_dirs[0])
            if waves:
                town_dirs += find_waves(town_dirs[0])
        except DiagnosisError as exc:
            skipped.append(Skipped(Path(base), exc.message("pl"), exc.message("en")))
            continue
        for folder in town_dirs:
            if progress:
                progress(folder.name)
            try:
                town, data, design = _one(folder, instrument, weighting)
            except DiagnosisError as exc:
                skipped.append(Skipped(folder, exc.message("pl"), exc.message("en")))
                continue
            keep = [c for c in data.columns if c in DEMOGRAPHICS or _is_answer(c, instrument)]
            frame = data[keep].copy()
            frame.insert(0, "town", town.base_slug)
            frame.insert(1, "wave", town.wave)
            frame.insert(2, "weight", design.weights)
            frame.insert(3, "stratum", f"{town.base_slug}:{town.wave}")
            frames.append(frame)
            designs[(town.base_slug, town.wave)] = design
            rows.append(
                {
                    "town": town.base_slug,
                    "name": town.name,
                    "wave": town.wave,
                    "n": len(frame),
                    "population": int(town.margins["population"].sum()),
                    "innovation": town.innovation,
                    "synthetic": town.synthetic,
                    "fieldwork_start": town.fieldwork_start,
                    "fieldwork_end": town.fieldwork_end,
                    "folder": town.folder,
                }
            )
    if not frames:
        raise DiagnosisError(
            pl="Żadnej miejscowości nie udało się wczytać: " + "; ".join(s.pl for s in skipped[:3]),
            en="No town could be read: " + "; ".join(s.en for s in skipped[:3]),
        )
    data = pd.concat(frames, ignore_index=True)
    towns = pd.DataFrame(rows).sort_values(["wave", "town"], kind="stable")
    return Pooled(
        data=data,
        towns=towns.reset_index(drop=True),
        designs=designs,
        indicators=tuple(defs),
        instrument=instrument,
        weighting=weighting,
        skipped=tuple(skipped),
    )


def _is_answer(column: str, instrument: Instrument) -> bool:
    if column.startswith(("ind_", "score_")):
        return True
    question = instrument.get(column.split("__", 1)[0])
    return question is not None and question.type in _ANSWER_TYPES


def pooled_design(pooled: Pooled, data: pd.DataFrame | None = None) -> Design:
    """A stratified design over the pooled towns, keeping each town's calibration.

    Parameters
    ----------
    pooled : Pooled
    data : DataFrame, optional
        A subset of ``pooled.data`` (with extra columns, e.g. a model's
        variables); default all of it.

    Returns
    -------
    Design
        Strata = ``town:wave``; with ``rake``/``poststratify`` weighting, the
        base design is calibrated to every stratum's own margins (the weights
        equal ``data["weight"]``) so standard errors reflect the calibration.

    Examples
    --------
    >>> pooled = pool_towns(["kwidzyn", "leczyca"], waves=False)
    >>> des = pooled_design(pooled)
    >>> bool(np.allclose(des.weights, pooled.data["weight"]))
    True
    """
    data = (pooled.data if data is None else data).reset_index(drop=True)
    if pooled.weighting == "none":
        return Design(data, strata="stratum")
    margins = _stratum_margins(pooled, data)
    if pooled.weighting == "poststratify":
        cells = margins.set_index(["stratum", "age_band", "sex"])["population"].astype(float)
        return Design(data, strata="stratum").poststratify(["stratum", "age_band", "sex"], cells)
    keyed = data.assign(
        stratum_age=data["stratum"].astype(str) + "|" + data["age_band"].astype(str),
        stratum_sex=data["stratum"].astype(str) + "|" + data["sex"].astype(str),
    )
    design = Design(keyed, strata="stratum")
    age = margins.groupby(["stratum", "age_band"])["population"].sum()
    sex = margins.groupby(["stratum", "sex"])["population"].sum()
    return design.rake(
        {
            "stratum_age": {f"{s}|{a}": float(v) for (s, a), v in age.items()},
            "stratum_sex": {f"{s}|{x}": float(v) for (s, x), v in sex.items()},
        }
    )


def _stratum_margins(pooled: Pooled, data: pd.DataFrame) -> pd.DataFrame:
    """Population by stratum x age band x sex, for the strata present in ``data``."""
    frames = []
    for stratum in pd.unique(data["stratum"]):
        slug, wave = str(stratum).rsplit(":", 1)
        design = pooled.designs[(slug, int(wave))]
        d = design.data
        w = pd.Series(np.asarray(design.weights), index=d.index)
        # a calibrated town's weights add up to its margins; by age x sex they are its own
        # weighted cells (age-only GUS margins leave the sex mix as sampled), so raking the
        # pooled design to them gives back each town's weights
        cells = w.groupby([d["age_band"], d["sex"]]).sum().rename("population").reset_index()
        cells.insert(0, "stratum", stratum)
        frames.append(cells)
    return pd.concat(frames, ignore_index=True)


def for_formula(data: pd.DataFrame, factors: Sequence[str]) -> pd.DataFrame:
    """A copy of ``data`` whose ``factors`` patsy reads as categories with None for missing.

    patsy does not take pandas' ``NA`` for missing; plain objects with None it does.

    Examples
    --------
    >>> df = pd.DataFrame({"g": pd.array(["a", None], dtype="string")})
    >>> for_formula(df, ["g"])["g"].tolist()
    ['a', None]
    """
    out = data.copy()
    for c in factors:
        out[c] = out[c].astype(object).where(out[c].notna(), None)
    return out
