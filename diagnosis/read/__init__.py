"""Read response files into the canonical frame (see :mod:`diagnosis.read.frame`).

:func:`read_responses` reads CSV, Excel, SPSS, Stata and LimeSurvey exports
(Kobo/ODK/Ona and Google Forms recognised) into :class:`Responses`;
:func:`read_table` reads a plain small table with the same encoding and
delimiter detection.
"""

from .frame import HeaderMatch, Responses
from .responses import read_responses, read_table

__all__ = ["HeaderMatch", "Responses", "read_responses", "read_table"]
