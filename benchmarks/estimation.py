"""Time diagnosis.estimate against R's survey on one large synthetic sample.

Run: .venv/bin/python benchmarks/estimation.py [--rows 1000000] [--no-r]

The sample is deterministic (seed 2026): ``--rows`` respondents in 200 strata
of 25 PSUs each (5,000 PSUs), 20 numeric variables, a domain variable with 200
levels that cuts across PSUs, and two raking margins (age band, sex). Three
tasks are timed, each in Python and, when ``Rscript`` with the survey package
is found, in R on the same data in the same run (R reads the data from a
temporary binary file; only the estimation is timed, with ``system.time``):

1. mean and SE of 20 variables: ``svymean(~y1 + ... + y20, des)``;
2. a domain mean over 200 domains: ``svyby(~y1, ~dom, des, svymean)``;
3. raking to two margins to 1e-12:
   ``rake(des, list(~age, ~sex), list(pa, ps), control = list(maxit = 100, epsilon = 1e-12))``.

The design is ``svydesign(id = ~psu, strata = ~stratum, weights = ~w, data = d)``.
Building the Design (R: ``svydesign``) is timed too, but not part of the ratios.
Peak memory is the maximum resident set size of this Python process.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from diagnosis.estimate import Design

N_STRATA, PSU_PER_STRATUM, N_VARS, N_DOMAINS = 200, 25, 20, 200
AGE_BANDS, SEXES = 6, 2


def sample(rows: int, seed: int = 2026) -> pd.DataFrame:
    """The benchmark sample: unsorted rows, PSU effects, unequal weights."""
    rng = np.random.default_rng(seed)
    n_psu = N_STRATA * PSU_PER_STRATUM
    psu = rng.integers(0, n_psu, rows)
    stratum = psu // PSU_PER_STRATUM
    psu_effect = rng.normal(0, 1, n_psu)
    data: dict[str, np.ndarray] = {
        "stratum": stratum,
        "psu": psu,
        "w": rng.uniform(50, 150, rows) * (1 + stratum % 4),
        "dom": rng.integers(0, N_DOMAINS, rows),
        "age": rng.integers(0, AGE_BANDS, rows),
        "sex": rng.integers(0, SEXES, rows),
    }
    for j in range(1, N_VARS + 1):
        data[f"y{j}"] = 10 * j + psu_effect[psu] * j / 4 + rng.normal(0, 5, rows)
    return pd.DataFrame(data)


def margins(df: pd.DataFrame) -> dict[str, dict[int, float]]:
    """Population margins that differ from the weighted sample (and agree in total)."""
    total = float(df["w"].sum())
    age = np.linspace(1.0, 2.0, AGE_BANDS)
    sex = np.array([0.48, 0.52])
    return {
        "age": dict(enumerate(total * age / age.sum())),
        "sex": dict(enumerate(total * sex)),
    }


def timed(label: str, func, repeat: int = 3) -> tuple[float, object]:
    """Best of ``repeat`` wall-clock times."""
    best, result = np.inf, None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    print(f"  python {label:<32} {best:8.3f} s")
    return best, result


R_SCRIPT = r"""
suppressMessages(library(survey))
args <- commandArgs(TRUE)
n <- as.integer(args[2]); k <- as.integer(args[3])
con <- file(args[1], "rb"); m <- readBin(con, "double", n * k); close(con)
m <- matrix(m, nrow = n)
d <- as.data.frame(m); names(d) <- strsplit(args[4], ",")[[1]]
d$dom <- factor(d$dom); d$age <- factor(d$age); d$sex <- factor(d$sex)
pa <- data.frame(age = levels(d$age), Freq = as.numeric(strsplit(args[5], ",")[[1]]))
ps <- data.frame(sex = levels(d$sex), Freq = as.numeric(strsplit(args[6], ",")[[1]]))
t0 <- system.time(des <- svydesign(id = ~psu, strata = ~stratum, weights = ~w, data = d))
f <- as.formula(paste("~", paste0("y", 1:20, collapse = "+")))
t1 <- system.time(m1 <- svymean(f, des))
t2 <- system.time(m2 <- svyby(~y1, ~dom, des, svymean))
t3 <- system.time(r3 <- rake(des, list(~age, ~sex), list(pa, ps),
                             control = list(maxit = 100, epsilon = 1e-12)))
