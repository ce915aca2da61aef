"""Figures, tables and the house style of the report (diagnosis.present).

The tests look at what a reader gets: how many bars and points are drawn,
which labels (with Polish letters) are on the axes, that hidden values appear
nowhere in a figure or table, and how numbers are written in each language.
"""

from __future__ import annotations

import io
import itertools
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import matplotlib as mpl
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.figure import Figure
from PIL import Image

from diagnosis.present import figures, style
from diagnosis.present.checks import PresentError
from diagnosis.present.figures import (
    dot_interval,
    likert_bars,
    needs_ranking,
    priority_matrix,
    pyramid,
)
from diagnosis.present.formatting import format_interval, format_number, format_percent
from diagnosis.present.style import figure_png, figure_svg, house_style
from diagnosis.present.tables import format_table

NNBSP = "\u202f"


def texts(fig: Figure) -> list[str]:
    """Every piece of text drawn in the figure (titles, ticks, labels, legend, notes)."""
    found = []
    for artist in fig.findobj(mpl.text.Text):
        if artist.get_visible() and artist.get_text():
            found.append(artist.get_text())
    return found


def tick_labels(ax, axis: str = "y") -> list[str]:
    labels = ax.get_yticklabels() if axis == "y" else ax.get_xticklabels()
    return [t.get_text() for t in labels]


def points(ax) -> list[PathCollection]:
    return [c for c in ax.collections if isinstance(c, PathCollection)]


# ------------------------------------------------------------------ style
def test_importing_present_changes_no_matplotlib_setting():
    code = (
        "import matplotlib as mpl; before = dict(mpl.rcParams); "
        "import diagnosis.present; "
        "assert dict(mpl.rcParams) == before, 'rcParams changed at import'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_house_style_applies_only_inside_the_block():
    before = mpl.rcParams["font.size"], list(mpl.rcParams["font.sans-serif"])
    with house_style():
        assert mpl.rcParams["font.sans-serif"][0] == "DejaVu Sans"
        assert mpl.rcParams["svg.fonttype"] == "none"
    assert (mpl.rcParams["font.size"], list(mpl.rcParams["font.sans-serif"])) == before


def test_palettes_are_okabe_ito_and_colorbrewer_rdbu():
    # Okabe & Ito (2008), https://jfly.uni-koeln.de/color/, kept as published for reference
    assert style.OKABE_ITO == {
        "black": "#000000",
        "orange": "#E69F00",
        "sky_blue": "#56B4E9",
        "bluish_green": "#009E73",
        "yellow": "#F0E442",
        "blue": "#0072B2",
        "vermillion": "#D55E00",
        "reddish_purple": "#CC79A7",
    }
    # the colours drawn: the same hues, all but yellow, in the palette's order
    assert set(style.MARK_COLOURS) == set(style.OKABE_ITO) - {"yellow"}
    assert set(style.PALETTE) == set(style.MARK_COLOURS.values())
    assert len(style.PALETTE) == len(set(style.PALETTE)) == 7
    assert style.PALETTE[:2] == [style.MARK_COLOURS["blue"], style.MARK_COLOURS["orange"]]
    for k in range(1, 6):
        negative, positive = style.diverging_colours(k, k)
        assert len(negative) == len(positive) == k
        assert all(mpl.colors.to_rgb(c)[0] > mpl.colors.to_rgb(c)[2] for c in negative)  # red
        assert all(mpl.colors.to_rgb(c)[2] > mpl.colors.to_rgb(c)[0] for c in positive)  # blue
        # darkest at the ends of the scale, lightest next to the middle
        lum = [style.relative_luminance(c) for c in negative + positive[::-1]]
        assert lum[:k] == sorted(lum[:k]) and lum[k:] == sorted(lum[k:])
    with pytest.raises(PresentError):
        style.diverging_colours(6, 2)


# ------------------------------------------------ contrast (WCAG 2.1 AA, issue #14)
def every_mark_colour() -> dict[str, str]:
    """Every colour a figure can draw a mark with, by where it comes from."""
    colours = {f"PALETTE[{k}]": c for k, c in enumerate(style.PALETTE)}
    colours |= {f"MARK_COLOURS[{name}]": c for name, c in style.MARK_COLOURS.items()}
    colours |= {f"QUADRANT_COLOURS[{name}]": c for name, c in figures.QUADRANT_COLOURS.items()}
    colours |= {f"DONT_KNOW_GREYS[{k}]": c for k, c in enumerate(style.DONT_KNOW_GREYS)}
    colours["NEUTRAL_COLOUR"] = style.NEUTRAL_COLOUR
    colours["DONT_KNOW_COLOUR"] = style.DONT_KNOW_COLOUR
    for n in range(1, 6):
        for m in range(1, 6):
            negative, positive = style.diverging_colours(n, m)
            colours |= {f"diverging({n}, {m})[{k}]": c for k, c in enumerate(negative + positive)}
    return colours


def test_contrast_ratio_is_the_wcag_formula():
    assert style.contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert style.contrast_ratio("white", "#FFFFFF") == pytest.approx(1.0)
    assert style.relative_luminance("#808080") == pytest.approx(0.21586, abs=1e-5)
    # the grey every WCAG checker knows: #767676 is the lightest to pass 4.5:1 on white
    assert style.contrast_ratio("#767676") == pytest.approx(4.54, abs=0.005)
    assert style.contrast_ratio("#777777") < 4.5
    assert style.contrast_ratio("#0072B2", "#D55E00") == style.contrast_ratio("#D55E00", "#0072B2")
    # the numbers: Okabe-Ito orange and sky blue are 2.2-2.3:1 on white
    okabe = {name: round(style.contrast_ratio(c), 2) for name, c in style.OKABE_ITO.items()}
    assert okabe["orange"] == 2.25 and okabe["sky_blue"] == 2.31 and okabe["yellow"] == 1.32


def test_every_mark_colour_is_at_least_3_to_1_on_white():
    ratios = {name: style.contrast_ratio(c) for name, c in every_mark_colour().items()}
    assert len(ratios) > 60
    assert {name: round(r, 2) for name, r in ratios.items() if r < 3.0} == {}
    assert {name: round(style.contrast_ratio(c), 2) for name, c in style.MARK_COLOURS.items()} == {
        "black": 21.0,
        "blue": 5.19,
        "orange": 3.2,
        "bluish_green": 3.91,
        "vermillion": 5.79,
        "reddish_purple": 4.59,
        "sky_blue": 3.1,
    }
    negative, positive = style.diverging_colours(5, 5)
    assert [round(style.contrast_ratio(c), 2) for c in negative] == [12.34, 8.98, 6.45, 4.66, 3.28]
    assert [round(style.contrast_ratio(c), 2) for c in positive] == [3.27, 4.65, 6.44, 9.05, 12.37]
    assert round(style.contrast_ratio(style.NEUTRAL_COLOUR), 2) == 3.36


def test_text_reads_at_4_5_to_1_on_every_segment_and_in_every_mark_colour():
    for name, colour in every_mark_colour().items():
        ink = style.text_colour(colour)
        assert style.contrast_ratio(ink, colour) >= 4.5, (name, colour, ink)
        shade = style.text_shade(colour)
        assert style.contrast_ratio(shade) >= 4.5, (name, colour, shade)
        if style.contrast_ratio(colour) >= 4.5:
            assert shade == mpl.colors.to_hex(colour)  # dark enough: unchanged
        else:
            assert style.contrast_ratio(shade) < 4.6  # darkened no more than needed
    negative, positive = style.diverging_colours(5, 5)
    assert [style.text_colour(c) for c in negative] == ["white"] * 4 + [style.INK]
    assert [style.text_colour(c) for c in positive] == [style.INK] + ["white"] * 4
    # and on any background at all (a grid over the RGB cube): white, INK or black
    grid = np.linspace(0, 1, 11)
    for rgb in [(r, g, b) for r in grid for g in grid for b in grid]:
        assert style.contrast_ratio(style.text_colour(rgb), rgb) >= 4.5, rgb


# Machado, Oliveira & Fernandes (2009), full severity, on linear RGB
MACHADO_2009 = {
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                   [-0.003882, -0.048116, 1.051998]],
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                     [-0.011820, 0.042940, 0.968881]],
    "tritanopia": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602],
                   [0.004733, 0.691367, 0.303900]],
}  # fmt: skip


