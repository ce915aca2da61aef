"""Polish text for the demo: open answers, workshop ideas, assets, district names.

Answers are drawn from pools written per need, then varied the way people type:
two thoughts run together, a lower-case start, no full stop, no Polish letters
("brak pracy dla mlodych"), the town or an estate named in the right case.

Examples
--------
>>> import numpy as np
>>> rng = np.random.default_rng(1)
>>> text = problem_text(rng, ("transport",), "Kwidzynie", "Kopernika")
>>> isinstance(text, str)
True
>>> strip_polish("Łódź, żółć")
'Lodz, zolc'
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "ASSET_KINDS",
    "assets_rows",
    "district_names",
    "idea_text",
    "problem_text",
    "recruitment_text",
    "strip_polish",
    "workshop_rows",
]

_FOLD = str.maketrans("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ", "acelnoszzACELNOSZZ")


def strip_polish(text: str) -> str:
    """``text`` with Polish letters folded to ASCII, as typed on a phone without them."""
    return text.translate(_FOLD)


# {loc}: the town after "w" (locative), {est}: an estate's patron ("na osiedlu {est}")
PROBLEMS: dict[str, tuple[str, ...]] = {
    "transport": (
        "Za mało autobusów, zwłaszcza wieczorem i w weekendy.",
        "Brak połączeń z okolicznymi wsiami, bez samochodu ani rusz.",
        "Autobusy jeżdżą rzadko i nie trzymają się rozkładu.",
        "Nie da się dojechać do szpitala komunikacją miejską.",
        "Z osiedla {est} do centrum po 18 nie jedzie już żaden autobus.",
        "Zlikwidowano kursy PKS i starsi ludzie zostali uziemieni.",
        "Dworzec jest zaniedbany, a pociągów do większych miast coraz mniej.",
    ),
    "culture": (
        "Nuda, nic się nie dzieje, szczególnie zimą.",
        "Brak kina i teatru, po kulturę trzeba jeździć do większego miasta.",
        "Dom kultury ma ofertę właściwie tylko dla dzieci.",
        "Mało koncertów i wydarzeń plenerowych w {loc}.",
        "Wydarzenia są drogie i organizowane w godzinach, kiedy ludzie pracują.",
    ),
    "seniors": (
        "Samotność starszych osób, nie mają dokąd wyjść.",
        "Brak dziennego domu pobytu dla seniorów.",
        "Seniorzy nie radzą sobie z załatwianiem spraw przez internet.",
        "Klub seniora jest przepełniony, a zajęć dla emerytów jest za mało.",
        "Starsi ludzie z osiedla {est} nie wychodzą z domu, bo nie ma windy i ławek.",
    ),
    "youth": (
        "Młodzież nie ma co robić po szkole, siedzi w telefonach albo pod sklepem.",
        "Młodzi wyjeżdżają na studia i już nie wracają.",
        "Brak miejsca, gdzie nastolatki mogą posiedzieć bez wydawania pieniędzy.",
        "Dla młodzieży w {loc} nie ma żadnej oferty poza szkołą.",
    ),
    "digital": (
        "Słaby internet na obrzeżach, nie da się pracować zdalnie.",
        "Starsi ludzie są wykluczeni cyfrowo, nikt nie pomoże im z e-receptą.",
        "Brak darmowego Wi-Fi w centrum i w bibliotece działa tylko jeden komputer.",
        "Wszystko trzeba załatwiać przez internet, a nie każdy to umie.",
    ),
    "green": (
        "Wycinają drzewa, a nowych nie sadzą.",
        "Park jest zaniedbany, ławki połamane, kosze przepełnione.",
        "Za mało zieleni na osiedlu {est}, same parkingi.",
        "Smog zimą, nie da się oddychać.",
        "Rzeka i jej brzegi są zaśmiecone.",
    ),
    "safety": (
        "Wieczorem strach wyjść, pijani ludzie pod sklepami.",
        "Samochody pędzą przez osiedle, brak progów zwalniających.",
        "Za mało patroli policji i straży miejskiej.",
        "Ciemne ulice na osiedlu {est}, latarnie nie działają od miesięcy.",
        "Wandalizm na przystankach i placach zabaw.",
    ),
    "health": (
        "Kolejki do lekarzy specjalistów trwają miesiącami.",
        "Brak pediatry, z dzieckiem trzeba jeździć do innego miasta.",
        "Nie można się dodzwonić do przychodni.",
        "Szpital powiatowy zamyka kolejne oddziały.",
        "Nocna pomoc lekarska jest daleko, a karetka jedzie długo.",
    ),
    "information": (
        "Nie wiadomo, co się dzieje w mieście, informacje docierają za późno.",
        "Urząd informuje tylko na Facebooku, a nie wszyscy go mają.",
        "Brak lokalnej gazety i tablic ogłoszeń.",
        "O konsultacjach dowiaduję się, kiedy już się skończyły.",
    ),
    "meeting": (
        "Nie ma gdzie się spotkać, zostaje tylko market i kościół.",
        "Brak kawiarni i miejsc spotkań dla rodzin z dziećmi.",
        "Świetlica na osiedlu {est} jest zamknięta od lat.",
        "Ludzie się nie znają, każdy siedzi w swoim mieszkaniu.",
    ),
    "jobs": (
        "Brak pracy dla młodych, wszyscy wyjeżdżają za granicę albo do większych miast.",
        "Niskie zarobki, praca jest właściwie tylko w marketach.",
        "Zamknięto zakład i wielu ludzi straciło pracę.",
        "Bezrobocie i brak perspektyw w {loc}.",
    ),
    "roads": (
        "Dziury w drogach i krzywe chodniki.",
        "Brak ścieżek rowerowych, jeżdżę ulicą między ciężarówkami.",
        "Korki w centrum, brak obwodnicy.",
        "Chodnik na osiedlu {est} jest w fatalnym stanie, wózkiem nie da się przejechać.",
        "Brakuje miejsc parkingowych przy przychodni.",
    ),
    "childcare": (
        "Brak miejsc w żłobku.",
        "Przedszkola zamykają o 16, nie da się tego pogodzić z pracą.",
        "Za mało placów zabaw, a te, które są, są zniszczone.",
    ),
    "housing": (
        "Mieszkania są za drogie dla młodych rodzin.",
        "Brak mieszkań komunalnych, na przydział czeka się latami.",
        "Stare kamienice w centrum niszczeją.",
        "Czynsze rosną szybciej niż pensje.",
    ),
}

IDEAS: dict[str, tuple[str, ...]] = {
    "transport": (
        "Więcej kursów autobusów, także w niedziele.",
        "Bus na telefon dla seniorów z obrzeży.",
        "Darmowa komunikacja miejska dla uczniów i emerytów.",
        "Elektroniczne tablice z rozkładem jazdy na przystankach.",
    ),
    "culture": (
        "Kino plenerowe latem w parku.",
        "Więcej koncertów na rynku.",
        "Cykliczne spotkania autorskie w bibliotece.",
        "Festiwal lokalnych twórców i rękodzieła.",
    ),
    "seniors": (
        "Klub seniora czynny codziennie, nie tylko we wtorki.",
        "Kursy komputerowe dla seniorów w bibliotece.",
        "Wolontariusze odwiedzający samotne osoby starsze.",
        "Gimnastyka, taniec i wycieczki dla emerytów.",
    ),
    "youth": (
        "Klub młodzieżowy z salką do prób dla zespołów.",
        "Skatepark i pumptrack.",
        "Młodzieżowa rada miasta, która ma realny wpływ.",
        "Warsztaty z programowania i robotyki w bibliotece.",
    ),
    "digital": (
        "Punkt pomocy cyfrowej w bibliotece: e-recepta, profil zaufany, bankowość.",
        "Darmowe Wi-Fi na rynku i w parku.",
        "Kurs obsługi smartfona dla seniorów prowadzony przez licealistów.",
    ),
    "green": (
        "Nasadzenia drzew wzdłuż głównych ulic.",
        "Rewitalizacja parku miejskiego z nowym placem zabaw.",
        "Ogród społeczny na osiedlu {est}.",
        "Łąki kwietne zamiast koszonych trawników.",
    ),
    "safety": (
        "Monitoring i lepsze oświetlenie przy dworcu.",
        "Progi zwalniające przy szkole.",
        "Dzielnicowy, który przychodzi na spotkania z mieszkańcami.",
    ),
    "health": (
        "Więcej lekarzy specjalistów w przychodni miejskiej.",
        "Bezpłatne badania profilaktyczne na rynku.",
        "Transport do lekarza dla osób z niepełnosprawnościami.",
    ),
    "information": (
        "Tablica ogłoszeń na każdym osiedlu.",
        "Miesięcznik z kalendarzem wydarzeń, do wzięcia w bibliotece i w sklepach.",
        "Powiadomienia SMS z urzędu o ważnych sprawach.",
    ),
    "meeting": (
        "Kawiarenka obywatelska w bibliotece.",
        "Otwarta świetlica osiedlowa z grami planszowymi.",
        "Ławki i stoły na skwerze, żeby można było porozmawiać.",
        "Sąsiedzkie pikniki na osiedlu {est}.",
    ),
    "jobs": (
        "Ulgi dla firm, które zatrudnią mieszkańców.",
        "Inkubator przedsiębiorczości dla młodych.",
        "Targi pracy i doradztwo zawodowe w szkołach.",
    ),
    "roads": (
        "Remont chodników na osiedlach.",
        "Ścieżka rowerowa do sąsiedniej gminy.",
        "Obwodnica dla ciężarówek.",
    ),
    "childcare": (
        "Nowy żłobek miejski.",
        "Klub malucha przy bibliotece.",
        "Dłuższe godziny pracy przedszkoli.",
    ),
    "housing": (
        "Mieszkania na wynajem z niskim czynszem dla młodych.",
        "Remont kamienic w centrum i oddanie ich mieszkańcom.",
        "Program wsparcia dla młodych rodzin kupujących pierwsze mieszkanie.",
    ),
}

GENERIC_PROBLEMS = (
    "nie wiem",
    "brak",
    "-",
    "Ludzie są obojętni, nikt się nie angażuje.",
    "Władze nie słuchają mieszkańców.",
    "Alkohol i bezrobocie.",
    "Drożyzna.",
    "Wszystko jest w porządku.",
    "Za dużo polityki, za mało konkretów.",
    "Brak pieniędzy na cokolwiek.",
)
GENERIC_IDEAS = (
    "Więcej konsultacji z mieszkańcami.",
    "Większy budżet obywatelski.",
    "nie mam pomysłu",
    "Słuchać ludzi.",
    "Zebrania osiedlowe raz na kwartał.",
    "Żeby radni częściej rozmawiali z mieszkańcami.",
)
_PROBLEM_LEADS = ("", "", "", "Moim zdaniem ", "Przede wszystkim ", "Największy problem: ")
_IDEA_LEADS = ("", "", "", "Proponuję: ", "Może ", "Warto by zrobić tak: ")
_JOINERS = (" ", " A poza tym ", " Do tego ", " ")


def _lower_first(text: str) -> str:
    word = text.split(" ", 1)[0]
    return text[:1].lower() + text[1:] if len(word) == 1 or word[1:].islower() else text


def _vary(rng: np.random.Generator, text: str, lead: str) -> str:
    if lead:
        text = lead + _lower_first(text)
    u = rng.random()
    if u < 0.12:
        text = strip_polish(text).lower().rstrip(".")
    elif u < 0.25:
        text = _lower_first(text).rstrip(".")
    elif u < 0.28:
        text = text.upper()
    return text


def _pick(rng: np.random.Generator, pool: tuple[str, ...]) -> str:
    return pool[int(rng.integers(len(pool)))]


def problem_text(
    rng: np.random.Generator, needs: tuple[str, ...], locative: str, estate: str
) -> str:
    """A resident's answer to "the biggest problem of your town", or ``""``.

    ``needs`` are the codes the respondent chose; answers usually echo one of them.
    """
    if rng.random() < 0.27:
        return ""
    if needs and rng.random() < 0.78:
        need = needs[int(rng.integers(len(needs)))]
        text = _pick(rng, PROBLEMS[need])
        if rng.random() < 0.18:
            other = _pick(rng, PROBLEMS[_pick(rng, needs)])
            if other != text:
                joiner = _pick(rng, _JOINERS)
                text = text + joiner + (other if joiner == " " else _lower_first(other))
        lead = _pick(rng, _PROBLEM_LEADS)
    else:
        text, lead = _pick(rng, GENERIC_PROBLEMS), ""
    return _vary(rng, text.format(loc=locative, est=estate), lead)


def idea_text(rng: np.random.Generator, needs: tuple[str, ...], locative: str, estate: str) -> str:
    """A resident's one idea for the town, or ``""`` (more often empty than a problem)."""
    if rng.random() < 0.4:
        return ""
    if needs and rng.random() < 0.75:
        text = _pick(rng, IDEAS[_pick(rng, needs)])
        lead = _pick(rng, _IDEA_LEADS)
    else:
        text, lead = _pick(rng, GENERIC_IDEAS), ""
    if rng.random() < 0.1:
        text = text.rstrip(".") + f" w {locative}."
    return _vary(rng, text.format(loc=locative, est=estate), lead)


