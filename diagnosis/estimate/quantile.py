"""Weighted quantiles in domains: R's ``qrule_math`` vectorised over domains, and the other rules.

R's ``survey:::qs`` sorts ``x`` (ties keep their order), accumulates the
weights and takes the last position whose cumulative weight is at most
``p * sum(w)``; ``qrule_math`` returns that value if the cumulative share there
is exactly ``p`` and the next value otherwise (the smallest ``x`` with
``F(x) >= p``). Zero weights are dropped first. :func:`quantile_rule` gives
R's other ``qrule``s: ``"school"`` (the midpoint at an exact share),
``"shahvaish"`` (Shah and Vaish's step function) and Hyndman and Fan's
``"hf1"`` to ``"hf9"`` with weights, each as ``survey:::qrule_<name>`` computes it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np

__all__ = [
    "QRULES",
    "QRule",
    "SortedDomains",
    "check_quantile_arguments",
    "math_rule",
    "quantile_rule",
    "r_uniroot",
    "rule_one",
]


def check_quantile_arguments(
    qrule: str, interval_type: str, intervals: tuple[str, ...], probs: object
) -> np.ndarray:
    """Check a quantile call's rule, interval type and probabilities; return the probabilities.

    Raises the package's located ``EstimationError`` (pl/en) for a rule or an
    interval type the design does not know, or a probability outside [0, 1].

    Examples
    --------
    >>> check_quantile_arguments("hf7", "mean", ("mean",), [0.25, 0.5]).tolist()
    [0.25, 0.5]
    """
    from .taylor import EstimationError

    if qrule not in QRULES:
        raise EstimationError(
            pl=f"Nieznana reguła qrule={qrule!r}; dozwolone: {', '.join(QRULES)}.",
            en=f"Unknown qrule={qrule!r}; choose one of {', '.join(QRULES)}.",
            value=qrule,
        )
    if interval_type not in intervals:
        raise EstimationError(
            pl=f"Nieznany interval_type={interval_type!r}; dozwolone: {', '.join(intervals)}.",
            en=f"Unknown interval_type={interval_type!r}; choose one of {', '.join(intervals)}.",
            value=interval_type,
        )
    p = np.atleast_1d(np.asarray(probs, dtype=float))
    if ((p < 0) | (p > 1) | np.isnan(p)).any():
        raise EstimationError(
            pl=f"Prawdopodobieństwa kwantyli muszą leżeć w [0, 1], podano {p.tolist()}.",
            en=f"Quantile probabilities must lie in [0, 1]; got {p.tolist()}.",
            value=p.tolist(),
        )
    return p


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
    w : ndarray, optional
        The weights in the order of ``x``.
    """

    x: np.ndarray
    cumw: np.ndarray
    domain: np.ndarray
    start: np.ndarray
    size: np.ndarray
    total: np.ndarray
    w: np.ndarray | None = None

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
        return cls(xs, cumw, ds, start, size, np.asarray(total, dtype=float), ws)


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


#: R's ``svyquantile(qrule = )`` choices
QRULES = (
    "math",
    "school",
    "shahvaish",
    "hf1",
    "hf2",
    "hf3",
    "hf4",
    "hf5",
    "hf6",
    "hf7",
    "hf8",
    "hf9",
)
QRule = Literal[
    "math", "school", "shahvaish", "hf1", "hf2", "hf3", "hf4", "hf5", "hf6", "hf7", "hf8", "hf9"
]


def _r_cumsum(w: np.ndarray) -> np.ndarray:
    """R's ``cumsum``: accumulated in extended precision, each value rounded."""
    return np.cumsum(w.astype(np.longdouble)).astype(float)


