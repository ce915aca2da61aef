"""The report as a document: executed notebook -> standalone HTML -> A4 PDF.

The HTML holds no code: nbconvert's ``basic`` template with inputs and prompts
excluded gives the cells' outputs, which we wrap in our own page with a cover,
a table of contents and print CSS. WeasyPrint lays that out on A4 with page
numbers (``counter(page)``) and page references in the table of contents
(``target-counter``); figures are inline SVG, so they stay vector in the PDF.

Examples
--------
>>> html = standalone_html('<h2 id="a">Wyniki</h2><p>Zażółć gęślą jaźń</p>',
...                        title="Diagnoza", subtitle="Kwidzyn", lang="pl")
>>> '<a href="#a">Wyniki</a>' in html and "Spis treści" in html
True
"""

from __future__ import annotations

import base64
import gc
import html as html_lib
import io
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where used: ``diagnosis report`` needs them late or not at all
    import nbformat
    from matplotlib.figure import Figure

__all__ = [
    "REPORT_CSS",
    "HTMLFragment",
    "collect_new_objects_only",
    "figure_html",
    "figure_svg_drawn_once",
    "lay_out_svg_text_in_runs",
    "notebook_html",
    "standalone_html",
    "write_pdf",
]

REPORT_CSS = """
@page {
  size: A4;
  margin: 22mm 18mm 22mm 18mm;
  @top-right { content: string(doctitle); font-size: 8pt; color: #666; }
  @bottom-center { content: counter(page) " / " counter(pages); font-size: 8pt; color: #666; }
}
@page :first { @top-right { content: none; } @bottom-center { content: none; } }
html { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 10pt;
       line-height: 1.4; color: #1a1a1a; }
body { margin: 0; }
.cover { page-break-after: always; padding-top: 60mm; }
.cover h1 { font-size: 26pt; margin: 0 0 6mm 0; string-set: doctitle content(); }
.cover .subtitle { font-size: 16pt; color: #333; }
.cover .meta { margin-top: 20mm; color: #444; }
.cover .badge { display: inline-block; margin-top: 8mm; padding: 2mm 4mm; border: 1px solid #b35806;
                color: #b35806; font-weight: bold; }
nav.toc h2 { border: none; }
nav.toc ol { list-style: none; padding: 0; }
nav.toc li { margin: 2mm 0; }
nav.toc a { color: inherit; text-decoration: none; }
nav.toc a::after { content: leader('.') target-counter(attr(href), page); }
nav.toc { page-break-after: always; }
h2 { font-size: 15pt; border-bottom: 1px solid #ccc; padding-bottom: 1mm; margin-top: 9mm;
     page-break-after: avoid; }
section:first-of-type > h2 { margin-top: 0; }
h3 { font-size: 11.5pt; margin: 5mm 0 2mm 0; page-break-after: avoid; }
p, li { orphans: 3; widows: 3; }
table { border-collapse: collapse; width: 100%; margin: 2mm 0 4mm 0; font-size: 8.5pt;
        page-break-inside: auto; }
thead { display: table-header-group; }
th, td { border-bottom: 1px solid #ddd; padding: 1.2mm 1.5mm; text-align: left;
         vertical-align: top; overflow-wrap: break-word; }
td.num, th.num { text-align: right; white-space: nowrap; }
tr { page-break-inside: avoid; }
table.bygroup { table-layout: fixed; }
table.bygroup th.num { white-space: normal; hyphens: manual; }
tbody th { font-weight: normal; }
table.bygroup td.num { white-space: pre-line; }
figure { margin: 3mm 0; page-break-inside: avoid; }
figure svg, figure img, .jp-RenderedSVG svg, .jp-RenderedImage img { max-width: 100%;
         height: auto; }
figcaption { font-size: 8.5pt; color: #444; }
.note { font-size: 8.5pt; color: #444; }
.keyfigures { display: flex; flex-wrap: wrap; gap: 3mm; }
.keyfigure { border: 1px solid #ddd; padding: 2mm 3mm; width: 38mm; }
.keyfigure .value { font-size: 15pt; font-weight: bold; }
.sheet { border: 1px solid #999; padding: 3mm; margin: 3mm 0; page-break-inside: avoid; }
.sheet table { table-layout: fixed; }  /* 35% + 65% as before, without measuring each cell */
.sheet table td:first-child { width: 35%; box-sizing: border-box; font-weight: bold; }
blockquote { margin: 2mm 0 2mm 4mm; padding-left: 3mm; border-left: 2px solid #ccc;
             font-style: italic; }
.jp-InputPrompt, .jp-OutputPrompt, .prompt { display: none; }
"""

