"""Time ``diagnosis report`` against its floor, and ``diagnosis batch`` against the naive chain.

Run: .venv/bin/python benchmarks/report.py [--town kwidzyn] [--repeat 3] [--before REV] [--at REV]
                                            [--batch-towns 6] [--workers 2]

Every figure is a median from ONE run in which all the ways are timed the same
way (wall clock of this script, from starting the work to its end) the same
number of times, in alternation (round after round, each: [before,] cold, floor,
naive, batch, script), so that a machine whose speed drifts (shared, as ours is)
slows them alike. Ratios are ratios of those medians.

One report, of ``--town``:

* cold: ``python -m diagnosis.cli report <town> --out <tmp>`` as a new process, from
  its start to its exit (what a librarian waits for); the times of its progress
  lines are noted too;
* floor: the same work in one warm process: a worker started once, which imported
  everything and made the report once; each round it is asked (over a pipe) to make
  it again: validation (its cache emptied), ``TownReport.build``, ``write_evidence``,
  ``html()``, the standalone HTML written, the PDF;
* before (``--before REV``): the cold command of the program at git revision REV
  (``git archive`` into a temporary folder, run from there; REV may also be a
  folder holding a copy of the program).

Many reports, the first ``--batch-towns`` demo towns (more than there are demo towns:
copies of them, each with a folder and display name of its own), each way with
``--workers`` processes, timed as commands from start to end:

* naive: for each town ``papermill`` (a new kernel), ``jupyter nbconvert --to html
  --no-input`` and ``weasyprint`` as commands, ``--workers`` towns at a time;
* batch: ``diagnosis batch <towns> --workers N --force --no-progress``;
* script: the batch's floor: ``--workers`` plain Python processes, each making its
  share of the towns as the floor does (no notebook, no validation report, no
  resume bookkeeping);
* batch before (``--before REV``): ``diagnosis batch`` of that program.

``--at REV`` runs the program of revision REV (``git archive``; or a folder holding
a copy of the program) for all of these instead of the working tree (whose
uncommitted edits may be half-done, or change during the run).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

FLOOR = """
import sys, time
from pathlib import Path
import matplotlib
matplotlib.use("Agg")
from diagnosis.report import TownReport, standalone_html, write_pdf
from diagnosis.validate import towns

def make(folder, target):
    marks = [time.perf_counter()]
    target.mkdir(parents=True, exist_ok=True)
    towns._RECENT.clear()  # validate again, as a new report does
    report = TownReport.build(folder)
    report.write_evidence(target)
    marks.append(time.perf_counter())
    town = report.analysis.town
    html = standalone_html(report.html(), title="Diagnoza potrzeb mieszkańców",
                           subtitle=town.name, meta="", synthetic=town.synthetic)
    (target / "diagnosis.html").write_text(html, encoding="utf-8")
    marks.append(time.perf_counter())
    write_pdf(html, target / "diagnosis.pdf", base_url=target)
    marks.append(time.perf_counter())
    return [b - a for a, b in zip(marks, marks[1:])]

if sys.argv[1] == "--serve":  # the floor: make the town's report whenever asked
    for line in sys.stdin:
        parts = make(sys.argv[2], Path(line.strip()))
        print("done", *(f"{p:.4f}" for p in parts), flush=True)
else:  # the script: these towns into this folder
    for folder in sys.argv[2:]:
        make(folder, Path(sys.argv[1]) / Path(folder).name)
