"""diagnosis.annotate: a proposed, annotated XLSForm from an answers export (issue #13).

Every proposal is written, converted with pyxform, loaded with load_instrument and
checked against the export it came from: read back with the proposal, every column
of the export must match a question and no answer may be lost. Real exports from
../shared/corpus (skipped when absent) and our own small Google Forms fixture
(tests/fixtures/annotate/make_fixture.py).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from pyxform.xls2xform import convert

from diagnosis.annotate import (
    Proposal,
    age_band,
    is_missing_answer,
    propose_instrument,
    similarity,
    write_xlsform,
)
from diagnosis.cli import main
from diagnosis.errors import InstrumentError, ReadError
from diagnosis.instrument import Instrument, load_instrument
from diagnosis.read import read_responses
from diagnosis.town import STANDARD_INSTRUMENT

ROOT = Path(__file__).resolve().parent.parent
OWN = ROOT / "tests" / "fixtures" / "annotate" / "ankieta_google_forms.csv"
CORPUS = ROOT.parent / "shared" / "corpus"
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not present")


def _write(proposal: Proposal, folder: Path) -> tuple[Path, Instrument]:
    out = write_xlsform(proposal, folder / "propozycja.xlsx")
    warnings: list[str] = []
    convert(str(out), warnings=warnings)
    assert warnings == []
    return out, load_instrument(out)


def _lost_answers(export: Path, ins: Instrument) -> tuple[list[str], list[str]]:
    """Headers whose answers did not survive, and select_one answers left uncoded."""
    raw = read_responses(export)
    res = read_responses(export, ins)
    before = {h.source_index: h for h in raw.headers}
    lost, uncoded = [], []
    for h in res.headers:
        r = before[h.source_index]
        if r.how == "dropped" or h.how == "dropped":
            continue
        given = raw.data[r.column].notna()
        if h.column in res.data:
            got = res.data[h.column].notna()
            q = ins.get(h.column)
            if q is not None and q.type == "select_one":
                values = set(res.data[h.column].dropna())
                uncoded += [f"{h.source}: {v}" for v in values - set(q.choice_names())]
        else:  # a joined select_multiple: its answers are now 0/1 option columns
            q = ins.question(h.column)
            got = res.data[list(q.columns())].notna().any(axis=1)
            assert f"{q.name}_other" not in res.data, "parts of answers matched no option"
        if (given & ~got).any():
            lost.append(h.source)
    return lost, uncoded


def _check_round_trip(export: Path, tmp_path: Path) -> tuple[Proposal, Instrument]:
    proposal = propose_instrument(export)
    _, ins = _write(proposal, tmp_path)
    res = read_responses(export, ins)
    assert res.unmatched() == ()
    lost, uncoded = _lost_answers(export, ins)
    assert lost == [] and uncoded == []
    return proposal, ins


# ===================================================================== our Google Forms export


@pytest.fixture(scope="module")
def own(tmp_path_factory):
    proposal = propose_instrument(OWN)
    out, ins = _write(proposal, tmp_path_factory.mktemp("own"))
    return proposal, out, ins


def test_the_fixture_is_what_its_script_writes(tmp_path):
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_fixture", OWN.with_name("make_fixture.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    text = OWN.read_text(encoding="utf-8").splitlines()
    assert len(text) == 1 + len(module.rows())
    assert text[0].split(",")[:3] == ["Sygnatura czasowa", "Płeć", "Wiek"]


def test_own_export_questions_types_and_labels(own):
    proposal, _, ins = own
    assert ins.names() == (
        "sex", "age_band", "district", "education",
        "imp_transport", "imp_culture", "imp_green", "sat_transport", "sat_culture", "sat_green",
        "imp_oferta_biblioteki", "sat_oferta_biblioteki", "needs", "osob_liczy_gospodarstwo",
        "ogolnie_ocenia_zycie", "najwiekszy_problem", "jeden_pomysl_co",
    )  # fmt: skip
    types = {q.name: q.type for q in ins.questions}
    assert types["needs"] == "select_multiple"
    assert types["osob_liczy_gospodarstwo"] == types["ogolnie_ocenia_zycie"] == "integer"
    assert types["najwiekszy_problem"] == types["jeden_pomysl_co"] == "text"
    assert sum(t == "select_one" for t in types.values()) == 12
    header = OWN.read_text(encoding="utf-8").splitlines()[0]
    assert ins.question("sex").label("pl") == "Płeć"
    assert ins.question("needs").label("pl") in header
    assert all(q.labels.get("en") is None for q in ins.questions)  # left empty
    assert ins.languages[0] == "pl"
    # the timestamp is export metadata, not a question, and the notes say so
    assert any(n.column == "Sygnatura czasowa" and n.topic == "metadata" for n in proposal.notes)


def test_own_export_roles_margins_and_missing(own):
    _, out, ins = own
    assert [q.name for q in ins.by_role("weighting")] == ["sex", "age_band"]
    assert [q.name for q in ins.by_role("domain")] == ["district"]
    assert [q.name for q in ins.by_role("covariate")] == ["education"]
    assert [q.name for q in ins.by_role("open_text")] == ["najwiekszy_problem", "jeden_pomysl_co"]
    assert [q.name for q in ins.by_role("needs")] == ["needs"]
    survey = pd.read_excel(out, sheet_name="survey", dtype=str).fillna("")
    margin = dict(zip(survey["name"], survey["margin"], strict=True))
    assert margin["sex"] == "sex" and margin["age_band"] == "age_band"
    choices = pd.read_excel(out, sheet_name="choices", dtype=str).fillna("")
    sex = choices[choices.list_name == "sex"]
    assert sex[["name", "margin", "missing"]].values.tolist() == [
        ["female", "female", ""], ["male", "male", ""], ["99", "", "yes"],
    ]  # fmt: skip
    age = choices[choices.list_name == "age_band"]
    assert age[["label::Polski (pl)", "margin"]].values.tolist() == [
        ["Poniżej 18 lat", ""], ["18-29 lat", "18_29"], ["30-44 lat", "30_44"],
        ["45-59 lat", "45_59"], ["60 lat i więcej", "60_plus"],
    ]  # fmt: skip
    assert ins.question("sex").choice("99").missing
    assert ins.question("sat_oferta_biblioteki").choice("98").label() == "Nie wiem"
    assert ins.question("sat_oferta_biblioteki").choice("98").missing
    assert ins.question("imp_transport").choice("99").label() == "Trudno powiedzieć"
    assert ins.question("imp_transport").choice("99").missing


def test_own_export_importance_satisfaction_pairs_and_scales(own):
    _, out, ins = own
    assert [q.name for q in ins.by_construct("importance")] == [
        "imp_transport", "imp_culture", "imp_green", "imp_oferta_biblioteki"]  # fmt: skip
    assert [q.name for q in ins.by_construct("satisfaction")] == [
        "sat_transport", "sat_culture", "sat_green", "sat_oferta_biblioteki"]  # fmt: skip
    survey = pd.read_excel(out, sheet_name="survey", dtype=str).fillna("")
    aspect = dict(zip(survey["name"], survey["aspect"], strict=True))
    for imp, sat in zip(ins.by_construct("importance"), ins.by_construct("satisfaction"),
                        strict=True):  # fmt: skip
        assert aspect[imp.name] == aspect[sat.name] != ""
    assert aspect["imp_transport"] == "transport" and aspect["imp_green"] == "green"
    assert aspect["sat_oferta_biblioteki"] == "oferta_biblioteki"
    # the grid rows share one list each; the 4-point importance list is the standard one
    assert {q.list_name for q in ins.by_construct("importance")} == {"importance"}
    assert ins.question("imp_transport").choice_names() == ("1", "2", "3", "4", "99")
    sat = ins.question("sat_green")
    assert [c.label() for c in sat.choices] == [
        "Zdecydowanie niezadowolony(a)", "Raczej niezadowolony(a)",
        "Ani zadowolony(a), ani niezadowolony(a)", "Raczej zadowolony(a)",
        "Zdecydowanie zadowolony(a)", "Trudno powiedzieć",
    ]  # fmt: skip
    assert sat.choice_names() == ("1", "2", "3", "4", "5", "99")
    library = ins.question("sat_oferta_biblioteki")
    assert [c.label() for c in library.choices][:4] == [
        "Zdecydowanie nie", "Raczej nie", "Raczej tak", "Zdecydowanie tak"]  # fmt: skip


def test_a_grid_row_with_answers_of_its_own_keeps_its_own_list(tmp_path):
    """Cieszyn's agreement grid holds a yes/no-scale row; the rows are not merged into one list."""
    export = Path(__file__).resolve().parent.parent / "surveys/towns/cieszyn"
    proposal = propose_instrument(export / "formularz_google_odpowiedzi.csv")
    _, ins = _write(proposal, tmp_path)
    agree = [q for q in ins.questions if "okolicy" in q.name]
    assert len(agree) == 5 and {q.list_name for q in agree} == {"agree"}
    assert [c.label() for c in agree[0].choices] == [
        "Zdecydowanie się nie zgadzam", "Raczej się nie zgadzam", "Raczej się zgadzam",
        "Zdecydowanie się zgadzam", "Trudno powiedzieć",
    ]  # fmt: skip
    assert agree[0].choice_names() == ("1", "2", "3", "4", "99")
    assert {q.construct for q in agree} == {"cohesion"}
    influence = ins.question("ludzie_tacy_maja")
    assert influence.list_name != "agree"
    assert [c.label() for c in influence.choices][:4] == [
        "Zdecydowanie nie", "Raczej nie", "Raczej tak", "Zdecydowanie tak"]  # fmt: skip
    assert influence.choice_names()[:4] == ("1", "2", "3", "4")
    assert any(n.question == "ludzie_tacy_maja" and "własną listę" in n.pl for n in proposal.notes)


