"""Time diagnosis.validate on a large synthetic frame and print the figures.

Run: .venv/bin/python benchmarks/validation.py [--rows 100000]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from diagnosis.instrument import load_instrument
from diagnosis.town import STANDARD_INSTRUMENT
from diagnosis.validate import validate


def frame_of(instrument, rows: int, seed: int = 7) -> pd.DataFrame:
    """A frame with plausible answers for every question and a few planted errors."""
    rng = np.random.default_rng(seed)
    data = {}
    for q in instrument.questions:
        if q.is_multiple:
            for col in q.columns():
                data[col] = pd.array(rng.integers(0, 2, rows), dtype="Int8")
        elif q.is_select:
            codes = np.array(q.choice_names())
            data[q.name] = pd.array(codes[rng.integers(0, len(codes), rows)], dtype="string")
        elif q.type == "integer":
            lo, hi = int(q.minimum or 0), int(q.maximum or 10)
            data[q.name] = pd.array(rng.integers(lo, hi + 1, rows), dtype="Int64")
        elif q.type == "text":
            data[q.name] = pd.array(["tekst"] * rows, dtype="string")
    start = pd.Timestamp("2026-03-02") + pd.to_timedelta(rng.integers(0, 86400 * 30, rows), "s")
    data["started_at"] = start
    data["ended_at"] = start + pd.to_timedelta(rng.integers(300, 1800, rows), "s")
    data["respondent_id"] = pd.array([f"r{i}" for i in range(rows)], dtype="string")
    frame = pd.DataFrame(data, index=pd.RangeIndex(2, rows + 2, name="row"))
    frame.loc[frame.index[::100], "sex"] = "kobieta"
    return frame


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    instrument = load_instrument(STANDARD_INSTRUMENT)
    frame = frame_of(instrument, args.rows)
    times = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        report = validate(frame, instrument)
        times.append(time.perf_counter() - started)
    print(
        f"validate: {args.rows:,} rows x {frame.shape[1]} columns, "
        f"{len(report.findings):,} findings; best of {args.repeat}: {min(times):.2f} s"
    )


if __name__ == "__main__":
    main()
