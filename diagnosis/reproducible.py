"""Write files so that the same content always gives the same bytes.

Office files carry the time they were saved (in ``docProps/core.xml`` and in
every zip entry); the synthetic demo and the bundled instrument must be
byte-identical from run to run, so we save through here.

Examples
--------
>>> from openpyxl import Workbook
>>> wb = Workbook(); wb.active.append(["a", "b"])
>>> xlsx_bytes(wb) == xlsx_bytes(wb)
True
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

from openpyxl import Workbook

__all__ = ["FIXED_TIME", "xlsx_bytes"]

FIXED_TIME = dt.datetime(2026, 1, 1)


def xlsx_bytes(wb: Workbook) -> bytes:
    """Return ``wb`` as .xlsx bytes with every timestamp fixed to ``FIXED_TIME``.

    Parameters
    ----------
    wb : openpyxl.Workbook
        The workbook to save; it is not modified except for its document
        properties (creator, created).

    Returns
    -------
    bytes
        The content of an .xlsx file.
    """
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    wb.properties.creator = "diagnosis"
    raw = io.BytesIO()
    wb.save(raw)
    out = io.BytesIO()
    stamp = FIXED_TIME.timetuple()[:6]
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                # only the time: the element keeps its attributes and namespace declarations
                # (openpyxl writes them on the element itself when lxml is installed)
                data = re.sub(
                    rb"(<dcterms:modified\b[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>2026-01-01T00:00:00Z\g<2>",
                    data,
                )
            fixed = zipfile.ZipInfo(info.filename, date_time=stamp)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, data)
    return out.getvalue()