def test_grid_rows_of_one_scale_share_a_list_even_with_no_answer_in_common(tmp_path):
    export = tmp_path / "odpowiedzi.csv"
    grid = "Na ile zgadza się Pan/Pani? [{}]"
    rows = [("Raczej tak", "Zdecydowanie nie"), ("Zdecydowanie tak", "Raczej nie")] * 3
    lines = [f'Sygnatura czasowa,"{grid.format("Zdanie A")}","{grid.format("Zdanie B")}"']
    lines += [f"2026/03/0{i + 1} 10:00:00,{a},{b}" for i, (a, b) in enumerate(rows)]
    export.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _, ins = _write(propose_instrument(export), tmp_path)
    first, second = ins.questions
    assert first.list_name == second.list_name
    assert [c.label() for c in first.choices][:4] == [
        "Zdecydowanie nie", "Raczej nie", "Raczej tak", "Zdecydowanie tak"]  # fmt: skip
    assert first.choice_names()[:4] == ("1", "2", "3", "4")


def test_own_export_needs_constraint_and_options(own):
    _, _, ins = own
    needs = ins.question("needs")
    assert needs.constraint == "count-selected(.) <= 3" and needs.max_choices == 3
    labels = [c.label() for c in needs.choices]
    assert "Drogi, chodniki" in labels  # an option with a comma in it stays one option
    assert "Drogi" not in labels and "chodniki" not in labels
    # the standard survey's codes where the wording is the same
    assert needs.choice("transport").label() == "Komunikacja publiczna"
    assert needs.choice("meeting").label() == "Miejsca spotkań"
    life = ins.question("ogolnie_ocenia_zycie")
    assert (life.minimum, life.maximum, life.construct) == (0.0, 10.0, "life_satisfaction")
    household = ins.question("osob_liczy_gospodarstwo")
    assert household.constraint is None  # a count, not a scale


