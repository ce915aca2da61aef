"""diagnosis.read: files from real exports that loaded wrong (issue #13).

Each test writes its own small file (the bytes are the point: encodings,
header shapes, sheet order); corpus files are read from ``../shared/corpus``
when that folder exists.
"""

from __future__ import annotations

from pathlib import Path

import pytest

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
