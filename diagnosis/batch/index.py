"""The batch's overview: ``reports/summary.csv`` and ``reports/index.html``.

One row per town and wave: status, number of respondents, duration, a link to
the PDF, the failure message, and headline indicators side by side, taken from
the town's own evidence files (``evidence.json``, ``indicators.csv``). A value
suppressed there (too few respondents) stays blank here. A town whose latest
attempt failed has no PDF link and no figures; when its last complete report
was set aside as out of date, ``previous_pdf`` (and the index, marked so) link
to it. Both files are replaced in one step, never seen half-written.
"""

from __future__ import annotations

import csv
import html
import io
import json
import os
from collections.abc import Sequence
from pathlib import Path

from ..errors import Language
from ..evidence.cells import CSV_QUOTING, neutralise

__all__ = ["HEADLINE", "headline", "summary_rows", "write_index"]

#: the headline indicators (whole-town estimates), as in the report's key figures
HEADLINE = ("trust_high", "life_in_town", "influence", "library_visit", "internet_use")

_FIGURES = ["margin_of_error", "top_need", *HEADLINE]
_COLUMNS = ["town", "name", "wave", "status", "n", "duration_s", "pdf", "message", *_FIGURES,
            "previous_pdf"]  # fmt: skip
_TEXT = {
    "pl": {
        "title": "Raporty miejscowości",
        "town": "Miejscowość", "status": "Stan", "n": "n", "duration": "Czas [s]",
        "pdf": "PDF", "moe": "Błąd ±pp", "top": "Najważniejsza potrzeba", "message": "Uwagi",
        "done": "gotowy", "unchanged": "bez zmian", "failed": "błąd", "timeout": "limit czasu",
        "summary": "{ok} z {total} raportów gotowych, {bad} z błędem.",
        "wave": "{name}, fala {wave}", "previous": "poprzedni, nieaktualny",
    },
    "en": {
        "title": "Town reports",
        "town": "Town", "status": "Status", "n": "n", "duration": "Time [s]",
        "pdf": "PDF", "moe": "Margin ±pp", "top": "Top need", "message": "Notes",
        "done": "done", "unchanged": "unchanged", "failed": "failed", "timeout": "timed out",
        "summary": "{ok} of {total} reports ready, {bad} failed.",
        "wave": "{name}, wave {wave}", "previous": "previous, out of date",
    },
}  # fmt: skip


def headline(out_dir: str | Path, lang: Language = "pl") -> dict[str, object]:
    """Headline figures of one rendered town, read from its evidence files.

    Returns
    -------
    dict
        ``margin_of_error``, ``top_need`` (label in ``lang``), each of
        :data:`HEADLINE` (the whole-town estimate; ``None`` when suppressed or
        absent) and ``_labels`` / ``_kinds`` (indicator -> label, kind).

    Examples
    --------
    >>> headline("/no/such/folder")["trust_high"] is None
    True
    """
    out_dir = Path(out_dir)
    found: dict[str, object] = dict.fromkeys(("margin_of_error", "top_need", *HEADLINE))
    labels: dict[str, str] = {}
    kinds: dict[str, str] = {}
    try:
        evidence = json.loads((out_dir / "evidence.json").read_text(encoding="utf-8"))
        found["margin_of_error"] = evidence.get("weighting", {}).get("margin_of_error")
        needs = evidence.get("needs") or []
        if needs:
            found["top_need"] = needs[0].get(f"label_{lang}") or needs[0].get("need")
    except (OSError, ValueError):
        pass
    try:
        with (out_dir / "indicators.csv").open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                name = row.get("indicator")
                if row.get("group") != "total" or name not in HEADLINE:
                    continue
                labels[name] = row.get(f"label_{lang}") or name
                kinds[name] = row.get("kind", "")
                hidden = row.get("suppressed", "").strip().lower() in ("true", "1")
                value = row.get("estimate", "")
                found[name] = None if hidden or value in ("", "nan") else float(value)
    except OSError:
        pass
    found["_labels"] = labels
    found["_kinds"] = kinds
    return found