def test_own_export_reads_back_with_nothing_unmatched_or_lost(own):
    _, _, ins = own
    res = read_responses(OWN, ins)
    assert res.unmatched() == ()
    assert {h.how for h in res.headers} == {"label", "metadata"}
    lost, uncoded = _lost_answers(OWN, ins)
    assert lost == [] and uncoded == []
    assert res.data["sex"].value_counts().to_dict() == {"female": 8, "male": 6, "99": 2}
    assert res.data["needs__drogi_chodniki"].sum() == 6
    assert res.data["imp_transport"].isin(["1", "2", "3", "4", "99"]).all()
    assert not [w for w in res.warnings if "match no option" in w[1]]


def test_the_notes_sheet_explains_every_proposal_in_polish(own):
    proposal, out, _ = own
    book = openpyxl.load_workbook(out, read_only=True)
    assert book.sheetnames == ["survey", "choices", "settings", "uwagi"]
    notes = pd.read_excel(out, sheet_name="uwagi", dtype=str).fillna("")
    assert list(notes.columns) == ["kolumna w pliku", "pytanie", "dotyczy", "uwaga",
                                   "note (English)"]  # fmt: skip
    assert len(notes) == len(proposal.notes)
    about = notes[notes["pytanie"] == "needs"]
    assert set(about["dotyczy"]) >= {"type", "constraint", "role"}
    assert any("najwyżej 3" in text for text in about["uwaga"])
    sex = notes[(notes["pytanie"] == "sex") & (notes["dotyczy"] == "role")]
    assert "weighting" in sex["uwaga"].iloc[0] and "sex" in sex["note (English)"].iloc[0]
    settings = pd.read_excel(out, sheet_name="settings", dtype=str)
    assert settings.loc[0, "default_language"] == "Polski (pl)"


