"""Presenting the estimates: disclosure control, figures and tables for the report.

Takes plain DataFrames (estimate frames, the indicator table, the town's
population margins) and gives back matplotlib figures, SVG/PNG and HTML
tables, all in the report language. Nothing is drawn from a cell that
disclosure control hid.

=============  ============================================================
``style``      house style, colour-blind-safe palettes at WCAG 2.1 AA
               contrast (``contrast_ratio``), SVG/PNG output
``figures``    Likert bars, dot-and-interval, priority matrix, pyramid,
               needs ranking; each says its data in ``fig.alt_text``
``disclosure`` primary and secondary suppression, the small-cell check
``tables``     HTML tables with Polish or English number formatting and
               scoped row and column headers
``formatting`` numbers, percentages and intervals as text
``cells``      cells written to CSV/XLSX: no text may start a formula
=============  ============================================================

Examples
--------
>>> import pandas as pd
>>> from diagnosis.present import suppress, format_table
>>> t = suppress(pd.DataFrame({"level": ["a", "b"], "estimate": [0.9, 0.1], "n": [90, 4]}),
...              threshold=10, within=[])
>>> "–<sup>*</sup>" in format_table(t, ["level", "estimate"], {}, "pl")
True
"""

from ..evidence.cells import CSV_QUOTING, neutralise, neutralise_formulas
from ..evidence.disclosure import PUBLISHED_COLUMNS, DisclosureError, check_no_small_cells, suppress
from .checks import PresentError
from .figures import dot_interval, likert_bars, needs_ranking, priority_matrix, pyramid
from .formatting import format_date, format_interval, format_number, format_percent
from .style import (
    MARK_COLOURS,
    OKABE_ITO,
    PALETTE,
    contrast_ratio,
    figure_png,
    figure_svg,
    house_style,
)
from .tables import format_table

__all__ = [
    "CSV_QUOTING",
    "MARK_COLOURS",
    "OKABE_ITO",
    "PALETTE",
    "PUBLISHED_COLUMNS",
    "DisclosureError",
    "PresentError",
    "check_no_small_cells",
    "contrast_ratio",
    "dot_interval",
    "figure_png",
    "figure_svg",
    "format_date",
    "format_interval",
    "format_number",
    "format_percent",
    "format_table",
    "house_style",
    "likert_bars",
    "needs_ranking",
    "neutralise",
    "neutralise_formulas",
    "priority_matrix",
    "pyramid",
    "suppress",
]
