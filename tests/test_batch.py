"""``diagnosis batch``: warm workers, isolation, timeouts, failures, resume, index, Dask."""

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import matplotlib
import nbformat
import pandas as pd
import papermill as pm
import pytest

from diagnosis.batch.engine import ENGINE_NAME
from diagnosis.batch.index import write_index
from diagnosis.batch.runner import BatchSettings, fingerprint, plan, render_one, run_batch
from diagnosis.cli import main
from diagnosis.errors import DiagnosisError
from diagnosis.report import TEMPLATE
from diagnosis.town import STANDARD_INSTRUMENT, TOWNS_DIR, load_town

GOOD = ["sopot", "kwidzyn"]  # two of the smaller demo towns
TIMEOUT = 40  # seconds before the hanging town is stopped (a good one takes ~10 alone)


def _notebook(path, *sources, parameters="town = 'a'"):
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell(parameters)
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, *(nbformat.v4.new_code_cell(s) for s in sources)]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, path)
    return path


def _run(template, out, **parameters):
    return pm.execute_notebook(str(template), str(out), parameters=parameters,
                               engine_name=ENGINE_NAME, progress_bar=False)  # fmt: skip


def test_state_set_while_rendering_one_town_is_not_seen_by_the_next(tmp_path):
    """One warm process renders A then B: no variable, option, attribute or rcParam leaks."""
    import diagnosis.present

    dirty = _notebook(
        tmp_path / "a.ipynb",
        "import pandas as pd, matplotlib as mpl, diagnosis.present as present\n"
        "secret_of_town_a = town\n"
        "pd.set_option('display.max_rows', 3)\n"
        "present.LEAKED_FROM_A = True\n"
        "mpl.rcParams['lines.linewidth'] = 9.5\n"
        "import matplotlib.pyplot as plt\nplt.figure()",
    )
    probe = _notebook(
        tmp_path / "b.ipynb",
        "import json, pandas as pd, matplotlib as mpl, matplotlib.pyplot as plt\n"
        "import diagnosis.present as present\n"
        "print(json.dumps({'variable': 'secret_of_town_a' in globals(),\n"
        "    'option': pd.get_option('display.max_rows'),\n"
        "    'attribute': hasattr(present, 'LEAKED_FROM_A'),\n"
        "    'rc': mpl.rcParams['lines.linewidth'], 'figures': plt.get_fignums(),\n"
        "    'town': town}))",
    )
    rc_before, rows_before = (
        matplotlib.rcParams["lines.linewidth"],
        pd.get_option("display.max_rows"),
    )
    ran_a = _run(dirty, tmp_path / "a_out.ipynb", town="A")
    assert ran_a.cells[-1].outputs[-1]["output_type"] == "execute_result"  # the figure was shown
    ran_b = _run(probe, tmp_path / "b_out.ipynb", town="B")
    seen = json.loads(ran_b.cells[-1].outputs[0]["text"])
    assert seen == {"variable": False, "option": rows_before, "attribute": False,
                    "rc": rc_before, "figures": [], "town": "B"}  # fmt: skip
    # and the warm process itself is untouched
    assert matplotlib.rcParams["lines.linewidth"] == rc_before
    assert not hasattr(diagnosis.present, "LEAKED_FROM_A")
    injected = [c for c in ran_b.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert injected and 'town = "B"' in injected[0].source  # papermill's own parameter injection


def test_engine_reports_errors_and_stops_a_hanging_notebook(tmp_path):
    bad = _notebook(tmp_path / "bad.ipynb", "x = 1", "1 / 0", "never = True")
    with pytest.raises(pm.PapermillExecutionError) as err:
        _run(bad, tmp_path / "bad_out.ipynb")
    assert err.value.ename == "ZeroDivisionError" and err.value.exec_count == 3
    hang = _notebook(tmp_path / "hang.ipynb", "import time\ntime.sleep(120)")
    start = time.monotonic()
    with pytest.raises(pm.PapermillExecutionError) as err:
        pm.execute_notebook(str(hang), str(tmp_path / "hang_out.ipynb"), engine_name=ENGINE_NAME,
                            progress_bar=False, notebook_timeout=1)  # fmt: skip
    assert err.value.ename == "NotebookTimeout"
    assert time.monotonic() - start < 10


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """Two good demo towns, a corrupted copy and a hanging copy; one batch; the files."""
    root = tmp_path_factory.mktemp("batch")
    towns = root / "towns"
    broken = towns / "broken"
    shutil.copytree(TOWNS_DIR / "elk", broken)
    (broken / "kobo_diagnoza_mieszkancow.csv").write_text("a;b\n1;2\n", encoding="utf-8")
    hanging = towns / "hanging"
    shutil.copytree(TOWNS_DIR / "sopot", hanging)
    (hanging / "HANG").write_text("sleep\n", encoding="utf-8")
    # the standard template with one cell that hangs for a town holding a HANG file
    nb = nbformat.read(TEMPLATE, as_version=4)
    at = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    nb.cells.insert(at + 1, nbformat.v4.new_code_cell(
        "import pathlib, time\nif (pathlib.Path(town) / 'HANG').exists():\n    time.sleep(600)"
    ))  # fmt: skip
    template = root / "hang_template.ipynb"
    nbformat.write(nb, template)
    folders = [TOWNS_DIR / t for t in GOOD] + [broken, hanging]
    settings = BatchSettings(template=str(template), timeout=TIMEOUT, messages="en")
    out = root / "reports"
    # the program's files are part of each fingerprint: take them as they are now, so that an
    # edit of the checkout while these tests run is not a new program to the resume test
    import diagnosis.batch.runner as runner

    program = root / "program"
    shutil.copytree(runner.PROGRAM, program, ignore=shutil.ignore_patterns("__pycache__"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(runner, "PROGRAM", program)
        start = time.monotonic()
        results = run_batch(folders, out, settings, workers=2, progress=False)
        yield {"root": root, "out": out, "folders": folders, "settings": settings,
               "results": results, "seconds": time.monotonic() - start}  # fmt: skip


def _summary(out):
    with (out / "summary.csv").open(encoding="utf-8") as handle:
        return {row["town"]: row for row in csv.DictReader(handle)}


def test_good_towns_are_done_bad_ones_have_clear_entries(batch):
    out = batch["out"]
    status = {r.town: r.status for r in batch["results"]}
    assert status == {"sopot": "done", "kwidzyn": "done", "broken": "failed",
                      "hanging": "timeout"}  # fmt: skip
    for town in GOOD:
        for name in ("diagnosis.pdf", "diagnosis.html", "evidence.json", "batch.json", "batch.log"):
            assert (out / town / name).stat().st_size > 0, (town, name)
    rows = _summary(out)
    assert rows["broken"]["status"] == "failed" and "kobo_diagnoza" in rows["broken"]["message"]
    assert rows["broken"]["pdf"] == "" and rows["broken"]["trust_high"] == ""
    assert rows["hanging"]["status"] == "timeout" and f"{TIMEOUT} s" in rows["hanging"]["message"]
    assert not (out / "hanging" / "batch.json").exists()
    assert "timeout" in (out / "hanging" / "batch.log").read_text(encoding="utf-8")
    evidence = json.loads((out / "sopot" / "evidence.json").read_text(encoding="utf-8"))
    assert rows["sopot"]["n"] == str(evidence["n_respondents"])
    assert rows["sopot"]["pdf"] == "sopot/diagnosis.pdf"
    indicators = pd.read_csv(out / "sopot" / "indicators.csv")
    total = indicators[(indicators["group"] == "total") & (indicators["indicator"] == "trust_high")]
    assert float(rows["sopot"]["trust_high"]) == pytest.approx(total["estimate"].iloc[0])
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="sopot/diagnosis.pdf"' in index and "Kwidzyn" in index
    assert "timeout" in index and "kobo_diagnoza" in index


def test_resume_skips_finished_towns_and_force_redoes_them(batch, capsys):
    out, folders = batch["out"], batch["folders"][:3]  # not the hanging town: it costs TIMEOUT
    before = {t: (out / t / "diagnosis.pdf").stat().st_mtime_ns for t in GOOD}
    results = run_batch(folders, out, batch["settings"], workers=2, progress=False)
    status = {r.town: r.status for r in results}
    assert status["sopot"] == status["kwidzyn"] == "unchanged"
    assert status["broken"] == "failed"  # failures are tried again
    assert {t: (out / t / "diagnosis.pdf").stat().st_mtime_ns for t in GOOD} == before
    assert _summary(out)["sopot"]["status"] == "unchanged"
    # --force through the command line redoes a town
    code = main(["--lang", "en", "batch", str(folders[0]), "--out", str(out), "--force",
                 "--report-lang", "pl",
                 "--template", str(batch["root"] / "hang_template.ipynb"),
                 "--timeout", str(TIMEOUT), "--workers", "1", "--no-progress"])  # fmt: skip
    assert code == 0
    assert "1 made now" in capsys.readouterr().out
    assert (out / "sopot" / "diagnosis.pdf").stat().st_mtime_ns > before["sopot"]


def test_a_half_written_report_is_not_taken_for_done(batch):
    out = batch["out"]
    record = out / "kwidzyn" / "batch.json"
    saved = record.read_text(encoding="utf-8")
    try:
        (out / "kwidzyn" / "diagnosis.pdf").rename(out / "kwidzyn" / "x.pdf")
        from diagnosis.batch.runner import plan

        tasks, _ = plan([TOWNS_DIR / "kwidzyn"], out, batch["settings"])
        assert [t.out_dir for t in tasks] == [str(out / "kwidzyn")]
    finally:
        (out / "kwidzyn" / "x.pdf").rename(out / "kwidzyn" / "diagnosis.pdf")
        record.write_text(saved, encoding="utf-8")


def test_dask_cluster_gives_the_same_outputs(batch, tmp_path):
    distributed = pytest.importorskip("distributed")
    out = tmp_path / "reports"
    folders = [TOWNS_DIR / t for t in GOOD]
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:  # fmt: skip
        results = run_batch(folders, out, batch["settings"], scheduler=cluster.scheduler_address,
                            progress=False)  # fmt: skip
    assert [r.status for r in results] == ["done", "done"]
    for town in GOOD:
        for name in ("evidence.json", "indicators.csv"):
            local = (batch["out"] / town / name).read_bytes()
            assert (out / town / name).read_bytes() == local, (town, name)
    assert _summary(out)["sopot"]["trust_high"] == _summary(batch["out"])["sopot"]["trust_high"]


# --------------------------------------------------------------------------- lose nothing (#11)
# A fast template (a second per town instead of ~10): the template's parameters, a stand-in
# evidence file, and behaviour chosen by marker files in the town folder.

SMALL = "leczyca"  # the smallest demo town
FAST_PARAMETERS = ('town = "x"\nlang = "pl"\nthreshold = 10\nweighting = "rake"\n'
                   'conf_level = 0.95\noutput_dir = "."')  # fmt: skip
FAST_CELL = """import os, pathlib, time
here = pathlib.Path(town)
pathlib.Path(output_dir, 'evidence.json').write_text('{"n_respondents": 7}')
if os.environ.get('RENDER_LOG'):
    with open(os.environ['RENDER_LOG'], 'a') as log:
        log.write(here.name + '\\n')
    time.sleep(1.5)
if (here / 'PIDS').exists():
    (here / 'pids.tmp').write_text(f'{os.getpid()} {os.getppid()}')
    os.replace(here / 'pids.tmp', here / 'pids.txt')
    time.sleep(600)
if (here / 'HANG').exists():
    time.sleep(600)
if (here / 'CRASH').exists():
    os.kill(os.getppid(), 9)
if (here / 'FAIL').exists():
    raise RuntimeError('planted failure')
"""
ROOT = Path(__file__).resolve().parent.parent
RUN_BATCH = (
    "import json, sys\n"
    "from diagnosis.batch.runner import BatchSettings, run_batch\n"
    "if __name__ == '__main__':\n"
    "    *towns, out, template = sys.argv[1:]\n"
    "    results = run_batch(towns, out, BatchSettings(template=template, messages='en'),\n"
    "                        workers=1, progress=False)\n"
    "    print(json.dumps([[r.town, r.status, r.message] for r in results]))\n"
)


@pytest.fixture
def fast(tmp_path):
    """A fast template, an output folder and a copy of the smallest demo town."""
    town = tmp_path / "towns" / SMALL
    shutil.copytree(TOWNS_DIR / SMALL, town)
    template = _notebook(tmp_path / "fast.ipynb", FAST_CELL, parameters=FAST_PARAMETERS)
    return {"town": town, "template": template, "out": tmp_path / "reports"}


def _alive(pid):
    """The process runs (a zombie nobody has reaped yet counts as gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def test_waves_of_two_towns_get_a_folder_and_a_row_each(fast, tmp_path):
    towns = tmp_path / "towns"
    for slug in ("a", "b"):
        shutil.copytree(TOWNS_DIR / "kwidzyn", towns / slug)
    folders = [towns / "a", towns / "a" / "wave2", towns / "b" / "wave2"]
    settings = BatchSettings(lang="en", template=str(fast["template"]), messages="en")
    out = fast["out"]
    results = run_batch(folders, out, settings, workers=1, progress=False)
    slugs = ["a", "a-wave2", "b-wave2"]  # as `diagnosis report` names them (Town.slug)
    assert [(r.town, r.status, r.out_dir) for r in results] == [
        (s, "done", str(out.resolve() / s)) for s in slugs
    ]
    assert not (out / "wave2").exists()
    for slug, folder in zip(slugs, folders, strict=True):
        assert (out / slug / "diagnosis.pdf").stat().st_size > 0
        record = json.loads((out / slug / "batch.json").read_text(encoding="utf-8"))
        assert record["folder"] == str(folder.resolve())
    with (out / "summary.csv").open(encoding="utf-8") as handle:
        rows = [(r["town"], r["wave"], r["pdf"]) for r in csv.DictReader(handle)]
    assert rows == [("a", "1", "a/diagnosis.pdf"), ("a-wave2", "2", "a-wave2/diagnosis.pdf"),
                    ("b-wave2", "2", "b-wave2/diagnosis.pdf")]  # fmt: skip
    index = (out / "index.html").read_text(encoding="utf-8")
    assert [index.count(f'href="{s}/diagnosis.pdf"') for s in slugs] == [1, 1, 1]
    assert index.count("Kwidzyn, wave 2") == 2


def test_two_towns_that_would_share_a_report_folder_are_refused(fast, tmp_path):
    other = tmp_path / "elsewhere" / SMALL
    shutil.copytree(TOWNS_DIR / SMALL, other)
    settings = BatchSettings(template=str(fast["template"]))
    with pytest.raises(DiagnosisError) as err:
        plan([fast["town"], other], fast["out"], settings)
    assert f"{SMALL}" in err.value.message("pl") and "ten sam folder" in err.value.message("pl")
    assert str(other) in err.value.message("en") and "same folder" in err.value.message("en")
    # the same folder named twice is one town
    tasks, _ = plan([fast["town"], fast["town"]], fast["out"], settings)
    assert [t.out_dir for t in tasks] == [str(fast["out"].resolve() / SMALL)]


def _attempt(fast, marker=None, timeout=60):
    """Plan and render the fast town in this process, with one marker file (or none)."""
    for name in ("FAIL", "HANG", "CRASH"):
        (fast["town"] / name).unlink(missing_ok=True)
    if marker:
        (fast["town"] / marker).write_text("x\n", encoding="utf-8")
    settings = BatchSettings(template=str(fast["template"]), timeout=timeout, messages="en")
    tasks, skipped = plan([fast["town"]], fast["out"], settings)
    assert len(tasks) == 1 and not skipped
    return render_one(tasks[0]), settings


def test_a_failed_or_timed_out_rerun_leaves_no_report_looking_current(fast):
    out = fast["out"]
    report = out / SMALL
    first, _ = _attempt(fast)
    assert first.status == "done"
    pdf = (report / "diagnosis.pdf").read_bytes()

    failed, _ = _attempt(fast, "FAIL")
    assert failed.status == "failed" and "planted failure" in failed.message
    # the failed attempt's log and notebook; its half-made evidence is gone, and so is the
    # old report from the top of the folder
    assert sorted(p.name for p in report.iterdir()) == ["batch.log", "diagnosis.ipynb", "previous"]
    assert (report / "previous" / "diagnosis.pdf").read_bytes() == pdf
    note = (report / "previous" / "OUT_OF_DATE.txt").read_text(encoding="utf-8")
    assert "NIEAKTUALNY" in note and "OUT OF DATE" in note and "planted failure" in note
    assert str(report / "diagnosis.ipynb") in failed.message  # not the temporary folder's
    assert failed.previous == f"{SMALL}/previous/diagnosis.pdf"
    assert "out of date" in failed.message and f"{SMALL}/previous/" in failed.message
    assert not list(out.glob(f".{SMALL}.*"))  # no temporary folder is left behind
    write_index([failed], out, "en")
    row = _summary(out)[SMALL]
    assert (row["status"], row["pdf"], row["previous_pdf"], row["trust_high"]) == (
        "failed", "", f"{SMALL}/previous/diagnosis.pdf", "")  # fmt: skip
    index = (out / "index.html").read_text(encoding="utf-8")
    assert f'href="{SMALL}/previous/diagnosis.pdf"' in index and "out of date" in index
    assert f'href="{SMALL}/diagnosis.pdf"' not in index

    timed, _ = _attempt(fast, "HANG", timeout=2)
    assert timed.status == "timeout"
    assert not (report / "diagnosis.pdf").exists() and not (report / "evidence.json").exists()
    assert (report / "previous" / "diagnosis.pdf").read_bytes() == pdf  # the last complete one
    assert "after 2 s" in (report / "previous" / "OUT_OF_DATE.txt").read_text(encoding="utf-8")

    again, _ = _attempt(fast)
    assert again.status == "done" and again.previous == ""
    assert not (report / "previous").exists() and (report / "batch.json").exists()
    assert (report / "diagnosis.pdf").stat().st_size > 0


def test_a_worker_killed_during_a_rerun_leaves_the_old_report_marked(fast):
    report = fast["out"] / SMALL
    first, settings = _attempt(fast)
    assert first.status == "done"
    pdf = (report / "diagnosis.pdf").read_bytes()
    (fast["town"] / "CRASH").write_text("x\n", encoding="utf-8")  # the notebook kills its worker
    [crashed] = run_batch([fast["town"]], fast["out"], settings, workers=1, progress=False)
    assert crashed.status == "failed" and "stopped abruptly" in crashed.message
    assert not (report / "diagnosis.pdf").exists() and not (report / "batch.json").exists()
    assert (report / "previous" / "diagnosis.pdf").read_bytes() == pdf
    assert (report / "previous" / "OUT_OF_DATE.txt").exists()
    assert _summary(fast["out"])[SMALL]["previous_pdf"] == f"{SMALL}/previous/diagnosis.pdf"
    assert not list(fast["out"].glob(f".{SMALL}.*"))


def test_a_worker_that_dies_costs_only_its_own_town(fast, tmp_path):
    towns = tmp_path / "towns"
    for slug in ("a", "b", "c"):
        shutil.copytree(fast["town"], towns / slug)
    (towns / "b" / "CRASH").write_text("x\n", encoding="utf-8")  # kills its worker, every time
    settings = BatchSettings(template=str(fast["template"]), messages="pl")
    results = run_batch([towns / s for s in "abc"], fast["out"], settings, workers=2,
                        progress=False)  # fmt: skip
    status = {r.town: r.status for r in results}
    assert status == {"a": "done", "b": "failed", "c": "done"}  # c: after the pool broke
    [died] = [r for r in results if r.town == "b"]
    assert died.message.startswith("Proces tworzący raport tego miasta został nagle zatrzymany")
    rows = _summary(fast["out"])
    assert [rows[s]["status"] for s in "abc"] == ["done", "failed", "done"]
    for slug in "ac":
        assert json.loads((fast["out"] / slug / "evidence.json").read_text()) == {
            "n_respondents": 7
        }
    assert "zatrzymany" in (fast["out"] / "b" / "batch.log").read_text(encoding="utf-8")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_workers_die_with_a_killed_batch(fast):
    town = fast["town"]
    (town / "PIDS").write_text("x\n", encoding="utf-8")  # the notebook writes its pids and hangs
    batch = subprocess.Popen(
        [sys.executable, "-c", RUN_BATCH, str(town), str(fast["out"]), str(fast["template"])],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    pids: list[int] = []
    try:
        deadline = time.monotonic() + 120
        while not (town / "pids.txt").exists() and time.monotonic() < deadline:
            assert batch.poll() is None, "the batch ended before its notebook started"
            time.sleep(0.2)
        pids = [int(p) for p in (town / "pids.txt").read_text().split()]  # the fork, the worker
        assert len(pids) == 2 and batch.pid not in pids and all(_alive(p) for p in pids)
        batch.send_signal(signal.SIGKILL)
        batch.wait()
        deadline = time.monotonic() + 10
        while any(_alive(p) for p in pids) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert [p for p in pids if _alive(p)] == []
    finally:
        batch.kill()
        batch.wait()
        for pid in pids:  # processes this test started: never leave them behind
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)


def test_every_input_the_report_reads_is_in_the_fingerprint(fast, tmp_path, monkeypatch):
    import diagnosis.batch.runner as runner

    town, out = fast["town"], fast["out"]
    # the questionnaire in the shared instruments folder beside the towns (town.yaml allows it)
    shared = tmp_path / "instruments"
    shared.mkdir()
    shutil.copy(STANDARD_INSTRUMENT, shared / "resident_survey.xlsx")
    with (town / "town.yaml").open("a", encoding="utf-8") as handle:
        handle.write("instrument: ../../instruments/resident_survey.xlsx\n")
    assert load_town(town).instrument == (shared / "resident_survey.xlsx").resolve()
    # a copy of the program, whose data files (the redactor's name lists) can then change
    program = tmp_path / "program"
    shutil.copytree(runner.PROGRAM, program, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(runner, "PROGRAM", program)
    settings = BatchSettings(template=str(fast["template"]))
    tasks, _ = plan([town], out, settings)
    assert render_one(tasks[0]).status == "done"
    changed = [town / "ankiety_wprowadzone.csv", town / "workshop_ideas.csv", town / "assets.csv",
               town / "town.yaml", program / "clean" / "names" / "surnames_female.txt",
               shared / "resident_survey.xlsx"]  # fmt: skip
    for path in changed:
        tasks, unchanged = plan([town], out, settings)
        assert (tasks, [r.status for r in unchanged]) == ([], ["unchanged"]), path
        with path.open("ab") as handle:
            handle.write(b"\n")
        tasks, unchanged = plan([town], out, settings)
        assert [t.folder for t in tasks] == [str(town.resolve())] and unchanged == [], path
        if path.suffix != ".xlsx":  # (the last one: a broken questionnaire is not rendered)
            assert render_one(tasks[0]).status == "done", path
    # a later wave's files are that wave's inputs, not the first wave's
    kwidzyn = tmp_path / "kwidzyn"
    shutil.copytree(TOWNS_DIR / "kwidzyn", kwidzyn)
    before = fingerprint(kwidzyn, settings), fingerprint(kwidzyn / "wave2", settings)
    with (kwidzyn / "wave2" / "kobo_diagnoza_mieszkancow.csv").open("a") as handle:
        handle.write("\n")
    after = fingerprint(kwidzyn, settings), fingerprint(kwidzyn / "wave2", settings)
    assert after[0] == before[0] and after[1] != before[1]


def test_two_batches_on_one_folder_share_the_work(fast, tmp_path):
    towns = []
    for k in range(4):
        town = tmp_path / "towns" / f"t{k}"
        shutil.copytree(fast["town"], town)
        towns.append(str(town))
    log = tmp_path / "renders.log"
    env = {**os.environ, "RENDER_LOG": str(log)}  # the notebook notes each render, then waits
    argv = [sys.executable, "-c", RUN_BATCH, *towns, str(fast["out"]), str(fast["template"])]
    batches = [
        subprocess.Popen(
            argv, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        )
        for _ in range(2)
    ]
    outputs = [b.communicate(timeout=300)[0] for b in batches]
    assert [b.returncode for b in batches] == [0, 0]
    results = [json.loads(o.strip().splitlines()[-1]) for o in outputs]
    assert sorted(log.read_text(encoding="utf-8").split()) == ["t0", "t1", "t2", "t3"]  # once each
    for k in range(4):
        statuses = sorted(r[k][1] for r in results)
        assert statuses == ["done", "unchanged"], (k, results)
        assert (fast["out"] / f"t{k}" / "diagnosis.pdf").stat().st_size > 0


def test_a_warm_worker_does_not_build_the_iri_grammar():
    code = (
        "import sys; from diagnosis.batch.runner import warm_up; warm_up(); "
        "import jsonschema; print(sys.modules.get('rfc3987_syntax', 'absent'))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "None"


_SVG_PAGE = """<html><body><p>Zażółć</p><img src="data:image/svg+xml;base64,{}"></body></html>"""
_DRAW = """
import sys, base64
from pathlib import Path
import matplotlib
matplotlib.use("Agg")
from diagnosis.present.style import house_style, new_figure
from diagnosis.report.document import figure_svg_drawn_once, lay_out_svg_text_in_runs
with house_style():
    fig, ax = new_figure(5)
    ax.barh(["Łódź – centrum", "Kraków", "Gdańsk (stare miasto)"], [3, 2, 1])
    ax.set_xlabel("Odsetek odpowiedzi, %")
    fig.suptitle("Zażółć gęślą jaźń", x=0.0, ha="left")
svg = base64.b64encode(figure_svg_drawn_once(fig).encode()).decode()
page = sys.argv[2].format(svg)
if sys.argv[3] == "runs":
    assert lay_out_svg_text_in_runs()
from weasyprint import HTML
HTML(string=page).write_pdf(sys.argv[1])
"""


def _words(pdf):
    import re

    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout  # fmt: skip
    found = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
                       r"([^<]*)</word>", out)  # fmt: skip
    return [(w, tuple(map(float, box))) for *box, w in found]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler's pdftotext")
def test_figure_labels_laid_out_as_runs_read_and_sit_as_letter_by_letter(tmp_path):
    import weasyprint

    if not weasyprint.__version__.startswith("70."):
        pytest.skip("the run layout is installed for WeasyPrint 70 only")
    pdfs = {}
    for way in ("letters", "runs"):
        pdfs[way] = tmp_path / f"{way}.pdf"
        subprocess.run([sys.executable, "-c", _DRAW, str(pdfs[way]), _SVG_PAGE, way], check=True)
    letters, runs = _words(pdfs["letters"]), _words(pdfs["runs"])
    assert [w for w, _ in runs] == [w for w, _ in letters]
    assert {"Łódź", "Gdańsk", "gęślą", "jaźń", "%"} <= {w for w, _ in runs}
    for (_, a), (_, b) in zip(letters, runs, strict=True):
        assert max(abs(p - q) for p, q in zip(a, b, strict=True)) < 0.1  # points
