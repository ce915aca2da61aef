"""Design-based estimation: R ``survey``'s numbers from numpy.

``Design`` holds the sampling design and gives means, totals, ratios and
proportions (overall and in domains) with Taylor-linearised standard errors;
``Design.poststratify``, ``Design.rake`` and ``Design.calibrate`` return new
designs whose standard errors reflect the weighting, as R's do.
``compare_domains`` (``Design.compare``) tests differences between domains;
``Design.estimates`` gives a set of estimates with their covariance matrix and
``contrast`` (``Design.contrast``) any linear combination of them;
``adjust_pvalues`` corrects for many tests; ``cronbach_alpha``,
``mcdonald_omega`` and ``scale_reliability`` measure the reliability of scales.
"""

from .compare import DomainComparison, compare_domains
from .contrast import Estimates, contrast
from .design import COLUMNS, Design
from .models import GlmFit
from .multiple import adjust_pvalues
from .reliability import (
    cronbach_alpha,
    item_scores,
    mcdonald_omega,
    one_factor,
    scale_reliability,
)
from .replicate import ReplicateDesign
from .tables import Crosstab
from .taylor import EstimationError

__all__ = [
    "COLUMNS",
    "Crosstab",
    "Design",
    "DomainComparison",
    "Estimates",
    "EstimationError",
    "GlmFit",
    "ReplicateDesign",
    "adjust_pvalues",
    "compare_domains",
    "contrast",
    "cronbach_alpha",
    "item_scores",
    "mcdonald_omega",
    "one_factor",
    "scale_reliability",
]