def cielab(colour: str, vision: str = "normal") -> np.ndarray:
    """CIELAB (D65) of a colour as seen with ``vision``."""
    rgb = np.array(mpl.colors.to_rgb(colour))
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    if vision != "normal":
        linear = np.clip(np.array(MACHADO_2009[vision]) @ linear, 0, 1)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722],
                    [0.0193, 0.1192, 0.9505]]) @ linear / [0.95047, 1.0, 1.08883]  # fmt: skip
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def closest(colours, vision: str) -> float:
    """The smallest CIE76 colour difference between any two of ``colours``."""
    labs = [cielab(c, vision) for c in colours]
    return min(
        float(np.linalg.norm(labs[i] - labs[j]))
        for i in range(len(labs))
        for j in range(i + 1, len(labs))
    )


@pytest.mark.parametrize("vision", ["normal", "protanopia", "deuteranopia", "tritanopia"])
def test_mark_colours_stay_apart_in_every_kind_of_colour_vision(vision):
    # Okabe-Ito as published: 16-26; the darker palette keeps about as far apart
    assert closest(style.PALETTE, vision) > 14
    assert closest(figures.QUADRANT_COLOURS.values(), vision) > 15
    assert closest([style.MARK_COLOURS["blue"], style.MARK_COLOURS["orange"]], vision) > 80
    for n in range(1, 6):
        negative, positive = style.diverging_colours(n, n)
        scale = [*negative, style.NEUTRAL_COLOUR, *positive]
        neighbours = min(closest(pair, vision) for pair in itertools.pairwise(scale))
        assert neighbours > 8, (n, scale)
        assert min(closest([a, b], vision) for a in negative for b in positive) > 35


def test_svg_keeps_polish_text_as_text_and_is_reproducible():
    def make() -> Figure:
        with house_style():
            fig, ax = style.new_figure(5)
            ax.set_title("Zażółć gęślą jaźń")
            ax.bar(["Łódź", "Świętochłowice"], [1, 2])
        return fig

    svg = figure_svg(make())
    assert svg.startswith("<svg") and "<?xml" not in svg and "DOCTYPE" not in svg
    assert "Zażółć gęślą jaźń" in svg and "Świętochłowice" in svg
    assert "DejaVu Sans" in svg
    assert figure_svg(make()) == svg  # no dates, fixed ids
    outlined = figure_svg(make(), text="path")
    assert "</text>" not in outlined  # glyphs as paths (the text survives only in comments)
    with pytest.raises(PresentError):
        figure_svg(make(), text="bitmap")


def test_svg_and_png_close_pyplot_figures_and_png_is_a4_width():
    import matplotlib.pyplot as plt

    with house_style():
        fig = plt.figure(figsize=(style.FIGURE_WIDTH, 2))
        fig.add_subplot().plot([0, 1])
    number = fig.number
    png = figure_png(fig, dpi=100)
    assert not plt.fignum_exists(number)
    width = Image.open(io.BytesIO(png)).size[0]
    assert abs(width - 16 / 2.54 * 100) < 30  # 16 cm at 100 dpi, give or take the tight box


# ------------------------------------------------------------- likert_bars
AGREE = {
    "1": "Zdecydowanie się nie zgadzam",
    "2": "Raczej się nie zgadzam",
    "3": "Raczej się zgadzam",
    "4": "Zdecydowanie się zgadzam",
    "99": "Trudno powiedzieć",
}
ITEMS = {
    "coh_belong": "Czuję, że należę do swojej okolicy.",
    "coh_trust": "Sąsiadom w mojej okolicy można ufać.",
    "coh_self": "W mojej okolicy każdy dba tylko o siebie.",
}


def likert_frame() -> pd.DataFrame:
    shares = {
        "coh_belong": [0.10, 0.20, 0.40, 0.25, 0.05],
        "coh_trust": [0.05, 0.15, 0.50, 0.22, 0.08],
        "coh_self": [0.37, 0.20, 0.30, 0.06, 0.07],
    }
    rows = [
        {"variable": item, "level": code, "estimate": s, "suppressed": False}
        for item, values in shares.items()
        for code, s in zip(["1", "2", "3", "4", "99"], values, strict=True)
    ]
    return pd.DataFrame(rows)


