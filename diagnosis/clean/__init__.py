"""Cleaning: from a town's response files to analysis-ready data.

:func:`clean_responses` combines a town's files and applies documented,
logged steps (empty rows, repeated ids, rows the team excluded, text tidying,
redaction of personal data, respondents who cannot be weighted); :func:`scored` and
:func:`scale_score` turn answer codes into numbers; :func:`redact_text` and
:func:`redact_series` hide personal data in free text; :func:`code_themes`
codes open answers into themes with a Polish keyword dictionary.

Examples
--------
>>> redact_text("Mój PESEL 44051401359, tel. 600 123 456")
'Mój PESEL [PESEL], tel. [telefon]'
"""

from .redact import (
    KINDS,
    PLACEHOLDERS,
    PersonalData,
    find_personal_data,
    is_confidently_clean,
    redact_nested,
    redact_series,
    redact_text,
)
from .scores import (
    SKILLS_LEVELS,
    is_numeric_scale,
    keyed_scores,
    numeric_codes,
    scale_score,
    scored,
    skills_level,
)
from .steps import STEPS, Cleaned, CleaningError, clean_responses, clean_town
from .themes import THEMES, code_themes, theme_labels

__all__ = [
    "KINDS",
    "PLACEHOLDERS",
    "SKILLS_LEVELS",
    "STEPS",
    "THEMES",
    "Cleaned",
    "CleaningError",
    "PersonalData",
    "clean_responses",
    "clean_town",
    "code_themes",
    "find_personal_data",
    "is_confidently_clean",
    "is_numeric_scale",
    "keyed_scores",
    "numeric_codes",
    "redact_nested",
    "redact_series",
    "redact_text",
    "scale_score",
    "scored",
    "skills_level",
    "theme_labels",
]
