"""Write resident_survey.xlsx, the standard resident survey, as an XLSForm.

The .xlsx beside this file is what librarians open, edit and deploy on
KoboToolbox/ODK; this script is how it was made, so a review reads text, not a
binary. ``tests/test_instrument.py`` checks that the two agree.

Run: ``python surveys/instruments/build_resident_survey.py``
"""

from __future__ import annotations

import sys
from pathlib import Path

from openpyxl import Workbook

from diagnosis.reproducible import xlsx_bytes

PL, EN = "label::Polski (pl)", "label::English (en)"
HPL, HEN = "hint::Polski (pl)", "hint::English (en)"
CPL, CEN = "constraint_message::Polski (pl)", "constraint_message::English (en)"

SURVEY_COLUMNS = [
    "type", "name", PL, EN, HPL, HEN, "required", "relevant", "constraint", CPL, CEN,
    "appearance", "construct", "reverse", "role", "theme", "margin", "aspect",
]  # fmt: skip
CHOICE_COLUMNS = ["list_name", "name", PL, EN, "missing", "margin"]

SERVICES = [
    ("transport", "Komunikacja publiczna", "Public transport"),
    ("culture", "Oferta kulturalna", "Culture offer"),
    ("seniors", "Oferta dla seniorów", "Offer for seniors"),
    ("youth", "Oferta dla młodzieży", "Offer for youth"),
    ("digital", "Dostęp do internetu i wsparcie w umiejętnościach cyfrowych",
     "Internet access and digital skills support"),
    ("green", "Tereny zielone", "Green spaces"),
    ("safety", "Bezpieczeństwo", "Safety"),
    ("health", "Dostęp do opieki zdrowotnej", "Access to health care"),
    ("information", "Informacja o lokalnych wydarzeniach", "Information about local events"),
    ("meeting", "Miejsca spotkań", "Places to meet"),
]  # fmt: skip

NEEDS_EXTRA = [
    ("jobs", "Miejsca pracy", "Jobs"),
    ("roads", "Drogi i chodniki", "Roads and pavements"),
    ("childcare", "Opieka nad dziećmi", "Childcare"),
    ("housing", "Mieszkania", "Housing"),
]

COHESION = [
    ("coh_belong", "Czuję, że należę do swojej okolicy.", "I feel I belong to my neighbourhood.", ""),
    ("coh_together", "Ludzie w mojej okolicy są gotowi sobie pomagać.",
     "People around here are willing to help their neighbours.", ""),
    ("coh_get_on", "Ludzie w mojej okolicy dobrze się ze sobą dogadują.",
     "People in this neighbourhood get on well together.", ""),
    ("coh_trust", "Sąsiadom w mojej okolicy można ufać.", "People in this neighbourhood can be trusted.", ""),
    ("coh_self", "W mojej okolicy każdy dba tylko o siebie.",
     "In this neighbourhood everyone looks out only for themselves.", "yes"),
]  # fmt: skip

PARTICIPATION = [
    ("part_volunteer", "Pracował(a) Pan/Pani społecznie (wolontariat)?", "Did you do voluntary work?"),
    ("part_consultation", "Wziął/Wzięła Pan/Pani udział w konsultacjach społecznych?",
     "Did you take part in a public consultation?"),
    ("part_petition", "Podpisał(a) Pan/Pani petycję w sprawie lokalnej?", "Did you sign a petition on a local matter?"),
    ("part_event", "Pomagał(a) Pan/Pani zorganizować lokalne wydarzenie?", "Did you help to organise a local event?"),
]  # fmt: skip

SKILLS = [
    ("email", "wysyłanie poczty elektronicznej", "sending e-mail"),
    ("search", "wyszukiwanie informacji", "searching for information"),
    ("banking", "bankowość internetowa", "online banking"),
    (
        "eoffice",
        "załatwianie spraw urzędowych przez internet",
        "dealing with public offices online",
    ),
    ("videocall", "rozmowy wideo", "video calls"),
    ("documents", "pisanie dokumentów w edytorze tekstu", "writing documents in a word processor"),
]