# ------------------------------------------------------------------ districts

_CENTRES = ("Śródmieście", "Stare Miasto", "Centrum", "Rynek i okolice")
# patrons in the genitive, so "na osiedlu Kopernika" needs no declension
_ESTATES = (
    "Kopernika",
    "Tysiąclecia",
    "Kościuszki",
    "Sobieskiego",
    "Chrobrego",
    "Witosa",
    "Reymonta",
    "Batorego",
    "Sienkiewicza",
    "Mickiewicza",
    "Piastów",
    "Jagiellonów",
    "Konopnickiej",
    "Asnyka",
    "Słowackiego",
    "Paderewskiego",
    "Kasprowicza",
    "Norwida",
)
_OUTSKIRTS = (
    "Obrzeża i sołectwa",
    "Obrzeża i okoliczne wsie",
    "Przedmieścia",
    "Domy jednorodzinne na obrzeżach",
)


def district_names(rng: np.random.Generator) -> dict[str, str]:
    """Display names for the district codes of the standard survey, e.g. ``osiedle_a``."""
    estates = rng.choice(len(_ESTATES), size=3, replace=False)
    names = {"centrum": _pick(rng, _CENTRES)}
    for code, i in zip(("osiedle_a", "osiedle_b", "osiedle_c"), estates, strict=True):
        names[code] = f"Osiedle {_ESTATES[int(i)]}"
    names["obrzeza"] = _pick(rng, _OUTSKIRTS)
    return names


