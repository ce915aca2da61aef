"""Tools for the people who run a diagnosis (the browser app comes later).

:mod:`diagnosis.app.paper` serves towns that survey on paper: a printable
questionnaire (PDF) and a data-entry workbook (XLSX) that the normal reader
reads back.
"""

from .paper import data_entry_workbook, printable_questionnaire

__all__ = ["data_entry_workbook", "printable_questionnaire"]