_H2 = re.compile(r'<h2[^>]*\bid="([^"]+)"[^>]*>(.*?)</h2>', re.S)
_TAGS = re.compile(r"<[^>]+>")
_TEXT = {
    "pl": {"toc": "Spis treści", "synthetic": "Dane syntetyczne — nie są to wyniki prawdziwego "
           "badania"},
    "en": {"toc": "Contents", "synthetic": "Synthetic data — not the results of a real survey"},
}  # fmt: skip


class HTMLFragment(str):
    """A string that Jupyter displays as HTML (no IPython import needed).

    Examples
    --------
    >>> HTMLFragment("<p>Łódź</p>")._repr_html_()
    '<p>Łódź</p>'
    """

    def _repr_html_(self) -> str:
        return str(self)


def figure_html(fig: Figure, caption: str) -> str:
    """The figure as an SVG image (vector in the PDF) with its caption; closes the figure.

    Embedded as a data URI rather than inline ``<svg>``: WeasyPrint then lays
    the SVG out once as an image instead of cascading the page's CSS over each
    of its thousands of elements. The SVG is :func:`figure_svg_drawn_once`.

    Examples
    --------
    >>> from diagnosis.present.style import house_style, new_figure
    >>> with house_style():
    ...     fig, ax = new_figure(4)
    >>> figure_html(fig, "Łódź & okolice")[-50:]
    'igcaption>Łódź &amp; okolice</figcaption></figure>'
    """
    # the figure's own description of its data (present.figures sets alt_text), else the caption
    alt = html_lib.escape(getattr(fig, "alt_text", None) or caption)
    svg = base64.b64encode(figure_svg_drawn_once(fig).encode("utf-8")).decode("ascii")
    caption = html_lib.escape(caption)
    return (
        f'<figure><img src="data:image/svg+xml;base64,{svg}" alt="{alt}">'
        f"<figcaption>{caption}</figcaption></figure>"
    )


_SVG_PROLOG = re.compile(r"\A.*?(?=<svg\b)", re.S)
_SVG_SIZE = re.compile(r'<svg\b[^>]*?\bwidth="([\d.]+)pt" height="([\d.]+)pt" '
                       r'viewBox="0 0 ([\d.]+) ([\d.]+)"')  # fmt: skip


def _pt(value: float) -> str:
    """A length as matplotlib's SVG writer prints it (six decimals, no trailing zeros)."""
    return f"{value:f}".rstrip("0").rstrip(".")


