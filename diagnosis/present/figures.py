"""The report's figures, drawn from tidy frames in the house style.

Each function takes a DataFrame plus column names, draws inside
:func:`~diagnosis.present.style.house_style` and returns a
:class:`matplotlib.figure.Figure` that is never shown (turn it into markup with
:func:`~diagnosis.present.style.figure_svg`). Labels come from the data in the
report language; the few fixed words ("Ogółem"/"Total", axis titles, notes)
follow ``lang``.

Suppressed values (a ``suppressed`` column that is true, or a missing
estimate) are never drawn: a row shows "—" or is left out, and a note under the
figure says why.

Alt text. Every figure returned carries ``fig.alt_text``, a ``str`` in the
report language (``lang``) that says what the figure shows, for the ``alt`` of
the ``<img>`` it becomes (``getattr(fig, "alt_text", caption)``): not the
caption (that is printed beside it) but the data, in the order drawn: what is
measured, then each label with its share or mean and its confidence interval
(``"kobiety 52% (47–58%)"``), and last how many results are hidden, why and
which labels (``"ukryto 1 wynik (mniej niż 10 odpowiedzi): Osoby 75+"``); a
hidden value is never given, not even rounded. Counts take the right Polish or
English form (:func:`diagnosis.plurals.count`). It is at most
:data:`ALT_TEXT_LIMIT` (600) characters: the labels that do not fit are
counted, ``"i 5 innych"`` / ``"and 5 more"``.

=====================  ==================================================
:func:`likert_bars`    diverging stacked bars for a Likert battery
:func:`dot_interval`   estimates with confidence intervals, by group
:func:`priority_matrix` importance against satisfaction (IPA) with CIs
:func:`pyramid`        sample against population by age and sex
:func:`needs_ranking`  share choosing each need, with workshop votes
=====================  ==================================================

Examples
--------
>>> import pandas as pd
>>> est = pd.DataFrame({"label": ["Kobiety", "Mężczyźni"], "estimate": [0.42, 0.35],
...                     "ci_low": [0.37, 0.30], "ci_high": [0.47, 0.40]})
>>> fig = dot_interval(est, "label", lang="pl")
>>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
['Kobiety', 'Mężczyźni']
>>> fig.alt_text
'Odsetek (w nawiasach przedział ufności): Kobiety 42% (37–47%); Mężczyźni 35% (30–40%).'
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator
from matplotlib.transforms import Bbox, blended_transform_factory

from ..plurals import count
from .checks import PresentError, check_lang, require_columns
from .formatting import format_number, format_percent
from .style import (
    DONT_KNOW_GREYS,
    INK,
    MARK_COLOURS,
    NEUTRAL_COLOUR,
    PALETTE,
    diverging_colours,
    house_style,
    new_figure,
    text_colour,
    text_shade,
)

__all__ = [
    "ALT_TEXT_LIMIT",
    "ALT_WORDS",
    "QUADRANT_COLOURS",
    "QUADRANT_LABELS",
    "WORDS",
    "age_band_label",
    "dot_interval",
    "likert_bars",
    "needs_ranking",
    "priority_matrix",
    "pyramid",
]

#: the fixed words of the figures, per report language
WORDS: dict[str, dict[str, str]] = {
    "pl": {
        "total": "Ogółem",
        "share": "Odsetek",
        "share_answers": "Odsetek odpowiedzi",
        "share_choosing": "Odsetek mieszkańców wskazujących potrzebę",
        "votes": "Głosy na warsztacie",
        "importance": "Ważność",
        "satisfaction": "Zadowolenie",
        "clear": "położenie wyraźne",
        "unclear": "niejasne: przedział ufności przecina linię",
        "lines_mean": "linie przerywane: średnie dla wszystkich usług",
        "lines_given": "linie przerywane: przyjęte progi",
        "sample": "Próba",
        "population": "Populacja",
        "women": "Kobiety",
        "men": "Mężczyźni",
        "hidden": "— ukryto: za mało odpowiedzi, by pokazać wynik",
        "hidden_k": "— ukryto: mniej niż {k} odpowiedzi albo ochrona takiego wyniku",
        "omitted": "Pominięto z powodu zbyt małej liczby odpowiedzi: {what}.",
        "omitted_n": "Pominięto {results} z powodu zbyt małej liczby odpowiedzi.",
        "age": "Wiek",
    },
    "en": {
        "total": "Total",
        "share": "Share",
        "share_answers": "Share of answers",
        "share_choosing": "Share of residents choosing the need",
        "votes": "Workshop votes",
        "importance": "Importance",
        "satisfaction": "Satisfaction",
        "clear": "clear placement",
        "unclear": "unclear: a confidence interval crosses a line",
        "lines_mean": "dashed lines: means over all services",
        "lines_given": "dashed lines: chosen cut-offs",
        "sample": "Sample",
        "population": "Population",
        "women": "Women",
        "men": "Men",
        "hidden": "— hidden: too few respondents to show the result",
        "hidden_k": "— hidden: fewer than {k} respondents, or protecting such a result",
        "omitted": "Left out because of too few respondents: {what}.",
        "omitted_n": "{results} left out because of too few respondents.",
        "age": "Age",
    },
}

#: quadrant code -> (pl, en), as in diagnosis.evidence.priorities
QUADRANT_LABELS: dict[str, tuple[str, str]] = {
    "act": ("Działaj tutaj", "Act here"),
    "keep": ("Utrzymaj", "Keep up"),
    "low": ("Niski priorytet", "Low priority"),
    "overkill": ("Możliwy nadmiar", "Possible overkill"),
}
#: quadrant code -> colour (Okabe-Ito hues at 3:1 or more on white; grey for low priority)
QUADRANT_COLOURS: dict[str, str] = {
    "act": MARK_COLOURS["vermillion"],
    "keep": MARK_COLOURS["bluish_green"],
    "low": "#7A7A7A",
    "overkill": MARK_COLOURS["blue"],
}
_NOTE_COLOUR = "#555555"
# a light white box behind point labels, so whiskers under them do not hide letters
_HALO = {"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none", "alpha": 0.75}


# ----------------------------------------------------------------- helpers
def _wrap(text: object, width: int) -> str:
    return textwrap.fill(str(text), width=width, break_long_words=False) if width else str(text)


def _hidden(df: pd.DataFrame, columns: Sequence[str]) -> np.ndarray:
    """Rows marked suppressed or missing any of ``columns``."""
    mask = df[list(columns)].isna().any(axis=1).to_numpy()
    if "suppressed" in df.columns:
        mask = mask | df["suppressed"].fillna(True).astype(bool).to_numpy()
    return mask


def _label_column(df: pd.DataFrame, label: str | None, lang: str, what: str) -> str:
    if label is not None:
        require_columns(df, [label], what)
        return label
    for candidate in (f"label_{lang}", "label"):
        if candidate in df.columns:
            return candidate
    raise PresentError(
        pl=f"{what}: brak kolumny z etykietami ('label_{lang}' albo 'label'); podaj label=.",
        en=f"{what}: no label column ('label_{lang}' or 'label'); pass label=.",
    )


def _tick_text(value: float, lang: str, percent: bool, absolute: bool) -> str:
    v = abs(value) if absolute else value
    scaled = 100 * v if percent else v
    decimals = 0
    for d in (0, 1, 2):
        if abs(scaled - round(scaled, d)) < 1e-9:
            decimals = d
            break
    else:
        decimals = 2
    text = format_number(scaled, lang, decimals)
    return text + "%" if percent else text


def _axis_format(axis: object, lang: str, percent: bool, absolute: bool = False) -> None:
    axis.set_major_formatter(  # type: ignore[attr-defined]
        FuncFormatter(lambda v, _pos: _tick_text(v, lang, percent, absolute))
    )


def _note(fig: Figure, lines: Sequence[str]) -> None:
    """A small grey note under the figure (laid out with it)."""
    text = "\n".join(line for line in lines if line)
    if text:
        fig.supxlabel(text, x=0.0, ha="left", fontsize=7, color=_NOTE_COLOUR,
                      fontweight="normal", linespacing=1.3)  # fmt: skip


def _header(
    fig: Figure,
    title: str | None,
    handles: Sequence[object] = (),
    labels: Sequence[str] | None = None,
) -> None:
    """The title and the legend above the plot, left-aligned, legend in as few rows as fit.

    With a legend the title is the legend's own title: constrained layout
    stacks a figure legend and a suptitle on top of each other otherwise.
    """
    if not handles:
        if title:
            fig.suptitle(title, x=0.0, ha="left")
        return
    if labels is None:
        labels = [h.get_label() for h in handles]  # type: ignore[attr-defined]
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    room = fig.bbox.width
    for ncol in range(len(labels), 0, -1):  # the most columns that fit the width
        legend = fig.legend(handles, labels, loc="outside upper left", ncol=ncol, title=title,
                            alignment="left",
                            title_fontproperties={"weight": "bold", "size": 9.5})  # fmt: skip
        if ncol == 1 or legend.get_window_extent(renderer).width <= 0.95 * room:
            return
        legend.remove()


def _lines(labels: Sequence[str]) -> int:
    """Total text lines of (wrapped) labels."""
    return sum(str(t).count("\n") + 1 for t in labels)


def _hidden_note(lang: str, threshold: int | None) -> str:
    words = WORDS[lang]
    return words["hidden_k"].format(k=threshold) if threshold else words["hidden"]


def _as_codes(values: object) -> list[str]:
    if values is None:
        return []
    if isinstance(values, str | int | np.integer):
        return [str(values)]
    return [str(v) for v in values]  # type: ignore[attr-defined]


def age_band_label(code: object) -> str:
    """A readable age band: ``"18_29" -> "18–29"``, ``"60_plus" -> "60+"``.

    Examples
    --------
    >>> age_band_label("30_44"), age_band_label("60_plus")
    ('30–44', '60+')
    """
    return str(code).replace("_plus", "+").replace("_", "–")


# ----------------------------------------------------------------- alt text
#: the longest alt text of a figure, in characters; what does not fit is counted
ALT_TEXT_LIMIT = 600

#: the fixed words of the alt texts, per report language
ALT_WORDS: dict[str, dict[str, str]] = {
    "pl": {
        "ci": "w nawiasach przedział ufności",
        "cis": "w nawiasach przedziały ufności",
        "value": "Wartość",
        "by_group": "według grup",
        "hidden_lt": "mniej niż {k}",
        "too_few": "za mało odpowiedzi",
        "unclear": "położenie niejasne",
        "cut_offs": "linie podziału",
        "population": "populacja",
        "pyramid": "Odsetek dorosłych w próbie{n} i w populacji według wieku i płci",
        "hidden_cell": "ukryte",
    },
    "en": {
        "ci": "confidence interval in brackets",
        "cis": "confidence intervals in brackets",
        "value": "Value",
        "by_group": "by group",
        "hidden_lt": "fewer than {k}",
        "too_few": "too few respondents",
        "unclear": "placement unclear",
        "cut_offs": "cut-offs",
        "population": "population",
        "pyramid": "Share of adults in the sample{n} and in the population by age and sex",
        "hidden_cell": "hidden",
    },
}


def _value_text(
    value: float, lang: str, percent: bool, low: float | None = None, high: float | None = None
) -> str:
    """``52% (47–58%)`` for a share, ``3,4 (3,1–3,7)`` for a mean; no brackets without a CI."""
    if percent:
        head = format_percent(value, lang, 0)
        if low is None or high is None or pd.isna(low) or pd.isna(high):
            return head
        return f"{head} ({format_number(100 * low, lang, 0)}–{format_percent(high, lang, 0)})"
    head = format_number(value, lang, 1)
    if low is None or high is None or pd.isna(low) or pd.isna(high):
        return head
    return f"{head} ({format_number(low, lang, 1)}–{format_number(high, lang, 1)})"


def _results(n: int, lang: str) -> str:
    """``"1 wynik"``, ``"2 wyniki"``, ``"5 wyników"`` / ``"1 result"``, ``"2 results"``."""
    return count(n, "wynik", "wyniki", "wyników") if lang == "pl" else count(n, "result", "results")


def _more(n: int, lang: str) -> str:
    """``"i 5 innych"``, ``"i 2 inne"`` / ``"and 5 more"``."""
    if lang == "pl":
        return "i " + count(n, "inny", "inne", "innych")
    return f"and {n} more"


def _listing(items: Sequence[str], budget: int, lang: str, sep: str = "; ") -> str:
    """``items`` joined by ``sep`` in at most ``budget`` characters; the rest counted.

    Never "and 1 more": when one item would be left over, two are.
    """
    items = [i for i in items if i]
    if not items:
        return ""
    whole = sep.join(items)
    if len(whole) <= budget:
        return whole
    reserve = len(sep) + len(_more(len(items), lang))
    kept: list[str] = []
    used = 0
    for item in items:
        extra = len(item) + (len(sep) if kept else 0)
        if used + extra + reserve > budget:
            break
        kept.append(item)
        used += extra
    if len(items) - len(kept) == 1 and len(kept) > 1:
        kept.pop()
    if not kept:  # even one item is too long: cut it
        first = items[0][: max(budget - reserve - 1, 10)].rstrip() + "…"
        kept = [first]
    return sep.join(kept) + sep + _more(len(items) - len(kept), lang)


def _hidden_phrase(n: int, labels: Sequence[str], lang: str, threshold: int | None) -> str:
    """``"ukryto 1 wynik (mniej niż 10 odpowiedzi): Osoby 75+"`` (labels only, never values)."""
    if n <= 0:
        return ""
    words = ALT_WORDS[lang]
    if lang == "pl":
        why = (
            words["hidden_lt"].format(k=count(threshold, "odpowiedź", "odpowiedzi", "odpowiedzi"))
            if threshold
            else words["too_few"]
        )
        head = f"ukryto {_results(n, lang)} ({why})"
    else:
        why = (
            words["hidden_lt"].format(k=count(threshold, "respondent", "respondents"))
            if threshold
            else words["too_few"]
        )
        head = f"{_results(n, lang)} hidden ({why})"
    listed = _listing(list(labels), 200, lang, sep=", ")
    return f"{head}: {listed}" if listed else head


def _alt_text(head: str, items: Sequence[str], lang: str, *, hidden: str = "",
              tail: str = "") -> str:  # fmt: skip
    """``"<head>: <items>; <tail>; <hidden>."`` in at most :data:`ALT_TEXT_LIMIT` characters."""
    fixed = [p for p in (tail, hidden) if p]
    budget = ALT_TEXT_LIMIT - len(head) - 3 - sum(len(p) + 2 for p in fixed)
    body = "; ".join(p for p in [_listing(items, max(budget, 40), lang), *fixed] if p)
    text = f"{head}: {body}" if body else head
    text = text.rstrip(" .") + "."
    if len(text) > ALT_TEXT_LIMIT:  # only a very long head or hidden list gets here
        text = text[: ALT_TEXT_LIMIT - 1].rstrip() + "…"
    return text


def _lower_first(text: str) -> str:
    """``"Głosy na warsztacie" -> "głosy na warsztacie"`` (inside a sentence)."""
    return text[:1].lower() + text[1:]


def _alt_label(text: object) -> str:
    """A label as it reads inside a sentence: no line breaks, no final full stop."""
    return " ".join(str(text).split()).rstrip(".")


# ------------------------------------------------------------ likert_bars
def likert_bars(
    freq: pd.DataFrame,
    order: Sequence[object],
    labels: Mapping[object, str],
    title: str | None = None,
    *,
    item: str = "variable",
    category: str = "level",
    share: str = "estimate",
    item_labels: Mapping[object, str] | None = None,
    dont_know: object = None,
    sort: bool = False,
    threshold: int | None = None,
    lang: str = "pl",
    wrap: int = 42,
    min_label: float = 0.06,
) -> Figure:
    """Diverging stacked bars for a battery of Likert items.

    One bar per item: the negative categories left of zero, the positive
    right, a neutral middle category (when ``order`` has an odd length)
    centred on zero. "Hard to say" is drawn in its own panel at the right,
    never inside the diverging part. Segments of at least ``min_label`` carry
    their percentage.

    Parameters
    ----------
    freq : DataFrame
        One row per item x category with a share (0-1) of all answers,
        including "hard to say" (e.g. ``Design.proportion`` output).
    order : sequence
        Category codes from the most negative to the most positive, without
        "hard to say". Codes are compared as text (``4`` matches ``"4"``).
    labels : mapping
        Category code -> legend label in the report language.
    title : str, optional
        Figure title.
    item, category, share : str
        Columns of ``freq``.
    item_labels : mapping, optional
        Item code -> label; default: the item column as it is.
    dont_know : code or sequence of codes, optional
        Categories shown apart (e.g. ``"99"``).
    sort : bool
        Sort items by their positive share, largest first; default: as given.
    threshold : int, optional
        The suppression threshold, quoted in the note.
    lang : {"pl", "en"}
        Report language of the fixed words.
    wrap : int
        Wrap item labels at this many characters.
    min_label : float
        Smallest share that gets a number inside its segment.

    Returns
    -------
    Figure
        ``fig.axes[0]`` holds the diverging bars (one patch per shown item x
        category of ``order``); ``fig.axes[1]``, if ``dont_know`` is given,
        the "hard to say" bars.

    Notes
    -----
    An item with any hidden (suppressed or missing) category of ``order`` is
    drawn as "—": a bar with a hole would mislead. A hidden "hard to say"
    alone only blanks that bar.

    Examples
    --------
    >>> f = pd.DataFrame({"variable": ["q1"] * 3, "level": ["1", "2", "99"],
    ...                   "estimate": [0.3, 0.6, 0.1]})
    >>> fig = likert_bars(f, ["1", "2"], {"1": "Nie", "2": "Tak", "99": "Trudno powiedzieć"},
    ...                   dont_know="99", item_labels={"q1": "Pytanie"})
    >>> len(fig.axes[0].patches), len(fig.axes[1].patches)
    (2, 1)
    """
    check_lang(lang)
    require_columns(freq, [item, category, share], "likert_bars")
    words = WORDS[lang]
    scale = [str(c) for c in order]
    apart = _as_codes(dont_know)
    if len(scale) < 2:
        raise PresentError(
            pl="Skala potrzebuje co najmniej dwóch kategorii w order.",
            en="The scale needs at least two categories in order.",
        )
    codes = freq[category].astype(str)
    unknown = sorted(set(codes) - set(scale) - set(apart))
    if unknown:
        raise PresentError(
            pl=f"likert_bars: kategorie {unknown} nie występują w order ani w dont_know.",
            en=f"likert_bars: categories {unknown} are neither in order nor in dont_know.",
            column=category,
        )
    names = {str(k): v for k, v in labels.items()}
    missing_labels = [c for c in scale + apart if c not in names]
    if missing_labels:
        raise PresentError(
            pl=f"likert_bars: brak etykiet dla kategorii {missing_labels}.",
            en=f"likert_bars: no labels for the categories {missing_labels}.",
        )
    items = list(dict.fromkeys(freq[item]))
    hidden_row = _hidden(freq, [share])
    shares = pd.DataFrame(0.0, index=pd.Index(items, dtype=object), columns=scale + apart)
    hidden_cell = pd.DataFrame(False, index=shares.index, columns=shares.columns)
    for it, code, value, is_hidden in zip(freq[item], codes, freq[share], hidden_row, strict=True):
        shares.loc[it, code] = np.nan if is_hidden else float(value)
        hidden_cell.loc[it, code] = bool(is_hidden)
    bar_hidden = hidden_cell[scale].any(axis=1).to_numpy()
    if sort:
        positive_key = shares[scale[len(scale) // 2 + len(scale) % 2 :]].sum(axis=1)
        positive_key[bar_hidden] = -1.0
        shares = shares.loc[positive_key.sort_values(ascending=False, kind="stable").index]
        hidden_cell = hidden_cell.loc[shares.index]
        bar_hidden = hidden_cell[scale].any(axis=1).to_numpy()
    shown_items = list(shares.index)
    half = len(scale) // 2
    negative = scale[:half]
    neutral = scale[half] if len(scale) % 2 else None
    positive = scale[half + 1 :] if neutral else scale[half:]
    neg_colours, pos_colours = diverging_colours(len(negative), len(positive))
    colours = dict(zip(negative, neg_colours, strict=True))
    colours.update(zip(positive, pos_colours, strict=True))
    if neutral:
        colours[neutral] = NEUTRAL_COLOUR
    # left edges: neutral centred on zero, negatives stacked outwards to the left
    middle = shares[neutral].fillna(0.0) if neutral else pd.Series(0.0, index=shares.index)
    left = {}
    edge = -middle / 2
    for code in reversed(negative):
        edge = edge - shares[code].fillna(0.0)
        left[code] = edge
    if neutral:
        left[neutral] = -middle / 2
    edge = middle / 2
    for code in positive:
        left[code] = edge
        edge = edge + shares[code].fillna(0.0)

    tick_labels = [_wrap((item_labels or {}).get(i, i), wrap) for i in shown_items]
    per_row = 0.3 + 0.34 * max((_lines([t]) for t in tick_labels), default=1)
    height = 2.6 + max(per_row, 0.62) * len(shown_items) + (0.55 if title else 0.0)
    with house_style():
        if apart:
            fig, (ax, ax_dk) = new_figure(
                height, ncols=2, sharey=True, gridspec_kw={"width_ratios": [6.2, 1]}
            )
        else:
            fig, ax = new_figure(height)
            ax_dk = None
        y = np.arange(len(shown_items), dtype=float)
        shown = ~bar_hidden
        for code in scale:
            width = shares[code].to_numpy()[shown]
            starts = left[code].to_numpy()[shown]
            ax.barh(y[shown], width, left=starts, height=0.68, color=colours[code],
                    edgecolor="white", linewidth=0.6, label=names[code], zorder=2)  # fmt: skip
            for yy, w, s in zip(y[shown], width, starts, strict=True):
                if w >= min_label:
                    ink = text_colour(colours[code])
                    ax.text(s + w / 2, yy, format_number(100 * w, lang, 0), ha="center",
                            va="center", fontsize=6.8, color=ink)  # fmt: skip
        for yy in y[bar_hidden]:
            ax.annotate("—", (0, yy), xytext=(4, 0), textcoords="offset points", ha="left",
                        va="center", color=INK)  # fmt: skip
        ax.axvline(0, color=INK, linewidth=0.8, zorder=1.5)
        ax.set_yticks(y, tick_labels)
        ax.set_ylim(len(shown_items) - 0.5, -0.5)
        left_extent = float((-left[scale[0]])[shown].max()) if shown.any() else 0.5
        right_end = (left[scale[-1]] + shares[scale[-1]].fillna(0.0))[shown]
        right_extent = float(right_end.max()) if shown.any() else 0.5
        step = 0.2 if max(left_extent, right_extent) > 0.45 else 0.1
        lo = -np.ceil(left_extent / step - 1e-9) * step
        hi = np.ceil(right_extent / step - 1e-9) * step
        ax.set_xlim(lo - 0.01, hi + 0.01)
        ax.set_xticks(np.arange(lo, hi + step / 2, step))
        _axis_format(ax.xaxis, lang, percent=True, absolute=True)
        ax.xaxis.grid(True)
        ax.spines["left"].set_visible(False)
        ax.set_xlabel(words["share_answers"])
        handles, legend_labels = ax.get_legend_handles_labels()
        if ax_dk is not None:
            start = np.zeros(len(shown_items))
            for k, code in enumerate(apart):
                values = shares[code].to_numpy()
                ok = ~hidden_cell[code].to_numpy()
                colour = DONT_KNOW_GREYS[k % len(DONT_KNOW_GREYS)]
                ax_dk.barh(y[ok], values[ok], left=start[ok], height=0.68, color=colour,
                           edgecolor="white", linewidth=0.6,
                           label=names[code])  # fmt: skip
                start = start + np.nan_to_num(values)
            dk_hidden = hidden_cell[apart].any(axis=1).to_numpy()
            top = max(float(np.nanmax(start)) if len(start) else 0.0, 0.05)
            for yy, total, gone in zip(y, start, dk_hidden, strict=True):
                text = "—" if gone else format_number(100 * total, lang, 0)
                ax_dk.text((0 if gone else total) + top * 0.06, yy, text, va="center",
                           fontsize=6.8, color=INK)  # fmt: skip
            ax_dk.set_xlim(0, top * 1.55)
            ax_dk.set_xticks([])
            ax_dk.spines["left"].set_visible(False)
            ax_dk.spines["bottom"].set_visible(False)
            ax_dk.tick_params(axis="y", left=False)
            ax_dk.set_title(_wrap(" / ".join(names[c] for c in apart), 14), fontsize=7.5,
                            fontweight="normal", loc="left")  # fmt: skip
        _header(fig, title, handles, legend_labels)
        notes = []
        if bar_hidden.any() or (apart and hidden_cell[apart].to_numpy().any()):
            notes.append(_hidden_note(lang, threshold))
        _note(fig, notes)
    alt_items, alt_hidden = [], []
    for i, it in enumerate(shown_items):
        name = _alt_label((item_labels or {}).get(it, it))
        if bar_hidden[i]:
            alt_hidden.append(name)
            continue
        row, gone = shares.iloc[i], hidden_cell.iloc[i]
        parts = [f"{names[c]} {format_percent(row[c], lang, 0)}" for c in scale + apart
                 if not gone[c]]  # fmt: skip
        if any(gone[c] for c in apart):
            alt_hidden.append(f"{name} ({', '.join(names[c] for c in apart if gone[c])})")
        alt_items.append(f"{name}: {', '.join(parts)}")
    fig.alt_text = _alt_text(  # type: ignore[attr-defined]
        words["share_answers"], alt_items, lang,
        hidden=_hidden_phrase(len(alt_hidden), alt_hidden, lang, threshold),
    )  # fmt: skip
    return fig


# ------------------------------------------------------------ dot_interval
def dot_interval(
    est: pd.DataFrame,
    label_col: str,
    *,
    estimate: str = "estimate",
    low: str = "ci_low",
    high: str = "ci_high",
    group: str | None = None,
    group_order: Sequence[object] | None = None,
    group_labels: Mapping[object, str] | None = None,
    sort: bool = True,
    percent: bool = True,
    show_suppressed: bool = True,
    threshold: int | None = None,
    total: float | None = None,
    annotate: bool | None = None,
    xlabel: str | None = None,
    title: str | None = None,
    lang: str = "pl",
    wrap: int = 42,
) -> Figure:
    """Estimates as dots with confidence-interval whiskers, one row per label.

    Parameters
    ----------
    est : DataFrame
        One row per label (x group): an estimate frame with a label column.
    label_col : str
        Column with the row labels in the report language.
    estimate, low, high : str
        Columns of the estimate and its interval.
    group : str, optional
        Column whose values get dodged dots in Okabe-Ito colours and a legend
        (e.g. sex, age band, district).
    group_order : sequence, optional
        Order of the groups; default: as they first appear.
    group_labels : mapping, optional
        Group value -> legend label.
    sort : bool
        Largest estimate at the top (mean over the groups); hidden rows last.
        ``False``: the order of ``est``.
    percent : bool
        Estimates are shares: axis in percent.
    show_suppressed : bool
        ``True``: a hidden row keeps its line and shows "—"; ``False``: it
        is left out. Either way a note says so.
    threshold : int, optional
        The suppression threshold, quoted in the note.
    total : float, optional
        A whole-town value drawn as a dashed line labelled "Ogółem"/"Total".
    annotate : bool, optional
        Write the value next to each dot; default: only without groups.
    xlabel, title : str, optional
        Axis label (default "Odsetek"/"Share" for shares) and title.
    lang : {"pl", "en"}
        Report language of the fixed words.
    wrap : int
        Wrap labels at this many characters.

    Returns
    -------
    Figure
        One axes: per group one scatter of the shown dots (``ax.collections``
        holds a line collection of whiskers and a path collection of dots per
        group).

    Examples
    --------
    >>> e = pd.DataFrame({"label": ["a", "a", "b", "b"], "sex": ["K", "M", "K", "M"],
    ...                   "estimate": [0.5, 0.4, 0.3, None], "ci_low": [0.4, 0.3, 0.2, None],
    ...                   "ci_high": [0.6, 0.5, 0.4, None]})
    >>> fig = dot_interval(e, "label", group="sex")
    >>> [len(c.get_offsets()) for c in fig.axes[0].collections if hasattr(c, "get_sizes")]
    [2, 1]
    """
    check_lang(lang)
    require_columns(est, [label_col, estimate, low, high, group], "dot_interval")
    words = WORDS[lang]
    data = est.reset_index(drop=True).copy()
    data["_hidden"] = _hidden(data, [estimate])
    if group is None:
        data["_group"] = ""
        groups: list[object] = [""]
    else:
        data["_group"] = data[group]
        groups = list(group_order) if group_order is not None else list(dict.fromkeys(data[group]))
    n_hidden = int(data["_hidden"].sum())
    all_rows = data
    if not show_suppressed:
        data = data[~data["_hidden"]]
    rows = list(dict.fromkeys(data[label_col]))
    if sort:
        key = data[~data["_hidden"]].groupby(label_col, sort=False)[estimate].mean()
        rows = sorted(rows, key=lambda r: -key.get(r, -np.inf) if r in key else np.inf)
    position = {r: i for i, r in enumerate(rows)}
    if annotate is None:
        annotate = group is None
    shown = data[~data["_hidden"]]
    spread = 0.0 if len(groups) == 1 else min(0.56, 0.18 * (len(groups) - 1))
    offsets = np.linspace(-spread / 2, spread / 2, len(groups))
    height = 1.1 + (0.62 + 0.16 * (len(groups) - 1)) * max(len(rows), 1) + (0.5 if title else 0)
    height += 0.5 if group is not None else 0.0
    with house_style():
        fig, ax = new_figure(height + (0.45 if n_hidden else 0.0))
        dash_x = blended_transform_factory(ax.transAxes, ax.transData)
        for k, g in enumerate(groups):
            colour = PALETTE[k % len(PALETTE)]
            part = shown[shown["_group"] == g] if group is not None else shown
            ys = part[label_col].map(position).to_numpy(dtype=float) + offsets[k]
            ax.hlines(ys, part[low], part[high], color=colour, linewidth=1.4, zorder=2)
            name = str((group_labels or {}).get(g, g))
            ax.scatter(part[estimate], ys, s=26, color=colour, edgecolor="white",
                       linewidth=0.6, zorder=3, label=name)  # fmt: skip
            if annotate:
                for x, yy, hi in zip(part[estimate], ys, part[high], strict=True):
                    ax.annotate(format_percent(x, lang, 0) if percent else format_number(x, lang),
                                (hi, yy), xytext=(4, 0), textcoords="offset points",
                                va="center", fontsize=7, color=INK)  # fmt: skip
            gone = data[data["_hidden"] & ((data["_group"] == g) if group is not None else True)]
            for r in gone[label_col]:
                ax.text(0.5, position[r] + offsets[k], "—", transform=dash_x, ha="center",
                        va="center",
                        color=text_shade(colour) if group is not None else INK)  # fmt: skip
        lows, highs = shown[low].to_numpy(dtype=float), shown[high].to_numpy(dtype=float)
        values = np.concatenate([lows, highs, [] if total is None else [total]])
        values = values[~np.isnan(values)]
        lo, hi = (float(values.min()), float(values.max())) if len(values) else (0.0, 1.0)
        pad = max(hi - lo, 0.05 if percent else 0.1) * 0.06
        right = pad * (3.2 if annotate else 1.0)
        lo, hi = lo - pad, hi + right
        if percent:
            lo, hi = max(lo, 0.0), min(hi, 1.0 + right)
        ax.set_xlim(lo, hi)
        if total is not None:
            ax.axvline(total, color=INK, linestyle=(0, (3, 2)), linewidth=0.8, zorder=1)
            shown_total = format_percent(total, lang, 0) if percent else format_number(total, lang)
            ax.annotate(f"{words['total']}: {shown_total}", (total, 1.0),
                        xycoords=("data", "axes fraction"), xytext=(3, 1),
                        textcoords="offset points", fontsize=7, color=INK)  # fmt: skip
        ax.set_yticks(range(len(rows)), [_wrap(r, wrap) for r in rows])
        ax.set_ylim(len(rows) - 0.5, -0.5 - (0.35 if total is not None else 0))
        ax.xaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]))
        _axis_format(ax.xaxis, lang, percent)
        ax.xaxis.grid(True)
        ax.spines["left"].set_visible(False)
        ax.set_xlabel(xlabel if xlabel is not None else (words["share"] if percent else ""))
        _header(fig, title, ax.get_legend_handles_labels()[0] if group is not None else ())
        if n_hidden:
            omitted = words["omitted_n"].format(results=_results(n_hidden, lang))
            _note(fig, [_hidden_note(lang, threshold) if show_suppressed else omitted])
    fig.alt_text = _dot_alt_text(  # type: ignore[attr-defined]
        all_rows, rows, groups, label_col, estimate, low, high, group is not None,
        group_labels, percent, total, xlabel, threshold, lang,
    )  # fmt: skip
    return fig


def _dot_alt_text(
    data: pd.DataFrame,
    rows: Sequence[object],
    groups: Sequence[object],
    label_col: str,
    estimate: str,
    low: str,
    high: str,
    grouped: bool,
    group_labels: Mapping[object, str] | None,
    percent: bool,
    total: float | None,
    xlabel: str | None,
    threshold: int | None,
    lang: str,
) -> str:
    """The alt text of :func:`dot_interval`: every shown value with its interval."""
    words, alt = WORDS[lang], ALT_WORDS[lang]
    measure = _alt_label(xlabel) if xlabel else (words["share"] if percent else alt["value"])
    shown = data[~data["_hidden"]]
    head = measure + (f" {alt['by_group']}" if grouped else "")
    if shown[[low, high]].notna().all(axis=1).any():
        head += f" ({alt['ci']})"
    group_name = {g: _alt_label((group_labels or {}).get(g, g)) for g in groups}
    order = {r: i for i, r in enumerate(rows)}
    items = []
    for r in rows:
        part = shown[shown[label_col] == r]
        part = part.assign(_k=part["_group"].map({g: k for k, g in enumerate(groups)}))
        values = [
            (group_name.get(g, _alt_label(g)) + " " if grouped else "")
            + _value_text(v, lang, percent, lo, hi)
            for g, v, lo, hi in part.sort_values("_k", kind="stable")[
                ["_group", estimate, low, high]
            ].itertuples(index=False)
        ]
        if values:
            items.append(f"{_alt_label(r)}: {', '.join(values)}" if grouped
                         else f"{_alt_label(r)} {values[0]}")  # fmt: skip
    gone = data[data["_hidden"]]
    gone = gone.assign(_o=gone[label_col].map(order).fillna(len(order)))
    hidden_labels = [
        _alt_label(r) + (f" ({group_name.get(g, _alt_label(g))})" if grouped else "")
        for r, g in gone.sort_values("_o", kind="stable")[[label_col, "_group"]].itertuples(
            index=False
        )
    ]
    tail = ""
    if total is not None:
        tail = f"{words['total']}: {_value_text(total, lang, percent)}"
    hidden = _hidden_phrase(len(hidden_labels), hidden_labels, lang, threshold)
    return _alt_text(head, items, lang, tail=tail, hidden=hidden)


# --------------------------------------------------------- priority_matrix
def _quadrant(importance: float, satisfaction: float, imp_line: float, sat_line: float) -> str:
    high = importance >= imp_line
    satisfied = satisfaction >= sat_line
    if high:
        return "keep" if satisfied else "act"
    return "overkill" if satisfied else "low"


def _place_labels(
    fig: Figure, ax: Axes, xs: np.ndarray, ys: np.ndarray, texts: Sequence[str]
) -> None:
    """Put each label next to its point where it overlaps no other label or point.

    Tries eight directions at growing distances and takes the first spot inside
    the axes that is free; far spots get a thin leader line. Runs the layout
    first and then freezes it, so positions measured are the final ones.
    """
    fig.draw_without_rendering()
    fig.set_layout_engine("none")
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    frame = ax.get_window_extent(renderer)
    points = ax.transData.transform(np.column_stack([xs, ys]))
    r = 4.0 * fig.dpi / 72
    obstacles = [Bbox.from_extents(px - r, py - r, px + r, py + r) for px, py in points]
    directions = [
        (6, 0, "left", "center"),
        (-6, 0, "right", "center"),
        (0, 6, "center", "bottom"),
        (0, -6, "center", "top"),
        (5, 5, "left", "bottom"),
        (-5, 5, "right", "bottom"),
        (5, -5, "left", "top"),
        (-5, -5, "right", "top"),
    ]
    candidates = [
        (m * dx, m * dy, ha, va, m) for m in (1, 2, 3.2, 4.5) for dx, dy, ha, va in directions
    ]
    placed: list[Bbox] = []
    # place labels of crowded points first: they have the fewest free spots
    crowd = [
        sum(np.hypot(*(points[i] - points[j])) < 60 * fig.dpi / 72 for j in range(len(points)))
        for i in range(len(points))
    ]
    for i in sorted(range(len(texts)), key=lambda i: -crowd[i]):
        others = [b for j, b in enumerate(obstacles) if j != i]
        chosen = None
        for dx, dy, ha, va, m in candidates:
            arrow = {"arrowstyle": "-", "lw": 0.4, "color": "#777777", "shrinkA": 0,
                     "shrinkB": 3} if m > 1 else None  # fmt: skip
            label = ax.annotate(texts[i], (xs[i], ys[i]), xytext=(dx, dy),
                                textcoords="offset points", ha=ha, va=va, fontsize=7,
                                color=INK, arrowprops=arrow, zorder=4, bbox=_HALO)  # fmt: skip
            box = label.get_window_extent(renderer).padded(1.5)
            inside = (
                box.x0 >= frame.x0
                and box.x1 <= frame.x1
                and box.y0 >= frame.y0
                and box.y1 <= frame.y1
            )
            if inside and not any(box.overlaps(b) for b in placed + others):
                chosen = box
                break
            label.remove()
        if chosen is None:  # nowhere free: accept the first spot
            dx, dy, ha, va, _ = candidates[0]
            label = ax.annotate(texts[i], (xs[i], ys[i]), xytext=(dx, dy),
                                textcoords="offset points", ha=ha, va=va, fontsize=7,
                                color=INK, zorder=4, bbox=_HALO)  # fmt: skip
            chosen = label.get_window_extent(renderer)
        placed.append(chosen)


def priority_matrix(
    df: pd.DataFrame,
    *,
    label: str | None = None,
    importance: str = "importance",
    imp_low: str = "imp_low",
    imp_high: str = "imp_high",
    satisfaction: str = "satisfaction",
    sat_low: str = "sat_low",
    sat_high: str = "sat_high",
    importance_line: float | None = None,
    satisfaction_line: float | None = None,
    percent: bool = True,
    xlabel: str | None = None,
    ylabel: str | None = None,
    title: str | None = None,
    lang: str = "pl",
    wrap: int = 24,
) -> Figure:
    """Importance against satisfaction per service, with CI crosshairs and quadrants.

    Importance-performance analysis (Martilla & James 1977): satisfaction on
    x, importance on y, dashed lines at the cut-offs. High importance with low
    satisfaction is "Działaj tutaj"/"Act here"; high with high "Utrzymaj"/"Keep
    up"; low with low "Niski priorytet"/"Low priority"; low importance with
    high satisfaction "Możliwy nadmiar"/"Possible overkill". A point is filled
    when both intervals keep clear of their lines and hollow ("unclear") when
    either crosses (../shared/DOMAIN.md).

    Parameters
    ----------
    df : DataFrame
        One row per service (e.g. ``diagnosis.evidence.priorities.
        importance_satisfaction`` output). Rows with a missing estimate or
        ``suppressed`` true are left out with a note.
    label : str, optional
        Label column; default ``label_<lang>`` or ``label``.
    importance, imp_low, imp_high, satisfaction, sat_low, sat_high : str
        Columns of the two estimates and their intervals.
    importance_line, satisfaction_line : float, optional
        Cut-offs; default ``df.attrs["importance_line"]`` /
        ``df.attrs["satisfaction_line"]`` if set, else the means over the
        services shown.
    percent : bool
        Estimates are shares: axes in percent.
    xlabel, ylabel, title : str, optional
        Axis labels (default "Zadowolenie"/"Ważność") and title.
    lang : {"pl", "en"}
        Report language.
    wrap : int
        Wrap point labels at this many characters.

    Returns
    -------
    Figure
        One axes; ``ax.collections`` holds two line collections (the
        crosshairs) and two path collections with ``gid`` ``"clear"`` and
        ``"unclear"`` (hollow markers).

    Examples
    --------
    >>> d = pd.DataFrame({"label": ["Drogi", "Kultura", "Zieleń"],
    ...                   "importance": [0.9, 0.5, 0.7], "imp_low": [0.85, 0.45, 0.6],
    ...                   "imp_high": [0.95, 0.55, 0.8], "satisfaction": [0.3, 0.8, 0.55],
    ...                   "sat_low": [0.25, 0.75, 0.45], "sat_high": [0.35, 0.85, 0.65]})
    >>> fig = priority_matrix(d, lang="en")
    >>> {c.get_gid(): len(c.get_offsets()) for c in fig.axes[0].collections if c.get_gid()}
    {'clear': 2, 'unclear': 1}
    """
    check_lang(lang)
    label = _label_column(df, label, lang, "priority_matrix")
    columns = [importance, imp_low, imp_high, satisfaction, sat_low, sat_high]
    require_columns(df, columns, "priority_matrix")
    words = WORDS[lang]
    hidden = _hidden(df, [importance, satisfaction])
    data = df[~hidden].reset_index(drop=True)
    left_out = [str(x) for x in df.loc[hidden, label]]
    given = importance_line is not None or satisfaction_line is not None
    if importance_line is None:
        importance_line = df.attrs.get("importance_line", data[importance].mean())
    if satisfaction_line is None:
        satisfaction_line = df.attrs.get("satisfaction_line", data[satisfaction].mean())
    given = given or "importance_line" in df.attrs
    imp, sat = data[importance].to_numpy(float), data[satisfaction].to_numpy(float)
    quadrant = [
        _quadrant(i, s, importance_line, satisfaction_line) for i, s in zip(imp, sat, strict=True)
    ]
    imp_lo, imp_hi = data[imp_low].to_numpy(float), data[imp_high].to_numpy(float)
    sat_lo, sat_hi = data[sat_low].to_numpy(float), data[sat_high].to_numpy(float)
    clear = ((imp_lo > importance_line) | (imp_hi < importance_line)) & (
        (sat_lo > satisfaction_line) | (sat_hi < satisfaction_line)
    )
    colours = [QUADRANT_COLOURS[q] for q in quadrant]
    with house_style():
        fig, ax = new_figure(12.5 + (0.5 if title else 0) + (0.4 if left_out else 0))
        # opaque: at alpha 0.8 the green and the grey fall below 3:1 on white
        ax.hlines(imp, sat_lo, sat_hi, colors=colours, linewidth=0.9, zorder=2)
        ax.vlines(sat, imp_lo, imp_hi, colors=colours, linewidth=0.9, zorder=2)
        filled = [c for c, k in zip(colours, clear, strict=True) if k]
        ax.scatter(sat[clear], imp[clear], s=34, c=filled, edgecolors="white", linewidths=0.6,
                   zorder=3, gid="clear")  # fmt: skip
        ax.scatter(sat[~clear], imp[~clear], s=30, facecolors="white",
                   edgecolors=[c for c, k in zip(colours, clear, strict=True) if not k],
                   linewidths=1.3, zorder=3, gid="unclear")  # fmt: skip
        ax.axhline(importance_line, color=INK, linestyle=(0, (4, 3)), linewidth=0.7, zorder=1)
        ax.axvline(satisfaction_line, color=INK, linestyle=(0, (4, 3)), linewidth=0.7, zorder=1)
        xs = np.concatenate([sat_lo, sat_hi, [satisfaction_line]])
        ys = np.concatenate([imp_lo, imp_hi, [importance_line]])
        for values, setter in ((xs, ax.set_xlim), (ys, ax.set_ylim)):
            values = values[~np.isnan(values)]
            lo, hi = float(values.min()), float(values.max())
            pad = max(hi - lo, 0.1 if percent else 0.5) * 0.12
            lo, hi = lo - pad, hi + pad
            if percent:
                lo, hi = max(lo, -0.005), min(hi, 1.005)
            setter(lo, hi)
        corners = {
            "act": (0.01, 0.99, "left", "top"),
            "keep": (0.99, 0.99, "right", "top"),
            "low": (0.01, 0.01, "left", "bottom"),
            "overkill": (0.99, 0.01, "right", "bottom"),
        }
        index = 0 if lang == "pl" else 1
        for code, (x, y, ha, va) in corners.items():
            ax.text(x, y, QUADRANT_LABELS[code][index], transform=ax.transAxes, ha=ha, va=va,
                    fontsize=8, fontweight="bold",
                    color=text_shade(QUADRANT_COLOURS[code]))  # fmt: skip
        for axis in (ax.xaxis, ax.yaxis):
            axis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]))
            _axis_format(axis, lang, percent)
        ax.grid(True)
        ax.set_xlabel(xlabel if xlabel is not None else words["satisfaction"])
        ax.set_ylabel(ylabel if ylabel is not None else words["importance"])
        handles = [
            Line2D([], [], marker="o", linestyle="", color="#555555", markeredgecolor="white",
                   markersize=6, label=words["clear"]),
            Line2D([], [], marker="o", linestyle="", markerfacecolor="white",
                   markeredgecolor="#555555", markeredgewidth=1.3, markersize=5.5,
                   label=words["unclear"]),
            Line2D([], [], color=INK, linestyle=(0, (4, 3)), linewidth=0.7,
                   label=words["lines_given"] if given else words["lines_mean"]),
        ]  # fmt: skip
        _header(fig, title, handles)
        if left_out:
            _note(fig, [words["omitted"].format(what=", ".join(left_out))])
        _place_labels(fig, ax, sat, imp, [_wrap(t, wrap) for t in data[label]])
    alt, index = ALT_WORDS[lang], 0 if lang == "pl" else 1
    y_name = _alt_label(ylabel) if ylabel else words["importance"]
    x_name = _alt_label(xlabel) if xlabel else words["satisfaction"]
    y_low, x_low = _lower_first(y_name), _lower_first(x_name)
    lines = (f"{alt['cut_offs']}: {y_low} {_value_text(importance_line, lang, percent)}, "
             f"{x_low} {_value_text(satisfaction_line, lang, percent)}")  # fmt: skip
    head = f"{y_name} {'i' if lang == 'pl' else 'and'} {x_low} ({alt['cis']}; {lines})"
    items, seen = [], set()
    rank = {q: k for k, q in enumerate(("act", "keep", "low", "overkill"))}
    for i in sorted(range(len(data)), key=lambda i: (rank[quadrant[i]], -imp[i])):
        q = quadrant[i]
        text = (f"{_alt_label(data[label].iloc[i])}: "
                f"{y_low} {_value_text(imp[i], lang, percent, imp_lo[i], imp_hi[i])}, "
                f"{x_low} {_value_text(sat[i], lang, percent, sat_lo[i], sat_hi[i])}")  # fmt: skip
        if not clear[i]:
            text += f", {alt['unclear']}"
        if q not in seen:
            text = f"{QUADRANT_LABELS[q][index]} — {text}"
            seen.add(q)
        items.append(text)
    fig.alt_text = _alt_text(  # type: ignore[attr-defined]
        head, items, lang, hidden=_hidden_phrase(len(left_out), left_out, lang, None)
    )
    return fig


# ------------------------------------------------------------------ pyramid
def pyramid(
    sample: pd.DataFrame,
    population: pd.DataFrame,
    *,
    age: str = "age_band",
    sex: str = "sex",
    sample_value: str = "n",
    population_value: str = "population",
    female: object = "female",
    male: object = "male",
    age_order: Sequence[object] | None = None,
    age_labels: Mapping[object, str] | None = None,
    threshold: int | None = None,
    sample_total: float | None = None,
    title: str | None = None,
    lang: str = "pl",
) -> Figure:
    """The sample against the population by age band and sex, as shares of all.

    Men on the left, women on the right; the population as outlined bars,
    the sample as filled bars inside them, so over- and under-representation
    show as a filled bar that overshoots or falls short of its outline.

    Parameters
    ----------
    sample, population : DataFrame
        One row per age band x sex with a count (or share); each is divided by
        its own total, so both sides are shares of all adults.
    age, sex : str
        Columns of both frames.
    sample_value, population_value : str
        The counts (town.yaml's ``margins`` give ``population``).
    female, male : object
        The codes of the two sexes in ``sex``.
    age_order : sequence, optional
        Age bands from youngest (bottom) to oldest; default: sorted codes.
    age_labels : mapping, optional
        Age band -> label; default :func:`age_band_label`.
    threshold : int, optional
        Sample cells with fewer respondents, or marked ``suppressed``, are not
        drawn (only the population outline, and "—").
    sample_total : float, optional
        The whole sample's size, when ``sample`` has suppressed (blank) cells:
        shares are of it, and the legend's n is it. Default: the sum of the counts.
    title : str, optional
        Title.
    lang : {"pl", "en"}
        Report language.

    Returns
    -------
    Figure
        One axes with one patch per age band x sex for the population and one
        per shown sample cell.

    Examples
    --------
    >>> pop = pd.DataFrame({"age_band": ["18_29", "18_29", "60_plus", "60_plus"],
    ...                     "sex": ["female", "male"] * 2, "population": [20, 20, 35, 25]})
    >>> smp = pop.rename(columns={"population": "n"}).assign(n=[30, 12, 40, 18])
    >>> len(pyramid(smp, pop).axes[0].patches)
    8
    """
    check_lang(lang)
    require_columns(sample, [age, sex, sample_value], "pyramid (sample)")
    require_columns(population, [age, sex, population_value], "pyramid (population)")
    words = WORDS[lang]
    bands = (
        list(age_order)
        if age_order is not None
        else sorted(set(population[age]) | set(sample[age]), key=str)
    )
    names = {b: (age_labels or {}).get(b, age_band_label(b)) for b in bands}
    pop_counts = pd.to_numeric(population[population_value], errors="coerce")
    pop_share = pop_counts.groupby([population[age], population[sex]]).sum() / pop_counts.sum()
    counts = pd.to_numeric(sample[sample_value], errors="coerce")
    gone = _hidden(sample, [sample_value])
    if threshold is not None:
        gone = gone | (counts < threshold).to_numpy()
    total = float(counts.sum()) if sample_total is None else float(sample_total)
    sample_share = counts.groupby([sample[age], sample[sex]]).sum() / total
    gone_cells = set(zip(sample.loc[gone, age], sample.loc[gone, sex], strict=True))
    integer_counts = bool(np.allclose(counts.dropna(), counts.dropna().round()))
    sample_n = int(total) if integer_counts and total > 1 else None
    colours = {male: MARK_COLOURS["blue"], female: MARK_COLOURS["orange"]}
    y = np.arange(len(bands), dtype=float)
    with house_style():
        fig, ax = new_figure(1.2 + 0.95 * len(bands) + 1.3 + (0.5 if title else 0))
        extent = 0.0
        for code, sign in ((male, -1.0), (female, 1.0)):
            pop = np.array([pop_share.get((b, code), 0.0) for b in bands])
            smp = np.array([sample_share.get((b, code), np.nan) for b in bands])
            shown = np.array([(b, code) not in gone_cells and not np.isnan(v)
                              for b, v in zip(bands, smp, strict=True)])  # fmt: skip
            ax.barh(y[shown], sign * smp[shown], height=0.52, color=colours[code],
                    edgecolor="none", zorder=2)  # fmt: skip
            ax.barh(y, sign * pop, height=0.82, fill=False, edgecolor=INK, linewidth=0.9,
                    zorder=3)  # fmt: skip
            for yy in y[~shown]:
                ax.text(sign * 0.004, yy, "—", ha="left" if sign > 0 else "right",
                        va="center", color=INK, zorder=4)  # fmt: skip
            extent = max(extent, float(np.nanmax(np.concatenate([pop, smp[shown], [0]]))))
        ax.axvline(0, color=INK, linewidth=0.8, zorder=4)
        limit = extent * 1.08
        ax.set_xlim(-limit, limit)
        ax.xaxis.set_major_locator(MaxNLocator(nbins=8, steps=[1, 2, 2.5, 5, 10], symmetric=True))
        _axis_format(ax.xaxis, lang, percent=True, absolute=True)
        ax.xaxis.grid(True)
        ax.set_yticks(y, [names[b] for b in bands])
        ax.set_ylim(-0.6, len(bands) - 0.4)
        ax.set_ylabel(words["age"])
        ax.spines["left"].set_visible(False)
        ax.set_xlabel(words["share"])
        for x, text, code in ((0.25, words["men"], male), (0.75, words["women"], female)):
            ax.text(x, 1.01, text, transform=ax.transAxes, ha="center", va="bottom",
                    fontweight="bold", color=text_shade(colours[code]))  # fmt: skip
        sample_label = words["sample"] + (
            f" (n = {format_number(sample_n, lang, 0)})" if sample_n else ""
        )
        handles = [
            Patch(facecolor=colours[male], label=f"{sample_label}: {words['men'].lower()}"),
            Patch(facecolor=colours[female], label=f"{sample_label}: {words['women'].lower()}"),
            Patch(fill=False, edgecolor=INK, linewidth=0.9, label=words["population"]),
        ]
        _header(fig, title, handles)
        if gone_cells:
            _note(fig, [_hidden_note(lang, threshold)])
    alt = ALT_WORDS[lang]
    items, n_gone = [], 0
    for b in bands:
        parts = []
        for code, word in ((male, words["men"]), (female, words["women"])):
            pop = f"({alt['population']} {format_percent(pop_share.get((b, code), 0.0), lang, 0)})"
            smp = sample_share.get((b, code), np.nan)
            if (b, code) in gone_cells or pd.isna(smp):
                n_gone += 1
                parts.append(f"{word.lower()} {alt['hidden_cell']} {pop}")
            else:
                parts.append(f"{word.lower()} {format_percent(smp, lang, 0)} {pop}")
        items.append(f"{_alt_label(names[b])}: {', '.join(parts)}")
    head = alt["pyramid"].format(n=f" (n = {format_number(sample_n, lang, 0)})" if sample_n else "")
    fig.alt_text = _alt_text(  # type: ignore[attr-defined]
        head, items, lang, hidden=_hidden_phrase(n_gone, [], lang, threshold)
    )
    return fig


# ------------------------------------------------------------ needs_ranking
def needs_ranking(
    df: pd.DataFrame,
    *,
    label: str | None = None,
    share: str = "share",
    low: str = "ci_low",
    high: str = "ci_high",
    votes: str | None = None,
    order: str = "share",
    top: int | None = None,
    threshold: int | None = None,
    xlabel: str | None = None,
    title: str | None = None,
    lang: str = "pl",
    wrap: int = 40,
) -> Figure:
    """Horizontal bars of the share choosing each need, with CIs and workshop votes.

    Parameters
    ----------
    df : DataFrame
        One row per need (e.g. ``diagnosis.evidence.priorities.rank_needs``
        output: ``label_pl, label_en, share, ci_low, ci_high, votes, rank``).
    label : str, optional
        Label column; default ``label_<lang>`` or ``label``.
    share, low, high : str
        The share (0-1) and its interval.
    votes : str, optional
        Workshop votes per need, drawn as a second panel on the right.
    order : {"share", "given"}
        ``"share"``: largest share at the top (hidden rows last); ``"given"``:
        the order of ``df`` (e.g. by the combined rank).
    top : int, optional
        Show only the first ``top`` needs (after ordering).
    threshold : int, optional
        The suppression threshold, quoted in the note.
    xlabel, title : str, optional
        Axis label of the share panel and title.
    lang : {"pl", "en"}
        Report language.
    wrap : int
        Wrap labels at this many characters.

    Returns
    -------
    Figure
        ``fig.axes[0]``: one bar patch per shown need; ``fig.axes[1]`` (with
        ``votes``): one bar per need.

    Examples
    --------
    >>> d = pd.DataFrame({"label": ["Drogi", "Żłobek"], "share": [0.41, 0.22],
    ...                   "ci_low": [0.36, 0.18], "ci_high": [0.46, 0.26], "votes": [3, 11]})
    >>> fig = needs_ranking(d, votes="votes")
    >>> len(fig.axes[0].patches), len(fig.axes[1].patches)
    (2, 2)
    """
    check_lang(lang)
    label = _label_column(df, label, lang, "needs_ranking")
    require_columns(df, [share, low, high, votes], "needs_ranking")
    if order not in ("share", "given"):
        raise PresentError(
            pl=f"Nieznany porządek '{order}'; wybierz 'share' albo 'given'.",
            en=f"Unknown order '{order}'; choose 'share' or 'given'.",
        )
    words = WORDS[lang]
    data = df.reset_index(drop=True).copy()
    data["_hidden"] = _hidden(data, [share])
    if order == "share":
        data["_key"] = data[share].where(~data["_hidden"], -1.0)
        data = data.sort_values("_key", ascending=False, kind="stable")
    if top is not None:
        data = data.head(top)
    y = np.arange(len(data), dtype=float)
    hidden = data["_hidden"].to_numpy()
    values = data[share].to_numpy(float)
    lo, hi = data[low].to_numpy(float), data[high].to_numpy(float)
    with house_style():
        height = 1.3 + 0.55 * len(data) + (0.5 if title else 0) + (0.4 if hidden.any() else 0)
        if votes is not None:
            fig, (ax, ax_v) = new_figure(height, ncols=2, sharey=True,
                                         gridspec_kw={"width_ratios": [3, 1.15]})  # fmt: skip
        else:
            fig, ax = new_figure(height)
            ax_v = None
        colour = MARK_COLOURS["blue"]
        ax.barh(y[~hidden], values[~hidden], height=0.62, color=colour, zorder=2)
        ax.hlines(y[~hidden], lo[~hidden], hi[~hidden], color=INK, linewidth=1.0, zorder=3)
        right = float(np.nanmax(np.concatenate([hi[~hidden], values[~hidden], [0.05]])))
        for yy, v, h, gone in zip(y, values, hi, hidden, strict=True):
            if gone:
                ax.text(right * 0.01, yy, "—", va="center", color=INK)
            else:
                ax.annotate(format_percent(v, lang, 0), (max(h, v), yy), xytext=(4, 0),
                            textcoords="offset points", va="center", fontsize=7,
                            color=INK)  # fmt: skip
        ax.set_xlim(0, min(1.0, right * 1.15) if right < 0.87 else right * 1.15)
        ax.xaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]))
        _axis_format(ax.xaxis, lang, percent=True)
        ax.xaxis.grid(True)
        ax.spines["left"].set_visible(False)
        ax.set_yticks(y, [_wrap(t, wrap) for t in data[label]])
        ax.set_ylim(len(data) - 0.5, -0.5)
        ax.set_xlabel(xlabel if xlabel is not None else words["share_choosing"])
        if ax_v is not None:
            counts = pd.to_numeric(data[votes], errors="coerce").fillna(0).to_numpy(float)
            ax_v.barh(y, counts, height=0.62, color=MARK_COLOURS["orange"], zorder=2)
            peak = max(float(counts.max()) if len(counts) else 0.0, 1.0)
            for yy, c in zip(y, counts, strict=True):
                ax_v.annotate(format_number(c, lang, 0), (c, yy), xytext=(3, 0),
                              textcoords="offset points", va="center", fontsize=7,
                              color=INK)  # fmt: skip
            ax_v.set_xlim(0, peak * 1.25)
            ax_v.xaxis.set_major_locator(MaxNLocator(nbins=4, integer=True, steps=[1, 2, 5, 10]))
            _axis_format(ax_v.xaxis, lang, percent=False)
            ax_v.xaxis.grid(True)
            ax_v.spines["left"].set_visible(False)
            ax_v.tick_params(axis="y", left=False)
            ax_v.set_xlabel(words["votes"])
        _header(fig, title)
        if hidden.any():
            _note(fig, [_hidden_note(lang, threshold)])
    alt = ALT_WORDS[lang]
    head = (_alt_label(xlabel) if xlabel else words["share_choosing"]) + f" ({alt['ci']})"
    if votes is not None:
        head += (" i " if lang == "pl" else " and ") + _lower_first(words["votes"])
        tallies = pd.to_numeric(data[votes], errors="coerce").fillna(0).round().astype(int)
        said = [count(int(v), "głos", "głosy", "głosów") if lang == "pl"
                else count(int(v), "vote", "votes") for v in tallies]  # fmt: skip
    else:
        said = [""] * len(data)
    items, gone = [], []
    for name, v, lo_, hi_, is_gone, tally in zip(data[label], values, lo, hi, hidden, said,
                                                 strict=True):  # fmt: skip
        name = _alt_label(name)
        if is_gone:
            gone.append(f"{name} ({tally})" if tally else name)
        else:
            items.append(f"{name} {_value_text(v, lang, True, lo_, hi_)}"
                         + (f", {tally}" if tally else ""))  # fmt: skip
    fig.alt_text = _alt_text(  # type: ignore[attr-defined]
        head, items, lang, hidden=_hidden_phrase(len(gone), gone, lang, threshold)
    )
    return fig
