"""Needs profiles: which towns face similar problems, and whose workshop ideas fit whose need.

A town's needs profile is the share of residents naming each need among the
three most important (``needs__*``). Standardised across towns (z-scores per
need) it shows what is *distinctive* about a town rather than what every town
says; Ward clustering (scipy) of the standardised profiles groups towns that
face similar problems.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..read import read_table
from ..town import load_town
from .indicators import indicator_matrix

__all__ = ["Profiles", "borrowable_ideas", "needs_profiles"]


@dataclass(frozen=True)
class Profiles:
    """Standardised needs profiles of the towns and their clusters.

    Attributes
    ----------
    shares : DataFrame
        Towns x needs: share naming the need (suppressed values are NaN).
    z : DataFrame
        The same standardised per need across towns (NaN stays NaN).
    cluster : Series
        Town -> cluster number (1, 2, ...), similar towns share one.
    order : list of str
        Towns in the order of the clustering tree (for the heatmap).
    top_need : Series
        Town -> the need named most often there.
    """

    shares: pd.DataFrame = field(repr=False)
    z: pd.DataFrame = field(repr=False)
    cluster: pd.Series = field(repr=False)
    order: list[str] = field(repr=False)
    top_need: pd.Series = field(repr=False)


def needs_profiles(table: pd.DataFrame, n_clusters: int = 4, wave: int = 1) -> Profiles:
    """Standardise the towns' needs shares and cluster them (Ward, Euclidean).

    Parameters
    ----------
    table : DataFrame
        From :func:`~diagnosis.compare.indicators.town_indicators`.
    n_clusters : int
        Number of groups to cut the tree into (at most the number of towns).
    wave : int

    Examples
    --------
    >>> t = pd.DataFrame({"town": list("aabbcc"), "wave": 1,
    ...     "indicator": ["needs__x", "needs__y"] * 3,
    ...     "estimate": [0.9, 0.1, 0.8, 0.2, 0.1, 0.9]})
    >>> p = needs_profiles(t, n_clusters=2)
    >>> bool(p.cluster["a"] == p.cluster["b"] != p.cluster["c"]), p.top_need.to_dict()
    (True, {'a': 'x', 'b': 'x', 'c': 'y'})
    """
    from scipy.cluster.hierarchy import fcluster, leaves_list, linkage

    wide = indicator_matrix(table, wave=wave)
    shares = wide[[c for c in wide.columns if c.startswith("needs__")]]
    shares.columns = [c.removeprefix("needs__") for c in shares.columns]
    sd = shares.std(ddof=0).replace(0, np.nan)
    z = (shares - shares.mean()) / sd
    filled = z.fillna(0.0).to_numpy()
    tree = linkage(filled, method="ward")
    k = max(1, min(n_clusters, len(shares)))
    cluster = pd.Series(fcluster(tree, k, criterion="maxclust"), index=shares.index)
    order = [shares.index[i] for i in leaves_list(tree)]
    # renumber clusters in tree order so that cluster 1 is at the top of the heatmap
    renumber = {c: i for i, c in enumerate(dict.fromkeys(cluster[order]), start=1)}
    return Profiles(
        shares=shares,
        z=z,
        cluster=cluster.map(renumber),
        order=order,
        top_need=shares.idxmax(axis=1),
    )


def borrowable_ideas(
    profiles: Profiles, folders: dict[str, Path], per_town: int = 2
) -> pd.DataFrame:
    """Workshop ideas from *other* towns that answer each town's top need.

    Parameters
    ----------
    profiles : Profiles
    folders : dict
        Town slug -> its folder (``workshop.ideas`` in ``town.yaml`` names the file
        with columns ``idea, need, votes``).
    per_town : int
        Ideas listed per town, most votes first; an idea proposed in several
        towns is listed once.

    Returns
    -------
    DataFrame
        ``town, need, idea, from_town, votes``.
    """
    ideas = []
    for slug, folder in folders.items():
        town = load_town(folder)
        if town.workshop_ideas is None:
            continue
        frame = read_table(town.workshop_ideas)
        if not {"idea", "need", "votes"} <= set(frame.columns):
            continue
        frame = frame.loc[frame["idea"].notna(), ["idea", "need", "votes"]].copy()
        frame["from_town"] = slug
        frame["votes"] = pd.to_numeric(frame["votes"], errors="coerce")
        ideas.append(frame)
    columns = ["town", "need", "idea", "from_town", "votes"]
    if not ideas:
        return pd.DataFrame(columns=columns)
    pool = pd.concat(ideas, ignore_index=True)
    rows = []
    for slug, need in profiles.top_need.items():
        fit = pool[(pool["need"].astype(str) == need) & (pool["from_town"] != slug)]
        fit = fit.sort_values(["votes", "from_town"], ascending=[False, True], kind="stable")
        fit = fit.drop_duplicates("idea")  # the same idea from two towns: the first, most votes
        for r in fit.head(per_town).itertuples():
            rows.append([slug, need, r.idea, r.from_town, r.votes])
    return pd.DataFrame(rows, columns=columns)
