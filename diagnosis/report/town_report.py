"""The town report's content: one HTML section per part of ../shared/DOMAIN.md.

:class:`TownReport` is what the template notebook calls: ``build`` runs the
analysis once, ``write_evidence`` writes the evidence files and ``section``
returns one section as displayable HTML. Every number comes from the
:class:`~diagnosis.evidence.TownAnalysis`; every published number has passed
disclosure control there.

A town with fewer respondents in the analysis than the suppression threshold
gets a report all the same: :attr:`TownReport.too_few` is set, no analysis is
run, the summary says plainly why nothing can be shown, and the evidence files
hold no estimate.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..clean import Cleaned, clean_town, is_numeric_scale
from ..errors import Language
from ..evidence import (
    QUADRANTS,
    EvidenceSheet,
    Settings,
    TownAnalysis,
    analyse_town,
    battery_shares,
    describe_item,
    evidence_sheets,
    format_share,
    group_as_people,
    group_sizes,
    redact_town,
    write_empty_evidence,
    write_evidence,
)
from ..plurals import count
from ..present import (
    dot_interval,
    format_date,
    format_number,
    format_table,
    likert_bars,
    needs_ranking,
    priority_matrix,
    pyramid,
)
from ..present.figures import age_band_label
from ..town import Town
from ..validate import TownValidation, finding_title, validate_town
from .document import HTMLFragment, collect_new_objects_only, figure_html
from .texts import SECTION_TITLES, TEXTS, text

__all__ = ["SECTIONS", "TooFew", "TownReport", "download_name"]

#: section name -> method, in report order
SECTIONS = (
    "summary", "profile", "quality", "findings", "questions", "priorities", "groups", "scales",
    "library", "ideas", "sheets", "baseline", "annex",
)  # fmt: skip


def download_name(kind: str, town: str, year: int, suffix: str) -> str:
    """A file name for the librarian: ``diagnoza_Kwidzyn_2026.pdf``, spaces as ``_``.

    Polish letters stay (every system in use shows them); characters a file
    system refuses go.

    Examples
    --------
    >>> download_name("diagnoza", "Piotrków Trybunalski", 2026, "pdf")
    'diagnoza_Piotrków_Trybunalski_2026.pdf'
    """
    safe = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "", town).strip()
    safe = re.sub(r"\s+", "_", safe) or "miejscowosc"
    return f"{kind}_{safe}_{year}.{suffix}"


def _esc(value: object) -> str:
    return html.escape(str(value))


@dataclass(frozen=True)
class TooFew:
    """Why a town's report shows no results: fewer respondents than the threshold.

    Attributes
    ----------
    town : Town
        The town, its free texts (recruitment, margins source) redacted.
    validation : TownValidation
    cleaned : Cleaned
        The responses after cleaning; ``cleaned.n`` is compared with the threshold.
    settings : Settings
    """

    town: Town
    validation: TownValidation = field(repr=False)
    cleaned: Cleaned = field(repr=False)
    settings: Settings

    @property
    def n(self) -> int:
        """Respondents in the analysis (after cleaning)."""
        return self.cleaned.n

    @property
    def threshold(self) -> int:
        """The smallest group a published number may rest on."""
        return self.settings.threshold

    def reason(self, lang: Language) -> str:
        """One sentence: how many respondents there are and how many are needed."""
        noun = "response" if self.n == 1 else "responses"
        return text(
            lang, "few_summary", town=self.town.name, n=self.n, threshold=self.threshold, noun=noun
        )


def _too_few(validation: TownValidation, cleaned: Cleaned, settings: Settings) -> TooFew:
    return TooFew(redact_town(validation.town, settings.lang), validation, cleaned, settings)


def _clean(validation: TownValidation) -> Cleaned:
    return clean_town(validation)


@dataclass(frozen=True)
class TownReport:
    """One town's analysis with the means to show it.

    Attributes
    ----------
    analysis : TownAnalysis or None
        None when the town has too few respondents (see ``too_few``).
    sheets : tuple of EvidenceSheet
    level_labels : mapping
        Question -> code -> label, for the groups shown.
    too_few : TooFew or None
        Set when fewer respondents than the threshold are left after
        cleaning: then no analysis is run and every section says so.

    Examples
    --------
    >>> rep = TownReport.build("kwidzyn", lang="en")  # doctest: +SKIP
    >>> rep.section("summary")  # doctest: +SKIP
    """

    analysis: TownAnalysis | None
    sheets: tuple[EvidenceSheet, ...]
    level_labels: Mapping[str, Mapping[str, str]] = field(repr=False)
    too_few: TooFew | None = None

    @classmethod
    def build(
        cls,
        town: str | Path,
        *,
        lang: Language = "pl",
        threshold: int = 10,
        weighting: str = "rake",
        conf_level: float = 0.95,
    ) -> TownReport:
        """Analyse ``town`` (a name under surveys/towns or a path) and prepare its report.

        Parameters
        ----------
        town : str or Path
            A town folder, or a name under ``surveys/towns``.
        lang, threshold, weighting, conf_level
            The report's settings (:class:`~diagnosis.evidence.Settings`).

        Returns
        -------
        TownReport
            With ``too_few`` set (and no analysis) when fewer than ``threshold``
            respondents are left after cleaning.

        Raises
        ------
        DiagnosisError
            Invalid settings, or validation errors in the town's data (located).
        """
        settings = Settings(lang, int(threshold), weighting, float(conf_level))  # type: ignore[arg-type]
        settings.check()
        with collect_new_objects_only():
            validation = validate_town(town)
            if validation.ok and validation.n_distinct < settings.threshold:
                return cls(None, (), {}, _too_few(validation, _clean(validation), settings))
            try:
                analysis = analyse_town(
                    town, lang=lang, threshold=threshold, weighting=weighting,
                    conf_level=conf_level,
                )  # fmt: skip
            except Exception:
                # with few respondents left after cleaning the analysis may fail anywhere
                # (weighting, reliability ...); nothing would be shown then anyway
                if validation.ok:
                    cleaned = _clean(validation)
                    if cleaned.n < settings.threshold:
                        return cls(None, (), {}, _too_few(validation, cleaned, settings))
                raise
            if analysis.n < settings.threshold:
                few = _too_few(analysis.validation, analysis.cleaned, settings)
                return cls(None, (), {}, few)
            labels = _level_labels(analysis, lang)
            groups = list(dict.fromkeys(analysis.indicators["group"]))
            sizes = group_sizes(
                analysis.town, analysis.design.data, analysis.design.weights, groups
            )
            sheets = evidence_sheets(
                analysis.indicators, analysis.needs, analysis.town, analysis.assets, labels, lang,
                sizes=sizes,
            )  # fmt: skip
        return cls(analysis, sheets, labels)

    @property
    def settings(self) -> Settings:
        """The report's settings."""
        if self.too_few is not None:
            return self.too_few.settings
        assert self.analysis is not None
        return self.analysis.settings

    @property
    def lang(self) -> Language:
        return self.settings.lang

    def t(self, key: str, **values: object) -> str:
        """A fixed text of the report in its language."""
        return text(self.lang, key, **values)

    def write_evidence(self, folder: str | Path = "") -> Path:
        """Write evidence.json, indicators.csv, indicators.xlsx and the sheets' DOCX; the folder.

        The Word document of the evidence sheets, for pasting into the zone's
        development plan, is named for the town and year
        (``karty_dowodow_Kwidzyn_2026.docx``, :func:`download_name`).
        """
        from .render import REPORTS_DIR
        from .sheets_docx import write_sheets_docx

        if self.too_few is not None:
            target = Path(folder) if folder else REPORTS_DIR / self.too_few.town.slug
            _write_few_evidence(self.too_few, target)
            return target
        assert self.analysis is not None
        a = self.analysis
        target = Path(folder) if folder else REPORTS_DIR / a.town.slug
        write_evidence(a, self.sheets, target)
        if self.sheets:
            write_sheets_docx(
                self.sheets, a.town, target / download_name("karty_dowodow", a.town.name,
                                                            a.created.year, "docx"),
                self.lang, threshold=self.settings.threshold, created=a.created,
            )  # fmt: skip
        return target

    def section(self, name: str) -> HTMLFragment:
        """One section as HTML, headed by an ``<h2>`` that the table of contents lists."""
        if name not in SECTIONS:
            raise KeyError(f"unknown section {name!r}; sections: {', '.join(SECTIONS)}")
        title = SECTION_TITLES[name][0 if self.lang == "pl" else 1]
        with collect_new_objects_only():
            body = self._few(name) if self.too_few is not None else getattr(self, f"_{name}")()
        if not body:  # the questionnaire has nothing for this section: no empty heading
            return HTMLFragment("")
        return HTMLFragment(f'<section><h2 id="sec-{name}">{_esc(title)}</h2>{body}</section>')

    def html(self) -> str:
        """All sections, in order (for scripts that do not use the notebook)."""
        return "".join(self.section(name) for name in SECTIONS)

    # ------------------------------------------------------------------ helpers

    def _label(self, row: Mapping) -> str:
        return str(row[f"label_{self.lang}"])

    def _total(self) -> pd.DataFrame:
        t = self.analysis.indicators
        return t[t["group"] == "total"]

    def _value(self, indicator: str) -> str:
        row = self._total()[self._total()["indicator"] == indicator]
        if row.empty:
            return "–"
        return self._point(row.iloc[0])

    def _point(self, row: pd.Series, column: str = "estimate") -> str:
        """One value of an indicator row: ``52%`` (share) or ``5,7`` (mean); ``–`` if hidden."""
        if row["suppressed"] or pd.isna(row[column]):
            return "–"
        if row["kind"] == "share":
            return format_share(row[column], self.lang)
        return self._num(row[column], 1)

    def _num(self, value: float, decimals: int) -> str:
        return format_number(value, self.lang, decimals)

    def _table(self, frame: pd.DataFrame, columns, labels, **kw) -> str:
        return format_table(
            frame, columns, labels, self.lang, threshold=self.settings.threshold, **kw
        )

    # ------------------------------------------------------------------ too few respondents

    def _few(self, name: str) -> str:
        """A section of a report with too few respondents: the summary says why, no numbers."""
        few, t = self.too_few, self.t
        assert few is not None
        if name == "summary":
            return (
                f"<h3>{t('few_title')}</h3><p><b>{_esc(few.reason(self.lang))}</b></p>"
                f"<p>{t('few_why')}</p><p>{t('few_next')}</p>"
            )
        if name == "profile":
            town = few.town
            intro = t(
                "profile_intro",
                town=_esc(town.name),
                population=format_number(town.population, self.lang, 0),
                source=_esc(town.margins_source.rstrip(".")),
                recruitment=_esc((town.recruitment or "–").rstrip(".")),
            )
            return f"<p>{intro}</p><p class='note'>{t('few_section')}</p>"
        if name == "quality":
            return self._quality()
        if name == "annex":
            note = t("disclosure_note", threshold=few.threshold)
            return f"<p class='note'>{t('few_section')}</p><h3>{t('disclosure')}</h3><p>{note}</p>"
        return f"<p class='note'>{t('few_section')}</p>"

    # ------------------------------------------------------------------ sections

    def _summary(self) -> str:
        a, t = self.analysis, self.t
        w = a.weighting
        method = t(
            "summary_method_age" if w.variables == ("age_band",) else "summary_method",
            n=a.n,
            town=_esc(a.town.name),
            start=format_date(a.town.fieldwork_start, self.lang),
            end=format_date(a.town.fieldwork_end, self.lang),
            moe=self._num(w.margin_of_error, 1),
        )
        if w.method == "none":
            key = "summary_unweighted" if w.requested not in ("", "none") else "summary_none"
            method = t(key, n=a.n, town=_esc(a.town.name),
                       start=format_date(a.town.fieldwork_start, self.lang),
                       end=format_date(a.town.fieldwork_end, self.lang),
                       moe=self._num(w.margin_of_error, 1))  # fmt: skip
        parts = [f"<p>{method}</p>", self._limitations()]
        if a.town.commentary:  # the team's own words, redacted like every text of town.yaml
            paragraphs = "".join(
                f"<p>{_esc(p.strip())}</p>" for p in a.town.commentary.split("\n\n") if p.strip()
            )
            parts.append(f"<div class='commentary'><h3>{t('commentary')}</h3>{paragraphs}</div>")
        if self.sheets:
            parts.append(f"<h3>{t('top_needs')}</h3><ol>")
        for sheet in self.sheets:
            need = sheet.evidence[0]
            said = describe_item(need, self.lang).removeprefix(f"{need.label}: ")
            parts.append(
                f"<li><b>{_esc(sheet.need_label)}</b>: {_esc(said)}. "
                f"{_esc(sheet.target_group)} {_esc(sheet.workshop)}</li>"
            )
        if self.sheets:
            parts.append("</ol>")
            parts.append(self._recommendations())
        boxes = []
        for indicator in ("trust_high", "life_in_town", "influence", "library_visit",
                          "internet_use"):  # fmt: skip
            row = self._total()[self._total()["indicator"] == indicator]
            if row.empty:
                continue
            boxes.append(
                f'<div class="keyfigure"><div class="value">{self._value(indicator)}</div>'
                f"<div>{_esc(self._label(row.iloc[0]))}</div></div>"
            )
        if boxes:
            parts.append(
                f"<h3>{t('key_figures')}</h3><div class='keyfigures'>{''.join(boxes)}</div>"
            )
        parts.append(self._not_done())
        log = a.cleaned.log
        removed = int(log["rows_before"].iloc[0] - log["rows_after"].iloc[-1])
        warnings = sum(f.severity == "warning" for f in a.validation.findings())
        n_files = len(a.validation.files)
        if self.lang == "pl":  # after "z": 1 pliku, 2 plików; "wzięto": 1 ankietę, 2 ankiety
            files = count(n_files, "pliku", "plików", "plików")
            n_text = count(a.n, "ankietę", "ankiety", "ankiet")
            warn_text = count(warnings, "ostrzeżenie", "ostrzeżenia", "ostrzeżeń")
        else:
            files = count(n_files, "file", "files")
            n_text = count(a.n, "questionnaire", "questionnaires")
            warn_text = count(warnings, "warning", "warnings")
        line = t("quality_line", files=files, n=n_text, removed=removed, warnings=warn_text)
        parts.append(f"<p class='note'>{line}</p>")
        return "".join(parts)

    def _profile(self) -> str:
        a, t = self.analysis, self.t
        w = a.weighting
        prof = a.profile
        by_sex = "sex" in prof  # GUS figures for both sexes together give age alone
        table = prof.assign(age=prof["age_band"].map(self.level_labels.get("age_band", {})))
        columns = ["age", "population_share", "sample_share", "weighted_share"]
        if prof["sample_n"].isna().all():  # no age question: the population alone
            columns, by_sex = ["age", "population_share"], False
        if by_sex:
            fig = pyramid(
                prof.rename(columns={"sample_n": "n"}),
                prof,
                age_labels=self.level_labels.get("age_band"),
                threshold=a.settings.threshold,
                sample_total=a.n,
                lang=self.lang,
            )
            table = table.assign(sex_label=prof["sex"].map(self.level_labels.get("sex", {})))
            columns.insert(1, "sex_label")
        age_only = w.variables == ("age_band",) and w.method in ("rake", "poststratify")
        method = t(f"weighting_{w.method}_age" if age_only else f"weighting_{w.method}")
        if a.town.margins_kind in ("gmina", "bdl"):
            method += " " + t("margins_split")
        intro = t(
            "profile_intro",
            town=_esc(a.town.name),
            population=format_number(a.town.population, self.lang, 0),
            source=_esc(a.town.margins_source.rstrip(".")),
            recruitment=_esc((a.town.recruitment or "–").rstrip(".")),
        )
        return (
            f"<p>{intro}</p>"
            + (figure_html(fig, t("pyramid_caption")) if by_sex else "")
            + self._table(
                table,
                columns,
                {"age": t("age"), "sex_label": t("sex"), "population_share": t("population"),
                 "sample_share": t("sample"), "weighted_share": t("weighted")},
                percent=["population_share", "sample_share", "weighted_share"],
                public=["population_share"],  # GUS figures: never hidden
            )
            + f"<h3>{t('weighting')}</h3><p>{method} "
            + t("weighting_figures", deff=self._num(w.kish_deff, 2),
                neff=self._num(w.effective_n, 0), n=w.n, wmin=self._num(w.weight_min, 1),
                wmax=self._num(w.weight_max, 1), moe=self._num(w.margin_of_error, 1))
            + "</p>"
        )  # fmt: skip

    def _quality(self) -> str:
        t = self.t
        source = self.too_few if self.too_few is not None else self.analysis
        assert source is not None
        validation, cleaned = source.validation, source.cleaned
        rows = []
        for check in validation.files:
            rep = check.report
            rows.append(
                {
                    "file": check.path.name,
                    "rows": rep.n_rows,
                    "errors": len(rep.errors),
                    "warnings": len(rep.warnings),
                }
            )
        files = pd.DataFrame(rows)
        files_html = self._table(
            files.assign(n=files["rows"]),
            ["file", "rows", "errors", "warnings"],
            {"file": t("file"), "rows": t("rows"), "errors": t("errors"),
             "warnings": t("warnings")},
            percent=False,
            decimals=0,
        )  # fmt: skip
        log = cleaned.log
        log_rows = "".join(
            f"<tr><td>{_esc(r[self.lang])}</td><td class='num'>{r['rows_after']}</td></tr>"
            for _, r in log.iterrows()
        )
        codes = pd.Series([f.code for f in validation.findings()], dtype="object")
        counts = codes.value_counts()
        found = "".join(
            f"<li>{_esc(finding_title(code, self.lang))}: {int(n)}</li>"
            for code, n in counts.items()
        )
        return (
            f"<p>{t('quality_intro')}</p>{files_html}"
            f"<h3>{t('cleaning_log')}</h3><table class='data'><thead><tr>"
            f"<th scope='col'>{t('step')}</th>"
            f"<th scope='col' class='num'>{t('rows_after')}</th></tr></thead>"
            f"<tbody>{log_rows}</tbody></table>"
            f"<h3>{t('validation_findings')}</h3><ul>{found or '<li>–</li>'}</ul>"
        )

    def _likert(self, construct: str, title_key: str) -> str:
        """Diverging bars of a battery, by side of the scale (see ``likert_sides``)."""
        a = self.analysis
        items = [
            q for q in a.instrument.by_construct(construct) if f"lik_{q.name}" in a.design.data
        ]
        if not items:
            return ""
        freq = battery_shares(a, construct)
        if freq.empty or freq["suppressed"].all():
            return ""
        choices = [c for c in items[0].choices if not c.missing]
        half = len(choices) // 2
        labels = {
            "neg": " / ".join(c.label(self.lang) for c in choices[:half]),
            "mid": " / ".join(c.label(self.lang) for c in choices[half:-half]),
            "pos": " / ".join(c.label(self.lang) for c in choices[-half:]),
        }
        order = ["neg", "mid", "pos"] if len(choices) % 2 else ["neg", "pos"]
        item_labels = {f"lik_{q.name}": q.label(self.lang) for q in items}
        fig = likert_bars(
            freq, order, labels, item_labels=item_labels, sort=True,
            threshold=a.settings.threshold, lang=self.lang,
        )  # fmt: skip
        return figure_html(fig, self.t(title_key))

    def _recommendations(self) -> str:
        """One recommendation per top need: the action, whom it is for, how to measure it."""
        t = self.t
        items = []
        for sheet in self.sheets:
            idea = sheet.logic.split("→")[0].split(":", 1)[-1].strip()
            items.append(
                "<li>" + t("recommend", need=_esc(sheet.need_label), idea=_esc(idea),
                           indicator=_esc(sheet.indicator.label),
                           baseline=_esc(describe_item(sheet.indicator, self.lang)
                                         .removeprefix(f"{sheet.indicator.label}: ")))
                + "</li>"
            )  # fmt: skip
        return (
            f"<h3>{t('recommendations')}</h3><p>{t('recommend_intro')}</p><ol>{''.join(items)}</ol>"
        )

    def _limitations(self) -> str:
        """How far the sample stands for the town: recruitment and the weights, said plainly."""
        a, t = self.analysis, self.t
        w = a.weighting
        recruitment = (a.town.recruitment or "").strip().rstrip(".")
        random = bool(re.search(r"losow|random|operat", recruitment, re.IGNORECASE))
        parts = [
            t("limits_random" if random else "limits_convenience",
              recruitment=_esc(recruitment or t("limits_unknown")),
              moe=self._num(w.margin_of_error, 1))
        ]  # fmt: skip
        if w.method != "none":
            parts.append(
                t("limits_weights", deff=self._num(w.kish_deff, 2),
                  neff=self._num(w.effective_n, 0), n=w.n, wmax=self._num(w.weight_max, 1))
            )  # fmt: skip
            if w.weight_min > 0 and w.weight_max / w.weight_min > 10:
                parts.append(t("limits_spread", ratio=self._num(w.weight_max / w.weight_min, 0)))
        parts += self._gaps()
        return f"<h3>{t('limits')}</h3><p>{' '.join(parts)}</p>"

    def _gaps(self) -> list[str]:
        """Who is under-represented: each margin group against its share of the residents."""
        a, t = self.analysis, self.t
        data, k = a.design.data, a.settings.threshold
        found, few = [], []
        for column in ("age_band", "sex"):
            if column not in data or column not in a.town.margins:
                continue
            population = a.town.margins.groupby(column)["population"].sum()
            sample = data[column].astype("string").value_counts()
            total = int(sample.sum())
            for level, pop in population.items():
                got = int(sample.get(str(level), 0))
                label = self.level_labels.get(column, {}).get(str(level), str(level))
                who = group_as_people(column, str(level), label, self.lang)
                if got < k:
                    few.append(who)
                    continue
                pop_share, got_share = pop / population.sum(), got / total
                if got_share < 2 / 3 * pop_share:
                    found.append(
                        t("gap_group", who=who, sample=format_share(got_share, self.lang),
                          population=format_share(pop_share, self.lang))
                    )  # fmt: skip
        out = []
        if found:
            out.append(t("gaps_under", groups="; ".join(found)))
        if few:
            out.append(t("gaps_few", groups=", ".join(few), k=k))
        return out

    def _not_done(self) -> str:
        """What this questionnaire does not let the report show, and the annotation that would."""
        a, t = self.analysis, self.t
        ins = a.instrument
        missing = []
        if a.weighting.method == "none" and a.weighting.requested not in ("", "none"):
            missing.append("cannot_weight")
        if a.priorities.empty:
            missing.append("cannot_matrix")
        if a.needs.empty:
            missing.append("cannot_needs")
        if not ins.by_role("open_text"):
            missing.append("cannot_themes")
        unscored = [
            c for c in ins.constructs
            if len(ins.by_construct(c)) >= 3 and not is_numeric_scale(ins, c)
        ]  # fmt: skip
        if a.reliability.empty and not unscored:
            missing.append("cannot_scales")
        items = "".join(f"<li>{t(key)}</li>" for key in missing)
        items += "".join(f"<li>{t('cannot_score', scale=_esc(c))}</li>" for c in unscored)
        if not items:
            return ""
        return f"<h3>{t('not_done')}</h3><p>{t('not_done_intro')}</p><ul>{items}</ul>"

    def _bar(self, share: float) -> str:
        width = max(0.0, min(1.0, float(share))) * 30
        return (
            f"<span class='bar' aria-hidden='true' style='display:inline-block;height:2.6mm;"
            f"width:{width:.1f}mm;background:#0072B2'></span>"
        )

    def _share_rows(self, rows: pd.DataFrame, question: str, mentions: bool = False) -> str:
        """One question's answers: label, share with its interval, a bar; hidden ones marked."""
        t = self.t
        names = self.level_labels.get(question, {})
        body = []
        for _, r in rows.iterrows():
            label = names.get(str(r["level"])) or r[f"label_{self.lang}"]
            if r["suppressed"] or pd.isna(r["estimate"]):
                value, bar, share_m = f"– <span class='note'>{t('hidden_short')}</span>", "", "–"
            else:
                low = format_share(r["ci_low"], self.lang).removesuffix("%")
                high = format_share(r["ci_high"], self.lang)
                value = f"{format_share(r['estimate'], self.lang)} ({low}–{high})"
                bar = self._bar(r["estimate"])
                share_m = "–" if pd.isna(r["mentions"]) else format_share(r["mentions"], self.lang)
            extra = f"<td class='num'>{share_m}</td>" if mentions else ""
            body.append(
                f"<tr><td>{_esc(label)}</td><td class='num'>{value}</td>{extra}<td>{bar}</td></tr>"
            )
        shown = rows.loc[~rows["suppressed"], "n"].dropna()
        n = f"n = {int(shown.max())}" if len(shown) else t("hidden_short")
        head_extra = f"<th class='num' scope='col'>{t('q_mentions')}</th>" if mentions else ""
        return (
            f"<table class='data'><thead><tr><th scope='col'>{t('q_answer')}</th>"
            f"<th class='num' scope='col'>{t('q_share_multiple' if mentions else 'q_share')}</th>"
            f"{head_extra}<th scope='col'><span class='note'>{n}</span></th></tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table>"
        )

    def _number_block(self, rows: pd.DataFrame, question: str) -> str:
        t = self.t
        stats = rows[rows["statistic"].isin(["mean", "median"])].set_index("statistic")
        parts = []
        for stat in ("mean", "median"):
            if stat not in stats.index:
                continue
            r = stats.loc[stat]
            if r["suppressed"] or pd.isna(r["estimate"]):
                parts.append(f"{t('q_' + stat)}: –")
                continue
            parts.append(
                f"{t('q_' + stat)}: {self._num(r['estimate'], 1)} "
                f"({self._num(r['ci_low'], 1)}–{self._num(r['ci_high'], 1)})"
            )
        n = stats["n"].dropna()
        line = "; ".join(parts) + (f"; n = {int(n.max())}" if len(n) else "")
        out = f"<p>{line}</p>"
        dist = rows[rows["statistic"] == "share"]
        if len(dist):
            out += self._share_rows(dist, question)
        return out

    def _battery(self, rows: pd.DataFrame) -> str:
        """Questions sharing one answer scale: diverging bars, then one table per question."""
        a, t = self.analysis, self.t
        names = list(dict.fromkeys(rows["question"]))
        qs = [a.instrument.question(n) for n in names]
        first = qs[0]
        title = first.stem.get(self.lang) or next(iter(first.stem.values()), "") or t("q_battery")
        choices = [c for c in first.choices if not c.missing]
        parts = [f"<h3>{_esc(title)}</h3>"]
        freq = rows.rename(columns={"question": "variable"})
        if not freq["suppressed"].all() and 2 <= len(choices) <= 10:  # up to 5 per side
            fig = likert_bars(
                freq, [c.name for c in choices], {c.name: c.label(self.lang) for c in choices},
                item_labels={q.name: q.label(self.lang) for q in qs}, sort=False,
                threshold=a.settings.threshold, lang=self.lang,
            )  # fmt: skip
            parts.append(figure_html(fig, t("q_battery_caption")))
        for q in qs:
            parts.append(f"<h4>{_esc(q.label(self.lang))}</h4>")
            parts.append(self._share_rows(rows[rows["question"] == q.name], q.name))
        return "".join(parts)

    def _questions(self) -> str:
        a, t = self.analysis, self.t
        res = a.questions
        if res is None or (res.table.empty and res.skipped.empty):
            return ""
        table = res.table
        parts = [f"<p>{t('questions_intro', threshold=a.settings.threshold)}</p>"]
        batteries: set[str] = set()
        for question, rows in table.groupby("question", sort=False):
            kind = rows["kind"].iloc[0]
            if kind == "battery":
                key = rows["battery"].iloc[0]
                if key not in batteries:
                    batteries.add(key)
                    parts.append(self._battery(table[table["battery"] == key]))
                continue
            q = a.instrument.question(str(question))
            parts.append(f"<h3>{_esc(q.label(self.lang))}</h3>")
            if kind == "number":
                parts.append(self._number_block(rows, q.name))
            else:
                parts.append(self._share_rows(rows, q.name, mentions=kind == "multiple"))
        if len(res.skipped):
            reasons = "".join(
                f"<li>{_esc(r[f'label_{self.lang}'])}: {_esc(r[f'reason_{self.lang}'])}</li>"
                for _, r in res.skipped.iterrows()
            )
            parts.append(
                f"<h3>{t('q_skipped')}</h3><p>{t('q_skipped_intro')}</p><ul>{reasons}</ul>"
            )
        return "".join(parts)

    def _findings(self) -> str:
        a, t = self.analysis, self.t
        parts = []
        services = self._likert("importance", "importance_caption") + self._likert(
            "satisfaction", "satisfaction_caption"
        )
        if services:
            parts += [f"<h3>{t('services')}</h3>", services]
        if not a.needs.empty:
            needs = a.needs.merge(
                a.indicators[a.indicators["group"] == "total"][["indicator", "suppressed"]].assign(
                    need=lambda d: d["indicator"].str.removeprefix("needs__")
                ),
                on="need",
            )
            needs = needs.assign(label=needs[f"label_{self.lang}"])
            fig = needs_ranking(
                needs, label="label", threshold=a.settings.threshold, lang=self.lang
            )
            parts += [f"<h3>{t('needs')}</h3>", figure_html(fig, t("needs_caption"))]
        trust = [self._likert("cohesion", "cohesion_caption")]
        total = self._total()
        part = total[total["theme"].isin(["participation", "trust"]) & (total["kind"] == "share")]
        if not part.empty:
            fig = dot_interval(
                part.assign(label=part[f"label_{self.lang}"]), "label",
                threshold=a.settings.threshold, lang=self.lang,
            )  # fmt: skip
            trust.append(figure_html(fig, t("participation_caption")))
        if any(trust):
            parts += [f"<h3>{t('trust_participation')}</h3>", *trust]
        means = total[total["kind"] == "mean"]
        if not means.empty:
            parts.append(self._indicator_table(means))
        return "".join(parts)

    def _priorities(self) -> str:
        a, t = self.analysis, self.t
        if a.priorities.empty and a.needs.empty:
            return ""
        if a.priorities.empty:
            return self._ranking()
        pri = a.priorities.assign(label=a.priorities[f"label_{self.lang}"])
        given = a.priorities.attrs.get("lines") == "town"  # else the figure draws the means
        plotted = pri.copy()
        if not given:  # the figure reads lines in attrs as the team's own cut-offs
            plotted.attrs = {}
        fig = priority_matrix(
            plotted,
            label="label",
            importance_line=pri.attrs.get("importance_line") if given else None,
            satisfaction_line=pri.attrs.get("satisfaction_line") if given else None,
            lang=self.lang,
        )
        quadrant = {k: v[0 if self.lang == "pl" else 1] for k, v in QUADRANTS.items()}
        pri = pri.assign(
            quadrant_label=pri["quadrant"].map(quadrant),
            clear_label=pri["clear"].map({True: t("yes"), False: t("no")}),
        )
        return (
            f"<p>{t('ipa_intro')} "
            + t("ipa_lines_town" if given else "ipa_lines_mean",
                imp=format_share(pri.attrs.get("importance_line"), self.lang),
                sat=format_share(pri.attrs.get("satisfaction_line"), self.lang))
            + "</p>"
            + figure_html(fig, t("ipa_caption"))
            + self._table(
                pri.assign(n=a.n),
                ["label", "quadrant_label", "clear_label"],
                {"label": t("service"), "quadrant_label": t("quadrant"),
                 "clear_label": t("clear")},
                percent=False,
            )
            + (self._ranking() if not a.needs.empty else "")
        )  # fmt: skip

    def _ranking(self) -> str:
        """The needs ranked by survey and workshop."""
        a, t = self.analysis, self.t
        ranked = a.needs.merge(
            a.indicators[a.indicators["group"] == "total"][["indicator", "suppressed"]].assign(
                need=lambda d: d["indicator"].str.removeprefix("needs__")
            ),
            on="need",
        )
        survey_only = "basis" in ranked and (ranked["basis"] == "survey").all()
        ranked = ranked.assign(
            label=ranked[f"label_{self.lang}"],
            rank_text=ranked["rank"].astype(str),
            votes_text="–" if survey_only else ranked["votes"].astype(int).astype(str),
            score_text=[self._num(100 * v, 1) for v in ranked["score"]],
        )
        chosen = ranked.head(len(self.sheets))
        rest = ranked.iloc[len(self.sheets) :]
        not_chosen = ""
        if len(chosen) and len(rest):
            lowest = chosen["score"].min()
            names = ", ".join(
                f"„{_esc(r['label'])}” ({self._num(100 * r['score'], 1)})"
                for _, r in rest.head(5).iterrows()
            )
            said = t("not_chosen", needs=names, top=len(chosen), score=self._num(100 * lowest, 1))
            not_chosen = f"<p>{said}</p>"
        return (
            f"<h3>{t('ranking')}</h3>"
            f"<p>{t('ranking_survey_only' if survey_only else 'ranking_method')}</p>"
            + self._table(
                ranked.head(8).rename(columns={"share": "estimate"}),
                ["rank_text", "label", "estimate", "votes_text", "score_text"],
                {"rank_text": "#", "label": t("need"), "estimate": t("survey_share"),
                 "votes_text": t("workshop_votes"), "score_text": t("score")},
                ci=False,
            )
            + not_chosen
        )  # fmt: skip

    def _n_note(self, row: pd.Series, column: str) -> str:
        value = row.get(column)
        return "" if value is None or pd.isna(value) else f" (n = {int(value)})"

    def _groups(self) -> str:
        a, t = self.analysis, self.t
        if a.indicators.empty:
            return ""
        diff = a.differences
        found = diff[diff["significant"]] if len(diff) else diff
        tested = int((diff["test"] != "").sum()) if "test" in diff else len(diff)
        intro = t("groups_intro", tests=tested, found=len(found))
        if found.empty:
            return f"<p>{intro}</p><p>{t('groups_none')}</p>"
        labels = {i.id: i.label(self.lang) for i in a.indicator_defs}
        group_words = {g: t(f"group_{g}") for g in ("age_band", "sex", "district")}
        rows = []
        for _, r in found.iterrows():
            names = self.level_labels.get(r["group"], {})
            if r["kind"] == "share":
                hi, lo = (
                    format_share(r["high_estimate"], self.lang),
                    format_share(r["low_estimate"], self.lang),
                )
            else:
                hi, lo = self._num(r["high_estimate"], 1), self._num(r["low_estimate"], 1)
            measure = "h" if r["effect_measure"] == "cohen_h" else "d"
            size = t(_effect_word(r["effect_size"]))
            rows.append(
                f"<tr><td>{_esc(labels.get(r['indicator'], r['indicator']))}</td>"
                f"<td>{_esc(group_words.get(r['group'], r['group']))}</td>"
                f"<td>{_esc(names.get(r['high_level'], r['high_level']))}: {hi}"
                f"{self._n_note(r, 'high_n')}</td>"
                f"<td>{_esc(names.get(r['low_level'], r['low_level']))}: {lo}"
                f"{self._n_note(r, 'low_n')}</td>"
                f"<td class='num'>{measure} = {self._num(r['effect_size'], 2)} ({size})</td>"
                f"<td class='num'>{_esc(_p_text(r['p_holm'], self.lang))}</td></tr>"
            )
        head = (
            "".join(
                f"<th scope='col'>{t(k)}</th>"
                for k in ("indicator", "grouping", "highest", "lowest")
            )
            + f"<th scope='col' class='num'>{t('effect')}</th>"
            + f"<th scope='col' class='num'>{t('p_holm')}</th>"
        )
        return (
            f"<p>{intro}</p><table class='data'><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table><p class='note'>{t('groups_note')}</p>"
        )

    def _scales(self) -> str:
        a, t = self.analysis, self.t
        rel = a.reliability
        if rel.empty and a.indicators.empty:
            return ""
        parts = [f"<p>{t('scales_intro')}</p>"]
        if len(rel):
            rows = []
            for _, r in rel.iterrows():
                ci = (
                    f" ({self._num(r['ci_low'], 2)}–{self._num(r['ci_high'], 2)})"
                    if pd.notna(r["ci_low"])
                    else ""
                )
                name = (
                    t(f"scale_{r['scale']}") if f"scale_{r['scale']}" in _SCALE_KEYS else r["scale"]
                )
                stat = "α (Cronbach)" if r["statistic"] == "alpha" else "ω (McDonald)"
                rows.append(
                    f"<tr><td>{_esc(name)}</td><td>{stat}</td>"
                    f"<td class='num'>{self._num(r['estimate'], 2)}{ci}</td>"
                    f"<td class='num'>{int(r['n_items'])}</td>"
                    f"<td class='num'>{int(r['n'])}</td></tr>"
                )
            parts.append(
                f"<table class='data'><thead><tr><th scope='col'>{t('scale')}</th>"
                f"<th scope='col'>{t('statistic')}</th>"
                f"<th scope='col' class='num'>{t('estimate')}</th>"
                f"<th scope='col' class='num'>{t('items')}</th>"
                f"<th scope='col' class='num'>n</th></tr></thead>"
                f"<tbody>{''.join(rows)}</tbody></table>"
                f"<p class='note'>{t('reliability_note')}</p>"
            )
        total = self._total()
        keep = total[total["indicator"].isin(["trust_mean", "trust_high", "cohesion", "influence"])
                     | (total["theme"] == "participation")]  # fmt: skip
        parts.append(self._indicator_table(keep))
        return "".join(parts)

    def _library(self) -> str:
        a, t = self.analysis, self.t
        table = a.indicators
        rows = table[
            table["theme"].isin(["library", "digital"]) & table["group"].isin(["total", "age_band"])
        ]
        if rows.empty:
            return ""
        rows = rows.assign(
            label=rows[f"label_{self.lang}"],
            group_label=rows["group_level"].map(
                {"total": t("total"), **self.level_labels.get("age_band", {})}
            ),
        )
        fig = dot_interval(
            rows, "label", group="group_label", threshold=a.settings.threshold, lang=self.lang,
            sort=False,
        )  # fmt: skip
        return f"<p>{t('library_intro')}</p>" + figure_html(fig, t("library_caption"))

    def _ideas(self) -> str:
        from ..clean import theme_labels

        a, t = self.analysis, self.t
        assets = self._assets()
        if a.themes.empty and a.quotes.empty:
            return assets
        names = theme_labels(self.lang)
        parts = [f"<p>{t('ideas_intro')}</p>"]
        for question, group in a.themes.groupby("question", sort=False):
            q = a.instrument.get(question)
            group = group[group["count"] > 0].assign(
                theme_label=lambda d: d["theme"].map(names).fillna(d["theme"]),
                n=lambda d: d["count"],
                estimate=lambda d: d["share"],
            )
            parts.append(f"<h3>{_esc(q.label(self.lang) if q else question)}</h3>")
            parts.append(
                self._table(
                    group.head(10),
                    ["theme_label", "n", "estimate"],
                    {"theme_label": t("theme"), "n": t("count"), "estimate": t("share")},
                    ci=False,
                )
            )
            quotes = a.quotes[a.quotes["question"] == question]["text"]
            parts += [f"<blockquote>{_esc(q_)}</blockquote>" for q_ in quotes]
        return "".join(parts) + assets

    def _assets(self) -> str:
        """The town's assets (people, organisations, places) from the asset mapping."""
        a, t = self.analysis, self.t
        if a.assets is None or a.assets.empty:
            return ""
        rows = "".join(
            f"<tr><td>{_esc(r.get('asset', ''))}</td><td>{_esc(r.get('kind', '') or '')}</td>"
            f"<td>{_esc(r.get('description', '') or '')}</td></tr>"
            for _, r in a.assets.fillna("").iterrows()
        )
        return (
            f"<h3>{t('assets')}</h3><p>{t('assets_intro')}</p><table class='data'><thead><tr>"
            f"<th scope='col'>{t('asset')}</th><th scope='col'>{t('asset_kind')}</th>"
            f"<th scope='col'>{t('asset_description')}</th></tr></thead><tbody>{rows}</tbody>"
            "</table>"
        )

    def _sheets(self) -> str:
        t = self.t
        if not self.sheets:
            return ""
        out = [f"<p>{t('sheets_intro')}</p>"]
        for s in self.sheets:
            evidence = "<br>".join(_esc(describe_item(i, self.lang)) for i in s.evidence)
            rows = [
                (t("sheet_need"), _esc(s.need_label)),
                (t("sheet_problem"), _esc(s.problem)),
                (t("sheet_evidence"), evidence + "<br>" + _esc(s.workshop)),
                (t("sheet_target"), _esc(s.target_group)),
                (t("sheet_assets"), _esc(", ".join(s.assets) or "–")),
                (t("sheet_logic"), _esc(s.logic)),
                (t("sheet_indicator"), _esc(s.indicator.label)),
                (t("sheet_baseline"), _esc(describe_item(s.indicator, self.lang))
                 + f"<br>{_esc(format_date(s.baseline_date, self.lang))}; "
                 f"{_esc(s.baseline_source)}"),
                (t("sheet_goal"), _esc(s.target)),
                (t("sheet_measurement"), _esc(s.measurement)),
                (t("sheet_level"), _esc(s.evidence_level)),
            ]  # fmt: skip
            body = "".join(f"<tr><td>{k}</td><td>{v}</td></tr>" for k, v in rows)
            out.append(
                f"<div class='sheet'><h3>{s.rank}. {_esc(s.need_label)}</h3>"
                f"<table>{body}</table></div>"
            )
        return "".join(out)

    def _baseline(self) -> str:
        t = self.t
        total = self._total()
        if total.empty:
            return ""
        return f"<p>{t('baseline_intro')}</p>" + self._indicator_table(total)

    def _estimate_text(self, row: pd.Series) -> str:
        """``52% (47–58%)`` for a share, ``5,7 (5,4–5,9)`` for a mean, ``–`` if hidden."""
        if row["suppressed"] or pd.isna(row["estimate"]):
            return "–"
        low, high = self._point(row, "ci_low"), self._point(row, "ci_high")
        if row["kind"] == "share":
            low = low.removesuffix("%")
        return f"{self._point(row)} ({low}–{high})"

    def _indicator_table(self, rows: pd.DataFrame, code: bool = False) -> str:
        t = self.t
        shown = rows.assign(
            label=rows[f"label_{self.lang}"],
            value=[self._estimate_text(r) for _, r in rows.iterrows()],
        )
        columns = (["indicator"] if code else []) + ["label", "value", "n"]
        return self._table(
            shown,
            columns,
            {"indicator": t("code"), "label": t("indicator"), "value": t("estimate_ci"), "n": "n"},
            percent=False,
        )

    def _cell(self, row: pd.Series) -> str:
        """``52%`` over ``n = 123`` (a newline that ``table.bygroup`` keeps); ``–`` if hidden."""
        if row["suppressed"] or pd.isna(row["estimate"]):
            return "–"
        return f"{self._point(row)}\n<span class='note'>n = {int(row['n'])}</span>"

    def _by_group(self, group: str) -> str:
        rows = self.analysis.indicators[self.analysis.indicators["group"] == group]
        if rows.empty:
            return ""
        levels = list(dict.fromkeys(rows["group_level"]))
        names = self.level_labels.get(group, {})
        # district names come from town.yaml in Polish: hyphenate them as Polish words
        lang = " lang='pl'" if group == "district" else ""
        head = "".join(
            f"<th scope='col' class='num'{lang}>{_esc(names.get(v, v))}</th>" for v in levels
        )
        body = []
        for _, ind in rows.groupby("indicator", sort=False):
            cells = {r["group_level"]: self._cell(r) for _, r in ind.iterrows()}
            label = _esc(ind.iloc[0][f"label_{self.lang}"])
            tds = "".join(f"<td class='num'>{cells.get(v, '–')}</td>" for v in levels)
            body.append(f"<tr><td>{label}</td>{tds}</tr>")
        if f"by_{group}" in TEXTS:
            title = self.t(f"by_{group}")
        else:
            q = self.analysis.instrument.get(group)
            title = self.t("by_group", name=q.label(self.lang) if q else group)
        return (
            f"<h3>{title}</h3><table class='data bygroup'>{_columns(len(levels))}<thead><tr>"
            f"<th scope='col'>{self.t('indicator')}</th>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody>"
            "</table>"
        )

    def _annex(self) -> str:
        a, t = self.analysis, self.t
        note = t("disclosure_note", threshold=a.settings.threshold)
        rows, last_stem = [], ""
        for k, q in enumerate(
            (q for q in a.instrument.questions if q.type in _ASKED), start=1
        ):  # the questions as asked, with their answers; no technical fields or codes
            stem = q.stem.get(self.lang) or next(iter(q.stem.values()), "")
            if stem and stem != last_stem:
                rows.append(f"<tr><td></td><td colspan='2'><i>{_esc(stem)}</i></td></tr>")
            last_stem = stem
            names = self.level_labels.get(q.name, {})
            options = " / ".join(names.get(c.name) or c.label(self.lang) for c in q.choices)
            kind = t(f"qtype_{_ASKED[q.type]}")
            if q.max_choices:
                kind += f" ({t('up_to', k=q.max_choices)})"
            rows.append(
                f"<tr><td class='num'>{k}</td><td>{_esc(q.label(self.lang))}"
                + (f"<br><span class='note'>{_esc(options)}</span>" if options else "")
                + f"</td><td>{_esc(kind)}</td></tr>"
            )
        questions = (
            f"<table class='data'><thead><tr><th scope='col' class='num'>#</th>"
            f"<th scope='col'>{t('question')}</th><th scope='col'>{t('answer_kind')}</th>"
            f"</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        )
        groups = list(dict.fromkeys(g for g in a.indicators["group"] if g != "total"))
        return (
            f"<h3>{t('questionnaire')}</h3>" + questions
            + "".join(self._by_group(g) for g in groups)
            + f"<h3>{t('disclosure')}</h3><p>{note}</p>"
            + f"<h3>{t('rodo')}</h3><p>{self._rodo()}</p>"
        )  # fmt: skip

    def _rodo(self) -> str:
        """The data-protection notice: what was collected, what was removed, what is published."""
        a, t = self.analysis, self.t
        found = sum(int(v) for v in a.cleaned.redacted.values())
        if self.lang == "pl":
            removed = count(found, "fragment", "fragmenty", "fragmentów")
        else:
            removed = count(found, "item", "items")
        return t("rodo_text", removed=removed, threshold=a.settings.threshold)


_SCALE_KEYS = {"scale_cohesion"}
#: question types the annex lists (what respondents were asked) -> kind of answer
_ASKED = {
    "select_one": "one", "select_multiple": "multiple", "integer": "number",
    "decimal": "number", "text": "text", "date": "date", "datetime": "date", "range": "number",
}  # fmt: skip


def _columns(levels: int) -> str:
    """Column widths of a by-group table: the labels, then ``levels`` equal value columns.

    A value column gets 16% of the width, less when there are more than four
    levels, so that the labels keep at least 30%. Fixed widths let WeasyPrint
    lay a long table out without measuring every cell first
    (``table-layout: fixed`` in the report CSS).

    Examples
    --------
    >>> _columns(2)
    "<colgroup><col style='width:68%'><col style='width:16%'><col style='width:16%'></colgroup>"
    >>> _columns(5).count("width:14%")
    5
    """
    each = math.floor(min(16.0, 70.0 / max(levels, 1)) * 100) / 100  # 2 decimals, rounded down
    first = round(100.0 - levels * each, 2)
    value = f"<col style='width:{each:g}%'>"
    return f"<colgroup><col style='width:{first:g}%'>{value * levels}</colgroup>"


def _effect_word(size: float) -> str:
    """Cohen's rule of thumb: 0.2 small, 0.5 medium, 0.8 large."""
    if pd.isna(size) or abs(size) < 0.2:
        return "effect_tiny"
    if abs(size) < 0.5:
        return "effect_small"
    if abs(size) < 0.8:
        return "effect_medium"
    return "effect_large"


def _p_text(p: float, lang: str) -> str:
    if p < 0.001:
        return "< 0,001" if lang == "pl" else "< 0.001"
    return format_number(p, lang, 3)


def _level_labels(analysis: TownAnalysis, lang: Language) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    ins = analysis.instrument
    names = ["age_band", "sex", "district", "education", *(q.name for q in ins.by_role("domain"))]
    for name in dict.fromkeys(names):
        q = ins.get(name)
        if q is None:
            continue
        out[name] = {c.name: c.label(lang) for c in q.choices}
    # the margins' groups when the questionnaire codes them its own way (or asks no such thing)
    out.setdefault(
        "age_band", {str(b): age_band_label(b) for b in analysis.town.margins["age_band"]}
    )
    out.setdefault("sex", {"female": text(lang, "women"), "male": text(lang, "men")})
    for code, label in analysis.town.districts.items():
        out.setdefault("district", {})[code] = label
    return out


def _write_few_evidence(few: TooFew, folder: Path) -> None:
    """The evidence files of a town with too few respondents: no estimate, the reason."""
    reason = {"pl": few.reason("pl"), "en": few.reason("en")}
    write_empty_evidence(few.town, few.settings, few.n, few.cleaned.log, reason, folder)
