"""Disclosure control: no published cell rests on too few respondents.

In a town of 20,000 a table of, say, education by district by age band can
point at one person. :func:`suppress` hides cells before anything is drawn or
written; :func:`check_no_small_cells` is the guard tests and the report run on
what is about to be published.

Rules (../shared/DOMAIN.md, "Disclosure control")
-------------------------------------------------
Primary suppression
    A row is hidden when it rests on fewer than ``threshold`` unweighted
    respondents (``n < threshold``), when its count is unknown, or when it was
    already marked ``suppressed``. The default threshold is 10, the rule of the
    ABS DataLab and the UK Longitudinal Linkage Collaboration (at least 10
    unweighted records behind a percentage or a mean; for a percentage pass the
    smaller of numerator and denominator as ``n_col``) and of ONS census
    outputs. It may never go below 3, the floor of the Polish statistics law
    (ustawa o statystyce publicznej, art. 38 ust. 2) and sdcTable's default
    frequency rule.
Complement
    A share of 87 of 88 men tells what the one other man answered. With
    ``complement=("n", "n_numerator")`` a row is also hidden when ``n -
    n_numerator`` is between 1 and ``threshold - 1``: the complement is
    treated like the cell.
Secondary suppression (differencing)
    Cells that add up to something published (the categories of one variable
    in one domain add to 100%; the domains of one variable add to the whole
    town) let a reader recover hidden cells by subtraction: 226 - 34 - 151 =
    41 is what the two hidden districts have together. So within every group
    of rows given by ``within``, more rows are hidden (the smallest shown row
    first) until (a) no group has exactly one hidden member and (b) the hidden
    members of a group *taken together* would pass the primary rule: their
    summed counts (columns in ``additive``) reach the threshold and their
    summed complement is not between 1 and ``threshold - 1``. Respondents of a
    group who are in no listed row (an unknown district) are a hidden member
    too: give them as a row flagged in the ``remainder`` column; such rows are
    always hidden. Several groupings can be given (rows and columns of a
    two-way table); the rules are applied to each until nothing changes.

Hiding a row blanks (NaN) every published value in it: ``estimate, se,
ci_low, ci_high, deff, n, n_numerator, n_weighted`` and ``n_col``, whichever
are present. Labels (variable, level, domain) stay, so the reader sees that
the cell exists but was withheld.

The module depends on nothing but ``diagnosis.errors``, pandas and numpy, so
it can move to an earlier step of the pipeline if that step needs it.

What this does not do: it is a "hide one more" heuristic, not an optimal
solver (sdcTable's ``protectTable``); tables built from the same data are
protected by the callers giving each the groupings it shares with the others
(``diagnosis.evidence.analysis``), and it does not apply the dominance (3/4)
rule, which concerns magnitudes (turnover), not counts of respondents.

Examples
--------
>>> import pandas as pd
>>> t = pd.DataFrame({"level": ["a", "b", "c"], "estimate": [0.5, 0.4, 0.1],
...                   "n": [50, 40, 4]})
>>> suppress(t, threshold=10, within=[])["suppressed"].tolist()
[False, False, True]
>>> suppress(t, threshold=10, within=None)["suppressed"].tolist()
[False, True, True]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..errors import DiagnosisError

__all__ = [
    "MIN_THRESHOLD",
    "PUBLISHED_COLUMNS",
    "DisclosureError",
    "check_no_small_cells",
    "suppress",
]

#: no threshold may go below this (Polish statistics law, art. 38(2))
MIN_THRESHOLD = 3
#: the values of a row that are blanked when the row is suppressed
PUBLISHED_COLUMNS: tuple[str, ...] = (
    "estimate",
    "se",
    "ci_low",
    "ci_high",
    "deff",
    "n",
    "n_numerator",
    "n_weighted",
)

Within = str | Sequence[str] | Sequence[Sequence[str]] | None
Counts = str | Sequence[str]


def _counts(table: pd.DataFrame, n_col: Counts, what: str) -> tuple[list[str], np.ndarray]:
    """The count columns and their values (rows x columns, floats).

    The first column is required (NaN: the row cannot be checked); the others
    may be NaN where they do not apply (a mean has no numerator).
    """
    names = [n_col] if isinstance(n_col, str) else list(n_col)
    if not names:
        raise DisclosureError(
            pl=f"{what}: podaj co najmniej jedną kolumnę z liczbą odpowiedzi (n_col).",
            en=f"{what}: give at least one column of respondent counts (n_col).",
        )
    _require(table, names, what)
    values = np.column_stack(
        [pd.to_numeric(table[c], errors="coerce").to_numpy(dtype=float) for c in names]
    ).reshape(len(table), len(names))
    return names, values


def _complement(
    table: pd.DataFrame, complement: tuple[str, str] | None, count_names: list[str]
) -> tuple[np.ndarray, tuple[int, int] | None]:
    """Per row ``total - part`` (NaN without a complement), and the two columns' positions."""
    if complement is None:
        return np.full(len(table), np.nan), None
    _require(table, list(complement), "suppress")
    total, part = (pd.to_numeric(table[c], errors="coerce").to_numpy(float) for c in complement)
    at = None
    if complement[0] in count_names and complement[1] in count_names:
        at = (count_names.index(complement[0]), count_names.index(complement[1]))
    return total - part, at


