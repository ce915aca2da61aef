"""Prioritising needs: importance-satisfaction analysis and the survey-plus-workshop ranking.

Importance-performance analysis (Martilla & James 1977) puts each service at
(satisfaction, importance). The lines are the means over services; a service
is in "act here" when its importance is above the line and its satisfaction
below. A placement is *clear* only when neither confidence interval crosses
its line (../shared/DOMAIN.md).

The ranking of needs uses one measure of the survey's voice: the share of
respondents choosing the need (the ``share`` the report prints), divided by the
sum of those shares over all needs, so that the survey's "attention" adds up
to 1 (a need whose share is hidden by disclosure control counts 0: its share
is not published, and it must not follow from the others).

* With workshop votes (World Café dot votes for ideas, each idea tied to a
  need): the workshop's attention is the need's share of all votes, and
  ``score = (survey attention + workshop attention) / 2``, the two voices with
  equal weight (``basis = "survey+workshop"``). A need no idea addressed gets
  0 from the workshop, which is what happened there.
* Without a workshop (no ideas, or no votes for any need): ``score = survey
  attention`` (``basis = "survey"``) and the workshop columns are empty: there
  was no vote, not a vote of 0.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..instrument import Instrument
from .indicators import ASPECT

__all__ = ["QUADRANTS", "importance_satisfaction", "rank_needs", "service_pairs"]

#: quadrant code -> (pl, en)
QUADRANTS = {
    "act": ("Działaj tutaj", "Act here"),
    "keep": ("Utrzymaj", "Keep up the good work"),
    "low": ("Niski priorytet", "Low priority"),
    "overkill": ("Możliwy nadmiar", "Possible overkill"),
    "hidden": ("Wynik ukryty (za mała grupa)", "Hidden (group too small)"),
}


def service_pairs(instrument: Instrument) -> tuple[tuple[str, str, str], ...]:
    """``(aspect, importance item, satisfaction item)`` for each service rated both ways.

    An importance item and a satisfaction item pair up when they share an
    ``aspect``; without the column, the two batteries pair item by item in
    form order when they have as many items.

    Examples
    --------
    >>> from diagnosis import load_instrument
    >>> service_pairs(load_instrument("surveys/instruments/resident_survey.xlsx"))[0]
    ('transport', 'imp_transport', 'sat_transport')
    """
    imp = instrument.by_construct("importance")
    sat = instrument.by_construct("satisfaction")
    if any(q.aspect for q in (*imp, *sat)):
        by_aspect = {q.aspect: q.name for q in sat if q.aspect}
        return tuple((q.aspect, q.name, by_aspect[q.aspect]) for q in imp if q.aspect in by_aspect)
    if len(imp) == len(sat):
        return tuple((i.name, i.name, s.name) for i, s in zip(imp, sat, strict=True))
    return ()


def importance_satisfaction(
    indicators: pd.DataFrame,
    pairs: Sequence[tuple[str, str, str]] | None = None,
    lines: tuple[float, float] | None = None,
) -> pd.DataFrame:
    """The importance-satisfaction matrix of the services, with quadrants.

    Parameters
    ----------
    indicators : DataFrame
        Whole-town rows (``group == "total"``) of the indicator table.
    pairs : sequence of (service, importance indicator, satisfaction indicator), optional
        From :func:`service_pairs`; default: ``imp_<service>`` with ``sat_<service>``.
    lines : (float, float), optional
        The town's own cut-offs (importance, satisfaction); default: the means
        over the services with both values. ``attrs["lines"]`` says which.

    Returns
    -------
    DataFrame
        One row per service: ``service, label_pl, label_en, importance,
        imp_low, imp_high, satisfaction, sat_low, sat_high, quadrant, clear,
        gap`` (importance - satisfaction), sorted by quadrant ("act" first)
        then by gap, largest first. A service whose importance or
        satisfaction was suppressed is in quadrant ``"hidden"``; the lines
        are the means over the services with both values.

    Examples
    --------
    >>> t = pd.DataFrame({"indicator": ["imp_a", "imp_b", "sat_a", "sat_b"],
    ...                   "group": "total", "estimate": [0.9, 0.5, 0.2, 0.8],
    ...                   "ci_low": [0.85, 0.45, 0.15, 0.75], "ci_high": [0.95, 0.55, 0.25, 0.85],
    ...                   "label_pl": ["A", "B", "A", "B"], "label_en": ["A", "B", "A", "B"]})
    >>> importance_satisfaction(t)[["service", "quadrant", "clear"]].values.tolist()
    [['a', 'act', True], ['b', 'overkill', True]]
    """
    total = indicators[indicators["group"] == "total"]
    if pairs is None:
        ids = total["indicator"].astype(str)
        pairs = [(i.removeprefix("imp_"), i, "sat_" + i.removeprefix("imp_"))
                 for i in ids if i.startswith("imp_")]  # fmt: skip
    service_of_imp = {imp_id: service for service, imp_id, _ in pairs}
    service_of_sat = {sat_id: service for service, _, sat_id in pairs}
    imp = total[total["indicator"].isin(service_of_imp)].copy()
    sat = total[total["indicator"].isin(service_of_sat)].copy()
    imp["service"] = imp["indicator"].map(service_of_imp)
    sat["service"] = sat["indicator"].map(service_of_sat)
    m = imp.merge(sat, on="service", suffixes=("_imp", "_sat"))
    pl_suffix, en_suffix = ASPECT["importance"]
    out = pd.DataFrame(
        {
            "service": m["service"],
            "label_pl": m["label_pl_imp"].str.removesuffix(pl_suffix),
            "label_en": m["label_en_imp"].str.removesuffix(en_suffix),
            "importance": m["estimate_imp"],
            "imp_low": m["ci_low_imp"],
            "imp_high": m["ci_high_imp"],
            "satisfaction": m["estimate_sat"],
            "sat_low": m["ci_low_sat"],
            "sat_high": m["ci_high_sat"],
        }
    )
    out["bounded"] = False
    if "bound_sat" in m:  # a hidden share said as a bound stays in the matrix at the bound
        for side, column, low, high, words in (
            ("sat", "satisfaction", "sat_low", "sat_high", ("zadowolenie", "satisfaction")),
            ("imp", "importance", "imp_low", "imp_high", ("ważność", "importance")),
        ):
            bound = m[f"bound_{side}"].fillna("").astype(str)
            n = pd.to_numeric(m[f"bound_n_{side}"], errors="coerce")
            k = pd.to_numeric(m[f"bound_k_{side}"], errors="coerce")
            edge = k / n
            below, above = (bound == "below").to_numpy(), (bound == "above").to_numpy()
            out.loc[below, [column, low, high]] = np.c_[edge, 0 * edge, edge][below]
            out.loc[above, [column, low, high]] = np.c_[1 - edge, 1 - edge, 1 + 0 * edge][above]
            for flag, sign_pl, sign_en in ((below, "poniżej", "under"), (above, "ponad", "over")):
                if not flag.any():
                    continue
                pct = np.where(below, np.ceil(100 * edge), np.floor(100 * (1 - edge)))
                said_pl = [f" ({words[0]} {sign_pl} {p:.0f}%)" for p in pct]
                said_en = [f" ({words[1]} {sign_en} {p:.0f}%)" for p in pct]
                out.loc[flag, "label_pl"] += pd.Series(said_pl, index=out.index)[flag]
                out.loc[flag, "label_en"] += pd.Series(said_en, index=out.index)[flag]
            out.loc[below | above, "bounded"] = True
    both = out["importance"].notna() & out["satisfaction"].notna() & ~out["bounded"]
    if lines is None:
        imp_line = out.loc[both, "importance"].mean()
        sat_line = out.loc[both, "satisfaction"].mean()
    else:
        imp_line, sat_line = (float(v) for v in lines)
    high = out["importance"] >= imp_line
    satisfied = out["satisfaction"] >= sat_line
    known = out["importance"].notna() & out["satisfaction"].notna()
    out["quadrant"] = np.select(
        [~known, high & ~satisfied, high & satisfied, ~high & ~satisfied],
        ["hidden", "act", "keep", "low"],
        default="overkill",
    )
    imp_clear = (out["imp_low"] > imp_line) | (out["imp_high"] < imp_line)
    sat_clear = (out["sat_low"] > sat_line) | (out["sat_high"] < sat_line)
    out["clear"] = (imp_clear & sat_clear).astype(bool)
    out["gap"] = out["importance"] - out["satisfaction"]
    order = {"act": 0, "keep": 1, "low": 2, "overkill": 3, "hidden": 4}
    out = out.sort_values(
        ["quadrant", "gap"], key=lambda s: s.map(order) if s.name == "quadrant" else -s
    )
    out = out.reset_index(drop=True)
    out.attrs["importance_line"] = float(imp_line)
    out.attrs["satisfaction_line"] = float(sat_line)
    out.attrs["lines"] = "means" if lines is None else "town"
    return out


def rank_needs(indicators: pd.DataFrame, ideas: pd.DataFrame | None) -> pd.DataFrame:
    """Rank needs by the survey's and the workshop's attention, or by the survey alone.

    Parameters
    ----------
    indicators : DataFrame
        The indicator table; whole-town ``needs__<code>`` rows are used
        (``estimate`` = share of respondents choosing the need).
    ideas : DataFrame or None
        Workshop ideas with columns ``idea, need, votes`` (World Café dot
        votes); None or no votes for any need: the town had no workshop.

    Returns
    -------
    DataFrame
        One row per need, sorted by rank: ``need, label_pl, label_en, share,
        ci_low, ci_high, n`` (the survey share of respondents, as published),
        ``survey_attention`` (``share`` / sum of the published shares),
        ``votes, workshop_attention`` (votes / all votes; NaN without a
        workshop, when ``votes`` is 0), ``score, rank, top_idea,
        top_idea_votes`` and ``basis``: ``"survey+workshop"`` (score = mean
        of the two attentions) or ``"survey"`` (score = survey attention).

    Examples
    --------
    >>> t = pd.DataFrame({"indicator": ["needs__a", "needs__b"], "group": "total",
    ...                   "estimate": [0.6, 0.2], "ci_low": [0.5, 0.1], "ci_high": [0.7, 0.3],
    ...                   "n": [100, 100], "label_pl": ["A", "B"], "label_en": ["A", "B"]})
    >>> ideas = pd.DataFrame({"idea": ["x", "y"], "need": ["b", "b"], "votes": [5, 5]})
    >>> rank_needs(t, ideas).round(4)[["need", "score", "rank", "basis"]].values.tolist()
    [['b', 0.625, 1, 'survey+workshop'], ['a', 0.375, 2, 'survey+workshop']]
    >>> rank_needs(t, None).round(4)[["need", "score", "rank", "basis"]].values.tolist()
    [['a', 0.75, 1, 'survey'], ['b', 0.25, 2, 'survey']]
    >>> # survey attention: 0.6 / (0.6 + 0.2) = 0.75; workshop: b has all 10 votes
    """
    total = indicators[
        (indicators["group"] == "total") & indicators["indicator"].str.startswith("needs__")
    ]
    out = pd.DataFrame(
        {
            "need": total["indicator"].str.removeprefix("needs__").to_numpy(),
            "label_pl": total["label_pl"].to_numpy(),
            "label_en": total["label_en"].to_numpy(),
            "share": total["estimate"].to_numpy(dtype=float),
            "ci_low": total["ci_low"].to_numpy(dtype=float),
            "ci_high": total["ci_high"].to_numpy(dtype=float),
            "n": total["n"].to_numpy(),
        }
    )
    shares = out["share"].fillna(0.0)  # a hidden share is not published: it counts 0
    out["survey_attention"] = shares / shares.sum() if shares.sum() > 0 else 0.0
    out["votes"] = 0.0
    out["top_idea"] = pd.Series([pd.NA] * len(out), dtype="string")
    out["top_idea_votes"] = 0.0
    if ideas is not None and len(ideas):
        votes = pd.to_numeric(ideas["votes"], errors="coerce").fillna(0.0)
        frame = ideas.assign(votes=votes, need=ideas["need"].astype("string"))
        per_need = frame.groupby("need")["votes"].sum()
        out["votes"] = out["need"].map(per_need).fillna(0.0).astype(float)
        best = frame.sort_values("votes", ascending=False, kind="stable").drop_duplicates("need")
        best = best.set_index("need")
        out["top_idea"] = out["need"].map(best["idea"]).astype("string")
        out["top_idea_votes"] = out["need"].map(best["votes"]).fillna(0.0).astype(float)
    total_votes = out["votes"].sum()
    if total_votes > 0:
        out["workshop_attention"] = out["votes"] / total_votes
        out["score"] = (out["survey_attention"] + out["workshop_attention"]) / 2
        out["basis"] = "survey+workshop"
    else:
        # no workshop: the survey alone, at full weight (not halved against "0 votes")
        out["workshop_attention"] = np.nan
        out["score"] = out["survey_attention"].astype(float)
        out["basis"] = "survey"
    out = out.sort_values(["score", "share"], ascending=False, kind="stable")
    out["rank"] = np.arange(1, len(out) + 1)
    columns = ["need", "label_pl", "label_en", "share", "ci_low", "ci_high", "n",
               "survey_attention", "votes", "workshop_attention", "score", "rank", "top_idea",
               "top_idea_votes", "basis"]  # fmt: skip
    return out[columns].reset_index(drop=True)