def test_likert_bars_one_bar_per_item_and_category_diverging_at_zero():
    fig = likert_bars(likert_frame(), ["1", "2", "3", "4"], AGREE, item_labels=ITEMS,
                      dont_know="99")  # fmt: skip
    ax, ax_dk = fig.axes
    assert len(ax.patches) == 3 * 4
    assert len(ax_dk.patches) == 3
    assert tick_labels(ax) == list(ITEMS.values())  # questionnaire order, top to bottom
    # first item: strongly disagree 10% and disagree 20% left of zero, agree right
    first = [p for p in ax.patches if abs(p.get_y() + p.get_height() / 2) < 1e-9]
    edges = sorted(p.get_x() + d for p in first for d in (0.0, p.get_width()))
    assert edges == pytest.approx([-0.3, -0.2, -0.2, 0.0, 0.0, 0.4, 0.4, 0.65])
    # "hard to say" is only in its own panel
    assert ax_dk.patches[0].get_width() == pytest.approx(0.05)
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend == [AGREE[c] for c in ["1", "2", "3", "4"]]
    assert "Trudno\npowiedzieć" in texts(fig)  # the title of its panel
    assert "Odsetek odpowiedzi" in texts(fig)


def test_likert_bars_centres_the_neutral_category():
    freq = pd.DataFrame(
        {"variable": "sat_green", "level": [1, 2, 3, 4, 5], "estimate": [0.1, 0.2, 0.3, 0.25, 0.15]}
    )
    labels = {1: "Bardzo źle", 2: "Źle", 3: "Ani tak, ani nie", 4: "Dobrze", 5: "Bardzo dobrze"}
    fig = likert_bars(freq, [1, 2, 3, 4, 5], labels, lang="en")
    ax = fig.axes[0]
    assert len(fig.axes) == 1 and len(ax.patches) == 5
    neutral = ax.patches[2]
    assert (neutral.get_x(), neutral.get_width()) == pytest.approx((-0.15, 0.3))
    assert ax.patches[0].get_x() == pytest.approx(-0.15 - 0.2 - 0.1)
    assert ax.get_xlabel() == "Share of answers"


def test_likert_bars_never_draw_a_hidden_share():
    freq = likert_frame()
    hide = (freq["variable"] == "coh_self") & freq["level"].isin(["1", "4"])
    freq.loc[hide, "suppressed"] = True  # the values are still in the frame: 0.37 and 0.06
    fig = likert_bars(freq, ["1", "2", "3", "4"], AGREE, item_labels=ITEMS, dont_know="99",
                      threshold=10)  # fmt: skip
    ax = fig.axes[0]
    assert len(ax.patches) == 2 * 4  # the item with hidden cells has no bar at all
    drawn = texts(fig)
    assert "37" not in drawn and "6" not in drawn
    assert "—" in drawn
    assert any("mniej niż 10 odpowiedzi" in t for t in drawn)
    # its "hard to say" was not hidden and is still shown
    assert len(fig.axes[1].patches) == 3


def test_likert_bars_sort_by_positive_share():
    fig = likert_bars(likert_frame(), ["1", "2", "3", "4"], AGREE, item_labels=ITEMS,
                      dont_know="99", sort=True)  # fmt: skip
    # positive shares: belong 0.65, trust 0.72, self 0.36
    assert tick_labels(fig.axes[0]) == [ITEMS["coh_trust"], ITEMS["coh_belong"], ITEMS["coh_self"]]


def test_likert_bars_refuse_unknown_categories_and_missing_labels():
    freq = likert_frame()
    with pytest.raises(PresentError, match="99"):
        likert_bars(freq, ["1", "2", "3", "4"], AGREE)
    with pytest.raises(PresentError, match="labels"):
        likert_bars(freq, ["1", "2", "3", "4"], {"1": "x"}, dont_know="99")


# ------------------------------------------------------------ dot_interval
def dots_frame() -> pd.DataFrame:
    rows = []
    values = {"Czyta książki": 0.55, "Korzysta z internetu": 0.81, "Wolontariat": 0.12}
    for label, base in values.items():
        for k, sex in enumerate(["Kobiety", "Mężczyźni"]):
            e = base - 0.05 * k
            rows.append({"label": label, "sex": sex, "estimate": e, "ci_low": e - 0.04,
                         "ci_high": e + 0.04, "suppressed": False})  # fmt: skip
    return pd.DataFrame(rows)


def test_dot_interval_sorted_with_one_point_and_whisker_per_row():
    est = dots_frame().query("sex == 'Kobiety'")
    fig = dot_interval(est, "label", total=0.5)
    ax = fig.axes[0]
    assert tick_labels(ax) == ["Korzysta z internetu", "Czyta książki", "Wolontariat"]
    (dots,) = points(ax)
    assert len(dots.get_offsets()) == 3
    whiskers = [c for c in ax.collections if isinstance(c, LineCollection)]
    assert sum(len(c.get_segments()) for c in whiskers) == 3
    drawn = texts(fig)
    assert "81%" in drawn and "Ogółem: 50%" in drawn
    assert dot_interval(est, "label", total=0.5, lang="en").findobj(
        lambda a: isinstance(a, mpl.text.Text) and a.get_text() == "Total: 50%"
    )


def test_dot_interval_groups_are_dodged_in_two_colours_with_a_legend():
    fig = dot_interval(dots_frame(), "label", group="sex")
    ax = fig.axes[0]
    groups = points(ax)
    assert [len(c.get_offsets()) for c in groups] == [3, 3]
    assert groups[0].get_facecolor()[0].tolist() != groups[1].get_facecolor()[0].tolist()
    ys = sorted(groups[0].get_offsets()[:, 1]), sorted(groups[1].get_offsets()[:, 1])
    assert all(a < b for a, b in zip(*ys, strict=True))  # dodged, not on top of each other
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["Kobiety", "Mężczyźni"]


def test_dot_interval_hidden_rows_show_a_dash_or_are_left_out():
    est = dots_frame()
    hide = (est["label"] == "Wolontariat") & (est["sex"] == "Mężczyźni")
    est.loc[hide, "suppressed"] = True  # the value 0.07 is still in the frame
    fig = dot_interval(est, "label", group="sex", threshold=10, annotate=True)
    ax = fig.axes[0]
    assert [len(c.get_offsets()) for c in points(ax)] == [3, 2]
    drawn = texts(fig)
    assert "—" in drawn and "7%" not in drawn
    assert tick_labels(ax)[-1] == "Wolontariat"
    one = est[est["sex"] == "Mężczyźni"]
    fig = dot_interval(one, "label", show_suppressed=False, lang="en")
    assert "Wolontariat" not in tick_labels(fig.axes[0])
    assert any("1 result left out" in t for t in texts(fig))


