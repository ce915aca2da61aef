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
    NAMES_FOLDER,
    PLACEHOLDERS,
    PersonalData,
    find_personal_data,
    is_confidently_clean,
    is_valid_id_card,
    redact_nested,
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


# ------------------------------------------------------------ forms that reached the PDF (#11)


@pytest.mark.parametrize(
    "value",
    [
        "440514 01359",
        "44-05-14-01359",
        "4 4 0 5 1 4 0 1 3 5 9",
        "440514-01359",
        "44.05.14.01359",
        "44 05 14 01359",
        "440 514 013 59",
    ],
)
def test_pesel_with_spaces_dots_or_dashes(value):
    text = f"Mój PESEL: {value}, proszę sprawdzić."
    assert kinds(text) == ["pesel"], text
    assert redact_text(text) == "Mój PESEL: [PESEL], proszę sprawdzić."


def test_spaced_pesel_with_a_wrong_check_digit_is_hidden_as_a_number():
    # 44051401358 fails the check (DOMAIN.md) but its first six digits are a real
    # birth date laid out the PESEL way: most likely a mistyped PESEL
    assert redact_text("PESEL 440514 01358") == "PESEL [numer]"
    assert redact_text("PESEL 44-05-14-01358", "en") == "PESEL [number]"


def test_a_phone_followed_by_a_small_number_is_not_taken_for_a_spaced_pesel():
    assert redact_text("tel. 600 123 456 12 razy") == "tel. [telefon] 12 razy"


@pytest.mark.parametrize(
    "email",
    [
        "jan.kowalski [at] wp.pl",
        "jan.kowalski (at) wp.pl",
        "jan(małpa)onet.pl",
        "jan [małpa] onet.pl",
        "jan(malpa)onet.pl",
        "anna . nowak @ gmail . com",
        "anna.nowak @ gmail.com",
        "anna.nowak małpa gmail kropka com",
        "anna.nowak MAŁPA gmail KROPKA com",
        "anna kropka nowak małpa gmail kropka com",
        "jan.kowalski at wp.pl",
        "jan.kowalski at wp kropka pl",
        "jan.kowalski[at]wp[dot]pl",
    ],
)
def test_emails_written_out(email):
    text = f"napiszcie: {email}, odpiszę."
    assert kinds(text) == ["email"], text
    assert redact_text(text) == "napiszcie: [e-mail], odpiszę."


@pytest.mark.parametrize(
    "text",
    [
        "Meet me at home, please.",
        "Przyjdę at 5 pm.",
        "Małpa w zoo jest smutna.",
        "Kropka nad i: brak chodników.",
        "Nauka angielskiego: look at this.",
        "Zajęcia w sali nr 3 . Potem kawa.",
    ],
)
def test_at_malpa_and_kropka_without_a_domain_are_left_alone(text):
    assert find_personal_data(text) == []


@pytest.mark.parametrize(
    "phone",
    [
        "600.100.200",
        "+48.600.100.200",
        "0048.600.100.200",
        "600.10.02.00",
        "58.123.45.67",
        "(0-58) 123 45 67",
        "(058) 123 45 67",
        "(0 58) 123-45-67",
        "058 123 45 67",
        "0-58 123 45 67",
        "+48 (58) 123 45 67",
        "+48-600-100-200",
    ],
)
def test_phone_with_dots_and_other_separators(phone):
    text = f"Proszę dzwonić: {phone}, najlepiej rano."
    assert kinds(text) == ["phone"], text
    assert redact_text(text) == "Proszę dzwonić: [telefon], najlepiej rano."


@pytest.mark.parametrize(
    "iban",
    [
        "PL61-1090-1014-0000-0712-1981-2874",
        "61-1090-1014-0000-0712-1981-2874",
        "PL 61 1090 1014 0000 0712 1981 2874",
        "PL61 1090-1014-0000-0712-1981-2874",
        "pl61 1090 1014 0000 0712 1981 2874",
    ],
)
def test_iban_with_dashes_or_spaces(iban):
    text = f"wpłaty na konto {iban}."
    assert kinds(text) == ["iban"], text
    assert redact_text(text) == "wpłaty na konto [IBAN]."


def test_iban_with_dashes_and_a_wrong_check_is_hidden_as_a_number():
    assert kinds("konto PL62-1090-1014-0000-0712-1981-2874") == ["number"]


