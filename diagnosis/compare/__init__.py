"""Compare towns and evaluate change: the researcher's workbench.

The flow: :func:`pool_towns` (each town cleaned and weighted as its report
does) -> :func:`town_indicators` and :func:`versus_mean` (towns x indicators,
each town against the all-town mean, Holm) -> :func:`adjusted_comparison`
(svyglm with town effects beside MixedLM) -> :func:`needs_profiles` and
:func:`borrowable_ideas` -> :func:`wave_changes` and
:func:`difference_in_differences` -> :func:`export_pooled`.
:class:`ComparisonReport` runs them all for the notebook
``notebooks/compare_towns.ipynb``; :func:`render_comparison` (``diagnosis
compare``) turns it into HTML and PDF.
"""

from .adjusted import COVARIATES, AdjustedComparison, adjusted_comparison
from .change import difference_in_differences, wave_changes
from .export import ExportFiles, RareCombinations, export_pooled, rare_combinations, sav_codes
from .indicators import indicator_matrix, town_indicators, versus_mean
from .pooled import Pooled, Skipped, for_formula, pool_towns, pooled_design
from .profiles import Profiles, borrowable_ideas, needs_profiles
from .render import ComparisonFiles, render_comparison
from .report import KEY_INDICATORS, SECTIONS, ComparisonReport

__all__ = [
    "COVARIATES",
    "KEY_INDICATORS",
    "SECTIONS",
    "AdjustedComparison",
    "ComparisonFiles",
    "ComparisonReport",
    "ExportFiles",
    "Pooled",
    "Profiles",
    "RareCombinations",
    "Skipped",
    "adjusted_comparison",
    "borrowable_ideas",
    "difference_in_differences",
    "export_pooled",
    "for_formula",
    "indicator_matrix",
    "needs_profiles",
    "pool_towns",
    "pooled_design",
    "rare_combinations",
    "render_comparison",
    "sav_codes",
    "town_indicators",
    "versus_mean",
    "wave_changes",
]
