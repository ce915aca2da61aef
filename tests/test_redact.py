"""diagnosis.clean.redact: personal data in Polish free text is found and hidden.

Reference numbers: the PESEL examples are DOMAIN.md's ("Personal data in Polish
free text"); other check digits are computed here with the weights DOMAIN.md
gives, independently of python-stdnum, which the module uses.
"""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np
import pandas as pd
import pytest

from diagnosis.clean.redact import (
    KINDS,
    PLACEHOLDERS,
    PersonalData,
    find_personal_data,
    is_valid_id_card,
    redact_series,
    redact_text,
)
from diagnosis.demo import DEMO_TOWNS, planted_personal_items
from diagnosis.demo import texts as demo_texts

# ------------------------------------------------------------------ check digits (DOMAIN.md)


def pesel(birth: dt.date, serial: str = "0135") -> str:
    """A PESEL for ``birth`` with the check digit of DOMAIN.md (weights 1,3,7,9,...)."""
    offset = {18: 80, 19: 0, 20: 20, 21: 40, 22: 60}[birth.year // 100]
    head = f"{birth.year % 100:02d}{birth.month + offset:02d}{birth.day:02d}{serial}"
    return head + str(_pesel_check(head))


def _pesel_check(head: str) -> int:
    total = sum(int(d) * w for d, w in zip(head, (1, 3, 7, 9, 1, 3, 7, 9, 1, 3), strict=True))
    return (10 - total % 10) % 10


def nip(first_nine: str) -> str | None:
    """A NIP (weights 6,5,7,2,3,4,5,6,7; sum mod 11 is the last digit), None when it is 10."""
    check = sum(int(d) * w for d, w in zip(first_nine, (6, 5, 7, 2, 3, 4, 5, 6, 7), strict=True))
    check %= 11
    return None if check == 10 else first_nine + str(check)


def regon9(first_eight: str) -> str:
    """A 9-digit REGON (weights 8,9,2,3,4,5,6,7; mod 11 mod 10)."""
    total = sum(int(d) * w for d, w in zip(first_eight, (8, 9, 2, 3, 4, 5, 6, 7), strict=True))
    return first_eight + str(total % 11 % 10)


def regon14(first_nine: str, rest: str) -> str:
    """A 14-digit REGON: 9 + 4 digits + check (weights 2,4,8,5,0,9,7,3,6,1,2,4,8)."""
    head = first_nine + rest
    weights = (2, 4, 8, 5, 0, 9, 7, 3, 6, 1, 2, 4, 8)
    total = sum(int(d) * w for d, w in zip(head, weights, strict=True))
    return head + str(total % 11 % 10)


def kinds(text: str) -> list[str]:
    return [f.kind for f in find_personal_data(text)]


# ------------------------------------------------------------------ PESEL


@pytest.mark.parametrize("value", ["44051401359", "02070803628"])
def test_domain_md_valid_pesels_are_found(value):
    text = f"Mój PESEL to {value}, proszę o kontakt."
    assert kinds(text) == ["pesel"]
    assert redact_text(text) == "Mój PESEL to [PESEL], proszę o kontakt."


def test_domain_md_invalid_pesel_is_not_a_pesel_but_is_still_hidden():
    # 44051401358 fails the check digit (DOMAIN.md): most likely a mistyped PESEL,
    # so it is hidden as a generic number rather than shown (privacy beats readability)
    text = "PESEL 44051401358"
    assert kinds(text) == ["number"]
    assert redact_text(text) == "PESEL [numer]"
    assert redact_text(text, lang="en") == "PESEL [number]"


@pytest.mark.parametrize(
    "birth",
    [dt.date(1885, 3, 1), dt.date(1944, 5, 14), dt.date(2002, 7, 8), dt.date(2000, 2, 29)],
)
def test_pesel_century_offsets(birth):
    value = pesel(birth)
    assert kinds(value) == ["pesel"]


def test_pesel_with_right_check_digit_but_no_such_date_is_not_a_pesel():
    for head in ("4413010135", "4402300135", "0122290135", "4400100135"):  # month 13, 30 Feb,
        value = head + str(_pesel_check(head))  # 29 Feb 2001, month 0
        assert kinds(value) == ["number"], value


def test_pesel_is_found_where_the_demo_writes_it():
    value = pesel(dt.date(1978, 1, 19))
    for text in (f"pesel {value} - zapiszcie mnie", f"PESEL: {value}", f"PESEL:{value}."):
        assert kinds(text) == ["pesel"]


# ------------------------------------------------------------------ NIP, REGON, ID card, IBAN


def test_nip_in_its_usual_formats():
    value = nip("123456321")
    assert value == "1234563218"
    for text in (
        f"NIP {value}",
        "NIP 123-456-32-18",
        "NIP 123-45-63-218",
        "NIP PL1234563218",
        "NIP: PL 123-456-32-18",
    ):
        assert kinds(text) == ["nip"], text
        assert redact_text(text).endswith("[NIP]"), text


def test_nip_with_a_wrong_check_digit_is_hidden_as_a_number():
    assert kinds("NIP 123-456-32-19") == ["number"]
    assert kinds("1234563219") == ["number"]


def test_nip_check_digit_ten_is_never_valid():
    # find nine digits whose weighted sum mod 11 is 10: no NIP can end them
    first = next(f"{i:09d}" for i in range(100_000_000, 100_010_000) if nip(f"{i:09d}") is None)
    assert kinds(first + "0") == ["number"]


def test_regon_nine_digits_after_the_word_regon():
    value = regon9("12345678")
    assert value == "123456785"
    assert kinds(f"REGON {value}") == ["regon"]
    assert redact_text(f"regon: {value}") == "regon: [REGON]"
    # without the word, nine digits are most likely a phone number; hidden either way
    assert kinds(f"numer {value}") == ["phone"]


def test_regon_fourteen_digits():
    value = regon14("123456785", "1234")
    assert kinds(f"REGON {value}") == ["regon"]
    broken = value[:-1] + str((int(value[-1]) + 1) % 10)
    assert kinds(f"REGON {broken}") == ["number"]


def test_id_card_with_check_digit():
    # ABA300000: A=10, B=11 -> 7*10 + 3*11 + 1*10 + 9*3 = 140, divisible by 10
    assert is_valid_id_card("ABA300000") and is_valid_id_card("aba 300000")
    assert not is_valid_id_card("ABA300001")
    assert redact_text("Dowód ABA300000.") == "Dowód [dowód osobisty]."
    assert redact_text("ID card ABA 300000", lang="en") == "ID card [ID card]"


def test_id_card_like_code_without_check_digit_stays_unless_a_dowod_is_mentioned():
    assert redact_text("Kod rabatowy ABC123456") == "Kod rabatowy ABC123456"
    assert redact_text("nr dowodu ABC123456") == "nr dowodu [dowód osobisty]"


def test_iban_and_nrb():
    # PL61 1090 1014 0000 0712 1981 2874: the Polish example of the SWIFT IBAN registry
    for text in (
        "konto PL61 1090 1014 0000 0712 1981 2874",
        "konto PL61109010140000071219812874",
        "konto 61 1090 1014 0000 0712 1981 2874",
    ):
        assert kinds(text) == ["iban"], text
        assert redact_text(text) == "konto [IBAN]"
    assert kinds("konto PL62 1090 1014 0000 0712 1981 2874") == ["number"]


# ------------------------------------------------------------------ phone, e-mail, address


@pytest.mark.parametrize(
    "phone",
    [
        "600 123 456",
        "600-123-456",
        "600123456",
        "+48 600 123 456",
        "+48600123456",
        "0048600123456",
        "0048 600-123-456",
        "600 12 34 56",
        "58 123 45 67",
        "58-123-45-67",
        "(58) 123 45 67",
        "(58)1234567",
        "+48 58 123 45 67",
    ],
)
def test_phone_formats(phone):
    text = f"Proszę dzwonić: {phone}, najlepiej rano."
    assert kinds(text) == ["phone"]
    assert redact_text(text) == "Proszę dzwonić: [telefon], najlepiej rano."
    assert redact_text(text, lang="en") == "Proszę dzwonić: [phone], najlepiej rano."


def test_two_phone_numbers_in_a_row():
    assert kinds("600 123 456 601 222 333") == ["phone", "phone"]
    assert kinds("tel. 600123456, 601222333") == ["phone", "phone"]


@pytest.mark.parametrize(
    "email",
    ["jan.kowalski@example.com", "a.nowak77@example.org", "k+ankieta@poczta.example.pl"],
)
def test_email(email):
    text = f"napiszcie: {email}."
    assert kinds(text) == ["email"]
    assert redact_text(text) == "napiszcie: [e-mail]."


@pytest.mark.parametrize(
    "address",
    [
        "ul. Polna 12",
        "ul. Polna 12/3",
        "ul. Polna 12 m. 3",
        "ul. Polna 12a m 3",
        "ul.Polna 5",
        "al. Wojska Polskiego 70",
        "al. Jana Pawła II 19",
        "ul. 3 Maja 55/4",
        "os. Kopernika 12",
        "pl. Wolności 1",
        "UL. POLNA 12",
        "ul. polna 12",
        "ulicy Długiej 5",
        "osiedlu Tysiąclecia 14/2",
    ],
)
def test_street_addresses(address):
    text = f"Mieszkam przy {address}, zapraszam."
    assert kinds(text) == ["address"], text
    assert redact_text(text) == "Mieszkam przy [adres], zapraszam."
    assert redact_text(text, "en") == "Mieszkam przy [address], zapraszam."


def test_postcode_only_with_context():
    assert redact_text("Adres: 82-500 Kwidzyn") == "Adres: [kod pocztowy] Kwidzyn"
    assert redact_text("ul. Polna 12, 82-500 Kwidzyn") == "[adres], [kod pocztowy] Kwidzyn"
    assert redact_text("kod 82-500") == "kod [kod pocztowy]"
    assert redact_text("ul. Polna, kod 82-500", "en") == "ul. Polna, kod [postcode]"
    # dd-ddd with no town, street or "kod" near: a range or a score, left alone
    for text in ("wynik 12-345 punktów", "w 82-500 przypadkach", "od 10-200 osób"):
        assert redact_text(text) == text


# ------------------------------------------------------------------ no false alarms


ORDINARY = [
    "W 2024 roku 15 osób przyszło na spotkanie.",
    "Remont kosztował 10 000 zł, a cały projekt 1 200 000 zł.",
    "Budżet obywatelski to 100 000 000 zł na całe województwo.",
    "Spotkanie 12.03.2024 o 18:00, kolejne 2024-04-09.",
    "Od 1 do 15 maja, w godzinach 10-18, sala nr 12.",
    "Chodnik na ul. Polnej jest dziurawy.",
    "Brak przejścia przy ul. Kolejowej i al. Wojska Polskiego.",
    "Za mało zieleni na osiedlu Kopernika, same parkingi.",
    "Z OSIEDLA KOPERNIKA DO CENTRUM PO 18 NIE JEDZIE JUŻ ŻADEN AUTOBUS.",
    "Z osiedla Tysiąclecia do centrum po 18 nie jedzie już żaden autobus.",
    "Autobus nr 5 jeździ co 30 minut, a linia 12 co godzinę.",
    "Mam 3 dzieci, 2 psy i 45 lat.",
    "Program 500+ i 13. emerytura to za mało.",
    "Uczy się 1200 uczniów w 3 szkołach.",
    "Na os. Kopernika brakuje ławek.",
    "Kod rabatowy ABC123456 nie działa.",
]


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_sentences_with_numbers_are_left_alone(text):
    assert find_personal_data(text) == []
    assert redact_text(text) == text


def test_no_demo_answer_pool_sentence_is_touched():
    pools = [*demo_texts.PROBLEMS.values(), *demo_texts.IDEAS.values()]
    sentences = [s for pool in pools for s in pool]
    sentences += [*demo_texts.GENERIC_PROBLEMS, *demo_texts.GENERIC_IDEAS]
    sentences = [s.format(loc="Kwidzynie", est="Kopernika") for s in sentences]
    for variant in (str, str.upper, demo_texts.strip_polish):
        for s in sentences:
            assert redact_text(variant(s)) == variant(s), s


# ------------------------------------------------------------------ the demo's planted data


@pytest.mark.parametrize("town", [t.slug for t in DEMO_TOWNS])
def test_every_planted_item_is_found_with_its_kind_and_gone_after_redaction(town):
    items = planted_personal_items(town)
    assert items
    for item in items:
        found = find_personal_data(item.sentence)
        spans = [(f.kind, item.sentence[f.start : f.end]) for f in found]
        assert (item.kind, item.value) in spans, (item.sentence, spans)
        for lang in PLACEHOLDERS:
            redacted = redact_text(item.sentence, lang)
            assert item.value not in redacted
            assert PLACEHOLDERS[lang][item.kind] in redacted


# ------------------------------------------------------------------ API properties


def test_findings_are_ordered_positions_and_do_not_overlap():
    text = "Jan, ul. Polna 12/3, 82-500 Kwidzyn, tel. 600 123 456, jan@example.com, 44051401359"
    found = find_personal_data(text)
    assert [f.kind for f in found] == ["address", "postcode", "phone", "email", "pesel"]
    assert all(isinstance(f, PersonalData) for f in found)
    ends = [f.end for f in found]
    assert all(a.end <= b.start for a, b in itertools.pairwise(found))
    assert ends == sorted(ends)
    with pytest.raises(AttributeError):
        found[0].kind = "x"  # frozen


def test_redaction_is_idempotent_and_placeholders_hold_nothing_findable():
    text = "PESEL 44051401359, tel. (58) 123 45 67, ul. Polna 12, 82-500 Kwidzyn, a@b.pl"
    once = redact_text(text)
    assert redact_text(once) == once
    for lang in PLACEHOLDERS:
        assert find_personal_data(" ".join(PLACEHOLDERS[lang].values())) == []
    assert set(PLACEHOLDERS["pl"]) == set(PLACEHOLDERS["en"]) == set(KINDS)


def test_bad_language_is_refused():
    with pytest.raises(ValueError, match="lang"):
        redact_text("x", lang="de")


def test_redact_series_keeps_index_dtype_and_missing_and_counts_by_kind():
    s = pd.Series(
        ["PESEL 44051401359", None, "tel. 600 123 456 i 601 222 333", "brak", "  "],
        index=[10, 10, 3, 7, 8],  # a repeated index must not confuse it
        dtype="string",
        name="problem",
    )
    before = s.copy()
    out, counts = redact_series(s)
    pd.testing.assert_series_equal(s, before)  # input untouched
    assert out.dtype == s.dtype and out.name == "problem"
    assert out.index.tolist() == s.index.tolist()
    assert out.tolist() == ["PESEL [PESEL]", pd.NA, "tel. [telefon] i [telefon]", "brak", "  "]
    assert counts == {"pesel": 1, "phone": 2}
    assert counts["email"] == 0


def test_redact_series_on_object_dtype_leaves_non_text_values():
    s = pd.Series(["a@example.com", 600123456, np.nan, "ok"], dtype=object)
    out, counts = redact_series(s, lang="en")
    assert out.tolist()[0] == "[e-mail]"
    assert out.tolist()[1] == 600123456
    assert out.tolist()[3] == "ok"
    assert out.dtype == object
    assert dict(counts) == {"email": 1}


def test_redact_series_matches_redact_text():
    texts = [item.sentence for t in DEMO_TOWNS[:5] for item in planted_personal_items(t.slug)]
    s = pd.Series(texts, dtype="string")
    out, counts = redact_series(s)
    assert out.tolist() == [redact_text(t) for t in texts]
    assert sum(counts.values()) == sum(len(find_personal_data(t)) for t in texts)
