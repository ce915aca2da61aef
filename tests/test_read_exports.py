"""diagnosis.read: files from real exports that loaded wrong (issue #13).

Each test writes its own small file (the bytes are the point: encodings,
header shapes, sheet order); corpus files are read from ``../shared/corpus``
when that folder exists.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from diagnosis.errors import ReadError
from diagnosis.read import read_responses
from diagnosis.read.text import decode_bytes, repair_mojibake

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
RESIDENT = ROOT / "surveys" / "instruments" / "resident_survey.xlsx"

needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not present")
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def _en(res, needle: str) -> str:
    found = [en for _, en in res.warnings if needle in en]
    assert found, [en for _, en in res.warnings]
    return found[0]


def _pl(res, needle: str) -> str:
    found = [pl for pl, _ in res.warnings if needle in pl]
    assert found, [pl for pl, _ in res.warnings]
    return found[0]


# ===================================================================== 2. mixed cells, mojibake


def test_cells_of_one_line_in_utf8_and_windows_1250_are_decoded_each_in_its_own(tmp_path):
    path = tmp_path / "mieszane_komorki.csv"
    path.write_bytes(
        "gmina;uwagi;liczba osób\n".encode()
        + "Kraków;".encode()
        + "dla osób w ośrodku".encode("cp1250")
        + b";3\n"
        + "Łódź;".encode()
        + "Źle oświetlone".encode("cp1250")
        + b";"
        + b"4\n"
        + "Gdańsk;ok;5\n".encode()
    )
    res = read_responses(path)
    assert res.encoding == "mixed (utf-8 + cp1250)"
    assert res.data["gmina"].tolist() == ["Kraków", "Łódź", "Gdańsk"]
    assert res.data["uwagi"].tolist() == ["dla osób w ośrodku", "Źle oświetlone", "ok"]
    assert "liczba_osob" in res.data.columns
    pl = _pl(res, "miesza kodowania")
    en = _en(res, "mixes character encodings")
    assert "w cp1250 zapisano 2 komórki (wiersze 2, 3)" in pl
    assert "2 cells (rows 2, 3) are cp1250" in en


def test_every_line_mixing_encodings_is_still_read_cell_by_cell(tmp_path):
    # no line is pure UTF-8, so the file as a whole decodes as no single encoding
    path = tmp_path / "kazdy_wiersz.csv"
    lines = [("Płeć", "Uwagi"), ("Kobieta", "osób"), ("Mężczyzna", "ŁÓDŹ")]
    raw = b"".join(a.encode("cp1250") + b";" + b.encode("utf-8") + b"\n" for a, b in lines)
    res = read_responses(path) if path.write_bytes(raw) else None
    assert res is not None
    assert list(res.data.columns) == ["plec", "uwagi"]
    assert res.data["plec"].tolist() == ["Kobieta", "Mężczyzna"]
    assert res.data["uwagi"].tolist() == ["osób", "ŁÓDŹ"]
    assert res.encoding == "mixed (utf-8 + cp1250)"


def test_utf8_answers_garbled_by_windows_1250_are_repaired_and_counted(tmp_path):
    path = tmp_path / "mojibake.csv"
    path.write_text(
        "gmina,uwagi,liczba\n"
        "Kraków,Liczba osĂłb w oĹ›rodku,3\n"
        "Ĺ\x81ódź,Ĺ»Ăłłty,4\n"
        "Gdańsk,Zażółć gęślą jaźń ŻÓŁW,5\n",
        encoding="utf-8",
    )
    res = read_responses(path)
    assert res.encoding == "utf-8"
    assert res.data["gmina"].tolist() == ["Kraków", "Łódź", "Gdańsk"]
    assert res.data["uwagi"].tolist() == [
        "Liczba osób w ośrodku",
        "Żółty",
        "Zażółć gęślą jaźń ŻÓŁW",  # correct text is left alone
    ]
    en = _en(res, "garbled Polish letters")
    assert en.startswith("Repaired 3 cells with garbled Polish letters (rows 2, 3;")
    assert "'Liczba osĂłb w oĹ›rodku' -> 'Liczba osób w ośrodku'" in en
    assert _pl(res, "zniekształconymi").startswith("Naprawiono 3 komórki ze zniekształconymi")


def test_repair_mojibake_keeps_correct_text():
    for text in ["Łódź", "ŻÓŁW", "ĘŚ", "Valérie", "Straße", "naïve", "€ 5", "Ñandú"]:
        assert repair_mojibake(text) == text
    assert repair_mojibake("gĂłra i rzeka") == "góra i rzeka"
    assert repair_mojibake("ZaĹĽĂłĹ‚Ä‡") == "Zażółć"


@pytest.mark.parametrize("word", ["Zażółć", "ŻÓŁW", "Świętochłowice", "ĘŚĆ ółż"])
def test_pure_windows_1250_and_iso_8859_2_files_decode_as_before(word):
    for codec in ("cp1250", "iso-8859-2"):
        decoded = decode_bytes(f"gmina;uwagi\nŁódź;{word}\n".encode(codec))
        assert decoded.encoding == codec
        assert decoded.text == f"gmina;uwagi\nŁódź;{word}\n"


# ===================================================================== 5. Mac code pages


def test_mac_central_european_file_is_decoded_and_reported_with_its_row(tmp_path):
    path = tmp_path / "mac.csv"
    text = "gmina;uwagi\nOstrów;ok\nŁódź;Zażółć gęślą jaźń\n"
    path.write_bytes(text.replace("\n", "\r").encode("mac_latin2"))
    res = read_responses(path)
    assert res.encoding == "mac_latin2"
    assert res.data["gmina"].tolist() == ["Ostrów", "Łódź"]
    assert res.data.loc[3, "uwagi"] == "Zażółć gęślą jaźń"
    en = _en(res, "Mac Central European")
    assert "first such letter: row 2" in en
    assert "pierwsza taka litera: wiersz 2" in _pl(res, "Mac Central European")


def test_mac_bytes_are_not_mistaken_for_windows_code_pages():
    for word in ["ąę", "ść", "źż", "łńó", "ĄĘŚŹŻŁŃÓĆ"]:
        decoded = decode_bytes(f"a;b\n1;{word}\n".encode("mac_latin2"))
        assert (decoded.encoding, decoded.text) == ("mac_latin2", f"a;b\n1;{word}\n")


def test_forced_encoding_still_wins_over_detection(tmp_path):
    path = tmp_path / "wymuszone.csv"
    path.write_bytes("a;b\n1;Łó\n".encode("mac_latin2"))
    res = read_responses(path, encoding="cp1250")
    assert res.encoding == "cp1250"
    assert res.data.loc[2, "b"] == "ü—"  # what the user asked for


# ===================================================================== 1. the response sheet


def _workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


NOTES = [
    ["Data", "Uwaga"],
    ["2026-03-01", "Ankieterka: Ola, dzielnica Centrum"],
    ["2026-03-02", "Dwie ankiety odrzucone (niepełne)"],
    ["2026-03-03", "Przerwa"],
    ["2026-03-04", "Koniec badania"],
]
ANSWERS = [
    ["Płeć", "Wiek", "trust", "Uwagi"],
    ["Kobieta", "30-44 lat", 7, "Więcej zajęć dla osĂłb starszych"],
    ["Mężczyzna", "60 lat i więcej", 3, None],
    ["Kobieta", "18-29 lat", 9, "ok"],
]


def test_a_notes_sheet_before_the_data_is_skipped_and_named(tmp_path):
    path = _workbook(tmp_path / "ankiety.xlsx", {"Notatki": NOTES, "Dane": ANSWERS})
    res = read_responses(path)
    assert res.data.columns.tolist() == ["plec", "wiek", "trust", "uwagi"]
    assert res.data.index.tolist() == [2, 3, 4]
    assert res.data.loc[2, "uwagi"] == "Więcej zajęć dla osób starszych"  # repaired
    en = _en(res, "several sheets")
    assert "read 'Dane', which looks most like responses (3 rows under the header)" in en
    assert "skipped 'Notatki'" in en
    assert "pominięto 'Notatki'" in _pl(res, "kilka arkuszy")
    assert "Sheet 'Dane': repaired 1 cell" in _en(res, "garbled")


def test_the_questionnaire_decides_between_sheets(tmp_path):
    from diagnosis.instrument import load_instrument

    diary = [["Dzień", "Miejsce", "Ankieter", "Liczba"]] + [
        [f"2026-03-{d:02d}", "Biblioteka", "Ola", d] for d in range(1, 11)
    ]
    path = _workbook(tmp_path / "dwa.xlsx", {"Dziennik": diary, "Wyniki": ANSWERS})
    assert read_responses(path).data.columns[0] == "dzien"  # bigger, no questionnaire
    res = read_responses(path, load_instrument(RESIDENT))
    assert res.data["sex"].tolist() == ["female", "male", "female"]
    assert "read 'Wyniki', which looks most like responses (3 headers match questions" in (
        _en(res, "several sheets")
    )
    assert "skipped 'Dziennik'" in _en(res, "several sheets")


def test_a_codebook_sheet_is_never_taken_for_the_answers(tmp_path):
    codebook = [["Zmienna", "Etykieta", "Wartości"]] + [
        [f"q{i}", f"Pytanie {i}", "1=Tak; 2=Nie"] for i in range(1, 30)
    ]
    path = _workbook(tmp_path / "z_kodami.xlsx", {"Kody": codebook, "Dane": ANSWERS[:2]})
    res = read_responses(path)
    assert res.data.index.tolist() == [2]
    assert "skipped 'Kody'" in _en(res, "several sheets")


def test_a_single_sheet_gives_no_sheet_notice(tmp_path):
    res = read_responses(_workbook(tmp_path / "jeden.xlsx", {"Dane": ANSWERS}))
    assert not [en for _, en in res.warnings if "several sheets" in en]


# ===================================================================== 3. LimeSurvey code + text

LIME_CODE_TEXT = [
    ["id. Response ID", "submitdate. Date submitted", "lastpage. Last page",
     "startlanguage. Start language", "sex. Płeć", "age_band. Wiek",
     "needs[transport]. Co jest najbardziej potrzebne? [Komunikacja publiczna]",
     "needs[green]. Co jest najbardziej potrzebne? [Tereny zielone]",
     "needs[other]. Co jest najbardziej potrzebne? [Inne]", "trust. Zaufanie", "Uwagi"],
    ["1", "2026-03-01 10:00:00", "5", "pl", "female", "30_44", "Y", "", "", "7", "ok"],
    ["2", "2026-03-01 12:30:00", "5", "pl", "male", "18_29", "", "Y", "park dla psów", "4", ""],
]  # fmt: skip


def _lime_csv(path: Path) -> Path:
    text = "\n".join(",".join(f'"{f}"' for f in row) for row in LIME_CODE_TEXT) + "\n"
    path.write_text(text, encoding="utf-8")
    return path


def test_limesurvey_code_and_text_headers_map_to_question_codes(tmp_path):
    from diagnosis.instrument import load_instrument

    res = read_responses(_lime_csv(tmp_path / "results-survey1.csv"), load_instrument(RESIDENT))
    data = res.data
    assert res.flavour == "limesurvey"
    assert [(h.column, h.how) for h in res.headers[:6]] == [
        ("respondent_id", "metadata"), ("submitted_at", "metadata"),
        ("meta_lastpage", "metadata"), ("meta_startlanguage", "metadata"),
        ("sex", "name"), ("age_band", "name"),
    ]  # fmt: skip
    assert res.headers[0].source == "id. Response ID"  # kept as written
    assert data["respondent_id"].tolist() == ["1", "2"]
    assert data["submitted_at"].tolist()[0] == pd.Timestamp("2026-03-01 10:00:00")
    assert data["sex"].tolist() == ["female", "male"]
    assert data["needs__transport"].tolist() == [1, 0]
    assert data["needs__green"].tolist() == [0, 1]
    assert data["needs_other"].tolist() == [pd.NA, "park dla psów"]
    assert data["trust"].tolist() == [7, 4]
    assert res.unmatched() == ("Uwagi",)


def test_limesurvey_code_and_text_headers_without_a_questionnaire(tmp_path):
    res = read_responses(_lime_csv(tmp_path / "results-survey1.csv"))
    assert res.flavour == "limesurvey"
    assert res.data.columns[:6].tolist() == [
        "respondent_id", "submitted_at", "meta_lastpage", "meta_startlanguage", "sex",
        "age_band",
    ]  # fmt: skip
    assert "needs_transport" in res.data.columns
    assert res.variable_labels["sex"] == "Płeć"


def test_a_plain_numbered_header_is_not_cut(tmp_path):
    path = tmp_path / "wlasna.csv"
    path.write_text("P1. Płeć;P2. Wiek\nK;34\n", encoding="utf-8")
    assert read_responses(path).data.columns.tolist() == ["p1_plec", "p2_wiek"]


@needs_corpus
def test_limesurvey_code_only_corpus_export_is_unchanged():
    res = read_responses(CORPUS / "limesurvey" / "limesurvey_name_face_results_export.csv")
    assert res.flavour == "limesurvey"
    assert [h.source for h in res.headers][:2] == ["id", "submitdate"]
    assert res.data.columns[:2].tolist() == ["respondent_id", "submitted_at"]


# ===================================================================== 4. not answers

LSS = """<?xml version="1.0" encoding="UTF-8"?>
<document>
 <LimeSurveyDocType>Survey</LimeSurveyDocType>
 <DBVersion>366</DBVersion>
 <languages><language>pl</language></languages>