def _small(values: np.ndarray, comp: np.ndarray, threshold: int) -> np.ndarray:
    """Rows failing the primary rule: a count missing or below the threshold, or a small complement.

    ``values`` is rows x count columns (first column required, NaN elsewhere =
    not applicable); ``comp`` the complement per row (NaN = none).
    """
    first = values[:, 0] if values.size else np.zeros(len(values))
    with np.errstate(invalid="ignore"):
        low = np.isnan(first) | (np.nan_to_num(values, nan=np.inf) < threshold).any(axis=1)
        return low | ((comp >= 1) & (comp < threshold))


class DisclosureError(DiagnosisError, ValueError):
    """A threshold is not allowed, a column is missing, or a table would publish a small cell.

    Also a :class:`ValueError`, so callers that do not know the package's
    exception tree still catch it.
    """


def _require(table: pd.DataFrame, names: Sequence[str], what: str) -> None:
    for name in names:
        if name not in table.columns:
            raise DisclosureError(
                pl=f"{what}: brak kolumny '{name}'.",
                en=f"{what}: no column '{name}'.",
                column=name,
            )


def _check_threshold(threshold: object) -> int:
    if (
        isinstance(threshold, bool)
        or not isinstance(threshold, int | np.integer)
        or threshold < MIN_THRESHOLD
    ):
        raise DisclosureError(
            pl=f"Próg ukrywania musi być liczbą całkowitą co najmniej {MIN_THRESHOLD} "
            f"(ustawa o statystyce publicznej, art. 38 ust. 2), a jest {threshold!r}.",
            en=f"The suppression threshold must be a whole number of at least {MIN_THRESHOLD} "
            f"(Polish statistics law, art. 38(2)), not {threshold!r}.",
        )
    return int(threshold)


def _groupings(within: Within, table: pd.DataFrame) -> list[list[str]]:
    """Normalise ``within`` to a list of groupings, each a list of column names."""
    if within is None:
        return [[]]
    if isinstance(within, str):
        groupings = [[within]]
    elif len(within) == 0:
        return []
    elif all(isinstance(w, str) for w in within):
        groupings = [list(within)]  # type: ignore[arg-type]
    else:
        groupings = [[w] if isinstance(w, str) else list(w) for w in within]
    for grouping in groupings:
        _require(table, grouping, "suppress")
    return groupings


def _secondary(
    hidden: np.ndarray,
    values: np.ndarray,
    comp: tuple[int, int] | None,
    additive: list[int],
    remainder: np.ndarray,
    groupings: list[list[str]],
    table: pd.DataFrame,
    threshold: int,
    protected: np.ndarray,
) -> np.ndarray:
    """Hide more rows until no group's hidden members can be recovered by subtraction.

    In every group: no single hidden member (a non-empty remainder row counts
    as one), and the hidden members together pass the primary rule on the
    ``additive`` count columns. The next row hidden is the shown one with the
    fewest respondents (smallest count; ties: table order), taking
    ``protected`` rows (published in another table) only when nothing else is left.
    """
    hidden = hidden.copy()
    # partners are chosen by their smallest count (a numerator before a shared denominator)
    n = np.where(np.isnan(values[:, 0]), -1.0, np.fmin.reduce(values, axis=1))
    first = np.nan_to_num(values[:, 0], nan=0.0)
    # empty remainders (nobody outside the listed rows) are no member at all
    member = ~remainder | (first > 0)
    groups: list[np.ndarray] = []
    for grouping in groupings:
        if grouping:
            codes = table.groupby(grouping, dropna=False, sort=False).ngroup().to_numpy()
            groups += [np.flatnonzero((codes == g) & member) for g in np.unique(codes)]
        else:
            groups.append(np.flatnonzero(member))
    summed = np.nan_to_num(values[:, additive], nan=0.0) if additive else None

    def together_small(rows: np.ndarray) -> bool:
        """Whether the hidden ``rows`` taken as one cell would fail the primary rule."""
        if summed is None:
            return False
        block = values[rows][:, additive]
        total = summed[rows].sum(axis=0)
        if not total.any():
            return False  # nobody behind them: an empty set is no cell
        merged = np.where(np.isnan(block).all(axis=0), np.nan, total)
        merged[0] = total[0]
        c = np.nan
        if comp is not None and comp[0] in additive and comp[1] in additive:
            c = total[additive.index(comp[0])] - total[additive.index(comp[1])]
        return bool(_small(merged[None, :], np.array([c]), threshold)[0])

    changed = True
    while changed:
        changed = False
        for rows in groups:
            if len(rows) < 2:
                continue
            off = rows[hidden[rows]]
            if len(off) == 0 or len(off) == len(rows):
                continue
            if len(off) == 1 or together_small(off):
                shown = rows[~hidden[rows]]
                # fewest respondents first; ties: the first in table order (stable sort)
                pick = np.lexsort((n[shown], protected[shown]))[0]
                hidden[shown[pick]] = True
                changed = True
    return hidden


