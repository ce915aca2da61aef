"""Time ``diagnosis report`` against its in-process floor, and the batch against the naive chain.

Run: .venv/bin/python benchmarks/report.py [--town kwidzyn] [--repeat 5] [--before REV]
                                            [--batch-towns 6] [--workers 2] [--batch-repeat 2]

Every figure is a ratio of medians from ONE run in which both sides are timed the
same way (wall clock of this script, from starting the work to its end) the same
number of times, in alternation (A B A B ...), so that a machine whose speed
drifts (shared, as ours is) slows both alike.

Part 1, one report (``--repeat`` rounds, each: [before,] cold, floor):

* cold: ``python -m diagnosis.cli report <town> --out <tmp>`` as a new process, from
  its start to its exit (what a librarian waits for); the times of its progress
  lines are noted too;
* floor: the same work in one warm process: a worker started once, which imported
  everything and made the report once; each round it is asked (over a pipe) to make
  it again: validation (its cache emptied), ``TownReport.build``, ``write_evidence``,
  ``html()``, the standalone HTML written, the PDF;
* before (``--before REV``): the cold command of the program at git revision REV
  (``git archive`` into a temporary folder, run from there).

Part 2, every town at once with the same number of processes (``--batch-repeat``
rounds, each: naive, batch), on the first ``--batch-towns`` demo towns:

* naive: for each town ``papermill`` (a new kernel), ``jupyter nbconvert --to html
  --no-input`` and ``weasyprint`` as commands, ``--workers`` towns at a time;
* batch: ``diagnosis batch <towns> --workers N --force --no-progress``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOWNS = ROOT / "surveys" / "towns"
TEMPLATE = ROOT / "notebooks" / "diagnosis.ipynb"
BIN = Path(sys.executable).parent

FLOOR = """
import sys
from pathlib import Path
import matplotlib
matplotlib.use("Agg")
from diagnosis.report import TownReport, standalone_html, write_pdf
from diagnosis.validate import towns
for line in sys.stdin:
    target = Path(line.strip())
    target.mkdir(parents=True, exist_ok=True)
    towns._RECENT.clear()  # validate again, as a new report does
    report = TownReport.build(sys.argv[1])
    report.write_evidence(target)
    town = report.analysis.town
    html = standalone_html(report.html(), title="Diagnoza potrzeb mieszkańców",
                           subtitle=town.name, meta="", synthetic=town.synthetic)
    (target / "diagnosis.html").write_text(html, encoding="utf-8")
    write_pdf(html, target / "diagnosis.pdf", base_url=target)
    print("done", flush=True)
