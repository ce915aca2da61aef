"""The house style of the report's figures: fonts, sizes, colours, output.

One rc dictionary, applied only inside ``with house_style():`` (never at import,
so importing the package changes nobody's matplotlib). Figures are sized for an
A4 page with 18 mm margins: 16 cm wide, type at 7.5-9.5 pt, which is what a
reader sees when the SVG is inlined at its natural size.

Colours are colour-blind safe and meet WCAG 2.1 AA on the white page
(:func:`contrast_ratio`, the WCAG relative-luminance formula): every colour
that draws a mark (dot, bar, whisker, segment) is at least 3:1 against white
(success criterion 1.4.11, non-text contrast), and text is at least 4.5:1
against what it sits on (1.4.3): :func:`text_colour` on a coloured segment,
:func:`text_shade` for coloured text on white.

* :data:`MARK_COLOURS`, the hues of Okabe & Ito (2008), "Color Universal
  Design" (:data:`OKABE_ITO`, kept for reference), darkened where the original
  is too light for marks on white (orange and sky blue are 2.2-2.3:1, reddish
  purple 3.06:1) and re-balanced so the colours stay apart from each other for
  protan, deutan and tritan readers too (vermillion darker, so that it does not
  meet the darkened orange); yellow has no version dark enough that still reads
  as yellow and is left out. :data:`PALETTE` is the order in which categories
  (groups) take them;
* :func:`diverging_colours` for Likert scales, following ColorBrewer's RdBu
  (Brewer, colorbrewer2.org, marked colour-blind safe) in hue, with five
  shades per side between CIE L* 22 and 59 (RdBu's lighter shades are below
  3:1): reds for the negative answers, blues for the positive ones, a mid grey
  (:data:`NEUTRAL_COLOUR`) for the neutral middle; "hard to say" gets darker
  greys (:data:`DONT_KNOW_GREYS`), outside the diverging part.

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
from matplotlib.colors import to_hex, to_rgb
from matplotlib.figure import Figure

from .checks import PresentError

__all__ = [
    "DONT_KNOW_COLOUR",
    "DONT_KNOW_GREYS",
    "FIGURE_WIDTH",
    "HOUSE_RC",
    "INK",
    "MARK_COLOURS",
    "MIN_MARK_CONTRAST",
    "MIN_TEXT_CONTRAST",
    "NEUTRAL_COLOUR",
    "OKABE_ITO",
    "PALETTE",
    "contrast_ratio",
    "diverging_colours",
    "figure_png",
    "figure_svg",
    "house_style",
    "new_figure",
    "relative_luminance",
    "text_colour",
    "text_shade",
]

#: a colour as matplotlib reads it: "#0072B2", "white", an RGB(A) tuple
Colour = str | tuple[float, ...]

#: WCAG 2.1 1.4.11: marks (dots, bars, lines that carry data) against the white page
MIN_MARK_CONTRAST = 3.0
#: WCAG 2.1 1.4.3: text of normal size against its background
MIN_TEXT_CONTRAST = 4.5

#: Okabe & Ito (2008) colour-universal-design palette, as published (for
#: reference: orange, sky blue and yellow are too light for marks on white)
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
#: Okabe-Ito hues at least 3:1 against white, the colours every figure draws with
#: (contrast on white: black 21, blue 5.19, orange 3.20, bluish green 3.91,
#: vermillion 5.79, reddish purple 4.59, sky blue 3.10); no yellow
MARK_COLOURS: dict[str, str] = {
    "black": "#000000",
    "blue": "#0072B2",
    "orange": "#D57907",
    "bluish_green": "#0B9453",
    "vermillion": "#AF4300",
    "reddish_purple": "#B55485",
    "sky_blue": "#3599DF",
}
#: order in which categories (groups) take colours
PALETTE: list[str] = [
    MARK_COLOURS[name]
    for name in (
        "blue",
        "orange",
        "bluish_green",
        "vermillion",
        "reddish_purple",
        "sky_blue",
        "black",
    )
]
#: text and axis colour
INK = "#222222"
#: the neutral middle of a Likert scale (3.36:1 on white, 4.73:1 under INK)
NEUTRAL_COLOUR = "#8C8C8C"
#: "hard to say" / "don't know", shown apart from the scale (4.54:1)
DONT_KNOW_COLOUR = "#767676"
#: the greys of several "hard to say" categories, in order (4.54, 3.28, 8.06:1)
DONT_KNOW_GREYS: tuple[str, ...] = (DONT_KNOW_COLOUR, "#8E8E8E", "#505050")

#: 16 cm: the text width of an A4 page with 18 mm margins, with a little room
FIGURE_WIDTH = 16 / 2.54

# RdBu's hues (ColorBrewer, 10 classes) at CIE L* 22, 31, 40, 49 and 59, index 0 =
# darkest: every shade at least 3:1 on white; white text on the first four, INK on
# the lightest (RdBu's own two lighter shades, #F4A582 ... #D1E5F0, are 1.3-2:1)
_REDS = ["#6F0121", "#940B28", "#B6222E", "#C9493F", "#DC6E56"]
_BLUES = ["#083467", "#144985", "#1F60A3", "#2979B7", "#4796C4"]
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
    """Colours for the two sides of a Likert scale (RdBu hues, all 3:1 or more on white).

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
    (['#940B28', '#C9493F'], ['#2979B7', '#144985'])
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


