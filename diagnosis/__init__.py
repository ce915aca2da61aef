"""diagnosis: a workbench for community diagnosis surveys.

The package follows the data, one module per step::

    instrument -> read -> validate -> clean -> weight -> estimate -> evidence -> present -> report

Examples
--------
>>> from diagnosis import load_instrument, load_town
>>> load_instrument("surveys/instruments/resident_survey.xlsx").languages
('pl', 'en')
"""

from .errors import (
    DiagnosisError,
    EncryptedFileError,
    InstrumentError,
    ReadError,
    TownConfigError,
    ValidationError,
)
from .instrument import Choice, Instrument, Question, load_instrument
from .read import HeaderMatch, Responses, read_responses, read_table
from .town import Town, find_towns, load_town
from .validate import Finding, TownValidation, ValidationReport, validate, validate_town

__version__ = "0.1.0"

__all__ = [
    "Choice",
    "DiagnosisError",
    "EncryptedFileError",
    "Finding",
    "HeaderMatch",
    "Instrument",
    "InstrumentError",
    "Question",
    "ReadError",
    "Responses",
    "Town",
    "TownConfigError",
    "TownValidation",
    "ValidationError",
    "ValidationReport",
    "find_towns",
    "load_instrument",
    "load_town",
    "read_responses",
    "read_table",
    "validate",
    "validate_town",
]