# ------------------------------------------------------------------ recruitment

RECRUITMENT = {
    "kobo_csv": (
        "Wolontariusze z tabletami (KoboToolbox) zbierali ankiety w bibliotece, na targowisku, "
        "w przychodni i przed kościołem; link do tej samej ankiety był na stronie biblioteki."
    ),
    "google_forms_csv": (
        "Formularz Google udostępniony na stronie i profilu biblioteki na Facebooku, w grupach "
        "mieszkańców i w newsletterze urzędu; w bibliotece można było wypełnić go na miejscu."
    ),
    "spss_sav": (
        "Wywiady bezpośrednie i telefoniczne przeprowadzone na zlecenie urzędu miasta przez "
        "pracownię badawczą; dane przekazane bibliotece w pliku SPSS."
    ),
    "cp1250_csv": (
        "Ankieta w systemie ankiet urzędu miasta oraz ankiety papierowe w bibliotece i filiach, "
        "przepisane przez pracowników; eksport z systemu do pliku CSV."
    ),
    "xlsx": (
        "Ankiety papierowe rozdawane w bibliotece, domu kultury i klubie seniora, wpisywane "
        "przez bibliotekarki do arkusza Excel; część przez formularz na tablecie w bibliotece."
    ),
}


def recruitment_text(fmt: str) -> str:
    """How respondents were reached, in Polish, matching the town's file format."""
    return RECRUITMENT[fmt]


