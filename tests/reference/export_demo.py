"""Write the demo towns' data and margins for make_reference.R (R cannot read our formats).

Run from the repository root: ``.venv/bin/python tests/reference/export_demo.py``,
then ``Rscript tests/reference/make_reference.R``. For each town of ``TOWNS``
it reads and cleans the responses as the pipeline does
(:func:`diagnosis.read_responses`, :func:`diagnosis.clean.clean_responses`),
scores the items (:func:`diagnosis.clean.scores.scored`: "Trudno powiedzieć"
is missing) and writes

* ``data/demo_<town>.csv``: ``age_band, sex, district`` (empty = missing),
  numeric items ``trust, life_in_town, coh_belong, coh_together, coh_get_on,
  coh_trust, coh_self`` (as answered: ``coh_self`` is reverse-keyed in the
  questionnaire and is NOT reversed here), the scale score ``cohesion``
  (:func:`diagnosis.clean.scores.scale_score`, with coh_self reversed) and
  0/1 indicators ``part_volunteer, internet_use, needs__youth, needs__culture``;
* ``data/demo_<town>_margins.csv``: ``age_band, sex, population`` from town.yaml.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from diagnosis import load_instrument, read_responses
from diagnosis.clean import clean_responses
from diagnosis.clean.scores import scale_score, scored
from diagnosis.town import STANDARD_INSTRUMENT, TOWNS_DIR, load_town

__all__ = ["COLUMNS", "TOWNS", "export"]

#: four towns read by four different readers (Kobo CSV, SPSS, Google Forms, typed-in CSV)
TOWNS = ["kwidzyn", "brzeg", "cieszyn", "krotoszyn"]
NUMERIC = ["trust", "life_in_town", "coh_belong", "coh_together", "coh_get_on", "coh_trust"]
NUMERIC += ["coh_self"]
BINARY = ["part_volunteer", "internet_use", "needs__youth", "needs__culture"]
COLUMNS = ["age_band", "sex", "district", *NUMERIC, "cohesion", *BINARY]
OUT = Path(__file__).resolve().parent / "data"


def export(slug: str) -> pd.DataFrame:
    """The analysis columns of one town, as written to ``demo_<slug>.csv``."""
    instrument = load_instrument(STANDARD_INSTRUMENT)
    town = load_town(TOWNS_DIR / slug)
    files = [read_responses(f.path, instrument, sheet=f.sheet) for f in town.responses]
    data = clean_responses(files, instrument).data
    values = scored(data, instrument)
    out = data[["age_band", "sex", "district"]].astype(object)
    out = out.where(out.notna(), None)
    for name in NUMERIC + BINARY:
        out[name] = values[name]
    out["cohesion"] = scale_score(data, instrument, "cohesion")
    town.margins.to_csv(OUT / f"demo_{slug}_margins.csv", index=False)
    return out[COLUMNS]


if __name__ == "__main__":
    for slug in TOWNS:
        frame = export(slug)
        frame.to_csv(OUT / f"demo_{slug}.csv", index=False, float_format="%.17g")
        print(f"demo_{slug}.csv: {len(frame)} rows")