def relative_luminance(colour: Colour) -> float:
    """The WCAG 2.1 relative luminance of an sRGB colour, 0 (black) to 1 (white).

    Each channel is linearised (``c / 12.92`` up to 0.04045, else
    ``((c + 0.055) / 1.055) ** 2.4``) and weighted 0.2126 R + 0.7152 G + 0.0722 B.
    An alpha channel is ignored (composite over the background first).

    Examples
    --------
    >>> relative_luminance("white"), relative_luminance("#000000")
    (1.0, 0.0)
    >>> round(relative_luminance("#808080"), 4)
    0.2159
    """
    channels = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in to_rgb(colour)]
    return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]


def contrast_ratio(foreground: Colour, background: Colour = "white") -> float:
    """The WCAG 2.1 contrast ratio of two colours, from 1 (none) to 21 (black on white).

    ``(L1 + 0.05) / (L2 + 0.05)`` with ``L1`` the lighter relative luminance
    (:func:`relative_luminance`); the order of the colours does not matter.
    WCAG 2.1 AA asks 4.5 for text (1.4.3) and 3 for the marks of a chart
    (1.4.11).

    Parameters
    ----------
    foreground, background : colour
        Anything matplotlib reads as a colour (``"#0072B2"``, ``"white"``,
        an RGB tuple); the background defaults to the white page.

    Examples
    --------
    >>> contrast_ratio("#000000", "#FFFFFF")
    21.0
    >>> [round(contrast_ratio(p["orange"]), 2) for p in (OKABE_ITO, MARK_COLOURS)]
    [2.25, 3.2]
    """
    lighter, darker = sorted(
        (relative_luminance(foreground), relative_luminance(background)), reverse=True
    )
    return (lighter + 0.05) / (darker + 0.05)


def text_colour(background: str) -> str:
    """The colour of text on a ``background`` segment: white, INK or black.

    White where it reads better and reaches 4.5:1 (WCAG 2.1 1.4.3); else the
    house INK if that reaches 4.5:1; else whichever of black and white is
    higher, which is always at least 4.58:1 (the two meet at a luminance of
    about 0.18).

    Examples
    --------
    >>> text_colour("#B2182B"), text_colour("#D9D9D9"), text_colour("#C9493F")
    ('white', '#222222', 'white')
    >>> text_colour("#2E86C1")  # neither white (3.97:1) nor INK (4.01:1) is enough
    '#000000'
    """
    white, ink = contrast_ratio("white", background), contrast_ratio(INK, background)
    if white >= max(ink, MIN_TEXT_CONTRAST):
        return "white"
    if ink >= MIN_TEXT_CONTRAST:
        return INK
    return "white" if white >= contrast_ratio("#000000", background) else "#000000"


def text_shade(colour: str, ratio: float = MIN_TEXT_CONTRAST) -> str:
    """``colour`` darkened just enough to be read as text on white (``ratio``:1).

    For labels written in a mark's colour (quadrant names, "Kobiety" over the
    pyramid): the linear RGB channels are scaled down together, which keeps
    the hue and brings the relative luminance to what the ratio needs. A
    colour dark enough already comes back as it is (as ``#rrggbb``).

    Examples
    --------
    >>> text_shade("#0072B2")  # 5.19:1 already
    '#0072b2'
    >>> text_shade(MARK_COLOURS["orange"]), round(contrast_ratio(text_shade("#D57907")), 2)
    ('#b16305', 4.51)
    """
    target = 1.05 / ratio - 0.05  # the highest luminance that keeps `ratio` on white
    rgb = to_rgb(colour)
    luminance = relative_luminance(rgb)
    if luminance <= target:
        return to_hex(rgb)
    scale = target / luminance
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    for _ in range(8):  # rounding to 8 bits may land a hair above the target
        channels = [
            12.92 * c if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055
            for c in (scale * v for v in linear)
        ]
        shade = to_hex(channels)
        if contrast_ratio(shade) >= ratio:
            return shade
        scale *= 0.995
    return shade


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