def figure_svg_drawn_once(fig: Figure, pad_inches: float = 0.03) -> str:
    """What ``figure_svg(fig)`` gives (a tight ``<svg>``, text as text), drawing the figure once.

    ``savefig(..., bbox_inches="tight")`` of a figure with constrained layout
    draws it twice: once, without output, to run the layout and measure the
    tight box, and once to write the SVG. Here the one drawing that writes the
    SVG runs the layout too; the tight box is measured at its end (the same
    call, on the same renderer, that ``savefig`` makes) and the SVG's size and
    ``viewBox`` are set to it. Every element is where the layout put it and
    the image has the same size. One difference: ``savefig`` moves a legend
    placed "outside" the axes to the cropped box's corner (a point or two),
    this keeps it where the layout placed it.

    Parameters
    ----------
    fig : Figure
        A figure made under :func:`~diagnosis.present.style.house_style`; closed here.
    pad_inches : float
        Margin around the tight box, as in ``figure_svg``.

    Returns
    -------
    str

    Examples
    --------
    >>> from diagnosis.present.style import figure_svg, house_style, new_figure
    >>> def drawn():
    ...     with house_style():
    ...         fig, ax = new_figure(4)
    ...         _ = ax.bar(["Łódź", "Kraków"], [1, 2])
    ...         _ = fig.suptitle("Zażółć", x=0.0, ha="left")
    ...     return fig
    >>> size = re.compile(r'width="[^"]+" height="[^"]+"')
    >>> once, twice = figure_svg_drawn_once(drawn()), figure_svg(drawn())
    >>> size.search(once).group(0) == size.search(twice).group(0)
    True
    >>> once.startswith("<svg") and "Zażółć" in once
    True
    """
    import matplotlib as mpl
    from matplotlib.backends.backend_svg import FigureCanvasSVG

    from ..present.style import HOUSE_RC

    measured = {}

    def measure(event) -> None:  # the end of the drawing, still at the SVG's 72 dpi
        measured["box"] = fig.get_tightbbox(event.renderer).padded(pad_inches)

    canvas, dpi = fig.canvas, fig.dpi
    buffer = io.StringIO()
    with mpl.rc_context({**HOUSE_RC, "svg.fonttype": "none"}):
        listener = canvas.mpl_connect("draw_event", measure)
        try:
            fig.dpi = mpl.rcParams["savefig.dpi"]  # for raster parts, as savefig
            FigureCanvasSVG(fig).print_svg(buffer, metadata={"Date": None})
        finally:
            fig.dpi = dpi
            fig.set_canvas(canvas)
            canvas.mpl_disconnect(listener)
    if getattr(canvas, "manager", None) is not None:  # a pyplot figure: close it
        import matplotlib.pyplot as plt

        plt.close(fig)
    svg = _SVG_PROLOG.sub("", buffer.getvalue(), count=1)
    found = _SVG_SIZE.search(svg)
    if found is None or "box" not in measured:  # not what we know: matplotlib's own way
        from ..present.style import figure_svg

        return figure_svg(fig)
    box, height = measured["box"], float(found.group(4))
    width_pt, height_pt = _pt(box.width * 72), _pt(box.height * 72)
    head = found.group(0)
    cropped = (
        head.replace(f'width="{found.group(1)}pt"', f'width="{width_pt}pt"', 1)
        .replace(f'height="{found.group(2)}pt"', f'height="{height_pt}pt"', 1)
        .replace(
            f'viewBox="0 0 {found.group(3)} {found.group(4)}"',
            f'viewBox="{_pt(box.x0 * 72)} {_pt(height - box.y1 * 72)} {width_pt} {height_pt}"',
            1,
        )
    )
    return svg.replace(head, cropped, 1)


def notebook_html(notebook: nbformat.NotebookNode | str | Path) -> str:
    """The outputs of an executed notebook as an HTML fragment, without code or prompts.

    What ``jupyter nbconvert --to html --no-input`` shows, without its page
    chrome: rich outputs (HTML, SVG, PNG), printed text and errors, and
    markdown cells rendered; cells tagged ``remove-in-report`` (the template's
    own instructions) are left out. Taken straight from the notebook's
    outputs, so it costs milliseconds rather than nbconvert's template run.

    Parameters
    ----------
    notebook : NotebookNode or path
        An executed notebook.

    Returns
    -------
    str

    Examples
    --------
    >>> from nbformat.v4 import new_notebook, new_code_cell, new_output
    >>> out = new_output("display_data", {"text/html": "<b>Łódź</b>"})
    >>> cell = new_code_cell("x", outputs=[out])
    >>> notebook_html(new_notebook(cells=[cell]))
    '<div class="output"><b>Łódź</b></div>'
    """
    if isinstance(notebook, str | Path):
        import nbformat

        notebook = nbformat.read(str(notebook), as_version=4)
    parts: list[str] = []
    for cell in notebook.cells:
        if "remove-in-report" in cell.get("metadata", {}).get("tags", []):
            continue
        if cell.cell_type == "markdown":
            from nbconvert.filters import markdown2html

            parts.append(f'<div class="markdown">{markdown2html(cell.source)}</div>')
        elif cell.cell_type == "code":
            parts.extend(_output_html(o) for o in cell.get("outputs", []))
    return "".join(p for p in parts if p)