# ---------------------------------------------------------- priority_matrix
def matrix_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "service": ["roads", "culture", "green", "health", "seniors"],
            "label_pl": [
                "Drogi i chodniki",
                "Oferta kulturalna",
                "Tereny zielone",
                "Dostęp do opieki zdrowotnej",
                "Oferta dla seniorów",
            ],
            "label_en": ["Roads", "Culture", "Green spaces", "Health care", "Seniors"],
            "importance": [0.90, 0.50, 0.62, 0.85, 0.72],
            "imp_low": [0.86, 0.45, 0.55, 0.80, 0.60],
            "imp_high": [0.94, 0.55, 0.69, 0.90, 0.84],
            "satisfaction": [0.30, 0.80, 0.75, 0.40, 0.35],
            "sat_low": [0.25, 0.75, 0.70, 0.30, 0.28],
            "sat_high": [0.35, 0.85, 0.80, 0.50, 0.42],
        }
    )


def test_priority_matrix_quadrants_lines_and_unclear_points():
    df = matrix_frame()
    fig = priority_matrix(df)
    ax = fig.axes[0]
    imp_line, sat_line = df["importance"].mean(), df["satisfaction"].mean()  # 0.718, 0.52
    collections = {c.get_gid(): c for c in points(ax)}
    # seniors' importance interval 0.60-0.84 crosses 0.718: unclear, drawn hollow
    assert len(collections["clear"].get_offsets()) == 4
    unclear = collections["unclear"]
    assert unclear.get_offsets().tolist() == [[0.35, 0.72]]
    assert unclear.get_facecolor()[0].tolist() == [1.0, 1.0, 1.0, 1.0]
    lines = [line for line in ax.get_lines() if line.get_linestyle() != "None"]
    values = sorted(float(np.unique(line.get_ydata())[0]) for line in lines
                    if len(np.unique(line.get_ydata())) == 1)  # fmt: skip
    assert any(v == pytest.approx(imp_line) for v in values)
    assert any(np.allclose(line.get_xdata(), sat_line) for line in lines)
    drawn = texts(fig)
    for word in ["Działaj tutaj", "Utrzymaj", "Niski priorytet", "Możliwy nadmiar"]:
        assert word in drawn
    assert "Dostęp do opieki\nzdrowotnej" in drawn  # labels in the report language, wrapped
    assert {"Ważność", "Zadowolenie"} <= set(drawn)
    crosshairs = [c for c in ax.collections if isinstance(c, LineCollection)]
    assert [len(c.get_segments()) for c in crosshairs] == [5, 5]


def test_priority_matrix_labels_do_not_overlap():
    fig = priority_matrix(matrix_frame(), lang="en")
    ax = fig.axes[0]
    renderer = fig.canvas.get_renderer()
    labels = [a for a in ax.texts if a.get_text() in set(matrix_frame()["label_en"])]
    assert len(labels) == 5
    boxes = [a.get_window_extent(renderer) for a in labels]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not a.overlaps(b)
    assert {"Act here", "Keep up", "Low priority", "Possible overkill"} <= set(texts(fig))


def test_priority_matrix_uses_given_cut_offs_and_leaves_out_hidden_services():
    df = matrix_frame()
    df.loc[df["service"] == "green", ["satisfaction", "sat_low", "sat_high"]] = np.nan
    fig = priority_matrix(df, importance_line=0.8, satisfaction_line=0.5)
    ax = fig.axes[0]
    assert sum(len(c.get_offsets()) for c in points(ax)) == 4
    assert any("Tereny zielone" in t and "Pominięto" in t for t in texts(fig))
    assert any(np.allclose(line.get_ydata(), 0.8) for line in ax.get_lines())
    assert "linie przerywane: przyjęte progi" in texts(fig)


# ------------------------------------------------------------------ pyramid
POPULATION = pd.DataFrame(
    {
        "age_band": ["18_29", "18_29", "30_44", "30_44", "60_plus", "60_plus"],
        "sex": ["female", "male"] * 3,
        "population": [200, 200, 300, 300, 600, 400],
    }
)


def test_pyramid_men_left_women_right_population_outlined():
    sample = POPULATION.rename(columns={"population": "n"}).assign(n=[30, 20, 40, 30, 90, 40])
    fig = pyramid(sample, POPULATION)
    ax = fig.axes[0]
    filled = [p for p in ax.patches if p.get_fill()]
    outlines = [p for p in ax.patches if not p.get_fill()]
    assert len(filled) == 6 and len(outlines) == 6
    assert sum(abs(p.get_width()) for p in outlines) == pytest.approx(1.0)
    assert sum(abs(p.get_width()) for p in filled) == pytest.approx(1.0)
    # the oldest women: 600 of 2000 in the population, 90 of 250 in the sample
    widths = sorted(p.get_width() for p in outlines)
    assert widths[-1] == pytest.approx(0.3)
    assert max(p.get_width() for p in filled) == pytest.approx(0.36)
    assert min(p.get_width() for p in filled) < 0  # men drawn to the left
    assert tick_labels(ax) == ["18–29", "30–44", "60+"]
    drawn = texts(fig)
    assert {"Kobiety", "Mężczyźni", "Populacja"} <= set(drawn)
    assert "Próba (n = 250): kobiety" in drawn


def test_pyramid_hides_small_sample_cells():
    sample = POPULATION.rename(columns={"population": "n"}).assign(n=[30, 4, 40, 30, 90, 40])
    fig = pyramid(sample, POPULATION, threshold=10, lang="en")
    ax = fig.axes[0]
    assert len([p for p in ax.patches if p.get_fill()]) == 5
    assert len([p for p in ax.patches if not p.get_fill()]) == 6
    assert "—" in texts(fig)
    assert any("fewer than 10 respondents" in t for t in texts(fig))