def _r_approx(x: np.ndarray, y: np.ndarray, v: np.ndarray, constant: bool = False) -> np.ndarray:
    """R's ``approx(x, y, v, rule = 2)``, linear or ``method = "constant", f = 0``.

    The pairs are sorted by ``x`` first (stably) and ties in ``x`` take the mean
    of their ``y``, as R's ``regularize.values``.
    """
    order = np.argsort(x, kind="stable")
    x, y = x[order], y[order]
    ux, first = np.unique(x, return_inverse=True)
    if len(ux) < len(x):
        y = np.bincount(first, weights=y) / np.bincount(first)
        x = ux
    out = np.full(v.shape, np.nan)
    ok = ~np.isnan(v)
    vv = v[ok]
    i = np.clip(np.searchsorted(x, vv, side="right") - 1, 0, len(x) - 1)
    j = np.minimum(i + 1, len(x) - 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        if constant:
            inner = np.where(vv == x[j], y[j], y[i])
        else:
            inner = y[i] + (y[j] - y[i]) * ((vv - x[i]) / (x[j] - x[i]))
            inner = np.where(vv == x[j], y[j], np.where(vv == x[i], y[i], inner))
    inner = np.where(vv <= x[0], y[0], np.where(vv >= x[-1], y[-1], inner))
    out[ok] = inner
    return out


def _qs(x: np.ndarray, cumw: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, ...]:
    """R's ``survey:::qs`` for sorted ``x`` and its ``cumsum`` weights, many ``p`` at once.

    Returns qlow, qup, ilow (1-based, as R), wlow, wup.
    """
    n, total = len(x), cumw[-1]
    with np.errstate(invalid="ignore"):
        below = cumw[None, :] <= (p * total)[:, None]
    count = below.sum(axis=1)
    last = np.where(below.any(axis=1), n - 1 - np.argmax(below[:, ::-1], axis=1), 0)
    pos = np.where(count > 0, last, 0)  # R's last(): the first position if none
    nxt = np.where(pos == n - 1, pos, pos + 1)
    return x[pos], x[nxt], pos + 1, p - cumw[pos] / total, cumw[nxt] / total - p


def rule_one(x: np.ndarray, w: np.ndarray, p: np.ndarray, rule: QRule) -> np.ndarray:
    """One domain's quantiles at ``p`` by R's ``qrule_<rule>`` (``x`` in data order).

    Zero weights are dropped first, as R's rules do; NaN ``p`` gives NaN.

    Examples
    --------
    >>> x, w = np.array([3.0, 1, 2, 4]), np.ones(4)
    >>> rule_one(x, w, np.array([0.5]), "hf7"), rule_one(x, w, np.array([0.5]), "school")
    (array([2.5]), array([2.5]))
    >>> # R: survey:::qrule_hf7(c(3, 1, 2, 4), rep(1, 4), 0.5)
    """
    keep = w != 0
    x, w = x[keep], w[keep]
    out = np.full(p.shape, np.nan)
    if not len(x):
        return out
    order = np.argsort(x, kind="stable")
    x, w = x[order], w[order]
    n = len(x)
    cumw = _r_cumsum(w)
    ok = ~np.isnan(p)
    pp = p[ok]
    if rule in ("math", "hf1", "school", "hf2", "hf4"):
        qlow, qup, _, wlow, wup = _qs(x, cumw, pp)
        if rule in ("math", "hf1"):
            value = np.where(wlow == 0, qlow, qup)
        elif rule in ("school", "hf2"):
            value = np.where(wlow == 0, (qlow + qup) / 2, qup)
        else:
            with np.errstate(invalid="ignore", divide="ignore"):
                gamma = wlow / (wup + wlow)
            value = qlow * (1 - gamma) + qup * gamma
    elif rule == "hf3":
        ux, start = np.unique(x, return_index=True)
        sums = np.add.reduceat(w, start)  # R's rowsum(w, x), in data order within a value
        qlow, qup, ilow, wlow, _ = _qs(ux, _r_cumsum(sums), pp)
        value = np.where((wlow == 0) & (ilow % 2 == 0), qlow, qup)
    else:
        before = np.concatenate([[0.0], cumw[:-1]])
        constant = False
        if rule == "shahvaish":
            s = _r_cumsum(w / w.mean())
            pk = (s + 0.5 - w / 2) / (n + 1)  # sic: w, not w / mean(w), so pk may not rise
            constant = True
        elif rule == "hf5":
            pk = (cumw - w / 2) / cumw[-1]
        elif rule == "hf6":
            pk = cumw / (cumw[-1] + w[-1])
        elif rule == "hf7":
            pk = before / (cumw[n - 2] if n > 1 else np.nan)
        elif rule == "hf8":
            pk = (before * 1 / 3 + cumw * 2 / 3) / (cumw[-1] + w[-1] / 3)
        else:  # hf9
            pk = (before * 3 / 8 + cumw * 5 / 8) / (cumw[-1] + w[-1] / 4)
        value = _r_approx(pk, x, pp, constant=constant)
    out[ok] = value
    return out


def quantile_rule(sorted_: SortedDomains, probs: np.ndarray, rule: QRule) -> np.ndarray:
    """R's ``qrule_<rule>`` in every domain at ``probs`` (D x K); NaN where ``probs`` is.

    ``"math"`` is :func:`math_rule`; the other rules run one domain at a time.

    Examples
    --------
    >>> s = SortedDomains.build(np.array([3.0, 1, 2, 4]), np.ones(4), np.zeros(4, int), 1)
    >>> quantile_rule(s, np.array([[0.5, 0.6]]), "hf7")
    array([[2.5, 2.8]])
    >>> # R: svyquantile(~x, des, c(0.5, 0.6), qrule = "hf7")
    """
    if rule == "math":
        return math_rule(sorted_, probs)
    out = np.full(probs.shape, np.nan)
    for d in range(len(sorted_.size)):  # domains, not rows
        if sorted_.size[d] == 0:
            continue
        part = slice(sorted_.start[d], sorted_.start[d] + sorted_.size[d])
        out[d] = rule_one(sorted_.x[part], sorted_.w[part], probs[d], rule)
    return out


def r_uniroot(
    f: Callable[[float], float], lower: float, upper: float, tol: float, maxiter: int = 1000
) -> float:
    """A root of ``f`` in ``[lower, upper]`` by R's ``uniroot`` (Brent's ``zeroin``, step for step).

    The same iterations as R's ``R_zeroin2``, so a step function (such as a
    score test in a quantile) gives the root on the same side of its jump.
    Infinite values are replaced by the largest finite ones, as R does.

    Examples
    --------
    >>> round(r_uniroot(lambda t: t * t - 2, 0.0, 2.0, 1e-12), 12)
    1.414213562373
    >>> # R: uniroot(function(t) t^2 - 2, c(0, 2), tol = 1e-12)$root
    """
    big = np.finfo(float).max

    def value(t: float) -> float:
        v = float(f(t))
        if np.isnan(v) or v == np.inf:
            return big
        return -big if v == -np.inf else v

    eps = np.finfo(float).eps
    a, b = lower, upper
    fa, fb = float(f(lower)), float(f(upper))
    if np.isnan(fa) or np.isnan(fb) or fa * fb > 0:
        return np.nan  # R stops: no sign change
    c, fc = a, fa
    if fa == 0:
        return a
    if fb == 0:
        return b
    for _ in range(maxiter + 1):  # R's zeroin iterations, not rows
        prev_step = b - a
        if abs(fc) < abs(fb):
            a, b, c = b, c, b
            fa, fb, fc = fb, fc, fb
        tol_act = 2 * eps * abs(b) + tol / 2
        new_step = (c - b) / 2
        if abs(new_step) <= tol_act or fb == 0:
            return b
        if abs(prev_step) >= tol_act and abs(fa) > abs(fb):
            cb = c - b
            if a == c:
                t1 = fb / fa
                p = cb * t1
                q = 1.0 - t1
            else:
                q, t1, t2 = fa / fc, fb / fc, fb / fa
                p = t2 * (cb * q * (q - t1) - (b - a) * (t1 - 1.0))
                q = (q - 1.0) * (t1 - 1.0) * (t2 - 1.0)
            if p > 0:
                q = -q
            else:
                p = -p
            if p < (0.75 * cb * q - abs(tol_act * q) / 2) and p < abs(prev_step * q / 2):
                new_step = p / q
        if abs(new_step) < tol_act:
            new_step = tol_act if new_step > 0 else -tol_act
        a, fa = b, fb
        b += new_step
        fb = value(b)
        if (fb > 0 and fc > 0) or (fb < 0 and fc < 0):
            c, fc = a, fa
    return b