def summary_rows(results: Sequence, lang: Language = "pl") -> list[dict[str, object]]:
    """The rows of summary.csv for batch results (:class:`~.runner.TownResult`).

    Examples
    --------
    >>> from diagnosis.batch.runner import TownResult
    >>> row = summary_rows([TownResult("x", "X", "failed", "/no/x", message="bad")])[0]
    >>> row["status"], row["pdf"], row["trust_high"], row["previous_pdf"]
    ('failed', '', None, '')
    """
    rows = []
    for r in results:
        figures = headline(r.out_dir, lang) if r.ok else {}
        pdf = Path(r.out_dir) / "diagnosis.pdf"
        previous = getattr(r, "previous", "")
        row: dict[str, object] = {
            "town": r.town,
            "name": r.name,
            "wave": getattr(r, "wave", 1),
            "status": r.status,
            "n": r.n,
            "duration_s": r.duration,
            "pdf": f"{Path(r.out_dir).name}/diagnosis.pdf" if r.ok and pdf.exists() else "",
            "message": r.message,
            "previous_pdf": previous if not r.ok and previous else "",
        }
        for key in _FIGURES:
            row[key] = figures.get(key)
        row["_labels"] = figures.get("_labels", {})
        row["_kinds"] = figures.get("_kinds", {})
        rows.append(row)
    return rows


def _cell(value: object, kind: str = "", lang: Language = "pl") -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, float):
        text = f"{100 * value:.0f}%" if kind == "share" else f"{value:.1f}"
        return text.replace(".", ",") if lang == "pl" else text
    return html.escape(str(value))


def write_index(results: Sequence, out_root: str | Path, lang: Language = "pl") -> Path:
    """Write ``summary.csv`` and ``index.html`` in ``out_root``; return the HTML's path.

    Examples
    --------
    >>> import tempfile
    >>> from diagnosis.batch.runner import TownResult
    >>> root = tempfile.mkdtemp()
    >>> write_index([TownResult("x", "X", "failed", root + "/x", message="bad")], root).name
    'index.html'
    """
    out_root = Path(out_root)
    rows = summary_rows(results, lang)
    table = io.StringIO(newline="")
    writer = csv.DictWriter(table, _COLUMNS, extrasaction="ignore", quoting=CSV_QUOTING)
    writer.writeheader()
    for row in rows:  # no text cell may start a formula (evidence.cells)
        cells = {k: "" if row.get(k) is None else row.get(k) for k in _COLUMNS}
        writer.writerow({k: neutralise(v) for k, v in cells.items()})
    _replace(out_root / "summary.csv", table.getvalue())
    t = _TEXT[lang]
    labels: dict[str, str] = {}
    kinds: dict[str, str] = {}
    for row in rows:
        labels.update(row["_labels"])  # type: ignore[arg-type]
        kinds.update(row["_kinds"])  # type: ignore[arg-type]
    head = [t["town"], t["status"], t["n"], t["duration"], t["pdf"], t["moe"], t["top"],
            *(labels.get(k, k) for k in HEADLINE), t["message"]]  # fmt: skip
    body = []
    for row in rows:
        link = f'<a href="{html.escape(str(row["pdf"]))}">PDF</a>' if row["pdf"] else ""
        if row["previous_pdf"]:
            link = (f'<a class="previous" href="{html.escape(str(row["previous_pdf"]))}">'
                    f"PDF ({t['previous']})</a>")  # fmt: skip
        name = str(row["name"])
        if isinstance(row["wave"], int) and row["wave"] > 1:
            name = t["wave"].format(name=name, wave=row["wave"])
        cells = [
            html.escape(name),
            f'<span class="{row["status"]}">{t[str(row["status"])]}</span>',
            _cell(row["n"]),
            _cell(row["duration_s"], lang=lang),
            link,
            _cell(row["margin_of_error"], lang=lang),
            _cell(row["top_need"]),
            *(_cell(row[k], kinds.get(k, ""), lang) for k in HEADLINE),
            html.escape(str(row["message"])),
        ]
        body.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    ok = sum(r.ok for r in results)
    summary = t["summary"].format(ok=ok, total=len(rows), bad=len(rows) - ok)
    page = (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{t['title']}</title><style>"
        "body{font-family:'DejaVu Sans',Arial,sans-serif;font-size:10pt;margin:2em}"
        "table{border-collapse:collapse}th,td{border-bottom:1px solid #ddd;padding:3px 6px;"
        "text-align:left;vertical-align:top}.failed,.timeout{color:#b30000;font-weight:bold}"
        ".done,.unchanged{color:#1a7f37}.previous{color:#777}</style></head><body>"
        f"<h1>{t['title']}</h1><p>{summary}</p><table><thead><tr>"
        + "".join(f"<th>{html.escape(h)}</th>" for h in head)
        + "</tr></thead><tbody>"
        + "".join(body)
        + "</tbody></table></body></html>\n"
    )
    path = out_root / "index.html"
    _replace(path, page)
    return path


def _replace(path: Path, text: str) -> None:
    """Write ``path`` whole or not at all (another batch may write it at the same time)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8", newline="")
    os.replace(tmp, path)