def test_pyramid_shares_are_of_the_whole_sample_when_cells_are_blanked():
    """Suppressed cells come blank: shares and n must still be of all respondents."""
    counts = [30, np.nan, 40, 30, 90, np.nan]  # two hidden cells of 4 and 6 people
    sample = POPULATION.rename(columns={"population": "n"}).assign(n=counts, suppressed=False)
    fig = pyramid(sample, POPULATION, threshold=10, sample_total=200, lang="en")
    filled = [p for p in fig.axes[0].patches if p.get_fill()]
    assert sorted(abs(p.get_width()) for p in filled) == pytest.approx([0.15, 0.15, 0.2, 0.45])
    assert "Sample (n = 200): women" in texts(fig)


# ------------------------------------------------------------ needs_ranking
def needs_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "need": ["roads", "childcare", "culture", "housing"],
            "label_pl": [
                "Drogi i chodniki",
                "Opieka nad dziećmi",
                "Oferta kulturalna",
                "Mieszkania",
            ],
            "label_en": ["Roads", "Childcare", "Culture", "Housing"],
            "share": [0.22, 0.41, 0.18, np.nan],
            "ci_low": [0.18, 0.36, 0.14, np.nan],
            "ci_high": [0.26, 0.46, 0.22, np.nan],
            "votes": [12, 3, 7, 5],
            "rank": [1, 2, 3, 4],
        }
    )


def test_needs_ranking_sorted_bars_with_intervals_and_votes():
    fig = needs_ranking(needs_frame(), votes="votes")
    ax, ax_votes = fig.axes
    assert tick_labels(ax) == ["Opieka nad dziećmi", "Drogi i chodniki", "Oferta kulturalna",
                               "Mieszkania"]  # fmt: skip
    assert len(ax.patches) == 3  # the hidden need has no bar
    assert sorted(p.get_width() for p in ax.patches) == pytest.approx([0.18, 0.22, 0.41])
    assert [p.get_width() for p in ax_votes.patches] == [3, 12, 7, 5]
    (whiskers,) = [c for c in ax.collections if isinstance(c, LineCollection)]
    assert len(whiskers.get_segments()) == 3
    drawn = texts(fig)
    assert {"41%", "—", "Głosy na warsztacie"} <= set(drawn)


def test_needs_ranking_given_order_top_and_english():
    fig = needs_ranking(needs_frame(), order="given", top=2, lang="en")
    assert len(fig.axes) == 1
    assert tick_labels(fig.axes[0]) == ["Roads", "Childcare"]
    assert fig.axes[0].get_xlabel() == "Share of residents choosing the need"
    with pytest.raises(PresentError):
        needs_ranking(needs_frame(), order="votes")


@pytest.mark.parametrize("name", ["likert", "dots", "matrix", "pyramid", "needs"])
def test_every_figure_writes_svg_with_polish_labels_and_no_nan(name):
    makers = {
        "likert": lambda: likert_bars(likert_frame(), ["1", "2", "3", "4"], AGREE,
                                      item_labels=ITEMS, dont_know="99"),
        "dots": lambda: dot_interval(dots_frame(), "label", group="sex"),
        "matrix": lambda: priority_matrix(matrix_frame()),
        "pyramid": lambda: pyramid(POPULATION.rename(columns={"population": "n"}), POPULATION),
        "needs": lambda: needs_ranking(needs_frame(), votes="votes"),
    }  # fmt: skip
    expected = {
        "likert": "Sąsiadom w mojej okolicy można ufać.",
        "dots": "Mężczyźni",
        "matrix": "Działaj tutaj",
        "pyramid": "Mężczyźni",
        "needs": "Opieka nad dziećmi",
    }
    fig = makers[name]()
    # WeasyPrint 70 drops right-anchored SVG text that has an opacity: text stays opaque
    assert all(t.get_alpha() in (None, 1.0) for t in fig.findobj(mpl.text.Text))
    svg = figure_svg(fig)
    assert expected[name] in svg
    assert "nan" not in svg.lower().replace("nanoseconds", "")
    ET.fromstring(svg)  # well-formed


def accessible_figures(lang: str) -> dict[str, Figure]:
    """One figure of each kind, with hidden values, groups and every kind of mark."""
    freq = likert_frame()
    freq.loc[(freq["variable"] == "coh_self") & (freq["level"] == "1"), "suppressed"] = True
    freq.loc[(freq["variable"] == "coh_trust") & (freq["level"] == "99"), "suppressed"] = True
    five = pd.DataFrame({"variable": "q", "level": [1, 2, 3, 4, 5],
                         "estimate": [0.1, 0.2, 0.3, 0.25, 0.15]})  # fmt: skip
    scale = {1: "Bardzo źle", 2: "Źle", 3: "Ani tak, ani nie", 4: "Dobrze", 5: "Bardzo dobrze"}
    groups = pd.DataFrame(
        [{"label": label, "g": f"G{k}", "estimate": 0.1 * k + 0.02 * i, "ci_low": 0.1 * k,
          "ci_high": 0.1 * k + 0.05, "suppressed": (k, i) == (3, 1)}
         for i, label in enumerate(["Czyta", "Pisze"]) for k in range(1, 8)]
    )  # fmt: skip
    matrix = pd.concat([matrix_frame(), matrix_frame().head(2).assign(
        label_pl=["Niska a", "Wysoka b"], label_en=["Low a", "High b"],
        importance=[0.55, 0.8], imp_low=[0.5, 0.78], imp_high=[0.6, 0.82],
        satisfaction=[0.45, 0.7], sat_low=[0.44, 0.68], sat_high=[0.46, 0.72])])  # fmt: skip
    sample = POPULATION.rename(columns={"population": "n"}).assign(n=[30, 4, 40, 30, 90, 40])
    return {
        "likert": likert_bars(freq, ["1", "2", "3", "4"], AGREE, item_labels=ITEMS,
                              dont_know="99", threshold=10, lang=lang),
        "likert5": likert_bars(five, [1, 2, 3, 4, 5], scale, lang=lang),
        "dots": dot_interval(groups, "label", group="g", threshold=10, lang=lang),
        "matrix": priority_matrix(matrix, lang=lang),
        "pyramid": pyramid(sample, POPULATION, threshold=10, lang=lang),
        "needs": needs_ranking(needs_frame(), votes="votes", threshold=10, lang=lang),
    }  # fmt: skip


def over_white(rgba) -> tuple[float, float, float] | None:
    """The colour a translucent mark shows on the white page; None if it shows nothing."""
    r, g, b, a = mpl.colors.to_rgba(rgba)
    shown = tuple(a * c + (1 - a) for c in (r, g, b))
    return None if a == 0 or min(shown) > 0.999 else shown


