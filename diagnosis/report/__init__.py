"""The town report: template notebook -> executed notebook -> HTML -> PDF, plus evidence files."""

from .document import notebook_html, standalone_html, write_pdf
from .render import REPORTS_DIR, TEMPLATE, ReportFiles, render_town
from .town_report import SECTIONS, TownReport

__all__ = [
    "REPORTS_DIR",
    "SECTIONS",
    "TEMPLATE",
    "ReportFiles",
    "TownReport",
    "notebook_html",
    "render_town",
    "standalone_html",
    "write_pdf",
]