</document>
"""


def _read_error(path: Path, **kwargs) -> ReadError:
    with pytest.raises(ReadError) as caught:
        read_responses(path, **kwargs)
    err = caught.value
    assert err.file == path
    return err


def test_limesurvey_lss_structure_is_refused_with_what_to_export(tmp_path):
    path = tmp_path / "limesurvey_survey_123456.lss"
    path.write_text(LSS, encoding="utf-8")
    err = _read_error(path)
    assert err.message("pl").startswith(
        "limesurvey_survey_123456.lss: To jest struktura ankiety LimeSurvey (.lss, XML)"
    )
    assert "Odpowiedzi > Eksport > Eksportuj odpowiedzi" in err.message("pl")
    assert "Responses > Export > Export responses" in err.message("en")


def test_limesurvey_lsr_responses_xml_is_refused(tmp_path):
    path = tmp_path / "survey_123456_responses.lsr"
    path.write_text(LSS.replace(">Survey<", ">Responses<"), encoding="utf-8")
    assert "LimeSurvey responses saved as XML (.lsr)" in _read_error(path).message("en")


def test_limesurvey_lsa_archive_is_refused(tmp_path):
    import zipfile

    path = tmp_path / "survey_archive_123456.lsa"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("survey_123456.lss", LSS)
        archive.writestr("survey_123456_responses.lsr", LSS.replace(">Survey<", ">Responses<"))
    err = _read_error(path)
    assert "LimeSurvey survey archive (.lsa)" in err.message("en")
    assert "archiwum ankiety LimeSurvey (.lsa)" in err.message("pl")


def test_limesurvey_tab_separated_structure_is_refused_at_its_header(tmp_path):
    path = tmp_path / "limesurvey_survey_123456.txt"
    rows = [
        "class\ttype/scale\tname\trelevance\ttext\thelp\tlanguage\tvalidation\tmandatory",
        "S\t\tsid\t\t123456\t\t\t\t",
        "G\t1\tMetryczka\t1\tPytania o Ciebie\t\tpl\t\t",
        "Q\tL\tsex\t1\tPłeć\t\tpl\t\tY",
        "A\t0\tA1\t\tKobieta\t\tpl\t\t",
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    err = _read_error(path)
    assert err.row == 1
    assert err.message("pl").startswith(
        "limesurvey_survey_123456.txt, wiersz 1: To jest struktura ankiety LimeSurvey"
    )
    assert "class, type/scale, name, relevance, text" in err.message("en")


@pytest.mark.parametrize(
    ("header", "rows", "column"),
    [
        (
            "Zmienna;Etykieta;Wartości",
            ['plec;Płeć;"1=Kobieta; 2=Mężczyzna"', "wiek;Wiek;lata", "gmina;Gmina;"],
            "Zmienna",
        ),
        (
            "Name,Type,Label,Values,Missing",
            ["q1,Numeric,Age,None,None", "q2,String,Town,,"],
            "Name",
        ),
    ],
)
def test_a_codebook_is_refused_naming_its_variable_column(tmp_path, header, rows, column):
    path = tmp_path / "ksiazka_kodow.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    err = _read_error(path)
    assert (err.row, err.column) == (1, column)
    assert "To jest książka kodów" in err.message("pl")
    assert "This is a codebook" in err.message("en")


def test_an_xlsform_survey_sheet_saved_as_csv_is_refused(tmp_path):
    path = tmp_path / "survey.csv"
    path.write_text(
        "type,name,label::Polski (pl)\nselect_one sex,sex,Płeć\ninteger,age,Wiek\n",
        encoding="utf-8",
    )
    assert "'survey' sheet of an XLSForm" in _read_error(path).message("en")


def test_a_workshop_table_still_reads_with_read_table(tmp_path):
    from diagnosis.read import read_table

    path = tmp_path / "pomysly.csv"
    path.write_text("Zmienna;Etykieta;Wartości\nplec;Płeć;1=K\n", encoding="utf-8")
    assert read_table(path).columns.tolist() == ["Zmienna", "Etykieta", "Wartości"]


@needs_corpus
@pytest.mark.parametrize(
    "relative",
    [
        "polish/Wypalenie-wsrod-osob-studiujacych-2025-11-03.csv",
        "polish/v4lab_PL_rawdata.csv",
        "spss_stata/pallant_survival_manual_survey.sav",
        "limesurvey/limesurvey_name_face_results_export.csv",
    ],
)
def test_real_response_files_are_not_refused(relative):
    assert read_responses(CORPUS / relative).n > 0


# ===================================================================== 7. clean messages


def _no_library_text(err: ReadError) -> None:
    for lang in ("pl", "en"):
        text = err.message(lang)
        for library in ("Content_Types", "There is no item", "zip file", "Error reading"):
            assert library not in text.split(":", 1)[1], text


def test_a_zip_that_is_not_excel_names_its_contents_in_clean_messages(tmp_path):
    import zipfile

    path = tmp_path / "odpowiedzi.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("odpowiedzi.csv", "a,b\n1,2\n")
        archive.writestr("notatki.txt", "x")
    err = _read_error(path)
    assert err.message("pl") == (
        "odpowiedzi.xlsx: To jest archiwum ZIP, a nie skoroszyt Excela (w środku: "
        "odpowiedzi.csv, notatki.txt). Rozpakuj je i podaj sam plik z odpowiedziami "
        "(CSV, .xlsx, .sav)."
    )
    assert "This is a ZIP archive, not an Excel workbook" in err.message("en")


def test_a_damaged_workbook_gives_a_clean_message(tmp_path):
    from openpyxl import Workbook

    whole = tmp_path / "cale.xlsx"
    Workbook().save(whole)
    path = tmp_path / "uciete.xlsx"
    path.write_bytes(whole.read_bytes()[:300])
    err = _read_error(path)
    _no_library_text(err)
    assert "uszkodzony albo niekompletny" in err.message("pl")
    assert isinstance(err.__cause__, Exception)  # the library's words stay as the cause


def test_an_opendocument_spreadsheet_is_told_to_be_saved_as_xlsx(tmp_path):
    import zipfile

    path = tmp_path / "ankiety.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    err = _read_error(path)
    _no_library_text(err)
    assert "arkusz OpenDocument (.ods" in err.message("pl")


def test_an_unreadable_xls_gives_a_clean_message(tmp_path):
    path = tmp_path / "stary.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    err = _read_error(path)
    assert err.message("pl").startswith(
        "stary.xls: Nie udało się otworzyć skoroszytu Excela: plik jest uszkodzony"
    )
    assert "Excel workbook could not be opened: the file is damaged" in err.message("en")


def test_html_and_other_xml_are_refused_but_a_header_starting_with_lt_is_a_csv(tmp_path):
    page = tmp_path / "wyniki.csv"
    page.write_text("<!DOCTYPE html>\n<html><body><table></table></body></html>\n")
    assert "web page (HTML)" in _read_error(page).message("en")
    xml = tmp_path / "dane.xml"
    xml.write_text("<dane><wiersz plec='K'/></dane>\n")
    assert "To jest plik XML" in _read_error(xml).message("pl")
    csv = tmp_path / "wiek.csv"
    csv.write_text("<18 lat;18-29 lat\n3;5\n", encoding="utf-8")
    assert read_responses(csv).data.columns.tolist() == ["18_lat", "18_29_lat"]