def mark_colours(fig: Figure) -> list[tuple[str, tuple[float, float, float]]]:
    """(what, colour on white) of every bar, outline, dot, whisker and line drawn."""
    found = []
    for ax in fig.axes:
        for patch in ax.patches:
            found.append(("bar", patch.get_facecolor()))
            if patch.get_linewidth() > 0:
                found.append(("bar edge", patch.get_edgecolor()))
        for coll in ax.collections:
            found += [(f"{type(coll).__name__} face", c) for c in coll.get_facecolors()]
            if np.any(coll.get_linewidths()):
                found += [(f"{type(coll).__name__} edge", c) for c in coll.get_edgecolors()]
        found += [("line", line.get_color()) for line in ax.get_lines()]
    return [(what, shown) for what, rgba in found if (shown := over_white(rgba)) is not None]


def text_on_background(fig: Figure) -> list[tuple[str, str, object]]:
    """(text, its colour, what it sits on): a bar it is written inside, else the white page."""
    found = []
    for text in fig.findobj(mpl.text.Text):
        if not (text.get_visible() and text.get_text()):
            continue
        background = "white"
        ax = text.axes
        if ax is not None and text in ax.texts and text.get_transform() == ax.transData:
            x, y = text.get_position()
            for patch in ax.patches:
                if patch.get_fill() and patch.get_bbox().contains(x, y):
                    background = over_white(patch.get_facecolor()) or "white"
        found.append((text.get_text(), text.get_color(), background))
    return found


@pytest.mark.parametrize("lang", ["pl", "en"])
def test_every_figure_draws_marks_at_3_to_1_and_text_at_4_5_to_1(lang):
    for name, fig in accessible_figures(lang).items():
        marks = mark_colours(fig)
        assert marks, name
        weak = {(what, mpl.colors.to_hex(c), round(style.contrast_ratio(c), 2))
                for what, c in marks if style.contrast_ratio(c) < 3.0}  # fmt: skip
        assert weak == set(), name
        words = text_on_background(fig)
        on_bars = [w for w in words if w[2] != "white"]
        if name.startswith("likert"):
            assert on_bars  # the percentages inside the segments are checked against them
        unreadable = [(t, c, b) for t, c, b in words if style.contrast_ratio(c, b) < 4.5]
        assert unreadable == [], name


# ----------------------------------------------------------------- alt text
def test_alt_text_of_dot_interval_states_values_and_only_says_hidden():
    est = pd.DataFrame({"label": ["kobiety", "mężczyźni", "osoby 75+"],
                        "estimate": [0.523, 0.441, 0.913], "ci_low": [0.47, 0.38, 0.82],
                        "ci_high": [0.58, 0.50, 0.97], "n": [412, 388, 7],
                        "suppressed": [False, False, True]})  # fmt: skip
    fig = dot_interval(est, "label", threshold=10)
    assert fig.alt_text == (
        "Odsetek (w nawiasach przedział ufności): kobiety 52% (47–58%); mężczyźni 44% (38–50%); "
        "ukryto 1 wynik (mniej niż 10 odpowiedzi): osoby 75+."
    )
    assert dot_interval(est, "label", threshold=10, lang="en", total=0.5).alt_text == (
        "Share (confidence interval in brackets): kobiety 52% (47–58%); mężczyźni 44% (38–50%); "
        "Total: 50%; 1 result hidden (fewer than 10 respondents): osoby 75+."
    )
    # the hidden row's numbers appear nowhere, not even rounded; left out, it is still counted
    left_out = dot_interval(est, "label", show_suppressed=False, threshold=5)
    for alt in (fig.alt_text, left_out.alt_text):
        assert not any(value in alt for value in ("91", "82", "97", "n = 7"))
    assert left_out.alt_text.endswith("ukryto 1 wynik (mniej niż 5 odpowiedzi): osoby 75+.")
    # by group, in the order drawn (largest first), with the groups' names; means with decimals
    grouped = dot_interval(dots_frame(), "label", group="sex", lang="pl")
    assert grouped.alt_text.startswith(
        "Odsetek według grup (w nawiasach przedział ufności): "
        "Korzysta z internetu: Kobiety 81% (77–85%), Mężczyźni 76% (72–80%); Czyta książki: "
    )
    means = est.assign(
        estimate=[3.44, 2.9, 4.0], ci_low=[3.31, 2.75, 3.5], ci_high=[3.57, 3.05, 4.5]
    )
    alt = dot_interval(means, "label", percent=False, xlabel="Średnia (1–5)").alt_text
    assert alt.startswith("Średnia (1–5) (w nawiasach przedział ufności): kobiety 3,4 (3,3–3,6);")


def test_alt_text_of_likert_bars_gives_each_answer_and_names_the_hidden():
    freq = likert_frame()
    freq.loc[(freq["variable"] == "coh_self") & (freq["level"] == "1"), "suppressed"] = True
    freq.loc[(freq["variable"] == "coh_trust") & (freq["level"] == "99"), "suppressed"] = True
    fig = likert_bars(freq, ["1", "2", "3", "4"], AGREE, item_labels=ITEMS, dont_know="99",
                      threshold=10)  # fmt: skip
    assert fig.alt_text == (
        "Odsetek odpowiedzi: Czuję, że należę do swojej okolicy: Zdecydowanie się nie zgadzam "
        "10%, Raczej się nie zgadzam 20%, Raczej się zgadzam 40%, Zdecydowanie się zgadzam 25%, "
        "Trudno powiedzieć 5%; Sąsiadom w mojej okolicy można ufać: Zdecydowanie się nie zgadzam "
        "5%, Raczej się nie zgadzam 15%, Raczej się zgadzam 50%, Zdecydowanie się zgadzam 22%; "
        "ukryto 2 wyniki (mniej niż 10 odpowiedzi): Sąsiadom w mojej okolicy można ufać "
        "(Trudno powiedzieć), W mojej okolicy każdy dba tylko o siebie."
    )
    assert "37%" not in fig.alt_text and "8%" not in fig.alt_text  # the hidden shares
    english = likert_bars(freq, ["1", "2", "3", "4"], AGREE, item_labels=ITEMS, dont_know="99",
                          lang="en")  # fmt: skip
    assert english.alt_text.startswith("Share of answers: Czuję, że należę")
    assert english.alt_text.endswith("2 results hidden (too few respondents): Sąsiadom w mojej "
                                     "okolicy można ufać (Trudno powiedzieć), W mojej okolicy "
                                     "każdy dba tylko o siebie.")  # fmt: skip