cat(sprintf("design %.4f\nmean20 %.4f\ndomain200 %.4f\nrake %.4f\n",
            t0[["elapsed"]], t1[["elapsed"]], t2[["elapsed"]], t3[["elapsed"]]))
cat(sprintf("check %.12g %.12g %.12g %.12g\n", coef(m1)[1], SE(m1)[1], coef(m2)[1], SE(m2)[1]))
"""


def run_r(df: pd.DataFrame, pops: dict[str, dict[int, float]]) -> dict[str, float] | None:
    """Time the same tasks in R; None without Rscript or survey."""
    if shutil.which("Rscript") is None:
        return None
    probe = subprocess.run(
        ["Rscript", "-e", "library(survey)"], capture_output=True, text=True, check=False
    )
    if probe.returncode != 0:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "sample.bin"
        script = Path(tmp) / "bench.R"
        columns = list(df.columns)
        df[columns].to_numpy(dtype=float).T.tofile(data)  # column-major doubles
        script.write_text(R_SCRIPT)
        out = subprocess.run(
            [
                "Rscript",
                str(script),
                str(data),
                str(len(df)),
                str(len(columns)),
                ",".join(columns),
                ",".join(repr(float(v)) for v in pops["age"].values()),
                ",".join(repr(float(v)) for v in pops["sex"].values()),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    figures = {}
    for line in out.stdout.splitlines():
        key, *values = line.split()
        figures[key] = [float(v) for v in values] if key == "check" else float(values[0])
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--no-r", action="store_true", help="skip the R comparison")
    args = parser.parse_args()
    df = sample(args.rows)
    pops = margins(df)
    variables = [f"y{j}" for j in range(1, N_VARS + 1)]
    print(
        f"{args.rows:,} rows, {N_STRATA} strata, {N_STRATA * PSU_PER_STRATUM:,} PSUs, "
        f"{N_VARS} variables, {N_DOMAINS} domains"
    )
    _, des = timed(
        "Design (svydesign)",
        lambda: Design(df, weights="w", strata="stratum", clusters="psu"),
    )
    times = {}
    times["mean20"], m1 = timed("mean + SE of 20 variables", lambda: des.mean(variables))
    times["domain200"], m2 = timed("domain mean, 200 domains", lambda: des.mean("y1", by="dom"))
    times["rake"], _ = timed("raking, two margins, 1e-12", lambda: des.rake(pops, tol=1e-12))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak memory (max RSS of this process)    {peak:8.0f} MB")
    r = None if args.no_r else run_r(df, pops)
    if r is None:
        print("R with survey not found: no ratios")
        return
    print(f"  R      {'svydesign':<32} {r['design']:8.3f} s")
    labels = {
        "mean20": "mean + SE of 20 variables",
        "domain200": "domain mean, 200 domains",
        "rake": "raking, two margins, 1e-12",
    }
    print("\ntask                              python s      R s   R/python")
    for key, label in labels.items():
        print(f"{label:<32} {times[key]:9.3f} {r[key]:8.2f} {r[key] / times[key]:9.1f}x")
    est = [m1["estimate"].iloc[0], m1["se"].iloc[0], m2["estimate"].iloc[0], m2["se"].iloc[0]]
    gap = max(abs(a - b) / abs(b) for a, b in zip(est, r["check"], strict=True))
    print(f"largest relative difference from R on the checked numbers: {gap:.1e}")


if __name__ == "__main__":
    main()