"""


def cold(town: str, out: Path, checkout: Path = ROOT) -> tuple[float, list[float]]:
    """Seconds from start to exit of ``diagnosis report``, and to each progress line."""
    command = [sys.executable, "-m", "diagnosis.cli", "report", town, "--out", str(out)]
    env = {**os.environ, "PYTHONPATH": str(checkout)}  # the checkout's program, not ours
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=checkout, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)  # fmt: skip
    lines = [time.perf_counter() - start for line in process.stderr if "] " in line]
    if process.wait() != 0:
        raise SystemExit(f"diagnosis report {town} failed")
    return time.perf_counter() - start, lines


class Floor:
    """A warm process that makes the report when asked."""

    def __init__(self, town: str, out: Path) -> None:
        self.process = subprocess.Popen([sys.executable, "-c", FLOOR, town], cwd=ROOT,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        text=True)  # fmt: skip
        self.out = out
        self.run(out / "warm-up")

    def run(self, target: Path) -> float:
        start = time.perf_counter()
        self.process.stdin.write(f"{target}\n")
        self.process.stdin.flush()
        if self.process.stdout.readline().strip() != "done":
            raise SystemExit("the floor's worker failed")
        return time.perf_counter() - start

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait()


def checkout(rev: str, tmp: Path) -> Path:
    """The program as it was at ``rev``, in a folder of its own (run from there)."""
    folder = tmp / "before"
    folder.mkdir()
    archive = subprocess.run(["git", "archive", rev], cwd=ROOT, capture_output=True,
                             check=True).stdout  # fmt: skip
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def _run(command: list[str]) -> None:
    subprocess.run(command, check=True, cwd=ROOT, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)  # fmt: skip


def naive_chain(folder: Path, target: Path) -> None:
    target.mkdir(parents=True)
    notebook = target / "diagnosis.ipynb"
    _run([str(BIN / "papermill"), str(TEMPLATE), str(notebook), "-p", "town", str(folder),
          "-p", "output_dir", str(target), "--no-progress-bar"])  # fmt: skip
    _run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(notebook)])
    _run([str(BIN / "weasyprint"), str(target / "diagnosis.html"), str(target / "diagnosis.pdf")])


def naive(folders: list[Path], out: Path, workers: int) -> float:
    start = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(lambda f: naive_chain(f, out / f.name), folders))
    return time.perf_counter() - start


def batch(folders: list[Path], out: Path, workers: int) -> float:
    start = time.perf_counter()
    _run([sys.executable, "-m", "diagnosis.cli", "batch", *map(str, folders), "--out", str(out),
          "--force", "--no-progress", "--workers", str(workers)])  # fmt: skip
    return time.perf_counter() - start


def _median(values: list[float]) -> float:
    return statistics.median(values)


def _show(label: str, values: list[float]) -> None:
    each = " ".join(f"{v:.2f}" for v in values)
    print(f"  {label:<44} median {_median(values):6.2f} s   ({each})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--town", default="kwidzyn")
    parser.add_argument("--repeat", type=int, default=5, help="rounds of part 1 (default 5)")
    parser.add_argument("--before", default=None, help="also time the cold command at this rev")
    parser.add_argument("--batch-towns", type=int, default=6, help="towns of part 2 (0: skip)")
    parser.add_argument("--workers", type=int, default=2, help="processes of part 2")
    parser.add_argument("--batch-repeat", type=int, default=2, help="rounds of part 2")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    print(f"{os.cpu_count()} cores, load average {load:.2f} at the start; town {args.town}")
    with tempfile.TemporaryDirectory(prefix="diagnosis-bench-") as tmp:
        tmp = Path(tmp)
        before = checkout(args.before, tmp) if args.before else None
        floor = Floor(args.town, tmp / "floor")
        times: dict[str, list[float]] = {"before": [], "cold": [], "floor": []}
        stages: list[list[float]] = []
        for k in range(args.repeat):
            if before is not None:
                times["before"].append(cold(args.town, tmp / f"before-{k}", before)[0])
            total, lines = cold(args.town, tmp / f"cold-{k}")
            times["cold"].append(total)
            stages.append(lines)
            times["floor"].append(floor.run(tmp / f"floor-{k}"))
        floor.close()
        print(f"\none report, {args.repeat} rounds in alternation:")
        if before is not None:
            _show(f"before ({args.before}): diagnosis report, cold", times["before"])
        _show("diagnosis report, cold (start to exit)", times["cold"])
        _show("floor: the same work in one warm process", times["floor"])
        marks = [_median([s[i] for s in stages]) for i in range(min(map(len, stages)))]
        print("  cold, median time of each progress line: "
              + ", ".join(f"{i + 1}/4 at {m:.2f} s" for i, m in enumerate(marks)))  # fmt: skip
        ratio = _median(times["cold"]) / _median(times["floor"])
        print(f"  cold / floor = {ratio:.2f}x (target <= 1.5x)")
        if before is not None:
            speedup = _median(times["before"]) / _median(times["cold"])
            print(f"  before / now = {speedup:.2f}x")
        if args.batch_towns:
            folders = sorted(p.parent for p in TOWNS.glob("*/town.yaml"))[: args.batch_towns]
            result: dict[str, list[float]] = {"naive": [], "batch": []}
            for k in range(args.batch_repeat):
                result["naive"].append(naive(folders, tmp / f"naive-{k}", args.workers))
                result["batch"].append(batch(folders, tmp / f"batch-{k}", args.workers))
            n = len(folders)
            print(f"\n{n} towns with {args.workers} processes, {args.batch_repeat} rounds "
                  "in alternation (seconds for all towns):")  # fmt: skip
            _show("naive: papermill + nbconvert + weasyprint", result["naive"])
            _show("diagnosis batch", result["batch"])
            per = {k: _median(v) / n for k, v in result.items()}
            print(
                f"  per report: naive {per['naive']:.2f} s, batch {per['batch']:.2f} s; "
                f"naive / batch = {per['naive'] / per['batch']:.2f}x (target >= 5x)"
            )
    print(f"load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
