"""The HTML the app shows: its style, notices, error messages, validation reports, downloads.

Everything here returns a string for an ``ipywidgets.HTML``; every text from
outside (file names, messages, headers) is escaped. A download is an ``<a
download>`` with the file inside as a ``data:`` URI: Voilà needs no file route
for it and it works offline (the files are a few hundred KB).

Examples
--------
>>> notice("error", "Plik <b>a.csv</b>")
'<div class="dg-notice dg-error"><span class="dg-icon">✗</span> Plik <b>a.csv</b></div>'
>>> escape("<script>")
'&lt;script&gt;'
"""

from __future__ import annotations

import base64
import html
import mimetypes
from pathlib import Path
from typing import Literal

from ..errors import DiagnosisError, Language
from ..validate import TownValidation
from .texts import say

__all__ = [
    "STYLE",
    "download_link",
    "error_text",
    "escape",
    "figure_html",
    "notice",
    "progress_html",
    "validation_html",
]

Kind = Literal["ok", "info", "warning", "error", "busy"]

_ICONS = {"ok": "✓", "info": "ℹ", "warning": "!", "error": "✗", "busy": "⏳"}

#: the app's look: one <style> block, shown once at the top. The buttons' success and warning
#: colours are darkened so that their white text has a contrast of at least 4.5:1 (WCAG 1.4.3);
#: ``dg-sr-label`` hides a widget's label from the eye but not from a screen reader.
STYLE = """<style>
.dg-app { max-width: 980px; font-size: 15px; line-height: 1.45; color: #1f2933;
          --jp-success-color0: #14501f; --jp-success-color1: #2e7d32;
          --jp-success-color2: #1b5e20; --jp-warn-color0: #6b2f0c;
          --jp-warn-color1: #b45309; --jp-warn-color2: #92400e; }
.dg-app .dg-sr-label > .widget-label { position: absolute !important; width: 1px !important;
    min-width: 0 !important; height: 1px; margin: -1px; padding: 0; overflow: hidden;
    clip: rect(0 0 0 0); clip-path: inset(50%); white-space: nowrap; border: 0; }
.dg-bar { width: 420px; height: 14px; margin: 6px 0; background: #e2e8f0;
          border: 1px solid #52606d; border-radius: 7px; overflow: hidden; }
.dg-bar-fill { height: 100%; background: #0b4f71; }
.dg-app h1 { font-size: 26px; margin: 6px 0 2px 0; }
.dg-app h2 { font-size: 20px; margin: 4px 0 6px 0; color: #0b4f71; }
.dg-app h3 { font-size: 16px; margin: 10px 0 4px 0; }
.dg-step { border: 1px solid #cbd5e1; border-radius: 8px; padding: 10px 16px 14px 16px;
           margin: 10px 0; background: #ffffff; }
.dg-privacy { background: #eef6f0; border-left: 4px solid #2e7d4f; padding: 6px 10px;
              margin: 6px 0 4px 0; }
.dg-notice { padding: 6px 10px; border-radius: 6px; margin: 6px 0; }
.dg-ok { background: #e7f5ec; border-left: 4px solid #2e7d4f; }
.dg-info, .dg-busy { background: #eef3f8; border-left: 4px solid #0b4f71; }
.dg-warning { background: #fff6e0; border-left: 4px solid #b7791f; }
.dg-error { background: #fdecea; border-left: 4px solid #b42318; }
.dg-icon { font-weight: bold; }
.dg-report { font-size: 14px; }
.dg-report .dg-file { margin-top: 6px; }
.dg-report .dg-sec-error { color: #b42318; font-weight: bold; margin-top: 6px; }
.dg-report .dg-sec-warning { color: #8a5a00; font-weight: bold; margin-top: 6px; }
.dg-report .dg-sec-info { color: #0b4f71; font-weight: bold; margin-top: 6px; }
.dg-report ul { margin: 2px 0 4px 0; }
.dg-report summary { cursor: pointer; margin: 2px 0; }
.dg-muted { color: #52606d; font-size: 13px; }
.dg-download { display: inline-block; margin: 6px 12px 6px 0; padding: 7px 14px;
               background: #0b4f71; color: #ffffff !important; border-radius: 6px;
               text-decoration: none; font-weight: bold; }
.dg-figure img { max-width: 100%; }
.dg-figure figcaption { color: #52606d; font-size: 13px; }
.dg-margins input { text-align: right; }
.dg-gus-table { border-collapse: collapse; margin: 4px 0; }
.dg-gus-table th { text-align: left; padding: 2px 14px 2px 0; }
.dg-gus-table td { text-align: right; padding: 2px 14px; font-variant-numeric: tabular-nums; }
.dg-gus-table tr:last-child th, .dg-gus-table tr:last-child td { border-top: 1px solid #cbd5e1; }
</style>"""


def escape(text: object) -> str:
    """Text made safe for HTML."""
    return html.escape(str(text), quote=True)


def notice(kind: Kind, body: str) -> str:
    """A coloured box with an icon; ``body`` is HTML (escape what comes from outside)."""
    return (
        f'<div class="dg-notice dg-{kind}"><span class="dg-icon">{_ICONS[kind]}</span> {body}</div>'
    )