# ------------------------------------------------------------------ workshop

WORKSHOP_IDEAS: dict[str, tuple[str, ...]] = {
    "transport": (
        "Minibus dla seniorów z obrzeży w dni targowe",
        "Wspólne dojazdy: tablica ogłoszeń w bibliotece",
        "Rozkład jazdy wszystkich przewoźników w jednym miejscu",
    ),
    "culture": (
        "Kino plenerowe w parku w wakacje",
        "Lokalny festiwal rękodzieła i kuchni",
        "Dyskusyjny klub filmowy w bibliotece",
    ),
    "seniors": (
        "Klub seniora w bibliotece przez pięć dni w tygodniu",
        "Sąsiedzka sieć odwiedzin u samotnych osób starszych",
        "Zajęcia ruchowe dla seniorów w parku",
    ),
    "youth": (
        "Strefa młodzieży w bibliotece z konsolami i planszówkami",
        "Młodzieżowa rada miasta z własnym budżetem",
        "Nocne maratony gier i filmów",
    ),
    "digital": (
        "Punkt pomocy cyfrowej: e-recepta, profil zaufany, mObywatel",
        "Licealiści uczą seniorów obsługi smartfona",
        "Darmowe Wi-Fi na rynku",
    ),
    "green": (
        "Ogród społeczny przy bibliotece",
        "Łąka kwietna zamiast trawnika przy szkole",
        "Sprzątanie brzegów rzeki z mieszkańcami",
    ),
    "safety": (
        "Oświetlenie przejścia przy dworcu",
        "Spacer badawczy z policją po osiedlu",
        "Progi zwalniające przy szkole podstawowej",
    ),
    "health": (
        "Dzień profilaktyki zdrowotnej w bibliotece",
        "Transport do lekarza dla niepełnosprawnych",
        "Spotkania z dietetykiem i fizjoterapeutą",
    ),
    "information": (
        "Miesięczny kalendarz wydarzeń w sklepach i przychodni",
        "Tablice ogłoszeń na osiedlach",
        "Lokalne radio internetowe prowadzone przez młodzież",
    ),
    "meeting": (
        "Kawiarenka obywatelska w czytelni",
        "Sąsiedzkie pikniki na osiedlach",
        "Otwarta świetlica z grami planszowymi",
    ),
    "jobs": (
        "Targi pracy i staży w bibliotece",
        "Kurs pisania CV i rozmowy kwalifikacyjnej",
        "Coworking w bibliotece dla pracujących zdalnie",
    ),
    "roads": (
        "Mapa dziur w chodnikach zgłaszanych przez mieszkańców",
        "Ścieżka rowerowa do sąsiedniej gminy",
    ),
    "childcare": ("Klub malucha przy bibliotece", "Wymiana ubranek i zabawek dla rodziców"),
    "housing": (
        "Porady prawne dla najemców w bibliotece",
        "Remont kamienic z udziałem mieszkańców",
    ),
}