def test_alt_text_of_priority_matrix_goes_quadrant_by_quadrant():
    df = matrix_frame()
    df.loc[df["service"] == "green", ["satisfaction", "sat_low", "sat_high"]] = np.nan
    fig = priority_matrix(df, importance_line=0.8, satisfaction_line=0.5)
    assert fig.alt_text == (
        "Ważność i zadowolenie (w nawiasach przedziały ufności; linie podziału: ważność 80%, "
        "zadowolenie 50%): Działaj tutaj — Drogi i chodniki: ważność 90% (86–94%), zadowolenie "
        "30% (25–35%); Dostęp do opieki zdrowotnej: ważność 85% (80–90%), zadowolenie 40% "
        "(30–50%), położenie niejasne; Niski priorytet — Oferta dla seniorów: ważność 72% "
        "(60–84%), zadowolenie 35% (28–42%), położenie niejasne; Możliwy nadmiar — Oferta "
        "kulturalna: ważność 50% (45–55%), zadowolenie 80% (75–85%); ukryto 1 wynik (za mało "
        "odpowiedzi): Tereny zielone."
    )
    english = priority_matrix(df, importance_line=0.8, satisfaction_line=0.5, lang="en")
    assert english.alt_text.startswith(
        "Importance and satisfaction (confidence intervals in brackets; cut-offs: importance 80%, "
        "satisfaction 50%): Act here — Roads: importance 90% (86–94%), satisfaction 30% (25–35%);"
    )
    assert "placement unclear" in english.alt_text
    assert english.alt_text.endswith("1 result hidden (too few respondents): Green spaces.")


def test_alt_text_of_pyramid_gives_sample_and_population_and_hides_small_cells():
    sample = POPULATION.rename(columns={"population": "n"}).assign(n=[30, 4, 40, 30, 90, 40])
    fig = pyramid(sample, POPULATION, threshold=10)
    assert fig.alt_text == (
        "Odsetek dorosłych w próbie (n = 234) i w populacji według wieku i płci: 18–29: "
        "mężczyźni ukryte (populacja 10%), kobiety 13% (populacja 10%); 30–44: mężczyźni 13% "
        "(populacja 15%), kobiety 17% (populacja 15%); 60+: mężczyźni 17% (populacja 20%), "
        "kobiety 38% (populacja 30%); ukryto 1 wynik (mniej niż 10 odpowiedzi)."
    )
    assert "2%" not in fig.alt_text  # 4 of 234
    english = pyramid(sample, POPULATION, threshold=10, lang="en")
    assert english.alt_text.startswith(
        "Share of adults in the sample (n = 234) and in the population by age and sex: 18–29: "
        "men hidden (population 10%), women 13% (population 10%);"
    )


def test_alt_text_of_needs_ranking_counts_votes_in_polish():
    fig = needs_ranking(needs_frame().assign(votes=[12, 3, 1, 22]), votes="votes", threshold=10)
    assert fig.alt_text == (
        "Odsetek mieszkańców wskazujących potrzebę (w nawiasach przedział ufności) i głosy na "
        "warsztacie: Opieka nad dziećmi 41% (36–46%), 3 głosy; Drogi i chodniki 22% (18–26%), "
        "12 głosów; Oferta kulturalna 18% (14–22%), 1 głos; ukryto 1 wynik (mniej niż 10 "
        "odpowiedzi): Mieszkania (22 głosy)."
    )
    english = needs_ranking(needs_frame(), lang="en")
    assert english.alt_text == (
        "Share of residents choosing the need (confidence interval in brackets): Childcare 41% "
        "(36–46%); Roads 22% (18–26%); Culture 18% (14–22%); 1 result hidden (too few "
        "respondents): Housing."
    )


@pytest.mark.parametrize("lang", ["pl", "en"])
def test_alt_text_is_short_and_counts_what_it_leaves_out(lang):
    from diagnosis.plurals import polish_form

    for n_rows in (23, 40, 60):
        est = pd.DataFrame({"label": [f"Dzielnica numer {k}" for k in range(n_rows)],
                            "estimate": np.linspace(0.9, 0.1, n_rows), "ci_low": 0.05,
                            "ci_high": 0.95, "suppressed": False})  # fmt: skip
        est.loc[5, "suppressed"] = True
        alt = dot_interval(est, "label", lang=lang, threshold=10).alt_text
        assert len(alt) <= figures.ALT_TEXT_LIMIT
        listed = alt.count("Dzielnica numer") - 1  # one is named as hidden
        more = re.search(r"(?:i|and) (\d+) (inne|innych|more)", alt)
        assert more, alt
        left = int(more.group(1))
        assert listed + left == n_rows - 1 and left >= 2
        if lang == "pl":
            assert more.group(2) == ("inne" if polish_form(left) == "few" else "innych")
        assert alt.endswith("Dzielnica numer 5.")
    for name, fig in accessible_figures(lang).items():
        assert isinstance(fig.alt_text, str) and 40 < len(fig.alt_text) <= 600, name
        assert "nan" not in fig.alt_text.lower(), name


def test_figures_refuse_unknown_language_and_missing_columns():
    with pytest.raises(PresentError):
        dot_interval(dots_frame(), "label", lang="de")
    with pytest.raises(PresentError, match="ci_low"):
        dot_interval(dots_frame().drop(columns="ci_low"), "label")
    with pytest.raises(PresentError, match="label"):
        priority_matrix(matrix_frame().drop(columns=["label_pl", "label_en"]))


def test_age_band_labels():
    assert figures.age_band_label("45_59") == "45–59"
    assert figures.age_band_label("60_plus") == "60+"


# ------------------------------------------------------------------ numbers
def test_numbers_polish_and_english():
    assert format_number(1234567.891, "pl", 2) == f"1{NNBSP}234{NNBSP}567,89"
    assert format_number(1234567.891, "en", 2) == "1,234,567.89"
    assert format_number(-3.25, "pl", 1) == "\u22123,2"  # round half to even, minus sign
    assert format_number(-0.04, "pl", 1) == "0,0"  # no "minus zero"
    assert format_percent(0.123, "pl") == "12,3%"
    assert format_percent(0.123, "en", 0) == "12%"
    assert format_interval(0.123, 0.101, 0.146, "pl") == "12,3% (10,1–14,6)"
    assert format_interval(0.123, None, None, "en") == "12.3%"
    assert format_interval(None, 0.1, 0.2, "pl") == "–"
    with pytest.raises(PresentError):
        format_number(1.0, "fr")