"""


def _env(program: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(program)}  # that program, not the installed one


def cold(town: str, out: Path, program: Path) -> tuple[float, list[float]]:
    """Seconds from start to exit of ``diagnosis report``, and to each progress line."""
    command = [sys.executable, "-m", "diagnosis.cli", "report", town, "--out", str(out)]
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=program, env=_env(program), stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)  # fmt: skip
    lines = [time.perf_counter() - start for line in process.stderr if "] " in line]
    if process.wait() != 0:
        raise SystemExit(f"diagnosis report {town} failed")
    return time.perf_counter() - start, lines


class Floor:
    """A warm process that makes the report when asked."""

    def __init__(self, town: str, out: Path, program: Path) -> None:
        command = [sys.executable, "-c", FLOOR, "--serve", town]
        self.process = subprocess.Popen(command, cwd=program, env=_env(program),
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        text=True)  # fmt: skip
        self.parts: list[list[float]] = []  # per round: analysis + evidence files, HTML, PDF
        self.run(out / "warm-up")
        self.parts.clear()

    def run(self, target: Path) -> float:
        start = time.perf_counter()
        self.process.stdin.write(f"{target}\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline().split()
        if answer[:1] != ["done"]:
            raise SystemExit("the floor's worker failed")
        self.parts.append([float(p) for p in answer[1:]])
        return time.perf_counter() - start

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait()


def checkout(rev: str, folder: Path) -> Path:
    """The program as it was at ``rev``, in a folder of its own (run from there)."""
    folder.mkdir()
    archive = subprocess.run(["git", "archive", rev], cwd=ROOT, capture_output=True,
                             check=True).stdout  # fmt: skip
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def build_towns(n: int, program: Path, target: Path) -> list[Path]:
    """The first ``n`` demo towns; beyond the demo towns, copies with names of their own."""
    demo = sorted(p.parent for p in (program / "surveys" / "towns").glob("*/town.yaml"))
    if n <= len(demo):
        return demo[:n]
    folders = []
    for i in range(n):
        source, copy = demo[i % len(demo)], i // len(demo)
        if copy == 0:
            folders.append(source)
            continue
        folder = target / f"{source.name}-{copy + 1}"
        shutil.copytree(source, folder)
        config = folder / "town.yaml"
        data = yaml.safe_load(config.read_text(encoding="utf-8"))
        instrument = data.get("instrument")
        if instrument and not Path(instrument).is_absolute():
            data["instrument"] = str((source / instrument).resolve())
        data["name"] = f"{data['name']} {copy + 1}"
        config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        folders.append(folder)
    return folders


def _run(command: list[str], program: Path) -> None:
    subprocess.run(command, check=True, cwd=program, env=_env(program),
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip


def naive_chain(folder: Path, target: Path, program: Path) -> None:
    target.mkdir(parents=True)
    notebook = target / "diagnosis.ipynb"
    template = program / "notebooks" / "diagnosis.ipynb"
    _run([str(BIN / "papermill"), str(template), str(notebook), "-p", "town", str(folder),
          "-p", "output_dir", str(target), "--no-progress-bar"], program)  # fmt: skip
    _run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(notebook)],
         program)  # fmt: skip
    _run([str(BIN / "weasyprint"), str(target / "diagnosis.html"), str(target / "diagnosis.pdf")],
         program)  # fmt: skip


def naive(folders: list[Path], out: Path, workers: int, program: Path) -> float:
    start = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(lambda f: naive_chain(f, out / f.name, program), folders))
    return time.perf_counter() - start


def batch(folders: list[Path], out: Path, workers: int, program: Path) -> float:
    start = time.perf_counter()
    _run([sys.executable, "-m", "diagnosis.cli", "batch", *map(str, folders), "--out", str(out),
          "--force", "--no-progress", "--workers", str(workers)], program)  # fmt: skip
    return time.perf_counter() - start


def script(folders: list[Path], out: Path, workers: int, program: Path) -> float:
    shares = [folders[k::workers] for k in range(workers) if folders[k::workers]]
    start = time.perf_counter()
    with ThreadPoolExecutor(len(shares)) as pool:
        command = [sys.executable, "-c", FLOOR, str(out)]
        list(pool.map(lambda s: _run([*command, *map(str, s)], program), shares))
    return time.perf_counter() - start


def _show(label: str, values: list[float], per: int = 1) -> None:
    each = " ".join(f"{v:.2f}" for v in values)
    note = f"   {statistics.median(values) / per:5.2f} s per report" if per > 1 else ""
    print(f"  {label:<46} median {statistics.median(values):6.2f} s ({each}){note}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--town", default="kwidzyn")
    parser.add_argument("--repeat", type=int, default=3, help="rounds (default 3)")
    parser.add_argument("--before", default=None, help="also time the cold command at this rev")
    parser.add_argument("--at", default=None, help="time the program of this rev (default: tree)")
    parser.add_argument("--batch-towns", type=int, default=6, help="towns of a batch (0: none)")
    parser.add_argument("--workers", type=int, default=2, help="processes of the batch ways")
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at the start; "
          f"town {args.town}; program: {args.at or 'the working tree'}")  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="diagnosis-bench-") as tmp:
        tmp = Path(tmp)
        program = ROOT
        if args.at:
            given = Path(args.at)
            program = given.resolve() if given.is_dir() else checkout(args.at, tmp / "at")
        before = None
        if args.before:
            given = Path(args.before)
            before = given.resolve() if given.is_dir() else checkout(args.before, tmp / "before")
        folders = build_towns(args.batch_towns, program, tmp / "towns") if args.batch_towns else []
        n = len(folders)
        floor = Floor(args.town, tmp / "floor", program)
        ways = ("before", "cold", "floor", "naive", "batch", "script", "batch before")
        times: dict[str, list[float]] = {way: [] for way in ways}
        stages: list[list[float]] = []
        for k in range(args.repeat):
            if before is not None:
                times["before"].append(cold(args.town, tmp / f"before-{k}", before)[0])
            total, lines = cold(args.town, tmp / f"cold-{k}", program)
            times["cold"].append(total)
            stages.append(lines)
            times["floor"].append(floor.run(tmp / f"floor-{k}"))
            if folders:
                for way, run in (("naive", naive), ("batch", batch), ("script", script)):
                    times[way].append(run(folders, tmp / f"{way}-{k}", args.workers, program))
                if before is not None:
                    out = tmp / f"batch-before-{k}"
                    times["batch before"].append(batch(folders, out, args.workers, before))
        floor.close()
    print(f"\none report ({args.town}), {args.repeat} rounds in alternation with the rest:")
    if before is not None:
        _show(f"before ({args.before}): diagnosis report, cold", times["before"])
    _show("diagnosis report, cold (start to exit)", times["cold"])
    _show("floor: the same work in one warm process", times["floor"])
    parts = [statistics.median(p[i] for p in floor.parts) for i in range(3)]
    print(f"  floor, median of its parts: analysis and evidence files {parts[0]:.2f} s, "
          f"HTML with figures {parts[1]:.2f} s, PDF (WeasyPrint) {parts[2]:.2f} s")  # fmt: skip
    marks = [statistics.median(s[i] for s in stages) for i in range(min(map(len, stages)))]
    print("  cold, median time of each progress line: "
          + ", ".join(f"{i + 1}/4 at {m:.2f} s" for i, m in enumerate(marks)))  # fmt: skip
    median = {k: statistics.median(v) for k, v in times.items() if v}
    print(f"  cold / floor = {median['cold'] / median['floor']:.2f}x (target <= 1.5x); "
          f"cold {median['cold']:.2f} s (target < 6 s)")  # fmt: skip
    if before is not None:
        print(f"  before / now = {median['before'] / median['cold']:.2f}x")
    if folders:
        print(f"\n{n} towns with {args.workers} processes each way, same rounds (seconds for all):")
        _show("naive: papermill + nbconvert + weasyprint", times["naive"], n)
        _show("diagnosis batch", times["batch"], n)
        _show("script: the batch's floor (plain processes)", times["script"], n)
        if before is not None:
            _show(f"before ({args.before}): diagnosis batch", times["batch before"], n)
        print(f"  naive / batch = {median['naive'] / median['batch']:.2f}x (target >= 5x); "
              f"batch / script = {median['batch'] / median['script']:.2f}x")  # fmt: skip
        budget = median["naive"] / n / 5 * args.workers
        print(f"  5x would leave each process {budget:.2f} s per report; the floor's PDF alone "
              f"takes {parts[2]:.2f} s, all of the floor {median['floor']:.2f} s")  # fmt: skip
        if before is not None:
            print(f"  batch before / now = {median['batch before'] / median['batch']:.2f}x")
    print(f"load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
