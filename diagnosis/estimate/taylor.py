"""Taylor-linearisation variance for stratified multistage designs, in numpy.

This is the arithmetic of R's ``survey:::svyrecvar``, ``multistage``, ``onestage``
and ``onestrat`` (survey 4.1), written once over whole matrices of influence
values instead of one stratum or cluster at a time.

Notes
-----
For one stage with strata :math:`h`, sampled units :math:`c` (``n_h`` of them),
unit totals :math:`T_{hc} = \\sum_{i \\in c} z_i` of the influence values and
sampling fraction :math:`n_h/N_h`,

.. math:: \\hat V = \\sum_h (1 - n_h/N_h) \\frac{n_h}{n_h - 1}
          \\sum_c (T_{hc} - \\bar T_h)^2 .

With a population size at every stage, the variance of the second stage within
each first-stage unit is added, multiplied by the first-stage sampling fraction
``n_h/N_h`` (and so on down the stages), as ``survey:::multistage`` does.
Without a population size only the first stage is used ("ultimate cluster").

A domain never subsets the design: its influence values are zero outside it,
and every sampled unit keeps its place in its stratum. This is what R's
``svyby`` does for an uncalibrated design, where subsetting keeps the original
number of sampled units ``n_h`` and pads the missing units with zeros.

Lonely PSUs (a stratum with one sampled unit) are where subsetting shows. R
drops the rows outside a domain (or missing a variable under ``na.rm=TRUE``)
from an uncalibrated design, so only the strata *present* in those rows exist
for ``onestage``: ``"fail"`` stops only if the lonely stratum is present, and
``"average"`` multiplies by (present strata) / (present strata with more than
one unit), which is NaN when every present stratum is lonely. A calibrated
design keeps every row (zero weights outside), so every stratum counts. The
``rows`` argument of :func:`linearised_variance` (``present_at`` of
:func:`variance_of_unit_totals`) says which rows each column's subset holds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import sparse

from ..errors import DiagnosisError

__all__ = [
    "EstimationError",
    "LonelyPSU",
    "Stage",
    "build_stages",
    "degrees_of_freedom",
    "linearised_variance",
    "stages_used",
    "variance_of_unit_totals",
]

LonelyPSU = Literal["fail", "remove", "certainty", "adjust", "average"]
LONELY_CHOICES = ("fail", "remove", "certainty", "adjust", "average")

#: above this many cells a matrix of unit totals is kept sparse
_DENSE_LIMIT = 20_000_000


class EstimationError(DiagnosisError):
    """A design or an estimate cannot be computed from what was given."""


@dataclass(frozen=True)
class Stage:
    """One sampling stage, coded for vectorised sums.

    Attributes
    ----------
    unit : ndarray of int, shape (n,)
        Sampled unit of each row, ``0 .. U-1``, nested in all earlier stages.
    unit_stratum : ndarray of int, shape (U,)
        Stratum of each unit, ``0 .. H-1``.
    n_units : ndarray of float, shape (H,)
        Sampled units per stratum (R's ``fpc$sampsize``).
    f : ndarray of float, shape (H,)
        ``1 - n_h/N_h`` (1 without a population size).
    fraction : ndarray of float, shape (H,)
        ``n_h/N_h`` (0 when ``N_h`` is infinite): the multiplier of the next stage.
    group : ndarray of int, shape (H,)
        Unit of the previous stage that holds the stratum (0 at stage 1).
    labels : list of str
        A readable name of each stratum, for messages.
    """

    unit: np.ndarray
    unit_stratum: np.ndarray
    n_units: np.ndarray
    f: np.ndarray
    fraction: np.ndarray
    group: np.ndarray
    labels: list[str]

    @property
    def n_strata(self) -> int:
        return len(self.n_units)

    def unit_matrix(self) -> sparse.csr_matrix:
        """Sparse ``U x n`` indicator: row ``u`` sums the rows of unit ``u``."""
        n = len(self.unit)
        return sparse.csr_matrix(
            (np.ones(n), (self.unit, np.arange(n))), shape=(len(self.unit_stratum), n)
        )

    def stratum_matrix(self) -> sparse.csr_matrix:
        """Sparse ``H x U`` indicator: row ``h`` sums the units of stratum ``h``."""
        u = len(self.unit_stratum)
        return sparse.csr_matrix(
            (np.ones(u), (self.unit_stratum, np.arange(u))), shape=(self.n_strata, u)
        )


def _codes(*columns: np.ndarray) -> tuple[np.ndarray, pd.DataFrame]:
    """Integer codes of the distinct combinations of ``columns`` (sorted) and the combinations."""
    frame = pd.DataFrame({str(k): c for k, c in enumerate(columns)})
    codes = frame.groupby(list(frame.columns), sort=True, dropna=False).ngroup().to_numpy()
    first = np.unique(codes, return_index=True)[1]
    return codes.astype(np.intp), frame.iloc[first].reset_index(drop=True)


def build_stages(
    n: int,
    clusters: Sequence[np.ndarray],
    strata: np.ndarray | None,
    fpc: Sequence[np.ndarray] | None,
    names: Sequence[str] = (),
) -> tuple[list[Stage], np.ndarray | None]:
    """Code the stages of a design as R's ``svydesign`` does.

    Parameters
    ----------
    n : int
        Number of rows.
    clusters : sequence of arrays
        Unit identifiers per stage; empty for one row per unit.
    strata : array or None
        First-stage strata. Later stages are stratified by the unit above them.
    fpc : sequence of arrays or None
        Per stage: population sizes (all > 1) or sampling fractions (all <= 1).
    names : sequence of str
        Column names of the clusters, for messages.

    Returns
    -------
    stages : list of Stage
    prob : ndarray or None
        Selection probability implied by ``fpc`` (``n_h/N_h`` multiplied over
        stages), used when no weights are given; None without ``fpc``.
    """
    ids = list(clusters) if len(clusters) else [np.arange(n)]
    first_strata = np.zeros(n, dtype=np.intp) if strata is None else np.asarray(strata)
    if fpc is not None and len(fpc) != len(ids):
        raise EstimationError(
            pl=f"Podano fpc dla {len(fpc)} stopni, a schemat ma {len(ids)} stopni: "
            "podaj fpc dla każdego stopnia albo wcale.",
            en=f"fpc was given for {len(fpc)} stages but the design has {len(ids)}: "
            "give fpc for every stage or for none.",
        )
    fpc_matrix = None
    if fpc is not None:
        fpc_matrix = np.column_stack([np.asarray(f, dtype=float) for f in fpc])
        if np.isnan(fpc_matrix).any():
            raise EstimationError(pl="Brakujące wartości w fpc.", en="Missing values in fpc.")
        is_popsize = bool((fpc_matrix > 1).any())
        if is_popsize != bool((fpc_matrix >= 1).all()):
            raise EstimationError(
                pl="fpc musi być albo liczebnością populacji (wszystkie > 1), "
                "albo frakcją losowania (wszystkie <= 1).",
                en="fpc must be either population sizes (all > 1) or sampling "
                "fractions (all <= 1).",
            )
    stages: list[Stage] = []
    prob = np.ones(n)
    unit_above = np.zeros(n, dtype=np.intp)
    for k in range(len(ids)):
        unit, _ = _codes(*ids[: k + 1])
        if k == 0:
            stratum, strata_frame = _codes(first_strata)
            labels = [str(v) for v in strata_frame.iloc[:, 0]]
            group_of_row = np.zeros(n, dtype=np.intp)
        else:
            stratum, strata_frame = _codes(unit_above)
            above = names[k - 1] if k - 1 < len(names) else "unit"
            first_rows = np.unique(stratum, return_index=True)[1]
            labels = [f"{above}={ids[k - 1][r]}" for r in first_rows]
            group_of_row = unit_above
        n_unit = unit.max() + 1
        unit_stratum = np.full(n_unit, -1, dtype=np.intp)
        unit_stratum[unit] = stratum
        if not np.array_equal(unit_stratum[unit], stratum):
            where = names[0] if names else "cluster"
            raise EstimationError(
                pl=f"Jednostki '{where}' nie są zagnieżdżone w warstwach: nadaj im "
                "identyfikatory unikalne w całej próbie.",
                en=f"Units '{where}' are not nested in the strata: give them identifiers "
                "that are unique across the whole sample.",
                column=where,
            )
        n_strata = stratum.max() + 1
        n_units = np.bincount(unit_stratum, minlength=n_strata).astype(float)
        group = np.zeros(n_strata, dtype=np.intp)
        group[stratum] = group_of_row
        if fpc_matrix is None:
            f = np.ones(n_strata)
            fraction = np.zeros(n_strata)
        else:
            col = fpc_matrix[:, k]
            popsize_row = col if is_popsize else n_units[stratum] / col
            popsize = np.empty(n_strata)
            popsize[stratum] = popsize_row
            if not np.allclose(popsize[stratum], popsize_row, rtol=0, atol=0, equal_nan=True):
                varies = stratum[popsize[stratum] != popsize_row][0]
                raise EstimationError(
                    pl=f"fpc różni się wewnątrz warstwy {labels[varies]} (stopień {k + 1}).",
                    en=f"fpc varies within stratum {labels[varies]} (stage {k + 1}).",
                )
            if (popsize < n_units).any():
                bad = int(np.flatnonzero(popsize < n_units)[0])
                raise EstimationError(
                    pl=f"fpc oznacza ponad 100% losowania w warstwie {labels[bad]} "
                    f"(stopień {k + 1}).",
                    en=f"fpc implies more than 100% sampling in stratum {labels[bad]} "
                    f"(stage {k + 1}).",
                )
            finite = np.isfinite(popsize)
            f = np.where(finite, (popsize - n_units) / np.where(finite, popsize, 1.0), 1.0)
            fraction = np.where(finite, n_units / np.where(finite, popsize, 1.0), 0.0)
            prob *= (n_units / popsize)[stratum]
        stages.append(Stage(unit, unit_stratum, n_units, f, fraction, group, labels))
        unit_above = unit
    return stages, (prob if fpc_matrix is not None else None)


def degrees_of_freedom(
    stages: Sequence[Stage], weights: np.ndarray, rows: np.ndarray
) -> np.ndarray:
    """Design degrees of freedom per domain, as R's ``degf()`` on a subset.

    ``#first-stage units - #strata`` among rows of nonzero weight.

    Parameters
    ----------
    stages : sequence of Stage
    weights : ndarray, shape (n,)
    rows : ndarray of int, shape (n,)
        Domain of each row, ``-1`` for none; domains are ``0 .. D-1``.
    """
    first = stages[0]
    keep = (weights != 0) & (rows >= 0)
    n_domains = int(rows.max()) + 1 if rows.size and rows.max() >= 0 else 0
    units = np.unique(rows[keep].astype(np.int64) * len(first.unit_stratum) + first.unit[keep])
    strata = np.unique(
        rows[keep].astype(np.int64) * first.n_strata + first.unit_stratum[first.unit[keep]]
    )
    n_u = np.bincount(units // len(first.unit_stratum), minlength=n_domains)
    n_h = np.bincount(strata // first.n_strata, minlength=n_domains)
    return (n_u - n_h).astype(float)


def stages_used(stages: Sequence[Stage], has_fpc: bool) -> int:
    """How many stages contribute to the variance (as :func:`variance_of_unit_totals`)."""
    if not has_fpc:
        return 1
    multiplier = np.ones(1)
    for number, stage in enumerate(stages, start=1):
        multiplier = (multiplier[stage.group] * stage.fraction)[stage.unit_stratum]
        if not multiplier.any():
            return number
    return len(stages)


def _present_strata(
    stage: Stage, present: Callable[[], np.ndarray | sparse.spmatrix] | None
) -> np.ndarray | None:
    """Which strata hold a row of each column's subset: H x K (H for one subset), or None.

    ``present()`` gives, per unit of the stage, whether it holds such a row
    (U x K or U); None means every row belongs to every subset.
    """
    if present is None:
        return None
    units = present()
    counts = stage.stratum_matrix() @ (
        units.astype(float) if sparse.issparse(units) else np.asarray(units, dtype=float)
    )
    if sparse.issparse(counts):
        counts = counts.toarray()
    return np.asarray(counts) > 0


def _stage_variance(
    totals: np.ndarray | sparse.spmatrix,
    stage: Stage,
    stage_number: int,
    lonely: LonelyPSU,
    multiplier: np.ndarray,
    full: bool = False,
    present: Callable[[], np.ndarray | sparse.spmatrix] | None = None,
) -> np.ndarray:
    """Variance contributed by one stage: ``onestage`` over every group at once.

    ``totals`` are unit totals (U x K); ``multiplier`` is per group (unit above).
    With ``full`` the K x K covariance matrix (``totals`` dense), else its diagonal.
    ``present`` (called only when a lonely stratum matters) gives the units
    holding a row of each column's subset (U x K; U with ``full``): strata
    without one do not exist for that column, as in R's subset design.
    """
    n_h = stage.n_units
    census = stage.f < 1e-7
    lonely_strata = (n_h == 1) & ~census
    strata_present = None
    if lonely_strata.any() and lonely in ("fail", "average"):
        strata_present = _present_strata(stage, present)
    if strata_present is None:
        touched = lonely_strata
    else:
        shape = (-1,) + (1,) * (strata_present.ndim - 1)
        touched = (lonely_strata.reshape(shape) & strata_present).any(
            axis=tuple(range(1, strata_present.ndim))
        )
    if touched.any() and lonely == "fail":
        bad = stage.labels[int(np.flatnonzero(touched)[0])]
        raise EstimationError(
            pl=f"Warstwa ({bad}) ma tylko jedną jednostkę losowania na stopniu {stage_number}. "
            "Wybierz lonely_psu='adjust', 'average', 'remove' lub 'certainty'.",
            en=f"Stratum ({bad}) has only one PSU at stage {stage_number}. "
            "Choose lonely_psu='adjust', 'average', 'remove' or 'certainty'.",
        )
    scale = np.where(n_h > 1, stage.f * n_h / np.maximum(n_h - 1, 1), stage.f)
    scale = np.where(census, 0.0, scale)
    centre = ~(lonely_strata & (lonely == "adjust"))
    if lonely in ("remove", "certainty"):
        # a lonely unit centred on itself contributes nothing (R centres it too)
        scale = np.where(lonely_strata, 0.0, scale)
    factor = np.ones(stage.n_strata)
    undefined = None  # columns whose present strata (in some group) are all lonely
    if lonely == "average" and lonely_strata.any():
        # R: sum over the strata of the (subset) design, times nstrat / nokstrat per group
        n_groups = int(stage.group.max()) + 1
        groups = sparse.csr_matrix(
            (np.ones(stage.n_strata), (stage.group, np.arange(stage.n_strata))),
            shape=(n_groups, stage.n_strata),
        )
        if strata_present is None:
            strata_present = np.ones(stage.n_strata, dtype=bool)
        if strata_present.ndim == 1:
            strata_present = strata_present[:, None]
        nstrat = groups @ strata_present.astype(float)
        nok = groups @ (strata_present & ~lonely_strata[:, None]).astype(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(nok > 0, nstrat / nok, 0.0)
        factor = np.where(lonely_strata[:, None], 0.0, ratio[stage.group])
        undefined = ((nstrat > 0) & (nok == 0)).any(axis=0)
        if full:
            factor, undefined = factor[:, 0], bool(undefined[0])
    strat = stage.stratum_matrix()
    if full:
        totals = totals.toarray() if sparse.issparse(totals) else np.asarray(totals)
        sums = strat @ totals
        means = np.where(centre[:, None], sums / n_h[:, None], 0.0)
        dev = totals - means[stage.unit_stratum]
        coef = (scale * factor * multiplier[stage.group])[stage.unit_stratum]
        out = dev.T @ (dev * coef[:, None])
        return np.full_like(out, np.nan) if undefined else out
    sums = np.asarray((strat @ totals).todense()) if sparse.issparse(totals) else strat @ totals
    if sparse.issparse(totals):
        squares = np.asarray((strat @ totals.multiply(totals)).todense())
        per_stratum = squares - np.where(centre, 1.0, 0.0)[:, None] * sums**2 / n_h[:, None]
    else:
        means = np.where(centre[:, None], sums / n_h[:, None], 0.0)
        dev = totals - means[stage.unit_stratum]
        per_stratum = strat @ (dev * dev)
    per_stratum = per_stratum * scale[:, None]
    if factor.ndim == 1:
        out = (factor * multiplier[stage.group]) @ per_stratum
    else:
        out = ((factor * multiplier[stage.group][:, None]) * per_stratum).sum(axis=0)
    if undefined is not None and undefined.any():
        out = np.where(undefined, np.nan, out)
    return out


def linearised_variance(
    z: np.ndarray | sparse.spmatrix,
    stages: Sequence[Stage],
    has_fpc: bool,
    lonely: LonelyPSU = "fail",
    residualise: Sequence[Callable[[np.ndarray], np.ndarray]] = (),
    full: bool = False,
    rows: np.ndarray | sparse.spmatrix | None = None,
) -> np.ndarray:
    """Variance of the totals of each column of ``z``: R's ``svyrecvar`` (diagonal).

    Parameters
    ----------
    z : ndarray or sparse matrix, shape (n, K)
        Influence values (already weighted), one column per estimate.
    stages : sequence of Stage
    has_fpc : bool
        Whether population sizes were given; without them only stage 1 counts.
    lonely : {"fail", "remove", "certainty", "adjust", "average"}
        What to do with a stratum holding a single sampled unit, as R's
        ``options(survey.lonely.psu=)``.
    residualise : sequence of callables
        Calibration steps, applied in order (R's ``postStrata``).
    full : bool
        Return the whole K x K covariance matrix (for a few columns), as
        ``svyrecvar`` does, instead of its diagonal.
    rows : array or sparse matrix, shape (n, K) or (n,), optional
        The rows of the subset design behind each column (nonzero = in it):
        a domain's rows with an answer, as R's ``svyby`` and ``na.rm=TRUE``
        keep of an uncalibrated design. Only lonely PSUs ("fail", "average")
        look at it; None: every row (the whole design, or a calibrated one).
        With ``full`` one subset for all columns, shape (n,).

    Returns
    -------
    ndarray, shape (K,) or (K, K)
    """
    if residualise:
        z = z.toarray() if sparse.issparse(z) else np.array(z, dtype=float, copy=True)
        for step in residualise:
            z = step(z)
    elif sparse.issparse(z):
        z = sparse.csr_matrix(z)

    def totals_at(k: int) -> np.ndarray | sparse.spmatrix:
        totals = stages[k].unit_matrix() @ z
        if sparse.issparse(totals) and totals.shape[0] * totals.shape[1] <= _DENSE_LIMIT:
            totals = totals.toarray()
        return totals

    present_at = None
    if rows is not None:
        marks = (
            (sparse.csr_matrix(rows) != 0).astype(float)
            if sparse.issparse(rows)
            else (np.asarray(rows) != 0).astype(float)
        )

        def present_at(k: int) -> np.ndarray | sparse.spmatrix:
            return stages[k].unit_matrix() @ marks

    return variance_of_unit_totals(totals_at, z.shape[1], stages, has_fpc, lonely, full, present_at)


def variance_of_unit_totals(
    totals_at: Callable[[int], np.ndarray | sparse.spmatrix],
    n_columns: int,
    stages: Sequence[Stage],
    has_fpc: bool,
    lonely: LonelyPSU = "fail",
    full: bool = False,
    present_at: Callable[[int], np.ndarray | sparse.spmatrix] | None = None,
) -> np.ndarray:
    """Variance of totals from the unit totals of each stage (R's ``multistage``).

    Parameters
    ----------
    totals_at : callable
        ``totals_at(k)`` gives the totals of the influence values over the
        sampled units of stage ``k`` (0-based): ``U_k x K``. Called only for the
        stages that count.
    n_columns : int
        ``K``.
    stages, has_fpc, lonely, full
        As in :func:`linearised_variance`.
    present_at : callable, optional
        ``present_at(k)``: whether each unit of stage ``k`` holds a row of each
        column's subset design (``U_k x K``, nonzero = yes; ``U_k`` with
        ``full``), called only when a lonely PSU matters; None: every row
        (see ``rows`` of :func:`linearised_variance`).

    Returns
    -------
    ndarray, shape (K,)
    """
    result = np.zeros((n_columns, n_columns) if full else n_columns)
    multiplier = np.ones(1)
    for number, stage in enumerate(stages, start=1):
        if number > 1 and not has_fpc:
            break
        present = None if present_at is None else (lambda k=number - 1: present_at(k))
        result += _stage_variance(
            totals_at(number - 1), stage, number, lonely, multiplier, full, present
        )
        # the next stage's groups are this stage's units
        multiplier = (multiplier[stage.group] * stage.fraction)[stage.unit_stratum]
        if not multiplier.any():
            break
    return result