@pytest.mark.parametrize("code", ["ABA300000", "ABA-300000", "ABA 300 000", "aba-300000"])
def test_id_card_numbers_without_the_word_dowod(code):
    text = f"Mój numer: {code}, ważny do 2030."
    assert kinds(text) == ["id_card"], text
    assert redact_text(text) == "Mój numer: [dowód osobisty], ważny do 2030."


def test_id_card_like_codes_with_a_wrong_check_digit_stay_without_dowod():
    for text in ("Kod ABC-123456 nie działa", "Bilet ABA 300 001 zgubiony"):
        assert find_personal_data(text) == [], text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mieszkam na Kwiatowej 3/5 od roku.", "Mieszkam na [adres] od roku."),
        ("Dziura przy Lipowej 12, proszę naprawić.", "Dziura przy [adres], proszę naprawić."),
        ("mieszkam Polna 4 m. 2, zapraszam", "mieszkam [adres], zapraszam"),
        ("Idę z Polnej 4 do szkoły.", "Idę z [adres] do szkoły."),
        ("Śmieci pod Ogrodową 7a leżą od tygodnia.", "Śmieci pod [adres] leżą od tygodnia."),
        ("Na Wojska Polskiego 70 brakuje ławek.", "Na [adres] brakuje ławek."),
        ("Jestem z Kwiatowej 3 lok. 4.", "Jestem z [adres]."),
        ("Przy 3 Maja 55/4 stoi wrak.", "Przy [adres] stoi wrak."),
        ("ulica Kwiatowa 5 jest zakorkowana", "[adres] jest zakorkowana"),
        ("plac Wolności 1 to centrum", "[adres] to centrum"),
    ],
)
def test_addresses_without_ul_after_a_preposition(text, expected):
    assert kinds(text) == ["address"], text
    assert redact_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Od Stycznia 2024 nic się nie zmieniło.",
        "Na Euro 2024 zabrakło strefy kibica.",
        "Z Kwidzyna 5 osób pojechało na turniej.",
        "Otwarte do Soboty 18:00.",
        "Dojazd do Gdańska 40 minut.",
        "Przy Szkole Podstawowej 2 brakuje przejścia.",
        "Na Linii 5 autobusy się spóźniają.",
        "Ławki przy Lipowej są połamane.",
        "Od Maja 3 razy zgłaszałam awarię.",
        "Przy Rynku 5 sklepów się zamknęło.",
    ],
)
def test_a_capitalised_word_and_a_number_after_a_preposition_is_not_always_an_address(text):
    assert find_personal_data(text) == [], text


NAMED = [
    ("Anna Nowak z biblioteki bardzo pomaga.", "[imię i nazwisko] z biblioteki bardzo pomaga."),
    ("Rozmawiałam z Anną Nowak o kursie.", "Rozmawiałam z [imię i nazwisko] o kursie."),
    (
        "Proszę przekazać Annie Nowak podziękowania.",
        "Proszę przekazać [imię i nazwisko] podziękowania.",
    ),
    ("To pomysł Anny Nowak i sąsiadów.", "To pomysł [imię i nazwisko] i sąsiadów."),
    ("Jan Kowalski zbiera podpisy.", "[imię i nazwisko] zbiera podpisy."),
    ("Dzwońcie do Jana Kowalskiego.", "Dzwońcie do [imię i nazwisko]."),
    ("Z Janem Kowalskim i Piotrem Wiśniewskim.", "Z [imię i nazwisko] i [imię i nazwisko]."),
    ("Spotkanie z Markiem Nowakiem.", "Spotkanie z [imię i nazwisko]."),
    ("Pani Małgorzata Kowalska-Nowak prowadzi koło.", "Pani [imię i nazwisko] prowadzi koło."),
    ("Podpisano: Kowalska Anna", "Podpisano: [imię i nazwisko]"),
    ("ANNA NOWAK, KWIDZYN", "[imię i nazwisko], KWIDZYN"),
    ("Zgłasza Anna Maria Nowak.", "Zgłasza [imię i nazwisko]."),
    ("Krzysztof Brzęczyszczykiewicz z sołectwa.", "[imię i nazwisko] z sołectwa."),
    ("O Elżbiecie Mazur wszyscy mówią dobrze.", "O [imię i nazwisko] wszyscy mówią dobrze."),
    ("Podziękowania dla Agnieszki Wójcik.", "Podziękowania dla [imię i nazwisko]."),
    ("Bez diakrytyków: Jozef Wisniewski.", "Bez diakrytyków: [imię i nazwisko]."),
]


