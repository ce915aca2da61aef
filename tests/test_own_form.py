"""A town with its own questionnaire gets a complete report (issue #13).

The questionnaires are real forms from ../shared/corpus (KoboToolbox, REACH's
ODK household survey, Ona), not ours; the answers are synthetic
(diagnosis.demo.answers). Each goes through ``diagnosis report`` as a librarian
runs it, and the published numbers are recomputed from the answers file.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from diagnosis.demo.answers import write_own_form_town
from diagnosis.evidence import analyse_town
from diagnosis.population import gmina_margins

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
pytestmark = pytest.mark.skipif(not CORPUS.exists(), reason="../shared/corpus is not here")


def _report(folder: Path, out: Path) -> Path:
    run = subprocess.run(
        [str(Path(sys.executable).with_name("diagnosis")), "report", str(folder), "--out",
         str(out)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Traceback" not in run.stdout + run.stderr
    return out / folder.name


def _pdf_text(folder: Path) -> str:
    return subprocess.run(
        ["pdftotext", str(folder / "diagnosis.pdf"), "-"], capture_output=True, text=True,
        check=True,
    ).stdout  # fmt: skip


def _annotate(form: Path, target: Path, margins: dict[str, str]) -> Path:
    """A copy of ``form`` with the ``margin`` column set for the named questions."""
    book = openpyxl.load_workbook(form)
    ws = next(s for s in book.worksheets if s.title.strip().lower() == "survey")
    header = [str(c.value or "").strip().lower() for c in ws[1]]
    name_col = header.index("name") + 1
    col = len(header) + 1
    ws.cell(1, col, "margin")
    for row in range(2, ws.max_row + 1):
        name = ws.cell(row, name_col).value
        if name in margins:
            ws.cell(row, col, margins[name])
    book.save(target)
    return target


def test_kobo_form_unweighted_report_with_every_question(tmp_path):
    form = CORPUS / "xlsform" / "paleocore_artifact-kobotoolbox.xlsx"
    town = write_own_form_town(tmp_path / "paleo", form, 150, seed=7)
    out = _report(town, tmp_path / "out")
    text = _pdf_text(out)
    assert "Wyniki pytań" in text and "Wyników nie zważono" in text
    assert "Czego ten raport nie pokazuje" in text
    assert "Artifact type" in text and "Collecting method" in text
    assert "Pytania bez wyniku" in text  # photos, locations and free text, each with a reason
    # the standard questionnaire's sections have nothing to show and are left out
    assert "Macierz" not in text and "Karty dowodów" not in text
    answers = pd.read_csv(town / "odpowiedzi.csv", dtype=str)
    results = pd.read_csv(out / "questions.csv")
    method = results[results["question"] == "Collecting_method"].set_index("level")
    counts = answers["Collecting_method"].value_counts()
    for level, row in method.iterrows():
        assert row["n_numerator"] == counts[level]
        assert row["estimate"] == pytest.approx(counts[level] / counts.sum(), abs=1e-12)
    # a multiple choice: share of people who chose any option, and shares of mentions
    flake = results[results["question"] == "Flake_type"].set_index("level")
    chosen = answers["Flake_type"].dropna().str.split()
    for level, row in flake.iterrows():
        assert row["estimate"] == pytest.approx(chosen.map(lambda x, v=level: v in x).mean())
    assert flake["mentions"].sum() == pytest.approx(1.0)


def test_household_survey_weighted_by_an_age_in_years(tmp_path):
    source = CORPUS / "xlsform" / "reach_ukr_cccm_tool_others.xlsx"
    folder = tmp_path / "ukr"
    folder.mkdir()
    form = _annotate(source, tmp_path / "reach_form.xlsx", {"age_hohh": "age_band"})
    town = write_own_form_town(folder, form, 150, seed=3)
    answers = pd.read_csv(town / "odpowiedzi.csv", dtype=str)
    # personal data typed where the form asks for a phone must not reach any output
    answers.loc[:20, "q1_8_contact_information"] = "dzwonić 601 234 567"
    answers.to_csv(town / "odpowiedzi.csv", index=False)
    analysis = analyse_town(town)
    assert analysis.weighting.method == "rake"
    assert analysis.weighting.variables == ("age_band",)
    adults = int(gmina_margins("2207011")["population"].sum())
    assert analysis.design.weights.sum() == pytest.approx(adults)
    # a published share is the weighted share of those who answered
    data, w = analysis.design.data, analysis.design.weights
    status = data["q0_3_displacement_status"].astype("string")
    res = analysis.questions.table
    rows = res[(res["question"] == "q0_3_displacement_status") & ~res["suppressed"]]
    assert len(rows) >= 1
    for _, row in rows.iterrows():
        mask = (status == row["level"]).fillna(False).to_numpy()
        expected = w[mask].sum() / w[status.notna().to_numpy()].sum()
        assert row["estimate"] == pytest.approx(expected, abs=1e-12)
    out = _report(town, tmp_path / "out")
    text = _pdf_text(out)
    assert "Wyniki pytań" in text and "Wyników nie zważono" not in text
    for path in out.iterdir():
        if path.suffix in (".csv", ".json", ".html", ".ipynb"):
            content = path.read_text(encoding="utf-8-sig")
            assert "601 234 567" not in content and "601234567" not in content, path.name
    assert "601 234 567" not in text


def test_a_year_of_birth_is_banded_like_an_age(tmp_path):
    from diagnosis.demo.answers import synthetic_answers
    from diagnosis.instrument import load_instrument
    from diagnosis.validate import margin_columns

    source = CORPUS / "xlsform" / "reach_ukr_cccm_tool_others.xlsx"
    form = load_instrument(
        _annotate(source, tmp_path / "reach_form.xlsx", {"age_hohh": "age_band"})
    )
    bands = ["18_29", "30_44", "45_59", "60_plus"]
    ages = synthetic_answers(form, 300, seed=5)
    years = synthetic_answers(form, 300, seed=5, birth_years=True)
    assert pd.to_numeric(years["age_hohh"]).min() > 1900  # the same draws, as years of birth
    by_age = margin_columns(ages, form, bands, year=2026)["age_band"]
    by_year = margin_columns(years, form, bands, year=2026)["age_band"]
    assert by_age.notna().all() and set(by_age) == set(bands)
    pd.testing.assert_series_equal(by_age, by_year)


def test_ona_form_with_a_label_template(tmp_path):
    form = CORPUS / "xlsform" / "ona_transportation_form.xlsx"
    town = write_own_form_town(tmp_path / "ona", form, 90, seed=11)
    out = _report(town, tmp_path / "out")
    results = pd.read_csv(out / "questions.csv")
    assert set(results["question"]) == {
        "available_transportation_types_to_referral_facility",
        "frequency_to_referral_facility",
    }
    shown = results[~results["suppressed"]]
    assert shown["estimate"].between(0, 1).all()
    assert shutil.which("pdftotext") and "Wyniki pytań" in _pdf_text(out)


def test_a_real_google_forms_export_with_the_questionnaire_diagnosis_instrument_proposes(tmp_path):
    """Real answers, not synthetic: a Polish Google Forms export, its form made by the command."""
    from diagnosis.cli import main

    export = CORPUS / "google_forms" / "gforms_pl_instagram_cialo_Kwestionariusz.csv"
    town = tmp_path / "ankieta"
    town.mkdir()
    shutil.copyfile(export, town / "odpowiedzi.csv")
    assert main(["instrument", str(town / "odpowiedzi.csv"), "--out",
                 str(town / "kwestionariusz.xlsx")]) == 0  # fmt: skip
    (town / "town.yaml").write_text(
        'name: Kwidzyn\nmargins: {gmina: "2207011"}\ninstrument: kwestionariusz.xlsx\n'
        "fieldwork: {start: 2022-04-01, end: 2022-04-30}\n"
        "responses:\n  - file: odpowiedzi.csv\n",
        encoding="utf-8",
    )
    # students only: no respondent aged 30+, so weights cannot be fitted; without them it runs
    run = subprocess.run(
        [str(Path(sys.executable).with_name("diagnosis")), "report", str(town), "--out",
         str(tmp_path / "out")], capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert run.returncode == 1 and "--weighting none" in run.stdout + run.stderr
    run = subprocess.run(
        [str(Path(sys.executable).with_name("diagnosis")), "report", str(town), "--out",
         str(tmp_path / "out"), "--weighting", "none"], capture_output=True, text=True,
        timeout=600,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    out = tmp_path / "out" / "ankieta"
    text = _pdf_text(out)
    assert "Raport przygotowano bez ważenia" in text and "Wyniki pytań" in text
    raw = pd.read_csv(export, dtype=str)
    header = next(c for c in raw.columns if c.startswith("Szanuję swoje ciało"))
    results = pd.read_csv(out / "questions.csv")
    label_of = pd.read_excel(town / "kwestionariusz.xlsx", sheet_name="survey")
    name = label_of.loc[label_of["label::Polski (pl)"] == header, "name"].iloc[0]
    mean = results[(results["question"] == name) & (results["statistic"] == "mean")].iloc[0]
    assert mean["estimate"] == pytest.approx(pd.to_numeric(raw[header]).mean(), abs=1e-12)
    assert mean["n"] == pd.to_numeric(raw[header]).notna().sum()


def test_own_questionnaire_with_a_real_bdl_export(tmp_path):
    """The issue's 'done when': a form made from an export, margins from GUS BDL's own file."""
    from diagnosis.cli import main
    from diagnosis.population import adult_margins, read_bdl

    bdl = CORPUS.parent / "data" / "LUDN_2137_CTAB_20210625164329_gminy_2020.csv"
    town = tmp_path / "cieszyn"
    town.mkdir()
    demo = Path(__file__).resolve().parent.parent / "surveys" / "towns" / "cieszyn"
    shutil.copyfile(demo / "formularz_google_odpowiedzi.csv", town / "odp.csv")
    shutil.copyfile(bdl, town / "ludnosc.csv")
    assert main(["instrument", str(town / "odp.csv"), "--out", str(town / "form.xlsx")]) == 0
    (town / "town.yaml").write_text(
        'name: Cieszyn\nmargins: {bdl: ludnosc.csv, gmina: "2403011"}\ninstrument: form.xlsx\n'
        "fieldwork: {start: 2026-03-01, end: 2026-05-30}\nresponses:\n  - file: odp.csv\n",
        encoding="utf-8",
    )
    out = _report(town, tmp_path / "out")
    text = _pdf_text(out)
    assert "Wyniki pytań" in text and "Karty dowodów" in text and "P2137" in text
    expected = int(adult_margins(read_bdl(bdl), "2403011")["population"].sum())
    evidence = json.loads((out / "evidence.json").read_text(encoding="utf-8"))
    assert evidence["weighting"]["method"] == "rake"
    assert evidence["weighting"]["population"] == expected  # weighted to the file's adults
