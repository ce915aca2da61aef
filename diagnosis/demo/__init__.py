"""Synthetic demo data: 25 real Polish towns, invented residents.

The programme's libraries cannot share their residents' answers, so the project
ships made-up ones that look like the real thing: 150-1,200 respondents per
town, older women over-represented, a needs profile of its own per town,
"Trudno powiedzieć" and blanks where people really leave them, Polish open
answers (some with fake personal data to exercise redaction), a couple of
straight-liners and speeders, and five file formats (Kobo CSV, Google Forms
CSV, SPSS .sav, Windows-1250 CSV, Excel) so every reader runs end to end.

The same seed always gives byte-identical files, and one town generated alone
gives the same files as when all 25 are generated.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> from diagnosis.town import load_town
>>> with tempfile.TemporaryDirectory() as tmp:
...     [folder] = generate_demo(Path(tmp), towns=["leczyca"])
...     town = load_town(folder)
>>> town.name, town.synthetic
('Łęczyca', True)
>>> planted_personal_data("leczyca")[0].isdigit()  # a fake PESEL
True
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import TownConfigError
from ..town import TOWNS_DIR
from .folder import write_town
from .people import simulate, town_rng
from .personal_data import PlantedItem, is_valid_pesel, planted_items
from .towns import DEMO_FORMATS, DEMO_TOWNS, DemoFormat, DemoTown, demo_town

__all__ = [
    "DEMO_FORMATS",
    "DEMO_TOWNS",
    "DemoFormat",
    "DemoTown",
    "PlantedItem",
    "demo_responses",
    "demo_town",
    "generate_demo",
    "is_valid_pesel",
    "planted_personal_data",
    "planted_personal_items",
]


def _towns(slugs: list[str] | None) -> list[DemoTown]:
    if slugs is None:
        return list(DEMO_TOWNS)
    known = {t.slug: t for t in DEMO_TOWNS}
    unknown = [s for s in slugs if s not in known]
    if unknown:
        valid = ", ".join(known)
        raise TownConfigError(
            pl=f"Nie ma miejscowości demonstracyjnej {unknown[0]!r}. Dostępne: {valid}.",
            en=f"There is no demo town {unknown[0]!r}. Available: {valid}.",
            value=unknown[0],
        )
    return [known[s] for s in dict.fromkeys(slugs)]


def generate_demo(
    out_dir: Path = TOWNS_DIR, seed: int = 2026, towns: list[str] | None = None
) -> list[Path]:
    """Write the synthetic demo towns.

    Parameters
    ----------
    out_dir : Path
        Folder to write into; each town gets ``out_dir/<slug>/`` with
        ``town.yaml``, one response file, ``workshop_ideas.csv`` and ``assets.csv``;
        towns with a follow-up survey also ``wave2/`` (see :mod:`diagnosis.demo.waves`).
        Files of the demo are overwritten; nothing else in the folder is touched.
    seed : int
        The same seed gives byte-identical files.
    towns : list of str, optional
        Slugs of the towns to write (see :data:`DEMO_TOWNS`); default all 25.

    Returns
    -------
    list of Path
        The town folders written, in the order asked for.

    Raises
    ------
    TownConfigError
        When a slug is not one of the demo towns.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     folders = generate_demo(Path(tmp), towns=["sopot"])
    ...     sorted(p.name for p in folders[0].iterdir())
    ['assets.csv', 'formularz_google_odpowiedzi.csv', 'town.yaml', 'wave2', 'workshop_ideas.csv']
    """
    out_dir = Path(out_dir)
    return [write_town(town, out_dir, seed) for town in _towns(towns)]


def demo_responses(slug: str, seed: int = 2026) -> pd.DataFrame:
    """The canonical frame a demo town's response file encodes (what a reader should return).

    Codes as strings, ``needs__*``/``skills__*`` as 0/1 ``Int8``, NA where
    nothing was answered; also ``respondent_id`` and ``submitted_at``.

    Examples
    --------
    >>> frame = demo_responses("wabrzezno")
    >>> frame["sex"].value_counts().index.tolist()
    ['female', 'male']
    """
    return simulate(demo_town(slug), seed)[0]


def planted_personal_items(slug: str, seed: int = 2026) -> list[PlantedItem]:
    """The fake personal data planted in a town's open answers, with kind and sentence.

    Computed from its own random stream: nothing else is simulated.
    """
    town = demo_town(slug)
    return planted_items(town_rng(seed, slug, "personal"), town.area_code)


def planted_personal_data(slug: str, seed: int = 2026) -> list[str]:
    """The fake personal data (PESEL, phone, e-mail, address) planted in a town's answers.

    Each string appears verbatim in the town's response file; redaction should
    find and hide every one. They are not written anywhere else.

    Examples
    --------
    >>> values = planted_personal_data("kwidzyn")
    >>> all(is_valid_pesel(v) for v in values if v.isdigit() and len(v) == 11)
    True
    """
    return [item.value for item in planted_personal_items(slug, seed)]