@pytest.mark.parametrize(("text", "expected"), NAMED)
def test_first_name_and_surname(text, expected):
    assert set(kinds(text)) == {"name"}, text
    assert redact_text(text) == expected
    assert "[name]" in redact_text(text, "en")


def test_a_listed_surname_after_pan_or_pani_or_a_title():
    assert redact_text("Pani Kowalska z biblioteki") == "Pani [imię i nazwisko] z biblioteki"
    assert redact_text("pan Nowak pomógł", "en") == "pan [name] pomógł"
    assert redact_text("Pani dyrektor Nowak nie odpisuje") == (
        "Pani dyrektor [imię i nazwisko] nie odpisuje"
    )
    for title in ("burmistrz", "sołtys", "ks.", "radna", "dr"):
        assert redact_text(f"{title} Mazur obiecał") == f"{title} [imię i nazwisko] obiecał"
    # a first name after "pani" is found with the surname after it; alone it is no name
    assert redact_text("pani Anna Nowak pomogła") == "pani [imię i nazwisko] pomogła"
    assert redact_text("Pani Anna pomogła") == "Pani Anna pomogła"


NOT_NAMES = [
    "Brakuje miejsc dla młodzieży.",
    "Park przy Kościele jest zaniedbany.",
    "Wiosna w Parku Miejskim to najlepszy czas.",
    "Szkoła Podstawowa im. Jana Pawła II potrzebuje remontu.",
    "Biblioteka im. Marii Konopnickiej jest za mała.",
    "Jan Paweł II odwiedził kiedyś nasze miasto.",
    "Dzień Dziecka w Parku Miejskim był udany.",
    "Stare Miasto i Nowe Miasto są zaniedbane.",
    "Dom Kultury, Gminny Ośrodek Kultury i Urząd Miasta.",
    "Ochotnicza Straż Pożarna działa dobrze.",
    "Wielka Orkiestra Świątecznej Pomocy gra co roku.",
    "Boże Narodzenie na Rynku było piękne.",
    "Zielona Góra i Jelenia Góra mają lepsze drogi.",
    "Na ul. Jana Kowalskiego brakuje latarni.",
    "Rada Miejska nie słucha mieszkańców.",
    "Inna Szkoła nie jest potrzebna.",
    "Pola Nadziei przy hospicjum.",
    "Kościół Mariacki i Galeria Bałtycka.",
    "Ala ma kota.",
    "Kazimierz Dolny ma więcej turystów.",
    "Dyrektor Szkoły nie odpowiada.",
    "Wójt Gminy Kwidzyn obiecał drogę.",
    "Pan Marek z MOPS-u pomógł.",
    "Miło by było mieć basen, Życie w mieście jest drogie.",
]


@pytest.mark.parametrize("text", NOT_NAMES)
def test_ordinary_capitalised_phrases_are_not_names(text):
    assert find_personal_data(text) == [], text
    for variant in (text, demo_texts.strip_polish(text)):
        assert redact_text(variant) == variant


def test_names_source_is_shipped_and_documented():
    readme = (NAMES_FOLDER / "README.md").read_text(encoding="utf-8")
    assert "@zxcvbn-ts/language-pl" in readme and "3.0.2" in readme and "MIT" in readme
    assert "PESEL" in readme
    for stem in ("first_names_female", "first_names_male", "surnames_female", "surnames_male"):
        names = (NAMES_FOLDER / f"{stem}.txt").read_text(encoding="utf-8").split()
        assert len(names) > 800 and names == [n.lower() for n in names], stem
    female = (NAMES_FOLDER / "first_names_female.txt").read_text(encoding="utf-8").split()
    assert female[:3] == ["anna", "katarzyna", "maria"]  # the most frequent, first


def test_redact_series_counts_the_new_forms():
    s = pd.Series(
        ["Anna Nowak, tel. 600.100.200", "jan(małpa)onet.pl", "PESEL 440514 01359", "ok"],
        dtype="string",
    )
    out, counts = redact_series(s)
    assert out.tolist() == ["[imię i nazwisko], tel. [telefon]", "[e-mail]", "PESEL [PESEL]", "ok"]
    assert counts == {"name": 1, "phone": 1, "email": 1, "pesel": 1}