# ------------------------------------------------------------------- tables
def table_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "label": ["Kobiety", "Mężczyźni <b>", "Osoby 75+"],
            "estimate": [0.123, 0.4567, 0.987],
            "ci_low": [0.101, 0.41, 0.95],
            "ci_high": [0.146, 0.50, 0.999],
            "se": [0.011, 0.023, 0.01],
            "n": [1234, 5678, 7],
            "n_weighted": [15234.4, 6001.2, 8.9],
            "suppressed": [False, False, True],
        }
    )


def cells(html: str) -> list[list[str]]:
    root = ET.fromstring(html)
    return [["".join(td.itertext()) for td in tr] for tr in root.iter("tr")]


def test_table_polish_numbers_intervals_and_structure():
    html = format_table(table_frame(), ["label", "estimate", "n", "n_weighted"],
                        {"label": "Grupa", "estimate": "Odsetek (95% CI)", "n": "n"}, "pl",
                        threshold=10)  # fmt: skip
    assert html.startswith('<table class="data">')
    root = ET.fromstring(html)
    assert [child.tag for child in root] == ["thead", "tbody", "tfoot"]
    rows = cells(html)
    assert rows[0] == ["Grupa", "Odsetek (95% CI)", "n", "n_weighted"]
    assert rows[1] == ["Kobiety", "12,3% (10,1–14,6)", f"1{NNBSP}234", f"15{NNBSP}234"]
    assert rows[2][1] == "45,7% (41,0–50,0)"
    assert rows[2][0] == "Mężczyźni <b>"  # escaped in the markup, intact as text
    assert "&lt;b&gt;" in html
    assert 'class="num"' in html


def test_table_hides_suppressed_values_with_a_footnote():
    html = format_table(table_frame(), ["label", "estimate", "se", "n", "n_weighted"], {}, "pl",
                        threshold=10)  # fmt: skip
    rows = cells(html)
    assert rows[3] == ["Osoby 75+", "–*", "–*", "–*", "–*"]
    for value in ["98,7", "95,0", "99,9", ">7<", "8,9", "9<"]:
        assert value not in html
    assert "mniej niż 10 odpowiedziach" in rows[-1][0]
    assert html.count("<sup>*</sup>") == 5  # four cells and the footnote


def test_table_english_percent_choices_and_missing_values():
    df = table_frame().assign(suppressed=False)
    df.loc[0, "se"] = np.nan
    html = format_table(df, ["label", "estimate", "se", "n"], {}, "en", decimals=2, ci=False)
    rows = cells(html)
    assert rows[1][1:] == ["12.30%", ".", "1,234"]
    assert rows[2][1:] == ["45.67%", "2.30", "5,678"]  # se in percentage points
    assert rows[-1] == [". no data."]
    html = format_table(df, ["label", "estimate"], {}, "en", percent=False)
    assert cells(html)[1][1] == "0.1 (0.1–0.1)"
    html = format_table(df, ["estimate", "se"], {}, "pl", percent=["se"], ci=False)
    assert cells(html)[2] == ["0,5", "2,3"]  # se in percentage points, never with "%"


def test_table_without_suppressed_column_has_no_footnote_and_rejects_bad_input():
    html = format_table(table_frame().drop(columns="suppressed"), ["label", "n"], {}, "en")
    assert "<tfoot>" not in html and "7" in html
    with pytest.raises(PresentError, match="nope"):
        format_table(table_frame(), ["nope"], {}, "pl")
    with pytest.raises(PresentError):
        format_table(table_frame(), ["label"], {}, "xx")


def test_table_headers_have_scopes_and_the_label_names_its_row():
    html = format_table(table_frame(), ["label", "estimate", "n"], {"label": "Grupa"}, "pl",
                        threshold=10, caption="Odsetek według grup & wieku")  # fmt: skip
    root = ET.fromstring(html)
    assert [child.tag for child in root] == ["caption", "thead", "tbody", "tfoot"]
    assert root.find("caption").text == "Odsetek według grup & wieku"  # escaped in the markup
    head = root.find("thead").findall("tr/*")
    assert [(c.tag, c.get("scope"), c.get("class")) for c in head] == [
        ("th", "col", None), ("th", "col", "num"), ("th", "col", "num")
    ]  # fmt: skip
    for tr in root.find("tbody"):
        first, *rest = list(tr)
        assert (first.tag, first.get("scope")) == ("th", "row")
        assert [c.tag for c in rest] == ["td", "td"] and all(c.get("scope") is None for c in rest)
    assert "".join(root.find("tbody")[2][0].itertext()) == "Osoby 75+"  # hidden row keeps its label
    assert [len(tr) for tr in root.find("tfoot")] == [1]  # the footnote stays one <td>
    # a number in the first column does not name the row; row_header decides either way
    numbers = ET.fromstring(format_table(table_frame(), ["n", "label"], {}, "pl"))
    assert {c.tag for tr in numbers.find("tbody") for c in tr} == {"td"}
    plain = ET.fromstring(format_table(table_frame(), ["label", "n"], {}, "pl", row_header=False))
    assert {c.tag for tr in plain.find("tbody") for c in tr} == {"td"}
    forced = format_table(table_frame(), ["n", "label"], {}, "en", row_header=True)
    assert '<th class="num" scope="row">1,234</th>' in forced


def test_public_columns_are_shown_in_a_hidden_row():
    from diagnosis.present import format_table

    t = pd.DataFrame({"age": ["18-29"], "population_share": [0.155], "sample_share": [np.nan],
                      "suppressed": [True]})  # fmt: skip
    columns, share = ["age", "population_share", "sample_share"], ["population_share"]
    hidden = format_table(t, columns, lang="pl", percent=share)
    assert "15,5%" not in hidden and hidden.count("–<sup>") == 2
    shown = format_table(t, columns, lang="pl", percent=share, public=share)
    assert "15,5%" in shown and shown.count("–<sup>") == 1
