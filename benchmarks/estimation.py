"""Time diagnosis.estimate against R's survey on one large synthetic sample.

Run: .venv/bin/python benchmarks/estimation.py [--rows 1000000] [--repeat 3] [--no-r]

The sample is deterministic (seed 2026): ``--rows`` respondents in 200 strata
of 25 PSUs each (5,000 PSUs), 20 numeric variables, a domain variable with 200
levels that cuts across PSUs, and two raking margins (age band, sex). Four tasks,
on ``svydesign(id = ~psu, strata = ~stratum, weights = ~w, data = d)``:

1. mean and SE of 20 variables: ``svymean(~y1 + ... + y20, des)``;
2. a domain mean over 200 domains: ``svyby(~y1, ~dom, des, svymean)``;
3. raking to two margins to 1e-12:
   ``rake(des, list(~age, ~sex), list(pa, ps), control = list(maxit = 100, epsilon = 1e-12))``;
4. mean and SE of the 20 variables on the raked design: ``svymean(~y1 + ... + y20, raked)``,
   where R spends its time on the calibration's share of the variance.

Both sides are timed the same way, in one run: R (when ``Rscript`` with survey is
found) is one process that reads the data once and then waits for a task's name;
for each of ``--repeat`` rounds, each task runs once in Python and once in R, one
after the other (A B A B ...), and each side times only the task, in its own
process (``time.perf_counter``; R's ``system.time(...)["elapsed"]``). The table
gives the median of each side's ``--repeat`` times. Every number the tasks give
is compared with R's: 40 means and SEs, 400 domain means and SEs, the million
raked weights, 40 means and SEs on the raked design.
Building the Design (R: ``svydesign``) is timed once, not part of the ratios.
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


def timed(func) -> tuple[float, object]:
    """Wall-clock seconds of one call, and its result."""
    start = time.perf_counter()
    result = func()
    return time.perf_counter() - start, result


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
out <- args[7]
t0 <- system.time(des <- svydesign(id = ~psu, strata = ~stratum, weights = ~w, data = d))
f <- as.formula(paste("~", paste0("y", 1:20, collapse = "+")))
rk <- function() rake(des, list(~age, ~sex), list(pa, ps),
                      control = list(maxit = 100, epsilon = 1e-12))
raked <- rk()
tasks <- list(
  mean20 = function() svymean(f, des),
  domain200 = function() svyby(~y1, ~dom, des, svymean),
  rake = rk,
  raked_mean20 = function() svymean(f, raked)
)
cat(sprintf("design %.4f\n", t0[["elapsed"]])); flush(stdout())
input <- file("stdin", "r")
while (length(task <- readLines(input, n = 1)) > 0) {
  t <- system.time(result <- tasks[[task]]())
  if (task == "rake") {
    con <- file(file.path(out, "rake.bin"), "wb"); writeBin(weights(result), con); close(con)
  } else if (task == "domain200") {
    write.csv(data.frame(estimate = coef(result), se = SE(result)),
              file.path(out, paste0(task, ".csv")), row.names = FALSE)
  } else {
    write.csv(data.frame(estimate = coef(result), se = SE(result)),
              file.path(out, paste0(task, ".csv")), row.names = FALSE)
  }
  cat(sprintf("%s %.4f\n", task, t[["elapsed"]])); flush(stdout())
}
"""


