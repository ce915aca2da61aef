"""Write pooled demo data for compare_reference.R (the comparison's svyglm references).

Run from the repository root: ``.venv/bin/python tests/reference/export_compare.py``,
then ``Rscript tests/reference/compare_reference.R``. It pools towns as
:func:`diagnosis.compare.pool_towns` does (each town raked to its own margins)
and writes

* ``data/compare_wave1.csv``: five towns, wave 1;
* ``data/compare_waves.csv``: four follow-up towns (two with the innovation), both waves;

with ``town, wave, stratum, weight, age_band, sex, education, life_in_town,
ind_part_event, post, did`` (empty = missing). R re-rakes the pooled design to
the weights' own ``stratum x age band`` and ``stratum x sex`` totals, which
are the towns' population margins, so its standard errors reflect calibration
as ours do.
"""

from __future__ import annotations

from pathlib import Path

from diagnosis.compare import pool_towns

__all__ = ["TOWNS", "WAVE_TOWNS", "export"]

TOWNS = ["brzeg", "kwidzyn", "leczyca", "sopot", "zagan"]
WAVE_TOWNS = ["kwidzyn", "sopot", "brzeg", "zagan"]
COLUMNS = ["town", "wave", "stratum", "weight", "age_band", "sex", "education"]
COLUMNS += ["life_in_town", "ind_part_event", "post", "did"]
OUT = Path(__file__).resolve().parent / "data"


def export() -> None:
    """Write both CSV files."""
    first = pool_towns(TOWNS, waves=False).data
    both = pool_towns(WAVE_TOWNS).data
    for frame, name in ((first, "compare_wave1"), (both, "compare_waves")):
        frame = frame.copy()
        frame["post"] = (frame["wave"] == 2).astype(int)
        frame["did"] = frame["post"] * frame["town"].isin(["kwidzyn", "sopot"]).astype(int)
        frame[COLUMNS].to_csv(OUT / f"{name}.csv", index=False, na_rep="", float_format="%.17g")


if __name__ == "__main__":
    export()
