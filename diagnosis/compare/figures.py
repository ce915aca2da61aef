"""Figures of the comparison: caterpillar plots, the needs heatmap, models and change.

Drawn in the house style (:mod:`diagnosis.present.style`). Every function
returns a Figure that is never shown (see :func:`diagnosis.present.style.figure_svg`).
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
from matplotlib.colors import TwoSlopeNorm
from matplotlib.figure import Figure

from ..present.style import INK, OKABE_ITO, house_style, new_figure

__all__ = ["caterpillar", "needs_heatmap"]

_COLOURS = {
    "above": OKABE_ITO["blue"],
    "below": OKABE_ITO["vermillion"],
    "no_difference": "#8C8C8C",
}
_VERDICT = {
    "pl": {
        "above": "powyżej średniej",
        "below": "poniżej średniej",
        "no_difference": "bez istotnej różnicy",
    },
    "en": {"above": "above average", "below": "below average", "no_difference": "no difference"},
}


def caterpillar(
    rows: pd.DataFrame,
    mean: float,
    *,
    percent: bool,
    lang: str = "pl",
    threshold: int | None = None,
    xlabel: str | None = None,
) -> Figure:
    """Towns ranked by an indicator with their intervals, coloured by the verdict against the mean.

    Parameters
    ----------
    rows : DataFrame
        One row per town: ``name, estimate, ci_low, ci_high, verdict`` (and
        ``suppressed``).
    mean : float
        The all-town mean, drawn as a dashed line.
    percent : bool
        A share (axis in percent) or a mean.

    Examples
    --------
    >>> rows = pd.DataFrame({"name": ["Ełk", "Łódź"], "estimate": [0.4, 0.2],
    ...     "ci_low": [0.35, 0.15], "ci_high": [0.45, 0.25], "verdict": ["above", "below"]})
    >>> fig = caterpillar(rows, 0.3, percent=True)
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
    ['Ełk', 'Łódź']
    """
    words = _VERDICT[lang]
    data = rows[rows["estimate"].notna()].sort_values("estimate", ascending=False)
    scale = 100.0 if percent else 1.0
    with house_style():
        fig, ax = new_figure(2.2 + 0.42 * len(data))
        ys = np.arange(len(data))
        for verdict in ("above", "no_difference", "below"):
            part = data["verdict"].to_numpy() == verdict
            if not part.any():
                continue
            colour = _COLOURS[verdict]
            ax.hlines(ys[part], data["ci_low"][part] * scale, data["ci_high"][part] * scale,
                      color=colour, linewidth=1.4, zorder=2)  # fmt: skip
            ax.scatter(data["estimate"][part] * scale, ys[part], s=26, color=colour,
                       edgecolor="white", lw=0.6, zorder=3, label=words[verdict])  # fmt: skip
        ax.axvline(mean * scale, color=INK, linestyle=(0, (3, 2)), linewidth=0.8, zorder=1)
        ax.annotate(
            ("średnia miast" if lang == "pl" else "towns' mean"),
            (mean * scale, 1.0), xycoords=("data", "axes fraction"), xytext=(3, 1),
            textcoords="offset points", fontsize=7, color=INK,
        )  # fmt: skip
        ax.set_yticks(ys, list(data["name"]))
        ax.set_ylim(len(data) - 0.5, -0.9)
        ax.xaxis.grid(True)
        ax.spines["left"].set_visible(False)
        ax.set_xlabel(xlabel or ("%" if percent else ""))
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.02), ncol=3, frameon=False)
        hidden = len(rows) - len(data)
        if hidden:
            fig.text(0.01, 0.0, (f"Pominięto {hidden} miast(a): za mało odpowiedzi (poniżej "
                                 f"{threshold})." if lang == "pl" else f"{hidden} town(s) left "
                                 f"out: too few answers (under {threshold})."),
                     fontsize=7, color=INK)  # fmt: skip
    return fig


def needs_heatmap(
    z: pd.DataFrame,
    order: list[str],
    row_labels: dict[str, str],
    col_labels: dict[str, str],
    cluster: pd.Series,
    lang: str = "pl",
) -> Figure:
    """Towns x needs, standardised (blue: named less often than elsewhere, red: more often).

    Rows follow the clustering tree; a gap separates the clusters.

    Examples
    --------
    >>> z = pd.DataFrame({"x": [1.0, -1.0], "y": [-1.0, 1.0]}, index=["a", "b"])
    >>> fig = needs_heatmap(z, ["b", "a"], {"a": "Ełk", "b": "Łódź"}, {"x": "X", "y": "Y"},
    ...                     pd.Series({"a": 1, "b": 2}))
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
    ['2 · Łódź', '1 · Ełk']
    """
    data = z.loc[order]
    limit = float(np.nanmax(np.abs(data.to_numpy()))) if data.size else 1.0
    with house_style():
        fig, ax = new_figure(4.5 + 0.48 * len(data))
        image = ax.imshow(
            data.to_numpy(dtype=float),
            aspect="auto",
            cmap="RdBu_r",
            norm=TwoSlopeNorm(0.0, -max(limit, 1e-9), max(limit, 1e-9)),
        )
        ax.set_yticks(range(len(data)))
        ax.set_yticklabels([f"{cluster[t]} · {row_labels.get(t, t)}" for t in data.index])
        ax.set_xticks(range(data.shape[1]))
        ax.set_xticklabels(
            [textwrap.shorten(col_labels.get(c, c), 30, placeholder="…") for c in data.columns],
            rotation=55,
            ha="right",
            rotation_mode="anchor",
        )
        ax.tick_params(length=0)
        groups = [cluster[t] for t in data.index]
        for i in range(1, len(groups)):
            if groups[i] != groups[i - 1]:
                ax.axhline(i - 0.5, color="white", linewidth=3)
        for spine in ax.spines.values():
            spine.set_visible(False)
        bar = fig.colorbar(image, ax=ax, shrink=0.6, pad=0.02)
        bar.set_label(
            "odchylenie od średniej miast (w odch. std.)"
            if lang == "pl"
            else "difference from the towns' mean (SD units)"
        )
    return fig