def survey_rows() -> list[dict[str, str]]:
    """Rows of the survey sheet, top to bottom."""
    rows: list[dict[str, str]] = []

    def q(type_, name, pl="", en="", **extra):
        row = {"type": type_, "name": name, PL: pl, EN: en}
        row.update({k: v for k, v in extra.items() if v})
        rows.append(row)

    q("start", "start", role="started_at")
    q("end", "end", role="ended_at")
    q("begin group", "metryczka", "Metryczka", "About you", appearance="field-list")
    q("select_one sex", "sex", "Płeć", "Sex", required="yes", role="weighting", theme="profile",
      margin="sex")  # fmt: skip
    q(
        "select_one age_band",
        "age_band",
        "Wiek",
        "Age",
        required="yes",
        role="weighting",
        theme="profile",
        margin="age_band",
    )
    q(
        "select_one education",
        "education",
        "Wykształcenie",
        "Education",
        role="covariate",
        theme="profile",
    )
    q("select_one employment", "employment", "Sytuacja zawodowa", "Employment status", role="covariate",
      theme="profile")  # fmt: skip
    q("select_one district", "district", "W której części miejscowości Pan/Pani mieszka?",
      "Which part of town do you live in?", role="domain", theme="profile")  # fmt: skip
    q("select_one years", "years_in_town", "Od ilu lat mieszka Pan/Pani w tej miejscowości?",
      "How many years have you lived in this town?", theme="profile")  # fmt: skip
    q("end group", "")

    q("begin group", "uslugi", "Usługi w miejscowości", "Local services")
    q("note", "imp_intro", "Jak ważne są dla Pana/Pani następujące sprawy w miejscowości?",
      "How important are the following for you in this town?")  # fmt: skip
    for code, pl, en in SERVICES:
        q("select_one importance", f"imp_{code}", pl, en, construct="importance", theme="services",
          aspect=code)  # fmt: skip
    q("note", "sat_intro", "Jak bardzo jest Pan/Pani zadowolony(a) z tych spraw w miejscowości?",
      "How satisfied are you with these in this town?")  # fmt: skip
    for code, pl, en in SERVICES:
        q(
            "select_one satisfaction",
            f"sat_{code}",
            pl,
            en,
            construct="satisfaction",
            theme="services",
            aspect=code,
        )
    q("end group", "")

    q("select_multiple needs", "needs",
      "Co jest najbardziej potrzebne w miejscowości? Proszę wybrać maksymalnie 3 odpowiedzi.",
      "What does the town need most? Choose up to 3.",
      constraint="count-selected(.) <= 3",
      **{CPL: "Można wybrać najwyżej 3 odpowiedzi.", CEN: "Choose at most 3 answers."},
      construct="needs", role="needs", theme="needs")  # fmt: skip

    q("begin group", "zaufanie", "Zaufanie i sąsiedztwo", "Trust and neighbourhood")
    q("integer", "trust",
      "Czy uważa Pan/Pani, że większości ludzi można ufać, czy że w kontaktach z ludźmi "
      "nigdy nie jest się dość ostrożnym?",
      "Would you say that most people can be trusted, or that you can't be too careful "
      "in dealing with people?",
      **{HPL: "0 = nigdy nie jest się dość ostrożnym, 10 = większości ludzi można ufać",
         HEN: "0 = you can't be too careful, 10 = most people can be trusted"},
      constraint=". >= 0 and . <= 10",
      **{CPL: "Proszę podać liczbę od 0 do 10.", CEN: "Enter a number from 0 to 10."},
      construct="trust", theme="trust")  # fmt: skip
    q("note", "coh_intro", "Na ile zgadza się Pan/Pani z poniższymi zdaniami o swojej okolicy?",
      "How much do you agree with the following about your neighbourhood?")  # fmt: skip
    for name, pl, en, rev in COHESION:
        q("select_one agree", name, pl, en, construct="cohesion", reverse=rev, theme="trust")
    q("select_one influence", "influence",
      "Czy ludzie tacy jak Pan/Pani mają wpływ na sprawy miejscowości?",
      "Do people like you have influence on matters of your town?",
      construct="influence", theme="trust")  # fmt: skip
    q("end group", "")

    q("begin group", "aktywnosc", "W ciągu ostatnich 12 miesięcy...", "In the last 12 months...")
    for name, pl, en in PARTICIPATION:
        q("select_one yes_no", name, pl, en, construct="participation", theme="participation")
    q("end group", "")

    q("begin group", "biblioteka", "Biblioteka, czytanie, internet", "Library, reading, internet")
    q("select_one yes_no", "library_visit",
      "Czy w ciągu ostatnich 12 miesięcy odwiedził(a) Pan/Pani bibliotekę?",
      "Have you visited a library in the last 12 months?", theme="library")  # fmt: skip
    q("select_one frequency", "library_frequency", "Jak często korzysta Pan/Pani z biblioteki?",
      "How often do you use the library?", relevant="${library_visit} = '1'", theme="library")  # fmt: skip
    q("select_one books", "books_read",
      "Ile książek przeczytał(a) Pan/Pani w ciągu ostatnich 12 miesięcy?",
      "How many books have you read in the last 12 months?", theme="library")  # fmt: skip
    q("select_one yes_no", "internet_use",
      "Czy w ciągu ostatnich 3 miesięcy korzystał(a) Pan/Pani z internetu?",
      "Have you used the internet in the last 3 months?", theme="digital")  # fmt: skip
    q("select_multiple skills", "skills",
      "Które z tych czynności wykonywał(a) Pan/Pani przez internet?",
      "Which of these have you done online?", relevant="${internet_use} = '1'",
      construct="digital_skills", theme="digital")  # fmt: skip
    q("end group", "")

    q("integer", "life_in_town",
      "Jak ogólnie ocenia Pan/Pani życie w swojej miejscowości?",
      "Overall, how would you rate life in your town?",
      **{HPL: "0 = bardzo źle, 10 = bardzo dobrze", HEN: "0 = very bad, 10 = very good"},
      constraint=". >= 0 and . <= 10",
      **{CPL: "Proszę podać liczbę od 0 do 10.", CEN: "Enter a number from 0 to 10."},
      construct="life_satisfaction", theme="wellbeing")  # fmt: skip
    q("text", "problem", "Jaki jest największy problem Pana/Pani miejscowości?",
      "What is the biggest problem of your town?", role="open_text", theme="ideas",
      appearance="multiline")  # fmt: skip
    q("text", "idea", "Proszę podać jeden pomysł, co można zmienić w miejscowości.",
      "Please give one idea for what could change in the town.", role="open_text",
      theme="ideas", appearance="multiline")  # fmt: skip
    return rows