def _output_html(output: nbformat.NotebookNode) -> str:
    kind = output.get("output_type")
    if kind == "stream":
        return f'<pre class="stream">{html_lib.escape(output.get("text", ""))}</pre>'
    if kind == "error":
        text = f"{output.get('ename', '')}: {output.get('evalue', '')}"
        return f'<pre class="error">{html_lib.escape(text)}</pre>'
    data = output.get("data", {})
    if "text/html" in data:
        body = data["text/html"]
    elif "image/svg+xml" in data:
        body = data["image/svg+xml"]
    elif "image/png" in data:
        body = f'<img src="data:image/png;base64,{data["image/png"]}">'
    elif "text/plain" in data:
        body = f"<pre>{html_lib.escape(data['text/plain'])}</pre>"
    else:
        return ""
    body = "".join(body) if isinstance(body, list) else body
    return f'<div class="output">{body}</div>'


def _toc(body: str, lang: str) -> str:
    items = [
        f'<li><a href="#{anchor}">{_TAGS.sub("", title).strip()}</a></li>'
        for anchor, title in _H2.findall(body)
    ]
    return f'<nav class="toc"><h2>{_TEXT[lang]["toc"]}</h2><ol>{"".join(items)}</ol></nav>'


def standalone_html(
    body: str,
    *,
    title: str,
    subtitle: str = "",
    meta: str = "",
    lang: str = "pl",
    synthetic: bool = False,
) -> str:
    """Wrap report content in a complete HTML page: cover, table of contents, print CSS.

    Parameters
    ----------
    body : str
        The sections; every ``<h2 id="...">`` becomes an entry of the contents.
    title, subtitle, meta : str
        Cover texts (``meta``: e.g. the date and the data source), HTML-escaped here.
    lang : {"pl", "en"}
    synthetic : bool
        Mark the cover: the data are synthetic.

    Returns
    -------
    str
        A UTF-8 HTML document that opens in a browser and prints to A4. Its data
        tables have the column widths auto layout would give them on A4, fixed
        (see :func:`~diagnosis.report.columns.fix_column_widths`), so that
        WeasyPrint lays them out without measuring every cell first.
    """
    from .columns import fix_column_widths

    esc = html_lib.escape
    body = fix_column_widths(body)
    badge = f'<div class="badge">{_TEXT[lang]["synthetic"]}</div>' if synthetic else ""
    cover = (
        f'<header class="cover"><h1>{esc(title)}</h1>'
        f'<div class="subtitle">{esc(subtitle)}</div>{badge}'
        f'<div class="meta">{esc(meta)}</div></header>'
    )
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{esc(title)} — {esc(subtitle)}</title><style>{REPORT_CSS}</style></head>"
        f"<body>{cover}{_toc(body, lang)}<main>{body}</main></body></html>\n"
    )


#: interpreter memory blocks in use after the last full collection made by the helper below
#: (0: none yet)
_HEAP = {"blocks": 0}


@contextmanager
def collect_new_objects_only() -> Iterator[None]:
    """In the block, the cyclic garbage collector looks only at objects made in it.

    A warm process (a batch worker and its forks, a Jupyter kernel) holds half
    a million long-lived objects from its imports. Laying out a report
    allocates enough to set off one or two full collections, and each walks
    all of them again: 0.2-0.3 s apiece, and in a fork it also copies the
    parent's memory pages it touches. ``gc.freeze`` sets what exists aside
    for the block; at its end one collection over the block's own objects
    frees its garbage, and ``gc.unfreeze`` gives the rest back. Garbage that
    existed before the block (objects that outlived an earlier block, then
    died in a cycle) waits for a full collection, which runs here once the
    heap has grown by a quarter since the last one, as CPython's own rule
    would. When something is frozen already (the caller manages the
    collector) or the collector is off, nothing is changed.

    Examples
    --------
    >>> import gc
    >>> with collect_new_objects_only():
    ...     gc.get_freeze_count() > 0
    True
    >>> gc.get_freeze_count()
    0
    """
    if gc.get_freeze_count() or not gc.isenabled():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.collect()  # the block's own garbage; the frozen objects are not looked at
        gc.unfreeze()
        blocks = sys.getallocatedblocks()
        if not _HEAP["blocks"]:
            _HEAP["blocks"] = blocks
        elif blocks > 1.25 * _HEAP["blocks"]:
            gc.collect()
            _HEAP["blocks"] = sys.getallocatedblocks()


