"""Make the shipped table of every gmina, ``diagnosis/data/gminy_2020.csv``, from GUS data.

Run from the repository root::

    .venv/bin/python tests/reference/make_gminy.py [export.csv]

The export is the real GUS BDL CTAB download of table P2137 for every gmina, 2020
(default :data:`EXPORT`, see ``../shared/data/README.md``). It is read and checked with
:func:`diagnosis.population.read_bdl` and summed into adult age bands with
:func:`diagnosis.population.gminy_table` (ages 18-19 are 2/5 of the group 15-19); the table
keeps the 2,477 gminy (types 1, 2, 3) and leaves out the parts of urban-rural gminy (4, 5)
and Warsaw's districts (8). ``tests/test_population.py`` checks that the committed table is
exactly what this script writes.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from diagnosis.population import GMINY_FILE, gminy_table, read_bdl

__all__ = ["EXPORT", "make", "write"]

ROOT = Path(__file__).resolve().parents[2]
#: GUS BDL, table P2137, CTAB, state at 31.12.2020, downloaded 2021-06-25
EXPORT = ROOT.parent / "shared" / "data" / "LUDN_2137_CTAB_20210625164329_gminy_2020.csv"


def make(export: str | Path = EXPORT) -> pd.DataFrame:
    """The table of every gmina made from ``export``."""
    return gminy_table(read_bdl(export))


def write(table: pd.DataFrame, out: str | Path = GMINY_FILE) -> Path:
    """Write ``table`` as UTF-8 CSV with ``\\n`` line ends; returns the path."""
    out = Path(out)
    table.to_csv(out, index=False, lineterminator="\n", encoding="utf-8")
    return out


if __name__ == "__main__":
    path = write(make(sys.argv[1] if len(sys.argv) > 1 else EXPORT))
    print(f"{path}: {len(pd.read_csv(path))} gminy")