def test_english_labels_with_lang_en(tmp_path):
    proposal = propose_instrument(OWN, lang="en")
    _, ins = _write(proposal, tmp_path)
    assert ins.default_language == "en" and ins.question("sex").label("en") == "Płeć"
    assert read_responses(OWN, ins).unmatched() == ()


# ===================================================================== the corpus

#: file, number of questions, types, and names that must be there
CORPUS_EXPECTED = [
    (
        "google_forms/gforms_pl_instagram_cialo_Kwestionariusz.csv",
        19,
        {"select_one": 8, "integer": 11},
        {"sex": "weighting", "age": "weighting", "wielkosc_miejsca_zamieszkania": "domain"},
    ),
    (
        "polish/v4lab_PL_rawdata.csv",
        64,
        {"integer": 35, "select_one": 28, "text": 1},
        {"sex": "weighting", "rok_urodzenia": "weighting", "praca": "covariate"},
    ),
    (
        "polish/Wypalenie-wsrod-osob-studiujacych-2025-11-03.csv",
        39,
        {"select_one": 20, "integer": 18, "end": 1},
        {"sex": "weighting", "age_band": "weighting", "employment": "covariate"},
    ),
    (
        "kobo_exports/ona_transportation_export.csv",
        11,
        {"select_multiple": 1, "text": 10},
        {},
    ),
    (
        "limesurvey/limesurvey_name_face_results_export.csv",
        23,
        {"select_one": 18, "text": 4, "integer": 1},
        {"Geslacht": "weighting", "leeftijd": "weighting", "opleiding": "covariate"},
    ),
]


@needs_corpus
@pytest.mark.parametrize(("relative", "n", "types", "roles"), CORPUS_EXPECTED)
def test_corpus_export_round_trip(relative, n, types, roles, tmp_path):
    export = CORPUS / relative
    raw = read_responses(export)
    proposal = propose_instrument(export)
    _, ins = _write(proposal, tmp_path)
    assert len(ins.questions) == n
    assert dict(Counter(q.type for q in ins.questions)) == types
    assert {name: ins.question(name).role for name in roles} == roles
    res = read_responses(export, ins)
    assert res.unmatched() == ()
    lost, uncoded = _lost_answers(export, ins)
    assert lost == [] and uncoded == []
    # every column of the export that is not metadata became exactly one question's data
    answers = [h for h in raw.headers if h.how == "cleaned"]
    kept = {a.source_index for a in answers}
    assert all(h.how in ("name", "label", "option") or h.column in ("started_at", "ended_at")
               for h in res.headers if h.source_index in kept)  # fmt: skip