def write_pdf(html: str, path: str | Path, base_url: str | Path | None = None) -> Path:
    """Lay out ``html`` on A4 with WeasyPrint and write a tagged PDF/UA-1 to ``path``.

    Tagged as PDF/UA (ISO 14289), which Poland's 2019 digital accessibility act
    asks of libraries' documents: screen readers get the headings, tables with
    their header cells, the figures' alt text and the language.

    The garbage collector looks only at the layout's own objects meanwhile
    (see ``collect_new_objects_only``): in a warm batch worker that saves
    about a sixth of the time. The figures' labels are laid out a run at a
    time (see ``lay_out_svg_text_in_runs``).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "r.pdf"
    >>> write_pdf(standalone_html("<h2 id='x'>Łódź</h2>", title="T"), out).stat().st_size > 1000
    True
    """
    import logging

    from weasyprint import HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    lay_out_svg_text_in_runs()
    path = Path(path)
    with collect_new_objects_only():
        # PDF/UA-1: a tagged PDF (headings, tables, figures with their alt text, language)
        HTML(string=html, base_url=str(base_url) if base_url else None).write_pdf(
            path, pdf_variant="pdf/ua-1"
        )
    return path


#: the WeasyPrint releases whose SVG ``<text>`` drawing :func:`lay_out_svg_text_in_runs` knows
_SVG_TEXT_VERSIONS = ("70.",)
#: attributes that place or stretch single letters: such text is left to WeasyPrint's own way
_PER_LETTER = ("rotate", "textLength", "lengthAdjust", "letter-spacing")


def lay_out_svg_text_in_runs() -> bool:
    """Let WeasyPrint lay out and draw each SVG ``<text>`` as one run, not letter by letter.

    WeasyPrint 70 gives every letter of an SVG ``<text>`` a Pango layout of its
    own and draws it with its own text matrix, so that ``x``/``y``/``dx``/``dy``/
    ``rotate`` lists can place single letters. Matplotlib's labels (a report has
    about 250, 6,000 letters) never do: one ``x`` and ``y`` each. Such a label
    is laid out here once, with kerning and ligatures off, as the letters laid
    out one by one had neither, and drawn from the same point with the same
    graphic state: the glyphs land where they did (within 0.05 pt, rounding),
    the text bounding box, which ``text-anchor`` uses, is the same, and the
    PDF's text reads the same. A tenth of a report's PDF time goes.

    Text that places letters (lists of positions, ``rotate``, ``textLength``,
    ``letter-spacing``), has spaces at its ends or in a row, combining marks,
    symbols such as emoji (which WeasyPrint draws apart), control characters or
    any character from U+2C00 on goes to WeasyPrint's own function, as does all
    text under another WeasyPrint release. Installed once; returns whether it is.

    Examples
    --------
    >>> lay_out_svg_text_in_runs() in (True, False)
    True
    """
    import weasyprint

    if _SVG_TEXT.get("installed") is not None:
        return _SVG_TEXT["installed"]
    if not weasyprint.__version__.startswith(_SVG_TEXT_VERSIONS):
        _SVG_TEXT["installed"] = False
        return False
    import weasyprint.svg as svg_package

    module = sys.modules["weasyprint.svg.text"]  # ``weasyprint.svg.text`` is the function
    original = module.text
    if getattr(svg_package, "text", None) is not original:  # not the layout we know
        _SVG_TEXT["installed"] = False
        return False

    def text(svg, node, font_size) -> None:
        if not _one_run(node):
            return original(svg, node, font_size)
        return _draw_run(module, svg, node, font_size)

    text.__wrapped__ = original  # type: ignore[attr-defined]
    svg_package.text = text  # draw_node compares TAGS[tag] with it (text-anchor)
    for tag, function in list(svg_package.TAGS.items()):
        if function is original:
            svg_package.TAGS[tag] = text
    _SVG_TEXT["installed"] = True
    return True


_SVG_TEXT: dict[str, bool] = {}


def _one_run(node) -> bool:
    """True for a ``<text>`` whose letters WeasyPrint would only set one after another."""
    from weasyprint.svg.utils import normalize

    content = node.text
    if not content or content != content.strip() or "  " in content:
        return False
    if any(name in node.attrib for name in _PER_LETTER):
        return False
    for name in ("x", "y", "dx", "dy"):
        value = node.attrib.get(name)
        if value is not None and len(normalize(value).strip().split(" ")) != 1:
            return False
    return all(ord(c) < 0x2C00 and not _combining(c) for c in content)