def suppress(
    table: pd.DataFrame,
    threshold: int = 10,
    n_col: Counts = "n",
    within: Within = None,
    *,
    columns: Sequence[str] = PUBLISHED_COLUMNS,
    complement: tuple[str, str] | None = None,
    additive: Sequence[str] | None = None,
    remainder: str | None = None,
    protected: str | None = None,
) -> pd.DataFrame:
    """Hide the rows of ``table`` that rest on too few respondents, and their partners.

    Parameters
    ----------
    table : DataFrame
        An estimate frame (``variable, level, <domains>, estimate, se, ci_low,
        ci_high, deff, n, n_weighted``) or any table with a count column. Not
        modified.
    threshold : int
        Minimum unweighted respondents behind a published row; at least 3.
    n_col : str or list of str
        The unweighted count(s) to test. Estimate frames' ``n`` is the
        denominator of a proportion; give the numerator's count too
        (``["n", "n_numerator"]``): the row's count is the smallest of them.
    within : str, list of str, list of lists of str, or None
        Groups of rows that add up to a published total, for secondary
        suppression. ``["variable", "district"]``: the categories of each
        variable in each district. ``[["variable", "district"], ["variable",
        "level"]]``: also the districts of each category (a two-way table).
        ``None``: the whole table is one group. ``[]``: no secondary
        suppression (rows that add up to nothing published, e.g. means).
        An empty list inside the list (``[[], ["level"]]``) is the whole table.
    columns : sequence of str
        Values to blank in hidden rows (those present are blanked; the
        ``n_col`` columns always are).
    complement : (str, str), optional
        ``(total, part)`` columns, e.g. ``("n", "n_numerator")``: a row whose
        ``total - part`` is between 1 and ``threshold - 1`` is hidden too.
    additive : sequence of str, optional
        The ``n_col`` columns that add up over the rows of a group (default:
        all). The hidden members of a group together must pass the primary
        rule on these. In a distribution of one question the numerators add
        up but the denominator ``n`` is shared: give ``["n_numerator"]``.
    remainder : str, optional
        A boolean column marking rows that are never published but belong to
        their group: respondents in none of its listed rows (an unknown
        district), with their counts. They are hidden from the start and count
        as hidden members; the caller drops them before publishing.
    protected : str, optional
        A boolean column marking rows whose value another table publishes
        anyway (the share "satisfied" of a battery is also an indicator):
        secondary suppression takes them last, since hiding them here would
        protect nothing.

    Returns
    -------
    DataFrame
        A copy with a boolean ``suppressed`` column (an existing one is kept:
        rows already suppressed stay so) and NaN in the published values of
        suppressed rows. Count columns become floats.

    Raises
    ------
    DisclosureError
        When ``threshold`` is below 3 or not a whole number, or when ``n_col``
        or a ``within`` column is missing.

    Notes
    -----
    Primary: a count below ``threshold`` or the first count missing, or a
    complement in 1..threshold-1. Secondary: in each group with exactly one
    hidden member, or whose hidden members together fail the primary rule,
    the shown row with the smallest first count is hidden too, repeated over
    all groupings until nothing changes. See the module docstring for the
    sources (../shared/DOMAIN.md).

    Examples
    --------
    >>> t = pd.DataFrame({"district": ["A", "A", "A", "B", "B"],
    ...                   "level": ["yes", "no", "dk", "yes", "no"],
    ...                   "estimate": [0.6, 0.3, 0.1, 0.5, 0.5], "n": [30, 15, 5, 20, 20]})
    >>> out = suppress(t, threshold=10, within=["district"])
    >>> out[["district", "level", "estimate", "suppressed"]]
      district level  estimate  suppressed
    0        A   yes       0.6       False
    1        A    no       NaN        True
    2        A    dk       NaN        True
    3        B   yes       0.5       False
    4        B    no       0.5       False
    >>> # sdcTable (R): primarySuppression(type = "freq", maxN = 9), then a secondary step
    """
    threshold = _check_threshold(threshold)
    count_names, values = _counts(table, n_col, "suppress")
    groupings = _groupings(within, table)
    out = table.copy()
    already = (
        out["suppressed"].fillna(True).astype(bool).to_numpy()
        if "suppressed" in out.columns
        else np.zeros(len(out), dtype=bool)
    )
    if remainder is not None:
        _require(out, [remainder], "suppress")
        rest = out[remainder].fillna(False).astype(bool).to_numpy()
    else:
        rest = np.zeros(len(out), dtype=bool)
    comp, comp_at = _complement(out, complement, count_names)
    additive_at = [
        count_names.index(c) for c in (count_names if additive is None else additive)
        if c in count_names
    ]  # fmt: skip
    primary = already | rest | _small(values, comp, threshold)
    if protected is not None:
        _require(out, [protected], "suppress")
        keep = out[protected].fillna(False).astype(bool).to_numpy()
    else:
        keep = np.zeros(len(out), dtype=bool)
    hidden = _secondary(
        primary, values, comp_at, additive_at, rest, groupings, out, threshold, keep
    )
    blank = [c for c in dict.fromkeys([*columns, *count_names]) if c in out.columns]
    for column in blank:
        if hidden.any():
            values = pd.to_numeric(out[column], errors="coerce").astype(float)
            values[hidden] = np.nan
            out[column] = values
    out["suppressed"] = hidden
    return out