def choice_rows() -> list[dict[str, str]]:
    """Rows of the choices sheet."""
    rows: list[dict[str, str]] = []

    def c(list_name, name, pl, en, missing=""):
        row = {"list_name": list_name, "name": name, PL: pl, EN: en}
        if missing:
            row["missing"] = missing
        if list_name in ("sex", "age_band"):  # the population margins' codes
            row["margin"] = name
        rows.append(row)

    c("sex", "female", "Kobieta", "Female")
    c("sex", "male", "Mężczyzna", "Male")
    for code, text in [("18_29", "18-29"), ("30_44", "30-44"), ("45_59", "45-59")]:
        c("age_band", code, f"{text} lat", f"{text} years")
    c("age_band", "60_plus", "60 lat i więcej", "60 years or more")
    c("education", "primary", "Podstawowe lub gimnazjalne", "Primary or lower secondary")
    c("education", "vocational", "Zasadnicze zawodowe", "Basic vocational")
    c("education", "secondary", "Średnie", "Secondary")
    c("education", "higher", "Wyższe", "Higher")
    for code, pl, en in [
        ("employed", "Pracuję na etacie", "Employee"),
        ("self_employed", "Prowadzę własną działalność", "Self-employed"),
        ("unemployed", "Jestem bezrobotny(a)", "Unemployed"),
        ("retired", "Jestem na emeryturze lub rencie", "Retired or on a pension"),
        ("student", "Uczę się lub studiuję", "In education"),
        ("home", "Zajmuję się domem", "Looking after the home"),
        ("other", "Inna sytuacja", "Other"),
    ]:
        c("employment", code, pl, en)
    for code, pl, en in [
        ("centrum", "Centrum", "Town centre"),
        ("osiedle_a", "Osiedle A", "Estate A"),
        ("osiedle_b", "Osiedle B", "Estate B"),
        ("osiedle_c", "Osiedle C", "Estate C"),
        ("obrzeza", "Obrzeża i okoliczne wsie", "Outskirts and nearby villages"),
    ]:
        c("district", code, pl, en)
    for code, pl, en in [
        ("lt5", "Krócej niż 5 lat", "Less than 5 years"),
        ("5_14", "5-14 lat", "5-14 years"),
        ("15_plus", "15 lat lub dłużej", "15 years or more"),
        ("always", "Od urodzenia", "Since birth"),
    ]:
        c("years", code, pl, en)
    for code, pl, en in [
        ("1", "Zupełnie nieważne", "Not at all important"),
        ("2", "Raczej nieważne", "Not very important"),
        ("3", "Raczej ważne", "Fairly important"),
        ("4", "Bardzo ważne", "Very important"),
    ]:
        c("importance", code, pl, en)
    c("importance", "99", "Trudno powiedzieć", "Hard to say", "yes")
    for code, pl, en in [
        ("1", "Bardzo niezadowolony(a)", "Very dissatisfied"),
        ("2", "Raczej niezadowolony(a)", "Fairly dissatisfied"),
        ("3", "Ani zadowolony(a), ani niezadowolony(a)", "Neither satisfied nor dissatisfied"),
        ("4", "Raczej zadowolony(a)", "Fairly satisfied"),
        ("5", "Bardzo zadowolony(a)", "Very satisfied"),
    ]:
        c("satisfaction", code, pl, en)
    c("satisfaction", "99", "Trudno powiedzieć", "Hard to say", "yes")
    for code, pl, en in SERVICES + NEEDS_EXTRA:
        c("needs", code, pl, en)
    for code, pl, en in [
        ("1", "Zdecydowanie się nie zgadzam", "Strongly disagree"),
        ("2", "Raczej się nie zgadzam", "Tend to disagree"),
        ("3", "Raczej się zgadzam", "Tend to agree"),
        ("4", "Zdecydowanie się zgadzam", "Strongly agree"),
    ]:
        c("agree", code, pl, en)
    c("agree", "99", "Trudno powiedzieć", "Hard to say", "yes")
    for code, pl, en in [
        ("1", "Zdecydowanie nie", "Definitely not"),
        ("2", "Raczej nie", "Probably not"),
        ("3", "Raczej tak", "Probably yes"),
        ("4", "Zdecydowanie tak", "Definitely yes"),
    ]:
        c("influence", code, pl, en)
    c("influence", "99", "Trudno powiedzieć", "Hard to say", "yes")
    c("yes_no", "1", "Tak", "Yes")
    c("yes_no", "0", "Nie", "No")
    for code, pl, en in [
        ("weekly", "Co najmniej raz w tygodniu", "At least weekly"),
        ("monthly", "Co najmniej raz w miesiącu", "At least monthly"),
        ("rarely", "Rzadziej", "Less often"),
    ]:
        c("frequency", code, pl, en)
    for code, pl, en in [
        ("0", "Żadnej", "None"),
        ("1_2", "1-2", "1-2"),
        ("3_6", "3-6", "3-6"),
        ("7_plus", "7 lub więcej", "7 or more"),
    ]:
        c("books", code, pl, en)
    for code, pl, en in SKILLS:
        c("skills", code, pl, en)
    return rows


SETTINGS = {
    "form_title": "Diagnoza potrzeb mieszkańców",
    "form_id": "diagnoza_mieszkancow",
    "version": "2026.1",
    "default_language": "Polski (pl)",
}


def build_workbook() -> bytes:
    """Return the XLSForm as .xlsx bytes, identical on every run."""
    wb = Workbook()
    ws = wb.active
    ws.title = "survey"
    ws.append(SURVEY_COLUMNS)
    for row in survey_rows():
        ws.append([row.get(col, "") or None for col in SURVEY_COLUMNS])
    ws2 = wb.create_sheet("choices")
    ws2.append(CHOICE_COLUMNS)
    for row in choice_rows():
        ws2.append([row.get(col, "") or None for col in CHOICE_COLUMNS])
    ws3 = wb.create_sheet("settings")
    ws3.append(list(SETTINGS))
    ws3.append(list(SETTINGS.values()))
    for sheet in (ws, ws2):
        sheet.freeze_panes = "A2"
    return xlsx_bytes(wb)


if __name__ == "__main__":
    target = (
        Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("resident_survey.xlsx")
    )
    target.write_bytes(build_workbook())
    print(f"wrote {target}")
