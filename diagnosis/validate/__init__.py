"""Validation: check response files and whole town folders against the questionnaire.

:func:`validate` checks one canonical frame; :func:`validate_town` checks a
town folder (``town.yaml``, every response file, the workshop files). Both
return reports whose findings are located (file, row, column, value) and
explained in Polish and English.
"""

from .margins import MARGIN_VARIABLES, MarginQuestion, margin_columns, margin_questions
from .report import Finding, Severity, ValidationReport, finding_title
from .responses import validate
from .towns import WEIGHTING_ONLY, FileCheck, TownValidation, validate_town

__all__ = [
    "MARGIN_VARIABLES",
    "WEIGHTING_ONLY",
    "FileCheck",
    "Finding",
    "MarginQuestion",
    "Severity",
    "TownValidation",
    "ValidationReport",
    "finding_title",
    "margin_columns",
    "margin_questions",
    "validate",
    "validate_town",
]
