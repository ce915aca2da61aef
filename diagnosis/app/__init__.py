"""Tools for the people who run a diagnosis: the librarian's app and paper surveys.

The app (``diagnosis app``, served by Voilà from ``notebooks/app.ipynb``) goes
through four steps, in Polish or English: choose or create a town with its
population margins, upload response files and see their validation (with a
column-mapping step for headers that match no question; each response counted
once, and a file removed from the town moved aside into ``usuniete/``),
preview the key results, and make the report, with the team's commentary
(``komentarz.txt``), and download the PDF, the indicators and the evidence
sheets, named for the town and year (``diagnoza_Kwidzyn_2026.pdf``).

=================  ==========================================================
``wizard``         :class:`LibrarianApp`: the header, language switch, steps
``town_step``      step 1, choose or create a town; its questionnaire
``data_step``      step 2, upload, validation, column mapping, removing a file
``preview_step``   step 3, sample against population, top needs
``report_step``    step 4, commentary, report with progress, downloads
``town_files``     what the app writes into a towns folder
``margins``        margins typed in, from a file, or GUS's (gmina, BDL)
``uploads``        accepted files, size limit, a first read
``mapping``        unmatched headers and what they can be read as
``markup``         the HTML shown: style, notices, reports, download links
``texts``          every word of the app in Polish and English
``session``        the state the steps share
``settings``       towns and reports folders, upload limit (``DIAGNOSIS_*``)
``server``         ``diagnosis app``: Voilà on this computer only
``paper``          printable questionnaire and data-entry workbook
=================  ==========================================================
"""

from __future__ import annotations

from typing import Any

from .paper import data_entry_workbook, printable_questionnaire

__all__ = [
    "AppSettings",
    "LibrarianApp",
    "data_entry_workbook",
    "printable_questionnaire",
    "serve",
]


def __getattr__(name: str) -> Any:
    """Import the app only when it is asked for (``diagnosis paper`` needs no widgets)."""
    if name == "LibrarianApp":
        from .wizard import LibrarianApp

        return LibrarianApp
    if name == "AppSettings":
        from .settings import AppSettings

        return AppSettings
    if name == "serve":
        from .server import serve

        return serve
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