def progress_html(done: int, total: int, label: str, text: str = "") -> str:
    """A progress bar a screen reader can read: ``role="progressbar"`` with its values and name.

    ``label`` names the bar (``aria-label``); ``text``, if given, says where it
    is in words (``aria-valuetext``).

    Examples
    --------
    >>> progress_html(1, 4, "Postęp", "Krok 1 z 4")  # doctest: +NORMALIZE_WHITESPACE
    '<div class="dg-bar" role="progressbar" aria-valuemin="0" aria-valuemax="4"
        aria-valuenow="1" aria-label="Postęp" aria-valuetext="Krok 1 z 4"><div
        class="dg-bar-fill" style="width: 25%"></div></div>'
    """
    done = max(0, min(done, total))
    share = round(100 * done / total) if total else 0
    words = f' aria-valuetext="{escape(text)}"' if text else ""
    return (
        f'<div class="dg-bar" role="progressbar" aria-valuemin="0" aria-valuemax="{total}" '
        f'aria-valuenow="{done}" aria-label="{escape(label)}"{words}><div '
        f'class="dg-bar-fill" style="width: {share}%"></div></div>'
    )


def error_text(exc: BaseException, lang: Language) -> str:
    """One readable sentence for an error: the package's located message, or a generic one.

    Examples
    --------
    >>> from diagnosis.errors import ReadError
    >>> error_text(ReadError(pl="Zły plik.", en="Bad file.", file="a.csv", row=3), "pl")
    'a.csv, wiersz 3: Zły plik.'
    >>> error_text(KeyError("x"), "en")  # doctest: +ELLIPSIS
    'Unexpected program error (KeyError). ...'
    """
    if isinstance(exc, DiagnosisError):
        return exc.message(lang)
    return say(lang, "internal", kind=type(exc).__name__)


def _section_kind(line: str) -> str | None:
    word = line.split(" ", 1)[0]
    if len(word) > 3 and word.isupper():
        if word in ("BŁĘDY", "ERRORS"):
            return "error"
        if word in ("OSTRZEŻENIA", "WARNINGS"):
            return "warning"
        return "info"
    return None


def validation_html(validation: TownValidation, lang: Language, max_per_code: int = 5) -> str:
    """The town's validation report (what ``diagnosis validate`` prints) as HTML.

    Errors, warnings and notes are coloured sections; each kind of problem is
    one line with its count, which opens to the first locations and what to do
    (open from the start for errors).

    Examples
    --------
    >>> from diagnosis.validate import validate_town
    >>> out = validation_html(validate_town("surveys/towns/kwidzyn"), "pl")
    >>> "Kwidzyn" in out and "OSTRZEŻENIA" in out and out.count("<details") > 1
    True
    """
    lines = validation.render(lang, max_per_code=max_per_code).splitlines()
    parts = ['<div class="dg-report">']
    kind = "info"
    in_group = False
    for raw in lines:
        line = raw.strip()
        item = line.startswith(("- ", "... "))
        if in_group and not item:
            parts.append("</ul></details>")
            in_group = False
        if not line:
            continue
        section = _section_kind(line)
        if section is not None:
            kind = section
            parts.append(f'<div class="dg-sec-{kind}">{escape(line)}</div>')
        elif line.startswith("* "):
            opened = " open" if kind == "error" else ""
            parts.append(f"<details{opened}><summary>{escape(line[2:])}</summary><ul>")
            in_group = True
        elif item:
            text = line[2:] if line.startswith("- ") else line
            parts.append(f"<li>{escape(text)}</li>")
        elif line.startswith(("✓", "✗")):
            parts.append(f"<h3>{escape(line)}</h3>")
        else:
            parts.append(f'<div class="dg-file">{escape(line)}</div>')
    if in_group:
        parts.append("</ul></details>")
    parts.append("</div>")
    return "".join(parts)


def figure_html(svg: str, caption: str) -> str:
    """An SVG figure as an ``<img>`` with a caption (the SVG as a data URI)."""
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return (
        f'<figure class="dg-figure"><img src="data:image/svg+xml;base64,{data}" '
        f'alt="{escape(caption)}"><figcaption>{escape(caption)}</figcaption></figure>'
    )


def download_link(
    path: str | Path, label: str, css_class: str = "", name: str | None = None
) -> str:
    """An ``<a download>`` carrying the file itself (a ``data:`` URI).

    ``name`` is the file name the browser saves it under (default: the file's
    own name), e.g. ``diagnoza_Kwidzyn_2026.pdf`` for ``diagnosis.pdf``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "raport.pdf"
    >>> _ = p.write_bytes(b"%PDF")
    >>> download_link(p, "Pobierz")  # doctest: +NORMALIZE_WHITESPACE
    '<a class="dg-download " download="raport.pdf"
        href="data:application/pdf;base64,JVBERg==">Pobierz</a>'
    """
    path = Path(path)
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return (
        f'<a class="dg-download {escape(css_class)}" download="{escape(name or path.name)}" '
        f'href="data:{mime};base64,{data}">{escape(label)}</a>'
    )
