"""Town differences net of age, sex and education: a survey regression and a multilevel model.

Two ways to ask "is this town different once we allow for who lives there?":

* **Survey-weighted regression with town effects** (R's ``svyglm``): the
  indicator on town dummies plus age band, sex and education, with each
  town's calibrated weights and the pooled stratified design
  (:func:`~diagnosis.compare.pooled.pooled_design`). A town's *adjusted
  effect* is its coefficient centred on the average of all towns' (the
  reference town's is 0 before centring); its interval comes from the
  coefficients' design-based covariance.
* **Multilevel model** (statsmodels ``MixedLM``): the same covariates as fixed
  effects and a random intercept per town, unweighted. It gives the
  intra-class correlation (ICC: the share of the variance that lies between
  towns) and *shrunken* town effects (BLUPs): a town's estimate is pulled
  towards the average by :math:`1 - \\lambda_j`, with
  :math:`\\lambda_j = \\tau^2 / (\\tau^2 + \\sigma^2 / n_j)`.

Both are linear models on the indicator's own scale (a 0/1 share gives
percentage points), so their town effects can be set side by side. They
disagree for two reasons, which :func:`adjusted_comparison` names town by
town: shrinkage (small samples are pulled towards the average, so a town the
regression calls different may look average in the multilevel model) and
weighting (the regression estimates the town's *population*, the multilevel
model its *sample*; where the sample is skewed and the indicator depends on
it beyond the adjusted covariates, they part).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import DiagnosisError, Language
from .pooled import Pooled, for_formula, pooled_design

__all__ = ["COVARIATES", "AdjustedComparison", "adjusted_comparison"]

#: composition the adjusted comparison allows for
COVARIATES = ("age_band", "sex", "education")


@dataclass(frozen=True)
class AdjustedComparison:
    """Adjusted town effects of one indicator from both models, and how they compare.

    Attributes
    ----------
    indicator : str
    survey : DataFrame
        Per town: ``effect`` (centred svyglm town coefficient), ``se``,
        ``ci_low``, ``ci_high``, ``n``.
    coefficients : DataFrame
        The whole svyglm coefficient table (R's ``summary(svyglm(...))``).
    mixed : DataFrame
        Per town: ``effect`` (BLUP of the random intercept), ``se``
        (conditional), ``ci_low``, ``ci_high``, ``n``, ``shrinkage``
        (:math:`\\lambda_j`).
    icc, tau2, sigma2 : float
        Intra-class correlation, between-town and residual variance (REML).
    correlation : float
        Pearson correlation of the two sets of town effects.
    disagreements : DataFrame
        Towns where one model finds a difference from the average and the
        other does not, or the signs differ: ``town, survey_verdict,
        mixed_verdict, reason``: ``"borderline"`` (nearly the same effect on
        the edge of significance; the weighted intervals are wider),
        ``"shrinkage"`` (the multilevel model pulls a small town to the
        average) or ``"weighting"`` (population and sample part).
    """

    indicator: str
    survey: pd.DataFrame = field(repr=False)
    coefficients: pd.DataFrame = field(repr=False)
    mixed: pd.DataFrame = field(repr=False)
    icc: float
    tau2: float
    sigma2: float
    correlation: float
    disagreements: pd.DataFrame = field(repr=False)

    def explanation(self, names: dict[str, str], lang: Language = "pl") -> list[str]:
        """Sentences on how far the two models agree and why they part where they do."""
        pl = lang == "pl"
        out = [
            (
                f"Między miejscowościami leży {self.icc:.1%} zmienności tego wskaźnika (ICC); "
                f"reszta to różnice między mieszkańcami tej samej miejscowości."
                if pl
                else f"{self.icc:.1%} of this indicator's variance lies between towns (ICC); "
                "the rest is between residents of the same town."
            ),
            (
                "Efekty miejscowości z obu modeli są zgodne w korelacji "
                f"r = {self.correlation:.2f}."
                if pl
                else f"The two models' town effects correlate at r = {self.correlation:.2f}."
            ),
        ]
        if self.disagreements.empty:
            out.append(
                "Oba modele wskazują te same miejscowości jako różne od średniej."
                if pl
                else "Both models single out the same towns as different from the average."
            )
        for row in self.disagreements.itertuples():
            name = names.get(row.town, row.town)
            m = self.mixed.set_index("town").loc[row.town]
            if row.reason == "shrinkage":
                out.append(
                    f"{name}: regresja ważona widzi różnicę ({_verdict(row.survey_verdict, lang)}),"
                    f" model wielopoziomowy nie ({_verdict(row.mixed_verdict, lang)}). Próba "
                    f"liczy {int(m['n'])} osób, więc model wielopoziomowy ściąga wynik ku średniej "
                    f"(zachowuje {m['shrinkage']:.0%} odchylenia)."
                    if pl
                    else f"{name}: the weighted regression sees a difference "
                    f"({_verdict(row.survey_verdict, lang)}), the multilevel model does not "
                    f"({_verdict(row.mixed_verdict, lang)}). With {int(m['n'])} respondents the "
                    f"multilevel model pulls it towards the average (keeps {m['shrinkage']:.0%} "
                    "of the deviation)."
                )
            elif row.reason == "borderline":
                out.append(
                    f"{name}: oba modele dają prawie ten sam efekt, ale na granicy istotności "
                    f"(regresja ważona: {_verdict(row.survey_verdict, lang)}, model wielopoziomowy:"
                    f" {_verdict(row.mixed_verdict, lang)}). Przedziały regresji są szersze, bo "
                    "ważenie kosztuje precyzję (efekt schematu), a model wielopoziomowy traktuje "
                    "próbę jak prostą losową."
                    if pl
                    else f"{name}: both models give almost the same effect, but on the edge of "
                    f"significance (weighted regression: {_verdict(row.survey_verdict, lang)}, "
                    f"multilevel model: {_verdict(row.mixed_verdict, lang)}). The regression's "
                    "intervals are wider because weighting costs precision (design effect), while "
                    "the multilevel model treats the sample as simple random."
                )
            else:
                out.append(
                    f"{name}: regresja ważona: {_verdict(row.survey_verdict, lang)}, model "
                    f"wielopoziomowy: {_verdict(row.mixed_verdict, lang)}. Regresja opisuje "
                    "populację miejscowości (wagi), model wielopoziomowy samą próbę; skład próby "
                    "różni się tu od populacji w sposób, którego wiek, płeć i wykształcenie nie "
                    "wyjaśniają w pełni."
                    if pl
                    else f"{name}: weighted regression: {_verdict(row.survey_verdict, lang)}, "
                    f"multilevel model: {_verdict(row.mixed_verdict, lang)}. The regression "
                    "describes the town's population (weights), the multilevel model the sample; "
                    "here the sample differs from the population in ways age, sex and education "
                    "do not fully account for."
                )
        return out


def _verdict(code: str, lang: Language) -> str:
    words = {
        "above": ("powyżej średniej", "above average"),
        "below": ("poniżej średniej", "below average"),
        "no_difference": ("bez istotnej różnicy", "no clear difference"),
    }
    return words[code][0 if lang == "pl" else 1]


def _verdicts(low: np.ndarray, high: np.ndarray) -> np.ndarray:
    return np.where(low > 0, "above", np.where(high < 0, "below", "no_difference"))


def adjusted_comparison(
    pooled: Pooled,
    indicator: str,
    covariates: tuple[str, ...] = COVARIATES,
    conf_level: float = 0.95,
    wave: int = 1,
) -> AdjustedComparison:
    """Adjusted town effects from a survey-weighted regression and from MixedLM.

    Parameters
    ----------
    pooled : Pooled
        From :func:`~diagnosis.compare.pooled.pool_towns`.
    indicator : str
        An indicator id, e.g. ``"life_in_town"`` or ``"trust_high"``.
    covariates : tuple of str
        Categorical covariates (default age band, sex, education).
    conf_level : float
    wave : int

    Returns
    -------
    AdjustedComparison

    Examples
    --------
    >>> from diagnosis.compare import pool_towns
    >>> pooled = pool_towns(["kwidzyn", "leczyca", "sopot"], waves=False)
    >>> adj = adjusted_comparison(pooled, "life_in_town")
    >>> adj.survey["town"].tolist()
    ['kwidzyn', 'leczyca', 'sopot']
    >>> bool(abs(adj.survey["effect"].sum()) < 1e-9)  # centred on the towns' average
    True
    >>> bool(0 <= adj.icc < 1)
    True
    """
    import statsmodels.formula.api as smf

    ind = pooled.indicator(indicator)
    sub = pooled.wave(wave)
    data = for_formula(sub.data, ("town", *covariates))
    data["y"] = pd.to_numeric(data[ind.column], errors="coerce").astype(float)
    towns = sorted(pd.unique(data["town"]))
    if len(towns) < 3:
        raise DiagnosisError(
            pl="Do porównania skorygowanego potrzeba co najmniej trzech miejscowości.",
            en="The adjusted comparison needs at least three towns.",
        )
    rhs = " + ".join(f"C({c})" for c in covariates)
    fit = pooled_design(sub, data).glm_fit(f"y ~ C(town) + {rhs}", conf_level=conf_level)
    terms = [f"C(town)[T.{t}]" for t in towns[1:]]
    k = len(towns)
    # centred effects: c = L b, b = (0 for the reference town, the coefficients for the rest)
    lmat = np.eye(k)[:, 1:] - np.full((k, k - 1), 1.0 / k)
    b = fit.table.set_index("variable").loc[terms, "estimate"].to_numpy()
    cov = fit.cov.loc[terms, terms].to_numpy()
    effect = lmat @ b
    se = np.sqrt(np.diag(lmat @ cov @ lmat.T))
    dof = float(fit.table["df"].iloc[0])
    q = stats.t.ppf(0.5 + conf_level / 2, dof)
    used = data.dropna(subset=["y", *covariates])
    n = used.groupby("town").size().reindex(towns).to_numpy()
    survey = pd.DataFrame(
        {"town": towns, "effect": effect, "se": se, "ci_low": effect - q * se,
         "ci_high": effect + q * se, "n": n}
    )  # fmt: skip

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence chatter; the fit is checked below
        model = smf.mixedlm(f"y ~ {rhs}", used, groups=used["town"])
        result = model.fit(reml=True)
    tau2 = float(np.asarray(result.cov_re)[0, 0])
    sigma2 = float(result.scale)
    blup = np.array([float(np.asarray(result.random_effects[t])[0]) for t in towns])
    cond = np.array([float(np.asarray(result.random_effects_cov[t])[0, 0]) for t in towns])
    z = stats.norm.ppf(0.5 + conf_level / 2)
    mse = np.sqrt(cond)
    mixed = pd.DataFrame(
        {"town": towns, "effect": blup, "se": mse, "ci_low": blup - z * mse,
         "ci_high": blup + z * mse, "n": n, "shrinkage": tau2 / (tau2 + sigma2 / n)}
    )  # fmt: skip

    sv = _verdicts(survey["ci_low"].to_numpy(), survey["ci_high"].to_numpy())
    mv = _verdicts(mixed["ci_low"].to_numpy(), mixed["ci_high"].to_numpy())
    differ = (sv != mv) | (np.sign(effect) != np.sign(blup)) & (sv != "no_difference")
    gap = np.abs(effect - blup)
    shrunk = (sv != "no_difference") & (mv == "no_difference") & (np.abs(blup) < np.abs(effect))
    reason = np.where(gap < 0.5 * se, "borderline", np.where(shrunk, "shrinkage", "weighting"))
    disagreements = pd.DataFrame(
        {"town": towns, "survey_verdict": sv, "mixed_verdict": mv, "reason": reason}
    )[differ].reset_index(drop=True)
    corr = float(np.corrcoef(effect, blup)[0, 1]) if tau2 > 0 else float("nan")
    return AdjustedComparison(
        indicator=indicator,
        survey=survey,
        coefficients=fit.table,
        mixed=mixed,
        icc=tau2 / (tau2 + sigma2),
        tau2=tau2,
        sigma2=sigma2,
        correlation=corr,
        disagreements=disagreements,
    )