@needs_corpus
def test_v4lab_birth_year_and_coded_sex(tmp_path):
    export = CORPUS / "polish" / "v4lab_PL_rawdata.csv"
    proposal, ins = _check_round_trip(export, tmp_path)
    birth = ins.question("rok_urodzenia")
    assert birth.type == "integer" and birth.role == "weighting"
    row = proposal.survey.set_index("name").loc["rok_urodzenia"]
    assert row["margin"] == "age_band"
    notes = [n.pl for n in proposal.notes if n.question == "rok_urodzenia"]
    assert any("'a', 'b'" in n for n in notes)  # the stray codes, to fix in the data
    assert any("dwie cyfry" in n for n in notes)  # 94 for 1994
    sex = ins.question("sex")  # header 'płeć', codes 1/2: which is which is unknown
    assert sex.label("pl") == "płeć" and sex.choice_names()[:2] == ("1", "2")
    assert set(sex.choice_names()) == {"1", "2", "a", "b"}
    choices = proposal.choices[proposal.choices.list_name == sex.list_name]
    assert set(choices["margin"]) == {""}
    assert any("Uzupełnij kolumnę 'margin'" in n.pl for n in proposal.notes if n.question == "sex")
    brak = proposal.choices[proposal.choices["label::Polski (pl)"] == "brak"]
    assert set(brak["missing"]) == {"yes"}
    # the reader keeps the strays as text (and says so): nothing is lost
    res = read_responses(export, ins)
    assert [w for w in res.warnings if "are not numbers" in w[1]] != []
    assert res.data["p1"].dtype == "Int64"


@needs_corpus
def test_wypalenie_copies_ages_and_the_send_time(tmp_path):
    export = CORPUS / "polish" / "Wypalenie-wsrod-osob-studiujacych-2025-11-03.csv"
    proposal, ins = _check_round_trip(export, tmp_path)
    survey = proposal.survey.set_index("name")
    # each question twice (text and a 'wartość' copy): the copy gets no role
    assert survey.loc["sex", "label::Polski (pl)"] == "Płeć"
    assert survey.loc["plec_wartosc", "role"] == "" and survey.loc["sex", "role"] == "weighting"
    assert [q.name for q in ins.by_role("weighting")] == ["age_band", "sex"]
    ages = proposal.choices[proposal.choices.list_name == "age_band"]
    assert ages["name"].tolist()[:3] == ["18", "19", "20"]
    assert dict(zip(ages["name"], ages["margin"], strict=True))["24"] == "18_29"
    assert dict(zip(ages["name"], ages["margin"], strict=True))["35_plus"] == "35_plus"
    assert ins.question("data").type == "end" and ins.question("data").role == "ended_at"
    assert ins.question("uwazasz_masz_tendencje").constraint == ". >= 0 and . <= 5"
    assert any(n.topic == "metadata" and n.column == "" for n in proposal.notes)  # separators


@needs_corpus
def test_ona_split_options_other_text_and_loop_columns(tmp_path):
    export = CORPUS / "kobo_exports" / "ona_transportation_export.csv"
    _, ins = _check_round_trip(export, tmp_path)
    q = ins.question("available_transportation_types_to_referral_facility")
    assert q.type == "select_multiple"
    assert q.choice_names() == ("ambulance", "bicycle", "boat_canoe", "bus", "donkey_mule_cart",
                                "keke_pepe", "lorry", "motorbike", "taxi")  # fmt: skip
    assert ins.question("available_transportation_types_to_referral_facility_other").type == "text"
    res = read_responses(export, ins)
    assert res.data.loc[2, "available_transportation_types_to_referral_facility__other"] == 0
    assert "ambulance_frequency_to_referral_facility" in res.data
    assert {h.how for h in res.headers} == {"option", "name", "label", "metadata"}


