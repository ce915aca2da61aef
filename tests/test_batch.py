"""``diagnosis batch``: warm workers, isolation, timeouts, failures, resume, index, Dask."""

import csv
import json
import shutil
import time

import matplotlib
import nbformat
import pandas as pd
import papermill as pm
import pytest

from diagnosis.batch.engine import ENGINE_NAME
from diagnosis.batch.runner import BatchSettings, run_batch
from diagnosis.cli import main
from diagnosis.report import TEMPLATE
from diagnosis.town import TOWNS_DIR

GOOD = ["sopot", "kwidzyn"]  # two of the smaller demo towns
TIMEOUT = 25  # seconds: the hanging town is stopped after this (a good one takes ~10)


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
    start = time.monotonic()
    results = run_batch(folders, out, settings, workers=2, progress=False)
    return {"root": root, "out": out, "folders": folders, "settings": settings,
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
