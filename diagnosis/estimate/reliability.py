"""Reliability of multi-item scales: Cronbach's alpha and McDonald's omega.

Both are computed on the respondents who answered every item of the scale
(complete cases, unweighted: reliability describes the instrument in this
sample, not a population quantity), after reverse-keying, with the item
scoring of :mod:`diagnosis.clean.scores` ("Trudno powiedzieć" is missing; a
reverse-keyed item x becomes ``max + min - x``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pingouin
from scipy import optimize, stats

from ..clean.scores import keyed_scores, scored
from ..instrument import Instrument
from .taylor import EstimationError

__all__ = [
    "RELIABILITY_COLUMNS",
    "cronbach_alpha",
    "item_scores",
    "mcdonald_omega",
    "one_factor",
    "scale_reliability",
]

#: the columns of every reliability frame
RELIABILITY_COLUMNS = ["scale", "statistic", "estimate", "ci_low", "ci_high", "n", "n_items"]


def item_scores(
    data: pd.DataFrame,
    instrument: Instrument,
    items: Sequence[str] | None = None,
    construct: str | None = None,
) -> pd.DataFrame:
    """Numeric item scores with reverse-keyed items recoded, as ``scale_score`` uses them.

    Parameters
    ----------
    data : DataFrame
        Canonical (or cleaned) frame with the answers as codes.
    instrument : Instrument
        Says which items are reverse-keyed and which answers are missing.
    items : list of str, optional
        Item names; or
    construct : str, optional
        A scale of the questionnaire (its ``construct`` column), e.g. ``"cohesion"``.

    Returns
    -------
    DataFrame
        One float column per item, same index as ``data``.

    Raises
    ------
    EstimationError
        When neither or both of ``items`` and ``construct`` are given, the
        construct is unknown, an item is not a numeric question of the data,
        or a reverse-keyed item has no range.

    Notes
    -----
    Scores from :func:`diagnosis.clean.scores.scored`; a reverse-keyed item x
    becomes ``max + min - x`` (substantive codes, else the question's range),
    the rule of :func:`diagnosis.clean.scores.scale_score`, whose row means
    these items reproduce (tested).

    Examples
    --------
    >>> from diagnosis import load_instrument
    >>> ins = load_instrument("surveys/instruments/resident_survey.xlsx")
    >>> data = pd.DataFrame({"coh_belong": ["4", "99"], "coh_self": ["1", "3"]}, dtype="string")
    >>> item_scores(data, ins, ["coh_belong", "coh_self"])  # coh_self is reverse-keyed
       coh_belong  coh_self
    0         4.0       4.0
    1         NaN       2.0
    >>> # R: 5 - coh_self
    """
    if (items is None) == (construct is None):
        raise EstimationError(
            pl="Podaj albo listę pytań (items), albo nazwę skali (construct).",
            en="Give either the items or the construct, not both or neither.",
        )
    if construct is not None:
        questions = instrument.by_construct(construct)
        if not questions:
            known = ", ".join(instrument.constructs)
            raise EstimationError(
                pl=f"W kwestionariuszu nie ma skali {construct!r}. Dostępne: {known}.",
                en=f"The questionnaire has no scale {construct!r}. Available: {known}.",
                value=construct,
            )
    else:
        questions = [instrument.question(name) for name in items]
    values = scored(data, instrument)
    absent = [q.name for q in questions if q.name not in values.columns]
    if absent:
        raise EstimationError(
            pl=f"Pytanie '{absent[0]}' nie ma liczbowych odpowiedzi w danych.",
            en=f"Question '{absent[0]}' has no numeric answers in the data.",
            column=absent[0],
        )
    return keyed_scores(data, instrument, questions)


def _complete(data: pd.DataFrame, items: Sequence[str]) -> pd.DataFrame:
    items = list(items)
    missing = [c for c in items if c not in data.columns]
    if missing:
        raise EstimationError(
            pl=f"Brak kolumny '{missing[0]}' w danych.",
            en=f"No column '{missing[0]}' in the data.",
            column=missing[0],
        )
    if len(items) < 2:
        raise EstimationError(
            pl="Rzetelność skali wymaga co najmniej dwóch pytań.",
            en="Reliability needs at least two items.",
            value=items,
        )
    x = data[items].apply(pd.to_numeric, errors="coerce").astype(float).dropna()
    if len(x) < 3:
        raise EstimationError(
            pl=f"Tylko {len(x)} osób odpowiedziało na wszystkie pytania skali: za mało.",
            en=f"Only {len(x)} respondents answered every item: too few.",
            value=len(x),
        )
    return x


def _frame(scale: str, statistic: str, est: float, lo: float, hi: float, n: int, k: int):
    return pd.DataFrame([[scale, statistic, est, lo, hi, n, k]], columns=RELIABILITY_COLUMNS)


def cronbach_alpha(
    data: pd.DataFrame,
    items: Sequence[str],
    conf_level: float = 0.95,
    scale: str | None = None,
) -> pd.DataFrame:
    """Cronbach's alpha with Feldt's confidence interval (pingouin).

    Parameters
    ----------
    data : DataFrame
        Numeric item scores, reverse-keyed items already recoded (see
        :func:`item_scores`).
    items : list of str
        The scale's items (at least two).
    conf_level : float
        Confidence level.
    scale : str, optional
        Name for the ``scale`` column (default: the items joined by "+").

    Returns
    -------
    DataFrame
        One row, :data:`RELIABILITY_COLUMNS`; ``statistic = "alpha"``, ``n``
        the complete cases, ``n_items`` the number of items.

    Notes
    -----
    :math:`\\alpha = \\frac{k}{k-1}\\left(1 - \\frac{\\sum_j s_j^2}{s_X^2}\\right)`
    on complete cases (``pingouin.cronbach_alpha(nan_policy="listwise")``).
    The interval is Feldt's, as pingouin's, computed here unrounded (pingouin
    rounds it to 3 decimals) and with ``n`` the complete cases (pingouin
    counts the rows before its listwise deletion): with ``df1 = n - 1``,
    ``df2 = (n-1)(k-1)``,
    :math:`[1 - (1-\\alpha) F_{1-a/2}(df_1, df_2),\\; 1 - (1-\\alpha) F_{a/2}(df_1, df_2)]`.

    References
    ----------
    Feldt, L. S., Woodruff, D. J. and Salih, F. A. (1987). Statistical
    inference for coefficient alpha. Applied Psychological Measurement 11, 93-103.

    Examples
    --------
    >>> df = pd.DataFrame({"a": [1.0, 2, 3, 4, 4], "b": [1.0, 3, 3, 4, 3], "c": [2.0, 2, 3, 4, 4]})
    >>> round(float(cronbach_alpha(df, ["a", "b", "c"])["estimate"].iloc[0]), 6)
    0.932039
    >>> # R: k / (k - 1) * (1 - sum(apply(x, 2, var)) / var(rowSums(x)))  (psych::alpha)
    """
    x = _complete(data, items)
    n, k = x.shape
    alpha, _ = pingouin.cronbach_alpha(x, ci=conf_level)
    a = 1 - conf_level
    lo = 1 - (1 - alpha) * stats.f.isf(a / 2, n - 1, (n - 1) * (k - 1))
    hi = 1 - (1 - alpha) * stats.f.isf(1 - a / 2, n - 1, (n - 1) * (k - 1))
    return _frame(scale or "+".join(items), "alpha", float(alpha), lo, hi, n, k)


def _fa_objective(psi: np.ndarray, s: np.ndarray) -> tuple[float, np.ndarray]:
    """R's ``factanal`` ML discrepancy for one factor and its gradient in the uniquenesses."""
    sc = 1 / np.sqrt(psi)
    values, vectors = np.linalg.eigh(s * sc[:, None] * sc[None, :])
    e = values[:-1]  # all but the largest
    f = -(np.sum(np.log(e) - e) - 1 + len(psi))
    load = vectors[:, -1] * np.sqrt(max(values[-1] - 1, 0.0)) / sc
    g = load**2 + psi - np.diag(s)
    return f, g / psi**2


def one_factor(data: pd.DataFrame, items: Sequence[str]) -> pd.DataFrame:
    """Standardised loadings of a one-factor maximum-likelihood factor analysis.

    Parameters
    ----------
    data : DataFrame
        Numeric item scores, reverse-keyed items already recoded.
    items : list of str
        At least three items (one factor on two items is not identified).

    Returns
    -------
    DataFrame
        ``item, loading, uniqueness``; loadings' signs make their sum positive.

    Notes
    -----
    R's ``factanal(x, factors = 1)`` estimator, on the correlation matrix of
    the complete cases: the uniquenesses :math:`\\psi` minimise
    :math:`-\\sum_{j>1} (\\log e_j - e_j) - 1 + k` over the eigenvalues
    :math:`e_1 \\ge e_2 \\ge \\dots` of :math:`\\Psi^{-1/2} R \\Psi^{-1/2}`
    (L-BFGS-B, :math:`\\psi \\in [0.005, 1]`, factanal's start), and
    :math:`\\lambda = \\Psi^{1/2} u_1 \\sqrt{\\max(e_1 - 1, 0)}`.
    Agrees with statsmodels' ``Factor(method="ml")`` and R to the optimisers'
    tolerance (about 1e-6).

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> f = rng.normal(size=500)
    >>> df = pd.DataFrame({c: f + rng.normal(size=500) for c in "abcd"})
    >>> one_factor(df, list("abcd"))["loading"].round(1).tolist()
    [0.7, 0.7, 0.7, 0.6]
    >>> # R: factanal(x, factors = 1)$loadings
    """
    x = _complete(data, items)
    if x.shape[1] < 3:
        raise EstimationError(
            pl="Analiza czynnikowa (omega) wymaga co najmniej trzech pytań.",
            en="The factor analysis (omega) needs at least three items.",
            value=list(items),
        )
    s = np.corrcoef(x.to_numpy(), rowvar=False)
    if not np.isfinite(s).all() or np.linalg.matrix_rank(s) < len(s):
        raise EstimationError(
            pl="Odpowiedzi na pytania skali są liniowo zależne (lub któreś pytanie ma jedną "
            "odpowiedź u wszystkich): analizy czynnikowej nie da się policzyć.",
            en="The items' answers are linearly dependent (or an item has the same answer "
            "for everyone): the factor analysis cannot be computed.",
            value=list(items),
        )
    start = np.minimum(1.0, (1 - 0.5 / len(s)) / np.diag(np.linalg.inv(s)))
    fit = optimize.minimize(
        _fa_objective,
        start,
        args=(s,),
        jac=True,
        method="L-BFGS-B",
        bounds=[(0.005, 1.0)] * len(s),
        options={"ftol": 1e-15, "gtol": 1e-12, "maxiter": 10_000},
    )
    psi = fit.x
    sc = 1 / np.sqrt(psi)
    values, vectors = np.linalg.eigh(s * sc[:, None] * sc[None, :])
    load = vectors[:, -1] * np.sqrt(max(values[-1] - 1, 0.0)) / sc
    if load.sum() < 0:
        load = -load
    return pd.DataFrame({"item": list(items), "loading": load, "uniqueness": psi})


def mcdonald_omega(
    data: pd.DataFrame, items: Sequence[str], scale: str | None = None
) -> pd.DataFrame:
    """McDonald's omega (total) from a one-factor ML factor analysis.

    Parameters
    ----------
    data : DataFrame
        Numeric item scores, reverse-keyed items already recoded.
    items : list of str
        At least three items.
    scale : str, optional
        Name for the ``scale`` column.

    Returns
    -------
    DataFrame
        One row, :data:`RELIABILITY_COLUMNS`, ``statistic = "omega"``; no
        interval (``ci_low``, ``ci_high`` are NaN).

    Notes
    -----
    With the standardised loadings :math:`\\lambda_j` of :func:`one_factor`
    and :math:`\\psi_j = 1 - \\lambda_j^2`,
    :math:`\\omega = (\\sum_j \\lambda_j)^2 / ((\\sum_j \\lambda_j)^2 + \\sum_j \\psi_j)`.

    References
    ----------
    McDonald, R. P. (1999). Test Theory: A Unified Treatment. Erlbaum.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> f = rng.normal(size=500)
    >>> df = pd.DataFrame({c: f + rng.normal(size=500) for c in "abcd"})
    >>> round(float(mcdonald_omega(df, list("abcd"))["estimate"].iloc[0]), 1)
    0.8
    >>> # R: l <- factanal(x, 1)$loadings; sum(l)^2 / (sum(l)^2 + sum(1 - l^2))
    """
    fa = one_factor(data, items)
    lam = fa["loading"].to_numpy()
    common = lam.sum() ** 2
    omega = common / (common + (1 - lam**2).sum())
    n = len(_complete(data, items))
    return _frame(scale or "+".join(items), "omega", omega, np.nan, np.nan, n, len(lam))


def scale_reliability(
    data: pd.DataFrame,
    instrument: Instrument,
    constructs: Sequence[str],
    conf_level: float = 0.95,
) -> pd.DataFrame:
    """Alpha and omega of several scales of the questionnaire, from the answers as coded.

    Parameters
    ----------
    data : DataFrame
        Canonical (or cleaned) frame.
    instrument : Instrument
        The questionnaire: gives each construct's items and reverse keys.
    constructs : list of str
        Scales, e.g. ``["cohesion", "importance"]``.
    conf_level : float
        Confidence level of alpha's interval.

    Returns
    -------
    DataFrame
        :data:`RELIABILITY_COLUMNS`, two rows per construct (``alpha``, then
        ``omega``; omega is NaN for a two-item scale).

    Examples
    --------
    >>> from diagnosis import load_instrument
    >>> ins = load_instrument("surveys/instruments/resident_survey.xlsx")
    >>> data = pd.DataFrame({"coh_belong": list("434213"), "coh_together": list("433213"),
    ...                      "coh_get_on": list("443212"), "coh_trust": list("334212"),
    ...                      "coh_self": list("122343")}, dtype="string")
    >>> scale_reliability(data, ins, ["cohesion"])["statistic"].tolist()
    ['alpha', 'omega']
    >>> # R: psych::alpha(x); factanal(x, 1)
    """
    frames = []
    for construct in constructs:  # scales, not respondents
        items = item_scores(data, instrument, construct=construct)
        names = list(items.columns)
        frames.append(cronbach_alpha(items, names, conf_level, scale=construct))
        if len(names) >= 3:
            frames.append(mcdonald_omega(items, names, scale=construct))
        else:
            n = len(items.dropna())
            frames.append(_frame(construct, "omega", np.nan, np.nan, np.nan, n, len(names)))
    if not frames:  # no scale in the questionnaire
        return _frame("", "alpha", np.nan, np.nan, np.nan, 0, 0).iloc[:0]
    return pd.concat(frames, ignore_index=True)
