"""Cells written to spreadsheets (diagnosis.evidence.cells): no text may start a formula.

A town called ``=HYPERLINK("http://x","y")`` must reach every CSV we write as
text that Excel or LibreOffice shows and never runs (OWASP, CSV Injection).
The writers of the comparison are tested in test_compare.py, ``diagnosis
read --out`` in test_cli.py.
"""

from __future__ import annotations

import csv

import numpy as np
import pandas as pd
import pytest

from diagnosis.batch.index import write_index
from diagnosis.batch.runner import TownResult
from diagnosis.present import neutralise, neutralise_formulas

EVIL = '=HYPERLINK("http://x","y")'


@pytest.mark.parametrize(
    "text",
    [EVIL, "+48 600 100 200", "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1", "-", "=", "\0=1"],
)
def test_every_formula_start_gets_a_quote_in_front(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize(
    "value", [-2, -0.5, 0, 3.25, True, None, np.nan, "-2", "+2,5", "-1e3", "Kwidzyn", "18-24", ""]
)
def test_numbers_and_plain_text_are_left_alone(value):
    out = neutralise(value)
    assert out is value or (out == value and type(out) is type(value))


def test_a_frame_keeps_its_numbers_and_types_and_the_original_is_unchanged():
    frame = pd.DataFrame(
        {
            "name": pd.Series([EVIL, "Sopot", None], dtype="str"),
            "mixed": pd.Series(["-x", 3, np.nan], dtype=object),
            "group": pd.Categorical(["@a", "b", "@a"]),
            "estimate": [-0.25, 0.5, np.nan],
            "n": pd.array([10, None, -3], dtype="Int8"),
            "=SUM(A1)": [1, 2, 3],
        }
    )
    out = neutralise_formulas(frame)
    assert out["name"].tolist()[:2] == ["'" + EVIL, "Sopot"] and pd.isna(out["name"][2])
    assert out["mixed"].tolist()[:2] == ["'-x", 3]
    assert out["group"].tolist() == ["'@a", "b", "'@a"]
    assert list(out.columns)[-1] == "'=SUM(A1)"
    pd.testing.assert_series_equal(out["estimate"], frame["estimate"])
    pd.testing.assert_series_equal(out["n"], frame["n"])
    assert [d.name for d in out.dtypes] == [d.name for d in frame.dtypes]
    assert frame["name"][0] == EVIL and list(frame.columns)[-1] == "=SUM(A1)"


def test_summary_csv_neutralises_a_formula_town_name(tmp_path):
    results = [
        TownResult("evil", EVIL, "failed", str(tmp_path / "evil"), message="-1+2;=1+2"),
        TownResult("ok", "Sopot", "failed", str(tmp_path / "ok"), n=-3, duration=1.5),
    ]
    write_index(results, tmp_path)
    raw = (tmp_path / "summary.csv").read_text(encoding="utf-8")
    with (tmp_path / "summary.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["name"] == "'" + EVIL and rows[0]["message"] == "'-1+2;=1+2"
    # every text field quoted (a ';' cannot start a cell in Polish Excel), quotes doubled
    assert '"\'=HYPERLINK(""http://x"",""y"")"' in raw and '"\'-1+2;=1+2"' in raw
    assert ",-3,1.5," in raw  # numbers stay numbers
    assert EVIL not in raw.replace("'" + EVIL, "")


def test_comparison_exports_neutralise_a_formula_town_name(tmp_path):
    import dataclasses

    from diagnosis.compare import ComparisonReport, pool_towns, town_indicators

    pooled = pool_towns(["leczyca"], waves=False)
    data = pooled.data.copy()
    data.loc[data.index[0], "stratum"] = "@SUM(A1)"
    pooled = dataclasses.replace(pooled, data=data, towns=pooled.towns.assign(name=EVIL))
    report = ComparisonReport(
        pooled=pooled, lang="pl", threshold=10, conf_level=0.95, table=town_indicators(pooled),
        versus=None, adjusted=None, profiles=None, ideas=None, changes=None, did=None,
    )  # fmt: skip
    files = report.write_exports(tmp_path)
    indicators = pd.read_csv(tmp_path / "town_indicators.csv", encoding="utf-8-sig")
    assert set(indicators["name"]) == {"'" + EVIL}
    assert indicators["estimate"].dtype == float and indicators["n"].notna().any()
    book = pd.read_csv(files.codebook, dtype={"code": str})
    assert book.loc[book["variable"] == "town", "label"].tolist() == ["'" + EVIL]
    pooled_csv = pd.read_csv(files.csv)
    assert pooled_csv["stratum"].iloc[0] == "'@SUM(A1)"
    assert pooled_csv["stratum"].iloc[1] == "leczyca:1"
    np.testing.assert_allclose(pooled_csv["weight"], data["weight"], rtol=1e-15)
    for path in (tmp_path / "town_indicators.csv", files.codebook, files.csv):
        raw = path.read_text(encoding="utf-8-sig")
        assert EVIL not in raw.replace("'" + EVIL, "") and '"@SUM' not in raw, path.name