def _combining(char: str) -> bool:
    import unicodedata

    return bool(unicodedata.combining(char)) or unicodedata.category(char).startswith(("C", "So"))


def _draw_run(module, svg, node, font_size) -> None:
    """WeasyPrint 70's ``svg.text.text`` for a single run (see :func:`lay_out_svg_text_in_runs`).

    The same steps, in the same order, as its letter loop makes for the first
    letter, with the run's layout in place of the letter's.
    """
    from math import inf

    from weasyprint.css.properties import INITIAL_VALUES
    from weasyprint.draw.text import draw_emojis, draw_first_line
    from weasyprint.matrix import Matrix
    from weasyprint.svg.bounding_box import extend_bounding_box
    from weasyprint.svg.utils import normalize, size
    from weasyprint.text.line_break import split_first_line

    style = module.Style()
    style.update(INITIAL_VALUES)
    style.font_config = svg.font_config
    families = node.get("font-family", "sans-serif").split(",")
    style["font_family"] = [f.strip("\"'") for f in families]
    style["font_style"] = node.get("font-style", "normal")
    style["font_weight"] = node.get("font-weight", 400)
    style["font_size"] = font_size
    if node.get("direction") in ("ltr", "rtl"):
        style["direction"] = node.get("direction")
    weight = style["font_weight"]
    if weight == "normal":
        style["font_weight"] = 400
    elif weight == "bold":
        style["font_weight"] = 700
    else:
        try:
            style["font_weight"] = int(weight)
        except ValueError:
            style["font_weight"] = 400
    # letters laid out one by one are neither kerned nor joined: nor is the run
    style["font_kerning"] = "none"
    style["font_variant_ligatures"] = "none"
    layout, _, _, width, height, baseline = split_first_line(node.text, style, svg.context, inf, 0)

    def one(name: str, extent: float) -> float | None:
        value = node.attrib.get(name)
        return None if value is None else size(normalize(value).strip(), font_size, extent)

    x, y = one("x", svg.inner_width), one("y", svg.inner_height)
    dx, dy = one("dx", svg.inner_width), one("dy", svg.inner_height)
    ascent, descent = font_size * 0.8, font_size * 0.2
    y_align = 0.0
    display_anchor = node.get("display-anchor")
    alignment = node.get("dominant-baseline", node.get("alignment-baseline"))
    if display_anchor == "middle":
        y_align = -height / 2
    elif display_anchor == "top":
        pass
    elif display_anchor == "bottom":
        y_align = -height
    elif alignment in ("central", "middle"):
        y_align = (ascent + descent) / 2 - descent
    elif alignment in ("text-before-edge", "before_edge", "top", "hanging", "text-top"):
        y_align = ascent
    elif alignment in ("text-after-edge", "after_edge", "bottom", "text-bottom"):
        y_align = -descent
    if x:
        svg.cursor_d_position[0] = 0
    if y:
        svg.cursor_d_position[1] = 0
    svg.cursor_d_position[0] += dx or 0
    svg.cursor_d_position[1] += dy or 0
    x = svg.cursor_position[0] if x is None else x
    y = svg.cursor_position[1] if y is None else y
    svg.cursor_position = x + width, y
    x_position = x + svg.cursor_d_position[0]
    y_position = y + svg.cursor_d_position[1] + y_align
    corners = ((x_position, y_position - baseline),
               (x_position + width, y_position - baseline + height))  # fmt: skip
    node.text_bounding_box = extend_bounding_box(node.text_bounding_box, corners)

    svg.stream.push_state()
    fill, stroke = svg.set_graphical_state(node, font_size)
    svg.stream.begin_text()
    layout.reactivate(style)
    svg.fill_stroke(fill, stroke, text=True)
    box = module.TextBox(layout, style)
    box.baseline = baseline
    matrix = Matrix(d=-1, e=x_position, f=y_position)
    emojis = draw_first_line(svg.stream, box, "none", "none", matrix)
    svg.stream.end_text()
    svg.stream.pop_state()
    draw_emojis(svg.stream, style, x, y, emojis)