def check_no_small_cells(
    table: pd.DataFrame,
    threshold: int = 10,
    n_col: Counts = "n",
    *,
    columns: Sequence[str] = PUBLISHED_COLUMNS,
    complement: tuple[str, str] | None = None,
) -> None:
    """Raise if any published row rests on fewer than ``threshold`` respondents.

    A row is published when it is not marked ``suppressed`` (a table without
    that column counts as all published) and shows at least one value in
    ``columns`` or ``n_col`` (a count shown on its own is a cell too). Such a
    row needs a known ``n_col`` of at least ``threshold``.

    Parameters
    ----------
    table : DataFrame
        The table about to be published.
    threshold : int
        Minimum unweighted respondents; at least 3.
    n_col : str or list of str
        The unweighted count(s); the smallest must reach ``threshold``.
    columns : sequence of str
        The published values (those present are looked at).
    complement : (str, str), optional
        ``(total, part)``: a published ``total - part`` between 1 and
        ``threshold - 1`` fails too (87 of 88 men).

    Raises
    ------
    DisclosureError
        Naming the first offending rows, when there are any.

    Examples
    --------
    >>> t = pd.DataFrame({"level": ["a", "b"], "estimate": [0.9, 0.1], "n": [90, 4]})
    >>> check_no_small_cells(suppress(t, within=[]), 10)
    >>> check_no_small_cells(t, 10)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    diagnosis.evidence.disclosure.DisclosureError: 1 published row(s) rest on fewer ... (n=4).
    """
    threshold = _check_threshold(threshold)
    count_names, counts = _counts(table, n_col, "check_no_small_cells")
    comp, _ = _complement(table, complement, count_names)
    n = (
        np.where(np.isnan(counts[:, 0]), np.nan, np.fmin.reduce(counts, axis=1))
        if len(table)
        else counts[:, 0]
    )
    values = [c for c in dict.fromkeys([*columns, *count_names]) if c in table.columns]
    has_value = table[values].notna().any(axis=1).to_numpy()
    if "suppressed" in table.columns:
        published = ~table["suppressed"].fillna(False).astype(bool).to_numpy() & has_value
    else:
        published = has_value
    small = published & _small(counts, comp, threshold)
    if small.any():
        where = np.flatnonzero(small)
        shown = ", ".join(
            f"row {table.index[i]} (n={'?' if np.isnan(n[i]) else int(n[i])})" for i in where[:5]
        )
        more = f" and {len(where) - 5} more" if len(where) > 5 else ""
        shown_pl = shown.replace("row", "wiersz") + (
            f" i {len(where) - 5} innych" if len(where) > 5 else ""
        )
        raise DisclosureError(
            pl=f"{len(where)} publikowanych wierszy opiera się na mniej niż {threshold} "
            f"odpowiedziach: {shown_pl}.",
            en=f"{len(where)} published row(s) rest on fewer than {threshold} respondents: "
            f"{shown}{more}.",
        )