def test_redact_series_matches_redact_text_on_the_new_forms():
    texts = [t for t, _ in NAMED] + NOT_NAMES + ["jan(małpa)onet.pl", "na Kwiatowej 3/5"]
    out, counts = redact_series(pd.Series(texts, dtype=object))
    assert out.tolist() == [redact_text(t) for t in texts]
    assert counts["name"] == sum(kinds(t).count("name") for t in texts) >= len(NAMED)


def test_redact_nested_redacts_every_string_value_of_a_yaml_like_structure():
    config = {
        "name": "Kwidzyn",
        "recruitment": "Ogłoszenia u Anny Nowak, tel. 600 100 200",
        "assets": [{"name": "Klub Seniora", "contact": "jan(małpa)onet.pl"}, 12, None],
        "population": 38000,
    }
    out, counts = redact_nested(config)
    assert out == {
        "name": "Kwidzyn",
        "recruitment": "Ogłoszenia u [imię i nazwisko], tel. [telefon]",
        "assets": [{"name": "Klub Seniora", "contact": "[e-mail]"}, 12, None],
        "population": 38000,
    }
    assert counts == {"name": 1, "phone": 1, "email": 1}
    assert config["recruitment"].startswith("Ogłoszenia u Anny")  # input untouched


# ------------------------------------------------------------------ confidence


CLEAN = [
    *ORDINARY[:3],
    "Brakuje miejsc dla młodzieży.",
    "Park przy Kościele jest zaniedbany.",
    "Wiosna w Parku Miejskim to najlepszy czas.",
    "Więcej zajęć dla seniorów w bibliotece, najlepiej rano.",
    "Spotkanie 12.03.2024 o 18:00.",
    "W latach 2020-2024 nic się nie zmieniło.",
    "Mam 3 dzieci i 2 psy.",
    "Z osiedla Kopernika do centrum po 18 nie jedzie już żaden autobus.",
    "Taki plan na 5 lat, placówka 2 razy w tygodniu.",
    "Miło by było mieć basen.",
]


@pytest.mark.parametrize("text", CLEAN)
def test_ordinary_answers_are_confidently_clean(text):
    assert is_confidently_clean(text)


@pytest.mark.parametrize(
    "text",
    [
        "Dzwońcie 600 12",  # part of a phone number
        "mój numer 4405140",  # a long digit run
        "pisz: anna.nowak@",  # an '@'
        "pisz: anna małpa gmail",  # 'małpa'
        "jan kropka kowalski gmail",  # a spelled-out dot and a mail domain
        "Anna K. z biblioteki pomaga",  # a first name and an initial
        "Pani Ania Nowak",  # a capitalised name pair
        "Zapytajcie Krystynę z parteru",  # a listed first name, even alone
        "mieszkam przy Kwiatowej 3",  # a number after a street-like word
        "ul. Polna 12",
        "Adres: 82-500 Kwidzyn",  # a postcode
        "Kod ABC123456",  # an ID-card-like code, even with a wrong check digit
        "Proszę dzwonić: [telefon]",  # redacted already: it had personal data
    ],
)
def test_answers_that_look_partly_personal_are_not_confidently_clean(text):
    assert not is_confidently_clean(text)


def test_every_demo_answer_and_workshop_idea_is_confidently_clean():
    # the demo's sentence pools hold no personal data: quotes can come from any of them
    pools = [*demo_texts.PROBLEMS.values(), *demo_texts.IDEAS.values()]
    pools += [*demo_texts.WORKSHOP_IDEAS.values(), demo_texts.GENERIC_PROBLEMS]
    pools += [demo_texts.GENERIC_IDEAS, tuple(demo_texts.RECRUITMENT.values())]
    sentences = [s.format(loc="Kwidzynie", est="Kopernika") for pool in pools for s in pool]
    assert len(sentences) > 150
    assert [s for s in sentences if not is_confidently_clean(s)] == []


def test_confidence_agrees_with_redaction():
    texts = [s for s, _ in NAMED] + [item.sentence for item in planted_personal_items("kwidzyn")]
    for text in texts:
        assert find_personal_data(text)
        assert not is_confidently_clean(text)
        assert not is_confidently_clean(redact_text(text))
