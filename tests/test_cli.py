"""The diagnosis command as a librarian runs it: readable output, no tracebacks."""

import csv
import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from diagnosis.cli import main
from diagnosis.town import TOWNS_DIR

KWIDZYN = TOWNS_DIR / "kwidzyn"


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "diagnosis.cli", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )


def _broken_copy(tmp_path: Path) -> Path:
    """Kwidzyn with 'kobita' typed into the sex column of spreadsheet row 5."""
    town = tmp_path / "kwidzyn"
    shutil.copytree(KWIDZYN, town)
    data = next(town.glob("*.csv"))
    with data.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    column = rows[0].index("metryczka/sex")
    rows[4][column] = "kobita"  # rows[0] is the header (row 1), so rows[4] is row 5
    with data.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    return town


def test_help_explains_every_command():
    result = _run("--help")
    assert result.returncode == 0
    for word in ("validate", "read", "demo", "examples:"):
        assert word in result.stdout
    sub = _run("validate", "--help")
    assert "town folders" in sub.stdout and "--all" in sub.stdout


def test_a_demo_town_validates_clean(capsys):
    assert main(["validate", str(KWIDZYN)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("✓ Kwidzyn (kwidzyn) — dane syntetyczne")
    assert "BŁĘDY" not in out


def test_a_broken_copy_gets_a_located_error_in_polish_and_english(tmp_path, capsys):
    town = _broken_copy(tmp_path)
    assert main(["validate", str(town)]) == 1
    out = capsys.readouterr().out
    assert out.startswith("✗ Kwidzyn")
    assert "BŁĘDY" in out
    assert "wiersz 5, kolumna 'sex' (wartość 'kobita')" in out
    assert main(["--lang", "en", "validate", str(town)]) == 1
    assert "row 5, column 'sex' (value 'kobita')" in capsys.readouterr().out


def test_a_batch_goes_on_after_a_broken_town(tmp_path, capsys):
    _broken_copy(tmp_path)
    bad = tmp_path / "zepsute"
    bad.mkdir()
    (bad / "town.yaml").write_text("name: Zepsute\npopulation: -5\n", encoding="utf-8")
    good = tmp_path / "sopot"
    shutil.copytree(TOWNS_DIR / "sopot", good)
    assert main(["validate", "--all", "--root", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "✗ Kwidzyn" in out and "✓ Sopot" in out
    assert "zepsute: nie udało się sprawdzić" in out
    assert "kolumna 'population'" in out
    assert "Sprawdzono 3 miejscowości: 1 bez błędów, 2 z błędami." in out


def test_an_unreadable_response_file_is_a_finding_not_a_crash(tmp_path):
    town = tmp_path / "kwidzyn"
    shutil.copytree(KWIDZYN, town)
    next(town.glob("*.csv")).write_bytes(b"\x00\x01\x02 not a survey \xff\xfe")
    result = _run("validate", str(town))
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert "Pliki, których nie udało się wczytać" in result.stdout


def test_input_files_are_never_written(tmp_path):
    def checksums():
        return {
            p: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(TOWNS_DIR.rglob("*"))
            if p.is_file()
        }

    before = checksums()
    assert main(["validate", "--all"]) == 0
    assert checksums() == before


def test_read_shows_how_headers_matched(capsys):
    data = next(KWIDZYN.glob("*.csv"))
    assert main(["--lang", "en", "read", str(data)]) == 0
    out = capsys.readouterr().out
    assert "Column matching:" in out
    assert "metryczka/sex" in out and " name " in out


@pytest.mark.parametrize("lang", ["pl", "en"])
def test_errors_are_one_readable_line(lang, tmp_path):
    result = _run("--lang", lang, "read", str(tmp_path / "brak.csv"))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1
    assert "brak.csv" in result.stderr


def test_read_out_writes_formulas_as_text(tmp_path):
    source = tmp_path / "ankiety.csv"
    with KWIDZYN.joinpath("kobo_diagnoza_mieszkancow.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    rows[1][rows[0].index("problem")] = '=HYPERLINK("http://x","y")'
    with source.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    out = tmp_path / "odpowiedzi.csv"
    main(["read", str(source), "--out", str(out)])
    with out.open(encoding="utf-8", newline="") as f:
        written = list(csv.DictReader(f))
    assert written[0]["problem"] == '\'=HYPERLINK("http://x","y")'
    assert written[1]["problem"] == rows[2][rows[0].index("problem")]


@pytest.mark.parametrize("command", [["report", "kwidzyn"], ["batch", "kwidzyn"], ["compare"]])
@pytest.mark.parametrize("lang", ["pl", "en"])
def test_out_pointing_at_a_file_says_choose_a_folder(command, lang, tmp_path, capsys):
    existing = tmp_path / "raport.pdf"
    existing.write_bytes(b"%PDF-1.4 not mine")
    for out in (existing, existing / "podfolder"):
        assert main(["--lang", lang, *command, "--out", str(out)]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "Nieoczekiwany" not in err and "Unexpected" not in err
        assert str(existing) in err
        assert ("to plik, nie folder" if lang == "pl" else "is a file, not a folder") in err
    assert existing.read_bytes() == b"%PDF-1.4 not mine"


def test_the_kernel_says_nothing_on_the_terminal(tmp_path, capfd):
    import nbformat

    from diagnosis.report.render import execute_template

    template = tmp_path / "t.ipynb"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nbformat.write(nb, template)
    executed = execute_template(
        template, tmp_path / "out.ipynb", {}, who=("t", "t"), progress_bar=False
    )
    assert executed.cells[0].source == "x = 1"
    err = capfd.readouterr().err
    assert "IPKernelApp" not in err and "WARNING" not in err, err


def test_the_report_command_imports_nothing_heavy_before_its_first_line():
    code = (
        "import sys; from diagnosis.cli import build_parser; import diagnosis.report; "
        "from diagnosis.report.render import render_town, WARM_ENGINE; "
        "from diagnosis.batch.engine import ENGINE_NAME; assert WARM_ENGINE == ENGINE_NAME; "
        "heavy = ('nbformat', 'jsonschema', 'weasyprint', 'matplotlib', 'scipy', 'nbconvert'); "
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['jsonschema', 'nbformat']"  # papermill's, via the engine
    lazy = code.replace("from diagnosis.batch.engine import ENGINE_NAME; assert WARM_ENGINE == "
                        "ENGINE_NAME; ", "")  # fmt: skip
    out = subprocess.run([sys.executable, "-c", lazy], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_report_command_runs_the_notebook_in_the_warm_engine(monkeypatch, tmp_path):
    from diagnosis.report import render

    calls = []
    monkeypatch.setattr(render, "render_town", lambda *a, **k: calls.append(k) or 1 / 0)
    assert main(["report", str(KWIDZYN), "--out", str(tmp_path)]) == 3
    assert calls and calls[0]["engine_name"] == render.WARM_ENGINE == "diagnosis-warm"
