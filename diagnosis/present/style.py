"""The house style of the report's figures: fonts, sizes, colours, output.

One rc dictionary, applied only inside ``with house_style():`` (never at import,
so importing the package changes nobody's matplotlib). Figures are sized for an
A4 page with 18 mm margins: 16 cm wide, type at 7.5-9.5 pt, which is what a
reader sees when the SVG is inlined at its natural size.

Colours are colour-blind safe:

* :data:`OKABE_ITO`, the eight colours of Okabe & Ito (2008), "Color Universal
  Design", for categories (groups, quadrants, sexes);
* :func:`diverging_colours` for Likert scales, from ColorBrewer's RdBu
  (Brewer, colorbrewer2.org, marked colour-blind safe): reds for the negative
  answers, blues for the positive ones, a light grey for the neutral middle;
  "hard to say" gets a mid grey, outside the diverging part.

SVG keeps text as ``<text>`` (searchable, extractable from the PDF). WeasyPrint
(70) drops right-anchored SVG text that carries an opacity, so text in our
figures is always opaque; translucency is for lines and boxes only.

DejaVu Sans has every Polish letter (ą ć ę ł ń ó ś ź ż) and ships with
matplotlib, so figures look the same on every machine.

Examples
--------
>>> from matplotlib.figure import Figure
>>> with house_style():
...     fig = Figure()
...     ax = fig.subplots()
...     _ = ax.set_title("Zażółć gęślą jaźń")
>>> svg = figure_svg(fig)
>>> svg.startswith("<svg") and "Zażółć gęślą jaźń" in svg
True
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Literal

import matplotlib as mpl
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure

from .checks import PresentError

__all__ = [
    "DONT_KNOW_COLOUR",
    "FIGURE_WIDTH",
    "HOUSE_RC",
    "INK",
    "NEUTRAL_COLOUR",
    "OKABE_ITO",
    "PALETTE",
    "diverging_colours",
    "figure_png",
    "figure_svg",
    "house_style",
    "new_figure",
    "text_colour",
]

#: Okabe & Ito (2008) colour-universal-design palette
OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
#: order in which categories (groups) take colours; yellow late, it is pale on white
PALETTE: list[str] = [
    OKABE_ITO[name]
    for name in (
        "blue",
        "orange",
        "bluish_green",
        "vermillion",
        "reddish_purple",
        "sky_blue",
        "black",
        "yellow",
    )
]
#: text and axis colour
INK = "#222222"
#: the neutral middle of a Likert scale
NEUTRAL_COLOUR = "#D9D9D9"
#: "hard to say" / "don't know", shown apart from the scale
DONT_KNOW_COLOUR = "#9A9A9A"

#: 16 cm: the text width of an A4 page with 18 mm margins, with a little room
FIGURE_WIDTH = 16 / 2.54

# ColorBrewer RdBu, 10 classes, split at the middle: index 0 = darkest
_REDS = ["#67001F", "#B2182B", "#D6604D", "#F4A582", "#FDDBC7"]
_BLUES = ["#053061", "#2166AC", "#4393C3", "#92C5DE", "#D1E5F0"]
# which of the five shades to use for 1..5 categories on one side, darkest first
_PICK = {1: [2], 2: [1, 3], 3: [1, 2, 3], 4: [0, 1, 2, 3], 5: [0, 1, 2, 3, 4]}

HOUSE_RC: dict[str, Any] = {
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "font.size": 8.0,
    "axes.titlesize": 9.5,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": 8.0,
    "axes.labelcolor": INK,
    "axes.edgecolor": "#555555",
    "axes.linewidth": 0.6,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": False,
    "axes.axisbelow": True,
    "axes.prop_cycle": mpl.cycler(color=PALETTE),
    "axes.unicode_minus": True,
    "grid.color": "#DDDDDD",
    "grid.linewidth": 0.5,
    "xtick.labelsize": 7.5,
    "ytick.labelsize": 7.5,
    "xtick.color": INK,
    "ytick.color": INK,
    "xtick.major.width": 0.6,
    "ytick.major.width": 0.6,
    "xtick.major.size": 3.0,
    "ytick.major.size": 0.0,
    "legend.fontsize": 7.5,
    "legend.frameon": False,
    "legend.handlelength": 1.2,
    "legend.borderaxespad": 0.2,
    "legend.columnspacing": 1.2,
    "figure.figsize": (FIGURE_WIDTH, 3.2),
    "figure.dpi": 100,
    "figure.facecolor": "white",
    "figure.titlesize": 9.5,
    "figure.titleweight": "bold",
    "figure.constrained_layout.use": True,
    "figure.constrained_layout.h_pad": 0.04,
    "figure.constrained_layout.w_pad": 0.04,
    "text.color": INK,
    "savefig.dpi": 200,
    "savefig.facecolor": "white",
    "svg.fonttype": "none",
    "svg.hashsalt": "diagnosis",
    "pdf.fonttype": 42,
}


@contextmanager
def house_style() -> Iterator[dict[str, Any]]:
    """Apply the house rc parameters for the duration of a ``with`` block.

    Yields
    ------
    dict
        The rc parameters in force (:data:`HOUSE_RC`).

    Examples
    --------
    >>> import matplotlib as mpl
    >>> with house_style():
    ...     mpl.rcParams["font.size"]
    8.0
    """
    with mpl.rc_context(HOUSE_RC):
        yield HOUSE_RC


def new_figure(height_cm: float, **subplots: Any) -> tuple[Figure, Any]:
    """A figure 16 cm wide and ``height_cm`` high, with axes from ``subplots``.

    Call it inside :func:`house_style`. The figure is not registered with
    pyplot, so it is never shown and never leaks; it carries an Agg canvas so
    text can be measured before saving.

    Parameters
    ----------
    height_cm : float
        Height in centimetres.
    **subplots
        Passed to :meth:`matplotlib.figure.Figure.subplots`.

    Returns
    -------
    (Figure, Axes or array of Axes)

    Examples
    --------
    >>> with house_style():
    ...     fig, ax = new_figure(6)
    >>> [round(float(v), 2) for v in fig.get_size_inches()]
    [6.3, 2.36]
    """
    fig = Figure(figsize=(FIGURE_WIDTH, height_cm / 2.54), layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(**subplots)
    return fig, axes


def diverging_colours(n_negative: int, n_positive: int) -> tuple[list[str], list[str]]:
    """Colours for the two sides of a Likert scale (ColorBrewer RdBu).

    Parameters
    ----------
    n_negative, n_positive : int
        Number of categories left and right of the middle (1-5 each).

    Returns
    -------
    (list of str, list of str)
        Negative colours from the most negative (darkest red) to the mildest,
        positive colours from the mildest to the most positive (darkest blue):
        the order the categories are drawn from left to right.

    Examples
    --------
    >>> diverging_colours(2, 2)
    (['#B2182B', '#F4A582'], ['#92C5DE', '#2166AC'])
    """
    for count in (n_negative, n_positive):
        if count not in _PICK:
            raise PresentError(
                pl=f"Skala może mieć od 1 do 5 kategorii po każdej stronie, a ma {count}.",
                en=f"A scale can have 1 to 5 categories on each side, not {count}.",
            )
    negative = [_REDS[i] for i in _PICK[n_negative]]
    positive = [_BLUES[i] for i in reversed(_PICK[n_positive])]
    return negative, positive


def text_colour(background: str) -> str:
    """Black or white, whichever reads better on ``background``.

    Uses the WCAG relative luminance; white on anything darker than about
    mid-grey.

    Examples
    --------
    >>> text_colour("#B2182B"), text_colour("#D9D9D9")
    ('white', '#222222')
    """
    channels = [
        c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in to_rgb(background)
    ]
    luminance = 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]
    return "white" if luminance < 0.2 else INK


def _close(fig: Figure) -> None:
    """Close ``fig`` in pyplot if pyplot manages it (figures from :func:`new_figure` are not)."""
    if getattr(fig.canvas, "manager", None) is not None:
        import matplotlib.pyplot as plt

        plt.close(fig)


_SVG_START = re.compile(r"\A.*?(?=<svg\b)", re.S)


def figure_svg(fig: Figure, text: Literal["text", "path"] = "text") -> str:
    """The figure as an ``<svg>`` element ready to inline in HTML; closes the figure.

    Parameters
    ----------
    fig : Figure
        The figure.
    text : {"text", "path"}
        ``"text"`` keeps labels as ``<text>`` in DejaVu Sans: small, searchable
        and extractable from the PDF (tests look for Polish labels and for the
        absence of suppressed values); ``"path"`` draws glyphs as outlines, for
        viewers without the font.

    Returns
    -------
    str
        SVG markup without the XML declaration and DOCTYPE; no creation date,
        so the same figure gives the same bytes.

    Examples
    --------
    >>> with house_style():
    ...     fig, ax = new_figure(4)
    ...     _ = ax.bar(["ą"], [1])
    >>> "<text" in figure_svg(fig, text="text")
    True
    """
    if text not in ("text", "path"):
        raise PresentError(
            pl=f"Nieznany sposób zapisu tekstu '{text}'; wybierz 'text' albo 'path'.",
            en=f"Unknown text mode '{text}'; choose 'text' or 'path'.",
        )
    buffer = io.StringIO()
    rc = {**HOUSE_RC, "svg.fonttype": "none" if text == "text" else "path"}
    with mpl.rc_context(rc):
        fig.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight",
                    pad_inches=0.03)  # fmt: skip
    _close(fig)
    return _SVG_START.sub("", buffer.getvalue(), count=1)


def figure_png(fig: Figure, dpi: int = 200) -> bytes:
    """The figure as PNG bytes at ``dpi``; closes the figure.

    Parameters
    ----------
    fig : Figure
        The figure.
    dpi : int
        Resolution; 200 is crisp on paper and small enough for an HTML page.

    Returns
    -------
    bytes

    Examples
    --------
    >>> with house_style():
    ...     fig, ax = new_figure(4)
    >>> figure_png(fig, dpi=50)[:4]
    b'\\x89PNG'
    """
    buffer = io.BytesIO()
    with mpl.rc_context(HOUSE_RC):
        fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None},
                    bbox_inches="tight", pad_inches=0.03)  # fmt: skip
    _close(fig)
    return buffer.getvalue()