def workshop_rows(
    rng: np.random.Generator, pressing: tuple[str, ...], needs: tuple[str, ...]
) -> list[tuple[str, str, int]]:
    """World Café ideas with dot votes: ``(idea, need code, votes)``, most votes first.

    Ideas for the town's pressing needs collect more dots.
    """
    others = [n for n in needs if n not in pressing]
    chosen = list(pressing) + [others[int(i)] for i in rng.choice(len(others), 5, replace=False)]
    rows = []
    for need in chosen:
        pool = WORKSHOP_IDEAS[need]
        k = 2 if need in pressing else 1
        for i in rng.choice(len(pool), size=min(k, len(pool)), replace=False):
            mean = 14.0 if need in pressing else 5.0
            rows.append((pool[int(i)], need, int(rng.poisson(mean))))
    rows.sort(key=lambda r: (-r[2], r[0]))
    return rows


# ------------------------------------------------------------------ assets

ASSET_KINDS = ("instytucja", "organizacja", "miejsce", "osoba", "wydarzenie")

_ASSETS = (
    (
        "Miejska Biblioteka Publiczna w {loc}",
        "instytucja",
        "Czytelnia, dwie filie, pracownia komputerowa; zespół Strefy Innowacji.",
    ),
    ("Miejski Dom Kultury", "instytucja", "Sala widowiskowa na 200 osób, zespoły i pracownie."),
    (
        "Uniwersytet Trzeciego Wieku",
        "organizacja",
        "Ponad stu słuchaczy, wykłady i zajęcia ruchowe, chętni wolontariusze.",
    ),
    (
        "Ochotnicza Straż Pożarna",
        "organizacja",
        "Remiza z salą spotkań, drużyna młodzieżowa, pomoc przy wydarzeniach.",
    ),
    (
        "Koło Gospodyń Wiejskich z obrzeży",
        "organizacja",
        "Warsztaty kulinarne, jarmarki, lokalne przepisy.",
    ),
    ("Park miejski", "miejsce", "Główny teren zielony z muszlą koncertową i placem zabaw."),
    ("Rynek", "miejsce", "Miejsce jarmarków i koncertów, dobrze skomunikowane."),
    ("Klub seniora", "miejsce", "Lokal na parterze, czynny dwa razy w tygodniu."),
    (
        "Stowarzyszenie miłośników historii miasta",
        "organizacja",
        "Archiwum zdjęć, spacery historyczne, wystawy.",
    ),
    (
        "Szkoła Podstawowa nr 2",
        "instytucja",
        "Sala gimnastyczna i pracownia komputerowa dostępne popołudniami.",
    ),
    (
        "Centrum Integracji Społecznej",
        "instytucja",
        "Warsztaty zawodowe, kontakt z osobami bezrobotnymi.",
    ),
    ("Młodzieżowa Rada Miasta", "organizacja", "Radni w wieku 13-19 lat, zapał do działań."),
    (
        "Emerytowana nauczycielka informatyki",
        "osoba",
        "Od lat uczy sąsiadów obsługi komputera, chce prowadzić zajęcia w bibliotece.",
    ),
    ("Właściciel lokalnej drukarni", "osoba", "Oferuje druk plakatów i ulotek po kosztach."),
    ("Parafialny zespół Caritas", "organizacja", "Zna osoby samotne i potrzebujące pomocy."),
    ("Dni Miasta", "wydarzenie", "Czerwcowe święto, przyciąga kilka tysięcy mieszkańców."),
    (
        "Lokalny portal informacyjny",
        "organizacja",
        "Najczęściej czytane źródło wiadomości w mieście.",
    ),
    ("Klub sportowy", "organizacja", "Sekcje piłki nożnej i siatkówki, trenerzy wolontariusze."),
    ("Świetlica osiedlowa", "miejsce", "Nieużywana sala, którą spółdzielnia może udostępnić."),
    (
        "Przedsiębiorcy z lokalnej izby gospodarczej",
        "organizacja",
        "Gotowi sponsorować nagrody i staże.",
    ),
)


def assets_rows(rng: np.random.Generator, locative: str) -> list[tuple[str, str, str]]:
    """Assets of the town: ``(asset, kind, description)``, 10-15 of them."""
    k = int(rng.integers(10, 16))
    keep = sorted(int(i) for i in rng.choice(len(_ASSETS) - 1, size=k - 1, replace=False) + 1)
    return [
        (a.format(loc=locative), kind, d)
        for a, kind, d in [_ASSETS[0]] + [_ASSETS[i] for i in keep]
    ]
