"""diagnosis.instrument: the standard survey and XLSForms written by others."""

import importlib.util
from pathlib import Path

import pytest
from pyxform.xls2xform import convert

from diagnosis.errors import InstrumentError
from diagnosis.instrument import language_code, load_instrument

ROOT = Path(__file__).resolve().parent.parent
STANDARD = ROOT / "surveys" / "instruments" / "resident_survey.xlsx"
CORPUS = ROOT.parent / "shared" / "corpus" / "xlsform"
needs_corpus = pytest.mark.skipif(not CORPUS.exists(), reason="../shared/corpus not present")


@pytest.fixture(scope="module")
def standard():
    return load_instrument(STANDARD)


def test_pyxform_accepts_the_standard_survey_unchanged():
    warnings: list[str] = []
    result = convert(str(STANDARD), warnings=warnings)
    assert warnings == []
    assert 'lang="Polski (pl)"' in result.xform and 'lang="English (en)"' in result.xform
    assert "Trudno powiedzieć" in result.xform


def test_the_committed_xlsx_is_what_the_build_script_writes():
    spec = importlib.util.spec_from_file_location(
        "build_resident_survey", STANDARD.with_name("build_resident_survey.py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.build_workbook() == STANDARD.read_bytes()


def test_standard_survey_content(standard):
    assert standard.languages == ("pl", "en")
    assert standard.title == "Diagnoza potrzeb mieszkańców"
    assert standard.question("age_band").choice_names() == ("18_29", "30_44", "45_59", "60_plus")
    assert standard.question("sex").label("pl") == "Płeć"
    assert standard.question("sex").label("en") == "Sex"
    assert [q.name for q in standard.by_role("weighting")] == ["sex", "age_band"]
    imp = standard.by_construct("importance")
    sat = standard.by_construct("satisfaction")
    assert len(imp) == len(sat) == 10
    assert [q.name[4:] for q in imp] == [q.name[4:] for q in sat]
    assert standard.question("imp_transport").choice("99").missing is True
    assert standard.question("imp_transport").choice("4").missing is False
    cohesion = standard.by_construct("cohesion")
    assert len(cohesion) == 5 and [q.name for q in cohesion if q.reverse] == ["coh_self"]
    needs = standard.question("needs")
    assert needs.is_multiple and needs.max_choices == 3 and len(needs.choices) == 14
    assert needs.group == ()
    assert standard.question("sex").group == ("metryczka",)
    trust = standard.question("trust")
    assert (trust.type, trust.minimum, trust.maximum) == ("integer", 0.0, 10.0)
    assert [q.name for q in standard.by_role("open_text")] == ["problem", "idea"]
    assert standard.question("skills").relevant == "${internet_use} = '1'"
    assert "needs__transport" in standard.columns()
    assert "needs" not in standard.columns()
    assert len(standard.columns()) == len(standard.questions) - 2 + 14 + 6


@pytest.mark.parametrize(
    ("header", "code"),
    [("Polski (pl)", "pl"), ("EN", "en"), ("English", "english"), ("", "default")],
)
def test_language_code(header, code):
    assert language_code(header) == code


@needs_corpus
@pytest.mark.parametrize(
    ("name", "languages", "n_questions", "n_choices"),
    [
        # counts taken from each form's survey/choices sheets (notes and groups excluded)
        ("UCL_Biomass_Plot_Form.xlsx", ("sw", "en"), 62, 27),
        ("case_insensitivity.xlsx", ("en",), 3, 2),
        ("ona_transportation_form.xlsx", ("default",), 3, 13),
        ("paleocore_artifact-kobotoolbox.xlsx", ("en", "ru"), 72, 111),
        ("reach_ukr_cccm_tool_others.xlsx", ("ukrainian", "english", "russian"), 133, 701),
        ("widgets.xls", ("default",), 32, 18),
    ],
)
def test_corpus_forms_load(name, languages, n_questions, n_choices):
    ins = load_instrument(CORPUS / name)
    assert ins.languages == languages
    assert len(ins.questions) == n_questions
    assert sum(len(c) for c in ins.choice_lists.values()) == n_choices


@needs_corpus
def test_upper_case_sheets_and_legacy_types():
    upper = load_instrument(CORPUS / "case_insensitivity.xlsx")
    assert upper.question("q1").type == "select_one"
    assert upper.question("q1").label("en") == "Are you good?"
    legacy = load_instrument(CORPUS / "widgets.xls")
    assert legacy.question("my_string").type == "text"
    assert legacy.question("my_int").type == "integer"
    assert legacy.question("my_int").maximum == 10.0
    ona = load_instrument(CORPUS / "ona_transportation_form.xlsx")
    q = ona.question("available_transportation_types_to_referral_facility")
    assert q.type == "select_multiple" and q.group == ("transport",)
    assert q.list_name == "transport_types"


@needs_corpus
def test_trailing_space_in_choices_header_and_default_language():
    ucl = load_instrument(CORPUS / "UCL_Biomass_Plot_Form.xlsx")
    selects = [q for q in ucl.questions if q.type == "select_one" and q.choices]
    assert selects and all(c.name for q in selects for c in q.choices)
    ukr = load_instrument(CORPUS / "reach_ukr_cccm_tool_others.xlsx")
    assert ukr.default_language == "ukrainian"


def test_missing_choice_list_is_located(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "survey"
    ws.append(["type", "name", "label"])
    ws.append(["text", "q0", "Imię"])
    ws.append(["select_one plec", "q1", "Płeć"])
    wb.create_sheet("choices").append(["list_name", "name", "label"])
    path = tmp_path / "form.xlsx"
    wb.save(path)
    with pytest.raises(InstrumentError) as info:
        load_instrument(path)
    err = info.value
    assert (err.row, err.column, err.value) == (3, "type", "select_one plec")
    assert "form.xlsx, wiersz 3, kolumna 'type'" in err.message("pl")
    assert "'plec'" in err.message("en")


def test_not_a_workbook_is_a_clear_error(tmp_path):
    bad = tmp_path / "form.xlsx"
    bad.write_bytes(b"this is not a zip file")
    with pytest.raises(InstrumentError) as info:
        load_instrument(bad)
    assert "Nie udało się otworzyć formularza" in info.value.message("pl")
    with pytest.raises(InstrumentError):
        load_instrument(tmp_path / "missing.xlsx")


def test_single_colon_language_headers_are_read_like_double_colon(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "survey"
    ws.append(["type", "name", "label:English (en)", "label:Polski (pl)", "hint:Polski (pl)"])
    ws.append(["select_one yn", "q1", "Do you read?", "Czy czytasz?", "Książki, gazety"])
    choices = wb.create_sheet("choices")
    choices.append(["list_name", "name", "label:English (en)", "label:Polski (pl)"])
    choices.append(["yn", "1", "Yes", "Tak"])
    choices.append(["yn", "0", "No", "Nie"])
    path = tmp_path / "jeden_dwukropek.xlsx"
    wb.save(path)
    form = load_instrument(path)
    q = form.question("q1")
    assert dict(q.labels) == {"en": "Do you read?", "pl": "Czy czytasz?"}
    assert q.label("pl") == "Czy czytasz?"
    assert [c.label("pl") for c in q.choices] == ["Tak", "Nie"]
    assert set(form.languages) == {"en", "pl"}


def test_unopenable_forms_get_messages_without_library_text(tmp_path):
    import zipfile

    import openpyxl

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "survey"
    ws.append(["type", "name", "label", "label"])
    ws.append(["text", "a", "A", "B"])
    book.save(tmp_path / "dup.xlsx")
    with zipfile.ZipFile(tmp_path / "notexcel.xlsx", "w") as z:
        z.writestr("a.txt", "x")
    with pytest.raises(InstrumentError) as dup:
        load_instrument(tmp_path / "dup.xlsx")
    assert dup.value.column == "label"
    assert "dwie kolumny o nagłówku 'label'" in dup.value.pl
    assert "Duplicate" not in dup.value.pl
    with pytest.raises(InstrumentError) as bad:
        load_instrument(tmp_path / "notexcel.xlsx")
    assert "nie jest skoroszytem Excela" in bad.value.pl
    assert "Error" not in bad.value.pl and "zip" not in bad.value.pl.lower()