class R:
    """One Rscript process holding the data and the design; runs a task when asked."""

    def __init__(self, df: pd.DataFrame, pops: dict[str, dict[int, float]], tmp: Path) -> None:
        data = tmp / "sample.bin"
        script = tmp / "bench.R"
        columns = list(df.columns)
        df[columns].to_numpy(dtype=float).T.tofile(data)  # column-major doubles
        script.write_text(R_SCRIPT)
        self.tmp = tmp
        self.process = subprocess.Popen(
            [
                "Rscript",
                str(script),
                str(data),
                str(len(df)),
                str(len(columns)),
                ",".join(columns),
                ",".join(repr(float(v)) for v in pops["age"].values()),
                ",".join(repr(float(v)) for v in pops["sex"].values()),
                str(tmp),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.design = self._answer("design")

    def _answer(self, task: str) -> float:
        line = self.process.stdout.readline().split()
        if not line or line[0] != task:
            raise SystemExit(f"R failed on {task}: {line}")
        return float(line[1])

    def run(self, task: str) -> float:
        """R's seconds for ``task``; its result is left in the temporary folder."""
        self.process.stdin.write(task + "\n")
        self.process.stdin.flush()
        return self._answer(task)

    def result(self, task: str) -> np.ndarray:
        if task == "rake":
            return np.fromfile(self.tmp / "rake.bin", dtype=float)
        return pd.read_csv(self.tmp / f"{task}.csv")[["estimate", "se"]].to_numpy()

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait()


def r_available() -> bool:
    """Rscript with the survey package."""
    if shutil.which("Rscript") is None:
        return False
    probe = subprocess.run(
        ["Rscript", "-e", "library(survey)"], capture_output=True, text=True, check=False
    )
    return probe.returncode == 0


def _gap(ours: np.ndarray, theirs: np.ndarray) -> float:
    """Largest relative difference."""
    ours, theirs = np.asarray(ours, dtype=float), np.asarray(theirs, dtype=float)
    if ours.shape != theirs.shape:
        raise SystemExit(f"different shapes: {ours.shape} and {theirs.shape}")
    return float(np.max(np.abs(ours - theirs) / np.abs(theirs)))


LABELS = {
    "mean20": "mean + SE of 20 variables",
    "domain200": "domain mean, 200 domains",
    "rake": "raking, two margins, 1e-12",
    "raked_mean20": "mean + SE of 20, raked design",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="rounds (default 3)")
    parser.add_argument("--no-r", action="store_true", help="skip the R comparison")
    args = parser.parse_args()
    df = sample(args.rows)
    pops = margins(df)
    variables = [f"y{j}" for j in range(1, N_VARS + 1)]
    print(
        f"{args.rows:,} rows, {N_STRATA} strata, {N_STRATA * PSU_PER_STRATUM:,} PSUs, "
        f"{N_VARS} variables, {N_DOMAINS} domains; {args.repeat} rounds"
    )
    built, des = timed(lambda: Design(df, weights="w", strata="stratum", clusters="psu"))
    raked = des.rake(pops, tol=1e-12)
    tasks = {
        "mean20": lambda: des.mean(variables),
        "domain200": lambda: des.mean("y1", by="dom"),
        "rake": lambda: des.rake(pops, tol=1e-12),
        "raked_mean20": lambda: raked.mean(variables),
    }
    with tempfile.TemporaryDirectory() as tmp:
        r = None if args.no_r or not r_available() else R(df, pops, Path(tmp))
        times: dict[str, dict[str, list[float]]] = {t: {"python": [], "R": []} for t in tasks}
        results = {}
        for _ in range(args.repeat):
            for task, func in tasks.items():
                seconds, results[task] = timed(func)
                times[task]["python"].append(seconds)
                if r is not None:
                    times[task]["R"].append(r.run(task))
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"Design (svydesign): python {built:.3f} s" +
              (f", R {r.design:.3f} s" if r else ""))  # fmt: skip
        print(f"peak memory (max RSS of this process): {peak:.0f} MB")
        if r is None:
            print("\ntask                              python s (median)")
            for task, label in LABELS.items():
                print(f"{label:<32} {np.median(times[task]['python']):9.3f}")
            print("R with survey not found: no ratios")
            return
        print("\ntask                              python s      R s   R/python   (medians)")
        for task, label in LABELS.items():
            py, rs = np.median(times[task]["python"]), np.median(times[task]["R"])
            print(f"{label:<32} {py:9.3f} {rs:8.2f} {rs / py:9.1f}x")
        print("\nevery time, in order (python | R):")
        for task, label in LABELS.items():
            each = " ".join(f"{v:.3f}" for v in times[task]["python"])
            theirs = " ".join(f"{v:.2f}" for v in times[task]["R"])
            print(f"  {label:<32} {each} | {theirs}")
        gaps = {}
        for task in ("mean20", "domain200", "raked_mean20"):
            ours = results[task][["estimate", "se"]].to_numpy()
            gaps[task] = (_gap(ours, r.result(task)), ours.size)
        gaps["rake"] = (_gap(results["rake"].weights, r.result("rake")), len(df))
        r.close()
        print("\nlargest relative difference from R (every number compared):")
        for task, (gap, count) in gaps.items():
            print(f"  {LABELS[task]:<32} {gap:.1e} over {count:,} numbers")


if __name__ == "__main__":
    main()
