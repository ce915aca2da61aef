"""Evidence sheets: one per top priority, in the format of ../shared/DOMAIN.md.

need | problem statement | evidence | target group and its size | assets/partners |
activity -> output -> outcome | indicator | baseline | target | how and when
measured | evidence level (Nesta standards of evidence, level 1 for a
baseline-only diagnosis).

The sheet states only numbers that passed disclosure control; a suppressed
number is named as such, never shown.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..clean import code_themes
from ..plurals import count
from ..town import Town
from .indicators import ASPECT

__all__ = [
    "EvidenceItem",
    "EvidenceSheet",
    "bounded_text",
    "describe_item",
    "evidence_sheets",
    "format_share",
    "group_as_people",
    "group_sizes",
]


@dataclass(frozen=True)
class EvidenceItem:
    """One number behind a sheet: question, estimate, interval, n."""

    indicator: str
    question: str
    label: str
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    n: int | None
    suppressed: bool
    bound: str = ""
    bound_n: int | None = None
    bound_k: int | None = None


@dataclass(frozen=True)
class EvidenceSheet:
    """The evidence for one proposed action (all texts in the report language)."""

    rank: int
    need: str
    need_label: str
    problem: str
    evidence: tuple[EvidenceItem, ...]
    workshop: str
    target_group: str
    assets: tuple[str, ...]
    logic: str
    indicator: EvidenceItem
    baseline_date: str
    baseline_source: str
    target: str
    measurement: str
    evidence_level: str

    def to_dict(self) -> dict:
        """A JSON-ready dict."""
        out = dict(self.__dict__)
        out["evidence"] = [item.__dict__ for item in self.evidence]
        out["indicator"] = self.indicator.__dict__
        out["assets"] = list(self.assets)
        return out


def format_share(value: float | None, lang: str, decimals: int = 0) -> str:
    """``0.423`` -> ``'42%'`` (pl: decimal comma), ``None`` -> ``'–'``.

    Examples
    --------
    >>> format_share(0.4236, "pl", 1), format_share(0.4236, "en", 1), format_share(None, "pl")
    ('42,4%', '42.4%', '–')
    """
    if value is None or pd.isna(value):
        return "–"
    text = f"{100 * value:.{decimals}f}"
    return (text.replace(".", ",") if lang == "pl" else text) + "%"


#: what a share of each kind of indicator counts, said before its label
_WHAT = {
    "needs__": {"pl": "Wskazują jako potrzebę: ", "en": "Name it as a need: "},
    "imp_": {"pl": "Uważają za ważne: ", "en": "Consider it important: "},
    "sat_": {"pl": "Są zadowoleni: ", "en": "Are satisfied: "},
}
#: the indicator labels of importance and satisfaction end with their aspect, which the
#: prefixes above already say
_ASPECTS = tuple(text for pair in ASPECT.values() for text in pair)


def _strip_aspect(label: str) -> str:
    for suffix in _ASPECTS:
        label = label.removesuffix(suffix)
    return label


def _item(table: pd.DataFrame, indicator: str, lang: str) -> EvidenceItem | None:
    row = table[(table["indicator"] == indicator) & (table["group"] == "total")]
    if row.empty:
        return None
    r = row.iloc[0]

    def num(x):
        return None if pd.isna(x) else float(x)

    prefix = next(
        (words[lang] for start, words in _WHAT.items() if indicator.startswith(start)), ""
    )
    return EvidenceItem(
        indicator=indicator,
        question=str(r["question"]),
        label=prefix + _strip_aspect(str(r[f"label_{lang}"])),
        estimate=num(r["estimate"]),
        ci_low=num(r["ci_low"]),
        ci_high=num(r["ci_high"]),
        n=None if pd.isna(r["n"]) else int(r["n"]),
        suppressed=bool(r["suppressed"]),
        bound=str(r.get("bound", "") or ""),
        bound_n=None if pd.isna(r.get("bound_n", np.nan)) else int(r["bound_n"]),
        bound_k=None if pd.isna(r.get("bound_k", np.nan)) else int(r["bound_k"]),
    )


def bounded_text(bound: str, n: int, k: int, lang: str) -> str:
    """What may be said of a share hidden for its few answers: "fewer than 10 of 168".

    The bound is on the unweighted answers (the weighted share is not
    published); the percentage is rounded away from the hidden value.

    Examples
    --------
    >>> bounded_text("below", 168, 10, "pl")
    'mniej niż 10 osób ze 168, które odpowiedziały (poniżej 6% odpowiedzi)'
    >>> bounded_text("above", 168, 10, "en")
    'all but fewer than 10 of the 168 who answered (over 94% of answers)'
    """
    pct_below = math.ceil(100 * k / n)
    if lang == "pl":
        z = "ze" if 100 <= n < 200 or 100_000 <= n < 200_000 else "z"  # "ze stu", "z dwustu"
        if bound == "below":
            return (
                f"mniej niż {count(k, 'osoba', 'osoby', 'osób')} {z} {n}, które odpowiedziały "
                f"(poniżej {pct_below}% odpowiedzi)"
            )
        return (
            f"wszyscy poza mniej niż {count(k, 'osobą', 'osobami', 'osobami')} {z} {n}, które "
            f"odpowiedziały (ponad {100 - pct_below}% odpowiedzi)"
        )
    if bound == "below":
        return f"fewer than {k} of the {n} who answered (under {pct_below}% of answers)"
    return f"all but fewer than {k} of the {n} who answered (over {100 - pct_below}% of answers)"


def describe_item(item: EvidenceItem, lang: str) -> str:
    """One line for an evidence item (estimate, CI, n), or what may be said of a hidden one."""
    if item.bound and item.bound_n and item.bound_k:
        return f"{item.label}: {bounded_text(item.bound, item.bound_n, item.bound_k, lang)}"
    if item.suppressed or item.estimate is None:
        return (
            f"{item.label}: wynik ukryty (za mała grupa)"
            if lang == "pl"
            else f"{item.label}: hidden (group too small)"
        )
    ci = f"{format_share(item.ci_low, lang)}–{format_share(item.ci_high, lang)}"
    word = "przedział ufności" if lang == "pl" else "confidence interval"
    return f"{item.label}: {format_share(item.estimate, lang)} ({word} {ci}; n = {item.n})"


_GROUP_WORDS = {
    "pl": {"age_band": "wiek", "sex": "płeć", "district": "część miejscowości"},
    "en": {"age_band": "age", "sex": "sex", "district": "part of town"},
}


def group_sizes(
    town: Town, design_data: pd.DataFrame, weights: np.ndarray, groups: Sequence[str] = ()
) -> dict[tuple[str, str], tuple[float, str]]:
    """``(group, level) -> (adults, source)``: the margins' public figures, else a weighted sum.

    Age and sex groups are the GUS figures the weights are fitted to; a group
    the margins do not have (a district) is the weighted count of all
    respondents in it, said to be an estimate.

    Examples
    --------
    >>> from diagnosis.town import load_town
    >>> town = load_town("surveys/towns/kwidzyn")
    >>> group_sizes(town, pd.DataFrame({"sex": ["male"]}), np.ones(1))[("sex", "male")]
    (14880.0, 'margins')
    """
    out: dict[tuple[str, str], tuple[float, str]] = {}
    margins = town.margins
    for column in ("age_band", "sex"):
        if column in margins:
            for level, pop in margins.groupby(column)["population"].sum().items():
                out[(column, str(level))] = (float(pop), "margins")
    w = pd.Series(np.asarray(weights, dtype=float), index=design_data.index)
    for column in groups:
        if column in ("age_band", "sex") or column not in design_data:
            continue
        for level, total in w.groupby(design_data[column].astype("string")).sum().items():
            out[(column, str(level))] = (float(total), "weighted")
    return out


def _most_affected(
    table: pd.DataFrame,
    indicator: str,
    lang: str,
    level_labels: Mapping[str, Mapping[str, str]],
    sizes: Mapping[tuple[str, str], tuple[float, str]] | None = None,
) -> str:
    rows = table[
        (table["indicator"] == indicator) & (table["group"] != "total") & ~table["suppressed"]
    ]
    if rows.empty:
        return (
            "Brak grup dość licznych, by je porównać."
            if lang == "pl"
            else "No group large enough to compare."
        )
    top = rows.sort_values("estimate", ascending=False).iloc[0]
    group, level = str(top["group"]), str(top["group_level"])
    label = level_labels.get(group, {}).get(level, level)
    known = (sizes or {}).get((group, level))
    people, public = (known[0], known[1] == "margins") if known else (top["n_weighted"], False)
    size = f"{float(people):,.0f}"
    share = format_share(top["estimate"], lang)
    who = group_as_people(group, level, label, lang)
    if lang == "pl":
        source = "dane GUS" if public else "szacunek z ważonej próby"
        about = "" if public else "około "
        return (
            f"Tę potrzebę najczęściej wskazują {who} ({share}). Grupa liczy {about}"
            f"{size.replace(',', ' ')} dorosłych mieszkańców ({source})."
        )
    source = "GUS figures" if public else "weighted estimate"
    about = "" if public else "about "
    return (
        f"Named most often by {who} ({share}). The group numbers {about}{size} adult "
        f"residents ({source})."
    )


#: sex codes -> the people, (pl, en)
_SEX_PEOPLE = {"female": ("kobiety", "women"), "male": ("mężczyźni", "men")}


def group_as_people(group: str, level: str, label: str, lang: str) -> str:
    """A group named as people: "mężczyźni", "osoby w wieku 30–44 lat", "mieszkańcy: Centrum".

    Examples
    --------
    >>> group_as_people("sex", "male", "Mężczyzna", "pl")
    'mężczyźni'
    >>> group_as_people("age_band", "60_plus", "60 lat i więcej", "pl")
    'osoby w wieku 60 lat i więcej'
    >>> group_as_people("district", "centrum", "Stare Miasto", "en")
    'residents of Stare Miasto'
    """
    pl = lang == "pl"
    if group == "sex" and level in _SEX_PEOPLE:
        return _SEX_PEOPLE[level][0 if pl else 1]
    if group == "age_band":
        text = label if any(ch.isalpha() for ch in label) else f"{label} lat"
        return f"osoby w wieku {text}" if pl else f"people aged {label}"
    return f"mieszkańcy: {label}" if pl else f"residents of {label}"


def evidence_sheets(
    table: pd.DataFrame,
    needs: pd.DataFrame,
    town: Town,
    assets: pd.DataFrame | None,
    level_labels: Mapping[str, Mapping[str, str]],
    lang: str = "pl",
    top: int = 3,
    sizes: Mapping[tuple[str, str], tuple[float, str]] | None = None,
) -> tuple[EvidenceSheet, ...]:
    """One evidence sheet for each of the ``top`` ranked needs.

    Parameters
    ----------
    table : DataFrame
        The suppressed indicator table.
    needs : DataFrame
        :func:`~diagnosis.evidence.priorities.rank_needs` output.
    town : Town
    assets : DataFrame or None
        The town's asset list (``asset, kind, description``).
    level_labels : mapping
        ``{group: {code: label}}`` for naming groups in the report language.
    lang : {"pl", "en"}
    top : int
    sizes : mapping, optional
        :func:`group_sizes`: the size of the group most affected comes from
        the margins where they have it.

    Returns
    -------
    tuple of EvidenceSheet
    """
    sheets = []
    pl = lang == "pl"
    asset_themes = None
    if assets is not None and len(assets):
        text = assets["asset"].astype("string") + ". " + assets["description"].astype("string")
        asset_themes = code_themes(text, lang="pl")
    date = town.fieldwork_end.isoformat() if town.fieldwork_end else "–"
    source = (
        f"Ankieta mieszkańców {town.name}, n = {{n}}, ważenie do struktury wieku i płci"
        if pl
        else f"Resident survey of {town.name}, n = {{n}}, weighted to age and sex structure"
    )
    for _, need in needs.head(top).iterrows():
        code = str(need["need"])
        label = str(need[f"label_{lang}"])
        items = [_item(table, f"needs__{code}", lang), _item(table, f"imp_{code}", lang),
                 _item(table, f"sat_{code}", lang)]  # fmt: skip
        items = [i for i in items if i is not None]
        main = items[0]
        # the baseline is a published number that an action should move: satisfaction, else
        # the share naming the need, else importance; a hidden one only when all are, and then
        # with what may be said of it
        published = [i for i in items if not i.suppressed]
        order = [f"sat_{code}", f"needs__{code}", f"imp_{code}"]
        indicator = next(
            (i for key in order for i in published if i.indicator == key),
            next((i for i in items if i.bound), main),
        )
        share = format_share(main.estimate, lang) if not main.suppressed else "–"
        if pl:
            problem = (
                f"{share} dorosłych mieszkańców wskazuje „{label}” wśród trzech najważniejszych "
                "potrzeb miejscowości."
            )
        else:
            problem = f"{share} of adult residents name '{label}' among the town's top three needs."
        sat = next((i for i in items if i.indicator == f"sat_{code}"), None)
        if sat is not None and not sat.suppressed:
            problem += (
                f" Zadowolonych z tej dziedziny jest {format_share(sat.estimate, lang)}."
                if pl
                else f" {format_share(sat.estimate, lang)} are satisfied with it."
            )
        elif sat is not None and sat.bound and sat.bound_n and sat.bound_k:
            said = bounded_text(sat.bound, sat.bound_n, sat.bound_k, lang)
            problem += (
                f" Zadowolonych z tej dziedziny jest {said}."
                if pl
                else f" Satisfied with it: {said}."
            )
        votes = int(need["votes"])
        if votes and isinstance(need["top_idea"], str):
            workshop = (
                f"Warsztat: {count(votes, 'głos', 'głosy', 'głosów')} na pomysły w tej sprawie; "
                f"najwięcej ({int(need['top_idea_votes'])}) zebrał pomysł „{need['top_idea']}”."
                if pl
                else f"Workshop: {count(votes, 'vote', 'votes')} for ideas on this need; the most "
                f"({int(need['top_idea_votes'])}) went to '{need['top_idea']}'."
            )
            activity = str(need["top_idea"])
        elif need.get("basis") == "survey":
            workshop = (
                "Warsztatu nie było: potrzebę wskazuje ankieta."
                if pl
                else "No workshop was held: the survey names this need."
            )
            activity = "do ustalenia przez zespół" if pl else "to be agreed by the team"
        else:
            workshop = (
                "Warsztat: żaden pomysł nie dotyczył tej potrzeby."
                if pl
                else "Workshop: no idea addressed this need."
            )
            activity = "do ustalenia przez zespół" if pl else "to be agreed by the team"
        found: tuple[str, ...] = ()
        if asset_themes is not None and code in asset_themes.columns:
            hit = asset_themes[code].fillna(0).astype(bool).to_numpy()
            found = tuple(assets.loc[hit, "asset"].astype(str).head(4))
        if pl:
            logic = (
                f"Działanie: {activity} → produkt: liczba zrealizowanych działań i uczestników → "
                f"rezultat: poprawa w dziedzinie „{label}” mierzona wskaźnikiem poniżej."
            )
            target = "do ustalenia przez zespół (np. wzrost o 10 punktów procentowych)"
            measurement = (
                "To samo pytanie w ankiecie powtórzonej po 12 miesiącach, tą samą metodą doboru "
                "i ważenia; dokładne brzmienie pytania bez zmian."
            )
            level = "Poziom 1 (Nesta): logika działania i pomiar wyjściowy"
        else:
            logic = (
                f"Activity: {activity} → output: number of activities and participants → "
                f"outcome: improvement in '{label}' measured by the indicator below."
            )
            target = "to be agreed by the team (e.g. +10 percentage points)"
            measurement = (
                "The same question in a survey repeated after 12 months, with the same "
                "recruitment and weighting; wording unchanged."
            )
            level = "Level 1 (Nesta): logic model and baseline"
        sheets.append(
            EvidenceSheet(
                rank=int(need["rank"]),
                need=code,
                need_label=label,
                problem=problem,
                evidence=tuple(items),
                workshop=workshop,
                target_group=_most_affected(table, f"needs__{code}", lang, level_labels, sizes),
                assets=found,
                logic=logic,
                indicator=indicator,
                baseline_date=date,
                baseline_source=source.format(n=indicator.n if indicator.n else "–"),
                target=target,
                measurement=measurement,
                evidence_level=level,
            )
        )
    return tuple(sheets)
