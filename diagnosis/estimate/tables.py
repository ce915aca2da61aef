"""Two-way tables with design-based tests of association (R's ``svychisq``).

The arithmetic of ``survey:::svychisq.survey.design`` (survey 4.1), with the
cell covariance from the full Taylor core, so every stage of a multistage
design and every calibration step counts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

__all__ = ["Crosstab", "TableTest", "association_tests"]

TableTest = Literal["F", "Chisq", "adjWald"]


@dataclass(frozen=True)
class Crosstab:
    """A weighted two-way table and its tests of association.

    Attributes
    ----------
    table : DataFrame
        One row per cell (``variable`` = row variable, ``level`` = its
        category, then a column named after the column variable), with the
        usual estimate columns: ``estimate`` is the cell's share of the total
        (R: ``svymean(~interaction(row, col), des)``), ``n_weighted`` the
        weighted count (R: ``svytable(~row + col, des)``).
    tests : DataFrame
        ``statistic, value, ndf, ddf, p_value`` for ``"F"`` (Rao-Scott second
        order), ``"Chisq"`` (first-order corrected; ``value`` is Pearson's X^2
        of the table scaled to the sample size, as R prints) and ``"adjWald"``.
    """

    table: pd.DataFrame
    tests: pd.DataFrame


def _treatment(rows: np.ndarray, cols: np.ndarray, nr: int, nc: int) -> tuple[np.ndarray, ...]:
    """R's ``model.matrix(~factor(rows) + factor(cols))`` and the interaction columns."""
    x1 = np.column_stack(
        [np.ones(len(rows))]
        + [(rows == r).astype(float) for r in range(1, nr)]
        + [(cols == c).astype(float) for c in range(1, nc)]
    )
    inter = np.column_stack(
        [((rows == r) & (cols == c)).astype(float) for c in range(1, nc) for r in range(1, nr)]
    )
    return x1, inter


def association_tests(
    indicators: np.ndarray,
    rows: np.ndarray,
    cols: np.ndarray,
    w: np.ndarray,
    covariance: Callable[[np.ndarray], np.ndarray],
    n_rows: int,
    nu: float,
) -> pd.DataFrame:
    """Rao-Scott F, Rao-Scott chi-squared and adjusted Wald tests of a two-way table.

    Parameters
    ----------
    indicators : ndarray, shape (n, nr * nc)
        Cell indicators, rows of the table varying fastest; all zero for a
        respondent left out (missing either variable).
    rows, cols : ndarray of int, shape (n,)
        Row and column category of each respondent (-1 if missing).
    w : ndarray
        Weights, zero for a respondent left out.
    covariance : callable
        ``covariance(z)`` gives the design covariance of the totals of the
        columns of the influence matrix ``z`` (calibration steps applied).
    n_rows : int
        Rows of the design (R's ``N``).
    nu : float
        First-stage units minus strata (R's ``nu``).

    Returns
    -------
    DataFrame
        ``statistic, value, ndf, ddf, p_value``.
    """
    nr, nc = int(rows.max()) + 1, int(cols.max()) + 1
    cell_r = np.tile(np.arange(nr), nc)
    cell_c = np.repeat(np.arange(nc), nr)
    total = w.sum()
    counts = w @ indicators
    mean = counts / total
    # svymean(mm): influence w (I - p) / W on the kept rows
    kept = (w != 0)[:, None]
    z = np.where(kept, w[:, None] * (indicators - mean) / total, 0.0)
    v = covariance(z)
    x1, inter = _treatment(cell_r, cell_c, nr, nc)
    q, _ = np.linalg.qr(x1)
    cmat = inter - q @ (q.T @ inter)
    inv = np.where(mean == 0, 0.0, 1.0 / np.where(mean == 0, 1.0, mean))
    denom = cmat.T @ (cmat * (inv / n_rows)[:, None])
    numr = (cmat * inv[:, None]).T @ v @ (cmat * inv[:, None])
    delta = np.linalg.solve(denom, numr)
    trace = np.trace(delta)
    d0 = trace**2 / np.trace(delta @ delta)
    # Pearson's X^2 on the table scaled to N (svytable(..., Ntotal = N))
    table = (counts * n_rows / total).reshape(nc, nr).T
    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / table.sum()
    pearson = float(((table - expected) ** 2 / expected).sum())
    f = pearson / trace
    df_chisq = (nr - 1) * (nc - 1)
    # adjusted Wald: svytotal(~mm + mr + mc + one) and the delta method
    mr = np.column_stack([(rows == r) & kept[:, 0] for r in range(nr)]).astype(float)
    mc = np.column_stack([(cols == c) & kept[:, 0] for c in range(nc)]).astype(float)
    allx = np.column_stack([indicators, mr, mc, kept[:, 0].astype(float)])
    cells = w @ allx
    vcells = covariance(w[:, None] * allx)
    t_r, t_c, t_n = cells[nr * nc : nr * nc + nr], cells[nr * nc + nr : -1], cells[-1]
    jac = np.column_stack(
        [
            np.eye(nr * nc),
            -(cell_r[:, None] == np.arange(nr)).astype(float) * np.repeat(t_c / t_n, nr)[:, None],
            -(cell_c[:, None] == np.arange(nc)).astype(float) * (t_r / t_n)[cell_r][:, None],
            (np.outer(t_r, t_c) / t_n**2).reshape(-1, order="F"),
        ]
    )
    y = cells[: nr * nc] - np.outer(t_r, t_c).reshape(-1, order="F") / t_n
    vy = jac @ vcells @ jac.T
    use = np.arange(nr * nc).reshape(nr, nc, order="F")[1:, 1:].reshape(-1, order="F")
    wald = float(y[use] @ np.linalg.solve(vy[np.ix_(use, use)], y[use]))
    ddf_wald = nu - df_chisq + 1
    f_wald = wald * ddf_wald / (df_chisq * nu)
    return pd.DataFrame(
        {
            "statistic": ["F", "Chisq", "adjWald"],
            "value": [f, pearson, f_wald],
            "ndf": [d0, float(df_chisq), float(df_chisq)],
            "ddf": [d0 * nu, np.nan, ddf_wald],
            "p_value": [
                stats.f.sf(f, d0, d0 * nu),
                stats.chi2.sf(pearson / np.mean(np.diag(delta)), df_chisq),
                stats.f.sf(f_wald, df_chisq, ddf_wald),
            ],
        }
    )
