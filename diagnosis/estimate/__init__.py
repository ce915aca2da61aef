"""Design-based estimation: R ``survey``'s numbers from numpy.

``Design`` holds the sampling design and gives means, totals, ratios and
proportions (overall and in domains) with Taylor-linearised standard errors;
``Design.poststratify``, ``Design.rake`` and ``Design.calibrate`` return new
designs whose standard errors reflect the weighting, as R's do.
"""

from .design import COLUMNS, Design
from .tables import Crosstab
from .taylor import EstimationError

__all__ = ["COLUMNS", "Crosstab", "Design", "EstimationError"]
