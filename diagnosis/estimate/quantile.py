"""Weighted quantiles in domains, R's ``qrule_math``, vectorised over domains.

R's ``survey:::qs`` sorts ``x`` (ties keep their order), accumulates the
weights and takes the last position whose cumulative weight is at most
``p * sum(w)``; ``qrule_math`` returns that value if the cumulative share there
is exactly ``p`` and the next value otherwise (the smallest ``x`` with
``F(x) >= p``). Zero weights are dropped first.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["SortedDomains", "math_rule"]


@dataclass(frozen=True)
class SortedDomains:
    """Values sorted within domains, with cumulative weights as R accumulates them.

    Attributes
    ----------
    x : ndarray
        Values, sorted by domain and then value (stable).
    cumw : ndarray
        Cumulative weight within the domain (accumulated in extended precision
        and rounded, as R's ``cumsum``).
    domain : ndarray of int
        Domain of each sorted value.
    start, size : ndarray of int, shape (D,)
        First position and number of values of each domain.
    total : ndarray, shape (D,)
        Sum of the weights of each domain.
    """

    x: np.ndarray
    cumw: np.ndarray
    domain: np.ndarray
    start: np.ndarray
    size: np.ndarray
    total: np.ndarray

    @classmethod
    def build(
        cls, x: np.ndarray, w: np.ndarray, domain: np.ndarray, n_domains: int
    ) -> SortedDomains:
        """From the rows that count (finite ``x``, positive weight, in a domain)."""
        order = np.lexsort((x, domain))
        xs, ws, ds = x[order], w[order], domain[order]
        size = np.bincount(ds, minlength=n_domains)
        start = np.concatenate([[0], np.cumsum(size)[:-1]])
        running = np.cumsum(ws.astype(np.longdouble))
        before = np.where(start > 0, running[np.maximum(start - 1, 0)], 0)
        cumw = (running - before[ds]).astype(float) if ds.size else ws
        end = start + size - 1
        total = np.where(size > 0, cumw[np.maximum(end, 0)] if ds.size else 0.0, 0.0)
        return cls(xs, cumw, ds, start, size, np.asarray(total, dtype=float))


def math_rule(sorted_: SortedDomains, probs: np.ndarray) -> np.ndarray:
    """R's ``qrule_math`` at ``probs`` (D x K, one column per probability).

    NaN where the probability is NaN or the domain is empty.

    Examples
    --------
    >>> s = SortedDomains.build(np.array([3.0, 1, 2, 4]), np.ones(4), np.zeros(4, int), 1)
    >>> math_rule(s, np.array([[0.5, 0.6]]))
    array([[2., 3.]])
    >>> # R: survey:::qrule_math(c(3, 1, 2, 4), rep(1, 4), 0.5)
    """
    d = sorted_.domain
    out = np.full(probs.shape, np.nan)
    if not len(d):
        return out
    empty = sorted_.size == 0
    for k in range(probs.shape[1]):  # a few probabilities, never rows or domains
        p = probs[:, k]
        target = p * sorted_.total
        with np.errstate(invalid="ignore"):
            below = sorted_.cumw <= target[d]
        pos = np.maximum(np.bincount(d[below], minlength=len(p)), 1)  # R's last(): 1 if none
        low = sorted_.start + pos - 1
        nxt = np.where(pos == sorted_.size, low, low + 1)
        low_c, nxt_c = np.minimum(low, len(d) - 1), np.minimum(nxt, len(d) - 1)
        with np.errstate(invalid="ignore", divide="ignore"):
            exact = (p - sorted_.cumw[low_c] / sorted_.total) == 0
        value = np.where(exact, sorted_.x[low_c], sorted_.x[nxt_c])
        out[:, k] = np.where(empty | np.isnan(p), np.nan, value)
    return out
