"""Evidence: one town's analysis, its indicators, priorities, evidence sheets and files.

``analyse_town`` runs read -> validate -> clean -> weight -> estimate for a town
and returns a :class:`TownAnalysis`; the indicator table in it has passed
disclosure control (:mod:`diagnosis.evidence.disclosure`), so everything
downstream (report, batch, exports) publishes only what may be published.
"""

from .analysis import (
    ReportError,
    Settings,
    TownAnalysis,
    WeightingSummary,
    analyse_town,
    choose_quotes,
    protect_indicators,
    redact_town,
    weight_design,
    weighting_variables,
)
from .disclosure import check_no_small_cells, suppress
from .distributions import battery_shares, category_shares
from .export import EvidenceFiles, write_empty_evidence, write_evidence
from .indicators import COLUMNS, Indicator, define_indicators, estimate_indicators
from .priorities import QUADRANTS, importance_satisfaction, rank_needs
from .sheets import (
    EvidenceItem,
    EvidenceSheet,
    describe_item,
    evidence_sheets,
    format_share,
    group_as_people,
    group_sizes,
)

__all__ = [
    "COLUMNS",
    "QUADRANTS",
    "EvidenceFiles",
    "EvidenceItem",
    "EvidenceSheet",
    "Indicator",
    "ReportError",
    "Settings",
    "TownAnalysis",
    "WeightingSummary",
    "analyse_town",
    "battery_shares",
    "category_shares",
    "check_no_small_cells",
    "choose_quotes",
    "define_indicators",
    "describe_item",
    "estimate_indicators",
    "evidence_sheets",
    "format_share",
    "group_as_people",
    "group_sizes",
    "importance_satisfaction",
    "protect_indicators",
    "rank_needs",
    "redact_town",
    "suppress",
    "weight_design",
    "weighting_variables",
    "write_empty_evidence",
    "write_evidence",
]
