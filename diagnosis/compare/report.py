"""The comparison report: sections for the notebook, and the files beside it.

:class:`ComparisonReport` runs the whole comparison once
(:meth:`ComparisonReport.build`) and shows it section by section, as the town
report does; ``notebooks/compare_towns.ipynb`` calls it and ``diagnosis
compare`` turns the executed notebook into HTML and PDF. Every number shown
has passed the same disclosure control as the town reports.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..errors import DiagnosisError, Language
from ..evidence.cells import CSV_QUOTING, neutralise_formulas
from ..present.figures import dot_interval
from ..present.formatting import format_interval, format_number, format_percent
from ..report.document import HTMLFragment, figure_html
from ..report.render import REPORTS_DIR
from ..town import TOWNS_DIR, find_towns
from .adjusted import AdjustedComparison, adjusted_comparison
from .change import difference_in_differences, wave_changes
from .export import ExportFiles, export_pooled, rare_combinations
from .figures import caterpillar, needs_heatmap
from .indicators import town_indicators, versus_mean
from .pooled import Pooled, pool_towns
from .profiles import Profiles, borrowable_ideas, needs_profiles

__all__ = ["KEY_INDICATORS", "SECTIONS", "ComparisonReport"]

#: indicators shown as caterpillar plots (the rest are in the exported table)
KEY_INDICATORS = ("life_in_town", "trust_high", "influence", "library_visit", "internet_use")
#: section name, in report order
SECTIONS = ("overview", "indicators", "adjusted", "profiles", "evaluation", "exports")

_T = {
    "pl": {
        "overview": "Porównywane miejscowości",
        "indicators": "Wskaźniki w miejscowościach",
        "adjusted": "Różnice po uwzględnieniu składu mieszkańców",
        "profiles": "Profile potrzeb: które miejscowości mają podobne problemy",
        "evaluation": "Ocena zmian: druga fala badania",
        "exports": "Dane do dalszych analiz",
        "town": "Miejscowość", "wave": "Fala", "n": "Liczba ankiet",
        "population": "Mieszkańcy 18+", "innovation": "Innowacja między falami",
        "none": "—", "cluster": "Grupa", "top_need": "Najczęściej wskazywana potrzeba",
        "idea": "Pomysł", "from_town": "Skąd pomysł", "votes": "Głosy",
        "indicator": "Wskaźnik", "effect": "Efekt innowacji (różnica w różnicach)",
        "trend": "Zmiana w miastach porównawczych", "naive": "Zmiana w miastach z innowacją",
        "p_adj": "p (Holm)", "survey": "Regresja ważona (svyglm)",
        "mixed": "Model wielopoziomowy (MixedLM)",
    },
    "en": {
        "overview": "The towns compared",
        "indicators": "Indicators across towns",
        "adjusted": "Differences net of who lives there",
        "profiles": "Needs profiles: which towns face similar problems",
        "evaluation": "Evaluating change: the second survey wave",
        "exports": "Data for further analysis",
        "town": "Town", "wave": "Wave", "n": "Questionnaires",
        "population": "Residents 18+", "innovation": "Innovation between the waves",
        "none": "—", "cluster": "Group", "top_need": "Need named most often",
        "idea": "Idea", "from_town": "Idea from", "votes": "Votes",
        "indicator": "Indicator", "effect": "Innovation effect (difference-in-differences)",
        "trend": "Change in comparison towns", "naive": "Change in innovation towns",
        "p_adj": "p (Holm)", "survey": "Weighted regression (svyglm)",
        "mixed": "Multilevel model (MixedLM)",
    },
}  # fmt: skip


def _esc(value: object) -> str:
    return html.escape(str(value))


def _table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    head = "".join(f"<th>{_esc(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{_esc(c)}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


@dataclass(frozen=True)
class ComparisonReport:
    """The comparison of many towns, computed once, shown section by section.

    Examples
    --------
    >>> rep = ComparisonReport.build(["kwidzyn", "sopot", "brzeg", "zagan"])  # doctest: +SKIP
    >>> rep.section("evaluation")  # doctest: +SKIP
    """

    pooled: Pooled = field(repr=False)
    lang: Language
    threshold: int
    conf_level: float
    table: pd.DataFrame = field(repr=False)
    versus: pd.DataFrame = field(repr=False)
    adjusted: AdjustedComparison | None = field(repr=False)
    profiles: Profiles = field(repr=False)
    ideas: pd.DataFrame = field(repr=False)
    changes: pd.DataFrame | None = field(repr=False)
    did: pd.DataFrame | None = field(repr=False)

    @classmethod
    def build(
        cls,
        towns: Sequence[str | Path] | None = None,
        *,
        root: str | Path = TOWNS_DIR,
        lang: Language = "pl",
        threshold: int = 10,
        weighting: str = "rake",
        conf_level: float = 0.95,
        adjusted_indicator: str = "life_in_town",
        n_clusters: int = 4,
    ) -> ComparisonReport:
        """Pool the towns (default: every town under ``root``) and run every comparison."""
        if threshold < 3:
            raise DiagnosisError(
                pl="Próg ukrywania małych grup nie może być mniejszy niż 3.",
                en="The suppression threshold cannot be below 3.",
                value=threshold,
            )
        if isinstance(towns, str | Path):  # one town given alone
            towns = [towns]
        folders = list(towns) if towns else find_towns(root)
        pooled = pool_towns(folders, weighting=weighting)
        table = town_indicators(pooled, conf_level=conf_level, threshold=threshold)
        versus = versus_mean(table, pooled.towns, conf_level=conf_level)
        n_towns = int((pooled.towns["wave"] == 1).sum())
        adjusted = (
            adjusted_comparison(pooled, adjusted_indicator, conf_level=conf_level)
            if n_towns >= 3
            else None
        )
        profiles = needs_profiles(table, n_clusters=min(n_clusters, n_towns))
        first = pooled.towns[pooled.towns["wave"] == 1]
        ideas = borrowable_ideas(profiles, {r.town: r.folder for r in first.itertuples()})
        changes = did = None
        if (pooled.towns["wave"] > 1).any():
            changes = wave_changes(table, conf_level=conf_level)
            try:
                did = difference_in_differences(pooled, conf_level=conf_level, threshold=threshold)
            except DiagnosisError:
                did = None
        return cls(
            pooled, lang, int(threshold), float(conf_level), table, versus, adjusted, profiles,
            ideas, changes, did,
        )  # fmt: skip

    # ------------------------------------------------------------------ helpers
    def t(self, key: str) -> str:
        """A fixed text in the report language."""
        return _T[self.lang][key]

    def _names(self) -> dict[str, str]:
        return dict(zip(self.pooled.towns["town"], self.pooled.towns["name"], strict=False))

    def _label(self, indicator: str) -> str:
        ind = self.pooled.indicator(indicator)
        if ind.theme == "needs":  # a need's label alone reads like the service
            return ind.label(self.lang) + (
                " — wskazana potrzeba" if self.lang == "pl" else " — named as a need"
            )
        return ind.label(self.lang)

    def _is_share(self, indicator: str) -> bool:
        return self.pooled.indicator(indicator).kind == "share"

    def _value(self, indicator: str, value: float, signed: bool = False) -> str:
        if self._is_share(indicator):
            text = format_number(100 * value, self.lang, 1) + (" p.p." if signed else "%")
        else:
            text = format_number(value, self.lang, 2)
        return ("+" if signed and value > 0 else "") + text

    def _bound(self, indicator: str, value: float) -> str:
        """An interval bound in the estimate's unit, without the unit."""
        scale = 100.0 if self._is_share(indicator) else 1.0
        return format_number(scale * value, self.lang, 1 if scale == 100 else 2)

    def _p(self, p: float) -> str:
        return "< 0,001" if p < 0.001 and self.lang == "pl" else (
            "< 0.001" if p < 0.001 else format_number(p, self.lang, 3)
        )  # fmt: skip

    # ----------------------------------------------------------------- sections
    def section(self, name: str) -> HTMLFragment:
        """One section as HTML (displayed by Jupyter), e.g. ``"indicators"``."""
        if name not in SECTIONS:
            raise DiagnosisError(
                pl=f"Nie ma sekcji {name!r}. Dostępne: {', '.join(SECTIONS)}.",
                en=f"There is no section {name!r}. Available: {', '.join(SECTIONS)}.",
                value=name,
            )
        body = getattr(self, f"_{name}")()
        return HTMLFragment(f'<section><h2 id="{name}">{_esc(self.t(name))}</h2>{body}</section>')

    def html(self) -> str:
        """All sections, in order."""
        return "".join(self.section(s) for s in SECTIONS)

    def _overview(self) -> str:
        pl = self.lang == "pl"
        towns = self.pooled.towns
        rows = [
            [r.name, r.wave, format_number(r.n, self.lang, 0),
             format_number(r.population, self.lang, 0),
             r.innovation if isinstance(r.innovation, str) else self.t("none")]
            for r in towns.itertuples()
        ]  # fmt: skip
        n1 = int((towns["wave"] == 1).sum())
        intro = (
            f"<p>Porównanie obejmuje {n1} miejscowości i {int(towns['n'].sum())} ankiet. Każda "
            "miejscowość jest ważona do własnej struktury ludności (wiek i płeć), tak jak w jej "
            "raporcie, więc liczby są te same co w raportach miejscowości. Średnia miast to "
            "średnia ważona liczbą dorosłych mieszkańców. Nie pokazujemy wartości opartych na "
            f"mniej niż {self.threshold} odpowiedziach. Przedziały ufności: "
            f"{self.conf_level:.0%}.</p>"
            if pl
            else f"<p>The comparison covers {n1} towns and {int(towns['n'].sum())} "
            "questionnaires. Each town is weighted to its own population (age and sex), as in "
            "its report, so the numbers are those of the town reports. The towns' mean is "
            "weighted by adult population. Values resting on fewer than "
            f"{self.threshold} answers are not shown. Confidence intervals: "
            f"{self.conf_level:.0%}.</p>"
        )
        skipped = ""
        if self.pooled.skipped:
            items = "".join(f"<li>{_esc(s.message(self.lang))}</li>" for s in self.pooled.skipped)
            skipped = (
                "<p>Pominięte miejscowości (błędy w danych):</p>"
                if pl
                else "<p>Towns left out (errors in the data):</p>"
            ) + f"<ul>{items}</ul>"
        header = [self.t(k) for k in ("town", "wave", "n", "population", "innovation")]
        return intro + skipped + _table(header, rows)

    def _indicators(self) -> str:
        pl = self.lang == "pl"
        names = self._names()
        parts = [
            "<p>Kropka to wartość w miejscowości, kreska to przedział ufności. Kolor mówi, czy "
            "miejscowość różni się od średniej miast po korekcie na wielokrotne porównania "
            "(Holm, wszystkie miejscowości danego wskaźnika to jedna rodzina testów).</p>"
            if pl
            else "<p>A dot is the town's value, the line its confidence interval. The colour "
            "says whether the town differs from the towns' mean after correcting for multiple "
            "comparisons (Holm; all towns of an indicator are one family of tests).</p>"
        ]
        first = self.table[self.table["wave"] == 1]
        for ind in KEY_INDICATORS:
            rows = first[first["indicator"] == ind].copy()
            if rows.empty:
                continue
            v = self.versus[self.versus["indicator"] == ind].set_index("town")
            rows["verdict"] = rows["town"].map(v["verdict"])
            rows["name"] = rows["town"].map(names)
            mean = float(v["mean"].iloc[0])
            fig = caterpillar(
                rows, mean, percent=self._is_share(ind), lang=self.lang,
                threshold=self.threshold,
            )  # fmt: skip
            above = [names[t] for t in v.index[v["verdict"] == "above"]]
            below = [names[t] for t in v.index[v["verdict"] == "below"]]
            parts.append(f"<h3>{_esc(self._label(ind))}</h3>")
            parts.append(figure_html(fig, self._label(ind)))
            parts.append(
                f"<p>Średnia miast: {self._value(ind, mean)}. Powyżej: "
                f"{', '.join(above) or 'żadna'}. Poniżej: {', '.join(below) or 'żadna'}.</p>"
                if pl
                else f"<p>Towns' mean: {self._value(ind, mean)}. Above: "
                f"{', '.join(above) or 'none'}. Below: {', '.join(below) or 'none'}.</p>"
            )
        parts.append(self._key_table(first))
        return "".join(parts)

    def _key_table(self, first: pd.DataFrame) -> str:
        """Towns x key indicators, each value with its interval ("—": withheld)."""
        names = self._names()
        keys = [k for k in KEY_INDICATORS if k in set(first["indicator"])]
        cells = first[first["indicator"].isin(keys)].set_index(["town", "indicator"])
        rows = []
        for town in sorted(set(first["town"]), key=lambda t: names.get(t, t)):
            row: list[object] = [names.get(town, town)]
            for k in keys:
                r = cells.loc[(town, k)]
                share = self._is_share(k)
                row.append(
                    "—"
                    if r["suppressed"]
                    else format_interval(
                        r["estimate"], r["ci_low"], r["ci_high"], self.lang,
                        0 if share else 2, percent=share,
                    )
                )  # fmt: skip
            rows.append(row)
        caption = (
            "<h3>Wskaźniki kluczowe z przedziałami ufności</h3>"
            if self.lang == "pl"
            else "<h3>Key indicators with confidence intervals</h3>"
        )
        return caption + _table([self.t("town"), *(self._label(k) for k in keys)], rows)

    def _adjusted(self) -> str:
        pl = self.lang == "pl"
        adj = self.adjusted
        if adj is None:
            return (
                "<p>Potrzeba co najmniej trzech miejscowości.</p>"
                if pl
                else "<p>At least three towns are needed.</p>"
            )
        names = self._names()
        label = self._label(adj.indicator)
        intro = (
            f"<p>Wskaźnik: <b>{_esc(label)}</b>. Efekt miejscowości to jej odchylenie od "
            "przeciętnej miejscowości przy tym samym wieku, płci i wykształceniu mieszkańców. "
            "Dwa modele: regresja ważona z efektami miejscowości (wagi każdej miejscowości, "
            "schemat warstwowy) i model wielopoziomowy z losowym wyrazem wolnym dla miejscowości "
            "(bez wag; wyniki ściągnięte ku średniej tym mocniej, im mniejsza próba).</p>"
            if pl
            else f"<p>Indicator: <b>{_esc(label)}</b>. A town's effect is its difference from "
            "the average town for residents of the same age, sex and education. Two models: a "
            "weighted regression with town effects (each town's weights, stratified design) and "
            "a multilevel model with a random intercept per town (unweighted; estimates pulled "
            "towards the average the more, the smaller the sample).</p>"
        )
        rows = []
        s, m = adj.survey.set_index("town"), adj.mixed.set_index("town")
        order = s.sort_values("effect", ascending=False).index
        for t in order:
            rows.append([
                names.get(t, t),
                format_number(s.loc[t, "n"], self.lang, 0),
                format_interval(s.loc[t, "effect"], s.loc[t, "ci_low"], s.loc[t, "ci_high"],
                                self.lang, 2, percent=False),
                format_interval(m.loc[t, "effect"], m.loc[t, "ci_low"], m.loc[t, "ci_high"],
                                self.lang, 2, percent=False),
                format_percent(m.loc[t, "shrinkage"], self.lang, 0),
            ])  # fmt: skip
        header = [
            self.t("town"), self.t("n"), self.t("survey"), self.t("mixed"),
            "Zachowana część odchylenia" if pl else "Share of deviation kept",
        ]  # fmt: skip
        points = "".join(f"<li>{_esc(x)}</li>" for x in adj.explanation(names, self.lang))
        return intro + f"<ul>{points}</ul>" + _table(header, rows)

    def _profiles(self) -> str:
        pl = self.lang == "pl"
        names = self._names()
        q = self.pooled.instrument.get("needs")
        needs = {c.name: c.label(self.lang) for c in q.choices} if q else {}
        fig = needs_heatmap(
            self.profiles.z, self.profiles.order, names, needs, self.profiles.cluster, self.lang
        )
        intro = (
            "<p>Każdy wiersz to profil potrzeb miejscowości: jak często mieszkańcy wskazywali "
            "daną potrzebę w porównaniu z innymi miejscowościami (czerwony: częściej, niebieski: "
            "rzadziej). Miejscowości o podobnych profilach tworzą grupy (analiza skupień Warda); "
            "numer grupy stoi przed nazwą.</p>"
            if pl
            else "<p>Each row is a town's needs profile: how often residents named each need "
            "compared with the other towns (red: more often, blue: less often). Towns with "
            "similar profiles form groups (Ward clustering); the group number precedes the "
            "name.</p>"
        )
        ideas_intro = (
            "<p>Pomysły z warsztatów innych miejscowości, które odpowiadają na najczęściej "
            "wskazywaną potrzebę danej miejscowości:</p>"
            if pl
            else "<p>Workshop ideas from other towns that answer a town's most-named need:</p>"
        )
        rows = [
            [names.get(r.town, r.town), needs.get(r.need, r.need), r.idea,
             names.get(r.from_town, r.from_town), format_number(r.votes, self.lang, 0)]
            for r in self.ideas.itertuples()
        ]  # fmt: skip
        header = [self.t(k) for k in ("town", "top_need", "idea", "from_town", "votes")]
        if not rows:  # no header over an empty table
            none = (
                "<p>Żadna inna miejscowość nie ma z warsztatu pomysłu na najczęściej wskazywaną "
                "potrzebę którejś z porównywanych miejscowości.</p>"
                if pl
                else "<p>No other town has a workshop idea for any compared town's most-named "
                "need.</p>"
            )
            return intro + figure_html(fig, self.t("profiles")) + none
        return intro + figure_html(fig, self.t("profiles")) + ideas_intro + _table(header, rows)

    def _evaluation(self) -> str:
        pl = self.lang == "pl"
        if self.did is None or self.changes is None:
            return (
                "<p>Żadna miejscowość nie ma jeszcze drugiej fali badania z miastami "
                "porównawczymi.</p>"
                if pl
                else "<p>No town has a second survey wave with comparison towns yet.</p>"
            )
        did = self.did[~self.did["suppressed"]].sort_values("p_value")
        towns = self.pooled.towns
        later = towns[towns["wave"] == 2]
        treated = later[later["innovation"].notna()]["name"].tolist()
        control = later[later["innovation"].isna()]["name"].tolist()
        intro = (
            f"<p>Miejscowości z innowacją: {', '.join(treated)}. Porównawcze (bez innowacji): "
            f"{', '.join(control)}. Efekt innowacji to zmiana w miastach z innowacją minus "
            "zmiana w miastach porównawczych w tym samym czasie (różnica w różnicach, regresja "
            "ważona z efektami miejscowości). Zakłada, że bez innowacji obie grupy zmieniałyby "
            "się podobnie. Wartość p skorygowano metodą Holma, bo sprawdzamy wiele wskaźników "
            "naraz.</p>"
            if pl
            else f"<p>Towns with the innovation: {', '.join(treated)}. Comparison towns (no "
            f"innovation): {', '.join(control)}. The innovation's effect is the change in the "
            "innovation towns minus the change in the comparison towns over the same time "
            "(difference-in-differences, weighted regression with town effects). It assumes "
            "both groups would have changed alike without the innovation. p-values are Holm-"
            "adjusted, as many indicators are tested at once.</p>"
        )
        rows = []
        for r in did.head(10).itertuples():
            rows.append([
                self._label(r.indicator),
                self._value(r.indicator, r.naive, signed=True),
                self._value(r.indicator, r.trend, signed=True),
                f"{self._value(r.indicator, r.effect, signed=True)} "
                f"({self._bound(r.indicator, r.ci_low)}; {self._bound(r.indicator, r.ci_high)})",
                self._p(r.p_adjusted),
            ])  # fmt: skip
        header = [self.t(k) for k in ("indicator", "naive", "trend", "effect", "p_adj")]
        figures = [self._changefigure_html(i) for i in did["indicator"].head(2)]
        return intro + _table(header, rows) + "".join(figures)

    def _changefigure_html(self, indicator: str) -> str:
        """Each town's change between the waves, innovation towns against comparison towns."""
        assert self.changes is not None
        pl = self.lang == "pl"
        names = self._names()
        later = self.pooled.towns[self.pooled.towns["wave"] == 2].set_index("town")
        rows = self.changes[self.changes["indicator"] == indicator].copy()
        rows["name"] = rows["town"].map(names)
        treated = later["innovation"].notna()
        with_innovation = "z innowacją" if pl else "with the innovation"
        comparison = "porównawcze" if pl else "comparison"
        rows["group"] = rows["town"].map(treated).map({True: with_innovation, False: comparison})
        scale = 100.0 if self._is_share(indicator) else 1.0
        for c in ("change", "ci_low", "ci_high"):
            rows[c] = rows[c] * scale
        unit = (
            ("punkty procentowe" if pl else "percentage points")
            if scale == 100
            else ("punkty skali" if pl else "scale points")
        )
        fig = dot_interval(
            rows, "name", estimate="change", group="group",
            group_order=[with_innovation, comparison], percent=False,
            threshold=self.threshold, xlabel=unit, lang=self.lang,
        )  # fmt: skip
        title = self._label(indicator)
        caption = (
            f"{title}: zmiana między falami w każdej miejscowości (przedział ufności 95%)"
            if pl
            else f"{title}: change between the waves in each town (95% confidence interval)"
        )
        return figure_html(fig, caption)

    def _exports(self) -> str:
        pl = self.lang == "pl"
        return self._exports_listed(pl) + self._exports_are_personal_data(pl)

    def _exports_are_personal_data(self, pl: bool) -> str:
        rare = rare_combinations(self.pooled, self.threshold)
        ins = self.pooled.instrument
        opening, closing = ("„", "”") if pl else ("“", "”")
        names = ", ".join(
            f"{opening}{_esc(ins.question(k).label(self.lang))}{closing}" for k in rare.keys[1:]
        )
        share = round(100 * rare.rare / rare.respondents) if rare.respondents else 0
        if pl:
            return (
                f"<p><strong>Te pliki to dane osobowe (RODO).</strong> Nie ma w nich imion ani "
                f"odpowiedzi otwartych, ale {rare.rare} z {rare.respondents} osób ({share}%) ma "
                f"w swojej miejscowości i fali połączenie odpowiedzi na pytania {names}, które "
                f"ma mniej niż {rare.threshold} osób: ktoś, kto te cechy zna, może je rozpoznać "
                "i przeczytać ich odpowiedzi. Udostępniaj je tylko badaczom na podstawie umowy "
                "powierzenia lub udostępnienia danych; nie publikuj ich.</p>"
            )
        return (
            f"<p><strong>These files are personal data (GDPR).</strong> They hold no names or "
            f"open answers, but {rare.rare} of {rare.respondents} people ({share}%) have, within "
            f"their town and wave, a combination of answers to {names} that fewer than "
            f"{rare.threshold} people share: someone who knows these traits can find them and "
            "read their answers. Share the files only with researchers under a data-sharing "
            "agreement; do not publish them.</p>"
        )

    def _exports_listed(self, pl: bool) -> str:
        return (
            "<p>Obok raportu: <code>pooled.csv</code> (UTF-8), <code>pooled.parquet</code> i "
            "<code>pooled.sav</code> (SPSS, z etykietami zmiennych i wartości) z odpowiedziami "
            "wszystkich miejscowości (bez odpowiedzi otwartych i identyfikatorów), wagami i "
            "warstwami; <code>codebook.csv</code> z kodami; <code>town_indicators.csv</code> z "
            "tabelą miejscowości × wskaźniki. W R: <code>svydesign(ids = ~1, strata = ~stratum, "
            'weights = ~weight, data = read.csv("pooled.csv"))</code>.</p>'
            if pl
            else "<p>Beside the report: <code>pooled.csv</code> (UTF-8), "
            "<code>pooled.parquet</code> and <code>pooled.sav</code> (SPSS, with variable and "
            "value labels) with every town's answers (no open answers or ids), weights and "
            "strata; <code>codebook.csv</code> with the codes; <code>town_indicators.csv</code> "
            "with the towns x indicators table. In R: <code>svydesign(ids = ~1, strata = "
            '~stratum, weights = ~weight, data = read.csv("pooled.csv"))</code>.</p>'
        )

    # -------------------------------------------------------------------- files
    def write_exports(self, folder: str | Path = "") -> ExportFiles:
        """Write the pooled data (CSV, Parquet, SAV, codebook) and ``town_indicators.csv``.

        ``folder`` empty: ``reports/compare`` of the checkout (wherever the
        notebook runs from).
        """
        folder = Path(folder) if str(folder) else REPORTS_DIR / "compare"
        files = export_pooled(self.pooled, folder, self.lang)
        published = self.table.drop(columns=["raw_estimate", "raw_se"])
        neutralise_formulas(published).to_csv(
            Path(folder) / "town_indicators.csv", index=False, encoding="utf-8-sig",
            quoting=CSV_QUOTING,
        )  # fmt: skip
        return files
