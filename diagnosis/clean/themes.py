"""Code open answers into themes with a documented Polish keyword dictionary.

The open questions of the survey ("the biggest problem of your town", "one
idea") are coded into the themes of the ``needs`` choice list of the standard
questionnaire (transport, culture, seniors ... housing), so a report can put
what people wrote next to what they ticked, plus a few themes the list lacks:
``cleanliness``, ``parking``, ``money`` (prices, cost of living, "brak
pieniędzy"), ``participation`` (being heard by the town hall), ``nothing``
("nie wiem", "brak", "-") and ``other`` (text that hit no theme).

How an answer is matched (the rules of :data:`KEYWORDS`)
--------------------------------------------------------
1. The answer and every keyword are lower-cased and their Polish letters
   folded to ASCII (ą→a, ć→c, ę→e, ł→l, ń→n, ó→o, ś→s, ź→z, ż→z), so
   answers typed without Polish letters match too, and one stem covers
   alternations inside the word: "dróg" and "drogi" both fold to "drog".
2. A keyword is a **stem**: it matches every word that *begins* with it, which
   takes care of Polish endings: ``"autobus"`` matches autobus, autobusy,
   autobusów, autobusem; ``"lekarz"`` matches lekarz, lekarza, lekarzy. Where
   the stem itself alternates, the dictionary lists each form: ``"drog"`` and
   ``"drodz"`` (drodze), ``"mlodziez"`` and ``"mlodzi"``.
3. A keyword of several words is a phrase whose words are each stems, in that
   order: ``"straz miejsk"`` matches "straży miejskiej".
4. A keyword ending in ``$`` matches the whole word only: ``"kin$"`` is the
   genitive plural of "kino" and must not match "kinga".
5. :data:`NOT_FOLLOWED_BY` lists endings that turn a stem into another word:
   "park" but not "parking" (its own theme), "mieszkan" (flats) but not
   "mieszkańcy" (residents), "drog" (roads) but not "drogie" (expensive),
   "kosz" (bins) but not "koszty" (costs).
6. An answer may hit several themes ("Brak autobusów i dziury w drogach" is
   transport and roads). ``nothing`` is only given to an answer that as a
   whole says nothing (:data:`NOTHING`), and ``other`` only to a non-empty
   answer that hit no theme at all, so every answer gets at least one code.

The dictionary is data: extend it here (and add a test sentence) when a
town's answers show words it misses.

Examples
--------
>>> import pandas as pd
>>> s = pd.Series(["Dziury w drogach i brak autobusów", "nie wiem", None], dtype="string")
>>> coded = code_themes(s)
>>> coded.loc[0, ["transport", "roads", "other"]].tolist()
[1, 1, 0]
>>> int(coded.loc[1, "nothing"]), coded.loc[2, "transport"] is pd.NA
(1, True)
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

__all__ = [
    "KEYWORDS",
    "NOTHING",
    "NOT_FOLLOWED_BY",
    "THEMES",
    "code_themes",
    "fold",
    "theme_labels",
]

#: theme codes, in report order: the ``needs`` codes of the standard
#: questionnaire first, then themes the choice list lacks
THEMES: tuple[str, ...] = (
    "transport",
    "culture",
    "seniors",
    "youth",
    "digital",
    "green",
    "safety",
    "health",
    "information",
    "meeting",
    "jobs",
    "roads",
    "childcare",
    "housing",
    "cleanliness",
    "parking",
    "money",
    "participation",
    "nothing",
    "other",
)

_LABELS = {
    "pl": {
        "transport": "Komunikacja publiczna",
        "culture": "Oferta kulturalna",
        "seniors": "Oferta dla seniorów",
        "youth": "Oferta dla młodzieży",
        "digital": "Dostęp do internetu i wsparcie w umiejętnościach cyfrowych",
        "green": "Tereny zielone",
        "safety": "Bezpieczeństwo",
        "health": "Dostęp do opieki zdrowotnej",
        "information": "Informacja o lokalnych wydarzeniach",
        "meeting": "Miejsca spotkań",
        "jobs": "Miejsca pracy",
        "roads": "Drogi i chodniki",
        "childcare": "Opieka nad dziećmi",
        "housing": "Mieszkania",
        "cleanliness": "Czystość i śmieci",
        "parking": "Parkingi",
        "money": "Koszty życia i pieniądze",
        "participation": "Głos mieszkańców i władze",
        "nothing": "Brak problemu / nie wiem",
        "other": "Inne",
    },
    "en": {
        "transport": "Public transport",
        "culture": "Culture offer",
        "seniors": "Offer for seniors",
        "youth": "Offer for youth",
        "digital": "Internet access and digital skills support",
        "green": "Green spaces",
        "safety": "Safety",
        "health": "Access to health care",
        "information": "Information about local events",
        "meeting": "Places to meet",
        "jobs": "Jobs",
        "roads": "Roads and pavements",
        "childcare": "Childcare",
        "housing": "Housing",
        "cleanliness": "Cleanliness and litter",
        "parking": "Parking",
        "money": "Cost of living and money",
        "participation": "Residents' voice and local government",
        "nothing": "Nothing / don't know",
        "other": "Other",
    },
}

#: stems per theme, already folded (rules in the module docstring)
KEYWORDS: dict[str, tuple[str, ...]] = {
    "transport": (
        "transport", "komunikac", "autobus", "bus$", "busa$", "busy$", "busem$", "busik",
        "pks", "mpk", "tramwaj", "pociag", "kolej", "dworz", "dworc", "przystan", "rozklad",
        "polaczen", "dojazd", "dojezdz", "dojecha", "dojad", "taksow", "przewozni", "uziemi",
    ),
    "culture": (
        "kultur", "kino", "kina$", "kinie$", "kinem$", "kin$", "teatr", "koncert", "festiwal",
        "wydarzen", "imprez", "muze", "wystaw", "spektakl", "film", "nuda", "nudn", "nudy",
        "nic sie nie dzieje", "rozrywk", "muzyk", "rekodziel", "tworc", "autorsk", "artyst",
        "taniec", "tance", "ksiazk", "czytelni",
    ),
    "seniors": (
        "senior", "emeryt", "stars", "trzeciego wieku", "dziadk", "babc", "samotn",
        "dziennego domu", "dom pobytu", "domu pobytu", "winda$", "windy$", "wind$", "utw$",
    ),
    "youth": (
        "mlodziez", "mlodzi$", "mlodzik", "nastol", "licealist", "skatepark", "pumptrack",
        "uczni", "gimnazjal", "student", "po szkole",
    ),
    "digital": (
        "internet", "komputer", "cyfrow", "wi-fi", "wifi", "smartfon", "telefon komork",
        "e-recept", "e-urzad", "e-usl", "profil zaufan", "mobywatel", "online", "zdaln",
        "programowan", "robotyk", "aplikac", "laptop", "tablet", "swiatlowod", "zasieg",
        "bankowosc",
    ),
    "green": (
        "ziele", "drzew", "park", "skwer", "trawnik", "kwiat", "kwietn", "smog", "powietrz",
        "zanieczyszcz", "ekolog", "nasadz", "sadza", "sadzic", "wycin", "rzek", "rzece",
        "ogrod", "las$", "lasu$", "lasy$", "lesie$", "przyrod", "srodowisk", "klimat",
    ),
    "safety": (
        "bezpiecz", "niebezpiecz", "policj", "straz miejsk", "patrol", "monitoring", "kamer",
        "oswietl", "latarn", "ciemn", "pijan", "pijac", "alkohol", "wandal", "kradzie",
        "zlodziej", "przestep", "bojk", "chuligan", "strach", "boje sie", "boimy sie",
        "progi", "progow", "zwalniaj", "pedza", "predkos", "dzielnicow", "napad", "narkoty",
        "dopalacz",
    ),
    "health": (
        "zdrow", "lekarz", "lekar", "przychodn", "szpital", "pediatr", "specjalist", "karetk",
        "pogotow", "profilakty", "badan", "rehabilit", "fizjoterap", "dietetyk", "aptek",
        "nfz", "dentyst", "stomatolog", "ginekolog", "pielegniar", "chorob", "chorzy",
        "chory$", "chorych$", "niepelnospraw",
    ),
    "information": (
        "informac", "informuj", "ogloszen", "tablic", "gazet", "nie wiadomo", "dowiaduj",
        "dowiedziec", "komunikat", "facebook", "newsletter", "powiadom", "kalendarz",
        "miesiecznik", "portal", "radio", "sms", "plakat", "ulotk",
    ),
    "meeting": (
        "spotka", "swietlic", "kawiar", "integrac", "sasiedz", "sasiad", "nie znaja",
        "piknik", "planszow", "lawki i stol", "porozmawia",
    ),
    "jobs": (
        "praca$", "pracy$", "prace$", "pracodaw", "bezrobo", "zatrudn", "zarob", "pensj",
        "wynagrodz", "firm", "zaklad", "przedsiebior", "staz", "zawodow", "cv$", "perspektyw",
        "inkubator", "etat", "za granic",
    ),
    "roads": (
        "drog", "drodz", "jezdni", "chodnik", "dziur", "nawierzchni", "asfalt",
        "sciezk", "rower", "obwodnic", "kork", "ciezarow", "przejsci dla piesz", "rondo",
        "ronda", "krawezn",
    ),
    "childcare": (
        "zlob", "przedszkol", "maluch", "plac zabaw", "opiek nad dziec", "nian", "ubranek",
        "zabawek",
    ),
    "housing": (
        "mieszkan", "czynsz", "komunaln", "kamienic", "wynaj", "najem", "najmu", "najemc",
        "kredyt", "deweloper",
    ),
    "cleanliness": (
        "smiec", "zasmiec", "brud", "czystos", "czyst", "sprzat", "posprzat", "kosz", "odpad",
        "kupy", "odchod", "wysypisk", "syf", "segregac",
    ),
    "parking": (
        "parking", "parkowan", "zaparkow", "parkomat", "miejsc postoj",
    ),
    "money": (
        "drozyzn", "drogo$", "ceny$", "cena$", "cen$", "cenami$", "podwyzk", "pieniedz",
        "pieniadz", "bieda", "biedn", "ubostw", "ubog", "koszt", "oplat", "utrzyma",
    ),
    "participation": (
        "konsultac", "budzet obywatel", "wladz", "radn", "rada miasta", "urzedni",
        "burmistrz", "prezydent miasta", "wojt", "slucha", "zebrani", "angazuj", "obojetn",
        "polityk", "wplyw", "z mieszkancami", "glos mieszkancow", "partycypac",
    ),
}  # fmt: skip

#: endings that, right after a stem, make another word (rule 5)
NOT_FOLLOWED_BY: dict[str, tuple[str, ...]] = {
    "park": ("ing", "owan", "omat"),  # parking is its own theme
    "mieszkan": ("c",),  # mieszkańcy, mieszkańców: residents, not flats
    "drog": ("ie", "iego", "iej", "ich", "im$", "imi", "o$"),  # drogie: expensive
    "kosz": ("t", "on", "en"),  # koszty: costs; koszenie: mowing
    "kolej": ("n", "k"),  # kolejny; kolejki (queues)
    "ogrod": ("z",),  # ogrodzenie: a fence
    "rzek": ("omo", "l"),  # rzekomo, rzekł
    "zaklad": ("a$", "am$", "ac", "aj"),  # zakładać: to assume
    "firm": ("ament",),
    "radn": ("o",),  # radnosc (joy), not councillors
}

#: whole answers that say nothing (after folding, trimmed of punctuation)
NOTHING: tuple[str, ...] = (
    "nie wiem", "brak", "nic", "nie mam", "nie mam pomyslu", "nie mam zdania", "brak zdania",
    "trudno powiedziec", "trudno mi powiedziec", "wszystko jest w porzadku",
    "wszystko w porzadku", "jest dobrze", "jest ok", "ok", "nie ma", "nie ma problemu",
    "brak problemu", "brak problemow", "brak pomyslu", "nie dotyczy", "x", "",
)  # fmt: skip

_FOLD = str.maketrans("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ", "acelnoszzACELNOSZZ")


def fold(text: str) -> str:
    """Lower-case ``text`` and fold its Polish letters to ASCII.

    Parameters
    ----------
    text : str

    Returns
    -------
    str

    Examples
    --------
    >>> fold("Dróg, DRODZE, źródło")
    'drog, drodze, zrodlo'
    """
    return text.lower().translate(_FOLD)


def _keyword_regex(stem: str) -> str:
    words = stem.split()
    last = words[-1]
    exact = last.endswith("$")
    words[-1] = last.rstrip("$")
    parts = []
    for i, word in enumerate(words):
        piece = re.escape(word)
        if i == len(words) - 1 and exact:
            piece += r"\b"
        else:
            excluded = NOT_FOLLOWED_BY.get(word, ())
            if excluded:
                ends = "|".join(
                    re.escape(e.rstrip("$")) + (r"\b" if e.endswith("$") else "") for e in excluded
                )
                piece += f"(?!{ends})"
            piece += r"[\w\-]*"
        parts.append(piece)
    return r"\b" + r"\s+".join(parts)


def _theme_pattern(theme: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{_keyword_regex(k)})" for k in KEYWORDS[theme]))


_PATTERNS = {theme: _theme_pattern(theme) for theme in KEYWORDS}
_NOTHING = re.compile(
    r"^[\W_]*(?:" + "|".join(re.escape(n) for n in NOTHING if n) + r")?"
    r"(?:\s+w\s+\w+(?:\s+\w+)?)?[\W_]*$"  # "nie mam pomysłu w Nowym Tomyślu."
)


def theme_labels(lang: str = "pl") -> dict[str, str]:
    """Labels of the themes, in report order.

    The labels of the ``needs`` themes are those of the standard
    questionnaire's ``needs`` choice list.

    Parameters
    ----------
    lang : {"pl", "en"}

    Returns
    -------
    dict
        Theme code -> label.

    Examples
    --------
    >>> theme_labels("en")["roads"]
    'Roads and pavements'
    """
    if lang not in _LABELS:
        raise ValueError(f"lang must be one of {sorted(_LABELS)}, not {lang!r}")
    return dict(_LABELS[lang])


def code_themes(texts: pd.Series, lang: str = "pl") -> pd.DataFrame:
    """Code open answers into themes with the keyword dictionary.

    Parameters
    ----------
    texts : Series
        Open answers (``string`` or ``object`` dtype), e.g. the ``problem``
        column of a cleaned frame. Redact them first if the result will be
        shown next to the text.
    lang : {"pl"}
        Language of the answers; the dictionary is Polish.

    Returns
    -------
    DataFrame
        Same index as ``texts``; one ``Int8`` column per theme of
        :data:`THEMES`: 1 when the answer hits the theme, 0 when not, NA
        where there is no answer (missing or blank). An answer may hit
        several themes; ``other`` is 1 only when it hits none.

    Notes
    -----
    Vectorised: one ``str.contains`` per theme over the folded answers.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.Series(["Brak żłobka i przedszkoli", "kolejki do lekarzy"], dtype="string")
    >>> coded = code_themes(s)
    >>> [list(coded.columns[row == 1]) for _, row in coded.iterrows()]
    [['childcare'], ['health']]
    """
    if lang != "pl":
        raise ValueError(f"only Polish answers can be coded (lang='pl'), not {lang!r}")
    text = texts.astype("string")
    folded = text.str.lower().str.translate(_FOLD).str.strip()
    answered = folded.notna() & (folded != "")
    answered = answered.fillna(False).astype(bool)
    work = folded.where(answered, "")
    columns: dict[str, pd.Series] = {}
    for theme in KEYWORDS:
        columns[theme] = work.str.contains(_PATTERNS[theme], regex=True).fillna(False)
    columns["nothing"] = work.str.match(_NOTHING).fillna(False) & answered
    hit = pd.concat(columns, axis=1).astype(bool)
    columns["other"] = ~hit.any(axis=1) & answered
    missing = ~answered.to_numpy(dtype=bool)
    return pd.DataFrame(
        {
            theme: pd.arrays.IntegerArray(
                columns[theme].to_numpy(dtype=bool).astype(np.int8), missing.copy()
            )
            for theme in THEMES
        },
        index=texts.index,
    )