@needs_corpus
def test_limesurvey_names_sex_margins_and_other_texts(tmp_path):
    export = CORPUS / "limesurvey" / "limesurvey_name_face_results_export.csv"
    proposal, ins = _check_round_trip(export, tmp_path)
    sex = ins.question("Geslacht")
    assert {c.label(): c.name for c in sex.choices} == {"man": "male", "vrouw": "female"}
    margins = proposal.choices[proposal.choices.list_name == sex.list_name]
    assert margins["margin"].tolist() == margins["name"].tolist()
    assert ins.question("opleiding_other").type == "text"
    assert ins.question("leeftijd").type == "integer"
    assert ins.question("intro").role is None  # JSON, not a statement
    res = read_responses(export, ins)
    assert {h.how for h in res.headers} == {"name", "metadata"}


# ===================================================================== an XLSForm as input


def test_an_xlsform_gets_only_its_empty_analysis_columns_filled(tmp_path):
    proposal = propose_instrument(STANDARD_INSTRUMENT)
    assert not proposal.from_export
    _, ins = _write(proposal, tmp_path)
    standard = load_instrument(STANDARD_INSTRUMENT)
    assert ins.names() == standard.names()
    assert [(q.type, q.role, q.construct, q.choice_names()) for q in ins.questions] == [
        (q.type, q.role, q.construct, q.choice_names()) for q in standard.questions
    ]
    aspects = proposal.survey.set_index("name")["aspect"]
    for imp in standard.by_construct("importance"):
        assert aspects[imp.name] == aspects["sat_" + imp.name[4:]] == imp.name[4:]


# ===================================================================== pieces and errors


def test_answer_wordings():
    assert is_missing_answer("Trudno powiedzieć") and is_missing_answer("Odmowa")
    assert is_missing_answer("Nie dotyczy") and is_missing_answer("Don't know")
    assert not is_missing_answer("Nie") and not is_missing_answer("Brak chodników")
    assert age_band("18–29 lat") == (18, 29) and age_band("65+") == (65, None)
    assert age_band("Poniżej 18 lat") == (0, 17)
    assert similarity("Oferta kulturalna", "oferty kulturalnej") > 0.9
    assert similarity("Płeć", "Oferta kulturalna") < 0.2


def test_errors_are_located_and_bilingual(tmp_path):
    with pytest.raises(ReadError) as missing:
        propose_instrument(tmp_path / "brak.csv")
    assert "brak.csv" in missing.value.message("pl") and missing.value.en
    only_meta = tmp_path / "meta.csv"
    only_meta.write_text("Sygnatura czasowa\n2026/03/02 9:00:00 AM CET\n", encoding="utf-8")
    with pytest.raises(InstrumentError) as empty:
        propose_instrument(only_meta)
    assert "meta.csv" in empty.value.message("pl") and "metadane" in empty.value.pl
    with pytest.raises(InstrumentError):
        propose_instrument(OWN, lang="de")
    with pytest.raises(InstrumentError) as folder:
        write_xlsform(propose_instrument(OWN), tmp_path)
    assert "--out" in folder.value.pl and "--out" in folder.value.en


# ===================================================================== the command


def test_cli_instrument_writes_the_form_and_says_what_next(tmp_path, capsys):
    out = tmp_path / "kwestionariusz.xlsx"
    assert main(["instrument", str(OWN), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "17 pytań" in printed and "pasują do pytań" in printed
    assert "uwagi" in printed and "town.yaml: instrument: kwestionariusz.xlsx" in printed
    assert len(load_instrument(out).questions) == 17


def test_cli_instrument_help_and_errors(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["instrument", "--help"])
    text = capsys.readouterr().out
    assert "Propozycja kwestionariusza" in text and "proposed questionnaire" in text
    assert "town.yaml" in text and "uwagi" in text and "--encoding" in text
    assert main(["--lang", "en", "instrument", str(tmp_path / "none.csv")]) == 2
    err = capsys.readouterr().err
    assert err.strip() == "none.csv: There is no such response file." and "Traceback" not in err
    assert main(["instrument", str(OWN), "--out", str(tmp_path)]) == 2
    assert "to folder, nie plik" in capsys.readouterr().err
