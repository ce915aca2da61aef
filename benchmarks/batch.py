"""Time three ways of making N town reports: naive commands, ``diagnosis batch``, a plain script.

Run: .venv/bin/python benchmarks/batch.py [--towns 25] [--workers N] [--naive-towns K]

The towns: the first N demo towns under surveys/towns, copied into a temporary
folder; ``--towns 500`` cycles through the 25 demo towns, each copy with its
own folder and display name (``Kwidzyn 2`` ...). Every way writes to its own
temporary output folder and is timed from start to finish, as a command, in
one run:

1. naive: for each town, one after another, ``papermill`` (the CLI: a new
   kernel), ``jupyter nbconvert --to html --no-input`` and ``weasyprint``;
2. ``diagnosis batch`` (warm workers, one per core, ``--force``);
3. the floor: one Python process, no notebooks, for each town
   ``TownReport.build``, ``write_evidence``, ``html()`` and the PDF.

``--naive-towns K`` times the naive way on the first K towns only and reports
its seconds per report (it is slow). Prints seconds per report and the ratios.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

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
out = Path(sys.argv[1])
for folder in sys.argv[2:]:
    target = out / Path(folder).name
    target.mkdir(parents=True, exist_ok=True)
    report = TownReport.build(folder)
    report.write_evidence(target)
    html = standalone_html(report.html(), title="Diagnoza", subtitle=report.analysis.town.name)
    (target / "diagnosis.html").write_text(html, encoding="utf-8")
    write_pdf(html, target / "diagnosis.pdf", base_url=target)
"""


def build_towns(n: int, target: Path) -> list[Path]:
    """Copy (and for n > 25, vary the names of) demo towns into ``target``."""
    demo = sorted(p.parent for p in TOWNS.glob("*/town.yaml"))
    folders = []
    for i in range(n):
        source = demo[i % len(demo)]
        copy = i // len(demo)
        folder = target / (source.name if copy == 0 else f"{source.name}-{copy + 1}")
        shutil.copytree(source, folder)
        config = folder / "town.yaml"
        data = yaml.safe_load(config.read_text(encoding="utf-8"))
        instrument = data.get("instrument")
        if instrument and not Path(instrument).is_absolute():
            data["instrument"] = str((source / instrument).resolve())
        if copy:
            data["name"] = f"{data['name']} {copy + 1}"
        config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        folders.append(folder)
    return folders


def _run(command: list[str]) -> None:
    subprocess.run(command, check=True, cwd=ROOT, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)  # fmt: skip


def naive(folders: list[Path], out: Path) -> float:
    """papermill, nbconvert, weasyprint as commands, one town after another."""
    start = time.perf_counter()
    for folder in folders:
        target = out / folder.name
        target.mkdir(parents=True)
        notebook = target / "diagnosis.ipynb"
        _run([str(BIN / "papermill"), str(TEMPLATE), str(notebook), "-p", "town", str(folder),
              "-p", "output_dir", str(target), "--no-progress-bar"])  # fmt: skip
        _run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(notebook)])
        _run([str(BIN / "weasyprint"), str(target / "diagnosis.html"),
              str(target / "diagnosis.pdf")])  # fmt: skip
    return time.perf_counter() - start


def batch(folders: list[Path], out: Path, workers: int | None) -> float:
    """``diagnosis batch`` as a command."""
    command = [str(BIN / "diagnosis"), "batch", *map(str, folders), "--out", str(out),
               "--force", "--no-progress"]  # fmt: skip
    if workers:
        command += ["--workers", str(workers)]
    start = time.perf_counter()
    _run(command)
    return time.perf_counter() - start


def floor(folders: list[Path], out: Path) -> float:
    """The same analysis as a plain script in one process."""
    start = time.perf_counter()
    _run([sys.executable, "-c", FLOOR, str(out), *map(str, folders)])
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--towns", type=int, default=25, help="number of towns (default 25)")
    parser.add_argument("--workers", type=int, default=None, help="batch workers (default cores)")
    parser.add_argument("--naive-towns", type=int, default=None,
                        help="time the naive way on this many towns only")  # fmt: skip
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="diagnosis-bench-") as tmp:
        tmp = Path(tmp)
        folders = build_towns(args.towns, tmp / "towns")
        k = min(args.naive_towns or args.towns, args.towns)
        print(f"{args.towns} towns, {os.cpu_count()} cores, batch workers "
              f"{args.workers or os.cpu_count()}; naive on {k} towns")  # fmt: skip
        per = {}
        per["naive"] = naive(folders[:k], tmp / "naive") / k
        print(f"naive (papermill + nbconvert + weasyprint CLIs): {per['naive']:6.2f} s/report")
        per["batch"] = batch(folders, tmp / "batch", args.workers) / args.towns
        print(f"diagnosis batch:                                 {per['batch']:6.2f} s/report")
        per["floor"] = floor(folders, tmp / "floor") / args.towns
        print(f"floor (plain script, one process):               {per['floor']:6.2f} s/report")
        print(f"naive / batch = {per['naive'] / per['batch']:.1f}x (target >= 5x); "
              f"batch / floor = {per['batch'] / per['floor']:.2f}x (target <= 1.5x)")  # fmt: skip


if __name__ == "__main__":
    main()
